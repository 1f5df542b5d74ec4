package app

import (
	"slices"
	"testing"
)

func TestCompareRemarkPaths(t *testing.T) {
	for _, c := range []struct {
		kind Kind
		in   []string
		want []string
	}{
		{KindDeclaration, []string{"funding[0]", "budget[10]", "goals", "budget[2].amount", "budget[2]", "project_name"},
			[]string{"project_name", "goals", "budget[2]", "budget[2].amount", "budget[10]", "funding[0]"}},
		{KindTrialReport, []string{"issues[0]", "modules[1]", "modules[0]"}, []string{"modules[0]", "modules[1]", "issues[0]"}},
	} {
		got := slices.Clone(c.in)
		slices.SortFunc(got, func(a, b string) int { return CompareRemarkPaths(c.kind, a, b) })
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.kind, got, c.want)
		}
	}
}

// A revision's changes read in the form's order: a new resource's fields
// as its page has them, not by their JSON names' letters.
func TestCompareBodyPaths(t *testing.T) {
	in := []string{"declaration.budget.2.amount", "declaration.goals", "declaration.budget.~2.name", "declaration.budget.10",
		"declaration.budget.2.category", "declaration.project_name", "attachments.0.name", "kind"}
	want := []string{"kind", "declaration.project_name", "declaration.goals", "declaration.budget.~2.name",
		"declaration.budget.2.category", "declaration.budget.2.amount", "declaration.budget.10", "attachments.0.name"}
	got := slices.Clone(in)
	slices.SortFunc(got, CompareBodyPaths)
	if !slices.Equal(got, want) {
		t.Errorf("got  %v\nwant %v", got, want)
	}
	// A field this release does not know (an older or newer body's) goes
	// after the known ones: compared by letters among them, it made a cycle.
	unknown := []string{"declaration.project_name", "declaration.goals", "declaration.old_field"}
	for _, a := range unknown {
		for _, b := range unknown {
			for _, c := range unknown {
				if CompareBodyPaths(a, b) < 0 && CompareBodyPaths(b, c) < 0 && CompareBodyPaths(a, c) >= 0 {
					t.Errorf("%s < %s < %s, but not %s < %s", a, b, c, a, c)
				}
			}
		}
	}
	if CompareBodyPaths("declaration.old_field", "declaration.goals") <= 0 {
		t.Error("an unknown field before a known one")
	}
}
