//go:build !linux

package main

import "log/slog"

// prepareInputEnv has nothing to set outside Linux: GLFW takes Windows and
// macOS input methods' committed text from the system's own text input
// (WM_CHAR, NSTextInputClient), whatever the environment.
func prepareInputEnv(*slog.Logger) {}
