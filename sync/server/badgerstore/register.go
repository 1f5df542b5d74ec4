package badgerstore

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/dgraph-io/badger/v4"
	"github.com/google/uuid"

	"egovdesk/app"
	"egovdesk/sync/server/bureaustore"
	"egovdesk/sync/server/console"
)

// The register of existing information systems (已建系统登记): the
// bureau's list of systems already built. Each system is an entry of the
// similar-projects index beside the declarations, under an ID no filing
// can have (bureaustore.RegisteredPrefix), so that a declaration
// rebuilding one ranks it among its similar projects.
//
//	rg/<id>       app.ExistingSystem, JSON
//	m/register    bureaustore.RegisterMeta, JSON
const (
	keyRegister = "m/register"
	// registerBatch is how many systems one transaction indexes.
	registerBatch = 50
)

func registered(id string) bool { return strings.HasPrefix(id, bureaustore.RegisteredPrefix) }

// ReplaceRegister replaces the register and indexes its systems, in
// batches under writeMu, so no similar-projects query sees the index half
// rebuilt by another writer; a query during the replacement may list part
// of the new register.
func (s *Store) ReplaceRegister(ctx context.Context, systems []app.ExistingSystem, meta bureaustore.RegisterMeta) error {
	if err := s.rebuildSimilarIndex(); err != nil {
		return err
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	var old []string
	if err := s.db.View(func(txn *badger.Txn) error {
		old = keysWithPrefix(txn, key("rg", ""))
		return nil
	}); err != nil {
		return fmt.Errorf("replace register: %w", err)
	}
	for len(old) > 0 {
		n := min(len(old), registerBatch)
		err := s.updateIndexed(ctx, func(txn *badger.Txn) error {
			for _, id := range old[:n] {
				if err := s.indexFingerprint(txn, txn, id, similarRecord{}); err != nil {
					return err
				}
				if err := txn.Delete(key("sgp", id)); err != nil {
					return err
				}
				if err := txn.Delete(key("rg", id)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("replace register: drop the old one: %w", err)
		}
		old = old[n:]
	}
	for i := 0; i < len(systems); i += registerBatch {
		batch := systems[i:min(len(systems), i+registerBatch)]
		err := s.updateIndexed(ctx, func(txn *badger.Txn) error {
			for _, sys := range batch {
				sys.ID = bureaustore.RegisteredPrefix + uuid.NewString()
				if err := setJSON(txn, key("rg", sys.ID), sys); err != nil {
					return err
				}
				if err := s.indexFingerprint(txn, txn, sys.ID, similarRecord{Fingerprint: sys.Fingerprint(), Year: sys.Year}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("replace register: %w", err)
		}
	}
	err := s.update(ctx, func(txn *badger.Txn) error {
		return setJSON(txn, []byte(keyRegister), meta)
	})
	if err != nil {
		return fmt.Errorf("replace register: %w", err)
	}
	return nil
}

// Register returns the register of existing systems.
func (s *Store) Register(ctx context.Context) (console.Register, error) {
	var reg console.Register
	err := s.db.View(func(txn *badger.Txn) error {
		var meta bureaustore.RegisterMeta
		if err := getJSON(txn, []byte(keyRegister), &meta); err != nil && !errors.Is(err, badger.ErrKeyNotFound) {
			return err
		}
		reg.Imported, reg.By, reg.File = meta.Imported, meta.By, meta.File
		opts := badger.DefaultIteratorOptions
		opts.Prefix = key("rg", "")
		it := txn.NewIterator(opts)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			var sys app.ExistingSystem
			if err := decodeItem(it.Item(), &sys); err != nil {
				return err
			}
			reg.Systems = append(reg.Systems, sys)
		}
		return nil
	})
	if err != nil {
		return console.Register{}, fmt.Errorf("register: %w", err)
	}
	return reg, nil
}

// fillRegistered fills a similar-projects entry of a registered system.
func fillRegistered(txn *badger.Txn, e *console.SimilarItem) error {
	var sys app.ExistingSystem
	if err := getJSON(txn, key("rg", e.ID), &sys); err != nil {
		return fmt.Errorf("registered system %s: %w", e.ID, err)
	}
	e.Title, e.UnitName, e.Year, e.Registered = sys.Name, sys.Owner, sys.Year, true
	return nil
}
