package server

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"egovdesk/app"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server/bureaustore"
)

// The admin operations the console's admin pages add to those of the admin
// API (AddUnit, AddAccount, CreateToken, RevokeToken(s), SetProfile): edit
// and disable a unit, list, reset and disable accounts, list and revoke an
// account's tokens. Each is one method here, with the same rules
// (checkUnit, passwordRule) as the API's, so the console and any caller
// of the server share them; the store (bureaustore.Storage's
// Administration methods) applies the rules of its records.

// UpdateUnit sets the name and credit code of unit id, under the rules of
// AddUnit. It fails with ENOTFOUND for an unknown unit and ECONFLICT when
// another unit holds the code. A new name reaches the review queue's
// entries of the unit at once.
func (s *Server) UpdateUnit(ctx context.Context, id, name, code string) (_ Unit, err error) {
	if err = s.auditReady(); err != nil {
		return
	}
	// The record names the unit as it is now: the trail read "修改单位
	// 3f2a…" by its ID only (found from outside).
	var detail string
	defer s.auditedDetail(ctx, "unit.update", id, &detail, &err)
	name, code, err = checkUnit(name, code)
	if err != nil {
		return Unit{}, err
	}
	if err := s.checkUnitNameFree(ctx, id, name); err != nil {
		return Unit{}, err
	}
	u, err := s.store.UpdateUnit(ctx, id, name, code)
	if err != nil {
		return Unit{}, fmt.Errorf("update unit %s: %w", id, err)
	}
	detail = fmt.Sprintf("%s（%s）", u.Name, u.Code)
	return u, nil
}

// SetUnitDisabled disables unit id (its accounts can no longer log in and
// their tokens are refused; its filings stay) or enables it again. It fails
// with ENOTFOUND for an unknown unit.
func (s *Server) SetUnitDisabled(ctx context.Context, id string, disabled bool) (_ Unit, err error) {
	if err = s.auditReady(); err != nil {
		return
	}
	var detail string
	defer s.auditedDetail(ctx, onOff(disabled, "unit.disable", "unit.enable"), id, &detail, &err)
	u, err := s.store.SetUnitDisabled(ctx, id, disabled)
	if err != nil {
		return Unit{}, fmt.Errorf("disable unit %s: %w", id, err)
	}
	detail = u.Name
	return u, nil
}

// Accounts returns every account: the bureau's first, then by unit and login.
func (s *Server) Accounts(ctx context.Context) ([]protocol.AdminAccount, error) {
	out, err := s.store.Accounts(ctx)
	if err != nil {
		return nil, fmt.Errorf("list accounts: %w", err)
	}
	slices.SortFunc(out, func(a, b protocol.AdminAccount) int {
		return cmp.Or(cmp.Compare(a.UnitName, b.UnitName), cmp.Compare(a.Login, b.Login))
	})
	return out, nil
}

// SetPassword sets a new password for login under the rules of AddAccount,
// and revokes every token of the account: whoever held the old password
// is logged out. The password is an admin's, so its holder must change it
// at the next login (NewAccount.MustChange). It fails with EINVALID for a
// password the policy refuses and ENOTFOUND for an unknown login.
func (s *Server) SetPassword(ctx context.Context, login, password string) (err error) {
	if err = s.auditReady(); err != nil {
		return
	}
	defer s.audited(ctx, "account.password_reset", login, &err)
	var p app.Problems
	s.cfg.PasswordPolicy.check(&p, "password", login, password)
	if err := p.Err(); err != nil {
		return err
	}
	set := bureaustore.PasswordSet{Hash: s.hashPassword(password), Changed: s.Now(), MustChange: true, Keep: s.cfg.PasswordPolicy.keep()}
	if err := s.store.SetAccountPassword(ctx, login, set); err != nil {
		return fmt.Errorf("set password of %s: %w", login, err)
	}
	return nil
}

// SetAccountDisabled disables login (it can no longer log in and its tokens
// are refused) or enables it again. It refuses with EINVALID to disable the
// last enabled admin account, which would leave nobody to enable the
// others online, and fails with ENOTFOUND for an unknown login.
func (s *Server) SetAccountDisabled(ctx context.Context, login string, disabled bool) (err error) {
	if err = s.auditReady(); err != nil {
		return
	}
	defer s.audited(ctx, onOff(disabled, "account.disable", "account.enable"), login, &err)
	if err := s.store.SetAccountDisabled(ctx, login, disabled); err != nil {
		return fmt.Errorf("disable account %s: %w", login, err)
	}
	return nil
}

// Tokens lists the tokens of login that are not pruned yet, newest first.
// It fails with ENOTFOUND for an unknown login.
func (s *Server) Tokens(ctx context.Context, login string) ([]protocol.AdminToken, error) {
	out, err := s.store.AccountTokens(ctx, login)
	if err != nil {
		return nil, fmt.Errorf("tokens of %s: %w", login, err)
	}
	slices.SortFunc(out, func(a, b protocol.AdminToken) int {
		return cmp.Or(b.Created.Compare(a.Created), strings.Compare(a.ID, b.ID))
	})
	return out, nil
}

// RevokeAccountToken revokes the token of login stored under id (a
// protocol.AdminToken.ID). It fails with ENOTFOUND when login holds no such token.
func (s *Server) RevokeAccountToken(ctx context.Context, login, id string) (err error) {
	if err = s.auditReady(); err != nil {
		return
	}
	defer s.audited(ctx, "token.revoke", login, &err)
	if err := s.store.RevokeAccountToken(ctx, login, id); err != nil {
		return fmt.Errorf("revoke token of %s: %w", login, err)
	}
	return nil
}
