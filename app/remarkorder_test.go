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
