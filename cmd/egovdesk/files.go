package main

import (
	"context"
	"errors"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver"
	"github.com/ncruces/zenity"

	"egovdesk/ui"
)

// nativeFiles shows the desktop's own file dialogs through zenity: the
// Windows common dialog, and on UOS/Kylin/Debian the GTK chooser of the
// zenity (or qarma, matedialog) program. Where neither exists it fails and
// the UI falls back to Fyne's dialog. The dialogs are modal to the
// client's window (attached to it), so they stay above it and cannot be
// lost behind it.
type nativeFiles struct{ win fyne.Window }

var _ ui.Files = nativeFiles{}

// newFiles returns the native dialogs for w, or nil when the desktop has
// none.
func newFiles(w fyne.Window) ui.Files {
	if !zenity.IsAvailable() {
		return nil
	}
	return nativeFiles{win: w}
}

// Open implements ui.Files. It is called off the Fyne thread.
func (n nativeFiles) Open(ctx context.Context, title, dir string, f ui.FileFilter) (string, error) {
	opts := append(n.parent(), zenity.Context(ctx), zenity.Title(title), filters(f))
	if dir != "" {
		opts = append(opts, zenity.Filename(dir+string(filepath.Separator)))
	}
	path, err := zenity.SelectFile(opts...)
	return chosen(path, err)
}

// Save implements ui.Files. It is called off the Fyne thread.
func (n nativeFiles) Save(ctx context.Context, title, dir, name string, f ui.FileFilter) (string, error) {
	if dir != "" {
		name = filepath.Join(dir, name)
	}
	opts := append(n.parent(), zenity.Context(ctx), zenity.Title(title), zenity.Filename(name),
		zenity.ConfirmOverwrite(), filters(f))
	path, err := zenity.SelectFileSave(opts...)
	if err == nil && path != "" && len(f.Exts) > 0 && filepath.Ext(path) == "" {
		path += f.Exts[0] // the GTK chooser does not add the extension
	}
	return chosen(path, err)
}

// Folder implements ui.Files. It is called off the Fyne thread.
func (n nativeFiles) Folder(ctx context.Context, title, dir string) (string, error) {
	opts := append(n.parent(), zenity.Context(ctx), zenity.Title(title), zenity.Directory())
	if dir != "" {
		opts = append(opts, zenity.Filename(dir+string(filepath.Separator)))
	}
	path, err := zenity.SelectFile(opts...)
	return chosen(path, err)
}

// parent returns the options that make a dialog modal to the client's
// window: its X11 window ID or Windows HWND, read on the Fyne thread. On
// Wayland, macOS or without a window the dialog is only a modal hint.
func (n nativeFiles) parent() []zenity.Option {
	opts := []zenity.Option{zenity.Modal()}
	nw, ok := n.win.(driver.NativeWindow)
	if !ok {
		return opts
	}
	fyne.DoAndWait(func() {
		nw.RunNative(func(ctx any) {
			if o := attachOption(ctx); o != nil {
				opts = append(opts, o)
			}
		})
	})
	return opts
}

// chosen turns a dialog's answer into Files' form: "" for a cancel.
func chosen(path string, err error) (string, error) {
	switch {
	case errors.Is(err, zenity.ErrCanceled):
		return "", nil
	case errors.Is(err, context.Canceled):
		return "", nil
	case err != nil:
		return "", err
	}
	return path, nil
}

// filters returns f as zenity's filter, matching the extensions in either
// case (a scanner's "SCAN0001.PDF").
func filters(f ui.FileFilter) zenity.FileFilters {
	patterns := make([]string, len(f.Exts))
	for i, e := range f.Exts {
		patterns[i] = "*" + strings.ToLower(e)
	}
	return zenity.FileFilters{{Name: ui.T(f.Name), Patterns: patterns, CaseFold: true}}
}
