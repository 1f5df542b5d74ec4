package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"

	"egovdesk/app"
	"egovdesk/sync/server/bureaustore"
)

// Filing returns filing id as seen by unit ("" for the bureau).
func (s *Store) Filing(ctx context.Context, unit, id string) (bureaustore.FilingView, error) {
	var v bureaustore.FilingView
	err := s.read(ctx, func(tx pgx.Tx) error {
		var rec, urec, body []byte
		err := tx.QueryRow(ctx, `SELECT f.record, u.record, r.body FROM filings f
			JOIN units u ON u.id = f.unit_id
			LEFT JOIN revisions r ON r.filing_id = f.id AND r.revision_id = f.record->'filing'->'revision'->>'id'
			WHERE f.id = $1`, id).Scan(&rec, &urec, &body)
		if errors.Is(err, pgx.ErrNoRows) {
			return bureaustore.NotFound()
		}
		if err != nil {
			return err
		}
		if err := errors.Join(json.Unmarshal(rec, &v.Filing), json.Unmarshal(urec, &v.Unit)); err != nil {
			return fmt.Errorf("decode: %w", err)
		}
		if unit != "" && v.Filing.Filing.UnitID != unit {
			return bureaustore.NotFound()
		}
		v.Body = body
		v.Missing, err = missingOf(ctx, tx, v.Filing.Filing.UnitID, v.Filing.Filing.Attachments)
		return err
	})
	if err != nil {
		return v, fmt.Errorf("filing %s: %w", id, err)
	}
	return v, nil
}

// ProjectFilings returns the records of unit's declaration project and of
// unit's filings that name it (filings_project).
func (s *Store) ProjectFilings(ctx context.Context, unit, project string) ([]bureaustore.Filing, error) {
	out, err := projectFilings(ctx, s.pool, unit, project)
	if err != nil {
		return nil, storeErr(fmt.Errorf("filings of project %s: %w", project, err))
	}
	return out, nil
}

// projectFilings is ProjectFilings through q (the pool, or a transaction,
// which sees its own writes).
func projectFilings(ctx context.Context, q Querier, unit, project string) ([]bureaustore.Filing, error) {
	rows, err := q.Query(ctx, `SELECT record FROM filings WHERE unit_id = $1 AND id = $2
		UNION ALL SELECT record FROM filings WHERE unit_id = $1 AND record->'filing'->>'project_id' = $2
			AND record->'filing'->>'project_id' <> '' AND id <> $2`, unit, project)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (bureaustore.Filing, error) {
		var f bureaustore.Filing
		return f, scanJSON(r, "filing", &f)
	})
}

// UnitFilings returns the filing records of unit, in no order.
func (s *Store) UnitFilings(ctx context.Context, unit string) ([]bureaustore.Filing, error) {
	rows, err := s.pool.Query(ctx, "SELECT record FROM filings WHERE unit_id = $1", unit)
	if err != nil {
		return nil, storeErr(fmt.Errorf("filings of %s: %w", unit, err))
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (bureaustore.Filing, error) {
		var f bureaustore.Filing
		return f, scanJSON(r, "filing", &f)
	})
	if err != nil {
		return nil, storeErr(fmt.Errorf("filings of %s: %w", unit, err))
	}
	return out, nil
}

// UnitFilingsPage returns up to limit of unit's filings after after, in
// the order of their IDs.
func (s *Store) UnitFilingsPage(ctx context.Context, unit, after string, limit int) ([]bureaustore.Filing, bool, error) {
	rows, err := s.pool.Query(ctx, "SELECT record FROM filings WHERE unit_id = $1 AND id > $2 ORDER BY id LIMIT $3", unit, after, limit+1)
	if err != nil {
		return nil, false, storeErr(fmt.Errorf("filings of %s: %w", unit, err))
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (bureaustore.Filing, error) {
		var f bureaustore.Filing
		return f, scanJSON(r, "filing", &f)
	})
	if err != nil {
		return nil, false, storeErr(fmt.Errorf("filings of %s: %w", unit, err))
	}
	if len(out) > limit {
		return out[:limit], true, nil
	}
	return out, false, nil
}

// Revision returns revision rev of filing fid (an ID, or its number in
// decimal) with its body as received.
func (s *Store) Revision(ctx context.Context, fid, rev string) (bureaustore.RevisionView, error) {
	var v bureaustore.RevisionView
	err := s.read(ctx, func(tx pgx.Tx) error {
		var frec, urec []byte
		err := tx.QueryRow(ctx, "SELECT f.record, u.record FROM filings f JOIN units u ON u.id = f.unit_id WHERE f.id = $1", fid).Scan(&frec, &urec)
		if errors.Is(err, pgx.ErrNoRows) {
			return bureaustore.NotFound()
		}
		if err != nil {
			return err
		}
		if err := errors.Join(json.Unmarshal(frec, &v.Filing), json.Unmarshal(urec, &v.Unit)); err != nil {
			return fmt.Errorf("decode: %w", err)
		}
		var rrec []byte
		err = tx.QueryRow(ctx, "SELECT revision_id, record, body FROM revisions WHERE filing_id = $1 AND revision_id = $2",
			fid, rev).Scan(&v.RevisionID, &rrec, &v.Body)
		if errors.Is(err, pgx.ErrNoRows) {
			n, nerr := strconv.Atoi(rev)
			if nerr != nil || n <= 0 {
				return bureaustore.Refuse(bureaustore.ErrNotFound, app.Errorf(app.ENOTFOUND, "材料没有版本 %s", rev))
			}
			err = tx.QueryRow(ctx, `SELECT revision_id, record, body FROM revisions WHERE filing_id = $1
				AND (record->'receipt'->>'revision')::int = $2`, fid, n).Scan(&v.RevisionID, &rrec, &v.Body)
			if errors.Is(err, pgx.ErrNoRows) {
				return bureaustore.Refuse(bureaustore.ErrNotFound, app.Errorf(app.ENOTFOUND, "材料没有第 %d 版", n))
			}
		}
		if err != nil {
			return err
		}
		return json.Unmarshal(rrec, &v.Revision)
	})
	if err != nil {
		return v, fmt.Errorf("revision %s/%s: %w", fid, rev, err)
	}
	return v, nil
}

// RevisionsByCode returns the revisions code names by its ID and number,
// those whose digest matches first, then up to limit others
// (revisions_printed_code), with their filing and unit (no body).
func (s *Store) RevisionsByCode(ctx context.Context, code app.PrintCode, limit int) ([]bureaustore.RevisionView, error) {
	var out []bureaustore.RevisionView
	err := s.read(ctx, func(tx pgx.Tx) error {
		// The others unordered, so that LIMIT stops the index scan
		// (found in review: an ORDER BY there read and sorted every
		// revision a unit planted under the code); the matches first by
		// the outer ORDER BY, not by UNION ALL's order, which PostgreSQL
		// does not promise.
		const cols = `r.revision_id, r.filing_id, r.record AS rrec, f.record AS frec, u.record AS urec FROM revisions r
			JOIN filings f ON f.id = r.filing_id JOIN units u ON u.id = f.unit_id
			WHERE r.code_id = $1 AND (r.record->'receipt'->>'revision')::int = $2`
		rows, err := tx.Query(ctx, `SELECT revision_id, rrec, frec, urec FROM (
			(SELECT 0 AS o, `+cols+` AND left(r.body_sha256, 12) = $3)
			UNION ALL (SELECT 1, `+cols+` AND left(r.body_sha256, 12) <> $3 LIMIT $4)) x
			ORDER BY o, filing_id, revision_id`,
			code.RevisionID, code.Revision, code.Digest(), limit)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (bureaustore.RevisionView, error) {
			var v bureaustore.RevisionView
			var rrec, frec, urec []byte
			if err := r.Scan(&v.RevisionID, &rrec, &frec, &urec); err != nil {
				return v, err
			}
			err := errors.Join(json.Unmarshal(rrec, &v.Revision), json.Unmarshal(frec, &v.Filing), json.Unmarshal(urec, &v.Unit))
			return v, err
		})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("revisions of code %s: %w", code, err)
	}
	return out, nil
}
