//go:build !linux

package main

import (
	"log/slog"

	"egovdesk/ui"
)

// deskServices: on Windows and macOS the tray is always there, and the
// notifications are Fyne's (on Windows a toast; opening the filing from it
// would need the toast's launch argument, which Fyne does not pass on).
type deskServices struct{}

func startDeskServices(*slog.Logger) *deskServices { return &deskServices{} }

func (s *deskServices) options(o *deskOptions) { o.tray = true }

func (s *deskServices) follow(*ui.UI) {}

// Close does nothing.
func (s *deskServices) Close() {}
