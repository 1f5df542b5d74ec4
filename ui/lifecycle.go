package ui

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"egovdesk/app"
)

// lifecycleEditor is the editor of a filing of a project's later life
// (app.LifecycleKinds): 投入运行, 项目调整（变更、终止）, 验收后备案, 运维备案 and
// 绩效评价. Each is checked as the bureau checks it, against the project's
// declaration (app.CheckProjectBody); the side panel names the rule of the
// profile that asks for it. An adjustment shows its approved and adjusted
// budget lines side by side, the money moved and its share of the approved
// estimate (exact, in 分) and the route that follows, as the clerk types.
type lifecycleEditor struct {
	e           *editorScreen
	decl        *app.Declaration // the project's declaration, nil when not on this machine
	declHistory []app.Transition // the bureau's decisions on it
	acc         *app.Filing      // a 验收后备案's acceptance application (nil: not on this machine)
	accID       string           // the ID acc was read for

	rule *paragraph // the profile's rule for this filing
	// pending says, beside a 验收后备案, that the project's acceptance
	// application is still with the bureau (pendingText); hidden otherwise
	pending *paragraph

	// an adjustment's
	adj                 *app.Adjustment
	beforeBox, afterBox *fyne.Container
	compare             *fyne.Container
	moved, route        *paragraph
	conditions          *fyne.Container
	situation           *widget.Select
	situationCodes      []string
	lastType            string       // the type the situations were filled for
	situationsFor       *app.Profile // and the profile

	// the filing's type (an adjustment's, a performance report's): typeField
	typeSel          *widget.Select
	types            []app.Choice // typeSel's (fillTypes)
	typeGet          func() string
	typeSet          func(string)
	listedFor        *app.Profile // the profile and type typeSel was filled for
	listedType       string
	listedForProject *app.Declaration
	// what an adjustment's type asks (typeShown): a 逾期交付 showed the
	// 建设目标不变, 所属情形, 合同终止日期 and 概算调整 of the other types
	// (found in a walkthrough of the console, which showed them as 否 and 0)
	goal, situ, due, end fyne.CanvasObject
	budget, noBudget     fyne.CanvasObject
	dates                *fyne.Container
	typeSections         []*fyne.Container // laid out again when typeShown changes them
	sideBox              *fyne.Container   // the side panel, laid out again when moved is shown or hidden
}

func newLifecycleEditor(e *editorScreen) *lifecycleEditor {
	le := &lifecycleEditor{e: e, rule: &paragraph{}, pending: &paragraph{Importance: widget.WarningImportance}}
	le.pending.Hide()
	le.readDeclaration()
	e.attachBox = container.NewVBox()
	project := e.filingSelect(app.KindDeclaration, e.f.ProjectID, func(id string) {
		e.f.ProjectID = id
		le.readDeclaration()
	})
	e.targets["project_id"] = project
	projectField := e.field("project_id", "所属项目", "选择本单位的项目申报书，按其内容适用本地区规则", project)
	f := e.f
	switch {
	case f.GoLive != nil:
		g := f.GoLive
		e.addSection("投入运行", []string{"project_id", "project_name", "unit_name", "approval_ref", "go_live_on", "scope", "contact"},
			projectField,
			e.text("project_name", "项目名称", "", &g.ProjectName, false),
			e.text("unit_name", "建设单位", "", &g.UnitName, false),
			e.text("approval_ref", "立项批复文号", "", &g.ApprovalRef, false),
			e.date("go_live_on", "投入运行日期", "系统实际投入运行的日期，如 2027-06-01；绩效自评价、运维年度由此起算", &g.GoLiveOn),
			e.text("scope", "运行范围", "哪些单位、多少用户在使用，上线了哪些功能", &g.Scope, true),
			le.contact(&g.Contact))
	case f.Adjustment != nil:
		le.buildAdjustment(projectField)
	case f.AcceptanceFiling != nil:
		a := f.AcceptanceFiling
		e.addSection("验收后备案", []string{"project_id", "project_name", "unit_name", "approval_ref", "accepted_on", "conclusion", "filed_on", "contact"},
			projectField,
			e.text("project_name", "项目名称", "", &a.ProjectName, false),
			e.text("unit_name", "建设单位", "", &a.UnitName, false),
			e.text("approval_ref", "立项批复文号", "", &a.ApprovalRef, false),
			e.date("accepted_on", "验收通过日期", "验收报告落款日期，如 2027-12-20；备案时限由此起算", &a.AcceptedOn),
			e.text("conclusion", "验收结论", "验收结论及专家意见摘要", &a.Conclusion, true),
			e.date("filed_on", "报送日期", "", &a.FiledOn),
			le.contact(&a.Contact))
	case f.OMFiling != nil:
		o := f.OMFiling
		e.addSection("运维备案", []string{"project_id", "project_name", "unit_name", "year", "go_live_on", "provider", "amount", "situation", "plan", "contact"},
			projectField,
			e.text("project_name", "项目名称", "", &o.ProjectName, false),
			e.text("unit_name", "建设单位", "", &o.UnitName, false),
			e.number("year", "运维年度", "四位年份，如 2027", &o.Year),
			e.date("go_live_on", "投入运行日期", "", &o.GoLiveOn),
			e.text("provider", "运维服务单位", "自行运维的填本单位名称", &o.Provider, false),
			e.money("amount", "本年度运维经费（万元）", "", &o.Amount),
			e.text("situation", "运行维护情况", "运行是否稳定、故障及处理、安全事件、数据更新", &o.Situation, true),
			e.text("plan", "下一年度运维计划", "", &o.Plan, true),
			le.contact(&o.Contact))
	case f.Performance != nil:
		p := f.Performance
		e.addSection("绩效评价", []string{"project_id", "type", "project_name", "unit_name", "year", "period_start", "period_end", "go_live_on", "accepted_on", "filed_on", "contact"},
			projectField,
			le.typeField("报告类型", func() string { return string(p.Type) }, func(c string) { p.Type = app.PerformanceType(c) }),
			e.text("project_name", "项目名称", "", &p.ProjectName, false),
			e.text("unit_name", "建设单位", "", &p.UnitName, false),
			e.number("year", "评价年度", "年度绩效评价报告填报告所属年度", &p.Year),
			sideBySide(2,
				e.text("period_start", "建设周期开始", "如 2027-01", &p.PeriodStart, false),
				e.text("period_end", "建设周期结束", "如 2028-12", &p.PeriodEnd, false)),
			sideBySide(2,
				e.date("go_live_on", "投入运行日期", "", &p.GoLiveOn),
				e.date("accepted_on", "验收通过日期", "", &p.AcceptedOn)),
			e.date("filed_on", "报送日期", "", &p.FiledOn),
			le.contact(&p.Contact))
		e.addSection("评价内容", []string{"goals", "progress", "investment", "effect", "opinions", "conclusion"},
			e.text("goals", "绩效目标完成情况", "对照申报的绩效目标及指标逐项说明", &p.Goals, true),
			e.text("progress", "建设进度", "", &p.Progress, true),
			e.text("investment", "投资计划执行情况", "", &p.Investment, true),
			e.text("effect", "应用效果", "系统使用、数据共享、运行质效", &p.Effect, true),
			e.text("opinions", "使用单位和监理单位意见", "", &p.Opinions, true),
			e.text("conclusion", "评价结论及整改措施", "", &p.Conclusion, true))
	}
	e.addSection("附件", []string{"attachments"}, e.attachments())
	e.rebuildAttachments()
	return le
}

// contact edits a filing's contact person and phone.
func (le *lifecycleEditor) contact(c *app.Contact) fyne.CanvasObject {
	return sideBySide(2,
		le.e.text("contact.person", "联系人", "", &c.Person, false),
		le.e.phone("contact.phone", "联系电话", "手机号或带区号的座机号", &c.Phone))
}

// readDeclaration takes the project's declaration as the editor holds it
// (projectFiling), for the rules that depend on it.
func (le *lifecycleEditor) readDeclaration() {
	le.decl, le.declHistory = nil, nil
	if d := le.e.projectFiling(); d != nil {
		le.decl, le.declHistory = d.Declaration, d.History
	}
	if le.typeSel != nil {
		le.fillTypes()
	}
}

// buildAdjustment lays out an adjustment: its facts, the situation the
// profile lists, and the approved and adjusted budget lines.
func (le *lifecycleEditor) buildAdjustment(projectField fyne.CanvasObject) {
	e := le.e
	a := e.f.Adjustment
	le.adj = a
	le.beforeBox, le.afterBox, le.compare, le.conditions = container.NewVBox(), container.NewVBox(), container.NewVBox(), container.NewVBox()
	le.moved = &paragraph{TextStyle: fyne.TextStyle{Bold: true}}
	le.route = &paragraph{}
	typeField := le.typeField("调整类型", func() string { return string(a.Type) }, func(c string) { a.Type = app.AdjustType(c) })
	le.situation = &widget.Select{PlaceHolder: T("不属所列情形（按重新报批处理）")}
	le.situation.ExtendBaseWidget(le.situation)
	le.situation.OnChanged = func(string) {
		i := le.situation.SelectedIndex()
		if i < 0 || i >= len(le.situationCodes) || le.situationCodes[i] == a.Situation {
			return
		}
		a.Situation = le.situationCodes[i]
		e.edited()
	}
	e.inputs = append(e.inputs, le.situation)
	e.targets["situation"] = le.situation
	le.fillSituations()
	le.goal = e.check("goal_unchanged", "建设目标不变", &a.GoalUnchanged)
	le.situ = e.field("situation", "所属情形", "本地区规则列出的可自行调整情形", le.situation)
	le.due = e.date("new_due_on", "预计交付日期（逾期交付）", "如 2028-03-31", &a.NewDueOn)
	le.end = e.date("terminated_on", "合同终止日期（项目终止）", "如 2028-03-31", &a.TerminatedOn)
	le.dates = sideBySide(2, le.due, le.end)
	e.addSection("调整事项", []string{"project_id", "project_name", "unit_name", "approval_ref", "type", "reason", "goal_unchanged", "situation", "new_due_on", "terminated_on", "applied_on", "contact"},
		projectField,
		e.text("project_name", "项目名称", "", &a.ProjectName, false),
		e.text("unit_name", "建设单位", "", &a.UnitName, false),
		e.text("approval_ref", "原立项批复文号", "", &a.ApprovalRef, false),
		typeField,
		e.text("reason", "调整原因及依据", "上级要求、政策调整、业务发展需要等", &a.Reason, true),
		le.goal,
		le.situ,
		le.dates,
		e.date("applied_on", "报送日期", "", &a.AppliedOn),
		le.contact(&a.Contact))
	le.budget = container.NewVBox(
		e.money("approved_total", "批复概算总投资（万元）", "核定投资；调整数额占它的比例决定能否自行调整", &a.ApprovedTotal),
		e.field("before", "原批复概算明细", "按批复逐项填写，合计须等于批复概算总投资",
			container.NewVBox(le.beforeBox, container.NewHBox(e.addRowButton("添加一行", le.beforeBox, func() { le.addLine(&a.Before) })))),
		e.field("after", "调整后概算明细", "删去的分项不必列出；新增的分项加一行",
			container.NewVBox(le.afterBox, container.NewHBox(e.addRowButton("添加一行", le.afterBox, func() { le.addLine(&a.After) })))),
		heading(T("调整前后对照")),
		le.compare)
	le.noBudget = note(T("逾期交付、项目终止不调整概算，本部分不必填写；如同时调整概算，请把调整类型选为“项目调整”或“重大变更”。"))
	e.addSection("概算调整", []string{"approved_total", "before", "after"}, le.noBudget, le.budget)
	le.typeSections = []*fyne.Container{e.sections[len(e.sections)-2].content, e.sections[len(e.sections)-1].content, le.dates}
	le.rebuildLines()
	le.typeShown()
}

// typeShown shows the fields the adjustment's type asks for
// (app.Adjustment.MovesMoney, AsksGoal): a 逾期交付 its new date, a 终止
// its end; 建设目标不变, 所属情形 and the budget lines where the type is
// about money. A field already filled in stays shown, so that nothing
// typed is out of sight; with no type chosen, everything is.
func (le *lifecycleEditor) typeShown() {
	a := le.adj
	none := a.Type == ""
	// A 项目调整 and a 重大变更 ask for the lines even while empty (the
	// section went away as a clerk cleared the estimate to retype it), and
	// a problem on them keeps them in sight (found in review).
	money := a.Type == app.AdjustMajorChange || a.MovesMoney() || // MovesMoney: every 项目调整, and one of no type yet
		slices.ContainsFunc(le.e.problems, func(p app.FieldError) bool {
			return p.Field == "approved_total" || strings.HasPrefix(p.Field, "before") || strings.HasPrefix(p.Field, "after")
		})
	changed := false
	for _, o := range []struct {
		obj   fyne.CanvasObject
		shown bool
	}{
		{le.goal, none || a.AsksGoal()},
		{le.situ, none || len(le.situationCodes) > 1 || a.Situation != ""},
		{le.due, none || a.Type == app.AdjustOverdue || a.NewDueOn != ""},
		{le.end, none || a.Type == app.AdjustTerminate || a.TerminatedOn != ""},
		{le.budget, money},
		{le.noBudget, !money},
	} {
		if o.obj.Visible() != o.shown {
			changed = true
			if o.shown {
				o.obj.Show()
			} else {
				o.obj.Hide()
			}
		}
	}
	if changed {
		for _, c := range le.typeSections {
			c.Refresh()
		}
	}
}

// choiceLabels names choices as a list does: 重大变更、逾期交付.
func choiceLabels(cs []app.Choice) string {
	s := make([]string, len(cs))
	for i, c := range cs {
		s[i] = T(c.Label)
	}
	return strings.Join(s, T("、"))
}

// typeField is the drop-down of the filing's type (an adjustment's, a
// performance report's), reading it with get and changing it with set.
func (le *lifecycleEditor) typeField(label string, get func() string, set func(string)) fyne.CanvasObject {
	le.typeGet, le.typeSet = get, set
	le.typeSel = &widget.Select{}
	le.typeSel.ExtendBaseWidget(le.typeSel)
	le.typeSel.OnChanged = func(string) {
		i := le.typeSel.SelectedIndex()
		if i < 0 || i >= len(le.types) || le.types[i].Code == get() {
			return
		}
		set(le.types[i].Code)
		le.e.edited()
	}
	le.fillTypes()
	return le.e.field("type", label, "", le.typeSel)
}

// fillTypes offers the types the profile takes of the project
// (app.Profile.TypesFor), and the type chosen even when it does not take
// it, so that the choice stays in sight with its problem. When the project
// is taken for none, the profile's types stay offered and the placeholder
// says so; the side panel says why (showAdjustment, ruleText). 郁南's
// 公共类 project was offered 项目终止, and 天宁's every project a
// 年度绩效评价报告, which the rules do not take.
func (le *lifecycleEditor) fillTypes() {
	k, cur := le.e.f.Kind, le.typeGet()
	le.listedFor, le.listedType, le.listedForProject = le.e.prof, cur, le.decl
	all := app.TypeChoices(k)
	le.types = all
	le.typeSel.PlaceHolder = T("请选择")
	if prof := le.e.prof; prof != nil {
		le.types = prof.TypesFor(k, le.decl)
		if len(le.types) == 0 {
			le.types = prof.TypesFor(k, nil)
			le.typeSel.PlaceHolder = T("本地区规则未规定本项目报送此类材料（见右侧说明）")
		}
		if cur != "" && !slices.ContainsFunc(le.types, func(c app.Choice) bool { return c.Code == cur }) {
			le.types = slices.DeleteFunc(slices.Clone(all), func(c app.Choice) bool {
				return c.Code != cur && !slices.Contains(le.types, c)
			})
		}
	}
	opts := make([]string, len(le.types))
	for i, c := range le.types {
		opts[i] = T(c.Label)
	}
	le.typeSel.Options = opts
	le.typeSel.Selected = ""
	if cur != "" {
		le.typeSel.Selected = T(app.LabelOf(all, cur))
	}
	le.typeSel.Refresh()
}

// typesStale reports whether the type list was filled for another
// profile, project or type than the editor's now: a profile that arrived
// or changed since (the list offered 武汉's types under 郁南's rules; found
// in review), or a type set other than through the list.
func (le *lifecycleEditor) typesStale() bool {
	return le.typeSel != nil && (le.listedFor != le.e.prof || le.listedType != le.typeGet() || le.listedForProject != le.decl)
}

// fillSituations offers the situations of the profile's self-adjustment
// for the adjustment's type, "" (none applies) first.
func (le *lifecycleEditor) fillSituations() {
	a := le.adj
	le.situationCodes = []string{""}
	opts := []string{T("不属所列情形（按重新报批处理）")}
	if le.e.prof != nil {
		if rules := le.e.prof.LifecycleRules(app.KindAdjustment, string(a.Type), le.decl); len(rules) > 0 && rules[0].SelfAdjust != nil {
			for _, s := range rules[0].SelfAdjust.Situations {
				le.situationCodes = append(le.situationCodes, s.Code)
				opts = append(opts, T(s.Label))
			}
		}
	}
	le.situation.Options = opts
	le.situation.Selected = ""
	for i, c := range le.situationCodes {
		if c == a.Situation && (c != "" || i == 0) {
			le.situation.Selected = opts[i]
		}
	}
	if a.Situation != "" && le.situation.Selected == "" {
		le.situation.Selected = a.Situation
	}
	le.situation.Refresh()
	le.lastType, le.situationsFor = string(a.Type), le.e.prof
}

func (le *lifecycleEditor) addLine(lines *[]app.BudgetItem) {
	*lines = append(*lines, app.BudgetItem{})
	le.rebuildLines()
	le.e.edited()
}

// rebuildLines builds one row per budget line of either side: category,
// name, amount.
func (le *lifecycleEditor) rebuildLines() {
	a := le.adj
	for _, side := range []struct {
		root  string
		lines *[]app.BudgetItem
		box   *fyne.Container
	}{{"before", &a.Before, le.beforeBox}, {"after", &a.After, le.afterBox}} {
		e := le.e
		e.forgetRows(side.root)
		side.box.RemoveAll()
		for i := range *side.lines {
			item := &(*side.lines)[i]
			path := fmt.Sprintf("%s[%d]", side.root, i)
			cat := e.choiceSelect(app.BudgetChoices, func() string { return string(item.Category) },
				func(c string) { item.Category = app.BudgetCategory(c) })
			name := &widget.Entry{Text: item.Name, PlaceHolder: T("如 平台软件开发")}
			name.OnChanged = func(s string) { item.Name = s; e.edited() }
			amount := e.moneyEntry(path+".amount", &item.Amount)
			e.inputs = append(e.inputs, cat, name, amount)
			msg := e.rowMessage(path, cat) // a row's problem (an empty row) starts at its first cell
			e.msgs[path+".amount"] = msg
			e.targets[path+".amount"] = amount
			e.targets[path+".category"] = cat
			e.targets[path+".name"] = name
			lines := side.lines
			del := e.removeButton("预算明细", side.box, i, func() {
				*lines = append((*lines)[:i], (*lines)[i+1:]...)
				e.dropRow(side.root, i)
				le.rebuildLines()
				e.edited()
			})
			side.box.Add(container.NewVBox(container.NewBorder(nil, nil, nil, del, container.NewGridWithColumns(3, cat, name, amount)), msg))
		}
		if len(*side.lines) == 0 {
			side.box.Add(note(T("还没有明细。")))
		}
		side.box.Refresh()
	}
}

// showAdjustment shows the lines old and new side by side, the money
// moved, its share of the approved estimate and the route that follows.
func (le *lifecycleEditor) showAdjustment() {
	a := le.adj
	// A profile that arrived or changed since asks for the situations
	// again, as for the types (changed).
	if string(a.Type) != le.lastType || le.situationsFor != le.e.prof {
		le.fillSituations()
	}
	le.typeShown()
	le.compare.RemoveAll()
	cell := func(s string, imp widget.Importance) *widget.Label {
		return &widget.Label{Text: s, Importance: imp, Truncation: fyne.TextTruncateEllipsis}
	}
	le.compare.Add(container.NewGridWithColumns(4, cell(T("分项"), widget.LowImportance), cell(T("原批复（万元）"), widget.LowImportance),
		cell(T("调整后（万元）"), widget.LowImportance), cell(T("增减（万元）"), widget.LowImportance)))
	for _, c := range a.Changes() {
		imp := widget.MediumImportance
		delta := c.Delta().WanString()
		switch {
		case c.Delta() > 0:
			imp, delta = widget.WarningImportance, "+"+delta
		case c.Delta() < 0:
			imp = widget.WarningImportance
		}
		name := T(app.LabelOf(app.BudgetChoices, string(c.Category)))
		if c.Name != "" {
			name += "：" + c.Name
		}
		le.compare.Add(container.NewGridWithColumns(4, cell(name, widget.MediumImportance), cell(c.Before.WanString(), widget.MediumImportance),
			cell(c.After.WanString(), widget.MediumImportance), cell(delta, imp)))
	}
	le.compare.Add(container.NewGridWithColumns(4, cell(T("合计"), widget.MediumImportance), cell(a.BeforeSum().WanString(), widget.MediumImportance),
		cell(a.AfterSum().WanString(), widget.MediumImportance), cell("", widget.MediumImportance)))
	le.compare.Refresh()

	unreadable := le.e.unreadable("before[") || le.e.unreadable("after[") || le.e.unreadable("approved_total")
	if unreadable {
		le.moved.Importance = widget.DangerImportance
		le.moved.SetText(T("有金额不是有效数字（见红字），改正后再计算调整数额"))
	} else {
		text := Tf("资金调整数额 %s，占批复概算 %s", a.Moved(), app.PercentText(a.MovedBasisPoints()))
		le.moved.Importance = widget.MediumImportance
		le.moved.SetText(text)
	}
	// not of a 逾期交付 or 终止 (MovesMoney): it read 资金调整数额 0 万元
	// beside them (seen in the real window)
	// nor of an adjustment of no type the project's rules take none of
	// (a 郁南 公共类 project): 资金调整数额 0 万元 stood over why (seen in the
	// real window)
	takesNone := a.Type == "" && le.e.prof != nil && len(le.e.prof.AdjustTypes(le.decl)) == 0
	if shown := unreadable || a.MovesMoney() && !takesNone; shown != le.moved.Visible() {
		if shown {
			le.moved.Show()
		} else {
			le.moved.Hide()
		}
		if le.sideBox != nil {
			le.sideBox.Refresh()
		}
	}
	le.conditions.RemoveAll()
	if le.e.prof == nil {
		le.route.SetText(T("尚未取得本地区规则，联网后显示调整路径。"))
		return
	}
	if a.Type == "" {
		// not "the rules have no such filing": the clerk has not chosen
		// yet. Which types the project may file, or why it may file none
		// (郁南 第二十条 is for 专业类 projects).
		le.route.Importance = widget.WarningImportance
		if err := le.e.prof.TakesAdjustment("", le.decl); err != nil {
			le.route.SetText(problemText(err))
		} else {
			le.route.SetText(Tf("请先选择调整类型：本项目可报送%s，选定后显示调整路径。", choiceLabels(le.e.prof.AdjustTypes(le.decl))))
		}
		return
	}
	v, err := le.e.prof.AdjustmentRoute(a, le.decl)
	if err != nil {
		le.route.Importance = widget.DangerImportance
		le.route.SetText(problemText(err))
		return
	}
	route := T(v.Route.Label)
	if v.Route.Approver != "" {
		route += Tf("（%s）", v.Route.Approver)
	}
	if v.Self {
		le.route.Importance = widget.SuccessImportance
		le.route.SetText(T("可自行调整并备案：") + route)
	} else {
		le.route.Importance = widget.WarningImportance
		le.route.SetText(T("调整路径：") + route)
	}
	if v.LimitBP > 0 {
		le.moved.SetText(le.moved.Text + fmt.Sprintf(T("（自行调整上限 %s）"), app.PercentText(v.LimitBP)))
	}
	for _, c := range v.Conditions {
		mark, imp := "✓ ", widget.SuccessImportance
		if !c.Met {
			mark, imp = "× ", widget.DangerImportance
		}
		le.conditions.Add(&paragraph{Text: mark + Tf(c.Format, c.Args...), Importance: imp})
	}
	if v.Route.Source != "" {
		le.conditions.Add(note(T(v.Route.Source)))
	}
	le.conditions.Refresh()
}

// side shows the profile's rule; for an adjustment, the money moved and
// the route with the conditions of a self-adjustment, each met or not.
func (le *lifecycleEditor) side() fyne.CanvasObject {
	if le.adj != nil {
		le.sideBox = container.NewVBox(heading(T("调整路径")), le.moved, le.route, le.conditions)
		return le.sideBox
	}
	return container.NewVBox(heading(T("本地区规则")), le.rule, le.pending)
}

// pendingText returns what a 验收后备案 says while the project's acceptance
// application is still with the bureau (sent, not yet decided), as the
// editor's copy of the project's applications (siblings) has it; "" when
// none is, or a problem already names the application (acceptance_id:
// app.CheckAcceptanceReviewed). The bureau takes such a 备案 and its
// reviewer is told; the clerk sent it without a word (found in review).
func (le *lifecycleEditor) pendingText(problems []app.FieldError) string {
	e := le.e
	if e.f.AcceptanceFiling == nil || e.siblingsFor != e.f.ProjectID || slices.ContainsFunc(problems, func(p app.FieldError) bool { return p.Field == "acceptance_id" }) {
		return ""
	}
	for _, a := range e.siblings {
		if !a.Status.UnderReview() {
			continue
		}
		sent := app.FirstSubmission(a.History).In(app.Beijing).Format(time.DateOnly)
		return "⚠ " + Tf("本项目的%s（%s 报送）现为“%s”，尚未%s：请待%s作出决定后再报送本备案。", e.prof.KindName(app.KindAcceptance), sent,
			e.prof.StatusLabel(a.Status, app.KindAcceptance), e.prof.ActionLabel(app.ActionApprove, app.KindAcceptance), e.prof.BureauShort())
	}
	return ""
}

// changed checks the filing against the project's declaration, as the
// bureau will, and shows the rule and, for an adjustment, its route.
func (le *lifecycleEditor) changed(now time.Time) {
	e := le.e
	if le.typesStale() {
		le.fillTypes()
	}
	p := e.bureauChecks() // changedView's, which this replaces; first, as there
	for path, raw := range e.f.Unparsed {
		p.AddUnparsed(e.f.Kind, path, raw)
	}
	p = append(p, app.FieldErrors(app.CheckProjectBody(e.f.Body(), e.prof, le.decl, now))...)
	p = append(p, app.CheckApprovedTotal(e.f.Body(), le.decl, le.declHistory)...)
	if af := e.f.AcceptanceFiling; af != nil {
		if le.accID != af.AcceptanceID {
			le.acc = nil
			if af.AcceptanceID != "" {
				le.acc, _ = e.u.store.Get(e.u.ctx, af.AcceptanceID) // once per link, as the declaration is read
			}
			le.accID = af.AcceptanceID
		}
		p = append(p, app.CheckAcceptanceReviewed(e.f.Body(), le.acc, e.prof, le.decl)...)
		p = append(p, app.CheckAcceptedOn(e.f.Body(), le.acc, e.prof, le.decl)...)
	}
	e.problems = p
	if le.adj != nil {
		le.showAdjustment() // its route panel stands for the rule's
	} else {
		le.rule.SetText(le.ruleText())
		if t := le.pendingText(p); t != le.pending.Text {
			le.pending.Text = t
			le.pending.Refresh()
		}
		if le.pending.Text == "" {
			le.pending.Hide()
		} else {
			le.pending.Show()
		}
	}
}

// ruleText names the profile's rule that asks for this filing.
func (le *lifecycleEditor) ruleText() string {
	prof := le.e.prof
	if prof == nil {
		return T("尚未取得本地区规则，联网后按规则检查。")
	}
	rules := prof.LifecycleRules(le.e.f.Kind, le.typ(), le.decl)
	if len(rules) == 0 {
		// which types the project may file, or why none: the rules quoted
		// (app.Profile.Takes), as for an adjustment (showAdjustment)
		err := prof.Takes(le.e.f.Kind, le.typ(), le.decl)
		if err == nil {
			return Tf("请先选择报告类型：本项目可报送%s。", choiceLabels(prof.TypesFor(le.e.f.Kind, le.decl)))
		}
		return problemText(err)
	}
	var b strings.Builder
	for i, r := range rules {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(T(r.Label))
		if r.Source != "" {
			b.WriteString(Tf("（%s）", r.Source))
		}
		if r.Addition && !strings.Contains(r.Source, "本局补充要求") { // a source that says so already needs no second note
			b.WriteString(Tf("（%s）", app.AdditionNote))
		}
	}
	if le.decl == nil {
		b.WriteString("\n" + T("所属项目的申报书不在本机：按本类材料的一般要求检查。"))
	}
	return b.String()
}

func (le *lifecycleEditor) reveal(string) {}

func (le *lifecycleEditor) attached() { le.e.rebuildAttachments() }

// material proposes the first material the filing's rule asks for that no
// attachment is yet: five files attached to a 验收后备案 (评审意见, 招标文件,
// 中标书, 合同, 验收报告) each came up as 请选择, to be picked from the whole
// list of materials (found in a 天宁 walkthrough).
func (le *lifecycleEditor) material() string {
	prof := le.e.prof
	if prof == nil {
		return ""
	}
	rules := prof.LifecycleRules(le.e.f.Kind, le.typ(), le.decl)
	if len(rules) == 0 {
		return ""
	}
	for _, code := range prof.FilingMaterials(&rules[0]) {
		if !slices.ContainsFunc(le.e.f.Attachments, func(a app.Attachment) bool { return a.Material == code }) {
			return code
		}
	}
	return ""
}

// typ is the type of the filing its rules are chosen by (an adjustment's,
// a performance report's), "" for the other kinds.
func (le *lifecycleEditor) typ() string { return le.e.f.Type() }

func (le *lifecycleEditor) confirmation() string {
	if le.adj == nil || le.e.prof == nil {
		return ""
	}
	if v, err := le.e.prof.AdjustmentRoute(le.adj, le.decl); err == nil && !v.Self {
		return T("按本地区规则，这项调整须重新报批，不能自行调整。") + "\n"
	}
	return ""
}
