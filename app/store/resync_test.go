package store

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"egovdesk/app"
)

// bureauView returns f as a bureau that received its current revision at t0
// and then took decisions holds it.
func bureauView(f *app.Filing, t0 time.Time, decisions ...Change) RemoteFiling {
	r := RemoteFiling{ID: f.ID, Status: app.StatusSubmitted, RevisionID: f.Revision.ID,
		History: []app.Transition{{At: t0, Actor: "张三", Role: app.RoleUnit, Action: app.ActionSubmit,
			From: app.StatusDraft, To: app.StatusSubmitted, RevisionID: f.Revision.ID, RevisionNumber: f.Revision.Number}}}
	for _, d := range decisions {
		r.History = append(r.History, d.Transition)
		r.Status = d.Transition.To
	}
	return r
}

func submittedDeclaration(t *testing.T, s *Store, title string) *app.Filing {
	t.Helper()
	ctx := context.Background()
	f := newDeclaration(t, title, 2026)
	mustSave(t, s, f)
	if _, err := s.Submit(ctx, f.ID, "张三", time.Now()); err != nil {
		t.Fatal(err)
	}
	f, err := s.Get(ctx, f.ID)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// A decision made while the bureau's feed was pruned is recovered from the
// bureau's copy of the filing: status, history and one inbox entry, once —
// neither a second resync nor the same decision arriving later through the
// feed enters it again.
func TestResyncRecoversMissedDecision(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	f := submittedDeclaration(t, s, "霍邱县智慧社区管理平台")
	t0 := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	const comment = "请补充密码应用方案"
	ret := decision(f, app.ActionReturn, app.StatusSubmitted, app.StatusReturned, t0.Add(time.Hour), comment)
	remote := []RemoteFiling{bureauView(f, t0, ret)}

	added, err := s.Resync(ctx, "cursor-2", remote)
	if err != nil {
		t.Fatal(err)
	}
	if len(added) != 1 || added[0].Body != comment || added[0].Stale || added[0].FilingTitle != "霍邱县智慧社区管理平台" || added[0].FilingKind != app.KindDeclaration {
		t.Fatalf("added: %+v", added)
	}
	got, _ := s.Get(ctx, f.ID)
	if got.Status != app.StatusReturned || len(got.History) != 2 || got.History[1].Comment != comment {
		t.Fatalf("status %s, history %+v", got.Status, got.History)
	}
	if c, _ := s.Cursor(ctx); c != "cursor-2" {
		t.Fatalf("cursor = %q", c)
	}
	for range 2 { // a replayed resync, then the decision from the feed
		if added, err := s.Resync(ctx, "cursor-2", remote); err != nil || len(added) != 0 {
			t.Fatalf("replayed resync: %v, added %+v", err, added)
		}
	}
	fromFeed := ret
	fromFeed.ID = "chg-7"
	if err := s.ApplyChanges(ctx, "cursor-3", []Change{fromFeed}); err != nil {
		t.Fatal(err)
	}
	inbox, _ := s.Inbox(ctx)
	if len(inbox) != 1 || inbox[0].Decision.Action != app.ActionReturn || inbox[0].Title != "《霍邱县智慧社区管理平台》第 1 版：退回修改" {
		t.Fatalf("inbox: %+v", inbox)
	}
	if n, _ := s.UnreadCount(ctx); n != 1 {
		t.Fatalf("unread = %d", n)
	}
	if got, _ := s.Get(ctx, f.ID); len(got.History) != 2 {
		t.Fatalf("history after the feed: %+v", got.History)
	}
	sums, _ := s.List(ctx, app.Query{Status: app.StatusReturned})
	if len(sums) != 1 || sums[0].Unread != 1 {
		t.Fatalf("summary: %+v", sums)
	}
	mustCheck(t, s)
}

// The bureau's copy never overwrites a newer revision the clerk made after
// a return, sent or not; a filing the bureau does not know stays as it is.
func TestResyncKeepsUnsentRevision(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	f := submittedDeclaration(t, s, "金寨县数字乡村平台")
	t0 := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	ret := decision(f, app.ActionReturn, app.StatusSubmitted, app.StatusReturned, t0.Add(time.Hour), "请修改")
	if err := s.ApplyChanges(ctx, "c1", []Change{ret}); err != nil {
		t.Fatal(err)
	}
	rev1 := *f
	f, _ = s.Get(ctx, f.ID)
	if err := f.Revise(uuid.NewString(), time.Now()); err != nil {
		t.Fatal(err)
	}
	f.Declaration.Goals = "尚未发送的修改"
	mustSave(t, s, f)
	if _, err := s.Submit(ctx, f.ID, "张三", time.Now()); err != nil {
		t.Fatal(err)
	}
	unknown := submittedDeclaration(t, s, "只在本机的材料") // in the outbox, not yet with the bureau
	before, _ := s.Get(ctx, unknown.ID)
	queued, _ := s.Outbox(ctx)

	// The bureau still holds revision 1, returned, with a decision we missed.
	late := decision(&rev1, app.ActionReject, app.StatusReturned, app.StatusRejected, t0.Add(2*time.Hour), "迟到的决定")
	remote := []RemoteFiling{bureauView(&rev1, t0, ret, late)}
	added, err := s.Resync(ctx, "c2", remote)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := s.Get(ctx, f.ID)
	if got.Status != app.StatusSubmitted || got.Revision.Number != 2 || got.Declaration.Goals != "尚未发送的修改" {
		t.Fatalf("newer revision overwritten: %s rev %d %q", got.Status, got.Revision.Number, got.Declaration.Goals)
	}
	if len(added) != 1 || !added[0].Stale || added[0].Decision.Action != app.ActionReject {
		t.Fatalf("added: %+v", added)
	}
	if items, _ := s.Outbox(ctx); len(items) != len(queued) {
		t.Fatalf("outbox has %d items, had %d", len(items), len(queued))
	}
	if after, _ := s.Get(ctx, unknown.ID); after.Status != before.Status || len(after.History) != len(before.History) {
		t.Fatalf("unknown filing changed: %+v", after)
	}
	if added, _ := s.Resync(ctx, "c2", remote); len(added) != 0 {
		t.Fatalf("replay added %+v", added)
	}
	mustCheck(t, s)
}

// A revision the bureau still waits for attachments of keeps its local status.
func TestResyncAwaitingAttachments(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	f := submittedDeclaration(t, s, "六安市政务云扩容")
	r := RemoteFiling{ID: f.ID, Status: app.StatusDraft, RevisionID: f.Revision.ID, Awaiting: true, History: []app.Transition{}}
	if _, err := s.Resync(ctx, "c1", []RemoteFiling{r}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Get(ctx, f.ID); got.Status != app.StatusSubmitted || len(got.History) != 1 {
		t.Fatalf("status %s, history %+v", got.Status, got.History)
	}
	r.Awaiting, r.Status = false, app.StatusPreliminary // received, but an answer without history
	if _, err := s.Resync(ctx, "c2", []RemoteFiling{r}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Get(ctx, f.ID); got.Status != app.StatusSubmitted || len(got.History) != 1 {
		t.Fatalf("status %s, history %+v", got.Status, got.History)
	}
	mustCheck(t, s)
}

// A resync larger than one Badger transaction applies in parts, the cursor last.
func TestResyncLarge(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	long := strings.Repeat("请补充项目建设必要性论证并细化预算明细。", 2000) // ≈ 60 KB
	t0 := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	var remote []RemoteFiling
	for i := range 40 { // ≈ 5 MB of history and inbox, over one desktop-sized transaction
		f := submittedDeclaration(t, s, fmt.Sprintf("项目 %d", i))
		ret := decision(f, app.ActionReturn, app.StatusSubmitted, app.StatusReturned, t0.Add(time.Duration(i)*time.Minute), long)
		remote = append(remote, bureauView(f, t0, ret))
	}
	added, err := s.Resync(ctx, "cursor-big", remote)
	if err != nil {
		t.Fatalf("Resync of many filings: %v", err)
	}
	if len(added) != len(remote) {
		t.Fatalf("added %d entries, want %d", len(added), len(remote))
	}
	if c, _ := s.Cursor(ctx); c != "cursor-big" {
		t.Fatalf("cursor = %q", c)
	}
	if added, err := s.Resync(ctx, "cursor-big", remote); err != nil || len(added) != 0 {
		t.Fatalf("replay: %v, added %d", err, len(added))
	}
	if n, _ := s.UnreadCount(ctx); n != len(remote) {
		t.Fatalf("unread = %d", n)
	}
	if sums, _ := s.List(ctx, app.Query{Status: app.StatusReturned}); len(sums) != len(remote) {
		t.Fatalf("%d returned", len(sums))
	}
	mustCheck(t, s)
}
