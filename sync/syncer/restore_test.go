package syncer_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"testing"
	"time"

	"github.com/google/uuid"

	"egovdesk/app"
	"egovdesk/app/store"
	"egovdesk/sync/client"
	"egovdesk/sync/protocol"
	"egovdesk/sync/syncer"
)

// var _ checks that the real client can restore.
var _ syncer.RestoreRemote = (*client.Client)(nil)

// machine is another desktop client of the same unit: its own store,
// attachment files, login and syncer, against e's bureau.
type machine struct {
	store  *store.Store
	blobs  *syncer.BlobDir
	syncer *syncer.Syncer
}

func (e *env) machine(tb testing.TB) *machine {
	tb.Helper()
	dir := tb.TempDir()
	st, err := store.Open(dir + "/store")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	blobs, err := syncer.OpenBlobDir(dir + "/blobs")
	if err != nil {
		tb.Fatal(err)
	}
	sy := syncer.New(st, e.bureau.MustClient(tb, "clerk"), blobs, syncer.Options{LongPoll: time.Second})
	tb.Cleanup(sy.Stop)
	return &machine{store: st, blobs: blobs, syncer: sy}
}

func (m *machine) mustSync(tb testing.TB) {
	tb.Helper()
	if err := m.syncer.SyncOnce(context.Background()); err != nil {
		tb.Fatalf("sync: %v (status %+v)", err, m.syncer.Status())
	}
}

// view is what a clerk sees of a store: each filing's list row (without
// local times), its revisions and the decisions on its timeline.
type view map[string]string

func viewOf(tb testing.TB, st *store.Store) view {
	tb.Helper()
	ctx := context.Background()
	rows, err := st.List(ctx, app.Query{})
	if err != nil {
		tb.Fatal(err)
	}
	v := view{}
	for _, r := range rows {
		line := string(r.Kind) + "|" + string(r.Status) + "|" + r.Title + "|" + r.RevisionID + "|" +
			string(r.Send.State) + "|" + r.ReceiptID
		revs, err := st.Revisions(ctx, r.ID)
		if err != nil {
			tb.Fatal(err)
		}
		for _, rv := range revs {
			line += "|rev " + rv.Revision.ID + " " + rv.BodyHash
		}
		f, err := st.Get(ctx, r.ID)
		if err != nil {
			tb.Fatal(err)
		}
		for _, t := range f.History {
			if t.Action != app.ActionSubmit { // a submission's time is the clerk's clock on one machine, the bureau's on the other
				line += "|" + string(t.Action) + " " + t.RevisionID + " " + t.Comment + " " + t.At.UTC().String()
			}
		}
		for _, a := range f.Attachments {
			line += "|att " + a.Name + " " + a.SHA256
		}
		v[r.ID] = line
	}
	return v
}

func sameView(tb testing.TB, want, got view) {
	tb.Helper()
	if len(want) != len(got) {
		tb.Errorf("%d filings, want %d", len(got), len(want))
	}
	ids := make([]string, 0, len(want))
	for id := range want {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if got[id] != want[id] {
			tb.Errorf("filing %s:\n got %s\nwant %s", id, got[id], want[id])
		}
	}
}

// TestRestoreFromTheBureau: a machine logged in to the unit with an empty
// store brings back every filing as the machine that filed them shows it —
// revisions with the bodies' hashes, decisions with comments, attachments
// on demand, verified — and a second pass adds nothing.
func TestRestoreFromTheBureau(t *testing.T) {
	e := MustEnv(t)
	ctx := context.Background()
	withAtt := e.draft(t, "城关镇智慧社区平台", 3000)
	returned := e.draft(t, "城关镇政务外网改造")
	plain := e.draft(t, "城关镇数据共享交换")
	for _, f := range []*app.Filing{withAtt, returned, plain} {
		e.submit(t, f.ID)
	}
	e.mustSync(t)
	e.decide(t, returned.ID, app.ActionAccept, "")
	e.decide(t, returned.ID, app.ActionReturn, "请补充建设依据")
	e.mustSync(t)
	f := e.get(t, returned.ID)
	if err := f.Revise(uuid.NewString(), time.Now()); err != nil {
		t.Fatal(err)
	}
	f.Declaration.Goals += "（已补充建设依据）"
	if err := e.store.Save(ctx, f); err != nil {
		t.Fatal(err)
	}
	e.submit(t, returned.ID)
	e.mustSync(t)
	if _, err := e.store.FoldReceipts(ctx); err != nil {
		t.Fatal(err)
	}

	b := e.machine(t)
	b.mustSync(t)
	if st := b.syncer.Status(); st.Restore != nil {
		t.Errorf("restore still shown after the pass: %+v", st.Restore)
	}
	sameView(t, viewOf(t, e.store), viewOf(t, b.store))
	if n, _ := b.store.UnreadCount(ctx); n != 0 {
		t.Errorf("restored decisions are unread: %d", n)
	}
	// The bureau's signed receipt of every restored revision is kept on B
	// too, verified with the key B pinned, as A kept it: the unit can
	// prove what the bureau acknowledged from the new machine.
	for _, id := range []string{withAtt.ID, returned.ID, plain.ID} {
		revs, err := e.store.Revisions(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range revs {
			if !r.Revision.Submitted() {
				continue
			}
			p, ok, err := b.store.ReceiptProof(ctx, id, r.Revision.ID)
			if err != nil || !ok || !p.Verified || p.BodySM3 == "" || p.BodySHA256 != r.BodyHash {
				t.Errorf("restored %s revision %d: receipt kept %t, verified %t, SM3 %q, SHA-256 %s (want %s), %v",
					id, r.Revision.Number, ok, p.Verified, p.BodySM3, p.BodySHA256, r.BodyHash, err)
			}
		}
	}
	inbox, err := b.store.Inbox(ctx)
	if err != nil || len(inbox) != 2 {
		t.Errorf("inbox after restore: %d entries (%v), want the 2 decisions", len(inbox), err)
	}
	for len(b.syncer.Notifications()) > 0 {
		n := <-b.syncer.Notifications()
		t.Errorf("restore raised a notification: %+v", n)
	}

	// The attachment comes when opened, checked against its hash.
	a := e.get(t, withAtt.ID).Attachments[0]
	if _, err := b.blobs.Open(a.SHA256); err == nil {
		t.Fatal("attachment downloaded before it was opened")
	}
	path, err := b.syncer.FetchAttachment(ctx, b.blobs, withAtt.ID, a)
	if err != nil {
		t.Fatalf("fetch attachment: %v", err)
	}
	data, err := os.ReadFile(path)
	if err != nil || sha256Hex(data) != a.SHA256 {
		t.Fatalf("downloaded attachment: %d bytes, hash %s, want %s (%v)", len(data), sha256Hex(data), a.SHA256, err)
	}

	// Another pass, and another restore asked for: nothing twice.
	before := viewOf(t, b.store)
	if err := b.syncer.RestoreNow(ctx); err != nil {
		t.Fatal(err)
	}
	b.mustSync(t)
	sameView(t, before, viewOf(t, b.store))
	if inbox, _ := b.store.Inbox(ctx); len(inbox) != 2 {
		t.Errorf("inbox after a second restore: %d entries", len(inbox))
	}
}

// TestMachinesOfOneUnitSeeEachOthersFilings: after B restored, a filing A
// submits and the bureau's decision on it reach B through the change feed.
func TestMachinesOfOneUnitSeeEachOthersFilings(t *testing.T) {
	e := MustEnv(t)
	ctx := context.Background()
	first := e.draft(t, "城关镇智慧社区平台")
	e.submit(t, first.ID)
	e.mustSync(t)
	b := e.machine(t)
	b.mustSync(t)

	later := e.draft(t, "城关镇应急广播系统", 1500)
	e.submit(t, later.ID)
	e.mustSync(t)
	b.mustSync(t)
	got, err := b.store.Get(ctx, later.ID)
	if err != nil {
		t.Fatalf("B does not see A's new filing: %v", err)
	}
	if got.Title() != "城关镇应急广播系统" || got.Status != app.StatusSubmitted || len(got.Attachments) != 1 {
		t.Errorf("B's copy: %q %s, %d attachments", got.Title(), got.Status, len(got.Attachments))
	}
	e.decide(t, later.ID, app.ActionAccept, "")
	e.decide(t, later.ID, app.ActionReturn, "请补充预算明细")
	b.mustSync(t)
	e.mustSync(t)
	if got := e.get(t, later.ID); got.Status != app.StatusReturned {
		t.Fatalf("A: %s", got.Status)
	}
	if got, _ := b.store.Get(ctx, later.ID); got.Status != app.StatusReturned {
		t.Errorf("B after the return: %s", got.Status)
	}
	sameView(t, viewOf(t, e.store), viewOf(t, b.store))
	if n, _ := b.store.UnreadCount(ctx); n != 2 {
		t.Errorf("B's unread decisions: %d, want 2 (accept, return)", n)
	}
}

// TestConflictKeepsTheLosingTextAsADraftRevision: A and B revise the same
// returned filing offline and both submit; A's reaches the bureau first.
// B's is refused (409), and B's clerk is told and keeps the text as a new
// draft revision on top of A's; once the bureau returns A's revision, B's
// draft can be submitted.
func TestConflictKeepsTheLosingTextAsADraftRevision(t *testing.T) {
	e := MustEnv(t)
	ctx := context.Background()
	f := e.draft(t, "城关镇智慧社区平台")
	e.submit(t, f.ID)
	e.mustSync(t)
	e.decide(t, f.ID, app.ActionReturn, "请补充建设依据")
	e.mustSync(t)
	b := e.machine(t)
	b.mustSync(t)

	revise := func(st *store.Store, goals string) {
		t.Helper()
		g, err := st.Get(ctx, f.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := g.Revise(uuid.NewString(), time.Now()); err != nil {
			t.Fatal(err)
		}
		g.Declaration.Goals = goals
		if err := st.Save(ctx, g); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Submit(ctx, f.ID, "李梅", time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	revise(e.store, "A 机补充的建设依据")
	revise(b.store, "B 机补充的建设依据")
	e.mustSync(t)
	b.mustSync(t)

	got, err := b.store.Get(ctx, f.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Declaration.Goals != "B 机补充的建设依据" || got.Revision.Number != 3 || got.Revision.Submitted() ||
		got.Status != app.StatusSubmitted {
		t.Fatalf("B after the conflict: revision %d submitted %v, %s, goals %q", got.Revision.Number,
			got.Revision.Submitted(), got.Status, got.Declaration.Goals)
	}
	a := e.get(t, f.ID)
	if got.Revision.BaseID != a.Revision.ID {
		t.Errorf("B's draft builds on %s, want A's revision %s", got.Revision.BaseID, a.Revision.ID)
	}
	revs, _ := b.store.Revisions(ctx, f.ID)
	if len(revs) != 2 || revs[1].Revision.ID != a.Revision.ID {
		t.Errorf("B's revisions: %+v", revs)
	}
	if items := mustOutbox(t, b.store); len(items) != 0 {
		t.Errorf("B's refused item still queued: %+v", items)
	}
	st := b.syncer.Status()
	if !st.NeedsAction || st.Conflict == "" {
		t.Errorf("B's clerk is not told: %+v", st)
	}
	if n, _ := b.store.UnreadCount(ctx); n != 1 {
		t.Errorf("B's unread: %d, want the conflict notice", n)
	}
	if c, _ := b.store.Counts(ctx); c.UnreadDecisions != 0 {
		t.Errorf("B's unread 批复: %d; the conflict notice is no decision", c.UnreadDecisions)
	}
	// The kept text waits for the bureau's return of A's revision, and
	// its copy goes to the unit's draft area meanwhile.
	ups, _, err := b.store.DraftUploads(ctx, time.Now().Add(time.Hour), 10)
	if err != nil || len(ups) != 1 || ups[0].ID != f.ID+"@"+a.Revision.ID {
		t.Errorf("B's drafts due at the bureau: %+v, %v; want the kept text on A's revision", ups, err)
	}

	e.decide(t, f.ID, app.ActionReturn, "两台电脑的修改请合并后再提交")
	b.mustSync(t)
	if g, _ := b.store.Get(ctx, f.ID); g.Status != app.StatusReturned {
		t.Fatalf("B after the return of A's revision: %s", g.Status)
	}
	if _, err := b.store.Submit(ctx, f.ID, "李梅", time.Now()); err != nil {
		t.Fatalf("B submits the reconciled draft: %v", err)
	}
	b.mustSync(t)
	e.mustSync(t)
	if a := e.get(t, f.ID); a.Revision.Number != 3 || a.Declaration.Goals != "B 机补充的建设依据" || a.Status != app.StatusSubmitted {
		t.Errorf("A after B's reconciled revision: %d %q %s", a.Revision.Number, a.Declaration.Goals, a.Status)
	}
}

func mustOutbox(tb testing.TB, st *store.Store) []store.OutboxItem {
	tb.Helper()
	items, err := st.Outbox(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	return items
}

// An attachment download that stopped part way resumes from the bytes on
// disk; one whose bytes do not hash to the attachment's SHA-256 (a damaged
// partial file) is discarded, not kept, and the next try starts over.
func TestFetchAttachmentResumesAndVerifies(t *testing.T) {
	e := MustEnv(t)
	ctx := context.Background()
	f := e.draft(t, "城关镇智慧社区平台", 200<<10)
	e.submit(t, f.ID)
	e.mustSync(t)
	b := e.machine(t)
	b.mustSync(t)
	a := f.Attachments[0]
	data := content(200<<10, 0)
	part := b.blobs.Path(a.SHA256) + ".download"
	if err := os.WriteFile(part, data[:70<<10], 0o640); err != nil {
		t.Fatal(err)
	}
	path, err := b.syncer.FetchAttachment(ctx, b.blobs, f.ID, a)
	if err != nil {
		t.Fatalf("resume: %v", err)
	}
	if got, _ := os.ReadFile(path); sha256Hex(got) != a.SHA256 {
		t.Fatalf("resumed file hashes to %s", sha256Hex(got))
	}
	if _, err := os.Stat(part); !os.IsNotExist(err) {
		t.Errorf("partial file left behind: %v", err)
	}

	os.Remove(path)
	bad := append([]byte(nil), data[:70<<10]...)
	bad[100] ^= 0xff
	if err := os.WriteFile(part, bad, 0o640); err != nil {
		t.Fatal(err)
	}
	if _, err := b.syncer.FetchAttachment(ctx, b.blobs, f.ID, a); app.ErrorCode(err) != app.EINVALID {
		t.Fatalf("a damaged partial file: %v, want EINVALID", err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Error("a file that does not match its hash was kept")
	}
	if _, err := b.syncer.FetchAttachment(ctx, b.blobs, f.ID, a); err != nil {
		t.Fatalf("after the damaged try: %v", err)
	}
}

// A filing restored with attachments the machine never opened can be
// revised and sent from there: the bureau holds the attachments already,
// so they are not looked for on this machine.
func TestRestoredFilingResubmitsWithoutItsAttachmentsHere(t *testing.T) {
	e := MustEnv(t)
	ctx := context.Background()
	f := e.draft(t, "城关镇智慧社区平台", 5000)
	e.submit(t, f.ID)
	e.mustSync(t)
	e.decide(t, f.ID, app.ActionReturn, "请补充建设依据")
	b := e.machine(t)
	b.mustSync(t)
	g, err := b.store.Get(ctx, f.ID)
	if err != nil || g.Status != app.StatusReturned {
		t.Fatalf("B: %v %v", g, err)
	}
	if _, err := b.blobs.Open(f.Attachments[0].SHA256); err == nil {
		t.Fatal("the attachment is on B before it was opened")
	}
	if err := g.Revise(uuid.NewString(), time.Now()); err != nil {
		t.Fatal(err)
	}
	g.Declaration.Goals = "B 机补充的建设依据"
	if err := b.store.Save(ctx, g); err != nil {
		t.Fatal(err)
	}
	if _, err := b.store.Submit(ctx, f.ID, "李梅", time.Now()); err != nil {
		t.Fatal(err)
	}
	b.mustSync(t)
	if items := mustOutbox(t, b.store); len(items) != 0 {
		t.Fatalf("B's revision not delivered: %+v", items)
	}
	e.mustSync(t)
	if a := e.get(t, f.ID); a.Revision.Number != 2 || a.Status != app.StatusSubmitted || a.Declaration.Goals != "B 机补充的建设依据" {
		t.Errorf("A after B's revision: %d %s %q", a.Revision.Number, a.Status, a.Declaration.Goals)
	}
}

// When the bureau pruned its feed before this machine pulled (a reset), a
// filing another machine submitted meanwhile is still taken over: the
// resync lists the unit's filings and fetches the ones this machine never
// had.
func TestResetTakesOverOtherMachinesFilings(t *testing.T) {
	e := MustEnv(t)
	ctx := context.Background()
	first := e.draft(t, "城关镇智慧社区平台")
	e.submit(t, first.ID)
	e.mustSync(t)
	b := e.machine(t)
	b.mustSync(t)
	later := e.draft(t, "城关镇应急广播系统")
	e.submit(t, later.ID)
	e.mustSync(t)
	if _, err := e.bureau.srv.PruneChanges(ctx, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	b.mustSync(t)
	if st := b.syncer.Status(); st.LastReset.IsZero() {
		t.Fatal("B's pull was not reset")
	}
	got, err := b.store.Get(ctx, later.ID)
	if err != nil || got.Title() != "城关镇应急广播系统" || got.Status != app.StatusSubmitted {
		t.Fatalf("B after the reset: %v, %v", got, err)
	}
	sameView(t, viewOf(t, e.store), viewOf(t, b.store))
}

// A bureau older than restoring answers 404 to GET /restore: a new machine
// works on with it — pushes and pulls — instead of failing every pass.
func TestOlderBureauWithoutRestore(t *testing.T) {
	e := MustEnv(t)
	ctx := context.Background()
	old := http.NewServeMux()
	old.Handle("/", e.bureau.srv.Handler())
	old.HandleFunc("/api/v1/restore", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", protocol.MediaProblem)
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"type":"about:blank","title":"not found","status":404,"code":"not_found","detail":"没有这个接口"}`)
	})
	hs := httptest.NewServer(old)
	t.Cleanup(hs.Close)
	c, err := client.New(ctx, hs.URL, client.Options{RequestTimeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Login(ctx, "clerk", password); err != nil {
		t.Fatal(err)
	}
	sy := syncer.New(e.store, c, e.blobs, syncer.Options{})
	t.Cleanup(sy.Stop)
	if err := sy.SyncOnce(ctx); err != nil { // an empty store: a restore is due
		t.Fatalf("a pass against a bureau without restore: %v", err)
	}
	if cur, _ := e.store.Cursor(ctx); cur == "" {
		t.Error("nothing pulled after the restore was skipped")
	}
	f := e.draft(t, "城关镇智慧社区平台")
	e.submit(t, f.ID)
	if err := sy.SyncOnce(ctx); err != nil {
		t.Fatalf("the next pass: %v", err)
	}
	if items := e.outbox(t); len(items) != 0 {
		t.Errorf("not pushed: %d items", len(items))
	}
}
