//go:build ci

package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"egovdesk/app"
	"egovdesk/assets"
)

// The home screen shows the projects' deadlines from the store's anchors,
// named after their project, and builds the panel again only when they
// changed: a refresh that changes nothing there leaves its widgets alone.
func TestHomeShowsProjectDeadlines(t *testing.T) {
	profs, err := app.LoadProfiles(assets.Profiles, "profiles")
	if err != nil {
		t.Fatal(err)
	}
	x := newNotifyFixture(t, nil, false)
	x.link.profile = profs["yunan"]
	now := time.Now()
	approval := func(id, name string, at time.Time) app.FilingAnchors {
		return app.FilingAnchors{Kind: app.KindDeclaration, Project: id, Name: name, ApprovedAt: at,
			Facts: app.FactsOf(&app.Declaration{TotalInvestment: app.Wans(120), Class: app.ClassProfessional})}
	}
	x.store.mu.Lock()
	x.store.anchors = []app.FilingAnchors{approval("p1", "郁南县智慧农业平台", now.AddDate(0, -1, 0))}
	x.store.mu.Unlock()
	settle := func() string {
		x.eventually(t, "the refresh", func() bool { return !x.u.refreshing })
		x.u.home.loading.Wait()
		x.pump()
		return textOf(x.u.home.deadlines)
	}
	x.u.ShowHome()
	x.refresh(t)
	if got := settle(); !strings.Contains(got, "《郁南县智慧农业平台》立项审批意见有效期届满") {
		t.Fatalf("deadlines shown:\n%s", got)
	}
	first := x.u.home.deadlines.Objects[0]

	x.refresh(t)
	settle()
	if x.u.home.deadlines.Objects[0] != first {
		t.Error("a refresh that changed no deadline built the panel again")
	}

	x.store.mu.Lock()
	x.store.anchors = append(x.store.anchors, approval("p2", "郁南县应急指挥平台", now.AddDate(0, -2, 0)))
	x.store.mu.Unlock()
	x.refresh(t)
	if got := settle(); !strings.Contains(got, "《郁南县应急指挥平台》立项审批意见有效期届满") ||
		strings.Index(got, "应急指挥") > strings.Index(got, "智慧农业") {
		t.Errorf("after a second approval the deadlines are, earliest first:\n%s", got)
	}
}

// Two projects of one name (a unit's 数字乡村 of 2026 and of 2027, or the
// demo seeded twice) showed the same deadline twice, word for word: each
// now says which project it is — by plan year, else by the day it was
// approved, else by its place among them.
func TestSameNamedProjectsDeadlinesAreToldApart(t *testing.T) {
	profs, err := app.LoadProfiles(assets.Profiles, "profiles")
	if err != nil {
		t.Fatal(err)
	}
	x := newNotifyFixture(t, nil, false)
	now := time.Date(2026, 12, 6, 10, 0, 0, 0, time.Local)
	approval := func(id string, year int, at time.Time) app.FilingAnchors {
		return app.FilingAnchors{Kind: app.KindDeclaration, Project: id, Name: "郁南县智慧农业平台", ApprovedAt: at, PlanYear: year,
			Facts: app.FactsOf(&app.Declaration{TotalInvestment: app.Wans(120), Class: app.ClassProfessional})}
	}
	march, may := time.Date(2026, 3, 2, 9, 0, 0, 0, time.Local), time.Date(2026, 5, 20, 9, 0, 0, 0, time.Local)
	for _, c := range []struct {
		name    string
		anchors []app.FilingAnchors
		want    []string
	}{
		{"plan years differ", []app.FilingAnchors{approval("p1", 2026, march), approval("p2", 2027, may)},
			[]string{"（2026 年度申报的项目）", "（2027 年度申报的项目）"}},
		{"approved on different days", []app.FilingAnchors{approval("p1", 2026, may), approval("p2", 2026, march)},
			[]string{"（2026-03-02 批复立项的项目）", "（2026-05-20 批复立项的项目）"}},
		{"nothing differs", []app.FilingAnchors{approval("p1", 2026, march), approval("p2", 2026, march.Add(time.Hour))},
			[]string{"（同名的第 1 个项目）", "（同名的第 2 个项目）"}},
	} {
		x.store.mu.Lock()
		x.store.anchors = append(c.anchors, approval("p3", 2026, march)) // another name's: nothing added
		x.store.anchors[2].Name = "郁南县应急指挥平台"
		x.store.mu.Unlock()
		dls, err := projectDeadlines(t.Context(), x.store, profs["yunan"], now)
		if err != nil {
			t.Fatal(err)
		}
		labels := map[string]bool{}
		for _, d := range dls {
			if labels[d.Label] {
				t.Errorf("%s: %q is shown twice", c.name, d.Label)
			}
			labels[d.Label] = true
			if strings.Contains(d.Label, "应急指挥") && strings.Contains(d.Label, "项目）") {
				t.Errorf("%s: a project alone of its name is qualified: %q", c.name, d.Label)
			}
		}
		for _, w := range c.want {
			if !strings.Contains(fmt.Sprint(dls), "》立项审批意见有效期届满"+w) {
				t.Errorf("%s: no deadline ends in %q:\n%v", c.name, w, dls)
			}
		}
	}
}
