package store

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/google/uuid"

	"egovdesk/app"
)

// MustOpen opens a store in a fresh temporary directory (or in dir[0]) and
// closes it when the test ends.
func MustOpen(tb testing.TB, opts ...Option) *Store {
	tb.Helper()
	return mustOpenDir(tb, tb.TempDir(), opts...)
}

func mustOpenDir(tb testing.TB, dir string, opts ...Option) *Store {
	tb.Helper()
	s, err := Open(dir, append(envOptions(), opts...)...)
	if err != nil {
		tb.Fatalf("open store: %v", err)
	}
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Errorf("close store: %v", err)
		}
	})
	return s
}

// newDeclaration returns a fresh draft declaration named title.
func newDeclaration(tb testing.TB, title string, year int) *app.Filing {
	tb.Helper()
	f, err := app.NewFiling(app.KindDeclaration, uuid.NewString(), uuid.NewString(), "unit-1",
		time.Date(year, 3, 1, 9, 0, 0, 0, time.Local))
	if err != nil {
		tb.Fatal(err)
	}
	f.Declaration.ProjectName = title
	f.Declaration.PlanYear = year
	return f
}

// mustSubmit saves a new declaration named title and submits it, or fails
// the test; it returns the outbox item.
func mustSubmit(tb testing.TB, s *Store, title string) OutboxItem {
	tb.Helper()
	f := newDeclaration(tb, title, 2026)
	mustSave(tb, s, f)
	it, err := s.Submit(context.Background(), f.ID, "张三", time.Now())
	if err != nil {
		tb.Fatalf("submit %s: %v", f.ID, err)
	}
	return it
}

// mustSave saves f or fails the test.
func mustSave(tb testing.TB, s *Store, f *app.Filing) {
	tb.Helper()
	if err := s.Save(context.Background(), f); err != nil {
		tb.Fatalf("save %s: %v", f.ID, err)
	}
}

func mustCheck(tb testing.TB, s *Store) {
	tb.Helper()
	if err := s.Check(context.Background()); err != nil {
		tb.Fatalf("check: %v", err)
	}
}

// TestHelperProcess is not a test: the crash and lock tests run the test
// binary again with EGOVDESK_STORE_HELPER set, and this function then plays
// the second process.
func TestHelperProcess(t *testing.T) {
	switch os.Getenv("EGOVDESK_STORE_HELPER") {
	case "lock":
		_, err := Open(os.Getenv("EGOVDESK_STORE_DIR"))
		os.Stdout.WriteString("CODE " + app.ErrorCode(err) + " " + app.ErrorMessage(err) + "\n")
		os.Exit(0)
	case "crash":
		crashWriter(os.Getenv("EGOVDESK_STORE_DIR"))
		os.Exit(0)
	case "pushing":
		pushingChild(os.Getenv("EGOVDESK_STORE_DIR"))
	case "encrypt":
		migrateChild(os.Getenv("EGOVDESK_STORE_DIR"), os.Getenv("EGOVDESK_KILL_AT"))
	}
	t.Skip("helper process only")
}

func helperCommand(t *testing.T, mode, dir string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
	cmd.Env = append(os.Environ(), "EGOVDESK_STORE_HELPER="+mode, "EGOVDESK_STORE_DIR="+dir)
	return cmd
}

func TestOpenLockedSameProcess(t *testing.T) {
	dir := t.TempDir()
	mustOpenDir(t, dir)
	_, err := Open(dir)
	var ae *app.Error
	if !errors.As(err, &ae) || ae.Code != app.ELOCKED {
		t.Fatalf("second open: got %v, want an ELOCKED *app.Error", err)
	}
	if !strings.Contains(ae.Message, "正被另一个 egovdesk 窗口使用") || !strings.Contains(ae.Message, dir) {
		t.Errorf("message %q does not say the directory is in use", ae.Message)
	}
	var le *lockedError
	if !errors.As(err, &le) || !isDirLocked(le.cause) {
		t.Errorf("the cause is not wrapped: %v", err)
	}
}

func TestOpenLockedOtherProcess(t *testing.T) {
	dir := t.TempDir()
	mustOpenDir(t, dir)
	out, err := helperCommand(t, "lock", dir).Output()
	if err != nil {
		t.Fatalf("helper: %v", err)
	}
	if !strings.HasPrefix(string(out), "CODE "+app.ELOCKED+" 数据目录 ") {
		t.Fatalf("helper said %q, want the ELOCKED message", out)
	}
}

func TestOpenAfterClose(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	f := newDeclaration(t, "霍邱县智慧社区管理平台", 2026)
	mustSave(t, s, f)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second close: %v", err)
	}
	if _, err := s.Get(context.Background(), f.ID); app.ErrorCode(err) != app.EUNAVAILABLE {
		t.Fatalf("get after close: %v, want EUNAVAILABLE", err)
	}
	s2 := mustOpenDir(t, dir)
	got, err := s2.Get(context.Background(), f.ID)
	if err != nil || got.Title() != f.Title() {
		t.Fatalf("reopen: %v, %+v", err, got)
	}
}

func TestCloseConcurrent(t *testing.T) {
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 4)
	for range 4 {
		go func() { done <- s.Close() }()
	}
	for range 4 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

func TestMigrations(t *testing.T) {
	dir := t.TempDir()
	var ran []int
	step := func(n int) Migration {
		return func(txn *badger.Txn) error {
			ran = append(ran, n)
			return txn.Set([]byte("test/m"), []byte{byte(n)})
		}
	}
	s, err := Open(dir, withMigrations([]Migration{step(1), step(2)}))
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	// A newer binary adds a third migration: only it runs.
	s, err = Open(dir, withMigrations([]Migration{step(1), step(2), step(3)}))
	if err != nil {
		t.Fatal(err)
	}
	var v int
	var m []byte
	s.db.View(func(txn *badger.Txn) error {
		v, _ = readSchema(txn)
		m, _ = getValue(txn, "test/m")
		return nil
	})
	s.Close()
	if want := []int{1, 2, 3}; !equalInts(ran, want) || v != 3 || len(m) != 1 || m[0] != 3 {
		t.Fatalf("ran %v, schema %d, marker %v; want %v, 3, [3]", ran, v, m, want)
	}

	// A failing migration leaves the store at the last whole version.
	_, err = Open(dir, withMigrations([]Migration{step(1), step(2), step(3),
		func(*badger.Txn) error { return errors.New("boom") }}))
	if err == nil || !strings.Contains(err.Error(), "from schema 3 to 4") {
		t.Fatalf("failing migration: %v", err)
	}

	// An older binary refuses the store.
	_, err = Open(dir, withMigrations([]Migration{step(1)}))
	var ae *app.Error
	if !errors.As(err, &ae) || ae.Code != app.EINVALID || !strings.Contains(ae.Message, "更新版本的 egovdesk") {
		t.Fatalf("old binary: %v, want EINVALID about a newer egovdesk", err)
	}
	// …and did not break it.
	s = mustOpenDir(t, dir, withMigrations([]Migration{step(1), step(2), step(3)}))
	_ = s
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestSubscribe(t *testing.T) {
	s := MustOpen(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var calls atomic.Int32
	woke := make(chan struct{}, 100)
	s.Subscribe(ctx, func() { calls.Add(1); woke <- struct{}{} })
	for i := range 20 {
		mustSave(t, s, newDeclaration(t, "项目"+string(rune('A'+i)), 2026))
	}
	select {
	case <-woke:
	case <-time.After(5 * time.Second):
		t.Fatal("no notification after 20 saves")
	}
	if n := calls.Load(); n < 1 || n > 20 {
		t.Fatalf("%d calls for 20 saves", n)
	}
}

func TestInMemory(t *testing.T) {
	s := MustOpen(t, WithInMemory())
	f := newDeclaration(t, "内存库", 2026)
	mustSave(t, s, f)
	if _, err := s.Get(context.Background(), f.ID); err != nil {
		t.Fatal(err)
	}
}
