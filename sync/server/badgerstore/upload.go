package badgerstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"

	"egovdesk/sync/server/bureaustore"
)

// Upload returns unit's upload record of sum.
func (s *Store) Upload(ctx context.Context, unit, sum string) (bureaustore.Upload, error) {
	var up bureaustore.Upload
	err := s.db.View(func(txn *badger.Txn) error { return getJSON(txn, key("up", unit, sum), &up) })
	if err != nil {
		return up, fmt.Errorf("upload %s: %w", sum, notFound(err))
	}
	return up, nil
}

// PutUpload records an upload's progress.
func (s *Store) PutUpload(ctx context.Context, unit, sum string, up bureaustore.Upload) error {
	if err := s.update(ctx, func(txn *badger.Txn) error { return setJSON(txn, key("up", unit, sum), up) }); err != nil {
		return fmt.Errorf("upload %s: %w", sum, err)
	}
	return nil
}

// DeleteUpload forgets an upload.
func (s *Store) DeleteUpload(ctx context.Context, unit, sum string) error {
	if err := s.update(ctx, func(txn *badger.Txn) error { return txn.Delete(key("up", unit, sum)) }); err != nil {
		return fmt.Errorf("discard upload %s: %w", sum, err)
	}
	return nil
}

// CompleteUpload records a verified attachment as complete and settles
// the revisions waiting for it, in one group commit, and wakes the unit's
// feed when that received any (their changes are in it).
func (s *Store) CompleteUpload(ctx context.Context, unit, sum string, up bureaustore.Upload, now time.Time) (bureaustore.Upload, error) {
	up.Complete = true
	grew := false
	err := s.commit(ctx, func(txn *badger.Txn) error {
		head, err := getUint(txn, key("cs", unit))
		if err != nil {
			return err
		}
		if err := setJSON(txn, key("up", unit, sum), up); err != nil {
			return err
		}
		prefix := key("w", unit, sum, "")
		for _, rest := range keysWithPrefix(txn, prefix) {
			fid, rid, ok := strings.Cut(rest, "/")
			if !ok {
				continue
			}
			if _, err := s.refresh(txn, txn, fid, rid, now); err != nil {
				return err
			}
			if err := txn.Delete(append(append([]byte{}, prefix...), rest...)); err != nil {
				return err
			}
		}
		after, err := getUint(txn, key("cs", unit))
		grew = after != head
		return err
	})
	if err != nil {
		return up, fmt.Errorf("complete upload %s: %w", sum, err)
	}
	if grew {
		s.notify(unit)
	}
	return up, nil
}

func abandoned(up *bureaustore.Upload, cutoff time.Time) bool {
	return !up.Complete && up.Updated.Before(cutoff)
}

// AbandonedUploads lists the unfinished uploads untouched since cutoff.
func (s *Store) AbandonedUploads(ctx context.Context, cutoff time.Time) ([]bureaustore.UploadRef, error) {
	var stale []bureaustore.UploadRef
	err := s.db.View(func(txn *badger.Txn) error {
		opts := badger.DefaultIteratorOptions
		opts.Prefix = key("up", "")
		it := txn.NewIterator(opts)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			var up bureaustore.Upload
			if err := decodeItem(it.Item(), &up); err != nil {
				return err
			}
			if !abandoned(&up, cutoff) {
				continue
			}
			unit, sum, ok := strings.Cut(string(it.Item().Key()[len(opts.Prefix):]), "/")
			if ok {
				stale = append(stale, bureaustore.UploadRef{Unit: unit, SHA256: sum})
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("abandoned uploads: %w", err)
	}
	return stale, nil
}

// DeleteAbandonedUpload deletes an upload record still abandoned at cutoff.
func (s *Store) DeleteAbandonedUpload(ctx context.Context, unit, sum string, cutoff time.Time) (bool, error) {
	pruned := false
	err := s.update(ctx, func(txn *badger.Txn) error {
		pruned = false
		var up bureaustore.Upload
		if err := getJSON(txn, key("up", unit, sum), &up); errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		} else if err != nil {
			return err
		}
		if !abandoned(&up, cutoff) {
			return nil
		}
		pruned = true
		return txn.Delete(key("up", unit, sum))
	})
	if err != nil {
		return false, fmt.Errorf("prune upload %s: %w", sum, err)
	}
	return pruned, nil
}
