package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dgraph-io/badger/v4"

	"egovdesk/app"
)

// A clerk who submitted a filing by mistake — the wrong attachment, a
// figure not yet signed off — while offline, or before the next sync, can
// take the submission back (Withdraw): the filing is a draft (or returned)
// again, as it was, and the bureau never hears of it. That is safe only
// while no request that carried the revision can have reached the bureau:
// once one may have, the bureau may hold it (exactly once, by revision ID),
// and a local draft of the same revision would contradict it.
//
// So the store keeps track of what the syncer sends. Before a request that
// submits outbox items leaves, the syncer calls Sending with their
// sequence numbers: from then until PushDone, Withdraw refuses those items
// (正在发送), and the durable mark meta/push-mark says which items a push
// may have sent, for the case the program dies meanwhile: Open then marks
// every item up to it MaybeSent. PushDone marks MaybeSent the items sent
// that are still queued unless the syncer knows the bureau did not keep
// them (it refused them, or the connection never opened), and removes the
// mark. Items withdrawn after the syncer read them but before it sent
// them are left out by Sending.
//
// Two writes per push (the mark and its removal, the first synced) are
// what this costs the push; a push of 1,000 filings writes the mark once,
// for every item queued when it began.

// pushState is what the store knows of the push under way.
type pushState struct {
	mu        sync.Mutex
	high      uint64          // the durable mark's value; 0: none written by this run
	covered   map[uint64]bool // items Sending let go in this push
	withdrawn map[uint64]bool // items withdrawn while this push ran (or since the last one)
}

// Sending is called by the syncer before a request that submits the outbox
// items seqs leaves. It writes the push's durable mark when they are not
// covered by it yet (synced before it returns) and returns the items of
// seqs withdrawn meanwhile, which the request must leave out. It fails with
// a wrapped storage error; nothing may then be sent.
func (s *Store) Sending(ctx context.Context, seqs []uint64) (withdrawn map[uint64]bool, err error) {
	p := &s.push
	p.mu.Lock()
	defer p.mu.Unlock()
	var top uint64
	for _, q := range seqs {
		if p.withdrawn[q] {
			if withdrawn == nil {
				withdrawn = map[uint64]bool{}
			}
			withdrawn[q] = true
			continue
		}
		top = max(top, q)
	}
	if top > p.high {
		// Every item queued so far, so that the rest of a long push
		// needs no other write.
		var high uint64
		err := s.update(ctx, true, func(txn *badger.Txn) error {
			b, err := getValue(txn, keyOutSeq)
			if err != nil {
				return err
			}
			if high, err = strconv.ParseUint(string(b), 10, 64); err != nil {
				return fmt.Errorf("bad outbox sequence %q: %w", b, err)
			}
			high = max(high, top)
			return txn.Set([]byte(keyPushMark), []byte(strconv.FormatUint(high, 10)))
		})
		if err != nil {
			return nil, fmt.Errorf("mark the push: %w", err)
		}
		p.high = high
	}
	if p.covered == nil {
		p.covered = map[uint64]bool{}
	}
	for _, q := range seqs {
		if !withdrawn[q] {
			p.covered[q] = true
		}
	}
	return withdrawn, nil
}

// Withdrawn reports whether item seq was withdrawn during the push under
// way: an upload for it can stop.
func (s *Store) Withdrawn(seq uint64) bool {
	s.push.mu.Lock()
	defer s.push.mu.Unlock()
	return s.push.withdrawn[seq]
}

// PushDone ends what Sending began: the items sent in this push that are
// still in the outbox are marked MaybeSent, except those in unsent, which
// the bureau certainly did not keep; then the mark goes. The syncer calls
// it at the end of every push, whatever happened. It fails with a wrapped
// storage error; the mark then stays, and the next Open marks the items.
func (s *Store) PushDone(ctx context.Context, unsent map[uint64]bool) error {
	p := &s.push
	p.mu.Lock()
	defer p.mu.Unlock()
	var maybe []uint64
	for q := range p.covered {
		if !unsent[q] {
			maybe = append(maybe, q)
		}
	}
	slices.Sort(maybe)
	err := s.updateEach(ctx, true, len(maybe), func(txn *badger.Txn, i int) error {
		return markMaybeSent(txn, maybe[i])
	})
	if err == nil && p.high > 0 {
		err = s.update(ctx, false, func(txn *badger.Txn) error { return txn.Delete([]byte(keyPushMark)) })
	}
	if err != nil {
		return fmt.Errorf("end the push: %w", err)
	}
	p.high, p.covered, p.withdrawn = 0, nil, nil
	return nil
}

// delivered drops seqs from the push's sent items: they are out of the
// outbox, and PushDone need not look at them again (reading 1,000
// delivered items back was 4 % of a push).
func (s *Store) delivered(seqs ...uint64) {
	p := &s.push
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, q := range seqs {
		delete(p.covered, q) // a nil map: no push under way
	}
}

// markMaybeSent marks item seq MaybeSent, if it is still queued.
func markMaybeSent(txn *badger.Txn, seq uint64) error {
	var o outboxRecord
	if err := getJSON(txn, outboxKey(seq), &o); errors.Is(err, badger.ErrKeyNotFound) {
		return nil // delivered
	} else if err != nil || o.MaybeSent {
		return err
	}
	o.MaybeSent = true
	return putJSON(txn, outboxKey(seq), &o)
}

// recoverPushMark marks MaybeSent every queued item up to the mark a push
// left when the program stopped during it, and removes the mark; and, once
// after the move to schema 8 (keyMarkTried), every item an older binary
// queued. Open runs it. The items are marked in transactions of at most
// markBatch (fewer when Badger finds that too big), synced before the
// marks go.
func (s *Store) recoverPushMark() error {
	var high uint64
	var pushed, tried bool
	var seqs []uint64
	err := s.db.View(func(txn *badger.Txn) error {
		b, err := getValue(txn, keyPushMark)
		switch {
		case err == nil:
			if high, err = strconv.ParseUint(string(b), 10, 64); err != nil {
				return fmt.Errorf("bad push mark %q: %w", b, err)
			}
			pushed = true
		case !errors.Is(err, badger.ErrKeyNotFound):
			return err
		}
		if _, err := txn.Get([]byte(keyMarkTried)); err == nil {
			tried = true
		} else if !errors.Is(err, badger.ErrKeyNotFound) {
			return err
		}
		if !pushed && !tried {
			return nil
		}
		return iterate(txn, "o/", func(k, v []byte) error {
			q, err := strconv.ParseUint(string(k), 10, 64)
			if err != nil {
				return fmt.Errorf("outbox key o/%s: %w", k, err)
			}
			var o outboxRecord
			if err := json.Unmarshal(v, &o); err != nil {
				return fmt.Errorf("outbox item o/%s: %w", k, err)
			}
			// After schema 8 every item: a binary before it recorded
			// nothing before a batch of plain items left (only items with
			// attachments were marked sending), so an item it never
			// recorded an attempt of may still have reached the bureau.
			if !o.MaybeSent && (tried || pushed && q <= high) {
				seqs = append(seqs, q)
			}
			return nil
		})
	})
	if err != nil || !pushed && !tried {
		return err
	}
	var mark func(batch []uint64) error
	mark = func(batch []uint64) error {
		err := s.db.Update(func(txn *badger.Txn) error {
			for _, q := range batch {
				if err := markMaybeSent(txn, q); err != nil {
					return err
				}
			}
			return nil
		})
		if errors.Is(err, badger.ErrTxnTooBig) && len(batch) > 1 {
			if err := mark(batch[:len(batch)/2]); err != nil {
				return err
			}
			return mark(batch[len(batch)/2:])
		}
		return err
	}
	for lo := 0; lo < len(seqs); lo += markBatch {
		if err := mark(seqs[lo:min(lo+markBatch, len(seqs))]); err != nil {
			return err
		}
	}
	if err := s.db.Sync(); err != nil {
		return err
	}
	err = s.db.Update(func(txn *badger.Txn) error {
		if err := txn.Delete([]byte(keyPushMark)); err != nil {
			return err
		}
		return txn.Delete([]byte(keyMarkTried))
	})
	if err == nil && len(seqs) > 0 {
		s.log.Info("outbox items that may have reached the bureau marked", "items", len(seqs), "push_cut_short", pushed, "schema_8", tried)
	}
	return err
}

// markBatch is how many outbox items recoverPushMark marks in one transaction.
const markBatch = 500

// Withdraw takes back the submission of filing id while it waits to be
// sent: the revision is unfrozen and the filing is a draft (or returned)
// again with everything in it, out of the outbox, as before Submit. It
// fails with an ENOTFOUND *app.Error when there is no such filing, with an
// EINVALID *app.Error in Chinese saying why and what to do when the
// submission cannot be taken back here (delivered, being sent, perhaps
// delivered, or a filing queued after it needs it), and with a wrapped
// error otherwise.
func (s *Store) Withdraw(ctx context.Context, id string, now time.Time) error {
	return s.withdraw(ctx, id, now, doWithdraw)
}

// CanWithdraw reports whether Withdraw would take filing id's submission
// back now: nil, or the error Withdraw would fail with. The clerk is asked
// to confirm only what can be done.
func (s *Store) CanWithdraw(ctx context.Context, id string) error {
	return s.withdraw(ctx, id, time.Time{}, checkAll)
}

// Withdrawable is CanWithdraw without asking whether a filing queued after
// it needs it (which reads every queued body): what an open filing's
// screen asks whenever the store changes, many times a second during a
// push, to show 撤回提交 or why not.
func (s *Store) Withdrawable(ctx context.Context, id string) error {
	return s.withdraw(ctx, id, time.Time{}, checkQuick)
}

// How far withdraw goes.
const (
	doWithdraw = iota // check, then withdraw
	checkAll          // only check
	checkQuick        // only check, not what other queued filings need
)

// withdraw is Withdraw, or with mode checkAll or checkQuick only its
// checks, which write nothing and hold the push's lock only to look up
// what is being sent (Sending must not wait for them).
func (s *Store) withdraw(ctx context.Context, id string, now time.Time, mode int) error {
	p := &s.push
	check := mode != doWithdraw
	covered := func(seq uint64) bool {
		if check {
			p.mu.Lock()
			defer p.mu.Unlock()
		}
		return p.covered[seq]
	}
	if !check {
		p.mu.Lock() // Sending waits: what it lets go cannot be withdrawn after all
		defer p.mu.Unlock()
	}
	var seq uint64
	run := func(txn *badger.Txn) error {
		seq = 0 // a retried transaction starts again
		f, err := readFiling(txn, id)
		if err != nil {
			return err
		}
		old, err := readSummary(txn, id)
		if err != nil {
			return err
		}
		n := len(f.History)
		if f.Status != app.StatusSubmitted || !f.Revision.Submitted() || n == 0 ||
			f.History[n-1].Action != app.ActionSubmit || f.History[n-1].RevisionID != f.Revision.ID {
			return app.Errorf(app.EINVALID, "只有已提交、还在等待发送的材料可以撤回（这份材料现在是“%s”）。", f.Status.Label())
		}
		o, queued, err := queuedItem(txn, id, f.Revision.ID, mode != checkQuick && f.Revision.Number == 1)
		if err != nil {
			return err
		}
		switch {
		case o == nil:
			return app.Errorf(app.EINVALID, "第 %d 版已送达，不能在本机撤回：受理前，可以联网后点“撤回提交”撤回；已受理的如需修改，请联系审核人员退回修改。", f.Revision.Number)
		case covered(o.Seq):
			return app.Errorf(app.EINVALID, "第 %d 版正在发送，现在不能撤回。请等发送结束后再看：送达后、受理前，可以点“撤回提交”撤回。", f.Revision.Number)
		case o.MaybeSent:
			return app.Errorf(app.EINVALID, "第 %d 版发送时没有收到答复，可能已经送达，不能在本机撤回。请联网同步后再看：送达后、受理前，可以点“撤回提交”撤回。", f.Revision.Number)
		}
		if f.Revision.Number == 1 && mode != checkQuick {
			// The bureau does not know this filing yet: a filing queued
			// after it that names it would be refused without it.
			if names := dependents(txn, id, queued); len(names) > 0 {
				return app.Errorf(app.EINVALID, "%s也在等待发送，要用到这份材料。请先撤回%s，再撤回这份。", names, names)
			}
		}
		if check {
			return nil
		}
		for _, k := range []string{outboxKey(o.Seq), outboxBodyKey(o.Seq), revisionKey(id, f.Revision.Number)} {
			if err := txn.Delete([]byte(k)); err != nil {
				return err
			}
		}
		if err := markFailed(txn, o.Seq, app.SendQueued); err != nil { // drops the failed marker
			return err
		}
		f.Status = f.History[n-1].From
		f.History = f.History[:n-1]
		f.Revision.SubmittedAt = time.Time{}
		f.Updated = now
		ns := summaryOf(f, old)
		ns.Send, ns.ReceiptID, ns.ReceiptAt = app.Send{}, "", time.Time{}
		if err := writeFiling(txn, f, old, &ns); err != nil {
			return err
		}
		seq = o.Seq
		return nil
	}
	var err error
	if check {
		err = s.view(ctx, run)
	} else {
		err = s.update(ctx, true, run)
	}
	if seq != 0 {
		// Committed, even when the sync after it failed: a push that read
		// the item before must not send it.
		if p.withdrawn == nil {
			p.withdrawn = map[uint64]bool{}
		}
		p.withdrawn[seq] = true
	}
	if err != nil {
		return fmt.Errorf("withdraw filing %s: %w", id, err)
	}
	return nil
}

// queuedItem returns the outbox record of filing id's revision rev (nil
// when none is queued) and, with others set, every other queued record.
// Without others a record that does not name the filing is not decoded
// (with 2,000 queued: 1.4 ms instead of 10 ms, BenchmarkWithdrawable).
func queuedItem(txn *badger.Txn, id, rev string, others bool) (*outboxRecord, []outboxRecord, error) {
	var mine *outboxRecord
	var rest []outboxRecord
	mark := []byte(`"` + id + `"`)
	err := iterate(txn, "o/", func(k, v []byte) error {
		if !others && !bytes.Contains(v, mark) {
			return nil
		}
		var o outboxRecord
		if err := json.Unmarshal(v, &o); err != nil {
			return fmt.Errorf("outbox item o/%s: %w", k, err)
		}
		if o.FilingID == id && o.RevisionID == rev {
			mine = &o
		} else if others {
			rest = append(rest, o)
		}
		return nil
	})
	return mine, rest, err
}

// dependents names the filings of queued whose bodies name filing id
// (ItemDeps), as 《title》 each, "" when none does or none can be read.
func dependents(txn *badger.Txn, id string, queued []outboxRecord) string {
	var names []string
	for _, o := range queued {
		var body []byte
		if len(o.Body) > 0 { // base64 in the record, before schema 2
			if json.Unmarshal(o.Body, &body) != nil {
				continue
			}
		} else if body, _ = getValue(txn, outboxBodyKey(o.Seq)); body == nil {
			continue
		}
		if !slices.Contains(ItemDeps(body), id) {
			continue
		}
		title := "另一份材料"
		if sum, err := readSummary(txn, o.FilingID); err == nil && sum != nil && sum.Title != "" {
			title = sum.Title
		}
		if name := "《" + title + "》"; !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	return strings.Join(names, "、")
}

// ItemDeps returns the filings a submission's body names and needs the
// bureau to hold first: its project's declaration, and an acceptance
// application's trial report. A body that cannot be read gives "?".
func ItemDeps(body []byte) []string {
	var b struct {
		ProjectID  string `json:"project_id"`
		Acceptance *struct {
			TrialReportID string `json:"trial_report_id"`
		} `json:"acceptance"`
	}
	if json.Unmarshal(body, &b) != nil {
		return []string{"?"}
	}
	var out []string
	if b.ProjectID != "" {
		out = append(out, b.ProjectID)
	}
	if b.Acceptance != nil && b.Acceptance.TrialReportID != "" {
		out = append(out, b.Acceptance.TrialReportID)
	}
	return out
}
