package ui

import (
	"context"
	"fmt"
	"go/ast"
	"go/token"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"egovdesk/app"
	"egovdesk/app/apptest"
)

// Tab moves the focus out of every field, multi-line text boxes included:
// Fyne's multi-line entry takes Tab as a character, which kept a clerk
// using the keyboard in the first text box and put tab characters into
// the filing. No input of any kind's editor may capture Tab.
func TestNoFieldCapturesTab(t *testing.T) {
	x := newScreens(t, "wuhan", nil)
	d := declared(t, x)
	for _, k := range app.AllKinds() {
		if k == app.KindDeclaration {
			x.u.OpenFiling(d.ID)
		} else {
			x.u.NewForProject(d.ID, k)
		}
		x.eventually(t, k.Label()+" editor", func() bool { return x.u.editor != nil && x.u.editor.f.Kind == k })
		areas := 0
		for _, sec := range x.u.editor.sections {
			walkRendered(sec.content, func(o fyne.CanvasObject) {
				if _, ok := o.(*textArea); ok {
					areas++
				}
				if tb, ok := o.(fyne.Tabbable); ok && tb.AcceptsTab() {
					t.Errorf("%s: a %T takes Tab as a character", k.Label(), o)
				}
			})
		}
		if k == app.KindDeclaration && areas == 0 {
			t.Errorf("the declaration editor has no multi-line text box: the test looks in the wrong place")
		}
		x.u.ShowHome()
		x.pump()
	}
}

// Tab through the catalogue's 需求清单 brings the focused field into view:
// the lists' forms are followed like the others (the keyboard walkthrough
// typed into a field below the fold).
func TestFocusInTheListsIsFollowed(t *testing.T) {
	x := newScreens(t, "yunan", nil)
	h := x.newEditor(t, app.KindCatalogue)
	c := h.catalogue()
	h.e.jump("demands")
	for range 4 {
		test.Tap(c.listAdd[0])
	}
	x.pump()
	form := c.listForms[0]
	if form.Scroll.Offset.Y != 0 {
		t.Fatalf("the list starts scrolled by %v", form.Scroll.Offset.Y)
	}
	last := h.entry("demands[3].scenario")
	x.w.Canvas().Focus(last)
	x.eventually(t, "the focused field in view", func() bool {
		y := x.u.app.Driver().AbsolutePositionForObject(last).Y - x.u.app.Driver().AbsolutePositionForObject(form).Y
		return form.Scroll.Offset.Y > 0 && y >= 0 && y+last.Size().Height <= form.Size().Height
	})
}

// 转到 → 下一页 (Ctrl+PageDown) walks the catalogue editor's sections and,
// inside 三清单, its three lists, giving each page's first input the
// keyboard; 上一页 walks back. The lists' tabs were out of the keyboard's
// reach before.
func TestPagesByKeyboard(t *testing.T) {
	x := newScreens(t, "yunan", nil)
	h := x.newEditor(t, app.KindCatalogue)
	c := h.catalogue()
	for _, add := range c.listAdd { // rows, each with its 删除 first
		test.Tap(add)
	}
	h.e.showSection(0)
	var walked []string
	where := func() string {
		s := h.e.sections[h.e.current].title
		if tabs := h.e.tabsOf(h.e.current); tabs != nil {
			s += "/" + tabs.Selected().Text
		}
		return s
	}
	for range len(h.e.sections) + 2 {
		x.u.editorPage(1)
		walked = append(walked, where())
		switch f := x.w.Canvas().Focused(); f.(type) {
		case nil:
			if h.e.sections[h.e.current].title != "信息资源" {
				t.Errorf("%s: no input has the keyboard", where())
			}
		case *widget.Button, *Button:
			t.Errorf("%s: a button has the keyboard, which the next Space presses", where())
		}
	}
	got := strings.Join(walked, " → ")
	if !strings.Contains(got, "三清单/需求清单 → 三清单/责任清单 → 三清单/负面清单") {
		t.Errorf("pages: %s", got)
	}
	t.Log(got)
	h.e.jump("negatives")
	c.tabs.SelectIndex(2)
	x.u.editorPage(-1)
	if w := where(); w != "三清单/责任清单" {
		t.Errorf("上一页 from 负面清单: %s", w)
	}

	// The shortcuts are in the menu bar, where they work from inside a field.
	var found []string
	for _, m := range x.u.mainMenu().Items {
		for _, it := range m.Items {
			if it.Shortcut != nil {
				found = append(found, it.Label+" "+it.Shortcut.ShortcutName())
			}
		}
	}
	for _, want := range []string{"下一页", "上一页", "全部材料", "收件箱"} {
		if !strings.Contains(strings.Join(found, ","), want) {
			t.Errorf("no shortcut for %s in %v", want, found)
		}
	}
}

// Enter and Escape answer a dialog that opens with none of its buttons
// focused: Enter its primary button, Escape its way out. Fyne's dialogs
// answered neither (the walkthrough could leave 关于, a confirmation or
// the problem list only by Tab, Tab, Space).
func TestDialogsAnswerEnterAndEscape(t *testing.T) {
	x := newScreens(t, "huoqiu", nil)
	key := func(k fyne.KeyName) {
		x.w.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: k})
		x.pump()
	}
	open := func() bool { return x.w.Canvas().Overlays().Top() != nil }
	for _, tc := range []struct {
		key  fyne.KeyName
		want bool
	}{{fyne.KeyEscape, false}, {fyne.KeyReturn, true}, {fyne.KeyEnter, true}} {
		answered, got := false, false
		showConfirm("删除草稿", "删除“智慧社区”？", func(ok bool) { answered, got = true, ok }, x.w)
		if x.w.Canvas().Focused() != nil {
			t.Fatalf("a dialog opens with %T focused", x.w.Canvas().Focused())
		}
		key(tc.key)
		if !answered || got != tc.want || open() {
			t.Errorf("%s: answered %v with %v, dialog open %v; want %v", tc.key, answered, got, open(), tc.want)
		}
	}
	for _, k := range []fyne.KeyName{fyne.KeyEscape, fyne.KeyReturn} {
		x.u.showAbout()
		key(k)
		if open() {
			t.Errorf("%s does not close 关于", k)
		}
	}
	// The problem list: 关闭 is its only button.
	x.u.NewFiling(app.KindDeclaration)
	x.eventually(t, "the editor", func() bool { return x.u.editor != nil })
	test.Tap(x.u.editor.submit)
	x.eventually(t, "the problem list", open)
	key(fyne.KeyEscape)
	if open() {
		t.Errorf("Escape does not close the problem list")
	}
	// Keys with no dialog do nothing.
	key(fyne.KeyEscape)
	key(fyne.KeyReturn)

	// After Tab: Escape still leaves, and Enter presses the button that
	// has the keyboard (Fyne's own dialog buttons answered Space only).
	tabbed := func(tabs int, k fyne.KeyName) (answered, got bool) {
		t.Helper()
		showConfirm("删除草稿", "删除“智慧社区”？", func(ok bool) { answered, got = true, ok }, x.w)
		for range tabs {
			x.w.Canvas().FocusNext()
		}
		f := x.w.Canvas().Focused()
		if f == nil {
			t.Fatalf("Tab reaches nothing in the dialog")
		}
		pressKey(f, k)
		x.pump()
		return answered, got
	}
	if answered, got := tabbed(1, fyne.KeyEscape); !answered || got || open() {
		t.Errorf("Tab, Escape: answered %v with %v, dialog open %v", answered, got, open())
	}
	if answered, got := tabbed(2, fyne.KeyReturn); !answered || !got || open() {
		t.Errorf("Tab, Tab (是), Enter: answered %v with %v, dialog open %v", answered, got, open())
	}
	if answered, got := tabbed(1, fyne.KeyReturn); !answered || got || open() {
		t.Errorf("Tab (否), Enter: answered %v with %v, dialog open %v", answered, got, open())
	}
	// The problem list's lines: Tab to the first, Escape closes the list.
	test.Tap(x.u.editor.submit)
	x.eventually(t, "the problem list", open)
	x.w.Canvas().FocusNext()
	if _, ok := x.w.Canvas().Focused().(*tapLabel); !ok {
		t.Fatalf("Tab in the problem list reaches %T", x.w.Canvas().Focused())
	}
	x.w.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	x.pump()
	if open() {
		t.Errorf("Escape on a line of the problem list leaves it open")
	}
}

// A dialog that opens with its field focused answers Escape and Enter
// too: Fyne gives the keys to the field, so 核对新密钥 and 输入恢复密钥
// could not be left with Escape, nor the key sent with Enter.
func TestDialogFieldsAnswerEnterAndEscape(t *testing.T) {
	x := newScreensLinked(t, "huoqiu", func(prof *app.Profile) Link {
		l := &keyLink{offlineLink: offlineLink{prof: prof}}
		l.status = SyncStatus{Connected: true, NeedsAction: true,
			KeyChange: &ReceiptKeyChange{PinnedKeyID: pinnedKeyID, ServedKeyID: servedKeyID, Seen: time.Now()}}
		return l
	})
	open := func() bool { return x.w.Canvas().Overlays().Top() != nil }
	press := func(k fyne.KeyName) {
		t.Helper()
		f := x.w.Canvas().Focused()
		if f == nil {
			t.Fatalf("nothing has the keyboard in %q", x.dialogText())
		}
		pressKey(f, k)
		x.pump()
	}

	l := x.u.link.(*keyLink)
	x.u.confirmReceiptKey(*l.status.KeyChange)
	test.Type(x.w.Canvas().Focused(), servedKeyID[:keyIDDigits])
	press(fyne.KeyEscape)
	if open() || len(l.trusted) != 0 {
		t.Errorf("Escape in the key's field: dialog open %v, trusted %v", open(), l.trusted)
	}
	// Its buttons, reached with Tab, answer Escape too.
	x.u.confirmReceiptKey(*l.status.KeyChange)
	x.w.Canvas().FocusNext()
	if _, ok := x.w.Canvas().Focused().(*Button); !ok {
		t.Fatalf("Tab from the key's field reaches %T, want the dialog's button", x.w.Canvas().Focused())
	}
	press(fyne.KeyEscape)
	if open() || len(l.trusted) != 0 {
		t.Errorf("Escape on a button: dialog open %v, trusted %v", open(), l.trusted)
	}

	// restoreKey runs on goWait's goroutine; the test reads what it got
	// under the lock.
	var (
		mu       sync.Mutex
		restored []string
	)
	got := func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), restored...)
	}
	x.u.restoreKey = func(path, key string) error {
		mu.Lock()
		defer mu.Unlock()
		restored = append(restored, key)
		return nil
	}
	x.u.askRecoveryKey("backup.egvbak")
	test.Type(x.w.Canvas().Focused(), "ABCD")
	press(fyne.KeyEscape)
	if r := got(); open() || len(r) != 0 {
		t.Errorf("Escape in the recovery key: dialog open %v, restored %v", open(), r)
	}
	x.u.askRecoveryKey("backup.egvbak")
	test.Type(x.w.Canvas().Focused(), "ABCD-EFGH")
	press(fyne.KeyReturn)
	x.eventually(t, "the restore", func() bool { return len(got()) == 1 })
	if r := got(); open() || r[0] != "ABCD-EFGH" {
		t.Errorf("Enter in the recovery key: dialog open %v, restored %q", open(), r)
	}
	// Its buttons, reached with Tab: 取消 then 恢复 (Fyne's form buttons
	// took Space only).
	x.u.askRecoveryKey("backup.egvbak")
	test.Type(x.w.Canvas().Focused(), "WXYZ")
	x.w.Canvas().FocusNext()
	x.w.Canvas().FocusNext()
	if b, ok := x.w.Canvas().Focused().(*Button); !ok || b.Text != T("恢复") {
		t.Fatalf("two Tabs from the recovery key reach %T, want the 恢复 button", x.w.Canvas().Focused())
	}
	press(fyne.KeyReturn)
	x.eventually(t, "the second restore", func() bool { return len(got()) == 2 })
	if r := got(); open() || r[1] != "WXYZ" {
		t.Errorf("Enter on 恢复: dialog open %v, restored %q", open(), r)
	}
}

// Every dialog of the client answers Enter and Escape once Tab has reached
// its buttons: none is built with Fyne's own buttons, which take Space
// only. The file dialogs are Fyne's whole (their buttons are theirs).
func TestNoDialogHasFynesButtons(t *testing.T) {
	withButtons := map[string]bool{
		"NewConfirm": true, "ShowConfirm": true, "NewCustomConfirm": true, "ShowCustomConfirm": true,
		"NewCustom": true, "ShowCustom": true, "NewForm": true, "ShowForm": true,
		"NewInformation": true, "ShowInformation": true, "NewError": true, "ShowError": true,
		"NewEntryDialog": true, "ShowEntryDialog": true,
	}
	eachSource(t, func(fset *token.FileSet, f *ast.File) {
		ast.Inspect(f, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if pkg, ok := sel.X.(*ast.Ident); ok && pkg.Name == "dialog" && withButtons[sel.Sel.Name] {
				t.Errorf("%s: dialog.%s has Fyne's buttons (Space only); use newCustomConfirm or newCloseDialog",
					fset.Position(sel.Pos()), sel.Sel.Name)
			}
			return true
		})
	})
}

// Every button answers Enter as Space, on a screen as in a dialog: a clerk
// who had reached 检查并提交 with Tab pressed Enter and nothing happened.
func TestScreenButtonsAnswerEnter(t *testing.T) {
	x := newScreens(t, "huoqiu", nil)
	x.u.NewFiling(app.KindDeclaration)
	x.pump()
	x.w.Canvas().Focus(x.u.editor.submit)
	pressKey(x.w.Canvas().Focused(), fyne.KeyReturn)
	x.pump()
	if x.w.Canvas().Overlays().Top() == nil {
		t.Fatal("Enter on 检查并提交 shows nothing")
	}
	if !strings.Contains(x.dialogText(), "需要修改") {
		t.Errorf("Enter on 检查并提交 shows %q", x.dialogText())
	}
}

// No screen makes Fyne's own button, which answers Space only: each is a
// Button (TestScreenButtonsAnswerEnter).
func TestNoScreenHasFynesButtons(t *testing.T) {
	eachSource(t, func(fset *token.FileSet, f *ast.File) {
		var embedded map[ast.Node]bool
		ast.Inspect(f, func(n ast.Node) bool {
			if kv, ok := n.(*ast.KeyValueExpr); ok {
				if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "Button" {
					if embedded == nil {
						embedded = map[ast.Node]bool{}
					}
					embedded[kv.Value] = true
				}
			}
			var sel *ast.SelectorExpr
			switch v := n.(type) {
			case *ast.CompositeLit:
				if embedded[v] {
					return true
				}
				sel, _ = v.Type.(*ast.SelectorExpr)
			case *ast.CallExpr:
				sel, _ = v.Fun.(*ast.SelectorExpr)
			}
			if sel == nil {
				return true
			}
			if pkg, ok := sel.X.(*ast.Ident); ok && pkg.Name == "widget" && strings.HasPrefix(sel.Sel.Name, "NewButton") || ok && pkg.Name == "widget" && sel.Sel.Name == "Button" {
				t.Errorf("%s: widget.%s answers Space only; make a Button (newButton)", fset.Position(sel.Pos()), sel.Sel.Name)
			}
			return true
		})
	})
}

// 新建…'s "which project" question answers Tab and Enter, Tab and Escape.
func TestChooseProjectAnswersTheKeyboard(t *testing.T) {
	x := newScreens(t, "huoqiu", nil)
	d := declared(t, x)
	x.store.put(d)
	open := func() bool { return x.w.Canvas().Overlays().Top() != nil }
	focusButton := func(text string) {
		t.Helper()
		for range 6 {
			x.w.Canvas().FocusNext()
			if b, ok := x.w.Canvas().Focused().(*Button); ok && b.Text == text {
				return
			}
		}
		t.Fatalf("Tab does not reach %s; it reaches %T", text, x.w.Canvas().Focused())
	}
	x.u.chooseProject(app.KindTrialReport)
	x.eventually(t, "the question", open) // its projects are read off the Fyne thread
	focusButton(T("取消"))
	x.w.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	x.pump()
	if open() || x.u.editor != nil {
		t.Fatalf("Escape on 取消: dialog open %v, editor %v", open(), x.u.editor != nil)
	}
	x.u.chooseProject(app.KindTrialReport)
	x.eventually(t, "the question", open)
	focusButton(T("新建"))
	pressKey(x.w.Canvas().Focused(), fyne.KeyReturn)
	x.eventually(t, "the new trial report", func() bool { return x.u.editor != nil })
	if open() {
		t.Errorf("Enter on 新建 leaves the dialog open")
	}
}

// The side panel's reasons and the count 检查并提交 gives add up: the panel
// counted the rules' reasons only (6) while the dialog said 还有 19 处, and
// the clerk saw two answers to one question.
func TestPanelAndProblemListAgree(t *testing.T) {
	x := newScreens(t, "wuhan", nil)
	h := x.newEditor(t, app.KindDeclaration)
	test.Type(h.entry("total_investment"), "80") // approval: materials to attach
	panel := h.panel()
	var rules, other, missing int
	for _, line := range strings.Split(panel, "\n") {
		fmt.Sscanf(strings.TrimPrefix(line, "按办法"), "不能提交的原因（%d）", &rules)
		fmt.Sscanf(line, "另有 %d 处未填或格式不对", &other)
		fmt.Sscanf(line, "缺少 %d 项须附的材料", &missing) // said at the top too
	}
	a := h.e.prof.EvaluateSent(h.e.decl(), x.u.Now(), time.Time{})
	if missing == 0 || missing != len(a.MissingMaterials(h.e.f.Attachments)) || rules == 0 || other == 0 || rules+other+missing != len(h.e.problems) {
		t.Errorf("panel: %d reasons + %d others + %d attachments, the list %d:\n%s", rules, other, missing, len(h.e.problems), panel)
	}
}

// The bin of an information item removes it at once, next to the arrows,
// with no question: 撤销 puts it back where it was, with a length typed
// that was not accepted, until the table changes otherwise.
func TestRemovedItemCanBeRestored(t *testing.T) {
	x := newScreens(t, "yunan", nil)
	h := x.newEditor(t, app.KindCatalogue)
	c := h.catalogue()
	h.e.jump("entries")
	test.Tap(c.addEntry)
	for i, n := range []string{"姓名", "民族", "住址"} {
		test.Tap(c.items.add)
		name, typ, length, _ := shownItem(c, i)
		test.Type(name, n)
		typ.SetSelected("字符型C")
		test.Type(length, "20")
	}
	_, _, length, _ := shownItem(c, 1)
	length.SetText("2O") // a letter O: kept as typed, not accepted
	_, _, remove := itemButtons(c, 1)
	test.Tap(remove)
	if got := len(c.c.Entries[0].Items); got != 2 || !c.items.undo.Visible() || !strings.Contains(c.items.undoText.Text, "已删除第 2 项“民族”") {
		t.Fatalf("after 删除: %d items, undo shown %v %q", got, c.items.undo.Visible(), c.items.undoText.Text)
	}
	if f := x.w.Canvas().Focused(); f != fyne.Focusable(c.items.undoButton) {
		t.Errorf("after 删除 the keyboard is on %T, want 撤销", f)
	}
	tapButton(t, c.items.undo, "撤销")
	items := c.c.Entries[0].Items
	if len(items) != 3 || items[1].Name != "民族" || items[2].Name != "住址" || c.items.undo.Visible() {
		t.Fatalf("after 撤销: %+v, undo shown %v", items, c.items.undo.Visible())
	}
	if raw := h.e.f.Unparsed["entries[0].items[1].length"]; raw != "2O" {
		t.Errorf("the length typed is not back: %q (%v)", raw, h.e.f.Unparsed)
	}
	if _, _, length, _ := shownItem(c, 1); length.Text != "2O" {
		t.Errorf("row 2 shows length %q", length.Text)
	}
	// 撤销 is offered for the last removal only, until the table changes.
	_, _, remove = itemButtons(c, 0)
	test.Tap(remove)
	test.Tap(c.items.add)
	if c.items.undo.Visible() {
		t.Errorf("撤销 still offered after 添加信息项")
	}
	x.saved(t, "the items", func(f *app.Filing) bool {
		return f.Catalogue != nil && len(f.Catalogue.Entries) > 0 && len(f.Catalogue.Entries[0].Items) == 3
	})
}

// Enter opens the highlighted filing of the list, as Space does (the
// walkthrough pressed Enter, as a clerk does, and nothing happened), and
// the keyboard does not stay on the list, gone from the window (PageDown
// then did not scroll the filing).
func TestEnterOpensTheHighlightedFiling(t *testing.T) {
	x := newScreens(t, "huoqiu", nil)
	d := declared(t, x)
	x.u.ShowHome()
	x.eventually(t, "the list", func() bool { return x.u.home.list.Length() > 0 })
	x.w.Canvas().Focus(x.u.home.list)
	x.u.home.list.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	x.eventually(t, "the filing open", func() bool { return x.u.editor != nil && x.u.editor.f.ID == d.ID })
	if f := x.w.Canvas().Focused(); f == fyne.Focusable(x.u.home.list) {
		t.Errorf("the keyboard stays on the home list, gone from the window")
	}
}

// A screen that goes takes the keyboard with it, also from a field inside
// a form (设置's): leaving 设置 from 服务器地址 for the inbox (the tray's
// 未读通知) left the keyboard on the hidden field, and what the clerk typed
// next went into it.
func TestLeavingAScreenTakesTheKeyboardFromItsForm(t *testing.T) {
	x := newScreens(t, "huoqiu", nil)
	x.u.showSettings()
	x.pump()
	var addr *widget.Entry
	walkRendered(x.w.Content(), func(o fyne.CanvasObject) {
		if e, ok := o.(*widget.Entry); ok && e.PlaceHolder == "https://sgj.example.gov.cn:8443" {
			addr = e
		}
	})
	if addr == nil {
		t.Fatal("no 服务器地址 on 设置")
	}
	x.w.Canvas().Focus(addr)
	x.u.ShowInbox() // as the tray's 未读通知 does
	x.pump()
	if f := x.w.Canvas().Focused(); f != nil {
		t.Fatalf("the inbox opens with %T focused, the hidden field's keyboard", f)
	}
}

// 转到's shortcuts do nothing while a dialog is open: Fyne runs main-menu
// shortcuts first, and Ctrl+1 under 确认提交 closed the editor behind it.
func TestGoShortcutsWaitForTheDialog(t *testing.T) {
	x := newScreens(t, "huoqiu", nil)
	x.u.NewFiling(app.KindDeclaration)
	x.eventually(t, "the editor", func() bool { return x.u.editor != nil })
	e := x.u.editor
	showConfirm("提交", "确认提交？", func(bool) {}, x.w)
	for _, it := range x.u.goMenu().Items {
		if it.Action != nil {
			it.Action()
		}
	}
	x.pump()
	if x.u.editor != e || x.w.Canvas().Overlays().Top() == nil {
		t.Fatalf("转到 acted behind the dialog: editor %p → %p", e, x.u.editor)
	}
	x.w.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	x.pump()
	for _, it := range x.u.goMenu().Items {
		if it.Label == "收件箱" {
			it.Action()
		}
	}
	x.pump()
	if x.u.editor != nil || !x.u.inbox.shown {
		t.Errorf("with the dialog closed, 收件箱 does not open the inbox")
	}
}

// The problem list says 点任一条即可转到: its lines take the keyboard too,
// Tab reaching the first and Enter going to its field; a line that does
// nothing (no field) is not a stop.
func TestProblemLinesTakeTheKeyboard(t *testing.T) {
	x := newScreens(t, "wuhan", nil)
	x.u.NewFiling(app.KindDeclaration)
	x.eventually(t, "the editor", func() bool { return x.u.editor != nil })
	test.Tap(x.u.editor.submit)
	x.eventually(t, "the problem list", func() bool { return x.w.Canvas().Overlays().Top() != nil })
	x.w.Canvas().FocusNext()
	l, ok := x.w.Canvas().Focused().(*tapLabel)
	if !ok {
		t.Fatalf("Tab in the problem list reaches %T, want its first line", x.w.Canvas().Focused())
	}
	if !l.focused {
		t.Error("the focused line is not shaded")
	}
	first := x.u.editor.problems[0].Field
	l.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	x.pump()
	if x.w.Canvas().Overlays().Top() != nil {
		t.Fatal("Enter on a line leaves the list open")
	}
	target, _ := lookup(x.u.editor.targets, first)
	if f := x.w.Canvas().Focused(); f == nil || f != firstFocusable(target) {
		t.Errorf("Enter on %s focused %T", first, f)
	}
	if (&tapLabel{}).Disabled() != true {
		t.Error("a line that does nothing is a Tab stop")
	}
}

// A credit code of 5 digits is said to be wrong when the clerk leaves the
// field, not only at 检查并提交 (the walkthrough typed 12345 and a
// telephone number of 3 digits and moved on, told nothing). A field passed
// over blank stays quiet.
func TestFormatProblemShownOnLeavingTheField(t *testing.T) {
	x := newScreens(t, "wuhan", nil)
	h := x.newEditor(t, app.KindDeclaration)
	code, phone := h.entry("unit_credit_code"), h.entry("contact.phone")
	x.w.Canvas().Focus(phone) // passed over blank
	time.Sleep(3 * focusPoll)
	x.pump()
	x.w.Canvas().Focus(code)
	test.Type(code, "12345")
	time.Sleep(3 * focusPoll)
	x.pump()
	if m := h.message("unit_credit_code"); m != "" {
		t.Fatalf("a message while typing: %q", m)
	}
	if m := h.message("contact.phone"); m != "" {
		t.Errorf("a field passed over blank says %q", m)
	}
	x.w.Canvas().Focus(h.entry("project_name"))
	x.eventually(t, "the credit code's message", func() bool { return strings.Contains(h.message("unit_credit_code"), "18") })
	code.SetText("")
	test.Type(code, "11341522003064951U")
	x.pump()
	if m := h.message("unit_credit_code"); m != "" {
		t.Errorf("a right credit code still says %q", m)
	}
}

// A section picked from the section list with the keyboard gives its first
// input the keyboard (the walkthrough needed six Tabs from the list, by
// way of the toolbar, to reach the first field).
func TestSectionPickedByKeyboardFocusesItsFirstField(t *testing.T) {
	x := newScreens(t, "wuhan", nil)
	x.u.NewFiling(app.KindDeclaration)
	x.eventually(t, "the editor", func() bool { return x.u.editor != nil })
	e := x.u.editor
	x.w.Canvas().Focus(e.secList)
	e.secList.Select(2)
	f := x.w.Canvas().Focused()
	if f == nil || f == fyne.Focusable(e.secList) {
		t.Fatalf("after picking %s the keyboard is on %T", e.sections[2].title, f)
	}
	if want := firstInput(e.sections[2].content); f != want {
		t.Errorf("focused %T, want the section's first input %T", f, want)
	}
	// Enter picks the highlighted section, as Space does.
	x.w.Canvas().Focus(e.secList)
	e.secList.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	e.secList.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if e.current != 1 || x.w.Canvas().Focused() != firstInput(e.sections[1].content) {
		t.Errorf("Enter on the section list: section %d, focus %T", e.current, x.w.Canvas().Focused())
	}
}

// A returned declaration revised and sent back as it was: the
// confirmation says that nothing changed since the returned version (the
// walkthrough resubmitted one unchanged, told nothing).
func TestResubmittingUnchangedIsSaid(t *testing.T) {
	x := newScreens(t, "huoqiu", nil)
	f, err := app.NewFiling(app.KindDeclaration, "5d2b1a09-8f7e-4d6c-9b5a-000000000011", "5d2b1a09-8f7e-4d6c-9b5a-000000000012", "local", x.u.Now().AddDate(0, -1, 0))
	if err != nil {
		t.Fatal(err)
	}
	f.Declaration = apptest.Declaration()
	for i, m := range x.prof.Evaluate(f.Declaration, x.u.Now()).Materials {
		f.Attachments = append(f.Attachments, app.Attachment{Material: m.Codes[0], Name: m.Label + ".pdf",
			SHA256: fmt.Sprintf("%064x", i+1), Size: 1000, MediaType: "application/pdf"})
	}
	x.store.put(f)
	if err := x.store.Submit(context.Background(), f.ID, "陈晓", x.u.Now().AddDate(0, 0, -20)); err != nil {
		t.Fatal(err)
	}
	f = x.store.stored(f.ID)
	if _, err := f.Decide(x.u.Now().AddDate(0, 0, -10), "王审核", app.RoleReviewer, app.ActionReturn, "请补充数据共享分析"); err != nil {
		t.Fatal(err)
	}
	if err := f.Revise("5d2b1a09-8f7e-4d6c-9b5a-000000000013", x.u.Now().AddDate(0, 0, -1)); err != nil {
		t.Fatal(err)
	}
	x.store.put(f)
	x.u.OpenFiling(f.ID)
	x.eventually(t, "the editor", func() bool { return x.u.editor != nil && x.u.editor.f.ID == f.ID })
	h := x.editor(t)
	if len(h.e.problems) != 0 {
		t.Fatalf("the test declaration has problems: %v", h.e.problems)
	}
	test.Tap(h.e.submit)
	x.eventually(t, "the confirmation", func() bool { return strings.Contains(x.dialogText(), "确认提交") })
	if !strings.Contains(x.dialogText(), "与退回的第 1 版相比，这一版没有任何修改") {
		t.Errorf("the confirmation does not say nothing changed:\n%s", x.dialogText())
	}
	x.tapDialogButton(t, "No", "否")
	retype(h.entry("goals"), h.e.f.Declaration.Goals+"，并补充数据共享分析")
	test.Tap(h.e.submit)
	x.eventually(t, "the confirmation", func() bool { return strings.Contains(x.dialogText(), "确认提交") })
	if strings.Contains(x.dialogText(), "没有任何修改") {
		t.Errorf("a changed revision is said unchanged:\n%s", x.dialogText())
	}
}

// 帮助 → 键盘操作 names every shortcut the menus have, as they are.
func TestKeysHelpNamesEveryShortcut(t *testing.T) {
	x := newScreens(t, "huoqiu", nil)
	help := strings.Join(keysHelp, "\n")
	names := map[fyne.KeyName]string{fyne.KeyReturn: "Enter", fyne.KeyPageDown: "PageDown", fyne.KeyPageUp: "PageUp", fyne.Key1: "1", fyne.Key2: "2", fyne.KeyQ: "Q"}
	for _, m := range x.u.mainMenu().Items {
		for _, it := range m.Items {
			sc, ok := it.Shortcut.(*desktop.CustomShortcut)
			if !ok {
				continue
			}
			if want := "Ctrl+" + names[sc.KeyName]; names[sc.KeyName] == "" || !strings.Contains(help, want) {
				t.Errorf("%s (%s) is not in 键盘操作", it.Label, sc.ShortcutName())
			}
		}
	}
	x.u.showKeys()
	if !strings.Contains(x.dialogText(), "Ctrl+PageDown") {
		t.Errorf("键盘操作 shows:\n%s", x.dialogText())
	}
}

// What takes the keyboard is scrolled into view on every screen, not only
// in the editor's forms: 设置's last buttons lie below the fold of a
// 1366×768 window (the walkthrough pressed buttons it could not see).
func TestFocusIsFollowedOnEveryScreen(t *testing.T) {
	x := newScreens(t, "huoqiu", nil)
	scroll := shortSettings(t, x)
	var last *widget.Button
	var drawn fyne.Focusable // last, or the Button that embeds it
	walkRendered(scroll.Scroll.Content, func(o fyne.CanvasObject) {
		if b := buttonOf(o); b != nil && !b.Disabled() && b.Visible() {
			last, drawn = b, o.(fyne.Focusable)
		}
	})
	if last == nil {
		t.Fatal("no button in 设置")
	}
	d := x.u.app.Driver()
	inView := func() bool {
		y := d.AbsolutePositionForObject(drawn.(fyne.CanvasObject)).Y - d.AbsolutePositionForObject(scroll).Y
		return y >= 0 && y+last.Size().Height <= scroll.Size().Height
	}
	if inView() {
		t.Fatalf("设置's last button %q fits the window: the test follows nothing", last.Text)
	}
	x.w.Canvas().Focus(drawn)
	x.eventually(t, "设置's last button "+last.Text+" in view", inView)

	// A field inside 设置's form (语言, its last select) too: the form is a
	// widget, which the search did not enter.
	var sel *widget.Select
	walkRendered(scroll.Scroll.Content, func(o fyne.CanvasObject) {
		if s, ok := o.(*widget.Select); ok && s.Visible() {
			sel = s
		}
	})
	if sel == nil {
		t.Fatal("no select in 设置")
	}
	x.w.Canvas().Focus(nil)
	scroll.Scroll.ScrollToTop()
	x.pump()
	selInView := func() bool {
		y := d.AbsolutePositionForObject(sel).Y - d.AbsolutePositionForObject(scroll).Y
		return y >= 0 && y+sel.Size().Height <= scroll.Size().Height
	}
	if selInView() {
		t.Fatal("设置's last select fits the window at the top: the test follows nothing")
	}
	x.w.Canvas().Focus(sel)
	x.eventually(t, "设置's select in view", selInView)

	// And a dialog's: the problem list's last line.
	x.u.NewFiling(app.KindDeclaration)
	x.eventually(t, "the editor", func() bool { return x.u.editor != nil })
	test.Tap(x.u.editor.submit)
	x.eventually(t, "the problem list", func() bool { return x.w.Canvas().Overlays().Top() != nil })
	var lines []*tapLabel
	var list *container.Scroll
	walkRendered(x.w.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		switch v := o.(type) {
		case *tapLabel:
			if !v.Disabled() {
				lines = append(lines, v)
			}
		case *container.Scroll:
			list = v
		}
	})
	if len(lines) == 0 || list == nil {
		t.Fatal("no lines in the problem list")
	}
	end := lines[len(lines)-1]
	lineInView := func() bool {
		y := d.AbsolutePositionForObject(end).Y - d.AbsolutePositionForObject(list).Y
		return y >= 0 && y+end.Size().Height <= list.Size().Height
	}
	if lineInView() {
		t.Fatal("the problem list's last line is in view at once: the test follows nothing")
	}
	x.w.Canvas().Focus(end)
	x.eventually(t, "the problem list's last line in view", lineInView)
}

// With nothing to Tab to (a read-only filing, the timeline, or no field
// chosen), PageDown, End and Home scroll the screen.
func TestPageKeysScrollTheScreen(t *testing.T) {
	x := newScreens(t, "huoqiu", nil)
	scroll := shortSettings(t, x)
	x.w.Canvas().Focus(nil)
	key := func(k fyne.KeyName) { x.w.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: k}) }
	key(fyne.KeyPageDown)
	if scroll.Scroll.Offset.Y <= 0 {
		t.Fatalf("PageDown left 设置 at %v", scroll.Scroll.Offset.Y)
	}
	key(fyne.KeyEnd)
	if end := scroll.Scroll.Content.MinSize().Height - scroll.Scroll.Size().Height; scroll.Scroll.Offset.Y != end {
		t.Errorf("End: %v, want %v", scroll.Scroll.Offset.Y, end)
	}
	key(fyne.KeyHome)
	if scroll.Scroll.Offset.Y != 0 {
		t.Errorf("Home: %v", scroll.Scroll.Offset.Y)
	}
}

// shortSettings shows 设置 in a window short enough that it scrolls, and
// returns its form.
func shortSettings(t *testing.T, x *screenFixture) *formScroll {
	t.Helper()
	x.w.Resize(fyne.NewSize(1000, 420))
	x.u.showSettings()
	x.pump()
	var scroll *formScroll
	walk(x.u.center, func(o fyne.CanvasObject) {
		if f, ok := o.(*formScroll); ok && scroll == nil {
			scroll = f
		}
	})
	if scroll == nil {
		t.Fatal("设置 has no scrolling form")
	}
	return scroll
}

// A date written 2027/3/1 or 2027年4月1日 is put as the filing keeps it
// (2027-03-01) when the clerk leaves the field: it was refused as blank
// ("请填写…"). Text that is no date stays as typed, to be explained.
func TestDateWrittenAsPeopleWriteItIsKept(t *testing.T) {
	x := newScreens(t, "huoqiu", nil)
	h := x.newEditor(t, app.KindTrialReport)
	h.e.jump("trial_start") // its section shown
	x.pump()
	start, end := h.entry("trial_start"), h.entry("trial_end")
	x.w.Canvas().Focus(start)
	test.Type(start, "2027/3/1")
	time.Sleep(3 * focusPoll)
	x.pump()
	x.w.Canvas().Focus(end) // the focus is looked at every focusPoll: leave each field after one
	test.Type(end, "2027年4月1日")
	x.eventually(t, "the start date written 2027-03-01", func() bool { return start.Text == "2027-03-01" })
	time.Sleep(3 * focusPoll)
	x.pump()
	x.w.Canvas().Focus(start)
	x.eventually(t, "the end date written 2027-04-01", func() bool { return end.Text == "2027-04-01" })
	x.saved(t, "the dates stored", func(f *app.Filing) bool {
		return f.TrialReport.TrialStart == "2027-03-01" && f.TrialReport.TrialEnd == "2027-04-01"
	})
	start.SetText("")
	test.Type(start, "三月一日")
	x.w.Canvas().Focus(end)
	time.Sleep(3 * focusPoll)
	x.pump()
	if start.Text != "三月一日" {
		t.Errorf("text that is no date became %q", start.Text)
	}
}

// The 建设周期 is read as people write a month, when the field is left and
// when 检查并提交 is clicked while it is being typed in (a click does not
// move the keyboard): 2027年3月 and 2027-3 were refused with 请填写.
func TestMonthWrittenAsPeopleWriteItIsKept(t *testing.T) {
	x := newScreens(t, "huoqiu", nil)
	h := x.newEditor(t, app.KindDeclaration)
	h.e.jump("period_start")
	x.pump()
	start, end := h.entry("period_start"), h.entry("period_end")
	x.w.Canvas().Focus(start)
	test.Type(start, "2027年3月")
	time.Sleep(3 * focusPoll)
	x.pump()
	x.w.Canvas().Focus(end)
	test.Type(end, "2027-12 ")
	x.eventually(t, "the start written 2027-03", func() bool { return start.Text == "2027-03" })
	h.e.onSubmit()
	x.pump()
	if end.Text != "2027-12" {
		t.Errorf("the end, being typed in at 检查并提交: %q", end.Text)
	}
	x.saved(t, "the months stored", func(f *app.Filing) bool {
		return f.Declaration.PeriodStart == "2027-03" && f.Declaration.PeriodEnd == "2027-12"
	})
	if msg := h.message("period_end"); msg != "" {
		t.Errorf("the end read as 2027-12 still says %q", msg)
	}
}

// A credit code, a region code and a phone number typed through an input
// method left in full-width mode (or grouped: 139 1234 5678) are written
// as the filing keeps them when the clerk leaves the field or clicks
// 检查并提交 while typing: they were refused with “只用半角数字…” or 格式不正确
// though nothing was wrong but the width.
func TestCodeTypedFullWidthIsKept(t *testing.T) {
	x := newScreens(t, "huoqiu", nil)
	h := x.newEditor(t, app.KindDeclaration)
	h.e.jump("unit_credit_code")
	x.pump()
	code, region, phone := h.entry("unit_credit_code"), h.entry("region_code"), h.entry("contact.phone")
	phone.SetText("")
	x.w.Canvas().Focus(phone)
	test.Type(phone, "１３９ １２３４ ５６７８")
	time.Sleep(3 * focusPoll)
	x.pump()
	code.SetText("")
	x.w.Canvas().Focus(code)
	test.Type(code, "９１４４０３００７０８４６１１３６ｔ")
	time.Sleep(3 * focusPoll)
	x.pump()
	region.SetText("")
	x.w.Canvas().Focus(region)
	test.Type(region, "３４１５２２")
	x.eventually(t, "the credit code written half-width", func() bool { return code.Text == "91440300708461136T" })
	if phone.Text != "139 1234 5678" {
		t.Errorf("the phone number typed full-width and grouped: %q", phone.Text)
	}
	h.e.onSubmit()
	x.pump()
	if region.Text != "341522" {
		t.Errorf("the region code, being typed in at 检查并提交: %q", region.Text)
	}
	x.saved(t, "the codes stored", func(f *app.Filing) bool {
		return f.Declaration.UnitCreditCode == "91440300708461136T" && f.Declaration.RegionCode == "341522" && f.Declaration.Contact.Phone == "139 1234 5678"
	})
	if msg := h.message("unit_credit_code"); msg != "" {
		t.Errorf("the code read half-width still says %q", msg)
	}
}

// A 需求清单 line's 所需资源代码 typed full-width (１０１００１／０００１００) is
// written as codes are kept when the clerk leaves it: it was refused as
// 格式不正确 (found in a 天宁 window).
func TestResourceCodeTypedFullWidthIsKept(t *testing.T) {
	x := newScreens(t, "tianning", nil)
	f, err := app.NewFiling(app.KindCatalogue, newID(), newID(), "local", x.u.Now())
	if err != nil {
		t.Fatal(err)
	}
	f.Catalogue = apptest.Catalogue()
	f.Catalogue.Demands = []app.Demand{{ResourceName: "户籍人口信息", Items: []string{"公民身份号码", "姓名"}, Provider: "常州市公安局天宁分局"}}
	x.store.put(f)
	x.u.OpenFiling(f.ID)
	x.pump()
	h := x.editor(t)
	h.e.jump("demands[0].resource_code")
	x.pump()
	code := h.entry("demands[0].resource_code")
	x.w.Canvas().Focus(code)
	test.Type(code, "１０１００１／０００１００")
	time.Sleep(3 * focusPoll)
	x.pump()
	x.w.Canvas().Focus(h.entry("demands[0].items"))
	x.eventually(t, "the code written half-width", func() bool { return code.Text == "101001/000100" })
	if msg := h.message("demands[0].resource_code"); msg != "" {
		t.Errorf("the code read half-width still says %q", msg)
	}
	// and a resource's 关联资源代码, a list
	h.e.jump("entries[0].related_codes")
	x.pump()
	related := h.entry("entries[0].related_codes")
	related.SetText("")
	x.w.Canvas().Focus(related)
	test.Type(related, "３０７００１／０００００２，３０７００１／０００００３")
	time.Sleep(3 * focusPoll)
	x.pump()
	x.w.Canvas().Focus(h.entry("entries[0].name"))
	x.eventually(t, "the related codes written half-width", func() bool { return related.Text == "307001/000002；307001/000003" })
	x.saved(t, "the related codes stored", func(f *app.Filing) bool {
		return slices.Equal(f.Catalogue.Entries[0].RelatedCodes, []string{"307001/000002", "307001/000003"})
	})
}

// A row added from the keyboard takes the keyboard: after 添加资金来源 (or
// a module, a schedule node), Tab went back to the top of the form.
func TestAddedRowTakesTheKeyboard(t *testing.T) {
	x := newScreens(t, "huoqiu", nil)
	h := x.newEditor(t, app.KindDeclaration)
	for _, c := range []struct {
		section, button, row string
	}{{"funding", "添加资金来源", "funding[0]"}, {"modules", "添加功能模块", "modules[0]"}, {"schedule", "添加进度节点", "schedule[0]"}} {
		h.e.jump(c.section)
		x.pump()
		b := findButton(h.e.sections[h.e.current].content, c.button)
		if b == nil {
			t.Fatalf("no button %s", c.button)
		}
		test.Tap(b)
		x.pump()
		if f := x.w.Canvas().Focused(); f == nil || f != h.target(c.row).(fyne.Focusable) {
			t.Errorf("after %s the keyboard is on %T, want the new row's first input", c.button, f)
		}
	}
}

// The first item's ↑ and the last's ↓ are off: they did nothing, and Tab
// stopped on them. Adding an item turns the last row's ↓ on.
func TestItemArrowsAtTheEndsAreOff(t *testing.T) {
	x := newScreens(t, "yunan", nil)
	h := x.newEditor(t, app.KindCatalogue)
	c := h.catalogue()
	h.e.jump("entries")
	test.Tap(c.addEntry)
	arrows := func(j int) (bool, bool) {
		up, down, _ := itemButtons(c, j)
		return !up.Disabled(), !down.Disabled()
	}
	test.Tap(c.items.add)
	if up, down := arrows(0); up || down {
		t.Errorf("the only item: ↑ %v ↓ %v", up, down)
	}
	test.Tap(c.items.add)
	test.Tap(c.items.add)
	for j, want := range [][2]bool{{false, true}, {true, true}, {true, false}} {
		if up, down := arrows(j); up != want[0] || down != want[1] {
			t.Errorf("item %d of 3: ↑ %v ↓ %v, want %v", j+1, up, down, want)
		}
	}
}

// A row added after a 检查并提交 is not red before the clerk has filled it
// in: a new funding row said 请选择类别 at once. The next 检查并提交 shows
// what it still lacks.
func TestAddedRowIsNotRedAtOnce(t *testing.T) {
	x := newScreens(t, "huoqiu", nil)
	h := x.newEditor(t, app.KindDeclaration)
	h.e.onSubmit() // every problem shows from here on
	x.pump()
	if d := x.w.Canvas().Overlays().Top(); d != nil {
		answerDialog(x.w.Canvas(), &fyne.KeyEvent{Name: fyne.KeyEscape})
		x.pump()
	}
	h.e.jump("funding")
	test.Tap(findButton(h.e.sections[h.e.current].content, "添加资金来源"))
	x.pump()
	if msg := h.message("funding[0]"); msg != "" {
		t.Errorf("a funding row just added reads %q", msg)
	}
	h.e.onSubmit()
	x.pump()
	if msg := h.message("funding[0]"); !strings.Contains(msg, "资金来源") {
		t.Errorf("after 检查并提交 the new row reads %q", msg)
	}
}

// The first item added, at the foot of the resource's form, is brought into
// view with the keyboard: the focus went to its name out of sight.
func TestAddedItemIsInView(t *testing.T) {
	x := newScreens(t, "yunan", nil)
	h := x.newEditor(t, app.KindCatalogue)
	c := h.catalogue()
	h.e.jump("entries")
	test.Tap(c.addEntry)
	x.pump()
	c.detail.ScrollToTop()
	x.pump()
	d := x.u.app.Driver()
	inView := func() bool {
		y := d.AbsolutePositionForObject(c.items.frame).Y + c.items.frame.Size().Height - d.AbsolutePositionForObject(c.detail).Y
		return y > 0 && y <= c.detail.Size().Height
	}
	if inView() {
		t.Fatalf("the items table is in view from the start: the test shows nothing")
	}
	test.Tap(c.items.add)
	x.pump()
	if !inView() {
		t.Errorf("the item added is out of view (the detail scrolled to %v)", c.detail.Offset)
	}
}

// In the three lists, the inputs of a row's two columns sit level, whether
// a field has a hint or not (所需资源代码's stood a line lower).
func TestListRowInputsSitLevel(t *testing.T) {
	x := newScreens(t, "yunan", nil)
	h := x.newEditor(t, app.KindCatalogue)
	c := h.catalogue()
	d := x.u.app.Driver()
	for i, path := range []string{"demands", "duties", "negatives"} {
		test.Tap(showList(c, i))
		x.pump()
		pairs := map[string][][2]string{
			"demands":   {{"resource_name", "resource_code"}, {"basis", "scenario"}},
			"duties":    {{"resource_code", "items"}, {"share_type", "share_mode_class"}, {"share_mode_type", "owner"}},
			"negatives": {{"resource_code", "items"}, {"category", "basis"}},
		}[path]
		for _, p := range pairs {
			a, b := h.target(path+"[0]."+p[0]), h.target(path+"[0]."+p[1])
			if a == nil || b == nil {
				t.Fatalf("%s: no %v", path, p)
			}
			if ya, yb := d.AbsolutePositionForObject(a).Y, d.AbsolutePositionForObject(b).Y; ya != yb {
				t.Errorf("%s: %s at y %v, %s at y %v", path, p[0], ya, p[1], yb)
			}
		}
	}
}

// pressKey sends k to f as the window's driver does: down, typed, up.
func pressKey(f fyne.Focusable, k fyne.KeyName) {
	ev := &fyne.KeyEvent{Name: k}
	if d, ok := f.(desktop.Keyable); ok {
		d.KeyDown(ev)
	}
	f.TypedKey(ev)
	if d, ok := f.(desktop.Keyable); ok {
		d.KeyUp(ev)
	}
}

// Enter held down on a button presses it once, when it comes up: its
// repeats, typed keys, went on to the dialog it opened, and 检查并提交 held
// a moment answered its own 确认提交 (found in review).
func TestEnterHeldOnAButtonPressesItOnce(t *testing.T) {
	x := newScreens(t, "huoqiu", nil)
	pressed := 0
	b := newButton(&Button{Button: widget.Button{Text: "提交", OnTapped: func() { pressed++ }}})
	x.w.SetContent(container.NewVBox(b))
	x.w.Canvas().Focus(b)
	ev := &fyne.KeyEvent{Name: fyne.KeyReturn}
	b.KeyDown(ev)
	for range 5 { // the repeats of a key held down
		b.TypedKey(ev)
	}
	if pressed != 0 {
		t.Fatalf("pressed %d times while Enter was down", pressed)
	}
	b.KeyUp(ev)
	if pressed != 1 {
		t.Errorf("pressed %d times when Enter came up, want 1", pressed)
	}
	b.KeyUp(ev) // up without down (it went down elsewhere)
	if pressed != 1 {
		t.Errorf("an Enter that went down elsewhere pressed it")
	}
}

// 删除资源 is off while there is no resource to delete: the editor turned
// every input on, it too.
func TestRemoveResourceOffWithNone(t *testing.T) {
	x := newScreens(t, "yunan", nil)
	h := x.newEditor(t, app.KindCatalogue)
	c := h.catalogue()
	if !c.remove.Disabled() {
		t.Error("删除资源 is on with no resource")
	}
	h.e.jump("entries")
	test.Tap(c.addEntry)
	if c.remove.Disabled() {
		t.Error("删除资源 is off with a resource shown")
	}
}

// The items list reuses its rows as it scrolls: an item's name box that
// had the keyboard, shown again for another item, took what the clerk
// typed next into that item (性别 clicked, the list scrolled, ABC typed:
// item 11 became 登记ABC日期, saved; found typing in the real window).
// Scrolled away, the box lets go of the keyboard and no item changes.
func TestScrolledItemsLetGoOfTheKeyboard(t *testing.T) {
	x := newScreens(t, "yunan", nil)
	h := x.newEditor(t, app.KindCatalogue)
	c := h.catalogue()
	h.e.jump("entries")
	test.Tap(c.addEntry)
	for range 40 {
		test.Tap(c.items.add)
	}
	items := c.items.r.Items
	for j := range items {
		items[j].Name = fmt.Sprintf("信息项%d", j+1)
	}
	c.items.list.Refresh()
	c.items.list.ScrollToTop()
	x.pump()
	r := c.items.rows[2]
	if r == nil || r.idx != 2 {
		t.Fatal("item 3 is not shown")
	}
	x.w.Canvas().Focus(r.name)
	// What the list does with a row scrolled out of view when another
	// item scrolls in (it keeps unused rows in a pool, so which row comes
	// back is the pool's choice): it shows the new item in it.
	c.items.list.UpdateItem(30, r)
	x.pump()
	if f := x.w.Canvas().Focused(); f == fyne.Focusable(r.name) {
		t.Errorf("item %d's name box still has the keyboard after showing item 3 before", r.idx+1)
	}
	if f := x.w.Canvas().Focused(); f != nil {
		test.Type(f, "ABC")
	}
	for j, it := range c.items.r.Items {
		if want := fmt.Sprintf("信息项%d", j+1); it.Name != want {
			t.Errorf("item %d reads %q, want %q", j+1, it.Name, want)
		}
	}
}

// The same in the other kinds' tables: after 添加问题 nothing had the
// keyboard and the word typed next through the input method was dropped
// (found typing in the real window).
func TestAddedRowTakesTheKeyboardInEveryKind(t *testing.T) {
	x := newScreens(t, "yunan", nil)
	for _, c := range []struct {
		kind                 app.Kind
		section, button, row string
	}{
		{app.KindTrialReport, "modules", "添加功能", "modules[0]."},
		{app.KindTrialReport, "issues", "添加问题", "issues[0]."},
		{app.KindTrialReport, "feedback.opinions", "添加意见", "feedback.opinions[0]."},
		{app.KindCatalogue, "demands", "添加需求", "demands[0]."},
	} {
		h := x.newEditor(t, c.kind)
		h.e.jump(c.section)
		x.pump()
		tapButton(t, x.w.Content(), c.button)
		x.pump()
		f := x.w.Canvas().Focused()
		var at string
		for p, o := range h.e.targets {
			if f != nil && o == f.(fyne.CanvasObject) && len(p) > len(at) {
				at = p // the field's own path, not its row's (issues[0])
			}
		}
		if f == nil || !strings.HasPrefix(at, c.row) {
			t.Errorf("%s: after %s the keyboard is on %T (%q), want the new row's first input", c.kind, c.button, f, at)
		}
	}
}

// A submitted catalogue's items have no ↑ ↓ 删除, and the hint above them
// does not point to them (found in the real window).
func TestReadOnlyItemsHintNamesNoButtons(t *testing.T) {
	x := newScreens(t, "yunan", nil)
	f, err := app.NewFiling(app.KindCatalogue, newID(), newID(), "local", x.u.Now())
	if err != nil {
		t.Fatal(err)
	}
	f.Catalogue = apptest.Catalogue()
	if _, err := f.Submit(x.u.Now(), "陈晓"); err != nil {
		t.Fatal(err)
	}
	x.store.put(f)
	x.u.OpenFiling(f.ID)
	x.pump()
	h := x.editor(t)
	h.e.jump("entries")
	x.pump()
	c := h.catalogue()
	if c.items == nil {
		t.Fatal("no items shown")
	}
	if got := textOf(c.items.obj); strings.Contains(got, "行末按钮") || !strings.Contains(got, "字符型C须填写长度") {
		t.Errorf("a read-only catalogue's items say:\n%s", got)
	}
}

// After 删除 → 是 the row that took the removed one's place has the
// keyboard, or the one before it when the last went, or the table's add
// button when none is left: nothing had it, and the next word typed was
// dropped (found typing in the real window).
func TestRemovedRowLeavesTheKeyboardNearby(t *testing.T) {
	x := newScreens(t, "yunan", nil)
	focusedPath := func(h *probe) string {
		f := x.w.Canvas().Focused()
		if f == nil {
			return ""
		}
		at := ""
		for p, o := range h.e.targets {
			if o == f.(fyne.CanvasObject) && len(p) > len(at) {
				at = p // the field's own path, not its row's (issues[0])
			}
		}
		if at != "" {
			return at
		}
		if b := buttonOf(f); b != nil {
			return b.Text
		}
		return fmt.Sprintf("%T", f)
	}
	for _, c := range []struct {
		kind                 app.Kind
		section, button, row string
		rows                 func(h *probe) *fyne.Container
	}{
		{app.KindTrialReport, "issues", "添加问题", "issues[%d].", func(h *probe) *fyne.Container { return h.e.kind.(*trialEditor).issueBox }},
		{app.KindCatalogue, "demands", "添加需求", "demands[%d].", func(h *probe) *fyne.Container { return h.catalogue().demandBox }},
		{app.KindDeclaration, "budget", "添加一行", "budget[%d]", func(h *probe) *fyne.Container { return h.e.budgetBox }},
	} {
		h := x.newEditor(t, c.kind)
		h.e.jump(c.section)
		x.pump()
		rows := c.rows(h)
		for len(rows.Objects) < 3 {
			tapButton(t, x.w.Content(), c.button)
			x.pump()
		}
		remove := func(i int) {
			t.Helper()
			x.w.Canvas().Unfocus()
			tapButton(t, rows.Objects[i], "删除")
			x.pump()
			x.tapDialogButton(t, "Yes", "是")
			x.pump()
		}
		for _, step := range []struct {
			remove int
			want   string
		}{
			{0, fmt.Sprintf(c.row, 0)}, // the row after it, now first
			{1, fmt.Sprintf(c.row, 0)}, // the last: the one before it
			{0, c.button},              // none left: the add button
		} {
			remove(step.remove)
			if got := focusedPath(h); !strings.HasPrefix(got, step.want) {
				t.Errorf("%s: after removing row %d the keyboard is on %q, want %q", c.kind, step.remove, got, step.want)
			}
		}
	}
}

// Ctrl+Enter is 检查并提交 from anywhere in the editor (it lay 19 to 57
// Tabs away), and nothing elsewhere or while the filing cannot be
// submitted; Fyne runs main-menu shortcuts before the field's own keys.
func TestSubmitByKeyboard(t *testing.T) {
	x := newScreens(t, "yunan", nil)
	var submit *fyne.MenuItem
	for _, m := range x.u.mainMenu().Items {
		for _, it := range m.Items {
			if it.Shortcut != nil && it.Shortcut.ShortcutName() == submitShortcut.ShortcutName() {
				submit = it
			}
		}
	}
	if submit == nil || submit.Label != "检查并提交" {
		t.Fatalf("no menu item for Ctrl+Enter: %+v", submit)
	}
	submit.Action() // on the list: nothing
	if top := x.w.Canvas().Overlays().Top(); top != nil {
		t.Errorf("Ctrl+Enter on the list showed %s", x.dialogText())
	}
	h := x.newEditor(t, app.KindDeclaration)
	x.w.Canvas().Focus(h.entry("project_name"))
	submit.Action()
	x.pump()
	if !strings.Contains(x.dialogText(), "点任一条即可转到要修改的地方") {
		t.Fatalf("Ctrl+Enter in a new declaration shows %q, want its problem list", x.dialogText())
	}
	submit.Action() // a second one under the dialog: nothing more
	x.pump()
	if n := len(x.w.Canvas().Overlays().List()); n != 1 {
		t.Errorf("Ctrl+Enter under the problem list opened %d overlays", n)
	}
	x.tapDialogButton(t, "关闭", "Close")
	h.e.submit.Hide() // as for a submitted version
	submit.Action()
	if top := x.w.Canvas().Overlays().Top(); top != nil {
		t.Errorf("Ctrl+Enter without 检查并提交 showed %s", x.dialogText())
	}
}

// Ctrl+End and Ctrl+Home go to the end and the start of a multi-line
// text, as in any editor; Fyne's entry ignored them.
func TestTextAreaCtrlHomeEnd(t *testing.T) {
	test.NewTempApp(t)
	a := newTextArea("第一行\n第二行较长一些\n第三行")
	w := test.NewTempWindow(t, a)
	w.Resize(fyne.NewSize(400, 300))
	w.Canvas().Focus(a)
	a.CursorRow, a.CursorColumn = 1, 2
	a.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyEnd, Modifier: fyne.KeyModifierShortcutDefault})
	if a.CursorRow != 2 || a.CursorColumn != 3 {
		t.Errorf("Ctrl+End: row %d column %d, want 2 3", a.CursorRow, a.CursorColumn)
	}
	a.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyHome, Modifier: fyne.KeyModifierShortcutDefault})
	if a.CursorRow != 0 || a.CursorColumn != 0 {
		t.Errorf("Ctrl+Home: row %d column %d, want 0 0", a.CursorRow, a.CursorColumn)
	}
	a.TypedShortcut(&fyne.ShortcutSelectAll{}) // the entry's own still work
	if a.SelectedText() != a.Text {
		t.Errorf("Ctrl+A selected %q", a.SelectedText())
	}
}

// 本条资源至少要有一个信息项 takes the clerk to the items' head, with
// 添加信息项 in view and the keyboard; an item's problem shows the head too
// while the table fits. The list's top was scrolled to 110 px below the
// form's edge, and the head (with the button, its hint now two lines) was
// cut off above it (found in the real window).
func TestItemsProblemShowsTheHead(t *testing.T) {
	x := newScreens(t, "yunan", nil)
	x.w.Resize(fyne.NewSize(1366, 768))
	for _, c := range []struct {
		items []app.DataItem
		path  string
	}{
		{nil, "entries[0].items"},
		{[]app.DataItem{{Name: "姓名", DataType: "C"}}, "entries[0].items[0].length"},
	} {
		f, err := app.NewFiling(app.KindCatalogue, newID(), newID(), "local", x.u.Now())
		if err != nil {
			t.Fatal(err)
		}
		f.Catalogue = apptest.Catalogue()
		f.Catalogue.Entries[0].Items = c.items
		x.store.put(f)
		x.u.OpenFiling(f.ID)
		x.pump()
		h := x.editor(t)
		h.e.jump(c.path)
		x.pump()
		ce := h.catalogue()
		want := fyne.Focusable(ce.items.add)
		if c.items != nil {
			want = ce.items.rows[0].length
		}
		if got := x.w.Canvas().Focused(); got != want {
			t.Errorf("%s: the keyboard is on %T, want %T", c.path, got, want)
		}
		d := x.u.app.Driver()
		top := d.AbsolutePositionForObject(ce.items.count).Y - d.AbsolutePositionForObject(ce.detailForm).Y
		if top < 0 || top+ce.items.count.Size().Height > ce.detailForm.Size().Height {
			t.Errorf("%s: the items' head is %v px from the form's top (form %v high), want in view", c.path, top, ce.detailForm.Size().Height)
		}
	}
}

// codeList takes apart codes separated by spaces alone, where they were
// glued into one (101001/000001101001/000002), and leaves what is no code.
func TestCodeListKeepsCodesApart(t *testing.T) {
	for in, want := range map[string]string{
		"101001/000001 101001/000002": "101001/000001；101001/000002",
		"１０１００１／０００００１　１０１００１／０００００２": "101001/000001；101001/000002",
		"101001 / 000001": "101001/000001",
		"见人口库（101001/000001）、101001/000002": "见人口库（101001/000001）；101001/000002",
		"３０７００１／０００００２，３０７００１／０００００３":       "307001/000002；307001/000003",
	} {
		if got, _ := codeList(in); got != want {
			t.Errorf("codeList(%q) = %q, want %q", in, got, want)
		}
	}
}
