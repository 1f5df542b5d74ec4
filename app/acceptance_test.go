package app

import (
	"reflect"
	"strings"
	"testing"
)

// acceptanceRequired is a Huoqiu-like list of required acceptance materials.
var acceptanceRequired = []string{"trial_report", "test_report", "security_assessment", "crypto_assessment", "summary_report"}

func validAcceptance() *Acceptance {
	a := &Acceptance{
		UnitName:       "霍邱县城关镇人民政府",
		ApprovalRef:    "霍数管〔2026〕12号",
		ContractAmount: Wans(86),
		CompletedOn:    "2027-03-10",
		Summary:        "批复的居民信息管理、网格事件上报等 6 个模块已全部建成，离线上报经合同变更调整至二期。",
		AppliedOn:      "2027-04-20",
		Contact:        Contact{Leader: "李明", Person: "王芳", Phone: "0564-6021234"},
	}
	a.CopyTrial("5f0c8a2e-trial", validTrial())
	return a
}

func attach(materials ...string) []Attachment {
	var as []Attachment
	for _, m := range materials {
		as = append(as, Attachment{Material: m, Name: MaterialLabel(m) + ".pdf", SHA256: strings.Repeat("a", 64), Size: 1024})
	}
	return as
}

func TestAcceptanceCopyTrial(t *testing.T) {
	a := validAcceptance()
	if a.ProjectName != "城关镇智慧社区综合服务平台" || a.TrialStart != "2027-03-15" || a.TrialEnd != "2027-04-15" ||
		a.TrialReportID != "5f0c8a2e-trial" || a.UnitName != "霍邱县城关镇人民政府" {
		t.Fatalf("CopyTrial left %+v", a)
	}
	a.ProjectName = "已改名"
	a.CopyTrial("x", validTrial())
	if a.ProjectName != "已改名" {
		t.Errorf("CopyTrial overwrote a project name that was set")
	}
}

func TestAcceptanceChecklist(t *testing.T) {
	a := validAcceptance()
	atts := append(attach("trial_report", "contract", "test_report", "test_report", "weird_code"),
		Attachment{Name: "说明.pdf"})
	got := a.Checklist(acceptanceRequired, atts)
	type line struct {
		code      string
		req, have bool
		names     int
	}
	want := []line{
		{"trial_report", true, true, 1}, {"test_report", true, true, 2}, {"security_assessment", true, false, 0},
		{"crypto_assessment", true, false, 0}, {"summary_report", true, false, 0},
		{"contract", false, true, 1}, {"other", false, true, 1}, {"weird_code", false, true, 1},
	}
	if len(got) != len(want) {
		t.Fatalf("Checklist has %d lines, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		g := got[i]
		if g.Material != w.code || g.Required != w.req || g.Present != w.have || len(g.Attachments) != w.names {
			t.Errorf("line %d = %+v, want %+v", i, g, w)
		}
	}
	if got[1].Label != "第三方软件测试报告" || got[7].Label != "weird_code" {
		t.Errorf("labels = %q, %q", got[1].Label, got[7].Label)
	}
	if s := got[0].String(); s != "✓ 试运行报告（必需）" {
		t.Errorf("String() = %q", s)
	}
	if s := got[2].String(); !strings.HasPrefix(s, "× ") {
		t.Errorf("String() = %q", s)
	}
	// The trial report the application names is its 试运行报告, with or
	// without a file attached; none named and none attached is missing.
	if got := a.Checklist([]string{MaterialTrialReport}, nil); len(got) != 1 || !got[0].Present || got[0].Linked != a.TrialReportID || a.TrialReportID == "" {
		t.Errorf("Checklist with the report named = %+v", got)
	}
	b := *a
	b.TrialReportID = ""
	if got := b.Checklist([]string{MaterialTrialReport}, nil); len(got) != 1 || got[0].Present || got[0].Linked != "" {
		t.Errorf("Checklist with no report named = %+v", got)
	}
	// A material required twice is listed once; no requirements and no attachments is an empty list.
	if got := a.Checklist([]string{"contract", "contract"}, nil); len(got) != 1 || got[0].Present {
		t.Errorf("Checklist(dup) = %+v", got)
	}
	if got := a.Checklist(nil, nil); len(got) != 0 {
		t.Errorf("Checklist(nil, nil) = %+v", got)
	}
}

func TestAcceptanceValidate(t *testing.T) {
	all := attach(acceptanceRequired...)
	tests := []struct {
		name     string
		change   func(a *Acceptance)
		required []string
		atts     []Attachment
		min      int
		msg      string
		want     []string
	}{
		{"valid", func(a *Acceptance) {}, acceptanceRequired, all, 1, "", nil},
		{"valid with extra material", func(a *Acceptance) {}, acceptanceRequired, append(attach("contract"), all...), 1, "", nil},
		{"missing test report", func(a *Acceptance) {}, acceptanceRequired, attach("trial_report", "security_assessment", "crypto_assessment", "summary_report"), 1,
			"缺少验收材料“第三方软件测试报告”", []string{"materials.test_report"}},
		// The trial report named stands for the 试运行报告 material.
		{"nothing attached", func(a *Acceptance) {}, acceptanceRequired, nil, 1, "第三方软件测试报告",
			[]string{"materials.test_report", "materials.security_assessment", "materials.crypto_assessment", "materials.summary_report"}},
		{"nothing attached, no trial report named", func(a *Acceptance) { a.TrialReportID, a.TrialStart, a.TrialEnd = "", "", "" },
			acceptanceRequired, nil, 0, "试运行报告",
			[]string{"materials.trial_report", "materials.test_report", "materials.security_assessment", "materials.crypto_assessment", "materials.summary_report"}},
		{"nothing required", func(a *Acceptance) {}, nil, nil, 1, "", nil},
		{"trial one day short", func(a *Acceptance) { a.TrialEnd = "2027-04-14" }, acceptanceRequired, all, 1,
			"试运行期为 2027-03-15 至 2027-04-14，不足 1 个月，不能申请竣工验收", []string{"trial_end"}},
		{"trial of 20 days", func(a *Acceptance) { a.TrialStart, a.TrialEnd = "2027-03-01", "2027-03-20" }, acceptanceRequired, all, 1,
			"试运行期为 2027-03-01 至 2027-03-20，不足 1 个月", []string{"trial_end"}},
		{"one month is short of three", func(a *Acceptance) {}, acceptanceRequired, all, 3, "不足 3 个月", []string{"trial_end"}},
		{"short trial and missing material", func(a *Acceptance) { a.TrialEnd = "2027-04-01" }, acceptanceRequired, all[:4], 1,
			"不足 1 个月", []string{"trial_end", "materials.summary_report"}},
		{"no trial report", func(a *Acceptance) { a.TrialReportID, a.TrialStart, a.TrialEnd = "", "", "" }, acceptanceRequired, all, 1,
			"试运行报告", []string{"trial_report_id", "trial_start", "trial_end"}},
		{"no trial where none is required", func(a *Acceptance) { a.TrialReportID, a.TrialStart, a.TrialEnd = "", "", "" }, nil, nil, 0, "", nil},
		{"short trial where none is required", func(a *Acceptance) { a.TrialEnd = "2027-03-20" }, nil, nil, 0, "", nil},
		{"bad trial date where none is required", func(a *Acceptance) { a.TrialEnd = "2027-04-31" }, nil, nil, 0, "格式不正确", []string{"trial_end"}},
		{"reversed trial where none is required", func(a *Acceptance) { a.TrialEnd = "2027-03-01" }, nil, nil, 0, "早于开始日期", []string{"trial_end"}},
		{"applied before the trial ended", func(a *Acceptance) { a.AppliedOn = "2027-04-14" }, acceptanceRequired, all, 1,
			"试运行结束后才能申请", []string{"applied_on"}},
		{"applied on the day the trial ended", func(a *Acceptance) { a.AppliedOn = "2027-04-15" }, acceptanceRequired, all, 1, "", nil},
		{"applied before completion", func(a *Acceptance) {
			a.AppliedOn = "2027-03-01"
			a.TrialReportID, a.TrialStart, a.TrialEnd = "", "", ""
		}, nil, nil, 0, "早于建设完成日期", []string{"applied_on"}},
		{"required fields", func(a *Acceptance) {
			a.ProjectName, a.UnitName, a.ApprovalRef, a.Summary, a.CompletedOn, a.AppliedOn = "", "", "", "", "", ""
			a.ContractAmount = 0
			a.Contact = Contact{}
		}, acceptanceRequired, all, 1, "项目名称", []string{"project_name", "unit_name", "approval_ref", "summary", "completed_on",
			"applied_on", "contract_amount", "contact.person", "contact.phone"}},
		{"bad phone", func(a *Acceptance) { a.Contact.Phone = "6021234" }, acceptanceRequired, all, 1, "格式不正确", []string{"contact.phone"}},
		{"negative contract amount", func(a *Acceptance) { a.ContractAmount = -Wan }, acceptanceRequired, all, 1, "大于 0", []string{"contract_amount"}},
		{"contract amount above the bound", func(a *Acceptance) { a.ContractAmount = MaxAmount + 1 }, acceptanceRequired, all, 1, "不能超过", []string{"contract_amount"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := validAcceptance()
			tt.change(a)
			checkProblems(t, a.Validate(tt.required, tt.atts, tt.min), tt.msg, tt.want...)
		})
	}
}

// The trial duration of an application and of its trial report follow the same rule.
func TestAcceptanceTrialMatchesReport(t *testing.T) {
	for _, end := range []string{"2027-04-14", "2027-04-15", "2027-05-14", "2027-05-15"} {
		r := validTrial()
		r.TrialEnd = end
		a := validAcceptance()
		a.CopyTrial("id", r)
		a.AppliedOn = "2027-06-01"
		for _, min := range []int{1, 2} {
			fromReport := feFind(r.CheckDuration(min), "trial_end")
			fromApp := feFind(FieldErrors(a.Validate(nil, nil, min)), "trial_end")
			if !reflect.DeepEqual(fromReport, fromApp) {
				t.Errorf("end %s, min %d: report says %v, application says %v", end, min, fromReport, fromApp)
			}
		}
	}
}
