package ui

import (
	"archive/zip"
	"context"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"egovdesk/app"
	"egovdesk/app/apptest"
	"egovdesk/assets"
)

// sentStore says every filing was received by the bureau, with body hash sum.
type sentStore struct {
	*fakeStore
	sent bool
	sum  string
}

func (s *sentStore) Send(context.Context, string) (app.Send, error) {
	if s.sent {
		return app.Send{State: app.SendSent}, nil
	}
	return app.Send{State: app.SendQueued}, nil
}

func (s *sentStore) Revisions(_ context.Context, id string) ([]app.RevisionInfo, error) {
	f := s.filings[id]
	return []app.RevisionInfo{{Revision: f.Revision, BodyHash: s.sum}}, nil
}

// saveTo is a Files whose save dialog answers path.
type saveTo struct{ path string }

func (s saveTo) Open(context.Context, string, string, FileFilter) (string, error) { return "", nil }
func (s saveTo) Folder(context.Context, string, string) (string, error)           { return "", nil }

func (s saveTo) Save(context.Context, string, string, string, FileFilter) (string, error) {
	return s.path, nil
}

// TestPrintFromEditor taps 打印/导出 PDF and 导出 Word in the editor of a
// submitted declaration: the files are written where the save dialog
// said and opened in the viewer; the PDF carries the verification code
// once the bureau has the revision, and the draft watermark before.
func TestPrintFromEditor(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (poppler-utils) is not installed")
	}
	profs, err := app.LoadProfiles(assets.Profiles, "profiles")
	if err != nil {
		t.Fatal(err)
	}
	for _, sent := range []bool{true, false} {
		st := &sentStore{fakeStore: &fakeStore{filings: map[string]*app.Filing{}}, sent: sent, sum: strings.Repeat("9f", 32)}
		f := st.add(t, "")
		f.Declaration = apptest.Declaration()
		f.Declaration.Confirmations = []string{"not_excluded"} // 武汉 第三条第二款
		f.Status, f.Revision.SubmittedAt = app.StatusSubmitted, time.Date(2027, 3, 15, 9, 0, 0, 0, time.UTC)
		dir := t.TempDir()
		files := &saveTo{}
		a := test.NewTempApp(t)
		queue := make(chan func(), 64)
		u := New(a, a.NewWindow("t"), Options{Store: st, Files: files, Do: func(f func()) { queue <- f },
			Link: &profileLink{fakeLink: &fakeLink{decisions: make(chan Decision)}, prof: profs["wuhan"]}})
		opened := make(chan string, 2)
		openInViewer = func(path string) error { opened <- path; return nil }
		u.OpenFiling(f.ID)
		for _, label := range []string{"打印/导出 PDF", "导出 Word"} {
			ext := map[string]string{"打印/导出 PDF": ".pdf", "导出 Word": ".docx"}[label]
			files.path = filepath.Join(dir, "out"+ext)
			b := findButton(u.editor.obj, label)
			if b == nil {
				t.Fatalf("no %s button in the editor", label)
			}
			test.Tap(b)
			deadline := time.After(20 * time.Second)
		wait:
			for {
				select {
				case fn := <-queue:
					fn()
				case p := <-opened:
					if p != files.path {
						t.Errorf("opened %s, want %s", p, files.path)
					}
					break wait
				case <-deadline:
					t.Fatalf("%s: nothing opened", label)
				}
			}
		}
		out, err := exec.Command("pdftotext", "-l", "1", filepath.Join(dir, "out.pdf"), "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		code := (app.PrintCode{RevisionID: f.Revision.ID, Revision: 1, BodySHA256: st.sum}).String()
		if got := strings.Contains(string(out), "核验码 "+code); got != sent {
			t.Errorf("sent=%v: code %s printed: %v\n%s", sent, code, got, out)
		}
		if got := strings.Contains(string(out), "草稿"); got == sent {
			t.Errorf("sent=%v: draft watermark printed: %v", sent, got)
		}
		if data, err := os.ReadFile(filepath.Join(dir, "out.docx")); err != nil || !strings.HasPrefix(string(data), "PK") {
			t.Errorf("Word file not written: %v", err)
		}
		// What was confirmed, in the profile's words, on both copies (they
		// printed nothing of it; the ID would be no better).
		const confirmed = "本项目不属于集中采购的办公设备"
		all, _ := exec.Command("pdftotext", filepath.Join(dir, "out.pdf"), "-").Output()
		if !strings.Contains(strings.Join(strings.Fields(string(all)), ""), confirmed) {
			t.Errorf("the PDF does not say what was confirmed:\n%s", all)
		}
		if !strings.Contains(docxText(t, filepath.Join(dir, "out.docx")), confirmed) {
			t.Errorf("the Word copy does not say what was confirmed")
		}
		// A draft's Word copy says so on every page, as its PDF does (it
		// looked formal; found in a walkthrough).
		foot, head := docxText(t, filepath.Join(dir, "out.docx"), "word/footer1.xml"), docxText(t, filepath.Join(dir, "out.docx"), "word/header1.xml")
		if got := strings.Contains(foot, "本件未经武汉市政务服务和大数据管理局接收") && strings.Contains(head, "草稿"); got == sent {
			t.Errorf("sent=%v: the Word copy marked as a draft: %v (%q / %q)", sent, got, head, foot)
		}
		u.Stop()
	}
}

// docxText is the text of a Word document's body (or of its part, as
// "word/footer1.xml"), its runs joined.
func docxText(t *testing.T, path string, part ...string) string {
	t.Helper()
	z, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	name := "word/document.xml"
	if len(part) > 0 {
		name = part[0]
	}
	r, err := z.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var b strings.Builder
	for dec := xml.NewDecoder(r); ; {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		if c, ok := tok.(xml.CharData); ok {
			b.Write(c)
		}
	}
	return b.String()
}
