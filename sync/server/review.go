package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"egovdesk/app"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server/bureaustore"
	"egovdesk/sync/server/console"
	"egovdesk/sync/server/internal/serve"
)

// maxComment bounds a reviewer's comment, in characters.
const maxComment = protocol.MaxComment

// handleQueue answers GET /review/queue: one page of the filings awaiting
// review from every unit, oldest first, filtered as the query says (see
// protocol.QueuePage). A request without parameters gets the first page.
func (s *Server) handleQueue(w http.ResponseWriter, r *http.Request, c *caller) error {
	q, err := parseQueueQuery(r.URL.Query())
	if err != nil {
		return err
	}
	// As in the console: under review steps each account lists the filings
	// waiting at a step of its role (a joint-review department those in
	// its 联审), not the whole queue.
	q.Waiting = s.waitingFor(c.Role)
	page := protocol.QueuePage{Filings: []protocol.FilingSummary{}}
	res, err := s.reviewQueue(r.Context(), q)
	if err != nil {
		return err
	}
	page.Next, page.Partial, page.Counts = res.Page.Next, res.Page.Partial, res.Page.Counts.Wire()
	for i, e := range res.Page.Items {
		page.Filings = append(page.Filings, summary(res.Filings[i], e.UnitName))
	}
	s.writeJSON(w, http.StatusOK, page)
	return nil
}

// parseQueueQuery reads the query of GET /review/queue. It fails with
// EINVALID naming the parameter that is malformed.
func parseQueueQuery(v url.Values) (console.QueueQuery, error) {
	if err := checkQueryText(v); err != nil {
		return console.QueueQuery{}, err
	}
	q := console.QueueQuery{Limit: protocol.QueueDefaultLimit, After: v.Get(protocol.ParamCursor),
		UnitID: v.Get(protocol.ParamUnit), Route: v.Get(protocol.ParamRoute), Text: v.Get(protocol.ParamText)}
	var p app.Problems
	if l := v.Get(protocol.ParamLimit); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > protocol.QueueMaxLimit {
			p.Add(protocol.ParamLimit, "limit 须为 1 至 %d 的整数", protocol.QueueMaxLimit)
		}
		q.Limit = n
	}
	if k := app.Kind(v.Get(protocol.ParamKind)); k != "" {
		if !k.Valid() {
			p.Add(protocol.ParamKind, "未知的材料类型“%s”", clip(string(k), 40))
		}
		q.Kind = k
	}
	if st := app.Status(v.Get(protocol.ParamStatus)); st != "" {
		if !inQueue(st) {
			p.Add(protocol.ParamStatus, "“%s”不是审核队列中的状态（可选 submitted、preliminary_review、expert_review）", clip(string(st), 40))
		}
		q.Status = st
	}
	if y := v.Get(protocol.ParamYear); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil || n < 2000 || n > 2100 {
			p.Add(protocol.ParamYear, "year 须为 2000 至 2100 的年份")
		}
		q.Year = n
	}
	switch v.Get(protocol.ParamOverdue) {
	case "", "false":
	case "true":
		q.Overdue = true
	default:
		p.Add(protocol.ParamOverdue, "overdue 须为 true 或 false")
	}
	if utf8.RuneCountInString(q.Text) > protocol.MaxQueueText || !utf8.ValidString(q.Text) {
		p.Add(protocol.ParamText, "q 须为不超过 %d 个字的文字", protocol.MaxQueueText)
	}
	if len(q.UnitID) > 100 {
		p.Add(protocol.ParamUnit, "unit_id 过长")
	}
	if len(q.Route) > 100 {
		p.Add(protocol.ParamRoute, "route 过长")
	}
	if len(q.After) > 300 {
		p.Add(protocol.ParamCursor, "翻页位置无效，请回到第一页")
	}
	return q, p.Err()
}

// checkQueryText refuses a query any of whose values (each of a repeated
// parameter too) is not one-line text by app.CheckString, as the console's
// filters do (found from outside: the API took "unit_id=%ff" and "q=a%00",
// and of "q=ok&q=%ff" checked the first only).
func checkQueryText(v url.Values) error {
	for k, vs := range v {
		for _, s := range vs {
			if msg := app.CheckString(s, 1<<16, true); msg != "" {
				if app.CheckString(k, 40, true) != "" {
					k = "（参数名）"
				}
				return fieldErr(k, "查询参数 "+k+"："+msg)
			}
		}
	}
	return nil
}

// reviewQueue is the one query of the review queue, for the API and the
// console: the page of the queue that q selects, under the review time
// limits and the routes of the bureau's profile, with the page's filing
// records. It fails with EINVALID for a cursor that is not one.
// A title is searched for in the words it is stored in, whatever words
// the profile shows it in (app.Profile.StoredTitleWords).
func (s *Server) reviewQueue(ctx context.Context, q console.QueueQuery) (bureaustore.QueueResult, error) {
	q.Text = s.profile.Load().StoredTitleWords(q.Text)
	return s.store.Queue(ctx, q, s.queueRules())
}

// queueRules are the rules the queue is read under now: the review time
// limit and, with a profile, the route of a declaration's total (worked
// out once per distinct total).
func (s *Server) queueRules() bureaustore.QueueRules {
	now := s.Now()
	rules := bureaustore.QueueRules{Now: now, Due: s.reviewDue()}
	if prof := s.profile.Load(); prof != nil {
		seen := map[app.Money]app.Route{}
		rules.Route = func(total app.Money) app.Route {
			r, ok := seen[total]
			if !ok {
				r = prof.Evaluate(&app.Declaration{TotalInvestment: total}, now).Route
				seen[total] = r
			}
			return r
		}
	}
	return rules
}

// reviewDue is the review time limit of a filing that reached its step at
// since: the instant it runs out, the end of the last of the profile's
// review days (app's default without a profile or a limit in it) of the
// profile's calendar. "10 个工作日内" includes the 10th working day: a
// filing is not overdue on it (it was, from its midnight, until
// 2026-12-05).
func (s *Server) reviewDue() func(since time.Time) time.Time {
	cal := &app.Calendar{}
	prof := s.profile.Load()
	if prof != nil {
		cal = &prof.Calendar
	}
	days := prof.ReviewDays()
	return func(since time.Time) time.Time { return cal.AddWorkingDays(since, days).AddDate(0, 0, 1) }
}

func inQueue(st app.Status) bool { return bureaustore.InQueue(st) }

// handleReviewAttachment sends an attachment named by the filing's current
// revision, when the bureau holds it complete.
func (s *Server) handleReviewAttachment(w http.ResponseWriter, r *http.Request, c *caller) error {
	fid := r.PathValue("id")
	sum, err := pathSHA256(r)
	if err != nil {
		return err
	}
	v, err := s.store.Filing(r.Context(), "", fid)
	if err != nil {
		return fmt.Errorf("attachment of %s: %w", fid, err)
	}
	fr := v.Filing
	i := slices.IndexFunc(fr.Filing.Attachments, func(a app.Attachment) bool { return a.SHA256 == sum })
	if i < 0 {
		return app.Errorf(app.ENOTFOUND, "材料没有这个附件")
	}
	a := fr.Filing.Attachments[i]
	f, err := os.Open(s.attachmentPath(fr.Filing.UnitID, sum, true))
	if errors.Is(err, os.ErrNotExist) {
		return app.Errorf(app.ENOTFOUND, "附件“%s”尚未上传完整", a.Name)
	}
	if err != nil {
		return fmt.Errorf("open attachment %s: %w", sum, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("stat attachment %s: %w", sum, err)
	}
	ct := a.MediaType
	if ct == "" || !app.AllowedMediaType(ct) { // a revision stored before the allow-list
		ct = "application/octet-stream"
	}
	// The media type is the unit's word: a browser must neither sniff nor
	// render it in the bureau's origin.
	w.Header().Set("Content-Type", ct)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Disposition", contentDisposition(a.Name))
	w.Header().Set(protocol.HeaderETag, `"`+sum+`"`)
	s.auditDownload(r.Context(), fid, a)
	serve.Content(w, r, st.ModTime(), f, s.rangeRefused(r, st.Size()))
	return nil
}

// decidedMeanwhile returns the 409 for a decision that another decision
// got ahead of: the last decision was taken from the status the reviewer
// saw (req.From), or, when the request does not say, from a status that
// allowed this action (two reviewers on one filing, or one reviewer's
// second click). It returns nil for any other refusal.
func decidedMeanwhile(prof *app.Profile, route string, f app.Filing, c *caller, req protocol.DecisionRequest) error {
	if len(f.History) == 0 {
		return nil
	}
	last := f.History[len(f.History)-1]
	if last.Role == app.RoleUnit {
		return nil
	}
	if req.From != "" {
		if req.From != last.From {
			return nil
		}
	} else if _, err := app.Next(last.From, c.Role, req.Action, req.Comment); err != nil {
		return nil
	}
	who := "他人"
	if last.Actor == c.Name {
		who = "您本人"
	}
	return app.Errorf(app.ECONFLICT, "已由%s处理：%s 于 %s 已将此材料处理为“%s”，请刷新后查看", who, last.Actor,
		last.At.In(app.Beijing).Format("2006-01-02 15:04"), prof.StatusOn(last.To, f.Kind, route))
}

// contentDisposition returns the Content-Disposition of an attachment
// named name, as RFC 6266 says: filename* with the name percent-encoded in
// UTF-8 (RFC 8187), and filename with an ASCII stand-in for clients that
// do not read filename*. The name is cut to app.MaxAttachmentName
// characters and stripped of control characters, quotes and path
// separators first (a revision stored before the limits may hold any).
func contentDisposition(name string) string {
	name = strings.ToValidUTF8(name, "_")
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '/' || r == '\\' || r == '"' {
			return '_'
		}
		return r
	}, name)
	if rs := []rune(name); len(rs) > app.MaxAttachmentName {
		name = string(rs[:app.MaxAttachmentName])
	}
	if strings.TrimSpace(name) == "" {
		name = "attachment"
	}
	var ascii strings.Builder
	for _, r := range name {
		if r < 0x20 || r > 0x7e || r == '%' {
			r = '_'
		}
		ascii.WriteRune(r)
	}
	var enc strings.Builder
	for _, b := range []byte(name) {
		if b < 0x80 && (b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || strings.IndexByte("!#$&+-.^_`|~", b) >= 0) {
			enc.WriteByte(b)
		} else {
			fmt.Fprintf(&enc, "%%%02X", b)
		}
	}
	return fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, ascii.String(), enc.String())
}

// handleDecision applies a reviewer's decision with the workflow rules of
// app and writes it to the unit's feed.
func (s *Server) handleDecision(w http.ResponseWriter, r *http.Request, c *caller) error {
	var req protocol.DecisionRequest
	if err := decode(w, r, maxDecisionBytes, &req); err != nil {
		return err
	}
	var want *seen
	if tag := r.Header.Get(protocol.HeaderIfMatch); tag != "" && tag != "*" {
		rid, n, ok := protocol.ParseDecisionETag(tag)
		if !ok {
			return app.Errorf(app.EINVALID, "If-Match 应为审核详情返回的 ETag")
		}
		want = &seen{revisionID: rid, transitions: n}
	}
	resp, err := s.decide(r.Context(), c, r.PathValue("id"), req, want)
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, resp)
	return nil
}

// seen is the state of a filing a reviewer decided on: the revision and the
// number of transitions they were shown. A decision on a filing that moved
// on since (another reviewer decided, or a new revision came in) is refused.
type seen struct {
	revisionID  string
	transitions int
}

// errStale is the ECONFLICT of a decision taken on a view another decision
// or revision has overtaken.
func errStale() error {
	return app.Errorf(app.ECONFLICT, "已由他人处理：材料在您查看后已有新的决定或版本，请刷新后再看")
}

// decide applies c's decision req to filing fid with the workflow rules of
// app, in one transaction with the review queue and the unit's change feed,
// and wakes the unit's long polls. It is the one decision path of the API
// and the console. When want is not nil the filing must still be as the
// reviewer saw it, or decide fails with ECONFLICT (errStale).
func (s *Server) decide(ctx context.Context, c *caller, fid string, req protocol.DecisionRequest, want *seen) (resp protocol.DecisionResponse, err error) {
	defer s.auditDecision(ctx, c, fid, req, &resp, &err) // the security audit trail (audit.go)
	if c.issued {
		return protocol.DecisionResponse{}, app.Errorf(app.EFORBIDDEN, "这个令牌由管理员签发，只能用于查询和导出，不能作出审核决定：审核决定须由%s本人登录后作出", c.Name)
	}
	if n := utf8.RuneCountInString(req.Comment); n > maxComment {
		return protocol.DecisionResponse{}, fieldErr("comment", fmt.Sprintf("意见不能超过 %d 个字（现有 %d 个字，请删减 %d 个字）", maxComment, n, n-maxComment))
	}
	if msg := app.CheckString(req.Comment, maxComment, false); msg != "" {
		return protocol.DecisionResponse{}, fieldErr("comment", "意见"+msg)
	}
	if !req.Action.Valid() {
		return protocol.DecisionResponse{}, fieldErr("action", fmt.Sprintf("未知的操作“%s”", clip(string(req.Action), 40)))
	}
	if req.Action == app.ActionWithdraw {
		return protocol.DecisionResponse{}, fieldErr("action", "撤回提交由建设单位在客户端办理；审核人员可以“退回修改”")
	}
	if req.From != "" && !req.From.Valid() {
		return protocol.DecisionResponse{}, fieldErr("from", fmt.Sprintf("未知的状态“%s”", clip(string(req.From), 40)))
	}
	if want == nil && req.From == "" {
		// Found from outside: a 退回修改 sent over the API without either
		// landed on a filing another reviewer had accepted a moment before
		// (8 of 20 races). The console always sends what its page showed.
		return protocol.DecisionResponse{}, protocol.NewProblem(protocol.CodePreconditionRequired,
			"请说明您依据的材料状态：在 If-Match 中给出审核详情返回的 ETag（推荐），或在 from 中写明您看到的状态。"+
				"这样，他人已作出决定或单位已提交新版本时，您的决定不会落在您没有看到的内容上")
	}
	if req.RevisionID != "" && !validID(req.RevisionID) {
		return protocol.DecisionResponse{}, fieldErr("revision_id", fmt.Sprintf("版本编号须为 1–%d 个字母、数字或 - _ .（您看的那一版）", maxID))
	}
	d := bureaustore.Decision{FilingID: fid, Actor: c.Name, Role: c.Role, Action: req.Action, Comment: req.Comment,
		From: req.From, RevisionID: req.RevisionID, Now: s.Now(), Approved: req.Approved, Remarks: req.Remarks, Profile: s.profile.Load()}
	if d.Project, err = s.projectOfFiling(ctx, fid); err != nil {
		return protocol.DecisionResponse{}, fmt.Errorf("decide %s: %w", fid, err)
	}
	if want != nil {
		d.Expected = &bureaustore.Expected{RevisionID: want.revisionID, Transitions: want.transitions}
	}
	res, err := s.store.Decide(ctx, d)
	var refused *bureaustore.DecisionRefused
	if errors.As(err, &refused) {
		route := s.refusedRoute(ctx, refused.Current.UnitID, &refused.Current)
		err = decisionRefusal(d.Profile, route, refused.Current, c, req, refused.Reason, want != nil)
	}
	if err != nil {
		return protocol.DecisionResponse{}, fmt.Errorf("decide %s: %w", fid, err)
	}
	resp = protocol.DecisionResponse{Transition: res.Transition, Filing: summary(res.Filing, res.UnitName)}
	s.log.Info("decision", "filing", fid, "action", req.Action, "by", c.Login, "to", resp.Transition.To)
	return resp, nil
}

// decisionRefusal words the store's refusal of c's decision req on f, the
// filing as it stands: ErrConflict when it is not in the status req.From
// says or not as the reviewer saw it, or app's refusal of the decision.
// When the reviewer's view was found current (seen), nothing came between,
// and a refusal is the decision's own: an 受理 of a returned filing sent
// with a fresh ETag was told 已由您本人处理 (found from outside).
func decisionRefusal(prof *app.Profile, route string, f app.Filing, c *caller, req protocol.DecisionRequest, reason error, seen bool) error {
	if n := len(f.History); f.Status == app.StatusWithdrawn && n > 0 {
		// Not 已由他人处理: the unit took it back, and sends it again.
		last := f.History[n-1]
		why := ""
		if last.Comment != "" {
			why = "（原因：" + clip(last.Comment, 200) + "）"
		}
		return app.Errorf(app.ECONFLICT, "建设单位已于 %s 撤回第 %d 版%s，不需要审核：单位修改后会重新提交", last.At.In(app.Beijing).Format("2006-01-02 15:04"),
			last.RevisionNumber, why)
	}
	if errors.Is(reason, bureaustore.ErrConflict) {
		if req.From != "" && req.From != f.Status {
			if raced := decidedMeanwhile(prof, route, f, c, req); raced != nil {
				return raced
			}
			// not "已不是": the filing may never have been in it (round 10)
			return app.Errorf(app.ECONFLICT, "材料现为“%s”状态，不是请求中的“%s”：可能已由他人处理，请刷新后查看", prof.StatusOn(f.Status, f.Kind, route), prof.StatusLabel(req.From, f.Kind))
		}
		return errStale()
	}
	// Only a decision the status no longer allows may have been
	// overtaken; a step that is not this account's, an amount or a remark
	// is refused as such.
	if _, serr := app.Next(f.Status, c.Role, req.Action, req.Comment); serr != nil && app.ErrorCode(reason) != app.EFORBIDDEN && !seen {
		if raced := decidedMeanwhile(prof, route, f, c, req); raced != nil {
			return raced
		}
	}
	return reason
}
