package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"egovdesk/app"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server/bureaustore"
)

// AppendChange adds c to unit's feed with the next sequence number, in tx,
// and notifies ChangesChannel at tx's commit. It returns c as stored (Seq
// and, when empty, ID set). The feed row's lock, held to tx's end, orders
// the unit's appends: seqs are gapless and become visible in order.
func AppendChange(ctx context.Context, tx pgx.Tx, unit string, c protocol.Change) (protocol.Change, error) {
	var seq int64
	err := tx.QueryRow(ctx, `INSERT INTO feeds (unit_id, head) VALUES ($1, 1)
		ON CONFLICT (unit_id) DO UPDATE SET head = feeds.head + 1 RETURNING head`, unit).Scan(&seq)
	if err != nil {
		return c, fmt.Errorf("feed of %s: %w", unit, err)
	}
	c.Seq = uint64(seq)
	if c.ID == "" {
		c.ID = uuid.NewString()
	}
	data, err := json.Marshal(c)
	if err != nil {
		return c, err
	}
	if _, err := tx.Exec(ctx, "INSERT INTO changes (unit_id, seq, at, change) VALUES ($1, $2, $3, $4)",
		unit, seq, c.At, data); err != nil {
		return c, fmt.Errorf("feed of %s: %w", unit, err)
	}
	// Notifications are delivered at commit, once per distinct payload.
	if _, err := tx.Exec(ctx, "SELECT pg_notify($1, $2)", ChangesChannel, unit); err != nil {
		return c, fmt.Errorf("notify %s: %w", unit, err)
	}
	return c, nil
}

// FeedBounds returns the head (last seq) and the lowest retained seq of
// unit's feed; 0, 0 for a unit without changes.
func FeedBounds(ctx context.Context, q Querier, unit string) (head, low uint64, err error) {
	var h, l int64
	err = q.QueryRow(ctx, "SELECT head, low FROM feeds WHERE unit_id = $1", unit).Scan(&h, &l)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, 0, nil
	}
	if err != nil {
		return 0, 0, fmt.Errorf("feed of %s: %w", unit, err)
	}
	return uint64(h), uint64(l), nil
}

// ReadChanges returns up to limit changes of unit after seq, in order, and
// whether more follow.
func ReadChanges(ctx context.Context, q Querier, unit string, after uint64, limit int) ([]protocol.Change, bool, error) {
	rows, err := q.Query(ctx, "SELECT change FROM changes WHERE unit_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
		unit, int64(after), limit+1)
	if err != nil {
		return nil, false, fmt.Errorf("changes of %s: %w", unit, err)
	}
	out := make([]protocol.Change, 0, min(limit, 100))
	more := false
	for rows.Next() {
		if len(out) == limit {
			more = true
			break
		}
		var data []byte
		if err := rows.Scan(&data); err != nil {
			rows.Close()
			return nil, false, err
		}
		var c protocol.Change
		if err := json.Unmarshal(data, &c); err != nil {
			rows.Close()
			return nil, false, fmt.Errorf("decode change: %w", err)
		}
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("changes of %s: %w", unit, err)
	}
	return out, more, nil
}

// Querier is what reads need: a pool, a connection or a transaction.
type Querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// epochOf reads the store's epoch in q's snapshot.
func epochOf(ctx context.Context, q Querier) (string, error) {
	var e string
	if err := q.QueryRow(ctx, "SELECT value FROM meta WHERE key = 'epoch'").Scan(&e); err != nil {
		return "", fmt.Errorf("epoch: %w", err)
	}
	return e, nil
}

// Epoch returns the id of this store's change feeds.
func (s *Store) Epoch(ctx context.Context) (string, error) {
	e, err := epochOf(ctx, s.pool)
	return e, storeErr(err)
}

// ResetEpoch replaces the epoch with a new random one and returns it.
func (s *Store) ResetEpoch(ctx context.Context) (string, error) {
	e := randomHex(8)
	if _, err := s.pool.Exec(ctx, "UPDATE meta SET value = $1 WHERE key = 'epoch'", e); err != nil {
		return "", storeErr(fmt.Errorf("reset epoch: %w", err))
	}
	return e, nil
}

// changesSQL reads, in one statement and so one snapshot, the epoch, the
// unit's feed bounds and up to $4 changes after $3 (or after the floor when
// $2 is false): one round trip a pull.
const changesSQL = `WITH b AS (
	SELECT (SELECT value FROM meta WHERE key = 'epoch') AS epoch,
		coalesce((SELECT head FROM feeds WHERE unit_id = $1), 0) AS head,
		coalesce((SELECT low FROM feeds WHERE unit_id = $1), 0) AS low)
SELECT b.epoch, b.head, b.low, c.seq, c.change FROM b LEFT JOIN LATERAL (
	SELECT seq, change FROM changes WHERE unit_id = $1
		AND seq > CASE WHEN $2::boolean THEN $3::bigint ELSE b.low END
	ORDER BY seq LIMIT $4) c ON true
ORDER BY c.seq`

// Changes reads a unit's feed after a cursor's position, in one snapshot.
func (s *Store) Changes(ctx context.Context, q bureaustore.ChangesQuery) (bureaustore.ChangesPage, error) {
	page := bureaustore.ChangesPage{Changes: []protocol.Change{}}
	limit := q.Limit
	if limit <= 0 {
		limit = 100
	}
	rows, err := s.pool.Query(ctx, changesSQL, q.Unit, q.HasCursor, int64(q.Seq), limit+1)
	if err != nil {
		return page, storeErr(fmt.Errorf("changes of %s: %w", q.Unit, err))
	}
	defer rows.Close()
	var head, low int64
	for rows.Next() {
		var seq *int64
		var data []byte
		if err := rows.Scan(&page.Epoch, &head, &low, &seq, &data); err != nil {
			return page, storeErr(fmt.Errorf("changes of %s: %w", q.Unit, err))
		}
		if seq == nil {
			continue // no change after the position: the bounds alone
		}
		if len(page.Changes) == limit {
			page.More = true
			continue
		}
		var c protocol.Change
		if err := json.Unmarshal(data, &c); err != nil {
			return page, fmt.Errorf("decode change: %w", err)
		}
		page.Changes = append(page.Changes, c)
	}
	if err := rows.Err(); err != nil {
		return page, storeErr(fmt.Errorf("changes of %s: %w", q.Unit, err))
	}
	from := uint64(low)
	if q.HasCursor {
		if q.Epoch != page.Epoch || q.Seq > uint64(head) || q.Seq < uint64(low) {
			page.Reset, page.Last, page.More = true, uint64(head), false
			page.Changes = []protocol.Change{}
			return page, nil
		}
		from = q.Seq
	}
	page.Last = from
	if n := len(page.Changes); n > 0 {
		page.Last = page.Changes[n-1].Seq
	}
	return page, nil
}

// Broadcast appends c (each copy with an ID of its own) to the feed of
// each of units, or of every unit when units is nil, in one commit.
func (s *Store) Broadcast(ctx context.Context, units []string, c protocol.Change) ([]string, error) {
	var out []string
	err := s.write(ctx, func(tx pgx.Tx) error {
		var err error
		out, err = broadcast(ctx, tx, units, c)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("broadcast: %w", err)
	}
	s.changed(out)
	return out, nil
}

// broadcast is Broadcast in tx. The feeds are locked in the order of
// their units' IDs, so two broadcasts never wait for each other in a ring.
func broadcast(ctx context.Context, tx pgx.Tx, units []string, c protocol.Change) ([]string, error) {
	list := units
	if list == nil {
		rows, err := tx.Query(ctx, "SELECT id FROM units")
		if err != nil {
			return nil, err
		}
		if list, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
			return nil, err
		}
	} else {
		var known []string
		rows, err := tx.Query(ctx, "SELECT id FROM units WHERE id = ANY($1)", list)
		if err != nil {
			return nil, err
		}
		if known, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
			return nil, err
		}
		for _, u := range list {
			if !slices.Contains(known, u) {
				return nil, bureaustore.Refuse(bureaustore.ErrNotFound, app.Errorf(app.ENOTFOUND, "没有找到单位 %s", u))
			}
		}
	}
	sorted := slices.Clone(list)
	slices.Sort(sorted)
	sorted = slices.Compact(sorted)
	for _, u := range sorted {
		ch := c
		ch.ID = uuid.NewString()
		if _, err := AppendChange(ctx, tx, u, ch); err != nil {
			return nil, err
		}
	}
	if list == nil {
		list = []string{}
	}
	return list, nil
}

// PruneChanges deletes the changes older than before from every feed,
// raising its retention floor, and returns how many it deleted. Each feed
// loses its changes from the oldest up to the first one not older than
// before.
func (s *Store) PruneChanges(ctx context.Context, before time.Time) (int, error) {
	rows, err := s.pool.Query(ctx, "SELECT unit_id FROM feeds")
	if err != nil {
		return 0, storeErr(fmt.Errorf("prune changes: %w", err))
	}
	units, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return 0, storeErr(fmt.Errorf("prune changes: %w", err))
	}
	total := 0
	for _, u := range units {
		var n int
		err := s.write(ctx, func(tx pgx.Tx) error {
			n = 0
			var head, low int64
			if err := tx.QueryRow(ctx, "SELECT head, low FROM feeds WHERE unit_id = $1 FOR UPDATE", u).Scan(&head, &low); err != nil {
				return err
			}
			var keep *int64 // the first change not older than before
			if err := tx.QueryRow(ctx, "SELECT min(seq) FROM changes WHERE unit_id = $1 AND seq > $2 AND at >= $3",
				u, low, before).Scan(&keep); err != nil {
				return err
			}
			newLow := head
			if keep != nil {
				newLow = *keep - 1
			}
			if newLow <= low {
				return nil
			}
			tag, err := tx.Exec(ctx, "DELETE FROM changes WHERE unit_id = $1 AND seq <= $2", u, newLow)
			if err != nil {
				return err
			}
			n = int(tag.RowsAffected())
			_, err = tx.Exec(ctx, "UPDATE feeds SET low = $2 WHERE unit_id = $1", u, newLow)
			return err
		})
		total += n
		if err != nil {
			return total, fmt.Errorf("prune changes of %s: %w", u, err)
		}
	}
	return total, nil
}
