package bureaustore

import "sync"

// Group runs the work of concurrent callers in batches (group commit):
// each caller queues its item and waits; the first caller to find no
// batch running leads: it takes every item waiting (up to Max), runs them
// as one batch, wakes their callers, and hands the lead to the first
// caller that queued meanwhile. A caller returns only after the batch
// that held its item has run, so a storage whose batch ends in one durable
// commit answers each caller after its own writes are durable, and many
// callers share one commit's cost. Both storages group their hot writes
// this way (Badger: one transaction and one fsync; PostgreSQL: one
// transaction and one WAL flush).
type Group[T any] struct {
	Max int // the most items a batch takes; 0: no bound

	mu    sync.Mutex
	queue []*groupItem[T]
	busy  bool // a leader is running a batch
	// batches and items count the batches run and the items they held
	// (for the tests and the benchmarks).
	batches, items int64
}

type groupItem[T any] struct {
	v    T
	lead bool          // set with done closed: the caller is to lead the next batch
	done chan struct{} // closed when v's batch has run, or lead is set
}

// Do queues v and returns once run has run a batch holding it. Batches
// run one at a time, in the order their items queued; run reports each
// item's outcome through the item itself (T is a pointer).
func (g *Group[T]) Do(v T, run func(batch []T)) {
	it := &groupItem[T]{v: v, done: make(chan struct{})}
	g.mu.Lock()
	g.queue = append(g.queue, it)
	if g.busy {
		g.mu.Unlock()
		<-it.done
		if !it.lead {
			return
		}
		g.mu.Lock()
	}
	g.busy = true
	// Lead: run batches until the one holding it has run, then hand over.
	for {
		n := len(g.queue)
		if g.Max > 0 {
			n = min(n, g.Max)
		}
		batch := g.queue[:n:n]
		g.queue = g.queue[n:]
		if len(g.queue) == 0 {
			g.queue = nil // let the old backing array go
		}
		g.batches++
		g.items += int64(n)
		g.mu.Unlock()

		vs := make([]T, n)
		for i, b := range batch {
			vs[i] = b.v
		}
		run(vs)

		mine := false
		for _, b := range batch {
			if b == it {
				mine = true
			} else {
				close(b.done)
			}
		}
		g.mu.Lock()
		if len(g.queue) == 0 {
			g.busy = false
			g.mu.Unlock()
			return
		}
		if mine {
			next := g.queue[0]
			next.lead = true
			g.mu.Unlock()
			close(next.done)
			return
		}
	}
}

// Stats returns how many batches have run and how many items they held.
func (g *Group[T]) Stats() (batches, items int64) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.batches, g.items
}

// Queued returns how many items wait for a batch (for the tests).
func (g *Group[T]) Queued() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.queue)
}
