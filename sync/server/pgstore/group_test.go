package pgstore

import (
	"context"
	"testing"
	"time"

	"egovdesk/app"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server/bureaustore"
	"egovdesk/sync/server/pgtest"
	"egovdesk/sync/server/storetest"
)

// TestSubmitGroup runs one group commit of calls from two units: a new
// filing, the same filing again in a later call of the group, and a call
// whose filing's stored record cannot be read. The unreadable one fails
// alone; the resend is answered with the receipt the group created; each
// unit is told of its own growth; nothing is stored twice.
func TestSubmitGroup(t *testing.T) {
	ctx := context.Background()
	s := open(t, pgtest.DB(t))
	for _, u := range []string{"u1", "u2"} {
		if err := s.AddUnit(ctx, protocol.Unit{ID: u, Name: "单位" + u, Code: "C-" + u, Created: time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.pool.Exec(ctx, `INSERT INTO filings (id, unit_id, updated, record) VALUES ('bad', 'u1', now(), '{"filing": 5}')`); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	call := func(unit string, subs ...*bureaustore.Submission) *submitCall {
		return &submitCall{ctx: ctx, by: bureaustore.Actor{UnitID: unit, Name: "填报人"}, now: now, subs: subs}
	}
	calls := []*submitCall{
		call("u1", storetest.Submission(t, "f1", "r1", "", 1, "项目f1")),
		call("u2", storetest.Submission(t, "f2", "r2", "", 1, "项目f2")),
		call("u1", storetest.Submission(t, "bad", "rb2", "r-base", 2, "项目bad")),
		call("u1", storetest.Submission(t, "f1", "r1", "", 1, "项目f1")),
	}
	s.submitGroup(calls)

	if c := calls[2]; c.err == nil {
		t.Fatalf("the call of the unreadable filing: %+v, want an error", c.out)
	}
	for i, want := range map[int]bool{0: true, 1: true, 3: false} {
		c := calls[i]
		if c.err != nil || len(c.out) != 1 || c.out[0].Err != nil || c.out[0].Created != want {
			t.Fatalf("call %d: %+v, %v; want created %v", i, c.out, c.err, want)
		}
		if !c.grew && want {
			t.Errorf("call %d: its unit %s not told of its change", i, c.by.UnitID)
		}
	}
	if calls[3].out[0].Receipt.ReceivedAt != calls[0].out[0].Receipt.ReceivedAt || calls[3].out[0].Receipt.RevisionID != "r1" {
		t.Errorf("resend in the group: %+v, want the receipt of %+v", calls[3].out[0].Receipt, calls[0].out[0].Receipt)
	}
	var revs, feed1, feed2 int
	s.pool.QueryRow(ctx, "SELECT count(*) FROM revisions").Scan(&revs)
	s.pool.QueryRow(ctx, "SELECT count(*) FROM changes WHERE unit_id = 'u1'").Scan(&feed1)
	s.pool.QueryRow(ctx, "SELECT count(*) FROM changes WHERE unit_id = 'u2'").Scan(&feed2)
	if revs != 2 || feed1 != 1 || feed2 != 1 {
		t.Fatalf("%d revisions, feeds %d and %d changes; want 2, 1 and 1", revs, feed1, feed2)
	}
}

// A call whose writes fail when another call's submission sends them
// (its ProjectRule reads the project after the writes queued before it)
// fails alone: the call that sent them is not blamed. The group left out
// the rule's call and kept the faulty one (found in review).
func TestSubmitGroupBlamesTheFaultyWrites(t *testing.T) {
	ctx := context.Background()
	s := open(t, pgtest.DB(t))
	if err := s.AddUnit(ctx, protocol.Unit{ID: "u1", Name: "单位u1", Code: "C-u1", Created: time.Now()}); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	call := func(unit string, subs ...*bureaustore.Submission) *submitCall {
		return &submitCall{ctx: ctx, by: bureaustore.Actor{UnitID: unit, Name: "填报人"}, now: now, subs: subs}
	}
	ruled := storetest.Submission(t, "g1", "g1r", "", 1, "项目g1")
	ruled.Body.ProjectID = "d1"
	ruled.ProjectRule = func([]*app.Filing) error { return nil }
	calls := []*submitCall{
		call("ghost", storetest.Submission(t, "f1", "f1r", "", 1, "项目f1")), // no such unit: its rows break a key
		call("u1", ruled),
	}
	s.submitGroup(calls)
	if calls[0].err == nil {
		t.Errorf("the call of a unit that does not exist: %+v, want an error", calls[0].out)
	}
	if c := calls[1]; c.err != nil || len(c.out) != 1 || c.out[0].Err != nil || !c.out[0].Created {
		t.Errorf("the call whose rule sent the other's writes: %+v, %v; want it stored", c.out, c.err)
	}
}
