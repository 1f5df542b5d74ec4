package console

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"egovdesk/app"
	"egovdesk/sync/protocol"
)

type noticeView struct {
	Units  []Unit
	UnitID string
	// For is the unit a reminder drafted from 逾期事项 is about: it lists
	// that unit's late projects, and is sent to that unit only (one click
	// on 全部建设单位 would have told every unit of them; found in review).
	For               string
	Title, Text       string
	Error, Done, CSRF string
	// Refused are the fields (title, text) the bureau refused: their
	// boxes are marked beside the alert.
	Refused map[string]bool
	// Preview is set while the notice waits for 确认发送: what the units
	// will read, and To, who they are.
	Preview bool
	To      string
	Once    string                         // the preview's one-time token (onceTokens)
	Again   bool                           // a 确认发送 sent again, not sent twice
	Nav     []struct{ Href, Label string } // the admin pages' menu
	Here    string
	// Sent are the latest notices sent, from the security audit trail,
	// which records each with who got it; More says there are earlier.
	Sent []AuditRecord
	More bool
}

// sentNotices is how many of the notices sent the page lists, of the last
// sentNoticeDays.
const (
	sentNotices    = 20
	sentNoticeDays = 180
)

// noticeForm is the admin's form for a notice to all units or one; the
// units' clients show it as they show a notice sent through the API.
func (c *Console) noticeForm(w http.ResponseWriter, r *http.Request, s *session) {
	if s.Role != app.RoleAdmin {
		c.errorPage(w, r, http.StatusForbidden, "无权访问", "发布通知仅供本局管理员使用。")
		return
	}
	v := noticeView{}
	// The count of units reached, read as a number: no text comes through
	// the URL onto the page.
	if n, err := strconv.Atoi(r.URL.Query().Get("done")); err == nil && n >= 0 {
		v.Done = strconv.Itoa(n)
	}
	v.Again = r.URL.Query().Get("again") == "1"
	if unit := r.URL.Query().Get("unit"); unit != "" && len(unit) <= 100 && r.URL.Query().Get("late") == "1" {
		// 提醒 from 逾期事项: the unit's overdue deadlines, read here from
		// the unit's ID (no text comes through the URL), drafted for the
		// admin to read and send.
		page, err := c.b.Late(r.Context(), s.token, LateQuery{UnitID: unit})
		switch {
		case app.ErrorCode(err) == app.EINVALID: // no such unit: the blank form
		case err != nil:
			c.fail(w, r, err)
			return
		default:
			v.UnitID, v.For = unit, unit
			now := c.b.Now()
			v.Title, v.Text = reminder(c.b.Profile(), now, overdueRows(c.b.Profile(), now, page), page.Partial)
		}
	}
	c.renderNotice(w, r, s, http.StatusOK, v)
}

func (c *Console) renderNotice(w http.ResponseWriter, r *http.Request, s *session, status int, v noticeView) {
	units, err := c.unitsByName(r.Context())
	if err != nil {
		c.fail(w, r, err)
		return
	}
	v.Units, v.CSRF, v.Nav, v.Here = units, s.CSRF, adminNav, "/console/notices"
	if ab, ok := c.b.(AuditBackend); ok && !v.Preview {
		// Through the trail's index by operation; bounded in time as well,
		// for a Badger trail whose index a rollback left partial (read
		// record by record until the next start).
		v.Sent, v.More, err = ab.AuditRecords(r.Context(), s.token, AuditFilter{Action: "notice.send", Outcome: "ok",
			From: c.b.Now().AddDate(0, 0, -sentNoticeDays), Newest: true, Limit: sentNotices})
		if err != nil {
			c.fail(w, r, err)
			return
		}
		// 发布人 by name, as people know them: the trail keeps the login,
		// which read as 发布人 admin (a walkthrough).
		if len(v.Sent) > 0 {
			// The logins stay when the accounts cannot be read: the page
			// (and a notice refused, shown again) does not fail for names.
			accts, err := c.b.Accounts(r.Context(), s.token)
			if err != nil {
				c.log.Error("console: accounts for the notices' 发布人", "err", err)
			}
			names := map[string]string{}
			for _, a := range accts {
				names[a.Login] = a.Name
			}
			for i := range v.Sent {
				if n := names[v.Sent[i].Actor]; n != "" && n != v.Sent[i].Actor {
					v.Sent[i].Actor = n + "（" + v.Sent[i].Actor + "）"
				}
			}
		}
	}
	c.render(w, r, status, "notices", page{Title: "发布通知", Session: s, Data: v})
}

func (c *Console) notice(w http.ResponseWriter, r *http.Request, s *session) {
	if s.Role != app.RoleAdmin {
		c.errorPage(w, r, http.StatusForbidden, "无权访问", "发布通知仅供本局管理员使用。")
		return
	}
	req := protocol.NoticeRequest{UnitID: r.PostFormValue("unit"), Title: r.PostFormValue("title"), Text: r.PostFormValue("text")}
	about := r.PostFormValue("for")
	if about != "" && req.UnitID != about {
		c.renderNotice(w, r, s, http.StatusUnprocessableEntity, noticeView{UnitID: echo(req.UnitID), For: echo(about), Title: echo(req.Title), Text: echo(req.Text),
			Error: "这则提醒列出的是一个建设单位的逾期事项，只能发给该单位：请在“发送给”中选回该单位。"})
		return
	}
	if r.PostFormValue("confirm") != "1" && r.PostFormValue("edit") != "1" {
		// A notice reaches every unit's inbox and cannot be taken back:
		// the admin reads it as the units will, and who gets it, first.
		c.previewNotice(w, r, s, req)
		return
	}
	if r.PostFormValue("edit") == "1" {
		c.renderNotice(w, r, s, http.StatusOK, noticeView{UnitID: echo(req.UnitID), For: echo(about), Title: echo(req.Title), Text: echo(req.Text)})
		return
	}
	// 确认发送 clicked twice (the console has no script to stop it) sent the
	// notice twice to every unit (found from outside): each preview's
	// token sends once.
	once := r.PostFormValue("once")
	for {
		e, first := c.once.begin(once)
		if first {
			resp, err := c.b.Notify(r.Context(), s.token, req)
			c.once.end(once, e, err == nil) // not sent: the form may be sent again, mended
			if err == nil {
				http.Redirect(w, r, fmt.Sprintf("/console/notices?done=%d", resp.Units), http.StatusSeeOther)
				return
			}
			c.noticeRefused(w, r, s, req, err)
			return
		}
		// The same form, sent while the first was being sent: its outcome
		// is this one's (found in review: "already sent" was said of a
		// first that then failed).
		select {
		case <-e.done:
		case <-r.Context().Done():
			return
		}
		if e.sent {
			http.Redirect(w, r, "/console/notices?again=1", http.StatusSeeOther)
			return
		}
	}
}

// noticeRefused shows the form again with what the bureau refused in the
// notice, and the text kept.
func (c *Console) noticeRefused(w http.ResponseWriter, r *http.Request, s *session, req protocol.NoticeRequest, err error) {
	if code := app.ErrorCode(err); code != app.EINVALID && code != app.ENOTFOUND {
		c.fail(w, r, err)
		return
	}
	var msgs []string
	refused := map[string]bool{}
	for _, fe := range app.FieldErrors(err) {
		msgs = append(msgs, fe.Message)
		refused[fe.Field] = true
	}
	if len(msgs) == 0 {
		msgs = append(msgs, app.ErrorMessage(err))
	}
	c.renderNotice(w, r, s, http.StatusUnprocessableEntity, noticeView{UnitID: echo(req.UnitID), For: echo(r.PostFormValue("for")), Title: echo(req.Title), Text: echo(req.Text),
		Error: echo(strings.Join(msgs, "；")), Refused: refused})
}

// previewNotice shows the notice as the units will read it, and to whom it
// goes, with 确认发送 and 返回修改. What the bureau refuses in it is said
// when it is sent, with the text kept in the form.
func (c *Console) previewNotice(w http.ResponseWriter, r *http.Request, s *session, req protocol.NoticeRequest) {
	v := noticeView{UnitID: echo(req.UnitID), For: echo(r.PostFormValue("for")), Title: echo(req.Title), Text: echo(req.Text), Once: randomToken()}
	units, err := c.b.Units(r.Context())
	if err != nil {
		c.fail(w, r, err)
		return
	}
	v.To = fmt.Sprintf("全部 %d 个建设单位", len(units))
	if req.UnitID != "" {
		v.To = ""
		for _, u := range units {
			if u.ID == req.UnitID {
				v.To = u.Name
			}
		}
		if v.To == "" {
			v.To = "（没有这个建设单位，发送时将被拒绝）"
		}
	}
	v.Preview = true
	c.renderNotice(w, r, s, http.StatusOK, v)
}

// onceTokens are the one-time tokens of forms that must not act twice
// (确认发送 of a notice): a token is taken by the first request that
// brings it, and the others wait for its outcome. They live in this
// process, for onceTTL: a bureau of several processes behind one address
// takes a second click on another process as a first, unless the balancer
// keeps a session to one process.
type onceTokens struct {
	mu   sync.Mutex
	used map[string]*onceUse
}

// onceUse is a token's use: done is closed when it has acted, or failed
// (and was forgotten).
type onceUse struct {
	at   time.Time
	done chan struct{}
	sent bool
}

// onceTTL is how long a used token is remembered: a page of a preview is
// not sent again after it.
const onceTTL = 24 * time.Hour

// begin takes tok for a use: first is true when none has it (then end
// must follow); else u is the use in progress or done. An empty token (a
// form of the release before) is always first, with no use.
func (o *onceTokens) begin(tok string) (u *onceUse, first bool) {
	if tok == "" || len(tok) > 64 { // randomToken's are 43 characters: a longer one is none of ours
		return nil, true
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	now := time.Now()
	if o.used == nil {
		o.used = map[string]*onceUse{}
	}
	if len(o.used) >= 1024 {
		for k, u := range o.used {
			if now.Sub(u.at) > onceTTL || len(o.used) >= 4096 && u.sent {
				delete(o.used, k) // old, or past the bound and done with
			}
		}
	}
	if u, ok := o.used[tok]; ok {
		return u, false
	}
	u = &onceUse{at: now, done: make(chan struct{})}
	o.used[tok] = u
	return u, true
}

// end records the outcome of u, begun for tok: a use that did not act is
// forgotten, so that the form may be sent again.
func (o *onceTokens) end(tok string, u *onceUse, sent bool) {
	if u == nil {
		return
	}
	o.mu.Lock()
	u.sent = sent
	if !sent {
		delete(o.used, tok)
	}
	o.mu.Unlock()
	close(u.done)
}
