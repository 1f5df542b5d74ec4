package server

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/google/uuid"

	"egovdesk/app"
	"egovdesk/sync/server/console"
)

// The register of existing information systems (已建系统登记): the
// bureau's list of systems already built, imported from a workbook (the
// console's admin page). Each system is an entry of the similar-projects
// index beside the declarations, under an id no filing can have, so that
// a declaration rebuilding one ranks it among its similar projects.
//
//	rg/<id>       app.ExistingSystem, JSON
//	m/register    registerMeta, JSON
const (
	keyRegister = "m/register"
	// registeredPrefix starts the id of a registered system: '~' and ':'
	// are not allowed in a filing's id (validID).
	registeredPrefix = "~r:"
	// registerBatch is how many systems one transaction indexes.
	registerBatch = 50
)

// registerMeta is when and from what the register was last imported.
type registerMeta struct {
	Imported time.Time `json:"imported"`
	By       string    `json:"by"`
	File     string    `json:"file"`
	N        int       `json:"n"`
}

func registered(id string) bool { return strings.HasPrefix(id, registeredPrefix) }

// ImportRegister replaces the register of existing systems with systems
// (read by xlsx.ReadRegister), imported by login from file, and indexes
// them for the similar projects. It writes in batches under writeMu, so no
// similar-projects query sees the index half rebuilt by another writer;
// a query during the import may list part of the new register.
func (s *Server) ImportRegister(ctx context.Context, systems []app.ExistingSystem, by, file string) error {
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
		return fmt.Errorf("import register: %w", err)
	}
	for len(old) > 0 {
		n := min(len(old), registerBatch)
		err := update(ctx, s.db, func(txn *badger.Txn) error {
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
			return fmt.Errorf("import register: drop the old one: %w", err)
		}
		old = old[n:]
	}
	for i := 0; i < len(systems); i += registerBatch {
		batch := systems[i:min(len(systems), i+registerBatch)]
		err := update(ctx, s.db, func(txn *badger.Txn) error {
			for _, sys := range batch {
				sys.ID = registeredPrefix + uuid.NewString()
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
			return fmt.Errorf("import register: %w", err)
		}
	}
	err := update(ctx, s.db, func(txn *badger.Txn) error {
		return setJSON(txn, []byte(keyRegister), registerMeta{Imported: s.Now(), By: by, File: file, N: len(systems)})
	})
	if err != nil {
		return fmt.Errorf("import register: %w", err)
	}
	return nil
}

// Register returns the register of existing systems, by name, with when
// and by whom it was imported.
func (s *Server) Register(ctx context.Context) (console.Register, error) {
	var reg console.Register
	err := s.db.View(func(txn *badger.Txn) error {
		var meta registerMeta
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
	slices.SortFunc(reg.Systems, func(a, b app.ExistingSystem) int {
		return cmp.Or(cmp.Compare(a.Owner, b.Owner), cmp.Compare(a.Name, b.Name))
	})
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
