package syncer

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"egovdesk/app"
	"egovdesk/app/store"
	"egovdesk/sync/client"
	"egovdesk/sync/protocol"
)

// pushRun is the state of one push of the outbox.
type pushRun struct {
	s       *Syncer
	batch   BatchRemote     // nil: one submit per item (no BatchRemote, or a bureau without the batch route)
	budget  int64           // request bytes a batch may carry; 0 until asked
	blocked map[string]bool // filings with an earlier item that did not go through
	ahead   map[uint64]bool // items sent ahead of an upload (aheadOfUploads), by Seq

	// The acknowledgements of a batch are written while the next batches
	// are on their way.
	acks   *acker  // nil until a batch was received
	flight *flight // the batch on its way, nil when none
}

// acker writes the acknowledgements of the batches the bureau received, one
// batch after another in the order they landed, while the push goes on.
// Holding at most one batch besides the one it writes, it slows the push
// down only when the store falls behind.
type acker struct {
	queue chan ackJob
	done  chan struct{}
	mu    sync.Mutex
	err   error // the first failure; the acker writes nothing after it
}

type ackJob struct {
	acks  []store.AckEntry
	batch int // items in the batch, for the log
}

func (s *Syncer) newAcker(ctx context.Context) *acker {
	a := &acker{queue: make(chan ackJob, 1), done: make(chan struct{})}
	go func() {
		defer close(a.done)
		for j := range a.queue {
			if a.failed() != nil {
				continue
			}
			// The bureau holds these now: record it even when stopping.
			actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			err := s.local.AckMany(actx, j.acks)
			cancel()
			if err != nil {
				a.mu.Lock()
				a.err = fmt.Errorf("acknowledge %d outbox items: %w", len(j.acks), err)
				a.mu.Unlock()
				continue
			}
			s.log.Info("revisions delivered", "count", len(j.acks), "batch", j.batch)
		}
	}()
	return a
}

// failed returns the acker's first failure, nil while all went well.
func (a *acker) failed() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.err
}

// ack queues the acknowledgements of a batch of n items. It returns an
// earlier batch's failure to acknowledge, which stops the push.
func (p *pushRun) ack(ctx context.Context, acks []store.AckEntry, n int) error {
	if p.acks == nil {
		p.acks = p.s.newAcker(ctx)
	}
	if err := p.acks.failed(); err != nil {
		return err
	}
	p.acks.queue <- ackJob{acks: acks, batch: n}
	return nil
}

// waitAcks waits until every acknowledgement queued is written and returns
// the first failure.
func (p *pushRun) waitAcks() error {
	a := p.acks
	if a == nil {
		return nil
	}
	p.acks = nil
	close(a.queue)
	<-a.done
	return a.failed()
}

// finish waits for the store writes under way and returns err, or their
// error when err is nil.
func (p *pushRun) finish(ctx context.Context, err error) error {
	if ferr := p.landFlight(ctx); err == nil {
		err = ferr
	}
	if aerr := p.waitAcks(); err == nil {
		err = aerr
	}
	return err
}

// one delivers it by itself and records a failure; see failed.
func (p *pushRun) one(ctx context.Context, it store.OutboxItem) error {
	if err := p.s.pushItem(ctx, it); err != nil {
		return p.failed(ctx, it, err)
	}
	return nil
}

// failed records why it was not delivered (err). For an item the bureau
// refused, or whose local file is gone, the item is quarantined, its filing
// blocked for the rest of the push, and failed returns nil: the push goes on.
// Otherwise it returns the error that stops the push: err, ctx's error, or
// the store's.
func (p *pushRun) failed(ctx context.Context, it store.OutboxItem, err error) error {
	s := p.s
	s.outcome(it.Seq, err)
	if ctx.Err() != nil {
		// Stopped: the store puts "sending" items back in the queue when it opens.
		s.markFailed(ctx, it, interrupted, false)
		return ctx.Err()
	}
	if s.reconcile(ctx, it, err) {
		p.blocked[it.FilingID] = true // our text is now a draft revision
		return nil
	}
	msg, quarantine := s.refusal(it, err)
	if msg == "" {
		return err
	}
	if merr := s.markFailed(ctx, it, msg, quarantine); merr != nil {
		return merr
	}
	if quarantine {
		p.blocked[it.FilingID] = true
		return nil
	}
	return err
}

// pick chooses the next batch from the front of items and returns how many
// items it dealt with and the batch. A batch holds at most protocol.MaxBatch
// items that fit in the bureau's MaxBodyBytes, and at most one item per
// filing, none of a filing in the batch on its way (p.flight): a later
// revision waits for a batch after, so that it is sent only once the
// earlier one went through. Items that are quarantined or of a blocked
// filing are skipped (and counted). The batch is empty only when the first
// item to send belongs to a filing in flight.
func (p *pushRun) pick(ctx context.Context, items []store.OutboxItem) (int, []store.OutboxItem) {
	budget := p.budgetOf(ctx)
	var sel []store.OutboxItem
	in := map[string]bool{}
	n, size := 0, int64(0)
	for _, it := range items {
		if p.ahead[it.Seq] { // sent already, ahead of an upload
			n++
			continue
		}
		if it.State == app.SendQuarantined || p.blocked[it.FilingID] {
			p.blocked[it.FilingID] = true
			n++
			continue
		}
		sz := requestSize(it)
		if len(sel) == protocol.MaxBatch || in[it.FilingID] || p.flight.has(it.FilingID) ||
			(len(sel) > 0 && size+sz > budget) {
			break
		}
		in[it.FilingID] = true
		sel = append(sel, it)
		size += sz
		n++
	}
	return n, sel
}

// flight is a batch of plain items (no attachments) on its way to the
// bureau. While it travels the push picks and sends the next batch, so
// that the bureau works on one batch while it commits the other, and the
// client prepares and acknowledges batches meanwhile.
type flight struct {
	items   []store.OutboxItem
	filings map[string]bool
	results []protocol.BatchResult
	err     error
	done    chan struct{}
}

// has reports whether f (nil: no flight) carries an item of filing id.
func (f *flight) has(id string) bool { return f != nil && f.filings[id] }

// plain reports whether no item of sel has attachments.
func plain(sel []store.OutboxItem) bool {
	for _, it := range sel {
		if len(it.Attachments) > 0 {
			return false
		}
	}
	return true
}

// launch sends sel in one batch without waiting for the answer: land
// deals with it. The batch before, if any, is landed first, after this
// one is on its way; its error stops the push, once this one has landed
// too, so that whatever the bureau answered for it is recorded.
func (p *pushRun) launch(ctx context.Context, sel []store.OutboxItem) error {
	sel, err := p.s.sending(ctx, sel)
	if err != nil || len(sel) == 0 {
		return err
	}
	f := &flight{items: sel, filings: make(map[string]bool, len(sel)), done: make(chan struct{})}
	reqs := make([]protocol.SubmitRequest, len(sel))
	for i, it := range sel {
		reqs[i] = submitRequest(it)
		f.filings[it.FilingID] = true
	}
	go func() {
		defer close(f.done)
		f.results, f.err = p.batch.SubmitBatch(ctx, reqs)
		if f.err != nil {
			f.err = &submitError{f.err}
		}
	}()
	prev := p.flight
	p.flight = f
	if prev == nil {
		return nil
	}
	if err := p.land(ctx, prev); err != nil {
		if lerr := p.landFlight(ctx); lerr != nil && lerr != err {
			p.s.log.Info("batch after a failed one", "err", lerr)
		}
		return err
	}
	return nil
}

// landFlight waits for the batch in flight, if any, and deals with its
// answer as submit does; it returns the error that stops the push.
func (p *pushRun) landFlight(ctx context.Context) error {
	f := p.flight
	if f == nil {
		return nil
	}
	p.flight = nil
	return p.land(ctx, f)
}

// land waits for f's answer and deals with it (see settle).
func (p *pushRun) land(ctx context.Context, f *flight) error {
	<-f.done
	return p.settle(ctx, f.items, f.results, f.err)
}

// budgetOf returns how many request bytes a batch may carry: the bureau's
// MaxBodyBytes less room for the envelope, or 1 MiB when the bureau's limits
// cannot be had now (the submit will then say why).
func (p *pushRun) budgetOf(ctx context.Context) int64 {
	if p.budget == 0 {
		p.budget = 1 << 20
		if l, err := p.batch.Limits(ctx); err == nil && l.MaxBodyBytes > 8<<10 {
			p.budget = l.MaxBodyBytes - 4<<10
		}
	}
	return p.budget
}

// requestSize estimates the JSON size of it's submission, on the high side.
func requestSize(it store.OutboxItem) int64 {
	n := int64(len(it.Body)) + 400
	for _, a := range it.Attachments {
		n += int64(len(a.Name))*6 + 160 // a name may be escaped
	}
	return n
}

// send uploads the attachments of the items of sel that have any (each
// item's before its submission, as one by one) and submits the items in one
// batch. An item whose upload fails is dealt with as one by one; when that
// stops the push, the items ready by then are still submitted first. It
// returns the error that stops the push.
//
// Only items with attachments are marked "sending" (by uploadAll): an upload
// can take minutes, and the clerk sees which filing is on its way. A batch
// of plain items is answered within a second; marking each of them would
// double the store's work per item for a state nobody gets to see, and an
// attempt that fails is recorded anyway (MarkAttempts).
func (p *pushRun) send(ctx context.Context, sel []store.OutboxItem) error {
	s := p.s
	ready := make([]store.OutboxItem, 0, len(sel))
	for i, it := range sel {
		if len(it.Attachments) == 0 {
			ready = append(ready, it)
			continue
		}
		err := p.uploadYielding(ctx, it)
		if err == nil {
			ready = append(ready, it)
			continue
		}
		if errors.Is(err, errGone) {
			continue
		}
		if errors.Is(err, errYield) {
			// The plain items before it go now; it and what follows it
			// come again in the next push of the outbox.
			if merr := s.markFailed(ctx, it, yielded, false); merr != nil {
				return merr
			}
			if err := p.submit(ctx, ready); err != nil {
				return err
			}
			return errYield
		}
		if stop := p.failed(ctx, it, err); stop != nil {
			for _, later := range sel[i+1:] {
				if len(later.Attachments) == 0 {
					ready = append(ready, later)
				}
			}
			if ctx.Err() != nil {
				p.abandon(ctx, ready, ctx.Err())
				return stop
			}
			if err := p.submit(ctx, ready); err != nil {
				s.log.Info("submit after a failed upload", "err", err)
			}
			return stop
		}
	}
	return p.submit(ctx, ready)
}

// errGone is uploadAll's error for an item no longer in the outbox: the
// clerk withdrew it after the push read it (or it was delivered). It is
// not sent, and nothing is recorded for it.
var errGone = errors.New("outbox item gone")

// errYield stops a push for a filing submitted while a long upload ran
// (uploadYielding); push reads the outbox again.
var errYield = errors.New("upload yields to a filing submitted meanwhile")

// yielded is the reason an upload that yielded records: not a failure,
// and gone once the next push takes it up again.
const yielded = "先发送刚提交的材料，附件随后接着上传"

// yieldAfter is how long an upload runs before a submit may stop it, so
// that submits in a row do not stop it again and again before a byte goes.
const yieldAfter = 2 * time.Second

// uploadYielding is uploadAll, stopped (errYield) when the clerk submits
// another filing while it runs: a filing submitted during a long upload
// waited for the whole upload, minutes or hours on a slow link, though it
// needed none of it (found in a clerk's walkthrough at 1 KB/s). The bureau
// keeps what arrived of the chunk cut short, so the upload loses nothing
// and goes on from there in the next push. Uploads under aheadAbove run
// to their end.
func (p *pushRun) uploadYielding(ctx context.Context, it store.OutboxItem) error {
	var bytes int64
	for _, a := range it.Attachments {
		bytes += a.Size
	}
	if bytes < aheadAbove {
		return p.s.uploadAll(ctx, it)
	}
	uctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var stopped atomic.Bool
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-done:
			return
		case <-p.s.opts.After(yieldAfter):
		}
		select {
		case <-done:
		case <-p.s.grewC:
			stopped.Store(true)
			cancel()
		}
	}()
	err := p.s.uploadAll(uctx, it)
	if err != nil && !errors.Is(err, errGone) && stopped.Load() && ctx.Err() == nil {
		return errYield
	}
	return err
}

// uploadAll marks it sending and uploads its attachments. It fails with the
// remote's error, a *localFileError, or a local store error.
func (s *Syncer) uploadAll(ctx context.Context, it store.OutboxItem) error {
	if err := s.local.MarkSending(ctx, []uint64{it.Seq}); app.ErrorCode(err) == app.ENOTFOUND {
		return errGone
	} else if err != nil {
		return fmt.Errorf("mark outbox item %d sending: %w", it.Seq, err)
	}
	ctx, gone, stop := s.watchWithdrawal(ctx, it.Seq)
	defer stop()
	for _, a := range unique(it.Attachments) {
		if err := s.upload(ctx, it.FilingID, a); err != nil {
			if gone() {
				return errGone
			}
			return err
		}
	}
	return nil
}

// withdrawPoll is how often an upload looks whether the clerk withdrew
// its submission meanwhile.
const withdrawPoll = 250 * time.Millisecond

// watchWithdrawal returns ctx, cancelled when the clerk withdraws item seq
// (an upload over a slow link went on for minutes for a submission taken
// back), gone, which reports whether that happened, and stop, which ends
// the watch.
func (s *Syncer) watchWithdrawal(ctx context.Context, seq uint64) (context.Context, func() bool, func()) {
	c, ok := s.local.(pushTracker)
	if !ok {
		return ctx, func() bool { return false }, func() {}
	}
	wctx, cancel := context.WithCancel(ctx)
	var gone atomic.Bool
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(withdrawPoll)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-wctx.Done():
				return
			case <-t.C:
				if c.Withdrawn(seq) {
					gone.Store(true)
					cancel()
					return
				}
			}
		}
	}()
	return wctx, gone.Load, func() { close(done); cancel() }
}

// submit sends items in one batch and deals with each result as one by one:
// a "received" receipt acknowledges the item (all of them in one store
// transaction), an "awaiting_attachments" receipt uploads the missing files
// and submits that item again by itself, and a problem quarantines the item
// or marks it failed. When the bureau refuses the request as a whole (an
// older bureau without the route: 404, 405), the items are sent one by one,
// and so is the rest of the push for 404 and 405. It returns the first
// error that stops the push, after every result has been recorded.
func (p *pushRun) submit(ctx context.Context, items []store.OutboxItem) error {
	items, err := p.s.sending(ctx, items)
	if err != nil || len(items) == 0 {
		return err
	}
	reqs := make([]protocol.SubmitRequest, len(items))
	for i, it := range items {
		reqs[i] = submitRequest(it)
	}
	results, err := p.batch.SubmitBatch(ctx, reqs)
	if err != nil {
		err = &submitError{err}
	}
	return p.settle(ctx, items, results, err)
}

// settle deals with the bureau's answer to a batch of items: results, or
// err when the request as a whole failed. See submit.
func (p *pushRun) settle(ctx context.Context, items []store.OutboxItem, results []protocol.BatchResult, err error) error {
	s := p.s
	if err != nil {
		return p.refused(ctx, items, err)
	}
	var stop error
	keep := func(err error) {
		if err != nil && stop == nil {
			stop = err
		}
	}
	acks := make([]store.AckEntry, 0, len(items))
	var awaiting []int
	received := make([]*protocol.Receipt, len(results))
	for i, r := range results {
		if client.ResultError(r) != nil {
			continue
		}
		if s.reached != nil && i < len(items) {
			s.reached[items[i].Seq] = true // answered with a receipt: the bureau holds it
		}
		if r.Receipt.Status == protocol.ReceiptReceived {
			received[i] = r.Receipt
		}
	}
	refusedReceipts, err := s.checkReceipts(ctx, received)
	if err != nil { // the key could not be had or the receipts kept: none is acknowledged
		err = fmt.Errorf("check %d receipts: %w", len(results), err)
		p.abandon(ctx, items, err)
		return err
	}
	for i, r := range results {
		it := items[i]
		if err := client.ResultError(r); err != nil {
			keep(p.failed(ctx, it, fmt.Errorf("submit %s revision %d: %w", it.FilingID, it.RevisionNumber, &submitError{err})))
			continue
		}
		if r.Receipt.Status != protocol.ReceiptReceived {
			awaiting = append(awaiting, i)
			continue
		}
		if err := refusedReceipts[i]; err != nil {
			keep(p.failed(ctx, it, err))
			continue
		}
		acks = append(acks, store.AckEntry{Seq: it.Seq, FilingID: it.FilingID, RevisionID: it.RevisionID, Receipt: receiptOf(*r.Receipt)})
	}
	if len(acks) > 0 {
		// Written while the push goes on; finish waits for them.
		if err := p.ack(ctx, acks, len(items)); err != nil {
			return err
		}
	}
	for _, i := range awaiting {
		it := items[i]
		if err := s.deliver(ctx, it, missingOf(*results[i].Receipt), maxRounds-1); err != nil {
			keep(p.failed(ctx, it, err))
		}
	}
	return stop
}

// refused deals with a batch the bureau did not answer item by item (err).
// Refused as a whole (4xx but 401, 408, 429): each item is sent by itself
// and gets its own verdict, and after 404 or 405 — a bureau without the
// batch route — the rest of the push goes one by one too. Otherwise (network
// or server fault, login expired, stop) every item is marked failed with the
// reason and the error returned.
func (p *pushRun) refused(ctx context.Context, items []store.OutboxItem, err error) error {
	if ctx.Err() != nil {
		p.abandon(ctx, items, err)
		return ctx.Err()
	}
	var ce *client.Error
	if errors.As(err, &ce) && (ce.Status == http.StatusNotFound || ce.Status == http.StatusMethodNotAllowed) {
		p.s.log.Info("the bureau has no batch route; submitting one by one", "status", ce.Status)
		p.batch = nil
	}
	if c := client.Classify(err); c == client.ClassPermanent || c == client.ClassConflict {
		for i, it := range items {
			if err := p.one(ctx, it); err != nil {
				p.abandon(ctx, items[i+1:], err)
				return err
			}
		}
		return nil
	}
	p.abandon(ctx, items, err)
	return err
}

// abandon records that items, marked sending, were not delivered because
// of err, which stops the push: as interrupted when ctx is done, else with
// err's reason. A store failure is logged: the error that stopped the push
// matters more.
func (p *pushRun) abandon(ctx context.Context, items []store.OutboxItem, err error) {
	if len(items) == 0 {
		return
	}
	s := p.s
	for _, it := range items {
		s.outcome(it.Seq, err)
	}
	msg := interrupted
	if ctx.Err() == nil {
		if msg, _ = s.refusal(items[0], err); msg == "" {
			return // a local failure: the items stay as they are until the next pass
		}
	}
	seqs := make([]uint64, len(items))
	for i, it := range items {
		seqs[i] = it.Seq
	}
	mctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if merr := s.local.MarkAttempts(mctx, seqs, msg, false); merr != nil {
		s.log.Warn("record failed attempts", "items", len(seqs), "err", merr)
		return
	}
	s.log.Info("outbox items not delivered", "count", len(seqs), "reason", msg)
}

// aheadOfUploads launches, before sel's uploads start, the plain items of
// sel and of rest (the outbox after sel) that depend on nothing with an
// upload before them, and returns sel without them: an upload over a slow
// link took every filing behind it hostage, a filing of a few KB waiting
// minutes behind a 3 MB attachment (found in a clerk's walkthrough at
// 1 KB/s). An item depends on one before it of its own filing, of the
// declaration of its project, or (an acceptance application) of the trial
// report it names, and so on down the line. They go in one batch, as many
// as pick would put in one.
func (p *pushRun) aheadOfUploads(ctx context.Context, sel, rest []store.OutboxItem) ([]store.OutboxItem, error) {
	var bytes int64
	for _, it := range sel {
		for _, a := range it.Attachments {
			bytes += a.Size
		}
	}
	if bytes < aheadAbove {
		return sel, nil // gone in moments: the batch stays one
	}
	held := map[string]bool{} // filings that wait for an upload, or for one that waits
	seen := map[string]bool{} // filings with an item in this batch or held
	budget := p.budgetOf(ctx)
	var early []store.OutboxItem
	size := int64(0)
	for i, it := range append(slices.Clip(sel), rest...) {
		inSel := i < len(sel)
		waits := held[it.FilingID] || slices.ContainsFunc(itemDeps(it), func(id string) bool { return held[id] })
		switch {
		case !inSel && (p.ahead[it.Seq] || it.State == app.SendQuarantined || p.blocked[it.FilingID]):
			held[it.FilingID] = true // pick deals with it; what comes after it waits
			continue
		case len(it.Attachments) > 0 || waits:
			held[it.FilingID] = true
			continue
		case seen[it.FilingID] || len(early) == protocol.MaxBatch || p.flight.has(it.FilingID) || size+requestSize(it) > budget:
			held[it.FilingID] = true // its turn comes in order
			continue
		}
		seen[it.FilingID] = true
		early = append(early, it)
		size += requestSize(it)
	}
	if len(early) == 0 {
		return sel, nil
	}
	if p.ahead == nil {
		p.ahead = map[uint64]bool{}
	}
	for _, it := range early {
		p.ahead[it.Seq] = true
	}
	keep := slices.DeleteFunc(slices.Clone(sel), func(it store.OutboxItem) bool { return p.ahead[it.Seq] })
	return keep, p.launch(ctx, early)
}

// aheadAbove is how many bytes of uploads make the plain items that do not
// wait for them go first: 256 KB take a minute at 32 kbit/s.
const aheadAbove = 256 << 10

// itemDeps returns the filings an outbox item's body names that must reach
// the bureau before it: its project's declaration, and an acceptance
// application's trial report.
func itemDeps(it store.OutboxItem) []string { return store.ItemDeps(it.Body) }
