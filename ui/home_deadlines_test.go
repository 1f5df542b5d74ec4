//go:build ci

package ui

import (
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
