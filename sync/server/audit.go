package server

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"

	"egovdesk/sync/protocol"
	"egovdesk/sync/server/console"

	"egovdesk/app"
	"egovdesk/sync/server/bureaustore"
)

// The security audit trail (安全审计): every security-relevant event — a
// login or a failed one, a token issued or revoked, a decision, an admin
// action, an attachment downloaded or the queue exported by a bureau
// account — is appended to the store's chained trail
// (bureaustore.Storage.AppendAudit) with who, when, from where, what and
// how it ended, in the server's own operation that the API and the console
// share.
//
// A failure to record is never silent: it is logged at ERROR. An admin
// action is not done while the trail cannot be written: after a failed
// append every admin action is refused with 503 until an append succeeds
// again (a login, a decision or the admin action's own record); and an
// admin action whose own record fails after it was done answers 503 saying
// so. Logins, decisions and downloads go on when the trail fails (the
// bureau's work must not stop), each failure logged at ERROR.

// AuditKeyFile is the checkpoint signing key in the data directory: an
// ed25519 private key, base64, mode 0600, made at the first start.
const AuditKeyFile = "audit-ed25519.key"

// auditCheckpointEvery: a checkpoint is signed after every so many records.
const auditCheckpointEvery = 100

// auditState is the server's part of the trail.
type auditState struct {
	down    atomic.Bool // the last append failed
	keyOnce sync.Once
	key     ed25519.PrivateKey
	keyErr  error
}

// auditWho is who acts in a request: the login and role (empty before a
// login) and the client's address.
type auditWho struct {
	Actor, Role, Addr string
	// Issued marks a request made with a token an admin issued in the
	// actor's name, not the actor's own login: its records say so.
	Issued bool
}

// issuedMark starts the detail of a record of a request made with a
// token an admin issued (found from outside: an admin's reads through a
// clerk's issued token were recorded as the clerk's own).
const issuedMark = "经管理员签发的令牌（非本人登录）"

type auditWhoKey struct{}

// withWho marks ctx with who acts.
func withWho(ctx context.Context, w auditWho) context.Context {
	return context.WithValue(ctx, auditWhoKey{}, w)
}

// whoOf is who acts in ctx; without a mark, the bureau's own command line
// or admin socket on this machine.
func whoOf(ctx context.Context) auditWho {
	if w, ok := ctx.Value(auditWhoKey{}).(auditWho); ok {
		return w
	}
	return auditWho{Actor: "(本机管理命令)", Addr: "local"}
}

// auditOutcome is the outcome of an operation that ended with err.
func auditOutcome(err error) string {
	switch {
	case err == nil:
		return bureaustore.AuditOK
	case app.ErrorCode(err) == app.EUNAUTHORIZED || app.ErrorCode(err) == app.EFORBIDDEN:
		return bureaustore.AuditDenied
	}
	return bureaustore.AuditFailed
}

// audit appends an event by ctx's actor. It returns the append's error
// (already logged at ERROR).
func (s *Server) audit(ctx context.Context, action, target string, opErr error, detail string) error {
	w := whoOf(ctx)
	return s.auditAs(ctx, w, action, target, opErr, detail)
}

// auditAs appends an event by w.
func (s *Server) auditAs(ctx context.Context, w auditWho, action, target string, opErr error, detail string) error {
	if opErr != nil && detail == "" {
		// A refusal by its message, as the one refused read it; the wrapped
		// chain read "disable account admin: disable account admin: …" to
		// an auditor (found in a walkthrough). A fault keeps its chain, for
		// the administrator.
		if app.ErrorCode(opErr) != app.EINTERNAL {
			detail = clip(app.ErrorMessage(opErr), 200)
		} else {
			detail = clip(opErr.Error(), 200)
		}
	}
	if w.Issued {
		detail = strings.TrimSuffix(issuedMark+"；"+detail, "；")
	}
	e := bureaustore.AuditEvent{Time: s.Now(), Actor: auditText(w.Actor, 100), Role: w.Role, Address: w.Addr, Action: action,
		Target: auditText(target, 300), Outcome: auditOutcome(opErr), Detail: auditText(detail, 1000)}
	// The request may be over (a client gone); the record must still land.
	rec, err := s.store.AppendAudit(context.WithoutCancel(ctx), e)
	if err != nil {
		s.trail.down.Store(true)
		s.log.Error("security audit record not written", "action", action, "actor", w.Actor, "target", target, "err", err)
		return fmt.Errorf("%w: 安全审计记录未能写入，请检查存储后重试：%w", bureaustore.ErrUnavailable, err)
	}
	s.trail.down.Store(false)
	if rec.Seq%auditCheckpointEvery == 0 {
		s.checkpoint(context.WithoutCancel(ctx), bureaustore.AuditHead{Seq: rec.Seq, Digest: rec.Digest})
	}
	return nil
}

// auditText is s as the trail keeps it: at most limit characters, a
// control, format, direction or invisible character written as \uXXXX
// (\UXXXXXXXX beyond U+FFFF), a backslash as \\
// (found from outside: a failed login's name, which anyone may send, put
// an escape sequence, U+202E and a line break "seq 99 admin ok" into the
// records the auditor reads on screen and in the CSV).
func auditText(s string, limit int) string {
	var b strings.Builder
	n := 0
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		if n == limit {
			b.WriteString("…")
			break
		}
		n++
		switch {
		case r == '\\': // so that a \u202e typed is not read as one escaped
			b.WriteString(`\\`)
			continue
		case r > 0xFFFF && (unicode.In(r, unicode.Cf) || app.Invisible(r)):
			fmt.Fprintf(&b, "\\U%08x", r)
			continue
		case r < 0x20 || r == 0x7f || unicode.In(r, unicode.Cc, unicode.Cf, unicode.Zl, unicode.Zp) || app.Invisible(r):
			fmt.Fprintf(&b, "\\u%04x", r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// auditReady refuses an admin action while the trail cannot be written.
func (s *Server) auditReady() error {
	if s.trail.down.Load() {
		return app.Errorf(app.EUNAVAILABLE, "安全审计记录暂时无法写入，管理操作已暂停；请检查服务器存储（详见服务器日志）后重试")
	}
	return nil
}

// audited records the admin action that ends with *errp, for a defer: an
// action done but not recorded answers 503.
func (s *Server) audited(ctx context.Context, action, target string, errp *error) {
	s.auditedDetail(ctx, action, target, nil, errp)
}

// auditedDetail is audited with the record's detail, read when the
// operation has returned (nil: none).
func (s *Server) auditedDetail(ctx context.Context, action, target string, detail *string, errp *error) {
	d := ""
	if detail != nil {
		d = *detail
	}
	if err := s.audit(ctx, action, target, *errp, d); err != nil && *errp == nil {
		*errp = app.Errorf(app.EUNAVAILABLE, "操作已执行，但安全审计记录未能写入（详见服务器日志）；请不要重复操作，待管理员检查服务器存储后再继续")
	}
}

// auditKey loads the checkpoint signing key, making it at the first start.
func (s *Server) auditKey() (ed25519.PrivateKey, error) {
	s.trail.keyOnce.Do(func() { s.trail.key, s.trail.keyErr = LoadAuditKey(s.cfg.DataDir, true) })
	return s.trail.key, s.trail.keyErr
}

// checkpoint signs head and keeps it; failures are logged at ERROR.
func (s *Server) checkpoint(ctx context.Context, head bureaustore.AuditHead) {
	key, err := s.auditKey()
	if err == nil {
		err = s.store.AddAuditCheckpoint(ctx, bureaustore.SignCheckpoint(key, head, s.Now()))
	}
	if err != nil {
		s.log.Error("security audit checkpoint not written", "seq", head.Seq, "err", err)
	}
}

// AuditCheckpoint signs the trail's head now (the bureau does at start and
// every auditCheckpointEvery records).
func (s *Server) AuditCheckpoint(ctx context.Context) error {
	h, err := s.store.AuditHead(ctx)
	if err != nil {
		return fmt.Errorf("audit head: %w", err)
	}
	if h.Seq == 0 {
		return nil
	}
	key, err := s.auditKey()
	if err != nil {
		return err
	}
	return s.store.AddAuditCheckpoint(ctx, bureaustore.SignCheckpoint(key, h, s.Now()))
}

// LoadAuditKey reads the checkpoint signing key of data directory dir;
// with create, it makes one (0600) when there is none.
func LoadAuditKey(dir string, create bool) (ed25519.PrivateKey, error) {
	path := filepath.Join(dir, AuditKeyFile)
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) && create {
		_, key, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return nil, err
		}
		if err := os.WriteFile(path, []byte(base64.StdEncoding.EncodeToString(key)+"\n"), 0o600); err != nil {
			return nil, fmt.Errorf("安全审计签名密钥无法写入 %s：%w", path, err)
		}
		return key, nil
	}
	if err != nil {
		return nil, fmt.Errorf("安全审计签名密钥 %s 无法读取：%w", path, err)
	}
	key, err := base64.StdEncoding.DecodeString(string(trimSpace(data)))
	if err != nil || len(key) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("安全审计签名密钥 %s 已损坏（应为 base64 的 ed25519 私钥）", path)
	}
	return ed25519.PrivateKey(key), nil
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r' || b[len(b)-1] == ' ') {
		b = b[:len(b)-1]
	}
	return b
}

// AuditReport is what VerifyAudit found.
type AuditReport struct {
	Records       int
	Head          bureaustore.AuditHead
	Checkpoints   int
	Anchor        uint64                  // after a prune: the signed checkpoint the chain was verified from (0: record 1)
	Break         *bureaustore.AuditBreak // nil when the chain is sound
	BadCheckpoint string                  // why a checkpoint failed, "" when all verify
}

// VerifyAudit walks the whole trail of st and its checkpoints against pub.
func VerifyAudit(ctx context.Context, st bureaustore.Storage, pub ed25519.PublicKey) (AuditReport, error) {
	var rep AuditReport
	// A trail never pruned starts at record 1. A pruned one starts after
	// its anchor: a signed checkpoint of the last record removed, which
	// the first record kept must chain to (PruneAudit signs it before it
	// removes anything). Records missing from the head without one are a
	// break.
	v := bureaustore.AuditVerifier{Floor: 1}
	digests := map[uint64]string{}
	cps, err := st.AuditCheckpoints(ctx)
	if err != nil {
		return rep, fmt.Errorf("audit checkpoints: %w", err)
	}
	for _, c := range cps {
		digests[c.Seq] = ""
	}
	q := bureaustore.AuditQuery{Limit: 1000}
	first := true
	for {
		p, err := st.AuditEvents(ctx, q)
		if err != nil {
			return rep, fmt.Errorf("audit events: %w", err)
		}
		if first && len(p.Events) > 0 && p.Events[0].Seq > 1 {
			e := p.Events[0]
			for _, c := range cps {
				if c.Anchor && c.Seq == e.Seq-1 && c.Digest == e.Prev && bureaustore.VerifyCheckpoint(pub, c) {
					v.Floor, rep.Anchor = e.Seq, c.Seq
				}
			}
			if rep.Anchor == 0 {
				rep.Break = &bureaustore.AuditBreak{Seq: 1, Time: e.Time,
					Reason: fmt.Sprintf("第 1 至 %d 条记录缺失，且没有与第 %d 条相接的删除锚点（bureau audit prune 签名的检查点）", e.Seq-1, e.Seq)}
				return rep, nil
			}
		}
		first = false
		for _, e := range p.Events {
			if b := v.Next(e); b != nil {
				rep.Break = b
				rep.Records = v.Count
				return rep, nil
			}
			if _, ok := digests[e.Seq]; ok {
				digests[e.Seq] = e.Digest
			}
		}
		if !p.More || len(p.Events) == 0 {
			break
		}
		q.After = p.Events[len(p.Events)-1].Seq
	}
	rep.Records, rep.Head, rep.Checkpoints = v.Count, v.Head(), len(cps)
	// The head as stored must be the last record: records cut off the end
	// would leave a shorter chain that verifies.
	if h, err := st.AuditHead(ctx); err == nil && h != rep.Head && v.Count > 0 {
		rep.Break = &bureaustore.AuditBreak{Seq: rep.Head.Seq + 1, Reason: fmt.Sprintf("链尾缺失：最后一条是第 %d 条，但记录头是第 %d 条", rep.Head.Seq, h.Seq)}
		return rep, nil
	}
	for _, c := range cps {
		switch d := digests[c.Seq]; {
		case !bureaustore.VerifyCheckpoint(pub, c):
			rep.BadCheckpoint = fmt.Sprintf("第 %d 条处的签名检查点签名无效", c.Seq)
		case d != "" && d != c.Digest:
			rep.BadCheckpoint = fmt.Sprintf("第 %d 条的摘要与签名检查点不符", c.Seq)
		case d == "" && c.Seq > rep.Head.Seq:
			rep.BadCheckpoint = fmt.Sprintf("签名检查点在第 %d 条，记录只到第 %d 条：链尾被截去", c.Seq, rep.Head.Seq)
		}
		if rep.BadCheckpoint != "" {
			if rep.Break == nil {
				rep.Break = &bureaustore.AuditBreak{Seq: c.Seq, Time: c.Time, Reason: rep.BadCheckpoint}
			}
			break
		}
	}
	return rep, nil
}

// onOff is on when b, else off: an action's name by a flag.
func onOff(b bool, on, off string) string {
	if b {
		return on
	}
	return off
}

// tokenRef names a token in the trail by the start of its hash, never the
// token.
func tokenRef(hash string) string { return "token " + hash[:min(12, len(hash))] }

// auditRequest marks r's context with its caller c (nil before a login)
// and the client's address.
func (s *Server) auditRequest(r *http.Request, c *caller) *http.Request {
	w := auditWho{Addr: s.clientIP(r)}
	if c != nil {
		w.Actor, w.Role, w.Issued = c.Login, string(c.Role), c.issued
	}
	return r.WithContext(withWho(r.Context(), w))
}

// auditConsole marks a console request's context with the session's
// account, when it has a live one, and the client's address.
func (s *Server) auditConsole(r *http.Request) *http.Request {
	if strings.HasPrefix(r.URL.Path, console.Prefix+"static/") {
		return r
	}
	var c *caller
	if ck, err := r.Cookie(console.SessionCookie); err == nil && ck.Value != "" {
		c, _ = s.byToken(ck.Value)
	}
	return s.auditRequest(r, c)
}

// auditExport records a console export that was served.
func (s *Server) auditExport(r *http.Request, status int) {
	if r.Method != http.MethodGet || status != http.StatusOK {
		return
	}
	switch r.URL.Path {
	case console.Prefix + "queue.csv": // the query is the caller's: not a key (found from outside)
		s.auditRepeat(r.Context(), whoOf(r.Context()), "export.queue_csv", r.URL.RawQuery, false, nil, "")
	case console.Prefix + "late.csv":
		s.auditRepeat(r.Context(), whoOf(r.Context()), "export.late_csv", r.URL.RawQuery, false, nil, "")
	case console.Prefix + "audit.csv":
		s.auditRepeat(r.Context(), whoOf(r.Context()), "export.audit_csv", r.URL.RawQuery, false, nil, "")
	}
}

// auditLogin records a login checked by checkLogin: the login tried (a
// failed one for an unknown login too; never the password), the address,
// and the outcome. A successful login is followed by its token's issue.
// Attempts refused while locked (429) are recorded once a minute per
// address, the record counting those left out (throttle.refusal).
func (s *Server) auditLogin(login, ip string, rec accountRecord, err error) {
	w := auditWho{Actor: clip(login, 64), Addr: ip}
	if err == nil {
		w.Role = string(rec.Role)
	}
	if err == nil { // an account's own logins, repeated at will: once a minute (auditRepeat)
		s.auditRepeat(context.Background(), w, "login", "", false, nil, "")
		return
	}
	detail, record := s.refusalDetail(err, ip, w.Actor)
	if record {
		s.auditAs(context.Background(), w, "login", "", err, detail)
	}
}

// refusalDetail says whether an attempt of actor from ip that ended in err
// is recorded, and with what detail: an attempt refused by the login
// limits (429) is recorded once a minute per address, its record counting
// those left out (throttle.refusal); any other, always, as it is.
func (s *Server) refusalDetail(err error, ip, actor string) (detail string, record bool) {
	if app.ErrorCode(err) != app.ETOOMANY {
		return "", true
	}
	record, n := s.throttle.refusal(s.Now(), ip, actor)
	if record && n > 1 {
		detail = fmt.Sprintf("%s（此前 %d 次同一地址因失败过多被拒的尝试未逐条记录，本条一并计入，共 %d 次）", clip(err.Error(), 200), n-1, n)
	}
	return detail, record
}

// auditUnrecordedRefusals records the logins refused while locked that
// no later refusal recorded (throttle.unrecordedRefusals): one record an
// address, counting them.
func (s *Server) auditUnrecordedRefusals(ctx context.Context, now time.Time) {
	for _, u := range s.throttle.unrecordedRefusals(now) {
		s.auditAs(ctx, auditWho{Actor: u.login, Addr: u.addr}, "login", "",
			app.Errorf(app.ETOOMANY, "登录失败次数过多"),
			fmt.Sprintf("登录失败次数过多（此前 %d 次同一地址因失败过多被拒的尝试未逐条记录，本条一并计入）", u.n))
	}
}

// auditDecision records c's decision on filing fid with the revision it
// was taken on.
func (s *Server) auditDecision(ctx context.Context, c *caller, fid string, req protocol.DecisionRequest, resp *protocol.DecisionResponse, err *error) {
	// Read by an auditor, in Chinese and in the filing's kind's terms: a
	// 竣工验收申请's 验收通过 read 批复立项：初审中 → 已批复, a refusal
	// "reject：decide 81ee…: …", and the target was an ID alone (a walkthrough).
	target, detail := clip(fid, 64), req.Action.Label()
	if !req.Action.Valid() {
		detail = clip(string(req.Action), 40)
	}
	if t := resp.Transition; *err == nil {
		prof, k := s.profile.Load(), resp.Filing.Kind
		target = fmt.Sprintf("%s 第%d版 (%s)", fid, t.RevisionNumber, t.RevisionID)
		if title := strings.TrimSpace(resp.Filing.Title); title != "" {
			target = fmt.Sprintf("《%s》%s", clip(prof.ShownTitle(k, title), 80), target)
		}
		detail = fmt.Sprintf("%s：%s → %s", prof.ActionLabel(t.Action, k), prof.StatusLabel(t.From, k), prof.StatusLabel(t.To, k))
	}
	w := whoOf(ctx)
	w.Actor, w.Role = c.Login, string(c.Role)
	if *err != nil {
		// A refusal, repeated at will (found from outside: a reviewer's
		// 428s wrote 2,300 records a second): once a minute per account,
		// naming the filings.
		s.auditRepeat(ctx, w, "decide", target, false, *err, detail+"（未生效）："+clip(refusalText(*err), 200))
		return
	}
	s.auditAs(ctx, w, "decide", target, nil, detail)
}

// refusalText is why a request was refused, in the words the caller was
// given (a problem's detail, an app.Error's message), without the Go
// wrapping ("decide 81ee…: ") the trail showed; else err's text.
func refusalText(err error) string {
	var p *protocol.Problem
	var e *app.Error
	switch {
	case errors.As(err, &p):
		return p.Detail
	case errors.As(err, &e):
		return e.Message
	}
	return err.Error()
}

// auditDownload records an attachment a bureau account downloaded: once
// a minute however many ranges of it the browser asks for (auditRead).
func (s *Server) auditDownload(ctx context.Context, fid string, a app.Attachment) {
	s.auditRead(ctx, "attachment.download", fid+" "+a.SHA256, nil, a.Name)
}

// AuditRecords is a page of the trail for an admin's or an auditor's
// console session (console.AuditBackend).
func (c core) AuditRecords(ctx context.Context, token string, f console.AuditFilter) ([]console.AuditRecord, bool, error) {
	who, err := c.s.byToken(token)
	if err != nil {
		return nil, false, err
	}
	if who.Role != app.RoleAdmin && who.Role != app.RoleAuditor {
		return nil, false, app.Errorf(app.EFORBIDDEN, "安全审计仅供管理员和审计员查阅")
	}
	p, err := c.s.store.AuditEvents(ctx, bureaustore.AuditQuery{From: f.From, To: f.To, Actor: f.Actor, Action: f.Action,
		Outcome: f.Outcome, After: f.After, Limit: f.Limit, Newest: f.Newest, Before: f.Before})
	if err != nil {
		return nil, false, fmt.Errorf("audit records: %w", err)
	}
	out := make([]console.AuditRecord, len(p.Events))
	for i, e := range p.Events {
		out[i] = console.AuditRecord{Seq: e.Seq, Time: e.Time.In(c.s.Now().Location()), Actor: e.Actor, Role: e.Role, Address: e.Address,
			Action: e.Action, Target: e.Target, Outcome: e.Outcome, Detail: e.Detail}
	}
	return out, p.More, nil
}

// VerifyAudit walks the bureau's trail and checks its checkpoints against
// the key in the data directory (none yet: no checkpoint can be signed by
// it, and any found is reported).
func (s *Server) VerifyAudit(ctx context.Context) (AuditReport, error) {
	key, err := LoadAuditKey(s.cfg.DataDir, false)
	var pub ed25519.PublicKey
	if err == nil {
		pub = key.Public().(ed25519.PublicKey)
	} else if !errors.Is(err, os.ErrNotExist) {
		return AuditReport{}, err
	}
	return VerifyAudit(ctx, s.store, pub)
}

// AuditPublicKey is the checkpoints' public key, base64, making the key
// pair when there is none.
func (s *Server) AuditPublicKey() (string, error) {
	key, err := s.auditKey()
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(key.Public().(ed25519.PublicKey)), nil
}

// handleAudit answers a page of the trail (GET /audit) to an admin or an
// auditor; nothing else is served on the trail, so nobody can change it
// through the API.
func (s *Server) handleAudit(w http.ResponseWriter, r *http.Request, c *caller) error {
	q, err := auditQueryOf(r.URL.Query())
	if err != nil {
		return err
	}
	p, err := s.store.AuditEvents(r.Context(), q)
	if err != nil {
		return fmt.Errorf("audit records: %w", err)
	}
	out := protocol.AuditPage{Records: make([]protocol.AuditRecord, len(p.Events)), More: p.More}
	for i, e := range p.Events {
		out.Records[i] = protocol.AuditRecord{Seq: e.Seq, Time: e.Time, Actor: e.Actor, Role: e.Role, Address: e.Address,
			Action: e.Action, Target: e.Target, Outcome: e.Outcome, Detail: e.Detail, Prev: e.Prev, Digest: e.Digest}
	}
	if p.More && len(p.Events) > 0 {
		out.Next = p.Events[len(p.Events)-1].Seq
	}
	s.writeJSON(w, http.StatusOK, out)
	return nil
}

// auditQueryOf reads GET /audit's query.
func auditQueryOf(v url.Values) (bureaustore.AuditQuery, error) {
	if err := checkQueryText(v); err != nil {
		return bureaustore.AuditQuery{}, err
	}
	q := bureaustore.AuditQuery{Actor: v.Get("actor"), Action: v.Get("action"), Outcome: v.Get("outcome")}
	var p app.Problems
	when := func(name string) time.Time {
		raw := strings.TrimSpace(v.Get(name))
		if raw == "" {
			return time.Time{}
		}
		// A date is a Beijing date, as the console's; years outside
		// 2000–2100 are refused (the trail keys times in nanoseconds
		// since 1970, which do not reach past 2262).
		t, err := time.Parse(time.RFC3339, raw)
		if err != nil {
			t, err = time.ParseInLocation("2006-01-02", raw, app.Beijing)
		}
		if err != nil || t.Year() < 2000 || t.Year() > 2100 {
			p.Add(name, "时间须为 RFC 3339（如 2026-12-01T08:00:00+08:00）或北京日期（如 2026-12-01），2000 至 2100 年")
			return time.Time{}
		}
		return t
	}
	q.From, q.To = when("from"), when("to")
	num := func(name string, lo, hi uint64) uint64 {
		raw := v.Get(name)
		if raw == "" {
			return 0
		}
		n, err := strconv.ParseUint(raw, 10, 64)
		if err != nil || n < lo || n > hi {
			p.Add(name, "%s 须为 %d 到 %d 的整数", name, lo, hi)
		}
		return n
	}
	q.After = num("after", 0, math.MaxInt64)
	q.Limit = int(num("limit", 1, 1000))
	switch q.Outcome {
	case "", bureaustore.AuditOK, bureaustore.AuditDenied, bureaustore.AuditFailed:
	default:
		p.Add("outcome", "结果须为 ok、denied 或 failed")
	}
	return q, p.Err()
}

// PruneAudit removes the records of the trail older than before, which
// must be at least six months back (网络安全法 第二十一条), keeping the
// rest verifiable: it verifies the whole trail first (a broken one is not
// pruned, so the break stays visible), signs a checkpoint of the last
// record it removes — the anchor VerifyAudit starts from — and then
// removes them. The prune is itself recorded. It returns how many records
// went; EINVALID for a date too recent, ECONFLICT for a broken trail.
func (s *Server) PruneAudit(ctx context.Context, before time.Time) (n int, err error) {
	if err = s.auditReady(); err != nil {
		return 0, err
	}
	detail := ""
	defer func() {
		if err == nil && n == 0 {
			detail = "没有早于该日期的记录"
		}
		if aerr := s.audit(ctx, "audit.prune", "before "+before.Format(time.RFC3339), err, detail); aerr != nil && err == nil {
			err = aerr
		}
	}()
	now := s.Now()
	if !bureaustore.CanPruneAudit(before, now) {
		return 0, app.Errorf(app.EINVALID, "安全审计记录至少保存六个月（网络安全法 第二十一条）：只能删除 %s 之前的记录",
			now.Add(-bureaustore.AuditRetention).In(app.Beijing).Format("2006-01-02 15:04"))
	}
	rep, err := s.VerifyAudit(ctx)
	if err != nil {
		return 0, err
	}
	if rep.Break != nil {
		return 0, app.Errorf(app.ECONFLICT, "安全审计记录链不完整（%s），不删除任何记录；请先查明原因", rep.Break.Error())
	}
	// the last record older than before: the anchor
	var last bureaustore.AuditEvent
	q := bureaustore.AuditQuery{To: before, Limit: 1000}
scan:
	for {
		p, err := s.store.AuditEvents(ctx, q)
		if err != nil {
			return 0, fmt.Errorf("audit prune: %w", err)
		}
		for _, e := range p.Events {
			if e.Seq != last.Seq+1 && last.Seq != 0 {
				break scan // a later record with an earlier time: the run from the start ends here
			}
			last = e
		}
		if !p.More || len(p.Events) == 0 {
			break
		}
		q.After = p.Events[len(p.Events)-1].Seq
	}
	if last.Seq == 0 {
		return 0, nil
	}
	key, err := s.auditKey()
	if err != nil {
		return 0, err
	}
	if err := s.store.AddAuditCheckpoint(ctx, bureaustore.SignAnchor(key, bureaustore.AuditHead{Seq: last.Seq, Digest: last.Digest}, now)); err != nil {
		return 0, fmt.Errorf("audit prune anchor: %w", err)
	}
	n, err = s.store.PruneAudit(ctx, before, now, last.Seq)
	if err != nil {
		return n, fmt.Errorf("audit prune: %w", err)
	}
	detail = fmt.Sprintf("删除 %d 条（至第 %d 条），此后从第 %d 条处的签名检查点校验", n, last.Seq, last.Seq)
	return n, nil
}
