package bureaustore_test

import (
	"slices"
	"testing"

	"egovdesk/app"
	"egovdesk/sync/server/bureaustore"
)

// The overview's waiting counts come from counters by kind and status: a
// flow whose filings those cannot tell apart says — rather than a number
// the queue it links to contradicts (found in review: a declaration flow
// after one for major routes showed 0 while 7 declarations waited).
func TestStepLoadsSayWhatTheCountersCannotTell(t *testing.T) {
	step := func(label string) []app.ReviewStep {
		return []app.ReviewStep{{ID: label, Label: label, Status: app.StatusSubmitted, Roles: []app.Role{app.RoleReviewer}}}
	}
	prof := &app.Profile{Flows: []app.ReviewFlow{
		{Kinds: []app.Kind{app.KindDeclaration}, Routes: []string{"major"}, Steps: step("重大项目受理")},
		{Kinds: []app.Kind{app.KindDeclaration}, Steps: step("受理")},
		{Kinds: []app.Kind{app.KindCatalogue}, Steps: step("目录受理")},
	}}
	loads := bureaustore.StepLoads(prof, map[app.Kind]map[app.Status]int{
		app.KindDeclaration: {app.StatusSubmitted: 7}, app.KindCatalogue: {app.StatusSubmitted: 2}})
	if len(loads) != 3 {
		t.Fatalf("%d rows", len(loads))
	}
	for i, want := range []int{-1, -1, 2} {
		if loads[i].Waiting != want {
			t.Errorf("%s: waiting %d, want %d", loads[i].Steps[0], loads[i].Waiting, want)
		}
	}
	if !slices.Equal(loads[2].Kinds, []app.Kind{app.KindCatalogue}) {
		t.Errorf("the catalogue flow's kinds: %v", loads[2].Kinds)
	}
}
