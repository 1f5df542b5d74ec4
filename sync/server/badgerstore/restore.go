package badgerstore

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/dgraph-io/badger/v4"

	"egovdesk/sync/server/bureaustore"
)

// RestorePage reads one page of unit's filings (see bureaustore.Storage):
// it seeks to the cursor in the unit's index fu/<unit>/, so that a page
// costs the same wherever it is in the list, and counts the index only on
// the first page.
func (s *Store) RestorePage(ctx context.Context, unit, after string, limit int, inlineBudget int64) (bureaustore.RestorePage, error) {
	var page bureaustore.RestorePage
	err := s.db.View(func(txn *badger.Txn) error {
		var err error
		if page.Epoch, err = getString(txn, []byte(keyEpoch)); err != nil {
			return err
		}
		if page.FeedSeq, err = getUint(txn, key("cs", unit)); err != nil {
			return err
		}
		prefix := key("fu", unit, "")
		if after == "" {
			page.Total = len(keysWithPrefix(txn, prefix))
		}
		opts := badger.DefaultIteratorOptions
		opts.PrefetchValues = false // index keys are empty
		opts.Prefix = prefix
		it := txn.NewIterator(opts)
		defer it.Close()
		it.Seek(append(append([]byte{}, prefix...), after...))
		if it.Valid() && after != "" && string(it.Item().Key()[len(prefix):]) == after {
			it.Next()
		}
		left := inlineBudget
		for ; it.Valid() && len(page.Filings) < limit; it.Next() {
			id := string(it.Item().Key()[len(prefix):])
			f, err := s.restoreFiling(txn, unit, id, &left, len(page.Filings) == 0)
			if err != nil {
				return err
			}
			page.Filings = append(page.Filings, f)
		}
		if it.Valid() && len(page.Filings) > 0 {
			page.Next = page.Filings[len(page.Filings)-1].Filing.Filing.ID
		}
		return nil
	})
	if err != nil {
		return bureaustore.RestorePage{}, fmt.Errorf("restore page of %s: %w", unit, err)
	}
	return page, nil
}

// RestoreFiling reads filing id of unit with every revision and body.
func (s *Store) RestoreFiling(ctx context.Context, unit, id string) (bureaustore.RestoreFiling, error) {
	var f bureaustore.RestoreFiling
	err := s.db.View(func(txn *badger.Txn) error {
		var left int64
		var err error
		f, err = s.restoreFiling(txn, unit, id, &left, true)
		return err
	})
	if err != nil {
		return bureaustore.RestoreFiling{}, fmt.Errorf("restore filing %s: %w", id, err)
	}
	return f, nil
}

// restoreFiling reads filing id of unit with its revisions, oldest first,
// and their bodies as bureaustore.Inline decides from the budget *left
// (all of them when first is set). It fails with ErrNotFound for a filing
// of another unit, or none.
func (s *Store) restoreFiling(txn *badger.Txn, unit, id string, left *int64, first bool) (bureaustore.RestoreFiling, error) {
	var out bureaustore.RestoreFiling
	if err := getJSON(txn, key("f", id), &out.Filing); errors.Is(err, badger.ErrKeyNotFound) {
		return out, bureaustore.NotFound()
	} else if err != nil {
		return out, err
	}
	if out.Filing.Filing.UnitID != unit {
		return bureaustore.RestoreFiling{}, bureaustore.NotFound()
	}
	opts := badger.DefaultIteratorOptions
	opts.Prefix = key("r", id, "")
	it := txn.NewIterator(opts)
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		rr := bureaustore.RestoreRevision{ID: string(it.Item().Key()[len(opts.Prefix):])}
		if err := decodeItem(it.Item(), &rr.Revision); err != nil {
			return out, err
		}
		out.Revisions = append(out.Revisions, rr)
	}
	slices.SortFunc(out.Revisions, func(a, b bureaustore.RestoreRevision) int {
		return a.Revision.Receipt.Revision - b.Revision.Receipt.Revision
	})
	for i := range out.Revisions {
		rr := &out.Revisions[i]
		item, err := txn.Get(key("rb", id, rr.ID))
		if err != nil {
			return out, fmt.Errorf("body of %s/%s: %w", id, rr.ID, err)
		}
		if bureaustore.Inline(item.ValueSize(), left, first) {
			if rr.Body, err = item.ValueCopy(nil); err != nil {
				return out, err
			}
		}
	}
	return out, nil
}
