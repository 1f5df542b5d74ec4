package ui

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"fyne.io/fyne/v2/widget"

	"egovdesk/app"
)

// homeItem is one line of the home list: a filing, or, when the list is
// grouped by project, the header of a project's filings.
type homeItem struct {
	row   *app.FilingRow // nil for a header
	group *projectGroup  // the header's project
}

// projectGroup is a project's header in the grouped home list: its name,
// how many of the listed filings are its own and its next deadline.
type projectGroup struct {
	project string // its declaration's ID; "" for filings that name no project on this computer
	name    string
	count   int
	next    app.Deadline // the zero Deadline when none is counted
}

// flatItems returns rows as the ungrouped list shows them.
func flatItems(rows []app.FilingRow) []homeItem {
	items := make([]homeItem, len(rows))
	for i := range rows {
		items[i] = homeItem{row: &rows[i]}
	}
	return items
}

// groupByProject returns rows grouped by project, as the dossier shows a
// project (ui/dossier.go): each project's header, then its listed filings
// in the order of its life (declaration, catalogue, trial report,
// acceptance, adjustments, go-live, filing after acceptance, performance
// reports, O&M filings; within a kind by creation). Projects come in the
// order of their newest listed filing; filings of no project known here
// come last under 未归属项目. A project's next deadline is the earliest the
// home screen counts for it (app.Profile.ProjectDeadlines), overdue ones
// included. A filing's project comes from the store's deadline anchors
// (declarations, later filings); catalogues, trial reports and acceptance
// applications are read, as the dossier reads them. It runs off the Fyne
// thread and fails with ctx's error or the store's.
func groupByProject(ctx context.Context, s Store, prof *app.Profile, rows []app.FilingRow, now time.Time) ([]homeItem, error) {
	anchors, err := s.Anchors(ctx)
	if err != nil {
		return nil, fmt.Errorf("read deadline anchors: %w", err)
	}
	projectOf := map[string]string{} // filing ID → project
	names := map[string]string{}     // project → name
	for _, a := range anchors {
		switch {
		case a.Kind == app.KindDeclaration:
			names[a.Project] = a.Name
		case a.ID != "" && a.Project != "":
			projectOf[a.ID] = a.Project
		}
		if names[a.Project] == "" && a.Project != "" {
			names[a.Project] = a.Name
		}
	}
	groups := map[string]*projectGroup{}
	var order []string
	members := map[string][]*app.FilingRow{}
	for i := range rows {
		r := &rows[i]
		project := ""
		switch p, ok := projectOf[r.ID]; {
		case r.Kind == app.KindDeclaration:
			project = r.ID
		case ok:
			project = p
		default:
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			f, err := s.Get(ctx, r.ID)
			if err != nil && app.ErrorCode(err) != app.ENOTFOUND {
				return nil, err
			}
			if f != nil {
				project = f.ProjectID
			}
		}
		g := groups[project]
		if g == nil {
			g = &projectGroup{project: project, name: names[project]}
			groups[project] = g
			order = append(order, project)
		}
		if r.Kind == app.KindDeclaration && r.Title != "" {
			g.name = r.Title
		}
		g.count++
		members[project] = append(members[project], r)
	}
	if prof != nil {
		for _, pd := range prof.ProjectDeadlines(anchors, now) { // earliest first
			if g := groups[pd.Project]; g != nil && !g.next.Known() && pd.Project != "" {
				g.next = pd.Deadline
			}
		}
	}
	if i := slices.Index(order, ""); i >= 0 { // filings of no known project last
		order = append(slices.Delete(order, i, i+1), "")
	}
	var items []homeItem
	for _, p := range order {
		ms := members[p]
		slices.SortStableFunc(ms, func(a, b *app.FilingRow) int {
			return cmp.Or(cmp.Compare(app.LifeOrder(a.Kind), app.LifeOrder(b.Kind)), a.Created.Compare(b.Created), cmp.Compare(a.ID, b.ID))
		})
		items = append(items, homeItem{group: groups[p]})
		for _, r := range ms {
			items = append(items, homeItem{row: r})
		}
	}
	return items, nil
}

// setGroup shows a project's header in a row of the list: the project's
// name, then how many filings are listed and its next deadline.
func (r *rowView) setGroup(g *projectGroup, now time.Time) {
	name := g.name
	switch {
	case g.project == "":
		name = T("未归属项目的材料")
	case name == "":
		name = T("（未命名）")
	}
	if g.project != "" {
		name = T("项目：") + name
	}
	r.title.Importance = widget.HighImportance // a header, not a filing
	r.title.SetText(name)
	meta := Tf("%d 份材料", g.count)
	r.meta.Importance = widget.LowImportance
	if d := g.next; d.Known() {
		if d.Due.Before(startOfDay(now)) {
			meta += " · " + Tf("已逾期：%s，应于 %s 前", T(d.Label), dueDate(d))
			r.meta.Importance = widget.DangerImportance
		} else {
			meta += " · " + Tf("下一个期限：%s，%s 前", T(d.Label), dueDate(d))
			if d.Due.Sub(now) <= 30*24*time.Hour {
				r.meta.Importance = widget.WarningImportance
			}
		}
	} else if g.project != "" {
		meta += " · " + T("点此查看项目档案")
	}
	r.meta.SetText(meta)
	r.send.SetText("")
	r.unread.SetText("")
}

// startOfDay returns the start of t's day.
func startOfDay(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}
