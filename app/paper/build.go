package paper

import (
	"fmt"
	"strconv"
	"strings"

	"egovdesk/app"
)

// Build lays out body b. It fails only when the body has no content.
func Build(b app.Body, o Options) (*Document, error) {
	var d *Document
	switch {
	case b.Declaration != nil:
		d = declaration(b.Declaration, b.Attachments, o)
	case b.Catalogue != nil:
		d = catalogue(b.Catalogue, o)
	case b.TrialReport != nil:
		d = trial(b.TrialReport)
	case b.Acceptance != nil:
		d = acceptance(b.Acceptance, b.Attachments, o.Required)
	default:
		if d = laterFiling(b, o); d == nil { // lifecycle.go
			return nil, app.Errorf(app.EINVALID, "材料没有内容，无法打印")
		}
	}
	d.Kind = b.Kind
	if label := b.Kind.Label(); o.KindName != "" && o.KindName != label && strings.Contains(d.Name, label) {
		d.Name = strings.Replace(d.Name, label, o.KindName, 1)
	}
	if d.Dept == "" {
		d.Dept = o.Dept
	}
	d.Date, d.At, d.Draft, d.Bureau = ChineseDate(o.Date), o.Date, o.Draft, o.Bureau
	if d.Project == "" {
		d.Project = "（未填写项目名称）"
	}
	if b.Declaration == nil && len(b.Attachments) > 0 && b.Acceptance == nil {
		d.Chapters = append(d.Chapters, materialsChapter(b.Attachments))
	}
	return d, nil
}

// dash stands for an empty value, so that a blank is visibly blank on paper.
const dash = "—"

func v(s string) string {
	if s = strings.TrimSpace(s); s == "" {
		return dash
	}
	return s
}

func yes(b bool, y, n string) string {
	if b {
		return y
	}
	return n
}

func num(n int64) string {
	if n == 0 {
		return "0"
	}
	return strconv.FormatInt(n, 10)
}

func wan(m app.Money) string {
	if m == 0 {
		return dash
	}
	return m.WanString()
}

// level names a 等保 or 密码应用 level; one not chosen prints as 未填写 (a
// draft's stamped copy said 未定级 of a box no one filled, which is a
// level's state of its own).
func level(n int) string {
	if n <= 0 {
		return app.NotFilled
	}
	return app.LabelOf(app.SecurityLevelChoices, strconv.Itoa(n))
}

func month(s string) string {
	if y, m, ok := strings.Cut(s, "-"); ok && len(y) == 4 {
		if n, err := strconv.Atoi(m); err == nil {
			return fmt.Sprintf("%s年%d月", y, n)
		}
	}
	return v(s)
}

func text(label, value string) Block { return Block{Text: &Field{label, v(value)}} }

func fields(fs ...Field) Block { return Block{Fields: fs} }

func declaration(d *app.Declaration, atts []app.Attachment, o Options) *Document {
	doc := &Document{Name: "政务信息化项目申报书", Project: strings.TrimSpace(d.ProjectName),
		Unit: v(d.UnitName), Dept: strings.TrimSpace(d.SupervisingDept)}
	services := make([]string, len(d.ServiceTypes))
	for i, s := range d.ServiceTypes {
		services[i] = app.LabelOf(app.ServiceTypeChoices, string(s))
	}
	ch := func(title string, blocks ...Block) { doc.Chapters = append(doc.Chapters, Chapter{title, blocks}) }
	planYear := dash
	if d.PlanYear > 0 {
		planYear = strconv.Itoa(d.PlanYear) + "年"
	}
	ch("基本信息", fields(
		Field{"申报年度", planYear}, Field{"项目名称", v(d.ProjectName)}, Field{"项目建设单位", v(d.UnitName)},
		Field{"建设单位类型", v(app.LabelOf(app.UnitTypeChoices, string(d.UnitType)))},
		Field{"统一社会信用代码", v(d.UnitCreditCode)}, Field{"主管部门", v(d.SupervisingDept)},
		Field{"行政区划代码", v(d.RegionCode)}, Field{"项目负责人", v(d.Contact.Leader)},
		Field{"联系人", v(d.Contact.Person)}, Field{"联系电话", v(d.Contact.Phone)}))
	nature := []Block{fields(
		Field{"建设性质", v(app.LabelOf(app.NatureChoices, string(d.Nature)))},
		Field{"服务类型", v(strings.Join(services, "、"))},
		Field{"项目类别", v(app.LabelOf(app.ClassChoices, string(d.Class)))},
		Field{"年度计划", v(app.LabelOf(app.PlanChoices, string(d.Plan)))},
		Field{"建设周期", month(d.PeriodStart) + " 至 " + month(d.PeriodEnd)}),
		text("规划依据", d.PlanBasis)}
	if strings.TrimSpace(d.LegalException) != "" { // only a profile's exception asks for it (天宁)
		nature = append(nature, text("法律法规另有规定的依据", d.LegalException))
	}
	if d.CapitalProject { // only a profile's rule asks for it (武汉 第九条)
		nature = append(nature, fields(Field{"信息化硬件、专用设备或成套软件与固定资产投资项目同步设计、同步施工", "是"}))
	}
	ch("项目性质与类别", nature...)
	goals := []Block{text("建设目标", d.Goals), text("绩效目标及指标", d.Indicators), text("建设内容", d.Content)}
	if len(d.Modules) > 0 {
		t := &Table{Head: []string{"序号", "功能模块", "功能说明"}, Widths: []float64{1, 3, 8}}
		for i, m := range d.Modules {
			t.Rows = append(t.Rows, []string{strconv.Itoa(i + 1), v(m.Name), v(m.Description)})
		}
		goals = append(goals, Block{Heading: "功能模块"}, Block{Table: t})
	}
	goals = append(goals, text("现有系统与整合情况", d.CurrentState),
		fields(Field{"本单位现有系统整合", yes(d.Integrated, "已完成", "未完成")}))
	ch("建设目标与内容", goals...)
	ch("数据资源", text("数据资源情况", d.DataResources), text("信息资源共享分析", d.SharingAnalysis),
		fields(Field{"接入共享交换平台、提供数据共享", yes(d.SharesData, "是", "否")}))
	ch("安全保障", fields(Field{"等级保护级别", level(d.Security.Level)},
		Field{"拟开展等保测评/安全风险评估", yes(d.Security.Assess, "是", "否")}),
		text("安全保障方案", d.Security.Plan))
	ch("密码应用方案", fields(Field{"密码应用等级", level(d.Crypto.Level)},
		Field{"报密码管理部门审核", yes(d.Crypto.Review, "已报/拟报", "否")}),
		text("方案摘要", d.Crypto.Summary))
	deploy := []Block{fields(Field{"部署方式", v(app.LabelOf(app.DeployChoices, string(d.Deployment.Mode)))})}
	if d.Deployment.Mode != app.DeployEgovCloud || strings.TrimSpace(d.Deployment.Explanation) != "" {
		// "不部署在政务云的理由 —" was printed under 政务云 (found in a 天宁
		// walkthrough); the label is the form's
		deploy = append(deploy, text("未按要求部署的理由（情况说明）", d.Deployment.Explanation))
	}
	ch("部署方案", append(deploy, text("资源需求", d.Deployment.Resources))...)
	ch("信创适配", fields(Field{"支持国产化软硬件", yes(d.Xinchuang.Supported, "是", "否")}),
		text("适配说明", d.Xinchuang.Notes))
	ch("运行维护", text("运维方案", d.OMPlan), fields(Field{"年运行维护经费（万元）", wan(d.OMAnnual)}))
	sched := &Table{Head: []string{"序号", "进度节点", "计划完成时间"}, Widths: []float64{1, 7, 4}}
	for i, m := range d.Schedule {
		sched.Rows = append(sched.Rows, []string{strconv.Itoa(i + 1), v(m.Name), month(m.Due)})
	}
	ch("实施进度", Block{Table: sched})
	ch("投资概算与资金来源", investment(d)...)
	if len(d.Confirmations) > 0 {
		// What the unit confirmed (天宁's 没有违反政务信息资源共享管理规定),
		// on the copy it stamps.
		t := &Table{Head: []string{"序号", "确认事项", "确认"}, Widths: []float64{1, 9, 2}}
		for i, id := range d.Confirmations {
			label := id
			if o.ConfirmLabel != nil {
				label = o.ConfirmLabel(id)
			}
			t.Rows = append(t.Rows, []string{strconv.Itoa(i + 1), label, "已确认"})
		}
		ch("确认事项", Block{Table: t})
	}
	ch("申报材料", materialsChapter(atts).Blocks...)
	return doc
}

func investment(d *app.Declaration) []Block {
	budget := &Table{Head: []string{"序号", "费用类别", "名称", "规格/参数", "数量", "金额（万元）", "计算依据", "国产/信创"},
		Widths: []float64{1.3, 3, 4, 2.5, 1.4, 2.4, 3, 1.6}, Right: []bool{false, false, false, false, true, true, false, false}}
	for i, b := range d.Budget {
		q, dom := "", ""
		if b.Quantity != 0 {
			q = num(b.Quantity)
		}
		if b.Domestic {
			dom = "是"
		}
		budget.Rows = append(budget.Rows, []string{strconv.Itoa(i + 1), app.LabelOf(app.BudgetChoices, string(b.Category)),
			v(b.Name), b.Spec, q, b.Amount.WanString(), b.Basis, dom})
	}
	sum := d.BudgetSum()
	budget.Foot = [][]string{{"", "合计", "", "", "", sum.WanString(), "", ""}}
	budget.Note = "合计（大写）：人民币" + sum.Capital()
	// 规格/参数, 数量, 计算依据 and 国产/信创 are optional on the client's form:
	// each is printed when a line has it (a 霍邱 clerk's copy showed three
	// columns always empty; a walkthrough).
	budget.dropEmpty(3, 4, 6, 7)
	funding := &Table{Head: []string{"序号", "资金来源", "金额（万元）", "占比"},
		Widths: []float64{1, 6, 3, 2}, Right: []bool{false, false, true, true}}
	fsum := d.FundingSum()
	for i, f := range d.Funding {
		funding.Rows = append(funding.Rows, []string{strconv.Itoa(i + 1), app.LabelOf(app.FundingChoices, string(f.Kind)),
			f.Amount.WanString(), share(f.Amount, fsum)})
	}
	funding.Foot = [][]string{{"", "合计", fsum.WanString(), share(fsum, fsum)}}
	funding.Note = "合计（大写）：人民币" + fsum.Capital()
	return []Block{
		fields(Field{"总投资概算（万元）", wan(d.TotalInvestment)}, Field{"总投资概算（大写）", "人民币" + d.TotalInvestment.Capital()},
			Field{"本年度申请资金（万元）", wan(d.YearAmount)}),
		{Heading: "投资概算明细"}, {Table: budget},
		{Heading: "资金来源"}, {Table: funding},
	}
}

// share is part of whole as a percentage with one decimal, exact in integers.
func share(part, whole app.Money) string {
	if whole <= 0 {
		return dash
	}
	permille := (int64(part)*1000 + int64(whole)/2) / int64(whole)
	return fmt.Sprintf("%d.%d%%", permille/10, permille%10)
}

func materialsChapter(atts []app.Attachment) Chapter {
	t := &Table{Head: []string{"序号", "材料", "文件名", "大小", "SHA-256（前 16 位）"},
		Widths: []float64{1, 4, 4.5, 1.7, 3}, Right: []bool{false, false, false, true, false}}
	for i, a := range atts {
		sum := a.SHA256
		if len(sum) > 16 {
			sum = sum[:16]
		}
		t.Rows = append(t.Rows, []string{strconv.Itoa(i + 1), app.MaterialLabel(a.Material), v(a.Name), app.SizeLabel(a.Size), sum})
	}
	if len(atts) == 0 {
		return Chapter{"附件材料清单", []Block{text("附件", "（无）")}}
	}
	return Chapter{"附件材料清单", []Block{{Table: t}}}
}

func catalogue(c *app.Catalogue, o Options) *Document {
	doc := &Document{Name: "政务数据共享资源目录（含三清单）", Project: strings.TrimSpace(c.ProjectName),
		Unit: v(c.ProviderName)}
	if doc.Project == "" {
		doc.Project = strings.TrimSpace(c.Title)
	}
	ch := func(title string, blocks ...Block) { doc.Chapters = append(doc.Chapters, Chapter{title, blocks}) }
	ch("目录基本信息", fields(Field{"目录名称", v(c.Title)}, Field{"所属项目", v(c.ProjectName)},
		Field{"信息资源提供方", v(c.ProviderName)}, Field{"提供方代码", v(c.ProviderCode)},
		Field{"信息资源条数", strconv.Itoa(len(c.Entries))}))
	var entries []Block
	for i := range c.Entries {
		r := &c.Entries[i]
		mode := app.LabelOf(app.ShareModeClassChoices, string(r.ShareModeClass))
		if r.ShareModeType != "" {
			mode += "（" + app.LabelOf(app.ShareModeTypeChoices(r.ShareModeClass), string(r.ShareModeType)) + "）"
		}
		format := app.LabelOf(app.FormatClassChoices, string(r.FormatClass))
		if ft := app.LabelOf(app.FormatTypeChoices(r.FormatClass), r.FormatType); ft != "" {
			format += " / " + ft
		}
		entries = append(entries, Block{Heading: v(r.Name)},
			fields(Field{"信息资源代码", v(r.Code())}, Field{"提供方", v(r.ProviderName) + "（" + v(r.ProviderCode) + "）"},
				Field{"内设科室", v(r.Office)}, Field{"格式", v(format)},
				Field{"共享类型", v(app.LabelOf(app.ShareTypeChoices, string(r.ShareType)))},
				Field{"共享条件", v(r.ShareCondition)}, Field{"不予共享依据", v(r.ShareBasis)}, Field{"共享方式", v(mode)},
				Field{"向社会开放", yes(r.Open, "是："+v(r.OpenCondition), "否")},
				Field{"更新周期", v(app.LabelOf(app.UpdateCycleChoices, string(r.UpdateCycle)))},
				Field{"发布日期", v(r.PublishDate)}, Field{"关联资源代码", v(strings.Join(r.RelatedCodes, "；"))}),
			text("摘要", r.Abstract))
		t := &Table{Head: []string{"序号", "信息项名称", "数据类型", "长度", "共享类型"}, Widths: []float64{1, 5, 2.5, 1.5, 3},
			Right: []bool{false, false, false, true, false}}
		for j, it := range r.Items {
			l := ""
			if it.Length > 0 {
				l = strconv.Itoa(it.Length)
			}
			share := app.LabelOf(app.ShareTypeChoices, string(r.ItemShareType(j)))
			if it.ShareType != "" && it.ShareType != r.ShareType {
				// An item stricter than its resource has its own condition or basis.
				switch it.ShareType {
				case app.ShareNone:
					share += "：" + v(it.ShareBasis)
				case app.ShareConditional:
					share += "：" + v(it.ShareCondition)
				}
			}
			t.Rows = append(t.Rows, []string{strconv.Itoa(j + 1), v(it.Name), app.LabelOf(app.DataTypeChoices, string(it.DataType)),
				l, share})
		}
		entries = append(entries, Block{Table: t})
	}
	if len(entries) == 0 {
		entries = []Block{text("信息资源", "（无）")}
	}
	ch("信息资源目录", entries...)
	dem := &Table{Head: []string{"序号", "所需信息资源", "信息项", "提供部门", "使用方式", "频度", "依据", "应用场景"},
		Widths: []float64{1.3, 3, 2.6, 2.5, 1.6, 1.4, 2.4, 2.6}}
	for i, d := range c.Demands {
		name := v(d.ResourceName)
		if d.ResourceCode != "" {
			name += "（" + d.ResourceCode + "）"
		}
		dem.Rows = append(dem.Rows, []string{strconv.Itoa(i + 1), name, itemList(d.Items), v(d.Provider),
			app.LabelOf(app.DemandUsageChoices, string(d.Usage)), v(app.LabelOf(app.UpdateCycleChoices, string(d.Frequency))),
			v(d.Basis), v(d.Scenario)})
	}
	duty := &Table{Head: []string{"序号", "资源代码", "信息项", "对应职责", "更新周期", "共享类型", "责任人", "完成时限"},
		Widths: []float64{1.3, 3.2, 2.2, 2.8, 1.5, 1.9, 1.5, 2.9}}
	for i, d := range c.Duties {
		duty.Rows = append(duty.Rows, []string{strconv.Itoa(i + 1), v(d.ResourceCode), itemList(d.Items), v(d.Duty),
			app.LabelOf(app.UpdateCycleChoices, string(d.UpdateCycle)), app.LabelOf(app.ShareTypeChoices, string(d.ShareType)),
			v(d.Owner), v(d.Due)})
	}
	neg := &Table{Head: []string{"序号", "资源代码", "信息项", "类别", "法律法规或政策依据", "复核日期", "替代方式"},
		Widths: []float64{1.3, 3.2, 2.3, 1.8, 4.2, 2.6, 2.9}}
	for i, n := range c.Negatives {
		neg.Rows = append(neg.Rows, []string{strconv.Itoa(i + 1), v(n.ResourceCode), itemList(n.Items),
			app.LabelOf(app.NegativeCategoryChoices, string(n.Category)), v(n.Basis), v(n.ReviewDate), v(n.Alternative)})
	}
	ch("需求清单", Block{Table: dem})
	ch("责任清单", Block{Table: duty})
	ch("负面清单", Block{Table: neg})
	return doc
}

func itemList(items []string) string {
	if len(items) == 0 {
		return "整个资源"
	}
	return strings.Join(items, "、")
}

func trial(t *app.TrialReport) *Document {
	doc := &Document{Name: "政务信息化项目试运行报告", Project: strings.TrimSpace(t.ProjectName), Unit: v(t.UnitName)}
	ch := func(title string, blocks ...Block) { doc.Chapters = append(doc.Chapters, Chapter{title, blocks}) }
	months := dash
	if n, ok := t.TrialMonths(); ok {
		months = fmt.Sprintf("%d 个月", n)
	}
	ch("基本情况", fields(Field{"项目名称", v(t.ProjectName)}, Field{"建设单位", v(t.UnitName)},
		Field{"承建单位", v(t.Contractor)}, Field{"监理单位", v(t.Supervisor)},
		Field{"试运行期", v(t.TrialStart) + " 至 " + v(t.TrialEnd)}, Field{"试运行时长", months}),
		text("试运行地点及用户范围", t.Scope))
	e := t.Environment
	nets := make([]string, len(e.Networks))
	for i, n := range e.Networks {
		nets[i] = app.LabelOf(app.NetworkChoices, string(n))
	}
	ch("运行环境", fields(Field{"操作系统", v(e.OS)}, Field{"数据库", v(e.Database)}, Field{"中间件", v(e.Middleware)},
		Field{"系统及组件版本", v(e.Versions)}, Field{"信创环境", yes(e.Xinchuang, "是", "否")},
		Field{"网络环境", v(strings.Join(nets, "、"))}, Field{"云资源", v(e.Cloud)}))
	mods := &Table{Head: []string{"序号", "功能模块", "合同要求", "实现情况", "偏差说明"}, Widths: []float64{1, 3, 4.5, 2, 4.5}}
	for i, m := range t.Modules {
		mods.Rows = append(mods.Rows, []string{strconv.Itoa(i + 1), v(m.Function), v(m.Requirement),
			app.LabelOf(app.ImplStatusChoices, string(m.Status)), v(m.Deviation)})
	}
	ch("功能实现情况", Block{Table: mods})
	f := t.Figures
	volume := num(f.BusinessVolume)
	if f.VolumeUnit != "" {
		volume += " " + f.VolumeUnit
	}
	ch("运行情况", fields(Field{"用户数", num(f.Users)}, Field{"活跃用户数", num(f.ActiveUsers)}, Field{"业务量", volume},
		Field{"可用率", f.Availability.String()}, Field{"故障次数", num(f.Faults)},
		Field{"累计中断时长（分钟）", num(f.DowntimeMinutes)}, Field{"数据共享接口调用量", num(f.APICalls)}))
	iss := &Table{Head: []string{"编号", "发现日期", "问题描述", "级别", "处理措施", "处理日期", "状态"},
		Widths: []float64{1.4, 2.2, 4, 1.2, 3.5, 2.2, 1.4}}
	for _, is := range t.Issues {
		handling := v(is.Handling)
		if is.Status == app.IssueOpen && is.Remaining != "" {
			handling += "；遗留：" + is.Remaining
		}
		iss.Rows = append(iss.Rows, []string{v(is.No), v(is.Found), v(is.Description),
			app.LabelOf(app.SeverityChoices, string(is.Severity)), handling, v(is.Handled),
			app.LabelOf(app.IssueStatusChoices, string(is.Status))})
	}
	ch("问题及处理情况", Block{Table: iss})
	p := t.Performance
	ch("性能与稳定性", fields(Field{"并发用户数", app.OptionalCount(p.Concurrency)}, Field{"平均响应时间（毫秒）", app.OptionalCount(p.AvgResponseMs)},
		Field{"峰值响应时间（毫秒）", app.OptionalCount(p.PeakResponseMs)}, Field{"CPU 峰值", app.OptionalShare(p.CPUPeak)},
		Field{"内存峰值", app.OptionalShare(p.MemoryPeak)}), text("压力测试结论", p.LoadTest))
	s := t.Security
	ch("安全情况", fields(Field{"等级保护", v(app.LabelOf(app.DengbaoChoices, string(s.Dengbao)))},
		Field{"未修复高危漏洞", strconv.Itoa(s.HighVulns)},
		Field{"商用密码应用安全性评估", v(app.LabelOf(app.CryptoStatusChoices, string(s.Crypto)))},
		Field{"备份与恢复演练", yes(s.BackupDrill, "已开展", "未开展")}),
		text("漏洞扫描、渗透测试", s.VulnScan), text("备份策略与演练情况", s.BackupNote))
	ops := &Table{Head: []string{"序号", "用户意见", "回应"}, Widths: []float64{1, 6, 6}}
	for i, o := range t.Feedback.Opinions {
		ops.Rows = append(ops.Rows, []string{strconv.Itoa(i + 1), v(o.Opinion), v(o.Response)})
	}
	ch("培训与用户意见", fields(Field{"培训场次", strconv.Itoa(t.Training.Sessions)}, Field{"培训人次", strconv.Itoa(t.Training.People)},
		Field{"用户满意度", app.OptionalShare(t.Feedback.Satisfaction)}), Block{Table: ops})
	ch("结论", fields(Field{"具备竣工验收条件", yes(t.Conclusion.Ready, "是", "否")}), text("结论", t.Conclusion.Text))
	return doc
}

func acceptance(a *app.Acceptance, atts []app.Attachment, required []string) *Document {
	doc := &Document{Name: "政务信息化项目竣工验收申请", Project: strings.TrimSpace(a.ProjectName), Unit: v(a.UnitName)}
	ch := func(title string, blocks ...Block) { doc.Chapters = append(doc.Chapters, Chapter{title, blocks}) }
	ch("项目基本情况", fields(Field{"项目名称", v(a.ProjectName)}, Field{"建设单位", v(a.UnitName)},
		Field{"立项批复（备案）文号", v(a.ApprovalRef)}, Field{"合同金额（万元）", wan(a.ContractAmount)},
		Field{"合同金额（大写）", "人民币" + a.ContractAmount.Capital()}, Field{"建设完成日期", v(a.CompletedOn)},
		Field{"试运行期", v(a.TrialStart) + " 至 " + v(a.TrialEnd)}, Field{"申请日期", v(a.AppliedOn)},
		Field{"项目负责人", v(a.Contact.Leader)}, Field{"联系人", v(a.Contact.Person)}, Field{"联系电话", v(a.Contact.Phone)}))
	ch("建设内容完成情况", text("完成情况", a.Summary))
	t := &Table{Head: []string{"序号", "验收材料", "要求", "情况", "文件"}, Widths: []float64{1, 5, 1.5, 1.5, 5}}
	for i, c := range a.Checklist(required, atts) {
		files := strings.Join(c.Attachments, "；")
		if c.Linked != "" && files == "" {
			files = "本系统报送的试运行报告"
		}
		t.Rows = append(t.Rows, []string{strconv.Itoa(i + 1), c.Label, yes(c.Required, "必需", "其他"),
			yes(c.Present, "已附", "缺少"), v(files)})
	}
	ch("验收材料清单", Block{Table: t})
	return doc
}
