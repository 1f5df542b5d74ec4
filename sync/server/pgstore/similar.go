package pgstore

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/jackc/pgx/v5"

	"egovdesk/app"
	"egovdesk/sync/server/bureaustore"
	"egovdesk/sync/server/console"
)

// The similar-projects index, as on Badger (badgerstore/similar.go): each
// declaration's fingerprint, and its hashes (app.Fingerprint.IndexGrams)
// in a GIN index. A query reads the postings of the declaration's rarest
// hashes up to a budget, ranks the declarations met there, and scores the
// best exactly. Rows written before IndexGrams hold every hash of their
// fingerprint until their next revision: they are found under more hashes
// than needed, which changes no score.
const (
	similarPostingBudget = 4000
	similarCandidates    = 100
)

// similarRecord is a declaration's entry: its fingerprint, plan year and
// total.
type similarRecord struct {
	app.Fingerprint
	Year  int       `json:"y,omitempty"`
	Total app.Money `json:"t,omitempty"`
}

func int64s(gs []uint32) []int64 {
	out := make([]int64, len(gs))
	for i, g := range gs {
		out[i] = int64(g)
	}
	return out
}

// indexSimilar queues into b the write of declaration fid's entry for d.
// tx and fresh are not needed by this layout (the entry is one row,
// replaced whole); they stay for the callers' sake.
func indexSimilar(_ context.Context, _ pgx.Tx, b *pgx.Batch, fid string, d *app.Declaration, _ bool) error {
	fp := app.DeclarationFingerprint(d)
	rec := mustJSON(similarRecord{Fingerprint: fp, Year: d.PlanYear, Total: d.TotalInvestment})
	b.Queue(`INSERT INTO similar_prints (filing_id, grams, record) VALUES ($1, $2, $3)
		ON CONFLICT (filing_id) DO UPDATE SET grams = excluded.grams, record = excluded.record`, fid, int64s(fp.IndexGrams()), rec)
	return nil
}

// Similar returns the declarations most like declaration fid, best first.
func (s *Store) Similar(ctx context.Context, fid string) ([]console.SimilarItem, error) {
	var out []console.SimilarItem
	err := s.read(ctx, func(tx pgx.Tx) error {
		var rec similarRecord
		if err := scanJSON(tx.QueryRow(ctx, "SELECT record FROM similar_prints WHERE filing_id = $1", fid), "similar", &rec); errors.Is(err, bureaustore.ErrNotFound) {
			return nil
		} else if err != nil {
			return err
		}
		fp := rec.Fingerprint
		// How many declarations hold each bigram, counted up to the
		// budget: a bigram held by more is never read.
		rows, err := tx.Query(ctx, `SELECT g, (SELECT count(*) FROM (SELECT 1 FROM similar_prints p WHERE p.grams @> ARRAY[g] LIMIT $2) x)
			FROM unnest($1::bigint[]) g`, int64s(fp.IndexGrams()), similarPostingBudget+1)
		if err != nil {
			return err
		}
		type gram struct{ g, n int64 }
		var gs []gram
		for rows.Next() {
			var g gram
			if err := rows.Scan(&g.g, &g.n); err != nil {
				rows.Close()
				return err
			}
			if g.n > 1 { // 1: only this declaration
				gs = append(gs, g)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		slices.SortFunc(gs, func(a, b gram) int { return cmp.Compare(a.n, b.n) })
		weight := map[string]float64{}
		read := 0
		for _, g := range gs {
			if read+int(g.n) > similarPostingBudget {
				break
			}
			rows, err := tx.Query(ctx, "SELECT filing_id FROM similar_prints WHERE grams @> ARRAY[$1::bigint]", g.g)
			if err != nil {
				return err
			}
			ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
			if err != nil {
				return err
			}
			read += len(ids)
			w := 1 / math.Log(math.E+float64(g.n))
			for _, id := range ids {
				if id != fid {
					weight[id] += w
				}
			}
		}
		ids := make([]string, 0, len(weight))
		for id := range weight {
			ids = append(ids, id)
		}
		slices.SortFunc(ids, func(a, b string) int { return cmp.Or(cmp.Compare(weight[b], weight[a]), cmp.Compare(a, b)) })
		ids = ids[:min(len(ids), similarCandidates)]
		if len(ids) == 0 {
			return nil
		}
		// An entry is a declaration (with its filing and unit) or a system
		// of the register (register.go).
		rows, err = tx.Query(ctx, `SELECT s.filing_id, s.record, f.record, u.record, r.record FROM similar_prints s
			LEFT JOIN filings f ON f.id = s.filing_id LEFT JOIN units u ON u.id = f.unit_id
			LEFT JOIN register r ON r.id = s.filing_id WHERE s.filing_id = ANY($1)`, ids)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id string
			var srec, frec, urec, rrec []byte
			if err := rows.Scan(&id, &srec, &frec, &urec, &rrec); err != nil {
				rows.Close()
				return err
			}
			var other similarRecord
			if err := json.Unmarshal(srec, &other); err != nil {
				rows.Close()
				return fmt.Errorf("decode %s: %w", id, err)
			}
			name, content := app.Similarity(fp, other.Fingerprint)
			score := app.SimilarityScore(name, content)
			if score < bureaustore.SimilarFloor {
				continue
			}
			e := console.SimilarItem{ID: id, Name: name, Content: content, Score: score, Year: other.Year, Total: other.Total}
			switch {
			case rrec != nil:
				var sys app.ExistingSystem
				if err := json.Unmarshal(rrec, &sys); err != nil {
					rows.Close()
					return fmt.Errorf("decode registered system %s: %w", id, err)
				}
				e.Title, e.UnitName, e.Year, e.Registered = sys.Name, sys.Owner, sys.Year, true
			case frec != nil && urec != nil:
				var f bureaustore.Filing
				var u struct {
					Name string `json:"name"`
				}
				if err := errors.Join(json.Unmarshal(frec, &f), json.Unmarshal(urec, &u)); err != nil {
					rows.Close()
					return fmt.Errorf("decode %s: %w", id, err)
				}
				e.Title, e.UnitID, e.UnitName, e.Status = f.Title, f.Filing.UnitID, u.Name, f.Filing.Status
			default:
				continue // an entry of neither: not listed
			}
			out = append(out, e)
		}
		rows.Close()
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("similar to %s: %w", fid, err)
	}
	slices.SortFunc(out, func(a, b console.SimilarItem) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(a.ID, b.ID))
	})
	return out[:min(len(out), bureaustore.SimilarShown)], nil
}
