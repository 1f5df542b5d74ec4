package badgerstore

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"math/rand/v2"
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

// TestSimilarIndexInMemory: every way an entry of the similar-projects
// index is written — a batch, a revision that renames, the single
// submissions of a group commit, the register — leaves the memory index
// holding each entry under exactly its IndexGrams, the same lists a fresh
// load from the store gives, and writes no posting to Badger; a refused
// submission, and a writer of the group that fails after writing its
// entry, leave nothing in it.
func TestSimilarIndexInMemory(t *testing.T) {
	s, by, now := unitStore(t)
	ctx := context.Background()
	fp := func(name string) []uint32 {
		return app.DeclarationFingerprint(&app.Declaration{PlanYear: 2027, ProjectName: name}).IndexGrams()
	}
	submit := func(subs ...*bureaustore.Submission) []bureaustore.SubmitResult {
		t.Helper()
		res, err := s.Submit(ctx, by, now, subs)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}

	// One batch.
	submit(storetest.Submission(t, "fa", "ra1", "", 1, "霍邱县城关镇智慧社区管理平台"),
		storetest.Submission(t, "fb", "rb1", "", 1, "霍邱县新店镇智慧社区管理平台"))
	want := map[string][]uint32{"fa": fp("霍邱县城关镇智慧社区管理平台"), "fb": fp("霍邱县新店镇智慧社区管理平台")}
	checkMemIndex(t, s, want)

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
	want["fa"] = fp("霍邱县城关镇智慧养老服务平台")
	checkMemIndex(t, s, want)

	// Single submissions that queue together form one group; a writer of
	// the group that writes an entry and then fails leaves nothing.
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
			return errors.New("refused after indexing")
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
	if groups, grouped := s.commitStats(); grouped < int64(len(names)) {
		t.Fatalf("%d commits grouped %d writes: the submissions did not share a group commit", groups, grouped)
	}
	for i, name := range names {
		want[fmt.Sprintf("fh%d", i)] = fp(name)
	}
	checkMemIndex(t, s, want)

	// The register is indexed outside the group commit, and replaced.
	sys := []app.ExistingSystem{{Name: "霍邱县城关镇智慧养老服务平台", Owner: "城关镇", Content: "养老服务派单"},
		{Name: "舒城县城关镇河湖长制信息管理系统", Owner: "舒城县", Content: "巡河"}}
	if err := s.ReplaceRegister(ctx, sys, bureaustore.RegisterMeta{}); err != nil {
		t.Fatal(err)
	}
	reg, err := s.KeysWithPrefix("rg/")
	if err != nil || len(reg) != len(sys) {
		t.Fatalf("register keys %v (%v), want %d", reg, err, len(sys))
	}
	withRegister := maps.Clone(want)
	for _, id := range reg {
		var rec similarRecord
		if err := s.db.View(func(txn *badger.Txn) error { return getJSON(txn, key("sgp", id), &rec) }); err != nil {
			t.Fatal(err)
		}
		withRegister[id] = rec.IndexGrams()
	}
	checkMemIndex(t, s, withRegister)
	submit(storetest.Submission(t, "fz", "rz1", "", 1, "舒城县河口镇河湖长制信息管理系统"))
	if err := s.ReplaceRegister(ctx, nil, bureaustore.RegisterMeta{}); err != nil {
		t.Fatal(err)
	}
	want["fz"] = fp("舒城县河口镇河湖长制信息管理系统")
	checkMemIndex(t, s, want)

	// The register's system found as like a declaration, end to end.
	if err := s.ReplaceRegister(ctx, sys[:1], bureaustore.RegisterMeta{}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Similar(ctx, "fa")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) == 0 || !registered(got[0].ID) {
		t.Fatalf("similar to fa: %+v, want the registered system with its name first", got)
	}
}

// TestSimilarIndexUnderConcurrentWriters: clerks submitting at once
// (group commits), the register replaced twice, the lists reloaded twice
// while the writes go on (the changes committed during a load wait and
// apply after it), and reviewers querying meanwhile: after it all the
// memory index holds exactly the entries the store holds.
func TestSimilarIndexUnderConcurrentWriters(t *testing.T) {
	s, by, now := unitStore(t)
	ctx := context.Background()
	const clerks, each = 4, 60
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for c := range clerks {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(c), 7))
			for i := range each {
				fid := fmt.Sprintf("f%d-%d", c, i)
				res, err := s.Submit(ctx, by, now, []*bureaustore.Submission{declSubmission(t, fid, apptest.VariedDeclaration(rng, c*each+i))})
				if err == nil {
					err = res[0].Err
				}
				if err != nil {
					errs <- fmt.Errorf("%s: %w", fid, err)
					return
				}
			}
		})
	}
	wg.Go(func() {
		var sys []app.ExistingSystem
		for i := range registerBatch + 10 {
			sys = append(sys, app.ExistingSystem{Name: fmt.Sprintf("%s智慧社区管理平台（%d）", apptest.Places[i%len(apptest.Places)], i), Owner: "城关镇", Content: "社区事项受理、网格巡查"})
		}
		for _, batch := range [][]app.ExistingSystem{sys, sys[:30]} {
			if err := s.ReplaceRegister(ctx, batch, bureaustore.RegisterMeta{}); err != nil {
				errs <- err
				return
			}
		}
	})
	wg.Go(func() {
		for range 2 {
			time.Sleep(20 * time.Millisecond)
			if err := s.ReloadSimilarIndex(); err != nil {
				errs <- err
				return
			}
		}
	})
	for q := range 2 {
		wg.Go(func() {
			for i := range 100 {
				if _, err := s.Similar(ctx, fmt.Sprintf("f%d-%d", (q+i)%clerks, i%each)); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	want := map[string][]uint32{}
	err := s.db.View(func(txn *badger.Txn) error {
		for _, id := range keysWithPrefix(txn, key("sgp", "")) {
			var rec similarRecord
			if err := getJSON(txn, key("sgp", id), &rec); err != nil {
				return err
			}
			want[id] = rec.IndexGrams()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(want); n != clerks*each+30 {
		t.Fatalf("%d entries in the store, want %d (%d declarations, 30 systems)", n, clerks*each+30, clerks*each)
	}
	checkMemIndex(t, s, want)
}

// TestDamagedEntryDoesNotStopARevision: a declaration whose entry in the
// store no longer decodes is left out of the lists when they load, and
// its next revision is received all the same, writing the entry anew.
func TestDamagedEntryDoesNotStopARevision(t *testing.T) {
	s, by, now := unitStore(t)
	ctx := context.Background()
	if res, err := s.Submit(ctx, by, now, []*bureaustore.Submission{storetest.Submission(t, "fa", "ra1", "", 1, "霍邱县城关镇智慧社区管理平台")}); err != nil || res[0].Err != nil {
		t.Fatal(err, res)
	}
	if _, err := s.Decide(ctx, bureaustore.Decision{FilingID: "fa", Actor: "审核员", Role: app.RoleReviewer,
		Action: app.ActionReturn, Comment: "补充材料", Now: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if err := s.db.Update(func(txn *badger.Txn) error { return txn.Set(key("sgp", "fa"), []byte("*damaged")) }); err != nil {
		t.Fatal(err)
	}
	if err := s.ReloadSimilarIndex(); err != nil {
		t.Fatal(err)
	}
	checkMemIndex(t, s, map[string][]uint32{})
	res, err := s.Submit(ctx, by, now.Add(2*time.Hour), []*bureaustore.Submission{storetest.Submission(t, "fa", "ra2", "ra1", 2, "霍邱县城关镇智慧养老服务平台")})
	if err != nil || res[0].Err != nil {
		t.Fatalf("the revision of a declaration with a damaged entry: %v %+v", err, res)
	}
	checkMemIndex(t, s, map[string][]uint32{"fa": app.DeclarationFingerprint(&app.Declaration{ProjectName: "霍邱县城关镇智慧养老服务平台"}).IndexGrams()})
}

// unitStore opens a store with one unit, u1, and returns it with its
// clerk and a time to submit at.
func unitStore(t *testing.T) (*Store, bureaustore.Actor, time.Time) {
	t.Helper()
	s := openTestServer(t, 0)
	now := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	if err := s.AddUnit(context.Background(), protocol.Unit{ID: "u1", Name: "城关镇", Code: "C1", Created: now}); err != nil {
		t.Fatal(err)
	}
	return s, bureaustore.Actor{UnitID: "u1", Name: "填报人"}, now
}

// checkMemIndex checks that s's memory index holds exactly the entries of
// want, each under its grams; that a load from the store now gives the
// same lists; and that no posting of an older bureau's layout is written.
func checkMemIndex(t *testing.T, s *Store, want map[string][]uint32) {
	t.Helper()
	wantLists := map[uint32][]string{}
	for id, grams := range want {
		for _, g := range grams {
			wantLists[g] = append(wantLists[g], id)
		}
	}
	for _, ids := range wantLists {
		slices.Sort(ids)
	}
	got := memLists(s.index.Load())
	if !maps.EqualFunc(got, wantLists, slices.Equal) {
		t.Errorf("memory index:\n%v\nwant\n%v", got, wantLists)
	}
	if loaded := memLists(loadIndex(t, s)); !maps.EqualFunc(got, loaded, slices.Equal) {
		t.Errorf("memory index:\n%v\nloaded from the store:\n%v", got, loaded)
	}
	for _, prefix := range []string{"sg/", "sb/", "sgn/"} {
		if keys, err := s.KeysWithPrefix(prefix); err != nil || len(keys) > 0 {
			t.Errorf("%d keys under %s (%v): postings written to Badger", len(keys), prefix, err)
		}
	}
}

// TestSimilarWaitsForTheLoad: while the lists load, a query waits for
// them within its context and says so when it ends first; a submission
// meanwhile is applied once they are loaded, and the query then finds it.
func TestSimilarWaitsForTheLoad(t *testing.T) {
	s, by, now := unitStore(t)
	ctx := context.Background()
	orig := apptest.Declaration()
	cp := apptest.Declaration()
	cp.ProjectName = strings.Replace(cp.ProjectName, "城关镇", "新店镇", 1)
	if res, err := s.Submit(ctx, by, now, []*bureaustore.Submission{declSubmission(t, "fa", orig)}); err != nil || res[0].Err != nil {
		t.Fatal(err, res)
	}
	// A load that has not ended, as right after Open on a large store.
	s.writeMu.Lock()
	loading := newMemIndex()
	s.index.Store(loading)
	txn := s.db.NewTransaction(false)
	s.writeMu.Unlock()
	defer txn.Discard()
	if res, err := s.Submit(ctx, by, now, []*bureaustore.Submission{declSubmission(t, "fb", cp)}); err != nil || res[0].Err != nil {
		t.Fatal(err, res)
	}
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := s.Similar(short, "fa"); !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "still loading") {
		t.Fatalf("a query while the lists load: %v, want it to end with its context", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("the query waited %s", d)
	}
	loading.load(txn, nil, slog.New(slog.DiscardHandler)) // the snapshot before fb: fb waits in pending
	got, err := s.Similar(ctx, "fa")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) == 0 || got[0].ID != "fb" {
		t.Fatalf("similar to fa after the load: %+v, want fb, submitted while the lists loaded", got)
	}
}

// declSubmission returns the submission of d as the first revision of
// declaration fid.
func declSubmission(tb testing.TB, fid string, d *app.Declaration) *bureaustore.Submission {
	tb.Helper()
	b := app.Body{ID: fid, Kind: app.KindDeclaration, Revision: 1, RevisionID: fid + "-r1", Declaration: d}
	data, sum, err := b.Encode()
	if err != nil {
		tb.Fatal(err)
	}
	return &bureaustore.Submission{Body: b, Request: protocol.SubmitRequest{FilingID: fid, RevisionID: b.RevisionID, Revision: 1, Body: data, BodySHA256: sum}}
}

// loadIndex loads a memory index from s as it is now, as Open does.
func loadIndex(tb testing.TB, s *Store) *memIndex {
	tb.Helper()
	m := newMemIndex()
	txn := s.db.NewTransaction(false)
	defer txn.Discard()
	m.load(txn, nil, slog.New(slog.DiscardHandler))
	if err := m.wait(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return m
}

// memLists returns m's lists as entry IDs, sorted.
func memLists(m *memIndex) map[uint32][]string {
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := map[uint32][]string{}
	for g := range m.lists {
		m.each(g, func(id string) { out[g] = append(out[g], id) })
		slices.Sort(out[g])
	}
	return out
}

// TestMemIndexApply: changes committed while the lists load are applied
// after the load, in order; a change applied twice changes nothing; an
// entry removed is gone from every list and may come back; a query waits
// for the load, and fails with the load's error.
func TestMemIndexApply(t *testing.T) {
	m := newMemIndex()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := m.wait(ctx); err == nil {
		t.Fatal("wait returned before the load")
	}
	base := newMemIndex()
	base.post("a", []uint32{1, 2, 3})
	base.post("b", []uint32{2, 3})
	m.apply([]indexChange{{id: "a", was: []uint32{1, 2, 3}, now: []uint32{2, 4}}, {id: "c", now: []uint32{1}}})
	if got := memLists(m); len(got) != 0 {
		t.Fatalf("lists %v before the load", got)
	}
	m.install(base, nil)
	if err := m.wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := map[uint32][]string{1: {"c"}, 2: {"a", "b"}, 3: {"b"}, 4: {"a"}}
	check := func(step string) {
		t.Helper()
		if got := memLists(m); !maps.EqualFunc(got, want, slices.Equal) {
			t.Fatalf("%s: lists %v, want %v", step, got, want)
		}
		m.mu.RLock()
		defer m.mu.RUnlock()
		for g, l := range m.lists {
			if !slices.IsSorted(l) || len(slices.Compact(slices.Clone(l))) != len(l) {
				t.Fatalf("%s: list of %d is %v, not ascending", step, g, l)
			}
		}
	}
	check("pending changes after the load")
	m.apply([]indexChange{{id: "a", was: []uint32{1, 2, 3}, now: []uint32{2, 4}}})
	check("a change applied twice")
	m.apply([]indexChange{{id: "b", was: []uint32{2, 3}}})
	want = map[uint32][]string{1: {"c"}, 2: {"a"}, 4: {"a"}}
	check("b removed")
	m.apply([]indexChange{{id: "b", now: []uint32{1, 4}}, {id: "a", was: []uint32{2, 4}, now: []uint32{1, 2, 4}}})
	want = map[uint32][]string{1: {"a", "b", "c"}, 2: {"a"}, 4: {"a", "b"}}
	check("b back, and a posted under an older ordinal's list")

	failed := newMemIndex()
	failed.install(nil, errors.New("disk gone"))
	if err := failed.wait(context.Background()); err == nil || !strings.Contains(err.Error(), "disk gone") {
		t.Fatalf("wait after a failed load: %v", err)
	}
}

// TestMemIndexCompacts: once removed entries are half the slots, the
// entries are numbered anew; the lists stay ascending and hold the same
// entries, and changes after it apply as before.
func TestMemIndexCompacts(t *testing.T) {
	m := newMemIndex()
	m.install(newMemIndex(), nil)
	const n = 3 * compactDead
	grams := func(i int) []uint32 { return []uint32{uint32(i % 7), uint32(100 + i%11)} }
	want := map[uint32][]string{}
	var add, drop []indexChange
	for i := range n {
		id := fmt.Sprintf("e%05d", i)
		add = append(add, indexChange{id: id, now: grams(i)})
		if i%3 == 0 {
			for _, g := range grams(i) {
				want[g] = append(want[g], id)
			}
		} else {
			drop = append(drop, indexChange{id: id, was: grams(i)})
		}
	}
	m.apply(add)
	m.apply(drop[:len(drop)/2]) // a third of the slots dead: kept
	m.mu.RLock()
	slots := len(m.ids)
	m.mu.RUnlock()
	if slots != n {
		t.Fatalf("%d slots after removing a third, want %d (no compaction yet)", slots, n)
	}
	m.apply(drop[len(drop)/2:])
	m.mu.RLock()
	slots, dead := len(m.ids), m.dead
	for g, l := range m.lists {
		if !slices.IsSorted(l) || len(slices.Compact(slices.Clone(l))) != len(l) {
			t.Errorf("list of %d is not ascending after compaction", g)
		}
		for _, o := range l {
			if int(o) >= len(m.ids) || m.ids[o] == "" {
				t.Errorf("list of %d holds ordinal %d of no entry", g, o)
			}
		}
	}
	m.mu.RUnlock()
	if slots != n/3 || dead != 0 {
		t.Fatalf("%d slots, %d dead after removing two thirds, want %d and 0", slots, dead, n/3)
	}
	for _, l := range want {
		slices.Sort(l)
	}
	if got := memLists(m); !maps.EqualFunc(got, want, slices.Equal) {
		t.Fatal("the lists changed in the compaction")
	}
	// after it: a kept entry changes, a new one comes, a kept one goes
	m.apply([]indexChange{
		{id: "e00000", was: grams(0), now: []uint32{500}},
		{id: "new", now: []uint32{500, 0}},
		{id: "e00003", was: grams(3)},
	})
	got := memLists(m)
	if !slices.Equal(got[500], []string{"e00000", "new"}) || slices.Contains(got[0], "e00000") ||
		!slices.Contains(got[0], "new") || slices.Contains(got[3], "e00003") {
		t.Fatalf("changes after the compaction: 500 → %v, 0 → %d entries", got[500], len(got[0]))
	}
}

// TestDropOldPostings opens a store whose similar-projects postings an
// older bureau kept in Badger (a key a posting, blocks, counts), with its
// q/ keys, and checks that after Open they are deleted in the background,
// more than one commit's worth, and that the memory index holds every
// entry under its IndexGrams, a damaged entry left out.
func TestDropOldPostings(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(ctx, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	orig := apptest.Declaration()
	cp := apptest.Declaration()
	cp.ProjectName = strings.Replace(cp.ProjectName, "城关镇", "新店镇", 1)
	other := apptest.ShortDeclaration(7)
	entries := map[string]similarRecord{}
	for id, d := range map[string]*app.Declaration{"f-orig": orig, "f-copy": cp, "f-other": other} {
		entries[id] = similarRecord{Fingerprint: app.DeclarationFingerprint(d), Year: d.PlanYear}
	}
	old := 0
	err = s.db.Update(func(txn *badger.Txn) error {
		set := func(k string, v []byte) error {
			old++
			return txn.Set([]byte(k), v)
		}
		for id, rec := range entries {
			for _, g := range rec.Fingerprint.Content { // every hash, as the oldest bureaus posted them
				if err := set(fmt.Sprintf("sg/%08x/%s", g, id), nil); err != nil {
					return err
				}
				if err := set(fmt.Sprintf("sgn/%08x", g), binary.BigEndian.AppendUint64(nil, 1)); err != nil {
					return err
				}
			}
			if err := set(fmt.Sprintf("sb/%08x/%016x", rec.IndexGrams()[0], 1), append([]byte{'+', byte(len(id))}, id...)); err != nil {
				return err
			}
			if err := setJSON(txn, key("sgp", id), map[string]any{"n": rec.Name, "c": rec.Content, "k": rec.Clauses, "y": rec.Year, "v": 3}); err != nil {
				return err
			}
		}
		for i := range dropBatch + 500 {
			if err := set(fmt.Sprintf("sg/%08x/f-gone%d", i, i), nil); err != nil {
				return err
			}
		}
		for id := range entries {
			if err := set("q/"+id, nil); err != nil {
				return err
			}
		}
		if err := txn.Set(key("sgp", "f-damaged"), []byte("{not json")); err != nil {
			return err
		}
		if err := set("m/sgblock", binary.BigEndian.AppendUint64(nil, 1)); err != nil {
			return err
		}
		return txn.Set([]byte(keySimilarGrams), []byte("3"))
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s, err = Open(ctx, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		var left bool
		if err := s.db.View(func(txn *badger.Txn) error {
			var err error
			left, err = oldPostingsLeft(txn)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if !left {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the older postings were not marked gone within 10 s")
		}
	}
	for _, prefix := range []string{"sg/", "sb/", "sgn/", "q/", "m/sgblock"} {
		if keys, err := s.KeysWithPrefix(prefix); err != nil || len(keys) > 0 {
			t.Errorf("%d keys left under %s of the %d written (%v)", len(keys), prefix, old, err)
		}
	}
	if err := s.index.Load().wait(ctx); err != nil {
		t.Fatal(err)
	}
	want := map[uint32][]string{}
	for id, rec := range entries {
		for _, g := range rec.IndexGrams() {
			want[g] = append(want[g], id)
		}
	}
	for _, ids := range want {
		slices.Sort(ids)
	}
	if got := memLists(s.index.Load()); !maps.EqualFunc(got, want, slices.Equal) {
		t.Errorf("memory index after Open:\n%v\nwant\n%v", got, want)
	}
}
