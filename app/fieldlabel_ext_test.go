package app_test

import (
	"testing"

	"egovdesk/app"
)

// A remark's field is named as the clerk and the reviewer know it, never by
// its JSON path.
func TestRemarkLabel(t *testing.T) {
	for _, tc := range []struct {
		kind       app.Kind
		path, want string
	}{
		{"", "goals", "建设目标"},
		// As the clerk's form and the console's page name them (the remarks
		// read 密码应用 · 方案摘要, 摘要, 金额 beside 密码应用方案摘要, 建设内容
		// 完成情况, 本年度运维经费; a walkthrough).
		{app.KindDeclaration, "crypto.summary", "密码应用方案摘要"},
		{app.KindCatalogue, "project_name", "项目名称"},
		{app.KindAcceptance, "approval_ref", "立项批复（备案）文号"},
		{app.KindAcceptance, "summary", "建设内容完成情况"},
		{app.KindOMFiling, "amount", "本年度运维经费"},
		{app.KindAcceptanceFiling, "accepted_on", "验收通过日期"},
		{app.KindDeclaration, "budget[2].amount", "投资概算明细 第 3 行 · 金额"},
		// A budget line's optional boxes as the form heads them (依据 alone
		// said little).
		{app.KindDeclaration, "budget[0].basis", "投资概算明细 第 1 行 · 计算依据"},
		{app.KindDeclaration, "budget[0].spec", "投资概算明细 第 1 行 · 规格/参数"},
		{app.KindDeclaration, "contact.phone", "联系人信息 · 联系电话"},
		// A reviewer's remark on 安全保障方案 read "安全设计 · 年度计划".
		{app.KindDeclaration, "security.plan", "安全设计 · 安全保障方案"},
		// and one on 等级保护级别 "安全设计 · 级别", on 密码应用等级 "密码应用 · 级别"
		{app.KindDeclaration, "security.level", "等级保护级别"},
		{app.KindDeclaration, "crypto.level", "密码应用等级"},
		// The kind decides what a name means (found in review: a trial
		// report's performance read as the 绩效评价 filing).
		{app.KindTrialReport, "performance.cpu_peak", "性能 · CPU 峰值"},
		{app.KindTrialReport, "issues[0].status", "问题 第 1 行 · 状态"},
		{app.KindOMFiling, "provider", "运维服务单位"},
		{app.KindPerformance, "conclusion", "评价结论及整改措施"},
		{app.KindPerformance, "year", "评价年度"},
		{app.KindCatalogue, "demands[1].provider", "需求清单 第 2 行 · 提供部门"},
		{app.KindAdjustment, "after[0].amount", "调整后概算明细 第 1 行 · 金额"},
	} {
		if got := app.RemarkLabel(tc.kind, tc.path); got != tc.want {
			t.Errorf("RemarkLabel(%q, %q) = %q, want %q", tc.kind, tc.path, got, tc.want)
		}
	}
}

// Coded values of a revision's changes read as the document shows them
// (the console listed 投资概算明细 第 4 行 · 类别 as security_assessment).
func TestValueLabel(t *testing.T) {
	for _, tc := range []struct{ path, v, want string }{
		{"declaration.budget.3.category", "security_assessment", "等保测评及安全评估费"},
		{"declaration.funding.0.kind", "local_fiscal", app.LabelOf(app.FundingChoices, "local_fiscal")},
		{"declaration.class", "public", "公共类"},
		{"declaration.service_types.1", "software", app.LabelOf(app.ServiceTypeChoices, "software")},
		{"catalogue.negatives.0.category", "no_share", app.LabelOf(app.NegativeCategoryChoices, "no_share")},
		{"catalogue.entries.0.items.2.share_type", string(app.ShareConditional), "有条件共享"},
		{"declaration.project_name", "public", "public"},
		{"declaration.budget.3.category", "unheard_of", "unheard_of"},
		{"declaration.security.level", "3", "第三级"},
		{"declaration.crypto.level", "2", "第二级"},
		{"catalogue.demands.0.frequency", app.UpdateCycleChoices[0].Code, app.UpdateCycleChoices[0].Label},
		{"trial_report.modules.1.status", app.ImplStatusChoices[1].Code, app.ImplStatusChoices[1].Label},
		{"trial_report.issues.0.severity", app.SeverityChoices[0].Code, app.SeverityChoices[0].Label},
		{"trial_report.issues.0.status", app.IssueStatusChoices[0].Code, app.IssueStatusChoices[0].Label},
		{"trial_report.environment.networks.0", app.NetworkChoices[0].Code, "电子政务外网"},
		{"trial_report.security.dengbao", app.DengbaoChoices[0].Code, app.DengbaoChoices[0].Label},
		{"trial_report.security.crypto", app.CryptoStatusChoices[0].Code, "不涉及"},
		{"adjustment.type", app.AdjustTypeChoices[0].Code, "项目调整"},
		{"performance.type", app.PerformanceTypeChoices[0].Code, "绩效自评价报告"},
		{"catalogue.entries.1.format_type", "302", "KingbaseES"},
		{"catalogue.entries.1.format_type", "自定义的 XML 描述", "自定义的 XML 描述"},
		{"catalogue.entries.1.share_mode_type", "3", "接口"},
		// An attachment's code, size and digest, in a revision's changes.
		{"attachments.0.material", "other", "其他材料"},
		{"attachments.1.size", "2048", app.SizeLabel(2048)},
		{"attachments.0.sha256", "0123456789abcdef0123", "0123456789ab…"},
	} {
		if got := app.ValueLabel(tc.path, tc.v); got != tc.want {
			t.Errorf("ValueLabel(%q, %q) = %q, want %q", tc.path, tc.v, got, tc.want)
		}
	}
}
