package store

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"egovdesk/app"
)

// returnedFiling returns a declaration named title as the bureau holds it
// after receiving revision 1 and returning it, and its history.
func returnedFiling(t *testing.T, title string) (*app.Filing, BureauFiling) {
	t.Helper()
	f := newDeclaration(t, title, 2027)
	at := time.Date(2027, 3, 3, 9, 0, 0, 0, time.UTC)
	h := []app.Transition{
		{At: at.Add(-time.Hour), Actor: "李梅", Role: app.RoleUnit, Action: app.ActionSubmit, From: app.StatusDraft, To: app.StatusSubmitted, RevisionID: f.Revision.ID, RevisionNumber: 1},
		{At: at, Actor: "王审核", Role: app.RoleReviewer, Action: app.ActionReturn, From: app.StatusSubmitted, To: app.StatusReturned, Comment: "请补充", RevisionID: f.Revision.ID, RevisionNumber: 1},
	}
	return f, bureauOf(t, f, app.StatusReturned, h)
}

// restored opens a store with clk holding bf as restored from the bureau.
func restored(t *testing.T, clk *draftClock, bf BureauFiling) *Store {
	t.Helper()
	st := MustOpen(t, WithClock(clk.now))
	if _, err := st.Adopt(context.Background(), bf); err != nil {
		t.Fatal(err)
	}
	return st
}

// reviseOn starts the next revision of the returned filing id in st with
// goals, saves it and returns it.
func reviseOn(t *testing.T, st *Store, id, goals string) *app.Filing {
	t.Helper()
	f, err := st.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Revise(uuid.NewString(), time.Now()); err != nil {
		t.Fatal(err)
	}
	f.Declaration.Goals = goals
	mustSave(t, st, f)
	return f
}

// TestRevisionDraftCopy: the new revision of a returned filing goes up
// under the filing's ID and the revision it builds on; a fresh machine
// that restored the filing takes it over as the draft revision on top,
// byte for byte, with nothing due to go up again; once submitted there,
// its copy is to be deleted; on the first machine, whose copy is gone,
// the unchanged draft revision stays and does not go up again.
func TestRevisionDraftCopy(t *testing.T) {
	ctx := context.Background()
	clk := &draftClock{t: time.Date(2027, 3, 4, 9, 0, 0, 0, time.UTC)}
	f, bf := returnedFiling(t, "城关镇智慧停车管理平台")
	a := restored(t, clk, bf)
	rev := reviseOn(t, a, f.ID, "甲机上修改的第二版")
	due := uploads(t, a, clk.t.Add(time.Hour))
	key := f.ID + "@" + f.Revision.ID
	u, ok := due[key]
	if len(due) != 1 || !ok || u.BaseVersion != 0 {
		t.Fatalf("due on A: %+v, want %s", due, key)
	}
	if err := a.DraftKept(ctx, key, 1, u.SHA256); err != nil {
		t.Fatal(err)
	}
	if due := uploads(t, a, clk.t.Add(time.Hour)); len(due) != 0 {
		t.Fatalf("after the copy went up: %+v", due)
	}

	b := restored(t, clk, bf)
	if msg, err := b.AdoptDraft(ctx, BureauDraft{ID: key, Version: 1, SHA256: u.SHA256, Body: u.Body}); err != nil || msg != nil {
		t.Fatalf("adopt on B: %+v, %v", msg, err)
	}
	got, err := b.Get(ctx, f.ID)
	if err != nil || got.Revision.ID != rev.Revision.ID || got.Revision.Number != 2 || got.Revision.Submitted() ||
		got.Declaration.Goals != "甲机上修改的第二版" || got.Status != app.StatusReturned || len(got.History) != 2 {
		t.Fatalf("B's filing: %+v, %v", got, err)
	}
	if revs, _ := b.Revisions(ctx, f.ID); len(revs) != 1 {
		t.Fatalf("B's submitted revisions: %+v", revs)
	}
	if due := uploads(t, b, clk.t.Add(time.Hour)); len(due) != 0 {
		t.Fatalf("the adopted copy is due again on B: %+v", due)
	}
	if kept, _ := b.KeptDrafts(ctx); kept[key] != 1 {
		t.Fatalf("B keeps %v", kept)
	}
	mustCheck(t, b)
	// A newer copy, unchanged on B: taken.
	rev.Declaration.Goals = "甲机又改了"
	mustSave(t, a, rev)
	u2 := uploads(t, a, clk.t.Add(time.Hour))[key]
	if u2.BaseVersion != 1 {
		t.Fatalf("A's second copy over %d", u2.BaseVersion)
	}
	if _, err := b.AdoptDraft(ctx, BureauDraft{ID: key, Version: 2, SHA256: u2.SHA256, Body: u2.Body}); err != nil {
		t.Fatal(err)
	}
	if got, _ := b.Get(ctx, f.ID); got.Declaration.Goals != "甲机又改了" {
		t.Fatalf("B did not take the newer copy: %q", got.Declaration.Goals)
	}
	if err := a.DraftKept(ctx, key, 2, u2.SHA256); err != nil {
		t.Fatal(err)
	}
	// Submitted on B: the copy is to be deleted there.
	if _, err := b.Submit(ctx, f.ID, "李梅", clk.t); err != nil {
		t.Fatal(err)
	}
	dels, err := b.DraftDeletions(ctx, clk.t)
	if err != nil || len(dels) != 1 || dels[0] != (DraftDeletion{ID: key, Version: 2}) {
		t.Fatalf("B's deletions after submitting: %+v, %v", dels, err)
	}
	// A sees the copy gone: its draft revision stays, unchanged, and does
	// not go up again; changed, it does.
	if msg, err := a.DropDraftCopy(ctx, key); err != nil || msg != nil {
		t.Fatalf("drop on A: %+v, %v", msg, err)
	}
	if got, err := a.Get(ctx, f.ID); err != nil || got.Declaration.Goals != "甲机又改了" || got.Revision.Number != 2 {
		t.Fatalf("A's draft revision after the drop: %+v, %v", got, err)
	}
	if due := uploads(t, a, clk.t.Add(time.Hour)); len(due) != 0 {
		t.Fatalf("A's unchanged draft revision goes up again: %+v", due)
	}
	if kept, _ := a.KeptDrafts(ctx); len(kept) != 0 {
		t.Fatalf("A keeps %v after the drop", kept)
	}
	if dels, _ := a.DraftDeletions(ctx, clk.t.Add(time.Hour)); len(dels) != 0 {
		t.Fatalf("A deletes %+v after the drop", dels)
	}
	rev.Declaration.Goals += "（补充）"
	mustSave(t, a, rev)
	if due := uploads(t, a, clk.t.Add(time.Hour)); due[key].BaseVersion != 0 || len(due) != 1 {
		t.Fatalf("A's changed draft revision: %+v", due)
	}
	mustCheck(t, a)
}

// TestStaleRevisionDraftCopy: a revision's copy built on a revision the
// filing has moved past (another machine submitted revision 2 since) is
// not dropped on a fresh machine: it becomes draft revision 3 on the
// bureau's head, with an unread inbox entry, and this machine does not
// delete the other machine's copy until it submits that text. A filing
// with a draft revision of its own keeps it, and the copy is kept as a
// separate new draft.
func TestStaleRevisionDraftCopy(t *testing.T) {
	ctx := context.Background()
	clk := &draftClock{t: time.Date(2027, 3, 4, 9, 0, 0, 0, time.UTC)}
	f, bf := returnedFiling(t, "城关镇数字乡村服务平台")
	a := restored(t, clk, bf)
	reviseOn(t, a, f.ID, "甲机的第二版（未提交）")
	key := f.ID + "@" + f.Revision.ID
	u := uploads(t, a, clk.t.Add(time.Hour))[key]

	// Another machine submitted its own revision 2, which was returned.
	other, _ := a.Get(ctx, f.ID)
	other.Revision = app.Revision{ID: uuid.NewString(), Number: 2, BaseID: f.Revision.ID}
	other.Declaration.Goals = "丙机提交的第二版"
	at := time.Date(2027, 3, 5, 9, 0, 0, 0, time.UTC)
	h := append(bf.History,
		app.Transition{At: at, Actor: "李梅", Role: app.RoleUnit, Action: app.ActionSubmit, From: app.StatusReturned, To: app.StatusSubmitted, RevisionID: other.Revision.ID, RevisionNumber: 2},
		app.Transition{At: at.Add(time.Hour), Actor: "王审核", Role: app.RoleReviewer, Action: app.ActionReturn, From: app.StatusSubmitted, To: app.StatusReturned, Comment: "再补充", RevisionID: other.Revision.ID, RevisionNumber: 2})
	bf2 := bureauOf(t, other, app.StatusReturned, h, bf.Revisions...)

	b := restored(t, clk, bf2)
	msg, err := b.AdoptDraft(ctx, BureauDraft{ID: key, Version: 1, SHA256: u.SHA256, Body: u.Body})
	if err != nil || msg == nil || !strings.Contains(msg.Title, "已改为第 3 版") || !strings.Contains(msg.Body, "没有丢失") {
		t.Fatalf("adopt the stale copy: %+v, %v", msg, err)
	}
	got, _ := b.Get(ctx, f.ID)
	if got.Revision.Number != 3 || got.Revision.BaseID != other.Revision.ID || got.Revision.Submitted() ||
		got.Declaration.Goals != "甲机的第二版（未提交）" || got.Status != app.StatusReturned {
		t.Fatalf("B's working copy: rev %d on %s, %q, %s", got.Revision.Number, got.Revision.BaseID, got.Declaration.Goals, got.Status)
	}
	if revs, _ := b.Revisions(ctx, f.ID); len(revs) != 2 || revs[1].Revision.ID != other.Revision.ID {
		t.Fatalf("B's submitted revisions: %+v", revs)
	}
	if c, _ := b.Counts(ctx); c.Unread != 1 || c.UnreadDecisions != 0 {
		t.Fatalf("unread on B: %d, of which %d decisions (the entry is no 批复)", c.Unread, c.UnreadDecisions)
	}
	mustCheck(t, b)
	// The moved text goes up under its new base; the other machine's copy
	// is not B's to delete while B holds the text unsent.
	newKey := f.ID + "@" + other.Revision.ID
	due := uploads(t, b, clk.t.Add(time.Hour))
	if len(due) != 1 || due[newKey].BaseVersion != 0 {
		t.Fatalf("due on B: %+v", due)
	}
	// A, whose own text that is, takes nothing twice.
	moved := due[newKey]
	if msg, err := a.AdoptDraft(ctx, BureauDraft{ID: newKey, Version: 1, SHA256: moved.SHA256, Body: moved.Body}); err != nil || msg != nil {
		t.Fatalf("A adopts its own text moved: %+v, %v", msg, err)
	}
	if cnt, _ := a.Counts(ctx); cnt.Total != 1 {
		t.Fatalf("A holds %d filings after its own text came back", cnt.Total)
	}
	if due := uploads(t, a, clk.t.Add(time.Hour)); len(due) != 1 || due[key].BaseVersion != 0 {
		t.Fatalf("A's due after: %+v", due)
	}
	if dels, _ := b.DraftDeletions(ctx, clk.t.Add(time.Hour)); len(dels) != 0 {
		t.Fatalf("B deletes %+v before submitting", dels)
	}
	// Listed again at the same version: nothing new.
	if kept, _ := b.KeptDrafts(ctx); kept[key] != 1 {
		t.Fatalf("B keeps %v", kept)
	}
	if _, err := b.Submit(ctx, f.ID, "李梅", clk.t); err != nil {
		t.Fatal(err)
	}
	dels, _ := b.DraftDeletions(ctx, clk.t.Add(time.Hour))
	if len(dels) != 1 || dels[0] != (DraftDeletion{ID: key, Version: 1}) {
		t.Fatalf("B's deletions after submitting the moved text: %+v", dels)
	}

	// A machine with a draft revision of its own keeps it; the copy is a
	// separate new draft.
	c := restored(t, clk, bf2)
	reviseOn(t, c, f.ID, "丁机自己的第三版")
	msg, err = c.AdoptDraft(ctx, BureauDraft{ID: key, Version: 1, SHA256: u.SHA256, Body: u.Body})
	if err != nil || msg == nil || msg.FilingID == f.ID {
		t.Fatalf("adopt over a draft revision of its own: %+v, %v", msg, err)
	}
	if got, _ := c.Get(ctx, f.ID); got.Declaration.Goals != "丁机自己的第三版" || got.Revision.Number != 3 {
		t.Fatalf("C's own draft revision was overwritten: %q", got.Declaration.Goals)
	}
	sep, err := c.Get(ctx, msg.FilingID)
	if err != nil || sep.Declaration.Goals != "甲机的第二版（未提交）" || sep.Status != app.StatusDraft || sep.Revision.Number != 1 {
		t.Fatalf("the separate draft: %+v, %v", sep, err)
	}
	// Listed again at the same version: no second copy.
	if msg, err := c.AdoptDraft(ctx, BureauDraft{ID: key, Version: 1, SHA256: u.SHA256, Body: u.Body}); err != nil || msg != nil {
		t.Fatalf("adopted twice: %+v, %v", msg, err)
	}
	if cnt, _ := c.Counts(ctx); cnt.Total != 2 {
		t.Fatalf("C holds %d filings", cnt.Total)
	}
	mustCheck(t, c)
}

// TestRevisionDraftSubmittedAlready: a copy of a revision the bureau has
// received (it was submitted from the machine that wrote it) is not taken
// over as a draft: the restored filing stays as the bureau holds it, and
// the copy is to be deleted.
func TestRevisionDraftSubmittedAlready(t *testing.T) {
	ctx := context.Background()
	clk := &draftClock{t: time.Date(2027, 3, 4, 9, 0, 0, 0, time.UTC)}
	f, bf := returnedFiling(t, "城关镇智慧社区平台")
	a := restored(t, clk, bf)
	rev := reviseOn(t, a, f.ID, "第二版")
	key := f.ID + "@" + f.Revision.ID
	u := uploads(t, a, clk.t.Add(time.Hour))[key]
	at := time.Date(2027, 3, 5, 9, 0, 0, 0, time.UTC)
	h := append(bf.History, app.Transition{At: at, Actor: "李梅", Role: app.RoleUnit, Action: app.ActionSubmit,
		From: app.StatusReturned, To: app.StatusSubmitted, RevisionID: rev.Revision.ID, RevisionNumber: 2})
	b := restored(t, clk, bureauOf(t, rev, app.StatusSubmitted, h, bf.Revisions...))
	if msg, err := b.AdoptDraft(ctx, BureauDraft{ID: key, Version: 1, SHA256: u.SHA256, Body: u.Body}); err != nil || msg != nil {
		t.Fatalf("adopt: %+v, %v", msg, err)
	}
	if got, _ := b.Get(ctx, f.ID); !got.Revision.Submitted() || got.Status != app.StatusSubmitted {
		t.Fatalf("B's filing: rev %d submitted %v, %s", got.Revision.Number, got.Revision.Submitted(), got.Status)
	}
	if dels, _ := b.DraftDeletions(ctx, clk.t); len(dels) != 1 || dels[0].ID != key {
		t.Fatalf("deletions: %+v", dels)
	}
	mustCheck(t, b)
}

// TestWaitingRevisionDraftGoesUp: a draft revision kept on a head the
// bureau has not returned yet (a stale copy moved onto a revision under
// review) is neither a draft nor returned, and its copy still goes up.
func TestWaitingRevisionDraftGoesUp(t *testing.T) {
	ctx := context.Background()
	clk := &draftClock{t: time.Date(2027, 3, 4, 9, 0, 0, 0, time.UTC)}
	f, bf := returnedFiling(t, "城关镇应急指挥视频会商系统")
	a := restored(t, clk, bf)
	reviseOn(t, a, f.ID, "甲机的第二版")
	key := f.ID + "@" + f.Revision.ID
	u := uploads(t, a, clk.t.Add(time.Hour))[key]

	other, _ := a.Get(ctx, f.ID)
	other.Revision = app.Revision{ID: uuid.NewString(), Number: 2, BaseID: f.Revision.ID}
	other.Declaration.Goals = "丙机提交的第二版"
	at := time.Date(2027, 3, 5, 9, 0, 0, 0, time.UTC)
	h := append(bf.History, app.Transition{At: at, Actor: "李梅", Role: app.RoleUnit, Action: app.ActionSubmit,
		From: app.StatusReturned, To: app.StatusSubmitted, RevisionID: other.Revision.ID, RevisionNumber: 2})
	b := restored(t, clk, bureauOf(t, other, app.StatusSubmitted, h, bf.Revisions...))
	if msg, err := b.AdoptDraft(ctx, BureauDraft{ID: key, Version: 1, SHA256: u.SHA256, Body: u.Body}); err != nil || msg == nil {
		t.Fatalf("adopt: %+v, %v", msg, err)
	}
	got, _ := b.Get(ctx, f.ID)
	if got.Status != app.StatusSubmitted || got.Revision.Number != 3 || got.Revision.Submitted() {
		t.Fatalf("B's filing: %s, rev %d", got.Status, got.Revision.Number)
	}
	newKey := f.ID + "@" + other.Revision.ID
	if due := uploads(t, b, clk.t.Add(time.Hour)); len(due) != 1 || due[newKey].SHA256 == "" {
		t.Fatalf("the waiting draft revision is not due: %+v", due)
	}
	mustCheck(t, b)
}

// TestEditorOnAReplacedRevision: machines A and B revise the same returned
// revision, each under its own revision ID; B's text replaces A's
// unchanged one while A's editor is open on it. A's next save keeps A's
// editor text as the draft revision (no "updated elsewhere" refusal) and
// B's text as a separate draft, with an inbox entry.
func TestEditorOnAReplacedRevision(t *testing.T) {
	ctx := context.Background()
	clk := &draftClock{t: time.Date(2027, 3, 4, 9, 0, 0, 0, time.UTC)}
	f, bf := returnedFiling(t, "城关镇电子档案管理系统升级")
	a := restored(t, clk, bf)
	editor := reviseOn(t, a, f.ID, "甲机的第二版")
	key := f.ID + "@" + f.Revision.ID
	u := uploads(t, a, clk.t.Add(time.Hour))[key]
	if err := a.DraftKept(ctx, key, 1, u.SHA256); err != nil {
		t.Fatal(err)
	}
	b := restored(t, clk, bf)
	clk.t = clk.t.Add(time.Minute)
	theirs := reviseOn(t, b, f.ID, "乙机的第二版")
	ub := uploads(t, b, clk.t.Add(time.Hour))[key]
	if msg, err := a.AdoptDraft(ctx, BureauDraft{ID: key, Version: 2, SHA256: ub.SHA256, Body: ub.Body}); err != nil || msg != nil {
		t.Fatalf("adopt B's newer copy over A's unchanged text: %+v, %v", msg, err)
	}
	if got, _ := a.Get(ctx, f.ID); got.Revision.ID != theirs.Revision.ID || got.Declaration.Goals != "乙机的第二版" {
		t.Fatalf("A after the adoption: %s %q", got.Revision.ID, got.Declaration.Goals)
	}
	clk.t = clk.t.Add(time.Second)
	editor.Declaration.Goals = "甲机编辑器里接着写的"
	if err := a.Save(ctx, editor); err != nil {
		t.Fatalf("A's editor saves over the replaced revision: %v", err)
	}
	if got, _ := a.Get(ctx, f.ID); got.Revision.ID != editor.Revision.ID || got.Declaration.Goals != "甲机编辑器里接着写的" {
		t.Fatalf("A's draft revision: %s %q", got.Revision.ID, got.Declaration.Goals)
	}
	inbox, _ := a.Inbox(ctx)
	var kept string
	for _, m := range inbox {
		if strings.HasPrefix(m.ID, "draft-copy-") {
			kept = m.FilingID
		}
	}
	if other, err := a.Get(ctx, kept); err != nil || other.Declaration.Goals != "乙机的第二版" {
		t.Fatalf("B's text on A: %+v, %v (inbox %+v)", other, err, inbox)
	}
	// Once that is settled, a copy of another revision is refused as ever.
	stale := *editor
	stale.Revision.ID = uuid.NewString()
	if err := a.Save(ctx, &stale); app.ErrorCode(err) != app.ECONFLICT {
		t.Fatalf("a save on another base: %v, want ECONFLICT", err)
	}
	mustCheck(t, a)
}
