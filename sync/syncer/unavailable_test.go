package syncer_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"egovdesk/sync/client"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server"
	"egovdesk/sync/server/badgerstore"
	"egovdesk/sync/server/bureaustore"
	"egovdesk/sync/syncer"
)

// downStore is the bureau's Badger store whose submissions fail with
// ErrUnavailable while down is set, as a database that went away would.
type downStore struct {
	*badgerstore.Store
	down atomic.Bool
}

func (d *downStore) Submit(ctx context.Context, by bureaustore.Actor, now time.Time, subs []*bureaustore.Submission) ([]bureaustore.SubmitResult, error) {
	if d.down.Load() {
		return nil, fmt.Errorf("connection refused: %w", bureaustore.ErrUnavailable)
	}
	return d.Store.Submit(ctx, by, now, subs)
}

// TestUnavailableBureauIsReached: a bureau that answers 503 with its own
// problem (its database went away) was reached, and the bar must not tell
// the clerk to look at their network: it said 离线 for every 503. A 503
// without the bureau's problem (a proxy in front of it) still means the
// bureau was not reached.
func TestUnavailableBureauIsReached(t *testing.T) {
	var st *downStore
	b := MustBureau(t, func(c *server.Config) {
		bs, err := badgerstore.Open(context.Background(), t.TempDir(), badgerstore.Options{})
		if err != nil {
			t.Fatal(err)
		}
		st = &downStore{Store: bs}
		c.Storage = st
	})
	e := mustEnvOn(t, b)
	f := e.draft(t, "霍邱县城关镇智慧社区管理平台")
	e.submit(t, f.ID)

	st.down.Store(true)
	if err := e.syncer.SyncOnce(context.Background()); client.Classify(err) != client.ClassRetry {
		t.Fatalf("pass with the bureau's store down: %v", err)
	}
	if s := e.syncer.Status(); !s.Online || !s.Unavailable || !strings.Contains(s.LastError, "数管局服务器的存储暂时不可用") {
		t.Fatalf("status with the bureau's store down: online %v, unavailable %v, %q", s.Online, s.Unavailable, s.LastError)
	}

	b.down.Store(true) // a proxy's 503, no problem of the bureau's
	if err := e.syncer.SyncOnce(context.Background()); client.Classify(err) != client.ClassRetry {
		t.Fatalf("pass behind a failing proxy: %v", err)
	}
	if s := e.syncer.Status(); s.Online || s.Unavailable {
		t.Fatalf("status behind a failing proxy: online %v, unavailable %v, %q", s.Online, s.Unavailable, s.LastError)
	}

	b.down.Store(false)
	st.down.Store(false)
	e.mustSync(t)
	if items := e.outbox(t); len(items) != 0 {
		t.Fatalf("outbox once the bureau is back: %+v", items)
	}
	if s := e.syncer.Status(); !s.Online || s.Unavailable {
		t.Fatalf("status once the bureau is back: online %v, unavailable %v", s.Online, s.Unavailable)
	}
}

// TestFullBureauDiskIsUnavailable (second read): a bureau whose disk is
// full answers 507 with its problem; it was reached, and cannot take
// anything now — the bar's 已连接，数管局暂时无法受理, not the green
// 已连接数管局 beside the refusal.
func TestFullBureauDiskIsUnavailable(t *testing.T) {
	ctx := context.Background()
	st := MustMemStore(t)
	submitted(t, st)
	remote := &fakeRemote{submit: func(context.Context, protocol.SubmitRequest) (protocol.Receipt, error) {
		return protocol.Receipt{}, &client.Error{Op: "submit revision", Status: http.StatusInsufficientStorage,
			Problem: protocol.NewProblem(protocol.CodeInsufficientStorage, "数管局服务器磁盘空间不足")}
	}}
	sy := syncer.New(st, remote, nil, syncer.Options{})
	if err := sy.SyncOnce(ctx); client.Classify(err) != client.ClassRetry {
		t.Fatalf("pass: %v", err)
	}
	if s := sy.Status(); !s.Online || !s.Unavailable || !strings.Contains(s.LastError, "磁盘空间不足") {
		t.Fatalf("status: online %v, unavailable %v, %q", s.Online, s.Unavailable, s.LastError)
	}
}
