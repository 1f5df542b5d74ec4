package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"

	"egovdesk/app"
)

// trayMenu is the system tray icon and its menu: what waits to be sent and
// what is unread, and 打开 / 立即发送 / 退出. The icon's title names the client;
// its tooltip also says what is unread and waiting.
type trayMenu struct {
	u       *UI
	desk    desktop.App
	text    func(title, tooltip string) // nil: Fyne's title stays
	menu    *fyne.Menu
	pending *fyne.MenuItem
	unread  *fyne.MenuItem

	// state, on the Fyne thread
	shown  bool // a tray host shows the icon: closing the window hides it
	hidden bool // the window is hidden to the tray
	texts  [2]string
}

// newTrayMenu sets up the tray icon and its menu, or returns nil when the
// app has no tray. It is set up even while no tray host shows it: Fyne
// starts the tray (on Linux, a StatusNotifierItem on the session bus) only
// when its event loop starts, and the item registers itself with a
// StatusNotifierWatcher that appears later (a panel started after the
// client). SetTrayShown then lets closing the window hide it.
func newTrayMenu(u *UI, text func(title, tooltip string)) *trayMenu {
	desk, ok := u.app.(desktop.App)
	if !ok {
		return nil
	}
	t := &trayMenu{u: u, desk: desk, text: text,
		pending: &fyne.MenuItem{Label: T("没有待发送的材料"), Disabled: true},
		unread:  &fyne.MenuItem{Label: T("打开收件箱")},
	}
	t.unread.Action = t.onInbox
	t.menu = fyne.NewMenu(T("政务信息化项目申报"),
		&fyne.MenuItem{Label: T("打开"), Action: u.raise},
		&fyne.MenuItem{Label: T("立即发送"), Action: u.link.Kick},
		fyne.NewMenuItemSeparator(),
		t.pending, t.unread,
		fyne.NewMenuItemSeparator(),
		&fyne.MenuItem{Label: T("退出"), IsQuit: true, Action: u.quit},
	)
	desk.SetSystemTrayMenu(t.menu)
	return t
}

// SetTrayShown tells the UI whether a tray host shows the tray icon, when
// one appears or leaves after the start (a panel started after the client,
// or restarted). While it does, closing the window hides it to the tray;
// otherwise closing quits, and a window hidden to a tray that has gone is
// shown again, so that the clerk is never left without a way back. It is
// safe to call from any goroutine.
func (u *UI) SetTrayShown(shown bool) {
	u.do(func() { u.setTrayShown(shown) })
}

func (u *UI) setTrayShown(shown bool) {
	t := u.tray
	if t == nil {
		u.win.SetCloseIntercept(u.quit)
		return
	}
	t.shown = shown
	if shown {
		u.win.SetCloseIntercept(t.hide) // the tray's 退出 quits
		return
	}
	u.win.SetCloseIntercept(u.quit)
	if t.hidden {
		u.raise()
	}
}

// TrayShown reports whether closing the window hides it to the tray.
func (u *UI) TrayShown() bool { return u.tray != nil && u.tray.shown }

func (t *trayMenu) hide() {
	t.hidden = true
	t.u.win.Hide()
}

// raise shows the window and asks for the focus.
func (u *UI) raise() {
	if u.tray != nil {
		u.tray.hidden = false
	}
	u.win.Show()
	u.win.RequestFocus()
}

func (t *trayMenu) onInbox() {
	t.u.raise()
	t.u.ShowInbox()
}

// update shows the counts in the menu, the title and the tooltip. Only
// decisions count as 批复; unread notices are named apart.
func (t *trayMenu) update(st SyncStatus, c app.Counts) {
	if t == nil {
		return
	}
	waiting := max(st.Waiting, c.Outbox)
	t.pending.Label = T("没有待发送的材料")
	if waiting > 0 {
		t.pending.Label = fmt.Sprintf(T("待发送 %d 项"), waiting)
	}
	decisions, notices := c.UnreadDecisions, max(c.Unread-c.UnreadDecisions, 0)
	switch {
	case decisions > 0 && notices > 0:
		t.unread.Label = fmt.Sprintf(T("未读批复 %d 条、通知 %d 条"), decisions, notices)
	case decisions > 0:
		t.unread.Label = fmt.Sprintf(T("未读批复 %d 条"), decisions)
	case notices > 0:
		t.unread.Label = fmt.Sprintf(T("未读通知 %d 条"), notices)
	default:
		t.unread.Label = T("打开收件箱")
	}
	t.menu.Refresh()
	if t.text == nil {
		return
	}
	// The title stays the name: no Linux tray host shows it as text (they
	// show the tooltip), it is the item's Id when it registers, and Fyne
	// sets it again, racing, when its loop starts the tray.
	title := T("政务信息化项目申报")
	tooltip := title
	if decisions+notices > 0 {
		tooltip += T("：") + t.unread.Label
	}
	if waiting > 0 {
		tooltip += T("；") + t.pending.Label
	}
	if texts := [2]string{title, tooltip}; texts != t.texts {
		t.texts = texts
		t.text(title, tooltip)
	}
}
