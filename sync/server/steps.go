package server

import (
	"encoding/json"
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
func (s *Server) allowed(f *app.Filing, body []byte, role app.Role) ([]app.Action, error) {
	var b app.Body
	if err := json.Unmarshal(body, &b); err != nil {
		return nil, fmt.Errorf("body of %s: %w", f.ID, err)
	}
	return s.profile.Load().AllowedFor(f, &b, role), nil
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
