// Package storemigrate moves a bureau's data from its embedded Badger
// store to PostgreSQL (bureau migrate): a county that grows into a city
// keeps every filing, receipt, change cursor and login.
package storemigrate

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/dgraph-io/badger/v4"

	"egovdesk/app"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server/badgerstore"
	"egovdesk/sync/server/bureaustore"
	"egovdesk/sync/server/pgstore"
)

// BadgerToPostgres copies the Badger store of the data directory dir
// (dir/badger) into dst, which must be empty, in one transaction of dst,
// and returns the rows written by table. The bureau must be stopped (Badger
// allows one process); the attachment files stay where they are (dir/
// attachments), for the PostgreSQL-backed bureau to serve with --data dir.
// The epoch and every feed's sequence numbers are kept, so clients go on
// from their cursors as if nothing happened; tokens are kept, so nobody
// logs in again.
func BadgerToPostgres(ctx context.Context, badgerDir string, dst *pgstore.Store, log *slog.Logger) (map[string]int, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	src, err := badgerstore.Open(ctx, badgerDir, badgerstore.Options{Logger: log, NoUpkeep: true})
	if err != nil {
		return nil, fmt.Errorf("open the Badger store %s: %w", badgerDir, err)
	}
	defer src.Close()
	db := src.DB()
	counts, err := dst.Import(ctx, func(im *pgstore.Importer) error {
		return db.View(func(txn *badger.Txn) error { return copyAll(txn, im) })
	})
	if err != nil {
		return nil, err
	}
	return counts, nil
}

// copyAll reads every record of the Badger layout (badgerstore/store.go)
// from one snapshot, parents first.
func copyAll(txn *badger.Txn, im *pgstore.Importer) error {
	if v, err := value(txn, "m/epoch"); err != nil {
		return err
	} else if v != nil {
		if err := im.Epoch(string(v)); err != nil {
			return err
		}
	}
	if v, err := value(txn, "m/profile"); err != nil {
		return err
	} else if v != nil {
		var p bureaustore.Profile
		if err := json.Unmarshal(v, &p); err != nil {
			return fmt.Errorf("profile: %w", err)
		}
		if err := im.Profile(p); err != nil {
			return err
		}
	}
	if err := each(txn, "u/", func(_ string, v []byte) error {
		var u protocol.Unit
		if err := json.Unmarshal(v, &u); err != nil {
			return err
		}
		return im.Unit(u)
	}); err != nil {
		return err
	}
	if err := im.Flush(); err != nil {
		return err
	}
	if err := each(txn, "a/", func(_ string, v []byte) error {
		var a bureaustore.Account
		if err := json.Unmarshal(v, &a); err != nil {
			return err
		}
		return im.Account(a)
	}); err != nil {
		return err
	}
	if err := each(txn, "f/", func(_ string, v []byte) error {
		var f bureaustore.Filing
		if err := json.Unmarshal(v, &f); err != nil {
			return err
		}
		return im.Filing(f, bureaustore.InQueue(f.Filing.Status))
	}); err != nil {
		return err
	}
	if err := im.Flush(); err != nil {
		return err
	}
	if err := each(txn, "t/", func(hash string, v []byte) error {
		var t bureaustore.Token
		if err := json.Unmarshal(v, &t); err != nil {
			return err
		}
		return im.Token(hash, t)
	}); err != nil {
		return err
	}
	if err := each(txn, "r/", func(k string, v []byte) error {
		fid, rid, ok := strings.Cut(k, "/")
		if !ok {
			return fmt.Errorf("revision key %q", k)
		}
		var r bureaustore.Revision
		if err := json.Unmarshal(v, &r); err != nil {
			return err
		}
		body, err := value(txn, "rb/"+k)
		if err != nil {
			return err
		}
		if body == nil {
			return fmt.Errorf("revision %s/%s has no body (rb/)", fid, rid)
		}
		return im.Revision(fid, rid, r, body)
	}); err != nil {
		return err
	}
	if err := each(txn, "cs/", func(unit string, v []byte) error {
		if len(v) != 8 {
			return fmt.Errorf("feed head of %s: %d bytes", unit, len(v))
		}
		low, err := value(txn, "cl/"+unit)
		if err != nil {
			return err
		}
		var l uint64
		if len(low) == 8 {
			l = binary.BigEndian.Uint64(low)
		}
		return im.Feed(unit, binary.BigEndian.Uint64(v), l)
	}); err != nil {
		return err
	}
	if err := each(txn, "c/", func(k string, v []byte) error {
		i := strings.LastIndexByte(k[:max(len(k)-8, 0)], '/')
		if len(k) < 10 || i < 0 || i != len(k)-9 {
			return fmt.Errorf("change key %q", k)
		}
		var c protocol.Change
		if err := json.Unmarshal(v, &c); err != nil {
			return err
		}
		c.Seq = binary.BigEndian.Uint64([]byte(k[len(k)-8:]))
		return im.Change(k[:i], c)
	}); err != nil {
		return err
	}
	if err := each(txn, "up/", func(k string, v []byte) error {
		unit, sum, ok := strings.Cut(k, "/")
		if !ok {
			return fmt.Errorf("upload key %q", k)
		}
		var up bureaustore.Upload
		if err := json.Unmarshal(v, &up); err != nil {
			return err
		}
		return im.Upload(unit, sum, up)
	}); err != nil {
		return err
	}
	if err := each(txn, "w/", func(k string, _ []byte) error {
		p := strings.Split(k, "/")
		if len(p) != 4 {
			return fmt.Errorf("wait key %q", k)
		}
		return im.Wait(p[0], p[1], p[2], p[3])
	}); err != nil {
		return err
	}
	// The register of existing systems (badgerstore/register.go); its
	// entries of the similar-projects index are rebuilt from it.
	if v, err := value(txn, "m/register"); err != nil {
		return err
	} else if v != nil {
		var m bureaustore.RegisterMeta
		if err := json.Unmarshal(v, &m); err != nil {
			return fmt.Errorf("register: %w", err)
		}
		if err := im.RegisterMeta(m); err != nil {
			return err
		}
	}
	if err := each(txn, "rg/", func(_ string, v []byte) error {
		var sys app.ExistingSystem
		if err := json.Unmarshal(v, &sys); err != nil {
			return fmt.Errorf("registered system: %w", err)
		}
		return im.RegisteredSystem(sys)
	}); err != nil {
		return err
	}
	// The drafts kept for units: dr/<unit>/<draft>, the body at drb/.
	if err := each(txn, "dr/", func(k string, v []byte) error {
		unit, _, ok := strings.Cut(k, "/")
		if !ok {
			return fmt.Errorf("draft key %q", k)
		}
		var d bureaustore.Draft
		if err := json.Unmarshal(v, &d); err != nil {
			return fmt.Errorf("draft: %w", err)
		}
		body, err := value(txn, "drb/"+k)
		if err != nil {
			return err
		}
		if body == nil {
			return fmt.Errorf("draft %s has no body", k)
		}
		d.Body = body
		return im.Draft(unit, d)
	}); err != nil {
		return err
	}
	return copyAudit(txn, im) // the security audit trail, audit.go
}

// value returns the value at k, nil when there is none.
func value(txn *badger.Txn, k string) ([]byte, error) {
	item, err := txn.Get([]byte(k))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return item.ValueCopy(nil)
}

// each calls fn with every key under prefix (cut off) and its value.
func each(txn *badger.Txn, prefix string, fn func(k string, v []byte) error) error {
	opts := badger.DefaultIteratorOptions
	opts.Prefix = []byte(prefix)
	it := txn.NewIterator(opts)
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		k := it.Item().Key()
		v, err := it.Item().ValueCopy(nil)
		if err != nil {
			return err
		}
		if err := fn(string(bytes.TrimPrefix(k, opts.Prefix)), v); err != nil {
			return fmt.Errorf("%s: %w", k, err)
		}
	}
	return nil
}
