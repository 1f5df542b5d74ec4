package paper

import (
	"strings"
	"testing"
	"time"

	"egovdesk/app"
)

// Each later filing prints (the bureau's PDF with its verification code,
// the client's PDF and Word): an adjustment with its approved and adjusted
// lines and the share moved, exact.
func TestLaterFilingsLayout(t *testing.T) {
	c := app.Contact{Person: "李梅", Phone: "0564-6012345"}
	adj := &app.Adjustment{ProjectName: "城关镇智慧社区管理平台", UnitName: "霍邱县城关镇人民政府", Type: app.AdjustContent,
		ApprovedTotal: app.Wans(180), GoalUnchanged: true, Contact: c,
		Before: []app.BudgetItem{{Category: app.BudgetHardware, Name: "移动终端", Amount: app.Wans(60)},
			{Category: app.BudgetSoftwareDev, Name: "平台软件开发", Amount: app.Wans(120)}},
		After: []app.BudgetItem{{Category: app.BudgetHardware, Name: "移动终端", Amount: app.Wans(33)},
			{Category: app.BudgetSoftwareDev, Name: "平台软件开发", Amount: app.Wans(147)}}}
	for _, tc := range []struct {
		b    app.Body
		want []string
	}{
		{app.Body{Kind: app.KindGoLive, GoLive: &app.GoLive{ProjectName: "平台", GoLiveOn: "2027-06-01", Scope: "全镇 12 个社区", Contact: c}},
			[]string{"投入运行报告", "2027-06-01", "全镇 12 个社区"}},
		{app.Body{Kind: app.KindAdjustment, Adjustment: adj},
			[]string{"项目调整备案表", "移动终端", "-27", "147", "资金调整数额 27 万元，占批复概算总投资 15%"}},
		{app.Body{Kind: app.KindAcceptanceFiling, AcceptanceFiling: &app.AcceptanceFiling{ProjectName: "平台", AcceptedOn: "2027-09-24", Conclusion: "同意通过验收"}},
			[]string{"验收备案表", "2027-09-24", "同意通过验收"}},
		{app.Body{Kind: app.KindOMFiling, OMFiling: &app.OMFiling{ProjectName: "平台", Year: 2027, Provider: "某运维公司", Amount: app.Wans(8)}},
			[]string{"运维情况备案表", "2027", "某运维公司", "8"}},
		{app.Body{Kind: app.KindPerformance, Performance: &app.Performance{ProjectName: "平台", Type: app.PerformanceSelf, GoLiveOn: "2027-06-01", Goals: "目标全部完成"}},
			[]string{"绩效自评价报告", "2027-06-01", "目标全部完成"}},
	} {
		doc, err := Build(tc.b, Options{Date: time.Date(2027, 10, 1, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			t.Fatalf("%s: %v", tc.b.Kind, err)
		}
		text := doc.Name + "\n" + strings.Join(doc.Text(), "\n")
		for _, w := range tc.want {
			if !strings.Contains(text, w) {
				t.Errorf("%s lacks %q:\n%s", tc.b.Kind, w, text)
			}
		}
	}
}

// A 逾期交付's printed copy gives its new date, and neither the 批复概算总投资
// nor 建设目标不变 it was never asked for (they printed 0 and 否; found in a
// walkthrough); a 项目调整's gives both.
func TestOverdueAdjustmentPrintsWhatItSays(t *testing.T) {
	for _, tc := range []struct {
		a      *app.Adjustment
		want   []string
		unsaid []string
	}{
		{&app.Adjustment{ProjectName: "平台", Type: app.AdjustOverdue, NewDueOn: "2027-09-30", Reason: "芯片到货延迟"},
			[]string{"逾期交付备案表", "预计交付日期", "2027-09-30"}, []string{"批复概算总投资", "建设目标不变", "资金调整数额"}},
		// as the client fills it in from the project: the approved lines, unchanged
		{&app.Adjustment{ProjectName: "平台", Type: app.AdjustTerminate, TerminatedOn: "2027-08-31", ApprovedTotal: app.Wans(180),
			Before: []app.BudgetItem{{Category: app.BudgetHardware, Name: "移动终端", Amount: app.Wans(180)}},
			After:  []app.BudgetItem{{Category: app.BudgetHardware, Name: "移动终端", Amount: app.Wans(180)}}},
			[]string{"项目终止备案表", "合同终止日期", "2027-08-31"}, []string{"批复概算总投资", "建设目标不变", "资金调整数额", "移动终端"}},
		{&app.Adjustment{ProjectName: "平台", Type: app.AdjustContent, ApprovedTotal: app.Wans(180)},
			[]string{"批复概算总投资", "180", "建设目标不变"}, nil},
	} {
		doc, err := Build(app.Body{Kind: app.KindAdjustment, Adjustment: tc.a}, Options{Date: time.Date(2027, 10, 1, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			t.Fatal(err)
		}
		text := doc.Name + "\n" + strings.Join(doc.Text(), "\n")
		for _, w := range tc.want {
			if !strings.Contains(text, w) {
				t.Errorf("%s lacks %q:\n%s", tc.a.Type, w, text)
			}
		}
		for _, w := range tc.unsaid {
			if strings.Contains(text, w) {
				t.Errorf("%s says %q:\n%s", tc.a.Type, w, text)
			}
		}
	}
}

// The form's name says what the adjustment is where the jurisdiction
// routes it (天宁's 重大设计变更 须经批准 printed as …备案表), as its title
// does (Profile.AdjustmentAs); without one it is a 备案表.
func TestAdjustmentFormNamedAsRouted(t *testing.T) {
	a := &app.Adjustment{ProjectName: "平台", Type: app.AdjustMajorChange, Reason: "政策调整"}
	for as, want := range map[string]string{"申请": "政务信息化重大变更申请表", "": "政务信息化重大变更表", "备案": "政务信息化重大变更备案表"} {
		doc, err := Build(app.Body{Kind: app.KindAdjustment, Adjustment: a}, Options{AdjustAs: func(string) string { return as }})
		if err != nil {
			t.Fatal(err)
		}
		if doc.Name != want {
			t.Errorf("as %q: %q, want %q", as, doc.Name, want)
		}
	}
	if doc, err := Build(app.Body{Kind: app.KindAdjustment, Adjustment: a}, Options{}); err != nil || doc.Name != "政务信息化重大变更备案表" {
		t.Errorf("without a profile: %v %v", doc, err)
	}
	// A draft of no type yet printed as a 项目调整备案表 of type 项目调整,
	// a type 郁南 takes of no project (found in review).
	draft := &app.Adjustment{ProjectName: "平台"}
	doc, err := Build(app.Body{Kind: app.KindAdjustment, Adjustment: draft}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if doc.Name != "政务信息化项目调整（变更、终止）备案表" {
		t.Errorf("a draft of no type: %q", doc.Name)
	}
	for _, ch := range doc.Chapters {
		for _, b := range ch.Blocks {
			for _, f := range b.Fields {
				if f.Label == "调整类型" && f.Value != dash {
					t.Errorf("a draft of no type prints its type as %q", f.Value)
				}
			}
		}
	}
}
