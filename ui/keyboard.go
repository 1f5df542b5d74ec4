package ui

import (
	"reflect"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// The keyboard's ways around the window, as main-menu shortcuts: those work
// while a field has the keyboard, where a canvas shortcut would not.
var (
	homeShortcut  = &desktop.CustomShortcut{KeyName: fyne.Key1, Modifier: fyne.KeyModifierShortcutDefault}
	inboxShortcut = &desktop.CustomShortcut{KeyName: fyne.Key2, Modifier: fyne.KeyModifierShortcutDefault}
	nextShortcut  = &desktop.CustomShortcut{KeyName: fyne.KeyPageDown, Modifier: fyne.KeyModifierShortcutDefault}
	prevShortcut  = &desktop.CustomShortcut{KeyName: fyne.KeyPageUp, Modifier: fyne.KeyModifierShortcutDefault}
	// submitShortcut is 检查并提交: from the form it lay 19 to 57 Tabs
	// away (found with the keyboard in the real window).
	submitShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyReturn, Modifier: fyne.KeyModifierShortcutDefault}
)

// goMenu is 转到: the list, the inbox, and the editor's next and previous
// page (Ctrl+PageDown, Ctrl+PageUp, as between a browser's tabs). Fyne runs
// a main-menu shortcut before it looks for a dialog, so each does nothing
// while one is open: Ctrl+1 under 确认提交 closed the editor the dialog
// would then submit from.
func (u *UI) goMenu() *fyne.Menu {
	return fyne.NewMenu(T("转到"),
		&fyne.MenuItem{Label: T("全部材料"), Shortcut: homeShortcut, Action: u.unlessDialog(func() {
			u.ShowHome()
			u.win.Canvas().Focus(u.home.list)
		})},
		&fyne.MenuItem{Label: T("收件箱"), Shortcut: inboxShortcut, Action: u.unlessDialog(func() {
			u.ShowInbox()
			u.win.Canvas().Focus(u.inbox.list)
		})},
		fyne.NewMenuItemSeparator(),
		&fyne.MenuItem{Label: T("下一页（材料的下一部分）"), Shortcut: nextShortcut, Action: u.unlessDialog(func() { u.editorPage(1) })},
		&fyne.MenuItem{Label: T("上一页"), Shortcut: prevShortcut, Action: u.unlessDialog(func() { u.editorPage(-1) })},
		fyne.NewMenuItemSeparator(),
		&fyne.MenuItem{Label: T("检查并提交"), Shortcut: submitShortcut, Action: u.unlessDialog(u.editorSubmit)},
	)
}

// editorSubmit is 检查并提交 of the open editor, when it offers it (a draft
// or a returned filing's new version, not while sending); nothing else.
func (u *UI) editorSubmit() {
	if e := u.editor; e != nil && e.submit.Visible() && !e.submit.Disabled() {
		e.onSubmit()
	}
}

// unlessDialog returns fn run only while no dialog is shown.
func (u *UI) unlessDialog(fn func()) func() {
	return func() {
		if p := modalPopUp(u.win.Canvas().Overlays().Top()); p != nil && p.Visible() {
			return
		}
		fn()
	}
}

// editorPage moves the open editor a page on; nothing when none is open.
func (u *UI) editorPage(delta int) {
	if u.editor != nil {
		u.editor.page(delta)
	}
}

// page shows the next (delta 1) or previous (-1) page of the editor — a
// section, or one of the tabs of a section that has them (the catalogue's
// three lists) — and gives its first input the keyboard, so that Tab goes
// on from there.
func (e *editorScreen) page(delta int) {
	if tabs := e.tabsOf(e.current); tabs != nil {
		if i := tabs.SelectedIndex() + delta; i >= 0 && i < len(tabs.Items) {
			tabs.SelectIndex(i)
			e.focusFirst(tabs.Items[i].Content)
			return
		}
	}
	i := e.current + delta
	if i < 0 || i >= len(e.sections) {
		return
	}
	e.secList.Select(i)
	if tabs := e.tabsOf(i); tabs != nil {
		t := 0
		if delta < 0 {
			t = len(tabs.Items) - 1
		}
		tabs.SelectIndex(t)
		e.focusFirst(tabs.Items[t].Content)
		return
	}
	e.focusFirst(e.sections[i].content)
}

// tabsOf returns the tabs of section i, nil when it has none.
func (e *editorScreen) tabsOf(i int) *container.AppTabs {
	if k, ok := e.kind.(interface{ tabsOf(int) *container.AppTabs }); ok {
		return k.tabsOf(i)
	}
	return nil
}

// focusFirst gives the keyboard to the first enabled input inside o.
func (e *editorScreen) focusFirst(o fyne.CanvasObject) {
	if f := firstInput(o); f != nil {
		focusAtEnd(e.u.win.Canvas(), f)
	}
}

// focusAtEnd gives f the keyboard with, in a text box, the caret after its
// text: a clerk taken to a field (a remark's link, the problem list) adds
// to what is there, and the caret at the start put the answer to 请写明密钥
// 的生成… before the text, "密钥采用 SM2…" (found typing in the real window).
func focusAtEnd(c fyne.Canvas, f fyne.Focusable) {
	c.Focus(f)
	var in *widget.Entry
	switch v := f.(type) {
	case *widget.Entry:
		v.ExtendBaseWidget(v) // one made as a struct and not drawn yet
		in = v
	case *textArea:
		in = &v.Entry
	default:
		return
	}
	// As Page Down moves it: the rows are the box's wrapped lines. A box
	// not drawn yet (a list's row) is given its renderer first, which
	// Page Down needs.
	in.Refresh()
	in.TypedKey(&fyne.KeyEvent{Name: fyne.KeyPageDown})
}

// firstFocusable returns the first visible, enabled widget inside o that
// takes the keyboard, following containers and scrolls, nil when none.
func firstFocusable(o fyne.CanvasObject) fyne.Focusable { return findFocusable(o, true) }

// firstInput is firstFocusable without buttons: a page's first button is
// often a row's 删除, which the next Space would press.
func firstInput(o fyne.CanvasObject) fyne.Focusable { return findFocusable(o, false) }

func findFocusable(o fyne.CanvasObject, buttons bool) fyne.Focusable {
	if o == nil || !o.Visible() {
		return nil
	}
	switch v := o.(type) {
	case *fyne.Container:
		for _, c := range v.Objects {
			if f := findFocusable(c, buttons); f != nil {
				return f
			}
		}
		return nil
	case *formScroll:
		return findFocusable(v.Scroll.Content, buttons)
	case *container.Scroll:
		return findFocusable(v.Content, buttons)
	case *container.Split:
		if f := findFocusable(v.Leading, buttons); f != nil {
			return f
		}
		return findFocusable(v.Trailing, buttons)
	case *widget.Button, *Button:
		if !buttons || v.(fyne.Disableable).Disabled() {
			return nil
		}
		return v.(fyne.Focusable)
	case fyne.Focusable:
		if d, ok := o.(fyne.Disableable); ok && d.Disabled() {
			return nil
		}
		return v
	}
	return nil
}

// dialogKeys answers Enter and Escape in a dialog while none of its
// widgets has the keyboard (a dialog opens so), which Fyne's dialogs do not:
// Enter takes the dialog's primary button (its only one, or its one
// high-importance button: 是, 确定, 提交…), Escape its way out (its only
// button, or its one other button, or the one labelled 取消/关闭/否). A
// dialog whose buttons leave that open is left alone, as are keys with no
// dialog shown.
func (u *UI) dialogKeys(ev *fyne.KeyEvent) {
	if !answerDialog(u.win.Canvas(), ev) && u.win.Canvas().Overlays().Top() == nil {
		u.scrollKeys(ev)
	}
}

// answerDialog is dialogKeys for the dialog shown on c, if any; it
// reports whether one is shown.
func answerDialog(c fyne.Canvas, ev *fyne.KeyEvent) bool {
	pop := modalPopUp(c.Overlays().Top())
	if pop == nil || !pop.Visible() {
		return false
	}
	var all, primary, others []*widget.Button
	walkButtons(pop.Content, func(_ fyne.CanvasObject, b *widget.Button) {
		if b.Disabled() || b.OnTapped == nil {
			return
		}
		all = append(all, b)
		switch b.Importance {
		case widget.HighImportance:
			primary = append(primary, b)
		case widget.DangerImportance:
			// never a way out: Escape is not to press 仍然退出
		default:
			others = append(others, b)
		}
	})
	var press *widget.Button
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		switch {
		case len(all) == 1:
			press = all[0]
		case len(primary) == 1:
			press = primary[0]
		}
	case fyne.KeyEscape:
		switch {
		case len(all) == 1:
			press = all[0]
		case len(others) == 1:
			press = others[0]
		default:
			for _, b := range others {
				if dismissWord(b.Text) {
					if press != nil {
						return true // two ways out: leave it to the clerk
					}
					press = b
				}
			}
		}
	}
	if press != nil {
		press.OnTapped()
	}
	return true
}

// modalPopUp returns the modal pop-up (a dialog) that overlay o shows, nil
// when o is none. Fyne 2.8 wraps a pop-up in an overlay container of an
// internal type, read here by its exported fields: Content, the pop-up,
// and Background, set for a modal one only (not for a menu or a drop-down).
// TestDialogsAnswerEnterAndEscape fails if a Fyne release changes that.
func modalPopUp(o fyne.CanvasObject) *widget.PopUp {
	if p, ok := o.(*widget.PopUp); ok {
		return p
	}
	v := reflect.ValueOf(o)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return nil
	}
	field := func(name string) fyne.CanvasObject {
		f := v.Elem().FieldByName(name)
		if !f.IsValid() || !f.CanInterface() {
			return nil
		}
		c, _ := f.Interface().(fyne.CanvasObject)
		return c
	}
	if field("Background") == nil {
		return nil
	}
	p, _ := field("Content").(*widget.PopUp)
	return p
}

// dismissWord reports whether a button's text closes a dialog without
// doing anything.
func dismissWord(s string) bool {
	for _, w := range []string{T("取消"), T("关闭"), lang.L("Cancel"), lang.L("No"), lang.L("Close")} {
		if s == w {
			return true
		}
	}
	return false
}

// walkButtons calls fn for every visible button inside o, following
// containers and scrolls (the parts of a dialog that are not drawn by a
// widget of their own), with the object drawn: the button itself, or the
// Button that embeds it.
func walkButtons(o fyne.CanvasObject, fn func(drawn fyne.CanvasObject, b *widget.Button)) {
	if o == nil || !o.Visible() {
		return
	}
	switch v := o.(type) {
	case *widget.Button:
		fn(v, v)
	case *Button:
		fn(v, &v.Button)
	case *fyne.Container:
		for _, c := range v.Objects {
			walkButtons(c, fn)
		}
	case *container.Scroll:
		walkButtons(v.Content, fn)
	}
}

// enterList is a list that opens its highlighted row with Enter as with
// Space: Fyne's list answers Space only, and a clerk presses Enter.
type enterList struct{ widget.List }

// TypedKey takes Enter for Space and leaves the rest to the list.
func (l *enterList) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyReturn || ev.Name == fyne.KeyEnter {
		ev = &fyne.KeyEvent{Name: fyne.KeySpace, Physical: ev.Physical}
	}
	l.List.TypedKey(ev)
}

// keysHelp is 帮助 → 键盘操作: every way of the keyboard around the window.
// TestKeysHelpNamesEveryShortcut keeps it true to the menus.
var keysHelp = []string{
	"Tab / Shift+Tab：下一个 / 上一个输入框或按钮（多行文本框中也一样，换行用回车）",
	"Ctrl+PageDown / Ctrl+PageUp：材料的下一页 / 上一页（左侧各部分，三清单的需求、责任、负面清单）",
	"Ctrl+1：全部材料　Ctrl+2：收件箱",
	"Ctrl+Enter：检查并提交（正在编辑的材料）",
	"Ctrl+Home / Ctrl+End：多行文本框的开头 / 末尾",
	"空格或回车：按下有阴影的按钮，打开列表中选中的一行，转到问题列表中的一条",
	"Alt：打开菜单栏（文件、转到、帮助），方向键选择，回车执行",
	"↑ / ↓：在列表中移动；没有输入框、按钮或列表被选中时（如点一下页面空白处后），↑ ↓ PageUp PageDown Home End 滚动页面",
	"对话框：回车确认（已选中某个按钮时按下该按钮），Esc 取消或关闭",
	"Ctrl+Q：退出（已填写的内容都已自动保存）",
}

// showKeys shows keysHelp.
func (u *UI) showKeys() {
	lines := make([]string, len(keysHelp))
	for i, l := range keysHelp {
		lines[i] = T(l)
	}
	content := messageContent(strings.Join(lines, "\n"), u.win)
	content.(*fyne.Container).Objects[0].(*paragraph).Alignment = fyne.TextAlignLeading // a list, not a message
	newCloseDialog(T("键盘操作"), T("关闭"), content, u.win).Show()
}

// scrollKeys moves the screen's largest scroll with ↑ ↓ PageUp PageDown Home
// End while nothing has the keyboard: a read-only filing, the timeline and
// the dossier have nothing to Tab to, and the walkthrough could not read
// their lower part without the mouse.
func (u *UI) scrollKeys(ev *fyne.KeyEvent) {
	var best *container.Scroll
	area := float32(0)
	var find func(o fyne.CanvasObject)
	find = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() {
			return
		}
		switch v := o.(type) {
		case *fyne.Container:
			for _, c := range v.Objects {
				find(c)
			}
		case *formScroll:
			find(v.Scroll)
		case *container.Scroll:
			if a := v.Size().Width * v.Size().Height; a > area && v.Content != nil && v.Content.MinSize().Height > v.Size().Height {
				best, area = v, a
			}
			find(v.Content)
		case *container.Split:
			find(v.Leading)
			find(v.Trailing)
		case *container.AppTabs:
			if t := v.Selected(); t != nil {
				find(t.Content)
			}
		}
	}
	find(u.center)
	if best == nil {
		return
	}
	view, end := best.Size().Height, best.Content.MinSize().Height-best.Size().Height
	y := best.Offset.Y
	switch ev.Name {
	case fyne.KeyDown:
		y += 40
	case fyne.KeyUp:
		y -= 40
	case fyne.KeyPageDown:
		y += view * 0.9
	case fyne.KeyPageUp:
		y -= view * 0.9
	case fyne.KeyHome:
		y = 0
	case fyne.KeyEnd:
		y = end
	default:
		return
	}
	best.ScrollToOffset(fyne.NewPos(best.Offset.X, min(max(y, 0), end)))
}

// dialogField is an entry in a dialog that answers Escape and Enter as the
// dialog does while nothing has the keyboard (dialogKeys): Fyne gives every
// key to the focused widget, and a dialog that opens with its field
// focused (修改密码, 核对新密钥) could not be left with Escape, nor its
// form sent with Enter. Enter is the entry's own when it has OnSubmitted.
type dialogField struct{ widget.Entry }

// newDialogField returns a single-line dialogField, hiding what is typed
// when password is set.
func newDialogField(password bool) *dialogField {
	f := &dialogField{}
	f.Password = password
	if password {
		f.Wrapping = fyne.TextWrap(fyne.TextTruncateClip) // as widget.NewPasswordEntry
	}
	f.ExtendBaseWidget(f)
	return f
}

// TypedKey hands Escape, and Enter without OnSubmitted, to the dialog.
func (f *dialogField) TypedKey(ev *fyne.KeyEvent) {
	toDialog := ev.Name == fyne.KeyEscape ||
		(ev.Name == fyne.KeyReturn || ev.Name == fyne.KeyEnter) && f.OnSubmitted == nil && !f.MultiLine
	if c := fyne.CurrentApp().Driver().CanvasForObject(f); toDialog && c != nil {
		answerDialog(c, ev)
		return
	}
	f.Entry.TypedKey(ev)
}
