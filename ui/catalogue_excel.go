package ui

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"egovdesk/app"
)

// catalogueExcel imports a catalogue from, and exports it to, an Excel
// workbook in the 2017 guide's layout. An import replaces the entries and
// the three lists only when every cell is right; otherwise it lists every
// bad cell and changes nothing.
type catalogueExcel struct {
	ce *catalogueEditor
}

// buttons returns 导入Excel and 导出Excel, or nothing when the client has no
// Excel support.
func (x *catalogueExcel) buttons() fyne.CanvasObject {
	if x.ce.e.u.excel == nil {
		return container.NewVBox()
	}
	imp := x.ce.e.addButton("导入Excel…", x.onImport)
	imp.Icon = theme.DownloadIcon()
	exp := newButton(&Button{Button: widget.Button{Text: T("导出Excel…"), Icon: theme.UploadIcon(), OnTapped: x.onExport}})
	return container.NewVBox(widget.NewSeparator(), heading(T("Excel")),
		note(T("按《政务信息资源目录编制指南（试行）》模板导入或导出。导入会替换现有的资源和三清单；有读不出的单元格时一处也不改，并列出每一格；内容尚未填完的照样导入，并列出要修改之处。")),
		container.NewHBox(imp, exp))
}

func (x *catalogueExcel) onImport() {
	u := x.ce.e.u
	u.openFile("选择要导入的 Excel 目录", filterWorkbook, func(path string) {
		u.goWait(func(context.Context) { // a workbook on a network share can take a while
			data, err := os.ReadFile(path)
			u.do(func() {
				if err != nil {
					u.showError(app.Errorf(app.EINVALID, "读取文件失败，请确认文件没有被其他程序占用"))
					return
				}
				x.importData(data)
			})
		})
	})
}

// importData reads a workbook off the Fyne thread and applies it.
func (x *catalogueExcel) importData(data []byte) {
	e := x.ce.e
	e.saved.SetText(T("正在读取 Excel…"))
	e.u.goWait(func(context.Context) {
		c, err := e.u.excel.Import(bytes.NewReader(data))
		e.u.do(func() {
			if e.u.editor != e {
				return
			}
			e.saved.SetText("")
			if c == nil {
				x.showImportErrors(err, false)
				return
			}
			x.confirmReplace(c, err)
		})
	})
}

// confirmReplace applies c once the clerk agrees to lose what the catalogue
// holds: a wrong file picked wiped every resource and all three lists with
// no way back. An empty catalogue takes it at once. problems are what the
// workbook's content still needs (nil when nothing), listed once it is in.
func (x *catalogueExcel) confirmReplace(c *app.Catalogue, problems error) {
	cur := x.ce.e.f.Catalogue
	if len(cur.Entries)+len(cur.Demands)+len(cur.Duties)+len(cur.Negatives) == 0 {
		x.apply(c, problems)
		return
	}
	msg := Tf("导入会用文件中的 %d 条资源和三清单（需求 %d 行、责任 %d 行、负面 %d 行）替换本目录现有的 %d 条资源和三清单（需求 %d 行、责任 %d 行、负面 %d 行），替换后不能撤销。如需保留现有内容，请先取消，点“导出Excel…”另存一份。",
		len(c.Entries), len(c.Demands), len(c.Duties), len(c.Negatives),
		len(cur.Entries), len(cur.Demands), len(cur.Duties), len(cur.Negatives))
	d := newConfirm(T("用 Excel 替换目录？"), msg, func(ok bool) {
		if ok && x.ce.e.u.editor == x.ce.e {
			x.apply(c, problems)
		}
	}, x.ce.e.u.win)
	d.SetConfirmText(T("替换"))
	d.SetDismissText(T("取消"))
	d.Show()
}

// apply replaces the entries and the three lists with those imported, and
// the header fields the workbook has, then reopens the editor on them.
func (x *catalogueExcel) apply(c *app.Catalogue, problems error) {
	e := x.ce.e
	cur := e.f.Catalogue
	for _, s := range []struct {
		dst *string
		src string
	}{
		{&cur.Title, c.Title}, {&cur.ProjectName, c.ProjectName}, {&cur.ProviderName, c.ProviderName}, {&cur.ProviderCode, c.ProviderCode}} {
		if strings.TrimSpace(s.src) != "" {
			*s.dst = s.src
		}
	}
	cur.Entries, cur.Demands, cur.Duties, cur.Negatives = c.Entries, c.Demands, c.Duties, c.Negatives
	e.edited()
	f := e.f
	e.u.openEditor(f, false)
	if ne := e.u.editor; ne != nil {
		ne.saved.SetText(fmt.Sprintf(T("已导入 %d 条资源"), len(c.Entries)))
		ne.secList.Select(1)
		if ce, ok := ne.kind.(*catalogueEditor); ok && problems != nil {
			ce.excel.showImportErrors(problems, true)
		}
	}
}

// showImportErrors lists every bad cell of a refused workbook, or, when
// imported, what its cells still need.
func (x *catalogueExcel) showImportErrors(err error, imported bool) {
	e := x.ce.e
	list := container.NewVBox()
	fields := app.FieldErrors(err)
	for _, fe := range fields {
		text := fieldText(fe)
		if fe.Field != "" {
			text = fmt.Sprintf(T("【%s】%s"), fe.Field, fieldText(fe))
		}
		list.Add(&paragraph{Text: text, Importance: widget.DangerImportance})
	}
	if len(fields) == 0 {
		list.Add(&paragraph{Text: errorText(err), Importance: widget.DangerImportance})
	}
	scroll := container.NewVScroll(list)
	scroll.SetMinSize(fyne.NewSize(680, 400))
	intro := note(T("没有导入任何内容，目录保持不变。请在 Excel 中改正以下单元格（工作表、行、列）后重新导入。"))
	title := fmt.Sprintf(T("Excel 中有 %d 处错误"), max(len(fields), 1))
	if imported {
		intro = note(T("已导入。以下内容需要修改后才能提交：可以在编辑器中直接修改（右侧列出每一处），也可以在 Excel 中改正这些单元格后重新导入。"))
		title = fmt.Sprintf(T("已导入，另有 %d 处需要修改"), max(len(fields), 1))
	}
	newCloseDialog(title, T("关闭"), container.NewBorder(intro, nil, nil, nil, scroll), e.u.win).Show()
}

func (x *catalogueExcel) onExport() {
	e := x.ce.e
	name := strings.TrimSpace(e.f.Catalogue.Title)
	if name == "" {
		name = T("政务数据共享资源目录")
	}
	e.u.saveFile("导出 Excel 目录", name+".xlsx", filterWorkbook, func(path string) {
		c, err := copyFiling(e.f) // the goroutine must not share the editor's copy
		if err != nil {
			e.u.showError(err)
			return
		}
		e.saved.SetText(T("正在导出 Excel…"))
		e.u.goWait(func(context.Context) {
			err := writeWith(path, func(w io.Writer) error { return e.u.excel.Export(w, c.Catalogue) })
			e.u.do(func() {
				if err != nil {
					e.saved.SetText("")
					e.u.showError(err)
					return
				}
				e.saved.SetText(T("已导出 ") + filepath.Base(path))
			})
		})
	})
}

// writeWith creates the file at path and writes it with write; a failed
// write leaves no half-written file behind.
func writeWith(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return app.Errorf(app.EINVALID, "无法写入“%s”：请确认文件没有在 WPS 或 Excel 中打开，且该文件夹可以写入", filepath.Base(path))
	}
	err = write(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
	}
	return err
}
