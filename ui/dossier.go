package ui

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"egovdesk/app"
)

// projectFilings reads every filing of project (its declaration's ID)
// from the local store: the declaration, the acceptance applications and
// the later filings the deadline anchors name, and the catalogues and
// trial reports whose document names it. It runs off the Fyne thread; the
// documents it decodes are those of one unit's catalogues and trial
// reports, read only when a project is opened, not on every refresh.
func projectFilings(ctx context.Context, s Store, project string) ([]*app.Filing, error) {
	anchors, err := s.Anchors(ctx)
	if err != nil {
		return nil, err
	}
	ids := []string{project}
	for _, a := range anchors {
		if a.Project != project || a.Kind == app.KindDeclaration {
			continue
		}
		if a.ID != "" {
			ids = append(ids, a.ID)
		}
	}
	var out []*app.Filing
	for _, k := range []app.Kind{app.KindCatalogue, app.KindTrialReport, app.KindAcceptance} {
		fs, err := ofProject(ctx, s, k, project, nil)
		if err != nil {
			return nil, err
		}
		out = append(out, fs...)
	}
	for _, id := range ids {
		f, err := s.Get(ctx, id)
		if err != nil {
			if app.ErrorCode(err) == app.ENOTFOUND {
				continue
			}
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

// ofProject reads the filings of kind k that name project, of those whose
// list row keep takes (nil: every one): a filing's project is in its
// document, not in its row, so each is read. It runs off the Fyne thread.
func ofProject(ctx context.Context, s Store, k app.Kind, project string, keep func(app.FilingRow) bool) ([]*app.Filing, error) {
	rows, err := s.List(ctx, app.Query{Kind: k})
	if err != nil {
		return nil, err
	}
	var out []*app.Filing
	for _, r := range rows {
		if keep != nil && !keep(r) {
			continue
		}
		f, err := s.Get(ctx, r.ID)
		if err != nil {
			return nil, err
		}
		if f.ProjectID == project {
			out = append(out, f)
		}
	}
	return out, nil
}

// NewForProject starts a filing of kind k for project (its declaration's
// ID), pre-filled with what the project's dossier knows (app.Prefill), and
// opens it in its editor. The project's filings are read off the Fyne
// thread.
func (u *UI) NewForProject(project string, k app.Kind) {
	s := u.link.Session()
	if !s.Configured {
		u.show(newSetupScreen(u, true).object())
		return
	}
	prof, now := u.link.Profile(), u.now()
	u.goWait(func(ctx context.Context) {
		fs, err := projectFilings(ctx, u.store, project)
		var f *app.Filing
		if err == nil {
			ds := prof.Dossier(project, fs, now)
			pre := ds.Prefill(fs, now.Location())
			if pre.UnitName == "" {
				pre.UnitName = s.UnitName
			}
			if pre.Contact.Person == "" {
				pre.Contact.Person = s.Actor
			}
			f, err = pre.NewFiling(k, newID(), newID(), s.UnitID, now)
			if err == nil && ds.Declaration != nil {
				prof.ChooseOnlyType(f, ds.Declaration.Declaration) // the one type the project's rules take
			}
		}
		u.do(func() {
			if err != nil {
				u.showError(err)
				return
			}
			u.openEditor(f, true)
		})
	})
}

// chooseProject asks which of the unit's projects a new filing of kind k
// (one of app.LifecycleKinds) is for, then starts it with NewForProject. A
// project not decided yet (app.CheckProjectDecided) or whose rules do not
// take kind k (app.Profile.ForProject) is marked so, as 为此项目新建… greys
// it, and choosing it says why instead of starting a filing the bureau
// refuses: the question offered a 郁南 公共类 project for a 项目调整, and
// drafts, without a word (found in review).
// The unit's declarations are read off the Fyne thread (a department
// files projects for years), each in full: what the question says of a
// project depends on its content and decisions.
func (u *UI) chooseProject(k app.Kind) {
	prof := u.link.Profile()
	u.goWait(func(ctx context.Context) {
		rows, err := u.store.List(ctx, app.Query{Kind: app.KindDeclaration})
		decls := make([]*app.Filing, len(rows))
		for i, r := range rows {
			if err != nil {
				break
			}
			if f, gerr := u.store.Get(ctx, r.ID); gerr == nil {
				decls[i] = f
			}
		}
		u.do(func() {
			if err != nil {
				u.showError(err)
				return
			}
			u.askProject(k, prof, rows, decls)
		})
	})
}

// askProject is chooseProject's question of the unit's declarations rows,
// as decls holds them (nil where one could not be read).
func (u *UI) askProject(k app.Kind, prof *app.Profile, rows []app.FilingRow, decls []*app.Filing) {
	if len(rows) == 0 {
		showMessage(T("新建")+T(u.kindName(k)), T("本机还没有项目申报书：请先新建或恢复项目申报书。"), u.win)
		return
	}
	why := make([]string, len(rows)) // "" for a project that takes k
	opts := make([]string, len(rows))
	for i, r := range rows {
		var decl *app.Declaration
		var history []app.Transition
		if f := decls[i]; f != nil {
			decl, history = f.Declaration, f.History
		}
		title := r.Title
		if title == "" {
			title = T("（未命名）")
		}
		// a refused 备案 is 不予备案, as the bureau and the list say (StatusOn)
		opts[i] = Tf("%s（%d 年度 · %s）", title, r.PlanYear, prof.StatusOn(r.Status, app.KindDeclaration, prof.DeclarationRoute(decl)))
		// as the editor will say, and the bureau on receipt (its copy of a
		// project under review may be behind the bureau's: not then)
		var p []app.FieldError
		if decl != nil && app.ProjectStateKnown(history) {
			p = app.CheckProjectDecided(app.Body{Kind: k}, prof, decl, history)
		}
		switch {
		case len(p) > 0:
			why[i] = fieldText(p[0])
			switch r.Status {
			case app.StatusRejected: // its state says it
			case app.StatusDraft:
				opts[i] += T("（尚未提交）")
			default:
				opts[i] += T("（尚未批复）")
			}
		case !prof.ForProject(k, decl):
			why[i] = T(prof.KindNotFor(k, decl))
			if why[i] == "" {
				why[i] = problemText(prof.Takes(k, "", decl))
			}
			opts[i] += T("（本项目不适用）")
		}
	}
	sel := widget.NewSelect(opts, nil)
	sel.SetSelectedIndex(max(slices.Index(why, ""), 0))
	for i, r := range rows { // a later filing is most often for an approved project
		if why[i] == "" && (r.Status == app.StatusApproved || r.Status == app.StatusFiled) {
			sel.SetSelectedIndex(i)
			break
		}
	}
	// As wide as a message dialog: the paragraph alone would let the
	// dialog shrink to the select's width and cut the project's name.
	newCustomConfirm(T("新建")+T(u.kindName(k)), T("新建"), T("取消"),
		container.NewStack(minWidth(messageWidth(u.win)), container.NewVBox(
			&paragraph{Text: T("这份材料属于哪个项目？项目名称、单位、批复文号、核定金额和日期将从项目档案带入。")}, sel)),
		func(ok bool) {
			i := sel.SelectedIndex()
			switch {
			case !ok || i < 0:
			case why[i] != "":
				showMessage(T("新建")+T(u.kindName(k)), why[i], u.win)
			default:
				u.NewForProject(rows[i].ID, k)
			}
		}, u.win).Show()
}

// projectHeld reports whether a project whose declaration is st, as this
// computer knows, and decl (nil when not at hand) is not decided (a draft,
// returned, withdrawn or refused) and so takes no later filing yet, as
// app.CheckProjectDecided holds it: not one its route leaves to the unit
// (郁南's 单位自行管理 under 10 万元), which the bureau takes later filings of
// undecided, and the menu held back.
func projectHeld(prof *app.Profile, st app.Status, decl *app.Declaration) bool {
	switch st {
	case app.StatusDraft, app.StatusReturned, app.StatusWithdrawn, app.StatusRejected:
		return decl == nil || prof.DeclarationRoute(decl) != app.RouteSelfManaged
	}
	return false
}

// projectMenu returns the items of 为此项目新建…: one per kind of a
// project's later filings, and the project's dossier. A project whose
// declaration is, as this computer knows, st and not decided (a draft,
// returned, withdrawn or refused: app.CheckProjectDecided) offers only its
// catalogue, and says why: the menu offered a 试运行报告 of a draft project,
// which the bureau refuses (seen in the real window). st "" is not known.
// A kind the profile does not take of the project as decl declares it
// (app.Profile.ForProject; nil when not at hand) is greyed and says so.
func (u *UI) projectMenu(project string, st app.Status, decl *app.Declaration) *fyne.Menu {
	items := []*fyne.MenuItem{fyne.NewMenuItem(T("查看项目档案"), func() { u.OpenDossier(project) }), fyne.NewMenuItemSeparator()}
	held := projectHeld(u.link.Profile(), st, decl)
	if held {
		items = append(items, &fyne.MenuItem{Label: T("项目批复（备案）后才能新建试运行报告等后续材料"), Disabled: true})
	}
	for _, k := range u.offeredKinds(slices.Concat([]app.Kind{app.KindCatalogue, app.KindTrialReport, app.KindAcceptance}, app.LifecycleKinds)) {
		it := fyne.NewMenuItem(T("新建")+T(u.kindName(k)), func() { u.NewForProject(project, k) })
		it.Disabled = held && k != app.KindCatalogue
		if !held && !u.link.Profile().ForProject(k, decl) {
			it.Label, it.Disabled = it.Label+T("（本项目不适用）"), true
		}
		items = append(items, it)
	}
	return fyne.NewMenu("", items...)
}

// projectButton returns the 为此项目新建… button of a declaration, whose
// state and content state returns when it is tapped ("" and nil when not
// known).
func (u *UI) projectButton(project string, state func() (app.Status, *app.Declaration)) *Button {
	b := newButton(&Button{Button: widget.Button{Text: T("为此项目新建…"), Icon: theme.ContentAddIcon()}})
	b.OnTapped = func() {
		c := u.win.Canvas()
		pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(b).Add(fyne.NewPos(0, b.Size().Height))
		st, decl := state()
		widget.ShowPopUpMenuAtPosition(u.projectMenu(project, st, decl), c, pos)
	}
	return b
}

// dossierScreen is one project's dossier (项目档案): every filing of the
// project in the order of its life with its state and the bureau's
// decisions, and the project's deadlines with the next one first.
type dossierScreen struct {
	u         *UI
	project   string
	title     *widget.Label
	state     *paragraph
	body      *fyne.Container
	obj       fyne.CanvasObject
	declState app.Status       // the state of the project's declaration as shown ("" before)
	decl      *app.Declaration // its content as shown, nil before
}

func newDossierScreen(u *UI, project string) *dossierScreen {
	d := &dossierScreen{u: u, project: project,
		title: &widget.Label{Text: T("正在读取…"), TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameSubHeadingText, Truncation: fyne.TextTruncateEllipsis},
		state: &paragraph{},
		body:  container.NewVBox()}
	back := newButton(&Button{Button: widget.Button{Text: T("返回列表"), Icon: theme.NavigateBackIcon(), OnTapped: u.ShowHome}})
	header := container.NewBorder(nil, nil, nil, container.NewVBox(container.NewHBox(back, u.projectButton(project, func() (app.Status, *app.Declaration) { return d.declState, d.decl }))), container.NewVBox(d.title, d.state))
	d.obj = container.NewBorder(container.NewVBox(header, widget.NewSeparator()), nil, nil, nil,
		container.NewVScroll(container.NewPadded(d.body)))
	return d
}

// OpenDossier shows the dossier of project (its declaration's ID).
func (u *UI) OpenDossier(project string) {
	u.leaveEditor()
	d := newDossierScreen(u, project)
	u.dossier = d
	u.show(d.obj)
	d.reload()
}

// reload reads the project's filings off the Fyne thread and shows them.
func (d *dossierScreen) reload() {
	u := d.u
	prof, now := u.link.Profile(), u.now()
	u.goWait(func(ctx context.Context) {
		fs, err := projectFilings(ctx, u.store, d.project)
		ds := prof.Dossier(d.project, fs, now)
		u.do(func() {
			if u.dossier != d {
				return // another screen was opened meanwhile
			}
			if err != nil {
				d.title.SetText(T("无法读取项目档案"))
				d.state.SetText(errorText(err))
				return
			}
			d.show(ds)
		})
	})
}

// show lays the dossier out: the next deadline, the filings in order and
// every deadline.
func (d *dossierScreen) show(ds app.Dossier) {
	name := ds.Name
	if name == "" {
		name = T("（未命名）")
	}
	d.title.SetText(T("项目档案：") + name)
	d.declState, d.decl = "", nil
	if ds.Declaration != nil {
		d.decl = ds.Declaration.Declaration
	}
	for _, e := range ds.Entries {
		if e.FilingID == d.project && e.Kind == app.KindDeclaration {
			d.declState = e.Status
		}
	}
	// The route on a line of its own, the amounts and dates under it: one
	// long line wrapped inside a date ("2026-11-" / "03").
	var lines, facts []string
	if ds.Route.Label != "" {
		lines = append(lines, T("审批路径：")+ds.Route.Label)
	}
	if ds.Approved > 0 {
		facts = append(facts, T("核定投资 ")+ds.Approved.String())
	}
	for _, ev := range []struct{ anchor, label string }{{app.AnchorApproval, "立项批复"}, {app.AnchorCompletion, "建设完成"},
		{app.AnchorGoLive, "投入运行"}, {app.AnchorAcceptance, "通过验收"}} {
		if t, ok := ds.Events[ev.anchor]; ok {
			facts = append(facts, T(ev.label)+" "+t.Format("2006-01-02"))
		}
	}
	if len(facts) > 0 {
		lines = append(lines, strings.Join(facts, " · "))
	}
	d.state.SetText(strings.Join(lines, "\n"))

	d.body.RemoveAll()
	if next, ok := ds.Next(); ok {
		imp := widget.WarningImportance
		if next.Overdue {
			imp = widget.DangerImportance
		}
		text := fmt.Sprintf(T("下一个期限：%s，%s 前"), next.Label, dueDate(next.Deadline))
		if next.Overdue {
			text = fmt.Sprintf(T("已逾期：%s，应于 %s 前"), next.Label, dueDate(next.Deadline))
		}
		d.body.Add(&paragraph{Text: text, Importance: imp, TextStyle: fyne.TextStyle{Bold: true}})
	}
	d.body.Add(heading(Tf("本项目的材料（%d 份）", len(ds.Entries))))
	route := ds.Route.Code // names a refusal of the declaration (不予备案 for a 备案 project)
	for _, e := range ds.Entries {
		id := e.FilingID
		title := shownTitle(d.u.link.Profile(), e.Kind, e.Title)
		if title == "" {
			title = T(d.u.kindName(e.Kind))
		}
		state := Tf("%s · 第 %d 版 · %s", d.u.kindName(e.Kind), e.Revision, d.u.link.Profile().StatusOn(e.Status, e.Kind, route))
		if !e.SubmittedAt.IsZero() {
			state += " · " + T("提交于 ") + e.SubmittedAt.Format("2006-01-02")
		}
		rows := []fyne.CanvasObject{newTapLabel(title, widget.HighImportance, func() { d.u.OpenFiling(id) }),
			&paragraph{Text: state, Importance: widget.LowImportance}}
		for _, t := range e.Decisions {
			// in the screen's language, but the reviewer's name and words
			// (the reviewer's name is no message to translate)
			line := t.At.Format("2006-01-02") + " " + t.Actor + Tf("（%s）%s", t.Role.Label(), d.u.link.Profile().ActionOn(t.Action, e.Kind, route))
			if t.Comment != "" {
				line += T("：") + t.Comment
			}
			// Indented as a block, so that a wrapped decision keeps the
			// indent on every line.
			rows = append(rows, container.New(layout.NewCustomPaddedLayout(0, 0, 2*theme.Padding(), 0), &paragraph{Text: line}))
		}
		d.body.Add(container.NewVBox(rows...))
		d.body.Add(widget.NewSeparator())
	}
	if len(ds.Deadlines) > 0 || !ds.Terminated.IsZero() {
		d.body.Add(heading(T("期限")))
	}
	if !ds.Terminated.IsZero() {
		// as the bureau's page says it: the deadlines not met are gone
		d.body.Add(&paragraph{Text: Tf("本项目已于 %s 报送项目终止：未完成的期限不再计算。", ds.Terminated.In(app.Beijing).Format("2006-01-02")), Importance: widget.LowImportance})
	}
	for _, dl := range ds.Deadlines {
		due := T("及时（无固定日期）")
		switch _, happened := ds.Events[dl.Anchor]; {
		case !dl.Known() && !happened && (dl.Anchor == app.AnchorGoLive || dl.Anchor == app.AnchorCompletion || dl.Anchor == app.AnchorAcceptance || dl.Anchor == app.AnchorApproval):
			// Counted from an event still ahead: 绩效自评价 read 及时（无固定日期）
			// before the go-live that starts its count (seen in the real
			// window; a 天宁 walkthrough saw it of the 验收后备案).
			due = Tf("自%s起算（尚未%s）", T(app.AnchorLabel(dl.Anchor)), T(app.AnchorLabel(dl.Anchor)))
		case dl.Met && dl.Known():
			due = dl.Due.Format("2006-01-02")
		case dl.Known():
			due = dueDate(dl.Deadline)
		}
		text := fmt.Sprintf("%s　%s", due, dl.Label)
		imp := widget.MediumImportance
		switch {
		case dl.Bureau:
			text += Tf("（%s办理的环节）", d.u.bureau()) // the bureau's step, neither met nor missed by the unit
		case dl.Met && dl.LateDays() > 0:
			// as the bureau's reviewer sees it beside the filing
			late := "（%s 完成，逾期 %d 天）"                             // by an act (组织验收)
			if dl.Kind != "" || dl.Anchor == app.AnchorPlanYear { // a filing, a declaration: as the console says
				late = "（%s 报送，逾期 %d 天）"
			}
			text, imp = "✓ "+text+Tf(late, dl.MetOn.In(dl.Due.Location()).Format("2006-01-02"), dl.LateDays()), widget.WarningImportance
		case dl.Met:
			text, imp = "✓ "+text+T("（已完成）"), widget.SuccessImportance
		case dl.Overdue:
			text, imp = "× "+text+T("（已逾期）"), widget.DangerImportance
		}
		if dl.Source != "" {
			text += "　" + dl.Source
		}
		if dl.Estimated() && !dl.Met {
			text += "\n" + Tf("尚未载入 %s 年的法定节假日安排，期限暂按周一至周五估算（不计节假日和调休），与实际期限可能不同。", yearList(dl.Unknown))
		}
		if !dl.Since.IsZero() {
			text += "\n" + Tf("本项目于 %s 首次通过本系统报送，此前各年度不在此计算；已线下报送的，无需补报。", dl.Since.Format("2006-01-02"))
		}
		d.body.Add(&paragraph{Text: text, Importance: imp})
	}
	d.body.Refresh()
}

// yearList names years as a list does: 2026、2027.
func yearList(ys []int) string {
	s := make([]string, len(ys))
	for i, y := range ys {
		s[i] = strconv.Itoa(y)
	}
	return strings.Join(s, T("、"))
}

// dueDate is a deadline's last day, marked when it was counted without
// its year's holidays (app.Deadline.Estimated).
func dueDate(d app.Deadline) string {
	s := d.Due.Format("2006-01-02")
	if d.Estimated() {
		s += T("（估算）")
	}
	if d.Planned != "" {
		// counted from the declared construction period's end until the
		// completion date is known (app.Deadline.Planned)
		s += Tf("（按建设周期 %s 结束推算）", d.Planned)
	}
	return s
}
