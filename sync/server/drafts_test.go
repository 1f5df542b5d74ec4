package server_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"egovdesk/assets"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"egovdesk/app"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server"
	"egovdesk/sync/server/bureaustore"
)

// TestDraftVersions: a draft is written over the version the client saw;
// a stale one answers 409 in Chinese and keeps what the bureau has; a
// body whose hash is not the one sent is refused; a delete over a stale
// version too, over the current one it goes.
func TestDraftVersions(t *testing.T) {
	fx := MustBureau(t)
	fx.putDraft(fx.clerkA, "d1", 0, "第一稿", http.StatusCreated)
	fx.putDraft(fx.clerkA, "d1", 1, "第二稿", http.StatusOK)
	r := fx.putDraft(fx.clerkA, "d1", 1, "另一台电脑上的第二稿", http.StatusConflict)
	if p := r.problem(t); p.Code != app.ECONFLICT || !strings.Contains(p.Detail, "第 2 版") {
		t.Errorf("stale put: %+v", p)
	}
	bad := draftPut(t, 2, "第三稿")
	bad.SHA256 = sha([]byte("别的内容"))
	fx.expectProblem("PUT", protocol.Path(protocol.PathDraft, "d1"), fx.clerkA, bad, http.StatusUnprocessableEntity, app.EINVALID)
	fx.expectProblem("DELETE", protocol.Path(protocol.PathDraft, "d1")+"?version=1", fx.clerkA, nil, http.StatusConflict, app.ECONFLICT)
	var pg protocol.DraftPage
	fx.mustJSON("GET", protocol.PathDrafts, fx.clerkA, nil, http.StatusOK, &pg)
	if len(pg.Drafts) != 1 || pg.Drafts[0].Version != 2 || pg.Drafts[0].Body != nil {
		t.Fatalf("after the refusals, the list: %+v", pg.Drafts)
	}
	var d protocol.Draft
	fx.mustJSON("GET", protocol.Path(protocol.PathDraft, "d1"), fx.clerkA, nil, http.StatusOK, &d)
	if d.Version != 2 || !strings.Contains(string(d.Body), "第二稿") || d.SHA256 != sha(d.Body) {
		t.Fatalf("after the refusals, the draft: %+v", d)
	}
	if r := fx.do("DELETE", protocol.Path(protocol.PathDraft, "d1")+"?version=2", fx.clerkA, nil); r.StatusCode != http.StatusNoContent {
		t.Fatalf("delete: %d %s", r.StatusCode, r.body)
	}
	fx.expectProblem("DELETE", protocol.Path(protocol.PathDraft, "d1"), fx.clerkA, nil, http.StatusNotFound, app.ENOTFOUND)
	fx.expectProblem("GET", protocol.Path(protocol.PathDraft, "d1"), fx.clerkA, nil, http.StatusNotFound, app.ENOTFOUND)
}

// TestDraftPagesAndLimits: GET /drafts pages by ID with a cursor; a draft
// just under the size limit is kept, one over it refused with the limit
// named.
func TestDraftPagesAndLimits(t *testing.T) {
	fx := MustBureau(t)
	for _, id := range []string{"d3", "d1", "d5", "d2", "d4"} {
		fx.putDraft(fx.clerkA, id, 0, id, http.StatusCreated)
	}
	var ids []string
	path := protocol.PathDrafts + "?limit=2"
	for i := 0; i < 5; i++ {
		var pg protocol.DraftPage
		fx.mustJSON("GET", path, fx.clerkA, nil, http.StatusOK, &pg)
		for _, d := range pg.Drafts {
			ids = append(ids, d.ID)
		}
		if pg.Next == "" {
			break
		}
		path = protocol.PathDrafts + "?limit=2&cursor=" + pg.Next
	}
	if strings.Join(ids, " ") != "d1 d2 d3 d4 d5" {
		t.Fatalf("pages: %v", ids)
	}
	fits, _ := json.Marshal(map[string]string{"text": strings.Repeat("长", bureaustore.MaxDraftBytes/3-10)})
	if r := fx.do("PUT", protocol.Path(protocol.PathDraft, "fits"), fx.clerkA, protocol.DraftPut{SHA256: sha(fits), Body: fits}); r.StatusCode != http.StatusCreated {
		t.Fatalf("a draft of %d bytes, under the limit: %d %s", len(fits), r.StatusCode, r.body)
	}
	big, _ := json.Marshal(map[string]string{"text": strings.Repeat("长", bureaustore.MaxDraftBytes/3+10)})
	r := fx.do("PUT", protocol.Path(protocol.PathDraft, "big"), fx.clerkA, protocol.DraftPut{SHA256: sha(big), Body: big})
	if r.StatusCode != http.StatusRequestEntityTooLarge && r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("a draft of %d bytes: %d %s", len(big), r.StatusCode, r.body)
	}
	if p := r.problem(t); !strings.Contains(p.Detail, "上限") {
		t.Errorf("the refusal does not name the limit: %+v", p)
	}
	// An ID over the limit is refused by the limit of each part: "1–129"
	// of the whole let 65 characters without @ seem allowed.
	r = fx.do("PUT", protocol.Path(protocol.PathDraft, strings.Repeat("a", protocol.MaxID+1)), fx.clerkA, protocol.DraftPut{SHA256: sha(fits), Body: fits})
	if p := r.problem(t); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(p.Detail, fmt.Sprintf("每个编号 1–%d 个", protocol.MaxID)) {
		t.Errorf("a draft ID of %d characters: %d %+v", protocol.MaxID+1, r.StatusCode, p)
	}
}

// TestDraftsSwitchedOff: a profile with keep_drafts false closes the
// draft area: every route answers 403 with a Chinese problem saying the
// drafts stay on the clerk's computer, and the profile the client reads
// says so too.
func TestDraftsSwitchedOff(t *testing.T) {
	fx := MustBureau(t)
	fx.putDraft(fx.clerkA, "d1", 0, "开着时保存的", http.StatusCreated)
	data, err := assets.Profiles.ReadFile("profiles/huoqiu.json")
	if err != nil {
		t.Fatal(err)
	}
	off := bytes.Replace(data, []byte(`"keep_drafts": true`), []byte(`"keep_drafts": false`), 1)
	if bytes.Equal(off, data) {
		t.Fatal("huoqiu.json has no keep_drafts switch")
	}
	if _, err := fx.srv.SetProfile(context.Background(), "huoqiu.json", off); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		method, path string
		body         any
	}{
		{"GET", protocol.PathDrafts, nil},
		{"GET", protocol.Path(protocol.PathDraft, "d1"), nil},
		{"PUT", protocol.Path(protocol.PathDraft, "d2"), draftPut(t, 0, "关了以后")},
		{"DELETE", protocol.Path(protocol.PathDraft, "d1"), nil},
	} {
		p := fx.expectProblem(c.method, c.path, fx.clerkA, c.body, http.StatusForbidden, app.EFORBIDDEN)
		if !strings.Contains(p.Detail, "不保留草稿") {
			t.Errorf("%s %s: %q does not say drafts are off", c.method, c.path, p.Detail)
		}
	}
	var doc protocol.ProfileDocument
	fx.mustJSON("GET", protocol.PathProfile, fx.clerkA, nil, http.StatusOK, &doc)
	prof, err := app.LoadProfile("huoqiu.json", doc.Profile)
	if err != nil {
		t.Fatal(err)
	}
	if prof.KeepsDrafts() {
		t.Error("the profile the client reads keeps drafts")
	}
	if _, err := fx.srv.SetProfile(context.Background(), "huoqiu.json", data); err != nil {
		t.Fatal(err)
	}
	var pg protocol.DraftPage
	fx.mustJSON("GET", protocol.PathDrafts, fx.clerkA, nil, http.StatusOK, &pg)
	if len(pg.Drafts) != 1 {
		t.Errorf("switched on again, the draft kept before: %+v", pg.Drafts)
	}
}

// TestDraftTextChecked: over a raw socket, a draft whose body holds
// invalid UTF-8, an escaped U+0000 or nesting past the limit is refused
// with 422 (it would be served back inside JSON no parser accepts, and
// break the unit's restore); a plain one is kept.
func TestDraftTextChecked(t *testing.T) {
	fx := MustBureau(t)
	put := func(id string, body []byte) response {
		sum := sha256.Sum256(body)
		req := []byte(`{"base_version":0,"sha256":"` + hex.EncodeToString(sum[:]) + `","body":`)
		req = append(append(req, body...), '}')
		return fx.raw(rawJSON("PUT", protocol.Path(protocol.PathDraft, id), fx.clerkA, protocol.MediaJSON, req))
	}
	for name, body := range map[string][]byte{
		"invalid UTF-8":  []byte("{\"kind\":\"declaration\",\"title\":\"\xff\xfe\"}"),
		"escaped U+0000": []byte(`{"kind":"declaration","title":"a\u0000b"}`),
		"deep nesting":   []byte(strings.Repeat("[", 9000) + strings.Repeat("]", 9000)),
	} {
		if r := put("bad", body); r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d %s", name, r.StatusCode, r.body)
		}
	}
	if r := put("good", []byte(`{"kind":"declaration","title":"城关镇智慧社区"}`)); r.StatusCode != http.StatusCreated {
		t.Fatalf("a plain draft: %d %s", r.StatusCode, r.body)
	}
}

// TestDraftIDsAndBudget (found from outside): a draft's ID is a filing's,
// or "<filing>@<revision>", nothing else (U+0000, U+202E and "../../etc"
// were kept); and rewriting a draft counts against the unit's daily
// upload budget (1,500 rewrites of 1 MiB grew the store by 1.1 GB).
func TestDraftIDsAndBudget(t *testing.T) {
	fx := MustBureau(t, func(c *server.Config) { c.UnitUploadPerDay = 1 << 20 })
	for _, id := range []string{"a\x00b", "名\u202e称", "../../etc", "a@b@c", strings.Repeat("a", 65)} {
		if r := fx.do("PUT", "/api/v1/drafts/"+url.PathEscape(id), fx.clerkA, draftPut(t, 0, "稿")); r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("draft ID %q: %d %s", id, r.StatusCode, r.body)
		}
	}
	fx.putDraft(fx.clerkA, "0d86f698-1566-4d02-bbde-17b052ac36d3@e63b86e3-2770-4a39-8b8e-b63546504411", 0, "修订稿", http.StatusCreated)
	big := strings.Repeat("稿", 100<<10) // 300 KiB
	status, n := 0, 0
	for v := int64(0); n < 10; v, n = v+1, n+1 {
		r := fx.do("PUT", protocol.Path(protocol.PathDraft, "d-budget"), fx.clerkA, draftPut(t, v, big))
		if status = r.StatusCode; status != http.StatusOK && status != http.StatusCreated {
			break
		}
	}
	if status != http.StatusTooManyRequests || n != 4 {
		t.Fatalf("rewrites of a 300 KiB draft under a 1 MiB budget: the %dth answered %d, want the 5th 429", n+1, status)
	}
	fx.putDraft(fx.clerkB, "d-other", 0, big, http.StatusCreated) // another unit's budget
}
