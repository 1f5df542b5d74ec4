package ui

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"egovdesk/app"
)

// tapLabel is a wrapping label that does something when tapped: the items of
// the assessment panel and of the problem list, which take the clerk to the
// field concerned. Long Chinese sentences wrap instead of being cut off.
type tapLabel struct {
	paragraph
	onTapped func()
}

func newTapLabel(text string, imp widget.Importance, onTapped func()) *tapLabel {
	l := &tapLabel{onTapped: onTapped}
	l.Text, l.Importance = text, imp
	l.ExtendBaseWidget(l)
	return l
}

// Tapped runs the label's action.
func (l *tapLabel) Tapped(*fyne.PointEvent) {
	if l.onTapped != nil {
		l.onTapped()
	}
}

// A tapLabel that does something takes the keyboard like a button: Tab
// reaches it (the problem list says 点任一条即可转到, and a clerk using the
// keyboard could reach none of its lines), it is shaded while it has the
// keyboard, and Space or Enter runs it. One that does nothing is skipped.

// FocusGained shades the label.
func (l *tapLabel) FocusGained() {
	l.focused = true
	l.Refresh()
}

// FocusLost takes the shade away.
func (l *tapLabel) FocusLost() {
	l.focused = false
	l.Refresh()
}

// TypedRune ignores typing.
func (l *tapLabel) TypedRune(rune) {}

// TypedKey runs the label's action on Space or Enter.
func (l *tapLabel) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeySpace, fyne.KeyReturn, fyne.KeyEnter:
		l.Tapped(nil)
	case fyne.KeyEscape: // a line of the problem list: Escape closes the list
		if c := fyne.CurrentApp().Driver().CanvasForObject(l); c != nil {
			answerDialog(c, ev)
		}
	}
}

// Disabled is true for a label that does nothing, which the focus skips.
func (l *tapLabel) Disabled() bool { return l.onTapped == nil }

// Enable and Disable make tapLabel a fyne.Disableable; whether it does
// something is set by its action.
func (l *tapLabel) Enable()  {}
func (l *tapLabel) Disable() {}

// Cursor shows a pointing hand over labels that do something.
func (l *tapLabel) Cursor() desktop.Cursor {
	if l.onTapped != nil {
		return desktop.PointerCursor
	}
	return desktop.DefaultCursor
}

// banner returns a tinted strip with an icon and text that says what state
// a screen is in ("只读：…"), so a read-only filing does not look like a
// form to fill in.
func banner(icon fyne.Resource, text string, imp widget.Importance) fyne.CanvasObject {
	tint := color.NRGBA{R: 0xe8, G: 0xf0, B: 0xfb, A: 0xff} // the primary blue, light
	if imp == widget.WarningImportance {
		tint = color.NRGBA{R: 0xfd, G: 0xf1, B: 0xdc, A: 0xff}
	}
	bg := canvas.NewRectangle(tint)
	bg.CornerRadius = theme.InputRadiusSize()
	label := &paragraph{Text: text, Importance: imp, TextStyle: fyne.TextStyle{Bold: true}}
	return container.NewStack(bg, container.NewBorder(nil, nil, container.NewCenter(widget.NewIcon(icon)), nil, label))
}

// heading returns a bold section heading.
func heading(text string) *widget.Label {
	return &widget.Label{Text: text, TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameSubHeadingText}
}

// note returns a small wrapping label of secondary importance: hints under
// field names, sources, dates. Smaller than the text around it, since the
// bundled CJK font has no bold face to set labels apart.
func note(text string) *paragraph {
	return &paragraph{Text: text, Importance: widget.LowImportance, SizeName: theme.SizeNameCaptionText}
}

// newID returns a random (version 4) UUID for a new filing or revision.
func newID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("crypto/rand: %v", err)) // never happens on supported systems
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// clock formats t as the status lines show it: the time of day when t
// falls on now's local date, else the date and minute; "—" for a zero t.
func clock(t, now time.Time) string {
	if t.IsZero() {
		return "—"
	}
	t, now = t.Local(), now.Local()
	if t.YearDay() == now.YearDay() && t.Year() == now.Year() {
		return t.Format("15:04:05")
	}
	return t.Format("2006-01-02 15:04")
}

// sendLabel returns a send state as the list and the editor show it.
func sendLabel(s app.Send) string {
	switch s.State {
	case app.SendQueued:
		return T("待发送")
	case app.SendSending:
		return T("发送中")
	case app.SendSent:
		return T("已送达")
	case app.SendFailed:
		// Not a failure the clerk must act on: offline, or the bureau busy.
		// The filing waits in the outbox and goes by itself.
		if r := T(s.Reason); s.Reason != "" && (Language() != LangEnglish || !hasHan(r)) {
			return fmt.Sprintf(T("等待发送（%s）"), r) // the reason says when it is retried
		}
		return T("等待发送 · 联网后自动发送")
	case app.SendQuarantined:
		if r := T(s.Reason); s.Reason != "" && (Language() != LangEnglish || !hasHan(r)) {
			return T("未能发送，须处理：") + r
		}
		return T("未能发送，须处理")
	}
	return T("未提交")
}

// sendWord is sendLabel beside a filing's state st: nothing for a revision
// delivered and since acted on by the bureau. 退回修改 · 已送达, in green,
// read as the returned revision sent again (the editor's state line, then
// the list's and 进度与批复's; found in clerks' walkthroughs).
func sendWord(s app.Send, st app.Status) string {
	if s.State == app.SendSent && st != app.StatusSubmitted {
		return ""
	}
	return sendLabel(s)
}

// sendImportance returns how a send state is coloured.
func sendImportance(s app.Send) widget.Importance {
	switch s.State {
	case app.SendQuarantined:
		return widget.DangerImportance // only what needs the clerk is red
	case app.SendQueued, app.SendSending, app.SendFailed:
		return widget.WarningImportance
	case app.SendSent:
		return widget.SuccessImportance
	}
	return widget.MediumImportance
}

// labelColumn is the column of labels that the forms of one screen share,
// so that their inputs start at one x: two Fyne forms, each as wide in
// labels as its own longest, put 所在地区's input left of 服务器地址's on
// 设置.
type labelColumn struct {
	forms []*fyne.Container
}

// form returns a form of labels and inputs, given in pairs, laid out in
// the column's labels: each label bold and right-aligned, beside its
// input.
func (c *labelColumn) form(pairs ...any) *fyne.Container {
	var objs []fyne.CanvasObject
	for i := 0; i+1 < len(pairs); i += 2 {
		objs = append(objs, &widget.Label{Text: pairs[i].(string), TextStyle: fyne.TextStyle{Bold: true}, Alignment: fyne.TextAlignTrailing},
			pairs[i+1].(fyne.CanvasObject))
	}
	f := container.New(&columnFormLayout{col: c}, objs...)
	c.forms = append(c.forms, f)
	return f
}

// width is the widest label of every form of the column.
func (c *labelColumn) width() float32 {
	var w float32
	for _, f := range c.forms {
		for i := 0; i < len(f.Objects); i += 2 {
			w = max(w, f.Objects[i].MinSize().Width)
		}
	}
	return w
}

// columnFormLayout lays out a labelColumn's form: label, input, a row
// each, as tall as the taller of the two.
type columnFormLayout struct{ col *labelColumn }

func (l *columnFormLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var w, h float32
	for i := 0; i+1 < len(objs); i += 2 {
		w = max(w, objs[i+1].MinSize().Width)
		if i > 0 {
			h += theme.Padding()
		}
		h += max(objs[i].MinSize().Height, objs[i+1].MinSize().Height)
	}
	return fyne.NewSize(l.col.width()+theme.Padding()+w, h)
}

func (l *columnFormLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	lw := l.col.width()
	var y float32
	for i := 0; i+1 < len(objs); i += 2 {
		h := max(objs[i].MinSize().Height, objs[i+1].MinSize().Height)
		objs[i].Move(fyne.NewPos(0, y))
		objs[i].Resize(fyne.NewSize(lw, h))
		objs[i+1].Move(fyne.NewPos(lw+theme.Padding(), y))
		objs[i+1].Resize(fyne.NewSize(size.Width-lw-theme.Padding(), h))
		y += h + theme.Padding()
	}
}
