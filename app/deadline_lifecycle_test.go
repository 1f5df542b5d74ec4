package app_test

import (
	"slices"
	"testing"
	"time"

	"egovdesk/app"
)

// The home screen's deadlines come from the anchors a store keeps, never
// a document: they carry the go-live date, the construction period and
// which later filings were sent, so a 武汉 project's deadlines appear and
// go as the dossier's do (第二十条 yearly report in the construction
// period, 第二十二条 self-evaluation 12–24 months after go-live).
func TestProjectDeadlinesFromLaterFilings(t *testing.T) {
	p := MustProfiles(t)["wuhan"]
	d := approvedWuhanProject(t, "2900", "2027-03", "2028-06", day(2026, 11, 5))
	due := func(fs []*app.Filing, now time.Time) []string {
		var anchors []app.FilingAnchors
		for _, f := range fs {
			anchors = append(anchors, app.AnchorsOf(f))
		}
		var out []string
		for _, dl := range p.ProjectDeadlines(anchors, now) {
			out = append(out, dl.ID+" "+ymd(dl.Due))
		}
		return out
	}
	all := []*app.Filing{d}
	if got := due(all, day(2027, 5, 1)); !slices.Contains(got, "performance_report 2027-12-31") {
		t.Errorf("第二十条: the 2027 report is due by the year-end: %v", got)
	}
	annual := newFiling(t, app.KindPerformance, "perf2027", "p1", day(2027, 12, 1), func(f *app.Filing) {
		f.Performance = performance(app.PerformanceAnnual)
		f.Performance.Year = 2027
	})
	all = append(all, annual)
	if got := due(all, day(2027, 12, 21)); !slices.Contains(got, "performance_report 2027-12-31") {
		t.Errorf("a draft report meets nothing: %v", got)
	}
	submitAt(t, annual, day(2027, 12, 20))
	if got := due(all, day(2027, 12, 21)); slices.ContainsFunc(got, func(s string) bool { return s[:18] == "performance_report" }) {
		t.Errorf("the sent 2027 report met the year-end: %v", got)
	}

	golive := newFiling(t, app.KindGoLive, "live", "p1", day(2028, 3, 15), func(f *app.Filing) { f.GoLive.GoLiveOn = "2028-03-15" })
	all = append(all, golive)
	if got := due(all, day(2028, 4, 1)); slices.ContainsFunc(got, func(s string) bool { return s[:15] == "self_evaluation" }) {
		t.Errorf("a go-live still drafted records no go-live: %v", got)
	}
	submitAt(t, golive, day(2028, 3, 16))
	if got := due(all, day(2028, 4, 1)); !slices.Contains(got, "self_evaluation 2030-03-15") {
		t.Errorf("第二十二条: self-evaluation 24 months after go-live: %v", got)
	}
	self := newFiling(t, app.KindPerformance, "self", "p1", day(2029, 4, 1), func(f *app.Filing) {
		f.Performance = performance(app.PerformanceSelf)
		f.Performance.GoLiveOn = "2028-03-15"
	})
	submitAt(t, self, day(2029, 4, 1))
	all = append(all, self)
	if got := due(all, day(2029, 4, 2)); slices.ContainsFunc(got, func(s string) bool { return s[:15] == "self_evaluation" }) {
		t.Errorf("the sent self-evaluation met it: %v", got)
	}
}

// 武汉 第二十条 "在建设期内每年年末之前": the home screen shows the report of
// each year whose year-end lies within the construction period
// (period_start..period_end), the next one once this year's is sent, and
// none after the period; a project outside 武汉's construction-yearly rule
// (天宁, whose self-evaluation is by the end of every November) is not
// given it.
func TestProjectDeadlinesEachConstructionYear(t *testing.T) {
	profs := MustProfiles(t)
	p := profs["wuhan"]
	d := newFiling(t, app.KindDeclaration, "p1", "", day(2026, 11, 1), func(f *app.Filing) {
		f.Declaration = declaration(t, "武汉城市大脑", "武汉市政务服务和大数据管理局", "2900")
		f.Declaration.PeriodStart, f.Declaration.PeriodEnd = "2027-03", "2028-12"
	})
	submitAt(t, d, day(2026, 11, 5), app.ActionAccept, app.ActionApprove)
	reports := func(prof *app.Profile, fs []*app.Filing, now time.Time) []string {
		var anchors []app.FilingAnchors
		for _, f := range fs {
			anchors = append(anchors, app.AnchorsOf(f))
		}
		var out []string
		for _, dl := range prof.ProjectDeadlines(anchors, now) {
			if dl.ID == "performance_report" {
				out = append(out, ymd(dl.Due))
			}
		}
		return out
	}
	all := []*app.Filing{d}
	if got := reports(p, all, day(2026, 12, 1)); !slices.Equal(got, []string{"2027-12-31"}) {
		t.Errorf("before the period the first report is 2027's: %v", got)
	}
	annual := newFiling(t, app.KindPerformance, "perf2027", "p1", day(2027, 12, 1), func(f *app.Filing) {
		f.Performance = performance(app.PerformanceAnnual)
		f.Performance.Year = 2027
	})
	submitAt(t, annual, day(2027, 12, 20))
	all = append(all, annual)
	if got := reports(p, all, day(2027, 12, 21)); !slices.Equal(got, []string{"2028-12-31"}) {
		t.Errorf("with 2027's sent, 2028's is next: %v", got)
	}
	// 2028's was never sent: after the period it is still owed, overdue,
	// not dropped because the calendar passed it.
	if got := reports(p, all, day(2029, 1, 1)); !slices.Equal(got, []string{"2028-12-31"}) {
		t.Errorf("after the period the unsent 2028 report is still owed: %v", got)
	}
	annual2028 := newFiling(t, app.KindPerformance, "perf2028", "p1", day(2029, 1, 2), func(f *app.Filing) {
		f.Performance = performance(app.PerformanceAnnual)
		f.Performance.Year = 2028
	})
	submitAt(t, annual2028, day(2029, 1, 3))
	if got := reports(p, append(all, annual2028), day(2029, 1, 4)); len(got) != 0 {
		t.Errorf("with both years sent, after the period no report is due: %v", got)
	}
	if got := reports(profs["tianning"], all, day(2027, 5, 1)); len(got) != 0 {
		t.Errorf("天宁 has no construction-yearly report: %v", got)
	}
}

// 天宁 政策解读 三、（二）（六）"每年 11 月底开展项目建设管理绩效自评价，
// 并报送区数据局": the yearly date is each approved project's, met by the
// self-evaluation the project sends for that year; then next year's is
// owed. A project not approved owes none.
func TestProjectDeadlinesYearlySelfEvaluationPerProject(t *testing.T) {
	p := MustProfiles(t)["tianning"]
	if !p.ProjectOwned("self_evaluation") {
		t.Fatal("天宁's self-evaluation is not a later filing's")
	}
	d := newFiling(t, app.KindDeclaration, "p1", "", day(2026, 3, 1), func(f *app.Filing) {
		f.Declaration = declaration(t, "天宁区智慧城管平台", "天宁区城市管理局", "120")
	})
	due := func(fs []*app.Filing, now time.Time) []string {
		var anchors []app.FilingAnchors
		for _, f := range fs {
			anchors = append(anchors, app.AnchorsOf(f))
		}
		var out []string
		for _, dl := range p.ProjectDeadlines(anchors, now) {
			if dl.ID == "self_evaluation" {
				out = append(out, dl.Project+" "+ymd(dl.Due))
			}
		}
		return out
	}
	if got := due([]*app.Filing{d}, day(2026, 5, 1)); len(got) != 0 {
		t.Errorf("a project not approved owes no self-evaluation: %v", got)
	}
	submitAt(t, d, day(2026, 3, 10), app.ActionAccept, app.ActionApprove)
	if got := due([]*app.Filing{d}, day(2026, 5, 1)); !slices.Equal(got, []string{"p1 2026-11-30"}) {
		t.Errorf("approved, the self-evaluation is owed by the end of November: %v", got)
	}
	self := newFiling(t, app.KindPerformance, "self2026", "p1", day(2026, 11, 20), func(f *app.Filing) {
		f.Performance = performance(app.PerformanceSelf)
		f.Performance.Year = 2026
	})
	submitAt(t, self, day(2026, 11, 25))
	if got := due([]*app.Filing{d, self}, day(2026, 11, 26)); !slices.Equal(got, []string{"p1 2027-11-30"}) {
		t.Errorf("with 2026's sent, 2027's is owed: %v", got)
	}
}

// approvedWuhanProject is project p1, 武汉城市大脑 of wan 万元 over the
// construction period start to end (YYYY-MM), sent at sent and approved
// (accepted and approved a day apart after it).
func approvedWuhanProject(t *testing.T, wan, start, end string, sent time.Time) *app.Filing {
	t.Helper()
	d := newFiling(t, app.KindDeclaration, "p1", "", sent.AddDate(0, 0, -4), func(f *app.Filing) {
		f.Declaration = declaration(t, "武汉城市大脑", "武汉市政务服务和大数据管理局", wan)
		f.Declaration.PeriodStart, f.Declaration.PeriodEnd = start, end
	})
	submitAt(t, d, sent, app.ActionAccept, app.ActionApprove)
	return d
}
