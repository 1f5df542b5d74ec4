package server_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"egovdesk/app"
	"egovdesk/sync/server"
)

// 逾期事项 lists the approved projects whose unit let a deadline of the
// profile pass unmet, the most overdue first, and no project whose
// deadlines are still ahead: 郁南's 立项审批意见 lapses 24 months after the
// approval unless the project passed acceptance (第十七条). Each filing
// page showed its project's deadlines, and nothing showed the bureau which
// projects were behind.
func TestConsoleListsProjectsPastTheirDeadlines(t *testing.T) {
	// two years in the life of the bureau: passwords never expire here
	fx := MustBureau(t, func(c *server.Config) { c.PasswordPolicy.MaxAge = -1 })
	recent := newFiling(t, fx.unitA.ID)
	recent.Declaration.ProjectName = "城关镇智慧党建平台"
	recent.Declaration.Class = app.ClassProfessional
	fx.submit(fx.clerkA, recent, http.StatusCreated)
	ended := newFiling(t, fx.unitB.ID)
	ended.Declaration.ProjectName = "新店镇数字乡村平台"
	ended.Declaration.Class = app.ClassProfessional
	fx.submit(fx.clerkB, ended, http.StatusCreated)
	fx.decide(fx.reviewer, ended.ID, app.ActionAccept, "", http.StatusOK)
	fx.decide(fx.reviewer, ended.ID, app.ActionApprove, "同意", http.StatusOK)
	late := yunanProfessional(t, fx) // approved on the fixture's first day
	// unit B's project is ended by a 项目终止 (郁南 第二十条): it owes no more
	end := laterFiling(t, app.KindAdjustment, ended)
	end.Adjustment = adjustmentOf(app.AdjustTerminate, 0)
	end.Adjustment.ProjectName, end.Adjustment.UnitName = ended.Declaration.ProjectName, "霍邱县新店镇人民政府"
	end.Adjustment.ApprovedTotal, end.Adjustment.Before, end.Adjustment.After = 0, nil, nil
	end.Adjustment.TerminatedOn = "2027-02-20"
	fx.submit(fx.clerkB, end, http.StatusCreated)
	fx.clock.Advance(20 * 30 * 24 * time.Hour)
	fx.reviewer = fx.login("reviewer").Token                               // a session of then
	fx.decide(fx.reviewer, recent.ID, app.ActionAccept, "", http.StatusOK) // 郁南's steps
	fx.decide(fx.reviewer, recent.ID, app.ActionPass, "", http.StatusOK)
	fx.decide(fx.reviewer, recent.ID, app.ActionApprove, "同意", http.StatusOK) // twenty months later: not lapsed
	fx.clock.Advance(5 * 30 * 24 * time.Hour)

	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	b.get("/console/late")
	if strings.Contains(b.last, "发送提醒") {
		t.Error("a reviewer is offered to send a notice")
	}
	for _, want := range []string{"逾期事项", "立项审批意见有效期届满", "/console/filings/" + late.ID, late.Declaration.ProjectName, "1 个项目"} {
		if !strings.Contains(b.last, want) {
			t.Errorf("逾期事项 lacks %q:\n%s", want, b.last)
		}
	}
	if strings.Contains(b.last, recent.Declaration.ProjectName) {
		t.Errorf("a project approved five months ago is listed as late:\n%s", b.last)
	}
	if strings.Contains(b.last, ended.Declaration.ProjectName) {
		t.Errorf("a terminated project is listed as late:\n%s", b.last)
	}
	b.get("/console/filings/" + ended.ID)
	if !strings.Contains(b.last, "报送项目终止：未完成的期限不再计算") || strings.Contains(b.last, "已逾期") {
		t.Errorf("the terminated project's page:\n%s", b.last)
	}
	// the same as a spreadsheet, every row whole
	if r := b.get("/console/late.csv"); r.StatusCode != http.StatusOK || !strings.HasPrefix(b.last, "\ufeff建设单位,项目,逾期事项,应报送,期限,逾期天数,依据,项目申报书编号\r\n") ||
		!strings.Contains(b.last, "霍邱县城关镇人民政府,"+late.Declaration.ProjectName+",立项审批意见有效期届满,,2029-03-01,") || strings.Contains(b.last, recent.Declaration.ProjectName) {
		t.Errorf("逾期事项 as CSV: %d\n%s", r.StatusCode, b.last)
	}

	// An admin drafts the reminder from here: the unit's overdue items in
	// the notice form, to read and send.
	ad := fx.browser()
	ad.login("admin", http.StatusSeeOther)
	ad.get("/console/late")
	if !strings.Contains(ad.last, "/console/notices?unit="+fx.unitA.ID+"&amp;late=1") {
		t.Errorf("the admin's 逾期事项 offers no reminder:\n%s", ad.last)
	}
	ad.get("/console/notices?unit=" + fx.unitA.ID + "&late=1")
	for _, want := range []string{`<option value="` + fx.unitA.ID + `" selected>`, `value="逾期事项提醒"`, `name="for" value="` + fx.unitA.ID + `"`,
		"经核查，截至 " + fx.clock.Now().In(app.Beijing).Format("2006-01-02") + "，贵单位下列项目有事项已超过《郁南县政务信息化服务项目管理办法》",
		"1. 《" + late.Declaration.ProjectName + "》立项审批意见有效期届满：期限 2029-03-01，已逾期 ", "如有疑问，请与我局联系。"} {
		if !strings.Contains(ad.last, want) {
			t.Errorf("the reminder drafted lacks %q:\n%s", want, ad.last)
		}
	}
	if strings.Contains(ad.last, recent.Declaration.ProjectName) {
		t.Error("the reminder lists a project not late")
	}
	text := regexp.MustCompile(`(?s)<textarea name="text"[^>]*>(.*?)</textarea>`).FindStringSubmatch(ad.last)
	if text == nil {
		t.Fatal("no notice text drafted")
	}
	// the draft is a notice the bureau takes: its preview
	form := url.Values{"csrf": {ad.csrf()}, "for": {fx.unitA.ID}, "unit": {fx.unitA.ID}, "title": {"逾期事项提醒"}, "text": {html.UnescapeString(text[1])}}
	if r := ad.post("/console/notices", form); r.StatusCode != http.StatusOK || !strings.Contains(ad.last, "确认发送") ||
		!strings.Contains(ad.last, `name="for" value="`+fx.unitA.ID+`"`) {
		t.Errorf("the reminder's preview: %d\n%s", r.StatusCode, ad.last)
	}
	// one unit's late projects go to that unit only, not to all
	form.Set("unit", "")
	if r := ad.post("/console/notices", form); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(ad.last, "只能发给该单位") {
		t.Errorf("the reminder sent to every unit: %d", r.StatusCode)
	}
	b.get("/console/late?unit=" + fx.unitB.ID)
	if !strings.Contains(b.last, "没有逾期事项") || strings.Contains(b.last, late.Declaration.ProjectName) {
		t.Errorf("another unit's 逾期事项:\n%s", b.last)
	}
	if r := b.get("/console/late?unit=nobody"); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b.last, "没有这个建设单位") {
		t.Errorf("an unknown unit: %d", r.StatusCode)
	}
}

// 武汉's 组织项目验收 (six months after completion, 第二十一条) waits on the
// bureau's 确认 of the 验收前确认申请: past it, the row says the application
// is with the bureau, not only that the unit is late (found in review).
func TestConsoleSaysALateAcceptanceWaitsOnTheBureau(t *testing.T) {
	fx := MustBureau(t, func(c *server.Config) { c.PasswordPolicy.MaxAge = -1 })
	decl := newFiling(t, fx.unitA.ID)
	fx.decided(t, decl)
	trial, acc := trialAndAcceptance(t, fx, fx.unitA.ID)
	trial.ProjectID, acc.ProjectID = decl.ID, decl.ID
	withContract(fx, acc)
	fx.submit(fx.clerkA, trial, http.StatusCreated)
	fx.submit(fx.clerkA, acc, http.StatusCreated)
	setProfile(t, fx, "wuhan")
	fx.clock.Advance(8 * 30 * 24 * time.Hour) // completion + 6 months is past
	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	b.get("/console/late")
	for _, want := range []string{"组织项目验收", "本项目的验收前确认申请在本局办理中（2027-03-01 报送）", "本辖区规则计算的期限：", "年度项目绩效评价报告"} {
		if !strings.Contains(b.last, want) {
			t.Errorf("逾期事项 lacks %q:\n%s", want, b.last)
		}
	}
	// the reminder does not hurry the unit on what the bureau holds
	ad := fx.browser()
	ad.login("admin", http.StatusSeeOther)
	ad.get("/console/notices?unit=" + fx.unitA.ID + "&late=1")
	if strings.Contains(ad.last, "组织项目验收：") {
		t.Errorf("the reminder asks the unit to hurry an acceptance the bureau holds:\n%s", ad.last)
	}
}
