package main

import (
	"fyne.io/fyne/v2/driver"
	"github.com/ncruces/zenity"
)

// attachOption attaches a dialog to the client's window by its HWND.
func attachOption(ctx any) zenity.Option {
	if c, ok := ctx.(driver.WindowsWindowContext); ok && c.HWND != 0 {
		return zenity.Attach(c.HWND)
	}
	return nil
}
