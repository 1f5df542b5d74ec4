//go:build ci

package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"egovdesk/app"
	"egovdesk/app/apptest"
)

// listText returns the text of the labels the home list shows, one row's
// labels after another.
func listText(l fyne.CanvasObject) string {
	var b strings.Builder
	walkRendered(l, func(o fyne.CanvasObject) {
		if w, ok := o.(*widget.Label); ok && w.Text != "" {
			b.WriteString(w.Text + "\n")
		} else if p, ok := o.(*paragraph); ok && p.Text != "" {
			b.WriteString(p.Text + "\n")
		}
	})
	return b.String()
}

// 按项目分组: the home list shows each project's header with its next
// deadline, then its filings in the order of the project's life, as the
// dossier does; filings of no project come last; a header opens the
// project's dossier, a filing its editor. Unticked, the list is the
// filings again, newest first.
func TestHomeGroupsByProject(t *testing.T) {
	x := newScreens(t, "wuhan", nil)
	d := declared(t, x)
	now := x.u.Now()
	// 武汉 第二十条: a report before each year-end of the construction period.
	d.Declaration.PeriodStart, d.Declaration.PeriodEnd = fmt.Sprintf("%d-01", now.Year()), fmt.Sprintf("%d-12", now.Year()+1)
	x.store.put(d)
	later := func(k app.Kind, project string, fill func(f *app.Filing)) *app.Filing {
		f, err := app.NewFiling(k, newID(), newID(), "local", now.Add(-time.Duration(len(x.store.filings))*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		f.ProjectID = project
		if fill != nil {
			fill(f)
		}
		x.store.put(f)
		return f
	}
	// Created newest first, the reverse of the project's life.
	golive := later(app.KindGoLive, d.ID, func(f *app.Filing) { f.GoLive.ProjectName = d.Declaration.ProjectName })
	acc := later(app.KindAcceptance, d.ID, func(f *app.Filing) { f.Acceptance.ProjectName = d.Declaration.ProjectName })
	cat := later(app.KindCatalogue, d.ID, func(f *app.Filing) { f.Catalogue.Title = "养老服务数据目录" })
	stray := later(app.KindCatalogue, "", func(f *app.Filing) { f.Catalogue.Title = "未归属的目录" })
	other := later(app.KindDeclaration, "", func(f *app.Filing) { f.Declaration.ProjectName = "武汉市智慧停车平台" })

	x.u.ShowHome()
	h := x.u.home
	x.eventually(t, "the list", func() bool { return len(h.items) == 6 })
	if h.items[0].row == nil {
		t.Fatal("ungrouped, the list has a header")
	}
	test.Tap(h.group)
	want := []string{"group " + d.ID, d.ID, cat.ID, acc.ID, golive.ID, "group " + other.ID, other.ID, "group ", stray.ID}
	got := func() []string {
		var out []string
		for _, it := range h.items {
			if it.row != nil {
				out = append(out, it.row.ID)
			} else {
				out = append(out, "group "+it.group.project)
			}
		}
		return out
	}
	x.eventually(t, "the grouped list", func() bool { return strings.Join(got(), " ") == strings.Join(want, " ") })
	// Remembered: the next start's home list is grouped too.
	if again := newHomeScreen(x.u); !again.group.Checked {
		t.Errorf("按项目分组 is not remembered")
	}
	g := h.items[0].group
	if g.name != d.Declaration.ProjectName || g.count != 4 || g.next.ID != "performance_report" ||
		g.next.Due.Format("2006-01-02") != fmt.Sprintf("%d-12-31", now.Year()) {
		t.Errorf("the project's header: %+v", g)
	}
	h.list.Resize(fyne.NewSize(900, 800))
	txt := listText(h.list)
	for _, w := range []string{"项目：" + d.Declaration.ProjectName, "4 份材料 · 下一个期限：年度项目绩效评价报告，" + fmt.Sprintf("%d-12-31 前", now.Year()),
		"项目：武汉市智慧停车平台", "未归属项目的材料"} {
		if !strings.Contains(txt, w) {
			t.Errorf("the grouped list lacks %q:\n%s", w, txt)
		}
	}

	h.onSelected(0)
	x.eventually(t, "the dossier", func() bool { return x.u.dossier != nil && x.u.dossier.project == d.ID })
	x.u.ShowHome()
	x.eventually(t, "the grouped list again", func() bool { return strings.Join(got(), " ") == strings.Join(want, " ") })
	h.onSelected(3)
	x.eventually(t, "the acceptance's editor", func() bool { return x.u.editor != nil && x.u.editor.f.ID == acc.ID })

	x.u.ShowHome()
	test.Tap(h.group)
	x.eventually(t, "the list ungrouped", func() bool { return len(h.items) == 6 && h.items[0].row != nil && h.items[0].row.ID == golive.ID })
}

// A later filing the bureau refused is named by its refusal in the list
// (不予备案), not as a declaration's (不予立项).
func TestRowNamesARefusalInTheKindsTerms(t *testing.T) {
	test.NewTempApp(t)
	r := newRowView()
	r.set(app.FilingRow{ID: "g", Kind: app.KindGoLive, Status: app.StatusRejected, Title: "投入运行", RevisionNumber: 1}, nil, "")
	if !strings.Contains(r.meta.Text, "不予备案") || strings.Contains(r.meta.Text, "不予立项") {
		t.Errorf("a refused go-live: %q", r.meta.Text)
	}
	r.set(app.FilingRow{ID: "d", Kind: app.KindDeclaration, Status: app.StatusRejected, Title: "申报", RevisionNumber: 1}, nil, "")
	if !strings.Contains(r.meta.Text, "不予立项") {
		t.Errorf("a refused declaration: %q", r.meta.Text)
	}
}

// A deadline that is a window (武汉 第二十二条: the self-evaluation 12 to 24
// months after go-live) says when it opens while it is not open yet, then
// counts down to its end.
func TestDeadlineViewShowsAWindowNotOpenYet(t *testing.T) {
	test.NewTempApp(t)
	now := time.Date(2026, 12, 3, 9, 0, 0, 0, time.Local)
	d := app.Deadline{ID: "self_evaluation", Label: "绩效自评价报告报送",
		Opens: time.Date(2027, 11, 3, 0, 0, 0, 0, time.Local), Due: time.Date(2028, 11, 3, 0, 0, 0, 0, time.Local)}
	if got := textOf(deadlineView("数管局", d, now)); !strings.Contains(got, "2027-11-03 至 2028-11-03（335 天后开始）") {
		t.Errorf("before the window opens:\n%s", got)
	}
	if got := textOf(deadlineView("数管局", d, now.AddDate(1, 0, 1))); !strings.Contains(got, "截止 2028-11-03（还有 335 天）") {
		t.Errorf("in the window:\n%s", got)
	}
	// The last day is the due date itself: not past until the day after.
	for _, tc := range []struct {
		at   time.Time
		want string
	}{
		{time.Date(2028, 11, 2, 17, 0, 0, 0, time.Local), "截止 2028-11-03（还有 1 天）"},
		{time.Date(2028, 11, 3, 9, 0, 0, 0, time.Local), "截止 2028-11-03（今天截止）"},
		{time.Date(2028, 11, 3, 23, 59, 0, 0, time.Local), "截止 2028-11-03（今天截止）"},
		{time.Date(2028, 11, 4, 0, 0, 0, 0, time.Local), "截止 2028-11-03（已过期）"},
	} {
		if got := textOf(deadlineView("数管局", d, tc.at)); !strings.Contains(got, tc.want) {
			t.Errorf("at %v: %q, want %q", tc.at, got, tc.want)
		}
	}
	r := newRowView()
	r.set(app.FilingRow{ID: "a", Kind: app.KindAcceptance, Status: app.StatusApproved, Title: "验收", RevisionNumber: 1}, nil, "")
	if !strings.Contains(r.meta.Text, "已通过验收") {
		t.Errorf("an approved acceptance application: %q", r.meta.Text)
	}
}

// The search box keeps at least searchMin beside the filters, and goes to a
// line of its own above them when the window is narrower: half a 1920 px
// screen left it 65 px (found in the real window).
func TestSearchBoxGetsALineOfItsOwnWhenNarrow(t *testing.T) {
	test.NewTempApp(t)
	search := &widget.Entry{PlaceHolder: "搜索项目名称，如“智慧社区”"}
	filters := newFlow(widget.NewCheck("按项目分组", nil), widget.NewSelect([]string{"全部类型"}, nil),
		widget.NewSelect([]string{"全部状态"}, nil), widget.NewSelect([]string{"全部年度"}, nil))
	row := newBar(searchMin, 0, search, filters)
	f := fyne.NewSize(filters.Layout.(*flowLayout).natural(filters.Objects), filters.MinSize().Height)

	row.Resize(fyne.NewSize(searchMin+theme.Padding()+f.Width+100, row.MinSize().Height))
	if search.Position().Y != 0 || filters.Position().Y != 0 || search.Size().Width < searchMin {
		t.Errorf("wide: search at %v, %v wide; filters at %v", search.Position(), search.Size().Width, filters.Position())
	}
	oneLine := row.MinSize().Height

	narrow := f.Width + 40
	row.Resize(fyne.NewSize(narrow, oneLine))
	if search.Size().Width != narrow || filters.Position().Y < search.MinSize().Height {
		t.Errorf("narrow: search %v wide (want %v), filters at %v", search.Size().Width, narrow, filters.Position())
	}
	if h := row.MinSize().Height; h <= oneLine {
		t.Errorf("narrow: the row asks for %v, as on one line (%v)", h, oneLine)
	}
	if w := row.MinSize().Width; w > f.Width {
		t.Errorf("the row's minimum width %v keeps the window from narrowing to the filters' %v", w, f.Width)
	}
	// Narrower than the filters: they take two lines, inside the row.
	row.Resize(fyne.NewSize(f.Width*0.6, oneLine))
	row.Resize(fyne.NewSize(f.Width*0.6, row.MinSize().Height))
	last := filters.Objects[len(filters.Objects)-1]
	if last.Position().Y == 0 || last.Position().X+last.Size().Width > f.Width*0.6+0.5 {
		t.Errorf("narrower than the filters: the last at %v, %v wide, in a row %v wide", last.Position(), last.Size().Width, f.Width*0.6)
	}
	if w := row.MinSize().Width; w > f.Width*0.6 {
		t.Errorf("the row's minimum width %v keeps the window from narrowing to %v", w, f.Width*0.6)
	}
}

// A 备案 project the bureau refused (武汉 第八条: under 50 万元) is 不予备案
// in the clerk's list, as the console names it; a project that is
// approved, refused, is 不予立项.
func TestListNamesAFiledProjectsRefusal(t *testing.T) {
	x := newScreens(t, "wuhan", nil)
	at := x.u.Now().AddDate(0, -1, 0)
	refused := func(id, name string, wan int64) {
		d, err := app.NewFiling(app.KindDeclaration, id, id+"-r1", "local", at)
		if err != nil {
			t.Fatal(err)
		}
		d.Declaration = apptest.Declaration()
		d.Declaration.ProjectName = name
		d.Declaration.TotalInvestment, d.Declaration.YearAmount = app.Wans(wan), app.Wans(wan)
		d.Declaration.Budget = d.Declaration.Budget[:1]
		d.Declaration.Budget[0].Amount = app.Wans(wan)
		d.Declaration.Funding = []app.Funding{{Kind: app.FundLocal, Amount: app.Wans(wan)}}
		if _, err := d.Submit(at, "陈晓"); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Decide(at.Add(time.Hour), "王审核", app.RoleReviewer, app.ActionReject, "不予支持"); err != nil {
			t.Fatal(err)
		}
		x.store.put(d)
	}
	refused("5d2b1a09-8f7e-4d6c-9b5a-0000000000a1", "武汉市小型平台", 38)
	refused("5d2b1a09-8f7e-4d6c-9b5a-0000000000b1", "武汉市大型平台", 560)
	x.u.ShowHome()
	h := x.u.home
	x.eventually(t, "the list", func() bool { return len(h.items) == 2 && len(h.routes) == 2 })
	h.list.Resize(fyne.NewSize(900, 400))
	txt := listText(h.list)
	for _, line := range strings.Split(txt, "\n") {
		if strings.Contains(line, "项目申报书") && !strings.Contains(line, "不予备案") && !strings.Contains(line, "不予立项") {
			t.Errorf("a refused declaration's row names no refusal: %q", line)
		}
	}
	if strings.Count(txt, "不予备案") != 1 || strings.Count(txt, "不予立项") != 1 {
		t.Errorf("the list names the 38 万元 (备案) and 560 万元 (审批) projects' refusals otherwise:\n%s", txt)
	}
	// Its editor says so too, and so does the inbox's entry and the
	// notification of the refusal.
	small := "5d2b1a09-8f7e-4d6c-9b5a-0000000000a1"
	x.u.OpenFiling(small)
	x.eventually(t, "the editor", func() bool { return x.u.editor != nil && x.u.editor.f.ID == small })
	if got := x.u.editor.status.Text; !strings.Contains(got, "不予备案") {
		t.Errorf("the refused 备案 project's editor: %q", got)
	}
	prof := x.u.link.Profile()
	m := app.Message{FilingID: small, FilingKind: app.KindDeclaration, FilingTitle: "武汉市小型平台",
		Decision: &app.Transition{Action: app.ActionReject, From: app.StatusSubmitted, To: app.StatusRejected}}
	if got := headline(prof, m, app.RouteFiling); !strings.HasSuffix(got, "不予备案") {
		t.Errorf("the inbox's entry: %q", got)
	}
	d := Decision{FilingID: small, FilingKind: app.KindDeclaration, FilingTitle: "武汉市小型平台", Revision: 1, Action: app.ActionReject, Route: app.RouteFiling}
	if got := d.headline(prof); !strings.HasSuffix(got, "不予备案") {
		t.Errorf("the notification: %q", got)
	}
	if routes := refusedRoutes(context.Background(), x.store, prof, []string{small, "5d2b1a09-8f7e-4d6c-9b5a-0000000000b1"}); routes[small] != app.RouteFiling || routes["5d2b1a09-8f7e-4d6c-9b5a-0000000000b1"] != app.RouteApproval {
		t.Errorf("the refused projects' routes: %v", routes)
	}
}
