package server_test

import (
	"context"
	"net/http"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/google/uuid"

	"egovdesk/app"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server"
)

func TestSubmitIsIdempotent(t *testing.T) {
	fx := MustBureau(t)
	f := newFiling(t, fx.unitA.ID)
	first := fx.submit(fx.clerkA, f, http.StatusCreated)
	if first.Status != protocol.ReceiptReceived || first.FilingStatus != app.StatusSubmitted || first.Revision != 1 {
		t.Fatalf("receipt = %+v", first)
	}
	fx.clock.Advance(time64)
	again := fx.submit(fx.clerkA, f, http.StatusOK)
	if !again.ReceivedAt.Equal(first.ReceivedAt) || again.BodySHA256 != first.BodySHA256 || again.Status != first.Status {
		t.Errorf("resent receipt %+v differs from %+v", again, first)
	}

	f.Declaration.ProjectName = "改过的名称"
	fx.expectProblem("POST", revPath(f), fx.clerkA, submitReq(t, f), http.StatusConflict, protocol.CodeRevisionConflict)

	var list protocol.FilingList
	fx.mustJSON("GET", protocol.PathFilings, fx.clerkA, nil, http.StatusOK, &list)
	if len(list.Filings) != 1 || list.Filings[0].Title != "霍邱县城关镇智慧社区管理平台" {
		t.Errorf("filings after resends = %+v", list.Filings)
	}
}

const time64 = 64 * time.Second

func TestSubmitChecksHashAndPath(t *testing.T) {
	fx := MustBureau(t)
	f := newFiling(t, fx.unitA.ID)
	req := submitReq(t, f)
	req.BodySHA256 = sha([]byte("something else"))
	p := fx.expectProblem("POST", revPath(f), fx.clerkA, req, http.StatusUnprocessableEntity, app.EINVALID)
	if len(p.Errors) != 1 || p.Errors[0].Field != "body_sha256" {
		t.Errorf("errors = %+v", p.Errors)
	}
	other := protocol.Path(protocol.PathRevision, f.ID, uuid.NewString())
	fx.expectProblem("POST", other, fx.clerkA, submitReq(t, f), http.StatusUnprocessableEntity, app.EINVALID)
	// Not JSON by its Content-Type: 415; JSON that does not parse: 422.
	fx.expectProblem("POST", revPath(f), fx.clerkA, []byte("{"), http.StatusUnsupportedMediaType, protocol.CodeUnsupportedMedia)
	if r := fx.do("POST", revPath(f), fx.clerkA, []byte("{"), "Content-Type", protocol.MediaJSON); r.StatusCode != http.StatusUnprocessableEntity || r.problem(t).Code != app.EINVALID {
		t.Errorf("truncated JSON: %d %s", r.StatusCode, r.body)
	}
}

func TestSubmitRevalidatesWithAppRules(t *testing.T) {
	fx := MustBureau(t)
	f := newFiling(t, fx.unitA.ID)
	f.Declaration.TotalInvestment = app.Wans(200) // budget sums to 180
	f.Declaration.Contact.Phone = "12345"
	p := fx.expectProblem("POST", revPath(f), fx.clerkA, submitReq(t, f), http.StatusUnprocessableEntity, app.EINVALID)
	var fields []string
	for _, e := range p.Errors {
		fields = append(fields, e.Field)
	}
	want := app.FieldErrors(f.Declaration.Validate())
	if len(p.Errors) != len(want) || !slices.Contains(fields, "budget") || !slices.Contains(fields, "contact.phone") {
		t.Errorf("fields = %v, app says %+v", fields, want)
	}
	var list protocol.FilingList
	fx.mustJSON("GET", protocol.PathFilings, fx.clerkA, nil, http.StatusOK, &list)
	if len(list.Filings) != 0 {
		t.Errorf("an invalid revision was stored: %+v", list.Filings)
	}
}

func TestSubmitTooLarge(t *testing.T) {
	fx := MustBureau(t, func(c *server.Config) { c.MaxBodyBytes = 2048 })
	f := newFiling(t, fx.unitA.ID)
	fx.expectProblem("POST", revPath(f), fx.clerkA, submitReq(t, f), http.StatusRequestEntityTooLarge, app.ETOOLARGE)
}

func TestReturnAndResubmit(t *testing.T) {
	fx := MustBureau(t)
	f := newFiling(t, fx.unitA.ID)
	fx.submit(fx.clerkA, f, http.StatusCreated)
	fx.decide(fx.reviewer, f.ID, app.ActionAccept, "", http.StatusOK)

	// A new revision while the filing is under review conflicts.
	next := *f
	next.Revision = app.Revision{ID: uuid.NewString(), Number: 2, BaseID: f.Revision.ID}
	fx.expectProblem("POST", revPath(&next), fx.clerkA, submitReq(t, &next), http.StatusConflict, app.ECONFLICT)

	p := fx.expectProblem("POST", protocol.Path(protocol.PathDecisions, f.ID), fx.reviewer,
		protocol.DecisionRequest{Action: app.ActionReturn}, http.StatusUnprocessableEntity, app.EINVALID, fx.seen(fx.reviewer, f.ID)...)
	if len(p.Errors) == 0 || p.Errors[0].Field != "comment" {
		t.Errorf("return without comment: %+v", p)
	}
	d := fx.decide(fx.reviewer, f.ID, app.ActionReturn, "请补充等保测评费用依据", http.StatusOK)
	if d.Filing.Status != app.StatusReturned || d.Transition.Comment == "" {
		t.Fatalf("decision = %+v", d)
	}

	// A revision on a stale base is refused with the head.
	stale := next
	stale.Revision = app.Revision{ID: uuid.NewString(), Number: 2, BaseID: uuid.NewString()}
	sp := fx.expectProblem("POST", revPath(&stale), fx.clerkA, submitReq(t, &stale), http.StatusConflict, protocol.CodeStaleBase)
	if sp.HeadRevisionID != f.Revision.ID {
		t.Errorf("head = %q, want %q", sp.HeadRevisionID, f.Revision.ID)
	}

	rc := fx.submit(fx.clerkA, &next, http.StatusCreated)
	if rc.Revision != 2 || rc.FilingStatus != app.StatusSubmitted {
		t.Errorf("revision 2 receipt = %+v", rc)
	}
	var detail protocol.FilingDetail
	fx.mustJSON("GET", protocol.Path(protocol.PathFiling, f.ID), fx.clerkA, nil, http.StatusOK, &detail)
	if detail.Revision != 2 || len(detail.History) != 4 || detail.Allowed != nil {
		t.Errorf("detail = rev %d, history %d, allowed %v", detail.Revision, len(detail.History), detail.Allowed)
	}
}

func TestReviewQueueAndDecisions(t *testing.T) {
	fx := MustBureau(t)
	a := newFiling(t, fx.unitA.ID)
	b := newFiling(t, fx.unitB.ID)
	fx.submit(fx.clerkA, a, http.StatusCreated)
	fx.submit(fx.clerkB, b, http.StatusCreated)

	var q protocol.FilingList
	fx.mustJSON("GET", protocol.PathReviewQueue, fx.reviewer, nil, http.StatusOK, &q)
	if len(q.Filings) != 2 {
		t.Fatalf("queue = %+v", q.Filings)
	}
	var d protocol.FilingDetail
	fx.mustJSON("GET", protocol.Path(protocol.PathReviewFiling, a.ID), fx.reviewer, nil, http.StatusOK, &d)
	if d.UnitName != fx.unitA.Name || len(d.Body) == 0 || !slices.Equal(d.Allowed, app.Allowed(app.StatusSubmitted, app.RoleReviewer)) {
		t.Errorf("review detail = %+v", d.FilingSummary)
	}
	// Units may not decide.
	fx.expectProblem("POST", protocol.Path(protocol.PathDecisions, a.ID), fx.clerkA,
		protocol.DecisionRequest{Action: app.ActionAccept}, http.StatusForbidden, app.EFORBIDDEN)
	// An action the state does not allow.
	fx.expectProblem("POST", protocol.Path(protocol.PathDecisions, a.ID), fx.reviewer,
		protocol.DecisionRequest{Action: app.ActionPass}, http.StatusUnprocessableEntity, app.EINVALID, fx.seen(fx.reviewer, a.ID)...)

	fx.decide(fx.reviewer, a.ID, app.ActionAccept, "", http.StatusOK)
	fx.decide(fx.admin, a.ID, app.ActionPass, "", http.StatusOK)
	fx.decide(fx.reviewer, a.ID, app.ActionApprove, "同意立项", http.StatusOK)
	fx.decide(fx.reviewer, b.ID, app.ActionReject, "不符合年度计划", http.StatusOK)
	fx.mustJSON("GET", protocol.PathReviewQueue, fx.reviewer, nil, http.StatusOK, &q)
	if len(q.Filings) != 0 {
		t.Errorf("queue after final decisions = %+v", q.Filings)
	}
	fx.expectProblem("POST", protocol.Path(protocol.PathDecisions, uuid.NewString()), fx.reviewer,
		protocol.DecisionRequest{Action: app.ActionAccept, From: app.StatusSubmitted}, http.StatusNotFound, app.ENOTFOUND)
}

// The bureau keeps each revision's body as received: the detail of a
// filing answers the very bytes whose SHA-256 the receipt acknowledged.
func TestFilingDetailServesBodyAsReceived(t *testing.T) {
	fx := MustBureau(t)
	f := newFiling(t, fx.unitA.ID)
	rc := fx.submit(fx.clerkA, f, http.StatusCreated)
	for path, token := range map[string]string{protocol.PathFiling: fx.clerkA, protocol.PathReviewFiling: fx.reviewer} {
		var d protocol.FilingDetail
		fx.mustJSON("GET", protocol.Path(path, f.ID), token, nil, http.StatusOK, &d)
		if sha(d.Body) != rc.BodySHA256 || d.BodySHA256 != rc.BodySHA256 {
			t.Errorf("body %s hashes to %s, receipt says %s", d.Body, sha(d.Body), rc.BodySHA256)
		}
		if d.Title != "霍邱县城关镇智慧社区管理平台" || d.RevisionID != f.Revision.ID {
			t.Errorf("detail = %+v", d.FilingSummary)
		}
	}
}

// A store of another layout (schema 1 had no m/schema key) is refused.
func TestOpenRefusesOtherStoreLayout(t *testing.T) {
	dir := t.TempDir()
	cfg := server.Config{DataDir: dir, Password: cheapPasswords}
	srv, err := server.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := badger.Open(badger.DefaultOptions(filepath.Join(dir, "badger")).WithLogger(nil))
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(txn *badger.Txn) error { return txn.Delete([]byte("m/schema")) })
	if cerr := db.Close(); err != nil || cerr != nil {
		t.Fatal(err, cerr)
	}
	if srv, err := server.Open(context.Background(), cfg); err == nil {
		srv.Close()
		t.Fatal("opened a store without m/schema")
	}
}
