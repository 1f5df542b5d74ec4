package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"egovdesk/app"
	"egovdesk/sync/server"
)

// A decision form whose comment and remarks hold bytes that are not UTF-8
// (a raw socket sent them) is refused, and the page that gives the text back
// — refused, lost to another reviewer, or sent after the session ended —
// is still UTF-8 throughout: it echoed the bytes raw.
func TestConsoleGivesTypedTextBackAsUTF8(t *testing.T) {
	fx := MustBureau(t, func(c *server.Config) { c.SessionIdle = 15 * time.Minute })
	pdf := []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
	f := newFiling(t, fx.unitA.ID, pdf)
	fx.upload(fx.clerkA, pdf, 1<<20)
	fx.submit(fx.clerkA, f, http.StatusCreated)
	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	page := "/console/filings/" + f.ID
	b.get(page)
	form := url.Values{"csrf": {b.csrf()}, "revision": {f.Revision.ID}, "transitions": {"1"}, "action": {"return"},
		"comment": {"请补充\xff\xfe依据"}, "remark:goals": {"\xc3(目标"}, "approved": {"12\xff"}}
	check := func(what string, status int) {
		t.Helper()
		if r := b.post(page+"/decision", form); r.StatusCode != status || !utf8.ValidString(b.last) || !strings.Contains(b.last, "依据") {
			t.Errorf("%s: %d (want %d), UTF-8 %v", what, r.StatusCode, status, utf8.ValidString(b.last))
		}
	}
	check("refused", http.StatusUnprocessableEntity)
	fx.decide(fx.admin, f.ID, app.ActionAccept, "", http.StatusOK)
	form.Del("approved")
	check("lost", http.StatusUnprocessableEntity) // the bad bytes are refused before the race is looked at
	b.get(page)
	form.Set("csrf", b.csrf())
	form.Set("transitions", "2")
	fx.clock.Advance(16 * time.Minute)
	check("after the session ended", http.StatusUnauthorized)
}

// A queue filter the console cannot read is named, and the page does not
// give it back when no filter could take it: a kind of 20 KB came back
// in the page, its export link and its 查找材料 link (44 KB). A search
// typed too long comes back, to be shortened.
func TestConsoleQueueDoesNotEchoAnUnreadableFilter(t *testing.T) {
	fx := MustBureau(t)
	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	if r := b.get("/console/queue?kind=bogus"); r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("kind=bogus: %d", r.StatusCode)
	}
	small := len(b.last)
	long := strings.Repeat("x", 20<<10)
	if r := b.get("/console/queue?kind=" + long); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b.last, "未知的材料类型") {
		t.Fatalf("a kind of 20 KB: %d", r.StatusCode)
	}
	if strings.Contains(b.last, "xxxxxxxxxxxxxxxx") || len(b.last) > small+1<<10 {
		t.Errorf("a kind of 20 KB comes back: the page has %d bytes, %d with kind=bogus", len(b.last), small)
	}
	if strings.Contains(b.last, "queue.csv") {
		t.Error("the page offers to export a filter it cannot read")
	}
	typed := strings.Repeat("智慧", 75)
	if r := b.get("/console/queue?q=" + url.QueryEscape(typed)); r.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(b.last, "搜索内容不能超过 100 个字") || !strings.Contains(b.last, typed) {
		t.Errorf("a search of 150 字: %d, given back %v", r.StatusCode, strings.Contains(b.last, typed))
	}
}
