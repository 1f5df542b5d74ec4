package ui

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"egovdesk/app"
)

// homeScreen is the list of the unit's filings: counts, a search box,
// filters by kind, status and plan year, a virtualised list (only the rows
// on screen exist as widgets) and the profile's upcoming deadlines.
type homeScreen struct {
	undo *undoBar // 撤销 after a draft was deleted
	u    *UI

	counts    *paragraph
	search    *widget.Entry
	kind      *widget.Select
	status    *widget.Select
	year      *widget.Select
	group     *widget.Check // 按项目分组
	list      *enterList
	found     *widget.Label
	profile   *paragraph
	deadlines *fyne.Container
	obj       fyne.CanvasObject

	// state, on the Fyne thread
	rows       []app.FilingRow
	items      []homeItem         // what the list shows: rows, grouped by project when group is on
	routes     map[string]string  // of the refused declarations among rows (refusedRoutes)
	projectDL  []app.Deadline     // deadlines counted from the projects' events
	dlStale    bool               // projectDL predates a store or profile change
	dlShown    deadlinesShown     // what the deadline panel shows
	gen        uint64             // generation of the latest load
	cancelLoad context.CancelFunc // cancels the load under way
	loading    sync.WaitGroup     // loads not yet applied (tests wait on it)
	shown      bool
}

var (
	allKinds    = "全部类型"
	allStatuses = "全部状态"
	allYears    = "全部年度"
)

func newHomeScreen(u *UI) *homeScreen {
	h := &homeScreen{u: u,
		counts:    &paragraph{TextStyle: fyne.TextStyle{Bold: true}}, // wraps in a narrow window
		search:    &widget.Entry{PlaceHolder: T("搜索项目名称，如“智慧社区”")},
		found:     &widget.Label{Importance: widget.LowImportance},
		profile:   &paragraph{},
		deadlines: container.NewVBox(),
	}
	h.search.OnChanged = func(string) { h.load() }
	kinds := h.kindOptions()
	h.kind = &widget.Select{Options: kinds, Selected: kinds[0], OnChanged: func(string) { h.load() }}
	statuses := []string{T(allStatuses)}
	for _, s := range app.Statuses {
		statuses = append(statuses, T(s.FilterLabel()))
	}
	h.status = &widget.Select{Options: statuses, Selected: statuses[0], OnChanged: func(string) { h.load() }}
	years := []string{T(allYears)}
	y := u.now().Year()
	for i := y + 2; i >= y-3; i-- {
		years = append(years, strconv.Itoa(i))
	}
	h.year = &widget.Select{Options: years, Selected: years[0], OnChanged: func(string) { h.load() }}
	// 按项目分组 is remembered: a clerk who works by project turned it on
	// again at every start.
	h.group = &widget.Check{Text: T("按项目分组"), Checked: u.app.Preferences().Bool(PrefGroupByProject)}
	h.group.OnChanged = func(on bool) {
		u.app.Preferences().SetBool(PrefGroupByProject, on)
		h.load()
	}
	h.list = &enterList{List: widget.List{
		Length:     func() int { return len(h.items) },
		CreateItem: func() fyne.CanvasObject { return newRowView() },
		UpdateItem: func(i widget.ListItemID, o fyne.CanvasObject) {
			if i >= len(h.items) {
				return
			}
			if it := h.items[i]; it.row != nil {
				o.(*rowView).set(*it.row, h.u.link.Profile(), h.routes[it.row.ID])
			} else {
				o.(*rowView).setGroup(it.group, h.u.now())
			}
		},
		OnSelected: h.onSelected,
	}}
	h.list.ExtendBaseWidget(h.list)
	newBtn := newButton(&Button{Button: widget.Button{Text: T("新建材料"), Icon: theme.ContentAddIcon(), Importance: widget.HighImportance}})
	newBtn.OnTapped = func() { u.showNewMenu(newBtn) }
	// The search box keeps searchMin beside the filters, else takes a line
	// of its own above them (barLayout): in half a 1920 px screen it was
	// left 65 px.
	filters := newBar(searchMin, 0, h.search, newFlow(h.group, h.kind, h.status, h.year))
	h.undo = newUndoBar(u)
	top := container.NewVBox(h.undo.obj, container.NewBorder(nil, nil, nil, newBtn, h.counts), filters)
	side := container.NewVBox(heading(T("适用规则")), h.profile, widget.NewSeparator(), heading(T("时间要求")), h.deadlines)
	sideScroll := container.NewVScroll(container.NewPadded(side))
	sideScroll.SetMinSize(fyne.NewSize(240, 0)) // its paragraphs wrap
	main := container.NewBorder(top, h.found, nil, nil, h.list)
	split := container.NewHSplit(main, sideScroll)
	split.Offset = 0.72
	h.obj = container.NewPadded(split)
	return h
}

func (h *homeScreen) object() fyne.CanvasObject { return h.obj }

func (h *homeScreen) onSelected(i widget.ListItemID) {
	h.list.UnselectAll()
	if i >= len(h.items) {
		return
	}
	switch it := h.items[i]; {
	case it.row != nil:
		h.u.OpenFiling(it.row.ID)
	case it.group.project != "":
		h.u.OpenDossier(it.group.project)
	}
}

// query returns what the filters select.
func (h *homeScreen) query() app.Query {
	q := app.Query{Text: h.search.Text}
	if i := h.kind.SelectedIndex(); i > 0 {
		q.Kind = app.AllKinds()[i-1]
	}
	if i := h.status.SelectedIndex(); i > 0 {
		q.Status = app.Statuses[i-1]
	}
	if i := h.year.SelectedIndex(); i > 0 {
		q.PlanYear, _ = strconv.Atoi(h.year.Selected)
	}
	return kindNamedIn(h.u.link.Profile(), q)
}

// kindNamedIn reads a search term that is part of the name the regulation
// gives a kind (郁南's 验收前置审核申请), and not of the kind's own label,
// which the titles are stored with, as that kind: 前置审核 found nothing
// while the list showed …验收前置审核申请 (found in review). A term of
// fewer than three characters (审核) is more likely part of a project's
// name, and stays a search. What stays, a title pasted whole as the list
// shows it (…验收前置审核申请, 天宁's …重大变更申请), is searched for as it is
// stored (app.Profile.StoredTitleWords), as the bureau's console does; a
// kind's whole name still chooses the kind, drafts with no name yet too.
func kindNamedIn(prof *app.Profile, q app.Query) app.Query {
	if prof == nil || q.Text == "" {
		return q
	}
	var rest []string
	for _, term := range strings.Fields(q.Text) {
		kind := app.Kind("")
		for _, k := range app.AllKinds() {
			if utf8.RuneCountInString(term) < 3 {
				break
			}
			if name := prof.KindName(k); name != k.Label() && strings.Contains(name, term) && !strings.Contains(k.Label(), term) {
				kind = k
			}
		}
		if kind == "" || q.Kind != "" && q.Kind != kind {
			rest = append(rest, term)
			continue
		}
		q.Kind = kind
	}
	q.Text = prof.StoredTitleWords(strings.Join(rest, " "))
	return q
}

// reload lists the filings and counts the projects' deadlines again, after
// the store or the profile changed.
func (h *homeScreen) reload() {
	h.dlStale = true
	h.load()
}

// load lists the filings off the Fyne thread, and the projects' deadlines
// too when they are stale: a change of the search or a filter lists the
// filings only. A newer load cancels an older one and only the newest
// result is shown; deadlines a cancelled load did not show stay stale.
func (h *homeScreen) load() {
	if h.cancelLoad != nil {
		h.cancelLoad()
	}
	ctx, cancel := context.WithCancel(h.u.ctx)
	h.cancelLoad = cancel
	h.gen++
	gen, q, withDL, grouped := h.gen, h.query(), h.dlStale, h.group.Checked
	prof, now := h.u.link.Profile(), h.u.now()
	h.loading.Add(1)
	h.u.goWait(func(context.Context) {
		defer h.loading.Done()
		rows, err := h.u.store.List(ctx, q)
		var refused []string
		for _, r := range rows {
			if r.Kind == app.KindDeclaration && r.Status == app.StatusRejected {
				refused = append(refused, r.ID)
			}
		}
		routes := refusedRoutes(ctx, h.u.store, prof, refused)
		items := flatItems(rows)
		if err == nil && grouped {
			items, err = groupByProject(ctx, h.u.store, prof, rows, now)
		}
		// The rows first: the list must not wait for the deadlines (their
		// anchors are one more read of every project's summary).
		h.u.do(func() {
			if gen != h.gen || ctx.Err() != nil {
				return
			}
			if err != nil {
				h.found.SetText(T("读取列表失败：") + errorText(err))
				return
			}
			h.routes = routes
			h.setRows(rows, items)
		})
		if err != nil || !withDL {
			return
		}
		dl, dlErr := projectDeadlines(ctx, h.u.store, h.u.link.Profile(), h.u.now())
		if dlErr != nil {
			if ctx.Err() == nil {
				fyne.LogError("project deadlines", dlErr)
			}
			return
		}
		h.u.do(func() {
			if gen != h.gen || ctx.Err() != nil {
				return
			}
			h.projectDL, h.dlStale = dl, false
			h.showDeadlines()
		})
	})
}

// setRows shows rows as items (flatItems or groupByProject of rows).
func (h *homeScreen) setRows(rows []app.FilingRow, items []homeItem) {
	h.rows, h.items = rows, items
	h.list.Refresh()
	switch {
	case len(rows) == 0 && h.query() == (app.Query{}):
		h.found.SetText(T("还没有材料。点“新建材料”选择要填写的材料，填写内容会自动保存。"))
	case len(rows) == 0:
		h.found.SetText(T("没有符合条件的材料"))
	default:
		h.found.SetText(fmt.Sprintf(T("共 %d 份"), len(rows)))
	}
}

// update shows the counts and the profile's deadlines. It runs on the Fyne
// thread.
func (h *homeScreen) update(c app.Counts) {
	h.counts.SetText(fmt.Sprintf(T("草稿 %d 份 · 待发送 %d 项 · 未读批复 %d 条 · 共 %d 份"),
		c.Drafts, c.Outbox, c.Unread, c.Total))
	prof := h.u.link.Profile()
	if prof == nil {
		h.profile.SetText(T("尚未选择规则。请在“设置”中连接数管局或选择所在地区。"))
		h.showDeadlines()
		return
	}
	h.profile.SetText(Tf("%s · %s\n%s", prof.Jurisdiction, prof.Bureau, prof.Regulation))
	h.showDeadlines()
}

// deadlinesShown is what the deadline panel was built from.
type deadlinesShown struct {
	prof    *app.Profile
	day     string // the day counted from ("还有 N 天")
	lang    string // a word in the language shown
	project []app.Deadline
}

// showDeadlines shows the projects' deadlines whose anchor is known, then
// the profile's plan-year and yearly ones still ahead. It builds the panel
// again only when what it shows changed: a unit with thousands of projects
// has thousands of deadlines, and every refresh would build them all on
// the Fyne thread.
func (h *homeScreen) showDeadlines() {
	prof := h.u.link.Profile()
	if kinds := h.kindOptions(); !slices.Equal(kinds, h.kind.Options) {
		// the kinds as the regulation in force names them (a profile
		// loaded or set since the screen was made)
		i := h.kind.SelectedIndex()
		h.kind.Options = kinds
		h.kind.Selected = kinds[max(i, 0)]
		h.kind.Refresh()
	}
	if prof == nil {
		h.dlShown = deadlinesShown{}
		h.deadlines.RemoveAll()
		return
	}
	now := h.u.now()
	shown := deadlinesShown{prof: prof, day: now.Format(time.DateOnly), lang: T("时间要求"), project: h.projectDL}
	if h.dlShown.prof == shown.prof && h.dlShown.day == shown.day && h.dlShown.lang == shown.lang && len(h.deadlines.Objects) > 0 &&
		slices.EqualFunc(h.dlShown.project, shown.project, sameDeadline) {
		return
	}
	h.dlShown = shown
	var objs []fyne.CanvasObject
	for _, d := range h.projectDL {
		objs = append(objs, deadlineView(prof.BureauShort(), d, now))
	}
	for _, d := range upcoming(prof, now) {
		objs = append(objs, deadlineView(prof.BureauShort(), d, now))
	}
	if len(objs) == 0 {
		objs = append(objs, note(T("本地区规则没有固定的申报期限")))
	}
	h.deadlines.Objects = objs // at once: Add lays the box out again for each one
	h.deadlines.Refresh()
}

// kindOptions are the kind filter's choices: 全部类型, then each kind as
// the regulation in force names it, in app.AllKinds' order.
func (h *homeScreen) kindOptions() []string {
	kinds := []string{T(allKinds)}
	for _, k := range app.AllKinds() {
		kinds = append(kinds, T(h.u.kindName(k)))
	}
	return kinds
}

// sameDeadline reports whether a and b show the same.
func sameDeadline(a, b app.Deadline) bool {
	return a.ID == b.ID && a.Label == b.Label && a.Rule == b.Rule && a.Due.Equal(b.Due) && a.Opens.Equal(b.Opens)
}

// upcoming returns the profile's plan-year deadlines still ahead: those of
// next year's plan, or of the year after once next year's have passed; and
// its yearly ones that no later filing of a project meets (those are the
// projects').
func upcoming(prof *app.Profile, now time.Time) []app.Deadline {
	var out []app.Deadline
	seen := map[string]bool{}
	for y := now.Year() + 1; y <= now.Year()+2; y++ {
		for _, d := range prof.DeadlinesFor(&app.Declaration{PlanYear: y}, nil, now) {
			if !d.Known() || seen[d.ID] || d.Passed(now) { // shown on its last day too
				continue
			}
			if d.Anchor == app.AnchorYearly && prof.ProjectOwned(d.ID) {
				continue // each project's, with the projects' deadlines
			}
			seen[d.ID] = true
			year := y
			if d.Anchor == app.AnchorYearly {
				year = d.Due.Year() // the year it is due in, not the plan year's
			}
			what := strings.TrimPrefix(d.Label, "年度") // "年度需求计划…" reads "2028 年度需求计划…"
			if Language() == LangEnglish {
				what = d.Label // translated whole: the part after 年度 has no translation of its own
			}
			d.Label = Tf("%d 年度%s", year, what)
			out = append(out, d)
		}
	}
	return out
}

// deadlineView shows one deadline: its label, the due date and days left, or
// how it will be counted when its anchor event has not happened.
func deadlineView(bureau string, d app.Deadline, now time.Time) fyne.CanvasObject {
	title := &paragraph{Text: T(d.Label), TextStyle: fyne.TextStyle{Bold: true}}
	var when string
	imp := widget.LowImportance
	if d.Known() {
		// Due is the last day (a date): past only from the next day on, as
		// the project rows and the dossier say.
		dy, dm, dd := d.Due.Date()
		days := int(math.Round(time.Date(dy, dm, dd, 0, 0, 0, 0, now.Location()).Sub(startOfDay(now)).Hours() / 24))
		switch {
		case days < 0:
			when = fmt.Sprintf(T("截止 %s（已过期）"), dueDate(d))
			imp = widget.DangerImportance
		case d.Opens.After(now): // a window not open yet (自评价 12–24 months after go-live)
			when = fmt.Sprintf(T("%s 至 %s（%d 天后开始）"), d.Opens.Format("2006-01-02"), dueDate(d),
				int(d.Opens.Sub(now).Hours()/24)+1)
		case days == 0:
			when = fmt.Sprintf(T("截止 %s（今天截止）"), dueDate(d))
			imp = widget.WarningImportance
		default:
			when = fmt.Sprintf(T("截止 %s（还有 %d 天）"), dueDate(d), days)
			if days <= 30 {
				imp = widget.WarningImportance
			}
		}
	} else {
		when = T(d.Rule)
	}
	if d.Bureau {
		// the bureau's step, which the unit waits on but neither meets
		// nor misses: not in the colours, nor the words (截止, 已过期), of
		// the clerk's own deadlines (found in review)
		if d.Known() {
			when = Tf("%s于 %s 前完成", bureau, dueDate(d))
		}
		when += Tf("（%s办理的环节）", bureau)
		imp = widget.LowImportance
	}
	return container.NewVBox(title, &paragraph{Text: when, Importance: imp})
}

// rowView is one row of the filing list: title, then kind, plan year,
// status, revision, send state and unread decisions.
type rowView struct {
	widget.BaseWidget
	title  *widget.Label
	meta   *widget.Label
	send   *widget.Label
	unread *widget.Label
	box    *fyne.Container
}

func newRowView() *rowView {
	r := &rowView{
		title:  &widget.Label{TextStyle: fyne.TextStyle{Bold: true}, Truncation: fyne.TextTruncateEllipsis},
		meta:   &widget.Label{Importance: widget.LowImportance, Truncation: fyne.TextTruncateEllipsis},
		send:   &widget.Label{Alignment: fyne.TextAlignTrailing, Truncation: fyne.TextTruncateEllipsis},
		unread: &widget.Label{Importance: widget.WarningImportance, TextStyle: fyne.TextStyle{Bold: true}},
	}
	right := container.NewVBox(r.send, container.NewHBox(layout.NewSpacer(), r.unread))
	r.box = container.New(rowLayout{rightMax: 260, rightPart: 0.4, height: 2 * r.title.MinSize().Height},
		container.NewVBox(r.title, r.meta), right)
	r.ExtendBaseWidget(r)
	return r
}

// set shows row, whose route (refusedRoutes) is route.
func (r *rowView) set(row app.FilingRow, prof *app.Profile, route string) {
	title := shownTitle(prof, row.Kind, row.Title)
	if title == "" {
		title = T("（未命名）")
	}
	r.title.Importance = widget.MediumImportance
	r.title.SetText(title)
	r.meta.Importance = widget.LowImportance
	status := prof.StatusOn(row.Status, row.Kind, route)
	switch row.Send.State {
	case app.SendQueued, app.SendSending, app.SendFailed, app.SendQuarantined:
		if row.Status == app.StatusSubmitted {
			status = T("尚未送达") // 已提交 read as "the bureau has it"
		}
	}
	r.meta.SetText(Tf("%s · %d 年度 · %s · 第 %d 版 · 更新于 %s",
		prof.KindName(row.Kind), row.PlanYear, status, row.RevisionNumber, row.Updated.Local().Format("2006-01-02 15:04")))
	// The state's word only: the reason is in the editor and the bar.
	r.send.SetText(sendWord(app.Send{State: row.Send.State}, row.Status))
	r.send.Importance = sendImportance(row.Send)
	r.send.Refresh()
	if row.Unread > 0 {
		r.unread.SetText(fmt.Sprintf(T("%d 条未读批复"), row.Unread))
	} else {
		r.unread.SetText("")
	}
}

// CreateRenderer lays the row out.
func (r *rowView) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(r.box) }

// searchMin is the narrowest the search box is beside the filters.
const searchMin = 240
