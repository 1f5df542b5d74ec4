package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"egovdesk/app"
	"egovdesk/app/apptest"
	"egovdesk/app/atrest"
	"egovdesk/app/store"
)

// The dump reads the store while the client holds it open (Badger's
// directory lock), lists the problems the problem list would show, and
// leaves the client's directory as it was.
func TestDumpReadsAStoreHeldOpen(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := store.Open(filepath.Join(dir, "store"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	f, err := app.NewFiling(app.KindDeclaration, "0b0c6a5e-8c4d-4a57-9d0e-2c1f3f1a0001",
		"0b0c6a5e-8c4d-4a57-9d0e-2c1f3f1a0002", "unit", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	f.Declaration = apptest.Declaration()
	f.Declaration.Contact.Phone = ""
	if err := st.Save(ctx, f); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadDir(filepath.Join(dir, "store"))
	if err != nil {
		t.Fatal(err)
	}

	d, err := dump(ctx, dir, "")
	if err != nil {
		t.Fatalf("dump of a store held open: %v", err)
	}
	if len(d.Filings) != 1 {
		t.Fatalf("%d filings, want 1", len(d.Filings))
	}
	got := d.Filings[0]
	if got.ID != f.ID || got.Title != f.Declaration.ProjectName || got.Status != app.StatusDraft || got.Revision != 1 {
		t.Errorf("filing = %+v", got)
	}
	if len(got.Problems) == 0 || got.Problems[0].Field != "contact.phone" {
		t.Errorf("problems = %+v, want the missing phone first", got.Problems)
	}

	after, err := os.ReadDir(filepath.Join(dir, "store"))
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(before) {
		t.Errorf("the client's store directory changed: %d entries before, %d after", len(before), len(after))
	}
	// The client still works on its store.
	f.Declaration.Contact.Phone = "0564-6012345"
	if err := st.Save(ctx, f); err != nil {
		t.Fatalf("save after the dump: %v", err)
	}
}

// A data directory the client encrypted (no system key store, a start-up
// passphrase) is read with the passphrase, and refused without it.
func TestDumpReadsAnEncryptedStore(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	k, err := atrest.Create(dir, nil, "uitest-passphrase")
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(filepath.Join(dir, "store"), store.WithEncryptionKey(k.Data))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	f, err := app.NewFiling(app.KindDeclaration, "0b0c6a5e-8c4d-4a57-9d0e-2c1f3f1a0003",
		"0b0c6a5e-8c4d-4a57-9d0e-2c1f3f1a0002", "unit", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	f.Declaration = apptest.Declaration()
	if err := st.Save(ctx, f); err != nil {
		t.Fatal(err)
	}
	if _, err := dump(ctx, dir, ""); err == nil {
		t.Error("dump without the passphrase: no error")
	}
	if _, err := dump(ctx, dir, "wrong-passphrase"); err == nil {
		t.Error("dump with a wrong passphrase: no error")
	}
	d, err := dump(ctx, dir, "uitest-passphrase")
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Filings) != 1 || d.Filings[0].ID != f.ID {
		t.Errorf("filings = %+v, want the one saved", d.Filings)
	}
}
