package store

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"egovdesk/app"
)

// bureauOf returns f as the bureau would hold it after receiving its
// current revision (and, with prev, the revisions before), with history h.
func bureauOf(tb testing.TB, f *app.Filing, status app.Status, h []app.Transition, prev ...BureauRevision) BureauFiling {
	tb.Helper()
	body, sum, err := f.Body().Encode()
	if err != nil {
		tb.Fatal(err)
	}
	at := time.Date(2027, 3, 2, 10, 0, 0, 0, time.UTC)
	rev := f.Revision
	rev.SubmittedAt = at
	return BureauFiling{ID: f.ID, Kind: f.Kind, UnitID: f.UnitID, ProjectID: f.ProjectID, Status: status,
		Created: f.Created, Updated: at, History: h,
		Revisions: append(prev, BureauRevision{Revision: rev, Body: body, BodyHash: sum, ReceivedAt: at})}
}

// A page taken over twice — a restore killed after its transaction, before
// it learned so — adds nothing twice; the progress and the change cursor
// are stored with it; the store stays consistent; a decision is in the
// inbox, read.
func TestAdoptPageTwiceAddsNothing(t *testing.T) {
	s := MustOpen(t)
	ctx := context.Background()
	f := newDeclaration(t, "城关镇智慧社区平台", 2027)
	at := time.Date(2027, 3, 3, 9, 0, 0, 0, time.UTC)
	h := []app.Transition{
		{At: at.Add(-time.Hour), Actor: "李梅", Role: app.RoleUnit, Action: app.ActionSubmit, From: app.StatusDraft, To: app.StatusSubmitted, RevisionID: f.Revision.ID, RevisionNumber: 1},
		{At: at, Actor: "王审核", Role: app.RoleReviewer, Action: app.ActionReturn, From: app.StatusSubmitted, To: app.StatusReturned, Comment: "请补充", RevisionID: f.Revision.ID, RevisionNumber: 1},
	}
	page := []BureauFiling{bureauOf(t, f, app.StatusReturned, h)}
	for range 2 {
		if _, err := s.AdoptPage(ctx, page, RestoreProgress{Cursor: "next", Total: 5, Restored: 1}, "feed-1"); err != nil {
			t.Fatal(err)
		}
	}
	mustCheck(t, s)
	c, _ := s.Counts(ctx)
	inbox, _ := s.Inbox(ctx)
	if c.Total != 1 || c.ByStatus[app.StatusReturned] != 1 || len(inbox) != 1 || !inbox[0].Read || c.Unread != 0 {
		t.Errorf("after the page twice: %d filings, %v, inbox %+v, unread %d", c.Total, c.ByStatus, inbox, c.Unread)
	}
	got, err := s.Get(ctx, f.ID)
	if err != nil || got.Status != app.StatusReturned || len(got.History) != 2 || got.Declaration.ProjectName != "城关镇智慧社区平台" {
		t.Fatalf("adopted: %+v, %v", got, err)
	}
	p, started, _ := s.RestoreState(ctx)
	if !started || p.Cursor != "next" || p.Restored != 1 {
		t.Errorf("progress: %+v %v", p, started)
	}
	if cur, _ := s.Cursor(ctx); cur != "feed-1" {
		t.Errorf("change cursor %q", cur)
	}
	// A later page never moves a change cursor the store has.
	if _, err := s.AdoptPage(ctx, nil, RestoreProgress{Done: true}, "feed-2"); err != nil {
		t.Fatal(err)
	}
	if cur, _ := s.Cursor(ctx); cur != "feed-1" {
		t.Errorf("change cursor moved to %q", cur)
	}
	// A decision the feed brings later is not entered twice.
	if err := s.ApplyChanges(ctx, "feed-3", []Change{{ID: "bureau-change-1", Kind: app.MessageDecision, FilingID: f.ID, Transition: h[1], At: at}}); err != nil {
		t.Fatal(err)
	}
	if inbox, _ := s.Inbox(ctx); len(inbox) != 1 {
		t.Errorf("the restored decision came in again: %d entries", len(inbox))
	}
}

// Taking over never overwrites a newer local revision: a draft revision the
// clerk is writing keeps its text, and only the bureau's decisions are
// added.
func TestAdoptKeepsALocalDraftRevision(t *testing.T) {
	s := MustOpen(t)
	ctx := context.Background()
	it := mustSubmit(t, s, "城关镇智慧社区平台")
	f, _ := s.Get(ctx, it.FilingID)
	if err := s.Ack(ctx, it.Seq, Receipt{ID: "r1", At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	ret := app.Transition{At: time.Now(), Actor: "王审核", Role: app.RoleReviewer, Action: app.ActionReturn,
		From: app.StatusSubmitted, To: app.StatusReturned, Comment: "请补充", RevisionID: f.Revision.ID, RevisionNumber: 1}
	if err := s.ApplyChanges(ctx, "c1", []Change{{ID: "x", Kind: app.MessageDecision, FilingID: f.ID, Transition: ret, At: ret.At}}); err != nil {
		t.Fatal(err)
	}
	bureau := bureauOf(t, f, app.StatusReturned, append(f.History, ret))
	f, _ = s.Get(ctx, f.ID)
	if err := f.Revise(uuid.NewString(), time.Now()); err != nil {
		t.Fatal(err)
	}
	f.Declaration.Goals = "本机正在修改"
	mustSave(t, s, f)
	wrote, err := s.Adopt(ctx, bureau)
	if err != nil || wrote {
		t.Fatalf("adopt over a draft revision: wrote %v, %v", wrote, err)
	}
	got, _ := s.Get(ctx, f.ID)
	if got.Revision.ID != f.Revision.ID || got.Declaration.Goals != "本机正在修改" {
		t.Errorf("the draft revision was overwritten: %d %q", got.Revision.Number, got.Declaration.Goals)
	}
	mustCheck(t, s)
}

// A catalogue restored before its project's declaration (an earlier page)
// is listed under the project's plan year once the restore is done, as on
// the machine that filed it.
func TestRestoreGivesLaterProjectsTheirYear(t *testing.T) {
	s := MustOpen(t)
	ctx := context.Background()
	decl := newDeclaration(t, "城关镇智慧社区平台", 2028)
	cat, err := app.NewFiling(app.KindCatalogue, uuid.NewString(), uuid.NewString(), "unit-1", time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	cat.Catalogue.Title = "城关镇智慧社区平台共享资源目录"
	cat.ProjectID = decl.ID
	if _, err := s.AdoptPage(ctx, []BureauFiling{bureauOf(t, cat, app.StatusSubmitted, nil)}, RestoreProgress{Cursor: "p2", Restored: 1, Total: 2}, "f"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AdoptPage(ctx, []BureauFiling{bureauOf(t, decl, app.StatusSubmitted, nil)}, RestoreProgress{Restored: 2, Total: 2, Done: true}, "f"); err != nil {
		t.Fatal(err)
	}
	rows, err := s.List(ctx, app.Query{PlanYear: 2028})
	if err != nil || len(rows) != 2 {
		t.Errorf("filings listed under 2028: %d (%v), want the declaration and its catalogue", len(rows), err)
	}
	mustCheck(t, s)
}

// Every kind of filing taken over from the bureau keeps its content: a
// go-live, adjustment, acceptance filing, O&M filing or performance
// evaluation restored to a second computer came back empty ("（未命名）"
// and an empty editor), only four of the nine kinds being copied.
func TestAdoptKeepsTheContentOfEveryKind(t *testing.T) {
	s := MustOpen(t)
	ctx := context.Background()
	var page []BureauFiling
	want := map[string][]byte{}
	for _, k := range app.AllKinds() {
		f, err := app.NewFiling(k, uuid.NewString(), uuid.NewString(), "unit-1", time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		if f.GoLive != nil {
			f.GoLive.ProjectName = "城关镇智慧社区平台"
		}
		body, _, err := f.Body().Encode()
		if err != nil {
			t.Fatal(err)
		}
		want[f.ID] = body
		h := []app.Transition{{At: time.Date(2027, 3, 1, 10, 0, 0, 0, time.UTC), Actor: "李梅", Role: app.RoleUnit,
			Action: app.ActionSubmit, From: app.StatusDraft, To: app.StatusSubmitted, RevisionID: f.Revision.ID, RevisionNumber: 1}}
		page = append(page, bureauOf(t, f, app.StatusSubmitted, h))
	}
	if _, err := s.AdoptPage(ctx, page, RestoreProgress{Done: true}, "feed-1"); err != nil {
		t.Fatal(err)
	}
	for id, body := range want {
		got, err := s.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		b, _, err := got.Body().Encode()
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != string(body) {
			t.Errorf("%s taken over:\n got %s\nwant %s", got.Kind, b, body)
		}
		if got.Kind == app.KindGoLive && !strings.HasPrefix(got.Title(), "城关镇智慧社区平台") {
			t.Errorf("the go-live filing's title: %q", got.Title())
		}
	}
}
