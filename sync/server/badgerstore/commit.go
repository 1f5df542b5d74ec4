package badgerstore

import (
	"context"
	"encoding/binary"
	"errors"
	"maps"
	"slices"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// maxGroup bounds the writes one group commit runs, so that one commit
// stays well inside a Badger transaction and a writer's wait stays short.
const maxGroup = 256

// pendingWrite is one writer's function waiting for its group commit
// (bureaustore.Group): the group's writes run in order in one transaction
// under writeMu, committed once (one fsync with SyncWrites).
type pendingWrite struct {
	ctx context.Context
	fn  func(txn *badger.Txn) error
	err error
}

// commit runs fn in a read-write transaction shared with the writes of
// other requests waiting at the same time, and returns once that
// transaction is committed and synced, or fn or the commit failed. fn runs
// under writeMu, after the writes queued before it (it reads their writes,
// as if each ran in its own transaction one after the other). An error of
// fn fails only its own writer: the group is run again without it, so none
// of its writes are committed. fn may run more than once (a retried group,
// a conflict), as with update; only its last run counts. Writers that
// read-modify-write shared records use commit (or hold writeMu around
// update).
func (s *Store) commit(ctx context.Context, fn func(txn *badger.Txn) error) error {
	w := &pendingWrite{ctx: ctx, fn: fn}
	s.committer.Do(w, func(group []*pendingWrite) {
		s.writeMu.Lock()
		s.runGroup(group)
		s.writeMu.Unlock()
		fault := s.synced.err()
		for _, g := range group {
			if g.err == nil {
				g.err = fault
			}
			g.err = unavailable(g.err)
		}
	})
	return w.err
}

// runGroup runs the writes of group in order in one transaction and
// commits it, setting each writer's err. A writer whose function fails is
// left out and the rest run again from the start in a fresh transaction:
// Badger has no savepoints, and this way none of the failed writer's
// writes reach the store. When the transaction grows too big for Badger,
// the writes before the one that overflowed commit on their own and the
// rest follow in a group of their own; a single write too big for a
// transaction gets badger.ErrTxnTooBig (applyBatch splits its batch). A
// conflict with a writer outside the committer retries the group as update
// does.
func (s *Store) runGroup(group []*pendingWrite) {
	live := make([]*pendingWrite, 0, len(group))
	for _, w := range group {
		if err := w.ctx.Err(); err != nil {
			w.err = err // gone before its write ran: nothing of it is stored
			continue
		}
		live = append(live, w)
	}
	for attempt := 0; len(live) > 0; {
		txn := s.db.NewTransaction(true)
		s.indexing = &txnIndex{txn: txn}
		failed, tooBig := -1, -1
		for i, w := range live {
			err := w.fn(txn)
			if err == nil {
				continue
			}
			if errors.Is(err, badger.ErrTxnTooBig) && i > 0 {
				tooBig = i
			} else {
				w.err, failed = err, i
			}
			break
		}
		changes := s.indexing.changes
		s.indexing = nil
		switch {
		case failed >= 0:
			txn.Discard()
			live = append(live[:failed:failed], live[failed+1:]...)
			continue
		case tooBig >= 0:
			txn.Discard()
			s.runGroup(live[:tooBig])
			s.runGroup(live[tooBig:])
			return
		}
		err := txn.Commit()
		if err == nil {
			s.index.Load().apply(changes)
		}
		if errors.Is(err, badger.ErrConflict) && attempt < 9 {
			attempt++
			time.Sleep(time.Duration(attempt) * 5 * time.Millisecond)
			continue
		}
		for _, w := range live {
			w.err = err
		}
		return
	}
}

// writer is where a submission's writes go: the transaction itself, or a
// stage that holds them until the submission has gone through.
type writer interface {
	Set(k, v []byte) error
	Delete(k []byte) error
}

// txnIndex is the similar-index changes (indexChange) made in txn, the
// transaction of the group commit or of updateIndexed running under
// writeMu, for the memory index once txn has committed.
type txnIndex struct {
	txn     *badger.Txn
	changes []indexChange
}

// stage holds the writes of one submission of a batch, so that a
// submission refused half-way leaves nothing in the transaction it shares
// with the others. Reads go to the transaction, which holds the writes of
// the submissions before it; a submission never reads its own writes.
type stage struct {
	writes  []stagedWrite
	changes []indexChange // its similar-index changes
}

// reset empties the stage for the next submission.
func (s *stage) reset() {
	s.writes = s.writes[:0] // flush copied the last one's into txn
	s.changes = s.changes[:0]
}

type stagedWrite struct {
	k, v []byte
	del  bool
}

// Set stages k = v; it never fails.
func (s *stage) Set(k, v []byte) error {
	s.writes = append(s.writes, stagedWrite{k: k, v: v})
	return nil
}

// Delete stages the deletion of k; it never fails.
func (s *stage) Delete(k []byte) error {
	s.writes = append(s.writes, stagedWrite{k: k, del: true})
	return nil
}

// flush applies the staged writes to txn in order, and hands the staged
// similar-index changes to ti, those of the group commit running txn. It
// fails with Badger's error, badger.ErrTxnTooBig among them.
func (s *stage) flush(txn *badger.Txn, ti *txnIndex) error {
	if ti == nil {
		return errors.New("badgerstore: a submission's stage flushed outside a group commit")
	}
	ti.changes = append(ti.changes, s.changes...)
	for _, w := range s.writes {
		var err error
		if w.del {
			err = txn.Delete(w.k)
		} else {
			err = txn.Set(w.k, w.v)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// addCounts adds deltas to the counters they name, reading from txn and
// writing through w: each counter once, with its net change, so that a
// stage (which never reads its own writes) sees them right. A counter that
// reaches zero is deleted. Counters are 8-byte big-endian, as getUint reads
// them; the writers hold writeMu, so read-modify-write is safe.
func addCounts(txn *badger.Txn, w writer, deltas map[string]int64) error {
	for _, k := range slices.Sorted(maps.Keys(deltas)) {
		d := deltas[k]
		if d == 0 {
			continue
		}
		n, err := getUint(txn, []byte(k))
		if err != nil {
			return err
		}
		v := int64(n) + d
		if v <= 0 {
			err = w.Delete([]byte(k))
		} else {
			err = w.Set([]byte(k), binary.BigEndian.AppendUint64(nil, uint64(v)))
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// txnIndex returns the similar-index changes of txn when it is the group
// commit's or updateIndexed's, else nil.
func (s *Store) txnIndex(txn *badger.Txn) *txnIndex {
	if s.indexing != nil && s.indexing.txn == txn {
		return s.indexing
	}
	return nil
}

// updateIndexed runs fn in a transaction of its own as update does, for a
// writer that holds writeMu and writes similar-index entries
// (indexFingerprint) outside the group commit: the changes of the run that
// commits go to the memory index.
func (s *Store) updateIndexed(ctx context.Context, fn func(txn *badger.Txn) error) error {
	var changes []indexChange
	return s.updateThen(ctx, func(txn *badger.Txn) error {
		s.indexing = &txnIndex{txn: txn}
		err := fn(txn)
		changes = s.indexing.changes
		s.indexing = nil
		return err
	}, func() { s.index.Load().apply(changes) })
}
