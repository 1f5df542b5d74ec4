package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"egovdesk/app"
	"egovdesk/app/store"
	"egovdesk/ui"
)

const benchFilings = 10_000

var (
	seedOnce sync.Once
	seedDir  string
	seedErr  error
)

// seeded returns a data directory whose store holds 10,000 declarations of
// one unit, with varied names and plan years, created once per test binary.
func seeded(b *testing.B) string {
	b.Helper()
	seedOnce.Do(func() {
		seedDir, seedErr = os.MkdirTemp("", "egovdesk-bench-")
		if seedErr != nil {
			return
		}
		seedErr = seed(seedDir, benchFilings)
	})
	if seedErr != nil {
		b.Fatal(seedErr)
	}
	return seedDir
}

var (
	towns    = []string{"城关镇", "新店镇", "石店镇", "马店镇", "孟集镇", "花园镇", "扈胡镇", "长集镇", "乌龙镇", "高塘镇", "龙潭镇", "岔路镇", "冯井镇", "众兴集镇", "夏店镇", "曹庙镇", "范桥镇", "潘集镇", "周集镇", "临水镇", "县教育局", "县卫健委", "县民政局", "县人社局", "县自然资源局", "县住建局", "县交通局", "县农业农村局", "县水利局", "县市场监管局"}
	subjects = []string{"智慧社区", "网格化治理", "数字乡村", "政务服务", "应急指挥", "视频监控", "电子档案", "协同办公", "数据共享", "便民服务", "学籍管理", "健康档案", "养老服务", "就业服务", "不动产登记", "工程监管", "公路养护", "农技推广", "河长制", "食品安全追溯"}
	tails    = []string{"管理平台", "信息系统", "建设项目", "升级改造", "运维服务", "一期工程", "二期工程", "综合平台", "移动应用", "数据中心"}
)

func seed(dir string, n int) error {
	st, err := store.Open(filepath.Join(dir, "store"))
	if err != nil {
		return err
	}
	ctx := context.Background()
	base := time.Date(2026, 1, 1, 9, 0, 0, 0, time.Local)
	for i := range n {
		f, err := app.NewFiling(app.KindDeclaration, fmt.Sprintf("00000000-0000-4000-8000-%012d", i),
			fmt.Sprintf("00000000-0000-4000-9000-%012d", i), "local", base.Add(time.Duration(i)*time.Minute))
		if err != nil {
			return err
		}
		f.Declaration.ProjectName = fmt.Sprintf("%s%s%s（%d）", towns[i%len(towns)], subjects[(i/7)%len(subjects)], tails[(i/3)%len(tails)], i)
		f.Declaration.PlanYear = 2024 + i%4
		f.Declaration.TotalInvestment = app.Wans(int64(5 + i%500))
		if err := st.Save(ctx, f); err != nil {
			return err
		}
	}
	if err := st.Close(); err != nil {
		return err
	}
	return writeJSON(filepath.Join(dir, sessionFile), ui.Session{Configured: true, ProfileID: "huoqiu", UnitID: "local",
		UnitName: "霍邱县城关镇人民政府", Actor: "李梅"})
}

// openSeeded opens the main window on the seeded store and waits for the
// first frame: the list loaded and the window rendered.
func openSeeded(b *testing.B, a fyne.App, dir string) *harness {
	w := a.NewWindow("egovdesk")
	w.Resize(fyne.NewSize(1360, 860))
	h := &harness{w: w, queue: make(chan func(), 1<<16)}
	d, err := openDesk(a, w, dir, deskOptions{do: h.do})
	if err != nil {
		b.Fatal(err)
	}
	h.desk = d
	d.ui.Start()
	d.ui.Home().Wait()
	h.pump()
	if n := len(d.ui.Home().Rows()); n != benchFilings {
		b.Fatalf("list shows %d rows, want %d", n, benchFilings)
	}
	w.Canvas().Capture() // render the first frame
	return h
}

func closeSeeded(b *testing.B, h *harness) {
	if err := h.Close(); err != nil {
		b.Fatal(err)
	}
	h.w.Close()
}

// Opening the main window with 10,000 filings in the store, up to the
// first rendered frame (target ≤ 1 s).
func BenchmarkOpenMainWindow10k(b *testing.B) {
	dir := seeded(b)
	a := test.NewTempApp(b)
	a.Settings().SetTheme(ui.NewTheme())
	for b.Loop() {
		closeSeeded(b, openSeeded(b, a, dir))
	}
}

// One keystroke in the search box of the list of 10,000 filings: the query,
// the rows applied and the list refreshed (target ≤ 16 ms).
func BenchmarkFilterPerKeystroke10k(b *testing.B) {
	dir := seeded(b)
	a := test.NewTempApp(b)
	a.Settings().SetTheme(ui.NewTheme())
	h := openSeeded(b, a, dir)
	defer closeSeeded(b, h)
	home := h.ui.Home()
	steps := []string{"智", "智慧", "智慧社", "智慧社区", "城关镇智慧", "数", "数据", "数据共享", "平台", "二期"}
	i := 0
	for b.Loop() {
		home.Search().SetText(steps[i%len(steps)])
		i++
		home.Wait()
		h.pump()
	}
}

// Clearing the search box: all 10,000 rows again.
func BenchmarkFilterClear10k(b *testing.B) {
	dir := seeded(b)
	a := test.NewTempApp(b)
	a.Settings().SetTheme(ui.NewTheme())
	h := openSeeded(b, a, dir)
	defer closeSeeded(b, h)
	home := h.ui.Home()
	for b.Loop() {
		home.Search().SetText("智慧")
		home.Wait()
		h.pump()
		home.Search().SetText("")
		home.Wait()
		h.pump()
	}
}

// Resident memory of the process with the main window open on 10,000
// filings (target ≤ 150 MB), reported as MB-rss; heap in use as MB-heap.
func BenchmarkResidentMemory10k(b *testing.B) {
	dir := seeded(b)
	a := test.NewTempApp(b)
	a.Settings().SetTheme(ui.NewTheme())
	h := openSeeded(b, a, dir)
	defer closeSeeded(b, h)
	for b.Loop() {
		h.ui.Home().Search().SetText("")
		h.ui.Home().Wait()
		h.pump()
	}
	debug.FreeOSMemory() // give back what seeding the store used in this process
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(vmRSS())/(1<<20), "MB-rss")
	b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "MB-heap")
}

// vmRSS returns the process's resident set size in bytes from
// /proc/self/status, 0 where there is none.
func vmRSS() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// TestMain removes the benchmarks' seeded store.
func TestMain(m *testing.M) {
	code := m.Run()
	if seedDir != "" {
		os.RemoveAll(seedDir)
	}
	os.Exit(code)
}
