package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
)

// The keyboard's ways around the window, as main-menu shortcuts: those work
// while a field has the keyboard, where a canvas shortcut would not.
var (
	homeShortcut  = &desktop.CustomShortcut{KeyName: fyne.Key1, Modifier: fyne.KeyModifierShortcutDefault}
	inboxShortcut = &desktop.CustomShortcut{KeyName: fyne.Key2, Modifier: fyne.KeyModifierShortcutDefault}
	nextShortcut  = &desktop.CustomShortcut{KeyName: fyne.KeyPageDown, Modifier: fyne.KeyModifierShortcutDefault}
	prevShortcut  = &desktop.CustomShortcut{KeyName: fyne.KeyPageUp, Modifier: fyne.KeyModifierShortcutDefault}
)

// goMenu is 转到: the list, the inbox, and the editor's next and previous
// page (Ctrl+PageDown, Ctrl+PageUp, as between a browser's tabs).
func (u *UI) goMenu() *fyne.Menu {
	return fyne.NewMenu(T("转到"),
		&fyne.MenuItem{Label: T("全部材料"), Shortcut: homeShortcut, Action: func() {
			u.ShowHome()
			u.win.Canvas().Focus(u.home.list)
		}},
		&fyne.MenuItem{Label: T("收件箱"), Shortcut: inboxShortcut, Action: u.ShowInbox},
		fyne.NewMenuItemSeparator(),
		&fyne.MenuItem{Label: T("下一页（材料的下一部分）"), Shortcut: nextShortcut, Action: func() { u.editorPage(1) }},
		&fyne.MenuItem{Label: T("上一页"), Shortcut: prevShortcut, Action: func() { u.editorPage(-1) }},
	)
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
	if f := firstFocusable(o); f != nil {
		e.u.win.Canvas().Focus(f)
	}
}

// firstFocusable returns the first visible, enabled input inside o,
// following containers and scrolls, nil when there is none.
func firstFocusable(o fyne.CanvasObject) fyne.Focusable {
	if o == nil || !o.Visible() {
		return nil
	}
	switch v := o.(type) {
	case *fyne.Container:
		for _, c := range v.Objects {
			if f := firstFocusable(c); f != nil {
				return f
			}
		}
		return nil
	case *formScroll:
		return firstFocusable(v.Scroll.Content)
	case *container.Scroll:
		return firstFocusable(v.Content)
	case *container.Split:
		if f := firstFocusable(v.Leading); f != nil {
			return f
		}
		return firstFocusable(v.Trailing)
	case fyne.Focusable:
		if d, ok := o.(fyne.Disableable); ok && d.Disabled() {
			return nil
		}
		return v
	}
	return nil
}
