package badgerstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"

	"egovdesk/app"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server/bureaustore"
)

// AddUnit stores a new unit, refusing a registered code.
func (s *Store) AddUnit(ctx context.Context, u protocol.Unit) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	err := s.update(ctx, func(txn *badger.Txn) error {
		if ok, err := exists(txn, key("uc", u.Code)); err != nil || ok {
			if ok {
				return bureaustore.Refuse(bureaustore.ErrDuplicate, app.Errorf(app.ECONFLICT, "统一社会信用代码 %s 已登记", u.Code))
			}
			return err
		}
		if err := setJSON(txn, key("u", u.ID), u); err != nil {
			return err
		}
		return txn.Set(key("uc", u.Code), []byte(u.ID))
	})
	if err != nil {
		return fmt.Errorf("add unit %s: %w", u.Code, err)
	}
	return nil
}

// Unit returns a unit by ID.
func (s *Store) Unit(ctx context.Context, id string) (protocol.Unit, error) {
	var u protocol.Unit
	err := s.db.View(func(txn *badger.Txn) error {
		var err error
		u, err = s.unit(txn, id)
		return err
	})
	return u, err
}

// UnitByCode returns a unit by credit code.
func (s *Store) UnitByCode(ctx context.Context, code string) (protocol.Unit, error) {
	var u protocol.Unit
	err := s.db.View(func(txn *badger.Txn) error {
		id, err := getString(txn, key("uc", code))
		if err != nil {
			return notFound(err)
		}
		u, err = s.unit(txn, id)
		return err
	})
	if err != nil {
		return u, fmt.Errorf("unit by code %s: %w", code, err)
	}
	return u, nil
}

// Units returns every unit.
func (s *Store) Units(ctx context.Context) ([]protocol.Unit, error) {
	var out []protocol.Unit
	err := s.db.View(func(txn *badger.Txn) error {
		for _, id := range keysWithPrefix(txn, key("u", "")) {
			var u protocol.Unit
			if err := getJSON(txn, key("u", id), &u); err != nil {
				return err
			}
			out = append(out, u)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list units: %w", err)
	}
	return out, nil
}

// AddAccount stores a new account.
func (s *Store) AddAccount(ctx context.Context, rec bureaustore.Account) (protocol.Account, error) {
	var acct protocol.Account
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	err := s.update(ctx, func(txn *badger.Txn) error {
		if ok, err := exists(txn, key("al", rec.Login)); err != nil || ok {
			if ok {
				return bureaustore.Refuse(bureaustore.ErrDuplicate, app.Errorf(app.ECONFLICT, "登录名“%s”已被使用", rec.Login))
			}
			return err
		}
		var err error
		if acct, err = s.account(txn, rec); err != nil {
			if errors.Is(err, bureaustore.ErrNotFound) {
				return bureaustore.Refuse(bureaustore.ErrNotFound, app.Errorf(app.ENOTFOUND, "没有找到单位 %s", rec.UnitID))
			}
			return err
		}
		if err := setJSON(txn, key("a", rec.ID), rec); err != nil {
			return err
		}
		return txn.Set(key("al", rec.Login), []byte(rec.ID))
	})
	if err != nil {
		return protocol.Account{}, fmt.Errorf("add account %s: %w", rec.Login, err)
	}
	return acct, nil
}

// account returns the wire form of rec with its unit's name.
func (s *Store) account(txn *badger.Txn, rec bureaustore.Account) (protocol.Account, error) {
	u, err := s.accountUnit(txn, rec)
	if err != nil {
		return protocol.Account{}, err
	}
	return accountOf(rec, u), nil
}

// liveAccount returns the account of rec, reading its unit once, when it
// may act (bureaustore.AccountLive), else bureaustore.ErrNotFound: what
// every request's token is checked against.
func (s *Store) liveAccount(txn *badger.Txn, rec bureaustore.Account) (protocol.Account, error) {
	u, err := s.accountUnit(txn, rec)
	if err != nil {
		return protocol.Account{}, err
	}
	if !bureaustore.AccountLive(rec, u) {
		return protocol.Account{}, bureaustore.ErrNotFound
	}
	return accountOf(rec, u), nil
}

// accountUnit returns the unit of rec, nil for a bureau account.
func (s *Store) accountUnit(txn *badger.Txn, rec bureaustore.Account) (*protocol.Unit, error) {
	if rec.UnitID == "" {
		return nil, nil
	}
	u, err := s.unit(txn, rec.UnitID)
	if err != nil {
		return nil, err
	}
	return &u, nil
}

func accountOf(rec bureaustore.Account, u *protocol.Unit) protocol.Account {
	a := protocol.Account{ID: rec.ID, Login: rec.Login, Name: rec.Name, Role: rec.Role, UnitID: rec.UnitID}
	if u != nil {
		a.UnitName, a.UnitCode = u.Name, u.Code
	}
	return a
}

func accountByLogin(txn *badger.Txn, login string) (bureaustore.Account, error) {
	var rec bureaustore.Account
	id, err := getString(txn, key("al", strings.ToLower(strings.TrimSpace(login))))
	if err != nil {
		return rec, notFound(err)
	}
	return rec, notFound(getJSON(txn, key("a", id), &rec))
}

// AccountByLogin returns an account by login.
func (s *Store) AccountByLogin(ctx context.Context, login string) (bureaustore.Account, error) {
	var rec bureaustore.Account
	err := s.db.View(func(txn *badger.Txn) error {
		var err error
		rec, err = accountByLogin(txn, login)
		return err
	})
	if err != nil {
		return rec, fmt.Errorf("account %s: %w", login, err)
	}
	return rec, nil
}

// IssueToken stores a token and returns its account's wire form.
func (s *Store) IssueToken(ctx context.Context, hash string, t bureaustore.Token) (protocol.Account, error) {
	var acct protocol.Account
	err := s.update(ctx, func(txn *badger.Txn) error {
		var rec bureaustore.Account
		if err := getJSON(txn, key("a", t.AccountID), &rec); err != nil {
			return notFound(err)
		}
		var err error
		if acct, err = s.account(txn, rec); err != nil {
			return err
		}
		if err := setJSON(txn, key("t", hash), t); err != nil {
			return err
		}
		return txn.Set(key("ta", t.AccountID, hash), nil)
	})
	if err != nil {
		return protocol.Account{}, fmt.Errorf("issue token: %w", err)
	}
	return acct, nil
}

// TokenAccount returns the account holding a live token.
func (s *Store) TokenAccount(ctx context.Context, hash string, now time.Time) (protocol.Account, error) {
	var acct protocol.Account
	err := s.db.View(func(txn *badger.Txn) error {
		var t bureaustore.Token
		if err := getJSON(txn, key("t", hash), &t); err != nil {
			return notFound(err)
		}
		if t.Revoked || !now.Before(t.Expires) {
			return bureaustore.ErrNotFound
		}
		var rec bureaustore.Account
		if err := getJSON(txn, key("a", t.AccountID), &rec); err != nil {
			return notFound(err)
		}
		var err error
		acct, err = s.liveAccount(txn, rec)
		return err
	})
	if err != nil {
		return acct, fmt.Errorf("token: %w", err)
	}
	return acct, nil
}

// TouchSession returns the account of a live console session and records
// its use, or ends a session unused for idle.
func (s *Store) TouchSession(ctx context.Context, hash string, now time.Time, idle time.Duration) (protocol.Account, error) {
	var acct protocol.Account
	idled := false
	err := s.update(ctx, func(txn *badger.Txn) error {
		idled = false
		var t bureaustore.Token
		if err := getJSON(txn, key("t", hash), &t); err != nil {
			return notFound(err)
		}
		if t.Revoked || !now.Before(t.Expires) {
			return bureaustore.ErrNotFound
		}
		if bureaustore.SessionIdle(t, now, idle) {
			t.Revoked, idled = true, true
			return setJSON(txn, key("t", hash), t)
		}
		var rec bureaustore.Account
		if err := getJSON(txn, key("a", t.AccountID), &rec); err != nil {
			return notFound(err)
		}
		var err error
		if acct, err = s.liveAccount(txn, rec); err != nil {
			return err
		}
		t.LastUsed = now.UTC()
		return setJSON(txn, key("t", hash), t)
	})
	if err == nil && idled {
		err = bureaustore.ErrSessionIdle
	}
	if err != nil {
		return protocol.Account{}, fmt.Errorf("session: %w", err)
	}
	return acct, nil
}

// RevokeToken marks the token stored under hash revoked.
func (s *Store) RevokeToken(ctx context.Context, hash string) error {
	return s.update(ctx, func(txn *badger.Txn) error {
		var rec bureaustore.Token
		k := key("t", hash)
		if err := getJSON(txn, k, &rec); errors.Is(err, badger.ErrKeyNotFound) {
			return bureaustore.Refuse(bureaustore.ErrNotFound, app.Errorf(app.ENOTFOUND, "没有这个令牌"))
		} else if err != nil {
			return err
		}
		rec.Revoked = true
		return setJSON(txn, k, rec)
	})
}

// RevokeTokens deletes every token of login; it returns how many were live.
func (s *Store) RevokeTokens(ctx context.Context, login string, now time.Time) (int, error) {
	n := 0
	err := s.update(ctx, func(txn *badger.Txn) error {
		n = 0
		acct, err := accountByLogin(txn, login)
		if errors.Is(err, bureaustore.ErrNotFound) {
			return bureaustore.Refuse(bureaustore.ErrNotFound, app.Errorf(app.ENOTFOUND, "没有账号“%s”", login))
		}
		if err != nil {
			return err
		}
		for _, h := range keysWithPrefix(txn, key("ta", acct.ID, "")) {
			var rec bureaustore.Token
			if err := getJSON(txn, key("t", h), &rec); err != nil && !errors.Is(err, badger.ErrKeyNotFound) {
				return err
			} else if err == nil && !rec.Revoked && rec.Expires.After(now) {
				n++
			}
			if err := txn.Delete(key("t", h)); err != nil {
				return err
			}
			if err := txn.Delete(key("ta", acct.ID, h)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("revoke tokens of %s: %w", login, err)
	}
	return n, nil
}

// PruneTokens deletes the tokens expired at now or revoked.
func (s *Store) PruneTokens(ctx context.Context, now time.Time) (int, error) {
	var dead [][2]string // token hash, account
	err := s.db.View(func(txn *badger.Txn) error {
		opts := badger.DefaultIteratorOptions
		opts.Prefix = key("t", "")
		it := txn.NewIterator(opts)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			var rec bureaustore.Token
			if err := decodeItem(it.Item(), &rec); err != nil {
				return err
			}
			if rec.Revoked || !rec.Expires.After(now) {
				dead = append(dead, [2]string{string(it.Item().Key()[len(opts.Prefix):]), rec.AccountID})
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("prune tokens: %w", err)
	}
	total := len(dead)
	for len(dead) > 0 {
		n := min(len(dead), 500)
		err := s.update(ctx, func(txn *badger.Txn) error {
			for _, d := range dead[:n] {
				if err := txn.Delete(key("t", d[0])); err != nil {
					return err
				}
				if err := txn.Delete(key("ta", d[1], d[0])); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return 0, fmt.Errorf("prune tokens: %w", err)
		}
		dead = dead[n:]
	}
	return total, nil
}

// Profile returns the stored rule profile.
func (s *Store) Profile(ctx context.Context) (bureaustore.Profile, error) {
	var rec bureaustore.Profile
	err := s.db.View(func(txn *badger.Txn) error { return getJSON(txn, []byte(keyProfile), &rec) })
	if err != nil {
		return rec, fmt.Errorf("profile: %w", notFound(err))
	}
	return rec, nil
}

// SetProfile stores the profile and announces it to every unit in one commit.
func (s *Store) SetProfile(ctx context.Context, p bureaustore.Profile, c protocol.Change) error {
	s.writeMu.Lock()
	var woken []string
	err := s.update(ctx, func(txn *badger.Txn) error {
		if err := setJSON(txn, []byte(keyProfile), p); err != nil {
			return err
		}
		var err error
		woken, err = broadcast(txn, nil, c)
		return err
	})
	s.writeMu.Unlock()
	if err != nil {
		return fmt.Errorf("set profile %s: %w", p.ID, err)
	}
	s.notify(woken...)
	return nil
}
