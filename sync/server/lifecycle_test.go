package server_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"egovdesk/app"
	"egovdesk/assets"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server"
)

// setProfile sets one of the shipped rule profiles on fx's bureau.
func setProfile(t testing.TB, fx *fixture, name string) {
	t.Helper()
	data, err := assets.Profiles.ReadFile("profiles/" + name + ".json")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fx.srv.SetProfile(context.Background(), name+".json", data); err != nil {
		t.Fatal(err)
	}
}

// wuhanAccepted submits unit A's declaration (180 万元: 武汉's 审批 route),
// sets 武汉's profile and has the reviewer accept it.
func wuhanAccepted(t *testing.T, fx *fixture) *app.Filing {
	t.Helper()
	f := newFiling(t, fx.unitA.ID)
	fx.submit(fx.clerkA, f, http.StatusCreated)
	setProfile(t, fx, "wuhan")
	fx.decide(fx.reviewer, f.ID, app.ActionAccept, "", http.StatusOK)
	return f
}

// decided submits unit A's declaration decl and has the reviewer accept
// and approve it: a later filing waits for its project's decision
// (app.CheckProjectDecided).
func (fx *fixture) decided(t *testing.T, decl *app.Filing) {
	t.Helper()
	fx.submit(fx.clerkA, decl, http.StatusCreated)
	fx.decide(fx.reviewer, decl.ID, app.ActionAccept, "", http.StatusOK)
	fx.decide(fx.reviewer, decl.ID, app.ActionApprove, "同意。信息资源共享分析和密码应用方案可行。", http.StatusOK)
}

// yunanProfessional is unit A's 专业类 project (180 万元: 郁南's 立项审批),
// approved, with 郁南's profile set.
func yunanProfessional(t *testing.T, fx *fixture) *app.Filing {
	t.Helper()
	decl := newFiling(t, fx.unitA.ID)
	decl.Declaration.Class = app.ClassProfessional
	fx.decided(t, decl)
	setProfile(t, fx, "yunan")
	return decl
}

// laterFiling returns a draft of kind k in the project of decl.
func laterFiling(t *testing.T, k app.Kind, decl *app.Filing) *app.Filing {
	t.Helper()
	f, err := app.NewFiling(k, uuid.NewString(), uuid.NewString(), decl.UnitID, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	f.ProjectID = decl.ID
	return f
}

// messages joins a problem's detail and field messages.
func messages(p protocol.Problem) string {
	s := p.Detail
	for _, fe := range p.Errors {
		s += "；" + fe.Message
	}
	return s
}

// adjustmentOf is an adjustment of the apptest declaration's 180 万元
// estimate that moves moved 万元 from hardware to software development.
func adjustmentOf(typ app.AdjustType, moved int64) *app.Adjustment {
	return &app.Adjustment{ProjectName: "城关镇智慧社区综合服务平台", UnitName: "霍邱县城关镇人民政府", ApprovalRef: "武数审〔2027〕8号",
		Type: typ, Reason: "根据市政府工作部署增加养老补贴对接功能", ApprovedTotal: app.Wans(180), GoalUnchanged: true,
		Situation: "superior_request",
		Before: []app.BudgetItem{{Category: app.BudgetHardware, Name: "移动终端", Amount: app.Wans(60)},
			{Category: app.BudgetSoftwareDev, Name: "平台软件开发", Amount: app.Wans(120)}},
		After: []app.BudgetItem{{Category: app.BudgetHardware, Name: "移动终端", Amount: app.Wans(60 - moved)},
			{Category: app.BudgetSoftwareDev, Name: "平台软件开发", Amount: app.Wans(120 + moved)}},
		AppliedOn: "2027-02-27", Contact: app.Contact{Person: "李梅", Phone: "0564-6012345"}}
}

// A go-live and an adjustment of a declared project are received over a
// real socket, listed in the review queue by their kind, decided, and the
// adjustment's route and moved share are in the console's verdict panel.
// Before the life-cycle kinds were offered the bureau answered 422.
func TestLifecycleFilingsAreReceivedAndDecided(t *testing.T) {
	fx := MustBureau(t) // served by httptest on a loopback socket, which the console's browser needs
	decl := newFiling(t, fx.unitA.ID)
	fx.decided(t, decl)
	setProfile(t, fx, "wuhan")

	live := laterFiling(t, app.KindGoLive, decl)
	live.GoLive = &app.GoLive{ProjectName: decl.Declaration.ProjectName, UnitName: decl.Declaration.UnitName,
		GoLiveOn: "2027-02-20", Scope: "全镇 12 个社区上线受理、办件和统计功能", Contact: app.Contact{Person: "李梅", Phone: "0564-6012345"}}
	if rc := fx.submit(fx.clerkA, live, http.StatusCreated); rc.FilingStatus != app.StatusSubmitted {
		t.Fatalf("go-live receipt: %+v", rc)
	}
	adj := laterFiling(t, app.KindAdjustment, decl)
	adj.Adjustment = adjustmentOf(app.AdjustContent, 27) // 27 of 180 万元: exactly 15 %
	fx.submit(fx.clerkA, adj, http.StatusCreated)

	var page protocol.QueuePage
	fx.mustJSON("GET", protocol.PathReviewQueue+"?kind=adjustment", fx.reviewer, nil, http.StatusOK, &page)
	if len(page.Filings) != 1 || page.Filings[0].ID != adj.ID || !strings.Contains(page.Filings[0].Title, "项目调整备案") {
		t.Fatalf("queue by kind adjustment: %+v", page.Filings)
	}
	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	b.get("/console/queue?" + url.Values{"kind": {"go_live"}}.Encode())
	if !strings.Contains(b.last, live.ID) || strings.Contains(b.last, adj.ID) {
		t.Error("console queue filtered by go_live does not list exactly the go-live")
	}
	for _, f := range []*app.Filing{live, adj} {
		var d protocol.FilingDetail
		fx.mustJSON("GET", protocol.Path(protocol.PathReviewFiling, f.ID), fx.reviewer, nil, http.StatusOK, &d)
		if !slices.Contains(d.Allowed, app.ActionFile) {
			t.Fatalf("%s: allowed %v", f.Kind, d.Allowed)
		}
		if r := fx.decide(fx.reviewer, f.ID, app.ActionFile, "予以备案", http.StatusOK); r.Filing.Status != app.StatusFiled {
			t.Fatalf("%s decided: %+v", f.Kind, r)
		}
	}

	b.get("/console/filings/" + adj.ID)
	for _, want := range []string{"概算明细调整", "可自行调整", "占批复概算 15%", "✓ 建设目标不变", "按现行规则校验通过"} {
		if !strings.Contains(b.last, want) {
			t.Errorf("adjustment page lacks %q", want)
		}
	}
	if resp := b.get("/console/filings/" + adj.ID + "/revisions/1/pdf"); resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" {
		t.Errorf("the adjustment's print: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	b.get("/console/filings/" + live.ID)
	if !strings.Contains(b.last, "2027-02-20") || !strings.Contains(b.last, "运行范围") {
		t.Error("go-live page lacks its date or scope")
	}
	// One 分 over 15 % goes to a new approval: the route, not a refusal.
	over := laterFiling(t, app.KindAdjustment, decl)
	over.Adjustment = adjustmentOf(app.AdjustContent, 27)
	over.Adjustment.After[0].Amount--
	over.Adjustment.After[1].Amount++
	fx.clock.Advance(time.Minute) // received after adj: the project lists it after
	fx.submit(fx.clerkA, over, http.StatusCreated)
	b.get("/console/filings/" + over.ID)
	if strings.Contains(b.last, "可自行调整") || !strings.Contains(b.last, "✗ 资金调整数额") {
		t.Error("an adjustment over 15 % is shown as a self-adjustment")
	}

	// The review API lists the project's filings in the order of its life.
	var list protocol.FilingList
	fx.mustJSON("GET", protocol.Path(protocol.PathReviewProject, decl.ID), fx.reviewer, nil, http.StatusOK, &list)
	var got []string
	for _, f := range list.Filings {
		got = append(got, f.ID)
	}
	if want := []string{decl.ID, adj.ID, over.ID, live.ID}; !slices.Equal(got, want) {
		t.Errorf("project %s lists %v, want %v", decl.ID, got, want)
	}
	fx.expectProblem("GET", protocol.Path(protocol.PathReviewProject, live.ID), fx.reviewer, nil, http.StatusNotFound, app.ENOTFOUND)
	fx.expectProblem("GET", protocol.Path(protocol.PathReviewProject, decl.ID), fx.clerkA, nil, http.StatusForbidden, "forbidden")
}

// A later filing is checked against the project's declaration as the
// bureau stored it: 郁南 第二十条 takes change filings of 专业类 projects
// only, so the same adjustment is refused for a 公共类 project and received
// for a 专业类 one, each submitted alone and in one batch with its
// declaration.
func TestLifecycleRulesReadTheStoredDeclaration(t *testing.T) {
	fx := MustServedBureau(t)
	public := newFiling(t, fx.unitA.ID)
	professional := newFiling(t, fx.unitA.ID)
	professional.Declaration.Class = app.ClassProfessional
	fx.decided(t, public)
	fx.decided(t, professional)
	setProfile(t, fx, "yunan")

	bad := laterFiling(t, app.KindAdjustment, public)
	bad.Adjustment = adjustmentOf(app.AdjustMajorChange, 10)
	if p := fx.expectProblem("POST", revPath(bad), fx.clerkA, submitReq(t, bad), http.StatusUnprocessableEntity, "invalid"); !strings.Contains(messages(p), "本项目不适用") {
		t.Errorf("公共类 project's change: %+v", p)
	}
	good := laterFiling(t, app.KindAdjustment, professional)
	good.Adjustment = adjustmentOf(app.AdjustMajorChange, 10)
	fx.submit(fx.clerkA, good, http.StatusCreated)

	// In a batch, the declaration sent with it counts.
	decl := yunanReady(newFiling(t, fx.unitA.ID))
	withDecl := laterFiling(t, app.KindAdjustment, decl)
	withDecl.Adjustment = adjustmentOf(app.AdjustMajorChange, 10)
	var resp protocol.BatchSubmitResponse
	fx.mustJSON("POST", protocol.PathSubmissions, fx.clerkA, protocol.BatchSubmitRequest{Submissions: []protocol.SubmitRequest{
		submitReq(t, decl), submitReq(t, withDecl)}}, http.StatusOK, &resp)
	if r := resp.Results[0]; r.Status != http.StatusCreated {
		t.Fatalf("the declaration: %d %+v", r.Status, r.Problem)
	}
	if r := resp.Results[1]; r.Status != http.StatusUnprocessableEntity || r.Problem == nil || !strings.Contains(messages(*r.Problem), "本项目不适用") {
		t.Errorf("adjustment batched with its 公共类 declaration: %d %+v", r.Status, r.Problem)
	}

	// But not a revision of the declaration the bureau refuses (round 11:
	// a made-up 专业类 revision that builds on nothing, sent before the
	// change, had it admitted on the made-up route).
	fake := *public
	fake.Revision.ID = uuid.NewString()
	fake.Declaration = new(app.Declaration)
	*fake.Declaration = *public.Declaration
	fake.Declaration.Class = app.ClassProfessional
	change := laterFiling(t, app.KindAdjustment, public)
	change.Adjustment = adjustmentOf(app.AdjustMajorChange, 10)
	resp = protocol.BatchSubmitResponse{}
	fx.mustJSON("POST", protocol.PathSubmissions, fx.clerkA, protocol.BatchSubmitRequest{Submissions: []protocol.SubmitRequest{
		submitReq(t, &fake), submitReq(t, change)}}, http.StatusOK, &resp)
	if r := resp.Results[0]; r.Status < 400 {
		t.Fatalf("the made-up revision was not refused: %d", r.Status)
	}
	if r := resp.Results[1]; r.Status != http.StatusUnprocessableEntity || r.Problem == nil || !strings.Contains(messages(*r.Problem), "本项目不适用") {
		t.Errorf("a change batched after a refused revision of its declaration: %d %+v", r.Status, r.Problem)
	}
	// Nor a declaration that fails its own rules: the change is checked
	// as if sent after it was refused, as one naming a project the bureau
	// does not have (what every rule of the kind asks), not on the
	// refused 专业类.
	broken := yunanReady(newFiling(t, fx.unitA.ID))
	broken.Declaration.Class = app.ClassProfessional
	broken.Declaration.Confirmations = nil
	brokenChange := laterFiling(t, app.KindAdjustment, broken)
	brokenChange.Adjustment = adjustmentOf(app.AdjustMajorChange, 10)
	resp = protocol.BatchSubmitResponse{}
	fx.mustJSON("POST", protocol.PathSubmissions, fx.clerkA, protocol.BatchSubmitRequest{Submissions: []protocol.SubmitRequest{
		submitReq(t, broken), submitReq(t, brokenChange)}}, http.StatusOK, &resp)
	if r := resp.Results[0]; r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("a declaration without a name: %d", r.Status)
	}
	alone := laterFiling(t, app.KindAdjustment, broken)
	alone.Adjustment = adjustmentOf(app.AdjustMajorChange, 10)
	want := fx.do("POST", revPath(alone), fx.clerkA, submitReq(t, alone)).StatusCode
	if r := resp.Results[1]; r.Status != want {
		t.Errorf("a change batched with a declaration refused by its own rules: %d, sent alone %d", r.Status, want)
	}
}

// yunanReady makes f, a declaration of newFiling's, one 郁南's profile
// receives: its two confirmations and the attachments it asks for.
func yunanReady(f *app.Filing) *app.Filing {
	f.Declaration.Confirmations = []string{"not_excluded", "not_classified"}
	for i, m := range []string{"construction_plan", "crypto_plan"} {
		f.Attachments = append(f.Attachments, app.Attachment{Material: m, Name: m + ".pdf",
			SHA256: strings.Repeat(string("ab"[i]), 64), Size: 10, MediaType: "application/pdf"})
	}
	return f
}

// The console checks a later filing, as the bureau did on receipt, against
// its own unit's declaration only (round 11: a unit's change naming another
// unit's declaration, received as one of a project it does not have, was
// checked in the console against the other unit's).
func TestConsoleChecksALaterFilingAgainstItsUnitsDeclaration(t *testing.T) {
	fx := MustBureau(t)
	public := newFiling(t, fx.unitA.ID) // 公共类: 郁南 takes no major change of it
	fx.submit(fx.clerkA, public, http.StatusCreated)
	setProfile(t, fx, "yunan")
	change := laterFiling(t, app.KindAdjustment, public)
	change.UnitID = fx.unitB.ID
	change.Adjustment = adjustmentOf(app.AdjustMajorChange, 10)
	change.Adjustment.UnitName = fx.unitB.Name
	fx.submit(fx.clerkB, change, http.StatusCreated)
	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	b.get("/console/filings/" + change.ID)
	if !strings.Contains(b.last, "重大变更备案") {
		t.Fatalf("the change's page:\n%s", b.last)
	}
	if strings.Contains(b.last, "不受理") || strings.Contains(b.last, "本项目不适用") {
		t.Error("the change of unit B is checked against unit A's declaration")
	}
}

// A later filing batched with a revision of its declaration that the
// bureau refuses is judged as if sent alone, on the declaration the
// bureau keeps, whatever the refusal (found in review: the first fix
// guessed the store's answer, and an attachment of another size, a reused
// revision ID or another unit's filing ID got past the guess).
func TestBatchedLaterFilingsFollowTheStoredDeclaration(t *testing.T) {
	for _, tc := range []struct {
		name string
		fake func(t *testing.T, fx *fixture, public *app.Filing) *app.Filing
	}{
		{"another unit's filing ID", func(t *testing.T, fx *fixture, public *app.Filing) *app.Filing {
			theirs := yunanReady(newFiling(t, fx.unitB.ID))
			fx.submit(fx.clerkB, theirs, http.StatusCreated)
			f := yunanReady(newFiling(t, fx.unitA.ID))
			f.ID = theirs.ID
			return f
		}},
		{"an attachment of another size", func(t *testing.T, fx *fixture, public *app.Filing) *app.Filing {
			fx.decide(fx.reviewer, public.ID, app.ActionReturn, "请补充", http.StatusOK)
			data := []byte("a catalogue of shared data resources, fifty bytes.")
			fx.upload(fx.clerkA, data, len(data))
			f := yunanReady(newFiling(t, fx.unitA.ID))
			f.ID = public.ID
			f.Revision = app.Revision{ID: uuid.NewString(), Number: 2, BaseID: public.Revision.ID}
			f.Attachments = append(f.Attachments, app.Attachment{Material: "catalogue", Name: "目录.pdf", SHA256: sha(data), Size: 4096, MediaType: "application/pdf"})
			return f
		}},
		{"a revision ID the filing has", func(t *testing.T, fx *fixture, public *app.Filing) *app.Filing {
			fx.decide(fx.reviewer, public.ID, app.ActionReturn, "请补充", http.StatusOK)
			f := yunanReady(newFiling(t, fx.unitA.ID))
			f.ID = public.ID
			f.Revision = app.Revision{ID: public.Revision.ID, Number: 2, BaseID: public.Revision.ID}
			return f
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fx := MustBureau(t)
			public := newFiling(t, fx.unitA.ID) // 公共类: 郁南 takes no major change of it
			fx.submit(fx.clerkA, public, http.StatusCreated)
			setProfile(t, fx, "yunan")
			fake := tc.fake(t, fx, public)
			fake.Declaration.Class = app.ClassProfessional // a major change of which 郁南 takes
			change := laterFiling(t, app.KindAdjustment, fake)
			change.Adjustment = adjustmentOf(app.AdjustMajorChange, 10)
			alone := laterFiling(t, app.KindAdjustment, fake)
			alone.Adjustment = adjustmentOf(app.AdjustMajorChange, 10)
			want := fx.do("POST", revPath(alone), fx.clerkA, submitReq(t, alone)).StatusCode

			var resp protocol.BatchSubmitResponse
			fx.mustJSON("POST", protocol.PathSubmissions, fx.clerkA, protocol.BatchSubmitRequest{Submissions: []protocol.SubmitRequest{
				submitReq(t, fake), submitReq(t, change)}}, http.StatusOK, &resp)
			if resp.Results[0].Status < 400 {
				t.Fatalf("the made-up declaration was not refused: %d", resp.Results[0].Status)
			}
			if got := resp.Results[1].Status; got != want {
				t.Errorf("the change batched with it: %d, sent alone: %d", got, want)
			}
		})
	}
}

// 郁南 第七条: a declaration sent for next year's plan is how a project enters
// it, so "未列入" does not stop it; sent back for changes after New Year, its
// revision is judged as of its first submission and received again. A new
// declaration for the year already begun is a mid-year addition (第八条) and
// is refused.
func TestReturnedDeclarationKeepsItsPlanYear(t *testing.T) {
	fx := MustBureau(t, func(c *server.Config) { c.PasswordPolicy.MaxAge = -1 }) // 2027-03-01; the clerk logs in again next year
	setProfile(t, fx, "yunan")
	plan, crypto := []byte("%PDF-1.7 年度需求方案"), []byte("%PDF-1.7 密码应用方案")
	f := newFiling(t, fx.unitA.ID)
	f.Declaration.Confirmations = []string{"not_excluded", "not_classified"}
	f.Declaration.Plan, f.Declaration.PlanYear = app.PlanNotListed, 2028
	for m, data := range map[string][]byte{"construction_plan": plan, "crypto_plan": crypto} {
		f.Attachments = append(f.Attachments, app.Attachment{Material: m, Name: m + ".pdf", SHA256: sha(data),
			Size: int64(len(data)), MediaType: "application/pdf"})
	}
	fx.submit(fx.clerkA, f, http.StatusCreated)
	fx.upload(fx.clerkA, plan, 1024)
	fx.upload(fx.clerkA, crypto, 1024)
	fx.decide(fx.reviewer, f.ID, app.ActionReturn, "请补充绩效指标", http.StatusOK)

	fx.clock.Advance(310 * 24 * time.Hour) // 2028-01-05
	fx.clerkA = fx.login("clerk-a").Token
	f.Revision.SubmittedAt = fx.clock.Now()
	f.Status = app.StatusReturned
	if err := f.Revise(uuid.NewString(), fx.clock.Now()); err != nil {
		t.Fatal(err)
	}
	f.Declaration.Indicators = "事件按时办结率不低于 95%"
	if rc := fx.submit(fx.clerkA, f, http.StatusCreated); rc.Status != protocol.ReceiptReceived {
		t.Errorf("the revision after New Year: %+v", rc)
	}

	late := newFiling(t, fx.unitA.ID)
	late.Declaration.Confirmations = f.Declaration.Confirmations
	late.Declaration.Plan, late.Declaration.PlanYear = app.PlanNotListed, 2028
	late.Attachments = f.Attachments
	if p := fx.expectProblem("POST", revPath(late), fx.clerkA, submitReq(t, late), http.StatusUnprocessableEntity, "invalid"); !strings.Contains(messages(p), "不能在计划形成后申报立项") {
		t.Errorf("a new declaration for the year begun: %+v", p)
	}
}

// An adjustment's 原批复概算总投资 is the bureau's record of the project:
// the 核定 amount of its approval. 武汉 第十九条's 15 % is counted on it, and
// a unit that typed its own total (180 万元 of a project approved at 150)
// moved 27 万元 as 15 % and was told it might adjust on its own (found in
// a regulation review). Refused naming the approved amount.
func TestAdjustmentHeldToTheApprovedTotal(t *testing.T) {
	fx := MustBureau(t)
	decl := wuhanAccepted(t, fx)
	var resp protocol.DecisionResponse
	fx.mustJSON("POST", protocol.Path(protocol.PathDecisions, decl.ID), fx.reviewer,
		protocol.DecisionRequest{Action: app.ActionApprove, Approved: app.Wans(150), Comment: "同意立项。共享分析充分，密码应用方案可行。"},
		http.StatusOK, &resp, fx.seen(fx.reviewer, decl.ID)...)

	adj := laterFiling(t, app.KindAdjustment, decl)
	adj.Adjustment = adjustmentOf(app.AdjustContent, 27) // of 180 万元, as the unit typed it
	var p protocol.Problem
	fx.mustJSON("POST", revPath(adj), fx.clerkA, submitReq(t, adj), http.StatusUnprocessableEntity, &p)
	if !slices.ContainsFunc(p.Errors, func(e app.FieldError) bool {
		return e.Field == "approved_total" && strings.Contains(e.Message, "与项目的核定投资 150 万元 不一致")
	}) {
		t.Errorf("an adjustment of a made-up total: %s", messages(p))
	}
	// Of the approved 150 万元 (lines as approved), it is received.
	a := adjustmentOf(app.AdjustContent, 20)
	a.ApprovedTotal = app.Wans(150)
	a.Before[1].Amount, a.After[1].Amount = app.Wans(90), app.Wans(110)
	adj.Adjustment = a
	fx.submit(fx.clerkA, adj, http.StatusCreated)
}

// A 逾期交付 moves no money and keeps no goal: its page lists neither the
// 批复概算总投资 nor 建设目标不变 it was never asked for, and its rules panel
// no 资金调整数额 (they read 0, 否 and 0; found in a walkthrough); it gives
// its new date.
func TestOverdueAdjustmentShowsWhatItSays(t *testing.T) {
	fx := MustBureau(t)
	decl := yunanProfessional(t, fx)
	adj := laterFiling(t, app.KindAdjustment, decl)
	adj.Adjustment = &app.Adjustment{ProjectName: decl.Declaration.ProjectName, UnitName: fx.unitA.Name, Type: app.AdjustOverdue,
		Reason: "供应商芯片到货延迟，经协商延期交付", NewDueOn: "2027-09-30", AppliedOn: "2027-02-27",
		Contact: app.Contact{Person: "李梅", Phone: "0564-6012345"}}
	fx.submit(fx.clerkA, adj, http.StatusCreated)
	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	b.get("/console/filings/" + adj.ID)
	for _, unasked := range []string{"批复概算总投资", "建设目标不变", "资金调整数额"} {
		if strings.Contains(b.last, unasked) {
			t.Errorf("the 逾期交付's page shows %s", unasked)
		}
	}
	if !strings.Contains(b.last, "预计交付日期") || !strings.Contains(b.last, "2027-09-30") || !strings.Contains(b.last, "调整路径") {
		t.Errorf("the 逾期交付's page lacks its date or its route:\n%s", b.last)
	}
}
