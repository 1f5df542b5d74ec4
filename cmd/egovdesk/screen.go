package main

import "fyne.io/fyne/v2"

// windowSize is the size the main window asks for on a large screen.
var windowSize = fyne.NewSize(1360, 860)

// decorationsPx is room left for the window manager's title bar and frame,
// in screen pixels, which the screen's work area still contains.
const decorationsPx = 40

// fitSize returns want, shrunk to fit a work area of workW×workH screen
// pixels at the canvas's scale (1.25 at 125 %), leaving room for the
// window's decorations. A work area of zero (unknown) leaves want as is.
func fitSize(want fyne.Size, workW, workH int, scale float32) fyne.Size {
	if workW <= 0 || workH <= 0 {
		return want
	}
	if scale <= 0 {
		scale = 1
	}
	w := float32(workW-decorationsPx/4) / scale
	h := float32(workH-decorationsPx) / scale
	return fyne.NewSize(min(want.Width, w), min(want.Height, h))
}
