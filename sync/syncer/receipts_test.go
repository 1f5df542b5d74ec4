package syncer_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/sm3"

	"egovdesk/app"
	"egovdesk/sync/protocol"
)

// TestReceiptKeyPinnedAndReceiptsKept: the first sync pins the bureau's
// receipt key in the store; each delivered revision keeps its receipt,
// verified, with the SM3 of the body as sent.
func TestReceiptKeyPinnedAndReceiptsKept(t *testing.T) {
	ctx := context.Background()
	e := MustEnv(t)
	f := e.draft(t, "国密回执测试项目", 3000)
	it := e.submit(t, f.ID)
	e.mustSync(t)
	if n := len(e.outbox(t)); n != 0 {
		t.Fatalf("outbox after sync: %d items", n)
	}
	served, err := e.clerk.ReceiptKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	pinned, err := e.store.ReceiptKey(ctx, e.clerk.BaseURL())
	if err != nil || string(pinned) != served.PEM {
		t.Fatalf("pinned %q (%v), bureau serves %q", pinned, err, served.PEM)
	}
	revs, err := e.store.Revisions(ctx, f.ID)
	if err != nil || len(revs) != 1 || revs[0].Receipt == nil {
		t.Fatalf("revisions %+v, %v", revs, err)
	}
	p := revs[0].Receipt
	sum := sm3.Sum(it.Body)
	if !p.Verified || p.Problem != "" || p.BodySM3 != hex.EncodeToString(sum[:]) || p.BodySHA256 != it.BodyHash || p.KeyID != served.KeyID {
		t.Fatalf("kept receipt %+v; want verified, SM3 %x", p, sum)
	}
	// What is kept is the receipt as received: it verifies on its own.
	pub, _ := protocol.ParseReceiptPublicKey(pinned)
	var rc protocol.Receipt
	if err := json.Unmarshal(p.Receipt, &rc); err != nil {
		t.Fatal(err)
	}
	if err := protocol.VerifyReceipt(pub, rc); err != nil {
		t.Fatalf("kept receipt does not verify: %v", err)
	}
}

// TestTamperedReceiptRefused: a receipt changed on its way (its SM3) does
// not verify with the pinned key: the revision stays in the outbox, failed
// with a message that says why, and is delivered once receipts arrive
// intact.
func TestTamperedReceiptRefused(t *testing.T) {
	e := MustEnv(t)
	first := e.draft(t, "先送达的项目", 100)
	e.submit(t, first.ID)
	e.mustSync(t) // pins the key

	f := e.draft(t, "回执被篡改的项目", 100)
	e.submit(t, f.ID)
	e.bureau.tamperReceipts.Store(true)
	if err := e.syncer.SyncOnce(context.Background()); err == nil {
		t.Fatal("sync with a tampered receipt: no error")
	}
	items := e.outbox(t)
	if len(items) != 1 || items[0].FilingID != f.ID {
		t.Fatalf("outbox %+v; want the revision still there", items)
	}
	sum, _ := e.store.Summary(context.Background(), f.ID)
	if sum.Send.State != app.SendFailed || !strings.Contains(sum.Send.Reason, "SM2 验签") {
		t.Fatalf("send state %+v; want failed with the SM2 message", sum.Send)
	}
	e.bureau.tamperReceipts.Store(false)
	e.mustSync(t)
	if n := len(e.outbox(t)); n != 0 {
		t.Fatalf("outbox after an intact receipt: %d", n)
	}
}

// TestReceiptFromAnotherKeyRefused: with another key pinned (the bureau's
// key changed, or someone else answers), no receipt is accepted.
func TestReceiptFromAnotherKeyRefused(t *testing.T) {
	ctx := context.Background()
	e := MustEnv(t)
	other, _ := sm2.GenerateKey(rand.Reader)
	pemOther, _ := protocol.MarshalReceiptPublicKey(&other.PublicKey)
	if _, err := e.store.PinReceiptKey(ctx, e.clerk.BaseURL(), pemOther); err != nil {
		t.Fatal(err)
	}
	f := e.draft(t, "另一把密钥", 100)
	e.submit(t, f.ID)
	if err := e.syncer.SyncOnce(ctx); err == nil {
		t.Fatal("sync with receipts of another key: no error")
	}
	if items := e.outbox(t); len(items) != 1 {
		t.Fatalf("outbox %+v", items)
	}
	// The first pin stays: the bureau's key does not replace it.
	if pinned, _ := e.store.ReceiptKey(ctx, e.clerk.BaseURL()); string(pinned) != string(pemOther) {
		t.Fatal("the pinned key was replaced")
	}
}

// TestOlderBureauReceiptsKeptUnverified: a bureau before signed receipts
// (no receipt-key route, unsigned receipts) still gets the revision
// delivered; its receipt is kept marked as not verified, and no key is
// pinned.
func TestOlderBureauReceiptsKeptUnverified(t *testing.T) {
	ctx := context.Background()
	e := MustEnv(t)
	e.bureau.noReceiptKey.Store(true)
	f := e.draft(t, "旧版数管局", 100)
	e.submit(t, f.ID)
	e.mustSync(t)
	if n := len(e.outbox(t)); n != 0 {
		t.Fatalf("outbox: %d items", n)
	}
	if pinned, _ := e.store.ReceiptKey(ctx, e.clerk.BaseURL()); pinned != nil {
		t.Fatalf("pinned %q from a bureau without a key", pinned)
	}
	revs, _ := e.store.Revisions(ctx, f.ID)
	if len(revs) != 1 || revs[0].Receipt == nil || revs[0].Receipt.Verified || !strings.Contains(revs[0].Receipt.Problem, "未验签") ||
		strings.Contains(string(revs[0].Receipt.Receipt), "signature") {
		t.Fatalf("kept receipt: %+v", revs[0].Receipt)
	}
}
