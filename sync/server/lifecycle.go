package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"egovdesk/app"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server/bureaustore"
)

// contentRules runs the content rules on body for the caller's unit: the
// four first kinds through app.CheckBody, a filing of a project's later
// life (app.LifecycleKinds) through app.CheckProjectBody against the
// project's declaration as the bureau holds it (a batch stores its
// declarations before it checks its later filings: submitBatch). A filing
// is made in the name of the caller's unit (app.CheckOwnUnit). It returns
// the refusal for the client (nil when the body passes) and the plan year
// of the project's declaration (0 when the body names none the bureau
// holds), and fails only with a wrapped storage error.
func (s *Server) contentRules(ctx context.Context, c *caller, body app.Body, prof *app.Profile, now time.Time) (invalid error, projectYear int, err error) {
	if body.Kind == app.KindDeclaration && body.Revision > 1 {
		// A revised declaration's plan year is judged as of its first
		// submission (app.FactPlanYearAhead): sent on time for next year,
		// it is not refused when it comes back after New Year.
		v, err := s.store.Filing(ctx, c.UnitID, body.ID)
		switch {
		case err == nil:
			body.FirstSent = app.FirstSubmission(v.Filing.Filing.History)
		case !errors.Is(err, bureaustore.ErrNotFound):
			return nil, 0, fmt.Errorf("declaration %s: %w", body.ID, err)
		}
	}
	// The project's declaration: a later filing is checked against it, and
	// every filing of a project is listed under its plan year (the queue's
	// 年度 showed a 2027 project's catalogue under 2026, the year it was
	// made, where the client lists it under 2027; found in a walkthrough).
	var decl *app.Declaration
	var history []app.Transition
	if body.Kind != app.KindDeclaration && body.ProjectID != "" {
		if decl, history, err = s.projectDeclaration(ctx, c.UnitID, body.ProjectID); err != nil {
			return nil, 0, err
		}
		if decl != nil {
			projectYear = decl.PlanYear
		}
	}
	if !laterKind(body.Kind) {
		invalid = app.CheckBody(body, prof, now)
	} else {
		invalid = app.CheckProjectBody(body, prof, decl, now)
	}
	if p := app.CheckApprovedTotal(body, decl, history); p != nil {
		invalid = app.Problems(append(app.FieldErrors(invalid), p...)).Err()
	}
	if p := app.CheckProject(body, prof, decl, history); p != nil {
		invalid = app.Problems(append(app.FieldErrors(invalid), p...)).Err()
	}
	if af := body.AcceptanceFiling; af != nil {
		var acc *app.Filing // as the bureau holds it
		if id := strings.TrimSpace(af.AcceptanceID); id != "" {
			v, err := s.store.Filing(ctx, c.UnitID, id)
			switch {
			case err == nil:
				acc = &v.Filing.Filing
			case !errors.Is(err, bureaustore.ErrNotFound):
				return nil, 0, fmt.Errorf("acceptance application %s: %w", id, err)
			}
		}
		p := append(app.CheckAcceptanceReviewed(body, acc, prof, decl), app.CheckAcceptedOn(body, acc, prof, decl)...)
		if p != nil {
			invalid = app.Problems(append(app.FieldErrors(invalid), p...)).Err()
		}
	}
	if body.Kind == app.KindAcceptance && decl != nil {
		// one application of the project at a time, none after one passed
		frs, err := s.store.ProjectFilings(ctx, c.UnitID, body.ProjectID)
		if err != nil {
			return nil, 0, fmt.Errorf("project %s: %w", body.ProjectID, err)
		}
		fs := make([]*app.Filing, len(frs))
		for i := range frs {
			fs[i] = &frs[i].Filing
		}
		if p := app.CheckOneAcceptance(body, prof, fs); p != nil {
			invalid = app.Problems(append(app.FieldErrors(invalid), p...)).Err()
		}
	}
	if p := app.CheckOwnUnit(body, prof, c.UnitName, c.UnitCode); p != nil {
		invalid = app.Problems(append(app.FieldErrors(invalid), p...)).Err()
	}
	if body.Acceptance != nil && !s.olderIntake {
		p, err := s.trialLink(ctx, c.UnitID, body)
		if err != nil {
			return nil, 0, err
		}
		if p != nil {
			invalid = app.Problems(append(app.FieldErrors(invalid), p...)).Err()
		}
	}
	return invalid, projectYear, nil
}

// trialLink checks the trial report an acceptance application names: it
// stands for the 试运行报告 material (app.Acceptance.Checklist), so the
// bureau must hold it, as a trial report of the unit, of the same project
// when both name one, over the trial period the application copied from it.
// It returns the problems (nil when none) and fails only with a wrapped
// storage error.
func (s *Server) trialLink(ctx context.Context, unit string, body app.Body) (app.Problems, error) {
	a := body.Acceptance
	id := strings.TrimSpace(a.TrialReportID)
	if id == "" {
		return nil, nil
	}
	var p app.Problems
	v, err := s.store.Filing(ctx, unit, id)
	switch {
	case errors.Is(err, bureaustore.ErrNotFound) || err == nil && v.Filing.Filing.Kind != app.KindTrialReport:
		p.Add("trial_report_id", "所选的试运行报告（材料编号 %s）数管局没有收到：请先提交该试运行报告，或重新选择", clip(id, 40))
		return p, nil
	case err != nil:
		return nil, fmt.Errorf("trial report %s: %w", id, err)
	}
	if body.ProjectID != "" && v.Filing.Filing.ProjectID != "" && body.ProjectID != v.Filing.Filing.ProjectID {
		p.Add("trial_report_id", "所选的试运行报告属于另一个项目，请选择本项目的试运行报告")
	}
	t, err := decodeBody(v.Body)
	if err != nil || t.TrialReport == nil {
		// A stored body this bureau cannot read is its own fault, not the
		// clerk's: the period goes unchecked rather than the unit's whole
		// push stopping (found in review).
		s.log.Error("trial report named by an acceptance cannot be read", "trial_report", id, "err", err)
		return p, nil
	}
	if a.TrialStart != t.TrialReport.TrialStart || a.TrialEnd != t.TrialReport.TrialEnd {
		p.Add("trial_end", "试运行期与所选试运行报告不一致（报告为 %s 至 %s），请重新选择该报告以带入", t.TrialReport.TrialStart, t.TrialReport.TrialEnd)
	}
	return p, nil
}

// laterKind reports whether k is a kind of a project's later life, checked
// against the project's declaration (contentRules).
func laterKind(k app.Kind) bool { return !k.Offered() && k.Valid() }

// projectDeclaration returns the declaration of project as unit last
// submitted it and the bureau's decisions on it, or nil when the unit has
// no such declaration (the rules then apply what every rule of the kind
// asks).
func (s *Server) projectDeclaration(ctx context.Context, unit, project string) (*app.Declaration, []app.Transition, error) {
	if project == "" {
		return nil, nil, nil
	}
	v, err := s.store.Filing(ctx, unit, project)
	switch {
	case errors.Is(err, bureaustore.ErrNotFound):
		return nil, nil, nil
	case err != nil:
		return nil, nil, fmt.Errorf("declaration of project %s: %w", project, err)
	case v.Filing.Filing.Kind != app.KindDeclaration:
		return nil, nil, nil
	}
	b, err := decodeBody(v.Body)
	if err != nil {
		return nil, nil, fmt.Errorf("declaration of project %s: %w", project, err)
	}
	return b.Declaration, v.Filing.Filing.History, nil
}

// refusedRoute returns the route of f when it is a refused declaration,
// which names its refusal (不予备案 for a 备案 project, app.Profile.StatusOn),
// reading its body only then; "" otherwise or when it cannot be read (the
// kind's words are used).
func (s *Server) refusedRoute(ctx context.Context, unit string, f *app.Filing) string {
	if f.Kind != app.KindDeclaration || f.Status != app.StatusRejected {
		return ""
	}
	prof := s.profile.Load()
	if f.Declaration != nil {
		return prof.DeclarationRoute(f.Declaration)
	}
	d, _, err := s.projectDeclaration(ctx, unit, f.ID)
	if err != nil {
		return ""
	}
	return prof.DeclarationRoute(d)
}

// handleProjectFilings lists a project's filings for the bureau: its
// declaration and every filing that names it, in the order of the
// project's life (app.Profile.Dossier's: declaration, catalogue, trial
// report, acceptance, adjustments, go-live, filing after acceptance,
// performance reports, O&M filings; within a kind by creation): the
// declaration's unit's filings that name it (ProjectFilings), by index.
func (s *Server) handleProjectFilings(w http.ResponseWriter, r *http.Request, c *caller) error {
	id := r.PathValue("id")
	v, frs, err := s.projectRecords(r.Context(), id)
	if err != nil {
		return err
	}
	byID := map[string]filingRecord{}
	var fs []*app.Filing
	for _, fr := range frs {
		byID[fr.Filing.ID] = fr
		fs = append(fs, &fr.Filing)
	}
	var prof *app.Profile // the order needs no rules
	ds := prof.Dossier(id, fs, s.Now().In(app.Beijing))
	list := protocol.FilingList{Filings: []protocol.FilingSummary{}}
	for _, e := range ds.Entries {
		list.Filings = append(list.Filings, summary(byID[e.FilingID], v.Unit.Name))
	}
	s.writeJSON(w, http.StatusOK, list)
	return nil
}

// projectRecords returns the declaration id of a project as the bureau
// holds it and the records of its unit's filings that name it, the
// declaration's among them; ENOTFOUND when id is no declaration.
func (s *Server) projectRecords(ctx context.Context, id string) (bureaustore.FilingView, []filingRecord, error) {
	v, err := s.store.Filing(ctx, "", id)
	if err != nil {
		return v, nil, err
	}
	if v.Filing.Filing.Kind != app.KindDeclaration {
		return v, nil, app.Errorf(app.ENOTFOUND, "%s 不是项目申报书：请用项目申报书的材料编号", clip(id, 40))
	}
	frs, err := s.store.ProjectFilings(ctx, v.Filing.Filing.UnitID, id)
	return v, frs, err
}

// projectDossier returns the dossier of the project whose declaration is
// id, as the bureau holds it and under its profile at its clock: the
// declaration and its unit's filings that name it, each with the content
// of its current revision (the dates its deadlines count from). A filing
// whose content cannot be read is listed without it, and logged.
func (s *Server) projectDossier(ctx context.Context, id string) (app.Dossier, error) {
	v, frs, err := s.projectRecords(ctx, id)
	if err != nil {
		return app.Dossier{}, err
	}
	fs := make([]*app.Filing, 0, len(frs))
	for _, fr := range frs {
		f, body := fr.Filing, v.Body
		if f.ID != id {
			fv, err := s.store.Filing(ctx, v.Filing.Filing.UnitID, f.ID)
			if err != nil {
				return app.Dossier{}, fmt.Errorf("filing %s of project %s: %w", f.ID, id, err)
			}
			f, body = fv.Filing.Filing, fv.Body
		}
		if b, err := decodeBody(body); err != nil {
			s.log.Error("a project's filing cannot be read", "project", id, "filing", f.ID, "err", err)
		} else {
			f.SetContent(&b)
		}
		fs = append(fs, &f)
	}
	// Counted by Beijing's calendar, whatever the server's zone: a report
	// sent at 07:00 on 1 December was on time on a UTC server (found in
	// review).
	return s.profile.Load().Dossier(id, fs, s.Now().In(app.Beijing)), nil
}
