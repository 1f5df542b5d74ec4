package server_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"

	"egovdesk/app"
	"egovdesk/app/apptest"
	"egovdesk/sync/protocol"
)

// BenchmarkReviewQueueAPI serves one page of 50 of GET /review/queue over
// QUEUE_BENCH_N queued declarations (100,000 by default, submitted through
// the batch endpoint, from two units, three plan years), through the
// bureau's handler: the first page, a page deep inside (20 pages on), a
// year filter, a unit filter, a title search that matches one filing in a
// thousand, and overdue only.
func BenchmarkReviewQueueAPI(b *testing.B) {
	n := 100_000
	if v := os.Getenv("QUEUE_BENCH_N"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			b.Fatal(err)
		}
	}
	fx := MustBureau(b)
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
			f.Declaration.PlanYear = 2025 + j%3
			reqs = append(reqs, submitReq(b, f))
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
