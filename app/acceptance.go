package app

import (
	"fmt"
	"strings"
)

// Acceptance is a completion acceptance application (竣工验收申请), filed
// after a trial operation of at least the jurisdiction's minimum, with the
// materials the jurisdiction requires attached to the filing.
type Acceptance struct {
	ProjectName    string `json:"project_name"`
	UnitName       string `json:"unit_name"`       // 建设单位
	ApprovalRef    string `json:"approval_ref"`    // 立项批复文号
	ContractAmount Money  `json:"contract_amount"` // 合同金额
	CompletedOn    string `json:"completed_on"`    // 建设完成日期 YYYY-MM-DD

	// The trial report this application rests on, with its period copied
	// (see CopyTrial) so the application can be checked on its own.
	TrialReportID string `json:"trial_report_id,omitempty"` // 试运行报告的材料编号
	TrialStart    string `json:"trial_start,omitempty"`     // YYYY-MM-DD
	TrialEnd      string `json:"trial_end,omitempty"`       // YYYY-MM-DD

	Summary   string  `json:"summary"`    // 建设内容完成情况
	AppliedOn string  `json:"applied_on"` // 申请日期 YYYY-MM-DD
	Contact   Contact `json:"contact"`
}

// ChecklistItem is one line of the acceptance materials checklist (验收材料清单).
type ChecklistItem struct {
	Material    string   `json:"material"` // material code, see Materials
	Label       string   `json:"label"`
	Required    bool     `json:"required"`
	Present     bool     `json:"present"`
	Attachments []string `json:"attachments,omitempty"` // names of the attached files
	// Linked is the ID of the filed filing that stands for the material:
	// the trial report the application names is the 试运行报告 (the
	// bureau checks that it holds it), "" otherwise.
	Linked string `json:"linked,omitempty"`
}

// MaterialTrialReport is the code of the 试运行报告 material, which the
// trial report an application names stands for (Checklist).
const MaterialTrialReport = "trial_report"

// CopyTrial points the application at trial report t, filed as id: it copies
// the trial period and, when still empty, the project and unit names.
func (a *Acceptance) CopyTrial(id string, t *TrialReport) {
	a.TrialReportID = id
	a.TrialStart, a.TrialEnd = t.TrialStart, t.TrialEnd
	if isBlank(a.ProjectName) {
		a.ProjectName = t.ProjectName
	}
	if isBlank(a.UnitName) {
		a.UnitName = t.UnitName
	}
}

// Checklist returns the materials checklist: first every required material
// (codes from the jurisdiction's rule profile, in its order), then any other
// material attached, in the order of Materials. Attachments without a
// material code are listed as "other". The trial report the application
// names is its 试运行报告 (Linked). It never fails.
func (a *Acceptance) Checklist(required []string, attachments []Attachment) []ChecklistItem {
	byMaterial := make(map[string][]string)
	var order []string
	for _, at := range attachments {
		code := strings.TrimSpace(at.Material)
		if code == "" {
			code = "other"
		}
		if _, ok := byMaterial[code]; !ok {
			order = append(order, code)
		}
		byMaterial[code] = append(byMaterial[code], at.Name)
	}
	var list []ChecklistItem
	listed := make(map[string]bool)
	add := func(code string, req bool) {
		if listed[code] {
			return
		}
		listed[code] = true
		names := byMaterial[code]
		it := ChecklistItem{Material: code, Label: MaterialLabel(code), Required: req, Present: len(names) > 0, Attachments: names}
		if code == MaterialTrialReport && strings.TrimSpace(a.TrialReportID) != "" {
			// The report filed through egovdesk is the material: the clerk
			// attached a PDF of what the bureau already held.
			it.Linked, it.Present = strings.TrimSpace(a.TrialReportID), true
		}
		list = append(list, it)
	}
	for _, code := range required {
		add(strings.TrimSpace(code), true)
	}
	for _, m := range Materials {
		if byMaterial[m.Code] != nil {
			add(m.Code, false)
		}
	}
	for _, code := range order { // unknown codes, in the order attached
		add(code, false)
	}
	return list
}

// Validate checks the application before it is submitted and returns every
// problem at once as an EINVALID *Error, or nil: its own fields, each
// required material that is not attached (field "materials.<code>"), and,
// when trialMinMonths > 0, a trial report reference and a trial period of at
// least trialMinMonths (see TrialReport.CheckDuration for the month rule).
// required and trialMinMonths come from the jurisdiction's rule profile.
func (a *Acceptance) Validate(required []string, attachments []Attachment, trialMinMonths int) error {
	return a.validate(required, nil, attachments, trialMinMonths)
}

// validate is Validate, additions being the codes of required that are the
// bureau's own addition, which the messages say.
func (a *Acceptance) validate(required, additions []string, attachments []Attachment, trialMinMonths int) error {
	var p Problems
	switch n := runeLen(strings.TrimSpace(a.ProjectName)); {
	case n == 0:
		p.Add("project_name", "请填写项目名称")
	case n > 100:
		p.Add("project_name", "项目名称不能超过 100 个字（现有 %d 个字）", n)
	}
	if isBlank(a.UnitName) {
		p.Add("unit_name", "请填写建设单位")
	}
	if isBlank(a.ApprovalRef) {
		p.Add("approval_ref", "请填写立项批复文号（立项批复文件上的文号，如 ××数管〔2026〕12号；备案的项目填写备案文号或备案回执编号）")
	}
	if a.ContractAmount <= 0 {
		p.Add("contract_amount", "请填写合同金额（万元），须大于 0")
	} else if a.ContractAmount > MaxAmount {
		p.Add("contract_amount", "合同金额不能超过 %s，请核对单位（万元）", MaxAmount)
	}
	if isBlank(a.Summary) {
		p.Add("summary", "请填写建设内容完成情况（对照批复和合同逐项说明）")
	}
	done, okDone := parseCalDate(a.CompletedOn)
	if !okDone {
		dateProblem(&p, "completed_on", a.CompletedOn, "请填写建设完成日期（如 2027-02-28）", "建设完成日期“%s”不是实际存在的日期，请按 年-月-日 改正（如 2027-02-28）")
	}
	applied, okApplied := parseCalDate(a.AppliedOn)
	if !okApplied {
		dateProblem(&p, "applied_on", a.AppliedOn, "请填写申请日期（如 2027-05-10）", "申请日期“%s”不是实际存在的日期，请按 年-月-日 改正（如 2027-05-10）")
	}
	if okDone && okApplied && applied.before(done) {
		p.Add("applied_on", "申请日期 %s 早于建设完成日期 %s，请核对", applied, done)
	}
	if isBlank(a.Contact.Person) {
		p.Add("contact.person", "请填写联系人")
	}
	if isBlank(a.Contact.Phone) {
		p.Add("contact.phone", "请填写联系电话")
	} else if !validPhone(a.Contact.Phone) {
		p.Add("contact.phone", "联系电话“%s”格式不正确：请填写手机号或带区号的座机号", a.Contact.Phone)
	}
	a.validateTrial(&p, applied, okApplied, trialMinMonths)
	for _, it := range a.Checklist(required, attachments) {
		switch {
		case it.Required && !it.Present && contains(additions, it.Material):
			p.Add("materials."+it.Material, "缺少验收材料“%s”（%s），请上传后再提交", it.Label, AdditionNote)
		case it.Required && !it.Present:
			p.Add("materials."+it.Material, "缺少验收材料“%s”，请上传后再提交", it.Label)
		}
	}
	return p.Err()
}

func (a *Acceptance) validateTrial(p *Problems, applied calDate, okApplied bool, minMonths int) {
	if minMonths > 0 && isBlank(a.TrialReportID) {
		p.Add("trial_report_id", "须先完成不少于 %d 个月的试运行并提交试运行报告，请选择对应的试运行报告", minMonths)
	}
	if minMonths > 0 {
		*p = append(*p, trialPeriodProblems(a.TrialStart, a.TrialEnd, minMonths)...)
	} else if !isBlank(a.TrialStart) || !isBlank(a.TrialEnd) {
		s, okS := parseCalDate(a.TrialStart)
		e, okE := parseCalDate(a.TrialEnd)
		switch {
		case !okS:
			p.Add("trial_start", "试运行开始日期“%s”格式不正确，应为 2027-03-01 这样的日期", a.TrialStart)
		case !okE:
			p.Add("trial_end", "试运行结束日期“%s”格式不正确，应为 2027-04-01 这样的日期", a.TrialEnd)
		case e.before(s):
			p.Add("trial_end", "试运行结束日期 %s 早于开始日期 %s，请改正", e, s)
		}
	}
	if e, ok := parseCalDate(a.TrialEnd); ok && okApplied && applied.before(e) {
		p.Add("applied_on", "申请日期 %s 早于试运行结束日期 %s：试运行结束后才能申请竣工验收", applied, e)
	}
}

// String returns the checklist line as a person reads it, e.g. "✓ 试运行报告（必需）".
func (c ChecklistItem) String() string {
	mark := "×"
	if c.Present {
		mark = "✓"
	}
	req := ""
	if c.Required {
		req = "（必需）"
	}
	return fmt.Sprintf("%s %s%s", mark, c.Label, req)
}
