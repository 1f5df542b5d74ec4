// Package pgtest gives tests a real PostgreSQL database: a throwaway cluster
// in a temporary directory on a free loopback port, started once for all the
// tests of a `go test` run and removed at its end, with one fresh database
// per test. No mocks: the bureau's PostgreSQL store is tested against the
// server the distribution ships (Debian: apt install postgresql).
//
// Call Main from the package's TestMain and DB from each test:
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
//
//	func TestX(t *testing.T) { url := pgtest.DB(t); ... }
//
// The environment steers it:
//
//   - EGOVDESK_PG=off skips the tests that need PostgreSQL. Without it a
//     missing or broken PostgreSQL fails them: CI must run them.
//   - EGOVDESK_PG_URL=postgres://user@host:port/db uses that server instead
//     of starting one; the user must be allowed to create databases.
//   - EGOVDESK_PG_PORT picks the port of the throwaway cluster (default: a
//     free one chosen by the kernel).
//   - EGOVDESK_PG_FSYNC=on makes the throwaway cluster durable (fsync and
//     full-page writes on, as in production): for benchmarks. Tests run
//     without, which loses nothing when the server process is killed.
//   - EGOVDESK_PG_BIN is the directory of initdb and postgres (default:
//     `pg_config --bindir`, else the newest /usr/lib/postgresql/*/bin).
//
// The cluster cannot run as root (initdb and postgres refuse): when the
// tests run as root, the cluster runs as the user postgres (created by
// Debian's postgresql package), in a directory owned by that user.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Env variables read by the package.
const (
	EnvSwitch = "EGOVDESK_PG"       // "off" skips the PostgreSQL tests
	EnvURL    = "EGOVDESK_PG_URL"   // an existing server to use
	EnvPort   = "EGOVDESK_PG_PORT"  // port of the throwaway cluster
	EnvBin    = "EGOVDESK_PG_BIN"   // directory of initdb and postgres
	EnvFsync  = "EGOVDESK_PG_FSYNC" // "on": a durable cluster, for benchmarks
)

var (
	once     sync.Once
	shared   *Cluster
	startErr error
	dbs      atomic.Int64
)

// Main runs the package's tests (m.Run) and then stops and removes the
// cluster if one was started, and exits with the tests' code. The cluster
// starts on the first call of DB, so a run that selects no PostgreSQL test
// starts none.
func Main(m *testing.M) {
	code := m.Run()
	if shared != nil {
		if err := shared.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "pgtest:", err)
		}
	}
	os.Exit(code)
}

// Off reports whether EGOVDESK_PG=off asks to skip PostgreSQL tests.
func Off() bool { return strings.EqualFold(os.Getenv(EnvSwitch), "off") }

// DB returns the URL of a new, empty database for t, dropped when t ends.
// It skips t when EGOVDESK_PG=off and fails it when no server can be had.
func DB(t testing.TB) string {
	t.Helper()
	if Off() {
		t.Skip("PostgreSQL tests skipped: EGOVDESK_PG=off")
	}
	admin, err := serverURL()
	if err != nil {
		t.Fatalf("PostgreSQL for the tests: %v\n(install PostgreSQL, e.g. apt install postgresql; set %s to use a running server, or %s=off to skip these tests)", err, EnvURL, EnvSwitch)
	}
	name := fmt.Sprintf("egovdesk_t%d_%d", os.Getpid(), dbs.Add(1))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := exec1(ctx, admin, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := exec1(ctx, admin, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop test database %s: %v", name, err)
		}
	})
	return withDatabase(admin, name)
}

// ServerURL returns the URL of the maintenance database of the tests'
// server (EGOVDESK_PG_URL, or the shared cluster, started on first use),
// for tests that name their databases themselves (Database).
func ServerURL() (string, error) { return serverURL() }

// Database returns the URL of database name on the server at admin,
// creating it when it does not exist. Unlike DB's, it is not dropped when
// a test ends (the cluster Main started goes at the end of the run).
func Database(admin, name string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err := exec1(ctx, admin, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize())
	var pe *pgconn.PgError
	if err != nil && !(errors.As(err, &pe) && pe.Code == "42P04") { // duplicate_database
		return "", fmt.Errorf("create database %s: %w", name, err)
	}
	return withDatabase(admin, name), nil
}

// serverURL returns the URL of the server's maintenance database, starting
// the shared cluster on first use.
func serverURL() (string, error) {
	if u := os.Getenv(EnvURL); u != "" {
		return u, nil
	}
	once.Do(func() {
		shared, startErr = Start(os.Getenv(EnvPort))
	})
	if startErr != nil {
		return "", startErr
	}
	return shared.URL, nil
}

func exec1(ctx context.Context, url, sql string) error {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, sql)
	return err
}

// withDatabase returns the URL u with its database replaced by name.
func withDatabase(u, name string) string {
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "postgres" && p.Scheme != "postgresql") {
		// a keyword/value connection string
		return u + " dbname=" + name
	}
	p.Path = "/" + name
	return p.String()
}

// Cluster is a throwaway PostgreSQL cluster. Its server runs as a child
// of the test process that dies with it (Linux: a parent-death signal), so
// a test binary that panics or is killed leaves no server behind.
type Cluster struct {
	Dir  string // holds data/ and the server's socket and log
	Port int
	URL  string // of the postgres database, as superuser postgres over TCP

	bin  string
	cred *syscall.Credential // of the cluster's user when the tests run as root
	mu   sync.Mutex
	proc *exec.Cmd     // the running server; nil when stopped
	exit chan struct{} // closed when proc has exited
	done bool
}

// Start creates a cluster in a new temporary directory and starts it on
// 127.0.0.1 at port (a free one when empty). Settings favour speed over
// crash safety of the machine (fsync off unless EGOVDESK_PG_FSYNC=on): a
// killed server process still loses nothing that was committed, which is
// what the tests check.
func Start(port string) (*Cluster, error) {
	bin, err := binDir()
	if err != nil {
		return nil, err
	}
	c := &Cluster{bin: bin}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return nil, fmt.Errorf("running as root, and there is no user postgres to run the cluster as (initdb refuses root): %w", err)
		}
		uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
		gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
		if err := errors.Join(err1, err2); err != nil {
			return nil, fmt.Errorf("user postgres: %w", err)
		}
		c.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	}
	if port == "" {
		p, err := freePort()
		if err != nil {
			return nil, err
		}
		port = strconv.Itoa(p)
	}
	if c.Port, err = strconv.Atoi(port); err != nil {
		return nil, fmt.Errorf("%s=%q: %w", EnvPort, port, err)
	}
	sweep()
	c.Dir, err = os.MkdirTemp("", "egovdesk-pg-")
	if err != nil {
		return nil, err
	}
	if c.cred != nil {
		// the user must reach the directory through its parents (os.TempDir is /tmp)
		if err := os.Chown(c.Dir, int(c.cred.Uid), int(c.cred.Gid)); err != nil {
			os.RemoveAll(c.Dir)
			return nil, fmt.Errorf("give %s to postgres: %w", c.Dir, err)
		}
	}
	initdb := c.command("initdb", "-D", filepath.Join(c.Dir, "data"), "-U", "postgres", "--auth=trust", "-E", "UTF8",
		"--locale=C", "--no-sync")
	if out, err := initdb.CombinedOutput(); err != nil {
		os.RemoveAll(c.Dir)
		return nil, fmt.Errorf("initdb: %w\n%s", err, out)
	}
	c.URL = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", c.Port)
	if err := c.Restart(); err != nil {
		os.RemoveAll(c.Dir)
		return nil, err
	}
	return c, nil
}

// command returns the PostgreSQL program prog of the cluster's
// installation, to run as the cluster's user.
func (c *Cluster) command(prog string, args ...string) *exec.Cmd {
	cmd := exec.Command(filepath.Join(c.bin, prog), args...)
	cmd.Dir = c.Dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	return cmd
}

// Restart starts the server (again, after Kill) with the same settings,
// and waits until it takes connections.
func (c *Cluster) Restart() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.proc != nil {
		return errors.New("pgtest: the server is running")
	}
	logf, err := os.OpenFile(filepath.Join(c.Dir, "server.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	defer logf.Close()
	args := []string{"-D", filepath.Join(c.Dir, "data"), "-p", strconv.Itoa(c.Port), "-k", c.Dir,
		"-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200", "-c", "shared_buffers=128MB"}
	if os.Getenv(EnvFsync) != "on" {
		args = append(args, "-c", "fsync=off", "-c", "full_page_writes=off")
	}
	cmd := c.command("postgres", args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	// SIGQUIT is PostgreSQL's immediate shutdown: the server and its
	// backends go at once when the test process dies.
	cmd.SysProcAttr.Pdeathsig = syscall.SIGQUIT
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start postgres: %w", err)
	}
	exit := make(chan struct{})
	go func() {
		cmd.Wait()
		close(exit)
	}()
	c.proc, c.exit = cmd, exit
	deadline := time.Now().Add(60 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		conn, err := pgx.Connect(ctx, c.URL)
		cancel()
		if err == nil {
			conn.Close(context.Background())
			return nil
		}
		select {
		case <-exit:
			log, _ := os.ReadFile(filepath.Join(c.Dir, "server.log"))
			c.proc = nil
			return fmt.Errorf("postgres on port %d exited at start:\n%s", c.Port, log)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			c.kill()
			log, _ := os.ReadFile(filepath.Join(c.Dir, "server.log"))
			return fmt.Errorf("postgres on port %d: no connection within 60 s: %w\n%s", c.Port, err, log)
		}
	}
}

// Kill stops the server at once, as a crash would (SIGQUIT, PostgreSQL's
// immediate shutdown: no checkpoint, recovery from the WAL at the next
// start).
func (c *Cluster) Kill() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.proc == nil {
		return errors.New("pgtest: the server is not running")
	}
	c.kill()
	return nil
}

func (c *Cluster) kill() {
	c.proc.Process.Signal(syscall.SIGQUIT)
	select {
	case <-c.exit:
	case <-time.After(30 * time.Second):
		c.proc.Process.Kill()
		<-c.exit
	}
	c.proc = nil
}

// Stop stops the server and removes its directory.
func (c *Cluster) Stop() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done {
		return nil
	}
	c.done = true
	if c.proc != nil {
		c.kill()
	}
	return os.RemoveAll(c.Dir)
}

// binDir finds the directory holding initdb and postgres.
func binDir() (string, error) {
	var tried []string
	ok := func(dir string) bool {
		tried = append(tried, dir)
		_, e1 := os.Stat(filepath.Join(dir, "initdb"))
		_, e2 := os.Stat(filepath.Join(dir, "postgres"))
		return e1 == nil && e2 == nil
	}
	if d := os.Getenv(EnvBin); d != "" {
		if ok(d) {
			return d, nil
		}
		return "", fmt.Errorf("%s=%s has no initdb and postgres", EnvBin, d)
	}
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		if d := strings.TrimSpace(string(out)); ok(d) {
			return d, nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if ok(d) {
			return d, nil
		}
	}
	for _, p := range []string{"initdb", "postgres"} {
		if _, err := exec.LookPath(p); err != nil {
			return "", fmt.Errorf("no PostgreSQL server programs found (initdb, postgres; looked in %s and PATH)", strings.Join(tried, ", "))
		}
	}
	p, _ := exec.LookPath("initdb")
	return filepath.Dir(p), nil
}

// version is the major version in a path like /usr/lib/postgresql/15/bin.
func version(dir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
	return n
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// sweep removes the directories of clusters whose test process died
// without removing them (a panic, a kill: their server went with it): an
// hour old, and no live server in them.
func sweep() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), "egovdesk-pg-*"))
	for _, d := range dirs {
		fi, err := os.Stat(d)
		if err != nil || !fi.IsDir() || time.Since(fi.ModTime()) < time.Hour {
			continue
		}
		if pid, err := os.ReadFile(filepath.Join(d, "data", "postmaster.pid")); err == nil {
			first, _, _ := strings.Cut(string(pid), "\n")
			if n, err := strconv.Atoi(strings.TrimSpace(first)); err == nil && syscall.Kill(n, 0) == nil {
				continue // a server still runs there
			}
		}
		os.RemoveAll(d)
	}
}
