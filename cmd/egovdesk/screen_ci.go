//go:build ci

package main

import "fyne.io/fyne/v2"

// fitToScreen does nothing under the test driver, which has no screen.
func fitToScreen(fyne.Window) {}
