package badgerstore

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/dgraph-io/badger/v4"

	"egovdesk/app"
	"egovdesk/sync/server/bureaustore"
	"egovdesk/sync/server/console"
)

// The similar-projects index (避免重复建设): every declaration's
// fingerprint (app.DeclarationFingerprint: its name's bigrams and a sketch
// of its content's), kept in the transaction that receives a revision, for
// every unit and year, whatever the filing's status, and the inverted
// lists from each bigram to the declarations that hold it.
//
//	sgp/<filing>        similarRecord: the fingerprint of the current revision, JSON
//	m/similarindex      "1" once every declaration has its entry
//	m/similargrams      similarMemory once no posting of an older bureau is left
//
// The lists are kept in memory (memIndex), derived from the entries: loaded
// from them when the store opens, and changed by every commit that writes
// an entry once it has committed. Kept in Badger, as bureaus before
// 2026-12-04 kept them (a key a posting, sg/, then a block a bigram and
// commit, sb/, each bigram with its count, sgn/, and m/sgblock), they were
// most of a submission's writes: a realistic declaration is posted under
// some 40 bigrams, most of them its own, and Badger's cost is per key
// written (its memtable, write-ahead log, flushes and compactions); single
// submissions from 100 clerks went from 1,800–2,200/s at p99 160–180 ms
// to 2,700–3,400/s at p99 80–100 ms without them (docs/benchmarks.md).
// dropOldPostings deletes an older bureau's postings in the background
// after Open.
//
// A system of the register of existing systems (register.go) is an entry
// too, under its ID (bureaustore.RegisteredPrefix) in place of a filing's.
//
// A query reads the lists of the declaration's rarest bigrams (the common
// ones, 系统, 建设, 平台…, say little of duplication and have long lists) up
// to a budget, ranks the declarations met there by the rare bigrams they
// share, and scores the best of them exactly with app.Similarity.
const (
	keySimilarIndex     = "m/similarindex"
	similarIndexVersion = "1"
	keySimilarGrams     = "m/similargrams"
	// similarMemory is what m/similargrams holds once the postings an
	// older bureau kept in Badger are gone (below it: 2 and 3, or none).
	similarMemory = 4
	// dropBatch is how many keys of an older bureau's postings one commit
	// of dropOldPostings deletes: a short wait for the clerks.
	dropBatch = 1000
	// similarPostingBudget bounds the postings one query reads: the
	// bigrams are read rarest first until the next would pass it (a bigram
	// held by more declarations is never read; it still counts in the
	// score of the candidates).
	similarPostingBudget = 4000
	// similarCandidates is how many candidates are scored exactly.
	similarCandidates = 100
	// similarShown is how many similar projects the console lists, and
	// similarFloor the score under which a project is not listed.
	similarShown = bureaustore.SimilarShown
	similarFloor = bureaustore.SimilarFloor
)

// similarRecord is a declaration's entry in the similar-projects index:
// its fingerprint, and what the list shows of it that the filing's record
// does not hold. (Entries of an older bureau also hold "v", how they were
// posted in Badger; it is ignored.)
type similarRecord struct {
	app.Fingerprint
	Year  int       `json:"y,omitempty"`
	Total app.Money `json:"t,omitempty"`
}

// indexSimilar keeps declaration fid's entry of the similar-projects index
// up to date with its revision d, whose fingerprint is fp, reading from
// txn and writing through w.
func (s *Store) indexSimilar(txn *badger.Txn, w writer, fid string, d *app.Declaration, fp app.Fingerprint) error {
	return s.indexFingerprint(txn, w, fid, similarRecord{Fingerprint: fp, Year: d.PlanYear, Total: d.TotalInvestment})
}

// indexFingerprint keeps entry fid of the similar-projects index (a
// declaration, or a registered system: register.go) up to date with rec,
// reading from txn and writing through w. The change of its postings goes
// with the stage when w is one (stage.flush hands it on), else with the
// transaction (s.indexing): either way the memory index gets it once the
// transaction has committed. An entry written outside a transaction that
// hands its changes on is an error, not an index gone stale.
func (s *Store) indexFingerprint(txn *badger.Txn, w writer, fid string, rec similarRecord) error {
	var old similarRecord
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch err := getJSON(txn, key("sgp", fid), &old); {
	case err == nil, errors.Is(err, badger.ErrKeyNotFound):
	case errors.As(err, &syntax), errors.As(err, &typ):
		// A damaged entry (the load left it out of the lists) does not
		// stop the clerk's revision: it is written anew.
		s.log.Error("similar-projects index: a damaged entry replaced", "filing", fid, "err", err)
		old = similarRecord{}
	default:
		return fmt.Errorf("similar index of %s: %w", fid, err)
	}
	c := indexChange{id: fid, was: old.IndexGrams(), now: rec.IndexGrams()}
	if st, ok := w.(*stage); ok {
		st.changes = append(st.changes, c)
	} else if ti := s.txnIndex(txn); ti != nil {
		ti.changes = append(ti.changes, c)
	} else {
		return errors.New("badgerstore: a similar-index entry written outside a transaction that indexes")
	}
	return setJSON(w, key("sgp", fid), rec)
}

// newSimilarIndex marks the similar-projects index complete, and without
// postings of an older bureau, in a store that holds no filing yet, so a
// new bureau never rebuilds it: from the first filing on, every revision
// is indexed as it is received.
func (s *Store) newSimilarIndex() error {
	err := s.db.Update(func(txn *badger.Txn) error {
		holds := func(prefix []byte) bool {
			opts := badger.DefaultIteratorOptions
			opts.PrefetchValues = false
			opts.Prefix = prefix
			it := txn.NewIterator(opts)
			defer it.Close()
			it.Rewind()
			return it.Valid()
		}
		if holds(key("f", "")) {
			return nil // indexed now, or on first use (rebuildSimilarIndex)
		}
		if !holds(key("sgp", "")) { // no entry of the register either
			if err := txn.Set([]byte(keySimilarGrams), []byte(strconv.Itoa(similarMemory))); err != nil {
				return err
			}
		}
		return txn.Set([]byte(keySimilarIndex), []byte(similarIndexVersion))
	})
	if err != nil {
		return fmt.Errorf("similar-projects index: %w", err)
	}
	return nil
}

// rebuildSimilarIndex indexes every declaration once, for a store written
// before the index existed. Writers hold writeMu, so nothing moves meanwhile.
func (s *Store) rebuildSimilarIndex() error {
	if done, err := s.similarIndexed(); err != nil || done {
		return err
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	if done, err := s.similarIndexed(); err != nil || done {
		return err
	}
	err := s.eachFiling(s.updateIndexed, func(txn *badger.Txn, id string, fr bureaustore.Filing) error {
		if fr.Filing.Kind != app.KindDeclaration || fr.Filing.Revision.ID == "" {
			return nil
		}
		var b app.Body
		if err := getJSON(txn, key("rb", id, fr.Filing.Revision.ID), &b); errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		} else if err != nil {
			return err
		}
		if b.Declaration == nil {
			return nil
		}
		return s.indexSimilar(txn, txn, id, b.Declaration, app.DeclarationFingerprint(b.Declaration))
	})
	if err != nil {
		return fmt.Errorf("rebuild similar index: %w", err)
	}
	return s.db.Update(func(txn *badger.Txn) error {
		return txn.Set([]byte(keySimilarIndex), []byte(similarIndexVersion))
	})
}

// similarIndexed reports whether every declaration has its entry
// (m/similarindex), read from the store until it says yes: every query
// asks (Similar), and the marker is never removed.
func (s *Store) similarIndexed() (bool, error) {
	if s.similarBuilt.Load() {
		return true, nil
	}
	var done bool
	err := s.db.View(func(txn *badger.Txn) error {
		var err error
		done, err = exists(txn, []byte(keySimilarIndex))
		return err
	})
	if done {
		s.similarBuilt.Store(true)
	}
	return done, err
}

// similar returns the declarations most like declaration fid, across all
// units and years, best first: at most similarShown, each scoring at least
// similarFloor. It returns nil for a filing that is not an indexed
// declaration.
func (s *Store) similar(idx *memIndex, fid string) ([]console.SimilarItem, error) {
	var out []console.SimilarItem
	err := s.db.View(func(txn *badger.Txn) error {
		var rec similarRecord
		if err := getJSON(txn, key("sgp", fid), &rec); errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		} else if err != nil {
			return err
		}
		fp := rec.Fingerprint
		weight := idx.candidates(fid, fp.IndexGrams())
		ids := make([]string, 0, len(weight))
		for id := range weight {
			ids = append(ids, id)
		}
		slices.SortFunc(ids, func(a, b string) int {
			return cmp.Or(cmp.Compare(weight[b], weight[a]), cmp.Compare(a, b))
		})
		ids = ids[:min(len(ids), similarCandidates)]
		for _, id := range ids {
			var other similarRecord
			if err := getJSON(txn, key("sgp", id), &other); errors.Is(err, badger.ErrKeyNotFound) {
				continue // gone since the lists were read
			} else if err != nil {
				return err
			}
			name, content := app.Similarity(fp, other.Fingerprint)
			if score := app.SimilarityScore(name, content); score >= similarFloor {
				out = append(out, console.SimilarItem{ID: id, Name: name, Content: content, Score: score,
					Year: other.Year, Total: other.Total})
			}
		}
		slices.SortFunc(out, func(a, b console.SimilarItem) int {
			return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(a.ID, b.ID))
		})
		out = out[:min(len(out), similarShown)]
		units := map[string]string{}
		for i := range out {
			e := &out[i]
			if registered(e.ID) {
				if err := fillRegistered(txn, e); err != nil {
					return err
				}
				continue
			}
			var fr bureaustore.Filing
			if err := getJSON(txn, key("f", e.ID), &fr); err != nil {
				return err
			}
			f := fr.Filing
			e.Title, e.UnitID, e.Status = fr.Title, f.UnitID, f.Status
			if _, ok := units[f.UnitID]; !ok {
				u, err := s.unit(txn, f.UnitID)
				if err != nil {
					return err
				}
				units[f.UnitID] = u.Name
			}
			e.UnitName = units[f.UnitID]
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("similar to %s: %w", fid, err)
	}
	return out, nil
}

// candidates returns the entries posted under grams (entry fid's) that
// are read within the budget, each with the weight of the grams it
// shares: the rarest grams first, each weighing the less the more entries
// hold it; a gram only fid holds is skipped.
func (m *memIndex) candidates(fid string, grams []uint32) map[string]float64 {
	m.mu.RLock()
	defer m.mu.RUnlock()
	type gram struct {
		g uint32
		n int
	}
	var gs []gram
	for _, g := range grams {
		if n := m.count(g); n > 1 { // 1: only this declaration
			gs = append(gs, gram{g, n})
		}
	}
	slices.SortFunc(gs, func(a, b gram) int { return cmp.Or(cmp.Compare(a.n, b.n), cmp.Compare(a.g, b.g)) })
	weight := map[string]float64{}
	read := 0
	for _, g := range gs {
		if read+g.n > similarPostingBudget {
			break
		}
		w := 1 / math.Log(math.E+float64(g.n))
		m.each(g.g, func(id string) {
			if id != fid {
				weight[id] += w
			}
		})
		read += g.n
	}
	return weight
}

// Similar returns the declarations most like declaration fid. An index
// left by an older bureau is built first; a query waits (within ctx) for
// the lists to be loaded after Open.
func (s *Store) Similar(ctx context.Context, fid string) ([]console.SimilarItem, error) {
	if err := s.rebuildSimilarIndex(); err != nil {
		return nil, err
	}
	idx := s.index.Load()
	if err := idx.wait(ctx); err != nil {
		return nil, fmt.Errorf("similar to %s: %w", fid, err)
	}
	return s.similar(idx, fid)
}

// loadSimilarIndex starts loading the memory index from a snapshot of the
// store as it is now: every commit from now on applies its changes to it.
// Callers hold writeMu, or nothing writes yet.
func (s *Store) loadSimilarIndex() {
	idx := newMemIndex()
	s.index.Store(idx)
	txn := s.db.NewTransaction(false)
	s.bg.Go(func() {
		defer txn.Discard()
		idx.load(txn, s.closing, s.log)
	})
}

// ReloadSimilarIndex loads the memory index anew from the store and waits
// for it: for tests that write entries through DB while the store is open.
func (s *Store) ReloadSimilarIndex() error {
	s.writeMu.Lock()
	s.similarBuilt.Store(false) // the test may have removed the marker too
	s.loadSimilarIndex()
	idx := s.index.Load()
	s.writeMu.Unlock()
	return idx.wait(context.Background())
}

// oldPostingsLeft reports whether postings an older bureau kept in Badger
// may be left (m/similargrams below similarMemory).
func oldPostingsLeft(txn *badger.Txn) (bool, error) {
	item, err := txn.Get([]byte(keySimilarGrams))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	v, err := item.ValueCopy(nil)
	if err != nil {
		return false, err
	}
	n, _ := strconv.Atoi(string(v))
	return n < similarMemory, nil
}

// dropOldPostings deletes the postings an older bureau kept in Badger (sg/,
// sb/ and sgn/ keys, and m/sgblock), and with them its q/ keys (the
// filings awaiting review, which nothing reads since the queue index),
// dropBatch keys a commit through the group commit so the clerks'
// submissions wait little, then marks them gone (m/similargrams). Nothing
// reads or writes those keys any more. It runs after Open until done or
// the store closes.
func (s *Store) dropOldPostings() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-s.closing:
			cancel()
		case <-ctx.Done():
		}
	}()
	dropped := 0
	for _, prefix := range []string{"sg/", "sb/", "sgn/", "q/"} {
		for {
			var keys [][]byte
			err := s.db.View(func(txn *badger.Txn) error {
				opts := badger.DefaultIteratorOptions
				opts.PrefetchValues = false
				opts.Prefix = []byte(prefix)
				it := txn.NewIterator(opts)
				defer it.Close()
				for it.Rewind(); it.Valid() && len(keys) < dropBatch; it.Next() {
					keys = append(keys, it.Item().KeyCopy(nil))
				}
				return nil
			})
			if err == nil && len(keys) > 0 {
				err = s.commit(ctx, func(txn *badger.Txn) error {
					for _, k := range keys {
						if err := txn.Delete(k); err != nil {
							return err
						}
					}
					return nil
				})
			}
			if ctx.Err() != nil {
				return
			}
			if err != nil {
				s.log.Error("similar-projects index: deleting the postings an older bureau kept stopped; it starts again at the next start", "err", err)
				return
			}
			if len(keys) == 0 {
				break
			}
			dropped += len(keys)
		}
	}
	err := s.commit(ctx, func(txn *badger.Txn) error {
		if err := txn.Delete([]byte("m/sgblock")); err != nil {
			return err
		}
		return txn.Set([]byte(keySimilarGrams), []byte(strconv.Itoa(similarMemory)))
	})
	if err != nil {
		if ctx.Err() == nil {
			s.log.Error("similar-projects index: marking the older postings gone", "err", err)
		}
		return
	}
	if dropped > 0 {
		s.log.Info("similar-projects index: the postings an older bureau kept in the store deleted", "keys", dropped)
	}
}
