package pgtest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

func TestMain(m *testing.M) { Main(m) }

// Each test gets its own empty database on a real server.
func TestDBIsFreshAndSeparate(t *testing.T) {
	ctx := context.Background()
	a, b := DB(t), DB(t)
	if a == b {
		t.Fatalf("two tests share database %s", a)
	}
	ca, err := pgx.Connect(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	defer ca.Close(ctx)
	if _, err := ca.Exec(ctx, "CREATE TABLE x (v int); INSERT INTO x VALUES (1)"); err != nil {
		t.Fatal(err)
	}
	cb, err := pgx.Connect(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	defer cb.Close(ctx)
	var n int
	if err := cb.QueryRow(ctx, "SELECT count(*) FROM pg_tables WHERE tablename = 'x'").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("database %s sees the other test's table", b)
	}
	var on string
	if err := ca.QueryRow(ctx, "SHOW synchronous_commit").Scan(&on); err != nil || on != "on" {
		t.Fatalf("synchronous_commit = %q, %v; want on", on, err)
	}
}

// A killed server comes back with what was committed.
func TestKillRestart(t *testing.T) {
	if Off() {
		t.Skip("PostgreSQL tests skipped: EGOVDESK_PG=off")
	}
	if os.Getenv(EnvURL) != "" {
		t.Skip("EGOVDESK_PG_URL: the server is not ours to kill")
	}
	ctx := context.Background()
	url := DB(t)
	c, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exec(ctx, "CREATE TABLE x (v int); INSERT INTO x VALUES (7)"); err != nil {
		t.Fatal(err)
	}
	c.Close(ctx)
	if err := shared.Kill(); err != nil {
		t.Fatal(err)
	}
	if _, err := pgx.Connect(ctx, url); err == nil {
		t.Fatal("connected to a killed server")
	}
	if err := shared.Restart(); err != nil {
		t.Fatal(err)
	}
	c, err = pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	var v int
	if err := c.QueryRow(ctx, "SELECT v FROM x").Scan(&v); err != nil || v != 7 {
		t.Fatalf("after restart: v = %d, %v", v, err)
	}
}

func TestWithDatabase(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://u@h:5/postgres?sslmode=disable": "postgres://u@h:5/d1?sslmode=disable",
		"postgresql://u:p@h/":                       "postgresql://u:p@h/d1",
		"host=/tmp port=5":                          "host=/tmp port=5 dbname=d1",
	} {
		if got := withDatabase(in, "d1"); got != want {
			t.Errorf("withDatabase(%q) = %q, want %q", in, got, want)
		}
	}
}

// A test binary that dies without stopping its cluster (a panic, a kill)
// leaves no server running: the next run would find its port taken.
func TestServerDiesWithTheTests(t *testing.T) {
	if Off() {
		t.Skip("PostgreSQL tests skipped: EGOVDESK_PG=off")
	}
	if os.Getenv("PGTEST_CHILD") == "1" {
		c, err := Start("")
		if err != nil {
			fmt.Println("ERR", err)
			os.Exit(2)
		}
		fmt.Printf("STARTED %d %s\n", c.Port, c.Dir)
		os.Exit(3) // as a panic would: no Stop
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^TestServerDiesWithTheTests$")
	cmd.Env = append(os.Environ(), "PGTEST_CHILD=1")
	out, _ := cmd.Output()
	var port int
	var dir string
	if _, err := fmt.Sscanf(string(out), "STARTED %d %s", &port, &dir); err != nil {
		t.Fatalf("child: %q", out)
	}
	defer os.RemoveAll(dir)
	for start := time.Now(); ; time.Sleep(50 * time.Millisecond) {
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), time.Second)
		if err != nil {
			break // nobody listens: the server went with its test process
		}
		c.Close()
		if time.Since(start) > 20*time.Second {
			t.Fatalf("the server on port %d outlived its test process", port)
		}
	}
}

// The directory of a cluster whose test process died is removed by a
// later run, once it is an hour old and no server runs in it.
func TestSweep(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	old := time.Now().Add(-2 * time.Hour)
	mk := func(name, pid string, mtime time.Time) string {
		d := filepath.Join(tmp, name)
		if err := os.MkdirAll(filepath.Join(d, "data"), 0o755); err != nil {
			t.Fatal(err)
		}
		if pid != "" {
			if err := os.WriteFile(filepath.Join(d, "data", "postmaster.pid"), []byte(pid+"\n/x\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.Chtimes(d, mtime, mtime); err != nil {
			t.Fatal(err)
		}
		return d
	}
	dead := mk("egovdesk-pg-dead", "", old)
	live := mk("egovdesk-pg-live", strconv.Itoa(os.Getpid()), old)
	fresh := mk("egovdesk-pg-fresh", "", time.Now())
	other := mk("something-else", "", old)
	sweep()
	for d, want := range map[string]bool{dead: false, live: true, fresh: true, other: true} {
		if _, err := os.Stat(d); (err == nil) != want {
			t.Errorf("%s: exists %v, want %v", filepath.Base(d), err == nil, want)
		}
	}
}
