package syncer_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/sm3"

	"egovdesk/app"
	"egovdesk/sync/protocol"
	"egovdesk/sync/syncer"
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

// TestBureauKeyChangeTrustedByTheClerk: the bureau lost its receipt key
// and made a new one. Its receipts no longer verify with the pinned key:
// the revision stays unsent and the status reports the change (pinned and
// served key IDs) without trusting the new key; trusting another key ID is
// refused; trusting the served one replaces the pin, keeps the change in
// the store's history, and the revision is then delivered once, its
// receipt verifying with the new key.
func TestBureauKeyChangeTrustedByTheClerk(t *testing.T) {
	ctx := context.Background()
	e := MustEnv(t)
	first := e.draft(t, "换密钥之前", 100)
	e.submit(t, first.ID)
	e.mustSync(t) // pins the bureau's first key
	old, err := e.clerk.ReceiptKey(ctx)
	if err != nil {
		t.Fatal(err)
	}

	e.bureau.newReceiptKey(t)
	served, err := e.clerk.ReceiptKey(ctx)
	if err != nil || served.KeyID == old.KeyID {
		t.Fatalf("the bureau's key after it lost the old one: %+v, %v", served, err)
	}
	f := e.draft(t, "换密钥之后", 100)
	e.submit(t, f.ID)
	for range 2 { // the second pass takes the served key from the cache
		if err := e.syncer.SyncOnce(ctx); err == nil {
			t.Fatal("sync with receipts of the bureau's new key: no error")
		}
	}
	if items := e.outbox(t); len(items) != 1 || items[0].FilingID != f.ID {
		t.Fatalf("outbox %+v; want the revision still there", items)
	}
	st := e.syncer.Status()
	kc := st.KeyChange
	if kc == nil || kc.PinnedKeyID != old.KeyID || kc.ServedKeyID != served.KeyID || kc.Seen.IsZero() {
		t.Fatalf("key change %+v; want pinned %s, served %s", kc, old.KeyID, served.KeyID)
	}
	if !st.NeedsAction || !strings.Contains(st.LastError, "新的签名密钥") {
		t.Fatalf("status: needs action %v, %q", st.NeedsAction, st.LastError)
	}
	sum, _ := e.store.Summary(ctx, f.ID)
	if sum.Send.State != app.SendFailed || !strings.Contains(sum.Send.Reason, syncer.GroupKeyID(served.KeyID)) {
		t.Fatalf("send state %+v; want failed naming the new key", sum.Send)
	}
	if pinned, _ := e.store.ReceiptKey(ctx, e.clerk.BaseURL()); string(pinned) != old.PEM {
		t.Fatal("the syncer replaced the pinned key by itself")
	}

	// The clerk typed another key's ID.
	wrong := strings.Repeat("0", len(served.KeyID))
	if err := e.syncer.TrustReceiptKey(ctx, wrong); !errors.Is(err, syncer.ErrKeyIDMismatch) {
		t.Fatalf("trust a key ID the bureau does not serve: %v", err)
	}
	if err := e.syncer.TrustReceiptKey(ctx, old.KeyID); !errors.Is(err, syncer.ErrKeyIDMismatch) {
		t.Fatalf("trust the old key ID: %v", err)
	}
	if pinned, _ := e.store.ReceiptKey(ctx, e.clerk.BaseURL()); string(pinned) != old.PEM {
		t.Fatal("a refused trust replaced the pinned key")
	}

	// The key ID as the bureau read it out: groups, upper case.
	if err := e.syncer.TrustReceiptKey(ctx, strings.ToUpper(syncer.GroupKeyID(served.KeyID))); err != nil {
		t.Fatalf("trust the served key: %v", err)
	}
	if e.syncer.Status().KeyChange != nil {
		t.Fatal("the key change is still reported after trusting the key")
	}
	if pinned, _ := e.store.ReceiptKey(ctx, e.clerk.BaseURL()); string(pinned) != served.PEM {
		t.Fatal("the served key is not pinned after trusting it")
	}
	hist, err := e.store.ReceiptKeyChanges(ctx, e.clerk.BaseURL())
	if err != nil || len(hist) != 1 || hist[0].OldKeyID != old.KeyID || hist[0].NewKeyID != served.KeyID || hist[0].At.IsZero() {
		t.Fatalf("key history %+v, %v", hist, err)
	}
	e.mustSync(t)
	if n := len(e.outbox(t)); n != 0 {
		t.Fatalf("outbox after trusting the new key: %d items", n)
	}
	d, err := e.clerk.Filing(ctx, f.ID)
	if err != nil {
		t.Fatal(err)
	}
	submits := 0
	for _, tr := range d.History {
		if tr.Action == app.ActionSubmit {
			submits++
		}
	}
	if d.Revision != 1 || submits != 1 {
		t.Fatalf("the bureau holds revision %d with %d submissions; want 1 and 1", d.Revision, submits)
	}
	revs, _ := e.store.Revisions(ctx, f.ID)
	if len(revs) != 1 || revs[0].Receipt == nil || !revs[0].Receipt.Verified || revs[0].Receipt.KeyID != served.KeyID {
		t.Fatalf("kept receipt %+v", revs)
	}
	pub, _ := protocol.ParseReceiptPublicKey([]byte(served.PEM))
	var rc protocol.Receipt
	if err := json.Unmarshal(revs[0].Receipt.Receipt, &rc); err != nil {
		t.Fatal(err)
	}
	if err := protocol.VerifyReceipt(pub, rc); err != nil {
		t.Fatalf("kept receipt does not verify with the new key: %v", err)
	}
}

// TestBureauGainsReceiptKey: a client that first met a bureau without
// signed receipts pins the key the bureau serves once it has one, without
// a restart, and checks the receipts after.
func TestBureauGainsReceiptKey(t *testing.T) {
	ctx := context.Background()
	e := MustEnv(t, func(o *syncer.Options) { o.ReceiptKeyRecheck = time.Nanosecond })
	e.bureau.noReceiptKey.Store(true)
	f := e.draft(t, "旧版数管局时提交", 100)
	e.submit(t, f.ID)
	e.mustSync(t)
	if pinned, _ := e.store.ReceiptKey(ctx, e.clerk.BaseURL()); pinned != nil {
		t.Fatalf("pinned %q from a bureau without a key", pinned)
	}
	e.bureau.noReceiptKey.Store(false) // the bureau was upgraded
	g := e.draft(t, "升级之后提交", 100)
	e.submit(t, g.ID)
	e.mustSync(t)
	served, err := e.clerk.ReceiptKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if pinned, _ := e.store.ReceiptKey(ctx, e.clerk.BaseURL()); string(pinned) != served.PEM {
		t.Fatalf("pinned %q after the bureau gained a key", pinned)
	}
	revs, _ := e.store.Revisions(ctx, g.ID)
	if len(revs) != 1 || revs[0].Receipt == nil || !revs[0].Receipt.Verified {
		t.Fatalf("receipt after the bureau gained a key: %+v", revs)
	}
}

// TestKeyChangeNoticedWithNothingToSend: a clerk with an empty outbox is
// told of the bureau's new receipt key too (the syncer looks at the served
// key now and then), not only on the next refused receipt; nothing is
// trusted by itself, and the report goes once the bureau serves the pinned
// key again.
func TestKeyChangeNoticedWithNothingToSend(t *testing.T) {
	ctx := context.Background()
	e := MustEnv(t, func(o *syncer.Options) { o.ReceiptKeyRecheck = time.Nanosecond })
	f := e.draft(t, "换密钥之前", 100)
	e.submit(t, f.ID)
	e.mustSync(t) // pins the bureau's key
	old, err := e.clerk.ReceiptKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if kc := e.syncer.Status().KeyChange; kc != nil {
		t.Fatalf("key change reported before any: %+v", kc)
	}
	e.bureau.newReceiptKey(t)
	served, err := e.clerk.ReceiptKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	e.mustSync(t) // nothing to send: the pass succeeds
	st := e.syncer.Status()
	if kc := st.KeyChange; kc == nil || kc.PinnedKeyID != old.KeyID || kc.ServedKeyID != served.KeyID {
		t.Fatalf("key change with an empty outbox: %+v; want pinned %s, served %s", kc, old.KeyID, served.KeyID)
	}
	if !st.NeedsAction {
		t.Error("the key change does not ask for the clerk")
	}
	if pinned, _ := e.store.ReceiptKey(ctx, e.clerk.BaseURL()); string(pinned) != old.PEM {
		t.Fatal("the syncer replaced the pinned key by itself")
	}
	if err := e.syncer.TrustReceiptKey(ctx, served.KeyID); err != nil {
		t.Fatalf("trust the served key: %v", err)
	}
	e.mustSync(t)
	if kc := e.syncer.Status().KeyChange; kc != nil {
		t.Fatalf("key change still reported after trusting it: %+v", kc)
	}
}
