package e2e

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"egovdesk/app"
	"egovdesk/app/store"
	"egovdesk/sync/protocol"
	"egovdesk/sync/syncer"
)

// TestRestoreOnAFreshMachine: machine A files 200 filings, some with
// attachments, some returned by the reviewer with a comment and submitted
// again. Machine B — a separate process, the real store, syncer and client
// — logs in to the same unit with an empty data folder and restores from
// the bureau; it is SIGKILLed three times while the restore is under way
// and started again on the same folder. Afterwards B shows what A shows:
// the same list, the same revisions with the same body hashes, the same
// decisions with their comments, and every attachment, downloaded when
// opened, with the same SHA-256; nothing is there twice.
func TestRestoreOnAFreshMachine(t *testing.T) {
	if testing.Short() {
		t.Skip("kills client processes; skipped with -short")
	}
	ctx := context.Background()
	seed := testSeed(t)
	rng := rand.New(rand.NewPCG(seed, 2))
	p := plan{seed: seed, n: 200, maxFile: 24 << 10}
	srv := mustOpenBureau(t, bureauConfig(t.TempDir()))
	acc := initBureau(t, srv)
	url := mustServe(t, srv.Handler())

	a, want := fileOnMachineA(t, url, acc, p)
	t.Logf("A: %d filings, a seventh returned and resubmitted", len(want))

	// Machine B restores, killed three times on the way.
	bDir := t.TempDir()
	bToken, _, err := srv.Login(ctx, "clerk", password, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	env := []string{"EGOV_E2E_DIR=" + bDir, "EGOV_E2E_URL=" + url, "EGOV_E2E_TOKEN=" + bToken}
	killAt := []int{30, 90, 160}
	lastStart := -1
	for round := 0; ; round++ {
		c := startChild(t, "restorer", env...)
		ready, err := c.await("READY", 20*time.Second, nil)
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		var start int
		if _, err := fmt.Sscanf(ready, "READY restored=%d", &start); err != nil {
			t.Fatalf("round %d: %q: %v", round, ready, err)
		}
		if start <= lastStart && round > 0 {
			t.Errorf("round %d started at %d filings, after %d: the restore did not resume", round, start, lastStart)
		}
		lastStart = start
		if round == len(killAt) {
			if _, err := c.await("DONE", 60*time.Second, nil); err != nil {
				t.Fatalf("final round: %v", err)
			}
			if err := c.stop(10 * time.Second); err != nil {
				t.Fatalf("final round: %v", err)
			}
			break
		}
		at := 0
		if _, err := c.await("RESTORED", 30*time.Second, func(l string) {
			if f := strings.Fields(l); len(f) == 3 && f[0] == "RESTORED" {
				at, _ = strconv.Atoi(f[1])
			}
		}); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		for at < killAt[round] {
			if _, err := c.await("RESTORED", 30*time.Second, func(l string) {
				if f := strings.Fields(l); len(f) == 3 && f[0] == "RESTORED" {
					at, _ = strconv.Atoi(f[1])
				}
			}); err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
		}
		// Land anywhere in the next page: its request, its decoding, its
		// transaction.
		time.Sleep(time.Duration(rng.Int64N(int64(15 * time.Millisecond))))
		c.kill()
		if at >= p.n {
			t.Fatalf("round %d: killed only after the restore ended (%d)", round, at)
		}
		t.Logf("round %d: started at %3d restored, killed at %3d or a little after", round, start, at)
	}

	bStoreDir, bBlobDir := clientDirs(bDir)
	b, err := store.Open(bStoreDir)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	got := machineView(t, b)
	sameMachineView(t, want, got)
	if c, _ := b.Counts(ctx); c.Total != p.n || c.Outbox != 0 {
		t.Errorf("B counts: %d filings, %d to send", c.Total, c.Outbox)
	}
	aInbox, _ := a.Inbox(ctx)
	bInbox, _ := b.Inbox(ctx)
	if len(bInbox) != len(aInbox) {
		t.Errorf("B's inbox has %d entries, A's %d", len(bInbox), len(aInbox))
	}
	// Attachments when opened: every one of them, verified.
	bBlobs, err := syncer.OpenBlobDir(bBlobDir)
	if err != nil {
		t.Fatal(err)
	}
	bSync := syncer.New(b, mustClient(t, url, bToken), bBlobs, syncOptions())
	defer bSync.Stop()
	files := 0
	for i := range p.n {
		f, err := b.Get(ctx, p.filing(i).id)
		if err != nil {
			t.Fatal(err)
		}
		for _, att := range f.Attachments {
			path, err := bSync.FetchAttachment(ctx, bBlobs, f.ID, att)
			if err != nil {
				t.Fatalf("open attachment %s of %d: %v", att.Name, i, err)
			}
			data, err := os.ReadFile(path)
			if err != nil || sha256Hex(data) != att.SHA256 {
				t.Fatalf("attachment %s of %d: hash %s, want %s", att.Name, i, sha256Hex(data), att.SHA256)
			}
			files++
		}
	}
	t.Logf("B: %d filings identical to A's; %d attachments downloaded and verified", len(got), files)
}

// TestRestoreThroughAFaultyNetwork: machine B restores the same 200
// filings through a proxy that drops, delays and cuts connections both
// ways, ten filings a page, and opens every attachment through it (a cut
// download resumes from the bytes on disk). Passes fail and are tried
// again, as the loop would; B ends with what A shows, nothing twice.
func TestRestoreThroughAFaultyNetwork(t *testing.T) {
	if testing.Short() {
		t.Skip("restores 200 filings through a faulty proxy; skipped with -short")
	}
	ctx := context.Background()
	seed := testSeed(t)
	p := plan{seed: seed, n: 200, maxFile: 300 << 10}
	srv := mustOpenBureau(t, bureauConfig(t.TempDir()))
	acc := initBureau(t, srv)
	url := mustServe(t, srv.Handler())
	_, want := fileOnMachineA(t, url, acc, p)
	proxy := startProxy(t, strings.TrimPrefix(url, "http://"), seed)

	storeDir, blobDir := clientDirs(t.TempDir())
	b, err := store.Open(storeDir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	blobs, err := syncer.OpenBlobDir(blobDir)
	if err != nil {
		t.Fatal(err)
	}
	opts := syncOptions()
	opts.RestorePage = 10
	sy := syncer.New(b, mustClient(t, proxy.URL(), acc.Clerk), blobs, opts)
	t.Cleanup(sy.Stop)
	failed := 0
	for pass := 0; ; pass++ {
		err := sy.SyncOnce(ctx)
		if pr, _, _ := b.RestoreState(ctx); pr.Done && err == nil {
			break
		}
		if err != nil {
			failed++
		}
		if pass == 500 {
			t.Fatalf("restore not done after %d passes: %v", pass, err)
		}
	}
	sameMachineView(t, want, machineView(t, b))
	files, tries := 0, 0
	for i := range p.n {
		f, err := b.Get(ctx, p.filing(i).id)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range f.Attachments {
			for {
				tries++
				path, err := sy.FetchAttachment(ctx, blobs, f.ID, a)
				if err == nil {
					data, rerr := os.ReadFile(path)
					if rerr != nil || sha256Hex(data) != a.SHA256 {
						t.Fatalf("attachment %s of %d: hash %s, want %s", a.Name, i, sha256Hex(data), a.SHA256)
					}
					break
				}
				if tries > 20*p.n {
					t.Fatalf("attachment %s of %d: %v", a.Name, i, err)
				}
			}
			files++
		}
	}
	t.Logf("proxy faults %v; %d passes failed on the way; %d attachments in %d tries", proxy.tally(), failed, files, tries)
}

// fileOnMachineA is machine A, in process: it files the n filings of p
// (a third without attachments), the reviewer returns every seventh with a
// comment, A submits each of those again, and the reviewer accepts every
// eleventh from the fourth. It returns A's store, every receipt folded, and
// its machineView.
func fileOnMachineA(t *testing.T, url string, acc accounts, p plan) (*store.Store, map[string]string) {
	t.Helper()
	ctx := context.Background()
	aDir := t.TempDir()
	aStoreDir, aBlobDir := clientDirs(aDir)
	a, err := store.Open(aStoreDir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	aBlobs, err := syncer.OpenBlobDir(aBlobDir)
	if err != nil {
		t.Fatal(err)
	}
	aSync := syncer.New(a, mustClient(t, url, acc.Clerk), aBlobs, syncOptions())
	t.Cleanup(aSync.Stop)
	for i := range p.n {
		if err := ensureSubmitted(ctx, a, aBlobs, acc.Unit.ID, p.filing(i)); err != nil {
			t.Fatal(err)
		}
	}
	syncAll := func() {
		t.Helper()
		for range 5 {
			if err := aSync.SyncOnce(ctx); err != nil {
				t.Fatalf("A: %v", err)
			}
		}
		if items, _ := a.Outbox(ctx); len(items) != 0 {
			t.Fatalf("A still has %d to send", len(items))
		}
	}
	syncAll()
	reviewer := mustClient(t, url, acc.Reviewer)
	decide := func(id string, action app.Action, comment string) {
		t.Helper()
		if _, err := decide(ctx, reviewer, id, protocol.DecisionRequest{Action: action, Comment: comment}); err != nil {
			t.Fatalf("decide %s on %s: %v", action, id, err)
		}
	}
	for i := 0; i < p.n; i += 7 {
		id := p.filing(i).id
		decide(id, app.ActionAccept, "")
		decide(id, app.ActionReturn, fmt.Sprintf("第%03d号：请补充建设依据", i))
	}
	syncAll()
	for i := 0; i < p.n; i += 7 {
		f, err := a.Get(ctx, p.filing(i).id)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Revise(uuid.NewString(), time.Now()); err != nil {
			t.Fatal(err)
		}
		f.Declaration.Goals += "（已补充建设依据）"
		if err := a.Save(ctx, f); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Submit(ctx, f.ID, "李梅", time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	syncAll()
	for i := 3; i < p.n; i += 11 {
		decide(p.filing(i).id, app.ActionAccept, "")
	}
	syncAll()
	if _, err := a.FoldReceipts(ctx); err != nil {
		t.Fatal(err)
	}
	want := machineView(t, a)
	if len(want) != p.n {
		t.Fatalf("A holds %d filings", len(want))
	}
	return a, want

}

// machineView is what a clerk sees of each filing: its list row (without
// this machine's own times), its revisions with their body hashes, its
// decisions with comments and its attachments.
func machineView(tb testing.TB, st *store.Store) map[string]string {
	tb.Helper()
	ctx := context.Background()
	rows, err := st.List(ctx, app.Query{})
	if err != nil {
		tb.Fatal(err)
	}
	v := map[string]string{}
	for _, r := range rows {
		var b strings.Builder
		fmt.Fprintf(&b, "%s|%s|%s|%d|%s|%s|%s", r.Kind, r.Status, r.Title, r.PlanYear, r.RevisionID, r.Send.State, r.ReceiptID)
		revs, err := st.Revisions(ctx, r.ID)
		if err != nil {
			tb.Fatal(err)
		}
		for _, rv := range revs {
			fmt.Fprintf(&b, "|rev %d %s %s %s", rv.Revision.Number, rv.Revision.ID, rv.Revision.BaseID, rv.BodyHash)
		}
		f, err := st.Get(ctx, r.ID)
		if err != nil {
			tb.Fatal(err)
		}
		for _, t := range f.History {
			if t.Action == app.ActionSubmit {
				// When a revision was submitted is the clerk's clock on the
				// machine that sent it, the bureau's on the others.
				fmt.Fprintf(&b, "|submit %s", t.RevisionID)
				continue
			}
			fmt.Fprintf(&b, "|%s %s %s→%s %q %s", t.Action, t.RevisionID, t.From, t.To, t.Comment, t.At.UTC().Format(time.RFC3339Nano))
		}
		for _, a := range f.Attachments {
			fmt.Fprintf(&b, "|att %s %s %d", a.Name, a.SHA256, a.Size)
		}
		v[r.ID] = b.String()
	}
	return v
}

func sameMachineView(tb testing.TB, want, got map[string]string) {
	tb.Helper()
	if len(got) != len(want) {
		tb.Errorf("%d filings, want %d", len(got), len(want))
	}
	ids := make([]string, 0, len(want))
	for id := range want {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	bad := 0
	for _, id := range ids {
		if got[id] != want[id] {
			if bad++; bad <= 5 {
				tb.Errorf("filing %s:\n got %s\nwant %s", id, got[id], want[id])
			}
		}
	}
	if bad > 5 {
		tb.Errorf("… %d filings differ in all", bad)
	}
}

// childRestorer is the "restorer" role: a desktop client without its UI on
// a new machine. It opens the store in $EGOV_E2E_DIR (empty the first
// time), and runs passes of the real syncer against the bureau at
// $EGOV_E2E_URL with token $EGOV_E2E_TOKEN, restoring ten filings a page.
// It says
//
//	READY restored=<n>   store open; n filings restored by earlier processes
//	RESTORED <n> <m>     n of the bureau's m filings are in the store
//	DONE                 the restore is complete and a pass after it succeeded
//	ERR <reason>         something failed; the process exits
//
// and stops cleanly when its stdin closes.
func childRestorer() int {
	fail := func(format string, a ...any) int {
		fmt.Printf("ERR "+format+"\n", a...)
		return 1
	}
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
	prog, _, err := st.RestoreState(ctx)
	if err != nil {
		return fail("restore state: %v", err)
	}
	opts := syncOptions()
	opts.RestorePage = 10
	sy := syncer.New(st, cl, blobs, opts)
	fmt.Printf("READY restored=%d\n", prog.Restored)
	go func() {
		last := -1
		for range sy.Updates() {
			if r := sy.Status().Restore; r != nil && r.Restored != last {
				last = r.Restored
				fmt.Printf("RESTORED %d %d\n", r.Restored, r.Total)
			}
		}
	}()
	for {
		if err := sy.SyncOnce(ctx); err != nil {
			if ctx.Err() != nil {
				return 0
			}
			return fail("sync: %v", err)
		}
		if p, _, err := st.RestoreState(ctx); err != nil {
			return fail("restore state: %v", err)
		} else if p.Done {
			break
		}
	}
	if err := sy.SyncOnce(ctx); err != nil {
		return fail("sync after the restore: %v", err)
	}
	fmt.Println("DONE")
	<-ctx.Done()
	return 0
}
