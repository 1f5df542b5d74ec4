package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"egovdesk/app"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server/bureaustore"
)

// The console's admin pages: units edited and disabled, accounts listed,
// reset and disabled, an account's tokens listed and revoked.

// lockUnit reads unit id for update, or refuses an unknown one.
func lockUnit(ctx context.Context, tx pgx.Tx, id string) (protocol.Unit, error) {
	var u protocol.Unit
	err := scanJSON(tx.QueryRow(ctx, "SELECT record FROM units WHERE id = $1 FOR UPDATE", id), "unit "+id, &u)
	if errors.Is(err, bureaustore.ErrNotFound) {
		return u, bureaustore.UnitNotFound(id)
	}
	return u, err
}

// UpdateUnit sets a unit's name and code, and the name in its rows of the
// review queue, in one transaction.
func (s *Store) UpdateUnit(ctx context.Context, id, name, code string) (protocol.Unit, error) {
	var u protocol.Unit
	err := s.write(ctx, func(tx pgx.Tx) error {
		var err error
		if u, err = lockUnit(ctx, tx, id); err != nil {
			return err
		}
		u.Name, u.Code = name, code
		if _, err := tx.Exec(ctx, "UPDATE units SET credit_code = $2, record = $3 WHERE id = $1", id, code, mustJSON(u)); err != nil {
			var pe *pgconn.PgError
			if errors.As(err, &pe) && pe.Code == "23505" { // unique_violation: another unit's code
				return bureaustore.CodeTaken(code)
			}
			return err
		}
		_, err = tx.Exec(ctx, "UPDATE queue SET unit_name = $2 WHERE unit_id = $1 AND unit_name <> $2", id, name)
		return err
	})
	if err != nil {
		return protocol.Unit{}, fmt.Errorf("update unit %s: %w", id, err)
	}
	return u, nil
}

// SetUnitDisabled disables or enables a unit.
func (s *Store) SetUnitDisabled(ctx context.Context, id string, disabled bool) (protocol.Unit, error) {
	var u protocol.Unit
	err := s.write(ctx, func(tx pgx.Tx) error {
		var err error
		if u, err = lockUnit(ctx, tx, id); err != nil {
			return err
		}
		u.Disabled = disabled
		_, err = tx.Exec(ctx, "UPDATE units SET record = $2 WHERE id = $1", id, mustJSON(u))
		return err
	})
	if err != nil {
		return protocol.Unit{}, fmt.Errorf("disable unit %s: %w", id, err)
	}
	return u, nil
}

// Accounts returns every account with its unit's name and code.
func (s *Store) Accounts(ctx context.Context) ([]protocol.AdminAccount, error) {
	rows, err := s.pool.Query(ctx, "SELECT a.record, u.record FROM accounts a LEFT JOIN units u ON u.id = a.unit_id")
	if err != nil {
		return nil, storeErr(fmt.Errorf("list accounts: %w", err))
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (protocol.AdminAccount, error) {
		var arec, urec []byte
		if err := r.Scan(&arec, &urec); err != nil {
			return protocol.AdminAccount{}, err
		}
		var a bureaustore.Account
		if err := json.Unmarshal(arec, &a); err != nil {
			return protocol.AdminAccount{}, fmt.Errorf("decode account: %w", err)
		}
		w := protocol.Account{ID: a.ID, Login: a.Login, Name: a.Name, Role: a.Role, UnitID: a.UnitID}
		if urec != nil {
			var u protocol.Unit
			if err := json.Unmarshal(urec, &u); err != nil {
				return protocol.AdminAccount{}, fmt.Errorf("decode unit of %s: %w", a.Login, err)
			}
			w.UnitName, w.UnitCode = u.Name, u.Code
		}
		return protocol.AdminAccount{Account: w, Created: a.Created, Disabled: a.Disabled}, nil
	})
	if err != nil {
		return nil, storeErr(fmt.Errorf("list accounts: %w", err))
	}
	return out, nil
}

// changeAccount applies fn to login's record, read for update, and stores
// it, in one transaction.
func (s *Store) changeAccount(ctx context.Context, login string, fn func(tx pgx.Tx, rec *bureaustore.Account) error) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		var rec bureaustore.Account
		err := scanJSON(tx.QueryRow(ctx, "SELECT record FROM accounts WHERE login = $1 FOR UPDATE", login), "account "+login, &rec)
		if errors.Is(err, bureaustore.ErrNotFound) {
			return bureaustore.AccountNotFound(login)
		} else if err != nil {
			return err
		}
		if err := fn(tx, &rec); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, "UPDATE accounts SET record = $2 WHERE id = $1", rec.ID, mustJSON(rec))
		return err
	})
}

// SetAccountPassword stores a new password hash and revokes the account's
// tokens in one commit.
func (s *Store) SetAccountPassword(ctx context.Context, login string, set bureaustore.PasswordSet) error {
	err := s.changeAccount(ctx, login, func(tx pgx.Tx, rec *bureaustore.Account) error {
		bureaustore.SetPassword(rec, set)
		_, err := tx.Exec(ctx, `UPDATE tokens SET record = jsonb_set(record, '{revoked}', 'true') WHERE account_id = $1`, rec.ID)
		return err
	})
	if err != nil {
		return fmt.Errorf("set password of %s: %w", login, err)
	}
	return nil
}

// adminsLock is the key of the transaction lock under which the enabled
// admins are counted and one disabled ("admins" in ASCII): two admins
// disabling each other at once are serialized, so the second counts the
// first's change and at least one admin stays enabled.
const adminsLock = 0x61646d696e73

// SetAccountDisabled disables or enables an account, never the last
// enabled admin. The transaction is read committed: each statement sees
// what committed before it, so the count taken under adminsLock includes
// every change made under it before.
func (s *Store) SetAccountDisabled(ctx context.Context, login string, disabled bool) error {
	err := s.changeAccount(ctx, login, func(tx pgx.Tx, rec *bureaustore.Account) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", int64(adminsLock)); err != nil {
			return err
		}
		// the account as committed now, after whoever held the lock
		if err := scanJSON(tx.QueryRow(ctx, "SELECT record FROM accounts WHERE id = $1", rec.ID), "account "+login, rec); err != nil {
			return err
		}
		var admins int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM accounts WHERE record->>'role' = $1
			AND NOT coalesce((record->>'disabled')::boolean, false)`, string(app.RoleAdmin)).Scan(&admins); err != nil {
			return err
		}
		return bureaustore.DisableAccount(rec, disabled, admins)
	})
	if err != nil {
		return fmt.Errorf("disable account %s: %w", login, err)
	}
	return nil
}

// AccountTokens lists an account's tokens not yet pruned.
func (s *Store) AccountTokens(ctx context.Context, login string) ([]protocol.AdminToken, error) {
	var out []protocol.AdminToken
	err := s.read(ctx, func(tx pgx.Tx) error {
		var id string
		if err := tx.QueryRow(ctx, "SELECT id FROM accounts WHERE login = $1", login).Scan(&id); errors.Is(err, pgx.ErrNoRows) {
			return bureaustore.AccountNotFound(login)
		} else if err != nil {
			return err
		}
		rows, err := tx.Query(ctx, "SELECT hash, record FROM tokens WHERE account_id = $1", id)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (protocol.AdminToken, error) {
			var h string
			var data []byte
			if err := r.Scan(&h, &data); err != nil {
				return protocol.AdminToken{}, err
			}
			var t bureaustore.Token
			if err := json.Unmarshal(data, &t); err != nil {
				return protocol.AdminToken{}, fmt.Errorf("decode token: %w", err)
			}
			return protocol.AdminToken{ID: h, Label: t.Label, Created: t.Created, Expires: t.Expires, Revoked: t.Revoked}, nil
		})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("tokens of %s: %w", login, err)
	}
	return out, nil
}

// RevokeAccountToken revokes one of an account's tokens.
func (s *Store) RevokeAccountToken(ctx context.Context, login, hash string) error {
	err := s.write(ctx, func(tx pgx.Tx) error {
		var id string
		if err := tx.QueryRow(ctx, "SELECT id FROM accounts WHERE login = $1", login).Scan(&id); errors.Is(err, pgx.ErrNoRows) {
			return bureaustore.AccountNotFound(login)
		} else if err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `UPDATE tokens SET record = jsonb_set(record, '{revoked}', 'true')
			WHERE hash = $1 AND account_id = $2`, hash, id)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return bureaustore.TokenNotFound(login)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("revoke token of %s: %w", login, err)
	}
	return nil
}
