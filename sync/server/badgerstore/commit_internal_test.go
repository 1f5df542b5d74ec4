package badgerstore

import (
	"context"
	"egovdesk/sync/server/bureaustore"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"
)

func openTestServer(t *testing.T, memTable int64) *Store {
	t.Helper()
	s, err := Open(context.Background(), t.TempDir(), Options{MemTable: memTable})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// holdLead queues a write that blocks until release is closed, and returns
// once it runs: later writers queue behind it and form the next group.
func holdLead(t *testing.T, s *Store) (release chan struct{}, done chan error) {
	t.Helper()
	release, done, running := make(chan struct{}), make(chan error, 1), make(chan struct{})
	go func() {
		done <- s.commit(context.Background(), func(txn *badger.Txn) error {
			close(running)
			<-release
			return txn.Set([]byte("lead"), []byte("1"))
		})
	}()
	<-running
	return release, done
}

// waitQueued waits until n writers wait in the committer's queue.
func waitQueued(t *testing.T, s *Store, n int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; {
		q := s.committer.Queued()
		if q >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d writers queued, want %d", q, n)
		}
		time.Sleep(time.Millisecond)
	}
}

func (s *Store) commitStats() (groups, grouped int64) { return s.CommitStats() }

func get(t *testing.T, s *Store, k string) (string, bool) {
	t.Helper()
	var v []byte
	err := s.db.View(func(txn *badger.Txn) error {
		item, err := txn.Get([]byte(k))
		if err != nil {
			return err
		}
		v, err = item.ValueCopy(nil)
		return err
	})
	if errors.Is(err, badger.ErrKeyNotFound) {
		return "", false
	}
	if err != nil {
		t.Fatal(err)
	}
	return string(v), true
}

// Writers that queue while a group runs are committed together in the
// next one, in order, each reading the writes of those before it; a writer
// whose function fails gets its error, and none of its writes are stored,
// while the others of its group are.
func TestGroupCommitGroupsAndIsolatesFailures(t *testing.T) {
	s := openTestServer(t, 0)
	release, leadDone := holdLead(t, s)
	g0, n0 := s.commitStats()

	const writers = 10
	errs := make([]error, writers)
	var wg sync.WaitGroup
	boom := errors.New("refused")
	for i := range writers {
		wg.Go(func() {
			errs[i] = s.commit(context.Background(), func(txn *badger.Txn) error {
				// Each writer counts: it reads the counter its predecessors wrote.
				n, err := getUint(txn, []byte("count"))
				if err != nil {
					return err
				}
				if err := setUint(txn, []byte("count"), n+1); err != nil {
					return err
				}
				if err := txn.Set(fmt.Appendf(nil, "w/%d", i), []byte("ok")); err != nil {
					return err
				}
				if i%4 == 1 { // writers 1, 5, 9 fail after writing
					return boom
				}
				return nil
			})
		})
		waitQueued(t, s, i+1) // a known order
	}
	close(release)
	if err := <-leadDone; err != nil {
		t.Fatal(err)
	}
	wg.Wait()

	groups, grouped := s.commitStats()
	if groups-g0 != 1 || grouped-n0 != writers {
		t.Errorf("%d groups of %d writes in all after the lead's, want one of %d", groups-g0, grouped-n0, writers)
	}
	ok := 0
	for i, err := range errs {
		_, stored := get(t, s, fmt.Sprintf("w/%d", i))
		if i%4 == 1 {
			if !errors.Is(err, boom) || stored {
				t.Errorf("failing writer %d: err %v, stored %v; want its error and nothing stored", i, err, stored)
			}
			continue
		}
		ok++
		if err != nil || !stored {
			t.Errorf("writer %d: err %v, stored %v; want committed", i, err, stored)
		}
	}
	var n uint64
	if err := s.db.View(func(txn *badger.Txn) error {
		var err error
		n, err = getUint(txn, []byte("count"))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if n != uint64(ok) {
		t.Errorf("count %d, want %d: the failed writers' increments must not count", n, ok)
	}
}

// A group that outgrows one Badger transaction commits in parts; a single
// write too big for any transaction gets badger.ErrTxnTooBig, and the
// writes grouped with it are still committed.
func TestGroupCommitSplitsTooBigGroups(t *testing.T) {
	s := openTestServer(t, 1<<20) // a transaction holds about 150 KB
	release, leadDone := holdLead(t, s)
	value := []byte(strings.Repeat("x", 200)) // below valueThreshold: kept in the tree, where it counts in full
	write := func(prefix string, n int) func(txn *badger.Txn) error {
		return func(txn *badger.Txn) error {
			for j := range n {
				if err := txn.Set(fmt.Appendf(nil, "%s/%03d", prefix, j), value); err != nil {
					return err
				}
			}
			return nil
		}
	}
	const writers = 8 // 8 × 50 KB: three transactions' worth
	errs := make([]error, writers+1)
	var wg sync.WaitGroup
	for i := range writers + 1 {
		fn := write(fmt.Sprintf("big/%d", i), 250)
		if i == 4 {
			fn = write("huge", 2000) // 400 KB: no transaction holds it
		}
		wg.Go(func() { errs[i] = s.commit(context.Background(), fn) })
		waitQueued(t, s, i+1)
	}
	g0, _ := s.commitStats()
	close(release)
	if err := <-leadDone; err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	for i, err := range errs {
		if i == 4 {
			if !errors.Is(err, badger.ErrTxnTooBig) {
				t.Errorf("huge writer: %v, want ErrTxnTooBig", err)
			}
			if _, ok := get(t, s, "huge/000"); ok {
				t.Error("the huge writer's first write was stored")
			}
			continue
		}
		if err != nil {
			t.Errorf("writer %d: %v", i, err)
		}
		if _, ok := get(t, s, fmt.Sprintf("big/%d/249", i)); !ok {
			t.Errorf("writer %d's last write is missing", i)
		}
	}
	if groups, _ := s.commitStats(); groups-g0 != 1 {
		t.Errorf("%d groups formed, want one (split into commits inside it)", groups-g0)
	}
}

// A writer whose request is gone before its group runs is not run.
func TestGroupCommitSkipsCancelled(t *testing.T) {
	s := openTestServer(t, 0)
	release, leadDone := holdLead(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	ran := false
	errc := make(chan error, 1)
	go func() {
		errc <- s.commit(ctx, func(txn *badger.Txn) error { ran = true; return txn.Set([]byte("gone"), nil) })
	}()
	waitQueued(t, s, 1)
	cancel()
	close(release)
	<-leadDone
	if err := <-errc; !errors.Is(err, context.Canceled) || ran {
		t.Errorf("cancelled writer: err %v, ran %v; want context.Canceled and not run", err, ran)
	}
}

// A write that fails for want of space is ErrUnavailable, with Badger's
// text kept (the HTTP layer answers 507 from it); other errors are not.
func TestUnavailableOnFullDisk(t *testing.T) {
	full := errors.New("While appending to memtable: write /data/badger/00001.mem: no space left on device")
	err := unavailable(full)
	if !errors.Is(err, bureaustore.ErrUnavailable) || !strings.Contains(err.Error(), "no space left on device") {
		t.Fatalf("full disk: %v", err)
	}
	if err := unavailable(badger.ErrConflict); errors.Is(err, bureaustore.ErrUnavailable) {
		t.Fatalf("conflict marked unavailable: %v", err)
	}
	if unavailable(nil) != nil {
		t.Fatal("nil marked unavailable")
	}
}
