package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"egovdesk/app"
	"egovdesk/sync/server/bureaustore"
	"egovdesk/sync/server/console"
)

// maxDecisionBytes bounds the body of a decision: a comment of
// protocol.MaxComment and app.MaxRemarks remarks of app.MaxRemarkText
// characters, three bytes each, fit with room to spare.
const maxDecisionBytes = 256 << 10

// allowed returns the decisions an account of role may take now on f,
// whose current revision's content is body (JSON), under the bureau's
// profile: those of the review step f waits at when the profile lists
// steps, every bureau decision for a reviewer or admin otherwise.
func (s *Server) allowed(ctx context.Context, f *app.Filing, body []byte, role app.Role) ([]app.Action, error) {
	var b app.Body
	if err := json.Unmarshal(body, &b); err != nil {
		return nil, fmt.Errorf("body of %s: %w", f.ID, err)
	}
	b.Project = s.outcomeProject(ctx, f.UnitID, f.Kind, b.ProjectID)
	return s.profile.Load().AllowedFor(f, &b, role), nil
}

// outcomeProject returns the declaration of project, unit's, when how a
// filing of kind k naming it ends depends on it (app.Profile.LaterOutcome:
// an adjustment's route, a later 备案's rule); nil otherwise, or when it
// cannot be read, which is logged: the filing is then offered either
// ending, and can still be read and returned (an unreadable project made
// the filing's page fail; found in review).
func (s *Server) outcomeProject(ctx context.Context, unit string, k app.Kind, project string) *app.Declaration {
	switch k {
	case app.KindAdjustment, app.KindGoLive, app.KindAcceptanceFiling, app.KindOMFiling, app.KindPerformance:
	default:
		return nil
	}
	d, _, err := s.projectDeclaration(ctx, unit, project)
	if err != nil {
		if ctx.Err() == nil {
			s.log.Error("project of a filing cannot be read", "project", project, "err", err)
		}
		return nil
	}
	return d
}

// projectOfFiling returns outcomeProject of filing id: read before a
// decision, which may depend on it. A filing not found is the decision's
// to say.
func (s *Server) projectOfFiling(ctx context.Context, id string) (*app.Declaration, error) {
	v, err := s.store.Filing(ctx, "", id)
	switch {
	case errors.Is(err, bureaustore.ErrNotFound):
		return nil, nil
	case err != nil:
		return nil, err
	}
	f := v.Filing.Filing
	return s.outcomeProject(ctx, f.UnitID, f.Kind, f.ProjectID), nil
}

// waitingFor returns the console queue's filter for an account of role
// under the bureau's profile now (bureaustore.Waiting): the filings
// waiting at a step that role takes and, at a joint review, has not
// concurred at yet. Under a profile without steps every filing in the
// queue waits for the reviewers (and admins): for them no filter (nil), so
// the queue's counts can tell how many match.
func (s *Server) waitingFor(role app.Role) func(console.QueueItem) bool {
	prof := s.profile.Load()
	if (prof == nil || len(prof.Flows) == 0) && (role == app.RoleReviewer || role == app.RoleAdmin) {
		return nil
	}
	return bureaustore.Waiting(prof, role)
}
