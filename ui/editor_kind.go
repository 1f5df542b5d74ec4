package ui

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"egovdesk/app"
)

// kindBody is the part of the editor that differs by kind: it adds its
// sections to the editor, keeps the side panel and the live messages up to
// date and reveals a field path the sections alone cannot (a row of a
// virtualised list).
type kindBody interface {
	// side returns the panel on the right.
	side() fyne.CanvasObject
	// changed runs after every edit, once the editor checked the filing: it
	// may set e.live and add problems of its own to e.problems.
	changed(now time.Time)
	// reveal shows the row or tab holding field path, after its section is shown.
	reveal(path string)
	// attached runs after an attachment was added.
	attached()
	// material returns what a newly picked file is first offered as, ""
	// for no proposal.
	material() string
	// confirmation returns what the submit question says before asking,
	// "" for nothing.
	confirmation() string
}

// newKindBody returns the editor part of e's kind and builds its sections.
func newKindBody(e *editorScreen) kindBody {
	switch e.f.Kind {
	case app.KindDeclaration:
		return newDeclarationEditor(e)
	case app.KindCatalogue:
		return newCatalogueEditor(e)
	case app.KindTrialReport:
		return newTrialEditor(e)
	case app.KindAcceptance:
		return newAcceptanceEditor(e)
	default:
		return newLifecycleEditor(e)
	}
}

// addSection appends a section to the editor.
func (e *editorScreen) addSection(title string, roots []string, objs ...fyne.CanvasObject) {
	e.sections = append(e.sections, &section{title: title, roots: roots, content: container.NewVBox(objs...)})
}

// addFillSection appends a section that fills the middle with o (a
// virtualised list or tabs), without the scroll of the other sections.
func (e *editorScreen) addFillSection(title string, roots []string, o fyne.CanvasObject) {
	e.sections = append(e.sections, &section{title: title, roots: roots, content: container.NewStack(o), fill: true})
}

// NewFiling starts a new filing of kind k and opens it in its editor. The
// draft is stored at once, so it is in the list even if nothing is typed.
func (u *UI) NewFiling(k app.Kind) {
	if k == app.KindDeclaration {
		u.NewDeclaration()
		return
	}
	if slices.Contains(app.LifecycleKinds, k) {
		u.chooseProject(k) // a later filing starts from its project's dossier
		return
	}
	s := u.link.Session()
	if !s.Configured {
		u.show(newSetupScreen(u, true).object())
		return
	}
	f, err := app.NewFiling(k, newID(), newID(), s.UnitID, u.now())
	if err != nil {
		u.showError(err)
		return
	}
	switch k {
	case app.KindCatalogue:
		f.Catalogue.ProviderName = s.UnitName
		f.Catalogue.ProviderCode = s.creditCode()
	case app.KindTrialReport:
		f.TrialReport.UnitName = s.UnitName
	case app.KindAcceptance:
		f.Acceptance.UnitName = s.UnitName
		f.Acceptance.Contact.Person = s.Actor
		f.Acceptance.AppliedOn = u.now().Format("2006-01-02")
	}
	u.openEditor(f, true)
}

// newFilingMenu returns the items of the 新建 menu: one per kind, the
// later filings of a project after the first four.
func (u *UI) newFilingMenu() *fyne.Menu {
	var items []*fyne.MenuItem
	later := false // the separator before a project's later filings is in
	for _, k := range u.offeredKinds(app.AllKinds()) {
		if !later && slices.Contains(app.LifecycleKinds, k) {
			items = append(items, fyne.NewMenuItemSeparator())
			later = true
		}
		items = append(items, fyne.NewMenuItem(T("新建")+T(u.kindName(k)), func() { u.NewFiling(k) }))
	}
	return fyne.NewMenu("", items...)
}

// offeredKinds returns the kinds of kinds the profile in force takes
// (Profile.Accepts), all of them before a profile is known.
func (u *UI) offeredKinds(kinds []app.Kind) []app.Kind {
	prof := u.link.Profile()
	if prof == nil {
		return kinds
	}
	return slices.DeleteFunc(slices.Clone(kinds), func(k app.Kind) bool { return !prof.Accepts(k) })
}

// showNewMenu pops the 新建 menu up under the button that was tapped.
func (u *UI) showNewMenu(b *Button) {
	c := u.win.Canvas()
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(b).Add(fyne.NewPos(0, b.Size().Height))
	widget.ShowPopUpMenuAtPosition(u.newFilingMenu(), c, pos)
}

// projectChoice is a filing of the unit offered in a drop-down.
type projectChoice struct {
	id    string
	label string
}

// filingsOf returns the unit's filings of kind k as drop-down choices,
// newest first. The list is read from the local store on the Fyne thread,
// as opening a filing does.
func (e *editorScreen) filingsOf(k app.Kind) []projectChoice {
	rows, err := e.u.store.List(e.u.ctx, app.Query{Kind: k})
	if err != nil {
		fyne.LogError("list "+string(k), err)
		return nil
	}
	// A later filing refers to filings of its own project: the 竣工验收申请
	// offered another project's 试运行报告 under 选择本项目的试运行报告 (found
	// in a 天宁 walkthrough; the bureau refuses it once sent).
	// A unit has a few of them: each is read (a row does not say its
	// project).
	other := func(id string) bool {
		if k == app.KindDeclaration || e.f.ProjectID == "" {
			return false
		}
		f, err := e.u.store.Get(e.u.ctx, id)
		return err == nil && f.ProjectID != "" && f.ProjectID != e.f.ProjectID
	}
	var refused []string // their refusal is named by their route (不予备案)
	for _, r := range rows {
		if r.Kind == app.KindDeclaration && r.Status == app.StatusRejected {
			refused = append(refused, r.ID)
		}
	}
	routes := refusedRoutes(e.u.ctx, e.u.store, e.prof, refused)
	var out []projectChoice
	for _, r := range rows {
		if r.ID == e.f.ID || other(r.ID) {
			continue
		}
		title := shownTitle(e.prof, r.Kind, r.Title)
		if title == "" {
			title = T("（未命名）")
		}
		out = append(out, projectChoice{id: r.ID, label: Tf("%s（%d 年度 · %s）", title, r.PlanYear, e.prof.StatusOn(r.Status, r.Kind, routes[r.ID]))})
	}
	return out
}

// filingSelect edits a reference to another filing of kind k (the project
// a catalogue belongs to, the trial report of an acceptance application);
// set receives the chosen filing's ID.
func (e *editorScreen) filingSelect(k app.Kind, cur string, set func(id string)) *widget.Select {
	choices := e.filingsOf(k)
	opts := make([]string, len(choices))
	sel := &widget.Select{PlaceHolder: fmt.Sprintf(T("请选择%s"), T(e.u.kindName(k)))}
	for i, c := range choices {
		opts[i] = c.label
		if c.id == cur {
			sel.Selected = c.label
		}
	}
	if sel.Selected == "" && cur != "" {
		sel.Selected = T("（本机没有这份材料）")
	}
	sel.Options = opts
	sel.ExtendBaseWidget(sel)
	sel.OnChanged = func(string) {
		if i := sel.SelectedIndex(); i >= 0 && i < len(choices) {
			set(choices[i].id)
			e.edited()
		}
	}
	e.inputs = append(e.inputs, sel)
	return sel
}

// count edits a non-negative whole number (users, minutes, calls).
func (e *editorScreen) count(path, label, hint string, ptr *int64) fyne.CanvasObject {
	why := func(error) string { return T("请填写整数，不带单位，如 12") }
	in := parsedEntry(e, path, "", ptr, func(n int64) string { return strconv.FormatInt(n, 10) },
		app.ParseCount, why)
	return e.field(path, label, hint, in)
}

// percent edits a percentage with up to two decimals.
func (e *editorScreen) percent(path, label, hint string, ptr *app.BasisPoints) fyne.CanvasObject {
	format := func(b app.BasisPoints) string { return strings.TrimSuffix(b.String(), "%") }
	in := parsedEntry(e, path, T("如 99.95"), ptr, format, app.ParsePercent, errorText)
	return e.field(path, label, hint, in)
}

// trialMinMonths returns the profile's shortest trial period in months, or 0
// without a profile.
func (e *editorScreen) trialMinMonths() int {
	if e.prof == nil {
		return 0
	}
	return e.prof.TrialMinMonths
}
