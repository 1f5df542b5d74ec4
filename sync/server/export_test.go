package server

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/dgraph-io/badger/v4"

	"egovdesk/sync/server/bureaustore"
)

// SetMemTableSize makes the bureau opened with cfg use Badger memtables of
// n bytes, so that a transaction holds at most 15% of n (tests of batches
// that outgrow one transaction).
func SetMemTableSize(cfg *Config, n int64) { cfg.memTable = n }

// ForgetUploadHash drops the SHA-256 state kept in the record of unit's
// upload of sum, as a record written before the bureau kept one would be.
func ForgetUploadHash(tb interface{ Fatal(...any) }, s *Server, unit, sum string) {
	ctx := context.Background()
	up, err := s.store.Upload(ctx, unit, sum)
	if err != nil {
		tb.Fatal(err)
	}
	if len(up.Hash) == 0 || up.HashedTo != up.Offset {
		tb.Fatal(fmt.Errorf("no hash state for offset %d: %+v", up.Offset, up))
	}
	up.Hash, up.HashedTo = nil, 0
	if err := s.store.PutUpload(ctx, unit, sum, up); err != nil {
		tb.Fatal(err)
	}
}

// WatchSyncDir calls seen with each directory s syncs, before syncing it.
func WatchSyncDir(s *Server, seen func(dir string)) {
	old := *s.syncs.Load()
	s.syncs.Store(&syncFuncs{part: old.part, dir: func(dir string) error {
		seen(dir)
		return old.dir(dir)
	}})
}

// FailPartSyncs makes the next n syncs of a part file by s fail with err,
// as a failing disk would.
func FailPartSyncs(s *Server, n int, err error) {
	old := *s.syncs.Load()
	var mu sync.Mutex
	s.syncs.Store(&syncFuncs{dir: old.dir, part: func(f *os.File) error {
		mu.Lock()
		fail := n > 0
		n--
		mu.Unlock()
		if fail {
			return err
		}
		return old.part(f)
	}})
}

// ParkedPolls returns how many long polls of unit are waiting for a change.
func ParkedPolls(s *Server, unit string) int { return s.feeds.waiting(unit) }

// CommitGroups returns how many group commits s has run and how many
// writes they held in all; 0, 0 for a store that does not group its
// commits itself (PostgreSQL shares WAL flushes between transactions).
func CommitGroups(s *Server) (groups, writes int64) {
	cs, ok := s.store.(interface{ CommitStats() (int64, int64) })
	if !ok {
		return 0, 0
	}
	return cs.CommitStats()
}

// TuneBadger makes the bureau opened with cfg use memtables of memTable
// bytes, numMemtables of them, and start compacting level 0 at l0 tables
// (stalling writes at 3×l0): the options the memtable benchmark compares.
func TuneBadger(cfg *Config, memTable int64, numMemtables, l0 int, valueThreshold int64) {
	cfg.memTable = memTable
	cfg.tune = func(o badger.Options) badger.Options {
		o = o.WithNumMemtables(numMemtables).WithNumLevelZeroTables(l0).WithNumLevelZeroTablesStall(3 * l0)
		if valueThreshold > 0 {
			o = o.WithValueThreshold(valueThreshold)
		}
		return o
	}
}

// SimilarWait is how long a console filing page waits for the similar
// projects.
const SimilarWait = similarWait

// WaitLoginLimits waits until s has read the addresses users logged in
// from out of the audit trail (the per-login limit applies from then on).
func WaitLoginLimits(tb interface{ Fatal(...any) }, s *Server) {
	for range 500 {
		if s.throttle.ready.Load() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	tb.Fatal("the login limits never read the audit trail")
}

// RequestsInProgress is the number of requests in progress of every
// account together (Config.AccountRequests), read without being one.
func RequestsInProgress(s *Server) int { return s.inflight.total() }

// PrintsQueued is the number of copies waiting for a printer or being
// printed, of every account together.
func PrintsQueued(s *Server) int { return s.printQueue.total() }

// total is the number in progress of every account together.
func (f *inflight) total() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, k := range f.n {
		n += k
	}
	return n
}

// ForgetUploadMark clears the referenced mark of unit's upload of sum and
// its tracked flag, as a record written before the bureau marked them.
func ForgetUploadMark(tb interface{ Fatal(...any) }, s *Server, unit, sum string) {
	ctx := context.Background()
	up, err := s.store.Upload(ctx, unit, sum)
	if err != nil {
		tb.Fatal(err)
	}
	if !up.Referenced {
		tb.Fatal(fmt.Errorf("upload %s is not marked referenced: %+v", sum, up))
	}
	up.Referenced, up.Tracked = false, false
	if err := s.store.PutUpload(ctx, unit, sum, up); err != nil {
		tb.Fatal(err)
	}
}

// UploadBusy reports whether a request holds or waits for the lock of
// unit's upload of sum.
func UploadBusy(s *Server, unit, sum string) bool {
	s.uploads.mu.Lock()
	defer s.uploads.mu.Unlock()
	return s.uploads.m[uploadKey(unit, sum)] != nil
}

// ChunkBuffersHeld is the number of upload buffers the chunks being
// received hold (Config.UploadBuffers).
func ChunkBuffersHeld(s *Server) int { return s.chunkMem.held() }

// HoldPrinters takes every place of s's printers, as copies being printed
// would, and returns their release.
func HoldPrinters(s *Server) (release func()) { return hold(s.printing) }

// HoldHashing takes every place of s's password hashing, as checks in
// progress would, and returns their release.
func HoldHashing(s *Server) (release func()) {
	shared, known := hold(s.hashing), hold(s.hashingKnown)
	return func() { shared(); known() }
}

// HoldSharedHashing takes the places of s's password hashing that any
// login may take, as unknown logins would, leaving the one kept for logins
// from an address they succeeded from.
func HoldSharedHashing(s *Server) (release func()) { return hold(s.hashing) }

// hold fills the semaphore places and returns what empties it.
func hold(places chan struct{}) (release func()) {
	for range cap(places) {
		places <- struct{}{}
	}
	return func() {
		for range cap(places) {
			<-places
		}
	}
}

// LoginsChecking is the number of logins of login being checked.
func LoginsChecking(s *Server, login string) int {
	s.loggingIn.mu.Lock()
	defer s.loggingIn.mu.Unlock()
	return s.loggingIn.n[login]
}

// PutUploadRecord stores up as unit's upload of sum, as the upload
// handler would, and writes its file (empty) where the record says.
func PutUploadRecord(tb interface{ Fatal(...any) }, s *Server, unit, sum string, up bureaustore.Upload) {
	if err := s.store.PutUpload(context.Background(), unit, sum, up); err != nil {
		tb.Fatal(err)
	}
	path := s.attachmentPath(unit, sum, up.Complete)
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path, nil, 0o640); err != nil {
		tb.Fatal(err)
	}
}

// AuditUnrecordedRefusals is what the background loop does with the
// logins refused while locked that no later refusal recorded.
func AuditUnrecordedRefusals(s *Server) { s.auditUnrecordedRefusals(context.Background(), s.Now()) }

// AuditUnrecordedReads is what the background loop does with repeated
// reads no later record counted.
func AuditUnrecordedReads(s *Server) { s.auditUnrecordedReads(context.Background(), s.Now()) }

// TakeAcceptancesUnchecked makes s take acceptance applications without
// checking the trial report they name, as bureaus did before trialLink.
func TakeAcceptancesUnchecked(s *Server) { s.olderIntake = true }
