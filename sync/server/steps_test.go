package server_test

import (
	"context"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"egovdesk/app"
	"egovdesk/assets"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server"
)

// stepAccounts adds the other roles of 霍邱's review flow to fx, sets the
// 霍邱 profile, and returns their tokens by role.
func stepAccounts(t *testing.T, fx *fixture) map[app.Role]string {
	t.Helper()
	ctx := context.Background()
	data, err := assets.Profiles.ReadFile("profiles/huoqiu.json")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fx.srv.SetProfile(ctx, "huoqiu.json", data); err != nil {
		t.Fatal(err)
	}
	tokens := map[app.Role]string{app.RoleReviewer: fx.reviewer, app.RoleAdmin: fx.admin}
	for _, r := range []app.Role{app.RoleFinance, app.RoleNDRC, app.RoleCrypto, app.RoleApprover} {
		if _, err := fx.srv.AddAccount(ctx, server.NewAccount{Login: string(r), Name: r.Label() + "张", Role: r, Password: password}); err != nil {
			t.Fatal(err)
		}
		tokens[r] = fx.login(string(r)).Token
	}
	return tokens
}

// decideReq posts a decision as token and expects status.
func (fx *fixture) decideReq(token, id string, req protocol.DecisionRequest, status int) protocol.DecisionResponse {
	fx.tb.Helper()
	var resp protocol.DecisionResponse
	fx.mustJSON("POST", protocol.Path(protocol.PathDecisions, id), token, req, status, &resp, fx.seen(token, id)...)
	return resp
}

// decisionsOf returns the transitions the unit's change feed carries for filing id.
func (fx *fixture) decisionsOf(token, id string) []app.Transition {
	fx.tb.Helper()
	var page protocol.ChangesResponse
	fx.mustJSON("GET", protocol.PathChanges+"?limit=500", token, nil, http.StatusOK, &page)
	var out []app.Transition
	for _, c := range page.Changes {
		if c.Type == protocol.ChangeDecision && c.FilingID == id {
			out = append(out, *c.Transition)
		}
	}
	return out
}

// TestReviewStepsOverHTTP: under 霍邱's profile each step is taken by the
// account of its role only, the joint review by each department, and the
// approval with its approved amount reaches the clerk through the feed.
func TestReviewStepsOverHTTP(t *testing.T) {
	fx := MustBureau(t)
	f := newFiling(t, fx.unitA.ID)
	fx.submit(fx.clerkA, f, http.StatusCreated) // before the profile, which wants more attachments
	tok := stepAccounts(t, fx)
	declared := f.Declaration.TotalInvestment

	p := fx.expectProblem("POST", protocol.Path(protocol.PathDecisions, f.ID), tok[app.RoleFinance],
		protocol.DecisionRequest{Action: app.ActionAccept}, http.StatusForbidden, app.EFORBIDDEN, fx.seen(tok[app.RoleFinance], f.ID)...)
	if p.Detail != "“受理”须由审核人员办理，您的账号是财政部门·联审" {
		t.Errorf("refusal %q", p.Detail)
	}
	fx.decideReq(tok[app.RoleReviewer], f.ID, protocol.DecisionRequest{Action: app.ActionAccept}, http.StatusOK)

	p = fx.expectProblem("POST", protocol.Path(protocol.PathDecisions, f.ID), tok[app.RoleReviewer],
		protocol.DecisionRequest{Action: app.ActionPass, Approved: declared + 1}, http.StatusUnprocessableEntity, app.EINVALID, fx.seen(tok[app.RoleReviewer], f.ID)...)
	if len(p.Errors) != 1 || p.Errors[0].Field != "approved" {
		t.Errorf("approved above declared: %+v", p)
	}
	r := fx.decideReq(tok[app.RoleReviewer], f.ID, protocol.DecisionRequest{Action: app.ActionPass, Approved: declared - app.Wans(10)}, http.StatusOK)
	if r.Transition.Step != "初审" || r.Transition.Approved != declared-app.Wans(10) {
		t.Errorf("pass: %+v", r.Transition)
	}

	var d protocol.FilingDetail
	fx.mustJSON("GET", protocol.Path(protocol.PathReviewFiling, f.ID), tok[app.RoleApprover], nil, http.StatusOK, &d)
	if len(d.Allowed) != 0 {
		t.Errorf("the approver may %v during the joint review", d.Allowed)
	}
	fx.mustJSON("GET", protocol.Path(protocol.PathReviewFiling, f.ID), tok[app.RoleNDRC], nil, http.StatusOK, &d)
	if !slices.Equal(d.Allowed, []app.Action{app.ActionConcur, app.ActionReturn}) {
		t.Errorf("ndrc may %v", d.Allowed)
	}
	fx.expectProblem("POST", protocol.Path(protocol.PathDecisions, f.ID), tok[app.RoleApprover],
		protocol.DecisionRequest{Action: app.ActionApprove}, http.StatusForbidden, app.EFORBIDDEN, fx.seen(tok[app.RoleApprover], f.ID)...)
	// Finance looks first and concurs last: the others' concurrences
	// meanwhile leave the filing as finance saw it.
	seen := fx.mustJSON("GET", protocol.Path(protocol.PathReviewFiling, f.ID), tok[app.RoleFinance], nil, http.StatusOK, nil).Header.Get(protocol.HeaderETag)
	for _, role := range []app.Role{app.RoleNDRC, app.RoleCrypto} {
		fx.decideReq(tok[role], f.ID, protocol.DecisionRequest{Action: app.ActionConcur, Comment: "同意"}, http.StatusOK)
	}
	if r := fx.do("POST", protocol.Path(protocol.PathDecisions, f.ID), tok[app.RoleFinance],
		protocol.DecisionRequest{Action: app.ActionConcur, Comment: "资金来源已落实"}, protocol.HeaderIfMatch, seen); r.StatusCode != http.StatusOK {
		t.Fatalf("finance concurring on a view without the others' concurrences: %d %s", r.StatusCode, r.body)
	}
	fx.expectProblem("POST", protocol.Path(protocol.PathDecisions, f.ID), tok[app.RoleFinance],
		protocol.DecisionRequest{Action: app.ActionConcur}, http.StatusForbidden, app.EFORBIDDEN, fx.seen(tok[app.RoleFinance], f.ID)...)
	// 批复立项 is 县发改委's (报县发改委审批), not the bureau's approver's.
	fx.expectProblem("POST", protocol.Path(protocol.PathDecisions, f.ID), tok[app.RoleApprover],
		protocol.DecisionRequest{Action: app.ActionApprove}, http.StatusForbidden, app.EFORBIDDEN, fx.seen(tok[app.RoleApprover], f.ID)...)
	// Refused for its amount, not as a decision overtaken by the concurrences.
	fx.expectProblem("POST", protocol.Path(protocol.PathDecisions, f.ID), tok[app.RoleNDRC],
		protocol.DecisionRequest{Action: app.ActionApprove, Approved: declared + app.Yuan}, http.StatusUnprocessableEntity, app.EINVALID, fx.seen(tok[app.RoleNDRC], f.ID)...)
	approved := declared - app.Wans(20)
	fx.decideReq(tok[app.RoleNDRC], f.ID, protocol.DecisionRequest{Action: app.ActionApprove, Approved: approved}, http.StatusOK)

	feed := fx.decisionsOf(fx.clerkA, f.ID)
	if len(feed) != 6 {
		t.Fatalf("the clerk's feed has %d decisions, want 6: %+v", len(feed), feed)
	}
	last := feed[5]
	if last.Action != app.ActionApprove || last.Approved != approved || last.Step != "批复立项" || last.Role != app.RoleNDRC || last.Actor != "发展改革部门张" {
		t.Errorf("approval in the feed: %+v", last)
	}
	if feed[4].Action != app.ActionConcur || feed[4].Role != app.RoleFinance || feed[4].To != app.StatusExpert || feed[4].Comment != "资金来源已落实" {
		t.Errorf("finance's concurrence in the feed: %+v", feed[4])
	}
}

// TestReturnWithRemarksOverHTTP: a 退回修改 carries remarks on fields to
// the clerk's feed; remarks out of the limits are refused naming the field.
func TestReturnWithRemarksOverHTTP(t *testing.T) {
	fx := MustBureau(t) // no profile: the single-reviewer flow
	f := newFiling(t, fx.unitA.ID)
	fx.submit(fx.clerkA, f, http.StatusCreated)
	path := protocol.Path(protocol.PathDecisions, f.ID)
	p := fx.expectProblem("POST", path, fx.reviewer, protocol.DecisionRequest{Action: app.ActionReturn, Comment: "请修改",
		Remarks: map[string]string{"goals": string(make([]rune, app.MaxRemarkText+1))}}, http.StatusUnprocessableEntity, app.EINVALID, fx.seen(fx.reviewer, f.ID)...)
	if len(p.Errors) == 0 || p.Errors[0].Field != "remarks.goals" {
		t.Errorf("a remark too long: %+v", p)
	}
	fx.expectProblem("POST", path, fx.reviewer, protocol.DecisionRequest{Action: app.ActionAccept,
		Remarks: map[string]string{"goals": "好"}}, http.StatusUnprocessableEntity, app.EINVALID, fx.seen(fx.reviewer, f.ID)...)
	fx.expectProblem("POST", path, fx.reviewer, protocol.DecisionRequest{Action: app.ActionAccept,
		Approved: app.Wans(1)}, http.StatusUnprocessableEntity, app.EINVALID, fx.seen(fx.reviewer, f.ID)...)
	remarks := map[string]string{"goals": "建设目标请量化到可考核的指标", "budget[0].amount": "请附三家询价"}
	fx.decideReq(fx.reviewer, f.ID, protocol.DecisionRequest{Action: app.ActionReturn, Comment: "请按逐项意见修改", Remarks: remarks}, http.StatusOK)
	feed := fx.decisionsOf(fx.clerkA, f.ID)
	if len(feed) != 1 || feed[0].Remarks["goals"] != remarks["goals"] || feed[0].Remarks["budget[0].amount"] != remarks["budget[0].amount"] || feed[0].Step != "" {
		t.Errorf("feed %+v", feed)
	}
}

// TestConsoleOverviewBySteps: under 霍邱's review steps the overview counts
// the declarations waiting at each step (受理, 初审, the joint review and
// the approval after it together) from the queue's counters by kind and
// status. Without steps the section is not there.
func TestConsoleOverviewBySteps(t *testing.T) {
	fx := MustBureau(t)
	var ids []string
	for range 4 {
		f := newFiling(t, fx.unitA.ID)
		fx.submit(fx.clerkA, f, http.StatusCreated)
		ids = append(ids, f.ID)
	}
	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	b.get("/console/overview")
	if strings.Contains(b.last, "按审核步骤") {
		t.Fatal("an overview by steps under a profile without steps")
	}

	tok := stepAccounts(t, fx)
	fx.decideReq(tok[app.RoleReviewer], ids[0], protocol.DecisionRequest{Action: app.ActionAccept}, http.StatusOK)
	fx.decideReq(tok[app.RoleReviewer], ids[1], protocol.DecisionRequest{Action: app.ActionAccept}, http.StatusOK)
	fx.decideReq(tok[app.RoleReviewer], ids[1], protocol.DecisionRequest{Action: app.ActionPass}, http.StatusOK)
	fx.decideReq(tok[app.RoleFinance], ids[1], protocol.DecisionRequest{Action: app.ActionConcur}, http.StatusOK)

	b.get("/console/overview")
	page := regexp.MustCompile(`\s+`).ReplaceAllString(b.last, " ")
	for _, want := range []string{
		// The flow takes declarations only: the kind is said, and its
		// count leads to the declarations at that step (the tiles above
		// count every kind).
		`<td>受理</td> <td>项目申报书</td> <td>审核人员</td> <td class="num"><a href="/console/queue?status=submitted&amp;kind=declaration&amp;scope=all">2</a></td>`,
		`<td>初审</td> <td>项目申报书</td> <td>审核人员</td> <td class="num"><a href="/console/queue?status=preliminary_review&amp;kind=declaration&amp;scope=all">1</a></td>`,
		`批复立项</td> <td>项目申报书</td> <td>财政部门·联审、发展改革部门·联审、密码管理部门·联审、发展改革部门</td> <td class="num"><a href="/console/queue?status=expert_review&amp;kind=declaration&amp;scope=all">1</a></td>`,
		"只计按这些步骤办理的材料类型",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("overview lacks %s", want)
		}
	}
	if strings.Contains(page, "件数无法从计数得出") {
		t.Error("霍邱's counted steps are said not to be counted")
	}
	// 郁南's flow covers its approval route only: its steps cannot be
	// counted from the counters, and the page says why its dashes are
	// there (they went unexplained; a walkthrough).
	setProfile(t, fx, "yunan")
	b.get("/console/overview")
	if !strings.Contains(b.last, "这一步只办理部分审批路径的材料") || !strings.Contains(b.last, "件数无法从计数得出，请点上方的状态") {
		t.Errorf("郁南's overview by steps does not say why its counts are —:\n%s", b.last)
	}
}

// TestQueueOverHTTPBySteps: GET /review/queue lists, as the console does,
// the filings waiting at a step of the caller's role: a joint-review
// department sees a filing only once it is in its 联审, the
// development-and-reform department again at 批复立项, the bureau's
// approver never (霍邱's text has 县发改委 approve), the reviewer the steps
// that are the reviewer's.
func TestQueueOverHTTPBySteps(t *testing.T) {
	fx := MustBureau(t)
	f := newFiling(t, fx.unitA.ID)
	fx.submit(fx.clerkA, f, http.StatusCreated)
	tok := stepAccounts(t, fx)
	listed := func(role app.Role) bool {
		t.Helper()
		var page protocol.QueuePage
		fx.mustJSON("GET", protocol.PathReviewQueue, tok[role], nil, http.StatusOK, &page)
		return slices.ContainsFunc(page.Filings, func(s protocol.FilingSummary) bool { return s.ID == f.ID })
	}
	want := func(stage string, roles map[app.Role]bool) {
		t.Helper()
		for role, w := range roles {
			if got := listed(role); got != w {
				t.Errorf("%s: %s lists the filing %t, want %t", stage, role, got, w)
			}
		}
	}
	want("submitted", map[app.Role]bool{app.RoleReviewer: true, app.RoleFinance: false, app.RoleApprover: false})
	fx.decideReq(tok[app.RoleReviewer], f.ID, protocol.DecisionRequest{Action: app.ActionAccept}, http.StatusOK)
	fx.decideReq(tok[app.RoleReviewer], f.ID, protocol.DecisionRequest{Action: app.ActionPass}, http.StatusOK)
	want("joint review", map[app.Role]bool{app.RoleFinance: true, app.RoleNDRC: true, app.RoleApprover: false})
	for _, role := range []app.Role{app.RoleFinance, app.RoleNDRC, app.RoleCrypto} {
		fx.decideReq(tok[role], f.ID, protocol.DecisionRequest{Action: app.ActionConcur}, http.StatusOK)
	}
	want("approval", map[app.Role]bool{app.RoleNDRC: true, app.RoleApprover: false, app.RoleFinance: false})
}

// The comment box says which of the decisions offered need a comment: the
// finance department, offered 联审同意 and 退回, was told 不予立项 needed one.
func TestCommentHintFollowsTheDecisionsOffered(t *testing.T) {
	fx := MustBureau(t)
	f := newFiling(t, fx.unitA.ID)
	fx.submit(fx.clerkA, f, http.StatusCreated)
	tok := stepAccounts(t, fx)
	fx.decideReq(tok[app.RoleReviewer], f.ID, protocol.DecisionRequest{Action: app.ActionAccept}, http.StatusOK)
	fx.decideReq(tok[app.RoleReviewer], f.ID, protocol.DecisionRequest{Action: app.ActionPass}, http.StatusOK)
	b := fx.browser()
	b.login(string(app.RoleFinance), http.StatusSeeOther)
	b.get("/console/filings/" + f.ID)
	_, box, _ := strings.Cut(b.last, `<textarea name="comment"`)
	box, _, _ = strings.Cut(box, ">")
	if !strings.Contains(box, "须写明意见") || strings.Contains(box, app.ActionReject.LabelFor(app.KindDeclaration)) {
		t.Errorf("finance's comment box: %s", box)
	}
}

// A decision the filing's status does not allow, sent on a view that is
// current (a fresh ETag), is refused as such (422), not as overtaken: an
// 受理 of a returned filing was told 已由您本人处理 (found from outside).
func TestDecisionOnACurrentViewIsRefusedAsItself(t *testing.T) {
	fx := MustBureau(t)
	f := newFiling(t, fx.unitA.ID)
	fx.submit(fx.clerkA, f, http.StatusCreated)
	fx.decideReq(fx.reviewer, f.ID, protocol.DecisionRequest{Action: app.ActionReturn, Comment: "请补充"}, http.StatusOK)
	p := fx.expectProblem("POST", protocol.Path(protocol.PathDecisions, f.ID), fx.reviewer, protocol.DecisionRequest{Action: app.ActionAccept},
		http.StatusUnprocessableEntity, app.EINVALID, fx.seen(fx.reviewer, f.ID)...)
	if strings.Contains(p.Detail, "已由") {
		t.Errorf("a refusal on a current view reads as overtaken: %+v", p)
	}
}
