package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"egovdesk/sync/server/console"

	"egovdesk/sync/server/bureaustore"
)

// draftCases are the cases of the drafts kept for units: private to the
// unit, written over an expected version, deleted, paged and bounded.
var draftCases = []struct {
	name string
	fn   func(t *testing.T, st bureaustore.Storage)
}{
	{"DraftsUnitScoping", testDraftsScoping},
	{"DraftStaleVersion", testDraftConflict},
	{"DraftDelete", testDraftDelete},
	{"DraftPages", testDraftPages},
	{"DraftLimits", testDraftLimits},
	{"DraftRevisionKeys", testDraftRevisionKeys},
}

func draft(id, text string) bureaustore.Draft {
	return bureaustore.Draft{ID: id, SHA256: fmt.Sprintf("sha-%s", text), Updated: t0, Body: []byte(`{"text":"` + text + `"}`)}
}

func putDraft(t *testing.T, st bureaustore.Storage, unit string, d bureaustore.Draft, expected int64) bureaustore.Draft {
	t.Helper()
	got, err := st.PutDraft(context.Background(), unit, d, expected)
	if err != nil {
		t.Fatalf("PutDraft(%s, %s, %d): %v", unit, d.ID, expected, err)
	}
	if got.Version != expected+1 {
		t.Fatalf("PutDraft(%s, %s, %d): version %d, want %d", unit, d.ID, expected, got.Version, expected+1)
	}
	return got
}

func allDrafts(t *testing.T, st bureaustore.Storage, unit string, limit int) []bureaustore.Draft {
	t.Helper()
	var out []bureaustore.Draft
	after := ""
	for i := 0; ; i++ {
		p, err := st.Drafts(context.Background(), unit, after, limit)
		if err != nil {
			t.Fatalf("Drafts(%s, %q): %v", unit, after, err)
		}
		out = append(out, p.Drafts...)
		if p.Next == "" {
			return out
		}
		if i > 10000 {
			t.Fatal("Drafts never ends")
		}
		after = p.Next
	}
}

// testDraftsScoping: a unit lists, reads, overwrites and deletes only its
// own drafts, listed without their bodies; the same draft ID in two units is two drafts; drafts touch no
// filing, queue or feed.
func testDraftsScoping(t *testing.T, st bureaustore.Storage) {
	ctx := context.Background()
	addUnit(t, st, "u1")
	addUnit(t, st, "u2")
	putDraft(t, st, "u1", draft("d1", "一"), 0)
	putDraft(t, st, "u2", draft("d1", "二"), 0) // another unit's d1 is not u1's: version 1 again
	got := allDrafts(t, st, "u1", 10)
	if len(got) != 1 || got[0].ID != "d1" || got[0].SHA256 != "sha-一" || got[0].Version != 1 || got[0].Body != nil {
		t.Fatalf("u1 lists %+v, want its own d1 only, without its body", got)
	}
	for unit, want := range map[string]string{"u1": `{"text":"一"}`, "u2": `{"text":"二"}`} {
		d, err := st.Draft(ctx, unit, "d1")
		if err != nil || !bytes.Equal(d.Body, []byte(want)) || d.Version != 1 || d.ID != "d1" {
			t.Fatalf("Draft(%s, d1): %+v, %v; want %s", unit, d, err, want)
		}
	}
	if _, err := st.Draft(ctx, "u3", "d1"); !errors.Is(err, bureaustore.ErrNotFound) {
		t.Fatalf("another unit reads d1: %v, want ErrNotFound", err)
	}
	if got := allDrafts(t, st, "u3", 10); len(got) != 0 {
		t.Fatalf("a unit without drafts reads %d", len(got))
	}
	if err := st.DeleteDraft(ctx, "u3", "d1", 0); !errors.Is(err, bureaustore.ErrNotFound) {
		t.Fatalf("another unit deletes d1: %v, want ErrNotFound", err)
	}
	if got := allDrafts(t, st, "u2", 10); len(got) != 1 || got[0].Version != 1 {
		t.Fatalf("u2's draft after u3's attempt: %+v", got)
	}
	if q, err := st.Queue(ctx, console.QueueQuery{Limit: 100}, rules(t0.Add(time.Hour))); err != nil || len(q.Page.Items) != 0 {
		t.Fatalf("drafts in the review queue: %+v, %v", q.Page.Items, err)
	}
	if p, err := st.Changes(ctx, bureaustore.ChangesQuery{Unit: "u1", Limit: 100}); err != nil || len(p.Changes) != 0 {
		t.Fatalf("drafts in u1's change feed: %+v, %v", p.Changes, err)
	}
	if fs, err := st.UnitFilings(ctx, "u1"); err != nil || len(fs) != 0 {
		t.Fatalf("drafts among u1's filings: %+v, %v", fs, err)
	}
}

// testDraftConflict: a put over a stale version, or creating one that
// exists, fails with ErrConflict naming the stored version and keeps it.
func testDraftConflict(t *testing.T, st bureaustore.Storage) {
	ctx := context.Background()
	addUnit(t, st, "u1")
	putDraft(t, st, "u1", draft("d1", "甲"), 0)
	putDraft(t, st, "u1", draft("d1", "乙"), 1)
	for _, expected := range []int64{0, 1, 3} {
		_, err := st.PutDraft(ctx, "u1", draft("d1", "丙"), expected)
		var dc *bureaustore.DraftConflict
		if !errors.Is(err, bureaustore.ErrConflict) || !errors.As(err, &dc) || dc.Current != 2 {
			t.Fatalf("put over version %d of 2: %v, want a DraftConflict at 2", expected, err)
		}
	}
	got, err := st.Draft(ctx, "u1", "d1")
	if err != nil || got.Version != 2 || !bytes.Contains(got.Body, []byte("乙")) || got.SHA256 != "sha-乙" {
		t.Fatalf("after the refused puts: %+v, %v; want 乙 at version 2", got, err)
	}
	if _, err := st.PutDraft(ctx, "u1", draft("d9", "丁"), 4); !errors.Is(err, bureaustore.ErrConflict) {
		t.Fatalf("put over version 4 of a draft not kept: %v, want ErrConflict", err)
	}
}

// testDraftDelete: a delete over a stale version is refused; over the
// current one, or any (0), the draft is gone, and a second delete is
// ErrNotFound; the ID may be used again from version 1.
func testDraftDelete(t *testing.T, st bureaustore.Storage) {
	ctx := context.Background()
	addUnit(t, st, "u1")
	putDraft(t, st, "u1", draft("d1", "甲"), 0)
	putDraft(t, st, "u1", draft("d1", "乙"), 1)
	putDraft(t, st, "u1", draft("d2", "丙"), 0)
	if err := st.DeleteDraft(ctx, "u1", "d1", 1); !errors.Is(err, bureaustore.ErrConflict) {
		t.Fatalf("delete over a stale version: %v, want ErrConflict", err)
	}
	if err := st.DeleteDraft(ctx, "u1", "d1", 2); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if err := st.DeleteDraft(ctx, "u1", "d1", 0); !errors.Is(err, bureaustore.ErrNotFound) {
		t.Fatalf("second delete: %v, want ErrNotFound", err)
	}
	if err := st.DeleteDraft(ctx, "u1", "d2", 0); err != nil {
		t.Fatalf("delete whatever the version: %v", err)
	}
	if got := allDrafts(t, st, "u1", 10); len(got) != 0 {
		t.Fatalf("after the deletes: %+v", got)
	}
	if _, err := st.Draft(ctx, "u1", "d1"); !errors.Is(err, bureaustore.ErrNotFound) {
		t.Fatalf("a deleted draft reads: %v, want ErrNotFound", err)
	}
	putDraft(t, st, "u1", draft("d1", "戊"), 0)
}

// testDraftPages: pages in byte order of the IDs, whatever the order
// written, Total on the first page only, a cursor that is no draft's ID.
func testDraftPages(t *testing.T, st bureaustore.Storage) {
	ctx := context.Background()
	addUnit(t, st, "u1")
	addUnit(t, st, "u2")
	ids := []string{"d05", "d01", "d07", "d03", "d02", "d06", "d04"}
	for _, id := range ids {
		putDraft(t, st, "u1", draft(id, id), 0)
	}
	putDraft(t, st, "u2", draft("d00", "x"), 0)
	p, err := st.Drafts(ctx, "u1", "", 3)
	if err != nil {
		t.Fatal(err)
	}
	if p.Total != 7 || len(p.Drafts) != 3 || p.Drafts[0].ID != "d01" || p.Drafts[2].ID != "d03" || p.Next != "d03" {
		t.Fatalf("first page: total %d, %d drafts, next %q", p.Total, len(p.Drafts), p.Next)
	}
	p, err = st.Drafts(ctx, "u1", "d03", 3)
	if err != nil {
		t.Fatal(err)
	}
	if p.Total != 0 || len(p.Drafts) != 3 || p.Drafts[0].ID != "d04" || p.Next != "d06" {
		t.Fatalf("second page: total %d, %+v, next %q", p.Total, p.Drafts, p.Next)
	}
	p, err = st.Drafts(ctx, "u1", "d065", 3) // between two IDs
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Drafts) != 1 || p.Drafts[0].ID != "d07" || p.Next != "" {
		t.Fatalf("page after d065: %+v, next %q", p.Drafts, p.Next)
	}
	var got []string
	for _, d := range allDrafts(t, st, "u1", 2) {
		got = append(got, d.ID)
	}
	if fmt.Sprint(got) != "[d01 d02 d03 d04 d05 d06 d07]" {
		t.Fatalf("all pages: %v", got)
	}
}

// testDraftLimits: a body over MaxDraftBytes is refused (one at the limit
// is kept), and so is a new draft beyond MaxDraftsPerUnit, while the
// unit's existing drafts can still be overwritten and another unit is
// not bounded by it.
func testDraftLimits(t *testing.T, st bureaustore.Storage) {
	ctx := context.Background()
	addUnit(t, st, "u1")
	addUnit(t, st, "u2")
	big := bureaustore.Draft{ID: "big", SHA256: "x", Updated: t0, Body: bytes.Repeat([]byte("a"), bureaustore.MaxDraftBytes+1)}
	if _, err := st.PutDraft(ctx, "u1", big, 0); !errors.Is(err, bureaustore.ErrInvalid) {
		t.Fatalf("a draft of %d bytes: %v, want ErrInvalid", len(big.Body), err)
	}
	big.Body = big.Body[:bureaustore.MaxDraftBytes]
	putDraft(t, st, "u1", big, 0)
	if d, err := st.Draft(ctx, "u1", "big"); err != nil || len(d.Body) != bureaustore.MaxDraftBytes {
		t.Fatalf("the draft at the limit: %d bytes, %v", len(d.Body), err)
	}
	for i := 1; i < bureaustore.MaxDraftsPerUnit; i++ {
		putDraft(t, st, "u1", draft(fmt.Sprintf("n%05d", i), "x"), 0)
	}
	if _, err := st.PutDraft(ctx, "u1", draft("one-too-many", "x"), 0); !errors.Is(err, bureaustore.ErrInvalid) {
		t.Fatalf("draft %d of the unit: %v, want ErrInvalid", bureaustore.MaxDraftsPerUnit+1, err)
	}
	putDraft(t, st, "u1", draft("n00001", "y"), 1)
	putDraft(t, st, "u2", draft("n00001", "z"), 0)
}

// testDraftRevisionKeys: the client keeps the new revision of a returned
// filing under "<filing>@<base revision>" beside the filing's own draft
// key: each is a draft of its own, with its own version, body and
// deletion, listed in byte order of the keys ("f1" < "f1@r1" < "f1@r2" <
// "f2"), and a cursor at one of them goes on with the next.
func testDraftRevisionKeys(t *testing.T, st bureaustore.Storage) {
	ctx := context.Background()
	addUnit(t, st, "u1")
	addUnit(t, st, "u2")
	putDraft(t, st, "u1", draft("f2", "乙"), 0)
	putDraft(t, st, "u1", draft("f1@r2", "第三版"), 0)
	putDraft(t, st, "u1", draft("f1", "新草稿"), 0)
	putDraft(t, st, "u1", draft("f1@r1", "第二版"), 0)
	putDraft(t, st, "u1", draft("f1@r1", "第二版又改"), 1)
	putDraft(t, st, "u2", draft("f1@r1", "另一单位"), 0)
	var got []string
	for _, d := range allDrafts(t, st, "u1", 1) {
		got = append(got, fmt.Sprintf("%s:%d", d.ID, d.Version))
	}
	if fmt.Sprint(got) != "[f1:1 f1@r1:2 f1@r2:1 f2:1]" {
		t.Fatalf("u1's drafts, a page at a time: %v", got)
	}
	p, err := st.Drafts(ctx, "u1", "f1@r1", 10)
	if err != nil || len(p.Drafts) != 2 || p.Drafts[0].ID != "f1@r2" {
		t.Fatalf("page after f1@r1: %+v, %v", p.Drafts, err)
	}
	for id, want := range map[string]string{"f1": "新草稿", "f1@r1": "第二版又改", "f1@r2": "第三版"} {
		d, err := st.Draft(ctx, "u1", id)
		if err != nil || !bytes.Contains(d.Body, []byte(want)) || d.ID != id {
			t.Fatalf("Draft(%s): %+v, %v; want %s", id, d, err, want)
		}
	}
	if err := st.DeleteDraft(ctx, "u1", "f1@r1", 1); !errors.Is(err, bureaustore.ErrConflict) {
		t.Fatalf("delete f1@r1 over a stale version: %v", err)
	}
	if err := st.DeleteDraft(ctx, "u1", "f1@r1", 2); err != nil {
		t.Fatal(err)
	}
	got = got[:0]
	for _, d := range allDrafts(t, st, "u1", 10) {
		got = append(got, d.ID)
	}
	if fmt.Sprint(got) != "[f1 f1@r2 f2]" {
		t.Fatalf("after deleting f1@r1: %v", got)
	}
	if d, err := st.Draft(ctx, "u2", "f1@r1"); err != nil || !bytes.Contains(d.Body, []byte("另一单位")) {
		t.Fatalf("u2's f1@r1: %+v, %v", d, err)
	}
}
