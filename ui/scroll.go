package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// wheelStep is how far one notch of the mouse wheel moves a form, as a
// multiple of Fyne's own step (25 units on Linux and Windows): about three
// lines, as in a browser or WPS, instead of a few pixels.
const wheelStep = 3

// formScroll is a vertically scrolling form that the mouse wheel moves
// wherever the pointer is. Fyne gives a wheel event to the innermost
// scrollable under the pointer; every entry holds a scroller of its own, so
// over a field the wheel did nothing. A transparent layer above the form
// takes the wheel instead (it takes nothing else: taps, hover and drags pass
// to the fields below) and moves the form, or the list under the pointer
// when one of the form's lists can still move that way.
type formScroll struct {
	widget.BaseWidget
	Scroll *container.Scroll

	lists []*widget.List // lists inside the form that scroll on their own
}

// roomForBar returns a form's content with room on its right for the
// scroll bar at rest, which Fyne draws over the content: it covered the
// right border of every full-width input (seen in the real window). The
// bar widens over the content only while the pointer is on it. Content
// set on a formScroll's Scroll later goes through it too.
func roomForBar(content fyne.CanvasObject) fyne.CanvasObject {
	return container.New(layout.NewCustomPaddedLayout(0, 0, 0, theme.ScrollBarSmallSize()+2), content)
}

// newFormScroll returns a form scrolling content vertically.
func newFormScroll(content fyne.CanvasObject) *formScroll {
	f := &formScroll{Scroll: container.NewVScroll(roomForBar(content))}
	f.ExtendBaseWidget(f)
	return f
}

// CreateRenderer shows the scroll with the wheel layer over it.
func (f *formScroll) CreateRenderer() fyne.WidgetRenderer {
	layer := &wheelLayer{f: f}
	layer.ExtendBaseWidget(layer)
	return widget.NewSimpleRenderer(container.NewStack(f.Scroll, layer))
}

// wheel moves what is under the pointer at abs (absolute) by dy.
func (f *formScroll) wheel(abs fyne.Position, dy float32) {
	d := fyne.CurrentApp().Driver()
	for _, l := range f.lists {
		if !l.Visible() || !inside(d, l, abs) {
			continue
		}
		before := l.GetScrollOffset()
		l.ScrollToOffset(before - dy)
		if l.GetScrollOffset() != before {
			return
		}
	}
	f.Scroll.Scrolled(&fyne.ScrollEvent{Scrolled: fyne.Delta{DY: dy}})
}

// inside reports whether the absolute position abs falls on o.
func inside(d fyne.Driver, o fyne.CanvasObject, abs fyne.Position) bool {
	p := d.AbsolutePositionForObject(o)
	s := o.Size()
	return abs.X >= p.X && abs.Y >= p.Y && abs.X < p.X+s.Width && abs.Y < p.Y+s.Height
}

// scrollTo scrolls the form so that target, inside its containers, is room
// below the top. It lays the content out first, as the scroll will, so that
// a field just built (a section just shown) can be found before it has been
// drawn. It reports whether target was found.
func (f *formScroll) scrollTo(target fyne.CanvasObject, room float32) bool {
	c := f.Scroll.Content
	c.Resize(fyne.NewSize(f.Scroll.Size().Width, c.MinSize().Height))
	pos, ok := offsetIn(c, target)
	if ok {
		f.Scroll.ScrollToOffset(fyne.NewPos(0, max(0, pos.Y-room)))
	}
	return ok
}

// offsetIn returns where target is inside root, following containers.
func offsetIn(root, target fyne.CanvasObject) (fyne.Position, bool) {
	if root == target {
		return fyne.Position{}, true
	}
	c, ok := root.(*fyne.Container)
	if !ok {
		return fyne.Position{}, false
	}
	for _, o := range c.Objects {
		if p, ok := offsetIn(o, target); ok {
			return o.Position().Add(p), true
		}
	}
	return fyne.Position{}, false
}

// reveal scrolls the form so that o, an object inside it, is in view with a
// little room around it (the field's label above it); near the top it goes
// to the top, so the first label is never cut by a pixel or two. Objects
// outside the form are left alone.
func (f *formScroll) reveal(o fyne.CanvasObject) {
	if f.Scroll.Content == nil || !f.Visible() {
		return
	}
	d := fyne.CurrentApp().Driver()
	if d.CanvasForObject(o) == nil || d.CanvasForObject(f) == nil {
		return
	}
	at := d.AbsolutePositionForObject(o)
	if at.IsZero() || !inside(d, f.Scroll, at) && !inside(d, f.Scroll.Content, at) {
		return // not in this form
	}
	y := at.Y - d.AbsolutePositionForObject(f.Scroll.Content).Y
	const room = 40
	view := f.Scroll.Size().Height
	off := f.Scroll.Offset.Y
	switch {
	case y-room < off:
		off = y - room
		if off < room {
			off = 0
		}
	case y+o.Size().Height+room > off+view:
		off = y + o.Size().Height + room - view
	default:
		return
	}
	f.Scroll.ScrollToOffset(fyne.NewPos(0, off))
}

// wheelLayer is the transparent layer that takes the wheel for a formScroll.
// It is only Scrollable, so every other event finds the widget below it.
type wheelLayer struct {
	widget.BaseWidget
	f *formScroll
}

// CreateRenderer draws nothing.
func (w *wheelLayer) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewWithoutLayout())
}

// Scrolled moves the form (or a list in it) by a few lines per notch.
func (w *wheelLayer) Scrolled(ev *fyne.ScrollEvent) {
	dy := ev.Scrolled.DY
	if dy == 0 {
		dy = ev.Scrolled.DX // shift+wheel and horizontal wheels still move a form
	}
	w.f.wheel(ev.AbsolutePosition, dy*wheelStep)
}

// focusPoll is how often the UI looks where the keyboard focus and the text
// cursor went. Fyne 2.8 tells no one when Tab moves the focus (its canvas's
// focus hook is internal), so the UI asks; the look is one pointer
// comparison, and nothing at all while the window is hidden to the tray.
const focusPoll = 100 * time.Millisecond

// followFocus scrolls what took the keyboard focus (Tab, Shift+Tab, a jump
// from the problem list) into view, on every screen (revealFocused), and
// notes the editor's field the clerk left (editorScreen.leave).
func (u *UI) followFocus() {
	defer u.wg.Done()
	t := time.NewTicker(focusPoll)
	defer t.Stop()
	var last fyne.Focusable
	for {
		select {
		case <-u.ctx.Done():
			return
		case <-t.C:
			u.do(func() {
				if u.tray != nil && u.tray.hidden {
					return
				}
				if u.focusTick != nil {
					u.focusTick()
				}
				f := u.win.Canvas().Focused()
				if f == last {
					return
				}
				if last != nil && u.editor != nil {
					u.editor.leave(last)
				}
				last = f
				if o, ok := f.(fyne.CanvasObject); ok {
					u.revealFocused(o)
				}
			})
		}
	}
}

// revealFocused brings o, which has the keyboard, into view in every
// scroll between the window's screen (or the dialog shown) and o: the
// settings page, the timeline, the dossier, the editor's side panel (the
// keyboard walkthrough pressed a 保存签名回执… it could not see), the
// problem list. Scrolls are found through containers, splits, the shown
// tab, forms and cards; other widgets' insides are not searched.
func (u *UI) revealFocused(o fyne.CanvasObject) {
	var root fyne.CanvasObject = u.center
	if p := modalPopUp(u.win.Canvas().Overlays().Top()); p != nil {
		root = p.Content // a dialog's: the problem list, a long message
	}
	var path []fyne.CanvasObject
	if !pathTo(root, o, &path) {
		return
	}
	for _, p := range path {
		switch s := p.(type) {
		case *formScroll:
			s.reveal(o)
		case *container.Scroll:
			revealIn(s, o)
		}
	}
}

// pathTo appends to path the objects from root down to target, target
// excluded, and reports whether target is under root.
func pathTo(root, target fyne.CanvasObject, path *[]fyne.CanvasObject) bool {
	if root == nil || !root.Visible() {
		return false
	}
	if root == target {
		return true
	}
	var children []fyne.CanvasObject
	switch v := root.(type) {
	case *fyne.Container:
		children = v.Objects
	case *formScroll:
		children = []fyne.CanvasObject{v.Scroll.Content}
	case *container.Scroll:
		children = []fyne.CanvasObject{v.Content}
	case *container.Split:
		children = []fyne.CanvasObject{v.Leading, v.Trailing}
	case *container.AppTabs:
		if t := v.Selected(); t != nil {
			children = []fyne.CanvasObject{t.Content}
		}
	case *widget.Form: // 设置's fields
		for _, it := range v.Items {
			children = append(children, it.Widget)
		}
	case *widget.Card:
		children = []fyne.CanvasObject{v.Content}
	case *widget.CheckGroup, *widget.RadioGroup:
		// Their boxes are inside their renderers, which no one may walk:
		// a box is theirs when it lies within them. Tab onto 网络环境's
		// 电子政务外网 left it below the fold, and Space ticked it unseen
		// (found in a 天宁 walkthrough).
		return within(root, target)
	}
	*path = append(*path, root)
	for _, c := range children {
		if pathTo(c, target, path) {
			return true
		}
	}
	*path = (*path)[:len(*path)-1]
	return false
}

// within reports whether target is drawn inside outer's bounds.
func within(outer, target fyne.CanvasObject) bool {
	d := fyne.CurrentApp().Driver()
	if d.CanvasForObject(target) == nil || d.CanvasForObject(outer) == nil {
		return false
	}
	at, o := d.AbsolutePositionForObject(target), d.AbsolutePositionForObject(outer)
	end := o.Add(outer.Size())
	return at.X >= o.X && at.Y >= o.Y && at.X < end.X && at.Y < end.Y
}

// revealIn scrolls s, a vertical scroll, so that o inside it is in view
// with a little room, as formScroll.reveal does for the forms.
func revealIn(s *container.Scroll, o fyne.CanvasObject) {
	d := fyne.CurrentApp().Driver()
	if s.Content == nil || d.CanvasForObject(o) == nil {
		return
	}
	y := d.AbsolutePositionForObject(o).Y - d.AbsolutePositionForObject(s.Content).Y
	const room = 24
	view, off := s.Size().Height, s.Offset.Y
	switch {
	case y-room < off:
		off = max(0, y-room)
	case y+o.Size().Height+room > off+view:
		off = y + o.Size().Height + room - view
	default:
		return
	}
	s.ScrollToOffset(fyne.NewPos(s.Offset.X, off))
}

// keepInContent scrolls s back so that it shows content after its content
// got shorter: the panel beside a form, scrolled to its foot, showed two
// lines and blank below them once the clerk's edit lifted four refusals
// (found in the real window), until scrolled by hand.
func keepInContent(s *container.Scroll) {
	if s.Content == nil {
		return
	}
	end := max(0, s.Content.MinSize().Height-s.Size().Height)
	if s.Offset.Y > end {
		s.ScrollToOffset(fyne.NewPos(s.Offset.X, end))
	}
}
