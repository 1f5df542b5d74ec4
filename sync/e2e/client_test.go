package e2e

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"egovdesk/app"
	"egovdesk/app/store"
	"egovdesk/sync/syncer"
)

// syncOptions makes the loop retry quickly: the tests break the bureau on
// purpose and must not spend their time in backoff.
func syncOptions() syncer.Options {
	return syncer.Options{BackoffBase: 20 * time.Millisecond, BackoffMax: 250 * time.Millisecond, LongPoll: time.Second}
}

// clientDirs returns where a desktop client keeps its store and its
// attachment files under dir.
func clientDirs(dir string) (storeDir, blobDir string) {
	return filepath.Join(dir, "store"), filepath.Join(dir, "blobs")
}

// childClient is the "client" role: the desktop client without its UI. It
// opens the store in $EGOV_E2E_DIR, starts the real syncer against the
// bureau at $EGOV_E2E_URL with token $EGOV_E2E_TOKEN, and drafts and
// submits filings 0..$EGOV_E2E_N-1 of plan $EGOV_E2E_SEED (skipping what an
// earlier process already did) while the syncer pushes them. It says
//
//	READY filings=<n> outbox=<k>  store open (holding n filings, k to send), syncer started
//	SUBMITTED <i>      filing i is submitted locally (outbox or delivered)
//	DONE               every filing is submitted and the outbox is empty
//	QUARANTINED <seq> <reason>  an item the syncer gave up on
//	ERR <reason>       something failed; the process exits
//
// and stops cleanly when its stdin closes.
func childClient() int {
	fail := func(format string, a ...any) int {
		fmt.Printf("ERR "+format+"\n", a...)
		return 1
	}
	seed, err := strconv.ParseUint(os.Getenv("EGOV_E2E_SEED"), 10, 64)
	if err != nil {
		return fail("seed: %v", err)
	}
	n, err := strconv.Atoi(os.Getenv("EGOV_E2E_N"))
	if err != nil {
		return fail("n: %v", err)
	}
	p := plan{seed: seed, n: n}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		sc := bufio.NewScanner(os.Stdin)
		for sc.Scan() {
		}
		cancel()
	}()

	storeDir, blobDir := clientDirs(os.Getenv("EGOV_E2E_DIR"))
	st, err := store.Open(storeDir)
	if err != nil {
		return fail("open store: %v", err)
	}
	defer st.Close()
	blobs, err := syncer.OpenBlobDir(blobDir)
	if err != nil {
		return fail("blobs: %v", err)
	}
	cl, err := newClient(ctx, os.Getenv("EGOV_E2E_URL"), os.Getenv("EGOV_E2E_TOKEN"))
	if err != nil {
		return fail("client: %v", err)
	}
	counts, err := st.Counts(ctx)
	if err != nil {
		return fail("counts: %v", err)
	}
	sy := syncer.New(st, cl, blobs, syncOptions())
	sy.Start(ctx)
	defer sy.Stop()
	fmt.Printf("READY filings=%d outbox=%d\n", counts.Total, counts.Outbox)

	unit := os.Getenv("EGOV_E2E_UNIT")
	for i := range p.n {
		if err := ensureSubmitted(ctx, st, blobs, unit, p.filing(i)); err != nil {
			if ctx.Err() != nil {
				return 0
			}
			return fail("%v", err)
		}
		fmt.Println("SUBMITTED", i)
	}
	done := false
	reported := map[uint64]bool{}
	for {
		items, err := st.Outbox(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return 0
			}
			return fail("outbox: %v", err)
		}
		for _, it := range items {
			if it.State == app.SendQuarantined && !reported[it.Seq] {
				reported[it.Seq] = true
				fmt.Println("QUARANTINED", it.Seq, it.LastError)
			}
		}
		if len(items) == 0 && !done {
			done = true
			fmt.Println("DONE")
		}
		select {
		case <-ctx.Done():
			return 0
		case <-time.After(20 * time.Millisecond):
		}
	}
}
