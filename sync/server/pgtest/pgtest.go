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
//   - EGOVDESK_PG_BIN is the directory of initdb and pg_ctl (default:
//     `pg_config --bindir`, else the newest /usr/lib/postgresql/*/bin).
//
// The cluster cannot run as root (initdb and pg_ctl refuse): when the tests
// run as root, the cluster runs as the user postgres (created by Debian's
// postgresql package) through runuser, in a directory owned by that user.
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
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Env variables read by the package.
const (
	EnvSwitch = "EGOVDESK_PG"      // "off" skips the PostgreSQL tests
	EnvURL    = "EGOVDESK_PG_URL"  // an existing server to use
	EnvPort   = "EGOVDESK_PG_PORT" // port of the throwaway cluster
	EnvBin    = "EGOVDESK_PG_BIN"  // directory of initdb and pg_ctl
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

// Cluster is a throwaway PostgreSQL cluster.
type Cluster struct {
	Dir  string // data directory, also the socket directory
	Port int
	URL  string // of the postgres database, as superuser postgres over TCP

	bin    string
	runAs  string // OS user running the cluster; "" for the current user
	stopMu sync.Mutex
	done   bool
}

// Start creates a cluster in a new temporary directory and starts it on
// 127.0.0.1 at port (a free one when empty). Settings favour speed over
// crash safety of the machine (fsync off): a killed server process still
// loses nothing that was committed, which is what the tests check.
func Start(port string) (*Cluster, error) {
	bin, err := binDir()
	if err != nil {
		return nil, err
	}
	c := &Cluster{bin: bin}
	if os.Geteuid() == 0 {
		c.runAs = "postgres"
		if _, err := user.Lookup(c.runAs); err != nil {
			return nil, fmt.Errorf("running as root, and there is no user %q to run the cluster as (initdb refuses root): %w", c.runAs, err)
		}
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
	c.Dir, err = os.MkdirTemp("", "egovdesk-pg-")
	if err != nil {
		return nil, err
	}
	if c.runAs != "" {
		// the user must reach the directory through its parents (os.TempDir is /tmp)
		if err := chown(c.Dir, c.runAs); err != nil {
			os.RemoveAll(c.Dir)
			return nil, err
		}
	}
	data := filepath.Join(c.Dir, "data")
	if out, err := c.run("initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8",
		"--locale=C", "--no-sync", "--no-instructions"); err != nil {
		os.RemoveAll(c.Dir)
		return nil, fmt.Errorf("initdb: %w\n%s", err, out)
	}
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=200 -c shared_buffers=32MB",
		c.Port, c.Dir)
	logFile := filepath.Join(c.Dir, "server.log")
	if out, err := c.run("pg_ctl", "-D", data, "-l", logFile, "-o", opts, "-w", "-t", "60", "start"); err != nil {
		log, _ := os.ReadFile(logFile)
		os.RemoveAll(c.Dir)
		return nil, fmt.Errorf("pg_ctl start on port %d: %w\n%s\n%s", c.Port, err, out, log)
	}
	c.URL = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", c.Port)
	return c, nil
}

// Kill stops the server at once, as a crash would (pg_ctl stop -m
// immediate: no checkpoint, recovery from the WAL at the next start).
func (c *Cluster) Kill() error {
	if out, err := c.run("pg_ctl", "-D", filepath.Join(c.Dir, "data"), "-m", "immediate", "-w", "stop"); err != nil {
		return fmt.Errorf("pg_ctl stop: %w\n%s", err, out)
	}
	return nil
}

// Restart starts a killed or stopped server again with the same settings.
func (c *Cluster) Restart() error {
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=200 -c shared_buffers=32MB",
		c.Port, c.Dir)
	data := filepath.Join(c.Dir, "data")
	if out, err := c.run("pg_ctl", "-D", data, "-l", filepath.Join(c.Dir, "server.log"), "-o", opts, "-w", "-t", "60", "start"); err != nil {
		return fmt.Errorf("pg_ctl start: %w\n%s", err, out)
	}
	return nil
}

// Stop stops the server and removes its directory.
func (c *Cluster) Stop() error {
	c.stopMu.Lock()
	defer c.stopMu.Unlock()
	if c.done {
		return nil
	}
	c.done = true
	err := c.Kill()
	if rerr := os.RemoveAll(c.Dir); rerr != nil && err == nil {
		err = rerr
	}
	return err
}

// run runs a PostgreSQL program of the cluster's installation, as the
// cluster's user.
func (c *Cluster) run(prog string, args ...string) ([]byte, error) {
	path := filepath.Join(c.bin, prog)
	var cmd *exec.Cmd
	if c.runAs != "" {
		cmd = exec.Command("runuser", append([]string{"-u", c.runAs, "--", path}, args...)...)
	} else {
		cmd = exec.Command(path, args...)
	}
	cmd.Dir = c.Dir
	return cmd.CombinedOutput()
}

// binDir finds the directory holding initdb and pg_ctl.
func binDir() (string, error) {
	var tried []string
	ok := func(dir string) bool {
		tried = append(tried, dir)
		_, e1 := os.Stat(filepath.Join(dir, "initdb"))
		_, e2 := os.Stat(filepath.Join(dir, "pg_ctl"))
		return e1 == nil && e2 == nil
	}
	if d := os.Getenv(EnvBin); d != "" {
		if ok(d) {
			return d, nil
		}
		return "", fmt.Errorf("%s=%s has no initdb and pg_ctl", EnvBin, d)
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
	for _, p := range []string{"initdb", "pg_ctl"} {
		if _, err := exec.LookPath(p); err != nil {
			return "", fmt.Errorf("no PostgreSQL server programs found (initdb, pg_ctl; looked in %s and PATH)", strings.Join(tried, ", "))
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

func chown(dir, name string) error {
	u, err := user.Lookup(name)
	if err != nil {
		return err
	}
	uid, err1 := strconv.Atoi(u.Uid)
	gid, err2 := strconv.Atoi(u.Gid)
	if err := errors.Join(err1, err2); err != nil {
		return fmt.Errorf("user %s: %w", name, err)
	}
	if err := os.Chown(dir, uid, gid); err != nil {
		return fmt.Errorf("give %s to %s: %w", dir, name, err)
	}
	return nil
}
