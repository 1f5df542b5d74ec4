package ui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"
)

// FileFilter names the kinds of file a dialog offers: "PDF 或扫描件" with
// its extensions (".pdf", ".ofd", …).
type FileFilter struct {
	Name string
	Exts []string
}

// The filters of the client's dialogs.
var (
	// Materials are what a bureau accepts as attachments: scans and
	// documents, OFD (the national fixed-layout format) among them.
	filterMaterials = FileFilter{Name: "材料文件（PDF、OFD、图片、Word、Excel）",
		Exts: []string{".pdf", ".ofd", ".jpg", ".jpeg", ".png", ".doc", ".docx", ".wps", ".xls", ".xlsx", ".et", ".zip"}}
	filterWorkbook = FileFilter{Name: "Excel 工作簿（.xlsx）", Exts: []string{".xlsx"}}
	filterBackup   = FileFilter{Name: "egovdesk 备份文件（.egovbak）", Exts: []string{".egovbak"}}
)

// accepts reports whether path has one of f's extensions.
func (f FileFilter) accepts(path string) bool {
	ext := strings.ToLower(filepath.Ext(path))
	for _, e := range f.Exts {
		if ext == e {
			return true
		}
	}
	return len(f.Exts) == 0
}

// Files shows the desktop's own file dialogs (the Windows or UOS/Kylin file
// chooser a clerk knows). cmd/egovdesk implements it; without it, or when
// it fails, the UI uses Fyne's dialog. Its methods block until the clerk
// has chosen or ctx is done (the dialog then closes), and are called off the
// Fyne thread.
type Files interface {
	// Open returns the path of an existing file the clerk chose, "" when
	// the dialog was cancelled. It opens in dir, when not "". An error
	// means no native dialog could be shown.
	Open(ctx context.Context, title, dir string, filter FileFilter) (string, error)
	// Save returns the path the clerk chose to write name to, "" when
	// cancelled. It opens in dir, when not "". An error means no native
	// dialog could be shown.
	Save(ctx context.Context, title, dir, name string, filter FileFilter) (string, error)
	// Folder returns the path of a folder the clerk chose, "" when
	// cancelled. It opens in dir, when not "". An error means no native
	// dialog could be shown.
	Folder(ctx context.Context, title, dir string) (string, error)
}

// Each dialog opens where the clerk last chose a file of its kind, to read
// or to write (or a folder): a clerk attaching five scans from one folder
// went to it from the home folder five times (a 霍邱 walkthrough). The
// folder is kept in the preferences, one for each dialog and filter.

// folderKey is the preference that keeps the last folder of op ("open",
// "save", "folder") on files of filter's kind.
func folderKey(op string, filter FileFilter) string {
	key := "files.folder." + op
	if len(filter.Exts) > 0 {
		key += "." + strings.TrimPrefix(filter.Exts[0], ".")
	}
	return key
}

// lastFolder is the folder op last chose on filter's kind, "" when none
// was. It may be gone since: the dialogs fall back by themselves (zenity,
// startIn), and it is not looked at here, on the Fyne thread, where a
// network drive gone away could hold the window for seconds.
func (u *UI) lastFolder(op string, filter FileFilter) string {
	if u.app == nil {
		return ""
	}
	return u.app.Preferences().String(folderKey(op, filter))
}

// remember keeps dir as the folder op chose last on filter's kind.
func (u *UI) remember(op string, filter FileFilter, dir string) {
	if u.app != nil && dir != "" {
		u.app.Preferences().SetString(folderKey(op, filter), dir)
	}
}

// openFile asks the clerk for a file to read and calls then with its path
// on the Fyne thread; a file of another type is refused with a message.
// Nothing is called when the clerk cancels.
func (u *UI) openFile(title string, filter FileFilter, then func(path string)) {
	accept := func(path string) {
		u.remember("open", filter, filepath.Dir(path))
		if !filter.accepts(path) {
			showMessage(T("文件类型不对"), fmt.Sprintf(T("“%s”不是可选的文件类型。请选择%s。"),
				filepath.Base(path), T(filter.Name)), u.win)
			return
		}
		then(path)
	}
	if u.files == nil {
		u.fyneOpen(title, filter, accept)
		return
	}
	dir := u.lastFolder("open", filter)
	u.goWait(func(ctx context.Context) {
		path, err := u.files.Open(ctx, T(title), dir, filter)
		u.do(func() {
			switch {
			case err != nil:
				fyne.LogError("native file dialog", err)
				u.fyneOpen(title, filter, accept)
			case path != "":
				accept(path)
			}
		})
	})
}

// saveFile asks the clerk where to write name and calls then with the path
// on the Fyne thread. Nothing is called when the clerk cancels.
func (u *UI) saveFile(title, name string, filter FileFilter, then func(path string)) {
	chosen := then
	then = func(path string) {
		u.remember("save", filter, filepath.Dir(path))
		chosen(path)
	}
	if u.files == nil {
		u.fyneSave(title, name, filter, then)
		return
	}
	dir := u.lastFolder("save", filter)
	u.goWait(func(ctx context.Context) {
		path, err := u.files.Save(ctx, T(title), dir, name, filter)
		u.do(func() {
			switch {
			case err != nil:
				fyne.LogError("native file dialog", err)
				u.fyneSave(title, name, filter, then)
			case path != "":
				then(path)
			}
		})
	})
}

// dialogSize is how large Fyne's file dialog opens: most of the window, so
// that a folder shows more than a few rows.
func (u *UI) dialogSize() fyne.Size {
	s := u.win.Canvas().Size()
	return fyne.NewSize(max(600, s.Width*0.85), max(420, s.Height*0.85))
}

// fyneOpen is openFile with Fyne's dialog, opened large, in the user's
// documents folder, offering only the filter's files.
func (u *UI) fyneOpen(title string, filter FileFilter, then func(path string)) {
	d := dialog.NewFileOpen(func(rc fyne.URIReadCloser, err error) {
		if err != nil || rc == nil {
			return
		}
		path := rc.URI().Path()
		rc.Close()
		then(path)
	}, u.win)
	d.SetTitleText(T(title))
	d.SetFilter(storage.NewExtensionFileFilter(filter.Exts))
	startIn(d, u.lastFolder("open", filter))
	u.showFileDialog(d)
}

// fyneSave is saveFile with Fyne's dialog.
func (u *UI) fyneSave(title, name string, filter FileFilter, then func(path string)) {
	d := dialog.NewFileSave(func(wc fyne.URIWriteCloser, err error) {
		if err != nil || wc == nil {
			return
		}
		path := wc.URI().Path()
		wc.Close()
		then(path)
	}, u.win)
	d.SetTitleText(T(title))
	d.SetFileName(name)
	d.SetFilter(storage.NewExtensionFileFilter(filter.Exts))
	startIn(d, u.lastFolder("save", filter))
	u.showFileDialog(d)
}

// showFileDialog shows d on the next turn of the event loop, not at once: a
// button pressed with Space opens it while the Space key's character is
// still on its way, and the dialog's file-name field, focused on show, took
// it (" 城关镇…-第1版.docx", found by the keyboard walkthrough).
// (fyne.Do, not u.do: called on the Fyne thread, it queues behind the
// events being handled; and it works for a UI built without Options.)
func (u *UI) showFileDialog(d *dialog.FileDialog) {
	fyne.Do(func() {
		d.Show()
		d.Resize(u.dialogSize()) // only once shown: before, it has no window to size
		translatePlaces(u.win.Canvas())
	})
}

// translatePlaces names the places of the file dialog shown on c (Home,
// Computer, Documents…) in the window's language: Fyne's dialog shows them
// in English only ("Home" and "Computer" beside 打开 and 取消, found in the
// real window). Its list of places, the left side of its split, gets an
// UpdateItem that translates each label after Fyne's; a dialog laid out
// otherwise by a later Fyne is left as it is.
func translatePlaces(c fyne.Canvas) {
	pop := modalPopUp(c.Overlays().Top())
	if pop == nil {
		return
	}
	var find func(o fyne.CanvasObject) *widget.List
	find = func(o fyne.CanvasObject) *widget.List {
		switch v := o.(type) {
		case *fyne.Container:
			for _, o := range v.Objects {
				if l := find(o); l != nil {
					return l
				}
			}
		case *container.Split:
			if l, ok := v.Leading.(*widget.List); ok {
				return l
			}
		}
		return nil
	}
	places := find(pop.Content)
	if places == nil || places.UpdateItem == nil {
		return
	}
	update := places.UpdateItem
	places.UpdateItem = func(id widget.ListItemID, item fyne.CanvasObject) {
		update(id, item)
		box, ok := item.(*fyne.Container)
		if !ok {
			return
		}
		for _, o := range box.Objects {
			if l, ok := o.(*widget.Label); ok {
				if t := T(l.Text); t != l.Text {
					l.SetText(t)
				}
			}
		}
	}
	places.Refresh()
}

// startIn opens d in folder last, when not "", or else in the user's
// documents folder when there is one.
func startIn(d *dialog.FileDialog, last string) {
	var dirs []string
	if last != "" {
		dirs = append(dirs, last)
	}
	if home, err := os.UserHomeDir(); err == nil {
		for _, dir := range []string{"Documents", "文档", "Desktop", "桌面", ""} {
			dirs = append(dirs, filepath.Join(home, dir))
		}
	}
	for _, p := range dirs {
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			if l, err := storage.ListerForURI(storage.NewFileURI(p)); err == nil {
				d.SetLocation(l)
				return
			}
		}
	}
}

// chooseFolder asks the clerk for a folder and calls then with its path on
// the Fyne thread. Nothing is called when the clerk cancels.
func (u *UI) chooseFolder(title string, then func(path string)) {
	chosen := then
	then = func(path string) {
		u.remember("folder", FileFilter{}, path)
		chosen(path)
	}
	if u.files == nil {
		u.fyneFolder(title, then)
		return
	}
	dir := u.lastFolder("folder", FileFilter{})
	u.goWait(func(ctx context.Context) {
		path, err := u.files.Folder(ctx, T(title), dir)
		u.do(func() {
			switch {
			case err != nil:
				fyne.LogError("native folder dialog", err)
				u.fyneFolder(title, then)
			case path != "":
				then(path)
			}
		})
	})
}

// fyneFolder is chooseFolder with Fyne's dialog, opened large.
func (u *UI) fyneFolder(title string, then func(path string)) {
	d := dialog.NewFolderOpen(func(l fyne.ListableURI, err error) {
		if err != nil || l == nil {
			return
		}
		then(l.Path())
	}, u.win)
	d.SetTitleText(T(title))
	startIn(d, u.lastFolder("folder", FileFilter{}))
	d.Resize(u.dialogSize())
	d.Show()
}
