package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"egovdesk/app"
	"egovdesk/sync/server/bureaustore"
	"egovdesk/sync/server/console"
)

// The register of existing information systems (已建系统登记): the
// bureau's list of systems already built, one row of register each, and
// an entry of the similar-projects index (similar_prints) under the
// system's ID (bureaustore.RegisteredPrefix), so that a declaration
// rebuilding one ranks it among its similar projects. The workbook's meta
// is meta 'register'.

// ReplaceRegister replaces the register and its entries of the
// similar-projects index in one transaction: a Similar sees the old
// register or the new one, never part of either.
func (s *Store) ReplaceRegister(ctx context.Context, systems []app.ExistingSystem, meta bureaustore.RegisterMeta) error {
	err := s.write(ctx, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		b.Queue("DELETE FROM similar_prints WHERE filing_id IN (SELECT id FROM register)")
		b.Queue("DELETE FROM register")
		for _, sys := range systems {
			sys.ID = bureaustore.RegisteredPrefix + uuid.NewString()
			fp := sys.Fingerprint()
			b.Queue("INSERT INTO register (id, record) VALUES ($1, $2)", sys.ID, mustJSON(sys))
			b.Queue("INSERT INTO similar_prints (filing_id, grams, record) VALUES ($1, $2, $3)",
				sys.ID, int64s(fp.IndexGrams()), mustJSON(similarRecord{Fingerprint: fp, Year: sys.Year}))
		}
		b.Queue(`INSERT INTO meta (key, value) VALUES ('register', $1)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, string(mustJSON(meta)))
		return tx.SendBatch(ctx, b).Close()
	})
	if err != nil {
		return fmt.Errorf("replace register: %w", err)
	}
	return nil
}

// Register returns the register of existing systems, read in one snapshot.
func (s *Store) Register(ctx context.Context) (console.Register, error) {
	var reg console.Register
	err := s.read(ctx, func(tx pgx.Tx) error {
		var v string
		if err := tx.QueryRow(ctx, "SELECT value FROM meta WHERE key = 'register'").Scan(&v); err == nil {
			var meta bureaustore.RegisterMeta
			if err := json.Unmarshal([]byte(v), &meta); err != nil {
				return fmt.Errorf("decode register meta: %w", err)
			}
			reg.Imported, reg.By, reg.File = meta.Imported, meta.By, meta.File
		} else if !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		rows, err := tx.Query(ctx, "SELECT record FROM register")
		if err != nil {
			return err
		}
		reg.Systems, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (app.ExistingSystem, error) {
			var sys app.ExistingSystem
			return sys, scanJSON(r, "registered system", &sys)
		})
		return err
	})
	if err != nil {
		return console.Register{}, fmt.Errorf("register: %w", err)
	}
	return reg, nil
}
