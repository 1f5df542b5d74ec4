package ui

import (
	"context"
	"egovdesk/app"
	"errors"
	"fmt"
	"fyne.io/fyne/v2/theme"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// quitShortcut is Ctrl+Q (⌘Q on a Mac). As a main-menu shortcut it works
// while a field has the keyboard, where a canvas shortcut would not.
var quitShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: fyne.KeyModifierShortcutDefault}

// mainMenu returns the window's menu bar: 文件 (new filings, settings,
// 退出 Ctrl+Q), 转到 (the keyboard's ways around: goMenu) and 帮助 (the
// version, for a call to the bureau's help desk).
func (u *UI) mainMenu() *fyne.MainMenu {
	file := u.newFilingMenu()
	file.Label = T("文件")
	file.Items = append(file.Items,
		fyne.NewMenuItemSeparator(),
		&fyne.MenuItem{Label: T("删除当前草稿…"), Action: u.deleteCurrentDraft},
		&fyne.MenuItem{Label: T("备份到文件…"), Action: u.backupToFile},
		&fyne.MenuItem{Label: T("从备份恢复…"), Action: u.restoreFromFile},
		&fyne.MenuItem{Label: T("从数管局恢复…"), Action: u.restoreFromBureau},
		fyne.NewMenuItemSeparator(),
		&fyne.MenuItem{Label: T("设置"), Action: u.showSettings},
		fyne.NewMenuItemSeparator(),
		&fyne.MenuItem{Label: T("退出"), IsQuit: true, Shortcut: quitShortcut, Action: u.quit},
	)
	help := fyne.NewMenu(T("帮助"),
		&fyne.MenuItem{Label: T("键盘操作"), Action: u.showKeys},
		&fyne.MenuItem{Label: T("关于"), Action: u.showAbout})
	return fyne.NewMainMenu(file, u.goMenu(), help)
}

// showAbout tells the version and build, which the bureau's help desk asks
// for first.
func (u *UI) showAbout() {
	m := u.app.Metadata()
	showMessage(T("关于"), fmt.Sprintf(T("政务信息化项目申报（egovdesk）\n版本 %s（构建 %d）\n\n起草、提交和跟踪政务信息化项目从申报到验收、运维各阶段的材料，接收数管局的审核决定。"),
		m.Version, m.Build), u.win)
}

// quit ends the client once the open editor's last edit is stored. One the
// store cannot take (a disk nearly full) would be lost with the window:
// 退出 closed it at once, and the draft typed was gone at the next start
// (found in a clerk's walkthrough on a full disk). Then the clerk is asked
// first, and can go back to free space or export the filing to Word.
func (u *UI) quit() {
	e := u.editor
	if e == nil || !e.saver.pending() {
		u.app.Quit()
		return
	}
	if u.quitAsking {
		return // the question is on the screen: 退出 again stacked another
	}
	u.quitAsking = true
	u.goWait(func(context.Context) {
		err := e.saver.flush()
		if err == nil && e.saver.pending() {
			err = e.saver.flush() // an edit that came in meanwhile
		}
		if err != nil && e.saver.pending() && e.saver.rescue() == nil {
			err = nil // kept aside, stored at the next start (Store.Rescue)
		}
		u.do(func() {
			if err == nil {
				u.quitAsking = false
				u.app.Quit()
				return
			}
			why := T("本机磁盘已满")
			if !errors.Is(err, app.ErrDiskFull) {
				why = errorText(err)
			}
			// One sentence, not the store's message inside this one (it said
			// 刚才输入的内容 and 会自动保存 twice; found on a full disk).
			d := newConfirm(T("有内容未能保存"), Tf("刚才输入的内容未能保存到本机（%s），现在退出将丢失。\n\n请返回，释放磁盘空间后稍等片刻，内容会自动保存；或用“导出 Word”把材料另存到其他磁盘。", why), func(ok bool) {
				u.quitAsking = false
				if ok {
					u.app.Quit()
				}
			}, u.win)
			d.SetConfirmText(T("仍然退出"))
			d.SetDismissText(T("返回"))
			d.yes.Icon = theme.WarningIcon() // not ✓ on the button that loses the text
			// Enter goes back; Escape presses neither.
			d.yes.Importance, d.no.Importance = widget.DangerImportance, widget.HighImportance
			d.Show()
		})
	})
}
