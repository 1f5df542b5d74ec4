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
	if b.Kind != app.KindDeclaration {
		var err error
		if b.Project, _, err = s.projectDeclaration(ctx, f.UnitID, b.ProjectID); err != nil {
			return nil, err
		}
	}
	return s.profile.Load().AllowedFor(f, &b, role), nil
}

// projectOfFiling returns the declaration of the project filing id names
// (nil for a declaration, a filing that names none or one the bureau does
// not hold): read before a decision, which may depend on it
// (app.Profile.LaterOutcome). A filing not found is the decision's to say.
func (s *Server) projectOfFiling(ctx context.Context, id string) (*app.Declaration, error) {
	v, err := s.store.Filing(ctx, "", id)
	switch {
	case errors.Is(err, bureaustore.ErrNotFound):
		return nil, nil
	case err != nil:
		return nil, err
	case v.Filing.Filing.Kind == app.KindDeclaration || v.Filing.Filing.ProjectID == "":
		return nil, nil
	}
	d, _, err := s.projectDeclaration(ctx, v.Filing.Filing.UnitID, v.Filing.Filing.ProjectID)
	return d, err
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
