package store

import (
	"bytes"
	"context"
	"testing"
	"time"

	"egovdesk/app"
)

// TestRequeueLost: after the bureau restored an older backup, a delivered
// revision it no longer lists is queued again as it was submitted, with
// one inbox notice; delivered revisions it still holds, drafts and
// revisions still waiting are untouched, and a second run adds nothing.
func TestRequeueLost(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	submitAck := func(title string, ack bool) (OutboxItem, string) {
		t.Helper()
		it := mustSubmit(t, s, title)
		if ack {
			if err := s.Ack(ctx, it.Seq, Receipt{ID: "receipt-" + it.RevisionID, At: time.Now()}); err != nil {
				t.Fatal(err)
			}
		}
		return it, it.FilingID
	}
	_, kept := submitAck("霍邱县城关镇网格化管理平台", true)
	lostItem, lostID := submitAck("霍邱县智慧社区管理平台", true)
	_, waiting := submitAck("霍邱县政务数据共享平台", false)
	draft := newDeclaration(t, "霍邱县应急指挥平台", 2026)
	mustSave(t, s, draft)

	heads := map[string]int{kept: 1} // the restored bureau lists only the first
	added, err := s.RequeueLost(ctx, heads)
	if err != nil {
		t.Fatal(err)
	}
	if len(added) != 1 || added[0].FilingID != lostID || added[0].Kind != app.MessageNotice || added[0].Title == "" {
		t.Fatalf("notices %+v, want one about %s", added, lostID)
	}
	items, err := s.Outbox(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 2 {
		t.Fatalf("outbox holds %d items, want the waiting one and the requeued one", len(items))
	}
	var again *OutboxItem
	for i := range items {
		switch items[i].FilingID {
		case lostID:
			again = &items[i]
		case waiting:
		default:
			t.Fatalf("unexpected outbox item %+v", items[i])
		}
	}
	if again == nil || again.RevisionID != lostItem.RevisionID || again.BodyHash != lostItem.BodyHash ||
		!bytes.Equal(again.Body, lostItem.Body) || again.State != app.SendQueued || again.Transition.RevisionID != lostItem.RevisionID ||
		again.RevisionNumber != 1 || again.Seq <= lostItem.Seq {
		t.Fatalf("requeued item %+v, want revision %s as submitted", again, lostItem.RevisionID)
	}
	sum, err := s.Summary(ctx, lostID)
	if err != nil || sum.Send.State != app.SendQueued || sum.ReceiptID != "" || sum.Unread != 1 {
		t.Fatalf("summary of the lost filing: %+v, %v", sum, err)
	}
	if sum, _ := s.Summary(ctx, kept); sum.Send.State != app.SendSent {
		t.Fatalf("summary of the filing the bureau holds: %+v", sum)
	}
	mustCheck(t, s)

	if added, err := s.RequeueLost(ctx, heads); err != nil || len(added) != 0 {
		t.Fatalf("second run: %+v, %v; want nothing", added, err)
	}
	if n, _ := s.PendingCount(ctx); n != 2 {
		t.Fatalf("outbox after a second run: %d items, want 2", n)
	}
	// Delivered again: the bureau lists it, nothing more to do.
	if err := s.Ack(ctx, again.Seq, Receipt{ID: "receipt-2", At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	heads[lostID] = 1
	if added, err := s.RequeueLost(ctx, heads); err != nil || len(added) != 0 {
		t.Fatalf("after the second delivery: %+v, %v; want nothing", added, err)
	}
	mustCheck(t, s)
}
