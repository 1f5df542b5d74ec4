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
	d := newCloseDialog(title, lang.L("OK"), messageContent(message, win), win)
	d.SetIcon(theme.InfoIcon()) // as Fyne's information dialog has
	d.Show()
}

// newCloseDialog is dialog.NewCustom with a Button to close it.
func newCloseDialog(title, close string, content fyne.CanvasObject, win fyne.Window) *dialog.CustomDialog {
	d := dialog.NewCustomWithoutButtons(title, content, win)
	d.SetButtons([]fyne.CanvasObject{newDialogButton(close, nil, widget.MediumImportance, d.Hide)})
	return d
}

// confirmDialog is a question answered with two Buttons, as Fyne's
// ConfirmDialog (whose methods the client uses it has).
type confirmDialog struct {
	d       *dialog.CustomDialog
	yes, no *Button
}

func (c *confirmDialog) Show()                   { c.d.Show() }
func (c *confirmDialog) Hide()                   { c.d.Hide() }
func (c *confirmDialog) SetConfirmText(s string) { c.yes.SetText(s) }
func (c *confirmDialog) SetDismissText(s string) { c.no.SetText(s) }
func (c *confirmDialog) SetConfirmImportance(i widget.Importance) {
	c.yes.Importance = i
	c.yes.Refresh()
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
func newConfirm(title, message string, answer func(bool), win fyne.Window) *confirmDialog {
	return newCustomConfirm(title, lang.L("Yes"), lang.L("No"), messageContent(message, win), answer, win)
}

// newCustomConfirm is dialog.NewCustomConfirm with Buttons: content
// above a way out (dismiss) and a way on (confirm), answer told which was
// taken. Fyne's own buttons answered Space only once Tab had reached them.
func newCustomConfirm(title, confirm, dismiss string, content fyne.CanvasObject, answer func(bool), win fyne.Window) *confirmDialog {
	c := &confirmDialog{d: dialog.NewCustomWithoutButtons(title, content, win)}
	reply := func(ok bool) func() {
		return func() {
			c.d.Hide()
			if answer != nil {
				answer(ok)
			}
		}
	}
	c.yes = newDialogButton(confirm, theme.ConfirmIcon(), widget.HighImportance, reply(true))
	c.no = newDialogButton(dismiss, theme.CancelIcon(), widget.MediumImportance, reply(false))
	c.d.SetButtons([]fyne.CanvasObject{c.no, c.yes}) // as Fyne's: the way out first
	return c
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
