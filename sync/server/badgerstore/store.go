// Package badgerstore is the bureau's embedded store on Badger, the
// default implementation of bureaustore.Storage: one process, one data
// directory, nothing to install. It holds the whole key layout; the HTTP
// layer (sync/server) never sees a key.
package badgerstore

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/dgraph-io/badger/v4"

	"egovdesk/app/badgerutil"
	"egovdesk/sync/server/bureaustore"
)

// Key layout of the bureau's Badger store, version m/schema. Records are
// JSON (rb/ the body's bytes as received), counters 8-byte big-endian, m/
// values and lookups (uc/, al/) plain text, index keys empty; attachment
// bytes live in files under the data directory, never in Badger values.
//
// Schema 2 (2026-11-22) stores each revision's body once, as received
// (rb/), instead of re-encoding it into both the filing and the revision
// record (schema 1, which had no m/schema key). Schema 3 (2026-12-05) adds
// the fp/ and rcd/ indexes, which Open builds for a schema-2 store. Open
// refuses another schema.
//
//	m/epoch                      random id of this store; cursors from another store reset
//	m/schema                     layout version, decimal: Schema
//	m/profile                    bureaustore.Profile
//	u/<unit>                     protocol.Unit
//	uc/<code>                    unit id by credit code
//	a/<account>                  bureaustore.Account
//	al/<login>                   account id by login
//	t/<sha256(token)>            bureaustore.Token
//	ta/<account>/<sha256(token)> empty: the account's tokens, for revocation
//	f/<filing>                   bureaustore.Filing
//	fu/<unit>/<filing>           empty: a unit's filings
//	fp/<unit>/<project>/<filing> empty: a unit's filings that name the declaration project (m/projectindex: built)
//	rcd/<code id>/<number>/<digest>/<filing>/<revision>  empty: revisions by printed verification code (app.PrintCode; m/verifyindex: built)
//	q/<filing>                   empty: filings awaiting review, of bureaus before 2026-12-04 (deleted by dropOldPostings)
//	r/<filing>/<revision>        bureaustore.Revision
//	rb/<filing>/<revision>       the revision's body: the submitted JSON bytes, whose SHA-256 the receipt holds
//	c/<unit>/<seq: 8 bytes BE>   protocol.Change
//	cs/<unit>                    last seq of the unit's feed (8 bytes BE)
//	cl/<unit>                    lowest retained seq (8 bytes BE); older cursors reset
//	up/<unit>/<sha256>           bureaustore.Upload
//	w/<unit>/<sha256>/<filing>/<revision>  empty: a revision waiting for this attachment
//	dr/<unit>/<draft>            bureaustore.Draft without its body: a draft kept for its unit (drafts.go)
//	drb/<unit>/<draft>           that draft's body as received
//
// The queue index (queue.go), the similar-projects index (similar.go) and
// the register of existing systems (register.go) describe their own keys.
const (
	keyEpoch   = "m/epoch"
	keySchema  = "m/schema"
	keyProfile = "m/profile"
	// keyProjectIndex marks the fp/ keys written for the filings stored
	// before them (buildProjectIndex).
	keyProjectIndex = "m/projectindex"
	// keyCodeIndex marks the rcd/ keys written for the revisions stored
	// before them (buildCodeIndex).
	keyCodeIndex = "m/verifyindex"

	// Schema is the layout version this package writes. It reads
	// schemaUpgradable too, and upgrades it when it opens for service.
	Schema = "3"
	// schemaUpgradable is the layout of bureaus before the fp/ and rcd/
	// keys (2026-12-05): Open builds them (buildProjectIndex,
	// buildCodeIndex) and writes Schema, so that an older bureau, which
	// would write revisions without them, refuses the store.
	schemaUpgradable = "2"
)

// Tune changes Badger's options before the store opens (benchmarks).
type Tune func(badger.Options) badger.Options

// Options configures Open. Zero fields take defaults.
type Options struct {
	Logger   *slog.Logger // nil discards
	MemTable int64        // Badger memtable size (32 MB); a transaction may hold 15% of it
	Tune     Tune
	// EncryptionKey (16, 24 or 32 bytes; AES-128/192/256) encrypts the
	// store at rest with Badger's own encryption: it is Badger's master
	// key, which encrypts the data keys Badger rotates every 10 days.
	// nil: not encrypted. A directory written without a key does not open
	// with one (ErrNotEncrypted): encrypt it by a backup and a restore.
	EncryptionKey []byte
	// NoUpkeep starts no background work (loading the similar-projects
	// index, dropOldPostings): for a store opened to be read once and
	// left, as bureau migrate's source. Similar then fails.
	NoUpkeep bool
}

// ErrNotEncrypted is returned by Open with a key for a store written
// without one, and ErrWrongKey for one written with another key (or
// opened without its key).
var (
	ErrNotEncrypted = errors.New("the bureau's Badger store was written without encryption: to encrypt it, stop the bureau, run bureau backup, then bureau restore --key-file into a new data directory")
	ErrWrongKey     = errors.New("the bureau's Badger store is encrypted with another key (or needs --key-file / EGOV_BUREAU_KEY)")
)

// Store is the Badger implementation of bureaustore.Storage.
type Store struct {
	db  *badger.DB
	log *slog.Logger
	// dir and closeRoom: Close writes the memtable out only with closeRoom
	// free in dir (see Close).
	dir       string
	closeRoom int64

	writeMu      sync.Mutex                       // serialises writes that read-modify-write shared records; held by the group commit
	auditMu      sync.Mutex                       // serialises appends to the audit trail: each reads and moves its head
	committer    bureaustore.Group[*pendingWrite] // groups the hot writes (submissions, decisions, uploads) into one commit
	indexing     *txnIndex                        // the similar-index changes of the transaction running under writeMu
	index        atomic.Pointer[memIndex]         // the similar-projects index's lists (similarmem.go); replaced under writeMu
	similarBuilt atomic.Bool                      // m/similarindex was found: every declaration has its entry

	onChange func(units []string)
	synced   *syncFault // set when Badger could not sync its value log: writes are refused from then on

	closing   chan struct{} // closed by Close: background work stops
	closeOnce sync.Once
	bg        sync.WaitGroup // background work (loadSimilarIndex, dropOldPostings)
}

var _ bureaustore.Storage = (*Store)(nil)

// Open opens (or creates) the store in dir. It fails when Badger cannot
// open it (badgerutil.DirLocked tells when another process holds it), or
// the store has another layout.
func Open(ctx context.Context, dir string, o Options) (*Store, error) {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.MemTable <= 0 {
		o.MemTable = 32 << 20
	}
	fault := new(syncFault)
	db, err := openBadger(dir, o.MemTable, badgerLogger{o.Logger, fault}, o.Tune, o.EncryptionKey)
	if err != nil {
		return nil, err
	}
	s := &Store{db: db, log: o.Logger, onChange: func([]string) {}, synced: fault, closing: make(chan struct{}),
		dir: dir, closeRoom: 3 * o.MemTable}
	s.committer.Max = maxGroup
	schema, err := s.openLayout(ctx)
	if err != nil {
		db.Close()
		return nil, err
	}
	if err := s.newSimilarIndex(); err != nil {
		db.Close()
		return nil, err
	}
	if o.NoUpkeep {
		idx := newMemIndex()
		idx.install(nil, errors.New("the store was opened without upkeep"))
		s.index.Store(idx)
		return s, nil
	}
	if err := s.buildProjectIndex(); err != nil {
		db.Close()
		return nil, err
	}
	if err := s.buildCodeIndex(); err != nil {
		db.Close()
		return nil, err
	}
	if err := s.buildAuditActionIndex(); err != nil {
		db.Close()
		return nil, err
	}
	if schema == schemaUpgradable { // built above: the layout says so
		if err := db.Update(func(txn *badger.Txn) error { return txn.Set([]byte(keySchema), []byte(Schema)) }); err != nil {
			db.Close()
			return nil, fmt.Errorf("store layout %s: %w", Schema, err)
		}
	}
	var old bool
	if err := db.View(func(txn *badger.Txn) error {
		var err error
		old, err = oldPostingsLeft(txn)
		return err
	}); err != nil {
		db.Close()
		return nil, fmt.Errorf("similar-projects index: %w", err)
	}
	s.loadSimilarIndex()
	if old {
		s.bg.Go(s.dropOldPostings)
	}
	return s, nil
}

// DB returns the Badger database, for tests that write what an older
// bureau would have left (and then call ReloadSimilarIndex).
func (s *Store) DB() *badger.DB { return s.db }

// Close stops the store's background work and closes Badger.
func (s *Store) Close() error {
	s.closeOnce.Do(func() { close(s.closing) })
	s.bg.Wait()
	if free, err := badgerutil.FreeBytes(s.dir); err == nil && free < s.closeRoom {
		// Badger's Close writes the memtable out through a memory map,
		// which dies of SIGBUS on a full filesystem (the client's store
		// did; TestCloseOnAFullDisk). Every acknowledged write is in the
		// synced log, which the next Open replays, as after a crash.
		if err := s.db.Sync(); err != nil {
			s.log.Warn("sync on close", "err", err)
		}
		s.log.Warn("the disk is full: store closed without writing its memtable out; the next start replays its log", "dir", s.dir, "free_bytes", free)
		return nil
	}
	return s.db.Close()
}

// OnChange registers fn (see bureaustore.Storage).
func (s *Store) OnChange(fn func(units []string)) { s.onChange = fn }

func (s *Store) notify(units ...string) {
	if len(units) > 0 {
		s.onChange(units)
	}
}

// Schema returns the layout version.
func (s *Store) Schema() string { return Schema }

// Upgradable reports whether a store (or a backup of one) of layout
// schema opens, upgraded to Schema.
func Upgradable(schema string) bool { return schema == schemaUpgradable }

// CommitStats returns how many group commits the store has run and how
// many writes they held in all.
func (s *Store) CommitStats() (groups, writes int64) {
	return s.committer.Stats()
}

// openBadger opens the store in dir with options sized for a server.
//
// SyncWrites is on: a receipt lets the client drop the filing from its
// outbox, so what the receipt acknowledges must survive a power cut, not
// only a killed process. Each Badger commit then waits for its own fsync;
// Badger would share one between commits that reach it at the same time,
// but the store's writers take writeMu, so their commits never do. The
// store groups them itself instead: the hot writes (submissions,
// decisions, upload completions) go through commit (commit.go), which
// runs the writes of every waiting request in one transaction, synced once.
//
// Values of valueThreshold bytes or more (revision bodies, most filing records)
// go to the value log, and the tree holds a pointer to them. Kept in the
// tree, they filled a 32 MB memtable every few seconds at a deadline's
// load; each change of memtable stalls every writer while Badger
// allocates the next one, and each flush and compaction rewrites the
// values again. Badger syncs the value log before the memtable's log that
// points into it, but only logs a failure of that sync (valueLog.write,
// v4.9.6): log catches the message and the store refuses writes from then
// on (syncFault), so no receipt acknowledges a value that may not be on disk.
func openBadger(dir string, memTable int64, log badgerLogger, tune Tune, key []byte) (*badger.DB, error) {
	opts := badger.DefaultOptions(dir).
		WithLogger(log).
		WithSyncWrites(true).
		WithNumVersionsToKeep(1).
		WithValueLogFileSize(256 << 20).
		WithValueThreshold(valueThreshold).
		WithBlockCacheSize(64 << 20).
		WithIndexCacheSize(32 << 20).
		WithMemTableSize(memTable).
		WithNumCompactors(2).
		WithEncryptionKey(key) // the index cache above is what Badger needs for encrypted tables
	if most := memTable * 15 / 100 / 4; opts.ValueThreshold > most {
		opts = opts.WithValueThreshold(most) // small memtables (tests): keep a value below one transaction
	}
	if tune != nil {
		opts = tune(opts)
	}
	db, err := badgerutil.Open(opts)
	if errors.Is(err, badger.ErrEncryptionKeyMismatch) {
		if len(key) > 0 && plainRegistry(dir) {
			err = ErrNotEncrypted
		} else {
			err = ErrWrongKey
		}
	}
	if err != nil {
		return nil, fmt.Errorf("open badger %s: %w", dir, err)
	}
	return db, nil
}

// plainRegistry reports whether the KEYREGISTRY of the Badger directory
// dir was written without a key (its sanity text is in the clear).
func plainRegistry(dir string) bool {
	f, err := os.Open(filepath.Join(dir, badger.KeyRegistryFileName))
	if err != nil {
		return false
	}
	defer f.Close()
	b := make([]byte, 16+12)
	if _, err := io.ReadFull(f, b); err != nil {
		return false
	}
	return string(b[16:]) == "Hello Badger"
}

// Load fills the empty store in dir from a backup stream that Backup
// wrote (a restore), encrypted with key (nil: not encrypted).
func Load(dir string, r io.Reader, key []byte) error {
	fault := new(syncFault)
	db, err := openBadger(dir, 32<<20, badgerLogger{slog.New(slog.DiscardHandler), fault}, nil, key)
	if err != nil {
		return err
	}
	err = db.Load(r, 256)
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = fault.err()
	}
	return err
}

// Backup writes Badger's backup stream of one snapshot to w.
func (s *Store) Backup(ctx context.Context, w io.Writer) error {
	_, err := s.db.Backup(ctxWriter{ctx, w}, 0)
	return err
}

// LockFiles has nothing to do: one process opens a Badger directory, and
// it keeps its backups and deletions apart itself.
func (s *Store) LockFiles(context.Context, bool) (func(), bool, error) { return func() {}, true, nil }

// ctxWriter stops a copy when ctx is done.
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c ctxWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}

// Maintain settles the revisions a CompleteUpload stopped part way left
// waiting (settleLeftWaiting), then reclaims value-log space until there
// is nothing to reclaim or stop closes.
func (s *Store) Maintain(ctx context.Context, stop <-chan struct{}) error {
	// A failure here must not keep the value log from being reclaimed
	// (found in review): it is logged, and tried again next round.
	if _, err := s.settleLeftWaiting(ctx, time.Now()); err != nil {
		s.log.Error("settle revisions left waiting for complete uploads", "err", err)
	}
	for s.db.RunValueLogGC(0.5) == nil {
		select {
		case <-stop:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		default:
		}
	}
	return nil
}

// Epoch returns the store's epoch.
func (s *Store) Epoch(ctx context.Context) (string, error) {
	var epoch string
	err := s.db.View(func(txn *badger.Txn) error {
		var err error
		epoch, err = getString(txn, []byte(keyEpoch))
		return err
	})
	if err != nil {
		return "", fmt.Errorf("epoch: %w", err)
	}
	return epoch, nil
}

// ResetEpoch gives the store a new epoch.
func (s *Store) ResetEpoch(ctx context.Context) (string, error) {
	epoch := randomHex(8)
	if err := s.update(ctx, func(txn *badger.Txn) error { return txn.Set([]byte(keyEpoch), []byte(epoch)) }); err != nil {
		return "", fmt.Errorf("reset feeds: %w", err)
	}
	return epoch, nil
}

// openLayout gives a new store its epoch and layout, and returns the
// layout of an existing one, which must be Schema or schemaUpgradable.
func (s *Store) openLayout(ctx context.Context) (schema string, err error) {
	schema = Schema
	err = s.update(ctx, func(txn *badger.Txn) error {
		_, err := txn.Get([]byte(keyEpoch))
		if err == nil {
			schema = "1"
			if item, err := txn.Get([]byte(keySchema)); err == nil {
				if err := item.Value(func(v []byte) error { schema = string(v); return nil }); err != nil {
					return err
				}
			} else if !errors.Is(err, badger.ErrKeyNotFound) {
				return err
			}
			if schema != Schema && schema != schemaUpgradable {
				return fmt.Errorf("store layout %s, this bureau reads layout %s", schema, Schema)
			}
			return nil
		}
		if !errors.Is(err, badger.ErrKeyNotFound) {
			return err
		}
		schema = Schema
		if err := txn.Set([]byte(keySchema), []byte(Schema)); err != nil {
			return err
		}
		return txn.Set([]byte(keyEpoch), []byte(randomHex(8)))
	})
	if err != nil {
		return "", fmt.Errorf("store layout: %w", err)
	}
	return schema, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func key(parts ...string) []byte {
	n := 0
	for _, p := range parts {
		n += len(p) + 1
	}
	b := make([]byte, 0, n)
	for i, p := range parts {
		if i > 0 {
			b = append(b, '/')
		}
		b = append(b, p...)
	}
	return b
}

func seqKey(unit string, seq uint64) []byte {
	return binary.BigEndian.AppendUint64(key("c", unit, ""), seq)
}

// update runs fn in a read-write transaction of its own, retrying on
// conflicts: one commit, and with SyncWrites one fsync, per call. Writes on
// a request's hot path use Store.commit instead.
func (s *Store) update(ctx context.Context, fn func(txn *badger.Txn) error) error {
	return s.updateThen(ctx, fn, nil)
}

// updateThen runs fn as update does, and calls committed (when not nil)
// once the run of fn that commits has committed.
func (s *Store) updateThen(ctx context.Context, fn func(txn *badger.Txn) error, committed func()) error {
	for i := 0; ; i++ {
		err := s.db.Update(fn)
		if err == nil {
			if committed != nil {
				committed()
			}
			err = s.synced.err()
		}
		if !errors.Is(err, badger.ErrConflict) || i == 9 {
			return unavailable(err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(i+1) * 5 * time.Millisecond):
		}
	}
}

// unavailable marks a write that failed for want of disk space with
// bureaustore.ErrUnavailable (keeping Badger's text, which is all Badger
// keeps of the OS error): what was committed before stays, and the write
// can be retried once space is back.
func unavailable(err error) error {
	if err != nil && !errors.Is(err, bureaustore.ErrUnavailable) &&
		(errors.Is(err, syscall.ENOSPC) || strings.Contains(err.Error(), "no space left on device")) {
		return fmt.Errorf("%w: %w", bureaustore.ErrUnavailable, err)
	}
	return err
}

// notFound maps Badger's missing key to the seam's ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, badger.ErrKeyNotFound) {
		return fmt.Errorf("%w: %w", bureaustore.ErrNotFound, err)
	}
	return err
}

// getJSON reads the record at k into v. It returns badger.ErrKeyNotFound
// when there is none.
func getJSON(txn *badger.Txn, k []byte, v any) error {
	item, err := txn.Get(k)
	if err != nil {
		return err
	}
	return decodeItem(item, v)
}

// decodeItem reads the JSON record of item into v.
func decodeItem(item *badger.Item, v any) error {
	return item.Value(func(val []byte) error {
		if err := json.Unmarshal(val, v); err != nil {
			return fmt.Errorf("decode %s: %w", item.Key(), err)
		}
		return nil
	})
}

// setJSON writes v as JSON at k through w (a transaction or a stage).
func setJSON(w writer, k []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s: %w", k, err)
	}
	return w.Set(k, data)
}

func getString(txn *badger.Txn, k []byte) (string, error) {
	item, err := txn.Get(k)
	if err != nil {
		return "", err
	}
	v, err := item.ValueCopy(nil)
	return string(v), err
}

func getUint(txn *badger.Txn, k []byte) (uint64, error) {
	item, err := txn.Get(k)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	var n uint64
	err = item.Value(func(val []byte) error {
		if len(val) != 8 {
			return fmt.Errorf("counter %s: %d bytes", k, len(val))
		}
		n = binary.BigEndian.Uint64(val)
		return nil
	})
	return n, err
}

// setUint writes the counter n at k through w (a transaction or a stage).
func setUint(w writer, k []byte, n uint64) error {
	return w.Set(k, binary.BigEndian.AppendUint64(nil, n))
}

func exists(txn *badger.Txn, k []byte) (bool, error) {
	_, err := txn.Get(k)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return false, nil
	}
	return err == nil, err
}

// keysWithPrefix returns the keys under prefix with the prefix cut off,
// reading keys only.
func keysWithPrefix(txn *badger.Txn, prefix []byte) []string {
	return keysWithPrefixUpTo(txn, prefix, math.MaxInt)
}

// keysWithPrefixUpTo is keysWithPrefix, reading at most n keys.
func keysWithPrefixUpTo(txn *badger.Txn, prefix []byte, n int) []string {
	opts := badger.DefaultIteratorOptions
	opts.PrefetchValues = false
	opts.Prefix = prefix
	it := txn.NewIterator(opts)
	defer it.Close()
	var out []string
	for it.Rewind(); it.Valid() && len(out) < n; it.Next() {
		out = append(out, string(it.Item().Key()[len(prefix):]))
	}
	return out
}

// KeysWithPrefix returns the keys of the store under prefix, the prefix
// cut off (tests of the layout).
func (s *Store) KeysWithPrefix(prefix string) ([]string, error) {
	var out []string
	err := s.db.View(func(txn *badger.Txn) error {
		out = keysWithPrefix(txn, []byte(prefix))
		return nil
	})
	return out, err
}

// badgerLogger sends Badger's logs to slog, its chatty info lines as
// debug, and records in fault a value log that could not be synced.
type badgerLogger struct {
	log   *slog.Logger
	fault *syncFault
}

func (l badgerLogger) Errorf(f string, a ...any) {
	msg := fmt.Sprintf(f, a...)
	if strings.HasPrefix(f, vlogSyncFailed) && l.fault != nil {
		l.fault.set(strings.TrimSpace(msg))
	}
	l.log.Error(msg, "component", "badger")
}
func (l badgerLogger) Warningf(f string, a ...any) {
	l.log.Warn(fmt.Sprintf(f, a...), "component", "badger")
}
func (l badgerLogger) Infof(f string, a ...any) {
	l.log.Debug(fmt.Sprintf(f, a...), "component", "badger")
}
func (l badgerLogger) Debugf(f string, a ...any) {
	l.log.Debug(fmt.Sprintf(f, a...), "component", "badger")
}
