package server

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/dgraph-io/badger/v4"

	"egovdesk/app/store"
)

// Key layout of the bureau's Badger store, version m/schema. Records are
// JSON (rb/ the body's bytes as received), counters 8-byte big-endian, m/
// values and lookups (uc/, al/) plain text, index keys empty; attachment
// bytes live in files under the data directory, never in Badger values.
//
// Schema 2 (2026-11-22) stores each revision's body once, as received
// (rb/), instead of re-encoding it into both the filing and the revision
// record (schema 1, which had no m/schema key). Open refuses another schema.
//
//	m/epoch                      random id of this store; cursors from another store reset
//	m/schema                     layout version, decimal: storeSchema
//	m/profile                    profileRecord
//	u/<unit>                     Unit
//	uc/<code>                    unit id by credit code
//	a/<account>                  accountRecord
//	al/<login>                   account id by login
//	t/<sha256(token)>            tokenRecord
//	ta/<account>/<sha256(token)> empty: the account's tokens, for revocation
//	f/<filing>                   filingRecord
//	fu/<unit>/<filing>           empty: a unit's filings
//	q/<filing>                   empty: filings awaiting review
//	r/<filing>/<revision>        revisionRecord
//	rb/<filing>/<revision>       the revision's body: the submitted JSON bytes, whose SHA-256 the receipt holds
//	c/<unit>/<seq: 8 bytes BE>   protocol.Change
//	cs/<unit>                    last seq of the unit's feed (8 bytes BE)
//	cl/<unit>                    lowest retained seq (8 bytes BE); older cursors reset
//	up/<unit>/<sha256>           uploadRecord
//	w/<unit>/<sha256>/<filing>/<revision>  empty: a revision waiting for this attachment
const (
	keyEpoch   = "m/epoch"
	keySchema  = "m/schema"
	keyProfile = "m/profile"

	storeSchema = "2"
)

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

// openBadger opens the store in dir with options sized for a server.
//
// SyncWrites is on: a receipt lets the client drop the filing from its
// outbox, so what the receipt acknowledges must survive a power cut, not
// only a killed process. Each Badger commit then waits for its own fsync;
// Badger would share one between commits that reach it at the same time,
// but the bureau's writers take writeMu, so their commits never do. The
// bureau groups them itself instead: the hot writes (submissions,
// decisions, upload completions) go through commit (groupcommit.go), which
// runs the writes of every waiting request in one transaction, synced once.
//
// tune, when not nil, changes the options last (benchmarks).
func openBadger(dir string, memTable int64, log *slog.Logger, tune ...func(badger.Options) badger.Options) (*badger.DB, error) {
	opts := badger.DefaultOptions(dir).
		WithLogger(badgerLogger{log}).
		WithSyncWrites(true).
		WithNumVersionsToKeep(1).
		WithValueLogFileSize(256 << 20).
		WithBlockCacheSize(64 << 20).
		WithIndexCacheSize(32 << 20).
		WithMemTableSize(memTable).
		WithNumCompactors(2)
	if most := memTable * 15 / 100 / 4; opts.ValueThreshold > most {
		opts = opts.WithValueThreshold(most) // small memtables (tests): keep a value below one transaction
	}
	for _, t := range tune {
		if t != nil {
			opts = t(opts)
		}
	}
	db, err := store.OpenBadger(opts)
	if err != nil {
		return nil, fmt.Errorf("open badger %s: %w", dir, err)
	}
	return db, nil
}

// update runs fn in a read-write transaction of its own, retrying on
// conflicts: one commit, and with SyncWrites one fsync, per call. Writes on
// a request's hot path use Server.commit instead.
func update(ctx context.Context, db *badger.DB, fn func(txn *badger.Txn) error) error {
	for i := 0; ; i++ {
		err := db.Update(fn)
		if !errors.Is(err, badger.ErrConflict) || i == 9 {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(i+1) * 5 * time.Millisecond):
		}
	}
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

func setUint(txn *badger.Txn, k []byte, n uint64) error {
	return txn.Set(k, binary.BigEndian.AppendUint64(nil, n))
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
	opts := badger.DefaultIteratorOptions
	opts.PrefetchValues = false
	opts.Prefix = prefix
	it := txn.NewIterator(opts)
	defer it.Close()
	var out []string
	for it.Rewind(); it.Valid(); it.Next() {
		out = append(out, string(it.Item().Key()[len(prefix):]))
	}
	return out
}

// badgerLogger sends Badger's logs to slog, its chatty info lines as debug.
type badgerLogger struct{ log *slog.Logger }

func (l badgerLogger) Errorf(f string, a ...any) {
	l.log.Error(fmt.Sprintf(f, a...), "component", "badger")
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
