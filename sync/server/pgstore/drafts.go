package pgstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"egovdesk/sync/server/bureaustore"
)

// Drafts kept for units (bureaustore.Storage's block of that name), in
// unit_drafts (migration 0004): one row per unit and draft, in no index,
// queue or feed of the bureau's.

// PutDraft stores a unit's draft over version expected. The unit's drafts
// are counted under a transaction-scoped advisory lock on the unit, so
// that two new drafts at once cannot both pass the limit.
func (s *Store) PutDraft(ctx context.Context, unit string, d bureaustore.Draft, expected int64) (bureaustore.Draft, error) {
	err := s.write(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtextextended('unit_drafts/' || $1, 0))", unit); err != nil {
			return err
		}
		var cur int64
		err := tx.QueryRow(ctx, "SELECT version FROM unit_drafts WHERE unit_id = $1 AND draft_id = $2 FOR UPDATE",
			unit, d.ID).Scan(&cur)
		exists := err == nil
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		if cur != expected {
			return &bureaustore.DraftConflict{Current: cur}
		}
		count := 0
		if !exists {
			if err := tx.QueryRow(ctx, "SELECT count(*) FROM unit_drafts WHERE unit_id = $1", unit).Scan(&count); err != nil {
				return err
			}
		}
		if err := bureaustore.CheckDraft(d, count, exists); err != nil {
			return err
		}
		d.Version = expected + 1
		_, err = tx.Exec(ctx, `INSERT INTO unit_drafts (unit_id, draft_id, version, sha256, updated, body)
			VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (unit_id, draft_id) DO UPDATE SET version = excluded.version, sha256 = excluded.sha256,
				updated = excluded.updated, body = excluded.body`,
			unit, d.ID, d.Version, d.SHA256, d.Updated, d.Body)
		return err
	})
	if err != nil {
		return bureaustore.Draft{}, fmt.Errorf("put draft %s of %s: %w", d.ID, unit, err)
	}
	return d, nil
}

// Drafts reads one page of a unit's drafts in one snapshot, by ID in byte
// order (the column is COLLATE "C"), without their bodies.
func (s *Store) Drafts(ctx context.Context, unit, after string, limit int) (bureaustore.DraftPage, error) {
	var page bureaustore.DraftPage
	err := s.read(ctx, func(tx pgx.Tx) error {
		if after == "" {
			if err := tx.QueryRow(ctx, "SELECT count(*) FROM unit_drafts WHERE unit_id = $1", unit).Scan(&page.Total); err != nil {
				return err
			}
		}
		rows, err := tx.Query(ctx, `SELECT draft_id, version, sha256, updated FROM unit_drafts
			WHERE unit_id = $1 AND draft_id > $2 ORDER BY draft_id LIMIT $3`, unit, after, limit+1)
		if err != nil {
			return err
		}
		ds, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (bureaustore.Draft, error) {
			var d bureaustore.Draft
			var updated time.Time
			err := r.Scan(&d.ID, &d.Version, &d.SHA256, &updated)
			d.Updated = updated.UTC()
			return d, err
		})
		if err != nil {
			return err
		}
		if len(ds) > limit {
			ds = ds[:limit]
			page.Next = ds[limit-1].ID
		}
		page.Drafts = ds
		return nil
	})
	if err != nil {
		return bureaustore.DraftPage{}, fmt.Errorf("drafts of %s: %w", unit, err)
	}
	return page, nil
}

// Draft returns a unit's draft with its body.
func (s *Store) Draft(ctx context.Context, unit, id string) (bureaustore.Draft, error) {
	d := bureaustore.Draft{ID: id}
	var updated time.Time
	err := s.pool.QueryRow(ctx, "SELECT version, sha256, updated, body FROM unit_drafts WHERE unit_id = $1 AND draft_id = $2",
		unit, id).Scan(&d.Version, &d.SHA256, &updated, &d.Body)
	if errors.Is(err, pgx.ErrNoRows) {
		return bureaustore.Draft{}, fmt.Errorf("draft %s of %s: %w", id, unit, bureaustore.Refuse(bureaustore.ErrNotFound, bureaustore.DraftNotFound()))
	}
	if err != nil {
		return bureaustore.Draft{}, storeErr(fmt.Errorf("draft %s of %s: %w", id, unit, err))
	}
	d.Updated = updated.UTC()
	return d, nil
}

// DeleteDraft deletes a unit's draft at version expected (0: any).
func (s *Store) DeleteDraft(ctx context.Context, unit, id string, expected int64) error {
	err := s.write(ctx, func(tx pgx.Tx) error {
		var cur int64
		err := tx.QueryRow(ctx, "SELECT version FROM unit_drafts WHERE unit_id = $1 AND draft_id = $2 FOR UPDATE",
			unit, id).Scan(&cur)
		if errors.Is(err, pgx.ErrNoRows) {
			return bureaustore.Refuse(bureaustore.ErrNotFound, bureaustore.DraftNotFound())
		} else if err != nil {
			return err
		}
		if expected != 0 && cur != expected {
			return &bureaustore.DraftConflict{Current: cur}
		}
		_, err = tx.Exec(ctx, "DELETE FROM unit_drafts WHERE unit_id = $1 AND draft_id = $2", unit, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("delete draft %s of %s: %w", id, unit, err)
	}
	return nil
}
