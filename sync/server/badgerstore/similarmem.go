package badgerstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// memIndex is the similar-projects index's inverted lists, in memory: for
// each bigram an entry is posted under (app.Fingerprint.IndexGrams), the
// entries posted under it. The entries themselves (sgp/) are the store's;
// the lists are derived from them: loaded from a snapshot taken as the
// store opens (load), then changed by every commit that writes an entry,
// once it has committed (apply, under writeMu, in commit order). Changes
// committed while the lists load wait in pending and are applied after.
// A query waits until the lists are loaded (wait).
//
// Each entry has an ordinal and each list holds ordinals in ascending
// order: posting and unposting are binary searches, and a change applied
// twice changes nothing. An ordinal is not reused: a removed entry leaves
// its slot until removed entries are half of them (a register re-imported
// every day removes thousands), when compact numbers the entries anew.
type memIndex struct {
	loaded chan struct{} // closed when the load has ended; err tells how

	mu      sync.RWMutex
	err     error               // the load failed: queries fail with it
	done    bool                // the load has ended: changes apply at once
	pending []indexChange       // changes committed while loading, in order
	ids     []string            // ordinal → entry ID; "" once the entry is gone
	dead    int                 // how many of ids are ""
	ord     map[string]uint32   // entry ID → ordinal
	lists   map[uint32][]uint32 // bigram → the ordinals posted under it, ascending
}

// indexChange is an entry's postings as one commit changed them: posted
// under now where it was posted under was (both IndexGrams, sorted); now
// is empty for an entry removed.
type indexChange struct {
	id       string
	was, now []uint32
}

// errStoreClosed ends a load when the store closes.
var errStoreClosed = errors.New("the store closed")

func newMemIndex() *memIndex {
	return &memIndex{loaded: make(chan struct{}), ord: map[string]uint32{}, lists: map[uint32][]uint32{}}
}

// load reads every entry of the snapshot txn into m, then applies the
// changes committed since and lets queries in. It gives up when closing is
// closed. An entry that does not decode is left out and logged (a query
// for it fails on its record; the others are answered).
func (m *memIndex) load(txn *badger.Txn, closing <-chan struct{}, log *slog.Logger) {
	start := time.Now()
	base := newMemIndex()
	err := func() error {
		opts := badger.DefaultIteratorOptions
		opts.PrefetchValues = false // values are read in order; a prefetch is a goroutine each
		opts.Prefix = key("sgp", "")
		it := txn.NewIterator(opts)
		defer it.Close()
		var v []byte
		damaged := 0
		for it.Rewind(); it.Valid(); it.Next() {
			if len(base.ids)%1024 == 0 {
				select {
				case <-closing:
					return errStoreClosed
				default:
				}
			}
			var err error
			if v, err = it.Item().ValueCopy(v[:0]); err != nil {
				return err
			}
			var rec similarRecord
			if err := json.Unmarshal(v, &rec); err != nil {
				if damaged++; damaged <= 10 {
					log.Error("similar-projects index: an entry that does not decode is left out", "key", string(it.Item().Key()), "err", err)
				}
				continue
			}
			base.post(string(it.Item().Key()[len("sgp/"):]), rec.IndexGrams())
		}
		if damaged > 0 {
			log.Error("similar-projects index: entries left out", "damaged", damaged)
		}
		return nil
	}()
	switch {
	case errors.Is(err, errStoreClosed):
	case err != nil:
		log.Error("similar-projects index: its lists were not loaded; the console shows no similar projects until the bureau starts again", "err", err)
	default:
		log.Info("similar-projects index: lists loaded", "entries", len(base.ord), "bigrams", len(base.lists), "ms", time.Since(start).Milliseconds())
	}
	m.install(base, err)
}

// install makes base (loaded from a snapshot; err when its load failed)
// the lists of m, with the changes committed meanwhile applied on top.
func (m *memIndex) install(base *memIndex, err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err != nil {
		m.err = fmt.Errorf("similar-projects index not loaded: %w", err)
	} else {
		m.ids, m.ord, m.lists = base.ids, base.ord, base.lists
		m.applyLocked(m.pending)
	}
	m.pending, m.done = nil, true
	close(m.loaded)
}

// wait waits until m is loaded, and returns why it could not be.
func (m *memIndex) wait(ctx context.Context) error {
	select {
	case <-m.loaded:
		m.mu.RLock()
		defer m.mu.RUnlock()
		return m.err
	case <-ctx.Done():
		return fmt.Errorf("similar-projects index still loading: %w", ctx.Err())
	}
}

// apply applies the changes of one commit, in order, once the commit
// succeeded. Callers hold writeMu, so commits apply in the order they
// committed.
func (m *memIndex) apply(cs []indexChange) {
	if len(cs) == 0 {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.done {
		m.pending = append(m.pending, cs...)
		return
	}
	m.applyLocked(cs)
}

func (m *memIndex) applyLocked(cs []indexChange) {
	for _, c := range cs {
		o, ok := m.ord[c.id]
		if !ok {
			m.post(c.id, c.now)
			continue
		}
		for _, g := range c.was {
			if _, kept := slices.BinarySearch(c.now, g); !kept {
				m.unpost(g, o)
			}
		}
		for _, g := range c.now {
			m.postAt(g, o)
		}
		if len(c.now) == 0 {
			delete(m.ord, c.id)
			m.ids[o] = ""
			m.dead++
		}
	}
	if m.dead >= compactDead && 2*m.dead >= len(m.ids) {
		m.compact()
	}
}

// compactDead is the fewest removed entries' slots compact is worth
// running for (16 bytes each).
const compactDead = 4096

// compact gives the entries ordinals 0, 1, … anew in their order, so the
// lists stay ascending, and drops the slots of removed entries. It
// rewrites every list: O(postings), once removed entries are half.
func (m *memIndex) compact() {
	renum := make([]uint32, len(m.ids))
	ids := make([]string, 0, len(m.ids)-m.dead)
	for o, id := range m.ids {
		if id != "" {
			renum[o] = uint32(len(ids))
			m.ord[id] = renum[o]
			ids = append(ids, id)
		}
	}
	for g, l := range m.lists {
		kept := l[:0]
		for _, o := range l {
			if m.ids[o] != "" { // unpost took them out; this keeps a stray one out too
				kept = append(kept, renum[o])
			}
		}
		if len(kept) == 0 {
			delete(m.lists, g)
		} else {
			m.lists[g] = kept
		}
	}
	m.ids, m.dead = ids, 0
}

// post gives a new entry id its ordinal and posts it under grams.
func (m *memIndex) post(id string, grams []uint32) {
	if len(grams) == 0 {
		return
	}
	o := uint32(len(m.ids))
	m.ids = append(m.ids, id)
	m.ord[id] = o
	for _, g := range grams {
		m.postAt(g, o)
	}
}

func (m *memIndex) postAt(g, o uint32) {
	l := m.lists[g]
	if n := len(l); n == 0 || l[n-1] < o { // the usual case: the newest entry
		m.lists[g] = append(l, o)
		return
	}
	if i, found := slices.BinarySearch(l, o); !found {
		m.lists[g] = slices.Insert(l, i, o)
	}
}

func (m *memIndex) unpost(g, o uint32) {
	l := m.lists[g]
	i, found := slices.BinarySearch(l, o)
	if !found {
		return
	}
	if len(l) == 1 {
		delete(m.lists, g)
		return
	}
	m.lists[g] = slices.Delete(l, i, i+1)
}

// count returns how many entries are posted under g. Callers hold mu.
func (m *memIndex) count(g uint32) int { return len(m.lists[g]) }

// each calls fn with the ID of every entry posted under g. Callers hold mu.
func (m *memIndex) each(g uint32, fn func(id string)) {
	for _, o := range m.lists[g] {
		if id := m.ids[o]; id != "" {
			fn(id)
		}
	}
}
