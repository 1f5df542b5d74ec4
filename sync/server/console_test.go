package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"log/slog"
	"maps"
	"mime"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/netip"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"egovdesk/app"
	"egovdesk/app/apptest"
	"egovdesk/assets"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server"
)

// browser is a console user: a cookie jar that does not follow redirects.
type browser struct {
	tb   testing.TB
	fx   *fixture
	c    *http.Client
	last string // body of the last page
}

func (fx *fixture) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{tb: fx.tb, fx: fx, c: &http.Client{Jar: jar, Timeout: 20 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) send(req *http.Request) *http.Response {
	b.tb.Helper()
	resp, err := b.c.Do(req)
	if err != nil {
		b.tb.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	b.last = string(data)
	return resp
}

func (b *browser) get(path string) *http.Response {
	b.tb.Helper()
	req, _ := http.NewRequest("GET", b.fx.http.URL+path, nil)
	return b.send(req)
}

func (b *browser) post(path string, form url.Values, header ...string) *http.Response {
	b.tb.Helper()
	req, _ := http.NewRequest("POST", b.fx.http.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return b.send(req)
}

var csrfPattern = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf returns the CSRF token of the last page.
func (b *browser) csrf() string {
	b.tb.Helper()
	m := csrfPattern.FindStringSubmatch(b.last)
	if m == nil {
		b.tb.Fatalf("no csrf field in page:\n%s", b.last)
	}
	return m[1]
}

// login logs in through the form and expects status.
func (b *browser) login(login string, status int, header ...string) *http.Response {
	b.tb.Helper()
	b.get("/console/login")
	resp := b.post("/console/login", url.Values{"csrf": {b.csrf()}, "login": {login}, "password": {password}}, header...)
	if resp.StatusCode != status {
		b.tb.Fatalf("login %s: status %d, want %d:\n%s", login, resp.StatusCode, status, b.last)
	}
	return resp
}

func sessionCookieOf(resp *http.Response) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == "egovdesk_console" && c.Value != "" {
			return c
		}
	}
	return nil
}

// TestConsoleSessionsAndAPITokensApart (found from outside: they were
// interchangeable): a console session's token is refused on the API, so
// the console's idle logout cannot be escaped there, and an API token —
// a reviewer's 30-day login, a script's — is no console session.
func TestConsoleSessionsAndAPITokensApart(t *testing.T) {
	fx := MustBureau(t)
	b := fx.browser()
	session := sessionCookieOf(b.login("reviewer", http.StatusSeeOther))
	if session == nil {
		t.Fatal("no session cookie")
	}
	if r := b.get("/console/queue"); r.StatusCode != http.StatusOK {
		t.Fatalf("the session on the console: %d", r.StatusCode)
	}
	if r := fx.do("GET", protocol.PathReviewQueue, session.Value, nil); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("a console session's token on the API: %d, want 401", r.StatusCode)
	}
	for _, tok := range []string{fx.reviewer, fx.admin} {
		other := fx.browser()
		u, _ := url.Parse(fx.http.URL)
		other.c.Jar.SetCookies(u, []*http.Cookie{{Name: session.Name, Value: tok, Path: "/console/"}})
		r := other.get("/console/queue")
		if r.StatusCode == http.StatusOK || strings.Contains(other.last, "待审核") && !strings.Contains(other.last, `name="password"`) {
			t.Errorf("an API token as the console's cookie: %d\n%.300s", r.StatusCode, other.last)
		}
	}
	if r := fx.do("GET", protocol.PathReviewQueue, fx.reviewer, nil); r.StatusCode != http.StatusOK {
		t.Errorf("the API token on the API: %d", r.StatusCode)
	}
}

func TestConsoleLoginCookieAndHeaders(t *testing.T) {
	fx := MustBureau(t)
	b := fx.browser()
	if r := b.get("/console/queue"); r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/console/login") {
		t.Fatalf("queue without session: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	r := b.get("/console/login")
	csp := r.Header.Get("Content-Security-Policy")
	for _, want := range []string{"script-src 'self'", "frame-ancestors 'none'", "default-src 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-inline") || r.Header.Get("X-Frame-Options") != "DENY" || r.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("headers: CSP %q, XFO %q, nosniff %q", csp, r.Header.Get("X-Frame-Options"), r.Header.Get("X-Content-Type-Options"))
	}
	if strings.Contains(b.last, "<script") {
		t.Error("login page has a script")
	}

	// Without the form's token, no login even with the right password.
	r = b.post("/console/login", url.Values{"login": {"reviewer"}, "password": {password}})
	if r.StatusCode != http.StatusForbidden || sessionCookieOf(r) != nil {
		t.Fatalf("login without csrf: %d", r.StatusCode)
	}
	// A wrong password.
	b.get("/console/login")
	r = b.post("/console/login", url.Values{"csrf": {b.csrf()}, "login": {"reviewer"}, "password": {"wrong password"}})
	if r.StatusCode != http.StatusUnauthorized || !strings.Contains(b.last, "登录名或密码不正确") || !strings.Contains(b.last, "联系数管局的系统管理员重设") || sessionCookieOf(r) != nil {
		t.Fatalf("wrong password: %d\n%s", r.StatusCode, b.last)
	}

	r = b.login("reviewer", http.StatusSeeOther)
	ck := sessionCookieOf(r)
	if ck == nil || !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || ck.Secure || ck.Path != "/console/" {
		t.Fatalf("session cookie = %+v", ck)
	}
	if r.Header.Get("Location") != "/console/queue" {
		t.Errorf("after login to %q", r.Header.Get("Location"))
	}
	if r := b.get("/console/queue"); r.StatusCode != http.StatusOK || !strings.Contains(b.last, "王审核") {
		t.Fatalf("queue after login: %d", r.StatusCode)
	}

	// A client that is not a trusted proxy cannot claim TLS.
	b2 := fx.browser()
	if ck := sessionCookieOf(b2.login("admin", http.StatusSeeOther, "X-Forwarded-Proto", "https")); ck.Secure {
		t.Error("untrusted X-Forwarded-Proto made the cookie Secure")
	}

	// Logout needs the token, then ends the session.
	b.get("/console/queue")
	if r := b.post("/console/logout", url.Values{}); r.StatusCode != http.StatusForbidden {
		t.Errorf("logout without csrf: %d", r.StatusCode)
	}
	b.get("/console/queue")
	if r := b.post("/console/logout", url.Values{"csrf": {b.csrf()}}); r.StatusCode != http.StatusSeeOther {
		t.Errorf("logout: %d", r.StatusCode)
	}
	b.c.Jar.SetCookies(mustURL(fx.http.URL+"/console/"), []*http.Cookie{ck}) // the old cookie, replayed
	if r := b.get("/console/queue"); r.StatusCode != http.StatusSeeOther {
		t.Errorf("queue with a logged-out session: %d", r.StatusCode)
	}
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

func TestConsoleSecureBehindTrustedProxy(t *testing.T) {
	fx := MustBureau(t, func(c *server.Config) {
		c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("::1/128")}
	})
	b := fx.browser()
	b.get("/console/login")
	r := b.post("/console/login", url.Values{"csrf": {b.csrf()}, "login": {"reviewer"}, "password": {password}},
		"X-Forwarded-Proto", "https")
	if ck := sessionCookieOf(r); ck == nil || !ck.Secure {
		t.Fatalf("behind a trusted TLS proxy the cookie is not Secure: %+v", ck)
	}
}

func TestConsoleRefusesUnitAccounts(t *testing.T) {
	fx := MustBureau(t)
	b := fx.browser()
	r := b.login("clerk-a", http.StatusForbidden)
	if sessionCookieOf(r) != nil || !strings.Contains(b.last, "审核台仅供数管局") {
		t.Fatalf("clerk login: cookie %v\n%s", r.Cookies(), b.last)
	}
	// A clerk's API token in the console's cookie opens nothing.
	b.c.Jar.SetCookies(mustURL(fx.http.URL+"/console/"), []*http.Cookie{{Name: "egovdesk_console", Value: fx.clerkA, Path: "/console/"}})
	f := newFiling(t, fx.unitA.ID)
	fx.submit(fx.clerkA, f, http.StatusCreated)
	for _, p := range []string{"/console/queue", "/console/filings/" + f.ID} {
		if r := b.get(p); r.StatusCode != http.StatusSeeOther || strings.Contains(b.last, f.Declaration.ProjectName) {
			t.Errorf("%s with a clerk's token: %d", p, r.StatusCode)
		}
	}
}

// rows returns the filing links of a queue page, in order.
func rows(page string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`<a href="/console/filings/([0-9a-f-]{36})">`).FindAllStringSubmatch(page, -1) {
		out = append(out, m[1])
	}
	return out
}

var nextLink = regexp.MustCompile(`<a href="(/console/queue\?[^"]*after=[^"]*)">`)

var prevLink = regexp.MustCompile(`<a href="(/console/queue\?[^"]*)" rel="prev">`)

func TestConsoleQueuePagingAndFilters(t *testing.T) {
	fx := MustBureau(t, func(c *server.Config) {
		c.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	})
	var ids []string
	for i := range 55 {
		tok, unit := fx.clerkA, fx.unitA.ID
		if i%2 == 1 {
			tok, unit = fx.clerkB, fx.unitB.ID
		}
		f := newFiling(t, unit)
		f.Declaration.ProjectName = fmt.Sprintf("智慧城关第%02d期平台", i)
		fx.submit(tok, f, http.StatusCreated)
		ids = append(ids, f.ID)
		fx.clock.Advance(time.Hour)
	}
	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	b.get("/console/queue")
	first := rows(b.last)
	if len(first) != 50 || first[0] != ids[0] || first[49] != ids[49] {
		t.Fatalf("first page: %d rows", len(first))
	}
	m := nextLink.FindStringSubmatch(b.last)
	if m == nil {
		t.Fatal("no next page link")
	}
	b.get(strings.ReplaceAll(m[1], "&amp;", "&"))
	if second := rows(b.last); len(second) != 5 || second[0] != ids[50] || nextLink.MatchString(b.last) {
		t.Fatalf("second page: %v", second)
	}
	// 上一页 goes back, and the page says where it is.
	if !strings.Contains(b.last, "第 2 页") {
		t.Errorf("the second page does not say which it is")
	}
	follow := func(re *regexp.Regexp) {
		t.Helper()
		m := re.FindStringSubmatch(b.last)
		if m == nil {
			t.Fatalf("no link %s:\n%s", re, b.last)
		}
		b.get(strings.ReplaceAll(m[1], "&amp;", "&"))
	}
	follow(prevLink)
	if back := rows(b.last); len(back) != 50 || back[0] != ids[0] || prevLink.MatchString(b.last) || !strings.Contains(b.last, "第 1 页") {
		t.Fatalf("上一页 from the second page: %d rows", len(back))
	}

	check := func(query string, want int) []string {
		t.Helper()
		if r := b.get("/console/queue?" + query); r.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d %s", query, r.StatusCode, b.last)
		}
		got := rows(b.last)
		if len(got) != want {
			t.Errorf("%s: %d rows, want %d", query, len(got), want)
		}
		return got
	}
	check("unit="+fx.unitB.ID, 27)
	check("q="+url.QueryEscape("第07期"), 1)
	check("q="+url.QueryEscape("新店镇")+"&kind=declaration", 27)
	check("kind=catalogue", 0)
	check("year=2026", 0)
	check("year="+fmt.Sprint(newFiling(t, fx.unitA.ID).Declaration.PlanYear), 50)
	// typed with an input method's full-width digits, as a reviewer may
	wide := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r - '0' + '０'
			}
			return r
		}, s)
	}
	check("year="+url.QueryEscape(wide(fmt.Sprint(newFiling(t, fx.unitA.ID).Declaration.PlanYear))), 50)
	// The clock started on 2027-03-01 09:00 in the bureau's zone: 15 arrived that day.
	day := fx.clock.Now().Add(-55 * time.Hour).Format("2006-01-02")
	check("from="+day+"&to="+day, 15)
	check("from="+url.QueryEscape(wide(day))+"&to="+url.QueryEscape(wide(day)), 15)
	check("from="+day, 50)
	// A filter or a page position that cannot be read is named, and the
	// queue's counts stay.
	if r := b.get("/console/queue?year=abc"); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b.last, "计划年度应为四位年份") ||
		!strings.Contains(b.last, "全部 <b>55</b>") {
		t.Errorf("年度=abc: %d", r.StatusCode)
	} else if strings.Contains(b.last, "没有符合条件") || !strings.Contains(b.last, "未按上面无法使用的筛选条件列出材料") {
		// not "no filings match" under the refused filter (a walkthrough)
		t.Errorf("年度=abc: the table says there is nothing to list")
	}
	if r := b.get("/console/queue?after=bm90LWEtY3Vyc29y&n=2"); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b.last, "全部 <b>55</b>") {
		t.Errorf("a cursor that is not one: %d", r.StatusCode)
	}
	if r := b.get("/console/queue?from=2027-03-05&to=2027-03-01"); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b.last, "“到达自”的日期晚于“至”的日期") {
		t.Errorf("从 after 至: %d", r.StatusCode)
	}
	// A four-digit year out of range is not told to be four digits, and
	// two problems are told at once (a walkthrough).
	if r := b.get("/console/queue?year=1999&to=2027-13-01"); r.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(b.last, "计划年度 1999 不在 2000 至 2100 年之间；“至”的日期应写作 2027-03-01") || strings.Contains(b.last, "四位年份") {
		t.Errorf("year 1999 and a 13th month: %d", r.StatusCode)
	}
	if r := b.get("/console/queue?year=abc"); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b.last, "计划年度") {
		t.Errorf("bad year: %d", r.StatusCode)
	}

	// A decision moves the filing to the end (it reached a new step) and
	// changes its status.
	fx.decide(fx.reviewer, ids[3], app.ActionAccept, "", http.StatusOK)
	got := check("status=preliminary_review", 1)
	if got[0] != ids[3] {
		t.Errorf("preliminary = %v", got)
	}
	fx.decide(fx.reviewer, ids[4], app.ActionReject, "重复建设", http.StatusOK)
	check("status=submitted", 50)
	check("unit="+fx.unitA.ID, 27) // 28 of unit A, one rejected

	// Twenty days on, everything waiting is overdue but what came today.
	fx.clock.Advance(20 * 24 * time.Hour)
	late := newFiling(t, fx.unitA.ID)
	fx.submit(fx.clerkA, late, http.StatusCreated)
	if r := b.get("/console/queue"); r.StatusCode != http.StatusSeeOther {
		t.Errorf("a console session outlived its day: %d", r.StatusCode)
	}
	b.login("reviewer", http.StatusSeeOther)
	overdue := check("overdue=1", 50)
	if overdue[0] != ids[0] {
		t.Errorf("overdue starts with %s", overdue[0])
	}
	for _, id := range overdue {
		if id == late.ID {
			t.Error("today's filing marked overdue")
		}
	}
	if !strings.Contains(b.last, "超期") {
		t.Error("no overdue mark")
	}
	// Routes are the profile's, by each declaration's total, under the
	// profile of the day.
	check("route=approval", 0)
	prof, err := assets.Profiles.ReadFile("profiles/huoqiu.json")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fx.srv.SetProfile(context.Background(), "huoqiu", prof); err != nil {
		t.Fatal(err)
	}
	check("route=bundled_proposal", 50) // 180 万元 each: the first page
	check("route=approval", 0)
	if !strings.Contains(b.last, "500 万元（含）以上") {
		t.Error("the route filter does not offer the profile's routes")
	}

}

func TestConsoleDecisionIsTheAPIsDecision(t *testing.T) {
	fx := MustBureau(t)
	pdf := []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
	f := newFiling(t, fx.unitA.ID, pdf)
	fx.upload(fx.clerkA, pdf, 1<<20)
	fx.submit(fx.clerkA, f, http.StatusCreated)
	var before protocol.ChangesResponse
	fx.mustJSON("GET", protocol.PathChanges, fx.clerkA, nil, http.StatusOK, &before)

	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	page := "/console/filings/" + f.ID
	if r := b.get(page); r.StatusCode != http.StatusOK {
		t.Fatalf("filing page: %d %s", r.StatusCode, b.last)
	}
	for _, want := range []string{f.Declaration.ProjectName, "投资概算明细", "合计", "受理", "退回修改", "附件1.pdf", "办理记录"} {
		if !strings.Contains(b.last, want) {
			t.Errorf("filing page lacks %q", want)
		}
	}
	form := url.Values{"csrf": {b.csrf()}, "revision": {f.Revision.ID}, "transitions": {"1"}, "action": {"return"}}

	// Without the CSRF token nothing happens.
	noToken := url.Values{"revision": form["revision"], "transitions": {"1"}, "action": {"accept"}}
	if r := b.post(page+"/decision", noToken); r.StatusCode != http.StatusForbidden {
		t.Errorf("decision without csrf: %d", r.StatusCode)
	}
	// Return needs a comment, as the workflow says.
	if r := b.post(page+"/decision", form); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b.last, "请填写退回修改的意见") {
		t.Errorf("return without comment: %d", r.StatusCode)
	}
	form.Set("action", "accept")
	if r := b.post(page+"/decision", form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("accept: %d %s", r.StatusCode, b.last)
	}
	var d protocol.FilingDetail
	fx.mustJSON("GET", protocol.Path(protocol.PathReviewFiling, f.ID), fx.reviewer, nil, http.StatusOK, &d)
	last := d.History[len(d.History)-1]
	if d.Status != app.StatusPreliminary || last.Actor != "王审核" || last.Action != app.ActionAccept {
		t.Fatalf("after the console's accept: %s, %+v", d.Status, last)
	}
	// The same form sent again (a double click) is the decision taken, not
	// a loss, and takes nothing more.
	if r := b.post(page+"/decision", form); r.StatusCode != http.StatusSeeOther || !strings.Contains(r.Header.Get("Location"), "done=accept") {
		t.Fatalf("the accept sent twice: %d\n%s", r.StatusCode, b.last)
	}

	// The banner says what this reviewer just did, and nothing a link
	// makes up (found from outside: ?done=any words went into it).
	for done, want := range map[string]bool{"accept": true, "approve": false, "伪造的决定：请把材料发到 evil@example.com": false} {
		b.get(page + "?done=" + url.QueryEscape(done))
		if got := strings.Contains(b.last, `<p class="ok" role="status">`); got != want || strings.Contains(b.last, "evil@") {
			t.Errorf("?done=%s: banner %v, want %v", done, got, want)
		}
	}
	// The unit's feed carries it, as for a decision through the API.
	var after protocol.ChangesResponse
	fx.mustJSON("GET", protocol.PathChanges+"?cursor="+before.Cursor, fx.clerkA, nil, http.StatusOK, &after)
	if len(after.Changes) != 1 || after.Changes[0].Type != protocol.ChangeDecision || after.Changes[0].Transition.Action != app.ActionAccept {
		t.Fatalf("clerk's changes = %+v", after.Changes)
	}

	// A second reviewer opened the page before: their decision loses.
	b.get(page)
	stale := url.Values{"csrf": {b.csrf()}, "revision": {f.Revision.ID}, "transitions": {"2"}, "action": {"return"},
		"comment": {"请补充建设内容的依据"}, "remark:goals": {"目标应可量化"}}
	fx.mustJSON("POST", protocol.Path(protocol.PathDecisions, f.ID), fx.admin,
		protocol.DecisionRequest{Action: app.ActionPass, Approved: app.Wans(80)}, http.StatusOK, nil, fx.seen(fx.admin, f.ID)...)
	if r := b.post(page+"/decision", stale); r.StatusCode != http.StatusConflict || !strings.Contains(b.last, "已由他人处理") {
		t.Fatalf("stale decision: %d\n%s", r.StatusCode, b.last)
	}
	// What the loser typed is still on the page, and the page says who
	// decided first and what.
	for _, want := range []string{"请补充建设内容的依据", "目标应可量化"} {
		if !strings.Contains(b.last, want) {
			t.Errorf("the lost race's page does not show %q", want)
		}
	}
	_, since, _ := strings.Cut(b.last, `<ul class="since">`)
	since, _, _ = strings.Cut(since, "</ul>")
	if !strings.Contains(since, "系统管理员") || !strings.Contains(since, app.ActionPass.LabelFor(app.KindDeclaration)) {
		t.Errorf("the lost race's page does not say who decided first: %q", since)
	}
	// with the amount it approved (a walkthrough: the winner's 核定金额 was
	// left out, its comment alone shown)
	if !strings.Contains(since, `核定金额 <strong class="approved">80 万元</strong>`) {
		t.Errorf("the lost race's page does not say the amount approved first: %q", since)
	}
	fx.mustJSON("GET", protocol.Path(protocol.PathReviewFiling, f.ID), fx.reviewer, nil, http.StatusOK, &d)
	if d.Status != app.StatusExpert {
		t.Errorf("after the lost race: %s", d.Status)
	}

	// The PDF opens in the browser, never sniffed.
	r := b.get(page + "/attachments/" + sha(pdf))
	if r.StatusCode != http.StatusOK || r.Header.Get("Content-Type") != "application/pdf" || b.last != string(pdf) ||
		r.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.HasPrefix(r.Header.Get("Content-Disposition"), "inline;") ||
		!strings.Contains(r.Header.Get("Content-Disposition"), "filename*=utf-8''%E9%99%84") {
		t.Errorf("attachment: %d %v", r.StatusCode, r.Header)
	}
}

// TestConsolePrintsTheRevision: the filing page links the bureau's printed
// copy of the revision shown, and the link serves that PDF inline, with the
// verification code of the revision in its text.
func TestConsolePrintsTheRevision(t *testing.T) {
	fx := MustBureau(t)
	f := newFiling(t, fx.unitA.ID)
	fx.submit(fx.clerkA, f, http.StatusCreated)
	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	page := "/console/filings/" + f.ID
	link := page + "/revisions/1/pdf"
	if r := b.get(page); r.StatusCode != http.StatusOK || !strings.Contains(b.last, `href="`+link+`"`) {
		t.Fatalf("filing page (%d) has no link to %s", r.StatusCode, link)
	}
	r := b.get(link)
	if r.StatusCode != http.StatusOK || r.Header.Get("Content-Type") != "application/pdf" ||
		!strings.HasPrefix(r.Header.Get("Content-Disposition"), "inline;") || !strings.HasPrefix(b.last, "%PDF-") {
		t.Fatalf("printed copy: %d %v", r.StatusCode, r.Header)
	}
	// Named by the project, as the client names it ("项目申报书-第1版.pdf" was
	// every project's name).
	if _, params, err := mime.ParseMediaType(r.Header.Get("Content-Disposition")); err != nil ||
		params["filename"] != f.Declaration.ProjectName+"-第1版.pdf" {
		t.Errorf("printed copy's name: %q (%v)", params["filename"], err)
	}
	if r := b.get(page + "/revisions/9/pdf"); r.StatusCode != http.StatusNotFound {
		t.Errorf("a revision that does not exist: %d", r.StatusCode)
	}
	// A unit's clerk has no console session, so no printed copy either.
	if r := fx.browser().get(link); r.StatusCode == http.StatusOK {
		t.Errorf("printed copy without a session: %d", r.StatusCode)
	}
	if b.get(page); strings.Contains(b.last, "以前各版的打印件") {
		t.Errorf("a first revision offers earlier prints")
	}
	// Once revised, the revision returned is still printable as received:
	// the reviewer compares the paper the unit sent first.
	fx.decide(fx.reviewer, f.ID, app.ActionReturn, "请补充", http.StatusOK)
	next := *f
	next.Revision = app.Revision{ID: uuid.NewString(), Number: 2, BaseID: f.Revision.ID}
	fx.submit(fx.clerkA, &next, http.StatusCreated)
	b.get(page)
	if !strings.Contains(b.last, `以前各版的打印件：<a href="`+link+`" target="_blank" rel="noopener">第 1 版</a>`) ||
		!strings.Contains(b.last, `href="`+page+`/revisions/2/pdf"`) {
		t.Errorf("the revised filing's page does not offer the first revision's print:\n%s", b.last)
	}
	if r := b.get(link); r.StatusCode != http.StatusOK || !strings.Contains(r.Header.Get("Content-Disposition"), url.PathEscape("第1版")) &&
		!strings.Contains(r.Header.Get("Content-Disposition"), "第1版") {
		t.Errorf("the first revision's print: %d %v", r.StatusCode, r.Header)
	}
}

func TestConsoleAttachmentNotPDFIsDownloaded(t *testing.T) {
	fx := MustBureau(t)
	html := []byte("<html><script>alert(1)</script></html>")
	f := newFiling(t, fx.unitA.ID, html) // named .pdf, typed application/pdf
	fx.upload(fx.clerkA, html, 1<<20)
	fx.submit(fx.clerkA, f, http.StatusCreated)
	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	r := b.get("/console/filings/" + f.ID + "/attachments/" + sha(html))
	if r.StatusCode != http.StatusOK || r.Header.Get("Content-Type") != "application/octet-stream" ||
		!strings.HasPrefix(r.Header.Get("Content-Disposition"), "attachment;") || !strings.Contains(r.Header.Get("Content-Security-Policy"), "sandbox") {
		t.Errorf("non-PDF attachment: %d %v", r.StatusCode, r.Header)
	}
	if r := b.get("/console/filings/" + f.ID + "/attachments/" + strings.Repeat("0", 64)); r.StatusCode != http.StatusNotFound {
		t.Errorf("unknown attachment: %d", r.StatusCode)
	}
}

func TestConsoleShowsChangesSinceReturn(t *testing.T) {
	fx := MustBureau(t)
	f := newFiling(t, fx.unitA.ID)
	fx.submit(fx.clerkA, f, http.StatusCreated)
	fx.decide(fx.reviewer, f.ID, app.ActionReturn, "总投资请核实", http.StatusOK)
	next := *f
	decl := *f.Declaration
	next.Declaration = &decl
	next.Declaration.ProjectName += "（修订）"
	next.Revision = app.Revision{ID: uuid.NewString(), Number: 2, BaseID: f.Revision.ID}
	fx.submit(fx.clerkA, &next, http.StatusCreated)

	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	b.get("/console/filings/" + f.ID)
	if !strings.Contains(b.last, "与第 1 版相比的修改（1 处") || !strings.Contains(b.last, `<tr class="chg"><th>项目名称</th>`) {
		t.Errorf("no highlighted change:\n%s", b.last)
	}
	if !strings.Contains(b.last, "总投资请核实") {
		t.Error("history lacks the return's comment")
	}
	// The keyboard reaches the decision without 45 Tab stops of remark
	// boxes, from the page's first stop: after the header's 退出, one Enter
	// too early logged the reviewer out (a walkthrough).
	if i, j := strings.Index(b.last, `<a class="skip" href="#decide">跳到审核决定</a>`), strings.Index(b.last, `<textarea`); i < 0 || j >= 0 && i > j {
		t.Error("no 跳到审核决定 before the remark boxes")
	} else if k := strings.Index(b.last, `<header`); k >= 0 && i > k {
		t.Error("跳到审核决定 comes after the header's links")
	}
}

func TestConsoleIndexesAnOlderStore(t *testing.T) {
	fx := MustBureau(t)
	var ids []string
	for range 3 {
		f := newFiling(t, fx.unitA.ID)
		fx.submit(fx.clerkA, f, http.StatusCreated)
		ids = append(ids, f.ID)
		fx.clock.Advance(time.Minute)
	}
	fx.decide(fx.reviewer, ids[1], app.ActionFile, "", http.StatusOK) // out of the queue
	server.DropQueueIndex(t, fx.srv)
	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	b.get("/console/queue")
	if got := rows(b.last); len(got) != 2 || got[0] != ids[0] || got[1] != ids[2] {
		t.Fatalf("queue of a store without the index: %v, want %v and %v", got, ids[0], ids[2])
	}
}

func TestConsoleLoginThrottle(t *testing.T) {
	fx := MustBureau(t)
	b := fx.browser()
	for i := range 5 {
		b.get("/console/login")
		if r := b.post("/console/login", url.Values{"csrf": {b.csrf()}, "login": {"reviewer"}, "password": {"guess"}}); r.StatusCode != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d", i+1, r.StatusCode)
		}
	}
	b.get("/console/login")
	b.post("/console/login", url.Values{"csrf": {b.csrf()}, "login": {"reviewer"}, "password": {"guess"}})
	// Locked now: even the right password waits, through the console as through the API.
	b.get("/console/login")
	r := b.post("/console/login", url.Values{"csrf": {b.csrf()}, "login": {"reviewer"}, "password": {password}})
	if r.StatusCode != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" || !strings.Contains(b.last, "登录失败次数过多") {
		t.Fatalf("locked login: %d %q", r.StatusCode, r.Header.Get("Retry-After"))
	}
	fx.expectProblem("POST", protocol.PathLogin, "", protocol.LoginRequest{Login: "reviewer", Password: password},
		http.StatusTooManyRequests, app.ETOOMANY)
}

func TestConsoleLoginReturnsOnlyToConsolePages(t *testing.T) {
	fx := MustBureau(t)
	for next, want := range map[string]string{
		"/console/queue?kind=declaration": "/console/queue?kind=declaration",
		"https://evil.example/":           "/console/queue",
		"//evil.example/console/":         "/console/queue",
		"/console/\\evil":                 "/console/queue",
	} {
		b := fx.browser()
		b.get("/console/login?next=" + url.QueryEscape(next))
		r := b.post("/console/login", url.Values{"csrf": {b.csrf()}, "login": {"reviewer"}, "password": {password}, "next": {next}})
		if got := r.Header.Get("Location"); r.StatusCode != http.StatusSeeOther || got != want {
			t.Errorf("next %q: %d to %q, want %q", next, r.StatusCode, got, want)
		}
	}
}

func TestConsoleQueueCSV(t *testing.T) {
	fx := MustBureau(t)
	var first string
	for i := range 60 {
		f := newFiling(t, fx.unitA.ID)
		if i == 0 {
			first = f.ID
		}
		f.Declaration.ProjectName = fmt.Sprintf("平台%02d", i)
		if i == 7 {
			f.Declaration.ProjectName = "=HYPERLINK(\"http://evil\")平台"
		}
		if i == 30 { // full-width, which some spreadsheets read as "=" too (round 11)
			f.Declaration.ProjectName = "＝HYPERLINK(\"http://evil\")平台"
		}
		fx.submit(fx.clerkA, f, http.StatusCreated)
		fx.clock.Advance(time.Minute)
	}
	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	b.get("/console/queue")
	if !strings.Contains(b.last, `href="/console/queue.csv?"`) {
		t.Error("no export link")
	}
	r := b.get("/console/queue.csv")
	if r.StatusCode != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") ||
		!strings.HasPrefix(r.Header.Get("Content-Disposition"), "attachment;") {
		t.Fatalf("export: %d %v", r.StatusCode, r.Header)
	}
	lines := strings.Split(strings.TrimSpace(b.last), "\r\n")
	if len(lines) != 61 || !strings.HasPrefix(lines[0], "\ufeff材料名称,") || !strings.HasPrefix(lines[1], "平台00,项目申报书,霍邱县城关镇人民政府,2027,") {
		t.Fatalf("%d lines: %q", len(lines), lines[:2])
	}
	// The filing number, to find the filing again (the export had none).
	if !strings.HasSuffix(lines[0], ",材料编号") || !strings.HasSuffix(lines[1], ","+first) {
		t.Errorf("no filing number: %q", lines[:2])
	}
	if !strings.HasPrefix(lines[8], `"'=HYPERLINK(`) {
		t.Errorf("a formula cell: %q", lines[8])
	}
	if !strings.HasPrefix(lines[31], `"'＝HYPERLINK(`) {
		t.Errorf("a full-width formula cell: %q", lines[31])
	}
	b.get("/console/queue.csv?q=" + url.QueryEscape("平台0"))
	if n := len(strings.Split(strings.TrimSpace(b.last), "\r\n")); n != 10 {
		t.Errorf("filtered export: %d lines, want 10", n)
	}
}

func TestConsoleOverview(t *testing.T) {
	fx := MustBureau(t)
	// Nothing overdue: the 超期 tile is not red (a walkthrough saw a red 0).
	b0 := fx.browser()
	b0.login("reviewer", http.StatusSeeOther)
	b0.get("/console/overview")
	if !strings.Contains(b0.last, `<a class="tile" href="/console/queue?overdue=1&amp;scope=all"><strong>0</strong>超期`) {
		t.Errorf("the 超期 tile of nothing overdue:\n%s", b0.last)
	}
	var ids []string
	for i := range 5 {
		tok, unit := fx.clerkA, fx.unitA.ID
		if i >= 3 {
			tok, unit = fx.clerkB, fx.unitB.ID
		}
		f := newFiling(t, unit)
		fx.submit(tok, f, http.StatusCreated)
		ids = append(ids, f.ID)
	}
	fx.decide(fx.reviewer, ids[0], app.ActionAccept, "", http.StatusOK)
	fx.clock.Advance(20 * 24 * time.Hour) // all overdue …
	fx.clerkB = fx.login("clerk-b").Token
	fx.submit(fx.clerkB, newFiling(t, fx.unitB.ID), http.StatusCreated) // … but this one
	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	if r := b.get("/console/overview"); r.StatusCode != http.StatusOK {
		t.Fatalf("overview: %d", r.StatusCode)
	}
	page := regexp.MustCompile(`\s+`).ReplaceAllString(b.last, " ")
	for _, want := range []string{
		`<strong>6</strong>待审核`, `<strong>5</strong>已提交`, `<strong>1</strong>初审中/审核中`, `<a class="tile late" href="/console/queue?overdue=1&amp;scope=all"><strong>5</strong>超期`,
		// Unit A has 3 overdue, unit B 2 of 3: A first.
		`>` + fx.unitA.Name + `</a></td> <td class="num">3</td> <td class="num"><a href="/console/queue?unit=` + fx.unitA.ID + `&amp;overdue=1&amp;scope=all">3</a>`,
		`>` + fx.unitB.Name + `</a></td> <td class="num">3</td> <td class="num"><a href="/console/queue?unit=` + fx.unitB.ID + `&amp;overdue=1&amp;scope=all">2</a>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("overview lacks %s", want)
		}
	}
	if strings.Index(page, fx.unitA.Name) > strings.Index(page, fx.unitB.Name) {
		t.Error("the unit with more overdue filings is not first")
	}
}

// TestDecisionIfMatch: the API's decisions take the review detail's ETag in
// If-Match, the same check as the console's form.
func TestDecisionIfMatch(t *testing.T) {
	fx := MustBureau(t)
	f := newFiling(t, fx.unitA.ID)
	fx.submit(fx.clerkA, f, http.StatusCreated)
	r := fx.do("GET", protocol.Path(protocol.PathReviewFiling, f.ID), fx.reviewer, nil)
	tag := r.Header.Get("ETag")
	if tag != protocol.DecisionETag(f.Revision.ID, 1) {
		t.Fatalf("ETag %q", tag)
	}
	path := protocol.Path(protocol.PathDecisions, f.ID)
	fx.decide(fx.admin, f.ID, app.ActionAccept, "", http.StatusOK) // someone else first
	r = fx.do("POST", path, fx.reviewer, protocol.DecisionRequest{Action: app.ActionReturn, Comment: "请补充"}, "If-Match", tag)
	if r.StatusCode != http.StatusConflict || !strings.Contains(string(r.body), "已由他人处理") {
		t.Fatalf("stale If-Match: %d %s", r.StatusCode, r.body)
	}
	r = fx.do("POST", path, fx.reviewer, protocol.DecisionRequest{Action: app.ActionPass}, "If-Match", `"not a tag"`)
	if r.StatusCode != http.StatusBadRequest && r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("malformed If-Match: %d", r.StatusCode)
	}
	fresh := fx.do("GET", protocol.Path(protocol.PathReviewFiling, f.ID), fx.reviewer, nil).Header.Get("ETag")
	if r := fx.do("POST", path, fx.reviewer, protocol.DecisionRequest{Action: app.ActionPass}, "If-Match", fresh); r.StatusCode != http.StatusOK {
		t.Fatalf("fresh If-Match: %d %s", r.StatusCode, r.body)
	}
	// A unit's own view carries no decision ETag.
	if tag := fx.do("GET", protocol.Path(protocol.PathFiling, f.ID), fx.clerkA, nil).Header.Get("ETag"); tag != "" {
		t.Errorf("unit detail ETag %q", tag)
	}
}

// A notice over its limits (pasted: the boxes no longer cut it short
// without a word) is refused saying by how much, and comes back whole in
// boxes marked as refused.
func TestConsoleNoticeOverItsLimitsIsKept(t *testing.T) {
	fx := MustBureau(t)
	ad := fx.browser()
	ad.login("admin", http.StatusSeeOther)
	ad.get("/console/notices")
	if strings.Contains(ad.last, "maxlength") {
		t.Errorf("the notice form cuts what is pasted:\n%s", ad.last)
	}
	title, text := strings.Repeat("通", protocol.MaxNoticeTitle+3), strings.Repeat("知", protocol.MaxNoticeText+5)
	if r := ad.post("/console/notices", url.Values{"csrf": {ad.csrf()}, "title": {title}, "text": {text}, "confirm": {"1"}}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("a notice over its limits: %d", r.StatusCode)
	}
	for _, want := range []string{
		fmt.Sprintf("通知标题不能超过 %d 个字（现有 %d 个字，请删减 3 个字）", protocol.MaxNoticeTitle, protocol.MaxNoticeTitle+3),
		fmt.Sprintf("通知内容不能超过 %d 个字（现有 %d 个字，请删减 5 个字）", protocol.MaxNoticeText, protocol.MaxNoticeText+5),
		`<input name="title" value="` + title + `" required class="invalid" aria-invalid="true">`,
		`<textarea name="text" rows="8" required class="invalid" aria-invalid="true">` + text + `</textarea>`,
	} {
		if !strings.Contains(ad.last, want) {
			t.Errorf("the refused notice's page lacks %.120q", want)
		}
	}
}

func TestConsoleNotices(t *testing.T) {
	fx := MustBureau(t)
	var before protocol.ChangesResponse
	fx.mustJSON("GET", protocol.PathChanges, fx.clerkB, nil, http.StatusOK, &before)

	rv := fx.browser()
	rv.login("reviewer", http.StatusSeeOther)
	if r := rv.get("/console/notices"); r.StatusCode != http.StatusForbidden {
		t.Errorf("a reviewer opens the notice form: %d", r.StatusCode)
	}
	rv.get("/console/queue")
	if strings.Contains(rv.last, "发布通知") {
		t.Error("a reviewer is offered 发布通知")
	}
	if r := rv.post("/console/notices", url.Values{"csrf": {rv.csrf()}, "title": {"t"}, "text": {"x"}}); r.StatusCode != http.StatusForbidden {
		t.Errorf("a reviewer posts a notice: %d", r.StatusCode)
	}

	ad := fx.browser()
	ad.login("admin", http.StatusSeeOther)
	ad.get("/console/queue")
	if !strings.Contains(ad.last, `<a href="/console/notices">发布通知</a>`) {
		t.Error("an admin is not offered 发布通知")
	}
	ad.get("/console/notices")
	if r := ad.post("/console/notices", url.Values{"title": {"t"}, "text": {"x"}}); r.StatusCode != http.StatusForbidden {
		t.Errorf("notice without csrf: %d", r.StatusCode)
	}
	ad.get("/console/notices")
	if r := ad.post("/console/notices", url.Values{"csrf": {ad.csrf()}, "title": {""}, "text": {"x"}, "confirm": {"1"}}); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(ad.last, "请填写通知标题") {
		t.Errorf("notice without title: %d", r.StatusCode)
	}
	// 预览 first: who gets it and what they read; nothing is sent yet.
	form := url.Values{"csrf": {ad.csrf()}, "unit": {fx.unitB.ID}, "title": {"年度计划报送"}, "text": {"请于 3 月 31 日前报送。\n逾期不列入计划。"}}
	if r := ad.post("/console/notices", form); r.StatusCode != http.StatusOK || !strings.Contains(ad.last, "发送给：<strong>"+fx.unitB.Name+"</strong>") ||
		!strings.Contains(ad.last, "确认发送") || !strings.Contains(ad.last, `<p class="text">请于 3 月 31 日前报送。`) {
		t.Fatalf("preview: %d\n%s", r.StatusCode, ad.last)
	}
	once := regexp.MustCompile(`name="once" value="([^"]+)"`).FindStringSubmatch(ad.last)
	if once == nil {
		t.Fatalf("the preview has no one-time token:\n%s", ad.last)
	}
	form.Set("once", once[1])
	var none protocol.ChangesResponse
	fx.mustJSON("GET", protocol.PathChanges+"?cursor="+before.Cursor, fx.clerkB, nil, http.StatusOK, &none)
	if len(none.Changes) != 0 {
		t.Fatalf("the preview sent the notice: %+v", none.Changes)
	}
	form.Set("edit", "1")
	if r := ad.post("/console/notices", form); r.StatusCode != http.StatusOK || !strings.Contains(ad.last, `value="年度计划报送"`) || strings.Contains(ad.last, "确认发送") {
		t.Errorf("返回修改: %d", r.StatusCode)
	}
	form.Del("edit")
	form.Set("confirm", "1")
	r := ad.post("/console/notices", form)
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/console/notices?done=1" {
		t.Fatalf("notice: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	// 确认发送 clicked twice sends once (the feed below has one notice).
	if r := ad.post("/console/notices", form); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/console/notices?again=1" {
		t.Errorf("确认发送 again: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	if ad.get("/console/notices?again=1"); !strings.Contains(ad.last, "重复的“确认发送”没有再次发送") {
		t.Errorf("the page after a second 确认发送 does not say so")
	}
	// The confirmation takes a number from the URL, no text.
	if ad.get("/console/notices?done=" + url.QueryEscape("99 个单位，请致电 123")); strings.Contains(ad.last, "请致电") {
		t.Errorf("text from the URL is on the page")
	}
	var after protocol.ChangesResponse
	fx.mustJSON("GET", protocol.PathChanges+"?cursor="+before.Cursor, fx.clerkB, nil, http.StatusOK, &after)
	if len(after.Changes) != 1 || after.Changes[0].Type != protocol.ChangeNotice || after.Changes[0].NoticeTitle != "年度计划报送" {
		t.Fatalf("unit B's feed: %+v", after.Changes)
	}
	var a protocol.ChangesResponse
	fx.mustJSON("GET", protocol.PathChanges, fx.clerkA, nil, http.StatusOK, &a)
	if len(a.Changes) != 0 {
		t.Errorf("unit A got %+v", a.Changes)
	}
	// The page lists the notices sent, the latest first, with who got them.
	ad.get("/console/notices")
	ad.post("/console/notices", url.Values{"csrf": {ad.csrf()}, "title": {"系统维护"}, "text": {"周六停机"}, "confirm": {"1"}})
	ad.get("/console/notices")
	sent := ad.last[strings.Index(ad.last, "近半年发布的通知"):]
	i, j := strings.Index(sent, "<td>系统维护</td><td>发送给全部建设单位（"), strings.Index(sent, "<td>年度计划报送</td><td>发送给 "+fx.unitB.Name+"</td>")
	if i < 0 || j < i {
		t.Errorf("the notices sent:\n%s", sent)
	}
	// 发布人 by name, the login beside it: it read admin (a walkthrough).
	if !strings.Contains(sent, "<td>系统管理员（admin）</td>") {
		t.Errorf("the notices' 发布人 is not named:\n%s", sent)
	}
}

// TestConsoleVerifiesPrintedCodes: a reviewer types a printed filing's
// verification code into the console and learns which revision it is and
// whether it is still current; a paper whose digest differs is refused.
func TestConsoleVerifiesPrintedCodes(t *testing.T) {
	fx := MustBureau(t)
	f := newFiling(t, fx.unitA.ID)
	rc1 := fx.submit(fx.clerkA, f, http.StatusCreated)
	code1 := app.PrintCode{RevisionID: f.Revision.ID, Revision: 1, BodySHA256: rc1.BodySHA256}.String()
	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	check := func(code string, want ...string) {
		t.Helper()
		if r := b.get("/console/verify?code=" + url.QueryEscape(code)); r.StatusCode != http.StatusOK {
			t.Fatalf("verify %s: %d", code, r.StatusCode)
		}
		for _, w := range want {
			if !strings.Contains(b.last, w) {
				t.Errorf("verify %s: the page lacks %q", code, w)
			}
		}
	}
	check(code1, "核验通过", "第 1 版", f.Declaration.ProjectName, fx.unitA.Name, "/console/filings/"+f.ID)

	fx.decide(fx.reviewer, f.ID, app.ActionReturn, "请补充绩效指标", http.StatusOK)
	f.Revision.SubmittedAt = time.Now()
	f.Status = app.StatusReturned
	if err := f.Revise(uuid.NewString(), time.Now()); err != nil {
		t.Fatal(err)
	}
	f.Declaration.Indicators = "事件按时办结率不低于 95%"
	fx.submit(fx.clerkA, f, http.StatusCreated)
	check(code1, "不是现行版本", "现为第 2 版")

	altered, _ := app.ParsePrintCode(code1)
	altered.BodySHA256 = "000000000000"
	check(altered.String(), "正文摘要不符")
	check("nonsense", "核验码")
	if strings.Contains(b.last, "核验通过") {
		t.Error("a malformed code verified")
	}
	// A revision still waiting for its attachments is stored, not received:
	// it verified as 核验通过 … 现行版本 while the filing read 草稿.
	g := newFiling(t, fx.unitA.ID, []byte("%PDF-1.4 未上传的附件"))
	rc := fx.submit(fx.clerkA, g, http.StatusCreated)
	if rc.Status != protocol.ReceiptAwaitingAttachments {
		t.Fatalf("the revision is not waiting: %+v", rc)
	}
	check(app.PrintCode{RevisionID: g.Revision.ID, Revision: 1, BodySHA256: rc.BodySHA256}.String(), "尚未全部上传")
	if strings.Contains(b.last, "核验通过") {
		t.Error("a revision waiting for its attachments verified")
	}
	// A revision the unit withdrew is the head still, but not under
	// review: the paper is not what the bureau goes on with.
	h := newFiling(t, fx.unitA.ID)
	rch := fx.submit(fx.clerkA, h, http.StatusCreated)
	fx.mustJSON("POST", protocol.Path(protocol.PathWithdrawal, h.ID), fx.clerkA, protocol.WithdrawRequest{RevisionID: h.Revision.ID}, http.StatusOK, nil)
	check(app.PrintCode{RevisionID: h.Revision.ID, Revision: 1, BodySHA256: rch.BodySHA256}.String(), "已由建设单位撤回")
	if strings.Contains(b.last, "核验通过") {
		t.Error("a withdrawn revision verified as current")
	}
}

// The time limits count working days; a year whose holidays nobody has
// entered counts Monday to Friday. The bureau's log and the queue say so
// (from December of the year before), and the queue stops saying so once
// the admin's profile enters the year.
func TestConsoleQueueSaysWhenAYearsHolidaysAreMissing(t *testing.T) {
	var logs safeBuffer
	fx := MustBureau(t, func(c *server.Config) { c.Logger = slog.New(slog.NewTextHandler(&logs, nil)) })
	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	year := afterNationalYears(fx)
	// Serving logs it (the fixture serves through httptest; an admin
	// command, which opens the bureau without serving, does not).
	if strings.Contains(logs.String(), "holidays of these years are not loaded") {
		t.Errorf("opening the bureau logged the missing year; only serving should")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- fx.srv.Serve(ctx, ln) }()
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(logs.String(), "holidays of these years") && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	stop()
	<-served
	if fx.clock.Now().In(app.Beijing).Year() == year && !strings.Contains(logs.String(), fmt.Sprintf("holidays of these years are not loaded: working-day time limits count Monday to Friday until the profile's calendar lists them (docs/bureau.md)\" years=[%d]", year)) {
		t.Errorf("the bureau's start does not log the missing %d:\n%s", year, logs.String())
	}
	b.get("/console/queue")
	if !strings.Contains(b.last, fmt.Sprintf("%d 年的法定节假日安排尚未载入", year)) {
		t.Fatalf("no note of the missing %d:\n%s", year, b.last)
	}
	// The reviewer, who cannot enter them, reads it in a quiet line; the
	// admin, who can, the whole warning with where to do it.
	if strings.Contains(b.last, `class="warn calendar"`) || strings.Contains(b.last, "请管理员") {
		t.Errorf("the reviewer's queue carries the admin's warning")
	}
	ad := fx.browser()
	ad.login("admin", http.StatusSeeOther)
	ad.get("/console/queue")
	if !strings.Contains(ad.last, `class="warn calendar"`) || !strings.Contains(ad.last, fmt.Sprintf("尚未载入 %d 年的法定节假日安排", year)) {
		t.Errorf("the admin's queue lacks the warning of the missing %d", year)
	}

	var p map[string]any
	data, err := assets.Profiles.ReadFile("profiles/huoqiu.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &p); err != nil {
		t.Fatal(err)
	}
	// Made-up dates: this test's own, not the State Council's.
	p["calendar"] = map[string]any{"source": "测试用", "holidays": statutoryDays(year, year+1)}
	data, _ = json.Marshal(p)
	if _, err := fx.srv.SetProfile(context.Background(), "huoqiu.json", data); err != nil {
		t.Fatal(err)
	}
	b.get("/console/queue")
	if strings.Contains(b.last, "法定节假日安排") {
		t.Errorf("the profile enters %d, the note stays", year)
	}
}

// afterNationalYears moves fx's clock, when it is earlier, into the first
// year the national schedule lacks (the test clock starts on 2027-03-01)
// and returns that year.
func afterNationalYears(fx *fixture) int {
	years := app.NationalYears()
	year := years[len(years)-1] + 1
	if d := time.Date(year, 1, 10, 9, 0, 0, 0, app.Beijing).Sub(fx.clock.Now()); d > 0 {
		fx.clock.Advance(d)
	}
	return year
}

// "10 个工作日内" includes the 10th working day: a filing that arrived on
// Monday 2027-03-01 shows 办理期限 2027-03-15 and is not overdue on that
// day (it was, from its midnight); it is from 03-16.
func TestConsoleOverdueFromTheDayAfterTheLimit(t *testing.T) {
	fx := MustBureau(t)
	start := fx.clock.Now().In(app.Beijing)
	if start.Format("2006-01-02") != "2027-03-01" || (&app.Calendar{}).Covers(2027) {
		t.Fatalf("the test counts weekdays of March 2027 from the fixture's 2027-03-01: clock %v", start)
	}
	f := newFiling(t, fx.unitA.ID)
	fx.submit(fx.clerkA, f, http.StatusCreated)
	b := fx.browser()
	for _, tc := range []struct {
		at   time.Time
		late bool
	}{
		{time.Date(2027, 3, 15, 17, 30, 0, 0, app.Beijing), false},
		{time.Date(2027, 3, 16, 0, 30, 0, 0, app.Beijing), true},
	} {
		fx.clock.Advance(tc.at.Sub(fx.clock.Now()))
		b.login("reviewer", http.StatusSeeOther)
		b.get("/console/queue?overdue=1")
		if got := len(rows(b.last)); got != map[bool]int{false: 0, true: 1}[tc.late] {
			t.Errorf("%v: %d overdue", tc.at, got)
		}
		b.get("/console/queue")
		if !strings.Contains(b.last, "2027-03-15") || strings.Contains(b.last, "超期</span>") != tc.late {
			t.Errorf("%v: the row shows the limit 2027-03-15 and 超期 %v:\n%s", tc.at, tc.late, b.last)
		}
	}
}

// A revision answering a return shows that return's field remarks: listed
// with whether each field changed since, and under each field. A remark
// the unit left unanswered was seen only by reading the history.
func TestConsoleShowsTheRemarksARevisionAnswers(t *testing.T) {
	fx := MustBureau(t)
	f := newFiling(t, fx.unitA.ID)
	fx.submit(fx.clerkA, f, http.StatusCreated)
	var resp protocol.DecisionResponse
	fx.mustJSON("POST", protocol.Path(protocol.PathDecisions, f.ID), fx.reviewer, protocol.DecisionRequest{Action: app.ActionReturn,
		Comment: "请按意见修改", Remarks: map[string]string{"goals": "目标应可量化", "total_investment": "请核对总投资", "period_start": "建设周期不宜跨年"}},
		http.StatusOK, &resp, fx.seen(fx.reviewer, f.ID)...)
	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	b.get("/console/filings/" + f.ID)
	if strings.Contains(b.last, "退回时的逐项意见") {
		t.Fatal("the returned revision itself lists the remarks as answered")
	}
	f.Revision.SubmittedAt = time.Now()
	f.Status = app.StatusReturned
	if err := f.Revise(uuid.NewString(), time.Now()); err != nil {
		t.Fatal(err)
	}
	f.Declaration.Goals = "社区事件按时办结率不低于 95%"
	// The remark on 建设周期 is on its row, the start's path: the unit
	// answered it by moving the end (a reviewer's walkthrough saw 未修改,
	// under 试运行开始, for a trial report's period answered so).
	f.Declaration.PeriodEnd = "2027-11"
	fx.submit(fx.clerkA, f, http.StatusCreated)
	b.get("/console/filings/" + f.ID)
	_, card, _ := strings.Cut(b.last, "第 1 版退回时的逐项意见（3 条")
	card, _, _ = strings.Cut(card, "</section>")
	for _, want := range []string{"建设目标</td><td>目标应可量化</td><td>已修改", "总投资概算</td><td>请核对总投资</td><td><span class=\"bad\">未修改",
		"建设周期</td><td>建设周期不宜跨年</td><td>已修改"} {
		if !strings.Contains(card, want) {
			t.Errorf("the remarks card lacks %q:\n%s", want, card)
		}
	}
	if !strings.Contains(b.last, `<div class="earlier">上次退回意见：请核对总投资</div>`) {
		t.Error("the remark is not shown at its field")
	}
}

// After a decision the page leads on: 下一件待审核 opens the next filing
// waiting, and the queue when none is left.
func TestConsoleLeadsToTheNextFiling(t *testing.T) {
	fx := MustBureau(t)
	first, second := newFiling(t, fx.unitA.ID), newFiling(t, fx.unitA.ID)
	fx.submit(fx.clerkA, first, http.StatusCreated)
	fx.submit(fx.clerkA, second, http.StatusCreated)
	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	fx.decide(fx.reviewer, first.ID, app.ActionAccept, "", http.StatusOK)
	b.get("/console/filings/" + first.ID + "?done=accept")
	link := "/console/next?from=" + first.ID
	if !strings.Contains(b.last, `href="`+link+`"`) {
		t.Fatalf("no way on after the decision")
	}
	// The first is still waiting (at the next step): the next is another.
	r := b.get(link)
	if loc := r.Header.Get("Location"); r.StatusCode != http.StatusSeeOther || loc != "/console/filings/"+second.ID && loc != "/console/filings/"+first.ID {
		t.Fatalf("next: %d %s", r.StatusCode, loc)
	}
	if loc := r.Header.Get("Location"); loc == "/console/filings/"+first.ID {
		t.Errorf("next leads back to the filing just decided")
	}
	fx.decide(fx.reviewer, second.ID, app.ActionReturn, "请补充", http.StatusOK)
	fx.decide(fx.reviewer, first.ID, app.ActionReturn, "请补充", http.StatusOK)
	if r := b.get("/console/next?from=" + second.ID); r.Header.Get("Location") != "/console/queue" {
		t.Errorf("with nothing left: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
}

// A catalogue's page shows what the clerk filed for each resource: its
// items with their type, length and own share type (an item not shared
// stood out nowhere), the share mode, the provider.
func TestConsoleCatalogueShowsItsItems(t *testing.T) {
	fx := MustBureau(t)
	f, err := app.NewFiling(app.KindCatalogue, uuid.NewString(), uuid.NewString(), fx.unitB.ID, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	f.Catalogue = apptest.Catalogue()
	e := &f.Catalogue.Entries[0]
	e.Items[2].ShareType, e.Items[2].ShareBasis = app.ShareNone, "《中华人民共和国个人信息保护法》第十三条"
	f.Catalogue.Negatives = append(f.Catalogue.Negatives, app.Negative{ResourceCode: e.Code(), Items: []string{e.Items[2].Name},
		Category: app.NegativeNoShare, Basis: "《中华人民共和国个人信息保护法》第十三条", Alternative: "提供核验接口", ReviewDate: "2028-12-31"})
	f.Catalogue.Demands = []app.Demand{{ResourceName: "企业登记信息", Provider: "霍邱县市场监督管理局", Usage: app.UsageAPI,
		Frequency: app.UpdateDaily, Basis: "《优化营商环境条例》第三十七条", Scenario: "社区个体工商户帮办代办"}}
	fx.submit(fx.clerkB, f, http.StatusCreated)
	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	b.get("/console/filings/" + f.ID)
	for _, want := range []string{"信息项（3）", "<th>频度</th>", "<td>每日</td>", e.Items[0].Name, app.LabelOf(app.DataTypeChoices, string(e.Items[0].DataType)),
		"<td>32</td>", "<strong>不予共享</strong>（依据：《中华人民共和国个人信息保护法》第十三条）", "同资源",
		app.LabelOf(app.ShareModeClassChoices, string(e.ShareModeClass)), "提供方：" + e.ProviderName,
		// a date is not broken at its hyphen in a narrow column (2028-12-/31 in a walkthrough)
		`<td class="when">2028-12-31</td>`} {
		if !strings.Contains(b.last, want) {
			t.Errorf("the catalogue page lacks %q", want)
		}
	}
}

// Three pages forward and two back: each 上一页 shows the page it left,
// numbered, and a filter is kept along the way.
func TestConsoleQueueGoesBackPageByPage(t *testing.T) {
	fx := MustBureau(t, func(c *server.Config) {
		c.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	})
	for i := range 120 {
		f := newFiling(t, fx.unitA.ID)
		f.Declaration.ProjectName = fmt.Sprintf("智慧城关第%03d期平台", i)
		fx.submit(fx.clerkA, f, http.StatusCreated)
		fx.clock.Advance(time.Minute)
	}
	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	b.get("/console/queue?kind=declaration")
	var pages [][]string
	for range 3 {
		pages = append(pages, rows(b.last))
		if m := nextLink.FindStringSubmatch(b.last); m != nil {
			b.get(strings.ReplaceAll(m[1], "&amp;", "&"))
		}
	}
	if len(pages[2]) != 20 || !strings.Contains(b.last, "第 3 页") {
		t.Fatalf("third page: %d rows\n%s", len(pages[2]), b.last[strings.Index(b.last, `class="pager"`):])
	}
	for want := 1; want >= 0; want-- {
		m := prevLink.FindStringSubmatch(b.last)
		if m == nil {
			t.Fatalf("no 上一页 on page %d", want+2)
		}
		link := strings.ReplaceAll(m[1], "&amp;", "&")
		if !strings.Contains(link, "kind=declaration") {
			t.Errorf("上一页 drops the filter: %s", link)
		}
		b.get(link)
		if got := rows(b.last); !slices.Equal(got, pages[want]) || !strings.Contains(b.last, fmt.Sprintf("第 %d 页", want+1)) {
			t.Fatalf("上一页 to page %d: %d rows", want+1, len(got))
		}
	}
	// A page that cannot be read (tried over a socket: a made-up cursor
	// with 3,000 bytes of made-up history) offers only 第一页, echoing none of it.
	junk := strings.Repeat("a", 3000)
	if r := b.get("/console/queue?after=" + strings.Repeat("b", 400) + "&back=" + junk + "&n=2"); r.StatusCode != http.StatusUnprocessableEntity ||
		prevLink.MatchString(b.last) || strings.Contains(b.last, junk[:400]) || !strings.Contains(b.last, `<a href="/console/queue">« 第一页</a>`) {
		t.Errorf("a page that cannot be read: %d", r.StatusCode)
	}
}

// A budget line added in a revision is one change, its values side by
// side, not four; a line taken out likewise; a changed amount stays a
// change of its own.
func TestConsoleShowsARowAddedAsOneChange(t *testing.T) {
	fx := MustBureau(t)
	f := newFiling(t, fx.unitA.ID)
	fx.submit(fx.clerkA, f, http.StatusCreated)
	fx.decide(fx.reviewer, f.ID, app.ActionReturn, "概算请细化", http.StatusOK)
	next := *f
	decl := *f.Declaration
	next.Declaration = &decl
	budget := append(slices.Clone(decl.Budget), app.BudgetItem{Category: app.BudgetHardware, Name: "移动巡查终端", Amount: app.Wans(6), Basis: "询价"})
	budget[0].Amount -= app.Wans(6) // the total stays
	next.Declaration.Budget = budget
	next.Revision = app.Revision{ID: uuid.NewString(), Number: 2, BaseID: f.Revision.ID}
	fx.submit(fx.clerkA, &next, http.StatusCreated)

	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	b.get("/console/filings/" + f.ID)
	i := strings.Index(b.last, "与第 1 版相比的修改")
	if i < 0 {
		t.Fatalf("no changes:\n%s", b.last)
	}
	changes := b.last[i : strings.Index(b.last[i:], "</table>")+i]
	n := len(budget) - 1
	if got := strings.Count(changes, "<td title="); got != 2 || !strings.Contains(changes, fmt.Sprintf("投资概算明细 第 %d 行（新增）</td>", n+1)) ||
		!strings.Contains(changes, "移动巡查终端") || !strings.Contains(changes, "询价") {
		t.Errorf("changes (%d rows):\n%s", got, changes)
	}
}

// The declaration's page shows the unit's type, which decides the route
// in some regions (武汉 第九条), and leaves an annual O&M cost not given
// blank rather than "0".
func TestConsoleShowsTheUnitType(t *testing.T) {
	fx := MustBureau(t)
	f := newFiling(t, fx.unitA.ID)
	f.Declaration.UnitType, f.Declaration.OMAnnual = app.UnitSchool, 0
	fx.submit(fx.clerkA, f, http.StatusCreated)
	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	b.get("/console/filings/" + f.ID)
	if !strings.Contains(b.last, "<th>建设单位类型</th><td>学校") {
		t.Errorf("no unit type:\n%s", b.last)
	}
	// The comment's limit is said; the box does not cut a longer paste
	// short without a word (TestConsoleTakesADecisionAtItsLimits).
	if !strings.Contains(b.last, fmt.Sprintf("（不超过 %d 字）", protocol.MaxComment)) ||
		regexp.MustCompile(`<textarea name="comment"[^>]*maxlength`).MatchString(b.last) ||
		!strings.Contains(b.last, fmt.Sprintf("每项不超过 %d 字", app.MaxRemarkText)) {
		t.Errorf("the decision form does not state its limits")
	}
	if !strings.Contains(b.last, "<th>年运行维护经费（万元）</th><td></td>") && !strings.Contains(b.last, "<th>年运行维护经费（万元）</th><td><") {
		t.Errorf("an O&M cost not given does not read blank:\n%s", b.last)
	}
}

// TestConsoleSteppedCountsAreNotLinks: in a flow of review steps a
// department's queue holds only what waits at its steps, while the counts
// are the whole queue's; a chip "待审核 2" led to an empty list. The counts
// are said once, as global, and lead nowhere.
func TestConsoleSteppedCountsAreNotLinks(t *testing.T) {
	fx := MustBureau(t)
	f := newFiling(t, fx.unitA.ID)
	fx.submit(fx.clerkA, f, http.StatusCreated)
	stepAccounts(t, fx)
	b := fx.browser()
	b.login("finance", http.StatusSeeOther)
	b.get("/console/queue")
	if strings.Contains(b.last, `href="/console/queue?status=`) || strings.Contains(b.last, `href="/console/queue?kind=`) ||
		!strings.Contains(b.last, "全局（含其他步骤）共 1 件：") {
		t.Errorf("a department's queue offers the global counts as links:\n%s", b.last)
	}
}

// TestConsoleTakesADecisionAtItsLimits: a return with a comment of
// protocol.MaxComment Chinese characters and remarks near app.MaxRemarkText
// is taken. The browser sends each character as 9 bytes, and the 64 KB of
// other forms refused such a return with everything typed lost (found from
// outside); what is over the form's limit is refused saying the limit in KB.
func TestConsoleTakesADecisionAtItsLimits(t *testing.T) {
	fx := MustBureau(t)
	f, b, page := fx.reviewerOpens(t)
	form := url.Values{"csrf": {b.csrf()}, "revision": {f.Revision.ID}, "transitions": {"1"}, "action": {"return"},
		"comment": {strings.Repeat("请", protocol.MaxComment)}}
	for _, field := range []string{"goals", "content", "project_name", "current_state", "plan_basis", "indicators", "om_plan", "contact.phone"} {
		form.Set("remark:"+field, strings.Repeat("改", app.MaxRemarkText-50))
	}
	// A comment over its limit (pasted: the box has no maxlength to cut it
	// short without a word) says by how much: it said only 不能超过 4000
	// 个字; and it comes back whole, in a box marked as refused.
	tooLong := strings.Repeat("请", protocol.MaxComment+12)
	over := url.Values{"csrf": {b.csrf()}, "revision": {f.Revision.ID}, "transitions": {"1"}, "action": {"return"},
		"comment": {tooLong}}
	if r := b.post(page+"/decision", over); r.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(b.last, fmt.Sprintf("意见不能超过 %d 个字（现有 %d 个字，请删减 12 个字）", protocol.MaxComment, protocol.MaxComment+12)) {
		t.Errorf("a comment 12 characters over: %d", r.StatusCode)
	}
	if box := regexp.MustCompile(`<textarea name="comment"([^>]*)>([^<]*)</textarea>`).FindStringSubmatch(b.last); box == nil ||
		box[2] != tooLong || !strings.Contains(box[1], `class="invalid" aria-invalid="true"`) || strings.Contains(box[1], "maxlength") {
		t.Errorf("the refused comment's box: %.300q", box)
	}
	if n := len(form.Encode()); n <= 64<<10 {
		t.Fatalf("the form is %d bytes: it tests nothing", n)
	}
	if r := b.post(page+"/decision", form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("a return at the limits: %d\n%s", r.StatusCode, b.last)
	}
	var d protocol.FilingDetail
	fx.mustJSON("GET", protocol.Path(protocol.PathReviewFiling, f.ID), fx.reviewer, nil, http.StatusOK, &d)
	if last := d.History[len(d.History)-1]; last.Action != app.ActionReturn || len(last.Remarks) != 8 {
		t.Errorf("the return taken: %+v", last)
	}
	form.Set("comment", strings.Repeat("请", 90_000))
	if r := b.post(page+"/decision", form); r.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(b.last, " KB 的上限") || strings.Contains(b.last, "压缩") {
		t.Errorf("a form over its limit: %d\n%s", r.StatusCode, b.last)
	}
}

// A form from another site is refused with the console's page, in
// Chinese (Go's answer is English text), and the style sheets' folder
// lists nothing.
func TestConsoleRefusesOtherSitesInChinese(t *testing.T) {
	fx := MustBureau(t)
	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	b.get("/console/queue")
	r := b.post("/console/logout", url.Values{"csrf": {b.csrf()}}, "Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site")
	if r.StatusCode != http.StatusForbidden || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") || !strings.Contains(b.last, "跨站请求") {
		t.Errorf("a form from another site: %d %s\n%s", r.StatusCode, r.Header.Get("Content-Type"), b.last)
	}
	if r := b.get("/console/static/"); r.StatusCode != http.StatusNotFound || strings.Contains(b.last, `<a href="console.css">`) || !strings.Contains(b.last, "页面不存在") {
		t.Errorf("the static folder: %d\n%s", r.StatusCode, b.last)
	}
	if r := b.get("/console/static/console.css"); r.StatusCode != http.StatusOK {
		t.Errorf("the style sheet: %d", r.StatusCode)
	}
	// a file that is not there: the console's page, in Chinese (Go's
	// "404 page not found" before; found from outside)
	for _, path := range []string{"/console/static/nothing.js", "/console/static/static", "/console/static/%2e%2e%2fconsole.go"} {
		if r := b.get(path); r.StatusCode != http.StatusNotFound || !strings.Contains(b.last, "页面不存在") {
			t.Errorf("%s: %d\n%.200s", path, r.StatusCode, b.last)
		}
	}
}

// A state the queue never holds (已批复, 草稿) is said so, not shown as an
// empty list.
func TestConsoleQueueSaysWhichStatesItHolds(t *testing.T) {
	fx := MustBureau(t)
	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	for _, st := range []app.Status{app.StatusApproved, app.StatusDraft} {
		if r := b.get("/console/queue?status=" + string(st)); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b.last, "待审核中没有“"+st.Label()+"”的材料") {
			t.Errorf("status %s: %d", st, r.StatusCode)
		}
	}
	if r := b.get("/console/queue?status=" + string(app.StatusPreliminary)); r.StatusCode != http.StatusOK {
		t.Errorf("初审中: %d", r.StatusCode)
	}
}

// An error page keeps the menu and 退出 of a reviewer who is logged in: a
// 403 or 409 showed the brand only.
func TestConsoleErrorPageKeepsTheMenu(t *testing.T) {
	fx := MustBureau(t)
	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	if r := b.get("/console/admin/units"); r.StatusCode != http.StatusForbidden || !strings.Contains(b.last, `href="/console/queue"`) || !strings.Contains(b.last, "退出") {
		t.Errorf("a reviewer's 403: %d\n%s", r.StatusCode, b.last)
	}
	if strings.Contains(b.last, `http-equiv="refresh"`) {
		t.Error("an error page reloads itself")
	}
	anon := fx.browser()
	if r := anon.post("/console/logout", url.Values{}); r.StatusCode != http.StatusUnauthorized || strings.Contains(anon.last, "退出") {
		t.Errorf("no session: %d\n%s", r.StatusCode, anon.last)
	}
}

// A return sent again as it was is the return taken; sent again with a
// remark changed it is another decision, which came too late, and the page
// says so (it was told 已退回修改 with the change dropped; found in review).
func TestConsoleReturnSentAgainChanged(t *testing.T) {
	fx := MustBureau(t)
	f, b, page := fx.reviewerOpens(t)
	form := url.Values{"csrf": {b.csrf()}, "revision": {f.Revision.ID}, "transitions": {"1"}, "action": {"return"},
		"comment": {"请补充"}, "remark:goals": {"目标应可量化"}}
	if r := b.post(page+"/decision", form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("return: %d\n%s", r.StatusCode, b.last)
	}
	if r := b.post(page+"/decision", form); r.StatusCode != http.StatusSeeOther {
		t.Errorf("the return sent again: %d", r.StatusCode)
	}
	changed := url.Values{}
	maps.Copy(changed, form)
	changed.Set("remark:goals", "目标应可量化，并写明考核办法")
	if r := b.post(page+"/decision", changed); r.StatusCode != http.StatusConflict {
		t.Errorf("the return sent again with a remark changed: %d", r.StatusCode)
	}
}

// A declaration citing a law for 天宁's exception shows it to the
// reviewer, with a remark box beside it; one that cites none does not
// show the heading.
func TestConsoleShowsTheLawCitedForAnException(t *testing.T) {
	fx := MustBureau(t)
	plain := newFiling(t, fx.unitA.ID)
	fx.submit(fx.clerkA, plain, http.StatusCreated)
	cited := newFiling(t, fx.unitA.ID)
	cited.Declaration.LegalException = "《中华人民共和国保守国家秘密法》第二十四条"
	cited.Declaration.SharesData = false // 不予审核 under 天宁 but for the law cited
	fx.submit(fx.clerkA, cited, http.StatusCreated)
	// 天宁's rules, once the filings are in (they ask for attachments
	// the fixture's declaration lacks).
	setProfile(t, fx, "tianning")
	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	b.get("/console/filings/" + plain.ID)
	// (A 不予审核's fix, in the verdict, says where such a law is named.)
	if strings.Contains(b.last, "<th>法律法规另有规定的依据</th>") || strings.Contains(b.last, "援引法律法规另有规定") {
		t.Error("a declaration citing no law shows the exception")
	}
	b.get("/console/filings/" + cited.ID)
	if !strings.Contains(b.last, "<th>法律法规另有规定的依据</th>") || !strings.Contains(b.last, "保守国家秘密法") ||
		!strings.Contains(b.last, `name="remark:legal_exception"`) {
		t.Error("the law cited is not shown with a remark box")
	}
	// The verdict names the 不予审核 the law lifts, to be checked against it.
	if i := strings.Index(b.last, "<h3>援引法律法规另有规定</h3>"); i < 0 || !strings.Contains(b.last[i:], "<li>不予审核：不支持区政务信息资源共享交换平台") {
		t.Error("the verdict does not name the 不予审核 the law cited lifts")
	}
}

// TestConsoleShowsConfirmationsInTheProfilesWords: a declaration's
// confirmations are stored as the checklist items' IDs; the reviewer read
// "sharing_compliant", not what the unit confirmed. The page and its
// changes give the profile's words; the printed copy too.
func TestConsoleShowsConfirmationsInTheProfilesWords(t *testing.T) {
	fx := MustBureau(t)
	f := newFiling(t, fx.unitA.ID)
	fx.submit(fx.clerkA, f, http.StatusCreated)
	fx.decide(fx.reviewer, f.ID, app.ActionReturn, "请确认是否违反共享管理规定", http.StatusOK)
	next := *f
	d := *f.Declaration
	d.Confirmations = []string{"sharing_compliant"}
	next.Declaration = &d
	next.Revision = app.Revision{ID: uuid.NewString(), Number: 2, BaseID: f.Revision.ID}
	fx.submit(fx.clerkA, &next, http.StatusCreated)
	// 天宁's rules once it is in (they ask for attachments the fixture's
	// declaration lacks).
	setProfile(t, fx, "tianning")

	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	page := "/console/filings/" + f.ID
	b.get(page)
	const words = "本单位目前不存在违反政务信息资源共享管理规定的情形"
	if !strings.Contains(b.last, "<h3>确认事项</h3>") || !strings.Contains(b.last, "<th>建设单位已确认</th><td>"+words) {
		t.Errorf("the confirmation is not shown in the profile's words")
	}
	// With a remark box as every other item has: a reviewer can ask for a
	// confirmation there.
	if !strings.Contains(b.last, `name="remark:confirmations"`) {
		t.Errorf("no remark box at 确认事项")
	}
	var ret protocol.DecisionResponse
	fx.mustJSON("POST", protocol.Path(protocol.PathDecisions, f.ID), fx.reviewer, protocol.DecisionRequest{Action: app.ActionReturn,
		Comment: "请核实", Remarks: map[string]string{"confirmations": "请核实本单位是否存在违反共享管理规定的情形"}},
		http.StatusOK, &ret, fx.seen(fx.reviewer, f.ID)...)
	b.get(page)
	if !strings.Contains(b.last, "请核实本单位是否存在违反共享管理规定的情形") {
		t.Errorf("the remark at 确认事项 is not shown at it")
	}
	if i := strings.Index(b.last, "确认事项："+words); i < 0 || !strings.Contains(b.last[i:], "未确认") || !strings.Contains(b.last[i:], "已确认") {
		t.Errorf("the change does not say what was confirmed")
	}
	if strings.Contains(b.last, ">sharing_compliant<") || strings.Contains(b.last, "、sharing_compliant") {
		t.Errorf("the page shows the checklist item's ID")
	}
	r := b.get(page + "/revisions/2/pdf")
	if r.StatusCode != http.StatusOK {
		t.Fatalf("the printed copy: %d", r.StatusCode)
	}
	if text := pdfText(t, []byte(b.last)); !strings.Contains(text, "确认事项") || !strings.Contains(text, "共享管理规定的情形") {
		t.Errorf("the printed copy does not say what was confirmed:\n%s", text)
	}
}

// pdfText is the text of a PDF's every page (pdftotext, poppler-utils:
// .ci/run installs it).
func pdfText(t *testing.T, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "copy.pdf")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// 确认事项 is shown where the profile asks this project for confirmations:
// under 郁南 a project the unit manages itself (under 10 万元) is asked
// none, and read 建设单位已确认：未确认任何事项 as a failure (found in
// review); a larger one that confirmed nothing says so.
func TestConsoleConfirmationsOnlyWhereAsked(t *testing.T) {
	fx := MustBureau(t)
	small := newFiling(t, fx.unitA.ID)
	d := small.Declaration
	d.TotalInvestment, d.YearAmount = app.Wans(8), app.Wans(8)
	d.Budget = []app.BudgetItem{{Category: app.BudgetHardware, Name: "终端", Amount: app.Wans(8)}}
	d.Funding = []app.Funding{{Kind: app.FundLocal, Amount: app.Wans(8)}}
	fx.submit(fx.clerkA, small, http.StatusCreated)
	large := newFiling(t, fx.unitA.ID)
	fx.submit(fx.clerkA, large, http.StatusCreated)
	setProfile(t, fx, "yunan")
	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	b.get("/console/filings/" + small.ID)
	if strings.Contains(b.last, "<h3>确认事项</h3>") {
		t.Error("a self-managed project, asked nothing, shows 确认事项")
	}
	b.get("/console/filings/" + large.ID)
	if !strings.Contains(b.last, "<h3>确认事项</h3>") || !strings.Contains(b.last, "未确认任何事项") {
		t.Error("a project asked to confirm that confirmed nothing does not say so")
	}
}

// The queue's 审批路径 filter offers a route only an override gives (武汉's
// 行业主管部门审批 for schools and hospitals): their filings could not be
// picked out (found in a walkthrough).
func TestConsoleQueueFiltersByAnOverridesRoute(t *testing.T) {
	fx := MustBureau(t)
	setProfile(t, fx, "wuhan")
	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	b.get("/console/queue")
	if !strings.Contains(b.last, `value="sector_approval"`) {
		t.Error("no 行业主管部门审批 in the route filter")
	}
	if strings.Count(b.last, `value="approval"`) != 1 {
		t.Error("a route code offered twice")
	}
	// The kinds offered are the profile's: 武汉 takes no 运维备案, whose
	// chip said 0 beside 武汉's own kinds (found in a regulation review). A
	// kind the filter names stays in it.
	if strings.Contains(b.last, "kind=om_filing") || !strings.Contains(b.last, "kind=go_live") || !strings.Contains(b.last, "kind=declaration") {
		t.Errorf("the queue's kinds under 武汉 are not the profile's")
	}
	b.get("/console/queue?kind=om_filing")
	if !strings.Contains(b.last, `value="om_filing" selected`) {
		t.Errorf("a kind the filter names is not kept in it")
	}
}

// Under 郁南 the 竣工验收申请 is the 验收前置审核申请 of 第二十一条: the
// reviewer's queue, the filing's page and its decisions say so (前置审核通过,
// 已通过前置审核), not 竣工验收申请 and 验收通过.
func TestConsoleNamesAKindAsTheRegulationDoes(t *testing.T) {
	fx := MustBureau(t)
	acc, b := yunanReviewerOf(t, fx, "")
	b.get("/console/queue?kind=acceptance")
	if !strings.Contains(b.last, "验收前置审核申请") || strings.Contains(b.last, "竣工验收申请") {
		t.Errorf("the queue does not name the application as 郁南 does")
	}
	page := "/console/filings/" + acc.ID
	b.get(page)
	if !strings.Contains(b.last, "<title>"+acc.Acceptance.ProjectName+"验收前置审核申请") || strings.Contains(b.last, "竣工验收申请") {
		t.Errorf("the filing's page does not name the application as 郁南 does")
	}
	fx.decide(fx.reviewer, acc.ID, app.ActionAccept, "", http.StatusOK)
	b.get(page)
	if !strings.Contains(b.last, "> 前置审核通过</label>") || !strings.Contains(b.last, "> 前置审核不予通过 ") || strings.Contains(b.last, "验收通过") {
		t.Errorf("the decisions are not named as 郁南 does")
	}
	// The fixture's project is not on the bureau: nothing said of its scope.
	if strings.Contains(b.last, "本项目不适用") {
		t.Errorf("a project the bureau has no declaration of is said out of 第二十一条's scope")
	}
	fx.decide(fx.reviewer, acc.ID, app.ActionApprove, "", http.StatusOK)
	b.get(page)
	if !strings.Contains(b.last, "已通过前置审核") || strings.Contains(b.last, "已通过验收") {
		t.Errorf("the approved application's state is not named as 郁南 does")
	}
}

// One file attached as two materials (the same PDF as 申请报告 and as
// 项目建设方案) downloaded under the first one's name from either link:
// saving 项目建设方案 wrote 申请报告….pdf (found from outside). Each link
// names its own attachment.
func TestConsoleSameFileTwiceKeepsEachName(t *testing.T) {
	fx := MustBureau(t)
	pdf := []byte("%PDF-1.4 one file attached twice, with some bytes to it.")
	fx.upload(fx.clerkA, pdf, len(pdf))
	f := newFiling(t, fx.unitA.ID)
	f.Attachments = []app.Attachment{
		{Material: "application_report", Name: "申请报告.pdf", SHA256: sha(pdf), Size: int64(len(pdf)), MediaType: "application/pdf"},
		{Material: "feasibility", Name: "项目建设方案.pdf", SHA256: sha(pdf), Size: int64(len(pdf)), MediaType: "application/pdf"},
	}
	fx.submit(fx.clerkA, f, http.StatusCreated)
	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	page := "/console/filings/" + f.ID
	b.get(page)
	links := regexp.MustCompile(`href="(`+regexp.QuoteMeta(page)+`/attachments/[0-9a-f]{64}[^"]*)"`).FindAllStringSubmatch(b.last, -1)
	if len(links) != 2 {
		t.Fatalf("%d attachment links", len(links))
	}
	for i, want := range []string{"申请报告.pdf", "项目建设方案.pdf"} {
		r := b.get(html.UnescapeString(links[i][1]))
		_, params, err := mime.ParseMediaType(r.Header.Get("Content-Disposition"))
		if r.StatusCode != http.StatusOK || err != nil || params["filename"] != want {
			t.Errorf("link %d: %d, named %q (%v), want %q", i+1, r.StatusCode, params["filename"], err, want)
		}
	}
}

// Under 郁南 the reviewer is told, as the clerk is, when the project of a
// 验收前置审核申请 is one 第二十一条 does not send for it (a public project,
// whose acceptance is the bureau's own).
func TestConsoleSaysAKindIsNotForTheProject(t *testing.T) {
	fx := MustBureau(t)
	decl := newFiling(t, fx.unitA.ID)
	decl.Declaration.Class = app.ClassPublic
	fx.decided(t, decl)
	acc, b := yunanReviewerOf(t, fx, decl.ID)
	b.get("/console/filings/" + acc.ID)
	if !strings.Contains(b.last, "本项目不适用：按第二十一条，验收前置审核只适用于立项审批的专业类项目") {
		t.Errorf("the reviewer is not told the project is out of 第二十一条's scope")
	}
}

// yunanReviewerOf sends unit A's trial report and acceptance application
// of project (a new one when ""), sets 郁南's rules and logs the reviewer
// in: the application and the reviewer's browser.
func yunanReviewerOf(t *testing.T, fx *fixture, project string) (*app.Filing, *browser) {
	t.Helper()
	trial, acc := trialAndAcceptance(t, fx, fx.unitA.ID)
	if project != "" {
		trial.ProjectID, acc.ProjectID = project, project
	}
	withContract(fx, acc)
	fx.submit(fx.clerkA, trial, http.StatusCreated)
	fx.submit(fx.clerkA, acc, http.StatusCreated)
	setProfile(t, fx, "yunan")
	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	return acc, b
}

// 武汉 第十三条 in the console: the decision form says, before the reviewer
// writes, that 批复立项's words include the opinion on 信息资源共享 and 密码
// 应用; sent without them the form comes back with what it lacks and what
// was typed kept.
func TestConsoleAsksTheApprovalForItsOpinion(t *testing.T) {
	fx := MustBureau(t)
	f := wuhanAccepted(t, fx)
	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	page := "/console/filings/" + f.ID
	b.get(page)
	if !strings.Contains(b.last, "批复立项的意见须包含对信息资源共享、密码应用情况的意见（第十三条）") {
		t.Errorf("the form does not say what the approval's words include")
	}
	form := url.Values{"csrf": {b.csrf()}, "revision": {f.Revision.ID}, "transitions": {"2"}, "action": {"approve"}, "comment": {"同意立项，共享分析充分。"}}
	if r := b.post(page+"/decision", form); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b.last, "请补充密码应用方面的意见") ||
		!strings.Contains(b.last, "同意立项，共享分析充分。") {
		t.Errorf("an approval without a word on 密码应用: %d", r.StatusCode)
	}
	form.Set("comment", "同意立项，共享分析充分；密码应用方案可行。")
	if r := b.post(page+"/decision", form); r.StatusCode != http.StatusSeeOther {
		t.Errorf("the approval with its opinion: %d %s", r.StatusCode, b.last)
	}
}

// filedUnderWuhan submits unit A's declaration of 38 万元 and turns the
// bureau to 武汉's rules, under which such a project is filed (第八条).
func filedUnderWuhan(t *testing.T, fx *fixture) *app.Filing {
	t.Helper()
	f := newFiling(t, fx.unitA.ID)
	d := f.Declaration
	d.TotalInvestment, d.YearAmount = app.Wans(38), app.Wans(38)
	d.Budget = d.Budget[:1]
	d.Budget[0].Amount = app.Wans(38)
	d.Funding = []app.Funding{{Kind: app.FundLocal, Amount: app.Wans(38)}}
	fx.submit(fx.clerkA, f, http.StatusCreated)
	setProfile(t, fx, "wuhan")
	return f
}

// A 武汉 project under 50 万元 is filed (第八条): its refusal is 不予备案 on the
// filing's page — the button, the 已… banner and 办理记录 — not 不予立项.
func TestConsoleNamesAFiledProjectsRefusal(t *testing.T) {
	fx := MustBureau(t)
	f := filedUnderWuhan(t, fx)
	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	page := "/console/filings/" + f.ID
	b.get(page)
	if !strings.Contains(b.last, "> 不予备案") || strings.Contains(b.last, "不予立项") || strings.Contains(b.last, `value="approve"`) {
		t.Errorf("the decisions offered on a 备案 project")
	}
	form := url.Values{"csrf": {b.csrf()}, "revision": {f.Revision.ID}, "transitions": {"1"}, "action": {"reject"}, "comment": {"不属于本办法适用范围"}}
	if r := b.post(page+"/decision", form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("refusal: %d %s", r.StatusCode, b.last)
	}
	b.get(page + "?done=reject")
	if strings.Contains(b.last, "不予立项") || strings.Count(b.last, "不予备案") < 2 {
		t.Errorf("the refused 备案 project's page says 不予立项, or not 不予备案 in the banner and the record")
	}
	// 查找材料 lists it by the same word, and the clerk who tries to take
	// it back is told it too.
	b.get("/console/find?status=rejected")
	if !strings.Contains(b.last, f.ID) || !strings.Contains(b.last, ">不予备案<") || strings.Contains(b.last, ">不予立项<") {
		t.Errorf("查找材料 names the refused 备案 project's state otherwise:\n%s", b.last)
	}
	p := fx.expectProblem("POST", protocol.Path(protocol.PathWithdrawal, f.ID), fx.clerkA, protocol.WithdrawRequest{RevisionID: f.Revision.ID}, http.StatusConflict, app.ECONFLICT)
	if !strings.Contains(p.Detail, "不予备案") || strings.Contains(p.Detail, "不予立项") {
		t.Errorf("withdrawing the refused 备案 project: %q, want 不予备案", p.Detail)
	}
}

// A later filing's row leaves 审批路径 and 总投资 to its project's
// declaration, saying so, where a declaration's row gives its own: the
// cells stood blank, as if the reviewer's page had failed to load them.
func TestConsoleQueueLeavesALaterFilingsRouteToItsProject(t *testing.T) {
	fx := MustBureau(t)
	trial, _ := trialAndAcceptance(t, fx, fx.unitA.ID)
	fx.submit(fx.clerkA, trial, http.StatusCreated)
	decl := newFiling(t, fx.unitA.ID)
	fx.submit(fx.clerkA, decl, http.StatusCreated)
	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	b.get("/console/queue?scope=all")
	row := func(id string) string {
		i := strings.Index(b.last, "/console/filings/"+id)
		if i < 0 {
			t.Fatalf("the queue lacks %s:\n%s", id, b.last)
		}
		end := strings.Index(b.last[i:], "</tr>")
		return b.last[i : i+end]
	}
	const left = `title="审批路径和总投资属于项目申报书：见所属项目">—</td>`
	if r := row(trial.ID); strings.Count(r, left) != 2 {
		t.Errorf("the trial report's row:\n%s", r)
	}
	if r := row(decl.ID); strings.Contains(r, left) || !strings.Contains(r, `<td class="num">`+decl.Declaration.TotalInvestment.WanString()+`</td>`) {
		t.Errorf("the declaration's row:\n%s", r)
	}
}

// The reason for not deploying as required is asked of a project not on
// 政务云, and shown for it: the page read 未按要求部署的理由：未填写 beside a
// project deployed on 政务云 (a walkthrough), as the printed copy no longer
// did.
func TestConsoleShowsTheDeploymentReasonWhereItIsAsked(t *testing.T) {
	fx := MustBureau(t)
	cloud := newFiling(t, fx.unitA.ID)
	cloud.Declaration.Deployment = app.Deployment{Mode: app.DeployEgovCloud, Resources: "8核32G"}
	fx.submit(fx.clerkA, cloud, http.StatusCreated)
	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	b.get("/console/filings/" + cloud.ID)
	if strings.Contains(b.last, "未按要求部署的理由") {
		t.Error("a project on 政务云 is shown a reason for not deploying as required")
	}
	if !strings.Contains(b.last, "8核32G") {
		t.Fatalf("not the declaration's page:\n%s", b.last)
	}
}
