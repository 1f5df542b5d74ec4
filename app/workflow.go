package app

import (
	"fmt"
	"slices"
	"time"
)

// Status is where a filing stands in the workflow.
type Status string

// The workflow states. The unit owns the content while a filing is a draft or
// returned; the bureau owns the status after submission.
const (
	StatusDraft       Status = "draft"              // 草稿
	StatusSubmitted   Status = "submitted"          // 已提交（待受理）
	StatusPreliminary Status = "preliminary_review" // 初审中
	StatusExpert      Status = "expert_review"      // 专家论证中
	StatusApproved    Status = "approved"           // 已批复（立项）/ 审核通过
	StatusFiled       Status = "filed"              // 已备案
	StatusReturned    Status = "returned"           // 退回修改
	StatusRejected    Status = "rejected"           // 不予立项
	// StatusWithdrawn is a submission the unit took back after it reached
	// the bureau and before the bureau began on it (受理): the bureau keeps
	// the revision and the unit's reason, and the unit owns the content
	// again, to send as a new revision (as after 退回修改).
	StatusWithdrawn Status = "withdrawn" // 已撤回
)

// Statuses lists every state in workflow order.
var Statuses = []Status{StatusDraft, StatusSubmitted, StatusPreliminary, StatusExpert,
	StatusApproved, StatusFiled, StatusReturned, StatusRejected, StatusWithdrawn}

// Label returns the Chinese name of the state.
func (s Status) Label() string {
	switch s {
	case StatusDraft:
		return "草稿"
	case StatusSubmitted:
		return "已提交"
	case StatusPreliminary:
		return "初审中"
	case StatusExpert:
		return "专家论证中"
	case StatusApproved:
		return "已批复"
	case StatusFiled:
		return "已备案"
	case StatusReturned:
		return "退回修改"
	case StatusRejected:
		return "不予立项"
	case StatusWithdrawn:
		return "已撤回"
	}
	return string(s)
}

// FilterLabel names s in a filter over filings of every kind, where a
// state's name must cover each kind's word for it: 查找材料's 不予立项 found
// refused catalogues and 不予备案 projects too.
func (s Status) FilterLabel() string {
	switch s {
	case StatusApproved:
		return "已批复/已通过"
	case StatusRejected:
		return "不予立项/备案/通过"
	case StatusPreliminary:
		// A declaration's 初审中 and a later filing's 审核中 (LabelFor):
		// the 概况 counted both under 初审中.
		return "初审中/审核中"
	}
	return s.Label()
}

// Valid reports whether s is a known state.
func (s Status) Valid() bool { return slices.Contains(Statuses, s) }

// Editable reports whether the unit may change a filing's content in this state.
func (s Status) Editable() bool {
	return s == StatusDraft || s == StatusReturned || s == StatusWithdrawn
}

// Reopened reports whether the unit has a filing back after submitting it:
// returned by the bureau, or withdrawn by the unit. Its next submission is a
// new revision (see Revise).
func (s Status) Reopened() bool { return s == StatusReturned || s == StatusWithdrawn }

// UnderReview reports whether a submission in state s is with the bureau
// and not yet decided: waiting to be accepted, or in one of its review
// steps (the review queue's states).
func (s Status) UnderReview() bool {
	return s == StatusSubmitted || s == StatusPreliminary || s == StatusExpert
}

// Stands reports whether a submission in state s stands at the bureau:
// sent and neither refused, returned nor withdrawn — under review or
// passed (what app.CheckOneAcceptance holds a second application to).
func (s Status) Stands() bool {
	switch s {
	case StatusSubmitted, StatusPreliminary, StatusExpert, StatusApproved, StatusFiled:
		return true
	}
	return false
}

// Final reports whether no further decision can follow.
func (s Status) Final() bool {
	return s == StatusApproved || s == StatusFiled || s == StatusRejected
}

// Role is who acts on a filing.
type Role string

// Roles.
const (
	RoleUnit     Role = "unit"     // 项目建设单位（项目管理专员）
	RoleReviewer Role = "reviewer" // 数管局审核人员（受理、初审）
	RoleAdmin    Role = "admin"    // 数管局系统管理员
	// RoleAuditor reads and exports the security audit trail and nothing
	// else: no filing, no decision, no admin page.
	RoleAuditor Role = "auditor" // 安全审计员
	// The roles of the review steps a profile may name (see ReviewFlow)
	// besides RoleReviewer: the one who approves, and the departments
	// the bureau reviews jointly with (会同) in the expert round.
	RoleApprover Role = "approver" // 审批负责人（批复立项、备案）
	RoleFinance  Role = "finance"  // 财政部门·联审
	RoleNDRC     Role = "ndrc"     // 发展改革部门（联审；霍邱、六安的批复立项）
	RoleCrypto   Role = "crypto"   // 密码管理部门·联审
)

// Roles lists every role, the unit's first.
var Roles = []Role{RoleUnit, RoleReviewer, RoleApprover, RoleFinance, RoleNDRC, RoleCrypto, RoleAdmin, RoleAuditor}

// StepRoles are the roles a profile's review step may name.
var StepRoles = []Role{RoleReviewer, RoleApprover, RoleFinance, RoleNDRC, RoleCrypto}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// Bureau reports whether r is one of the bureau's roles: anyone who works
// in the review console, as opposed to a unit's clerk.
func (r Role) Bureau() bool { return r != RoleUnit && r != RoleAuditor && r.Valid() }

// Label returns the Chinese name of the role.
func (r Role) Label() string {
	switch r {
	case RoleUnit:
		return "建设单位"
	case RoleReviewer:
		return "审核人员"
	case RoleAdmin:
		return "管理员"
	case RoleAuditor:
		return "审计员"
	case RoleApprover:
		return "审批负责人"
	case RoleFinance:
		return "财政部门·联审"
	case RoleNDRC:
		// It also takes 批复立项 (霍邱, 六安): not 联审 alone.
		return "发展改革部门"
	case RoleCrypto:
		return "密码管理部门·联审"
	}
	return string(r)
}

// JointLabel names a role at a joint review: 发展改革部门·联审.
func (r Role) JointLabel() string { return r.Department() + "·联审" }

// Department names a joint review's role without its step (财政部门 for
// 财政部门·联审), for a line that names the step itself: the inbox read
// "财政部门·联审联审同意". Other roles are their Label.
func (r Role) Department() string {
	switch r {
	case RoleFinance:
		return "财政部门"
	case RoleNDRC:
		return "发展改革部门"
	case RoleCrypto:
		return "密码管理部门"
	}
	return r.Label()
}

// Action moves a filing from one state to another.
type Action string

// The actions of the workflow.
const (
	ActionSubmit  Action = "submit"  // 提交（单位）
	ActionAccept  Action = "accept"  // 受理（数管局）
	ActionPass    Action = "pass"    // 初审通过，转专家论证
	ActionApprove Action = "approve" // 批复立项 / 审核通过
	ActionFile    Action = "file"    // 予以备案
	ActionReturn  Action = "return"  // 退回修改（须写明意见）
	ActionReject  Action = "reject"  // 不予立项（须写明理由）
	// ActionConcur is one department's assent in a joint review step
	// (联审): the filing stays where it is until every department of the
	// step has concurred, then the next step takes it.
	ActionConcur Action = "concur" // 联审同意
	// ActionWithdraw is the unit taking back a submission the bureau holds
	// but has not begun on (see StatusWithdrawn). A submission that never
	// left the unit's computer is withdrawn there and leaves no transition.
	ActionWithdraw Action = "withdraw" // 撤回（单位）
)

// Decisions lists the bureau's actions in the order a reviewer is offered them.
var Decisions = []Action{ActionAccept, ActionPass, ActionConcur, ActionApprove, ActionFile, ActionReturn, ActionReject}

// Label returns the Chinese name of the action as a button or a timeline shows it.
func (a Action) Label() string {
	switch a {
	case ActionSubmit:
		return "提交"
	case ActionAccept:
		return "受理"
	case ActionPass:
		return "初审通过"
	case ActionApprove:
		return "批复立项"
	case ActionFile:
		return "予以备案"
	case ActionReturn:
		return "退回修改"
	case ActionReject:
		return "不予立项"
	case ActionConcur:
		return "联审同意"
	case ActionWithdraw:
		return "撤回"
	}
	return string(a)
}

// LabelFor returns the name of the action on a filing of kind k, in that
// kind's terms. A declaration is approved as 批复立项 and rejected as 不予立项
// (Label's words); a later filing is no project to approve: a 备案 (go-live,
// filing after acceptance, O&M filing, performance report) is refused as
// 不予备案, an adjustment 不予同意调整 or approved as 批准调整, an acceptance
// application 验收不予通过 or 验收通过, a catalogue or trial report 不予通过 or
// 审核通过. Other actions and unknown kinds take Label's.
func (a Action) LabelFor(k Kind) string {
	switch a {
	case ActionReject:
		switch k {
		case KindAcceptance:
			return "验收不予通过"
		case KindAdjustment:
			return "不予同意调整"
		case KindGoLive, KindAcceptanceFiling, KindOMFiling, KindPerformance:
			return "不予备案"
		case KindCatalogue, KindTrialReport:
			return "不予通过"
		}
	case ActionApprove:
		switch k {
		case KindAcceptance:
			return "验收通过"
		case KindAdjustment:
			return "批准调整"
		case KindCatalogue, KindTrialReport, KindGoLive, KindAcceptanceFiling, KindOMFiling, KindPerformance:
			return "审核通过"
		}
	}
	return a.Label()
}

// LabelFor returns the name of state s of a filing of kind k: a rejected
// filing is named by its refusal (ActionReject.LabelFor), so a later
// filing refused is 不予备案, not 不予立项; an acceptance application
// approved 已通过验收, an adjustment 已批准调整, and the kinds approved with
// 审核通过 已审核通过, not 已批复 (立项); a later filing being reviewed
// 审核中, not a declaration's 初审中; the other states as Label.
func (s Status) LabelFor(k Kind) string {
	switch {
	case s == StatusRejected:
		return ActionReject.LabelFor(k)
	case s == StatusApproved && k == KindAcceptance:
		return "已通过验收"
	case s == StatusApproved && k == KindAdjustment:
		return "已批准调整"
	case s == StatusApproved && ActionApprove.LabelFor(k) == "审核通过":
		// A trial report the console passed with 审核通过 read 已批复 in
		// the client, a project's word (found in a 天宁 walkthrough).
		return "已审核通过"
	case s == StatusPreliminary && k != KindDeclaration && k != "":
		// 初审 is a declaration's stage (霍邱: 7–8 月 初审, then 专家论证):
		// a 运维备案 or 竣工验收申请 the bureau had taken read 初审中, as if
		// experts were to follow (a 霍邱 walkthrough).
		return "审核中"
	}
	return s.Label()
}

// Valid reports whether a is a known action.
func (a Action) Valid() bool {
	return a == ActionSubmit || a == ActionWithdraw || slices.Contains(Decisions, a)
}

type rule struct {
	action          Action
	role            Role
	from            []Status
	to              Status
	commentRequired bool
}

// rules is the whole state machine. Only the unit submits and withdraws
// (only before the bureau has begun: from submitted); which of the
// bureau's roles takes which bureau action is the profile's review flow's
// word (see Filing.Review), or, without one, the reviewer's and admin's.
// ActionConcur is no rule: it keeps the state, in a joint step only.
var rules = []rule{
	{ActionSubmit, RoleUnit, []Status{StatusDraft, StatusReturned, StatusWithdrawn}, StatusSubmitted, false},
	{ActionWithdraw, RoleUnit, []Status{StatusSubmitted}, StatusWithdrawn, false},
	{ActionAccept, RoleReviewer, []Status{StatusSubmitted}, StatusPreliminary, false},
	{ActionPass, RoleReviewer, []Status{StatusPreliminary}, StatusExpert, false},
	{ActionApprove, RoleReviewer, []Status{StatusPreliminary, StatusExpert}, StatusApproved, false},
	{ActionFile, RoleReviewer, []Status{StatusSubmitted, StatusPreliminary, StatusExpert}, StatusFiled, false},
	{ActionReturn, RoleReviewer, []Status{StatusSubmitted, StatusPreliminary, StatusExpert}, StatusReturned, true},
	{ActionReject, RoleReviewer, []Status{StatusSubmitted, StatusPreliminary, StatusExpert}, StatusRejected, true},
}

// Next returns the state a filing moves to when role takes action in state from.
// It fails with EFORBIDDEN when the role may not take the action (a unit
// deciding, the bureau submitting), and with EINVALID when the action is
// not possible from this state or a required comment is missing. Every
// bureau role is the reviewer here: which one takes a step is decided by
// the profile's review flow (see Filing.Review). It has no side effects.
func Next(from Status, role Role, action Action, comment string) (Status, error) {
	return NextAs(action.Label(), from, role, action, comment)
}

// NextAs is Next with the action named label in its messages: its name on
// the filing's kind under the profile (Profile.ActionLabel). A trial
// report's 不予通过 without a comment asked for "不予立项的理由" (found in a
// walkthrough of the console).
func NextAs(label string, from Status, role Role, action Action, comment string) (Status, error) {
	if role.Bureau() {
		role = RoleReviewer
	}
	for _, r := range rules {
		if r.action != action {
			continue
		}
		if r.role != role {
			return "", Errorf(EFORBIDDEN, "%s无权执行“%s”", role.Label(), label)
		}
		if !slices.Contains(r.from, from) {
			return "", Errorf(EINVALID, "材料当前为“%s”，不能执行“%s”", from.Label(), label)
		}
		if r.commentRequired && isBlank(comment) {
			return "", &Error{Code: EINVALID, Message: fmt.Sprintf("“%s”须写明意见", label),
				Fields: []FieldError{{Field: "comment", Message: commentNeeded(action, label)}}}
		}
		return r.to, nil
	}
	return "", Errorf(EINVALID, "未知的操作“%s”", action)
}

// Allowed returns the actions role may take on a filing in state s in the
// single-reviewer flow (a profile without review steps): every bureau
// action for a reviewer or admin, none for the other bureau roles.
func Allowed(s Status, role Role) []Action {
	if role == RoleAdmin {
		role = RoleReviewer
	}
	var out []Action
	for _, r := range rules {
		if r.role == role && slices.Contains(r.from, s) {
			out = append(out, r.action)
		}
	}
	return out
}

// Transition records one move of a filing: when, who, what, why and which
// revision it concerns.
type Transition struct {
	At             time.Time `json:"at"`
	Actor          string    `json:"actor"` // the account's display name
	Role           Role      `json:"role"`
	Action         Action    `json:"action"`
	From           Status    `json:"from"`
	To             Status    `json:"to"`
	Comment        string    `json:"comment,omitempty"`
	RevisionID     string    `json:"revision_id"`
	RevisionNumber int       `json:"revision_number"`
	// Step is the label of the profile's review step the decision was
	// taken at ("初审"), empty in the single-reviewer flow.
	Step string `json:"step,omitempty"`
	// Approved is the amount the bureau approved (核定) with 批复立项 or
	// 初审通过, in fen; 0 when the decision names none.
	Approved Money `json:"approved,omitempty"`
	// Remarks are the reviewer's remarks on single fields of the content
	// with 退回修改, by the field path Validate uses ("goals",
	// "contact.phone", "budget[2].amount").
	Remarks map[string]string `json:"remarks,omitempty"`
}

// Submit freezes the filing's current revision and moves it to submitted.
// It fails when the filing is not editable or its current revision was already
// submitted (a returned filing must be revised first, see Revise). It does not
// validate the content; callers check Validate first.
func (f *Filing) Submit(at time.Time, actor string) (Transition, error) {
	if f.Revision.Submitted() {
		return Transition{}, Errorf(EINVALID, "第 %d 版已提交过，请先修订为新版本再提交", f.Revision.Number)
	}
	t, err := f.apply(at, actor, RoleUnit, ActionSubmit, "")
	if err != nil {
		return Transition{}, err
	}
	f.Revision.SubmittedAt = at
	return t, nil
}

// Withdraw records the unit taking back its submission before the bureau
// has begun on it (受理), with the reason the unit gave, if any: the filing
// is the unit's to change again, as a new revision. It fails with EINVALID
// when the filing is not submitted (the bureau has begun, or decided), or
// when the reason is too long or not plain text.
func (f *Filing) Withdraw(at time.Time, actor, reason string) (Transition, error) {
	if msg := CheckString(reason, MaxWithdrawReason, false); msg != "" {
		return Transition{}, &Error{Code: EINVALID, Message: "撤回原因" + msg,
			Fields: []FieldError{{Field: "comment", Message: "撤回原因" + msg}}}
	}
	if f.Status != StatusSubmitted {
		return Transition{}, Errorf(EINVALID, "材料现为“%s”，只有数管局尚未受理（已提交）的材料才能撤回：如需修改，请联系数管局退回修改", f.Status.Label())
	}
	if c := Concurred(f.History, f.Status); len(c) > 0 {
		// a joint step at intake: a department has begun on it
		return Transition{}, Errorf(EINVALID, "%s已在办理这份材料，不能再撤回：如需修改，请联系数管局退回修改", c[0].Label())
	}
	return f.apply(at, actor, RoleUnit, ActionWithdraw, reason)
}

// Decide applies a bureau decision to the filing and records it, in the
// single-reviewer flow (see Review for a profile's steps, amounts and
// remarks).
func (f *Filing) Decide(at time.Time, actor string, role Role, action Action, comment string) (Transition, error) {
	return f.Review(nil, nil, at, actor, role, Decision{Action: action, Comment: comment})
}

func (f *Filing) apply(at time.Time, actor string, role Role, action Action, comment string) (Transition, error) {
	to, err := NextAs(action.LabelFor(f.Kind), f.Status, role, action, comment)
	if err != nil {
		return Transition{}, err
	}
	return f.record(Transition{At: at, Actor: actor, Role: role, Action: action, From: f.Status, To: to,
		Comment: comment, RevisionID: f.Revision.ID, RevisionNumber: f.Revision.Number}), nil
}

// record moves the filing as t says and appends t to its history.
func (f *Filing) record(t Transition) Transition {
	f.Status = t.To
	f.Updated = t.At
	f.History = append(f.History, t)
	return t
}

// Unchanged reports whether the content of f's revision being drafted is
// that of the revision it revises, whose submitted body hashed to baseHash
// (RevisionInfo.BodyHash): a returned filing about to be sent back as it
// was. False for a first revision or a body that cannot be encoded.
func (f *Filing) Unchanged(base Revision, baseHash string) bool {
	if f.Revision.BaseID == "" || f.Revision.BaseID != base.ID || baseHash == "" {
		return false
	}
	b := f.Body()
	b.Revision, b.RevisionID, b.BaseID = base.Number, base.ID, base.BaseID
	_, sum, err := b.Encode()
	return err == nil && sum == baseHash
}

// Revise starts a new revision of a returned (or withdrawn) filing, so that the submitted one
// stays as it was. newID is a UUID minted by the caller. Revising a filing whose
// current revision is still unsubmitted is a no-op.
func (f *Filing) Revise(newID string, at time.Time) error {
	if !f.Revision.Submitted() {
		return nil
	}
	if !f.Status.Reopened() {
		return Errorf(EINVALID, "只有退回修改或已撤回的材料才能修订（当前为“%s”）", f.Status.Label())
	}
	f.Revision = Revision{ID: newID, Number: f.Revision.Number + 1, BaseID: f.Revision.ID}
	f.Updated = at
	return nil
}

// commentNeeded says what the comment of action is to tell the unit: how
// to revise after 退回修改; why, after a decision that ends the filing
// (不予立项 said "需要怎样修改" of a filing that cannot be revised; found
// in a walkthrough).
func commentNeeded(action Action, label string) string {
	if action == ActionReturn {
		return fmt.Sprintf("请填写%s的意见，告诉建设单位需要怎样修改", label)
	}
	return fmt.Sprintf("请填写%s的理由，告诉建设单位为什么", label)
}
