package app

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// Dossier is one project's whole file (项目档案): every filing of the
// project in the order of its life, with its state and the bureau's
// decisions, the events its deadlines are counted from, and its deadlines,
// each one met or still owed. Profile.Dossier makes it.
type Dossier struct {
	Project string // the project's ID: its declaration's
	Name    string // the project's name
	// Declaration is the project's declaration, nil when it is not among
	// the filings.
	Declaration *Filing
	// Route is how the declaration is routed, on the approved investment
	// once a decision carries it (see Profile.RouteFor).
	Route Route
	// Approved is the approved (核定) investment a decision carries, 0 when none.
	Approved Money
	Entries  []DossierEntry
	// Events are the dates of the project's events by Anchor* constant
	// (approval, completion, go_live, acceptance), those known.
	Events    map[string]time.Time
	Deadlines []DossierDeadline
	// ByFiling is the deadline each filing met, by the filing's ID, with
	// when it was met: a yearly one's every year, which Deadlines has
	// moved past to the year owed next.
	ByFiling map[string]DossierDeadline
	// Terminated is when the project's 项目终止 (郁南 第二十条) that stands
	// was submitted (its current revision: sent, or approved or filed),
	// zero when none stands (termination): a project ended owes no more,
	// and Deadlines keeps only those met. One returned or refused brings
	// the deadlines back, counted as before.
	Terminated time.Time
}

// DossierEntry is one filing of a dossier.
type DossierEntry struct {
	FilingID    string
	Kind        Kind
	Type        string // an adjustment's or a performance report's type
	Title       string
	Status      Status
	Revision    int
	Created     time.Time
	SubmittedAt time.Time    // of the current revision; zero while drafted
	FirstSent   time.Time    // its first submission (FirstSubmitted); zero while drafted
	Decisions   []Transition // the bureau's decisions, oldest first
}

// DossierDeadline is one deadline of a project: the profile's deadline,
// the filing kind (and type) that meets it ("" for one met by another act,
// e.g. 组织验收), whether a filing met it and, for a filing owed without a
// date (武汉 第二十一条 "及时"), a zero Due.
type DossierDeadline struct {
	Deadline
	Kind    Kind
	Type    string
	Met     bool
	MetBy   string // the filing that met it
	Overdue bool   // due before today and not met
	// Since is set on a yearly deadline whose years would begin before
	// the project's declaration first reached the bureau through egovdesk
	// (its go-live or construction began earlier): the day it did. (A
	// declaration not yet sent asks for none due before today.) Years
	// due before it are not asked for here — they were filed, or not,
	// before the project was in egovdesk — and the dossier says so.
	Since time.Time
	// MetOn is when the deadline was met (Met): when the filing that met
	// it first reached the bureau, or, for one met by the project passing
	// acceptance (组织验收, an approval's validity), the day it passed.
	MetOn time.Time
}

// LateDays returns by how many days the deadline was met late: the days
// from its last day to the day it was met (MetOn, in the deadline's time
// zone); 0 when it was met on time, is not met or has no date. A 验收后备案
// sent a week after its 10 working days read, to the reviewer, like one
// sent on time (a reviewer's walkthrough under 天宁).
func (d DossierDeadline) LateDays() int {
	if !d.Met || !d.Known() || d.MetOn.IsZero() || d.Planned != "" {
		return 0
	}
	return max(DaysBetween(d.Due, d.MetOn.In(d.Due.Location())), 0)
}

// UnitOverdue reports whether the deadline is past and unmet, and the
// unit's to meet: not a step of the bureau's own (Bureau).
func (d DossierDeadline) UnitOverdue() bool { return d.Overdue && !d.Bureau }

// OverdueDays returns by how many days the deadline, not met, is past its
// last day at now (in the deadline's time zone); 0 when it is not overdue.
func (d DossierDeadline) OverdueDays(now time.Time) int {
	if !d.Overdue {
		return 0
	}
	return max(DaysBetween(d.Due, now.In(d.Due.Location())), 0)
}

// DaysBetween counts the calendar days from a's date to b's, each in its
// own location: 1 from any time on 30 November to any on 1 December.
func DaysBetween(a, b time.Time) int {
	civil := func(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC) }
	return int(civil(b).Sub(civil(a)) / (24 * time.Hour))
}

// stage orders the kinds in a dossier as a project lives them.
var stage = map[Kind]int{KindDeclaration: 0, KindCatalogue: 1, KindTrialReport: 2, KindAcceptance: 3,
	KindAdjustment: 4, KindGoLive: 5, KindAcceptanceFiling: 6, KindPerformance: 7, KindOMFiling: 8}

// LifeOrder returns where filings of kind k come in a project's life, as a
// dossier orders them: smaller first (a declaration 0).
func LifeOrder(k Kind) int { return stage[k] }

// inProject reports whether f belongs to project.
func inProject(f *Filing, project string) bool {
	return f.ID == project && f.Kind == KindDeclaration || f.ProjectID == project && f.ID != project
}

// Dossier returns the dossier of project (its declaration's ID) from
// filings, which may hold other projects' filings too, at time now: the
// project's filings ordered by stage (declaration, catalogue, trial report,
// acceptance, adjustments, go-live, filing after acceptance, performance
// reports, O&M filings) and within a stage by creation; and its deadlines,
// known ones first, earliest first. It never fails; a nil profile gives
// the entries and events without deadlines.
func (prof *Profile) Dossier(project string, filings []*Filing, now time.Time) Dossier {
	ds := Dossier{Project: project, Events: map[string]time.Time{}}
	var mine []*Filing
	for _, f := range filings {
		if f != nil && inProject(f, project) {
			mine = append(mine, f)
		}
	}
	slices.SortStableFunc(mine, func(a, b *Filing) int {
		return cmp.Or(cmp.Compare(stage[a.Kind], stage[b.Kind]), a.Created.Compare(b.Created), cmp.Compare(a.ID, b.ID))
	})
	for _, f := range mine {
		e := DossierEntry{FilingID: f.ID, Kind: f.Kind, Type: f.Type(), Title: f.Title(), Status: f.Status,
			Revision: f.Revision.Number, Created: f.Created, SubmittedAt: f.Revision.SubmittedAt, FirstSent: FirstSubmitted(f)}
		for _, t := range f.History {
			if t.Role != RoleUnit {
				e.Decisions = append(e.Decisions, t)
			}
		}
		ds.Entries = append(ds.Entries, e)
		if f.Kind == KindDeclaration && f.Declaration != nil {
			ds.Declaration = f
		}
	}
	var decl0 *Declaration
	if ds.Declaration != nil {
		decl0 = ds.Declaration.Declaration
	}
	ds.events(mine, now.Location(), prof.UnitAccepts(decl0))
	for _, e := range ds.Entries {
		if ds.Name = strings.TrimSpace(projectName(mine, e.FilingID)); ds.Name != "" {
			break
		}
	}
	decl := &Declaration{}
	if ds.Declaration != nil {
		decl = ds.Declaration.Declaration
		ds.Approved = ApprovedInvestment(ds.Declaration.History)
	}
	if prof == nil {
		return ds
	}
	ds.Route = prof.RouteFor(decl, ds.Approved)
	f := extractFacts(decl, "")
	f["route"] = factValue{code: prof.routing(f, ds.Approved).Code}
	dates := projectDates{planYear: decl.PlanYear, periodStart: decl.PeriodStart, periodEnd: decl.PeriodEnd}
	if ds.Declaration != nil {
		dates = dates.sinceFirstSent(FirstSubmitted(ds.Declaration), now)
	}
	ds.Deadlines, ds.ByFiling = prof.dossierDeadlines(f, dates, mine, ds.Events, now)
	if t := termination(mine); t != nil {
		// Its yearly filings, its acceptance, its approval's validity are
		// owed no more: 逾期事项 listed a terminated 郁南 project as 逾期
		// (found in review), and the clerk's home would have too.
		ds.Terminated = t.Revision.SubmittedAt
		ds.Deadlines = slices.DeleteFunc(ds.Deadlines, func(d DossierDeadline) bool { return !d.Met })
	}
	return ds
}

// termination returns the project's 项目终止 among fs that stands: sent to
// the bureau, or approved or filed by it; nil when none does. One refused,
// returned or withdrawn ends nothing.
func termination(fs []*Filing) *Filing {
	for _, f := range fs {
		if f.Kind == KindAdjustment && f.Type() == string(AdjustTerminate) && sent(f) {
			return f
		}
	}
	return nil
}

// Next returns the first deadline still owed with a date (overdue ones
// first, as they come earliest), and false when none is.
func (ds *Dossier) Next() (DossierDeadline, bool) {
	for _, d := range ds.Deadlines {
		if !d.Met && d.Known() {
			return d, true
		}
	}
	return DossierDeadline{}, false
}

// projectName returns the project name the filing id gives.
func projectName(fs []*Filing, id string) string {
	for _, f := range fs {
		if f.ID != id {
			continue
		}
		switch {
		case f.Declaration != nil:
			return f.Declaration.ProjectName
		case f.Catalogue != nil:
			return f.Catalogue.ProjectName
		case f.TrialReport != nil:
			return f.TrialReport.ProjectName
		case f.Acceptance != nil:
			return f.Acceptance.ProjectName
		case f.GoLive != nil:
			return f.GoLive.ProjectName
		case f.Adjustment != nil:
			return f.Adjustment.ProjectName
		case f.AcceptanceFiling != nil:
			return f.AcceptanceFiling.ProjectName
		case f.OMFiling != nil:
			return f.OMFiling.ProjectName
		case f.Performance != nil:
			return f.Performance.ProjectName
		}
	}
	return ""
}

// sent reports whether the filing is with the bureau or decided in its
// favour: submitted and neither returned for revision nor rejected. A
// returned (or withdrawn) filing meets no deadline until its revision is
// sent.
func sent(f *Filing) bool {
	switch f.Status {
	case StatusDraft, StatusReturned, StatusWithdrawn, StatusRejected:
		return false
	}
	return f.Status.Valid()
}

// events sets the project's event dates from its filings (ordered by
// stage): 立项批复 from the bureau's approval of the declaration, 建设完成
// from an acceptance application's completion date (in loc), 通过验收 from
// the bureau's approval or filing of an acceptance application (unless
// unitAccepts: then it only reviewed the project before the unit's own
// acceptance), else from a sent acceptance filing's acceptance date, and
// 投入运行 from the last sent go-live record.
func (ds *Dossier) events(fs []*Filing, loc *time.Location, unitAccepts bool) {
	date := func(s string) (time.Time, bool) {
		d, ok := parseCalDate(s)
		return d.time(loc), ok
	}
	for _, f := range fs {
		switch {
		case f.Declaration != nil:
			if t, ok := decidedAt(f.History, StatusApproved); ok {
				ds.Events[AnchorApproval] = t
			}
		case f.Acceptance != nil:
			if t, ok := date(f.Acceptance.CompletedOn); ok {
				ds.Events[AnchorCompletion] = t
			}
			if t, ok := decidedAt(f.History, StatusApproved, StatusFiled); ok && !unitAccepts {
				ds.Events[AnchorAcceptance] = t
			}
		case f.GoLive != nil && sent(f):
			if t, ok := date(f.GoLive.GoLiveOn); ok {
				ds.Events[AnchorGoLive] = t
			}
		}
	}
	if _, ok := ds.Events[AnchorAcceptance]; !ok {
		for _, f := range fs {
			if f.AcceptanceFiling != nil && sent(f) {
				if t, ok := date(f.AcceptanceFiling.AcceptedOn); ok {
					ds.Events[AnchorAcceptance] = t
				}
			}
		}
	}
}

// declares returns the ID of the plan year's deadline a declaration with
// facts f meets by being sent, "" when none: the first one no later filing
// meets (meets: deadline ID → the lifecycle rule that meets it), the
// project's 申报截止. The later ones are the bureau's steps (六安's
// 初审及专家集中审查论证结束), which a declaration sent after them did not
// meet late.
func (prof *Profile) declares(f map[string]factValue, meets map[string]LifecycleRule) string {
	declares := ""
	var first DeadlineRule
	for _, rule := range prof.Deadlines {
		if !rule.Off && rule.When.eval(f) && rule.Anchor == AnchorPlanYear && meets[rule.ID].Kind == "" &&
			(declares == "" || cmp.Or(cmp.Compare(rule.YearOffset, first.YearOffset), cmp.Compare(rule.Month, first.Month), cmp.Compare(rule.Day, first.Day)) < 0) {
			declares, first = rule.ID, rule
		}
	}
	return declares
}

// bureauStep reports whether deadline rule r is a step of the bureau's own
// that the plan year times (Deadline.Bureau): of the plan year, met by no
// filing (meets, by deadline ID), and not the declaration's 申报截止
// (declares).
func bureauStep(r *DeadlineRule, meets map[string]LifecycleRule, declares string) bool {
	_, owned := meets[r.ID]
	return !owned && r.Anchor == AnchorPlanYear && r.ID != declares
}

// meetsOf returns, for a project whose declaration has facts f, the
// lifecycle rule whose filing meets each deadline (by the deadline's ID),
// and the acceptance filings that meet none (undated).
func (prof *Profile) meetsOf(f map[string]factValue) (meets map[string]LifecycleRule, undated []LifecycleRule) {
	meets = map[string]LifecycleRule{}
	for _, r := range prof.Lifecycle {
		if r.Off || !r.When.eval(f) {
			continue
		}
		if r.Deadline != "" {
			meets[r.Deadline] = r
		} else if r.Kind == KindAcceptanceFiling {
			undated = append(undated, r)
		}
	}
	return meets, undated
}

// dossierDeadlines returns the deadlines of a project whose declaration
// has facts f (the route among them) and dates, and filings fs, each marked
// met when a sent filing meets it; and the deadline each filing met, by its
// ID (Dossier.ByFiling).
func (prof *Profile) dossierDeadlines(f map[string]factValue, dates projectDates, fs []*Filing, events map[string]time.Time, now time.Time) ([]DossierDeadline, map[string]DossierDeadline) {
	byFiling := map[string]DossierDeadline{}
	meets, undated := prof.meetsOf(f)
	today := day(now)
	declares := prof.declares(f, meets)
	var out []DossierDeadline
	for _, rule := range prof.Deadlines {
		if rule.Off || !rule.When.eval(f) {
			continue
		}
		lr, owned := meets[rule.ID]
		// A yearly deadline a later filing meets is owed from the first
		// year of the project's own (its construction period, its
		// operation, its approval) and walked forward below past the
		// years met: a year never sent stays, overdue, instead of
		// dropping out when the calendar passes it.
		// Not from before the project's declaration first reached the
		// bureau through egovdesk, though: a system live since 2022 whose
		// project is filed here in 2026 owes here its O&M filings from
		// 2026 on, not 2022's to 2025 (filed on paper, if at all).
		from, since := today, time.Time{}
		if owned && yearlyAnchor(rule.Anchor) {
			from = yearlyFrom(rule.Anchor, dates, events, today)
		}
		dl, ok := prof.deadline(&rule, dates, events, from)
		if s := day(dates.since.In(today.Location())); ok && owned && yearlyAnchor(rule.Anchor) && !dates.since.IsZero() &&
			dl.Known() && dl.Due.Before(s) && !s.After(today) {
			if !dates.unsent {
				since = s
			}
			dl, ok = prof.deadline(&rule, dates, events, s)
		}
		if !ok {
			continue
		}
		dd := DossierDeadline{Deadline: dl, Since: since}
		if owned {
			dd.Kind = lr.Kind
			if len(lr.Types) == 1 {
				dd.Type = lr.Types[0]
			}
		}
		dd.MetBy = metBy(&rule, lr, owned, fs, dl, events, prof.unitAccepts(f))
		byAcceptance := !owned && (rule.Anchor == AnchorCompletion || rule.Anchor == AnchorApproval)
		bureaus := bureauStep(&rule, meets, declares) // met when the declaration is, not by it
		// ByFiling has the deadlines a filing meets by being sent: its
		// kind's, and the 申报截止 its declaration meets. One met by an act
		// (组织验收, an approval's validity, the bureau's steps) is not the
		// filing's to be late on: a 验收后备案 read 逾期报送 against 武汉's
		// 组织项目验收 (found in review).
		sentFor := owned || rule.Anchor == AnchorPlanYear && rule.ID == declares
		met := func(by string, dl Deadline) {
			if _, ok := byFiling[by]; by != "" && !ok && sentFor {
				byFiling[by] = DossierDeadline{Deadline: dl, Kind: dd.Kind, Type: dd.Type, Met: true, MetBy: by,
					MetOn: metOn(by, fs, events, byAcceptance)}
			}
		}
		met(dd.MetBy, dl)
		// A yearly deadline met for this year is owed next year.
		for i := 0; dd.MetBy != "" && yearlyAnchor(rule.Anchor) && dl.Known() && i < 50; i++ {
			next, ok := prof.deadline(&rule, dates, events, dl.Due.AddDate(0, 0, 1))
			if !ok {
				break
			}
			dl = next
			by := metBy(&rule, lr, owned, fs, dl, events, prof.unitAccepts(f))
			if by == "" {
				dd = DossierDeadline{Deadline: dl, Kind: dd.Kind, Type: dd.Type, Since: dd.Since}
				break
			}
			met(by, dl)
		}
		if owned && yearlyAnchor(rule.Anchor) {
			// Each year's filing against its own year's deadline: the walk
			// above stops at the first year not met, and a filing sent late
			// for a year after one missed was not marked (found in review).
			for _, x := range fs {
				if x.Kind != dd.Kind || !sent(x) || dd.Type != "" && x.Type() != dd.Type {
					continue
				}
				y := filingYear(x)
				ydl, ok := prof.deadline(&rule, dates, events, time.Date(y, 1, 1, 0, 0, 0, 0, today.Location()))
				// not a year before the project came to egovdesk (Since):
				// its 2025 report read 逾期 341 天 beside the note that such
				// years are not counted here (found in a walkthrough)
				if ok && ydl.Known() && ydl.Due.Year() == y && (dates.since.IsZero() || !ydl.Due.Before(day(dates.since.In(today.Location())))) {
					met(x.ID, ydl)
				}
			}
		}
		dd.Bureau = bureaus
		dd.Met = dd.MetBy != ""
		if dd.Met && !bureaus {
			dd.MetOn = metOn(dd.MetBy, fs, events, byAcceptance)
		}
		// A deadline counted from the planned end of construction is no
		// deadline yet: a project not built is not late (found in review).
		dd.Overdue = !dd.Met && dd.Known() && dd.Due.Before(today) && dd.Planned == ""
		out = append(out, dd)
	}
	// The acceptance filing is owed once the project passed acceptance;
	// where the unit organises it after the bureau's review (郁南), once
	// the review passed: it is what records the acceptance.
	reviewed := prof.unitAccepts(f) && slices.ContainsFunc(fs, func(x *Filing) bool {
		return x.Kind == KindAcceptance && (x.Status == StatusApproved || x.Status == StatusFiled)
	})
	for _, r := range undated {
		if _, accepted := events[AnchorAcceptance]; !accepted && !reviewed {
			continue
		}
		dd := DossierDeadline{Deadline: Deadline{ID: r.ID, Label: r.Label, Rule: r.Label, Source: r.Source,
			Anchor: AnchorAcceptance, Addition: r.Addition}, Kind: r.Kind}
		dd.MetBy = firstSent(fs, r.Kind, "", 0)
		dd.Met = dd.MetBy != ""
		dd.MetOn = metOn(dd.MetBy, fs, events, false)
		if _, ok := byFiling[dd.MetBy]; dd.Met && !ok {
			byFiling[dd.MetBy] = dd
		}
		out = append(out, dd)
	}
	slices.SortStableFunc(out, func(a, b DossierDeadline) int {
		if a.Known() != b.Known() {
			if a.Known() {
				return -1
			}
			return 1
		}
		return a.Due.Compare(b.Due)
	})
	return out, byFiling
}

// yearlyFrom is the day the years of a yearly deadline with anchor a
// begin for a project: the start of its construction period, its go-live,
// or its approval; today when that is unknown or not yet past.
func yearlyFrom(a string, dates projectDates, events map[string]time.Time, today time.Time) time.Time {
	var t time.Time
	switch a {
	case AnchorConstructionYearly:
		if ym, ok := parseYearMonth(dates.periodStart); ok {
			t = time.Date(ym.y, time.Month(ym.m), 1, 0, 0, 0, 0, today.Location())
		}
	case AnchorOperationYearly:
		t = events[AnchorGoLive]
	case AnchorYearly:
		t = events[AnchorApproval]
	}
	if t.IsZero() {
		return today
	}
	if t = day(t.In(today.Location())); !t.Before(today) {
		return today
	}
	return t
}

func yearlyAnchor(a string) bool {
	return a == AnchorYearly || a == AnchorConstructionYearly || a == AnchorOperationYearly
}

// metBy returns the ID of the sent filing that meets deadline dl of rule
// (whose lifecycle rule is lr when owned), or "".
func metBy(rule *DeadlineRule, lr LifecycleRule, owned bool, fs []*Filing, dl Deadline, events map[string]time.Time, unitAccepts bool) string {
	if owned {
		typ := ""
		if len(lr.Types) == 1 {
			typ = lr.Types[0]
		}
		year := 0
		if yearlyAnchor(rule.Anchor) && dl.Known() {
			year = dl.Due.Year()
		}
		return firstSent(fs, lr.Kind, typ, year)
	}
	switch rule.Anchor {
	case AnchorPlanYear:
		return firstSent(fs, KindDeclaration, "", 0)
	case AnchorCompletion, AnchorApproval:
		// Counted from completion, 组织项目验收 (武汉 第二十一条 建成后半年内
		// 组织项目验收), or from the approval, such as the approval's
		// validity (郁南 第十二条): over once the project passed
		// acceptance, not when an application for it is merely sent (the
		// home screen counts the same, from the store's anchors).
		return acceptedBy(fs, events, unitAccepts)
	}
	return ""
}

// acceptedBy returns the ID of the filing that shows the project passed
// acceptance (events has 通过验收): the acceptance application the bureau
// approved or filed (unless unitAccepts), else a sent 验收后备案; "" when it
// has not passed.
func acceptedBy(fs []*Filing, events map[string]time.Time, unitAccepts bool) string {
	if _, ok := events[AnchorAcceptance]; !ok {
		return ""
	}
	for _, f := range fs {
		if f.Kind == KindAcceptance && (f.Status == StatusApproved || f.Status == StatusFiled) && !unitAccepts {
			return f.ID
		}
	}
	return firstSent(fs, KindAcceptanceFiling, "", 0)
}

// metOn returns when the filing id met a deadline: when it first reached
// the bureau (FirstSubmitted); with byAcceptance, when the project passed
// acceptance, which is what met it. Zero when id is "" or not among fs.
func metOn(id string, fs []*Filing, events map[string]time.Time, byAcceptance bool) time.Time {
	if id == "" {
		return time.Time{}
	}
	if byAcceptance {
		return events[AnchorAcceptance]
	}
	for _, f := range fs {
		if f.ID == id {
			return FirstSubmitted(f)
		}
	}
	return time.Time{}
}

// firstSent returns the ID of the first sent filing of kind k (of type typ
// when not "", for year when not 0), or "".
func firstSent(fs []*Filing, k Kind, typ string, year int) string {
	for _, f := range fs {
		if f.Kind != k || !sent(f) || typ != "" && f.Type() != typ {
			continue
		}
		if year != 0 && filingYear(f) != year {
			continue
		}
		return f.ID
	}
	return ""
}

// FirstSubmitted returns when f was first submitted (its history's first
// submission the unit did not withdraw, else its current revision's while
// its history has none), zero when it never was.
func FirstSubmitted(f *Filing) time.Time {
	if t := FirstSubmission(f.History); !t.IsZero() || slices.ContainsFunc(f.History, func(t Transition) bool { return t.Action == ActionSubmit }) {
		return t
	}
	return f.Revision.SubmittedAt
}

// FirstSubmission returns the time of history's first submission that the
// unit did not withdraw, zero when it has none. A withdrawn submission is
// one the bureau never kept (撤回 is only before 受理): a declaration sent
// in December, withdrawn and sent again in January was judged as of
// December (plan year, rules in force) and met a deadline it had missed.
func FirstSubmission(history []Transition) time.Time {
	for i, t := range history {
		if t.Action != ActionSubmit {
			continue
		}
		if i+1 < len(history) && history[i+1].Action == ActionWithdraw {
			continue
		}
		return t.At
	}
	return time.Time{}
}

// filingYear returns the year a yearly filing is for: its Year, else the
// year it was submitted.
func filingYear(f *Filing) int {
	switch {
	case f.OMFiling != nil && f.OMFiling.Year != 0:
		return f.OMFiling.Year
	case f.Performance != nil && f.Performance.Year != 0:
		return f.Performance.Year
	}
	return f.Revision.SubmittedAt.Year()
}
