package badgerstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/dgraph-io/badger/v4"

	"egovdesk/app"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server/bureaustore"
	"egovdesk/sync/server/console"
)

// The console's admin pages: units edited and disabled, accounts listed,
// reset and disabled, an account's tokens listed and revoked.

// unitOrRefuse returns unit id, or the refusal of an unknown one.
func (s *Store) unitOrRefuse(txn *badger.Txn, id string) (protocol.Unit, error) {
	var u protocol.Unit
	if err := getJSON(txn, key("u", id), &u); errors.Is(err, badger.ErrKeyNotFound) {
		return u, bureaustore.UnitNotFound(id)
	} else if err != nil {
		return u, err
	}
	return u, nil
}

// UpdateUnit sets a unit's name and code; a new name is written into the
// unit's entries of the queue index, which keep it for the queue page.
func (s *Store) UpdateUnit(ctx context.Context, id, name, code string) (protocol.Unit, error) {
	var u protocol.Unit
	renamed := false
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	err := s.update(ctx, func(txn *badger.Txn) error {
		var err error
		if u, err = s.unitOrRefuse(txn, id); err != nil {
			return err
		}
		if code != u.Code {
			if ok, err := exists(txn, key("uc", code)); err != nil || ok {
				if ok {
					return bureaustore.CodeTaken(code)
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
		return protocol.Unit{}, fmt.Errorf("update unit %s: %w", id, err)
	}
	if renamed {
		if err := s.renameQueued(ctx, u); err != nil {
			return u, err
		}
	}
	return u, nil
}

// renameQueued writes u's new name into its entries of the review queue
// index, in batches. Callers hold writeMu, so no entry moves meanwhile.
func (s *Store) renameQueued(ctx context.Context, u protocol.Unit) error {
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
		err = s.update(ctx, func(txn *badger.Txn) error {
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

// SetUnitDisabled disables or enables a unit.
func (s *Store) SetUnitDisabled(ctx context.Context, id string, disabled bool) (protocol.Unit, error) {
	var u protocol.Unit
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	err := s.update(ctx, func(txn *badger.Txn) error {
		var err error
		if u, err = s.unitOrRefuse(txn, id); err != nil {
			return err
		}
		u.Disabled = disabled
		return setJSON(txn, key("u", u.ID), u)
	})
	if err != nil {
		return protocol.Unit{}, fmt.Errorf("disable unit %s: %w", id, err)
	}
	return u, nil
}

// Accounts returns every account.
func (s *Store) Accounts(ctx context.Context) ([]protocol.AdminAccount, error) {
	var out []protocol.AdminAccount
	err := s.db.View(func(txn *badger.Txn) error {
		opts := badger.DefaultIteratorOptions
		opts.Prefix = key("a", "")
		it := txn.NewIterator(opts)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			var rec bureaustore.Account
			if err := decodeItem(it.Item(), &rec); err != nil {
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
	return out, nil
}

// SetAccountPassword stores a new password hash and revokes the account's
// tokens in one commit.
func (s *Store) SetAccountPassword(ctx context.Context, login string, set bureaustore.PasswordSet) error {
	err := s.changeAccount(ctx, login, func(txn *badger.Txn, rec *bureaustore.Account) error {
		bureaustore.SetPassword(rec, set)
		return revokeAll(txn, rec.ID)
	})
	if err != nil {
		return fmt.Errorf("set password of %s: %w", login, err)
	}
	return nil
}

// SetAccountDisabled disables or enables an account, never the last
// enabled admin.
func (s *Store) SetAccountDisabled(ctx context.Context, login string, disabled bool) error {
	err := s.changeAccount(ctx, login, func(txn *badger.Txn, rec *bureaustore.Account) error {
		admins := 0
		for _, id := range keysWithPrefix(txn, key("a", "")) {
			var other bureaustore.Account
			if err := getJSON(txn, key("a", id), &other); err != nil {
				return err
			}
			if other.Role == app.RoleAdmin && !other.Disabled {
				admins++
			}
		}
		return bureaustore.DisableAccount(rec, disabled, admins)
	})
	if err != nil {
		return fmt.Errorf("disable account %s: %w", login, err)
	}
	return nil
}

// changeAccount applies fn to login's record and stores it, in one
// transaction under writeMu (a conflict with another writer of the same
// keys is not possible then).
func (s *Store) changeAccount(ctx context.Context, login string, fn func(txn *badger.Txn, rec *bureaustore.Account) error) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	return s.update(ctx, func(txn *badger.Txn) error {
		rec, err := accountByLogin(txn, login)
		if errors.Is(err, bureaustore.ErrNotFound) {
			return bureaustore.AccountNotFound(login)
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

// revokeAll marks every token of an account revoked.
func revokeAll(txn *badger.Txn, accountID string) error {
	for _, h := range keysWithPrefix(txn, key("ta", accountID, "")) {
		var rec bureaustore.Token
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

// AccountTokens lists an account's tokens not yet pruned.
func (s *Store) AccountTokens(ctx context.Context, login string) ([]protocol.AdminToken, error) {
	var out []protocol.AdminToken
	err := s.db.View(func(txn *badger.Txn) error {
		rec, err := accountByLogin(txn, login)
		if errors.Is(err, bureaustore.ErrNotFound) {
			return bureaustore.AccountNotFound(login)
		}
		if err != nil {
			return err
		}
		for _, h := range keysWithPrefix(txn, key("ta", rec.ID, "")) {
			var t bureaustore.Token
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
	return out, nil
}

// RevokeAccountToken revokes one of an account's tokens.
func (s *Store) RevokeAccountToken(ctx context.Context, login, hash string) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	err := s.update(ctx, func(txn *badger.Txn) error {
		rec, err := accountByLogin(txn, login)
		if errors.Is(err, bureaustore.ErrNotFound) {
			return bureaustore.AccountNotFound(login)
		}
		if err != nil {
			return err
		}
		if hash == "" || strings.Contains(hash, "/") {
			return bureaustore.TokenNotFound(login)
		}
		if ok, err := exists(txn, key("ta", rec.ID, hash)); err != nil {
			return err
		} else if !ok {
			return bureaustore.TokenNotFound(login)
		}
		var t bureaustore.Token
		if err := getJSON(txn, key("t", hash), &t); errors.Is(err, badger.ErrKeyNotFound) {
			return bureaustore.TokenNotFound(login)
		} else if err != nil {
			return err
		}
		t.Revoked = true
		return setJSON(txn, key("t", hash), t)
	})
	if err != nil {
		return fmt.Errorf("revoke token of %s: %w", login, err)
	}
	return nil
}
