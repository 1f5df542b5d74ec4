package ui

import (
	"testing"
	"time"

	"egovdesk/app"
)

// refresh reads the counts off the Fyne thread, and a burst of store
// notifications while a read is under way makes one more read, not one each.
func TestRefreshReadsOffTheFyneThreadOnce(t *testing.T) {
	x := newNotifyFixture(t, nil, false)
	gate := make(chan struct{})
	x.store.countsGate, x.store.counts = gate, app.Counts{Unread: 1, UnreadDecisions: 1}
	returned := make(chan struct{})
	go func() { // as the Fyne thread: it must not wait for the store
		x.u.refresh()
		close(returned)
	}()
	select {
	case <-returned:
	case <-time.After(5 * time.Second):
		close(gate)
		t.Fatal("refresh waited for the store on the Fyne thread")
	}
	for range 50 {
		x.u.refresh()
	}
	if x.u.inboxBtn.Text != "收件箱" {
		t.Fatalf("the inbox button shows %q before the counts were read", x.u.inboxBtn.Text)
	}
	close(gate)
	x.eventually(t, "the counts", func() bool { return !x.u.refreshing && x.u.inboxBtn.Text == "收件箱（1 条未读）" })
	if n := x.store.countsCalls.Load(); n != 2 {
		t.Errorf("%d reads for a burst of 51 refreshes, want 2", n)
	}
}
