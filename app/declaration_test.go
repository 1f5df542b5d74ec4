package app

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// declFixture returns a complete, valid declaration of a township in 霍邱县.
func declFixture() *Declaration {
	return &Declaration{
		PlanYear:        2027,
		ProjectName:     "霍邱县城关镇智慧社区管理平台",
		UnitName:        "霍邱县城关镇人民政府",
		UnitCreditCode:  "11341522003064951U",
		RegionCode:      "341522",
		Contact:         Contact{Leader: "王建国", Person: "李梅", Phone: "0564-6012345"},
		Nature:          NatureNew,
		ServiceTypes:    []ServiceType{ServiceSoftware, ServiceThirdParty},
		Class:           ClassPublic,
		Plan:            PlanListed,
		PeriodStart:     "2027-03",
		PeriodEnd:       "2027-12",
		Goals:           "建成覆盖全镇 12 个社区的网格化管理平台，事件处置时限缩短 30%",
		Content:         "网格事件上报、分拨、督办；社区人口与房屋基础信息管理；与县级平台对接",
		Modules:         []Module{{Name: "事件上报", Description: "网格员移动端上报"}, {Name: "督办考核"}},
		Integrated:      true,
		DataResources:   "产生社区人口、房屋、事件数据，共享至县数据共享交换平台",
		SharesData:      true,
		Security:        Security{Level: 2, Plan: "按等保二级建设，三同步", Assess: true},
		Crypto:          CryptoPlan{Level: 2, Summary: "采用 SM2/SM3/SM4，身份鉴别使用数字证书", Review: true},
		Deployment:      Deployment{Mode: DeployEgovCloud, Resources: "8 核 32G，存储 2T"},
		Xinchuang:       Xinchuang{Supported: true, Notes: "麒麟 V10、达梦 8"},
		OMPlan:          "质保期一年，之后纳入县统一运维",
		Schedule:        []Milestone{{"招标采购", "2027-04"}, {"上线试运行", "2027-10"}, {"竣工验收", "2027-12"}},
		TotalInvestment: Wans(180),
		YearAmount:      Wans(180),
		Budget: []BudgetItem{
			{Category: BudgetSoftwareDev, Name: "平台软件开发", Amount: Wans(120)},
			{Category: BudgetHardware, Name: "移动终端", Quantity: 60, Amount: Wans(30)},
			{Category: BudgetSupervision, Name: "工程监理", Amount: Wans(10)},
			{Category: BudgetSecurityEval, Name: "等保测评", Amount: Wans(8)},
			{Category: BudgetCryptoEval, Name: "密评", Amount: Wans(7)},
			{Category: BudgetTesting, Name: "第三方软件测试", Amount: Wans(5)},
		},
		Funding: []Funding{{FundLocal, Wans(150)}, {FundTransfer, Wans(30)}},
	}
}

func TestDeclarationValid(t *testing.T) {
	d := declFixture()
	if err := d.Validate(); err != nil {
		t.Fatalf("valid declaration rejected: %v", err)
	}
}

// TestDeclarationProblems breaks one rule at a time and expects a problem on
// the named field with a message that says what to fix.
func TestDeclarationProblems(t *testing.T) {
	tests := []struct {
		name   string
		break_ func(d *Declaration)
		field  string
		says   string
	}{
		{"no name", func(d *Declaration) { d.ProjectName = " " }, "project_name", "项目名称"},
		{"long name", func(d *Declaration) { d.ProjectName = strings.Repeat("长", 101) }, "project_name", "100"},
		{"no year", func(d *Declaration) { d.PlanYear = 0 }, "plan_year", "申报年度"},
		{"bad credit code", func(d *Declaration) { d.UnitCreditCode = "11341522003064951X" }, "unit_credit_code", "校验位"},
		{"no credit code", func(d *Declaration) { d.UnitCreditCode = "" }, "unit_credit_code", "18 位"},
		{"bad phone", func(d *Declaration) { d.Contact.Phone = "12345" }, "contact.phone", "联系电话"},
		{"no nature", func(d *Declaration) { d.Nature = "" }, "nature", "建设性质"},
		{"no class", func(d *Declaration) { d.Class = "x" }, "class", "项目类别"},
		{"urgent without basis", func(d *Declaration) { d.Plan = PlanUrgent }, "plan_basis", "依据"},
		{"period reversed", func(d *Declaration) { d.PeriodEnd = "2027-01" }, "period_end", "不能早于"},
		{"bad period", func(d *Declaration) { d.PeriodStart = "2027/3" }, "period_start", "2027-01"},
		{"no goals", func(d *Declaration) { d.Goals = "" }, "goals", "建设目标"},
		{"no content", func(d *Declaration) { d.Content = "" }, "content", "建设内容"},
		{"module without name", func(d *Declaration) { d.Modules[1].Name = "" }, "modules[1].name", "第 2 个"},
		{"no data resources", func(d *Declaration) { d.DataResources = "" }, "data_resources", "数据资源"},
		{"security level out of range", func(d *Declaration) { d.Security.Level = 5 }, "security.level", "第一级至第四级"},
		{"unknown unit type", func(d *Declaration) { d.UnitType = "hospital" }, "unit_type", "建设单位类型"},
		{"other deployment unexplained", func(d *Declaration) { d.Deployment.Mode = DeployOther }, "deployment.explanation", "说明理由"},
		{"no deployment", func(d *Declaration) { d.Deployment.Mode = "" }, "deployment.mode", "部署方式"},
		{"no om plan", func(d *Declaration) { d.OMPlan = "" }, "om_plan", "运维方案"},
		{"bad milestone", func(d *Declaration) { d.Schedule[0].Due = "四月" }, "schedule[0].due", "招标采购"},
		{"no total", func(d *Declaration) { d.TotalInvestment = 0 }, "total_investment", "总投资概算"},
		{"budget short", func(d *Declaration) { d.Budget[0].Amount = Wans(119) }, "budget", "少 1 万元（10000.00 元）"},
		{"budget over", func(d *Declaration) { d.Budget[0].Amount = Wans(120) + 1 }, "budget", "多 0.000001 万元（0.01 元）"},
		{"no budget", func(d *Declaration) { d.Budget = nil }, "budget", "各分项金额之和"},
		{"budget line without category", func(d *Declaration) { d.Budget[2].Category = "" }, "budget[2].category", "第 3 行"},
		{"budget line zero", func(d *Declaration) { d.Budget[1].Amount = 0; d.TotalInvestment -= Wans(30) }, "budget[1].amount", "须大于 0"},
		{"blank budget line zero", func(d *Declaration) { d.Budget[1].Name, d.Budget[1].Amount = "", 0; d.TotalInvestment -= Wans(30) }, "budget[1].amount", "第 2 行投资明细的金额须大于 0"},
		{"year amount over total", func(d *Declaration) { d.YearAmount = Wans(181) }, "year_amount", "不能超过"},
		{"funding mismatch", func(d *Declaration) { d.Funding[1].Amount = Wans(20) }, "funding", "资金来源比概算少 10 万元（100000.00 元）"},
		{"no funding", func(d *Declaration) { d.Funding = nil }, "funding", "资金来源"},
		{"period in 1900", func(d *Declaration) { d.PeriodStart = "1900-01" }, "period_start", "2027-01"},
		{"total above the bound", func(d *Declaration) { d.TotalInvestment = MaxAmount + 1 }, "total_investment", "不能超过 10000000 万元"},
		{"budget line above the bound", func(d *Declaration) { d.Budget[0].Amount = MaxAmount + 1 }, "budget[0].amount", "第 1 行投资明细的金额不能超过"},
		{"negative quantity", func(d *Declaration) { d.Budget[1].Quantity = -5 }, "budget[1].quantity", "不能为负数"},
		{"funding above the bound", func(d *Declaration) { d.Funding[0].Amount = MaxAmount + 1 }, "funding[0].amount", "不能超过"},
		{"negative o&m", func(d *Declaration) { d.OMAnnual = -1 }, "om_annual", "不能为负数"},
		{"o&m above the bound", func(d *Declaration) { d.OMAnnual = MaxAmount + 1 }, "om_annual", "不能超过"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := declFixture()
			tt.break_(d)
			before := *d
			err := d.Validate()
			if err == nil {
				t.Fatal("Validate accepted a broken declaration")
			}
			if !reflect.DeepEqual(before, *d) {
				t.Fatal("Validate changed the declaration")
			}
			if ErrorCode(err) != EINVALID {
				t.Fatalf("code = %s", ErrorCode(err))
			}
			for _, f := range FieldErrors(err) {
				if f.Field == tt.field && strings.Contains(f.Message, tt.says) {
					return
				}
			}
			t.Fatalf("no problem on %s saying %q in %v", tt.field, tt.says, FieldErrors(err))
		})
	}
}

func TestDeclarationReportsEverythingAtOnce(t *testing.T) {
	err := (&Declaration{}).Validate()
	fields := map[string]bool{}
	for _, f := range FieldErrors(err) {
		fields[f.Field] = true
	}
	for _, want := range []string{"plan_year", "project_name", "unit_name", "unit_credit_code", "contact.person",
		"nature", "class", "plan", "period_start", "goals", "content", "data_resources",
		"deployment.mode", "total_investment", "budget", "funding"} {
		if !fields[want] {
			t.Errorf("empty declaration: no problem reported on %s", want)
		}
	}
}

// TestDeclarationSumsDoNotWrap: budget and funding lines that add up past
// int64 wrapped round to the declared total and passed (found from outside:
// two lines of 2⁶³−1 分 and one of 100 万元 + 2 分 "matched" a total of 100
// 万元). Sums saturate, so they cannot equal a total, and lines above
// MaxAmount are refused by name.
func TestDeclarationSumsDoNotWrap(t *testing.T) {
	const huge = Money(math.MaxInt64)
	d := declFixture()
	d.TotalInvestment, d.YearAmount = Wans(100), Wans(100)
	d.Budget = []BudgetItem{
		{Category: BudgetSoftwareDev, Name: "甲", Amount: huge},
		{Category: BudgetSoftwareDev, Name: "乙", Amount: huge},
		{Category: BudgetHardware, Name: "丙", Amount: Wans(100) + 2},
	}
	d.Funding = []Funding{{FundLocal, huge}, {FundLocal, huge}, {FundTransfer, Wans(100) + 2}}
	if got := d.BudgetSum(); got != huge {
		t.Errorf("BudgetSum = %d, want it saturated at %d", got, huge)
	}
	if got := d.BudgetOf(BudgetSoftwareDev); got != huge {
		t.Errorf("BudgetOf = %d, want it saturated", got)
	}
	if got := d.FundingSum(); got != huge {
		t.Errorf("FundingSum = %d, want it saturated", got)
	}
	fields := map[string]bool{}
	for _, f := range FieldErrors(d.Validate()) {
		fields[f.Field] = true
	}
	for _, want := range []string{"budget[0].amount", "budget[1].amount", "budget", "funding[0].amount", "funding"} {
		if !fields[want] {
			t.Errorf("no problem on %s; problems on %v", want, fields)
		}
	}
	if got := addMoney(-huge, -huge); got != math.MinInt64 {
		t.Errorf("addMoney of two large negatives = %d, want it saturated", got)
	}
	// The bound itself is a valid amount.
	d = declFixture()
	d.TotalInvestment, d.YearAmount = MaxAmount, MaxAmount
	d.Budget = []BudgetItem{{Category: BudgetSoftwareDev, Name: "平台", Amount: MaxAmount}}
	d.Funding = []Funding{{FundLocal, MaxAmount}}
	if err := d.Validate(); err != nil {
		t.Errorf("a declaration of exactly MaxAmount: %v", err)
	}
}

// A budget line or funding source added and left empty is one problem on
// its row, which says to fill it in or delete it: the clerk read three
// (费用类别, 名称, 金额) for one empty line (a 霍邱 walkthrough). A line with
// anything in it is checked cell by cell as before.
func TestEmptyRowIsOneProblem(t *testing.T) {
	d := declFixture()
	d.Budget = append(d.Budget, BudgetItem{Name: "  "}, BudgetItem{Name: "机房改造"})
	d.Funding = append(d.Funding, Funding{})
	empty, named, funding := fmt.Sprintf("budget[%d]", len(d.Budget)-2), fmt.Sprintf("budget[%d]", len(d.Budget)-1), fmt.Sprintf("funding[%d]", len(d.Funding)-1)
	var on []string
	for _, fe := range FieldErrors(d.Validate()) {
		switch {
		case fe.Field == empty && strings.Contains(fe.Message, "是空行") && strings.Contains(fe.Message, "删除"),
			fe.Field == funding && strings.Contains(fe.Message, "是空行"):
			on = append(on, fe.Field)
		case strings.HasPrefix(fe.Field, empty), strings.HasPrefix(fe.Field, funding):
			t.Errorf("a second problem on an empty row: %s %s", fe.Field, fe.Message)
		case strings.HasPrefix(fe.Field, named):
			on = append(on, fe.Field)
		}
	}
	want := []string{empty, named + ".category", named + ".amount", funding}
	if !slices.Equal(on, want) {
		t.Errorf("problems on %v, want %v", on, want)
	}
}

// A 建设周期 typed that is no month is quoted, not asked for as if blank.
func TestPeriodTypedIsQuoted(t *testing.T) {
	err := (&Declaration{PeriodStart: "2027/3x"}).Validate()
	var start, end string
	for _, f := range FieldErrors(err) {
		switch f.Field {
		case "period_start":
			start = f.Message
		case "period_end":
			end = f.Message
		}
	}
	if !strings.Contains(start, "建设周期开始“2027/3x”不是年月") || !strings.Contains(end, "请填写建设周期结束年月") {
		t.Errorf("messages: %q, %q", start, end)
	}
}
