package app

import (
	"fmt"
	"slices"
	"strings"
)

// LifecycleRule says that a jurisdiction has a filing of Kind (of the
// Types listed, or any type) in the later life of a project: to whom it
// goes and how (Route, Approver), what it must attach (Materials; for an
// acceptance filing the profile's acceptance_filing_materials when empty),
// which of the profile's deadlines it meets (Deadline) and, for an
// adjustment, when the unit may adjust by itself (SelfAdjust). When, on the
// facts of the project's declaration, limits it (郁南 第二十条 concerns
// 专业类 projects).
type LifecycleRule struct {
	ID         string          `json:"id"`
	Kind       Kind            `json:"kind"`
	Types      []string        `json:"types,omitempty"`
	Label      string          `json:"label"`
	Route      string          `json:"route"`
	Approver   string          `json:"approver"`
	Detail     string          `json:"detail,omitempty"`
	Materials  []string        `json:"materials,omitempty"`
	Deadline   string          `json:"deadline,omitempty"`
	When       *Cond           `json:"when,omitempty"`
	SelfAdjust *SelfAdjustRule `json:"self_adjust,omitempty"`
	Source     string          `json:"source"`
	Own
}

// SelfAdjustRule is when a unit may adjust an approved project by itself
// and file the adjustment (武汉 第十九条): the investment stays within the
// approved estimate, the goal is unchanged, the money moved is at most
// MaxPercent of the approved estimate, and one of Situations applies.
// Otherwise the rule's own route (a new approval) applies.
type SelfAdjustRule struct {
	MaxPercent string      `json:"max_percent"` // "15": per cent, at most two decimals
	Situations []Situation `json:"situations"`
	Route      string      `json:"route"`
	Label      string      `json:"label"`
	Approver   string      `json:"approver"`
	Source     string      `json:"source"`

	maxBP int64 // set by validate
}

// Situation is one of the listed situations of a self-adjustment.
type Situation struct {
	Code   string `json:"code"`
	Label  string `json:"label"`
	Source string `json:"source"`
}

// TypeChoices are the types a lifecycle kind has (an adjustment's, a
// performance report's), nil for a kind without types.
func TypeChoices(k Kind) []Choice {
	switch k {
	case KindAdjustment:
		return AdjustTypeChoices
	case KindPerformance:
		return PerformanceTypeChoices
	}
	return nil
}

func (prof *Profile) validateLifecycle(p *Problems, ids map[string]string) {
	for i := range prof.Lifecycle {
		r := &prof.Lifecycle[i]
		f := fmt.Sprintf("lifecycle[%d]", i)
		switch {
		case !idPattern.MatchString(r.ID):
			p.Add(f+".id", "%s.id：“%s”无效，应为小写字母开头的字母、数字和下划线", f, r.ID)
		case ids["lifecycle:"+r.ID] != "":
			p.Add(f+".id", "%s.id：编号“%s”与 %s 重复", f, r.ID, ids["lifecycle:"+r.ID])
		default:
			ids["lifecycle:"+r.ID] = f + ".id"
		}
		if !slices.Contains(LifecycleKinds, r.Kind) {
			p.Add(f+".kind", "%s.kind：“%s”不是项目后续阶段的材料类型（可用：%s）", f, r.Kind, kindCodes(LifecycleKinds))
		}
		types := TypeChoices(r.Kind)
		for j, t := range r.Types {
			if !known(types, t) {
				p.Add(fmt.Sprintf("%s.types[%d]", f, j), "%s.types[%d]：“%s”不是%s的类型（可用：%s）", f, j, t, r.Kind.Label(), codes(types))
			}
		}
		if !known(routeCodes, r.Route) {
			p.Add(f+".route", "%s.route：未知的审批路径“%s”（可用：%s）", f, r.Route, codes(routeCodes))
		}
		for _, req := range [][3]string{{"label", r.Label, "中文说明"}, {"approver", r.Approver, "报送或审批部门"}, {"source", r.Source, "出处（条款）"}} {
			if isBlank(req[1]) {
				p.Add(f+"."+req[0], "%s.%s：请填写%s", f, req[0], req[2])
			}
		}
		materialList(p, f+".materials", r.Materials)
		if r.Deadline != "" && prof.deadlineRule(r.Deadline) == nil {
			p.Add(f+".deadline", "%s.deadline：deadlines 中没有编号为“%s”的期限", f, r.Deadline)
		}
		if r.When != nil {
			r.When.validateUndated(p, f+".when", 1)
		}
		if s := r.SelfAdjust; s != nil {
			s.validate(p, f+".self_adjust", r.Kind)
		}
	}
}

func (s *SelfAdjustRule) validate(p *Problems, f string, k Kind) {
	if k != KindAdjustment {
		p.Add(f, "%s：只有项目调整（adjustment）可以设自行调整条件", f)
	}
	bp, err := parseDecimal(s.MaxPercent, 2, "%")
	switch {
	case err != nil:
		p.Add(f+".max_percent", "%s.max_percent：%s", f, ErrorMessage(err))
	case bp <= 0 || bp > 10000:
		p.Add(f+".max_percent", "%s.max_percent：比例应在 0 到 100 之间（不含 0），不是 %s", f, s.MaxPercent)
	default:
		s.maxBP = int64(bp)
	}
	if len(s.Situations) == 0 {
		p.Add(f+".situations", "%s.situations：请列出可以自行调整的情形", f)
	}
	seen := map[string]bool{}
	for i, sit := range s.Situations {
		sf := fmt.Sprintf("%s.situations[%d]", f, i)
		switch {
		case !idPattern.MatchString(sit.Code):
			p.Add(sf+".code", "%s.code：“%s”无效，应为小写字母开头的字母、数字和下划线", sf, sit.Code)
		case seen[sit.Code]:
			p.Add(sf+".code", "%s.code：情形“%s”重复", sf, sit.Code)
		}
		seen[sit.Code] = true
		if isBlank(sit.Label) || isBlank(sit.Source) {
			p.Add(sf, "%s：请填写情形的原文（label）和出处（source）", sf)
		}
	}
	if !known(routeCodes, s.Route) {
		p.Add(f+".route", "%s.route：未知的审批路径“%s”（可用：%s）", f, s.Route, codes(routeCodes))
	}
	for _, req := range [][3]string{{"label", s.Label, "中文说明"}, {"approver", s.Approver, "备案部门"}, {"source", s.Source, "出处（条款）"}} {
		if isBlank(req[1]) {
			p.Add(f+"."+req[0], "%s.%s：请填写%s", f, req[0], req[2])
		}
	}
}

func kindCodes(ks []Kind) string {
	s := make([]Choice, len(ks))
	for i, k := range ks {
		s[i] = Choice{Code: string(k)}
	}
	return codes(s)
}

// LifecycleRules returns the rules of the profile for a filing of kind k
// and type typ ("" for a kind without types) of a project whose
// declaration is d, in profile order, switched-off rules left out. With a
// nil d (the declaration is not at hand) conditions are not evaluated:
// every rule of the kind and type is returned.
func (prof *Profile) LifecycleRules(k Kind, typ string, d *Declaration) []LifecycleRule {
	var f map[string]factValue
	if d != nil {
		f = extractFacts(d, "")
		f["route"] = factValue{code: prof.routing(f, 0).Code}
	}
	var out []LifecycleRule
	for _, r := range prof.Lifecycle {
		if r.Off || r.Kind != k || len(r.Types) > 0 && !slices.Contains(r.Types, typ) {
			continue
		}
		if f != nil && !r.When.eval(f) {
			continue
		}
		out = append(out, r)
	}
	return out
}

// FilingMaterials returns the materials a filing under rule r must attach:
// the rule's own, or for an acceptance filing whose rule names none (nil)
// the profile's acceptance_filing_materials.
func (prof *Profile) FilingMaterials(r *LifecycleRule) []string {
	if r.Materials == nil && r.Kind == KindAcceptanceFiling {
		return prof.AcceptanceFilingMaterials
	}
	return r.Materials
}

// AdjustCondition is one condition of a self-adjustment and whether the
// adjustment meets it.
type AdjustCondition struct {
	Label  string
	Met    bool
	Source string
	// Format and Args make Label (fmt.Sprintf(Format, Args...)), so a
	// client can show it in another language.
	Format string
	Args   []any
}

// condition returns the condition whose label is format with args.
func condition(met bool, source, format string, args ...any) AdjustCondition {
	return AdjustCondition{Label: fmt.Sprintf(format, args...), Met: met, Source: source, Format: format, Args: args}
}

// AdjustVerdict is how the profile routes an adjustment: Self when the unit
// may adjust by itself and file it (自行调整并备案), otherwise by the rule's
// own route (e.g. a new approval). Conditions are the self-adjustment's,
// each met or not, in the order of the clause; empty when the rule has no
// self-adjustment. Moved and ShareBP are the money moved and its share of the
// approved estimate (basis points, rounded up); LimitBP the limit.
type AdjustVerdict struct {
	Rule       string
	Route      Route
	Self       bool
	Conditions []AdjustCondition
	Moved      Money
	ShareBP    int64
	LimitBP    int64
	// Situation is the listed situation the unit chose (武汉 第十九条's
	// 情形之一), the zero Situation when it chose none; Listed says the rule
	// lists situations at all. A code the profile does not list (it
	// changed since) keeps the code with no label.
	Situation Situation
	Listed    bool
	// Money says the adjustment is about money (Adjustment.MovesMoney):
	// a 逾期交付 or a 终止 moves none, and its 资金调整数额 0 read as a
	// fact (found in a walkthrough).
	Money bool
}

// AdjustmentRoute returns how the profile routes adjustment a of a project
// whose declaration is d (nil when not at hand: see LifecycleRules). It
// fails with an EINVALID *Error, field "type", when the profile has no rule
// for this type of adjustment.
func (prof *Profile) AdjustmentRoute(a *Adjustment, d *Declaration) (AdjustVerdict, error) {
	rules := prof.LifecycleRules(KindAdjustment, string(a.Type), d)
	if len(rules) == 0 {
		return AdjustVerdict{}, prof.notAccepted(KindAdjustment, string(a.Type), "type", d)
	}
	r := rules[0]
	v := AdjustVerdict{Rule: r.ID, Moved: a.Moved(), ShareBP: a.MovedBasisPoints(), Money: a.MovesMoney(),
		Route: Route{Code: r.Route, Label: r.Label, Approver: r.Approver, Detail: r.Detail, Source: r.Source, Addition: r.Addition}}
	s := r.SelfAdjust
	if s == nil {
		return v, nil
	}
	v.LimitBP = s.maxBP
	situation := ""
	v.Listed = len(s.Situations) > 0
	if a.Situation != "" {
		v.Situation = Situation{Code: a.Situation}
	}
	for _, sit := range s.Situations {
		if sit.Code == a.Situation {
			situation, v.Situation = sit.Label, sit
		}
	}
	sit := condition(false, s.Source, "符合所列情形之一")
	if situation != "" {
		sit = condition(true, s.Source, "符合所列情形之一：%s", situation)
	}
	invest := condition(a.ApprovedTotal > 0 && a.AfterSum() <= a.ApprovedTotal, s.Source, "项目投资规模未超出概算批复（调整后 %s，批复 %s）", a.AfterSum(), a.ApprovedTotal)
	moved := condition(a.movedWithin(s.maxBP), s.Source, "资金调整数额 %s 不超过概算总投资的 %s（现为 %s）", v.Moved, PercentText(s.maxBP), PercentText(v.ShareBP))
	if !v.Money {
		// A change of the content alone (a 重大变更 with no estimate
		// and no lines) keeps the investment and moves nothing: its
		// money conditions read ✗ on an estimate of 0 (found in review).
		// The words say it was read from the empty lines, so that the
		// reviewer sees what the verdict rests on.
		invest = condition(true, s.Source, "项目投资规模未超出概算批复（未填写概算调整，视为不涉及资金调整）")
		moved = condition(true, s.Source, "资金调整数额不超过概算总投资的 %s（未填写概算调整，视为不涉及资金调整）", PercentText(s.maxBP))
	}
	v.Conditions = []AdjustCondition{invest, condition(a.GoalUnchanged, s.Source, "建设目标不变"), moved, sit}
	v.Self = true
	for _, c := range v.Conditions {
		v.Self = v.Self && c.Met
	}
	if v.Self {
		v.Route = Route{Code: s.Route, Label: s.Label, Approver: s.Approver, Source: s.Source, Addition: r.Addition}
	}
	return v, nil
}

// Accepts reports whether the profile takes filings of kind k at all: a
// project's declaration, catalogue, trial report and acceptance always, a
// later kind (LifecycleKinds) when one of its rules names it. The client
// offers only these: 霍邱's clerk was offered 项目调整 and told after
// choosing it that 霍邱 takes none.
func (prof *Profile) Accepts(k Kind) bool {
	if !slices.Contains(LifecycleKinds, k) {
		return true
	}
	return slices.ContainsFunc(prof.Lifecycle, func(r LifecycleRule) bool { return !r.Off && r.Kind == k })
}

// AdjustTypes returns the adjustment types the profile takes of a project
// whose declaration is d (TypesFor). 郁南 takes a 项目终止 of a 专业类
// project only: its clerk of a 公共类 one was offered it and told after
// choosing that 郁南 takes none (found in a walkthrough).
func (prof *Profile) AdjustTypes(d *Declaration) []Choice { return prof.TypesFor(KindAdjustment, d) }

// TypesFor returns the types of kind k (TypeChoices) the profile takes of
// a project whose declaration is d (every type some rule names when d is
// nil), in the order a form offers them; none for a nil profile or a kind
// without types. 天宁 and 郁南 take a 绩效自评价报告 and no 年度绩效评价报告.
func (prof *Profile) TypesFor(k Kind, d *Declaration) []Choice {
	if prof == nil {
		return nil
	}
	var out []Choice
	for _, c := range TypeChoices(k) {
		if len(prof.LifecycleRules(k, c.Code, d)) > 0 {
			out = append(out, c)
		}
	}
	return out
}

// ForProject reports whether a filing of kind k is for a project whose
// declaration is d: a later filing when one of the profile's rules for it
// (of any type) holds for the project, an acceptance application unless
// the regulation has the project do otherwise (KindNotFor); every kind
// when d or the profile is nil. 为此项目新建… of a 郁南 公共类 project
// offered its 项目调整, 验收后备案 and 验收前置审核申请, none of which 郁南
// takes of it (found in review).
func (prof *Profile) ForProject(k Kind, d *Declaration) bool {
	if prof == nil || d == nil {
		return true
	}
	if prof.KindNotFor(k, d) != "" {
		return false
	}
	if !slices.Contains(LifecycleKinds, k) {
		return true
	}
	if TypeChoices(k) != nil {
		return len(prof.TypesFor(k, d)) > 0
	}
	return len(prof.LifecycleRules(k, "", d)) > 0
}

// ChooseOnlyType sets the type of f, a filing of a typed kind with none
// yet, when the profile takes exactly one type of it of the project whose
// declaration is d: 天宁's 绩效评价 can only be a 绩效自评价报告 and its 项目
// 调整 a 重大变更, and the clerk had to choose the one choice offered (seen
// in the real window). It reports whether it chose.
func (prof *Profile) ChooseOnlyType(f *Filing, d *Declaration) bool {
	ts := prof.TypesFor(f.Kind, d)
	if len(ts) != 1 || f.Type() != "" {
		return false
	}
	switch {
	case f.Adjustment != nil:
		f.Adjustment.Type = AdjustType(ts[0].Code)
	case f.Performance != nil:
		f.Performance.Type = PerformanceType(ts[0].Code)
	default:
		return false
	}
	return true
}

// TakesAdjustment is Takes for an adjustment of type typ.
func (prof *Profile) TakesAdjustment(typ AdjustType, d *Declaration) error {
	return prof.Takes(KindAdjustment, string(typ), d)
}

// Takes returns nil when the profile has a rule for a later filing of kind
// k and type typ ("" for none yet, or a kind without types) of a project
// whose declaration is d, when the kind is not a later one, or when there
// is no profile to tell; otherwise the problem (field "type" of a kind with
// types, else "kind") that says so and quotes the rules there are. With no
// type yet it asks whether any type is taken.
func (prof *Profile) Takes(k Kind, typ string, d *Declaration) error {
	if prof == nil || !slices.Contains(LifecycleKinds, k) {
		return nil
	}
	field := "kind"
	if TypeChoices(k) != nil {
		field = "type"
		if typ == "" && len(prof.TypesFor(k, d)) > 0 {
			return nil
		}
	}
	if (typ != "" || TypeChoices(k) == nil) && len(prof.LifecycleRules(k, typ, d)) > 0 {
		return nil
	}
	return prof.notAccepted(k, typ, field, d)
}

// List is words a message lists, joined by Sep when printed; a client
// translates each item and the separator (its Tf), where a joined string
// would not be found.
type List struct {
	Items []string
	Sep   string
}

func (l List) String() string { return strings.Join(l.Items, l.Sep) }

// notAccepted is the problem of a filing of kind k and type typ ("" for
// none yet, or a kind without types) that the profile has no rule for, for
// a project whose declaration is d. When rules for it exist but none for
// this project, it quotes them: a 公共类 project's 项目终止 at 郁南 read
// "郁南县的规则中没有项目终止", though 第二十条 has it for 专业类 projects. The
// rules' labels say the projects they are for (专业类项目因…) or when
// (项目通过验收后 12 个月内…), each in its own words.
func (prof *Profile) notAccepted(k Kind, typ, field string, d *Declaration) error {
	// what is the type's label, a 项目调整 too, though the kind's label
	// holds it: 天宁's read 规则中没有“项目调整（变更、终止）”, and 天宁 takes
	// a 重大变更 (found in review).
	what := ""
	if typ != "" {
		what = LabelOf(TypeChoices(k), typ)
	}
	others := prof.LifecycleRules(k, typ, nil)
	if typ == "" && TypeChoices(k) != nil { // no type chosen yet: the rules of every type
		others = slices.DeleteFunc(slices.Clone(prof.Lifecycle), func(r LifecycleRule) bool { return r.Off || r.Kind != k })
	}
	var p Problems
	if d != nil && len(others) > 0 {
		labels, sources := List{Sep: "；"}, List{Sep: "、"}
		for _, r := range others {
			labels.Items = append(labels.Items, strings.TrimRight(r.Label, "。；;. "))
			if r.Source != "" && !slices.Contains(sources.Items, r.Source) {
				sources.Items = append(sources.Items, r.Source)
			}
		}
		if what != "" {
			p.Add(field, "按%s的规则，本项目不适用“%s”中的“%s”。相关规定：%s（%s）。如确需报送，请先与%s联系", prof.Jurisdiction, k.Label(), what, labels, sources, prof.Bureau)
		} else {
			p.Add(field, "按%s的规则，本项目不适用“%s”。相关规定：%s（%s）。如确需报送，请先与%s联系", prof.Jurisdiction, k.Label(), labels, sources, prof.Bureau)
		}
		return p.Err()
	}
	if what != "" {
		p.Add(field, "%s的规则中没有“%s”中的“%s”：%s不受理此类材料；如确需报送，请先与其联系", prof.Jurisdiction, k.Label(), what, prof.Bureau)
	} else {
		p.Add(field, "%s的规则中没有“%s”：%s不受理此类材料；如确需报送，请先与其联系", prof.Jurisdiction, k.Label(), prof.Bureau)
	}
	return p.Err()
}
