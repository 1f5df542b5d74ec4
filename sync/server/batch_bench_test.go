package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"runtime/pprof"
	"testing"
	"time"

	"github.com/google/uuid"

	"egovdesk/app"
	"egovdesk/app/apptest"
	"egovdesk/sync/protocol"
)

// BenchmarkSubmitBatch posts batches of protocol.MaxBatch new declarations
// straight to the bureau's handler (no network, no client): the bureau's
// cost per filing of POST /submissions, from the request bytes to the
// durable commit and the encoded answer. cpu-µs/filing is the process's
// CPU time (every core, GC and Badger included) over the handler calls.
func BenchmarkSubmitBatch(b *testing.B) {
	const n = protocol.MaxBatch
	fx := MustBureau(b)
	h := fx.srv.Handler()
	var cpu time.Duration
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		var data []byte
		// Labelled, so that -tagignore phase=setup leaves it out of a profile.
		pprof.Do(context.Background(), pprof.Labels("phase", "setup"), func(context.Context) {
			reqs := make([]protocol.SubmitRequest, n)
			for j := range reqs {
				f, err := app.NewFiling(app.KindDeclaration, uuid.NewString(), uuid.NewString(), fx.unitA.ID, fx.clock.Now())
				if err != nil {
					b.Fatal(err)
				}
				f.Declaration = apptest.ShortDeclaration(i*n + j)
				reqs[j] = submitReq(b, f)
			}
			var err error
			if data, err = json.Marshal(protocol.BatchSubmitRequest{Submissions: reqs}); err != nil {
				b.Fatal(err)
			}
		})
		r := httptest.NewRequest("POST", protocol.PathSubmissions, bytes.NewReader(data))
		r.Header.Set("Content-Type", protocol.MediaJSON)
		r.Header.Set(protocol.HeaderAuthorization, "Bearer "+fx.clerkA)
		w := httptest.NewRecorder()
		start := apptest.CPUTime()
		b.StartTimer()
		h.ServeHTTP(w, r)
		b.StopTimer()
		cpu += apptest.CPUTime() - start
		if w.Code != http.StatusOK {
			b.Fatalf("status %d: %s", w.Code, w.Body)
		}
		pprof.Do(context.Background(), pprof.Labels("phase", "setup"), func(context.Context) {
			var resp protocol.BatchSubmitResponse
			if err := json.Unmarshal(w.Body.Bytes(), &resp); err != nil || len(resp.Results) != n {
				b.Fatalf("%d results, %v", len(resp.Results), err)
			}
			for _, res := range resp.Results {
				if res.Status != http.StatusCreated || res.Receipt.Status != protocol.ReceiptReceived {
					b.Fatalf("result %+v %+v", res, res.Problem)
				}
			}
		})
		b.StartTimer()
	}
	filings := float64(b.N * n)
	b.ReportMetric(float64(b.Elapsed().Microseconds())/filings, "µs/filing")
	b.ReportMetric(float64(cpu.Microseconds())/filings, "cpu-µs/filing")
	b.ReportMetric(0, "ns/op")
}
