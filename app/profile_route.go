package app

import (
	"fmt"
	"slices"
)

// RouteOverride routes a declaration by a fact other than its investment:
// when When holds (it may not use the route fact), the declaration takes
// this route whatever its amount, as 武汉 第九条 routes the projects of
// schools and medical institutions to their 行业主管部门.
type RouteOverride struct {
	When     *Cond  `json:"when"`
	Code     string `json:"code"`
	Label    string `json:"label"`
	Approver string `json:"approver"`
	Detail   string `json:"detail,omitempty"`
	Source   string `json:"source"`
	Own
}

func (o *RouteOverride) validate(p *Problems, f string) {
	if !known(routeCodes, o.Code) {
		p.Add(f+".code", "%s.code：未知的审批路径“%s”（可用：%s）", f, o.Code, codes(routeCodes))
	}
	for _, req := range [][3]string{{"label", o.Label, "中文说明"}, {"approver", o.Approver, "审批或受理部门"}, {"source", o.Source, "出处（条款）"}} {
		if isBlank(req[1]) {
			p.Add(f+"."+req[0], "%s.%s：请填写%s", f, req[0], req[2])
		}
	}
	if o.When == nil {
		p.Add(f+".when", "%s.when：按其他事实改变路径的规则须写明条件", f)
		return
	}
	o.When.validateUndated(p, f+".when", 1)
	if o.When.uses("route") {
		p.Add(f+".when", "%s.when：改变路径的条件不能使用 route（审批路径本身）", f)
	}
}

// Reads reports whether a rule of prof that is not switched off reads
// fact in its condition: the editor shows a field that only rules read
// (legal_exception) under the profiles that have such a rule.
func (prof *Profile) Reads(fact string) bool {
	if prof == nil {
		return false
	}
	var conds []*Cond
	add := func(off bool, c *Cond) {
		if !off {
			conds = append(conds, c)
		}
	}
	for _, r := range prof.RouteOverrides {
		add(r.Off, r.When)
	}
	for _, r := range prof.Obligations {
		add(r.Off, r.When)
	}
	for _, r := range prof.Sections {
		add(r.Off, r.When)
	}
	for _, r := range prof.Materials {
		add(r.Off, r.When)
	}
	for _, r := range prof.Checklist {
		add(r.Off, r.When)
		if r.WaivedWhen != nil {
			add(r.Off, r.WaivedWhen)
		}
	}
	for _, r := range prof.Blockers {
		add(r.Off, r.When)
	}
	for _, r := range prof.Deadlines {
		add(r.Off, r.When)
	}
	for _, r := range prof.Lifecycle {
		add(r.Off, r.When)
	}
	return slices.ContainsFunc(conds, func(c *Cond) bool { return c.uses(fact) })
}

// uses reports whether c or any condition inside it reads fact.
func (c *Cond) uses(fact string) bool {
	if c == nil {
		return false
	}
	if c.Fact == fact || c.Not.uses(fact) {
		return true
	}
	for i := range c.All {
		if c.All[i].uses(fact) {
			return true
		}
	}
	for i := range c.Any {
		if c.Any[i].uses(fact) {
			return true
		}
	}
	return false
}

// RouteFor returns how a declaration d is routed once the bureau's decision
// carries the approved (核定) investment approved (0 while none does): a
// band measured against the approved investment (basis "approved", 武汉
// 第十五条) then takes the approved amount instead of the declared total.
// Route.Basis and Route.Note tell the clerk which amount was used. A nil d
// is an empty declaration.
func (prof *Profile) RouteFor(d *Declaration, approved Money) Route {
	if d == nil {
		d = &Declaration{}
	}
	return prof.routing(extractFacts(d, ""), approved)
}

// routing is RouteFor on the facts f of a declaration.
func (prof *Profile) routing(f map[string]factValue, approved Money) Route {
	for _, o := range prof.RouteOverrides {
		if !o.Off && o.When.eval(f) {
			r := Route{Code: o.Code, Label: o.Label, Approver: o.Approver, Detail: o.Detail, Source: o.Source,
				Basis: "unit_type", Addition: o.Addition}
			// 武汉 第九条 turns on the unit's type and its funds.
			switch byFunds := o.When.uses("funding.kind"); {
			case byFunds && o.Addition:
				r.setNote("按建设单位类型和资金来源确定，与投资额无关（%s）", AdditionNote)
			case byFunds:
				r.setNote("按建设单位类型和资金来源确定，与投资额无关")
			case o.Addition:
				r.setNote("按建设单位类型确定，与投资额无关（%s）", AdditionNote)
			default:
				r.setNote("按建设单位类型确定，与投资额无关")
			}
			return r
		}
	}
	declared := f["total_investment"].money
	r, basis, amount := prof.band(declared), BasisDeclared, declared
	if approved > 0 {
		if ra := prof.band(approved); ra != nil && (ra.Basis == BasisApproved || r != nil && r.Basis == BasisApproved) {
			r, basis, amount = ra, BasisApproved, approved
		}
	}
	if r == nil {
		return Route{}
	}
	out := Route{Code: r.Code, Label: r.Label, Approver: r.Approver, Detail: r.Detail, Source: r.Source,
		Basis: basis, Amount: amount}
	switch line := prof.approvedLine(); {
	case len(prof.Routes) == 1:
		// One band for every amount (天宁: 解读未按投资额分档): the amount
		// decides nothing, and 按申报的总投资概算 115 万元确定 beside the
		// route's 未按投资额分档 read as a contradiction (found in a 天宁
		// walkthrough).
	case basis == BasisApproved:
		out.setNote("按批复核定的投资 %s确定", amount)
	case line != nil:
		out.setNote("按申报的总投资概算 %s确定；批复核定投资后，%s的界线按核定投资计（%s）", amount, line.min, line.Source)
	default:
		out.setNote("按申报的总投资概算 %s确定", amount)
	}
	return out
}

// setNote sets r.Note to format with args, keeping both for NoteTemplate.
func (r *Route) setNote(format string, args ...any) {
	r.Note, r.noteFormat, r.noteArgs = fmt.Sprintf(format, args...), format, args
}

// NoteTemplate returns the format and arguments of r.Note, for a user
// interface in another language (as FieldError.Template); "" for a route
// not computed here.
func (r Route) NoteTemplate() (format string, args []any) { return r.noteFormat, r.noteArgs }

// approvedLine returns the first band measured against the approved
// investment, or nil.
func (prof *Profile) approvedLine() *RouteRule {
	for i := range prof.Routes {
		if prof.Routes[i].Basis == BasisApproved {
			return &prof.Routes[i]
		}
	}
	return nil
}

// ApprovedInvestment returns the approved (核定) investment the bureau's
// last approval in history carries, or, when it carries none, the one the
// 初审通过 before it carried (霍邱, 六安: the bureau 核定 at 初审 and 县发改委's
// 批复立项 may give no amount; an adjustment of such a project was held to
// the declared total; found in review); 0 when none carries one or the
// project was not approved.
func ApprovedInvestment(history []Transition) Money {
	approved := false
	for i := len(history) - 1; i >= 0; i-- {
		switch t := history[i]; {
		case t.Action == ActionApprove && t.Approved > 0:
			return t.Approved
		case t.Action == ActionApprove:
			approved = true
		case approved && t.Action == ActionPass && t.Approved > 0:
			return t.Approved
		}
	}
	return 0
}
