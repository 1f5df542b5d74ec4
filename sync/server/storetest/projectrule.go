package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"egovdesk/app"
	"egovdesk/sync/server/bureaustore"
)

// oneStanding is a ProjectRule as the bureau's one-acceptance-at-a-time
// rule is (app.CheckOneAcceptance), on go-live filings: the submission is
// refused while another go-live filing of its project stands.
func oneStanding(s *bureaustore.Submission) *bureaustore.Submission {
	s.ProjectRule = func(project []*app.Filing) error {
		var p app.Problems
		for _, f := range project {
			if f.Kind == app.KindGoLive && f.ID != s.Body.ID && f.Status.Stands() {
				p.Add("project_id", "本项目已有 %s", f.ID)
			}
		}
		return p.Err()
	}
	return s
}

// testProjectRule: a submission's ProjectRule sees its project's filings
// as they stand when it is stored — those of the same call before it,
// those of calls before, and of calls at the same time: of eight
// applications of one project sent at once, one is received (two sent
// at once were both received when the bureau checked before its commit,
// found in review). A refused one leaves nothing; a resend is answered,
// not judged again; one refused by the bureau holds nothing back.
func testProjectRule(t *testing.T, st bureaustore.Storage) {
	addUnit(t, st, "u1")
	addUnit(t, st, "u2")
	mustSubmit(t, st, "u1", sub(t, "d1", "d1r", "", 1, "一"), t0)
	mustSubmit(t, st, "u1", sub(t, "d2", "d2r", "", 1, "二"), t0)
	refused := func(what string, r bureaustore.SubmitResult) {
		t.Helper()
		if app.ErrorCode(r.Err) != app.EINVALID {
			t.Fatalf("%s: got receipt %+v, err %v; want the rule's refusal", what, r.Receipt, r.Err)
		}
	}

	// One call, two of project d1: the first is stored, the second sees it.
	res, err := st.Submit(context.Background(), bureaustore.Actor{UnitID: "u1", Name: "填报人"}, t0,
		[]*bureaustore.Submission{oneStanding(later(t, "g1", "g1r", "", 1, "d1")), oneStanding(later(t, "g2", "g2r", "", 1, "d1"))})
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Err != nil || !res[0].Created {
		t.Fatalf("the first of the call: %+v", res[0])
	}
	refused("the second of the same call", res[1])
	if _, err := st.Filing(context.Background(), "u1", "g2"); err == nil {
		t.Fatal("a refused submission was stored")
	}
	// A later call.
	refused("a later call", submitOne(t, st, "u1", oneStanding(later(t, "g3", "g3r", "", 1, "d1")), t0.Add(time.Minute)))
	// The resend of the first is answered with its receipt.
	if r := submitOne(t, st, "u1", oneStanding(later(t, "g1", "g1r", "", 1, "d1")), t0.Add(time.Minute)); r.Err != nil || r.Created {
		t.Fatalf("resend of the first: %+v", r)
	}
	// Another unit's filing naming the same project ID is not u1's.
	mustSubmit(t, st, "u2", oneStanding(later(t, "x1", "x1r", "", 1, "d1")), t0)

	// Eight calls at once, of project d2: one is received. Each is a
	// push's batch (a store may run a big call in a transaction of its
	// own, beside the others, as pgstore does from 16).
	var wg sync.WaitGroup
	for range 8 { // a store of connections opens them first (pgx's pool opens them as asked)
		wg.Go(func() { _, _ = st.ProjectFilings(context.Background(), "u1", "d1") })
	}
	wg.Wait()
	results := make([]bureaustore.SubmitResult, 8)
	errs := make([]error, 8)
	for i := range results {
		batch := []*bureaustore.Submission{oneStanding(later(t, fmt.Sprintf("h%d", i), fmt.Sprintf("h%dr", i), "", 1, "d2"))}
		for j := range 31 {
			batch = append(batch, later(t, fmt.Sprintf("k%d-%02d", i, j), fmt.Sprintf("k%d-%02dr", i, j), "", 1, "d1"))
		}
		wg.Go(func() {
			var res []bureaustore.SubmitResult
			res, errs[i] = st.Submit(context.Background(), bureaustore.Actor{UnitID: "u1", Name: "填报人"}, t0.Add(2*time.Minute), batch)
			if errs[i] == nil {
				results[i] = res[0]
			}
		})
	}
	wg.Wait()
	created := 0
	var first string
	for i, r := range results {
		switch {
		case errs[i] != nil:
			t.Fatalf("call %d: %v", i, errs[i])
		case r.Err == nil && r.Created:
			created++
			first = fmt.Sprintf("h%d", i)
		default:
			refused(fmt.Sprintf("call %d at once", i), r)
		}
	}
	if created != 1 {
		t.Fatalf("%d of 8 sent at once were received, want 1", created)
	}

	// Refused by the bureau, the first holds nothing back.
	decide(t, st, bureaustore.Decision{FilingID: first, Action: app.ActionReject, Comment: "不符合要求", Now: t0.Add(time.Hour)})
	mustSubmit(t, st, "u1", oneStanding(later(t, "h9", "h9r", "", 1, "d2")), t0.Add(2*time.Hour))
}
