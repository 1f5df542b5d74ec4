package docx

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"egovdesk/app"
	"egovdesk/app/apptest"
	"egovdesk/app/paper"
)

func body() app.Body {
	d := apptest.Declaration()
	d.SupervisingDept = "霍邱县数据资源管理局"
	d.Goals = "建成覆盖全镇 12 个社区的网格化管理平台，事件处置时限缩短 30%。\n第二段：与县级平台对接。"
	return app.Body{ID: "f1", Kind: app.KindDeclaration, Revision: 1, RevisionID: "r1", Declaration: d}
}

var opts = paper.Options{Date: time.Date(2027, 3, 15, 0, 0, 0, 0, time.UTC)}

// TestDocumentParts checks the package itself: well-formed XML parts, A4,
// the East Asian fonts 宋体 and 黑体, heading styles and tables.
func TestDocumentParts(t *testing.T) {
	data, err := Render(body(), opts)
	if err != nil {
		t.Fatal(err)
	}
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	parts := map[string]string{}
	for _, f := range z.File {
		r, _ := f.Open()
		b, _ := io.ReadAll(r)
		parts[f.Name] = string(b)
		if strings.HasSuffix(f.Name, ".xml") || strings.HasSuffix(f.Name, ".rels") {
			dec := newDecoder(b)
			for {
				if _, err := dec.Token(); err == io.EOF {
					break
				} else if err != nil {
					t.Fatalf("%s is not well-formed: %v", f.Name, err)
				}
			}
		}
	}
	doc, sty := parts["word/document.xml"], parts["word/styles.xml"]
	for _, want := range []string{`<w:pgSz w:w="11906" w:h="16838"/>`, `<w:pStyle w:val="Heading1"/>`, "<w:tbl>", "壹佰捌拾万元整"} {
		if !strings.Contains(doc, want) {
			t.Errorf("document.xml lacks %s", want)
		}
	}
	for _, want := range []string{`w:eastAsia="宋体"`, `w:eastAsia="黑体"`, `w:styleId="Heading2"`} {
		if !strings.Contains(sty, want) {
			t.Errorf("styles.xml lacks %s", want)
		}
	}
}

// TestLibreOfficeReadsIt converts the document with LibreOffice headless
// and checks the text of the PDF it makes, in the order of the layout.
// `make docx-check` runs only this test.
func TestLibreOfficeReadsIt(t *testing.T) {
	for _, tool := range []string{"soffice", "pdftotext"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed (libreoffice-writer-nogui, poppler-utils)", tool)
		}
	}
	draft := opts
	draft.Draft = true // its note in the footer, its mark in the header
	draft.Bureau = "县政务和数据局"
	data, err := Render(body(), draft)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "declaration.docx")
	if err := os.WriteFile(in, data, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("soffice", "-env:UserInstallation=file://"+filepath.Join(dir, "profile"), "--headless",
		"--convert-to", "pdf", "--outdir", dir, in)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	out, err := exec.Command("pdftotext", "-raw", filepath.Join(dir, "declaration.pdf"), "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	text := strings.Join(strings.Fields(string(out)), "")
	doc, _ := paper.Build(body(), opts)
	at := 0
	for _, want := range doc.Text() {
		w := strings.Join(strings.Fields(want), "")
		i := strings.Index(text[at:], w)
		if i < 0 {
			t.Fatalf("%q not found in order after %d; there: %.200s", want, at, text[at:])
		}
		at += i + len(w)
	}
	info, _ := exec.Command("pdfinfo", filepath.Join(dir, "declaration.pdf")).Output()
	if !strings.Contains(string(info), "(A4)") {
		t.Errorf("LibreOffice did not lay it out on A4:\n%s", info)
	}
	// The header and the page numbers, filled in by LibreOffice, on the last page.
	pages := strings.Split(string(out), "\f")
	last := strings.Join(strings.Fields(pages[len(pages)-2]), "")
	n := strings.Count(string(out), "\f")
	if want := fmt.Sprintf("第%d页共%d页", n, n); !strings.Contains(last, want) || !strings.Contains(last, squeeze(doc.Project)) {
		t.Errorf("last page (%d) lacks %s or the header %s: %.300s", n, want, doc.Project, last)
	}
	if !strings.Contains(last, "本件未经县政务和数据局接收") || !strings.Contains(last, squeeze(paper.DraftMark+" · ")) {
		t.Errorf("a draft's last page lacks its note or mark: %.300s", last)
	}
}

func squeeze(s string) string { return strings.Join(strings.Fields(s), "") }
