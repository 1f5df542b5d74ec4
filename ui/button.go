package ui

import (
	"image/color"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Button is the client's button. It answers Enter as Space, on a screen as
// in a dialog: Fyne's buttons take Space only, so a clerk who had reached
// 检查并提交 with Tab pressed Enter and nothing happened, and once Tab had
// reached a dialog's button, a 是/否 question answered neither Enter nor
// Escape. In a dialog, Escape takes the dialog's way out (answerDialog).
//
// Enter presses it when the key comes up, not down: the driver repeats a
// key held down as typed keys, and a repeat reached the dialog the button
// had opened — 检查并提交 held a moment answered its 确认提交 (found in
// review). Space is Fyne's, which never answers a dialog.
type Button struct {
	widget.Button
	enterDown bool // Enter went down on the button, not yet up

	// moving, when set and true, refuses the pointer's taps: the button
	// has just moved under the pointer by itself (editorScreen.unsteady).
	// The keyboard's presses are taken: the focus does not move with it.
	moving func() bool
	// movedAt is when a flow last moved the button on the screen, abs
	// where it was then (noteMoves); placed: abs is known.
	movedAt  time.Time
	abs, rel fyne.Position // on the screen, in its container
	placed   bool
	placedAt time.Time // first placed on a canvas
}

// Tapped presses the button, unless it is a pointer's tap while the
// button is moving.
func (b *Button) Tapped(ev *fyne.PointEvent) {
	if ev != nil && (b.moving != nil && b.moving() || !b.movedAt.IsZero() && time.Since(b.movedAt) < settleTime) {
		return
	}
	b.Button.Tapped(ev)
}

// newButton returns b, extended as a widget of its own: made with its
// fields, as &Button{Button: widget.Button{Text: …, OnTapped: …}}.
func newButton(b *Button) *Button {
	b.ExtendBaseWidget(b)
	return b
}

// NewTextButton is a Button of text, importance and action, for windows
// made outside this package (the start-up passphrase's, a start that
// failed), so that Enter presses theirs too.
func NewTextButton(text string, imp widget.Importance, tapped func()) *Button {
	return newDialogButton(text, nil, imp, tapped)
}

// newDialogButton is a Button of text, icon, importance and action, as
// Fyne's dialogs make theirs.
func newDialogButton(text string, icon fyne.Resource, imp widget.Importance, tapped func()) *Button {
	return newButton(&Button{Button: widget.Button{Text: text, Icon: icon, Importance: imp, OnTapped: tapped}})
}

// KeyDown notes Enter going down on the button.
func (b *Button) KeyDown(ev *fyne.KeyEvent) {
	if isEnter(ev) {
		b.enterDown = true
	}
}

// KeyUp presses the button when Enter, gone down on it, comes up.
func (b *Button) KeyUp(ev *fyne.KeyEvent) {
	if isEnter(ev) && b.enterDown {
		b.enterDown = false
		if !b.Disabled() {
			b.Tapped(nil)
		}
	}
}

// FocusLost forgets an Enter gone down: it comes up elsewhere.
func (b *Button) FocusLost() {
	b.enterDown = false
	b.Button.FocusLost()
}

func isEnter(ev *fyne.KeyEvent) bool { return ev.Name == fyne.KeyReturn || ev.Name == fyne.KeyEnter }

// TypedKey leaves the dialog on Escape; Enter is KeyUp's, and the rest
// Fyne's (Space).
func (b *Button) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		// pressed on KeyUp: down and its repeats do nothing
	case fyne.KeyEscape:
		if c := fyne.CurrentApp().Driver().CanvasForObject(b); c != nil {
			answerDialog(c, ev)
		}
	default:
		b.Button.TypedKey(ev)
	}
}

// offVeil is laid over a button that is off. The theme's disabled grey is
// dark (0x6a) so that a submitted filing's fields stay readable, and a
// button drawn in it looked almost on beside the text's 0x56: 删除资源 with
// no resource to delete, an item's ↑ at the top (found in a clerk's
// walkthrough). Half white takes the button's text, icon and fill halfway
// to the page, where an inactive control may be (WCAG 1.4.3 exempts it),
// and leaves the fields alone.
var offVeil = color.NRGBA{R: 0xff, G: 0xff, B: 0xff, A: 0x90}

// CreateRenderer is Fyne's button's, with the veil over it while it is off.
func (b *Button) CreateRenderer() fyne.WidgetRenderer {
	veil := canvas.NewRectangle(offVeil)
	veil.CornerRadius = theme.Size(theme.SizeNameButtonRadius)
	r := &veiledRenderer{WidgetRenderer: b.Button.CreateRenderer(), b: b, veil: veil}
	r.veil.Hidden = !b.Disabled()
	return r
}

// veiledRenderer draws a Button: Fyne's renderer, and the veil on top.
type veiledRenderer struct {
	fyne.WidgetRenderer
	b    *Button
	veil *canvas.Rectangle
	objs []fyne.CanvasObject // Fyne's objects and the veil, while Fyne's are the same
}

func (r *veiledRenderer) Layout(size fyne.Size) {
	r.WidgetRenderer.Layout(size)
	r.veil.Move(fyne.Position{})
	r.veil.Resize(size)
}

func (r *veiledRenderer) Refresh() {
	r.WidgetRenderer.Refresh()
	r.veil.Hidden = !r.b.Disabled()
	r.veil.Refresh()
}

// Objects are Fyne's (which change when an icon is set) and the veil last.
func (r *veiledRenderer) Objects() []fyne.CanvasObject {
	in := r.WidgetRenderer.Objects()
	same := len(r.objs) == len(in)+1
	for i := 0; same && i < len(in); i++ {
		same = r.objs[i] == in[i]
	}
	if !same {
		r.objs = append(slices.Clip(in), r.veil) // a new array: the last may still be walked
	}
	return r.objs
}
