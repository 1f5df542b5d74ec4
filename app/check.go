package app

import (
	"fmt"
	"maps"
	"slices"
	"strings"
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
//
// A kind app knows but the client does not offer yet (LifecycleKinds, see
// Kind.Offered) is refused with a problem on "kind", so a bureau that
// receives one answers 422 instead of storing what it cannot show; its
// rules are those of CheckProjectBody.
func CheckBody(b Body, prof *Profile, now time.Time) error {
	var p Problems
	if b.Kind.Valid() && !b.Kind.Offered() {
		p.Add("kind", "%s暂不受理“%s”：本版本尚未开通此类材料的报送", prof.BureauShort(), b.Kind.Label())
	}
	p = append(p, checkBody(b, prof, nil, now)...)
	if len(p) == 0 {
		return nil
	}
	return notSubmittable(p)
}

// CheckProjectBody is CheckBody for a filing of the project whose
// declaration is decl (nil when not at hand), for every kind app knows: a
// life-cycle filing is checked against the profile's lifecycle rule for it
// (refused when the profile has none), its materials and its timing (a
// self-evaluation before its window opens). Conditions of lifecycle rules
// are evaluated on decl; with decl nil the first rule of the kind applies,
// asking only for the materials every rule of the kind asks for.
func CheckProjectBody(b Body, prof *Profile, decl *Declaration, now time.Time) error {
	if p := checkBody(b, prof, decl, now); len(p) > 0 {
		return notSubmittable(p)
	}
	return nil
}

func checkBody(b Body, prof *Profile, decl *Declaration, now time.Time) Problems {
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
			a := prof.EvaluateSent(b.Declaration, now, b.FirstSent)
			asked := map[string]bool{}
			for _, e := range p {
				asked[e.Field] = true
			}
			for _, bl := range a.Blockers {
				if strings.HasPrefix(bl.ID, "section.") && asked[bl.Field] {
					// The declaration's own check asked for it already, and
					// says what it holds (请填写运维方案（运维范围、服务级别、
					// 费用来源）); the rules panel still names it in the
					// regulation's words (运维服务). A clerk counted 23
					// problems, five of them twice (缺少建设内容：请填写“建设内容”).
					continue
				}
				if bl.Addition {
					p.Add(bl.Field, "%s（%s）：%s", bl.Label, AdditionNote, bl.Fix)
				} else {
					p.Add(bl.Field, "%s：%s", bl.Label, bl.Fix)
				}
			}
			for _, m := range a.MissingMaterials(b.Attachments) {
				if m.Addition {
					p.Add("attachments", "缺少附件“%s”（%s），请上传后再提交", m.Label, AdditionNote)
				} else {
					p.Add("attachments", "缺少附件“%s”，请上传后再提交", m.Label)
				}
			}
		}
	case b.Catalogue != nil:
		add(b.Catalogue.Validate())
	case b.TrialReport != nil:
		add(b.TrialReport.Validate())
		// The report is of a trial that has ended: one dated ahead passed
		// the minimum and was filed, and its acceptance application was
		// then refused for a trial that had not ended.
		if e, ok := parseCalDate(b.TrialReport.TrialEnd); ok && today(now.In(Beijing)).before(e) {
			p.Add("trial_end", "试运行结束日期 %s 晚于今天（%s）：试运行报告在试运行结束后报送，请填写实际的结束日期", e, today(now.In(Beijing)))
		}
		if prof != nil && prof.TrialMinMonths > 0 {
			// The report is written once the trial has run its minimum; a
			// shorter trial cannot lead to an acceptance application.
			p = append(p, b.TrialReport.CheckDuration(prof.TrialMinMonths)...)
		}
	case b.Acceptance != nil:
		if prof != nil {
			add(b.Acceptance.validate(prof.AcceptanceMaterials, prof.AcceptanceAdditions, b.Attachments, prof.TrialMinMonths))
		} else {
			add(b.Acceptance.Validate(nil, b.Attachments, 0))
		}
	case b.GoLive != nil:
		add(b.GoLive.Validate(now))
		lifecycleRule(&p, prof, KindGoLive, "", decl, b.Attachments)
	case b.Adjustment != nil:
		add(b.Adjustment.Validate())
		if prof != nil {
			checkAdjustment(&p, prof, b.Adjustment, decl)
		}
	case b.AcceptanceFiling != nil:
		var required []string
		if r := lifecycleRule(&p, prof, KindAcceptanceFiling, "", decl, b.Attachments); r != nil {
			required = prof.FilingMaterials(r)
		}
		add(b.AcceptanceFiling.Validate(required, b.Attachments))
	case b.OMFiling != nil:
		add(b.OMFiling.Validate(now))
		lifecycleRule(&p, prof, KindOMFiling, "", decl, b.Attachments)
	case b.Performance != nil:
		add(b.Performance.Validate())
		if r := lifecycleRule(&p, prof, KindPerformance, string(b.Performance.Type), decl, b.Attachments); r != nil {
			checkPerformanceTiming(&p, prof, r, b.Performance, now)
		}
	default:
		p.Add("kind", "材料没有内容")
	}
	// An empty file is no material: two required ones named one file of 0
	// bytes and the filing was received (found from outside).
	for i, a := range b.Attachments {
		if a.Size == 0 {
			p.Add(fmt.Sprintf("attachments[%d]", i), "附件“%s”是空文件（0 字节）：请附上有内容的文件", clipText(a.Name, 60))
		}
	}
	return append(p, CheckText(b)...)
}

// lifecycleRule returns the profile's rule for a filing of kind k and type
// typ, adding a problem when it has none and prof is not nil; nil then.
func lifecycleRule(p *Problems, prof *Profile, k Kind, typ string, decl *Declaration, atts []Attachment) *LifecycleRule {
	if prof == nil {
		return nil
	}
	rules := prof.LifecycleRules(k, typ, decl)
	if len(rules) == 0 {
		switch {
		case TypeChoices(k) == nil:
			*p = append(*p, FieldErrors(prof.notAccepted(k, typ, "kind", decl))...)
		case !known(TypeChoices(k), typ):
			askType(p, prof, k, decl) // the body's own rules ask for the type
		default: // at the type's select, as Takes says it
			*p = append(*p, FieldErrors(prof.notAccepted(k, typ, "type", decl))...)
		}
		return nil
	}
	r := rules[0]
	if decl == nil && len(rules) > 1 {
		// Which rule applies depends on the project (郁南 第二十一条: the
		// route): without its declaration only what every rule asks for.
		common := prof.FilingMaterials(&r)
		for i := 1; i < len(rules); i++ {
			other := prof.FilingMaterials(&rules[i])
			common = slices.DeleteFunc(slices.Clone(common), func(c string) bool { return !contains(other, c) })
		}
		r.Materials = common
		if len(common) == 0 {
			r.Materials = []string{} // FilingMaterials must not fall back to the profile's list
		}
	}
	if len(prof.FilingMaterials(&r)) > 0 && k != KindAcceptanceFiling {
		missingMaterials(p, prof.FilingMaterials(&r), nil, atts, "材料")
	}
	return &r
}

// askType has the body's problem asking for the type of a filing of kind
// k name the types the profile takes of the project whose declaration is
// decl, or say why there are none. Validate's 请选择调整类型 named all four
// types, 项目调整 too, which 郁南 takes none of; its 请选择报告类型 both
// reports, of a 郁南 project under 10 万元 that files neither (found in
// review).
func askType(p *Problems, prof *Profile, k Kind, decl *Declaration) {
	i := slices.IndexFunc(*p, func(f FieldError) bool { return f.Field == "type" })
	if i < 0 {
		return
	}
	var q Problems
	ts := prof.TypesFor(k, decl)
	labels := List{Sep: "、"}
	for _, c := range ts {
		labels.Items = append(labels.Items, c.Label)
	}
	switch {
	case len(ts) == 0:
		q = FieldErrors(prof.notAccepted(k, "", "type", decl))
	case k == KindAdjustment:
		q.Add("type", "请选择调整类型（%s）", labels)
	default:
		q.Add("type", "请选择报告类型（%s）", labels)
	}
	(*p)[i] = q[0]
}

// checkAdjustment checks an adjustment against the profile: that it has a
// rule for its type and that a situation named is one the rule lists.
func checkAdjustment(p *Problems, prof *Profile, a *Adjustment, decl *Declaration) {
	if a.Type == "" {
		askType(p, prof, KindAdjustment, decl)
		return
	}
	if !known(AdjustTypeChoices, string(a.Type)) {
		return
	}
	rules := prof.LifecycleRules(KindAdjustment, string(a.Type), decl)
	if len(rules) == 0 {
		*p = append(*p, FieldErrors(prof.notAccepted(KindAdjustment, string(a.Type), "type", decl))...)
		return
	}
	if s := rules[0].SelfAdjust; s != nil && a.Situation != "" && !slices.ContainsFunc(s.Situations, func(x Situation) bool { return x.Code == a.Situation }) {
		p.Add("situation", "“%s”不是%s列出的可自行调整情形，请重新选择（不符合任何情形的留空，按重新报批处理）",
			clipText(strings.Map(printable, strings.ToValidUTF8(a.Situation, "?")), 40), s.Source)
	}
}

// checkPerformanceTiming refuses a report the profile's deadline does not
// allow yet: a self-evaluation before its window opens (武汉 第二十二条: 12
// months after go-live), counted from the date the report carries.
func checkPerformanceTiming(p *Problems, prof *Profile, r *LifecycleRule, rep *Performance, now time.Time) {
	dr := prof.deadlineRule(r.Deadline)
	if dr == nil || dr.OpensMonths == 0 {
		return
	}
	from, field, what := rep.GoLiveOn, "go_live_on", "投入运行日期"
	if dr.Anchor == AnchorAcceptance {
		from, field, what = rep.AcceptedOn, "accepted_on", "验收通过日期"
	} else if dr.Anchor != AnchorGoLive {
		return
	}
	at, ok := parseCalDate(from)
	if !ok {
		p.Add(field, "请填写%s：%s（%s）", what, dr.Rule, dr.Source)
		return
	}
	opens := at.addMonths(dr.OpensMonths)
	if today(now).before(opens) {
		p.Add(field, "%s自 %s 起才能开展（%s %s 后满 %d 个月，%s）", dr.Label, opens, what, at, dr.OpensMonths, dr.Source)
	}
}

// Check runs CheckBody on the filing's current content and adds a problem for
// every field whose typed text could not be read (Unparsed), in field order.
func (f *Filing) Check(prof *Profile, now time.Time) error {
	b := f.Body()
	b.FirstSent = FirstSubmitted(f)
	err := CheckBody(b, prof, now)
	if len(f.Unparsed) == 0 {
		return err
	}
	var p Problems
	for _, path := range slices.Sorted(maps.Keys(f.Unparsed)) {
		p.AddUnparsed(f.Kind, path, f.Unparsed[path])
	}
	// A field whose text cannot be read counts as not filled in: its
	// "请填写" and a table's total over it (明细比概算少…) would only say
	// again, worse, what the unread text says.
	for _, fe := range FieldErrors(err) {
		if !overUnparsed(fe.Field, f.Unparsed) {
			p = append(p, fe)
		}
	}
	return notSubmittable(p)
}

// overUnparsed reports whether field is one of the unparsed paths, or a
// table or a row holding one (budget or budget[2] over budget[2].amount).
// A table's total counts no quantity: an unread 数量 leaves it said.
func overUnparsed(field string, unparsed map[string]string) bool {
	if _, ok := unparsed[field]; ok {
		return true
	}
	for path := range unparsed {
		if strings.HasPrefix(path, field+"[") && !strings.HasSuffix(path, ".quantity") || strings.HasPrefix(path, field+".") {
			return true
		}
	}
	return false
}

// notSubmittable returns the EINVALID *Error of CheckBody and Check for p.
func notSubmittable(p Problems) error {
	return &Error{Code: EINVALID, Message: fmt.Sprintf("还有 %d 处需要修改才能提交", len(p)), Fields: p}
}
