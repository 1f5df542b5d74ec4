package paper

import (
	"strconv"
	"strings"

	"egovdesk/app"
)

// laterFiling lays out a filing of a project's later life
// (app.LifecycleKinds), nil when b holds none.
func laterFiling(b app.Body, o Options) *Document {
	switch {
	case b.GoLive != nil:
		return goLive(b.GoLive)
	case b.Adjustment != nil:
		return adjustment(b.Adjustment, o.AdjustAs)
	case b.AcceptanceFiling != nil:
		return acceptanceFiling(b.AcceptanceFiling)
	case b.OMFiling != nil:
		return omFiling(b.OMFiling)
	case b.Performance != nil:
		return performance(b.Performance)
	}
	return nil
}

func contactFields(c app.Contact) []Field {
	return []Field{{"联系人", v(c.Person)}, {"联系电话", v(c.Phone)}}
}

func goLive(g *app.GoLive) *Document {
	doc := &Document{Name: "政务信息化项目投入运行报告", Project: strings.TrimSpace(g.ProjectName), Unit: v(g.UnitName)}
	doc.Chapters = []Chapter{{"投入运行情况", []Block{
		fields(append([]Field{{"项目名称", v(g.ProjectName)}, {"建设单位", v(g.UnitName)}, {"立项批复文号", v(g.ApprovalRef)},
			{"投入运行日期", v(g.GoLiveOn)}}, contactFields(g.Contact)...)...),
		text("运行范围", g.Scope)}}}
	return doc
}

func adjustment(a *app.Adjustment, as func(typ string) string) *Document {
	what := app.LabelOf(app.AdjustTypeChoices, string(a.Type))
	name := what
	if what == "" {
		// a draft of no type yet: the kind, and its type left blank (it
		// printed as a 项目调整, a type 郁南 takes of no project)
		name = app.KindAdjustment.Label()
	}
	suffix := "备案"
	if as != nil && what != "" {
		suffix = as(what) // 天宁's 重大设计变更 须经批准: 政务信息化重大变更申请表
	}
	doc := &Document{Name: "政务信息化" + name + suffix + "表", Project: strings.TrimSpace(a.ProjectName), Unit: v(a.UnitName)}
	ch := func(title string, blocks ...Block) { doc.Chapters = append(doc.Chapters, Chapter{title, blocks}) }
	fs := []Field{{"项目名称", v(a.ProjectName)}, {"建设单位", v(a.UnitName)}, {"原立项批复文号", v(a.ApprovalRef)}, {"调整类型", v(what)}}
	if a.MovesMoney() {
		fs = append(fs, Field{"批复概算总投资（万元）", wan(a.ApprovedTotal)})
	}
	if a.AsksGoal() {
		fs = append(fs, Field{"建设目标不变", yes(a.GoalUnchanged, "是", "否")})
	}
	if a.NewDueOn != "" {
		fs = append(fs, Field{"预计交付日期", a.NewDueOn})
	}
	if a.TerminatedOn != "" {
		fs = append(fs, Field{"合同终止日期", a.TerminatedOn})
	}
	fs = append(fs, Field{"报送日期", v(a.AppliedOn)})
	ch("调整事项", fields(append(fs, contactFields(a.Contact)...)...), text("调整原因及依据", a.Reason))
	if changes := a.Changes(); len(changes) > 0 && a.MovesMoney() {
		t := &Table{Head: []string{"序号", "费用类别", "名称", "原批复（万元）", "调整后（万元）", "增减（万元）"},
			Widths: []float64{1, 3, 4, 2.5, 2.5, 2.5}, Right: []bool{false, false, false, true, true, true}}
		for i, c := range changes {
			t.Rows = append(t.Rows, []string{strconv.Itoa(i + 1), app.LabelOf(app.BudgetChoices, string(c.Category)), v(c.Name),
				wan(c.Before), wan(c.After), wan(c.Delta())})
		}
		t.Foot = [][]string{{"", "合计", "", wan(a.BeforeSum()), wan(a.AfterSum()), ""}}
		t.Note = "资金调整数额 " + wan(a.Moved()) + " 万元，占批复概算总投资 " + app.PercentText(a.MovedBasisPoints())
		ch("概算调整明细", Block{Table: t})
	}
	return doc
}

func acceptanceFiling(a *app.AcceptanceFiling) *Document {
	doc := &Document{Name: "政务信息化项目验收备案表", Project: strings.TrimSpace(a.ProjectName), Unit: v(a.UnitName)}
	doc.Chapters = []Chapter{{"验收情况", []Block{
		fields(append([]Field{{"项目名称", v(a.ProjectName)}, {"建设单位", v(a.UnitName)}, {"立项批复文号", v(a.ApprovalRef)},
			{"验收通过日期", v(a.AcceptedOn)}, {"报送日期", v(a.FiledOn)}}, contactFields(a.Contact)...)...),
		text("验收结论", a.Conclusion)}}}
	return doc
}

func omFiling(o *app.OMFiling) *Document {
	doc := &Document{Name: "政务信息化项目年度运维情况备案表", Project: strings.TrimSpace(o.ProjectName), Unit: v(o.UnitName)}
	year := dash
	if o.Year != 0 {
		year = strconv.Itoa(o.Year)
	}
	doc.Chapters = []Chapter{{"运维情况", []Block{
		fields(append([]Field{{"项目名称", v(o.ProjectName)}, {"建设单位", v(o.UnitName)}, {"运维年度", year},
			{"投入运行日期", v(o.GoLiveOn)}, {"运维服务单位", v(o.Provider)}, {"本年度运维经费（万元）", wan(o.Amount)}},
			contactFields(o.Contact)...)...),
		text("运行维护情况", o.Situation), text("下一年度运维计划", o.Plan)}}}
	return doc
}

func performance(p *app.Performance) *Document {
	name := app.LabelOf(app.PerformanceTypeChoices, string(p.Type))
	if name == "" {
		name = "绩效评价报告"
	}
	doc := &Document{Name: "政务信息化项目" + name, Project: strings.TrimSpace(p.ProjectName), Unit: v(p.UnitName)}
	fs := []Field{{"项目名称", v(p.ProjectName)}, {"建设单位", v(p.UnitName)}, {"报告类型", v(name)}}
	if p.Year != 0 {
		fs = append(fs, Field{"评价年度", strconv.Itoa(p.Year)})
	}
	if p.PeriodStart != "" || p.PeriodEnd != "" {
		fs = append(fs, Field{"建设周期", v(p.PeriodStart) + " 至 " + v(p.PeriodEnd)})
	}
	if p.GoLiveOn != "" {
		fs = append(fs, Field{"投入运行日期", p.GoLiveOn})
	}
	if p.AcceptedOn != "" {
		fs = append(fs, Field{"验收通过日期", p.AcceptedOn})
	}
	fs = append(fs, Field{"报送日期", v(p.FiledOn)})
	doc.Chapters = []Chapter{{"基本情况", []Block{fields(append(fs, contactFields(p.Contact)...)...)}},
		{"评价内容", []Block{text("绩效目标完成情况", p.Goals), text("建设进度", p.Progress), text("投资计划执行情况", p.Investment),
			text("应用效果", p.Effect), text("使用单位和监理单位意见", p.Opinions), text("评价结论及整改措施", p.Conclusion)}}}
	return doc
}
