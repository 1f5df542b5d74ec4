package syncer_test

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"egovdesk/app"
	"egovdesk/sync/client"
	"egovdesk/sync/syncer"
)

// TestWithdrawWhatNeverReachedTheBureau drives withdrawal through the real
// syncer, client and bureau: a push that could not connect leaves its
// submissions withdrawable; the one withdrawn never reaches the bureau,
// the other does. A push the bureau may have taken (a 503 from the proxy in
// front of it) leaves its submission not withdrawable, and once delivered
// it says so.
func TestWithdrawWhatNeverReachedTheBureau(t *testing.T) {
	e := MustEnv(t)
	ctx := context.Background()
	a := e.draft(t, "霍邱县城关镇智慧社区管理平台")
	b := e.draft(t, "霍邱县城关镇政务服务一网通办")
	e.submit(t, a.ID)
	e.submit(t, b.ID)

	// Offline: the bureau's address answers nothing.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + l.Addr().String()
	l.Close()
	c, err := client.New(ctx, dead, client.Options{RequestTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.SetToken(ctx, e.clerk.Token()); err != nil {
		t.Fatal(err)
	}
	off := syncer.New(e.store, c, e.blobs, syncer.Options{})
	if err := off.SyncOnce(ctx); err == nil {
		t.Fatal("a push to nowhere succeeded")
	}
	if err := e.store.Withdraw(ctx, a.ID, time.Now()); err != nil {
		t.Fatalf("withdraw after an offline push: %v", err)
	}
	if f := e.get(t, a.ID); f.Status != app.StatusDraft || f.Revision.Submitted() {
		t.Fatalf("withdrawn filing: %s %+v", f.Status, f.Revision)
	}

	e.mustSync(t)
	mine, err := e.clerk.Filings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(mine) != 1 || mine[0].ID != b.ID {
		t.Fatalf("the bureau holds %+v, want only %s", mine, b.ID)
	}
	if err := e.store.Withdraw(ctx, b.ID, time.Now()); app.ErrorCode(err) != app.EINVALID || !strings.Contains(app.ErrorMessage(err), "已送达") {
		t.Fatalf("withdraw a delivered filing: %v", err)
	}

	// The proxy answers 503: the bureau behind it may have the filing.
	e.submit(t, a.ID)
	e.bureau.down.Store(true)
	if err := e.syncer.SyncOnce(ctx); err == nil {
		t.Fatal("a push through a 503 succeeded")
	}
	if err := e.store.Withdraw(ctx, a.ID, time.Now()); app.ErrorCode(err) != app.EINVALID || !strings.Contains(app.ErrorMessage(err), "可能已经送达") {
		t.Fatalf("withdraw after a 503: %v", err)
	}
	e.bureau.down.Store(false)
	e.mustSync(t)
	if mine, _ := e.clerk.Filings(ctx); len(mine) != 2 {
		t.Fatalf("the bureau holds %d filings, want 2", len(mine))
	}
	if items := e.outbox(t); len(items) != 0 {
		t.Fatalf("outbox: %+v", items)
	}
}
