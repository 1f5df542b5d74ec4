package app

import (
	"cmp"
	"slices"
	"time"
)

// FilingAnchors is what one filing tells about the events its project's
// deadlines are counted from. A store keeps it with the filing's summary
// (AnchorsOf makes it), so the deadlines of every project can be counted
// without decoding a document. Only declarations and acceptance
// applications carry events; the zero value carries none.
type FilingAnchors struct {
	Kind Kind
	// Project is the ID of the project: a declaration's own ID, the
	// declaration an acceptance application belongs to (its own ID when it
	// names none).
	Project string
	// Name is the project's name: a declaration's project name, the project
	// name an acceptance application gives.
	Name string
	// ApprovedAt is when the bureau last approved a declaration (立项批复).
	ApprovedAt time.Time
	// CompletedOn is an acceptance application's 建设完成日期 as entered
	// (YYYY-MM-DD; anything else is no date).
	CompletedOn string
	// AcceptedAt is when the bureau last approved or filed an acceptance
	// application (通过验收).
	AcceptedAt time.Time
	// Facts are a declaration's facts, which decide which deadlines apply.
	Facts DeclarationFacts
}

// AnchorsOf returns what f tells about its project's deadline events; its
// history gives the bureau's decisions. Kinds other than declarations and
// acceptance applications give the zero FilingAnchors.
func AnchorsOf(f *Filing) FilingAnchors {
	switch {
	case f.Kind == KindDeclaration && f.Declaration != nil:
		a := FilingAnchors{Kind: f.Kind, Project: f.ID, Name: f.Title(), Facts: FactsOf(f.Declaration)}
		a.ApprovedAt, _ = decidedAt(f.History, StatusApproved)
		return a
	case f.Kind == KindAcceptance && f.Acceptance != nil:
		a := FilingAnchors{Kind: f.Kind, Project: cmp.Or(f.ProjectID, f.ID), Name: f.Acceptance.ProjectName,
			CompletedOn: f.Acceptance.CompletedOn}
		a.AcceptedAt, _ = decidedAt(f.History, StatusApproved, StatusFiled)
		return a
	}
	return FilingAnchors{}
}

// decidedAt returns when history last moved the filing to one of statuses.
func decidedAt(history []Transition, statuses ...Status) (time.Time, bool) {
	for i := len(history) - 1; i >= 0; i-- {
		if slices.Contains(statuses, history[i].To) {
			return history[i].At, true
		}
	}
	return time.Time{}, false
}

// ProjectDeadline is a deadline of one project.
type ProjectDeadline struct {
	Project string // the project's ID
	Name    string // the project's name
	Deadline
}

// ProjectDeadlines returns the deadlines of the projects of filings whose
// anchor event is known: 立项批复 from the bureau's approval of a
// declaration, 建设完成 from an acceptance application's completion date
// (a day in now's location) and 通过验收 from the bureau's approval or
// filing of an acceptance application. 投入运行 is not recorded by any filing
// yet. Whether a deadline applies is decided on the facts of the project's
// declaration (of an empty declaration when it is not among filings).
// Deadlines fixed by the calendar (plan year, yearly) are not included.
//
// A project is named after its declaration, else after the first of its
// acceptance applications that names it. Filings are taken in the order
// given; when several acceptance applications of one project give the same
// event, the last one given counts. The result is ordered by due date, then
// project name, ID and the profile's order of deadlines.
func (prof *Profile) ProjectDeadlines(filings []FilingAnchors, now time.Time) []ProjectDeadline {
	type project struct {
		decl   *FilingAnchors
		name   string
		events map[string]time.Time
	}
	projects := map[string]*project{}
	var order []string
	get := func(id string) *project {
		p := projects[id]
		if p == nil {
			p = &project{events: map[string]time.Time{}}
			projects[id] = p
			order = append(order, id)
		}
		return p
	}
	for i := range filings {
		f := &filings[i]
		if f.Kind != KindDeclaration {
			continue
		}
		p := get(f.Project)
		p.decl, p.name = f, f.Name
		if !f.ApprovedAt.IsZero() {
			p.events[AnchorApproval] = f.ApprovedAt
		}
	}
	for i := range filings {
		f := &filings[i]
		if f.Kind != KindAcceptance {
			continue
		}
		p := get(f.Project)
		if p.name == "" {
			p.name = f.Name
		}
		if t, err := time.ParseInLocation(dateLayout, f.CompletedOn, now.Location()); err == nil {
			p.events[AnchorCompletion] = t
		}
		if !f.AcceptedAt.IsZero() {
			p.events[AnchorAcceptance] = f.AcceptedAt
		}
	}
	var out []ProjectDeadline
	for _, id := range order {
		p := projects[id]
		if len(p.events) == 0 {
			continue
		}
		var facts DeclarationFacts
		if p.decl != nil {
			facts = p.decl.Facts
		}
		// No plan year: the deadlines it fixes have no event and are left out.
		for _, d := range prof.deadlines(facts.values(prof), projectDates{}, p.events, now) {
			if _, event := p.events[d.Anchor]; event && d.Known() {
				out = append(out, ProjectDeadline{Project: id, Name: p.name, Deadline: d})
			}
		}
	}
	slices.SortStableFunc(out, func(a, b ProjectDeadline) int {
		return cmp.Or(a.Due.Compare(b.Due), cmp.Compare(a.Name, b.Name), cmp.Compare(a.Project, b.Project))
	})
	return out
}
