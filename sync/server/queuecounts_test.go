package server_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"egovdesk/app"
	"egovdesk/app/apptest"
	"egovdesk/sync/protocol"
)

// TestQueueCounts: GET /review/queue and the console's queue page count
// the whole queue by status and by kind, whatever page and filter, and the
// filings a kind-and-status filter selects; the counts follow decisions
// (a filing that leaves the queue, one that moves on a step).
func TestQueueCounts(t *testing.T) {
	fx := MustBureau(t)
	var decls []string
	for i := range 5 {
		f := newFiling(t, fx.unitA.ID)
		f.Declaration.ProjectName = apptest.ProjectName(i)
		fx.submit(fx.clerkA, f, http.StatusCreated)
		decls = append(decls, f.ID)
	}
	for range 2 {
		f, err := app.NewFiling(app.KindCatalogue, uuid.NewString(), uuid.NewString(), fx.unitB.ID, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		f.Catalogue = apptest.Catalogue()
		fx.submit(fx.clerkB, f, http.StatusCreated)
	}
	fx.decide(fx.reviewer, decls[0], app.ActionAccept, "", http.StatusOK)
	fx.decide(fx.reviewer, decls[1], app.ActionAccept, "", http.StatusOK)
	fx.decide(fx.reviewer, decls[2], app.ActionReturn, "请补充预算依据", http.StatusOK) // leaves the queue

	check := func(path string, wantMatching int, known bool) protocol.QueuePage {
		t.Helper()
		var page protocol.QueuePage
		fx.mustJSON("GET", path, fx.reviewer, nil, http.StatusOK, &page)
		c := page.Counts
		if c == nil {
			t.Fatalf("%s: no counts", path)
		}
		if c.Total != 6 || c.ByKind[app.KindDeclaration] != 4 || c.ByKind[app.KindCatalogue] != 2 ||
			c.ByStatus[app.StatusSubmitted] != 4 || c.ByStatus[app.StatusPreliminary] != 2 {
			t.Errorf("%s: counts %+v", path, *c)
		}
		switch {
		case known && (c.Matching == nil || *c.Matching != wantMatching):
			t.Errorf("%s: matching %v, want %d", path, c.Matching, wantMatching)
		case !known && c.Matching != nil:
			t.Errorf("%s: matching %d for a filter the counters cannot count", path, *c.Matching)
		}
		return page
	}
	check(queuePath(), 6, true)
	check(queuePath(protocol.ParamLimit, "2"), 6, true)
	check(queuePath(protocol.ParamKind, string(app.KindDeclaration)), 4, true)
	check(queuePath(protocol.ParamKind, string(app.KindDeclaration), protocol.ParamStatus, string(app.StatusPreliminary)), 2, true)
	check(queuePath(protocol.ParamStatus, string(app.StatusSubmitted)), 4, true)
	check(queuePath(protocol.ParamUnit, fx.unitB.ID), 0, false)

	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	b.get("/console/queue?kind=declaration")
	for _, want := range []string{"符合条件 4 件 / 共 6 件", "已提交 <b>4</b>", "初审中/审核中 <b>2</b>", "项目申报书 <b>4</b>"} {
		if !strings.Contains(b.last, want) {
			t.Errorf("queue page lacks %q", want)
		}
	}
}
