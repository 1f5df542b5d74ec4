package e2e

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"egovdesk/app"
	"egovdesk/app/store"
	"egovdesk/sync/client"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server"
	"egovdesk/sync/syncer"
)

const password = "Correct horse battery 9"

// bureauConfig is the configuration of every bureau these tests run over
// dir: cheap password hashing, and 64 KiB chunks so that an attachment takes
// several requests and kills and cuts land between and inside them.
func bureauConfig(dir string) server.Config {
	return server.Config{DataDir: dir, Password: server.PasswordParams{Time: 1, MemoryKiB: 64, Threads: 1},
		ChunkBytes: 64 << 10, LongPoll: 2 * time.Second, ShutdownTimeout: 5 * time.Second,
		Storage: storageFor(dir)}
}

// accounts are what initBureau registers: one unit, the tokens of its clerk
// and of a reviewer.
type accounts struct {
	Unit     server.Unit
	Clerk    string
	Reviewer string
}

// mustOpenBureau opens the bureau over dir in this process, closed when the
// test ends.
func mustOpenBureau(tb testing.TB, cfg server.Config) *server.Server {
	tb.Helper()
	srv, err := server.Open(context.Background(), cfg)
	if err != nil {
		tb.Fatalf("open bureau %s: %v", cfg.DataDir, err)
	}
	tb.Cleanup(func() {
		if err := srv.Close(); err != nil {
			tb.Errorf("close bureau: %v", err)
		}
	})
	return srv
}

// initBureau registers a unit, its clerk and a reviewer, with tokens, through
// the server's admin API (what `bureau units add` and friends call).
func initBureau(tb testing.TB, srv *server.Server) accounts {
	tb.Helper()
	ctx := context.Background()
	var acc accounts
	var err error
	if acc.Unit, err = srv.AddUnit(ctx, "霍邱县城关镇人民政府", "11341522003064951U"); err != nil {
		tb.Fatal(err)
	}
	for _, a := range []server.NewAccount{
		{Login: "clerk", Name: "李梅", Role: app.RoleUnit, UnitID: acc.Unit.ID, Password: password},
		{Login: "reviewer", Name: "王审核", Role: app.RoleReviewer, Password: password},
	} {
		if _, err := srv.AddAccount(ctx, a); err != nil {
			tb.Fatal(err)
		}
	}
	if acc.Clerk, _, err = srv.Login(ctx, "clerk", password, time.Hour); err != nil {
		tb.Fatal(err)
	}
	if acc.Reviewer, _, err = srv.Login(ctx, "reviewer", password, time.Hour); err != nil {
		tb.Fatal(err)
	}
	return acc
}

// mustInitDataDir prepares a bureau data directory for a server process:
// opens it here, registers the accounts and closes it again.
func mustInitDataDir(tb testing.TB, dir string) accounts {
	tb.Helper()
	srv, err := server.Open(context.Background(), bureauConfig(dir))
	if err != nil {
		tb.Fatal(err)
	}
	acc := initBureau(tb, srv)
	if err := srv.Close(); err != nil {
		tb.Fatal(err)
	}
	return acc
}

// mustServe serves h on a loopback port until the test ends and returns
// its base URL.
func mustServe(tb testing.TB, h http.Handler) string {
	tb.Helper()
	hs := httptest.NewUnstartedServer(h)
	hs.Config.ErrorLog = nil
	hs.Start()
	tb.Cleanup(func() {
		hs.CloseClientConnections()
		hs.Close()
	})
	return hs.URL
}

// mustClient returns a client of the bureau at url using token.
func mustClient(tb testing.TB, url, token string) *client.Client {
	tb.Helper()
	c, err := newClient(context.Background(), url, token)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// newClient returns a client with timeouts short enough for tests that cut
// connections: a dropped answer costs at most a few seconds.
func newClient(ctx context.Context, url, token string) (*client.Client, error) {
	c, err := client.New(ctx, url, client.Options{DialTimeout: 2 * time.Second, ResponseHeaderTimeout: 10 * time.Second,
		RequestTimeout: 10 * time.Second, ChunkTimeout: 10 * time.Second})
	if err != nil {
		return nil, err
	}
	if err := c.SetToken(ctx, token); err != nil {
		return nil, err
	}
	return c, nil
}

// freeAddr returns a loopback address that was free a moment ago, for a
// server process that must come back on the same port after a kill.
func freeAddr(tb testing.TB) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// child is a re-execution of the test binary in another role (envChild).
// It talks in lines on stdout; closing its stdin asks it to stop cleanly.
type child struct {
	name   string
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	lines  chan string   // stdout lines; closed at EOF
	done   chan struct{} // closed once the process has exited and been reaped
	stderr *syncBuffer
	err    error // Wait's result, set before done is closed
}

// startChild starts the test binary as role with the extra environment env
// and kills it when the test ends.
func startChild(tb testing.TB, role string, env ...string) *child {
	tb.Helper()
	exe, err := os.Executable()
	if err != nil {
		tb.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(append(os.Environ(), envChild+"="+role), env...)
	c := &child{name: role, cmd: cmd, lines: make(chan string, 4096), done: make(chan struct{}), stderr: &syncBuffer{}}
	cmd.Stderr = c.stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if c.stdin, err = cmd.StdinPipe(); err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatalf("start %s: %v", role, err)
	}
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() { // a line cut by a kill has no newline and is dropped
			c.lines <- sc.Text()
		}
		close(c.lines)
		c.err = cmd.Wait()
		close(c.done)
	}()
	tb.Cleanup(c.kill)
	return c
}

// kill sends SIGKILL and waits until the process is gone. It is safe to call
// more than once.
func (c *child) kill() {
	select {
	case <-c.done:
		return
	default:
	}
	_ = c.cmd.Process.Kill()
	<-c.done
}

// stop asks the child to stop cleanly (closes its stdin) and waits up to
// timeout; then it kills it. It returns the exit error.
func (c *child) stop(timeout time.Duration) error {
	c.stdin.Close()
	select {
	case <-c.done:
		if c.err != nil {
			return fmt.Errorf("%s: %w; stdout and stderr end:\n%s", c.name, c.err, c.stderr.tail())
		}
		return nil
	case <-time.After(timeout):
		c.kill()
		return fmt.Errorf("%s did not stop within %v", c.name, timeout)
	}
}

// await waits up to timeout for a stdout line starting with prefix, passing
// every line to seen (which may be nil). It fails when the child says ERR,
// exits first or takes too long.
func (c *child) await(prefix string, timeout time.Duration, seen func(string)) (string, error) {
	deadline := time.After(timeout)
	for {
		select {
		case l, ok := <-c.lines:
			if !ok {
				<-c.done
				return "", fmt.Errorf("%s exited (%v) before %q; stderr:\n%s", c.name, c.err, prefix, c.stderr.tail())
			}
			if seen != nil {
				seen(l)
			}
			if strings.HasPrefix(l, "ERR") {
				return "", fmt.Errorf("%s: %s; stderr:\n%s", c.name, l, c.stderr.tail())
			}
			if strings.HasPrefix(l, prefix) {
				return l, nil
			}
		case <-deadline:
			return "", fmt.Errorf("%s: no %q within %v; stderr:\n%s", c.name, prefix, timeout, c.stderr.tail())
		}
	}
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns everything written.
func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// tail returns the last 4 KB written.
func (s *syncBuffer) tail() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.b.Bytes()
	if len(b) > 4096 {
		b = b[len(b)-4096:]
	}
	return string(b)
}

// childServer is the "server" role: it serves the bureau data directory
// $EGOV_E2E_DIR on $EGOV_E2E_ADDR until its stdin closes, and says READY
// once it listens.
func childServer() int {
	dir, addr := os.Getenv("EGOV_E2E_DIR"), os.Getenv("EGOV_E2E_ADDR")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		cancel()
	}()
	cfg := bureauConfig(dir)
	cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	srv, err := server.Open(ctx, cfg)
	if err != nil {
		fmt.Println("ERR open:", err)
		return 1
	}
	defer srv.Close()
	// The port was ours a moment ago; after a kill the old socket may take a
	// moment to go away.
	var ln net.Listener
	for i := 0; ; i++ {
		if ln, err = net.Listen("tcp", addr); err == nil {
			break
		}
		if i == 100 {
			fmt.Println("ERR listen:", err)
			return 1
		}
		time.Sleep(50 * time.Millisecond)
	}
	fmt.Println("READY")
	if err := srv.Serve(ctx, ln); err != nil {
		fmt.Fprintln(os.Stderr, "ERR serve:", err)
		fmt.Println("ERR serve:", err)
		return 1
	}
	return 0
}

// watch passes the child's lines to seen for d. It fails when the child says
// ERR or exits.
func (c *child) watch(d time.Duration, seen func(string)) error {
	_, err := c.await("\x00", d, seen)
	if err != nil && strings.Contains(err.Error(), "no \"\\x00\" within") {
		return nil
	}
	return err
}

// rest passes the lines left after the child exited to seen.
func (c *child) rest(seen func(string)) {
	<-c.done
	for l := range c.lines {
		seen(l)
	}
}

// clerkAndBureau serves a bureau opened with cfg, with initBureau's unit
// and accounts, and opens a clerk's store and attachment directory beside
// it; all close with the test.
func clerkAndBureau(t *testing.T, cfg server.Config) (*server.Server, string, accounts, *store.Store, *syncer.BlobDir) {
	t.Helper()
	srv, err := server.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	url := mustServe(t, srv.Handler())
	acc := initBureau(t, srv)
	st, blobs := clerkMachine(t)
	return srv, url, acc, st, blobs
}

// clerkMachine opens a clerk's store and attachment directory in fresh
// directories; both close with the test.
func clerkMachine(t *testing.T) (*store.Store, *syncer.BlobDir) {
	t.Helper()
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	blobs, err := syncer.OpenBlobDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return st, blobs
}

// decide takes a reviewer's decision on filing id as rc reads it now, as
// a careful script does: the review detail's ETag in If-Match.
func decide(ctx context.Context, rc *client.Client, id string, req protocol.DecisionRequest) (protocol.DecisionResponse, error) {
	d, err := rc.ReviewFiling(ctx, id)
	if err != nil {
		return protocol.DecisionResponse{}, err
	}
	return rc.DecideOn(ctx, d, req)
}
