//go:build (linux && !x11 && !wayland) || (linux && x11)

package glfw

// PATCH (egovdesk, Fyne #618): see PATCHES.md.

/*
int glfwSetX11InputSpot(unsigned long handle, int x, int y);
int glfwResetX11Input(unsigned long handle);
*/
import "C"

// SetX11InputSpot tells the X input method where the text cursor of the GLFW
// window whose X11 window is handle is (x, y in the window's pixels, the
// cursor's bottom-left), so that its candidate window opens there. It reports
// false when the window has no input context (no input method running) or
// the input method refused. Call it on the main thread.
func SetX11InputSpot(handle uintptr, x, y int) bool {
	return C.glfwSetX11InputSpot(C.ulong(handle), C.int(x), C.int(y)) != 0
}

// ResetX11Input ends what the X input method is composing for the GLFW window
// whose X11 window is handle and drops it: call it when the keyboard focus
// moved to another field, which would otherwise get the pinyin being composed.
// It reports false when the window has no input context. Call it on the main
// thread.
func ResetX11Input(handle uintptr) bool {
	return C.glfwResetX11Input(C.ulong(handle)) != 0
}
