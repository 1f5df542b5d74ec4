package app_test

import (
	"slices"
	"testing"
	"time"

	"egovdesk/app"
)

func day(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 10, 0, 0, 0, cst) }

// newFiling makes a draft of kind k in project (none for a declaration),
// created at, with fill applied to it.
func newFiling(t *testing.T, k app.Kind, id, project string, at time.Time, fill func(f *app.Filing)) *app.Filing {
	t.Helper()
	f, err := app.NewFiling(k, id, id+"-r1", "unit-1", at)
	if err != nil {
		t.Fatal(err)
	}
	f.ProjectID = project
	if fill != nil {
		fill(f)
	}
	return f
}

// submitAt submits f at at and applies the bureau's actions, each a day later.
func submitAt(t *testing.T, f *app.Filing, at time.Time, actions ...app.Action) {
	t.Helper()
	if _, err := f.Submit(at, "李娟"); err != nil {
		t.Fatal(err)
	}
	for i, a := range actions {
		if _, err := f.Decide(at.AddDate(0, 0, i+1), "王审核", app.RoleReviewer, a, "同意"); err != nil {
			t.Fatal(err)
		}
	}
}

func dueOf(ds app.Dossier, id string) (app.DossierDeadline, bool) {
	i := slices.IndexFunc(ds.Deadlines, func(d app.DossierDeadline) bool { return d.ID == id })
	if i < 0 {
		return app.DossierDeadline{}, false
	}
	return ds.Deadlines[i], true
}

func ymd(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Format("2006-01-02")
}

// A 武汉 project from declaration to self-evaluation: the dossier's order,
// events and deadlines against dates counted by hand from 第十五条、第二十条、
// 第二十一条、第二十二条.
func TestDossierWuhanProject(t *testing.T) {
	p := MustProfiles(t)["wuhan"]
	d := newFiling(t, app.KindDeclaration, "p1", "", day(2026, 11, 1), func(f *app.Filing) {
		f.Declaration = declaration(t, "武汉城市大脑", "武汉市政务服务和大数据管理局", "2900")
		f.Declaration.PeriodStart, f.Declaration.PeriodEnd = "2027-03", "2028-06"
	})
	submitAt(t, d, day(2026, 11, 5), app.ActionAccept, app.ActionApprove) // approved 2026-11-07
	d.History[len(d.History)-1].Approved = app.Wans(3100)
	other := newFiling(t, app.KindDeclaration, "p2", "", day(2026, 11, 2), func(f *app.Filing) {
		f.Declaration = declaration(t, "另一个项目", "另一个单位", "10")
	})
	all := []*app.Filing{d, other}

	ds := p.Dossier("p1", all, day(2027, 5, 1))
	if ds.Name != "武汉城市大脑" || len(ds.Entries) != 1 || ds.Approved != app.Wans(3100) {
		t.Fatalf("dossier %+v", ds)
	}
	if ds.Route.Code != app.RouteCityGovernment || ds.Route.Basis != app.BasisApproved {
		t.Errorf("第十五条: 核定 3100 万元 goes to the city government: %+v", ds.Route)
	}
	if got := ymd(ds.Events[app.AnchorApproval]); got != "2026-11-07" {
		t.Errorf("approval event %s", got)
	}
	next, ok := ds.Next()
	if !ok || next.ID != "performance_report" || ymd(next.Due) != "2027-12-31" || next.Kind != app.KindPerformance || next.Type != "annual_report" {
		t.Fatalf("第二十条: next deadline %+v", next)
	}

	// Pre-fill of an adjustment: the approved investment, no lines (the
	// declared ones add up to 2900, not the approved 3100).
	pre := ds.Prefill(all, cst)
	adj, err := pre.NewFiling(app.KindAdjustment, "adj", "adj-r1", "unit-1", day(2027, 9, 1))
	if err != nil {
		t.Fatal(err)
	}
	if a := adj.Adjustment; adj.ProjectID != "p1" || a.ProjectName != "武汉城市大脑" || a.ApprovedTotal != app.Wans(3100) ||
		a.Before != nil || a.UnitName != "武汉市政务服务和大数据管理局" || a.AppliedOn != "2027-09-01" || a.Contact.Person != "李娟" {
		t.Errorf("pre-filled adjustment %+v", a)
	}

	annual := newFiling(t, app.KindPerformance, "perf2027", "p1", day(2027, 12, 1), func(f *app.Filing) {
		f.Performance = performance(app.PerformanceAnnual)
		f.Performance.Year = 2027
	})
	submitAt(t, annual, day(2027, 12, 20))
	all = append(all, annual)
	ds = p.Dossier("p1", all, day(2027, 12, 21))
	if dl, ok := dueOf(ds, "performance_report"); !ok || !dl.Met || dl.MetBy != "perf2027" {
		t.Errorf("the 2027 report meets 2027's year-end: %+v", dl)
	}
	// Before completion, 组织项目验收 is counted from the construction
	// period's declared end (2028-06), and says so.
	if next, ok := ds.Next(); !ok || next.ID != "acceptance" || ymd(next.Due) != "2028-12-30" || next.Planned != "2028-06" {
		t.Errorf("before completion the next deadline is %+v, want 组织项目验收 counted from the period's end", next)
	}

	acc := newFiling(t, app.KindAcceptance, "acc", "p1", day(2028, 7, 1), func(f *app.Filing) {
		f.Acceptance.ProjectName, f.Acceptance.CompletedOn, f.Acceptance.ApprovalRef = "武汉城市大脑", "2028-05-31", "武政〔2027〕3号"
	})
	submitAt(t, acc, day(2028, 8, 18), app.ActionAccept, app.ActionApprove) // accepted 2028-08-20
	golive := newFiling(t, app.KindGoLive, "live", "p1", day(2028, 3, 15), func(f *app.Filing) { f.GoLive.GoLiveOn = "2028-03-15" })
	submitAt(t, golive, day(2028, 3, 16))
	adj.Adjustment.Type = app.AdjustContent
	submitAt(t, adj, day(2027, 9, 2))
	all = append(all, acc, golive, adj)
	ds = p.Dossier("p1", all, day(2028, 9, 1))
	var kinds []app.Kind
	for _, e := range ds.Entries {
		kinds = append(kinds, e.Kind)
	}
	want := []app.Kind{app.KindDeclaration, app.KindAcceptance, app.KindAdjustment, app.KindGoLive, app.KindPerformance}
	if !slices.Equal(kinds, want) {
		t.Errorf("order %v, want %v", kinds, want)
	}
	if e := ds.Entries[0]; len(e.Decisions) != 2 || e.Decisions[1].Action != app.ActionApprove {
		t.Errorf("the declaration's decisions %+v", e.Decisions)
	}
	for id, wantDue := range map[string]string{"acceptance": "2028-11-30", "self_evaluation": "2030-03-15"} {
		dl, ok := dueOf(ds, id)
		if !ok || ymd(dl.Due) != wantDue {
			t.Errorf("%s due %s, want %s", id, ymd(dl.Due), wantDue)
		}
	}
	if dl, _ := dueOf(ds, "self_evaluation"); ymd(dl.Opens) != "2029-03-15" || dl.Met {
		t.Errorf("第二十二条 window opens %s", ymd(dl.Opens))
	}
	if dl, _ := dueOf(ds, "acceptance"); dl.Met {
		t.Errorf("第二十一条: the bureau's confirmation that acceptance may be organised met the six months: %+v", dl)
	}
	if dl, ok := dueOf(ds, "performance_report"); ok && (!dl.Met || dl.MetBy != "perf2027") {
		t.Errorf("第二十条: after the construction period only 2027's report, met: %+v", dl)
	}
	if dl, ok := dueOf(ds, "acceptance_filing"); !ok || dl.Known() || dl.Met || dl.Kind != app.KindAcceptanceFiling {
		t.Errorf("第二十一条 备案 after acceptance is owed once the bureau confirmed, undated (及时): %+v", dl)
	}
	if next, _ := ds.Next(); next.ID != "acceptance" {
		t.Errorf("next %+v, want the acceptance the unit is to organise", next)
	}
	// The unit organises the acceptance and files it with the 审批部门.
	af := newFiling(t, app.KindAcceptanceFiling, "af", "p1", day(2028, 8, 25), func(f *app.Filing) { f.AcceptanceFiling.AcceptedOn = "2028-08-20" })
	submitAt(t, af, day(2028, 8, 25))
	all = append(all, af)
	ds = p.Dossier("p1", all, day(2028, 9, 1))
	if dl, _ := dueOf(ds, "acceptance"); !dl.Met || dl.MetBy != "af" {
		t.Errorf("第二十一条: the unit's acceptance, filed, met the six months: %+v", dl)
	}
	if dl, _ := dueOf(ds, "acceptance_filing"); !dl.Met || dl.MetBy != "af" {
		t.Errorf("第二十一条 备案 after acceptance sent: %+v", dl)
	}
	// What the 验收后备案 met by being sent is its own 备案, not the
	// 组织项目验收 it records (an act of the unit's, whose date it carries):
	// its page read 逾期报送 against that (found in review).
	if by := ds.ByFiling["af"]; by.ID != "acceptance_filing" || by.LateDays() != 0 {
		t.Errorf("the 验收后备案 met %+v", by)
	}
	if next, _ := ds.Next(); next.ID != "self_evaluation" {
		t.Errorf("next %+v", next)
	}
	pre = ds.Prefill(all, cst)
	if pre.AcceptedOn != "2028-08-20" || pre.GoLiveOn != "2028-03-15" || pre.CompletedOn != "2028-05-31" ||
		pre.ApprovalRef != "武政〔2027〕3号" || pre.AcceptanceID != "acc" {
		t.Errorf("prefill %+v", pre)
	}
	self, _ := pre.NewFiling(app.KindPerformance, "self", "self-r1", "unit-1", day(2029, 4, 1))
	self.Performance.Type = app.PerformanceSelf
	if self.Performance.GoLiveOn != "2028-03-15" || self.Performance.PeriodEnd != "2028-06" {
		t.Errorf("pre-filled report %+v", self.Performance)
	}
	submitAt(t, self, day(2029, 4, 1))
	ds = p.Dossier("p1", append(all, self), day(2029, 4, 2))
	if dl, _ := dueOf(ds, "self_evaluation"); !dl.Met || dl.MetBy != "self" {
		t.Errorf("self-evaluation met: %+v", dl)
	}
}

// tianningAccepted is a 天宁 project approved in January 2026 and its
// acceptance application, approved on 2026-09-24.
func tianningAccepted(t *testing.T) (d, acc *app.Filing) {
	t.Helper()
	d = newFiling(t, app.KindDeclaration, "tn", "", day(2026, 1, 5), func(f *app.Filing) {
		f.Declaration = declaration(t, "天宁区智慧城管综合指挥平台", "天宁区城市管理局", "260")
	})
	submitAt(t, d, day(2026, 1, 10), app.ActionAccept, app.ActionApprove)
	acc = newFiling(t, app.KindAcceptance, "tn-acc", "tn", day(2026, 9, 1), func(f *app.Filing) { f.Acceptance.CompletedOn = "2026-08-20" })
	submitAt(t, acc, day(2026, 9, 22), app.ActionAccept, app.ActionApprove) // approved 2026-09-24
	return d, acc
}

// A 天宁 project to its post-acceptance 备案: 10 working days of the 2026
// calendar (解读 三、（二）), counted by hand: accepted Thu 2026-09-24;
// 09-25..27 and 10-01..07 are holidays, Sat 10-10 a working day: 09-28,
// 29, 30, 10-08, 09, 10, 12, 13, 14, 15.
func TestDossierTianningAcceptanceFiling(t *testing.T) {
	p := MustProfiles(t)["tianning"]
	d, acc := tianningAccepted(t)
	all := []*app.Filing{d, acc}

	ds := p.Dossier("tn", all, day(2026, 9, 25))
	next, ok := ds.Next()
	if !ok || next.ID != "acceptance_filing" || ymd(next.Due) != "2026-10-15" || next.Kind != app.KindAcceptanceFiling {
		t.Fatalf("next %+v", next)
	}
	if dl, _ := dueOf(ds, "self_evaluation"); ymd(dl.Due) != "2026-11-30" || dl.Type != "self_evaluation" {
		t.Errorf("解读 三、（二）（六） self-evaluation %+v", dl)
	}
	if late := p.Dossier("tn", all, day(2026, 10, 16)); !late.Deadlines[0].Overdue {
		t.Errorf("a day after the 10th working day it is overdue: %+v", late.Deadlines[0])
	}

	pre := ds.Prefill(all, cst)
	af, _ := pre.NewFiling(app.KindAcceptanceFiling, "tn-af", "tn-af-r1", "unit-1", day(2026, 10, 9))
	if a := af.AcceptanceFiling; a.AcceptedOn != "2026-09-24" || a.AcceptanceID != "tn-acc" || a.FiledOn != "2026-10-09" || a.ProjectName != "天宁区智慧城管综合指挥平台" {
		t.Fatalf("pre-filled acceptance filing %+v", a)
	}
	submitAt(t, af, day(2026, 10, 9), app.ActionReturn)
	all = append(all, af)
	if dl, _ := dueOf(p.Dossier("tn", all, day(2026, 10, 10)), "acceptance_filing"); dl.Met {
		t.Errorf("a filing returned for revision meets nothing: %+v", dl)
	}
	if err := af.Revise("tn-af-r2", day(2026, 10, 10)); err != nil {
		t.Fatal(err)
	}
	submitAt(t, af, day(2026, 10, 10), app.ActionFile)
	ds = p.Dossier("tn", all, day(2026, 10, 12))
	if dl, _ := dueOf(ds, "acceptance_filing"); !dl.Met {
		t.Errorf("filed on 2026-10-09: %+v", dl)
	}
	if next, _ := ds.Next(); next.ID != "self_evaluation" || ymd(next.Due) != "2026-11-30" {
		t.Errorf("next %+v", next)
	}
	self := newFiling(t, app.KindPerformance, "tn-self", "tn", day(2026, 11, 20), func(f *app.Filing) {
		f.Performance = performance(app.PerformanceSelf)
		f.Performance.Year = 2026
	})
	submitAt(t, self, day(2026, 11, 25))
	ds = p.Dossier("tn", append(all, self), day(2026, 11, 26))
	if dl, _ := dueOf(ds, "self_evaluation"); ymd(dl.Due) != "2027-11-30" || dl.Met {
		t.Errorf("2026's self-evaluation filed, 2027's is owed: %+v", dl)
	}
}

// 天宁 政策解读 三、（二）: a 验收后备案 sent a week after its 10 working
// days, and a self-evaluation sent after 11月底, are met late, and the
// dossier says by how much, for each year's report too.
func TestDossierSaysWhenADeadlineWasMetLate(t *testing.T) {
	p := MustProfiles(t)["tianning"]
	d, acc := tianningAccepted(t) // its 验收后备案 due 2026-10-15
	af := newFiling(t, app.KindAcceptanceFiling, "tn-af", "tn", day(2026, 10, 20), func(f *app.Filing) {
		f.AcceptanceFiling.AcceptanceID, f.AcceptanceFiling.AcceptedOn = "tn-acc", "2026-09-24"
	})
	submitAt(t, af, day(2026, 10, 22), app.ActionFile)
	self := func(id string, year int, sent time.Time) *app.Filing {
		f := newFiling(t, app.KindPerformance, id, "tn", sent, func(f *app.Filing) {
			f.Performance = performance(app.PerformanceSelf)
			f.Performance.Year = year
		})
		submitAt(t, f, sent)
		return f
	}
	s26, s27 := self("tn-self-26", 2026, day(2026, 11, 30)), self("tn-self-27", 2027, day(2027, 12, 3))
	ds := p.Dossier("tn", []*app.Filing{d, acc, af, s26, s27}, day(2027, 12, 10))

	dl, ok := dueOf(ds, "acceptance_filing")
	if !ok || !dl.Met || ymd(dl.MetOn) != "2026-10-22" || dl.LateDays() != 7 {
		t.Errorf("验收后备案 due 2026-10-15, sent 2026-10-22: met on %s, %d days late (%+v)", ymd(dl.MetOn), dl.LateDays(), dl)
	}
	if by := ds.ByFiling["tn-af"]; by.ID != "acceptance_filing" || by.LateDays() != 7 {
		t.Errorf("by filing: %+v", by)
	}
	if by := ds.ByFiling["tn-self-26"]; ymd(by.Due) != "2026-11-30" || by.LateDays() != 0 || !by.Met {
		t.Errorf("2026's self-evaluation sent on its last day is on time: %+v", by)
	}
	if by := ds.ByFiling["tn-self-27"]; ymd(by.Due) != "2027-11-30" || by.LateDays() != 3 {
		t.Errorf("2027's sent 2027-12-03 is 3 days late: %+v (late %d)", by, by.LateDays())
	}
	if dl, _ := dueOf(ds, "self_evaluation"); ymd(dl.Due) != "2028-11-30" || dl.Met || dl.LateDays() != 0 {
		t.Errorf("2028's is owed: %+v", dl)
	}
	if by, ok := ds.ByFiling["tn-acc"]; ok {
		t.Errorf("the acceptance application meets no 天宁 deadline: %+v", by)
	}

	// A year missed: 2027's report, sent 2027-12-20, is 20 days late
	// against its own year's 11月底, though 2026's was never sent (the walk
	// of the years stopped at 2026 and left it unmarked; found in review).
	s27 = self("tn-self-27b", 2027, day(2027, 12, 20))
	ds = p.Dossier("tn", []*app.Filing{d, acc, af, s27}, day(2027, 12, 21))
	if by := ds.ByFiling["tn-self-27b"]; ymd(by.Due) != "2027-11-30" || by.LateDays() != 20 {
		t.Errorf("2027's report after 2026's missed: %+v, %d days late", by, by.LateDays())
	}
	if dl, _ := dueOf(ds, "self_evaluation"); ymd(dl.Due) != "2026-11-30" || !dl.Overdue {
		t.Errorf("2026's is still owed, overdue: %+v", dl)
	}
}

// 霍邱 六、第四部分: O&M filed by year from go-live; the date is the
// bureau's own (addition).
func TestDossierHuoqiuOMYears(t *testing.T) {
	p := MustProfiles(t)["huoqiu"]
	d := newFiling(t, app.KindDeclaration, "hq", "", day(2026, 5, 1), func(f *app.Filing) {
		f.Declaration = declaration(t, "霍邱县城关镇智慧社区管理平台", "霍邱县城关镇人民政府", "180")
	})
	ds := p.Dossier("hq", []*app.Filing{d}, day(2027, 7, 1))
	if dl, ok := dueOf(ds, "om_filing"); !ok || dl.Known() || !dl.Addition {
		t.Fatalf("before go-live the O&M filing is undated: %+v", dl)
	}
	if pre := ds.Prefill([]*app.Filing{d}, cst); pre.Estimate != app.Wans(180) || len(pre.Budget) != 1 || pre.Approved {
		t.Errorf("without an approved investment the declared total and lines: %+v", pre)
	}
	live := newFiling(t, app.KindGoLive, "hq-live", "hq", day(2027, 6, 1), func(f *app.Filing) { f.GoLive.GoLiveOn = "2027-06-01" })
	draft := newFiling(t, app.KindGoLive, "hq-live2", "hq", day(2027, 6, 2), func(f *app.Filing) { f.GoLive.GoLiveOn = "2027-01-01" })
	submitAt(t, live, day(2027, 6, 2))
	all := []*app.Filing{d, live, draft}
	ds = p.Dossier("hq", all, day(2027, 7, 1))
	if ymd(ds.Events[app.AnchorGoLive]) != "2027-06-01" {
		t.Errorf("a draft go-live does not count: %s", ymd(ds.Events[app.AnchorGoLive]))
	}
	if dl, _ := dueOf(ds, "om_filing"); ymd(dl.Due) != "2027-12-31" || !dl.Addition || dl.Kind != app.KindOMFiling {
		t.Errorf("first O&M year: %+v", dl)
	}
	om := newFiling(t, app.KindOMFiling, "hq-om", "hq", day(2027, 12, 1), func(f *app.Filing) { f.OMFiling.Year = 2027 })
	submitAt(t, om, day(2027, 12, 10))
	ds = p.Dossier("hq", append(all, om), day(2027, 12, 11))
	if dl, _ := dueOf(ds, "om_filing"); ymd(dl.Due) != "2028-12-31" || dl.Met {
		t.Errorf("2027 filed, 2028 owed: %+v", dl)
	}
	var nilProf *app.Profile
	if ds := nilProf.Dossier("hq", all, day(2027, 7, 1)); len(ds.Entries) != 3 || ds.Deadlines != nil {
		t.Errorf("without a profile: entries only, %+v", ds)
	}

	// A system live since 2025, whose project came to egovdesk on
	// 2027-12-01: its 2025 report, sent now, is no late filing of a year
	// this project owed here (the page read 逾期 341 天 beside the note that
	// such years are not counted; a walkthrough); its 2027 one, sent
	// 2028-01-10, is 10 days late.
	old := newFiling(t, app.KindDeclaration, "old", "", day(2027, 11, 1), func(f *app.Filing) {
		f.Declaration = declaration(t, "霍邱县城关镇政务外网", "霍邱县城关镇人民政府", "180")
	})
	submitAt(t, old, day(2027, 12, 1), app.ActionAccept, app.ActionApprove)
	oldLive := newFiling(t, app.KindGoLive, "old-live", "old", day(2027, 12, 3), func(f *app.Filing) { f.GoLive.GoLiveOn = "2025-03-01" })
	submitAt(t, oldLive, day(2027, 12, 3))
	y25 := newFiling(t, app.KindOMFiling, "old-25", "old", day(2027, 12, 4), func(f *app.Filing) { f.OMFiling.Year = 2025 })
	submitAt(t, y25, day(2027, 12, 5))
	y27 := newFiling(t, app.KindOMFiling, "old-27", "old", day(2028, 1, 9), func(f *app.Filing) { f.OMFiling.Year = 2027 })
	submitAt(t, y27, day(2028, 1, 10))
	ds = p.Dossier("old", []*app.Filing{old, oldLive, y25, y27}, day(2028, 1, 11))
	if by, ok := ds.ByFiling["old-25"]; ok && by.LateDays() > 0 {
		t.Errorf("2025's report, a year before the project came here, is called late: %+v", by)
	}
	if by := ds.ByFiling["old-27"]; by.LateDays() != 10 {
		t.Errorf("2027's report sent 2028-01-10: %+v, %d days late", by, by.LateDays())
	}
}

// 武汉 第二十一条 "信息化项目建成后半年内…组织项目验收": the deadline counted
// from 建成 is met once the project passed acceptance (the bureau approved
// or filed its acceptance application), not when the application is only
// sent, returned or refused; the dossier and the home screen (from the
// store's anchors) say the same. Completed 2027-05-31: due 2027-11-30.
func TestDossierAcceptanceDeadlineMetOnAcceptance(t *testing.T) {
	p := MustProfiles(t)["wuhan"]
	tests := []struct {
		name    string
		actions []app.Action // the bureau's decisions on the application sent 2027-06-10
		met     bool
	}{
		{"sent, undecided: still owed", nil, false},
		{"accepted for review: still owed", []app.Action{app.ActionAccept}, false},
		{"returned for revision: owed", []app.Action{app.ActionAccept, app.ActionReturn}, false},
		{"refused (不予确认): owed", []app.Action{app.ActionAccept, app.ActionReject}, false},
		// 第二十一条: the bureau confirms that acceptance may be organised;
		// the unit then organises it and files it (below).
		{"confirmed (确认可组织验收): still owed", []app.Action{app.ActionAccept, app.ActionApprove}, false},
		{"confirmed, the acceptance filed: met", []app.Action{app.ActionAccept, app.ActionApprove}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newFiling(t, app.KindDeclaration, "p1", "", day(2026, 11, 1), func(f *app.Filing) {
				f.Declaration = declaration(t, "武汉城市大脑", "武汉市政务服务和大数据管理局", "180")
				f.Declaration.PeriodStart, f.Declaration.PeriodEnd = "2027-01", "2027-05"
			})
			submitAt(t, d, day(2026, 11, 5), app.ActionAccept, app.ActionApprove)
			acc := newFiling(t, app.KindAcceptance, "acc", "p1", day(2027, 6, 1), func(f *app.Filing) {
				f.Acceptance.ProjectName, f.Acceptance.CompletedOn = "武汉城市大脑", "2027-05-31"
			})
			submitAt(t, acc, day(2027, 6, 10), tt.actions...)
			fs := []*app.Filing{d, acc}
			if tt.met {
				af := newFiling(t, app.KindAcceptanceFiling, "af", "p1", day(2027, 6, 28), func(f *app.Filing) { f.AcceptanceFiling.AcceptedOn = "2027-06-25" })
				submitAt(t, af, day(2027, 6, 28))
				fs = append(fs, af)
			}
			now := day(2027, 7, 1)
			ds := p.Dossier("p1", fs, now)
			dl, ok := dueOf(ds, "acceptance")
			if !ok || ymd(dl.Due) != "2027-11-30" {
				t.Fatalf("组织项目验收 %+v (listed %v), want due 2027-11-30", dl, ok)
			}
			if dl.Met != tt.met || tt.met && dl.MetBy != "af" {
				t.Errorf("dossier: met %v by %q, want %v", dl.Met, dl.MetBy, tt.met)
			}
			var anchors []app.FilingAnchors
			for _, f := range fs {
				anchors = append(anchors, app.AnchorsOf(f))
			}
			var home []string
			for _, pd := range p.ProjectDeadlines(anchors, now) {
				home = append(home, pd.ID+" "+ymd(pd.Due))
			}
			want := []string{"acceptance 2027-11-30"}
			if tt.met {
				want = nil
			}
			if !slices.Equal(home, want) {
				t.Errorf("home screen %v, want %v", home, want)
			}
		})
	}
}

// A system live since 2022 whose project first comes to the bureau through
// egovdesk in February 2026 owes here its O&M filings from 2026 on: the
// years before (filed on paper, if at all) are not shown overdue, in the
// dossier or on the home screen, and the dossier says from when it
// counts. A project in egovdesk since before its go-live owes every year.
// The first submission counts, not a later one after a return.
func TestYearlyFilingsCountFromTheFirstSubmission(t *testing.T) {
	p := MustProfiles(t)["huoqiu"]
	project := func(sent time.Time, goLive string) []*app.Filing {
		d := newFiling(t, app.KindDeclaration, "hq", "", sent.AddDate(0, 0, -7), func(f *app.Filing) {
			f.Declaration = declaration(t, "霍邱县城关镇智慧社区管理平台", "霍邱县城关镇人民政府", "180")
		})
		submitAt(t, d, sent, app.ActionAccept, app.ActionReturn)
		if err := d.Revise("hq-r2", sent.AddDate(0, 0, 20)); err != nil {
			t.Fatal(err)
		}
		submitAt(t, d, sent.AddDate(0, 1, 0), app.ActionAccept, app.ActionApprove) // the revision, a month later
		live := newFiling(t, app.KindGoLive, "hq-live", "hq", sent.AddDate(0, 1, 5), func(f *app.Filing) { f.GoLive.GoLiveOn = goLive })
		submitAt(t, live, sent.AddDate(0, 1, 6))
		return []*app.Filing{d, live}
	}
	home := func(fs []*app.Filing, now time.Time) []string {
		var anchors []app.FilingAnchors
		for _, f := range fs {
			anchors = append(anchors, app.AnchorsOf(f))
		}
		var out []string
		for _, dl := range p.ProjectDeadlines(anchors, now) {
			if dl.ID == "om_filing" {
				out = append(out, ymd(dl.Due))
			}
		}
		return out
	}
	now := day(2026, 6, 1)

	fs := project(day(2026, 2, 10), "2022-05-01")
	if got := app.FirstSubmitted(fs[0]); !got.Equal(day(2026, 2, 10)) {
		t.Errorf("first submitted %v, want 2026-02-10 (not the revision's)", got)
	}
	ds := p.Dossier("hq", fs, now)
	dl, ok := dueOf(ds, "om_filing")
	if !ok || ymd(dl.Due) != "2026-12-31" || dl.Overdue || ymd(dl.Since) != "2026-02-10" {
		t.Errorf("live since 2022, in egovdesk since 2026-02-10: due %s overdue %v since %s, want 2026-12-31, not overdue, since 2026-02-10",
			ymd(dl.Due), dl.Overdue, ymd(dl.Since))
	}
	if got := home(fs, now); !slices.Equal(got, []string{"2026-12-31"}) {
		t.Errorf("home screen: %v, want [2026-12-31]", got)
	}
	om := newFiling(t, app.KindOMFiling, "hq-om", "hq", day(2026, 11, 1), func(f *app.Filing) { f.OMFiling.Year = 2026 })
	submitAt(t, om, day(2026, 11, 2))
	if dl, _ := dueOf(p.Dossier("hq", append(fs, om), day(2026, 11, 3)), "om_filing"); ymd(dl.Due) != "2027-12-31" || dl.Met {
		t.Errorf("2026 filed, 2027 owed: %+v", dl)
	}

	// Sent from a computer whose clock was four years ahead: the years due
	// by today are still owed.
	fs = project(day(2030, 3, 1), "2022-05-01")
	dl, _ = dueOf(p.Dossier("hq", fs, now), "om_filing")
	if ymd(dl.Due) != "2026-12-31" || ymd(dl.Since) != ymd(now) {
		t.Errorf("first submission dated 2030: due %s since %s, want 2026-12-31 since today", ymd(dl.Due), ymd(dl.Since))
	}
	if got := home(fs, now); !slices.Equal(got, []string{"2026-12-31"}) {
		t.Errorf("home screen, first submission dated 2030: %v, want [2026-12-31]", got)
	}

	// In egovdesk since 2021, live since 2022: 2022's is owed, overdue.
	fs = project(day(2021, 11, 10), "2022-05-01")
	dl, _ = dueOf(p.Dossier("hq", fs, now), "om_filing")
	if ymd(dl.Due) != "2022-12-31" || !dl.Overdue || !dl.Since.IsZero() {
		t.Errorf("in egovdesk before its go-live: due %s overdue %v since %s, want 2022-12-31, overdue, no since",
			ymd(dl.Due), dl.Overdue, ymd(dl.Since))
	}
	if got := home(fs, now); !slices.Equal(got, []string{"2022-12-31"}) {
		t.Errorf("home screen: %v, want [2022-12-31]", got)
	}
}

// A declaration still drafted whose construction began last year (武汉
// 第二十条, a report each year of the period) asks for this year's report,
// not last year's as overdue, and names no first submission.
func TestDraftDeclarationOwesNoPastYears(t *testing.T) {
	p := MustProfiles(t)["wuhan"]
	d := newFiling(t, app.KindDeclaration, "p1", "", day(2027, 2, 1), func(f *app.Filing) {
		f.Declaration = declaration(t, "武汉城市大脑", "武汉市政务服务和大数据管理局", "2900")
		f.Declaration.PeriodStart, f.Declaration.PeriodEnd = "2026-03", "2028-06"
	})
	dl, ok := dueOf(p.Dossier("p1", []*app.Filing{d}, day(2027, 2, 2)), "performance_report")
	if !ok || ymd(dl.Due) != "2027-12-31" || dl.Overdue || !dl.Since.IsZero() {
		t.Errorf("drafted: due %s overdue %v since %s, want 2027-12-31, not overdue, no since", ymd(dl.Due), dl.Overdue, ymd(dl.Since))
	}
	submitAt(t, d, day(2027, 2, 3))
	dl, _ = dueOf(p.Dossier("p1", []*app.Filing{d}, day(2027, 2, 4)), "performance_report")
	if ymd(dl.Due) != "2027-12-31" || ymd(dl.Since) != "2027-02-03" {
		t.Errorf("sent 2027-02-03: due %s since %s, want 2027-12-31 since 2027-02-03", ymd(dl.Due), ymd(dl.Since))
	}
}

// 郁南 第二十一条: a professional project is reported for 验收前置审核 and then
// accepted by its unit, which files the report; a public project's
// acceptance is the bureau's own. So the bureau's approval of a
// professional project's acceptance application is no 通过验收: the
// 验收后备案 is owed from it and records the acceptance, from which 应用效果
// 自评价 counts (第二十三条, 12 months on); a public project's approval is.
func TestDossierYunanPreAcceptanceReview(t *testing.T) {
	p := MustProfiles(t)["yunan"]
	project := func(id string, class app.Class) []*app.Filing {
		d := newFiling(t, app.KindDeclaration, id, "", day(2025, 9, 5), func(f *app.Filing) {
			f.Declaration = declaration(t, "郁南县智慧农业平台", "郁南县农业农村局", "120")
			f.Declaration.Class = class
		})
		submitAt(t, d, day(2025, 9, 10), app.ActionAccept, app.ActionApprove)
		acc := newFiling(t, app.KindAcceptance, id+"-acc", id, day(2026, 9, 1), func(f *app.Filing) { f.Acceptance.CompletedOn = "2026-08-20" })
		submitAt(t, acc, day(2026, 9, 22), app.ActionAccept, app.ActionApprove) // approved 2026-09-24
		return []*app.Filing{d, acc}
	}
	if !p.UnitAccepts(project("pro", app.ClassProfessional)[0].Declaration) || p.UnitAccepts(project("pub", app.ClassPublic)[0].Declaration) {
		t.Fatal("郁南: the unit accepts a professional project, the bureau a public one")
	}

	// professional: reviewed, not accepted; the 验收后备案 is owed
	pro := project("pro", app.ClassProfessional)
	ds := p.Dossier("pro", pro, day(2026, 9, 25))
	if at, ok := ds.Events[app.AnchorAcceptance]; ok {
		t.Errorf("the review's approval read as 通过验收 %s", ymd(at))
	}
	if dl, ok := dueOf(ds, "acceptance_report_filing"); !ok || dl.Met {
		t.Errorf("the 验收后备案 is not owed after the review: %+v (%v)", dl, ok)
	}
	if dl, _ := dueOf(ds, "self_evaluation"); dl.Known() {
		t.Errorf("自评价 counted before the unit's acceptance: %+v", dl)
	}
	if pre := ds.Prefill(pro, cst); pre.AcceptedOn != "" {
		t.Errorf("验收通过日期 prefilled from the review: %q", pre.AcceptedOn)
	}
	af := newFiling(t, app.KindAcceptanceFiling, "pro-af", "pro", day(2026, 10, 20), func(f *app.Filing) {
		f.AcceptanceFiling.AcceptedOn = "2026-10-15"
	})
	submitAt(t, af, day(2026, 10, 20))
	ds = p.Dossier("pro", append(pro, af), day(2026, 10, 21))
	if at := ds.Events[app.AnchorAcceptance]; ymd(at) != "2026-10-15" {
		t.Errorf("通过验收 %s, want the unit's 2026-10-15", ymd(at))
	}
	if dl, _ := dueOf(ds, "self_evaluation"); ymd(dl.Due) != "2027-10-15" {
		t.Errorf("自评价 due %s, want 12 months after the unit's acceptance", ymd(dl.Due))
	}
	if dl, _ := dueOf(ds, "acceptance_report_filing"); !dl.Met || dl.MetBy != "pro-af" {
		t.Errorf("the 验收后备案 sent: %+v", dl)
	}

	// the home panel counts alike, from the store's anchors
	anchors := func(fs []*app.Filing) (out []app.FilingAnchors) {
		for _, f := range fs {
			out = append(out, app.AnchorsOf(f))
		}
		return out
	}
	selfDue := func(fs []*app.Filing) string {
		for _, pd := range p.ProjectDeadlines(anchors(fs), day(2026, 9, 25)) {
			if pd.ID == "self_evaluation" {
				return ymd(pd.Due)
			}
		}
		return "-"
	}
	if got := selfDue(pro); got != "-" {
		t.Errorf("the home panel counts 自评价 from the review: %s", got)
	}
	if got := selfDue(project("pub", app.ClassPublic)); got != "2027-09-24" {
		t.Errorf("the home panel's 自评价 of a public project: %s", got)
	}

	// public: the bureau's approval is the acceptance
	ds = p.Dossier("pub", project("pub", app.ClassPublic), day(2026, 9, 25))
	if at := ds.Events[app.AnchorAcceptance]; ymd(at) != "2026-09-24" {
		t.Errorf("a public project's 通过验收 %s, want the bureau's approval of 2026-09-24", ymd(at))
	}
	if dl, _ := dueOf(ds, "self_evaluation"); ymd(dl.Due) != "2027-09-24" {
		t.Errorf("a public project's 自评价 due %s", ymd(dl.Due))
	}
}

// A declaration sent after its plan year's 申报截止 met it late: 六安's
// 7月前 and 郁南's 11月底 passed silently (a review of both profiles). The
// bureau's own step counted from the plan year (六安's 初审及专家集中审查
// 论证结束) is not the declaration's to meet late.
func TestDossierSaysADeclarationCameAfterItsDeadline(t *testing.T) {
	ps := MustProfiles(t)
	for _, c := range []struct {
		profile, deadline string
		sent              time.Time
		late              int
	}{
		{"luan", "declare", day(2026, 9, 5), 67},      // due 2026-06-30
		{"yunan", "demand_plan", day(2026, 12, 5), 5}, // due 2026-11-30
		{"yunan", "demand_plan", day(2026, 11, 30), 0},
	} {
		d := newFiling(t, app.KindDeclaration, "d", "", day(2026, 5, 1), func(f *app.Filing) {
			f.Declaration = declaration(t, "城关镇智慧社区综合服务平台", "城关镇人民政府", "80")
			f.Declaration.PlanYear = 2027
		})
		submitAt(t, d, c.sent)
		ds := ps[c.profile].Dossier("d", []*app.Filing{d}, c.sent.AddDate(0, 0, 1))
		by, ok := ds.ByFiling["d"]
		if !ok || by.ID != c.deadline || by.LateDays() != c.late {
			t.Errorf("%s, sent %s: the declaration met %+v, %d days late; want %s, %d", c.profile, ymd(c.sent), by, by.LateDays(), c.deadline, c.late)
		}
		if dl, ok := dueOf(ds, "expert_review"); ok && (!dl.Bureau || dl.LateDays() != 0) {
			t.Errorf("%s: the bureau's review step reads as the declaration's, late: %+v", c.profile, dl)
		}
	}
	// 郁南 第八条: an urgent project (紧急项目，申请补充列入) is declared when
	// it arises, not by 第七条's 11月底; it read 逾期 372 天 (a walkthrough).
	for _, profile := range []string{"yunan", "luan", "huoqiu"} {
		d := newFiling(t, app.KindDeclaration, "u", "", day(2026, 5, 1), func(f *app.Filing) {
			f.Declaration = declaration(t, "城关镇应急指挥视频会商系统", "城关镇人民政府", "80")
			f.Declaration.PlanYear, f.Declaration.Plan = 2027, app.PlanUrgent
		})
		submitAt(t, d, day(2026, 12, 5))
		ds := ps[profile].Dossier("u", []*app.Filing{d}, day(2026, 12, 6))
		if by, ok := ds.ByFiling["u"]; ok {
			t.Errorf("%s: an urgent project met %+v", profile, by)
		}
		for _, dl := range ds.Deadlines {
			if dl.Anchor == app.AnchorPlanYear {
				t.Errorf("%s: an urgent project owes the annual %s", profile, dl.Label)
			}
		}
	}
}

// A project ended by a 项目终止 (郁南 第二十条) owes no more: once the
// termination reaches the bureau, the dossier keeps only the deadlines met
// and says when; one refused ends nothing. 逾期事项 listed a terminated
// project as 逾期 19 天 on its approval's validity (found in review).
func TestTerminatedProjectOwesNoMore(t *testing.T) {
	p := MustProfiles(t)["yunan"]
	d := newFiling(t, app.KindDeclaration, "p1", "", day(2026, 3, 1), func(f *app.Filing) {
		f.Declaration = declaration(t, "郁南县智慧农业平台", "郁南县农业农村局", "120")
	})
	submitAt(t, d, day(2026, 3, 2), app.ActionAccept, app.ActionPass, app.ActionApprove)
	later := day(2028, 6, 1) // past the approval's two years
	if dl, ok := dueOf(p.Dossier("p1", []*app.Filing{d}, later), "approval_expiry"); !ok || !dl.Overdue {
		t.Fatalf("the approval's validity before any termination: %+v", dl)
	}
	end := newFiling(t, app.KindAdjustment, "end", "p1", day(2027, 1, 1), func(f *app.Filing) {
		f.Adjustment = &app.Adjustment{ProjectName: "郁南县智慧农业平台", Type: app.AdjustTerminate, TerminatedOn: "2026-12-31"}
	})
	submitAt(t, end, day(2027, 1, 5))
	ds := p.Dossier("p1", []*app.Filing{d, end}, later)
	if ymd(ds.Terminated) != "2027-01-05" || slices.ContainsFunc(ds.Deadlines, func(dl app.DossierDeadline) bool { return !dl.Met }) {
		t.Errorf("terminated %s, deadlines %+v", ymd(ds.Terminated), ds.Deadlines)
	}
	if _, err := end.Decide(day(2027, 1, 6), "王审核", app.RoleReviewer, app.ActionReject, "终止理由不充分"); err != nil {
		t.Fatal(err)
	}
	ds = p.Dossier("p1", []*app.Filing{d, end}, later)
	if dl, ok := dueOf(ds, "approval_expiry"); !ds.Terminated.IsZero() || !ok || !dl.Overdue {
		t.Errorf("a refused termination ended the project: %s, %+v", ymd(ds.Terminated), dl)
	}
}
