package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"egovdesk/app"
	"egovdesk/app/apptest"
	"egovdesk/sync/bureautest"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server"
	"egovdesk/sync/server/pgstore"
)

// seedDeclarations submits n short declarations through the batch
// endpoint, 200 a request, the batches alternating between units A and B,
// each changed by edit first (nil: as apptest.ShortDeclaration makes
// them), the clock a minute on after each batch, and returns their IDs.
func seedDeclarations(b *testing.B, fx *fixture, n int, edit func(j int, d *app.Declaration)) (ids []string) {
	h := fx.srv.Handler()
	const batch = protocol.MaxBatch
	for i := 0; i < n; i += batch {
		reqs := make([]protocol.SubmitRequest, 0, batch)
		tok, unit := fx.clerkA, fx.unitA.ID
		if (i/batch)%2 == 1 {
			tok, unit = fx.clerkB, fx.unitB.ID
		}
		for j := i; j < min(i+batch, n); j++ {
			f, err := app.NewFiling(app.KindDeclaration, uuid.NewString(), uuid.NewString(), unit, fx.clock.Now())
			if err != nil {
				b.Fatal(err)
			}
			f.Declaration = apptest.ShortDeclaration(j)
			if edit != nil {
				edit(j, f.Declaration)
			}
			reqs = append(reqs, submitReq(b, f))
			ids = append(ids, f.ID)
		}
		data, err := json.Marshal(protocol.BatchSubmitRequest{Submissions: reqs})
		if err != nil {
			b.Fatal(err)
		}
		r := httptest.NewRequest("POST", protocol.PathSubmissions, bytes.NewReader(data))
		r.Header.Set("Content-Type", protocol.MediaJSON)
		r.Header.Set(protocol.HeaderAuthorization, "Bearer "+tok)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatalf("seed: %d %s", w.Code, w.Body)
		}
		fx.clock.Advance(time.Minute)
	}
	return ids
}

// BenchmarkReviewQueueAPI serves one page of 50 of GET /review/queue over
// QUEUE_BENCH_N queued declarations (100,000 by default, from two units,
// three plan years), through the bureau's handler: the first page, a page
// deep inside (20 pages on), a year filter, a unit filter, a title search
// that matches one filing (search) or every one (search-common), and
// overdue only.
//
// On Badger every filing is submitted through the batch endpoint (10⁶:
// about ten minutes on a quiet 2-core machine). On PostgreSQL
// (EGOVDESK_TEST_STORE=postgres) the first queueTemplates are submitted
// so, and the rest are copies of them written straight into the filings
// and queue tables with COPY (seedQueueCopies: 10⁶ in a minute or two).
func BenchmarkReviewQueueAPI(b *testing.B) {
	n := benchN(b, "QUEUE_BENCH_N", 100_000)
	var pg *pgstore.Store
	fx := MustBureau(b, func(c *server.Config) {
		if bureautest.Postgres() {
			pg = bureautest.PGStorage(b)
			c.Storage = pg
		}
	})
	h := fx.srv.Handler()
	submitted := n
	if pg != nil {
		submitted = min(n, queueTemplates)
	}
	start := time.Now()
	seedDeclarations(b, fx, submitted, func(j int, d *app.Declaration) { d.PlanYear = 2025 + j%3 })
	if pg != nil && n > submitted {
		seedQueueCopies(b, pg, submitted, n, fx.clock.Now())
		fx.clock.Advance(time.Duration(n) * time.Millisecond)
	}
	b.Logf("seeded %d queued filings in %v", n, time.Since(start).Round(time.Second))
	fx.clock.Advance(30 * 24 * time.Hour) // the oldest part is overdue
	tok := fx.login("reviewer").Token
	get := func(b *testing.B, path string) protocol.QueuePage {
		r := httptest.NewRequest("GET", path, nil)
		r.Header.Set(protocol.HeaderAuthorization, "Bearer "+tok)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatalf("%s: %d %s", path, w.Code, w.Body)
		}
		var page protocol.QueuePage
		if err := json.Unmarshal(w.Body.Bytes(), &page); err != nil {
			b.Fatal(err)
		}
		return page
	}
	deep := ""
	for range 20 {
		deep = get(b, queuePath(protocol.ParamCursor, deep)).Next
	}
	for _, c := range []struct{ name, path string }{
		{"first", queuePath()},
		{"deep", queuePath(protocol.ParamCursor, deep)},
		{"year", queuePath(protocol.ParamYear, "2026")},
		{"unitB", queuePath(protocol.ParamUnit, fx.unitB.ID)},
		{"search", queuePath(protocol.ParamText, "第00777号")},
		{"search-common", queuePath(protocol.ParamText, "信息化项目")},
		{"overdue", queuePath(protocol.ParamOverdue, "true")},
	} {
		b.Run(c.name, func(b *testing.B) {
			rows := 0
			for b.Loop() {
				rows = len(get(b, c.path).Filings)
			}
			b.ReportMetric(float64(rows), "rows")
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/page")
		})
	}
}

// queueTemplates is how many filings BenchmarkReviewQueueAPI submits
// through the API on PostgreSQL before copying them in bulk.
const queueTemplates = 1000

// seedQueueCopies fills the PostgreSQL store up to n queued filings with
// copies of the first `from` (submitted through the API): filing k copies
// filing k mod from under a new ID, with title number k, arriving k
// milliseconds after since; its filing record and its queue row go in by
// COPY, the way bureau migrate imports (the queue's triggers keep its
// counters). Revisions and the similar-projects index are not copied: a
// page of the queue does not read them.
func seedQueueCopies(b *testing.B, st *pgstore.Store, from, n int, since time.Time) {
	b.Helper()
	ctx := context.Background()
	type tmpl struct {
		id, unit, unitName, status, kind, title string
		year, revision                          int32
		total                                   int64
		record                                  []byte
	}
	rows, err := st.Pool().Query(ctx, `SELECT q.filing_id, q.unit_id, q.unit_name, q.status, q.kind, q.title, q.year,
		q.revision, q.total, f.record::text FROM queue q JOIN filings f ON f.id = q.filing_id ORDER BY q.since_ns, q.filing_id`)
	if err != nil {
		b.Fatal(err)
	}
	var ts []tmpl
	for rows.Next() {
		var t tmpl
		var rec string
		if err := rows.Scan(&t.id, &t.unit, &t.unitName, &t.status, &t.kind, &t.title, &t.year, &t.revision, &t.total, &rec); err != nil {
			b.Fatal(err)
		}
		t.record = []byte(rec)
		ts = append(ts, t)
	}
	if err := rows.Err(); err != nil || len(ts) != from {
		b.Fatalf("%d templates, want %d: %v", len(ts), from, err)
	}
	const chunk = 50_000
	for lo := from; lo < n; lo += chunk {
		hi := min(lo+chunk, n)
		filings := make([][]any, 0, hi-lo)
		queue := make([][]any, 0, hi-lo)
		for k := lo; k < hi; k++ {
			t := ts[k%from]
			id := uuid.NewString()
			title := fmt.Sprintf("霍邱县城关镇第%05d号政务信息化项目", k)
			rec := bytes.ReplaceAll(t.record, []byte(t.id), []byte(id))
			rec = bytes.ReplaceAll(rec, []byte(t.title), []byte(title))
			at := since.Add(time.Duration(k) * time.Millisecond)
			filings = append(filings, []any{id, t.unit, at, json.RawMessage(rec)})
			queue = append(queue, []any{id, at.UnixNano(), t.unit, t.unitName, t.status, t.kind, title, t.year, t.total, t.revision, []string{}})
		}
		err := pgx.BeginFunc(ctx, st.Pool(), func(tx pgx.Tx) error {
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{"filings"}, []string{"id", "unit_id", "updated", "record"}, pgx.CopyFromRows(filings)); err != nil {
				return err
			}
			_, err := tx.CopyFrom(ctx, pgx.Identifier{"queue"}, []string{"filing_id", "since_ns", "unit_id", "unit_name", "status",
				"kind", "title", "year", "total", "revision", "concurred"}, pgx.CopyFromRows(queue))
			return err
		})
		if err != nil {
			b.Fatalf("copy filings %d–%d: %v", lo, hi, err)
		}
	}
	if _, err := st.Pool().Exec(ctx, "ANALYZE filings, queue"); err != nil {
		b.Fatal(err)
	}
}
