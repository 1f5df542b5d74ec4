package app

import (
	"strings"
	"time"
)

// PerformanceType is which performance report a Performance filing is.
type PerformanceType string

// Performance report types.
const (
	// PerformanceSelf is the self-evaluation after acceptance or go-live
	// (应用效果自评价 / 绩效自评价): 郁南 within 12 months of acceptance
	// (第二十三条), 武汉 12 to 24 months after go-live (第二十二条), 天宁
	// every year by the end of November (解读 三、（二）（六）).
	PerformanceSelf PerformanceType = "self_evaluation"
	// PerformanceAnnual is 武汉's yearly performance report, formed before
	// each year-end within the construction period, covering progress and
	// the execution of the investment plan (第二十条).
	PerformanceAnnual PerformanceType = "annual_report"
)

// PerformanceTypeChoices lists the performance report types.
var PerformanceTypeChoices = []Choice{{string(PerformanceSelf), "绩效自评价报告"}, {string(PerformanceAnnual), "年度绩效评价报告"}}

// Performance is a performance report of a project (绩效自评价报告 or
// 年度绩效评价报告).
type Performance struct {
	ProjectName string          `json:"project_name"`
	UnitName    string          `json:"unit_name"`
	Type        PerformanceType `json:"type"`
	// Year is the year an annual report (or a yearly self-evaluation) is for.
	Year int `json:"year,omitempty"`
	// The construction period of the declaration (YYYY-MM), copied so that
	// an annual report can be checked against it on its own.
	PeriodStart string `json:"period_start,omitempty"`
	PeriodEnd   string `json:"period_end,omitempty"`
	// The project's events the report is timed from, copied from its dossier.
	GoLiveOn   string `json:"go_live_on,omitempty"`
	AcceptedOn string `json:"accepted_on,omitempty"`

	Goals      string  `json:"goals"`                // 绩效目标完成情况
	Progress   string  `json:"progress,omitempty"`   // 建设进度
	Investment string  `json:"investment,omitempty"` // 投资计划执行情况
	Effect     string  `json:"effect,omitempty"`     // 应用效果：使用、数据共享、运行质效
	Opinions   string  `json:"opinions,omitempty"`   // 使用单位和监理单位的意见
	Conclusion string  `json:"conclusion"`           // 评价结论及整改措施
	FiledOn    string  `json:"filed_on"`             // 报送日期 YYYY-MM-DD
	Contact    Contact `json:"contact"`
}

// what names the report in a title.
func (r *Performance) what() string {
	label := "绩效评价报告"
	if known(PerformanceTypeChoices, string(r.Type)) {
		label = LabelOf(PerformanceTypeChoices, string(r.Type))
	}
	if r.Year == 0 {
		return label
	}
	return yearLabel(r.Year) + strings.TrimPrefix(label, "年度")
}

// Validate checks the report's own rules and returns every problem at once
// as an EINVALID *Error, or nil. An annual report must say the progress and
// the execution of the investment plan and the opinions of the users and
// the supervisor (武汉 第二十条), for a year whose year-end lies within the
// construction period; a self-evaluation the application effect.
func (r *Performance) Validate() error {
	var p Problems
	projectHead(&p, r.ProjectName, r.UnitName)
	switch r.Type {
	case PerformanceAnnual:
		if r.Year < 2000 || r.Year > 2100 {
			p.Add("year", "请填写报告年度（四位年份，如 2027）")
		}
		if isBlank(r.Progress) {
			p.Add("progress", "请填写建设进度（第二十条：报告主要包括建设进度和投资计划执行情况）")
		}
		if isBlank(r.Investment) {
			p.Add("investment", "请填写投资计划执行情况（第二十条）")
		}
		if isBlank(r.Opinions) {
			p.Add("opinions", "请写明征求项目使用单位和监理单位意见的情况（第二十条）")
		}
		start, okS := parseYearMonth(r.PeriodStart)
		end, okE := parseYearMonth(r.PeriodEnd)
		switch {
		case !okS || !okE:
			p.Add("period_start", "请填写建设周期（开始、结束年月，如 2027-01 至 2028-12），与申报书一致")
		case r.Year >= 2000 && r.Year <= 2100 && !yearEndWithin(r.Year, start, end):
			p.Add("year", "%d 年末不在建设期（%s 至 %s）内：年度绩效评价报告只在建设期内每年年末之前形成（第二十条）",
				r.Year, r.PeriodStart, r.PeriodEnd)
		}
	case PerformanceSelf:
		if isBlank(r.Effect) {
			p.Add("effect", "请填写应用效果（系统使用、数据共享、运行质效等情况）")
		}
		if r.Year != 0 && (r.Year < 2000 || r.Year > 2100) {
			p.Add("year", "评价年度应为四位年份（如 2027）")
		}
	default:
		p.Add("type", "请选择报告类型（绩效自评价报告或年度绩效评价报告）")
	}
	if isBlank(r.Goals) {
		p.Add("goals", "请填写绩效目标完成情况（对照申报的绩效目标及指标逐项说明）")
	}
	if isBlank(r.Conclusion) {
		p.Add("conclusion", "请填写评价结论及存在问题的整改措施")
	}
	for _, d := range []struct{ field, value, what string }{{"go_live_on", r.GoLiveOn, "投入运行日期"}, {"accepted_on", r.AcceptedOn, "验收通过日期"}} {
		if d.value != "" {
			if _, ok := parseCalDate(d.value); !ok {
				p.Add(d.field, "%s“%s”格式不正确，应为 2027-06-01 这样的日期", d.what, d.value)
			}
		}
	}
	if _, ok := parseCalDate(r.FiledOn); !ok {
		p.Add("filed_on", "请填写报送日期（如 2027-12-20）")
	}
	contactProblems(&p, r.Contact)
	return p.Err()
}

// yearMonthOf is a month of a year.
type yearMonthOf struct{ y, m int }

// parseYearMonth parses YYYY-MM as a declaration's construction period writes it.
func parseYearMonth(s string) (yearMonthOf, bool) {
	if !yearMonth.MatchString(s) {
		return yearMonthOf{}, false
	}
	d, ok := parseCalDate(s + "-01")
	return yearMonthOf{d.y, d.m}, ok
}

// yearEndWithin reports whether 31 December of year y lies within the
// construction period from the first day of start to the last of end:
// 武汉 第二十条's "在建设期内每年年末之前".
func yearEndWithin(y int, start, end yearMonthOf) bool {
	return y >= start.y && (y < end.y || y == end.y && end.m == 12)
}

// yearEnds returns the year-ends (31 December) within the construction
// period from start to end, in loc, earliest first.
func yearEnds(start, end yearMonthOf, month, day int, loc *time.Location) []time.Time {
	var out []time.Time
	for y := start.y; y <= end.y; y++ {
		t := time.Date(y, time.Month(month), day, 0, 0, 0, 0, loc)
		last := time.Date(end.y, time.Month(end.m)+1, 0, 0, 0, 0, 0, loc)
		first := time.Date(start.y, time.Month(start.m), 1, 0, 0, 0, 0, loc)
		if !t.Before(first) && !t.After(last) {
			out = append(out, t)
		}
	}
	return out
}
