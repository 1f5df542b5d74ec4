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

	// A declaration's plan year, construction period (YYYY-MM) and the
	// approved (核定) investment a decision carries, which the deadlines of
	// a project's later life count from and route on. A store may keep
	// the plan year only (then the yearly report of the construction
	// period is not counted, and the route is on the declared amount).
	PlanYear               int
	PeriodStart, PeriodEnd string
	Approved               Money
	// FirstSent is when a declaration was first submitted (FirstSubmitted),
	// zero while it has not been: no yearly filing due before it is asked
	// for (Dossier's DossierDeadline.Since).
	FirstSent time.Time

	// The fields below are a later filing's (LifecycleKinds).

	// ID is the filing's ID, which a deadline it meets names. A store
	// need not keep it: it has the filing's ID already.
	ID string
	// Sent says the filing is with the bureau or decided in its favour:
	// only then does it meet a deadline or record an event.
	Sent bool
	// On is the date the filing records (YYYY-MM-DD as entered): a
	// go-live's 投入运行日期, an acceptance filing's 验收通过日期.
	On string
	// Type is an adjustment's or a performance report's type.
	Type string
	// Year is the year a yearly filing (O&M filing, performance report) is
	// for.
	Year int
}

// AnchorsOf returns what f tells about its project's deadline events; its
// history gives the bureau's decisions. Kinds other than declarations and
// acceptance applications give the zero FilingAnchors.
func AnchorsOf(f *Filing) FilingAnchors {
	switch {
	case f.Kind == KindDeclaration && f.Declaration != nil:
		d := f.Declaration
		a := FilingAnchors{Kind: f.Kind, Project: f.ID, Name: f.Title(), Facts: FactsOf(d),
			PlanYear: d.PlanYear, PeriodStart: d.PeriodStart, PeriodEnd: d.PeriodEnd, Approved: ApprovedInvestment(f.History),
			FirstSent: FirstSubmitted(f)}
		a.ApprovedAt, _ = decidedAt(f.History, StatusApproved)
		return a
	case f.Kind == KindAcceptance && f.Acceptance != nil:
		a := FilingAnchors{Kind: f.Kind, Project: cmp.Or(f.ProjectID, f.ID), Name: f.Acceptance.ProjectName,
			CompletedOn: f.Acceptance.CompletedOn}
		a.AcceptedAt, _ = decidedAt(f.History, StatusApproved, StatusFiled)
		return a
	case slices.Contains(LifecycleKinds, f.Kind):
		a := FilingAnchors{Kind: f.Kind, Project: f.ProjectID, Name: projectName([]*Filing{f}, f.ID), ID: f.ID,
			Sent: sent(f), Type: f.Type()}
		switch {
		case f.GoLive != nil:
			a.On = f.GoLive.GoLiveOn
		case f.AcceptanceFiling != nil:
			a.On = f.AcceptanceFiling.AcceptedOn
		case f.OMFiling != nil, f.Performance != nil:
			a.Year = filingYear(f)
		}
		return a
	}
	return FilingAnchors{}
}

// skeleton returns a filing with what the deadlines of a dossier read of
// a later filing (see dossierDeadlines), from its anchors.
func (a *FilingAnchors) skeleton() *Filing {
	f := &Filing{ID: a.ID, Kind: a.Kind, ProjectID: a.Project, Status: StatusDraft}
	if a.Sent {
		f.Status = StatusSubmitted
	}
	switch a.Kind {
	case KindAcceptance:
		// Only whether the bureau approved or filed it, which meets the
		// deadline counted from completion (组织项目验收) and ends the
		// approval's validity; its dates are the anchors' own events.
		f.Acceptance, f.ID = &Acceptance{}, "acceptance-of-"+a.Project
		f.Status = StatusDraft
		if !a.AcceptedAt.IsZero() {
			f.Status = StatusApproved
		}
	case KindGoLive:
		f.GoLive = &GoLive{GoLiveOn: a.On}
	case KindAdjustment:
		f.Adjustment = &Adjustment{Type: AdjustType(a.Type)}
	case KindAcceptanceFiling:
		f.AcceptanceFiling = &AcceptanceFiling{AcceptedOn: a.On}
	case KindOMFiling:
		f.OMFiling = &OMFiling{Year: a.Year}
	case KindPerformance:
		f.Performance = &Performance{Type: PerformanceType(a.Type), Year: a.Year}
	default:
		return nil
	}
	return f
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
	// PlanYear is the plan year of the project's declaration, zero when
	// the declaration is not among the filings; ApprovedAt is when the
	// bureau approved it (立项批复), zero when it has not. They tell apart
	// two projects of one name.
	PlanYear   int
	ApprovedAt time.Time
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
		decl     *FilingAnchors
		name     string
		events   map[string]time.Time
		accepted time.Time // the bureau's approval of an acceptance application
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
			p.accepted = f.AcceptedAt // 通过验收, unless it only reviewed (below)
		}
	}
	// The later filings: 投入运行 from the last sent go-live, 通过验收 from
	// a sent acceptance filing when no decision gave it, as Dossier does.
	later := map[string][]*Filing{}
	for i := range filings {
		f := &filings[i]
		sk := f.skeleton()
		if sk == nil || f.Project == "" {
			continue
		}
		p := get(f.Project)
		if p.name == "" {
			p.name = f.Name
		}
		later[f.Project] = append(later[f.Project], sk)
	}
	var out []ProjectDeadline
	for _, id := range order {
		p := projects[id]
		fs := later[id]
		slices.SortStableFunc(fs, func(a, b *Filing) int { return cmp.Compare(stage[a.Kind], stage[b.Kind]) })
		var facts DeclarationFacts
		var approved Money
		dates := projectDates{}
		if p.decl != nil {
			facts, approved = p.decl.Facts, p.decl.Approved
			dates = projectDates{planYear: p.decl.PlanYear, periodStart: p.decl.PeriodStart, periodEnd: p.decl.PeriodEnd}.
				sinceFirstSent(p.decl.FirstSent, now)
		}
		values := facts.values(prof)
		values["route"] = factValue{code: prof.routing(values, approved).Code}
		unitAccepts := prof.unitAccepts(values)
		if !p.accepted.IsZero() && !unitAccepts {
			p.events[AnchorAcceptance] = p.accepted
		}
		ds := Dossier{Events: p.events}
		ds.events(fs, now.Location(), unitAccepts)
		if len(p.events) == 0 {
			continue
		}
		// Deadlines counted from an event known, or from the project's own
		// years (a yearly report in the construction period, a yearly O&M
		// filing after go-live); not those of the calendar (the plan
		// year's, which the home screen shows apart). Each is shown until
		// it is met, as the dossier marks it: a later filing's by a sent
		// filing of its kind, 组织项目验收 (counted from completion) and an
		// approval's validity by the bureau's acceptance.
		// A yearly date a later filing meets (天宁's self-evaluation by
		// the end of every November) is each approved project's.
		counted := func(dd DossierDeadline) bool {
			_, event := p.events[dd.Anchor]
			_, live := p.events[AnchorGoLive]
			_, approved := p.events[AnchorApproval]
			// one counted from the planned end of construction only while
			// it lies ahead: past it, the project is not built yet, not late
			planned := dd.Planned != "" && !dd.Passed(now)
			return dd.Known() && (event || planned || dd.Anchor == AnchorConstructionYearly || dd.Anchor == AnchorOperationYearly && live ||
				dd.Anchor == AnchorYearly && dd.Kind != "" && approved)
		}
		if termination(fs) != nil {
			continue // ended: owes no more (as Dossier)
		}
		dls, _ := prof.dossierDeadlines(values, dates, fs, p.events, now)
		for _, dd := range dls {
			if counted(dd) && !dd.Met {
				pd := ProjectDeadline{Project: id, Name: p.name, ApprovedAt: p.events[AnchorApproval], Deadline: dd.Deadline}
				if p.decl != nil {
					pd.PlanYear = p.decl.PlanYear
				}
				out = append(out, pd)
			}
		}
	}
	slices.SortStableFunc(out, func(a, b ProjectDeadline) int {
		return cmp.Or(a.Due.Compare(b.Due), cmp.Compare(a.Name, b.Name), cmp.Compare(a.Project, b.Project))
	})
	return out
}

// ProjectOwned reports whether a later filing of each project meets the
// deadline with ID id (a lifecycle rule names it): ProjectDeadlines then
// counts it per project, with whether it was met, and a calendar of the
// unit's deadlines leaves it out.
func (prof *Profile) ProjectOwned(id string) bool {
	for _, r := range prof.Lifecycle {
		if !r.Off && r.Deadline == id {
			return true
		}
	}
	return false
}
