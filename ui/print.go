package ui

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"egovdesk/app"
	"egovdesk/app/docx"
	"egovdesk/app/paper"
	"egovdesk/app/pdf"
	"egovdesk/assets"
)

var (
	filterPDF  = FileFilter{Name: "PDF 文件（.pdf）", Exts: []string{".pdf"}}
	filterWord = FileFilter{Name: "Word 文档（.docx）", Exts: []string{".docx"}}
)

// printFonts are parsed once per run: the bundled faces and, for rare
// characters of names, a system face when one is installed.
var printFonts = sync.OnceValues(func() (*pdf.Fonts, error) {
	return pdf.NewFonts(assets.FontRegular, assets.FontBold, pdf.SystemFallback())
})

// openInViewer shows a written file in the system's viewer; tests replace it.
var openInViewer = func(path string) error {
	u, err := url.Parse(storage.NewFileURI(path).String())
	if err != nil {
		return err
	}
	return fyne.CurrentApp().OpenURL(u)
}

// printButtons are 打印/导出 PDF and 导出 Word for the filing in the editor.
func (e *editorScreen) printButtons() fyne.CanvasObject {
	pdfB := newButton(&Button{Button: widget.Button{Text: T("打印/导出 PDF"), Icon: theme.DocumentPrintIcon(), OnTapped: func() {
		e.u.saveFile("导出 PDF", fileName(e.prof, e.f)+".pdf", filterPDF, e.exportPDF)
	}}})
	wordB := newButton(&Button{Button: widget.Button{Text: T("导出 Word"), Icon: theme.DocumentSaveIcon(), OnTapped: func() {
		e.u.saveFile("导出 Word", fileName(e.prof, e.f)+".docx", filterWord, e.exportWord)
	}}})
	return container.NewHBox(pdfB, wordB)
}

// fileName is the name a printed filing is offered under.
func fileName(prof *app.Profile, f *app.Filing) string { return prof.PrintName(f) }

// paperOptions are the profile's part of a printed copy, PDF or Word
// alike: the acceptance materials it requires (the Word copy of an
// acceptance application had none) and the words of what was confirmed.
func (e *editorScreen) paperOptions() paper.Options {
	o := paper.Options{ConfirmLabel: e.prof.ConfirmationLabel, KindName: e.prof.KindName(e.f.Kind), AdjustAs: e.prof.AdjustmentAs,
		Bureau: e.prof.BureauShort()}
	if e.prof != nil {
		o.Required = e.prof.AcceptanceMaterials
	}
	return o
}

// printDate is a printed copy's 编制日期: when rev was submitted, today
// for a draft.
func printDate(rev app.Revision) time.Time {
	if rev.Submitted() {
		return rev.SubmittedAt
	}
	return time.Now()
}

// exportPDF prints the filing to path and opens it: with its verification
// code when the bureau has received this revision, watermarked as a draft
// otherwise. Characters no font has are named to the clerk.
func (e *editorScreen) exportPDF(path string) {
	f := e.f
	body := f.Body()
	id, rev := f.ID, f.Revision
	o := e.paperOptions()
	e.saved.SetText(T("正在生成 PDF…"))
	e.u.goWait(func(ctx context.Context) {
		code := e.receivedCode(ctx, id, rev)
		o.Date = printDate(rev)
		var res pdf.Result
		fonts, err := printFonts()
		if err == nil {
			res, err = pdf.Render(body, fonts, pdf.Options{Options: o, Code: code})
		}
		if err == nil {
			err = os.WriteFile(path, res.PDF, 0o644)
		}
		e.u.do(func() { e.exported(path, err, res.Missing) })
	})
}

// exportWord writes the filing as a .docx document to path and opens it.
func (e *editorScreen) exportWord(path string) {
	body, rev := e.f.Body(), e.f.Revision
	o := e.paperOptions()
	id := e.f.ID
	e.u.goWait(func(ctx context.Context) {
		o.Date = printDate(rev)
		o.Draft = e.receivedCode(ctx, id, rev) == nil
		data, err := docx.Render(body, o)
		if err == nil {
			err = os.WriteFile(path, data, 0o644)
		}
		e.u.do(func() { e.exported(path, err, nil) })
	})
}

// receivedCode returns the verification code of revision rev when the
// bureau has received it, nil otherwise (a draft, or still on its way).
func (e *editorScreen) receivedCode(ctx context.Context, id string, rev app.Revision) *app.PrintCode {
	if !rev.Submitted() {
		return nil
	}
	send, err := e.u.store.Send(ctx, id)
	if err != nil || send.State != app.SendSent {
		return nil
	}
	revs, err := e.u.store.Revisions(ctx, id)
	if err != nil {
		return nil
	}
	for _, r := range revs {
		if r.Revision.ID == rev.ID {
			return &app.PrintCode{RevisionID: rev.ID, Revision: rev.Number, BodySHA256: r.BodyHash}
		}
	}
	return nil
}

func (e *editorScreen) exported(path string, err error, missing []rune) {
	if err != nil {
		e.saved.SetText("")
		showMessage(T("出错了"), fmt.Sprintf(T("无法导出到 %s：%v。请换一个文件夹再试。"), path, err), e.u.win)
		return
	}
	e.saved.SetText(T("已导出 ") + filepath.Base(path))
	if len(missing) > 0 {
		showMessage(T("有字无法打印"), fmt.Sprintf(T("以下字符在本机字体中没有，打印件上显示为空框：%s。请在纸质件上手写补齐，或安装含这些字的字体后重新导出。"),
			string(missing)), e.u.win)
	}
	if err := openInViewer(path); err != nil {
		fyne.LogError("open exported file", err)
	}
}
