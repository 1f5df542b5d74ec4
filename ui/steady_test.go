package ui

import (
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"egovdesk/app"
)

// headerButton returns the editor's header button with text.
func headerButton(t *testing.T, e *editorScreen, text string) *Button {
	t.Helper()
	var found *Button
	walk(e.obj, func(o fyne.CanvasObject) {
		if b, ok := o.(*Button); ok && found == nil && b.Text == T(text) {
			found = b
		}
	})
	if found == nil {
		t.Fatalf("no %s in the header", text)
	}
	return found
}

// TestHeaderButtonsThatMovedTakeNoClick (found in a walkthrough): the
// bureau's 受理 arrived as the clerk clicked 撤回提交; the editor opened
// again without it and 导出 Word, moved to where 撤回提交 had been, took
// the click. Buttons that moved by themselves take no pointer's tap for a
// moment; the keyboard's press is taken, and a screen the clerk opened is
// not held. The editor opened again keeps the section and scroll the clerk
// was reading (it went back to 基本信息).
func TestHeaderButtonsThatMovedTakeNoClick(t *testing.T) {
	x, _, d := deliveredAtBureau(t)
	x.u.Show("filing:" + d.ID)
	x.eventually(t, "撤回提交", func() bool { return x.u.editor != nil && x.u.editor.withdraw.Visible() })
	if x.u.editor.unsteady() {
		t.Fatal("a filing the clerk opened holds its buttons")
	}
	// The clerk reads 建设目标与内容, scrolled down.
	old := x.u.editor
	sec := slices.IndexFunc(old.sections, func(s *section) bool { return s.title == "建设目标与内容" })
	old.secList.Select(sec)
	x.pump()
	old.body.ScrollToOffset(fyne.NewPos(0, 120))
	if old.body.Offset.Y != 120 {
		t.Fatalf("the section scrolled to %v (content %v, viewport %v)", old.body.Offset, old.body.Content.MinSize(), old.body.Size())
	}

	// The clerk opens 撤回提交's confirmation; 受理 arrives from the feed
	// meanwhile: the editor opens again without 撤回提交, and the
	// confirmation, which said 还没有受理, is replaced by why it cannot be.
	test.Tap(old.withdraw)
	x.eventually(t, "the confirmation", func() bool { return strings.Contains(x.dialogText(), "还没有受理") })
	x.store.mu.Lock()
	f := x.store.filings[d.ID]
	f.History = append(f.History, app.Transition{At: time.Now(), Actor: "王审核", Role: app.RoleReviewer, Action: app.ActionAccept,
		From: app.StatusSubmitted, To: app.StatusPreliminary, RevisionID: f.Revision.ID, RevisionNumber: 1})
	f.Status = app.StatusPreliminary
	x.store.mu.Unlock()
	x.store.changed()
	x.eventually(t, "the accepted filing", func() bool {
		return x.u.editor != nil && x.u.editor.f.Status == app.StatusPreliminary
	})
	e := x.u.editor
	if e.withdraw.Visible() {
		t.Fatal("撤回提交 after 受理")
	}
	if d := x.dialogText(); strings.Contains(d, "还没有受理") || !strings.Contains(d, "不能再撤回") || !strings.Contains(d, "初审中") {
		t.Errorf("the dialog after 受理: %q", d)
	}
	x.tapDialogButton(t, "OK", "确定", "好")
	if x.w.Canvas().Overlays().Top() != nil {
		t.Errorf("another dialog open: %q", x.dialogText())
	}
	x.pump()
	if e.current != sec || e.body.Offset.Y != 120 {
		t.Errorf("reopened at section %d scrolled to %v, want section %d at 120", e.current, e.body.Offset, sec)
	}
	timeline := headerButton(t, e, "进度与批复")
	test.Tap(timeline)
	x.pump()
	if x.u.editor != e {
		t.Fatal("a click on a header button that had just moved was taken")
	}
	// Enter, which presses the button through Tapped: taken.
	timeline.KeyDown(&fyne.KeyEvent{Name: fyne.KeyReturn})
	timeline.KeyUp(&fyne.KeyEvent{Name: fyne.KeyReturn})
	x.eventually(t, "the timeline by the keyboard", func() bool { return x.u.editor == nil })

	// Opened by the clerk: taken at once.
	x.u.Show("filing:" + d.ID)
	x.eventually(t, "the editor again", func() bool { return x.u.editor != nil })
	test.Tap(headerButton(t, x.u.editor, "进度与批复"))
	x.eventually(t, "the timeline by a click", func() bool { return x.u.editor == nil })

	// 重新发送 shown by itself moves the buttons beside it.
	x.u.Show("filing:" + d.ID)
	x.eventually(t, "the editor once more", func() bool { return x.u.editor != nil })
	e = x.u.editor
	x.store.mu.Lock()
	x.store.send[d.ID] = app.Send{State: app.SendQuarantined, Reason: "数管局拒收：附件无法读取"}
	x.store.mu.Unlock()
	x.store.changed()
	x.eventually(t, "重新发送", func() bool { return e.retry.Visible() })
	if x.u.editor != e || !e.unsteady() {
		t.Fatal("重新发送 appeared and the header's buttons were not held")
	}
	test.Tap(headerButton(t, e, "进度与批复"))
	x.pump()
	if x.u.editor != e {
		t.Fatal("a click on a button moved by 重新发送 was taken")
	}
	// Once settleTime has passed, a click is taken.
	e.moved = time.Now().Add(-settleTime)
	test.Tap(headerButton(t, e, "进度与批复"))
	x.eventually(t, "the timeline once the buttons settled", func() bool { return x.u.editor == nil })
}

// TestButtonsAFlowMovedTakeNoClick (found in review): a header's text grew
// (已导出 …pdf), the bar wrapped, and a button the flow moved was under the
// pointer. A Button a flow moves on the screen takes no pointer's tap for
// settleTime; one placed the first time, or not moved on the screen, takes
// it — a button growing moves the flow, not the buttons after it (收件箱（3
// 条未读） held 新建材料 and 设置).
func TestButtonsAFlowMovedTakeNoClick(t *testing.T) {
	test.NewTempApp(t)
	taps := map[string]int{}
	button := func(text string) *Button {
		return newButton(&Button{Button: widget.Button{Text: text, OnTapped: func() { taps[text]++ }}})
	}
	a, b, c := button("导出 Word"), button("撤回提交"), button("检查并提交")
	flow := newFlow(a, b, c)
	w := test.NewWindow(flow)
	defer w.Close()
	w.Resize(fyne.NewSize(800, 80))
	settled := func(bs ...*Button) { // shown a while ago, the window's own resizing done
		for _, b := range bs {
			b.movedAt, b.placedAt = time.Time{}, time.Now().Add(-settleTime)
		}
	}
	settled(a, b, c)
	test.Tap(a)
	test.Tap(c)
	if taps["导出 Word"] != 1 || taps["检查并提交"] != 1 {
		t.Fatalf("buttons placed the first time: %v", taps)
	}
	b.Hide()
	flow.Refresh() // the flow lays out again: 导出 Word moves right, 检查并提交 stays
	if a.movedAt.IsZero() || !c.movedAt.IsZero() {
		t.Fatalf("moved: 导出 Word %v, 检查并提交 %v", a.movedAt, c.movedAt)
	}
	test.Tap(a)
	test.Tap(c)
	if taps["导出 Word"] != 1 || taps["检查并提交"] != 2 {
		t.Errorf("after the move: %v", taps)
	}
	a.movedAt = time.Now().Add(-settleTime)
	test.Tap(a)
	if taps["导出 Word"] != 2 {
		t.Errorf("once settled: %v", taps)
	}
	// A button growing: the one after it stays on the screen.
	c.movedAt, a.movedAt = time.Time{}, time.Time{}
	a.SetText("导出 Word（已导出）")
	flow.Refresh()
	if a.movedAt.IsZero() || !c.movedAt.IsZero() {
		t.Errorf("a grown button moves itself, not the one after it: %v / %v", a.movedAt, c.movedAt)
	}
	wide := newFlow(button("全部材料"), button("收件箱"), button("设置"))
	w.SetContent(wide)
	w.Resize(fyne.NewSize(800, 80))
	inbox, settings := wide.Objects[1].(*Button), wide.Objects[2].(*Button)
	settled(inbox, settings)
	inbox.SetText("收件箱（3 条未读）")
	wide.Refresh()
	if !settings.movedAt.IsZero() {
		t.Error("设置, after the grown 收件箱, is held though it did not move")
	}
}

// 撤回提交's confirmation open when the bureau returned the revision: it
// said 已开始办理…请联系数管局退回修改 of a filing already returned (found
// in review); it says there is nothing to withdraw and what to do.
func TestWithdrawalOvertakenByAReturn(t *testing.T) {
	x, _, d := deliveredAtBureau(t)
	x.u.Show("filing:" + d.ID)
	x.eventually(t, "撤回提交", func() bool { return x.u.editor != nil && x.u.editor.withdraw.Visible() })
	test.Tap(x.u.editor.withdraw)
	x.eventually(t, "the confirmation", func() bool { return strings.Contains(x.dialogText(), "还没有受理") })
	x.store.mu.Lock()
	f := x.store.filings[d.ID]
	f.History = append(f.History, app.Transition{At: time.Now(), Actor: "王审核", Role: app.RoleReviewer, Action: app.ActionReturn,
		From: app.StatusSubmitted, To: app.StatusReturned, Comment: "请补充", RevisionID: f.Revision.ID, RevisionNumber: 1})
	f.Status = app.StatusReturned
	x.store.mu.Unlock()
	x.store.changed()
	x.eventually(t, "the returned filing", func() bool { return x.u.editor != nil && x.u.editor.f.Status == app.StatusReturned })
	if d := x.dialogText(); !strings.Contains(d, "不需要撤回") || !strings.Contains(d, "修改后重新提交") || strings.Contains(d, "联系数管局退回修改") {
		t.Errorf("the dialog after a return: %q", d)
	}
}

// A section picked with the mouse while a field of the section shown has
// the keyboard: the next Tab went on from that hidden field and brought
// its section back (found in the real window). The picked section's
// first input takes the keyboard.
func TestMousePickedSectionTakesTheKeyboard(t *testing.T) {
	x := newScreens(t, "tianning", nil)
	h := x.newEditor(t, app.KindDeclaration)
	invest := h.e.sectionOf("total_investment")
	h.e.secList.Select(invest)
	x.w.Canvas().Focus(h.entry("total_investment"))
	checks := h.e.sectionOf("confirmations")
	h.e.secList.Select(checks)
	x.pump()
	if f := x.w.Canvas().Focused(); f == fyne.Focusable(h.entry("total_investment")) || !holds(h.e.sections[checks].content, f) {
		t.Errorf("the keyboard is on %T, not in 确认事项", f)
	}
}
