package syncer_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"egovdesk/app"
	"egovdesk/sync/client"
	"egovdesk/sync/protocol"
	"egovdesk/sync/syncer"
)

// TestWithdrawWhatNeverReachedTheBureau drives withdrawal through the real
// syncer, client and bureau: a push that could not connect leaves its
// submissions withdrawable; the one withdrawn never reaches the bureau,
// the other does. A push the bureau may have taken (a 503 from the proxy in
// front of it) leaves its submission not withdrawable, and once delivered
// it says so.
func TestWithdrawWhatNeverReachedTheBureau(t *testing.T) {
	e := MustEnv(t)
	ctx := context.Background()
	a := e.draft(t, "霍邱县城关镇智慧社区管理平台")
	b := e.draft(t, "霍邱县城关镇政务服务一网通办")
	e.submit(t, a.ID)
	e.submit(t, b.ID)

	// Offline: the bureau's address answers nothing.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + l.Addr().String()
	l.Close()
	c, err := client.New(ctx, dead, client.Options{RequestTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.SetToken(ctx, e.clerk.Token()); err != nil {
		t.Fatal(err)
	}
	off := syncer.New(e.store, c, e.blobs, syncer.Options{})
	if err := off.SyncOnce(ctx); err == nil {
		t.Fatal("a push to nowhere succeeded")
	}
	if err := e.store.Withdraw(ctx, a.ID, time.Now()); err != nil {
		t.Fatalf("withdraw after an offline push: %v", err)
	}
	if f := e.get(t, a.ID); f.Status != app.StatusDraft || f.Revision.Submitted() {
		t.Fatalf("withdrawn filing: %s %+v", f.Status, f.Revision)
	}

	e.mustSync(t)
	mine, err := e.clerk.Filings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(mine) != 1 || mine[0].ID != b.ID {
		t.Fatalf("the bureau holds %+v, want only %s", mine, b.ID)
	}
	if err := e.store.Withdraw(ctx, b.ID, time.Now()); app.ErrorCode(err) != app.EINVALID || !strings.Contains(app.ErrorMessage(err), "已送达") {
		t.Fatalf("withdraw a delivered filing: %v", err)
	}

	// The proxy answers 503: the bureau behind it may have the filing.
	e.submit(t, a.ID)
	e.bureau.down.Store(true)
	if err := e.syncer.SyncOnce(ctx); err == nil {
		t.Fatal("a push through a 503 succeeded")
	}
	if err := e.store.Withdraw(ctx, a.ID, time.Now()); app.ErrorCode(err) != app.EINVALID || !strings.Contains(app.ErrorMessage(err), "可能已经送达") {
		t.Fatalf("withdraw after a 503: %v", err)
	}
	e.bureau.down.Store(false)
	e.mustSync(t)
	if mine, _ := e.clerk.Filings(ctx); len(mine) != 2 {
		t.Fatalf("the bureau holds %d filings, want 2", len(mine))
	}
	if items := e.outbox(t); len(items) != 0 {
		t.Fatalf("outbox: %+v", items)
	}
}

// keyFail is the real client whose GET /receipt-key fails with 429, as a
// rate-limiting proxy would right after the bureau took a batch.
type keyFail struct{ *client.Client }

func (k *keyFail) ReceiptKey(context.Context) (protocol.ReceiptKey, error) {
	return protocol.ReceiptKey{}, &client.Error{Op: "receipt key", Status: http.StatusTooManyRequests}
}

// TestWithdrawRefusedWhenTheReceiptKeyFailed: the bureau answered
// "received", then fetching its receipt key failed with a 4xx: the failure
// is not the submission's, and the bureau holds it — not withdrawn.
func TestWithdrawRefusedWhenTheReceiptKeyFailed(t *testing.T) {
	e := MustEnv(t)
	ctx := context.Background()
	a := e.draft(t, "霍邱县城关镇智慧社区管理平台")
	e.submit(t, a.ID)
	sy := syncer.New(e.store, &keyFail{e.clerk}, e.blobs, syncer.Options{})
	if err := sy.SyncOnce(ctx); err == nil {
		t.Fatal("pass succeeded")
	}
	mine, err := e.clerk.Filings(ctx)
	if err != nil || len(mine) != 1 {
		t.Fatalf("bureau holds %+v %v", mine, err)
	}
	if err := e.store.Withdraw(ctx, a.ID, time.Now()); err == nil {
		t.Fatal("withdrew a submission the bureau holds (receipt key fetch failed with 429)")
	}
}

// TestWithdrawRefusedAfterAwaitingAttachments: round 1 answered
// awaiting_attachments (the bureau stored the revision), round 2 got a 401
// (the token expired): what the first answer said holds — not withdrawn.
func TestWithdrawRefusedAfterAwaitingAttachments(t *testing.T) {
	ctx := context.Background()
	st := MustMemStore(t)
	blobs, err := syncer.OpenBlobDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	a := withAttachment(t, st, blobs)
	n := 0
	remote := &fakeRemote{submit: func(_ context.Context, req protocol.SubmitRequest) (protocol.Receipt, error) {
		n++
		if n == 1 {
			return protocol.Receipt{FilingID: req.FilingID, RevisionID: req.RevisionID, Status: protocol.ReceiptAwaitingAttachments,
				Missing: []protocol.AttachmentRef{{SHA256: a.SHA256, Size: a.Size, Name: a.Name}}}, nil
		}
		return protocol.Receipt{}, &client.Error{Op: "submit revision", Status: http.StatusUnauthorized}
	}}
	sy := syncer.New(st, remote, blobs, syncer.Options{})
	if err := sy.SyncOnce(ctx); err == nil {
		t.Fatal("pass succeeded")
	}
	items, _ := st.Outbox(ctx)
	if len(items) != 1 {
		t.Fatalf("outbox %+v", items)
	}
	if err := st.Withdraw(ctx, items[0].FilingID, time.Now()); app.ErrorCode(err) != app.EINVALID {
		t.Fatalf("withdrew a revision the bureau answered awaiting_attachments for: %v", err)
	}
}

// stalledUpload is the real client over a link so slow that no upload
// ends: Upload waits until its context is cancelled.
type stalledUpload struct {
	*client.Client
	started chan struct{}
}

func (r *stalledUpload) Upload(ctx context.Context, sha string, size int64, src io.ReaderAt, progress func(sent, total int64)) (protocol.UploadStatus, error) {
	select {
	case r.started <- struct{}{}:
	default:
	}
	<-ctx.Done()
	return protocol.UploadStatus{}, &client.Error{Op: "upload", Err: ctx.Err()}
}

// TestWithdrawStopsTheUpload: a submission withdrawn while its attachment
// crawls up a slow link stops the upload (it went on for minutes), and the
// push goes on without it: the bureau never gets the filing.
func TestWithdrawStopsTheUpload(t *testing.T) {
	e := MustEnv(t)
	ctx := context.Background()
	f := e.draft(t, "霍邱县城关镇智慧社区管理平台", 300<<10)
	e.submit(t, f.ID)
	remote := &stalledUpload{Client: e.clerk, started: make(chan struct{}, 1)}
	sy := syncer.New(e.store, remote, e.blobs, syncer.Options{LongPoll: 100 * time.Millisecond})
	done := make(chan error, 1)
	go func() { done <- sy.SyncOnce(ctx) }()
	select {
	case <-remote.started:
	case <-time.After(20 * time.Second):
		t.Fatal("the upload did not start")
	}
	if err := e.store.Withdraw(ctx, f.ID, time.Now()); err != nil {
		t.Fatalf("withdraw during the upload: %v", err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Logf("the pass after the withdrawal: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the upload of a withdrawn submission went on")
	}
	if mine, err := e.clerk.Filings(ctx); err != nil || len(mine) != 0 {
		t.Fatalf("the bureau holds %+v (%v)", mine, err)
	}
	if g := e.get(t, f.ID); g.Status != app.StatusDraft {
		t.Fatalf("the filing is %s", g.Status)
	}
}

// TestWithdrawAtTheBureau drives a withdrawal of a delivered submission
// through the real syncer, client and bureau: the bureau takes it out of
// its queue, the filing here is 已撤回 and the clerk's to change, the
// clerk's own act is in the inbox once, read, and tells nobody; the
// revision sent after it reaches the bureau. Without an answer nothing
// changes here and the clerk is told to try again; once the bureau has
// accepted a filing it is refused with the bureau's words, and the next
// pass brings the 受理.
func TestWithdrawAtTheBureau(t *testing.T) {
	e := MustEnv(t)
	ctx := context.Background()
	a := e.draft(t, "霍邱县城关镇智慧社区管理平台")
	b := e.draft(t, "霍邱县城关镇政务服务一网通办")
	e.submit(t, a.ID)
	e.submit(t, b.ID)
	e.mustSync(t)
	drain(e.syncer.Notifications())
	unread, _ := e.store.UnreadCount(ctx)

	// A bureau of an earlier release: told so, in words a clerk reads.
	e.bureau.noWithdrawal.Store(true)
	if err := e.syncer.Withdraw(ctx, a.ID, ""); app.ErrorCode(err) != app.EINVALID || !strings.Contains(app.ErrorMessage(err), "版本较早") {
		t.Fatalf("withdraw at a bureau without the route: %v", err)
	}
	e.bureau.noWithdrawal.Store(false)

	// No answer (the proxy in front answers 503): nothing changes here.
	e.bureau.down.Store(true)
	if err := e.syncer.Withdraw(ctx, a.ID, "附件传错了"); app.ErrorCode(err) != app.EUNAVAILABLE || !strings.Contains(app.ErrorMessage(err), "可能已经办成") ||
		strings.Contains(app.ErrorMessage(err), "不会重复提交") {
		t.Fatalf("withdraw with the bureau down: %v", err)
	}
	e.bureau.down.Store(false)
	if f := e.get(t, a.ID); f.Status != app.StatusSubmitted {
		t.Fatalf("after an unanswered withdrawal: %s", f.Status)
	}

	if err := e.syncer.Withdraw(ctx, a.ID, "附件传错了"); err != nil {
		t.Fatal(err)
	}
	f := e.get(t, a.ID)
	if last := f.History[len(f.History)-1]; f.Status != app.StatusWithdrawn || !f.Editable() || last.Action != app.ActionWithdraw || last.Comment != "附件传错了" {
		t.Fatalf("after the withdrawal: %s %+v", f.Status, f.History)
	}
	d, err := e.reviewer.ReviewFiling(ctx, a.ID)
	if err != nil || d.Status != app.StatusWithdrawn {
		t.Fatalf("the bureau's copy: %s, %v", d.Status, err)
	}
	e.mustSync(t) // the feed's copy of the withdrawal
	inbox, _ := e.store.Inbox(ctx)
	n := 0
	for _, m := range inbox {
		if m.Decision != nil && m.Decision.Action == app.ActionWithdraw {
			n++
			if !m.Read {
				t.Error("the clerk's own withdrawal is unread in the inbox")
			}
		}
	}
	if now, _ := e.store.UnreadCount(ctx); n != 1 || now != unread {
		t.Fatalf("inbox holds the withdrawal %d times, unread %d → %d", n, unread, now)
	}
	if notes := drain(e.syncer.Notifications()); len(notes) != 0 {
		t.Fatalf("the clerk's own withdrawal was notified: %+v", notes)
	}
	if err := e.syncer.Withdraw(ctx, a.ID, ""); app.ErrorCode(err) != app.EINVALID {
		t.Fatalf("a second withdrawal: %v", err)
	}

	// Changed and sent again.
	if err := f.Revise(uuid.NewString(), time.Now()); err != nil {
		t.Fatal(err)
	}
	f.Declaration.Goals += "；已换上正确的附件"
	if err := e.store.Save(ctx, f); err != nil {
		t.Fatal(err)
	}
	e.submit(t, a.ID)
	e.mustSync(t)
	if d, err := e.reviewer.ReviewFiling(ctx, a.ID); err != nil || d.Status != app.StatusSubmitted || d.Revision != 2 {
		t.Fatalf("revision 2 at the bureau: %+v, %v", d.FilingSummary, err)
	}

	// Withdrawn on another computer of the unit (its answer not this
	// computer's): news here, notified and unread.
	c := e.draft(t, "霍邱县城关镇视频会议系统")
	e.submit(t, c.ID)
	e.mustSync(t)
	drain(e.syncer.Notifications())
	cf := e.get(t, c.ID)
	if _, err := e.clerk.Withdraw(ctx, c.ID, protocol.WithdrawRequest{RevisionID: cf.Revision.ID, Comment: "另一台电脑撤回"}); err != nil {
		t.Fatal(err)
	}
	before, _ := e.store.UnreadCount(ctx)
	e.mustSync(t)
	notes := drain(e.syncer.Notifications())
	if len(notes) != 1 || notes[0].Decision == nil || notes[0].Decision.Action != app.ActionWithdraw || notes[0].FilingID != c.ID {
		t.Fatalf("a withdrawal from another computer: notifications %+v", notes)
	}
	if after, _ := e.store.UnreadCount(ctx); after != before+1 || e.get(t, c.ID).Status != app.StatusWithdrawn {
		t.Fatalf("a withdrawal from another computer: unread %d → %d, status %s", before, after, e.get(t, c.ID).Status)
	}

	// Accepted meanwhile: refused, and the next pass brings the 受理.
	e.decide(t, b.ID, app.ActionAccept, "")
	err = e.syncer.Withdraw(ctx, b.ID, "")
	if app.ErrorCode(err) != app.ECONFLICT || !strings.Contains(app.ErrorMessage(err), "受理") {
		t.Fatalf("withdraw after 受理: %v", err)
	}
	e.mustSync(t)
	if g := e.get(t, b.ID); g.Status != app.StatusPreliminary {
		t.Fatalf("after the refusal and a pass: %s", g.Status)
	}
}
