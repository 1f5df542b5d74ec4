package server_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"egovdesk/app"
	"egovdesk/app/apptest"
	"egovdesk/sync/bureautest"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server"
)

// BenchmarkConsoleFind serves a page of 查找材料 (/console/find, find.go)
// over FIND_BENCH_N filings (20,000 by default) of two units: by a name
// that one filing has, over every unit (all) and over one unit (unit), and
// every filing of one unit in one status (status). Each search reads the
// records of the units it covers, up to findScanLimit.
func BenchmarkConsoleFind(b *testing.B) {
	n := benchN(b, "FIND_BENCH_N", 20_000)
	fx := MustBureau(b, func(c *server.Config) {
		if bureautest.Postgres() {
			c.Storage = bureautest.PGStorage(b)
		}
	})
	h := fx.srv.Handler()
	const batch = protocol.MaxBatch
	start := time.Now()
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
	}
	b.Logf("seeded %d filings in %v", n, time.Since(start).Round(time.Second))
	br := fx.browser()
	br.login("reviewer", http.StatusSeeOther)
	one := apptest.ShortDeclaration(n / 2).ProjectName
	for _, c := range []struct{ name, query string }{
		{"all", "q=" + url.QueryEscape(one)},
		{"unit", "q=" + url.QueryEscape(one) + "&unit=" + fx.unitA.ID},
		{"status", "status=submitted&unit=" + fx.unitB.ID},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if r := br.get("/console/find?" + c.query); r.StatusCode != http.StatusOK || !strings.Contains(br.last, "找到") {
					b.Fatalf("%s: %d", c.query, r.StatusCode)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/page")
		})
	}
}
