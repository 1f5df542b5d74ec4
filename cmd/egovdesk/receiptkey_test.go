//go:build ci

package main

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"egovdesk/app"
	"egovdesk/app/apptest"
	"egovdesk/sync/bureautest"
	"egovdesk/sync/client"
	"egovdesk/sync/server"
)

// mustRekeyableBureau is MustBureau whose rekey stops the bureau, deletes
// its receipt key file (as a bureau that lost its key) and opens it again
// on the same data directory and address: it makes a new key.
func mustRekeyableBureau(tb testing.TB) (addr string, rekey func()) {
	tb.Helper()
	ctx := context.Background()
	var reopened atomic.Pointer[http.Handler]
	config := func(cfg *server.Config) { cfg.LongPoll = time.Second }
	b := bureautest.Start(tb, bureautest.Options{BadgerOnly: true, Config: config, Wrap: func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if p := reopened.Load(); p != nil {
				(*p).ServeHTTP(w, r)
				return
			}
			h.ServeHTTP(w, r)
		})
	}})
	data, err := os.ReadFile("../../assets/profiles/huoqiu.json")
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := b.Server.SetProfile(ctx, "huoqiu.json", data); err != nil {
		tb.Fatal(err)
	}
	unit := b.AddUnit("霍邱县城关镇人民政府", "11341522003064951U")
	b.AddAccount("clerk", "李梅", app.RoleUnit, unit.ID)
	return b.URL, func() {
		if err := b.Server.Close(); err != nil {
			tb.Fatal(err)
		}
		if err := os.Remove(filepath.Join(b.Dir, server.ReceiptKeyFile)); err != nil {
			tb.Fatal(err)
		}
		cfg := bureautest.Config(b.Dir, nil)
		config(&cfg)
		srv, err := server.Open(ctx, cfg)
		if err != nil {
			tb.Fatalf("reopen bureau: %v", err)
		}
		tb.Cleanup(func() { srv.Close() })
		h := bureautest.Validated(tb, srv.Handler())
		reopened.Store(&h)
	}
}

// The bureau lost its receipt key and made a new one: the desktop client
// keeps the new revision in the outbox and the connection bar warns with
// 核对并信任新密钥…; in its dialog, digits the bureau did not announce are
// refused and nothing is trusted; the first 8 digits of the new key's ID
// trust it, the revision is delivered and 设置's store keeps the change.
func TestBureauReceiptKeyChangeOnTheDesk(t *testing.T) {
	addr, rekey := mustRekeyableBureau(t)
	d, w := MustDesk(t)
	ctx := context.Background()
	if err := d.link.Connect(ctx, addr, "clerk", password); err != nil {
		t.Fatal(err)
	}
	d.ui.Start()
	d.pump()
	submit := func(id string) {
		t.Helper()
		f, err := app.NewFiling(app.KindDeclaration, id, id+"-r1", d.link.Session().UnitID, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		f.Declaration = apptest.Declaration()
		prof := d.link.Profile()
		for _, c := range prof.Evaluate(f.Declaration, time.Now()).Checklist {
			f.Declaration.Confirmations = append(f.Declaration.Confirmations, c.ID)
		}
		for _, need := range prof.Evaluate(f.Declaration, time.Now()).Materials {
			f.Attachments = append(f.Attachments, importPDF(t, d, need.Label+".pdf", need.Codes[0]))
		}
		if err := d.store.Save(ctx, f); err != nil {
			t.Fatal(err)
		}
		if _, err := d.store.Submit(ctx, f.ID, "李梅", time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	submit("6b2e8d4f-3c5a-4f7b-8d9e-1f2a3b4c5d60")
	if err := d.link.SyncOnce(ctx); err != nil { // pins the bureau's key
		t.Fatalf("sync: %v", err)
	}

	rekey()
	c, err := client.New(ctx, addr, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	served, err := c.ReceiptKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	submit("6b2e8d4f-3c5a-4f7b-8d9e-1f2a3b4c5d70")
	if err := d.link.SyncOnce(ctx); err == nil {
		t.Fatal("sync with receipts of the bureau's new key: no error")
	}
	if kc := d.link.Status().KeyChange; kc == nil || kc.ServedKeyID != served.KeyID {
		t.Fatalf("status key change %+v; want the served key %s", kc, served.KeyID)
	}
	rekeyButton := func() *widget.Button {
		var found *widget.Button
		walkAll(w.Content(), func(o fyne.CanvasObject) {
			if b := asButton(o); b != nil && found == nil && b.Text == "核对并信任新密钥…" && b.Visible() {
				found = b
			}
		})
		return found
	}
	d.eventually(t, "the bar's warning", func() bool { return rekeyButton() != nil })
	test.Tap(rekeyButton())
	d.pump()
	entry := find(t, w.Canvas().Overlays().Top(), "the digits' entry", func(*widget.Entry) bool { return true })
	entry.SetText("00000000")
	tapDialogButton(t, w, "编号一致，信任新密钥")
	d.pump()
	if txt := dialogText(w); !strings.Contains(txt, "不一致，未信任") {
		t.Fatalf("wrong digits: the dialog says\n%s", txt)
	}
	if items, _ := d.store.Outbox(ctx); len(items) != 1 {
		t.Fatalf("outbox after wrong digits: %d items", len(items))
	}
	entry.SetText(served.KeyID[:8])
	tapDialogButton(t, w, "编号一致，信任新密钥")
	d.eventually(t, "the key trusted", func() bool {
		return strings.Contains(dialogText(w), "数管局的新回执签名密钥。发送队列中")
	})
	if ch := d.link.ReceiptKeyChanges(); len(ch) != 1 || ch[0].NewKeyID != served.KeyID {
		t.Fatalf("key changes %+v", ch)
	}
	if err := d.link.SyncOnce(ctx); err != nil {
		t.Fatalf("sync after trusting the new key: %v", err)
	}
	if items, _ := d.store.Outbox(ctx); len(items) != 0 {
		t.Fatalf("outbox after trusting the new key: %d items", len(items))
	}
	if kc := d.link.Status().KeyChange; kc != nil {
		t.Fatalf("key change still reported: %+v", kc)
	}
}
