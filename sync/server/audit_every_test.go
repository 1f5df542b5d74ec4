package server_test

import (
	"context"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"egovdesk/app"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server"
	"egovdesk/sync/server/bureaustore"
	consolepkg "egovdesk/sync/server/console"
)

// TestEveryAuditedActionLeavesOneRecord drives each audited action once
// — logins, tokens, each decision, each admin action, downloads, exports,
// password and policy events, restores, resets, housekeeping — and wants
// exactly one new record in the trail, of that action, by that actor,
// with that outcome.
func TestEveryAuditedActionLeavesOneRecord(t *testing.T) {
	fx := MustBureau(t, func(c *server.Config) { c.SessionIdle = 15 * time.Minute })
	ctx := context.Background()
	pdf := []byte("%PDF-1.4 every audited action")
	f := newFiling(t, fx.unitA.ID, pdf)
	fx.submit(fx.clerkA, f, http.StatusCreated)
	fx.upload(fx.clerkA, pdf, 1<<20)
	g := newFiling(t, fx.unitA.ID)
	fx.submit(fx.clerkA, g, http.StatusCreated)
	h := newFiling(t, fx.unitA.ID)
	fx.submit(fx.clerkA, h, http.StatusCreated)
	var extra protocol.Unit
	fx.mustJSON("POST", protocol.PathAdminUnits, fx.admin, protocol.AdminUnitRequest{Name: "霍邱县冯井镇人民政府", Code: "12341522MB0000010M"}, http.StatusCreated, &extra)
	profile, err := os.ReadFile("../../assets/profiles/huoqiu.json")
	if err != nil {
		t.Fatal(err)
	}
	var console *browser
	var tempToken string

	cases := []struct {
		action, actor, outcome string
		do                     func()
	}{
		{"login", "reviewer", bureaustore.AuditOK, func() {
			fx.clock.Advance(time.Minute) // past the fixture's own login (TestRepeatedLoginsAreAuditedOnceAMinute)
			fx.login("reviewer")
		}},
		{"login", "reviewer", bureaustore.AuditDenied, func() {
			fx.do("POST", protocol.PathLogin, "", protocol.LoginRequest{Login: "reviewer", Password: "Wrong-2027"})
		}},
		{"token.issue", "admin", bureaustore.AuditOK, func() {
			var r protocol.AdminTokenResponse
			fx.mustJSON("POST", protocol.PathAdminTokens, fx.admin, protocol.AdminTokenRequest{Login: "clerk-b", TTLSeconds: 60, Label: "script"}, http.StatusCreated, &r)
			tempToken = r.Token
		}},
		{"token.use", "clerk-b", bureaustore.AuditOK, func() { fx.mustJSON("GET", protocol.PathFilings, tempToken, nil, http.StatusOK, nil) }},
		{"token.revoke", "clerk-b", bureaustore.AuditOK, func() { fx.mustJSON("POST", protocol.PathLogout, tempToken, nil, http.StatusNoContent, nil) }},
		{"token.revoke_all", "admin", bureaustore.AuditOK, func() {
			fx.mustJSON("POST", protocol.PathAdminTokensRevoke, fx.admin, protocol.AdminRevokeRequest{Login: "clerk-b"}, http.StatusOK, nil)
		}},
		{"decide", "reviewer", bureaustore.AuditOK, func() { fx.decide(fx.reviewer, f.ID, app.ActionAccept, "受理", http.StatusOK) }},
		{"decide", "reviewer", bureaustore.AuditOK, func() { fx.decide(fx.reviewer, g.ID, app.ActionReturn, "请补充建设内容", http.StatusOK) }},
		{"decide", "reviewer", bureaustore.AuditFailed, func() { fx.decide(fx.reviewer, f.ID, app.ActionAccept, "再受理", http.StatusUnprocessableEntity) }},
		{"withdraw", "clerk-a", bureaustore.AuditOK, func() {
			fx.mustJSON("POST", protocol.Path(protocol.PathWithdrawal, h.ID), fx.clerkA, protocol.WithdrawRequest{RevisionID: h.Revision.ID}, http.StatusOK, nil)
		}},
		{"withdraw", "clerk-a", bureaustore.AuditFailed, func() {
			fx.mustJSON("POST", protocol.Path(protocol.PathWithdrawal, f.ID), fx.clerkA, protocol.WithdrawRequest{RevisionID: f.Revision.ID}, http.StatusConflict, nil)
		}},
		{"unit.create", "admin", bureaustore.AuditOK, func() {
			fx.mustJSON("POST", protocol.PathAdminUnits, fx.admin, protocol.AdminUnitRequest{Name: "霍邱县石店镇人民政府", Code: "91330100799655058B"}, http.StatusCreated, nil)
		}},
		{"unit.update", "admin", bureaustore.AuditOK, func() {
			fx.mustJSON("PUT", protocol.Path(protocol.PathAdminUnit, extra.ID), fx.admin, protocol.AdminUnitRequest{Name: "霍邱县冯井镇", Code: extra.Code}, http.StatusOK, nil)
		}},
		{"unit.disable", "admin", bureaustore.AuditOK, func() {
			fx.mustJSON("POST", protocol.Path(protocol.PathAdminUnitDisable, extra.ID), fx.admin, protocol.AdminDisableRequest{Disabled: true}, http.StatusOK, nil)
		}},
		{"unit.enable", "admin", bureaustore.AuditOK, func() {
			fx.mustJSON("POST", protocol.Path(protocol.PathAdminUnitDisable, extra.ID), fx.admin, protocol.AdminDisableRequest{Disabled: false}, http.StatusOK, nil)
		}},
		{"account.create", "admin", bureaustore.AuditOK, func() {
			fx.mustJSON("POST", protocol.PathAdminAccounts, fx.admin, protocol.AdminAccountRequest{Login: "fengjing", Role: "unit", UnitID: extra.ID, Password: "Initial-2027"}, http.StatusCreated, nil)
		}},
		{"account.password_reset", "admin", bureaustore.AuditOK, func() {
			fx.mustJSON("POST", protocol.Path(protocol.PathAdminPassword, "fengjing"), fx.admin, protocol.AdminPasswordRequest{Password: "Reset-2027-a"}, http.StatusNoContent, nil)
		}},
		{"login", "fengjing", bureaustore.AuditDenied, func() { // a reset password: change it first
			fx.do("POST", protocol.PathLogin, "", protocol.LoginRequest{Login: "fengjing", Password: "Reset-2027-a"})
		}},
		{"password.change", "fengjing", bureaustore.AuditOK, func() {
			fx.mustJSON("POST", protocol.PathPassword, "", protocol.PasswordChangeRequest{Login: "fengjing", Password: "Reset-2027-a", NewPassword: "Mine-2027-f"}, http.StatusOK, nil)
		}},
		{"password.change", "fengjing", bureaustore.AuditFailed, func() {
			fx.do("POST", protocol.PathPassword, "", protocol.PasswordChangeRequest{Login: "fengjing", Password: "Mine-2027-f", NewPassword: "Mine-2027-f"})
		}},
		{"account.disable", "admin", bureaustore.AuditOK, func() {
			fx.mustJSON("POST", protocol.Path(protocol.PathAdminAcctDisable, "fengjing"), fx.admin, protocol.AdminDisableRequest{Disabled: true}, http.StatusNoContent, nil)
		}},
		{"account.enable", "admin", bureaustore.AuditOK, func() {
			fx.mustJSON("POST", protocol.Path(protocol.PathAdminAcctDisable, "fengjing"), fx.admin, protocol.AdminDisableRequest{Disabled: false}, http.StatusNoContent, nil)
		}},
		{"profile.set", "admin", bureaustore.AuditOK, func() {
			if r := fx.do("PUT", protocol.PathAdminProfile+"?name=huoqiu.json", fx.admin, profile, "Content-Type", "application/json"); r.StatusCode != http.StatusOK {
				t.Fatalf("profile: %d %s", r.StatusCode, r.body)
			}
		}},
		{"notice.send", "admin", bureaustore.AuditOK, func() {
			fx.mustJSON("POST", protocol.PathNotices, fx.admin, protocol.NoticeRequest{Title: "通知", Text: "请按时申报"}, http.StatusOK, nil)
		}},
		{"changes.prune", "admin", bureaustore.AuditOK, func() {
			fx.mustJSON("POST", protocol.PathAdminPrune, fx.admin, protocol.AdminPruneRequest{Before: fx.clock.Now().Add(-server.MinPruneAge)}, http.StatusOK, nil)
		}},
		{"attachment.download", "reviewer", bureaustore.AuditOK, func() {
			fx.mustJSON("GET", protocol.Path(protocol.PathReviewAttachment, f.ID, sha(pdf)), fx.reviewer, nil, http.StatusOK, nil)
		}},
		{"export.backup", "admin", bureaustore.AuditOK, func() { fx.mustJSON("GET", protocol.PathAdminBackup, fx.admin, nil, http.StatusOK, nil) }},
		{"login", "reviewer", bureaustore.AuditOK, func() {
			fx.clock.Advance(time.Minute) // past the API login above
			console = fx.browser()
			console.login("reviewer", http.StatusSeeOther)
		}},
		{"export.queue_csv", "reviewer", bureaustore.AuditOK, func() { console.get("/console/queue.csv") }},
		{"export.late_csv", "reviewer", bureaustore.AuditOK, func() { console.get("/console/late.csv") }},
		{"session.idle_logout", "reviewer", bureaustore.AuditOK, func() {
			fx.clock.Advance(16 * time.Minute)
			console.get("/console/queue")
		}},
		{"restore.page", "clerk-a", bureaustore.AuditOK, func() { fx.mustJSON("GET", protocol.PathRestore, fx.clerkA, nil, http.StatusOK, nil) }},
		{"restore.filing", "clerk-a", bureaustore.AuditOK, func() {
			fx.mustJSON("GET", protocol.Path(protocol.PathRestoreFiling, f.ID), fx.clerkA, nil, http.StatusOK, nil)
		}},
		{"changes.reset", "(本机管理命令)", bureaustore.AuditOK, func() {
			if _, err := fx.srv.ResetFeeds(ctx); err != nil {
				t.Fatal(err)
			}
		}},
		{"token.gc", "(定时清理)", bureaustore.AuditOK, func() { // the revoked and idled tokens above
			if n, err := fx.srv.PruneTokens(ctx); err != nil || n == 0 {
				t.Fatalf("prune tokens: %d, %v", n, err)
			}
		}},
		{"policy.password", "(本机管理命令)", bureaustore.AuditOK, func() {
			if err := server.RecordPolicy(fx.srv); err != nil {
				t.Fatal(err)
			}
		}},
		{"audit.prune", "(本机管理命令)", bureaustore.AuditFailed, func() { fx.srv.PruneAudit(ctx, fx.clock.Now()) }},
	}
	for _, c := range cases {
		before := server.AuditTrail(t, fx.srv)
		c.do()
		after := server.AuditTrail(t, fx.srv)
		if len(after) != len(before)+1 {
			var got []string
			for _, e := range after[len(before):] {
				got = append(got, e.Action+"/"+e.Actor+"/"+e.Outcome)
			}
			t.Errorf("%s by %s (%s): %d new records, want 1: %v", c.action, c.actor, c.outcome, len(after)-len(before), got)
			continue
		}
		if e := after[len(before)]; e.Action != c.action || e.Actor != c.actor || e.Outcome != c.outcome {
			t.Errorf("%s by %s (%s): the record is %s by %s (%s)", c.action, c.actor, c.outcome, e.Action, e.Actor, e.Outcome)
		}
		// A unit's record names it as it is now, not by its ID only.
		if e := after[len(before)]; strings.HasPrefix(c.action, "unit.") && c.action != "unit.create" && !strings.Contains(e.Detail, "霍邱县冯井镇") {
			t.Errorf("%s: the record's detail %q does not name the unit", c.action, e.Detail)
		}
		// The 安全审计 page names the operation in Chinese (it showed the code).
		if consolepkg.AuditActionLabel(c.action) == c.action {
			t.Errorf("%s has no Chinese label on the 安全审计 page", c.action)
		}
	}
}
