package server

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"egovdesk/app"
	"egovdesk/sync/server/bureaustore"
	"egovdesk/sync/server/console"
)

// The console's 逾期事项: the approved projects whose unit has let a
// deadline of the profile pass unmet — a yearly O&M filing, a 验收后备案 or
// a performance report not sent, an acceptance not organised in time, an
// approval's validity lapsed. Each filing page showed its own project's
// deadlines, and nothing showed the bureau which projects were behind (the
// last notes' "no overdue-projects view").

// lateProjectLimit is how many projects' dossiers one 逾期事项 reads at
// most: a county's approved projects of many years. Past it the page says
// it stopped and asks for a unit.
const lateProjectLimit = 5_000

func (c core) Late(ctx context.Context, token string, q console.LateQuery) (console.LatePage, error) {
	if _, err := c.reviewer(token); err != nil {
		return console.LatePage{}, err
	}
	return c.s.late(ctx, q)
}

// late finds the approved projects of q's unit (every unit's) with a
// deadline of the unit's past due and unmet, the most overdue first. It
// reads every filing record as 查找材料 does, and the dossiers of the
// approved projects, so it takes one of find's places.
func (s *Server) late(ctx context.Context, q console.LateQuery) (console.LatePage, error) {
	select {
	case s.finding <- struct{}{}:
		defer func() { <-s.finding }()
	case <-ctx.Done():
		return console.LatePage{}, ctx.Err()
	}
	var page console.LatePage
	type project struct{ id, unit, unitName string }
	var projects []project
	scan, err := s.scanUnits(ctx, q.UnitID, func(fr bureaustore.Filing, unitName string) {
		f := fr.Filing
		if f.Kind == app.KindDeclaration && (f.Status == app.StatusApproved || f.Status == app.StatusFiled) {
			projects = append(projects, project{f.ID, f.UnitID, unitName})
		}
	})
	if err != nil {
		return page, err
	}
	page.Scanned, page.Partial = scan.scanned, scan.partial
	if len(projects) > lateProjectLimit {
		projects, page.Partial = projects[:lateProjectLimit], true
	}
	now := s.Now()
	worst := map[string]int{} // days the project's most overdue deadline is past
	for _, p := range projects {
		ds, err := s.projectDossier(ctx, p.id)
		if err != nil {
			return page, fmt.Errorf("late: project %s: %w", p.id, err)
		}
		page.Checked++
		days := -1
		for _, dl := range ds.Deadlines {
			if dl.UnitOverdue() {
				days = max(days, dl.OverdueDays(now))
			}
		}
		if days < 0 {
			continue
		}
		worst[p.id] = days
		page.Projects = append(page.Projects, console.LateProject{UnitID: p.unit, UnitName: p.unitName, Dossier: ds})
	}
	sortLate(page.Projects, worst)
	return page, nil
}

// sortLate orders late projects with the most overdue (worst, days by
// project ID) first, and those as overdue by unit and then project name
// in pinyin order, as the console's unit lists are (安乐乡 before 城关镇;
// they tied in code point order).
func sortLate(ps []console.LateProject, worst map[string]int) {
	c := collate.New(language.Chinese) // not safe for concurrent use: one per call
	slices.SortStableFunc(ps, func(a, b console.LateProject) int {
		return cmp.Or(cmp.Compare(worst[b.Dossier.Project], worst[a.Dossier.Project]),
			c.CompareString(a.UnitName, b.UnitName), c.CompareString(a.Dossier.Name, b.Dossier.Name))
	})
}
