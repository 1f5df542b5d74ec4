package server

import (
	"fmt"
	"os"
	"sync"

	"github.com/dgraph-io/badger/v4"
)

// SetMemTableSize makes the bureau opened with cfg use Badger memtables of
// n bytes, so that a transaction holds at most 15% of n (tests of batches
// that outgrow one transaction).
func SetMemTableSize(cfg *Config, n int64) { cfg.memTable = n }

// ForgetUploadHash drops the SHA-256 state kept in the record of unit's
// upload of sum, as a record written before the bureau kept one would be.
func ForgetUploadHash(tb interface{ Fatal(...any) }, s *Server, unit, sum string) {
	err := s.db.Update(func(txn *badger.Txn) error {
		var up uploadRecord
		if err := getJSON(txn, key("up", unit, sum), &up); err != nil {
			return err
		}
		if len(up.Hash) == 0 || up.HashedTo != up.Offset {
			return fmt.Errorf("no hash state for offset %d: %+v", up.Offset, up)
		}
		up.Hash, up.HashedTo = nil, 0
		return setJSON(txn, key("up", unit, sum), up)
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// WatchSyncDir calls seen with each directory the bureau syncs, before
// syncing it, until the test ends.
func WatchSyncDir(tb interface{ Cleanup(func()) }, seen func(dir string)) {
	old := syncDir
	syncDir = func(dir string) error {
		seen(dir)
		return old(dir)
	}
	tb.Cleanup(func() { syncDir = old })
}

// FailPartSyncs makes the next n syncs of a part file fail with err, as a
// failing disk would, until the test ends.
func FailPartSyncs(tb interface{ Cleanup(func()) }, n int, err error) {
	old := syncPart
	var mu sync.Mutex
	syncPart = func(f *os.File) error {
		mu.Lock()
		fail := n > 0
		n--
		mu.Unlock()
		if fail {
			return err
		}
		return old(f)
	}
	tb.Cleanup(func() { syncPart = old })
}

// ParkedPolls returns how many long polls of unit are waiting for a change.
func ParkedPolls(s *Server, unit string) int { return s.feeds.waiting(unit) }
