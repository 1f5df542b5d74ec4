package server_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"egovdesk/app"
	"egovdesk/sync/bureautest"
	"egovdesk/sync/server"
)

// BenchmarkConsoleLate serves 逾期事项 (/console/late, late.go) over
// LATE_BENCH_N declarations (2,000 by default, of two units), half of them
// approved and, under 郁南's profile 25 months on, past their approval's
// validity: the page reads every filing record and the dossier of every
// approved project.
func BenchmarkConsoleLate(b *testing.B) {
	n := benchN(b, "LATE_BENCH_N", 2_000)
	fx := MustBureau(b, func(c *server.Config) {
		c.PasswordPolicy.MaxAge = -1
		if bureautest.Postgres() {
			c.Storage = bureautest.PGStorage(b)
		}
	})
	start := time.Now()
	ids := seedDeclarations(b, fx, n, func(_ int, d *app.Declaration) { d.Class = app.ClassProfessional })
	for i, id := range ids {
		if i%2 == 0 {
			fx.decide(fx.reviewer, id, app.ActionAccept, "", http.StatusOK)
			fx.decide(fx.reviewer, id, app.ActionApprove, "同意", http.StatusOK)
		}
	}
	b.Logf("seeded %d filings, %d approved, in %v", n, (n+1)/2, time.Since(start).Round(time.Second))
	setProfile(b, fx, "yunan")
	fx.clock.Advance(25 * 30 * 24 * time.Hour)
	br := fx.browser()
	br.login("reviewer", http.StatusSeeOther)
	for b.Loop() {
		if r := br.get("/console/late"); r.StatusCode != http.StatusOK || !strings.Contains(br.last, "立项审批意见有效期届满") {
			b.Fatalf("逾期事项: %d", r.StatusCode)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/page")
	b.ReportMetric(float64((n+1)/2), "projects")
}
