package badgerstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"

	"egovdesk/sync/server/bureaustore"
)

// Drafts kept for units (bureaustore.Storage's block of that name):
//
//	dr/<unit>/<draft>    bureaustore.Draft without its body
//	drb/<unit>/<draft>   the draft's body, the bytes received
//
// Nothing else points at them: they are in no index, queue or feed.

// PutDraft stores a unit's draft over version expected.
func (s *Store) PutDraft(ctx context.Context, unit string, d bureaustore.Draft, expected int64) (bureaustore.Draft, error) {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	err := s.update(ctx, func(txn *badger.Txn) error {
		var cur bureaustore.Draft
		err := getJSON(txn, key("dr", unit, d.ID), &cur)
		exists := err == nil
		if err != nil && !errors.Is(err, badger.ErrKeyNotFound) {
			return err
		}
		if cur.Version != expected {
			return &bureaustore.DraftConflict{Current: cur.Version}
		}
		count := 0
		if !exists {
			count = len(keysWithPrefix(txn, key("dr", unit, "")))
		}
		if err := bureaustore.CheckDraft(d, count, exists); err != nil {
			return err
		}
		d.Version = expected + 1
		rec := d
		rec.Body = nil
		if err := setJSON(txn, key("dr", unit, d.ID), rec); err != nil {
			return err
		}
		return txn.Set(key("drb", unit, d.ID), d.Body)
	})
	if err != nil {
		return bureaustore.Draft{}, fmt.Errorf("put draft %s of %s: %w", d.ID, unit, err)
	}
	return d, nil
}

// Drafts reads one page of a unit's drafts, seeking to the cursor.
func (s *Store) Drafts(ctx context.Context, unit, after string, limit int) (bureaustore.DraftPage, error) {
	var page bureaustore.DraftPage
	err := s.db.View(func(txn *badger.Txn) error {
		prefix := key("dr", unit, "")
		if after == "" {
			page.Total = len(keysWithPrefix(txn, prefix))
		}
		opts := badger.DefaultIteratorOptions
		opts.Prefix = prefix
		it := txn.NewIterator(opts)
		defer it.Close()
		it.Seek(append(append([]byte{}, prefix...), after...))
		if it.Valid() && after != "" && string(it.Item().Key()[len(prefix):]) == after {
			it.Next()
		}
		for ; it.Valid() && len(page.Drafts) < limit; it.Next() {
			var d bureaustore.Draft
			if err := decodeItem(it.Item(), &d); err != nil {
				return err
			}
			page.Drafts = append(page.Drafts, d)
		}
		if it.Valid() && len(page.Drafts) > 0 {
			page.Next = page.Drafts[len(page.Drafts)-1].ID
		}
		return nil
	})
	if err != nil {
		return bureaustore.DraftPage{}, fmt.Errorf("drafts of %s: %w", unit, err)
	}
	return page, nil
}

// Draft returns a unit's draft with its body.
func (s *Store) Draft(ctx context.Context, unit, id string) (bureaustore.Draft, error) {
	var d bureaustore.Draft
	err := s.db.View(func(txn *badger.Txn) error {
		err := getJSON(txn, key("dr", unit, id), &d)
		if errors.Is(err, badger.ErrKeyNotFound) {
			return bureaustore.Refuse(bureaustore.ErrNotFound, bureaustore.DraftNotFound())
		} else if err != nil {
			return err
		}
		item, err := txn.Get(key("drb", unit, id))
		if err != nil {
			return fmt.Errorf("body of draft %s: %w", id, err)
		}
		d.Body, err = item.ValueCopy(nil)
		return err
	})
	if err != nil {
		return bureaustore.Draft{}, fmt.Errorf("draft %s of %s: %w", id, unit, err)
	}
	return d, nil
}

// DeleteDraft deletes a unit's draft at version expected (0: any).
func (s *Store) DeleteDraft(ctx context.Context, unit, id string, expected int64) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	err := s.update(ctx, func(txn *badger.Txn) error {
		var cur bureaustore.Draft
		if err := getJSON(txn, key("dr", unit, id), &cur); errors.Is(err, badger.ErrKeyNotFound) {
			return bureaustore.Refuse(bureaustore.ErrNotFound, bureaustore.DraftNotFound())
		} else if err != nil {
			return err
		}
		if expected != 0 && cur.Version != expected {
			return &bureaustore.DraftConflict{Current: cur.Version}
		}
		if err := txn.Delete(key("dr", unit, id)); err != nil {
			return err
		}
		return txn.Delete(key("drb", unit, id))
	})
	if err != nil {
		return fmt.Errorf("delete draft %s of %s: %w", id, unit, err)
	}
	return nil
}
