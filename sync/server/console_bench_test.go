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
	"egovdesk/sync/protocol"
)

// BenchmarkConsoleQueue serves one page of 50 of the review console's queue
// over CONSOLE_BENCH_N queued declarations (100,000 by default), submitted
// through the API, through the bureau's handler (session check, keyset read
// of the queue index, template): the first page, a page deep inside, a
// filter matching half the queue, a name search matching one filing in a
// thousand (which reads up to the scan budget), overdue only, and a unit
// filter.
func BenchmarkConsoleQueue(b *testing.B) {
	n := benchN(b, "CONSOLE_BENCH_N", 100_000)
	fx := MustBureau(b)
	h := fx.srv.Handler()
	start := time.Now()
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
	b.Logf("seeded %d filings in %s", n, time.Since(start).Round(time.Second))
	fx.clock.Advance(10 * time.Hour) // sessions are made now, the queue is older
	br := fx.browser()
	br.login("reviewer", http.StatusSeeOther)
	cookies := br.c.Jar.Cookies(mustURL(fx.http.URL + "/console/"))
	get := func(b *testing.B, path string) string {
		r := httptest.NewRequest("GET", path, nil)
		for _, c := range cookies {
			r.AddCookie(c)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatalf("%s: %d %s", path, w.Code, w.Body)
		}
		return w.Body.String()
	}
	// A cursor in the middle of the queue: follow the next links a while.
	deep := "/console/queue"
	for range 20 {
		m := nextLink.FindStringSubmatch(get(b, deep))
		if m == nil {
			break
		}
		deep = strings.ReplaceAll(m[1], "&amp;", "&")
	}
	fx.clock.Advance(30 * 24 * time.Hour) // the oldest half is overdue
	br.login("reviewer", http.StatusSeeOther)
	cookies = br.c.Jar.Cookies(mustURL(fx.http.URL + "/console/"))
	for _, c := range []struct{ name, path string }{
		{"first", "/console/queue"},
		{"deep", deep},
		{"year", "/console/queue?year=2026"},
		{"unitB", "/console/queue?unit=" + fx.unitB.ID},
		{"search", "/console/queue?q=" + url.QueryEscape("第00777号")},
		{"overdue", "/console/queue?overdue=1"},
		{"overview", "/console/overview"}, // reads the whole queue
	} {
		b.Run(c.name, func(b *testing.B) {
			rows0 := 0
			for b.Loop() {
				rows0 = len(rows(get(b, c.path)))
			}
			b.ReportMetric(float64(rows0), "rows")
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/page")
		})
	}
}
