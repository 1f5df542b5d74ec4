package ui

import (
	"image/color"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// A focused button is drawn with the focus colour blended over its own:
// on every kind of button the result must stand out from the unfocused
// one (Fyne's light blue did not on the blue primary buttons).
func TestFocusShowsOnEveryButton(t *testing.T) {
	th := NewTheme()
	focus := th.Color(theme.ColorNameFocus, theme.VariantLight)
	hover := th.Color(theme.ColorNameHover, theme.VariantLight)
	for _, bg := range []fyne.ThemeColorName{theme.ColorNamePrimary, theme.ColorNameButton, theme.ColorNameError, theme.ColorNameBackground} {
		base := th.Color(bg, theme.VariantLight)
		focused := blend(base, focus)
		if d := distance(base, focused); d < 40 {
			t.Errorf("%s: focused differs by %d, want at least 40", bg, d)
		}
		if d := distance(blend(base, hover), focused); d < 20 {
			t.Errorf("%s: focused differs from hovered by %d, want at least 20", bg, d)
		}
	}
}

// blend draws over (with its alpha) on an opaque base.
func blend(base, over color.Color) color.NRGBA {
	b := color.NRGBAModel.Convert(base).(color.NRGBA)
	o := color.NRGBAModel.Convert(over).(color.NRGBA)
	mix := func(x, y uint8) uint8 { return uint8((int(x)*(255-int(o.A)) + int(y)*int(o.A)) / 255) }
	return color.NRGBA{R: mix(b.R, o.R), G: mix(b.G, o.G), B: mix(b.B, o.B), A: 0xff}
}

// distance is the largest difference of the channels.
func distance(a color.Color, b color.NRGBA) int {
	x := color.NRGBAModel.Convert(a).(color.NRGBA)
	d := 0
	for _, p := range [][2]uint8{{x.R, b.R}, {x.G, b.G}, {x.B, b.B}} {
		d = max(d, abs(int(p[0])-int(p[1])))
	}
	return d
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// The same, drawn: a button of each importance, rendered by Fyne's
// software painter with the client's theme, looks different focused.
func TestFocusedButtonIsDrawnDifferently(t *testing.T) {
	a := test.NewTempApp(t)
	a.Settings().SetTheme(NewTheme())
	for _, imp := range []widget.Importance{widget.HighImportance, widget.MediumImportance, widget.DangerImportance} {
		b := &widget.Button{Text: "提交", Importance: imp, OnTapped: func() {}}
		w := test.NewTempWindow(t, container.NewCenter(b))
		w.Resize(fyne.NewSize(200, 100))
		// a point inside the button, left of its text: its background
		at := func() color.Color {
			img := w.Canvas().Capture()
			pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(b)
			scale := float32(img.Bounds().Dx()) / w.Canvas().Size().Width
			return img.At(int((pos.X+3)*scale), int((pos.Y+b.Size().Height/2)*scale))
		}
		plain := at()
		w.Canvas().Focus(b)
		focused := at()
		if d := distance(plain, color.NRGBAModel.Convert(focused).(color.NRGBA)); d < 40 {
			t.Errorf("importance %d: focused %v, plain %v: differ by %d, want at least 40", imp, focused, plain, d)
		}
	}
}

// An unticked check box and an input's outline are seen: 3:1 against the
// background, as WCAG 1.4.11 asks of a control (Fyne's light grey was
// 1.3:1, and a clerk took an unticked box for a disabled one).
func TestInputOutlinesAreSeen(t *testing.T) {
	th := NewTheme()
	if ratio := contrast(th.Color(theme.ColorNameInputBorder, theme.VariantLight), th.Color(theme.ColorNameBackground, theme.VariantLight)); ratio < 3 {
		t.Errorf("input outline contrast %.2f:1, want at least 3:1", ratio)
	}
}

// What the screens say in colour is read as text: ✓ and ✗ of the rules,
// 已连接数管局, a problem under a field, 未读批复. Each colour has the 4.5:1
// contrast on the background that text needs (WCAG 1.4.3), and a button's
// text on it (收件箱) has it too: Fyne's green was 1.5:1.
func TestTextColoursAreRead(t *testing.T) {
	th := NewTheme()
	bg := th.Color(theme.ColorNameBackground, theme.VariantLight)
	for n, on := range map[fyne.ThemeColorName]fyne.ThemeColorName{
		theme.ColorNameSuccess: theme.ColorNameForegroundOnSuccess, theme.ColorNameWarning: theme.ColorNameForegroundOnWarning,
		theme.ColorNameError: theme.ColorNameForegroundOnError, theme.ColorNamePrimary: theme.ColorNameForegroundOnPrimary,
	} {
		c := th.Color(n, theme.VariantLight)
		if r := contrast(c, bg); r < 4.5 {
			t.Errorf("%s on the background: %.2f:1, want at least 4.5:1", n, r)
		}
		if r := contrast(th.Color(on, theme.VariantLight), c); r < 4.5 {
			t.Errorf("%s on %s (a button's text): %.2f:1, want at least 4.5:1", on, n, r)
		}
	}
}

// A button that is off is drawn paler than the text around it: the theme's
// disabled grey is dark for the fields of a submitted filing, and 删除资源
// with nothing to delete looked on. Drawn by Fyne's software painter, the
// darkest pixel of an off button is at least 0x40 lighter than an on one's
// and than an off field's text (which stays readable).
func TestOffButtonIsPale(t *testing.T) {
	a := test.NewTempApp(t)
	a.Settings().SetTheme(NewTheme())
	darkest := func(o fyne.CanvasObject) uint8 {
		w := test.NewTempWindow(t, container.NewCenter(o))
		w.Resize(fyne.NewSize(300, 100))
		img := w.Canvas().Capture()
		scale := float32(img.Bounds().Dx()) / w.Canvas().Size().Width
		pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(o)
		min := uint8(0xff)
		for y := int(pos.Y * scale); y < int((pos.Y+o.Size().Height)*scale); y++ {
			for x := int(pos.X * scale); x < int((pos.X+o.Size().Width)*scale); x++ {
				c := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
				min = sliceMin(min, c.R, c.G, c.B)
			}
		}
		return min
	}
	for _, imp := range []widget.Importance{widget.MediumImportance, widget.LowImportance, widget.HighImportance} {
		on := newButton(&Button{Button: widget.Button{Text: "删除资源", Icon: theme.DeleteIcon(), Importance: imp, OnTapped: func() {}}})
		off := newButton(&Button{Button: widget.Button{Text: "删除资源", Icon: theme.DeleteIcon(), Importance: imp, OnTapped: func() {}}})
		off.Disable()
		dOn, dOff := darkest(on), darkest(off)
		if int(dOff) < int(dOn)+0x40 {
			t.Errorf("importance %d: the off button's darkest pixel is %#x, the on one's %#x", imp, dOff, dOn)
		}
		// and back on, as 删除资源 is when a resource is added
		off.Enable()
		if d := darkest(off); d != dOn {
			t.Errorf("importance %d: enabled again, darkest %#x, want %#x", imp, d, dOn)
		}
	}
	field := widget.NewEntry()
	field.SetText("城关镇社区常住人口信息")
	field.Disable()
	off := newButton(&Button{Button: widget.Button{Text: "删除资源", OnTapped: func() {}}})
	off.Disable()
	if dField, dOff := darkest(field), darkest(off); int(dOff) < int(dField)+0x40 {
		t.Errorf("an off button's darkest pixel %#x is as dark as a read-only field's text %#x", dOff, dField)
	}
}

func sliceMin(m uint8, vs ...uint8) uint8 {
	for _, v := range vs {
		m = min(m, v)
	}
	return m
}

// contrast is the WCAG contrast ratio of two colours (1 to 21).
func contrast(a, b color.Color) float64 {
	lum := func(c color.Color) float64 {
		r, g, b, _ := c.RGBA()
		ch := func(v uint32) float64 {
			x := float64(v) / 0xffff
			if x <= 0.03928 {
				return x / 12.92
			}
			return math.Pow((x+0.055)/1.055, 2.4)
		}
		return 0.2126*ch(r) + 0.7152*ch(g) + 0.0722*ch(b)
	}
	la, lb := lum(a), lum(b)
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}
