package ui

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"egovdesk/app"
)

// editorScreen is the declaration editor: the sections of the regulations
// on the left, the current section's fields in the middle and, on the right,
// what the rule profile makes of the declaration as it is typed. Every edit
// is stored by a saver within a second; there is no save button.
type editorScreen struct {
	u    *UI
	f    *app.Filing // the working copy, owned by the Fyne thread
	prof *app.Profile
	// project is the declaration of the project f names (projectID), as
	// projectFiling read it; nil when the store holds none.
	project   *app.Filing
	projectID string
	// siblings are the other acceptance applications of the project an
	// acceptance application or a 验收后备案 names (siblingsFor), sent or
	// decided, as acceptancesOf read them; nil for any other kind.
	siblings        []*app.Filing
	siblingsFor     string
	siblingsReading string // the project readSiblingsLater reads for (Fyne thread only)

	saver *saver

	// header
	title    *widget.Label
	status   *widget.Label
	send     *widget.Label
	sendWhy  *paragraph // why a submission is set aside, in full (it wraps)
	saved    *widget.Label
	banner   *fyne.Container
	submit   *Button
	revise   *Button
	retry    *Button
	withdraw *Button // 撤回提交: shown while the submission waits to be sent
	// withdrawal is what readState last learnt of 撤回提交
	withdrawal withdrawal
	// moved is when the header's buttons last moved by themselves (a
	// decision pulled, the send state changed): unsteady.
	moved time.Time
	// withdrawDlg is 撤回提交's confirmation while it is open.
	withdrawDlg *confirmDialog
	// stateBox is the header's bar, with the status, the send state and
	// 已自动保存: laid out again when their texts change (showState), the
	// bar wrapping to two lines if they no longer fit beside the buttons.
	stateBox *fyne.Container
	// withdrawReason is the reason typed for a withdrawal at the bureau
	// that did not go through, offered again on the next try.
	withdrawReason string
	// stateReading: a refreshStateLater read is under way; stateAgain: the
	// store changed meanwhile (both on the Fyne thread only)
	stateReading, stateAgain bool
	// submittedNote: the banner is a submitted revision's (showSubmittedNote)
	submittedNote bool
	sections      []*section
	current       int
	secList       *enterList
	form          *formScroll       // the middle column of ordinary sections
	body          *container.Scroll // form's scroll
	shown         *fyne.Container   // the ordinary section in body, under its heading
	marked        *canvas.Rectangle // the outline of where a link led in a read-only filing (mark)
	obj           fyne.CanvasObject

	// fields
	targets   map[string]fyne.CanvasObject // field path → the widget that edits it
	msgs      map[string]*paragraph        // field path → the message shown under it
	rowMsgs   map[*paragraph]bool          // the messages of table rows, hidden when empty
	addFor    map[*fyne.Container]*Button  // each table's add button, by its rows
	parseErrs map[string]string            // field path → why what was typed is not accepted
	inputs    []fyne.Disableable
	problems  []app.FieldError // of the last check
	checked   bool             // the clerk tried to submit: show problems at the fields
	loading   bool             // building widgets: ignore their change callbacks
	editable  bool
	// dynamic parts of sections
	budgetBox, fundingBox, moduleBox, scheduleBox, attachBox, checksBox *fyne.Container
	budgetHead, fundingHead                                             fyne.CanvasObject // the tables' column heads, hidden while they have no lines
	budgetSum, fundingSum                                               *paragraph
	checkIDs                                                            string

	// remarked holds, by field path, the bureau's remark shown under the
	// field (remarks.go).
	remarked map[string]*paragraph
	// In a revision after a return: the returned revision's body, where
	// its rows are now (app.RowMoves, nil when unknown), the box of the
	// remarks shown under the banner and the timer that reads the moves
	// again after an edit (remarks.go).
	remarkBase []byte
	rowMoves   map[string]string
	remarkBox  *fyne.Container
	movesTimer *time.Timer
	movesSeq   int // the last reading of the moves started (readMoves)

	dates map[*widget.Entry]func(string) (string, bool) // the date and month fields, with their reader (editorScreen.date, month)

	// the kinds
	kind  kindBody         // the declaration, catalogue, trial report or acceptance editor
	live  []app.FieldError // shown at the fields as the clerk types, before any submit
	left  map[string]bool  // fields the clerk left with something in them: their problems show
	fresh map[string]bool  // rows added since the last 检查并提交 ("funding[1]"): their blanks wait to be left
	// saveFailed: the last autosave failed (the bar is refreshed when it
	// fails and when it works again)
	saveFailed bool
	center     *fyne.Container   // holds body, or a section that fills the screen
	side       fyne.CanvasObject // the panel on the right
	sideScroll *container.Scroll // side's scroll
}

// section is one part of the declaration as the regulations order it.
type section struct {
	title   string
	roots   []string // field paths (their first element) that live here
	content *fyne.Container
	fill    bool // shown without the scroll, filling the screen (virtualised lists)
}

func newEditorScreen(u *UI, f *app.Filing) *editorScreen {
	e := &editorScreen{u: u, f: f, prof: u.link.Profile(),
		targets: map[string]fyne.CanvasObject{}, msgs: map[string]*paragraph{}, rowMsgs: map[*paragraph]bool{}, parseErrs: map[string]string{}}
	e.editable = f.Editable() && !f.Revision.Submitted()
	// An edit the disk refused before the clerk left this filing, still
	// waiting in the last editor's saver: this editor goes on from it.
	carried, keptAside := false, ""
	if old := u.takeSaver(f.ID); old != nil {
		if latest := old.take(); latest != nil && latest.Revision.ID == f.Revision.ID && e.editable {
			latest.Status, latest.History = f.Status, f.History
			e.f, f, carried = latest, latest, true
			keptAside = old.rescueOf // still to drop once stored
		} else if latest == nil {
			// The old saver may have stored the last edit while this
			// filing was being read: read it again, or the first
			// keystroke would save the older copy over it.
			if fresh, err := u.store.Get(u.ctx, f.ID); err == nil && fresh.Revision.ID == f.Revision.ID {
				e.f, f = fresh, fresh
			}
		}
	}
	rescued := false
	if !carried && e.editable {
		// An edit kept aside when the window last closed, which the
		// store could not take at this start (the disk still full).
		if r := u.store.PendingRescue(f.ID); r != nil && r.Revision.ID == f.Revision.ID {
			r.Status, r.History = f.Status, f.History
			e.f, f, carried, rescued = r, r, true, true
		}
	}
	e.saver = &saver{store: u.store, delay: u.delay, retry: u.retry, kick: make(chan struct{}, 1), saved: e.onSaved}
	if rescued {
		e.saver.rescueOf = f.ID // removed once stored
	} else if keptAside != "" {
		e.saver.rescueOf = keptAside
	}
	u.putSaver(f.ID, e.saver)
	sv := e.saver
	u.goWait(func(appCtx context.Context) {
		sv.run(appCtx) // beyond the editor: see saver.run
		u.dropSaver(f.ID, sv)
	})

	e.title = &widget.Label{TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameSubHeadingText, Truncation: fyne.TextTruncateEllipsis}
	e.status = &widget.Label{}
	e.send = &widget.Label{}
	e.sendWhy = &paragraph{Importance: widget.DangerImportance}
	e.sendWhy.Hide()
	e.saved = &widget.Label{Importance: widget.LowImportance}
	e.submit = newButton(&Button{Button: widget.Button{Text: T("检查并提交"), Icon: theme.ConfirmIcon(), Importance: widget.HighImportance, OnTapped: e.onSubmit}})
	e.revise = newButton(&Button{Button: widget.Button{Text: T("修改后重新提交"), Icon: theme.DocumentCreateIcon(), Importance: widget.HighImportance, OnTapped: e.onRevise}})
	e.retry = newButton(&Button{Button: widget.Button{Text: T("重新发送"), Icon: theme.MailSendIcon(), Importance: widget.WarningImportance, OnTapped: e.onRetry}})
	e.retry.Hide()
	e.withdraw = newButton(&Button{Button: widget.Button{Text: T("撤回提交"), Icon: theme.ContentUndoIcon(), OnTapped: e.onWithdraw}})
	e.withdraw.Hide()
	e.banner = container.NewVBox()
	timeline := newButton(&Button{Button: widget.Button{Text: T("进度与批复"), Icon: theme.HistoryIcon(), OnTapped: func() { u.OpenTimeline(f.ID) }}})
	back := newButton(&Button{Button: widget.Button{Text: T("返回列表"), Icon: theme.NavigateBackIcon(), OnTapped: u.ShowHome}})

	e.loading = true
	e.kind = newKindBody(e)
	side := e.kind.side()
	e.loading = false

	e.secList = &enterList{List: widget.List{
		Length:     func() int { return len(e.sections) },
		CreateItem: newNavRow,
		UpdateItem: func(i widget.ListItemID, o fyne.CanvasObject) { navRowLabel(o).SetText(e.sectionLabel(i)) },
		OnSelected: e.showSection,
	}}
	e.secList.ExtendBaseWidget(e.secList)
	e.form = newFormScroll(container.NewStack())
	e.body = e.form.Scroll
	left := container.New(navFit{list: &e.secList.List, n: func() int { return len(e.sections) }, set: new(float32)}, minWidth(170), e.secList)
	e.side = side
	right := container.NewVScroll(container.NewPadded(side)) // sideLayout sizes it
	e.sideScroll = right

	// 草稿 · 第 1 版 · 未提交: the send state in its own colour, spaced as
	// the dots inside the status are (the labels' inner padding cancelled).
	status := container.New(layout.NewCustomPaddedHBoxLayout(-2*theme.InnerPadding()), e.status, e.send)
	var saved fyne.CanvasObject = e.saved
	if e.editable {
		// The room 已自动保存 hh:mm:ss takes, kept when the line is empty:
		// its coming and going moved the header's buttons from one line
		// to two and back, under the clerk's pointer (found in English).
		w := fyne.MeasureText(T("已自动保存")+" 00:00:00", theme.TextSize(), e.saved.TextStyle).Width + 2*theme.InnerPadding()
		saved = container.NewStack(minWidth(w), e.saved)
	}
	state := container.NewHBox(status, saved)
	buttons := newFlow(back, timeline, e.printButtons(), e.withdraw, e.retry, e.revise, e.submit)
	switch { // dossier.go
	case f.Kind == app.KindDeclaration:
		buttons.Objects = append([]fyne.CanvasObject{u.projectButton(f.ID, func() (app.Status, *app.Declaration) { return e.f.Status, e.f.Declaration })}, buttons.Objects...)
	case f.ProjectID != "":
		dossier := newButton(&Button{Button: widget.Button{Text: T("项目档案"), Icon: theme.FolderOpenIcon(), OnTapped: func() { u.OpenDossier(f.ProjectID) }}})
		buttons.Objects = append([]fyne.CanvasObject{dossier}, buttons.Objects...)
	}
	steadyButtons(buttons, e.unsteady)
	top := newBar(headerTitleMin, 0, container.NewVBox(e.title, state), buttons)
	e.stateBox = top
	header := container.NewVBox(top, e.sendWhy, e.banner, widget.NewSeparator())
	e.center = container.NewStack(e.form)
	e.obj = container.NewBorder(header, nil, left, nil, container.New(sideLayout{}, container.NewPadded(e.center), right))

	e.loadRemarkBase()
	e.applyEditable()
	e.changedView()
	e.refreshState()
	e.secList.Select(0)
	if carried {
		e.saver.put(e.f)
		e.saved.SetText(T("正在保存…"))
	}
	return e
}

func (e *editorScreen) object() fyne.CanvasObject { return e.obj }

// forms returns the scrolling forms of the editor, for following the focus.
func (e *editorScreen) forms() []*formScroll {
	if k, ok := e.kind.(interface{ forms() []*formScroll }); ok {
		return append(k.forms(), e.form)
	}
	return []*formScroll{e.form}
}

// minWidth returns an invisible object that keeps a column at least w wide.
func minWidth(w float32) fyne.CanvasObject {
	r := canvas.NewRectangle(color.Transparent)
	r.SetMinSize(fyne.NewSize(w, 0))
	return r
}

func (e *editorScreen) decl() *app.Declaration { return e.f.Declaration }

// showSection shows section i in the middle.
func (e *editorScreen) showSection(i widget.ListItemID) {
	if i < 0 || i >= len(e.sections) {
		return
	}
	// Picked from the section list with the keyboard: the section's first
	// input takes it, instead of the next Tab going on to the toolbar.
	// Picked with the mouse while a field of the section shown had it: so
	// does the first input, as Tab went on from the hidden field and the
	// section it was in came back (found in the real window).
	c := e.u.win.Canvas()
	keyboard := c != nil && c.Focused() == fyne.Focusable(e.secList)
	if c != nil && c.Focused() != nil && i != e.current && e.current < len(e.sections) &&
		holds(e.sections[e.current].content, c.Focused()) {
		keyboard = true
	}
	e.current = i
	s := e.sections[i]
	if s.fill {
		e.setCenter(container.NewBorder(heading(T(s.title)), nil, nil, nil, s.content))
	} else {
		e.shown, e.marked = container.NewVBox(heading(T(s.title)), s.content), nil
		e.body.Content = roomForBar(e.shown)
		e.setCenter(e.form)
		e.body.ScrollToTop()
	}
	if keyboard {
		e.focusFirst(s.content)
	}
}

// holds reports whether f is o or in the containers under o.
func holds(o fyne.CanvasObject, f fyne.Focusable) bool {
	if fo, ok := f.(fyne.CanvasObject); ok && fo == o {
		return true
	}
	if c, ok := o.(*fyne.Container); ok {
		for _, ch := range c.Objects {
			if holds(ch, f) {
				return true
			}
		}
	}
	return false
}

// setCenter shows o in the middle, laid out at once at the middle's size.
func (e *editorScreen) setCenter(o fyne.CanvasObject) {
	e.center.Objects = []fyne.CanvasObject{o}
	o.Resize(e.center.Size())
	e.center.Refresh()
}

func (e *editorScreen) sectionLabel(i int) string {
	s := e.sections[i]
	n := 0
	if e.checked {
		for _, p := range e.problems {
			if e.sectionOf(p.Field) == i {
				n++
			}
		}
	}
	label := T(s.title)
	// A section with the reviewer's remarks on its fields, while they are
	// to be answered, is marked (remarkMark, which the banner explains):
	// the clerk opened every section to find them. A mark before the
	// title, as "审核意见 1" after it was cut off in the list's width.
	for path := range e.f.LastRemarks() {
		if e.sectionOf(path) == i {
			label = remarkMark + label
			break
		}
	}
	if n > 0 {
		label = fmt.Sprintf("%s  ⚠ %d", label, n)
	}
	return label
}

// added notes that row (as "funding[1]") was just added: after a
// 检查并提交 every blank showed red at once, a new funding row's
// "请选择类别" before the clerk had touched it (found in a clerk's
// walkthrough). Its fields' problems show once each is left, or at the
// next 检查并提交.
func (e *editorScreen) added(row string) {
	if e.fresh == nil {
		e.fresh = map[string]bool{}
	}
	e.fresh[row] = true
}

// freshRow reports whether field is of a row just added (added).
func (e *editorScreen) freshRow(field string) bool {
	for row := range e.fresh {
		if field == row || strings.HasPrefix(field, row+".") || strings.HasPrefix(field, row+"[") {
			return true
		}
	}
	return false
}

// remarkMark marks the sections with remarks to answer.
const remarkMark = "※ "

// rootOf returns the first element of a field path: "budget[2].amount" → "budget".
func rootOf(path string) string {
	if i := strings.IndexAny(path, ".["); i >= 0 {
		return path[:i]
	}
	return path
}

// sectionOf returns the index of the section holding field path; unknown
// paths go to the first section.
func (e *editorScreen) sectionOf(path string) int {
	root := rootOf(path)
	for i, s := range e.sections {
		for _, r := range s.roots {
			if r == root {
				return i
			}
		}
	}
	return 0
}

// lookup returns the entry of m for path or its closest parent path
// ("budget[2].amount", "budget[2]", "budget").
func lookup[V any](m map[string]V, path string) (V, bool) {
	for p := path; p != ""; {
		if v, ok := m[p]; ok {
			return v, true
		}
		i := strings.LastIndexAny(p, ".[")
		if i < 0 {
			break
		}
		p = p[:i]
	}
	var zero V
	return zero, false
}

// jump takes the clerk to field path: it shows its section, scrolls to the
// field and focuses it.
func (e *editorScreen) jump(path string) {
	i := e.sectionOf(path)
	e.secList.Select(i)
	e.showSection(i)
	e.kind.reveal(path)
	target, ok := lookup(e.targets, path)
	if !ok {
		return
	}
	if !e.sections[i].fill {
		if !e.editable {
			e.mark(target)
		}
		if !e.form.scrollTo(target, 40) {
			e.form.reveal(target)
		}
	}
	// The field may not have been drawn yet, so it has no canvas of its
	// own: focus it through the window's. A table's problem (投资明细,
	// 资金来源, 附件) focuses its first input, or its add button when empty.
	// A virtualised list's rows (a catalogue's items) are focused by the
	// kind's reveal, which knows the row: the list itself takes only arrows.
	if _, isList := target.(*widget.List); isList {
		return
	}
	if f := firstFocusable(target); f != nil && e.editable {
		focusAtEnd(e.u.win.Canvas(), f)
	}
}

// profileChanged checks the filing open under the profile the bureau now
// has (p): its route, obligations, materials, checklist and problems. An
// editor kept the profile it opened with, so a clerk typed against rules
// the bureau had replaced until they opened the filing again (found in the
// real window). Fields only another profile's rules read (legal_exception)
// appear or go when the filing is opened again.
func (e *editorScreen) profileChanged(p *app.Profile) {
	if p == e.prof {
		return
	}
	e.prof = p
	e.changedView()
}

// mark outlines target, in the section shown, until another section is
// shown: in a read-only filing a remark's link led to its field, which
// takes no keyboard to show it, and a clerk looking at a table of twenty
// budget lines could not tell which the remark was on.
func (e *editorScreen) mark(target fyne.CanvasObject) {
	if e.shown == nil {
		return
	}
	e.marked = canvas.NewRectangle(color.Transparent)
	e.marked.StrokeColor = theme.Color(theme.ColorNamePrimary)
	e.marked.StrokeWidth = 2
	e.marked.CornerRadius = theme.InputRadiusSize()
	layer := container.New(&markLayout{root: e.shown, target: target}, e.marked)
	e.body.Content = roomForBar(container.NewStack(e.shown, layer))
	e.body.Refresh()
}

// markLayout places its one object around target, wherever target is
// inside root after root is laid out (a resized window moves it), and
// hides it when target is not there.
type markLayout struct{ root, target fyne.CanvasObject }

func (l *markLayout) Layout(objs []fyne.CanvasObject, _ fyne.Size) {
	pos, ok := offsetIn(l.root, l.target)
	if !ok || !l.target.Visible() {
		objs[0].Hide()
		return
	}
	pad := theme.Padding()
	objs[0].Move(pos.SubtractXY(pad, pad))
	objs[0].Resize(l.target.Size().AddWidthHeight(2*pad, 2*pad))
	objs[0].Show()
}

func (l *markLayout) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.Size{} }

// edited is called after every change of the working copy: it updates the
// consequences and queues the autosave.
func (e *editorScreen) edited() {
	if e.loading || !e.editable {
		return
	}
	e.changedView()
	e.saver.put(e.f)
	e.saved.SetText(T("正在保存…"))
	e.rowsEdited()
}

// statusOf is f's status, "" for nil.
func statusOf(f *app.Filing) app.Status {
	if f == nil {
		return ""
	}
	return f.Status
}

// bureauChecks are the checks of what the bureau holds beside the filing:
// the unit it is made in the name of, the project it names.
func (e *editorScreen) bureauChecks() app.Problems {
	var p app.Problems
	if s := e.u.link.Session(); s.UnitID == e.f.UnitID {
		// the bureau refuses a filing in another unit's name: say so here
		p = append(p, app.CheckOwnUnit(e.f.Body(), e.prof, s.UnitName, s.UnitCode)...)
	}
	return append(p, e.projectDecided()...)
}

// projectFiling returns the declaration of the project f names as the
// store holds it, read once per link (on the Fyne thread, as opening a
// filing reads it) and again when a decision is pulled
// (refreshStateLater); nil when f names none or the store holds none.
func (e *editorScreen) projectFiling() *app.Filing {
	if id := e.f.ProjectID; e.projectID != id {
		e.project, e.projectID = nil, id
		if d, err := e.u.store.Get(e.u.ctx, id); id != "" && err == nil && d.Declaration != nil {
			e.project = d
		}
	}
	return e.project
}

// projectDecided checks, as the bureau will, that the project a later
// filing names was approved or filed (app.CheckProjectDecided): a trial
// report of a project still under review was sent and received; and that
// it dates no event of the project before the project's plan year
// (app.CheckProjectDates).
func (e *editorScreen) projectDecided() app.Problems {
	if e.f.Kind == app.KindDeclaration || e.f.Kind == app.KindCatalogue || e.projectFiling() == nil {
		return nil
	}
	body, decl, history := e.f.Body(), e.project.Declaration, e.project.History
	if !app.ProjectStateKnown(history) {
		return nil // under review: the bureau may have decided it since, and checks on receipt
	}
	p := app.CheckProject(body, e.prof, decl, history)
	if e.f.Kind == app.KindAcceptance || e.f.Kind == app.KindAcceptanceFiling { // a 验收后备案 says one still under review (pendingText)
		if e.siblingsFor != e.f.ProjectID { // once per link, read off the Fyne thread
			e.readSiblingsLater(e.f.ProjectID)
		} else if e.f.Kind == app.KindAcceptance {
			// as the bureau will refuse it: a clerk learned of a second
			// application only from the refusal (found in review)
			p = append(p, app.CheckOneAcceptance(body, e.prof, e.siblings)...)
		}
	}
	return p
}

// readSiblingsLater reads the other acceptance applications of project
// off the Fyne thread (a unit holds many) and checks the filing again
// with them; one read at a time.
func (e *editorScreen) readSiblingsLater(project string) {
	if e.siblingsReading == project {
		return
	}
	e.siblingsReading = project
	self := e.f.ID
	e.u.goWait(func(ctx context.Context) {
		siblings, err := acceptancesOf(ctx, e.u.store, project, self)
		e.u.do(func() {
			e.siblingsReading = ""
			if err != nil || e.u.editor != e || e.f.ProjectID != project {
				return
			}
			e.siblings, e.siblingsFor = siblings, project
			if e.editable {
				e.changedView()
			}
		})
	})
}

// acceptancesOf reads the acceptance applications of project other than
// self that stand at the bureau (those app.CheckOneAcceptance weighs): the
// list's rows say which, so drafts and returned ones are not read.
func acceptancesOf(ctx context.Context, s Store, project, self string) ([]*app.Filing, error) {
	return ofProject(ctx, s, app.KindAcceptance, project, func(r app.FilingRow) bool { return r.ID != self && r.Status.Stands() })
}

// explainUnread gives the problem of a text that could not be read the
// reason shown under its field (“12.3456789”小数位过多…): the list of problems
// said only 无法识别 (a 霍邱 walkthrough).
func (e *editorScreen) explainUnread() {
	for i, p := range e.problems {
		if why, ok := e.parseErrs[p.Field]; ok {
			var one app.Problems
			one.Add(p.Field, "%s：%s", remarkField(e.f.Kind, p.Field), why) // each name in the UI's language
			e.problems[i] = one[0]
		}
	}
}

// changedView recomputes the checks and the assessment and shows them.
func (e *editorScreen) changedView() {
	now := e.u.now()
	// The bureau's first: no filling in answers a project not approved
	// (it was listed last of 14 in the trial report's check).
	e.problems = append(e.bureauChecks(), app.FieldErrors(e.f.Check(e.prof, now))...)
	e.explainUnread()
	title := shownTitle(e.prof, e.f.Kind, e.f.Title())
	if title == "" {
		title = Tf("（未命名的%s）", e.u.kindName(e.f.Kind))
	}
	e.title.SetText(title)
	e.kind.changed(now)
	if e.sideScroll != nil {
		keepInContent(e.sideScroll)
	}
	e.showMessages()
	if e.secList != nil {
		e.secList.Refresh()
	}
}

// leave notes that the clerk left input o with something in it: its
// problems (a credit code of 5 digits, a telephone number of 3) show under
// it from then on, not only after 检查并提交. A field passed over blank says
// nothing until then.
func (e *editorScreen) leave(o fyne.Focusable) {
	if !e.editable {
		return
	}
	// A date written as people write it (2027/6/30, 2027年6月30日) is
	// put the way the filing keeps it: it was refused as "请填写".
	if in, ok := o.(*widget.Entry); ok {
		e.normalize(in)
	}
	filled := false
	switch v := o.(type) {
	case *widget.Entry:
		filled = strings.TrimSpace(v.Text) != ""
	case *textArea:
		filled = strings.TrimSpace(v.Text) != ""
	case *widget.Select:
		filled = v.Selected != ""
	}
	if !filled {
		return
	}
	for path, t := range e.targets {
		if f, ok := t.(fyne.Focusable); ok && f == o {
			if e.left == nil {
				e.left = map[string]bool{}
			}
			if !e.left[path] {
				e.left[path] = true
				e.showMessages()
			}
			return
		}
	}
}

// showMessages puts what is wrong under each field: what was typed and not
// accepted at once, the problems of a field the clerk left filled in, and
// all submission problems once the clerk tried to submit.
func (e *editorScreen) showMessages() {
	texts := map[*paragraph][]string{}
	seen := map[*paragraph]map[string]bool{}
	put := func(path, msg string) {
		l, ok := lookup(e.msgs, path)
		if !ok || seen[l][msg] {
			return
		}
		if seen[l] == nil {
			seen[l] = map[string]bool{}
		}
		seen[l][msg] = true
		texts[l] = append(texts[l], msg)
	}
	for path, msg := range e.parseErrs {
		put(path, msg)
	}
	for _, p := range e.live {
		put(p.Field, fieldText(p))
	}
	for _, p := range e.problems {
		if e.freshRow(p.Field) && !e.left[p.Field] {
			continue // a row just added is not red before the clerk has filled it in
		}
		if _, typed := e.parseErrs[p.Field]; !typed && (e.checked || e.left[p.Field]) { // typed: explained above
			put(p.Field, fieldText(p))
		}
	}
	for _, l := range e.msgs {
		t := strings.Join(texts[l], "\n")
		if t != l.Text {
			l.SetText(t) // a field's empty message keeps its room: see newMessage
		}
		if e.rowMsgs[l] && l.Visible() != (t != "") {
			l.Hidden = t == ""
			l.Refresh()
		}
	}
}

func (e *editorScreen) onSaved(at time.Time, err error) {
	e.u.do(func() {
		if failed := err != nil; failed != e.saveFailed {
			// The bar's disk warning is read when the bar is updated: it
			// still said "只剩 119 MB" while saving had stopped at 49 (found
			// in a clerk's walkthrough on a full disk).
			e.saveFailed = failed
			e.u.refresh()
		}
		if err != nil {
			text := T("自动保存失败：") + errorText(err)
			if errors.Is(err, app.ErrDiskFull) {
				// Briefly, beside the bar's disk warning: the whole message
				// wrapped the header and moved the fields under the pointer
				// (found in a clerk's walkthrough on a full disk).
				text = T("自动保存暂停：磁盘空间不足，内容仍在窗口中（见底部）")
			}
			e.saved.SetText(text)
			e.saved.Importance = widget.DangerImportance
		} else {
			e.saved.SetText(T("已自动保存") + " " + at.Local().Format("15:04:05"))
			e.saved.Importance = widget.LowImportance
		}
		e.saved.Refresh()
	})
}

// close ends the editor; its saver stores the last edit in the background
// (saver.detach).
func (e *editorScreen) close() {
	if e.movesTimer != nil {
		e.movesTimer.Stop()
	}
	e.saver.detach()
}

// applyEditable disables the fields of a submitted revision and explains why.
func (e *editorScreen) applyEditable() {
	for _, in := range e.inputs {
		if e.editable {
			in.Enable()
		} else {
			in.Disable()
		}
	}
	// A kind whose buttons depend on more than editing (删除资源 with no
	// resource to delete, which the loop above turned on) sets them again.
	if k, ok := e.kind.(interface{ afterEditable() }); ok {
		k.afterEditable()
	}

	e.banner.RemoveAll()
	e.submit.Hide()
	e.revise.Hide()
	e.submittedNote = false
	switch {
	case e.editable && e.f.Status == app.StatusWithdrawn:
		// Withdrawn while answering a return: that return's comment and
		// remarks still say what to fix.
		comment := ""
		if e.f.OpenReturn() != nil {
			comment = e.lastComment()
		}
		e.banner.Add(banner(theme.DocumentCreateIcon(), Tf("这是撤回后的修改版本：第 %d 版已从%s撤回，改完后点“检查并提交”重新报送。", e.f.Revision.Number-1, e.prof.BureauShort())+comment, widget.WarningImportance))
		if l := e.remarksElsewhere(); l != nil {
			e.banner.Add(l)
		}
		e.submit.Show()
	case e.editable && e.f.Status == app.StatusReturned:
		e.banner.Add(banner(theme.DocumentCreateIcon(), T("这是退回后的修改版本：改完后点“检查并提交”重新报送。")+e.lastComment(), widget.WarningImportance))
		if l := e.remarksElsewhere(); l != nil {
			e.banner.Add(l)
		}
		e.submit.Show()
	case e.editable:
		e.submit.Show()
	case e.f.Status == app.StatusWithdrawn:
		e.banner.Add(banner(theme.WarningIcon(), Tf("只读 · 第 %d 版已从%s撤回，这一版不再审核。点“修改后重新提交”接着修改。", e.f.Revision.Number, e.prof.BureauShort()), widget.WarningImportance))
		e.revise.Show()
	case e.f.Status == app.StatusReturned:
		e.banner.Add(banner(theme.WarningIcon(), Tf("只读 · %s已退回修改。", e.prof.BureauShort())+e.lastComment(), widget.WarningImportance))
		if l := e.remarksElsewhere(); l != nil {
			e.banner.Add(l)
		}
		e.revise.Show()
	case !e.f.Revision.Submitted() && e.f.Revision.Number > 1 && !e.f.Status.Final():
		// A draft revision on top of one the bureau is reviewing: kept when
		// another computer of the unit revised the filing first.
		e.banner.Add(banner(theme.WarningIcon(), Tf("只读 · 第 %d 版是本机的修改，%s没有接收，已保存为草稿：本单位另一台电脑先提交了第 %d 版，该版正在办理中。请在“进度与批复”中对照第 %d 版核对；退回修改后即可在此编辑并提交。",
			e.f.Revision.Number, e.prof.BureauShort(), e.f.Revision.Number-1, e.f.Revision.Number-1), widget.WarningImportance))
	case e.f.Status.Final():
		// 霍邱's 批复立项 is 县发改委's: the banner said the bureau's.
		who := e.prof.BureauShort()
		if n := len(e.f.History); n > 0 {
			if r := e.f.History[n-1].Role; r == app.RoleFinance || r == app.RoleNDRC || r == app.RoleCrypto {
				who = T(r.Department())
			}
		}
		text := Tf("只读 · %s已作出决定：%s。本材料不能再修改。", who, e.prof.StatusOn(e.f.Status, e.f.Kind, e.prof.RouteOf(e.f)))
		// With the decision's words, as a return's are: an approval said
		// only 已批复 while its conditions were in 进度与批复 alone (found
		// in a 天宁 walkthrough).
		if n := len(e.f.History); n > 0 && e.f.History[n-1].Comment != "" {
			t := e.f.History[n-1]
			text += "\n" + Tf("决定意见（%s）：%s", t.Actor, t.Comment)
		}
		e.banner.Add(banner(theme.InfoIcon(), text, widget.MediumImportance))
	default:
		// True whether or not it has reached the bureau yet (the send
		// state beside the title says which): offline, "数管局处理期间"
		// told of handling that had not begun.
		e.submittedNote = true
		e.showSubmittedNote()
	}
}

// showSubmittedNote shows the banner of a submitted revision as
// e.withdrawal has it: that it may still be taken back (撤回提交 shown),
// why it cannot (sent without an answer, on its way, needed by a filing
// queued after it), or, delivered, that it changes only once returned.
func (e *editorScreen) showSubmittedNote() {
	at := e.f.Revision.SubmittedAt.Local().Format("2006-01-02 15:04")
	text := Tf("只读 · 第 %d 版已于 %s 提交，提交后不能再修改；%s退回修改后可以再编辑。", e.f.Revision.Number, at, e.prof.BureauShort())
	switch w := e.withdrawal; {
	case w.ok:
		text = Tf("只读 · 第 %d 版已于 %s 提交，还没有送达%s：如需修改，可以点“撤回提交”收回。", e.f.Revision.Number, at, e.prof.BureauShort())
	case w.atBureau:
		text = Tf("只读 · 第 %d 版已于 %s 提交，已送达%s，等待受理：受理前如需修改，可以点“撤回提交”撤回。", e.f.Revision.Number, at, e.prof.BureauShort())
	case w.why != "":
		// Sent without an answer (it may have arrived), on its way now,
		// or needed by a filing queued after it: why it cannot be taken
		// back, instead of an invitation the button would refuse.
		text = Tf("只读 · 第 %d 版已于 %s 提交，不能再修改。", e.f.Revision.Number, at) + w.why
	}
	e.banner.RemoveAll()
	e.banner.Add(banner(theme.InfoIcon(), text, widget.MediumImportance))
}

// lastComment returns the reviewer's comment of the last return, quoted.
func (e *editorScreen) lastComment() string {
	for i := len(e.f.History) - 1; i >= 0; i-- {
		t := e.f.History[i]
		if t.To == app.StatusReturned && t.Comment != "" {
			c := fmt.Sprintf(T("审核意见（%s）：%s"), t.Actor, t.Comment)
			if len(e.f.LastRemarks()) > 0 {
				c += "\n" + T("左侧标 ※ 的部分有逐项审核意见。")
			}
			return c
		}
	}
	return ""
}

// readLinked reads filing id a filing links to (its project, the
// application a 验收后备案 names) for refreshStateLater: the filing when the
// store holds it and it is one (is), nil when it does not, and whether
// the read said either; a read that failed says nothing. id "" reads
// nothing.
func (e *editorScreen) readLinked(ctx context.Context, id string, is func(*app.Filing) bool) (*app.Filing, bool) {
	if id == "" {
		return nil, false
	}
	switch f, err := e.u.store.Get(ctx, id); {
	case err == nil:
		if is(f) {
			return f, true
		}
		return nil, true
	case app.ErrorCode(err) == app.ENOTFOUND:
		return nil, true // moved to the trash: nothing to hold the filing to
	}
	return nil, false
}

// refreshState shows the filing's workflow and send state. A decision that
// arrived while a read-only revision is open reopens it with the new state.
func (e *editorScreen) refreshState() {
	latest, send, w, err := e.readState(e.u.ctx)
	e.showState(latest, send, w, err)
}

// refreshStateLater is refreshState with the store read off the Fyne thread,
// for a store change: during a push the store changes many times a second.
//
// One read at a time: the reads of a burst of changes queued behind each
// other (each looks through the outbox for 撤回提交); one more read follows
// the one under way when changes came meanwhile.
func (e *editorScreen) refreshStateLater() {
	if e.stateReading {
		e.stateAgain = true
		return
	}
	e.stateReading = true
	project := e.projectID
	if e.project != nil && e.project.Status.Final() {
		project = "" // decided: nothing pulled changes it
	}
	// A 验收后备案's chosen acceptance application, which a decision pulled
	// may have passed: the editor said 还没有经数管局审核通过 until it was
	// opened again (found in review).
	accID := ""
	if le, ok := e.kind.(*lifecycleEditor); ok && le.accID != "" && (le.acc == nil || !le.acc.Status.Final()) {
		accID = le.accID
	}
	siblingsFor, self := e.siblingsFor, e.f.ID // an acceptance application's others, which a decision may have moved
	e.u.goWait(func(ctx context.Context) {
		latest, send, w, err := e.readState(ctx)
		decl, read := e.readLinked(ctx, project, func(d *app.Filing) bool { return d.Declaration != nil }) // the project's
		acc, accRead := e.readLinked(ctx, accID, func(*app.Filing) bool { return true })
		var siblings []*app.Filing
		siblingsErr := errors.New("not read")
		if siblingsFor != "" {
			siblings, siblingsErr = acceptancesOf(ctx, e.u.store, siblingsFor, self)
		}
		e.u.do(func() {
			e.stateReading = false
			if e.u.editor != e {
				return
			}
			changed := false
			if siblingsErr == nil && e.siblingsFor == siblingsFor && !slices.EqualFunc(siblings, e.siblings, func(a, b *app.Filing) bool {
				return a.ID == b.ID && a.Status == b.Status
			}) {
				e.siblings, changed = siblings, true
			}
			if read && e.projectID == project && statusOf(decl) != statusOf(e.project) {
				e.project = decl
				if le, ok := e.kind.(*lifecycleEditor); ok {
					le.readDeclaration() // its rules and 原批复概算 read the decisions too
				}
				changed = true
			}
			if le, ok := e.kind.(*lifecycleEditor); ok && accRead && le.accID == accID && statusOf(acc) != statusOf(le.acc) {
				le.acc, changed = acc, true
			}
			if changed && e.editable {
				e.changedView()
			}
			shape := e.headerShape()
			e.showState(latest, send, w, err)
			switch {
			case e.u.editor != e && e.u.editor != nil:
				// Reopened with the new state: at the place the clerk was
				// reading, not at the first section.
				e.u.editor.moved = time.Now()
				e.u.editor.keepPlace(e)
				e.withdrawOvertaken(e.u.editor.f)
			case e.headerShape() != shape:
				e.moved = time.Now()
			}
			if e.stateAgain && e.u.editor == e {
				e.stateAgain = false
				e.refreshStateLater()
			}
		})
	})
}

// keepPlace shows the section old showed, scrolled as it was, when the
// editor of the same filing opened again by itself (a decision arrived): a
// clerk reading 安全保障 of a submitted filing was put back at 基本信息.
func (e *editorScreen) keepPlace(old *editorScreen) {
	i := old.current
	if e.f.ID != old.f.ID || i <= 0 || i >= len(e.sections) || i >= len(old.sections) || e.sections[i].title != old.sections[i].title {
		return
	}
	e.secList.Select(i)
	if !e.sections[i].fill {
		e.body.ScrollToOffset(old.body.Offset)
	}
}

// settleTime is how long the header's buttons take no pointer's tap after
// they moved by themselves: a click aimed at 撤回提交 as the bureau's 受理
// arrived landed on 导出 Word, which had moved to where 撤回提交 was, and
// opened its dialog (found in a walkthrough). Browsers hold a permission
// prompt's buttons about as long for the same reason. A button a flow
// moves on the screen is held as long (noteMoves).
const settleTime = 600 * time.Millisecond

// unsteady is whether the header's buttons moved by themselves within
// settleTime.
func (e *editorScreen) unsteady() bool {
	return !e.moved.IsZero() && time.Since(e.moved) < settleTime
}

// headerShape is which of the header's buttons the send state shows or
// hides: when it changes, the buttons beside them move.
func (e *editorScreen) headerShape() [2]bool {
	return [2]bool{e.withdraw.Visible(), e.retry.Visible()}
}

// steadyButtons has every Button in o take no pointer's tap while moving
// says so.
func steadyButtons(o fyne.CanvasObject, moving func() bool) {
	switch o := o.(type) {
	case *Button:
		o.moving = moving
	case *fyne.Container:
		for _, c := range o.Objects {
			steadyButtons(c, moving)
		}
	}
}

// withdrawal is whether a submitted revision can be taken back now
// (撤回提交), and if not, why, as the clerk reads it ("" when it is not a
// question: delivered, or not submitted). atBureau is a delivered one the
// bureau has not begun on as far as this computer knows: the bureau is
// asked (Withdrawer).
type withdrawal struct {
	ok       bool
	why      string
	atBureau bool
}

// readState reads the filing's send state and, for a read-only revision,
// the filing as stored now (nil when it cannot be read), and for a
// submission not known to be delivered whether it can be withdrawn: one
// sent without an answer may have arrived (the store knows).
func (e *editorScreen) readState(ctx context.Context) (latest *app.Filing, send app.Send, w withdrawal, err error) {
	if !e.editable {
		latest, _ = e.u.store.Get(ctx, e.f.ID)
	}
	send, err = e.u.store.Send(ctx, e.f.ID)
	if err == nil && e.f.Status == app.StatusSubmitted && send.State == app.SendSent {
		// not once a department has concurred at an intake step: begun
		w.atBureau = e.u.withdrawer() != nil && len(app.Concurred(e.f.History, e.f.Status)) == 0
	} else if err == nil && e.f.Status == app.StatusSubmitted && send.State != app.SendNone {
		switch werr := e.u.store.Withdrawable(ctx, e.f.ID); {
		case werr == nil:
			w.ok = true
		case app.ErrorCode(werr) == app.EINVALID:
			w.why = e.u.named(errorText(werr))
		}
	}
	return latest, send, w, err
}

// showState shows the state read by readState. A decision that arrived
// while a read-only revision is open reopens it with the new state.
func (e *editorScreen) showState(latest *app.Filing, s app.Send, w withdrawal, err error) {
	if latest != nil && (latest.Status != e.f.Status || latest.Revision.ID != e.f.Revision.ID) {
		e.u.openEditor(latest, false)
		return
	}
	e.status.SetText(Tf("%s · 第 %d 版", e.prof.StatusOn(e.f.Status, e.f.Kind, e.prof.RouteOf(e.f)), e.f.Revision.Number))
	if err != nil {
		return
	}
	e.send.Importance = sendImportance(s)
	e.send.SetText("")
	if w := sendWord(s, e.f.Status); w != "" {
		e.send.SetText(" · " + w)
	}
	// A label's new text does not lay its container out again: a new
	// filing's · 未提交, set once it was first saved, was drawn under
	// 已自动保存 (found in a walkthrough).
	defer e.stateBox.Refresh()
	e.sendWhy.Hide()
	if s.Reason != "" && (s.State == app.SendQuarantined || s.State == app.SendFailed) && sendLabel(s) != sendLabel(app.Send{State: s.State}) {
		// Only when the reason says more than the state (in English an
		// untranslated reason gave the same line twice).
		// The state line keeps the short word; the reason, which can be
		// long, wraps on a line of its own: as one label it made the
		// window wider than the screen and pushed 重新发送 off it.
		e.send.SetText(" · " + sendLabel(app.Send{State: s.State}))
		e.sendWhy.Importance = sendImportance(s)
		e.sendWhy.SetText(sendLabel(s))
		e.sendWhy.Show()
	}
	if s.State == app.SendQuarantined {
		e.retry.Show()
	} else {
		e.retry.Hide()
	}
	// Not sent yet as far as this computer knows: the store said whether
	// it may have reached the bureau after all.
	if w == e.withdrawal {
		return
	}
	e.withdrawal = w
	if w.ok || w.atBureau {
		e.withdraw.Show()
	} else {
		e.withdraw.Hide()
	}
	if e.submittedNote {
		e.showSubmittedNote()
	}
}

// onWithdraw takes back a submission that has not reached the bureau, after
// the clerk confirms: the filing opens again as the draft (or returned
// filing) it was, with everything in it.
func (e *editorScreen) onWithdraw() {
	id, title, rev := e.f.ID, shownTitle(e.prof, e.f.Kind, e.f.Title()), e.f.Revision.Number
	if title == "" {
		title = T(e.u.kindName(e.f.Kind))
	}
	if e.withdrawal.atBureau {
		e.withdrawAtBureau(title, e.withdrawReason)
		return
	}
	msg := Tf("撤回“%s”第 %d 版的提交？", title, rev) + "\n\n" +
		Tf("这一版还没有送达%s。撤回后可以接着修改再提交，这一次不会送达。", e.prof.BureauShort())
	// Asked first: a submission sent without an answer may have arrived,
	// and the clerk is not asked to confirm what then cannot be done.
	e.withdrawStep(func(ctx context.Context) (*app.Filing, error) { return nil, e.u.store.CanWithdraw(ctx, id) }, func(*app.Filing) {
		newCustomConfirm(T("撤回提交"), T("撤回提交"), T("不撤回"), messageContent(msg, e.u.win), func(ok bool) {
			if !ok {
				return
			}
			e.withdrawStep(func(ctx context.Context) (*app.Filing, error) {
				if err := e.u.store.Withdraw(ctx, id, e.u.now()); err != nil {
					return nil, err
				}
				return e.u.store.Get(ctx, id)
			}, func(f *app.Filing) { e.u.openEditor(f, false) })
		}, e.u.win).Show()
	})
}

// withdrawAtBureau asks the bureau to take back a delivered submission it
// has not begun on, after the clerk confirms, with the reason the clerk
// types (reason: what was typed before, when the dialog comes back after a
// reason it refused). Once the bureau agrees, the filing opens as the next
// revision, ready to change.
func (e *editorScreen) withdrawAtBureau(title, reason string) {
	wd := e.u.withdrawer()
	if wd == nil {
		return
	}
	id, rev := e.f.ID, e.f.Revision.Number
	why := newTextArea(reason)
	why.Wrapping = wrapping()
	why.SetPlaceHolder(Tf("选填，%s审核人员可以看到（%d 字以内）", e.prof.BureauShort(), app.MaxWithdrawReason))
	why.SetMinRowsVisible(3)
	msg := Tf("向%s撤回“%s”第 %d 版？", e.prof.BureauShort(), title, rev) + "\n\n" +
		Tf("这一版已送达%s，还没有受理。撤回后不再审核这一版，可以修改后重新提交（作为下一版）。需要能连上%s；已受理的，不能再撤回。", e.prof.BureauShort(), e.prof.BureauShort())
	content := container.NewVBox(messageContent(msg, e.u.win), widget.NewLabel(T("撤回原因")), why)
	var d *confirmDialog
	d = newCustomConfirm(T("撤回提交"), T("确认撤回"), T("不撤回"), content, func(ok bool) {
		if e.withdrawDlg == d {
			e.withdrawDlg = nil
		}
		if !ok {
			return
		}
		text := why.Text
		if msg := app.CheckString(text, app.MaxWithdrawReason, false); msg != "" {
			// Back with what was typed, and why it cannot go as it is.
			why := T("撤回原因") + "：" + msg
			if n := utf8.RuneCountInString(text); n > app.MaxWithdrawReason {
				why = Tf("撤回原因不能超过 %d 个字（现有 %d 个字）", app.MaxWithdrawReason, n)
			}
			dlg := newCloseDialog(T("无法撤回"), lang.L("OK"), messageContent(why, e.u.win), e.u.win)
			dlg.SetOnClosed(func() { e.withdrawAtBureau(title, text) })
			dlg.Show()
			return
		}
		// Kept for the next try should this one fail (no answer, say).
		e.withdrawReason = text
		e.withdrawStep(func(ctx context.Context) (*app.Filing, error) {
			if err := wd.Withdraw(ctx, id, text); err != nil {
				return nil, err
			}
			return e.u.store.Get(ctx, id)
		}, func(f *app.Filing) {
			e.withdrawReason = ""
			if f.Status == app.StatusWithdrawn {
				e.u.revise(f, e.withdraw)
				return
			}
			e.u.openEditor(f, false)
		})
	}, e.u.win)
	d.Show()
	e.withdrawDlg = d
	e.u.win.Canvas().Focus(why)
}

// withdrawOvertaken closes the withdrawal's confirmation, open while a
// decision arrived that reopened the filing as f, and says why it cannot
// be done now: it said 还没有受理 over a header saying 初审中 (found in a
// walkthrough).
func (e *editorScreen) withdrawOvertaken(f *app.Filing) {
	if e.withdrawDlg == nil {
		return
	}
	e.withdrawDlg.Hide()
	e.withdrawDlg = nil
	switch {
	case f.Status == app.StatusWithdrawn:
		// withdrawn meanwhile (another computer of the unit)
	case f.Status == app.StatusReturned:
		showMessage(T("无需撤回"), Tf("%s已退回修改这一版：不需要撤回，点“修改后重新提交”修改后再报送。", e.prof.BureauShort()), e.u.win)
	case f.Status.Final():
		showMessage(T("无法撤回"), Tf("%s已对这一版作出决定（现为“%s”），不能再撤回。", e.prof.BureauShort(), T(e.prof.StatusOn(f.Status, f.Kind, e.prof.RouteOf(f)))), e.u.win)
	default:
		showMessage(T("无法撤回"), Tf("材料现为“%s”：%s已开始办理这一版，不能再撤回。如需修改，请联系%s退回修改。", T(e.prof.StatusOn(f.Status, f.Kind, e.prof.RouteOf(f))), e.prof.BureauShort(), e.prof.BureauShort()), e.u.win)
	}
}

// withdrawStep runs ask off the Fyne thread with 撤回提交 disabled, then
// on it shows ask's error, or calls then with the filing ask returned while
// this editor is still the one shown.
func (e *editorScreen) withdrawStep(ask func(ctx context.Context) (*app.Filing, error), then func(*app.Filing)) {
	e.withdraw.Disable()
	e.u.goWait(func(ctx context.Context) {
		f, err := ask(ctx)
		e.u.do(func() {
			e.withdraw.Enable()
			switch c := app.ErrorCode(err); c {
			case app.EUNAVAILABLE: // no answer: not known to have failed
				showMessage(T("撤回提交"), e.u.named(errorText(err)), e.u.win)
				return
			case app.EINVALID, app.ECONFLICT:
				text := errorText(err)
				if c == app.ECONFLICT && hasHan(text) && Language() == LangEnglish {
					// the bureau's own words, composed there
					text = Tf("%s已开始办理这份材料，或已收到更新的版本，不能再撤回：如需修改，请联系%s退回修改。", e.prof.BureauShort(), e.prof.BureauShort())
				}
				showMessage(T("无法撤回"), e.u.named(text), e.u.win)
				return
			}
			if err != nil {
				e.u.showError(err)
				return
			}
			// This filing's editor: a store change may have opened it
			// again (the withdrawal arrived from the feed first).
			if cur := e.u.editor; cur != nil && cur.f.ID == e.f.ID {
				then(f)
			}
		})
	})
}

// onRetry sends a submission the bureau refused or the syncer set aside
// again, once the clerk has dealt with the reason (a moved attachment file
// put back, the bureau's account fixed…).
func (e *editorScreen) onRetry() {
	id := e.f.ID
	e.retry.Disable()
	e.u.goWait(func(ctx context.Context) {
		err := e.u.store.Retry(ctx, id)
		if err == nil {
			e.u.link.Kick()
		}
		e.u.do(func() {
			e.retry.Enable()
			if err != nil {
				e.u.showError(err)
			}
		})
	})
}

// onSubmit checks the declaration under the profile in force; with problems
// it lists them, each taking the clerk to its field; otherwise it asks for
// confirmation and submits.
// normalize puts the text of a date, month or code field the way the
// filing keeps it (2027-03 for 2027年3月, 341522 for ３４１５２２), when it
// can read it.
func (e *editorScreen) normalize(in *widget.Entry) {
	if read := e.dates[in]; read != nil {
		if d, ok := read(in.Text); ok && d != in.Text {
			in.SetText(d) // OnChanged stores it
		}
	}
}

func (e *editorScreen) onSubmit() {
	// The field being typed in is not left by a click on 检查并提交.
	if in, ok := e.u.win.Canvas().Focused().(*widget.Entry); ok {
		e.normalize(in)
	}
	e.checked, e.fresh = true, nil
	e.changedView()
	if len(e.problems) > 0 {
		e.showProblemList()
		return
	}
	msg := e.kind.confirmation() + Tf("提交后本版本不能再修改，将在联网时发送给%s（受理前可以撤回）。确认提交？", e.prof.BureauShort())
	ask := func(unchangedFrom int) {
		m := msg
		if unchangedFrom > 0 {
			m = Tf("与退回的第 %d 版相比，这一版没有任何修改。%s退回的材料，一般要按审核意见修改后再提交。", unchangedFrom, e.prof.BureauShort()) + "\n\n" + msg
			if e.f.Status == app.StatusWithdrawn {
				m = Tf("与撤回的第 %d 版相比，这一版没有任何修改：%s会收到与撤回前相同的内容。", unchangedFrom, e.prof.BureauShort()) + "\n\n" + msg
			}
		}
		showConfirm(T("提交")+T(e.u.kindName(e.f.Kind)), m, func(ok bool) {
			if ok {
				e.doSubmit()
			}
		}, e.u.win)
	}
	baseID := e.f.Revision.BaseID
	if baseID == "" {
		ask(0)
		return
	}
	// A revision of a returned filing: say so if it is sent back as it was.
	id := e.f.ID
	e.u.goWait(func(ctx context.Context) {
		revs, err := e.u.store.Revisions(ctx, id)
		e.u.do(func() {
			if e.u.editor != e {
				return
			}
			for _, r := range revs {
				if err == nil && r.Revision.ID == baseID && e.f.Unchanged(r.Revision, r.BodyHash) {
					ask(r.Revision.Number)
					return
				}
			}
			ask(0)
		})
	})
}

// doSubmit stores the last edit, queues the revision in the outbox and
// wakes the sync loop, off the Fyne thread.
func (e *editorScreen) doSubmit() {
	id, actor := e.f.ID, e.u.link.Session().Actor
	e.submit.Disable()
	e.u.goWait(func(ctx context.Context) {
		err := e.saver.flush()
		if err == nil {
			err = e.u.store.Submit(ctx, id, actor, e.u.now())
		}
		if err == nil {
			e.u.link.Kick()
		}
		e.u.do(func() {
			e.submit.Enable()
			if err != nil {
				e.u.showError(err)
				return
			}
			if e.u.editor == e {
				e.u.OpenFiling(id)
			}
		})
	})
}

// onRevise makes a new editable revision of a returned filing.
func (e *editorScreen) onRevise() { e.u.revise(e.f, e.revise) }
