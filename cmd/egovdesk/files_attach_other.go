//go:build !windows

package main

import (
	"fyne.io/fyne/v2/driver"
	"github.com/ncruces/zenity"
)

// attachOption attaches a dialog to the client's X11 window by its ID
// (zenity's --attach); other window systems get none.
func attachOption(ctx any) zenity.Option {
	if c, ok := ctx.(driver.X11WindowContext); ok && c.WindowHandle != 0 {
		return zenity.Attach(int(c.WindowHandle))
	}
	return nil
}
