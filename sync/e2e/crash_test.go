package e2e

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"egovdesk/app/store"
)

// TestClientCrash runs the desktop client as a separate process — the real
// store, syncer and client against the real bureau on a loopback port — and
// SIGKILLs it at random moments while it drafts, submits and pushes 200
// filings with attachments, restarting it on the same data directory each
// time. At least twenty kills land while there is work, anywhere: inside Save and Submit, between an
// upload's chunks, between the bureau's receipt and the local Ack, in a
// pull. A last run is allowed to finish. Then every filing is at the bureau
// exactly once with the client's revision, body and verified attachments,
// the outbox is empty and the store is consistent.
func TestClientCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("kills client processes; skipped with -short")
	}
	seed := testSeed(t)
	rng := rand.New(rand.NewPCG(seed, 1))
	p := plan{seed: seed, n: 200}

	bureauDir := t.TempDir()
	srv := mustOpenBureau(t, bureauConfig(bureauDir))
	acc := initBureau(t, srv)
	url := mustServe(t, srv.Handler())

	clientDir := t.TempDir()
	env := []string{"EGOV_E2E_DIR=" + clientDir, "EGOV_E2E_URL=" + url, "EGOV_E2E_TOKEN=" + acc.Clerk,
		"EGOV_E2E_SEED=" + strconv.FormatUint(seed, 10), "EGOV_E2E_N=" + strconv.Itoa(p.n), "EGOV_E2E_UNIT=" + acc.Unit.ID}

	// At least 20 kills while there is work (filings to draft, submit or
	// send), at most 40 kills in all; then a last run to the end.
	const minBusyKills, maxKills = 20, 40
	kills := 0
	submitted, busyKills := 0, 0
	var done bool
	track := func(l string) {
		switch f := strings.Fields(l); {
		case len(f) == 2 && f[0] == "SUBMITTED":
			i, _ := strconv.Atoi(f[1])
			submitted = max(submitted, i+1)
		case len(f) >= 1 && f[0] == "DONE":
			done = true
		case len(f) >= 1 && f[0] == "QUARANTINED":
			t.Errorf("client quarantined an item: %s", l)
		}
	}
	files, bytes := 0, 0
	for i := range p.n {
		for _, f := range p.filing(i).files {
			files++
			bytes += len(f.data)
		}
	}
	t.Logf("%d filings with %d attachments, %.1f MB", p.n, files, float64(bytes)/(1<<20))
	start := time.Now()
	for round := 0; ; round++ {
		done = false
		c := startChild(t, "client", env...)
		ready, err := c.await("READY", 20*time.Second, track)
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		var held, queued int
		if _, err := fmt.Sscanf(ready, "READY filings=%d outbox=%d", &held, &queued); err != nil {
			t.Fatalf("round %d: %q: %v", round, ready, err)
		}
		if busyKills >= minBusyKills || round == maxKills {
			if _, err := c.await("DONE", 60*time.Second, track); err != nil {
				t.Fatalf("final round: %v", err)
			}
			if err := c.stop(10 * time.Second); err != nil {
				t.Fatalf("final round: clean stop: %v", err)
			}
			break
		}
		// Short lives: the whole job takes the client a second or two, and
		// the kills should land while it works.
		delay := time.Duration(rng.Int64N(int64(120 * time.Millisecond)))
		if err := c.watch(delay, track); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		c.kill()
		kills++
		busy := !done && (held < p.n || queued > 0)
		c.rest(track)
		if busy {
			busyKills++
		}
		t.Logf("round %2d: started with %3d filings, %3d to send; killed after %3d ms, %3d submitted; busy=%v",
			round, held, queued, delay.Milliseconds(), submitted, busy)
	}
	t.Logf("%d kills, %d of them while filings were still being submitted or sent; %v in all", kills, busyKills, time.Since(start).Round(time.Millisecond))
	if busyKills < minBusyKills {
		t.Fatalf("only %d of %d kills landed while there was work; the test needs %d to say anything", busyKills, kills, minBusyKills)
	}

	storeDir, _ := clientDirs(clientDir)
	st, err := store.Open(storeDir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	verifyExactlyOnce(t, st, url, acc, p, bureauDir)
	if t.Failed() {
		return
	}
	if f, _ := countFilings(context.Background(), st); f != p.n {
		t.Errorf("client holds %d filings", f)
	}
}

func countFilings(ctx context.Context, st *store.Store) (int, error) {
	c, err := st.Counts(ctx)
	if err != nil {
		return 0, fmt.Errorf("counts: %w", err)
	}
	return c.Total, nil
}
