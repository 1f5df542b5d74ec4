package app

import (
	"sort"
	"time"
)

// Deadline anchors: the event a deadline is counted from. AnchorPlanYear and
// AnchorYearly are fixed calendar dates; the others are events of a
// project's life whose dates become known later.
const (
	AnchorPlanYear   = "plan_year"  // a date in (or before) the plan year of the declaration
	AnchorYearly     = "yearly"     // a date every year (the next one on or after today)
	AnchorApproval   = "approval"   // 立项批复/审批意见出具
	AnchorCompletion = "completion" // 建设完成（建成）
	AnchorGoLive     = "go_live"    // 投入运行
	AnchorAcceptance = "acceptance" // 通过验收
	// AnchorConstructionYearly is a date every year whose date lies within
	// the construction period of the declaration (period_start..period_end),
	// as 武汉 第二十条's yearly performance report "在建设期内每年年末之前".
	AnchorConstructionYearly = "construction_yearly"
	// AnchorOperationYearly is a date every year from the year the system
	// went into operation on (the O&M years of 霍邱县、六安市's 运维备案).
	AnchorOperationYearly = "operation_yearly"
)

var anchorChoices = []Choice{
	{AnchorPlanYear, "计划年度"}, {AnchorYearly, "每年"}, {AnchorApproval, "立项批复"},
	{AnchorCompletion, "建设完成"}, {AnchorGoLive, "投入运行"}, {AnchorAcceptance, "通过验收"},
	{AnchorConstructionYearly, "建设期内每年"}, {AnchorOperationYearly, "投入运行后每年"},
}

// AnchorLabel returns the Chinese name of a deadline anchor, or the code itself when unknown.
func AnchorLabel(anchor string) string { return LabelOf(anchorChoices, anchor) }

// DeadlineRule is one deadline of a profile. A plan_year rule is a fixed
// date: Month/Day of the plan year plus YearOffset (-1 for "the year
// before"). A yearly rule is Month/Day of every year. An event rule is due
// Months, Days or WorkingDays (exactly one) after its anchor; OpensMonths
// makes it a window that opens that many months after the anchor (e.g.
// self-evaluation 12–24 months after go-live). Dates are inclusive: a due
// date is the last day on which the action is on time.
type DeadlineRule struct {
	ID          string `json:"id"`
	Label       string `json:"label"` // 应用效果自评价报告
	Rule        string `json:"rule"`  // 项目通过验收后 12 个月内报送
	Anchor      string `json:"anchor"`
	YearOffset  int    `json:"year_offset,omitempty"`
	Month       int    `json:"month,omitempty"`
	Day         int    `json:"day,omitempty"`
	Months      int    `json:"months,omitempty"`
	Days        int    `json:"days,omitempty"`
	WorkingDays int    `json:"working_days,omitempty"`
	OpensMonths int    `json:"opens_months,omitempty"`
	When        *Cond  `json:"when,omitempty"` // the deadline applies only when this holds
	Source      string `json:"source"`
	Own
}

// day returns midnight of t's day in t's location.
func day(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}

// addMonths adds n months to the day of t, clamping to the last day of the
// month (31 January + 1 month is 28 or 29 February, not 3 March).
func addMonths(t time.Time, n int) time.Time {
	y, m, d := t.Date()
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, t.Location())
	last := first.AddDate(0, 1, -1).Day()
	return time.Date(first.Year(), first.Month(), min(d, last), 0, 0, 0, 0, t.Location())
}

func (r *DeadlineRule) validate(p *Problems, f string, ids map[string]string) {
	switch {
	case !idPattern.MatchString(r.ID):
		p.Add(f+".id", "%s.id：“%s”无效，应为小写字母开头的字母、数字和下划线", f, r.ID)
	case ids["deadline:"+r.ID] != "":
		p.Add(f+".id", "%s.id：期限编号“%s”与 %s 重复", f, r.ID, ids["deadline:"+r.ID])
	default:
		ids["deadline:"+r.ID] = f + ".id"
	}
	if isBlank(r.Label) {
		p.Add(f+".label", "%s.label：请填写期限名称", f)
	}
	if isBlank(r.Rule) {
		p.Add(f+".rule", "%s.rule：请填写规则原文或说明（期限未能算出时向用户显示）", f)
	}
	if isBlank(r.Source) {
		p.Add(f+".source", "%s.source：请填写出处（条款）", f)
	}
	if r.When != nil {
		r.When.validateUndated(p, f+".when", 1)
	}
	offsets := 0
	for _, v := range []int{r.Months, r.Days, r.WorkingDays} {
		if v != 0 {
			offsets++
		}
	}
	switch r.Anchor {
	case AnchorPlanYear, AnchorYearly, AnchorConstructionYearly, AnchorOperationYearly:
		if r.Month < 1 || r.Month > 12 {
			p.Add(f+".month", "%s.month：月份应为 1–12，不是 %d", f, r.Month)
		} else if r.Day < 1 || r.Day > time.Date(2024, time.Month(r.Month)+1, 0, 0, 0, 0, 0, time.UTC).Day() {
			p.Add(f+".day", "%s.day：%d 月没有 %d 日", f, r.Month, r.Day)
		}
		if offsets > 0 || r.OpensMonths != 0 {
			p.Add(f+".anchor", "%s：固定日期的期限（%s）不能再设 months、days、working_days 或 opens_months", f, r.Anchor)
		}
		if r.Anchor != AnchorPlanYear && r.YearOffset != 0 {
			p.Add(f+".year_offset", "%s.year_offset：每年的期限不能设年份偏移", f)
		}
		if r.YearOffset < -2 || r.YearOffset > 2 {
			p.Add(f+".year_offset", "%s.year_offset：年份偏移应在 -2 到 2 之间，不是 %d", f, r.YearOffset)
		}
	case AnchorApproval, AnchorCompletion, AnchorGoLive, AnchorAcceptance:
		if r.Month != 0 || r.Day != 0 || r.YearOffset != 0 {
			p.Add(f+".anchor", "%s：以事件（%s）起算的期限不能设 month、day 或 year_offset", f, r.Anchor)
		}
		if offsets != 1 {
			p.Add(f+".months", "%s：须且只能填写 months、days、working_days 之一（现有 %d 个）", f, offsets)
		}
		for _, o := range []struct {
			name     string
			v, limit int
		}{{"months", r.Months, 120}, {"days", r.Days, 3660}, {"working_days", r.WorkingDays, 2500}, {"opens_months", r.OpensMonths, 120}} {
			if o.v < 0 || o.v > o.limit {
				p.Add(f+"."+o.name, "%s.%s：%d 超出范围（0–%d）", f, o.name, o.v, o.limit)
			}
		}
		if r.OpensMonths != 0 && (r.Months == 0 || r.OpensMonths >= r.Months) {
			p.Add(f+".opens_months", "%s.opens_months：只能与 months 一起使用，且须小于 months", f)
		}
	default:
		p.Add(f+".anchor", "%s.anchor：未知的起算事件“%s”（可用：%s）", f, r.Anchor, codes(anchorChoices))
	}
}

// Deadline is one deadline of a project, computed from a rule. When its
// anchor event has not happened yet (or its date is not given), Due and Opens
// are zero and Rule says how it will be counted.
type Deadline struct {
	ID     string    `json:"id"`
	Label  string    `json:"label"`
	Rule   string    `json:"rule"`
	Source string    `json:"source"`
	Anchor string    `json:"anchor"`
	Opens  time.Time `json:"opens,omitzero"` // first day of a window, or zero
	Due    time.Time `json:"due,omitzero"`   // last day, inclusive; zero while the anchor is unknown
	// Addition marks a deadline no clause states (AdditionNote).
	Addition bool `json:"addition,omitempty"`
	// Unknown are the years whose holidays a working-day deadline was
	// counted without (Calendar.Unknown): the true day may differ
	// (Estimated).
	Unknown []int `json:"unknown_years,omitempty"`
	// Planned is the declared construction period's end (YYYY-MM) a
	// deadline counted from completion was counted from, before the
	// completion date is known; "" otherwise.
	Planned string `json:"planned,omitempty"`
	// Bureau marks a step of the bureau's own that the plan year times
	// (六安's 初审及专家集中审查论证结束): a declaration neither meets nor
	// misses it; the dossier read 已完成 as soon as one arrived, and the
	// client listed it among the clerk's deadlines (found in a walkthrough
	// and in review).
	Bureau bool `json:"bureau,omitempty"`
}

// Estimated reports whether the deadline was counted through a year whose
// holidays are not known (Unknown).
func (d Deadline) Estimated() bool { return len(d.Unknown) > 0 }

// Known reports whether the deadline's date could be computed.
func (d Deadline) Known() bool { return !d.Due.IsZero() }

// Passed reports whether d is known and its last day is over at now.
func (d Deadline) Passed(now time.Time) bool {
	return d.Known() && !now.Before(d.Due.AddDate(0, 0, 1))
}

// OpenPlanYear returns the plan year a new declaration is for: the first
// from next year on whose first deadline (项目申报截止) is not passed, of
// the two years after now's. A declaration made in December for next year
// was for a year whose 申报截止 had passed in June, while the home screen
// pointed to the year after (found in a clerk's walkthrough).
func (prof *Profile) OpenPlanYear(now time.Time) int {
	first := now.In(Beijing).Year() + 1
	for y := first; y <= first+1; y++ {
		if prof.DeclaresInTime(y, now) {
			return y
		}
	}
	return first
}

// DeclaresInTime reports whether a declaration for plan year y sent at at
// is in time for that year's plan: y is after at's year (in Beijing) and,
// where the profile sets plan-year deadlines (霍邱's 项目申报截止, 7 月份前;
// 郁南's 需求计划 by 11 月 30 日), the first of them for y, a Beijing day,
// is not over at at. A 霍邱 declaration for 2027 not in the plan went
// through in December 2026, months after 2027's plan was compiled, where
// the rule asks a 专题请示 (a walkthrough). prof may be nil.
func (prof *Profile) DeclaresInTime(y int, at time.Time) bool {
	var f map[string]factValue // of an empty declaration of year y
	if prof != nil {
		f = extractFacts(&Declaration{PlanYear: y}, "")
		f["route"] = factValue{code: prof.routing(f, 0).Code}
	}
	return prof.declaresInTime(y, at, f)
}

// declaresInTime is DeclaresInTime for a declaration of facts f (the
// conditions of the plan-year deadlines are read on them): evaluate has
// them already, and making them again cost 11 µs a check, on every
// declaration the bureau receives.
func (prof *Profile) declaresInTime(y int, at time.Time, f map[string]factValue) bool {
	at = at.In(Beijing)
	if y <= at.Year() {
		return false
	}
	if prof == nil {
		return true
	}
	var first time.Time
	for i := range prof.Deadlines {
		r := &prof.Deadlines[i]
		if r.Off || r.Anchor != AnchorPlanYear || !r.When.eval(f) {
			continue
		}
		due := time.Date(y+r.YearOffset, time.Month(r.Month), r.Day, 0, 0, 0, 0, Beijing)
		if first.IsZero() || due.Before(first) {
			first = due
		}
	}
	// open until the end of its first deadline's day, in Beijing
	return first.IsZero() || at.Before(first.AddDate(0, 0, 1))
}

// DeadlinesFor returns the profile's deadlines that apply to d, for a
// project whose events happened on the dates in events (keyed by the Anchor*
// constants, e.g. AnchorAcceptance; nil when none is known yet). Plan-year
// deadlines are in now's location; yearly ones are the next occurrence on or
// after now's day; construction-yearly ones the next within d's construction
// period (none once it is over); operation-yearly ones the next from the
// go-live year on; event deadlines are in the event's location. Deadlines
// whose anchor is missing from events (or, for plan-year ones, a plan year of
// 0, for construction-yearly ones a period that cannot be read) are returned
// with zero dates. Known deadlines come first, earliest first. Rules switched
// off are left out. It never fails; a nil d is treated as an empty declaration.
func (prof *Profile) DeadlinesFor(d *Declaration, events map[string]time.Time, now time.Time) []Deadline {
	if d == nil {
		d = &Declaration{}
	}
	f := extractFacts(d, "")
	f["route"] = factValue{code: prof.routing(f, 0).Code}
	return prof.deadlines(f, projectDates{planYear: d.PlanYear, periodStart: d.PeriodStart, periodEnd: d.PeriodEnd}, events, now)
}

// projectDates are the dates of a declaration that calendar deadlines are
// fixed by; the zero value knows none.
type projectDates struct {
	planYear               int
	periodStart, periodEnd string // YYYY-MM
	// since is when the project's declaration first reached the bureau
	// through egovdesk (now while it has not: unsent): a dossier asks for
	// no yearly filing due before it (dossierDeadlines). Zero: no such
	// bound.
	since  time.Time
	unsent bool
}

// sinceFirstSent returns dates bounded by firstSent, a declaration's first
// submission (FirstSubmitted), at now. A first submission recorded after now
// (a computer whose clock ran ahead when it was sent) bounds them at now, so
// that a wrong clock hides no year that is already due.
func (d projectDates) sinceFirstSent(firstSent, now time.Time) projectDates {
	d.since, d.unsent = firstSent, firstSent.IsZero()
	if d.unsent || d.since.After(now) {
		d.since = now
	}
	return d
}

// deadlines is DeadlinesFor for a declaration with facts f (route included)
// and dates dates.
func (prof *Profile) deadlines(f map[string]factValue, dates projectDates, events map[string]time.Time, now time.Time) []Deadline {
	out := make([]Deadline, 0, len(prof.Deadlines))
	today := day(now)
	meets, _ := prof.meetsOf(f)
	declares := prof.declares(f, meets)
	for _, r := range prof.Deadlines {
		if r.Off || !r.When.eval(f) {
			continue
		}
		dl, ok := prof.deadline(&r, dates, events, today)
		if ok {
			dl.Bureau = bureauStep(&r, meets, declares)
			out = append(out, dl)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Known() != b.Known() {
			return a.Known()
		}
		return a.Due.Before(b.Due)
	})
	return out
}

// deadline computes rule r for a project with dates and events at day
// today; false when it no longer applies (a construction period that is over).
func (prof *Profile) deadline(r *DeadlineRule, dates projectDates, events map[string]time.Time, today time.Time) (Deadline, bool) {
	dl := Deadline{ID: r.ID, Label: r.Label, Rule: r.Rule, Source: r.Source, Anchor: r.Anchor, Addition: r.Addition}
	next := func(from time.Time) time.Time {
		due := time.Date(from.Year(), time.Month(r.Month), r.Day, 0, 0, 0, 0, today.Location())
		if due.Before(from) {
			due = due.AddDate(1, 0, 0)
		}
		return due
	}
	switch r.Anchor {
	case AnchorPlanYear:
		if dates.planYear != 0 {
			dl.Due = time.Date(dates.planYear+r.YearOffset, time.Month(r.Month), r.Day, 0, 0, 0, 0, today.Location())
		}
	case AnchorYearly:
		dl.Due = next(today)
	case AnchorConstructionYearly:
		start, okS := parseYearMonth(dates.periodStart)
		end, okE := parseYearMonth(dates.periodEnd)
		if !okS || !okE {
			break
		}
		for _, t := range yearEnds(start, end, r.Month, r.Day, today.Location()) {
			if !t.Before(today) {
				dl.Due = t
				return dl, true
			}
		}
		return dl, false
	case AnchorOperationYearly:
		at, ok := events[AnchorGoLive]
		if !ok || at.IsZero() {
			break
		}
		from := today
		if g := day(at).In(today.Location()); g.After(from) {
			from = g
		}
		dl.Due = next(from)
	default:
		at, ok := events[r.Anchor]
		if _, approved := events[AnchorApproval]; (!ok || at.IsZero()) && r.Anchor == AnchorCompletion && approved {
			// An approved project not built yet: counted from the
			// declared construction period's last day, so the unit is
			// warned ahead (武汉 第二十一条
			// 建成后半年内组织验收 appeared only once an acceptance
			// application gave its completion date; found in a regulation
			// review). The date given replaces it.
			if end, okE := parseYearMonth(dates.periodEnd); okE {
				at, ok = time.Date(end.y, time.Month(end.m)+1, 0, 0, 0, 0, 0, today.Location()), true
				dl.Planned = dates.periodEnd
			}
		}
		if !ok || at.IsZero() {
			break
		}
		switch {
		case r.WorkingDays > 0:
			dl.Due = prof.Calendar.AddWorkingDays(at, r.WorkingDays)
			dl.Unknown = prof.Calendar.Unknown(at, dl.Due)
		case r.Days > 0:
			dl.Due = day(at).AddDate(0, 0, r.Days)
		default:
			dl.Due = addMonths(at, r.Months)
		}
		if r.OpensMonths > 0 {
			dl.Opens = addMonths(at, r.OpensMonths)
		}
	}
	return dl, true
}

// deadlineRule returns the rule of the profile with ID id, or nil.
func (prof *Profile) deadlineRule(id string) *DeadlineRule {
	for i := range prof.Deadlines {
		if prof.Deadlines[i].ID == id {
			return &prof.Deadlines[i]
		}
	}
	return nil
}
