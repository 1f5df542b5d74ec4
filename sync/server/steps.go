package server

import (
	"encoding/json"
	"fmt"

	"github.com/dgraph-io/badger/v4"

	"egovdesk/app"
	"egovdesk/sync/server/console"
)

// maxDecisionBytes bounds the body of a decision: a comment of
// protocol.MaxComment and app.MaxRemarks remarks of app.MaxRemarkText
// characters, three bytes each, fit with room to spare.
const maxDecisionBytes = 256 << 10

// revisionBody reads and decodes the content of f's current revision, as
// received, from txn.
func revisionBody(txn *badger.Txn, f app.Filing) (*app.Body, error) {
	item, err := txn.Get(key("rb", f.ID, f.Revision.ID))
	if err != nil {
		return nil, fmt.Errorf("body of %s: %w", f.ID, err)
	}
	var b app.Body
	if err := item.Value(func(v []byte) error { return json.Unmarshal(v, &b) }); err != nil {
		return nil, fmt.Errorf("body of %s: %w", f.ID, err)
	}
	return &b, nil
}

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

// waitingFor returns the console queue's filter for an account of role:
// the filings waiting at a step of the profile that role takes (and, at a
// joint review, has not concurred at yet). Filings no flow of the profile
// covers wait for the reviewers and admins, as without a profile.
func (s *Server) waitingFor(role app.Role) func(console.QueueItem) bool {
	prof := s.profile.Load()
	return func(e console.QueueItem) bool {
		return prof.Waiting(e.Kind, e.Route, e.Status, e.Concurred, role)
	}
}

// onlyConcurredSince reports whether f moved on from the view want only
// by concurrences of departments at a joint review (联审同意): those leave
// the filing as it was, so a department that decides on a view without
// another's concurrence decided on what is still there.
func onlyConcurredSince(f app.Filing, want *seen) bool {
	if f.Revision.ID != want.revisionID || want.transitions >= len(f.History) {
		return false
	}
	for _, t := range f.History[want.transitions:] {
		if t.Action != app.ActionConcur {
			return false
		}
	}
	return true
}
