package main

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
)

// GLFW's X11 backend is the client's only route to a Chinese input method on
// Linux: it opens an XIM input context, which reads XMODIFIERS to find the
// input method (fcitx, ibus) and converts the committed text with the C
// library's LC_CTYPE. GLFW's Wayland backend has no text-input protocol at all.
// prepareInputEnv makes those preconditions true for this process when the
// session did not, before Fyne initialises GLFW; docs/ime.md explains them.

// utf8Fallbacks are the UTF-8 locales tried, in order, when the session names
// none that exists: Chinese first (Kylin and UOS install it), then C.UTF-8
// (built into glibc ≥ 2.35 and shipped by Debian/Ubuntu before that).
var utf8Fallbacks = []string{"zh_CN.UTF-8", "C.UTF-8", "en_US.UTF-8"}

// envChange is one environment variable the client sets for itself, with the
// reason it is logged with.
type envChange struct {
	Name, Value, Why string
	// Routine changes are what any session of its kind gets, logged only
	// at Info: they say nothing about the machine worth a warning.
	Routine bool
}

// imeSystem is what decideInputEnv may ask about the machine, so that the
// decision itself is a pure function of its inputs.
type imeSystem struct {
	getenv    func(string) string
	hasLocale func(string) bool // the locale exists (glibc can load it)
	runningIM func() string     // the input method daemon running for this user: "fcitx", "ibus" or ""
}

// decideInputEnv returns the variables to set so that GLFW's X11 backend can
// use the session's input method: a UTF-8 LC_CTYPE, XMODIFIERS naming the
// input method, and FYNE_PLATFORM=x11 in a Wayland session that has XWayland.
// It never overrides a choice the session made that already works.
func decideInputEnv(sys imeSystem) []envChange {
	var out []envChange
	if c, ok := decideLocale(sys); ok {
		out = append(out, c)
	}
	if c, ok := decideXModifiers(sys); ok {
		out = append(out, c)
	}
	// Fyne 2.8.1 reads FYNE_PLATFORM (x11|wayland) before glfw.Init; without
	// it GLFW picks Wayland when WAYLAND_DISPLAY is set. X11 needs DISPLAY
	// (XWayland): without it there is nothing to fall back to.
	switch {
	case sys.getenv("FYNE_PLATFORM") != "" || sys.getenv("DISPLAY") == "":
	case sys.getenv("WAYLAND_DISPLAY") != "":
		out = append(out, envChange{Name: "FYNE_PLATFORM", Value: "x11", Why: "GLFW has no input method support on Wayland; XWayland has XIM"})
	default:
		// An X11 session: without the hint GLFW probes Wayland first, and
		// libwayland prints "XDG_RUNTIME_DIR is invalid" on every start.
		out = append(out, envChange{Name: "FYNE_PLATFORM", Value: "x11", Why: "an X11 session", Routine: true})
	}
	return out
}

// decideLocale picks the LC_CTYPE for GLFW's text conversion. The effective
// LC_CTYPE is LC_ALL, else LC_CTYPE, else LANG; when LC_ALL is what is in
// effect, only LC_ALL can change it.
func decideLocale(sys imeSystem) (envChange, bool) {
	name, from := "", ""
	for _, v := range []string{"LC_ALL", "LC_CTYPE", "LANG"} {
		if name = sys.getenv(v); name != "" {
			from = v
			break
		}
	}
	if isUTF8Locale(name) && sys.hasLocale(name) {
		return envChange{}, false
	}
	candidates := utf8Fallbacks
	if lang, _, _ := strings.Cut(name, "."); lang != "" && lang != "C" && lang != "POSIX" {
		lang, _, _ = strings.Cut(lang, "@")
		candidates = append([]string{lang + ".UTF-8"}, candidates...)
	}
	target := "LC_CTYPE"
	if from == "LC_ALL" {
		target = "LC_ALL"
	}
	for _, c := range candidates {
		if sys.hasLocale(c) {
			why := fmt.Sprintf("%s=%q is not an installed UTF-8 locale; committed Chinese text would be lost", from, name)
			if from == "" {
				why = "no locale is set; committed Chinese text would be lost"
			}
			return envChange{Name: target, Value: c, Why: why}, true
		}
	}
	return envChange{}, false
}

// decideXModifiers names the XIM server when the session did not: from the
// variables desktops set for GTK/Qt (fcitx and fcitx5 both serve XIM as
// "fcitx"), else from a running daemon.
func decideXModifiers(sys imeSystem) (envChange, bool) {
	if sys.getenv("XMODIFIERS") != "" {
		return envChange{}, false
	}
	for _, v := range []string{"INPUT_METHOD", "GTK_IM_MODULE", "QT_IM_MODULE"} {
		if im := imFamily(sys.getenv(v)); im != "" {
			return envChange{Name: "XMODIFIERS", Value: "@im=" + im, Why: v + " names " + im}, true
		}
	}
	if im := sys.runningIM(); im != "" {
		return envChange{Name: "XMODIFIERS", Value: "@im=" + im, Why: im + " is running"}, true
	}
	return envChange{}, false
}

// imFamily maps an input method module or daemon name to its XIM server name.
func imFamily(name string) string {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "fcitx", "fcitx5", "fcitx4":
		return "fcitx"
	case "ibus", "ibus-daemon":
		return "ibus"
	}
	return ""
}

// isUTF8Locale reports whether a locale name's codeset is UTF-8 ("zh_CN.UTF-8",
// "C.utf8", "en_US.UTF-8@euro").
func isUTF8Locale(name string) bool {
	_, codeset, ok := strings.Cut(name, ".")
	codeset, _, _ = strings.Cut(codeset, "@")
	return ok && normalizeCodeset(codeset) == "utf8"
}

// normalizeCodeset lowercases a codeset and drops what is not a letter or
// digit, as glibc does when it looks a locale up ("UTF-8" → "utf8").
func normalizeCodeset(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// normalizeLocale is a locale name in the form `locale -a` lists it.
func normalizeLocale(name string) string {
	base, rest, ok := strings.Cut(name, ".")
	if !ok {
		return name
	}
	codeset, mod, hasMod := strings.Cut(rest, "@")
	n := base + "." + normalizeCodeset(codeset)
	if hasMod {
		n += "@" + mod
	}
	return n
}

// installedLocales returns a hasLocale that answers from one run of
// `locale -a` (locale-archive and /usr/lib/locale), made on the first
// question, falling back to the directories in /usr/lib/locale when the
// program is missing.
func installedLocales() func(string) bool {
	var set map[string]bool
	return func(name string) bool {
		if set == nil {
			set = map[string]bool{}
			if out, err := exec.Command("locale", "-a").Output(); err == nil {
				for _, l := range bytes.Fields(out) {
					set[normalizeLocale(string(l))] = true
				}
			} else if dirs, err := os.ReadDir("/usr/lib/locale"); err == nil {
				for _, d := range dirs {
					if d.IsDir() {
						set[normalizeLocale(d.Name())] = true
					}
				}
			}
		}
		return set[normalizeLocale(name)]
	}
}

// runningIM looks through /proc for an input method daemon of this user.
func runningIM() string {
	uid := uint32(os.Getuid())
	comms, _ := filepath.Glob("/proc/[0-9]*/comm")
	for _, p := range comms {
		var st syscall.Stat_t
		if syscall.Stat(filepath.Dir(p), &st) != nil || st.Uid != uid {
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		if im := imFamily(string(b)); im != "" {
			return im
		}
	}
	return ""
}

// prepareInputEnv sets, for this process, what GLFW's X11 input method support
// needs and the session lacks, and logs each change: the launcher should have
// set it. It must run before Fyne starts GLFW (glfw.Init reads the variables;
// with cgo, os.Setenv also sets the C environment).
func prepareInputEnv(log *slog.Logger) {
	changes := decideInputEnv(imeSystem{getenv: os.Getenv, hasLocale: installedLocales(), runningIM: runningIM})
	for _, c := range changes {
		if err := os.Setenv(c.Name, c.Value); err != nil {
			log.Warn("input method environment", "var", c.Name, "err", err)
			continue
		}
		level := slog.LevelWarn
		if c.Routine {
			level = slog.LevelInfo
		}
		log.Log(context.Background(), level, "input method environment set for this process", "var", c.Name, "value", c.Value, "why", c.Why)
	}
}
