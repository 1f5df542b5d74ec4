package e2e

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"egovdesk/app/store"
	"egovdesk/sync/syncer"
)

// TestServerCrash runs the bureau as a separate process over a data
// directory and SIGKILLs it at random moments while a desktop client (in
// this process: the real store, syncer and client) drafts, submits and
// pushes 200 filings with attachments; each time the bureau comes back on
// the same port over the same directory. Kills land inside submissions,
// between and inside attachment chunks, before and after the bureau's
// commit. Afterwards every filing is at the bureau exactly once and the
// outbox is empty.
func TestServerCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("kills server processes; skipped with -short")
	}
	seed := testSeed(t)
	rng := rand.New(rand.NewPCG(seed, 2))
	p := plan{seed: seed, n: 200}

	bureauDir := t.TempDir()
	acc := mustInitDataDir(t, bureauDir)
	addr := freeAddr(t)
	url := "http://" + addr
	var logs []*syncBuffer // the bureau's warnings, one buffer per process
	t.Cleanup(func() {
		if t.Failed() {
			for i, b := range logs {
				if s := b.String(); s != "" {
					t.Logf("bureau process %d said:\n%s", i, s)
				}
			}
		}
	})
	startBureau := func() *child {
		c := startChild(t, "server", "EGOV_E2E_DIR="+bureauDir, "EGOV_E2E_ADDR="+addr)
		logs = append(logs, c.stderr)
		if _, err := c.await("READY", 20*time.Second, nil); err != nil {
			t.Fatal(err)
		}
		return c
	}
	bureau := startBureau()

	storeDir, blobDir := clientDirs(t.TempDir())
	st, err := store.Open(storeDir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	blobs, err := syncer.OpenBlobDir(blobDir)
	if err != nil {
		t.Fatal(err)
	}
	sy := syncer.New(st, mustClient(t, url, acc.Clerk), blobs, syncOptions())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sy.Start(ctx)
	t.Cleanup(sy.Stop)

	// The clerk drafts and submits while the bureau goes down and comes back,
	// in bursts the kill loop lets through, so that work is still waiting
	// to be sent when the kills land however fast this machine drafts.
	const minBusy, maxKills = 6, 16
	burst := p.n/maxKills + 1 // fresh work for every kill
	permits := make(chan struct{}, p.n+burst*maxKills)
	drafted := make(chan error, 1)
	go func() {
		for i := range p.n {
			select {
			case <-permits:
			case <-ctx.Done():
				drafted <- ctx.Err()
				return
			}
			if err := ensureSubmitted(ctx, st, blobs, acc.Unit.ID, p.filing(i)); err != nil {
				drafted <- err
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
		drafted <- nil
	}()

	// At least 6 kills while the client has items waiting to be sent (at
	// most 16 kills in all): kills after the outbox emptied test nothing.
	kills, busy := 0, 0
	for k := 0; busy < minBusy && k < maxKills; k++ {
		kills++
		for range burst {
			permits <- struct{}{}
		}
		// Kill within 60 ms of the burst reaching the outbox: while the
		// client sends it, not after it is all at the bureau.
		for start := time.Now(); sy.Status().Waiting == 0 && time.Since(start) < 10*time.Second; {
			time.Sleep(2 * time.Millisecond)
		}
		up := time.Duration(rng.IntN(60)) * time.Millisecond
		if err := bureau.watch(up, nil); err != nil {
			t.Fatal(err)
		}
		bureau.kill()
		s := sy.Status()
		if s.Waiting > 0 {
			busy++
		}
		down := time.Duration(rng.IntN(200)) * time.Millisecond
		t.Logf("kill %d after %3d ms up: %3d items waiting, uploading=%v; down for %3d ms", k, up.Milliseconds(), s.Waiting, s.Upload != nil, down.Milliseconds())
		time.Sleep(down)
		bureau = startBureau()
	}
	for range p.n { // the rest of the filings, if the kills are done first
		permits <- struct{}{}
	}
	if err := <-drafted; err != nil {
		t.Fatal(err)
	}
	t.Logf("%d kills, %d with items waiting to be sent", kills, busy)
	if busy < minBusy {
		t.Fatalf("only %d of %d kills landed while items were waiting to be sent; the test needs %d", busy, kills, minBusy)
	}

	deadline := time.Now().Add(60 * time.Second)
	for {
		n, err := st.PendingCount(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		for _, f := range sy.Status().Failures {
			if f.Quarantined { // never sent again: no point waiting
				t.Fatalf("the syncer quarantined outbox item %d (filing %s): %s", f.Seq, f.FilingID, f.Reason)
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("outbox still holds %d items after 60 s; status %+v", n, sy.Status())
		}
		time.Sleep(50 * time.Millisecond)
	}
	sy.Stop()
	if s := sy.Status(); len(s.Failures) != 0 {
		t.Errorf("failures left: %+v", s.Failures)
	}
	verifyExactlyOnce(t, st, url, acc, p, bureauDir)
	if err := bureau.stop(10 * time.Second); err != nil {
		t.Errorf("bureau did not stop cleanly: %v", err)
	}
}
