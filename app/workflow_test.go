package app

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// TestNextAllowed lists every move the workflow allows.
func TestNextAllowed(t *testing.T) {
	tests := []struct {
		from    Status
		role    Role
		action  Action
		comment string
		want    Status
	}{
		{StatusDraft, RoleUnit, ActionSubmit, "", StatusSubmitted},
		{StatusReturned, RoleUnit, ActionSubmit, "", StatusSubmitted},
		{StatusWithdrawn, RoleUnit, ActionSubmit, "", StatusSubmitted},
		{StatusSubmitted, RoleUnit, ActionWithdraw, "", StatusWithdrawn},
		{StatusSubmitted, RoleReviewer, ActionAccept, "", StatusPreliminary},
		{StatusSubmitted, RoleAdmin, ActionAccept, "", StatusPreliminary},
		{StatusPreliminary, RoleReviewer, ActionPass, "", StatusExpert},
		{StatusPreliminary, RoleReviewer, ActionApprove, "同意", StatusApproved},
		{StatusExpert, RoleReviewer, ActionApprove, "", StatusApproved},
		{StatusSubmitted, RoleReviewer, ActionFile, "", StatusFiled},
		{StatusPreliminary, RoleReviewer, ActionFile, "", StatusFiled},
		{StatusExpert, RoleReviewer, ActionFile, "", StatusFiled},
		{StatusSubmitted, RoleReviewer, ActionReturn, "请补充密码应用方案", StatusReturned},
		{StatusPreliminary, RoleReviewer, ActionReturn, "投资明细不清", StatusReturned},
		{StatusExpert, RoleReviewer, ActionReturn, "专家意见：重复建设", StatusReturned},
		{StatusSubmitted, RoleReviewer, ActionReject, "不属于政务信息化项目", StatusRejected},
		{StatusPreliminary, RoleReviewer, ActionReject, "重复建设", StatusRejected},
		{StatusExpert, RoleReviewer, ActionReject, "论证未通过", StatusRejected},
	}
	for _, tt := range tests {
		got, err := Next(tt.from, tt.role, tt.action, tt.comment)
		if err != nil || got != tt.want {
			t.Errorf("Next(%s, %s, %s) = %s, %v; want %s", tt.from, tt.role, tt.action, got, err, tt.want)
		}
	}
}

// TestNextRefused lists moves the workflow must refuse, with the error code.
func TestNextRefused(t *testing.T) {
	tests := []struct {
		name    string
		from    Status
		role    Role
		action  Action
		comment string
		code    string
	}{
		{"unit cannot accept", StatusSubmitted, RoleUnit, ActionAccept, "", EFORBIDDEN},
		{"unit cannot approve its own", StatusExpert, RoleUnit, ActionApprove, "", EFORBIDDEN},
		{"unit cannot return", StatusSubmitted, RoleUnit, ActionReturn, "x", EFORBIDDEN},
		{"reviewer cannot submit", StatusDraft, RoleReviewer, ActionSubmit, "", EFORBIDDEN},
		{"submit twice", StatusSubmitted, RoleUnit, ActionSubmit, "", EINVALID},
		{"submit approved", StatusApproved, RoleUnit, ActionSubmit, "", EINVALID},
		{"accept a draft", StatusDraft, RoleReviewer, ActionAccept, "", EINVALID},
		{"pass before accept", StatusSubmitted, RoleReviewer, ActionPass, "", EINVALID},
		{"approve before accept", StatusSubmitted, RoleReviewer, ActionApprove, "", EINVALID},
		{"approve a rejected", StatusRejected, RoleReviewer, ActionApprove, "", EINVALID},
		{"return an approved", StatusApproved, RoleReviewer, ActionReturn, "x", EINVALID},
		{"return a returned", StatusReturned, RoleReviewer, ActionReturn, "x", EINVALID},
		{"decide on a draft", StatusDraft, RoleReviewer, ActionReject, "x", EINVALID},
		{"return without comment", StatusSubmitted, RoleReviewer, ActionReturn, "  ", EINVALID},
		{"return with an invisible comment", StatusSubmitted, RoleReviewer, ActionReturn, "\u200b\u3000\ufeff", EINVALID},
		{"reject without comment", StatusExpert, RoleReviewer, ActionReject, "", EINVALID},
		{"unknown action", StatusDraft, RoleUnit, Action("delete"), "", EINVALID},
		{"withdraw once accepted", StatusPreliminary, RoleUnit, ActionWithdraw, "", EINVALID},
		{"withdraw a returned", StatusReturned, RoleUnit, ActionWithdraw, "", EINVALID},
		{"withdraw twice", StatusWithdrawn, RoleUnit, ActionWithdraw, "", EINVALID},
		{"reviewer cannot withdraw", StatusSubmitted, RoleReviewer, ActionWithdraw, "", EFORBIDDEN},
		{"accept a withdrawn", StatusWithdrawn, RoleReviewer, ActionAccept, "", EINVALID},
		{"return a withdrawn", StatusWithdrawn, RoleReviewer, ActionReturn, "x", EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Next(tt.from, tt.role, tt.action, tt.comment)
			if err == nil {
				t.Fatalf("Next = %s, want error %s", got, tt.code)
			}
			if ErrorCode(err) != tt.code {
				t.Fatalf("error code = %s (%v), want %s", ErrorCode(err), err, tt.code)
			}
			if ErrorMessage(err) == "" {
				t.Fatal("error has no message for the user")
			}
		})
	}
}

func TestAllowedMatchesNext(t *testing.T) {
	for _, s := range Statuses {
		for _, r := range []Role{RoleUnit, RoleReviewer} {
			allowed := Allowed(s, r)
			for _, a := range append([]Action{ActionSubmit, ActionWithdraw}, Decisions...) {
				_, err := Next(s, r, a, "意见")
				if got := slices.Contains(allowed, a); got != (err == nil) {
					t.Errorf("Allowed(%s, %s) has %s = %v, but Next error = %v", s, r, a, got, err)
				}
			}
		}
	}
	if len(Allowed(StatusApproved, RoleReviewer)) != 0 || len(Allowed(StatusRejected, RoleUnit)) != 0 {
		t.Error("final states allow actions")
	}
}

func TestFilingLifecycleKeepsRevisions(t *testing.T) {
	t0 := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	f, err := NewFiling(KindDeclaration, "f1", "r1", "u1", t0)
	if err != nil {
		t.Fatal(err)
	}
	if !f.Editable() {
		t.Fatal("a new draft is not editable")
	}
	if _, err := f.Submit(t0.Add(time.Hour), "张三"); err != nil {
		t.Fatal(err)
	}
	if f.Editable() || !f.Revision.Submitted() {
		t.Fatal("submitted filing still editable or revision not frozen")
	}
	if err := f.Revise("r2", t0); err == nil {
		t.Fatal("revised a filing under review")
	}
	if _, err := f.Decide(t0.Add(2*time.Hour), "李审核", RoleReviewer, ActionReturn, "请补充安全方案"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Submit(t0.Add(3*time.Hour), "张三"); err == nil {
		t.Fatal("resubmitted the same revision after return")
	}
	if err := f.Revise("r2", t0.Add(4*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if f.Revision.Number != 2 || f.Revision.BaseID != "r1" || f.Revision.Submitted() {
		t.Fatalf("revision after Revise = %+v", f.Revision)
	}
	if _, err := f.Submit(t0.Add(5*time.Hour), "张三"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Decide(t0.Add(6*time.Hour), "李审核", RoleReviewer, ActionAccept, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Decide(t0.Add(7*time.Hour), "李审核", RoleReviewer, ActionApprove, "同意立项"); err != nil {
		t.Fatal(err)
	}
	want := []struct {
		a   Action
		rev int
	}{{ActionSubmit, 1}, {ActionReturn, 1}, {ActionSubmit, 2}, {ActionAccept, 2}, {ActionApprove, 2}}
	if len(f.History) != len(want) {
		t.Fatalf("history has %d entries, want %d", len(f.History), len(want))
	}
	for i, w := range want {
		h := f.History[i]
		if h.Action != w.a || h.RevisionNumber != w.rev || h.At.IsZero() || h.Actor == "" {
			t.Errorf("history[%d] = %+v, want %s on revision %d", i, h, w.a, w.rev)
		}
	}
	if f.History[1].Comment != "请补充安全方案" {
		t.Errorf("return comment lost: %q", f.History[1].Comment)
	}
	if f.Status != StatusApproved {
		t.Errorf("status = %s", f.Status)
	}
}

func TestDecideRefusesSubmit(t *testing.T) {
	f, _ := NewFiling(KindDeclaration, "f1", "r1", "u1", time.Now())
	if _, err := f.Decide(time.Now(), "x", RoleUnit, ActionSubmit, ""); err == nil {
		t.Fatal("Decide accepted a submit")
	}
	if f.Status != StatusDraft || len(f.History) != 0 {
		t.Fatal("refused action changed the filing")
	}
}

// TestWithdrawThenResubmit: a submission the unit takes back before the
// bureau begins is the unit's again, sent once more as a new revision; the
// withdrawal and its reason stay in the history. Once the bureau has begun
// (受理, or a department's concurrence at a joint intake step) it cannot be
// taken back, and a refusal leaves the filing as it was.
func TestWithdrawThenResubmit(t *testing.T) {
	t0 := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	f, _ := NewFiling(KindDeclaration, "f1", "r1", "u1", t0)
	if _, err := f.Withdraw(t0, "张三", ""); ErrorCode(err) != EINVALID {
		t.Fatalf("withdrew a draft: %v", err)
	}
	if _, err := f.Submit(t0.Add(time.Hour), "张三"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Withdraw(t0.Add(2*time.Hour), "张三", "附件传错了\x00"); ErrorCode(err) != EINVALID || f.Status != StatusSubmitted || len(f.History) != 1 {
		t.Fatalf("a reason with a NUL: %v, status %s", err, f.Status)
	}
	tr, err := f.Withdraw(t0.Add(2*time.Hour), "张三", "附件传错了")
	if err != nil {
		t.Fatal(err)
	}
	if tr.Action != ActionWithdraw || tr.Role != RoleUnit || tr.From != StatusSubmitted || tr.To != StatusWithdrawn ||
		tr.Comment != "附件传错了" || tr.RevisionID != "r1" || !f.Editable() || !f.Status.Reopened() {
		t.Fatalf("withdrawal = %+v, filing %s editable %v", tr, f.Status, f.Editable())
	}
	if _, err := f.Submit(t0.Add(3*time.Hour), "张三"); err == nil {
		t.Fatal("sent the withdrawn revision again: it must be a new one")
	}
	if err := f.Revise("r2", t0.Add(3*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Submit(t0.Add(4*time.Hour), "张三"); err != nil || f.Revision.Number != 2 || f.Status != StatusSubmitted {
		t.Fatalf("resubmit: %v, revision %d, %s", err, f.Revision.Number, f.Status)
	}
	if _, err := f.Decide(t0.Add(5*time.Hour), "李审核", RoleReviewer, ActionAccept, ""); err != nil {
		t.Fatal(err)
	}
	n := len(f.History)
	if _, err := f.Withdraw(t0.Add(6*time.Hour), "张三", ""); ErrorCode(err) != EINVALID ||
		!strings.Contains(ErrorMessage(err), "初审中") || f.Status != StatusPreliminary || len(f.History) != n {
		t.Fatalf("withdrew after 受理: %v", err)
	}

	// A department concurring at a joint intake step has begun on it.
	g, _ := NewFiling(KindDeclaration, "f2", "s1", "u1", t0)
	g.Submit(t0, "张三")
	g.History = append(g.History, Transition{Action: ActionConcur, Role: RoleFinance, From: StatusSubmitted, To: StatusSubmitted, RevisionID: "s1"})
	if _, err := g.Withdraw(t0, "张三", ""); ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), "财政") {
		t.Fatalf("withdrew after a concurrence: %v", err)
	}
}
