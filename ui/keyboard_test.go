package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"egovdesk/app"
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
	x.u.NewFiling(app.KindCatalogue)
	h := x.editor(t)
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
	x.u.NewFiling(app.KindCatalogue)
	h := x.editor(t)
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
		case *widget.Button:
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
}

// The side panel's reasons and the count 检查并提交 gives add up: the panel
// counted the rules' reasons only (6) while the dialog said 还有 19 处, and
// the clerk saw two answers to one question.
func TestPanelAndProblemListAgree(t *testing.T) {
	x := newScreens(t, "wuhan", nil)
	x.u.NewFiling(app.KindDeclaration)
	x.eventually(t, "the editor", func() bool { return x.u.editor != nil })
	h := x.editor(t)
	panel := h.panel()
	var rules, other int
	for _, line := range strings.Split(panel, "\n") {
		fmt.Sscanf(line, "按办法不能提交的原因（%d）", &rules)
		fmt.Sscanf(line, "另有 %d 处未填或格式不对", &other)
	}
	a := h.e.prof.EvaluateSent(h.e.decl(), x.u.Now(), time.Time{})
	missing := len(a.MissingMaterials(h.e.f.Attachments))
	if rules == 0 || other == 0 || rules+other+missing != len(h.e.problems) {
		t.Errorf("panel: %d reasons + %d others + %d attachments, the list %d:\n%s", rules, other, missing, len(h.e.problems), panel)
	}
}
