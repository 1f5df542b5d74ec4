// Package bureautest is the one test fixture of this module's tests that
// need a real bureau: sync/server, sync/syncer, sync/client and
// cmd/egovdesk start theirs here. A Bureau is the real server on a
// loopback port over a temporary directory (Badger, or PostgreSQL when
// EGOVDESK_TEST_STORE=postgres), with a clock that moves only when told
// to, helpers to add units, accounts and tokens, and every request and
// answer checked against sync/protocol/openapi.json with an OpenAPI 3.1
// validator. It is closed when the test ends.
//
// A package whose tests run on PostgreSQL must call pgtest.Main from its
// TestMain, so that the throwaway server stops with the tests.
package bureautest

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"
	"time"

	"egovdesk/app"
	"egovdesk/sync/server"
	"egovdesk/sync/server/pgstore"
	"egovdesk/sync/server/pgtest"
)

// Password is the password of every account the helpers add.
const Password = "Correct horse battery 9"

// CheapPasswords are argon2id parameters that keep the tests fast.
var CheapPasswords = server.PasswordParams{Time: 1, MemoryKiB: 64, Threads: 1}

// Clock is a test clock that only moves when told to.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock at t.
func NewClock(t time.Time) *Clock { return &Clock{now: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock on by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Options say how to start a Bureau; the zero value is a bureau on the
// real clock served by httptest.
type Options struct {
	// Config changes the bureau's configuration before it opens.
	Config func(*server.Config)
	// Clock, when set, is the bureau's clock.
	Clock *Clock
	// Wrap, when set, wraps the checked handler: what it answers by
	// itself (a fault it plays) is not checked against the document.
	Wrap func(http.Handler) http.Handler
	// Served runs the bureau with Server.Serve on a loopback port, as
	// `bureau serve` does (connection limits and timeouts); its answers
	// are checked when read through Bureau.Transport.
	Served bool
	// BadgerOnly keeps the bureau on Badger even when
	// EGOVDESK_TEST_STORE=postgres.
	BadgerOnly bool
}

// Bureau is a running bureau.
type Bureau struct {
	tb     testing.TB
	rep    *reporter
	Server *server.Server
	HTTP   *httptest.Server // nil when Served
	URL    string           // of the API's root, no trailing slash
	Addr   string           // host:port of the listener
	Dir    string           // the data directory
	Clock  *Clock           // nil when on the real clock
}

// Postgres reports whether the tests run the bureau on PostgreSQL.
func Postgres() bool { return os.Getenv("EGOVDESK_TEST_STORE") == "postgres" }

// PGStorage is a PostgreSQL store on a database of tb's own.
func PGStorage(tb testing.TB) *pgstore.Store {
	tb.Helper()
	st, err := pgstore.Open(context.Background(), pgtest.DB(tb), pgstore.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	return st
}

// Config returns the configuration Start opens a bureau with over dir:
// cheap passwords and 5 s long polls, on the given clock when not nil.
func Config(dir string, clk *Clock) server.Config {
	// Tests and benchmarks submit thousands of new filings from one unit;
	// the tests of that limit set their own.
	cfg := server.Config{DataDir: dir, Password: CheapPasswords, LongPoll: 5 * time.Second, UnitNewFilingsPerDay: -1}
	if clk != nil {
		cfg.Now = clk.Now
	}
	return cfg
}

// Start opens a bureau in a temporary directory and serves it on a
// loopback port until the test ends.
func Start(tb testing.TB, o Options) *Bureau {
	tb.Helper()
	b := &Bureau{tb: tb, rep: &reporter{}, Dir: tb.TempDir(), Clock: o.Clock}
	b.rep.set(tb)
	cfg := Config(b.Dir, o.Clock)
	if o.Config != nil {
		o.Config(&cfg)
	}
	if cfg.Storage == nil && Postgres() && !o.BadgerOnly {
		cfg.Storage = PGStorage(tb)
	}
	srv, err := server.Open(context.Background(), cfg)
	if err != nil {
		tb.Fatalf("open bureau: %v", err)
	}
	b.Server = srv
	if o.Served {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			srv.Close()
			tb.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- srv.Serve(ctx, ln) }()
		b.Addr = ln.Addr().String()
		tb.Cleanup(func() {
			cancel()
			if err := <-done; err != nil {
				tb.Errorf("serve: %v", err)
			}
			if err := srv.Close(); err != nil {
				tb.Errorf("close bureau: %v", err)
			}
		})
	} else {
		h := validated(b.rep, srv.Handler())
		if o.Wrap != nil {
			h = o.Wrap(h)
		}
		b.HTTP = httptest.NewServer(h)
		tb.Cleanup(func() {
			b.HTTP.Close()
			if err := srv.Close(); err != nil {
				tb.Errorf("close bureau: %v", err)
			}
		})
		b.Addr = b.HTTP.Listener.Addr().String()
	}
	b.URL = "http://" + b.Addr
	return b
}

// AddUnit registers a unit.
func (b *Bureau) AddUnit(name, code string) server.Unit {
	b.tb.Helper()
	u, err := b.Server.AddUnit(context.Background(), name, code)
	if err != nil {
		b.tb.Fatalf("add unit %s: %v", name, err)
	}
	return u
}

// AddAccount registers an account with Password; unitID is "" but for a
// unit's clerk.
func (b *Bureau) AddAccount(login, name string, role app.Role, unitID string) {
	b.tb.Helper()
	if _, err := b.Server.AddAccount(context.Background(),
		server.NewAccount{Login: login, Name: name, Role: role, UnitID: unitID, Password: Password}); err != nil {
		b.tb.Fatalf("add account %s: %v", login, err)
	}
}

// Token returns a new API token of login, valid for an hour, as its holder
// has it by logging in with Password (an issued token only reads).
func (b *Bureau) Token(login string) string {
	b.tb.Helper()
	tok, _, err := b.Server.Login(context.Background(), login, Password, time.Hour)
	if err != nil {
		b.tb.Fatalf("token of %s: %v", login, err)
	}
	return tok
}

// Transport returns rt (http.DefaultTransport when nil) checking every
// request and answer it carries against openapi.json, as Validated does on
// the server's side; an answer's body is read whole before it is handed on.
func (b *Bureau) Transport(rt http.RoundTripper) http.RoundTripper {
	if rt == nil {
		rt = http.DefaultTransport
	}
	return checkingTransport{tb: b.rep, rt: rt}
}

// ReportTo makes mismatches with openapi.json fail tb rather than the test
// that started the bureau: a fuzz target must report to its own *testing.T.
func (b *Bureau) ReportTo(tb testing.TB) { b.rep.set(tb) }
