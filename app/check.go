package app

import (
	"fmt"
	"maps"
	"slices"
	"time"
)

// CheckBody runs every content rule that decides whether b may be submitted
// to a bureau whose rule profile is prof: the body's own rules and, for a
// declaration, the profile's blockers and required materials; for a trial
// report, the profile's minimum trial period; for an acceptance application,
// the profile's required materials and minimum trial period; for every kind
// the text limits of CheckText. The client runs
// it offline before queueing a submission and the server runs it again on
// receipt, so both say the same thing.
//
// It returns nil, or an EINVALID *Error listing every problem at once (field
// paths as in Validate; blockers carry the field the profile names). prof may
// be nil when no profile is known yet; then only the body's own rules apply.
func CheckBody(b Body, prof *Profile, now time.Time) error {
	var p Problems
	add := func(err error) {
		if err == nil {
			return
		}
		if fe := FieldErrors(err); len(fe) > 0 {
			p = append(p, fe...)
			return
		}
		p = append(p, FieldError{Message: ErrorMessage(err)})
	}
	switch {
	case b.Declaration != nil:
		add(b.Declaration.Validate())
		if prof != nil {
			a := prof.Evaluate(b.Declaration, now)
			for _, bl := range a.Blockers {
				p.Add(bl.Field, "%s：%s", bl.Label, bl.Fix)
			}
			for _, m := range a.MissingMaterials(b.Attachments) {
				p.Add("attachments", "缺少附件“%s”，请上传后再提交", m.Label)
			}
		}
	case b.Catalogue != nil:
		add(b.Catalogue.Validate())
	case b.TrialReport != nil:
		add(b.TrialReport.Validate())
		if prof != nil && prof.TrialMinMonths > 0 {
			// The report is written once the trial has run its minimum; a
			// shorter trial cannot lead to an acceptance application.
			p = append(p, b.TrialReport.CheckDuration(prof.TrialMinMonths)...)
		}
	case b.Acceptance != nil:
		var required []string
		months := 0
		if prof != nil {
			required, months = prof.AcceptanceMaterials, prof.TrialMinMonths
		}
		add(b.Acceptance.Validate(required, b.Attachments, months))
	default:
		p.Add("kind", "材料没有内容")
	}
	p = append(p, CheckText(b)...)
	if len(p) == 0 {
		return nil
	}
	return notSubmittable(p)
}

// Check runs CheckBody on the filing's current content and adds a problem for
// every field whose typed text could not be read (Unparsed), in field order.
func (f *Filing) Check(prof *Profile, now time.Time) error {
	err := CheckBody(f.Body(), prof, now)
	if len(f.Unparsed) == 0 {
		return err
	}
	var p Problems
	for _, path := range slices.Sorted(maps.Keys(f.Unparsed)) {
		p.Add(path, "“%s”无法识别，请改正后再提交", f.Unparsed[path])
	}
	p = append(p, FieldErrors(err)...)
	return notSubmittable(p)
}

// notSubmittable returns the EINVALID *Error of CheckBody and Check for p.
func notSubmittable(p Problems) error {
	return &Error{Code: EINVALID, Message: fmt.Sprintf("还有 %d 处需要修改才能提交", len(p)), Fields: p}
}
