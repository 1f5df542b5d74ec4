package badgerstore

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"

	"egovdesk/sync/server/bureaustore"
)

// The security audit trail's keys:
//
//	m/audithead              bureaustore.AuditHead (JSON)
//	au/<seq: 8 bytes BE>     bureaustore.AuditEvent (JSON)
//	ak/<seq: 8 bytes BE>     bureaustore.AuditCheckpoint (JSON)
//	aa/<action>\x00<seq>     nothing: the records by operation, for a search
//	                         of one (the console's notices sent, an auditor's)
//	m/auditbyaction          <seq: 8 bytes BE>: aa/ holds the keys of every
//	                         record through seq; searches use it only when
//	                         that is the head (a bureau of the release before,
//	                         run on the store again, appends without keys)
const (
	keyAuditHead     = "m/audithead"
	keyAuditByAction = "m/auditbyaction"
)

// auditActionKey is a record's key in the index by operation; with seq 0,
// and the last byte dropped, its prefix.
func auditActionKey(action string, seq uint64) []byte {
	return binary.BigEndian.AppendUint64([]byte("aa/"+action+"\x00"), seq)
}

func auditKey(prefix string, seq uint64) []byte {
	return binary.BigEndian.AppendUint64([]byte(prefix+"/"), seq)
}

func readHead(txn *badger.Txn) (bureaustore.AuditHead, error) {
	h := bureaustore.AuditHead{Digest: bureaustore.AuditGenesis}
	item, err := txn.Get([]byte(keyAuditHead))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return h, nil
	}
	if err != nil {
		return h, err
	}
	err = item.Value(func(v []byte) error { return json.Unmarshal(v, &h) })
	return h, err
}

// AppendAudit chains e after the head in one transaction; two appends at
// once conflict on m/audithead and the loser retries.
func (s *Store) AppendAudit(ctx context.Context, e bureaustore.AuditEvent) (bureaustore.AuditEvent, error) {
	var out bureaustore.AuditEvent
	// Every append reads and moves the one head record, so concurrent
	// appends would only conflict and retry (and, under a burst of
	// logins, run out of retries): they take turns instead.
	s.auditMu.Lock()
	defer s.auditMu.Unlock()
	err := s.update(ctx, func(txn *badger.Txn) error {
		h, err := readHead(txn)
		if err != nil {
			return err
		}
		out = bureaustore.ChainAudit(h, e)
		rec, err := json.Marshal(out)
		if err != nil {
			return err
		}
		if err := txn.Set(auditKey("au", out.Seq), rec); err != nil {
			return err
		}
		if err := txn.Set(auditActionKey(out.Action, out.Seq), nil); err != nil {
			return err
		}
		if through, err := auditIndexedThrough(txn); err != nil {
			return err
		} else if through == h.Seq { // the index was whole: it stays so
			if err := txn.Set([]byte(keyAuditByAction), binary.BigEndian.AppendUint64(nil, out.Seq)); err != nil {
				return err
			}
		}
		head, _ := json.Marshal(bureaustore.AuditHead{Seq: out.Seq, Digest: out.Digest})
		return txn.Set([]byte(keyAuditHead), head)
	})
	if err != nil {
		return bureaustore.AuditEvent{}, fmt.Errorf("append audit %s: %w", e.Action, err)
	}
	return out, nil
}

// auditClockSlack is how far back in time the trail's records may go
// from one to the next (the bureau's clock set back) and a time-bounded
// query still finds every record in its range: AuditEvents starts its
// scan this much before q.From, and ends it this much after q.To.
const auditClockSlack = 24 * time.Hour

// AuditEvents scans the records after q.After in Seq order. With q.From
// the scan starts at the first record of q.From less auditClockSlack,
// found by a binary search over the records' times (which the append
// order keeps rising), not at the trail's start: a bureau's trail of 180
// days holds millions of records, and a start's read of the last 30
// days' logins took 9.6 s for 10⁶ of them (BenchmarkAuditRecent).
func (s *Store) AuditEvents(ctx context.Context, q bureaustore.AuditQuery) (bureaustore.AuditPage, error) {
	var p bureaustore.AuditPage
	limit := q.PageLimit()
	err := s.db.View(func(txn *badger.Txn) error {
		if q.Action != "" {
			through, err := auditIndexedThrough(txn)
			if err != nil {
				return err
			}
			h, err := readHead(txn)
			if err != nil {
				return err
			}
			if through == h.Seq && through > 0 {
				return auditByAction(ctx, txn, q, limit, &p)
			}
		}
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte("au/"), PrefetchValues: true, PrefetchSize: 100, Reverse: q.Newest})
		defer it.Close()
		// A record of another action is passed over without decoding it
		// when the action is one json.Marshal writes as it is.
		var action []byte
		if q.Action != "" && strings.Trim(q.Action, "abcdefghijklmnopqrstuvwxyz._") == "" {
			action = []byte(`"action":"` + q.Action + `"`)
		}
		first, err := auditScanStart(txn, q)
		if err != nil {
			return err
		}
		for it.Seek(auditKey("au", first)); it.Valid(); it.Next() {
			if err := ctx.Err(); err != nil {
				return err
			}
			var e bureaustore.AuditEvent
			skip := false
			if err := it.Item().Value(func(v []byte) error {
				if skip = action != nil && !bytes.Contains(v, action); skip {
					return nil
				}
				return json.Unmarshal(v, &e)
			}); err != nil {
				return fmt.Errorf("audit record %x: %w", it.Item().Key(), err)
			}
			if skip {
				continue
			}
			if auditTake(q, limit, &p, e) {
				return nil
			}
		}
		return nil
	})
	if err != nil {
		return bureaustore.AuditPage{}, fmt.Errorf("audit events: %w", err)
	}
	return p, nil
}

// auditByAction is AuditEvents for a search of one operation, through the
// index by operation: a rare one (notice.send) among 10⁶ records was a
// read of the whole trail, 3.6 s (found in review).
func auditByAction(ctx context.Context, txn *badger.Txn, q bureaustore.AuditQuery, limit int, p *bureaustore.AuditPage) error {
	start, err := auditScanStart(txn, q)
	if err != nil {
		return err
	}
	prefix := auditActionKey(q.Action, 0)
	prefix = prefix[:len(prefix)-8]
	it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix, Reverse: q.Newest})
	defer it.Close()
	for it.Seek(auditActionKey(q.Action, start)); it.Valid(); it.Next() {
		if err := ctx.Err(); err != nil {
			return err
		}
		seq := binary.BigEndian.Uint64(it.Item().Key()[len(prefix):])
		item, err := txn.Get(auditKey("au", seq))
		if errors.Is(err, badger.ErrKeyNotFound) {
			continue // pruned, its index key left by a prune cut short
		}
		if err != nil {
			return err
		}
		var e bureaustore.AuditEvent
		if err := item.Value(func(v []byte) error { return json.Unmarshal(v, &e) }); err != nil {
			return fmt.Errorf("audit record %d: %w", seq, err)
		}
		if auditTake(q, limit, p, e) {
			return nil
		}
	}
	return nil
}

// auditTake puts e on page p when it is one of q's, and reports whether
// the scan is over: past q's time range (by auditClockSlack), or the page
// full with one more to come.
func auditTake(q bureaustore.AuditQuery, limit int, p *bureaustore.AuditPage, e bureaustore.AuditEvent) bool {
	if !q.Newest && !q.To.IsZero() && !e.Time.Before(q.To.Add(auditClockSlack)) ||
		q.Newest && !q.From.IsZero() && e.Time.Before(q.From.Add(-auditClockSlack)) {
		return true
	}
	if !q.Match(e) {
		return false
	}
	if len(p.Events) == limit {
		p.More = true
		return true
	}
	p.Events = append(p.Events, e)
	return false
}

// auditIndexedThrough reads m/auditbyaction: the Seq through which the
// index by operation is whole, 0 when there is none.
func auditIndexedThrough(txn *badger.Txn) (uint64, error) {
	item, err := txn.Get([]byte(keyAuditByAction))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	var through uint64
	err = item.Value(func(v []byte) error {
		if len(v) != 8 {
			return fmt.Errorf("%s holds %d bytes", keyAuditByAction, len(v))
		}
		through = binary.BigEndian.Uint64(v)
		return nil
	})
	return through, err
}

// buildAuditActionIndex writes the keys by operation of the records after
// those m/auditbyaction says are indexed: at the first start of this
// release, every record; after a bureau of the release before ran on the
// store, what it appended.
func (s *Store) buildAuditActionIndex() error {
	var through uint64
	var h bureaustore.AuditHead
	err := s.db.View(func(txn *badger.Txn) (err error) {
		if through, err = auditIndexedThrough(txn); err != nil {
			return err
		}
		h, err = readHead(txn)
		return err
	})
	if err != nil || through == h.Seq && h.Seq > 0 {
		return err
	}
	wb := s.db.NewWriteBatch()
	defer wb.Cancel()
	n := 0
	err = s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte("au/"), PrefetchValues: true})
		defer it.Close()
		for it.Seek(auditKey("au", through+1)); it.Valid(); it.Next() {
			var e struct {
				Seq    uint64 `json:"seq"`
				Action string `json:"action"`
			}
			if err := it.Item().Value(func(v []byte) error { return json.Unmarshal(v, &e) }); err != nil {
				return fmt.Errorf("audit record %x: %w", it.Item().Key(), err)
			}
			if err := wb.Set(auditActionKey(e.Action, e.Seq), nil); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err == nil {
		err = wb.Flush()
	}
	if err == nil { // the store is not serving yet: no append since the head was read
		err = s.db.Update(func(txn *badger.Txn) error {
			return txn.Set([]byte(keyAuditByAction), binary.BigEndian.AppendUint64(nil, h.Seq))
		})
	}
	if err != nil {
		return fmt.Errorf("audit trail's index by operation: %w", err)
	}
	if n > 0 {
		s.log.Info("audit trail indexed by operation", "records", n)
	}
	return nil
}

// auditScanStart is the Seq q's scan starts at: the first that can match,
// or with q.Newest the last.
func auditScanStart(txn *badger.Txn, q bureaustore.AuditQuery) (uint64, error) {
	if q.Newest {
		last := uint64(math.MaxUint64)
		if q.Before > 0 {
			last = q.Before - 1
		}
		if !q.To.IsZero() {
			at, err := firstAuditAt(txn, q.To.Add(auditClockSlack))
			if err != nil {
				return 0, err
			}
			last = min(last, at-1) // at ≥ 1
		}
		return last, nil
	}
	first := q.After + 1
	if first == 0 { // After is the last Seq there can be: nothing is after it
		return math.MaxUint64, nil
	}
	if !q.From.IsZero() {
		at, err := firstAuditAt(txn, q.From.Add(-auditClockSlack))
		if err != nil {
			return 0, err
		}
		first = max(first, at)
	}
	return first, nil
}

// firstAuditAt returns the Seq of the first record whose time is t or
// later (the head's Seq + 1 when there is none), by a binary search: a
// Seq a prune removed stands for the first record after it.
func firstAuditAt(txn *badger.Txn, t time.Time) (uint64, error) {
	h, err := readHead(txn)
	if err != nil {
		return 0, err
	}
	it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte("au/")})
	defer it.Close()
	lo, hi := uint64(1), h.Seq+1
	for lo < hi {
		mid := lo + (hi-lo)/2
		it.Seek(auditKey("au", mid))
		if !it.Valid() {
			hi = mid
			continue
		}
		var e struct {
			Time time.Time `json:"time"`
		}
		if err := it.Item().Value(func(v []byte) error { return json.Unmarshal(v, &e) }); err != nil {
			return 0, fmt.Errorf("audit record %x: %w", it.Item().Key(), err)
		}
		if e.Time.Before(t) {
			lo = binary.BigEndian.Uint64(it.Item().Key()[len("au/"):]) + 1
		} else {
			hi = mid
		}
	}
	return lo, nil
}

// AuditHead reads m/audithead.
func (s *Store) AuditHead(ctx context.Context) (bureaustore.AuditHead, error) {
	var h bureaustore.AuditHead
	err := s.db.View(func(txn *badger.Txn) (err error) { h, err = readHead(txn); return err })
	return h, err
}

// AddAuditCheckpoint keeps c under its Seq.
func (s *Store) AddAuditCheckpoint(ctx context.Context, c bureaustore.AuditCheckpoint) error {
	rec, err := json.Marshal(c)
	if err != nil {
		return err
	}
	return s.update(ctx, func(txn *badger.Txn) error { return txn.Set(auditKey("ak", c.Seq), rec) })
}

// AuditCheckpoints reads every checkpoint.
func (s *Store) AuditCheckpoints(ctx context.Context) ([]bureaustore.AuditCheckpoint, error) {
	var out []bureaustore.AuditCheckpoint
	err := s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte("ak/"), PrefetchValues: true})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			var c bureaustore.AuditCheckpoint
			if err := it.Item().Value(func(v []byte) error { return json.Unmarshal(v, &c) }); err != nil {
				return err
			}
			out = append(out, c)
		}
		return nil
	})
	return out, err
}

// PruneAudit deletes the oldest records, in batches, while they are older
// than before.
func (s *Store) PruneAudit(ctx context.Context, before, now time.Time, through uint64) (int, error) {
	if !bureaustore.CanPruneAudit(before, now) {
		return 0, fmt.Errorf("%w: 安全审计记录至少保存六个月，不能删除 %s 之后的记录", bureaustore.ErrInvalid, now.Add(-bureaustore.AuditRetention).Format("2006-01-02"))
	}
	n := 0
	for {
		var keys [][]byte
		err := s.db.View(func(txn *badger.Txn) error {
			it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte("au/"), PrefetchValues: true})
			defer it.Close()
			for it.Rewind(); it.Valid() && len(keys) < 1000; it.Next() {
				var e bureaustore.AuditEvent
				if err := it.Item().Value(func(v []byte) error { return json.Unmarshal(v, &e) }); err != nil {
					return err
				}
				if !e.Time.Before(before) || e.Seq > through {
					break
				}
				keys = append(keys, it.Item().KeyCopy(nil), auditActionKey(e.Action, e.Seq))
			}
			return nil
		})
		if err != nil || len(keys) == 0 {
			return n, err
		}
		if err := s.update(ctx, func(txn *badger.Txn) error {
			for _, k := range keys {
				if err := txn.Delete(k); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			return n, err
		}
		n += len(keys) / 2 // a record and its key by operation
	}
}
