package app

import (
	"strings"
	"time"
)

// AcceptanceFiling files a project with the bureau after it passed
// acceptance (验收后备案): 天宁区 within 10 working days with the review
// opinion, tender documents, winning bid, contract and acceptance report
// (解读 三、（二）); 郁南县's 验收报告备案 (第二十一条); 武汉市's 备案 with
// the approving department (第二十一条). The materials come from the
// jurisdiction's rule profile (see Profile.FilingMaterials).
type AcceptanceFiling struct {
	ProjectName  string  `json:"project_name"`
	UnitName     string  `json:"unit_name"`
	ApprovalRef  string  `json:"approval_ref,omitempty"`  // 立项批复文号
	AcceptanceID string  `json:"acceptance_id,omitempty"` // 竣工验收申请的材料编号
	AcceptedOn   string  `json:"accepted_on"`             // 验收通过日期 YYYY-MM-DD
	Conclusion   string  `json:"conclusion"`              // 验收结论及专家意见摘要
	FiledOn      string  `json:"filed_on"`                // 报送日期 YYYY-MM-DD
	Contact      Contact `json:"contact"`
}

// Validate checks the filing before it is submitted and returns every
// problem at once as an EINVALID *Error, or nil: its own fields and each
// required material that is not attached (field "materials.<code>").
// required comes from the jurisdiction's rule profile. A filing later than
// the profile's deadline is not refused (it is still owed); the project's
// dossier shows it as late.
func (a *AcceptanceFiling) Validate(required []string, attachments []Attachment) error {
	var p Problems
	projectHead(&p, a.ProjectName, a.UnitName)
	acc, okAcc := parseCalDate(a.AcceptedOn)
	if !okAcc {
		dateProblem(&p, "accepted_on", a.AcceptedOn, "请填写验收通过日期（验收报告落款日期，如 2027-12-20）", "验收通过日期“%s”不是实际存在的日期，请按 年-月-日 改正（如 2027-12-20）")
	}
	filed, okFiled := parseCalDate(a.FiledOn)
	if !okFiled {
		dateProblem(&p, "filed_on", a.FiledOn, "请填写报送日期（如 2027-12-28）", "报送日期“%s”不是实际存在的日期，请按 年-月-日 改正（如 2027-12-28）")
	}
	if okAcc && okFiled && filed.before(acc) {
		p.Add("filed_on", "报送日期 %s 早于验收通过日期 %s：验收通过后才能备案，请核对", filed, acc)
	}
	if isBlank(a.Conclusion) {
		p.Add("conclusion", "请填写验收结论（通过/不通过）及专家意见摘要")
	}
	contactProblems(&p, a.Contact)
	missingMaterials(&p, required, nil, attachments, "备案材料")
	return p.Err()
}

// CheckAcceptedOn holds a 验收后备案's 验收通过日期 to the acceptance
// application it names, acc, of a project whose declaration is decl under
// prof. Where the unit organises the acceptance after the bureau's review
// (郁南's 前置审核, 武汉's 验收前确认: UnitAccepts) it passes after the bureau
// approved the application; elsewhere the acceptance is what the
// application is about, and passes after the unit sent it (the bureau may
// record its approval days after the 验收 meeting). A 天宁 clerk entered a
// date five weeks before the application was sent and neither side said so
// (found in a walkthrough). Nil for any other body, without acc, or while
// the date it is held to is not known. The first submission bounds it: an
// application returned and sent again may have been accepted in between.
func CheckAcceptedOn(body Body, acc *Filing, prof *Profile, decl *Declaration) Problems {
	a := body.AcceptanceFiling
	if a == nil || acc == nil || acc.Kind != KindAcceptance || acc.ID != a.AcceptanceID {
		return nil
	}
	on, okOn := parseCalDate(a.AcceptedOn)
	if !okOn {
		return nil
	}
	var p Problems
	if prof.UnitAccepts(decl) {
		if at, ok := decidedAt(acc.History, StatusApproved, StatusFiled); ok {
			if d := today(at.In(Beijing)); on.before(d) {
				p.Add("accepted_on", "验收通过日期 %s 早于%s通过所选申请的日期 %s：单位在%s审核通过后才组织验收，请核对", on, prof.BureauShort(), d, prof.BureauShort())
			}
		}
		return p
	}
	if at := FirstSubmission(acc.History); !at.IsZero() {
		if d := today(at.In(Beijing)); on.before(d) {
			p.Add("accepted_on", "验收通过日期 %s 早于所选竣工验收申请提交的日期 %s：请核对，填写验收报告落款日期", on, d)
		}
	}
	return p
}

// CheckAcceptanceReviewed holds a 验收后备案 of a project whose declaration
// is decl to the bureau's review where the unit organises its acceptance
// only after it (UnitAccepts: 郁南 第二十一条's 验收前置审核, 武汉 第二十一条's
// 验收前确认): it names the acceptance application, acc as the store holds
// it (nil when it holds none), and the bureau passed that application. A
// 郁南 专业类 project's 验收后备案 naming none was received and counted as its
// acceptance (a review of 郁南). Nil for any other body, a project the
// review is not for (KindNotFor) or one the store does not hold.
func CheckAcceptanceReviewed(body Body, acc *Filing, prof *Profile, decl *Declaration) Problems {
	a := body.AcceptanceFiling
	if a == nil || decl == nil || !prof.UnitAccepts(decl) || prof.KindNotFor(KindAcceptance, decl) != "" {
		return nil // a 郁南 备案 project is accepted without the review
	}
	var p Problems
	name, passed := prof.KindName(KindAcceptance), prof.StatusLabel(StatusApproved, KindAcceptance)
	switch id := strings.TrimSpace(a.AcceptanceID); {
	case id == "":
		p.Add("acceptance_id", "请选择本项目%s的%s：本地区规定，项目先经%s审核（确认），单位再组织验收并报送备案", passed, name, prof.BureauShort())
	case acc == nil || acc.Kind != KindAcceptance || acc.ID != id:
		p.Add("acceptance_id", "%s没有收到所选的%s：请先提交，经审核（确认）后再报送备案", prof.BureauShort(), name)
	case acc.ProjectID != "" && body.ProjectID != "" && acc.ProjectID != body.ProjectID:
		// the bureau looks it up in the unit: it could be another
		// project's (found in review)
		p.Add("acceptance_id", "所选的%s属于另一个项目：请选择本项目的%s", name, name)
	default:
		if _, ok := decidedAt(acc.History, StatusApproved, StatusFiled); !ok {
			p.Add("acceptance_id", "所选的%s还没有经%s审核（确认）通过：通过后才能组织验收并报送备案", name, prof.BureauShort())
		}
	}
	return p
}

// missingMaterials adds a problem for every material of required none of
// attachments is; additions are the codes that are the bureau's own
// addition, which the message says.
func missingMaterials(p *Problems, required, additions []string, attachments []Attachment, what string) {
	have := map[string]bool{}
	for _, a := range attachments {
		have[a.Material] = true
	}
	done := map[string]bool{}
	for _, code := range required {
		if have[code] || done[code] {
			continue
		}
		done[code] = true
		if contains(additions, code) {
			p.Add("materials."+code, "缺少%s“%s”（%s），请上传后再提交", what, MaterialLabel(code), AdditionNote)
		} else {
			p.Add("materials."+code, "缺少%s“%s”，请上传后再提交", what, MaterialLabel(code))
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// CheckOneAcceptance refuses a second acceptance application of a project
// while another is in the bureau's hands or once one passed: project are
// the project's filings as the bureau holds them (and those sent before it
// in the same batch). A 郁南 unit sent a second 验收前置审核申请 after the
// first had passed and the bureau received it (a review of 郁南). One
// refused (验收不通过) may be followed by a new one, and one returned or
// withdrawn is the unit's to send again or leave. Nil for any other body or
// one naming no project.
func CheckOneAcceptance(body Body, prof *Profile, project []*Filing) Problems {
	if body.Kind != KindAcceptance || body.ProjectID == "" {
		return nil
	}
	name := prof.KindName(KindAcceptance)
	var p Problems
	for _, f := range project {
		if f.Kind != KindAcceptance || f.ID == body.ID || f.ProjectID != body.ProjectID || !f.Status.Stands() {
			continue
		}
		sent := "" // （the day its current revision was sent）
		for _, t := range f.History {
			if t.Action == ActionSubmit {
				sent = "（" + today(t.At.In(Beijing)).String() + " 报送）"
			}
		}
		switch f.Status {
		case StatusApproved, StatusFiled:
			when := ""
			if at, ok := decidedAt(f.History, StatusApproved, StatusFiled); ok {
				when = today(at.In(Beijing)).String() + " "
			}
			p.Add("project_id", "本项目的%s已办结（%s%s）：不需再次申请，请勿重复报送", name, when, prof.StatusLabel(f.Status, KindAcceptance))
		case StatusSubmitted:
			p.Add("project_id", "本项目已有一份%s待%s受理%s：请勿重复报送；如需改正，请撤回那一份，修改后再报送", name, prof.BureauShort(), sent)
		case StatusPreliminary, StatusExpert:
			p.Add("project_id", "本项目已有一份%s在%s审核中%s：请等审核决定，不要重复报送；如需改正，请与%s联系", name, prof.BureauShort(), sent, prof.BureauShort())
		}
	}
	return p
}

// AcceptancesBefore returns the acceptance applications of the dossier's
// project that reached the bureau before filing id first did and are
// neither refused, returned nor withdrawn now: the one a second
// application repeats. The bureau refuses such a second one on receipt
// (CheckOneAcceptance); one received before that rule is said to the
// reviewer beside it (found in review).
func (ds Dossier) AcceptancesBefore(id string) []DossierEntry {
	var first time.Time
	for _, e := range ds.Entries {
		if e.FilingID == id {
			first = e.FirstSent
		}
	}
	if first.IsZero() {
		return nil
	}
	var out []DossierEntry
	for _, e := range ds.Entries {
		if e.Kind == KindAcceptance && e.FilingID != id && !e.FirstSent.IsZero() && e.FirstSent.Before(first) && e.Status.Stands() {
			out = append(out, e)
		}
	}
	return out
}
