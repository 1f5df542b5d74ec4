package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"egovdesk/app"
	"egovdesk/app/apptest"
)

// A restore under way shows calmly in the connection bar, with how many
// filings are back; a conflict another machine caused is red, since the
// clerk must reconcile.
func TestConnBarShowsRestoreAndConflict(t *testing.T) {
	b := newConnBar(newScreens(t, "huoqiu", nil).u)
	b.update(SyncStatus{Connected: true, Online: true, Restore: &RestoreProgress{Restored: 400, Total: 10000}}, app.Counts{})
	if b.last.Text != "正在从县数管局恢复：已恢复 400 / 10000 份" || !b.progressBox.Visible() || b.progress.Value != 0.04 {
		t.Errorf("restore under way: %q, progress %v %v", b.last.Text, b.progressBox.Visible(), b.progress.Value)
	}
	if b.reason.Text != "" {
		t.Errorf("a restore is not a problem: %q", b.reason.Text)
	}
	b.update(SyncStatus{Connected: true, Online: true}, app.Counts{})
	if b.progressBox.Visible() || strings.Contains(b.last.Text, "恢复") {
		t.Errorf("restore still shown once it is over: %q", b.last.Text)
	}
	b.update(SyncStatus{Connected: true, Online: true, NeedsAction: true, Conflict: "《城关镇智慧社区平台》已在另一台电脑上提交了第 2 版"}, app.Counts{})
	if b.reason.Importance != widget.DangerImportance || !strings.Contains(b.reason.Text, "另一台电脑") ||
		!strings.Contains(b.reason.Text, "新版本草稿") {
		t.Errorf("conflict: %q (%v)", b.reason.Text, b.reason.Importance)
	}
}

// fetchingLink is an offline link that can open attachments.
type fetchingLink struct {
	offlineLink
	got chan app.Attachment
}

func (l fetchingLink) FetchAttachment(_ context.Context, _ string, a app.Attachment) (string, error) {
	l.got <- a
	return "/nonexistent/" + a.SHA256, nil
}

// The 打开 button of an attachment asks the link for the file (which
// downloads it from the bureau when this machine lacks it) and shows it.
func TestOpenAttachmentFetchesIt(t *testing.T) {
	test.NewTempApp(t)
	opened := make(chan string, 1)
	old := openInViewer
	openInViewer = func(path string) error { opened <- path; return nil }
	t.Cleanup(func() { openInViewer = old })
	l := fetchingLink{got: make(chan app.Attachment, 1)}
	u := &UI{now: time.Now, link: l, ctx: context.Background(), do: func(f func()) { f() }}
	a := app.Attachment{Name: "可研报告.pdf", SHA256: strings.Repeat("ab", 32), Size: 10}
	btn := u.openAttachmentButton("filing-1", a)
	if btn == nil {
		t.Fatal("no 打开 button for a link that can fetch attachments")
	}
	test.Tap(btn)
	select {
	case got := <-l.got:
		if got.SHA256 != a.SHA256 {
			t.Errorf("fetched %+v", got)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("打开 did not fetch the attachment")
	}
	select {
	case p := <-opened:
		if p != "/nonexistent/"+a.SHA256 {
			t.Errorf("opened %q", p)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the fetched file was not opened")
	}
	// The button comes back once the file is open. Waited for here: its
	// goroutine set the text after the test had ended, while the next test
	// drew (Fyne's text caches are not locked; found by a crash of the
	// package's tests and go test -race).
	u.wg.Wait()
	if btn.Text != "打开" || btn.Disabled() {
		t.Errorf("after opening, the button reads %q (disabled %v)", btn.Text, btn.Disabled())
	}
	if (&UI{link: offlineLink{}}).openAttachmentButton("x", a) != nil {
		t.Error("a link that cannot fetch attachments gets a 打开 button")
	}
}

// A draft revision kept after another computer of the unit submitted the
// filing first is read-only while the bureau reviews the other revision,
// and says so, rather than claiming it was submitted.
func TestReconciledDraftSaysWhatItIs(t *testing.T) {
	x := newScreens(t, "huoqiu", nil)
	f, err := app.NewFiling(app.KindDeclaration, "reconciled", "rev-3", "unit", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	f.Declaration = apptest.Declaration()
	f.Status = app.StatusSubmitted
	f.Revision = app.Revision{ID: "rev-3", Number: 3, BaseID: "rev-2-other-computer"}
	x.store.put(f)
	x.u.OpenFiling(f.ID)
	x.pump()
	text := textOf(x.editor(t).e.banner)
	if !strings.Contains(text, "第 3 版是本机的修改，县数管局没有接收") || !strings.Contains(text, "第 2 版") ||
		strings.Contains(text, "0001") {
		t.Errorf("banner of a reconciled draft: %q", text)
	}
}
