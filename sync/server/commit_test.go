package server_test

import (
	"net/http"
	"sync"
	"testing"

	"egovdesk/app"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server"
)

// Concurrent single submissions share group commits, and each still gets
// exactly its own receipt: 201 the first time, 200 with the same receipt
// on a resend, and every one is in the queue.
func TestConcurrentSubmitsShareCommits(t *testing.T) {
	fx := MustBureau(t)
	const n = 60
	filings := make([]*app.Filing, n)
	first := make([]protocol.Receipt, n)
	for i := range filings {
		filings[i] = newFiling(t, fx.unitA.ID)
	}
	g0, w0 := server.CommitGroups(fx.srv)
	var wg sync.WaitGroup
	for i, f := range filings {
		wg.Go(func() { first[i] = fx.submit(fx.clerkA, f, http.StatusCreated) })
	}
	wg.Wait()
	g1, w1 := server.CommitGroups(fx.srv)
	if w1-w0 != n || g1-g0 >= n {
		t.Errorf("%d writes in %d commits: want %d writes in fewer commits", w1-w0, g1-g0, n)
	}
	for i, f := range filings {
		wg.Go(func() {
			again := fx.submit(fx.clerkA, f, http.StatusOK)
			if again.RevisionID != first[i].RevisionID || again.BodySHA256 != first[i].BodySHA256 ||
				!again.ReceivedAt.Equal(first[i].ReceivedAt) || again.Status != first[i].Status {
				t.Errorf("resend of %s: %+v, first %+v", f.ID, again, first[i])
			}
		})
	}
	wg.Wait()
	var page protocol.QueuePage
	fx.mustJSON("GET", queuePath(protocol.ParamLimit, "500"), fx.reviewer, nil, http.StatusOK, &page)
	if len(page.Filings) != n {
		t.Errorf("%d filings queued, want %d", len(page.Filings), n)
	}
}
