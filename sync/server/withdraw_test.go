package server_test

import (
	"net/http"
	"strings"
	"testing"

	"egovdesk/app"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server"
)

// status fails the test unless r answered want.
func (r response) status(tb testing.TB, want int) response {
	tb.Helper()
	if r.StatusCode != want {
		tb.Fatalf("%s %s: %d, want %d: %s", r.Request.Method, r.Request.URL.Path, r.StatusCode, want, r.body)
	}
	return r
}

// TestUnitWithdrawsBeforeAcceptance: a clerk takes back a submission the
// bureau holds and has not accepted; it leaves the queue, the unit's feed
// carries the withdrawal, asking again answers the same withdrawal, a
// reviewer who decides on it is told the unit withdrew it, and the unit
// sends it again as revision 2. Once accepted, a withdrawal is refused
// saying when and what the bureau did.
func TestUnitWithdrawsBeforeAcceptance(t *testing.T) {
	fx := MustBureau(t)
	f := newFiling(t, fx.unitA.ID)
	fx.submit(fx.clerkA, f, http.StatusCreated)
	g := newFiling(t, fx.unitA.ID)
	fx.submit(fx.clerkA, g, http.StatusCreated)
	path := protocol.Path(protocol.PathWithdrawal, f.ID)

	// Not the bureau's to withdraw; not with a reason too long.
	fx.do("POST", path, fx.reviewer, protocol.WithdrawRequest{RevisionID: f.Revision.ID}).status(t, http.StatusForbidden)
	long := protocol.WithdrawRequest{RevisionID: f.Revision.ID, Comment: strings.Repeat("错", app.MaxWithdrawReason+1)}
	if p := fx.do("POST", path, fx.clerkA, long).status(t, http.StatusUnprocessableEntity).problem(t); !strings.Contains(p.Detail, "撤回原因") {
		t.Errorf("reason too long: %+v", p)
	}
	fx.do("POST", path, fx.clerkA, protocol.WithdrawRequest{RevisionID: "../x"}).status(t, http.StatusUnprocessableEntity)

	var w protocol.DecisionResponse
	fx.mustJSON("POST", path, fx.clerkA, protocol.WithdrawRequest{RevisionID: f.Revision.ID, Comment: "附件传错了"}, http.StatusOK, &w)
	if tr := w.Transition; tr.Action != app.ActionWithdraw || tr.Role != app.RoleUnit || tr.To != app.StatusWithdrawn ||
		tr.Comment != "附件传错了" || w.Filing.Status != app.StatusWithdrawn {
		t.Fatalf("withdrawal: %+v", w)
	}
	var again protocol.DecisionResponse
	for range 20 {
		fx.mustJSON("POST", path, fx.clerkA, protocol.WithdrawRequest{RevisionID: f.Revision.ID}, http.StatusOK, &again)
	}
	if !again.Transition.At.Equal(w.Transition.At) || again.Transition.Comment != "附件传错了" {
		t.Fatalf("asked again: %+v, want the first withdrawal %+v", again.Transition, w.Transition)
	}
	// Asked again 20 times: not 20 withdrawals in the audit trail.
	n := 0
	for _, e := range server.AuditTrail(t, fx.srv) {
		if e.Action == "withdraw" && e.Actor == "clerk-a" {
			n++
		}
	}
	if n > 2 {
		t.Errorf("one withdrawal asked again 20 times left %d records in the audit trail", n)
	}
	var q protocol.FilingList
	fx.mustJSON("GET", protocol.PathReviewQueue, fx.reviewer, nil, http.StatusOK, &q)
	for _, it := range q.Filings {
		if it.ID == f.ID {
			t.Fatal("the withdrawn filing is still in the review queue")
		}
	}
	feed := fx.changes(fx.clerkA, "", "")
	withdrawals := 0
	for _, c := range feed.Changes {
		if c.Type == protocol.ChangeDecision && c.FilingID == f.ID && c.Transition != nil && c.Transition.Action == app.ActionWithdraw {
			withdrawals++
		}
	}
	if withdrawals != 1 {
		t.Fatalf("the feed carries %d withdrawals, want 1: %+v", withdrawals, feed.Changes)
	}

	// The reviewer is told the unit took it back, with its reason; a
	// reviewer cannot "withdraw".
	r := fx.do("POST", protocol.Path(protocol.PathDecisions, f.ID), fx.reviewer,
		protocol.DecisionRequest{Action: app.ActionAccept, From: app.StatusSubmitted})
	if p := r.status(t, http.StatusConflict).problem(t); !strings.Contains(p.Detail, "建设单位已于") || !strings.Contains(p.Detail, "附件传错了") {
		t.Errorf("受理 of a withdrawn filing: %+v", p)
	}
	fx.do("POST", protocol.Path(protocol.PathDecisions, g.ID), fx.reviewer,
		protocol.DecisionRequest{Action: app.ActionWithdraw, From: app.StatusSubmitted}).status(t, http.StatusUnprocessableEntity)

	// Accepted: refused, saying so.
	fx.decide(fx.reviewer, g.ID, app.ActionAccept, "", http.StatusOK)
	r = fx.do("POST", protocol.Path(protocol.PathWithdrawal, g.ID), fx.clerkA, protocol.WithdrawRequest{RevisionID: g.Revision.ID})
	if p := r.status(t, http.StatusConflict).problem(t); !strings.Contains(p.Detail, "受理") || !strings.Contains(p.Detail, "初审中") {
		t.Errorf("withdrawal after 受理: %+v", p)
	}

	// Revision 2 of the withdrawn one goes back to the queue; withdrawing
	// revision 1 again is now a conflict.
	next := *f
	next.Revision = app.Revision{ID: "rev-2-after-withdrawal", Number: 2, BaseID: f.Revision.ID}
	if rc := fx.submit(fx.clerkA, &next, http.StatusCreated); rc.FilingStatus != app.StatusSubmitted {
		t.Fatalf("revision 2: %+v", rc)
	}
	r = fx.do("POST", path, fx.clerkA, protocol.WithdrawRequest{RevisionID: f.Revision.ID})
	if p := r.status(t, http.StatusConflict).problem(t); !strings.Contains(p.Detail, "第 2 版") {
		t.Errorf("withdrawal of revision 1 once 2 came: %+v", p)
	}
}

// TestWithdrawalAsAnAttackerSendsIt sends withdrawals over raw sockets as a
// careless or hostile client would: invalid UTF-8 or an escaped NUL in the
// reason, unknown fields, a body past the route's bound, no token, another
// unit's filing. Each is refused with a problem body, and the filing is
// still waiting for 受理.
func TestWithdrawalAsAnAttackerSendsIt(t *testing.T) {
	fx := MustBureau(t)
	f := newFiling(t, fx.unitA.ID)
	fx.submit(fx.clerkA, f, http.StatusCreated)
	path := protocol.Path(protocol.PathWithdrawal, f.ID)
	rid := f.Revision.ID
	for _, c := range []struct {
		name, token, body string
		status            int
	}{
		{"invalid UTF-8 in the reason", fx.clerkA, `{"revision_id":"` + rid + `","comment":"原因\xff\xfe"}`, http.StatusUnprocessableEntity},
		{"an escaped NUL in the reason", fx.clerkA, `{"revision_id":"` + rid + `","comment":"原因\u0000"}`, http.StatusUnprocessableEntity},
		{"an unknown field", fx.clerkA, `{"revision_id":"` + rid + `","status":"draft"}`, http.StatusUnprocessableEntity},
		{"no revision", fx.clerkA, `{"comment":"x"}`, http.StatusUnprocessableEntity},
		{"a body past the bound", fx.clerkA, `{"revision_id":"` + rid + `","comment":"` + strings.Repeat("a", 20<<10) + `"}`, http.StatusRequestEntityTooLarge},
		{"no token", "", `{"revision_id":"` + rid + `"}`, http.StatusUnauthorized},
		{"another unit", fx.clerkB, `{"revision_id":"` + rid + `"}`, http.StatusNotFound},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := fx.raw(rawJSON("POST", path, c.token, protocol.MediaJSON, []byte(c.body)))
			r.status(t, c.status).problem(t)
		})
	}
	var d protocol.FilingDetail
	fx.mustJSON("GET", protocol.Path(protocol.PathFiling, f.ID), fx.clerkA, nil, http.StatusOK, &d)
	if d.Status != app.StatusSubmitted || len(d.History) != 1 {
		t.Fatalf("after the refused withdrawals: %s, %d transitions", d.Status, len(d.History))
	}
}

// TestADecisionByStatusAloneAfterAResubmission (found in review): a
// reviewer who read revision 1 and decides with "from" alone must not see
// the decision land on a revision 2 the unit sent after withdrawing 1. It
// is refused until the reviewer says which revision (If-Match or
// revision_id); with revision 2 named, it goes through.
func TestADecisionByStatusAloneAfterAResubmission(t *testing.T) {
	fx := MustBureau(t)
	f := newFiling(t, fx.unitA.ID)
	fx.submit(fx.clerkA, f, http.StatusCreated)
	fx.mustJSON("POST", protocol.Path(protocol.PathWithdrawal, f.ID), fx.clerkA, protocol.WithdrawRequest{RevisionID: f.Revision.ID}, http.StatusOK, nil)
	next := *f
	d := *f.Declaration
	next.Declaration = &d
	next.Declaration.Goals = "另一份建设目标"
	next.Revision = app.Revision{ID: "rev-2-swapped", Number: 2, BaseID: f.Revision.ID}
	fx.submit(fx.clerkA, &next, http.StatusCreated)

	path := protocol.Path(protocol.PathDecisions, f.ID)
	r := fx.do("POST", path, fx.reviewer, protocol.DecisionRequest{Action: app.ActionFile, From: app.StatusSubmitted})
	if p := r.status(t, http.StatusConflict).problem(t); !strings.Contains(p.Detail, "撤回后重新提交了第 2 版") {
		t.Fatalf("备案 by status alone: %+v", p)
	}
	fx.do("POST", path, fx.reviewer, protocol.DecisionRequest{Action: app.ActionFile, From: app.StatusSubmitted, RevisionID: f.Revision.ID}).
		status(t, http.StatusConflict)
	var resp protocol.DecisionResponse
	fx.mustJSON("POST", path, fx.reviewer, protocol.DecisionRequest{Action: app.ActionAccept, From: app.StatusSubmitted, RevisionID: next.Revision.ID}, http.StatusOK, &resp)
	if resp.Transition.RevisionNumber != 2 {
		t.Fatalf("受理 of revision 2: %+v", resp.Transition)
	}
	// The bureau has acted since: "from" alone is enough again.
	fx.decideReq(fx.reviewer, f.ID, protocol.DecisionRequest{Action: app.ActionReturn, Comment: "请补充", From: app.StatusPreliminary}, http.StatusOK)
}
