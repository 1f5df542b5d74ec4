package syncer_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"egovdesk/app"
	"egovdesk/app/apptest"
	"egovdesk/app/store"
	"egovdesk/sync/bureautest"
	"egovdesk/sync/client"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server"
	"egovdesk/sync/syncer"
)

// The real client submits in batches.
var _ syncer.BatchRemote = (*client.Client)(nil)

// queue drafts and submits n valid filings without attachments.
func (e *env) queue(tb testing.TB, n int) []string {
	tb.Helper()
	var ids []string
	for i := range n {
		f := e.draft(tb, fmt.Sprintf("霍邱县城关镇第%03d号政务信息化项目", i))
		e.submit(tb, f.ID)
		ids = append(ids, f.ID)
	}
	return ids
}

// bureauHolds fails the test unless the bureau holds exactly n filings of
// the unit, each submitted once.
func (e *env) bureauHolds(tb testing.TB, n int) {
	tb.Helper()
	ctx := context.Background()
	list, err := e.clerk.Filings(ctx)
	if err != nil || len(list) != n {
		tb.Fatalf("bureau holds %d filings, want %d (%v)", len(list), n, err)
	}
	for _, f := range list {
		d, err := e.clerk.Filing(ctx, f.ID)
		if err != nil || countAction(d.History, app.ActionSubmit) != 1 {
			tb.Fatalf("filing %s: %d submissions (%v)", f.ID, countAction(d.History, app.ActionSubmit), err)
		}
	}
}

// TestPushInBatches: a full outbox goes in batches of at most MaxBatch, a
// filing with an attachment among them after its upload; the refused item
// is quarantined with the same reason as one by one and the rest delivered.
func TestPushInBatches(t *testing.T) {
	e := MustEnv(t)
	e.queue(t, protocol.MaxBatch+20)
	withFile := e.draft(t, "霍邱县城关镇档案数字化", 3000)
	e.submit(t, withFile.ID)
	bad := e.draft(t, "霍邱县城关镇网格化平台")
	bad.Declaration.TotalInvestment = app.Wans(999) // no longer the sum of the budget
	if err := e.store.Save(context.Background(), bad); err != nil {
		t.Fatal(err)
	}
	e.submit(t, bad.ID)

	e.mustSync(t)
	if b, s := e.bureau.batches.Load(), e.bureau.singles.Load(); b != 2 || s != 0 {
		t.Errorf("%d batch and %d single requests, want 2 and 0", b, s)
	}
	items := e.outbox(t)
	if len(items) != 1 || items[0].FilingID != bad.ID || items[0].State != app.SendQuarantined ||
		!strings.Contains(items[0].LastError, "数管局未接收第 1 版") || !strings.Contains(items[0].LastError, "总投资") {
		t.Fatalf("outbox: %+v", items)
	}
	e.bureauHolds(t, protocol.MaxBatch+21)
	if s := summaryOf(t, e, withFile.ID); s.Send.State != app.SendSent || s.ReceiptID == "" {
		t.Errorf("filing with an attachment: %+v", s)
	}
	if st := e.syncer.Status(); st.Waiting != 1 || len(st.Failures) != 1 {
		t.Errorf("status: %+v", st)
	}
}

// TestPushBatchKeepsFilingOrder: a later revision of a filing never rides
// in the batch of an earlier one; when the earlier one is refused, the
// later one is not sent at all.
func TestPushBatchKeepsFilingOrder(t *testing.T) {
	e := MustEnv(t)
	ctx := context.Background()
	f := e.draft(t, "霍邱县城关镇网格化平台")
	f.Declaration.TotalInvestment = app.Wans(999)
	if err := e.store.Save(ctx, f); err != nil {
		t.Fatal(err)
	}
	e.submit(t, f.ID)
	// As if the bureau had returned revision 1 and the clerk revised it.
	rev1 := e.get(t, f.ID)
	ret := store.Change{Kind: app.MessageDecision, FilingID: f.ID, Transition: app.Transition{At: time.Now(),
		Actor: "王审核", Role: app.RoleReviewer, Action: app.ActionReturn, From: app.StatusSubmitted,
		To: app.StatusReturned, Comment: "请修改", RevisionID: rev1.Revision.ID, RevisionNumber: 1}}
	if err := e.store.ApplyChanges(ctx, "", []store.Change{ret}); err != nil {
		t.Fatal(err)
	}
	rev2 := e.get(t, f.ID)
	if err := rev2.Revise(uuid.NewString(), time.Now()); err != nil {
		t.Fatal(err)
	}
	rev2.Declaration.TotalInvestment = app.Wans(180)
	if err := e.store.Save(ctx, rev2); err != nil {
		t.Fatal(err)
	}
	e.submit(t, f.ID)
	other := e.queue(t, 1)

	e.mustSync(t)
	items := e.outbox(t)
	if len(items) != 2 || items[0].State != app.SendQuarantined || items[1].RevisionNumber != 2 ||
		items[1].State != app.SendQueued || items[1].Attempts != 0 {
		t.Fatalf("outbox: %+v", items)
	}
	// A batch ends at a filing's second item: revision 1 went alone, the
	// other filing in a second batch.
	if b, s := e.bureau.batches.Load(), e.bureau.singles.Load(); b != 2 || s != 0 {
		t.Errorf("%d batch and %d single requests, want 2 and 0", b, s)
	}
	list, err := e.clerk.Filings(ctx)
	if err != nil || len(list) != 1 || list[0].ID != other[0] {
		t.Fatalf("bureau holds %+v (%v)", list, err)
	}
}

// TestPushWithoutBatchRoute: an older bureau answers 404 to the batch
// route; the pass sends every item by itself instead.
func TestPushWithoutBatchRoute(t *testing.T) {
	e := MustEnv(t)
	e.bureau.batchFault.Store(http.StatusNotFound)
	e.queue(t, 5)
	e.mustSync(t)
	if b, s := e.bureau.batches.Load(), e.bureau.singles.Load(); b != 1 || s != 5 {
		t.Errorf("%d batch and %d single requests, want 1 and 5", b, s)
	}
	if items := e.outbox(t); len(items) != 0 {
		t.Fatalf("outbox: %+v", items)
	}
	e.bureauHolds(t, 5)
}

// TestPushBatchServerFault: a batch the bureau fails as a whole marks
// every item of it failed with the reason, to be retried, and the next pass
// delivers them.
func TestPushBatchServerFault(t *testing.T) {
	e := MustEnv(t)
	e.bureau.batchFault.Store(http.StatusServiceUnavailable)
	e.queue(t, 5)
	err := e.syncer.SyncOnce(context.Background())
	if client.Classify(err) != client.ClassRetry {
		t.Fatalf("pass during the fault: %v", err)
	}
	for _, it := range e.outbox(t) {
		if it.State != app.SendFailed || it.Attempts != 1 || !strings.Contains(it.LastError, "将自动重试") {
			t.Fatalf("item after the fault: %+v", it)
		}
	}
	e.bureau.batchFault.Store(0)
	e.mustSync(t)
	if items := e.outbox(t); len(items) != 0 {
		t.Fatalf("outbox: %+v", items)
	}
	e.bureauHolds(t, 5)
}

// loseBatch loses the answer to the first batch the bureau took.
type loseBatch struct {
	*client.Client
	lose atomic.Bool
}

func (l *loseBatch) SubmitBatch(ctx context.Context, reqs []protocol.SubmitRequest) ([]protocol.BatchResult, error) {
	res, err := l.Client.SubmitBatch(ctx, reqs)
	if err == nil && l.lose.Swap(false) {
		return nil, &client.Error{Op: "submit revisions", Err: errors.New("connection reset")}
	}
	return res, err
}

// TestPushBatchLostAnswer: the bureau stored a batch but its answer was
// lost; the next pass sends the batch again and gets the original receipts,
// and nothing is stored twice.
func TestPushBatchLostAnswer(t *testing.T) {
	e := MustEnv(t)
	remote := &loseBatch{Client: e.clerk}
	remote.lose.Store(true)
	sy := syncer.New(e.store, remote, e.blobs, syncer.Options{})
	e.queue(t, 5)
	if err := sy.SyncOnce(context.Background()); client.Classify(err) != client.ClassRetry {
		t.Fatalf("pass with the lost answer: %v", err)
	}
	for _, it := range e.outbox(t) {
		if it.State != app.SendFailed || !strings.Contains(it.LastError, "无法连接数管局服务器") {
			t.Fatalf("item after the lost answer: %+v", it)
		}
	}
	if err := sy.SyncOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if items := e.outbox(t); len(items) != 0 {
		t.Fatalf("outbox: %+v", items)
	}
	e.bureauHolds(t, 5)
}

// fakeBatch is a BatchRemote whose batch answers the test sets. Two
// batches may be on their way at once: batch must be safe for that.
type fakeBatch struct {
	*fakeRemote
	batch func(reqs []protocol.SubmitRequest) ([]protocol.BatchResult, error)
	calls atomic.Int64
}

func (f *fakeBatch) SubmitBatch(ctx context.Context, reqs []protocol.SubmitRequest) ([]protocol.BatchResult, error) {
	f.calls.Add(1)
	return f.batch(reqs)
}

func (f *fakeBatch) Limits(context.Context) (protocol.Limits, error) {
	return protocol.Limits{MaxBodyBytes: 4 << 20}, nil
}

func receipt(req protocol.SubmitRequest, status string) *protocol.Receipt {
	return &protocol.Receipt{FilingID: req.FilingID, RevisionID: req.RevisionID, BodySHA256: req.BodySHA256,
		Status: status, ReceivedAt: time.Now()}
}

// TestPushBatchResultsAsOneByOne: each result of a batch is handled as the
// same answer to a single submit would be: a stale base and a refusal
// quarantine with their reasons, a server fault marks the item failed and
// ends the pass, a receipt acknowledges, and a receipt awaiting an
// attachment uploads it and submits that item again by itself.
func TestPushBatchResultsAsOneByOne(t *testing.T) {
	ctx := context.Background()
	st := MustMemStore(t)
	blobs, err := syncer.OpenBlobDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for range 4 {
		f, err := app.NewFiling(app.KindDeclaration, uuid.NewString(), uuid.NewString(), "unit-1", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		f.Declaration = apptest.Declaration()
		if err := st.Save(ctx, f); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Submit(ctx, f.ID, "李梅", time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	a := withAttachment(t, st, blobs)
	var uploads, submits int
	remote := &fakeBatch{fakeRemote: &fakeRemote{
		upload: func(_ context.Context, sha string, size int64) (protocol.UploadStatus, error) {
			uploads++
			return protocol.UploadStatus{SHA256: sha, Size: size, Offset: size, Complete: true}, nil
		},
		submit: func(_ context.Context, req protocol.SubmitRequest) (protocol.Receipt, error) {
			submits++
			return *receipt(req, protocol.ReceiptReceived), nil
		},
	}}
	remote.batch = func(reqs []protocol.SubmitRequest) ([]protocol.BatchResult, error) {
		stale := protocol.NewProblem(protocol.CodeStaleBase, "数管局的材料已有更新的版本")
		invalid := protocol.NewProblem(app.EINVALID, "有 1 处需要修改")
		invalid.Errors = []app.FieldError{{Field: "budget", Message: "总投资概算须等于各分项之和"}}
		fault := protocol.NewProblem(app.EUNAVAILABLE, "服务暂不可用")
		awaiting := receipt(reqs[4], protocol.ReceiptAwaitingAttachments)
		awaiting.Missing = []protocol.AttachmentRef{{SHA256: a.SHA256, Size: a.Size, Name: a.Name}}
		return []protocol.BatchResult{{Status: 409, Problem: stale}, {Status: 422, Problem: invalid},
			{Status: 503, Problem: fault}, {Status: 201, Receipt: receipt(reqs[3], protocol.ReceiptReceived)},
			{Status: 201, Receipt: awaiting}}, nil
	}
	sy := syncer.New(st, remote, blobs, syncer.Options{})
	err = sy.SyncOnce(ctx)
	if client.Classify(err) != client.ClassRetry || client.ProblemCode(err) != app.EUNAVAILABLE {
		t.Fatalf("pass: %v", err)
	}
	if remote.calls.Load() != 1 || uploads != 2 || submits != 1 {
		t.Errorf("%d batches, %d uploads, %d single submits; want 1, 2, 1", remote.calls.Load(), uploads, submits)
	}
	items, _ := st.Outbox(ctx)
	if len(items) != 3 {
		t.Fatalf("outbox: %+v", items)
	}
	want := []struct {
		state app.SendState
		text  string
	}{
		{app.SendQuarantined, "数管局已有这份材料更新的版本"},
		{app.SendQuarantined, "数管局未接收第 1 版：有 1 处需要修改；总投资概算须等于各分项之和"},
		{app.SendFailed, "服务暂不可用，将自动重试"},
	}
	for i, w := range want {
		if items[i].State != w.state || !strings.Contains(items[i].LastError, w.text) {
			t.Errorf("item %d: %s %q, want %s %q", i, items[i].State, items[i].LastError, w.state, w.text)
		}
	}
}

// TestPushBatchUploadFailure: when an attachment upload of one item of a
// batch fails with a network fault, that item is marked failed and the
// pass stops, but the items ready by then are still submitted and
// acknowledged.
func TestPushBatchUploadFailure(t *testing.T) {
	ctx := context.Background()
	st := MustMemStore(t)
	blobs, err := syncer.OpenBlobDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	plain := func() {
		f, err := app.NewFiling(app.KindDeclaration, uuid.NewString(), uuid.NewString(), "unit-1", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		f.Declaration = apptest.Declaration()
		if err := st.Save(ctx, f); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Submit(ctx, f.ID, "李梅", time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	plain()
	withAttachment(t, st, blobs)
	plain()
	var sent []string
	remote := &fakeBatch{fakeRemote: &fakeRemote{
		upload: func(context.Context, string, int64) (protocol.UploadStatus, error) {
			return protocol.UploadStatus{}, &client.Error{Op: "upload chunk", Err: errors.New("connection reset")}
		},
	}}
	remote.batch = func(reqs []protocol.SubmitRequest) ([]protocol.BatchResult, error) {
		var out []protocol.BatchResult
		for _, r := range reqs {
			sent = append(sent, r.FilingID)
			out = append(out, protocol.BatchResult{Status: 201, Receipt: receipt(r, protocol.ReceiptReceived)})
		}
		return out, nil
	}
	items, _ := st.Outbox(ctx)
	sy := syncer.New(st, remote, blobs, syncer.Options{})
	if err := sy.SyncOnce(ctx); client.Classify(err) != client.ClassRetry {
		t.Fatalf("pass: %v", err)
	}
	if len(sent) != 2 || sent[0] != items[0].FilingID || sent[1] != items[2].FilingID {
		t.Fatalf("batch carried %v, want the two items without attachments", sent)
	}
	left, _ := st.Outbox(ctx)
	if len(left) != 1 || left[0].Seq != items[1].Seq || left[0].State != app.SendFailed ||
		!strings.Contains(left[0].LastError, "将自动重试") {
		t.Fatalf("outbox: %+v", left)
	}
}

// TestStatusAfterStopMidPass: a pass cut short right after the bureau took
// the batch still acknowledges it and leaves the status true to the outbox
// (no failures of earlier passes left over).
func TestStatusAfterStopMidPass(t *testing.T) {
	st := MustMemStore(t)
	for range 3 {
		f, err := app.NewFiling(app.KindDeclaration, uuid.NewString(), uuid.NewString(), "unit-1", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		f.Declaration = apptest.Declaration()
		if err := st.Save(context.Background(), f); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Submit(context.Background(), f.ID, "李梅", time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	down := true
	remote := &fakeBatch{fakeRemote: &fakeRemote{}}
	remote.batch = func(reqs []protocol.SubmitRequest) ([]protocol.BatchResult, error) {
		if down {
			return nil, &client.Error{Op: "submit revisions", Err: errors.New("connection refused")}
		}
		var out []protocol.BatchResult
		for _, r := range reqs {
			out = append(out, protocol.BatchResult{Status: 201, Receipt: receipt(r, protocol.ReceiptReceived)})
		}
		cancel() // Stop, just as the answer arrives
		return out, nil
	}
	sy := syncer.New(st, remote, nil, syncer.Options{})
	if err := sy.SyncOnce(ctx); client.Classify(err) != client.ClassRetry || len(sy.Status().Failures) != 3 {
		t.Fatalf("pass while down: %v, status %+v", err, sy.Status())
	}
	down = false
	sy.SyncOnce(ctx)
	if n, _ := st.PendingCount(context.Background()); n != 0 {
		t.Fatalf("%d items left", n)
	}
	if s := sy.Status(); s.Waiting != 0 || len(s.Failures) != 0 {
		t.Fatalf("status after the cut pass: %+v", s)
	}
}

// TestPushPastTheUnitsDailyBudget: a batch the bureau refuses because the
// unit sent its day's worth (429 with Retry-After) is kept, marked to be
// retried with the bureau's words and wait, and goes once the wait is over.
func TestPushPastTheUnitsDailyBudget(t *testing.T) {
	clock := bureautest.NewClock(time.Now())
	e := mustEnvOn(t, MustBureau(t, func(c *server.Config) { c.UnitUploadPerDay, c.Now = 4<<10, clock.Now }))
	e.queue(t, 3) // about 6 KiB: taken, as the unit was below its budget
	e.mustSync(t)
	e.queue(t, 3)
	err := e.syncer.SyncOnce(context.Background())
	if client.Classify(err) != client.ClassRetry || client.RetryAfter(err) < time.Hour {
		t.Fatalf("pass past the budget: %v (retry after %v)", err, client.RetryAfter(err))
	}
	items := e.outbox(t)
	if len(items) != 3 {
		t.Fatalf("outbox past the budget: %+v", items)
	}
	for _, it := range items {
		if it.State != app.SendFailed || !strings.Contains(it.LastError, "已达数管局设定的上限") {
			t.Fatalf("item past the budget: %+v", it)
		}
	}
	clock.Advance(client.RetryAfter(err))
	e.mustSync(t)
	if items := e.outbox(t); len(items) != 0 {
		t.Fatalf("outbox after the wait: %+v", items)
	}
	e.bureauHolds(t, 6)
}

// While a large upload goes over a slow link, the plain filings that do
// not wait for it are sent first: a filing of a few KB waited minutes
// behind a 3 MB attachment (found in a clerk's walkthrough at 1 KB/s). One
// that names the uploading filing's declaration as its project waits.
func TestPlainFilingsGoAheadOfALargeUpload(t *testing.T) {
	ctx := context.Background()
	st := MustMemStore(t)
	blobs, err := syncer.OpenBlobDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	newFiling := func(kind app.Kind, project string) *app.Filing {
		f, err := app.NewFiling(kind, uuid.NewString(), uuid.NewString(), "unit-1", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		switch kind {
		case app.KindDeclaration:
			f.Declaration = apptest.Declaration()
		case app.KindCatalogue:
			f.Catalogue, f.ProjectID = apptest.Catalogue(), project
		}
		return f
	}
	submit := func(f *app.Filing) {
		if err := st.Save(ctx, f); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Submit(ctx, f.ID, "李梅", time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	big := newFiling(app.KindDeclaration, "")
	a, err := blobs.ImportReader(ctx, "合同.pdf", bytes.NewReader(content(300<<10, 7)))
	if err != nil {
		t.Fatal(err)
	}
	a.Material = "proposal"
	big.Attachments = []app.Attachment{a}
	submit(big)
	itsCatalogue := newFiling(app.KindCatalogue, big.ID)
	submit(itsCatalogue)
	small := newFiling(app.KindDeclaration, "")
	submit(small)

	link := newSlowLink()
	release, mu := link.release, &link.mu
	sy := syncer.New(st, link.remote, blobs, syncer.Options{})
	done := make(chan error, 1)
	go func() { done <- sy.SyncOnce(ctx) }()
	first := link.firstBatch(t, "nothing was sent while the upload went on")
	if !slices.Equal(first, []string{small.ID}) {
		t.Errorf("sent while the upload went on: %v, want only the independent filing %s", first, small.ID)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if left, _ := st.Outbox(ctx); len(left) != 0 {
		t.Errorf("outbox after the pass: %+v", left)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(link.batches) != 2 || !slices.Equal(link.batches[1], []string{big.ID, itsCatalogue.ID}) {
		t.Errorf("batches %v, want the uploading filing and its catalogue after the independent one", link.batches)
	}
}

// A filing submitted while a long upload runs goes before the upload ends:
// the upload stops (the bureau keeps what arrived), the independent filing
// is sent, and the upload goes on. It waited for the whole upload, hours
// on a slow link (found in a clerk's walkthrough at 1 KB/s).
func TestASubmitDuringALongUploadGoesFirst(t *testing.T) {
	ctx := context.Background()
	st := MustMemStore(t)
	blobs, err := syncer.OpenBlobDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	submit := func(f *app.Filing) {
		if err := st.Save(ctx, f); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Submit(ctx, f.ID, "李梅", time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	declaration := func() *app.Filing {
		f, err := app.NewFiling(app.KindDeclaration, uuid.NewString(), uuid.NewString(), "unit-1", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		f.Declaration = apptest.Declaration()
		return f
	}
	big := declaration()
	a, err := blobs.ImportReader(ctx, "合同.pdf", bytes.NewReader(content(300<<10, 9)))
	if err != nil {
		t.Fatal(err)
	}
	a.Material = "proposal"
	big.Attachments = []app.Attachment{a}
	submit(big)

	link := newSlowLink()
	release, uploading, mu := link.release, link.uploading, &link.mu
	sy := syncer.New(st, link.remote, blobs, syncer.Options{})
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	sy.Start(runCtx)
	defer sy.Stop()
	select {
	case <-uploading:
	case <-time.After(10 * time.Second):
		t.Fatal("the upload did not start")
	}
	time.Sleep(2500 * time.Millisecond) // past yieldAfter
	small := declaration()
	submit(small)
	first := link.firstBatch(t, "the filing submitted during the upload waited for it")
	if !slices.Equal(first, []string{small.ID}) {
		t.Errorf("sent during the upload: %v, want the filing submitted meanwhile %s", first, small.ID)
	}
	close(release)
	for deadline := time.Now().Add(10 * time.Second); ; {
		if left, _ := st.Outbox(ctx); len(left) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the upload's filing was not sent once it went on")
		}
		time.Sleep(10 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	if link.uploads < 2 || len(link.batches) != 2 || !slices.Equal(link.batches[1], []string{big.ID}) {
		t.Errorf("uploads %d, batches %v: want the upload stopped and taken up again, then its filing", link.uploads, link.batches)
	}
}

// slowLink is a bureau behind a slow link: an upload waits for release
// (or its context) and says so on uploading; batches are recorded by the
// filings they carry.
type slowLink struct {
	remote    *fakeBatch
	release   chan struct{}
	uploading chan struct{}
	mu        sync.Mutex
	batches   [][]string // guarded by mu
	uploads   int        // guarded by mu
}

// firstBatch waits (up to 10 s) for the first batch the bureau received
// and returns its filings; it fails the test with why when none comes.
func (l *slowLink) firstBatch(t *testing.T, why string) []string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		l.mu.Lock()
		if len(l.batches) > 0 {
			first := slices.Clone(l.batches[0])
			l.mu.Unlock()
			return first
		}
		l.mu.Unlock()
		if time.Now().After(deadline) {
			t.Fatal(why)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func newSlowLink() *slowLink {
	l := &slowLink{release: make(chan struct{}), uploading: make(chan struct{}, 16)}
	l.remote = &fakeBatch{fakeRemote: &fakeRemote{
		upload: func(ctx context.Context, sha string, size int64) (protocol.UploadStatus, error) {
			l.mu.Lock()
			l.uploads++
			l.mu.Unlock()
			l.uploading <- struct{}{}
			select {
			case <-l.release:
			case <-ctx.Done():
				return protocol.UploadStatus{}, ctx.Err()
			}
			return protocol.UploadStatus{SHA256: sha, Size: size, Offset: size, Complete: true}, nil
		},
	}}
	l.remote.batch = func(reqs []protocol.SubmitRequest) ([]protocol.BatchResult, error) {
		var ids []string
		var out []protocol.BatchResult
		for _, r := range reqs {
			ids = append(ids, r.FilingID)
			out = append(out, protocol.BatchResult{Status: 201, Receipt: receipt(r, protocol.ReceiptReceived)})
		}
		l.mu.Lock()
		l.batches = append(l.batches, ids)
		l.mu.Unlock()
		return out, nil
	}
	return l
}
