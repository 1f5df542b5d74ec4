package server

import (
	"context"
	"errors"
	"fmt"
	"time"

	"egovdesk/app"
	"egovdesk/sync/server/bureaustore"
)

// contentRules runs the content rules on body for the caller's unit: the
// four first kinds through app.CheckBody, a filing of a project's later
// life (app.LifecycleKinds) through app.CheckProjectBody against the
// project's declaration, found among batch (the bodies of the same
// request, which may carry the declaration with it) or else in the store.
// It returns the refusal for the client (nil when the body passes) and
// fails only with a wrapped storage error.
func (s *Server) contentRules(ctx context.Context, unit string, body app.Body, prof *app.Profile, now time.Time, batch []app.Body) (invalid, err error) {
	if body.Kind.Offered() || !body.Kind.Valid() {
		return app.CheckBody(body, prof, now), nil
	}
	decl, err := s.projectDeclaration(ctx, unit, body.ProjectID, batch)
	if err != nil {
		return nil, err
	}
	return app.CheckProjectBody(body, prof, decl, now), nil
}

// projectDeclaration returns the declaration of project as unit last
// submitted it, or nil when the unit has no such declaration (the rules
// then apply what every rule of the kind asks).
func (s *Server) projectDeclaration(ctx context.Context, unit, project string, batch []app.Body) (*app.Declaration, error) {
	if project == "" {
		return nil, nil
	}
	for i := len(batch) - 1; i >= 0; i-- {
		if b := batch[i]; b.ID == project && b.Declaration != nil {
			return b.Declaration, nil
		}
	}
	v, err := s.store.Filing(ctx, unit, project)
	switch {
	case errors.Is(err, bureaustore.ErrNotFound):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("declaration of project %s: %w", project, err)
	case v.Filing.Filing.Kind != app.KindDeclaration:
		return nil, nil
	}
	b, err := decodeBody(v.Body)
	if err != nil {
		return nil, fmt.Errorf("declaration of project %s: %w", project, err)
	}
	return b.Declaration, nil
}
