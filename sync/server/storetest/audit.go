package storetest

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"math"
	"sync"
	"testing"
	"time"

	"egovdesk/sync/server/bureaustore"
)

// auditCases are the cases of the security audit trail (安全审计).
var auditCases = []struct {
	name string
	fn   func(t *testing.T, st bureaustore.Storage)
}{
	{"AuditAppendChain", testAuditChain},
	{"AuditConcurrentAppends", testAuditConcurrent},
	{"AuditSearchPaging", testAuditSearch},
	{"AuditCheckpoints", testAuditCheckpoints},
	{"AuditRetention", testAuditRetention},
	{"AuditTimeRange", testAuditTimeRange},
	{"AuditAnchor", testAuditAnchor},
}

func appendAudit(t *testing.T, st bureaustore.Storage, e bureaustore.AuditEvent) bureaustore.AuditEvent {
	t.Helper()
	got, err := st.AppendAudit(context.Background(), e)
	if err != nil {
		t.Fatalf("AppendAudit %+v: %v", e, err)
	}
	return got
}

// allAudit reads the whole trail page by page.
func allAudit(t *testing.T, st bureaustore.Storage, q bureaustore.AuditQuery) []bureaustore.AuditEvent {
	t.Helper()
	var out []bureaustore.AuditEvent
	for {
		p, err := st.AuditEvents(context.Background(), q)
		if err != nil {
			t.Fatalf("AuditEvents %+v: %v", q, err)
		}
		out = append(out, p.Events...)
		if !p.More {
			return out
		}
		if len(p.Events) == 0 {
			t.Fatal("AuditEvents: More with an empty page")
		}
		q.After = p.Events[len(p.Events)-1].Seq
	}
}

// allAuditNewest reads the whole trail page by page, the latest first, and
// checks it is allAudit's reverse.
func allAuditNewest(t *testing.T, st bureaustore.Storage, q bureaustore.AuditQuery) []bureaustore.AuditEvent {
	t.Helper()
	want := allAudit(t, st, q)
	q.Newest, q.After = true, 0
	var got []bureaustore.AuditEvent
	for {
		p, err := st.AuditEvents(context.Background(), q)
		if err != nil {
			t.Fatalf("AuditEvents %+v: %v", q, err)
		}
		got = append(got, p.Events...)
		if !p.More {
			break
		}
		if len(p.Events) == 0 {
			t.Fatal("AuditEvents: More with an empty page")
		}
		q.Before = p.Events[len(p.Events)-1].Seq
	}
	if len(got) != len(want) {
		t.Fatalf("newest first %v … %v %s: %d records, oldest first %d", q.From, q.To, q.Action, len(got), len(want))
	}
	for i, e := range got {
		if w := want[len(want)-1-i]; e != w {
			t.Fatalf("newest first %v … %v %s: record %d is Seq %d, want %d", q.From, q.To, q.Action, i, e.Seq, w.Seq)
		}
	}
	return got
}

func testAuditChain(t *testing.T, st bureaustore.Storage) {
	ctx := context.Background()
	if h, err := st.AuditHead(ctx); err != nil || h.Seq != 0 || h.Digest != bureaustore.AuditGenesis {
		t.Fatalf("empty head: %+v, %v", h, err)
	}
	at := t0.Add(123456789 * time.Nanosecond) // kept to the microsecond
	e1 := appendAudit(t, st, bureaustore.AuditEvent{Time: at, Actor: "admin", Role: "admin", Address: "192.0.2.1",
		Action: "login", Outcome: bureaustore.AuditOK})
	e2 := appendAudit(t, st, bureaustore.AuditEvent{Time: at.Add(time.Second), Actor: "张三", Address: "192.0.2.2",
		Action: "login", Outcome: bureaustore.AuditDenied, Detail: "密码错误"})
	if e1.Seq != 1 || e2.Seq != 2 || e1.Prev != bureaustore.AuditGenesis || e2.Prev != e1.Digest ||
		!e1.Time.Equal(at.Truncate(time.Microsecond)) {
		t.Fatalf("chain: %+v %+v", e1, e2)
	}
	if h, _ := st.AuditHead(ctx); h.Seq != 2 || h.Digest != e2.Digest {
		t.Fatalf("head after two: %+v", h)
	}
	got := allAudit(t, st, bureaustore.AuditQuery{})
	if len(got) != 2 || got[0] != e1 || got[1] != e2 {
		t.Fatalf("read back:\n%+v\nwant\n%+v %+v", got, e1, e2)
	}
	var v bureaustore.AuditVerifier
	for _, e := range got {
		if b := v.Next(e); b != nil {
			t.Fatalf("verify a sound chain: %v", b)
		}
	}
	// The verifier names a changed record.
	bad := got[1]
	bad.Detail = "密码正确"
	v = bureaustore.AuditVerifier{}
	if b := v.Next(got[0]); b != nil {
		t.Fatal(b)
	}
	if b := v.Next(bad); b == nil || b.Seq != 2 {
		t.Fatalf("changed record: %v", b)
	}
}

func testAuditConcurrent(t *testing.T, st bureaustore.Storage) {
	const n = 20
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := st.AppendAudit(context.Background(), bureaustore.AuditEvent{Time: t0, Actor: fmt.Sprint("a", i),
				Action: "login", Outcome: bureaustore.AuditOK})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	got := allAudit(t, st, bureaustore.AuditQuery{Limit: 7})
	if len(got) != n {
		t.Fatalf("%d records, want %d", len(got), n)
	}
	var v bureaustore.AuditVerifier
	for _, e := range got {
		if b := v.Next(e); b != nil {
			t.Fatalf("concurrent appends broke the chain: %v", b)
		}
	}
}

func testAuditSearch(t *testing.T, st bureaustore.Storage) {
	ctx := context.Background()
	for i := range 30 {
		e := bureaustore.AuditEvent{Time: t0.Add(time.Duration(i) * time.Minute), Actor: "r1", Action: "decide", Outcome: bureaustore.AuditOK,
			Target: fmt.Sprint("f", i)}
		if i%3 == 0 {
			e.Actor, e.Action = "admin", "account.create"
		}
		if i%5 == 0 {
			e.Outcome = bureaustore.AuditDenied
		}
		appendAudit(t, st, e)
	}
	check := func(q bureaustore.AuditQuery, want int) []bureaustore.AuditEvent {
		t.Helper()
		allAuditNewest(t, st, q)
		got := allAudit(t, st, q)
		if len(got) != want {
			t.Fatalf("%+v: %d records, want %d", q, len(got), want)
		}
		for i, e := range got {
			if !q.Match(e) || i > 0 && e.Seq <= got[i-1].Seq {
				t.Fatalf("%+v: record %+v out of the query or of order", q, e)
			}
		}
		return got
	}
	check(bureaustore.AuditQuery{Actor: "admin"}, 10)
	check(bureaustore.AuditQuery{Action: "decide", Limit: 3}, 20)
	check(bureaustore.AuditQuery{Outcome: bureaustore.AuditDenied}, 6)
	check(bureaustore.AuditQuery{Actor: "admin", Outcome: bureaustore.AuditDenied}, 2) // 0, 15
	got := check(bureaustore.AuditQuery{From: t0.Add(10 * time.Minute), To: t0.Add(20 * time.Minute), Limit: 4}, 10)
	if got[0].Target != "f10" || got[9].Target != "f19" {
		t.Fatalf("time range: %v … %v", got[0].Target, got[9].Target)
	}
	p, err := st.AuditEvents(ctx, bureaustore.AuditQuery{Limit: 30})
	if err != nil || len(p.Events) != 30 || p.More {
		t.Fatalf("a page that holds all: %d, more %v, %v", len(p.Events), p.More, err)
	}
	p, _ = st.AuditEvents(ctx, bureaustore.AuditQuery{After: 28})
	if len(p.Events) != 2 || p.Events[0].Seq != 29 {
		t.Fatalf("after 28: %+v", p.Events)
	}
	p, _ = st.AuditEvents(ctx, bureaustore.AuditQuery{Newest: true, Limit: 2})
	if len(p.Events) != 2 || p.Events[0].Seq != 30 || p.Events[1].Seq != 29 || !p.More {
		t.Fatalf("the newest two: %+v, more %v", p.Events, p.More)
	}
	for q, want := range map[bureaustore.AuditQuery]int{{After: math.MaxUint64}: 0, {Newest: true, Before: math.MaxUint64, Limit: 1}: 1} {
		p, err := st.AuditEvents(ctx, q) // a made-up cursor from a URL
		if err != nil || len(p.Events) != want {
			t.Fatalf("%+v: %d events, want %d, %v", q, len(p.Events), want, err)
		}
	}
	p, _ = st.AuditEvents(ctx, bureaustore.AuditQuery{Newest: true, Before: 3})
	if len(p.Events) != 2 || p.Events[0].Seq != 2 || p.More {
		t.Fatalf("before 3: %+v", p.Events)
	}
}

func testAuditCheckpoints(t *testing.T, st bureaustore.Storage) {
	ctx := context.Background()
	pub, key, _ := ed25519.GenerateKey(nil)
	appendAudit(t, st, bureaustore.AuditEvent{Time: t0, Actor: "a", Action: "login", Outcome: bureaustore.AuditOK})
	h, _ := st.AuditHead(ctx)
	c1 := bureaustore.SignCheckpoint(key, h, t0)
	if err := st.AddAuditCheckpoint(ctx, c1); err != nil {
		t.Fatal(err)
	}
	appendAudit(t, st, bureaustore.AuditEvent{Time: t0, Actor: "a", Action: "logout", Outcome: bureaustore.AuditOK})
	h, _ = st.AuditHead(ctx)
	c2 := bureaustore.SignCheckpoint(key, h, t0.Add(time.Hour))
	if err := st.AddAuditCheckpoint(ctx, c2); err != nil {
		t.Fatal(err)
	}
	cs, err := st.AuditCheckpoints(ctx)
	if err != nil || len(cs) != 2 || cs[0].Seq != 1 || cs[1].Seq != 2 || cs[1].Digest != h.Digest {
		t.Fatalf("checkpoints: %+v, %v", cs, err)
	}
	for _, c := range cs {
		if !bureaustore.VerifyCheckpoint(pub, c) {
			t.Fatalf("checkpoint %d does not verify after a round trip", c.Seq)
		}
	}
	cs[0].Seq = 2
	if bureaustore.VerifyCheckpoint(pub, cs[0]) {
		t.Fatal("a changed checkpoint verifies")
	}
}

func testAuditRetention(t *testing.T, st bureaustore.Storage) {
	ctx := context.Background()
	now := t0.AddDate(1, 0, 0)
	old := appendAudit(t, st, bureaustore.AuditEvent{Time: now.AddDate(0, -8, 0), Actor: "a", Action: "login", Outcome: bureaustore.AuditOK})
	young := appendAudit(t, st, bureaustore.AuditEvent{Time: now.AddDate(0, -5, 0), Actor: "a", Action: "login", Outcome: bureaustore.AuditOK})
	if _, err := st.PruneAudit(ctx, now.AddDate(0, -5, -1), now, 10); !errors.Is(err, bureaustore.ErrInvalid) {
		t.Fatalf("prune of records younger than six months: %v, want ErrInvalid", err)
	}
	if got := allAudit(t, st, bureaustore.AuditQuery{}); len(got) != 2 {
		t.Fatalf("a refused prune removed records: %d left", len(got))
	}
	// through bounds it: an old record after the anchor stays
	if n, err := st.PruneAudit(ctx, now.Add(-bureaustore.AuditRetention), now, 0); err != nil || n != 0 {
		t.Fatalf("prune through 0: %d, %v", n, err)
	}
	n, err := st.PruneAudit(ctx, now.Add(-bureaustore.AuditRetention), now, 1)
	if err != nil || n != 1 {
		t.Fatalf("prune: %d, %v", n, err)
	}
	got := allAudit(t, st, bureaustore.AuditQuery{})
	if len(got) != 1 || got[0] != young {
		t.Fatalf("after prune: %+v", got)
	}
	// The chain goes on after the kept record, and what is left verifies.
	next := appendAudit(t, st, bureaustore.AuditEvent{Time: now, Actor: "a", Action: "login", Outcome: bureaustore.AuditOK})
	if next.Seq != 3 || next.Prev != young.Digest || old.Seq != 1 {
		t.Fatalf("after prune: %+v", next)
	}
	var v bureaustore.AuditVerifier
	for _, e := range allAudit(t, st, bureaustore.AuditQuery{}) {
		if b := v.Next(e); b != nil {
			t.Fatalf("pruned trail: %v", b)
		}
	}
}

// testAuditAnchor: a prune's anchor keeps its mark through the store, and
// its signature covers the mark.
func testAuditAnchor(t *testing.T, st bureaustore.Storage) {
	_, key, _ := ed25519.GenerateKey(nil)
	pub := key.Public().(ed25519.PublicKey)
	a := bureaustore.SignAnchor(key, bureaustore.AuditHead{Seq: 7, Digest: bureaustore.AuditGenesis}, t0)
	if err := st.AddAuditCheckpoint(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	cs, err := st.AuditCheckpoints(context.Background())
	if err != nil || len(cs) != 1 || !cs[0].Anchor || !bureaustore.VerifyCheckpoint(pub, cs[0]) {
		t.Fatalf("anchor after a round trip: %+v, %v", cs, err)
	}
	cs[0].Anchor = false
	if bureaustore.VerifyCheckpoint(pub, cs[0]) {
		t.Fatal("an anchor's signature verifies as an ordinary checkpoint's")
	}
}

// testAuditTimeRange: a query by time finds exactly the records in its
// range — however the store finds where to start (Badger searches the
// records' times) — across a pruned start and a clock set back 3 hours.
func testAuditTimeRange(t *testing.T, st bureaustore.Storage) {
	ctx := context.Background()
	now := t0.AddDate(1, 0, 0)
	for i := range 40 { // old enough to prune
		appendAudit(t, st, bureaustore.AuditEvent{Time: now.AddDate(0, -8, 0).Add(time.Duration(i) * time.Minute),
			Actor: "a", Action: "login", Outcome: bureaustore.AuditOK})
	}
	start := now.Add(-300 * time.Hour)
	for i := range 260 {
		at := start.Add(time.Duration(i) * time.Hour)
		if i == 150 {
			at = at.Add(-4 * time.Hour) // the clock set back
		}
		e := bureaustore.AuditEvent{Time: at, Actor: "r", Action: "decide", Outcome: bureaustore.AuditOK, Target: fmt.Sprint("f", i)}
		if i%4 == 0 {
			e.Action = "login"
		}
		appendAudit(t, st, e)
	}
	if n, err := st.PruneAudit(ctx, now.Add(-bureaustore.AuditRetention), now, 40); err != nil || n != 40 {
		t.Fatalf("prune: %d, %v", n, err)
	}
	all := allAudit(t, st, bureaustore.AuditQuery{})
	var qs []bureaustore.AuditQuery
	for m := 120 * 60; m <= 160*60; m += 20 { // every start around the step back
		qs = append(qs, bureaustore.AuditQuery{From: start.Add(time.Duration(m) * time.Minute)})
	}
	for _, q := range append(qs, []bureaustore.AuditQuery{
		{From: start.Add(147 * time.Hour), Limit: 7},                                        // around the step back
		{From: start.Add(147 * time.Hour), To: start.Add(151 * time.Hour)},                  // the step back inside
		{From: start.Add(100 * time.Hour), Action: "login", Limit: 5},                       // a start's read of logins
		{From: start.Add(-time.Hour), To: start.Add(2 * time.Hour)},                         // the first kept records
		{From: now.AddDate(-2, 0, 0)},                                                       // before the whole trail
		{From: now, To: now.Add(time.Hour)},                                                 // after it
		{To: start.Add(10 * time.Hour)},                                                     // only an end
		{From: start.Add(259 * time.Hour), To: start.Add(259*time.Hour + time.Millisecond)}, // the last record
	}...) {
		var want []bureaustore.AuditEvent
		for _, e := range all {
			if q.Match(e) {
				want = append(want, e)
			}
		}
		got := allAudit(t, st, q)
		if len(got) != len(want) {
			t.Fatalf("%v … %v %s: %d records, want %d", q.From, q.To, q.Action, len(got), len(want))
		}
		allAuditNewest(t, st, q)
		for i := range got {
			if got[i].Seq != want[i].Seq {
				t.Fatalf("%v … %v %s: record %d is Seq %d, want %d", q.From, q.To, q.Action, i, got[i].Seq, want[i].Seq)
			}
		}
	}
}
