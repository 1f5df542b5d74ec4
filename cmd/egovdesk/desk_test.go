//go:build ci

package main

import (
	"context"
	"testing"

	"fyne.io/fyne/v2/test"

	"egovdesk/app"
)

// A second window on the same data directory gets the store's ELOCKED
// error (shown in a dialog by main), not a crash.
func TestSecondInstanceIsRefused(t *testing.T) {
	dir := t.TempDir()
	mustDeskIn(t, dir)
	a := test.NewTempApp(t)
	_, err := openDesk(a, a.NewWindow("second"), dir, deskOptions{})
	if app.ErrorCode(err) != app.ELOCKED {
		t.Fatalf("second open: %v, want ELOCKED", err)
	}
	if msg := app.ErrorMessage(err); msg == "" {
		t.Error("no message for the clerk")
	}
}

// Closing the window right after typing stores the last edit: the saver
// does not wait for its delay when the UI stops.
func TestClosingStoresTheLastEdit(t *testing.T) {
	dir := t.TempDir()
	d, _ := mustDeskIn(t, dir)
	MustOffline(t, d, "wuhan")
	c := clerkOf(t, d)
	id := c.newFiling(d.ui.NewDeclaration)
	test.Type(c.entry("项目名称"), "武汉市某区智慧城管平台")
	if err := d.Close(); err != nil { // what main does after the window closed
		t.Fatal(err)
	}
	d2, _ := mustDeskIn(t, dir)
	f, err := d2.store.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if f.Declaration.ProjectName != "武汉市某区智慧城管平台" {
		t.Errorf("project name after reopening = %q", f.Declaration.ProjectName)
	}
}
