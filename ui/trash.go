package ui

import (
	"context"
	"errors"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"egovdesk/app"
)

// undoFor is how long the list offers 撤销 after a draft was deleted. The
// store keeps deleted drafts longer (store.TrashRetention); the list only
// offers the undo a clerk expects right after a mistaken click.
const undoFor = 20 * time.Second

// deleteCurrentDraft asks to delete the draft open in the editor (文件 →
// 删除当前草稿…). Only a draft that was never submitted can be deleted: a
// submitted filing is part of the record the bureau holds.
func (u *UI) deleteCurrentDraft() {
	e := u.editor
	switch {
	case e == nil:
		showMessage(T("删除草稿"), Tf("请先打开要删除的草稿。只有从未提交过的草稿可以删除；已提交的材料%s存有记录，不能删除。", u.bureau()), u.win)
		return
	case e.f.Status != app.StatusDraft || e.f.Revision.Submitted() || e.f.Revision.Number > 1:
		showMessage(T("删除草稿"), Tf("“%s”已提交过，%s存有记录，不能删除。只有从未提交过的草稿可以删除。", e.title.Text, u.bureau()), u.win)
		return
	}
	id, title := e.f.ID, e.title.Text // as the editor's header names it: （未命名的试运行报告）
	d := newConfirm(T("删除草稿"), Tf("删除草稿“%s”？\n删除后 %d 秒内可在列表上方点“撤销”恢复。", title, int(undoFor.Seconds())), func(ok bool) {
		if ok {
			u.deleteDraft(e, id, title)
		}
	}, u.win)
	d.SetConfirmText(T("删除"))
	d.SetDismissText(T("取消"))
	d.SetConfirmImportance(widget.DangerImportance)
	d.Show()
}

// deleteDraft closes the editor, stores its last edit (so no save can
// bring the draft back afterwards), deletes the draft and shows the list
// with 撤销.
func (u *UI) deleteDraft(e *editorScreen, id, title string) {
	u.leaveEditor()
	u.goWait(func(ctx context.Context) {
		err := e.saver.flush()
		if err == nil {
			err = u.store.DeleteDraft(ctx, id)
		}
		u.do(func() {
			if errors.Is(err, app.ErrDiskFull) {
				// Not the autosave's message under 出错了 (it spoke of
				// the window's content and of saving; found on a full disk).
				showMessage(T("无法删除草稿"), T("本机磁盘已满，暂时不能删除草稿。请删除不需要的文件或清空回收站后再删除；草稿和刚才输入的内容都还在。"), u.win)
				u.OpenFiling(id)
				return
			}
			if err != nil {
				u.showError(err)
				u.OpenFiling(id)
				return
			}
			u.ShowHome()
			u.home.offerUndo(id, title)
		})
	})
}

// undoBar is the line above the list that offers to take a deleted draft
// back; hidden, it takes no room.
type undoBar struct {
	u     *UI
	obj   *fyne.Container
	label *widget.Label
	id    string
	timer *time.Timer
}

func newUndoBar(u *UI) *undoBar {
	b := &undoBar{u: u, label: &widget.Label{Wrapping: fyne.TextWrapWord}}
	undo := newButton(&Button{Button: widget.Button{Text: T("撤销"), Icon: theme.ContentUndoIcon(), Importance: widget.HighImportance, OnTapped: b.undo}})
	b.obj = container.NewBorder(nil, nil, nil, undo, b.label)
	b.obj.Hide()
	return b
}

// offerUndo shows 撤销 for the draft just deleted, for undoFor.
func (h *homeScreen) offerUndo(id, title string) {
	b := h.undo
	b.id = id
	b.label.SetText(Tf("已删除草稿“%s”。", title))
	b.obj.Show()
	if b.timer != nil {
		b.timer.Stop()
	}
	b.timer = time.AfterFunc(undoFor, func() {
		b.u.do(func() {
			if b.id == id {
				b.hide()
			}
		})
	})
}

func (b *undoBar) hide() {
	b.id = ""
	b.obj.Hide()
}

// undo takes the deleted draft back out of the trash.
func (b *undoBar) undo() {
	id := b.id
	if id == "" {
		return
	}
	b.hide()
	b.u.goWait(func(ctx context.Context) {
		err := b.u.store.RestoreDraft(ctx, id)
		b.u.do(func() {
			if err != nil {
				b.u.showError(err)
			}
			b.u.home.reload()
		})
	})
}
