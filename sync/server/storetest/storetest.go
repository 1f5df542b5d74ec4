// Package storetest is the conformance suite of the bureau's storage seam
// (egovdesk/sync/server/bureaustore): every implementation runs it from a
// test of its own,
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) bureaustore.Storage { return open(t, t.TempDir()) })
//	}
//
// open returns a new, empty store for each subtest and arranges its Close
// (t.Cleanup). The suite pins what the HTTP layer relies on: exactly-once
// submission, revision conflicts, attachments that a revision waits for,
// the change feeds' order, cursors, epochs and retention, review
// decisions against a stale view, unit scoping, and the queue's pages;
// admin.go pins the console's admin pages (units, accounts, tokens, the
// register of existing systems) and the queue's counts, steps.go a
// profile's review steps: a joint step's
// concurrences, the queue's Waiting filter, 核定 amounts and remarks on
// decisions, and views that concurrences leave current; restore.go a
// unit's filings read for a restore on a new machine and the revision
// change every received revision adds to its unit's feed.
package storetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/emmansun/gmsm/sm3"

	"egovdesk/app"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server/bureaustore"
	"egovdesk/sync/server/console"
)

// Run runs the suite, each case on a fresh store from open.
func Run(t *testing.T, open func(t *testing.T) bureaustore.Storage) {
	cases := []struct {
		name string
		fn   func(t *testing.T, st bureaustore.Storage)
	}{
		{"SubmitExactlyOnce", testSubmitExactlyOnce},
		{"SubmitConcurrentResends", testSubmitConcurrentResends},
		{"SubmitConcurrentUnits", testSubmitConcurrentUnits},
		{"RevisionConflict", testRevisionConflict},
		{"SubmitRefusalLeavesNothing", testSubmitRefusal},
		{"NewRevisionOfReturnedFiling", testNewRevision},
		{"UnitWithdraws", testWithdraw},
		{"Attachments", testAttachments},
		{"ManyRevisionsWaitForOneUpload", testManyWaiting},
		{"ProjectFilings", testProjectFilings},
		{"ProjectRule", testProjectRule},
		{"RevisionsByCode", testRevisionsByCode},
		{"AttachmentSizes", testAttachmentSizes},
		{"ChangeFeed", testChangeFeed},
		{"ChangeFeedEpochAndRetention", testChangeEpoch},
		{"Review", testReview},
		{"UnitScoping", testUnitScoping},
		{"UnitFilingsPages", testUnitFilingsPages},
		{"QueuePaging", testQueuePaging},
		{"QueueSearchByWords", testQueueSearchByWords},
		{"Accounts", testAccounts},
		{"Tokens", testTokens},
		{"Profile", testProfile},
		{"Uploads", testUploads},
		{"UnreferencedUploads", testUnreferencedUploads},
		{"Similar", testSimilar},
		{"Backup", testBackup},
		{"DecisionWakesFeed", testDecisionWakes},
	}
	cases = append(cases, adminCases...) // admin.go
	cases = append(cases, stepCases...)  // the review steps' cases, steps.go
	cases = append(cases, restoreCases...)
	cases = append(cases, draftCases...)  // drafts kept for units, drafts.go
	cases = append(cases, auditCases...)  // audit.go
	cases = append(cases, policyCases...) // password and session policy, policy.go
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { c.fn(t, open(t)) })
	}
}

var t0 = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

// credit codes with a valid check digit are not needed by the store: it
// takes units as given.
func addUnit(t *testing.T, st bureaustore.Storage, id string) protocol.Unit {
	t.Helper()
	u := protocol.Unit{ID: id, Name: "单位" + id, Code: "CODE-" + id, Created: t0}
	if err := st.AddUnit(context.Background(), u); err != nil {
		t.Fatalf("AddUnit %s: %v", id, err)
	}
	return u
}

// Submission returns a submission of revision n (ID rid) of declaration
// fid named name, on base, with the attachments atts: for an
// implementation's own tests.
func Submission(t *testing.T, fid, rid, base string, n int, name string, atts ...app.Attachment) *bureaustore.Submission {
	t.Helper()
	return sub(t, fid, rid, base, n, name, atts...)
}

// sub returns a submission of revision n (ID rid) of declaration fid, on
// base, with the attachments atts.
func sub(t *testing.T, fid, rid, base string, n int, name string, atts ...app.Attachment) *bureaustore.Submission {
	t.Helper()
	b := app.Body{ID: fid, Kind: app.KindDeclaration, Revision: n, RevisionID: rid, BaseID: base,
		Attachments: atts, Declaration: &app.Declaration{PlanYear: 2027, ProjectName: name, TotalInvestment: 1000000,
			Budget: []app.BudgetItem{{Category: app.BudgetHardware, Name: "服务器", Amount: 1000000}}}}
	data, sum, err := b.Encode()
	if err != nil {
		t.Fatal(err)
	}
	return &bureaustore.Submission{Body: b, Request: protocol.SubmitRequest{FilingID: fid, RevisionID: rid,
		BaseRevisionID: base, Revision: n, Body: data, BodySHA256: sum}}
}

func submitOne(t *testing.T, st bureaustore.Storage, unit string, s *bureaustore.Submission, now time.Time) bureaustore.SubmitResult {
	t.Helper()
	res, err := st.Submit(context.Background(), bureaustore.Actor{UnitID: unit, Name: "填报人"}, now, []*bureaustore.Submission{s})
	if err != nil {
		t.Fatalf("Submit: %v", err)
	}
	if len(res) != 1 {
		t.Fatalf("Submit: %d results for 1", len(res))
	}
	return res[0]
}

func mustSubmit(t *testing.T, st bureaustore.Storage, unit string, s *bureaustore.Submission, now time.Time) protocol.Receipt {
	t.Helper()
	r := submitOne(t, st, unit, s, now)
	if r.Err != nil {
		t.Fatalf("Submit %s/%s refused: %v", s.Body.ID, s.Body.RevisionID, r.Err)
	}
	return r.Receipt
}

func rules(now time.Time) bureaustore.QueueRules {
	return bureaustore.QueueRules{Now: now, Due: func(since time.Time) time.Time { return since.Add(10 * 24 * time.Hour) }}
}

func queueIDs(t *testing.T, st bureaustore.Storage, q console.QueueQuery) []string {
	t.Helper()
	var ids []string
	for range 100 {
		res, err := st.Queue(context.Background(), q, rules(t0.Add(time.Hour)))
		if err != nil {
			t.Fatalf("Queue: %v", err)
		}
		if len(res.Filings) != len(res.Page.Items) {
			t.Fatalf("Queue: %d records for %d items", len(res.Filings), len(res.Page.Items))
		}
		for i, e := range res.Page.Items {
			if res.Filings[i].Filing.ID != e.ID {
				t.Fatalf("Queue: record %d is %s, item %s", i, res.Filings[i].Filing.ID, e.ID)
			}
			ids = append(ids, e.ID)
		}
		if res.Page.Next == "" {
			return ids
		}
		q.After = res.Page.Next
	}
	t.Fatal("Queue: more than 100 pages")
	return nil
}

func changes(t *testing.T, st bureaustore.Storage, q bureaustore.ChangesQuery) bureaustore.ChangesPage {
	t.Helper()
	if q.Limit == 0 {
		q.Limit = 100
	}
	p, err := st.Changes(context.Background(), q)
	if err != nil {
		t.Fatalf("Changes: %v", err)
	}
	return p
}

func wantErr(t *testing.T, what string, err, kind error) {
	t.Helper()
	if !errors.Is(err, kind) {
		t.Fatalf("%s: got %v, want %v", what, err, kind)
	}
}

func sha(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func testSubmitExactlyOnce(t *testing.T, st bureaustore.Storage) {
	ctx := context.Background()
	addUnit(t, st, "u1")
	s := sub(t, "f1", "r1", "", 1, "政务云平台")
	first := submitOne(t, st, "u1", s, t0)
	if first.Err != nil || !first.Created {
		t.Fatalf("first submit: %+v", first)
	}
	if first.Receipt.Status != protocol.ReceiptReceived || first.Receipt.FilingStatus != app.StatusSubmitted ||
		first.Receipt.BodySHA256 != s.Request.BodySHA256 || !first.Receipt.ReceivedAt.Equal(t0) {
		t.Fatalf("first receipt: %+v", first.Receipt)
	}
	// The resend, later, even under rules that would now refuse it.
	s2 := sub(t, "f1", "r1", "", 1, "政务云平台")
	s2.Invalid = errors.New("rules changed")
	again := submitOne(t, st, "u1", s2, t0.Add(time.Hour))
	if again.Err != nil || again.Created {
		t.Fatalf("resend: %+v", again)
	}
	if !again.Receipt.ReceivedAt.Equal(first.Receipt.ReceivedAt) || again.Receipt.RevisionID != "r1" ||
		again.Receipt.BodySHA256 != first.Receipt.BodySHA256 || again.Receipt.Status != first.Receipt.Status {
		t.Fatalf("resend receipt %+v, first %+v", again.Receipt, first.Receipt)
	}
	// SM3 beside SHA-256, over the bytes as received, kept with the
	// revision: the resend's receipt (read back from the store) has it.
	if sm := sm3.Sum(s.Request.Body); first.Receipt.BodySM3 != hex.EncodeToString(sm[:]) ||
		again.Receipt.BodySM3 != first.Receipt.BodySM3 || again.Receipt.UnitID != "u1" {
		t.Fatalf("receipt SM3 / unit: first %+v, resend %+v, want SM3 %x", first.Receipt, again.Receipt, sm)
	}
	fs, err := st.UnitFilings(ctx, "u1")
	if err != nil || len(fs) != 1 || len(fs[0].Filing.History) != 1 {
		t.Fatalf("UnitFilings after a resend: %+v, %v", fs, err)
	}
	// The revision is in the unit's feed once: the resend added nothing.
	if p := changes(t, st, bureaustore.ChangesQuery{Unit: "u1"}); len(p.Changes) != 1 || p.Last != 1 ||
		p.Changes[0].Type != protocol.ChangeRevision || p.Changes[0].FilingID != "f1" || p.Changes[0].RevisionID != "r1" {
		t.Fatalf("feed after a submission and its resend: %+v", p.Changes)
	}
	if ids := queueIDs(t, st, console.QueueQuery{}); !slices.Equal(ids, []string{"f1"}) {
		t.Fatalf("queue after a resend: %v", ids)
	}
	v, err := st.Filing(ctx, "u1", "f1")
	if err != nil || string(v.Body) != string(s.Request.Body) || v.BodySHA256 != s.Request.BodySHA256 || v.Title != "政务云平台" {
		t.Fatalf("Filing: %+v, %v", v, err)
	}
	// A new revision refused by the content rules is not stored.
	bad := sub(t, "f2", "r2", "", 1, "x")
	bad.Invalid = app.Errorf(app.EINVALID, "项目名称太短")
	if r := submitOne(t, st, "u1", bad, t0); r.Err == nil || app.ErrorCode(r.Err) != app.EINVALID {
		t.Fatalf("invalid new revision: %+v", r)
	}
	if _, err := st.Filing(ctx, "", "f2"); !errors.Is(err, bureaustore.ErrNotFound) {
		t.Fatalf("refused filing stored: %v", err)
	}
	if p := changes(t, st, bureaustore.ChangesQuery{Unit: "u1"}); len(p.Changes) != 1 {
		t.Fatalf("a refused submission changed the feed: %+v", p.Changes)
	}
}

func testSubmitConcurrentResends(t *testing.T, st bureaustore.Storage) {
	addUnit(t, st, "u1")
	var wg sync.WaitGroup
	results := make([]bureaustore.SubmitResult, 8)
	for i := range results {
		wg.Go(func() {
			res, err := st.Submit(context.Background(), bureaustore.Actor{UnitID: "u1", Name: "a"}, t0,
				[]*bureaustore.Submission{sub(t, "f1", "r1", "", 1, "同一份")})
			if err != nil {
				t.Errorf("Submit: %v", err)
				return
			}
			results[i] = res[0]
		})
	}
	wg.Wait()
	created := 0
	for _, r := range results {
		if r.Err != nil {
			t.Fatalf("concurrent resend refused: %v", r.Err)
		}
		if r.Created {
			created++
		}
	}
	if created != 1 {
		t.Fatalf("%d of 8 concurrent sends created the revision, want 1", created)
	}
}

// testSubmitConcurrentUnits has clerks of three units submit at once,
// one filing a call, each resending one it sent before and trying
// another unit's filing, as group commits see them: every filing is
// stored once, in its own unit's feed only, which counts its changes
// without a gap; a resend is answered with the first receipt; another
// unit's filing is not found.
func testSubmitConcurrentUnits(t *testing.T, st bureaustore.Storage) {
	units := []string{"u1", "u2", "u3"}
	for _, u := range units {
		addUnit(t, st, u)
	}
	const clerks, each = 4, 10
	var wg sync.WaitGroup
	for ui, u := range units {
		for c := range clerks {
			wg.Go(func() {
				by := bureaustore.Actor{UnitID: u, Name: "填报人"}
				send := func(s *bureaustore.Submission) bureaustore.SubmitResult {
					res, err := st.Submit(context.Background(), by, t0, []*bureaustore.Submission{s})
					if err != nil || len(res) != 1 {
						t.Errorf("Submit %s: %v", s.Body.ID, err)
						return bureaustore.SubmitResult{}
					}
					return res[0]
				}
				var first protocol.Receipt
				for i := range each {
					id := fmt.Sprintf("%s-c%d-f%d", u, c, i)
					r := send(sub(t, id, "r-"+id, "", 1, "项目"+id))
					if r.Err != nil || !r.Created {
						t.Errorf("%s: %+v", id, r)
					}
					if i == 0 {
						first = r.Receipt
					}
				}
				id0 := fmt.Sprintf("%s-c%d-f0", u, c)
				if r := send(sub(t, id0, "r-"+id0, "", 1, "项目"+id0)); r.Err != nil || r.Created || !reflect.DeepEqual(r.Receipt, first) {
					t.Errorf("resend of %s: %+v, want the first receipt %+v", id0, r, first)
				}
				other := units[(ui+1)%len(units)]
				oid := fmt.Sprintf("%s-c%d-f1", other, c)
				if r := send(sub(t, oid, "r2-"+oid, "r-"+oid, 2, "别人的")); !errors.Is(r.Err, bureaustore.ErrNotFound) && !errors.Is(r.Err, bureaustore.ErrConflict) {
					t.Errorf("%s wrote %s of %s: %+v", u, oid, other, r)
				}
			})
		}
	}
	wg.Wait()
	for _, u := range units {
		seen := map[string]bool{}
		var seq uint64
		for q := (bureaustore.ChangesQuery{Unit: u}); ; {
			p := changes(t, st, q)
			for _, c := range p.Changes {
				if c.Seq != seq+1 {
					t.Fatalf("%s feed: seq %d after %d", u, c.Seq, seq)
				}
				seq = c.Seq
				if c.FilingID == "" || seen[c.FilingID] || c.FilingID[:len(u)+1] != u+"-" {
					t.Fatalf("%s feed: change %d of filing %q (twice, or another unit's)", u, c.Seq, c.FilingID)
				}
				seen[c.FilingID] = true
			}
			if !p.More {
				break
			}
			q = bureaustore.ChangesQuery{Unit: u, HasCursor: true, Epoch: p.Epoch, Seq: p.Last}
		}
		if len(seen) != clerks*each {
			t.Fatalf("%s feed holds %d filings, want %d", u, len(seen), clerks*each)
		}
	}
}

func testRevisionConflict(t *testing.T, st bureaustore.Storage) {
	addUnit(t, st, "u1")
	mustSubmit(t, st, "u1", sub(t, "f1", "r1", "", 1, "甲项目"), t0)
	r := submitOne(t, st, "u1", sub(t, "f1", "r1", "", 1, "乙项目"), t0.Add(time.Minute))
	wantErr(t, "another body under one revision", r.Err, bureaustore.ErrConflict)
	var p *protocol.Problem
	if !errors.As(r.Err, &p) || p.Code != protocol.CodeRevisionConflict {
		t.Fatalf("revision conflict: %v, want problem %s", r.Err, protocol.CodeRevisionConflict)
	}
	v, err := st.Filing(context.Background(), "u1", "f1")
	if err != nil || v.Title != "甲项目" {
		t.Fatalf("the first body must stand: %+v, %v", v.Filing, err)
	}
}

func testSubmitRefusal(t *testing.T, st bureaustore.Storage) {
	addUnit(t, st, "u1")
	// In one batch: a good one, a stale base, a bad number, a good one.
	subs := []*bureaustore.Submission{
		sub(t, "f1", "r1", "", 1, "一"),
		sub(t, "f2", "r2", "nope", 1, "二"),
		sub(t, "f3", "r3", "", 2, "三"),
		nil,
		sub(t, "f4", "r4", "", 1, "四"),
	}
	res, err := st.Submit(context.Background(), bureaustore.Actor{UnitID: "u1", Name: "a"}, t0, subs)
	if err != nil || len(res) != len(subs) {
		t.Fatalf("Submit: %d results, %v", len(res), err)
	}
	if res[0].Err != nil || res[4].Err != nil || !res[0].Created || !res[4].Created {
		t.Fatalf("good submissions: %+v %+v", res[0], res[4])
	}
	wantErr(t, "stale base", res[1].Err, bureaustore.ErrConflict)
	var p *protocol.Problem
	if !errors.As(res[1].Err, &p) || p.Code != protocol.CodeStaleBase {
		t.Fatalf("stale base: %v", res[1].Err)
	}
	wantErr(t, "revision 2 of a new filing", res[2].Err, bureaustore.ErrInvalid)
	if res[3].Err != nil || res[3].Created || res[3].Receipt.FilingID != "" {
		t.Fatalf("nil submission got %+v", res[3])
	}
	fs, err := st.UnitFilings(context.Background(), "u1")
	if err != nil || len(fs) != 2 {
		t.Fatalf("stored %d filings, want 2: %v", len(fs), err)
	}
}

// decide applies a decision and fails the test when it is refused.
func decide(t *testing.T, st bureaustore.Storage, d bureaustore.Decision) bureaustore.DecisionResult {
	t.Helper()
	if d.Actor == "" {
		d.Actor, d.Role = "审核员", app.RoleReviewer
	}
	if d.Now.IsZero() {
		d.Now = t0.Add(time.Hour)
	}
	res, err := st.Decide(context.Background(), d)
	if err != nil {
		t.Fatalf("Decide %s %s: %v", d.FilingID, d.Action, err)
	}
	return res
}

func testNewRevision(t *testing.T, st bureaustore.Storage) {
	addUnit(t, st, "u1")
	mustSubmit(t, st, "u1", sub(t, "f1", "r1", "", 1, "一"), t0)
	// Not returned yet: no new revision.
	r := submitOne(t, st, "u1", sub(t, "f1", "r2", "r1", 2, "一改"), t0.Add(time.Minute))
	wantErr(t, "new revision of a submitted filing", r.Err, bureaustore.ErrConflict)
	decide(t, st, bureaustore.Decision{FilingID: "f1", Action: app.ActionReturn, Comment: "补充材料"})
	if ids := queueIDs(t, st, console.QueueQuery{}); len(ids) != 0 {
		t.Fatalf("returned filing still queued: %v", ids)
	}
	r = submitOne(t, st, "u1", sub(t, "f1", "r2", "", 2, "一改"), t0.Add(2*time.Hour))
	wantErr(t, "new revision on no base", r.Err, bureaustore.ErrConflict)
	rc := mustSubmit(t, st, "u1", sub(t, "f1", "r2", "r1", 2, "一改"), t0.Add(2*time.Hour))
	if rc.Revision != 2 || rc.FilingStatus != app.StatusSubmitted {
		t.Fatalf("revision 2 receipt: %+v", rc)
	}
	v, err := st.Revision(context.Background(), "f1", "1")
	if err != nil || v.RevisionID != "r1" || v.Revision.Receipt.Revision != 1 || len(v.Body) == 0 || v.Unit.ID != "u1" {
		t.Fatalf("Revision by number: %+v, %v", v, err)
	}
	if v, err = st.Revision(context.Background(), "f1", "r2"); err != nil || v.Filing.Title != "一改" {
		t.Fatalf("Revision by ID: %+v, %v", v, err)
	}
	if _, err := st.Revision(context.Background(), "f1", "3"); !errors.Is(err, bureaustore.ErrNotFound) {
		t.Fatalf("Revision 3: %v", err)
	}
	r2, err := st.Revision(context.Background(), "f1", "r2")
	if err != nil {
		t.Fatal(err)
	}
	vs, err := st.RevisionsByCode(context.Background(), app.PrintCode{RevisionID: app.CodeID("r2"), Revision: 2,
		BodySHA256: r2.Revision.Receipt.BodySHA256[:12]}, 1)
	if err != nil || !slices.ContainsFunc(vs, func(v bureaustore.RevisionView) bool { return v.RevisionID == "r2" && v.Filing.Filing.ID == "f1" }) {
		t.Fatalf("RevisionsByCode: %+v, %v", vs, err)
	}
	if ids := queueIDs(t, st, console.QueueQuery{}); !slices.Equal(ids, []string{"f1"}) {
		t.Fatalf("queue after revision 2: %v", ids)
	}
}

// withdraw is unit's withdrawal of revision rid of filing fid, as the API
// asks the store for it.
func withdraw(st bureaustore.Storage, unit, fid, rid, reason string, now time.Time) (bureaustore.DecisionResult, error) {
	return st.Decide(context.Background(), bureaustore.Decision{FilingID: fid, Actor: "张三", Role: app.RoleUnit,
		Action: app.ActionWithdraw, Comment: reason, Unit: unit, RevisionID: rid, Now: now})
}

// testWithdraw: a unit takes back a submission the bureau has not begun on
// (受理); it leaves the queue, the unit's feed says so, and the unit sends a
// new revision of it. Another unit's filing is not found; another revision
// than the head, or a filing the bureau has accepted, is refused and
// nothing changes.
func testWithdraw(t *testing.T, st bureaustore.Storage) {
	ctx := context.Background()
	addUnit(t, st, "u1")
	addUnit(t, st, "u2")
	mustSubmit(t, st, "u1", sub(t, "f1", "r1", "", 1, "撤回"), t0)
	mustSubmit(t, st, "u1", sub(t, "f2", "s1", "", 1, "已受理"), t0)

	if _, err := withdraw(st, "u2", "f1", "r1", "", t0.Add(time.Hour)); !errors.Is(err, bureaustore.ErrNotFound) {
		t.Fatalf("another unit's withdrawal: %v", err)
	}
	if _, err := withdraw(st, "u1", "f1", "r0", "", t0.Add(time.Hour)); !errors.Is(err, bureaustore.ErrConflict) {
		t.Fatalf("withdrawal of a revision that is not the head: %v", err)
	}
	res, err := withdraw(st, "u1", "f1", "r1", "附件传错了", t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if tr := res.Transition; tr.Action != app.ActionWithdraw || tr.Role != app.RoleUnit || tr.To != app.StatusWithdrawn ||
		tr.Comment != "附件传错了" || tr.RevisionID != "r1" || res.Filing.Filing.Status != app.StatusWithdrawn {
		t.Fatalf("withdrawal: %+v", res)
	}
	if ids := queueIDs(t, st, console.QueueQuery{}); !slices.Equal(ids, []string{"f2"}) {
		t.Fatalf("queue after the withdrawal: %v", ids)
	}
	p := changes(t, st, bureaustore.ChangesQuery{Unit: "u1"})
	if c := p.Changes[len(p.Changes)-1]; c.Type != protocol.ChangeDecision || c.FilingID != "f1" || c.Transition == nil ||
		c.Transition.Action != app.ActionWithdraw {
		t.Fatalf("feed after the withdrawal: %+v", p.Changes)
	}
	// Twice: refused, the filing as it stands (the API answers a repeat).
	_, err = withdraw(st, "u1", "f1", "r1", "", t0.Add(2*time.Hour))
	var refused *bureaustore.DecisionRefused
	if !errors.As(err, &refused) || refused.Current.Status != app.StatusWithdrawn || app.ErrorCode(err) != app.EINVALID {
		t.Fatalf("second withdrawal: %v", err)
	}
	// A reviewer's decision on it is refused.
	if _, err := st.Decide(ctx, bureaustore.Decision{FilingID: "f1", Actor: "审核员", Role: app.RoleReviewer,
		Action: app.ActionAccept, Now: t0.Add(2 * time.Hour)}); !errors.As(err, &refused) {
		t.Fatalf("受理 of a withdrawn filing: %v", err)
	}

	// Once accepted, it cannot be withdrawn.
	decide(t, st, bureaustore.Decision{FilingID: "f2", Action: app.ActionAccept, From: app.StatusSubmitted})
	if _, err := withdraw(st, "u1", "f2", "s1", "", t0.Add(2*time.Hour)); !errors.As(err, &refused) ||
		refused.Current.Status != app.StatusPreliminary || app.ErrorCode(err) != app.EINVALID {
		t.Fatalf("withdrawal after 受理: %v", err)
	}
	if v, err := st.Filing(ctx, "u1", "f2"); err != nil || v.Filing.Filing.Status != app.StatusPreliminary || len(v.Filing.Filing.History) != 2 {
		t.Fatalf("accepted filing after a refused withdrawal: %+v, %v", v.Filing.Filing, err)
	}

	// The unit sends it again as revision 2: back in the queue.
	rc := mustSubmit(t, st, "u1", sub(t, "f1", "r2", "r1", 2, "撤回后重报"), t0.Add(3*time.Hour))
	if rc.Revision != 2 || rc.FilingStatus != app.StatusSubmitted {
		t.Fatalf("revision 2 after the withdrawal: %+v", rc)
	}
	v, err := st.Filing(ctx, "u1", "f1")
	if err != nil {
		t.Fatal(err)
	}
	var acts []app.Action
	for _, h := range v.Filing.Filing.History {
		acts = append(acts, h.Action)
	}
	if !slices.Equal(acts, []app.Action{app.ActionSubmit, app.ActionWithdraw, app.ActionSubmit}) {
		t.Fatalf("history: %v", acts)
	}
	if ids := queueIDs(t, st, console.QueueQuery{}); len(ids) != 2 {
		t.Fatalf("queue after revision 2: %v", ids)
	}
}

func testAttachments(t *testing.T, st bureaustore.Storage) {
	ctx := context.Background()
	addUnit(t, st, "u1")
	addUnit(t, st, "u2")
	a := app.Attachment{Material: "可研报告", Name: "可研.pdf", SHA256: sha("pdf"), Size: 3, MediaType: "application/pdf"}
	b := app.Attachment{Material: "图纸", Name: "图.png", SHA256: sha("png"), Size: 3, MediaType: "image/png"}
	// b is complete before the revision arrives.
	if _, err := st.CompleteUpload(ctx, "u1", b.SHA256, bureaustore.Upload{Size: 3, Offset: 3, Complete: true, Created: t0, Updated: t0}, t0); err != nil {
		t.Fatal(err)
	}
	rc := mustSubmit(t, st, "u1", sub(t, "f1", "r1", "", 1, "带附件", a, b), t0)
	if rc.Status != protocol.ReceiptAwaitingAttachments || len(rc.Missing) != 1 || rc.Missing[0].SHA256 != a.SHA256 {
		t.Fatalf("receipt of a revision waiting for a: %+v", rc)
	}
	if ids := queueIDs(t, st, console.QueueQuery{}); len(ids) != 0 {
		t.Fatalf("waiting revision queued: %v", ids)
	}
	v, err := st.Filing(ctx, "", "f1")
	if err != nil || len(v.Missing) != 1 || v.Filing.Filing.Revision.Submitted() {
		t.Fatalf("waiting filing: %+v, %v", v, err)
	}
	// Another unit's upload of the same bytes does not complete u1's.
	if _, err := st.CompleteUpload(ctx, "u2", a.SHA256, bureaustore.Upload{Size: 3, Offset: 3, Complete: true, Created: t0, Updated: t0}, t0); err != nil {
		t.Fatal(err)
	}
	if r := submitOne(t, st, "u1", sub(t, "f1", "r1", "", 1, "带附件", a, b), t0); r.Err != nil || r.Receipt.Status != protocol.ReceiptAwaitingAttachments {
		t.Fatalf("resend after another unit's upload: %+v", r)
	}
	up, err := st.CompleteUpload(ctx, "u1", a.SHA256, bureaustore.Upload{Size: 3, Offset: 3, Complete: true, Created: t0, Updated: t0}, t0.Add(time.Minute))
	if err != nil || !up.Complete {
		t.Fatalf("CompleteUpload: %+v, %v", up, err)
	}
	r := submitOne(t, st, "u1", sub(t, "f1", "r1", "", 1, "带附件", a, b), t0.Add(2*time.Minute))
	if r.Err != nil || r.Created || r.Receipt.Status != protocol.ReceiptReceived || len(r.Receipt.Missing) != 0 ||
		r.Receipt.FilingStatus != app.StatusSubmitted {
		t.Fatalf("resend after the upload completed: %+v", r)
	}
	if ids := queueIDs(t, st, console.QueueQuery{}); !slices.Equal(ids, []string{"f1"}) {
		t.Fatalf("queue after completion: %v", ids)
	}
	if v, err = st.Filing(ctx, "u1", "f1"); err != nil || len(v.Missing) != 0 || !v.Filing.Filing.Revision.Submitted() {
		t.Fatalf("settled filing: %+v, %v", v, err)
	}
}

// testManyWaiting: thousands of revisions of a unit name one attachment
// not yet uploaded (a unit's month of filings, each with the same signed
// form); its upload's completion settles them all. Badger overflowed one
// transaction at about 2,000, answered 500 to every retry and left them
// waiting for good (found from outside).
func testManyWaiting(t *testing.T, st bureaustore.Storage) {
	ctx := context.Background()
	addUnit(t, st, "u1")
	const n = 4000
	a := app.Attachment{Material: "可研报告", Name: "可研.pdf", SHA256: sha("pdf"), Size: 3, MediaType: "application/pdf"}
	actor := bureaustore.Actor{UnitID: "u1", Name: "填报人"}
	for i := 0; i < n; i += protocol.MaxBatch {
		var batch []*bureaustore.Submission
		for j := i; j < min(n, i+protocol.MaxBatch); j++ {
			batch = append(batch, sub(t, fmt.Sprintf("f%05d", j), fmt.Sprintf("r%05d", j), "", 1,
				fmt.Sprintf("城关镇第%d号智慧社区综合管理服务平台建设项目（一期）", j), a))
		}
		res, err := st.Submit(ctx, actor, t0, batch)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range res {
			if r.Err != nil || r.Receipt.Status != protocol.ReceiptAwaitingAttachments {
				t.Fatalf("submission %+v", r)
			}
		}
	}
	head := changes(t, st, bureaustore.ChangesQuery{Unit: "u1", Limit: 1})
	for head.More {
		head = changes(t, st, bureaustore.ChangesQuery{Unit: "u1", HasCursor: true, Epoch: head.Epoch, Seq: head.Last, Limit: 1000})
	}
	if _, err := st.CompleteUpload(ctx, "u1", a.SHA256, bureaustore.Upload{Size: 3, Offset: 3, Complete: true, Created: t0, Updated: t0}, t0.Add(time.Minute)); err != nil {
		t.Fatalf("CompleteUpload with %d revisions waiting: %v", n, err)
	}
	for _, i := range []int{0, n / 2, n - 1} {
		v, err := st.Filing(ctx, "u1", fmt.Sprintf("f%05d", i))
		if err != nil || len(v.Missing) != 0 || !v.Filing.Filing.Revision.Submitted() {
			t.Fatalf("filing %d after the upload completed: %+v, %v", i, v, err)
		}
	}
	got := 0
	for q := (bureaustore.ChangesQuery{Unit: "u1", HasCursor: true, Epoch: head.Epoch, Seq: head.Last, Limit: 1000}); ; {
		p := changes(t, st, q)
		got += len(p.Changes)
		if !p.More {
			break
		}
		q.Seq = p.Last
	}
	if got != n {
		t.Errorf("%d revisions received in the feed, want %d", got, n)
	}
}

// later returns a submission of revision n (ID rid, on base) of go-live
// record fid of project.
func later(t *testing.T, fid, rid, base string, n int, project string) *bureaustore.Submission {
	t.Helper()
	b := app.Body{ID: fid, Kind: app.KindGoLive, Revision: n, RevisionID: rid, BaseID: base, ProjectID: project,
		GoLive: &app.GoLive{ProjectName: "城关镇智慧社区", GoLiveOn: "2027-03-01"}}
	data, sum, err := b.Encode()
	if err != nil {
		t.Fatal(err)
	}
	return &bureaustore.Submission{Body: b, Request: protocol.SubmitRequest{FilingID: fid, RevisionID: rid,
		BaseRevisionID: base, Revision: n, Body: data, BodySHA256: sum}}
}

// testProjectFilings: a project's filings are its declaration and the
// unit's filings that name it — not another unit's, not another
// project's — and follow a revision that names another project.
func testProjectFilings(t *testing.T, st bureaustore.Storage) {
	ctx := context.Background()
	addUnit(t, st, "u1")
	addUnit(t, st, "u2")
	mustSubmit(t, st, "u1", sub(t, "d1", "d1r", "", 1, "一"), t0)
	mustSubmit(t, st, "u1", sub(t, "d2", "d2r", "", 1, "二"), t0)
	mustSubmit(t, st, "u1", later(t, "g1", "g1r", "", 1, "d1"), t0)
	mustSubmit(t, st, "u1", later(t, "g2", "g2r", "", 1, "d1"), t0)
	mustSubmit(t, st, "u1", later(t, "g3", "g3r", "", 1, "d2"), t0)
	mustSubmit(t, st, "u2", later(t, "x1", "x1r", "", 1, "d1"), t0) // another unit's, naming u1's declaration
	ids := func(unit, project string) []string {
		t.Helper()
		fs, err := st.ProjectFilings(ctx, unit, project)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, f := range fs {
			out = append(out, f.Filing.ID)
		}
		slices.Sort(out)
		return out
	}
	if got := ids("u1", "d1"); !slices.Equal(got, []string{"d1", "g1", "g2"}) {
		t.Errorf("project d1 of u1: %v", got)
	}
	if got := ids("u2", "d1"); !slices.Equal(got, []string{"x1"}) {
		t.Errorf("project d1 as u2 names it: %v, want its own filing only", got)
	}
	if got := ids("u1", "nothing"); len(got) != 0 {
		t.Errorf("an unknown project: %v", got)
	}
	// g2, returned, comes back naming d2.
	decide(t, st, bureaustore.Decision{FilingID: "g2", Action: app.ActionReturn, Comment: "项目选错"})
	mustSubmit(t, st, "u1", later(t, "g2", "g2r2", "g2r", 2, "d2"), t0.Add(time.Hour))
	if got := ids("u1", "d1"); !slices.Equal(got, []string{"d1", "g1"}) {
		t.Errorf("project d1 after g2 moved: %v", got)
	}
	if got := ids("u1", "d2"); !slices.Equal(got, []string{"d2", "g2", "g3"}) {
		t.Errorf("project d2 after g2 moved: %v", got)
	}
}

// testRevisionsByCode: a printed code finds the revision its three parts
// name, and a code whose digest differs finds at most limit others — also
// when a unit planted many revisions under the code's ID (client-chosen
// IDs), whose reading made one check take a second (found from outside).
func testRevisionsByCode(t *testing.T, st bureaustore.Storage) {
	ctx := context.Background()
	addUnit(t, st, "u1")
	var batch []*bureaustore.Submission
	for i := range 60 {
		batch = append(batch, sub(t, fmt.Sprintf("f%02d", i), fmt.Sprintf("abcdef01-%04d", i), "", 1, fmt.Sprintf("项目%02d", i)))
	}
	if _, err := st.Submit(ctx, bureaustore.Actor{UnitID: "u1", Name: "填报人"}, t0, batch); err != nil {
		t.Fatal(err)
	}
	v, err := st.Revision(ctx, "f37", "abcdef01-0037")
	if err != nil {
		t.Fatal(err)
	}
	code := app.PrintCode{RevisionID: "abcdef01", Revision: 1, BodySHA256: v.Revision.Receipt.BodySHA256[:12]}
	vs, err := st.RevisionsByCode(ctx, code, 1)
	if err != nil || len(vs) == 0 || vs[0].RevisionID != "abcdef01-0037" || vs[0].Filing.Filing.ID != "f37" || vs[0].Unit.ID != "u1" {
		t.Fatalf("the code of f37: %+v, %v", vs, err)
	}
	if len(vs) > 2 {
		t.Errorf("the code of f37 read %d revisions, want the match and at most 1 other", len(vs))
	}
	code.BodySHA256 = "000000000000"
	if vs, err = st.RevisionsByCode(ctx, code, 3); err != nil || len(vs) != 3 {
		t.Errorf("a code whose digest differs: %d revisions (want 3, the limit), %v", len(vs), err)
	}
	code.Revision = 2
	if vs, err = st.RevisionsByCode(ctx, code, 3); err != nil || len(vs) != 0 {
		t.Errorf("a code of revision 2, which none is: %d revisions, %v", len(vs), err)
	}
}

// testAttachmentSizes: a revision is received only on files of the sizes
// it states (found from outside: a body naming a 45-byte upload as 4,096
// bytes was received, its receipt saying 4,096). A new revision naming a
// complete upload of another size is refused; one waiting for an upload
// that completes with another size keeps waiting, and the upload still
// completes for the revisions that state its size.
func testAttachmentSizes(t *testing.T, st bureaustore.Storage) {
	ctx := context.Background()
	addUnit(t, st, "u1")
	a := app.Attachment{Material: "可研报告", Name: "可研.pdf", SHA256: sha("a"), Size: 45, MediaType: "application/pdf"}
	if _, err := st.CompleteUpload(ctx, "u1", a.SHA256, bureaustore.Upload{Size: 45, Offset: 45, Complete: true, Created: t0, Updated: t0}, t0); err != nil {
		t.Fatal(err)
	}
	lying := a
	lying.Size = 4096
	r := submitOne(t, st, "u1", sub(t, "f1", "r1", "", 1, "一", lying), t0)
	wantErr(t, "a revision stating 4,096 bytes of a 45-byte upload", r.Err, bureaustore.ErrInvalid)
	if _, err := st.Filing(ctx, "u1", "f1"); !errors.Is(err, bureaustore.ErrNotFound) {
		t.Errorf("the refused revision was stored: %v", err)
	}
	// The same file named twice, the second time with another size (found
	// from outside: only the first naming was compared).
	twice := a
	twice.Material, twice.Name, twice.Size = "图纸", "附件2.pdf", 4096
	r = submitOne(t, st, "u1", sub(t, "f0", "r0", "", 1, "零", a, twice), t0)
	wantErr(t, "a revision naming one file twice with two sizes", r.Err, bureaustore.ErrInvalid)
	if rc := mustSubmit(t, st, "u1", sub(t, "f1", "r1", "", 1, "一", a), t0); rc.Status != protocol.ReceiptReceived {
		t.Errorf("the same revision stating 45 bytes: %+v", rc)
	}

	b := app.Attachment{Material: "图纸", Name: "图.pdf", SHA256: sha("b"), Size: 4096, MediaType: "application/pdf"}
	if rc := mustSubmit(t, st, "u1", sub(t, "f2", "r2", "", 1, "二", b), t0); rc.Status != protocol.ReceiptAwaitingAttachments {
		t.Fatalf("waiting for b: %+v", rc)
	}
	honest := b
	honest.Size = 45
	if rc := mustSubmit(t, st, "u1", sub(t, "f3", "r3", "", 1, "三", honest), t0); rc.Status != protocol.ReceiptAwaitingAttachments {
		t.Fatalf("waiting for b, stating 45: %+v", rc)
	}
	if _, err := st.CompleteUpload(ctx, "u1", b.SHA256, bureaustore.Upload{Size: 45, Offset: 45, Complete: true, Created: t0, Updated: t0}, t0.Add(time.Minute)); err != nil {
		t.Fatalf("an upload that a revision states another size of: %v", err)
	}
	if v, err := st.Filing(ctx, "u1", "f2"); err != nil || v.Filing.Filing.Revision.Submitted() || len(v.Missing) != 1 {
		t.Errorf("the revision stating 4,096 bytes of b: submitted %v, missing %v, %v", v.Filing.Filing.Revision.Submitted(), v.Missing, err)
	}
	if v, err := st.Filing(ctx, "u1", "f3"); err != nil || !v.Filing.Filing.Revision.Submitted() {
		t.Errorf("the revision stating 45 bytes of b was not received: %v", err)
	}
}

func testUploads(t *testing.T, st bureaustore.Storage) {
	ctx := context.Background()
	addUnit(t, st, "u1")
	sum := sha("x")
	if _, err := st.Upload(ctx, "u1", sum); !errors.Is(err, bureaustore.ErrNotFound) {
		t.Fatalf("Upload before any: %v", err)
	}
	up := bureaustore.Upload{Size: 10, Offset: 4, Hash: []byte{1, 2, 3}, HashedTo: 4, Created: t0, Updated: t0}
	if err := st.PutUpload(ctx, "u1", sum, up); err != nil {
		t.Fatal(err)
	}
	got, err := st.Upload(ctx, "u1", sum)
	if err != nil || got.Offset != 4 || got.Size != 10 || string(got.Hash) != string(up.Hash) || got.HashedTo != 4 || !got.Updated.Equal(t0) {
		t.Fatalf("Upload: %+v, %v", got, err)
	}
	if _, err := st.Upload(ctx, "u2", sum); !errors.Is(err, bureaustore.ErrNotFound) {
		t.Fatalf("another unit's upload: %v", err)
	}
	// Abandoned: not updated since the cutoff.
	refs, err := st.AbandonedUploads(ctx, t0.Add(time.Hour))
	if err != nil || !slices.Equal(refs, []bureaustore.UploadRef{{Unit: "u1", SHA256: sum, Untracked: true}}) {
		t.Fatalf("AbandonedUploads: %v, %v", refs, err)
	}
	if refs, _ := st.AbandonedUploads(ctx, t0); len(refs) != 0 {
		t.Fatalf("AbandonedUploads before cutoff: %v", refs)
	}
	if ok, err := st.DeleteAbandonedUpload(ctx, "u1", sum, t0); err != nil || ok {
		t.Fatalf("DeleteAbandonedUpload of a live upload: %v, %v", ok, err)
	}
	if ok, err := st.DeleteAbandonedUpload(ctx, "u1", sum, t0.Add(time.Hour)); err != nil || !ok {
		t.Fatalf("DeleteAbandonedUpload: %v, %v", ok, err)
	}
	if _, err := st.Upload(ctx, "u1", sum); !errors.Is(err, bureaustore.ErrNotFound) {
		t.Fatalf("Upload after pruning: %v", err)
	}
	// Complete uploads are never abandoned; DeleteUpload forgets any. The
	// SM3 the bureau computed is kept with the record.
	sm := sha("x as SM3") // any 64 hex digits: the store keeps what it is given
	if _, err := st.CompleteUpload(ctx, "u1", sum, bureaustore.Upload{Size: 1, Offset: 1, Complete: true, SM3: sm, Created: t0, Updated: t0}, t0); err != nil {
		t.Fatal(err)
	}
	if got, err := st.Upload(ctx, "u1", sum); err != nil || !got.Complete || got.SM3 != sm {
		t.Fatalf("completed upload: %+v, %v; want SM3 %s", got, err, sm)
	}
	if refs, _ := st.AbandonedUploads(ctx, t0.Add(time.Hour)); len(refs) != 0 {
		t.Fatalf("complete upload listed abandoned: %v", refs)
	}
	if err := st.DeleteUpload(ctx, "u1", sum); err != nil {
		t.Fatal(err)
	}
	if err := st.DeleteUpload(ctx, "u1", sum); err != nil {
		t.Fatalf("DeleteUpload of none: %v", err)
	}
}

// testUnreferencedUploads: a revision stored marks the complete uploads
// it names, on arrival or when the upload it waited for completes; the
// complete uploads unmarked and untouched since a cutoff are listed, and
// deleted only while still unmarked; the bodies tell which a unit's
// revisions name, for records from before the mark.
func testUnreferencedUploads(t *testing.T, st bureaustore.Storage) {
	ctx := context.Background()
	addUnit(t, st, "u1")
	addUnit(t, st, "u2")
	att := func(s string) app.Attachment {
		return app.Attachment{Material: "附件", Name: s + ".pdf", SHA256: sha(s), Size: 3, MediaType: "application/pdf"}
	}
	done := func(unit string, a app.Attachment, at time.Time) {
		t.Helper()
		if _, err := st.CompleteUpload(ctx, unit, a.SHA256, bureaustore.Upload{Size: 3, Offset: 3, Complete: true, Created: at, Updated: at}, at); err != nil {
			t.Fatal(err)
		}
	}
	listed := func(cutoff time.Time) []bureaustore.UploadRef {
		t.Helper()
		refs, err := st.UnreferencedUploads(ctx, cutoff)
		if err != nil {
			t.Fatal(err)
		}
		return refs
	}
	orphan, named, late, other := att("orphan"), att("named"), att("late"), att("other")
	done("u1", orphan, t0)
	done("u1", named, t0)
	done("u2", other, t0)
	mustSubmit(t, st, "u1", sub(t, "f1", "r1", "", 1, "有附件", named, late), t0) // late: not yet complete
	done("u1", late, t0)                                                       // settles r1, which names it
	if got, want := listed(t0.Add(time.Hour)), []bureaustore.UploadRef{{Unit: "u1", SHA256: orphan.SHA256, Untracked: true}, {Unit: "u2", SHA256: other.SHA256, Untracked: true}}; !slices.Equal(got, want) {
		t.Fatalf("UnreferencedUploads: %v, want %v", got, want)
	}
	if got := listed(t0); len(got) != 0 {
		t.Fatalf("UnreferencedUploads at their completion: %v", got)
	}
	refs, err := st.ReferencedAttachments(ctx, "u1")
	if err != nil || len(refs) != 2 || !refs[named.SHA256] || !refs[late.SHA256] {
		t.Fatalf("ReferencedAttachments u1: %v, %v", refs, err)
	}
	if refs, err := st.ReferencedAttachments(ctx, "u2"); err != nil || len(refs) != 0 {
		t.Fatalf("ReferencedAttachments u2: %v, %v", refs, err)
	}
	// Marked: not deleted. Updated after the cutoff: not deleted.
	for _, a := range []app.Attachment{named, late} {
		if ok, err := st.DeleteUnreferencedUpload(ctx, "u1", a.SHA256, t0.Add(time.Hour)); err != nil || ok {
			t.Fatalf("DeleteUnreferencedUpload of %s, which a revision names: %v, %v", a.Name, ok, err)
		}
	}
	if ok, err := st.DeleteUnreferencedUpload(ctx, "u1", orphan.SHA256, t0); err != nil || ok {
		t.Fatalf("DeleteUnreferencedUpload before the cutoff: %v, %v", ok, err)
	}
	// A record from before the mark: marked once found named.
	up, err := st.Upload(ctx, "u1", named.SHA256)
	if err != nil || !up.Referenced {
		t.Fatalf("upload a revision names: %+v, %v", up, err)
	}
	up.Referenced = false
	if err := st.PutUpload(ctx, "u1", named.SHA256, up); err != nil {
		t.Fatal(err)
	}
	if got := listed(t0.Add(time.Hour)); len(got) != 3 {
		t.Fatalf("UnreferencedUploads with an unmarked record: %v", got)
	}
	if err := st.MarkUploadReferenced(ctx, "u1", named.SHA256); err != nil {
		t.Fatal(err)
	}
	if got := listed(t0.Add(time.Hour)); len(got) != 2 {
		t.Fatalf("UnreferencedUploads after the mark: %v", got)
	}
	if err := st.MarkUploadReferenced(ctx, "u1", sha("none")); err != nil {
		t.Fatalf("MarkUploadReferenced of none: %v", err)
	}
	// Deleted: a revision naming it later waits for it.
	if ok, err := st.DeleteUnreferencedUpload(ctx, "u1", orphan.SHA256, t0.Add(time.Hour)); err != nil || !ok {
		t.Fatalf("DeleteUnreferencedUpload: %v, %v", ok, err)
	}
	if _, err := st.Upload(ctx, "u1", orphan.SHA256); !errors.Is(err, bureaustore.ErrNotFound) {
		t.Fatalf("Upload after its deletion: %v", err)
	}
	if rc := mustSubmit(t, st, "u1", sub(t, "f2", "r2", "", 1, "后来提交", orphan), t0.Add(2*time.Hour)); rc.Status != protocol.ReceiptAwaitingAttachments {
		t.Fatalf("a revision naming the deleted upload: %+v", rc)
	}
	if got := listed(t0.Add(time.Hour)); !slices.Equal(got, []bureaustore.UploadRef{{Unit: "u2", SHA256: other.SHA256, Untracked: true}}) {
		t.Fatalf("UnreferencedUploads at the end: %v", got)
	}
	// A record of a bureau that marks (Tracked) is listed as such.
	tracked := att("tracked")
	if _, err := st.CompleteUpload(ctx, "u2", tracked.SHA256, bureaustore.Upload{Size: 3, Offset: 3, Complete: true, Tracked: true, Created: t0, Updated: t0}, t0); err != nil {
		t.Fatal(err)
	}
	if got := listed(t0.Add(time.Hour)); !slices.Contains(got, bureaustore.UploadRef{Unit: "u2", SHA256: tracked.SHA256}) {
		t.Fatalf("UnreferencedUploads with a tracked record: %v", got)
	}
	// A body whose attachments are null (an empty list to the bureau's
	// decoder, a scalar to a JSON database) names none.
	nb := sub(t, "f-null", "r-null", "", 1, "附件为空")
	nb.Request.Body = bytes.Replace(nb.Request.Body, []byte(`{`), []byte(`{"attachments":null,`), 1)
	nb.Request.BodySHA256 = sha(string(nb.Request.Body))
	mustSubmit(t, st, "u2", nb, t0)
	if refs, err := st.ReferencedAttachments(ctx, "u2"); err != nil || len(refs) != 0 {
		t.Fatalf("ReferencedAttachments with a null list: %v, %v", refs, err)
	}
	// A deletion and a revision naming the upload at the same moment: the
	// revision is received and the upload stays, or the upload goes and
	// the revision waits for it; never received without it.
	for i := range 20 {
		a := att(fmt.Sprint("race", i))
		done("u1", a, t0)
		var wg sync.WaitGroup
		var res []bureaustore.SubmitResult
		var deleted bool
		var subErr, delErr error
		s := sub(t, fmt.Sprint("race-f", i), fmt.Sprint("race-r", i), "", 1, "同时", a)
		wg.Add(2)
		go func() {
			defer wg.Done()
			res, subErr = st.Submit(ctx, bureaustore.Actor{UnitID: "u1", Name: "填报人"}, t0, []*bureaustore.Submission{s})
		}()
		go func() {
			defer wg.Done()
			deleted, delErr = st.DeleteUnreferencedUpload(ctx, "u1", a.SHA256, t0.Add(time.Hour))
		}()
		wg.Wait()
		if subErr != nil || delErr != nil || len(res) != 1 || res[0].Err != nil {
			t.Fatalf("round %d: %v, %v, %+v", i, subErr, delErr, res)
		}
		rc := res[0].Receipt
		up, err := st.Upload(ctx, "u1", a.SHA256)
		switch {
		case deleted && (rc.Status != protocol.ReceiptAwaitingAttachments || !errors.Is(err, bureaustore.ErrNotFound)):
			t.Fatalf("round %d: deleted, and the revision %s (upload %v)", i, rc.Status, err)
		case !deleted && (rc.Status != protocol.ReceiptReceived || err != nil || !up.Referenced):
			t.Fatalf("round %d: kept, and the revision %s (upload %+v, %v)", i, rc.Status, up, err)
		}
	}
}

func testChangeFeed(t *testing.T, st bureaustore.Storage) {
	ctx := context.Background()
	addUnit(t, st, "u1")
	addUnit(t, st, "u2")
	var mu sync.Mutex
	var woken []string
	st.OnChange(func(units []string) {
		mu.Lock()
		woken = append(woken, units...)
		mu.Unlock()
	})
	for i := range 3 {
		if _, err := st.Broadcast(ctx, []string{"u1"}, protocol.Change{Type: protocol.ChangeNotice, At: t0, NoticeTitle: fmt.Sprint(i)}); err != nil {
			t.Fatal(err)
		}
	}
	units, err := st.Broadcast(ctx, nil, protocol.Change{Type: protocol.ChangeNotice, At: t0, NoticeTitle: "all"})
	if err != nil || len(units) != 2 {
		t.Fatalf("Broadcast to all: %v, %v", units, err)
	}
	if _, err := st.Broadcast(ctx, []string{"u1", "nope"}, protocol.Change{Type: protocol.ChangeNotice, At: t0}); !errors.Is(err, bureaustore.ErrNotFound) {
		t.Fatalf("Broadcast to an unknown unit: %v", err)
	}
	p := changes(t, st, bureaustore.ChangesQuery{Unit: "u1"})
	if len(p.Changes) != 4 || p.Reset || p.More || p.Last != 4 {
		t.Fatalf("u1 feed: %+v", p)
	}
	ids := map[string]bool{}
	for i, c := range p.Changes {
		if c.Seq != uint64(i+1) || c.ID == "" || ids[c.ID] {
			t.Fatalf("change %d: seq %d id %q", i, c.Seq, c.ID)
		}
		ids[c.ID] = true
	}
	if p.Changes[0].NoticeTitle != "0" || p.Changes[3].NoticeTitle != "all" {
		t.Fatalf("feed order: %+v", p.Changes)
	}
	if p2 := changes(t, st, bureaustore.ChangesQuery{Unit: "u2"}); len(p2.Changes) != 1 || p2.Changes[0].Seq != 1 {
		t.Fatalf("u2 feed is its own: %+v", p2)
	}
	// Cursors: after 2, limit 1.
	q := bureaustore.ChangesQuery{Unit: "u1", HasCursor: true, Epoch: p.Epoch, Seq: 2, Limit: 1}
	p = changes(t, st, q)
	if len(p.Changes) != 1 || p.Changes[0].Seq != 3 || !p.More || p.Last != 3 || p.Reset {
		t.Fatalf("after 2, limit 1: %+v", p)
	}
	q.Seq, q.Limit = 4, 10
	if p = changes(t, st, q); len(p.Changes) != 0 || p.Last != 4 || p.Reset || p.More {
		t.Fatalf("at the head: %+v", p)
	}
	q.Seq = 9
	if p = changes(t, st, q); !p.Reset || p.Last != 4 || len(p.Changes) != 0 {
		t.Fatalf("ahead of the head: %+v", p)
	}
	mu.Lock()
	defer mu.Unlock()
	if !slices.Contains(woken, "u1") || !slices.Contains(woken, "u2") {
		t.Fatalf("OnChange saw %v", woken)
	}
}

func testChangeEpoch(t *testing.T, st bureaustore.Storage) {
	ctx := context.Background()
	addUnit(t, st, "u1")
	for i := range 5 {
		if _, err := st.Broadcast(ctx, []string{"u1"}, protocol.Change{Type: protocol.ChangeNotice, At: t0.Add(time.Duration(i) * time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	epoch, err := st.Epoch(ctx)
	if err != nil || epoch == "" {
		t.Fatalf("Epoch: %q, %v", epoch, err)
	}
	if p := changes(t, st, bureaustore.ChangesQuery{Unit: "u1", HasCursor: true, Epoch: "other", Seq: 1}); !p.Reset || p.Last != 5 || p.Epoch != epoch {
		t.Fatalf("cursor of another epoch: %+v", p)
	}
	// Retention: the changes before 02:00 go; a cursor behind the floor resets.
	n, err := st.PruneChanges(ctx, t0.Add(2*time.Hour))
	if err != nil || n != 2 {
		t.Fatalf("PruneChanges: %d, %v", n, err)
	}
	p := changes(t, st, bureaustore.ChangesQuery{Unit: "u1"})
	if len(p.Changes) != 3 || p.Changes[0].Seq != 3 {
		t.Fatalf("feed after pruning: %+v", p)
	}
	if p := changes(t, st, bureaustore.ChangesQuery{Unit: "u1", HasCursor: true, Epoch: epoch, Seq: 1}); !p.Reset {
		t.Fatalf("cursor behind the floor: %+v", p)
	}
	if p := changes(t, st, bureaustore.ChangesQuery{Unit: "u1", HasCursor: true, Epoch: epoch, Seq: 2}); p.Reset || len(p.Changes) != 3 {
		t.Fatalf("cursor at the floor: %+v", p)
	}
	// Sequence numbers go on after pruning.
	if _, err := st.Broadcast(ctx, []string{"u1"}, protocol.Change{Type: protocol.ChangeNotice, At: t0}); err != nil {
		t.Fatal(err)
	}
	if p := changes(t, st, bureaustore.ChangesQuery{Unit: "u1", HasCursor: true, Epoch: epoch, Seq: 5}); len(p.Changes) != 1 || p.Changes[0].Seq != 6 {
		t.Fatalf("after pruning: %+v", p)
	}
	next, err := st.ResetEpoch(ctx)
	if err != nil || next == epoch || next == "" {
		t.Fatalf("ResetEpoch: %q, %v", next, err)
	}
	if got, _ := st.Epoch(ctx); got != next {
		t.Fatalf("Epoch after reset %q, want %q", got, next)
	}
	if p := changes(t, st, bureaustore.ChangesQuery{Unit: "u1", HasCursor: true, Epoch: epoch, Seq: 6}); !p.Reset || p.Epoch != next || p.Last != 6 {
		t.Fatalf("old epoch's cursor: %+v", p)
	}
}

func testReview(t *testing.T, st bureaustore.Storage) {
	ctx := context.Background()
	addUnit(t, st, "u1")
	mustSubmit(t, st, "u1", sub(t, "f1", "r1", "", 1, "审核"), t0)
	seen := &bureaustore.Expected{RevisionID: "r1", Transitions: 1}
	res := decide(t, st, bureaustore.Decision{FilingID: "f1", Action: app.ActionAccept, From: app.StatusSubmitted, Expected: seen})
	if res.Transition.To != app.StatusPreliminary || res.Filing.Filing.Status != app.StatusPreliminary || res.UnitName != "单位u1" {
		t.Fatalf("accept: %+v", res)
	}
	// A second reviewer on the same view is refused, with the filing as it stands.
	_, err := st.Decide(ctx, bureaustore.Decision{FilingID: "f1", Actor: "乙", Role: app.RoleReviewer,
		Action: app.ActionAccept, Expected: seen, Now: t0.Add(2 * time.Hour)})
	var refused *bureaustore.DecisionRefused
	if !errors.Is(err, bureaustore.ErrConflict) || !errors.As(err, &refused) || refused.Current.Status != app.StatusPreliminary {
		t.Fatalf("stale decision: %v", err)
	}
	_, err = st.Decide(ctx, bureaustore.Decision{FilingID: "f1", Actor: "乙", Role: app.RoleReviewer,
		Action: app.ActionPass, From: app.StatusSubmitted, Now: t0.Add(2 * time.Hour)})
	wantErr(t, "decision from a status the filing left", err, bureaustore.ErrConflict)
	// Not allowed by the workflow: refused with app's error, nothing stored.
	_, err = st.Decide(ctx, bureaustore.Decision{FilingID: "f1", Actor: "乙", Role: app.RoleReviewer,
		Action: app.ActionAccept, Now: t0.Add(2 * time.Hour)})
	if !errors.As(err, &refused) || app.ErrorCode(err) != app.EINVALID {
		t.Fatalf("impossible decision: %v", err)
	}
	if _, err := st.Decide(ctx, bureaustore.Decision{FilingID: "nope", Actor: "a", Role: app.RoleReviewer, Action: app.ActionAccept, Now: t0}); !errors.Is(err, bureaustore.ErrNotFound) {
		t.Fatalf("decision on an unknown filing: %v", err)
	}
	v, err := st.Filing(ctx, "", "f1")
	if err != nil || len(v.Filing.Filing.History) != 2 {
		t.Fatalf("history after refused decisions: %+v, %v", v.Filing.Filing.History, err)
	}
	// The decision is in the unit's feed, once, after the revision's change.
	p := changes(t, st, bureaustore.ChangesQuery{Unit: "u1"})
	if len(p.Changes) != 2 || p.Changes[0].Type != protocol.ChangeRevision || p.Changes[1].Type != protocol.ChangeDecision ||
		p.Changes[1].FilingID != "f1" || p.Changes[1].Transition == nil || p.Changes[1].Transition.To != app.StatusPreliminary {
		t.Fatalf("feed after a decision: %+v", p.Changes)
	}
	decide(t, st, bureaustore.Decision{FilingID: "f1", Action: app.ActionApprove,
		Expected: &bureaustore.Expected{RevisionID: "r1", Transitions: 2}})
	if ids := queueIDs(t, st, console.QueueQuery{}); len(ids) != 0 {
		t.Fatalf("approved filing still queued: %v", ids)
	}
	ov, err := st.QueueOverview(ctx, rules(t0))
	if err != nil || ov.Total != 0 {
		t.Fatalf("overview after approval: %+v, %v", ov, err)
	}
}

func testUnitScoping(t *testing.T, st bureaustore.Storage) {
	ctx := context.Background()
	addUnit(t, st, "u1")
	addUnit(t, st, "u2")
	mustSubmit(t, st, "u1", sub(t, "f1", "r1", "", 1, "甲的"), t0)
	if _, err := st.Filing(ctx, "u2", "f1"); !errors.Is(err, bureaustore.ErrNotFound) {
		t.Fatalf("u2 reads u1's filing: %v", err)
	}
	if v, err := st.Filing(ctx, "u1", "f1"); err != nil || v.Unit.ID != "u1" {
		t.Fatalf("u1 reads its filing: %+v, %v", v.Unit, err)
	}
	if fs, err := st.UnitFilings(ctx, "u2"); err != nil || len(fs) != 0 {
		t.Fatalf("u2's filings: %d, %v", len(fs), err)
	}
	// u2 resending u1's revision, or revising u1's filing, learns nothing.
	r := submitOne(t, st, "u2", sub(t, "f1", "r1", "", 1, "甲的"), t0)
	wantErr(t, "u2 resends u1's revision", r.Err, bureaustore.ErrNotFound)
	r = submitOne(t, st, "u2", sub(t, "f1", "r9", "r1", 2, "乙改"), t0)
	wantErr(t, "u2 revises u1's filing", r.Err, bureaustore.ErrNotFound)
	if v, _ := st.Filing(ctx, "", "f1"); v.Title != "甲的" {
		t.Fatalf("u1's filing changed: %q", v.Title)
	}
	if _, err := st.Filing(ctx, "", "nope"); !errors.Is(err, bureaustore.ErrNotFound) {
		t.Fatalf("unknown filing: %v", err)
	}
}

func testQueuePaging(t *testing.T, st bureaustore.Storage) {
	ctx := context.Background()
	addUnit(t, st, "u1")
	addUnit(t, st, "u2")
	var want []string
	for i := range 7 {
		unit := []string{"u1", "u2"}[i%2]
		fid := fmt.Sprintf("f%d", i)
		mustSubmit(t, st, unit, sub(t, fid, "r"+fid, "", 1, "项目"+fid), t0.Add(time.Duration(7-i)*time.Minute))
		want = append([]string{fid}, want...) // later i arrived earlier: oldest first
	}
	all := queueIDs(t, st, console.QueueQuery{Limit: 3})
	if !slices.Equal(all, want) {
		t.Fatalf("queue in pages of 3: %v, want %v", all, want)
	}
	res, err := st.Queue(ctx, console.QueueQuery{Limit: 3}, rules(t0))
	if err != nil || len(res.Page.Items) != 3 || res.Page.Next == "" {
		t.Fatalf("first page: %+v, %v", res.Page, err)
	}
	if e := res.Page.Items[0]; e.UnitName == "" || e.Title == "" || e.Year != 2027 || !e.Due.Equal(e.Since.Add(10*24*time.Hour)) {
		t.Fatalf("queue item: %+v", e)
	}
	var u2 []string
	for _, id := range want {
		if id[1]%2 == 1 {
			u2 = append(u2, id)
		}
	}
	if got := queueIDs(t, st, console.QueueQuery{UnitID: "u2", Limit: 2}); !slices.Equal(got, u2) {
		t.Fatalf("u2's queue: %v, want %v", got, u2)
	}
	if got := queueIDs(t, st, console.QueueQuery{Text: "项目f3"}); !slices.Equal(got, []string{"f3"}) {
		t.Fatalf("search: %v", got)
	}
	if _, err := st.Queue(ctx, console.QueueQuery{After: "not-a-cursor"}, rules(t0)); !errors.Is(err, bureaustore.ErrInvalid) {
		t.Fatalf("bad cursor: %v", err)
	}
	ov, err := st.QueueOverview(ctx, rules(t0.Add(time.Hour)))
	if err != nil || ov.Total != 7 || ov.ByStatus[app.StatusSubmitted] != 7 || len(ov.Units) != 2 || ov.Overdue != 0 {
		t.Fatalf("overview: %+v, %v", ov, err)
	}
	if ov, _ := st.QueueOverview(ctx, rules(t0.Add(30*24*time.Hour))); ov.Overdue != 7 {
		t.Fatalf("overview a month later: %d overdue, want 7", ov.Overdue)
	}
}

// A queue search typed in Chinese without spaces finds a title holding its
// words of two apart (社区平台: 智慧社区管理平台), as terms separated by
// spaces do, each in the title or in the unit's name; the literal search
// still finds what holds it as typed, and a word no title or unit holds
// finds nothing. Latin letters match in either width and case.
func testQueueSearchByWords(t *testing.T, st bureaustore.Storage) {
	addUnit(t, st, "u1")
	for i, title := range []string{"城关镇智慧社区管理平台", "新店镇社区服务大厅", "政务外网接入平台", "民政ＧＩＳ一张图", "OA系统升级"} {
		fid := fmt.Sprintf("w%d", i)
		mustSubmit(t, st, "u1", sub(t, fid, "r"+fid, "", 1, title), t0.Add(time.Duration(i)*time.Minute))
	}
	for _, c := range []struct {
		text string
		want []string
	}{
		{"社区平台", []string{"w0"}},
		{"社区 平台", []string{"w0"}},
		{"平台社区", []string{"w0"}},
		{"社区", []string{"w0", "w1"}},
		{"智慧社区管理平台", []string{"w0"}},
		{"社区大楼", nil},
		{"平台 单位u1", []string{"w0", "w2"}}, // a word in the unit's name
		// Letters typed in 全角 or in either case find the title's,
		// whichever way it has them (a reviewer's GIS found nothing).
		{"GIS", []string{"w3"}},
		{"gis一张图", []string{"w3"}},
		{"ＯＡ", []string{"w4"}},
		{"ｏａ系统", []string{"w4"}},
	} {
		if got := queueIDs(t, st, console.QueueQuery{Text: c.text}); !slices.Equal(got, c.want) {
			t.Errorf("search %q: %v, want %v", c.text, got, c.want)
		}
	}
}

func testAccounts(t *testing.T, st bureaustore.Storage) {
	ctx := context.Background()
	u := addUnit(t, st, "u1")
	if err := st.AddUnit(ctx, protocol.Unit{ID: "u9", Name: "重名", Code: u.Code}); !errors.Is(err, bureaustore.ErrDuplicate) {
		t.Fatalf("unit with a registered code: %v", err)
	}
	if got, err := st.UnitByCode(ctx, u.Code); err != nil || got.ID != "u1" {
		t.Fatalf("UnitByCode: %+v, %v", got, err)
	}
	if _, err := st.Unit(ctx, "u9"); !errors.Is(err, bureaustore.ErrNotFound) {
		t.Fatalf("Unit u9: %v", err)
	}
	if us, err := st.Units(ctx); err != nil || len(us) != 1 {
		t.Fatalf("Units: %v, %v", us, err)
	}
	acct := bureaustore.Account{ID: "a1", Login: "clerk", Name: "张三", Role: app.RoleUnit, UnitID: "u1", Password: "$argon2id$x", Created: t0}
	wire, err := st.AddAccount(ctx, acct)
	if err != nil || wire.UnitName != u.Name || wire.UnitCode != u.Code || wire.Login != "clerk" {
		t.Fatalf("AddAccount: %+v, %v", wire, err)
	}
	dup := acct
	dup.ID = "a2"
	if _, err := st.AddAccount(ctx, dup); !errors.Is(err, bureaustore.ErrDuplicate) {
		t.Fatalf("taken login: %v", err)
	}
	lost := bureaustore.Account{ID: "a3", Login: "lost", Role: app.RoleUnit, UnitID: "nope", Created: t0}
	if _, err := st.AddAccount(ctx, lost); !errors.Is(err, bureaustore.ErrNotFound) {
		t.Fatalf("account of an unknown unit: %v", err)
	}
	if _, err := st.AccountByLogin(ctx, "lost"); !errors.Is(err, bureaustore.ErrNotFound) {
		t.Fatalf("refused account stored: %v", err)
	}
	got, err := st.AccountByLogin(ctx, "clerk")
	if err != nil || !reflect.DeepEqual(got, acct) {
		t.Fatalf("AccountByLogin: %+v, %v", got, err)
	}
}

func testTokens(t *testing.T, st bureaustore.Storage) {
	ctx := context.Background()
	addUnit(t, st, "u1")
	if _, err := st.AddAccount(ctx, bureaustore.Account{ID: "a1", Login: "clerk", Name: "张三", Role: app.RoleUnit, UnitID: "u1", Created: t0}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddAccount(ctx, bureaustore.Account{ID: "a2", Login: "rev", Name: "李四", Role: app.RoleReviewer, Created: t0}); err != nil {
		t.Fatal(err)
	}
	issue := func(hash, acct string, exp time.Time) {
		t.Helper()
		if _, err := st.IssueToken(ctx, hash, bureaustore.Token{AccountID: acct, Created: t0, Expires: exp}); err != nil {
			t.Fatal(err)
		}
	}
	issue(sha("t1"), "a1", t0.Add(time.Hour))
	issue(sha("t2"), "a1", t0.Add(time.Minute))
	issue(sha("t3"), "a2", t0.Add(time.Hour))
	a, err := st.TokenAccount(ctx, sha("t1"), t0)
	if err != nil || a.ID != "a1" || a.UnitName != "单位u1" {
		t.Fatalf("TokenAccount: %+v, %v", a, err)
	}
	if _, err := st.TokenAccount(ctx, sha("t2"), t0.Add(time.Minute)); !errors.Is(err, bureaustore.ErrNotFound) {
		t.Fatalf("expired token: %v", err)
	}
	if _, err := st.TokenAccount(ctx, sha("nope"), t0); !errors.Is(err, bureaustore.ErrNotFound) {
		t.Fatalf("unknown token: %v", err)
	}
	if err := st.RevokeToken(ctx, sha("t3")); err != nil {
		t.Fatal(err)
	}
	if _, err := st.TokenAccount(ctx, sha("t3"), t0); !errors.Is(err, bureaustore.ErrNotFound) {
		t.Fatalf("revoked token: %v", err)
	}
	if err := st.RevokeToken(ctx, sha("nope")); !errors.Is(err, bureaustore.ErrNotFound) {
		t.Fatalf("revoke an unknown token: %v", err)
	}
	// t2 expired, t3 revoked.
	if n, err := st.PruneTokens(ctx, t0.Add(2*time.Minute)); err != nil || n != 2 {
		t.Fatalf("PruneTokens: %d, %v", n, err)
	}
	if n, err := st.RevokeTokens(ctx, "clerk", t0); err != nil || n != 1 {
		t.Fatalf("RevokeTokens: %d, %v", n, err)
	}
	if _, err := st.TokenAccount(ctx, sha("t1"), t0); !errors.Is(err, bureaustore.ErrNotFound) {
		t.Fatalf("token after RevokeTokens: %v", err)
	}
	if _, err := st.RevokeTokens(ctx, "nobody", t0); !errors.Is(err, bureaustore.ErrNotFound) {
		t.Fatalf("RevokeTokens of an unknown login: %v", err)
	}
}

func testProfile(t *testing.T, st bureaustore.Storage) {
	ctx := context.Background()
	addUnit(t, st, "u1")
	addUnit(t, st, "u2")
	if _, err := st.Profile(ctx); !errors.Is(err, bureaustore.ErrNotFound) {
		t.Fatalf("Profile before any: %v", err)
	}
	p := bureaustore.Profile{ID: "huoqiu", Version: "v1", Updated: t0, Data: []byte(`{"id":"huoqiu"}`)}
	if err := st.SetProfile(ctx, p, protocol.Change{Type: protocol.ChangeProfile, At: t0, ProfileID: "huoqiu", ProfileVersion: "v1"}); err != nil {
		t.Fatal(err)
	}
	got, err := st.Profile(ctx)
	if err != nil || got.ID != p.ID || got.Version != p.Version || string(got.Data) != string(p.Data) || !got.Updated.Equal(t0) {
		t.Fatalf("Profile: %+v, %v", got, err)
	}
	for _, u := range []string{"u1", "u2"} {
		c := changes(t, st, bureaustore.ChangesQuery{Unit: u}).Changes
		if len(c) != 1 || c[0].Type != protocol.ChangeProfile || c[0].ProfileVersion != "v1" {
			t.Fatalf("%s feed after SetProfile: %+v", u, c)
		}
	}
}

func declaration(t *testing.T, fid, name, goals string) *bureaustore.Submission {
	t.Helper()
	s := sub(t, fid, "r"+fid, "", 1, name)
	s.Body.Declaration.Goals = goals
	s.Body.Declaration.Content = goals
	data, sum, err := s.Body.Encode()
	if err != nil {
		t.Fatal(err)
	}
	s.Request.Body, s.Request.BodySHA256 = data, sum
	return s
}

func testSimilar(t *testing.T, st bureaustore.Storage) {
	ctx := context.Background()
	addUnit(t, st, "u1")
	addUnit(t, st, "u2")
	goals := "建设全市统一的政务云平台，整合各部门的计算和存储资源，提供弹性扩容和统一运维能力。"
	mustSubmit(t, st, "u1", declaration(t, "f1", "市级政务云平台扩容项目", goals), t0)
	mustSubmit(t, st, "u2", declaration(t, "f2", "市级政务云平台扩容项目", goals), t0)
	mustSubmit(t, st, "u2", declaration(t, "f3", "中小学食堂视频监控改造", "为全区中小学食堂安装高清摄像头，接入教育局监管系统。"), t0)
	got, err := st.Similar(ctx, "f1")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].ID != "f2" || got[0].UnitID != "u2" || got[0].UnitName != "单位u2" ||
		got[0].Score < bureaustore.SimilarFloor || got[0].Title != "市级政务云平台扩容项目" {
		t.Fatalf("Similar(f1): %+v, want f2 alone", got)
	}
	if got, err := st.Similar(ctx, "nope"); err != nil || len(got) != 0 {
		t.Fatalf("Similar of an unknown filing: %v, %v", got, err)
	}
	// The store indexes the fingerprint it is handed (worked out as the
	// request was checked, outside the commit), not one of its own: here
	// f1's, for a declaration unlike it.
	s4 := declaration(t, "f4", "中小学食堂视频监控改造二期", "为全区中小学食堂安装高清摄像头，接入教育局监管系统。")
	fp := app.DeclarationFingerprint(declaration(t, "x", "市级政务云平台扩容项目", goals).Body.Declaration)
	s4.Print = &fp
	mustSubmit(t, st, "u2", s4, t0)
	got, err = st.Similar(ctx, "f1")
	if err != nil || !slices.ContainsFunc(got, func(e console.SimilarItem) bool { return e.ID == "f4" }) {
		t.Fatalf("Similar(f1) after f4 was handed f1's fingerprint: %+v, %v; want f4 listed", got, err)
	}
}

func testBackup(t *testing.T, st bureaustore.Storage) {
	addUnit(t, st, "u1")
	mustSubmit(t, st, "u1", sub(t, "f1", "r1", "", 1, "备份"), t0)
	var buf bytes.Buffer
	if err := st.Backup(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	if buf.Len() == 0 || st.Schema() == "" {
		t.Fatalf("Backup wrote %d bytes, schema %q", buf.Len(), st.Schema())
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := st.Backup(ctx, &bytes.Buffer{}); err == nil {
		t.Fatal("Backup with a cancelled context succeeded")
	}
}

func testDecisionWakes(t *testing.T, st bureaustore.Storage) {
	addUnit(t, st, "u1")
	mustSubmit(t, st, "u1", sub(t, "f1", "r1", "", 1, "唤醒"), t0)
	woken := make(chan []string, 10)
	st.OnChange(func(units []string) { woken <- units })
	decide(t, st, bureaustore.Decision{FilingID: "f1", Action: app.ActionAccept})
	select {
	case units := <-woken:
		if !slices.Equal(units, []string{"u1"}) {
			t.Fatalf("OnChange after a decision: %v", units)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no OnChange after a decision")
	}
}

// testUnitFilingsPages: a unit's filings in pages, in the order of their
// IDs, each once, none of another unit's.
func testUnitFilingsPages(t *testing.T, st bureaustore.Storage) {
	ctx := context.Background()
	addUnit(t, st, "u1")
	addUnit(t, st, "u2")
	var want []string
	for i := range 7 {
		id := fmt.Sprintf("f%02d", 7-i) // submitted out of order
		mustSubmit(t, st, "u1", sub(t, id, "r"+id, "", 1, "甲的"+id), t0)
		want = append([]string{id}, want...)
	}
	mustSubmit(t, st, "u2", sub(t, "f04x", "rx", "", 1, "乙的"), t0) // between u1's IDs
	for _, limit := range []int{1, 3, 7, 100} {
		var got []string
		after := ""
		for pages := 0; ; pages++ {
			if pages > 10 {
				t.Fatalf("limit %d: no end", limit)
			}
			fs, more, err := st.UnitFilingsPage(ctx, "u1", after, limit)
			if err != nil || len(fs) > limit || len(fs) == 0 && more {
				t.Fatalf("limit %d after %q: %d filings, more %v, %v", limit, after, len(fs), more, err)
			}
			for _, f := range fs {
				got = append(got, f.Filing.ID)
			}
			if !more {
				break
			}
			after = fs[len(fs)-1].Filing.ID
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("limit %d: %v, want %v", limit, got, want)
		}
	}
	if fs, more, err := st.UnitFilingsPage(ctx, "u1", "f07", 10); err != nil || len(fs) != 0 || more {
		t.Errorf("after the last: %d, %v, %v", len(fs), more, err)
	}
}
