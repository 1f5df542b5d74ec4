package app_test

import (
	"testing"

	"egovdesk/app"
)

// A remark's field is named as the clerk and the reviewer know it, never by
// its JSON path.
func TestRemarkLabel(t *testing.T) {
	for path, want := range map[string]string{
		"goals":            "建设目标",
		"crypto.summary":   "密码应用 · 摘要",
		"budget[2].amount": "投资概算明细 第 3 行 · 金额",
		"contact.phone":    "联系人信息 · 联系电话",
	} {
		if got := app.RemarkLabel(path); got != want {
			t.Errorf("RemarkLabel(%q) = %q, want %q", path, got, want)
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
	} {
		if got := app.ValueLabel(tc.path, tc.v); got != tc.want {
			t.Errorf("ValueLabel(%q, %q) = %q, want %q", tc.path, tc.v, got, tc.want)
		}
	}
}
