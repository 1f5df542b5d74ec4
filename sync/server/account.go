package server

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"egovdesk/app"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server/bureaustore"
)

// The records of accounts and tokens (see bureaustore).
type (
	accountRecord = bureaustore.Account
	tokenRecord   = bureaustore.Token
)

// NewAccount is what AddAccount needs. UnitID is required for RoleUnit and
// must be empty for the bureau's reviewers and admins.
type NewAccount struct {
	Login    string
	Name     string
	Role     app.Role
	UnitID   string
	Password string
	// MustChange makes Password an initial one the holder must change at
	// the first login: every admin entry point sets it (the admin API,
	// the console, `bureau account add`).
	MustChange bool
	// Demo exempts the demo bureau's published passwords from the
	// password rules (they break them on purpose: they are in the
	// README). No admin entry point sets it.
	Demo bool
}

var loginPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._@-]{1,63}$`)

// AddAccount creates an account. It fails with EINVALID (with field
// problems) for a malformed login, a password the policy refuses
// (PasswordPolicy, unless n.Demo), an
// unknown role or a unit that does not fit the role, with ENOTFOUND for an
// unknown unit and with ECONFLICT when the login is taken.
func (s *Server) AddAccount(ctx context.Context, n NewAccount) (_ protocol.Account, err error) {
	if err = s.auditReady(); err != nil {
		return
	}
	defer s.audited(ctx, "account.create", n.Login+" ("+string(n.Role)+")", &err)
	n.Login = strings.ToLower(strings.TrimSpace(n.Login))
	n.Name = strings.TrimSpace(n.Name)
	if n.Name == "" {
		n.Name = n.Login
	}
	var p app.Problems
	if msg := checkName(n.Name, maxAccountName); msg != "" {
		p.Add("name", "姓名或称呼%s", msg)
	}
	if !loginPattern.MatchString(n.Login) {
		p.Add("login", "登录名须为 2–64 个小写字母、数字或 . _ @ -，以字母或数字开头")
	}
	if !n.Demo {
		s.cfg.PasswordPolicy.check(&p, "password", n.Login, n.Password)
	} else if n.Password == "" {
		p.Add("password", "请填写密码")
	}
	switch n.Role {
	case app.RoleUnit:
		if n.UnitID == "" {
			p.Add("unit", "建设单位账号须指定所属单位")
		}
	case app.RoleReviewer, app.RoleAdmin, app.RoleApprover, app.RoleFinance, app.RoleNDRC, app.RoleCrypto, app.RoleAuditor:
		if n.UnitID != "" {
			p.Add("unit", "数管局账号（含联审部门、审批负责人）不属于任何建设单位")
		}
	default:
		p.Add("role", "角色须为 unit、reviewer、approver、finance、ndrc、crypto、admin 或 auditor")
	}
	if err := p.Err(); err != nil {
		return protocol.Account{}, err
	}
	// Two accounts of one name — of the bureau, or of one unit — read as
	// one person in a filing's history (found from outside: a second
	// "县财政局联审员" concurred for the department). Clerks of different
	// units may share a name.
	accounts, err := s.store.Accounts(ctx)
	if err != nil {
		return protocol.Account{}, fmt.Errorf("add account %s: %w", n.Login, err)
	}
	for _, a := range accounts {
		if a.Login != n.Login && a.UnitID == n.UnitID && app.SameName(a.Name) == app.SameName(n.Name) {
			return protocol.Account{}, fieldErr("name", fmt.Sprintf("已有账号“%s”名为“%s”，姓名或称呼不能重复，请加上部门或职务以便区分", a.Login, a.Name))
		}
	}
	rec := accountRecord{ID: uuid.NewString(), Login: n.Login, Name: n.Name, Role: n.Role, UnitID: n.UnitID,
		Password: s.hashPassword(n.Password), Created: s.Now(), PasswordChanged: s.Now().UTC(), MustChange: n.MustChange && !n.Demo}
	acct, err := s.store.AddAccount(ctx, rec)
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

// checkLoginPassword is checkPassword for a login. A login from an address
// it succeeded from lately (known) may also take the place kept for such
// logins: logins of unknown names spread over many addresses, each within
// its address's limits, filled the shared places and held a reviewer's
// login at the office for up to 9 s (found from outside).
func (s *Server) checkLoginPassword(pw, encoded string, known bool) bool {
	if !known {
		return s.checkPassword(pw, encoded)
	}
	var place chan struct{}
	select {
	case s.hashing <- struct{}{}:
		place = s.hashing
	case s.hashingKnown <- struct{}{}:
		place = s.hashingKnown
	}
	defer func() { <-place }()
	return checkPassword(pw, encoded)
}

// MaxTokenTTL is the longest an issued token may live (found from
// outside: ttl_seconds of 9,223,372,036 gave a token until 2319, one more
// second overflowed to the default).
const MaxTokenTTL = 366 * 24 * time.Hour

// maxTokenLabel and maxAccountName are the most characters of a token's
// label and an account's name (found from outside: 60,000 and 20,000 were
// taken).
const (
	maxTokenLabel  = 100
	maxAccountName = 50
)

// CreateToken issues a bearer token for login that expires after ttl (the
// configured login TTL when ttl is 0): an admin's token for a script, which
// takes no review decision (issuedTokenPrefix). It returns the token, which
// is shown once and stored only hashed. It fails with ENOTFOUND for an
// unknown login.
func (s *Server) CreateToken(ctx context.Context, login string, ttl time.Duration, label string) (_ string, _ time.Time, err error) {
	if err = s.auditReady(); err != nil {
		return
	}
	defer s.audited(ctx, "token.issue", login, &err)
	if ttl < 0 || ttl > MaxTokenTTL {
		return "", time.Time{}, fieldErr("ttl_seconds", fmt.Sprintf("有效期最长 %d 天", MaxTokenTTL/(24*time.Hour)))
	}
	if msg := checkName(label, maxTokenLabel); msg != "" {
		return "", time.Time{}, fieldErr("label", "用途说明"+msg)
	}
	if loginLabel(label) { // the login tokens' own, which makeTokenRoom may end (found in review)
		return "", time.Time{}, fieldErr("label", fmt.Sprintf("用途说明“%s”与登录产生的令牌同名，请换一个说明", clip(label, 40)))
	}
	rec, err := s.store.AccountByLogin(ctx, login)
	if errors.Is(err, bureaustore.ErrNotFound) {
		return "", time.Time{}, app.Errorf(app.ENOTFOUND, "没有账号“%s”", login)
	}
	if err != nil {
		return "", time.Time{}, fmt.Errorf("create token for %s: %w", login, err)
	}
	tok, exp, _, err := s.issue(ctx, rec, ttl, label, tokenIssued)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("create token for %s: %w", login, err)
	}
	return tok, exp, nil
}

// tokenKind says how a token was had, and so what it may do.
type tokenKind int

const (
	tokenLogin   tokenKind = iota // the holder logged in with their password
	tokenConsole                  // a console session (consoleTokenPrefix)
	tokenIssued                   // an admin issued it (issuedTokenPrefix)
)

// Login logs login in from inside the process — a test, a tool that runs
// the server itself — as POST /login does from the loopback address (the
// same checks, limits and audit record), and returns the holder's token,
// which expires after ttl (the configured login TTL when ttl is 0). Unlike
// CreateToken's, the token may act: decide, submit, administer.
func (s *Server) Login(ctx context.Context, login, password string, ttl time.Duration) (string, time.Time, error) {
	rec, _, err := s.checkLogin(strings.ToLower(strings.TrimSpace(login)), password, "127.0.0.1")
	if err != nil {
		return "", time.Time{}, err
	}
	tok, exp, _, err := s.issue(ctx, rec, ttl, "login in process", tokenLogin)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("login %s: %w", login, err)
	}
	return tok, exp, nil
}

// issue stores a new token of kind for account and returns it, when it
// expires and the account's wire form.
func (s *Server) issue(ctx context.Context, acct accountRecord, ttl time.Duration, label string, kind tokenKind) (string, time.Time, protocol.Account, error) {
	if ttl <= 0 {
		ttl = s.cfg.TokenTTL
	}
	if kind != tokenIssued {
		s.makeTokenRoom(ctx, acct.Login)
	}
	raw := make([]byte, 32)
	rand.Read(raw)
	tok := base64.RawURLEncoding.EncodeToString(raw)
	switch kind {
	case tokenConsole:
		tok = consoleTokenPrefix + tok
	case tokenIssued:
		tok = issuedTokenPrefix + tok
	}
	now := s.Now()
	rec := tokenRecord{AccountID: acct.ID, Label: label, Created: now, Expires: now.Add(ttl)}
	wire, err := s.store.IssueToken(ctx, tokenHash(tok), rec)
	if err != nil {
		return "", time.Time{}, protocol.Account{}, err
	}
	return tok, rec.Expires, wire, nil
}

// maxLoginTokens is the most live tokens one account has from logging in
// (API logins and console sessions; not those an admin issued): a client
// on each machine, a few console sessions. A login past it ends the
// oldest (found from outside: one account's password, sent in a loop, made
// 816 tokens in 35 s, and the admin's list of them a 1.3 MB page).
const maxLoginTokens = 32

// loginLabels are the label prefixes of the tokens logins make.
var loginLabels = []string{"login from ", "console from ", "password change from ", "login in process"}

// loginLabel reports whether label is a login token's (loginLabels).
func loginLabel(label string) bool {
	return slices.ContainsFunc(loginLabels, func(p string) bool { return strings.HasPrefix(label, p) })
}

// makeTokenRoom revokes login's oldest live tokens from logging in, so
// that with the one about to be issued it holds at most maxLoginTokens.
// A failure is logged, not the login's: the bound is the housekeeping.
func (s *Server) makeTokenRoom(ctx context.Context, login string) {
	toks, err := s.store.AccountTokens(ctx, login)
	if err != nil {
		s.log.Warn("tokens of a login not counted", "login", login, "err", err)
		return
	}
	now := s.Now()
	toks = slices.DeleteFunc(toks, func(t protocol.AdminToken) bool {
		return t.Revoked || !t.Expires.After(now) || !loginLabel(t.Label)
	})
	if len(toks) < maxLoginTokens {
		return
	}
	slices.SortFunc(toks, func(a, b protocol.AdminToken) int { return a.Created.Compare(b.Created) })
	ended := 0
	for _, t := range toks[:len(toks)-maxLoginTokens+1] {
		if err := s.store.RevokeAccountToken(ctx, login, t.ID); err != nil {
			s.log.Warn("oldest token of a login not revoked", "login", login, "err", err)
			continue
		}
		ended++
	}
	if ended > 0 {
		w := whoOf(ctx)
		w.Actor = login
		s.auditRepeat(ctx, w, "token.revoke", login, false, nil, fmt.Sprintf("同一账号的有效登录超过 %d 个，最早的 %d 个已失效", maxLoginTokens, ended))
	}
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
func (s *Server) revoke(ctx context.Context, hash string) (err error) {
	defer s.audited(ctx, "token.revoke", tokenRef(hash), &err)
	return s.store.RevokeToken(ctx, hash)
}

// RevokeTokens revokes every token of login and returns how many were live.
// It fails with ENOTFOUND for an unknown login.
func (s *Server) RevokeTokens(ctx context.Context, login string) (_ int, err error) {
	if err = s.auditReady(); err != nil {
		return
	}
	defer s.audited(ctx, "token.revoke_all", login, &err)
	n, err := s.store.RevokeTokens(ctx, login, s.Now())
	if err != nil {
		return 0, fmt.Errorf("revoke tokens of %s: %w", login, err)
	}
	return n, nil
}

// PruneTokens deletes the records of tokens that have expired or were
// revoked: every login writes one, so without this the store grows for ever.
// A pruned token is refused as an unknown one, as it was before. It returns
// how many it deleted, and fails with a wrapped storage error.
//
// A prune that removed tokens, or failed, is recorded in the security
// audit trail (token.gc) as the bureau's own housekeeping; one that found
// none is not, so the ten-minute loop does not fill the trail.
func (s *Server) PruneTokens(ctx context.Context) (int, error) {
	n, err := s.store.PruneTokens(ctx, s.Now())
	if n > 0 || err != nil {
		s.auditAs(ctx, auditWho{Actor: "(定时清理)", Addr: "local"}, "token.gc", "", err, fmt.Sprintf("删除已过期或已吊销的令牌 %d 个", n))
	}
	return n, err
}

// caller is who made a request.
type caller struct {
	protocol.Account
	tokenHash string
	issued    bool // the token was issued by an admin (issuedTokenPrefix)
}

// authenticate returns the caller of r. It fails with EUNAUTHORIZED for a
// missing, unknown, expired or revoked token, a console session's token,
// or a disabled account.
func (s *Server) authenticate(r *http.Request) (*caller, error) {
	if len(r.Header.Values(protocol.HeaderAuthorization)) > 1 {
		// a proxy and the server could each read another one
		return nil, app.Errorf(app.EUNAUTHORIZED, "请求带有多个 Authorization 头，只能有一个")
	}
	tok, ok := bearerToken(r.Header.Get(protocol.HeaderAuthorization))
	if !ok {
		return nil, app.Errorf(app.EUNAUTHORIZED, "请先登录")
	}
	if isConsoleToken(tok) {
		return nil, app.Errorf(app.EUNAUTHORIZED, "审核台的登录不能用于接口，请用 /api/v1/login 登录")
	}
	return s.byToken(tok)
}

// consoleTokenPrefix starts the token of a console session, and no other
// ("." is not in the base64url alphabet of the rest). The API refuses a
// console session's token and the console every other token (found from
// outside: they were interchangeable, so a session's cookie used on the
// API escaped the console's idle logout, and a reviewer's 30-day API token
// or a script's token served as a console session). The prefix is part of
// the token whose hash is stored: it cannot be added to another token.
const consoleTokenPrefix = "c."

func isConsoleToken(tok string) bool { return strings.HasPrefix(tok, consoleTokenPrefix) }

// issuedTokenPrefix starts a token an admin issued (CreateToken: `bureau
// token create`, POST /admin/tokens) rather than one its holder had by
// logging in. Such a token serves scripts that read — an export, a
// report — and only reads (issuedMay): found from outside, an
// admin issued tokens for the reviewer, the three departments and the
// approver and took a declaration from submitted to approved alone in 20
// ms, each step recorded in the other accounts' names (三权分立 and the
// joint review's independence undone). Like the console's, the prefix is
// part of the hashed token.
const issuedTokenPrefix = "i."

// byToken returns the caller holding token, as authenticate does for a
// bearer token; the console calls it with its session cookie's token.
func (s *Server) byToken(tok string) (*caller, error) {
	if tok == "" || len(tok) > 256 {
		return nil, app.Errorf(app.EUNAUTHORIZED, "请先登录")
	}
	return s.byTokenHash(tokenHash(tok), strings.HasPrefix(tok, issuedTokenPrefix))
}

// byTokenHash is byToken for the token whose hash is hash.
func (s *Server) byTokenHash(hash string, issued bool) (*caller, error) {
	c := &caller{tokenHash: hash, issued: issued}
	var err error
	c.Account, err = s.store.TokenAccount(context.Background(), c.tokenHash, s.Now())
	if errors.Is(err, bureaustore.ErrNotFound) {
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
