package main

import (
	"io"
	"log/slog"
	"os"
	"reflect"
	"testing"
)

func TestDecideInputEnv(t *testing.T) {
	debian := []string{"C.utf8", "zh_CN.utf8", "en_US.utf8"} // as `locale -a` lists them
	bare := []string{"C.utf8"}                               // Debian without generated locales
	tests := []struct {
		name    string
		env     map[string]string
		locales []string
		running string
		want    map[string]string // variable → value set; nil: nothing
	}{
		{"a working X11 session only gets the X11 hint",
			map[string]string{"LANG": "zh_CN.UTF-8", "XMODIFIERS": "@im=fcitx", "DISPLAY": ":0"}, debian, "fcitx", map[string]string{"FYNE_PLATFORM": "x11"}},
		{"LANG=C gets a UTF-8 LC_CTYPE, Chinese first",
			map[string]string{"LANG": "C", "XMODIFIERS": "@im=fcitx"}, debian, "", map[string]string{"LC_CTYPE": "zh_CN.UTF-8"}},
		{"no locale at all",
			map[string]string{"XMODIFIERS": "@im=ibus"}, debian, "", map[string]string{"LC_CTYPE": "zh_CN.UTF-8"}},
		{"POSIX on a machine with only C.UTF-8",
			map[string]string{"LANG": "POSIX", "XMODIFIERS": "@im=ibus"}, bare, "", map[string]string{"LC_CTYPE": "C.UTF-8"}},
		{"a UTF-8 LANG that is not installed is replaced",
			map[string]string{"LANG": "zh_CN.UTF-8", "XMODIFIERS": "@im=fcitx"}, bare, "", map[string]string{"LC_CTYPE": "C.UTF-8"}},
		{"utf8 spelled differently is accepted",
			map[string]string{"LANG": "zh_CN.utf8", "XMODIFIERS": "@im=fcitx"}, debian, "", nil},
		{"a Latin-1 locale keeps its language",
			map[string]string{"LANG": "en_US.ISO-8859-1", "XMODIFIERS": "@im=fcitx"}, debian, "", map[string]string{"LC_CTYPE": "en_US.UTF-8"}},
		{"LC_CTYPE overrides LANG",
			map[string]string{"LANG": "zh_CN.UTF-8", "LC_CTYPE": "C", "XMODIFIERS": "@im=fcitx"}, debian, "", map[string]string{"LC_CTYPE": "zh_CN.UTF-8"}},
		{"a UTF-8 LC_CTYPE wins over LANG=C",
			map[string]string{"LANG": "C", "LC_CTYPE": "C.UTF-8", "XMODIFIERS": "@im=fcitx"}, debian, "", nil},
		{"LC_ALL=C can only be fixed through LC_ALL",
			map[string]string{"LC_ALL": "C", "LANG": "zh_CN.UTF-8", "XMODIFIERS": "@im=fcitx"}, debian, "", map[string]string{"LC_ALL": "zh_CN.UTF-8"}},
		{"no UTF-8 locale installed: nothing to choose",
			map[string]string{"LANG": "C", "XMODIFIERS": "@im=fcitx"}, []string{"C", "POSIX"}, "", nil},
		{"XMODIFIERS from GTK_IM_MODULE=fcitx5",
			map[string]string{"LANG": "C.UTF-8", "GTK_IM_MODULE": "fcitx5"}, debian, "", map[string]string{"XMODIFIERS": "@im=fcitx"}},
		{"XMODIFIERS from QT_IM_MODULE=ibus",
			map[string]string{"LANG": "C.UTF-8", "QT_IM_MODULE": "ibus"}, debian, "", map[string]string{"XMODIFIERS": "@im=ibus"}},
		{"INPUT_METHOD comes first",
			map[string]string{"LANG": "C.UTF-8", "INPUT_METHOD": "fcitx", "GTK_IM_MODULE": "ibus"}, debian, "", map[string]string{"XMODIFIERS": "@im=fcitx"}},
		{"an unknown module falls through to the running daemon",
			map[string]string{"LANG": "C.UTF-8", "GTK_IM_MODULE": "xim"}, debian, "ibus", map[string]string{"XMODIFIERS": "@im=ibus"}},
		{"XMODIFIERS from a running fcitx",
			map[string]string{"LANG": "C.UTF-8"}, debian, "fcitx", map[string]string{"XMODIFIERS": "@im=fcitx"}},
		{"no input method anywhere: XMODIFIERS stays unset",
			map[string]string{"LANG": "C.UTF-8"}, debian, "", nil},
		{"a set XMODIFIERS is kept even if another IM runs",
			map[string]string{"LANG": "C.UTF-8", "XMODIFIERS": "@im=ibus"}, debian, "fcitx", nil},
		{"Wayland with XWayland prefers X11",
			map[string]string{"LANG": "C.UTF-8", "XMODIFIERS": "@im=fcitx", "WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}, debian, "", map[string]string{"FYNE_PLATFORM": "x11"}},
		{"Wayland without XWayland stays on Wayland",
			map[string]string{"LANG": "C.UTF-8", "XMODIFIERS": "@im=fcitx", "WAYLAND_DISPLAY": "wayland-0"}, debian, "", nil},
		{"an X11 session does not probe Wayland",
			map[string]string{"LANG": "C.UTF-8", "XMODIFIERS": "@im=fcitx", "DISPLAY": ":0"}, debian, "", map[string]string{"FYNE_PLATFORM": "x11"}},
		{"an explicit FYNE_PLATFORM is kept",
			map[string]string{"LANG": "C.UTF-8", "XMODIFIERS": "@im=fcitx", "WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0", "FYNE_PLATFORM": "wayland"}, debian, "", nil},
		{"everything at once",
			map[string]string{"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}, bare, "fcitx",
			map[string]string{"LC_CTYPE": "C.UTF-8", "XMODIFIERS": "@im=fcitx", "FYNE_PLATFORM": "x11"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			installed := map[string]bool{}
			for _, l := range tt.locales {
				installed[l] = true
			}
			got := map[string]string{}
			for _, c := range decideInputEnv(imeSystem{
				getenv:    func(k string) string { return tt.env[k] },
				hasLocale: func(l string) bool { return installed[normalizeLocale(l)] },
				runningIM: func() string { return tt.running },
			}) {
				if c.Why == "" {
					t.Errorf("%s=%s has no reason to log", c.Name, c.Value)
				}
				got[c.Name] = c.Value
			}
			want := tt.want
			if want == nil {
				want = map[string]string{}
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("env %v, locales %v, running %q:\n got %v\nwant %v", tt.env, tt.locales, tt.running, got, want)
			}
		})
	}
}

func TestLocaleNames(t *testing.T) {
	for name, want := range map[string]bool{
		"zh_CN.UTF-8": true, "C.utf8": true, "en_US.UTF-8@euro": true, "zh_CN.utf-8": true,
		"C": false, "POSIX": false, "": false, "zh_CN.GBK": false, "zh_CN.GB18030": false, "UTF-8": false,
	} {
		if got := isUTF8Locale(name); got != want {
			t.Errorf("isUTF8Locale(%q) = %v", name, got)
		}
	}
	for in, want := range map[string]string{"zh_CN.UTF-8": "zh_CN.utf8", "C.utf8": "C.utf8", "de_DE.UTF-8@euro": "de_DE.utf8@euro", "C": "C"} {
		if got := normalizeLocale(in); got != want {
			t.Errorf("normalizeLocale(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestPrepareInputEnvSetsProcessEnv runs the real gathering on this machine:
// Debian 12 and every glibc ≥ 2.35 have C.UTF-8, so LANG=C must be fixed.
func TestPrepareInputEnvSetsProcessEnv(t *testing.T) {
	if !installedLocales()("C.UTF-8") {
		t.Skip("no C.UTF-8 locale on this machine")
	}
	if installedLocales()("xx_XX.UTF-8") {
		t.Fatal("a locale that does not exist is reported installed")
	}
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_CTYPE", "")
	t.Setenv("LANG", "C")
	t.Setenv("XMODIFIERS", "")
	t.Setenv("INPUT_METHOD", "")
	t.Setenv("GTK_IM_MODULE", "ibus")
	t.Setenv("QT_IM_MODULE", "")
	t.Setenv("WAYLAND_DISPLAY", "")
	t.Setenv("DISPLAY", "")
	t.Setenv("FYNE_PLATFORM", "")
	prepareInputEnv(slog.New(slog.NewTextHandler(io.Discard, nil)))
	if got := os.Getenv("LC_CTYPE"); !isUTF8Locale(got) {
		t.Errorf("LC_CTYPE = %q, want a UTF-8 locale", got)
	}
	if got := os.Getenv("XMODIFIERS"); got != "@im=ibus" {
		t.Errorf("XMODIFIERS = %q, want @im=ibus", got)
	}
	if got := os.Getenv("FYNE_PLATFORM"); got != "" {
		t.Errorf("FYNE_PLATFORM = %q set without a display", got)
	}
}
