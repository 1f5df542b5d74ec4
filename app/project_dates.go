package app

import "fmt"

// CheckProjectDates holds the dates a filing of a project's later life
// gives for the project's events to the plan year of the project's
// declaration, decl: a project not in a year's plan may not be built or
// bought (天宁 解读：未列入年度计划的项目不得擅自建设、不得进行政府采购), so
// nothing of a 2026 project was tried, completed, put into operation or
// accepted in 2025 (a reviewer found a go-live in 2025 of a project
// approved in 2026, received without a word), nor before its declared
// construction period where that begins earlier. The plan year is the
// declaration's, not the day the bureau decided it in egovdesk: a project
// approved on paper and recorded later keeps its real dates. Only the
// project's events are held to it, not the day a paper was sent (报送日期).
// Nil for the declaration and the catalogue, or without decl.
func CheckProjectDates(body Body, decl *Declaration) Problems {
	if decl == nil || decl.PlanYear == 0 || body.Kind == KindDeclaration || body.Kind == KindCatalogue {
		return nil
	}
	// A project may begin before its plan year where its declared
	// construction period does (续建, or approved ahead of the year): a
	// date in that period is not refused (found in review).
	first := calDate{decl.PlanYear, 1, 1}
	from := fmt.Sprintf("项目的计划年度（%d 年）", decl.PlanYear)
	if ym, ok := parseYearMonth(decl.PeriodStart); ok && (calDate{ym.y, ym.m, 1}).before(first) {
		first, from = calDate{ym.y, ym.m, 1}, fmt.Sprintf("项目建设周期的开始（%04d-%02d）", ym.y, ym.m)
	}
	var p Problems
	check := func(field, label, value string) {
		if d, ok := parseCalDate(value); ok && d.before(first) {
			p.Add(field, "%s %s 早于%s：项目列入计划、开始建设之前不会有这一日期，请核对年份", label, d, from)
		}
	}
	switch {
	case body.TrialReport != nil:
		check("trial_start", "试运行开始日期", body.TrialReport.TrialStart)
	case body.Acceptance != nil:
		check("completed_on", "建设完成日期", body.Acceptance.CompletedOn)
	case body.GoLive != nil:
		check("go_live_on", "投入运行日期", body.GoLive.GoLiveOn)
	case body.AcceptanceFiling != nil:
		check("accepted_on", "验收通过日期", body.AcceptanceFiling.AcceptedOn)
	case body.Adjustment != nil:
		check("new_due_on", "预计交付日期", body.Adjustment.NewDueOn)
		check("terminated_on", "合同终止日期", body.Adjustment.TerminatedOn)
	}
	return p
}

// CheckProject checks a filing against its project as the bureau does on
// receipt, the console beside it and the client as the clerk types: the
// project was decided (CheckProjectDecided) and the filing dates none of
// its events before the project's plan (CheckProjectDates).
func CheckProject(body Body, prof *Profile, decl *Declaration, history []Transition) Problems {
	return append(CheckProjectDecided(body, prof, decl, history), CheckProjectDates(body, decl)...)
}
