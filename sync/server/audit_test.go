package server_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/netip"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"egovdesk/app"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server"
	"egovdesk/sync/server/badgerstore"
	"egovdesk/sync/server/bureaustore"
)

// auditSince returns the records after the first n of the trail with
// action.
func auditSince(t *testing.T, fx *fixture, n int, action string) []bureaustore.AuditEvent {
	t.Helper()
	var out []bureaustore.AuditEvent
	for _, e := range server.AuditTrail(t, fx.srv)[n:] {
		if e.Action == action {
			out = append(out, e)
		}
	}
	return out
}

// one wants exactly one record of action since n, from the loopback
// client, by actor with outcome, and returns it.
func one(t *testing.T, fx *fixture, n int, action, actor, outcome string) bureaustore.AuditEvent {
	t.Helper()
	got := auditSince(t, fx, n, action)
	if len(got) != 1 {
		t.Fatalf("%s: %d records, want 1: %+v", action, len(got), got)
	}
	e := got[0]
	if e.Actor != actor || e.Outcome != outcome || e.Address != "127.0.0.1" {
		t.Fatalf("%s: %+v, want actor %s, outcome %s, address 127.0.0.1", action, e, actor, outcome)
	}
	return e
}

// TestAuditRecordsOverHTTP: a failed and a successful login, a decision,
// an admin action, an attachment download and an export each leave one
// record with who, from where and how it ended; the password is nowhere.
func TestAuditRecordsOverHTTP(t *testing.T) {
	fx := MustBureau(t)
	n := len(server.AuditTrail(t, fx.srv))

	fx.do("POST", protocol.PathLogin, "", protocol.LoginRequest{Login: "reviewer", Password: "wrong-password-123"})
	e := one(t, fx, n, "login", "reviewer", bureaustore.AuditDenied)
	n = int(e.Seq)
	fx.do("POST", protocol.PathLogin, "", protocol.LoginRequest{Login: "nobody", Password: "wrong-password-123"})
	one(t, fx, n, "login", "nobody", bureaustore.AuditDenied)
	n++
	fx.clock.Advance(time.Minute) // past the fixture's own login (TestRepeatedLoginsAreAuditedOnceAMinute)
	fx.login("reviewer")
	if e := one(t, fx, n, "login", "reviewer", bureaustore.AuditOK); e.Role != string(app.RoleReviewer) {
		t.Fatalf("login record without the role: %+v", e)
	}
	for _, e := range server.AuditTrail(t, fx.srv) {
		if strings.Contains(e.Detail+e.Target, "wrong-password") || strings.Contains(e.Detail+e.Target, password) {
			t.Fatalf("a password in the trail: %+v", e)
		}
	}

	n = len(server.AuditTrail(t, fx.srv))
	var u protocol.Unit
	fx.mustJSON("POST", protocol.PathAdminUnits, fx.admin, protocol.AdminUnitRequest{Name: "霍邱县冯井镇人民政府", Code: "12341522MB0000010M"}, http.StatusCreated, &u)
	one(t, fx, n, "unit.create", "admin", bureaustore.AuditOK)

	pdf := []byte("%PDF-1.4 audited attachment")
	f := newFiling(t, fx.unitA.ID, pdf)
	fx.submit(fx.clerkA, f, http.StatusCreated)
	fx.upload(fx.clerkA, pdf, 1<<20)
	n = len(server.AuditTrail(t, fx.srv))
	if r := fx.do("GET", protocol.Path(protocol.PathReviewAttachment, f.ID, sha(pdf)), fx.reviewer, nil); r.StatusCode != http.StatusOK {
		t.Fatalf("download: %d", r.StatusCode)
	}
	if e := one(t, fx, n, "attachment.download", "reviewer", bureaustore.AuditOK); !strings.Contains(e.Target, f.ID) || e.Detail != "附件1.pdf" {
		t.Fatalf("download record: %+v", e)
	}

	n = len(server.AuditTrail(t, fx.srv))
	resp := fx.decide(fx.reviewer, f.ID, app.ActionAccept, "受理", http.StatusOK)
	e = one(t, fx, n, "decide", "reviewer", bureaustore.AuditOK)
	if !strings.Contains(e.Target, f.ID) || !strings.Contains(e.Target, resp.Transition.RevisionID) || !strings.Contains(e.Detail, app.ActionAccept.Label()) {
		t.Fatalf("decision record: %+v", e)
	}
	// A refused decision is recorded with its outcome.
	n = int(e.Seq)
	fx.decide(fx.reviewer, f.ID, app.ActionAccept, "再受理一次", http.StatusUnprocessableEntity)
	if got := auditSince(t, fx, n, "decide"); len(got) != 1 || got[0].Outcome != bureaustore.AuditFailed {
		t.Fatalf("refused decision: %+v", got)
	} else if d := got[0].Detail; !strings.HasPrefix(d, "受理（未生效）：") || strings.Contains(d, "decide") || strings.Contains(d, f.ID) {
		// in Chinese, as the reviewer was told: it read "accept：decide 81ee…: …"
		t.Errorf("refused decision's detail: %q", d)
	}
	// The project by name beside its ID (the target was the ID alone).
	if !strings.Contains(e.Target, "《"+f.Title()+"》") {
		t.Errorf("decision's target: %q", e.Target)
	}

	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	n = len(server.AuditTrail(t, fx.srv))
	if r := b.get("/console/queue.csv"); r.StatusCode != http.StatusOK {
		t.Fatalf("queue export: %d", r.StatusCode)
	}
	one(t, fx, n, "export.queue_csv", "reviewer", bureaustore.AuditOK)
	fx.clock.Advance(time.Minute) // the same download within a minute is one record (TestRepeatedReadsAreAuditedOnceAMinute)
	n = len(server.AuditTrail(t, fx.srv))
	if r := b.get("/console/filings/" + f.ID + "/attachments/" + sha(pdf)); r.StatusCode != http.StatusOK {
		t.Fatalf("console download: %d", r.StatusCode)
	}
	one(t, fx, n, "attachment.download", "reviewer", bureaustore.AuditOK)

	// An admin action from the console is recorded once, by the admin.
	ad := fx.browser()
	ad.login("admin", http.StatusSeeOther)
	ad.get("/console/admin/units")
	n = len(server.AuditTrail(t, fx.srv))
	ad.post("/console/admin/units/"+fx.unitB.ID+"/disable", url.Values{"csrf": {ad.csrf()}, "disabled": {"1"}, "confirm": {"1"}})
	one(t, fx, n, "unit.disable", "admin", bureaustore.AuditOK)
}

// TestAuditRoles: the 安全审计 page is for admins and auditors; an auditor
// sees nothing else and cannot decide; no route edits the trail.
func TestAuditRoles(t *testing.T) {
	fx := MustBureau(t)
	if _, err := fx.srv.AddAccount(context.Background(), server.NewAccount{Login: "auditor", Name: "审计员甲", Role: app.RoleAuditor, Password: password}); err != nil {
		t.Fatal(err)
	}
	f := newFiling(t, fx.unitA.ID)
	fx.submit(fx.clerkA, f, http.StatusCreated)

	rv := fx.browser()
	rv.login("reviewer", http.StatusSeeOther)
	for _, p := range []string{"/console/audit", "/console/audit.csv"} {
		if r := rv.get(p); r.StatusCode != http.StatusForbidden {
			t.Errorf("reviewer GET %s: %d", p, r.StatusCode)
		}
	}
	rv.get("/console/queue")
	if strings.Contains(rv.last, "/console/audit") {
		t.Error("a reviewer is offered 安全审计")
	}

	au := fx.browser()
	if r := au.login("auditor", http.StatusSeeOther); r.Header.Get("Location") != "/console/audit" {
		t.Errorf("an auditor lands on %q", r.Header.Get("Location"))
	}
	if r := au.get("/console/audit?actor=reviewer"); r.StatusCode != http.StatusOK || !strings.Contains(au.last, "login") ||
		!strings.Contains(au.last, "127.0.0.1") || strings.Contains(au.last, "/console/queue\">待审核") {
		t.Fatalf("auditor's 安全审计: %d\n%s", r.StatusCode, au.last)
	}
	if r := au.get("/console/audit.csv?action=login"); r.StatusCode != http.StatusOK || !strings.Contains(au.last, "reviewer") ||
		strings.Contains(au.last, "unit.create") {
		t.Fatalf("auditor's export: %d\n%s", r.StatusCode, au.last)
	}
	if got := server.AuditTrail(t, fx.srv); got[len(got)-1].Action != "export.audit_csv" || got[len(got)-1].Actor != "auditor" {
		t.Fatalf("the auditor's export is not recorded: %+v", got[len(got)-1])
	}
	for _, p := range []string{"/console/filings/" + f.ID, "/console/admin/units"} {
		if r := au.get(p); r.StatusCode != http.StatusForbidden {
			t.Errorf("auditor GET %s: %d", p, r.StatusCode)
		}
	}
	// The queue, where "回到待审核" leads, and the pages that read every
	// unit's filings send an auditor home.
	for _, p := range []string{"/console/queue", "/console/find?q=x", "/console/late", "/console/late.csv"} {
		if r := au.get(p); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/console/audit" {
			t.Errorf("auditor GET %s: %d to %q", p, r.StatusCode, r.Header.Get("Location"))
		}
	}
	tok := fx.login("auditor").Token
	fx.expectProblem("POST", protocol.Path(protocol.PathDecisions, f.ID), tok, protocol.DecisionRequest{Action: app.ActionAccept}, http.StatusForbidden, "forbidden")
	fx.expectProblem("GET", protocol.PathReviewQueue, tok, nil, http.StatusForbidden, "forbidden")

	ad := fx.browser()
	ad.login("admin", http.StatusSeeOther)
	if r := ad.get("/console/audit?outcome=ok"); r.StatusCode != http.StatusOK || !strings.Contains(ad.last, "account.create") {
		t.Fatalf("admin's 安全审计: %d", r.StatusCode)
	}
	// Nothing edits the trail: no route but GET under /console/audit.
	for _, m := range []string{"POST", "PUT", "DELETE"} {
		req, _ := http.NewRequest(m, fx.http.URL+"/console/audit", nil)
		if r := ad.send(req); r.StatusCode != http.StatusMethodNotAllowed && r.StatusCode != http.StatusNotFound && r.StatusCode != http.StatusForbidden {
			t.Errorf("%s /console/audit: %d", m, r.StatusCode)
		}
	}
	for _, rt := range fx.srv.Routes() {
		if strings.Contains(rt.Pattern, "audit") && rt.Pattern != "GET "+protocol.PathAudit {
			t.Errorf("an API route touches the trail: %s", rt.Pattern)
		}
	}
}

// failingTrail is a store whose trail can be made to refuse appends.
type failingTrail struct {
	bureaustore.Storage
	fail atomic.Bool
}

func (f *failingTrail) AppendAudit(ctx context.Context, e bureaustore.AuditEvent) (bureaustore.AuditEvent, error) {
	if f.fail.Load() {
		return bureaustore.AuditEvent{}, fmt.Errorf("%w: the disk is full", bureaustore.ErrUnavailable)
	}
	return f.Storage.AppendAudit(ctx, e)
}

// TestAdminActionsWaitForTheTrail: an admin action whose record cannot be
// written answers 503 saying it was done; while the trail fails, admin
// actions are refused and not done; logins go on; once a record is
// written again, admin actions are back.
func TestAdminActionsWaitForTheTrail(t *testing.T) {
	var st *failingTrail
	fx := MustBureau(t, func(cfg *server.Config) {
		bs, err := badgerstore.Open(context.Background(), filepath.Join(cfg.DataDir, "badger"), badgerstore.Options{})
		if err != nil {
			t.Fatal(err)
		}
		st = &failingTrail{Storage: bs}
		cfg.Storage = st
	})
	units := func() int {
		us, err := fx.srv.Units(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return len(us)
	}
	st.fail.Store(true)
	p := fx.expectProblem("POST", protocol.PathAdminUnits, fx.admin, protocol.AdminUnitRequest{Name: "霍邱县冯井镇人民政府", Code: "12341522MB0000010M"},
		http.StatusServiceUnavailable, "unavailable")
	if units() != 3 || !strings.Contains(p.Detail, "操作已执行") {
		t.Fatalf("an action whose record failed: %d units, %q", units(), p.Detail)
	}
	fx.expectProblem("POST", protocol.PathAdminUnits, fx.admin, protocol.AdminUnitRequest{Name: "霍邱县孟集镇人民政府", Code: "12341522MB0000029J"},
		http.StatusServiceUnavailable, "unavailable")
	if units() != 3 {
		t.Fatal("an admin action was done while the trail failed")
	}
	fx.login("reviewer") // logins go on, unrecorded (logged at ERROR)
	st.fail.Store(false)
	fx.login("reviewer")
	fx.mustJSON("POST", protocol.PathAdminUnits, fx.admin, protocol.AdminUnitRequest{Name: "霍邱县孟集镇人民政府", Code: "12341522MB0000029J"},
		http.StatusCreated, nil)
	if units() != 4 {
		t.Fatal("admin actions did not come back with the trail")
	}
}

// TestRepeatedReadsAreAuditedOnceAMinute (found from outside): a clerk's
// token asking for restore/<random id> in a loop wrote 2,900 failed
// restore.filing records a second (85 GB a day of a trail kept six
// months), and every byte range a reviewer fetched of one attachment was
// a record of its own. An account's failed reads of an action, and its
// reads of one target, are recorded once a minute, the next record (or
// the background loop) counting those left out; other reads still are.
func TestRepeatedReadsAreAuditedOnceAMinute(t *testing.T) {
	fx := MustBureau(t)
	pdf := []byte("%PDF-1.4 an attachment read in ranges")
	f := newFiling(t, fx.unitA.ID, pdf)
	fx.submit(fx.clerkA, f, http.StatusCreated)
	fx.upload(fx.clerkA, pdf, 1<<20)
	start := len(server.AuditTrail(t, fx.srv))
	records := func(action string) []bureaustore.AuditEvent { return auditSince(t, fx, start, action) }
	for range 50 {
		fx.expectProblem("GET", protocol.Path(protocol.PathRestoreFiling, uuid.NewString()), fx.clerkA, nil, http.StatusNotFound, app.ENOTFOUND)
	}
	fx.mustJSON("GET", protocol.Path(protocol.PathRestoreFiling, f.ID), fx.clerkA, nil, http.StatusOK, nil) // a read that found something
	download := protocol.Path(protocol.PathReviewAttachment, f.ID, sha(pdf))
	for i := range 10 {
		if r := fx.do("GET", download, fx.reviewer, nil, "Range", fmt.Sprintf("bytes=%d-%d", i, i)); r.StatusCode != http.StatusPartialContent {
			t.Fatalf("range %d: %d", i, r.StatusCode)
		}
	}
	if got := records("restore.filing"); len(got) != 2 || got[0].Outcome != bureaustore.AuditFailed || got[1].Outcome != bureaustore.AuditOK {
		t.Fatalf("50 failed restores and one that found its filing made %d records: %+v", len(got), got)
	}
	if got := records("attachment.download"); len(got) != 1 {
		t.Fatalf("10 ranges of one attachment made %d records", len(got))
	}
	fx.clock.Advance(time.Minute)
	server.AuditUnrecordedReads(fx.srv)
	failed := records("restore.filing")
	if len(failed) != 3 || !strings.Contains(failed[2].Detail, "此前 48 次") {
		t.Fatalf("the background loop's record of the 49 failed restores left out: %+v", failed)
	}
	if got := records("attachment.download"); len(got) != 2 || !strings.Contains(got[1].Detail, "此前 8 次") {
		t.Fatalf("the background loop's record of the 9 ranges left out: %+v", got)
	}
	server.AuditUnrecordedReads(fx.srv) // nothing more to record
	if n := len(records("restore.filing")) + len(records("attachment.download")); n != 5 {
		t.Fatalf("a second round wrote records again: %d", n)
	}
}

// TestFailedReadsFromOneNetworkAreOneRun (found in review): the runs were
// keyed by the full address, so a token asking from each address of its
// IPv6 /64 in turn wrote a record a request. An address counts as the
// login limits count it.
func TestFailedReadsFromOneNetworkAreOneRun(t *testing.T) {
	fx := MustBureau(t, func(c *server.Config) {
		c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	})
	start := len(server.AuditTrail(t, fx.srv))
	for i := range 20 {
		fx.expectProblem("GET", protocol.Path(protocol.PathRestoreFiling, uuid.NewString()), fx.clerkA, nil, http.StatusNotFound, app.ENOTFOUND,
			"X-Forwarded-For", fmt.Sprintf("2001:db8:7:1::%x", i+1))
	}
	n := 0
	for _, e := range server.AuditTrail(t, fx.srv)[start:] {
		if e.Action == "restore.filing" {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("20 failed reads from one /64 made %d records", n)
	}
}

// TestCountedReadsAreRecordedAtStop (found in review): the reads a
// coalesced record still counted were lost when the bureau stopped before
// the background loop's next round. Close records them. (Badger: it opens
// the directory again.)
func TestCountedReadsAreRecordedAtStop(t *testing.T) {
	fx := MustBureau(t)
	for range 5 {
		fx.expectProblem("GET", protocol.Path(protocol.PathRestoreFiling, uuid.NewString()), fx.clerkA, nil, http.StatusNotFound, app.ENOTFOUND)
	}
	srv := fx.reopen()
	var got []string
	for _, e := range server.AuditTrail(t, srv) {
		if e.Action == "restore.filing" {
			got = append(got, e.Detail)
		}
	}
	if len(got) != 2 || !strings.Contains(got[1], "此前 3 次") {
		t.Fatalf("5 failed reads, then a stop: %q", got)
	}
}

// TestRepeatedLoginsAreAuditedOnceAMinute (found from outside): one
// clerk's password sent in a loop wrote a login record, and past 32 live
// tokens a token.revoke, for every login, tens a second. An account's
// successful logins from one address are recorded once a minute, the next
// record counting those between; failed ones each, as before.
func TestRepeatedLoginsAreAuditedOnceAMinute(t *testing.T) {
	fx := MustBureau(t)
	fx.clock.Advance(time.Minute) // past the fixture's logins
	start := len(server.AuditTrail(t, fx.srv))
	for range 40 {
		fx.login("clerk-a")
	}
	fx.do("POST", protocol.PathLogin, "", protocol.LoginRequest{Login: "clerk-a", Password: "Wrong-2027"})
	count := func(action, outcome string) (n int, last string) {
		for _, e := range server.AuditTrail(t, fx.srv)[start:] {
			if e.Action == action && e.Outcome == outcome && (e.Actor == "clerk-a" || e.Target == "clerk-a") {
				n, last = n+1, e.Detail
			}
		}
		return n, last
	}
	if n, _ := count("login", bureaustore.AuditOK); n != 1 {
		t.Fatalf("40 logins in a minute made %d records", n)
	}
	if n, _ := count("login", bureaustore.AuditDenied); n != 1 {
		t.Fatalf("a wrong password made %d records", n)
	}
	if n, _ := count("token.revoke", bureaustore.AuditOK); n != 1 {
		t.Fatalf("the tokens ended past 32 made %d records", n)
	}
	fx.clock.Advance(time.Minute)
	fx.login("clerk-a")
	// A login has no target: the record does not end "…对象：）" (seen on
	// the console's audit page).
	if n, last := count("login", bureaustore.AuditOK); n != 2 || !strings.Contains(last, "此前 39 次") || strings.Contains(last, "对象") {
		t.Fatalf("the next minute's login record: %d, %q", n, last)
	}
}

// TestRepeatedRefusalsAreAuditedOnceAMinute (found from outside, round
// 10): a reviewer's decisions without If-Match (428) wrote 2,300 records a
// second, a console session's queue.csv with a new query each time 1,400,
// a login–logout loop a token.revoke a cycle; and a coalesced record
// named only the last target, so an attempt on a real filing between
// refusals of made-up ones was never named. They are one record a minute
// per account and action, which names the targets it counts.
func TestRepeatedRefusalsAreAuditedOnceAMinute(t *testing.T) {
	fx := MustBureau(t)
	f := newFiling(t, fx.unitA.ID)
	fx.submit(fx.clerkA, f, http.StatusCreated)
	fx.clock.Advance(time.Minute) // past the fixture's logins
	start := len(server.AuditTrail(t, fx.srv))
	records := func(action string) []bureaustore.AuditEvent { return auditSince(t, fx, start, action) }
	decide := func(id string) {
		fx.expectProblem("POST", protocol.Path(protocol.PathDecisions, id), fx.reviewer, protocol.DecisionRequest{Action: app.ActionAccept},
			http.StatusPreconditionRequired, protocol.CodePreconditionRequired)
	}
	decide(uuid.NewString())
	decide(f.ID) // the real one, between made-up ones
	for range 20 {
		decide(uuid.NewString())
	}
	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	for i := range 20 {
		if r := b.get(fmt.Sprintf("/console/queue.csv?x=%d", i)); r.StatusCode != http.StatusOK {
			t.Fatalf("export %d: %d", i, r.StatusCode)
		}
	}
	for range 10 {
		tok := fx.login("clerk-b").Token
		fx.mustJSON("POST", protocol.PathLogout, tok, nil, http.StatusNoContent, nil)
	}
	if got := records("decide"); len(got) != 1 {
		t.Fatalf("22 refused decisions made %d records", len(got))
	}
	if got := records("export.queue_csv"); len(got) != 1 {
		t.Fatalf("20 exports with 20 queries made %d records", len(got))
	}
	if got := records("token.revoke"); len(got) != 1 {
		t.Fatalf("10 logouts made %d records", len(got))
	}
	fx.clock.Advance(time.Minute)
	server.AuditUnrecordedReads(fx.srv)
	got := records("decide")
	if len(got) != 2 || !strings.Contains(got[1].Detail, "此前 20 次") || !strings.Contains(got[1].Detail, f.ID) {
		t.Fatalf("the record of the refusals left out does not name the real filing: %+v", got)
	}
}

// TestAuditPageShowsTheLatestFirst: an auditor opens 安全审计 to see what
// just happened; the page listed the trail from its first record, so the
// latest were pages away. An account's role in a target reads in Chinese.
func TestAuditPageShowsTheLatestFirst(t *testing.T) {
	fx := MustBureau(t)
	at := fx.srv.Now().Add(-time.Hour)
	for i := range 150 {
		server.AppendAudit(t, fx.srv, bureaustore.AuditEvent{Time: at.Add(time.Duration(i) * time.Second), Actor: "reviewer", Role: "reviewer",
			Address: "192.0.2.7", Action: "decide", Target: fmt.Sprintf("filing-%03d", i), Outcome: bureaustore.AuditOK})
	}
	server.AppendAudit(t, fx.srv, bureaustore.AuditEvent{Time: at.Add(200 * time.Second), Actor: "admin", Role: "admin",
		Action: "account.create", Target: "clerk-x (unit)", Outcome: bureaustore.AuditOK})
	ad := fx.browser()
	ad.login("admin", http.StatusSeeOther)
	ad.get("/console/audit?action=decide")
	first, last := strings.Index(ad.last, "filing-149"), strings.Index(ad.last, "filing-050")
	if first < 0 || last < first || strings.Contains(ad.last, "filing-049") || strings.Contains(ad.last, "最新记录") {
		t.Fatalf("the first page is not the latest 100, newest first:\n%s", ad.last)
	}
	earlier := regexp.MustCompile(`<a href="(/console/audit\?[^"]*)">更早的记录</a>`).FindStringSubmatch(ad.last)
	if earlier == nil {
		t.Fatalf("no link to earlier records:\n%s", ad.last)
	}
	ad.get(html.UnescapeString(earlier[1]))
	if !strings.Contains(ad.last, "filing-049") || !strings.Contains(ad.last, "filing-000") || strings.Contains(ad.last, "filing-050") ||
		!strings.Contains(ad.last, "最新记录") || strings.Contains(ad.last, "更早的记录") || strings.Contains(ad.last, "clerk-x") {
		t.Fatalf("the page of earlier records:\n%s", ad.last)
	}
	ad.get("/console/audit?action=account.create")
	if !strings.Contains(ad.last, "clerk-x（建设单位）") {
		t.Errorf("the new account's role is not in Chinese:\n%s", ad.last)
	}
	// The export reads as a record of events: oldest first.
	ad.get("/console/audit.csv?action=decide")
	if a, b := strings.Index(ad.last, "filing-000"), strings.Index(ad.last, "filing-149"); a < 0 || b < a {
		t.Errorf("the export is not oldest first")
	}
}

// TestAuditDecisionReadsInChinese: the trail's record of a decision says
// the action and the states as the auditor reads them, not the codes.
func TestAuditDecisionReadsInChinese(t *testing.T) {
	fx := MustBureau(t)
	f := newFiling(t, fx.unitA.ID)
	fx.submit(fx.clerkA, f, http.StatusCreated)
	fx.decide(fx.reviewer, f.ID, app.ActionReturn, "请补充", http.StatusOK)
	got := server.AuditTrail(t, fx.srv)
	if e := got[len(got)-1]; e.Action != "decide" || e.Detail != app.ActionReturn.Label()+"："+app.StatusSubmitted.Label()+" → "+app.StatusReturned.Label() {
		t.Errorf("the decision's record: %+v", e)
	}
}

// A refused operation's record says why as the admin was told, not by the
// wrapped chain ("disable account admin: disable account admin: “admin”是唯一…",
// found in a walkthrough).
func TestAuditRecordsARefusalByItsMessage(t *testing.T) {
	fx := MustBureau(t)
	ad := fx.browser()
	ad.login("admin", http.StatusSeeOther)
	ad.get("/console/admin/accounts/admin")
	if r := ad.post("/console/admin/accounts/admin/disable", url.Values{"csrf": {ad.csrf()}, "disabled": {"1"}, "confirm": {"1"}}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("disabling the only admin: %d", r.StatusCode)
	}
	got := server.AuditTrail(t, fx.srv)
	last := got[len(got)-1]
	if last.Action != "account.disable" || !strings.Contains(last.Detail, "唯一启用的管理员") || strings.Contains(last.Detail, "disable account") {
		t.Errorf("the refusal's record: %+v", last)
	}
}

// A decision is recorded in its filing's terms: a 竣工验收申请 passed read
// 批复立项：初审中 → 已批复 in the trail (a walkthrough of the console).
func TestAuditNamesADecisionInItsKindsTerms(t *testing.T) {
	fx := MustBureau(t)
	setProfile(t, fx, "huoqiu")
	trial, acc := trialAndAcceptance(t, fx, fx.unitA.ID)
	fx.submit(fx.clerkA, trial, http.StatusCreated)
	withContract(fx, acc)
	fx.submit(fx.clerkA, acc, http.StatusCreated)
	fx.decide(fx.reviewer, acc.ID, app.ActionAccept, "", http.StatusOK)
	n := len(server.AuditTrail(t, fx.srv))
	fx.decide(fx.reviewer, acc.ID, app.ActionApprove, "经建设单位联合县数管局组织、县公管局见证，验收通过。", http.StatusOK)
	e := one(t, fx, n, "decide", "reviewer", bureaustore.AuditOK)
	if e.Detail != "验收通过：审核中 → 已通过验收" {
		t.Errorf("the acceptance's pass: %q", e.Detail)
	}
}
