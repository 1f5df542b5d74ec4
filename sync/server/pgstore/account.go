package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"egovdesk/app"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server/bureaustore"
)

func notFound(what string) error { return fmt.Errorf("%s: %w", what, bureaustore.ErrNotFound) }

// scanJSON reads one jsonb column of row into v; pgx.ErrNoRows becomes
// bureaustore.ErrNotFound.
func scanJSON(row pgx.Row, what string, v any) error {
	var data []byte
	if err := row.Scan(&data); errors.Is(err, pgx.ErrNoRows) {
		return notFound(what)
	} else if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("decode %s: %w", what, err)
	}
	return nil
}

func mustJSON(v any) []byte {
	data, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("encode %T: %v", v, err)) // the records are plain data
	}
	return data
}

// AddUnit stores a new unit: ErrDuplicate when its code is registered.
func (s *Store) AddUnit(ctx context.Context, u protocol.Unit) error {
	err := s.write(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, "INSERT INTO units (id, credit_code, record) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
			u.ID, u.Code, mustJSON(u))
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return bureaustore.Refuse(bureaustore.ErrDuplicate, app.Errorf(app.ECONFLICT, "统一社会信用代码 %s 已登记", u.Code))
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("add unit %s: %w", u.Code, err)
	}
	return nil
}

// Unit returns a unit by ID: ErrNotFound.
func (s *Store) Unit(ctx context.Context, id string) (protocol.Unit, error) {
	return unitBy(ctx, s.pool, "id", id)
}

// UnitByCode returns a unit by credit code: ErrNotFound.
func (s *Store) UnitByCode(ctx context.Context, code string) (protocol.Unit, error) {
	return unitBy(ctx, s.pool, "credit_code", code)
}

func unitBy(ctx context.Context, q Querier, col, v string) (protocol.Unit, error) {
	var u protocol.Unit
	err := scanJSON(q.QueryRow(ctx, "SELECT record FROM units WHERE "+col+" = $1", v), "unit "+v, &u)
	return u, err
}

// Units returns every unit, in no order.
func (s *Store) Units(ctx context.Context) ([]protocol.Unit, error) {
	rows, err := s.pool.Query(ctx, "SELECT record FROM units")
	if err != nil {
		return nil, storeErr(fmt.Errorf("list units: %w", err))
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (protocol.Unit, error) {
		var u protocol.Unit
		return u, scanJSON(r, "unit", &u)
	})
	if err != nil {
		return nil, storeErr(fmt.Errorf("list units: %w", err))
	}
	return out, nil
}

// wireAccount is a's wire form, with its unit's name and code.
func wireAccount(ctx context.Context, q Querier, a bureaustore.Account) (protocol.Account, error) {
	out := protocol.Account{ID: a.ID, Login: a.Login, Name: a.Name, Role: a.Role, UnitID: a.UnitID}
	if a.UnitID != "" {
		u, err := unitBy(ctx, q, "id", a.UnitID)
		if err != nil {
			return protocol.Account{}, err
		}
		out.UnitName, out.UnitCode = u.Name, u.Code
	}
	return out, nil
}

// AddAccount stores a new account and returns its wire form: ErrDuplicate
// when the login is taken, ErrNotFound when its unit is unknown.
func (s *Store) AddAccount(ctx context.Context, a bureaustore.Account) (protocol.Account, error) {
	var acct protocol.Account
	err := s.write(ctx, func(tx pgx.Tx) error {
		var err error
		if acct, err = wireAccount(ctx, tx, a); errors.Is(err, bureaustore.ErrNotFound) {
			return bureaustore.Refuse(bureaustore.ErrNotFound, app.Errorf(app.ENOTFOUND, "没有找到单位 %s", a.UnitID))
		} else if err != nil {
			return err
		}
		var unit *string
		if a.UnitID != "" {
			unit = &a.UnitID
		}
		tag, err := tx.Exec(ctx, "INSERT INTO accounts (id, login, unit_id, record) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
			a.ID, a.Login, unit, mustJSON(a))
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return bureaustore.Refuse(bureaustore.ErrDuplicate, app.Errorf(app.ECONFLICT, "登录名“%s”已被使用", a.Login))
		}
		return nil
	})
	if err != nil {
		return protocol.Account{}, fmt.Errorf("add account %s: %w", a.Login, err)
	}
	return acct, nil
}

// AccountByLogin returns an account by its login: ErrNotFound.
func (s *Store) AccountByLogin(ctx context.Context, login string) (bureaustore.Account, error) {
	var a bureaustore.Account
	err := scanJSON(s.pool.QueryRow(ctx, "SELECT record FROM accounts WHERE login = $1", login), "account "+login, &a)
	return a, storeErr(err)
}

// IssueToken stores a token for t.AccountID and returns the account's
// wire form.
func (s *Store) IssueToken(ctx context.Context, hash string, t bureaustore.Token) (protocol.Account, error) {
	var acct protocol.Account
	err := s.write(ctx, func(tx pgx.Tx) error {
		var a bureaustore.Account
		if err := scanJSON(tx.QueryRow(ctx, "SELECT record FROM accounts WHERE id = $1", t.AccountID), "account "+t.AccountID, &a); err != nil {
			return err
		}
		var err error
		if acct, err = wireAccount(ctx, tx, a); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, "INSERT INTO tokens (hash, account_id, record) VALUES ($1, $2, $3)", hash, t.AccountID, mustJSON(t))
		return err
	})
	if err != nil {
		return protocol.Account{}, fmt.Errorf("issue token: %w", err)
	}
	return acct, nil
}

// TokenAccount returns the account holding the token stored under hash:
// ErrNotFound when the token is unknown, revoked or expired at now, or its
// account not live (bureaustore.AccountLive: disabled, or its unit), all
// read in one statement.
func (s *Store) TokenAccount(ctx context.Context, hash string, now time.Time) (protocol.Account, error) {
	var tok, acct, unit []byte
	err := s.pool.QueryRow(ctx, `SELECT t.record, a.record, u.record FROM tokens t JOIN accounts a ON a.id = t.account_id
		LEFT JOIN units u ON u.id = a.unit_id WHERE t.hash = $1`, hash).Scan(&tok, &acct, &unit)
	if errors.Is(err, pgx.ErrNoRows) {
		return protocol.Account{}, notFound("token")
	}
	if err != nil {
		return protocol.Account{}, storeErr(fmt.Errorf("token: %w", err))
	}
	var t bureaustore.Token
	var a bureaustore.Account
	if err := errors.Join(json.Unmarshal(tok, &t), json.Unmarshal(acct, &a)); err != nil {
		return protocol.Account{}, fmt.Errorf("decode token: %w", err)
	}
	if t.Revoked || !now.Before(t.Expires) {
		return protocol.Account{}, notFound("token")
	}
	out := protocol.Account{ID: a.ID, Login: a.Login, Name: a.Name, Role: a.Role, UnitID: a.UnitID}
	var u *protocol.Unit
	if unit != nil {
		u = new(protocol.Unit)
		if err := json.Unmarshal(unit, u); err != nil {
			return protocol.Account{}, fmt.Errorf("decode unit of token: %w", err)
		}
		out.UnitName, out.UnitCode = u.Name, u.Code
	}
	if !bureaustore.AccountLive(a, u) {
		return protocol.Account{}, notFound("token")
	}
	return out, nil
}

// TouchSession returns the account of a live console session and records
// its use, or ends a session unused for idle, the token's row locked.
func (s *Store) TouchSession(ctx context.Context, hash string, now time.Time, idle time.Duration) (protocol.Account, error) {
	var out protocol.Account
	idled := false
	err := s.write(ctx, func(tx pgx.Tx) error {
		idled = false
		var tok, acct, unit []byte
		err := tx.QueryRow(ctx, `SELECT t.record, a.record, u.record FROM tokens t JOIN accounts a ON a.id = t.account_id
			LEFT JOIN units u ON u.id = a.unit_id WHERE t.hash = $1 FOR UPDATE OF t`, hash).Scan(&tok, &acct, &unit)
		if errors.Is(err, pgx.ErrNoRows) {
			return notFound("token")
		}
		if err != nil {
			return err
		}
		var t bureaustore.Token
		var a bureaustore.Account
		if err := errors.Join(json.Unmarshal(tok, &t), json.Unmarshal(acct, &a)); err != nil {
			return fmt.Errorf("decode token: %w", err)
		}
		if t.Revoked || !now.Before(t.Expires) {
			return notFound("token")
		}
		if bureaustore.SessionIdle(t, now, idle) {
			t.Revoked, idled = true, true
			_, err := tx.Exec(ctx, "UPDATE tokens SET record = $2 WHERE hash = $1", hash, mustJSON(t))
			return err
		}
		out = protocol.Account{ID: a.ID, Login: a.Login, Name: a.Name, Role: a.Role, UnitID: a.UnitID}
		var u *protocol.Unit
		if unit != nil {
			u = new(protocol.Unit)
			if err := json.Unmarshal(unit, u); err != nil {
				return fmt.Errorf("decode unit of token: %w", err)
			}
			out.UnitName, out.UnitCode = u.Name, u.Code
		}
		if !bureaustore.AccountLive(a, u) {
			return notFound("token")
		}
		t.LastUsed = now.UTC()
		_, err = tx.Exec(ctx, "UPDATE tokens SET record = $2 WHERE hash = $1", hash, mustJSON(t))
		return err
	})
	if err == nil && idled {
		err = bureaustore.ErrSessionIdle
	}
	if err != nil {
		return protocol.Account{}, fmt.Errorf("session: %w", err)
	}
	return out, nil
}

// RevokeToken marks a token revoked: ErrNotFound when unknown.
func (s *Store) RevokeToken(ctx context.Context, hash string) error {
	tag, err := s.pool.Exec(ctx, `UPDATE tokens SET record = jsonb_set(record, '{revoked}', 'true') WHERE hash = $1`, hash)
	if err != nil {
		return storeErr(fmt.Errorf("revoke token: %w", err))
	}
	if tag.RowsAffected() == 0 {
		return bureaustore.Refuse(bureaustore.ErrNotFound, app.Errorf(app.ENOTFOUND, "没有这个令牌"))
	}
	return nil
}

// RevokeTokens deletes every token of the account with that login and
// returns how many were live at now: ErrNotFound for an unknown login.
func (s *Store) RevokeTokens(ctx context.Context, login string, now time.Time) (int, error) {
	n := 0
	err := s.write(ctx, func(tx pgx.Tx) error {
		var id string
		if err := tx.QueryRow(ctx, "SELECT id FROM accounts WHERE login = $1", login).Scan(&id); errors.Is(err, pgx.ErrNoRows) {
			return bureaustore.Refuse(bureaustore.ErrNotFound, app.Errorf(app.ENOTFOUND, "没有账号“%s”", login))
		} else if err != nil {
			return err
		}
		rows, err := tx.Query(ctx, "DELETE FROM tokens WHERE account_id = $1 RETURNING record", id)
		if err != nil {
			return err
		}
		toks, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (bureaustore.Token, error) {
			var t bureaustore.Token
			return t, scanJSON(r, "token", &t)
		})
		if err != nil {
			return err
		}
		n = 0
		for _, t := range toks {
			if !t.Revoked && t.Expires.After(now) {
				n++
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("revoke tokens of %s: %w", login, err)
	}
	return n, nil
}

// PruneTokens deletes the tokens expired at now or revoked and returns how
// many.
func (s *Store) PruneTokens(ctx context.Context, now time.Time) (int, error) {
	// expires is compared as the record's text would be decoded: by time
	tag, err := s.pool.Exec(ctx, `DELETE FROM tokens WHERE coalesce((record->>'revoked')::boolean, false)
		OR (record->>'expires')::timestamptz <= $1`, now)
	if err != nil {
		return 0, storeErr(fmt.Errorf("prune tokens: %w", err))
	}
	return int(tag.RowsAffected()), nil
}

// Profile returns the bureau's rule profile: ErrNotFound when none is set.
func (s *Store) Profile(ctx context.Context) (bureaustore.Profile, error) {
	var p bureaustore.Profile
	var v string
	err := s.pool.QueryRow(ctx, "SELECT value FROM meta WHERE key = 'profile'").Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return p, notFound("profile")
	}
	if err != nil {
		return p, storeErr(fmt.Errorf("profile: %w", err))
	}
	if err := json.Unmarshal([]byte(v), &p); err != nil {
		return p, fmt.Errorf("decode profile: %w", err)
	}
	return p, nil
}

// SetProfile stores the rule profile and appends c to every unit's feed in
// the same commit.
func (s *Store) SetProfile(ctx context.Context, p bureaustore.Profile, c protocol.Change) error {
	var units []string
	err := s.write(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO meta (key, value) VALUES ('profile', $1)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, string(mustJSON(p))); err != nil {
			return err
		}
		var err error
		units, err = broadcast(ctx, tx, nil, c)
		return err
	})
	if err != nil {
		return fmt.Errorf("set profile: %w", err)
	}
	s.changed(units)
	return nil
}
