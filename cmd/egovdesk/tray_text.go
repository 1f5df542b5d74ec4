package main

import (
	"sync"

	"fyne.io/systray"
)

// trayText sets the tray icon's title and tooltip through fyne.io/systray,
// which Fyne's desktop.App does not expose. Fyne sets the title to the app's
// name when its loop starts the tray, after the UI's first counts: apply
// sets the last ones again once the app has started.
type trayText struct {
	mu             sync.Mutex
	title, tooltip string
}

// set sets the title and the tooltip and remembers them.
func (t *trayText) set(title, tooltip string) {
	t.mu.Lock()
	t.title, t.tooltip = title, tooltip
	t.mu.Unlock()
	systray.SetTitle(title)
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
