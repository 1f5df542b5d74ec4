package server_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"egovdesk/sync/protocol"
)

// fuzzAnswer checks that an answer is a success or a well-formed problem
// below 500: decoders never panic and never fail internally.
func fuzzAnswer(t *testing.T, r response) {
	t.Helper()
	if r.StatusCode >= 500 {
		t.Fatalf("%s %s: %d %s", r.Request.Method, r.Request.URL, r.StatusCode, r.body)
	}
	if r.StatusCode >= 400 && r.Request.Method != "HEAD" {
		var p protocol.Problem
		if err := json.Unmarshal(r.body, &p); err != nil || p.Code == "" || p.Status != r.StatusCode {
			t.Fatalf("not a problem: %d %s", r.StatusCode, r.body)
		}
	}
}

func raw(fx *fixture, method, path, token, contentType string, body []byte, header ...string) response {
	fx.tb.Helper()
	h := append([]string{"Content-Type", contentType}, header...)
	return fx.do(method, path, token, body, h...)
}

func FuzzLogin(f *testing.F) {
	f.Add([]byte(`{"login":"clerk-a","password":"Correct horse battery 9"}`))
	f.Add([]byte(`{"login":"","password":null}`))
	f.Add([]byte(`[]`))
	fx := MustBureau(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		fuzzAnswer(t, raw(fx.with(t), "POST", protocol.PathLogin, "", protocol.MediaJSON, body))
	})
}

func FuzzSubmit(f *testing.F) {
	fx := MustBureau(f)
	fl := newFiling(f, fx.unitA.ID, []byte("x"))
	seed, _ := json.Marshal(submitReq(f, fl))
	f.Add(fl.ID, fl.Revision.ID, seed)
	f.Add("x", "y", []byte(`{"filing_id":"x","revision_id":"y","revision":1,"body":{"id":"x"},"body_sha256":"00"}`))
	f.Add("a", "b", []byte(`{"body":12}`))
	f.Fuzz(func(t *testing.T, id, rev string, body []byte) {
		if id == "" || rev == "" || strings.ContainsAny(id+rev, "/?#%") {
			return
		}
		fuzzAnswer(t, raw(fx.with(t), "POST", protocol.Path(protocol.PathRevision, id, rev), fx.clerkA, protocol.MediaJSON, body))
	})
}

func FuzzSubmitBatch(f *testing.F) {
	fx := MustBureau(f)
	a, b := newFiling(f, fx.unitA.ID), newFiling(f, fx.unitA.ID, []byte("x"))
	b.Declaration.TotalInvestment = 1
	seed, _ := json.Marshal(protocol.BatchSubmitRequest{Submissions: []protocol.SubmitRequest{submitReq(f, a), submitReq(f, b), submitReq(f, a)}})
	f.Add(seed)
	f.Add([]byte(`{"submissions":[]}`))
	f.Add([]byte(`{"submissions":[{"filing_id":"x","revision_id":"y","revision":1,"body":{"id":"x"},"body_sha256":"00"},{}]}`))
	f.Add([]byte(`{"submissions":[null,{"body":12}]}`))
	f.Add([]byte(`{"submissions":{}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		r := raw(fx.with(t), "POST", protocol.PathSubmissions, fx.clerkA, protocol.MediaJSON, body)
		fuzzAnswer(t, r)
		if r.StatusCode != http.StatusOK {
			return
		}
		var req protocol.BatchSubmitRequest
		var resp protocol.BatchSubmitResponse
		if json.Unmarshal(body, &req) != nil || json.Unmarshal(r.body, &resp) != nil || len(resp.Results) != len(req.Submissions) {
			t.Fatalf("%d results for %s: %s", len(resp.Results), body, r.body)
		}
		for i, res := range resp.Results {
			if (res.Receipt == nil) == (res.Problem == nil) || res.Status >= 500 {
				t.Fatalf("result %d: %s", i, r.body)
			}
		}
	})
}

func FuzzDecision(f *testing.F) {
	fx := MustBureau(f)
	fl := newFiling(f, fx.unitA.ID)
	fx.submit(fx.clerkA, fl, http.StatusCreated)
	f.Add([]byte(`{"action":"accept"}`))
	f.Add([]byte(`{"action":"return","comment":""}`))
	f.Add([]byte(`{"action":"submit"}`))
	f.Add([]byte(`{"action":"accept","from":"submitted"}`))
	f.Add([]byte(`{"action":"return","comment":"请补充","from":"preliminary_review","remarks":{"goals":"量化"}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		fuzzAnswer(t, raw(fx.with(t), "POST", protocol.Path(protocol.PathDecisions, fl.ID), fx.reviewer, protocol.MediaJSON, body))
	})
}

func FuzzNotice(f *testing.F) {
	fx := MustBureau(f)
	f.Add([]byte(`{"title":"通知","text":"内容"}`))
	f.Add([]byte(`{"unit_id":"nope","title":"t","text":"x"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		fuzzAnswer(t, raw(fx.with(t), "POST", protocol.PathNotices, fx.admin, protocol.MediaJSON, body))
	})
}

func FuzzUploadHeaders(f *testing.F) {
	fx := MustBureau(f)
	data := []byte("attachment bytes")
	f.Add(sha(data), "0", "16", data)
	f.Add(sha(data), "-1", "16", data)
	f.Add(sha(data), "99999999999999999999", "1", []byte{})
	f.Add("ZZ", "0", "0", []byte{})
	f.Fuzz(func(t *testing.T, sum, offset, length string, body []byte) {
		if strings.ContainsAny(sum, "/?#%") || sum == "" || strings.ContainsAny(offset+length, "\r\n\x00") {
			return
		}
		for _, c := range offset + length {
			if c < 0x20 || c > 0x7e {
				return // not a header value net/http would send
			}
		}
		path := protocol.Path(protocol.PathAttachment, sum)
		fuzzAnswer(t, raw(fx.with(t), "PATCH", path, fx.clerkA, protocol.MediaChunk, body,
			protocol.HeaderUploadOffset, offset, protocol.HeaderUploadLength, length))
		fuzzAnswer(t, fx.with(t).do("HEAD", path, fx.clerkA, nil))
	})
}

func FuzzChangesQuery(f *testing.F) {
	fx := MustBureau(f)
	good := fx.changes(fx.clerkA, "", "").Cursor
	f.Add(good, "0s", "10")
	f.Add("djF8eHx5fDE", "30s", "0")
	f.Add("", "-1s", "abc")
	f.Add("%%%", "1h", "100000")
	f.Fuzz(func(t *testing.T, cursor, wait, limit string) {
		if d, err := timeParse(wait); err == nil && d > 0 {
			wait = "0s" // keep the fuzzer from long-polling
		}
		q := "cursor=" + urlEscape(cursor) + "&wait=" + urlEscape(wait) + "&limit=" + urlEscape(limit)
		r := fx.with(t).do("GET", protocol.PathChanges+"?"+q, fx.clerkA, nil)
		fuzzAnswer(t, r)
		if r.StatusCode == http.StatusOK {
			var resp protocol.ChangesResponse
			if err := json.Unmarshal(r.body, &resp); err != nil || resp.Cursor == "" {
				t.Fatalf("changes answer %s", r.body)
			}
		}
	})
}

func timeParse(s string) (time.Duration, error) { return time.ParseDuration(s) }

func urlEscape(s string) string { return url.QueryEscape(s) }
