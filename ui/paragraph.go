package ui

import (
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"egovdesk/app/linebreak"
)

// paragraph is a label whose text wraps at the width it is given, the way
// Chinese is typeset (linebreak.Wrap, as on the printed filings): no line
// starts with "，" or "。", no line ends with "（" or "《", and dates,
// amounts, codes and English words are not cut in two. It stands where a widget.Label with wrapping would, with the
// same fields, look and size: one line of text per row, the theme's inner
// padding around them, a minimum width of that padding alone.
//
// Set Text and the style fields before it is shown, or call SetText or
// Refresh after changing them.
type paragraph struct {
	widget.BaseWidget

	Text       string
	Importance widget.Importance
	TextStyle  fyne.TextStyle
	SizeName   fyne.ThemeSizeName // theme.SizeNameText when empty
	Alignment  fyne.TextAlign

	self fyne.Widget // the widget that extends this one, or the paragraph

	// widths caches the measured width of each piece of text (a character,
	// a word) in the current size and style: breaking the lines again at a
	// new width (a resize, a split dragged) is then arithmetic.
	widths      map[string]float64
	widthsSize  float32
	widthsStyle fyne.TextStyle

	focused bool // shaded as what has the keyboard (a tapLabel)
}

// ExtendBaseWidget records w as the widget the paragraph is part of (a
// tapLabel extends it).
func (p *paragraph) ExtendBaseWidget(w fyne.Widget) {
	if p.self == nil {
		p.self = w
		p.BaseWidget.ExtendBaseWidget(w)
	}
}

// newParagraph returns a paragraph of text shown with importance imp.
func newParagraph(text string, imp widget.Importance) *paragraph {
	p := &paragraph{Text: text, Importance: imp}
	p.ExtendBaseWidget(p)
	return p
}

// SetText shows text instead.
func (p *paragraph) SetText(text string) {
	p.Text = text
	p.Refresh()
}

// MinSize is the height of the lines at the current width.
func (p *paragraph) MinSize() fyne.Size {
	p.ExtendBaseWidget(p)
	return p.BaseWidget.MinSize()
}

// Resize breaks the lines again when the width changes, which changes the
// minimum height: the refresh lets the containers above make room.
func (p *paragraph) Resize(size fyne.Size) {
	if size == p.Size() {
		return
	}
	widthChanged := size.Width != p.Size().Width
	p.BaseWidget.Resize(size)
	if widthChanged {
		p.Refresh()
	}
}

// AccessibilityLabel is the text, as for a label.
func (p *paragraph) AccessibilityLabel() string { return p.Text }

// AccessibilityRole is that of a label's text.
func (p *paragraph) AccessibilityRole() fyne.AccessibleRole { return fyne.AccessibleRoleText }

// CreateRenderer returns the paragraph's renderer.
func (p *paragraph) CreateRenderer() fyne.WidgetRenderer {
	p.ExtendBaseWidget(p)
	r := &paragraphRenderer{p: p}
	r.update()
	return r
}

// paragraphRenderer shows each line as a canvas.Text.
type paragraphRenderer struct {
	p     *paragraph
	texts []*canvas.Text
	objs  []fyne.CanvasObject
	focus *canvas.Rectangle // the shade behind the lines while focused

	// what the lines were broken for
	text  string
	style fyne.TextStyle
	size  float32
	width float32
	lines []string
}

// textSize and colorName are those a label of the same fields has.
func (p *paragraph) textSize() float32 {
	name := p.SizeName
	if name == "" {
		name = theme.SizeNameText
	}
	return theme.SizeForWidget(name, p)
}

func (p *paragraph) colorName() fyne.ThemeColorName {
	switch p.Importance {
	case widget.LowImportance:
		return theme.ColorNameDisabled
	case widget.HighImportance:
		return theme.ColorNamePrimary
	case widget.DangerImportance:
		return theme.ColorNameError
	case widget.WarningImportance:
		return theme.ColorNameWarning
	case widget.SuccessImportance:
		return theme.ColorNameSuccess
	}
	return theme.ColorNameForeground
}

func (p *paragraph) padding() float32 {
	return theme.SizeForWidget(theme.SizeNameInnerPadding, p)
}

// lines returns the text's lines in a paragraph width wide.
func (p *paragraph) lines(width float32) []string {
	size, style := p.textSize(), p.TextStyle
	if p.widths == nil || p.widthsSize != size || p.widthsStyle != style || len(p.widths) > 4096 {
		p.widths, p.widthsSize, p.widthsStyle = map[string]float64{}, size, style
	}
	return linebreak.Wrap(p.Text, float64(width-2*p.padding()), func(s string) float64 {
		w, ok := p.widths[s]
		if !ok {
			w = float64(fyne.MeasureText(s, size, style).Width)
			p.widths[s] = w
		}
		return w
	})
}

// lineHeight is the height of one line of the paragraph's text.
func (p *paragraph) lineHeight() float32 {
	return fyne.MeasureText("国", p.textSize(), p.TextStyle).Height
}

// heightFor is the paragraph's minimum height when it is width wide.
func (p *paragraph) heightFor(width float32) float32 {
	return float32(max(len(p.lines(width)), 1))*p.lineHeight() + 2*p.padding()
}

// naturalWidth is the width the paragraph needs to show its text unbroken
// (but at its line feeds).
func (p *paragraph) naturalWidth() float32 {
	widest := float32(0)
	for _, l := range strings.Split(p.Text, "\n") {
		widest = max(widest, fyne.MeasureText(l, p.textSize(), p.TextStyle).Width)
	}
	return widest + 2*p.padding()
}

// update breaks the text again if it, its style or the width changed, and
// brings the text objects up to date.
func (r *paragraphRenderer) update() {
	size, style, width := r.p.textSize(), r.p.TextStyle, r.p.Size().Width
	if r.lines == nil || r.text != r.p.Text || r.style != style || r.size != size || r.width != width {
		r.text, r.style, r.size, r.width = r.p.Text, style, size, width
		r.lines = r.p.lines(width)
	}
	for len(r.texts) < len(r.lines) {
		t := canvas.NewText("", nil)
		r.texts = append(r.texts, t)
	}
	r.texts = r.texts[:len(r.lines)]
	r.objs = r.objs[:0]
	if r.p.focused {
		if r.focus == nil {
			r.focus = canvas.NewRectangle(color.Transparent)
		}
		r.focus.FillColor = theme.ColorForWidget(theme.ColorNameFocus, r.p)
		r.focus.CornerRadius = theme.SizeForWidget(theme.SizeNameInputRadius, r.p)
		r.objs = append(r.objs, r.focus)
	}
	c := theme.ColorForWidget(r.p.colorName(), r.p)
	for i, line := range r.lines {
		t := r.texts[i]
		t.Text, t.Color, t.TextSize, t.TextStyle, t.Alignment = line, c, size, style, r.p.Alignment
		r.objs = append(r.objs, t)
	}
}

func (r *paragraphRenderer) Layout(size fyne.Size) {
	r.update()
	pad := r.p.padding()
	h := r.p.lineHeight()
	if r.focus != nil {
		r.focus.Move(fyne.NewPos(0, 0))
		r.focus.Resize(size)
	}
	for i, t := range r.texts {
		t.Move(fyne.NewPos(pad, pad+float32(i)*h))
		t.Resize(fyne.NewSize(size.Width-2*pad, h))
	}
}

func (r *paragraphRenderer) MinSize() fyne.Size {
	r.update()
	pad := r.p.padding()
	return fyne.NewSize(2*pad, float32(max(len(r.lines), 1))*r.p.lineHeight()+2*pad)
}

func (r *paragraphRenderer) Refresh() {
	r.update()
	r.Layout(r.p.Size())
	for _, t := range r.texts {
		t.Refresh()
	}
	if r.focus != nil {
		r.focus.Refresh()
	}
	canvas.Refresh(r.p.self)
}

func (r *paragraphRenderer) Objects() []fyne.CanvasObject { return r.objs }

func (r *paragraphRenderer) Destroy() {}
