package server

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"egovdesk/app"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server/console"
)

// Access says who may call a route and whose data it touches.
type Access string

// Access levels of the routes.
const (
	AccessPublic   Access = "public"   // no token; no unit data
	AccessAccount  Access = "account"  // any valid token; the caller's own account or bureau-wide data
	AccessUnit     Access = "unit"     // unit accounts; only the caller's unit's data
	AccessReviewer Access = "reviewer" // reviewers and admins; any unit's data
	AccessAdmin    Access = "admin"    // admins
	AccessAudit    Access = "audit"    // admins and auditors: the security audit trail, read only
)

// Route is one entry of the route table.
type Route struct {
	Pattern string // "METHOD /path", a ServeMux pattern
	Access  Access
}

type handlerFunc func(w http.ResponseWriter, r *http.Request, c *caller) error

type route struct {
	Route
	handle handlerFunc
}

// routeTable is the one route table of the server. The tests check it
// against the OpenAPI document and run a scoping case for every entry.
func (s *Server) routeTable() []route {
	r := func(method, path string, access Access, h handlerFunc) route {
		return route{Route{method + " " + path, access}, h}
	}
	table := []route{
		r("GET", protocol.PathHealth, AccessPublic, s.handleHealth),
		r("GET", protocol.PathOpenAPI, AccessPublic, s.handleOpenAPI),
		r("GET", protocol.PathLimits, AccessPublic, s.handleLimits),
		r("GET", protocol.PathReceiptKey, AccessPublic, s.handleReceiptKey),
		r("POST", protocol.PathLogin, AccessPublic, s.handleLogin),
		r("POST", protocol.PathLogout, AccessAccount, s.handleLogout),
		r("POST", protocol.PathPassword, AccessPublic, s.handlePassword),
		r("GET", protocol.PathMe, AccessAccount, s.handleMe),
		r("GET", protocol.PathProfile, AccessAccount, s.handleProfile),
		r("GET", protocol.PathFilings, AccessUnit, s.handleFilings),
		r("GET", protocol.PathFiling, AccessUnit, s.handleFiling),
		r("POST", protocol.PathRevision, AccessUnit, s.handleSubmit),
		r("POST", protocol.PathWithdrawal, AccessUnit, s.handleWithdraw),
		r("POST", protocol.PathSubmissions, AccessUnit, s.handleSubmitBatch),
		r("GET", protocol.PathAttachment, AccessUnit, s.handleUploadStatus),
		r("HEAD", protocol.PathAttachment, AccessUnit, s.handleUploadStatus),
		r("PATCH", protocol.PathAttachment, AccessUnit, s.handleUpload),
		r("GET", protocol.PathChanges, AccessUnit, s.handleChanges),
		r("GET", protocol.PathReviewQueue, AccessReviewer, s.handleQueue),
		r("GET", protocol.PathReviewFiling, AccessReviewer, s.handleFiling),
		r("GET", protocol.PathReviewProject, AccessReviewer, s.handleProjectFilings),
		r("GET", protocol.PathReviewAttachment, AccessReviewer, s.handleReviewAttachment),
		r("POST", protocol.PathDecisions, AccessReviewer, s.handleDecision),
		r("POST", protocol.PathNotices, AccessAdmin, s.handleNotice),
		r("GET", protocol.PathVerify, AccessReviewer, s.handleVerify),
		r("GET", protocol.PathReviewPDF, AccessReviewer, s.handleReviewPDF),
		r("GET", protocol.PathAudit, AccessAudit, s.handleAudit),
	}
	table = append(table, s.restoreRoutes()...)
	table = append(table, s.draftRoutes()...)
	for _, op := range s.adminOps() {
		table = append(table, r(op.method, protocol.Prefix+op.path, AccessAdmin,
			func(w http.ResponseWriter, r *http.Request, _ *caller) error { return op.handle(w, r) }))
	}
	return table
}

// Routes returns the route table: every pattern the server serves and who
// may call it.
func (s *Server) Routes() []Route {
	out := make([]Route, len(s.routes))
	for i, r := range s.routes {
		out[i] = r.Route
	}
	return out
}

// Handler returns the HTTP handler of the API.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle(console.Prefix, s.consoleHandler()) // the review console: its own routes, see core.go
	for _, rt := range s.routes {
		mux.Handle(rt.Pattern, s.wrap(rt))
	}
	// A path that exists with other methods answers 405 with Allow.
	probe, allow := http.NewServeMux(), map[string][]string{}
	for _, rt := range s.routes {
		method, path, _ := strings.Cut(rt.Pattern, " ")
		if _, ok := allow[path]; !ok {
			probe.Handle(path, http.NotFoundHandler())
		}
		methods := []string{method}
		if method == http.MethodGet {
			methods = append(methods, http.MethodHead) // ServeMux answers HEAD with GET
		}
		for _, m := range methods {
			if !slices.Contains(allow[path], m) {
				allow[path] = append(allow[path], m)
			}
		}
	}
	mux.Handle("/", s.wrap(route{Route{"/", AccessPublic}, func(w http.ResponseWriter, r *http.Request, _ *caller) error {
		if _, path := probe.Handler(r); path != "" {
			methods := strings.Join(allow[path], ", ")
			w.Header().Set("Allow", methods)
			return protocol.NewProblem(protocol.CodeMethodNotAllowed,
				fmt.Sprintf("接口 %s 不支持 %s 请求，可用：%s", r.URL.Path, r.Method, methods))
		}
		return app.Errorf(app.ENOTFOUND, "没有这个接口：%s %s", r.Method, r.URL.Path)
	}}))
	// The framing is checked before anything answers: the client-version
	// check and the downloads answer on their own (found from outside: a
	// request smuggled behind them was served).
	return s.framing(s.withRelease(mux))
}

// framing refuses, with 411 and the connection closed, an HTTP/1.1
// request whose body comes in chunks. Every client of the bureau (the
// desktop client, a browser's form or fetch) sends Content-Length; chunks
// are what a request smuggled past a proxy uses: Go's server reads a
// request with both Content-Length and Transfer-Encoding by its chunks,
// drops the length and keeps the connection (found from outside), where
// RFC 9112 §6.1 says to close it — a proxy in front reading the length
// would take the rest for a second request. HTTP/2 has no chunks.
//
// An HTTP/1.0 request's connection is closed after its answer: Go frames
// its body by Content-Length and hides a Transfer-Encoding it came with
// (found from outside: with both, the next request on the connection was
// served), which a proxy in front may have read by its chunks. HTTP/1.0
// comes from proxies (nginx's default to its upstream), which open a
// connection a request anyway. And a body the handler left unread closes
// its connection unread (closeUnread).
func (s *Server) framing(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ProtoMajor == 1 && r.ProtoMinor == 0 {
			w.Header().Set("Connection", "close")
		}
		if r.ProtoMajor == 1 && len(r.TransferEncoding) > 0 {
			w.Header().Set("Connection", "close")
			s.writeProblem(w, r, protocol.NewProblem(protocol.CodeLengthRequired,
				"请求内容须带 Content-Length 发送，不接受分块传输（Transfer-Encoding: chunked）"))
			return
		}
		if r.ContentLength <= 0 {
			next.ServeHTTP(w, r)
			return
		}
		b := &countedBody{ReadCloser: r.Body, want: r.ContentLength}
		r.Body = b
		cw := &closeUnread{ResponseWriter: w, body: b}
		next.ServeHTTP(cw, r)
		if !b.read() {
			rc := http.NewResponseController(w)
			// Lingering close (RFC 9112 §9.6): the answer goes out now,
			// and what the client goes on sending is taken in for a
			// while, so that the reset a close with bytes unread makes
			// does not reach the client before it has read the answer
			// (a browser uploading a file over the limit saw
			// "connection reset" instead of the refusal).
			if cw.wrote {
				// the first to close when the server is full (found
				// from outside: a lingering connection was never),
				// marked before the answer goes out: a client that read
				// it and came back at once found the place still taken
				// (503, seen once in a clean-clone CI run)
				lc, _ := r.Context().Value(connKey{}).(*limitedConn)
				if lc != nil {
					lc.lingering()
				}
				err := rc.Flush()
				if lc != nil {
					lc.answerSent()
				}
				if err == nil {
					linger(rc, b)
				}
			}
			// and no more: Go would read up to 256 KiB of it, without a
			// deadline, before it closes the connection
			rc.SetReadDeadline(time.Now())
		}
	})
}

// lingerFor, lingerIdle and lingerBytes bound what framing takes in of a
// body after the answer to it, before it closes the connection: a second
// at most, a quarter of a second of silence (a client that trickles or
// sends nothing is not waited for), 64 MiB.
const (
	lingerFor   = time.Second
	lingerIdle  = 250 * time.Millisecond
	lingerBytes = 64 << 20
)

// linger reads and drops what comes of body within those bounds.
func linger(rc *http.ResponseController, body io.Reader) {
	end := time.Now().Add(lingerFor)
	buf := make([]byte, 32<<10)
	for n := 0; n < lingerBytes; {
		d := time.Now().Add(lingerIdle)
		if d.After(end) {
			d = end
		}
		if rc.SetReadDeadline(d) != nil {
			return
		}
		k, err := body.Read(buf)
		if n += k; err != nil {
			return
		}
	}
}

// countedBody counts what the handler read of a request's body.
type countedBody struct {
	io.ReadCloser
	n, want int64
	eof     bool
}

func (b *countedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n += int64(n)
	b.eof = b.eof || err == io.EOF
	return n, err
}

func (b *countedBody) read() bool { return b.eof || b.n >= b.want }

// closeUnread answers a request whose body was not read to its end with
// the connection closed. Go's server reads up to 256 KiB of a body the
// handler left, so that the connection can serve the next request, before
// or after the answer and with no deadline where the handler set none
// (found from outside: GET /healthz, the console's pages, a 404 or the
// refusal of a login too big, announcing a body of 100,000 bytes and
// sending none, held their connections for good, and 9 addresses × 1,000
// of them shut everyone else out). framing also sets the connection's read
// deadline to now once the handler is done, so that nothing more is read.
type closeUnread struct {
	http.ResponseWriter
	body  *countedBody
	wrote bool
}

func (w *closeUnread) WriteHeader(code int) {
	if !w.wrote {
		w.wrote = true
		if !w.body.read() {
			w.Header().Set("Connection", "close")
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *closeUnread) Write(p []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the connection.
func (w *closeUnread) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// publicBody is the largest body of a route without login (a login, a
// password change: a few hundred bytes), the limit their handlers decode
// with: a body of 5 KB was refused as over 4096 bytes, one announced of
// 17 KB as over 16384 (found from outside: one limit, said once).
const publicBody = 4 << 10

// wrap authenticates and authorises the caller for rt, runs the handler,
// turns its error into a problem, recovers panics and logs the request.
func (s *Server) wrap(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &recorder{ResponseWriter: w, status: http.StatusOK}
		var max int64
		if rt.Access == AccessPublic {
			// Without a login a body is at most publicBody: a slow one
			// must not earn minutes of the connection (found from
			// outside: Content-Length 4 MB on /login, a space every 5 s,
			// held a connection 8½ minutes).
			max = publicBody
			if r.ContentLength > max {
				s.fail(rec, r, app.Errorf(app.ETOOLARGE, "请求内容超过上限（%d 字节）", max))
				return
			}
		}
		s.limitBody(w, r, max)
		body, _ := r.Body.(*deadlineBody)
		if body != nil {
			defer body.finished()
		}
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic", "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				if !rec.wrote {
					s.fail(rec, r, fmt.Errorf("panic: %v", v))
				}
			}
			// One line per request at Debug: at Info a busy bureau would
			// write hundreds a second, past journald's rate limit. What an
			// admin needs is at Info where it happens (logins, decisions,
			// batches received) and failures at Warn or Error.
			level := slog.LevelDebug
			if rec.status >= 500 && r.Context().Err() == nil { // not a client gone away
				level = slog.LevelWarn
			}
			s.log.Log(r.Context(), level, "request", "method", r.Method, "path", r.URL.Path,
				"status", rec.status, "ms", time.Since(start).Milliseconds(), "ip", s.clientIP(r))
		}()
		if err := s.serve(rec, r, rt); err != nil {
			if rec.wrote {
				s.log.Error("error after response started", "method", r.Method, "path", r.URL.Path, "err", err)
				return
			}
			// A refusal before the body was read (401, 403, 429, 413,
			// 507…) closes the connection unread: framing's closeUnread.
			s.fail(rec, r, err)
		}
	})
}

// singleHeaders are the request headers the bureau reads one value of:
// sent twice, a proxy and the bureau could each act on another (found from
// outside: two Content-Types, json then text, passed, and of two
// Upload-Offsets the first was used).
var singleHeaders = []string{"Content-Type", protocol.HeaderUploadOffset, protocol.HeaderUploadLength, protocol.HeaderIfMatch}

func (s *Server) serve(w http.ResponseWriter, r *http.Request, rt route) error {
	for _, h := range singleHeaders {
		if len(r.Header.Values(h)) > 1 {
			return app.Errorf(app.EINVALID, "请求带有多个 %s 头，只能有一个", h)
		}
	}
	if rt.Access == AccessPublic {
		if err := s.checkDisk(r); err != nil {
			return err
		}
		return rt.handle(w, r, nil)
	}
	c, err := s.authenticate(r)
	if err != nil {
		w.Header().Set("WWW-Authenticate", `Bearer realm="egovdesk"`)
		return err
	}
	// After the login: a stranger is told nothing of the disk, and cannot
	// make the bureau log it full (found from outside).
	if err := s.checkDisk(r); err != nil {
		return err
	}
	release, ok := s.inflight.acquire(c.ID, s.cfg.AccountRequests)
	if !ok {
		return s.tooManyInProgress(w)
	}
	defer release()
	r = s.auditRequest(r, c) // who acts, for the security audit trail (audit.go)
	switch {
	case rt.Access == AccessUnit && (c.Role != app.RoleUnit || c.UnitID == ""):
		return app.Errorf(app.EFORBIDDEN, "此功能仅供建设单位使用")
	case rt.Access == AccessReviewer && !c.Role.Bureau():
		return app.Errorf(app.EFORBIDDEN, "此功能仅供数管局审核人员使用")
	case rt.Access == AccessAdmin && c.Role != app.RoleAdmin:
		return app.Errorf(app.EFORBIDDEN, "此功能仅供数管局管理员使用")
	case rt.Access == AccessAudit && c.Role != app.RoleAdmin && c.Role != app.RoleAuditor:
		return app.Errorf(app.EFORBIDDEN, "安全审计仅供管理员和审计员查阅")
	case c.issued && !issuedMay(rt):
		// Found from outside: an issued token of a clerk's account
		// submitted and deleted drafts in the unit's name, and one of an
		// admin's reset passwords, issued tokens and took the backup with
		// the bureau's private keys — acting in another's name as the
		// decisions refused to it would.
		err := app.Errorf(app.EFORBIDDEN, "这个令牌由管理员签发，只能用于查询和导出：提交、修改、删除和管理操作须由%s本人登录后办理", c.Name)
		if _, path, _ := strings.Cut(rt.Pattern, " "); path == protocol.PathDrafts || path == protocol.PathDraft {
			err = app.Errorf(app.EFORBIDDEN, "这个令牌由管理员签发，不能查阅单位的草稿：草稿只有%s本人登录后才能查阅", c.Name)
		}
		// The misuse is what the trail is for (found in review: these
		// refusals left no record); a loop of them, once a minute.
		s.auditRead(r.Context(), "token.refused", rt.Pattern, err, "")
		return err
	case c.issued && !strings.HasSuffix(rt.Pattern, " "+protocol.PathLogout): // a logout is its token.revoke
		// What an issued token reads is in the trail as the issued
		// token's, once a minute a route (found from outside: an admin
		// read a unit's drafts and restored its filings through a clerk's
		// issued token, recorded as the clerk's or not at all).
		s.auditRead(r.Context(), "token.use", rt.Pattern, nil, "")
	}
	return rt.handle(w, r, c)
}

// issuedMay reports whether a token an admin issued may call rt: it reads
// and exports (GET, HEAD) and logs itself out; it takes no backup, which
// holds the bureau's private keys, and reads no unit's drafts, which are
// the unit's alone (found from outside: an admin read them through a
// clerk's issued token).
func issuedMay(rt route) bool {
	method, path, _ := strings.Cut(rt.Pattern, " ")
	switch {
	case path == protocol.PathLogout:
		return true
	case path == protocol.PathAdminBackup, path == protocol.PathDrafts, path == protocol.PathDraft:
		return false
	}
	return method == http.MethodGet || method == http.MethodHead
}

// recorder remembers the status for the log and whether a response started.
type recorder struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (r *recorder) WriteHeader(code int) {
	if !r.wrote {
		r.status, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request, _ *caller) error {
	s.writeJSON(w, http.StatusOK, protocol.Health{Status: "ok", Time: s.Now()})
	return nil
}

func (s *Server) handleOpenAPI(w http.ResponseWriter, r *http.Request, _ *caller) error {
	w.Header().Set("Content-Type", protocol.MediaJSON)
	w.Write(protocol.OpenAPI)
	return nil
}

func (s *Server) handleLimits(w http.ResponseWriter, r *http.Request, _ *caller) error {
	s.writeJSON(w, http.StatusOK, s.Limits())
	return nil
}
