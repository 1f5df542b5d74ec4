// Package apptest holds fixtures for the tests of the packages that build on
// app: realistic filings that pass every rule, so each test starts from a
// valid one and breaks only what it is about. Only tests import it.
package apptest

import (
	"fmt"

	"egovdesk/app"
)

// Declaration returns a new, complete and valid declaration of a township in
// 霍邱县 (180万, listed in the annual plan, every section filled in); each call
// returns a fresh copy the caller may change.
func Declaration() *app.Declaration {
	return &app.Declaration{
		PlanYear:        2027,
		ProjectName:     "霍邱县城关镇智慧社区管理平台",
		UnitName:        "霍邱县城关镇人民政府",
		UnitCreditCode:  "11341522003064951U",
		RegionCode:      "341522",
		Contact:         app.Contact{Leader: "王建国", Person: "李梅", Phone: "0564-6012345"},
		Nature:          app.NatureNew,
		ServiceTypes:    []app.ServiceType{app.ServiceSoftware, app.ServiceThirdParty},
		Class:           app.ClassPublic,
		Plan:            app.PlanListed,
		PeriodStart:     "2027-03",
		PeriodEnd:       "2027-12",
		Goals:           "建成覆盖全镇 12 个社区的网格化管理平台，事件处置时限缩短 30%",
		Content:         "网格事件上报、分拨、督办；社区人口与房屋基础信息管理；与县级平台对接",
		Modules:         []app.Module{{Name: "事件上报", Description: "网格员移动端上报"}, {Name: "督办考核"}},
		Integrated:      true,
		DataResources:   "产生社区人口、房屋、事件数据，共享至县数据共享交换平台",
		SharesData:      true,
		Security:        app.Security{Level: 2, Plan: "按等保二级建设，三同步", Assess: true},
		Crypto:          app.CryptoPlan{Level: 2, Summary: "采用 SM2/SM3/SM4，身份鉴别使用数字证书", Review: true},
		Deployment:      app.Deployment{Mode: app.DeployEgovCloud, Resources: "8 核 32G，存储 2T"},
		Xinchuang:       app.Xinchuang{Supported: true, Notes: "麒麟 V10、达梦 8"},
		OMPlan:          "质保期一年，之后纳入县统一运维",
		Schedule:        []app.Milestone{{Name: "招标采购", Due: "2027-04"}, {Name: "上线试运行", Due: "2027-10"}, {Name: "竣工验收", Due: "2027-12"}},
		TotalInvestment: app.Wans(180),
		YearAmount:      app.Wans(180),
		Budget: []app.BudgetItem{
			{Category: app.BudgetSoftwareDev, Name: "平台软件开发", Amount: app.Wans(120)},
			{Category: app.BudgetHardware, Name: "移动终端", Quantity: 60, Amount: app.Wans(30)},
			{Category: app.BudgetSupervision, Name: "工程监理", Amount: app.Wans(10)},
			{Category: app.BudgetSecurityEval, Name: "等保测评", Amount: app.Wans(8)},
			{Category: app.BudgetCryptoEval, Name: "密评", Amount: app.Wans(7)},
			{Category: app.BudgetTesting, Name: "第三方软件测试", Amount: app.Wans(5)},
		},
		Funding: []app.Funding{{Kind: app.FundLocal, Amount: app.Wans(150)}, {Kind: app.FundTransfer, Amount: app.Wans(30)}},
	}
}

// ShortDeclaration returns declaration i: Declaration with shorter prose and
// a title of its own, about 1.5 KB of canonical JSON, as the throughput
// benchmarks of the bureau and the sync send.
func ShortDeclaration(i int) *app.Declaration {
	d := Declaration()
	d.ProjectName = fmt.Sprintf("霍邱县城关镇第%05d号政务信息化项目", i)
	d.Goals = "建成全镇网格化管理平台"
	d.Content = "网格事件上报、分拨、督办"
	d.DataResources = "共享至县数据共享交换平台"
	d.Modules = d.Modules[:1]
	d.Schedule = d.Schedule[2:]
	d.Security.Plan = "等保二级"
	d.Crypto.Summary = "SM2/SM3/SM4"
	d.Deployment.Resources = "8 核 32G"
	d.Xinchuang.Notes = "麒麟、达梦"
	d.OMPlan = "纳入县统一运维"
	return d
}
