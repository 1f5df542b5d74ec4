package app_test

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"egovdesk/app"
	"egovdesk/assets"
)

// Seed file names, used to name the test cases after the regulation they check.
const (
	seedHuoqiu   = "000 霍邱县"
	seedLuan     = "001 六安市"
	seedYunan    = "002 郁南县"
	seedTianning = "003 天宁区"
	seedWuhan    = "004 武汉市"
)

var cst = time.FixedZone("CST", 8*3600)

// MustProfiles loads the embedded profiles or fails the test.
func MustProfiles(tb testing.TB) map[string]*app.Profile {
	tb.Helper()
	ps, err := app.LoadProfiles(assets.Profiles, "profiles")
	if err != nil {
		tb.Fatalf("load embedded profiles: %v (%v)", err, app.FieldErrors(err))
	}
	return ps
}

// MustWan parses an amount in 万元 or fails the test.
func MustWan(tb testing.TB, s string) app.Money {
	tb.Helper()
	m, err := app.ParseWan(s)
	if err != nil {
		tb.Fatalf("ParseWan(%q): %v", s, err)
	}
	return m
}

// declaration returns a complete declaration that meets every jurisdiction's
// checklist-free rules: listed in the plan, integrated, sharing data, 信创,
// security and crypto plans, on the e-gov cloud. Its whole total is software
// development unless budget lines are given as category/amount pairs; the
// remainder goes to integration.
func declaration(tb testing.TB, name, unit, total string, budget ...string) *app.Declaration {
	tb.Helper()
	t := MustWan(tb, total)
	d := &app.Declaration{
		PlanYear: 2027, ProjectName: name, UnitName: unit, UnitCreditCode: "11341522MB1234567F",
		Contact: app.Contact{Leader: "王建国", Person: "李娟", Phone: "0564-6021234"},
		Nature:  app.NatureNew, ServiceTypes: []app.ServiceType{app.ServiceSoftware},
		Class: app.ClassProfessional, Plan: app.PlanListed, PeriodStart: "2027-03", PeriodEnd: "2027-12",
		Goals: "建成统一的业务管理平台，实现事项网上办理、数据统一汇聚。", Indicators: "办件网上办理率 ≥ 90%",
		Content:      "建设业务受理、审批、统计分析三个子系统，对接一体化政务服务平台。",
		Modules:      []app.Module{{Name: "业务受理", Description: "线上申请与材料核验"}},
		CurrentState: "现有两套分散系统已完成整合迁移。", Integrated: true,
		DataResources: "人口、法人、证照数据；向县大数据中心提供办件数据。", SharingAnalysis: "需共享公安人口库、市场监管法人库；向平台提供办件结果数据。",
		SharesData:      true,
		Security:        app.Security{Level: 2, Plan: "按等保二级设计，落实三同步，部署防火墙、日志审计和数据备份。", Assess: true},
		Crypto:          app.CryptoPlan{Level: 2, Summary: "采用 SM2/SM3/SM4 国密算法，身份鉴别与传输加密。", Review: true},
		Deployment:      app.Deployment{Mode: app.DeployEgovCloud, Resources: "8 核 32G，存储 2TB"},
		Xinchuang:       app.Xinchuang{Supported: true, Notes: "麒麟操作系统、达梦数据库、东方通中间件、鲲鹏 CPU"},
		OMPlan:          "质保期三年，运维由承建单位驻场服务。",
		TotalInvestment: t, YearAmount: t,
		Funding: []app.Funding{{Kind: app.FundLocal, Amount: t}},
	}
	var sum app.Money
	for i := 0; i+1 < len(budget); i += 2 {
		m := MustWan(tb, budget[i+1])
		d.Budget = append(d.Budget, app.BudgetItem{Category: app.BudgetCategory(budget[i]), Name: budget[i], Amount: m})
		sum += m
	}
	switch {
	case len(budget) == 0:
		d.Budget = []app.BudgetItem{{Category: app.BudgetSoftwareDev, Name: "软件开发", Amount: t}}
	case sum < t:
		d.Budget = append(d.Budget, app.BudgetItem{Category: app.BudgetIntegration, Name: "系统集成", Amount: t - sum})
	}
	return d
}

func blockerIDs(a app.Assessment) []string {
	ids := make([]string, len(a.Blockers))
	for i, b := range a.Blockers {
		ids[i] = b.ID
	}
	return ids
}

func obligationIDs(a app.Assessment) []string {
	ids := make([]string, len(a.Obligations))
	for i, o := range a.Obligations {
		ids[i] = o.ID
	}
	return ids
}

func materialCodes(a app.Assessment) []string {
	var codes []string
	for _, m := range a.Materials {
		codes = append(codes, strings.Join(m.Codes, "|"))
	}
	return codes
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

var now = time.Date(2026, 11, 22, 10, 0, 0, 0, cst)

func TestProfileEmbeddedProfilesLoad(t *testing.T) {
	ps := MustProfiles(t)
	want := map[string]string{"huoqiu": "霍邱县", "luan": "六安市", "yunan": "郁南县", "tianning": "天宁区", "wuhan": "武汉市"}
	if len(ps) != len(want) {
		t.Fatalf("loaded %d profiles, want %d", len(ps), len(want))
	}
	for id, place := range want {
		p := ps[id]
		if p == nil {
			t.Fatalf("profile %s missing", id)
		}
		if !strings.Contains(p.Jurisdiction, place) || p.Bureau == "" || p.Seed == "" {
			t.Errorf("%s: jurisdiction %q bureau %q seed %q", id, p.Jurisdiction, p.Bureau, p.Seed)
		}
		if len(p.Version) != 64 || p.File != id+".json" {
			t.Errorf("%s: version %q file %q", id, p.Version, p.File)
		}
		if len(p.AcceptanceMaterials) == 0 {
			t.Errorf("%s: no acceptance materials", id)
		}
		for _, c := range p.AcceptanceMaterials {
			if !app.KnownMaterial(c) {
				t.Errorf("%s: unknown acceptance material %q", id, c)
			}
		}
	}
	if ps["huoqiu"].TrialMinMonths != 1 || ps["luan"].TrialMinMonths != 1 {
		t.Errorf("trial minimum: 霍邱 %d 六安 %d, want 1 (seeds 000, 001)", ps["huoqiu"].TrialMinMonths, ps["luan"].TrialMinMonths)
	}
}

func TestProfileRoutes(t *testing.T) {
	ps := MustProfiles(t)
	tests := []struct {
		name, profile, project, unit, total string
		route, approver                     string
	}{
		{seedHuoqiu + "/城关镇智慧社区 180万 打捆编制项目建议书", "huoqiu", "霍邱县城关镇智慧社区管理平台", "霍邱县城关镇人民政府", "180", app.RouteBundledProposal, "县发改委"},
		{seedHuoqiu + "/499.999999万 仍为打捆", "huoqiu", "霍邱县教育局智慧校园平台", "霍邱县教育局", "499.999999", app.RouteBundledProposal, "县发改委"},
		{seedHuoqiu + "/恰好 500万 单位自行编制意见书", "huoqiu", "霍邱县医保基金智能监管系统", "霍邱县医疗保障局", "500", app.RouteApproval, "县发改委"},
		{seedHuoqiu + "/数字乡村 860万", "huoqiu", "霍邱县数字乡村综合服务平台", "霍邱县农业农村局", "860", app.RouteApproval, "县发改委"},
		{seedLuan + "/市场监管 320万 打捆", "luan", "六安市智慧市场监管平台", "六安市市场监督管理局", "320", app.RouteBundledProposal, "市发改委"},
		{seedLuan + "/999.999999万 打捆", "luan", "六安市公共资源交易电子化平台升级", "六安市公共资源交易监督管理局", "999.999999", app.RouteBundledProposal, "市发改委"},
		{seedLuan + "/恰好 1000万 意见书+实施方案", "luan", "六安市城市运行管理服务平台", "六安市城市管理局", "1000", app.RouteApproval, "市发改委"},
		{seedYunan + "/9.99万 自行管理", "yunan", "郁南县档案馆数字档案查询终端软件", "郁南县档案馆", "9.99", app.RouteSelfManaged, "项目建设单位"},
		{seedYunan + "/恰好 10万 备案", "yunan", "郁南县都城镇政务服务自助终端软件", "郁南县都城镇人民政府", "10", app.RouteFiling, "县政务和数据局"},
		{seedYunan + "/49.999999万 备案", "yunan", "郁南县退役军人服务站信息系统", "郁南县退役军人事务局", "49.999999", app.RouteFiling, "县政务和数据局"},
		{seedYunan + "/恰好 50万 立项", "yunan", "郁南县智慧水务监测平台", "郁南县水务局", "50", app.RouteApproval, "县政务和数据局"},
		{seedTianning + "/智慧城管 260万 评审", "tianning", "天宁区智慧城管综合指挥平台", "天宁区城市管理局", "260", app.RouteReview, "区数据局"},
		{seedTianning + "/小额 8万 也须评审", "tianning", "天宁区茶山街道网格化管理系统升级", "天宁区茶山街道办事处", "8", app.RouteReview, "区数据局"},
		{seedWuhan + "/49.999999万 自行实施并备案", "wuhan", "武汉市档案馆档案数字化管理系统", "武汉市档案馆", "49.999999", app.RouteFiling, "备案"},
		{seedWuhan + "/恰好 50万 审批", "wuhan", "武汉市民政局养老服务信息平台", "武汉市民政局", "50", app.RouteApproval, "项目审批部门"},
		{seedWuhan + "/2999.999999万 审批", "wuhan", "武汉市交通运输综合执法平台", "武汉市交通运输局", "2999.999999", app.RouteApproval, "项目审批部门"},
		{seedWuhan + "/恰好 3000万 报市政府", "wuhan", "武汉市城市大脑二期", "武汉市政务服务和大数据管理局", "3000", app.RouteCityGovernment, "市人民政府"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := declaration(t, tt.project, tt.unit, tt.total)
			if err := d.Validate(); err != nil {
				t.Fatalf("test declaration is not valid: %v", err)
			}
			a := ps[tt.profile].Evaluate(d, now)
			if a.Route.Code != tt.route {
				t.Fatalf("route = %q (%s), want %q", a.Route.Code, a.Route.Label, tt.route)
			}
			if !strings.Contains(a.Route.Approver, tt.approver) || !hasHan(a.Route.Label) || a.Route.Source == "" {
				t.Errorf("route %+v: want approver containing %q, a Chinese label and a source", a.Route, tt.approver)
			}
		})
	}
}

func TestProfileYunanObligations(t *testing.T) {
	p := MustProfiles(t)["yunan"]
	tests := []struct {
		name   string
		total  string
		budget []string
		class  app.Class
		// cryptoLevelOnly: a 密码应用等级 chosen, the plan's summary blank
		cryptoLevelOnly bool
		want            []string // obligations that must be present
		wantNot         []string // obligations that must be absent
		budgeted        map[string]bool
	}{
		{name: seedYunan + "/总投资 99.999999万 不强制监理", total: "99.999999", class: app.ClassProfessional,
			want: []string{"security_assessment"}, wantNot: []string{"supervision", "software_testing"}},
		{name: seedYunan + "/总投资恰好 100万 须监理", total: "100", budget: []string{"software_dev", "60", "supervision", "3"}, class: app.ClassProfessional,
			want: []string{"supervision", "security_assessment"}, wantNot: []string{"software_testing"},
			budgeted: map[string]bool{"supervision": true, "security_assessment": false}},
		{name: seedYunan + "/软件开发费 99.999999万 不强制第三方测试", total: "180", budget: []string{"software_dev", "99.999999", "hardware", "60"}, class: app.ClassProfessional,
			want: []string{"supervision"}, wantNot: []string{"software_testing"}},
		{name: seedYunan + "/软件开发费恰好 100万 须第三方测试", total: "180", budget: []string{"software_dev", "100", "hardware", "60"}, class: app.ClassProfessional,
			want: []string{"supervision", "software_testing"}, budgeted: map[string]bool{"software_testing": false}},
		{name: seedYunan + "/公共类涉密码 机要局审核意见", total: "120", class: app.ClassPublic,
			want: []string{"crypto_review_public", "public_class_flow"}, wantNot: []string{"crypto_filing_professional", "catalogue", "pre_acceptance_review", "approval_validity"}},
		{name: seedYunan + "/选了密码应用等级即涉及密码应用，方案摘要未写也提示机要局意见", total: "120", class: app.ClassProfessional, cryptoLevelOnly: true,
			want: []string{"crypto_filing_professional"}},
		{name: seedYunan + "/专业类立项 共享资源目录与前置审核", total: "120", class: app.ClassProfessional,
			want: []string{"crypto_filing_professional", "catalogue", "pre_acceptance_review", "approval_validity", "change_filing"}},
		{name: seedYunan + "/专业类备案 无需前置审核", total: "30", class: app.ClassProfessional,
			want: []string{"filing_acceptance", "change_filing"}, wantNot: []string{"catalogue", "pre_acceptance_review", "approval_validity"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := declaration(t, "郁南县智慧水务监测平台", "郁南县水务局", tt.total, tt.budget...)
			d.Class = tt.class
			if tt.cryptoLevelOnly {
				d.Crypto.Summary, d.Crypto.Level = "", 2
			}
			a := p.Evaluate(d, now)
			got := obligationIDs(a)
			for _, w := range tt.want {
				if !slices.Contains(got, w) {
					t.Errorf("obligation %q missing; got %v", w, got)
				}
			}
			for _, w := range tt.wantNot {
				if slices.Contains(got, w) {
					t.Errorf("obligation %q present; got %v", w, got)
				}
			}
			for _, o := range a.Obligations {
				if !hasHan(o.Label) || o.Source == "" {
					t.Errorf("obligation %q: label %q source %q", o.ID, o.Label, o.Source)
				}
				if want, ok := tt.budgeted[o.ID]; ok && o.Budgeted != want {
					t.Errorf("obligation %q budgeted = %v, want %v", o.ID, o.Budgeted, want)
				}
			}
		})
	}
	t.Run(seedYunan+"/专业类立项须附共享资源目录，备案不须", func(t *testing.T) {
		a := p.Evaluate(declaration(t, "郁南县智慧水务监测平台", "郁南县水务局", "120"), now)
		if got := materialCodes(a); !slices.Contains(got, "catalogue") || !slices.Contains(got, "crypto_plan") {
			t.Errorf("materials = %v, want catalogue and crypto_plan", got)
		}
		a = p.Evaluate(declaration(t, "郁南县退役军人服务站信息系统", "郁南县退役军人事务局", "30"), now)
		if got := materialCodes(a); slices.Contains(got, "catalogue") {
			t.Errorf("materials = %v, want no catalogue for 备案", got)
		}
	})
	// 第十二条第（一）项: a professional project applying for 立项 brings
	// the 机要局's 密码应用备案意见 with its plan. A public one's plan is
	// the bureau's to write (第十一条第（一）项), and the 机要局's opinion
	// on it goes to the bureau (第十一条第（二）项): the unit was asked for
	// a 密码应用方案 it does not write. A project under 备案 is not 立项.
	t.Run(seedYunan+"/密码应用备案意见随专业类立项方案", func(t *testing.T) {
		for _, c := range []struct {
			total string
			class app.Class
			want  bool
		}{{"120", app.ClassProfessional, true}, {"120", app.ClassPublic, false}, {"30", app.ClassProfessional, false}} {
			d := declaration(t, "郁南县智慧水务监测平台", "郁南县水务局", c.total)
			d.Class = c.class
			a := p.Evaluate(d, now)
			if got := slices.Contains(materialCodes(a), "crypto_plan"); got != c.want {
				t.Errorf("%s 万元, %s: crypto_plan asked %v, want %v", c.total, c.class, got, c.want)
			}
			if got := slices.Contains(obligationIDs(a), "crypto_filing_professional"); got != (c.want) {
				t.Errorf("%s 万元, %s: the 备案意见 obligation %v, want %v", c.total, c.class, got, c.want)
			}
			// The opinion is a document of its own, not a note on the
			// plan's: the clerk attaches it, and the bureau sees it, apart.
			// The plan the opinion is on is the bureau's inference: said so.
			if i := slices.IndexFunc(a.Materials, func(m app.MaterialNeed) bool { return slices.Contains(m.Codes, "crypto_plan") }); i >= 0 && !a.Materials[i].Addition {
				t.Errorf("the 密码应用方案, which 第十二条 does not name, is not marked as the bureau's own")
			}
			if got := slices.Contains(materialCodes(a), "crypto_filing_opinion"); got != c.want {
				t.Errorf("%s 万元, %s: the 备案意见 asked %v, want %v", c.total, c.class, got, c.want)
			}
			for _, m := range a.Materials {
				if slices.Contains(m.Codes, "crypto_filing_opinion") && !strings.Contains(m.Label, "县委机要局") {
					t.Errorf("the opinion reads %q: it does not say who gives it", m.Label)
				}
			}
		}
	})
}

// confirmAll confirms every checklist item of p, as a careful commissioner would.
func confirmAll(d *app.Declaration, p *app.Profile) {
	for _, c := range p.Checklist {
		d.Confirmations = append(d.Confirmations, c.ID)
	}
}

func TestProfileTianningBlockers(t *testing.T) {
	p := MustProfiles(t)["tianning"]
	base := func(t *testing.T) *app.Declaration {
		d := declaration(t, "天宁区智慧城管综合指挥平台", "天宁区城市管理局", "260")
		confirmAll(d, p)
		return d
	}
	t.Run(seedTianning+"/完整申报无阻止项", func(t *testing.T) {
		if a := p.Evaluate(base(t), now); !a.CanSubmit() {
			t.Fatalf("blockers %v", blockerIDs(a))
		}
	})
	tests := []struct {
		name    string
		blocker string
		field   string
		break_  func(d *app.Declaration)
		clear   func(d *app.Declaration)
	}{
		{"未完成迁移整合", "not_integrated", "integrated",
			func(d *app.Declaration) { d.Integrated = false },
			func(d *app.Declaration) { d.Integrated = true }},
		// The first kind's second half: 或违反政务信息资源共享管理规定的单位申报的.
		{"违反政务信息资源共享管理规定", "check.sharing_compliant", "confirmations",
			func(d *app.Declaration) { d.Confirmations = nil },
			func(d *app.Declaration) { d.Confirmations = []string{"sharing_compliant"} }},
		{"未上政务云且无情况说明", "not_on_cloud", "deployment.mode",
			func(d *app.Declaration) { d.Deployment.Mode = app.DeployOther },
			func(d *app.Declaration) {
				d.Deployment.Explanation = "视频专网设备须就近部署，已与区数据局沟通。"
			}},
		{"仅部署外网自有资源且无情况说明", "not_on_cloud", "deployment.mode",
			func(d *app.Declaration) { d.Deployment.Mode = app.DeployExtranet },
			func(d *app.Declaration) { d.Deployment.Mode = app.DeployEgovCloud }},
		{"不提供数据共享", "no_data_sharing", "shares_data",
			func(d *app.Declaration) { d.SharesData = false },
			func(d *app.Declaration) { d.SharesData = true }},
		{"不支持信创", "no_xinchuang", "xinchuang.supported",
			func(d *app.Declaration) { d.Xinchuang.Supported = false },
			func(d *app.Declaration) { d.Xinchuang.Supported = true }},
		{"无安全保障方案", "no_security_plan", "security.plan",
			func(d *app.Declaration) { d.Security.Plan = "  " },
			func(d *app.Declaration) { d.Security.Plan = "等保三级，三同步，密评。" }},
		{"未明确部门间共享需求", "section.sharing_analysis", "sharing_analysis",
			func(d *app.Declaration) { d.SharingAnalysis = "" },
			func(d *app.Declaration) { d.SharingAnalysis = "需共享公安人口库。" }},
		{"未列入年度计划", "not_in_plan", "plan",
			func(d *app.Declaration) { d.Plan = app.PlanNotListed },
			func(d *app.Declaration) { d.Plan = app.PlanListed }},
		{"紧急项目亦须先列入计划", "not_in_plan", "plan",
			func(d *app.Declaration) { d.Plan, d.PlanBasis = app.PlanUrgent, "区政府常务会议纪要" },
			func(d *app.Declaration) { d.Plan = app.PlanListed }},
	}
	for _, tt := range tests {
		t.Run(seedTianning+"/"+tt.name, func(t *testing.T) {
			d := base(t)
			tt.break_(d)
			a := p.Evaluate(d, now)
			if got := blockerIDs(a); !reflect.DeepEqual(got, []string{tt.blocker}) {
				t.Fatalf("blockers = %v, want [%s]", got, tt.blocker)
			}
			b := a.Blockers[0]
			if b.Field != tt.field || !hasHan(b.Label) || !hasHan(b.Fix) || b.Source == "" {
				t.Errorf("blocker %+v: want field %q, Chinese label and fix, a source", b, tt.field)
			}
			// The five 不予审核 hold "除法律法规明确规定外": a unit a law
			// provides otherwise for says which and attaches it, and the
			// 不予审核 is lifted (it could only be told whom to ask, and
			// could not submit at all).
			// 未明确部门之间信息共享需求 is the third's last part (found in a
			// 天宁 walkthrough: it alone stood once the law was cited).
			if strings.HasPrefix(b.Label, "不予审核") || b.ID == "check.sharing_compliant" || b.ID == "section.sharing_analysis" {
				if !strings.Contains(b.Fix, "在“法律法规另有规定的依据”中写明") {
					t.Errorf("blocker %s: its fix %q does not say what to do where a law provides otherwise", b.ID, b.Fix)
				}
				excepted := *d
				excepted.LegalException = "《中华人民共和国数据安全法》第××条：本系统数据不得接入共享平台"
				a := p.Evaluate(&excepted, now)
				if !a.CanSubmit() {
					t.Errorf("blocker %s holds where a law provides otherwise: %v", b.ID, blockerIDs(a))
				}
				if i := slices.IndexFunc(a.Materials, func(m app.MaterialNeed) bool { return slices.Contains(m.Codes, "basis_docs") }); i < 0 || !a.Materials[i].Addition {
					t.Errorf("a law cited without its text asked for: %+v", a.Materials)
				}
				// The blocker lifted is named, for the reviewer to check
				// the law against.
				if len(a.Excepted) != 1 || a.Excepted[0].ID != b.ID || !strings.HasPrefix(a.Excepted[0].Label, "不予审核") {
					t.Errorf("lifted by the law cited: %+v, want %s named as a 不予审核 ground", a.Excepted, b.ID)
				}
				// The confirmation lifted is still asked, shown and can be
				// given or taken back (hidden, a reviewer's 请勾选 could not
				// be answered; found in a walkthrough).
				if b.ID == "check.sharing_compliant" {
					i := slices.IndexFunc(a.Checklist, func(c app.Check) bool { return c.ID == "sharing_compliant" })
					if i < 0 || !a.Checklist[i].Waived || a.Checklist[i].Confirmed {
						t.Errorf("the lifted confirmation in the checklist: %+v", a.Checklist)
					}
				}
			} else {
				excepted := *d
				excepted.LegalException = "《某法》第一条"
				if a := p.Evaluate(&excepted, now); a.CanSubmit() {
					t.Errorf("blocker %s, which is not one of the five, lifted by a law cited", b.ID)
				}
			}
			tt.clear(d)
			if a := p.Evaluate(d, now); !a.CanSubmit() {
				t.Errorf("after the fix, blockers = %v", blockerIDs(a))
			}
		})
	}
}

// 六安's and 霍邱's 专题请示 is for a project added outside the year's plan
// (如确需新增), not for next year's, which the July declaration puts into
// the plan: a declaration for next year read 未列入年度计划：须向市政府专题请示
// among its duties, against the blocker's own fix (found in a clerk's
// walkthrough; 霍邱's, and one with the plan not chosen yet, in another).
func TestLuanSpecialRequestOnlyForAProjectAdded(t *testing.T) {
	for _, name := range []string{"luan", "huoqiu"} {
		specialRequestOnlyForAProjectAdded(t, name)
	}
}

func specialRequestOnlyForAProjectAdded(t *testing.T, name string) {
	p := MustProfiles(t)[name]
	for _, c := range []struct {
		plan app.PlanStatus
		year int
		want bool
	}{{app.PlanNotListed, 2028, false}, {app.PlanListed, 2026, false}, {"", 2028, false}, {app.PlanNotListed, 2026, true}, {app.PlanUrgent, 2026, true},
		{app.PlanNotListed, 2027, true}} { // 2027's declaration closed on 30 June 2026: now is in November
		d := declaration(t, "示范项目信息化平台", "示范单位", "320")
		d.Plan, d.PlanYear = c.plan, c.year
		a := p.Evaluate(d, now)
		got := slices.ContainsFunc(a.Obligations, func(o app.Obligation) bool { return o.ID == "special_request" })
		if got != c.want {
			t.Errorf("%s: %q for %d: 专题请示 among the duties %v, want %v", name, c.plan, c.year, got, c.want)
		}
	}
}

func TestProfilePlanAndChecklist(t *testing.T) {
	ps := MustProfiles(t)
	tests := []struct {
		name, profile, total string
		plan                 app.PlanStatus
		year                 int // 申报年度; 2027 (next year: now is in 2026) when 0
		confirm              bool
		blockers             []string
		material             string // a material that must be required, if any
	}{
		{seedHuoqiu + "/申报下一年度：申报即是列入计划的途径，未列入不阻止", "huoqiu", "180", app.PlanNotListed, 2028, true, nil, ""},
		{seedHuoqiu + "/下一年度申报已截止（7 月份前）：未列入须专题请示", "huoqiu", "180", app.PlanNotListed, 2027, true, []string{"not_in_plan"}, ""},
		{seedHuoqiu + "/本年度未列入年度计划 须专题请示", "huoqiu", "180", app.PlanNotListed, 2026, true, []string{"not_in_plan"}, ""},
		{seedHuoqiu + "/紧急补充列入 附专题请示", "huoqiu", "180", app.PlanUrgent, 2026, true, nil, "special_request"},
		{seedLuan + "/申报下一年度：未列入不阻止", "luan", "320", app.PlanNotListed, 2028, true, nil, ""},
		{seedLuan + "/下一年度申报已截止（7 月份前）：未列入须专题请示", "luan", "320", app.PlanNotListed, 2027, true, []string{"not_in_plan"}, ""},
		{seedLuan + "/本年度未列入年度计划 须向市政府专题请示", "luan", "320", app.PlanNotListed, 2026, true, []string{"not_in_plan"}, ""},
		{seedLuan + "/紧急补充列入 附专题请示", "luan", "1200", app.PlanUrgent, 2026, true, nil, "special_request"},
		{seedYunan + "/11月底前申报下一年度需求计划：未纳入不阻止", "yunan", "120", app.PlanNotListed, 0, true, nil, ""},
		{seedYunan + "/本年度未纳入年度计划 不能立项", "yunan", "120", app.PlanNotListed, 2026, true, []string{"not_in_plan"}, ""},
		{seedYunan + "/临时安排 报县政府同意后附依据", "yunan", "120", app.PlanUrgent, 2026, true, nil, "basis_docs"},
		{seedYunan + "/未确认不属于排除事项", "yunan", "120", app.PlanListed, 0, false, []string{"check.not_excluded", "check.not_classified"}, ""},
		{seedYunan + "/9.99万 自行管理 无需申报", "yunan", "9.99", app.PlanListed, 0, true, []string{"self_managed"}, ""},
		{seedWuhan + "/未列入年度实施方案 不得申请立项（下一年度也是：计划在先）", "wuhan", "120", app.PlanNotListed, 0, true, []string{"not_in_plan"}, ""},
		{seedWuhan + "/确属紧急 申请补充列入", "wuhan", "120", app.PlanUrgent, 0, true, nil, "basis_docs"},
		{seedWuhan + "/未确认不属于集中采购办公设备", "wuhan", "30", app.PlanListed, 0, false, []string{"check.not_excluded", "check.no_new_infrastructure"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := ps[tt.profile]
			d := declaration(t, "示范项目信息化平台", "示范单位", tt.total)
			if tt.profile == "yunan" && tt.total == "120" { // 第十六条's fees in the total
				d = declaration(t, "示范项目信息化平台", "示范单位", "120", "software_dev", "105", "supervision", "5", "software_testing", "5", "security_assessment", "5")
			}
			d.Plan = tt.plan
			if tt.year != 0 {
				d.PlanYear = tt.year
			}
			if tt.plan == app.PlanUrgent {
				d.PlanBasis = "上级文件要求，政府常务会议纪要〔2026〕12号"
			}
			if tt.confirm {
				confirmAll(d, p)
			}
			a := p.Evaluate(d, now)
			if got := blockerIDs(a); !slices.Equal(got, tt.blockers) {
				t.Errorf("blockers = %v, want %v", got, tt.blockers)
			}
			for _, b := range a.Blockers {
				if b.Field == "" || !hasHan(b.Fix) {
					t.Errorf("blocker %+v lacks a field or a Chinese fix", b)
				}
			}
			if tt.material != "" && !slices.Contains(materialCodes(a), tt.material) {
				t.Errorf("materials = %v, want %s", materialCodes(a), tt.material)
			}
		})
	}
}

func TestProfileWuhanSections(t *testing.T) {
	p := MustProfiles(t)["wuhan"]
	t.Run(seedWuhan+"/审批项目缺共享分析篇和密码应用方案", func(t *testing.T) {
		d := declaration(t, "武汉市民政局养老服务信息平台", "武汉市民政局", "680")
		d.SharingAnalysis, d.Crypto.Summary = "", ""
		confirmAll(d, p)
		a := p.Evaluate(d, now)
		want := []string{"section.sharing_analysis", "section.crypto.summary"}
		if got := blockerIDs(a); !slices.Equal(got, want) {
			t.Fatalf("blockers = %v, want %v", got, want)
		}
		if a.Blockers[1].Field != "crypto.summary" {
			t.Errorf("crypto blocker field = %q", a.Blockers[1].Field)
		}
		if got := materialCodes(a); !slices.Contains(got, "crypto_plan") || !slices.Contains(got, "implementation_plan|feasibility") {
			t.Errorf("materials = %v", got)
		}
	})
	t.Run(seedWuhan+"/50万以下备案项目不要求共享分析篇", func(t *testing.T) {
		d := declaration(t, "武汉市档案馆档案数字化管理系统", "武汉市档案馆", "38")
		d.SharingAnalysis, d.Crypto.Summary = "", ""
		confirmAll(d, p)
		// Only the bureau's own 等保 addition is asked for, and it is filled.
		if a := p.Evaluate(d, now); !a.CanSubmit() || len(a.Sections) != 1 || a.Sections[0].Field != "security.level" || !a.Sections[0].Addition {
			t.Errorf("blockers %v sections %v", blockerIDs(a), a.Sections)
		}
	})
	t.Run(seedWuhan+"/部署在自建机房被阻止", func(t *testing.T) {
		d := declaration(t, "武汉市交通运输综合执法平台", "武汉市交通运输局", "1200")
		d.Deployment = app.Deployment{Mode: app.DeployOther, Explanation: "自建机房"}
		confirmAll(d, p)
		if got := blockerIDs(p.Evaluate(d, now)); !slices.Equal(got, []string{"not_on_wuhan_cloud"}) {
			t.Errorf("blockers = %v", got)
		}
	})
}

func TestProfileMaterials(t *testing.T) {
	ps := MustProfiles(t)
	t.Run(seedTianning+"/可研报告或建设方案建议书任选其一", func(t *testing.T) {
		a := ps["tianning"].Evaluate(declaration(t, "天宁区智慧城管综合指挥平台", "天宁区城市管理局", "260"), now)
		atts := []app.Attachment{{Material: "construction_plan", Name: "项目建设方案建议书.pdf"}}
		missing := a.MissingMaterials(atts)
		if len(missing) != 1 || missing[0].Codes[0] != "security_plan" {
			t.Errorf("missing = %+v, want only security_plan", missing)
		}
		atts = append(atts, app.Attachment{Material: "security_plan", Name: "网络安全总体建设方案.pdf"})
		if missing := a.MissingMaterials(atts); missing != nil {
			t.Errorf("missing = %+v, want none", missing)
		}
	})
	t.Run(seedHuoqiu+"/500万以上须意见书和实施方案", func(t *testing.T) {
		a := ps["huoqiu"].Evaluate(declaration(t, "霍邱县数字乡村综合服务平台", "霍邱县农业农村局", "860"), now)
		want := []string{"application_report", "opinion_letter", "implementation_plan"}
		if got := materialCodes(a); !slices.Equal(got, want) {
			t.Errorf("materials = %v, want %v", got, want)
		}
		for _, m := range a.Materials {
			if !hasHan(m.Label) {
				t.Errorf("material %v has no Chinese label", m)
			}
		}
	})
}

// A declaration's plan year is judged as of its first submission, in
// Beijing: sent on time for 2027, it is not a mid-year addition when it
// comes back for changes in January 2027; one first sent then is. The year
// turns at midnight in Beijing, whatever zone the bureau's clock is in.
func TestPlanYearIsJudgedAsOfTheFirstSubmission(t *testing.T) {
	p := MustProfiles(t)["huoqiu"]
	d := declaration(t, "示范项目信息化平台", "示范单位", "180")
	d.Plan, d.PlanYear = app.PlanNotListed, 2027
	blocked := func(a app.Assessment) bool { return slices.Contains(blockerIDs(a), "not_in_plan") }
	jan := time.Date(2027, 1, 5, 10, 0, 0, 0, cst)
	if !blocked(p.Evaluate(d, jan)) {
		t.Error("first sent in January 2027 for 2027: not blocked")
	}
	if blocked(p.EvaluateSent(d, jan, time.Date(2026, 6, 20, 10, 0, 0, 0, cst))) {
		t.Error("first sent in June 2026 for 2027, revised in January: blocked")
	}
	// 2027's declaration closes at the end of 30 June 2026 in Beijing
	// (7 月份前), whatever zone the bureau's clock is in.
	if blocked(p.EvaluateSent(d, time.Date(2026, 6, 30, 15, 0, 0, 0, time.UTC), time.Time{})) {
		t.Error("23:00 on 30 June 2026 in Beijing: blocked")
	}
	if !blocked(p.EvaluateSent(d, time.Date(2026, 6, 30, 17, 0, 0, 0, time.UTC), time.Time{})) {
		t.Error("01:00 on 1 July 2026 in Beijing, a UTC clock still on 30 June: not blocked")
	}
	// Sent in December 2026 for 2027, months after 2027's plan was made:
	// an addition, which asks the 专题请示 (it went through; a walkthrough).
	if !blocked(p.Evaluate(d, time.Date(2026, 12, 7, 10, 0, 0, 0, cst))) {
		t.Error("first sent in December 2026 for 2027: not blocked")
	}
	d.PlanYear = 2028
	if blocked(p.Evaluate(d, time.Date(2026, 12, 7, 10, 0, 0, 0, cst))) {
		t.Error("sent in December 2026 for 2028, whose declaration is open: blocked")
	}
	d.PlanYear = 2027

	f, err := app.NewFiling(app.KindDeclaration, "decl", "rev-1", "unit", time.Date(2026, 6, 1, 9, 0, 0, 0, cst))
	if err != nil {
		t.Fatal(err)
	}
	f.Declaration = d
	confirmAll(d, p)
	if _, err := f.Submit(time.Date(2026, 6, 20, 10, 0, 0, 0, cst), "李娟"); err != nil {
		t.Fatal(err)
	}
	for _, fe := range app.FieldErrors(f.Check(p, jan)) {
		if fe.Field == "plan" {
			t.Errorf("Filing.Check in January of a declaration sent in June: %s", fe.Message)
		}
	}
}

// A submission the unit withdrew is one the bureau never kept: a
// declaration sent in June 2026 for 2027, withdrawn the same day and sent
// again in January 2027 is judged as of January, a mid-year addition, as
// one first sent then; returned by the bureau instead, it would not be.
func TestWithdrawnSubmissionIsNotTheFirst(t *testing.T) {
	p := MustProfiles(t)["huoqiu"]
	d := declaration(t, "示范项目信息化平台", "示范单位", "180")
	d.Plan, d.PlanYear = app.PlanNotListed, 2027
	confirmAll(d, p)
	f, err := app.NewFiling(app.KindDeclaration, "decl", "rev-1", "unit", time.Date(2026, 6, 1, 9, 0, 0, 0, cst))
	if err != nil {
		t.Fatal(err)
	}
	f.Declaration = d
	june, jan := time.Date(2026, 6, 20, 10, 0, 0, 0, cst), time.Date(2027, 1, 5, 10, 0, 0, 0, cst)
	if _, err := f.Submit(june, "李娟"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Withdraw(june.Add(time.Hour), "李娟", "附件传错了"); err != nil {
		t.Fatal(err)
	}
	if err := f.Revise("rev-2", june.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got := app.FirstSubmitted(f); !got.IsZero() {
		t.Errorf("withdrawn, not sent again: first submitted %v, want none", got)
	}
	if _, err := f.Submit(jan, "李娟"); err != nil {
		t.Fatal(err)
	}
	if got := app.FirstSubmitted(f); !got.Equal(jan) {
		t.Errorf("first submitted %v, want the January submission %v", got, jan)
	}
	if !slices.ContainsFunc(app.FieldErrors(f.Check(p, jan)), func(fe app.FieldError) bool { return fe.Field == "plan" }) {
		t.Error("sent in June, withdrawn, sent again in January 2027 for 2027: the plan year is not checked as of January")
	}
}

// Requirements no clause states are marked as the bureau's own, so that the
// clerk is told so and the bureau may switch them off: the unit's building
// plan for a bundled proposal (the regulations have the bureau compile it),
// and the go-live filing (they count years from go-live, but ask for no
// report of it).
func TestProfileMarksWhatNoClauseStates(t *testing.T) {
	ps := MustProfiles(t)
	for _, name := range []string{"huoqiu", "luan"} {
		a := ps[name].Evaluate(declaration(t, "城关镇智慧社区管理平台", "城关镇人民政府", "180"), now)
		found := false
		for _, m := range a.Materials {
			if slices.Contains(m.Codes, "construction_plan") {
				found = true
				if !m.Addition || !strings.HasPrefix(m.Source, "本局补充要求") {
					t.Errorf("%s: the building plan for a bundled proposal is not marked the bureau's own: %+v", name, m)
				}
			}
		}
		if !found {
			t.Errorf("%s: no building plan asked for a 180万 project", name)
		}
	}
	for _, name := range []string{"huoqiu", "luan", "wuhan"} {
		rules := ps[name].LifecycleRules(app.KindGoLive, "", declaration(t, "城关镇智慧社区管理平台", "城关镇人民政府", "180"))
		if len(rules) == 0 {
			t.Errorf("%s: no go-live rule", name)
		}
		for _, r := range rules {
			if !r.Addition || !strings.HasPrefix(r.Source, "本局补充要求") {
				t.Errorf("%s: the go-live filing is not marked the bureau's own: %+v", name, r)
			}
		}
	}
}

// The duties the texts give every unit, whatever its project, are listed:
// 郁南 第二十三条 (performance evaluation) and 第三条第（二）项 (the system
// catalogue), 武汉 第十八条 (surplus funds), 第二十二条 (assets on the books)
// and 第二十七条 (what acceptance covers).
func TestProfileUnitDuties(t *testing.T) {
	ps := MustProfiles(t)
	for name, want := range map[string][]string{
		"yunan": {"performance_evaluation", "system_catalogue"},
		"wuhan": {"return_surplus", "assets_on_books", "acceptance_content"},
	} {
		got := obligationIDs(ps[name].Evaluate(declaration(t, "示范项目信息化平台", "示范单位", "120"), now))
		for _, w := range want {
			if !slices.Contains(got, w) {
				t.Errorf("%s: obligation %s missing from %v", name, w, got)
			}
		}
	}
}

func TestProfileDeadlines(t *testing.T) {
	ps := MustProfiles(t)
	date := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, cst) }
	find := func(t *testing.T, ds []app.Deadline, id string) app.Deadline {
		t.Helper()
		for _, d := range ds {
			if d.ID == id {
				return d
			}
		}
		t.Fatalf("deadline %q missing from %+v", id, ds)
		return app.Deadline{}
	}
	tests := []struct {
		name, profile, id string
		total             string
		events            map[string]time.Time
		now               time.Time
		opens, due        time.Time
	}{
		{seedHuoqiu + "/2027年项目于2026年7月前申报", "huoqiu", "declare", "180", nil, now, time.Time{}, date(2026, 6, 30)},
		{seedLuan + "/2027年项目于2026年7月前申报", "luan", "declare", "320", nil, now, time.Time{}, date(2026, 6, 30)},
		{seedYunan + "/需求计划11月底前", "yunan", "demand_plan", "120", nil, now, time.Time{}, date(2026, 11, 30)},
		{seedYunan + "/验收后12个月内自评价", "yunan", "self_evaluation", "120",
			map[string]time.Time{app.AnchorAcceptance: date(2026, 1, 31)}, now, time.Time{}, date(2027, 1, 31)},
		{seedYunan + "/立项审批意见两年有效", "yunan", "approval_expiry", "120",
			map[string]time.Time{app.AnchorApproval: date(2025, 3, 15)}, now, time.Time{}, date(2027, 3, 15)},
		{seedTianning + "/验收后10个工作日备案 跨中秋国庆及调休", "tianning", "acceptance_filing", "260",
			map[string]time.Time{app.AnchorAcceptance: date(2026, 9, 24)}, now, time.Time{}, date(2026, 10, 15)},
		{seedTianning + "/验收后10个工作日备案 普通两周", "tianning", "acceptance_filing", "260",
			map[string]time.Time{app.AnchorAcceptance: date(2026, 11, 6)}, now, time.Time{}, date(2026, 11, 20)},
		{seedTianning + "/每年11月底自评价 当年", "tianning", "self_evaluation", "260", nil, now, time.Time{}, date(2026, 11, 30)},
		{seedTianning + "/每年11月底自评价 已过则为次年", "tianning", "self_evaluation", "260", nil, date(2026, 12, 1), time.Time{}, date(2027, 11, 30)},
		{seedWuhan + "/建成后半年内验收 月末取当月最后一天", "wuhan", "acceptance", "680",
			map[string]time.Time{app.AnchorCompletion: date(2025, 8, 31)}, now, time.Time{}, date(2026, 2, 28)},
		{seedWuhan + "/投入运行后12至24个月自评价", "wuhan", "self_evaluation", "680",
			map[string]time.Time{app.AnchorGoLive: date(2026, 1, 31)}, now, date(2027, 1, 31), date(2028, 1, 31)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := ps[tt.profile]
			d := declaration(t, "示范项目信息化平台", "示范单位", tt.total)
			got := find(t, p.DeadlinesFor(d, tt.events, tt.now), tt.id)
			if !got.Due.Equal(tt.due) || !got.Opens.Equal(tt.opens) {
				t.Errorf("deadline %s: opens %v due %v, want %v and %v", tt.id, got.Opens, got.Due, tt.opens, tt.due)
			}
			if !hasHan(got.Label) || !hasHan(got.Rule) || got.Source == "" {
				t.Errorf("deadline %+v lacks a Chinese label, rule or source", got)
			}
		})
	}
	t.Run(seedTianning+"/验收日期未知时只给规则原文", func(t *testing.T) {
		a := ps["tianning"].Evaluate(declaration(t, "天宁区智慧城管综合指挥平台", "天宁区城市管理局", "260"), now)
		dl := find(t, a.Deadlines, "acceptance_filing")
		if dl.Known() || !strings.Contains(dl.Rule, "10 个工作日") {
			t.Errorf("pending deadline = %+v", dl)
		}
		if !a.Deadlines[0].Known() {
			t.Errorf("known deadlines should come first: %+v", a.Deadlines)
		}
	})
	t.Run(seedYunan+"/公共类项目没有立项审批意见，也就没有两年有效期（第十一条、第十二条第（二）项）", func(t *testing.T) {
		d := declaration(t, "郁南县政务云扩容", "郁南县政务服务和数据管理局", "120")
		d.Class = app.ClassPublic
		for _, dl := range ps["yunan"].DeadlinesFor(d, map[string]time.Time{app.AnchorApproval: date(2025, 3, 15)}, now) {
			if dl.ID == "approval_expiry" {
				t.Errorf("approval_expiry applies to a public-class project: %+v", dl)
			}
		}
	})
	t.Run(seedYunan+"/备案项目没有立项有效期", func(t *testing.T) {
		d := declaration(t, "郁南县退役军人服务站信息系统", "郁南县退役军人事务局", "30")
		for _, dl := range ps["yunan"].DeadlinesFor(d, nil, now) {
			if dl.ID == "approval_expiry" {
				t.Errorf("approval_expiry applies to a 备案 project")
			}
		}
	})
}

func TestProfileEvaluateIsPure(t *testing.T) {
	for id, p := range MustProfiles(t) {
		d := declaration(t, "霍邱县城关镇智慧社区管理平台", "霍邱县城关镇人民政府", "180")
		before, _ := json.Marshal(d)
		a1 := p.Evaluate(d, now)
		a2 := p.Evaluate(d, now)
		after, _ := json.Marshal(d)
		if string(before) != string(after) {
			t.Errorf("%s: Evaluate changed the declaration", id)
		}
		if !reflect.DeepEqual(a1, a2) {
			t.Errorf("%s: Evaluate is not deterministic", id)
		}
		if a := p.Evaluate(nil, now); a.Profile != id {
			t.Errorf("%s: Evaluate(nil) = %+v", id, a)
		}
	}
}

// 法律法规另有规定的依据 of "无" lifted every 不予审核 of 天宁 (found in a
// walkthrough): only a text naming a law or regulation cites one; one that
// names none is refused, saying what to write, and lifts nothing.
func TestALegalExceptionNamesALaw(t *testing.T) {
	for s, want := range map[string]bool{
		"《中华人民共和国保守国家秘密法》第二十四条": true, "保密法第二十四条": true, "国务院办公厅关于加强政务数据共享的规定": true, "某某条例第三条": true,
		"无线电管理条例第十条": true, "未成年人保护法第七十二条": true, "无障碍环境建设法第三十条": true, "涉密项目适用保密法": true,
		"": false, "无": false, "  无  ": false, "无。": false, "没有": false, "暂无": false, "不适用": false, "无相关法律法规": false, "—": false, "/": false,
		"本项目涉密": false, "本项目无法律法规另有规定": false, "本项目不存在法律法规另有规定的情形": false, "本项目没有另有规定": false,
		"根据国家有关规定": false, "依法": false, "无，按要求部署": false,
	} {
		if got := app.CitesLaw(s); got != want {
			t.Errorf("CitesLaw(%q) = %v, want %v", s, got, want)
		}
	}
	p := MustProfiles(t)["tianning"]
	d := declaration(t, "天宁区智慧城管综合指挥平台", "天宁区城市管理局", "260")
	d.SharesData = false
	msg := func() string {
		for _, fe := range app.FieldErrors(d.Validate()) {
			if fe.Field == "legal_exception" {
				return fe.Message
			}
		}
		return ""
	}
	d.LegalException = "无"
	if m := msg(); !strings.Contains(m, "请留空") || !strings.Contains(m, "名称及条款") {
		t.Errorf("无 as the law cited: %q", m)
	}
	if !slices.Contains(blockerIDs(p.Evaluate(d, now)), "no_data_sharing") {
		t.Error("无 lifted a 不予审核")
	}
	d.LegalException = "《中华人民共和国保守国家秘密法》第二十四条"
	if m := msg(); m != "" {
		t.Errorf("a law cited refused: %q", m)
	}
	if slices.Contains(blockerIDs(p.Evaluate(d, now)), "no_data_sharing") {
		t.Error("a law cited lifts nothing")
	}
}

// 郁南 第十六条: 监理费用、第三方测试费用和安全评估费用纳入总投资. A project
// that must have them and lists none of them is held back, naming each
// (the 180 万元 demo project with 126 万元 of development and no 第三方测试
// line passed every rule: a review of 郁南); listed, it is not.
func TestYunanFeesInTheTotal(t *testing.T) {
	p := MustProfiles(t)["yunan"]
	d := declaration(t, "示范项目信息化平台", "示范单位", "120")
	confirmAll(d, p)
	if got := blockerIDs(p.Evaluate(d, now)); !slices.Equal(got, []string{"supervision", "software_testing", "security_assessment"}) {
		t.Errorf("120 万元 of development alone: blockers %v", got)
	}
	d = declaration(t, "示范项目信息化平台", "示范单位", "120", "software_dev", "105", "supervision", "5", "software_testing", "5", "security_assessment", "5")
	confirmAll(d, p)
	if got := blockerIDs(p.Evaluate(d, now)); len(got) != 0 {
		t.Errorf("with the three fees: blockers %v", got)
	}
	// Below 100 万元 of development and of total only the assessment is owed.
	d = declaration(t, "示范项目信息化平台", "示范单位", "60")
	confirmAll(d, p)
	if got := blockerIDs(p.Evaluate(d, now)); !slices.Equal(got, []string{"security_assessment"}) {
		t.Errorf("60 万元: blockers %v", got)
	}
}

// The bureau goes by its short name where the profile gives one.
func TestBureauShort(t *testing.T) {
	ps := MustProfiles(t)
	for id, want := range map[string]string{"huoqiu": "县数管局", "luan": "市数管局", "yunan": "县政务和数据局",
		"tianning": "天宁区数据局", "wuhan": "武汉市政务服务和大数据管理局"} {
		if got := ps[id].BureauShort(); got != want {
			t.Errorf("%s: %q, want %q", id, got, want)
		}
	}
	var none *app.Profile
	if got := none.BureauShort(); got != "数管局" {
		t.Errorf("without a profile: %q", got)
	}
}

// Where the bureau's 验收通过 records the acceptance itself (霍邱, 六安: 建设单位
// 联合县数管局组织、县公管局见证), the reviewer and the clerk are told it is
// the acceptance's conclusion, with the rule that says how it is held; a
// 霍邱 reviewer passed an application "同意组织竣工验收" and the clerk read
// 已通过验收 the same minute. Where the unit accepts the project itself
// after the bureau's review (郁南's 验收前置审核), nothing is said.
func TestAcceptanceNoteSaysWhatPassingMeans(t *testing.T) {
	ps := MustProfiles(t)
	d := declaration(t, "城关镇智慧社区管理平台", "城关镇人民政府", "180")
	for name, witness := range map[string]string{"huoqiu": "县公管局见证", "luan": "市公管局见证"} {
		n := ps[name].AcceptanceNote(d)
		for _, want := range []string{"验收通过", "验收不予通过", "审核中", witness} {
			if !strings.Contains(n, want) {
				t.Errorf("%s: %q does not say %q", name, n, want)
			}
		}
	}
	if n := ps["huoqiu"].AcceptanceNote(d); !strings.Contains(n, "不是同意组织验收") {
		t.Errorf("the reviewer is not told 验收通过 is no consent to organise it: %q", n)
	}
	pro := declaration(t, "郁南县智慧农业监管平台", "郁南县农业农村局", "120")
	pro.Class = app.ClassProfessional
	if n := ps["yunan"].AcceptanceNote(pro); n != "" {
		t.Errorf("郁南's 验收前置审核 of a 专业类 project: %q", n)
	}
	var none *app.Profile
	if n := none.AcceptanceNote(d); n != "" {
		t.Errorf("no profile: %q", n)
	}
}

// An urgent project's material is the request to the government and its
// approval, in the regulations' words (向县（市）政府专题请示，批准后列入计划):
// it was named 列入年度计划的专项请示, the request alone, and a reviewer
// could not tell whether the approval was attached (a walkthrough).
func TestUrgentProjectAttachesTheGovernmentsApproval(t *testing.T) {
	for _, name := range []string{"huoqiu", "luan"} {
		d := declaration(t, "城关镇智慧社区管理平台", "城关镇人民政府", "180")
		d.Plan = app.PlanUrgent
		found := false
		for _, m := range MustProfiles(t)[name].Evaluate(d, now).Materials {
			if slices.Contains(m.Codes, "special_request") {
				found = true
				if !strings.Contains(m.Label, "专题请示") || !strings.Contains(m.Label, "批复") {
					t.Errorf("%s: the urgent project's material reads %q", name, m.Label)
				}
			}
		}
		if !found {
			t.Errorf("%s: an urgent project is not asked for the request", name)
		}
	}
}

// A new project deployed under 其他 goes on with its reason written under
// 天宁's rules (未部署…且未进行情况说明) and is refused whatever the reason
// under 霍邱's and 武汉's (不按要求部署的，不予审批); 六安 only warns.
func TestReasonLiftsDeployment(t *testing.T) {
	profs := MustProfiles(t)
	now := time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
	for id, want := range map[string]bool{"tianning": true, "luan": true, "yunan": true, "huoqiu": false, "wuhan": false} {
		if got := profs[id].ReasonLiftsDeployment(now); got != want {
			t.Errorf("%s: a reason lifts 其他: %v, want %v", id, got, want)
		}
	}
}
