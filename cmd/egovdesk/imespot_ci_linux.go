//go:build ci

package main

import "fyne.io/fyne/v2"

// x11SpotSetter: Fyne's headless test driver has no X11 window.
func x11SpotSetter(fyne.Window) func(x, y int) { return nil }

// x11InputReset: nor an input method.
func x11InputReset(fyne.Window) func() { return nil }
