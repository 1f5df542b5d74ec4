package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"egovdesk/app"
)

// TestDeleteDraftWithUndo: 文件 → 删除当前草稿… asks first, stores the last
// edit and deletes the draft, shows the list with 撤销, and 撤销 brings
// the draft back as it was; a submitted filing is refused with a reason.
func TestDeleteDraftWithUndo(t *testing.T) {
	x := newScreens(t, "huoqiu", nil)
	x.u.NewDeclaration()
	h := x.editor(t)
	id := h.id()
	test.Type(h.entry("project_name"), "城关镇智慧停车管理平台")

	x.u.deleteCurrentDraft()
	if txt := x.dialogText(); !strings.Contains(txt, "城关镇智慧停车管理平台") {
		t.Fatalf("the question does not name the draft: %q", txt)
	}
	x.tapDialogButton(t, "删除")
	x.eventually(t, "the draft deleted", func() bool { return x.store.stored(id) == nil })
	x.eventually(t, "the list with 撤销", func() bool { return x.u.home.shown && x.u.home.undo.obj.Visible() })
	if txt := x.u.home.undo.label.Text; !strings.Contains(txt, "城关镇智慧停车管理平台") {
		t.Errorf("the undo line says %q", txt)
	}

	test.Tap(findButton(x.u.home.undo.obj, "撤销"))
	f := x.store.stored(id)
	x.eventually(t, "the draft back", func() bool { f = x.store.stored(id); return f != nil })
	if f.Title() != "城关镇智慧停车管理平台" || f.Status != app.StatusDraft {
		t.Errorf("restored %q %s", f.Title(), f.Status)
	}
	if x.u.home.undo.obj.Visible() {
		t.Error("撤销 still offered after the undo")
	}

	// A submitted filing: the menu explains instead of asking.
	x.u.OpenFiling(id)
	x.eventually(t, "the editor", func() bool { return x.u.editor != nil })
	x.u.editor.f.Revision.SubmittedAt = time.Now()
	x.u.deleteCurrentDraft()
	if txt := x.dialogText(); !strings.Contains(txt, "“城关镇智慧停车管理平台”已提交过") || strings.Contains(txt, "请先打开") {
		t.Errorf("deleting a submitted filing says %q, want that this one was submitted", txt)
	}
	if x.store.stored(id) == nil {
		t.Error("a submitted filing was deleted")
	}

	// An untitled draft is named as the editor's header names it.
	x.u.NewFiling(app.KindTrialReport)
	x.eventually(t, "the trial report editor", func() bool { return x.u.editor != nil && x.u.editor.f.Kind == app.KindTrialReport })
	x.u.deleteCurrentDraft()
	if txt, want := x.dialogText(), x.u.editor.title.Text; !strings.HasPrefix(want, "（未命名的") || !strings.Contains(txt, "“"+want+"”") {
		t.Errorf("the question about an untitled draft says %q, the header %q", txt, want)
	}
}
