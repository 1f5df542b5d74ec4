package syncer_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"egovdesk/app"
	"egovdesk/app/apptest"
	"egovdesk/app/store"
	"egovdesk/sync/bureautest"
	"egovdesk/sync/client"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server"
	"egovdesk/sync/syncer"
)

const password = bureautest.Password

// bureau is the real bureau server on a loopback port, with one unit, a
// clerk of it and a reviewer. Its handler can cut the body of the next
// attachment chunk, as a dropped connection would.
type bureau struct {
	srv  *server.Server
	http *httptest.Server
	unit server.Unit
	dir  string // the data directory

	// reopened is the handler of the bureau opened again by newReceiptKey,
	// served at the same address.
	reopened atomic.Pointer[http.Handler]

	cutAfter atomic.Int64 // >0: the next PATCH breaks after this many body bytes
	patched  atomic.Int64 // PATCH body bytes the server has read

	batches    atomic.Int64 // POST /submissions requests received
	singles    atomic.Int64 // POST /filings/{id}/revisions/{rev} requests received
	batchFault atomic.Int64 // >0: answer POST /submissions with this status without reaching the bureau

	down atomic.Bool // answer every request 503, as a bureau behind a proxy that is down
	// tamperReceipts changes every receipt's body_sm3 on its way to the
	// client, as a man in the middle would.
	tamperReceipts atomic.Bool
	// noReceiptKey answers GET /receipt-key 404, as a bureau before signed
	// receipts (whose receipts carry no signature: they are stripped).
	noReceiptKey atomic.Bool
	waits        chan string // the wait of every GET /changes, when not nil
	// noWithdrawal serves the withdrawal route as a bureau of an earlier
	// release does: the real server's answer to a path it does not have.
	noWithdrawal atomic.Bool
}

// MustBureau starts a bureau in a temporary directory, closed when the
// test ends, its configuration changed by cfgs.
func MustBureau(tb testing.TB, cfgs ...func(*server.Config)) *bureau {
	tb.Helper()
	b := &bureau{}
	config := func(c *server.Config) {
		bureauConfig(c)
		for _, f := range cfgs {
			f(c)
		}
	}
	bt := bureautest.Start(tb, bureautest.Options{BadgerOnly: true, Wrap: b.wrap, Config: config})
	b.srv, b.http, b.dir = bt.Server, bt.HTTP, bt.Dir
	b.unit = bt.AddUnit("霍邱县城关镇人民政府", "11341522003064951U")
	bt.AddAccount("clerk", "李梅", app.RoleUnit, b.unit.ID)
	bt.AddAccount("reviewer", "王审核", app.RoleReviewer, "")
	return b
}

func bureauConfig(cfg *server.Config) { cfg.ChunkBytes, cfg.LongPoll = 64<<10, 5*time.Second }

// newReceiptKey stops the bureau, deletes its receipt key file — as a
// bureau that lost its key — and opens it again on the same data directory
// and address: it makes a new key. Its accounts, tokens and filings stay.
func (b *bureau) newReceiptKey(tb testing.TB) {
	tb.Helper()
	if err := b.srv.Close(); err != nil {
		tb.Fatal(err)
	}
	if err := os.Remove(filepath.Join(b.dir, server.ReceiptKeyFile)); err != nil {
		tb.Fatal(err)
	}
	cfg := bureautest.Config(b.dir, nil)
	bureauConfig(&cfg)
	srv, err := server.Open(context.Background(), cfg)
	if err != nil {
		tb.Fatalf("reopen bureau: %v", err)
	}
	tb.Cleanup(func() {
		if err := srv.Close(); err != nil {
			tb.Errorf("close bureau: %v", err)
		}
	})
	b.srv = srv
	h := bureautest.Validated(tb, srv.Handler())
	b.reopened.Store(&h)
}

// wrap counts submissions and attachment bytes, cuts a chunk when told to
// and plays an older or failing bureau on the batch route when told to.
func (b *bureau) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := h
		if p := b.reopened.Load(); p != nil {
			h = *p
		}
		if b.down.Load() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		if b.noWithdrawal.Load() && strings.HasSuffix(r.URL.Path, "/withdrawal") {
			r.URL.Path += "-of-a-later-release"
		}
		if r.URL.Path == protocol.PathChanges && b.waits != nil {
			select {
			case b.waits <- r.URL.Query().Get(protocol.ParamWait):
			default:
			}
		}
		if r.Method == http.MethodPost && r.URL.Path == protocol.PathSubmissions {
			b.batches.Add(1)
			if status := int(b.batchFault.Load()); status > 0 {
				p := protocol.NewProblem(protocol.CodeOf(status), "测试：批量接口不可用")
				p.Status = status
				w.Header().Set("Content-Type", protocol.MediaProblem)
				w.WriteHeader(status)
				json.NewEncoder(w).Encode(p)
				return
			}
		}
		if r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, protocol.Prefix+"/filings/") {
			b.singles.Add(1)
		}
		if b.noReceiptKey.Load() && r.URL.Path == protocol.PathReceiptKey {
			http.NotFound(w, r)
			return
		}
		if r.Method == http.MethodPost && b.noReceiptKey.Load() {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			for k, v := range rec.Header() {
				if k != "Content-Length" {
					w.Header()[k] = v
				}
			}
			w.WriteHeader(rec.Code)
			w.Write(regexp.MustCompile(`,"key_id":"[0-9a-f]*","signature":"[^"]*"`).ReplaceAll(rec.Body.Bytes(), nil))
			return
		}
		if r.Method == http.MethodPost && b.tamperReceipts.Load() {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			for k, v := range rec.Header() {
				if k != "Content-Length" {
					w.Header()[k] = v
				}
			}
			w.WriteHeader(rec.Code)
			w.Write(bytes.ReplaceAll(rec.Body.Bytes(), []byte(`"body_sm3":"`), []byte(`"body_sm3":"0`)))
			return
		}
		if r.Method != http.MethodPatch {
			h.ServeHTTP(w, r)
			return
		}
		body := &countingBody{ReadCloser: r.Body, n: &b.patched, left: -1}
		r.Body = body
		cut := b.cutAfter.Swap(0)
		if cut <= 0 {
			h.ServeHTTP(w, r)
			return
		}
		body.left = cut
		h.ServeHTTP(&discard{header: http.Header{}}, r) // the server keeps what it read…
		if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
			conn.Close() // …and the client sees the connection drop
		}
	})
}

type countingBody struct {
	io.ReadCloser
	n    *atomic.Int64
	left int64 // bytes before the body breaks; -1: never
}

func (c *countingBody) Read(p []byte) (int, error) {
	if c.left == 0 {
		return 0, errors.New("connection reset by test")
	}
	if c.left > 0 && int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.ReadCloser.Read(p)
	c.n.Add(int64(n))
	if c.left > 0 {
		c.left -= int64(n)
	}
	return n, err
}

type discard struct{ header http.Header }

func (d *discard) Header() http.Header         { return d.header }
func (d *discard) Write(p []byte) (int, error) { return len(p), nil }
func (d *discard) WriteHeader(int)             {}

// MustClient returns a client of the bureau logged in as login.
func (b *bureau) MustClient(tb testing.TB, login string) *client.Client {
	tb.Helper()
	ctx := context.Background()
	c, err := client.New(ctx, b.http.URL, client.Options{RequestTimeout: 10 * time.Second})
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := c.Login(ctx, login, password); err != nil {
		tb.Fatalf("login %s: %v", login, err)
	}
	return c
}

// env is a desktop client (store, attachment files, syncer) of a bureau,
// plus a reviewer's client of the same bureau.
type env struct {
	bureau   *bureau
	store    *store.Store
	blobs    *syncer.BlobDir
	clerk    *client.Client
	reviewer *client.Client
	syncer   *syncer.Syncer
}

// MustEnv returns an env whose store and files live in a temporary directory.
func MustEnv(tb testing.TB, opts ...func(*syncer.Options)) *env {
	tb.Helper()
	return mustEnvOn(tb, MustBureau(tb), opts...)
}

// mustEnvOn is MustEnv with the bureau b.
func mustEnvOn(tb testing.TB, b *bureau, opts ...func(*syncer.Options)) *env {
	tb.Helper()
	dir := tb.TempDir()
	st, err := store.Open(dir + "/store")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := st.Close(); err != nil {
			tb.Errorf("close store: %v", err)
		}
	})
	blobs, err := syncer.OpenBlobDir(dir + "/blobs")
	if err != nil {
		tb.Fatal(err)
	}
	e := &env{bureau: b, store: st, blobs: blobs, clerk: b.MustClient(tb, "clerk"), reviewer: b.MustClient(tb, "reviewer")}
	o := syncer.Options{LongPoll: 2 * time.Second, BackoffBase: 10 * time.Millisecond, BackoffMax: 50 * time.Millisecond}
	for _, f := range opts {
		f(&o)
	}
	e.syncer = syncer.New(st, e.clerk, blobs, o)
	tb.Cleanup(e.syncer.Stop)
	return e
}

// draft saves a new valid declaration with attachments of the given sizes.
func (e *env) draft(tb testing.TB, name string, sizes ...int) *app.Filing {
	tb.Helper()
	f, err := app.NewFiling(app.KindDeclaration, uuid.NewString(), uuid.NewString(), e.bureau.unit.ID, time.Now())
	if err != nil {
		tb.Fatal(err)
	}
	f.Declaration = apptest.Declaration()
	f.Declaration.ProjectName = name
	for i, n := range sizes {
		a, err := e.blobs.ImportReader(context.Background(), "可研报告"+string(rune('A'+i))+".pdf", bytes.NewReader(content(n, i)))
		if err != nil {
			tb.Fatal(err)
		}
		a.Material = "proposal"
		f.Attachments = append(f.Attachments, a)
	}
	if err := e.store.Save(context.Background(), f); err != nil {
		tb.Fatalf("save: %v", err)
	}
	return f
}

// submit submits the filing's current revision locally (the UI's 提交).
func (e *env) submit(tb testing.TB, id string) store.OutboxItem {
	tb.Helper()
	it, err := e.store.Submit(context.Background(), id, "李梅", time.Now())
	if err != nil {
		tb.Fatalf("submit %s: %v", id, err)
	}
	return it
}

// mustSync runs one pass and fails the test on an error.
func (e *env) mustSync(tb testing.TB) {
	tb.Helper()
	if err := e.syncer.SyncOnce(context.Background()); err != nil {
		tb.Fatalf("sync: %v (status %+v)", err, e.syncer.Status())
	}
}

// decide takes a reviewer's decision or fails the test.
func (e *env) decide(tb testing.TB, id string, action app.Action, comment string) {
	tb.Helper()
	d, err := e.reviewer.ReviewFiling(context.Background(), id)
	if err != nil {
		tb.Fatalf("read %s for a decision: %v", id, err)
	}
	if _, err := e.reviewer.DecideOn(context.Background(), d, protocol.DecisionRequest{Action: action, Comment: comment}); err != nil {
		tb.Fatalf("decide %s on %s: %v", action, id, err)
	}
}

func (e *env) outbox(tb testing.TB) []store.OutboxItem {
	tb.Helper()
	items, err := e.store.Outbox(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	return items
}

func (e *env) get(tb testing.TB, id string) *app.Filing {
	tb.Helper()
	f, err := e.store.Get(context.Background(), id)
	if err != nil {
		tb.Fatal(err)
	}
	return f
}

func sha256Hex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// content returns n deterministic bytes, different for each seed.
func content(n, seed int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*31 + seed*7 + i/257)
	}
	return b
}
