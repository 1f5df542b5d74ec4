package ui

import (
	"strings"

	"fyne.io/fyne/v2"

	"egovdesk/app"
)

// Notice is an OS notification of a bureau decision or notice.
type Notice struct {
	FilingID string // the filing decided on; "" for a notice to the unit
	Title    string // one line, e.g. 《项目》第 2 版：退回修改
	Body     string // the reviewer's comment, or what the decision means; never empty
	// Open shows what the notice is about — the filing's timeline with the
	// reviewer's comment, or the inbox for a notice — and raises the window.
	// A Notifier calls it when the clerk clicks the notification; it is safe
	// to call from any goroutine.
	Open func()
}

// Notifier shows OS notifications. cmd/egovdesk implements it over the
// desktop's notification service so that clicking one opens its filing;
// without it (Options.Notifier nil) the UI uses Fyne's notifications, which
// cannot be clicked.
type Notifier interface {
	// Notify shows n. It is called on a goroutine of the UI, never on the
	// Fyne thread. An error means n was not shown: the UI then falls back
	// to Fyne's notification.
	Notify(n Notice) error
}

// fyneNotifier shows notifications with Fyne's SendNotification.
type fyneNotifier struct {
	app fyne.App
	do  func(func())
}

func (f fyneNotifier) Notify(n Notice) error {
	f.do(func() { f.app.SendNotification(fyne.NewNotification(n.Title, n.Body)) })
	return nil
}

// notice returns the OS notification of decision d.
func (u *UI) notice(d Decision) Notice {
	id := d.FilingID
	return Notice{FilingID: id, Title: d.headline(u.link.Profile()), Body: noticeBody(u.link.Profile(), d),
		Open: func() { u.do(func() { u.openNotice(id) }) }}
}

// noticeBody returns the reviewer's comment or the notice's text, and when
// there is none (受理 and 初审通过 usually come without a comment) what the
// decision means for the clerk.
func noticeBody(prof *app.Profile, d Decision) string {
	if d.Text != "" {
		return d.Text
	}
	switch d.Action {
	case app.ActionAccept:
		return Tf("%s已受理，正在审核；有结果会再通知您。", prof.BureauShort())
	case app.ActionPass:
		return T("初审通过，已转专家论证；有结果会再通知您。")
	case app.ActionApprove:
		if d.FilingKind != "" && d.FilingKind != app.KindDeclaration {
			// 已通过验收, 已通过前置审核…: a later filing is not 立项
			// (found in review)
			return Tf("%s。", prof.StatusLabel(app.StatusApproved, d.FilingKind))
		}
		return T("已批复立项。")
	case app.ActionFile:
		return T("已予以备案。")
	case "":
		return T("请在收件箱查看。")
	}
	return T("点击查看进度与批复。")
}

// openNotice raises the window on what a clicked notification is about: a
// decision opens its filing's timeline, which shows every decision with the
// reviewer's comment, and marks the filing's unread decisions read, as
// opening them in the inbox does; a notice, or a decision on a filing this
// client does not hold, opens the inbox.
func (u *UI) openNotice(filingID string) {
	if u.ctx.Err() != nil {
		return
	}
	u.raise()
	if filingID == "" {
		u.ShowInbox()
		return
	}
	if _, err := u.store.Send(u.ctx, filingID); err != nil { // its summary: held here or not
		u.ShowInbox()
		return
	}
	u.OpenTimeline(filingID) // which marks the filing's decisions read
}

// Activate raises the window, as a second start of the program does, and
// when target names what a notification was about ("notice:" and a filing
// ID, or "notice:" alone for the inbox) opens it as clicking that
// notification does. It is safe to call from any goroutine; cmd/egovdesk
// calls it when a second start hands over to this one (a click on a Windows
// toast starts the program with the notification's link).
func (u *UI) Activate(target string) {
	u.do(func() {
		if u.ctx.Err() != nil {
			return
		}
		if id, ok := strings.CutPrefix(target, "notice:"); ok {
			u.openNotice(id)
			return
		}
		u.raise()
	})
}
