package app_test

import (
	"testing"
	"time"

	"egovdesk/app"
)

// A returned declaration revised and about to be sent back as it was is
// Unchanged against the hash of the revision it revises; one character
// typed, or another attachment, is a change.
func TestUnchangedAgainstTheReturnedRevision(t *testing.T) {
	at := time.Date(2027, 3, 1, 9, 0, 0, 0, cst)
	f := newFiling(t, app.KindDeclaration, "d1", "", at, func(f *app.Filing) {
		f.Declaration = declaration(t, "城关镇智慧社区管理平台", "霍邱县城关镇人民政府", "180")
	})
	submitAt(t, f, at, app.ActionReturn)
	base := f.Revision
	_, sum, err := f.Body().Encode()
	if err != nil {
		t.Fatal(err)
	}
	if f.Unchanged(base, sum) {
		t.Error("a submitted revision is not a draft that revises it")
	}
	if err := f.Revise("d1-r2", at.AddDate(0, 0, 3)); err != nil {
		t.Fatal(err)
	}
	if !f.Unchanged(base, sum) {
		t.Error("the revision as it was returned is not Unchanged")
	}
	f.Declaration.Goals += "。"
	if f.Unchanged(base, sum) {
		t.Error("a character typed is Unchanged")
	}
	f.Declaration.Goals = f.Declaration.Goals[:len(f.Declaration.Goals)-len("。")]
	f.Attachments = append(f.Attachments, app.Attachment{Name: "批复.pdf", SHA256: "ab", Size: 1})
	if f.Unchanged(base, sum) {
		t.Error("an attachment added is Unchanged")
	}
	if f.Unchanged(app.Revision{ID: "other"}, sum) || f.Unchanged(base, "") {
		t.Error("Unchanged against another revision or no hash")
	}
}
