package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"egovdesk/sync/server/bureaustore"
)

// Upload returns unit's upload record of attachment sum: ErrNotFound.
func (s *Store) Upload(ctx context.Context, unit, sum string) (bureaustore.Upload, error) {
	var up bureaustore.Upload
	err := scanJSON(s.pool.QueryRow(ctx, "SELECT record FROM uploads WHERE unit_id = $1 AND sha256 = $2", unit, sum), "upload "+sum, &up)
	return up, storeErr(err)
}

// detached returns a context for recording what is already on disk: the
// bytes of a chunk are in the part file whether or not the client is still
// there (a cut connection cancels the request's context), and the record
// must say so, or the client's resume would send them again. It keeps the
// values of ctx and gives the write 30 s.
func detached(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
}

// PutUpload records an unfinished upload's progress, even when ctx is
// cancelled (see detached).
func (s *Store) PutUpload(ctx context.Context, unit, sum string, up bureaustore.Upload) error {
	ctx, cancel := detached(ctx)
	defer cancel()
	_, err := s.pool.Exec(ctx, `INSERT INTO uploads (unit_id, sha256, record) VALUES ($1, $2, $3)
		ON CONFLICT (unit_id, sha256) DO UPDATE SET record = excluded.record`, unit, sum, mustJSON(up))
	if err != nil {
		return storeErr(fmt.Errorf("upload %s: %w", sum, err))
	}
	return nil
}

// DeleteUpload forgets an upload; none is fine. It runs even when ctx
// is cancelled (see detached).
func (s *Store) DeleteUpload(ctx context.Context, unit, sum string) error {
	ctx, cancel := detached(ctx)
	defer cancel()
	if _, err := s.pool.Exec(ctx, "DELETE FROM uploads WHERE unit_id = $1 AND sha256 = $2", unit, sum); err != nil {
		return storeErr(fmt.Errorf("delete upload %s: %w", sum, err))
	}
	return nil
}

// CompleteUpload records the upload complete and settles every revision
// of the unit waiting for it, each with its change in the unit's feed, in
// one durable commit, even when ctx is cancelled (see detached), and wakes
// the unit's feed when it received any.
func (s *Store) CompleteUpload(ctx context.Context, unit, sum string, up bureaustore.Upload, now time.Time) (bureaustore.Upload, error) {
	ctx, cancel := detached(ctx)
	defer cancel()
	up.Complete = true
	grew := false
	err := s.write(ctx, func(tx pgx.Tx) error {
		if err := lockUploads(ctx, tx, []string{uploadLock(unit, sum)}); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO uploads (unit_id, sha256, record) VALUES ($1, $2, $3)
			ON CONFLICT (unit_id, sha256) DO UPDATE SET record = excluded.record`, unit, sum, mustJSON(up)); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `DELETE FROM upload_waits WHERE unit_id = $1 AND sha256 = $2
			RETURNING filing_id, revision_id`, unit, sum)
		if err != nil {
			return err
		}
		type wait struct{ fid, rid string }
		waits, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (wait, error) {
			var w wait
			return w, r.Scan(&w.fid, &w.rid)
		})
		if err != nil {
			return err
		}
		// The filings first, in the order of their IDs, as Submit locks
		// them, and only then the feed (settle appends each revision's
		// change): a submission of the unit at the same time waits for
		// this commit rather than deadlocking with it.
		fids := make([]string, len(waits))
		for i, w := range waits {
			fids[i] = w.fid
		}
		if _, err := tx.Exec(ctx, "SELECT 1 FROM filings WHERE id = ANY($1) ORDER BY id FOR UPDATE", fids); err != nil {
			return err
		}
		grew = false // fn may run again; only its last run counts
		for _, w := range waits {
			fr, err := lockFiling(ctx, tx, w.fid)
			if err != nil {
				return err
			}
			if fr == nil {
				continue
			}
			var data []byte
			if err := tx.QueryRow(ctx, "SELECT record FROM revisions WHERE filing_id = $1 AND revision_id = $2",
				w.fid, w.rid).Scan(&data); errors.Is(err, pgx.ErrNoRows) {
				continue
			} else if err != nil {
				return err
			}
			var rev bureaustore.Revision
			if err := json.Unmarshal(data, &rev); err != nil {
				return fmt.Errorf("decode revision: %w", err)
			}
			_, received, err := refresh(ctx, tx, fr, w.rid, rev, now)
			if err != nil {
				return err
			}
			grew = grew || received
		}
		return nil
	})
	if err != nil {
		return up, fmt.Errorf("complete upload %s: %w", sum, err)
	}
	if grew {
		s.changed([]string{unit})
	}
	return up, nil
}

// AbandonedUploads lists the unfinished uploads not updated since cutoff.
func (s *Store) AbandonedUploads(ctx context.Context, cutoff time.Time) ([]bureaustore.UploadRef, error) {
	return s.uploadsWhere(ctx, "abandoned uploads", `NOT coalesce((record->>'complete')::boolean, false)
		AND NOT coalesce((record->>'referenced')::boolean, false) AND (record->>'updated')::timestamptz < $1`, cutoff)
}

// uploadsWhere lists the uploads the condition where (on $1, cutoff)
// selects; what names the list in an error.
func (s *Store) uploadsWhere(ctx context.Context, what, where string, cutoff time.Time) ([]bureaustore.UploadRef, error) {
	rows, err := s.pool.Query(ctx, `SELECT unit_id, sha256, NOT coalesce((record->>'tracked')::boolean, false) FROM uploads
		WHERE `+where+` ORDER BY unit_id, sha256`, cutoff)
	if err != nil {
		return nil, storeErr(fmt.Errorf("%s: %w", what, err))
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (bureaustore.UploadRef, error) {
		var u bureaustore.UploadRef
		return u, r.Scan(&u.Unit, &u.SHA256, &u.Untracked)
	})
	return out, storeErr(err)
}

// DeleteAbandonedUpload deletes the record of an upload if it is still
// unfinished and not updated since cutoff, and reports whether it did.
func (s *Store) DeleteAbandonedUpload(ctx context.Context, unit, sum string, cutoff time.Time) (bool, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM uploads WHERE unit_id = $1 AND sha256 = $2
		AND NOT coalesce((record->>'complete')::boolean, false) AND NOT coalesce((record->>'referenced')::boolean, false)
		AND (record->>'updated')::timestamptz < $3`, unit, sum, cutoff)
	if err != nil {
		return false, storeErr(fmt.Errorf("delete abandoned upload %s: %w", sum, err))
	}
	return tag.RowsAffected() > 0, nil
}

// unreferenced is the condition on the uploads complete, unmarked and not
// updated since the cutoff in parameter cutoff (as "$1")
// (bureaustore.Storage.UnreferencedUploads).
func unreferenced(cutoff string) string {
	return `(record->>'complete')::boolean AND NOT coalesce((record->>'referenced')::boolean, false)
	AND (record->>'updated')::timestamptz < ` + cutoff
}

// UnreferencedUploads lists the complete uploads no revision stored since
// the mark began names, not updated since cutoff.
func (s *Store) UnreferencedUploads(ctx context.Context, cutoff time.Time) ([]bureaustore.UploadRef, error) {
	return s.uploadsWhere(ctx, "unreferenced uploads", unreferenced("$1"), cutoff)
}

// ReferencedAttachments returns the attachments the stored revisions of
// unit name, read from their bodies.
func (s *Store) ReferencedAttachments(ctx context.Context, unit string) (map[string]bool, error) {
	// "attachments": null is a body the bureau takes (an empty list to
	// Go): only an array has elements.
	rows, err := s.pool.Query(ctx, `SELECT DISTINCT a->>'sha256'
		FROM filings f JOIN revisions r ON r.filing_id = f.id,
			LATERAL (SELECT convert_from(r.body, 'UTF8')::jsonb->'attachments' AS atts) b,
			jsonb_array_elements(CASE WHEN jsonb_typeof(b.atts) = 'array' THEN b.atts ELSE '[]' END) a
		WHERE f.unit_id = $1`, unit)
	if err != nil {
		return nil, storeErr(fmt.Errorf("referenced attachments: %w", err))
	}
	sums, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, storeErr(fmt.Errorf("referenced attachments: %w", err))
	}
	refs := make(map[string]bool, len(sums))
	for _, sum := range sums {
		refs[sum] = true
	}
	return refs, nil
}

// MarkUploadReferenced marks unit's complete upload of sum referenced.
func (s *Store) MarkUploadReferenced(ctx context.Context, unit, sum string) error {
	_, err := s.pool.Exec(ctx, `UPDATE uploads SET record = record || '{"referenced": true}'
		WHERE unit_id = $1 AND sha256 = $2 AND (record->>'complete')::boolean`, unit, sum)
	if err != nil {
		return storeErr(fmt.Errorf("mark upload %s: %w", sum, err))
	}
	return nil
}

// DeleteUnreferencedUpload deletes a complete upload's record still
// unmarked and not updated since cutoff, holding the upload's lock
// (lockUploads) as a submission naming it does: the submission marks it
// first, or finds it gone.
func (s *Store) DeleteUnreferencedUpload(ctx context.Context, unit, sum string, cutoff time.Time) (bool, error) {
	pruned := false
	err := s.write(ctx, func(tx pgx.Tx) error {
		if err := lockUploads(ctx, tx, []string{uploadLock(unit, sum)}); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `DELETE FROM uploads WHERE unit_id = $1 AND sha256 = $2 AND `+unreferenced("$3"), unit, sum, cutoff)
		pruned = err == nil && tag.RowsAffected() > 0
		return err
	})
	if err != nil {
		return false, fmt.Errorf("prune attachment %s: %w", sum, err)
	}
	return pruned, nil
}
