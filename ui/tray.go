package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
)

// trayMenu is the system tray menu: what waits to be sent and what is
// unread, and 打开 / 立即发送 / 退出.
type trayMenu struct {
	u       *UI
	desk    desktop.App
	menu    *fyne.Menu
	pending *fyne.MenuItem
	unread  *fyne.MenuItem
}

// newTrayMenu returns the tray menu, or nil when the app has no tray.
func newTrayMenu(u *UI) *trayMenu {
	desk, ok := u.app.(desktop.App)
	if !ok {
		return nil
	}
	t := &trayMenu{u: u, desk: desk,
		pending: &fyne.MenuItem{Label: T("没有待发送的材料"), Disabled: true},
		unread:  &fyne.MenuItem{Label: T("没有未读批复"), Disabled: true},
	}
	t.menu = fyne.NewMenu(T("政务信息化项目申报"),
		&fyne.MenuItem{Label: T("打开"), Action: t.onOpen},
		&fyne.MenuItem{Label: T("立即发送"), Action: u.link.Kick},
		fyne.NewMenuItemSeparator(),
		t.pending, t.unread,
		fyne.NewMenuItemSeparator(),
		&fyne.MenuItem{Label: T("退出"), IsQuit: true, Action: u.app.Quit},
	)
	desk.SetSystemTrayMenu(t.menu)
	return t
}

func (t *trayMenu) onOpen() {
	t.u.win.Show()
	t.u.win.RequestFocus()
}

// update shows the counts in the menu.
func (t *trayMenu) update(st SyncStatus, c Counts) {
	if t == nil {
		return
	}
	waiting := max(st.Waiting, c.Outbox)
	t.pending.Label = T("没有待发送的材料")
	if waiting > 0 {
		t.pending.Label = fmt.Sprintf(T("待发送 %d 项"), waiting)
	}
	t.unread.Label = T("没有未读批复")
	if c.Unread > 0 {
		t.unread.Label = fmt.Sprintf(T("未读批复 %d 条"), c.Unread)
	}
	t.menu.Refresh()
}
