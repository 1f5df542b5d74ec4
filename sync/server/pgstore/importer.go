package pgstore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"

	"egovdesk/app"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server/bureaustore"
)

// Importer fills an empty store with the records of another one (bureau
// migrate: a county's Badger store moving to PostgreSQL). Its methods
// queue rows; they reach the database in batches through COPY, in the one
// transaction of Import. Parents come before their children: units, then
// accounts and filings, then tokens and revisions.
type Importer struct {
	ctx   context.Context
	tx    pgx.Tx
	rows  map[string][][]any
	order []string
	// Counts are the rows imported, by table.
	Counts map[string]int
	queued []string
}

var importColumns = map[string][]string{
	"units":        {"id", "credit_code", "record"},
	"accounts":     {"id", "login", "unit_id", "record"},
	"tokens":       {"hash", "account_id", "record"},
	"filings":      {"id", "unit_id", "updated", "record"},
	"revisions":    {"filing_id", "revision_id", "unit_id", "body_sha256", "code_id", "body", "record"},
	"changes":      {"unit_id", "seq", "at", "change"},
	"feeds":        {"unit_id", "head", "low"},
	"uploads":      {"unit_id", "sha256", "record"},
	"upload_waits": {"unit_id", "sha256", "filing_id", "revision_id"},
	"register":     {"id", "record"},
	"unit_drafts":  {"unit_id", "draft_id", "version", "sha256", "updated", "body"},
}

const importBatch = 5000

func (im *Importer) add(table string, row ...any) error {
	if _, ok := im.rows[table]; !ok {
		im.order = append(im.order, table)
	}
	im.rows[table] = append(im.rows[table], row)
	im.Counts[table]++
	if len(im.rows[table]) >= importBatch {
		return im.Flush()
	}
	return nil
}

// Flush sends every queued row, table by table in the order first used.
func (im *Importer) Flush() error {
	for _, t := range im.order {
		rows := im.rows[t]
		if len(rows) == 0 {
			continue
		}
		if _, err := im.tx.CopyFrom(im.ctx, pgx.Identifier{t}, importColumns[t], pgx.CopyFromRows(rows)); err != nil {
			return fmt.Errorf("import %s: %w", t, err)
		}
		im.rows[t] = rows[:0]
	}
	return nil
}

// Epoch keeps the source's epoch, so the clients' cursors stay valid.
func (im *Importer) Epoch(e string) error {
	_, err := im.tx.Exec(im.ctx, "UPDATE meta SET value = $1 WHERE key = 'epoch'", e)
	return err
}

// Profile imports the rule profile.
func (im *Importer) Profile(p bureaustore.Profile) error {
	_, err := im.tx.Exec(im.ctx, `INSERT INTO meta (key, value) VALUES ('profile', $1)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, string(mustJSON(p)))
	return err
}

// Unit imports a unit.
func (im *Importer) Unit(u protocol.Unit) error {
	return im.add("units", u.ID, u.Code, json.RawMessage(mustJSON(u)))
}

// Account imports an account.
func (im *Importer) Account(a bureaustore.Account) error {
	var unit *string
	if a.UnitID != "" {
		unit = &a.UnitID
	}
	return im.add("accounts", a.ID, a.Login, unit, json.RawMessage(mustJSON(a)))
}

// Token imports a token stored under hash.
func (im *Importer) Token(hash string, t bureaustore.Token) error {
	return im.add("tokens", hash, t.AccountID, json.RawMessage(mustJSON(t)))
}

// Filing imports a filing record; queued says it awaits review (its row
// of the queue is built at the end, from its head revision).
func (im *Importer) Filing(f bureaustore.Filing, queued bool) error {
	if queued {
		im.queued = append(im.queued, f.Filing.ID)
	}
	return im.add("filings", f.Filing.ID, f.Filing.UnitID, f.Filing.Updated, json.RawMessage(mustJSON(f)))
}

// Revision imports revision rid of filing fid with its body as received.
func (im *Importer) Revision(fid, rid string, r bureaustore.Revision, body []byte) error {
	return im.add("revisions", fid, rid, r.UnitID, r.Receipt.BodySHA256, app.CodeID(rid), body, json.RawMessage(mustJSON(r)))
}

// Change imports one change of a unit's feed (c.Seq is its position).
func (im *Importer) Change(unit string, c protocol.Change) error {
	return im.add("changes", unit, int64(c.Seq), c.At, json.RawMessage(mustJSON(c)))
}

// Feed imports the head and the retention floor of a unit's feed.
func (im *Importer) Feed(unit string, head, low uint64) error {
	return im.add("feeds", unit, int64(head), int64(low))
}

// Upload imports where an upload stands.
func (im *Importer) Upload(unit, sum string, up bureaustore.Upload) error {
	return im.add("uploads", unit, sum, json.RawMessage(mustJSON(up)))
}

// Wait imports a revision waiting for an attachment.
func (im *Importer) Wait(unit, sum, fid, rid string) error {
	return im.add("upload_waits", unit, sum, fid, rid)
}

// Draft imports a draft kept for unit, with its body.
func (im *Importer) Draft(unit string, d bureaustore.Draft) error {
	return im.add("unit_drafts", unit, d.ID, d.Version, d.SHA256, d.Updated, d.Body)
}

// RegisteredSystem imports a system of the register of existing systems,
// under its ID (bureaustore.RegisteredPrefix); its entry of the
// similar-projects index is built at the end.
func (im *Importer) RegisteredSystem(sys app.ExistingSystem) error {
	return im.add("register", sys.ID, json.RawMessage(mustJSON(sys)))
}

// RegisterMeta imports when, by whom and from which workbook the register
// was last replaced.
func (im *Importer) RegisterMeta(m bureaustore.RegisterMeta) error {
	_, err := im.tx.Exec(im.ctx, `INSERT INTO meta (key, value) VALUES ('register', $1)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, string(mustJSON(m)))
	return err
}

// Import runs fn with an Importer on this store, which must hold no unit
// yet, in one transaction: the store gets all of it or nothing. After fn
// it builds the review queue and the similar-projects index from the
// imported filings and their bodies.
func (s *Store) Import(ctx context.Context, fn func(im *Importer) error) (map[string]int, error) {
	var counts map[string]int
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		// Nothing else may write meanwhile: a bureau serving this database
		// would interleave its own filings.
		if _, err := tx.Exec(ctx, "LOCK TABLE units, filings IN EXCLUSIVE MODE"); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, "SELECT (SELECT count(*) FROM units) + (SELECT count(*) FROM filings)").Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return app.Errorf(app.ECONFLICT, "目标数据库已有数据（%d 个单位和材料），只能迁移到空的数据库", n)
		}
		im := &Importer{ctx: ctx, tx: tx, rows: map[string][][]any{}, Counts: map[string]int{}}
		if err := fn(im); err != nil {
			return err
		}
		if err := im.Flush(); err != nil {
			return err
		}
		for _, id := range im.queued {
			fr, err := lockFiling(ctx, tx, id)
			if err != nil {
				return err
			}
			if fr == nil || !bureaustore.InQueue(fr.Filing.Status) {
				continue
			}
			if err := indexQueue(ctx, tx, *fr, "", nil); err != nil {
				return err
			}
			im.Counts["queue"]++
		}
		if err := rebuildSimilar(ctx, tx, im.Counts); err != nil {
			return err
		}
		counts = im.Counts
		return nil
	})
	if err != nil {
		return nil, storeErr(fmt.Errorf("import: %w", err))
	}
	return counts, nil
}

// rebuildSimilar indexes every declaration's head revision and every
// system of the register.
func rebuildSimilar(ctx context.Context, tx pgx.Tx, counts map[string]int) error {
	rows, err := tx.Query(ctx, `SELECT f.id, r.body FROM filings f JOIN revisions r
		ON r.filing_id = f.id AND r.revision_id = f.record->'filing'->'revision'->>'id'
		WHERE f.record->'filing'->>'kind' = $1`, string(app.KindDeclaration))
	if err != nil {
		return err
	}
	type decl struct {
		id string
		d  *app.Declaration
	}
	var ds []decl
	for rows.Next() {
		var id string
		var body []byte
		if err := rows.Scan(&id, &body); err != nil {
			rows.Close()
			return err
		}
		var b app.Body
		if err := json.Unmarshal(body, &b); err != nil {
			rows.Close()
			return fmt.Errorf("body of %s: %w", id, err)
		}
		if b.Declaration != nil {
			ds = append(ds, decl{id, b.Declaration})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	b := &pgx.Batch{}
	rows, err = tx.Query(ctx, "SELECT record FROM register")
	if err != nil {
		return err
	}
	systems, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (app.ExistingSystem, error) {
		var sys app.ExistingSystem
		return sys, scanJSON(r, "registered system", &sys)
	})
	if err != nil {
		return err
	}
	for _, sys := range systems {
		fp := sys.Fingerprint()
		b.Queue("INSERT INTO similar_prints (filing_id, grams, record) VALUES ($1, $2, $3)",
			sys.ID, int64s(fp.IndexGrams()), mustJSON(similarRecord{Fingerprint: fp, Year: sys.Year}))
		counts["similar_prints"]++
	}
	for _, d := range ds {
		if err := indexSimilar(ctx, tx, b, d.id, d.d, true); err != nil {
			return err
		}
		counts["similar_prints"]++
		if b.Len() >= 3000 {
			if err := tx.SendBatch(ctx, b).Close(); err != nil {
				return err
			}
			b = &pgx.Batch{}
		}
	}
	return tx.SendBatch(ctx, b).Close()
}
