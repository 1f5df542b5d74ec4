package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"egovdesk/app"
	"egovdesk/app/apptest"
	"egovdesk/assets"
	"egovdesk/sync/protocol"
)

// upload posts a multipart form with one file, as the browser sends the
// profile and register forms.
func (b *browser) upload(path string, fields url.Values, name string, data []byte) *http.Response {
	b.tb.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", b.fx.http.URL+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.send(req)
}

// TestConsoleAdminPagesAreAdminOnly: a reviewer gets a 403 page on every
// admin page and form, and is not offered them; an admin's form without
// its CSRF token is refused.
func TestConsoleAdminPagesAreAdminOnly(t *testing.T) {
	fx := MustBureau(t)
	rv := fx.browser()
	rv.login("reviewer", http.StatusSeeOther)
	rv.get("/console/queue")
	csrf := rv.csrf()
	if strings.Contains(rv.last, "/console/admin/") {
		t.Error("a reviewer is offered the admin pages")
	}
	for _, p := range []string{"/console/admin/units", "/console/admin/units/" + fx.unitA.ID, "/console/admin/accounts",
		"/console/admin/accounts/clerk-a", "/console/admin/profile", "/console/admin/register", "/console/admin/register/template.xlsx"} {
		if r := rv.get(p); r.StatusCode != http.StatusForbidden || !strings.Contains(rv.last, "无权访问") {
			t.Errorf("reviewer GET %s: %d", p, r.StatusCode)
		}
	}
	posts := map[string]url.Values{
		"/console/admin/units":                              {"name": {"x"}, "code": {"12341522MB0000010M"}},
		"/console/admin/units/" + fx.unitA.ID:               {"name": {"x"}, "code": {fx.unitA.Code}},
		"/console/admin/units/" + fx.unitA.ID + "/disable":  {"disabled": {"1"}, "confirm": {"1"}},
		"/console/admin/accounts":                           {"login": {"x1"}, "role": {"admin"}, "password": {"12345678"}},
		"/console/admin/accounts/admin/password":            {"password": {"12345678"}, "password2": {"12345678"}},
		"/console/admin/accounts/admin/disable":             {"disabled": {"1"}, "confirm": {"1"}},
		"/console/admin/accounts/clerk-a/tokens/revoke-all": {},
		"/console/admin/profile":                            {"builtin": {"huoqiu"}},
	}
	for p, form := range posts {
		form.Set("csrf", csrf)
		if r := rv.post(p, form); r.StatusCode != http.StatusForbidden {
			t.Errorf("reviewer POST %s: %d", p, r.StatusCode)
		}
	}
	if us, _ := fx.srv.Units(context.Background()); len(us) != 2 || us[0].Disabled || us[1].Disabled {
		t.Errorf("units after the reviewer's posts: %+v", us)
	}

	ad := fx.browser()
	ad.login("admin", http.StatusSeeOther)
	ad.get("/console/queue")
	tok := ad.csrf()
	if !strings.Contains(ad.last, `href="/console/admin/units"`) {
		t.Error("an admin is not offered the admin pages")
	}
	if r := ad.post("/console/admin/units", url.Values{"name": {"某单位"}, "code": {"12341522MB0000010M"}}); r.StatusCode != http.StatusForbidden {
		t.Errorf("add unit without csrf: %d", r.StatusCode)
	}
	if r := ad.post("/console/admin/units", url.Values{"csrf": {"x" + tok}, "name": {"某单位"}, "code": {"12341522MB0000010M"}}); r.StatusCode != http.StatusForbidden {
		t.Errorf("add unit with a wrong csrf: %d", r.StatusCode)
	}
	if us, _ := fx.srv.Units(context.Background()); len(us) != 2 {
		t.Errorf("units after refused posts: %d", len(us))
	}
}

// TestConsoleAdminUnits: add (the credit-code check refuses a bad code,
// in Chinese, keeping what was typed), edit, disable (its clerks can no
// longer log in nor use their tokens) and enable again.
func TestConsoleAdminUnits(t *testing.T) {
	fx := MustBureau(t)
	ad := fx.browser()
	ad.login("admin", http.StatusSeeOther)
	ad.get("/console/admin/units")
	tok := ad.csrf()
	r := ad.post("/console/admin/units", url.Values{"csrf": {tok}, "name": {"霍邱县冯井镇人民政府"}, "code": {"12341522MB0000011M"}})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(ad.last, "统一社会信用代码“12341522MB0000011M”无效") ||
		!strings.Contains(ad.last, `value="霍邱县冯井镇人民政府"`) || !strings.Contains(ad.last, `value="12341522MB0000011M"`) {
		t.Fatalf("bad code: %d\n%s", r.StatusCode, ad.last)
	}
	// an empty code is asked for, not called “” and 无效 (a walkthrough)
	r = ad.post("/console/admin/units", url.Values{"csrf": {tok}, "name": {"霍邱县冯井镇人民政府"}, "code": {" "}})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(ad.last, "请填写统一社会信用代码") || strings.Contains(ad.last, "“”无效") {
		t.Fatalf("no code: %d", r.StatusCode)
	}
	r = ad.post("/console/admin/units", url.Values{"csrf": {tok}, "name": {"霍邱县冯井镇人民政府"}, "code": {fx.unitA.Code}})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(ad.last, "已登记为“"+fx.unitA.Name+"”") {
		t.Fatalf("a taken code (the page names the unit that holds it): %d", r.StatusCode)
	}
	r = ad.post("/console/admin/units", url.Values{"csrf": {tok}, "name": {"霍邱县冯井镇人民政府"}, "code": {"12341522mb0000010m"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("add unit: %d\n%s", r.StatusCode, ad.last)
	}
	u, err := fx.srv.FindUnit(context.Background(), "12341522MB0000010M")
	if err != nil || u.Name != "霍邱县冯井镇人民政府" {
		t.Fatalf("the added unit: %+v %v", u, err)
	}
	// Through the API, the admin sees the unit the console added: one store, one rule.
	var units []protocol.Unit
	fx.mustJSON("GET", protocol.PathAdminUnits, fx.admin, nil, http.StatusOK, &units)
	if len(units) != 3 {
		t.Errorf("API units: %d", len(units))
	}

	// Edit unit A: a bad code keeps both fields as typed; a good edit renames its queue entries.
	f := newFiling(t, fx.unitA.ID)
	fx.submit(fx.clerkA, f, http.StatusCreated)
	ad.get("/console/admin/units/" + fx.unitA.ID)
	r = ad.post("/console/admin/units/"+fx.unitA.ID, url.Values{"csrf": {tok}, "name": {"霍邱县城关镇"}, "code": {"123"}})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(ad.last, `value="霍邱县城关镇"`) || !strings.Contains(ad.last, `value="123"`) ||
		!strings.Contains(ad.last, "应为 18 位，现为 3 位") {
		t.Fatalf("edit with a bad code: %d\n%s", r.StatusCode, ad.last)
	}
	// A code with bytes that are no UTF-8 comes back in its box as valid
	// text (the page is UTF-8): it came back raw.
	r = ad.post("/console/admin/units/"+fx.unitA.ID, url.Values{"csrf": {tok}, "name": {"霍邱县城关镇"}, "code": {"\xff\xfe91330100799655058B"}})
	if r.StatusCode != http.StatusUnprocessableEntity || !utf8.ValidString(ad.last) {
		t.Fatalf("edit with a code of invalid UTF-8: %d, the page valid UTF-8: %v", r.StatusCode, utf8.ValidString(ad.last))
	}
	r = ad.post("/console/admin/units/"+fx.unitA.ID, url.Values{"csrf": {tok}, "name": {"霍邱县城关镇人民政府（新）"}, "code": {fx.unitA.Code}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: %d\n%s", r.StatusCode, ad.last)
	}
	ad.get("/console/queue")
	if !strings.Contains(ad.last, "霍邱县城关镇人民政府（新）") {
		t.Error("the queue does not show the unit's new name")
	}

	// Disable unit B: clerk B's token and login are refused; enable again.
	// 停用 asks first, naming the unit, and does nothing until confirmed.
	ad.get("/console/admin/units")
	r = ad.post("/console/admin/units/"+fx.unitB.ID+"/disable", url.Values{"csrf": {tok}, "disabled": {"1"}})
	if r.StatusCode != http.StatusOK || !strings.Contains(ad.last, "停用“"+fx.unitB.Name+"”？") || !strings.Contains(ad.last, `name="confirm" value="1"`) {
		t.Fatalf("停用 without confirming: %d\n%s", r.StatusCode, ad.last)
	}
	if us, _ := fx.srv.Units(context.Background()); slices.ContainsFunc(us, func(u protocol.Unit) bool { return u.Disabled }) {
		t.Fatalf("a unit was disabled before the confirmation: %+v", us)
	}
	r = ad.post("/console/admin/units/"+fx.unitB.ID+"/disable", url.Values{"csrf": {tok}, "disabled": {"1"}, "confirm": {"1"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("disable: %d", r.StatusCode)
	}
	// The confirmation names the unit.
	ad.get(r.Header.Get("Location"))
	if !strings.Contains(ad.last, "已停用“"+fx.unitB.Name+"”（"+fx.unitB.Code+"）") {
		t.Errorf("the confirmation does not name the unit")
	}
	ad.get("/console/admin/units")
	if !strings.Contains(ad.last, "已停用") {
		t.Error("the list does not mark the disabled unit")
	}
	fx.mustJSON("GET", protocol.PathChanges, fx.clerkB, nil, http.StatusUnauthorized, nil)
	fx.mustJSON("POST", protocol.PathLogin, "", protocol.LoginRequest{Login: "clerk-b", Password: password}, http.StatusUnauthorized, nil)
	fx.mustJSON("GET", protocol.PathChanges, fx.clerkA, nil, http.StatusOK, nil)
	if r := ad.post("/console/admin/units/"+fx.unitB.ID+"/disable", url.Values{"csrf": {tok}, "disabled": {"0"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("enable: %d", r.StatusCode)
	}
	fx.login("clerk-b")
}

// TestConsoleAdminAccounts: add an account with a role (errors keep what
// was typed but the password), reset a password (the old tokens die),
// revoke one token, disable an account, and the last admin cannot be disabled.
func TestConsoleAdminAccounts(t *testing.T) {
	fx := MustBureau(t)
	ad := fx.browser()
	ad.login("admin", http.StatusSeeOther)
	ad.get("/console/admin/accounts")
	// The rules of the initial password are on the form, not only in the
	// refusal.
	if !strings.Contains(ad.last, "要求：至少 8 个字符，含大写字母") {
		t.Errorf("添加账号 does not state the password rules")
	}
	tok := ad.csrf()
	form := url.Values{"csrf": {tok}, "login": {"Zhao Liu"}, "name": {"赵六"}, "role": {"unit"}, "unit": {fx.unitB.ID}, "password": {"short"}}
	r := ad.post("/console/admin/accounts", form)
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(ad.last, "登录名须为") || !strings.Contains(ad.last, "密码至少 8 个字符") ||
		!strings.Contains(ad.last, `value="Zhao Liu"`) || !strings.Contains(ad.last, `value="赵六"`) ||
		!strings.Contains(ad.last, `<option value="`+fx.unitB.ID+`" selected>`) || strings.Contains(ad.last, `value="short"`) {
		t.Fatalf("bad account: %d\n%s", r.StatusCode, ad.last)
	}
	form.Set("login", "zhaoliu")
	form.Set("password", "Zl-2027-init")
	form.Set("csrf", tok)
	if r := ad.post("/console/admin/accounts", form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("add account: %d\n%s", r.StatusCode, ad.last)
	}
	var lr protocol.LoginResponse
	lr = fx.changeFirst("zhaoliu", "Zl-2027-init", "Zl-2027-mine") // an admin's initial password: changed at the first login
	if lr.Account.Role != app.RoleUnit || lr.Account.UnitID != fx.unitB.ID {
		t.Errorf("the new account: %+v", lr.Account)
	}
	// The review steps' roles are offered too: 霍邱's flow needs an
	// approver and the joint reviewers of finance, NDRC and cryptography.
	ad.get("/console/admin/accounts")
	for _, role := range app.Roles {
		if !strings.Contains(ad.last, `<option value="`+string(role)+`"`) {
			t.Errorf("the role %s (%s) is not offered", role, role.Label())
		}
	}
	fin := url.Values{"csrf": {tok}, "login": {"caizheng2"}, "name": {"钱财政"}, "role": {"finance"}, "password": {"Cz-2027-init"}}
	if r := ad.post("/console/admin/accounts", fin); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("add a finance reviewer: %d\n%s", r.StatusCode, ad.last)
	}
	if lr := fx.changeFirst("caizheng2", "Cz-2027-init", "Cz-2027-mine"); lr.Account.Role != app.RoleFinance {
		t.Errorf("the finance reviewer: %+v", lr.Account)
	}

	// Reset clerk A's password: mismatched, too short, then done; the old token dies.
	ad.get("/console/admin/accounts/clerk-a")
	if !strings.Contains(ad.last, "李梅") || !strings.Contains(ad.last, "有效") || !strings.Contains(ad.last, "客户端登录，来自 127.0.0.1") {
		t.Fatalf("account page:\n%s", ad.last)
	}
	r = ad.post("/console/admin/accounts/clerk-a/password", url.Values{"csrf": {tok}, "password": {"abcdefgh1"}, "password2": {"abcdefgh2"}})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(ad.last, "两次输入的密码不一致") {
		t.Fatalf("mismatched: %d", r.StatusCode)
	}
	r = ad.post("/console/admin/accounts/clerk-a/password", url.Values{"csrf": {tok}, "password": {"abc"}, "password2": {"abc"}})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(ad.last, "密码至少 8 个字符") {
		t.Fatalf("short: %d", r.StatusCode)
	}
	if r := ad.post("/console/admin/accounts/clerk-a/password", url.Values{"csrf": {tok}, "password": {"New-pass-2027"}, "password2": {"New-pass-2027"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("reset: %d\n%s", r.StatusCode, ad.last)
	}
	fx.mustJSON("GET", protocol.PathChanges, fx.clerkA, nil, http.StatusUnauthorized, nil)
	fx.mustJSON("POST", protocol.PathLogin, "", protocol.LoginRequest{Login: "clerk-a", Password: password}, http.StatusUnauthorized, nil)
	lr = fx.changeFirst("clerk-a", "New-pass-2027", "Mine-pass-2027") // a reset password: changed at the next login

	// Revoke that one token from the list.
	ad.get("/console/admin/accounts/clerk-a")
	m := strings.Index(ad.last, `name="id" value="`)
	if m < 0 {
		t.Fatalf("no token to revoke:\n%s", ad.last)
	}
	id := ad.last[m+len(`name="id" value="`):]
	id = id[:strings.IndexByte(id, '"')]
	if r := ad.post("/console/admin/accounts/clerk-a/tokens/revoke", url.Values{"csrf": {tok}, "id": {id}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("revoke: %d\n%s", r.StatusCode, ad.last)
	}
	fx.mustJSON("GET", protocol.PathChanges, lr.Token, nil, http.StatusUnauthorized, nil)
	if r := ad.post("/console/admin/accounts/clerk-b/tokens/revoke", url.Values{"csrf": {tok}, "id": {id}}); r.StatusCode != http.StatusNotFound {
		t.Errorf("revoke another account's token: %d", r.StatusCode)
	}
	// 吊销全部令牌 (a laptop lost): every token of clerk B at once, and it
	// says so; another account's stay.
	second := fx.login("clerk-b").Token
	ad.get("/console/admin/accounts/clerk-b")
	if !strings.Contains(ad.last, "吊销全部令牌") {
		t.Fatal("no 吊销全部令牌 on the account page")
	}
	r = ad.post("/console/admin/accounts/clerk-b/tokens/revoke-all", url.Values{"csrf": {tok}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("revoke all: %d\n%s", r.StatusCode, ad.last)
	}
	ad.get(r.Header.Get("Location"))
	if !strings.Contains(ad.last, "已吊销该账号的全部令牌") {
		t.Errorf("no confirmation of 吊销全部令牌")
	}
	fx.mustJSON("GET", protocol.PathChanges, fx.clerkB, nil, http.StatusUnauthorized, nil)
	fx.mustJSON("GET", protocol.PathChanges, second, nil, http.StatusUnauthorized, nil)
	fx.mustJSON("GET", protocol.PathReviewQueue, fx.reviewer, nil, http.StatusOK, nil)

	// Disable the reviewer: its console session ends.
	rv := fx.browser()
	rv.login("reviewer", http.StatusSeeOther)
	// Without the tick, nothing happens (a unit's 停用 asked first, an
	// account's took one click).
	if r := ad.post("/console/admin/accounts/reviewer/disable", url.Values{"csrf": {tok}, "disabled": {"1"}}); r.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(ad.last, "请勾选确认") {
		t.Errorf("disable without the tick: %d", r.StatusCode)
	}
	if r := rv.get("/console/queue"); r.StatusCode != http.StatusOK {
		t.Fatalf("the reviewer's session after the refused disable: %d", r.StatusCode)
	}
	if r := ad.post("/console/admin/accounts/reviewer/disable", url.Values{"csrf": {tok}, "disabled": {"1"}, "confirm": {"1"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("disable: %d", r.StatusCode)
	}
	if r := rv.get("/console/queue"); r.StatusCode != http.StatusSeeOther {
		t.Errorf("a disabled reviewer's session: %d", r.StatusCode)
	}
	// The only admin cannot disable itself.
	ad.get("/console/admin/accounts/admin")
	r = ad.post("/console/admin/accounts/admin/disable", url.Values{"csrf": {tok}, "disabled": {"1"}, "confirm": {"1"}})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(ad.last, "唯一启用的管理员") {
		t.Errorf("disable the last admin: %d", r.StatusCode)
	}
}

// TestConsoleAdminProfile: switch to a built-in profile, upload a file
// app.LoadProfile refuses (its Chinese problems shown, the profile kept),
// then a good one; the units' feeds get the change.
func TestConsoleAdminProfile(t *testing.T) {
	fx := MustBureau(t)
	ad := fx.browser()
	ad.login("admin", http.StatusSeeOther)
	ad.get("/console/admin/profile")
	tok := ad.csrf()
	if !strings.Contains(ad.last, "尚未设置规则配置") {
		t.Fatalf("profile page without a profile:\n%s", ad.last)
	}
	if r := ad.post("/console/admin/profile", url.Values{"csrf": {tok}, "builtin": {"luan"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("switch: %d\n%s", r.StatusCode, ad.last)
	}
	if id := profileID(fx); id != "luan" {
		t.Fatalf("profile after the switch: %q", id)
	}
	ad.get("/console/admin/profile")
	if !strings.Contains(ad.last, "六安") {
		t.Errorf("the active profile is not shown:\n%s", ad.last)
	}
	if r := ad.post("/console/admin/profile", url.Values{"csrf": {tok}, "builtin": {"nowhere"}, "confirm": {"1"}}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("unknown built-in: %d", r.StatusCode)
	}
	// Another jurisdiction's rules take over the filings under review: 切换
	// takes a tick, and without it nothing changes.
	if r := ad.post("/console/admin/profile", url.Values{"csrf": {tok}, "builtin": {"wuhan"}}); r.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(ad.last, "请勾选确认") || !strings.Contains(ad.last, "正在审核的材料") || profileID(fx) != "luan" {
		t.Errorf("switch to another jurisdiction without the tick: %d, profile %q", r.StatusCode, profileID(fx))
	}
	bad := []byte(`{"id": "mycounty", "jurisdiction": "某县", "routes": []}`)
	r := ad.upload("/console/admin/profile/upload", url.Values{"csrf": {tok}}, "mycounty.json", bad)
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(ad.last, "规则文件“mycounty.json”") {
		t.Fatalf("bad profile: %d\n%s", r.StatusCode, ad.last)
	}
	if id := profileID(fx); id != "luan" {
		t.Errorf("a refused file replaced the profile: %s", id)
	}
	if r := ad.upload("/console/admin/profile/upload", url.Values{}, "x.json", bad); r.StatusCode != http.StatusForbidden {
		t.Errorf("upload without csrf: %d", r.StatusCode)
	}
	good, err := assets.Profiles.ReadFile("profiles/huoqiu.json")
	if err != nil {
		t.Fatal(err)
	}
	var before protocol.ChangesResponse
	fx.mustJSON("GET", protocol.PathChanges, fx.clerkA, nil, http.StatusOK, &before)
	if r := ad.upload("/console/admin/profile/upload", url.Values{"csrf": {tok}}, "huoqiu.json", good); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("good profile: %d\n%s", r.StatusCode, ad.last)
	}
	var after protocol.ChangesResponse
	fx.mustJSON("GET", protocol.PathChanges+"?cursor="+before.Cursor, fx.clerkA, nil, http.StatusOK, &after)
	if len(after.Changes) != 1 || after.Changes[0].Type != protocol.ChangeProfile || after.Changes[0].ProfileID != "huoqiu" {
		t.Errorf("the unit's feed after the upload: %+v", after.Changes)
	}
}

func profileID(fx *fixture) string {
	var doc protocol.ProfileDocument
	fx.mustJSON("GET", protocol.PathProfile, fx.clerkA, nil, http.StatusOK, &doc)
	return doc.ID
}

// registerBook writes a register workbook: a title row, the header, rows.
func registerBook(t *testing.T, rows [][]string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	all := append([][]string{{"霍邱县已建政务信息系统登记表"}, {"序号", "系统名称", "建设单位", "建设内容", "数据资源", "建成年份"}}, rows...)
	for i, row := range all {
		cells := make([]any, len(row))
		for j, c := range row {
			cells[j] = c
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &cells); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestConsoleRegisterImport: the register's template downloads; a
// register with bad rows is refused naming each row in Chinese, and
// nothing is imported; a good one replaces the register, and a
// declaration that rebuilds a registered system lists it first among its
// similar projects, marked 已建系统, above the filings.
func TestConsoleRegisterImport(t *testing.T) {
	fx := MustBureau(t)
	ad := fx.browser()
	ad.login("admin", http.StatusSeeOther)
	ad.get("/console/admin/register")
	tok := ad.csrf()
	if !strings.Contains(ad.last, "尚未导入登记表") {
		t.Fatalf("empty register page:\n%s", ad.last)
	}
	r := ad.get("/console/admin/register/template.xlsx")
	if r.StatusCode != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/vnd.openxmlformats") {
		t.Fatalf("template: %d %s", r.StatusCode, r.Header.Get("Content-Type"))
	}
	tmpl, err := excelize.OpenReader(strings.NewReader(ad.last))
	if err != nil {
		t.Fatalf("the template does not open: %v", err)
	}
	head, _ := tmpl.GetRows(tmpl.GetSheetList()[0])
	tmpl.Close()
	if len(head) < 1 || strings.Join(head[0], ",") != "系统名称,建设单位,建设内容/功能,数据资源,建成年份" {
		t.Errorf("template header: %v", head)
	}

	bad := registerBook(t, [][]string{
		{"1", "霍邱县智慧城管综合指挥平台", "霍邱县城市管理局", "数字城管", "", "2019"},
		{"2", "", "霍邱县人社局", "社保经办", "", ""},
		{"3", "霍邱县不动产登记系统", "霍邱县自然资源局", "不动产登记", "", "二〇一九"},
	})
	r = ad.upload("/console/admin/register", url.Values{"csrf": {tok}}, "登记表.xlsx", bad)
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(ad.last, "有 2 行不合格，整表未导入") ||
		!strings.Contains(ad.last, "第 4 行") || !strings.Contains(ad.last, "请填写系统名称") ||
		!strings.Contains(ad.last, "第 5 行（霍邱县不动产登记系统）") || !strings.Contains(ad.last, "应为四位数字年份") {
		t.Fatalf("bad register: %d\n%s", r.StatusCode, ad.last)
	}
	if reg, _ := fx.srv.Register(context.Background()); len(reg.Systems) != 0 {
		t.Fatalf("a refused register imported %d systems", len(reg.Systems))
	}
	r = ad.upload("/console/admin/register", url.Values{"csrf": {tok}}, "huge.xlsx", make([]byte, 22<<20))
	if r.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(ad.last, "超过 21 MB 的上限") {
		t.Errorf("a register too large: %d", r.StatusCode)
	}
	r = ad.upload("/console/admin/register", url.Values{"csrf": {tok}}, "note.xlsx", []byte("not a workbook"))
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(ad.last, "不是 Excel 工作簿") {
		t.Errorf("not a workbook: %d", r.StatusCode)
	}

	// Filings first, so the register joins an index that holds them.
	for i := range 12 {
		f := newFiling(t, fx.unitA.ID)
		f.Declaration.ProjectName = apptest.ProjectName(i * 7)
		fx.submit(fx.clerkA, f, http.StatusCreated)
	}
	good := registerBook(t, [][]string{
		{"1", "霍邱县智慧城管综合指挥平台", "霍邱县城市管理局", "数字城管案件受理、派遣、处置、核查、结案全流程管理；视频监控接入；环卫车辆定位与考核", "城管案件、部件普查数据", "2019年"},
		{"2", "霍邱县社会保障卡服务系统", "霍邱县人力资源和社会保障局", "社保卡申领、挂失、补换，待遇资格认证", "参保人员信息", "2018"},
		{"3", "霍邱县不动产登记信息管理平台", "霍邱县自然资源和规划局", "不动产登记受理、审核、登簿、发证，与税务、住建数据共享", "不动产权属数据", "2020-06"},
	})
	if r := ad.upload("/console/admin/register", url.Values{"csrf": {tok}}, "登记表.xlsx", good); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("good register: %d\n%s", r.StatusCode, ad.last)
	}
	ad.get("/console/admin/register")
	if !strings.Contains(ad.last, "已登记 3 个系统") || !strings.Contains(ad.last, "霍邱县社会保障卡服务系统") || !strings.Contains(ad.last, "登记表.xlsx") {
		t.Fatalf("register page:\n%s", ad.last)
	}

	dup := newFiling(t, fx.unitB.ID)
	dup.Declaration.ProjectName = "霍邱县智慧城管综合指挥平台（二期）"
	dup.Declaration.Goals = "完善数字城管"
	dup.Declaration.Content = "数字城管案件受理、派遣、处置、核查、结案全流程管理；视频监控接入；环卫车辆定位与考核；新增渣土车监管"
	dup.Declaration.DataResources = "城管案件、部件普查数据"
	fx.submit(fx.clerkB, dup, http.StatusCreated)
	rv := fx.browser()
	rv.login("reviewer", http.StatusSeeOther)
	rv.get("/console/filings/" + dup.ID)
	i := strings.Index(rv.last, `<ol class="similar">`)
	if i < 0 {
		t.Fatalf("no similar projects:\n%s", rv.last)
	}
	first := rv.last[i:]
	first = first[:strings.Index(first, "</li>")]
	if !strings.Contains(first, "已建系统") || !strings.Contains(first, "霍邱县智慧城管综合指挥平台") || !strings.Contains(first, "霍邱县城市管理局") {
		t.Errorf("first similar project:\n%s", first)
	}
	if strings.Contains(first, `href="/console/filings/~r:`) {
		t.Error("a registered system links to a filing page")
	}

	// A new import replaces the register: the old systems leave the index.
	again := registerBook(t, [][]string{{"1", "霍邱县社会保障卡服务系统", "霍邱县人力资源和社会保障局", "社保卡申领、挂失、补换", "", ""}})
	if r := ad.upload("/console/admin/register", url.Values{"csrf": {tok}}, "登记表2.xlsx", again); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("second register: %d\n%s", r.StatusCode, ad.last)
	}
	rv.get("/console/filings/" + dup.ID)
	if strings.Contains(rv.last, "已建系统</span>") {
		t.Errorf("a replaced register's system is still listed")
	}
}

// TestAdminAPIUnitsAccountsTokens: the admin API's own operations on
// units, accounts and tokens, the console's pages' (one Server method
// each), with their refusals.
func TestAdminAPIUnitsAccountsTokens(t *testing.T) {
	fx := MustBureau(t)
	var u protocol.Unit
	fx.mustJSON("PUT", protocol.Path(protocol.PathAdminUnit, fx.unitB.ID), fx.admin,
		protocol.AdminUnitRequest{Name: " 霍邱县新店镇 ", Code: "11341522mb1234567f"}, http.StatusOK, &u)
	if u.Name != "霍邱县新店镇" || u.Code != "11341522MB1234567F" {
		t.Errorf("updated unit: %+v", u)
	}
	p := fx.expectProblem("PUT", protocol.Path(protocol.PathAdminUnit, fx.unitB.ID), fx.admin,
		protocol.AdminUnitRequest{Name: "", Code: "123"}, http.StatusUnprocessableEntity, app.EINVALID)
	if len(p.Errors) != 2 {
		t.Errorf("bad unit: %+v", p.Errors)
	}
	fx.expectProblem("PUT", protocol.Path(protocol.PathAdminUnit, fx.unitB.ID), fx.admin,
		protocol.AdminUnitRequest{Name: "x", Code: fx.unitA.Code}, http.StatusConflict, app.ECONFLICT)
	fx.expectProblem("PUT", protocol.Path(protocol.PathAdminUnit, "nope"), fx.admin,
		protocol.AdminUnitRequest{Name: "x", Code: "12341522MB0000010M"}, http.StatusNotFound, app.ENOTFOUND)
	// The old code is free again, the new one taken.
	fx.mustJSON("POST", protocol.PathAdminUnits, fx.admin, protocol.AdminUnitRequest{Name: "y", Code: "12341522MB0000010M"}, http.StatusCreated, nil)

	fx.mustJSON("POST", protocol.Path(protocol.PathAdminUnitDisable, fx.unitB.ID), fx.admin, protocol.AdminDisableRequest{Disabled: true}, http.StatusOK, &u)
	if !u.Disabled {
		t.Error("unit not disabled")
	}
	fx.mustJSON("GET", protocol.PathMe, fx.clerkB, nil, http.StatusUnauthorized, nil)
	fx.mustJSON("POST", protocol.Path(protocol.PathAdminUnitDisable, fx.unitB.ID), fx.admin, protocol.AdminDisableRequest{Disabled: false}, http.StatusOK, &u)
	fx.mustJSON("GET", protocol.PathMe, fx.clerkB, nil, http.StatusOK, nil)

	var accts []protocol.AdminAccount
	fx.mustJSON("GET", protocol.PathAdminAccounts, fx.admin, nil, http.StatusOK, &accts)
	if len(accts) != 4 || accts[0].Login != "admin" || accts[0].Created.IsZero() {
		t.Errorf("accounts: %+v", accts)
	}
	fx.expectProblem("POST", protocol.Path(protocol.PathAdminPassword, "clerk-a"), fx.admin, protocol.AdminPasswordRequest{Password: "short"},
		http.StatusUnprocessableEntity, app.EINVALID)
	fx.mustJSON("POST", protocol.Path(protocol.PathAdminPassword, "clerk-a"), fx.admin, protocol.AdminPasswordRequest{Password: "Another-2027"}, http.StatusNoContent, nil)
	fx.mustJSON("GET", protocol.PathMe, fx.clerkA, nil, http.StatusUnauthorized, nil)
	var lr protocol.LoginResponse
	fx.clock.Advance(time.Minute)
	lr = fx.changeFirst("clerk-a", "Another-2027", "Mine-2027-again")

	var toks []protocol.AdminToken
	fx.mustJSON("GET", protocol.Path(protocol.PathAdminAcctTokens, "clerk-a"), fx.admin, nil, http.StatusOK, &toks)
	if len(toks) != 2 || toks[0].Revoked || !toks[1].Revoked {
		t.Fatalf("clerk A's tokens, newest first: %+v", toks)
	}
	var n protocol.AdminCount
	fx.mustJSON("POST", protocol.PathAdminTokensRevoke, fx.admin, protocol.AdminRevokeRequest{Login: "clerk-a", ID: toks[0].ID}, http.StatusOK, &n)
	fx.mustJSON("GET", protocol.PathMe, lr.Token, nil, http.StatusUnauthorized, nil)
	fx.expectProblem("POST", protocol.PathAdminTokensRevoke, fx.admin, protocol.AdminRevokeRequest{Login: "clerk-b", ID: toks[0].ID},
		http.StatusNotFound, app.ENOTFOUND)

	fx.mustJSON("POST", protocol.Path(protocol.PathAdminAcctDisable, "reviewer"), fx.admin, protocol.AdminDisableRequest{Disabled: true}, http.StatusNoContent, nil)
	fx.mustJSON("GET", protocol.PathMe, fx.reviewer, nil, http.StatusUnauthorized, nil)
	fx.expectProblem("POST", protocol.Path(protocol.PathAdminAcctDisable, "admin"), fx.admin, protocol.AdminDisableRequest{Disabled: true},
		http.StatusUnprocessableEntity, app.EINVALID)
	fx.expectProblem("GET", protocol.Path(protocol.PathAdminAcctTokens, "nobody"), fx.admin, nil, http.StatusNotFound, app.ENOTFOUND)
}

// TestSimilarRanksRegisteredSystemsFirst seeds 1,000 declarations of
// realistic variety, imports a register of 40 existing systems drawn from
// the same topics, then files 10 declarations that rebuild a registered
// system (another place's name, a sentence rewritten): each lists the
// system it rebuilds first, marked 已建系统.
func TestSimilarRanksRegisteredSystemsFirst(t *testing.T) {
	fx := MustBureau(t)
	rng := rand.New(rand.NewPCG(29, 3))
	const n, systems, rebuilt = 1000, 40, 10
	names := map[string]bool{}
	fresh := func(i int) *app.Declaration {
		var d *app.Declaration
		for d == nil || names[d.ProjectName] {
			d = apptest.VariedDeclaration(rng, i)
		}
		names[d.ProjectName] = true
		return d
	}
	decls := make([]*app.Declaration, n)
	for i := range decls {
		decls[i] = fresh(i)
	}
	fx.seedDeclarations(t, decls)

	var reg []app.ExistingSystem
	var origins []*app.Declaration
	for i := range systems {
		d := fresh(n + i)
		origins = append(origins, d)
		reg = append(reg, app.ExistingSystem{Name: d.ProjectName, Owner: "霍邱县数据资源管理局", Content: d.Goals + d.Content,
			Data: d.DataResources, Year: 2018 + i%5})
	}
	if err := fx.srv.ImportRegister(context.Background(), reg, "admin", "register.xlsx"); err != nil {
		t.Fatal(err)
	}
	var copies []*app.Declaration
	for k := range rebuilt {
		copies = append(copies, apptest.NearCopy(rng, origins[k*3], apptest.Places[(k*5+2)%len(apptest.Places)]))
	}
	ids := fx.seedDeclarations(t, copies)
	br := fx.browser()
	br.login("reviewer", http.StatusSeeOther)
	for k, id := range ids {
		br.get("/console/filings/" + id)
		i := strings.Index(br.last, `<ol class="similar">`)
		if i < 0 {
			t.Errorf("%s: no similar projects", copies[k].ProjectName)
			continue
		}
		first := br.last[i:]
		first = first[:strings.Index(first, "</li>")]
		if want := reg[k*3].Name; !strings.Contains(first, "已建系统") || !strings.Contains(first, "<strong>"+want+"</strong>") {
			t.Errorf("%s: first similar is not the registered %s:\n%s", copies[k].ProjectName, want, first)
		}
	}
}

// The admin enters a year's holidays without a new release: download the
// profile in force, add the year to its calendar, upload it. The page says
// which years are missing until then, and how.
func TestConsoleAdminEntersAYearsHolidays(t *testing.T) {
	fx := MustBureau(t)
	ad := fx.browser()
	ad.login("admin", http.StatusSeeOther)
	if r := ad.get("/console/admin/profile.json"); r.StatusCode != http.StatusNotFound {
		t.Errorf("the file with no profile set: %d", r.StatusCode)
	}
	ad.get("/console/admin/profile")
	tok := ad.csrf()
	if r := ad.post("/console/admin/profile", url.Values{"csrf": {tok}, "builtin": {"tianning"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("switch: %d\n%s", r.StatusCode, ad.last)
	}
	year := afterNationalYears(fx)
	ad.get("/console/admin/profile")
	if !strings.Contains(ad.last, fmt.Sprintf("尚未载入 %d 年的法定节假日安排", year)) || !strings.Contains(ad.last, "下载当前规则文件") {
		t.Fatalf("the page does not say %d is missing, or how to add it:\n%s", year, ad.last)
	}

	r := ad.get("/console/admin/profile.json")
	if r.StatusCode != http.StatusOK || !strings.Contains(r.Header.Get("Content-Disposition"), `filename=tianning.json`) {
		t.Fatalf("download: %d %v", r.StatusCode, r.Header)
	}
	var p map[string]any
	if err := json.Unmarshal([]byte(ad.last), &p); err != nil || p["id"] != "tianning" || !strings.Contains(ad.last, "\n  \"") {
		t.Fatalf("the file is not the profile, indented to edit: %v\n%.200s", err, ad.last)
	}
	// A working day listed as a 调休 workday is refused, its path said once.
	wed := time.Date(year, 3, 1, 0, 0, 0, 0, time.UTC)
	for wed.Weekday() != time.Wednesday {
		wed = wed.AddDate(0, 0, 1)
	}
	p["calendar"] = map[string]any{"source": "测试用", "holidays": statutoryDays(year), "workdays": []string{wed.Format("2006-01-02")}}
	bad, _ := json.MarshalIndent(p, "", "  ")
	if r := ad.upload("/console/admin/profile/upload", url.Values{"csrf": {tok}}, "tianning.json", bad); r.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(ad.last, "<code>calendar.workdays[0]</code>：") || strings.Contains(ad.last, "</code>：calendar.workdays[0]") {
		t.Errorf("a weekday as a workday: %d\n%s", r.StatusCode, ad.last)
	}
	// Made-up dates: this test's own, not the State Council's.
	p["calendar"] = map[string]any{"source": "测试用", "holidays": statutoryDays(year)}
	edited, _ := json.MarshalIndent(p, "", "  ")
	if r := ad.upload("/console/admin/profile/upload", url.Values{"csrf": {tok}}, "tianning (1).json", edited); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: %d\n%s", r.StatusCode, ad.last)
	}
	ad.get("/console/admin/profile")
	if strings.Contains(ad.last, "尚未载入") || !strings.Contains(ad.last, fmt.Sprintf("本配置补充或替换 %d 年", year)) {
		t.Errorf("after the upload:\n%s", ad.last)
	}
	// 切换 does not throw the uploaded file away on one click: nothing is
	// preselected, and replacing it takes a tick.
	if strings.Contains(ad.last, `value="tianning" selected`) || !strings.Contains(ad.last, "替换上传的规则文件") {
		t.Errorf("the switch form invites replacing the upload:\n%s", ad.last)
	}
	// The page says the profile in force is not the one this release
	// ships for the jurisdiction (an upload, or an earlier release's
	// built-in one, which an upgrade does not replace).
	const differs = "本程序内置的“常州市天宁区”规则与当前生效的不同"
	if !strings.Contains(ad.last, differs) {
		t.Errorf("the page does not say the built-in profile differs:\n%s", ad.last)
	}
	r = ad.post("/console/admin/profile", url.Values{"csrf": {tok}, "builtin": {"tianning"}})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(ad.last, "请勾选确认") {
		t.Fatalf("switch over the upload without the tick: %d", r.StatusCode)
	}
	ad.get("/console/admin/profile")
	if !strings.Contains(ad.last, fmt.Sprintf("本配置补充或替换 %d 年", year)) {
		t.Fatalf("the refused switch replaced the upload")
	}
	if r := ad.post("/console/admin/profile", url.Values{"csrf": {tok}, "builtin": {"tianning"}, "replace": {"1"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("switch with the tick: %d\n%s", r.StatusCode, ad.last)
	}
	ad.get("/console/admin/profile")
	if !strings.Contains(ad.last, "尚未载入") || strings.Contains(ad.last, "替换上传的规则文件") || strings.Contains(ad.last, differs) {
		t.Errorf("after replacing the upload with the built-in one: missing-year note %v, tick %v, differs %v", strings.Contains(ad.last, "尚未载入"),
			strings.Contains(ad.last, "替换上传的规则文件"), strings.Contains(ad.last, differs))
	}

	// A reviewer cannot download it.
	rv := fx.browser()
	rv.login("reviewer", http.StatusSeeOther)
	if r := rv.get("/console/admin/profile.json"); r.StatusCode != http.StatusForbidden {
		t.Errorf("reviewer download: %d", r.StatusCode)
	}
}

// TestConsoleAdminUnitsSearch: a city bureau has hundreds of units, added
// over years. The page lists them in pinyin order and finds them by words
// of the name or the code, and by state; the drop-downs of units elsewhere
// follow the same order.
func TestConsoleAdminUnitsSearch(t *testing.T) {
	fx := MustBureau(t)
	ctx := context.Background()
	zs, err := fx.srv.AddUnit(ctx, "中山街道办事处", creditCode(7000001))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fx.srv.AddUnit(ctx, "安乐乡人民政府", creditCode(7000002)); err != nil {
		t.Fatal(err)
	}
	if _, err := fx.srv.SetUnitDisabled(ctx, zs.ID, true); err != nil {
		t.Fatal(err)
	}
	ad := fx.browser()
	ad.login("admin", http.StatusSeeOther)
	ad.get("/console/admin/units")
	order := func(names ...string) bool {
		last := -1
		for _, n := range names {
			i := strings.Index(ad.last, "<td>"+n+"</td>")
			if i < last {
				return false
			}
			last = i
		}
		return true
	}
	if !order("安乐乡人民政府", "霍邱县城关镇人民政府", "霍邱县新店镇人民政府", "中山街道办事处") || !strings.Contains(ad.last, "共 4 个单位（其中 1 个已停用）") {
		t.Fatalf("the units are not in pinyin order:\n%s", ad.last)
	}
	for _, c := range []struct{ q, want, not string }{
		{"?q=" + url.QueryEscape("霍邱 新店"), "霍邱县新店镇人民政府", "霍邱县城关镇人民政府"},
		{"?q=" + creditCode(7000002)[8:], "安乐乡人民政府", "中山街道办事处"},
		{"?state=off", "中山街道办事处", "安乐乡人民政府"},
		{"?q=" + url.QueryEscape("街道") + "&state=on", "没有符合条件的单位", "<td>中山街道办事处</td>"},
	} {
		if r := ad.get("/console/admin/units" + c.q); r.StatusCode != http.StatusOK || !strings.Contains(ad.last, c.want) ||
			strings.Contains(ad.last, "<td>"+c.not+"</td>") || !strings.Contains(ad.last, "显示全部") {
			t.Errorf("search %s: %d\n%s", c.q, r.StatusCode, ad.last)
		}
	}
	if r := ad.get("/console/admin/units?q=%ff%fe"); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(ad.last, "无法识别的字符") ||
		!strings.Contains(ad.last, "<td>中山街道办事处</td>") {
		t.Errorf("a search that cannot be read: %d", r.StatusCode)
	}
	if r := ad.get("/console/admin/units?q=" + strings.Repeat("镇", 101)); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(ad.last, "不超过 100 个字") {
		t.Errorf("a search too long: %d", r.StatusCode)
	}
	// 停用 from a searched list asks, then comes back to that list.
	ad.get("/console/admin/units?q=" + url.QueryEscape("霍邱"))
	form := url.Values{"csrf": {ad.csrf()}, "disabled": {"1"}, "q": {"霍邱"}, "state": {""}}
	if r := ad.post("/console/admin/units/"+fx.unitB.ID+"/disable", form); r.StatusCode != http.StatusOK ||
		!strings.Contains(ad.last, `<input type="hidden" name="q" value="霍邱">`) || strings.Contains(ad.last, "<td>安乐乡人民政府</td>") ||
		!strings.Contains(ad.last, `href="/console/admin/units?q=`+url.QueryEscape("霍邱")+`">取消</a>`) {
		t.Fatalf("停用's question lost the search: %d\n%s", r.StatusCode, ad.last)
	}
	form.Set("confirm", "1")
	r := ad.post("/console/admin/units/"+fx.unitB.ID+"/disable", form)
	if loc := r.Header.Get("Location"); !strings.Contains(loc, "q="+url.QueryEscape("霍邱")) || !strings.Contains(loc, "done=unit-disabled") {
		t.Fatalf("停用 came back to %q", loc)
	}
	if ad.get(r.Header.Get("Location")); !strings.Contains(ad.last, "已停用“霍邱县新店镇人民政府”") || strings.Contains(ad.last, "<td>安乐乡人民政府</td>") {
		t.Errorf("the list after 停用:\n%s", ad.last)
	}
	ad.get("/console/notices")
	if i, j := strings.Index(ad.last, ">安乐乡人民政府<"), strings.Index(ad.last, ">霍邱县城关镇人民政府<"); i < 0 || j < i {
		t.Errorf("the notices' units are not in pinyin order")
	}
}

// TestConsoleAdminEntersHolidaysInAForm: the admin types a year's notice
// into the profile page's form, as the notice reads (1月1日, 10月1日至10月3日),
// instead of editing the profile's JSON. Every date that cannot be read is
// named at once, what the profile's check refuses is said by field, and
// the form keeps what was typed.
func TestConsoleAdminEntersHolidaysInAForm(t *testing.T) {
	fx := MustBureau(t)
	ad := fx.browser()
	ad.login("admin", http.StatusSeeOther)
	ad.get("/console/admin/profile")
	if strings.Contains(ad.last, `action="/console/admin/profile/calendar"`) {
		t.Error("the form is offered with no profile in force")
	}
	tok := ad.csrf()
	ad.post("/console/admin/profile", url.Values{"csrf": {tok}, "builtin": {"tianning"}})
	year := afterNationalYears(fx)
	if ad.get("/console/admin/profile"); !strings.Contains(ad.last, fmt.Sprintf(`name="year" value="%d"`, year)) {
		t.Errorf("the form does not offer the missing year %d", year)
	}
	post := func(source, holidays, workdays string) *http.Response {
		t.Helper()
		return ad.post("/console/admin/profile/calendar", url.Values{"csrf": {tok}, "year": {strconv.Itoa(year)},
			"source": {source}, "holidays": {holidays}, "workdays": {workdays}})
	}
	if r := post("", "1月1日、十月一日，13月1日", ""); r.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(ad.last, "“十月一日”不是日期") || !strings.Contains(ad.last, "“13月1日”不是日期") ||
		!strings.Contains(ad.last, "请填写通知名称和文号") || !strings.Contains(ad.last, "1月1日、十月一日，13月1日</textarea>") {
		t.Fatalf("dates that cannot be read: %d\n%s", r.StatusCode, ad.last)
	}
	wed := time.Date(year, 3, 1, 0, 0, 0, 0, time.UTC)
	for wed.Weekday() != time.Wednesday {
		wed = wed.AddDate(0, 0, 1)
	}
	const days = "1月1日\n5月1日，10月1日至10月3日"
	if r := post("测试用通知", days, wed.Format("1月2日")); r.StatusCode != http.StatusUnprocessableEntity ||
		!regexp.MustCompile(`name="workdays"[^>]*>[^<]*</textarea></label>\s*<p class="field-error">[^<]*调休上班日只能是周六或周日`).MatchString(ad.last) || strings.Contains(ad.last, "calendar.years") ||
		!strings.Contains(ad.last, `value="测试用通知"`) {
		t.Fatalf("a weekday as a workday: %d\n%s", r.StatusCode, ad.last)
	}
	// Bytes that are no text are said, not kept mended (the name went into
	// the profile as "\uFFFD").
	if r := post("\xff\xfe通知", days, ""); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(ad.last, "请重新输入") {
		t.Fatalf("a name of bytes FF FE: %d\n%s", r.StatusCode, ad.last)
	}
	r := post("测试用通知", days, "")
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("the year's notice: %d\n%s", r.StatusCode, ad.last)
	}
	ad.get(r.Header.Get("Location"))
	if strings.Contains(ad.last, "尚未载入") || !strings.Contains(ad.last, fmt.Sprintf("本配置补充或替换 %d 年", year)) || !strings.Contains(ad.last, "已补充节假日安排") {
		t.Errorf("after the form:\n%s", ad.last)
	}
	ad.get("/console/admin/profile.json")
	want := fmt.Sprintf(`"holidays": [
          "%[1]d-01-01",
          "%[1]d-05-01",
          "%[1]d-10-01",
          "%[1]d-10-02",
          "%[1]d-10-03"
        ]`, year)
	if !strings.Contains(ad.last, want) || !strings.Contains(ad.last, `"source": "测试用通知"`) {
		t.Errorf("the profile's calendar:\n%s", ad.last)
	}
	rv := fx.browser()
	rv.login("reviewer", http.StatusSeeOther)
	rv.get("/console/queue")
	if r := rv.post("/console/admin/profile/calendar", url.Values{"csrf": {rv.csrf()}, "year": {strconv.Itoa(year)}}); r.StatusCode != http.StatusForbidden {
		t.Errorf("a reviewer's calendar: %d", r.StatusCode)
	}
}

// Two admins entering two years' holidays at once keep both: the form
// reads the profile, changes it and writes it back, and each wrote the
// profile with its own year only.
func TestConsoleHolidaysFormsAtOnceKeepBoth(t *testing.T) {
	fx := MustBureau(t)
	ad := fx.browser()
	ad.login("admin", http.StatusSeeOther)
	ad.get("/console/admin/profile")
	tok := ad.csrf()
	ad.post("/console/admin/profile", url.Values{"csrf": {tok}, "builtin": {"tianning"}})
	years := []int{2031, 2032, 2033, 2034, 2035, 2036}
	var wg sync.WaitGroup
	codes := make([]int, len(years))
	for i, y := range years {
		wg.Add(1)
		go func() {
			defer wg.Done()
			form := url.Values{"csrf": {tok}, "year": {strconv.Itoa(y)}, "source": {"测试通知"}, "holidays": {"1月1日\n5月1日，10月1日至10月3日"}}
			req, _ := http.NewRequest("POST", fx.http.URL+"/console/admin/profile/calendar", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if resp, err := ad.c.Do(req); err == nil {
				codes[i] = resp.StatusCode
				resp.Body.Close()
			}
		}()
	}
	wg.Wait()
	ad.get("/console/admin/profile.json")
	for i, y := range years {
		if codes[i] != http.StatusSeeOther || !strings.Contains(ad.last, fmt.Sprintf(`"year": %d`, y)) {
			t.Errorf("%d: %d, kept %v", y, codes[i], strings.Contains(ad.last, fmt.Sprintf(`"year": %d`, y)))
		}
	}
}

// A year typed but out of range is told so, not "请填写年份" (found in a
// walkthrough: 1999 was filled in).
func TestConsoleCalendarYearOutOfRange(t *testing.T) {
	fx := MustBureau(t)
	ad := fx.browser()
	ad.login("admin", http.StatusSeeOther)
	ad.get("/console/admin/profile")
	tok := ad.csrf()
	ad.post("/console/admin/profile", url.Values{"csrf": {tok}, "builtin": {"tianning"}})
	r := ad.post("/console/admin/profile/calendar", url.Values{"csrf": {tok}, "year": {"1999"}, "source": {"测试用"}, "holidays": {"1月1日"}})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(ad.last, "年份应为 2000 至 2100 之间") || strings.Contains(ad.last, "请填写年份") {
		t.Errorf("year 1999: %d", r.StatusCode)
	}
	// one typed with an input method's full-width digits is read
	r = ad.post("/console/admin/profile/calendar", url.Values{"csrf": {tok}, "year": {"２０３１"}, "source": {"测试用"}, "holidays": {"1月1日\n5月1日，10月1日至10月3日"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("year ２０３１: %d\n%s", r.StatusCode, ad.last)
	}
	if ad.get("/console/admin/profile.json"); !strings.Contains(ad.last, `"year": 2031`) {
		t.Errorf("year ２０３１ was not kept")
	}
}
