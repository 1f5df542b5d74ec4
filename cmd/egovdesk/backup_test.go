package main

import (
	"archive/zip"
	"context"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"github.com/google/uuid"

	"egovdesk/app"
	"egovdesk/app/apptest"
	"egovdesk/app/atrest"
	"egovdesk/ui"
)

// savedTo answers the save dialog with one path.
type savedTo struct{ path string }

func (s savedTo) Open(context.Context, string, string, ui.FileFilter) (string, error) { return "", nil }
func (s savedTo) Folder(context.Context, string, string) (string, error)              { return "", nil }

func (s savedTo) Save(context.Context, string, string, string, ui.FileFilter) (string, error) {
	return s.path, nil
}

// menuAction returns the action of the main menu's item labelled label.
func menuAction(tb testing.TB, w fyne.Window, label string) func() {
	tb.Helper()
	for _, m := range w.MainMenu().Items {
		for _, it := range m.Items {
			if it.Label == label {
				return it.Action
			}
		}
	}
	tb.Fatalf("no menu item %q", label)
	return nil
}

// TestBackupToAnotherComputer: 文件 → 备份到文件… writes one file; restored
// into an empty data directory (egovdesk --restore), a new computer shows
// every filing with its attachments and works under the same profile.
func TestBackupToAnotherComputer(t *testing.T) {
	ctx := context.Background()
	backup := filepath.Join(t.TempDir(), "城关镇备份.egovbak")
	dirA := t.TempDir()
	d, w := mustDeskWith(t, dirA, func(o *deskOptions) { o.files = savedTo{backup} })
	MustOffline(t, d, "yunan")
	var ids []string
	for i := range 3 {
		f, err := app.NewFiling(app.KindDeclaration, uuid.NewString(), uuid.NewString(), "", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		f.Declaration = apptest.ShortDeclaration(i)
		f.Attachments = []app.Attachment{importPDF(t, d, "申请报告.pdf", "application_report")}
		if err := d.store.Save(ctx, f); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, f.ID)
	}
	if _, err := d.store.Submit(ctx, ids[0], "陈晓", time.Now()); err != nil {
		t.Fatal(err)
	}

	menuAction(t, w, ui.T("备份到文件…"))()
	d.eventually(t, "the backup written", func() bool { _, err := os.Stat(backup); return err == nil })
	d.eventually(t, "备份完成 said", func() bool { return strings.Contains(dialogText(w), "备份完成") })

	dirB := filepath.Join(t.TempDir(), "new-computer")
	if err := restoreBackup(backup, dirB, testKeys(t, dirB), ""); err != nil {
		t.Fatal(err)
	}
	b, _ := mustDeskIn(t, dirB)
	b.ui.Start()
	if s := b.link.Session(); !s.Configured || s.ProfileID != "yunan" || s.Actor != "陈晓" {
		t.Errorf("restored session %+v", s)
	}
	for _, id := range ids {
		want, err := d.store.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		got, err := b.store.Get(ctx, id)
		if err != nil {
			t.Fatalf("filing %s not restored: %v", id, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("filing %s restored differently", id)
		}
		for _, a := range got.Attachments {
			if _, err := os.Stat(b.blobs.Path(a.SHA256)); err != nil {
				t.Errorf("attachment %s of %s not restored: %v", a.Name, id, err)
			}
		}
	}
	if n, _ := b.store.PendingCount(ctx); n != 1 {
		t.Errorf("restored outbox holds %d, want the 1 submission waiting", n)
	}
	if _, err := os.Stat(filepath.Join(dirB, tokenFile)); err == nil {
		t.Error("the login token was restored")
	}

	// Never over a computer's own filings.
	if err := restoreBackup(backup, dirA, testKeys(t, dirA), ""); err == nil {
		t.Error("restored over a running client's filings")
	}
	if _, err := d.store.Get(ctx, ids[1]); err != nil {
		t.Errorf("a refused restore lost a filing: %v", err)
	}
}

// TestRestoreRefusesADamagedBackup: an attachment whose bytes no longer
// match its hash fails the restore, which leaves the directory empty.
func TestRestoreRefusesADamagedBackup(t *testing.T) {
	backup := filepath.Join(t.TempDir(), "b.egovbak")
	d, w := mustDeskWith(t, t.TempDir(), func(o *deskOptions) { o.files = savedTo{backup} })
	MustOffline(t, d, "yunan")
	a := importPDF(t, d, "申请报告.pdf", "application_report")
	menuAction(t, w, ui.T("备份到文件…"))()
	d.eventually(t, "the backup written", func() bool { _, err := os.Stat(backup); return err == nil })

	// Rewrite the zip with the attachment's bytes changed.
	damaged := filepath.Join(t.TempDir(), "damaged.egovbak")
	zr, err := zip.OpenReader(backup)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := os.Create(damaged)
	zw := zip.NewWriter(out)
	for _, f := range zr.File {
		w, _ := zw.Create(f.Name)
		if f.Name == "attachments/"+a.SHA256 {
			io.WriteString(w, "not the file")
			continue
		}
		r, _ := f.Open()
		io.Copy(w, r)
		r.Close()
	}
	zw.Close()
	out.Close()
	zr.Close()

	dir := filepath.Join(t.TempDir(), "restored")
	err = restoreBackup(damaged, dir, testKeys(t, dir), "")
	if app.ErrorCode(err) != app.EINVALID || !strings.Contains(app.ErrorMessage(err), "已损坏") {
		t.Fatalf("restore of a damaged backup: %v", err)
	}
	left, _ := os.ReadDir(dir)
	var names []string
	for _, e := range left {
		if sub, _ := os.ReadDir(filepath.Join(dir, e.Name())); e.IsDir() && len(sub) == 0 {
			continue // empty directories are harmless
		}
		if e.Name() == atrest.KeysFile {
			continue // this computer's own key, there before the restore
		}
		names = append(names, e.Name())
	}
	if len(names) != 0 {
		t.Errorf("a failed restore left %v", names)
	}
}

// TestRestoreFromTheMenuChecksFirst: 文件 → 从备份恢复… is offered only
// where nothing is lost — a client with no filings — and only for a real
// backup; the restore then replaces the first run's empty store.
func TestRestoreFromTheMenuChecksFirst(t *testing.T) {
	ctx := context.Background()
	backup := filepath.Join(t.TempDir(), "b.egovbak")
	full, w := mustDeskWith(t, t.TempDir(), func(o *deskOptions) { o.files = savedTo{backup} })
	MustOffline(t, full, "yunan")
	f, err := app.NewFiling(app.KindDeclaration, uuid.NewString(), uuid.NewString(), "", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	f.Declaration = apptest.ShortDeclaration(2)
	if err := full.store.Save(ctx, f); err != nil {
		t.Fatal(err)
	}
	menuAction(t, w, ui.T("备份到文件…"))()
	full.eventually(t, "the backup written", func() bool { _, err := os.Stat(backup); return err == nil })

	if err := checkRestorable(backup, full.store, full.keys, ""); app.ErrorCode(err) != app.EINVALID || !strings.Contains(app.ErrorMessage(err), "已有 1 份材料") {
		t.Errorf("restore over filings: %v", err)
	}
	freshDir := t.TempDir()
	fresh, _ := mustDeskIn(t, freshDir)
	notBackup := filepath.Join(t.TempDir(), "申请报告.pdf")
	os.WriteFile(notBackup, []byte("%PDF-1.4"), 0o600)
	if err := checkRestorable(notBackup, fresh.store, fresh.keys, ""); app.ErrorCode(err) != app.EINVALID {
		t.Errorf("a PDF taken for a backup: %v", err)
	}
	if err := checkRestorable(backup, fresh.store, fresh.keys, ""); err != nil {
		t.Fatalf("a backup refused on a fresh client: %v", err)
	}
	// What main does once the fresh client closed.
	if err := fresh.Close(); err != nil {
		t.Fatal(err)
	}
	if err := restoreBackup(backup, freshDir, testKeys(t, freshDir), ""); err != nil {
		t.Fatalf("restore over the first run's empty store: %v", err)
	}
	again, _ := mustDeskIn(t, freshDir)
	if g, err := again.store.Get(ctx, f.ID); err != nil || g.Title() != f.Title() {
		t.Errorf("after the restore: %v", err)
	}
}
