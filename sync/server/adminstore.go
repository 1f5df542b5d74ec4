package server

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/dgraph-io/badger/v4"

	"egovdesk/app"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server/console"
)

// The admin operations the console's admin pages add to those of the admin
// API (AddUnit, AddAccount, CreateToken, RevokeToken(s), SetProfile): edit
// and disable a unit, list, reset and disable accounts, list and revoke an
// account's tokens. Each is one method here, with the same rules
// (checkUnit, passwordRule) as the API's, so the console and any caller
// of the server share them.

// accountLive reports whether rec may log in and use its tokens: it is not
// disabled, nor is its unit.
func (s *Server) accountLive(txn *badger.Txn, rec accountRecord) (bool, error) {
	if rec.Disabled {
		return false, nil
	}
	if rec.UnitID == "" {
		return true, nil
	}
	u, err := s.unit(txn, rec.UnitID)
	if err != nil {
		return false, err
	}
	return !u.Disabled, nil
}

// UpdateUnit sets the name and credit code of unit id, under the rules of
// AddUnit. It fails with ENOTFOUND for an unknown unit and ECONFLICT when
// another unit holds the code. A new name reaches the review queue's
// entries of the unit at once.
func (s *Server) UpdateUnit(ctx context.Context, id, name, code string) (Unit, error) {
	name, code, err := checkUnit(name, code)
	if err != nil {
		return Unit{}, err
	}
	var u Unit
	renamed := false
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	err = update(ctx, s.db, func(txn *badger.Txn) error {
		var err error
		if u, err = s.unitOrNotFound(txn, id); err != nil {
			return err
		}
		if code != u.Code {
			if ok, err := exists(txn, key("uc", code)); err != nil || ok {
				if ok {
					return app.Errorf(app.ECONFLICT, "统一社会信用代码 %s 已登记给另一个单位", code)
				}
				return err
			}
			if err := txn.Delete(key("uc", u.Code)); err != nil {
				return err
			}
			if err := txn.Set(key("uc", code), []byte(u.ID)); err != nil {
				return err
			}
		}
		renamed = name != u.Name
		u.Name, u.Code = name, code
		return setJSON(txn, key("u", u.ID), u)
	})
	if err != nil {
		return Unit{}, fmt.Errorf("update unit %s: %w", id, err)
	}
	if renamed {
		if err := s.renameQueued(ctx, u); err != nil {
			return u, err
		}
	}
	return u, nil
}

// renameQueued writes u's new name into its entries of the review queue
// index, which keep the unit's name for the queue page. Callers hold
// writeMu.
func (s *Server) renameQueued(ctx context.Context, u Unit) error {
	var keys [][]byte
	err := s.db.View(func(txn *badger.Txn) error {
		opts := badger.DefaultIteratorOptions
		opts.Prefix = key("qx", "")
		it := txn.NewIterator(opts)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			var e console.QueueItem
			if err := it.Item().Value(func(v []byte) error { return json.Unmarshal(v, &e) }); err != nil {
				return err
			}
			if e.UnitID == u.ID {
				keys = append(keys, it.Item().KeyCopy(nil))
			}
		}
		return nil
	})
	for err == nil && len(keys) > 0 {
		n := min(len(keys), 500)
		err = update(ctx, s.db, func(txn *badger.Txn) error {
			for _, k := range keys[:n] {
				var e console.QueueItem
				if err := getJSON(txn, k, &e); errors.Is(err, badger.ErrKeyNotFound) {
					continue
				} else if err != nil {
					return err
				}
				e.UnitName = u.Name
				if err := setJSON(txn, k, e); err != nil {
					return err
				}
			}
			return nil
		})
		keys = keys[n:]
	}
	if err != nil {
		return fmt.Errorf("rename unit %s in the queue: %w", u.ID, err)
	}
	return nil
}

// SetUnitDisabled disables unit id (its accounts can no longer log in and
// their tokens are refused; its filings stay) or enables it again. It fails
// with ENOTFOUND for an unknown unit.
func (s *Server) SetUnitDisabled(ctx context.Context, id string, disabled bool) (Unit, error) {
	var u Unit
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	err := update(ctx, s.db, func(txn *badger.Txn) error {
		var err error
		if u, err = s.unitOrNotFound(txn, id); err != nil {
			return err
		}
		u.Disabled = disabled
		return setJSON(txn, key("u", u.ID), u)
	})
	if err != nil {
		return Unit{}, fmt.Errorf("disable unit %s: %w", id, err)
	}
	return u, nil
}

func (s *Server) unitOrNotFound(txn *badger.Txn, id string) (Unit, error) {
	var u Unit
	if err := getJSON(txn, key("u", id), &u); errors.Is(err, badger.ErrKeyNotFound) {
		return Unit{}, app.Errorf(app.ENOTFOUND, "没有找到单位 %s", id)
	} else if err != nil {
		return Unit{}, err
	}
	return u, nil
}

// Accounts returns every account: the bureau's first, then by unit and login.
func (s *Server) Accounts(ctx context.Context) ([]protocol.AdminAccount, error) {
	var out []protocol.AdminAccount
	err := s.db.View(func(txn *badger.Txn) error {
		opts := badger.DefaultIteratorOptions
		opts.Prefix = key("a", "")
		it := txn.NewIterator(opts)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			var rec accountRecord
			if err := it.Item().Value(func(v []byte) error { return json.Unmarshal(v, &rec) }); err != nil {
				return err
			}
			a, err := s.account(txn, rec)
			if err != nil {
				return err
			}
			out = append(out, protocol.AdminAccount{Account: a, Created: rec.Created, Disabled: rec.Disabled})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list accounts: %w", err)
	}
	slices.SortFunc(out, func(a, b protocol.AdminAccount) int {
		return cmp.Or(cmp.Compare(a.UnitName, b.UnitName), cmp.Compare(a.Login, b.Login))
	})
	return out, nil
}

// SetPassword sets a new password for login under the rule of AddAccount,
// and revokes every token of the account: whoever held the old password
// is logged out. It fails with EINVALID for a short password and ENOTFOUND
// for an unknown login.
func (s *Server) SetPassword(ctx context.Context, login, password string) error {
	var p app.Problems
	passwordRule(&p, password)
	if err := p.Err(); err != nil {
		return err
	}
	hash := s.hashPassword(password)
	err := s.changeAccount(ctx, login, func(txn *badger.Txn, rec *accountRecord) error {
		rec.Password = hash
		return s.dropTokens(txn, rec.ID)
	})
	if err != nil {
		return fmt.Errorf("set password of %s: %w", login, err)
	}
	return nil
}

// SetAccountDisabled disables login (it can no longer log in and its tokens
// are refused) or enables it again. It refuses to disable the last enabled
// admin account, which would leave nobody to enable the others online.
func (s *Server) SetAccountDisabled(ctx context.Context, login string, disabled bool) error {
	err := s.changeAccount(ctx, login, func(txn *badger.Txn, rec *accountRecord) error {
		if disabled && !rec.Disabled && rec.Role == app.RoleAdmin {
			admins := 0
			for _, id := range keysWithPrefix(txn, key("a", "")) {
				var other accountRecord
				if err := getJSON(txn, key("a", id), &other); err != nil {
					return err
				}
				if other.Role == app.RoleAdmin && !other.Disabled {
					admins++
				}
			}
			if admins <= 1 {
				return app.Errorf(app.EINVALID, "“%s”是唯一启用的管理员账号，不能停用；请先添加或启用另一个管理员", rec.Login)
			}
		}
		rec.Disabled = disabled
		return nil
	})
	if err != nil {
		return fmt.Errorf("disable account %s: %w", login, err)
	}
	return nil
}

// changeAccount applies fn to login's record and stores it. It fails with
// ENOTFOUND for an unknown login.
func (s *Server) changeAccount(ctx context.Context, login string, fn func(txn *badger.Txn, rec *accountRecord) error) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	return update(ctx, s.db, func(txn *badger.Txn) error {
		rec, err := s.accountByLogin(txn, login)
		if errors.Is(err, badger.ErrKeyNotFound) {
			return app.Errorf(app.ENOTFOUND, "没有账号“%s”", login)
		}
		if err != nil {
			return err
		}
		if err := fn(txn, &rec); err != nil {
			return err
		}
		return setJSON(txn, key("a", rec.ID), rec)
	})
}

// dropTokens revokes every token of an account.
func (s *Server) dropTokens(txn *badger.Txn, accountID string) error {
	for _, h := range keysWithPrefix(txn, key("ta", accountID, "")) {
		var rec tokenRecord
		if err := getJSON(txn, key("t", h), &rec); errors.Is(err, badger.ErrKeyNotFound) {
			continue
		} else if err != nil {
			return err
		}
		rec.Revoked = true
		if err := setJSON(txn, key("t", h), rec); err != nil {
			return err
		}
	}
	return nil
}

// Tokens lists the tokens of login that are not pruned yet, newest first.
// It fails with ENOTFOUND for an unknown login.
func (s *Server) Tokens(ctx context.Context, login string) ([]protocol.AdminToken, error) {
	var out []protocol.AdminToken
	err := s.db.View(func(txn *badger.Txn) error {
		rec, err := s.accountByLogin(txn, login)
		if errors.Is(err, badger.ErrKeyNotFound) {
			return app.Errorf(app.ENOTFOUND, "没有账号“%s”", login)
		}
		if err != nil {
			return err
		}
		for _, h := range keysWithPrefix(txn, key("ta", rec.ID, "")) {
			var t tokenRecord
			if err := getJSON(txn, key("t", h), &t); errors.Is(err, badger.ErrKeyNotFound) {
				continue
			} else if err != nil {
				return err
			}
			out = append(out, protocol.AdminToken{ID: h, Label: t.Label, Created: t.Created, Expires: t.Expires, Revoked: t.Revoked})
		}
		return nil
	})
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
func (s *Server) RevokeAccountToken(ctx context.Context, login, id string) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	err := update(ctx, s.db, func(txn *badger.Txn) error {
		rec, err := s.accountByLogin(txn, login)
		if errors.Is(err, badger.ErrKeyNotFound) {
			return app.Errorf(app.ENOTFOUND, "没有账号“%s”", login)
		}
		if err != nil {
			return err
		}
		var t tokenRecord
		if ok, err := exists(txn, key("ta", rec.ID, id)); err != nil {
			return err
		} else if !ok || strings.Contains(id, "/") {
			return app.Errorf(app.ENOTFOUND, "账号“%s”没有这个令牌", login)
		}
		if err := getJSON(txn, key("t", id), &t); errors.Is(err, badger.ErrKeyNotFound) {
			return app.Errorf(app.ENOTFOUND, "账号“%s”没有这个令牌", login)
		} else if err != nil {
			return err
		}
		t.Revoked = true
		return setJSON(txn, key("t", id), t)
	})
	if err != nil {
		return fmt.Errorf("revoke token of %s: %w", login, err)
	}
	return nil
}
