package app

import (
	"slices"
	"time"
)

// Prefill is what a project's dossier already knows that a later filing of
// the project starts with (Dossier.Prefill makes it): names, codes,
// approved amounts and dates.
type Prefill struct {
	ProjectID      string
	ProjectName    string
	UnitName       string
	UnitCreditCode string
	ApprovalRef    string // 立项批复文号, as an acceptance application or a later filing gives it
	Contact        Contact
	// Estimate is the approved estimate: the approved (核定) investment a
	// decision carries, else the declared total investment; Approved says
	// which.
	Estimate Money
	Approved bool
	// Budget is the declaration's itemised budget when it adds up to
	// Estimate (the approved lines an adjustment starts from), else nil.
	Budget                 []BudgetItem
	PeriodStart, PeriodEnd string // YYYY-MM
	// Dates of the project's events, YYYY-MM-DD, "" while unknown.
	CompletedOn, AcceptedOn, GoLiveOn string
	AcceptanceID                      string // the acceptance application's filing ID
}

// Prefill returns what the dossier knows for a later filing, dates in loc.
func (ds *Dossier) Prefill(fs []*Filing, loc *time.Location) Prefill {
	p := Prefill{ProjectID: ds.Project, ProjectName: ds.Name}
	if ds.Declaration != nil {
		d := ds.Declaration.Declaration
		p.UnitName, p.UnitCreditCode, p.Contact = d.UnitName, d.UnitCreditCode, d.Contact
		p.PeriodStart, p.PeriodEnd = d.PeriodStart, d.PeriodEnd
		p.Estimate = d.TotalInvestment
		if ds.Approved > 0 {
			p.Estimate, p.Approved = ds.Approved, true
		}
		if d.BudgetSum() == p.Estimate && len(d.Budget) > 0 {
			p.Budget = slices.Clone(d.Budget)
		}
	}
	date := func(anchor string) string {
		if t, ok := ds.Events[anchor]; ok {
			return t.In(loc).Format(dateLayout)
		}
		return ""
	}
	p.CompletedOn, p.AcceptedOn, p.GoLiveOn = date(AnchorCompletion), date(AnchorAcceptance), date(AnchorGoLive)
	// Later filings say more: the last one that gives a value wins.
	for _, e := range ds.Entries {
		f := find(fs, e.FilingID)
		if f == nil {
			continue
		}
		set := func(dst *string, v string) {
			if !isBlank(v) {
				*dst = v
			}
		}
		var c *Contact
		switch {
		case f.Acceptance != nil:
			set(&p.ApprovalRef, f.Acceptance.ApprovalRef)
			set(&p.UnitName, f.Acceptance.UnitName)
			p.AcceptanceID, c = f.ID, &f.Acceptance.Contact
		case f.GoLive != nil:
			set(&p.ApprovalRef, f.GoLive.ApprovalRef)
			c = &f.GoLive.Contact
		case f.Adjustment != nil:
			set(&p.ApprovalRef, f.Adjustment.ApprovalRef)
			c = &f.Adjustment.Contact
		case f.AcceptanceFiling != nil:
			set(&p.ApprovalRef, f.AcceptanceFiling.ApprovalRef)
			c = &f.AcceptanceFiling.Contact
		case f.TrialReport != nil:
			set(&p.UnitName, f.TrialReport.UnitName)
		}
		if c != nil && !isBlank(c.Person) {
			p.Contact = *c
		}
	}
	return p
}

func find(fs []*Filing, id string) *Filing {
	for _, f := range fs {
		if f != nil && f.ID == id {
			return f
		}
	}
	return nil
}

// NewFiling returns a draft filing of kind k of the project, its body
// pre-filled with what p knows, dated now (today's date as its filing or
// application date); id and revisionID are UUIDs minted by the caller. It
// fails as NewFiling does.
func (p Prefill) NewFiling(k Kind, id, revisionID, unitID string, now time.Time) (*Filing, error) {
	f, err := NewFiling(k, id, revisionID, unitID, now)
	if err != nil {
		return nil, err
	}
	f.ProjectID = p.ProjectID
	today := now.Format(dateLayout)
	switch k {
	case KindDeclaration:
		f.ProjectID = ""
		d := f.Declaration
		d.ProjectName, d.UnitName, d.UnitCreditCode, d.Contact = p.ProjectName, p.UnitName, p.UnitCreditCode, p.Contact
	case KindCatalogue:
		f.Catalogue.ProjectName, f.Catalogue.ProviderName, f.Catalogue.ProviderCode = p.ProjectName, p.UnitName, p.UnitCreditCode
		f.Catalogue.Title = titled(p.ProjectName, "政务数据共享资源目录")
	case KindTrialReport:
		f.TrialReport.ProjectName, f.TrialReport.UnitName = p.ProjectName, p.UnitName
	case KindAcceptance:
		a := f.Acceptance
		a.ProjectName, a.UnitName, a.ApprovalRef, a.Contact, a.AppliedOn = p.ProjectName, p.UnitName, p.ApprovalRef, p.Contact, today
	case KindGoLive:
		g := f.GoLive
		g.ProjectName, g.UnitName, g.ApprovalRef, g.Contact = p.ProjectName, p.UnitName, p.ApprovalRef, p.Contact
	case KindAdjustment:
		a := f.Adjustment
		a.ProjectName, a.UnitName, a.ApprovalRef, a.Contact, a.AppliedOn = p.ProjectName, p.UnitName, p.ApprovalRef, p.Contact, today
		a.ApprovedTotal = p.Estimate
		a.Before, a.After = slices.Clone(p.Budget), slices.Clone(p.Budget)
	case KindAcceptanceFiling:
		a := f.AcceptanceFiling
		a.ProjectName, a.UnitName, a.ApprovalRef, a.Contact = p.ProjectName, p.UnitName, p.ApprovalRef, p.Contact
		a.AcceptanceID, a.AcceptedOn, a.FiledOn = p.AcceptanceID, p.AcceptedOn, today
	case KindOMFiling:
		o := f.OMFiling
		o.ProjectName, o.UnitName, o.Contact, o.GoLiveOn, o.Year = p.ProjectName, p.UnitName, p.Contact, p.GoLiveOn, now.Year()
	case KindPerformance:
		r := f.Performance
		r.ProjectName, r.UnitName, r.Contact, r.FiledOn = p.ProjectName, p.UnitName, p.Contact, today
		r.PeriodStart, r.PeriodEnd, r.GoLiveOn, r.AcceptedOn = p.PeriodStart, p.PeriodEnd, p.GoLiveOn, p.AcceptedOn
	}
	return f, nil
}
