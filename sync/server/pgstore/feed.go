package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"egovdesk/sync/protocol"
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
