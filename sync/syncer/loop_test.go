package syncer_test

// Tests of the loop's timing and of pulling, with a func-field fake of the
// bureau, the injected clock and the real store (in memory).

import (
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"egovdesk/app"
	"egovdesk/app/apptest"
	"egovdesk/app/store"
	"egovdesk/sync/client"
	"egovdesk/sync/protocol"
	"egovdesk/sync/syncer"
)

// fakeRemote is a Remote whose behaviour the test sets.
type fakeRemote struct {
	mu      sync.Mutex
	submit  func(ctx context.Context, req protocol.SubmitRequest) (protocol.Receipt, error)
	changes func(ctx context.Context, cursor string, wait time.Duration) (protocol.ChangesResponse, error)
	upload  func(ctx context.Context, sha string, size int64) (protocol.UploadStatus, error)
	filings func(ctx context.Context) ([]protocol.FilingSummary, error)
	filing  func(ctx context.Context, id string) (protocol.FilingDetail, error)
}

func (f *fakeRemote) Submit(ctx context.Context, req protocol.SubmitRequest) (protocol.Receipt, error) {
	f.mu.Lock()
	fn := f.submit
	f.mu.Unlock()
	if fn == nil {
		return protocol.Receipt{FilingID: req.FilingID, RevisionID: req.RevisionID, BodySHA256: req.BodySHA256,
			Status: protocol.ReceiptReceived, ReceivedAt: time.Now()}, nil
	}
	return fn(ctx, req)
}

func (f *fakeRemote) Upload(ctx context.Context, sha string, size int64, src io.ReaderAt, progress func(int64, int64)) (protocol.UploadStatus, error) {
	f.mu.Lock()
	fn := f.upload
	f.mu.Unlock()
	if fn != nil {
		return fn(ctx, sha, size)
	}
	return protocol.UploadStatus{SHA256: sha, Size: size, Offset: size, Complete: true}, nil
}

func (f *fakeRemote) Changes(ctx context.Context, cursor string, wait time.Duration) (protocol.ChangesResponse, error) {
	f.mu.Lock()
	fn := f.changes
	f.mu.Unlock()
	if fn == nil {
		return protocol.ChangesResponse{Cursor: cursor}, nil
	}
	return fn(ctx, cursor, wait)
}

func (f *fakeRemote) Filings(ctx context.Context) ([]protocol.FilingSummary, error) {
	f.mu.Lock()
	fn := f.filings
	f.mu.Unlock()
	if fn == nil {
		return nil, nil
	}
	return fn(ctx)
}

func (f *fakeRemote) Filing(ctx context.Context, id string) (protocol.FilingDetail, error) {
	f.mu.Lock()
	fn := f.filing
	f.mu.Unlock()
	if fn == nil {
		return protocol.FilingDetail{}, &client.Error{Op: "get filing", Status: 404}
	}
	return fn(ctx, id)
}

func (f *fakeRemote) setChanges(fn func(ctx context.Context, cursor string, wait time.Duration) (protocol.ChangesResponse, error)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.changes = fn
}

// MustMemStore opens a store in memory, closed when the test ends.
func MustMemStore(tb testing.TB) *store.Store {
	tb.Helper()
	st, err := store.Open("", store.WithInMemory())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	return st
}

var errRefused = &client.Error{Op: "pull changes", Err: errors.New("connection refused")}

// TestBackoffGrowsAndResets drives the loop with a clock the test holds: the
// waits double up to the cap, a Kick and a success reset them, Retry-After is
// honoured and a refused login waits for a Kick.
func TestBackoffGrowsAndResets(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var mu sync.Mutex
	answer := func(context.Context, string, time.Duration) (protocol.ChangesResponse, error) {
		return protocol.ChangesResponse{}, errRefused
	}
	set := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		answer = func(_ context.Context, cursor string, _ time.Duration) (protocol.ChangesResponse, error) {
			return protocol.ChangesResponse{Cursor: cursor}, err
		}
	}
	remote := &fakeRemote{}
	remote.setChanges(func(ctx context.Context, cursor string, wait time.Duration) (protocol.ChangesResponse, error) {
		mu.Lock()
		fn := answer
		mu.Unlock()
		return fn(ctx, cursor, wait)
	})
	waits := make(chan time.Duration)
	fire := make(chan time.Time)
	sy := syncer.New(MustMemStore(t), remote, nil, syncer.Options{
		Jitter: func(c time.Duration) time.Duration { return c }, // the ceiling, to see it
		After: func(d time.Duration) <-chan time.Time {
			select {
			case waits <- d:
			case <-ctx.Done():
			}
			return fire
		},
		BackoffBase: time.Second, BackoffMax: 8 * time.Second, PollInterval: time.Minute,
	})
	sy.Start(ctx)
	defer sy.Stop()
	expect := func(want time.Duration) {
		t.Helper()
		select {
		case got := <-waits:
			if got != want {
				t.Fatalf("wait %v, want %v", got, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("no wait requested; status %+v", sy.Status())
		}
	}

	for i, want := range []time.Duration{1, 2, 4, 8, 8} {
		expect(want * time.Second)
		if i == 0 {
			st := sy.Status()
			if st.Online || st.LastError != "无法连接数管局服务器（网络不通或服务器未启动），将在 1 秒后自动重试" || st.NextRetry.IsZero() {
				t.Fatalf("status: %+v", st)
			}
		}
		fire <- time.Time{}
	}
	expect(8 * time.Second)
	sy.Kick() // the user pressed 立即重试, or a submit happened
	expect(1 * time.Second)

	set(nil) // the bureau is back
	fire <- time.Time{}
	expect(time.Minute) // it answered at once without changes: the poll interval
	if st := sy.Status(); !st.Online || st.LastError != "" || st.LastSuccess.IsZero() {
		t.Fatalf("status after success: %+v", st)
	}
	set(errRefused)
	fire <- time.Time{}
	expect(1 * time.Second) // the success reset the backoff

	set(&client.Error{Op: "pull changes", Status: 503, RetryAfter: 42 * time.Second})
	fire <- time.Time{}
	expect(42 * time.Second)
	if st := sy.Status(); st.Cause != "数管局服务器暂时出现故障（HTTP 503）" {
		t.Errorf("cause %q: the reason alone, without when it is retried", st.Cause)
	}
	if st := sy.Status(); st.LastError != "数管局服务器暂时出现故障（HTTP 503），将在 42 秒后自动重试" {
		t.Fatalf("LastError %q", st.LastError)
	}

	set(&client.Error{Op: "pull changes", Status: 401, Problem: protocol.NewProblem(app.EUNAUTHORIZED, "登录已失效")})
	fire <- time.Time{}
	expect(8 * time.Second) // the cap: it waits for a Kick after the login
	if st := sy.Status(); !st.NeedsLogin || !st.NextRetry.IsZero() {
		t.Fatalf("status: %+v", st)
	}
	set(nil)
	sy.Kick()
	expect(time.Minute)
	if st := sy.Status(); st.NeedsLogin {
		t.Fatalf("still needs login after a successful pass: %+v", st)
	}
}

func TestBackoffJitterBounds(t *testing.T) {
	b := syncer.Backoff{Base: time.Second, Max: 5 * time.Minute, Jitter: func(c time.Duration) time.Duration { return 0 }}
	if d := b.Next(0); d != 500*time.Millisecond {
		t.Fatalf("smallest wait %v, want half the base", d)
	}
	var ceilings []time.Duration
	b = syncer.Backoff{Base: time.Second, Max: 5 * time.Minute, Jitter: func(c time.Duration) time.Duration {
		ceilings = append(ceilings, c)
		return c
	}}
	for range 12 {
		b.Next(0)
	}
	want := []time.Duration{1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300}
	for i, w := range want {
		if ceilings[i] != w*time.Second {
			t.Fatalf("ceiling %d = %v, want %v", i, ceilings[i], w*time.Second)
		}
	}
	if d := b.Next(20 * time.Minute); d != 20*time.Minute {
		t.Fatalf("Retry-After above the cap: %v", d)
	}
	b.Reset()
	if b.Next(0) != time.Second {
		t.Fatal("Reset did not restart from Base")
	}
}

// TestKickEndsLongPoll: a Kick during the long-poll starts a pass at once.
func TestKickEndsLongPoll(t *testing.T) {
	remote := &fakeRemote{}
	polls := make(chan time.Duration, 10)
	remote.setChanges(func(ctx context.Context, cursor string, wait time.Duration) (protocol.ChangesResponse, error) {
		polls <- wait
		if wait > 0 {
			<-ctx.Done()
			return protocol.ChangesResponse{}, &client.Error{Op: "pull changes", Err: ctx.Err()}
		}
		return protocol.ChangesResponse{Cursor: cursor}, nil
	})
	afters := make(chan time.Duration, 10)
	sy := syncer.New(MustMemStore(t), remote, nil, syncer.Options{LongPoll: 30 * time.Second,
		After: func(d time.Duration) <-chan time.Time { afters <- d; return nil }})
	sy.Start(context.Background())
	defer sy.Stop()
	if w := <-polls; w != 30*time.Second {
		t.Fatalf("first pull waits %v", w)
	}
	sy.Kick()
	select {
	case w := <-polls:
		if w != 30*time.Second {
			t.Fatalf("second pull waits %v", w)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Kick did not end the long-poll")
	}
	if len(afters) != 0 {
		t.Fatalf("the loop waited %v after a kick", <-afters)
	}
	if st := sy.Status(); st.LastError != "" {
		t.Fatalf("a kicked long-poll is not an error: %+v", st)
	}
}

// submitted returns a filing of st submitted once, and its outbox item.
func submitted(t testing.TB, st *store.Store) (*app.Filing, store.OutboxItem) {
	t.Helper()
	ctx := context.Background()
	f, err := app.NewFiling(app.KindDeclaration, uuid.NewString(), uuid.NewString(), "unit-1", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	f.Declaration = apptest.Declaration()
	if err := st.Save(ctx, f); err != nil {
		t.Fatal(err)
	}
	it, err := st.Submit(ctx, f.ID, "李梅", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return f, it
}

func decision(id string, seq uint64, f *app.Filing, revID string, rev int, action app.Action, to app.Status, at time.Time) protocol.Change {
	return protocol.Change{ID: id, Seq: seq, Type: protocol.ChangeDecision, At: at, FilingID: f.ID, RevisionID: revID,
		Transition: &app.Transition{At: at, Actor: "王审核", Role: app.RoleReviewer, Action: action,
			From: app.StatusSubmitted, To: to, Comment: "意见 " + id, RevisionID: revID, RevisionNumber: rev}}
}

// TestPullNeverOverwritesUnsentEdits: a decision about an older revision
// that arrives while the unit edits the next one leaves the edits alone.
func TestPullNeverOverwritesUnsentEdits(t *testing.T) {
	ctx := context.Background()
	st := MustMemStore(t)
	f, it := submitted(t, st)
	remote := &fakeRemote{}
	t0 := time.Date(2027, 3, 2, 10, 0, 0, 0, time.UTC)
	remote.setChanges(func(_ context.Context, cursor string, _ time.Duration) (protocol.ChangesResponse, error) {
		if cursor == "" {
			return protocol.ChangesResponse{Cursor: "c1", Changes: []protocol.Change{
				decision("d1", 1, f, it.RevisionID, 1, app.ActionReturn, app.StatusReturned, t0)}}, nil
		}
		return protocol.ChangesResponse{Cursor: cursor}, nil
	})
	sy := syncer.New(st, remote, nil, syncer.Options{})
	if err := sy.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := st.Get(ctx, f.ID)
	if err != nil || got.Status != app.StatusReturned {
		t.Fatalf("after return: %v %v", got.Status, err)
	}
	// The unit starts revision 2 and has not submitted it.
	if err := got.Revise(uuid.NewString(), time.Now()); err != nil {
		t.Fatal(err)
	}
	got.Declaration.Goals = "本地尚未提交的修改"
	if err := st.Save(ctx, got); err != nil {
		t.Fatal(err)
	}
	// A late decision about revision 1 arrives (say, a correction by the bureau).
	remote.setChanges(func(_ context.Context, cursor string, _ time.Duration) (protocol.ChangesResponse, error) {
		if cursor == "c1" {
			return protocol.ChangesResponse{Cursor: "c2", Changes: []protocol.Change{
				decision("d2", 2, f, it.RevisionID, 1, app.ActionReject, app.StatusRejected, t0.Add(time.Hour))}}, nil
		}
		return protocol.ChangesResponse{Cursor: cursor}, nil
	})
	if err := sy.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	after, err := st.Get(ctx, f.ID)
	if err != nil {
		t.Fatal(err)
	}
	if after.Revision.ID != got.Revision.ID || after.Declaration.Goals != "本地尚未提交的修改" || after.Status != app.StatusReturned {
		t.Fatalf("unsent edits overwritten: revision %d, status %s, goals %q", after.Revision.Number, after.Status, after.Declaration.Goals)
	}
	if cur, _ := st.Cursor(ctx); cur != "c2" {
		t.Fatalf("cursor %q", cur)
	}
	inbox, _ := st.Inbox(ctx)
	if len(inbox) != 2 || !inbox[0].Stale {
		t.Fatalf("inbox: %+v", inbox)
	}
	if n := drain(sy.Notifications()); len(n) != 2 {
		t.Fatalf("notifications: %+v", n)
	}
}

// TestResetReplaysWithoutRepeatingNotifications: after "reset" the bureau
// replays its feed; what the store holds is neither applied nor announced
// twice, what is new is both.
func TestResetReplaysWithoutRepeatingNotifications(t *testing.T) {
	ctx := context.Background()
	st := MustMemStore(t)
	f, it := submitted(t, st)
	t0 := time.Date(2027, 3, 2, 10, 0, 0, 0, time.UTC)
	accept := decision("d1", 1, f, it.RevisionID, 1, app.ActionAccept, app.StatusPreliminary, t0)
	remote := &fakeRemote{}
	remote.setChanges(func(_ context.Context, cursor string, _ time.Duration) (protocol.ChangesResponse, error) {
		switch cursor {
		case "":
			return protocol.ChangesResponse{Cursor: "old-1", Changes: []protocol.Change{accept}}, nil
		case "old-1": // the bureau was restored from a backup: our cursor means nothing now
			pass := decision("n2", 2, f, it.RevisionID, 1, app.ActionPass, app.StatusExpert, t0.Add(time.Hour))
			replayed := accept
			replayed.ID = "n1" // new IDs after the restore, same decision
			return protocol.ChangesResponse{Cursor: "new-2", Reset: true, Changes: []protocol.Change{replayed, pass}}, nil
		}
		return protocol.ChangesResponse{Cursor: cursor}, nil
	})
	// The restored bureau still holds the filing (it decided on it).
	remote.filings = func(context.Context) ([]protocol.FilingSummary, error) {
		return []protocol.FilingSummary{{ID: f.ID, RevisionID: it.RevisionID, Revision: 1, Status: app.StatusExpert}}, nil
	}
	sy := syncer.New(st, remote, nil, syncer.Options{})
	if err := sy.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if n := drain(sy.Notifications()); len(n) != 1 {
		t.Fatalf("first pull notified %d", len(n))
	}
	if err := sy.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	n := drain(sy.Notifications())
	if len(n) != 2 || n[0].Decision.Action != app.ActionPass || n[1].Kind != syncer.NotifyProfile {
		t.Fatalf("after reset notified %+v", n)
	}
	if cur, _ := st.Cursor(ctx); cur != "new-2" {
		t.Fatalf("cursor %q", cur)
	}
	if s := sy.Status(); s.LastReset.IsZero() {
		t.Fatal("LastReset not set")
	}
	if got, _ := st.Get(ctx, f.ID); got.Status != app.StatusExpert {
		t.Fatalf("status %s", got.Status)
	}
}

// TestMorePagesInOnePass: the pass pulls until More is false.
func TestMorePagesInOnePass(t *testing.T) {
	ctx := context.Background()
	st := MustMemStore(t)
	remote := &fakeRemote{}
	var waits []time.Duration
	remote.setChanges(func(_ context.Context, cursor string, wait time.Duration) (protocol.ChangesResponse, error) {
		waits = append(waits, wait)
		n := len(waits)
		return protocol.ChangesResponse{Cursor: "c" + string(rune('0'+n)), More: n < 3,
			Changes: []protocol.Change{{ID: uuid.NewString(), Seq: uint64(n), Type: protocol.ChangeNotice,
				NoticeTitle: "通知", Notice: "第 " + string(rune('0'+n)) + " 条", At: time.Now()}}}, nil
	})
	sy := syncer.New(st, remote, nil, syncer.Options{OnceWait: 5 * time.Second})
	if err := sy.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if len(waits) != 3 || waits[0] != 5*time.Second || waits[1] != 0 {
		t.Fatalf("waits %v", waits)
	}
	if cur, _ := st.Cursor(ctx); cur != "c3" {
		t.Fatalf("cursor %q", cur)
	}
	inbox, _ := st.Inbox(ctx)
	notes := drain(sy.Notifications())
	if len(inbox) != 3 || len(notes) != 3 || notes[0].Kind != syncer.NotifyNotice || notes[0].Headline() != "数管局通知：通知" {
		t.Fatalf("inbox %d, notifications %+v", len(inbox), notes)
	}
}

// TestConflictQuarantines: a 409 stale_base quarantines the item with a
// message that says what happened.
func TestConflictQuarantines(t *testing.T) {
	ctx := context.Background()
	st := MustMemStore(t)
	_, it := submitted(t, st)
	remote := &fakeRemote{submit: func(context.Context, protocol.SubmitRequest) (protocol.Receipt, error) {
		p := protocol.NewProblem(protocol.CodeStaleBase, "材料已有更新的版本")
		return protocol.Receipt{}, &client.Error{Op: "submit revision", Status: 409, Problem: p}
	}}
	sy := syncer.New(st, remote, nil, syncer.Options{})
	if err := sy.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	items, _ := st.Outbox(ctx)
	if len(items) != 1 || items[0].Seq != it.Seq || items[0].State != app.SendQuarantined {
		t.Fatalf("outbox %+v", items)
	}
	if want := "数管局已有这份材料更新的版本，第 1 版未被接收"; len(items[0].LastError) < len(want) || items[0].LastError[:len(want)] != want {
		t.Fatalf("reason %q", items[0].LastError)
	}
	// The clerk hears of it: an inbox entry on the filing, unread, and a
	// notification (a walkthrough found the refusal only in the send state).
	inbox, err := st.Inbox(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(inbox) != 1 || inbox[0].FilingID != it.FilingID || !strings.HasPrefix(inbox[0].ID, store.RefusedPrefix) ||
		!strings.Contains(inbox[0].Title, "第 1 版未能发送") || !strings.Contains(inbox[0].Body, "数管局已有这份材料更新的版本") ||
		strings.Contains(inbox[0].Body, "。。") || inbox[0].Read {
		t.Fatalf("inbox %+v", inbox)
	}
	if sum, err := st.Summary(ctx, it.FilingID); err != nil || sum.Unread != 1 {
		t.Fatalf("summary %+v, %v: want 1 unread", sum, err)
	}
	select {
	case n := <-sy.Notifications():
		if n.FilingID != it.FilingID || n.Refused != 1 || !strings.Contains(n.Headline(), "第 1 版未能发送") || !strings.Contains(n.Headline(), "“") {
			t.Fatalf("notification %+v, headline %q", n, n.Headline())
		}
	default:
		t.Fatal("no notification of the refusal")
	}
}

// TestPullDespiteFailingPush: a server fault on one submission does not keep
// the unit from hearing the bureau's decisions.
func TestPullDespiteFailingPush(t *testing.T) {
	ctx := context.Background()
	st := MustMemStore(t)
	submitted(t, st)
	remote := &fakeRemote{submit: func(context.Context, protocol.SubmitRequest) (protocol.Receipt, error) {
		return protocol.Receipt{}, &client.Error{Op: "submit revision", Status: 500,
			Problem: protocol.NewProblem(app.EINTERNAL, "系统内部错误")}
	}}
	remote.setChanges(func(_ context.Context, cursor string, _ time.Duration) (protocol.ChangesResponse, error) {
		return protocol.ChangesResponse{Cursor: "c1", Changes: []protocol.Change{{ID: "n1", Seq: 1,
			Type: protocol.ChangeNotice, NoticeTitle: "填报截止提醒", Notice: "请于月底前提交", At: time.Now()}}}, nil
	})
	sy := syncer.New(st, remote, nil, syncer.Options{})
	if err := sy.SyncOnce(ctx); client.Classify(err) != client.ClassRetry {
		t.Fatalf("pass: %v", err)
	}
	if inbox, _ := st.Inbox(ctx); len(inbox) != 1 || inbox[0].Title != "填报截止提醒" {
		t.Fatalf("inbox %+v", inbox)
	}
	items, _ := st.Outbox(ctx)
	if len(items) != 1 || items[0].State != app.SendFailed {
		t.Fatalf("outbox %+v", items)
	}
	if s := sy.Status(); !s.Online || !strings.Contains(s.LastError, "系统内部错误") {
		t.Fatalf("status %+v", s)
	}
}

// The time of the last successful pass outlives the program: after a
// restart without the bureau the status bar said 尚未同步 of a client that
// had synced an hour before.
func TestLastSuccessOutlivesARestart(t *testing.T) {
	e := MustEnv(t)
	e.mustSync(t)
	was := e.syncer.Status().LastSuccess
	if was.IsZero() {
		t.Fatal("no LastSuccess after a pass")
	}
	e.syncer.Stop()

	remote := &fakeRemote{}
	remote.setChanges(func(ctx context.Context, cursor string, wait time.Duration) (protocol.ChangesResponse, error) {
		return protocol.ChangesResponse{}, &client.Error{Op: "pull changes", Err: errors.New("dial tcp: connection refused")}
	})
	sy := syncer.New(e.store, remote, e.blobs, syncer.Options{LongPoll: time.Second, BackoffBase: time.Hour, BackoffMax: time.Hour})
	sy.Start(context.Background())
	defer sy.Stop()
	if got := sy.Status().LastSuccess; !got.Equal(was) {
		t.Fatalf("after a restart LastSuccess = %v, want %v", got, was)
	}
	deadline := time.Now().Add(5 * time.Second)
	for sy.Status().LastError == "" && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if st := sy.Status(); st.LastError == "" || !st.LastSuccess.Equal(was) {
		t.Fatalf("after a failed pass: %+v, want the error and LastSuccess %v", st, was)
	}
}

// One push that sets several revisions aside raises one notification, not
// one each (a bureau's new rule refusing fifty queued revisions raised
// fifty); the inbox has an entry for each.
func TestRefusalsOfOnePushAreToldOnce(t *testing.T) {
	ctx := context.Background()
	st := MustMemStore(t)
	for range 3 {
		submitted(t, st)
	}
	remote := &fakeRemote{submit: func(context.Context, protocol.SubmitRequest) (protocol.Receipt, error) {
		return protocol.Receipt{}, &client.Error{Op: "submit revision", Status: 409, Problem: protocol.NewProblem(protocol.CodeStaleBase, "材料已有更新的版本")}
	}}
	sy := syncer.New(st, remote, nil, syncer.Options{})
	if err := sy.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	var got []syncer.Notification
	for len(got) < 4 {
		select {
		case n := <-sy.Notifications():
			got = append(got, n)
			continue
		default:
		}
		break
	}
	if len(got) != 1 || got[0].RefusedCount != 3 || !strings.Contains(got[0].Headline(), "3 份材料未能发送") {
		t.Fatalf("notifications %+v", got)
	}
	if inbox, _ := st.Inbox(ctx); len(inbox) != 3 {
		t.Errorf("inbox has %d entries, want one a revision", len(inbox))
	}
}

// probingRemote is a fakeRemote with the batch route, whose Limits the
// test sets.
type probingRemote struct {
	fakeRemote
	limits func() error
}

func (p *probingRemote) SubmitBatch(ctx context.Context, reqs []protocol.SubmitRequest) ([]protocol.BatchResult, error) {
	return nil, &client.Error{Op: "submit batch", Status: 404}
}

func (p *probingRemote) Limits(ctx context.Context) (protocol.Limits, error) {
	p.mu.Lock()
	fn := p.limits
	p.mu.Unlock()
	return protocol.Limits{}, fn()
}

// While a long backoff after the bureau was not reached runs, the loop
// asks it something light every ProbeInterval and passes at once when it
// answers: filings waited up to the backoff's 5 minutes after the link
// returned (found in a clerk's walkthrough on a bad link).
func TestProbeEndsABackoffWhenTheBureauIsBack(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var mu sync.Mutex
	down := true
	isDown := func() bool { mu.Lock(); defer mu.Unlock(); return down }
	passes := make(chan struct{}, 16)
	remote := &probingRemote{limits: func() error {
		if isDown() {
			return errRefused
		}
		return nil
	}}
	remote.setChanges(func(ctx context.Context, cursor string, wait time.Duration) (protocol.ChangesResponse, error) {
		passes <- struct{}{}
		if isDown() {
			return protocol.ChangesResponse{}, errRefused
		}
		return protocol.ChangesResponse{Cursor: cursor}, nil
	})
	type after struct {
		d time.Duration
		c chan time.Time
	}
	afters := make(chan after, 16)
	sy := syncer.New(MustMemStore(t), remote, nil, syncer.Options{
		Jitter: func(c time.Duration) time.Duration { return c },
		After: func(d time.Duration) <-chan time.Time {
			c := make(chan time.Time, 1)
			afters <- after{d, c}
			return c
		},
		BackoffBase: 5 * time.Minute, BackoffMax: 5 * time.Minute, ProbeInterval: 20 * time.Second, PollInterval: time.Hour,
	})
	sy.Start(ctx)
	defer sy.Stop()
	next := func(want time.Duration) chan time.Time {
		t.Helper()
		select {
		case a := <-afters:
			if a.d != want {
				t.Fatalf("a wait of %v, want %v", a.d, want)
			}
			return a.c
		case <-time.After(5 * time.Second):
			t.Fatalf("no wait of %v asked for; status %+v", want, sy.Status())
		}
		return nil
	}
	<-passes // the first pass: the bureau is not reached
	next(5 * time.Minute)
	next(20 * time.Second) <- time.Time{} // a probe: still down
	probe := next(20 * time.Second)       // the next probe is set
	select {
	case <-passes:
		t.Fatal("a pass while the bureau is still down")
	default:
	}
	mu.Lock()
	down = false
	mu.Unlock()
	probe <- time.Time{} // it finds the bureau: a pass at once, not in 5 minutes
	select {
	case <-passes:
	case <-time.After(5 * time.Second):
		t.Fatal("no pass after the probe found the bureau")
	}
	deadline := time.Now().Add(5 * time.Second)
	for !sy.Status().Online {
		if time.Now().After(deadline) {
			t.Fatalf("status after the pass: %+v", sy.Status())
		}
		time.Sleep(10 * time.Millisecond)
	}
}
