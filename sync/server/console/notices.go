package console

import (
	"fmt"
	"net/http"
	"strings"

	"egovdesk/app"
	"egovdesk/sync/protocol"
)

type noticeView struct {
	Units             []Unit
	UnitID            string
	Title, Text       string
	Error, Done, CSRF string
	Nav               []struct{ Href, Label string } // the admin pages' menu
	Here              string
}

// noticeForm is the admin's form for a notice to all units or one; the
// units' clients show it as they show a notice sent through the API.
func (c *Console) noticeForm(w http.ResponseWriter, r *http.Request, s *session) {
	if s.Role != app.RoleAdmin {
		c.errorPage(w, r, http.StatusForbidden, "无权访问", "发布通知仅供数管局管理员使用。")
		return
	}
	c.renderNotice(w, r, s, http.StatusOK, noticeView{Done: r.URL.Query().Get("done")})
}

func (c *Console) renderNotice(w http.ResponseWriter, r *http.Request, s *session, status int, v noticeView) {
	units, err := c.b.Units(r.Context())
	if err != nil {
		c.fail(w, r, err)
		return
	}
	v.Units, v.CSRF, v.Nav, v.Here = units, s.CSRF, adminNav, "/console/notices"
	c.render(w, r, status, "notices", page{Title: "发布通知", Session: s, Data: v})
}

func (c *Console) notice(w http.ResponseWriter, r *http.Request, s *session) {
	req := protocol.NoticeRequest{UnitID: r.PostFormValue("unit"), Title: r.PostFormValue("title"), Text: r.PostFormValue("text")}
	resp, err := c.b.Notify(r.Context(), s.token, req)
	if err == nil {
		http.Redirect(w, r, fmt.Sprintf("/console/notices?done=%d", resp.Units), http.StatusSeeOther)
		return
	}
	if code := app.ErrorCode(err); code != app.EINVALID && code != app.ENOTFOUND {
		c.fail(w, r, err)
		return
	}
	var msgs []string
	for _, fe := range app.FieldErrors(err) {
		msgs = append(msgs, fe.Message)
	}
	if len(msgs) == 0 {
		msgs = append(msgs, app.ErrorMessage(err))
	}
	c.renderNotice(w, r, s, http.StatusUnprocessableEntity, noticeView{UnitID: req.UnitID, Title: req.Title, Text: req.Text,
		Error: strings.Join(msgs, "；")})
}
