//go:build !linux

package main

import (
	"log/slog"

	"fyne.io/fyne/v2"
)

// prepareInputEnv has nothing to set outside Linux: GLFW takes Windows and
// macOS input methods' committed text from the system's own text input
// (WM_CHAR, NSTextInputClient), whatever the environment.
func prepareInputEnv(*slog.Logger) {}

// inputSpotTick has nothing to do outside Linux: GLFW's Windows and macOS
// backends do not place the IME's candidate window (see docs/ime.md).
func inputSpotTick(fyne.App, fyne.Window) func() { return nil }
