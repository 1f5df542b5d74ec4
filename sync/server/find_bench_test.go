package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"egovdesk/app/apptest"
	"egovdesk/sync/bureautest"
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
	start := time.Now()
	seedDeclarations(b, fx, n, nil)
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
