package ui

import (
	"context"
	"errors"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// setupScreen is the first run's choice and, later, the settings: connect
// to the county data bureau (address, account, password), or work offline
// under one of the embedded jurisdiction profiles; and the language.
type setupScreen struct {
	u     *UI
	first bool

	addr     *widget.Entry
	login    *widget.Entry
	password *widget.Entry
	connect  *Button
	result   *paragraph
	cert     *certPanel
	// lastPassword is the change-password dialog last shown (password.go).
	lastPassword *passwordDialog
	// pick asks for a certificate file [UI.pickCertificate]; tests replace it.
	pick func(win fyne.Window, done func(data []byte, err error))

	profile  *widget.Select
	unit     *widget.Entry
	actor    *widget.Entry
	offline  *Button
	language *widget.Select

	ids []string // profile IDs in the order of profile's options
}

func newSetupScreen(u *UI, first bool) *setupScreen {
	s := &setupScreen{u: u, first: first,
		addr:     &widget.Entry{PlaceHolder: "https://sgj.example.gov.cn:8443"},
		login:    &widget.Entry{PlaceHolder: T("数管局分配的账号")},
		password: &widget.Entry{Password: true, PlaceHolder: T("密码")},
		result:   &paragraph{},
		unit:     &widget.Entry{PlaceHolder: T("本单位全称，与公章一致")},
		actor:    &widget.Entry{PlaceHolder: T("您的姓名")},
	}
	s.pick = func(_ fyne.Window, done func([]byte, error)) { u.pickCertificate(done) }
	s.cert = newCertPanel(s)
	for _, e := range []*widget.Entry{s.addr, s.login, s.password, s.unit, s.actor} {
		e.ExtendBaseWidget(e)
	}
	sess := u.link.Session()
	s.addr.SetText(sess.Bureau)
	s.login.SetText(sess.Login)
	s.unit.SetText(sess.UnitName)
	s.actor.SetText(sess.Actor)
	s.password.OnSubmitted = func(string) { s.onConnect() }
	s.connect = newButton(&Button{Button: widget.Button{Text: T("连接数管局"), Icon: theme.LoginIcon(), Importance: widget.HighImportance, OnTapped: s.onConnect}})

	var labels []string
	for id := range u.profiles {
		s.ids = append(s.ids, id)
	}
	sort.Strings(s.ids)
	for _, id := range s.ids {
		p := u.profiles[id]
		labels = append(labels, T(p.Jurisdiction)+" · "+T(p.Regulation))
	}
	s.profile = &widget.Select{Options: labels, PlaceHolder: T("选择所在地区的规则")}
	s.profile.ExtendBaseWidget(s.profile)
	for i, id := range s.ids {
		if id == sess.ProfileID {
			s.profile.SetSelectedIndex(i)
		}
	}
	s.offline = newButton(&Button{Button: widget.Button{Text: T("离线开始工作"), Icon: theme.DocumentCreateIcon(), OnTapped: s.onOffline}})
	s.language = &widget.Select{Options: []string{"简体中文", "English"}, OnChanged: s.onLanguage}
	if Language() == LangEnglish {
		s.language.Selected = "English"
	} else {
		s.language.Selected = "简体中文"
	}
	return s
}

func (s *setupScreen) object() fyne.CanvasObject {
	intro := T("连接本县（市）数管局后，提交的材料会自动发送，审核决定会及时通知您。没有网络时也可以先离线填写，连接后再发送。")
	onlineTitle, offlineTitle := T("连接数管局"), T("暂不连接，离线工作")
	connected := false
	// Later, 设置 says first how this computer works now, so that its
	// forms read as a change, not as a client that is not connected.
	if sess := s.u.link.Session(); !s.first && sess.Configured {
		switch {
		case sess.Bureau != "":
			intro = Tf("本机已连接%s（%s），账号 %s（%s）。提交的材料自动发送，审核决定会及时通知您。需要时可在下面更换数管局或账号。",
				s.u.bureau(), sess.Bureau, sess.Login, sess.UnitName)
			onlineTitle, connected = T("更换数管局或账号"), true
		case s.u.profiles[sess.ProfileID] != nil:
			intro = Tf("本机现在离线工作，按%s的规则检查材料；提交的材料在连接数管局后才会发送。", T(s.u.profiles[sess.ProfileID].Jurisdiction))
		}
	}
	// One column of labels for the screen's forms: with a column each,
	// 所在地区's input started left of 服务器地址's.
	labels := &labelColumn{}
	online := container.NewVBox(heading(onlineTitle),
		labels.form(T("服务器地址"), s.addr, T("账号"), s.login, T("密码"), s.password),
		container.NewHBox(s.connect,
			newButton(&Button{Button: widget.Button{Text: T("导入数管局证书…"), Icon: theme.FolderOpenIcon(), Importance: widget.LowImportance, OnTapped: s.cert.onImport}})),
		s.result, s.cert.problem, s.cert.trusted)
	offline := container.NewVBox(heading(offlineTitle),
		note(T("选择所在地区，本机按该地区的规则检查申报材料。")),
		labels.form(T("所在地区"), s.profile, T("单位名称"), s.unit, T("您的姓名"), s.actor),
		container.NewHBox(s.offline))
	if connected {
		// A connected computer works on without the network by itself:
		// 改为离线工作 was offered, and 离线开始工作 then refused with
		// "已连接数管局，使用数管局的规则" (found in a clerk's walkthrough
		// on a bad link).
		offline = container.NewVBox(heading(T("没有网络时")),
			note(T("本机照常工作，无需改为离线：材料保存在本机，可以编辑、检查和提交；提交的材料在网络恢复后自动发送，底部状态栏显示待发送的数量。")))
	}
	parts := []fyne.CanvasObject{note(intro), online, widget.NewSeparator(), offline}
	if !s.first {
		parts = append(parts, widget.NewSeparator(), heading(T("界面语言")),
			labels.form(T("语言"), s.language), note(T("更改后界面立即切换语言。")))
		if s.u.link.Session().Bureau != "" {
			parts = append(parts, newKeyChangePanel(s.u).obj)
		}
		if dk, ok := s.u.link.(DraftKeeper); ok && s.u.link.Session().Bureau != "" {
			parts = append(parts, widget.NewSeparator(), newDraftCopiesPanel(s.u, dk).obj)
		}
		if s.u.backups != nil {
			parts = append(parts, widget.NewSeparator(), newAutoBackupPanel(s.u).obj)
		}
	}
	title := T("设置")
	if s.first {
		title = T("欢迎使用政务信息化项目申报")
	}
	box := container.NewVBox(append([]fyne.CanvasObject{&widget.Label{Text: title, TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameHeadingText}}, parts...)...)
	// The wheel moves the page wherever the pointer is, over a field too.
	return newFormScroll(container.NewCenter(container.NewStack(minWidth(640), container.NewPadded(box))))
}

// onConnect logs in off the Fyne thread.
func (s *setupScreen) onConnect() {
	addr, login, pw := strings.TrimSpace(s.addr.Text), s.login.Text, s.password.Text
	if addr == "" || login == "" || pw == "" {
		s.fail(T("请填写服务器地址、账号和密码"))
		return
	}
	s.cert.clearRefused()
	s.connect.Disable()
	s.result.Importance = widget.MediumImportance
	s.result.SetText(T("正在连接…"))
	s.u.goWait(func(ctx context.Context) {
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		err := s.u.link.Connect(ctx, addr, login, pw)
		s.u.do(func() {
			s.connect.Enable()
			var ce *CertificateError
			var pe *PasswordChangeError
			switch {
			case errors.As(err, &pe): // an initial or expired password: change it first (password.go)
				s.lastPassword = s.askNewPassword(addr, login, pw, pe)
				return
			case errors.As(err, &ce):
				s.fail(T("连接失败：数管局服务器的证书未通过检查，见下方说明"))
				s.cert.showRefused(ce)
				return
			case err != nil:
				s.fail(T("连接失败：") + errorText(err))
				return
			}
			s.password.SetText("")
			s.u.refresh()
			s.u.ShowHome()
		})
	})
}

// fail shows msg as the result, in red.
func (s *setupScreen) fail(msg string) {
	s.result.Importance = widget.DangerImportance
	s.result.SetText(msg)
}

func (s *setupScreen) onOffline() {
	i := s.profile.SelectedIndex()
	if i < 0 {
		s.fail(T("请选择所在地区"))
		return
	}
	if err := s.u.link.WorkOffline(s.ids[i], s.unit.Text, s.actor.Text); err != nil {
		s.u.showError(err)
		return
	}
	s.u.refresh()
	s.u.ShowHome()
}

func (s *setupScreen) onLanguage(v string) {
	l := LangChinese
	if v == "English" {
		l = LangEnglish
	}
	if err := s.u.SetLanguage(l); err != nil {
		s.u.showError(err)
	}
}
