package server_test

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"egovdesk/app"
	"egovdesk/assets"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server"
	"egovdesk/sync/server/bureaustore"
)

func changesPath(cursor, wait string) string {
	q := url.Values{}
	if cursor != "" {
		q.Set(protocol.ParamCursor, cursor)
	}
	if wait != "" {
		q.Set(protocol.ParamWait, wait)
	}
	return protocol.PathChanges + "?" + q.Encode()
}

func (fx *fixture) changes(token, cursor, wait string) protocol.ChangesResponse {
	fx.tb.Helper()
	var resp protocol.ChangesResponse
	fx.mustJSON("GET", changesPath(cursor, wait), token, nil, http.StatusOK, &resp)
	return resp
}

func TestLongPollWakesOnDecision(t *testing.T) {
	fx := MustBureau(t)
	f := newFiling(t, fx.unitA.ID)
	fx.submit(fx.clerkA, f, http.StatusCreated)
	start := fx.changes(fx.clerkA, "", "")
	if len(start.Changes) != 1 || start.Changes[0].Type != protocol.ChangeRevision || start.Reset || start.Cursor == "" {
		t.Fatalf("first pull = %+v", start)
	}

	got := make(chan protocol.ChangesResponse, 1)
	go func() {
		var resp protocol.ChangesResponse
		fx.mustJSON("GET", changesPath(start.Cursor, "30s"), fx.clerkA, nil, http.StatusOK, &resp)
		got <- resp
	}()
	// Decide only once the poll waits: the wake-up path is what is tested.
	for parked := time.Now(); server.ParkedPolls(fx.srv, fx.unitA.ID) == 0; time.Sleep(time.Millisecond) {
		if time.Since(parked) > 10*time.Second {
			t.Fatal("the long poll never waited")
		}
	}
	began := time.Now()
	fx.decide(fx.reviewer, f.ID, app.ActionReturn, "请补充建设依据", http.StatusOK)
	var resp protocol.ChangesResponse
	select {
	case resp = <-got:
	case <-time.After(10 * time.Second):
		t.Fatal("long poll did not wake")
	}
	if waited := time.Since(began); waited > 3*time.Second {
		t.Errorf("long poll answered after %v", waited)
	}
	if len(resp.Changes) != 1 || resp.Changes[0].Type != protocol.ChangeDecision || resp.Changes[0].Transition == nil ||
		resp.Changes[0].Transition.Comment != "请补充建设依据" || resp.Changes[0].FilingID != f.ID {
		t.Fatalf("changes = %+v", resp.Changes)
	}
	// Unit B's feed stays empty and a wait of 0 answers at once.
	if b := fx.changes(fx.clerkB, "", "0s"); len(b.Changes) != 0 {
		t.Errorf("unit B got %+v", b.Changes)
	}
	// Nothing new: the poll times out empty with the same position.
	again := fx.changes(fx.clerkA, resp.Cursor, "1s")
	if len(again.Changes) != 0 || again.Reset {
		t.Errorf("empty poll = %+v", again)
	}
}

func TestCursorReset(t *testing.T) {
	fx := MustBureau(t)
	if _, err := fx.srv.Notify(context.Background(), protocol.NoticeRequest{Title: "通知", Text: "请于月底前报送年度计划"}); err != nil {
		t.Fatal(err)
	}
	all := fx.changes(fx.clerkA, "", "")
	if len(all.Changes) != 1 || all.Changes[0].Type != protocol.ChangeNotice {
		t.Fatalf("notice = %+v", all)
	}
	other := fx.changes(fx.clerkB, "", "")
	enc := base64.RawURLEncoding.EncodeToString
	for name, cur := range map[string]string{
		"malformed":    "%%%not-a-cursor",
		"garbage":      enc([]byte("v1|x")),
		"other epoch":  enc([]byte("v1|deadbeef|" + fx.unitA.ID + "|1")),
		"other unit":   other.Cursor,
		"ahead of log": enc([]byte("v1|" + epochOf(t, all.Cursor) + "|" + fx.unitA.ID + "|99")),
	} {
		resp := fx.changes(fx.clerkA, cur, "")
		if !resp.Reset || len(resp.Changes) != 0 || resp.Cursor != all.Cursor {
			t.Errorf("%s: %+v", name, resp)
		}
	}

	// Retention: pruned changes reset older cursors.
	fx.clock.Advance(48 * time.Hour)
	if _, err := fx.srv.Notify(context.Background(), protocol.NoticeRequest{UnitID: fx.unitA.ID, Title: "第二则", Text: "内容"}); err != nil {
		t.Fatal(err)
	}
	n, err := fx.srv.PruneChanges(context.Background(), fx.clock.Now().Add(-time.Hour))
	if err != nil || n != 2 {
		t.Fatalf("prune = %d, %v", n, err)
	}
	if resp := fx.changes(fx.clerkA, "", ""); resp.Reset || len(resp.Changes) != 1 {
		t.Errorf("after prune from start: %+v", resp)
	}
	old := enc([]byte("v1|" + epochOf(t, all.Cursor) + "|" + fx.unitA.ID + "|0"))
	if resp := fx.changes(fx.clerkA, old, ""); !resp.Reset {
		t.Errorf("pruned cursor did not reset: %+v", resp)
	}
	if resp := fx.changes(fx.clerkA, all.Cursor, ""); resp.Reset || len(resp.Changes) != 1 || resp.Changes[0].NoticeTitle != "第二则" {
		t.Errorf("retained cursor: %+v", resp)
	}
}

func epochOf(t *testing.T, cursor string) string {
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil {
		t.Fatal(err)
	}
	var parts [4]string
	i := 0
	for j, start := 0, 0; j <= len(raw); j++ {
		if j == len(raw) || raw[j] == '|' {
			parts[i] = string(raw[start:j])
			i, start = i+1, j+1
		}
	}
	return parts[1]
}

func TestChangesPageAndSurviveRestart(t *testing.T) {
	fx := MustBureau(t)
	for i := 0; i < 7; i++ {
		if _, err := fx.srv.Notify(context.Background(), protocol.NoticeRequest{UnitID: fx.unitA.ID, Title: "通知", Text: "内容"}); err != nil {
			t.Fatal(err)
		}
	}
	var page protocol.ChangesResponse
	fx.mustJSON("GET", protocol.PathChanges+"?limit=3", fx.clerkA, nil, http.StatusOK, &page)
	if len(page.Changes) != 3 || !page.More || page.Changes[0].Seq != 1 || page.Changes[2].Seq != 3 {
		t.Fatalf("page 1 = %+v", page)
	}
	fx.mustJSON("GET", protocol.PathChanges+"?limit=3&cursor="+page.Cursor, fx.clerkA, nil, http.StatusOK, &page)
	if len(page.Changes) != 3 || page.Changes[0].Seq != 4 {
		t.Fatalf("page 2 = %+v", page)
	}
	cursor := page.Cursor

	// Reopen the same data directory: cursors stay valid.
	srv := fx.reopen()
	resp, err := srv.Changes(context.Background(), fx.unitA.ID, cursor, 10)
	if err != nil || resp.Reset || len(resp.Changes) != 1 || resp.Changes[0].Seq != 7 {
		t.Fatalf("after restart: %+v, %v", resp, err)
	}
}

func TestProfileIsServedAndAnnounced(t *testing.T) {
	fx := MustBureau(t)
	fx.expectProblem("GET", protocol.PathProfile, fx.clerkA, nil, http.StatusNotFound, app.ENOTFOUND)
	data, err := assets.Profiles.ReadFile("profiles/huoqiu.json")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fx.srv.SetProfile(context.Background(), "huoqiu.json", data); err != nil {
		t.Fatal(err)
	}
	var doc protocol.ProfileDocument
	r := fx.mustJSON("GET", protocol.PathProfile, fx.clerkA, nil, http.StatusOK, &doc)
	prof, err := app.LoadProfile(doc.ID+".json", doc.Profile)
	if err != nil || prof.Version != doc.Version || doc.ID != "huoqiu" {
		t.Fatalf("served profile does not load: %v (%s)", err, doc.ID)
	}
	if nm := fx.do("GET", protocol.PathProfile, fx.clerkA, nil, protocol.HeaderIfNoneMatch, r.Header.Get(protocol.HeaderETag)); nm.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match: %d", nm.StatusCode)
	}
	for _, tok := range []string{fx.clerkA, fx.clerkB} {
		ch := fx.changes(tok, "", "")
		if len(ch.Changes) != 1 || ch.Changes[0].Type != protocol.ChangeProfile || ch.Changes[0].ProfileVersion != doc.Version {
			t.Errorf("profile change = %+v", ch.Changes)
		}
	}
	bad := []byte(`{"id":"huoqiu","routes":"nope"}`)
	if _, err := fx.srv.SetProfile(context.Background(), "huoqiu.json", bad); app.ErrorCode(err) != app.EINVALID {
		t.Errorf("bad profile: %v", err)
	}
}

func TestSubmitUsesTheProfile(t *testing.T) {
	fx := MustBureau(t)
	data, err := assets.Profiles.ReadFile("profiles/huoqiu.json")
	if err != nil {
		t.Fatal(err)
	}
	prof, err := fx.srv.SetProfile(context.Background(), "huoqiu.json", data)
	if err != nil {
		t.Fatal(err)
	}
	p, err := app.LoadProfile("huoqiu.json", prof.Profile)
	if err != nil {
		t.Fatal(err)
	}
	f := newFiling(t, fx.unitA.ID)
	a := p.Evaluate(f.Declaration, fx.clock.Now())
	if a.CanSubmit() && len(a.MissingMaterials(f.Attachments)) == 0 {
		t.Fatal("the fixture meets every huoqiu rule, so this test refuses nothing: give it a declaration huoqiu refuses")
	}
	pr := fx.expectProblem("POST", revPath(f), fx.clerkA, submitReq(t, f), http.StatusUnprocessableEntity, app.EINVALID)
	if len(pr.Errors) != len(a.Blockers)+len(a.MissingMaterials(f.Attachments)) {
		t.Errorf("server gave %d problems, the profile has %d blockers and %d missing materials",
			len(pr.Errors), len(a.Blockers), len(a.MissingMaterials(f.Attachments)))
	}
}

// TestParkedPollEndsWithItsToken (found from outside): a long poll parked
// before its token was revoked, or before its unit was disabled, still
// delivered the notice sent after. It answers 401 instead.
func TestParkedPollEndsWithItsToken(t *testing.T) {
	fx := MustBureau(t)
	for _, end := range []struct {
		what string
		do   func(token string)
	}{
		{"logged out", func(token string) {
			fx.mustJSON("POST", protocol.PathLogout, token, nil, http.StatusNoContent, nil)
		}},
		{"unit disabled", func(string) {
			fx.mustJSON("POST", protocol.Path(protocol.PathAdminUnitDisable, fx.unitA.ID), fx.admin, protocol.AdminDisableRequest{Disabled: true}, http.StatusOK, nil)
		}},
	} {
		token := fx.login("clerk-a").Token
		start := fx.changes(token, "", "0s")
		got := make(chan response, 1)
		go func() { got <- fx.do("GET", changesPath(start.Cursor, "30s"), token, nil) }()
		for parked := time.Now(); server.ParkedPolls(fx.srv, fx.unitA.ID) == 0; time.Sleep(time.Millisecond) {
			if time.Since(parked) > 10*time.Second {
				t.Fatal("the long poll never waited")
			}
		}
		end.do(token)
		fx.mustJSON("POST", protocol.PathNotices, fx.admin, protocol.NoticeRequest{UnitID: fx.unitA.ID, Title: "截止提醒", Text: "请于月底前报送"}, http.StatusOK, nil)
		select {
		case r := <-got:
			if r.StatusCode != http.StatusUnauthorized {
				t.Errorf("%s while the poll waited: %d %s", end.what, r.StatusCode, r.body)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: the poll did not wake", end.what)
		}
	}
}

// TestPruneKeepsWhatUnitsMayNotHavePulled (found from outside): POST
// /admin/changes/prune took a "before" in 2099 and emptied every feed,
// and with it the notices no client had pulled yet, which live nowhere
// else. Changes younger than MinPruneAge stay.
func TestPruneKeepsWhatUnitsMayNotHavePulled(t *testing.T) {
	fx := MustBureau(t)
	fx.mustJSON("POST", protocol.PathNotices, fx.admin, protocol.NoticeRequest{UnitID: fx.unitA.ID, Title: "截止提醒", Text: "请于月底前报送"}, http.StatusOK, nil)
	for _, before := range []time.Time{time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC), fx.clock.Now(), fx.clock.Now().Add(-server.MinPruneAge + time.Hour)} {
		p := fx.expectProblem("POST", protocol.PathAdminPrune, fx.admin, protocol.AdminPruneRequest{Before: before}, http.StatusUnprocessableEntity, app.EINVALID)
		if !strings.Contains(p.Detail, "90 天以前") {
			t.Errorf("prune before %v: %q", before, p.Detail)
		}
	}
	if got := fx.changes(fx.clerkA, "", "0s"); len(got.Changes) != 1 || got.Changes[0].NoticeTitle != "截止提醒" {
		t.Fatalf("the unit's feed after the refused prunes: %+v", got.Changes)
	}
	refused := 0
	for _, e := range server.AuditTrail(t, fx.srv) {
		if e.Action == "changes.prune" && e.Outcome == bureaustore.AuditFailed && e.Actor == "admin" {
			refused++
		}
	}
	if refused != 3 {
		t.Errorf("%d refused prunes in the audit trail, want 3", refused)
	}
	var n protocol.AdminCount
	fx.mustJSON("POST", protocol.PathAdminPrune, fx.admin, protocol.AdminPruneRequest{Before: fx.clock.Now().Add(-server.MinPruneAge)}, http.StatusOK, &n)
	if n.N != 0 {
		t.Errorf("a prune of what is 90 days old deleted %d changes made today", n.N)
	}
}
