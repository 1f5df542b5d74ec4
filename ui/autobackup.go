package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// autoBackupPanel is the settings' 自动备份: where the daily backup goes,
// when it last went, and why it failed.
type autoBackupPanel struct {
	u      *UI
	obj    *fyne.Container
	state  *paragraph
	choose *Button
	off    *Button
}

func newAutoBackupPanel(u *UI) *autoBackupPanel {
	p := &autoBackupPanel{u: u, state: &paragraph{}}
	p.choose = newButton(&Button{Button: widget.Button{Text: T("选择备份文件夹…"), Icon: theme.FolderOpenIcon(), OnTapped: p.onChoose}})
	p.off = newButton(&Button{Button: widget.Button{Text: T("停止自动备份"), Importance: widget.LowImportance, OnTapped: func() { p.set("") }}})
	p.obj = container.NewVBox(heading(T("自动备份")),
		note(T("每天把本机的全部材料和附件备份一次到所选文件夹（U 盘或单位的共享文件夹），保留最近 7 份。换电脑后，在新装的客户端里用“文件 → 从备份恢复…”选择其中一份。")),
		p.state, container.NewHBox(p.choose, p.off))
	if rk, ok := u.backups.(RecoveryKeys); ok && rk.RecoveryKey() != "" {
		p.obj.Add(recoveryKeyLine(u, rk))
	}
	p.show()
	return p
}

// recoveryKeyLine says how the data on this computer is protected, and
// shows the recovery key on request: the one thing a clerk must keep
// (printed, or in the unit's safe) to restore a backup on a new computer.
func recoveryKeyLine(u *UI, rk RecoveryKeys) fyne.CanvasObject {
	show := newButton(&Button{Button: widget.Button{Text: T("显示恢复密钥…"), Icon: theme.VisibilityIcon(), Importance: widget.LowImportance}})
	show.OnTapped = func() {
		key := &widget.Label{Text: rk.RecoveryKey(), TextStyle: fyne.TextStyle{Monospace: true, Bold: true}, Selectable: true}
		newCloseDialog(T("恢复密钥"), T("关闭"), container.NewVBox(
			note(T("请抄写或打印后交单位保管（不要与电脑放在一起）。电脑损坏或重装系统后，在新电脑上从备份恢复时需要输入它；没有它，备份无法打开。")),
			key), u.win).Show()
	}
	return container.NewVBox(
		note(Tf("本机材料和附件已加密保存（%s）；备份文件同样加密。", rk.Protection())),
		container.NewHBox(show))
}

func (p *autoBackupPanel) show() {
	folder, last, problem := p.u.backups.Auto()
	switch {
	case folder == "":
		p.state.Importance = widget.MediumImportance
		p.state.SetText(T("未开启自动备份。"))
		p.off.Hide()
	case problem != "":
		p.state.Importance = widget.DangerImportance
		p.state.SetText(Tf("备份到 %s 失败：%s", folder, problem))
		p.off.Show()
	case last.IsZero():
		p.state.Importance = widget.MediumImportance
		p.state.SetText(Tf("备份到 %s", folder))
		p.off.Show()
	default:
		p.state.Importance = widget.SuccessImportance
		p.state.SetText(Tf("备份到 %s，上次备份 %s", folder, clock(last, p.u.now())))
		p.off.Show()
	}
}

func (p *autoBackupPanel) onChoose() {
	p.u.chooseFolder(T("选择备份文件夹"), p.set)
}

// set turns automatic backups on into folder (writing the first one now)
// or off, off the Fyne thread.
func (p *autoBackupPanel) set(folder string) {
	p.choose.Disable()
	if folder != "" {
		p.state.SetText(T("正在备份…"))
	}
	p.u.goWait(func(context.Context) {
		err := p.u.backups.SetAuto(folder)
		p.u.do(func() {
			p.choose.Enable()
			p.show()
			if err != nil {
				p.u.showError(err)
			}
		})
	})
}
