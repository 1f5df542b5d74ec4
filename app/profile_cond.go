package app

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Cond is a condition of a rule profile, written as data. A leaf compares one
// fact of the declaration with an operand; All, Any and Not combine
// conditions. Exactly one of Fact, All, Any or Not is set. A rule without a
// condition always applies.
//
// Amounts are written in 万元 as decimal strings in Wan ("100", "9.99") and
// parsed exactly with ParseWan, never as floats:
//
//	{"fact": "total_investment", "op": ">=", "wan": "100"}
//	{"fact": "class", "op": "=", "value": "professional"}
//	{"fact": "plan", "op": "in", "values": ["urgent", "not_listed"]}
//	{"fact": "integrated", "op": "=", "value": "false"}
//	{"fact": "service_types", "op": "contains", "value": "software_dev"}
//	{"fact": "funding.kind", "op": "contains", "value": "local_finance"}
//	{"all": [...]}, {"any": [...]}, {"not": {...}}
//
// The facts are listed by Facts; see factKind for the operators each accepts.
type Cond struct {
	All    []Cond   `json:"all,omitempty"`
	Any    []Cond   `json:"any,omitempty"`
	Not    *Cond    `json:"not,omitempty"`
	Fact   string   `json:"fact,omitempty"`
	Op     string   `json:"op,omitempty"`
	Wan    string   `json:"wan,omitempty"`    // operand of an amount fact, in 万元
	Value  string   `json:"value,omitempty"`  // operand of a code, flag or number fact
	Values []string `json:"values,omitempty"` // operands of "in" and "not_in"

	// set by validate
	money Money
	num   int
}

// factKind is the type of a fact, which decides the operators it accepts.
type factKind int

const (
	factMoney factKind = iota + 1 // Money; ops = != < <= > >=; operand wan
	factInt                       // small integer; ops = != < <= > >=; operand value
	factCode                      // one code of a list; ops = != in not_in; operand value(s)
	factFlag                      // true/false (a "present" fact is true when the text is not blank); ops = !=
	factSet                       // a set of codes; ops contains not_contains; operand value
)

// Route codes say how a declaration is handled. Profiles may only use these,
// so the UI can show each with its own wording and icon.
const (
	RouteBundledProposal = "bundled_proposal" // 数管局会同单位打捆编制项目建议书报批
	RouteApproval        = "approval"         // 立项审批
	RouteCityGovernment  = "city_government"  // 报本级人民政府批准
	RouteFiling          = "filing"           // 备案
	RouteSelfManaged     = "self_managed"     // 单位自行管理，无需报送
	RouteReview          = "review"           // 数据局评审（年度计划制）
	// RouteSectorApproval is approval by the unit's 行业主管部门 with a
	// filing at the bureau (武汉 第九条: schools, medical institutions).
	RouteSectorApproval = "sector_approval"
)

var routeCodes = []Choice{
	{RouteBundledProposal, "打捆编制项目建议书"}, {RouteApproval, "立项审批"},
	{RouteCityGovernment, "报政府批准"}, {RouteFiling, "备案"},
	{RouteSelfManaged, "单位自行管理"}, {RouteReview, "评审"}, {RouteSectorApproval, "行业主管部门审批"},
}

// flagChoices are the operands a flag fact accepts.
var flagChoices = []Choice{{"true", "是"}, {"false", "否"}}

// factDef describes one fact: its kind, its Chinese name and, for code and
// set facts, the codes it may take.
type factDef struct {
	kind    factKind
	label   string
	choices []Choice
}

// datedFacts depend on the day of the check, not on the declaration alone:
// EvaluateApproved sets them, they are not kept with a declaration's facts,
// and only the rules it applies (obligations, sections, materials,
// checklist, blockers) may read them.
var datedFacts = map[string]bool{FactPlanYearAhead: true}

// FactPlanYearAhead is true when the declaration is for a later year than
// the one (in Beijing) it was first submitted in, or, never submitted, than
// the year of the check, and was (is) sent before that year's declaration
// closed (Profile.DeclaresInTime): a project declared for a coming year's
// plan, which in 霍邱, 六安 and 郁南 is how a project gets into the plan,
// and not a project added to a plan already made. Judged as of the first submission, a
// declaration sent on time is not refused when it comes back for changes
// after New Year (Profile.EvaluateSent, Body.FirstSent).
const FactPlanYearAhead = "plan_year_ahead"

// facts is the fixed registry of fact names a condition may use. budget.<category>
// facts are added for every budget category by init.
var facts = map[string]factDef{
	"total_investment":       {factMoney, "总投资概算", nil},
	"year_amount":            {factMoney, "本年度申请资金", nil},
	"om_annual":              {factMoney, "年运行维护经费", nil},
	"class":                  {factCode, "项目类别", ClassChoices},
	"unit_type":              {factCode, "建设单位类型", UnitTypeChoices},
	"nature":                 {factCode, "建设性质", NatureChoices},
	"plan":                   {factCode, "年度计划", PlanChoices},
	"deployment.mode":        {factCode, "部署方式", DeployChoices},
	"route":                  {factCode, "审批路径", routeCodes},
	"service_types":          {factSet, "服务类型", ServiceTypeChoices},
	"funding.kind":           {factSet, "资金来源", FundingChoices},
	"integrated":             {factFlag, "已完成现有系统整合", nil},
	"shares_data":            {factFlag, "接入共享交换平台并提供数据共享", nil},
	"xinchuang.supported":    {factFlag, "支持信创适配", nil},
	"security.assess":        {factFlag, "拟开展等保测评/安全风险评估", nil},
	"crypto.review":          {factFlag, "已/拟报密码管理部门审核", nil},
	"security.level":         {factInt, "等保级别", nil},
	"crypto.level":           {factInt, "密码应用等级", nil},
	"security.plan":          {factFlag, "已填写安全保障方案", nil},
	"crypto.summary":         {factFlag, "已填写密码应用方案", nil},
	"sharing_analysis":       {factFlag, "已填写信息资源共享分析篇", nil},
	"deployment.explanation": {factFlag, "已填写部署情况说明", nil},
	"xinchuang.notes":        {factFlag, "已填写信创适配说明", nil},
	"plan_basis":             {factFlag, "已填写规划依据", nil},
	"legal_exception":        {factFlag, "已写明法律法规另有规定的依据", nil},
	"capital_project":        {factFlag, "信息化硬件、专用设备或成套软件与固定资产投资项目同步设计、同步施工", nil},
	"current_state":          {factFlag, "已填写现有系统与整合情况", nil},
	"indicators":             {factFlag, "已填写绩效目标及指标", nil},
	FactPlanYearAhead:        {factFlag, "按时申报以后年度（申报年度晚于当年，且该年度申报尚未截止）", nil},
}

func init() {
	for _, c := range BudgetChoices {
		facts["budget."+c.Code] = factDef{factMoney, c.Label, nil}
	}
}

// Facts returns the names of every fact a profile condition may use, sorted.
func Facts() []string {
	names := make([]string, 0, len(facts))
	for n := range facts {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// factValue is the value of one fact of one declaration.
type factValue struct {
	money Money
	num   int
	code  string
	flag  bool
	set   []string
}

// extractFacts returns every registered fact of d but the dated ones (which
// EvaluateApproved adds). It is the one place that knows how a fact name
// maps onto the declaration; route is the route code already decided for d
// ("" before routing).
func extractFacts(d *Declaration, route string) map[string]factValue {
	present := func(s string) factValue { return factValue{flag: !isBlank(s)} }
	set := make([]string, len(d.ServiceTypes))
	for i, s := range d.ServiceTypes {
		set[i] = string(s)
	}
	// The kinds of the declaration's funding sources, each once, in the
	// order first given (武汉 第九条 turns on 市级财政性资金, 本级财政资金
	// to a city's unit).
	var funds []string
	for _, f := range d.Funding {
		if !slices.Contains(funds, string(f.Kind)) {
			funds = append(funds, string(f.Kind))
		}
	}
	f := map[string]factValue{
		"total_investment":       {money: d.TotalInvestment},
		"year_amount":            {money: d.YearAmount},
		"om_annual":              {money: d.OMAnnual},
		"class":                  {code: string(d.Class)},
		"unit_type":              {code: string(d.UnitType)},
		"nature":                 {code: string(d.Nature)},
		"plan":                   {code: string(d.Plan)},
		"deployment.mode":        {code: string(d.Deployment.Mode)},
		"route":                  {code: route},
		"service_types":          {set: set},
		"funding.kind":           {set: funds},
		"integrated":             {flag: d.Integrated},
		"shares_data":            {flag: d.SharesData},
		"xinchuang.supported":    {flag: d.Xinchuang.Supported},
		"security.assess":        {flag: d.Security.Assess},
		"crypto.review":          {flag: d.Crypto.Review},
		"security.level":         {num: d.Security.Level},
		"crypto.level":           {num: d.Crypto.Level},
		"security.plan":          present(d.Security.Plan),
		"crypto.summary":         present(d.Crypto.Summary),
		"sharing_analysis":       present(d.SharingAnalysis),
		"deployment.explanation": present(d.Deployment.Explanation),
		"xinchuang.notes":        present(d.Xinchuang.Notes),
		"plan_basis":             present(d.PlanBasis),
		"legal_exception":        {flag: CitesLaw(d.LegalException)},
		"capital_project":        {flag: d.CapitalProject},
		"current_state":          present(d.CurrentState),
		"indicators":             present(d.Indicators),
	}
	for _, c := range BudgetChoices {
		f["budget."+c.Code] = factValue{money: d.BudgetOf(BudgetCategory(c.Code))}
	}
	return f
}

// maxCondDepth bounds how deeply conditions may nest, so that a hostile
// profile cannot exhaust the stack.
const maxCondDepth = 8

// validate checks c and parses its operands, recording every problem under
// path. It must run before eval.
func (c *Cond) validate(p *Problems, path string, depth int) { c.check(p, path, depth, false) }

// validateUndated is validate for a condition evaluated without a day
// (deadlines, lifecycle rules, route overrides): it refuses dated facts.
func (c *Cond) validateUndated(p *Problems, path string, depth int) { c.check(p, path, depth, true) }

func (c *Cond) check(p *Problems, path string, depth int, undated bool) {
	if depth > maxCondDepth {
		p.Add(path, "%s：条件嵌套超过 %d 层", path, maxCondDepth)
		return
	}
	n := 0
	for _, set := range []bool{c.Fact != "", c.All != nil, c.Any != nil, c.Not != nil} {
		if set {
			n++
		}
	}
	if n != 1 {
		p.Add(path, "%s：条件须且只能是 fact、all、any、not 之一（现有 %d 个）", path, n)
		return
	}
	switch {
	case c.All != nil || c.Any != nil:
		list, key := c.All, "all"
		if c.Any != nil {
			list, key = c.Any, "any"
		}
		if len(list) == 0 {
			p.Add(path+"."+key, "%s.%s：组合条件不能为空", path, key)
		}
		for i := range list {
			list[i].check(p, fmt.Sprintf("%s.%s[%d]", path, key, i), depth+1, undated)
		}
		if c.Op != "" || c.Wan != "" || c.Value != "" || c.Values != nil {
			p.Add(path, "%s：组合条件不能同时带 op、wan、value 或 values", path)
		}
		return
	case c.Not != nil:
		c.Not.check(p, path+".not", depth+1, undated)
		if c.Op != "" || c.Wan != "" || c.Value != "" || c.Values != nil {
			p.Add(path, "%s：组合条件不能同时带 op、wan、value 或 values", path)
		}
		return
	}
	def, ok := facts[c.Fact]
	if !ok {
		p.Add(path+".fact", "%s.fact：未知的事实“%s”（可用：%s）", path, c.Fact, strings.Join(Facts(), "、"))
		return
	}
	if datedFacts[c.Fact] && undated {
		p.Add(path+".fact", "%s.fact：事实“%s”取决于检查的日期，只能用于义务、必填内容、材料、确认事项和不予受理的条件", path, c.Fact)
		return
	}
	ops := map[factKind][]string{
		factMoney: {"=", "!=", "<", "<=", ">", ">="},
		factInt:   {"=", "!=", "<", "<=", ">", ">="},
		factCode:  {"=", "!=", "in", "not_in"},
		factFlag:  {"=", "!="},
		factSet:   {"contains", "not_contains"},
	}[def.kind]
	if !slices.Contains(ops, c.Op) {
		p.Add(path+".op", "%s.op：事实“%s”不支持运算符“%s”（可用：%s）", path, c.Fact, c.Op, strings.Join(ops, " "))
		return
	}
	onlyOperand := func(want string) {
		got := map[string]bool{"wan": c.Wan != "", "value": c.Value != "", "values": c.Values != nil}
		for _, k := range []string{"wan", "value", "values"} {
			if got[k] && k != want {
				p.Add(path+"."+k, "%s.%s：事实“%s”与运算符“%s”不使用 %s，请改用 %s", path, k, c.Fact, c.Op, k, want)
			}
		}
	}
	switch def.kind {
	case factMoney:
		onlyOperand("wan")
		m, err := ParseWan(c.Wan)
		switch {
		case err != nil:
			p.Add(path+".wan", "%s.wan：%s", path, ErrorMessage(err))
		case m < 0:
			p.Add(path+".wan", "%s.wan：金额不能为负数", path)
		default:
			c.money = m
		}
	case factInt:
		onlyOperand("value")
		v, err := strconv.Atoi(c.Value)
		if err != nil || v < 0 || v > 99 {
			p.Add(path+".value", "%s.value：“%s”不是 0–99 的整数", path, c.Value)
		}
		c.num = v
	case factFlag:
		onlyOperand("value")
		if !known(flagChoices, c.Value) {
			p.Add(path+".value", "%s.value：应为 \"true\" 或 \"false\"，不是“%s”", path, c.Value)
		}
	case factCode, factSet:
		if c.Op == "in" || c.Op == "not_in" {
			onlyOperand("values")
			if len(c.Values) == 0 {
				p.Add(path+".values", "%s.values：请列出至少一个取值", path)
			}
			for i, v := range c.Values {
				if !known(def.choices, v) {
					p.Add(fmt.Sprintf("%s.values[%d]", path, i), "%s.values[%d]：“%s”不是%s的取值（可用：%s）", path, i, v, def.label, codes(def.choices))
				}
			}
		} else {
			onlyOperand("value")
			if !known(def.choices, c.Value) {
				p.Add(path+".value", "%s.value：“%s”不是%s的取值（可用：%s）", path, c.Value, def.label, codes(def.choices))
			}
		}
	}
}

func codes(choices []Choice) string {
	s := make([]string, len(choices))
	for i, c := range choices {
		s[i] = c.Code
	}
	return strings.Join(s, "、")
}

// eval reports whether c holds for the facts f. A nil condition always holds.
// c must have been validated.
func (c *Cond) eval(f map[string]factValue) bool {
	if c == nil {
		return true
	}
	switch {
	case c.All != nil:
		for i := range c.All {
			if !c.All[i].eval(f) {
				return false
			}
		}
		return true
	case c.Any != nil:
		for i := range c.Any {
			if c.Any[i].eval(f) {
				return true
			}
		}
		return false
	case c.Not != nil:
		return !c.Not.eval(f)
	}
	v := f[c.Fact]
	switch facts[c.Fact].kind {
	case factMoney:
		return compare(int64(v.money), int64(c.money), c.Op)
	case factInt:
		return compare(int64(v.num), int64(c.num), c.Op)
	case factFlag:
		want := c.Value == "true"
		return (v.flag == want) == (c.Op == "=")
	case factCode:
		switch c.Op {
		case "=":
			return v.code == c.Value
		case "!=":
			return v.code != c.Value
		case "in":
			return slices.Contains(c.Values, v.code)
		case "not_in":
			return !slices.Contains(c.Values, v.code)
		}
	case factSet:
		return slices.Contains(v.set, c.Value) == (c.Op == "contains")
	}
	return false
}

func compare(a, b int64, op string) bool {
	switch op {
	case "=":
		return a == b
	case "!=":
		return a != b
	case "<":
		return a < b
	case "<=":
		return a <= b
	case ">":
		return a > b
	case ">=":
		return a >= b
	}
	return false
}
