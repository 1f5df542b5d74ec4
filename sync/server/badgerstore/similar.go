package badgerstore

import (
	"bytes"
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
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
//	sb/<bigram: 8 hex>/<block: 16 hex>  postings made in one transaction
//	sgn/<bigram: 8 hex>                 how many declarations hold it (8 bytes)
//	sgp/<filing>                        app.Fingerprint of the current revision, JSON
//	m/sgblock                           the last block number given (8 bytes)
//	m/similarindex                      "1" once every declaration is indexed
//	m/similargrams                      the version every entry is posted
//	                                    under (similarGrams) once it is
//	sg/<bigram: 8 hex>/<filing>         a posting of an older bureau, no value
//
// A transaction that posts writes one block per bigram (postings below):
// the ops of its writers in order, "+" for a declaration posted under the
// bigram, "−" for one that no longer is. A block is never rewritten; a
// query replays a bigram's blocks in block order. One key for each bigram a
// group commit touches, instead of one for each declaration and bigram,
// is what lets the group commit of many declarations write a fraction of
// the keys: the declarations of a unit, and of a kind, share most of their
// bigrams (Badger's cost is per key written, about 10 µs with the
// memtable, its write-ahead log and the compactions that follow).
//
// An entry is posted under what IndexGrams returns. A bureau before
// similarGrams posted every hash of the fingerprint, all 64 of the content
// sketch included, and one before similarBlocks one key per posting (sg/);
// such entries (similarRecord.V below similarBlocks) are re-posted in the
// background after Open (slimSimilarIndex), and meanwhile a query reads
// both kinds of posting, finding an old entry under more postings than
// needed, which changes no score.
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
	keySimilarBlock     = "m/sgblock"
	// similarGrams is the version of an entry's postings
	// (similarRecord.V) this bureau writes. An entry of version 0 was
	// posted under allGrams, from indexGrams under IndexGrams; below
	// similarBlocks one key a posting (sg/), from it in blocks (sb/).
	similarGrams  = similarBlocks
	indexGrams    = 2
	similarBlocks = 3
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
// declaration, or a registered system: register.go) up to date with rec,
// reading from txn and writing through w. Its postings and counts go to
// the stage when w is one (stage.flush hands them on), else to the
// postings of the group commit running txn (runGroup writes them before
// it commits), else straight into txn (w is txn then), in a block of
// their own.
func (s *Store) indexFingerprint(txn *badger.Txn, w writer, fid string, rec similarRecord) (err error) {
	var old similarRecord
	found := true
	if err := getJSON(txn, key("sgp", fid), &old); errors.Is(err, badger.ErrKeyNotFound) {
		found = false
	} else if err != nil {
		return fmt.Errorf("similar index of %s: %w", fid, err)
	}
	legacy := found && old.V < similarBlocks // posted one key a posting
	fp := rec.Fingerprint
	was, now := old.posted(), fp.IndexGrams()
	rec.V = similarGrams
	var p *postings
	if st, ok := w.(*stage); ok {
		p = &st.posts
	} else if p = s.groupPostings(txn); p == nil {
		p = new(postings)
		defer func() {
			if err == nil {
				err = s.flushAlone(txn, p)
			}
		}()
	}
	for _, g := range was {
		_, kept := slices.BinarySearch(now, g)
		switch {
		case legacy: // its key goes, whether or not it is posted anew
			if err := w.Delete(key("sg", gramHex(g), fid)); err != nil {
				return err
			}
			if !kept {
				p.post(g, "", 0, -1)
			}
		case !kept:
			p.post(g, fid, opUnposted, -1)
		}
	}
	for _, g := range now {
		_, held := slices.BinarySearch(was, g)
		switch {
		case !held:
			p.post(g, fid, opPosted, 1)
		case legacy: // held, and counted, under a key of its own
			p.post(g, fid, opPosted, 0)
		}
	}
	return setJSON(w, key("sgp", fid), rec)
}

// postings are the similar-index postings of one writer (a stage) or one
// transaction (groupPostings), and the changes of the counts they make,
// until they are written: one block for each bigram, under the next block
// number (m/sgblock).
type postings struct {
	ops    map[uint32][]byte // bigram → its ops, in order
	counts map[uint32]int64  // bigram → the change of its count
}

// Posting ops in a block: op, then the entry's ID as a uvarint length and
// its bytes.
const (
	opPosted   = '+'
	opUnposted = '-'
)

// post records op (opPosted, opUnposted, or 0 for none) of fid under g,
// and the change delta of g's count.
func (p *postings) post(g uint32, fid string, op byte, delta int64) {
	p.init()
	if op != 0 {
		b := append(p.ops[g], op)
		b = binary.AppendUvarint(b, uint64(len(fid)))
		p.ops[g] = append(b, fid...)
	}
	p.counts[g] += delta
}

func (p *postings) init() {
	if p.ops == nil {
		p.ops, p.counts = map[uint32][]byte{}, map[uint32]int64{}
	}
}

// add appends q's postings after p's.
func (p *postings) add(q *postings) {
	if len(q.counts) == 0 {
		return
	}
	p.init()
	for g, ops := range q.ops {
		p.ops[g] = append(p.ops[g], ops...)
	}
	for g, d := range q.counts {
		p.counts[g] += d
	}
}

// flush writes p into txn: one block for each bigram, under the next
// block number, and the counts it changes, read through cache when it is
// not nil (else from txn). It returns the counts as written (0: the count
// was deleted) and empties p.
func (p *postings) flush(txn *badger.Txn, cache *countCache) (map[uint32]uint64, error) {
	if len(p.ops) > 0 {
		n, err := getUint(txn, []byte(keySimilarBlock))
		if err != nil {
			return nil, err
		}
		n++
		if err := setUint(txn, []byte(keySimilarBlock), n); err != nil {
			return nil, err
		}
		block := fmt.Sprintf("%016x", n)
		for _, g := range slices.Sorted(maps.Keys(p.ops)) {
			if err := txn.Set(key("sb", gramHex(g), block), p.ops[g]); err != nil {
				return nil, err
			}
		}
	}
	written := make(map[uint32]uint64, len(p.counts))
	for _, g := range slices.Sorted(maps.Keys(p.counts)) {
		d := p.counts[g]
		if d == 0 {
			continue
		}
		k := key("sgn", gramHex(g))
		n, ok := cache.get(g)
		if !ok {
			var err error
			if n, err = getUint(txn, k); err != nil {
				return nil, err
			}
		}
		v := int64(n) + d
		var err error
		if v <= 0 {
			v, err = 0, txn.Delete(k)
		} else {
			err = setUint(txn, k, uint64(v))
		}
		if err != nil {
			return nil, err
		}
		written[g] = uint64(v)
	}
	*p = postings{}
	return written, nil
}

// countCache holds counts of the similar index as committed (sgn/), so
// that a group commit reads from Badger only the counts of the bigrams it
// has not met lately: a group touches hundreds of bigrams, most of them
// common ones, and reading each count cost about a tenth of the CPU of a
// submission. The invariant that keeps it true: every write of a count
// holds writeMu and either is a group commit's, which puts the counts it
// wrote once its commit succeeded (runGroup), or drops the counts it
// writes (flushAlone) before its commit. Two generations bound it: when
// the newer holds countCacheSize entries it becomes the older, and the
// older goes.
type countCache struct{ cur, old map[uint32]uint64 }

const countCacheSize = 1 << 20

// get returns g's count and whether the cache holds it. A nil cache holds
// nothing.
func (c *countCache) get(g uint32) (uint64, bool) {
	if c == nil {
		return 0, false
	}
	if n, ok := c.cur[g]; ok {
		return n, true
	}
	n, ok := c.old[g]
	if ok {
		c.put(g, n)
	}
	return n, ok
}

func (c *countCache) put(g uint32, n uint64) {
	if c.cur == nil || len(c.cur) >= countCacheSize {
		c.old, c.cur = c.cur, make(map[uint32]uint64)
	}
	c.cur[g] = n
}

func (c *countCache) drop(g uint32) {
	delete(c.cur, g)
	delete(c.old, g)
}

// flushAlone flushes p into txn outside a group commit, dropping the
// counts it writes from the cache (see countCache). Callers hold writeMu.
func (s *Store) flushAlone(txn *badger.Txn, p *postings) error {
	written, err := p.flush(txn, nil)
	for g := range written {
		s.counts.drop(g)
	}
	return err
}

// ForgetCounts empties the cache of the similar index's counts: for tests
// that write the index through DB while the store is open.
func (s *Store) ForgetCounts() {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	s.counts = countCache{}
}

// replay applies the ops of block b to live, the entries posted under its
// bigram in the blocks before it.
func replay(b []byte, live *postingSet) error {
	for len(b) > 0 {
		op := b[0]
		n, k := binary.Uvarint(b[1:])
		if k <= 0 || uint64(len(b)-1-k) < n || (op != opPosted && op != opUnposted) {
			return errors.New("similar index: a damaged block of postings")
		}
		id := string(b[1+k : 1+k+int(n)])
		if op == opPosted {
			live.post(id)
		} else {
			live.unpost(id)
		}
		b = b[1+k+int(n):]
	}
	return nil
}

// postingSet is the entries posted under one bigram, as a query replays
// its blocks: a list, indexed from the first entry unposted on (the
// blocks of most bigrams only post).
type postingSet struct {
	ids []string
	at  map[string]int // where each entry is in ids, once one was unposted
}

func (p *postingSet) post(id string) {
	if p.at != nil {
		if _, ok := p.at[id]; ok {
			return
		}
		p.at[id] = len(p.ids)
	}
	p.ids = append(p.ids, id)
}

func (p *postingSet) unpost(id string) {
	if p.at == nil {
		p.at = make(map[string]int, len(p.ids))
		for i, id := range p.ids {
			p.at[id] = i
		}
	}
	i, ok := p.at[id]
	if !ok {
		return
	}
	last := len(p.ids) - 1
	p.ids[i] = p.ids[last]
	p.at[p.ids[i]] = i
	p.ids = p.ids[:last]
	delete(p.at, id)
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
		legacy := !s.slim.Load()
		for _, g := range gs {
			if read+int(g.n) > similarPostingBudget {
				break
			}
			live, err := postedUnder(txn, g.hex, legacy)
			if err != nil {
				return err
			}
			w := 1 / math.Log(math.E+float64(g.n))
			for _, id := range live {
				read++
				if id != fid {
					weight[id] += w
				}
			}
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

// postedUnder returns the entries posted under the bigram of hex h: its
// blocks replayed in order, and its postings of an older bureau when
// legacy.
func postedUnder(txn *badger.Txn, h string, legacy bool) ([]string, error) {
	var live postingSet
	opts := badger.DefaultIteratorOptions
	opts.PrefetchValues = false // read as replayed: most blocks are small, and a prefetch is a goroutine each
	opts.Prefix = key("sb", h, "")
	it := txn.NewIterator(opts)
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		if err := it.Item().Value(func(b []byte) error { return replay(b, &live) }); err != nil {
			return nil, err
		}
	}
	if legacy {
		prefix := key("sg", h, "")
		opts.Prefix = prefix
		it := txn.NewIterator(opts)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			live.post(string(it.Item().Key()[len(prefix):]))
		}
	}
	return live.ids, nil
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
	if rec.V >= indexGrams {
		return rec.IndexGrams()
	}
	return allGrams(rec.Fingerprint)
}

// slimSimilarIndex re-posts every entry of the index posted by an older
// bureau (similarRecord.V below similarGrams) as this one posts it: under
// IndexGrams only, in blocks (dropping its keys of one posting each, and
// the counts of the hashes it is no longer posted under), slimBatch
// entries a commit through the group commit, so
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
	s.slim.Store(true)
	if done > 0 {
		s.log.Info("similar-projects index: entries of an older bureau re-posted", "entries", done)
	}
}

// similarSlim reports whether every entry of the index is posted as this
// bureau posts it (m/similargrams holds similarGrams).
func similarSlim(txn *badger.Txn) (bool, error) {
	item, err := txn.Get([]byte(keySimilarGrams))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	v, err := item.ValueCopy(nil)
	if err != nil {
		return false, err
	}
	n, _ := strconv.Atoi(string(v))
	return n >= similarGrams, nil
}

// Similar returns the declarations most like declaration fid. An index
// left by an older bureau is built first.
func (s *Store) Similar(ctx context.Context, fid string) ([]console.SimilarItem, error) {
	if err := s.rebuildSimilarIndex(); err != nil {
		return nil, err
	}
	return s.similar(fid)
}
