// Package store is the desktop client's local store on Badger: filings (the
// working copy of each document and the frozen snapshot of every submitted
// revision), the secondary indexes that keep lists and name search fast with
// 10,000+ filings, the outbox of submissions waiting to be sent, the inbox of
// bureau decisions and notices, and the sync cursor.
//
// Every state change and the records that depend on it are written in one
// Badger transaction: a submission and its outbox item, a document and its
// index entries, pulled changes and the new cursor. Methods return an
// *app.Error with a Chinese message for what a person can act on (a missing
// filing, a data directory held by another window) and wrapped internal errors
// otherwise.
//
// Durability. Badger's SyncWrites is per database; we keep it false and call
// DB.Sync ourselves. A committed write is in Badger's memory-mapped write-ahead
// log before the call returns, so killing the process loses nothing (the
// crash test kills a writer with SIGKILL and checks every acknowledged write);
// only an operating-system crash or power cut can lose writes that the kernel
// has not yet flushed. Submit, ApplyChanges, Resync, Ack, AckMany,
// MarkAttempt, MarkAttempts and Retry therefore sync before they return, and
// autosaves (Save), the "sending" hints of MarkSending, MarkRead and Reindex
// are synced by a background loop at most SyncInterval later, so the autosave
// path stays well under a millisecond.
// See docs/benchmarks.md for the measured cost of both choices.
package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dgraph-io/badger/v4"

	"egovdesk/app"
	"egovdesk/app/badgerutil"
)

// Store is the client's local database. It is safe for concurrent use.
// Open it with Open and release it with Close.
type Store struct {
	// dependencies
	db  *badger.DB
	log *slog.Logger
	now func() time.Time

	// config
	dir          string
	minFree      int64
	syncInterval time.Duration
	gcInterval   time.Duration
	foldDelay    time.Duration
	key          []byte // the encryption key, for rescues (rescue.go); nil: not encrypted

	// state
	rescued   []string      // filings whose rescued edits Open adopted (rescue.go)
	waiting   []string      // filings whose rescued edits wait for disk space (rescue.go)
	setAside  []string      // filings whose rescued edits Open kept aside unsaved (rescue.go)
	dirty     atomic.Bool   // an unsynced write was committed
	foldMu    sync.Mutex    // guards foldDue
	foldDue   time.Time     // guarded by foldMu: when receipts are next to be folded (see foldWhenQuiet); zero: none
	closing   chan struct{} // closed by Close
	closeOnce sync.Once
	closeErr  error
	wg        sync.WaitGroup // background loop and subscribers

	mu     sync.RWMutex // readers: every operation; writer: Close
	closed bool         // guarded by mu

	subMu sync.Mutex
	subs  map[*subscriber]struct{} // guarded by subMu

	push pushState // the syncer's submissions on their way, against Withdraw (withdraw.go)
}

// Option configures Open.
type Option func(*config)

type config struct {
	logger       *slog.Logger
	inMemory     bool
	syncWrites   bool
	now          func() time.Time
	syncInterval time.Duration
	gcInterval   time.Duration
	foldDelay    time.Duration
	migrations   []Migration
	memTable     int64  // Badger memtable size; a transaction may hold 15% of it
	minFree      int64  // writes refused below this free space; see guardDisk
	key          []byte // Badger's master key; nil: not encrypted (WithEncryptionKey)
}

// WithMinFree sets the free space the store keeps on its filesystem
// [DefaultMinFree]; writes are refused below it. 0 turns the guard off.
func WithMinFree(n int64) Option { return func(c *config) { c.minFree = n } }

// WithLogger sends Badger's warnings and errors, and the store's own, to l.
// By default they are discarded.
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.logger = l } }

// WithInMemory keeps everything in memory (dir is ignored). For tests only:
// nothing survives Close.
func WithInMemory() Option { return func(c *config) { c.inMemory = true } }

// WithSyncWrites makes Badger fsync every commit, autosaves included. It is off
// by default; see the package comment.
func WithSyncWrites(on bool) Option { return func(c *config) { c.syncWrites = on } }

// WithClock sets the clock used for the times the store records itself
// (autosave times, send attempts). The default is time.Now.
func WithClock(now func() time.Time) Option { return func(c *config) { c.now = now } }

// WithSyncInterval sets how long an autosave may stay unsynced to disk at most
// (default one second). Zero or less disables the background sync.
func WithSyncInterval(d time.Duration) Option { return func(c *config) { c.syncInterval = d } }

// withFoldDelay sets how long after the last acknowledgement the background
// loop folds receipts (tests; foldDelay by default).
func withFoldDelay(d time.Duration) Option { return func(c *config) { c.foldDelay = d } }

// withMigrations replaces the registered migrations (tests).
func withMigrations(ms []Migration) Option { return func(c *config) { c.migrations = ms } }

// withMemTableSize shrinks Badger's memtables, and with them the largest
// transaction (tests of work that outgrows one transaction).
func withMemTableSize(n int64) Option { return func(c *config) { c.memTable = n } }

// badgerOptions returns desktop-sized options: the defaults are sized for a
// server (64 MB memtables ×5, 256 MB block cache, 1 GB value-log files that
// Windows maps at twice their size). The block cache holds decompressed
// blocks in the Go heap, where every megabyte kept alive lets the garbage
// collector keep about as much again: 4 MB lists 10,000 filings as fast as
// 16 MB did, 1 MB was a fifth slower (docs/benchmarks.md, "The real client's
// memory"). The index cache only serves encrypted tables: 2 MB for an
// encrypted store (WithEncryptionKey), none otherwise. The memtables stay at
// 8 MB: the largest transaction is 15% of one, and batch writes (acknowledgements, pulled
// changes, migrations) are sized against it. Values of 1 KiB and more (documents,
// revision bodies, history) go to the value log rather than into the LSM
// tree, whose compactions would otherwise copy them over and over: queueing
// 1,000 filings left so much compaction that pushing them right after cost
// half again as much CPU (docs/benchmarks.md). Summaries, index entries and
// outbox records stay in the tree, where lists and the syncer read them.
func badgerOptions(dir string, c *config) badger.Options {
	if c.inMemory {
		dir = ""
	}
	memTable := c.memTable
	if memTable <= 0 {
		memTable = 8 << 20
	}
	opts := badger.DefaultOptions(dir).
		WithInMemory(c.inMemory).
		WithMemTableSize(memTable).WithNumMemtables(2).
		WithNumLevelZeroTables(2).WithNumLevelZeroTablesStall(4).
		WithBlockCacheSize(4 << 20).WithIndexCacheSize(0).
		WithEncryptionKey(c.key).WithEncryptionKeyRotationDuration(EncryptionRotation).
		WithNumCompactors(2).WithBaseTableSize(1 << 20).WithBaseLevelSize(4 << 20).
		WithValueLogFileSize(64 << 20).
		WithNumVersionsToKeep(1).
		WithSyncWrites(c.syncWrites).
		WithMetricsEnabled(false).
		WithLogger(badgerLogger{c.logger})
	if !c.inMemory && !c.syncWrites {
		// An in-memory store has no value log: every value stays in the
		// tree. With SyncWrites on, Badger 4.9 syncs the value log after
		// each write but only logs a failure (valueLog.write), so the value
		// log is used only with SyncWrites off, where DB.Sync — which the
		// store calls before it reports a write durable — returns it.
		opts = opts.WithValueThreshold(1 << 10)
	}
	if len(c.key) > 0 {
		// Encrypted tables keep their decrypted indexes here, not in
		// the table objects; Badger needs it above zero.
		opts = opts.WithIndexCacheSize(2 << 20)
	}
	if most := memTable * 15 / 100 / 4; c.memTable > 0 && opts.ValueThreshold > most {
		opts = opts.WithValueThreshold(most) // small memtables (tests): keep a value below one transaction
	}
	return opts
}

// Open opens (creating if needed) the store in dir and brings its schema up to
// date. It fails with an ELOCKED *app.Error when another egovdesk window holds
// dir, with an EINVALID *app.Error when dir was written by a newer egovdesk,
// and with a wrapped error otherwise.
func Open(dir string, opts ...Option) (*Store, error) {
	c := &config{now: time.Now, syncInterval: time.Second, gcInterval: 10 * time.Minute,
		foldDelay: foldDelay, migrations: migrations, minFree: DefaultMinFree}
	for _, o := range opts {
		o(c)
	}
	if c.logger == nil {
		c.logger = slog.New(slog.DiscardHandler)
	}
	err := prepareEncrypted(dir, c)
	var db *badger.DB
	if err == nil {
		db, err = OpenBadger(badgerOptions(dir, c))
	}
	if err != nil {
		if isDirLocked(err) {
			return nil, &lockedError{
				appErr: app.Errorf(app.ELOCKED, "数据目录 %s 正被另一个 egovdesk 窗口使用，请先关闭那个窗口（或等待其退出）后再打开", dir),
				cause:  err}
		}
		return nil, fmt.Errorf("open store %s: %w", dir, err)
	}
	s := &Store{db: db, log: c.logger, now: c.now, dir: dir,
		syncInterval: c.syncInterval, gcInterval: c.gcInterval, foldDelay: c.foldDelay, minFree: c.minFree, key: c.key,
		closing: make(chan struct{}), subs: map[*subscriber]struct{}{}}
	if err := s.migrate(dir, c.migrations); err != nil {
		db.Close()
		return nil, err
	}
	if err := s.fillAnchorsIfAsked(); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", dir, err)
	}
	if err := s.requeueSending(); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", dir, err)
	}
	if err := s.recoverPushMark(); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", dir, err)
	}
	if _, err := s.emptyTrash(context.Background(), s.now().Add(-TrashRetention)); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", dir, err)
	}
	if !c.inMemory {
		s.adoptRescued(context.Background()) // edits the last run could not store (rescue.go)
	}
	s.foldDue = time.Now() // receipts the last run left: on the first tick, off the start-up path
	if !c.inMemory {
		s.wg.Add(1)
		go s.background()
	}
	return s, nil
}

// OpenBadger opens a Badger database like badger.Open, and survives a crash
// Badger itself does not: a process killed while Badger rotates its memtable
// leaves the next .mem file created but still empty, and badger.Open then
// fails with "Create a new file" (dgraph-io/badger#2207, open in v4.9.6). That
// failed Open sizes the file, so opening once more succeeds; the file holds no
// entries, so nothing is lost. The directory lock is taken before memtables
// are read, so this error means no other process holds the directory. The
// bureau server opens its database through this too.
func OpenBadger(opts badger.Options) (*badger.DB, error) { return badgerutil.Open(opts) }

// DirLocked reports whether err, from OpenBadger or badger.Open, says another
// process holds the database directory.
func DirLocked(err error) bool { return err != nil && isDirLocked(err) }

// isDirLocked reports whether badger.Open failed on the directory lock. Badger
// flattens the OS error into text (y.Wrapf without debug mode), so errors.Is
// cannot see EWOULDBLOCK; both the Unix (flock) and the Windows (exclusive
// LOCK file) paths say "Another process is using this Badger database".
func isDirLocked(err error) bool { return badgerutil.DirLocked(err) }

// lockedError is the ELOCKED *app.Error for a held data directory that also
// wraps Badger's error, so errors.As finds the *app.Error and the log keeps the cause.
type lockedError struct {
	appErr *app.Error
	cause  error
}

func (e *lockedError) Error() string   { return e.appErr.Error() }
func (e *lockedError) Unwrap() []error { return []error{e.appErr, e.cause} }

// Close syncs and closes the database and waits for the background loop and
// every subscriber to return. It is safe to call more than once and from
// several goroutines; later calls return the first call's result. Operations
// called after Close fail with an EUNAVAILABLE *app.Error.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.subMu.Lock() // no Subscribe may Add to wg once Wait has begun
		close(s.closing)
		s.subMu.Unlock()
		s.wg.Wait()
		s.mu.Lock()
		defer s.mu.Unlock()
		s.closed = true
		if err := s.db.Sync(); err != nil {
			s.log.Warn("store: sync on close", "err", err)
		}
		if s.tooFullToClose() {
			// Badger's Close writes the memtable out as a table through a
			// memory map: on a full filesystem the process died of SIGBUS
			// there (found by a clerk on a full disk). Everything is in the
			// synced write-ahead log, which the next Open replays, as after
			// a crash; the process exits, releasing the directory lock.
			s.log.Warn("store: the disk is full: closed without writing the memtable out; the next start replays its log", "dir", s.dir)
			return
		}
		if err := s.db.Close(); err != nil {
			s.closeErr = fmt.Errorf("close store %s: %w", s.dir, err)
		}
	})
	return s.closeErr
}

// closeRoom is the free space Close needs to write the memtable out: a
// table as large as the memtable (8 MiB), with room.
const closeRoom = 24 << 20

// tooFullToClose reports whether the store's filesystem has too little
// room left for Badger's Close.
func (s *Store) tooFullToClose() bool {
	if s.minFree <= 0 || s.dir == "" {
		return false
	}
	free, err := freeBytes(s.dir)
	return err == nil && free < closeRoom
}

// enter marks the start of an operation; it fails once the store is closed.
// Every operation that touches db calls it and defers s.mu.RUnlock.
func (s *Store) enter() error {
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return app.Errorf(app.EUNAVAILABLE, "本地数据库已关闭")
	}
	return nil
}

// maxAttempts bounds update's retries on badger.ErrConflict.
const maxAttempts = 12

// update runs fn in a read-write transaction, retrying with a small jittered
// backoff when Badger reports a conflict with a concurrent transaction. When
// durable is set the write is synced to disk before update returns. Subscribers
// are notified after a successful commit.
func (s *Store) update(ctx context.Context, durable bool, fn func(txn *badger.Txn) error) error {
	if err := s.enter(); err != nil {
		return err
	}
	defer s.mu.RUnlock()
	if err := s.guardDisk(); err != nil {
		return err
	}
	var err error
	for i := range maxAttempts {
		if err = ctx.Err(); err != nil {
			return err
		}
		err = s.db.Update(fn)
		if !errors.Is(err, badger.ErrConflict) {
			break
		}
		d := time.Duration(i+1) * time.Millisecond
		time.Sleep(d + rand.N(d))
	}
	if err != nil {
		return err
	}
	if durable {
		if err := s.db.Sync(); err != nil {
			return fmt.Errorf("sync: %w", err)
		}
	} else {
		s.dirty.Store(true)
	}
	s.notify()
	return nil
}

// updateEach runs fn(txn, i) for i in [0, n), in order, in as few
// read-write transactions as Badger allows: all in one, or, when Badger
// finds that too big (badger.ErrTxnTooBig), each half in its own, and so
// on. When durable is set the writes are synced to disk once, before it
// returns. It fails with the first error of fn or of Badger; transactions
// committed before it stay committed.
func (s *Store) updateEach(ctx context.Context, durable bool, n int, fn func(txn *badger.Txn, i int) error) error {
	var run func(lo, hi int) error
	run = func(lo, hi int) error {
		err := s.update(ctx, false, func(txn *badger.Txn) error {
			for i := lo; i < hi; i++ {
				if err := fn(txn, i); err != nil {
					return err
				}
			}
			return nil
		})
		if errors.Is(err, badger.ErrTxnTooBig) && hi-lo > 1 {
			mid := lo + (hi-lo)/2
			if err := run(lo, mid); err != nil {
				return err
			}
			return run(mid, hi)
		}
		return err
	}
	if n == 0 {
		return nil
	}
	if err := run(0, n); err != nil {
		return err
	}
	if !durable {
		return nil
	}
	if err := s.enter(); err != nil {
		return err
	}
	defer s.mu.RUnlock()
	if err := s.db.Sync(); err != nil {
		return fmt.Errorf("sync: %w", err)
	}
	return nil
}

// view runs fn in a read-only snapshot.
func (s *Store) view(ctx context.Context, fn func(txn *badger.Txn) error) error {
	if err := s.enter(); err != nil {
		return err
	}
	defer s.mu.RUnlock()
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.View(fn)
}

// background syncs autosaves every syncInterval and collects value-log
// garbage every gcInterval until Close.
func (s *Store) background() {
	defer s.wg.Done()
	var syncC <-chan time.Time
	if s.syncInterval > 0 {
		t := time.NewTicker(s.syncInterval)
		defer t.Stop()
		syncC = t.C
	}
	gc := time.NewTicker(s.gcInterval)
	defer gc.Stop()
	for {
		select {
		case <-s.closing:
			return
		case <-syncC:
			if s.dirty.Swap(false) {
				if err := s.db.Sync(); err != nil {
					s.dirty.Store(true)
					s.log.Warn("store: background sync", "err", err)
				}
			}
			s.foldWhenQuiet()
		case <-gc.C:
			// One call removes at most one value-log file; loop while it finds work.
			for s.db.RunValueLogGC(0.5) == nil {
			}
		}
	}
}

// noteAck tells the background loop that receipts were recorded: it folds
// them once no acknowledgement has come for foldDelay (foldWhenQuiet).
func (s *Store) noteAck() {
	s.foldMu.Lock()
	s.foldDue = time.Now().Add(s.foldDelay)
	s.foldMu.Unlock()
}

// foldWhenQuiet folds one batch of recorded receipts into their summaries
// once the fold is due, and more on the next ticks until none is left: a
// tick stays short, so the autosave sync beside it is never held up for
// long. A failure is logged and tried again on a later tick; reads are
// right either way.
func (s *Store) foldWhenQuiet() {
	s.foldMu.Lock()
	due := s.foldDue
	s.foldMu.Unlock()
	if due.IsZero() || time.Now().Before(due) {
		return
	}
	n, err := s.foldBatch(context.Background())
	if err != nil {
		s.log.Warn("store: fold receipts", "err", err)
		return
	}
	if n < foldBatch {
		s.foldMu.Lock()
		if s.foldDue.Equal(due) { // else an acknowledgement since: fold after it
			s.foldDue = time.Time{}
		}
		s.foldMu.Unlock()
	}
}

// subscriber is one Subscribe callback with its coalescing mailbox.
type subscriber struct{ ch chan struct{} }

// Subscribe calls fn after writes are committed, until ctx is done or the
// store is closed. Notifications are coalesced: many writes in quick
// succession may produce one call, and a slow fn never blocks a writer. fn
// runs on a goroutine of the store, never on the UI thread: a Fyne caller
// must wrap widget updates in fyne.Do. Close waits for a running fn to return.
func (s *Store) Subscribe(ctx context.Context, fn func()) {
	sub := &subscriber{ch: make(chan struct{}, 1)}
	s.subMu.Lock()
	select {
	case <-s.closing:
		s.subMu.Unlock()
		return // closed: nothing will change any more
	default:
	}
	s.subs[sub] = struct{}{}
	s.wg.Add(1)
	s.subMu.Unlock()
	go func() {
		defer s.wg.Done()
		defer func() {
			s.subMu.Lock()
			delete(s.subs, sub)
			s.subMu.Unlock()
		}()
		for {
			select {
			case <-ctx.Done():
				return
			case <-s.closing:
				return
			case <-sub.ch:
				fn()
			}
		}
	}()
}

// notify wakes every subscriber without blocking.
func (s *Store) notify() {
	s.subMu.Lock()
	defer s.subMu.Unlock()
	for sub := range s.subs {
		select {
		case sub.ch <- struct{}{}:
		default:
		}
	}
}

// badgerLogger adapts slog to badger.Logger. Badger is chatty at info level
// (compactions, value-log replay), so info goes to debug and debug is dropped.
type badgerLogger struct{ l *slog.Logger }

func (b badgerLogger) Errorf(f string, a ...any)   { b.l.Error("badger: " + trim(fmt.Sprintf(f, a...))) }
func (b badgerLogger) Warningf(f string, a ...any) { b.l.Warn("badger: " + trim(fmt.Sprintf(f, a...))) }
func (b badgerLogger) Infof(f string, a ...any)    { b.l.Debug("badger: " + trim(fmt.Sprintf(f, a...))) }
func (b badgerLogger) Debugf(string, ...any)       {}

func trim(s string) string { return strings.TrimRight(s, "\n") }
