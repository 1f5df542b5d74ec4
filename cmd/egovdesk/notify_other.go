//go:build !linux && !windows

package main

import (
	"log/slog"

	"egovdesk/ui"
)

// deskServices: on macOS the tray is always there, and the notifications
// are Fyne's, which cannot be clicked.
type deskServices struct{}

func startDeskServices(*slog.Logger, string) *deskServices { return &deskServices{} }

func (s *deskServices) options(o *deskOptions) { o.tray = true }

func (s *deskServices) follow(*ui.UI) {}

// Close does nothing.
func (s *deskServices) Close() {}
