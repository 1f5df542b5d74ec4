// Package syncer is the desktop client's offline-first loop: it pushes the
// local outbox to the bureau (attachments first, resumable, then the
// revision), pulls the unit's changes by cursor and applies them to the local
// store, and tells the UI about both — send state, online/offline, the reason
// of every failure in plain Chinese, and every new decision.
//
// One pass (SyncOnce) pushes each outbox item in order: a "received" receipt
// acknowledges it, an "awaiting_attachments" receipt uploads what is missing
// and submits again, a refusal (validation, conflict, a missing local file)
// quarantines the item with the reason and the pass goes on with the next
// filing, and a network or server fault stops the pass. With a BatchRemote
// (the real client) the items go in batches of up to protocol.MaxBatch, at
// most one item per filing per batch, each item's attachments uploaded
// before the batch that carries it, and every result is handled as the same
// answer to a single submit; a bureau without the batch route (404, 405)
// gets the items one by one. Then it pulls changes
// until the bureau has no more, applying each page with its cursor in one
// store transaction. When the bureau answers "reset" (the stored cursor is
// malformed, from another bureau epoch, or older than the bureau's pruned
// feed), the workflow state is re-synchronised from GET /filings and, for
// each filing whose status or revision differs from the local copy, GET
// /filings/{id}; the store applies it with the new cursor (see
// store.Resync), so decisions missed while the feed was pruned still reach
// the inbox, and unsent local revisions are never overwritten; a
// NotifyProfile notification then has the rule profile fetched again.
//
// A machine whose store holds no filing first restores the unit's filings
// from the bureau, a page at a time and resumable; a revision another
// machine of the unit submitted is taken over from the change feed; and a
// revision refused because another machine revised the filing first is
// kept as a new draft revision (see restore.go).
//
// Start runs passes in a loop: after a success it long-polls the bureau for
// changes; after a failure it waits with exponential backoff and full jitter
// (1 s, 2 s, 4 s … capped at 5 minutes, never less than the bureau's
// Retry-After). Kick — after a local submit, a login, or when the user asks —
// wakes it at once and resets the backoff. Everything that depends on time
// uses the injected clock, so the tests control it.
package syncer

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"egovdesk/app"
	"egovdesk/app/store"
	"egovdesk/sync/client"
	"egovdesk/sync/protocol"
)

// Local is what the syncer needs of the local store (*store.Store).
type Local interface {
	Outbox(ctx context.Context) ([]store.OutboxItem, error)
	OutboxFrom(ctx context.Context, from uint64, limit int) ([]store.OutboxItem, error)
	MarkAttempt(ctx context.Context, seq uint64, errMsg string, quarantine bool) error
	MarkAttempts(ctx context.Context, seqs []uint64, errMsg string, quarantine bool) error
	MarkSending(ctx context.Context, seqs []uint64) error
	Ack(ctx context.Context, seq uint64, r store.Receipt) error
	AckMany(ctx context.Context, acks []store.AckEntry) error
	ApplyChanges(ctx context.Context, cursor string, changes []store.Change) error
	Resync(ctx context.Context, cursor string, remote []store.RemoteFiling) ([]app.Message, error)
	RequeueLost(ctx context.Context, heads map[string]int) ([]app.Message, error)
	Cursor(ctx context.Context) (string, error)
	Inbox(ctx context.Context) ([]app.Message, error)
	Get(ctx context.Context, id string) (*app.Filing, error)
}

// watcher is what the syncer uses of a Local that can tell it about local
// writes (the store's Subscribe), to push new submissions at once.
type watcher interface {
	Subscribe(ctx context.Context, fn func())
	PendingCount(ctx context.Context) (int, error)
}

// pushTracker is what the syncer tells a Local that lets the clerk
// withdraw a submission still waiting (the store's Sending and PushDone,
// see app/store/withdraw.go): which items are about to be sent, and at the
// end of a push which of them the bureau certainly did not keep.
// Withdrawn tells an upload that its submission was withdrawn meanwhile.
type pushTracker interface {
	Sending(ctx context.Context, seqs []uint64) (withdrawn map[uint64]bool, err error)
	PushDone(ctx context.Context, unsent map[uint64]bool) error
	Withdrawn(seq uint64) bool
}

// The real store is one; cmd/egovdesk hands the syncer *store.Store
// itself: a wrapper that hid these methods would switch off what keeps a
// withdrawal from taking back what the bureau may hold.
var _ pushTracker = (*store.Store)(nil)

// Remote is what the syncer needs of the bureau (*client.Client). Its errors
// are classified with client.Classify.
type Remote interface {
	Submit(ctx context.Context, req protocol.SubmitRequest) (protocol.Receipt, error)
	Upload(ctx context.Context, sha string, size int64, src io.ReaderAt, progress func(sent, total int64)) (protocol.UploadStatus, error)
	Changes(ctx context.Context, cursor string, wait time.Duration) (protocol.ChangesResponse, error)
	Filings(ctx context.Context) ([]protocol.FilingSummary, error)
	Filing(ctx context.Context, id string) (protocol.FilingDetail, error)
}

// syncClock is what the syncer uses of a Local that keeps the time of the
// last successful pass across runs (the store's LastSync): the status bar
// says 上次同步 with it after a restart, not 尚未同步, until the first pass
// of the new run ends.
type syncClock interface {
	LastSync(ctx context.Context) (time.Time, error)
	SetLastSync(ctx context.Context, t time.Time) error
}

// BatchRemote is a Remote that can also submit many revisions in one request
// (*client.Client). When the Remote given to New is a BatchRemote, the
// outbox is pushed in batches; a wrapper that embeds Remote is not one and
// pushes one by one.
type BatchRemote interface {
	Remote
	SubmitBatch(ctx context.Context, reqs []protocol.SubmitRequest) ([]protocol.BatchResult, error)
	Limits(ctx context.Context) (protocol.Limits, error)
}

// ErrNeedsLogin is in the chain of a pass's error when the bureau refused the
// token; Status.NeedsLogin is set until a pass succeeds.
var ErrNeedsLogin = errors.New("the bureau needs a new login")

// Options configures New. Zero fields take the defaults in brackets.
type Options struct {
	Logger *slog.Logger // [discard]

	Now    func() time.Time                          // [time.Now]
	After  func(d time.Duration) <-chan time.Time    // [time.After]
	Jitter func(ceiling time.Duration) time.Duration // a wait in [0, ceiling] [uniform random]

	BackoffBase  time.Duration // first wait after a failure [1s]
	BackoffMax   time.Duration // longest wait [5m]
	LongPoll     time.Duration // how long the loop's pull waits for a change [protocol.MaxWait]
	PollInterval time.Duration // pause between pulls when the bureau answers at once without changes [30s]
	// ProbeInterval is how often, while a backoff after the bureau was not
	// reached runs longer, the loop asks it something light (Limits, of a
	// BatchRemote) to learn that the network is back [20s]: filings waited
	// up to the backoff's 5 minutes after the link returned (found in a
	// clerk's walkthrough on a bad link).
	ProbeInterval time.Duration
	OnceWait      time.Duration // how long SyncOnce's pull waits [0: answer at once]
	MaxPages      int           // pages of changes pulled in one pass [50]
	RestorePage   int           // filings asked for per page when restoring from the bureau [200]

	DraftSettle time.Duration // a draft's copy goes up once it was not saved for this long [5s]
	DraftUndo   time.Duration // a deleted draft's copy is deleted at the bureau this long after [30s]
	DraftList   time.Duration // how often the unit's draft copies are listed from the bureau [2m]

	// ReceiptKeyRecheck is how long a bureau that serves no receipt key
	// is believed before it is asked again [5m].
	ReceiptKeyRecheck time.Duration
}

func (o *Options) fill() {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.After == nil {
		o.After = time.After
	}
	if o.Jitter == nil {
		o.Jitter = func(c time.Duration) time.Duration {
			if c <= 0 {
				return 0
			}
			return rand.N(c + 1)
		}
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&o.BackoffBase, time.Second)
	def(&o.BackoffMax, 5*time.Minute)
	def(&o.LongPoll, protocol.MaxWait)
	def(&o.PollInterval, 30*time.Second)
	def(&o.ProbeInterval, 20*time.Second)
	def(&o.DraftSettle, defaultDraftSettle)
	def(&o.DraftUndo, defaultDraftUndo)
	def(&o.DraftList, defaultDraftList)
	def(&o.ReceiptKeyRecheck, 5*time.Minute)
	if o.MaxPages <= 0 {
		o.MaxPages = 50
	}
}

// Syncer synchronises one local store with one bureau. Its methods are safe
// for concurrent use.
type Syncer struct {
	// dependencies
	local  Local
	remote Remote
	blobs  Blobs
	log    *slog.Logger

	// config
	opts Options

	// state
	passMu  sync.Mutex // one pass at a time
	backoff Backoff    // guarded by passMu (the loop's)
	notes   chan Notification
	updates chan struct{}
	kickC   chan struct{}
	grewC   chan struct{} // the outbox grew (a submit): a long upload yields to it (batch.go)

	// resynced holds the decision keys the last resync announced; the feed
	// after the reset cursor may carry them again. Guarded by passMu.
	resynced map[string]bool

	// unsent holds the items sent in the push under way that the bureau
	// certainly did not keep (withdraw.go): a tracker's PushDone marks the
	// others as perhaps delivered. Guarded by passMu; nil without a tracker.
	unsent map[uint64]bool
	// reached holds the items of the push under way that the bureau
	// answered with a receipt, or whose attempt may have reached it:
	// a later refusal in the same push does not make them unsent.
	reached map[uint64]bool

	// restoreChecked is set once no restore is due (see restoreIfDue).
	restoreChecked atomic.Bool

	receiptKey receiptKeyState // the bureau's pinned receipt key, receipts.go

	mu         sync.Mutex
	status     Status             // guarded by mu
	kicked     bool               // guarded by mu: a Kick since the pass started
	cancelPull context.CancelFunc // guarded by mu: ends the long-poll under way
	stop       context.CancelFunc // guarded by mu: ends the loop
	done       chan struct{}      // guarded by mu: closed when the loop has returned
	lastCount  int                // guarded by mu: outbox size last seen by the watcher
	savedSync  time.Time          // guarded by mu: the last success recorded in a syncClock
	refused    []Notification     // guarded by mu: the refusals of the push under way (tellRefused)
	drafts     draftState         // guarded by mu: the drafts kept at the bureau (drafts.go)
	// withdrawing holds the filings whose withdrawal this process is
	// asking the bureau for (withdraw.go): the feed's copy of it may come
	// before the answer, and is no news to the clerk. Guarded by mu.
	withdrawing map[string]int
}

// New returns a syncer of local with remote, reading attachments from blobs.
// Call Start to run it in the background, or SyncOnce for one pass.
func New(local Local, remote Remote, blobs Blobs, opts Options) *Syncer {
	opts.fill()
	return &Syncer{local: local, remote: remote, blobs: blobs, log: opts.Logger, opts: opts,
		backoff: Backoff{Base: opts.BackoffBase, Max: opts.BackoffMax, Jitter: opts.Jitter},
		notes:   make(chan Notification, 256), updates: make(chan struct{}, 1), kickC: make(chan struct{}, 1), grewC: make(chan struct{}, 1)}
}

// Notifications returns the channel of newly applied decisions, notices and
// profile changes, for OS notifications. It is buffered; when the UI falls
// more than 256 behind, further notifications are dropped (and logged) —
// the inbox still holds every entry.
func (s *Syncer) Notifications() <-chan Notification { return s.notes }

// Updates returns a channel that receives a value after the status changed.
// Updates are coalesced: read Status after each. It has one reader, the UI.
func (s *Syncer) Updates() <-chan struct{} { return s.updates }

// Status returns a snapshot of the sync status.
func (s *Syncer) Status() Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.status
	st.Failures = append([]Failure(nil), st.Failures...)
	if st.Upload != nil {
		p := *st.Upload
		st.Upload = &p
	}
	if st.Restore != nil {
		p := *st.Restore
		st.Restore = &p
	}
	if st.KeyChange != nil {
		c := *st.KeyChange
		st.KeyChange = &c
	}
	return st
}

// setStatus changes the status under the lock and signals Updates.
func (s *Syncer) setStatus(fn func(st *Status)) {
	s.mu.Lock()
	fn(&s.status)
	s.mu.Unlock()
	select {
	case s.updates <- struct{}{}:
	default:
	}
}

// Kick asks for a pass now: it ends a long-poll or a backoff wait and resets
// the backoff. Call it after a local submit, after a login and when the user
// asks to retry. It never blocks.
func (s *Syncer) Kick() {
	s.mu.Lock()
	s.kicked = true
	if s.status.Conflict != "" { // the clerk acted since: the inbox keeps the conflict
		s.status.Conflict, s.status.NeedsAction = "", false
	}
	if s.cancelPull != nil {
		s.cancelPull()
	}
	s.mu.Unlock()
	select {
	case s.kickC <- struct{}{}:
	default:
	}
}

// Start runs passes in a loop on a goroutine until ctx is done or Stop is
// called. When local can report its writes (the store's Subscribe), a new
// outbox item wakes the loop at once. Calling Start while running does nothing.
func (s *Syncer) Start(ctx context.Context) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done != nil {
		return
	}
	ctx, cancel := context.WithCancel(ctx)
	s.stop, s.done = cancel, make(chan struct{})
	s.status.Running = true
	if c, ok := s.local.(syncClock); ok && s.status.LastSuccess.IsZero() {
		if t, err := c.LastSync(ctx); err == nil {
			s.status.LastSuccess, s.savedSync = t, t
		}
	}
	if w, ok := s.local.(watcher); ok {
		if n, err := w.PendingCount(ctx); err == nil {
			s.lastCount = n
		}
		w.Subscribe(ctx, func() { s.localChanged(ctx, w) })
	}
	go s.run(ctx, s.done)
}

// Stop ends the loop and waits for it: a pass under way is cancelled (an
// upload resumes next time from the bureau's offset). It is safe to call
// more than once and without Start.
func (s *Syncer) Stop() {
	s.mu.Lock()
	stop, done := s.stop, s.done
	s.mu.Unlock()
	if stop == nil {
		return
	}
	stop()
	<-done
	s.mu.Lock()
	s.stop, s.done = nil, nil
	s.mu.Unlock()
	s.setStatus(func(st *Status) { st.Running, st.Syncing, st.Upload = false, false, nil })
}

// localChanged runs after each local write: when the outbox grew (a submit),
// it kicks the loop. The syncer's own writes (marks, acks) do not grow it, so
// they never wake the loop early.
func (s *Syncer) localChanged(ctx context.Context, w watcher) {
	n, err := w.PendingCount(ctx)
	if err != nil {
		return
	}
	s.mu.Lock()
	grew := n > s.lastCount
	s.lastCount = n
	s.mu.Unlock()
	s.setStatus(func(st *Status) { st.Waiting = n })
	s.draftSaved()
	if grew {
		select {
		case s.grewC <- struct{}{}:
		default:
		}
		s.Kick()
	}
}

// run is the loop: pass, then wait — at once after changes, PollInterval when
// the bureau does not long-poll, the backoff after a failure, until Kick when
// a login is needed.
func (s *Syncer) run(ctx context.Context, done chan struct{}) {
	defer close(done)
	for {
		res, err := s.pass(ctx, s.opts.LongPoll)
		if ctx.Err() != nil {
			return
		}
		var wait time.Duration
		switch {
		case err == nil:
			s.backoff.Reset()
			// A bureau that answers at once (no long-poll support, or a proxy
			// in the way) is polled on a timer rather than in a tight loop.
			if !res.kicked && res.changes == 0 && res.elapsed < min(s.opts.LongPoll/2, 5*time.Second) {
				wait = s.opts.PollInterval
			}
		case errors.Is(err, ErrNeedsLogin):
			wait = s.opts.BackoffMax // a Kick after the login comes first
		default:
			wait = s.backoff.Next(client.RetryAfter(err))
		}
		s.finish(err, wait)
		if wait <= 0 {
			continue
		}
		waitC := s.opts.After(wait)
		var probe <-chan time.Time
		br, canProbe := s.remote.(BatchRemote)
		if canProbe = canProbe && err != nil && offline(err) && wait > s.opts.ProbeInterval; canProbe {
			probe = s.opts.After(s.opts.ProbeInterval)
		}
	waiting:
		for {
			select {
			case <-ctx.Done():
				return
			case <-s.kickC:
				s.backoff.Reset()
				break waiting
			case <-waitC:
				break waiting
			case <-probe:
				if s.reachable(ctx, br) {
					s.backoff.Reset()
					break waiting
				}
				probe = s.opts.After(s.opts.ProbeInterval)
			}
		}
	}
}

// reachable reports whether the bureau answers a light request now: its
// limits, or any answer of its own.
func (s *Syncer) reachable(ctx context.Context, br BatchRemote) bool {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	_, err := br.Limits(ctx)
	return err == nil || client.Classify(err) != client.ClassPermanent && !offline(err) && !errors.Is(err, context.DeadlineExceeded)
}

// SyncOnce runs one pass: push the whole outbox, then pull changes waiting at
// most Options.OnceWait. Items the bureau refuses are quarantined and do not
// fail the pass. It returns nil, or why the pass stopped early: an error
// classified by client.Classify (ErrNeedsLogin in its chain for a refused
// token), or a local store error. Status is updated either way.
func (s *Syncer) SyncOnce(ctx context.Context) error {
	_, err := s.pass(ctx, s.opts.OnceWait)
	s.finish(err, 0)
	return err
}

// finish records the outcome of a pass; wait is when the loop tries again.
func (s *Syncer) finish(err error, wait time.Duration) {
	now := s.opts.Now()
	if err == nil {
		s.saveSync(now)
	}
	s.setStatus(func(st *Status) {
		st.NextRetry = time.Time{}
		st.Unavailable = false
		if err == nil {
			st.Online, st.NeedsLogin, st.NeedsAction, st.LastError, st.Cause, st.LastSuccess = true, false, st.Conflict != "" || st.KeyChange != nil, "", "", now
			return
		}
		st.LastError, st.Cause = describe(err, wait), describe(err, 0)
		st.NeedsAction = client.NeedsAction(err) || st.Conflict != "" || st.KeyChange != nil
		switch client.Classify(err) {
		case client.ClassRetry:
			st.Online = !offline(err)
			var e *client.Error
			st.Unavailable = st.Online && errors.As(err, &e) && (e.Status == http.StatusServiceUnavailable || e.Status == http.StatusInsufficientStorage)
		case client.ClassReauth:
			st.Online, st.NeedsLogin = true, true
		}
		if wait > 0 && !errors.Is(err, ErrNeedsLogin) {
			st.NextRetry = now.Add(wait)
		}
	})
}

// offline reports whether err means the bureau was not reached at all (or
// only a proxy in front of it answered). A 503 with the bureau's own
// problem (its database went away, its connections are full) was an
// answer of the bureau: the clerk's network is fine.
func offline(err error) bool {
	var e *client.Error
	if !errors.As(err, &e) {
		return false
	}
	return e.Status == 0 || e.Problem == nil && (e.Status == 502 || e.Status == 503 || e.Status == 504)
}

// describe returns the Chinese status line for a failed pass that will be
// retried after wait (0: not automatically).
func describe(err error, wait time.Duration) string {
	if errors.Is(err, ErrNeedsLogin) {
		return "登录已失效，请重新登录；登录后待发送的材料会自动发出"
	}
	msg := client.Message(err)
	var e *client.Error
	var re *receiptError
	switch {
	case errors.As(err, &re): // the receipt, not the local store
		msg = re.message()
		if re.newKey != "" {
			return msg // the clerk acts; retrying does not mend it
		}
	case !errors.As(err, &e):
		msg = "本地数据读写失败：" + app.ErrorMessage(err)
	}
	if wait > 0 {
		msg += "，将在 " + inChinese(wait) + "后自动重试"
	}
	return msg
}

// saveSync records now as the last success in a syncClock local, at most
// once a minute: a pass ends with every long-poll.
func (s *Syncer) saveSync(now time.Time) {
	c, ok := s.local.(syncClock)
	if !ok {
		return
	}
	s.mu.Lock()
	due := now.Sub(s.savedSync) >= time.Minute || now.Before(s.savedSync) // a clock set back
	if due {
		s.savedSync = now
	}
	s.mu.Unlock()
	if !due {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.SetLastSync(ctx, now); err != nil {
		s.log.Warn("record the last sync", "err", err)
	}
}
