package server

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"
	"unicode/utf8"

	"egovdesk/app"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server/bureaustore"
)

// handleLogin checks a login and password and issues a token. Repeated
// failures of a login from an address, and from an address whatever the
// login, lock further attempts with 429 (see ThrottleConfig).
func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request, _ *caller) error {
	var req protocol.LoginRequest
	if err := decode(w, r, publicBody, &req); err != nil {
		return err
	}
	login := strings.ToLower(strings.TrimSpace(req.Login))
	var p app.Problems
	if login == "" {
		p.Add("login", "请填写登录名")
	} else if utf8.RuneCountInString(login) > protocol.MaxLogin {
		p.Add("login", "登录名不能超过 %d 个字符", protocol.MaxLogin)
	}
	if req.Password == "" {
		p.Add("password", "请填写密码")
	}
	if err := p.Err(); err != nil {
		return err
	}
	ip := s.clientIP(r)
	rec, wait, err := s.checkLogin(login, req.Password, ip)
	if wait > 0 {
		w.Header().Set(protocol.HeaderRetryAfter, protocol.RetryAfter(int(math.Ceil(wait.Seconds()))))
	}
	if err != nil {
		return err
	}

	var resp protocol.LoginResponse
	resp.Token, resp.Expires, resp.Account, err = s.issue(r.Context(), rec, 0, "login from "+ip, tokenLogin)
	if err != nil {
		return err
	}
	s.log.Info("login", "login", login, "role", rec.Role, "ip", ip)
	s.writeJSON(w, http.StatusOK, resp)
	return nil
}

// checkLogin checks login (trimmed, lower case) and password from the
// client at ip under the login limits, for the API and the console alike.
// It returns the account, or wait > 0 with ETOOMANY while the login or the
// address is locked, or EUNAUTHORIZED for a wrong login or password or an
// account that is not live (disabled, or its unit: bureaustore.AccountLive) (indistinguishable, and as slow as each other).
//
// A password that must be changed first (Server.passwordDue: an initial
// or reset one, or one past the policy's age) refuses the login with
// errPasswordChange (403 password_change_required).
func (s *Server) checkLogin(login, password, ip string) (rec accountRecord, wait time.Duration, err error) {
	defer func() { s.auditLogin(login, ip, rec, err) }()
	rec, wait, err = s.credentials(login, password, ip, false)
	if err != nil {
		return rec, wait, err
	}
	if why := s.passwordDue(rec); why != "" {
		s.log.Info("login refused until the password is changed", "login", login, "ip", ip)
		return rec, 0, errPasswordChange(why, s.cfg.PasswordPolicy)
	}
	return rec, 0, nil
}

// loginsAtOnce is how many logins of one account have their password
// checked at once (a client and a browser logging in at the same moment).
const loginsAtOnce = 2

// credentials checks login and password under the login limits, as
// checkLogin says, without the password policy's refusal: for a login, and
// for a change of the password (forChange), which the holder of a password
// due for a change may make.
func (s *Server) credentials(login, password, ip string, forChange bool) (rec accountRecord, wait time.Duration, err error) {
	now := s.Now()
	keys, known := s.throttle.loginKeys(now, login, ip)
	if d, crowded := s.throttle.begin(now, keys); d > 0 {
		secs := int(math.Ceil(d.Seconds()))
		if crowded { // colleagues behind one address logging in at once, or guesses sent together
			return rec, d, app.Errorf(app.ETOOMANY, "同一时刻的登录尝试过多，请 %d 秒后再试", secs)
		}
		return rec, d, app.Errorf(app.ETOOMANY, "登录失败次数过多，请 %d 秒后再试", secs)
	}
	decided := false
	defer func() {
		if !decided { // not checked, or the store failed: neither a failure nor a success
			s.throttle.end(s.Now(), keys, false)
		}
	}()
	// At most loginsAtOnce checks of one login at a time: a successful
	// login never counts against the limits, so one account's password
	// sent in a loop queued every login of the bureau behind its argon2
	// checks (found from outside: a reviewer's login took 3.5–11 s).
	done, admitted := s.loggingIn.acquire(login, loginsAtOnce)
	if !admitted {
		return rec, time.Second, app.Errorf(app.ETOOMANY, "账号“%s”正有其他登录在核对密码，请稍候再试", clip(login, 64))
	}
	defer done()
	rec, err = s.store.AccountByLogin(context.Background(), login)
	live := err == nil && bureaustore.AccountLive(rec, nil)
	if live && rec.UnitID != "" {
		var u Unit
		u, err = s.store.Unit(context.Background(), rec.UnitID)
		live = err == nil && bureaustore.AccountLive(rec, &u)
	}
	found := err == nil
	if err != nil && !errors.Is(err, bureaustore.ErrNotFound) {
		return rec, 0, err
	}
	hash := s.dummyHash()
	if found {
		hash = rec.Password
	}
	ok := s.checkLoginPassword(password, hash, known) && found && live
	decided = true
	// now after the check, which may have waited its turn to hash: a lock
	// starts when the failure is known
	if s.throttle.end(s.Now(), keys, !ok) {
		s.log.Warn("login: many failures of one login from addresses it has not logged in from; further attempts from such addresses wait",
			"login", clip(login, 64), "failures", s.throttle.cfg.AccountFree+1)
	}
	if !ok {
		s.log.Info("login failed", "login", clip(login, 64), "ip", ip)
		// With what to do next (found in a clerk's walkthrough: the message
		// named no way on). The same for an unknown login and a disabled
		// account: it must not tell which logins exist.
		return accountRecord{}, 0, app.Errorf(app.EUNAUTHORIZED, "登录名或密码不正确：请核对后重新输入（注意大小写和输入法）；忘记密码请联系数管局的系统管理员重设")
	}
	s.throttle.succeeded(s.Now(), login, ip)
	return rec, 0, nil
}

// handleLogout revokes the caller's token.
func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request, c *caller) error {
	// A logout, repeated at will with a login (found from outside: a
	// login–logout loop wrote a token.revoke a cycle): once a minute per
	// account, as the login is.
	err := s.store.RevokeToken(r.Context(), c.tokenHash)
	s.auditRepeat(r.Context(), whoOf(r.Context()), "token.revoke", tokenRef(c.tokenHash), false, err, "退出登录")
	if err != nil {
		return fmt.Errorf("logout: %w", err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// handleMe returns the caller's account.
func (s *Server) handleMe(w http.ResponseWriter, r *http.Request, c *caller) error {
	s.writeJSON(w, http.StatusOK, c.Account)
	return nil
}

// clientIP is the address of the client: the peer's, or, when the peer is
// one of Config.TrustedProxies, the last address in X-Forwarded-For that
// is not a trusted proxy (each proxy appends the address it saw, so the
// entries left of it are whatever the client claimed). Without trusted
// proxies the header is ignored: anyone could send one.
func (s *Server) clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if !s.trusted(host) {
		return host
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop := strings.TrimSpace(hops[i])
		if hop == "" {
			continue
		}
		a, ok := hopAddr(hop)
		if !ok {
			// Not an address: it stands for no one, and must not give
			// the login limits a new key each time (found from outside:
			// "ip:port" entries escaped them). The last trusted hop's.
			return host
		}
		if !s.trusted(a) {
			return a
		}
		host = a
	}
	return host
}

// hopAddr reads one X-Forwarded-For entry as proxies write them: an
// address, or an address with a port ("203.0.113.5:1000",
// "[2001:db8::1]:443"), in its canonical form (IPv4-mapped as IPv4).
func hopAddr(hop string) (string, bool) {
	if a, err := netip.ParseAddr(hop); err == nil {
		return a.Unmap().WithZone("").String(), true
	}
	if ap, err := netip.ParseAddrPort(hop); err == nil {
		return ap.Addr().Unmap().WithZone("").String(), true
	}
	return "", false
}

// trusted reports whether addr is one of Config.TrustedProxies.
func (s *Server) trusted(addr string) bool {
	if len(s.cfg.TrustedProxies) == 0 {
		return false
	}
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return false
	}
	a = a.Unmap()
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// learnKnownLogins reads the successful logins of the last
// ThrottleConfig.KnownFor from the audit trail into the login limits'
// known addresses, then lets the per-login lock apply (throttle.ready).
// The limits are kept in memory: without this, after a restart every user
// was a stranger everywhere, and 50 failures spread over addresses locked
// a reviewer out of their own office (found from outside). If the trail
// cannot be read the per-login lock stays off (logged).
func (s *Server) learnKnownLogins() {
	ctx, cancel := s.untilStop()
	defer cancel()
	start := time.Now()
	q := bureaustore.AuditQuery{From: s.Now().Add(-s.throttle.cfg.KnownFor), Action: "login", Outcome: bureaustore.AuditOK, Limit: 1000}
	n := 0
	for {
		page, err := s.store.AuditEvents(ctx, q)
		if err != nil {
			if ctx.Err() == nil {
				s.log.Error("login limits: the addresses users logged in from could not be read from the audit trail; the per-login limit stays off until the bureau starts again", "err", err)
			}
			return
		}
		for _, e := range page.Events {
			s.throttle.remember(strings.ToLower(e.Actor), e.Address, e.Time)
			q.After = e.Seq
			n++
		}
		if !page.More {
			break
		}
	}
	s.throttle.ready.Store(true)
	s.log.Info("login limits: addresses users logged in from read from the audit trail", "logins", n, "ms", time.Since(start).Milliseconds())
}
