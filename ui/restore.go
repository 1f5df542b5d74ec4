package ui

import (
	"context"

	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"egovdesk/app"
)

// Restoring from the bureau. A client logged in to its unit with an empty
// store restores by itself; the connection bar says how far it got. 文件 →
// 从数管局恢复 asks for it on a machine in use (what it holds stays), and an
// attachment of a restored filing is fetched from the bureau when the clerk
// opens it.

// RestoreProgress is a restore from the bureau under way.
type RestoreProgress struct {
	Restored, Total int
}

// BureauRestorer is a Link that can bring back the unit's filings from the
// bureau. The menu item is hidden for a Link that is not one.
type BureauRestorer interface {
	// RestoreFromBureau asks for a restore on the next sync pass and
	// starts it; it fails with a Chinese message when no bureau is
	// connected.
	RestoreFromBureau() error
}

// AttachmentFetcher is a Link that can open an attachment: the local file,
// or, when this machine does not have it (a restored filing), the bureau's
// copy, downloaded and checked against its SHA-256.
type AttachmentFetcher interface {
	FetchAttachment(ctx context.Context, filingID string, a app.Attachment) (path string, err error)
}

// restoreFromBureau is 文件 → 从数管局恢复.
func (u *UI) restoreFromBureau() {
	r, ok := u.link.(BureauRestorer)
	if !ok || !u.link.Status().Connected {
		showMessage(T("从数管局恢复"), T("尚未连接数管局。请先在“设置”中连接并登录本单位的账号，再从数管局恢复。"), u.win)
		return
	}
	showConfirm(u.named(T("从数管局恢复")),
		u.named(T("从数管局取回本单位已提交的全部材料（各版本、审核意见和流转记录）。\n本机已有的材料和草稿保持不变，只补上本机没有的；附件在打开时再下载。\n\n现在开始吗？")),
		func(yes bool) {
			if !yes {
				return
			}
			if err := r.RestoreFromBureau(); err != nil {
				u.showError(err)
			}
		}, u.win)
}

// restoreText is the connection bar's line for a restore under way from
// bureau (as the rules name it).
func restoreText(bureau string, p *RestoreProgress) string {
	if p.Total == 0 {
		return Tf("正在从%s恢复材料…", bureau)
	}
	return Tf("正在从%s恢复：已恢复 %d / %d 份", bureau, p.Restored, p.Total)
}

// openAttachmentButton returns the 打开 button of attachment a of filing
// id, or nil when the Link cannot open attachments.
func (u *UI) openAttachmentButton(id string, a app.Attachment) *Button {
	f, ok := u.link.(AttachmentFetcher)
	if !ok {
		return nil
	}
	b := newButton(&Button{Button: widget.Button{Text: T("打开"), Icon: theme.FileIcon(), Importance: widget.LowImportance}})
	b.OnTapped = func() {
		b.Disable()
		b.SetText(T("正在下载…"))
		u.goWait(func(ctx context.Context) {
			path, err := f.FetchAttachment(ctx, id, a)
			if err == nil {
				err = openInViewer(path)
			}
			u.do(func() {
				b.SetText(T("打开"))
				b.Enable()
				if err != nil {
					u.showError(app.Errorf(app.ErrorCode(err), "%s", T("附件无法打开：")+app.ErrorMessage(err)))
				}
			})
		})
	}
	return b
}
