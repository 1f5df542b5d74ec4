package ui

import (
	"context"
	"path/filepath"

	"fyne.io/fyne/v2/dialog"
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
				dialog.ShowInformation(T("备份完成"), Tf("已把本机的全部材料、附件和数管局连接设置备份到\n%s\n\n请把它保存在 U 盘或单位的共享文件夹里。换电脑后，用 egovdesk --restore 加此文件恢复。", filepath.Clean(path)), u.win)
			})
		})
	})
}
