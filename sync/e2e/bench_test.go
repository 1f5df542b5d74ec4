package e2e

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"runtime/pprof"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"egovdesk/app"
	"egovdesk/app/apptest"
	"egovdesk/app/store"
	"egovdesk/sync/client"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server"
	"egovdesk/sync/syncer"
)

// benchBureau is a bureau with the server's default configuration (8 MiB
// chunks, production argon2id only for new passwords) on a loopback port.
func benchBureau(b *testing.B) (*server.Server, accounts, string) {
	b.Helper()
	dir := b.TempDir()
	cfg := server.Config{DataDir: dir, Password: server.PasswordParams{Time: 1, MemoryKiB: 64, Threads: 1}, UnitNewFilingsPerDay: -1,
		Storage: storageFor(dir)}
	srv := mustOpenBureau(b, cfg)
	acc := initBureau(b, srv)
	return srv, acc, mustServe(b, srv.Handler())
}

// queueFilings drafts and submits n declarations without attachments in st
// and returns the average body size.
func queueFilings(b *testing.B, st *store.Store, unit string, n int, decl func(i int) *app.Declaration) int {
	b.Helper()
	ctx := context.Background()
	bytes := 0
	for i := range n {
		f, err := app.NewFiling(app.KindDeclaration, uuid.NewString(), uuid.NewString(), unit, time.Now())
		if err != nil {
			b.Fatal(err)
		}
		f.Declaration = decl(i)
		if err := st.Save(ctx, f); err != nil {
			b.Fatal(err)
		}
		it, err := st.Submit(ctx, f.ID, "李梅", time.Now())
		if err != nil {
			b.Fatal(err)
		}
		bytes += len(it.Body)
	}
	return bytes / n
}

// benchRequest returns the submission of a new declaration i of unit, as the
// client sends it.
func benchRequest(b *testing.B, unit string, i int) protocol.SubmitRequest {
	f, err := app.NewFiling(app.KindDeclaration, uuid.NewString(), uuid.NewString(), unit, time.Now())
	if err != nil {
		b.Fatal(err)
	}
	f.Declaration = apptest.ShortDeclaration(i)
	if _, err := f.Submit(time.Now(), "李梅"); err != nil {
		b.Fatal(err)
	}
	req, err := protocol.NewSubmitRequest(f.Body())
	if err != nil {
		b.Fatal(err)
	}
	return req
}

// BenchmarkPush measures filings delivered per second with 1,000 queued:
// one SyncOnce of the real syncer pushes them through the real client to
// the real bureau, which stores each durably and exactly once (checked after
// the timed part). "syncer" pushes right after the 1,000 were queued, while
// Badger still flushes and compacts what queueing them wrote (one second
// of a clerk's work is a year of a township's); "syncer-reopened" closes and
// reopens the client store after queueing, as when filings drafted offline
// go out after the laptop was restarted. Their declarations differ in
// their numbers only (apptest.ShortDeclaration), so they share most of
// their bigrams in the bureau's similar-projects index; "syncer-varied"
// pushes declarations of the realistic set (apptest.VariedDeclaration:
// places, topics and phrases drawn at random), which share fewer. The
// other sub-benchmarks take the syncer and the client store away to show
// where the time goes: "submit"
// sends the same 1,000 requests with the client only, one after another;
// "submit-8" from 8 goroutines.
func BenchmarkPush(b *testing.B) {
	const queued = 1000
	for _, reopen := range []bool{false, true} {
		name := "syncer"
		if reopen {
			name = "syncer-reopened"
		}
		b.Run(name, func(b *testing.B) { benchPushSyncer(b, queued, reopen, apptest.ShortDeclaration) })
	}
	b.Run("syncer-varied", func(b *testing.B) {
		rng := rand.New(rand.NewPCG(1, 2))
		benchPushSyncer(b, queued, false, func(i int) *app.Declaration { return apptest.VariedDeclaration(rng, i) })
	})
	for _, workers := range []int{1, 8} {
		name := "submit"
		if workers > 1 {
			name = fmt.Sprintf("submit-%d", workers)
		}
		b.Run(name, func(b *testing.B) {
			_, acc, url := benchBureau(b)
			cl := mustClient(b, url, acc.Clerk)
			ctx := context.Background()
			for b.Loop() {
				b.StopTimer()
				reqs := make(chan protocol.SubmitRequest, queued)
				for i := range queued {
					reqs <- benchRequest(b, acc.Unit.ID, i)
				}
				close(reqs)
				b.StartTimer()
				errs := make(chan error, workers)
				for range workers {
					go func() {
						for req := range reqs {
							rc, err := cl.Submit(ctx, req)
							if err == nil && rc.Status != protocol.ReceiptReceived {
								err = fmt.Errorf("receipt %s", rc.Status)
							}
							if err != nil {
								errs <- err
								return
							}
						}
						errs <- nil
					}()
				}
				for range workers {
					if err := <-errs; err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(b.N*queued)/b.Elapsed().Seconds(), "filings/s")
		})
	}
}

// benchPushSyncer is BenchmarkPush's syncer case: queue filings, optionally
// reopen the client store, then time one SyncOnce.
func benchPushSyncer(b *testing.B, queued int, reopen bool, decl func(i int) *app.Declaration) {
	_, acc, url := benchBureau(b)
	dir := b.TempDir()
	st, err := store.Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	blobs, err := syncer.OpenBlobDir(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	cl := mustClient(b, url, acc.Clerk)
	sy := syncer.New(st, cl, blobs, syncer.Options{})
	ctx := context.Background()
	if err := sy.SyncOnce(ctx); err != nil { // first pull, limits
		b.Fatal(err)
	}
	body := 0
	var cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		// Not labelled for -tagignore: Badger's goroutines, started by the
		// store opened here, would carry the label into the timed push.
		// EGOV_PUSH_PROFILE profiles the timed part alone.
		body = queueFilings(b, st, acc.Unit.ID, queued, decl)
		if reopen {
			if err := st.Close(); err != nil {
				b.Fatal(err)
			}
			if st, err = store.Open(dir); err != nil {
				b.Fatal(err)
			}
			sy = syncer.New(st, cl, blobs, syncer.Options{})
		}
		b.StartTimer()
		c0 := apptest.CPUTime()
		stop := profilePush(b)
		if err := sy.SyncOnce(ctx); err != nil {
			b.Fatal(err)
		}
		stop()
		cpu += apptest.CPUTime() - c0
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N*queued)/b.Elapsed().Seconds(), "filings/s")
	b.ReportMetric(float64(body), "body-bytes")
	reportCPU(b, cpu, b.N*queued)
	if n, _ := st.PendingCount(ctx); n != 0 {
		b.Fatalf("%d items left in the outbox", n)
	}
	list, err := cl.Filings(ctx)
	if err != nil || len(list) != b.N*queued {
		b.Fatalf("bureau holds %d filings, want %d (%v)", len(list), b.N*queued, err)
	}
}

// profilePush profiles the CPU until the function it returns is called,
// into a new file in $EGOV_PUSH_PROFILE when that is set: unlike
// -cpuprofile it leaves out the setup, including the work Badger's own
// goroutines do for it. Read all the files at once:
// go tool pprof -top e2e.test $EGOV_PUSH_PROFILE/*.pprof
func profilePush(b *testing.B) (stop func()) {
	dir := os.Getenv("EGOV_PUSH_PROFILE")
	if dir == "" {
		return func() {}
	}
	f, err := os.CreateTemp(dir, "push-*.pprof")
	if err != nil {
		b.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		b.Fatal(err)
	}
	return func() {
		pprof.StopCPUProfile()
		if err := f.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// reportCPU reports the CPU time the whole process (client, bureau and
// Badger's background work) spent per filing while the timer ran: unlike
// filings/s it does not move when other work shares the machine.
func reportCPU(b *testing.B, cpu time.Duration, filings int) {
	if cpu > 0 {
		b.ReportMetric(float64(cpu.Microseconds())/float64(filings), "cpu-µs/filing")
	}
}

// BenchmarkPushBatch sends the 1,000 submissions of BenchmarkPush with the
// client's SubmitBatch, protocol.MaxBatch at a time, one after another: the
// bureau commits each batch in one transaction and one fsync.
func BenchmarkPushBatch(b *testing.B) {
	const queued = 1000
	_, acc, url := benchBureau(b)
	cl := mustClient(b, url, acc.Clerk)
	ctx := context.Background()
	total := 0
	var cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		reqs := make([]protocol.SubmitRequest, 0, queued)
		pprof.Do(context.Background(), pprof.Labels("phase", "setup"), func(context.Context) {
			for i := range queued {
				reqs = append(reqs, benchRequest(b, acc.Unit.ID, i))
			}
		})
		b.StartTimer()
		c0 := apptest.CPUTime()
		for len(reqs) > 0 {
			n := min(len(reqs), protocol.MaxBatch)
			results, err := cl.SubmitBatch(ctx, reqs[:n])
			if err != nil {
				b.Fatal(err)
			}
			for _, r := range results {
				if err := client.ResultError(r); err != nil || r.Receipt.Status != protocol.ReceiptReceived {
					b.Fatalf("result %+v: %v", r, err)
				}
			}
			reqs = reqs[n:]
		}
		cpu += apptest.CPUTime() - c0
		total += queued
	}
	b.StopTimer()
	b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "filings/s")
	reportCPU(b, cpu, total)
	if list, err := cl.Filings(ctx); err != nil || len(list) != total {
		b.Fatalf("bureau holds %d filings, want %d (%v)", len(list), total, err)
	}
}

// seedNotices writes n notices into the unit's feed through the server's
// own Notify (the path `bureau notices send` takes) and returns how long
// that took.
func seedNotices(b *testing.B, srv *server.Server, unit string, n int) time.Duration {
	b.Helper()
	ctx := context.Background()
	start := time.Now()
	for i := range n {
		if _, err := srv.Notify(ctx, protocol.NoticeRequest{UnitID: unit, Title: "关于报送2027年度政务信息化项目的通知",
			Text: fmt.Sprintf("第%d号通知：请各单位于 3 月 31 日前通过 egovdesk 报送项目申报书。", i)}); err != nil {
			b.Fatal(err)
		}
	}
	return time.Since(start)
}

// cursorAt returns the cursor after the first k changes of the unit's feed.
func cursorAt(b *testing.B, srv *server.Server, unit string, k int) string {
	b.Helper()
	cur := ""
	for k > 0 {
		page := min(k, 100_000)
		resp, err := srv.Changes(context.Background(), unit, cur, page)
		if err != nil || len(resp.Changes) != page {
			b.Fatalf("page of %d: %d changes, %v", page, len(resp.Changes), err)
		}
		cur, k = resp.Cursor, k-page
	}
	return cur
}

// BenchmarkPullTen measures pulling the 10 newest changes over HTTP with the
// real client, from a bureau whose unit feed holds 10^3 or 10^5 events by
// default, and also 10^6 with EGOV_E2E_BIG=1 (all in the one unit's feed:
// the worst case for a seek). The cost must not grow with the events
// stored. The 10^6 case seeds through Server.Notify, one transaction per
// event, which takes minutes; hence the variable.
func BenchmarkPullTen(b *testing.B) {
	sizes := []int{1_000, 100_000}
	if testingBig() {
		sizes = append(sizes, 1_000_000)
	}
	for _, n := range sizes {
		b.Run(fmt.Sprintf("events=%d", n), func(b *testing.B) {
			srv, acc, url := benchBureau(b)
			took := seedNotices(b, srv, acc.Unit.ID, n)
			b.Logf("seeded %d events in %v (%.0f/s)", n, took.Round(time.Millisecond), float64(n)/took.Seconds())
			cur := cursorAt(b, srv, acc.Unit.ID, n-10)
			cl := mustClient(b, url, acc.Clerk)
			ctx := context.Background()
			b.ResetTimer()
			for b.Loop() {
				resp, err := cl.Changes(ctx, cur, 0)
				if err != nil || len(resp.Changes) != 10 || resp.More {
					b.Fatalf("%d changes (more %v), %v", len(resp.Changes), resp.More, err)
				}
			}
		})
	}
}

// BenchmarkChangesIdle measures requests per second on the changes feed
// when there is nothing new (GET /changes at the head, wait=0), from 32
// clients at once, each with its own connection pool.
func BenchmarkChangesIdle(b *testing.B) {
	srv, acc, url := benchBureau(b)
	seedNotices(b, srv, acc.Unit.ID, 100)
	head := cursorAt(b, srv, acc.Unit.ID, 100)
	var failed atomic.Value
	b.SetParallelism(16) // 32 goroutines on 2 cores
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		cl, err := newClient(context.Background(), url, acc.Clerk)
		if err != nil {
			failed.Store(err)
			return
		}
		for pb.Next() {
			resp, err := cl.Changes(context.Background(), head, 0)
			if err != nil || len(resp.Changes) != 0 {
				failed.Store(fmt.Errorf("%d changes, %v", len(resp.Changes), err))
				return
			}
		}
	})
	b.StopTimer()
	if err, _ := failed.Load().(error); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// BenchmarkUpload measures uploading a 64 MiB attachment with the real
// client to the bureau (default 8 MiB chunks, each synced to disk, SHA-256
// verified at the end), next to plain copies of the same bytes through a
// loopback TCP connection, read into a 1 MiB buffer: "loopback" into
// io.Discard (the network alone, nothing kept); "loopback-file-nosync" into
// a new file, written as read, as `nc -l > file` or dd bs=1M do (the bytes
// may still be in the page cache when it ends); and "loopback-file" the
// same, synced once at the end, as dd bs=1M conv=fsync does (the network
// and the disk, with none of the bureau's work).
func BenchmarkUpload(b *testing.B) {
	const size = 64 << 20
	data := newFile("影像资料.zip", 1, 1, size).data
	b.Run("bureau", func(b *testing.B) {
		_, acc, url := benchBureau(b)
		cl := mustClient(b, url, acc.Clerk)
		ctx := context.Background()
		b.SetBytes(size)
		for i := 0; b.Loop(); i++ {
			b.StopTimer()
			copy(data, fmt.Sprintf("%016d", i)) // a new attachment each time
			sha := sha256Hex(data)
			b.StartTimer()
			st, err := cl.Upload(ctx, sha, size, bytes.NewReader(data), nil)
			if err != nil || !st.Complete {
				b.Fatalf("upload: %+v, %v", st, err)
			}
		}
	})
	for _, sink := range []string{"loopback", "loopback-file-nosync", "loopback-file"} {
		b.Run(sink, func(b *testing.B) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				b.Fatal(err)
			}
			defer ln.Close()
			dir := b.TempDir()
			done := make(chan error)
			buf := make([]byte, 1<<20)
			go func() {
				for i := 0; ; i++ {
					c, err := ln.Accept()
					if err != nil {
						return
					}
					var w io.Writer = io.Discard
					var f interface {
						io.Writer
						Sync() error
						Close() error
					}
					if sink != "loopback" {
						file, err := createFile(dir, i)
						if err != nil {
							done <- err
							return
						}
						w, f = file, file
					}
					// Hide ReaderFrom and WriterTo: os.File would splice from
					// the socket 64 KiB at a time, io.Discard read 8 KiB ones.
					_, err = io.CopyBuffer(struct{ io.Writer }{w}, struct{ io.Reader }{c}, buf)
					if f != nil {
						if sink == "loopback-file" {
							if serr := f.Sync(); err == nil {
								err = serr
							}
						}
						f.Close()
					}
					c.Close()
					done <- err
				}
			}()
			b.SetBytes(size)
			for b.Loop() {
				c, err := net.Dial("tcp", ln.Addr().String())
				if err != nil {
					b.Fatal(err)
				}
				if _, err := c.Write(data); err != nil {
					b.Fatal(err)
				}
				c.(*net.TCPConn).CloseWrite()
				if err := <-done; err != nil {
					b.Fatal(err)
				}
				c.Close()
			}
		})
	}
}

// createFile creates the file of copy i in dir and removes copy i-1. Left
// in place, every copy would grow the page cache by 64 MiB of pages the VM
// has not touched before, and the benchmark would time the hypervisor
// handing them out (5 to 10 times slower than writing into reused pages);
// the bureau drops each chunk's synced pages from the cache likewise.
func createFile(dir string, i int) (*os.File, error) {
	if err := os.Remove(filepath.Join(dir, fmt.Sprintf("copy-%d", i-1))); err != nil && !os.IsNotExist(err) {
		return nil, err
	}
	return os.Create(filepath.Join(dir, fmt.Sprintf("copy-%d", i)))
}
