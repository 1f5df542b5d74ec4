package store

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dgraph-io/badger/v4"

	"egovdesk/app"
)

// OutboxItem is one submitted revision waiting to be delivered to the bureau.
// It carries the frozen body so that sending never reads the working copy.
type OutboxItem struct {
	Seq            uint64           `json:"seq"`
	FilingID       string           `json:"filing_id"`
	RevisionID     string           `json:"revision_id"`
	BaseID         string           `json:"base_revision_id,omitempty"`
	RevisionNumber int              `json:"revision_number"`
	Body           []byte           `json:"body,omitempty"` // stored under ob/<seq> since schema 2; see outboxBodyKey
	BodyHash       string           `json:"body_hash"`
	Attachments    []app.Attachment `json:"attachments,omitempty"`
	Transition     app.Transition   `json:"transition"`
	State          app.SendState    `json:"state"`
	Attempts       int              `json:"attempts"`
	LastError      string           `json:"last_error,omitempty"` // Chinese, shown to the user
	LastTried      time.Time        `json:"last_tried,omitzero"`
	Queued         time.Time        `json:"queued"`
	// MaybeSent says a request that carried the item may have reached the
	// bureau: it was sent and no answer said the bureau did not keep it (a
	// timeout, a connection cut, the program stopped). Such an item cannot
	// be withdrawn here (Withdraw); it stays set until the item is delivered.
	MaybeSent bool `json:"maybe_sent,omitempty"`
}

// outboxRecord is an OutboxItem as stored, with its bulky fields kept as
// their stored JSON, so that recording a send attempt neither decodes nor
// re-encodes the body. Its fields and JSON names are OutboxItem's (a test
// checks).
type outboxRecord struct {
	Seq            uint64          `json:"seq"`
	FilingID       string          `json:"filing_id"`
	RevisionID     string          `json:"revision_id"`
	BaseID         string          `json:"base_revision_id,omitempty"`
	RevisionNumber int             `json:"revision_number"`
	Body           json.RawMessage `json:"body,omitempty"` // base64, in items written before schema 2
	BodyHash       string          `json:"body_hash"`
	Attachments    json.RawMessage `json:"attachments,omitempty"`
	Transition     json.RawMessage `json:"transition"`
	State          app.SendState   `json:"state"`
	Attempts       int             `json:"attempts"`
	LastError      string          `json:"last_error,omitempty"`
	LastTried      time.Time       `json:"last_tried,omitzero"`
	Queued         time.Time       `json:"queued"`
	MaybeSent      bool            `json:"maybe_sent,omitempty"`
}

// outboxRef is what acknowledging an item needs of it.
type outboxRef struct {
	FilingID   string `json:"filing_id"`
	RevisionID string `json:"revision_id"`
}

// Receipt is the bureau's acknowledgement of a delivered revision.
type Receipt struct {
	ID string
	At time.Time
}

func outboxKey(seq uint64) string { return fmt.Sprintf("o/%020d", seq) }

// outboxBodyKey is where item seq keeps its body, as the raw canonical JSON
// (schema 2 on). The item's record under outboxKey is then small: reading
// the outbox, recording an attempt and acknowledging never copy, decode or
// re-encode a body as base64 inside JSON. Items written before schema 2 carry
// their body in the record and have no body key; both are read.
func outboxBodyKey(seq uint64) string { return fmt.Sprintf("ob/%020d", seq) }

// Submit submits the filing's current revision: it applies f.Submit (the
// workflow rules), freezes the revision as a snapshot (body JSON and SHA-256),
// updates the filing and its indexes and enqueues an outbox item, all in one
// transaction that is synced to disk before Submit returns. It does not run
// the content rules; the caller validates first. It fails with an ENOTFOUND
// or EINVALID *app.Error (not found, not submittable) and a wrapped error
// otherwise.
func (s *Store) Submit(ctx context.Context, id, actor string, now time.Time) (OutboxItem, error) {
	var item OutboxItem
	err := s.update(ctx, true, func(txn *badger.Txn) error {
		f, err := readFiling(txn, id)
		if err != nil {
			return err
		}
		old, err := readSummary(txn, id)
		if err != nil {
			return err
		}
		t, err := f.Submit(now, actor)
		if err != nil {
			return err
		}
		body, sum, err := f.Body().Encode()
		if err != nil {
			return err
		}
		snap := RevisionSnapshot{FilingID: id, Revision: f.Revision, Body: body, BodyHash: sum}
		if err := putJSON(txn, revisionKey(id, f.Revision.Number), &snap); err != nil {
			return err
		}
		if err := txn.Delete([]byte(keyWaitingDraft + id)); err != nil { // draftrevision.go
			return err
		}
		if item, err = enqueue(txn, f, t, body, sum, now); err != nil {
			return err
		}
		ns := summaryOf(f, old)
		ns.Send, ns.ReceiptID, ns.ReceiptAt = app.Send{State: app.SendQueued}, "", time.Time{}
		return writeFiling(txn, f, old, &ns)
	})
	if err != nil {
		return OutboxItem{}, fmt.Errorf("submit filing %s: %w", id, err)
	}
	return item, nil
}

// enqueue adds an outbox item for f's current revision, submitted by t,
// whose canonical body is body with SHA-256 sum: the record under o/, the
// body under ob/. It returns the item with its body.
func enqueue(txn *badger.Txn, f *app.Filing, t app.Transition, body []byte, sum string, now time.Time) (OutboxItem, error) {
	seq, err := nextSeq(txn)
	if err != nil {
		return OutboxItem{}, err
	}
	item := OutboxItem{Seq: seq, FilingID: f.ID, RevisionID: f.Revision.ID, BaseID: f.Revision.BaseID,
		RevisionNumber: f.Revision.Number, BodyHash: sum, Attachments: f.Attachments,
		Transition: t, State: app.SendQueued, Queued: now}
	if err := putJSON(txn, outboxKey(seq), &item); err != nil {
		return OutboxItem{}, err
	}
	if err := txn.Set([]byte(outboxBodyKey(seq)), body); err != nil {
		return OutboxItem{}, err
	}
	item.Body = body
	return item, nil
}

// nextSeq returns the next outbox sequence number from a counter kept in the
// same transaction. Unlike badger.Sequence, which leases ranges and loses them
// on a crash, it is strictly increasing across restarts and never skips
// within a committed history; concurrent submitters conflict and retry.
func nextSeq(txn *badger.Txn) (uint64, error) {
	var last uint64
	b, err := getValue(txn, keyOutSeq)
	switch {
	case errors.Is(err, badger.ErrKeyNotFound):
	case err != nil:
		return 0, err
	default:
		if last, err = strconv.ParseUint(string(b), 10, 64); err != nil {
			return 0, fmt.Errorf("bad outbox sequence %q: %w", b, err)
		}
	}
	last++
	return last, txn.Set([]byte(keyOutSeq), []byte(strconv.FormatUint(last, 10)))
}

// Outbox returns the items waiting to be delivered, oldest first. It fails
// with a wrapped storage error.
func (s *Store) Outbox(ctx context.Context) ([]OutboxItem, error) {
	return s.OutboxFrom(ctx, 0, 0)
}

// OutboxFrom returns at most limit (0: all) of the items waiting to be
// delivered whose Seq is from or later, oldest first: a page of the outbox,
// so that the syncer can start sending a long outbox before it has read
// all of it. It fails with a wrapped storage error.
func (s *Store) OutboxFrom(ctx context.Context, from uint64, limit int) ([]OutboxItem, error) {
	var out []OutboxItem
	err := s.view(ctx, func(txn *badger.Txn) error {
		var err error
		out, err = outboxItems(txn, from, limit)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read outbox: %w", err)
	}
	return out, nil
}

func outboxItems(txn *badger.Txn, from uint64, limit int) ([]OutboxItem, error) {
	var keys []string
	var vals [][]byte
	it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte("o/"), PrefetchValues: true,
		PrefetchSize: cmp.Or(min(limit, 100), 100)})
	defer it.Close()
	for it.Seek([]byte(outboxKey(from))); it.Valid() && (limit <= 0 || len(vals) < limit); it.Next() {
		v, err := it.Item().ValueCopy(nil)
		if err != nil {
			return nil, fmt.Errorf("outbox item %s: %w", it.Item().Key(), err)
		}
		keys = append(keys, string(it.Item().Key()))
		vals = append(vals, v)
	}
	if len(vals) == 0 {
		return nil, nil
	}
	out := make([]OutboxItem, len(vals))
	errs := make([]error, len(vals))
	// A full outbox (the syncer reads it at the start of every push) spreads
	// the decoding over the cores.
	workers := min(runtime.GOMAXPROCS(0), (len(vals)+255)/256)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(vals); i += workers {
				if err := json.Unmarshal(vals[i], &out[i]); err != nil {
					errs[i] = fmt.Errorf("outbox item %s: %w", keys[i], err)
				}
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, outboxBodies(txn, out)
}

// outboxBodies fills in the bodies kept under ob/ (schema 2) of items, which
// are in outbox order. Both key ranges are in sequence order, so one pass of
// an iterator over ob/ meets them in turn: a seek for the first, then Next.
// (A Seek per item would throw away and prefetch again up to a hundred
// values each time.)
func outboxBodies(txn *badger.Txn, items []OutboxItem) error {
	it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte("ob/"), PrefetchValues: true,
		PrefetchSize: max(min(len(items), 100), 2)})
	defer it.Close()
	seeked := false
	for i := range items {
		o := &items[i]
		if o.Body != nil {
			continue // written before schema 2
		}
		key := []byte(outboxBodyKey(o.Seq))
		if !seeked {
			it.Seek(key)
			seeked = true
		}
		for it.Valid() && bytes.Compare(it.Item().Key(), key) < 0 {
			it.Next()
		}
		if !it.Valid() || !bytes.Equal(it.Item().Key(), key) {
			return fmt.Errorf("%w：发送队列第 %d 项缺少材料内容（%s）", errBadRecord, o.Seq, key)
		}
		b, err := it.Item().ValueCopy(nil)
		if err != nil {
			return fmt.Errorf("outbox item %d: %w", o.Seq, err)
		}
		o.Body = b
	}
	return nil
}

// errBadRecord marks a record the store cannot make sense of.
var errBadRecord = errors.New("本地数据损坏")

// PendingCount returns the number of items waiting to be delivered, counting
// keys only. It fails with a wrapped storage error.
func (s *Store) PendingCount(ctx context.Context) (int, error) {
	var n int
	err := s.view(ctx, func(txn *badger.Txn) error {
		n = countKeys(txn, "o/")
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("count outbox: %w", err)
	}
	return n, nil
}

// MarkAttempt records a delivery attempt of item seq. With errMsg empty it
// marks the item as being sent now; otherwise it records the failure (errMsg
// is shown to the user, in Chinese) as failed, to be retried, or with
// quarantine set as quarantined, not to be retried until the user acts. The
// filing's send state follows. It fails with an ENOTFOUND *app.Error when the
// item is no longer in the outbox and a wrapped error otherwise.
func (s *Store) MarkAttempt(ctx context.Context, seq uint64, errMsg string, quarantine bool) error {
	now := s.now()
	err := s.update(ctx, true, func(txn *badger.Txn) error {
		return markAttempt(txn, seq, errMsg, quarantine, now)
	})
	if err != nil {
		return fmt.Errorf("mark outbox item %d: %w", seq, err)
	}
	return nil
}

// MarkSending marks items seqs as being sent now, as MarkAttempt with an
// empty errMsg does, in as few transactions as Badger allows and without
// waiting for the disk: the mark is a hint for the user, and Open puts items
// left "sending" back in the queue anyway. It fails with an ENOTFOUND
// *app.Error when an item is no longer in the outbox (the items of that
// transaction stay unmarked) and a wrapped error otherwise.
func (s *Store) MarkSending(ctx context.Context, seqs []uint64) error {
	return s.markAttempts(ctx, false, seqs, "", false)
}

// MarkAttempts is MarkAttempt for many items with the same outcome, in as
// few transactions as Badger allows, synced to disk once before it returns.
// It fails as MarkAttempt does; items of transactions committed before a
// failure stay marked.
func (s *Store) MarkAttempts(ctx context.Context, seqs []uint64, errMsg string, quarantine bool) error {
	return s.markAttempts(ctx, true, seqs, errMsg, quarantine)
}

func (s *Store) markAttempts(ctx context.Context, durable bool, seqs []uint64, errMsg string, quarantine bool) error {
	now := s.now()
	err := s.updateEach(ctx, durable, len(seqs), func(txn *badger.Txn, i int) error {
		return markAttempt(txn, seqs[i], errMsg, quarantine, now)
	})
	if err != nil {
		return fmt.Errorf("mark %d outbox items: %w", len(seqs), err)
	}
	return nil
}

// markAttempt records an attempt of item seq in txn; see MarkAttempt.
func markAttempt(txn *badger.Txn, seq uint64, errMsg string, quarantine bool, now time.Time) error {
	var o outboxRecord
	if err := getJSON(txn, outboxKey(seq), &o); errors.Is(err, badger.ErrKeyNotFound) {
		return notQueued(seq)
	} else if err != nil {
		return err
	}
	switch {
	case errMsg == "" && !quarantine:
		o.State = app.SendSending
		o.Attempts++
		o.LastTried = now
	default:
		if o.State != app.SendSending {
			o.Attempts++
			o.LastTried = now
		}
		o.State = app.SendFailed
		if quarantine {
			o.State = app.SendQuarantined
		}
		o.LastError = errMsg
	}
	if err := putJSON(txn, outboxKey(seq), &o); err != nil {
		return err
	}
	if err := markFailed(txn, seq, o.State); err != nil {
		return err
	}
	err := setSendState(txn, o.FilingID, o.RevisionID, func(s *Summary) {
		s.Send = app.Send{State: o.State}
		if o.State != app.SendSending {
			s.Send.Reason = o.LastError
		}
	})
	if err != nil || !quarantine {
		return err
	}
	return refusedEntry(txn, o, now)
}

// RefusedPrefix begins the ID of the inbox entry of a revision the bureau
// refused (or that could not be sent): RefusedPrefix, the revision's ID, "/",
// the outbox item's seq, "/" and the attempt.
const RefusedPrefix = "refused/"

// refusedEntry puts an inbox entry for the quarantined item o, once per
// attempt: a revision set aside waits for the clerk, who may not be looking
// at its send state (found in a walkthrough: no message, no notification).
// The filing's unread count goes up with it, whatever revision the filing
// is at now (a later one may be drafted on top of the refused one). It does
// nothing when the attempt had its entry already or the filing is gone.
func refusedEntry(txn *badger.Txn, o outboxRecord, now time.Time) error {
	// The item's seq too: a revision withdrawn and submitted again is a
	// new item whose attempts count from 1 again.
	id := fmt.Sprintf("%s%s/%d/%d", RefusedPrefix, o.RevisionID, o.Seq, o.Attempts)
	if seen, err := entered(txn, id); err != nil || seen {
		return err
	}
	sum, err := readSummary(txn, o.FilingID)
	if err != nil || sum == nil {
		return err
	}
	e := app.Message{ID: id, Kind: app.MessageNotice, FilingID: o.FilingID, FilingTitle: sum.Title, At: now,
		Title: fmt.Sprintf("“%s”第 %d 版未能发送", sum.Title, o.RevisionNumber),
		Body:  strings.TrimRight(o.LastError, "。") + "。这一版不会自动重试：请按上面的原因处理后，在材料中重新发送或修改后重新提交；如有疑问请联系数管局。"}
	if err := putEntry(txn, &e); err != nil {
		return err
	}
	ns := *sum
	ns.Unread++
	return writeSummary(txn, sum, &ns)
}

// Ack removes delivered item seq from the outbox and records the bureau's
// receipt for the filing (send state 已送达, see receipt.go), in one synced
// transaction. Acknowledging an item that is already gone is not an error, so
// a retried Ack is harmless. It fails with a wrapped storage error.
func (s *Store) Ack(ctx context.Context, seq uint64, r Receipt) error {
	defer s.noteAck()
	err := s.update(ctx, true, func(txn *badger.Txn) error { return ack(txn, seq, r) })
	if err != nil {
		return fmt.Errorf("ack outbox item %d: %w", seq, err)
	}
	s.delivered(seq)
	return nil
}

// AckEntry is a delivered outbox item and the bureau's receipt for it.
// FilingID and RevisionID, when given, are the item's own (the syncer has
// them from Outbox): AckMany then does not read the item back.
type AckEntry struct {
	Seq        uint64
	FilingID   string
	RevisionID string
	Receipt    Receipt
}

// AckMany is Ack for many items: it removes them from the outbox and
// records their receipts in as few transactions as Badger allows (one,
// unless they are too many for one), synced to disk once before it returns.
// Items already gone are skipped. It fails with a wrapped storage error;
// items of transactions committed before the failure stay acknowledged,
// and acknowledging them again is harmless.
func (s *Store) AckMany(ctx context.Context, acks []AckEntry) error {
	defer s.noteAck() // after the commit: a fold running meanwhile may have missed these receipts
	err := s.updateEach(ctx, true, len(acks), func(txn *badger.Txn, i int) error {
		a := acks[i]
		if a.FilingID == "" || a.RevisionID == "" {
			return ack(txn, a.Seq, a.Receipt)
		}
		// Reading the item back (and decoding its JSON) was a third of an
		// acknowledgement. An item already gone leaves only tombstones and
		// its receipt recorded again; the summary is marked sent only
		// while it shows this revision, which the bureau holds.
		return ackRef(txn, a.Seq, outboxRef{FilingID: a.FilingID, RevisionID: a.RevisionID}, a.Receipt)
	})
	if err != nil {
		return fmt.Errorf("ack %d outbox items: %w", len(acks), err)
	}
	seqs := make([]uint64, len(acks))
	for i, a := range acks {
		seqs[i] = a.Seq
	}
	s.delivered(seqs...)
	return nil
}

// ack removes item seq and records r in txn; see Ack.
func ack(txn *badger.Txn, seq uint64, r Receipt) error {
	var o outboxRef
	if err := getJSON(txn, outboxKey(seq), &o); errors.Is(err, badger.ErrKeyNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	return ackRef(txn, seq, o, r)
}

// ackRef is ack of item seq, of o's filing and revision.
func ackRef(txn *badger.Txn, seq uint64, o outboxRef, r Receipt) error {
	if err := txn.Delete([]byte(outboxKey(seq))); err != nil {
		return err
	}
	if err := txn.Delete([]byte(outboxBodyKey(seq))); err != nil {
		return err
	}
	if err := markFailed(txn, seq, app.SendSent); err != nil {
		return err
	}
	// Not into the summary and its four index copies: see receipt.go.
	return recordReceipt(txn, o.FilingID, o.RevisionID, r)
}

// notQueued is the ENOTFOUND *app.Error for an item no longer in the outbox.
func notQueued(seq uint64) error {
	return app.Errorf(app.ENOTFOUND, "发送队列中没有第 %d 项（可能已送达）", seq)
}

// markFailed keeps the key-only marker of[/seq] that Counts counts in step
// with the item's state.
func markFailed(txn *badger.Txn, seq uint64, st app.SendState) error {
	k := []byte("of/" + outboxKey(seq)[2:])
	if st == app.SendFailed || st == app.SendQuarantined {
		return txn.Set(k, nil)
	}
	return txn.Delete(k)
}

// setSendState applies fn to the filing's summary if its current revision is
// revisionID (a later revision has its own send state) and rewrites the indexes.
func setSendState(txn *badger.Txn, filingID, revisionID string, fn func(*Summary)) error {
	old, err := readSummary(txn, filingID)
	if err != nil || old == nil || old.RevisionID != revisionID {
		return err
	}
	ns := *old
	fn(&ns)
	return writeSummary(txn, old, &ns)
}

// requeueSending puts items left "sending" by a previous run back to queued:
// nobody is sending them now. It runs on every Open, so it reads the items as
// outboxRecords and never decodes or re-encodes a body.
func (s *Store) requeueSending() error {
	return s.db.Update(func(txn *badger.Txn) error {
		var sending []outboxRecord
		err := iterate(txn, "o/", func(k, v []byte) error {
			var o outboxRecord
			if err := json.Unmarshal(v, &o); err != nil {
				return fmt.Errorf("outbox item o/%s: %w", k, err)
			}
			if o.State == app.SendSending {
				sending = append(sending, o)
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, o := range sending {
			o.State = app.SendQueued
			if err := putJSON(txn, outboxKey(o.Seq), &o); err != nil {
				return err
			}
			err := setSendState(txn, o.FilingID, o.RevisionID, func(s *Summary) { s.Send.State = app.SendQueued })
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// Retry puts outbox item seq back in the queue after the clerk has dealt with
// why it was set aside (for example re-selected a missing attachment file, or
// the bureau fixed its side): the item becomes queued again with its error
// cleared, and the filing shows 待发送. Retrying a queued or failed item is
// harmless. It fails with an ENOTFOUND *app.Error when the item is no longer
// in the outbox (it was delivered) and a wrapped storage error otherwise.
func (s *Store) Retry(ctx context.Context, seq uint64) error {
	err := s.update(ctx, true, func(txn *badger.Txn) error {
		var o outboxRecord
		if err := getJSON(txn, outboxKey(seq), &o); errors.Is(err, badger.ErrKeyNotFound) {
			return notQueued(seq)
		} else if err != nil {
			return err
		}
		o.State = app.SendQueued
		o.LastError = ""
		if err := putJSON(txn, outboxKey(seq), &o); err != nil {
			return err
		}
		if err := markFailed(txn, seq, o.State); err != nil {
			return err
		}
		return setSendState(txn, o.FilingID, o.RevisionID, func(s *Summary) {
			s.Send = app.Send{State: app.SendQueued}
		})
	})
	if err != nil {
		return fmt.Errorf("retry outbox item %d: %w", seq, err)
	}
	return nil
}
