//go:build ci

package main

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
)

// What the clerk typed but the app could not read ("12o" for an amount) is
// kept as typed across closing and reopening, explained at the field, and
// forgotten once corrected: nothing typed is lost, even text that is wrong.
func TestTypedTextSurvivesReopening(t *testing.T) {
	dir := t.TempDir()
	d, _ := mustDeskIn(t, dir)
	MustOffline(t, d, "yunan")
	c := clerkOf(t, d)
	id := c.newFiling(d.ui.NewDeclaration)
	test.Type(c.entry("项目名称"), "郁南县智慧林业监测平台")
	c.section("投资")
	test.Type(c.entry("总投资概算（万元）"), "12o")
	if err := d.Close(); err != nil { // what main does after the window closed
		t.Fatal(err)
	}

	d2, _ := mustDeskIn(t, dir)
	f, err := d2.store.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if f.Unparsed["total_investment"] != "12o" {
		t.Fatalf("stored unparsed input = %v, want the typed 12o", f.Unparsed)
	}
	d2.ui.OpenFiling(id)
	c2 := clerkOf(t, d2)
	c2.section("投资")
	total := c2.entry("总投资概算（万元）")
	if total.Text != "12o" {
		t.Fatalf("after reopening the total shows %q, want what was typed", total.Text)
	}
	if msg := c2.message("总投资概算（万元）"); !strings.Contains(msg, "已保留您输入的内容") {
		t.Errorf("message at the total after reopening = %q", msg)
	}
	retype(total, "120")
	d2.eventually(t, "the corrected amount replaces the kept text", func() bool {
		f, err := d2.store.Get(context.Background(), id)
		return err == nil && len(f.Unparsed) == 0 && f.Declaration.TotalInvestment == 120_000_000
	})
}
