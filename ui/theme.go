package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"egovdesk/assets"
)

// The bundled faces, Noto Sans CJK SC cut to what a form needs (see
// assets/fonts/README.md).
var (
	textFont     = fyne.NewStaticResource("NotoSansSC-Regular.ttf", assets.FontRegular)
	textBoldFont = fyne.NewStaticResource("NotoSansSC-Bold.ttf", assets.FontBold)
)

// Theme is egovdesk's theme: Fyne's default colours and sizes with the bundled
// CJK faces for every non-monospace text, so Chinese renders the same on every
// machine and in headless tests. Monospace and symbol text keep the default
// theme's fonts. A character outside the bundled cut (a rare name character)
// is drawn from a system font by Fyne's fallback.
type Theme struct{ fyne.Theme }

// NewTheme returns the theme; set it with App.Settings().SetTheme.
func NewTheme() fyne.Theme { return &Theme{Theme: theme.DefaultTheme()} }

// Font returns the bundled bold face for bold text, the regular face for other
// text, and the default theme's fonts for monospace and symbol text.
func (t *Theme) Font(s fyne.TextStyle) fyne.Resource {
	switch {
	case s.Monospace || s.Symbol:
		return t.Theme.Font(s)
	case s.Bold:
		return textBoldFont
	}
	return textFont
}

// focusShade darkens what has the keyboard by a quarter.
var focusShade = color.NRGBA{A: 0x48}

// Color returns the default theme's light colours whatever the system's
// preference (forms read best dark on light) with a darker primary, the blue
// of government forms.
func (t *Theme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	switch n {
	case theme.ColorNamePrimary:
		return color.NRGBA{R: 0x1f, G: 0x5f, B: 0xbf, A: 0xff}
	case theme.ColorNameDisabled:
		// Hints, dates and a submitted revision's fields are read, not
		// skipped: darker than the default grey.
		return color.NRGBA{R: 0x6a, G: 0x6a, B: 0x6a, A: 0xff}
	case theme.ColorNamePlaceHolder:
		return color.NRGBA{R: 0x84, G: 0x84, B: 0x84, A: 0xff}
	case theme.ColorNameInputBorder:
		// An unticked box (按项目分组, 向社会开放) is drawn in this colour:
		// Fyne's light grey left it barely seen. This grey has the 3:1
		// contrast on white that a control's outline needs (WCAG 1.4.11).
		return color.NRGBA{R: 0x8a, G: 0x8a, B: 0x8a, A: 0xff}
	case theme.ColorNameSuccess:
		// ✓ 已满足, 已连接数管局, 已通过: read as text. Fyne's bright green
		// was 1.5:1 on white, its orange 2.2:1 and its red 3.7:1, below the
		// 4.5:1 text needs (WCAG 1.4.3); on a laptop in a lit office the
		// route panel's ✓ lines were hard to read (found in a walkthrough).
		return color.NRGBA{R: 0x1b, G: 0x7a, B: 0x2f, A: 0xff}
	case theme.ColorNameWarning:
		return color.NRGBA{R: 0xa8, G: 0x54, B: 0x00, A: 0xff}
	case theme.ColorNameError:
		return color.NRGBA{R: 0xc6, G: 0x28, B: 0x28, A: 0xff}
	case theme.ColorNameFocus:
		// Fyne blends the focus colour over a focused button. Its own, a
		// light blue at 16 %, vanished on the blue primary buttons (新建材料,
		// 检查并提交, 是): a clerk tabbing to 是 could not see it had the
		// keyboard. A shade shows on every button and list row.
		return focusShade
	}
	return t.Theme.Color(n, theme.VariantLight)
}
