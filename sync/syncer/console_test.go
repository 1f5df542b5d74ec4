package syncer_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"egovdesk/app"
	"egovdesk/sync/syncer"
)

// TestConsoleDecisionReachesTheClient: a reviewer returns a filing in the
// bureau's review console (its HTML forms, as a browser posts them), and
// the clerk's real client — store and syncer — hears it as it hears a
// decision made through the API: a notification with the comment, the
// inbox, the filing returned.
func TestConsoleDecisionReachesTheClient(t *testing.T) {
	e := MustEnv(t)
	const name = "霍邱县城关镇智慧社区管理平台"
	f := e.draft(t, name, 10<<10)
	e.submit(t, f.ID)
	e.mustSync(t)

	jar, _ := cookiejar.New(nil)
	web := &http.Client{Jar: jar}
	csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	page := func(resp *http.Response, err error) string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d\n%s", resp.Request.URL, resp.StatusCode, data)
		}
		return string(data)
	}
	token := func(html string) string {
		t.Helper()
		m := csrf.FindStringSubmatch(html)
		if m == nil {
			t.Fatalf("no csrf token in\n%s", html)
		}
		return m[1]
	}
	base := e.bureau.http.URL
	login := page(web.Get(base + "/console/login"))
	page(web.PostForm(base+"/console/login", url.Values{"csrf": {token(login)}, "login": {"reviewer"}, "password": {password}}))
	filing := page(web.Get(base + "/console/filings/" + f.ID))
	rev := regexp.MustCompile(`name="revision" value="([^"]+)"`).FindStringSubmatch(filing)
	n := regexp.MustCompile(`name="transitions" value="(\d+)"`).FindStringSubmatch(filing)
	if rev == nil || n == nil {
		t.Fatalf("no decision form in\n%s", filing)
	}
	const comment = "请补充项目建设必要性论证"
	done := page(web.PostForm(base+"/console/filings/"+f.ID+"/decision", url.Values{"csrf": {token(filing)},
		"revision": {rev[1]}, "transitions": {n[1]}, "action": {string(app.ActionReturn)}, "comment": {comment}}))
	if !strings.Contains(done, "已退回修改") {
		t.Fatalf("after the decision:\n%s", done)
	}

	e.mustSync(t)
	notes := drain(e.syncer.Notifications())
	if len(notes) != 1 || notes[0].Kind != syncer.NotifyDecision || notes[0].Decision.Comment != comment ||
		notes[0].Decision.Actor != "王审核" || notes[0].FilingTitle != name {
		t.Fatalf("notifications: %+v", notes)
	}
	inbox, err := e.store.Inbox(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(inbox) != 1 || inbox[0].Body != comment {
		t.Fatalf("inbox: %+v", inbox)
	}
	if got := e.get(t, f.ID); got.Status != app.StatusReturned || len(got.History) != 2 {
		t.Fatalf("client's filing: %s, %d transitions (want %s, 2; the form said %s)", got.Status, len(got.History), app.StatusReturned, strconv.Quote(n[1]))
	}
}
