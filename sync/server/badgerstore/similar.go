package badgerstore

import (
	"bytes"
	"cmp"
	"context"
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
// of its content's) and an inverted index from each bigram to the
// declarations that hold it, kept in the transaction that receives a
// revision, for every unit and year, whatever the filing's status.
//
//	sg/<bigram: 8 hex>/<filing>   posting, no value
//	sgn/<bigram: 8 hex>          how many declarations hold it (8 bytes)
//	sgp/<filing>                 app.Fingerprint of the current revision, JSON
//	m/similarindex               "1" once every declaration is indexed
//	m/similargrams               "2" once every entry is posted under
//	                             app.Fingerprint.IndexGrams only
//
// An entry is posted under what IndexGrams returns. A bureau before it
// posted every hash of the fingerprint, all 64 of the content sketch
// included; its entries (similarRecord.V below 2) are re-posted in the
// background after Open (slimSimilarIndex), and meanwhile a query finds
// them under more postings than needed, which changes no score.
//
// A system of the register of existing systems (register.go) is an entry
// too, under its ID (bureaustore.RegisteredPrefix) in place of a filing's.
//
// A query reads the postings of the declaration's rarest bigrams (the
// common ones, 系统, 建设, 平台…, say little of duplication and have long
// lists) up to a budget, ranks the declarations met there by the rare
// bigrams they share, and scores the best of them exactly with
// app.Similarity.
const (
	keySimilarIndex     = "m/similarindex"
	similarIndexVersion = "1"
	keySimilarGrams     = "m/similargrams"
	// similarGrams is the version of the postings of an entry posted
	// under IndexGrams (similarRecord.V); entries without one were posted
	// under allGrams.
	similarGrams = 2
	// slimBatch is how many entries one commit of slimSimilarIndex
	// re-posts: a few thousand writes, a short wait for the clerks.
	slimBatch = 50
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

func gramHex(g uint32) string { return fmt.Sprintf("%08x", g) }

// allGrams returns what an entry written before similarGrams is posted
// under: every hash of its fingerprint, sorted and unique.
func allGrams(fp app.Fingerprint) []uint32 {
	all := append(append(slices.Clone(fp.Name), fp.Content...), fp.Clauses...)
	slices.Sort(all)
	return slices.Compact(all)
}

// indexSimilar keeps declaration fid's entry of the similar-projects index
// up to date with its revision d, reading from txn and writing through w.
func (s *Store) indexSimilar(txn *badger.Txn, w writer, fid string, d *app.Declaration) error {
	return s.indexFingerprint(txn, w, fid, similarRecord{Fingerprint: app.DeclarationFingerprint(d), Year: d.PlanYear, Total: d.TotalInvestment})
}

// indexFingerprint keeps entry fid of the similar-projects index (a
// declaration, or a registered system: register.go) up to date with rec.
func (s *Store) indexFingerprint(txn *badger.Txn, w writer, fid string, rec similarRecord) error {
	var old similarRecord
	if err := getJSON(txn, key("sgp", fid), &old); err != nil && !errors.Is(err, badger.ErrKeyNotFound) {
		return fmt.Errorf("similar index of %s: %w", fid, err)
	}
	fp := rec.Fingerprint
	was, now := old.posted(), fp.IndexGrams()
	rec.V = similarGrams
	deltas := map[string]int64{}
	for _, g := range was {
		if _, ok := slices.BinarySearch(now, g); !ok {
			if err := w.Delete(key("sg", gramHex(g), fid)); err != nil {
				return err
			}
			deltas[string(key("sgn", gramHex(g)))]--
		}
	}
	for _, g := range now {
		if _, ok := slices.BinarySearch(was, g); !ok {
			if err := w.Set(key("sg", gramHex(g), fid), nil); err != nil {
				return err
			}
			deltas[string(key("sgn", gramHex(g)))]++
		}
	}
	if err := addCounts(txn, w, deltas); err != nil {
		return fmt.Errorf("similar index of %s: %w", fid, err)
	}
	return setJSON(w, key("sgp", fid), rec)
}

// newSimilarIndex marks the similar-projects index complete, and slim, in
// a store that holds no filing yet, so a new bureau never rebuilds it:
// from the first filing on, every revision is indexed as it is received.
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
			if err := txn.Set([]byte(keySimilarGrams), []byte(strconv.Itoa(similarGrams))); err != nil {
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
	indexed := func() (bool, error) {
		var done bool
		err := s.db.View(func(txn *badger.Txn) error {
			var err error
			done, err = exists(txn, []byte(keySimilarIndex))
			return err
		})
		return done, err
	}
	if done, err := indexed(); err != nil || done {
		return err
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	if done, err := indexed(); err != nil || done {
		return err
	}
	err := s.eachFiling(key("f", ""), func(txn *badger.Txn, id string, fr bureaustore.Filing) error {
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
		return s.indexSimilar(txn, txn, id, b.Declaration)
	})
	if err != nil {
		return fmt.Errorf("rebuild similar index: %w", err)
	}
	return s.db.Update(func(txn *badger.Txn) error {
		return txn.Set([]byte(keySimilarIndex), []byte(similarIndexVersion))
	})
}

// similar returns the declarations most like declaration fid, across all
// units and years, best first: at most similarShown, each scoring at least
// similarFloor. It returns nil for a filing that is not an indexed
// declaration.
func (s *Store) similar(fid string) ([]console.SimilarItem, error) {
	var out []console.SimilarItem
	err := s.db.View(func(txn *badger.Txn) error {
		var rec similarRecord
		if err := getJSON(txn, key("sgp", fid), &rec); errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		} else if err != nil {
			return err
		}
		type gram struct {
			hex string
			n   uint64
		}
		fp := rec.Fingerprint
		var gs []gram
		for _, g := range fp.IndexGrams() {
			h := gramHex(g)
			n, err := getUint(txn, key("sgn", h))
			if err != nil {
				return err
			}
			if n > 1 { // 1: only this declaration
				gs = append(gs, gram{h, n})
			}
		}
		slices.SortFunc(gs, func(a, b gram) int { return cmp.Compare(a.n, b.n) })
		// Candidates by the rare bigrams they share, each weighing the
		// less the more declarations hold it.
		weight := map[string]float64{}
		read := 0
		opts := badger.DefaultIteratorOptions
		opts.PrefetchValues = false
		for _, g := range gs {
			if read+int(g.n) > similarPostingBudget {
				break
			}
			prefix := key("sg", g.hex, "")
			opts.Prefix = prefix
			it := txn.NewIterator(opts)
			w := 1 / math.Log(math.E+float64(g.n))
			for it.Rewind(); it.Valid(); it.Next() {
				read++
				if id := string(it.Item().Key()[len(prefix):]); id != fid {
					weight[id] += w
				}
			}
			it.Close()
		}
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
			if err := getJSON(txn, key("sgp", id), &other); err != nil {
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

// similarRecord is a declaration's entry in the similar-projects index:
// its fingerprint, and what the list shows of it that the filing's record
// does not hold.
type similarRecord struct {
	app.Fingerprint
	Year  int       `json:"y,omitempty"`
	Total app.Money `json:"t,omitempty"`
	V     int       `json:"v,omitempty"` // how it is posted: similarGrams, or before it (0)
}

// posted returns the hashes rec's postings are under.
func (rec similarRecord) posted() []uint32 {
	if rec.V >= similarGrams {
		return rec.IndexGrams()
	}
	return allGrams(rec.Fingerprint)
}

// slimSimilarIndex re-posts every entry of the index posted before
// similarGrams under IndexGrams only (dropping its other postings and
// their counts), slimBatch entries a commit through the group commit, so
// the clerks' submissions wait for a few thousand writes at most; then
// it marks the index slim. It runs after Open until done or the store
// closes; an entry changed meanwhile is posted anew by its writer, and a
// batch re-reads its entries in its own transaction.
func (s *Store) slimSimilarIndex() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-s.closing:
			cancel()
		case <-ctx.Done():
		}
	}()
	done := 0
	after := key("sgp", "")
	for end := false; !end; {
		var ids []string
		err := s.db.View(func(txn *badger.Txn) error {
			opts := badger.DefaultIteratorOptions
			opts.Prefix = key("sgp", "")
			it := txn.NewIterator(opts)
			defer it.Close()
			it.Seek(after)
			if it.Valid() && bytes.Equal(it.Item().Key(), after) {
				it.Next()
			}
			for ; it.Valid() && len(ids) < slimBatch; it.Next() {
				var rec similarRecord
				if err := decodeItem(it.Item(), &rec); err != nil {
					return err
				}
				after = it.Item().KeyCopy(nil)
				if rec.V < similarGrams {
					ids = append(ids, string(after[len("sgp/"):]))
				}
			}
			end = !it.Valid()
			return nil
		})
		if err == nil && len(ids) > 0 {
			err = s.commit(ctx, func(txn *badger.Txn) error {
				for _, id := range ids {
					var rec similarRecord
					if err := getJSON(txn, key("sgp", id), &rec); errors.Is(err, badger.ErrKeyNotFound) {
						continue
					} else if err != nil {
						return err
					}
					if rec.V < similarGrams {
						if err := s.indexFingerprint(txn, txn, id, rec); err != nil {
							return err
						}
					}
				}
				return nil
			})
			done += len(ids)
		}
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			s.log.Error("similar-projects index: re-posting the entries of an older bureau stopped; it starts again at the next start", "err", err)
			return
		}
	}
	err := s.commit(ctx, func(txn *badger.Txn) error {
		return txn.Set([]byte(keySimilarGrams), []byte(strconv.Itoa(similarGrams)))
	})
	if err != nil {
		s.log.Error("similar-projects index: marking it slim", "err", err)
		return
	}
	if done > 0 {
		s.log.Info("similar-projects index: entries of an older bureau re-posted", "entries", done)
	}
}

// Similar returns the declarations most like declaration fid. An index
// left by an older bureau is built first.
func (s *Store) Similar(ctx context.Context, fid string) ([]console.SimilarItem, error) {
	if err := s.rebuildSimilarIndex(); err != nil {
		return nil, err
	}
	return s.similar(fid)
}
