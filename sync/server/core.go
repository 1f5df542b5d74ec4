package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"egovdesk/app"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server/bureaustore"
	"egovdesk/sync/server/console"
)

// consoleSessionTTL is how long a console login lasts: a working day.
const consoleSessionTTL = 12 * time.Hour

// core is the server as the review console sees it (console.Backend): the
// console lives in its own package, with its templates, cookies and CSRF,
// and reaches the store only through these calls, which are the API's own
// functions (checkLogin, byToken, detail, decide), so a decision in the
// console is the API's decision, transaction and change-feed event.
type core struct{ s *Server }

var _ console.Backend = core{}

// consoleHandler is the console mounted under /console/, its requests
// logged as the API's are (without the session cookie).
// consolePublicBody is past the longest console form sent without a
// session (the idle page's login, which carries a decision): it times
// such a body (limitBody); the console's own limits refuse what is longer.
const consolePublicBody = 1 << 20

// maxResumesPerAddress is how many idle-page logins one address sends at
// once.
const maxResumesPerAddress = 2

func (s *Server) consoleHandler() http.Handler {
	h := console.New(core{s}, s.log)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A session has at most AccountRequests in progress, as an
		// account has on the API (found from outside: the console had no
		// bound, and 16 prints of one filing at once took 4.3 GB). Per
		// session, not per account: an account holds at most
		// maxLoginTokens sessions and logins.
		ck, err := r.Cookie(console.SessionCookie)
		session := err == nil && ck.Value != ""
		if session {
			release, ok := s.inflight.acquire("console:"+tokenHash(ck.Value), s.cfg.AccountRequests)
			if !ok {
				w.Header().Set(protocol.HeaderRetryAfter, "1")
				http.Error(w, fmt.Sprintf("本次登录同时进行的请求过多（最多 %d 个），请稍后刷新页面", s.cfg.AccountRequests), http.StatusTooManyRequests)
				return
			}
			defer release()
		}
		if r.URL.Path == console.ResumePath {
			// The idle page's login carries a decision's worth of form
			// without a session: two at once from one address.
			release, ok := s.inflight.acquire("resume:"+s.clientIP(r), maxResumesPerAddress)
			if !ok {
				w.Header().Set(protocol.HeaderRetryAfter, "5")
				http.Error(w, "同一地址同时重新登录的请求过多，请等几秒后按浏览器的“后退”再试；您填写的内容仍在上一页", http.StatusTooManyRequests)
				return
			}
			defer release()
		}
		// A form's body keeps the pace the API's keep: one sent slowly,
		// or never, does not hold its connection (and, for the idle
		// page's login, one of its few places) for as long as the sender
		// likes (found from outside). Without a session it has the short
		// grace of a body without login.
		if r.Method == http.MethodPost {
			var max int64
			if !session || console.Public(r.URL.Path) {
				// A made-up cookie does not earn a login's body the
				// allowance of a logged-in reviewer's (found in review).
				max = consolePublicBody
			}
			s.limitBody(w, r, max)
			if b, ok := r.Body.(*deadlineBody); ok {
				defer b.finished()
			}
		}
		start := time.Now()
		rec := &recorder{ResponseWriter: w, status: http.StatusOK}
		r = s.auditConsole(r)
		h.ServeHTTP(rec, r)
		s.auditExport(r, rec.status) // the queue's CSV export goes into the security audit trail
		// One line per request at Debug, as the API's: what an admin
		// needs is in the audit trail and at Info where it happens.
		level := slog.LevelDebug
		if rec.status >= 500 {
			level = slog.LevelWarn
		}
		s.log.Log(r.Context(), level, "request", "method", r.Method, "path", r.URL.Path,
			"status", rec.status, "ms", time.Since(start).Milliseconds(), "ip", s.clientIP(r))
	})
}

func (c core) Login(ctx context.Context, r *http.Request, login, password string) (string, protocol.Account, time.Duration, error) {
	s := c.s
	login = strings.ToLower(strings.TrimSpace(login))
	ip := s.clientIP(r)
	rec, wait, err := s.checkLogin(login, password, ip)
	if isPasswordChange(err) {
		return "", protocol.Account{}, 0, fmt.Errorf("%w: %w", console.ErrPasswordChange, err)
	}
	if err != nil {
		return "", protocol.Account{}, wait, err
	}
	return c.session(ctx, rec, ip)
}

// session opens a console session for rec, a bureau account or an
// auditor.
func (c core) session(ctx context.Context, rec accountRecord, ip string) (string, protocol.Account, time.Duration, error) {
	s, login := c.s, rec.Login
	if err := consoleAccount(rec); err != nil {
		s.log.Info("console login refused", "login", login, "role", rec.Role, "ip", ip)
		return "", protocol.Account{}, 0, app.Errorf(app.EFORBIDDEN, "审核台仅供数管局审核人员和管理员使用；建设单位请使用客户端")
	}
	tok, _, acct, err := s.issue(ctx, rec, consoleSessionTTL, "console from "+ip, tokenConsole)
	if err != nil {
		return "", protocol.Account{}, 0, fmt.Errorf("console login: %w", err)
	}
	s.log.Info("console login", "login", login, "role", rec.Role, "ip", ip)
	return tok, acct, 0, nil
}

// reviewer returns the bureau account holding a console session token.
func (c core) reviewer(token string) (*caller, error) {
	who, err := c.s.byToken(token)
	if err != nil {
		return nil, err
	}
	if !who.Role.Bureau() {
		return nil, app.Errorf(app.EFORBIDDEN, "此功能仅供数管局审核人员使用")
	}
	return who, nil
}

// Session returns the account of a live console session, recording its
// use; a session unused for Config.SessionIdle ends there (server side,
// on its token) with console.ErrSessionIdle, in the audit trail.
func (c core) Session(ctx context.Context, token string) (protocol.Account, error) {
	if token == "" || len(token) > 256 || !isConsoleToken(token) { // an API token is no session (consoleTokenPrefix)
		return protocol.Account{}, app.Errorf(app.EUNAUTHORIZED, "请先登录")
	}
	acct, err := c.s.store.TouchSession(ctx, tokenHash(token), c.s.Now(), c.s.cfg.SessionIdle)
	switch {
	case errors.Is(err, bureaustore.ErrSessionIdle):
		c.s.audit(ctx, "session.idle_logout", tokenRef(tokenHash(token)), nil, "审核台会话空闲 "+days(c.s.cfg.SessionIdle)+" 后自动退出")
		return protocol.Account{}, fmt.Errorf("%w: %w", console.ErrSessionIdle, app.Errorf(app.EUNAUTHORIZED, "登录已因长时间未操作而失效，请重新登录"))
	case errors.Is(err, bureaustore.ErrNotFound):
		return protocol.Account{}, app.Errorf(app.EUNAUTHORIZED, "登录已失效，请重新登录")
	case err != nil:
		return protocol.Account{}, fmt.Errorf("console session: %w", err)
	}
	if !acct.Role.Bureau() && acct.Role != app.RoleAuditor { // an auditor has a session for 安全审计 only (audit.go)
		return protocol.Account{}, app.Errorf(app.EFORBIDDEN, "此功能仅供数管局审核人员使用")
	}
	return acct, nil
}

// ChangePassword is Server.ChangePassword from the console's page, then
// a console login.
func (c core) ChangePassword(ctx context.Context, r *http.Request, login, old, new string) (string, protocol.Account, time.Duration, error) {
	s := c.s
	ip := s.clientIP(r)
	// A unit's account is refused before its password is changed: the
	// console said 审核台仅供数管局… after changing it, and the clerk, told
	// nothing changed, found the client logged out (found from outside).
	rec, wait, err := s.ChangePassword(ctx, ip, login, old, new, consoleAccount)
	if err != nil {
		return "", protocol.Account{}, wait, err
	}
	return c.session(ctx, rec, ip)
}

// consoleAccount refuses an account the console does not serve: a unit's.
func consoleAccount(rec accountRecord) error {
	if !rec.Role.Bureau() && rec.Role != app.RoleAuditor {
		return app.Errorf(app.EFORBIDDEN, "审核台仅供数管局审核人员和管理员使用；建设单位请在客户端的“设置”中修改密码。密码未作修改")
	}
	return nil
}

// PasswordRules is the password policy in words.
func (c core) PasswordRules() string { return c.s.cfg.PasswordPolicy.String() }

// IdleTimeout is how long a console session lives unused.
func (c core) IdleTimeout() time.Duration { return c.s.cfg.SessionIdle }

func (c core) Logout(ctx context.Context, token string) error {
	who, err := c.s.byToken(token)
	if err != nil {
		return nil // already over
	}
	return c.s.revoke(ctx, who.tokenHash)
}

func (c core) Overview(ctx context.Context, token string) (console.Overview, error) {
	if _, err := c.reviewer(token); err != nil {
		return console.Overview{}, err
	}
	o, err := c.s.store.QueueOverview(ctx, c.s.queueRules())
	if err != nil {
		return o, err
	}
	// By review step: from the counters by kind and status that a page of
	// the queue carries (one entry read, whatever the queue's length).
	if prof := c.s.profile.Load(); prof != nil && len(prof.Flows) > 0 {
		res, err := c.s.store.Queue(ctx, console.QueueQuery{Limit: 1}, c.s.queueRules())
		if err != nil {
			return o, err
		}
		o.Steps = bureaustore.StepLoads(prof, res.Page.Counts.ByKindStatus)
	}
	return o, nil
}

func (c core) Queue(ctx context.Context, token string, q console.QueueQuery) (console.QueuePage, error) {
	who, err := c.reviewer(token)
	if err != nil {
		return console.QueuePage{}, err
	}
	if !q.All {
		q.Waiting = c.s.waitingFor(who.Role)
	}
	res, err := c.s.reviewQueue(ctx, q)
	return res.Page, err
}

func (c core) Filing(ctx context.Context, token, id string) (protocol.FilingDetail, error) {
	who, err := c.reviewer(token)
	if err != nil {
		return protocol.FilingDetail{}, err
	}
	return c.s.detail(ctx, id, who)
}

// similarWait bounds how long a filing page waits for the similar
// projects: a Badger bureau loads the index's lists after it starts (about
// 2 s for 10⁵ declarations), and the page opens without them rather than
// keep the reviewer waiting longer.
const similarWait = 3 * time.Second

func (c core) Similar(ctx context.Context, token, id string) ([]console.SimilarItem, error) {
	if _, err := c.reviewer(token); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, similarWait)
	defer cancel()
	return c.s.store.Similar(ctx, id)
}

func (c core) Project(ctx context.Context, token, id string) (app.Dossier, error) {
	if _, err := c.reviewer(token); err != nil {
		return app.Dossier{}, err
	}
	return c.s.projectDossier(ctx, id)
}

func (c core) RevisionBody(ctx context.Context, token, id, rid string) ([]byte, error) {
	if _, err := c.reviewer(token); err != nil {
		return nil, err
	}
	v, err := c.s.store.Revision(ctx, id, rid)
	if err != nil || v.RevisionID != rid { // rid is an ID, not a number
		if err == nil {
			err = notFound()
		}
		return nil, fmt.Errorf("revision %s/%s: %w", id, rid, err)
	}
	return v.Body, nil
}

func (c core) Decide(ctx context.Context, token, id string, req protocol.DecisionRequest, rid string, transitions int) (protocol.DecisionResponse, error) {
	who, err := c.reviewer(token)
	if err != nil {
		return protocol.DecisionResponse{}, err
	}
	return c.s.decide(ctx, who, id, req, &seen{revisionID: rid, transitions: transitions})
}

func (c core) Attachment(ctx context.Context, token, id, sum string, n int) (app.Attachment, io.ReadSeekCloser, time.Time, error) {
	if _, err := c.reviewer(token); err != nil {
		return app.Attachment{}, nil, time.Time{}, err
	}
	if !app.ValidSHA256(sum) {
		return app.Attachment{}, nil, time.Time{}, app.Errorf(app.ENOTFOUND, "材料没有这个附件")
	}
	v, err := c.s.store.Filing(ctx, "", id)
	if err != nil {
		return app.Attachment{}, nil, time.Time{}, fmt.Errorf("attachment of %s: %w", id, err)
	}
	fr := v.Filing
	i := slices.IndexFunc(fr.Filing.Attachments, func(a app.Attachment) bool { return a.SHA256 == sum })
	if i < 0 {
		return app.Attachment{}, nil, time.Time{}, app.Errorf(app.ENOTFOUND, "材料没有这个附件")
	}
	if n >= 0 && n < len(fr.Filing.Attachments) && fr.Filing.Attachments[n].SHA256 == sum {
		i = n // one file attached twice (申请报告 and 项目建设方案) downloads under the name of the link
	}
	a := fr.Filing.Attachments[i]
	f, err := os.Open(c.s.attachmentPath(fr.Filing.UnitID, sum, true))
	if errors.Is(err, os.ErrNotExist) {
		return a, nil, time.Time{}, app.Errorf(app.ENOTFOUND, "附件“%s”尚未上传完整", a.Name)
	}
	if err != nil {
		return a, nil, time.Time{}, fmt.Errorf("open attachment %s: %w", sum, err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return a, nil, time.Time{}, fmt.Errorf("stat attachment %s: %w", sum, err)
	}
	c.s.auditDownload(ctx, id, a)
	return a, f, st.ModTime(), nil
}

func (c core) Verify(ctx context.Context, token, code string) (protocol.Verification, error) {
	if _, err := c.reviewer(token); err != nil {
		return protocol.Verification{}, err
	}
	return c.s.verify(code)
}

func (c core) PDF(ctx context.Context, token, id, rev string) ([]byte, string, []rune, error) {
	who, err := c.reviewer(token)
	if err != nil {
		return nil, "", nil, err
	}
	p, err := c.s.printRevision(ctx, who, id, rev)
	return p.PDF, p.Name, p.Missing, err
}

func (c core) Notify(ctx context.Context, token string, req protocol.NoticeRequest) (protocol.NoticeResponse, error) {
	who, err := c.reviewer(token)
	if err != nil {
		return protocol.NoticeResponse{}, err
	}
	if who.Role != app.RoleAdmin {
		return protocol.NoticeResponse{}, app.Errorf(app.EFORBIDDEN, "此功能仅供数管局管理员使用")
	}
	resp, err := c.s.Notify(ctx, req)
	if err != nil {
		return resp, err
	}
	c.s.log.Info("notice", "by", who.Login, "units", resp.Units, "via", "console")
	return resp, nil
}

func (c core) Units(ctx context.Context) ([]console.Unit, error) {
	us, err := c.s.Units(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]console.Unit, len(us))
	for i, u := range us {
		out[i] = console.Unit{ID: u.ID, Name: u.Name}
	}
	return out, nil
}

func (c core) Profile() *app.Profile { return c.s.profile.Load() }

func (c core) Now() time.Time { return c.s.Now() }

// SecureRequest: TLS here, or a trusted proxy's X-Forwarded-Proto: https.
func (c core) SecureRequest(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	return c.s.trusted(host) && strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}
