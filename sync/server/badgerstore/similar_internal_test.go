package badgerstore

import (
	"context"
	"encoding/binary"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"egovdesk/app"
	"egovdesk/app/apptest"
)

// TestSlimSimilarIndex opens a store whose similar-projects entries an
// older bureau posted under every hash of their fingerprints, and checks
// that after Open each is posted under IndexGrams only, with counts that
// match the postings, and that a near copy still meets its original.
func TestSlimSimilarIndex(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(ctx, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	waitSlim(t, s) // a new store is slim at once
	orig := apptest.Declaration()
	cp := apptest.Declaration()
	cp.ProjectName = strings.Replace(cp.ProjectName, "城关镇", "新店镇", 1)
	other := apptest.ShortDeclaration(7)
	entries := map[string]similarRecord{}
	for id, d := range map[string]*app.Declaration{"f-orig": orig, "f-copy": cp, "f-other": other} {
		entries[id] = similarRecord{Fingerprint: app.DeclarationFingerprint(d), Year: d.PlanYear}
	}
	// What an older bureau left: every hash posted and counted, records
	// without a version, and no slim mark.
	err = s.db.Update(func(txn *badger.Txn) error {
		counts := map[string]uint64{}
		for _, id := range slices.Sorted(maps.Keys(entries)) {
			rec := entries[id]
			for _, g := range allGrams(rec.Fingerprint) {
				if err := txn.Set(key("sg", gramHex(g), id), nil); err != nil {
					return err
				}
				counts[string(key("sgn", gramHex(g)))]++
			}
			if err := setJSON(txn, key("sgp", id), rec); err != nil {
				return err
			}
		}
		for k, n := range counts {
			if err := txn.Set([]byte(k), binary.BigEndian.AppendUint64(nil, n)); err != nil {
				return err
			}
		}
		return txn.Delete([]byte(keySimilarGrams))
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(postingsOf(t, s, "f-orig")); n != len(allGrams(entries["f-orig"].Fingerprint)) || n <= len(entries["f-orig"].IndexGrams()) {
		t.Fatalf("set-up: %d postings of f-orig, want all %d hashes (more than %d)", n, len(allGrams(entries["f-orig"].Fingerprint)), len(entries["f-orig"].IndexGrams()))
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s, err = Open(ctx, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	waitSlim(t, s)
	want := map[string]int{}
	for id, rec := range entries {
		got := postingsOf(t, s, id)
		if g := rec.IndexGrams(); !slices.Equal(got, g) {
			t.Errorf("%s posted under %d hashes, want its %d IndexGrams", id, len(got), len(g))
		}
		for _, g := range got {
			want[gramHex(g)]++
		}
		var now similarRecord
		s.db.View(func(txn *badger.Txn) error { return getJSON(txn, key("sgp", id), &now) })
		if now.V != similarGrams {
			t.Errorf("%s: record version %d, want %d", id, now.V, similarGrams)
		}
	}
	// Every count equals its postings; no count is left for a hash no
	// entry is posted under any more.
	s.db.View(func(txn *badger.Txn) error {
		opts := badger.DefaultIteratorOptions
		opts.Prefix = key("sgn", "")
		it := txn.NewIterator(opts)
		defer it.Close()
		seen := 0
		for it.Rewind(); it.Valid(); it.Next() {
			h := string(it.Item().Key()[len("sgn/"):])
			n, err := getUint(txn, it.Item().KeyCopy(nil))
			if err != nil {
				t.Fatal(err)
			}
			if int(n) != want[h] {
				t.Errorf("count of %s is %d, want %d", h, n, want[h])
			}
			seen++
		}
		if seen != len(want) {
			t.Errorf("%d counts, want %d", seen, len(want))
		}
		return nil
	})
	// The copy still meets its original under the hashes left (the query
	// end to end is the conformance suite's).
	posted, copied := postingsOf(t, s, "f-orig"), postingsOf(t, s, "f-copy")
	shared := 0
	for _, g := range copied {
		if _, ok := slices.BinarySearch(posted, g); ok {
			shared++
		}
	}
	if shared < len(copied)/2 {
		t.Errorf("the copy shares %d of its %d postings with its original", shared, len(copied))
	}
}

// waitSlim waits until s marks its similar-projects index slim.
func waitSlim(t *testing.T, s *Store) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		var ok bool
		s.db.View(func(txn *badger.Txn) error {
			var err error
			ok, err = exists(txn, []byte(keySimilarGrams))
			return err
		})
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the similar-projects index was not marked slim within 10 s")
		}
	}
}

// postingsOf returns the hashes entry id is posted under, sorted.
func postingsOf(t *testing.T, s *Store, id string) []uint32 {
	t.Helper()
	var out []uint32
	s.db.View(func(txn *badger.Txn) error {
		opts := badger.DefaultIteratorOptions
		opts.PrefetchValues = false
		opts.Prefix = key("sg", "")
		it := txn.NewIterator(opts)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			parts := strings.Split(string(it.Item().Key()), "/")
			if len(parts) == 3 && parts[2] == id {
				var g uint32
				for _, c := range parts[1] {
					g = g<<4 | uint32(strings.IndexRune("0123456789abcdef", c))
				}
				out = append(out, g)
			}
		}
		return nil
	})
	slices.Sort(out)
	return out
}
