package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// runLauncher runs the .deb's launcher (scripts/packaging/linux/egovdesk) as
// /usr/bin/egovdesk with env as the whole environment, in front of a fake
// client that prints its environment, and returns that environment.
func runLauncher(t *testing.T, env map[string]string, args ...string) map[string]string {
	t.Helper()
	root := t.TempDir()
	script, err := os.ReadFile(filepath.Join("..", "..", "scripts", "packaging", "linux", "egovdesk"))
	if err != nil {
		t.Fatal(err)
	}
	for path, body := range map[string]string{
		"usr/bin/egovdesk":          string(script),
		"usr/lib/egovdesk/egovdesk": "#!/bin/sh\nprintf 'ARGS=%s\\n' \"$*\"\nenv\n",
	} {
		p := filepath.Join(root, path)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(filepath.Join(root, "usr/bin/egovdesk"), args...)
	cmd.Env = []string{"PATH=/usr/bin:/bin"}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("launcher: %v", err)
	}
	got := map[string]string{}
	for _, line := range strings.Split(string(out), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			got[k] = v
		}
	}
	return got
}

// After the launcher the client has nothing left to change: the launcher
// decides as decideInputEnv does, and keeps what the session set.
func TestLauncherAgreesWithClient(t *testing.T) {
	hasLocale := installedLocales()
	if !hasLocale("C.UTF-8") && !hasLocale("zh_CN.UTF-8") {
		t.Skip("no UTF-8 locale installed here")
	}
	cases := []struct {
		name string
		env  map[string]string
		keep []string // variables the launcher must leave as the session set them
	}{
		{"LANG=C on X11", map[string]string{"LANG": "C", "DISPLAY": ":0"}, []string{"LANG"}},
		{"nothing set", map[string]string{"DISPLAY": ":0"}, nil},
		{"LC_ALL=POSIX wins over LANG", map[string]string{"LC_ALL": "POSIX", "LANG": "zh_CN.UTF-8", "DISPLAY": ":0"}, []string{"LANG"}},
		{"a Latin-1 locale", map[string]string{"LANG": "en_US.ISO-8859-1", "DISPLAY": ":0"}, []string{"LANG"}},
		{"a working ibus session is kept", map[string]string{"LANG": "C.UTF-8", "XMODIFIERS": "@im=ibus", "GTK_IM_MODULE": "ibus", "DISPLAY": ":0", "FYNE_PLATFORM": "wayland"},
			[]string{"LANG", "XMODIFIERS", "GTK_IM_MODULE", "FYNE_PLATFORM"}},
		{"GTK_IM_MODULE names the input method", map[string]string{"LANG": "C.utf8", "GTK_IM_MODULE": "ibus", "DISPLAY": ":0"}, []string{"LANG", "GTK_IM_MODULE"}},
		{"QT_IM_MODULE=fcitx5", map[string]string{"QT_IM_MODULE": "fcitx5", "WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":1"}, []string{"QT_IM_MODULE"}},
		{"Wayland without XWayland", map[string]string{"LANG": "C.UTF-8", "WAYLAND_DISPLAY": "wayland-0"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := runLauncher(t, c.env, "--data", "/tmp/x y")
			if got["ARGS"] != "--data /tmp/x y" {
				t.Errorf("the client got arguments %q", got["ARGS"])
			}
			for _, k := range c.keep {
				if got[k] != c.env[k] {
					t.Errorf("%s=%q became %q", k, c.env[k], got[k])
				}
			}
			left := decideInputEnv(imeSystem{getenv: func(k string) string { return got[k] }, hasLocale: hasLocale, runningIM: runningIM})
			if len(left) != 0 {
				t.Errorf("after the launcher (%v) the client still changes %+v", got, left)
			}
			if got["XMODIFIERS"] == "" {
				t.Errorf("no XMODIFIERS: %v", got)
			}
			if im := strings.TrimPrefix(got["XMODIFIERS"], "@im="); c.env["GTK_IM_MODULE"] == "" && got["GTK_IM_MODULE"] != im {
				t.Errorf("GTK_IM_MODULE=%q for XMODIFIERS=%q: file dialogs would use another input method", got["GTK_IM_MODULE"], got["XMODIFIERS"])
			}
			if c.env["DISPLAY"] == "" && got["FYNE_PLATFORM"] != "" {
				t.Errorf("FYNE_PLATFORM=%q without an X server", got["FYNE_PLATFORM"])
			}
		})
	}
}
