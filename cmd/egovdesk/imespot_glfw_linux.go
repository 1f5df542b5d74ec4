//go:build !ci

package main

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver"
	"github.com/go-gl/glfw/v3.4/glfw"
)

// x11SpotSetter returns a function that moves the X input method's spot of
// w's window (through the patched GLFW's SetX11InputSpot), or nil when the
// window cannot run native code. On Wayland RunNative passes no X11 context
// and the function does nothing.
func x11SpotSetter(w fyne.Window) func(x, y int) {
	nw, ok := w.(driver.NativeWindow)
	if !ok {
		return nil
	}
	return func(x, y int) {
		nw.RunNative(func(ctx any) {
			if c, ok := ctx.(driver.X11WindowContext); ok && c.WindowHandle != 0 {
				glfw.SetX11InputSpot(c.WindowHandle, x, y)
			}
		})
	}
}

// x11InputReset returns a function that drops what the X input method is
// composing for w's window (the patched GLFW's ResetX11Input), or nil when
// the window cannot run native code.
func x11InputReset(w fyne.Window) func() {
	nw, ok := w.(driver.NativeWindow)
	if !ok {
		return nil
	}
	return func() {
		nw.RunNative(func(ctx any) {
			if c, ok := ctx.(driver.X11WindowContext); ok && c.WindowHandle != 0 {
				glfw.ResetX11Input(c.WindowHandle)
			}
		})
	}
}
