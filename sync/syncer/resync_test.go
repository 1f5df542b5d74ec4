package syncer_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"egovdesk/app"
	"egovdesk/sync/protocol"
	"egovdesk/sync/syncer"
)

// decisionsIn returns the decision notifications of notes.
func decisionsIn(notes []syncer.Notification) []syncer.Notification {
	var out []syncer.Notification
	for _, n := range notes {
		if n.Kind == syncer.NotifyDecision {
			out = append(out, n)
		}
	}
	return out
}

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
	if err != nil || n != 2 { // the revision received and the return
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
	if len(notes) != 2 || notes[1].Kind != syncer.NotifyProfile {
		t.Fatalf("a reset must have the profile fetched again: %+v", notes)
	}
	if notes = decisionsIn(notes); len(notes) != 1 || notes[0].FilingTitle != name ||
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
	if notes := decisionsIn(drain(e.syncer.Notifications())); len(notes) != 0 {
		t.Fatalf("later passes announced decisions: %+v", notes)
	}
	if got := e.get(t, f.ID); got.Status != app.StatusReturned || len(got.History) != 2 {
		t.Fatalf("after later passes: %s %+v", got.Status, got.History)
	}
	if err := e.store.Check(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestResyncFailureKeepsCursor: when the bureau cannot be listed during a
// reset, the pass fails and the old cursor stays, so the next pass resets
// and resyncs again; only filings whose status or revision differ are
// fetched, and one the store does not hold is skipped.
func TestResyncFailureKeepsCursor(t *testing.T) {
	ctx := context.Background()
	st := MustMemStore(t)
	f, it := submitted(t, st)
	same, sameItem := submitted(t, st)
	remote := &fakeRemote{}
	remote.setChanges(func(_ context.Context, cursor string, _ time.Duration) (protocol.ChangesResponse, error) {
		switch cursor {
		case "":
			return protocol.ChangesResponse{Cursor: "old"}, nil
		case "old":
			return protocol.ChangesResponse{Cursor: "new", Reset: true}, nil
		}
		return protocol.ChangesResponse{Cursor: cursor}, nil
	})
	sy := syncer.New(st, remote, nil, syncer.Options{})
	if err := sy.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}

	t0 := time.Date(2027, 3, 2, 10, 0, 0, 0, time.UTC)
	submit := app.Transition{At: t0, Actor: "李梅", Role: app.RoleUnit, Action: app.ActionSubmit,
		From: app.StatusDraft, To: app.StatusSubmitted, RevisionID: it.RevisionID, RevisionNumber: 1}
	ret := app.Transition{At: t0.Add(time.Hour), Actor: "王审核", Role: app.RoleReviewer, Action: app.ActionReturn,
		From: app.StatusSubmitted, To: app.StatusReturned, Comment: "请修改", RevisionID: it.RevisionID, RevisionNumber: 1}
	var listed, fetched atomic.Int32
	remote.mu.Lock()
	remote.filings = func(context.Context) ([]protocol.FilingSummary, error) {
		if listed.Add(1) == 1 {
			return nil, errRefused
		}
		return []protocol.FilingSummary{
			{ID: f.ID, Status: app.StatusReturned, RevisionID: it.RevisionID, Revision: 1},
			{ID: same.ID, Status: app.StatusSubmitted, RevisionID: sameItem.RevisionID, Revision: 1},
			{ID: uuid.NewString(), Status: app.StatusSubmitted, RevisionID: uuid.NewString(), Revision: 1},
		}, nil
	}
	remote.filing = func(_ context.Context, id string) (protocol.FilingDetail, error) {
		fetched.Add(1)
		if id != f.ID {
			t.Errorf("fetched %s, which needs no resync", id)
		}
		return protocol.FilingDetail{FilingSummary: protocol.FilingSummary{ID: f.ID, Status: app.StatusReturned,
			RevisionID: it.RevisionID, Revision: 1}, History: []app.Transition{submit, ret}}, nil
	}
	remote.mu.Unlock()

	if err := sy.SyncOnce(ctx); err == nil {
		t.Fatal("a reset whose resync failed passed")
	}
	if cur, _ := st.Cursor(ctx); cur != "old" {
		t.Fatalf("cursor %q after a failed resync", cur)
	}
	if err := sy.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if cur, _ := st.Cursor(ctx); cur != "new" {
		t.Fatalf("cursor %q", cur)
	}
	if got, _ := st.Get(ctx, f.ID); got.Status != app.StatusReturned {
		t.Fatalf("status %s", got.Status)
	}
	if got, _ := st.Get(ctx, same.ID); got.Status != app.StatusSubmitted || len(got.History) != 1 {
		t.Fatalf("untouched filing changed: %s %+v", got.Status, got.History)
	}
	if n := fetched.Load(); n != 1 {
		t.Fatalf("fetched %d filings", n)
	}
	if n := decisionsIn(drain(sy.Notifications())); len(n) != 1 || n[0].Decision.Action != app.ActionReturn {
		t.Fatalf("notifications: %+v", n)
	}
}

// TestResyncThenFeedAnnouncesOnce: a decision taken between the reset answer
// and the listing is recovered by the resync and then comes through the
// feed after the new cursor; it is entered and announced once.
func TestResyncThenFeedAnnouncesOnce(t *testing.T) {
	ctx := context.Background()
	st := MustMemStore(t)
	f, it := submitted(t, st)
	t0 := time.Date(2027, 3, 2, 10, 0, 0, 0, time.UTC)
	ret := decision("d9", 9, f, it.RevisionID, 1, app.ActionReturn, app.StatusReturned, t0)
	remote := &fakeRemote{
		filings: func(context.Context) ([]protocol.FilingSummary, error) {
			return []protocol.FilingSummary{{ID: f.ID, Status: app.StatusReturned, RevisionID: it.RevisionID, Revision: 1}}, nil
		},
		filing: func(context.Context, string) (protocol.FilingDetail, error) {
			return protocol.FilingDetail{FilingSummary: protocol.FilingSummary{ID: f.ID, Status: app.StatusReturned,
				RevisionID: it.RevisionID, Revision: 1}, History: []app.Transition{*ret.Transition}}, nil
		},
	}
	remote.setChanges(func(_ context.Context, cursor string, _ time.Duration) (protocol.ChangesResponse, error) {
		switch cursor {
		case "":
			return protocol.ChangesResponse{Cursor: "old"}, nil
		case "old":
			return protocol.ChangesResponse{Cursor: "new", Reset: true, More: true}, nil
		case "new":
			return protocol.ChangesResponse{Cursor: "new-9", Changes: []protocol.Change{ret}}, nil
		}
		return protocol.ChangesResponse{Cursor: cursor}, nil
	})
	sy := syncer.New(st, remote, nil, syncer.Options{})
	for range 3 {
		if err := sy.SyncOnce(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if cur, _ := st.Cursor(ctx); cur != "new-9" {
		t.Fatalf("cursor %q", cur)
	}
	if n := decisionsIn(drain(sy.Notifications())); len(n) != 1 {
		t.Fatalf("decisions announced: %+v", n)
	}
	if inbox, _ := st.Inbox(ctx); len(inbox) != 1 {
		t.Fatalf("inbox: %+v", inbox)
	}
	if got, _ := st.Get(ctx, f.ID); got.Status != app.StatusReturned {
		t.Fatalf("status %s", got.Status)
	}
}
