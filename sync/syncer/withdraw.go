package syncer

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"egovdesk/app"
	"egovdesk/app/store"
	"egovdesk/sync/client"
	"egovdesk/sync/protocol"
)

// withdrawer is a Remote that can ask the bureau to take back a submission
// (*client.Client).
type withdrawer interface {
	Withdraw(ctx context.Context, id string, req protocol.WithdrawRequest) (protocol.DecisionResponse, error)
}

// ownRecorder is a Local that records what the unit did at the bureau as
// the bureau answered it, before the change feed brings it (the store's
// RecordOwn).
type ownRecorder interface {
	RecordOwn(ctx context.Context, filingID string, t app.Transition) error
}

var (
	_ withdrawer  = (*client.Client)(nil)
	_ ownRecorder = (*store.Store)(nil)
)

// Withdraw asks the bureau to take back the unit's submission of filing id,
// which the bureau holds and has not begun on (已提交, not yet 受理), with
// the clerk's reason (may be empty), and records the withdrawal: the
// filing is 已撤回, the unit's to change and send again as a new revision.
// A submission still waiting on this computer is withdrawn by the store
// (store.Withdraw), without the bureau.
//
// It fails with an *app.Error in Chinese saying what to do: EUNAVAILABLE
// when the bureau did not answer (the withdrawal may or may not have been
// made: asking again is safe, the bureau answers a repeat with the same
// withdrawal, and the feed brings it either way), EUNAUTHORIZED when the
// login has expired, ECONFLICT with the bureau's words when it has begun
// (受理) or holds another revision, EINVALID when the filing is not one
// waiting for the bureau here.
func (s *Syncer) Withdraw(ctx context.Context, id, reason string) error {
	w, ok := s.remote.(withdrawer)
	own, ok2 := s.local.(ownRecorder)
	if !ok || !ok2 {
		return app.Errorf(app.EINTERNAL, "this connection cannot withdraw a submission")
	}
	f, err := s.local.Get(ctx, id)
	if err != nil {
		return err
	}
	if !f.Revision.Submitted() {
		return app.Errorf(app.EINVALID, "材料现为“%s”，只有已提交、数管局尚未受理的材料才能撤回", f.Status.Label())
	}
	// What this computer knows already rules out (受理 pulled, a
	// department's concurrence at an intake step, a reason too long) is
	// refused without asking.
	probe := *f
	probe.History = slices.Clone(f.History)
	if _, err := probe.Withdraw(s.opts.Now(), "", reason); err != nil {
		return err
	}
	s.mu.Lock()
	if s.withdrawing == nil {
		s.withdrawing = map[string]int{}
	}
	s.withdrawing[id]++
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		if s.withdrawing[id]--; s.withdrawing[id] <= 0 {
			delete(s.withdrawing, id)
		}
		s.mu.Unlock()
	}()
	resp, err := w.Withdraw(ctx, id, protocol.WithdrawRequest{RevisionID: f.Revision.ID, Comment: reason})
	switch client.Classify(err) {
	case client.ClassNone:
	case client.ClassRetry:
		if client.NeverConnected(err) {
			return app.Errorf(app.EUNAVAILABLE, "无法连接数管局服务器，撤回没有办成：撤回要由数管局确认，请连上网络后再点“撤回提交”")
		}
		// Sent, and no answer (cut, a timeout, a 5xx): it may have been
		// made. The feed says, the sooner the better. (The client's words
		// for this are about sending filings.)
		s.Kick()
		return app.Errorf(app.EUNAVAILABLE, "没有收到数管局对撤回的确认（连接中断、超时或服务器故障），撤回可能已经办成，也可能没有：稍后同步即可看到结果；如仍显示“等待受理”，可再点“撤回提交”（不会重复撤回）")
	case client.ClassReauth:
		return app.Errorf(app.EUNAUTHORIZED, "登录已过期：请重新登录后再撤回")
	default:
		// The bureau moved on (受理) or holds another revision: the feed
		// brings what this computer has not heard of yet.
		s.Kick()
		code := client.ProblemCode(err)
		if code == app.ENOTFOUND && strings.Contains(client.Message(err), "没有这个接口") {
			// a bureau of an earlier release: the route is not there
			return app.Errorf(app.EINVALID, "数管局的服务器版本较早，还不能撤回已送达的材料：如需修改，请联系数管局退回修改")
		}
		if code != app.ECONFLICT && code != app.ENOTFOUND && code != app.EINVALID && code != app.EFORBIDDEN {
			code = app.EINVALID
		}
		return app.Errorf(code, "%s", client.Message(err))
	}
	t := resp.Transition
	if t.Action != app.ActionWithdraw || t.RevisionID != f.Revision.ID || t.To != app.StatusWithdrawn {
		return app.Errorf(app.EUNAVAILABLE, "数管局的回答与撤回请求不符（%s，第 %d 版）：请稍后在“进度与批复”中查看", t.Action.Label(), t.RevisionNumber)
	}
	if err := own.RecordOwn(ctx, id, t); err != nil {
		return fmt.Errorf("withdraw %s: %w", id, err)
	}
	s.log.Info("withdrawn at the bureau", "filing", id, "revision", t.RevisionNumber)
	return nil
}

// ownAct reports whether decision t on filing fid is the unit's own act
// this computer did (a withdrawal it recorded from the bureau's answer, or
// is asking for now), which the feed brings back: no news to the clerk.
// The unit's act done on another computer, or here with the answer lost,
// is news like a decision.
func (s *Syncer) ownAct(ctx context.Context, fid string, t *app.Transition) bool {
	if t == nil || t.Role != app.RoleUnit {
		return false
	}
	s.mu.Lock()
	asking := s.withdrawing[fid] > 0
	s.mu.Unlock()
	if asking {
		return true
	}
	f, err := s.local.Get(ctx, fid)
	if err != nil {
		return false
	}
	for _, h := range f.History {
		if h.RevisionID == t.RevisionID && h.Action == t.Action && h.At.Equal(t.At) {
			return true
		}
	}
	return false
}
