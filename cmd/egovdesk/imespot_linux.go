package main

import (
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// The X input method opens its candidate window at the "spot" the
// application gives it; GLFW (patched, cmd/egovdesk/third_party/glfw) can now
// pass one on, but Fyne does not know about it. A light poll tells it where
// the focused entry's text cursor is, whenever that changes.

// cursorWidget is a widget with a text cursor (widget.Entry and widgets
// extending it).
type cursorWidget interface {
	fyne.CanvasObject
	CursorPosition() fyne.Position
}

// inputSpot returns where, in window pixels, the input method should open
// its candidates for the focused object: the bottom-left of an entry's text
// cursor (abs is the entry's position on the canvas, scale the canvas scale),
// kept inside the entry. ok is false when nothing with a text cursor has the
// focus.
func inputSpot(focused fyne.Focusable, abs fyne.Position, scale float32) (x, y int, ok bool) {
	e, isEntry := focused.(cursorWidget)
	if !isEntry || !e.Visible() {
		return 0, 0, false
	}
	th := fyne.CurrentApp().Settings().Theme()
	line := fyne.MeasureText("测", th.Size(theme.SizeNameText), fyne.TextStyle{}).Height
	c := e.CursorPosition()
	size := e.Size()
	cx := min(max(c.X, 0), size.Width)
	cy := min(max(c.Y+line, 0), size.Height)
	return int((abs.X + cx) * scale), int((abs.Y + cy) * scale), true
}

// spotTracker passes the focused entry's cursor to apply when it moves, and
// calls reset when the focus moved: the pinyin being composed in one field
// followed a click into the next and was committed there (申报年度 became
// 2027测试; found typing through fcitx in the real window).
type spotTracker struct {
	canvas fyne.Canvas
	abs    func(fyne.CanvasObject) fyne.Position
	apply  func(x, y int)
	reset  func() // drops what the input method is composing; nil: nothing to do
	x, y   int
	set    bool
	last   fyne.Focusable
}

// update looks at the focus and the cursor once; call it on the Fyne thread.
func (t *spotTracker) update() {
	f := t.canvas.Focused()
	if f != t.last {
		if t.last != nil && t.reset != nil {
			t.reset()
		}
		t.last = f
	}
	o, isObject := f.(fyne.CanvasObject)
	if !isObject {
		return
	}
	x, y, ok := inputSpot(f, t.abs(o), t.canvas.Scale())
	if !ok || t.set && x == t.x && y == t.y {
		return
	}
	t.x, t.y, t.set = x, y, true
	t.apply(x, y)
}

// inputSpotTick returns what keeps the X input method's spot at the text cursor
// of w's focused entry, for the UI's focus poll (ui.Options.FocusTick; it
// looks well under the time between two keys, so the first pinyin letter
// typed after a click already opens its candidates by the cursor); nil when
// the window does not run on X11 with an input method.
func inputSpotTick(a fyne.App, w fyne.Window) func() {
	apply := x11SpotSetter(w)
	if apply == nil || os.Getenv("XMODIFIERS") == "" {
		return nil
	}
	t := &spotTracker{canvas: w.Canvas(), abs: a.Driver().AbsolutePositionForObject, apply: apply, reset: x11InputReset(w)}
	return t.update
}
