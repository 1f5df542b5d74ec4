package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"egovdesk/app"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server"
)

// TestPasswordRules: the policy refuses a short password, one of too few
// classes, one with the login in it and a demo or common one, each with a
// message that says what to fix; a good one passes.
func TestPasswordRules(t *testing.T) {
	fx := MustBureau(t)
	ctx := context.Background()
	for pw, want := range map[string]string{
		"Ab-1":             "至少 8 个字符",
		"abcdefgh-ijk":     "至少 3 类",
		"Zhangsan-2027":    "不能包含登录名",
		"P@ssw0rd":         "过于常见",
		"Chengguan-demo-1": "过于常见",
	} {
		_, err := fx.srv.AddAccount(ctx, server.NewAccount{Login: "zhangsan", Role: app.RoleReviewer, Password: pw})
		if app.ErrorCode(err) != app.EINVALID || !strings.Contains(app.FieldErrors(err)[0].Message, want) {
			t.Errorf("password %q: %v, want EINVALID saying %q", pw, err, want)
		}
	}
	if _, err := fx.srv.AddAccount(ctx, server.NewAccount{Login: "zhangsan", Role: app.RoleReviewer, Password: "Shen-he-2027"}); err != nil {
		t.Errorf("a good password: %v", err)
	}
	// the demo's published passwords break the rules on purpose
	if _, err := fx.srv.AddAccount(ctx, server.NewAccount{Login: "shenhe", Role: app.RoleReviewer, Password: "shenhe-demo", Demo: true}); err != nil {
		t.Errorf("a demo account: %v", err)
	}
	fx.mustJSON("POST", protocol.PathLogin, "", protocol.LoginRequest{Login: "shenhe", Password: "shenhe-demo"}, http.StatusOK, nil)
}

// TestForcedPasswordChange: an account an admin created logs in only
// after changing its initial password (403 password_change_required,
// then POST /password); the new one must differ from the last ones; each
// change and refusal is one audit record.
func TestForcedPasswordChange(t *testing.T) {
	fx := MustBureau(t)
	fx.mustJSON("POST", protocol.PathAdminAccounts, fx.admin, protocol.AdminAccountRequest{Login: "wangwu", Name: "王五", Role: "reviewer", Password: "Initial-2027"}, http.StatusCreated, nil)
	n := len(server.AuditTrail(t, fx.srv))
	p := fx.expectProblem("POST", protocol.PathLogin, "", protocol.LoginRequest{Login: "wangwu", Password: "Initial-2027"}, http.StatusForbidden, protocol.CodePasswordChange)
	if !strings.Contains(p.Detail, "首次登录时修改") || !strings.Contains(p.Detail, "新密码要求：至少 8 个字符") || p.Type != "urn:egovdesk:problem:password_change_required" {
		t.Errorf("problem: %+v", p)
	}
	if e := one(t, fx, n, "login", "wangwu", "denied"); !strings.Contains(e.Detail, "首次登录时修改") {
		t.Errorf("the refused login's record: %+v", e)
	}
	// a wrong current password, the same password again, a weak one
	fx.expectProblem("POST", protocol.PathPassword, "", protocol.PasswordChangeRequest{Login: "wangwu", Password: "Wrong-2027", NewPassword: "Mine-2027-a"}, http.StatusUnauthorized, app.EUNAUTHORIZED)
	p = fx.expectProblem("POST", protocol.PathPassword, "", protocol.PasswordChangeRequest{Login: "wangwu", Password: "Initial-2027", NewPassword: "Initial-2027"}, http.StatusUnprocessableEntity, app.EINVALID)
	if len(p.Errors) != 1 || p.Errors[0].Field != "new_password" || !strings.Contains(p.Errors[0].Message, "不能与当前密码或最近") {
		t.Errorf("reuse: %+v", p)
	}
	fx.expectProblem("POST", protocol.PathPassword, "", protocol.PasswordChangeRequest{Login: "wangwu", Password: "Initial-2027", NewPassword: "weakweak"}, http.StatusUnprocessableEntity, app.EINVALID)
	var lr protocol.LoginResponse
	fx.mustJSON("POST", protocol.PathPassword, "", protocol.PasswordChangeRequest{Login: "wangwu", Password: "Initial-2027", NewPassword: "Mine-2027-a"}, http.StatusOK, &lr)
	fx.mustJSON("GET", protocol.PathMe, lr.Token, nil, http.StatusOK, nil)
	// the two refused new passwords of one minute are one record (the
	// second counted in the account's next one: auditRepeat)
	changes := auditSince(t, fx, n, "password.change")
	if len(changes) != 3 || changes[0].Outcome != "denied" || changes[1].Outcome != "failed" || changes[2].Outcome != "ok" ||
		!strings.Contains(changes[2].Detail, "强制修改") {
		t.Errorf("password.change records: %+v", changes)
	}
	fx.mustJSON("POST", protocol.PathLogin, "", protocol.LoginRequest{Login: "wangwu", Password: "Mine-2027-a"}, http.StatusOK, nil)
	fx.expectProblem("POST", protocol.PathLogin, "", protocol.LoginRequest{Login: "wangwu", Password: "Initial-2027"}, http.StatusUnauthorized, app.EUNAUTHORIZED)
	// the initial password is one of the last five: not again
	fx.expectProblem("POST", protocol.PathPassword, "", protocol.PasswordChangeRequest{Login: "wangwu", Password: "Mine-2027-a", NewPassword: "Initial-2027"}, http.StatusUnprocessableEntity, app.EINVALID)
	// an admin's reset forces a change again
	fx.mustJSON("POST", protocol.Path(protocol.PathAdminPassword, "wangwu"), fx.admin, protocol.AdminPasswordRequest{Password: "Reset-2027-b"}, http.StatusNoContent, nil)
	fx.mustJSON("GET", protocol.PathMe, lr.Token, nil, http.StatusUnauthorized, nil)
	fx.changeFirst("wangwu", "Reset-2027-b", "Mine-2027-c")
}

// TestPasswordExpiry: a password older than the policy's age must be
// changed at the next login.
func TestPasswordExpiry(t *testing.T) {
	fx := MustBureau(t, func(c *server.Config) { c.PasswordPolicy.MaxAge = 90 * 24 * time.Hour })
	fx.login("clerk-a")
	fx.clock.Advance(91 * 24 * time.Hour)
	p := fx.expectProblem("POST", protocol.PathLogin, "", protocol.LoginRequest{Login: "clerk-a", Password: password}, http.StatusForbidden, protocol.CodePasswordChange)
	if !strings.Contains(p.Detail, "90 天") {
		t.Errorf("expired: %+v", p)
	}
	fx.mustJSON("POST", protocol.PathPassword, "", protocol.PasswordChangeRequest{Login: "clerk-a", Password: password, NewPassword: "Li-Mei-2027"}, http.StatusOK, nil)
	fx.mustJSON("POST", protocol.PathLogin, "", protocol.LoginRequest{Login: "clerk-a", Password: "Li-Mei-2027"}, http.StatusOK, nil)
}

// TestConsoleForcedChange: the console's login with an initial password
// opens the change-password page; changing it there logs in.
func TestConsoleForcedChange(t *testing.T) {
	fx := MustBureau(t)
	fx.mustJSON("POST", protocol.PathAdminAccounts, fx.admin, protocol.AdminAccountRequest{Login: "zhaoliu", Name: "赵六", Role: "reviewer", Password: "Initial-2027"}, http.StatusCreated, nil)
	b := fx.browser()
	b.get("/console/login")
	r := b.post("/console/login", url.Values{"csrf": {b.csrf()}, "login": {"zhaoliu"}, "password": {"Initial-2027"}})
	if r.StatusCode != http.StatusOK || !strings.Contains(b.last, "<h1>修改密码</h1>") || !strings.Contains(b.last, "首次登录时修改") ||
		!strings.Contains(b.last, `value="zhaoliu"`) || sessionCookieOf(r) != nil {
		t.Fatalf("login with an initial password: %d\n%s", r.StatusCode, b.last)
	}
	// The way back (修改密码 had none; a walkthrough): a change that must be
	// made leads back to the login page, one chosen to where it came from.
	if !strings.Contains(b.last, `<a href="/console/login">返回登录页</a>`) {
		t.Errorf("the forced change has no way back to the login page")
	}
	b.get("/console/password?next=/console/queue")
	if !strings.Contains(b.last, `<a href="/console/queue">不修改，返回</a>`) {
		t.Errorf("a chosen change has no way back:\n%s", b.last)
	}
	form := url.Values{"csrf": {b.csrf()}, "login": {"zhaoliu"}, "password": {"Initial-2027"}, "new_password": {"Mine-2027-z"}, "confirm": {"Mine-2027-y"}}
	if r := b.post("/console/password", form); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b.last, "两次输入的新密码不一致") {
		t.Fatalf("mismatch: %d\n%s", r.StatusCode, b.last)
	}
	form.Set("csrf", b.csrf())
	form.Set("new_password", "zhaoliu-Z-2027")
	form.Set("confirm", "zhaoliu-Z-2027")
	if r := b.post("/console/password", form); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b.last, "密码不能包含登录名") {
		t.Fatalf("login inside: %d\n%s", r.StatusCode, b.last)
	}
	form.Set("csrf", b.csrf())
	form.Set("new_password", "Mine-2027-z")
	form.Set("confirm", "Mine-2027-z")
	if r := b.post("/console/password", form); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/console/queue" || sessionCookieOf(r) == nil {
		t.Fatalf("change: %d %s\n%s", r.StatusCode, r.Header.Get("Location"), b.last)
	}
	if r := b.get("/console/queue"); r.StatusCode != http.StatusOK {
		t.Fatalf("queue after the change: %d", r.StatusCode)
	}
}

// TestConsoleRefusesAUnitsPasswordChange: a clerk who changes a password
// on the console's page is refused before anything is changed: the page
// said 审核台仅供数管局… after changing it, and the clerk, told nothing had
// changed, found the client logged out (found from outside).
func TestConsoleRefusesAUnitsPasswordChange(t *testing.T) {
	fx := MustBureau(t)
	tok := fx.login("clerk-a").Token
	b := fx.browser()
	b.get("/console/login")
	form := url.Values{"csrf": {b.csrf()}, "login": {"clerk-a"}, "password": {password}, "new_password": {"Li-Mei-2027-x"}, "confirm": {"Li-Mei-2027-x"}}
	if r := b.post("/console/password", form); r.StatusCode != http.StatusForbidden || !strings.Contains(b.last, "密码未作修改") || sessionCookieOf(r) != nil {
		t.Fatalf("a clerk's change on the console: %d\n%s", r.StatusCode, b.last)
	}
	fx.mustJSON("POST", protocol.PathLogin, "", protocol.LoginRequest{Login: "clerk-a", Password: password}, http.StatusOK, nil)
	fx.mustJSON("GET", protocol.PathMe, tok, nil, http.StatusOK, nil)
}

// TestConsoleIdleLogout: a console session used within the idle time
// lives on; one left alone for it ends on the server (its token is
// revoked, also for the API), the page says why, and the trail records it.
func TestConsoleIdleLogout(t *testing.T) {
	fx := MustBureau(t, func(c *server.Config) { c.SessionIdle = 15 * time.Minute })
	b := fx.browser()
	r := b.login("reviewer", http.StatusSeeOther)
	tok := sessionCookieOf(r).Value
	for range 3 {
		fx.clock.Advance(10 * time.Minute)
		if r := b.get("/console/queue"); r.StatusCode != http.StatusOK {
			t.Fatalf("queue used every 10 minutes: %d", r.StatusCode)
		}
	}
	if !strings.Contains(b.last, `<meta http-equiv="refresh" content="905">`) {
		t.Errorf("the page does not reload itself after the idle time")
	}
	n := len(server.AuditTrail(t, fx.srv))
	fx.clock.Advance(15 * time.Minute)
	r = b.get("/console/queue")
	loc := r.Header.Get("Location")
	if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/console/login?idle=1") || !strings.Contains(loc, "next=%2Fconsole%2Fqueue") {
		t.Fatalf("idle session: %d %s", r.StatusCode, loc)
	}
	one(t, fx, n, "session.idle_logout", "reviewer", "ok")
	b.get(loc)
	if !strings.Contains(b.last, "连续 15 分钟没有操作") || !strings.Contains(b.last, "自动退出登录") {
		t.Errorf("login page after an idle logout:\n%s", b.last)
	}
	// ended on the server: the token is dead everywhere
	fx.mustJSON("GET", protocol.PathMe, tok, nil, http.StatusUnauthorized, nil)
	if r := b.get("/console/queue"); r.StatusCode != http.StatusSeeOther || strings.Contains(r.Header.Get("Location"), "idle") {
		t.Errorf("after the idle logout: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
}

// TestPolicyRecorded: the policy in force is recorded at the start when
// it differs from the one recorded last, and only then.
func TestPolicyRecorded(t *testing.T) {
	fx := MustBureau(t)
	count := func() int { return len(auditSince(t, fx, 0, "policy.password")) }
	if err := server.RecordPolicy(fx.srv); err != nil || count() != 1 {
		t.Fatalf("first start: %d records, %v", count(), err)
	}
	if e := auditSince(t, fx, 0, "policy.password")[0]; !strings.Contains(e.Detail, "至少 8 个字符") || !strings.Contains(e.Detail, "空闲 15 分钟") {
		t.Errorf("policy record: %+v", e)
	}
	if err := server.RecordPolicy(fx.srv); err != nil || count() != 1 {
		t.Fatalf("same policy again: %d records, %v", count(), err)
	}
}

// TestAuditAPI: an auditor and an admin read the trail through the API,
// paged and filtered; nobody can change it through the API or the console.
func TestAuditAPI(t *testing.T) {
	fx := MustBureau(t)
	if _, err := fx.srv.AddAccount(context.Background(), server.NewAccount{Login: "auditor", Name: "审计员甲", Role: app.RoleAuditor, Password: password}); err != nil {
		t.Fatal(err)
	}
	fx.expectProblem("POST", protocol.PathLogin, "", protocol.LoginRequest{Login: "clerk-a", Password: "wrong-1"}, http.StatusUnauthorized, app.EUNAUTHORIZED)
	auditor := fx.login("auditor").Token
	var pg protocol.AuditPage
	fx.mustJSON("GET", protocol.PathAudit+"?action=login&outcome=denied", auditor, nil, http.StatusOK, &pg)
	if len(pg.Records) != 1 || pg.Records[0].Actor != "clerk-a" || pg.Records[0].Digest == "" || pg.More {
		t.Fatalf("failed logins: %+v", pg)
	}
	var all []protocol.AuditRecord
	after := uint64(0)
	for {
		var p protocol.AuditPage
		fx.mustJSON("GET", protocol.PathAudit+"?limit=2&after="+strconv.FormatUint(after, 10), fx.admin, nil, http.StatusOK, &p)
		all = append(all, p.Records...)
		if !p.More {
			break
		}
		after = p.Next
	}
	if len(all) != len(server.AuditTrail(t, fx.srv)) || all[0].Seq != 1 {
		t.Fatalf("paged read: %d records", len(all))
	}
	for i := 1; i < len(all); i++ {
		if all[i].Prev != all[i-1].Digest {
			t.Fatalf("record %d does not chain", all[i].Seq)
		}
	}
	fx.mustJSON("GET", protocol.PathAudit+"?actor=auditor&from=2000-01-01", auditor, nil, http.StatusOK, &pg)
	if len(pg.Records) == 0 || pg.Records[0].Actor != "auditor" {
		t.Errorf("by actor: %+v", pg)
	}
	fx.expectProblem("GET", protocol.PathAudit+"?from=yesterday", auditor, nil, http.StatusUnprocessableEntity, app.EINVALID)
	fx.expectProblem("GET", protocol.PathAudit, fx.reviewer, nil, http.StatusForbidden, app.EFORBIDDEN)
	// no one edits: no method but GET, for the admin and the auditor alike
	before := server.AuditTrail(t, fx.srv)
	for _, tok := range []string{fx.admin, auditor} {
		for _, m := range []string{"POST", "PUT", "PATCH", "DELETE"} {
			for _, path := range []string{protocol.PathAudit, protocol.PathAudit + "/1"} {
				r := fx.do(m, path, tok, map[string]any{"seq": 1, "detail": "x"})
				if r.StatusCode != http.StatusMethodNotAllowed && r.StatusCode != http.StatusNotFound {
					t.Errorf("%s %s: %d", m, path, r.StatusCode)
				}
			}
		}
	}
	for _, login := range []string{"admin", "auditor"} {
		b := fx.browser()
		b.login(login, http.StatusSeeOther)
		b.get("/console/audit")
		tok := b.csrf()
		for _, path := range []string{"/console/audit", "/console/audit/1", "/console/audit/delete", "/console/audit.csv"} {
			if r := b.post(path, url.Values{"csrf": {tok}, "seq": {"1"}}); r.StatusCode < 400 {
				t.Errorf("%s POST %s: %d", login, path, r.StatusCode)
			}
		}
	}
	after2 := server.AuditTrail(t, fx.srv)
	for i, e := range before {
		if after2[i] != e {
			t.Fatalf("record %d changed: %+v → %+v", e.Seq, e, after2[i])
		}
	}
}

// TestAuditPruneKeepsTheChainVerifiable: a prune six months back removes
// the old records, signs the anchor the rest is verified from, records
// itself, and verify still passes; a younger date is refused and recorded.
func TestAuditPruneKeepsTheChainVerifiable(t *testing.T) {
	fx := MustBureau(t)
	ctx := context.Background()
	for range 3 {
		fx.expectProblem("POST", protocol.PathLogin, "", protocol.LoginRequest{Login: "clerk-a", Password: "wrong-1"}, http.StatusUnauthorized, app.EUNAUTHORIZED)
	}
	old := len(server.AuditTrail(t, fx.srv))
	fx.clock.Advance(200 * 24 * time.Hour)
	fx.expectProblem("POST", protocol.PathLogin, "", protocol.LoginRequest{Login: "clerk-b", Password: "wrong-2"}, http.StatusUnauthorized, app.EUNAUTHORIZED) // a young record
	if _, err := fx.srv.PruneAudit(ctx, fx.clock.Now().AddDate(0, -5, 0)); app.ErrorCode(err) != app.EINVALID || !strings.Contains(app.ErrorMessage(err), "六个月") {
		t.Fatalf("prune five months back: %v", err)
	}
	n, err := fx.srv.PruneAudit(ctx, fx.clock.Now().Add(-190*24*time.Hour))
	if err != nil || n != old {
		t.Fatalf("prune: %d, %v; want %d", n, err, old)
	}
	trail := server.AuditTrail(t, fx.srv)
	if trail[0].Seq != uint64(old+1) {
		t.Fatalf("first record kept: %d, want %d", trail[0].Seq, old+1)
	}
	prunes := auditSince(t, fx, 0, "audit.prune")
	if len(prunes) != 2 || prunes[0].Outcome != "failed" || prunes[1].Outcome != "ok" || !strings.Contains(prunes[1].Detail, "删除") {
		t.Fatalf("prune records: %+v", prunes)
	}
	rep, err := fx.srv.VerifyAudit(ctx)
	if err != nil || rep.Break != nil || rep.Anchor != uint64(old) {
		t.Fatalf("verify after the prune: %+v, %v", rep, err)
	}
}

// TestConsoleIdleDecisionKeepsWhatWasTyped: a page with a decision to write
// does not reload itself when the session idles out (the reload threw the
// typed reason away), and a decision sent after the idle time is not taken
// but gives back the comment and the remarks, with the way back to the
// filing. A form without the session's CSRF token gets nothing back.
func TestConsoleIdleDecisionKeepsWhatWasTyped(t *testing.T) {
	fx := MustBureau(t, func(c *server.Config) { c.SessionIdle = 15 * time.Minute })
	pdf := []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
	f := newFiling(t, fx.unitA.ID, pdf)
	fx.upload(fx.clerkA, pdf, 1<<20)
	fx.submit(fx.clerkA, f, http.StatusCreated)
	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	page := "/console/filings/" + f.ID
	if r := b.get(page); r.StatusCode != http.StatusOK {
		t.Fatalf("filing page: %d", r.StatusCode)
	}
	if !strings.Contains(b.last, "提交决定") || strings.Contains(b.last, `http-equiv="refresh"`) {
		t.Errorf("the filing page reloads itself, throwing away what is being typed (decision form %v)", strings.Contains(b.last, "提交决定"))
	}
	if !strings.Contains(b.last, `<input type="hidden" name="kind" value="declaration">`) {
		t.Error("the decision form does not say the filing's kind")
	}
	// The kind names the remarks' fields on the page that keeps them (an
	// 运维备案's provider is its 运维服务单位): the form's kind is taken.
	form := url.Values{"csrf": {b.csrf()}, "revision": {f.Revision.ID}, "transitions": {"1"}, "action": {"return"}, "kind": {"om_filing"},
		"comment": {"请补充建设内容的依据，并说明与现有系统的关系"}, "remark:goals": {"目标应可量化"}, "remark:provider": {"写明单位全称"}}
	fx.clock.Advance(16 * time.Minute)
	forged := url.Values{"csrf": {"not-the-token"}, "comment": {"<b>x</b>"}}
	if r := b.post(page+"/decision", forged); r.StatusCode != http.StatusSeeOther || strings.Contains(b.last, "&lt;b&gt;x") {
		t.Fatalf("forged late form: %d\n%s", r.StatusCode, b.last)
	}
	// The forged form ended the session already; log in and idle again.
	b.login("reviewer", http.StatusSeeOther)
	b.get(page)
	form.Set("csrf", b.csrf())
	fx.clock.Advance(16 * time.Minute)
	r := b.post(page+"/decision", form)
	if r.StatusCode != http.StatusUnauthorized {
		t.Fatalf("late decision: %d\n%s", r.StatusCode, b.last)
	}
	for _, want := range []string{"决定没有提交", "请补充建设内容的依据，并说明与现有系统的关系", "目标应可量化", "运维服务单位：写明单位全称",
		`href="/console/login?next=%2Fconsole%2Ffilings%2F` + f.ID + `"`} {
		if !strings.Contains(b.last, want) {
			t.Errorf("the late decision's page lacks %q:\n%s", want, b.last)
		}
	}
	var d protocol.FilingDetail
	fx.mustJSON("GET", protocol.Path(protocol.PathReviewFiling, f.ID), fx.reviewer, nil, http.StatusOK, &d)
	if len(d.History) != 1 {
		t.Errorf("the late decision was taken: %+v", d.History)
	}
}
