package e2e

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"egovdesk/app"
	"egovdesk/app/apptest"
	"egovdesk/app/store"
	"egovdesk/assets"
	"egovdesk/sync/client"
	"egovdesk/sync/protocol"
	"egovdesk/sync/syncer"
)

// draftMachine is one clerk's computer in the drafts test: its store and
// syncer, against the bureau at url (through a switch that can cut it off).
type draftMachine struct {
	name string
	st   *store.Store
	sync *syncer.Syncer
}

func newDraftMachine(t *testing.T, name, url, token string) *draftMachine {
	t.Helper()
	storeDir, blobDir := clientDirs(t.TempDir())
	st, err := store.Open(storeDir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	blobs, err := syncer.OpenBlobDir(blobDir)
	if err != nil {
		t.Fatal(err)
	}
	o := syncOptions()
	o.DraftSettle, o.DraftUndo, o.DraftList = time.Millisecond, time.Millisecond, time.Millisecond
	s := syncer.New(st, mustClient(t, url, token), blobs, o)
	t.Cleanup(s.Stop)
	return &draftMachine{name: name, st: st, sync: s}
}

// syncOnce runs one pass and lets a millisecond pass first, so that every
// save has settled.
func (m *draftMachine) syncOnce(t *testing.T) error {
	t.Helper()
	time.Sleep(5 * time.Millisecond)
	return m.sync.SyncOnce(context.Background())
}

func (m *draftMachine) mustSync(t *testing.T) {
	t.Helper()
	if err := m.syncOnce(t); err != nil {
		t.Fatalf("%s: %v", m.name, err)
	}
	if st := m.sync.Status(); st.DraftsProblem != "" {
		t.Fatalf("%s: %s", m.name, st.DraftsProblem)
	}
}

func (m *draftMachine) draft(t *testing.T, unitID, name string) *app.Filing {
	t.Helper()
	f, err := app.NewFiling(app.KindDeclaration, uuid.NewString(), uuid.NewString(), unitID, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	f.Declaration = apptest.Declaration()
	f.Declaration.ProjectName = name
	if err := m.st.Save(context.Background(), f); err != nil {
		t.Fatal(err)
	}
	return f
}

// drafts returns the machine's drafts: ID → project name.
func (m *draftMachine) drafts(t *testing.T) map[string]string {
	t.Helper()
	rows, err := m.st.List(context.Background(), app.Query{Status: app.StatusDraft})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, r := range rows {
		f, err := m.st.Get(context.Background(), r.ID)
		if err != nil {
			t.Fatal(err)
		}
		out[r.ID] = f.Declaration.ProjectName
	}
	return out
}

func names(m map[string]string) []string {
	var out []string
	for _, n := range m {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// bureauDrafts returns the unit's copies at the bureau, ID → version.
func bureauDrafts(t *testing.T, c *client.Client) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	cursor := ""
	for {
		p, err := c.Drafts(context.Background(), cursor, 7)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range p.Drafts {
			out[d.ID] = d.Version
		}
		if p.Next == "" {
			return out
		}
		cursor = p.Next
	}
}

// cutOff serves h, or drops every connection while off is set.
func cutOff(h http.Handler, off *atomic.Bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if off.Load() {
			if hj, ok := w.(http.Hijacker); ok {
				if conn, _, err := hj.Hijack(); err == nil {
					conn.Close()
					return
				}
			}
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// TestDraftsOnTwoMachines: machine A drafts 20 filings offline, then comes
// online and its syncer keeps a copy of each at the bureau; machine B logs
// in to the same unit with an empty store and ends with the same drafts.
// A draft A deletes is gone on B after the undo window and a sync; a
// draft edited on both machines keeps both texts on each; a submitted one
// leaves the draft area. With the bureau's profile switched off, a fresh
// machine's drafts stay on it, and its status says so.
func TestDraftsOnTwoMachines(t *testing.T) {
	ctx := context.Background()
	srv := mustOpenBureau(t, bureauConfig(t.TempDir()))
	acc := initBureau(t, srv)
	var offline atomic.Bool
	url := mustServe(t, cutOff(srv.Handler(), &offline))
	clerk := mustClient(t, url, acc.Clerk)

	// A drafts 20 filings with the network cut: nothing goes.
	a := newDraftMachine(t, "A", url, acc.Clerk)
	offline.Store(true)
	for i := range 20 {
		a.draft(t, acc.Unit.ID, fmt.Sprintf("第%02d号草稿：城关镇数字乡村平台", i))
	}
	if err := a.syncOnce(t); err == nil {
		t.Fatal("A synced with the network cut")
	}
	offline.Store(false)
	if n := len(bureauDrafts(t, clerk)); n != 0 {
		t.Fatalf("the bureau holds %d drafts of A's before it came online", n)
	}
	// Online: every draft goes up, once.
	a.mustSync(t)
	kept := bureauDrafts(t, clerk)
	if len(kept) != 20 {
		t.Fatalf("the bureau holds %d of A's 20 drafts", len(kept))
	}
	a.mustSync(t)
	for id, v := range bureauDrafts(t, clerk) {
		if v != 1 {
			t.Errorf("draft %s went up again (version %d) though unchanged", id, v)
		}
	}
	// The reviewers see none of it.
	rv := mustClient(t, url, acc.Reviewer)
	if _, err := rv.Drafts(ctx, "", 0); client.Classify(err) != client.ClassPermanent {
		t.Errorf("a reviewer lists the unit's drafts: %v", err)
	}

	// B logs in fresh and ends with A's drafts.
	b := newDraftMachine(t, "B", url, acc.Clerk)
	b.mustSync(t)
	aDrafts := a.drafts(t)
	if got, want := names(b.drafts(t)), names(aDrafts); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("B's drafts:\n%v\nA's:\n%v", got, want)
	}
	for id := range aDrafts {
		fa, _ := a.st.Get(ctx, id)
		fb, err := b.st.Get(ctx, id)
		if err != nil || fb.Revision.ID != fa.Revision.ID || fb.Declaration.TotalInvestment != fa.Declaration.TotalInvestment {
			t.Fatalf("B's copy of %s: %+v, %v", id, fb, err)
		}
	}

	// A deletes one: after the undo window it is gone at the bureau and,
	// after B's next sync, on B (in its trash, with its undo).
	var gone string
	for id := range aDrafts {
		gone = id
		break
	}
	if err := a.st.DeleteDraft(ctx, gone); err != nil {
		t.Fatal(err)
	}
	a.mustSync(t)
	if _, ok := bureauDrafts(t, clerk)[gone]; ok {
		t.Fatal("the deleted draft is still at the bureau")
	}
	b.mustSync(t)
	if _, ok := b.drafts(t)[gone]; ok {
		t.Fatal("the draft A deleted is still on B")
	}
	if len(b.drafts(t)) != 19 {
		t.Fatalf("B has %d drafts, want 19", len(b.drafts(t)))
	}

	// One draft edited on both machines before either synced: neither
	// text is lost, on either machine.
	var both string
	for id := range b.drafts(t) {
		both = id
		break
	}
	edit := func(m *draftMachine, text string) {
		f, err := m.st.Get(ctx, both)
		if err != nil {
			t.Fatal(err)
		}
		f.Declaration.ProjectName = text
		if err := m.st.Save(ctx, f); err != nil {
			t.Fatal(err)
		}
	}
	edit(a, "甲机改过的项目名称")
	edit(b, "乙机改过的项目名称")
	a.mustSync(t)
	b.mustSync(t)
	a.mustSync(t)
	for _, m := range []*draftMachine{a, b} {
		ns := strings.Join(names(m.drafts(t)), "|")
		if !strings.Contains(ns, "甲机改过的项目名称") || !strings.Contains(ns, "乙机改过的项目名称") {
			t.Errorf("%s lost a text of the draft edited on both machines: %s", m.name, ns)
		}
		if len(m.drafts(t)) != 20 {
			t.Errorf("%s has %d drafts, want 19 and the other machine's text", m.name, len(m.drafts(t)))
		}
	}
	if inbox, _ := b.st.Inbox(ctx); len(inbox) == 0 || !strings.Contains(inbox[0].Body, "两份内容都已保留") {
		t.Errorf("B's inbox does not tell of the two texts: %+v", inbox)
	}

	// A submitted draft leaves the draft area.
	if _, err := a.st.Submit(ctx, both, "李梅", time.Now()); err != nil {
		t.Fatal(err)
	}
	a.mustSync(t)
	a.mustSync(t)
	if _, ok := bureauDrafts(t, clerk)[both]; ok {
		t.Error("a submitted filing is still in the draft area")
	}

	// The bureau switches the copies off: a fresh machine's drafts stay on
	// it, and it says so.
	data, err := assets.Profiles.ReadFile("profiles/huoqiu.json")
	if err != nil {
		t.Fatal(err)
	}
	off := bytes.Replace(data, []byte(`"keep_drafts": true`), []byte(`"keep_drafts": false`), 1)
	before := len(bureauDrafts(t, clerk))
	if before == 0 {
		t.Fatal("no drafts at the bureau before the switch")
	}
	if _, err := srv.SetProfile(ctx, "huoqiu.json", off); err != nil {
		t.Fatal(err)
	}
	c := newDraftMachine(t, "C", url, acc.Clerk)
	c.draft(t, acc.Unit.ID, "关闭后起草的草稿")
	if err := c.syncOnce(t); err != nil {
		t.Fatalf("C: %v", err)
	}
	st := c.sync.Status()
	if !strings.Contains(st.DraftsOff, "不保留草稿副本") || st.DraftsProblem != "" {
		t.Errorf("C's status with drafts switched off: off %q, problem %q", st.DraftsOff, st.DraftsProblem)
	}
	if len(c.drafts(t)) != 1 {
		t.Errorf("C has %d drafts, want only its own", len(c.drafts(t)))
	}
	if _, err := srv.SetProfile(ctx, "huoqiu.json", data); err != nil {
		t.Fatal(err)
	}
	if n := len(bureauDrafts(t, clerk)); n != before {
		t.Errorf("the bureau holds %d drafts after C's sync under the switch, %d before", n, before)
	}
}

// TestDraftCopyWaitsForThePause: with the sync loop running, a draft saved
// every 50 ms for a second (a clerk typing) is not sent on each save: its
// copy goes up once, soon after the saves stop (the settle timer wakes
// the loop from its long poll), at version 1.
func TestDraftCopyWaitsForThePause(t *testing.T) {
	ctx := context.Background()
	// Long polls of 30 s: only the settle timer's kick can send the copy
	// within the deadline below.
	cfg := bureauConfig(t.TempDir())
	cfg.LongPoll = 30 * time.Second
	srv := mustOpenBureau(t, cfg)
	acc := initBureau(t, srv)
	url := mustServe(t, srv.Handler())
	clerk := mustClient(t, url, acc.Clerk)
	storeDir, blobDir := clientDirs(t.TempDir())
	st, err := store.Open(storeDir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	blobs, err := syncer.OpenBlobDir(blobDir)
	if err != nil {
		t.Fatal(err)
	}
	o := syncOptions()
	o.DraftSettle, o.LongPoll = 400*time.Millisecond, 30*time.Second
	s := syncer.New(st, mustClient(t, url, acc.Clerk), blobs, o)
	if err := s.SyncOnce(ctx); err != nil { // as the client's first pass
		t.Fatal(err)
	}
	s.Start(ctx)
	t.Cleanup(s.Stop)

	m := &draftMachine{name: "A", st: st, sync: s}
	f := m.draft(t, acc.Unit.ID, "城")
	for i := range 20 {
		time.Sleep(50 * time.Millisecond)
		f.Declaration.ProjectName += string([]rune("关镇智慧社区管理平台建设项目一期二期三期")[i])
		if err := st.Save(ctx, f); err != nil {
			t.Fatal(err)
		}
		if n := len(bureauDrafts(t, clerk)); n != 0 {
			t.Fatalf("a copy went up while the clerk typed (save %d)", i)
		}
	}
	deadline := time.Now().Add(8 * time.Second)
	for {
		p, err := clerk.Drafts(ctx, "", 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Drafts) == 1 {
			d, err := clerk.Draft(ctx, p.Drafts[0].ID)
			if err != nil {
				t.Fatal(err)
			}
			if d.Version != 1 || !strings.Contains(string(d.Body), f.Declaration.ProjectName) {
				t.Fatalf("the copy: version %d, %s; want version 1 with the last text %q", d.Version, d.Body, f.Declaration.ProjectName)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the copy never went up after the clerk paused")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestDraftTooBigForTheBureau: a draft over the bureau's size limit is not
// kept; the others are; the status says why, calmly, pass after pass, and
// the refused text is not sent again until the draft changes.
func TestDraftTooBigForTheBureau(t *testing.T) {
	srv := mustOpenBureau(t, bureauConfig(t.TempDir()))
	acc := initBureau(t, srv)
	var puts atomic.Int32
	url := mustServe(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut {
			puts.Add(1)
		}
		srv.Handler().ServeHTTP(w, r)
	}))
	clerk := mustClient(t, url, acc.Clerk)
	a := newDraftMachine(t, "A", url, acc.Clerk)
	a.draft(t, acc.Unit.ID, "普通草稿")
	big := a.draft(t, acc.Unit.ID, "超大草稿")
	big.Declaration.Goals = strings.Repeat("建设目标", 100_000) // 1.2 MB of text
	if err := a.st.Save(context.Background(), big); err != nil {
		t.Fatal(err)
	}
	for pass := range 3 {
		if err := a.syncOnce(t); err != nil {
			t.Fatal(err)
		}
		st := a.sync.Status()
		if !strings.Contains(st.DraftsProblem, "有草稿未能在数管局保留副本") || !strings.Contains(st.DraftsProblem, "上限") {
			t.Errorf("pass %d: DraftsProblem %q", pass, st.DraftsProblem)
		}
	}
	if n := puts.Load(); n != 2 {
		t.Errorf("%d PUTs in three passes, want 2 (the normal draft, and the big one once)", n)
	}
	if kept := bureauDrafts(t, clerk); len(kept) != 1 {
		t.Errorf("the bureau keeps %d drafts, want the normal one", len(kept))
	}
	// Cut down, it goes.
	big.Declaration.Goals = "建设目标"
	if err := a.st.Save(context.Background(), big); err != nil {
		t.Fatal(err)
	}
	a.mustSync(t)
	if kept := bureauDrafts(t, clerk); len(kept) != 2 {
		t.Errorf("after the cut the bureau keeps %d drafts, want 2", len(kept))
	}
}

// TestRevisionDraftKeptAfterAReturn: the bureau returns a filing machine
// A submitted; A's clerk starts revision 2, and its copy is kept in the
// unit's draft area (under the filing and the revision it builds on),
// which the reviewers cannot read. Machine B logs in fresh: the filing is
// restored as the bureau holds it, with A's revision 2 as the draft
// revision on top. B submits it: its copy leaves the draft area, and A's
// unchanged draft revision stays on A without going up again. The bureau
// returns revision 2; A's clerk goes on editing A's (now stale) revision
// 2, whose copy goes up again; machine C logs in fresh and gets that text
// as draft revision 3 on the restored revision 2, with an inbox entry —
// not dropped, not written over B's revision 2.
func TestRevisionDraftKeptAfterAReturn(t *testing.T) {
	ctx := context.Background()
	srv := mustOpenBureau(t, bureauConfig(t.TempDir()))
	acc := initBureau(t, srv)
	url := mustServe(t, srv.Handler())
	clerk := mustClient(t, url, acc.Clerk)
	reviewer := mustClient(t, url, acc.Reviewer)
	ret := func(id, comment string) {
		t.Helper()
		if _, err := decide(ctx, reviewer, id, protocol.DecisionRequest{Action: app.ActionReturn, Comment: comment}); err != nil {
			t.Fatalf("return %s: %v", id, err)
		}
	}
	sent := func(m *draftMachine) {
		t.Helper()
		for range 3 {
			m.mustSync(t)
		}
		if items, _ := m.st.Outbox(ctx); len(items) != 0 {
			t.Fatalf("%s still has %d to send: %+v", m.name, len(items), items)
		}
	}

	a := newDraftMachine(t, "A", url, acc.Clerk)
	f := a.draft(t, acc.Unit.ID, "城关镇智慧停车管理平台")
	if _, err := a.st.Submit(ctx, f.ID, "李梅", time.Now()); err != nil {
		t.Fatal(err)
	}
	sent(a)
	ret(f.ID, "请补充建设依据")
	a.mustSync(t)
	rev, err := a.st.Get(ctx, f.ID)
	if err != nil || rev.Status != app.StatusReturned {
		t.Fatalf("A after the return: %+v, %v", rev, err)
	}
	rev1 := rev.Revision
	if err := rev.Revise(uuid.NewString(), time.Now()); err != nil {
		t.Fatal(err)
	}
	rev.Declaration.Goals = "甲机补充的建设依据"
	if err := a.st.Save(ctx, rev); err != nil {
		t.Fatal(err)
	}
	a.mustSync(t)
	key := f.ID + "@" + rev1.ID
	if kept := bureauDrafts(t, clerk); kept[key] != 1 || len(kept) != 1 {
		t.Fatalf("the draft area after A's revision: %v, want %s at version 1", kept, key)
	}
	if _, err := reviewer.Draft(ctx, key); client.Classify(err) != client.ClassPermanent {
		t.Errorf("a reviewer reads the revision's copy: %v", err)
	}

	// B, fresh: the filing as the bureau holds it, A's revision 2 on top.
	b := newDraftMachine(t, "B", url, acc.Clerk)
	b.mustSync(t)
	got, err := b.st.Get(ctx, f.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Revision.ID != rev.Revision.ID || got.Revision.Number != 2 || got.Revision.BaseID != rev1.ID || got.Revision.Submitted() ||
		got.Declaration.Goals != "甲机补充的建设依据" || got.Status != app.StatusReturned {
		t.Fatalf("B's filing: rev %d (%s on %s, submitted %v), %s, goals %q",
			got.Revision.Number, got.Revision.ID, got.Revision.BaseID, got.Revision.Submitted(), got.Status, got.Declaration.Goals)
	}
	if len(got.History) != 2 || got.History[1].Comment != "请补充建设依据" {
		t.Fatalf("B's history: %+v", got.History)
	}
	if revs, _ := b.st.Revisions(ctx, f.ID); len(revs) != 1 || revs[0].Revision.ID != rev1.ID {
		t.Fatalf("B's submitted revisions: %+v", revs)
	}
	b.mustSync(t)
	if kept := bureauDrafts(t, clerk); kept[key] != 1 || len(kept) != 1 {
		t.Fatalf("B's restore changed the draft area: %v", kept)
	}

	// B finishes and submits revision 2: the copy leaves the draft area;
	// A keeps its draft revision, which does not come back there.
	got.Declaration.Goals += "；乙机核对后提交"
	if err := b.st.Save(ctx, got); err != nil {
		t.Fatal(err)
	}
	if _, err := b.st.Submit(ctx, f.ID, "李梅", time.Now()); err != nil {
		t.Fatal(err)
	}
	sent(b)
	if kept := bureauDrafts(t, clerk); len(kept) != 0 {
		t.Fatalf("the draft area after B submitted: %v", kept)
	}
	a.mustSync(t)
	a.mustSync(t)
	if kept := bureauDrafts(t, clerk); len(kept) != 0 {
		t.Fatalf("A's unchanged draft revision went up again: %v", kept)
	}
	if mine, _ := a.st.Get(ctx, f.ID); mine.Declaration.Goals != "甲机补充的建设依据" || mine.Revision.Submitted() {
		t.Fatalf("A's draft revision: %q", mine.Declaration.Goals)
	}

	// The bureau returns revision 2; A's clerk, unaware, edits A's
	// revision 2 again: its copy goes up again.
	ret(f.ID, "第二版仍需补充")
	mine, _ := a.st.Get(ctx, f.ID)
	mine.Declaration.Goals = "甲机继续修改的建设依据"
	if err := a.st.Save(ctx, mine); err != nil {
		t.Fatal(err)
	}
	a.mustSync(t)
	if kept := bureauDrafts(t, clerk); kept[key] != 1 {
		t.Fatalf("A's changed draft revision is not kept: %v", kept)
	}
	// C, fresh: B's revision 2 as received, A's text as draft revision 3.
	c := newDraftMachine(t, "C", url, acc.Clerk)
	c.mustSync(t)
	got, err = c.st.Get(ctx, f.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Revision.Number != 3 || got.Revision.BaseID != rev.Revision.ID || got.Revision.Submitted() ||
		got.Declaration.Goals != "甲机继续修改的建设依据" || got.Status != app.StatusReturned {
		t.Fatalf("C's filing: rev %d on %s, %s, goals %q", got.Revision.Number, got.Revision.BaseID, got.Status, got.Declaration.Goals)
	}
	revs, _ := c.st.Revisions(ctx, f.ID)
	if len(revs) != 2 || revs[1].Revision.ID != rev.Revision.ID {
		t.Fatalf("C's submitted revisions: %+v", revs)
	}
	inbox, _ := c.st.Inbox(ctx)
	if i := slices.IndexFunc(inbox, func(m app.Message) bool { return strings.Contains(m.Title, "已改为第 3 版") }); i < 0 || inbox[i].Read {
		t.Fatalf("C's inbox does not tell of the moved draft: %+v", inbox)
	}
	// C's draft revision 3 goes up under its own base; A's copy stays A's.
	c.mustSync(t)
	kept := bureauDrafts(t, clerk)
	if kept[key] != 1 || kept[f.ID+"@"+rev.Revision.ID] != 1 || len(kept) != 2 {
		t.Fatalf("the draft area after C: %v", kept)
	}
	// A, whose text that is, gets no copy of its own text.
	a.mustSync(t)
	if n := len(a.drafts(t)); n != 0 {
		t.Fatalf("A got %d separate drafts of its own text", n)
	}
}
