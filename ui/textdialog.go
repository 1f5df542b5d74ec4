package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// The client's message and confirmation dialogs. Fyne's own text dialogs
// wrap their message at spaces, of which Chinese has few (around numbers),
// so "删除后 20 秒内…" broke after "删除后" and left the box taller than its
// lines; these show the message as a paragraph.

// Widest a message dialog gets: Fyne's text dialogs' limits.
const (
	messageMaxWidth      = 600
	messageMaxWindowPart = 0.9
)

// showMessage shows message in a dialog titled title, closed with 确定.
func showMessage(title, message string, win fyne.Window) {
	d := dialog.NewCustom(title, lang.L("OK"), messageContent(message, win), win)
	d.SetIcon(theme.InfoIcon()) // as Fyne's information dialog has
	d.Show()
}

// messageWidth is the widest a message's text may be in win.
func messageWidth(win fyne.Window) float32 {
	width := float32(messageMaxWidth)
	if win != nil {
		if w := win.Canvas().Size().Width * messageMaxWindowPart; w > 0 {
			width = min(width, w)
		}
	}
	return width
}

// newConfirm returns a dialog that asks message, answered with 是 or 否.
func newConfirm(title, message string, answer func(bool), win fyne.Window) *dialog.ConfirmDialog {
	return dialog.NewCustomConfirm(title, lang.L("Yes"), lang.L("No"), messageContent(message, win), answer, win)
}

// showConfirm shows newConfirm's dialog.
func showConfirm(title, message string, answer func(bool), win fyne.Window) {
	newConfirm(title, message, answer, win).Show()
}

// messageContent is message as a centred paragraph, as wide as its longest
// line needs up to the limits above, as tall as its lines are at that width.
func messageContent(message string, win fyne.Window) fyne.CanvasObject {
	p := newParagraph(message, widget.MediumImportance)
	p.Alignment = fyne.TextAlignCenter
	return &fyne.Container{Layout: messageLayout{win: win}, Objects: []fyne.CanvasObject{p}}
}

// messageLayout sizes a message's paragraph (its only object).
type messageLayout struct{ win fyne.Window }

func (l messageLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	p := objs[0].(*paragraph)
	width := min(p.naturalWidth(), messageWidth(l.win))
	return fyne.NewSize(width, p.heightFor(width))
}

func (l messageLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	objs[0].Move(fyne.NewPos(0, 0))
	objs[0].Resize(size)
}
