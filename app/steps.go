package app

import (
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ReviewFlow is the review steps the filings of some kinds and routes go
// through at the bureau, as the jurisdiction's regulation lays them out:
// 受理 by the bureau, 初审 by the bureau, 专家论证/联审 with the finance,
// development-and-reform and cryptography departments, 批复立项 by the
// development-and-reform department (霍邱, 六安). It is data in the profile ("review_flows"); the first flow
// whose kinds and routes match a filing is its flow. A filing no flow
// matches (and every filing under a profile without flows) is reviewed in
// the single-reviewer flow: a reviewer or admin takes every decision.
type ReviewFlow struct {
	Kinds  []Kind       `json:"kinds,omitempty"`  // empty: every kind
	Routes []string     `json:"routes,omitempty"` // route codes of a declaration; empty: every route
	Steps  []ReviewStep `json:"steps"`
	Source string       `json:"source"`
}

// ReviewStep is one step of a ReviewFlow: the status a filing waits in
// while at the step, the roles that take it, and the decisions it allows.
// A joint step (联审) is taken by each of its roles in turn with
// ActionConcur (or ended early by one of them returning the filing); when
// all have concurred, the next step of the same status takes the filing.
type ReviewStep struct {
	ID     string `json:"id"`
	Label  string `json:"label"` // 初审
	Status Status `json:"status"`
	Roles  []Role `json:"roles"`
	Joint  bool   `json:"joint,omitempty"`
	// Actions are the decisions of the step: for an ordinary step all
	// that Status allows when empty; for a joint step those besides
	// ActionConcur (none when empty).
	Actions []Action `json:"actions,omitempty"`
}

// Decision is what a bureau account decides on a filing.
type Decision struct {
	Action  Action
	Comment string
	// Approved is the approved (核定) amount with 批复立项 or 初审通过 of a
	// declaration, 0 for none.
	Approved Money
	// Remarks are remarks on single fields with 退回修改, by field path.
	Remarks map[string]string
}

var remarkField = regexp.MustCompile(RemarkFieldExpr)

// Flow returns the review flow of a filing of kind k on route (a
// declaration's route code, "" for the other kinds), or nil for the
// single-reviewer flow. prof may be nil.
func (prof *Profile) Flow(k Kind, route string) *ReviewFlow {
	if prof == nil {
		return nil
	}
	for i := range prof.Flows {
		fl := &prof.Flows[i]
		if (len(fl.Kinds) == 0 || slices.Contains(fl.Kinds, k)) && (len(fl.Routes) == 0 || slices.Contains(fl.Routes, route)) {
			return fl
		}
	}
	return nil
}

// FlowOf returns the review flow of a filing whose current content is
// body, or nil for the single-reviewer flow.
func (prof *Profile) FlowOf(b *Body) *ReviewFlow {
	if prof == nil || b == nil {
		return nil
	}
	route := ""
	if b.Declaration != nil {
		route = prof.RouteFor(b.Declaration, 0).Code
	}
	return prof.Flow(b.Kind, route)
}

// StepAt returns the step a filing in status st waits at, when the roles
// in concurred have concurred at its joint step already: the first step of
// st not fully concurred. It returns nil when the flow has no step for st
// (a final or editable status).
func (fl *ReviewFlow) StepAt(st Status, concurred []Role) *ReviewStep {
	for i := range fl.Steps {
		s := &fl.Steps[i]
		if s.Status != st {
			continue
		}
		if s.Joint && !slices.ContainsFunc(s.Roles, func(r Role) bool { return !slices.Contains(concurred, r) }) {
			continue // every department has concurred
		}
		return s
	}
	return nil
}

// Takes reports whether an account of role takes step s (an admin takes
// the reviewer's steps).
func (s *ReviewStep) Takes(role Role) bool {
	return slices.Contains(s.Roles, role) || role == RoleAdmin && slices.Contains(s.Roles, RoleReviewer)
}

// RoleLabels names the step's roles for people: "财政部门·联审、发展改革部门·联审"
// at a joint review, the department alone at another step (批复立项 by
// 发展改革部门, not by its 联审).
func (s *ReviewStep) RoleLabels() string { return strings.Join(s.RoleNames(), "、") }

// RoleNames is RoleLabels, one name a role.
func (s *ReviewStep) RoleNames() []string {
	out := make([]string, 0, len(s.Roles))
	for _, r := range s.Roles {
		if s.Joint {
			out = append(out, r.JointLabel())
		} else {
			out = append(out, r.Department())
		}
	}
	return out
}

// actions returns the decisions of the step.
func (s *ReviewStep) actions() []Action {
	if s.Joint {
		return append([]Action{ActionConcur}, s.Actions...)
	}
	if len(s.Actions) > 0 {
		return s.Actions
	}
	var out []Action
	for _, r := range rules {
		if r.role == RoleReviewer && slices.Contains(r.from, s.Status) {
			out = append(out, r.action)
		}
	}
	return out
}

// EnteredStep returns when a filing last updated at updated, with
// history, came to its current step: when it was last updated, except
// that concurrences (联审同意), which leave the filing where it is, do not
// restart the step: after them, the transition before them counts. The
// bureau's review time limit counts from it, in the queue (bureaustore)
// and on the filing's page (console), which wrote the rule out apart.
func EnteredStep(history []Transition, updated time.Time) time.Time {
	if n := len(history); n == 0 || history[n-1].Action != ActionConcur {
		return updated
	}
	for i := len(history) - 1; i >= 0; i-- {
		if history[i].Action != ActionConcur {
			return history[i].At
		}
	}
	return updated
}

// Concurred returns the roles that have concurred (ActionConcur) at the
// joint step a filing in status st waits at, from its history: the
// concurrences since it last moved, in the order they were given (the
// console's 已同意 listed the last first).
func Concurred(history []Transition, st Status) []Role {
	var out []Role
	for i := len(history) - 1; i >= 0; i-- {
		t := history[i]
		if t.Action != ActionConcur || t.From != st {
			break
		}
		out = append(out, t.Role)
	}
	slices.Reverse(out)
	return out
}

// Waiting reports whether a filing of kind k on route, in status st, with
// the concurrences concurred, waits for an account of role: at a step of
// its flow that role takes and has not concurred at yet, or, in the
// single-reviewer flow, for any reviewer or admin.
func (prof *Profile) Waiting(k Kind, route string, st Status, concurred []Role, role Role) bool {
	fl := prof.Flow(k, route)
	if fl == nil {
		return role == RoleReviewer || role == RoleAdmin
	}
	s := fl.StepAt(st, concurred)
	return s != nil && s.Takes(role) && !(s.Joint && slices.Contains(concurred, role))
}

// AllowedFor returns the decisions an account of role may take now on f,
// whose current content is body, under prof (nil: the single-reviewer
// flow).
func (prof *Profile) AllowedFor(f *Filing, body *Body, role Role) []Action {
	fl := prof.FlowOf(body)
	var acts []Action
	switch {
	case fl == nil && role != RoleReviewer && role != RoleAdmin:
		return nil
	case fl == nil:
		acts = Allowed(f.Status, role)
	default:
		concurred := Concurred(f.History, f.Status)
		s := fl.StepAt(f.Status, concurred)
		if s == nil || !s.Takes(role) || s.Joint && slices.Contains(concurred, role) {
			return nil
		}
		acts = s.actions()
	}
	// How the review ends: a declaration's route says (routeForbids), a
	// later filing's kind and rule (LaterOutcome).
	end := prof.LaterOutcome(body)
	if body != nil && body.Declaration != nil {
		end = outcomeOf(prof.DeclarationRoute(body.Declaration))
	}
	if end != "" {
		acts = slices.DeleteFunc(slices.Clone(acts), func(a Action) bool { return outcomeForbids(end, a, fl != nil) })
	}
	if noExperts(body, fl != nil) {
		acts = slices.DeleteFunc(slices.Clone(acts), func(a Action) bool { return a == ActionPass })
	}
	return acts
}

// noExperts reports whether body is a filing the bureau reviews and
// decides on without a 专家论证 to pass it on to, in the single reviewer's
// flow: a trial report, a catalogue, an acceptance application (郁南 第二十
// 一条's 验收前置审核 too). No regulation sends them to experts; 初审通过 sent a
// 前置审核 and a 六安 trial report to 专家论证中, where the console, the
// queue and the clerk's list then counted them (two walkthroughs).
func noExperts(body *Body, stepped bool) bool {
	return !stepped && body != nil && (body.Kind == KindAcceptance || body.Kind == KindTrialReport || body.Kind == KindCatalogue)
}

// LaterOutcome returns how the review of body, a filing of a project's
// later life, ends: ActionFile for a 备案 (投入运行, 验收后备案, 运维备案, a
// performance report, an adjustment the profile files: 郁南 第二十条's
// 重大变更备案), ActionApprove for a review (a trial report, an acceptance
// application, an adjustment that needs approval: 天宁's 重大设计变更须经批准);
// "" when either may (a declaration: its route decides, routeForbids; a
// catalogue; an adjustment whose project is not known). Two reviews found
// 予以备案 offered on a 竣工验收申请, which then read 已备案 and never said
// whether the project passed, and 批准调整 on a 重大变更备案.
func (prof *Profile) LaterOutcome(body *Body) Action {
	if body == nil {
		return ""
	}
	switch body.Kind {
	case KindTrialReport, KindAcceptance:
		return ActionApprove
	case KindAdjustment:
		if body.Adjustment == nil || body.Project == nil || prof == nil {
			return ""
		}
		v, err := prof.AdjustmentRoute(body.Adjustment, body.Project)
		if err != nil {
			return ""
		}
		return outcomeOf(v.Route.Code)
	case KindGoLive, KindAcceptanceFiling, KindOMFiling, KindPerformance:
		if prof != nil && body.Project != nil {
			if rules := prof.LifecycleRules(body.Kind, body.Type(), body.Project); len(rules) > 0 {
				if end := outcomeOf(rules[0].Route); end != "" {
					return end
				}
			}
		}
		return ActionFile
	}
	return ""
}

// outcomeOf is the decision route ends with: 予以备案 for a filing, 批复
// (批准) for an approval, "" for a route that names neither.
func outcomeOf(route string) Action {
	switch route {
	case RouteFiling, RouteSectorApproval:
		return ActionFile
	case RouteApproval, RouteCityGovernment, RouteBundledProposal, RouteReview:
		return ActionApprove
	}
	return ""
}

// outcomeForbids reports whether a review that ends with end may not take
// a: a 备案 is not approved, nor, in the single reviewer's flow, sent on to
// 专家论证 (初审通过; a profile's flow says its own steps, stepped), an
// approval is not filed.
func outcomeForbids(end, a Action, stepped bool) bool {
	switch end {
	case ActionFile:
		return a == ActionApprove || a == ActionPass && !stepped
	case ActionApprove:
		return a == ActionFile
	}
	return false
}

// StepNow returns the step f waits at under prof, or nil in the
// single-reviewer flow or a status without a step.
func (prof *Profile) StepNow(f *Filing, body *Body) *ReviewStep {
	fl := prof.FlowOf(body)
	if fl == nil {
		return nil
	}
	return fl.StepAt(f.Status, Concurred(f.History, f.Status))
}

// Review applies the decision d of actor, an account of role, to f, whose
// current content is body (as received), under prof's review flow, and
// records it. prof nil, or a profile without a flow for the filing, is the
// single-reviewer flow: a reviewer or admin takes every decision. In a
// flow, only an account with the role of the step the filing waits at
// takes it, and only with the step's decisions.
//
// An approved amount (核定) goes with 批复立项 or 初审通过 of a
// declaration: positive, and not above the declared total investment
// unless the profile allows it (approved_above_declared). Remarks on fields
// go with 退回修改 only, within MaxRemarks, MaxRemarkText and
// MaxRemarkField. It fails with EFORBIDDEN for a role that does not take
// the step, with EINVALID (naming the field) for anything else the rules
// refuse, and with ECONFLICT for a department concurring twice.
func (f *Filing) Review(prof *Profile, body *Body, at time.Time, actor string, role Role, d Decision) (Transition, error) {
	if d.Action == ActionSubmit {
		return Transition{}, Errorf(EINVALID, "提交须由建设单位进行")
	}
	if !role.Bureau() {
		return Transition{}, Errorf(EFORBIDDEN, "%s无权执行“%s”", role.Label(), d.Action.Label())
	}
	if d.Action == ActionReturn && isBlank(d.Comment) && len(d.Remarks) > 0 {
		// The remarks on fields are the 意见 a return must give: one with
		// them and no word besides was refused 须写明意见 (a walkthrough).
		d.Comment = fmt.Sprintf("请按各项审核意见修改（共 %d 项）。", len(d.Remarks))
	}
	t := Transition{At: at, Actor: actor, Role: role, Action: d.Action, From: f.Status,
		Comment: d.Comment, RevisionID: f.Revision.ID, RevisionNumber: f.Revision.Number}
	// the action as the reviewer chose it: 不予通过, not 不予立项; a filed
	// declaration's 不予备案 (ActionOn), as the console's button says
	var decl *Declaration
	if body != nil {
		decl = body.Declaration
	}
	label := prof.ActionOn(d.Action, f.Kind, prof.DeclarationRoute(decl))
	fl := prof.FlowOf(body)
	switch {
	case fl == nil && role != RoleReviewer && role != RoleAdmin:
		return Transition{}, Errorf(EFORBIDDEN, "%s没有可办理的审核步骤：本局规则未设联审、审批步骤，决定由审核人员作出", role.Label())
	case fl == nil && d.Action == ActionConcur:
		return Transition{}, Errorf(EINVALID, "“联审同意”只用于联审步骤，本材料没有联审步骤")
	case fl != nil:
		concurred := Concurred(f.History, f.Status)
		s := fl.StepAt(f.Status, concurred)
		if s == nil {
			if _, err := NextAs(label, f.Status, role, d.Action, d.Comment); err != nil {
				return Transition{}, err
			}
			return Transition{}, Errorf(EINVALID, "材料当前为“%s”，不在审核步骤中", f.Status.Label())
		}
		if !s.Takes(role) {
			return Transition{}, Errorf(EFORBIDDEN, "“%s”须由%s办理，您的账号是%s", s.Label, s.RoleLabels(), role.Label())
		}
		if s.Joint && slices.Contains(concurred, role) {
			return Transition{}, Errorf(ECONFLICT, "%s已在“%s”中表示同意，正等待%s", role.Label(), s.Label, pendingLabels(s, concurred))
		}
		if !slices.Contains(s.actions(), d.Action) {
			var can []string
			for _, a := range s.actions() {
				can = append(can, "“"+prof.ActionOn(a, f.Kind, prof.DeclarationRoute(decl))+"”")
			}
			return Transition{}, Errorf(EINVALID, "“%s”这一步不能“%s”，可以%s", s.Label, label, strings.Join(can, "、"))
		}
		t.Step = s.Label
	}
	if d.Action == ActionConcur {
		t.To = f.Status
	} else {
		to, err := NextAs(label, f.Status, role, d.Action, d.Comment)
		if err != nil {
			return Transition{}, err
		}
		t.To = to
	}
	if err := checkRouteOutcome(prof, body, d, fl != nil); err != nil {
		return Transition{}, err
	}
	if end := prof.LaterOutcome(body); outcomeForbids(end, d.Action, fl != nil) {
		return Transition{}, Errorf(EINVALID, "本材料按本地区规则应“%s”，不能“%s”", prof.ActionLabel(end, body.Kind), prof.ActionLabel(d.Action, body.Kind))
	}
	if d.Action == ActionPass && noExperts(body, fl != nil) {
		return Transition{}, Errorf(EINVALID, "%s没有专家论证环节：审核后请“%s”或“%s”", prof.KindName(body.Kind),
			prof.ActionLabel(ActionApprove, body.Kind), prof.ActionLabel(ActionReturn, body.Kind))
	}
	if err := checkOpinion(prof, body, d); err != nil {
		return Transition{}, err
	}
	if err := checkApproved(prof, body, d); err != nil {
		return Transition{}, err
	}
	if err := checkRemarks(d, body); err != nil {
		return Transition{}, err
	}
	t.Approved = d.Approved
	if len(d.Remarks) > 0 {
		t.Remarks = d.Remarks
	}
	return f.record(t), nil
}

// routeForbids reports whether a declaration on route may not end with
// action a: a project that is filed (备案: 武汉 第八条 under 50 万元, 郁南
// 第十条 from 10 to 50 万元; or approved by its 行业主管部门 and filed, 武汉
// 第九条) is 予以备案, not 批复立项; one the bureau or a government approves
// (立项审批, 报政府批准, 打捆编制项目建议书, 评审) is 批复立项, not 予以备案. The
// 武汉 reviewer's walkthrough took a 38 万元 project through 批复立项 with a
// 核定 amount. Nor is a 备案 sent on to 专家论证 (初审通过: 郁南 第十条 has
// no such step). A route that needs no filing (单位自行管理) is not held.
func routeForbids(route string, a Action, stepped bool) bool {
	return outcomeForbids(outcomeOf(route), a, stepped)
}

// DeclarationRoute returns the code of the route declaration d takes on
// its declared amount, which names its refusal (ActionOn); "" for a nil d
// or prof.
func (prof *Profile) DeclarationRoute(d *Declaration) string {
	if prof == nil || d == nil {
		return ""
	}
	return prof.RouteFor(d, 0).Code
}

// RouteOf returns the route that names decisions on f (DeclarationRoute
// for a declaration; "" for the other kinds, whose words are their kind's).
func (prof *Profile) RouteOf(f *Filing) string {
	if f == nil || f.Kind != KindDeclaration || f.Declaration == nil {
		return ""
	}
	return prof.DeclarationRoute(f.Declaration)
}

// ActionOn names decision a on a filing of kind k whose route
// (DeclarationRoute; "" when not known) is route, as ActionLabel does, with
// the refusal of a declaration that is filed (备案) named 不予备案: the
// console offered a 38 万元 project of 武汉 第八条 不予立项, a project no one
// approves, and the clerk's list said so after the console said 不予备案.
func (prof *Profile) ActionOn(a Action, k Kind, route string) string {
	if k == KindDeclaration && a == ActionReject && (route == RouteFiling || route == RouteSectorApproval) {
		return "不予备案"
	}
	return prof.ActionLabel(a, k)
}

// StatusOn names state st of a filing of kind k on route as StatusLabel
// does, a declaration that is filed and was refused 不予备案, as ActionOn
// names the refusal.
func (prof *Profile) StatusOn(st Status, k Kind, route string) string {
	if st == StatusRejected {
		return prof.ActionOn(ActionReject, k, route)
	}
	return prof.StatusLabel(st, k)
}

// checkRouteOutcome refuses a decision on a declaration that its route
// does not end with (routeForbids), saying which one it does.
func checkRouteOutcome(prof *Profile, body *Body, d Decision, stepped bool) error {
	if prof == nil || body == nil || body.Declaration == nil {
		return nil
	}
	r := prof.RouteFor(body.Declaration, d.Approved)
	if d.Action == ActionPass {
		r = prof.RouteFor(body.Declaration, 0) // the 核定 amount of a 初审通过 is no route yet
	}
	if !routeForbids(r.Code, d.Action, stepped) {
		return nil
	}
	instead := ActionFile
	if d.Action == ActionFile {
		instead = ActionApprove
	}
	return Errorf(EINVALID, "本项目的审批路径是“%s”（%s）：应“%s”，不能“%s”", r.Label, r.Source, instead.Label(), d.Action.Label())
}

// pendingLabels names the roles of joint step s that have not concurred.
func pendingLabels(s *ReviewStep, concurred []Role) string {
	var out []string
	for _, r := range s.Roles {
		if !slices.Contains(concurred, r) {
			out = append(out, r.Label())
		}
	}
	return strings.Join(out, "、")
}

// checkApproved checks the approved amount of d against the declaration in
// body and prof's rule.
func checkApproved(prof *Profile, body *Body, d Decision) error {
	if d.Approved == 0 {
		return nil
	}
	fail := func(format string, args ...any) error {
		msg := fmt.Sprintf(format, args...)
		return &Error{Code: EINVALID, Message: msg, Fields: []FieldError{{Field: "approved", Message: msg}}}
	}
	switch {
	case d.Action != ActionApprove && d.Action != ActionPass:
		return fail("核定金额只能随“批复立项”或“初审通过”填写，“%s”不需要", d.Action.Label())
	case body == nil || body.Declaration == nil:
		return fail("只有项目申报书可以核定金额")
	case d.Approved < 0:
		return fail("核定金额不能为负数，请填写批准的投资额（万元）")
	case d.Approved > MaxAmount:
		return fail("核定金额不能超过 %s，请核对单位（万元）", MaxAmount)
	case d.Approved > body.Declaration.TotalInvestment && (prof == nil || !prof.ApprovedAboveDeclared):
		return fail("核定金额 %s 超过了申报的总投资概算 %s：请核减到申报额以内（本辖区规则不允许核增）",
			d.Approved, body.Declaration.TotalInvestment)
	}
	return nil
}

// checkRemarks checks the remarks on fields of d, a decision on body.
func checkRemarks(d Decision, body *Body) error {
	if len(d.Remarks) == 0 {
		return nil
	}
	var p Problems
	if d.Action != ActionReturn {
		p.Add("remarks", "逐项审核意见只能随“退回修改”填写，“%s”不需要", d.Action.Label())
		return p.Err()
	}
	if len(d.Remarks) > MaxRemarks {
		p.Add("remarks", "逐项审核意见最多 %d 条（现有 %d 条），请合并到总的审核意见中", MaxRemarks, len(d.Remarks))
		return p.Err()
	}
	keys := make([]string, 0, len(d.Remarks))
	for k := range d.Remarks {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		f := "remarks." + k
		if len(k) > MaxRemarkField || !remarkField.MatchString(k) {
			p.Add("remarks", "“%s”不是材料的字段路径（如 goals、contact.phone、budget[2].amount）", clipText(strings.Map(printable, strings.ToValidUTF8(k, "?")), 60))
			continue
		}
		if !remarkTarget(body, k) {
			p.Add(f, "“%s”不是这份材料中的一项（或没有这一行）：请对材料中有的项填写意见", k)
			continue
		}
		// The field by its name on the page ("密码应用方案摘要"), not its
		// path ("crypto.summary", found in a walkthrough).
		name := RemarkLabel(body.Kind, k)
		v := d.Remarks[k]
		if isBlank(v) {
			p.Add(f, "对“%s”的意见是空的：请填写意见，或不对这一项提意见", name)
		} else if msg := checkString(v, MaxRemarkText, false); msg != "" { // a filing's text rule: length, UTF-8, controls
			p.Add(f, "对“%s”的意见%s", name, msg)
		}
	}
	return p.Err()
}

// remarkTarget reports whether path (a remark's key, as goals,
// contact.phone or budget[2].amount) names a field of body's content, and a
// row it has: a remark on a field the filing has not got reached the
// clerk, whose editor had nowhere to show it. A body of no content (a
// decision checked without one) takes any path.
func remarkTarget(body *Body, path string) bool {
	if body == nil {
		return true
	}
	_, content := body.content()
	if content == nil {
		return true
	}
	v := reflect.ValueOf(content)
	for _, seg := range strings.Split(path, ".") {
		name, index, rows := strings.Cut(seg, "[")
		for v.Kind() == reflect.Pointer {
			if v.IsNil() {
				v = reflect.Zero(v.Type().Elem())
			} else {
				v = v.Elem()
			}
		}
		if v.Kind() != reflect.Struct {
			return false
		}
		f, ok := jsonField(v, name)
		if !ok {
			return false
		}
		v = f
		if rows {
			i, err := strconv.Atoi(strings.TrimSuffix(index, "]"))
			if v.Kind() != reflect.Slice || err != nil || i >= v.Len() {
				return false
			}
			v = v.Index(i)
		}
	}
	return true
}

// jsonField returns the field of struct v that JSON encodes as name.
func jsonField(v reflect.Value, name string) (f reflect.Value, ok bool) {
	eachJSONField(v, func(x reflect.Value, n string) {
		if !ok && n == name {
			f, ok = x, true
		}
	})
	return f, ok
}

// LastRemarks returns the remarks on fields of the decision that returned
// f for revision, while it is returned (being revised), or nil. A filing
// the unit withdrew before the bureau acted on its answer to a return is
// still answering that return: its remarks too (found in a walkthrough:
// the next revision after a withdrawal lost what the clerk was fixing).
func (f *Filing) LastRemarks() map[string]string {
	if r := f.OpenReturn(); r != nil && f.Status.Reopened() {
		return r.Remarks
	}
	return nil
}

// OpenReturn returns the return (退回修改) the unit's revisions since
// answer: the bureau's last act on f when it is a return, else nil (the
// bureau acted on the answer, or never returned it).
func (f *Filing) OpenReturn() *Transition {
	if i := LastBureauAct(f.History); i >= 0 && f.History[i].Action == ActionReturn {
		return &f.History[i]
	}
	return nil
}

// routeCodesUsed returns the route codes the profile's bands and overrides
// give, each once: a flow may be for an override's route (武汉 第九条's
// 行业主管部门审批), which the bands alone do not name.
func (prof *Profile) routeCodesUsed() []string {
	var out []string
	for _, r := range prof.Routes {
		if !slices.Contains(out, r.Code) {
			out = append(out, r.Code)
		}
	}
	for _, o := range prof.RouteOverrides {
		if !slices.Contains(out, o.Code) {
			out = append(out, o.Code)
		}
	}
	return out
}

// LastBureauAct returns the index in h of the bureau's last act on the
// filing, -1 when it never acted: what follows it is the unit's
// (submissions and withdrawals).
func LastBureauAct(h []Transition) int {
	for i := len(h) - 1; i >= 0; i-- {
		if h[i].Role.Bureau() {
			return i
		}
	}
	return -1
}

// validateFlows checks the profile's review flows: known kinds, routes,
// statuses, roles and decisions; a joint step of two roles or more that
// an ordinary step of the same status follows; one ordinary step per
// status; and a step for every queued status a step's decision leads to.
func (prof *Profile) validateFlows(p *Problems) {
	for i := range prof.Flows {
		fl := &prof.Flows[i]
		f := fmt.Sprintf("review_flows[%d]", i)
		for j, k := range fl.Kinds {
			if !k.Valid() {
				p.Add(fmt.Sprintf("%s.kinds[%d]", f, j), "%s.kinds[%d]：未知的材料类型“%s”", f, j, k)
			}
		}
		codes := prof.routeCodesUsed()
		for j, r := range fl.Routes {
			if !slices.Contains(codes, r) {
				p.Add(fmt.Sprintf("%s.routes[%d]", f, j), "%s.routes[%d]：本规则没有审批路径“%s”", f, j, r)
			}
		}
		if isBlank(fl.Source) {
			p.Add(f+".source", "%s.source：请填写出处（条款）", f)
		}
		if len(fl.Steps) == 0 {
			p.Add(f+".steps", "%s.steps：请至少填写一个审核步骤", f)
			continue
		}
		// A declaration's route decides how its review ends (routeForbids):
		// a flow over a 备案 route with no 予以备案, or over an approved one
		// with no 批复立项, would leave the filing only 退回 or 不予 (found in
		// review).
		if len(fl.Kinds) == 0 || slices.Contains(fl.Kinds, KindDeclaration) {
			for _, r := range codes {
				if len(fl.Routes) > 0 && !slices.Contains(fl.Routes, r) {
					continue
				}
				end := ActionApprove
				if routeForbids(r, ActionApprove, true) {
					end = ActionFile
				} else if !routeForbids(r, ActionFile, true) {
					continue // a route that ends either way
				}
				if !slices.ContainsFunc(fl.Steps, func(s ReviewStep) bool { return slices.Contains(s.actions(), end) }) {
					p.Add(f+".steps", "%s：审批路径“%s”的申报书须以“%s”结束，但没有哪一步可以“%s”", f, r, end.Label(), end.Label())
				}
			}
		}
		ids := map[string]bool{}
		ordinary := map[Status]int{}
		for j := range fl.Steps {
			s := &fl.Steps[j]
			sf := fmt.Sprintf("%s.steps[%d]", f, j)
			if !idPattern.MatchString(s.ID) || ids[s.ID] {
				p.Add(sf+".id", "%s.id：“%s”无效或重复，应为小写字母开头的字母、数字和下划线", sf, s.ID)
			}
			ids[s.ID] = true
			if isBlank(s.Label) {
				p.Add(sf+".label", "%s.label：请填写步骤的中文名称", sf)
			}
			if s.Status != StatusSubmitted && s.Status != StatusPreliminary && s.Status != StatusExpert {
				p.Add(sf+".status", "%s.status：“%s”不是审核中的状态（可用 submitted、preliminary_review、expert_review）", sf, s.Status)
				continue
			}
			if len(s.Roles) == 0 {
				p.Add(sf+".roles", "%s.roles：请写明由哪个角色办理", sf)
			}
			for k, r := range s.Roles {
				if !slices.Contains(StepRoles, r) || slices.Index(s.Roles, r) != k {
					p.Add(fmt.Sprintf("%s.roles[%d]", sf, k), "%s.roles[%d]：“%s”不是审核步骤的角色或重复（可用 reviewer、approver、finance、ndrc、crypto）", sf, k, r)
				}
			}
			for k, a := range s.Actions {
				if _, err := Next(s.Status, RoleReviewer, a, "意见"); err != nil || a == ActionConcur {
					p.Add(fmt.Sprintf("%s.actions[%d]", sf, k), "%s.actions[%d]：“%s”不能在“%s”时作出", sf, k, a.Label(), s.Status.Label())
				}
			}
			if s.Joint {
				if len(s.Roles) < 2 {
					p.Add(sf+".roles", "%s.roles：联审步骤须有两个以上的角色", sf)
				}
				next := slices.IndexFunc(fl.Steps[j+1:], func(n ReviewStep) bool { return n.Status == s.Status && !n.Joint })
				if next < 0 {
					p.Add(sf+".joint", "%s.joint：联审之后须有同一状态下的普通步骤（如批复立项），否则联审结束后无人办理", sf)
				}
				continue
			}
			ordinary[s.Status]++
			if ordinary[s.Status] > 1 {
				p.Add(sf+".status", "%s.status：“%s”已有一个普通步骤，同一状态只能有一个", sf, s.Status.Label())
			}
		}
		for j := range fl.Steps {
			s := &fl.Steps[j]
			for _, a := range s.actions() {
				to, err := Next(s.Status, RoleReviewer, a, "意见")
				if err == nil && (to == StatusSubmitted || to == StatusPreliminary || to == StatusExpert) &&
					!slices.ContainsFunc(fl.Steps, func(n ReviewStep) bool { return n.Status == to }) {
					p.Add(fmt.Sprintf("%s.steps[%d].actions", f, j), "%s.steps[%d]：“%s”之后材料为“%s”，但没有这一状态的步骤", f, j, a.Label(), to.Label())
				}
			}
		}
	}
}
