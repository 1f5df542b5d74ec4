package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"egovdesk/app"
	"egovdesk/app/apptest"
	"egovdesk/sync/bureautest"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server"
	"egovdesk/sync/server/badgerstore"
	"egovdesk/sync/server/bureaustore"
	"egovdesk/sync/server/console"
)

// seedDeclarations submits decls through the API in batches, unit A and B
// by turns of a batch, and returns their filing ids.
func (fx *fixture) seedDeclarations(tb testing.TB, decls []*app.Declaration) []string {
	tb.Helper()
	h := fx.srv.Handler()
	ids := make([]string, len(decls))
	const batch = protocol.MaxBatch
	for i := 0; i < len(decls); i += batch {
		tok, unit := fx.clerkA, fx.unitA.ID
		if (i/batch)%2 == 1 {
			tok, unit = fx.clerkB, fx.unitB.ID
		}
		var reqs []protocol.SubmitRequest
		for j := i; j < min(i+batch, len(decls)); j++ {
			f, err := app.NewFiling(app.KindDeclaration, uuid.NewString(), uuid.NewString(), unit, fx.clock.Now())
			if err != nil {
				tb.Fatal(err)
			}
			f.Declaration = decls[j]
			ids[j] = f.ID
			reqs = append(reqs, submitReq(tb, f))
		}
		data, err := json.Marshal(protocol.BatchSubmitRequest{Submissions: reqs})
		if err != nil {
			tb.Fatal(err)
		}
		r := httptest.NewRequest("POST", protocol.PathSubmissions, bytes.NewReader(data))
		r.Header.Set("Content-Type", protocol.MediaJSON)
		r.Header.Set(protocol.HeaderAuthorization, "Bearer "+tok)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusOK || strings.Contains(w.Body.String(), `"problem"`) {
			tb.Fatalf("seed: %d %.500s", w.Code, w.Body)
		}
	}
	return ids
}

var similarLink = regexp.MustCompile(`<li(?: class="high")?>\s*<a href="/console/filings/([^"]+)">`)

// similarOnPage returns the ids the similar-projects panel of a filing
// page lists, in order.
func similarOnPage(page string) []string {
	i := strings.Index(page, `<ol class="similar">`)
	if i < 0 {
		return nil
	}
	page = page[i:]
	page = page[:strings.Index(page, "</ol>")]
	var out []string
	for _, m := range similarLink.FindAllStringSubmatch(page, -1) {
		out = append(out, m[1])
	}
	return out
}

// TestConsoleSimilarProjectsRankNearCopiesFirst seeds 1,000 declarations
// of two units over three plan years, many on the same topics, 25 of them
// near copies of another under another place's name and year; on each
// copy's page and on its original's, the other is listed first.
func TestConsoleSimilarProjectsRankNearCopiesFirst(t *testing.T) {
	fx := MustBureau(t)
	rng := rand.New(rand.NewPCG(13, 1))
	const n, copies = 1000, 25
	decls := make([]*app.Declaration, n)
	names := map[string]bool{} // a unit files a project once: the only same names are the copies'
	for i := range n - copies {
		for decls[i] == nil || names[decls[i].ProjectName] {
			decls[i] = apptest.VariedDeclaration(rng, i)
		}
		names[decls[i].ProjectName] = true
	}
	pair := map[int]int{} // copy's index → original's
	for k := range copies {
		orig := rng.IntN(n - copies)
		c := n - copies + k
		decls[c] = apptest.NearCopy(rng, decls[orig], apptest.Places[(k*7)%len(apptest.Places)])
		pair[c] = orig
	}
	ids := fx.seedDeclarations(t, decls)
	br := fx.browser()
	br.login("reviewer", http.StatusSeeOther)
	for c, o := range pair {
		for _, p := range [][2]int{{c, o}, {o, c}} {
			if r := br.get("/console/filings/" + ids[p[0]]); r.StatusCode != http.StatusOK {
				t.Fatalf("filing page: %d", r.StatusCode)
			}
			got := similarOnPage(br.last)
			// An original copied twice lists both copies first.
			ok := len(got) > 0 && got[0] == ids[p[1]]
			for c2, o2 := range pair {
				if o2 == p[0] && len(got) > 1 && got[1] == ids[p[1]] && got[0] == ids[c2] {
					ok = true
				}
			}
			if !ok {
				t.Errorf("%s: similar %v, want %s (%s) first", decls[p[0]].ProjectName, got, ids[p[1]], decls[p[1]].ProjectName)
			}
		}
	}
	// The panel shows the other's unit, year and the two similarities.
	br.get("/console/filings/" + ids[n-1])
	o := decls[pair[n-1]]
	// The score's tooltip says how it is made (it said "the average").
	for _, want := range []string{o.ProjectName, fmt.Sprintf("%d 年度", o.PlanYear), "名称 ", "建设内容 ",
		fmt.Sprintf("建设内容占 %d%%，名称占 %d%%", app.SimilarContentWeight, app.SimilarNameWeight)} {
		if !strings.Contains(br.last, want) {
			t.Errorf("similar panel lacks %q", want)
		}
	}
	// A declaration unlike any other lists nothing.
	lone := apptest.ShortDeclaration(1)
	lone.ProjectName, lone.Goals, lone.Content, lone.DataResources = "石店镇古籍修复数字化", "修复馆藏古籍", "扫描、修复、著录古籍善本", "古籍影像"
	lone.Modules = nil
	id := fx.seedDeclarations(t, []*app.Declaration{lone})[0]
	br.get("/console/filings/" + id)
	if got := similarOnPage(br.last); got != nil || !strings.Contains(br.last, "没有发现名称或建设内容相近") {
		t.Errorf("lone declaration: similar %v", got)
	}
}

// submitNearCopies submits a declaration of unit A and unit B's near copy
// of it, and returns the two filings.
func (fx *fixture) submitNearCopies(t *testing.T, rng *rand.Rand) (fa, fb *app.Filing) {
	t.Helper()
	fa, fb = newFiling(t, fx.unitA.ID), newFiling(t, fx.unitB.ID)
	fa.Declaration = apptest.VariedDeclaration(rng, 1)
	fb.Declaration = apptest.NearCopy(rng, fa.Declaration, "舒城县")
	fx.submit(fx.clerkA, fa, http.StatusCreated)
	fx.submit(fx.clerkB, fb, http.StatusCreated)
	return fa, fb
}

// TestConsoleSimilarFollowsRevisionsAndOldStores checks that a new
// revision replaces the old one's entry (a declaration rewritten to
// another topic stops being listed under the first), and that a store
// written before the index existed is indexed on first use.
func TestConsoleSimilarFollowsRevisionsAndOldStores(t *testing.T) {
	fx := MustBureau(t)
	fa, fb := fx.submitNearCopies(t, rand.New(rand.NewPCG(7, 7)))
	br := fx.browser()
	br.login("reviewer", http.StatusSeeOther)
	br.get("/console/filings/" + fa.ID)
	if got := similarOnPage(br.last); len(got) != 1 || got[0] != fb.ID {
		t.Fatalf("before: similar %v, want [%s]", got, fb.ID)
	}

	server.DropSimilarIndex(t, fx.srv)
	br.get("/console/filings/" + fa.ID)
	if got := similarOnPage(br.last); len(got) != 1 || got[0] != fb.ID {
		t.Fatalf("after rebuild: similar %v, want [%s]", got, fb.ID)
	}

	// The reviewer returns b; its unit rewrites it as another project.
	fx.decide(fx.reviewer, fb.ID, app.ActionReturn, "与城关镇项目重复，请说明区别", http.StatusOK)
	next := *fb
	next.Declaration = apptest.ShortDeclaration(2)
	next.Declaration.ProjectName, next.Declaration.Goals, next.Declaration.Content = "舒城县古籍修复数字化", "修复馆藏古籍", "扫描、修复、著录古籍善本"
	next.Declaration.Modules = nil
	next.Revision = app.Revision{ID: uuid.NewString(), Number: 2, BaseID: fb.Revision.ID}
	fx.submit(fx.clerkB, &next, http.StatusCreated)
	br.get("/console/filings/" + fa.ID)
	if got := similarOnPage(br.last); got != nil {
		t.Errorf("after the revision: similar %v, want none", got)
	}
}

// TestConsoleFilingPageWithoutSimilarIndex: when the similar-projects
// index cannot answer (its entries damaged: Badger only, PG_BADGER_ONLY in
// the Makefile), a declaration's page still
// opens with its document and its decisions, and the panel says the
// similar projects cannot be shown now instead of saying there are none;
// the reviewer's decision still goes through.
func TestConsoleFilingPageWithoutSimilarIndex(t *testing.T) {
	fx := MustBureau(t)
	fa, _ := fx.submitNearCopies(t, rand.New(rand.NewPCG(5, 6)))
	server.DamageSimilarIndex(t, fx.srv)

	br := fx.browser()
	br.login("reviewer", http.StatusSeeOther)
	if r := br.get("/console/filings/" + fa.ID); r.StatusCode != http.StatusOK {
		t.Fatalf("filing page with a damaged index: status %d\n%s", r.StatusCode, br.last)
	}
	for _, want := range []string{fa.Declaration.ProjectName, "相似项目暂时查询不到", "受理", "退回修改"} {
		if !strings.Contains(br.last, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(br.last, "没有发现名称或建设内容相近") {
		t.Error("the page says there is no similar project while the index could not tell")
	}
	form := url.Values{"csrf": {br.csrf()}, "revision": {fa.Revision.ID}, "transitions": {"1"}, "action": {"accept"}}
	if r := br.post("/console/filings/"+fa.ID+"/decision", form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("accept with a damaged index: %d %s", r.StatusCode, br.last)
	}
}

// loadingIndex is a store whose similar-projects index is still loading,
// as a Badger bureau's is for a few seconds after it starts on a large
// store: a query answers when its context ends, and not before.
type loadingIndex struct {
	bureaustore.Storage
	deadline chan time.Duration // how long the query's context had left
}

func (s *loadingIndex) Similar(ctx context.Context, id string) ([]console.SimilarItem, error) {
	left := time.Duration(-1)
	if dl, ok := ctx.Deadline(); ok {
		left = time.Until(dl)
	}
	s.deadline <- left
	select {
	case <-ctx.Done():
		return nil, fmt.Errorf("similar-projects index still loading: %w", ctx.Err())
	case <-time.After(time.Minute):
		return nil, errors.New("the query was left waiting for the load")
	}
}

// TestConsoleFilingPageWhileSimilarIndexLoads: while the index loads, a
// declaration's page waits for it at most server.SimilarWait, then opens
// saying the similar projects cannot be shown now.
func TestConsoleFilingPageWhileSimilarIndexLoads(t *testing.T) {
	st := &loadingIndex{deadline: make(chan time.Duration, 1)}
	fx := MustBureau(t, func(cfg *server.Config) {
		if bureautest.Postgres() {
			st.Storage = bureautest.PGStorage(t)
		} else {
			bs, err := badgerstore.Open(context.Background(), filepath.Join(cfg.DataDir, "badger"), badgerstore.Options{})
			if err != nil {
				t.Fatal(err)
			}
			st.Storage = bs
		}
		cfg.Storage = st
	})
	fa, _ := fx.submitNearCopies(t, rand.New(rand.NewPCG(5, 7)))
	br := fx.browser()
	br.login("reviewer", http.StatusSeeOther)
	if r := br.get("/console/filings/" + fa.ID); r.StatusCode != http.StatusOK {
		t.Fatalf("filing page while the index loads: status %d", r.StatusCode)
	}
	if left := <-st.deadline; left < 0 || left > server.SimilarWait {
		t.Fatalf("the query could wait %v, want at most %v", left, server.SimilarWait)
	}
	for _, want := range []string{fa.Declaration.ProjectName, "相似项目暂时查询不到", "受理"} {
		if !strings.Contains(br.last, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}
