package store

import (
	"context"
	"reflect"
	"testing"
	"time"

	"egovdesk/app"
)

// draftNamed saves a new draft declaration named title.
func draftNamed(tb testing.TB, s *Store, title string) *app.Filing {
	tb.Helper()
	f := newDeclaration(tb, title, 2027)
	mustSave(tb, s, f)
	return f
}

// TestDeleteDraftAndUndo: a deleted draft leaves the list, the counts and
// the name search at once, and comes back as it was; a submitted filing
// cannot be deleted.
func TestDeleteDraftAndUndo(t *testing.T) {
	ctx := context.Background()
	st := MustOpen(t)
	d := draftNamed(t, st, "城关镇智慧停车管理平台")
	kept := draftNamed(t, st, "城关镇数字乡村服务平台")
	before, err := st.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}

	if err := st.DeleteDraft(ctx, d.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Get(ctx, d.ID); app.ErrorCode(err) != app.ENOTFOUND {
		t.Errorf("Get after delete: %v", err)
	}
	for _, q := range []app.Query{{}, {Text: "停车"}, {Kind: app.KindDeclaration}, {Status: app.StatusDraft}} {
		rows, err := st.List(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			if r.ID == d.ID {
				t.Errorf("List(%+v) still shows the deleted draft", q)
			}
		}
	}
	after, _ := st.Counts(ctx)
	if after.Total != before.Total-1 || after.Drafts != before.Drafts-1 {
		t.Errorf("counts after delete %+v, before %+v", after, before)
	}
	if err := st.Check(ctx); err != nil {
		t.Errorf("store check after delete: %v", err)
	}

	if err := st.RestoreDraft(ctx, d.ID); err != nil {
		t.Fatal(err)
	}
	g, err := st.Get(ctx, d.ID)
	if err != nil || g.Title() != "城关镇智慧停车管理平台" || g.Status != app.StatusDraft {
		t.Fatalf("restored: %+v, %v", g, err)
	}
	if rows, _ := st.List(ctx, app.Query{Text: "停车"}); len(rows) != 1 || rows[0].ID != d.ID {
		t.Errorf("search after restore: %+v", rows)
	}
	if c, _ := st.Counts(ctx); !reflect.DeepEqual(c, before) {
		t.Errorf("counts after restore %+v, want %+v", c, before)
	}
	if err := st.RestoreDraft(ctx, d.ID); app.ErrorCode(err) != app.ENOTFOUND {
		t.Errorf("a second restore: %v", err)
	}
	if err := st.Check(ctx); err != nil {
		t.Errorf("store check after restore: %v", err)
	}

	// Submitted: part of the bureau's record, never deleted.
	if _, err := st.Submit(ctx, kept.ID, "张三", time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := st.DeleteDraft(ctx, kept.ID); app.ErrorCode(err) != app.EINVALID {
		t.Errorf("deleting a submitted filing: %v", err)
	}
	if err := st.DeleteDraft(ctx, "no-such-filing"); app.ErrorCode(err) != app.ENOTFOUND {
		t.Errorf("deleting nothing: %v", err)
	}
}

// TestTrashIsEmptiedAfterRetention: a draft deleted longer ago than
// TrashRetention is gone for good when the store is next opened.
func TestTrashIsEmptiedAfterRetention(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	now := time.Now()
	st, err := Open(dir, WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	d := draftNamed(t, st, "城关镇智慧停车管理平台")
	if err := st.DeleteDraft(ctx, d.ID); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	later := now.Add(TrashRetention + time.Hour)
	st = mustOpenDir(t, dir, WithClock(func() time.Time { return later }))
	if err := st.RestoreDraft(ctx, d.ID); app.ErrorCode(err) != app.ENOTFOUND {
		t.Errorf("restore after the retention: %v", err)
	}
}
