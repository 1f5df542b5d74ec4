package server

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/google/uuid"

	"egovdesk/app"
	"egovdesk/sync/protocol"
)

type accountRecord struct {
	ID       string    `json:"id"`
	Login    string    `json:"login"`
	Name     string    `json:"name"`
	Role     app.Role  `json:"role"`
	UnitID   string    `json:"unit_id,omitempty"`
	Password string    `json:"password"` // argon2id PHC string
	Created  time.Time `json:"created"`
	Disabled bool      `json:"disabled,omitempty"`
}

type tokenRecord struct {
	AccountID string    `json:"account_id"`
	Label     string    `json:"label,omitempty"`
	Created   time.Time `json:"created"`
	Expires   time.Time `json:"expires"`
	Revoked   bool      `json:"revoked,omitempty"`
}

// NewAccount is what AddAccount needs. UnitID is required for RoleUnit and
// must be empty for the bureau's reviewers and admins.
type NewAccount struct {
	Login    string
	Name     string
	Role     app.Role
	UnitID   string
	Password string
}

var loginPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._@-]{1,63}$`)

// AddAccount creates an account. It fails with EINVALID (with field
// problems) for a malformed login, a password shorter than 8 characters, an
// unknown role or a unit that does not fit the role, with ENOTFOUND for an
// unknown unit and with ECONFLICT when the login is taken.
func (s *Server) AddAccount(ctx context.Context, n NewAccount) (protocol.Account, error) {
	n.Login = strings.ToLower(strings.TrimSpace(n.Login))
	n.Name = strings.TrimSpace(n.Name)
	if n.Name == "" {
		n.Name = n.Login
	}
	var p app.Problems
	if !loginPattern.MatchString(n.Login) {
		p.Add("login", "登录名须为 2–64 个小写字母、数字或 . _ @ -，以字母或数字开头")
	}
	if len([]rune(n.Password)) < 8 {
		p.Add("password", "密码至少 8 个字符")
	}
	switch n.Role {
	case app.RoleUnit:
		if n.UnitID == "" {
			p.Add("unit", "建设单位账号须指定所属单位")
		}
	case app.RoleReviewer, app.RoleAdmin, app.RoleApprover, app.RoleFinance, app.RoleNDRC, app.RoleCrypto:
		if n.UnitID != "" {
			p.Add("unit", "数管局账号（含联审部门、审批负责人）不属于任何建设单位")
		}
	default:
		p.Add("role", "角色须为 unit、reviewer、approver、finance、ndrc、crypto 或 admin")
	}
	if err := p.Err(); err != nil {
		return protocol.Account{}, err
	}
	rec := accountRecord{ID: uuid.NewString(), Login: n.Login, Name: n.Name, Role: n.Role, UnitID: n.UnitID,
		Password: s.hashPassword(n.Password), Created: s.Now()}
	var acct protocol.Account
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	err := update(ctx, s.db, func(txn *badger.Txn) error {
		if ok, err := exists(txn, key("al", n.Login)); err != nil || ok {
			if ok {
				return app.Errorf(app.ECONFLICT, "登录名“%s”已被使用", n.Login)
			}
			return err
		}
		var err error
		if acct, err = s.account(txn, rec); err != nil {
			if errors.Is(err, badger.ErrKeyNotFound) {
				return app.Errorf(app.ENOTFOUND, "没有找到单位 %s", n.UnitID)
			}
			return err
		}
		if err := setJSON(txn, key("a", rec.ID), rec); err != nil {
			return err
		}
		return txn.Set(key("al", n.Login), []byte(rec.ID))
	})
	if err != nil {
		return protocol.Account{}, fmt.Errorf("add account %s: %w", n.Login, err)
	}
	return acct, nil
}

func (s *Server) hashPassword(pw string) string {
	s.hashing <- struct{}{}
	defer func() { <-s.hashing }()
	return hashPassword(pw, s.cfg.Password)
}

func (s *Server) checkPassword(pw, encoded string) bool {
	s.hashing <- struct{}{}
	defer func() { <-s.hashing }()
	return checkPassword(pw, encoded)
}

// account returns the wire form of rec with its unit's name.
func (s *Server) account(txn *badger.Txn, rec accountRecord) (protocol.Account, error) {
	a := protocol.Account{ID: rec.ID, Login: rec.Login, Name: rec.Name, Role: rec.Role, UnitID: rec.UnitID}
	if rec.UnitID != "" {
		u, err := s.unit(txn, rec.UnitID)
		if err != nil {
			return protocol.Account{}, err
		}
		a.UnitName, a.UnitCode = u.Name, u.Code
	}
	return a, nil
}

func (s *Server) accountByLogin(txn *badger.Txn, login string) (accountRecord, error) {
	var rec accountRecord
	item, err := txn.Get(key("al", strings.ToLower(strings.TrimSpace(login))))
	if err != nil {
		return rec, err
	}
	id, err := item.ValueCopy(nil)
	if err != nil {
		return rec, err
	}
	return rec, getJSON(txn, key("a", string(id)), &rec)
}

// CreateToken issues a bearer token for login that expires after ttl (the
// configured login TTL when ttl is 0). It returns the token, which is shown
// once and stored only hashed. It fails with ENOTFOUND for an unknown login.
func (s *Server) CreateToken(ctx context.Context, login string, ttl time.Duration, label string) (string, time.Time, error) {
	var tok string
	var exp time.Time
	err := update(ctx, s.db, func(txn *badger.Txn) error {
		rec, err := s.accountByLogin(txn, login)
		if errors.Is(err, badger.ErrKeyNotFound) {
			return app.Errorf(app.ENOTFOUND, "没有账号“%s”", login)
		}
		if err != nil {
			return err
		}
		tok, exp, err = s.issue(txn, rec.ID, ttl, label)
		return err
	})
	if err != nil {
		return "", time.Time{}, fmt.Errorf("create token for %s: %w", login, err)
	}
	return tok, exp, nil
}

// issue stores a new token for account and returns it.
func (s *Server) issue(txn *badger.Txn, accountID string, ttl time.Duration, label string) (string, time.Time, error) {
	if ttl <= 0 {
		ttl = s.cfg.TokenTTL
	}
	raw := make([]byte, 32)
	rand.Read(raw)
	tok := base64.RawURLEncoding.EncodeToString(raw)
	now := s.Now()
	rec := tokenRecord{AccountID: accountID, Label: label, Created: now, Expires: now.Add(ttl)}
	h := tokenHash(tok)
	if err := setJSON(txn, key("t", h), rec); err != nil {
		return "", time.Time{}, err
	}
	if err := txn.Set(key("ta", accountID, h), nil); err != nil {
		return "", time.Time{}, err
	}
	return tok, rec.Expires, nil
}

func tokenHash(tok string) string {
	h := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(h[:])
}

// RevokeToken revokes one token. It fails with ENOTFOUND for a token the
// bureau never issued.
func (s *Server) RevokeToken(ctx context.Context, token string) error {
	if err := s.revoke(ctx, tokenHash(strings.TrimSpace(token))); err != nil {
		return fmt.Errorf("revoke token: %w", err)
	}
	return nil
}

// revoke marks the token stored under hash revoked. It fails with
// ENOTFOUND when there is none.
func (s *Server) revoke(ctx context.Context, hash string) error {
	return update(ctx, s.db, func(txn *badger.Txn) error {
		var rec tokenRecord
		k := key("t", hash)
		if err := getJSON(txn, k, &rec); errors.Is(err, badger.ErrKeyNotFound) {
			return app.Errorf(app.ENOTFOUND, "没有这个令牌")
		} else if err != nil {
			return err
		}
		rec.Revoked = true
		return setJSON(txn, k, rec)
	})
}

// RevokeTokens revokes every token of login and returns how many were live.
// It fails with ENOTFOUND for an unknown login.
func (s *Server) RevokeTokens(ctx context.Context, login string) (int, error) {
	n := 0
	err := update(ctx, s.db, func(txn *badger.Txn) error {
		n = 0
		acct, err := s.accountByLogin(txn, login)
		if errors.Is(err, badger.ErrKeyNotFound) {
			return app.Errorf(app.ENOTFOUND, "没有账号“%s”", login)
		}
		if err != nil {
			return err
		}
		now := s.Now()
		for _, h := range keysWithPrefix(txn, key("ta", acct.ID, "")) {
			var rec tokenRecord
			if err := getJSON(txn, key("t", h), &rec); err != nil {
				return err
			}
			if !rec.Revoked && rec.Expires.After(now) {
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

// PruneTokens deletes the records of tokens that have expired or were
// revoked: every login writes one, so without this the store grows for ever.
// A pruned token is refused as an unknown one, as it was before. It returns
// how many it deleted, and fails with a wrapped storage error.
func (s *Server) PruneTokens(ctx context.Context) (int, error) {
	now := s.Now()
	var dead [][2]string // token hash, account
	err := s.db.View(func(txn *badger.Txn) error {
		opts := badger.DefaultIteratorOptions
		opts.Prefix = key("t", "")
		it := txn.NewIterator(opts)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			var rec tokenRecord
			if err := it.Item().Value(func(v []byte) error { return json.Unmarshal(v, &rec) }); err != nil {
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
		err := update(ctx, s.db, func(txn *badger.Txn) error {
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

// caller is who made a request.
type caller struct {
	protocol.Account
	tokenHash string
}

// authenticate returns the caller of r. It fails with EUNAUTHORIZED for a
// missing, unknown, expired or revoked token or a disabled account.
func (s *Server) authenticate(r *http.Request) (*caller, error) {
	tok, ok := bearerToken(r.Header.Get(protocol.HeaderAuthorization))
	if !ok {
		return nil, app.Errorf(app.EUNAUTHORIZED, "请先登录")
	}
	return s.byToken(tok)
}

// byToken returns the caller holding token, as authenticate does for a
// bearer token; the console calls it with its session cookie's token.
func (s *Server) byToken(tok string) (*caller, error) {
	if tok == "" || len(tok) > 256 {
		return nil, app.Errorf(app.EUNAUTHORIZED, "请先登录")
	}
	c := &caller{tokenHash: tokenHash(tok)}
	err := s.db.View(func(txn *badger.Txn) error {
		var t tokenRecord
		if err := getJSON(txn, key("t", c.tokenHash), &t); err != nil {
			return err
		}
		if t.Revoked || !s.Now().Before(t.Expires) {
			return badger.ErrKeyNotFound
		}
		var rec accountRecord
		if err := getJSON(txn, key("a", t.AccountID), &rec); err != nil {
			return err
		}
		if rec.Disabled {
			return badger.ErrKeyNotFound
		}
		var err error
		c.Account, err = s.account(txn, rec)
		return err
	})
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, app.Errorf(app.EUNAUTHORIZED, "登录已失效，请重新登录")
	}
	if err != nil {
		return nil, fmt.Errorf("authenticate: %w", err)
	}
	return c, nil
}

// bearerToken returns the token of an Authorization header of the Bearer
// scheme, whose name is case-insensitive (RFC 9110 §11.1, RFC 6750 §2.1),
// separated from the token by one or more spaces.
func bearerToken(h string) (string, bool) {
	scheme, rest, ok := strings.Cut(strings.TrimLeft(h, " "), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	tok := strings.Trim(rest, " ")
	return tok, tok != "" && !strings.ContainsAny(tok, " \t,")
}
