package ui

import (
	"context"
	"errors"
	"path/filepath"

	"fyne.io/fyne/v2/widget"
)

// backupToFile writes a backup of everything this computer holds to a file
// the clerk chooses (文件 → 备份到文件…): a U disk or a network share keeps
// the unit's filings when the laptop is lost. egovdesk --restore FILE puts
// it back on a new computer.
func (u *UI) backupToFile() {
	name := "egovdesk-" + T("备份") + "-" + u.now().Format("20060102-1504") + ".egovbak"
	u.saveFile(T("备份到文件"), name, filterBackup, func(path string) {
		u.goWait(func(ctx context.Context) {
			err := u.store.Backup(ctx, path)
			u.do(func() {
				if err != nil {
					u.showError(err)
					return
				}
				showMessage(T("备份完成"), Tf("已把本机的全部材料、附件和数管局连接设置备份到\n%s\n\n请把它保存在 U 盘或单位的共享文件夹里。换电脑后，在新装的客户端里用“文件 → 从备份恢复…”选择此文件。\n\n备份是加密的：在另一台电脑上恢复时，要输入本机的恢复密钥（“设置 → 自动备份 → 显示恢复密钥”）。请把它抄下，与备份分开保管。", filepath.Clean(path)), u.win)
			})
		})
	})
}

// restoreFromFile restores a backup on a new computer (文件 → 从备份恢复…):
// only into a client that holds no filings yet, so nothing here is lost;
// the client closes, restores and opens again.
func (u *UI) restoreFromFile() {
	if u.restore == nil {
		showMessage(T("从备份恢复"), T("请关闭客户端，在命令行运行 egovdesk --restore 备份文件。"), u.win)
		return
	}
	u.openFile(T("选择备份文件"), filterBackup, func(path string) {
		u.goWait(func(context.Context) {
			err := u.restore(path)
			u.do(func() {
				if errors.Is(err, ErrRecoveryKeyNeeded) && u.restoreKey != nil {
					u.askRecoveryKey(path)
				} else if err != nil {
					u.showError(err)
				}
			})
		})
	})
}

// askRecoveryKey asks for the recovery key of the computer that wrote the
// encrypted backup at path, then restores it.
func (u *UI) askRecoveryKey(path string) {
	key := newDialogField(false)
	key.PlaceHolder = "ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-4567"
	d := newCustomConfirm(T("输入恢复密钥"), T("恢复"), T("取消"),
		widget.NewForm(
			widget.NewFormItem("", &widget.Label{Text: T("此备份是加密的，来自另一台电脑（或重装系统之前）。\n请输入那台电脑“设置 → 自动备份 → 显示恢复密钥”中的\n恢复密钥（共 8 组，每组 4 个字母或数字）。")}),
			widget.NewFormItem(T("恢复密钥"), key)),
		func(ok bool) {
			if !ok {
				return
			}
			k := key.Text
			u.goWait(func(context.Context) {
				err := u.restoreKey(path, k)
				u.do(func() {
					if err != nil {
						u.showError(err)
					}
				})
			})
		}, u.win)
	d.Show()
	u.win.Canvas().Focus(key) // the key is all there is to type
}
