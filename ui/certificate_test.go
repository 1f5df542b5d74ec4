package ui

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"egovdesk/app"
)

// trustLink is a Link whose Connect answers from a list and which records
// what the clerk trusted.
type trustLink struct {
	Link // only what the setup screen calls is implemented

	mu       sync.Mutex
	answers  []error // Connect's answers in turn; nil once they run out
	connects int
	trust    []Trust
	imported []byte
}

func (l *trustLink) Session() Session { return Session{} }

func (l *trustLink) Connect(context.Context, string, string, string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.connects++
	if len(l.answers) == 0 {
		return nil
	}
	err := l.answers[0]
	l.answers = l.answers[1:]
	return err
}

func (l *trustLink) Trusted() []Trust {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Trust(nil), l.trust...)
}

func (l *trustLink) TrustCA(addr string, data []byte) (Trust, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if string(data) != "-----BEGIN CERTIFICATE-----" {
		return Trust{}, app.Errorf(app.EINVALID, "所选文件不是证书文件")
	}
	l.imported = data
	t := Trust{Bureau: addr, Certs: []Certificate{{Subject: "某县数据管理局CA", NotAfter: time.Date(2036, 1, 1, 0, 0, 0, 0, time.Local)}}}
	l.trust = []Trust{t}
	return t, nil
}

func (l *trustLink) Pin(addr string, c Certificate) (Trust, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	t := Trust{Bureau: addr, Pinned: true, Certs: []Certificate{c}}
	l.trust = []Trust{t}
	return t, nil
}

func (l *trustLink) Untrust(addr string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.trust = nil
	return nil
}

func (l *trustLink) connected() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.connects
}

// setupRig is a setup screen over a trustLink in a test window, with the
// UI's updates from goroutines queued for the test goroutine (pump).
type setupRig struct {
	s     *setupScreen
	w     fyne.Window
	queue chan func()
}

func newSetupRig(t *testing.T, l *trustLink) *setupRig {
	t.Helper()
	a := test.NewTempApp(t)
	a.Settings().SetTheme(NewTheme())
	w := a.NewWindow("egovdesk")
	w.Resize(fyne.NewSize(1366, 768))
	r := &setupRig{w: w, queue: make(chan func(), 64)}
	ctx, cancel := context.WithCancel(context.Background())
	u := &UI{app: a, win: w, link: l, do: func(f func()) { r.queue <- f }, ctx: ctx, cancel: cancel}
	t.Cleanup(u.Stop)
	r.s = newSetupScreen(u, true)
	w.SetContent(r.s.object())
	r.s.addr.SetText("https://10.1.2.3:8443")
	r.s.login.SetText("clerk")
	r.s.password.SetText("secret")
	return r
}

// settle waits for the goroutines of the UI and runs their updates.
func (r *setupRig) settle() {
	r.s.u.wg.Wait()
	for {
		select {
		case f := <-r.queue:
			f()
		default:
			return
		}
	}
}

func (r *setupRig) text() string {
	var b strings.Builder
	walkWidgets(r.w.Canvas().Content(), func(o fyne.CanvasObject) {
		if s, ok := shownString(o); ok && o.Visible() {
			b.WriteString(s + "\n")
		}
	})
	return b.String()
}

func (r *setupRig) dialogText() string {
	var b strings.Builder
	if top := r.w.Canvas().Overlays().Top(); top != nil {
		walkWidgets(top, func(o fyne.CanvasObject) {
			if s, ok := shownString(o); ok {
				b.WriteString(s + "\n")
			}
		})
	}
	return b.String()
}

// button returns the visible button labelled text in the window or its
// topmost dialog, or nil.
func (r *setupRig) button(text string) *widget.Button {
	var found *widget.Button
	roots := []fyne.CanvasObject{r.w.Canvas().Content()}
	if top := r.w.Canvas().Overlays().Top(); top != nil {
		roots = []fyne.CanvasObject{top}
	}
	for _, root := range roots {
		walkWidgets(root, func(o fyne.CanvasObject) {
			if b := buttonOf(o); b != nil && found == nil && b.Text == text && b.Visible() {
				found = b
			}
		})
	}
	return found
}

func (r *setupRig) tap(t *testing.T, text string) {
	t.Helper()
	b := r.button(text)
	if b == nil {
		t.Fatalf("no button %q on screen:\n%s%s", text, r.text(), r.dialogText())
	}
	test.Tap(b)
}

func walkWidgets(o fyne.CanvasObject, fn func(fyne.CanvasObject)) {
	fn(o)
	switch v := o.(type) {
	case *fyne.Container:
		for _, c := range v.Objects {
			walkWidgets(c, fn)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(v).Objects() {
			walkWidgets(c, fn)
		}
	}
}

var presented = Certificate{
	Subject: "sgj.intranet", Issuer: "sgj.intranet", Names: []string{"sgj.intranet"}, SelfSigned: true,
	NotBefore: time.Date(2026, 1, 1, 0, 0, 0, 0, time.Local), NotAfter: time.Date(2028, 1, 1, 0, 0, 0, 0, time.Local),
	Fingerprint: "3A:1F:00:9C:D2:47:B8:65:10:2E:FF:A3:4B:7C:90:11:5D:6E:82:C4:0B:9A:37:E1:F0:28:46:AD:CB:73:19:5E",
	DER:         []byte{1, 2, 3},
}

// An untrusted certificate: the reason, the certificate and both remedies;
// the fingerprint, in four lines to read over the phone, with the
// instruction to call; confirmed, it is pinned, the screen lists it and
// connects again at once.
func TestSetupPinsAConfirmedCertificate(t *testing.T) {
	l := &trustLink{answers: []error{
		&CertificateError{Problem: CertUntrusted, Message: "数管局服务器使用的是自签名证书", Addr: "https://10.1.2.3:8443", Presented: presented},
		app.Errorf(app.EUNAUTHORIZED, "登录名或密码不正确"),
	}}
	r := newSetupRig(t, l)
	r.tap(t, "连接数管局")
	r.settle()
	txt := r.text()
	for _, want := range []string{"无法安全连接数管局服务器", "自签名证书", "颁发给：sgj.intranet（用于 sgj.intranet）",
		"颁发者：自签名", "有效期：2026-01-01 至 2028-01-01", "导入证书…", "核对指纹后信任…"} {
		if !strings.Contains(txt, want) {
			t.Errorf("screen lacks %q:\n%s", want, txt)
		}
	}

	r.tap(t, "核对指纹后信任…")
	shown := r.dialogText()
	for _, want := range []string{"电话打给数管局", "3A:1F:00:9C:D2:47:B8:65\n10:2E:FF:A3:4B:7C:90:11\n", "全部一致才信任"} {
		if !strings.Contains(shown, want) {
			t.Errorf("the fingerprint dialog lacks %q:\n%s", want, shown)
		}
	}
	r.tap(t, "指纹一致，信任此证书")
	r.settle()
	if tr := l.Trusted(); len(tr) != 1 || !tr[0].Pinned || tr[0].Certs[0].Fingerprint != presented.Fingerprint || tr[0].Bureau != "https://10.1.2.3:8443" {
		t.Fatalf("trusted %+v", tr)
	}
	if l.connected() != 2 {
		t.Errorf("connected %d times, want again after pinning", l.connected())
	}
	txt = r.text()
	if strings.Contains(txt, "无法安全连接") || !strings.Contains(txt, "连接失败：登录名或密码不正确") {
		t.Errorf("after pinning the screen shows:\n%s", txt)
	}
	if !strings.Contains(txt, "信任的数管局证书") || !strings.Contains(txt, "SHA-256 指纹：\n"+presented.Fingerprint[:47]+"\n"+presented.Fingerprint[48:]) {
		t.Errorf("the pinned certificate is not listed:\n%s", txt)
	}

	// Removed after asking.
	r.tap(t, "移除")
	r.tap(t, lang.L("Yes")) // Fyne's confirm button, in the language a test before may have chosen
	if len(l.Trusted()) != 0 || strings.Contains(r.text(), "信任的数管局证书") {
		t.Errorf("still trusted after 移除: %+v", l.Trusted())
	}
}

// 导入证书… passes the picked file to the link and connects again; a file
// that is not a certificate says so; an http:// address has nothing to
// import.
func TestSetupImportsACACertificate(t *testing.T) {
	l := &trustLink{answers: []error{
		&CertificateError{Problem: CertUntrusted, Message: "数管局服务器的证书由本机不认识的机构签发", Addr: "https://10.1.2.3:8443", Presented: presented},
		app.Errorf(app.EUNAUTHORIZED, "登录名或密码不正确"),
	}}
	r := newSetupRig(t, l)
	var file string
	r.s.pick = func(_ fyne.Window, done func([]byte, error)) { done([]byte(file), nil) }
	r.tap(t, "连接数管局")
	r.settle()

	file = "hello"
	r.tap(t, "导入证书…")
	if !strings.Contains(r.text(), "所选文件不是证书文件") || l.connected() != 1 {
		t.Errorf("after picking a text file:\n%s", r.text())
	}
	file = "-----BEGIN CERTIFICATE-----"
	r.tap(t, "导入证书…")
	r.settle()
	if string(l.imported) != file || l.connected() != 2 {
		t.Fatalf("imported %q, connected %d times", l.imported, l.connected())
	}
	if txt := r.text(); !strings.Contains(txt, "已导入证书机构 “某县数据管理局CA”（有效期至 2036-01-01）") {
		t.Errorf("the imported CA is not listed:\n%s", txt)
	}

	r.s.addr.SetText("http://10.1.2.3:8440")
	r.tap(t, "导入数管局证书…")
	if !strings.Contains(r.text(), "请先填写以 https:// 开头的服务器地址") {
		t.Errorf("import for an http address:\n%s", r.text())
	}
}

// A certificate the clerk cannot mend (expired, wrong name) is explained
// without remedies.
func TestSetupShowsAnUnusableCertificate(t *testing.T) {
	l := &trustLink{answers: []error{
		&CertificateError{Problem: CertUnusable, Message: "数管局服务器的证书已于 2026年1月15日 过期", Addr: "https://10.1.2.3:8443", Presented: presented},
	}}
	r := newSetupRig(t, l)
	r.tap(t, "连接数管局")
	r.settle()
	if txt := r.text(); !strings.Contains(txt, "已于 2026年1月15日 过期") || r.button("导入证书…") != nil || r.button("核对指纹后信任…") != nil {
		t.Errorf("an unusable certificate shows:\n%s", txt)
	}
}

// The certificate file dialog opens over the window, larger than Fyne's
// default, and cancelling it calls nothing.
func TestPickCertificateFileOpens(t *testing.T) {
	a := test.NewTempApp(t)
	w := a.NewWindow("egovdesk")
	w.Resize(fyne.NewSize(1366, 768))
	called := false
	u := &UI{win: w} // no desktop dialogs: Fyne's
	u.pickCertificate(func([]byte, error) { called = true })
	top := w.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no file dialog shown")
	}
	if s := top.Size(); s.Width < 800 || s.Height < 550 {
		t.Errorf("file dialog of %v", s)
	}
	var cancel *widget.Button
	walkWidgets(top, func(o fyne.CanvasObject) {
		if b := buttonOf(o); b != nil && (b.Text == "Cancel" || b.Text == "取消") {
			cancel = b
		}
	})
	if cancel == nil {
		t.Fatal("no cancel button in the file dialog")
	}
	test.Tap(cancel)
	if called {
		t.Error("cancelling the dialog reported a file")
	}
}

// The mouse wheel moves the settings page wherever the pointer is: over an
// input box too (Fyne gives the wheel to the innermost scroller, and every
// entry holds one, so the page used to stop under the pointer).
func TestSetupScreenWheelOverAField(t *testing.T) {
	r := newSetupRig(t, &trustLink{})
	r.w.Resize(fyne.NewSize(1366, 400)) // shorter than the page: it scrolls
	f, ok := r.w.Content().(*formScroll)
	if !ok {
		t.Fatalf("the settings page is a %T, not a formScroll", r.w.Content())
	}
	at := fyne.CurrentApp().Driver().AbsolutePositionForObject(r.s.login).Add(fyne.NewPos(10, 10))
	test.Scroll(r.w.Canvas(), at, 0, -25)
	if f.Scroll.Offset.Y == 0 {
		t.Fatal("one notch of the wheel over 账号 did not move the settings page")
	}
}
