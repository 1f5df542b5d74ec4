package app_test

import (
	"strings"
	"testing"

	"egovdesk/app"
	"egovdesk/app/paper"
)

// 郁南's 第二十一条 has a professional project reported to the bureau for
// 验收前置审核 before the unit organises its acceptance: there the
// 竣工验收申请 is named so, and the bureau's decisions on it as a review's,
// in titles (composed and stored with the kind's own label), the states
// and the decisions. Other profiles keep the kind's own names.
func TestProfileNamesAKindAsItsRegulation(t *testing.T) {
	// 武汉 第二十一条 has the bureau confirm (确认) that the acceptance may
	// be organised: the application is named so there.
	yunan, wuhan := loadProfile(t, "yunan"), loadProfile(t, "wuhan")
	f := &app.Filing{Kind: app.KindAcceptance, Acceptance: &app.Acceptance{ProjectName: "郁南县智慧农业平台"}}
	for _, c := range []struct {
		prof                                   *app.Profile
		name, title, approve, approved, reject string
	}{
		{yunan, "验收前置审核申请", "郁南县智慧农业平台验收前置审核申请", "前置审核通过", "已通过前置审核", "前置审核不予通过"},
		{wuhan, "验收前确认申请", "郁南县智慧农业平台验收前确认申请", "确认可组织验收", "已确认可组织验收", "不予确认"},
		{loadProfile(t, "tianning"), "竣工验收申请", "郁南县智慧农业平台竣工验收申请", "验收通过", "已通过验收", "验收不予通过"},
		{nil, "竣工验收申请", "郁南县智慧农业平台竣工验收申请", "验收通过", "已通过验收", "验收不予通过"},
	} {
		got := []string{c.prof.KindName(f.Kind), c.prof.ShownTitle(f.Kind, f.Title()), c.prof.ActionLabel(app.ActionApprove, f.Kind),
			c.prof.StatusLabel(app.StatusApproved, f.Kind), c.prof.ActionLabel(app.ActionReject, f.Kind), c.prof.StatusLabel(app.StatusRejected, f.Kind)}
		want := []string{c.name, c.title, c.approve, c.approved, c.reject, c.reject}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("%v:\n got %q\nwant %q", c.prof != nil, got, want)
		}
	}
	// The copy is saved under the regulation's name, and headed with it.
	if got := yunan.PrintName(f); got != "郁南县智慧农业平台验收前置审核申请-第0版" {
		t.Errorf("郁南's copy is saved as %q", got)
	}
	body := f.Body()
	doc, err := paper.Build(body, paper.Options{KindName: yunan.KindName(f.Kind)})
	if err != nil || doc.Name != "政务信息化项目验收前置审核申请" {
		t.Errorf("郁南's copy is headed %q (%v)", doc.Name, err)
	}
	// The other kinds, and other decisions, keep their names under 郁南.
	if got := yunan.KindName(app.KindTrialReport); got != "试运行报告" {
		t.Errorf("郁南's trial report is %q", got)
	}
	if got := yunan.ActionLabel(app.ActionReturn, app.KindAcceptance); got != app.ActionReturn.Label() {
		t.Errorf("郁南's return of an acceptance application is %q", got)
	}
	if got := yunan.ShownTitle(app.KindTrialReport, "郁南县智慧农业平台试运行报告"); got != "郁南县智慧农业平台试运行报告" {
		t.Errorf("a trial report's title reads %q", got)
	}
}

// A kind_names entry names a kind app knows, once, in at most 20
// characters, with its source; LoadProfile says which is wrong, in Chinese.
func TestProfileKindNamesChecked(t *testing.T) {
	for _, c := range []struct {
		entry map[string]any
		field string
	}{
		{map[string]any{"kind": "acceptence", "name": "验收前置审核申请", "source": "第二十一条"}, "kind_names[0].kind"},
		// a title names the type or year, not the kind: not renamed
		{map[string]any{"kind": "performance", "name": "绩效报告", "source": "第二十三条"}, "kind_names[0].kind"},
		{map[string]any{"kind": "trial_report", "name": "试运行报告", "review_only": true, "source": "第二十一条"}, "kind_names[0].review_only"},
		{map[string]any{"kind": "acceptance", "name": "验收前置审核申请", "source": "第二十一条",
			"review_only_when": map[string]any{"fact": "class", "op": "=", "value": "professional"}}, "kind_names[0].review_only_when"},
		{map[string]any{"kind": "acceptance", "name": " ", "source": "第二十一条"}, "kind_names[0].name"},
		{map[string]any{"kind": "acceptance", "name": strings.Repeat("审", 21), "source": "第二十一条"}, "kind_names[0].name"},
		{map[string]any{"kind": "acceptance", "name": "验收前置审核申请", "approve": strings.Repeat("审", 21), "source": "第二十一条"}, "kind_names[0].approve"},
		{map[string]any{"kind": "acceptance", "name": "验收前置审核申请"}, "kind_names[0].source"},
		{map[string]any{"kind": "acceptance", "name": "验收前置审核申请", "source": "第二十一条",
			"when": map[string]any{"fact": "class", "op": "=", "value": "professional"}}, "kind_names[0].otherwise"},
		{map[string]any{"kind": "acceptance", "name": "验收前置审核申请", "source": "第二十一条", "otherwise": "……",
			"when": map[string]any{"fact": "klass", "op": "=", "value": "professional"}}, "kind_names[0].when.fact"},
	} {
		wantProblemAt(t, "kind_names", []any{c.entry}, c.field)
	}
	twice := mutate(t, func(p map[string]any) {
		e := map[string]any{"kind": "acceptance", "name": "验收前置审核申请", "source": "第二十一条"}
		p["kind_names"] = []any{e, e}
	})
	if _, err := app.LoadProfile("sample.json", twice); err == nil || !strings.Contains(err.Error(), "重复") {
		t.Errorf("a kind named twice: %v", err)
	}
}

// A state is named in its kind's terms: a later filing the bureau passed
// with 审核通过 is 已审核通过, not 已批复, a project's word (a trial report
// the console passed read 已批复 in the client; found in a 天宁 walkthrough).
func TestStateNamedInItsKindsTerms(t *testing.T) {
	for _, c := range []struct {
		k    app.Kind
		s    app.Status
		want string
	}{
		{app.KindDeclaration, app.StatusApproved, "已批复"},
		{app.KindTrialReport, app.StatusApproved, "已审核通过"},
		{app.KindCatalogue, app.StatusApproved, "已审核通过"},
		{app.KindAcceptance, app.StatusApproved, "已通过验收"},
		{app.KindAdjustment, app.StatusApproved, "已批准调整"},
		{app.KindTrialReport, app.StatusRejected, "不予通过"},
		{app.KindGoLive, app.StatusRejected, "不予备案"},
	} {
		if got := c.s.LabelFor(c.k); got != c.want {
			t.Errorf("%s %s: %q, want %q", c.k, c.s, got, c.want)
		}
	}
}

// An approval_opinion names known routes, topics with their words, and its
// source; LoadProfile says which is wrong.
func TestProfileApprovalOpinionChecked(t *testing.T) {
	topics := []any{map[string]any{"label": "密码应用", "terms": []any{"密码"}}}
	for _, c := range []struct {
		entry map[string]any
		field string
	}{
		{map[string]any{"routes": []any{"aproval"}, "covers": topics, "source": "第十三条"}, "approval_opinion.routes[0]"},
		{map[string]any{"covers": topics, "source": "第十三条"}, "approval_opinion.routes"},
		{map[string]any{"routes": []any{"approval"}, "source": "第十三条"}, "approval_opinion.covers"},
		{map[string]any{"routes": []any{"approval"}, "covers": []any{map[string]any{"label": "密码应用", "terms": []any{" "}}}, "source": "第十三条"}, "approval_opinion.covers[0].terms"},
		{map[string]any{"routes": []any{"approval"}, "covers": []any{map[string]any{"terms": []any{"密码"}}}, "source": "第十三条"}, "approval_opinion.covers[0].label"},
		{map[string]any{"routes": []any{"approval"}, "covers": topics}, "approval_opinion.source"},
	} {
		wantProblemAt(t, "approval_opinion", c.entry, c.field)
	}
}

// wantProblemAt loads the sample profile with key set to v and wants one
// problem, at field.
func wantProblemAt(t *testing.T, key string, v any, field string) {
	t.Helper()
	data := mutate(t, func(p map[string]any) { p[key] = v })
	_, err := app.LoadProfile("sample.json", data)
	var fields []string
	if e, ok := err.(*app.Error); ok {
		for _, fe := range e.Fields {
			fields = append(fields, fe.Field)
		}
	}
	if len(fields) != 1 || fields[0] != field {
		t.Errorf("%s %v: %v (fields %v), want a problem at %s", key, v, err, fields, field)
	}
}
