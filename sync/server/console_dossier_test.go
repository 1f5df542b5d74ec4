package server_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"egovdesk/app"
)

// The filing page shows the project's dossier as the bureau holds it: a
// declaration its later filings, and every page of the project the
// project's deadlines, met or not, and when. A 天宁 reviewer on a
// declaration saw none of its later filings, and a 验收后备案 sent a week
// after its 10 working days read like one sent on time (a walkthrough).
func TestConsoleShowsTheProjectsDossier(t *testing.T) {
	fx := MustBureau(t) // 2027-03-01
	decl := newFiling(t, fx.unitA.ID)
	fx.decided(t, decl)
	other := newFiling(t, fx.unitA.ID) // another project of the unit
	other.Declaration.ProjectName = "城关镇数字乡村综合平台"
	fx.submit(fx.clerkA, other, http.StatusCreated)
	setProfile(t, fx, "tianning")

	// Accepted on Tuesday 2027-03-02: 10 working days end 2027-03-16;
	// sent 2027-03-23, 7 days late.
	af := fx.acceptanceFilingAt(t, decl, time.Date(2027, 3, 23, 10, 0, 0, 0, app.Beijing))

	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	b.get("/console/filings/" + decl.ID)
	page := b.last
	for _, want := range []string{
		"<h2>项目档案：" + decl.Declaration.ProjectName + "</h2>",
		"本项目报送的材料（2 份）",
		`<a href="/console/filings/` + af.ID + `">`,
		"2027-03-23 首次报送</span></span> <span class=\"late\">逾期 7 天</span>",
		"<span class=\"due\">2027-03-16",
		"已报送（2027-03-23，逾期 7 天）",
		"年度项目建设管理绩效自评价报送：<span class=\"\">待报送</span>",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the declaration's page lacks %q", want)
		}
	}
	if dossier := section(page, `<section class="card dossier">`); strings.Contains(dossier, other.ID) {
		t.Errorf("the dossier lists another project of the unit:\n%s", dossier)
	}
	if strings.Contains(page, "逾期报送：") {
		t.Errorf("the declaration's page says it was sent late")
	}

	b.get("/console/filings/" + af.ID)
	page = b.last
	for _, want := range []string{
		`逾期报送：验收后向区数据局备案，应于 <span class="nowrap">2027-03-16`,
		`本材料 <span class="nowrap">2027-03-23</span> 首次报送，逾期 7 天。`,
		// not a plain 校验通过 under the lateness (a walkthrough)
		"材料内容按现行规则校验通过；上面所列情况请另行核实。",
		`<a href="/console/filings/` + decl.ID + `">`, // the declaration in the dossier
		"（本材料）",
		// A field left empty says so: it showed nothing (a walkthrough).
		`<th>立项批复文号</th><td><span class="muted">未填写</span>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the 验收后备案's page lacks %q", want)
		}
	}

	// Another unit's filing naming this project sees no dossier of it.
	theirs, _ := trialAndAcceptance(t, fx, fx.unitB.ID)
	theirs.ProjectID = decl.ID
	fx.submit(fx.clerkB, theirs, http.StatusCreated) // the bureau does not hold the project as unit B's
	b.get("/console/filings/" + theirs.ID)
	if strings.Contains(b.last, "项目档案") || strings.Contains(b.last, af.ID) {
		t.Errorf("another unit's filing shows this unit's project dossier")
	}
}

// section returns the part of page from the first start to the end of
// its element's </section>, "" when page has no start.
func section(page, start string) string {
	i := strings.Index(page, start)
	if i < 0 {
		return ""
	}
	s := page[i:]
	if j := strings.Index(s, "</section>"); j >= 0 {
		s = s[:j]
	}
	return s
}

// acceptanceFilingAt sends, at sent, unit A's 验收后备案 of decl, accepted
// on 2027-03-02 (its 10 working days under 天宁 end 2027-03-16), with the
// five materials 天宁 asks for.
func (fx *fixture) acceptanceFilingAt(t *testing.T, decl *app.Filing, sent time.Time) *app.Filing {
	t.Helper()
	fx.clock.Advance(sent.Sub(fx.clock.Now()))
	af := laterFiling(t, app.KindAcceptanceFiling, decl)
	af.AcceptanceFiling = &app.AcceptanceFiling{ProjectName: decl.Declaration.ProjectName, UnitName: fx.unitA.Name,
		AcceptedOn: "2027-03-02", Conclusion: "验收组同意通过验收", FiledOn: sent.In(app.Beijing).Format(time.DateOnly),
		Contact: app.Contact{Person: "王芳", Phone: "0564-6021234"}}
	for _, m := range []string{"review_opinion", "tender_docs", "bid_docs", "contract", "acceptance_report"} {
		data := []byte("%PDF-1.4 " + m + " of the project, as the unit scanned it.")
		fx.upload(fx.clerkA, data, len(data))
		af.Attachments = append(af.Attachments, app.Attachment{Material: m, Name: m + ".pdf", SHA256: sha(data), Size: int64(len(data)), MediaType: "application/pdf"})
	}
	fx.submit(fx.clerkA, af, http.StatusCreated)
	return af
}

// A 验收后备案 sent while the project's acceptance application is still
// with the bureau says so: a 天宁 one read 按现行规则校验通过 beside an
// application 已提交 (a walkthrough). Once the application passes, it
// does not.
func TestConsoleAcceptanceFilingBeforeItsApplicationPassed(t *testing.T) {
	fx := MustBureau(t)
	decl := newFiling(t, fx.unitA.ID)
	fx.decided(t, decl)
	trial, _ := trialAndAcceptance(t, fx, fx.unitA.ID)
	trial.ProjectID = decl.ID
	fx.submit(fx.clerkA, trial, http.StatusCreated)
	application := anotherApplication(t, fx, decl, trial)
	fx.submit(fx.clerkA, application, http.StatusCreated)
	setProfile(t, fx, "tianning")
	af := fx.acceptanceFilingAt(t, decl, time.Date(2027, 3, 10, 10, 0, 0, 0, app.Beijing))
	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	b.get("/console/filings/" + af.ID)
	want := "本项目的竣工验收申请（2027-03-01 报送）现为“已提交”，尚未验收通过：请核实本备案所报的验收结果"
	if v := section(b.last, `<section class="card verdict">`); !strings.Contains(v, want) || strings.Contains(v, "校验通过") {
		t.Errorf("the 验收后备案 beside an application under review:\n%s", v)
	}
	fx.decide(fx.reviewer, application.ID, app.ActionAccept, "", http.StatusOK)
	fx.decide(fx.reviewer, application.ID, app.ActionApprove, "验收通过", http.StatusOK)
	b.get("/console/filings/" + af.ID)
	if strings.Contains(b.last, "尚未验收通过") {
		t.Error("the 验收后备案 still says its application has not passed")
	}
}

// A bureau whose server runs on UTC counts lateness by Beijing's
// calendar: 天宁's 绩效自评价 sent at 07:00 on 1 December in Beijing (23:00
// on 30 November in UTC) is a day after 11月底 (found in review: on a UTC
// server it read as on time).
func TestConsoleCountsLatenessInBeijing(t *testing.T) {
	fx := newFixtureAt(t, time.Date(2027, 11, 20, 1, 0, 0, 0, time.UTC), false)
	decl := newFiling(t, fx.unitA.ID)
	fx.decided(t, decl)
	setProfile(t, fx, "tianning")
	fx.clock.Advance(time.Date(2027, 11, 30, 23, 0, 0, 0, time.UTC).Sub(fx.clock.Now()))
	self := laterFiling(t, app.KindPerformance, decl)
	self.Performance = &app.Performance{ProjectName: decl.Declaration.ProjectName, UnitName: fx.unitA.Name, Type: app.PerformanceSelf, Year: 2027,
		PeriodStart: decl.Declaration.PeriodStart, PeriodEnd: decl.Declaration.PeriodEnd, Goals: "完成", Progress: "已完成 60%", Investment: "已支付 30 万元",
		Opinions: "使用单位无异议", Effect: "日均办件 300 件", Conclusion: "良好", FiledOn: "2027-12-01",
		Contact: app.Contact{Person: "李梅", Phone: "0564-6012345"}}
	fx.submit(fx.clerkA, self, http.StatusCreated)
	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	b.get("/console/filings/" + self.ID)
	if !strings.Contains(b.last, `本材料 <span class="nowrap">2027-12-01</span> 首次报送，逾期 1 天。`) {
		t.Errorf("sent at 07:00 Beijing the day after 11月底, it is not said late:\n%s", section(b.last, `<section class="card verdict">`))
	}
}

// The queue's 审批路径 column names the route, not the band's condition:
// under 天宁 it read 列入年度计划的项目 (a walkthrough); the whole label is
// its tooltip.
func TestConsoleQueueNamesTheRoute(t *testing.T) {
	fx := MustBureau(t)
	f := newFiling(t, fx.unitA.ID)
	fx.submit(fx.clerkA, f, http.StatusCreated)
	for profile, want := range map[string]string{"tianning": "区数据局牵头评审", "huoqiu": "打捆编制项目建议书"} {
		setProfile(t, fx, profile)
		b := fx.browser()
		b.login("reviewer", http.StatusSeeOther)
		b.get("/console/queue?scope=all")
		if !strings.Contains(b.last, `">`+want+`</td>`) || strings.Contains(b.last, `">列入年度计划的项目</td>`) {
			t.Errorf("%s: the route column lacks %q:\n%s", profile, want, section(b.last, `<table class="list queue">`))
		}
	}
}

// The queue's chips keep the filters typed, and say their counts are the
// whole queue's: a chip dropped the search, and its count did not match
// the list it led to (a walkthrough).
func TestConsoleQueueChipsKeepTheFilters(t *testing.T) {
	fx := MustBureau(t)
	_, b, _ := fx.reviewerOpens(t)
	b.get("/console/queue")
	if strings.Contains(b.last, "未按名称、单位") {
		t.Errorf("the unfiltered queue says its counts are unfiltered")
	}
	b.get("/console/queue?q=" + url.QueryEscape("城关") + "&unit=" + fx.unitA.ID + "&n=3")
	want := `href="/console/queue?q=` + url.QueryEscape("城关") + `&amp;status=submitted&amp;unit=` + fx.unitA.ID + `"`
	if !strings.Contains(b.last, want) || !strings.Contains(b.last, "未按名称、单位、年度等条件筛选") {
		t.Errorf("the 已提交 chip does not keep the name and unit (%s), or the counts are not said to be the whole queue's:\n%s", want, b.last)
	}
	// A filter that cannot be read is not carried into every chip, to be
	// refused again at each click (found in review).
	b.get("/console/queue?q=" + url.QueryEscape("城关") + "&year=1999")
	if !strings.Contains(b.last, `href="/console/queue?status=submitted"`) || strings.Contains(b.last, "year=1999&amp;") {
		t.Errorf("the chips carry a filter refused:\n%s", b.last)
	}
}

// 相似项目 names a refused 备案 project 不予备案, as its own page does (武汉
// 第八条: under 50 万元 a project is filed; a code review found the panel
// kept the kind's words, 不予立项).
func TestConsoleSimilarNamesAFiledProjectsRefusal(t *testing.T) {
	fx := MustBureau(t)
	refused := newFiling(t, fx.unitA.ID)
	refused.Declaration.TotalInvestment = app.Wans(30)
	refused.Declaration.Budget = []app.BudgetItem{{Category: app.BudgetSoftwareDev, Name: "平台软件开发", Amount: app.Wans(30)}}
	refused.Declaration.YearAmount = app.Wans(30)
	refused.Declaration.Funding = []app.Funding{{Kind: app.FundLocal, Amount: app.Wans(30)}}
	fx.submit(fx.clerkA, refused, http.StatusCreated)
	fx.decide(fx.reviewer, refused.ID, app.ActionAccept, "", http.StatusOK)
	fx.decide(fx.reviewer, refused.ID, app.ActionReject, "与区级平台重复建设", http.StatusOK)
	again := newFiling(t, fx.unitB.ID) // the same project, from another unit
	fx.submit(fx.clerkB, again, http.StatusCreated)
	setProfile(t, fx, "wuhan")
	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	b.get("/console/filings/" + again.ID)
	similar := section(b.last, `<section class="card similar">`)
	if !strings.Contains(similar, refused.ID) || !strings.Contains(similar, "不予备案") || strings.Contains(similar, "不予立项") {
		t.Errorf("the refused 30 万元 project in 相似项目:\n%s", similar)
	}
}

// A material the bureau asks for of its own (本局补充要求) says so among
// the missing ones, as the clerk is told: 郁南's 密码应用方案 beside the
// 机要局's 备案意见 (第十二条第（一）项 names the opinion only).
func TestConsoleMarksTheBureausOwnMaterials(t *testing.T) {
	fx := MustBureau(t)
	f := newFiling(t, fx.unitA.ID)
	f.Declaration.Class = app.ClassProfessional
	fx.submit(fx.clerkA, f, http.StatusCreated)
	setProfile(t, fx, "yunan")
	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	b.get("/console/filings/" + f.ID)
	verdict := section(b.last, `<section class="card verdict">`)
	if !strings.Contains(verdict, "<li>"+app.MaterialLabel("crypto_plan")+"（本局补充要求）</li>") || strings.Contains(verdict, "密码应用备案意见（密码管理部门出具）（本局补充要求）") {
		t.Errorf("the missing materials:\n%s", verdict)
	}
}

// The filing's page says the bureau's time limit and whether it has
// passed, as the queue does: only the queue said it (a walkthrough).
func TestConsoleFilingSaysItsTimeLimit(t *testing.T) {
	fx := MustBureau(t)
	_, b, page := fx.reviewerOpens(t)
	b.get("/console/queue")
	m := regexp.MustCompile(`<td class="when">([0-9-]{10})`).FindAllStringSubmatch(b.last, -1)
	if len(m) < 2 {
		t.Fatalf("the queue's dates:\n%s", b.last)
	}
	lastDay := m[1][1] // 到达时间 is first, then 办理期限
	b.get(page)
	if !strings.Contains(b.last, "· 办理期限 "+lastDay+" ·") || strings.Contains(b.last, `<span class="tag late">超期</span>`) {
		t.Errorf("the page's time limit (the queue's %s):\n%s", lastDay, section(b.last, `<div class="head">`))
	}
	fx.clock.Advance(40 * 24 * time.Hour)
	b.login("reviewer", http.StatusSeeOther)
	b.get(page)
	if !strings.Contains(b.last, "· 办理期限 "+lastDay+` <span class="tag late">超期</span>`) {
		t.Errorf("40 days on, the page does not say the limit passed")
	}
}

// The console calls the bureau what its profile does: 天宁's pages said
// 数管局审核台 beside 区数据局审核员 (a walkthrough).
func TestConsoleNamesTheBureauAsItsProfileDoes(t *testing.T) {
	fx := MustBureau(t)
	setProfile(t, fx, "tianning")
	b := fx.browser()
	b.get("/console/login")
	if !strings.Contains(b.last, "<title>登录 · 天宁区数据局审核台</title>") || !strings.Contains(b.last, "天宁区数据局审核人员") {
		t.Errorf("the login page:\n%s", b.last)
	}
	b.login("reviewer", http.StatusSeeOther)
	b.get("/console/find")
	if !strings.Contains(b.last, ">天宁区数据局审核台</a>") || !strings.Contains(b.last, "查找天宁区数据局收到的所有材料") || strings.Contains(b.last, "数管局") {
		t.Errorf("查找's page names the bureau otherwise")
	}
}
