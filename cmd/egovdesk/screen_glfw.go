//go:build !ci && !wasm && !js && !android && !ios

package main

import (
	"fyne.io/fyne/v2"
	"github.com/go-gl/glfw/v3.4/glfw"
)

// fitToScreen shrinks w to the work area of the screen it opened on (the
// desktop less its panels), so that a 1366×768 laptop, or one at 125 % or
// 150 % scale, shows the whole window with its connection bar. It runs on
// the main thread once the window is shown, when its canvas knows its scale.
func fitToScreen(w fyne.Window) {
	m := glfw.GetPrimaryMonitor()
	if m == nil {
		return
	}
	_, _, workW, workH := m.GetWorkarea()
	size := fitSize(windowSize, workW, workH, w.Canvas().Scale())
	if size != windowSize {
		w.Resize(size)
		w.CenterOnScreen()
	}
}
