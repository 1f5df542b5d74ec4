//go:build windows

package main

import (
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"syscall"

	"golang.org/x/sys/windows/registry"

	"egovdesk/ui"
)

// deskServices on Windows: the tray is always there; decisions are shown
// as toasts that open their filing when clicked (toast.go).
type deskServices struct {
	notifier *toastNotifier // nil: Fyne's notifications, which cannot be clicked
}

// startDeskServices registers the egovdesk: link and the toasts' sender
// for the clerk's account, pointing at this program and its data
// directory dir, so that a click on a toast starts this program, which
// hands the link to the running client. Registration needs no
// administrator rights (HKEY_CURRENT_USER); the installer's uninstaller
// removes it.
func startDeskServices(log *slog.Logger, dir string) *deskServices {
	exe, err := os.Executable()
	if err != nil {
		log.Warn("toasts fall back to Fyne's, which cannot be clicked", "err", err)
		return &deskServices{}
	}
	icon, err := writeIcon()
	if err != nil {
		log.Warn("toast icon", "err", err)
	}
	if err := registerLinks(exe, dir, icon); err != nil {
		log.Warn("toasts fall back to Fyne's, which cannot be clicked", "err", err)
		return &deskServices{}
	}
	return &deskServices{notifier: &toastNotifier{icon: icon}}
}

func (s *deskServices) options(o *deskOptions) {
	o.tray = true
	if s.notifier != nil {
		o.notifier = s.notifier
	}
}

func (s *deskServices) follow(*ui.UI) {}

// Close does nothing.
func (s *deskServices) Close() {}

// registerLinks writes, under HKEY_CURRENT_USER\Software\Classes:
//
//	egovdesk\shell\open\command     "<exe>" --data "<dir>" "%1"
//	AppUserModelId\<toastAppID>     DisplayName 政务信息化项目申报, IconUri <icon>
//
// The second names the toasts' sender (instead of the bare ID).
func registerLinks(exe, dir, icon string) error {
	set := func(path string, values map[string]string) error {
		k, _, err := registry.CreateKey(registry.CURRENT_USER, `Software\Classes\`+path, registry.SET_VALUE)
		if err != nil {
			return fmt.Errorf("register %s: %w", path, err)
		}
		defer k.Close()
		for name, v := range values {
			if err := k.SetStringValue(name, v); err != nil {
				return fmt.Errorf("register %s: %w", path, err)
			}
		}
		return nil
	}
	if err := set(linkScheme, map[string]string{"": "URL:egovdesk 政务信息化项目申报", "URL Protocol": ""}); err != nil {
		return err
	}
	if err := set(linkScheme+`\DefaultIcon`, map[string]string{"": `"` + exe + `",0`}); err != nil {
		return err
	}
	if err := set(linkScheme+`\shell\open\command`, map[string]string{"": `"` + exe + `" --data "` + dir + `" "%1"`}); err != nil {
		return err
	}
	sender := map[string]string{"DisplayName": "政务信息化项目申报"}
	if icon != "" {
		sender["IconUri"] = icon
	}
	return set(`AppUserModelId\`+toastAppID, sender)
}

// toastNotifier shows toasts through Windows PowerShell, as Fyne does, but
// with the protocol activation that makes them clickable.
type toastNotifier struct {
	icon string
}

// Notify shows n; it waits for PowerShell (about a second), on the UI's
// goroutine for notices, never the Fyne thread.
func (t *toastNotifier) Notify(n ui.Notice) error {
	cmd := exec.Command("powershell.exe", "-NoProfile", "-NonInteractive", "-WindowStyle", "Hidden",
		"-EncodedCommand", encodedCommand(toastScript(n, t.icon)))
	cmd.SysProcAttr = &syscall.SysProcAttr{HideWindow: true, CreationFlags: 0x08000000} // CREATE_NO_WINDOW
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("toast: %w: %s", err, out)
	}
	return nil
}
