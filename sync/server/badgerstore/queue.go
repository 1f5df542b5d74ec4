package badgerstore

import (
	"bytes"
	"cmp"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/dgraph-io/badger/v4"

	"egovdesk/app"
	"egovdesk/sync/server/bureaustore"
	"egovdesk/sync/server/console"
)

// The review queue's keyset index, for the console's paged queue. This file
// is the index's only Badger access: indexQueue (called in every
// transaction that changes a filing's status), queuePage and
// rebuildQueueIndex.
//
//	qx/<since: 16 hex, ns since 1970>/<filing>  console.QueueItem, JSON
//	qxp/<filing>                               the filing's qx/ key
//	qc/s/<status>                              how many entries have that status (8 bytes)
//	qc/u/<unit>/<day: yyyymmdd>                how many of the unit's entries arrived that day (a Beijing date)
//	qc/k/<kind>/<status>                       how many entries have that kind and status
//	m/queueindex                               queueIndexVersion once qx/ holds every filing awaiting review
//
// Entries are ordered by the time the filing reached its current step,
// oldest first: the order a reviewer works in, and the order in which the
// review time limit runs out, so "overdue only" is a prefix of the index.
// The counters, kept in the same transactions, give the overview without
// reading the entries: only those of the day or two whose filings are
// running out of time now are read, to split them exactly.
const (
	keyQueueIndex = "m/queueindex"
	// queueIndexVersion 2 added the counters, 3 those by kind and status
	// (queueCounts), 4 keyed the per-day counters by Beijing date (they
	// were in the server's zone, and 概况's 最早到达 showed a UTC date): an
	// index of an earlier version is rebuilt.
	queueIndexVersion = "4"
	// queueScanBudget bounds the entries one page reads, so a filter that
	// matches little of a long queue answers in bounded time with a
	// partial page and a cursor to continue.
	queueScanBudget = 10000
)

func queueKey(since time.Time, fid string) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(max(since.UnixNano(), 0)))
	return key("qx", hex.EncodeToString(b[:]), fid)
}

// indexQueue keeps fr's entry of the queue index up to date, reading from
// txn and writing through w: an entry keyed by fr's last change when it is
// in the queue, none otherwise. body is the revision's content when the
// caller holds it decoded (it is read from the store otherwise); unitName
// is looked up when empty.
func (s *Store) indexQueue(txn *badger.Txn, w writer, fr bureaustore.Filing, unitName string, body *app.Body) error {
	f := fr.Filing
	var old []byte
	if item, err := txn.Get(key("qxp", f.ID)); err == nil {
		if old, err = item.ValueCopy(nil); err != nil {
			return err
		}
	} else if !errors.Is(err, badger.ErrKeyNotFound) {
		return err
	}
	// The entry it replaces: its counts go, and a decision (which keeps
	// the revision) keeps its content's facts without decoding the body
	// again.
	var prev console.QueueItem
	deltas := map[string]int64{}
	if old != nil {
		if err := getJSON(txn, old, &prev); err != nil && !errors.Is(err, badger.ErrKeyNotFound) {
			return err
		}
		if prev.ID == f.ID {
			since, _ := keySince(old)
			s.count(deltas, prev.Kind, prev.Status, prev.UnitID, since, -1)
		}
	}
	if !bureaustore.InQueue(f.Status) {
		if old == nil {
			return nil
		}
		if err := w.Delete(old); err != nil {
			return err
		}
		if err := w.Delete(key("qxp", f.ID)); err != nil {
			return err
		}
		return addCounts(txn, w, deltas)
	}
	e := bureaustore.QueueEntry(fr, unitName)
	if body != nil {
		prev = console.QueueItem{} // the revision is new: its facts are read from body
	}
	if prev.ID == f.ID && prev.Revision == f.Revision.Number {
		e.Year, e.Total = prev.Year, prev.Total
		if e.UnitName == "" {
			e.UnitName = prev.UnitName
		}
	} else {
		if body == nil {
			item, err := txn.Get(key("rb", f.ID, f.Revision.ID))
			if err != nil {
				return fmt.Errorf("queue index of %s: %w", f.ID, err)
			}
			var b app.Body
			if err := item.Value(func(v []byte) error { return json.Unmarshal(v, &b) }); err != nil {
				return fmt.Errorf("queue index of %s: %w", f.ID, err)
			}
			body = &b
		}
		e.Year, e.Total = bureaustore.QueueFacts(f, body)
	}
	if e.UnitName == "" {
		u, err := s.unit(txn, f.UnitID)
		if err != nil {
			return err
		}
		e.UnitName = u.Name
	}
	k := queueKey(e.Since, f.ID)
	if old != nil && !bytes.Equal(old, k) {
		if err := w.Delete(old); err != nil {
			return err
		}
	}
	if err := setJSON(w, k, e); err != nil {
		return err
	}
	if err := w.Set(key("qxp", f.ID), k); err != nil {
		return err
	}
	s.count(deltas, e.Kind, e.Status, e.UnitID, e.Since, 1)
	return addCounts(txn, w, deltas)
}

// count adds n to the counters of an entry of the queue index: by status,
// by kind and status, and by unit and the day (in the bureau's zone) it arrived.
func (s *Store) count(deltas map[string]int64, kind app.Kind, st app.Status, unit string, since time.Time, n int64) {
	deltas[string(key("qc", "s", string(st)))] += n
	deltas[string(key("qc", "k", string(kind), string(st)))] += n
	deltas[string(key("qc", "u", unit, since.In(app.Beijing).Format("20060102")))] += n
}

// rebuildQueueIndex indexes every queued filing once (indexQueue leaves
// the others out), for a store written
// before the index existed. Writers hold writeMu, so nothing moves meanwhile.
func (s *Store) rebuildQueueIndex() error {
	indexed := func() (bool, error) {
		var done bool
		err := s.db.View(func(txn *badger.Txn) error {
			item, err := txn.Get([]byte(keyQueueIndex))
			if errors.Is(err, badger.ErrKeyNotFound) {
				return nil
			}
			if err != nil {
				return err
			}
			return item.Value(func(v []byte) error {
				done = string(v) == queueIndexVersion
				return nil
			})
		})
		return done, err
	}
	if done, err := indexed(); err != nil || done {
		return err // the common case: no lock taken
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	if done, err := indexed(); err != nil || done {
		return err
	}
	// An index of an earlier version goes first: its entries have no counts.
	for _, p := range []string{"qx/", "qxp/", "qc/"} {
		var ks []string
		if err := s.db.View(func(txn *badger.Txn) error {
			ks = keysWithPrefix(txn, []byte(p))
			return nil
		}); err != nil {
			return err
		}
		for len(ks) > 0 {
			n := min(len(ks), 1000)
			if err := s.db.Update(func(txn *badger.Txn) error {
				for _, k := range ks[:n] {
					if err := txn.Delete([]byte(p + k)); err != nil {
						return err
					}
				}
				return nil
			}); err != nil {
				return fmt.Errorf("drop queue index: %w", err)
			}
			ks = ks[n:]
		}
	}
	err := s.eachFiling(s.update, func(txn *badger.Txn, _ string, fr bureaustore.Filing) error {
		return s.indexQueue(txn, txn, fr, "", nil)
	})
	if err != nil {
		return fmt.Errorf("rebuild queue index: %w", err)
	}
	return s.db.Update(func(txn *badger.Txn) error { return txn.Set([]byte(keyQueueIndex), []byte(queueIndexVersion)) })
}

// queuePage returns the entries of the queue index that match q, oldest
// first, after q.After, reading at most queueScanBudget entries from txn.
// due is the review time limit of an entry; route is the route of a
// declaration's total under the bureau's profile (nil without one).
// Queue calls it in the snapshot it reads the page's filings in.
func (s *Store) queuePage(txn *badger.Txn, q console.QueueQuery, now time.Time, due func(since time.Time) time.Time, route func(app.Money) app.Route) (console.QueuePage, error) {
	var page console.QueuePage
	limit := q.Limit
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	prefix := key("qx", "")
	start := prefix
	if !q.From.IsZero() {
		start = queueKey(q.From, "")
	}
	if q.After != "" {
		after, err := base64.RawURLEncoding.DecodeString(q.After)
		if err != nil || !bytes.HasPrefix(after, prefix) || len(after) > 200 {
			return page, bureaustore.Refuse(bureaustore.ErrInvalid, app.Errorf(app.EINVALID, "翻页位置无效，请回到第一页"))
		}
		if bytes.Compare(after, start) >= 0 {
			start = append(after, 0) // the first key after it
		}
	}
	var end []byte
	if !q.To.IsZero() {
		end = queueKey(q.To, "")
	}
	text := strings.TrimSpace(app.SearchFold(q.Text))
	words := bureaustore.QueueWords(text)
	needles := prefilter(q, text, words)
	// By the Beijing date a filing arrived, many sharing one: working days
	// are counted on Beijing dates (app.Calendar), so two filings of one
	// UTC date may have different limits.
	dues := map[int64]time.Time{}
	dueOf := func(since time.Time) time.Time {
		y, m, d := since.In(app.Beijing).Date()
		k := int64(y)*10000 + int64(m)*100 + int64(d)
		t, ok := dues[k]
		if !ok {
			t = due(since)
			dues[k] = t
		}
		return t
	}
	err := func() error {
		opts := badger.DefaultIteratorOptions
		opts.Prefix = prefix
		// Entries are small and kept in the LSM tree, not the value log:
		// prefetching them in goroutines costs more than it saves.
		opts.PrefetchValues = false
		it := txn.NewIterator(opts)
		defer it.Close()
		var last []byte
		for it.Seek(start); it.ValidForPrefix(prefix); it.Next() {
			k := it.Item().Key()
			if end != nil && bytes.Compare(k, end) >= 0 {
				return nil
			}
			if page.Scanned == queueScanBudget {
				page.Partial = len(page.Items) < limit
				page.Next = base64.RawURLEncoding.EncodeToString(last)
				return nil
			}
			page.Scanned++
			last = it.Item().KeyCopy(last[:0])
			// The key says when the filing arrived: overdue ends there
			// without reading the record.
			since, ok := keySince(k)
			if !ok {
				return fmt.Errorf("queue index key %q", k)
			}
			d := dueOf(since)
			if q.Overdue && !d.Before(now) {
				return nil // the index is in due order: no later entry is overdue
			}
			var e console.QueueItem
			skip := false
			if err := it.Item().Value(func(v []byte) error {
				// Entries that cannot match are not decoded (the bulk of a
				// search): each filter's field must be in the raw record.
				for _, n := range needles {
					if !n.in(v) {
						skip = true
						return nil
					}
				}
				return json.Unmarshal(v, &e)
			}); err != nil {
				return fmt.Errorf("decode %s: %w", k, err)
			}
			if skip {
				continue
			}
			e.Due = d
			if route != nil && e.Kind == app.KindDeclaration {
				r := route(e.Total)
				e.Route, e.RouteLabel = r.Code, r.Label
			}
			if !bureaustore.QueueMatches(q, text, words, e) {
				continue
			}
			if len(page.Items) == limit {
				// One more match: there is a next page, after the last item.
				page.Next = base64.RawURLEncoding.EncodeToString(queueKey(page.Items[limit-1].Since, page.Items[limit-1].ID))
				return nil
			}
			page.Items = append(page.Items, e)
		}
		return nil
	}()
	if err != nil {
		return page, fmt.Errorf("review queue: %w", err)
	}
	return page, nil
}

// keySince reads the arrival time out of a qx/ key.
func keySince(k []byte) (time.Time, bool) {
	const p = len("qx/")
	if len(k) < p+16 {
		return time.Time{}, false
	}
	var b [8]byte
	if _, err := hex.Decode(b[:], k[p:p+16]); err != nil {
		return time.Time{}, false
	}
	return time.Unix(0, int64(binary.BigEndian.Uint64(b[:]))), true
}

// needle is a byte string an entry's JSON must hold to match a filter.
type needle struct{ b []byte }

func (n needle) in(v []byte) bool { return bytes.Contains(v, n.b) }

// prefilter returns the needles of q's equality filters and search text
// in an entry's JSON encoding (encoding/json writes CJK as is and escapes
// only <, >, & and control characters, which the text is checked for).
// They are a necessary condition; matches decides.
func prefilter(q console.QueueQuery, text string, words []string) []needle {
	var out []needle
	field := func(name, value string) {
		out = append(out, needle{b: []byte(`"` + name + `":` + value)})
	}
	if q.Kind != "" {
		field("kind", strconv.Quote(string(q.Kind)))
	}
	if q.UnitID != "" && !strings.ContainsAny(q.UnitID, "\\\"<>&") {
		field("unit_id", strconv.Quote(q.UnitID))
	}
	if q.Year != 0 {
		field("year", strconv.Itoa(q.Year)+",")
	}
	if q.Status != "" {
		field("status", strconv.Quote(string(q.Status)))
	}
	if text != "" && !strings.ContainsFunc(text, func(r rune) bool { return r < 0x20 || strings.ContainsRune("\\\"<>&", r) }) {
		// Each of its words (社区平台: 社区, 平台) is in an entry that holds
		// the text as typed, and in one found by its words; not in these
		// bytes when it has Latin letters or digits, which the title may
		// hold in 全角 (gis finds ＧＩＳ: app.SearchFold): those are left to
		// QueueMatches.
		for _, w := range words {
			if strings.ContainsFunc(w, func(r rune) bool { return r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)) }) {
				continue
			}
			out = append(out, needle{b: []byte(w)})
		}
	}
	return out
}

// queueOverview counts the queue by status and by unit, with the overdue
// (due is the review time limit), from the counters of the queue index:
// a day's arrivals are overdue together, but for the days whose limit runs
// out between their first and last moment, whose entries are read to
// split them.
func (s *Store) queueOverview(now time.Time, due func(since time.Time) time.Time) (console.Overview, error) {
	ov := console.Overview{ByStatus: map[app.Status]int{}}
	loc := app.Beijing // the counters' days
	units := map[string]*console.UnitLoad{}
	var order []string
	err := s.db.View(func(txn *badger.Txn) error {
		byStatus := key("qc", "s", "")
		if err := eachCount(txn, byStatus, func(k []byte, n int) error {
			ov.ByStatus[app.Status(k[len(byStatus):])] += n
			ov.Total += n
			return nil
		}); err != nil {
			return err
		}
		byUnit := key("qc", "u", "")
		split := map[string]map[string]int{} // day → unit → overdue, for the days read
		return eachCount(txn, byUnit, func(k []byte, n int) error {
			unit, day, ok := bytes.Cut(k[len(byUnit):], []byte("/"))
			start, err := time.ParseInLocation("20060102", string(day), loc)
			if !ok || err != nil {
				return fmt.Errorf("queue counter %q", k)
			}
			u := units[string(unit)]
			if u == nil {
				un, err := s.unit(txn, string(unit))
				if err != nil {
					return err
				}
				u = &console.UnitLoad{UnitID: un.ID, UnitName: un.Name, Oldest: start} // the first day is the oldest
				units[string(unit)] = u
				order = append(order, string(unit))
			}
			u.Waiting += n
			end := start.AddDate(0, 0, 1)
			switch {
			case due(end.Add(-time.Nanosecond)).Before(now):
				u.Overdue += n
			case !due(start).Before(now):
			default:
				d, ok := split[string(day)]
				if !ok {
					var err error
					if d, err = s.overdueOn(txn, start, end, due, now); err != nil {
						return err
					}
					split[string(day)] = d
				}
				u.Overdue += d[string(unit)]
			}
			return nil
		})
	})
	if err != nil {
		return ov, fmt.Errorf("queue overview: %w", err)
	}
	for _, id := range order {
		ov.Overdue += units[id].Overdue
		ov.Units = append(ov.Units, *units[id])
	}
	slices.SortFunc(ov.Units, func(a, b console.UnitLoad) int {
		return cmp.Or(b.Overdue-a.Overdue, a.Oldest.Compare(b.Oldest), b.Waiting-a.Waiting, strings.Compare(a.UnitName, b.UnitName))
	})
	return ov, nil
}

// overdueOn counts by unit the entries of the queue index that arrived in
// [start, end) and are past their limit at now.
func (s *Store) overdueOn(txn *badger.Txn, start, end time.Time, due func(time.Time) time.Time, now time.Time) (map[string]int, error) {
	out := map[string]int{}
	opts := badger.DefaultIteratorOptions
	opts.Prefix = key("qx", "")
	opts.PrefetchValues = false
	it := txn.NewIterator(opts)
	defer it.Close()
	stop := queueKey(end, "")
	for it.Seek(queueKey(start, "")); it.Valid() && bytes.Compare(it.Item().Key(), stop) < 0; it.Next() {
		since, ok := keySince(it.Item().Key())
		if !ok {
			return nil, fmt.Errorf("queue index key %q", it.Item().Key())
		}
		if !due(since.In(now.Location())).Before(now) {
			break // in due order: none after is overdue
		}
		if err := it.Item().Value(func(v []byte) error {
			out[string(plainField(v, "unit_id"))]++
			return nil
		}); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// eachCount calls fn with each counter under prefix and its count.
func eachCount(txn *badger.Txn, prefix []byte, fn func(k []byte, n int) error) error {
	opts := badger.DefaultIteratorOptions
	opts.Prefix = prefix
	it := txn.NewIterator(opts)
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		var n uint64
		if err := it.Item().Value(func(v []byte) error {
			if len(v) != 8 {
				return fmt.Errorf("counter %s: %d bytes", it.Item().Key(), len(v))
			}
			n = binary.BigEndian.Uint64(v)
			return nil
		}); err != nil {
			return err
		}
		if err := fn(it.Item().Key(), int(n)); err != nil {
			return err
		}
	}
	return nil
}

// plainField returns the value of the string field name in the JSON object
// v when it holds no escapes (ids and codes), or nil.
func plainField(v []byte, name string) []byte {
	k := []byte(`"` + name + `":"`)
	i := bytes.Index(v, k)
	if i < 0 {
		return nil
	}
	rest := v[i+len(k):]
	j := bytes.IndexByte(rest, '"')
	if j < 0 || bytes.IndexByte(rest[:j], '\\') >= 0 {
		return nil
	}
	return rest[:j]
}

// eachFiling calls fn with every filing, in write transactions of 200
// filings run by update: how an index kept with the filings is built for
// a store from before it.
func (s *Store) eachFiling(update func(context.Context, func(*badger.Txn) error) error, fn func(txn *badger.Txn, id string, fr bureaustore.Filing) error) error {
	var ids []string
	if err := s.db.View(func(txn *badger.Txn) error {
		ids = keysWithPrefix(txn, key("f", ""))
		return nil
	}); err != nil {
		return err
	}
	for len(ids) > 0 {
		n := min(len(ids), 200)
		err := update(context.Background(), func(txn *badger.Txn) error {
			for _, id := range ids[:n] {
				var fr bureaustore.Filing
				if err := getJSON(txn, key("f", id), &fr); err != nil {
					return err
				}
				if err := fn(txn, id, fr); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}

// Queue returns a page of the review queue, its filings' records and the
// whole queue's counts, read in one snapshot. An index left by an older
// bureau is rebuilt first.
func (s *Store) Queue(ctx context.Context, q console.QueueQuery, rules bureaustore.QueueRules) (bureaustore.QueueResult, error) {
	var res bureaustore.QueueResult
	if err := s.rebuildQueueIndex(); err != nil {
		return res, err
	}
	err := s.db.View(func(txn *badger.Txn) error {
		var err error
		if res.Page, err = s.queuePage(txn, q, rules.Now, rules.Due, rules.Route); err != nil {
			return err
		}
		if res.Page.Counts, err = queueCounts(txn, q); err != nil {
			return err
		}
		res.Filings = make([]bureaustore.Filing, len(res.Page.Items))
		for i, e := range res.Page.Items {
			if err := getJSON(txn, key("f", e.ID), &res.Filings[i]); err != nil {
				return err
			}
		}
		return nil
	})
	return res, err
}

// QueueOverview counts the queue from the index's counters.
func (s *Store) QueueOverview(ctx context.Context, rules bureaustore.QueueRules) (console.Overview, error) {
	if err := s.rebuildQueueIndex(); err != nil {
		return console.Overview{}, err
	}
	return s.queueOverview(rules.Now, rules.Due)
}

// queueCounts counts the review queue from the index's counters by kind
// and status (qc/k/<kind>/<status>, kept with every entry by indexQueue):
// at most one counter per kind and status is read, however long the queue.
func queueCounts(txn *badger.Txn, q console.QueueQuery) (console.QueueCounts, error) {
	c := bureaustore.NewQueueCounts(q)
	prefix := key("qc", "k", "")
	err := eachCount(txn, prefix, func(k []byte, n int) error {
		kind, st, _ := bytes.Cut(k[len(prefix):], []byte("/"))
		bureaustore.AddQueueCount(&c, q, app.Kind(kind), app.Status(st), n)
		return nil
	})
	return c, err
}
