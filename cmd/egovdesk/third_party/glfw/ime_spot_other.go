//go:build !((linux && !x11 && !wayland) || (linux && x11))

package glfw

// PATCH (egovdesk, Fyne #618): see PATCHES.md.

// SetX11InputSpot does nothing where GLFW is built without X11.
func SetX11InputSpot(handle uintptr, x, y int) bool { return false }

// ResetX11Input does nothing where GLFW is built without X11.
func ResetX11Input(handle uintptr) bool { return false }
