package ui

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"egovdesk/app"
)

// projectDeadlines returns the deadlines of the unit's projects whose
// anchor event is known from the filings on this computer (see
// app.Profile.ProjectDeadlines), labelled with the project's name. It reads
// the filings' summaries, no document; call it off the Fyne thread.
func projectDeadlines(ctx context.Context, s Store, prof *app.Profile, now time.Time) ([]app.Deadline, error) {
	if prof == nil {
		return nil, nil
	}
	anchors, err := s.Anchors(ctx)
	if err != nil {
		return nil, fmt.Errorf("read deadline anchors: %w", err)
	}
	pds := prof.ProjectDeadlines(anchors, now)
	apart := sameNamed(pds, now.Location())
	out := make([]app.Deadline, len(pds))
	for i, pd := range pds {
		out[i] = pd.Deadline
		out[i].Label = Tf("《%s》%s", pd.Name, pd.Label) + apart[pd.Project]
	}
	return out, nil
}

// sameNamed returns what tells each project apart from others of its name
// (a unit's 数字乡村 of 2026 and of 2027), by project ID: the plan year
// where theirs differ, else the day each was approved, else its place among
// them. Two such projects' deadlines read the same twice.
func sameNamed(pds []app.ProjectDeadline, loc *time.Location) map[string]string {
	byName := map[string][]app.ProjectDeadline{} // a project once
	seen := map[string]bool{}
	for _, pd := range pds {
		if !seen[pd.Project] {
			seen[pd.Project] = true
			byName[pd.Name] = append(byName[pd.Name], pd)
		}
	}
	year := func(pd app.ProjectDeadline) string {
		if pd.PlanYear == 0 {
			return ""
		}
		return strconv.Itoa(pd.PlanYear)
	}
	approved := func(pd app.ProjectDeadline) string {
		if pd.ApprovedAt.IsZero() {
			return ""
		}
		return pd.ApprovedAt.In(loc).Format(time.DateOnly)
	}
	// apart reports whether key is known and differs for every project.
	apart := func(ps []app.ProjectDeadline, key func(app.ProjectDeadline) string) bool {
		keys := map[string]bool{}
		for _, p := range ps {
			k := key(p)
			if k == "" || keys[k] {
				return false
			}
			keys[k] = true
		}
		return true
	}
	out := map[string]string{}
	for _, ps := range byName {
		if len(ps) < 2 {
			continue
		}
		slices.SortFunc(ps, func(a, b app.ProjectDeadline) int {
			return cmp.Or(cmp.Compare(a.PlanYear, b.PlanYear), a.ApprovedAt.Compare(b.ApprovedAt), cmp.Compare(a.Project, b.Project))
		})
		for i, p := range ps {
			switch {
			case apart(ps, year):
				out[p.Project] = Tf("（%d 年度申报的项目）", p.PlanYear)
			case apart(ps, approved):
				out[p.Project] = Tf("（%s 批复立项的项目）", approved(p))
			default:
				out[p.Project] = Tf("（同名的第 %d 个项目）", i+1)
			}
		}
	}
	return out
}
