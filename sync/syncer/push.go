package syncer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"

	"egovdesk/app"
	"egovdesk/app/store"
	"egovdesk/sync/client"
	"egovdesk/sync/protocol"
)

// outboxPage is how many outbox items push reads at a time.
const outboxPage = 2 * protocol.MaxBatch

// outboxReader reads the outbox for push a page at a time, the first page
// one batch long so that the first batch leaves at once, and each next page
// in the background.
type outboxReader struct {
	s     *Syncer
	from  uint64 // the Seq the next page starts at
	more  bool   // the last page read was full: there may be more
	ahead chan outboxPageResult
}

type outboxPageResult struct {
	items []store.OutboxItem
	err   error
}

// took moves r past page, read with limit.
func (r *outboxReader) took(page []store.OutboxItem, limit int) {
	if len(page) > 0 {
		r.from = page[len(page)-1].Seq + 1
	}
	r.more = len(page) == limit
}

// first reads the first page.
func (r *outboxReader) first(ctx context.Context) ([]store.OutboxItem, error) {
	page, err := r.s.local.OutboxFrom(ctx, 0, protocol.MaxBatch)
	if err == nil {
		r.took(page, protocol.MaxBatch)
	}
	return page, err
}

// prefetch starts reading the next page, unless there is none or it is
// under way.
func (r *outboxReader) prefetch(ctx context.Context) {
	if !r.more || r.ahead != nil {
		return
	}
	ahead := make(chan outboxPageResult, 1)
	r.ahead = ahead
	local, from := r.s.local, r.from // the goroutine does not touch r
	go func() {
		items, err := local.OutboxFrom(ctx, from, outboxPage)
		ahead <- outboxPageResult{items, err}
	}()
}

// next returns the next page, waiting for the prefetch under way or reading
// it now. r.more says afterwards whether there may be more.
func (r *outboxReader) next(ctx context.Context) ([]store.OutboxItem, error) {
	r.prefetch(ctx)
	if r.ahead == nil {
		return nil, nil
	}
	res := <-r.ahead
	r.ahead = nil
	if res.err != nil {
		return nil, res.err
	}
	r.took(res.items, outboxPage)
	return res.items, nil
}

// wait waits for a prefetch under way, so that none outlives the push.
func (r *outboxReader) wait() {
	if r.ahead != nil {
		<-r.ahead
		r.ahead = nil
	}
}

// maxRounds bounds the submit → upload-missing → submit rounds of one item.
const maxRounds = 3

// passResult is what the loop needs to know about a successful pass.
type passResult struct {
	changes int           // changes pulled
	kicked  bool          // a Kick ended the long-poll
	elapsed time.Duration // time spent pulling
}

// pass pushes the outbox, then pulls changes waiting at most wait.
func (s *Syncer) pass(ctx context.Context, wait time.Duration) (passResult, error) {
	s.passMu.Lock()
	defer s.passMu.Unlock()
	s.mu.Lock()
	s.kicked = false
	s.mu.Unlock()
	select { // this pass serves any Kick so far
	case <-s.kickC:
	default:
	}
	s.setStatus(func(st *Status) { st.Syncing = true })
	defer s.setStatus(func(st *Status) { st.Syncing, st.Upload = false, nil })

	s.mu.Lock()
	recovering := s.status.LastError != ""
	s.mu.Unlock()
	if err := s.restoreIfDue(ctx); err != nil {
		// Neither push nor pull before the restore is in: a pull would
		// take the feed from its start as news.
		if client.Classify(err) == client.ClassReauth {
			err = fmt.Errorf("%w: %w", ErrNeedsLogin, err)
		}
		return passResult{}, err
	}
	err := s.push(ctx)
	s.refreshOutbox(ctx)
	if err == nil {
		s.watchReceiptKey(ctx)
	}
	if err == nil {
		err = s.syncDrafts(ctx) // the copies of the drafts (drafts.go); only a refused token fails the pass
	}
	var res passResult
	switch {
	case err == nil && recovering:
		// The last pass failed: ask without waiting, so that the status
		// (and the clerk's connection bar) says the bureau is back now, not
		// when a long poll ends; the loop's next pass waits as usual.
		res, err = s.pull(ctx, 0)
	case err == nil:
		res, err = s.pull(ctx, wait)
	case client.Classify(err) == client.ClassRetry && !offline(err) && ctx.Err() == nil:
		// The bureau answers but could not take an item now (a 500 on one
		// submission): its decisions must still reach the unit.
		if _, perr := s.pull(ctx, 0); perr != nil {
			s.log.Info("pull after a failed push", "err", perr)
		}
	}
	if client.Classify(err) == client.ClassReauth {
		err = fmt.Errorf("%w: %w", ErrNeedsLogin, err)
	}
	return res, err
}

// refreshOutbox updates Waiting and Failures from the outbox, even when ctx
// is done: a pass that Stop cut short still leaves the status true to what
// it delivered.
func (s *Syncer) refreshOutbox(ctx context.Context) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if items, err := s.local.Outbox(ctx); err == nil {
		s.showOutbox(items)
	}
}

// showOutbox records items as the outbox last seen: in Waiting and Failures,
// and as the size the watcher compares against.
func (s *Syncer) showOutbox(items []store.OutboxItem) {
	s.mu.Lock()
	s.lastCount = len(items)
	s.mu.Unlock()
	s.setStatus(func(st *Status) { st.Waiting, st.Failures = len(items), failuresOf(items) })
}

// push sends the outbox in order. An item the bureau refuses is quarantined
// and the later items of its filing wait (they build on it); other filings go
// on. With a BatchRemote the items go in batches (see pushRun.next), else one
// by one. It stops at the first error that is not the item's own fault and
// returns it.
func (s *Syncer) push(ctx context.Context) (err error) {
	if t, ok := s.local.(pushTracker); ok {
		s.unsent, s.reached = map[uint64]bool{}, map[uint64]bool{}
		defer func() {
			dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			defer cancel()
			if derr := t.PushDone(dctx, s.unsent); derr != nil {
				s.log.Warn("record what the push sent", "err", derr)
				if err == nil {
					err = derr
				}
			}
			s.unsent, s.reached = nil, nil
		}()
	}
	for {
		select { // only a submit from now on makes an upload yield
		case <-s.grewC:
		default:
		}
		if err := s.pushOutbox(ctx); !errors.Is(err, errYield) {
			return err
		}
		// A long upload stopped for a filing submitted meanwhile: read the
		// outbox again, send what does not wait for the upload first
		// (aheadOfUploads), then go on with the upload where the bureau
		// holds it.
	}
}

// pushOutbox is one push of the outbox as it stands; see push.
func (s *Syncer) pushOutbox(ctx context.Context) error {
	defer s.tellRefused()
	// A long outbox is read a page at a time, the next page while the
	// batches of the one before travel: reading 1,000 items before sending
	// any took a tenth of the time the whole push did.
	r := &outboxReader{s: s}
	defer r.wait()
	items, err := r.first(ctx)
	if err != nil {
		return err
	}
	if !r.more {
		s.showOutbox(items) // the whole outbox; a longer one is shown when the pass ends
	}
	p := &pushRun{s: s, blocked: map[string]bool{}}
	if br, ok := s.remote.(BatchRemote); ok {
		p.batch = br
	}
	for {
		if len(items) <= 2*protocol.MaxBatch {
			r.prefetch(ctx)
		}
		if len(items) < protocol.MaxBatch && r.more {
			page, err := r.next(ctx)
			if err != nil {
				return p.finish(ctx, err)
			}
			items = append(items, page...)
		}
		if len(items) == 0 {
			break
		}
		it := items[0]
		if it.State == app.SendQuarantined || p.blocked[it.FilingID] {
			p.blocked[it.FilingID] = true
			items = items[1:]
			continue
		}
		if p.batch == nil && p.flight != nil {
			// The bureau has no batch route after all: land the batch
			// under way first (it may block the filing of it).
			if err := p.landFlight(ctx); err != nil {
				return p.finish(ctx, err)
			}
			continue
		}
		if p.batch == nil {
			if err := p.one(ctx, it); err != nil {
				return p.finish(ctx, err)
			}
			items = items[1:]
			continue
		}
		n, sel := p.pick(ctx, items)
		var err error
		switch {
		case len(sel) == 0 && n == 0: // the first item's filing is in flight
			err = p.landFlight(ctx)
		case len(sel) == 0:
		case plain(sel):
			err = p.launch(ctx, sel)
		default: // uploads first: one batch at a time
			// What does not wait for these uploads goes first.
			if sel, err = p.aheadOfUploads(ctx, sel, items[n:]); err == nil {
				err = p.landFlight(ctx)
			}
			if err == nil {
				err = p.send(ctx, sel)
			}
		}
		if err != nil {
			return p.finish(ctx, err)
		}
		items = items[n:]
	}
	return p.finish(ctx, nil)
}

// interrupted is the reason recorded for items a stop cut short.
const interrupted = "发送被中断，将自动重试"

// refusal says what to record for an item whose push failed with err: the
// Chinese reason, and whether the item is quarantined (the bureau refused it,
// or a local file is missing) rather than retried. It returns "" for errors
// that are not about the item (the local store failing).
func (s *Syncer) refusal(it store.OutboxItem, err error) (msg string, quarantine bool) {
	var le *localFileError
	if errors.As(err, &le) {
		return le.message(), true
	}
	var re *receiptError
	if errors.As(err, &re) {
		return re.message(), false
	}
	var ce *client.Error
	if !errors.As(err, &ce) {
		return "", false // a local failure, not the item's
	}
	switch ce.Class() {
	case client.ClassRetry:
		return client.Message(err) + "，将自动重试", false
	case client.ClassReauth:
		return "登录已失效，请重新登录后自动发送", false
	case client.ClassConflict:
		return conflictMessage(it, err), true
	case client.ClassPermanent:
		if client.ProblemCode(err) == protocol.CodeChecksumMismatch {
			// Decide by the local file, not by counting: if it still hashes
			// to its name, the bytes were damaged on the way and sending
			// again is right however many network faults came before.
			if name := s.damagedAttachment(it); name != "" {
				return "本地附件“" + name + "”已损坏（内容与登记的校验值不符），请重新选择原文件后重试发送", true
			}
			return "附件上传后校验不一致（传输中损坏），将重新上传", false
		}
		return "数管局未接收第 " + fmt.Sprint(it.RevisionNumber) + " 版：" + client.Message(err), true
	}
	return "", false
}

// damagedAttachment returns the name of an attachment of it whose local file
// no longer hashes to its SHA-256, or "" when every file is intact (or cannot
// be read, which the next upload reports by itself).
func (s *Syncer) damagedAttachment(it store.OutboxItem) string {
	for _, a := range it.Attachments {
		b, err := s.blobs.Open(a.SHA256)
		if err != nil {
			continue
		}
		h := sha256.New()
		_, err = io.Copy(h, io.NewSectionReader(b, 0, b.Size()))
		b.Close()
		if err == nil && hex.EncodeToString(h.Sum(nil)) != a.SHA256 {
			return a.Name
		}
	}
	return ""
}

// conflictMessage explains a 409 for the item.
func conflictMessage(it store.OutboxItem, err error) string {
	switch client.ProblemCode(err) {
	case protocol.CodeStaleBase:
		return fmt.Sprintf("数管局已有这份材料更新的版本，第 %d 版未被接收（%s）。请核对材料当前状态，必要时联系数管局。",
			it.RevisionNumber, client.Message(err))
	case protocol.CodeRevisionConflict:
		return fmt.Sprintf("第 %d 版的版本编号在数管局已对应另一份内容，未被接收（%s）。请联系管理员处理。",
			it.RevisionNumber, client.Message(err))
	}
	return fmt.Sprintf("第 %d 版与数管局已有内容冲突，未被接收：%s", it.RevisionNumber, client.Message(err))
}

// markFailed records a failed attempt, with a context that survives the
// cancellation of ctx so a stop still leaves the reason behind.
func (s *Syncer) markFailed(ctx context.Context, it store.OutboxItem, msg string, quarantine bool) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := s.local.MarkAttempt(ctx, it.Seq, msg, quarantine); app.ErrorCode(err) == app.ENOTFOUND {
		return nil // withdrawn by the clerk while its upload ran: nothing to record
	} else if err != nil {
		return fmt.Errorf("record failed attempt of outbox item %d: %w", it.Seq, err)
	}
	s.log.Info("outbox item not delivered", "seq", it.Seq, "filing", it.FilingID,
		"revision", it.RevisionNumber, "quarantined", quarantine, "reason", msg)
	if quarantine {
		// Set aside until the clerk acts: tell them, as the inbox does.
		n := Notification{Kind: NotifyNotice, ChangeID: store.RefusedPrefix + it.RevisionID,
			At: s.opts.Now(), FilingID: it.FilingID, Refused: it.RevisionNumber, Text: msg}
		if f, err := s.local.Get(ctx, it.FilingID); err == nil && f != nil {
			n.FilingTitle, n.FilingKind = f.Title(), f.Kind
		}
		s.mu.Lock()
		s.refused = append(s.refused, n)
		s.mu.Unlock()
	}
	return nil
}

// tellRefused publishes the refusals of the push that ends: one
// notification for one revision, one for all of them when more (a bureau's
// new rule refusing fifty queued revisions raised fifty). The inbox has an
// entry for each.
func (s *Syncer) tellRefused() {
	s.mu.Lock()
	ns := s.refused
	s.refused = nil
	s.mu.Unlock()
	switch len(ns) {
	case 0:
	case 1:
		s.publish(ns[0])
	default:
		s.publish(Notification{Kind: NotifyNotice, ChangeID: ns[0].ChangeID + "+" + strconv.Itoa(len(ns)-1), At: s.opts.Now(),
			RefusedCount: len(ns)})
	}
}

// pushItem delivers one item by itself: it marks it sending and uploads its
// attachments (uploadAll, as a batch does), then submits the revision and
// acknowledges a "received" receipt (deliver). It fails with the remote's
// error, a *localFileError, or a local store error.
func (s *Syncer) pushItem(ctx context.Context, it store.OutboxItem) error {
	if err := s.uploadAll(ctx, it); errors.Is(err, errGone) {
		return nil
	} else if err != nil {
		return err
	}
	return s.deliver(ctx, it, nil, maxRounds)
}

// deliver uploads pending, submits it and acknowledges a "received"
// receipt; while the receipt says attachments are missing it uploads those
// and submits again, at most rounds times in all. It fails as pushItem does.
func (s *Syncer) deliver(ctx context.Context, it store.OutboxItem, pending []app.Attachment, rounds int) error {
	req := submitRequest(it)
	for range rounds {
		for _, a := range unique(pending) {
			if err := s.upload(ctx, it.FilingID, a); err != nil {
				return err
			}
		}
		if sel, err := s.sending(ctx, []store.OutboxItem{it}); err != nil {
			return err
		} else if len(sel) == 0 {
			return nil // withdrawn by the clerk meanwhile: nothing to send
		}
		rc, err := s.remote.Submit(ctx, req)
		if err != nil {
			return fmt.Errorf("submit %s revision %d: %w", it.FilingID, it.RevisionNumber, &submitError{err})
		}
		if s.reached != nil {
			s.reached[it.Seq] = true // answered: the bureau may hold it now
		}
		if rc.Status == protocol.ReceiptReceived {
			errs, err := s.checkReceipts(ctx, []*protocol.Receipt{&rc})
			if err != nil {
				return fmt.Errorf("check the receipt of %s revision %d: %w", it.FilingID, it.RevisionNumber, err)
			}
			if errs[0] != nil {
				return errs[0]
			}
			if err := s.local.Ack(ctx, it.Seq, receiptOf(rc)); err != nil {
				return fmt.Errorf("acknowledge outbox item %d: %w", it.Seq, err)
			}
			s.log.Info("revision delivered", "filing", it.FilingID, "revision", it.RevisionNumber)
			return nil
		}
		pending = missingOf(rc)
	}
	return &client.Error{Op: "submit revision", Status: 503,
		Err: fmt.Errorf("bureau still misses attachments of %s after %d rounds", it.FilingID, maxRounds)}
}

// sending tells a pushTracker that items are about to be submitted and
// returns items without those the clerk withdrew meanwhile; with no
// tracker, items. It fails with the tracker's error: nothing may be sent.
func (s *Syncer) sending(ctx context.Context, items []store.OutboxItem) ([]store.OutboxItem, error) {
	t, ok := s.local.(pushTracker)
	if !ok {
		return items, nil
	}
	seqs := make([]uint64, len(items))
	for i, it := range items {
		seqs[i] = it.Seq
	}
	gone, err := t.Sending(ctx, seqs)
	if err != nil {
		return nil, err
	}
	if len(gone) == 0 {
		return items, nil
	}
	s.log.Info("withdrawn before they were sent", "count", len(gone))
	return slices.DeleteFunc(slices.Clone(items), func(it store.OutboxItem) bool { return gone[it.Seq] }), nil
}

// submitError is the failure of a request that submitted outbox items, or
// the bureau's answer refusing one of them: what notKept reads. Failures of
// anything else (an upload, the receipt key) say nothing of whether the
// bureau kept a submission.
type submitError struct{ err error }

func (e *submitError) Error() string { return e.err.Error() }
func (e *submitError) Unwrap() error { return e.err }

// outcome records for a pushTracker what the failure err of item seq says:
// the bureau certainly did not keep it (unsent), unless an answer or an
// uncertain attempt earlier in this push says it may have (reached, which
// then holds for the rest of the push).
func (s *Syncer) outcome(seq uint64, err error) {
	if s.unsent == nil {
		return
	}
	if notKept(err) && !s.reached[seq] {
		s.unsent[seq] = true
		return
	}
	s.reached[seq] = true
	delete(s.unsent, seq)
}

// notKept reports whether err, the failure of a request that submitted
// outbox items (a *submitError), says the bureau did not keep them: it
// answered with a 4xx status other than a revision conflict (which says it
// holds that revision ID), or no connection to it was made. Anything else —
// a 5xx (a proxy's timeout after the bureau committed), a connection cut, a
// stop, a failure of another request — may have come after the bureau kept
// them.
func notKept(err error) bool {
	var se *submitError
	var ce *client.Error
	if !errors.As(err, &se) || !errors.As(se.err, &ce) {
		return false
	}
	switch {
	case client.ProblemCode(err) == protocol.CodeRevisionConflict:
		return false
	case ce.Status >= 400 && ce.Status < 500:
		return true
	case ce.Status != 0:
		return false
	}
	return client.NeverConnected(ce.Err)
}

// submitRequest returns the submission of it.
func submitRequest(it store.OutboxItem) protocol.SubmitRequest {
	req := protocol.SubmitRequest{FilingID: it.FilingID, RevisionID: it.RevisionID, BaseRevisionID: it.BaseID,
		Revision: it.RevisionNumber, Body: it.Body, BodySHA256: it.BodyHash}
	for _, a := range it.Attachments {
		req.Attachments = append(req.Attachments, protocol.AttachmentRef{SHA256: a.SHA256, Size: a.Size, Name: a.Name})
	}
	return req
}

// receiptOf returns what the store keeps of a receipt.
func receiptOf(rc protocol.Receipt) store.Receipt {
	return store.Receipt{ID: rc.RevisionID + "/" + rc.BodySHA256, At: rc.ReceivedAt}
}

// missingOf returns the attachments a receipt says the bureau lacks.
func missingOf(rc protocol.Receipt) []app.Attachment {
	var out []app.Attachment
	for _, m := range rc.Missing {
		out = append(out, app.Attachment{Name: m.Name, SHA256: m.SHA256, Size: m.Size})
	}
	return out
}

// upload sends one attachment, resuming where the bureau stands.
func (s *Syncer) upload(ctx context.Context, filingID string, a app.Attachment) error {
	b, err := s.blobs.Open(a.SHA256)
	if err != nil {
		if app.ErrorCode(err) == app.ENOTFOUND && s.heldByBureau(ctx, a.SHA256) {
			return nil // restored from the bureau and never opened here: the bureau has it
		}
		return &localFileError{name: a.Name, err: err}
	}
	defer b.Close()
	if b.Size() != a.Size {
		return &localFileError{name: a.Name, err: fmt.Errorf("file has %d bytes, the filing names %d", b.Size(), a.Size)}
	}
	s.setStatus(func(st *Status) { st.Upload = &Progress{FilingID: filingID, Name: a.Name, Total: a.Size} })
	_, err = s.remote.Upload(ctx, a.SHA256, a.Size, b, func(sent, total int64) {
		s.setStatus(func(st *Status) {
			if st.Upload != nil {
				st.Upload.Sent, st.Upload.Total = sent, total
			}
		})
	})
	s.setStatus(func(st *Status) { st.Upload = nil })
	if err != nil {
		return fmt.Errorf("upload %q: %w", a.Name, err)
	}
	return nil
}

// unique returns the attachments with distinct hashes, in order.
func unique(as []app.Attachment) []app.Attachment {
	seen := map[string]bool{}
	var out []app.Attachment
	for _, a := range as {
		if !seen[a.SHA256] {
			seen[a.SHA256] = true
			out = append(out, a)
		}
	}
	return out
}

// localFileError is an attachment whose local file is missing or changed:
// the item cannot be sent until the user restores the file.
type localFileError struct {
	name string
	err  error
}

func (e *localFileError) Error() string { return fmt.Sprintf("attachment %q: %v", e.name, e.err) }
func (e *localFileError) Unwrap() error { return e.err }

func (e *localFileError) message() string {
	if app.ErrorCode(e.err) == app.ENOTFOUND {
		return fmt.Sprintf("附件“%s”的本地文件不见了，无法发送。请重新选择同一文件以恢复，然后重试发送。", e.name)
	}
	return fmt.Sprintf("附件“%s”的本地文件已被改动或无法读取，无法发送。请重新选择原文件以恢复，然后重试发送。", e.name)
}
