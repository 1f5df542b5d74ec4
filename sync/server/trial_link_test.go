package server_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"egovdesk/app"
	"egovdesk/app/apptest"
	"egovdesk/sync/bureautest"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server"
	"egovdesk/sync/server/badgerstore"
	"egovdesk/sync/server/bureaustore"
)

// trialAndAcceptance returns a trial report of unit, ended by the fixture's
// day, and an acceptance application naming it, of the same project.
func trialAndAcceptance(t *testing.T, fx *fixture, unit string) (trial, acc *app.Filing) {
	t.Helper()
	project := uuid.NewString()
	trial, err := app.NewFiling(app.KindTrialReport, uuid.NewString(), uuid.NewString(), unit, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	trial.ProjectID = project
	trial.TrialReport = apptest.TrialReport()
	trial.TrialReport.TrialStart, trial.TrialReport.TrialEnd = "2027-01-08", "2027-02-09" // in the plan year (2027) of newFiling's project
	trial.TrialReport.UnitName = fx.unitA.Name
	acc, err = app.NewFiling(app.KindAcceptance, uuid.NewString(), uuid.NewString(), unit, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	acc.ProjectID = project
	acc.Acceptance = &app.Acceptance{UnitName: fx.unitA.Name, ApprovalRef: "霍数管〔2026〕12号", ContractAmount: app.Wans(86),
		CompletedOn: "2027-01-05", Summary: "按批复和合同完成全部建设内容", AppliedOn: "2027-02-20",
		Contact: app.Contact{Person: "王芳", Phone: "0564-6021234"}}
	acc.Acceptance.CopyTrial(trial.ID, trial.TrialReport)
	return trial, acc
}

// withContract uploads a contract and attaches it to acc (霍邱 requires it).
func withContract(fx *fixture, acc *app.Filing) {
	data := []byte("%PDF-1.4 contract of fifty bytes, more or less ok.")
	fx.upload(fx.clerkA, data, len(data))
	acc.Attachments = append(acc.Attachments, app.Attachment{Material: "contract", Name: "合同.pdf", SHA256: sha(data), Size: int64(len(data)), MediaType: "application/pdf"})
}

// anotherApplication returns an acceptance application of unit A's project
// decl naming its trial report trial, with a contract uploaded: a second
// (third…) application of the project.
func anotherApplication(t *testing.T, fx *fixture, decl, trial *app.Filing) *app.Filing {
	t.Helper()
	_, a := trialAndAcceptance(t, fx, fx.unitA.ID)
	a.ProjectID = decl.ID
	a.Acceptance.CopyTrial(trial.ID, trial.TrialReport)
	withContract(fx, a)
	return a
}

// fieldsOf returns the fields a problem names.
func fieldsOf(p *protocol.Problem) []string {
	if p == nil {
		return nil
	}
	var out []string
	for _, fe := range p.Errors {
		out = append(out, fe.Field)
	}
	return out
}

// The trial report an acceptance application names stands for its 试运行报告
// material, so the bureau checks it holds that report: of the unit, of the
// same project, over the period the application copied. Sent in one batch
// with the report, the application is checked after the report is stored.
func TestAcceptanceNamesATrialReportTheBureauHolds(t *testing.T) {
	fx := MustBureau(t)
	trial, acc := trialAndAcceptance(t, fx, fx.unitA.ID)
	p := fx.expectProblem("POST", revPath(acc), fx.clerkA, submitReq(t, acc), http.StatusUnprocessableEntity, app.EINVALID)
	if !slices.Contains(fieldsOf(&p), "trial_report_id") || !strings.Contains(messages(p), "数管局没有收到") {
		t.Fatalf("an application naming a report the bureau lacks: %+v", p)
	}
	if slices.Contains(fieldsOf(&p), "materials.trial_report") {
		t.Errorf("the named report is not counted as the material: %+v", p)
	}

	// Another unit's report, and this unit's report under another project
	// or over another period, are refused too.
	theirs, _ := trialAndAcceptance(t, fx, fx.unitB.ID)
	theirs.TrialReport.UnitName = fx.unitB.Name
	fx.submit(fx.clerkB, theirs, http.StatusCreated)
	acc.Acceptance.TrialReportID = theirs.ID
	p = fx.expectProblem("POST", revPath(acc), fx.clerkA, submitReq(t, acc), http.StatusUnprocessableEntity, app.EINVALID)
	if !slices.Contains(fieldsOf(&p), "trial_report_id") {
		t.Fatalf("an application naming another unit's report: %+v", p)
	}
	fx.submit(fx.clerkA, trial, http.StatusCreated)
	acc.Acceptance.TrialReportID = trial.ID
	acc.Acceptance.TrialEnd = "2027-02-10"
	acc.ProjectID = uuid.NewString()
	p = fx.expectProblem("POST", revPath(acc), fx.clerkA, submitReq(t, acc), http.StatusUnprocessableEntity, app.EINVALID)
	if f := fieldsOf(&p); !slices.Contains(f, "trial_report_id") || !slices.Contains(f, "trial_end") || !strings.Contains(messages(p), "另一个项目") {
		t.Fatalf("another project, another period: %+v", p)
	}
	acc.ProjectID = trial.ProjectID
	acc.Acceptance.CopyTrial(trial.ID, trial.TrialReport)
	fx.submit(fx.clerkA, acc, http.StatusCreated)

	// In one batch, report first or application first.
	for _, order := range []string{"report first", "application first"} {
		trial, acc := trialAndAcceptance(t, fx, fx.unitA.ID)
		reqs := []protocol.SubmitRequest{submitReq(t, trial), submitReq(t, acc)}
		if order == "application first" {
			slices.Reverse(reqs)
		}
		var resp protocol.BatchSubmitResponse
		fx.mustJSON("POST", protocol.PathSubmissions, fx.clerkA, protocol.BatchSubmitRequest{Submissions: reqs}, http.StatusOK, &resp)
		for i, r := range resp.Results {
			if r.Status != http.StatusCreated {
				t.Errorf("%s: item %d: %d %+v", order, i, r.Status, r.Problem)
			}
		}
		fx.decide(fx.reviewer, acc.ID, app.ActionAccept, "受理", http.StatusOK)
	}
	// A report the batch refuses does not carry its application.
	trial, acc = trialAndAcceptance(t, fx, fx.unitA.ID)
	trial.TrialReport.Contractor = ""
	var resp protocol.BatchSubmitResponse
	fx.mustJSON("POST", protocol.PathSubmissions, fx.clerkA, protocol.BatchSubmitRequest{Submissions: []protocol.SubmitRequest{
		submitReq(t, trial), submitReq(t, acc)}}, http.StatusOK, &resp)
	if resp.Results[0].Status != http.StatusUnprocessableEntity || !slices.Contains(fieldsOf(resp.Results[1].Problem), "trial_report_id") {
		t.Errorf("a refused report and its application: %+v", resp.Results)
	}
}

// The reviewer sees the named report as the 试运行报告 material, 已报送, with
// a link to it, beside the files attached for the others.
func TestConsoleShowsTheNamedTrialReportAsItsMaterial(t *testing.T) {
	fx := MustBureau(t)
	setProfile(t, fx, "huoqiu") // 试运行报告 and 合同 required
	trial, acc := trialAndAcceptance(t, fx, fx.unitA.ID)
	fx.submit(fx.clerkA, trial, http.StatusCreated)
	withContract(fx, acc)
	fx.submit(fx.clerkA, acc, http.StatusCreated)
	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	b.get("/console/filings/" + acc.ID)
	want := `<tr><td>试运行报告</td><td>必须</td><td>已报送</td><td><a href="/console/filings/` + trial.ID + `">本系统报送的试运行报告</a></td></tr>`
	// 霍邱's 合同 is the bureau's own addition, and says so (it read 必须
	// as the regulation's did; a walkthrough).
	if !strings.Contains(b.last, want) || !strings.Contains(b.last, `<td>合同</td><td>必须<br><span class="muted small" title="管理办法未作规定，本局补充的要求">本局补充要求</span></td><td>已上传</td><td>合同.pdf</td>`) {
		t.Fatalf("checklist:\n%s", b.last)
	}
	// 验收通过 is the acceptance's conclusion, held as the rules say, and
	// the reviewer is told so above the decisions: one passed an
	// application "同意组织竣工验收" (a walkthrough).
	if !strings.Contains(b.last, `<p class="muted small" role="note">“验收通过”“验收不予通过”是竣工验收的结论，不是同意组织验收`) ||
		!strings.Contains(b.last, "竣工验收由建设单位联合县数管局组织、县公管局见证") {
		t.Errorf("the decisions do not say what 验收通过 means:\n%s", b.last)
	}
	// The trial's length and the rule, beside its dates: a reviewer
	// counted the months by hand (a walkthrough). 霍邱 asks for a month.
	if !strings.Contains(b.last, "2027-01-08 至 2027-02-09（满 1 个月；本局规则要求至少 1 个月，开始当日不计入）") {
		t.Errorf("the trial's length is not said")
	}
	// A count of 0 is an answer, not a field left empty (found in review:
	// 未修复高危漏洞 0 read 未填写).
	b.get("/console/filings/" + trial.ID)
	if !strings.Contains(b.last, "<th>未修复高危漏洞</th><td>0") {
		t.Errorf("0 unfixed high-risk vulnerabilities:\n%s", b.last)
	}
	b.get("/console/filings/" + acc.ID)
	// The report still under review, then returned, is said in the rules
	// panel (it read 按现行规则校验通过 beside a returned report); passed,
	// it is not.
	if !strings.Contains(b.last, "所选的试运行报告现为“已提交”，尚未审核通过") {
		t.Errorf("the report under review is not said")
	}
	fx.decide(fx.reviewer, trial.ID, app.ActionReturn, "试运行期不足", http.StatusOK)
	b.get("/console/filings/" + acc.ID)
	if !strings.Contains(b.last, "所选的试运行报告现为“退回修改”，尚未审核通过") {
		t.Errorf("the returned report is not said")
	}
	trial.Revision.SubmittedAt, trial.Status = time.Now(), app.StatusReturned
	if err := trial.Revise(uuid.NewString(), time.Now()); err != nil {
		t.Fatal(err)
	}
	fx.submit(fx.clerkA, trial, http.StatusCreated)
	fx.decide(fx.reviewer, trial.ID, app.ActionAccept, "", http.StatusOK)
	fx.decide(fx.reviewer, trial.ID, app.ActionApprove, "同意", http.StatusOK)
	b.get("/console/filings/" + acc.ID)
	if strings.Contains(b.last, "所选的试运行报告现为") {
		t.Errorf("the passed report is said not passed")
	}
}

// A trial report (as a catalogue, an acceptance or a later filing) links
// to its project's declaration when the bureau holds it as the unit's: the
// reviewer had no way from one to the other.
func TestConsoleLinksAFilingToItsProject(t *testing.T) {
	fx := MustBureau(t)
	decl := newFiling(t, fx.unitA.ID)
	fx.decided(t, decl)
	trial, _ := trialAndAcceptance(t, fx, fx.unitA.ID)
	trial.ProjectID = decl.ID
	fx.submit(fx.clerkA, trial, http.StatusCreated)
	other, _ := trialAndAcceptance(t, fx, fx.unitA.ID) // its project is not at the bureau
	fx.submit(fx.clerkA, other, http.StatusCreated)
	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	b.get("/console/filings/" + trial.ID)
	want := `所属项目：<a href="/console/filings/` + decl.ID + `">` + decl.Declaration.ProjectName + `（项目申报书）</a>`
	if !strings.Contains(b.last, want) {
		t.Errorf("no link to the project:\n%s", b.last)
	}
	b.get("/console/filings/" + other.ID)
	if strings.Contains(b.last, "所属项目：") {
		t.Errorf("a link to a project the bureau does not hold")
	}
}

// An application received before the bureau checked the link may name a
// report it never got: the console does not count it as the 试运行报告 then,
// and its verdict says so (found in review).
func TestConsoleDoesNotCountAReportTheBureauLacks(t *testing.T) {
	fx := MustBureau(t)
	setProfile(t, fx, "huoqiu") // 试运行报告 and 合同 required
	server.TakeAcceptancesUnchecked(fx.srv)
	_, acc := trialAndAcceptance(t, fx, fx.unitA.ID) // its report never sent
	withContract(fx, acc)
	fx.submit(fx.clerkA, acc, http.StatusCreated)
	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	b.get("/console/filings/" + acc.ID)
	if strings.Contains(b.last, "本系统报送的试运行报告") || !strings.Contains(b.last, `<td>试运行报告</td><td>必须</td><td><span class="bad">缺少</span>`) ||
		!strings.Contains(b.last, "所选的试运行报告本局没有收到") {
		t.Errorf("an application naming a report the bureau lacks:\n%s", b.last)
	}
}

// A filing of a project is listed under its project's plan year, as the
// client lists it: the queue put a 2028 project's trial report under the
// year it was made (found in a walkthrough). One whose project the bureau
// does not hold keeps the year it was made. (The project is 2026's: a trial
// of a 2028 project cannot have run by the fixture's 2027.)
func TestQueueListsAProjectsFilingsUnderItsYear(t *testing.T) {
	fx := MustBureau(t)
	decl := newFiling(t, fx.unitA.ID)
	decl.Declaration.PlanYear = 2026
	fx.decided(t, decl)
	trial, _ := trialAndAcceptance(t, fx, fx.unitA.ID)
	trial.ProjectID = decl.ID
	fx.submit(fx.clerkA, trial, http.StatusCreated)
	other, _ := trialAndAcceptance(t, fx, fx.unitA.ID) // its project is not at the bureau
	fx.submit(fx.clerkA, other, http.StatusCreated)
	var page protocol.QueuePage
	fx.mustJSON("GET", protocol.PathReviewQueue+"?kind=trial_report&year=2026", fx.reviewer, nil, http.StatusOK, &page)
	if len(page.Filings) != 1 || page.Filings[0].ID != trial.ID {
		t.Errorf("trial reports of 2026: %+v", page.Filings)
	}
	fx.mustJSON("GET", protocol.PathReviewQueue+"?kind=trial_report&year=2027", fx.reviewer, nil, http.StatusOK, &page)
	if len(page.Filings) != 1 || page.Filings[0].ID != other.ID {
		t.Errorf("trial reports of 2027, the year made (the fixture's): %+v", page.Filings)
	}
}

// A 验收后备案 that names an acceptance application gives a 验收通过日期 no
// earlier than the application was sent (a 天宁 clerk entered one five
// weeks before it and the console said 按现行规则校验通过; found in a
// walkthrough). Under this bureau's profile (霍邱) the bureau's approval is
// the acceptance: app.CheckAcceptedOn's test has the other case.
func TestAcceptanceFilingNotAcceptedBeforeTheApproval(t *testing.T) {
	fx := MustBureau(t)
	trial, acc := trialAndAcceptance(t, fx, fx.unitA.ID)
	withContract(fx, acc)
	fx.submit(fx.clerkA, trial, http.StatusCreated)
	fx.submit(fx.clerkA, acc, http.StatusCreated)
	fx.decide(fx.reviewer, acc.ID, app.ActionAccept, "", http.StatusOK)
	fx.decide(fx.reviewer, acc.ID, app.ActionApprove, "验收通过", http.StatusOK)
	approved := fx.clock.Now().In(app.Beijing)

	af, err := app.NewFiling(app.KindAcceptanceFiling, uuid.NewString(), uuid.NewString(), fx.unitA.ID, fx.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	af.ProjectID = acc.ProjectID
	af.AcceptanceFiling = &app.AcceptanceFiling{ProjectName: "城关镇智慧社区综合服务平台", UnitName: fx.unitA.Name, AcceptanceID: acc.ID,
		AcceptedOn: approved.AddDate(0, 0, -35).Format(time.DateOnly), Conclusion: "验收组同意通过验收", FiledOn: approved.Format(time.DateOnly),
		Contact: app.Contact{Person: "王芳", Phone: "0564-6021234"}}
	p := fx.expectProblem("POST", revPath(af), fx.clerkA, submitReq(t, af), http.StatusUnprocessableEntity, app.EINVALID)
	if !slices.Contains(fieldsOf(&p), "accepted_on") || !strings.Contains(messages(p), "早于所选竣工验收申请提交的日期 "+approved.Format(time.DateOnly)) {
		t.Errorf("accepted five weeks before the approval: %+v", p)
	}
	// Another unit naming this unit's application learns nothing of it:
	// the bureau looks it up in the sender's unit only.
	theirs, err := app.NewFiling(app.KindAcceptanceFiling, uuid.NewString(), uuid.NewString(), fx.unitB.ID, fx.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	*theirs.AcceptanceFiling = *af.AcceptanceFiling
	theirs.AcceptanceFiling.UnitName = fx.unitB.Name
	if r := fx.do("POST", revPath(theirs), fx.clerkB, submitReq(t, theirs)); r.StatusCode != http.StatusCreated {
		if p := r.problem(t); slices.Contains(fieldsOf(&p), "accepted_on") || strings.Contains(messages(p), approved.Format(time.DateOnly)) {
			t.Errorf("another unit's 验收后备案 was held to this unit's application: %+v", p)
		}
	}
	af.AcceptanceFiling.AcceptedOn = approved.Format(time.DateOnly)
	if r := fx.do("POST", revPath(af), fx.clerkA, submitReq(t, af)); r.StatusCode != http.StatusCreated {
		if p := r.problem(t); slices.Contains(fieldsOf(&p), "accepted_on") {
			t.Errorf("accepted on the day of the approval: %+v", p)
		}
	}
}

// A trial report of a project the bureau has not decided is refused on
// receipt, naming the project (a review of 六安 and 郁南: a trial report and
// a 竣工验收申请 of a project only 已提交 were received and passed); once
// the project is approved the same revision is received.
func TestLaterFilingWaitsForItsProjectsApproval(t *testing.T) {
	fx := MustBureau(t)
	decl := newFiling(t, fx.unitA.ID)
	fx.submit(fx.clerkA, decl, http.StatusCreated)
	trial, _ := trialAndAcceptance(t, fx, fx.unitA.ID)
	trial.ProjectID = decl.ID
	p := fx.expectProblem("POST", revPath(trial), fx.clerkA, submitReq(t, trial), http.StatusUnprocessableEntity, "invalid")
	if len(p.Errors) != 1 || p.Errors[0].Field != "project_id" || !strings.Contains(p.Errors[0].Message, "尚在数管局审核中") {
		t.Errorf("a trial report of a project under review: %+v", p)
	}
	fx.decide(fx.reviewer, decl.ID, app.ActionAccept, "", http.StatusOK)
	fx.decide(fx.reviewer, decl.ID, app.ActionApprove, "同意", http.StatusOK)
	fx.submit(fx.clerkA, trial, http.StatusCreated)
}

// 郁南 第二十一条 on receipt: a 专业类 立项 project's 验收后备案 names the
// 验收前置审核申请 the bureau passed (a review of 郁南 filed one naming none,
// and it counted as the project's acceptance).
func TestYunanAcceptanceFilingNamesItsReview(t *testing.T) {
	fx := MustBureau(t)
	decl := yunanProfessional(t, fx)
	af := laterFiling(t, app.KindAcceptanceFiling, decl)
	af.AcceptanceFiling = &app.AcceptanceFiling{ProjectName: decl.Declaration.ProjectName, UnitName: fx.unitA.Name,
		AcceptedOn: "2027-02-20", Conclusion: "验收组同意通过验收", FiledOn: "2027-02-27", Contact: app.Contact{Person: "王芳", Phone: "0564-6021234"}}
	p := fx.expectProblem("POST", revPath(af), fx.clerkA, submitReq(t, af), http.StatusUnprocessableEntity, app.EINVALID)
	if !slices.Contains(fieldsOf(&p), "acceptance_id") || !strings.Contains(messages(p), "请选择本项目已通过前置审核的验收前置审核申请") {
		t.Errorf("a 验收后备案 naming no 验收前置审核申请: %+v", p)
	}
}

// The console's rules panel says, as the bureau now checks on receipt, that
// a later filing's project is not decided: a trial report received before
// its declaration reached the bureau (or before this rule) read
// 按现行规则校验通过.
func TestConsoleSaysTheProjectIsNotDecided(t *testing.T) {
	fx := MustBureau(t)
	decl := newFiling(t, fx.unitA.ID)
	trial, _ := trialAndAcceptance(t, fx, fx.unitA.ID)
	trial.ProjectID = decl.ID
	fx.submit(fx.clerkA, trial, http.StatusCreated) // the bureau does not hold the project yet
	fx.submit(fx.clerkA, decl, http.StatusCreated)
	setProfile(t, fx, "huoqiu")
	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	b.get("/console/filings/" + trial.ID)
	if !strings.Contains(b.last, "所属项目的申报书尚在县数管局审核中") {
		t.Errorf("the rules panel does not say the project is under review:\n%s", b.last)
	}
}

// A later filing dates no event of its project before the project's plan
// year (a reviewer found a go-live in 2025 of a 2026 project received
// without a word): refused on receipt over a real socket, naming the date
// and the year; and the console's rules panel says so of one received
// before the bureau held the project (or before this rule).
func TestLaterFilingIsNotDatedBeforeItsPlanYear(t *testing.T) {
	fx := MustBureau(t)
	decl := newFiling(t, fx.unitA.ID) // plan year 2027
	early, _ := trialAndAcceptance(t, fx, fx.unitA.ID)
	early.ProjectID = decl.ID
	early.TrialReport.TrialStart = "2026-11-30"
	fx.submit(fx.clerkA, early, http.StatusCreated) // the bureau does not hold the project yet
	fx.decided(t, decl)

	live := laterFiling(t, app.KindGoLive, decl)
	live.GoLive = &app.GoLive{ProjectName: decl.Declaration.ProjectName, UnitName: decl.Declaration.UnitName,
		GoLiveOn: "2026-02-20", Scope: "全镇 12 个社区上线受理、办件和统计功能", Contact: app.Contact{Person: "李梅", Phone: "0564-6012345"}}
	p := fx.expectProblem("POST", revPath(live), fx.clerkA, submitReq(t, live), http.StatusUnprocessableEntity, app.EINVALID)
	if len(p.Errors) != 1 || p.Errors[0].Field != "go_live_on" || !strings.Contains(p.Errors[0].Message, "投入运行日期 2026-02-20 早于项目的计划年度（2027 年）") {
		t.Errorf("a go-live a year before the plan year: %+v", p)
	}
	live.GoLive.GoLiveOn = "2027-02-20"
	fx.submit(fx.clerkA, live, http.StatusCreated)

	setProfile(t, fx, "huoqiu") // the rules panel is the profile's
	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	b.get("/console/filings/" + early.ID)
	if !strings.Contains(b.last, "试运行开始日期 2026-11-30 早于项目的计划年度（2027 年）") {
		t.Errorf("the rules panel does not say the trial began before the plan year:\n%s", b.last)
	}
}

// A project has one acceptance application at a time at the bureau, and
// none after one passed (a 郁南 unit sent a second 验收前置审核申请 after the
// first had passed, and it was received): refused over a real socket while
// the first is in the bureau's hands and once it passed; after it was
// refused (验收不通过) a new one is received.
func TestOneAcceptanceApplicationOfAProject(t *testing.T) {
	fx := MustBureau(t)
	decl := newFiling(t, fx.unitA.ID)
	fx.decided(t, decl)
	trial, first := trialAndAcceptance(t, fx, fx.unitA.ID)
	trial.ProjectID, first.ProjectID = decl.ID, decl.ID
	withContract(fx, first)
	fx.submit(fx.clerkA, trial, http.StatusCreated)
	fx.submit(fx.clerkA, first, http.StatusCreated)

	again := func(says string) {
		t.Helper()
		second := anotherApplication(t, fx, decl, trial)
		p := fx.expectProblem("POST", revPath(second), fx.clerkA, submitReq(t, second), http.StatusUnprocessableEntity, app.EINVALID)
		if len(p.Errors) != 1 || p.Errors[0].Field != "project_id" || !strings.Contains(p.Errors[0].Message, says) {
			t.Errorf("a second application: %+v, want it to say %q", p, says)
		}
	}
	again("本项目已有一份竣工验收申请待数管局受理（2027-03-01 报送）")
	fx.decide(fx.reviewer, first.ID, app.ActionAccept, "", http.StatusOK)
	again("在数管局审核中")
	fx.decide(fx.reviewer, first.ID, app.ActionApprove, "验收通过", http.StatusOK)
	again("本项目的竣工验收申请已办结（2027-03-01 已通过验收）：不需再次申请")
	fx.submit(fx.clerkA, first, http.StatusOK) // the first sent again (a lost answer) is still its receipt

	// after a refusal, a new application
	decl2 := newFiling(t, fx.unitA.ID)
	fx.decided(t, decl2)
	trial2, refused := trialAndAcceptance(t, fx, fx.unitA.ID)
	trial2.ProjectID, refused.ProjectID = decl2.ID, decl2.ID
	refused.Acceptance.CopyTrial(trial2.ID, trial2.TrialReport)
	withContract(fx, refused)
	fx.submit(fx.clerkA, trial2, http.StatusCreated)
	fx.submit(fx.clerkA, refused, http.StatusCreated)
	fx.decide(fx.reviewer, refused.ID, app.ActionAccept, "", http.StatusOK)
	fx.decide(fx.reviewer, refused.ID, app.ActionReject, "验收不通过：功能未达合同要求", http.StatusOK)
	next := anotherApplication(t, fx, decl2, trial2)
	fx.submit(fx.clerkA, next, http.StatusCreated)
}

// Two acceptance applications of one project pushed in one batch (made
// twice offline) are not both received: the first is, the second refused
// as if the first were already at the bureau (found in review).
func TestOneAcceptanceApplicationInABatch(t *testing.T) {
	fx := MustBureau(t)
	decl := newFiling(t, fx.unitA.ID)
	fx.decided(t, decl)
	trial, first := trialAndAcceptance(t, fx, fx.unitA.ID)
	trial.ProjectID, first.ProjectID = decl.ID, decl.ID
	withContract(fx, first)
	fx.submit(fx.clerkA, trial, http.StatusCreated)
	second := anotherApplication(t, fx, decl, trial)
	rs := fx.submitBatch(fx.clerkA, submitReq(t, first), submitReq(t, second))
	if rs[0].Status != http.StatusCreated {
		t.Errorf("the first application: %+v", rs[0])
	}
	if p := rs[1].Problem; p == nil || len(p.Errors) != 1 || p.Errors[0].Field != "project_id" || !strings.Contains(p.Errors[0].Message, "本项目已有一份竣工验收申请待数管局受理") {
		t.Errorf("the second application in the same batch: %+v", rs[1])
	}
}

// meetingReads is a store whose ProjectFilings, once armed for n callers,
// holds each caller until n have read: n requests checked before the
// bureau's commit then all see the project as it was before any of them.
type meetingReads struct {
	bureaustore.Storage
	mu      sync.Mutex
	waiting int
	met     chan struct{}
}

func (m *meetingReads) arm(n int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.waiting, m.met = n, make(chan struct{})
}

func (m *meetingReads) ProjectFilings(ctx context.Context, unit, project string) ([]bureaustore.Filing, error) {
	fs, err := m.Storage.ProjectFilings(ctx, unit, project)
	m.mu.Lock()
	met := m.met
	if met != nil {
		if m.waiting--; m.waiting == 0 {
			close(met)
			m.met = nil
		}
	}
	m.mu.Unlock()
	if met != nil {
		select {
		case <-met:
		case <-time.After(10 * time.Second): // not all came: the test fails on its count
		}
	}
	return fs, err
}

// Acceptance applications of one project sent at once, each in a request
// of its own (two laptops of the unit, or a push and a resend), are not
// all received: the bureau checked them before its commit only, and two
// sent at once were both received (found in review). Here each request's
// check reads the project before any of them is stored; one is received,
// the others are refused in the commit as if it had come first.
func TestAcceptanceApplicationsSentAtOnce(t *testing.T) {
	st := &meetingReads{}
	fx := MustBureau(t, func(cfg *server.Config) {
		if bureautest.Postgres() {
			st.Storage = bureautest.PGStorage(t)
		} else {
			bs, err := badgerstore.Open(context.Background(), t.TempDir(), badgerstore.Options{MemTable: 4 << 20})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { bs.Close() })
			st.Storage = bs
		}
		cfg.Storage = st
	})
	decl := newFiling(t, fx.unitA.ID)
	fx.decided(t, decl)
	trial, _ := trialAndAcceptance(t, fx, fx.unitA.ID)
	trial.ProjectID = decl.ID
	fx.submit(fx.clerkA, trial, http.StatusCreated)
	reqs := make([]protocol.SubmitRequest, 4)
	paths := make([]string, len(reqs))
	for i := range reqs {
		a := anotherApplication(t, fx, decl, trial)
		reqs[i], paths[i] = submitReq(t, a), revPath(a)
	}
	st.arm(len(reqs))
	answers := make([]response, len(reqs))
	var wg sync.WaitGroup
	for i := range reqs {
		wg.Go(func() { answers[i] = fx.do("POST", paths[i], fx.clerkA, reqs[i]) })
	}
	wg.Wait()
	created := 0
	for i, a := range answers {
		switch a.StatusCode {
		case http.StatusCreated:
			created++
		case http.StatusUnprocessableEntity:
			if !strings.Contains(string(a.body), "本项目已有一份竣工验收申请待数管局受理") {
				t.Errorf("application %d refused for another reason: %s", i, a.body)
			}
		default:
			t.Errorf("application %d: %d %s", i, a.StatusCode, a.body)
		}
	}
	if created != 1 {
		t.Errorf("%d of %d applications of one project sent at once were received, want 1", created, len(reqs))
	}
}

// An application sent while its attachments are still on their way is not
// yet with the bureau (its receipt says 待上传附件), so a second one sent
// before they arrive is received; when the first's attachments complete it
// is received too, and the console says of it that it repeats the other
// (found in review: the desktop client sends a body before its files).
func TestAcceptanceApplicationWaitingForItsFilesIsSaidToRepeat(t *testing.T) {
	fx := MustBureau(t)
	decl := newFiling(t, fx.unitA.ID)
	fx.decided(t, decl)
	trial, first := trialAndAcceptance(t, fx, fx.unitA.ID)
	trial.ProjectID, first.ProjectID = decl.ID, decl.ID
	fx.submit(fx.clerkA, trial, http.StatusCreated)
	report := []byte("%PDF-1.4 an acceptance report still on its way to the bureau.")
	first.Attachments = append(first.Attachments, app.Attachment{Material: "contract", Name: "合同.pdf", SHA256: sha(report), Size: int64(len(report)), MediaType: "application/pdf"})
	if rc := fx.submit(fx.clerkA, first, http.StatusCreated); rc.Status != protocol.ReceiptAwaitingAttachments {
		t.Fatalf("the first application: %+v, want it waiting for its file", rc)
	}
	fx.clock.Advance(time.Hour)
	second := anotherApplication(t, fx, decl, trial)
	fx.submit(fx.clerkA, second, http.StatusCreated)
	fx.clock.Advance(time.Hour)
	fx.upload(fx.clerkA, report, len(report)) // the first's file arrives: it is received
	setProfile(t, fx, "huoqiu")
	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	b.get("/console/filings/" + first.ID)
	if !strings.Contains(b.last, "本项目在此之前已报送竣工验收申请") {
		t.Errorf("the page of the application received last does not say it repeats one:\n%s", b.last)
	}
}

// A second acceptance application received before the bureau refused
// them (its project not yet at the bureau, or before this rule) is said to
// the reviewer beside it, not beside the first (found in review).
func TestConsoleSaysAnAcceptanceApplicationRepeatsOne(t *testing.T) {
	fx := MustBureau(t)
	decl := newFiling(t, fx.unitA.ID)
	trial, first := trialAndAcceptance(t, fx, fx.unitA.ID)
	trial.ProjectID, first.ProjectID = decl.ID, decl.ID
	withContract(fx, first)
	fx.submit(fx.clerkA, trial, http.StatusCreated)
	fx.submit(fx.clerkA, first, http.StatusCreated) // the bureau does not hold the project yet
	fx.clock.Advance(time.Minute)
	second := anotherApplication(t, fx, decl, trial)
	fx.submit(fx.clerkA, second, http.StatusCreated)
	fx.decided(t, decl)

	setProfile(t, fx, "huoqiu")
	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	const says = "本项目在此之前已报送竣工验收申请（2027-03-01 报送，现为已提交）：请核对本申请是否重复报送"
	b.get("/console/filings/" + second.ID)
	if !strings.Contains(b.last, says) {
		t.Errorf("the second application's page does not say it repeats the first:\n%s", b.last)
	}
	b.get("/console/filings/" + first.ID)
	if strings.Contains(b.last, "本项目在此之前已报送") {
		t.Error("the first application's page says it repeats one")
	}
}
