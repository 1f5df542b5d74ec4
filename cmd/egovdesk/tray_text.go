package main

import (
	"runtime"
	"sync"

	"fyne.io/systray"
)

// trayText sets the tray icon's title (on Linux) and tooltip through
// fyne.io/systray, which Fyne's desktop.App does not expose. The UI's first
// counts come before Fyne's loop starts the tray (and Fyne sets the title to
// the app's name then): apply sets the last ones again once it has started.
type trayText struct {
	mu             sync.Mutex
	title, tooltip string
}

// set sets the title and the tooltip and remembers them.
func (t *trayText) set(title, tooltip string) {
	t.mu.Lock()
	t.title, t.tooltip = title, tooltip
	t.mu.Unlock()
	if runtime.GOOS == "linux" {
		systray.SetTitle(title) // on macOS the title is text in the menu bar
	}
	systray.SetTooltip(tooltip)
}

// apply sets the last title and tooltip again.
func (t *trayText) apply() {
	t.mu.Lock()
	title, tooltip := t.title, t.tooltip
	t.mu.Unlock()
	if title != "" {
		t.set(title, tooltip)
	}
}
