package store

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"egovdesk/app"
)

func decision(f *app.Filing, action app.Action, from, to app.Status, at time.Time, comment string) Change {
	return Change{Kind: app.MessageDecision, FilingID: f.ID, Transition: app.Transition{At: at, Actor: "李审核",
		Role: app.RoleReviewer, Action: action, From: from, To: to, Comment: comment,
		RevisionID: f.Revision.ID, RevisionNumber: f.Revision.Number}}
}

func TestApplyChangesIdempotent(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	f := newDeclaration(t, "霍邱县智慧社区管理平台", 2026)
	mustSave(t, s, f)
	if _, err := s.Submit(ctx, f.ID, "张三", time.Now()); err != nil {
		t.Fatal(err)
	}
	f, _ = s.Get(ctx, f.ID)
	t0 := time.Date(2026, 11, 20, 9, 0, 0, 0, time.Local)
	changes := []Change{
		decision(f, app.ActionAccept, app.StatusSubmitted, app.StatusPreliminary, t0, ""),
		decision(f, app.ActionReturn, app.StatusPreliminary, app.StatusReturned, t0.Add(time.Hour), "请补充密码应用方案"),
		{Kind: app.MessageNotice, Title: "关于报送2027年度项目的通知", Body: "请于12月31日前报送", At: t0.Add(2 * time.Hour)},
	}
	for range 2 { // the second pull replays the same page
		if err := s.ApplyChanges(ctx, "cursor-1", changes); err != nil {
			t.Fatal(err)
		}
	}
	got, _ := s.Get(ctx, f.ID)
	if got.Status != app.StatusReturned || len(got.History) != 3 {
		t.Fatalf("status %s, %d history entries; want returned, 3", got.Status, len(got.History))
	}
	inbox, err := s.Inbox(ctx)
	if err != nil || len(inbox) != 3 {
		t.Fatalf("inbox: %v, %d entries", err, len(inbox))
	}
	if inbox[0].Kind != app.MessageNotice || inbox[1].Decision.Action != app.ActionReturn ||
		inbox[1].Body != "请补充密码应用方案" || inbox[1].Title != "《霍邱县智慧社区管理平台》第 1 版：退回修改" {
		t.Fatalf("inbox order/content: %+v", inbox)
	}
	if c, _ := s.Cursor(ctx); c != "cursor-1" {
		t.Fatalf("cursor = %q", c)
	}
	if n, _ := s.UnreadCount(ctx); n != 3 {
		t.Fatalf("unread = %d", n)
	}
	sums, _ := s.List(ctx, app.Query{Status: app.StatusReturned})
	if len(sums) != 1 || sums[0].Unread != 2 {
		t.Fatalf("summary: %+v", sums)
	}
	for _, e := range inbox {
		if err := s.MarkRead(ctx, e.ID); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.MarkRead(ctx, inbox[0].ID); err != nil {
		t.Fatalf("mark read twice: %v", err)
	}
	if err := s.MarkRead(ctx, "nope"); app.ErrorCode(err) != app.ENOTFOUND {
		t.Fatalf("mark unknown: %v", err)
	}
	if n, _ := s.UnreadCount(ctx); n != 0 {
		t.Fatalf("unread after reading = %d", n)
	}
	if inbox, _ = s.Inbox(ctx); !inbox[1].Read {
		t.Fatal("entry not marked read")
	}
	sums, _ = s.List(ctx, app.Query{})
	if sums[0].Unread != 0 {
		t.Fatalf("summary unread = %d", sums[0].Unread)
	}
	mustCheck(t, s)
}

// MarkAllRead marks a filing's unread entries read, then all of them, with
// the counts the home screen and the list show: a 霍邱 clerk had six
// unread entries of one approval to open one by one.
func TestMarkAllRead(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	t0 := time.Date(2026, 11, 20, 9, 0, 0, 0, time.Local)
	var fs []*app.Filing
	for _, name := range []string{"霍邱县智慧社区管理平台", "霍邱县电子档案管理系统"} {
		f := newDeclaration(t, name, 2026)
		mustSave(t, s, f)
		if _, err := s.Submit(ctx, f.ID, "张三", t0); err != nil {
			t.Fatal(err)
		}
		f, _ = s.Get(ctx, f.ID)
		fs = append(fs, f)
	}
	if err := s.ApplyChanges(ctx, "c1", []Change{
		decision(fs[0], app.ActionAccept, app.StatusSubmitted, app.StatusPreliminary, t0.Add(time.Hour), ""),
		decision(fs[0], app.ActionPass, app.StatusPreliminary, app.StatusExpert, t0.Add(2*time.Hour), ""),
		decision(fs[1], app.ActionAccept, app.StatusSubmitted, app.StatusPreliminary, t0.Add(3*time.Hour), ""),
		{Kind: app.MessageNotice, Title: "关于报送2027年度项目的通知", At: t0.Add(4 * time.Hour)},
		{Kind: app.MessageNotice, FilingID: fs[0].ID, Title: "材料已重新发送", At: t0.Add(5 * time.Hour)},
	}); err != nil {
		t.Fatal(err)
	}
	// A filing's decisions, what its 进度与批复 shows; not a note about it.
	if n, err := s.MarkAllRead(ctx, fs[0].ID); err != nil || n != 2 {
		t.Fatalf("MarkAllRead of the first filing: %d, %v; want 2", n, err)
	}
	if n, _ := s.UnreadCount(ctx); n != 3 {
		t.Fatalf("unread after the first filing's were read: %d, want 3", n)
	}
	for _, f := range fs {
		sums, _ := s.List(ctx, app.Query{})
		for _, sm := range sums {
			if want := map[bool]int{true: 0, false: 1}[f == fs[0]]; sm.ID == f.ID && sm.Unread != want {
				t.Errorf("%s: %d unread in the list, want %d", f.Title(), sm.Unread, want)
			}
		}
	}
	if n, err := s.MarkAllRead(ctx, ""); err != nil || n != 3 {
		t.Fatalf("MarkAllRead: %d, %v; want 3 (the other filing's, the notice and the note)", n, err)
	}
	if n, _ := s.UnreadCount(ctx); n != 0 {
		t.Fatalf("unread after all were read: %d", n)
	}
	inbox, _ := s.Inbox(ctx)
	for _, e := range inbox {
		if !e.Read {
			t.Errorf("entry %q still unread", e.Title)
		}
	}
	if n, err := s.MarkAllRead(ctx, ""); err != nil || n != 0 {
		t.Fatalf("MarkAllRead again: %d, %v", n, err)
	}
	mustCheck(t, s)
}

// A decision about an older revision lands in history and the inbox but does
// not touch the newer revision being edited.
func TestApplyChangesStaleRevision(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	f := newDeclaration(t, "金寨县数字乡村平台", 2026)
	mustSave(t, s, f)
	s.Submit(ctx, f.ID, "张三", time.Now())
	f, _ = s.Get(ctx, f.ID)
	rev1 := *f
	t0 := time.Date(2026, 11, 20, 9, 0, 0, 0, time.Local)
	ret := decision(&rev1, app.ActionReturn, app.StatusSubmitted, app.StatusReturned, t0, "请修改")
	if err := s.ApplyChanges(ctx, "c1", []Change{ret}); err != nil {
		t.Fatal(err)
	}
	f, _ = s.Get(ctx, f.ID)
	f.Revise(uuid.NewString(), time.Now())
	f.Declaration.Goals = "尚未发送的修改"
	mustSave(t, s, f)

	late := decision(&rev1, app.ActionReject, app.StatusReturned, app.StatusRejected, t0.Add(time.Hour), "迟到的决定")
	if err := s.ApplyChanges(ctx, "c2", []Change{late}); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Get(ctx, f.ID)
	if got.Status != app.StatusReturned || got.Declaration.Goals != "尚未发送的修改" || got.Revision.Number != 2 {
		t.Fatalf("newer revision overwritten: %s %q rev %d", got.Status, got.Declaration.Goals, got.Revision.Number)
	}
	if len(got.History) != 3 || got.History[2].Action != app.ActionReject {
		t.Fatalf("history: %+v", got.History)
	}
	inbox, _ := s.Inbox(ctx)
	if len(inbox) != 2 || !inbox[0].Stale || inbox[1].Stale {
		t.Fatalf("inbox: %+v", inbox)
	}
	mustCheck(t, s)
}

func TestApplyChangesUnknownFiling(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	f := newDeclaration(t, "别处的材料", 2026)
	c := decision(f, app.ActionAccept, app.StatusSubmitted, app.StatusPreliminary, time.Now(), "")
	if err := s.ApplyChanges(ctx, "c1", []Change{c}); err != nil {
		t.Fatal(err)
	}
	inbox, _ := s.Inbox(ctx)
	if len(inbox) != 1 || inbox[0].Title != "材料第 1 版：受理" {
		t.Fatalf("inbox: %+v", inbox)
	}
	if err := s.MarkRead(ctx, inbox[0].ID); err != nil {
		t.Fatal(err)
	}
}

// A page larger than one Badger transaction (a unit offline for months, a
// bureau that sent long notices) must still apply, with the cursor last.
func TestApplyChangesLargePage(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	long := strings.Repeat("关于做好政务信息化项目年度申报工作的补充说明。", 1200) // ≈ 70 KB
	t0 := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	var changes []Change
	for i := range 60 { // ≈ 4 MB, over the 1.2 MB a desktop-sized transaction takes
		changes = append(changes, Change{ID: fmt.Sprintf("n%03d", i), Kind: app.MessageNotice,
			Title: fmt.Sprintf("通知 %d", i), Body: long, At: t0.Add(time.Duration(i) * time.Minute)})
	}
	if err := s.ApplyChanges(ctx, "cursor-big", changes); err != nil {
		t.Fatalf("ApplyChanges of a large page: %v", err)
	}
	inbox, _ := s.Inbox(ctx)
	if len(inbox) != len(changes) {
		t.Fatalf("inbox has %d entries, want %d", len(inbox), len(changes))
	}
	if c, _ := s.Cursor(ctx); c != "cursor-big" {
		t.Fatalf("cursor = %q", c)
	}
	if err := s.ApplyChanges(ctx, "cursor-big", changes); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.UnreadCount(ctx); n != len(changes) {
		t.Fatalf("replay changed the unread count to %d", n)
	}
}

// TestRecordOwnAndTheFeedEnterItOnce: the unit's withdrawal, recorded from
// the bureau's answer (RecordOwn) and pulled from the feed, in either
// order, moves the filing once and is in the inbox once, read; the cursor
// stays where the last pull left it. Pulled alone (done elsewhere) it is
// unread news.
func TestRecordOwnAndTheFeedEnterItOnce(t *testing.T) {
	ctx := context.Background()
	for _, feedFirst := range []bool{false, true} {
		s := MustOpen(t)
		f := newDeclaration(t, "霍邱县智慧社区管理平台", 2026)
		mustSave(t, s, f)
		if _, err := s.Submit(ctx, f.ID, "张三", time.Now()); err != nil {
			t.Fatal(err)
		}
		f, _ = s.Get(ctx, f.ID)
		if err := s.ApplyChanges(ctx, "cursor-1", nil); err != nil {
			t.Fatal(err)
		}
		tr := app.Transition{At: time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC), Actor: "张三", Role: app.RoleUnit, Action: app.ActionWithdraw,
			From: app.StatusSubmitted, To: app.StatusWithdrawn, Comment: "附件传错了", RevisionID: f.Revision.ID, RevisionNumber: 1}
		feed := Change{ID: "change-9", Kind: app.MessageDecision, FilingID: f.ID, Transition: tr, At: tr.At}
		steps := []func() error{
			func() error { return s.RecordOwn(ctx, f.ID, tr) },
			func() error { return s.ApplyChanges(ctx, "cursor-2", []Change{feed}) },
		}
		if feedFirst {
			steps[0], steps[1] = steps[1], steps[0]
		}
		for _, step := range steps {
			if err := step(); err != nil {
				t.Fatal(err)
			}
		}
		got, _ := s.Get(ctx, f.ID)
		inbox, _ := s.Inbox(ctx)
		unread, _ := s.UnreadCount(ctx)
		cursor, _ := s.Cursor(ctx)
		if got.Status != app.StatusWithdrawn || len(got.History) != 2 || len(inbox) != 1 || !inbox[0].Read || unread != 0 || cursor != "cursor-2" {
			t.Fatalf("feed first %v: %s, %d transitions, inbox %+v, unread %d, cursor %q", feedFirst, got.Status, len(got.History), inbox, unread, cursor)
		}
		sums, _ := s.List(ctx, app.Query{Status: app.StatusWithdrawn})
		if len(sums) != 1 || sums[0].Unread != 0 {
			t.Fatalf("feed first %v: list %+v", feedFirst, sums)
		}
	}

	// Done on another computer of the unit (or here, the answer lost): the
	// feed's copy alone is news, unread.
	s := MustOpen(t)
	f := newDeclaration(t, "霍邱县政务服务一网通办", 2026)
	mustSave(t, s, f)
	if _, err := s.Submit(ctx, f.ID, "张三", time.Now()); err != nil {
		t.Fatal(err)
	}
	f, _ = s.Get(ctx, f.ID)
	tr := app.Transition{At: time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC), Actor: "李四", Role: app.RoleUnit, Action: app.ActionWithdraw,
		From: app.StatusSubmitted, To: app.StatusWithdrawn, RevisionID: f.Revision.ID, RevisionNumber: 1}
	if err := s.ApplyChanges(ctx, "cursor-3", []Change{{ID: "change-10", Kind: app.MessageDecision, FilingID: f.ID, Transition: tr, At: tr.At}}); err != nil {
		t.Fatal(err)
	}
	inbox, _ := s.Inbox(ctx)
	if unread, _ := s.UnreadCount(ctx); len(inbox) != 1 || inbox[0].Read || unread != 1 {
		t.Fatalf("a withdrawal from elsewhere: inbox %+v, unread %d", inbox, unread)
	}
}
