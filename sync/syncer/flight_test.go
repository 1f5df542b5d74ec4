package syncer_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"egovdesk/app"
	"egovdesk/app/store"
	"egovdesk/sync/client"
	"egovdesk/sync/protocol"
	"egovdesk/sync/syncer"
)

// overlapRemote is a BatchRemote whose first batch waits (up to a few
// seconds) for a second batch to arrive, and that records which filings
// are on their way at once. With fail set, the batch of protocol.MaxBatch
// items (the first one sent) fails as a lost connection would.
type overlapRemote struct {
	*fakeBatch // Limits
	fail       bool

	mu       sync.Mutex
	calls    int
	sizes    []int
	inFlight map[string]bool
	clash    []string // filings that arrived while an item of theirs was on its way
	overlaps int      // batches that arrived while another was on its way
	second   chan struct{}
}

func newOverlapRemote() *overlapRemote {
	return &overlapRemote{fakeBatch: &fakeBatch{fakeRemote: &fakeRemote{}}, inFlight: map[string]bool{}, second: make(chan struct{})}
}

func (o *overlapRemote) SubmitBatch(ctx context.Context, reqs []protocol.SubmitRequest) ([]protocol.BatchResult, error) {
	o.mu.Lock()
	o.calls++
	n := o.calls
	o.sizes = append(o.sizes, len(reqs))
	if len(o.inFlight) > 0 {
		o.overlaps++
	}
	for _, r := range reqs {
		if o.inFlight[r.FilingID] {
			o.clash = append(o.clash, r.FilingID)
		}
		o.inFlight[r.FilingID] = true
	}
	o.mu.Unlock()
	switch n {
	case 1:
		select {
		case <-o.second:
		case <-time.After(3 * time.Second):
		}
	case 2:
		close(o.second)
	}
	o.mu.Lock()
	for _, r := range reqs {
		delete(o.inFlight, r.FilingID)
	}
	o.mu.Unlock()
	if o.fail && len(reqs) == protocol.MaxBatch {
		return nil, &client.Error{Op: "submit revisions", Err: errors.New("connection reset by peer")}
	}
	out := make([]protocol.BatchResult, len(reqs))
	for i, r := range reqs {
		out[i] = protocol.BatchResult{Status: 201, Receipt: receipt(r, protocol.ReceiptReceived)}
	}
	return out, nil
}

// queueLocal submits n new declarations in st and returns their IDs.
func queueLocal(tb testing.TB, st *store.Store, n int) []string {
	tb.Helper()
	ids := make([]string, n)
	for i := range ids {
		f, _ := submitted(tb, st)
		ids[i] = f.ID
	}
	return ids
}

// resubmit submits revision 2 of filing id, as after the bureau returned it.
func resubmit(tb testing.TB, st *store.Store, id string) {
	tb.Helper()
	ctx := context.Background()
	f, err := st.Get(ctx, id)
	if err != nil {
		tb.Fatal(err)
	}
	ret := store.Change{Kind: app.MessageDecision, FilingID: id, Transition: app.Transition{At: time.Now(),
		Actor: "王审核", Role: app.RoleReviewer, Action: app.ActionReturn, From: app.StatusSubmitted,
		To: app.StatusReturned, Comment: "请修改", RevisionID: f.Revision.ID, RevisionNumber: 1}}
	if err := st.ApplyChanges(ctx, "", []store.Change{ret}); err != nil {
		tb.Fatal(err)
	}
	if f, err = st.Get(ctx, id); err != nil {
		tb.Fatal(err)
	}
	if err := f.Revise(uuid.NewString(), time.Now()); err != nil {
		tb.Fatal(err)
	}
	if err := st.Save(ctx, f); err != nil {
		tb.Fatal(err)
	}
	if _, err := st.Submit(ctx, id, "李梅", time.Now()); err != nil {
		tb.Fatal(err)
	}
}

// TestPushKeepsTwoBatchesInFlight: the next batch is sent while the one
// before is still on its way (the bureau commits one while it reads the
// other), but never with an item of a filing that is on its way: revision
// 2 of a filing whose revision 1 travels waits for it.
func TestPushKeepsTwoBatchesInFlight(t *testing.T) {
	ctx := context.Background()
	st := MustMemStore(t)
	blobs, err := syncer.OpenBlobDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	first := queueLocal(t, st, 1)[0]
	queueLocal(t, st, protocol.MaxBatch+10)
	resubmit(t, st, first) // its item comes after the first batch's
	queueLocal(t, st, 5)
	remote := newOverlapRemote()
	if err := syncer.New(st, remote, blobs, syncer.Options{}).SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if remote.overlaps == 0 {
		t.Errorf("batches %v: none was sent while another was on its way", remote.sizes)
	}
	if len(remote.clash) > 0 {
		t.Errorf("batches %v: filings %v were on their way twice at once", remote.sizes, remote.clash)
	}
	if n, _ := st.PendingCount(ctx); n != 0 {
		t.Fatalf("%d items left in the outbox", n)
	}
	s, err := st.Get(ctx, first)
	if err != nil || s.Revision.Number != 2 {
		t.Fatalf("filing %s: %+v, %v", first, s.Revision, err)
	}
}

// TestPushLandsTheBatchAfterAFailedOne: when the answer to a batch is lost
// while the next one is on its way, the pass stops with the fault, the
// first batch's items are marked failed to be retried, and the next
// batch's receipts are still recorded.
func TestPushLandsTheBatchAfterAFailedOne(t *testing.T) {
	ctx := context.Background()
	st := MustMemStore(t)
	blobs, err := syncer.OpenBlobDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	queueLocal(t, st, protocol.MaxBatch+10)
	remote := newOverlapRemote()
	remote.fail = true
	err = syncer.New(st, remote, blobs, syncer.Options{}).SyncOnce(ctx)
	if client.Classify(err) != client.ClassRetry {
		t.Fatalf("pass: %v, want a fault to retry", err)
	}
	if remote.calls != 2 || remote.overlaps != 1 {
		t.Fatalf("batches %v, %d overlapping; want 2 overlapping", remote.sizes, remote.overlaps)
	}
	items, err := st.Outbox(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != protocol.MaxBatch {
		t.Fatalf("%d items left, want the first batch's %d", len(items), protocol.MaxBatch)
	}
	for _, it := range items {
		if it.State != app.SendFailed || it.Attempts != 1 {
			t.Fatalf("item of the failed batch: %+v", it)
		}
	}
}

// pagedLocal records the pages push asks the store for.
type pagedLocal struct {
	*store.Store
	mu     sync.Mutex
	limits []int
}

func (p *pagedLocal) OutboxFrom(ctx context.Context, from uint64, limit int) ([]store.OutboxItem, error) {
	p.mu.Lock()
	p.limits = append(p.limits, limit)
	p.mu.Unlock()
	return p.Store.OutboxFrom(ctx, from, limit)
}

// orderRemote returns a BatchRemote that receives everything, and the
// revisions it received, in the order they arrived.
func orderRemote() (*fakeBatch, func() []string) {
	var mu sync.Mutex
	var revs []string
	remote := &fakeBatch{fakeRemote: &fakeRemote{}, batch: func(reqs []protocol.SubmitRequest) ([]protocol.BatchResult, error) {
		out := make([]protocol.BatchResult, len(reqs))
		mu.Lock()
		defer mu.Unlock()
		for i, r := range reqs {
			revs = append(revs, r.RevisionID)
			out[i] = protocol.BatchResult{Status: 201, Receipt: receipt(r, protocol.ReceiptReceived)}
		}
		return out, nil
	}}
	return remote, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return revs
	}
}

// TestPushReadsTheOutboxInPages: a long outbox is read a page at a time, the
// first no longer than a batch so that sending starts at once, and every
// item of every page is sent exactly once, a filing's revisions in order
// even when they are pages apart; an outbox of exactly one page, whose
// next page is empty, ends the push too.
func TestPushReadsTheOutboxInPages(t *testing.T) {
	ctx := context.Background()
	for _, n := range []int{protocol.MaxBatch, 3*protocol.MaxBatch + 37} {
		st := MustMemStore(t)
		blobs, err := syncer.OpenBlobDir(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		ids := queueLocal(t, st, n)
		if n > protocol.MaxBatch {
			resubmit(t, st, ids[3]) // revision 2, three pages after revision 1
		}
		want, err := st.Outbox(ctx)
		if err != nil {
			t.Fatal(err)
		}
		local := &pagedLocal{Store: st}
		remote, received := orderRemote()
		if err := syncer.New(local, remote, blobs, syncer.Options{}).SyncOnce(ctx); err != nil {
			t.Fatal(err)
		}
		revs := received()
		if len(local.limits) == 0 || local.limits[0] <= 0 || local.limits[0] > protocol.MaxBatch {
			t.Fatalf("%d items: pages asked for %v, want the first one batch long", n, local.limits)
		}
		if n > protocol.MaxBatch && len(local.limits) < 3 {
			t.Fatalf("%d items: pages asked for %v, want several", n, local.limits)
		}
		if len(revs) != len(want) {
			t.Fatalf("%d items: %d revisions sent, want %d", n, len(revs), len(want))
		}
		seen, pos := map[string]int{}, map[string]int{}
		for i, rev := range revs {
			seen[rev]++
			pos[rev] = i
		}
		for _, it := range want {
			if seen[it.RevisionID] != 1 {
				t.Fatalf("item %d (revision %s) sent %d times", it.Seq, it.RevisionID, seen[it.RevisionID])
			}
		}
		if n > protocol.MaxBatch {
			var first, second string
			for _, it := range want {
				if it.FilingID == ids[3] && it.RevisionNumber == 1 {
					first = it.RevisionID
				}
				if it.FilingID == ids[3] && it.RevisionNumber == 2 {
					second = it.RevisionID
				}
			}
			if pos[first] > pos[second] {
				t.Fatalf("revision 2 of %s sent before revision 1", ids[3])
			}
		}
		if left, _ := st.PendingCount(ctx); left != 0 {
			t.Fatalf("%d items: %d left in the outbox", n, left)
		}
	}
}
