//go:build ci

package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"egovdesk/app"
	"egovdesk/ui"
)

// pickedFiles is the desktop's file dialog at the seam: it answers with the
// next path, or fails as a desktop without a dialog program does.
type pickedFiles struct {
	paths  []string
	err    error
	filter ui.FileFilter
}

func (p *pickedFiles) Open(_ context.Context, _ string, f ui.FileFilter) (string, error) {
	p.filter = f
	if p.err != nil || len(p.paths) == 0 {
		return "", p.err
	}
	path := p.paths[0]
	p.paths = p.paths[1:]
	return path, nil
}

func (p *pickedFiles) Save(context.Context, string, string, ui.FileFilter) (string, error) {
	return "", p.err
}

// tapButton taps the button labelled text inside o.
func tapButton(tb testing.TB, o fyne.CanvasObject, text string) {
	tb.Helper()
	var found *widget.Button
	walkAll(o, func(c fyne.CanvasObject) {
		if b, ok := c.(*widget.Button); ok && b.Text == text && found == nil {
			found = b
		}
	})
	if found == nil {
		tb.Fatalf("no button %q", text)
	}
	test.Tap(found)
}

// 添加附件… asks the desktop's own dialog for materials only, refuses a file
// of another type (a log picked by a slip of the mouse) with a message, and
// attaches nothing before the clerk has seen the file and what it counts as.
func TestAttachmentIsShownBeforeItIsAttached(t *testing.T) {
	dir := t.TempDir()
	logFile := filepath.Join(dir, "sync.log")
	scan := filepath.Join(dir, "申请报告扫描件.PDF")
	for _, p := range []string{logFile, scan} {
		if err := os.WriteFile(p, []byte("%PDF-1.4 x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	files := &pickedFiles{paths: []string{logFile, scan, scan}}
	d, w := mustDeskWith(t, t.TempDir(), func(o *deskOptions) { o.files = files })
	MustOffline(t, d, "huoqiu")
	d.ui.NewDeclaration()
	h := d.ui.Editor()
	add := h.Target("attachments")

	tapButton(t, add, "添加附件…")
	d.eventually(t, "the type refusal", func() bool { return strings.Contains(dialogText(w), "不是可选的文件类型") })
	if !strings.Contains(strings.Join(files.filter.Exts, " "), ".pdf") || !strings.Contains(strings.Join(files.filter.Exts, " "), ".ofd") {
		t.Errorf("the dialog offered %v, want PDF and OFD among them", files.filter.Exts)
	}
	tapDialogButton(t, w, "OK", "确定")

	tapButton(t, add, "添加附件…")
	d.eventually(t, "the question", func() bool { return strings.Contains(dialogText(w), "申请报告扫描件.PDF") })
	if txt := dialogText(w); !strings.Contains(txt, "作为") || !strings.Contains(txt, dir) {
		t.Errorf("the question does not say where the file is and what it counts as:\n%s", txt)
	}
	tapDialogButton(t, w, "取消", "Cancel")
	d.pump()
	if n := len(attachments(t, d, h)); n != 0 {
		t.Fatalf("%d attachments after 取消", n)
	}

	tapButton(t, add, "添加附件…")
	d.eventually(t, "the question again", func() bool { return strings.Contains(dialogText(w), "申请报告扫描件.PDF") })
	tapDialogButton(t, w, "附加")
	d.eventually(t, "the attachment", func() bool { return len(attachments(t, d, h)) == 1 })
	if a := attachments(t, d, h)[0]; a.Name != "申请报告扫描件.PDF" || a.Material == "" {
		t.Fatalf("attached %+v, want the scan as a material", a)
	}
}

// attachments returns the attachments of the open filing as stored.
func attachments(tb testing.TB, d *harness, h *ui.EditorHandle) []app.Attachment {
	tb.Helper()
	if err := h.Flush(); err != nil {
		tb.Fatal(err)
	}
	f, err := d.store.Get(context.Background(), h.ID())
	if err != nil {
		tb.Fatal(err)
	}
	return f.Attachments
}

// Without a desktop dialog program the client falls back to Fyne's own file
// dialog, opened large over most of the window.
func TestFileDialogFallsBackToFyne(t *testing.T) {
	files := &pickedFiles{err: os.ErrNotExist}
	d, w := mustDeskWith(t, t.TempDir(), func(o *deskOptions) { o.files = files })
	MustOffline(t, d, "huoqiu")
	d.ui.NewDeclaration()
	tapButton(t, d.ui.Editor().Target("attachments"), "添加附件…")
	d.eventually(t, "Fyne's file dialog", func() bool { return w.Canvas().Overlays().Top() != nil })
	top := w.Canvas().Overlays().Top()
	if got, win := top.Size(), w.Canvas().Size(); got.Width < win.Width*0.8 || got.Height < win.Height*0.8 {
		t.Fatalf("Fyne's file dialog is %v in a window of %v, want most of it", got, win)
	}
}
