package ui

import (
	"context"
	"fmt"
	"time"

	"egovdesk/app"
)

// projectDeadlines returns the deadlines of the unit's projects whose
// anchor event is known from the filings on this computer: 立项批复 from the
// bureau's approval of a declaration, 建设完成 from an acceptance
// application's completion date and 通过验收 from the bureau's approval of
// an acceptance application. 投入运行 is not recorded by any filing yet.
// It reads the store; call it off the Fyne thread.
func projectDeadlines(ctx context.Context, s Store, prof *app.Profile, now time.Time) ([]app.Deadline, error) {
	if prof == nil {
		return nil, nil
	}
	type project struct {
		decl   *app.Declaration
		name   string
		events map[string]time.Time
	}
	projects := map[string]*project{}
	get := func(id string) *project {
		p := projects[id]
		if p == nil {
			p = &project{events: map[string]time.Time{}}
			projects[id] = p
		}
		return p
	}
	for _, k := range []app.Kind{app.KindDeclaration, app.KindAcceptance} {
		rows, err := s.List(ctx, Query{Kind: k})
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", k, err)
		}
		for _, r := range rows {
			f, err := s.Get(ctx, r.ID)
			if err != nil {
				return nil, fmt.Errorf("get %s: %w", r.ID, err)
			}
			if k == app.KindDeclaration {
				p := get(f.ID)
				p.decl, p.name = f.Declaration, f.Title()
				if at, ok := decidedAt(f, app.StatusApproved); ok {
					p.events[app.AnchorApproval] = at
				}
				continue
			}
			id := f.ProjectID
			if id == "" {
				id = f.ID
			}
			p := get(id)
			if p.name == "" {
				p.name = f.Acceptance.ProjectName
			}
			if t, err := time.ParseInLocation("2006-01-02", f.Acceptance.CompletedOn, now.Location()); err == nil {
				p.events[app.AnchorCompletion] = t
			}
			if at, ok := decidedAt(f, app.StatusApproved, app.StatusFiled); ok {
				p.events[app.AnchorAcceptance] = at
			}
		}
	}
	var out []app.Deadline
	for _, p := range projects {
		if len(p.events) == 0 {
			continue
		}
		for _, d := range prof.DeadlinesFor(p.decl, p.events, now) {
			if _, event := p.events[d.Anchor]; !event || !d.Known() {
				continue
			}
			d.Label = Tf("《%s》%s", p.name, d.Label)
			out = append(out, d)
		}
	}
	return out, nil
}

// decidedAt returns when the bureau last moved f to one of statuses.
func decidedAt(f *app.Filing, statuses ...app.Status) (time.Time, bool) {
	for i := len(f.History) - 1; i >= 0; i-- {
		for _, s := range statuses {
			if f.History[i].To == s {
				return f.History[i].At, true
			}
		}
	}
	return time.Time{}, false
}
