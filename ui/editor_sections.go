package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"egovdesk/app"
)

// buildSections builds every section of the declaration, in the order of
// the regulations' declaration forms.
func (e *editorScreen) buildSections() {
	d := e.decl()
	add := func(title string, roots []string, objs ...fyne.CanvasObject) {
		e.sections = append(e.sections, &section{title: title, roots: roots, content: container.NewVBox(objs...)})
	}
	add("基本信息", []string{"plan_year", "project_name", "unit_name", "unit_type", "unit_credit_code", "supervising_dept", "region_code", "contact"},
		e.number("plan_year", "申报年度", "项目计划实施的年度，如 2027", &d.PlanYear),
		e.text("project_name", "项目名称", "不超过 100 个字，如“××镇智慧社区管理平台”", &d.ProjectName, false),
		e.text("unit_name", "项目建设单位", "", &d.UnitName, false),
		e.choice("unit_type", "建设单位类型", "学校、医疗机构的项目，有的地区由行业主管部门审批", app.UnitTypeChoices,
			func() string { return string(d.UnitType) }, func(c string) { d.UnitType = app.UnitType(c) }),
		e.code("unit_credit_code", "统一社会信用代码", "18 位，见单位法人证书", &d.UnitCreditCode),
		e.text("supervising_dept", "主管部门", "", &d.SupervisingDept, false),
		e.code("region_code", "行政区划代码", "6 位数字：本单位所在县（市、区）的行政区划代码", &d.RegionCode),
		e.text("contact.leader", "项目负责人", "", &d.Contact.Leader, false),
		e.text("contact.person", "联系人", "", &d.Contact.Person, false),
		e.phone("contact.phone", "联系电话", "手机号或带区号的座机号", &d.Contact.Phone),
	)
	// What the two classes are, and whether the rules in force tell them
	// apart (only 郁南's do: its hint spoke of different flows under 霍邱's
	// too; a 霍邱 walkthrough).
	classHint := "公共类为基础设施、公共支撑平台、通用软件等共用服务，专业类为本单位的业务系统" // no rules known yet
	switch {
	case e.prof != nil && e.prof.Reads("class"):
		classHint = "公共类为基础设施、公共支撑平台、通用软件等共用服务，专业类为本单位的业务系统；两类的审批流程不同"
	case e.prof != nil:
		classHint = "公共类为基础设施、公共支撑平台、通用软件等共用服务，专业类为本单位的业务系统；本辖区审批不按类别区分"
	}
	nature := []fyne.CanvasObject{
		e.choice("nature", "建设性质", "", app.NatureChoices, func() string { return string(d.Nature) }, func(c string) { d.Nature = app.Nature(c) }),
		e.serviceTypes(),
		e.choice("class", "项目类别", classHint, app.ClassChoices, func() string { return string(d.Class) }, func(c string) { d.Class = app.Class(c) }),
		e.choice("plan", "是否列入年度计划", "", app.PlanChoices, func() string { return string(d.Plan) }, func(c string) { d.Plan = app.PlanStatus(c) }),
		e.text("plan_basis", "规划依据", "上级文件、会议纪要或领导批示；申请补充列入的紧急项目必填", &d.PlanBasis, true),
		e.month("period_start", "建设周期开始", "年月，如 2027-03", &d.PeriodStart),
		e.month("period_end", "建设周期结束", "年月，如 2027-12", &d.PeriodEnd),
	}
	// Only where a rule reads it (天宁's 不予审核 hold 除法律法规明确规定外),
	// or where it was written under such a profile: elsewhere it would ask
	// every clerk about an exception no rule of theirs has.
	if e.prof.Reads("legal_exception") || d.LegalException != "" {
		nature = append(nature, e.text("legal_exception", "法律法规另有规定的依据",
			"法律法规对本项目另有明确规定、不适用“不予审核”情形的，写明法律法规名称及条款，并在附件中附上依据；没有的留空", &d.LegalException, true))
	}
	// 武汉 第九条: built with a fixed-asset investment project, it is
	// managed as one (基本建设项目管理).
	if e.prof.Reads("capital_project") || d.CapitalProject {
		nature = append(nature, e.check("capital_project", "信息化硬件、专用设备或成套软件与固定资产投资项目（如新建办公楼、场馆）同步设计、同步施工", &d.CapitalProject))
	}
	add("性质与类别", []string{"nature", "service_types", "class", "plan", "plan_basis", "period_start", "period_end", "legal_exception", "capital_project"}, nature...)
	e.moduleBox = container.NewVBox()
	add("建设目标与内容", []string{"goals", "indicators", "content", "modules", "current_state", "integrated"},
		e.text("goals", "建设目标", "", &d.Goals, true),
		e.text("indicators", "绩效目标及指标", "", &d.Indicators, true),
		e.text("content", "建设内容", "", &d.Content, true),
		e.table("modules", "功能模块", e.moduleBox, "添加功能模块", e.addModule),
		e.text("current_state", "现有系统与整合情况", "", &d.CurrentState, true),
		e.check("integrated", "已完成本单位现有信息系统整合", &d.Integrated),
	)
	add("数据资源", []string{"data_resources", "sharing_analysis", "shares_data"},
		e.text("data_resources", "数据资源情况", "产生和使用哪些数据、向谁共享", &d.DataResources, true),
		e.text("sharing_analysis", "信息资源共享分析", "共享的数据、方式与对象", &d.SharingAnalysis, true),
		e.check("shares_data", "接入政务数据共享交换平台，提供数据共享", &d.SharesData),
	)
	add("安全", []string{"security"},
		e.level("security.level", "等级保护级别", "", &d.Security.Level),
		e.text("security.plan", "安全保障方案", "技术与管理措施；安全与系统同步规划、同步建设、同步使用", &d.Security.Plan, true),
		e.check("security.assess", "拟开展等保测评或安全风险评估", &d.Security.Assess),
	)
	add("密码应用方案", []string{"crypto"},
		e.level("crypto.level", "密码应用等级", "", &d.Crypto.Level),
		e.text("crypto.summary", "密码应用方案摘要", "算法、密钥管理、密码产品", &d.Crypto.Summary, true),
		e.check("crypto.review", "已（拟）报密码管理部门审核", &d.Crypto.Review),
	)
	deployHint := "部署在哪里以本辖区规则为准（见右侧）；未按要求部署的，在下方说明理由"
	if e.prof != nil && !e.prof.ReasonLiftsDeployment(e.u.now()) {
		deployHint = "部署在哪里以本辖区规则为准（见右侧）：不按要求部署的不予审批，写明理由也不能提交"
	}
	add("部署", []string{"deployment"},
		e.choice("deployment.mode", "部署方式", deployHint, app.DeployChoices,
			func() string { return string(d.Deployment.Mode) }, func(c string) { d.Deployment.Mode = app.DeployMode(c) }),
		e.text("deployment.explanation", "未按要求部署的理由（情况说明）", "", &d.Deployment.Explanation, true),
		e.text("deployment.resources", "资源需求", "CPU、内存、存储、带宽", &d.Deployment.Resources, true),
	)
	add("信创", []string{"xinchuang"},
		e.check("xinchuang.supported", "支持国产化（信创）软硬件", &d.Xinchuang.Supported),
		e.text("xinchuang.notes", "适配说明", "操作系统、数据库、中间件、CPU", &d.Xinchuang.Notes, true),
	)
	add("运维", []string{"om_plan", "om_annual"},
		e.text("om_plan", "运维方案", "运维范围、服务级别、费用来源", &d.OMPlan, true),
		e.money("om_annual", "年运行维护经费（万元）", "", &d.OMAnnual),
	)
	e.scheduleBox = container.NewVBox()
	add("进度", []string{"schedule"},
		e.table("schedule", "进度安排", e.scheduleBox, "添加进度节点", e.addMilestone),
	)
	add("投资", []string{"total_investment", "year_amount", "budget", "funding"}, e.investment()...)
	e.attachBox = container.NewVBox()
	add("附件", []string{"attachments"}, e.attachments())
	e.checksBox = container.NewVBox()
	checks := []fyne.CanvasObject{e.checksBox, e.rowMessage("confirmations", e.checksBox)}
	if r := e.remarkLine("confirmations"); r != nil { // a reviewer's 请确认…
		checks = append(checks, r)
	}
	add("确认事项", []string{"confirmations"}, checks...)
	e.rebuildModules()
	e.rebuildSchedule()
	e.rebuildBudget()
	e.rebuildFunding()
	e.rebuildAttachments()
}

// table lays out a table of rows with its add button.
func (e *editorScreen) table(path, label string, rows *fyne.Container, addText string, add func()) fyne.CanvasObject {
	return e.field(path, label, "", container.NewVBox(rows, container.NewHBox(e.addRowButton(addText, rows, add))))
}

// serviceTypes edits the service types with one box each.
func (e *editorScreen) serviceTypes() fyne.CanvasObject {
	g := checkGroup(app.ServiceTypeChoices, &e.decl().ServiceTypes, e.edited)
	return e.field("service_types", "服务类型", "可多选", g)
}

func (e *editorScreen) addModule() {
	e.decl().Modules = append(e.decl().Modules, app.Module{})
	e.added(fmt.Sprintf("modules[%d]", len(e.decl().Modules)-1))
	e.rebuildModules()
	e.edited()
	e.focusTarget(fmt.Sprintf("modules[%d]", len(e.decl().Modules)-1))
}

func (e *editorScreen) rebuildModules() {
	d := e.decl()
	e.forgetRows("modules")
	e.moduleBox.RemoveAll()
	for i := range d.Modules {
		m := &d.Modules[i]
		name := &widget.Entry{Text: m.Name, PlaceHolder: T("模块名称")}
		desc := &widget.Entry{Text: m.Description, PlaceHolder: T("功能说明")}
		name.OnChanged = func(s string) { m.Name = s; e.edited() }
		desc.OnChanged = func(s string) { m.Description = s; e.edited() }
		e.inputs = append(e.inputs, name, desc)
		path := fmt.Sprintf("modules[%d]", i)
		msg := e.rowMessage(path, name)
		del := e.removeButton("功能模块", e.moduleBox, i, func() {
			d.Modules = append(d.Modules[:i], d.Modules[i+1:]...)
			e.rebuildModules()
			e.edited()
		})
		e.moduleBox.Add(container.NewVBox(container.NewBorder(nil, nil, nil, del, container.NewGridWithColumns(2, name, desc)), msg))
	}
	e.moduleBox.Refresh()
}

func (e *editorScreen) addMilestone() {
	e.decl().Schedule = append(e.decl().Schedule, app.Milestone{})
	e.added(fmt.Sprintf("schedule[%d]", len(e.decl().Schedule)-1))
	e.rebuildSchedule()
	e.edited()
	e.focusTarget(fmt.Sprintf("schedule[%d]", len(e.decl().Schedule)-1))
}

func (e *editorScreen) rebuildSchedule() {
	d := e.decl()
	e.forgetRows("schedule")
	e.scheduleBox.RemoveAll()
	for i := range d.Schedule {
		m := &d.Schedule[i]
		name := &widget.Entry{Text: m.Name, PlaceHolder: T("节点，如 招标采购")}
		due := &widget.Entry{Text: m.Due, PlaceHolder: T("年月，如 2027-06")}
		name.OnChanged = func(s string) { m.Name = s; e.edited() }
		due.OnChanged = func(s string) { m.Due = s; e.edited() }
		e.readAs(due, app.NormalizeYearMonth)
		e.inputs = append(e.inputs, name, due)
		path := fmt.Sprintf("schedule[%d]", i)
		msg := e.rowMessage(path, name)
		del := e.removeButton("进度节点", e.scheduleBox, i, func() {
			d.Schedule = append(d.Schedule[:i], d.Schedule[i+1:]...)
			e.rebuildSchedule()
			e.edited()
		})
		e.scheduleBox.Add(container.NewVBox(container.NewBorder(nil, nil, nil, del, container.NewGridWithColumns(2, name, due)), msg))
	}
	e.scheduleBox.Refresh()
}

// syncChecklist shows one box per checklist item the profile asks for this
// declaration; items come and go with the declaration (a check may apply
// only above some investment).
func (e *editorScreen) syncChecklist() {
	if e.checksBox == nil {
		return
	}
	if e.prof == nil {
		if e.checkIDs != "none" {
			e.checkIDs = "none"
			e.checksBox.Objects = []fyne.CanvasObject{note(T("尚未选择所在地区的规则，无法列出须确认的事项。请在“设置”中连接数管局或选择所在地区。"))}
			e.checksBox.Refresh()
		}
		return
	}
	a := e.prof.EvaluateSent(e.decl(), e.u.now(), app.FirstSubmitted(e.f))
	ids := "list\n" // never "" (nothing shown yet) nor "none" (no profile)
	for _, c := range a.Checklist {
		ids += fmt.Sprintf("%s %v\n", c.ID, c.Waived)
	}
	if ids == e.checkIDs {
		return
	}
	e.checkIDs = ids
	e.checksBox.RemoveAll()
	if len(a.Checklist) > 0 {
		e.checksBox.Add(note(T("本地区规定申报前须确认以下事项。请逐项核实后勾选。")))
	}
	d := e.decl()
	for _, c := range a.Checklist {
		id := c.ID
		box := &widget.Check{Checked: c.Confirmed}
		box.ExtendBaseWidget(box)
		box.OnChanged = func(on bool) {
			d.Confirmations = removeString(d.Confirmations, id)
			if on {
				d.Confirmations = e.prof.OrderConfirmations(append(d.Confirmations, id))
			}
			e.edited()
		}
		if !e.editable {
			box.Disable()
		}
		e.inputs = append(e.inputs, box)
		e.targets["confirmations."+id] = box
		text := container.NewVBox(&paragraph{Text: T(c.Label)}, note(T(c.Source)))
		if c.Waived {
			text.Add(note(Tf("已写明“法律法规另有规定的依据”：这一项不勾选也可以提交，%s将核实所援引的规定是否适用。", e.prof.BureauShort())))
		}
		e.checksBox.Add(container.NewBorder(nil, nil, container.NewVBox(box), nil, text))
	}
	if len(a.Checklist) == 0 {
		e.checksBox.Add(note(T("本地区规则对本项目没有须确认的事项。")))
	}
}

func removeString(list []string, s string) []string {
	out := list[:0]
	for _, v := range list {
		if v != s {
			out = append(out, v)
		}
	}
	return out
}
