package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime/pprof"
	"sync"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/google/uuid"

	"egovdesk/app"
)

// seedN is the number of filings the benchmarks run against.
const seedN = 10_000

var (
	seedOnce sync.Once
	seedDir  string
	seedErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if seedDir != "" {
		os.RemoveAll(seedDir)
	}
	os.Exit(code)
}

var (
	places  = []string{"霍邱县", "金寨县", "舒城县", "霍山县", "裕安区", "金安区", "叶集区", "六安市"}
	topics  = []string{"智慧社区", "数字乡村", "政务服务", "城市大脑", "应急指挥", "智慧教育", "医保信息", "不动产登记", "12345热线", "网格化治理", "智慧水利", "公共资源交易"}
	endings = []string{"管理平台", "信息系统", "一体化平台", "数据中台", "升级改造项目", "建设项目", "运维服务", "综合服务平台"}
)

// seedFiling returns a realistic filing number i: a declaration most of the
// time, statuses spread over the workflow, plan years 2022–2027.
func seedFiling(r *rand.Rand, i int, at time.Time) *app.Filing {
	k := app.Kinds[0]
	if r.IntN(4) == 0 {
		k = app.Kinds[1+r.IntN(len(app.Kinds)-1)]
	}
	f, _ := app.NewFiling(k, uuid.NewString(), uuid.NewString(), "unit-1", at)
	title := fmt.Sprintf("%s%s%s", places[r.IntN(len(places))], topics[r.IntN(len(topics))], endings[r.IntN(len(endings))])
	if r.IntN(3) == 0 {
		title += fmt.Sprintf("（%d期）", 1+r.IntN(3))
	}
	switch {
	case f.Declaration != nil:
		f.Declaration.ProjectName = title
		f.Declaration.PlanYear = 2022 + r.IntN(6)
		f.Declaration.UnitName = places[r.IntN(len(places))] + "数据资源管理局"
		f.Declaration.Goals = "建设统一的社区管理与服务平台，实现人口、房屋、事件数据的汇聚共享与网格化管理。"
		f.Declaration.Content = "建设内容包括：基础数据库、网格事件流转、移动端应用、领导驾驶舱、与省市平台对接。"
		f.Declaration.TotalInvestment = app.Wans(int64(50 + r.IntN(950)))
		f.Declaration.Budget = []app.BudgetItem{
			{Category: "software", Name: "平台软件开发", Amount: app.Wans(120)},
			{Category: "hardware", Name: "服务器及存储", Amount: app.Wans(60)},
		}
	case f.Catalogue != nil:
		f.Catalogue.Title = title + "数据资源目录"
	case f.TrialReport != nil:
		f.TrialReport.ProjectName = title
	case f.Acceptance != nil:
		f.Acceptance.ProjectName = title
	}
	f.Status = app.Statuses[r.IntN(len(app.Statuses))]
	f.Updated = at
	return f
}

// seededDir returns a data directory holding seedN filings, built once per
// benchmark run through the store's own write path (one transaction per 100
// filings, no WriteBatch).
func seededDir(b *testing.B) string {
	b.Helper()
	seedOnce.Do(func() {
		seedDir, seedErr = os.MkdirTemp("", "egovdesk-store-bench-")
		if seedErr != nil {
			return
		}
		s, err := Open(seedDir, envOptions()...)
		if err != nil {
			seedErr = err
			return
		}
		defer s.Close()
		r := rand.New(rand.NewPCG(1, 2))
		t0 := time.Date(2026, 1, 1, 8, 0, 0, 0, time.Local)
		for i := 0; i < seedN && seedErr == nil; i += 100 {
			seedErr = s.update(context.Background(), false, func(txn *badger.Txn) error {
				for j := i; j < i+100; j++ {
					f := seedFiling(r, j, t0.Add(time.Duration(j)*17*time.Minute))
					sum := summaryOf(f, nil)
					if err := writeFiling(txn, f, nil, &sum); err != nil {
						return err
					}
				}
				return nil
			})
		}
	})
	if seedErr != nil {
		b.Fatalf("seed: %v", seedErr)
	}
	return seedDir
}

// openSeeded opens the seeded store for one benchmark.
func openSeeded(b *testing.B, opts ...Option) *Store {
	b.Helper()
	return mustOpenDir(b, seededDir(b), opts...)
}

// copySeed returns a private copy of the seeded directory, for benchmarks
// that write, so that the read benchmarks always see the pristine seed.
func copySeed(b *testing.B) string {
	b.Helper()
	dst := b.TempDir()
	if err := os.CopyFS(dst, os.DirFS(seededDir(b))); err != nil {
		b.Fatal(err)
	}
	return dst
}

// BenchmarkSave is the autosave path in a store of 10,000 filings: "edit"
// changes the content (the index entries stay, see listGranularity),
// "rename" changes the title every time (index entries move and n-gram
// postings change), each with Badger's SyncWrites off (our choice) and on.
func BenchmarkSave(b *testing.B) {
	for _, c := range []struct {
		name   string
		rename bool
		sync   bool
	}{
		{"edit/syncwrites=false", false, false},
		{"rename/syncwrites=false", true, false},
		{"edit/syncwrites=true", false, true},
		{"rename/syncwrites=true", true, true},
	} {
		b.Run(c.name, func(b *testing.B) {
			s := mustOpenDir(b, copySeed(b), WithSyncWrites(c.sync))
			ctx := context.Background()
			f, _ := app.NewFiling(app.KindDeclaration, uuid.NewString(), uuid.NewString(), "unit-1", time.Now())
			f.Declaration.ProjectName, f.Declaration.PlanYear = "霍邱县智慧社区管理平台", 2026
			f.Declaration.Content = "建设内容包括：基础数据库、网格事件流转、移动端应用、领导驾驶舱、与省市平台对接。"
			mustSave(b, s, f)
			n := 0
			for b.Loop() {
				n++
				f.Declaration.Goals = fmt.Sprintf("第 %d 次编辑：建设统一的社区管理与服务平台。", n)
				if c.rename {
					f.Declaration.ProjectName = fmt.Sprintf("霍邱县智慧社区管理平台（%d期）", n%7)
				}
				if err := s.Save(ctx, f); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/save")
		})
	}
}

// BenchmarkSubmit measures the synced submission path (snapshot, filing,
// indexes, outbox item in one transaction, then DB.Sync).
func BenchmarkSubmit(b *testing.B) {
	s := mustOpenDir(b, copySeed(b))
	ctx := context.Background()
	r := rand.New(rand.NewPCG(5, 6))
	for b.Loop() {
		b.StopTimer()
		f := seedFiling(r, 0, time.Now())
		f.Kind, f.Declaration = app.KindDeclaration, &app.Declaration{ProjectName: "待提交项目", PlanYear: 2026}
		f.Catalogue, f.TrialReport, f.Acceptance = nil, nil, nil
		mustSave(b, s, f)
		b.StartTimer()
		if _, err := s.Submit(ctx, f.ID, "张三", time.Now()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkListAfterRenames is the worst case for the newest-first indexes:
// 5,000 saves that each move one filing leave 5,000 tombstones at the head
// of the index until compaction drops them.
func BenchmarkListAfterRenames(b *testing.B) {
	s := mustOpenDir(b, copySeed(b))
	ctx := context.Background()
	f, _ := app.NewFiling(app.KindDeclaration, uuid.NewString(), uuid.NewString(), "unit-1", time.Now())
	f.Declaration.PlanYear = 2026
	for i := range 5000 {
		f.Declaration.ProjectName = fmt.Sprintf("霍邱县智慧社区管理平台（%d期）", i%7)
		mustSave(b, s, f)
	}
	for b.Loop() {
		if _, err := s.List(ctx, app.Query{Status: app.StatusDraft, Limit: 50}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/op")
}

func BenchmarkList(b *testing.B) {
	s := openSeeded(b)
	ctx := context.Background()
	for _, c := range []struct {
		name string
		q    app.Query
	}{
		{"status/page50", app.Query{Status: app.StatusDraft, Limit: 50}},
		{"status/all", app.Query{Status: app.StatusDraft}},
		{"status+year/all", app.Query{Status: app.StatusReturned, PlanYear: 2026}},
		{"all/page50", app.Query{Limit: 50}},
		{"all/10000", app.Query{}},
	} {
		b.Run(c.name, func(b *testing.B) {
			var n int
			for b.Loop() {
				got, err := s.List(ctx, c.q)
				if err != nil {
					b.Fatal(err)
				}
				n = len(got)
			}
			b.ReportMetric(float64(n), "rows")
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/op")
		})
	}
}

func BenchmarkSearch(b *testing.B) {
	s := openSeeded(b)
	ctx := context.Background()
	for _, c := range []struct {
		name string
		q    app.Query
	}{
		{"common/平台/page50", app.Query{Text: "平台", Limit: 50}},
		{"common/平台/all", app.Query{Text: "平台"}},
		{"specific/霍邱县智慧社区/all", app.Query{Text: "霍邱县智慧社区"}},
		{"one-rune/县/page50", app.Query{Text: "县", Limit: 50}},
		{"two-terms/智慧 平台/page50", app.Query{Text: "智慧 平台", Limit: 50}},
		{"none/不存在的项目", app.Query{Text: "不存在的项目"}},
	} {
		b.Run(c.name, func(b *testing.B) {
			var n int
			for b.Loop() {
				got, err := s.List(ctx, c.q)
				if err != nil {
					b.Fatal(err)
				}
				n = len(got)
			}
			b.ReportMetric(float64(n), "rows")
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/op")
		})
	}
}

func BenchmarkCounts(b *testing.B) {
	s := openSeeded(b)
	ctx := context.Background()
	for b.Loop() {
		if _, err := s.Counts(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/op")
}

// BenchmarkSync is the cost of one explicit DB.Sync after a small write: what
// Submit, ApplyChanges, Ack and MarkAttempt pay, and the background loop
// pays once per second while autosaves happen.
func BenchmarkSync(b *testing.B) {
	s := MustOpen(b)
	f := newDeclaration(b, "同步开销", 2026)
	for b.Loop() {
		b.StopTimer()
		mustSave(b, s, f)
		b.StartTimer()
		if err := s.db.Sync(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOpen is the start-up cost of the seeded store.
func BenchmarkOpen(b *testing.B) {
	dir := seededDir(b)
	for b.Loop() {
		s, err := Open(dir, envOptions()...)
		if err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
}

// BenchmarkAckBatch measures acknowledging a batch of 200 delivered items
// (protocol.MaxBatch) in one AckMany, the entries naming their filing and
// revision as the syncer's do: per item the outbox keys go and the receipt
// is recorded under its own key (receipt.go; BenchmarkFoldReceipts is the
// later fold into the summaries).
func BenchmarkAckBatch(b *testing.B) {
	const batch = 200
	s := mustOpenDir(b, b.TempDir())
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		var acks []AckEntry
		pprof.Do(ctx, pprof.Labels("phase", "setup"), func(context.Context) { acks = submitted(b, s, batch) })
		b.StartTimer()
		if err := s.AckMany(ctx, acks); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*batch), "µs/item")
}

// submitted submits n declarations in s and returns their
// acknowledgements as the syncer makes them.
func submitted(b *testing.B, s *Store, n int) []AckEntry {
	b.Helper()
	acks := make([]AckEntry, 0, n)
	for range n {
		f := newDeclaration(b, "霍邱县城关镇网格化管理平台", 2026)
		mustSave(b, s, f)
		it, err := s.Submit(context.Background(), f.ID, "张三", time.Now())
		if err != nil {
			b.Fatal(err)
		}
		acks = append(acks, AckEntry{Seq: it.Seq, FilingID: it.FilingID, RevisionID: it.RevisionID,
			Receipt: Receipt{ID: it.RevisionID + "/" + it.BodyHash, At: time.Now()}})
	}
	return acks
}

// queueAcked submits n declarations in s and acknowledges them in one
// AckMany, as a push does, leaving their receipts to be folded.
func queueAcked(b *testing.B, s *Store, n int) {
	b.Helper()
	if err := s.AckMany(context.Background(), submitted(b, s, n)); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkFoldReceipts measures what an acknowledgement leaves for later:
// the background fold of 200 receipts into their filings' summaries and
// index entries, once a push is over.
func BenchmarkFoldReceipts(b *testing.B) {
	const batch = 200
	s := mustOpenDir(b, b.TempDir(), WithSyncInterval(0))
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		queueAcked(b, s, batch)
		b.StartTimer()
		if n, err := s.FoldReceipts(ctx); err != nil || n != batch {
			b.Fatalf("folded %d, %v", n, err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*batch), "µs/item")
}

// BenchmarkListDelivered lists 1,000 delivered filings whose receipts are
// still to be folded (each row looks its receipt up) and once folded.
func BenchmarkListDelivered(b *testing.B) {
	const n = 1000
	for _, folded := range []bool{false, true} {
		name := "unfolded"
		if folded {
			name = "folded"
		}
		b.Run(name, func(b *testing.B) {
			s := mustOpenDir(b, b.TempDir(), WithSyncInterval(0))
			ctx := context.Background()
			queueAcked(b, s, n)
			if folded {
				if _, err := s.FoldReceipts(ctx); err != nil {
					b.Fatal(err)
				}
			}
			for b.Loop() {
				rows, err := s.List(ctx, app.Query{})
				if err != nil || len(rows) != n || rows[0].Send.State != app.SendSent {
					b.Fatalf("%d rows, %v", len(rows), err)
				}
			}
		})
	}
}

// BenchmarkOutboxPage reads the outbox of 1,000 queued submissions as the
// syncer does, 400 items at a time.
func BenchmarkOutboxPage(b *testing.B) {
	const queued, page = 1000, 400
	s := mustOpenDir(b, b.TempDir())
	ctx := context.Background()
	for range queued {
		f := newDeclaration(b, "霍邱县城关镇网格化管理平台", 2026)
		mustSave(b, s, f)
		if _, err := s.Submit(ctx, f.ID, "张三", time.Now()); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		n := 0
		for from := uint64(0); ; {
			items, err := s.OutboxFrom(ctx, from, page)
			if err != nil {
				b.Fatal(err)
			}
			n += len(items)
			if len(items) < page {
				break
			}
			from = items[len(items)-1].Seq + 1
		}
		if n != queued {
			b.Fatalf("read %d items, want %d", n, queued)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*queued), "µs/item")
}

// BenchmarkWithdrawable: what the screen of an open, waiting filing asks
// on every store change (Withdrawable), and the full check 撤回提交 asks
// (CanWithdraw), with 2,000 first declarations queued.
func BenchmarkWithdrawable(b *testing.B) {
	ctx := context.Background()
	s := MustOpen(b)
	const n = 2000
	var last string
	for i := range n {
		f := newDeclaration(b, fmt.Sprintf("霍邱县第%04d号政务信息化项目", i), 2026)
		mustSave(b, s, f)
		if _, err := s.Submit(ctx, f.ID, "张三", time.Now()); err != nil {
			b.Fatal(err)
		}
		last = f.ID
	}
	for _, c := range []struct {
		name string
		ask  func(context.Context, string) error
	}{{"quick", s.Withdrawable}, {"full", s.CanWithdraw}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if err := c.ask(ctx, last); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N), "µs/check")
		})
	}
}
