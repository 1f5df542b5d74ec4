package app_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"egovdesk/app"
)

func TestProjectDeadlines(t *testing.T) {
	ps := MustProfiles(t)
	at := func(y int, m time.Month, d, h int) time.Time { return time.Date(y, m, d, h, 30, 0, 0, cst) }
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, cst)
	decl := func(id, total string, approved time.Time) app.FilingAnchors {
		d := declaration(t, "项目"+id, "示范单位", total)
		return app.FilingAnchors{Kind: app.KindDeclaration, Project: id, Name: d.ProjectName,
			ApprovedAt: approved, Facts: app.FactsOf(d)}
	}
	acc := func(project, name, completed string, accepted time.Time) app.FilingAnchors {
		return app.FilingAnchors{Kind: app.KindAcceptance, Project: project, Name: name,
			CompletedOn: completed, AcceptedAt: accepted}
	}
	// filed is the unit's 验收后备案, sent, saying when the project passed
	// the acceptance the unit organised.
	filed := func(project, on string) app.FilingAnchors {
		return app.FilingAnchors{Kind: app.KindAcceptanceFiling, Project: project, ID: "af-" + project, Sent: true, On: on}
	}
	tests := []struct {
		name, profile string
		filings       []app.FilingAnchors
		want          []string // "project name/deadline ID/opens/due"
	}{
		{seedYunan + "/立项审批的项目：批复后24个月有效期", "yunan",
			[]app.FilingAnchors{decl("p1", "120", at(2025, 3, 15, 10))},
			[]string{"项目p1/approval_expiry//2027-03-15"}},
		{seedYunan + "/备案的项目没有立项有效期（条件读申报书的事实）", "yunan",
			[]app.FilingAnchors{decl("p1", "30", at(2025, 3, 15, 10))},
			nil},
		{seedYunan + "/未批复的项目没有以批复起算的期限", "yunan",
			[]app.FilingAnchors{decl("p1", "120", time.Time{})},
			nil},
		{seedYunan + "/验收通过后12个月自评价，项目名取自申报书", "yunan",
			[]app.FilingAnchors{acc("p1", "验收申请里的名称", "", at(2026, 1, 20, 15)), filed("p1", "2026-01-31"), decl("p1", "120", time.Time{})},
			[]string{"项目p1/self_evaluation//2027-01-31"}},
		{seedYunan + "/前置审核通过不是通过验收（第二十一条）：自评价从单位自行验收起算，立项有效期仍在", "yunan",
			[]app.FilingAnchors{decl("p1", "120", at(2025, 3, 15, 10)), acc("p1", "", "", at(2026, 1, 31, 15))},
			[]string{"项目p1/approval_expiry//2027-03-15"}},
		{seedYunan + "/本机没有申报书：按空申报书（单位自行管理）判断，不自评价", "yunan",
			[]app.FilingAnchors{acc("p9", "外单位项目", "", at(2026, 1, 31, 15))},
			nil},
		{seedTianning + "/验收后10个工作日备案，项目名取自验收申请", "tianning",
			[]app.FilingAnchors{acc("p2", "天宁区智慧城管平台", "2026-09-01", at(2026, 9, 24, 16))},
			[]string{"天宁区智慧城管平台/acceptance_filing//2026-10-15"}},
		{seedWuhan + "/建成后半年内验收：建设完成日期按本地日期", "wuhan",
			[]app.FilingAnchors{acc("p3", "武汉项目", "2025-08-31", time.Time{})},
			[]string{"武汉项目/acceptance//2026-02-28"}},
		{seedWuhan + "/建设完成日期无效：没有期限", "wuhan",
			[]app.FilingAnchors{acc("p3", "武汉项目", "2025-8-31", time.Time{})},
			nil},
		{seedWuhan + "/同一项目多份验收申请：后给出的日期为准，无效日期不覆盖", "wuhan",
			[]app.FilingAnchors{acc("p3", "", "2025-08-31", time.Time{}), acc("p3", "第二份", "2025-09-30", time.Time{}),
				acc("p3", "第三份", "不是日期", time.Time{})},
			[]string{"第二份/acceptance//2026-03-30"}},
		{seedYunan + "/多个项目按截止日期排序；通过验收的项目立项有效期已无意义（第十二条第（二）项）", "yunan",
			[]app.FilingAnchors{decl("b", "120", at(2025, 6, 1, 9)), decl("a", "200", at(2025, 3, 1, 9)),
				{Kind: app.KindCatalogue}, acc("a", "", "", at(2026, 1, 20, 9)), filed("a", "2026-02-01")},
			[]string{"项目a/self_evaluation//2027-02-01", "项目b/approval_expiry//2027-06-01"}},
		{seedWuhan + "/数管局确认可组织验收不是验收（第二十一条）：仍提示建成后半年内组织验收", "wuhan",
			[]app.FilingAnchors{acc("p3", "武汉项目", "2025-08-31", at(2026, 1, 20, 10))},
			[]string{"武汉项目/acceptance//2026-02-28"}},
		{seedYunan + "/项目终止已报送：不再提示（第二十条）", "yunan",
			[]app.FilingAnchors{decl("p1", "120", at(2025, 3, 15, 10)),
				{Kind: app.KindAdjustment, Project: "p1", ID: "end-p1", Sent: true, Type: string(app.AdjustTerminate)}},
			nil},
		{seedYunan + "/项目终止未报送（草稿）或其他调整：照常提示", "yunan",
			[]app.FilingAnchors{decl("p1", "120", at(2025, 3, 15, 10)),
				{Kind: app.KindAdjustment, Project: "p1", ID: "end-p1", Type: string(app.AdjustTerminate)},
				{Kind: app.KindAdjustment, Project: "p1", ID: "adj-p1", Sent: true, Type: string(app.AdjustOverdue)}},
			[]string{"项目p1/approval_expiry//2027-03-15"}},
		{seedWuhan + "/单位组织验收并报备案后不再提示（第二十一条），如项目档案", "wuhan",
			[]app.FilingAnchors{acc("p3", "武汉项目", "2025-08-31", at(2026, 1, 20, 10)), filed("p3", "2026-02-10")},
			nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, d := range ps[tt.profile].ProjectDeadlines(tt.filings, now) {
				opens := ""
				if !d.Opens.IsZero() {
					opens = d.Opens.Format(time.DateOnly)
				}
				got = append(got, fmt.Sprintf("%s/%s/%s/%s", d.Name, d.ID, opens, d.Due.Format(time.DateOnly)))
				if d.Project == "" || d.Label == "" || d.Rule == "" {
					t.Errorf("deadline %+v lacks its project, label or rule", d)
				}
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

// The deadlines counted from a project's anchors are those DeadlinesFor
// counts from its declaration and events: the facts kept for a declaration
// decide as the declaration itself does. Those counted from the approval
// (郁南's validity of the approval) are over once the project passed
// acceptance, as in the dossier.
func TestProjectDeadlinesMatchDeadlinesFor(t *testing.T) {
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, cst)
	approved := time.Date(2025, 5, 20, 23, 30, 0, 0, time.UTC) // 5月21日 in 北京时间: the event's own zone counts
	accepted := time.Date(2026, 3, 2, 10, 0, 0, 0, cst)
	for name, p := range MustProfiles(t) {
		for _, total := range []string{"0", "5", "30", "120", "5000"} {
			d := declaration(t, "项目", "单位", total)
			events := map[string]time.Time{app.AnchorApproval: approved, app.AnchorAcceptance: accepted}
			var want []string
			for _, dl := range p.DeadlinesFor(d, events, now) {
				if dl.Anchor == app.AnchorApproval {
					continue // over once the project passed acceptance, as the dossier marks it
				}
				if _, ok := events[dl.Anchor]; ok && dl.Known() {
					want = append(want, dl.ID+" "+dl.Due.String())
				}
			}
			filings := []app.FilingAnchors{
				{Kind: app.KindDeclaration, Project: "p", Name: "项目", ApprovedAt: approved, Facts: app.FactsOf(d)},
				{Kind: app.KindAcceptance, Project: "p", AcceptedAt: accepted},
			}
			if p.UnitAccepts(d) {
				// The bureau's approval of the application reviewed the
				// project (郁南 第二十一条); the unit's 验收后备案 says when it
				// passed its own acceptance.
				filings = append(filings, app.FilingAnchors{Kind: app.KindAcceptanceFiling, Project: "p", ID: "af", Sent: true,
					On: accepted.Format(time.DateOnly)})
			}
			var got []string
			for _, dl := range p.ProjectDeadlines(filings, now) {
				if dl.Anchor == app.AnchorYearly {
					continue // a project's yearly date, no event's: TestProjectDeadlinesYearlySelfEvaluationPerProject
				}
				got = append(got, dl.ID+" "+dl.Due.String())
			}
			if strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("%s, %s 万元: got %v, want %v", name, total, got, want)
			}
		}
	}
}

func TestAnchorsOf(t *testing.T) {
	approve := func(to app.Status, at time.Time) app.Transition { return app.Transition{To: to, At: at} }
	t1 := time.Date(2026, 3, 1, 9, 0, 0, 0, cst)
	t2 := time.Date(2026, 4, 1, 9, 0, 0, 0, cst)

	d, err := app.NewFiling(app.KindDeclaration, "d1", "r1", "unit", t1)
	if err != nil {
		t.Fatal(err)
	}
	d.Declaration = declaration(t, "郁南县智慧农业平台", "郁南县农业农村局", "120")
	d.History = []app.Transition{approve(app.StatusSubmitted, t1), approve(app.StatusApproved, t1),
		approve(app.StatusReturned, t2), approve(app.StatusApproved, t2), approve(app.StatusFiled, t2.Add(time.Hour))}
	got := app.AnchorsOf(d)
	if got.Kind != app.KindDeclaration || got.Project != "d1" || got.Name != "郁南县智慧农业平台" ||
		!got.ApprovedAt.Equal(t2) || got.Facts != app.FactsOf(d.Declaration) || got.Facts.IsZero() {
		t.Errorf("declaration anchors = %+v", got)
	}

	a, err := app.NewFiling(app.KindAcceptance, "a1", "r2", "unit", t1)
	if err != nil {
		t.Fatal(err)
	}
	a.Acceptance.ProjectName, a.Acceptance.CompletedOn = "郁南县智慧农业平台", "2026-02-28"
	a.History = []app.Transition{approve(app.StatusFiled, t1), approve(app.StatusSubmitted, t2)}
	got = app.AnchorsOf(a)
	if got.Project != "a1" || got.Name != "郁南县智慧农业平台" || got.CompletedOn != "2026-02-28" ||
		!got.AcceptedAt.Equal(t1) || !got.ApprovedAt.IsZero() {
		t.Errorf("acceptance without project anchors = %+v", got)
	}
	a.ProjectID = "d1"
	if got := app.AnchorsOf(a); got.Project != "d1" {
		t.Errorf("acceptance of d1: project %q", got.Project)
	}

	c, err := app.NewFiling(app.KindCatalogue, "c1", "r3", "unit", t1)
	if err != nil {
		t.Fatal(err)
	}
	c.History = []app.Transition{approve(app.StatusApproved, t1)}
	if got := app.AnchorsOf(c); got != (app.FilingAnchors{}) {
		t.Errorf("catalogue anchors = %+v", got)
	}
}

// A new declaration is for the first plan year whose 申报截止 is not over:
// in December, 2028's, since 2027's closed on 2026-06-30 (霍邱), as the home
// screen says; on the last day, that day's year still.
func TestOpenPlanYear(t *testing.T) {
	ps := MustProfiles(t)
	cst := app.Beijing
	for _, c := range []struct {
		at   time.Time
		want int
	}{
		{time.Date(2026, 12, 5, 9, 0, 0, 0, cst), 2028},
		{time.Date(2026, 6, 30, 18, 0, 0, 0, cst), 2027},
		{time.Date(2026, 7, 1, 0, 0, 0, 0, cst), 2028},
		{time.Date(2026, 1, 10, 9, 0, 0, 0, cst), 2027},
	} {
		if got := ps["huoqiu"].OpenPlanYear(c.at); got != c.want {
			t.Errorf("on %s: plan year %d, want %d", c.at.Format(time.DateTime), got, c.want)
		}
	}
	var none *app.Profile
	if got := none.OpenPlanYear(time.Date(2026, 12, 5, 9, 0, 0, 0, cst)); got != 2027 {
		t.Errorf("with no profile: %d", got)
	}
}

// 武汉 第二十一条's 组织项目验收 of an approved project not built yet is counted
// from the planned end of its construction period: on the home panel while
// it lies ahead; past it the project is not built, not late (found in
// review), in the dossier and on the home panel alike.
func TestPlannedAcceptanceIsNeverLate(t *testing.T) {
	p := MustProfiles(t)["wuhan"]
	d := approvedWuhanProject(t, "180", "2026-03", "2026-06", day(2026, 1, 10))
	home := func(now time.Time) []string {
		var out []string
		for _, pd := range p.ProjectDeadlines([]app.FilingAnchors{app.AnchorsOf(d)}, now) {
			out = append(out, pd.ID+" "+ymd(pd.Due))
		}
		return out
	}
	if got := home(day(2026, 9, 1)); !slices.Contains(got, "acceptance 2026-12-30") {
		t.Errorf("ahead, the home panel shows %v", got)
	}
	late := day(2027, 2, 1)
	if got := home(late); slices.ContainsFunc(got, func(s string) bool { return strings.HasPrefix(s, "acceptance") }) {
		t.Errorf("past the planned end, the home panel shows %v", got)
	}
	ds := p.Dossier("p1", []*app.Filing{d}, late)
	if dl, ok := dueOf(ds, "acceptance"); !ok || dl.Planned != "2026-06" || dl.Overdue {
		t.Errorf("past the planned end, the dossier's 组织项目验收 %+v (listed %v), want counted from the plan, not overdue", dl, ok)
	}
}
