package server

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// maxGroup bounds the writes one group commit runs, so that one commit
// stays well inside a Badger transaction and a writer's wait stays short.
const maxGroup = 256

// committer groups the writes of concurrent requests into one synced Badger
// commit (group commit). Each writer queues its write function and waits;
// the first writer to find no group running leads: it takes every write
// waiting (up to maxGroup), runs them in order in one transaction under
// writeMu, commits it once (one fsync with SyncWrites), answers each
// writer, and hands the lead to the first writer that queued meanwhile.
// A writer is answered only after the commit that made its writes durable.
type committer struct {
	mu    sync.Mutex
	queue []*pendingWrite
	busy  bool // a leader is running a group
	// groups and grouped count the commits and the writes they held
	// (for the tests and the benchmarks).
	groups, grouped int64
}

// pendingWrite is one writer's function waiting for its group.
type pendingWrite struct {
	ctx  context.Context
	fn   func(txn *badger.Txn) error
	err  error
	lead bool          // set with done closed: the writer is to lead the next group
	done chan struct{} // closed when err is final, or lead is set
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
func (s *Server) commit(ctx context.Context, fn func(txn *badger.Txn) error) error {
	w := &pendingWrite{ctx: ctx, fn: fn, done: make(chan struct{})}
	c := &s.committer
	c.mu.Lock()
	c.queue = append(c.queue, w)
	if c.busy {
		c.mu.Unlock()
		<-w.done
		if !w.lead {
			return w.err
		}
		c.mu.Lock()
	}
	c.busy = true
	// Lead: run groups until this writer's own is done, then hand over.
	for {
		n := min(len(c.queue), maxGroup)
		group := c.queue[:n:n]
		c.queue = c.queue[n:]
		if len(c.queue) == 0 {
			c.queue = nil // let the old backing array go
		}
		c.groups++
		c.grouped += int64(n)
		c.mu.Unlock()

		s.writeMu.Lock()
		s.runGroup(group)
		s.writeMu.Unlock()

		mine := false
		for _, g := range group {
			if g == w {
				mine = true
			} else {
				close(g.done)
			}
		}
		c.mu.Lock()
		if len(c.queue) == 0 {
			c.busy = false
			c.mu.Unlock()
			return w.err
		}
		if mine {
			next := c.queue[0]
			next.lead = true
			c.mu.Unlock()
			close(next.done)
			return w.err
		}
	}
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
func (s *Server) runGroup(group []*pendingWrite) {
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
