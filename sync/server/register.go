package server

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"egovdesk/app"
	"egovdesk/sync/server/bureaustore"
	"egovdesk/sync/server/console"
)

// The register of existing information systems (已建系统登记): the
// bureau's list of systems already built, imported from a workbook (the
// console's admin page). The store indexes each system for the similar
// projects beside the declarations (bureaustore.Storage.ReplaceRegister),
// so that a declaration rebuilding one ranks it among its similar projects.

// ImportRegister replaces the register of existing systems with systems
// (read by xlsx.ReadRegister), imported by login from file, and indexes
// them for the similar projects. A similar-projects query during the
// import may list part of the new register.
func (s *Server) ImportRegister(ctx context.Context, systems []app.ExistingSystem, by, file string) (err error) {
	if err = s.auditReady(); err != nil {
		return
	}
	defer s.audited(ctx, "register.import", file, &err)
	meta := bureaustore.RegisterMeta{Imported: s.Now(), By: by, File: file}
	if err := s.store.ReplaceRegister(ctx, systems, meta); err != nil {
		return fmt.Errorf("import register: %w", err)
	}
	return nil
}

// Register returns the register of existing systems, by owner and name,
// with when and by whom it was imported.
func (s *Server) Register(ctx context.Context) (console.Register, error) {
	reg, err := s.store.Register(ctx)
	if err != nil {
		return console.Register{}, fmt.Errorf("register: %w", err)
	}
	slices.SortFunc(reg.Systems, func(a, b app.ExistingSystem) int {
		return cmp.Or(cmp.Compare(a.Owner, b.Owner), cmp.Compare(a.Name, b.Name))
	})
	return reg, nil
}
