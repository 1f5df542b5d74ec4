package app_test

import (
	"strings"
	"testing"
	"time"

	"egovdesk/app"
)

func TestCheckBodyCombinesRulesAndProfile(t *testing.T) {
	profs := MustProfiles(t)
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	f, err := app.NewFiling(app.KindDeclaration, "f1", "r1", "u1", now)
	if err != nil {
		t.Fatal(err)
	}
	// 天宁: a declaration that breaks a body rule (no goals) and two of the
	// district's five "不予审核" conditions (no integration, no 信创 support).
	f.Declaration = declaration(t, "天宁区城市运行管理平台", "常州市天宁区城市管理局", "260")
	f.Declaration.Goals = ""
	f.Declaration.Integrated = false
	f.Declaration.Xinchuang.Supported = false

	err = f.Check(profs["tianning"], now)
	if app.ErrorCode(err) != app.EINVALID {
		t.Fatalf("Check = %v, want EINVALID", err)
	}
	fields := map[string]string{}
	for _, fe := range app.FieldErrors(err) {
		fields[fe.Field] += fe.Message
	}
	if !strings.Contains(fields["goals"], "建设目标") {
		t.Errorf("body rule missing: %v", fields)
	}
	if fields["integrated"] == "" || fields["xinchuang.supported"] == "" {
		t.Errorf("profile blockers missing: %v", fields)
	}
	if !strings.Contains(fields["attachments"], "缺少附件") {
		t.Errorf("missing materials not reported: %v", fields)
	}

	// Without a profile only the body's own rules apply.
	err = f.Check(nil, now)
	for _, fe := range app.FieldErrors(err) {
		if fe.Field == "integrated" || fe.Field == "attachments" {
			t.Errorf("profile rule applied without a profile: %v", fe)
		}
	}
}

// A part the declaration's own check asks for is not asked for again by
// the profile's section rule: a 郁南 clerk counted 23 problems, five of
// them twice (请填写建设内容 and 缺少建设内容：请填写“建设内容”). A part only
// the profile asks for is still asked for.
func TestCheckBodyAsksForAPartOnce(t *testing.T) {
	profs := MustProfiles(t)
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	f, err := app.NewFiling(app.KindDeclaration, "f1", "r1", "u1", now)
	if err != nil {
		t.Fatal(err)
	}
	f.Declaration = declaration(t, "郁南县都城镇电子档案管理系统升级", "郁南县都城镇人民政府", "180")
	f.Declaration.Content, f.Declaration.DataResources, f.Declaration.OMPlan = "", "", ""
	f.Declaration.Modules = nil
	count := map[string]int{}
	for _, fe := range app.FieldErrors(f.Check(profs["yunan"], now)) {
		count[fe.Field]++
		t.Logf("%s: %s", fe.Field, fe.Message)
	}
	for _, field := range []string{"content", "data_resources", "om_plan"} {
		if count[field] != 1 {
			t.Errorf("%s asked for %d times, want once", field, count[field])
		}
	}
	if count["modules"] == 0 {
		t.Errorf("功能应用, which only 郁南's rules ask for, is not asked for")
	}
}

func TestCheckBodyAcceptanceUsesProfileMaterials(t *testing.T) {
	profs := MustProfiles(t)
	now := time.Date(2027, 12, 1, 0, 0, 0, 0, time.UTC)
	f, _ := app.NewFiling(app.KindAcceptance, "a1", "r1", "u1", now)
	f.Acceptance.ProjectName = "霍邱县城关镇智慧社区管理平台"
	err := f.Check(profs["huoqiu"], now)
	found := false
	for _, fe := range app.FieldErrors(err) {
		if strings.Contains(fe.Message, app.MaterialLabel("trial_report")) {
			found = true
		}
	}
	if !found {
		t.Fatalf("acceptance without the trial report passed the 霍邱 checklist: %v", err)
	}
}

func TestCheckReportsUnparsedInput(t *testing.T) {
	profs := MustProfiles(t)
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	f, _ := app.NewFiling(app.KindDeclaration, "f1", "r1", "u1", now)
	f.Declaration = declaration(t, "霍邱县城关镇智慧社区管理平台", "霍邱县城关镇人民政府", "180")
	f.Unparsed = map[string]string{"budget[0].amount": "12o"}
	found := false
	for _, fe := range app.FieldErrors(f.Check(profs["huoqiu"], now)) {
		// The message names the field: the list of problems heads it by
		// its section only, which has several amounts.
		if fe.Field == "budget[0].amount" && fe.Message == "投资概算明细 第 1 行 · 金额“12o”无法识别，请改正后再提交" {
			found = true
		}
	}
	if !found {
		t.Fatal("text that could not be read as an amount does not block submission")
	}
	// The text unread counts as not filled in (the editor leaves its value
	// zero): no sum of the table over it (明细比概算少…, the total being
	// 180 万元), and no "请填写" beside it.
	f.Declaration.Budget[0].Amount = 0
	for _, fe := range app.FieldErrors(f.Check(profs["huoqiu"], now)) {
		if fe.Field == "budget" {
			t.Errorf("a sum over an unread amount: %s", fe.Message)
		}
	}
	f.Declaration.TotalInvestment = 0
	f.Unparsed["total_investment"] = "18o"
	for _, fe := range app.FieldErrors(f.Check(profs["huoqiu"], now)) {
		if fe.Field == "total_investment" && !strings.Contains(fe.Message, "“18o”无法识别") {
			t.Errorf("a problem over an unread text: %s %s", fe.Field, fe.Message)
		}
	}
	// A row whose only text is the unread amount is not an empty row: the
	// unread text is all that is said of it.
	f.Declaration.TotalInvestment, f.Declaration.Budget[0] = app.Wans(180), app.BudgetItem{}
	delete(f.Unparsed, "total_investment")
	for _, fe := range app.FieldErrors(f.Check(profs["huoqiu"], now)) {
		if strings.HasPrefix(fe.Field, "budget[0]") && fe.Field != "budget[0].amount" {
			t.Errorf("a problem beside the unread amount: %s %s", fe.Field, fe.Message)
		}
	}
	// An unread quantity is no amount: the table's total is still said.
	f.Declaration.Budget[0] = app.BudgetItem{Category: app.BudgetSoftwareDev, Name: "平台", Amount: app.Wans(100)}
	f.Unparsed = map[string]string{"budget[0].quantity": "四"}
	total := false
	for _, fe := range app.FieldErrors(f.Check(profs["huoqiu"], now)) {
		total = total || fe.Field == "budget" && strings.Contains(fe.Message, "不一致")
	}
	if !total {
		t.Error("an unread quantity hid the budget's total against 总投资概算")
	}
	if _, sum1, _ := f.Body().Encode(); true {
		f.Unparsed = nil
		if _, sum2, _ := f.Body().Encode(); sum1 != sum2 {
			t.Fatal("unparsed input is part of the body sent to the bureau")
		}
	}
}

// 霍邱 requires a trial of at least one month before the report: the bureau
// refuses a shorter one as the client does.
func TestCheckBodyTrialReportMinimum(t *testing.T) {
	profs := MustProfiles(t)
	now := time.Date(2027, 4, 1, 0, 0, 0, 0, time.UTC)
	f, _ := app.NewFiling(app.KindTrialReport, "t1", "r1", "u1", now)
	f.TrialReport.TrialStart, f.TrialReport.TrialEnd = "2027-03-01", "2027-03-20"
	short := func(err error) bool {
		for _, fe := range app.FieldErrors(err) {
			if strings.Contains(fe.Message, "不足 1 个月") {
				return true
			}
		}
		return false
	}
	if !short(f.Check(profs["huoqiu"], now)) {
		t.Fatal("a 19-day trial passed 霍邱's one-month minimum")
	}
	if short(f.Check(profs["wuhan"], now)) {
		t.Fatal("武汉 sets no minimum, yet the trial length was refused")
	}
	f.TrialReport.TrialEnd = "2027-04-01"
	if short(f.Check(profs["huoqiu"], now)) {
		t.Fatal("a trial of exactly one month was refused")
	}
}

// A trial report is of a trial that has ended: one whose end date is after
// today (Beijing) is refused, on its last day it is not.
func TestTrialReportIsOfATrialThatEnded(t *testing.T) {
	profs := MustProfiles(t)
	now := time.Date(2027, 4, 14, 17, 0, 0, 0, time.UTC) // 2027-04-15 01:00 in Beijing
	f, _ := app.NewFiling(app.KindTrialReport, "t1", "r1", "u1", now)
	f.TrialReport.TrialStart, f.TrialReport.TrialEnd = "2027-03-01", "2027-04-16"
	ahead := func(err error) string {
		for _, fe := range app.FieldErrors(err) {
			if fe.Field == "trial_end" && strings.Contains(fe.Message, "晚于今天") {
				return fe.Message
			}
		}
		return ""
	}
	for _, id := range []string{"huoqiu", "wuhan"} {
		if msg := ahead(f.Check(profs[id], now)); !strings.Contains(msg, "2027-04-16 晚于今天（2027-04-15）") {
			t.Errorf("%s: a trial ending tomorrow: %q", id, msg)
		}
	}
	f.TrialReport.TrialEnd = "2027-04-15"
	if msg := ahead(f.Check(profs["huoqiu"], now)); msg != "" {
		t.Errorf("a trial ending today (Beijing) was refused: %q", msg)
	}
}

// An empty file is no material: two required materials named one file of
// 0 bytes and the filing was received (found from outside).
func TestEmptyAttachmentIsRefused(t *testing.T) {
	profs := MustProfiles(t)
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	f, _ := app.NewFiling(app.KindDeclaration, "f1", "r1", "u1", now)
	f.Declaration = declaration(t, "霍邱县城关镇智慧社区管理平台", "霍邱县城关镇人民政府", "180")
	f.Attachments = []app.Attachment{{Name: "申请报告.pdf", Material: "application_report", SHA256: strings.Repeat("a", 64), Size: 0, MediaType: "application/pdf"}}
	found := false
	for _, fe := range app.FieldErrors(f.Check(profs["huoqiu"], now)) {
		found = found || fe.Field == "attachments[0]" && strings.Contains(fe.Message, "“申请报告.pdf”是空文件")
	}
	if !found {
		t.Error("an empty attachment is taken")
	}
}
