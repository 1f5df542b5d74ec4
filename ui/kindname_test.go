//go:build ci

package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"egovdesk/app"
	"egovdesk/app/apptest"
	"egovdesk/assets"
)

// Under 郁南 the 竣工验收申请 is the 验收前置审核申请 of 第二十一条, and the
// bureau's approval 前置审核通过: the list, the editor's title and state,
// 新建材料 and the printed copy's name say so, not the kind's own words.
func TestYunanNamesTheAcceptanceApplicationAPreAcceptanceReview(t *testing.T) {
	x := newScreens(t, "yunan", nil)
	f, err := app.NewFiling(app.KindAcceptance, newID(), newID(), "local", x.u.Now())
	if err != nil {
		t.Fatal(err)
	}
	f.Acceptance.ProjectName = "郁南县智慧农业平台"
	f.Status = app.StatusApproved
	x.store.put(f)
	x.u.ShowHome()
	x.pump()
	shown := func() string {
		var b strings.Builder
		walkRendered(x.u.home.list, func(o fyne.CanvasObject) {
			if l, ok := o.(*widget.Label); ok {
				b.WriteString(l.Text + "\n")
			}
		})
		return b.String()
	}
	x.eventually(t, "the list", func() bool { return strings.Contains(shown(), "郁南县智慧农业平台") })
	list := shown()
	if !strings.Contains(list, "郁南县智慧农业平台验收前置审核申请") || !strings.Contains(list, "验收前置审核申请 · ") ||
		!strings.Contains(list, "已通过前置审核") || strings.Contains(list, "竣工验收") || strings.Contains(list, "已通过验收") {
		t.Errorf("the list reads:\n%s", list)
	}
	if kinds := strings.Join(x.u.home.kind.Options, "、"); !strings.Contains(kinds, "验收前置审核申请") || strings.Contains(kinds, "竣工验收申请") {
		t.Errorf("the kind filter offers %s", kinds)
	}
	var menu []string
	for _, it := range x.u.newFilingMenu().Items {
		menu = append(menu, it.Label)
	}
	if m := strings.Join(menu, "、"); !strings.Contains(m, "新建验收前置审核申请") || strings.Contains(m, "竣工验收申请") {
		t.Errorf("新建材料 offers %s", m)
	}
	x.u.OpenFiling(f.ID)
	x.pump()
	e := x.editor(t).e
	if got := e.title.Text + " / " + e.status.Text; got != "郁南县智慧农业平台验收前置审核申请 / 已通过前置审核 · 第 1 版" {
		t.Errorf("the editor's header reads %q", got)
	}
	if got := e.paperOptions().KindName; got != "验收前置审核申请" {
		t.Errorf("the printed copy names it %q", got)
	}
}

// Under 郁南 the 验收前置审核 is for a professional project under 立项审批
// (第二十一条): the application of a public project, or of one under 备案,
// says what the regulation has that project do instead; it was offered and
// taken without a word (found in a walkthrough).
func TestYunanPreAcceptanceReviewOnlyForItsProjects(t *testing.T) {
	x := newScreens(t, "yunan", nil)
	for _, c := range []struct {
		class app.Class
		total int64
		note  bool
	}{{app.ClassProfessional, 120, false}, {app.ClassPublic, 120, true}, {app.ClassProfessional, 30, true}} {
		d, err := app.NewFiling(app.KindDeclaration, newID(), newID(), "local", x.u.Now())
		if err != nil {
			t.Fatal(err)
		}
		d.Declaration = apptest.Declaration()
		d.Declaration.Class, d.Declaration.TotalInvestment = c.class, app.Wans(c.total)
		x.store.put(d)
		f, err := app.NewFiling(app.KindAcceptance, newID(), newID(), "local", x.u.Now())
		if err != nil {
			t.Fatal(err)
		}
		f.ProjectID = d.ID
		x.store.put(f)
		x.u.OpenFiling(f.ID)
		x.pump()
		panel := textOf(x.editor(t).acceptance().summary)
		if got := strings.Contains(panel, "验收前置审核只适用于立项审批的专业类项目"); got != c.note {
			t.Errorf("%s, %d 万元: the note shown %v, want %v:\n%s", c.class, c.total, got, c.note, panel)
		}
	}
}

// Under 郁南 a search for part of 验收前置审核申请 finds the applications,
// whose titles are kept with 竣工验收申请; a short term stays a search of
// the titles.
func TestSearchFindsAKindByTheRegulationsName(t *testing.T) {
	profs, err := app.LoadProfiles(assets.Profiles, "profiles")
	if err != nil {
		t.Fatal(err)
	}
	yunan := profs["yunan"]
	for _, c := range []struct {
		text string
		want app.Query
	}{
		{"前置审核", app.Query{Kind: app.KindAcceptance}},
		{"验收前置审核申请", app.Query{Kind: app.KindAcceptance}}, // the whole name: the kind, not a title search
		{"智慧农业 前置审核申请", app.Query{Kind: app.KindAcceptance, Text: "智慧农业"}},
		{"审核", app.Query{Text: "审核"}},
		{"竣工验收", app.Query{Text: "竣工验收"}},
		{"郁南县智慧农业平台验收前置审核申请", app.Query{Text: "郁南县智慧农业平台竣工验收申请"}}, // a title pasted whole
	} {
		if got := kindNamedIn(yunan, app.Query{Text: c.text}); got != c.want {
			t.Errorf("%q under 郁南: %+v, want %+v", c.text, got, c.want)
		}
		if got := kindNamedIn(profs["huoqiu"], app.Query{Text: c.text}); got != (app.Query{Text: c.text}) {
			t.Errorf("%q under 霍邱: %+v", c.text, got)
		}
	}
	if got := kindNamedIn(yunan, app.Query{Text: "前置审核", Kind: app.KindTrialReport}); got.Kind != app.KindTrialReport || got.Text != "前置审核" {
		t.Errorf("with another kind chosen: %+v", got)
	}
	if got := kindNamedIn(profs["tianning"], app.Query{Text: "智慧社区平台重大变更申请"}); got.Text != "智慧社区平台重大变更备案" {
		t.Errorf("天宁's major change application pasted whole: %+v", got)
	}
}
