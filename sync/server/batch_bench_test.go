package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime/pprof"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"

	"egovdesk/app"
	"egovdesk/app/apptest"
	"egovdesk/sync/protocol"
)

// benchDeclaration is declaration i of about 1.5 KB of canonical JSON, as
// in sync/e2e's BenchmarkPushBatch.
func benchDeclaration(i int) *app.Declaration {
	d := apptest.Declaration()
	d.ProjectName = fmt.Sprintf("霍邱县城关镇第%05d号政务信息化项目", i)
	d.Goals = "建成全镇网格化管理平台"
	d.Content = "网格事件上报、分拨、督办"
	d.DataResources = "共享至县数据共享交换平台"
	d.Modules = d.Modules[:1]
	d.Schedule = d.Schedule[2:]
	d.Security.Plan = "等保二级"
	d.Crypto.Summary = "SM2/SM3/SM4"
	d.Deployment.Resources = "8 核 32G"
	d.Xinchuang.Notes = "麒麟、达梦"
	d.OMPlan = "纳入县统一运维"
	return d
}

// cpuTime is the CPU time of the process so far, user and system, every
// goroutine and Badger's included.
func cpuTime(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

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
				f.Declaration = benchDeclaration(i*n + j)
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
		start := cpuTime(b)
		b.StartTimer()
		h.ServeHTTP(w, r)
		b.StopTimer()
		cpu += cpuTime(b) - start
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
