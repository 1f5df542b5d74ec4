package app

import (
	"fmt"
	"slices"
	"time"
)

// Assessment is what a jurisdiction's profile says about one declaration:
// how it is routed, what the unit must do and attach, its deadlines and what
// prevents it from being submitted. Evaluate computes it; it is plain data
// the UI shows and the server can return.
type Assessment struct {
	Profile     string         `json:"profile"` // profile ID
	Version     string         `json:"version"` // profile version (SHA-256)
	Route       Route          `json:"route"`
	Obligations []Obligation   `json:"obligations,omitempty"`
	Sections    []Section      `json:"sections,omitempty"`
	Materials   []MaterialNeed `json:"materials,omitempty"`
	Checklist   []Check        `json:"checklist,omitempty"`
	Deadlines   []Deadline     `json:"deadlines,omitempty"`
	Blockers    []Blocker      `json:"blockers,omitempty"`
	// Excepted are the blockers that would hold but for the law the
	// declaration cites (LegalException; 天宁's 不予审核 hold 除法律法规明确
	// 规定外): the clerk is told they are lifted on it, and the reviewer
	// what to check the law against.
	Excepted []Blocker `json:"excepted,omitempty"`
}

// Route is how a declaration is handled, by its total investment.
type Route struct {
	Code     string `json:"code"` // one of the Route* constants; "" when the total is negative
	Label    string `json:"label"`
	Approver string `json:"approver"`
	Detail   string `json:"detail,omitempty"`
	Source   string `json:"source"`
	// Basis says which amount decided the route: "declared" (申报的总投资概算),
	// "approved" (批复核定的投资) or "unit_type" (by the unit's type, see
	// Profile.RouteOverrides); Amount is that amount and Note says it to the clerk.
	Basis    string `json:"basis,omitempty"`
	Amount   Money  `json:"amount,omitempty"`
	Note     string `json:"note,omitempty"`
	Addition bool   `json:"addition,omitempty"`

	noteFormat string // Note's format and arguments (NoteTemplate)
	noteArgs   []any
}

// Obligation is something the unit must do or buy for this project. Budget
// is the budget category its fee belongs to, if any, and Budgeted says
// whether the declaration's budget has such a line.
type Obligation struct {
	ID       string `json:"id"`
	Label    string `json:"label"`
	Detail   string `json:"detail,omitempty"`
	Budget   string `json:"budget,omitempty"`
	Budgeted bool   `json:"budgeted,omitempty"`
	Source   string `json:"source"`
	Addition bool   `json:"addition,omitempty"` // the bureau's own addition (AdditionNote)
}

// Section is a declaration field this jurisdiction requires to be filled in.
type Section struct {
	Field    string `json:"field"`
	Label    string `json:"label"`
	Filled   bool   `json:"filled"`
	Source   string `json:"source"`
	Addition bool   `json:"addition,omitempty"` // the bureau's own addition (AdditionNote)
}

// MaterialNeed is an attachment the declaration must carry: Codes lists the
// material codes that satisfy it (one, or alternatives).
type MaterialNeed struct {
	Codes    []string `json:"codes"`
	Label    string   `json:"label"`
	Source   string   `json:"source"`
	Addition bool     `json:"addition,omitempty"` // the bureau's own addition (AdditionNote)
}

// Satisfied reports whether one of atts is a material that meets the need.
func (m MaterialNeed) Satisfied(atts []Attachment) bool {
	for _, a := range atts {
		if slices.Contains(m.Codes, a.Material) {
			return true
		}
	}
	return false
}

// Check is a statement the commissioner must confirm, and whether they have.
type Check struct {
	ID        string `json:"id"`
	Label     string `json:"label"`
	Confirmed bool   `json:"confirmed"`
	Source    string `json:"source"`
	Addition  bool   `json:"addition,omitempty"` // the bureau's own addition (AdditionNote)
	// Waived: left unconfirmed it does not block (CheckRule.WaivedWhen).
	Waived bool `json:"waived,omitempty"`
}

// Blocker is a reason the declaration cannot be submitted yet. Field is the
// declaration path the UI should take the user to ("deployment.mode",
// "confirmations", …); Fix says what to do.
type Blocker struct {
	ID       string `json:"id"`
	Label    string `json:"label"`
	Fix      string `json:"fix"`
	Field    string `json:"field"`
	Source   string `json:"source"`
	Addition bool   `json:"addition,omitempty"` // the bureau's own addition (AdditionNote)
}

// CanSubmit reports whether nothing blocks the declaration.
func (a Assessment) CanSubmit() bool { return len(a.Blockers) == 0 }

// MissingMaterials returns the required materials none of atts satisfies, in
// profile order, or nil when everything is attached.
func (a Assessment) MissingMaterials(atts []Attachment) []MaterialNeed {
	var out []MaterialNeed
	for _, m := range a.Materials {
		if !m.Satisfied(atts) {
			out = append(out, m)
		}
	}
	return out
}

// Evaluate applies the profile to d at time now and returns the assessment.
// It is pure: it neither changes d nor reads the clock, and it never fails;
// a nil d is treated as an empty declaration. Deadlines counted from events
// of the project's life (acceptance, go-live …) are returned with zero dates;
// use DeadlinesFor once their dates are known. It does not run the
// declaration's own rules (see Declaration.Validate) and does not look at
// attachments (see Assessment.MissingMaterials). The route is decided on
// the declared total (see EvaluateApproved).
func (prof *Profile) Evaluate(d *Declaration, now time.Time) Assessment {
	return prof.evaluate(d, 0, now, now)
}

// ReasonLiftsDeployment reports whether a new project deployed outside the
// places the rules name (部署方式 其他) may go on once the reason is written
// (天宁: 未部署…且未进行情况说明), or is refused whatever the reason (霍邱,
// 武汉: 不按要求部署的，不予审批). The editor's hint said a reason would do
// under every profile (a 霍邱 walkthrough).
func (prof *Profile) ReasonLiftsDeployment(now time.Time) bool {
	d := &Declaration{Nature: NatureNew, Deployment: Deployment{Mode: DeployOther, Explanation: "理由"}}
	for _, b := range prof.Evaluate(d, now).Blockers {
		if b.Field == "deployment.mode" {
			return false
		}
	}
	return true
}

// EvaluateSent is Evaluate for a declaration first submitted at firstSent
// (zero: never): its plan year is judged as of then (FactPlanYearAhead),
// everything else as of now.
func (prof *Profile) EvaluateSent(d *Declaration, now, firstSent time.Time) Assessment {
	asOf := now
	if !firstSent.IsZero() && firstSent.Before(now) {
		asOf = firstSent
	}
	return prof.evaluate(d, 0, now, asOf)
}

// EvaluateApproved is Evaluate once the bureau's decision carries the
// approved (核定) investment approved: the route is decided as RouteFor
// decides it. Rules switched off (Off) are left out; those that are the
// bureau's own addition are marked so.
func (prof *Profile) EvaluateApproved(d *Declaration, approved Money, now time.Time) Assessment {
	return prof.evaluate(d, approved, now, now)
}

// Beijing is the time zone documents are dated in and plan years are
// counted in, wherever the program runs: a bureau may run on UTC, and the
// year turns at midnight in Beijing.
var Beijing = time.FixedZone("CST", 8*3600)

// evaluate is EvaluateApproved with the plan year judged as of asOf.
func (prof *Profile) evaluate(d *Declaration, approved Money, now, asOf time.Time) Assessment {
	if d == nil {
		d = &Declaration{}
	}
	a := Assessment{Profile: prof.ID, Version: prof.Version}
	f := extractFacts(d, "")
	a.Route = prof.routing(f, approved)
	if a.Route.Basis != "unit_type" && d.TotalInvestment <= 0 && approved <= 0 {
		// No amount yet, or one typed that cannot be read: no band, rather
		// than the lowest one's "不必提交" said of an empty form.
		a.Route = Route{}
	}
	f["route"] = factValue{code: a.Route.Code}
	f[FactPlanYearAhead] = factValue{flag: prof.declaresInTime(d.PlanYear, asOf, f)}
	for _, o := range prof.Obligations {
		if o.Off || !o.When.eval(f) {
			continue
		}
		ob := Obligation{ID: o.ID, Label: o.Label, Detail: o.Detail, Budget: o.Budget, Source: o.Source, Addition: o.Addition}
		if o.Budget != "" {
			ob.Budgeted = d.BudgetOf(BudgetCategory(o.Budget)) > 0
		}
		if o.BudgetRequired && !ob.Budgeted {
			// 郁南's 180 万元 demo project with 126 万元 of development and no
			// 第三方测试 line passed every rule (a review of 郁南).
			a.Blockers = append(a.Blockers, Blocker{ID: o.ID, Label: o.Label, Field: "budget", Source: o.Source, Addition: o.Addition,
				Fix: "这项费用须纳入总投资：请在投资概算明细中列出该费用类别"})
		}
		a.Obligations = append(a.Obligations, ob)
	}
	for _, s := range prof.Sections {
		if s.Off || !s.When.eval(f) {
			continue
		}
		def := sectionFields[s.Field]
		label := s.Label
		if label == "" {
			label = def.label
		}
		filled := !def.blank(d)
		a.Sections = append(a.Sections, Section{Field: s.Field, Label: label, Filled: filled, Source: s.Source, Addition: s.Addition})
		if !filled {
			fix := s.Fix
			if fix == "" {
				fix = "请填写“" + label + "”"
			}
			a.Blockers = append(a.Blockers, Blocker{ID: "section." + s.Field, Label: "缺少" + label,
				Fix: fix, Field: s.Field, Source: s.Source, Addition: s.Addition})
		}
	}
	for _, m := range prof.Materials {
		if m.Off || !m.When.eval(f) {
			continue
		}
		need := MaterialNeed{Codes: slices.Clone(m.OneOf), Label: m.Label, Source: m.Source, Addition: m.Addition}
		if m.Code != "" {
			need.Codes = []string{m.Code}
			if need.Label == "" {
				need.Label = MaterialLabel(m.Code)
			}
		}
		a.Materials = append(a.Materials, need)
	}
	for _, c := range prof.Checklist {
		if c.Off || !c.When.eval(f) {
			continue
		}
		ok := slices.Contains(d.Confirmations, c.ID)
		waived := c.WaivedWhen != nil && c.WaivedWhen.eval(f)
		a.Checklist = append(a.Checklist, Check{ID: c.ID, Label: c.Label, Confirmed: ok, Source: c.Source, Addition: c.Addition, Waived: waived})
		if !ok && !waived {
			fix := c.Fix
			if fix == "" {
				fix = "请核实并勾选确认：" + c.Label
			}
			a.Blockers = append(a.Blockers, Blocker{ID: "check." + c.ID, Label: "尚未确认：" + c.Label,
				Fix: fix, Field: "confirmations", Source: c.Source, Addition: c.Addition})
		}
	}
	for _, b := range prof.Blockers {
		if !b.Off && b.When.eval(f) {
			a.Blockers = append(a.Blockers, Blocker{ID: b.ID, Label: b.Label, Fix: b.Fix, Field: b.Field, Source: b.Source, Addition: b.Addition})
		}
	}
	a.Deadlines = prof.deadlines(f, projectDates{planYear: d.PlanYear, periodStart: d.PeriodStart, periodEnd: d.PeriodEnd}, nil, now)
	if CitesLaw(d.LegalException) {
		without := *d
		without.LegalException = ""
		for _, b := range prof.evaluate(&without, approved, now, asOf).Blockers {
			// the profile's own 不予审核, confirmations, and sections that
			// stand for a 不予审核 ground (天宁's 未明确部门之间信息共享需求)
			own := slices.ContainsFunc(prof.Blockers, func(r BlockerRule) bool { return r.ID == b.ID })
			if i := slices.IndexFunc(prof.Checklist, func(r CheckRule) bool { return "check."+r.ID == b.ID }); i >= 0 {
				own = true
				if g := prof.Checklist[i].Ground; g != "" {
					b.Label = g // the ground, not 尚未确认：…
				}
			}
			if i := slices.IndexFunc(prof.Sections, func(r SectionRule) bool { return "section."+r.Field == b.ID }); i >= 0 && prof.Sections[i].Ground != "" {
				own, b.Label = true, prof.Sections[i].Ground
			}
			if own && !slices.ContainsFunc(a.Blockers, func(x Blocker) bool { return x.ID == b.ID }) {
				a.Excepted = append(a.Excepted, b)
			}
		}
	}
	return a
}

// ConfirmationLabel is what a clerk confirmed by checking checklist item
// id, as prof words it: printed and shown to reviewers, who read the
// sentence, not the code. An id prof does not have (its profile changed
// since) is said to be one, with the id.
func (prof *Profile) ConfirmationLabel(id string) string {
	if prof == nil {
		return fmt.Sprintf("（确认事项：%s）", id) // no rules loaded: nothing to say of it
	}
	for _, c := range prof.Checklist {
		if c.ID == id {
			return c.Label
		}
	}
	return fmt.Sprintf("（现行规则中没有的确认事项：%s）", id)
}

// OrderConfirmations returns ids in prof's checklist order, ids it does not
// have after them as they were: a box ticked again does not move its item
// (the console read the new order as a change, and the printed copy listed
// the items in the order they were clicked).
func (prof *Profile) OrderConfirmations(ids []string) []string {
	out := slices.Clone(ids)
	if prof == nil {
		return out
	}
	rank := func(id string) int {
		if i := slices.IndexFunc(prof.Checklist, func(c CheckRule) bool { return c.ID == id }); i >= 0 {
			return i
		}
		return len(prof.Checklist)
	}
	slices.SortStableFunc(out, func(a, b string) int { return rank(a) - rank(b) })
	return out
}
