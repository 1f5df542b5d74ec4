package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/dgraph-io/badger/v4"

	"egovdesk/app"
)

// indexKeys returns the ordered index keys of s; each holds the encoded summary.
func indexKeys(s *Summary) []string {
	d := desc(s.Listed)
	return []string{
		"x/upd/" + d + "/" + s.ID,
		"x/kind/" + string(s.Kind) + "/" + d + "/" + s.ID,
		"x/status/" + string(s.Status) + "/" + d + "/" + s.ID,
		fmt.Sprintf("x/year/%04d/%s/%s", s.PlanYear, d, s.ID),
	}
}

// gramKey returns the posting key of gram for filing id.
func gramKey(gram, id string) string { return "g/" + gram + "\x00" + id }

// writeSummary stores s as the summary of its filing and brings every index
// entry up to date with it: it deletes the entries of old (nil for a new
// filing) that changed and writes the new ones. Callers hold the transaction
// that also writes the document, so documents and indexes never disagree.
func writeSummary(txn *badger.Txn, old, s *Summary) error {
	if err := dropFoldedReceipt(txn, old); err != nil { // s was made from old, receipt and all
		return err
	}
	if err := txn.Set([]byte("s/"+s.ID), s.encodeStored()); err != nil {
		return err
	}
	enc := s.encode() // what lists show: the anchors stay under s/
	if old == nil || old.Status != s.Status || old.Kind != s.Kind {
		if err := countFiling(txn, old, -1); err != nil {
			return err
		}
		if err := countFiling(txn, s, +1); err != nil {
			return err
		}
	}
	newKeys := indexKeys(s)
	if old != nil {
		for _, k := range indexKeys(old) {
			if !slices.Contains(newKeys, k) {
				if err := txn.Delete([]byte(k)); err != nil {
					return err
				}
			}
		}
	}
	for _, k := range newKeys {
		if err := txn.Set([]byte(k), enc); err != nil {
			return err
		}
	}
	var oldGrams []string
	if old != nil {
		if old.Title == s.Title {
			return nil
		}
		oldGrams = grams(old.Title)
	}
	newGrams := grams(s.Title)
	for _, g := range oldGrams {
		if !slices.Contains(newGrams, g) {
			if err := txn.Delete([]byte(gramKey(g, s.ID))); err != nil {
				return err
			}
		}
	}
	for _, g := range newGrams {
		if !slices.Contains(oldGrams, g) {
			if err := txn.Set([]byte(gramKey(g, s.ID)), nil); err != nil {
				return err
			}
		}
	}
	return nil
}

// countFiling adds d to the counters of s's kind and status (nothing for nil).
// Only a new filing or a change of status touches them, so concurrent
// autosaves of different filings do not conflict on them.
func countFiling(txn *badger.Txn, s *Summary, d int) error {
	if s == nil {
		return nil
	}
	for _, k := range []string{"c/kind/" + string(s.Kind), "c/status/" + string(s.Status)} {
		n := 0
		b, err := getValue(txn, k)
		switch {
		case errors.Is(err, badger.ErrKeyNotFound):
		case err != nil:
			return err
		default:
			if n, err = strconv.Atoi(string(b)); err != nil {
				return fmt.Errorf("bad counter %s: %w", k, err)
			}
		}
		if err := txn.Set([]byte(k), []byte(strconv.Itoa(n+d))); err != nil {
			return err
		}
	}
	return nil
}

// iterate calls fn with the key (without prefix) and value of every key under prefix.
func iterate(txn *badger.Txn, prefix string, fn func(k, v []byte) error) error {
	it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte(prefix)})
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		item := it.Item()
		err := item.Value(func(v []byte) error { return fn(item.Key()[len(prefix):], v) })
		if err != nil {
			return err
		}
	}
	return nil
}

// readSummary returns the summary of id with its receipt applied (see
// receipt.go), or nil when there is none. A summary that took its receipt
// from a receipt key says so (receiptFolded), and writeSummary removes it.
func readSummary(txn *badger.Txn, id string) (*Summary, error) {
	s, err := readStoredSummary(txn, id)
	if err != nil || s == nil {
		return s, err
	}
	if s.receiptFolded, err = applyReceipt(txn, s); err != nil {
		return nil, err
	}
	return s, nil
}

// readStoredSummary returns the summary of id as stored under s/, or nil
// when there is none.
func readStoredSummary(txn *badger.Txn, id string) (*Summary, error) {
	b, err := getValue(txn, "s/"+id)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	s, err := decodeSummary(b)
	if err != nil {
		return nil, fmt.Errorf("summary of %s: %w", id, err)
	}
	return &s, nil
}

// grams returns the distinct unigrams and bigrams of the folded title,
// skipping those that contain white space.
func grams(title string) []string {
	rs := []rune(app.SearchFold(title))
	out := make([]string, 0, 2*len(rs))
	for i, r := range rs {
		if unicode.IsSpace(r) {
			continue
		}
		out = append(out, string(r))
		if i+1 < len(rs) && !unicode.IsSpace(rs[i+1]) {
			out = append(out, string(rs[i:i+2]))
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// queryGrams returns the grams every title matching term must contain: its
// bigrams, or the single rune of a one-rune term.
func queryGrams(term string) []string {
	rs := []rune(term)
	if len(rs) == 1 {
		return []string{term}
	}
	out := make([]string, 0, len(rs)-1)
	for i := 0; i+1 < len(rs); i++ {
		out = append(out, string(rs[i:i+2]))
	}
	return out
}

// matches reports whether the row s is one q selects, terms being q.Text's
// folded terms.
func matches(q *app.Query, s *app.FilingRow, terms []string) bool {
	if q.Kind != "" && s.Kind != q.Kind || q.Status != "" && s.Status != q.Status ||
		q.PlanYear != 0 && s.PlanYear != q.PlanYear {
		return false
	}
	if len(terms) > 0 {
		t := app.SearchFold(s.Title)
		for _, term := range terms {
			if !strings.Contains(t, term) {
				return false
			}
		}
	}
	return true
}

// indexPrefix returns the most selective ordered index for q.
func indexPrefix(q *app.Query) string {
	switch {
	case q.Status != "":
		return "x/status/" + string(q.Status) + "/"
	case q.Kind != "":
		return "x/kind/" + string(q.Kind) + "/"
	case q.PlanYear != 0:
		return fmt.Sprintf("x/year/%04d/", q.PlanYear)
	}
	return "x/upd/"
}

// pointLookupMax is the number of search candidates up to which List reads
// their summaries one by one and sorts; above it, it walks the ordered index
// and stops at the page end.
const pointLookupMax = 256

// List returns the rows of the filings q selects. It reads summaries
// only, from the ordered index entries or, for a search with few candidates,
// one by one: no document is decoded, and a text search intersects n-gram
// posting lists before it reads any summary. It fails with ctx's error or a wrapped
// storage error.
func (s *Store) List(ctx context.Context, q app.Query) ([]app.FilingRow, error) {
	terms := strings.Fields(app.SearchFold(q.Text))
	out, err := s.list(ctx, q, terms)
	if err == nil && len(out) == 0 {
		// Nothing has the words as typed: a clerk types Chinese without
		// spaces, and "社区平台" found nothing of 智慧社区管理平台, while
		// "社区 平台" found it. Read such a term as its words of two.
		if loose := app.WordsOfTwo(terms); loose != nil {
			return s.list(ctx, q, loose)
		}
	}
	return out, err
}

func (s *Store) list(ctx context.Context, q app.Query, terms []string) ([]app.FilingRow, error) {
	var out []app.FilingRow
	err := s.view(ctx, func(txn *badger.Txn) error {
		var cand map[string]struct{}
		var err error
		if len(terms) > 0 {
			if cand, err = candidates(txn, terms); err != nil {
				return err
			}
			if len(cand) == 0 {
				return nil
			}
			if len(cand) <= pointLookupMax {
				out, err = lookup(txn, &q, cand, terms)
				return err
			}
		}
		out, err = scan(ctx, txn, &q, cand, terms)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list filings: %w", err)
	}
	return out, nil
}

// candidates returns the IDs of filings whose titles hold every gram of terms.
func candidates(txn *badger.Txn, terms []string) (map[string]struct{}, error) {
	var gs []string
	for _, t := range terms {
		gs = append(gs, queryGrams(t)...)
	}
	slices.Sort(gs)
	gs = slices.Compact(gs)
	var set map[string]struct{}
	for _, g := range gs {
		next := map[string]struct{}{}
		if set != nil && len(set) <= pointLookupMax {
			// Few candidates left: probing their postings beats scanning the list.
			for id := range set {
				if _, err := txn.Get([]byte(gramKey(g, id))); err == nil {
					next[id] = struct{}{}
				} else if !errors.Is(err, badger.ErrKeyNotFound) {
					return nil, err
				}
			}
			set = next
			if len(set) == 0 {
				break
			}
			continue
		}
		prefix := []byte("g/" + g + "\x00")
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
		for it.Rewind(); it.Valid(); it.Next() {
			id := string(it.Item().Key()[len(prefix):])
			if _, ok := set[id]; set == nil || ok {
				next[id] = struct{}{}
			}
		}
		it.Close()
		set = next
		if len(set) == 0 {
			break
		}
	}
	return set, nil
}

// lookup reads the summaries of a few candidates, filters and sorts them.
func lookup(txn *badger.Txn, q *app.Query, cand map[string]struct{}, terms []string) ([]app.FilingRow, error) {
	var all []app.FilingRow
	for id := range cand {
		s, err := readSummary(txn, id)
		if err != nil {
			return nil, err
		}
		if s != nil && matches(q, &s.FilingRow, terms) {
			all = append(all, s.FilingRow) // without the anchors, as index entries
		}
	}
	slices.SortFunc(all, func(a, b app.FilingRow) int {
		if c := b.Listed.Compare(a.Listed); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	if q.Offset > 0 {
		all = all[min(q.Offset, len(all)):]
	}
	if q.Limit > 0 && len(all) > q.Limit {
		all = all[:q.Limit]
	}
	return all, nil
}

// scan walks the ordered index indexPrefix(q) selects, newest first, decoding only
// entries in cand (all when cand is nil), until the page is full.
func scan(ctx context.Context, txn *badger.Txn, q *app.Query, cand map[string]struct{}, terms []string) ([]app.FilingRow, error) {
	it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte(indexPrefix(q))})
	defer it.Close()
	var out []app.FilingRow
	skip := q.Offset
	n := 0
	for it.Rewind(); it.Valid(); it.Next() {
		if n++; n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		item := it.Item()
		if cand != nil {
			k := item.Key()
			if _, ok := cand[string(k[bytes.LastIndexByte(k, '/')+1:])]; !ok {
				continue
			}
		}
		var sum Summary
		err := item.Value(func(v []byte) error {
			var err error
			sum, err = decodeSummary(v)
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("index entry %s: %w", item.Key(), err)
		}
		if !matches(q, &sum.FilingRow, terms) {
			continue
		}
		if skip > 0 {
			skip--
			continue
		}
		if _, err := applyReceipt(txn, &sum); err != nil {
			return nil, err
		}
		out = append(out, sum.FilingRow)
		if q.Limit > 0 && len(out) == q.Limit {
			break
		}
	}
	return out, nil
}

// Counts returns the list counts from counters kept with the indexes,
// key-only counts of the outbox and a count of the unread markers (whose
// small values tell decisions from notices). It fails with a wrapped
// storage error.
func (s *Store) Counts(ctx context.Context) (app.Counts, error) {
	c := app.Counts{ByKind: map[app.Kind]int{}, ByStatus: map[app.Status]int{}}
	err := s.view(ctx, func(txn *badger.Txn) error {
		err := iterate(txn, "c/", func(k, v []byte) error {
			n, err := strconv.Atoi(string(v))
			if err != nil || n == 0 {
				return err
			}
			switch kind, name, _ := strings.Cut(string(k), "/"); kind {
			case "kind":
				c.ByKind[app.Kind(name)] = n
				c.Total += n
			case "status":
				c.ByStatus[app.Status(name)] = n
			}
			return nil
		})
		if err != nil {
			return err
		}
		err = iterate(txn, "iu/", func(k, v []byte) error {
			c.Unread++
			if unreadDecision(string(k), v) {
				c.UnreadDecisions++
			}
			return nil
		})
		c.Outbox = countKeys(txn, "o/")
		c.Failed = countKeys(txn, "of/")
		return err
	})
	if err != nil {
		return app.Counts{}, fmt.Errorf("count filings: %w", err)
	}
	c.Drafts = c.ByStatus[app.StatusDraft]
	c.Returned = c.ByStatus[app.StatusReturned]
	return c, nil
}

// unreadDecision reports whether the unread marker of inbox entry id, whose
// value is the entry's filing ID, marks a decision: notices to the unit have
// no filing, the notices RequeueLost writes about a filing have IDs
// under "lost/", those about the drafts' copies at the bureau under
// "draft-" (draftcopy.go, draftrevision.go) and those about a revision
// conflict reconciled under "reconcile-" (adopt.go); decisions' IDs are hex
// digests.
func unreadDecision(id string, filingID []byte) bool {
	return len(filingID) > 0 && !strings.HasPrefix(id, "lost/") && !strings.HasPrefix(id, "draft-") &&
		!strings.HasPrefix(id, "reconcile-") && !strings.HasPrefix(id, RefusedPrefix)
}

// countKeys returns the number of keys under prefix.
func countKeys(txn *badger.Txn, prefix string) int {
	it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte(prefix)})
	defer it.Close()
	n := 0
	for it.Rewind(); it.Valid(); it.Next() {
		n++
	}
	return n
}
