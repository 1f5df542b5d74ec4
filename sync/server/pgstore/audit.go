package pgstore

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/jackc/pgx/v5"

	"egovdesk/sync/server/bureaustore"
)

// The security audit trail: table audit, its head in audit_head (one row,
// locked FOR UPDATE by each append), signed checkpoints in
// audit_checkpoints (migration 0005).

// AppendAudit chains e after the locked head.
func (s *Store) AppendAudit(ctx context.Context, e bureaustore.AuditEvent) (bureaustore.AuditEvent, error) {
	var out bureaustore.AuditEvent
	err := s.write(ctx, func(tx pgx.Tx) error {
		var h bureaustore.AuditHead
		if err := tx.QueryRow(ctx, "SELECT seq, digest FROM audit_head FOR UPDATE").Scan(&h.Seq, &h.Digest); err != nil {
			return err
		}
		out = bureaustore.ChainAudit(h, e)
		if _, err := tx.Exec(ctx, "INSERT INTO audit (seq, at, actor, action, outcome, record) VALUES ($1, $2, $3, $4, $5, $6)",
			out.Seq, out.Time, out.Actor, out.Action, out.Outcome, mustJSON(out)); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, "UPDATE audit_head SET seq = $1, digest = $2", out.Seq, out.Digest)
		return err
	})
	if err != nil {
		return bureaustore.AuditEvent{}, fmt.Errorf("append audit %s: %w", e.Action, err)
	}
	return out, nil
}

// AuditEvents selects a page by the indexed columns.
func (s *Store) AuditEvents(ctx context.Context, q bureaustore.AuditQuery) (bureaustore.AuditPage, error) {
	var p bureaustore.AuditPage
	limit := q.PageLimit()
	// Seqs are bigint: a cursor past them (a made-up ?before=) is the end.
	clamp := func(n uint64) int64 { return int64(min(n, math.MaxInt64)) }
	sql, args, order := "SELECT record FROM audit WHERE seq > $1", []any{clamp(q.After)}, "seq"
	if q.Newest {
		sql, args, order = "SELECT record FROM audit WHERE seq < $1", []any{clamp(q.Before)}, "seq DESC"
		if q.Before == 0 {
			args[0] = int64(math.MaxInt64)
		}
	}
	add := func(cond string, v any) {
		args = append(args, v)
		sql += fmt.Sprintf(" AND "+cond, len(args))
	}
	if !q.From.IsZero() {
		add("at >= $%d", q.From)
	}
	if !q.To.IsZero() {
		add("at < $%d", q.To)
	}
	if q.Actor != "" {
		add("actor = $%d", q.Actor)
	}
	if q.Action != "" {
		add("action = $%d", q.Action)
	}
	if q.Outcome != "" {
		add("outcome = $%d", q.Outcome)
	}
	args = append(args, limit+1)
	sql += fmt.Sprintf(" ORDER BY %s LIMIT $%d", order, len(args))
	err := s.read(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, sql, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var data []byte
			var e bureaustore.AuditEvent
			if err := rows.Scan(&data); err != nil {
				return err
			}
			if err := json.Unmarshal(data, &e); err != nil {
				return err
			}
			if len(p.Events) == limit {
				p.More = true
				break
			}
			p.Events = append(p.Events, e)
		}
		return rows.Err()
	})
	if err != nil {
		return bureaustore.AuditPage{}, fmt.Errorf("audit events: %w", err)
	}
	return p, nil
}

// AuditHead reads audit_head.
func (s *Store) AuditHead(ctx context.Context) (bureaustore.AuditHead, error) {
	var h bureaustore.AuditHead
	err := s.read(ctx, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, "SELECT seq, digest FROM audit_head").Scan(&h.Seq, &h.Digest)
	})
	return h, err
}

// AddAuditCheckpoint keeps c.
func (s *Store) AddAuditCheckpoint(ctx context.Context, c bureaustore.AuditCheckpoint) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, "INSERT INTO audit_checkpoints (seq, record) VALUES ($1, $2) ON CONFLICT (seq) DO UPDATE SET record = $2", c.Seq, mustJSON(c))
		return err
	})
}

// AuditCheckpoints reads them all.
func (s *Store) AuditCheckpoints(ctx context.Context) ([]bureaustore.AuditCheckpoint, error) {
	var out []bureaustore.AuditCheckpoint
	err := s.read(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, "SELECT record FROM audit_checkpoints ORDER BY seq")
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var data []byte
			var c bureaustore.AuditCheckpoint
			if err := rows.Scan(&data); err != nil {
				return err
			}
			if err := json.Unmarshal(data, &c); err != nil {
				return err
			}
			out = append(out, c)
		}
		return rows.Err()
	})
	return out, err
}

// PruneAudit deletes the records older than before.
func (s *Store) PruneAudit(ctx context.Context, before, now time.Time, through uint64) (int, error) {
	if !bureaustore.CanPruneAudit(before, now) {
		return 0, fmt.Errorf("%w: 安全审计记录至少保存六个月，不能删除 %s 之后的记录", bureaustore.ErrInvalid, now.Add(-bureaustore.AuditRetention).Format("2006-01-02"))
	}
	var n int64
	err := s.write(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, "DELETE FROM audit WHERE at < $1 AND seq <= $2", before, int64(min(through, 1<<62)))
		n = tag.RowsAffected()
		return err
	})
	return int(n), err
}
