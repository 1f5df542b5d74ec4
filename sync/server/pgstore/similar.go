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

// The similar-projects index, as on Badger (sync/server/similar.go): each
// declaration's fingerprint, and postings from each of its bigrams. A
// query reads the postings of the declaration's rarest bigrams up to a
// budget, ranks the declarations met there, and scores the best exactly.
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

// grams returns what a fingerprint is indexed by, sorted and unique.
func grams(fp app.Fingerprint) []uint32 {
	all := append(append(slices.Clone(fp.Name), fp.Content...), fp.Clauses...)
	slices.Sort(all)
	return slices.Compact(all)
}

func int64s(gs []uint32) []int64 {
	out := make([]int64, len(gs))
	for i, g := range gs {
		out[i] = int64(g)
	}
	return out
}

// indexSimilar keeps declaration fid's entry up to date with d.
func indexSimilar(ctx context.Context, tx pgx.Tx, fid string, d *app.Declaration) error {
	var old similarRecord
	var data []byte
	err := tx.QueryRow(ctx, "SELECT record FROM similar_prints WHERE filing_id = $1", fid).Scan(&data)
	if err == nil {
		if err := json.Unmarshal(data, &old); err != nil {
			return fmt.Errorf("similar index of %s: %w", fid, err)
		}
	} else if !errors.Is(err, pgx.ErrNoRows) {
		return err
	}
	fp := app.DeclarationFingerprint(d)
	was, now := grams(old.Fingerprint), grams(fp)
	var gone, added []uint32
	for _, g := range was {
		if _, ok := slices.BinarySearch(now, g); !ok {
			gone = append(gone, g)
		}
	}
	for _, g := range now {
		if _, ok := slices.BinarySearch(was, g); !ok {
			added = append(added, g)
		}
	}
	if len(gone) > 0 {
		if _, err := tx.Exec(ctx, "DELETE FROM similar_postings WHERE filing_id = $1 AND gram = ANY($2)", fid, int64s(gone)); err != nil {
			return err
		}
	}
	if len(added) > 0 {
		if _, err := tx.Exec(ctx, `INSERT INTO similar_postings (gram, filing_id) SELECT g, $1 FROM unnest($2::bigint[]) g
			ON CONFLICT DO NOTHING`, fid, int64s(added)); err != nil {
			return err
		}
	}
	rec := mustJSON(similarRecord{Fingerprint: fp, Year: d.PlanYear, Total: d.TotalInvestment})
	_, err = tx.Exec(ctx, `INSERT INTO similar_prints (filing_id, record) VALUES ($1, $2)
		ON CONFLICT (filing_id) DO UPDATE SET record = excluded.record`, fid, rec)
	return err
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
		rows, err := tx.Query(ctx, `SELECT g, (SELECT count(*) FROM (SELECT 1 FROM similar_postings p WHERE p.gram = g LIMIT $2) x)
			FROM unnest($1::bigint[]) g`, int64s(grams(fp)), similarPostingBudget+1)
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
			rows, err := tx.Query(ctx, "SELECT filing_id FROM similar_postings WHERE gram = $1", g.g)
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
		rows, err = tx.Query(ctx, `SELECT s.filing_id, s.record, f.record, u.record FROM similar_prints s
			JOIN filings f ON f.id = s.filing_id JOIN units u ON u.id = f.unit_id WHERE s.filing_id = ANY($1)`, ids)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id string
			var srec, frec, urec []byte
			if err := rows.Scan(&id, &srec, &frec, &urec); err != nil {
				rows.Close()
				return err
			}
			var other similarRecord
			var f bureaustore.Filing
			var u struct {
				Name string `json:"name"`
			}
			if err := errors.Join(json.Unmarshal(srec, &other), json.Unmarshal(frec, &f), json.Unmarshal(urec, &u)); err != nil {
				rows.Close()
				return fmt.Errorf("decode %s: %w", id, err)
			}
			name, content := app.Similarity(fp, other.Fingerprint)
			if score := app.SimilarityScore(name, content); score >= bureaustore.SimilarFloor {
				out = append(out, console.SimilarItem{ID: id, Name: name, Content: content, Score: score,
					Year: other.Year, Total: other.Total, Title: f.Title, UnitID: f.Filing.UnitID,
					UnitName: u.Name, Status: f.Filing.Status})
			}
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
