package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"egovdesk/assets"
)

// cjkFont is the bundled CJK face (Droid Sans Fallback).
var cjkFont = fyne.NewStaticResource("DroidSansFallbackFull.ttf", assets.CJKFont)

// Theme is egovdesk's theme: Fyne's default colours and sizes with the bundled
// CJK font for every non-monospace text, so Chinese renders the same on every
// machine and in headless tests. Monospace and symbol text keep the default
// theme's fonts.
type Theme struct{ fyne.Theme }

// NewTheme returns the theme; set it with App.Settings().SetTheme.
func NewTheme() fyne.Theme { return &Theme{Theme: theme.DefaultTheme()} }

// Font returns the bundled CJK font except for monospace and symbol text.
func (t *Theme) Font(s fyne.TextStyle) fyne.Resource {
	if s.Monospace || s.Symbol {
		return t.Theme.Font(s)
	}
	return cjkFont
}

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
	}
	return t.Theme.Color(n, theme.VariantLight)
}
