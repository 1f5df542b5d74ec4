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
// the revisions waiting for it, and wakes the unit's feed when that
// received any (their changes are in it). The record and the first
// revisions go in one group commit, the rest in commits of their own
// (settleWaiting): thousands of revisions may wait for one attachment,
// more than one Badger transaction holds. A stop part way leaves the
// record complete and revisions waiting; Maintain settles them.
func (s *Store) CompleteUpload(ctx context.Context, unit, sum string, up bureaustore.Upload, now time.Time) (bureaustore.Upload, error) {
	up.Complete = true
	err := s.settleWaiting(ctx, unit, sum, now, func(txn *badger.Txn) error { return setJSON(txn, key("up", unit, sum), up) })
	if err != nil {
		return up, fmt.Errorf("complete upload %s: %w", sum, err)
	}
	return up, nil
}

// settleChunk is how many waiting revisions one commit of settleWaiting
// settles at first: a declaration's revision writes some 100 keys (its
// similar-projects postings among them), so 2,000 overflowed a
// transaction (found from outside). It halves on badger.ErrTxnTooBig.
var settleChunk = 256

// settleWaiting settles the revisions of unit waiting for upload sum, in
// commits of up to settleChunk revisions, the first of which also runs
// first (nil: none), and wakes the unit's feed when any was received.
func (s *Store) settleWaiting(ctx context.Context, unit, sum string, now time.Time, first func(txn *badger.Txn) error) error {
	n := settleChunk
	for {
		more, grew := false, false
		err := s.commit(ctx, func(txn *badger.Txn) error {
			more, grew = false, false // fn may run again; only its last run counts
			head, err := getUint(txn, key("cs", unit))
			if err != nil {
				return err
			}
			if first != nil {
				if err := first(txn); err != nil {
					return err
				}
			}
			prefix := key("w", unit, sum, "")
			rest := keysWithPrefixUpTo(txn, prefix, n+1)
			if len(rest) > n {
				rest, more = rest[:n], true
			}
			for _, r := range rest {
				fid, rid, ok := strings.Cut(r, "/")
				if ok {
					if _, err := s.refresh(txn, txn, fid, rid, now); err != nil {
						return err
					}
				}
				if err := txn.Delete(append(append([]byte{}, prefix...), r...)); err != nil {
					return err
				}
			}
			after, err := getUint(txn, key("cs", unit))
			grew = after != head
			return err
		})
		if errors.Is(err, badger.ErrTxnTooBig) && n > 1 {
			n /= 2 // nothing of it was stored
			continue
		}
		if err != nil {
			return err
		}
		if grew {
			s.notify(unit)
		}
		first = nil
		if !more {
			return nil
		}
		// The record says complete: the rest is settled whether or not
		// the client waits for it (found from outside: a client that hung
		// up after sending the last chunk left half of 3,000 revisions
		// waiting, its retry finding the upload complete and doing nothing).
		ctx = context.WithoutCancel(ctx)
	}
}

// settleLeftWaiting settles the revisions still waiting for an upload
// that is complete: those a CompleteUpload stopped by a crash or a failed
// commit part way left. It returns how many uploads it settled.
func (s *Store) settleLeftWaiting(ctx context.Context, now time.Time) (int, error) {
	type ref struct{ unit, sum string }
	var done []ref
	err := s.db.View(func(txn *badger.Txn) error {
		seen := map[ref]bool{}
		for _, k := range keysWithPrefix(txn, key("w", "")) {
			parts := strings.SplitN(k, "/", 3)
			if len(parts) < 3 {
				continue
			}
			r := ref{parts[0], parts[1]}
			if seen[r] {
				continue
			}
			seen[r] = true
			var up bureaustore.Upload
			if err := getJSON(txn, key("up", r.unit, r.sum), &up); err == nil && up.Complete {
				done = append(done, r)
			} else if err != nil && !errors.Is(err, badger.ErrKeyNotFound) {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	var errs []error
	for _, r := range done {
		if ctx.Err() != nil {
			break
		}
		if err := s.settleWaiting(ctx, r.unit, r.sum, now, nil); err != nil {
			errs = append(errs, fmt.Errorf("settle revisions waiting for %s: %w", r.sum, err)) // the others still go
		}
	}
	return len(done), errors.Join(errs...)
}

// abandoned: unfinished and untouched since cutoff. An upload a revision
// names (one started again after its file went missing) is not: its record
// keeps the mark until it completes.
func abandoned(up *bureaustore.Upload, cutoff time.Time) bool {
	return !up.Complete && !up.Referenced && up.Updated.Before(cutoff)
}

// AbandonedUploads lists the unfinished uploads untouched since cutoff.
func (s *Store) AbandonedUploads(ctx context.Context, cutoff time.Time) ([]bureaustore.UploadRef, error) {
	return s.uploadsWhere("abandoned uploads", func(up *bureaustore.Upload) bool { return abandoned(up, cutoff) })
}

// DeleteAbandonedUpload deletes an upload record still abandoned at cutoff.
func (s *Store) DeleteAbandonedUpload(ctx context.Context, unit, sum string, cutoff time.Time) (bool, error) {
	return s.deleteUploadIf(ctx, s.update, unit, sum, "prune upload",
		func(up *bureaustore.Upload) bool { return abandoned(up, cutoff) })
}

// uploadsWhere lists the uploads whose record match accepts; what names
// the list in an error.
func (s *Store) uploadsWhere(what string, match func(up *bureaustore.Upload) bool) ([]bureaustore.UploadRef, error) {
	var out []bureaustore.UploadRef
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
			if !match(&up) {
				continue
			}
			if unit, sum, ok := strings.Cut(string(it.Item().Key()[len(opts.Prefix):]), "/"); ok {
				out = append(out, bureaustore.UploadRef{Unit: unit, SHA256: sum, Untracked: !up.Tracked})
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return out, nil
}

// deleteUploadIf deletes unit's upload record of sum if cond accepts it,
// in a transaction run runs (update, or commit to be serialised with the
// submissions), and reports whether it did; what names it in an error.
func (s *Store) deleteUploadIf(ctx context.Context, run func(context.Context, func(*badger.Txn) error) error,
	unit, sum, what string, cond func(up *bureaustore.Upload) bool) (bool, error) {
	deleted := false
	err := run(ctx, func(txn *badger.Txn) error {
		deleted = false // fn may run again; only its last run counts
		var up bureaustore.Upload
		if err := getJSON(txn, key("up", unit, sum), &up); errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		} else if err != nil {
			return err
		}
		if !cond(&up) {
			return nil
		}
		deleted = true
		return txn.Delete(key("up", unit, sum))
	})
	if err != nil {
		return false, fmt.Errorf("%s %s: %w", what, sum, err)
	}
	return deleted, nil
}

func unreferenced(up *bureaustore.Upload, cutoff time.Time) bool {
	return up.Complete && !up.Referenced && up.Updated.Before(cutoff)
}

// UnreferencedUploads lists the complete uploads no revision stored since
// the mark began names, untouched since cutoff.
func (s *Store) UnreferencedUploads(ctx context.Context, cutoff time.Time) ([]bureaustore.UploadRef, error) {
	return s.uploadsWhere("unreferenced uploads", func(up *bureaustore.Upload) bool { return unreferenced(up, cutoff) })
}

// ReferencedAttachments returns the attachments the stored revisions of
// unit name, read from their bodies.
func (s *Store) ReferencedAttachments(ctx context.Context, unit string) (map[string]bool, error) {
	refs := map[string]bool{}
	err := s.db.View(func(txn *badger.Txn) error {
		for _, fid := range keysWithPrefix(txn, key("fu", unit, "")) {
			if err := ctx.Err(); err != nil {
				return err
			}
			opts := badger.DefaultIteratorOptions
			opts.Prefix = key("rb", fid, "")
			it := txn.NewIterator(opts)
			for it.Rewind(); it.Valid(); it.Next() {
				var b struct {
					Attachments []struct {
						SHA256 string `json:"sha256"`
					} `json:"attachments"`
				}
				if err := decodeItem(it.Item(), &b); err != nil {
					it.Close()
					return fmt.Errorf("revision body of %s: %w", fid, err)
				}
				for _, a := range b.Attachments {
					refs[a.SHA256] = true
				}
			}
			it.Close()
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("referenced attachments: %w", err)
	}
	return refs, nil
}

// MarkUploadReferenced marks unit's complete upload of sum referenced.
func (s *Store) MarkUploadReferenced(ctx context.Context, unit, sum string) error {
	err := s.commit(ctx, func(txn *badger.Txn) error {
		var up bureaustore.Upload
		if err := getJSON(txn, key("up", unit, sum), &up); errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		} else if err != nil {
			return err
		}
		if !up.Complete || up.Referenced {
			return nil
		}
		up.Referenced = true
		return setJSON(txn, key("up", unit, sum), up)
	})
	if err != nil {
		return fmt.Errorf("mark upload %s: %w", sum, err)
	}
	return nil
}

// DeleteUnreferencedUpload deletes a complete upload's record still
// unmarked and untouched at cutoff. It runs in the group commit, after
// or before the submissions and completions of the same moment, never
// between one's read of the record and its mark.
func (s *Store) DeleteUnreferencedUpload(ctx context.Context, unit, sum string, cutoff time.Time) (bool, error) {
	return s.deleteUploadIf(ctx, s.commit, unit, sum, "prune attachment",
		func(up *bureaustore.Upload) bool { return unreferenced(up, cutoff) })
}
