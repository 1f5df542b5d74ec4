package main

import (
	"context"
	"errors"
	"path/filepath"
	"strings"

	"github.com/ncruces/zenity"

	"egovdesk/ui"
)

// nativeFiles shows the desktop's own file dialogs through zenity: the
// Windows common dialog, and on UOS/Kylin/Debian the GTK chooser of the
// zenity (or qarma, matedialog) program. Where neither exists it fails and
// the UI falls back to Fyne's dialog.
type nativeFiles struct{}

var _ ui.Files = nativeFiles{}

// newFiles returns the native dialogs, or nil when the desktop has none.
func newFiles() ui.Files {
	if !zenity.IsAvailable() {
		return nil
	}
	return nativeFiles{}
}

// Open implements ui.Files.
func (nativeFiles) Open(ctx context.Context, title string, f ui.FileFilter) (string, error) {
	path, err := zenity.SelectFile(zenity.Context(ctx), zenity.Title(title), filters(f))
	return chosen(path, err)
}

// Save implements ui.Files.
func (nativeFiles) Save(ctx context.Context, title, name string, f ui.FileFilter) (string, error) {
	path, err := zenity.SelectFileSave(zenity.Context(ctx), zenity.Title(title), zenity.Filename(name),
		zenity.ConfirmOverwrite(), filters(f))
	if err == nil && path != "" && len(f.Exts) > 0 && filepath.Ext(path) == "" {
		path += f.Exts[0] // the GTK chooser does not add the extension
	}
	return chosen(path, err)
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
