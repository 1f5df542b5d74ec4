package server

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"egovdesk/app"
	"egovdesk/sync/protocol"
)

// Notify sends a notice to one unit, or to every unit when req.UnitID is
// empty, and returns how many feeds it was written to. It fails with
// EINVALID for a missing or overlong title or text and with ENOTFOUND for an
// unknown unit.
func (s *Server) Notify(ctx context.Context, req protocol.NoticeRequest) (_ protocol.NoticeResponse, err error) {
	if err = s.auditReady(); err != nil {
		return
	}
	var to string // who got it, for the trail and the console's list of notices sent
	defer s.auditedDetail(ctx, "notice.send", req.Title, &to, &err)
	req.Title, req.Text = strings.TrimSpace(req.Title), strings.TrimSpace(req.Text)
	var p app.Problems
	// Over a limit says by how much: the console's boxes do not cut a
	// pasted text short without a word.
	switch n := utf8.RuneCountInString(req.Title); {
	case n == 0:
		p.Add("title", "请填写通知标题（不超过 %d 个字）", protocol.MaxNoticeTitle)
	case n > protocol.MaxNoticeTitle:
		p.Add("title", "通知标题不能超过 %d 个字（现有 %d 个字，请删减 %d 个字）", protocol.MaxNoticeTitle, n, n-protocol.MaxNoticeTitle)
	default:
		if msg := checkName(req.Title, protocol.MaxNoticeTitle); msg != "" { // a name's rules: no invisible characters either
			p.Add("title", "通知标题%s", msg)
		}
	}
	switch n := utf8.RuneCountInString(req.Text); {
	case n == 0:
		p.Add("text", "请填写通知内容（不超过 %d 个字）", protocol.MaxNoticeText)
	case n > protocol.MaxNoticeText:
		p.Add("text", "通知内容不能超过 %d 个字（现有 %d 个字，请删减 %d 个字）", protocol.MaxNoticeText, n, n-protocol.MaxNoticeText)
	default:
		if msg := app.CheckString(req.Text, protocol.MaxNoticeText, false); msg != "" {
			p.Add("text", "通知内容%s", msg)
		}
	}
	if req.UnitID != "" && !validID(req.UnitID) {
		p.Add("unit_id", "单位编号须为 1–%d 个字母、数字或 - _ .", protocol.MaxID)
	}
	if err := p.Err(); err != nil {
		return protocol.NoticeResponse{}, err
	}
	var units []string
	if req.UnitID != "" {
		units = []string{req.UnitID}
	}
	c := protocol.Change{Type: protocol.ChangeNotice, At: s.Now(), NoticeTitle: req.Title, Notice: req.Text}
	n, err := s.broadcast(ctx, units, c)
	if err != nil {
		return protocol.NoticeResponse{}, fmt.Errorf("notify: %w", err)
	}
	to = fmt.Sprintf("发送给全部建设单位（%d 个）", n)
	if req.UnitID != "" {
		to = "发送给 " + req.UnitID
		if u, err := s.store.Unit(ctx, req.UnitID); err == nil {
			to = "发送给 " + u.Name
		}
	}
	return protocol.NoticeResponse{ID: randomHex(8), Units: n}, nil
}

// handleNotice lets an admin send a notice.
func (s *Server) handleNotice(w http.ResponseWriter, r *http.Request, c *caller) error {
	var req protocol.NoticeRequest
	if err := decode(w, r, 64<<10, &req); err != nil {
		return err
	}
	resp, err := s.Notify(r.Context(), req)
	if err != nil {
		return err
	}
	s.log.Info("notice", "by", c.Login, "units", resp.Units)
	s.writeJSON(w, http.StatusOK, resp)
	return nil
}
