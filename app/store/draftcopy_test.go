package store

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"egovdesk/app"
)

// draftClock is a clock the test moves.
type draftClock struct{ t time.Time }

func (c *draftClock) now() time.Time { return c.t }

// uploads returns the drafts whose copy is due at the clock's time + 10 s
// (every save settled).
func uploads(t *testing.T, st *Store, settled time.Time) map[string]DraftUpload {
	t.Helper()
	ups, _, err := st.DraftUploads(context.Background(), settled, 100)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]DraftUpload{}
	for _, u := range ups {
		out[u.ID] = u
	}
	return out
}

// TestDraftCopiesGoUpOnceSettled: a saved draft's copy is due only once
// its saves have settled, once per text; a submitted filing is never one,
// and a draft saved again after its copy went up is due over that copy's
// version.
func TestDraftCopiesGoUpOnceSettled(t *testing.T) {
	ctx := context.Background()
	clk := &draftClock{t: time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)}
	st := MustOpen(t, WithClock(clk.now))
	a := draftNamed(t, st, "城关镇智慧停车管理平台")
	b := draftNamed(t, st, "城关镇数字乡村服务平台")
	sent := newDeclaration(t, "已提交的项目", 2027)
	mustSave(t, st, sent)
	if _, err := st.Submit(ctx, sent.ID, "张三", clk.t); err != nil {
		t.Fatal(err)
	}
	ups, settling, err := st.DraftUploads(ctx, clk.t.Add(-time.Second), 100)
	if err != nil || len(ups) != 0 || !settling {
		t.Fatalf("just saved: %d due, settling %v, %v; want none, settling", len(ups), settling, err)
	}
	due := uploads(t, st, clk.t)
	if len(due) != 2 || due[a.ID].BaseVersion != 0 || due[b.ID].SHA256 != sha(due[b.ID].Body) {
		t.Fatalf("settled: %+v, want a and b over no copy", due)
	}
	if err := st.DraftKept(ctx, a.ID, 1, due[a.ID].SHA256); err != nil {
		t.Fatal(err)
	}
	if err := st.DraftKept(ctx, b.ID, 1, due[b.ID].SHA256); err != nil {
		t.Fatal(err)
	}
	if due := uploads(t, st, clk.t); len(due) != 0 {
		t.Fatalf("after the copies went up: %+v", due)
	}
	clk.t = clk.t.Add(time.Minute)
	a.Declaration.ProjectName += "（二期）"
	mustSave(t, st, a)
	due = uploads(t, st, clk.t)
	if len(due) != 1 || due[a.ID].BaseVersion != 1 || !strings.Contains(string(due[a.ID].Body), "二期") {
		t.Fatalf("after an edit: %+v, want a over version 1", due)
	}
}

// TestDraftCopyDeletedAfterUndo: a deleted draft's copy is to be deleted
// only after the undo window; an undo keeps the copy; once the bureau
// dropped it, it is no longer due.
func TestDraftCopyDeletedAfterUndo(t *testing.T) {
	ctx := context.Background()
	clk := &draftClock{t: time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)}
	st := MustOpen(t, WithClock(clk.now))
	a := draftNamed(t, st, "待删除的草稿")
	due := uploads(t, st, clk.t)
	if err := st.DraftKept(ctx, a.ID, 3, due[a.ID].SHA256); err != nil {
		t.Fatal(err)
	}
	if err := st.DeleteDraft(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if dels, err := st.DraftDeletions(ctx, clk.t.Add(-20*time.Second)); err != nil || len(dels) != 0 {
		t.Fatalf("within the undo window: %+v, %v", dels, err)
	}
	if err := st.RestoreDraft(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if dels, err := st.DraftDeletions(ctx, clk.t.Add(time.Hour)); err != nil || len(dels) != 0 {
		t.Fatalf("after the undo: %+v, %v", dels, err)
	}
	if kept, _ := st.KeptDrafts(ctx); kept[a.ID] != 3 {
		t.Fatalf("after the undo the copy is %v", kept)
	}
	if err := st.DeleteDraft(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	dels, err := st.DraftDeletions(ctx, clk.t.Add(time.Second))
	if err != nil || len(dels) != 1 || dels[0] != (DraftDeletion{ID: a.ID, Version: 3}) {
		t.Fatalf("after the undo window: %+v, %v", dels, err)
	}
	if err := st.DraftDropped(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if dels, _ := st.DraftDeletions(ctx, clk.t.Add(time.Hour)); len(dels) != 0 {
		t.Fatalf("after the bureau dropped it: %+v", dels)
	}
	if err := st.Check(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestAdoptDraft: a fresh store takes over the bureau's drafts byte for
// byte; a newer copy replaces a draft unchanged here, never one changed
// here: then both texts are kept, the bureau's as a new draft, and the
// inbox says so; a draft deleted at the bureau leaves here only when
// unchanged here.
func TestAdoptDraft(t *testing.T) {
	ctx := context.Background()
	clk := &draftClock{t: time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)}
	src := MustOpen(t, WithClock(clk.now))
	a := draftNamed(t, src, "甲机上的草稿")
	b := draftNamed(t, src, "乙草稿")
	copies := uploads(t, src, clk.t)

	st := MustOpen(t, WithClock(clk.now))
	for _, id := range []string{a.ID, b.ID} {
		u := copies[id]
		if msg, err := st.AdoptDraft(ctx, BureauDraft{ID: id, Version: 1, SHA256: u.SHA256, Body: u.Body}); err != nil || msg != nil {
			t.Fatalf("adopt %s: %v, %v", id, msg, err)
		}
	}
	got, err := st.Get(ctx, a.ID)
	if err != nil || got.Declaration.ProjectName != "甲机上的草稿" {
		t.Fatalf("adopted: %+v, %v", got, err)
	}
	if due := uploads(t, st, clk.t.Add(time.Hour)); len(due) != 0 {
		t.Fatalf("adopted drafts are due to go up again: %+v", due)
	}
	// A newer copy of a, unchanged here: taken.
	a.Declaration.ProjectName = "甲机改过的草稿"
	mustSave(t, src, a)
	a2 := uploads(t, src, clk.t)[a.ID]
	if _, err := st.AdoptDraft(ctx, BureauDraft{ID: a.ID, Version: 2, SHA256: a2.SHA256, Body: a2.Body}); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.Get(ctx, a.ID); got.Declaration.ProjectName != "甲机改过的草稿" {
		t.Fatalf("newer copy not taken: %q", got.Declaration.ProjectName)
	}
	// Changed on both: both kept.
	mine, _ := st.Get(ctx, a.ID)
	mine.Declaration.ProjectName = "乙机改过的草稿"
	mustSave(t, st, mine)
	a.Declaration.ProjectName = "甲机又改过的草稿"
	mustSave(t, src, a)
	a3 := uploads(t, src, clk.t)[a.ID]
	msg, err := st.AdoptDraft(ctx, BureauDraft{ID: a.ID, Version: 3, SHA256: a3.SHA256, Body: a3.Body})
	if err != nil || msg == nil || !strings.Contains(msg.Body, "两份内容都已保留") {
		t.Fatalf("conflict: %+v, %v", msg, err)
	}
	if got, _ := st.Get(ctx, a.ID); got.Declaration.ProjectName != "乙机改过的草稿" {
		t.Fatalf("this machine's text lost: %q", got.Declaration.ProjectName)
	}
	if got, err := st.Get(ctx, msg.FilingID); err != nil || got.Declaration.ProjectName != "甲机又改过的草稿" {
		t.Fatalf("the other machine's text: %+v, %v", got, err)
	}
	due := uploads(t, st, clk.t.Add(time.Hour))
	if len(due) != 2 || due[a.ID].BaseVersion != 3 || due[msg.FilingID].BaseVersion != 0 {
		t.Fatalf("after the conflict, due: %+v", due)
	}
	// b deleted at the bureau, unchanged here: to the trash; a changed
	// here: kept, and up again as new.
	gone, err := st.DropDraftCopy(ctx, b.ID)
	if err != nil || gone == nil {
		t.Fatalf("drop b: %v, %v", gone, err)
	}
	if _, err := st.Get(ctx, b.ID); err == nil {
		t.Fatal("b still here")
	}
	// The clerk is told, in the inbox, unread, with the draft's name and
	// where it went.
	if !strings.Contains(gone.Title, "草稿《乙草稿》已在另一台电脑上删除，已移入回收站") || gone.FilingID != b.ID ||
		!strings.HasPrefix(gone.ID, app.DraftDeletedPrefix) || !strings.Contains(gone.Body, "恢复草稿") {
		t.Fatalf("the entry about b: %+v", gone)
	}
	inbox, _ := st.Inbox(ctx)
	if i := slices.IndexFunc(inbox, func(m app.Message) bool { return m.ID == gone.ID }); i < 0 || inbox[i].Read {
		t.Fatalf("inbox after the drop: %+v", inbox)
	}
	if err := st.RestoreDraft(ctx, b.ID); err != nil {
		t.Fatalf("undo of a drop: %v", err)
	}
	if gone, err := st.DropDraftCopy(ctx, a.ID); err != nil || gone != nil {
		t.Fatalf("drop a, changed here: %v, %v", gone, err)
	}
	if err := st.Check(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestEditorOnAReplacedDraft: an editor opened on a draft before another
// machine's newer copy replaced it saves its text as the draft, and the
// other machine's text is kept as a separate draft with an inbox entry;
// an editor opened after the replacement saves as usual.
func TestEditorOnAReplacedDraft(t *testing.T) {
	ctx := context.Background()
	clk := &draftClock{t: time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)}
	src := MustOpen(t, WithClock(clk.now))
	st := MustOpen(t, WithClock(clk.now))
	a := draftNamed(t, src, "原来的名称")
	c1 := uploads(t, src, clk.t)[a.ID]
	if _, err := st.AdoptDraft(ctx, BureauDraft{ID: a.ID, Version: 1, SHA256: c1.SHA256, Body: c1.Body}); err != nil {
		t.Fatal(err)
	}
	editor, err := st.Get(ctx, a.ID) // opened here, on version 1
	if err != nil {
		t.Fatal(err)
	}
	clk.t = clk.t.Add(time.Minute)
	a.Declaration.ProjectName = "另一台电脑改的名称"
	mustSave(t, src, a)
	c2 := uploads(t, src, clk.t)[a.ID]
	if msg, err := st.AdoptDraft(ctx, BureauDraft{ID: a.ID, Version: 2, SHA256: c2.SHA256, Body: c2.Body}); err != nil || msg != nil {
		t.Fatalf("adopt version 2 over an unchanged draft: %v, %v", msg, err)
	}
	clk.t = clk.t.Add(time.Second)
	editor.Declaration.ProjectName = "本机编辑器里改的名称"
	mustSave(t, st, editor)
	if got, _ := st.Get(ctx, a.ID); got.Declaration.ProjectName != "本机编辑器里改的名称" {
		t.Fatalf("the editor's save: %q", got.Declaration.ProjectName)
	}
	inbox, err := st.Inbox(ctx)
	if err != nil || len(inbox) != 1 {
		t.Fatalf("inbox: %+v, %v", inbox, err)
	}
	if other, err := st.Get(ctx, inbox[0].FilingID); err != nil || other.Declaration.ProjectName != "另一台电脑改的名称" {
		t.Fatalf("the other machine's text: %+v, %v", other, err)
	}
	// Opened after the replacement: no second copy.
	fresh, _ := st.Get(ctx, a.ID)
	fresh.Declaration.ProjectName += "（再改）"
	mustSave(t, st, fresh)
	mustSave(t, st, fresh)
	if inbox, _ := st.Inbox(ctx); len(inbox) != 1 {
		t.Fatalf("later saves made more copies: %d inbox entries", len(inbox))
	}
	// A replacement, then a save from an editor opened on it: no copy.
	b := draftNamed(t, src, "乙")
	b1 := uploads(t, src, clk.t.Add(time.Hour))[b.ID]
	st.AdoptDraft(ctx, BureauDraft{ID: b.ID, Version: 1, SHA256: b1.SHA256, Body: b1.Body})
	b.Declaration.ProjectName = "乙改"
	mustSave(t, src, b)
	b2 := uploads(t, src, clk.t.Add(time.Hour))[b.ID]
	st.AdoptDraft(ctx, BureauDraft{ID: b.ID, Version: 2, SHA256: b2.SHA256, Body: b2.Body})
	onCopy, _ := st.Get(ctx, b.ID)
	onCopy.Declaration.ProjectName = "乙再改"
	mustSave(t, st, onCopy)
	if inbox, _ := st.Inbox(ctx); len(inbox) != 1 {
		t.Fatalf("a save from the copy made a copy: %d inbox entries", len(inbox))
	}
	if err := st.Check(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestDraftDeletedWhileItsCopyWentUp: a draft deleted here while its copy
// was on its way to the bureau has that copy deleted there after the undo
// window, and an undo keeps it.
func TestDraftDeletedWhileItsCopyWentUp(t *testing.T) {
	ctx := context.Background()
	clk := &draftClock{t: time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)}
	st := MustOpen(t, WithClock(clk.now))
	a := draftNamed(t, st, "上传途中删除的草稿")
	up := uploads(t, st, clk.t)[a.ID]
	if err := st.DeleteDraft(ctx, a.ID); err != nil { // the clerk, while the PUT is under way
		t.Fatal(err)
	}
	if err := st.DraftKept(ctx, a.ID, 1, up.SHA256); err != nil {
		t.Fatal(err)
	}
	if dels, _ := st.DraftDeletions(ctx, clk.t.Add(-time.Second)); len(dels) != 0 {
		t.Fatalf("within the undo window: %+v", dels)
	}
	dels, err := st.DraftDeletions(ctx, clk.t.Add(time.Second))
	if err != nil || len(dels) != 1 || dels[0] != (DraftDeletion{ID: a.ID, Version: 1}) {
		t.Fatalf("after the undo window: %+v, %v", dels, err)
	}
	if err := st.RestoreDraft(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if dels, _ := st.DraftDeletions(ctx, clk.t.Add(time.Hour)); len(dels) != 0 {
		t.Fatalf("after the undo: %+v", dels)
	}
	if due := uploads(t, st, clk.t.Add(time.Hour)); len(due) != 0 {
		t.Fatalf("after the undo the copy is due again: %+v", due)
	}
}
