package server_test

import (
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"egovdesk/app"
	"egovdesk/app/apptest"
)

// BenchmarkConsoleSimilar serves a declaration's filing page in the review
// console, with its similar-projects panel, over SIMILAR_BENCH_N
// declarations (100,000 by default) of the realistic set
// (apptest.VariedDeclaration) submitted through the API,
// one in a hundred a near copy of another: the whole filing page of a
// near copy (the document, the rule verdict, the panel) is what is timed,
// and missed/op counts the pages whose panel did not list the copy's
// original first. The pages are timed right after the seeding, while
// Badger still compacts what it wrote; SIMILAR_BENCH_SETTLE=60s waits that
// long first, for a store at rest.
func BenchmarkConsoleSimilar(b *testing.B) {
	n := benchN(b, "SIMILAR_BENCH_N", 100_000)
	fx := MustBureau(b)
	rng := rand.New(rand.NewPCG(1, 2))
	decls := make([]*app.Declaration, n)
	for i := range decls {
		if i%100 == 99 {
			decls[i] = apptest.NearCopy(rng, decls[i-50], apptest.Places[rng.IntN(len(apptest.Places))])
		} else {
			decls[i] = apptest.VariedDeclaration(rng, i)
		}
	}
	start := time.Now()
	ids := fx.seedDeclarations(b, decls)
	b.Logf("seeded %d declarations in %s", n, time.Since(start).Round(time.Second))
	if d, err := time.ParseDuration(os.Getenv("SIMILAR_BENCH_SETTLE")); err == nil {
		time.Sleep(d)
	}
	br := fx.browser()
	br.login("reviewer", http.StatusSeeOther)
	br.get("/console/filings/" + ids[99])
	cookies := br.c.Jar.Cookies(mustURL(fx.http.URL + "/console/"))
	h := fx.srv.Handler()
	b.ResetTimer()
	i, missed := 0, 0
	for b.Loop() {
		k := (i%(n/100))*100 + 99
		i++
		r := httptest.NewRequest("GET", "/console/filings/"+ids[k], nil)
		for _, c := range cookies {
			r.AddCookie(c)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatalf("%d %s", w.Code, w.Body)
		}
		if got := similarOnPage(w.Body.String()); len(got) == 0 || got[0] != ids[k-50] {
			missed++
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/page")
	b.ReportMetric(float64(missed)/float64(b.N), "missed/op")
}
