package server_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"egovdesk/app"
	"egovdesk/sync/protocol"
)

// TestEveryRouteIsScoped drives every route of the route table with a
// caller who must not see unit A's data: unit B's clerk for unit routes, a
// unit clerk for bureau routes. A route without a case fails the test, so a
// new route cannot ship unscoped.
func TestEveryRouteIsScoped(t *testing.T) {
	fx := MustBureau(t)
	att := []byte("unit A's confidential attachment")
	f := newFiling(t, fx.unitA.ID, att)
	fx.upload(fx.clerkA, att, 1<<20)
	fx.submit(fx.clerkA, f, http.StatusCreated)
	fx.decide(fx.reviewer, f.ID, app.ActionAccept, "", http.StatusOK)
	// What B must never read. Ids and hashes B itself sends may be echoed
	// (the problem's instance is the request path).
	secrets := []string{f.Declaration.ProjectName, string(att), fx.unitA.ID, fx.unitA.Name, "李梅"}

	denied := func(r response) {
		t.Helper()
		if r.StatusCode != http.StatusNotFound && r.StatusCode != http.StatusForbidden {
			t.Errorf("%s %s: status %d, want 404 or 403: %s", r.Request.Method, r.Request.URL.Path, r.StatusCode, r.body)
			return
		}
		r.problem(t)
	}
	// asB is f's revision as B would send it: the declaration in B's name.
	asB := func(f *app.Filing) *app.Filing {
		g, d := *f, *f.Declaration
		g.UnitID, g.Declaration = fx.unitB.ID, &d
		return &g
	}
	chunk := []string{protocol.HeaderUploadOffset, "0", protocol.HeaderUploadLength, "32"}
	attPath := protocol.Path(protocol.PathAttachment, sha(att))
	cases := map[string]func() response{
		"GET " + protocol.PathHealth:  func() response { return fx.do("GET", protocol.PathHealth, fx.clerkB, nil) },
		"GET " + protocol.PathOpenAPI: func() response { return fx.do("GET", protocol.PathOpenAPI, fx.clerkB, nil) },
		"GET " + protocol.PathLimits:  func() response { return fx.do("GET", protocol.PathLimits, fx.clerkB, nil) },
		"GET " + protocol.PathReceiptKey: func() response {
			return fx.do("GET", protocol.PathReceiptKey, "", nil)
		},
		"POST " + protocol.PathLogin: func() response {
			r := fx.do("POST", protocol.PathLogin, "", protocol.LoginRequest{Login: "clerk-b", Password: password})
			var lr protocol.LoginResponse
			json.Unmarshal(r.body, &lr)
			if lr.Account.UnitID != fx.unitB.ID {
				t.Errorf("login as B answered %+v", lr.Account)
			}
			return r
		},
		"POST " + protocol.PathLogout: func() response {
			other := fx.login("clerk-b").Token
			r := fx.do("POST", protocol.PathLogout, other, nil)
			// Logging out one's own token must not touch A's.
			fx.mustJSON("GET", protocol.PathMe, fx.clerkA, nil, http.StatusOK, nil)
			return r
		},
		"POST " + protocol.PathPassword: func() response {
			// Changing A's password needs A's password: B cannot.
			r := fx.do("POST", protocol.PathPassword, fx.clerkB, protocol.PasswordChangeRequest{Login: "clerk-a", Password: "not-As-password-1", NewPassword: "Taken-by-B-2027"})
			if r.StatusCode != http.StatusUnauthorized {
				t.Errorf("B changing A's password: %d %s", r.StatusCode, r.body)
			}
			fx.login("clerk-a")
			return r
		},
		"GET " + protocol.PathAudit: func() response {
			denied(fx.do("GET", protocol.PathAudit, fx.reviewer, nil))
			r := fx.do("GET", protocol.PathAudit, fx.clerkB, nil)
			denied(r)
			return r
		},
		"GET " + protocol.PathMe: func() response {
			r := fx.do("GET", protocol.PathMe, fx.clerkB, nil)
			var a protocol.Account
			json.Unmarshal(r.body, &a)
			if a.UnitID != fx.unitB.ID {
				t.Errorf("me as B = %+v", a)
			}
			return r
		},
		"GET " + protocol.PathProfile: func() response { return fx.do("GET", protocol.PathProfile, fx.clerkB, nil) },
		"GET " + protocol.PathFilings: func() response {
			r := fx.do("GET", protocol.PathFilings, fx.clerkB, nil)
			var l protocol.FilingList
			json.Unmarshal(r.body, &l)
			if r.StatusCode != http.StatusOK || len(l.Filings) != 0 {
				t.Errorf("B's list: %d %s", r.StatusCode, r.body)
			}
			denied(fx.do("GET", protocol.PathFilings, fx.reviewer, nil))
			return r
		},
		"GET " + protocol.PathFiling: func() response {
			r := fx.do("GET", protocol.Path(protocol.PathFiling, f.ID), fx.clerkB, nil)
			denied(r)
			return r
		},
		"POST " + protocol.PathRevision: func() response {
			// B resends A's revision, then tries to revise A's filing, the
			// declaration in B's name (a new one in A's name is refused as
			// such, 422, before the store is asked).
			r := fx.do("POST", revPath(f), fx.clerkB, submitReq(t, asB(f)))
			denied(r)
			next := *asB(f)
			next.Revision = app.Revision{ID: "b-revision", Number: 2, BaseID: f.Revision.ID}
			denied(fx.do("POST", revPath(&next), fx.clerkB, submitReq(t, &next)))
			denied(fx.do("POST", revPath(f), fx.clerkB, submitReq(t, f))) // A's exact revision
			return r
		},
		"POST " + protocol.PathWithdrawal: func() response {
			// A's filing waiting for 受理, which A could withdraw: B cannot,
			// and it stays in the queue.
			g := newFiling(t, fx.unitA.ID)
			fx.submit(fx.clerkA, g, http.StatusCreated)
			r := fx.do("POST", protocol.Path(protocol.PathWithdrawal, g.ID), fx.clerkB, protocol.WithdrawRequest{RevisionID: g.Revision.ID})
			denied(r)
			var d protocol.FilingDetail
			fx.mustJSON("GET", protocol.Path(protocol.PathFiling, g.ID), fx.clerkA, nil, http.StatusOK, &d)
			if d.Status != app.StatusSubmitted {
				t.Errorf("A's filing after B's withdrawal: %s", d.Status)
			}
			return r
		},
		"POST " + protocol.PathSubmissions: func() response {
			// B's batch resends A's revision and revises A's filing: each
			// item is "not found", and nothing of A's comes back.
			next := *asB(f)
			next.Revision = app.Revision{ID: "b-batch-revision", Number: 2, BaseID: f.Revision.ID}
			r := fx.do("POST", protocol.PathSubmissions, fx.clerkB,
				protocol.BatchSubmitRequest{Submissions: []protocol.SubmitRequest{submitReq(t, asB(f)), submitReq(t, &next)}})
			var resp protocol.BatchSubmitResponse
			json.Unmarshal(r.body, &resp)
			if r.StatusCode != http.StatusOK || len(resp.Results) != 2 {
				t.Errorf("B's batch: %d %s", r.StatusCode, r.body)
			}
			for i, res := range resp.Results {
				if res.Receipt != nil || res.Problem == nil || res.Problem.Status != http.StatusNotFound {
					t.Errorf("B's batch, item %d: %+v", i, res)
				}
			}
			denied(fx.do("POST", protocol.PathSubmissions, fx.reviewer,
				protocol.BatchSubmitRequest{Submissions: []protocol.SubmitRequest{submitReq(t, f)}}))
			return r
		},
		"GET " + protocol.PathAttachment: func() response {
			r := fx.do("GET", attPath, fx.clerkB, nil)
			var st protocol.UploadStatus
			json.Unmarshal(r.body, &st)
			if st.Offset != 0 || st.Complete || st.Size != 0 {
				t.Errorf("B sees A's upload: %s", r.body)
			}
			denied(fx.do("GET", attPath, fx.reviewer, nil))
			return r
		},
		"HEAD " + protocol.PathAttachment: func() response {
			r := fx.do("HEAD", attPath, fx.clerkB, nil)
			if r.Header.Get(protocol.HeaderUploadOffset) != "0" || r.Header.Get(protocol.HeaderUploadComplete) != "?0" {
				t.Errorf("HEAD as B: %v", r.Header)
			}
			return r
		},
		"PATCH " + protocol.PathAttachment: func() response {
			// B's bytes never land in A's upload, and B's upload is its own.
			r := fx.do("PATCH", attPath, fx.clerkB, []byte("x"), chunk...)
			var st protocol.UploadStatus
			fx.mustJSON("GET", attPath, fx.clerkA, nil, http.StatusOK, &st)
			if !st.Complete {
				t.Errorf("B's PATCH disturbed A's upload: %+v", st)
			}
			return r
		},
		"GET " + protocol.PathChanges: func() response {
			r := fx.do("GET", protocol.PathChanges, fx.clerkB, nil)
			var ch protocol.ChangesResponse
			json.Unmarshal(r.body, &ch)
			if len(ch.Changes) != 0 {
				t.Errorf("B got A's changes: %s", r.body)
			}
			a := fx.changes(fx.clerkA, "", "")
			denied(fx.do("GET", protocol.PathChanges+"?cursor="+a.Cursor, fx.reviewer, nil))
			if b := fx.changes(fx.clerkB, a.Cursor, ""); !b.Reset || len(b.Changes) != 0 {
				t.Errorf("B with A's cursor: %+v", b)
			}
			return r
		},
		"GET " + protocol.PathReviewQueue: func() response {
			r := fx.do("GET", protocol.PathReviewQueue, fx.clerkB, nil)
			denied(r)
			return r
		},
		"GET " + protocol.PathReviewFiling: func() response {
			r := fx.do("GET", protocol.Path(protocol.PathReviewFiling, f.ID), fx.clerkB, nil)
			denied(r)
			return r
		},
		"GET " + protocol.PathReviewProject: func() response {
			r := fx.do("GET", protocol.Path(protocol.PathReviewProject, f.ID), fx.clerkB, nil)
			denied(r)
			denied(fx.do("GET", protocol.Path(protocol.PathReviewProject, f.ID), fx.clerkA, nil))
			return r
		},
		"GET " + protocol.PathReviewAttachment: func() response {
			r := fx.do("GET", protocol.Path(protocol.PathReviewAttachment, f.ID, sha(att)), fx.clerkB, nil)
			denied(r)
			denied(fx.do("GET", protocol.Path(protocol.PathReviewAttachment, f.ID, sha(att)), fx.clerkA, nil))
			return r
		},
		"POST " + protocol.PathDecisions: func() response {
			r := fx.do("POST", protocol.Path(protocol.PathDecisions, f.ID), fx.clerkB, protocol.DecisionRequest{Action: app.ActionReject, Comment: "x"})
			denied(r)
			return r
		},
		"GET " + protocol.PathAdminUnits:         adminDenied(fx, denied, "GET", protocol.PathAdminUnits, nil),
		"POST " + protocol.PathAdminUnits:        adminDenied(fx, denied, "POST", protocol.PathAdminUnits, protocol.AdminUnitRequest{Name: "x", Code: "91330100799655058B"}),
		"POST " + protocol.PathAdminAccounts:     adminDenied(fx, denied, "POST", protocol.PathAdminAccounts, protocol.AdminAccountRequest{Login: "evil", Role: "admin", Password: "password1"}),
		"POST " + protocol.PathAdminTokens:       adminDenied(fx, denied, "POST", protocol.PathAdminTokens, protocol.AdminTokenRequest{Login: "clerk-a"}),
		"POST " + protocol.PathAdminTokensRevoke: adminDenied(fx, denied, "POST", protocol.PathAdminTokensRevoke, protocol.AdminRevokeRequest{Login: "clerk-a"}),
		"PUT " + protocol.PathAdminProfile:       adminDenied(fx, denied, "PUT", protocol.PathAdminProfile+"?name=x.json", map[string]string{"id": "x"}),
		"POST " + protocol.PathAdminPrune:        adminDenied(fx, denied, "POST", protocol.PathAdminPrune, protocol.AdminPruneRequest{Before: fx.clock.Now()}),
		"GET " + protocol.PathAdminBackup:        adminDenied(fx, denied, "GET", protocol.PathAdminBackup, nil),
		// The admin operations the console's admin pages also take (adminops.go).
		"PUT " + protocol.PathAdminUnit: adminDenied(fx, denied, "PUT", protocol.Path(protocol.PathAdminUnit, fx.unitB.ID),
			protocol.AdminUnitRequest{Name: "x", Code: fx.unitB.Code}),
		"POST " + protocol.PathAdminUnitDisable: adminDenied(fx, denied, "POST", protocol.Path(protocol.PathAdminUnitDisable, fx.unitB.ID),
			protocol.AdminDisableRequest{Disabled: true}),
		"GET " + protocol.PathAdminAccounts: adminDenied(fx, denied, "GET", protocol.PathAdminAccounts, nil),
		"POST " + protocol.PathAdminPassword: adminDenied(fx, denied, "POST", strings.Replace(protocol.PathAdminPassword, "{login}", "clerk-a", 1),
			protocol.AdminPasswordRequest{Password: "password-evil"}),
		"POST " + protocol.PathAdminAcctDisable: adminDenied(fx, denied, "POST", strings.Replace(protocol.PathAdminAcctDisable, "{login}", "clerk-a", 1),
			protocol.AdminDisableRequest{Disabled: true}),
		"GET " + protocol.PathAdminAcctTokens: adminDenied(fx, denied, "GET", strings.Replace(protocol.PathAdminAcctTokens, "{login}", "clerk-a", 1), nil),
		"POST " + protocol.PathNotices: func() response {
			r := fx.do("POST", protocol.PathNotices, fx.clerkB, protocol.NoticeRequest{UnitID: fx.unitA.ID, Title: "冒充", Text: "冒充通知"})
			denied(r)
			denied(fx.do("POST", protocol.PathNotices, fx.reviewer, protocol.NoticeRequest{Title: "t", Text: "x"}))
			return r
		},
		"GET " + protocol.PathRestore: func() response {
			r := fx.do("GET", protocol.PathRestore, fx.clerkB, nil)
			var pg protocol.RestorePage
			json.Unmarshal(r.body, &pg)
			if r.StatusCode != http.StatusOK || len(pg.Filings) != 0 || pg.Total != 0 {
				t.Errorf("B's restore: %d %s", r.StatusCode, r.body)
			}
			denied(fx.do("GET", protocol.PathRestore, fx.reviewer, nil))
			return r
		},
		"GET " + protocol.PathRestoreFiling: func() response {
			r := fx.do("GET", protocol.Path(protocol.PathRestoreFiling, f.ID), fx.clerkB, nil)
			denied(r)
			denied(fx.do("GET", protocol.Path(protocol.PathRestoreFiling, f.ID), fx.reviewer, nil))
			return r
		},
		"GET " + protocol.PathRevision: func() response {
			r := fx.do("GET", revPath(f), fx.clerkB, nil)
			denied(r)
			return r
		},
		"GET " + protocol.PathFilingAttachment: func() response {
			r := fx.do("GET", protocol.Path(protocol.PathFilingAttachment, f.ID, sha(att)), fx.clerkB, nil)
			denied(r)
			denied(fx.do("GET", protocol.Path(protocol.PathFilingAttachment, f.ID, sha(att)), fx.reviewer, nil))
			return r
		},
		"GET " + protocol.PathDrafts: func() response {
			// A keeps a draft; B lists its own (none), the bureau's
			// accounts cannot list drafts at all, and the reviewers'
			// queue does not hold the draft's text.
			fx.putDraft(fx.clerkA, "draft-a", 0, draftSecret, http.StatusCreated)
			r := fx.do("GET", protocol.PathDrafts, fx.clerkB, nil)
			var pg protocol.DraftPage
			json.Unmarshal(r.body, &pg)
			if r.StatusCode != http.StatusOK || len(pg.Drafts) != 0 || pg.Total != 0 {
				t.Errorf("B's drafts: %d %s", r.StatusCode, r.body)
			}
			denied(fx.do("GET", protocol.PathDrafts, fx.reviewer, nil))
			denied(fx.do("GET", protocol.PathDrafts, fx.admin, nil))
			if q := fx.do("GET", protocol.PathReviewQueue, fx.reviewer, nil); bytes.Contains(q.body, []byte(draftSecret)) {
				t.Errorf("a unit's draft is in the reviewers' queue: %s", q.body)
			}
			return r
		},
		"GET " + protocol.PathDraft: func() response {
			// A's draft is not B's to read, nor the bureau's.
			fx.putDraft(fx.clerkA, "draft-g", 0, draftSecret, http.StatusCreated)
			r := fx.do("GET", protocol.Path(protocol.PathDraft, "draft-g"), fx.clerkB, nil)
			denied(r)
			denied(fx.do("GET", protocol.Path(protocol.PathDraft, "draft-g"), fx.reviewer, nil))
			denied(fx.do("GET", protocol.Path(protocol.PathDraft, "draft-g"), fx.admin, nil))
			var d protocol.Draft
			fx.mustJSON("GET", protocol.Path(protocol.PathDraft, "draft-g"), fx.clerkA, nil, http.StatusOK, &d)
			if !strings.Contains(string(d.Body), draftSecret) {
				t.Errorf("A's own draft: %+v", d)
			}
			return r
		},
		"PUT " + protocol.PathDraft: func() response {
			// B writing A's draft ID makes B a draft of its own; A's stays.
			r := fx.putDraft(fx.clerkB, "draft-a", 0, "B 的草稿", http.StatusCreated)
			denied(fx.do("PUT", protocol.Path(protocol.PathDraft, "draft-a"), fx.reviewer, draftPut(t, 0, "审核人员")))
			denied(fx.do("PUT", protocol.Path(protocol.PathDraft, "draft-a"), fx.admin, draftPut(t, 0, "管理员")))
			var d protocol.Draft
			fx.mustJSON("GET", protocol.Path(protocol.PathDraft, "draft-a"), fx.clerkA, nil, http.StatusOK, &d)
			if d.Version != 1 || !strings.Contains(string(d.Body), draftSecret) {
				t.Errorf("A's draft after B's and the bureau's puts: %+v", d)
			}
			return r
		},
		"DELETE " + protocol.PathDraft: func() response {
			fx.putDraft(fx.clerkA, "draft-d", 0, draftSecret, http.StatusCreated)
			r := fx.do("DELETE", protocol.Path(protocol.PathDraft, "draft-d"), fx.clerkB, nil)
			denied(r)
			denied(fx.do("DELETE", protocol.Path(protocol.PathDraft, "draft-d"), fx.reviewer, nil))
			denied(fx.do("DELETE", protocol.Path(protocol.PathDraft, "draft-d"), fx.admin, nil))
			if r := fx.putDraft(fx.clerkA, "draft-d", 1, draftSecret+"，改过", http.StatusOK); r.StatusCode != http.StatusOK {
				t.Errorf("A's draft after the others' deletes: %d %s", r.StatusCode, r.body)
			}
			return r
		},
		"GET " + protocol.PathVerify: func() response {
			return fx.do("GET", protocol.Path(protocol.PathVerify, app.CodeID(f.Revision.ID)+"-1-000000000000"), fx.clerkB, nil)
		},
		"GET " + protocol.PathReviewPDF: func() response {
			return fx.do("GET", protocol.Path(protocol.PathReviewPDF, f.ID, f.Revision.ID), fx.clerkB, nil)
		},
	}
	for _, rt := range fx.srv.Routes() {
		c, ok := cases[rt.Pattern]
		if !ok {
			t.Errorf("route %s (%s) has no scoping case", rt.Pattern, rt.Access)
			continue
		}
		delete(cases, rt.Pattern)
		r := c()
		for _, s := range secrets {
			if s != "" && bytes.Contains(r.body, []byte(s)) && rt.Pattern != "GET "+protocol.PathOpenAPI {
				t.Errorf("%s leaks %q: %s", rt.Pattern, s, r.body)
			}
		}
		if rt.Access != "public" {
			nr := fx.do(strings.Fields(rt.Pattern)[0], strings.NewReplacer("{id}", f.ID, "{rev}", f.Revision.ID, "{sha256}", sha(att)).Replace(strings.Fields(rt.Pattern)[1]), "", nil)
			if nr.StatusCode != http.StatusUnauthorized {
				t.Errorf("%s without a token: %d", rt.Pattern, nr.StatusCode)
			}
		}
	}
	for p := range cases {
		t.Errorf("scoping case %s matches no route", p)
	}
	// A's filing is untouched by all of the above.
	var d protocol.FilingDetail
	fx.mustJSON("GET", protocol.Path(protocol.PathFiling, f.ID), fx.clerkA, nil, http.StatusOK, &d)
	if d.Status != app.StatusPreliminary || len(d.History) != 2 {
		t.Errorf("A's filing changed: %s, %d transitions", d.Status, len(d.History))
	}
}

// TestRoutesMatchOpenAPI fails when the route table and the OpenAPI
// document disagree in either direction.
func TestRoutesMatchOpenAPI(t *testing.T) {
	fx := MustBureau(t)
	ops, err := protocol.Operations()
	if err != nil {
		t.Fatal(err)
	}
	var routes []string
	for _, r := range fx.srv.Routes() {
		routes = append(routes, r.Pattern)
		if !slices.Contains(ops, r.Pattern) {
			t.Errorf("route %s is not in openapi.json", r.Pattern)
		}
	}
	for _, op := range ops {
		if !slices.Contains(routes, op) {
			t.Errorf("openapi.json describes %s, which the server does not serve", op)
		}
	}
	var doc map[string]any
	fx.mustJSON("GET", protocol.PathOpenAPI, "", nil, http.StatusOK, &doc)
	if doc["openapi"] != "3.1.0" {
		t.Errorf("served document: openapi = %v", doc["openapi"])
	}
}

func TestUnknownRouteIsAProblem(t *testing.T) {
	fx := MustBureau(t)
	fx.expectProblem("GET", "/api/v1/nope", "", nil, http.StatusNotFound, app.ENOTFOUND)
	fx.expectProblem("GET", protocol.PathMe, "not-a-token", nil, http.StatusUnauthorized, app.EUNAUTHORIZED)
}

// TestWrongMethodIsA405: a path that exists with other methods answers 405
// method_not_allowed with an Allow header naming them, before any
// authentication; a path with a parameter too.
func TestWrongMethodIsA405(t *testing.T) {
	fx := MustBureau(t)
	for _, tc := range []struct{ method, path, allow string }{
		{"GET", protocol.PathLogin, "POST"},
		{"DELETE", protocol.PathChanges, "GET, HEAD"},
		{"PUT", "/api/v1/attachments/" + strings.Repeat("a", 64), "GET, HEAD, PATCH"},
	} {
		r := fx.do(tc.method, tc.path, "", nil)
		if p := r.problem(t); r.StatusCode != http.StatusMethodNotAllowed || p.Code != protocol.CodeMethodNotAllowed ||
			r.Header.Get("Allow") != tc.allow {
			t.Errorf("%s %s: %d %s, Allow %q; want 405 %s, Allow %q", tc.method, tc.path, r.StatusCode, r.body,
				r.Header.Get("Allow"), protocol.CodeMethodNotAllowed, tc.allow)
		}
	}
}

// adminDenied is the scoping case of an admin route: unit B's clerk and the
// reviewer are refused, and unit A's clerk can still work afterwards.
func adminDenied(fx *fixture, denied func(response), method, path string, body any) func() response {
	return func() response {
		r := fx.do(method, path, fx.clerkB, body)
		denied(r)
		denied(fx.do(method, path, fx.reviewer, body))
		fx.mustJSON("GET", protocol.PathMe, fx.clerkA, nil, http.StatusOK, nil)
		return r
	}
}

const draftSecret = "甲单位未提交的草稿：智慧社区平台"

// draftPut is the body of PUT /drafts/{id} for a draft holding text.
func draftPut(t *testing.T, base int64, text string) protocol.DraftPut {
	t.Helper()
	body, err := json.Marshal(map[string]string{"text": text})
	if err != nil {
		t.Fatal(err)
	}
	return protocol.DraftPut{BaseVersion: base, SHA256: sha(body), Body: body}
}

// putDraft stores a draft of the caller's unit and checks the status.
func (fx *fixture) putDraft(token, id string, base int64, text string, want int) response {
	fx.tb.Helper()
	r := fx.do("PUT", protocol.Path(protocol.PathDraft, id), token, draftPut(fx.tb.(*testing.T), base, text))
	if r.StatusCode != want {
		fx.tb.Errorf("PUT draft %s over %d: %d %s, want %d", id, base, r.StatusCode, r.body, want)
	}
	return r
}
