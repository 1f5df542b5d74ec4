package server

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"egovdesk/app"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server/bureaustore"
)

// The password and session policy (等保 2.0 GB/T 22239-2019 8.1.4.1 身份鉴别,
// a and d): passwords of a length and of enough classes of characters,
// without the login in them and not a demo or common one; an initial or
// reset password an admin set must be changed at the first login, and any
// password after PasswordPolicy.MaxAge; a new password may not be the
// current one or one of the History before it; a console session ends
// after Config.SessionIdle without use. The bureau sets the policy with
// `bureau serve`'s flags (Config); the policy in force is recorded in the
// security audit trail whenever it differs from the one recorded before.

// PasswordPolicy is the bureau's password rules.
type PasswordPolicy struct {
	MinLength  int           // fewest characters
	MinClasses int           // fewest classes of lower case, upper case, digits and other characters (1–4)
	MaxAge     time.Duration // a password older than this must be changed; < 0 never
	History    int           // how many earlier passwords may not be used again; < 0 none
}

// DefaultPasswordPolicy is 等保 level 3's usual reading: 8 characters of 3
// classes, changed every 90 days, not one of the last 5.
func DefaultPasswordPolicy() PasswordPolicy {
	return PasswordPolicy{MinLength: 8, MinClasses: 3, MaxAge: 90 * 24 * time.Hour, History: 5}
}

// DefaultSessionIdle is how long a console session lives without use.
const DefaultSessionIdle = 15 * time.Minute

// fill puts the defaults into zero fields and bounds the others.
func (p *PasswordPolicy) fill() {
	d := DefaultPasswordPolicy()
	if p.MinLength <= 0 {
		p.MinLength = d.MinLength
	}
	if p.MinClasses <= 0 {
		p.MinClasses = d.MinClasses
	}
	p.MinClasses = min(p.MinClasses, 4)
	if p.MaxAge == 0 {
		p.MaxAge = d.MaxAge
	}
	if p.History == 0 {
		p.History = d.History
	}
}

// keep is how many earlier hashes an account keeps.
func (p PasswordPolicy) keep() int { return max(p.History, 0) }

// String is the policy in words, for the audit trail and the pages.
func (p PasswordPolicy) String() string {
	age := "不要求定期更换"
	if p.MaxAge > 0 {
		age = fmt.Sprintf("有效期 %s", days(p.MaxAge))
	}
	reuse := "可重复使用旧密码"
	if p.History > 0 {
		reuse = fmt.Sprintf("不得与最近 %d 次用过的密码相同", p.History)
	}
	return fmt.Sprintf("至少 %d 个字符，含大写字母、小写字母、数字、其他符号中的至少 %d 类，不含登录名，%s，%s",
		p.MinLength, p.MinClasses, age, reuse)
}

// days writes d in days, or in hours or minutes when shorter.
func days(d time.Duration) string {
	switch {
	case d >= 24*time.Hour && d%(24*time.Hour) == 0:
		return fmt.Sprintf("%d 天", d/(24*time.Hour))
	case d >= time.Hour && d%time.Hour == 0:
		return fmt.Sprintf("%d 小时", d/time.Hour)
	}
	return fmt.Sprintf("%d 分钟", max(d/time.Minute, 1))
}

// commonPasswords are refused whatever the rules count: the ones guessed
// first. Any password containing "demo" is refused too: the demo bureau's
// passwords are published in the README.
var commonPasswords = map[string]bool{
	"password": true, "password1": true, "passw0rd": true, "p@ssw0rd": true, "p@ssword": true, "p@ssw0rd1": true,
	"admin123": true, "admin@123": true, "admin@1234": true, "abc@1234": true, "abc@123456": true, "aa123456": true,
	"qwer@1234": true, "qwe@1234": true, "1qaz@wsx": true, "1qaz2wsx": true, "1qaz!qaz": true, "root@123": true,
	"test@123": true, "welcome1": true, "12345678": true, "123456789": true, "88888888": true, "11111111": true,
	"a1234567": true, "a12345678": true, "changeme": true, "change@me1": true, "huawei@123": true, "sa@123456": true,
}

// passwordClasses counts the classes of characters in pw.
func passwordClasses(pw string) int {
	var lower, upper, digit, other int
	for _, r := range pw {
		switch {
		case r < utf8.RuneSelf && unicode.IsLower(r):
			lower = 1
		case r < utf8.RuneSelf && unicode.IsUpper(r):
			upper = 1
		case r < utf8.RuneSelf && unicode.IsDigit(r):
			digit = 1
		default:
			other = 1
		}
	}
	return lower + upper + digit + other
}

// check adds to p the problems of pw as a new password of login under the
// policy, in field: each rule broken, said so the holder knows what to fix.
func (pol PasswordPolicy) check(p *app.Problems, field, login, pw string) {
	n := utf8.RuneCountInString(pw)
	lower := strings.ToLower(pw)
	switch {
	case n < pol.MinLength:
		p.Add(field, "密码至少 %d 个字符", pol.MinLength)
	case n > 256:
		p.Add(field, "密码不能超过 256 个字符")
	case passwordClasses(pw) < pol.MinClasses:
		p.Add(field, "密码须包含大写字母、小写字母、数字、其他符号（如 - _ @ #）中的至少 %d 类", pol.MinClasses)
	case len(login) >= 3 && strings.Contains(lower, strings.ToLower(login)):
		p.Add(field, "密码不能包含登录名")
	case commonPasswords[lower] || strings.Contains(lower, "demo"):
		p.Add(field, "密码过于常见（如演示密码、初始密码或常用弱口令），请换一个")
	}
}

// passwordDue says why rec's holder must change the password before
// working ("" when not): an initial or reset password, or an old one.
func (s *Server) passwordDue(rec accountRecord) string {
	if rec.MustChange {
		return "初始密码或管理员重置的密码须在首次登录时修改"
	}
	changed := rec.PasswordChanged
	if changed.IsZero() {
		changed = rec.Created
	}
	if pol := s.cfg.PasswordPolicy; pol.MaxAge > 0 && !changed.IsZero() && !s.Now().Before(changed.Add(pol.MaxAge)) {
		return fmt.Sprintf("密码已使用超过 %s（自 %s 起未修改），须修改后才能继续使用", days(pol.MaxAge), changed.In(app.Beijing).Format("2006-01-02"))
	}
	return ""
}

// passwordChangeError is the refusal of a login whose password must be
// changed first: the API's problem (protocol.CodePasswordChange, 403) and
// an EFORBIDDEN app error for the console (whose page lists the rules
// itself) and the audit trail.
type passwordChangeError struct {
	problem *protocol.Problem
	err     *app.Error
}

func (e *passwordChangeError) Error() string   { return e.err.Error() }
func (e *passwordChangeError) Unwrap() []error { return []error{e.problem, e.err} }

// errPasswordChange is that refusal: why, and for the API (whose client
// shows it in its dialog) the rules a new password must meet.
func errPasswordChange(why string, pol PasswordPolicy) error {
	msg := why + "，请先修改密码。"
	return &passwordChangeError{protocol.NewProblem(protocol.CodePasswordChange, msg+"新密码要求："+pol.String()+"。"),
		&app.Error{Code: app.EFORBIDDEN, Message: msg}}
}

// isPasswordChange reports whether err is a login refused until the
// password is changed.
func isPasswordChange(err error) bool {
	var pc *passwordChangeError
	return errors.As(err, &pc)
}

// ChangePassword changes login's password from old to new under the
// policy: the holder's own change, after a forced one or at any time. The
// old password is checked as a login's (the same limits on failures) and
// every token of the account is revoked. It fails with EUNAUTHORIZED for a
// wrong login or password, ETOOMANY while locked (wait > 0), and EINVALID
// with the rules broken. One audit record says how it ended.
func (s *Server) ChangePassword(ctx context.Context, ip, login, old, new string, allow func(accountRecord) error) (rec accountRecord, wait time.Duration, err error) {
	login = strings.ToLower(strings.TrimSpace(login))
	defer func() {
		w := whoOf(ctx)
		w.Actor, w.Addr = clip(login, 64), ip
		if err == nil {
			w.Role = string(rec.Role)
		}
		// refused by the login limits: once a minute an address, as a
		// login (found from outside: 44,730 records in 15 s, no login
		// needed)
		detail, record := s.refusalDetail(err, ip, w.Actor)
		switch {
		case !record:
		case app.ErrorCode(err) == app.EINVALID:
			// a refused new password, repeated at will by whoever has
			// the old one (found from outside): once a minute
			s.auditRepeat(ctx, w, "password.change", login, false, err, "")
		default:
			s.auditAs(ctx, w, "password.change", login, err, cmp.Or(detail, onOff(err == nil && rec.MustChange, "强制修改（初始或重置密码）", "")))
		}
	}()
	rec, wait, err = s.credentials(login, old, ip, true)
	if err != nil {
		return rec, wait, err
	}
	if allow != nil {
		if err := allow(rec); err != nil {
			return rec, 0, err
		}
	}
	var p app.Problems
	s.cfg.PasswordPolicy.check(&p, "new_password", login, new)
	if p.Err() == nil && s.reused(rec, new) {
		p.Add("new_password", "新密码不能与当前密码或最近 %d 次用过的密码相同", max(s.cfg.PasswordPolicy.History, 0))
	}
	if err := p.Err(); err != nil {
		return rec, 0, err
	}
	set := bureaustore.PasswordSet{Hash: s.hashPassword(new), Changed: s.Now(), Keep: s.cfg.PasswordPolicy.keep()}
	if err := s.store.SetAccountPassword(ctx, login, set); err != nil {
		return rec, 0, fmt.Errorf("change password of %s: %w", login, err)
	}
	return rec, 0, nil
}

// reused reports whether pw is rec's password or one the policy keeps it
// from using again.
func (s *Server) reused(rec accountRecord, pw string) bool {
	hashes := append([]string{rec.Password}, rec.PasswordHistory[:min(len(rec.PasswordHistory), s.cfg.PasswordPolicy.keep())]...)
	for _, h := range hashes {
		if s.checkPassword(pw, h) {
			return true
		}
	}
	return false
}

// handlePassword changes a password (POST /password, no token: the holder
// of an initial or expired password has none) and answers a login's
// token.
func (s *Server) handlePassword(w http.ResponseWriter, r *http.Request, _ *caller) error {
	var req protocol.PasswordChangeRequest
	if err := decode(w, r, publicBody, &req); err != nil {
		return err
	}
	var p app.Problems
	if strings.TrimSpace(req.Login) == "" {
		p.Add("login", "请填写登录名")
	}
	if req.Password == "" {
		p.Add("password", "请填写当前密码")
	}
	if req.NewPassword == "" {
		p.Add("new_password", "请填写新密码")
	}
	if err := p.Err(); err != nil {
		return err
	}
	ip := s.clientIP(r)
	rec, wait, err := s.ChangePassword(r.Context(), ip, req.Login, req.Password, req.NewPassword, nil)
	if wait > 0 {
		w.Header().Set(protocol.HeaderRetryAfter, protocol.RetryAfter(int(wait.Seconds()+0.999)))
	}
	if err != nil {
		return err
	}
	var resp protocol.LoginResponse
	resp.Token, resp.Expires, resp.Account, err = s.issue(r.Context(), rec, 0, "password change from "+ip, tokenLogin)
	if err != nil {
		return err
	}
	s.log.Info("password changed", "login", rec.Login, "ip", ip)
	s.writeJSON(w, http.StatusOK, resp)
	return nil
}

// recordPolicy records the password and session policy in force in the
// security audit trail when it differs from the one recorded last (at the
// first start, and after each change of the flags).
func (s *Server) recordPolicy(ctx context.Context) error {
	now := s.policyText()
	last := ""
	q := bureaustore.AuditQuery{Action: "policy.password", Limit: 1000}
	for {
		p, err := s.store.AuditEvents(ctx, q)
		if err != nil {
			return fmt.Errorf("audit policy: %w", err)
		}
		if len(p.Events) > 0 {
			last = p.Events[len(p.Events)-1].Detail
			q.After = p.Events[len(p.Events)-1].Seq
		}
		if !p.More || len(p.Events) == 0 {
			break
		}
	}
	if last == now {
		return nil
	}
	return s.audit(ctx, "policy.password", "", nil, now)
}

// policyText is the policy in force, as recorded.
func (s *Server) policyText() string {
	idle := "不限"
	if s.cfg.SessionIdle > 0 {
		idle = days(s.cfg.SessionIdle)
	}
	return fmt.Sprintf("口令：%s；审核台会话空闲 %s 后自动退出", s.cfg.PasswordPolicy, idle)
}
