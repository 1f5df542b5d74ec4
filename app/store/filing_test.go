package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/google/uuid"

	"egovdesk/app"
)

func TestSaveGet(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	f := newDeclaration(t, "霍邱县智慧社区管理平台", 2026)
	f.Declaration.Goals = "第一稿"
	mustSave(t, s, f)
	f.Declaration.Goals = "第二稿"
	mustSave(t, s, f)

	got, err := s.Get(ctx, f.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Declaration.Goals != "第二稿" || got.Status != app.StatusDraft || !got.Updated.Equal(f.Updated) {
		t.Fatalf("got %+v", got)
	}
	if _, err := s.Get(ctx, "nope"); app.ErrorCode(err) != app.ENOTFOUND {
		t.Fatalf("missing: %v, want ENOTFOUND", err)
	}
	if err := s.Save(ctx, &app.Filing{ID: "x"}); app.ErrorCode(err) != app.EINVALID {
		t.Fatalf("empty filing: %v, want EINVALID", err)
	}
	mustCheck(t, s)
}

// The store owns the workflow: a stale copy cannot change status or history.
func TestSaveKeepsWorkflow(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	f := newDeclaration(t, "数字乡村平台", 2026)
	f.Status = app.StatusApproved // a new filing is always a draft
	mustSave(t, s, f)
	got, _ := s.Get(ctx, f.ID)
	if got.Status != app.StatusDraft {
		t.Fatalf("new filing saved as %s", got.Status)
	}
	if _, err := s.Submit(ctx, f.ID, "张三", time.Now()); err != nil {
		t.Fatal(err)
	}
	// The UI's copy is still the draft of revision 1: saving it must fail.
	f.Declaration.Goals = "提交后偷偷改"
	if err := s.Save(ctx, f); app.ErrorCode(err) != app.EINVALID {
		t.Fatalf("save of a submitted revision: %v, want EINVALID", err)
	}
	// Revising a filing that was not returned is refused by app; a made-up
	// next revision is an out-of-date copy.
	g := *f
	g.Revision = app.Revision{ID: uuid.NewString(), Number: 2, BaseID: f.Revision.ID}
	if err := s.Save(ctx, &g); app.ErrorCode(err) != app.ECONFLICT {
		t.Fatalf("save of revision 2 while submitted: %v, want ECONFLICT", err)
	}
	mustCheck(t, s)
}

func TestReviseKeepsSnapshot(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	f := newDeclaration(t, "城市大脑一期", 2026)
	f.Declaration.Goals = "v1"
	mustSave(t, s, f)
	item, err := s.Submit(ctx, f.ID, "张三", time.Date(2026, 4, 1, 10, 0, 0, 0, time.Local))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Ack(ctx, item.Seq, Receipt{ID: "R-1", At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	ret := app.Transition{At: time.Date(2026, 4, 2, 10, 0, 0, 0, time.Local), Actor: "李审核",
		Role: app.RoleReviewer, Action: app.ActionReturn, From: app.StatusSubmitted, To: app.StatusReturned,
		Comment: "预算明细不全", RevisionID: item.RevisionID, RevisionNumber: 1}
	if err := s.ApplyChanges(ctx, "c1", []Change{{Kind: app.MessageDecision, FilingID: f.ID, Transition: ret}}); err != nil {
		t.Fatal(err)
	}

	f, _ = s.Get(ctx, f.ID)
	if err := f.Revise(uuid.NewString(), time.Now()); err != nil {
		t.Fatal(err)
	}
	f.Declaration.Goals = "v2"
	mustSave(t, s, f)
	got, _ := s.Get(ctx, f.ID)
	if got.Revision.Number != 2 || got.Declaration.Goals != "v2" || got.Status != app.StatusReturned ||
		len(got.History) != 2 {
		t.Fatalf("after revise: %+v", got)
	}
	sums, _ := s.List(ctx, app.Query{})
	if len(sums) != 1 || sums[0].Send.State != app.SendNone || sums[0].RevisionNumber != 2 {
		t.Fatalf("summary after revise: %+v", sums)
	}

	revs, err := s.Revisions(ctx, f.ID)
	if err != nil || len(revs) != 1 {
		t.Fatalf("revisions: %v %+v", err, revs)
	}
	var snap RevisionSnapshot
	if err := s.db.View(func(txn *badger.Txn) error { return getJSON(txn, revisionKey(f.ID, 1), &snap) }); err != nil {
		t.Fatal(err)
	}
	body, err := app.DecodeBody(snap.Body)
	if err != nil || body.Declaration.Goals != "v1" || body.Revision != 1 {
		t.Fatalf("snapshot body: %v %+v", err, body)
	}
	h := sha256.Sum256(snap.Body)
	if hex.EncodeToString(h[:]) != revs[0].BodyHash || revs[0].BodyHash != item.BodyHash ||
		revs[0].Revision != snap.Revision {
		t.Fatal("snapshot hash does not match its body")
	}
	// The returned revision's body, as sent: the editor of revision 2
	// places the remarks written on its rows by it.
	if b, err := s.RevisionBody(ctx, f.ID, item.RevisionID); err != nil || string(b) != string(snap.Body) {
		t.Fatalf("body of revision 1: %v %q", err, b)
	}
	if _, err := s.RevisionBody(ctx, f.ID, f.Revision.ID); app.ErrorCode(err) != app.ENOTFOUND {
		t.Fatalf("body of the unsubmitted revision 2: %v", err)
	}

	item2, err := s.Submit(ctx, f.ID, "张三", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if item2.Seq <= item.Seq || item2.BaseID != item.RevisionID || item2.RevisionNumber != 2 {
		t.Fatalf("second submission: %+v", item2)
	}
	if revs, _ := s.Revisions(ctx, f.ID); len(revs) != 2 {
		t.Fatalf("%d revisions, want 2", len(revs))
	}
	if _, err := s.Revisions(ctx, "nope"); app.ErrorCode(err) != app.ENOTFOUND {
		t.Fatalf("revisions of missing: %v", err)
	}
	mustCheck(t, s)
}

func TestCheckAndReindex(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	var ids []string
	for _, title := range []string{"霍邱县智慧社区管理平台", "金寨县数字乡村", "舒城县政务服务平台"} {
		f := newDeclaration(t, title, 2026)
		mustSave(t, s, f)
		ids = append(ids, f.ID)
	}
	mustCheck(t, s)
	// Break the indexes behind the store's back.
	sum, _ := readSummaryDirect(s, ids[0])
	s.db.Update(func(txn *badgerTxn) error {
		txn.Delete([]byte(indexKeys(sum)[2]))
		txn.Delete([]byte(gramKey("平台", ids[0])))
		return txn.Set([]byte("x/upd/0000000000000000/ghost"), []byte{1})
	})
	if err := s.Check(ctx); app.ErrorCode(err) != app.EINTERNAL {
		t.Fatalf("check of broken indexes: %v", err)
	}
	if err := s.Reindex(ctx); err != nil {
		t.Fatal(err)
	}
	mustCheck(t, s)
	if got, _ := s.List(ctx, app.Query{Text: "平台"}); len(got) != 2 {
		t.Fatalf("search after reindex: %d results", len(got))
	}
}

// A trial report created in 2026 for a project of plan year 2027 is listed
// under 2027, the year the clerk files the project under.
func TestReportListedUnderItsProjectsYear(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t, WithClock(func() time.Time { return time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC) }))
	project := newDeclaration(t, "霍邱县城关镇智慧社区管理平台", 2027)
	mustSave(t, s, project)
	report, err := app.NewFiling(app.KindTrialReport, uuid.NewString(), uuid.NewString(), "unit-1",
		time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	report.ProjectID = project.ID
	report.TrialReport.ProjectName = "霍邱县城关镇智慧社区管理平台"
	mustSave(t, s, report)
	got, err := s.List(ctx, app.Query{Kind: app.KindTrialReport})
	if err != nil || len(got) != 1 {
		t.Fatalf("List = %v, %v", got, err)
	}
	if got[0].PlanYear != 2027 {
		t.Fatalf("trial report listed under %d, want its project's 2027", got[0].PlanYear)
	}
	if byYear, _ := s.List(ctx, app.Query{PlanYear: 2027}); len(byYear) != 2 {
		t.Fatalf("filings of 2027: %d, want the declaration and its report", len(byYear))
	}
}
