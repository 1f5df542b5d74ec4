package store

import (
	"context"
	"testing"
	"time"

	"egovdesk/app"
)

// Counts tells unread decisions (批复) from unread notices: a notice to the
// unit and the notice RequeueLost writes about a filing are unread but are
// not decisions, and reading a decision lowers both counts.
func TestCountsUnreadDecisions(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	it := mustSubmit(t, s, "霍邱县智慧社区管理平台")
	if err := s.Ack(ctx, it.Seq, Receipt{ID: "receipt-1", At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	f, err := s.Get(ctx, it.FilingID)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 11, 20, 9, 0, 0, 0, time.Local)
	if err := s.ApplyChanges(ctx, "c1", []Change{
		decision(f, app.ActionAccept, app.StatusSubmitted, app.StatusPreliminary, t0, ""),
		{Kind: app.MessageNotice, Title: "关于报送2027年度项目的通知", Body: "请于12月31日前报送", At: t0.Add(time.Hour)},
	}); err != nil {
		t.Fatal(err)
	}
	if lost, err := s.RequeueLost(ctx, map[string]int{}); err != nil || len(lost) != 1 {
		t.Fatalf("requeue: %v, %d notices", err, len(lost))
	}
	c, err := s.Counts(ctx)
	if err != nil || c.Unread != 3 || c.UnreadDecisions != 1 {
		t.Fatalf("counts %+v, %v; want 3 unread of which 1 decision", c, err)
	}
	inbox, err := s.Inbox(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range inbox {
		if e.Decision != nil {
			if err := s.MarkRead(ctx, e.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	if c, _ = s.Counts(ctx); c.Unread != 2 || c.UnreadDecisions != 0 {
		t.Fatalf("after reading the decision: %+v; want 2 unread notices", c)
	}
}
