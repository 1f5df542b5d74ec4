package syncer_test

import (
	"context"
	"testing"
	"time"

	"egovdesk/app"
	"egovdesk/sync/syncer"
)

// TestResetRecoversMissedDecision: the reviewer returns a filing, and the
// bureau prunes its feed before the client pulled the decision, so the
// client's cursor is answered with "reset". The client re-synchronises from
// the bureau's filings: the filing is 退回修改 with the comment in its
// history and exactly one inbox entry; later passes, and another reset
// (a garbage cursor), add nothing.
func TestResetRecoversMissedDecision(t *testing.T) {
	e := MustEnv(t)
	ctx := context.Background()
	const name = "霍邱县城关镇智慧社区管理平台"
	f := e.draft(t, name, 10<<10)
	e.submit(t, f.ID)
	e.mustSync(t)
	if got := e.get(t, f.ID); got.Status != app.StatusSubmitted {
		t.Fatalf("status after push: %s", got.Status)
	}

	const comment = "请补充项目建设必要性论证，并细化预算明细"
	e.decide(t, f.ID, app.ActionReturn, comment)
	n, err := e.bureau.srv.PruneChanges(ctx, time.Now().Add(time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("prune: %d changes, %v", n, err)
	}

	e.mustSync(t)
	if st := e.syncer.Status(); st.LastReset.IsZero() {
		t.Fatalf("the pull was not reset: %+v", st)
	}
	got := e.get(t, f.ID)
	if got.Status != app.StatusReturned || got.Status.Label() != "退回修改" {
		t.Fatalf("status after reset: %s", got.Status)
	}
	last := got.History[len(got.History)-1]
	if last.Action != app.ActionReturn || last.Comment != comment {
		t.Fatalf("history: %+v", got.History)
	}
	inbox, err := e.store.Inbox(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(inbox) != 1 || inbox[0].FilingID != f.ID || inbox[0].Body != comment || inbox[0].Decision.Action != app.ActionReturn {
		t.Fatalf("inbox: %+v", inbox)
	}
	notes := drain(e.syncer.Notifications())
	if len(notes) != 1 || notes[0].Kind != syncer.NotifyDecision || notes[0].FilingTitle != name ||
		notes[0].Decision.Comment != comment {
		t.Fatalf("notifications: %+v", notes)
	}
	if s := summaryOf(t, e, f.ID); s.Unread != 1 {
		t.Fatalf("unread %d", s.Unread)
	}

	e.mustSync(t)
	// A cursor the bureau cannot read is reset too; the resync finds nothing new.
	if err := e.store.ApplyChanges(ctx, "not-a-cursor", nil); err != nil {
		t.Fatal(err)
	}
	e.mustSync(t)
	e.mustSync(t)
	if inbox, _ := e.store.Inbox(ctx); len(inbox) != 1 {
		t.Fatalf("later passes changed the inbox: %+v", inbox)
	}
	if notes := drain(e.syncer.Notifications()); len(notes) != 0 {
		t.Fatalf("later passes notified: %+v", notes)
	}
	if got := e.get(t, f.ID); got.Status != app.StatusReturned || len(got.History) != 2 {
		t.Fatalf("after later passes: %s %+v", got.Status, got.History)
	}
	if err := e.store.Check(ctx); err != nil {
		t.Fatal(err)
	}
}
