package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"

	"egovdesk/sync/server/bureaustore"
)

// RestorePage reads one page of unit's filings (see bureaustore.Storage)
// in one snapshot: the filings after the cursor in byte order of their
// IDs (the index filings_unit_id, so a page costs the same wherever it is
// in the list), their revisions' records and sizes, then only the bodies
// that bureaustore.Inline lets into the page.
func (s *Store) RestorePage(ctx context.Context, unit, after string, limit int, inlineBudget int64) (bureaustore.RestorePage, error) {
	var page bureaustore.RestorePage
	err := s.read(ctx, func(tx pgx.Tx) error {
		page = bureaustore.RestorePage{}
		var head int64
		if err := tx.QueryRow(ctx, `SELECT (SELECT value FROM meta WHERE key = 'epoch'),
			coalesce((SELECT head FROM feeds WHERE unit_id = $1), 0)`, unit).Scan(&page.Epoch, &head); err != nil {
			return err
		}
		page.FeedSeq = uint64(head)
		if after == "" {
			if err := tx.QueryRow(ctx, "SELECT count(*) FROM filings WHERE unit_id = $1", unit).Scan(&page.Total); err != nil {
				return err
			}
		}
		rows, err := tx.Query(ctx, `SELECT id, record FROM filings WHERE unit_id = $1 AND id COLLATE "C" > $2
			ORDER BY id COLLATE "C" LIMIT $3`, unit, after, limit+1)
		if err != nil {
			return err
		}
		fs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (bureaustore.RestoreFiling, error) {
			var id string
			var data []byte
			var f bureaustore.RestoreFiling
			if err := r.Scan(&id, &data); err != nil {
				return f, err
			}
			if err := json.Unmarshal(data, &f.Filing); err != nil {
				return f, fmt.Errorf("decode filing %s: %w", id, err)
			}
			return f, nil
		})
		if err != nil {
			return err
		}
		if len(fs) > limit {
			fs = fs[:limit]
			page.Next = fs[limit-1].Filing.Filing.ID
		}
		left := inlineBudget
		for i := range fs {
			if err := restoreRevisions(ctx, tx, &fs[i], &left, i == 0); err != nil {
				return err
			}
		}
		page.Filings = fs
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
	err := s.read(ctx, func(tx pgx.Tx) error {
		f = bureaustore.RestoreFiling{}
		var data []byte
		err := tx.QueryRow(ctx, "SELECT record FROM filings WHERE id = $1 AND unit_id = $2", id, unit).Scan(&data)
		if errors.Is(err, pgx.ErrNoRows) {
			return bureaustore.NotFound() // none, or another unit's
		} else if err != nil {
			return err
		}
		if err := json.Unmarshal(data, &f.Filing); err != nil {
			return fmt.Errorf("decode filing %s: %w", id, err)
		}
		var left int64
		return restoreRevisions(ctx, tx, &f, &left, true)
	})
	if err != nil {
		return bureaustore.RestoreFiling{}, fmt.Errorf("restore filing %s: %w", id, err)
	}
	return f, nil
}

// restoreRevisions reads f's revisions, oldest first, and their bodies as
// bureaustore.Inline decides from the budget *left (all of them when first
// is set): the sizes are read with the records, and only the bodies let
// in are read.
func restoreRevisions(ctx context.Context, tx pgx.Tx, f *bureaustore.RestoreFiling, left *int64, first bool) error {
	fid := f.Filing.Filing.ID
	rows, err := tx.Query(ctx, "SELECT revision_id, record, octet_length(body) FROM revisions WHERE filing_id = $1", fid)
	if err != nil {
		return err
	}
	type rev struct {
		bureaustore.RestoreRevision
		size int64
	}
	revs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (rev, error) {
		var out rev
		var data []byte
		if err := r.Scan(&out.ID, &data, &out.size); err != nil {
			return out, err
		}
		if err := json.Unmarshal(data, &out.Revision); err != nil {
			return out, fmt.Errorf("decode revision %s/%s: %w", fid, out.ID, err)
		}
		return out, nil
	})
	if err != nil {
		return err
	}
	slices.SortFunc(revs, func(a, b rev) int { return a.Revision.Receipt.Revision - b.Revision.Receipt.Revision })
	var inline []string
	for _, r := range revs {
		if bureaustore.Inline(r.size, left, first) {
			inline = append(inline, r.ID)
		}
	}
	bodies := map[string][]byte{}
	if len(inline) > 0 {
		rows, err := tx.Query(ctx, "SELECT revision_id, body FROM revisions WHERE filing_id = $1 AND revision_id = ANY($2)", fid, inline)
		if err != nil {
			return err
		}
		for rows.Next() {
			var rid string
			var body []byte
			if err := rows.Scan(&rid, &body); err != nil {
				rows.Close()
				return err
			}
			bodies[rid] = body
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	f.Revisions = make([]bureaustore.RestoreRevision, len(revs))
	for i, r := range revs {
		f.Revisions[i] = r.RestoreRevision
		f.Revisions[i].Body = bodies[r.ID]
	}
	return nil
}
