package main

import (
	"runtime"
	"testing"

	"fyne.io/fyne/v2/driver"
)

// TestDialogsAttachToTheWindow: on X11 a native dialog gets the client's
// window ID (zenity --attach), so the desktop keeps it above the window;
// where there is no window ID it gets none.
func TestDialogsAttachToTheWindow(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("X11 only")
	}
	if attachOption(driver.X11WindowContext{WindowHandle: 0x2a00007}) == nil {
		t.Error("no attach option for an X11 window")
	}
	for _, ctx := range []any{driver.X11WindowContext{}, driver.WaylandWindowContext{WaylandSurface: 1}, driver.UnknownContext{}} {
		if attachOption(ctx) != nil {
			t.Errorf("an attach option for %T %+v", ctx, ctx)
		}
	}
}
