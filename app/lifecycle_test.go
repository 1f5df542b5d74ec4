package app_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"egovdesk/app"
	"egovdesk/app/apptest"
	"egovdesk/assets"
)

// problemOn returns the message of the first problem of err on field, or "".
func problemOn(err error, field string) string {
	for _, f := range app.FieldErrors(err) {
		if f.Field == field {
			return f.Message
		}
	}
	return ""
}

func item(cat app.BudgetCategory, name, wan string, tb testing.TB) app.BudgetItem {
	return app.BudgetItem{Category: cat, Name: name, Amount: MustWan(tb, wan)}
}

// wuhanAdjustment is an adjustment of a 100 万元 武汉 project that moves
// moved 万元 from hardware to software development.
func wuhanAdjustment(t *testing.T, moved string) *app.Adjustment {
	m := MustWan(t, moved)
	return &app.Adjustment{
		ProjectName: "武汉市民政局养老服务信息平台", UnitName: "武汉市民政局", ApprovalRef: "武数审〔2027〕8号",
		Type: app.AdjustContent, Reason: "根据市政府工作部署增加养老补贴对接功能", ApprovedTotal: app.Wans(100),
		GoalUnchanged: true, Situation: "superior_request",
		Before: []app.BudgetItem{item(app.BudgetHardware, "服务器", "40", t), item(app.BudgetSoftwareDev, "平台开发", "60", t)},
		After: []app.BudgetItem{{Category: app.BudgetHardware, Name: "服务器", Amount: app.Wans(40) - m},
			{Category: app.BudgetSoftwareDev, Name: " 平台开发 ", Amount: app.Wans(60) + m}},
		AppliedOn: "2027-09-01", Contact: app.Contact{Person: "李娟", Phone: "027-85551234"},
	}
}

// 武汉 第十九条: the money moved and its share are exact in 分, and 15 %
// of the approved estimate is still a self-adjustment, one 分 more is not.
func TestAdjustmentMovedShareIsExact(t *testing.T) {
	a := wuhanAdjustment(t, "15")
	if err := a.Validate(); err != nil {
		t.Fatalf("valid adjustment: %v", err)
	}
	ch := a.Changes()
	if len(ch) != 2 || ch[0].Delta() != -app.Wans(15) || ch[1].Name != "平台开发" || ch[1].Delta() != app.Wans(15) {
		t.Fatalf("changes %+v: lines are matched by category and trimmed name", ch)
	}
	if a.Moved() != app.Wans(15) || a.MovedBasisPoints() != 1500 || app.PercentText(a.MovedBasisPoints()) != "15%" {
		t.Fatalf("moved %s, %d bp", a.Moved(), a.MovedBasisPoints())
	}
	a.After[0].Amount--
	a.After[1].Amount++ // one 分 more
	if a.Moved() != app.Wans(15)+1 || a.MovedBasisPoints() != 1501 {
		t.Fatalf("one fen more: moved %s, %d bp (rounded up, never shown below the truth)", a.Moved(), a.MovedBasisPoints())
	}
	cut := wuhanAdjustment(t, "0")
	cut.After = cut.After[1:] // hardware dropped: 40 万 cut, nothing added
	if cut.Moved() != app.Wans(40) {
		t.Errorf("a cut moves what it cuts: %s", cut.Moved())
	}
}

func TestAdjustmentRouteWuhan(t *testing.T) {
	p := MustProfiles(t)["wuhan"]
	tests := []struct {
		name   string
		change func(a *app.Adjustment)
		self   bool
		failed string // the condition that is not met
	}{
		{seedWuhan + "/第十九条 四项条件均满足：自行调整并备案", func(a *app.Adjustment) {}, true, ""},
		{seedWuhan + "/第十九条 资金调整恰为 15%", func(a *app.Adjustment) {}, true, ""},
		{seedWuhan + "/第十九条 超出 15% 一分：重新报批", func(a *app.Adjustment) { a.After[0].Amount--; a.After[1].Amount++ }, false, "资金调整数额"},
		{seedWuhan + "/第十九条 超出概算批复：重新报批", func(a *app.Adjustment) { a.After[1].Amount += app.Wans(1) }, false, "未超出概算批复"},
		{seedWuhan + "/第十九条 建设目标改变：重新报批", func(a *app.Adjustment) { a.GoalUnchanged = false }, false, "建设目标不变"},
		{seedWuhan + "/第十九条 不属所列情形：重新报批", func(a *app.Adjustment) { a.Situation = "" }, false, "所列情形"},
		{seedWuhan + "/第十九条第（三）项 业务发展需要", func(a *app.Adjustment) { a.Situation = "business_need" }, true, ""},
		// A 重大变更 of the content that moves no money (no estimate, no
		// lines) keeps the investment and moves 0: the money conditions are
		// met, not ✗ on an estimate of 0 (found in review).
		{seedWuhan + "/第十九条 不涉及资金的重大变更：自行调整并备案", func(a *app.Adjustment) {
			a.Type, a.ApprovedTotal, a.Before, a.After = app.AdjustMajorChange, 0, nil, nil
		}, true, ""},
		{seedWuhan + "/第十九条 不涉及资金、建设目标改变：重新报批", func(a *app.Adjustment) {
			a.Type, a.ApprovedTotal, a.Before, a.After, a.GoalUnchanged = app.AdjustMajorChange, 0, nil, nil, false
		}, false, "建设目标不变"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := wuhanAdjustment(t, "15")
			tt.change(a)
			v, err := p.AdjustmentRoute(a, nil)
			if err != nil {
				t.Fatal(err)
			}
			if v.Self != tt.self {
				t.Fatalf("self = %v, conditions %+v", v.Self, v.Conditions)
			}
			if tt.self && (v.Route.Code != app.RouteFiling || !strings.Contains(v.Route.Approver, "备案") || v.Route.Source != "第十九条") {
				t.Errorf("self route %+v", v.Route)
			}
			if !tt.self {
				if v.Route.Code != app.RouteApproval || !strings.Contains(v.Route.Source, "第十九条") {
					t.Errorf("beyond the limits the route is a new approval: %+v", v.Route)
				}
				for _, c := range v.Conditions {
					if strings.Contains(c.Label, tt.failed) && c.Met {
						t.Errorf("condition %q reported met", c.Label)
					}
				}
			}
			if v.LimitBP != 1500 || len(v.Conditions) != 4 {
				t.Errorf("limit %d, %d conditions", v.LimitBP, len(v.Conditions))
			}
			if !a.MovesMoney() && (!v.Conditions[0].Met || !v.Conditions[2].Met ||
				!strings.Contains(v.Conditions[0].Label, "不涉及资金调整") || !strings.Contains(v.Conditions[2].Label, "不涉及资金调整")) {
				t.Errorf("the money conditions of an adjustment that moves none: %+v", v.Conditions)
			}
		})
	}
	t.Run(seedWuhan+"/第十九条 未列出的情形被拒", func(t *testing.T) {
		a := wuhanAdjustment(t, "5")
		a.Situation = "second" // the reworded seed has no 第（二）项
		err := app.CheckProjectBody(app.Body{ID: "f", Kind: app.KindAdjustment, Revision: 1, RevisionID: "r", Adjustment: a}, p, nil, now)
		if !strings.Contains(problemOn(err, "situation"), "第十九条") {
			t.Fatalf("unknown situation: %v", err)
		}
	})
}

func TestAdjustmentValidate(t *testing.T) {
	a := wuhanAdjustment(t, "5")
	a.Before[1].Amount -= 1 // approved lines no longer add up to the estimate
	a.After = append(a.After, a.After[0])
	a.Type = app.AdjustOverdue
	err := a.Validate()
	for field, says := range map[string]string{"before": "不一致", "after[2].name": "请合并为一行", "new_due_on": "预计交付日期"} {
		if !strings.Contains(problemOn(err, field), says) {
			t.Errorf("no problem on %s saying %q in %v", field, says, app.FieldErrors(err))
		}
	}
	// A line added and left empty is one problem on its row, as a
	// declaration's budget line is (found in review).
	a.After = append(a.After, app.BudgetItem{})
	empty := fmt.Sprintf("after[%d]", len(a.After)-1)
	var on []string
	for _, fe := range app.FieldErrors(a.Validate()) {
		if strings.HasPrefix(fe.Field, empty) {
			on = append(on, fe.Field+" "+fe.Message)
		}
	}
	if len(on) != 1 || !strings.HasPrefix(on[0], empty+" ") || !strings.Contains(on[0], "是空行") {
		t.Errorf("an empty line's problems: %q", on)
	}
	term := &app.Adjustment{ProjectName: "x", UnitName: "y", Type: app.AdjustTerminate, Reason: "目标无法实现", AppliedOn: "2027-01-02",
		Contact: app.Contact{Person: "张", Phone: "13800000000"}}
	if !strings.Contains(problemOn(term.Validate(), "terminated_on"), "终止日期") {
		t.Errorf("a termination needs its date: %v", term.Validate())
	}
	term.TerminatedOn = "2027-01-01"
	if err := term.Validate(); err != nil {
		t.Errorf("a termination without budget lines is complete: %v", err)
	}
}

// 郁南 第二十条: 专业类 projects file major changes and overdue delivery
// with the bureau, terminations with the bureau and the finance bureau;
// other jurisdictions without such a rule do not accept them.
func TestAdjustmentRouteYunanAndOthers(t *testing.T) {
	ps := MustProfiles(t)
	yn := ps["yunan"]
	prof := declaration(t, "郁南县智慧农业平台", "郁南县农业农村局", "120")
	for _, typ := range []app.AdjustType{app.AdjustMajorChange, app.AdjustOverdue, app.AdjustTerminate} {
		v, err := yn.AdjustmentRoute(&app.Adjustment{Type: typ}, prof)
		if err != nil || v.Self || v.Route.Code != app.RouteFiling || v.Route.Source != "第二十条" {
			t.Errorf("%s 郁南 %s: %+v %v", seedYunan, typ, v, err)
		}
		if typ == app.AdjustTerminate && !strings.Contains(v.Route.Approver, "县财政局") {
			t.Errorf("%s termination is filed with 县财政局 too: %q", seedYunan, v.Route.Approver)
		}
	}
	public := declaration(t, "郁南县政务云扩容", "郁南县政务和数据局", "120")
	public.Class = app.ClassPublic
	// A 公共类 project is told which projects the clause is for, not that
	// 郁南 has no such rule.
	if _, err := yn.AdjustmentRoute(&app.Adjustment{Type: app.AdjustMajorChange}, public); !strings.Contains(problemOn(err, "type"), "按郁南县的规则，本项目不适用“项目调整（变更、终止）”中的“重大变更”。相关规定：专业类项目因法律法规") ||
		!strings.Contains(problemOn(err, "type"), "（第二十条）。如确需报送，请先与郁南县政务服务和数据管理局（县政务和数据局）联系") {
		t.Errorf("%s 第二十条 concerns 专业类 projects only: %v", seedYunan, err)
	}
	codes := func(cs []app.Choice) (s []string) {
		for _, c := range cs {
			s = append(s, c.Code)
		}
		return s
	}
	for _, c := range []struct {
		prof string
		d    *app.Declaration
		want []string
	}{
		{"yunan", prof, []string{"major_change", "overdue", "terminate"}},
		{"yunan", public, nil},
		{"yunan", nil, []string{"major_change", "overdue", "terminate"}},
		{"huoqiu", prof, nil},
		{"huoqiu", nil, nil},
		{"tianning", prof, []string{"major_change"}},
		{"wuhan", prof, []string{"adjust", "major_change"}},
	} {
		if got := codes(ps[c.prof].AdjustTypes(c.d)); !slices.Equal(got, c.want) {
			t.Errorf("%s adjustment types of %v: %v, want %v", c.prof, c.d != nil, got, c.want)
		}
	}
	// With no type chosen yet, the project's types are asked for, or
	// why there are none: not 项目调整, which 郁南 takes of no project.
	for _, c := range []struct {
		prof string
		d    *app.Declaration
		want string
	}{
		{"yunan", prof, "请选择调整类型（重大变更、逾期交付、项目终止）"},
		{"yunan", public, "按郁南县的规则，本项目不适用“项目调整（变更、终止）”。相关规定：专业类项目因法律法规"},
		{"huoqiu", prof, "霍邱县的规则中没有“项目调整（变更、终止）”"},
		{"wuhan", prof, "请选择调整类型（项目调整、重大变更）"},
	} {
		b := app.Body{Kind: app.KindAdjustment, Adjustment: &app.Adjustment{ProjectName: "郁南县智慧农业平台"}}
		if got := problemOn(app.CheckProjectBody(b, ps[c.prof], c.d, time.Now()), "type"); !strings.HasPrefix(got, c.want) {
			t.Errorf("%s, no type yet: %q, want %q…", c.prof, got, c.want)
		}
	}
	if got := problemOn(app.CheckProjectBody(app.Body{Kind: app.KindAdjustment, Adjustment: &app.Adjustment{}}, nil, nil, time.Now()), "type"); got != "请选择调整类型（项目调整、重大变更、逾期交付或项目终止）" {
		t.Errorf("no profile, no type yet: %q", got)
	}
	// A performance report likewise: 天宁 takes a 绩效自评价报告 only, 郁南
	// none of a project under 10 万元, which it was asked to choose one of
	// both; and a type not taken is said at the type's select, not the
	// kind's (found in review).
	small := declaration(t, "郁南县河口镇视频会商终端", "郁南县河口镇人民政府", "8")
	for _, c := range []struct {
		prof string
		d    *app.Declaration
		typ  app.PerformanceType
		want string
	}{
		{"tianning", prof, "", "请选择报告类型（绩效自评价报告）"},
		{"wuhan", prof, "", "请选择报告类型（绩效自评价报告、年度绩效评价报告）"},
		{"yunan", small, "", "按郁南县的规则，本项目不适用“绩效评价”。相关规定："},
		{"tianning", prof, app.PerformanceAnnual, "常州市天宁区的规则中没有“绩效评价”中的“年度绩效评价报告”"},
	} {
		b := app.Body{Kind: app.KindPerformance, Performance: &app.Performance{Type: c.typ, ProjectName: "郁南县智慧农业平台"}}
		if got := problemOn(app.CheckProjectBody(b, ps[c.prof], c.d, time.Now()), "type"); !strings.HasPrefix(got, c.want) {
			t.Errorf("%s performance report of type %q: %q, want %q…", c.prof, c.typ, got, c.want)
		}
	}
	if _, err := ps["huoqiu"].AdjustmentRoute(&app.Adjustment{Type: app.AdjustContent}, nil); !strings.Contains(problemOn(err, "type"), "霍邱县的规则中没有") {
		t.Errorf("%s has no adjustment rule: %v", seedHuoqiu, err)
	}
	// A type not taken is named as a type: 天宁's 项目调整 read 规则中没有
	// “项目调整（变更、终止）”, as if 天宁 took no adjustment, though it
	// takes a 重大变更 (found in review).
	if _, err := ps["tianning"].AdjustmentRoute(&app.Adjustment{Type: app.AdjustContent}, nil); !strings.Contains(problemOn(err, "type"), "常州市天宁区的规则中没有“项目调整（变更、终止）”中的“项目调整”") {
		t.Errorf("%s 项目调整, a type it does not take: %v", seedTianning, err)
	}
	v, err := ps["tianning"].AdjustmentRoute(&app.Adjustment{Type: app.AdjustMajorChange}, nil)
	if err != nil || v.Route.Code != app.RouteApproval || v.Route.Source != "政策解读 三、（九）" {
		t.Errorf("%s 重大设计变更须经批准: %+v %v", seedTianning, v, err)
	}
}

func body(k app.Kind) app.Body {
	return app.Body{ID: "f-1", Kind: k, ProjectID: "p-1", Revision: 1, RevisionID: "r-1"}
}

func pdf(material string) app.Attachment {
	return app.Attachment{Material: material, Name: material + ".pdf", SHA256: strings.Repeat("ab", 32), Size: 10}
}

func acceptanceFiling() *app.AcceptanceFiling {
	return &app.AcceptanceFiling{ProjectName: "天宁区智慧城管综合指挥平台", UnitName: "天宁区城市管理局", AcceptedOn: "2026-09-24",
		Conclusion: "验收通过", FiledOn: "2026-10-09", Contact: app.Contact{Person: "周敏", Phone: "0519-88001234"}}
}

// The materials of a filing after acceptance come from the profile: 天宁
// 解读 三、（二）, 郁南 第二十一条 by route, 武汉 第二十一条.
func TestAcceptanceFilingMaterials(t *testing.T) {
	ps := MustProfiles(t)
	approval := declaration(t, "郁南县智慧农业平台", "郁南县农业农村局", "120")
	filed := declaration(t, "郁南县农机补贴系统", "郁南县农业农村局", "30")
	tests := []struct {
		name, prof string
		decl       *app.Declaration
		want       []string
	}{
		{seedTianning + "/解读 三、（二）五项材料", "tianning", nil, []string{"review_opinion", "tender_docs", "bid_docs", "contract", "acceptance_report"}},
		{seedYunan + "/第二十一条第一款 立项项目", "yunan", approval, []string{"acceptance_report", "acceptance_test", "security_assessment", "review_opinion"}},
		{seedYunan + "/第二十一条第二款 备案项目只报验收报告", "yunan", filed, []string{"acceptance_report"}},
		{seedWuhan + "/第二十一条", "wuhan", nil, []string{"acceptance_report"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := body(app.KindAcceptanceFiling)
			b.AcceptanceFiling = acceptanceFiling()
			var got []string
			for _, f := range app.FieldErrors(app.CheckProjectBody(b, ps[tt.prof], tt.decl, now)) {
				if m, ok := strings.CutPrefix(f.Field, "materials."); ok {
					got = append(got, m)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("missing materials %v, want %v", got, tt.want)
			}
			for _, m := range tt.want {
				b.Attachments = append(b.Attachments, pdf(m))
			}
			if err := app.CheckProjectBody(b, ps[tt.prof], tt.decl, now); err != nil {
				t.Fatalf("with every material: %v", err)
			}
		})
	}
	b := body(app.KindAcceptanceFiling)
	b.AcceptanceFiling = acceptanceFiling()
	var missing []string
	for _, f := range app.FieldErrors(app.CheckProjectBody(b, ps["yunan"], nil, now)) {
		missing = append(missing, f.Field)
	}
	if !slices.Equal(missing, []string{"materials.acceptance_report"}) {
		t.Errorf("%s without the declaration only the report every route needs: %v", seedYunan, missing)
	}
	if err := app.CheckProjectBody(b, ps["huoqiu"], nil, now); !strings.Contains(problemOn(err, "kind"), "不受理") {
		t.Errorf("%s names no filing after acceptance: %v", seedHuoqiu, err)
	}
}

// Until the client and the bureau offer a life-cycle kind, CheckBody (what
// the bureau runs on receipt) refuses it on "kind", so the bureau answers
// 422 rather than storing what it cannot show.
func TestCheckBodyRefusesKindsNotOfferedYet(t *testing.T) {
	p := MustProfiles(t)["tianning"]
	b := body(app.KindAcceptanceFiling)
	b.AcceptanceFiling = acceptanceFiling()
	for _, m := range p.AcceptanceFilingMaterials {
		b.Attachments = append(b.Attachments, pdf(m))
	}
	if err := app.CheckProjectBody(b, p, nil, now); err != nil {
		t.Fatalf("complete filing: %v", err)
	}
	err := app.CheckBody(b, p, now)
	if app.ErrorCode(err) != app.EINVALID || !strings.Contains(problemOn(err, "kind"), "暂不受理“验收后备案”") {
		t.Fatalf("CheckBody: %v", err)
	}
	for _, k := range app.LifecycleKinds {
		if !k.Valid() || k.Offered() || slices.Contains(app.Kinds, k) || !slices.Contains(app.AllKinds(), k) || k.Label() == string(k) {
			t.Errorf("%s: valid %v offered %v", k, k.Valid(), k.Offered())
		}
	}
}

func TestGoLiveAndOMFiling(t *testing.T) {
	at := time.Date(2027, 6, 10, 9, 0, 0, 0, cst)
	g := &app.GoLive{ProjectName: "霍邱县城关镇智慧社区管理平台", UnitName: "霍邱县城关镇人民政府", GoLiveOn: "2027-06-11",
		Scope: "12 个社区", Contact: app.Contact{Person: "李梅", Phone: "0564-6012345"}}
	if !strings.Contains(problemOn(g.Validate(at), "go_live_on"), "晚于今天") {
		t.Errorf("a go-live tomorrow: %v", g.Validate(at))
	}
	g.GoLiveOn = "2027-06-10"
	if err := g.Validate(at); err != nil {
		t.Errorf("go-live today: %v", err)
	}
	o := &app.OMFiling{ProjectName: g.ProjectName, UnitName: g.UnitName, Year: 2026, GoLiveOn: "2027-06-10", Provider: "安徽某信息技术有限公司",
		Amount: app.Wans(12), Situation: "运行稳定", Contact: g.Contact}
	if !strings.Contains(problemOn(o.Validate(at), "year"), "早于投入运行") {
		t.Errorf("O&M year before go-live: %v", o.Validate(at))
	}
	o.Year = 2028
	if !strings.Contains(problemOn(o.Validate(at), "year"), "尚未开始") {
		t.Errorf("O&M year to come: %v", o.Validate(at))
	}
	o.Year = 2027
	b := body(app.KindOMFiling)
	b.OMFiling = o
	ps := MustProfiles(t)
	if err := app.CheckProjectBody(b, ps["huoqiu"], nil, at); err != nil {
		t.Errorf("%s 六、第四部分 运维备案: %v", seedHuoqiu, err)
	}
	if err := app.CheckProjectBody(b, ps["wuhan"], nil, at); !strings.Contains(problemOn(err, "kind"), "不受理") {
		t.Errorf("%s has no yearly O&M filing: %v", seedWuhan, err)
	}
}

func performance(typ app.PerformanceType) *app.Performance {
	return &app.Performance{ProjectName: "武汉市民政局养老服务信息平台", UnitName: "武汉市民政局", Type: typ,
		PeriodStart: "2027-03", PeriodEnd: "2028-06", Goals: "完成", Progress: "已完成 60%", Investment: "已支付 300 万元",
		Opinions: "使用单位、监理单位无异议", Effect: "日均办件 300 件", Conclusion: "良好", FiledOn: "2027-12-20",
		Contact: app.Contact{Person: "李娟", Phone: "027-85551234"}}
}

// 武汉 第二十条: the yearly report is formed before each year-end within
// the construction period only; 第二十二条: the self-evaluation 12 to 24
// months after go-live.
func TestPerformanceWuhan(t *testing.T) {
	p := MustProfiles(t)["wuhan"]
	r := performance(app.PerformanceAnnual)
	r.Year = 2027
	if err := r.Validate(); err != nil {
		t.Fatalf("2027 report of a 2027-03..2028-06 project: %v", err)
	}
	r.Year = 2028
	if !strings.Contains(problemOn(r.Validate(), "year"), "第二十条") {
		t.Errorf("2028's year-end is after the construction period: %v", r.Validate())
	}
	r.Progress = ""
	if !strings.Contains(problemOn(r.Validate(), "progress"), "建设进度") {
		t.Errorf("第二十条: the report covers progress: %v", r.Validate())
	}

	self := performance(app.PerformanceSelf)
	self.GoLiveOn = "2028-03-15"
	b := body(app.KindPerformance)
	b.Performance = self
	early := time.Date(2029, 3, 14, 10, 0, 0, 0, cst)
	if msg := problemOn(app.CheckProjectBody(b, p, nil, early), "go_live_on"); !strings.Contains(msg, "2029-03-15") || !strings.Contains(msg, "第二十二条") {
		t.Errorf("self-evaluation a day before the window opens: %q", msg)
	}
	if err := app.CheckProjectBody(b, p, nil, early.AddDate(0, 0, 1)); err != nil {
		t.Errorf("self-evaluation on the day the window opens: %v", err)
	}
	self.GoLiveOn = ""
	if !strings.Contains(problemOn(app.CheckProjectBody(b, p, nil, early), "go_live_on"), "投入运行日期") {
		t.Errorf("the window is counted from go-live, which must be given")
	}
}

// The corrections from review, each against its clause.
func TestProfileCorrections(t *testing.T) {
	ps := MustProfiles(t)
	t.Run(seedTianning+"/解读 三、（三）外网部署要求只适用于新建、改建、扩建项目", func(t *testing.T) {
		p := ps["tianning"]
		// 续建 is not named: held to the same rule as the bureau's own
		// addition, marked so.
		for nature, want := range map[app.Nature]string{app.NatureNew: "not_on_cloud", app.NatureRebuild: "not_on_cloud",
			app.NatureContinue: "not_on_cloud_continue", app.NatureOM: "", app.NatureService: ""} {
			d := declaration(t, "天宁区智慧城管综合指挥平台", "天宁区城市管理局", "260")
			d.Nature, d.Deployment = nature, app.Deployment{Mode: app.DeployExtranet}
			var got []app.Blocker
			for _, b := range p.Evaluate(d, now).Blockers {
				if strings.HasPrefix(b.ID, "not_on_cloud") {
					got = append(got, b)
				}
			}
			switch {
			case want == "" && len(got) > 0, want != "" && (len(got) != 1 || got[0].ID != want):
				t.Errorf("%s: blocked by %+v, want %q", nature, got, want)
			case want != "" && got[0].Addition != (nature == app.NatureContinue):
				t.Errorf("%s: marked as the bureau's addition: %v", nature, got[0].Addition)
			}
		}
	})
	t.Run(seedWuhan+"/第九条 与固定资产投资项目同步规划、同步施工的纳入基本建设项目管理", func(t *testing.T) {
		// It read a 建筑工程费 line as "built with a fixed-asset project":
		// a 机房 refitted inside an IT project is not one, and a system
		// built with a new office building may have no such line.
		p := ps["wuhan"]
		has := func(d *app.Declaration) bool {
			return slices.ContainsFunc(p.Evaluate(d, now).Obligations, func(o app.Obligation) bool { return o.ID == "capital_construction" })
		}
		d := declaration(t, "武汉市民政局养老服务信息平台", "武汉市民政局", "680", "software_dev", "600", "construction", "80")
		if has(d) {
			t.Error("a 建筑工程费 line alone made it 基本建设")
		}
		d = declaration(t, "武汉市民政局养老服务信息平台", "武汉市民政局", "680")
		d.CapitalProject = true
		if !has(d) {
			t.Error("a project built with a fixed-asset investment project is not told 第九条")
		}
		// and routed as it says: the route said 报项目审批部门审批 beside
		// an obligation saying the bureau only gives a technical opinion
		// (found in a walkthrough).
		if r := p.Evaluate(d, now).Route; !strings.Contains(r.Label, "纳入基本建设项目管理") || !strings.Contains(r.Approver, "技术审查意见") {
			t.Errorf("routed %+v", r)
		}
		// Only a profile with such a rule asks (the editor shows the
		// question only there): 武汉's, and 郁南 第二十八条's 固定资产投资
		// notice, which a 5 万元 机房改造 line set off (a review of 郁南).
		for id, prof := range ps {
			if got := prof.Reads("capital_project"); got != (id == "wuhan" || id == "yunan") {
				t.Errorf("%s reads capital_project: %v", id, got)
			}
		}
		y := ps["yunan"]
		d = declaration(t, "郁南县智慧农业平台", "郁南县农业农村局", "30", "software_dev", "25", "construction", "5")
		if slices.ContainsFunc(y.Evaluate(d, now).Obligations, func(o app.Obligation) bool { return o.ID == "fixed_asset_procedure" }) {
			t.Error("郁南: a 机房改造 line alone was told 第二十八条's 固定资产投资 procedure")
		}
		d.CapitalProject = true
		if !slices.ContainsFunc(y.Evaluate(d, now).Obligations, func(o app.Obligation) bool { return o.ID == "fixed_asset_procedure" }) {
			t.Error("郁南: a project with a fixed-asset investment is not told 第二十八条")
		}
	})
	t.Run(seedWuhan+"/第二十条 年度绩效评价报告只在建设期内", func(t *testing.T) {
		p := ps["wuhan"]
		d := declaration(t, "武汉市民政局养老服务信息平台", "武汉市民政局", "680")
		d.PeriodStart, d.PeriodEnd = "2027-03", "2028-06"
		due := func(at time.Time) string {
			for _, dl := range p.DeadlinesFor(d, nil, at) {
				if dl.ID == "performance_report" {
					return dl.Due.Format("2006-01-02")
				}
			}
			return "none"
		}
		for _, c := range []struct {
			at   time.Time
			want string
		}{
			{time.Date(2026, 12, 1, 0, 0, 0, 0, cst), "2027-12-31"},
			{time.Date(2027, 5, 1, 0, 0, 0, 0, cst), "2027-12-31"},
			{time.Date(2027, 12, 31, 18, 0, 0, 0, cst), "2027-12-31"},
			{time.Date(2028, 1, 1, 0, 0, 0, 0, cst), "none"}, // 2028-12-31 is after the period
		} {
			if got := due(c.at); got != c.want {
				t.Errorf("on %s: due %s, want %s", c.at.Format("2006-01-02"), got, c.want)
			}
		}
		d.PeriodEnd = "2028-12"
		if got := due(time.Date(2028, 1, 1, 0, 0, 0, 0, cst)); got != "2028-12-31" {
			t.Errorf("period to 2028-12: due %s", got)
		}
		d.PeriodEnd = "2028年"
		if dls := p.DeadlinesFor(d, nil, now); !slices.ContainsFunc(dls, func(x app.Deadline) bool { return x.ID == "performance_report" && !x.Known() }) {
			t.Errorf("an unreadable period leaves the deadline undated, with its rule: %+v", dls)
		}
	})
	t.Run(seedWuhan+"/第九条 学校、医疗机构由行业主管部门审批并向数据局备案", func(t *testing.T) {
		p := ps["wuhan"]
		d := declaration(t, "武汉市第一中学智慧校园平台", "武汉市第一中学", "680")
		d.UnitType = app.UnitSchool
		// Only a project on 市级财政性资金: a school's own money is routed
		// by the amount, as any unit's.
		for _, kind := range []app.FundingKind{app.FundSelf, app.FundTransfer, app.FundOther} {
			d.Funding = []app.Funding{{Kind: kind, Amount: app.Wans(680)}}
			if a := p.Evaluate(d, now); a.Route.Code != app.RouteApproval {
				t.Errorf("a school's 680 万元 of %s: %+v", kind, a.Route)
			}
		}
		// 市级财政性资金 is the city's money in any form: its budget, its
		// borrowing, its bonds.
		for _, kind := range []app.FundingKind{app.FundFinance, app.FundBond} {
			d.Funding = []app.Funding{{Kind: kind, Amount: app.Wans(680)}}
			if a := p.Evaluate(d, now); a.Route.Code != app.RouteSectorApproval {
				t.Errorf("a school's 680 万元 of %s: %+v", kind, a.Route)
			}
		}
		d.Funding = []app.Funding{{Kind: app.FundSelf, Amount: app.Wans(80)}, {Kind: app.FundLocal, Amount: app.Wans(600)}}
		a := p.Evaluate(d, now)
		if a.Route.Code != app.RouteSectorApproval || !strings.Contains(a.Route.Approver, "行业主管部门") ||
			!strings.Contains(a.Route.Approver, "备案") || a.Route.Source != "第九条" || a.Route.Basis != "unit_type" ||
			a.Route.Note != "按建设单位类型和资金来源确定，与投资额无关" || !strings.Contains(a.Route.Detail, "自建自用") {
			t.Fatalf("route %+v", a.Route)
		}
		// 第十三条 and 第二十七条 are of every project that is approved (报批), the sector's too.
		for _, f := range []string{"sharing_analysis", "crypto.summary", "xinchuang.notes"} {
			if !slices.ContainsFunc(a.Sections, func(s app.Section) bool { return s.Field == f }) {
				t.Errorf("the sector's approval does not ask %s: %+v", f, a.Sections)
			}
		}
		// And their materials: the plan 第十条 and 第十一条 name and 第十三条's
		// 密码应用方案 (asked of the bureau's own approvals only).
		for _, code := range []string{"implementation_plan", "crypto_plan"} {
			if !slices.ContainsFunc(a.Materials, func(m app.MaterialNeed) bool { return slices.Contains(m.Codes, code) }) {
				t.Errorf("the sector's approval does not ask the material %s: %+v", code, a.Materials)
			}
		}
		// So are 第十一条's qualified compiler and 第十三条's obligation
		// (its sections asked for the chapters, its obligations did not).
		for _, id := range []string{"qualified_compiler", "sharing_and_crypto", "merged_plan", "no_funds_before_approval"} {
			if !slices.Contains(obligationIDs(a), id) {
				t.Errorf("the sector's approval is not told %s: %v", id, obligationIDs(a))
			}
		}
		// 第十五条 binds the sector's approval too: at 3000 万元 and above
		// it goes on to the city government (a school's 5000 万元 project
		// was told the sector approves it, and nothing more).
		if slices.Contains(obligationIDs(a), "sector_city_government") {
			t.Errorf("680 万元 is told to go to the city government")
		}
		d.TotalInvestment = app.Wans(5000)
		if a := p.Evaluate(d, now); a.Route.Code != app.RouteSectorApproval || !slices.Contains(obligationIDs(a), "sector_city_government") {
			t.Errorf("a school's 5000 万元 project: route %s, obligations %v", a.Route.Code, obligationIDs(a))
		}
		d.TotalInvestment = app.Wans(680)
		d.UnitType = app.UnitGovernment
		if a := p.Evaluate(d, now); a.Route.Code != app.RouteApproval {
			t.Errorf("a 党政机关 of 680 万元: %+v", a.Route)
		}
	})
	t.Run(seedWuhan+"/第十五条 3000 万元界线按核定投资", func(t *testing.T) {
		p := ps["wuhan"]
		for _, c := range []struct{ declared, approved, code, basis, note string }{
			{"3100", "0", app.RouteCityGovernment, app.BasisDeclared, "按核定投资计（第十五条）"},
			{"2900", "3100", app.RouteCityGovernment, app.BasisApproved, "按批复核定的投资 3100 万元确定"},
			{"3100", "2900", app.RouteApproval, app.BasisApproved, "按批复核定的投资 2900 万元确定"},
			{"60", "45", app.RouteApproval, app.BasisDeclared, "按申报的总投资概算 60 万元确定"}, // 第八条's 50万 is on the declared amount
		} {
			d := declaration(t, "武汉城市大脑", "武汉市政务服务和大数据管理局", c.declared)
			r := p.EvaluateApproved(d, MustWan(t, c.approved), now).Route
			if r.Code != c.code || r.Basis != c.basis || !strings.Contains(r.Note, c.note) {
				t.Errorf("declared %s approved %s: %+v", c.declared, c.approved, r)
			}
		}
		// 天宁 has one band for every amount (解读未按投资额分档): no amount
		// decided its route, and the note said one did.
		if r := ps["tianning"].Evaluate(declaration(t, "天宁区智慧城管", "天宁区城管局", "115"), now).Route; r.Code != app.RouteReview || r.Note != "" {
			t.Errorf("天宁's one route: %+v", r)
		}
		h := []app.Transition{{Action: app.ActionApprove, Approved: app.Wans(3100)}, {Action: app.ActionReturn}}
		if app.ApprovedInvestment(h) != app.Wans(3100) || app.ApprovedInvestment(nil) != 0 {
			t.Errorf("approved investment of a history")
		}
		// 霍邱, 六安: 核定 at 初审通过, 批复立项 by 县发改委 without an amount; a
		// 初审 amount of a project not approved is no 核定 investment.
		passed := []app.Transition{{Action: app.ActionAccept}, {Action: app.ActionPass, Approved: app.Wans(500)}, {Action: app.ActionConcur}}
		if app.ApprovedInvestment(append(passed, app.Transition{Action: app.ActionApprove})) != app.Wans(500) || app.ApprovedInvestment(passed) != 0 {
			t.Errorf("a 核定 amount given at 初审通过")
		}
	})
	t.Run("无条款依据的要求标为本局补充要求", func(t *testing.T) {
		// 霍邱/六安: the 申请报告 with every declaration.
		for _, id := range []string{"huoqiu", "luan"} {
			a := ps[id].Evaluate(declaration(t, "智慧社区", "城关镇", "100"), now)
			if i := slices.IndexFunc(a.Materials, func(m app.MaterialNeed) bool { return m.Codes[0] == "application_report" }); i < 0 || !a.Materials[i].Addition {
				t.Errorf("%s: application report %+v", id, a.Materials)
			}
		}
		// 霍邱: the contract at acceptance; 天宁: the post-acceptance materials at the application.
		for id, codes := range map[string][]string{"huoqiu": {"contract"}, "luan": {"contract"}, "tianning": {"review_opinion", "tender_docs", "bid_docs", "contract"}} {
			if !slices.Equal(ps[id].AcceptanceAdditions, codes) {
				t.Errorf("%s additions %v", id, ps[id].AcceptanceAdditions)
			}
		}
		b := body(app.KindAcceptance)
		b.Acceptance = &app.Acceptance{ProjectName: "x"}
		if msg := problemOn(app.CheckBody(b, ps["huoqiu"], now), "materials.contract"); !strings.Contains(msg, app.AdditionNote) {
			t.Errorf("missing contract at 霍邱 acceptance: %q", msg)
		}
		if msg := problemOn(app.CheckBody(b, ps["huoqiu"], now), "materials.trial_report"); msg == "" || strings.Contains(msg, app.AdditionNote) {
			t.Errorf("the trial report is the clause's (六、第三部分): %q", msg)
		}
		// Every jurisdiction: a 等保 level on every declaration.
		for id, p := range ps {
			d := declaration(t, "平台", "单位", "100")
			d.Security.Level = 0
			a := p.Evaluate(d, now)
			i := slices.IndexFunc(a.Blockers, func(b app.Blocker) bool { return b.ID == "section.security.level" })
			if i < 0 || !a.Blockers[i].Addition {
				t.Errorf("%s: 等保 level blocker %+v", id, a.Blockers)
			}
		}
		// 郁南: blocking projects under 10万 (第十条 only says they manage themselves).
		d := declaration(t, "郁南县某镇办公网络改造", "某镇人民政府", "9.99")
		a := ps["yunan"].Evaluate(d, now)
		i := slices.IndexFunc(a.Blockers, func(b app.Blocker) bool { return b.ID == "self_managed" })
		if i < 0 || !a.Blockers[i].Addition {
			t.Fatalf("郁南 self-managed blocker %+v", a.Blockers)
		}
		b = body(app.KindDeclaration)
		b.Declaration = d
		if msg := problemOn(app.CheckBody(b, ps["yunan"], now), "total_investment"); !strings.Contains(msg, app.AdditionNote) {
			t.Errorf("the clerk is told it is the bureau's own: %q", msg)
		}
	})
}

// A bureau switches its own addition off in its profile ("off": true).
func TestBureauSwitchesAdditionOff(t *testing.T) {
	data, err := assetsProfile("yunan.json")
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	for _, b := range raw["blockers"].([]any) {
		if b := b.(map[string]any); b["id"] == "self_managed" {
			b["off"] = true
		}
	}
	data, _ = json.Marshal(raw)
	p, err := app.LoadProfile("yunan.json", data)
	if err != nil {
		t.Fatal(err)
	}
	d := declaration(t, "郁南县某镇办公网络改造", "某镇人民政府", "9.99")
	confirmAll(d, p)
	if a := p.Evaluate(d, now); slices.Contains(blockerIDs(a), "self_managed") {
		t.Errorf("switched off, still blocks: %v", blockerIDs(a))
	}
}

func TestEveryLifecycleRuleCitesItsClause(t *testing.T) {
	for id, p := range MustProfiles(t) {
		for _, r := range p.Lifecycle {
			if !hasHan(r.Source) || !hasHan(r.Label) || !hasHan(r.Approver) {
				t.Errorf("%s %s: source %q label %q", id, r.ID, r.Source, r.Label)
			}
			if r.Addition && !strings.Contains(r.Source, "本局") {
				t.Errorf("%s %s: an addition must say it is the bureau's own in its source: %q", id, r.ID, r.Source)
			}
		}
		for _, d := range p.Deadlines {
			if d.Addition && !strings.Contains(d.Source+d.Rule, "本局") {
				t.Errorf("%s deadline %s: addition without saying so", id, d.ID)
			}
		}
	}
	kinds := map[string][]app.Kind{
		"huoqiu":   {app.KindGoLive, app.KindOMFiling},
		"luan":     {app.KindGoLive, app.KindOMFiling},
		"yunan":    {app.KindAdjustment, app.KindAcceptanceFiling, app.KindPerformance},
		"tianning": {app.KindAcceptanceFiling, app.KindPerformance, app.KindAdjustment},
		"wuhan":    {app.KindGoLive, app.KindAdjustment, app.KindAcceptanceFiling, app.KindPerformance},
	}
	for id, want := range kinds {
		var got []app.Kind
		for _, r := range MustProfiles(t)[id].Lifecycle {
			if !slices.Contains(got, r.Kind) {
				got = append(got, r.Kind)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s lifecycle kinds %v, want %v", id, got, want)
		}
	}
}

func assetsProfile(name string) ([]byte, error) { return assets.Profiles.ReadFile("profiles/" + name) }

// A filing of a project's later life waits for the project's declaration
// to be approved or filed (a review of 六安 and 郁南 sent a trial report and
// a 竣工验收申请 of a project only 已提交, and the reviewer passed them); a
// catalogue is drafted with its declaration, a project the bureau does
// not hold is not held, nor one that needs no filing (单位自行管理).
func TestLaterFilingWaitsForTheProjectsDecision(t *testing.T) {
	prof := loadProfile(t, "yunan")
	decl := apptest.Declaration()
	at := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	step := func(to app.Status) []app.Transition {
		return []app.Transition{{At: at, To: app.StatusSubmitted}, {At: at, To: to}}
	}
	trial := app.Body{Kind: app.KindTrialReport, ProjectID: "p"}
	for _, c := range []struct {
		name    string
		body    app.Body
		decl    *app.Declaration
		history []app.Transition
		field   string // "" when it may be sent
	}{
		{"a draft project", trial, decl, nil, "project_id"},
		{"a project under review", trial, decl, step(app.StatusPreliminary), "project_id"},
		{"a project returned", app.Body{Kind: app.KindAcceptance, ProjectID: "p"}, decl, step(app.StatusReturned), "project_id"},
		{"a project refused", app.Body{Kind: app.KindAcceptanceFiling, ProjectID: "p"}, decl, step(app.StatusRejected), "project_id"},
		{"an approved project", trial, decl, step(app.StatusApproved), ""},
		{"a filed project", app.Body{Kind: app.KindAdjustment, ProjectID: "p"}, decl, step(app.StatusFiled), ""},
		{"a catalogue of a project under review", app.Body{Kind: app.KindCatalogue, ProjectID: "p"}, decl, step(app.StatusSubmitted), ""},
		{"a project the bureau does not hold", trial, nil, nil, ""},
		{"a project below 10 万元 (单位自行管理)", trial, func() *app.Declaration {
			d := *decl
			d.TotalInvestment = app.Wans(8)
			return &d
		}(), nil, ""},
	} {
		p := app.CheckProjectDecided(c.body, prof, c.decl, c.history)
		switch {
		case c.field == "" && len(p) > 0:
			t.Errorf("%s: refused: %v", c.name, p)
		case c.field != "" && (len(p) != 1 || p[0].Field != c.field):
			t.Errorf("%s: %v, want one problem on %s", c.name, p, c.field)
		}
	}
}

// An adjustment is about money when it is a 项目调整, a 重大变更 giving an
// estimate or lines, or any whose lines move money; a 逾期交付 or 项目终止
// the client filled in with the project's unchanged lines is not, and its
// lines are not checked (they printed as 资金调整数额 0; found in a
// walkthrough).
func TestAdjustmentMovesMoney(t *testing.T) {
	lines := func(before, after int64) ([]app.BudgetItem, []app.BudgetItem) {
		return []app.BudgetItem{{Category: app.BudgetHardware, Name: "移动终端", Amount: app.Wans(before)}},
			[]app.BudgetItem{{Category: app.BudgetHardware, Name: "移动终端", Amount: app.Wans(after)}}
	}
	same, sameAfter := lines(180, 180)
	moved, movedAfter := lines(180, 150)
	for _, c := range []struct {
		name        string
		a           app.Adjustment
		money, goal bool
	}{
		{"a 项目调整 with nothing yet", app.Adjustment{Type: app.AdjustContent}, true, true},
		{"a 逾期交付 with the project's lines", app.Adjustment{Type: app.AdjustOverdue, ApprovedTotal: app.Wans(170), Before: same, After: sameAfter}, false, false},
		{"a 逾期交付 that moves money", app.Adjustment{Type: app.AdjustOverdue, ApprovedTotal: app.Wans(180), Before: moved, After: movedAfter}, true, true},
		{"a 项目终止 with nothing", app.Adjustment{Type: app.AdjustTerminate}, false, false},
		{"a 项目终止 whose goal the unit ticked", app.Adjustment{Type: app.AdjustTerminate, GoalUnchanged: true}, false, true},
		{"a 重大变更 with nothing", app.Adjustment{Type: app.AdjustMajorChange}, false, true},
		{"a 重大变更 with an estimate", app.Adjustment{Type: app.AdjustMajorChange, ApprovedTotal: app.Wans(180)}, true, true},
	} {
		if got := c.a.MovesMoney(); got != c.money {
			t.Errorf("%s: MovesMoney %v, want %v", c.name, got, c.money)
		}
		if got := c.a.AsksGoal(); got != c.goal {
			t.Errorf("%s: AsksGoal %v, want %v", c.name, got, c.goal)
		}
	}
	// the 逾期交付's unchanged lines, 180 against an estimate of 170, are not its subject,
	// nor its estimate against the project's (CheckApprovedTotal)
	decl := &app.Declaration{TotalInvestment: app.Wans(180)}
	overdue := app.Adjustment{Type: app.AdjustOverdue, ApprovedTotal: app.Wans(170), Before: same, After: sameAfter}
	if p := app.CheckApprovedTotal(app.Body{Kind: app.KindAdjustment, Adjustment: &overdue}, decl, nil); p != nil {
		t.Errorf("a 逾期交付's estimate, not its subject, checked: %v", p)
	}
	overdue.Type = app.AdjustContent
	if p := app.CheckApprovedTotal(app.Body{Kind: app.KindAdjustment, Adjustment: &overdue}, decl, nil); len(p) != 1 {
		t.Errorf("a 项目调整's estimate of 170 against 180: %v", p)
	}
	a := app.Adjustment{ProjectName: "平台", UnitName: "城关镇", Type: app.AdjustOverdue, Reason: "芯片到货延迟", NewDueOn: "2027-09-30",
		ApprovedTotal: app.Wans(170), Before: same, After: sameAfter, AppliedOn: "2027-03-01", Contact: app.Contact{Person: "李梅", Phone: "0564-6012345"}}
	for _, p := range app.FieldErrors(a.Validate()) {
		t.Errorf("a 逾期交付's unchanged lines checked: %v", p)
	}
}

// An adjustment's title says what it is where the profile routes it:
// 天宁's 重大设计变更 须经批准 read …重大变更备案 (a walkthrough); 郁南 files
// them; 武汉's self-adjustment makes it depend on the adjustment, so the
// title says neither.
func TestAdjustmentTitleSaysHowItIsRouted(t *testing.T) {
	title := func(typ app.AdjustType) string {
		f := &app.Filing{Kind: app.KindAdjustment, Adjustment: &app.Adjustment{ProjectName: "城关镇平台", Type: typ}}
		return f.Title()
	}
	for _, c := range []struct {
		prof string
		typ  app.AdjustType
		want string
	}{
		{"tianning", app.AdjustMajorChange, "城关镇平台重大变更申请"},
		{"yunan", app.AdjustMajorChange, "城关镇平台重大变更备案"},
		{"yunan", app.AdjustOverdue, "城关镇平台逾期交付备案"},
		{"wuhan", app.AdjustContent, "城关镇平台项目调整"},
		{"wuhan", app.AdjustMajorChange, "城关镇平台重大变更"},
		{"tianning", app.AdjustOverdue, "城关镇平台逾期交付备案"}, // no rule says: as without a profile
		{"wuhan", "", "城关镇平台项目调整（变更、终止）"},              // no type yet: not …备案
		{"yunan", "", "城关镇平台项目调整（变更、终止）"},
	} {
		if got := loadProfile(t, c.prof).ShownTitle(app.KindAdjustment, title(c.typ)); got != c.want {
			t.Errorf("%s %s: %q, want %q", c.prof, c.typ, got, c.want)
		}
	}
	if got := (*app.Profile)(nil).ShownTitle(app.KindAdjustment, title(app.AdjustMajorChange)); got != "城关镇平台重大变更备案" {
		t.Errorf("with no profile: %q", got)
	}
	if got := (*app.Profile)(nil).ShownTitle(app.KindAdjustment, title("")); got != "城关镇平台项目调整（变更、终止）" {
		t.Errorf("no type yet, with no profile: %q", got)
	}
}

// A title as a profile shows it, searched for, finds the title as stored:
// a reviewer who pasted 天宁's …重大变更申请 or 郁南's …验收前置审核申请 from a
// page into the queue's search found nothing (found in review).
func TestShownTitleFindsTheStoredOne(t *testing.T) {
	for _, id := range []string{"tianning", "wuhan", "yunan", "luan", "huoqiu"} {
		prof := loadProfile(t, id)
		type titled struct {
			k     app.Kind
			title string
		}
		var titles []titled
		// an adjustment of every type, and a draft of none yet (shown
		// …项目调整（变更、终止）, stored …备案)
		for _, c := range append([]app.Choice{{}}, app.AdjustTypeChoices...) {
			f := &app.Filing{Kind: app.KindAdjustment, Adjustment: &app.Adjustment{ProjectName: "城关镇平台", Type: app.AdjustType(c.Code)}}
			titles = append(titles, titled{app.KindAdjustment, f.Title()})
		}
		for _, k := range app.AllKinds() {
			if k != app.KindAdjustment { // titled by type, above
				titles = append(titles, titled{k, "城关镇平台" + k.Label()})
			}
		}
		for _, c := range titles {
			shown := prof.ShownTitle(c.k, c.title)
			if got := prof.StoredTitleWords(shown); !strings.Contains(c.title, got) {
				t.Errorf("%s: %q searched for as %q does not find the stored %q", id, shown, got, c.title)
			}
		}
	}
	yunan := loadProfile(t, "yunan")
	if got := yunan.StoredTitleWords("城关镇平台验收前置审核申请"); got != "城关镇平台竣工验收申请" {
		t.Errorf("郁南's acceptance application searched for as %q", got)
	}
	if got := loadProfile(t, "tianning").StoredTitleWords("重大变更申请 城关"); got != "重大变更备案 城关" {
		t.Errorf("天宁's major change application searched for as %q", got)
	}
	// the kind's name alone is not a draft's title: it stays a search for it
	if got := yunan.StoredTitleWords("项目调整（变更、终止）"); got != "项目调整（变更、终止）" {
		t.Errorf("the adjustment's kind name searched for as %q", got)
	}
}
