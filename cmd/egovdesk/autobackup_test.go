package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"egovdesk/app"
	"egovdesk/app/apptest"
)

// TestAutomaticBackups: turned on, a backup is written at once into the
// chosen folder and again once a day; the newest seven automatic backups
// stay (the clerk's own files are never touched); a folder that went away
// is reported, not fatal, and the setting outlives a restart.
func TestAutomaticBackups(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	now := time.Date(2027, 3, 1, 9, 0, 0, 0, time.Local)
	clock := func() time.Time { return now }
	d, _ := mustDeskWith(t, dir, func(o *deskOptions) { o.now = clock })
	MustOffline(t, d, "yunan")
	f, err := app.NewFiling(app.KindDeclaration, uuid.NewString(), uuid.NewString(), "", now)
	if err != nil {
		t.Fatal(err)
	}
	f.Declaration = apptest.ShortDeclaration(1)
	if err := d.store.Save(ctx, f); err != nil {
		t.Fatal(err)
	}

	folder := t.TempDir()
	own := filepath.Join(folder, "我自己的备份.egovbak")
	os.WriteFile(own, []byte("keep me"), 0o600)
	for i := range 8 { // older automatic backups
		os.WriteFile(filepath.Join(folder, autoBackupName+time.Date(2027, 2, 1+i, 9, 0, 0, 0, time.Local).Format("20060102-150405")+".egovbak"), nil, 0o600)
	}
	autos := func() []string {
		ents, _ := os.ReadDir(folder)
		var n []string
		for _, e := range ents {
			if strings.HasPrefix(e.Name(), autoBackupName) {
				n = append(n, e.Name())
			}
		}
		return n
	}

	if err := d.backups.SetAuto(folder); err != nil {
		t.Fatal(err)
	}
	got := autos()
	if len(got) != autoBackupKeep || got[len(got)-1] != autoBackupName+"20270301-090000.egovbak" {
		t.Fatalf("after turning on: %v", got)
	}
	if _, err := os.Stat(own); err != nil {
		t.Errorf("the clerk's own backup was removed: %v", err)
	}
	if fo, last, problem := d.backups.Auto(); fo != folder || !last.Equal(now) || problem != "" {
		t.Errorf("Auto() = %q %v %q", fo, last, problem)
	}
	// The backup restores.
	restored := filepath.Join(t.TempDir(), "r")
	if err := restoreBackup(filepath.Join(folder, got[len(got)-1]), restored, testKeys(t, restored), ""); err != nil {
		t.Fatal(err)
	}

	now = now.Add(23 * time.Hour)
	if err := d.backups.due(); err != nil || len(autos()) != autoBackupKeep || autos()[autoBackupKeep-1] != got[len(got)-1] {
		t.Errorf("a backup before a day passed: %v %v", autos(), err)
	}
	now = now.Add(time.Hour)
	if err := d.backups.due(); err != nil || autos()[autoBackupKeep-1] != autoBackupName+"20270302-090000.egovbak" {
		t.Errorf("no backup a day later: %v %v", autos(), err)
	}

	// The U disk is gone: reported, and the setting stays.
	if err := os.RemoveAll(folder); err != nil {
		t.Fatal(err)
	}
	now = now.Add(25 * time.Hour)
	if err := d.backups.due(); err == nil {
		t.Error("a backup into a missing folder succeeded")
	}
	if fo, _, problem := d.backups.Auto(); fo != folder || !strings.Contains(problem, "备份") {
		t.Errorf("after a failed backup: %q %q", fo, problem)
	}
	again, err := openAutoBackup(dir, d.store, clock)
	if err != nil {
		t.Fatal(err)
	}
	if fo, _, problem := again.Auto(); fo != folder || problem == "" {
		t.Errorf("after a restart: %q %q", fo, problem)
	}
	if err := d.backups.SetAuto(""); err != nil {
		t.Fatal(err)
	}
	if fo, _, _ := d.backups.Auto(); fo != "" {
		t.Errorf("turned off, still %q", fo)
	}
}
