//go:build ci

package main

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"egovdesk/app/apptest"
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

func seed(dir string, n int) error {
	st, err := store.Open(filepath.Join(dir, "store"))
	if err != nil {
		return err
	}
	if err := apptest.SeedDeclarations(context.Background(), st, n); err != nil {
		st.Close()
		return err
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
	c := clerkOf(b, h)
	deadline := time.Now().Add(time.Minute)
	for h.pump(); !c.homeShown() || c.homeList().Length() != benchFilings; h.pump() {
		if time.Now().After(deadline) {
			b.Fatalf("list shows %d rows, want %d", c.homeList().Length(), benchFilings)
		}
		time.Sleep(time.Millisecond)
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
	search := clerkOf(b, h).placeholder("搜索项目名称，如“智慧社区”")
	steps := []string{"智", "智慧", "智慧社", "智慧社区", "城关镇智慧", "数", "数据", "数据共享", "平台", "二期"}
	i := 0
	for b.Loop() {
		search.SetText(steps[i%len(steps)])
		i++
		h.pumpNext() // the rows listed for it
	}
}

// Clearing the search box: all 10,000 rows again.
func BenchmarkFilterClear10k(b *testing.B) {
	dir := seeded(b)
	a := test.NewTempApp(b)
	a.Settings().SetTheme(ui.NewTheme())
	h := openSeeded(b, a, dir)
	defer closeSeeded(b, h)
	c := clerkOf(b, h)
	search, list := c.placeholder("搜索项目名称，如“智慧社区”"), c.homeList()
	for b.Loop() {
		search.SetText("智慧")
		h.pumpNext()
		search.SetText("")
		h.pumpNext()
		if n := list.Length(); n != benchFilings {
			b.Fatalf("list shows %d rows after clearing the search, want %d", n, benchFilings)
		}
	}
}

// The client's memory is measured on the real binary under Xvfb, beside a
// bare Fyne app: `make memory` (scripts/memory/run, docs/benchmarks.md).
// A benchmark here would read the test process, with the headless driver's
// software painter, the seeding and the other benchmarks' garbage in it.

// TestMain removes the benchmarks' seeded store and the tests' keys.
func TestMain(m *testing.M) {
	code := m.Run()
	if seedDir != "" {
		os.RemoveAll(seedDir)
	}
	if keysTemplate != "" {
		os.RemoveAll(keysTemplate)
	}
	os.Exit(code)
}
