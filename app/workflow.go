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
)

// Statuses lists every state in workflow order.
var Statuses = []Status{StatusDraft, StatusSubmitted, StatusPreliminary, StatusExpert,
	StatusApproved, StatusFiled, StatusReturned, StatusRejected}

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
	}
	return string(s)
}

// Valid reports whether s is a known state.
func (s Status) Valid() bool { return slices.Contains(Statuses, s) }

// Editable reports whether the unit may change a filing's content in this state.
func (s Status) Editable() bool { return s == StatusDraft || s == StatusReturned }

// Final reports whether no further decision can follow.
func (s Status) Final() bool {
	return s == StatusApproved || s == StatusFiled || s == StatusRejected
}

// Role is who acts on a filing.
type Role string

// Roles.
const (
	RoleUnit     Role = "unit"     // 项目建设单位（项目管理专员）
	RoleReviewer Role = "reviewer" // 数管局审核人员
	RoleAdmin    Role = "admin"    // 数管局系统管理员
)

// Label returns the Chinese name of the role.
func (r Role) Label() string {
	switch r {
	case RoleUnit:
		return "建设单位"
	case RoleReviewer:
		return "审核人员"
	case RoleAdmin:
		return "管理员"
	}
	return string(r)
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
)

// Decisions lists the bureau's actions in the order a reviewer is offered them.
var Decisions = []Action{ActionAccept, ActionPass, ActionApprove, ActionFile, ActionReturn, ActionReject}

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
	}
	return string(a)
}

// Valid reports whether a is a known action.
func (a Action) Valid() bool { return a == ActionSubmit || slices.Contains(Decisions, a) }

type rule struct {
	action          Action
	role            Role
	from            []Status
	to              Status
	commentRequired bool
}

// rules is the whole workflow. A reviewer and an admin of the bureau may take
// every bureau action; only the unit submits.
var rules = []rule{
	{ActionSubmit, RoleUnit, []Status{StatusDraft, StatusReturned}, StatusSubmitted, false},
	{ActionAccept, RoleReviewer, []Status{StatusSubmitted}, StatusPreliminary, false},
	{ActionPass, RoleReviewer, []Status{StatusPreliminary}, StatusExpert, false},
	{ActionApprove, RoleReviewer, []Status{StatusPreliminary, StatusExpert}, StatusApproved, false},
	{ActionFile, RoleReviewer, []Status{StatusSubmitted, StatusPreliminary, StatusExpert}, StatusFiled, false},
	{ActionReturn, RoleReviewer, []Status{StatusSubmitted, StatusPreliminary, StatusExpert}, StatusReturned, true},
	{ActionReject, RoleReviewer, []Status{StatusSubmitted, StatusPreliminary, StatusExpert}, StatusRejected, true},
}

// Next returns the state a filing moves to when role takes action in state from.
// It fails with EFORBIDDEN when the role may not take the action, and with
// EINVALID when the action is not possible from this state or a required
// comment is missing. It has no side effects.
func Next(from Status, role Role, action Action, comment string) (Status, error) {
	if role == RoleAdmin {
		role = RoleReviewer
	}
	for _, r := range rules {
		if r.action != action {
			continue
		}
		if r.role != role {
			return "", Errorf(EFORBIDDEN, "%s无权执行“%s”", role.Label(), action.Label())
		}
		if !slices.Contains(r.from, from) {
			return "", Errorf(EINVALID, "材料当前为“%s”，不能执行“%s”", from.Label(), action.Label())
		}
		if r.commentRequired && isBlank(comment) {
			return "", &Error{Code: EINVALID, Message: fmt.Sprintf("“%s”须写明意见", action.Label()),
				Fields: []FieldError{{Field: "comment", Message: fmt.Sprintf("请填写%s的意见，告诉建设单位需要怎样修改", action.Label())}}}
		}
		return r.to, nil
	}
	return "", Errorf(EINVALID, "未知的操作“%s”", action)
}

// Allowed returns the actions role may take on a filing in state s.
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
	// ApprovedInvestment is the investment an approval (批复) fixes (核定投资),
	// when the bureau gives one; 0 otherwise. A route measured against the
	// approved investment uses it from then on (see Profile.RouteFor).
	ApprovedInvestment Money `json:"approved_investment,omitempty"`
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

// Decide applies a bureau decision to the filing and records it.
func (f *Filing) Decide(at time.Time, actor string, role Role, action Action, comment string) (Transition, error) {
	if action == ActionSubmit {
		return Transition{}, Errorf(EINVALID, "提交须由建设单位进行")
	}
	return f.apply(at, actor, role, action, comment)
}

func (f *Filing) apply(at time.Time, actor string, role Role, action Action, comment string) (Transition, error) {
	to, err := Next(f.Status, role, action, comment)
	if err != nil {
		return Transition{}, err
	}
	t := Transition{At: at, Actor: actor, Role: role, Action: action, From: f.Status, To: to,
		Comment: comment, RevisionID: f.Revision.ID, RevisionNumber: f.Revision.Number}
	f.Status = to
	f.Updated = at
	f.History = append(f.History, t)
	return t, nil
}

// Revise starts a new revision of a returned filing, so that the submitted one
// stays as it was. newID is a UUID minted by the caller. Revising a filing whose
// current revision is still unsubmitted is a no-op.
func (f *Filing) Revise(newID string, at time.Time) error {
	if !f.Revision.Submitted() {
		return nil
	}
	if f.Status != StatusReturned {
		return Errorf(EINVALID, "只有退回修改的材料才能修订（当前为“%s”）", f.Status.Label())
	}
	f.Revision = Revision{ID: newID, Number: f.Revision.Number + 1, BaseID: f.Revision.ID}
	f.Updated = at
	return nil
}
