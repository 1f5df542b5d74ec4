package badgerstore

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"egovdesk/app"
	"egovdesk/app/apptest"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server/bureaustore"
	"egovdesk/sync/server/storetest"
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
	got := storedCounts(t, s)
	for g, n := range got {
		if int(n) != want[gramHex(g)] {
			t.Errorf("count of %s is %d, want %d", gramHex(g), n, want[gramHex(g)])
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d counts, want %d", len(got), len(want))
	}
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

// postingsOf returns the hashes entry id is posted under, sorted: in
// blocks, and under keys of their own as an older bureau posted them.
func postingsOf(t *testing.T, s *Store, id string) []uint32 {
	t.Helper()
	var out []uint32
	err := s.db.View(func(txn *badger.Txn) error {
		grams := blockGrams(txn)
		for h := range grams {
			live, err := postedUnder(txn, h, true)
			if err != nil {
				return err
			}
			if slices.Contains(live, id) {
				out = append(out, parseGram(h))
			}
		}
		for _, k := range keysWithPrefix(txn, key("sg", "")) { // <bigram>/<entry>
			h, entry, _ := strings.Cut(k, "/")
			if entry == id && grams[h] == 0 {
				out = append(out, parseGram(h))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// blockGrams returns the bigrams that have blocks, in hex, and how many
// each has.
func blockGrams(txn *badger.Txn) map[string]int {
	out := map[string]int{}
	for _, k := range keysWithPrefix(txn, key("sb", "")) { // <bigram>/<block>
		h, _, _ := strings.Cut(k, "/")
		out[h]++
	}
	return out
}

func parseGram(h string) uint32 {
	var g uint32
	for _, c := range h {
		g = g<<4 | uint32(strings.IndexRune("0123456789abcdef", c))
	}
	return g
}

// TestSimilarPostingsInBlocks: the postings a transaction makes are
// written as one block for each bigram, whether they come from one batch
// or from the single submissions of a group commit; a revision that drops
// bigrams unposts them in a later block; a refused submission, or a
// writer of the group that fails, leaves no posting and no count; and
// after each step every count equals the entries its bigram's blocks
// leave posted.
func TestSimilarPostingsInBlocks(t *testing.T) {
	s := openTestServer(t, 0)
	ctx := context.Background()
	now := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	if err := s.AddUnit(ctx, protocol.Unit{ID: "u1", Name: "城关镇", Code: "C1", Created: now}); err != nil {
		t.Fatal(err)
	}
	by := bureaustore.Actor{UnitID: "u1", Name: "填报人"}
	fp := func(name string) []uint32 {
		return app.DeclarationFingerprint(&app.Declaration{PlanYear: 2027, ProjectName: name}).IndexGrams()
	}
	blocks := func() (out map[string]int) { // bigram → blocks
		s.db.View(func(txn *badger.Txn) error { out = blockGrams(txn); return nil })
		return out
	}
	submit := func(subs ...*bureaustore.Submission) []bureaustore.SubmitResult {
		t.Helper()
		res, err := s.Submit(ctx, by, now, subs)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}

	// One batch: one block for each bigram of the two, shared or not.
	a1 := storetest.Submission(t, "fa", "ra1", "", 1, "霍邱县城关镇智慧社区管理平台")
	b1 := storetest.Submission(t, "fb", "rb1", "", 1, "霍邱县新店镇智慧社区管理平台")
	submit(a1, b1)
	want := map[string]int{}
	for _, g := range append(fp("霍邱县城关镇智慧社区管理平台"), fp("霍邱县新店镇智慧社区管理平台")...) {
		want[gramHex(g)] = 1
	}
	if got := blocks(); !maps.Equal(got, want) {
		t.Fatalf("after one batch: blocks by bigram %v, want one for each of the %d bigrams", got, len(want))
	}
	checkSimilarIndex(t, s, map[string][]uint32{"fa": fp("霍邱县城关镇智慧社区管理平台"), "fb": fp("霍邱县新店镇智慧社区管理平台")})

	// fa returned, then a revision that renames it, and a resubmission of
	// fb refused for its changed body, in one batch.
	if _, err := s.Decide(ctx, bureaustore.Decision{FilingID: "fa", Actor: "审核员", Role: app.RoleReviewer,
		Action: app.ActionReturn, Comment: "补充材料", Now: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	a2 := storetest.Submission(t, "fa", "ra2", "ra1", 2, "霍邱县城关镇智慧养老服务平台")
	bad := storetest.Submission(t, "fb", "rb1", "", 1, "甲乙丙丁戊己庚辛")
	if res := submit(a2, bad); res[0].Err != nil || res[1].Err == nil {
		t.Fatalf("results %+v, want the revision stored and the changed resubmission refused", res)
	}
	checkSimilarIndex(t, s, map[string][]uint32{"fa": fp("霍邱县城关镇智慧养老服务平台"), "fb": fp("霍邱县新店镇智慧社区管理平台")})
	for _, g := range fp("甲乙丙丁戊己庚辛") {
		if n := blocks()[gramHex(g)]; n != 0 {
			t.Errorf("the refused body's bigram %s has %d blocks", gramHex(g), n)
		}
	}

	// Single submissions that queue together form one group: one block for
	// each bigram they touch. A writer of the group that posts and then
	// fails leaves nothing.
	before := blocks()
	release, leadDone := holdLead(t, s)
	names := []string{"舒城县城关镇河湖长制信息管理系统", "舒城县河口镇河湖长制信息管理系统", "舒城县石店镇河湖长制信息管理系统"}
	var wg sync.WaitGroup
	errs := make([]error, len(names)+1)
	for i, name := range names {
		wg.Go(func() {
			_, errs[i] = s.Submit(ctx, by, now, []*bureaustore.Submission{storetest.Submission(t, fmt.Sprintf("fh%d", i), fmt.Sprintf("rh%d", i), "", 1, name)})
		})
		waitQueued(t, s, i+1)
	}
	wg.Go(func() {
		errs[len(names)] = s.commit(ctx, func(txn *badger.Txn) error {
			rec := similarRecord{Fingerprint: app.DeclarationFingerprint(&app.Declaration{ProjectName: "壬癸子丑寅卯辰巳"})}
			if err := s.indexFingerprint(txn, txn, "f-failed", rec); err != nil {
				return err
			}
			return errors.New("refused after posting")
		})
	})
	waitQueued(t, s, len(names)+1)
	close(release)
	if err := <-leadDone; err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	for i, err := range errs[:len(names)] {
		if err != nil {
			t.Fatalf("submission %d: %v", i, err)
		}
	}
	if errs[len(names)] == nil {
		t.Fatal("the failing writer succeeded")
	}
	after := blocks()
	for _, g := range fp(names[0]) {
		h := gramHex(g)
		if after[h]-before[h] != 1 {
			t.Errorf("bigram %s of the group: %d new blocks, want 1", h, after[h]-before[h])
		}
	}
	for _, g := range fp("壬癸子丑寅卯辰巳") {
		if n := after[gramHex(g)]; n != 0 {
			t.Errorf("the failed writer's bigram %s has %d blocks", gramHex(g), n)
		}
	}
	wantEntries := map[string][]uint32{"fa": fp("霍邱县城关镇智慧养老服务平台"), "fb": fp("霍邱县新店镇智慧社区管理平台")}
	for i, name := range names {
		wantEntries[fmt.Sprintf("fh%d", i)] = fp(name)
	}
	checkSimilarIndex(t, s, wantEntries)
	checkCounts(t, s)

	// The register is indexed outside the group commit: the counts it
	// writes leave the cache, and the next group reads them anew.
	sys := []app.ExistingSystem{{Name: "霍邱县城关镇智慧养老服务平台", Owner: "城关镇", Content: "养老服务派单"},
		{Name: "舒城县城关镇河湖长制信息管理系统", Owner: "舒城县", Content: "巡河"}}
	if err := s.ReplaceRegister(ctx, sys, bureaustore.RegisterMeta{}); err != nil {
		t.Fatal(err)
	}
	checkCounts(t, s)
	submit(storetest.Submission(t, "fz", "rz1", "", 1, "舒城县河口镇河湖长制信息管理系统"))
	checkCounts(t, s)
	if err := s.ReplaceRegister(ctx, nil, bureaustore.RegisterMeta{}); err != nil {
		t.Fatal(err)
	}
	wantEntries["fz"] = fp("舒城县河口镇河湖长制信息管理系统")
	checkSimilarIndex(t, s, wantEntries)
	checkCounts(t, s)
}

// checkCounts checks that every count of the index equals the entries its
// bigram's blocks leave posted, and that every count the writers' cache
// holds is the one stored.
func checkCounts(t *testing.T, s *Store) {
	t.Helper()
	stored := storedCounts(t, s)
	err := s.db.View(func(txn *badger.Txn) error {
		for h := range blockGrams(txn) {
			live, err := postedUnder(txn, h, true)
			if err != nil {
				return err
			}
			if uint64(len(live)) != stored[parseGram(h)] {
				t.Errorf("bigram %s: %d posted, count %d", h, len(live), stored[parseGram(h)])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	if len(s.counts.cur)+len(s.counts.old) == 0 {
		t.Error("the writers' cache of counts is empty after group commits")
	}
	for _, gen := range []map[uint32]uint64{s.counts.cur, s.counts.old} {
		for g, n := range gen {
			if n != stored[g] {
				t.Errorf("cached count of %s is %d, stored %d", gramHex(g), n, stored[g])
			}
		}
	}
}

// checkSimilarIndex checks that the index holds exactly the entries of
// want, each posted under its bigrams, and that every count equals the
// entries posted under its bigram.
func checkSimilarIndex(t *testing.T, s *Store, want map[string][]uint32) {
	t.Helper()
	counts := map[uint32]uint64{}
	for id, grams := range want {
		if got := postingsOf(t, s, id); !slices.Equal(got, grams) {
			t.Errorf("%s is posted under %d bigrams %x, want %d %x", id, len(got), got, len(grams), grams)
		}
		for _, g := range grams {
			counts[g]++
		}
	}
	if got := storedCounts(t, s); !maps.Equal(got, counts) {
		t.Errorf("counts %v, want %v", got, counts)
	}
}

// storedCounts returns every count of the similar index, by bigram.
func storedCounts(t *testing.T, s *Store) map[uint32]uint64 {
	t.Helper()
	out := map[uint32]uint64{}
	err := s.db.View(func(txn *badger.Txn) error {
		for _, h := range keysWithPrefix(txn, key("sgn", "")) {
			n, err := getUint(txn, key("sgn", h))
			if err != nil {
				return err
			}
			out[parseGram(h)] = n
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestReplayBlocks: a bigram's blocks replayed in order leave posted
// exactly the entries whose last op posts them, whatever came before; a
// damaged block is an error, not a guess.
func TestReplayBlocks(t *testing.T) {
	block := func(ops ...string) []byte {
		var p postings
		for _, o := range ops {
			op := byte(opPosted)
			if o[0] == '-' {
				op = opUnposted
			}
			p.post(1, o[1:], op, 0)
		}
		return p.ops[1]
	}
	for _, c := range []struct {
		blocks [][]byte
		want   []string
	}{
		{[][]byte{block("+a", "+b", "+c")}, []string{"a", "b", "c"}},
		{[][]byte{block("+a", "+b"), block("-a")}, []string{"b"}},
		{[][]byte{block("+a", "+b"), block("-a"), block("+a")}, []string{"a", "b"}},
		{[][]byte{block("+a", "-a", "+a", "+c"), block("-c", "-b")}, []string{"a"}},
		{[][]byte{block("+a"), block("-b", "+b", "-a", "-b")}, nil},
	} {
		var live postingSet
		for _, b := range c.blocks {
			if err := replay(b, &live); err != nil {
				t.Fatal(err)
			}
		}
		got := slices.Sorted(slices.Values(live.ids))
		if !slices.Equal(got, c.want) {
			t.Errorf("%q: posted %v, want %v", c.blocks, got, c.want)
		}
	}
	for _, bad := range [][]byte{{'+', 5, 'a'}, {'*', 1, 'a'}, {'+', 0x80}} {
		if err := replay(bad, new(postingSet)); err == nil {
			t.Errorf("block %q replayed without an error", bad)
		}
	}
}
