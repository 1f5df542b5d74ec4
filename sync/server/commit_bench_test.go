package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"egovdesk/app"
	"egovdesk/app/apptest"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server"
)

// creditCode returns a valid unified social credit code for unit number i
// (division 341522, the check character worked out as GB 32100 says).
func creditCode(i int) string {
	const alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	weights := [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}
	base := fmt.Sprintf("11341522%09d", i)
	sum := 0
	for j, r := range base {
		sum += strings.IndexRune(alphabet, r) * weights[j]
	}
	return base + string(alphabet[(31-sum%31)%31])
}

// clerks adds units units with two clerks each to fx's bureau and returns
// the clerks' tokens, two per unit in a row, and the unit of each.
func clerks(tb testing.TB, fx *fixture, units int) ([]string, []string) {
	tb.Helper()
	ctx := context.Background()
	var tokens, unitOf []string
	for u := range units {
		unit, err := fx.srv.AddUnit(ctx, fmt.Sprintf("霍邱县第%02d乡镇人民政府", u), creditCode(100+u))
		if err != nil {
			tb.Fatal(err)
		}
		unitCodes.Store(unit.ID, unit)
		for c := range 2 {
			login := fmt.Sprintf("bench-%02d-%d", u, c)
			if _, err := fx.srv.AddAccount(ctx, server.NewAccount{Login: login, Name: fmt.Sprintf("办事员%d", c), Role: app.RoleUnit,
				UnitID: unit.ID, Password: password}); err != nil {
				tb.Fatal(err)
			}
			tok, _, err := fx.srv.Login(ctx, login, password, time.Hour)
			if err != nil {
				tb.Fatal(err)
			}
			tokens, unitOf = append(tokens, tok), append(unitOf, unit.ID)
		}
	}
	return tokens, unitOf
}

// BenchmarkSubmitConcurrent is the deadline-day load of issue 12 seen from
// the clerks: 100 clerks (50 units × 2), each in its own goroutine sending
// one filing at a time with POST /filings/{id}/revisions/{rev} over real
// HTTP on loopback to a bureau run by Server.Serve, durable (SyncWrites).
// One op is one filing; filings/s is the throughput over the run and
// p50-ms/p99-ms the clerk's wait for the receipt. reviewers=2 adds two
// reviewers listing the review queue (GET /review/queue, first page) in a
// loop meanwhile: their calls must not move the clerks' latency.
// cpu-µs/filing is the whole process's CPU (clients included) per filing;
// writes/commit the mean size of the bureau's group commits (Badger only).
// Run it with a fixed count, e.g. -benchtime=10000x; on PostgreSQL with
// EGOVDESK_TEST_STORE=postgres (and EGOVDESK_PG_FSYNC=on for a durable
// throwaway cluster), where each submission is a transaction of its own on
// one of the store's 16 connections and concurrent commits share WAL
// flushes. The clerks' declarations differ in their numbers only
// (apptest.ShortDeclaration); "varied" sends declarations of the realistic
// set (apptest.VariedDeclaration), which share fewer bigrams in the
// similar-projects index and so fewer of its keys in a group commit.
func BenchmarkSubmitConcurrent(b *testing.B) {
	for _, reviewers := range []int{0, 2} {
		b.Run(fmt.Sprintf("reviewers=%d", reviewers), func(b *testing.B) {
			benchSubmitConcurrent(b, 100, reviewers, apptest.ShortDeclaration)
		})
	}
	b.Run("varied", func(b *testing.B) {
		rng := rand.New(rand.NewPCG(1, 2))
		benchSubmitConcurrent(b, 100, 0, func(i int) *app.Declaration { return apptest.VariedDeclaration(rng, i) })
	})
}

// BenchmarkSubmitMemtable is BenchmarkSubmitConcurrent (no reviewers)
// with other Badger memtable options: memtable size × how many may wait
// for their flush, level-0 tables before compaction, and the value
// threshold (vt=1048576: every value in the tree, as Badger's default and
// the bureau before 2026-12-04). Run it long enough for several flushes
// (-benchtime=40000x): max-ms and p999-ms show the stalls. With
// BENCH_TIMELINE=file each run also writes the clerks' latency per 250 ms
// of the run (by the time each receipt came) to file: the stalls in time.
func BenchmarkSubmitMemtable(b *testing.B) {
	for _, o := range []struct {
		mb, tables, l0 int
		vt             int64 // value threshold, 0: the bureau's
	}{{32, 5, 5, 0}, {32, 5, 5, 1 << 20}, {64, 5, 5, 0}, {16, 5, 5, 0}, {8, 5, 5, 0}, {8, 10, 10, 0}} {
		vt := "default"
		if o.vt > 0 {
			vt = strconv.FormatInt(o.vt, 10)
		}
		b.Run(fmt.Sprintf("memtable=%dMBx%d/l0=%d/vt=%s", o.mb, o.tables, o.l0, vt), func(b *testing.B) {
			benchSubmitConcurrent(b, 100, 0, apptest.ShortDeclaration, func(c *server.Config) { server.TuneBadger(c, int64(o.mb)<<20, o.tables, o.l0, o.vt) })
		})
	}
}

func benchSubmitConcurrent(b *testing.B, clients, reviewers int, decl func(i int) *app.Declaration, configure ...func(*server.Config)) {
	fx := MustServedBureau(b, configure...)
	tokens, unitOf := clerks(b, fx, clients/2)
	type job struct {
		path, token string
		body        []byte
	}
	jobs := make([]job, b.N)
	for i := range jobs {
		tok := tokens[i%len(tokens)]
		f, err := app.NewFiling(app.KindDeclaration, uuid.NewString(), uuid.NewString(), unitOf[i%len(tokens)], fx.clock.Now())
		if err != nil {
			b.Fatal(err)
		}
		f.Declaration = decl(i)
		data, err := json.Marshal(submitReq(b, f))
		if err != nil {
			b.Fatal(err)
		}
		jobs[i] = job{path: revPath(f), token: tok, body: data}
	}
	tr := &http.Transport{MaxIdleConns: 2 * clients, MaxIdleConnsPerHost: 2 * clients}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr, Timeout: time.Minute}
	post := func(j job) error {
		req, err := http.NewRequest("POST", fx.url+j.path, bytes.NewReader(j.body))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", protocol.MediaJSON)
		req.Header.Set(protocol.HeaderAuthorization, "Bearer "+j.token)
		resp, err := hc.Do(req)
		if err != nil {
			return err
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
		if resp.StatusCode != http.StatusCreated {
			return fmt.Errorf("status %d: %s", resp.StatusCode, body)
		}
		return nil
	}
	// Warm the connections up, one per clerk, outside the timer.
	warm := make([]job, clients)
	for i := range warm {
		f, _ := app.NewFiling(app.KindDeclaration, uuid.NewString(), uuid.NewString(), unitOf[i%len(tokens)], fx.clock.Now())
		f.Declaration = apptest.ShortDeclaration(-1 - i)
		data, _ := json.Marshal(submitReq(b, f))
		warm[i] = job{path: revPath(f), token: tokens[i%len(tokens)], body: data}
	}
	var wg sync.WaitGroup
	for _, j := range warm {
		wg.Go(func() {
			if err := post(j); err != nil {
				b.Error(err)
			}
		})
	}
	wg.Wait()

	stop := make(chan struct{})
	var listed atomic.Int64
	var rwg sync.WaitGroup
	for range reviewers {
		rwg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				req, _ := http.NewRequest("GET", fx.url+protocol.PathReviewQueue, nil)
				req.Header.Set(protocol.HeaderAuthorization, "Bearer "+fx.reviewer)
				resp, err := hc.Do(req)
				if err != nil {
					b.Error(err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					b.Errorf("queue: status %d", resp.StatusCode)
					return
				}
				listed.Add(1)
			}
		})
	}

	lat := make([]time.Duration, b.N)
	ends := make([]time.Duration, b.N)
	var next atomic.Int64
	g0, w0 := server.CommitGroups(fx.srv)
	b.ResetTimer()
	start, cpu0 := time.Now(), apptest.CPUTime()
	for range clients {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(jobs) {
					return
				}
				t := time.Now()
				if err := post(jobs[i]); err != nil {
					b.Error(err)
					return
				}
				lat[i] = time.Since(t)
				ends[i] = time.Since(start)
			}
		})
	}
	wg.Wait()
	elapsed, cpu := time.Since(start), apptest.CPUTime()-cpu0
	b.StopTimer()
	g1, w1 := server.CommitGroups(fx.srv)
	close(stop)
	rwg.Wait()
	if f := os.Getenv("BENCH_TIMELINE"); f != "" {
		m := map[int][]time.Duration{}
		for i := range lat {
			k := int(ends[i] / (250 * time.Millisecond))
			m[k] = append(m[k], lat[i])
		}
		var out bytes.Buffer
		for k := 0; k <= int(elapsed/(250*time.Millisecond)); k++ {
			l := m[k]
			slices.Sort(l)
			if len(l) == 0 {
				fmt.Fprintf(&out, "%6.2fs n=0\n", float64(k)/4)
				continue
			}
			fmt.Fprintf(&out, "%6.2fs n=%4d p50=%4d p99=%4d max=%4d\n", float64(k)/4, len(l), l[len(l)/2].Milliseconds(), l[len(l)*99/100].Milliseconds(), l[len(l)-1].Milliseconds())
		}
		os.WriteFile(f, out.Bytes(), 0o644)
	}
	slices.Sort(lat)
	pct := func(p float64) float64 { return float64(lat[int(float64(len(lat)-1)*p)].Microseconds()) / 1000 }
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "filings/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(pct(0.999), "p999-ms")
	b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max-ms")
	// The CPU of the whole process: the clerks' and reviewers' HTTP
	// clients as well as the bureau.
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/filing")
	if g1 > g0 {
		b.ReportMetric(float64(w1-w0)/float64(g1-g0), "writes/commit")
	}
	if reviewers > 0 {
		b.ReportMetric(float64(listed.Load())/elapsed.Seconds(), "queue-calls/s")
	}
	b.ReportMetric(0, "ns/op")
}
