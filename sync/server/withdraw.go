package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"egovdesk/app"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server/bureaustore"
)

// maxWithdrawBytes bounds the body of a withdrawal: a revision ID and a
// reason of app.MaxWithdrawReason characters, escaped.
const maxWithdrawBytes = 16 << 10

// handleWithdraw takes back a unit's submission the bureau has not begun on
// (POST /filings/{id}/withdrawal, WithdrawRequest): the filing is 已撤回,
// out of the review queue, and the unit's feed carries the withdrawal.
func (s *Server) handleWithdraw(w http.ResponseWriter, r *http.Request, c *caller) error {
	var req protocol.WithdrawRequest
	if err := decode(w, r, maxWithdrawBytes, &req); err != nil {
		return err
	}
	resp, err := s.withdraw(r.Context(), c, r.PathValue("id"), req)
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, resp)
	return nil
}

// withdraw applies unit account c's withdrawal req of filing fid in one
// commit with the review queue and the unit's feed, as a decision is. A
// revision withdrawn already is answered with its withdrawal: the clerk's
// computer asks again when the first answer was lost on the way.
func (s *Server) withdraw(ctx context.Context, c *caller, fid string, req protocol.WithdrawRequest) (resp protocol.DecisionResponse, err error) {
	repeat := false
	defer func() {
		w := whoOf(ctx)
		w.Actor, w.Role = c.Login, string(c.Role)
		target := clip(fid, 64) + " (" + clip(req.RevisionID, 64) + ")"
		switch {
		case err != nil:
			s.auditRepeat(ctx, w, "withdraw", target, false, err, "")
		case repeat:
			// asked again, answered with the first: one record a
			// minute however often (the trail would show many)
			s.auditRepeat(ctx, w, "withdraw", target, false, nil, "重复的撤回请求，答以原撤回记录")
		default:
			t := resp.Transition
			s.auditAs(ctx, w, "withdraw", fmt.Sprintf("%s 第%d版 (%s)", fid, t.RevisionNumber, t.RevisionID), nil, "单位撤回："+clip(t.Comment, 200))
		}
	}()
	// (An admin's issued token is refused on every POST before this.)
	if !validID(req.RevisionID) {
		return resp, fieldErr("revision_id", fmt.Sprintf("版本编号须为 1–%d 个字母、数字或 - _ .（要撤回的那一版）", maxID))
	}
	if msg := app.CheckString(req.Comment, app.MaxWithdrawReason, false); msg != "" {
		return resp, fieldErr("comment", "撤回原因"+msg)
	}
	res, err := s.store.Decide(ctx, bureaustore.Decision{FilingID: fid, Actor: c.Name, Role: app.RoleUnit,
		Action: app.ActionWithdraw, Comment: req.Comment, Unit: c.UnitID, RevisionID: req.RevisionID, Now: s.Now()})
	var refused *bureaustore.DecisionRefused
	if errors.As(err, &refused) {
		resp, err = s.withdrawRefused(ctx, c, refused.Current, refused.Reason, req)
		repeat = err == nil
		return resp, err
	}
	if err != nil {
		return resp, fmt.Errorf("withdraw %s: %w", fid, err)
	}
	s.log.Info("withdrawal", "filing", fid, "revision", res.Transition.RevisionNumber, "by", c.Login)
	return protocol.DecisionResponse{Transition: res.Transition, Filing: summary(res.Filing, res.UnitName)}, nil
}

// withdrawRefused answers a withdrawal the store refused on f, the filing
// as it stands, for reason: the withdrawal itself when this revision is
// withdrawn already, else why not, as a conflict with the state the
// clerk's computer has not heard of yet.
func (s *Server) withdrawRefused(ctx context.Context, c *caller, f app.Filing, reason error, req protocol.WithdrawRequest) (protocol.DecisionResponse, error) {
	if !f.Revision.Submitted() {
		// the head revision is waiting for its attachments: not under
		// review, not withdrawn, nothing to take back yet
		return protocol.DecisionResponse{}, app.Errorf(app.ECONFLICT,
			"数管局还没有收齐第 %d 版的附件，这一版尚未进入审核，不能撤回：请等附件上传完成后再看", f.Revision.Number)
	}
	if f.Revision.ID != req.RevisionID {
		return protocol.DecisionResponse{}, app.Errorf(app.ECONFLICT,
			"要撤回的版本不是这份材料的最新版本（数管局现有第 %d 版，为“%s”）：请等客户端同步后再看", f.Revision.Number, s.profile.Load().StatusOn(f.Status, f.Kind, s.refusedRoute(ctx, c.UnitID, &f)))
	}
	if f.Status == app.StatusWithdrawn {
		for i := len(f.History) - 1; i >= 0; i-- {
			if t := f.History[i]; t.Action == app.ActionWithdraw && t.RevisionID == req.RevisionID {
				v, err := s.store.Filing(ctx, c.UnitID, f.ID)
				if err != nil {
					return protocol.DecisionResponse{}, fmt.Errorf("withdraw %s: %w", f.ID, err)
				}
				return protocol.DecisionResponse{Transition: t, Filing: summary(v.Filing, v.Unit.Name)}, nil
			}
		}
	}
	msg := app.ErrorMessage(reason) // a department began at an intake step, named
	if n := len(f.History); n > 0 && f.Status != app.StatusSubmitted {
		last, prof, route := f.History[n-1], s.profile.Load(), s.refusedRoute(ctx, c.UnitID, &f)
		msg = fmt.Sprintf("数管局已于 %s %s（现为“%s”），不能再撤回：如需修改，请联系数管局退回修改",
			last.At.In(app.Beijing).Format("2006-01-02 15:04"), prof.ActionOn(last.Action, f.Kind, route), prof.StatusOn(f.Status, f.Kind, route))
	}
	return protocol.DecisionResponse{}, app.Errorf(app.ECONFLICT, "%s", msg)
}
