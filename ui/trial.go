package ui

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"egovdesk/app"
)

// trialEditor is the trial-operation report editor (试运行报告): its sections
// in the order of the report, and beside them how long the trial has run
// against the jurisdiction's minimum (TrialMinMonths), as the dates are
// typed. A trial too short to lead to an acceptance application blocks the
// submission.
type trialEditor struct {
	e *editorScreen
	t *app.TrialReport

	moduleBox, issueBox, opinionBox *fyne.Container
	period                          *paragraph
	duration                        *fyne.Container
}

func newTrialEditor(e *editorScreen) *trialEditor {
	te := &trialEditor{e: e, t: e.f.TrialReport,
		moduleBox: container.NewVBox(), issueBox: container.NewVBox(), opinionBox: container.NewVBox(),
		period: &paragraph{}, duration: container.NewVBox()}
	t := te.t
	project := e.filingSelect(app.KindDeclaration, e.f.ProjectID, te.onProject)
	e.targets["project_id"] = project
	e.addSection("基本信息", []string{"project_id", "project_name", "unit_name", "contractor", "supervisor", "scope"},
		e.field("project_id", "所属项目", "选择本单位的项目申报书", project),
		e.text("project_name", "项目名称", "", &t.ProjectName, false),
		e.text("unit_name", "建设单位", "", &t.UnitName, false),
		e.text("contractor", "承建单位", "", &t.Contractor, false),
		e.text("supervisor", "监理单位", "", &t.Supervisor, false),
		e.text("scope", "试运行范围", "试运行地点、使用单位和用户范围", &t.Scope, true),
	)
	e.addSection("试运行期", []string{"trial_start", "trial_end"},
		e.date("trial_start", "试运行开始日期", "如 2027-03-01", &t.TrialStart),
		e.date("trial_end", "试运行结束日期", "如 2027-04-01", &t.TrialEnd),
		te.period,
	)
	env := &t.Environment
	e.addSection("运行环境", []string{"environment"},
		e.text("environment.os", "操作系统及版本", "如 统信 UOS V20", &env.OS, false),
		e.text("environment.database", "数据库及版本", "如 达梦 DM8", &env.Database, false),
		e.text("environment.middleware", "中间件", "如 东方通 TongWeb", &env.Middleware, false),
		e.text("environment.versions", "系统及主要组件版本", "", &env.Versions, false),
		te.networks(),
		e.check("environment.xinchuang", "运行在信创（国产化）环境", &env.Xinchuang),
		e.text("environment.cloud", "云资源", "CPU、内存、存储、带宽", &env.Cloud, true),
	)
	e.addSection("功能对照", []string{"modules"},
		note(T("按合同功能清单逐项填写实现情况；部分实现或未实现须说明偏差。")),
		e.table("modules", "合同功能清单对照", te.moduleBox, "添加功能", te.onAddModule))
	fg := &t.Figures
	e.addSection("运行情况", []string{"figures"},
		sideBySide(2,
			e.count("figures.users", "用户数", "", &fg.Users),
			e.count("figures.active_users", "活跃用户数", "", &fg.ActiveUsers),
			e.count("figures.business_volume", "业务量", "办件量或访问量", &fg.BusinessVolume),
			e.text("figures.volume_unit", "业务量单位", "如 件、人次", &fg.VolumeUnit, false),
			e.percent("figures.availability", "可用率（%）", "", &fg.Availability),
			e.count("figures.faults", "故障次数", "", &fg.Faults),
			e.count("figures.downtime_minutes", "累计中断时长（分钟）", "", &fg.DowntimeMinutes),
			e.count("figures.api_calls", "数据共享接口调用量", "", &fg.APICalls)),
	)
	e.addSection("问题及处理", []string{"issues"},
		e.table("issues", "试运行发现的问题", te.issueBox, "添加问题", te.onAddIssue))
	pf := &t.Performance
	e.addSection("性能与稳定性", []string{"performance"},
		sideBySide(2,
			e.count("performance.concurrency", "并发用户数", "", &pf.Concurrency),
			e.count("performance.avg_response_ms", "平均响应时间（毫秒）", "", &pf.AvgResponseMs),
			e.count("performance.peak_response_ms", "峰值响应时间（毫秒）", "", &pf.PeakResponseMs),
			e.percent("performance.cpu_peak", "CPU 峰值使用率（%）", "", &pf.CPUPeak),
			e.percent("performance.memory_peak", "内存峰值使用率（%）", "", &pf.MemoryPeak)),
		e.text("performance.load_test", "压力测试结论", "", &pf.LoadTest, true),
	)
	sec := &t.Security
	highVulns := int64(sec.HighVulns)
	e.addSection("安全", []string{"security"},
		e.choice("security.dengbao", "等级保护", "", app.DengbaoChoices, func() string { return string(sec.Dengbao) }, func(c string) { sec.Dengbao = app.DengbaoStatus(c) }),
		e.choice("security.crypto", "商用密码应用安全性评估（密评）", "", app.CryptoStatusChoices, func() string { return string(sec.Crypto) }, func(c string) { sec.Crypto = app.CryptoStatus(c) }),
		e.text("security.vuln_scan", "漏洞扫描、渗透测试结果", "", &sec.VulnScan, true),
		te.intCount("security.high_vulns", "未修复的高危漏洞数", &highVulns, &sec.HighVulns),
		e.check("security.backup_drill", "已开展数据备份与恢复演练", &sec.BackupDrill),
		e.text("security.backup_note", "备份策略与演练情况", "", &sec.BackupNote, true),
	)
	tr := &t.Training
	sessions, people := int64(tr.Sessions), int64(tr.People)
	e.addSection("培训与用户意见", []string{"training", "feedback"},
		sideBySide(2,
			te.intCount("training.sessions", "培训场次", &sessions, &tr.Sessions),
			te.intCount("training.people", "培训人次", &people, &tr.People)),
		e.percent("feedback.satisfaction", "用户满意度（%）", "", &t.Feedback.Satisfaction),
		e.table("feedback.opinions", "典型意见及回应", te.opinionBox, "添加意见", te.onAddOpinion),
	)
	e.addSection("结论", []string{"conclusion"},
		e.check("conclusion.ready", "系统运行稳定，达到合同要求，具备竣工验收条件", &t.Conclusion.Ready),
		e.text("conclusion.text", "试运行结论", "运行是否稳定、是否达到合同要求、是否具备验收条件", &t.Conclusion.Text, true),
	)
	te.rebuildModules()
	te.rebuildIssues()
	te.rebuildOpinions()
	return te
}

// intCount edits an int field through a count entry.
func (te *trialEditor) intCount(path, label string, tmp *int64, ptr *int) fyne.CanvasObject {
	o := te.e.count(path, label, "", tmp)
	in := te.e.targets[path].(*widget.Entry)
	inner := in.OnChanged
	in.OnChanged = func(s string) {
		inner(s)
		*ptr = int(*tmp)
	}
	return o
}

func (te *trialEditor) onProject(id string) {
	te.e.f.ProjectID = id
	f, err := te.e.u.store.Get(te.e.u.ctx, id)
	if err != nil || f.Declaration == nil {
		return
	}
	for path, v := range map[string]string{"project_name": f.Declaration.ProjectName, "unit_name": f.Declaration.UnitName} {
		if in := entryOf(te.e.targets[path]); in != nil && in.Text == "" {
			in.SetText(v)
		}
	}
}

// networks edits the networks the system runs on.
func (te *trialEditor) networks() fyne.CanvasObject {
	g := checkGroup(app.NetworkChoices, &te.t.Environment.Networks, te.e.edited)
	return te.e.field("environment.networks", "网络环境", "可多选", g)
}

func (te *trialEditor) side() fyne.CanvasObject {
	return container.NewVBox(heading(T("试运行期")), te.duration)
}

// changed shows the trial's length against the profile's minimum, at the
// dates and in the side panel, as the clerk types.
func (te *trialEditor) changed(now time.Time) {
	e := te.e
	minMonths := e.trialMinMonths()
	short := te.t.CheckDuration(minMonths) // also among e.problems: app.CheckBody applies it
	e.live = append(e.live[:0], short...)
	te.duration.RemoveAll()
	months, ok := te.t.TrialMonths()
	var text string
	switch {
	case ok && months == 0:
		text = T("试运行期不足 1 个月") // not 还不满: the period may have ended (a 霍邱 walkthrough)
	case ok:
		text = fmt.Sprintf(T("已试运行满 %d 个月"), months)
	default:
		text = T("填写开始和结束日期后计算试运行时长")
	}
	if minMonths > 0 {
		text += fmt.Sprintf(T("（本地区要求至少 %d 个月）"), minMonths)
	} else {
		text += T("（本地区规则未规定最短试运行期）")
	}
	imp := widget.MediumImportance
	if ok && len(short) == 0 {
		imp = widget.SuccessImportance
	}
	// A trial that ends after today has not run its length yet: not green
	// (the field says the report waits for the trial's end).
	if end, ok := app.NormalizeDate(te.t.TrialEnd); ok && end > now.In(app.Beijing).Format(time.DateOnly) {
		text = fmt.Sprintf(T("试运行到 %s 才结束：结束后再填报本报告"), end)
		imp = widget.WarningImportance
	}
	if len(short) > 0 && ok && months < minMonths {
		te.duration.Add(&paragraph{Text: fmt.Sprintf(T("试运行期不足 %d 个月，不能申请竣工验收"), minMonths),
			SizeName: theme.SizeNameSubHeadingText, Importance: widget.DangerImportance})
	}
	te.duration.Add(&paragraph{Text: text, Importance: imp})
	for _, p := range short {
		field := p.Field
		te.duration.Add(newTapLabel(fieldText(p), widget.DangerImportance, func() { e.jump(field) }))
	}
	te.period.SetText(text)
}

func (te *trialEditor) reveal(string) {}

func (te *trialEditor) attached() {}

func (te *trialEditor) material() string     { return "" }
func (te *trialEditor) confirmation() string { return "" }

func (te *trialEditor) onAddModule() {
	te.t.Modules = append(te.t.Modules, app.ModuleCheck{Status: app.ImplDone})
	te.rebuildModules()
	te.e.edited()
}

func (te *trialEditor) rebuildModules() {
	e, t := te.e, te.t
	e.forgetRows("modules")
	te.moduleBox.RemoveAll()
	for i := range t.Modules {
		m := &t.Modules[i]
		p := fmt.Sprintf("modules[%d].", i)
		del := e.removeButton("功能", te.moduleBox, i, func() {
			t.Modules = append(t.Modules[:i], t.Modules[i+1:]...)
			te.rebuildModules()
			e.edited()
		})
		te.moduleBox.Add(container.NewVBox(container.NewBorder(nil, nil, nil, del, &widget.Label{Text: fmt.Sprintf(T("功能 %d"), i+1), TextStyle: fyne.TextStyle{Bold: true}}),
			sideBySide(2,
				e.text(p+"function", "功能模块", "", &m.Function, false),
				e.text(p+"requirement", "合同要求", "", &m.Requirement, false),
				e.choice(p+"status", "实现情况", "", app.ImplStatusChoices, func() string { return string(m.Status) }, func(c string) { m.Status = app.ImplStatus(c) }),
				e.text(p+"deviation", "偏差说明", "部分实现或未实现时必填", &m.Deviation, false)),
			widget.NewSeparator()))
		// The row itself (a remark on 功能模块 第 2 行): its first field.
		// Without it the row's remark led to the table, and 功能 1's 删除.
		e.targets[fmt.Sprintf("modules[%d]", i)] = e.targets[p+"function"]
	}
	te.moduleBox.Refresh()
}

func (te *trialEditor) onAddIssue() {
	te.t.Issues = append(te.t.Issues, app.TrialIssue{No: fmt.Sprintf("%d", len(te.t.Issues)+1)})
	te.rebuildIssues()
	te.e.edited()
}

func (te *trialEditor) rebuildIssues() {
	e, t := te.e, te.t
	e.forgetRows("issues")
	te.issueBox.RemoveAll()
	for i := range t.Issues {
		is := &t.Issues[i]
		p := fmt.Sprintf("issues[%d].", i)
		del := e.removeButton("问题", te.issueBox, i, func() {
			t.Issues = append(t.Issues[:i], t.Issues[i+1:]...)
			te.rebuildIssues()
			e.edited()
		})
		te.issueBox.Add(container.NewVBox(container.NewBorder(nil, nil, nil, del, &widget.Label{Text: fmt.Sprintf(T("问题 %d"), i+1), TextStyle: fyne.TextStyle{Bold: true}}),
			sideBySide(2,
				e.text(p+"no", "编号", "", &is.No, false),
				e.date(p+"found", "发现日期", "如 2027-03-10", &is.Found),
				e.text(p+"description", "问题描述", "", &is.Description, false),
				e.choice(p+"severity", "级别", "", app.SeverityChoices, func() string { return string(is.Severity) }, func(c string) { is.Severity = app.Severity(c) }),
				e.text(p+"handling", "处理措施", "", &is.Handling, false),
				e.date(p+"handled", "处理日期", "如 2027-03-12", &is.Handled),
				e.choice(p+"status", "处理状态", "", app.IssueStatusChoices, func() string { return string(is.Status) }, func(c string) { is.Status = app.IssueStatus(c) }),
				e.text(p+"remaining", "遗留问题说明", "遗留时必填：原因及整改计划", &is.Remaining, false)),
			widget.NewSeparator()))
		e.targets[fmt.Sprintf("issues[%d]", i)] = e.targets[p+"no"] // the row itself, as modules[i]
	}
	te.issueBox.Refresh()
}

func (te *trialEditor) onAddOpinion() {
	te.t.Feedback.Opinions = append(te.t.Feedback.Opinions, app.Opinion{})
	te.rebuildOpinions()
	te.e.edited()
}

func (te *trialEditor) rebuildOpinions() {
	e, fb := te.e, &te.t.Feedback
	e.forgetRows("feedback.opinions")
	te.opinionBox.RemoveAll()
	for i := range fb.Opinions {
		o := &fb.Opinions[i]
		p := fmt.Sprintf("feedback.opinions[%d].", i)
		del := e.removeButton("意见", te.opinionBox, i, func() {
			fb.Opinions = append(fb.Opinions[:i], fb.Opinions[i+1:]...)
			te.rebuildOpinions()
			e.edited()
		})
		te.opinionBox.Add(container.NewBorder(nil, nil, nil, del, sideBySide(2,
			e.text(p+"opinion", "用户意见", "", &o.Opinion, false),
			e.text(p+"response", "回应或处理", "", &o.Response, false))))
	}
	te.opinionBox.Refresh()
}
