package console

import (
	"context"
	"errors"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"egovdesk/app"
	"egovdesk/sync/protocol"
)

// The password and session policy's pages (等保 身份鉴别): the page where
// an account changes its password — at once after a login with an
// initial, reset or expired password, or at any time from the header —
// and the login page's notice after a session ended for want of use.

// PasswordBackend is what those pages need of the bureau.
type PasswordBackend interface {
	// ChangePassword changes login's password from old to new under the
	// bureau's policy, as POST /password does, and opens a console
	// session as Login does. EINVALID carries the rules broken.
	ChangePassword(ctx context.Context, r *http.Request, login, old, new string) (token string, acct protocol.Account, wait time.Duration, err error)
	// PasswordRules is the policy in words, shown on the page.
	PasswordRules() string
	// IdleTimeout is how long a session lives without use (≤ 0: for ever).
	IdleTimeout() time.Duration
}

// Errors a Backend marks its refusals with (errors.Is), beside their
// *app.Error.
var (
	// ErrPasswordChange: Login refused until the password is changed.
	ErrPasswordChange = errors.New("console: the password must be changed first")
	// ErrSessionIdle: Session found the session unused for IdleTimeout;
	// it has ended.
	ErrSessionIdle = errors.New("console: session ended after inactivity")
)

type passwordView struct {
	CSRF, Login, Next, Reason, Rules, Error string
	Fields                                  []app.FieldError
}

func (c *Console) passwordForm(w http.ResponseWriter, r *http.Request) {
	v := passwordView{Next: safeNext(r.URL.Query().Get("next"))}
	if ck, err := r.Cookie(sessionCookie); err == nil && ck.Value != "" {
		if acct, err := c.b.Session(r.Context(), ck.Value); err == nil {
			v.Login = acct.Login
		}
	}
	c.renderPassword(w, r, http.StatusOK, v)
}

func (c *Console) renderPassword(w http.ResponseWriter, r *http.Request, status int, v passwordView) {
	v.CSRF = randomToken()
	v.Rules = c.b.PasswordRules()
	http.SetCookie(w, c.cookie(r, preCookie, v.CSRF, 3600))
	c.render(w, r, status, "password", page{Title: "修改密码", Data: v})
}

func (c *Console) changePassword(w http.ResponseWriter, r *http.Request) {
	if c.smallFormUnread(w, r) {
		return
	}
	v := passwordView{Login: strings.TrimSpace(r.PostFormValue("login")), Next: safeNext(r.PostFormValue("next")),
		Reason: r.PostFormValue("reason")}
	if len(v.Reason) > 300 {
		v.Reason = ""
	}
	pre, err := r.Cookie(preCookie)
	if err != nil || !sameToken(r.PostFormValue(csrfField), pre.Value) {
		v.Error = "表单已过期，请重新输入。"
		c.renderPassword(w, r, http.StatusForbidden, v)
		return
	}
	old, nw, again := r.PostFormValue("password"), r.PostFormValue("new_password"), r.PostFormValue("confirm")
	switch {
	case v.Login == "" || old == "" || nw == "":
		v.Error = "请填写登录名、当前密码和新密码。"
	case nw != again:
		v.Error = "两次输入的新密码不一致，请重新输入。"
	}
	if v.Error != "" {
		c.renderPassword(w, r, http.StatusUnprocessableEntity, v)
		return
	}
	token, acct, wait, err := c.b.ChangePassword(r.Context(), r, v.Login, old, nw)
	if err != nil {
		status := http.StatusUnprocessableEntity
		switch app.ErrorCode(err) {
		case app.ETOOMANY:
			status = http.StatusTooManyRequests
			w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		case app.EUNAUTHORIZED:
			status = http.StatusUnauthorized
		case app.EFORBIDDEN:
			status = http.StatusForbidden
		case app.EINVALID:
		default:
			c.fail(w, r, err)
			return
		}
		v.Error, v.Fields = app.ErrorMessage(err), app.FieldErrors(err)
		c.renderPassword(w, r, status, v)
		return
	}
	http.SetCookie(w, c.cookie(r, preCookie, "", -1))
	http.SetCookie(w, c.cookie(r, sessionCookie, token, 0))
	next := v.Next
	if next == "" {
		next = homeOf(acct.Role)
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// idleLogin sends a request whose session ended for want of use to the
// login page, which says so.
func idleLogin(w http.ResponseWriter, r *http.Request) {
	next := ""
	if r.Method == http.MethodGet {
		next = "&next=" + url.QueryEscape(r.URL.RequestURI())
	}
	http.Redirect(w, r, "/console/login?idle=1"+next, http.StatusSeeOther)
}

// idleText is the login page's notice after an idle logout.
func (c *Console) idleText() string {
	d := c.b.IdleTimeout()
	mins := int(d / time.Minute)
	return "由于您已连续 " + strconv.Itoa(max(mins, 1)) + " 分钟没有操作，为保护审核数据，系统已自动退出登录。请重新登录后继续。"
}

// refreshAfter is when an open page reloads itself (seconds), a little
// after the session would end without use, so that the server ends it
// and the page shows why; 0 when sessions never idle out.
func (c *Console) refreshAfter() int {
	d := c.b.IdleTimeout()
	if d <= 0 {
		return 0
	}
	return int(d/time.Second) + 5
}
