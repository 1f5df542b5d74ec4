package storetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"slices"
	"testing"
	"time"

	"egovdesk/app"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server/bureaustore"
)

// restoreCases are the cases of restoring a unit's filings on a new
// machine (RestorePage, RestoreFiling) and of the revision change every
// received revision adds to its unit's feed.
var restoreCases = []struct {
	name string
	fn   func(t *testing.T, st bureaustore.Storage)
}{
	{"RestorePages", testRestorePages},
	{"RestoreInlineBudget", testRestoreInlineBudget},
	{"RestoreUnitScoping", testRestoreUnitScoping},
	{"RevisionChanges", testRevisionChanges},
}

func restorePage(t *testing.T, st bureaustore.Storage, unit, after string, limit int, budget int64) bureaustore.RestorePage {
	t.Helper()
	p, err := st.RestorePage(context.Background(), unit, after, limit, budget)
	if err != nil {
		t.Fatalf("RestorePage(%s, %q, %d, %d): %v", unit, after, limit, budget, err)
	}
	return p
}

func restoredIDs(fs []bureaustore.RestoreFiling) []string {
	var ids []string
	for _, f := range fs {
		ids = append(ids, f.Filing.Filing.ID)
	}
	return ids
}

// testRestorePages: a unit's filings come in pages in byte order of their
// IDs, whatever the order they were submitted in, each with every
// revision (oldest first, with its receipt and its body byte for byte)
// and its history; Total on the first page only, the feed's head and
// epoch on each; another unit's filings never.
func testRestorePages(t *testing.T, st bureaustore.Storage) {
	ctx := context.Background()
	addUnit(t, st, "u1")
	addUnit(t, st, "u2")
	ids := []string{"f5", "f1", "f7", "f3", "f2", "f6", "f4"}
	sent := map[string][]byte{}
	receipts := map[string]protocol.Receipt{}
	for i, id := range ids {
		s := sub(t, id, "r"+id, "", 1, "项目"+id)
		receipts["r"+id] = mustSubmit(t, st, "u1", s, t0.Add(time.Duration(i)*time.Minute))
		sent["r"+id] = s.Request.Body
	}
	// u2's filings, whose IDs fall between and around u1's.
	mustSubmit(t, st, "u2", sub(t, "f3b", "rf3b", "", 1, "乙单位的项目"), t0)
	mustSubmit(t, st, "u2", sub(t, "f0", "rf0", "", 1, "乙单位的项目"), t0)
	// f3 is returned with a comment and revised.
	decide(t, st, bureaustore.Decision{FilingID: "f3", Action: app.ActionReturn, Comment: "请补充建设内容"})
	s2 := sub(t, "f3", "rf3-2", "rf3", 2, "项目f3（补充后）")
	receipts["rf3-2"] = mustSubmit(t, st, "u1", s2, t0.Add(2*time.Hour))
	sent["rf3-2"] = s2.Request.Body

	feed := changes(t, st, bureaustore.ChangesQuery{Unit: "u1"})
	epoch, err := st.Epoch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []bureaustore.RestoreFiling
	after, pages := "", 0
	for {
		p := restorePage(t, st, "u1", after, 3, 1<<20)
		pages++
		want := 0
		if after == "" {
			want = len(ids)
		}
		if p.Total != want || p.Epoch != epoch || p.FeedSeq != feed.Last || feed.Last == 0 {
			t.Fatalf("page %d: total %d (want %d), epoch %q (%q), feed %d (%d)", pages, p.Total, want, p.Epoch, epoch, p.FeedSeq, feed.Last)
		}
		if len(p.Filings) == 0 || len(p.Filings) > 3 {
			t.Fatalf("page %d: %d filings", pages, len(p.Filings))
		}
		got = append(got, p.Filings...)
		if p.Next == "" {
			break
		}
		if last := p.Filings[len(p.Filings)-1].Filing.Filing.ID; p.Next != last {
			t.Fatalf("page %d: next %q, last filing %q", pages, p.Next, last)
		}
		if pages > 5 {
			t.Fatal("RestorePage: more than 5 pages of 3 for 7 filings")
		}
		after = p.Next
	}
	sorted := slices.Sorted(slices.Values(ids))
	if pages != 3 || !slices.Equal(restoredIDs(got), sorted) {
		t.Fatalf("%d pages, filings %v; want 3 pages, %v", pages, restoredIDs(got), sorted)
	}
	for _, f := range got {
		if f.Filing.Filing.UnitID != "u1" {
			t.Fatalf("filing %s of unit %s", f.Filing.Filing.ID, f.Filing.Filing.UnitID)
		}
		for i, r := range f.Revisions {
			rc, ok := receipts[r.ID]
			h := sha256.Sum256(r.Body)
			if !ok || r.Revision.Receipt.Revision != i+1 || r.Revision.Receipt.BodySHA256 != rc.BodySHA256 ||
				hex.EncodeToString(h[:]) != rc.BodySHA256 || !bytes.Equal(r.Body, sent[r.ID]) ||
				!r.Revision.Receipt.ReceivedAt.Equal(rc.ReceivedAt) || r.Revision.Receipt.Status != protocol.ReceiptReceived ||
				r.Revision.UnitID != "u1" {
				t.Fatalf("%s revision %d (%s): %+v, %d bytes; receipt %+v", f.Filing.Filing.ID, i+1, r.ID, r.Revision, len(r.Body), rc)
			}
		}
		want := []string{"r" + f.Filing.Filing.ID}
		if f.Filing.Filing.ID == "f3" {
			want = append(want, "rf3-2")
		}
		if rids := func() (out []string) {
			for _, r := range f.Revisions {
				out = append(out, r.ID)
			}
			return out
		}(); !slices.Equal(rids, want) {
			t.Fatalf("%s: revisions %v, want %v", f.Filing.Filing.ID, rids, want)
		}
	}
	f3 := got[slices.Index(sorted, "f3")]
	h := f3.Filing.Filing.History
	if len(h) != 3 || h[0].Action != app.ActionSubmit || h[1].Action != app.ActionReturn || h[1].Comment != "请补充建设内容" ||
		h[2].Action != app.ActionSubmit || h[2].RevisionID != "rf3-2" || f3.Filing.Filing.Status != app.StatusSubmitted ||
		f3.Filing.Title != "项目f3（补充后）" || f3.Filing.Filing.Revision.ID != "rf3-2" {
		t.Fatalf("the returned and revised filing: %+v", f3.Filing)
	}

	// A cursor that is no filing's ID pages on from where it falls; a page
	// that reaches the last filing has no Next, even when full.
	if p := restorePage(t, st, "u1", "f3a", 10, 1<<20); !slices.Equal(restoredIDs(p.Filings), []string{"f4", "f5", "f6", "f7"}) || p.Next != "" || p.Total != 0 {
		t.Fatalf("page after f3a: %v, next %q, total %d", restoredIDs(p.Filings), p.Next, p.Total)
	}
	if p := restorePage(t, st, "u1", "f6", 1, 1<<20); !slices.Equal(restoredIDs(p.Filings), []string{"f7"}) || p.Next != "" {
		t.Fatalf("last page of one: %v, next %q", restoredIDs(p.Filings), p.Next)
	}
	if p := restorePage(t, st, "u1", "", 7, 1<<20); len(p.Filings) != 7 || p.Next != "" || p.Total != 7 {
		t.Fatalf("one page of all 7: %d filings, next %q, total %d", len(p.Filings), p.Next, p.Total)
	}
	if p := restorePage(t, st, "u1", "f7", 3, 1<<20); len(p.Filings) != 0 || p.Next != "" {
		t.Fatalf("page after the last: %v, next %q", restoredIDs(p.Filings), p.Next)
	}

	// RestoreFiling reads the same, every body in.
	f, err := st.RestoreFiling(ctx, "u1", "f3")
	if err != nil || len(f.Revisions) != 2 || !bytes.Equal(f.Revisions[0].Body, sent["rf3"]) || !bytes.Equal(f.Revisions[1].Body, sent["rf3-2"]) ||
		len(f.Filing.Filing.History) != 3 {
		t.Fatalf("RestoreFiling f3: %+v, %v", f, err)
	}
}

// testRestoreInlineBudget: a page's bodies go inline while the budget
// lasts (bureaustore.Inline): the first filing's always, the others' only
// when they fit in what is left, a smaller later one even after a larger
// one was left out; a body left out is nil, its revision still listed.
func testRestoreInlineBudget(t *testing.T, st bureaustore.Storage) {
	ctx := context.Background()
	addUnit(t, st, "u1")
	size := map[string]int64{}
	for _, f := range []struct{ id, name string }{
		{"fa", "甲"}, {"fb", "一个名称很长很长很长很长很长很长很长很长很长很长的项目"}, {"fc", "丙"},
	} {
		s := sub(t, f.id, "r"+f.id, "", 1, f.name)
		mustSubmit(t, st, "u1", s, t0)
		size[f.id] = int64(len(s.Request.Body))
	}
	decide(t, st, bureaustore.Decision{FilingID: "fa", Action: app.ActionReturn, Comment: "补充"})
	s := sub(t, "fa", "rfa-2", "rfa", 2, "甲（补充后）")
	mustSubmit(t, st, "u1", s, t0.Add(2*time.Hour))
	size["fa"] += int64(len(s.Request.Body))
	if size["fb"] <= size["fc"] {
		t.Fatalf("fb's body (%d bytes) is to be larger than fc's (%d)", size["fb"], size["fc"])
	}
	inline := func(p bureaustore.RestorePage) (out []bool) {
		for _, f := range p.Filings {
			for _, r := range f.Revisions {
				out = append(out, r.Body != nil)
				if r.Body == nil && (r.ID == "" || r.Revision.Receipt.BodySHA256 == "") {
					t.Fatalf("a revision left out lost its record: %+v", r)
				}
			}
		}
		return out
	}
	for _, c := range []struct {
		name   string
		after  string
		budget int64
		want   []bool // fa's two revisions, fb, fc (from after on)
	}{
		{"no budget: the first filing's bodies only", "", 0, []bool{true, true, false, false}},
		{"the first filing's bodies count", "", size["fa"], []bool{true, true, false, false}},
		{"room for fb too", "", size["fa"] + size["fb"], []bool{true, true, true, false}},
		{"room for all", "", size["fa"] + size["fb"] + size["fc"], []bool{true, true, true, true}},
		{"fb left out, the smaller fc still in", "", size["fa"] + size["fc"], []bool{true, true, false, true}},
		{"the first filing of a later page", "fa", 0, []bool{true, false}},
	} {
		p := restorePage(t, st, "u1", c.after, 10, c.budget)
		if got := inline(p); !slices.Equal(got, c.want) {
			t.Errorf("%s: inline %v, want %v", c.name, got, c.want)
		}
	}
	// RestoreFiling has every body, whatever their size.
	for _, id := range []string{"fa", "fb", "fc"} {
		f, err := st.RestoreFiling(ctx, "u1", id)
		if err != nil || slices.Contains(inline(bureaustore.RestorePage{Filings: []bureaustore.RestoreFiling{f}}), false) {
			t.Fatalf("RestoreFiling %s: %+v, %v", id, f, err)
		}
	}
}

// testRestoreUnitScoping: a unit restores its own filings only; another
// unit's filing is not found, as one that does not exist.
func testRestoreUnitScoping(t *testing.T, st bureaustore.Storage) {
	ctx := context.Background()
	addUnit(t, st, "u1")
	addUnit(t, st, "u2")
	addUnit(t, st, "u3")
	mustSubmit(t, st, "u1", sub(t, "f1", "r1", "", 1, "甲单位"), t0)
	mustSubmit(t, st, "u2", sub(t, "f2", "r2", "", 1, "乙单位"), t0)
	if _, err := st.RestoreFiling(ctx, "u2", "f1"); !errors.Is(err, bureaustore.ErrNotFound) {
		t.Fatalf("u2 restores u1's filing: %v", err)
	}
	if _, err := st.RestoreFiling(ctx, "u1", "nope"); !errors.Is(err, bureaustore.ErrNotFound) {
		t.Fatalf("RestoreFiling of no filing: %v", err)
	}
	if f, err := st.RestoreFiling(ctx, "u1", "f1"); err != nil || f.Filing.Filing.ID != "f1" || len(f.Revisions) != 1 {
		t.Fatalf("RestoreFiling f1: %+v, %v", f, err)
	}
	if p := restorePage(t, st, "u2", "", 10, 1<<20); !slices.Equal(restoredIDs(p.Filings), []string{"f2"}) || p.Total != 1 || p.Next != "" {
		t.Fatalf("u2's page: %v, total %d", restoredIDs(p.Filings), p.Total)
	}
	if p := restorePage(t, st, "u2", "f1", 10, 1<<20); !slices.Equal(restoredIDs(p.Filings), []string{"f2"}) {
		t.Fatalf("u2's page after u1's filing: %v", restoredIDs(p.Filings))
	}
	epoch, err := st.Epoch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if p := restorePage(t, st, "u3", "", 10, 1<<20); len(p.Filings) != 0 || p.Total != 0 || p.Next != "" || p.FeedSeq != 0 || p.Epoch != epoch {
		t.Fatalf("page of a unit without filings: %+v", p)
	}
	// Each revision's change is in its own unit's feed only.
	for unit, fid := range map[string]string{"u1": "f1", "u2": "f2"} {
		if p := changes(t, st, bureaustore.ChangesQuery{Unit: unit}); len(p.Changes) != 1 || p.Changes[0].FilingID != fid {
			t.Fatalf("%s's feed: %+v", unit, p.Changes)
		}
	}
	if p := changes(t, st, bureaustore.ChangesQuery{Unit: "u3"}); len(p.Changes) != 0 {
		t.Fatalf("u3's feed: %+v", p.Changes)
	}
}

// testRevisionChanges: every revision received adds one ChangeRevision
// (the submission's transition) to its unit's feed and wakes it: a new
// one at once, one awaiting attachments when its last attachment
// completes, a new revision of a returned filing too; a resend, a refused
// submission, a revision still waiting add none.
func testRevisionChanges(t *testing.T, st bureaustore.Storage) {
	ctx := context.Background()
	addUnit(t, st, "u1")
	addUnit(t, st, "u2")
	woken := make(chan []string, 100)
	st.OnChange(func(units []string) { woken <- units })
	wake := func(what, unit string) {
		t.Helper()
		select {
		case units := <-woken:
			if !slices.Equal(units, []string{unit}) {
				t.Fatalf("%s: OnChange %v, want [%s]", what, units, unit)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: no OnChange", what)
		}
	}
	feed := func() []protocol.Change { return changes(t, st, bureaustore.ChangesQuery{Unit: "u1"}).Changes }
	check := func(c protocol.Change, fid, rid string, n int, at time.Time) {
		t.Helper()
		tr := c.Transition
		if c.Type != protocol.ChangeRevision || c.FilingID != fid || c.RevisionID != rid || !c.At.Equal(at) || c.ID == "" ||
			tr == nil || tr.Action != app.ActionSubmit || tr.RevisionID != rid || tr.RevisionNumber != n ||
			tr.To != app.StatusSubmitted || !tr.At.Equal(at) {
			t.Fatalf("change of %s/%s: %+v (transition %+v)", fid, rid, c, tr)
		}
	}

	mustSubmit(t, st, "u1", sub(t, "f1", "r1", "", 1, "一"), t0)
	wake("a submission", "u1")
	if c := feed(); len(c) != 1 || c[0].Seq != 1 {
		t.Fatalf("feed after a submission: %+v", c)
	} else {
		check(c[0], "f1", "r1", 1, t0)
	}
	// A resend writes nothing and wakes nobody: the next wake-up is u2's.
	if r := submitOne(t, st, "u1", sub(t, "f1", "r1", "", 1, "一"), t0.Add(time.Minute)); r.Err != nil || r.Created {
		t.Fatalf("resend: %+v", r)
	}
	mustSubmit(t, st, "u2", sub(t, "g1", "s1", "", 1, "乙"), t0)
	wake("a resend, then u2's submission", "u2")
	if c := feed(); len(c) != 1 {
		t.Fatalf("feed after a resend: %+v", c)
	}

	// A batch: one change for each new revision, in order; none for the
	// refused, the resend, the nil.
	bad := sub(t, "f4", "r4", "", 1, "四")
	bad.Invalid = app.Errorf(app.EINVALID, "不合规")
	res, err := st.Submit(ctx, bureaustore.Actor{UnitID: "u1", Name: "填报人"}, t0.Add(time.Hour), []*bureaustore.Submission{
		sub(t, "f3", "r3", "", 1, "三"), nil, bad, sub(t, "f5", "r5", "", 1, "五"), sub(t, "f1", "r1", "", 1, "一"),
	})
	if err != nil || res[2].Err == nil || !res[0].Created || !res[3].Created || res[4].Created {
		t.Fatalf("batch: %+v, %v", res, err)
	}
	wake("a batch", "u1")
	c := feed()
	if len(c) != 3 {
		t.Fatalf("feed after a batch of two new revisions: %+v", c)
	}
	check(c[1], "f3", "r3", 1, t0.Add(time.Hour))
	check(c[2], "f5", "r5", 1, t0.Add(time.Hour))

	// A revision awaiting an attachment: no change until the upload
	// completes it, then one, with the time it was received complete.
	a := app.Attachment{Material: "可研报告", Name: "可研.pdf", SHA256: sha("pdf"), Size: 3, MediaType: "application/pdf"}
	if rc := mustSubmit(t, st, "u1", sub(t, "f6", "r6", "", 1, "六", a), t0.Add(2*time.Hour)); rc.Status != protocol.ReceiptAwaitingAttachments {
		t.Fatalf("receipt waiting for a: %+v", rc)
	}
	mustSubmit(t, st, "u1", sub(t, "f6", "r6", "", 1, "六", a), t0.Add(2*time.Hour)) // resent while waiting
	if c := feed(); len(c) != 3 {
		t.Fatalf("feed while a revision waits: %+v", c)
	}
	done := t0.Add(3 * time.Hour)
	if _, err := st.CompleteUpload(ctx, "u1", a.SHA256, bureaustore.Upload{Size: 3, Offset: 3, Complete: true, Created: t0, Updated: done}, done); err != nil {
		t.Fatal(err)
	}
	wake("the upload completing a revision", "u1")
	c = feed()
	if len(c) != 4 {
		t.Fatalf("feed after the upload: %+v", c)
	}
	check(c[3], "f6", "r6", 1, done)
	if r := submitOne(t, st, "u1", sub(t, "f6", "r6", "", 1, "六", a), done.Add(time.Minute)); r.Err != nil || r.Receipt.Status != protocol.ReceiptReceived {
		t.Fatalf("resend after the upload: %+v", r)
	}
	if _, err := st.CompleteUpload(ctx, "u1", a.SHA256, bureaustore.Upload{Size: 3, Offset: 3, Complete: true, Created: t0, Updated: done}, done.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if c := feed(); len(c) != 4 {
		t.Fatalf("feed after a resend and a second completion: %+v", c)
	}

	// Revision 2 of a returned filing: the decision's change, then its own.
	decide(t, st, bureaustore.Decision{FilingID: "f1", Action: app.ActionReturn, Comment: "补充", Now: done})
	wake("a decision", "u1")
	mustSubmit(t, st, "u1", sub(t, "f1", "r1-2", "r1", 2, "一改"), done.Add(time.Hour))
	wake("revision 2", "u1")
	c = feed()
	if len(c) != 6 || c[4].Type != protocol.ChangeDecision {
		t.Fatalf("feed after a return and revision 2: %+v", c)
	}
	check(c[5], "f1", "r1-2", 2, done.Add(time.Hour))
	for i, ch := range c {
		if ch.Seq != uint64(i+1) {
			t.Fatalf("change %d has seq %d", i, ch.Seq)
		}
	}
}
