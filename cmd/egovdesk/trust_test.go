//go:build ci

package main

import (
	"context"
	"crypto/tls"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"egovdesk/app"
	"egovdesk/app/apptest"
	"egovdesk/sync/client"
	"egovdesk/sync/client/certtest"
)

// mustTLSBureau starts the real bureau behind a TLS terminator presenting
// cert (a reverse proxy on another loopback port, as nginx in front of the
// bureau). It returns the terminator, whose URL is https://127.0.0.1:port.
func mustTLSBureau(tb testing.TB, cert tls.Certificate) *certtest.Server {
	tb.Helper()
	u, err := url.Parse(MustBureau(tb))
	if err != nil {
		tb.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(u)
	proxy.FlushInterval = -1
	return certtest.Serve(tb, proxy, cert)
}

// screenText returns the text of every label on the window's content.
func screenText(w fyne.Window) string {
	var b strings.Builder
	walkAll(w.Content(), func(o fyne.CanvasObject) {
		if s, ok := shownString(o); ok && o.Visible() {
			b.WriteString(s + "\n")
		}
	})
	return b.String()
}

// connectOnSetup types the bureau address, account and password into the
// setup screen on w and taps 连接数管局.
func connectOnSetup(tb testing.TB, w fyne.Window, addr string) {
	tb.Helper()
	content := w.Content()
	entry := func(placeholder string) *widget.Entry {
		return find(tb, content, placeholder, func(e *widget.Entry) bool { return e.PlaceHolder == placeholder })
	}
	retype(entry("https://sgj.example.gov.cn:8443"), addr)
	retype(entry("数管局分配的账号"), "clerk")
	retype(entry("密码"), password)
	test.Tap(find(tb, content, "连接数管局", func(b *widget.Button) bool { return b.Text == "连接数管局" }))
}

// submitWithAttachments queues a declaration with every material the
// profile asks for and sends it in one sync pass.
func submitWithAttachments(tb testing.TB, d *harness, id string) {
	tb.Helper()
	ctx := context.Background()
	f, err := app.NewFiling(app.KindDeclaration, id, id[:len(id)-1]+"f", d.link.Session().UnitID, time.Now())
	if err != nil {
		tb.Fatal(err)
	}
	f.Declaration = apptest.Declaration()
	prof := d.link.Profile()
	for _, c := range prof.Evaluate(f.Declaration, time.Now()).Checklist {
		f.Declaration.Confirmations = append(f.Declaration.Confirmations, c.ID)
	}
	for _, need := range prof.Evaluate(f.Declaration, time.Now()).Materials {
		f.Attachments = append(f.Attachments, importPDF(tb, d, need.Label+".pdf", need.Codes[0]))
	}
	if err := d.store.Save(ctx, f); err != nil {
		tb.Fatal(err)
	}
	if _, err := d.store.Submit(ctx, f.ID, "李梅", time.Now()); err != nil {
		tb.Fatal(err)
	}
	if err := d.link.SyncOnce(ctx); err != nil {
		tb.Fatalf("sync: %v (%+v)", err, d.link.Status())
	}
	if items, err := d.store.Outbox(ctx); err != nil || len(items) != 0 {
		tb.Fatalf("outbox after sync: %+v, %v", items, err)
	}
}

// A bureau behind TLS with its own CA: the first-run screen says the
// issuer is unknown and shows the certificate; once the clerk imports the
// bureau's CA, connecting works, and the trust is kept with the session:
// after a restart the sync loop, attachments included, goes over TLS.
func TestBureauWithItsOwnCA(t *testing.T) {
	ca := certtest.NewCA(t, "霍邱县数据资源管理局CA")
	leaf := ca.Issue(t, certtest.Leaf{})
	bureau := mustTLSBureau(t, leaf)
	dir := t.TempDir()
	d, w := mustDeskIn(t, dir)
	d.ui.Start()
	d.pump()

	connectOnSetup(t, w, bureau.URL)
	d.eventually(t, "the refused certificate", func() bool { return strings.Contains(screenText(w), "不认识的机构") })
	txt := screenText(w)
	for _, want := range []string{"霍邱县数据资源管理局CA", "颁发给：127.0.0.1", "导入证书…", "核对指纹后信任…"} {
		if !strings.Contains(txt, want) {
			t.Errorf("the setup screen lacks %q:\n%s", want, txt)
		}
	}
	if d.link.Session().Configured {
		t.Fatal("connected through an untrusted certificate")
	}

	// What 导入证书… does with the file the clerk picked (ui tests drive the picker).
	if _, err := d.link.TrustCA(bureau.URL, ca.Cert.Raw); err != nil { // a .cer file: DER
		t.Fatal(err)
	}
	test.Tap(find(t, w.Content(), "连接数管局", func(b *widget.Button) bool { return b.Text == "连接数管局" }))
	d.eventually(t, "the login", func() bool { return d.link.Session().Configured && clerkOf(t, d).homeShown() })
	if d.link.Profile().ID != "huoqiu" {
		t.Fatalf("profile %v", d.link.Profile().ID)
	}

	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	d2, _ := mustDeskIn(t, dir)
	if !d2.link.Session().Configured || d2.link.Session().Bureau != bureau.URL {
		t.Fatalf("session after restart %+v", d2.link.Session())
	}
	submitWithAttachments(t, d2, "6b2e8d4f-3c5a-4f7b-8d9e-1f2a3b4c5d6e")
	if tr := d2.link.Trusted(); len(tr) != 1 || tr[0].Pinned || tr[0].Certs[0].Subject != "霍邱县数据资源管理局CA" {
		t.Errorf("trusted after restart: %+v", tr)
	}

	// Removed in the settings, the CA is no longer trusted: the next pass
	// fails with the reason.
	if err := d2.link.Untrust(bureau.URL); err != nil {
		t.Fatal(err)
	}
	if err := d2.link.SyncOnce(context.Background()); err == nil || !strings.Contains(d2.link.Status().LastError, "不认识的机构") {
		t.Fatalf("sync after removing the CA: %v, status %q", err, d2.link.Status().LastError)
	}
}

// A self-signed bureau certificate: the clerk opens the fingerprint, which
// the dialog shows in groups to read over the phone, confirms it and is
// connected at once. After a restart the pin holds; when the bureau
// presents another certificate, every request fails with the mismatch
// message, never trusting it silently, and the setup screen offers to
// check the new fingerprint.
func TestPinnedSelfSignedBureau(t *testing.T) {
	self := certtest.SelfSigned(t, certtest.Leaf{Names: []string{"sgj.huoqiu.intranet"}})
	bureau := mustTLSBureau(t, self)
	dir := t.TempDir()
	d, w := mustDeskIn(t, dir)
	d.ui.Start()
	d.pump()

	connectOnSetup(t, w, bureau.URL)
	d.eventually(t, "the refused certificate", func() bool { return strings.Contains(screenText(w), "自签名证书") })
	test.Tap(find(t, w.Content(), "核对指纹后信任…", func(b *widget.Button) bool { return b.Text == "核对指纹后信任…" }))
	fp := client.Fingerprint(self.Leaf)
	shown := dialogText(w)
	if !strings.Contains(shown, fp[:23]) || !strings.Contains(shown, fp[len(fp)-23:]) || !strings.Contains(shown, "电话打给数管局") {
		t.Fatalf("the fingerprint dialog shows:\n%s\nwant %s", shown, fp)
	}
	tapDialogButton(t, w, "指纹一致，信任此证书")
	d.eventually(t, "the login after pinning", func() bool { return d.link.Session().Configured && clerkOf(t, d).homeShown() })

	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	d2, w2 := mustDeskIn(t, dir)
	d2.ui.Start()
	d2.pump()
	submitWithAttachments(t, d2, "7c3f9e5a-4d6b-4a8c-9eaf-2a3b4c5d6e7f")
	b, err := os.ReadFile(filepath.Join(dir, trustFile))
	if err != nil || !strings.Contains(string(b), `"pinned": true`) {
		t.Fatalf("trust file: %s, %v", b, err)
	}

	// The bureau's certificate changes (renewed, or someone in between).
	other := certtest.SelfSigned(t, certtest.Leaf{Names: []string{"sgj.huoqiu.intranet"}})
	bureau.SetCertificate(other)
	if err := d2.link.SyncOnce(context.Background()); err == nil {
		t.Fatal("synced through a certificate other than the pinned one")
	}
	if st := d2.link.Status(); !strings.Contains(st.LastError, "证书与之前确认的不一致") || st.Online {
		t.Fatalf("status after the certificate changed: %+v", st)
	}
	d2.eventually(t, "the reason in the connection bar", func() bool {
		return strings.Contains(screenText(w2), "证书与之前确认的不一致")
	})

	// In the settings, connecting again shows the new certificate to check.
	test.Tap(find(t, w2.Content(), "设置", func(b *widget.Button) bool { return b.Text == "设置" }))
	connectOnSetup(t, w2, bureau.URL)
	d2.eventually(t, "the changed certificate", func() bool {
		return strings.Contains(screenText(w2), "核对新证书的指纹…")
	})
	if !strings.Contains(screenText(w2), "信任的数管局证书") || !strings.Contains(screenText(w2), fp[:47]) {
		t.Errorf("the settings do not show the pinned certificate:\n%s", screenText(w2))
	}
	test.Tap(find(t, w2.Content(), "核对新证书的指纹…", func(b *widget.Button) bool { return b.Text == "核对新证书的指纹…" }))
	if shown := dialogText(w2); !strings.Contains(shown, client.Fingerprint(other.Leaf)[:23]) || !strings.Contains(shown, "更换了证书") {
		t.Fatalf("the new fingerprint dialog shows:\n%s", shown)
	}
	tapDialogButton(t, w2, "指纹一致，信任此证书")
	d2.eventually(t, "the login with the new certificate", func() bool { return clerkOf(t, d2).homeShown() })
	if err := d2.link.SyncOnce(context.Background()); err != nil {
		t.Fatalf("sync with the new certificate pinned: %v", err)
	}
}

// An expired certificate or one for another name cannot be trusted by the
// clerk: the screen says what is wrong and offers neither remedy.
func TestUnusableBureauCertificate(t *testing.T) {
	ca := certtest.NewCA(t, "内部CA")
	end := time.Date(2026, 1, 15, 12, 0, 0, 0, time.Local)
	bureau := mustTLSBureau(t, ca.Issue(t, certtest.Leaf{NotBefore: end.AddDate(-1, 0, 0), NotAfter: end}))
	d, w := MustDesk(t)
	if _, err := d.link.TrustCA(bureau.URL, ca.PEM()); err != nil {
		t.Fatal(err)
	}
	d.ui.Start()
	d.pump()
	connectOnSetup(t, w, bureau.URL)
	d.eventually(t, "the expired certificate", func() bool { return strings.Contains(screenText(w), "已于 2026年1月15日 过期") })
	if strings.Contains(screenText(w), "核对指纹后信任…") {
		t.Error("an expired certificate offered for trust")
	}

	bureau.SetCertificate(ca.Issue(t, certtest.Leaf{Names: []string{"sgj.huoqiu.gov.cn"}}))
	connectOnSetup(t, w, bureau.URL)
	d.eventually(t, "the wrong name", func() bool {
		return strings.Contains(screenText(w), "“sgj.huoqiu.gov.cn” 签发的，与您填写的地址“127.0.0.1”不符")
	})
	if strings.Contains(screenText(w), "过期") {
		t.Error("the earlier refusal is still shown")
	}
}
