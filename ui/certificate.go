package ui

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"egovdesk/app"
)

// Certificate describes a TLS certificate to the clerk: the one a bureau
// presented, or one the clerk trusts.
type Certificate struct {
	Subject     string   // whom it is issued to
	Issuer      string   // who signed it
	Names       []string // the names and addresses it is valid for
	NotBefore   time.Time
	NotAfter    time.Time
	Fingerprint string // SHA-256 as 32 upper-case hex pairs joined by colons
	SelfSigned  bool
	DER         []byte // the certificate, to pin it
}

// CertProblem says what the clerk can do about a refused certificate.
type CertProblem int

// The kinds of refused certificates.
const (
	// CertUntrusted: the issuer is unknown or the certificate is
	// self-signed; import the bureau's CA, or confirm the fingerprint by
	// phone and pin it.
	CertUntrusted CertProblem = iota + 1
	// CertChanged: not the certificate confirmed earlier; confirm the new
	// one by phone before trusting it.
	CertChanged
	// CertUnusable: expired, not yet valid or issued for another name; the
	// bureau (or the address typed, or this computer's clock) must change.
	CertUnusable
)

// CertificateError is a connection to the bureau refused because of its
// certificate. Link.Connect returns it; it unwraps to an *app.Error with
// the message.
type CertificateError struct {
	Problem   CertProblem
	Message   string      // in Chinese: what is wrong and what to do
	Addr      string      // the bureau address
	Presented Certificate // the bureau's own certificate
}

// Error returns the message.
func (e *CertificateError) Error() string { return e.Message }

// Unwrap returns the message as an EUNAVAILABLE *app.Error.
func (e *CertificateError) Unwrap() error {
	return &app.Error{Code: app.EUNAVAILABLE, Message: e.Message}
}

// Trust is what the clerk trusts for one bureau besides the system's roots:
// the CA certificates imported from a file, or the one certificate whose
// fingerprint was confirmed by phone (pinned).
type Trust struct {
	Bureau string // the bureau address
	Pinned bool
	Certs  []Certificate
	Added  time.Time
}

// certPanel is the part of the setup screen about the bureau's
// certificate: why it was refused and the two remedies (import the CA,
// confirm the fingerprint and pin it), and what is trusted already.
type certPanel struct {
	s *setupScreen

	problem *fyne.Container // the refused certificate; empty when none
	trusted *fyne.Container // the list of trusted certificates
	refused *CertificateError
}

func newCertPanel(s *setupScreen) *certPanel {
	p := &certPanel{s: s, problem: container.NewVBox(), trusted: container.NewVBox()}
	p.reloadTrusted()
	return p
}

// dateOnly is how certificates' dates are shown.
const dateOnly = "2006-01-02"

// describe returns a certificate's lines for the clerk.
func describe(c Certificate) string {
	var b strings.Builder
	fmt.Fprintf(&b, T("颁发给：%s"), c.Subject)
	if len(c.Names) > 0 {
		fmt.Fprintf(&b, T("（用于 %s）"), strings.Join(c.Names, "、"))
	}
	b.WriteString("\n")
	if c.SelfSigned {
		b.WriteString(T("颁发者：自签名（由自己签发）"))
	} else {
		fmt.Fprintf(&b, T("颁发者：%s"), c.Issuer)
	}
	b.WriteString("\n")
	fmt.Fprintf(&b, T("有效期：%s 至 %s"), c.NotBefore.Local().Format(dateOnly), c.NotAfter.Local().Format(dateOnly))
	return b.String()
}

// fingerprintLines returns the fingerprint in lines of n groups: four lines
// of eight to be read out over the phone line by line, or two of sixteen in
// the list, where a line may not break inside a group.
func fingerprintLines(fp string, n int) string {
	groups := strings.Split(fp, ":")
	var lines []string
	for i := 0; i < len(groups); i += n {
		lines = append(lines, strings.Join(groups[i:min(i+n, len(groups))], ":"))
	}
	return strings.Join(lines, "\n")
}

// showRefused shows why the bureau's certificate was refused and, when the
// clerk can trust it, the two remedies. It runs on the Fyne thread.
func (p *certPanel) showRefused(e *CertificateError) {
	p.refused = e
	msg := &paragraph{Text: errorText(e), Importance: widget.DangerImportance}
	objs := []fyne.CanvasObject{
		heading(T("无法安全连接数管局服务器")), msg,
		&paragraph{Text: describe(e.Presented)},
	}
	if e.Problem != CertUnusable {
		confirm := T("核对指纹后信任…")
		if e.Problem == CertChanged {
			confirm = T("核对新证书的指纹…")
		}
		how := T("请选择一种方式：导入数管局提供的证书文件；或者打电话给数管局，核对证书指纹后信任此证书。")
		if e.Problem == CertChanged {
			how = T("数管局确认更换了证书后，请导入数管局提供的证书文件，或者打电话核对新证书的指纹后信任它。")
		}
		objs = append(objs, note(how),
			container.NewHBox(
				newButton(&Button{Button: widget.Button{Text: T("导入证书…"), Icon: theme.FolderOpenIcon(), OnTapped: p.onImport}}),
				newButton(&Button{Button: widget.Button{Text: confirm, Icon: theme.ConfirmIcon(), OnTapped: p.onConfirm}})))
	}
	p.problem.Objects = []fyne.CanvasObject{widget.NewCard("", "", container.NewVBox(objs...))}
	p.problem.Refresh()
}

// clearRefused hides the refused certificate.
func (p *certPanel) clearRefused() {
	p.refused = nil
	p.problem.Objects = nil
	p.problem.Refresh()
}

// onImport lets the clerk choose the bureau's CA certificate file and
// trusts it for the address typed.
func (p *certPanel) onImport() {
	addr := strings.TrimSpace(p.s.addr.Text)
	if !strings.HasPrefix(strings.ToLower(addr), "https://") {
		p.s.fail(T("请先填写以 https:// 开头的服务器地址，再导入该服务器的证书"))
		return
	}
	p.s.pick(p.s.u.win, func(data []byte, err error) {
		if err != nil {
			p.s.fail(errorText(err))
			return
		}
		t, err := p.s.u.link.TrustCA(addr, data)
		if err != nil {
			p.s.fail(errorText(err))
			return
		}
		p.trustedNow(fmt.Sprintf(T("已导入证书“%s”。"), t.Certs[0].Subject))
	})
}

// onConfirm shows the presented certificate's fingerprint, for the clerk to
// compare with what the bureau reads out over the phone, and pins it when
// the clerk says it is the same.
func (p *certPanel) onConfirm() {
	e := p.refused
	if e == nil {
		return
	}
	fp := &widget.Label{Text: fingerprintLines(e.Presented.Fingerprint, 8), TextStyle: fyne.TextStyle{Monospace: true},
		SizeName: theme.SizeNameSubHeadingText, Alignment: fyne.TextAlignCenter}
	intro := T("请用您平时联系数管局的电话打给数管局，请对方读出服务器证书的 SHA-256 指纹，与下面逐组核对：")
	if e.Problem == CertChanged {
		intro = T("服务器出示的证书与之前确认的不同。请打电话给数管局，确认数管局确实更换了证书，并请对方读出新证书的 SHA-256 指纹，与下面逐组核对：")
	}
	content := container.NewVBox(
		&paragraph{Text: intro},
		widget.NewCard("", "", fp),
		&paragraph{Text: describe(e.Presented), Importance: widget.LowImportance},
		&paragraph{Text: T("全部一致才信任。只要有一组不同，请不要信任，并告诉数管局：可能有人冒充数管局服务器。"), Importance: widget.WarningImportance},
	)
	d := newCustomConfirm(T("核对证书指纹"), T("指纹一致，信任此证书"), T("取消"),
		container.NewStack(minWidth(560), content), func(ok bool) {
			if !ok {
				return
			}
			if _, err := p.s.u.link.Pin(e.Addr, e.Presented); err != nil {
				p.s.fail(errorText(err))
				return
			}
			p.trustedNow(T("已信任此证书。"))
		}, p.s.u.win)
	d.Show()
}

// trustedNow says what was trusted, lists it and connects again when the
// account and password are filled in.
func (p *certPanel) trustedNow(what string) {
	p.clearRefused()
	p.reloadTrusted()
	if p.s.login.Text != "" && p.s.password.Text != "" {
		p.s.onConnect()
		p.s.result.SetText(what + T("正在重新连接…"))
		return
	}
	p.s.result.Importance = widget.SuccessImportance
	p.s.result.SetText(what + T("请填写账号和密码后连接。"))
}

// reloadTrusted lists what the clerk trusts, each with 移除.
func (p *certPanel) reloadTrusted() {
	var objs []fyne.CanvasObject
	for _, t := range p.s.u.link.Trusted() {
		var what string
		switch {
		case len(t.Certs) == 0:
			continue
		case t.Pinned:
			what = fmt.Sprintf(T("已核对指纹并信任服务器证书“%s”（有效期至 %s）\nSHA-256 指纹：\n%s"),
				t.Certs[0].Subject, t.Certs[0].NotAfter.Local().Format(dateOnly), fingerprintLines(t.Certs[0].Fingerprint, 16))
		default:
			var names []string
			for _, c := range t.Certs {
				names = append(names, fmt.Sprintf(T("“%s”（有效期至 %s）"), c.Subject, c.NotAfter.Local().Format(dateOnly)))
			}
			what = fmt.Sprintf(T("已导入证书机构 %s"), strings.Join(names, "、"))
		}
		bureau := t.Bureau
		remove := newButton(&Button{Button: widget.Button{Text: T("移除"), Icon: theme.DeleteIcon(), Importance: widget.LowImportance,
			OnTapped: func() { p.onRemove(bureau) }}})
		text := &paragraph{Text: bureau + "\n" + what}
		objs = append(objs, container.NewBorder(nil, nil, nil, remove, text))
	}
	if len(objs) > 0 {
		objs = append([]fyne.CanvasObject{heading(T("信任的数管局证书"))}, objs...)
	}
	p.trusted.Objects = objs
	p.trusted.Refresh()
}

// onRemove forgets what is trusted for bureau, after asking.
func (p *certPanel) onRemove(bureau string) {
	showConfirm(T("移除信任的证书"),
		fmt.Sprintf(T("移除后，本机不再信任 %s 的证书，连接时须重新导入证书或核对指纹。确定移除吗？"), bureau),
		func(ok bool) {
			if !ok {
				return
			}
			if err := p.s.u.link.Untrust(bureau); err != nil {
				p.s.u.showError(err)
				return
			}
			p.reloadTrusted()
		}, p.s.u.win)
}

// filterCertificates offers the files a bureau hands out as its certificate.
var filterCertificates = FileFilter{Name: "证书文件（.crt、.cer、.pem、.der）", Exts: []string{".crt", ".cer", ".pem", ".der"}}

// pickCertificate asks for a certificate file with the desktop's file
// dialog (Fyne's where there is none) and gives done its content, at most
// 1 MiB; cancelling calls nothing.
func (u *UI) pickCertificate(done func(data []byte, err error)) {
	u.openFile("选择数管局的证书文件", filterCertificates, func(path string) {
		f, err := os.Open(path)
		if err == nil {
			defer f.Close()
			var data []byte
			if data, err = io.ReadAll(io.LimitReader(f, 1<<20)); err == nil {
				done(data, nil)
				return
			}
		}
		done(nil, app.Errorf(app.EINVALID, "读取证书文件失败，请确认文件没有被其他程序占用"))
	})
}
