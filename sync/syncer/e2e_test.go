package syncer_test

// End-to-end tests: the real store on disk, the real client and the real
// bureau server on a loopback port.

import (
	"context"
	"errors"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"egovdesk/app"
	"egovdesk/app/store"
	"egovdesk/sync/client"
	"egovdesk/sync/protocol"
	"egovdesk/sync/syncer"
)

// The Remote the desktop app hands the syncer is the real client.
var _ syncer.Remote = (*client.Client)(nil)

// The Local is the real store.
var _ syncer.Local = (*store.Store)(nil)

// drain returns the notifications waiting in ch.
func drain(ch <-chan syncer.Notification) []syncer.Notification {
	var out []syncer.Notification
	for {
		select {
		case n := <-ch:
			out = append(out, n)
		default:
			return out
		}
	}
}

func summaryOf(tb testing.TB, e *env, id string) app.FilingRow {
	tb.Helper()
	list, err := e.store.List(context.Background(), app.Query{})
	if err != nil {
		tb.Fatal(err)
	}
	for _, s := range list {
		if s.ID == id {
			return s
		}
	}
	tb.Fatalf("filing %s not in the list", id)
	return app.FilingRow{}
}

// TestReturnReviseApprove is the whole loop: a filing with an attachment is
// drafted, submitted and pushed; the reviewer returns it with a comment; the
// unit hears about it, revises and resubmits; the reviewer accepts and
// approves; the unit hears about both.
func TestReturnReviseApprove(t *testing.T) {
	e := MustEnv(t)
	ctx := context.Background()
	const name = "霍邱县城关镇智慧社区管理平台"
	f := e.draft(t, name, 150<<10) // three chunks of 64 KiB
	e.submit(t, f.ID)
	if st := e.syncer.Status(); st.Waiting != 0 {
		t.Logf("status before the first pass: %+v", st)
	}

	e.mustSync(t)
	if items := e.outbox(t); len(items) != 0 {
		t.Fatalf("outbox after sync: %+v", items)
	}
	if s := summaryOf(t, e, f.ID); s.Send.State != app.SendSent || s.ReceiptID == "" {
		t.Fatalf("send state %q receipt %q", s.Send, s.ReceiptID)
	}
	detail, err := e.reviewer.ReviewFiling(ctx, f.ID)
	if err != nil {
		t.Fatal(err)
	}
	if detail.Revision != 1 || detail.Status != app.StatusSubmitted || len(detail.Attachments) != 1 || !detail.Attachments[0].Complete {
		t.Fatalf("bureau holds %+v", detail.FilingSummary)
	}
	if st := e.syncer.Status(); !st.Online || st.Waiting != 0 || st.LastError != "" || st.LastSuccess.IsZero() {
		t.Fatalf("status after push: %+v", st)
	}

	const comment = "请补充项目建设必要性论证，并细化预算明细"
	e.decide(t, f.ID, app.ActionReturn, comment)
	e.mustSync(t)
	notes := drain(e.syncer.Notifications())
	if len(notes) != 1 || notes[0].Kind != syncer.NotifyDecision || notes[0].Decision.Comment != comment ||
		notes[0].FilingTitle != name || notes[0].FilingKind != app.KindDeclaration {
		t.Fatalf("notifications: %+v", notes)
	}
	if h := notes[0].Headline(); !strings.Contains(h, "退回修改") || !strings.Contains(h, name) {
		t.Errorf("headline %q", h)
	}
	inbox, err := e.store.Inbox(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(inbox) != 1 || inbox[0].FilingID != f.ID || inbox[0].Body != comment || inbox[0].Decision.Action != app.ActionReturn {
		t.Fatalf("inbox: %+v", inbox)
	}
	got := e.get(t, f.ID)
	if got.Status != app.StatusReturned || got.Status.Label() != "退回修改" {
		t.Fatalf("status after return: %s", got.Status)
	}

	// The unit revises and resubmits. The attachment is already with the bureau.
	patched := e.bureau.patched.Load()
	if err := got.Revise(uuid.NewString(), time.Now()); err != nil {
		t.Fatal(err)
	}
	got.Declaration.Goals += "；已补充建设必要性论证"
	if err := e.store.Save(ctx, got); err != nil {
		t.Fatal(err)
	}
	e.submit(t, f.ID)
	e.mustSync(t)
	if items := e.outbox(t); len(items) != 0 {
		t.Fatalf("outbox after resubmit: %+v", items)
	}
	if n := e.bureau.patched.Load(); n != patched {
		t.Errorf("the unchanged attachment was uploaded again (%d bytes)", n-patched)
	}
	detail, err = e.reviewer.ReviewFiling(ctx, f.ID)
	if err != nil {
		t.Fatal(err)
	}
	if detail.Revision != 2 || detail.Status != app.StatusSubmitted {
		t.Fatalf("bureau holds revision %d, %s", detail.Revision, detail.Status)
	}

	e.decide(t, f.ID, app.ActionAccept, "")
	e.decide(t, f.ID, app.ActionApprove, "同意立项")
	e.mustSync(t)
	notes = drain(e.syncer.Notifications())
	if len(notes) != 2 || notes[0].Decision.Action != app.ActionAccept || notes[1].Decision.Action != app.ActionApprove {
		t.Fatalf("notifications: %+v", notes)
	}
	if inbox, _ = e.store.Inbox(ctx); len(inbox) != 3 {
		t.Fatalf("inbox has %d entries, want 3", len(inbox))
	}
	if got := e.get(t, f.ID); got.Status != app.StatusApproved {
		t.Fatalf("status %s, want approved", got.Status)
	}
	// Pulling again applies nothing twice.
	e.mustSync(t)
	if inbox, _ = e.store.Inbox(ctx); len(inbox) != 3 || len(drain(e.syncer.Notifications())) != 0 {
		t.Fatalf("second pull changed the inbox: %d entries", len(inbox))
	}
}

// loseAnswer is a Remote whose next successful submit answer is lost on the
// way back, as when the connection drops after the bureau committed.
type loseAnswer struct {
	syncer.Remote
	lose    atomic.Bool
	submits atomic.Int32
}

func (l *loseAnswer) Submit(ctx context.Context, req protocol.SubmitRequest) (protocol.Receipt, error) {
	l.submits.Add(1)
	rc, err := l.Remote.Submit(ctx, req)
	if err == nil && l.lose.Swap(false) {
		return protocol.Receipt{}, &client.Error{Op: "submit revision", Err: errors.New("connection reset")}
	}
	return rc, err
}

func TestLostAnswerResubmitsWithoutDuplicate(t *testing.T) {
	e := MustEnv(t)
	ctx := context.Background()
	remote := &loseAnswer{Remote: e.clerk}
	remote.lose.Store(true)
	sy := syncer.New(e.store, remote, e.blobs, syncer.Options{})
	f := e.draft(t, "霍邱县城关镇政务外网升级改造")
	e.submit(t, f.ID)

	err := sy.SyncOnce(ctx)
	if client.Classify(err) != client.ClassRetry {
		t.Fatalf("first pass: %v", err)
	}
	items := e.outbox(t)
	if len(items) != 1 || items[0].State != app.SendFailed || !strings.Contains(items[0].LastError, "无法连接数管局服务器") {
		t.Fatalf("outbox after the lost answer: %+v", items)
	}
	if st := sy.Status(); st.Online || len(st.Failures) != 1 || st.Waiting != 1 {
		t.Fatalf("status: %+v", st)
	}
	if err := sy.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if items := e.outbox(t); len(items) != 0 || remote.submits.Load() != 2 {
		t.Fatalf("outbox %+v after %d submits", items, remote.submits.Load())
	}
	list, err := e.clerk.Filings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Revision != 1 {
		t.Fatalf("bureau holds %+v", list)
	}
	d, err := e.clerk.Filing(ctx, f.ID)
	if err != nil {
		t.Fatal(err)
	}
	if submits := countAction(d.History, app.ActionSubmit); submits != 1 {
		t.Fatalf("bureau history has %d submissions", submits)
	}
}

func TestSameRevisionTwiceOneFiling(t *testing.T) {
	e := MustEnv(t)
	ctx := context.Background()
	f := e.draft(t, "霍邱县城关镇视频会议系统")
	it := e.submit(t, f.ID)
	req := protocol.SubmitRequest{FilingID: it.FilingID, RevisionID: it.RevisionID, Revision: it.RevisionNumber,
		Body: it.Body, BodySHA256: it.BodyHash}
	first, err := e.clerk.Submit(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	second, err := e.clerk.Submit(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if !first.ReceivedAt.Equal(second.ReceivedAt) || first.Status != protocol.ReceiptReceived || second.RevisionID != first.RevisionID || second.BodySHA256 != first.BodySHA256 {
		t.Fatalf("receipts differ: %+v vs %+v", first, second)
	}
	// The syncer sends it a third time and is acknowledged.
	e.mustSync(t)
	list, err := e.clerk.Filings(ctx)
	if err != nil || len(list) != 1 {
		t.Fatalf("bureau holds %d filings (%v)", len(list), err)
	}
	// The same revision ID with another body is a conflict.
	req.Body = append(append([]byte(nil), req.Body[:len(req.Body)-1]...), []byte(`,"project_id":"x"}`)...)
	req.BodySHA256 = "0000000000000000000000000000000000000000000000000000000000000000"
	if _, err := e.clerk.Submit(ctx, req); client.Classify(err) == client.ClassNone || client.Classify(err) == client.ClassRetry {
		t.Fatalf("changed body accepted or retryable: %v", err)
	}
}

func countAction(h []app.Transition, a app.Action) int {
	n := 0
	for _, t := range h {
		if t.Action == a {
			n++
		}
	}
	return n
}

func TestInterruptedUploadResumes(t *testing.T) {
	e := MustEnv(t)
	ctx := context.Background()
	const size = 200 << 10
	f := e.draft(t, "霍邱县城关镇档案数字化", size)
	sha := f.Attachments[0].SHA256
	e.submit(t, f.ID)

	e.bureau.cutAfter.Store(40000) // the first chunk breaks off after 40,000 bytes
	err := e.syncer.SyncOnce(ctx)
	if client.Classify(err) != client.ClassRetry {
		t.Fatalf("interrupted pass: %v", err)
	}
	st, err := e.clerk.UploadStatus(ctx, sha)
	if err != nil {
		t.Fatal(err)
	}
	if st.Offset != 40000 || st.Complete {
		t.Fatalf("bureau holds %+v after the cut", st)
	}
	if s := e.syncer.Status(); s.Online || !strings.Contains(s.LastError, "数管局服务器") {
		t.Fatalf("status after the cut: %+v", s)
	}

	e.mustSync(t)
	if items := e.outbox(t); len(items) != 0 {
		t.Fatalf("outbox: %+v", items)
	}
	if st, _ := e.clerk.UploadStatus(ctx, sha); !st.Complete || st.Offset != size {
		t.Fatalf("bureau holds %+v", st)
	}
	// Resumed from the bureau's offset: no byte crossed the wire twice.
	if n := e.bureau.patched.Load(); n != size {
		t.Fatalf("bureau read %d attachment bytes for a %d-byte file", n, size)
	}
	d, err := e.reviewer.ReviewFiling(ctx, f.ID)
	if err != nil || len(d.Attachments) != 1 || !d.Attachments[0].Complete || d.PendingReceipt != "" {
		t.Fatalf("bureau detail %+v, %v", d, err)
	}
}

// counting counts submits.
type counting struct {
	syncer.Remote
	submits atomic.Int32
}

func (c *counting) Submit(ctx context.Context, req protocol.SubmitRequest) (protocol.Receipt, error) {
	c.submits.Add(1)
	return c.Remote.Submit(ctx, req)
}

func TestValidationFailureQuarantines(t *testing.T) {
	e := MustEnv(t)
	ctx := context.Background()
	remote := &counting{Remote: e.clerk}
	sy := syncer.New(e.store, remote, e.blobs, syncer.Options{})
	bad := e.draft(t, "霍邱县城关镇网格化平台")
	bad.Declaration.TotalInvestment = app.Wans(999) // no longer the sum of the budget
	if err := e.store.Save(ctx, bad); err != nil {
		t.Fatal(err)
	}
	good := e.draft(t, "霍邱县城关镇便民服务终端")
	e.submit(t, bad.ID)
	e.submit(t, good.ID)

	if err := sy.SyncOnce(ctx); err != nil {
		t.Fatalf("a refused item must not fail the pass: %v", err)
	}
	items := e.outbox(t)
	if len(items) != 1 || items[0].FilingID != bad.ID || items[0].State != app.SendQuarantined {
		t.Fatalf("outbox: %+v", items)
	}
	reason := items[0].LastError
	if !strings.Contains(reason, "数管局未接收第 1 版") || !strings.Contains(reason, "处需要修改") {
		t.Fatalf("reason %q", reason)
	}
	st := sy.Status()
	if len(st.Failures) != 1 || !st.Failures[0].Quarantined || st.Failures[0].Reason != reason || st.LastError != "" {
		t.Fatalf("status: %+v", st)
	}
	if s := summaryOf(t, e, bad.ID); s.Send.State != app.SendQuarantined || s.Send.Reason != reason {
		t.Fatalf("bad filing's send state %q %q", s.Send.State, s.Send.Reason)
	}
	list, err := e.clerk.Filings(ctx)
	if err != nil || len(list) != 1 || list[0].ID != good.ID {
		t.Fatalf("bureau holds %+v (%v)", list, err)
	}
	// A quarantined item is not sent again until the user acts.
	n := remote.submits.Load()
	if err := sy.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if remote.submits.Load() != n {
		t.Fatal("the quarantined item was sent again")
	}
}

func TestMissingLocalFileQuarantines(t *testing.T) {
	e := MustEnv(t)
	f := e.draft(t, "霍邱县城关镇应急广播", 1000)
	e.submit(t, f.ID)
	if err := os.Remove(e.blobs.Path(f.Attachments[0].SHA256)); err != nil {
		t.Fatal(err)
	}
	e.mustSync(t)
	items := e.outbox(t)
	if len(items) != 1 || items[0].State != app.SendQuarantined || !strings.Contains(items[0].LastError, "本地文件不见了") {
		t.Fatalf("outbox: %+v", items)
	}
}

func TestRevokedTokenNeedsLogin(t *testing.T) {
	e := MustEnv(t)
	ctx := context.Background()
	f := e.draft(t, "霍邱县城关镇电子政务外网")
	e.submit(t, f.ID)
	if err := e.bureau.srv.RevokeToken(ctx, e.clerk.Token()); err != nil {
		t.Fatal(err)
	}
	err := e.syncer.SyncOnce(ctx)
	if !errors.Is(err, syncer.ErrNeedsLogin) || client.Classify(err) != client.ClassReauth {
		t.Fatalf("pass with a revoked token: %v", err)
	}
	st := e.syncer.Status()
	if !st.NeedsLogin || !st.Online || !strings.Contains(st.LastError, "重新登录") {
		t.Fatalf("status: %+v", st)
	}
	items := e.outbox(t)
	if len(items) != 1 || items[0].State != app.SendFailed || !strings.Contains(items[0].LastError, "重新登录") {
		t.Fatalf("outbox: %+v", items)
	}
	if _, err := e.clerk.Login(ctx, "clerk", password); err != nil {
		t.Fatal(err)
	}
	e.mustSync(t)
	if st := e.syncer.Status(); st.NeedsLogin || st.Waiting != 0 {
		t.Fatalf("status after login: %+v", st)
	}
}

// TestLoopPushesAndHearsAtOnce runs the background loop: a local submit is
// pushed without waiting for a timer, and a decision reaches the unit through
// the long-poll.
func TestLoopPushesAndHearsAtOnce(t *testing.T) {
	e := MustEnv(t)
	ctx := context.Background()
	e.syncer.Start(ctx)
	defer e.syncer.Stop()
	waitFor(t, "the first pull", func() bool { return !e.syncer.Status().LastSuccess.IsZero() })

	f := e.draft(t, "霍邱县城关镇智慧党建", 70<<10)
	e.submit(t, f.ID) // the store's change notification wakes the loop
	waitFor(t, "the push", func() bool { return len(e.outbox(t)) == 0 })

	e.decide(t, f.ID, app.ActionReturn, "请补充运维方案")
	select {
	case n := <-e.syncer.Notifications():
		if n.Decision == nil || n.Decision.Comment != "请补充运维方案" {
			t.Fatalf("notification %+v", n)
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("no notification; status %+v", e.syncer.Status())
	}
	if got := e.get(t, f.ID); got.Status != app.StatusReturned {
		t.Fatalf("status %s", got.Status)
	}
	e.syncer.Stop()
	if st := e.syncer.Status(); st.Running || st.Syncing {
		t.Fatalf("status after stop: %+v", st)
	}
}

// waitFor polls cond for up to 15 seconds.
func waitFor(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
