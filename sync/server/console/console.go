// Package console is the bureau's review console: web pages served by the
// bureau binary under /console/, where reviewers log in, work through the
// review queue, read a filing as a document with the server's own rule
// verdict and its attachments, and decide.
//
// It is plain html/template with one embedded style sheet and, but for the
// 打印 button of a printed opinion (static/print.js; Ctrl+P does the same),
// no script: nothing is fetched at run time, and the
// Content-Security-Policy allows no inline code. Every form carries a CSRF token; the session is a
// bureau token in an HttpOnly, SameSite=Strict cookie (Secure over TLS).
//
// The console holds no storage and no rule: it calls the bureau through
// Backend, whose implementation in package server is the API's own login,
// filing and decision functions, and app's workflow and rule profile.
package console

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"embed"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"maps"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"

	"egovdesk/app"
	"egovdesk/sync/protocol"
)

// Prefix is where the console is mounted.
const Prefix = "/console/"

const (
	sessionCookie = "egovdesk_console"
	preCookie     = "egovdesk_console_login" // double-submit token of the login form
	csrfField     = "csrf"
)

//go:embed templates/*.html static/*
var files embed.FS

// securityHeaders are sent with every page: no script but the console's
// own (print.js), no framing, no sniffing, no referrer outside.
var securityHeaders = map[string]string{
	"Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
		"form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
	"X-Frame-Options":        "DENY",
	"X-Content-Type-Options": "nosniff",
	"Referrer-Policy":        "same-origin",
	"Cache-Control":          "no-store",
}

// Console serves the review console.
type Console struct {
	b     Backend
	log   *slog.Logger
	pages map[string]*template.Template
	mux   *http.ServeMux
	once  onceTokens // notices.go

	profileMu sync.Mutex // the holidays form's read, change and write of the profile (admin.go)
	// resuming bounds the idle pages' logins being read at once (resume):
	// each carries a decision form of up to maxTextForm without a session.
	resuming chan struct{}
}

// maxResuming is how many resume forms are read at once: 32 of 714 KiB.
const maxResuming = 32

// New returns the console over b. log may be nil.
func New(b Backend, log *slog.Logger) *Console {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	c := &Console{b: b, log: log, pages: map[string]*template.Template{}, mux: http.NewServeMux(),
		resuming: make(chan struct{}, maxResuming)}
	for _, p := range append([]string{"login", "password", "queue", "find", "overdue", "filing", "overview", "notices", "verify", "opinion", "error"}, adminPages...) {
		parts := []string{"templates/layout.html", "templates/doc.html", "templates/" + p + ".html"}
		if strings.HasPrefix(p, "admin-") || p == "notices" {
			parts = append(parts, "templates/adminnav.html")
		}
		c.pages[p] = template.Must(template.New("layout.html").Funcs(funcs).Funcs(c.funcs()).ParseFS(files, parts...))
	}
	static, _ := fs.Sub(files, "static")
	cop := http.NewCrossOriginProtection() // Sec-Fetch-Site / Origin, on top of the tokens
	// Its refusal is the console's page, in Chinese: Go's is English text
	// (found from outside: "cross-origin request detected…").
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.errorPage(w, r, http.StatusForbidden, "请求已被拒绝", "请求不是从本审核台的页面发出的（跨站请求），未作处理。请直接打开审核台的地址，刷新页面后重试。")
	}))
	files := http.StripPrefix("/console/static/", http.FileServerFS(static))
	c.mux.Handle("GET /console/static/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The files are named in the pages; no listing of them, and a name
		// that is none of them gets the console's page, in Chinese (it got
		// Go's "404 page not found"; found from outside).
		name := strings.TrimPrefix(r.URL.Path, "/console/static/")
		if st, err := fs.Stat(static, name); err != nil || st.IsDir() || !fs.ValidPath(name) {
			c.errorPage(w, r, http.StatusNotFound, "页面不存在", "请从审核台的工作台进入。")
			return
		}
		files.ServeHTTP(w, r)
	}))
	c.mux.HandleFunc("GET /console/{$}", c.home)
	c.mux.HandleFunc("GET /console/login", c.loginForm)
	c.mux.Handle("POST /console/login", cop.Handler(http.HandlerFunc(c.login)))
	c.mux.Handle("POST "+ResumePath, cop.Handler(http.HandlerFunc(c.resume)))
	c.mux.HandleFunc("GET /console/password", c.passwordForm) // password.go
	c.mux.Handle("POST /console/password", cop.Handler(http.HandlerFunc(c.changePassword)))
	c.mux.Handle("POST /console/logout", cop.Handler(c.authed(c.logout)))
	c.mux.Handle("GET /console/queue", c.authed(c.queue))
	c.mux.Handle("GET /console/next", c.authed(c.next))
	c.mux.Handle("GET /console/queue.csv", c.authed(c.queueCSV))
	c.mux.Handle("GET /console/overview", c.authed(c.overview))
	c.mux.Handle("GET /console/find", c.authed(c.find)) // find.go
	c.mux.Handle("GET /console/late", c.authed(c.late)) // overdue.go
	c.mux.Handle("GET /console/late.csv", c.authed(c.lateCSV))
	c.mux.Handle("GET /console/notices", c.authed(c.noticeForm))
	c.mux.Handle("POST /console/notices", cop.Handler(c.authedLimit(c.notice, maxTextForm)))
	c.mux.Handle("GET /console/filings/{id}", c.authed(c.filing))
	c.mux.Handle("POST /console/filings/{id}/decision", cop.Handler(c.authedLimit(c.decide, maxTextForm)))
	c.mux.Handle("GET /console/filings/{id}/attachments/{sha256}", c.authed(c.attachment))
	c.mux.Handle("GET /console/filings/{id}/revisions/{rev}/pdf", c.authed(c.pdf))
	c.mux.Handle("GET /console/filings/{id}/decisions/{n}", c.authed(c.opinion)) // opinion.go
	c.mux.Handle("GET /console/filings/{id}/decisions/{n}/page.css", c.authed(c.opinionPageCSS))
	c.mux.Handle("GET /console/verify", c.authed(c.verify))
	c.adminRoutes(cop)
	c.auditRoutes() // 安全审计, audit.go
	c.mux.HandleFunc("/console/", func(w http.ResponseWriter, r *http.Request) {
		c.errorPage(w, r, http.StatusNotFound, "页面不存在", "请从审核台的工作台进入。")
	})
	return c
}

// ServeHTTP serves the console with its security headers.
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	for k, v := range securityHeaders {
		w.Header().Set(k, v)
	}
	c.mux.ServeHTTP(w, r)
}

// session is a logged-in request.
type session struct {
	token string
	Login string
	Name  string
	Role  app.Role
	CSRF  string
	// Refresh is when the page reloads itself, in seconds (0: never):
	// just after the session would idle out, so the reviewer sees the
	// notice of an idle logout rather than a stale page.
	Refresh int
}

type sessionHandler func(w http.ResponseWriter, r *http.Request, s *session)

// authed runs h for a live bureau session: GET without one goes to the
// login page, POST without one or without its CSRF token is refused.
func (c *Console) authed(h sessionHandler) http.Handler { return c.authedLimit(h, 64<<10) }

// maxTextForm bounds the forms that carry the longest texts the bureau
// takes: a decision's comment and app.MaxRemarks remarks, each at its
// limit, or a notice of 10,000 characters, sent twice (to see, then to
// send). A browser sends a Chinese character as 9 bytes (%E4%B8%AD): a
// 4,000-character comment and eight remarks of 450 made 66 KB, and the
// 64 KB of other forms refused them with everything typed lost (found
// from outside).
const maxTextForm = 9*(protocol.MaxComment+app.MaxRemarks*(app.MaxRemarkText+app.MaxRemarkField)) + 64<<10

// authedLimit is authed for a form of up to limit bytes (an upload, or
// maxTextForm).
func (c *Console) authedLimit(h sessionHandler, limit int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ck, err := r.Cookie(sessionCookie)
		var s *session
		if err == nil && ck.Value != "" {
			if acct, err := c.b.Session(r.Context(), ck.Value); err == nil {
				s = c.newSession(ck.Value, acct)
			} else if errors.Is(err, ErrSessionIdle) {
				http.SetCookie(w, c.cookie(r, sessionCookie, "", -1))
				if !c.idleForm(w, r, ck.Value, limit) {
					idleLogin(w, r)
				}
				return
			} else if app.ErrorCode(err) == app.EINTERNAL {
				c.fail(w, r, err)
				return
			}
		}
		if s == nil {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/console/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			if c.endedForm(w, r, limit) {
				return
			}
			c.errorPage(w, r, http.StatusUnauthorized, "登录已失效", "请重新登录后再操作。")
			return
		}
		if r.Method == http.MethodPost {
			if len(r.Header.Values("Content-Type")) > 1 { // a proxy and the bureau could each read another (as on the API)
				c.errorPage(w, r, http.StatusBadRequest, "请求无效", "请求带有多个 Content-Type 头，请刷新页面后重试。")
				return
			}
			r.Body = http.MaxBytesReader(w, r.Body, limit)
			// An announced length over the limit is refused before the
			// body is read, so a browser that asked first is not told to
			// send it (found in review).
			problem := 0
			if r.ContentLength > limit {
				problem = http.StatusRequestEntityTooLarge
			} else {
				problem = formProblem(r)
			}
			switch problem {
			case http.StatusRequestEntityTooLarge:
				c.errorPage(w, r, problem, "内容过长", tooLargeText(limit))
				return
			case http.StatusRequestTimeout:
				// not "缺少校验码": the form was cut short (found in review)
				c.errorPage(w, r, problem, "发送中断", stalledText)
				return
			}
			if !sameToken(r.PostFormValue(csrfField), s.CSRF) {
				if c.staleForm(w, r, s) {
					return
				}
				c.errorPage(w, r, http.StatusForbidden, "请求已被拒绝", "表单已过期或不是从审核台提交的（缺少校验码）。请刷新页面后重试。")
				return
			}
		}
		h(w, r.WithContext(context.WithValue(r.Context(), sessionKey{}, s)), s)
	})
}

// tooLargeText says that a form over limit bytes was refused: a file
// (over a megabyte) is to be split or compressed, a form's text shortened.
func tooLargeText(limit int64) string {
	if limit >= 1<<20 {
		return fmt.Sprintf("提交的内容超过 %d MB 的上限，未作处理。请拆分或压缩后重试。", limit>>20)
	}
	return fmt.Sprintf("提交的内容超过 %d KB 的上限，未作处理。请返回上一页，删减后重新提交。", limit>>10)
}

// csrfToken is the synchronizer token of a session: a hash of the session
// token, which is HttpOnly and never in a page, so another site can
// neither read nor compute it.
func csrfToken(sessionToken string) string {
	h := sha256.Sum256([]byte("egovdesk console csrf\x00" + sessionToken))
	return base64.RawURLEncoding.EncodeToString(h[:])
}

func sameToken(got, want string) bool {
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (c *Console) cookie(r *http.Request, name, value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: name, Value: value, Path: Prefix, MaxAge: maxAge, HttpOnly: true,
		Secure: c.b.SecureRequest(r), SameSite: http.SameSiteStrictMode}
}

// home sends a logged-in account to its home (an auditor's is 安全审计),
// anyone else to the login page.
func (c *Console) home(w http.ResponseWriter, r *http.Request) {
	if ck, err := r.Cookie(sessionCookie); err == nil && ck.Value != "" {
		if acct, err := c.b.Session(r.Context(), ck.Value); err == nil {
			http.Redirect(w, r, homeOf(acct.Role), http.StatusSeeOther)
			return
		}
	}
	http.Redirect(w, r, "/console/login", http.StatusSeeOther)
}

type loginView struct {
	CSRF, Login, Next, Error, Idle string
}

func (c *Console) loginForm(w http.ResponseWriter, r *http.Request) {
	v := loginView{Next: safeNext(r.URL.Query().Get("next"))}
	if r.URL.Query().Get("idle") != "" {
		v.Idle = c.idleText()
	}
	c.renderLogin(w, r, http.StatusOK, v)
}

// maxSmallForm bounds the login and password forms.
const maxSmallForm = 8 << 10

// smallFormUnread reads a login or password form and reports whether it
// could not be, having said why: one announced over maxSmallForm is
// refused before it is read (found from outside: they waited for a
// gigabyte announced, as the API no longer does), one sent over it is cut,
// and one that came too slowly or stopped is said to have (it was read
// empty and taken for an expired form, 表单已过期: found from outside).
func (c *Console) smallFormUnread(w http.ResponseWriter, r *http.Request) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxSmallForm)
	problem := http.StatusRequestEntityTooLarge
	if r.ContentLength <= maxSmallForm {
		problem = formProblem(r)
	}
	switch problem {
	case http.StatusRequestEntityTooLarge:
		c.errorPage(w, r, problem, "内容过长", tooLargeText(maxSmallForm))
	case http.StatusRequestTimeout:
		c.errorPage(w, r, problem, "发送中断", stalledText)
	default:
		return false
	}
	return true
}

func (c *Console) renderLogin(w http.ResponseWriter, r *http.Request, status int, v loginView) {
	v.CSRF = randomToken()
	http.SetCookie(w, c.cookie(r, preCookie, v.CSRF, 3600))
	c.render(w, r, status, "login", page{Title: "登录", Data: v})
}

func (c *Console) login(w http.ResponseWriter, r *http.Request) {
	if c.smallFormUnread(w, r) {
		return
	}
	v := loginView{Login: strings.TrimSpace(r.PostFormValue("login")), Next: safeNext(r.PostFormValue("next"))}
	pre, err := r.Cookie(preCookie)
	if err != nil || !sameToken(r.PostFormValue(csrfField), pre.Value) {
		v.Error = "登录表单已过期，请重新输入。"
		c.renderLogin(w, r, http.StatusForbidden, v)
		return
	}
	password := r.PostFormValue("password")
	if v.Login == "" || password == "" {
		v.Error = "请填写登录名和密码。"
		c.renderLogin(w, r, http.StatusUnprocessableEntity, v)
		return
	}
	token, acct, wait, err := c.b.Login(r.Context(), r, v.Login, password)
	if errors.Is(err, ErrPasswordChange) { // an initial, reset or expired password: change it first (password.go)
		c.renderPassword(w, r, http.StatusOK, passwordView{Login: v.Login, Next: v.Next, Reason: app.ErrorMessage(err)})
		return
	}
	if err != nil {
		status := http.StatusUnauthorized
		switch app.ErrorCode(err) {
		case app.ETOOMANY:
			status = http.StatusTooManyRequests
			w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		case app.EFORBIDDEN:
			status = http.StatusForbidden
		case app.EUNAUTHORIZED:
		default:
			c.fail(w, r, err)
			return
		}
		v.Error = app.ErrorMessage(err)
		c.renderLogin(w, r, status, v)
		return
	}
	http.SetCookie(w, c.cookie(r, preCookie, "", -1))
	http.SetCookie(w, c.cookie(r, sessionCookie, token, 0))
	next := v.Next
	if next == "" {
		next = homeOf(acct.Role) // an auditor's is 安全审计
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// safeNext keeps a return address only when it is a console page of this
// origin, so the login form cannot send anyone elsewhere.
func safeNext(next string) string {
	if !strings.HasPrefix(next, Prefix) || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return ""
	}
	return next
}

func (c *Console) logout(w http.ResponseWriter, r *http.Request, s *session) {
	if err := c.b.Logout(r.Context(), s.token); err != nil {
		c.log.Warn("console logout", "err", err)
	}
	http.SetCookie(w, c.cookie(r, sessionCookie, "", -1))
	http.Redirect(w, r, "/console/login", http.StatusSeeOther)
}

// page is what the layout needs around a page's own data.
type page struct {
	Title   string
	Session *session
	Data    any
	// Bureau is the name the bureau goes by (app.Profile.BureauShort),
	// filled in by render: the pages said 数管局 beside 区数据局审核员.
	Bureau string
}

func (c *Console) render(w http.ResponseWriter, r *http.Request, status int, name string, p page) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	p.Bureau = c.b.Profile().BureauShort()
	var buf strings.Builder
	if err := c.pages[name].Execute(&buf, p); err != nil {
		c.log.Error("console template", "page", name, "err", err)
		w.WriteHeader(http.StatusInternalServerError)
		w.Write([]byte("页面生成失败，请联系系统管理员。"))
		return
	}
	w.WriteHeader(status)
	w.Write([]byte(buf.String()))
}

type errorView struct {
	Heading, Text string
	// Kept is what the reviewer typed into the form that was not taken,
	// to copy; Next is where to log in again to (idleDecision).
	Kept []string
	Next string
	// NextLabel names the link to Next ("" says 重新登录).
	NextLabel string
	// Resume is the login form that carries Kept back to its filing.
	Resume *resumeForm
}

func (c *Console) errorPage(w http.ResponseWriter, r *http.Request, status int, heading, text string) {
	c.render(w, r, status, "error", page{Title: heading, Session: sessionIn(r), Data: errorView{Heading: heading, Text: text}})
}

// newSession is the session of a live console token.
func (c *Console) newSession(token string, acct protocol.Account) *session {
	return &session{token: token, Login: acct.Login, Name: acct.Name, Role: acct.Role, CSRF: csrfToken(token),
		Refresh: c.refreshAfter()}
}

// funcs are the templates' functions that read the bureau's rules in force.
func (c *Console) funcs() template.FuncMap {
	return template.FuncMap{
		// kindLabel names a kind of filing as the regulation does (郁南's
		// 验收前置审核申请 for 竣工验收申请).
		"kindLabel": func(k app.Kind) string { return c.b.Profile().KindName(k) },
		// trialSpan is a trial period with its length and the profile's
		// minimum: a reviewer counted the months by hand (a walkthrough).
		"trialSpan": func(start, end string) string {
			if start == "" && end == "" {
				return ""
			}
			s := start + " 至 " + end
			n, ok := app.MonthsBetween(start, end)
			if !ok {
				return s
			}
			length := fmt.Sprintf("满 %d 个月", n)
			if n == 0 {
				length = "不足 1 个月"
			}
			if prof := c.b.Profile(); prof != nil && prof.TrialMinMonths > 0 {
				length += fmt.Sprintf("；本局规则要求至少 %d 个月，开始当日不计入", prof.TrialMinMonths)
			}
			return s + "（" + length + "）"
		},
		// declState names a declaration's state where only its total is at
		// hand (相似项目): a refused 备案 project is 不予备案, by the route its
		// total gives (as the queue's route is), not 不予立项.
		"declState": func(st app.Status, total app.Money) string {
			prof := c.b.Profile()
			if st != app.StatusRejected || prof == nil {
				return prof.StatusLabel(st, app.KindDeclaration)
			}
			return prof.StatusOn(st, app.KindDeclaration, prof.RouteFor(&app.Declaration{TotalInvestment: total}, 0).Code)
		},
		// acceptanceAddition reports whether the profile asks for an
		// acceptance material of its own (本局补充要求): the checklist read
		// 必须 beside them as beside the regulation's (a walkthrough).
		"acceptanceAddition": func(code string) bool {
			prof := c.b.Profile()
			return prof != nil && slices.Contains(prof.AcceptanceAdditions, code)
		},
		// routeShort names a route in a list's column: the profile's short
		// name for it, else its label's part before the colon.
		"routeShort": func(code, label string) string {
			if s := c.b.Profile().RouteShort(code); s != "" {
				return s
			}
			before, _, _ := strings.Cut(label, "：")
			return before
		},
		// titleOf is a filing's title with its kind so named.
		"titleOf": func(k app.Kind, title string) string { return c.b.Profile().ShownTitle(k, title) },
		// actionLabelFor and statusLabelFor name a decision and a state in
		// the terms of the filing's kind and the regulation (不予备案, not
		// 不予立项, for a later filing; 郁南's 前置审核通过).
		"actionLabelFor": func(a app.Action, k app.Kind) string { return c.b.Profile().ActionLabel(a, k) },
		"statusLabelFor": func(s app.Status, k app.Kind) string { return c.b.Profile().StatusLabel(s, k) },
		// actionOn and stateOn are the same for a filing whose route is
		// known (a declaration's: the filing page's, the queue's): a 备案
		// project's refusal is 不予备案, not 不予立项.
		"actionOn": func(a app.Action, k app.Kind, route string) string { return c.b.Profile().ActionOn(a, k, route) },
		"stateOn":  func(s app.Status, k app.Kind, route string) string { return c.b.Profile().StatusOn(s, k, route) },
	}
}

// sessionKey is the key of a request's live session in its context.
type sessionKey struct{}

// sessionIn returns the live session authed found for r, nil when it did
// not run: an error page keeps the menu and 退出 of a reviewer who is
// logged in (a 403 or 409 showed the brand only, and no way on), without
// another read, or touch, of the session in the store.
func sessionIn(r *http.Request) *session {
	s, ok := r.Context().Value(sessionKey{}).(*session)
	if !ok {
		return nil
	}
	c := *s
	c.Refresh = 0 // an error page may answer a POST, which a reload would send as GET
	return &c
}

// idleForm answers a form sent after its session idled out: the decision
// is not taken, and the page gives back what was typed into it (the
// comment, the field remarks) with the way back, when the form is the
// same browser's (its CSRF token is the idled session's). A reviewer who
// wrote a long 退回修改 reason and sent it a minute too late lost it.
// It reports whether it answered.
func (c *Console) idleForm(w http.ResponseWriter, r *http.Request, token string, limit int64) bool {
	if r.Method != http.MethodPost || len(r.Header.Values("Content-Type")) > 1 {
		return false
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	if r.ContentLength > limit || !sameToken(r.PostFormValue(csrfField), csrfToken(token)) {
		return false
	}
	next := "/console/queue"
	if p, ok := strings.CutSuffix(r.URL.Path, "/decision"); ok {
		next = p
	}
	return c.idlePage(w, r, http.StatusUnauthorized, next, "")
}

// decisionPage returns the filing page a decision form in r was sent
// from, and whether r is one. The decision's route is behind the
// cross-origin check (http.CrossOriginProtection: Sec-Fetch-Site, Origin),
// so a browser sent such a form from one of the console's own pages:
// what it carries is the reviewer's, and may be shown back to them.
func decisionPage(r *http.Request) (string, bool) {
	next, ok := strings.CutSuffix(r.URL.Path, "/decision")
	if _, filing := filingPath(next); !ok || !filing || r.Method != http.MethodPost || len(r.Header.Values("Content-Type")) > 1 || !sameOrigin(r) {
		return "", false
	}
	return next, true
}

// sameOrigin reports whether the browser says r came from one of this
// origin's pages: Sec-Fetch-Site same-origin or, from a browser without
// it, an Origin of this host. The cross-origin check lets a request with
// neither through (no current browser sends a cross-site form so), which
// is no evidence the form was the console's: one sent with neither had its
// text shown on the console's page (found in review).
func sameOrigin(r *http.Request) bool {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" {
		return site == "same-origin"
	}
	o := r.Header.Get("Origin")
	if o == "" || o == "null" {
		return false
	}
	u, err := url.Parse(o)
	return err == nil && u.Host != "" && strings.EqualFold(u.Host, r.Host)
}

// endedForm answers a decision form sent after its session ended other
// than by idling out (退出 in this tab or another, which took the cookie;
// a session revoked) as idleForm does: the decision is not taken, and the
// page gives back what was typed with a login that carries it back to the
// filing. It reports whether it answered. A 天宁 reviewer who had logged
// out in another tab lost a 退回修改 reason (a walkthrough).
func (c *Console) endedForm(w http.ResponseWriter, r *http.Request, limit int64) bool {
	next, ok := decisionPage(r)
	if !ok {
		return false
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	if r.ContentLength > limit || formProblem(r) != 0 {
		return false
	}
	return c.lostPage(w, r, http.StatusUnauthorized, next, "", "登录已失效，决定没有提交",
		"这个页面的登录已失效（已退出、已过期或已被管理员注销）。")
}

// staleForm answers a decision form sent from a page of an earlier
// session of this browser, which another login has replaced since (退出
// and 登录 in another tab): its token is that session's. The decision is
// not taken. To the same account the filing's page comes back with what
// was typed in its form, as after an idle logout (refill); to another
// account, the texts are shown to copy. It reports whether it answered.
func (c *Console) staleForm(w http.ResponseWriter, r *http.Request, s *session) bool {
	next, ok := decisionPage(r)
	if !ok {
		return false
	}
	kept := c.typedLines(r)
	if len(kept) == 0 {
		return false
	}
	id, _ := filingPath(next)
	if strings.EqualFold(s.Login, strings.TrimSpace(r.PostFormValue("login"))) {
		c.refillWith(w, r, s, id, true)
		return true
	}
	c.render(w, r, http.StatusConflict, "error", page{Title: "决定没有提交", Session: s, Data: errorView{
		Heading: "决定没有提交",
		Text: "这个页面是用另一个账号登录时打开的；此后本浏览器已改为现在的账号（" + echo(s.Name) +
			"）登录，决定没有以任何账号提交。您填写的内容如下，请复制保存。",
		Kept:      kept,
		Next:      next,
		NextLabel: "以现在的账号打开这份材料",
	}})
	return true
}

// idlePage shows what the decision form in r (sent after its session
// idled out, or given back by resume) held, and reports whether it held
// anything: the texts to copy and, when it was a filing's, a login form
// that carries them and, once logged in, puts them back in the filing's
// decision form (resume). A reviewer had to copy a long 退回修改 reason,
// log in, find the filing again and paste it back, field by field.
// problem says why a resume was refused.
func (c *Console) idlePage(w http.ResponseWriter, r *http.Request, status int, next, problem string) bool {
	return c.lostPage(w, r, status, next, problem, "登录已超时，决定没有提交", c.idleText())
}

// lostPage is idlePage for a session lost as why says, under heading.
func (c *Console) lostPage(w http.ResponseWriter, r *http.Request, status int, next, problem, heading, why string) bool {
	kept := c.typedLines(r)
	if len(kept) == 0 {
		return false
	}
	_, _, remarks, _ := decisionForm(r)
	v := errorView{
		Heading: heading,
		Text:    why + "您填写的内容如下，请复制保存，重新登录后回到这份材料再提交。",
		Kept:    kept,
		Next:    "/console/login?next=" + url.QueryEscape(next),
	}
	if _, ok := filingPath(next); ok {
		v.Text = why + "您填写的内容如下。在下面重新登录后，这些内容会填回这份材料的决定表单，核对后再提交。"
		v.Resume = &resumeForm{CSRF: randomToken(), Next: next, Login: echo(strings.TrimSpace(r.PostFormValue("login"))), Error: problem}
		for _, name := range resumeFields {
			if x := r.PostFormValue(name); x != "" {
				v.Resume.Fields = append(v.Resume.Fields, formField{name, echo(x)})
			}
		}
		for _, p := range slices.Sorted(maps.Keys(remarks)) {
			v.Resume.Fields = append(v.Resume.Fields, formField{remarkPrefix + echo(p), echo(remarks[p])})
		}
		http.SetCookie(w, c.cookie(r, preCookie, v.Resume.CSRF, 3600))
	}
	title, _, _ := strings.Cut(heading, "，")
	c.render(w, r, status, "error", page{Title: title, Data: v})
	return true
}

// Public reports whether path takes a form without a session: the login,
// the idle page's login and the password change. The server gives their
// bodies the short allowance of a body without login, whatever cookie
// comes with them.
func Public(path string) bool {
	return path == "/console/login" || path == ResumePath || path == "/console/password"
}

// ResumePath is where the idle page's login is sent (resume): the server
// bounds how many one address sends at once.
const ResumePath = "/console/login/resume"

// typedLines lists what the decision form in r holds, to copy: the
// decision chosen and the amount typed above the comment and the field
// remarks; none when nothing was written.
func (c *Console) typedLines(r *http.Request) []string {
	_, typed, remarks, _ := decisionForm(r)
	// The filing is not read for a session gone: the form says its kind,
	// which names the remarks' fields, and a declaration's route, which
	// names its refusal (不予备案 of a filed project, not 不予立项).
	kind := app.Kind(r.PostFormValue("kind"))
	if !kind.Valid() {
		kind = ""
	}
	route := r.PostFormValue("route")
	kept := keptLines(kind, strings.TrimSpace(r.PostFormValue("comment")), remarks)
	if len(kept) == 0 {
		return nil
	}
	var chosen []string
	if a := app.Action(r.PostFormValue("action")); a.Valid() && a != app.ActionSubmit {
		chosen = append(chosen, "决定："+c.b.Profile().ActionOn(a, kind, route))
	}
	if typed != "" {
		chosen = append(chosen, "核定金额："+echo(typed)+"（万元）")
	}
	return append(chosen, kept...)
}

// resumeFields are the fields of the decision form an idle page carries
// over the login (resume), the remarks aside: what was chosen and typed,
// and the page's revision and decisions, to tell the reviewer when the
// filing moved on while they were away.
var resumeFields = []string{"action", "approved", "comment", "kind", "revision", "route", "transitions"}

// resumeForm is the idle page's login form, which carries the decision
// typed (Fields) back to the filing at Next.
type resumeForm struct {
	CSRF, Next, Login, Error string
	Fields                   []formField
}

type formField struct{ Name, Value string }

// filingPath returns the ID of the filing whose page p is.
func filingPath(p string) (string, bool) {
	id, ok := strings.CutPrefix(p, "/console/filings/")
	return id, ok && id != "" && !strings.ContainsAny(id, "/?#")
}

// resume logs in from an idle page and shows the filing with the decision
// the reviewer typed back in its form. A login refused gives the idle page
// again, with everything it carried.
func (c *Console) resume(w http.ResponseWriter, r *http.Request) {
	// Sent again from the filing's page it gave (the browser's reload
	// after the login): the session it began refills without a login, and
	// the password sent again is not read.
	var live *session
	if ck, err := r.Cookie(sessionCookie); err == nil && ck.Value != "" {
		if acct, err := c.b.Session(r.Context(), ck.Value); err == nil {
			live = c.newSession(ck.Value, acct)
		}
	}
	if _, err := r.Cookie(preCookie); err != nil && live == nil || r.ContentLength > maxTextForm {
		// Not from an idle page of this browser, or past the limit: not
		// read (the login form's pre-login cookie goes with the page).
		c.errorPage(w, r, http.StatusBadRequest, "请求无效", "登录表单已过期或不完整，请回到待审核重新打开材料。")
		return
	}
	if live == nil {
		select {
		case c.resuming <- struct{}{}:
			defer func() { <-c.resuming }()
		default:
			w.Header().Set("Retry-After", "5")
			c.errorPage(w, r, http.StatusServiceUnavailable, "请稍后重试", "审核台正忙，请等几秒后按浏览器的“后退”，再点“重新登录并填回”。您填写的内容仍在上一页。")
			return
		}
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxTextForm)
	switch formProblem(r) {
	case http.StatusRequestEntityTooLarge:
		c.errorPage(w, r, http.StatusRequestEntityTooLarge, "内容过长", tooLargeText(maxTextForm))
		return
	case http.StatusRequestTimeout:
		c.errorPage(w, r, http.StatusRequestTimeout, "发送中断", stalledText)
		return
	}
	next := safeNext(r.PostFormValue("next"))
	id, ok := filingPath(next)
	if !ok || len(r.Header.Values("Content-Type")) > 1 {
		c.errorPage(w, r, http.StatusBadRequest, "请求无效", "表单不完整，请回到待审核重新打开材料。")
		return
	}
	// Only the account the form names: another person logged in in
	// another tab does not take this reviewer's decision (found in review).
	if live != nil && strings.EqualFold(live.Login, strings.TrimSpace(r.PostFormValue("login"))) {
		c.refill(w, r.WithContext(context.WithValue(r.Context(), sessionKey{}, live)), live, id)
		return
	}
	refuse := func(status int, problem string) {
		if !c.idlePage(w, r, status, next, problem) {
			c.errorPage(w, r, status, "无法登录", problem)
		}
	}
	pre, err := r.Cookie(preCookie)
	if err != nil || !sameToken(r.PostFormValue(csrfField), pre.Value) {
		refuse(http.StatusForbidden, "登录表单已过期，请重新输入登录名和密码。")
		return
	}
	login, password := strings.TrimSpace(r.PostFormValue("login")), r.PostFormValue("password")
	if login == "" || password == "" {
		refuse(http.StatusUnprocessableEntity, "请填写登录名和密码。")
		return
	}
	token, acct, wait, err := c.b.Login(r.Context(), r, login, password)
	switch {
	case errors.Is(err, ErrPasswordChange):
		// The password must be changed first, on a page that cannot
		// carry the decision: the texts stay here to copy.
		refuse(http.StatusForbidden, app.ErrorMessage(err)+"请先复制保存上面的内容，再点“重新登录”修改密码。")
		return
	case app.ErrorCode(err) == app.ETOOMANY:
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		refuse(http.StatusTooManyRequests, app.ErrorMessage(err))
		return
	case app.ErrorCode(err) == app.EUNAUTHORIZED || app.ErrorCode(err) == app.EFORBIDDEN:
		refuse(http.StatusUnauthorized, app.ErrorMessage(err))
		return
	case err != nil:
		c.fail(w, r, err)
		return
	}
	http.SetCookie(w, c.cookie(r, preCookie, "", -1))
	http.SetCookie(w, c.cookie(r, sessionCookie, token, 0))
	s := c.newSession(token, acct)
	c.refill(w, r.WithContext(context.WithValue(r.Context(), sessionKey{}, s)), s, id)
}

// fail shows err: its message for a problem the reviewer can act on, a
// generic one (and a log line) for an internal fault.
func (c *Console) fail(w http.ResponseWriter, r *http.Request, err error) {
	switch app.ErrorCode(err) {
	case app.ENOTFOUND:
		c.errorPage(w, r, http.StatusNotFound, "没有找到", app.ErrorMessage(err))
	case app.EFORBIDDEN:
		c.errorPage(w, r, http.StatusForbidden, "无权访问", app.ErrorMessage(err))
	case app.EUNAUTHORIZED:
		c.errorPage(w, r, http.StatusUnauthorized, "登录已失效", "请重新登录。")
	case app.EINVALID, app.ECONFLICT:
		c.errorPage(w, r, http.StatusUnprocessableEntity, "无法完成", app.ErrorMessage(err))
	default:
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			c.errorPage(w, r, http.StatusRequestEntityTooLarge, "内容过长", "提交的内容超过上限。")
			return
		}
		c.log.Error("console", "method", r.Method, "path", r.URL.Path, "err", err)
		c.errorPage(w, r, http.StatusInternalServerError, "出错了", "审核台内部错误，已记录日志；请稍后重试或联系系统管理员。")
	}
}
