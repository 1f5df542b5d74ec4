package storetest

import (
	"context"
	"errors"
	"maps"
	"slices"
	"testing"
	"time"

	"egovdesk/app"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server/bureaustore"
	"egovdesk/sync/server/console"
)

// The cases of a profile's review steps (app.ReviewFlow): what a store
// must apply with the rules of bureaustore (ApplyDecision, QueueEntry,
// QueueMatches with Waiting, OnlyConcurredSince) so that every backend
// answers alike.
var stepCases = []struct {
	name string
	fn   func(t *testing.T, st bureaustore.Storage)
}{
	{"StepsJointConcurrences", testJointConcurrences},
	{"StepsQueueWaiting", testQueueWaiting},
	{"StepsApprovedAndRemarks", testApprovedAndRemarks},
	{"StepsConcurrenceNotStale", testConcurrenceNotStale},
}

// stepsProfile is a profile whose declarations go through 受理 and 初审 by
// the reviewer, a joint review (联审) by finance and the development and
// reform commission, and 批复立项 by the approver; other kinds are in the
// single-reviewer flow.
func stepsProfile() *app.Profile {
	return &app.Profile{ID: "steps", Flows: []app.ReviewFlow{{
		Kinds:  []app.Kind{app.KindDeclaration},
		Source: "storetest",
		Steps: []app.ReviewStep{
			{ID: "intake", Label: "受理", Status: app.StatusSubmitted, Roles: []app.Role{app.RoleReviewer}},
			{ID: "preliminary", Label: "初审", Status: app.StatusPreliminary, Roles: []app.Role{app.RoleReviewer}},
			{ID: "joint", Label: "联审", Status: app.StatusExpert, Roles: []app.Role{app.RoleFinance, app.RoleNDRC},
				Joint: true, Actions: []app.Action{app.ActionReturn}},
			{ID: "approval", Label: "批复立项", Status: app.StatusExpert, Roles: []app.Role{app.RoleApprover}},
		},
	}}}
}

// stepper decides on filings under stepsProfile, each decision an hour
// after the last.
type stepper struct {
	t    *testing.T
	st   bureaustore.Storage
	prof *app.Profile
	now  time.Time
}

func newStepper(t *testing.T, st bureaustore.Storage) *stepper {
	return &stepper{t: t, st: st, prof: stepsProfile(), now: t0.Add(time.Hour)}
}

// try applies d, taken by an account of role, and returns the store's answer.
func (s *stepper) try(role app.Role, d bureaustore.Decision) (bureaustore.DecisionResult, error) {
	s.now = s.now.Add(time.Hour)
	d.Actor, d.Role, d.Now, d.Profile = string(role)+"的人", role, s.now, s.prof
	return s.st.Decide(context.Background(), d)
}

// must applies d, taken by an account of role, and fails the test when
// it is refused.
func (s *stepper) must(role app.Role, d bureaustore.Decision) bureaustore.DecisionResult {
	s.t.Helper()
	res, err := s.try(role, d)
	if err != nil {
		s.t.Fatalf("%s %s on %s: %v", role, d.Action, d.FilingID, err)
	}
	return res
}

// refused expects d to be refused with app's error code, the filing kept
// as it was.
func (s *stepper) refused(role app.Role, d bureaustore.Decision, code string) error {
	s.t.Helper()
	before, err := s.st.Filing(context.Background(), "", d.FilingID)
	if err != nil {
		s.t.Fatal(err)
	}
	_, refusal := s.try(role, d)
	var r *bureaustore.DecisionRefused
	if !errors.As(refusal, &r) || app.ErrorCode(refusal) != code {
		s.t.Fatalf("%s %s on %s: got %v, want a refusal with %s", role, d.Action, d.FilingID, refusal, code)
	}
	if r.Current.Status != before.Filing.Filing.Status || len(r.Current.History) != len(before.Filing.Filing.History) {
		s.t.Fatalf("%s %s refused: Current %s with %d transitions, stored %s with %d", role, d.Action,
			r.Current.Status, len(r.Current.History), before.Filing.Filing.Status, len(before.Filing.Filing.History))
	}
	after, err := s.st.Filing(context.Background(), "", d.FilingID)
	if err != nil || after.Filing.Filing.Status != before.Filing.Filing.Status || len(after.Filing.Filing.History) != len(before.Filing.Filing.History) {
		s.t.Fatalf("%s %s refused but the filing changed: %+v, %v", role, d.Action, after.Filing.Filing, err)
	}
	return refusal
}

// toJoint submits declaration fid of unit u1 and takes it through 受理 and
// 初审 to the joint review.
func (s *stepper) toJoint(fid string, at time.Time) {
	s.t.Helper()
	mustSubmit(s.t, s.st, "u1", sub(s.t, fid, "r"+fid, "", 1, "联审"+fid), at)
	s.must(app.RoleReviewer, bureaustore.Decision{FilingID: fid, Action: app.ActionAccept})
	s.must(app.RoleReviewer, bureaustore.Decision{FilingID: fid, Action: app.ActionPass})
}

// queueItem returns the queue's entry of filing id, read with no filter.
func queueItem(t *testing.T, st bureaustore.Storage, id string) console.QueueItem {
	t.Helper()
	res, err := st.Queue(context.Background(), console.QueueQuery{Limit: 500}, rules(t0.Add(time.Hour)))
	if err != nil {
		t.Fatalf("Queue: %v", err)
	}
	for _, e := range res.Page.Items {
		if e.ID == id {
			return e
		}
	}
	t.Fatalf("%s is not in the queue", id)
	return console.QueueItem{}
}

// testJointConcurrences: at a joint step each department concurs once;
// the filing stays in its status, and its queue entry says who concurred,
// until the last has; then the next step (批复立项) takes it.
func testJointConcurrences(t *testing.T, st bureaustore.Storage) {
	addUnit(t, st, "u1")
	s := newStepper(t, st)
	mustSubmit(t, st, "u1", sub(t, "f1", "r1", "", 1, "联审"), t0)
	// Each step by its role only.
	s.refused(app.RoleFinance, bureaustore.Decision{FilingID: "f1", Action: app.ActionAccept}, app.EFORBIDDEN)
	s.must(app.RoleReviewer, bureaustore.Decision{FilingID: "f1", Action: app.ActionAccept})
	pass := s.must(app.RoleReviewer, bureaustore.Decision{FilingID: "f1", Action: app.ActionPass})
	if pass.Transition.Step != "初审" {
		t.Fatalf("pass: step %q, want 初审", pass.Transition.Step)
	}
	joint := pass.Transition.At // the joint step's wait (its review time) starts here
	s.refused(app.RoleApprover, bureaustore.Decision{FilingID: "f1", Action: app.ActionApprove}, app.EFORBIDDEN)

	res := s.must(app.RoleFinance, bureaustore.Decision{FilingID: "f1", Action: app.ActionConcur, Comment: "资金已落实"})
	if tr := res.Transition; tr.From != app.StatusExpert || tr.To != app.StatusExpert || tr.Step != "联审" || tr.Role != app.RoleFinance ||
		res.Filing.Filing.Status != app.StatusExpert {
		t.Fatalf("finance's concurrence: %+v, filing %s", tr, res.Filing.Filing.Status)
	}
	if e := queueItem(t, st, "f1"); e.Status != app.StatusExpert || !slices.Equal(e.Concurred, []app.Role{app.RoleFinance}) {
		t.Fatalf("queue entry after finance concurred: status %s, concurred %v", e.Status, e.Concurred)
	}
	// Once each: a second concurrence is refused, and the approver still waits.
	s.refused(app.RoleFinance, bureaustore.Decision{FilingID: "f1", Action: app.ActionConcur}, app.ECONFLICT)
	s.refused(app.RoleApprover, bureaustore.Decision{FilingID: "f1", Action: app.ActionApprove}, app.EFORBIDDEN)

	res = s.must(app.RoleNDRC, bureaustore.Decision{FilingID: "f1", Action: app.ActionConcur})
	if res.Transition.To != app.StatusExpert || res.Transition.Step != "联审" {
		t.Fatalf("ndrc's concurrence: %+v", res.Transition)
	}
	if e := queueItem(t, st, "f1"); !slices.Equal(e.Concurred, []app.Role{app.RoleFinance, app.RoleNDRC}) {
		t.Fatalf("queue entry after both concurred: concurred %v, want [finance ndrc] (in the order given)", e.Concurred)
	} else if !e.Since.Equal(joint) {
		// A concurrence leaves the filing at its step: the step's review
		// time still counts from 初审通过, not from the last concurrence.
		t.Fatalf("queue entry after the concurrences waits since %v, want %v (初审通过)", e.Since, joint)
	}
	// The joint step is done: the departments no longer take the filing.
	s.refused(app.RoleNDRC, bureaustore.Decision{FilingID: "f1", Action: app.ActionConcur}, app.EFORBIDDEN)
	res = s.must(app.RoleApprover, bureaustore.Decision{FilingID: "f1", Action: app.ActionApprove})
	if res.Transition.To != app.StatusApproved || res.Transition.Step != "批复立项" {
		t.Fatalf("approval: %+v", res.Transition)
	}
	if ids := queueIDs(t, st, console.QueueQuery{}); len(ids) != 0 {
		t.Fatalf("approved filing still queued: %v", ids)
	}
	// Every decision, the concurrences too, is in the unit's feed in order.
	var got []app.Action
	for _, c := range changes(t, st, bureaustore.ChangesQuery{Unit: "u1"}).Changes {
		if c.Type == protocol.ChangeDecision && c.Transition != nil {
			got = append(got, c.Transition.Action)
		}
	}
	want := []app.Action{app.ActionAccept, app.ActionPass, app.ActionConcur, app.ActionConcur, app.ActionApprove}
	if !slices.Equal(got, want) {
		t.Fatalf("decisions in the feed: %v, want %v", got, want)
	}
}

// testQueueWaiting: the queue with bureaustore.Waiting keeps the filings
// waiting at a step of the asking role: a department's queue loses a
// filing when it concurs, the approver's gains it when all have; a kind
// no flow covers waits for the reviewers and admins; paging composes.
func testQueueWaiting(t *testing.T, st bureaustore.Storage) {
	addUnit(t, st, "u1")
	s := newStepper(t, st)
	mustSubmit(t, st, "u1", sub(t, "intake", "r-intake", "", 1, "待受理"), t0) // at 受理
	s.toJoint("joint", t0)                                                  // at 联审, none concurred
	s.toJoint("half", t0)                                                   // at 联审, finance concurred
	s.must(app.RoleFinance, bureaustore.Decision{FilingID: "half", Action: app.ActionConcur})
	s.toJoint("done", t0) // 联审 done: at 批复立项
	s.must(app.RoleFinance, bureaustore.Decision{FilingID: "done", Action: app.ActionConcur})
	s.must(app.RoleNDRC, bureaustore.Decision{FilingID: "done", Action: app.ActionConcur})
	// A catalogue: no flow of the profile covers it.
	cat := app.Body{ID: "cat", Kind: app.KindCatalogue, Revision: 1, RevisionID: "r-cat", Catalogue: &app.Catalogue{Title: "数据资源目录"}}
	data, sum, err := cat.Encode()
	if err != nil {
		t.Fatal(err)
	}
	mustSubmit(t, st, "u1", &bureaustore.Submission{Body: cat, Request: protocol.SubmitRequest{FilingID: "cat",
		RevisionID: "r-cat", Revision: 1, Body: data, BodySHA256: sum}}, t0)

	waiting := func(role app.Role, limit int) []string {
		t.Helper()
		ids := queueIDs(t, st, console.QueueQuery{Waiting: bureaustore.Waiting(s.prof, role), Limit: limit})
		slices.Sort(ids)
		return ids
	}
	for _, c := range []struct {
		role app.Role
		want []string
	}{
		{app.RoleReviewer, []string{"cat", "intake"}},
		{app.RoleAdmin, []string{"cat", "intake"}}, // an admin takes the reviewer's steps
		{app.RoleFinance, []string{"joint"}},
		{app.RoleNDRC, []string{"half", "joint"}},
		{app.RoleApprover, []string{"done"}},
		{app.RoleCrypto, nil}, // in no step of the flow
	} {
		for _, limit := range []int{1, 50} {
			if got := waiting(c.role, limit); !slices.Equal(got, c.want) {
				t.Errorf("%s's queue (pages of %d): %v, want %v", c.role, limit, got, c.want)
			}
		}
	}
	if all := queueIDs(t, st, console.QueueQuery{}); len(all) != 5 {
		t.Errorf("the queue without Waiting: %v, want all 5", all)
	}
	// Waiting composes with the other filters.
	q := console.QueueQuery{Waiting: bureaustore.Waiting(s.prof, app.RoleReviewer), Kind: app.KindDeclaration}
	if got := queueIDs(t, st, q); !slices.Equal(got, []string{"intake"}) {
		t.Errorf("the reviewer's declarations: %v, want [intake]", got)
	}
	// Without a profile every filing waits for the reviewers, none for a department.
	if got := queueIDs(t, st, console.QueueQuery{Waiting: bureaustore.Waiting(nil, app.RoleReviewer)}); len(got) != 5 {
		t.Errorf("the reviewer's queue without a profile: %v, want all 5", got)
	}
	if got := queueIDs(t, st, console.QueueQuery{Waiting: bureaustore.Waiting(nil, app.RoleFinance)}); len(got) != 0 {
		t.Errorf("finance's queue without a profile: %v, want none", got)
	}
	// finance concurs on joint: it leaves finance's queue, stays in ndrc's.
	s.must(app.RoleFinance, bureaustore.Decision{FilingID: "joint", Action: app.ActionConcur})
	if got := waiting(app.RoleFinance, 50); len(got) != 0 {
		t.Errorf("finance's queue after concurring: %v, want none", got)
	}
	if got := waiting(app.RoleNDRC, 50); !slices.Equal(got, []string{"half", "joint"}) {
		t.Errorf("ndrc's queue after finance concurred: %v, want [half joint]", got)
	}
}

// testApprovedAndRemarks: a decision's 核定 amount and remarks on fields
// are checked, stored in the history and carried whole by the change in
// the unit's feed; a refused one leaves nothing, in the feed neither.
func testApprovedAndRemarks(t *testing.T, st bureaustore.Storage) {
	ctx := context.Background()
	addUnit(t, st, "u1")
	s := newStepper(t, st)
	mustSubmit(t, st, "u1", sub(t, "f1", "r1", "", 1, "核定"), t0) // declares 1000000 fen
	feedLen := func() int { return len(changes(t, st, bureaustore.ChangesQuery{Unit: "u1"}).Changes) }

	remarks := map[string]string{"goals": "建设目标请量化到可考核的指标", "budget[0].amount": "请附三家询价"}
	n := feedLen()
	err := s.refused(app.RoleReviewer, bureaustore.Decision{FilingID: "f1", Action: app.ActionAccept, Remarks: remarks}, app.EINVALID)
	if fe := app.FieldErrors(err); len(fe) == 0 || fe[0].Field != "remarks" {
		t.Errorf("remarks with 受理: fields %+v", fe)
	}
	res := s.must(app.RoleReviewer, bureaustore.Decision{FilingID: "f1", Action: app.ActionReturn, Comment: "请按逐项意见修改", Remarks: remarks})
	if !maps.Equal(res.Transition.Remarks, remarks) || res.Transition.Step != "受理" {
		t.Fatalf("return: %+v", res.Transition)
	}
	if got := feedLen(); got != n+1 {
		t.Fatalf("the feed grew by %d with a refusal and a return, want 1", got-n)
	}
	v, err := st.Filing(ctx, "", "f1")
	if err != nil {
		t.Fatal(err)
	}
	h := v.Filing.Filing.History
	if !maps.Equal(h[len(h)-1].Remarks, remarks) || !maps.Equal(v.Filing.Filing.LastRemarks(), remarks) {
		t.Fatalf("stored history: %+v", h[len(h)-1])
	}
	feed := changes(t, st, bureaustore.ChangesQuery{Unit: "u1"}).Changes
	if c := feed[len(feed)-1]; c.Type != protocol.ChangeDecision || c.Transition == nil || !maps.Equal(c.Transition.Remarks, remarks) {
		t.Fatalf("the return in the feed: %+v", c)
	}

	// The next revision goes through to 批复立项, with a 核定 amount.
	mustSubmit(t, st, "u1", sub(t, "f1", "r2", "r1", 2, "核定"), t0.Add(30*time.Hour))
	s.now = t0.Add(31 * time.Hour)
	s.must(app.RoleReviewer, bureaustore.Decision{FilingID: "f1", Action: app.ActionAccept})
	s.refused(app.RoleReviewer, bureaustore.Decision{FilingID: "f1", Action: app.ActionPass, Approved: 1000001}, app.EINVALID)
	if res := s.must(app.RoleReviewer, bureaustore.Decision{FilingID: "f1", Action: app.ActionPass, Approved: 900000}); res.Transition.Approved != 900000 {
		t.Fatalf("初审通过 with 核定: %+v", res.Transition)
	}
	s.must(app.RoleFinance, bureaustore.Decision{FilingID: "f1", Action: app.ActionConcur})
	s.must(app.RoleNDRC, bureaustore.Decision{FilingID: "f1", Action: app.ActionConcur})
	n = feedLen()
	err = s.refused(app.RoleApprover, bureaustore.Decision{FilingID: "f1", Action: app.ActionApprove, Approved: 1000000 + 1}, app.EINVALID)
	if fe := app.FieldErrors(err); len(fe) != 1 || fe[0].Field != "approved" {
		t.Errorf("核定 above the declared total: fields %+v", fe)
	}
	if got := feedLen(); got != n {
		t.Fatalf("a refused decision grew the feed by %d", got-n)
	}
	res = s.must(app.RoleApprover, bureaustore.Decision{FilingID: "f1", Action: app.ActionApprove, Approved: 850000, Comment: "核减"})
	if res.Transition.Approved != 850000 || res.Transition.Step != "批复立项" || res.Transition.RevisionID != "r2" {
		t.Fatalf("批复立项 with 核定: %+v", res.Transition)
	}
	if v, err = st.Filing(ctx, "", "f1"); err != nil || v.Filing.Filing.History[len(v.Filing.Filing.History)-1].Approved != 850000 {
		t.Fatalf("stored history: %+v, %v", v.Filing.Filing.History, err)
	}
	feed = changes(t, st, bureaustore.ChangesQuery{Unit: "u1"}).Changes
	c := feed[len(feed)-1]
	if c.Type != protocol.ChangeDecision || c.Transition == nil || c.Transition.Approved != 850000 ||
		c.Transition.Step != "批复立项" || c.Transition.Comment != "核减" || c.RevisionID != "r2" {
		t.Fatalf("the approval in the feed: %+v", c)
	}
}

// testConcurrenceNotStale: a department's view of a filing at a joint
// step stays current while only other departments concur (联审同意 leaves
// the filing as it was); any other decision since, or a view of another
// revision, makes it stale.
func testConcurrenceNotStale(t *testing.T, st bureaustore.Storage) {
	addUnit(t, st, "u1")
	s := newStepper(t, st)
	s.toJoint("f1", t0) // submit, accept, pass: 3 transitions
	seen := &bureaustore.Expected{RevisionID: "rf1", Transitions: 3}
	s.must(app.RoleNDRC, bureaustore.Decision{FilingID: "f1", Action: app.ActionConcur, Expected: seen})
	// finance decided on the view before ndrc's concurrence: not stale.
	s.must(app.RoleFinance, bureaustore.Decision{FilingID: "f1", Action: app.ActionConcur, Expected: seen})
	// A view from before 初审通过 is stale, concurrences since or not.
	_, err := s.try(app.RoleApprover, bureaustore.Decision{FilingID: "f1", Action: app.ActionApprove,
		Expected: &bureaustore.Expected{RevisionID: "rf1", Transitions: 2}})
	wantErr(t, "a view from before 初审通过", err, bureaustore.ErrConflict)
	// So is a view of another revision.
	_, err = s.try(app.RoleApprover, bureaustore.Decision{FilingID: "f1", Action: app.ActionApprove,
		Expected: &bureaustore.Expected{RevisionID: "other", Transitions: 3}})
	wantErr(t, "a view of another revision", err, bureaustore.ErrConflict)
	s.must(app.RoleApprover, bureaustore.Decision{FilingID: "f1", Action: app.ActionApprove,
		Expected: &bureaustore.Expected{RevisionID: "rf1", Transitions: 5}})

	// A department's 退回修改 is no concurrence: the other's view is stale.
	s.toJoint("f2", t0)
	seen = &bureaustore.Expected{RevisionID: "rf2", Transitions: 3}
	s.must(app.RoleFinance, bureaustore.Decision{FilingID: "f2", Action: app.ActionReturn, Comment: "资金来源不明", Expected: seen})
	_, err = s.try(app.RoleNDRC, bureaustore.Decision{FilingID: "f2", Action: app.ActionConcur, Expected: seen})
	wantErr(t, "ndrc on a view from before finance returned it", err, bureaustore.ErrConflict)
}
