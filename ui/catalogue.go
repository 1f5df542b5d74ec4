package ui

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"egovdesk/app"
)

// catalogueEditor is the data-sharing resource catalogue editor (政务数据共享
// 资源目录): the catalogue's header, the resource entries in a virtualised
// list with the selected entry's fields and 信息项 beside it, and the three
// lists (三清单). Each resource is checked as it is typed (Resource.Validate,
// through the filing's check) and its problems are shown at its fields.
type catalogueEditor struct {
	e *editorScreen
	c *app.Catalogue

	// 信息资源
	entries    *widget.List
	cur        int // the entry shown in the detail pane; -1 when none
	detailForm *formScroll
	detail     *container.Scroll // detailForm's scroll
	remove     *Button
	addEntry   *Button
	code       *widget.Label // 资源代码 of the entry shown
	fmtType    *widget.Select
	fmtText    *widget.Entry
	mode       *widget.Select // 共享方式分类
	modeTyp    *widget.Select // 共享方式类型, linked to the format and the mode class
	items      *itemsTable

	// 三清单
	tabs                       *container.AppTabs
	listForms                  []*formScroll // the three lists' forms
	demandBox, dutyBox, negBox *fyne.Container
	dutyCodes, negCodes        []*codeSelect
	listAdd                    []*Button // 添加 of each list, in tab order
	codesSig                   string

	// side panel
	summary  *paragraph
	problems *fyne.Container
	excel    *catalogueExcel
}

func newCatalogueEditor(e *editorScreen) *catalogueEditor {
	ce := &catalogueEditor{e: e, c: e.f.Catalogue, cur: -1,
		summary: &paragraph{}, problems: container.NewVBox()}
	ce.excel = &catalogueExcel{ce: ce}
	c := ce.c

	project := e.filingSelect(app.KindDeclaration, e.f.ProjectID, ce.onProject)
	e.targets["project_id"] = project
	e.addSection("目录信息", []string{"title", "project_id", "project_name", "provider_name", "provider_code"},
		e.field("project_id", "所属项目", "目录随项目报送：选择本单位的项目申报书", project),
		e.text("title", "目录名称", "如“城关镇智慧社区项目政务数据共享资源目录”", &c.Title, false),
		e.text("project_name", "项目名称", "选择所属项目后自动填写", &c.ProjectName, false),
		e.text("provider_name", "信息资源提供方", "编制目录的部门名称", &c.ProviderName, false),
		e.code("provider_code", "提供方代码", "统一社会信用代码或机构代码", &c.ProviderCode),
		ce.excel.buttons(),
	)

	ce.entries = &widget.List{
		Length: func() int { return len(ce.c.Entries) },
		CreateItem: func() fyne.CanvasObject {
			return container.NewVBox(&widget.Label{TextStyle: fyne.TextStyle{Bold: true}, Truncation: fyne.TextTruncateEllipsis},
				&widget.Label{Importance: widget.LowImportance, Truncation: fyne.TextTruncateEllipsis, SizeName: theme.SizeNameCaptionText})
		},
		UpdateItem: ce.updateEntry,
		OnSelected: ce.selectEntry,
	}
	ce.entries.ExtendBaseWidget(ce.entries)
	add := e.addButton("添加资源", ce.onAddEntry)
	add.Icon = theme.ContentAddIcon()
	ce.addEntry = add
	ce.remove = newButton(&Button{Button: widget.Button{Text: T("删除资源"), Icon: theme.DeleteIcon(), Importance: widget.LowImportance, OnTapped: ce.onRemoveEntry}})
	e.inputs = append(e.inputs, ce.remove)
	e.editOnly(ce.remove)
	ce.detailForm = newFormScroll(container.NewVBox())
	ce.detail = ce.detailForm.Scroll
	left := container.NewBorder(container.NewHBox(add, ce.remove), nil, nil, nil, ce.entries)
	split := container.NewHSplit(left, ce.detailForm)
	split.Offset = 0.3
	e.addFillSection("信息资源", []string{"entries"}, split)

	ce.demandBox, ce.dutyBox, ce.negBox = container.NewVBox(), container.NewVBox(), container.NewVBox()
	tab := func(box *fyne.Container, hint, addText string, add func()) fyne.CanvasObject {
		b := e.addRowButton(addText, box, add)
		ce.listAdd = append(ce.listAdd, b)
		f := newFormScroll(container.NewVBox(note(T(hint)), box, container.NewHBox(b)))
		ce.listForms = append(ce.listForms, f)
		return f
	}
	ce.tabs = container.NewAppTabs(
		container.NewTabItem(T("需求清单"), tab(ce.demandBox, "本项目需要其他部门提供的数据", "添加需求", ce.onAddDemand)),
		container.NewTabItem(T("责任清单"), tab(ce.dutyBox, "本项目必须提供的数据，对应本目录中的资源", "添加责任", ce.onAddDuty)),
		container.NewTabItem(T("负面清单"), tab(ce.negBox, "不予共享或不予开放的数据，须写明法律法规或政策依据", "添加负面清单", ce.onAddNegative)),
	)
	e.addFillSection("三清单", []string{"demands", "duties", "negatives"}, ce.tabs)
	ce.rebuildDemands()
	ce.rebuildDuties()
	ce.rebuildNegatives()
	if len(c.Entries) > 0 {
		ce.selectEntry(0)
	} else {
		ce.showDetail()
	}
	return ce
}

func (ce *catalogueEditor) side() fyne.CanvasObject {
	// A submitted revision cannot be changed: no list of what to change.
	if !ce.e.editable {
		return container.NewVBox(heading(T("目录情况")), ce.summary, widget.NewSeparator(), ce.problems)
	}
	return container.NewVBox(heading(T("目录情况")), ce.summary, widget.NewSeparator(), heading(T("需要修改")), ce.problems)
}

// onProject links the catalogue to a declaration and takes its name.
func (ce *catalogueEditor) onProject(id string) {
	ce.e.f.ProjectID = id
	if f, err := ce.e.u.store.Get(ce.e.u.ctx, id); err == nil && f.Declaration != nil {
		ce.c.ProjectName = f.Declaration.ProjectName
		if l, ok := ce.e.targets["project_name"].(*widget.Entry); ok {
			l.SetText(ce.c.ProjectName)
		}
		if strings.TrimSpace(ce.c.Title) == "" {
			ce.c.Title = f.Declaration.ProjectName + T("政务数据共享资源目录")
			if l, ok := ce.e.targets["title"].(*widget.Entry); ok {
				l.SetText(ce.c.Title)
			}
		}
	}
}

func (ce *catalogueEditor) updateEntry(i widget.ListItemID, o fyne.CanvasObject) {
	if i >= len(ce.c.Entries) {
		return
	}
	r := &ce.c.Entries[i]
	box := o.(*fyne.Container)
	name := strings.TrimSpace(r.Name)
	if name == "" {
		name = T("（未命名资源）")
	}
	box.Objects[0].(*widget.Label).SetText(fmt.Sprintf("%d. %s", i+1, name))
	meta := r.Code()
	if meta == "" {
		meta = T("代码未填")
	}
	if n := ce.problemCount(fmt.Sprintf("entries[%d]", i)); n > 0 {
		meta += fmt.Sprintf(T(" · ⚠ %d 处待改"), n)
	}
	meta += fmt.Sprintf(T(" · %d 项"), len(r.Items)) // short: the list is narrow, and "个信息项" was cut
	box.Objects[1].(*widget.Label).SetText(meta)
}

// problemCount returns how many problems of the last check are under prefix.
func (ce *catalogueEditor) problemCount(prefix string) int {
	n := 0
	for _, p := range ce.e.problems {
		if p.Field == prefix || strings.HasPrefix(p.Field, prefix+".") || strings.HasPrefix(p.Field, prefix+"[") {
			n++
		}
	}
	return n
}

func (ce *catalogueEditor) onAddEntry() {
	ce.c.Entries = append(ce.c.Entries, app.Resource{ProviderName: ce.c.ProviderName, ProviderCode: ce.c.ProviderCode})
	ce.entries.Refresh()
	i := len(ce.c.Entries) - 1
	ce.entries.Select(i)
	ce.e.edited()
	if n, ok := ce.e.targets[fmt.Sprintf("entries[%d].name", i)].(fyne.Focusable); ok {
		if c := fyne.CurrentApp().Driver().CanvasForObject(ce.detail); c != nil {
			c.Focus(n)
		}
	}
}

// afterEditable turns 删除资源 off again while no resource is shown.
func (ce *catalogueEditor) afterEditable() {
	if ce.cur < 0 || ce.cur >= len(ce.c.Entries) {
		ce.remove.Disable()
	}
}

func (ce *catalogueEditor) onRemoveEntry() {
	i := ce.cur
	if i < 0 || i >= len(ce.c.Entries) {
		return
	}
	showConfirm(T("删除资源"), fmt.Sprintf(T("删除第 %d 条资源及其全部信息项？"), i+1), func(ok bool) {
		if !ok {
			return
		}
		ce.c.Entries = append(ce.c.Entries[:i], ce.c.Entries[i+1:]...)
		ce.e.dropRow("entries", i)
		ce.entries.UnselectAll()
		ce.entries.Refresh()
		ce.cur = -1
		if len(ce.c.Entries) > 0 {
			ce.entries.Select(min(i, len(ce.c.Entries)-1))
		} else {
			ce.showDetail()
		}
		ce.e.edited()
	}, ce.e.u.win)
}

// selectEntry shows entry i in the detail pane.
func (ce *catalogueEditor) selectEntry(i widget.ListItemID) {
	if i < 0 || i >= len(ce.c.Entries) || i == ce.cur {
		return
	}
	ce.cur = i
	ce.showDetail()
	ce.changed(ce.e.u.now())
	ce.e.showMessages()
}

// showDetail builds the fields of the selected entry.
func (ce *catalogueEditor) showDetail() {
	e := ce.e
	e.forgetRows("entries")
	if ce.cur < 0 || ce.cur >= len(ce.c.Entries) {
		ce.cur = -1
		ce.items = nil
		ce.remove.Disable()
		ce.detail.Content = roomForBar(container.NewVBox(note(T("左侧还没有资源。点“添加资源”登记一条信息资源，或在“目录信息”中导入 Excel。"))))
		ce.detail.Refresh()
		return
	}
	if e.editable {
		ce.remove.Enable()
	}
	first := len(e.inputs)
	loading := e.loading
	e.loading = true
	r := &ce.c.Entries[ce.cur]
	p := fmt.Sprintf("entries[%d].", ce.cur)
	ce.code = &widget.Label{TextStyle: fyne.TextStyle{Bold: true}}
	fmtClass := e.choice(p+"format_class", "格式分类", "按资源的存储形式选择", app.FormatClassChoices,
		func() string { return string(r.FormatClass) }, func(c string) { r.FormatClass = app.FormatClass(c); ce.linkFormat(r, p) })
	ce.fmtType = &widget.Select{PlaceHolder: T("请选择")}
	ce.fmtType.OnChanged = func(string) {
		if i := ce.fmtType.SelectedIndex(); i >= 0 && !ce.e.loading {
			r.FormatType = app.FormatTypeChoices(r.FormatClass)[i].Code
			e.edited()
		}
	}
	ce.fmtText = &widget.Entry{PlaceHolder: T("格式说明，如 MySQL、服务接口"), OnChanged: func(s string) { r.FormatType = s; e.edited() }}
	e.inputs = append(e.inputs, ce.fmtType, ce.fmtText)
	fmtType := e.field(p+"format_type", "格式类型", "未列出的（如 MySQL）选分类“其他”", container.NewStack(ce.fmtType, ce.fmtText))
	// One line of hint each, so that the two drop-downs side by side sit
	// level (the negative list's rule is told by the checks).
	shareType := e.choice(p+"share_type", "共享类型", "有条件须写条件，不予共享须写依据", app.ShareTypeChoices,
		func() string { return string(r.ShareType) }, func(c string) { r.ShareType = app.ShareType(c); ce.linkShare(r, p) })
	ce.mode = e.choiceSelect(app.ShareModeClassChoices, func() string { return string(r.ShareModeClass) },
		func(c string) { r.ShareModeClass = app.ShareModeClass(c); ce.linkShare(r, p) })
	e.inputs = append(e.inputs, ce.mode)
	ce.modeTyp = &widget.Select{PlaceHolder: T("请选择")}
	ce.modeTyp.OnChanged = func(string) {
		allowed := app.AllowedShareModeTypes(r.FormatClass, r.ShareModeClass)
		if i := ce.modeTyp.SelectedIndex(); i >= 0 && i < len(allowed) && !ce.e.loading {
			r.ShareModeType = app.ShareModeType(allowed[i].Code)
			e.edited()
		}
	}
	e.inputs = append(e.inputs, ce.modeTyp)
	related := &widget.Entry{Text: strings.Join(r.RelatedCodes, "；"), PlaceHolder: T("如 101001/000001")} // the rest is the hint: the half-width box cut it
	related.OnChanged = func(s string) { r.RelatedCodes = splitList(s); e.edited() }
	e.readAs(related, codeList)
	ce.items = newItemsTable(ce, r, p)
	ce.detailForm.lists = []*widget.List{ce.items.list}

	box := container.NewVBox(ce.code,
		sideBySide(2,
			e.code(p+"category", "分类码", "类 1 位 + 项 2 位 + 目 3 位…，如 101 或 307001", &r.Category),
			e.code(p+"sequence", "顺序码", "数字，如 000001", &r.Sequence)),
		e.text(p+"name", "信息资源名称", "不超过 128 个字", &r.Name, false),
		sideBySide(2,
			e.text(p+"provider_name", "提供方", "", &r.ProviderName, false),
			e.code(p+"provider_code", "提供方代码", "", &r.ProviderCode)),
		e.text(p+"office", "内设科室", "", &r.Office, false),
		e.text(p+"abstract", "摘要", "资源的内容、范围和用途", &r.Abstract, true),
		sideBySide(2, fmtClass, fmtType),
		ce.items.object(),
		sideBySide(2, shareType,
			e.choice(p+"update_cycle", "更新周期", "数据多久更新一次", app.UpdateCycleChoices,
				func() string { return string(r.UpdateCycle) }, func(c string) { r.UpdateCycle = app.UpdateCycle(c) })),
		e.text(p+"share_condition", "共享条件", "有条件共享时必填：使用条件、申请方式", &r.ShareCondition, false),
		e.text(p+"share_basis", "不予共享依据", "不予共享时必填：法律法规或政策依据（具体条款）", &r.ShareBasis, false),
		sideBySide(2,
			e.field(p+"share_mode_class", "共享方式", "不予共享时不填", ce.mode),
			e.field(p+"share_mode_type", "共享方式类型", "共享平台方式时选择，随格式分类限定", ce.modeTyp)),
		e.check(p+"open", "向社会开放", &r.Open),
		e.text(p+"open_condition", "开放条件", "向社会开放时必填", &r.OpenCondition, false),
		sideBySide(2,
			e.date(p+"publish_date", "发布日期", "如 2027-03-15", &r.PublishDate),
			e.field(p+"related_codes", "关联资源代码", "与本资源相关的其他资源；多个用“；”分隔", related)),
	)
	e.inputs = append(e.inputs, related)
	ce.linkFormat(r, p)
	ce.linkShare(r, p)
	e.loading = loading
	// The detail's inputs live as long as the detail: keep them out of the
	// editor's list, which lives as long as the editor.
	if !e.editable {
		for _, in := range e.inputs[first:] {
			in.Disable()
		}
	}
	e.inputs = e.inputs[:first]
	ce.detail.Content = roomForBar(container.NewPadded(box))
	ce.detail.Refresh()
	ce.detail.ScrollToTop()
}

// linkFormat offers the format types of the chosen format class (a text box
// for 自描述格式 and 其他) and restricts the share mode types to it.
func (ce *catalogueEditor) linkFormat(r *app.Resource, p string) {
	types := app.FormatTypeChoices(r.FormatClass)
	if r.FormatClass.FreeText() {
		if !ce.e.loading {
			r.FormatType = "" // a new class: its types are not those of the old one
		}
		ce.fmtType.Hide()
		ce.fmtText.SetText(r.FormatType)
		ce.fmtText.Show()
		ce.e.targets[p+"format_type"] = ce.fmtText
	} else {
		offer(ce, ce.fmtType, types, &r.FormatType)
		ce.fmtText.Hide()
		ce.fmtType.Show()
		ce.e.targets[p+"format_type"] = ce.fmtType
	}
	ce.linkShare(r, p)
}

// linkShare offers the share mode types the format and the mode class
// allow; 不予共享 has no share mode.
func (ce *catalogueEditor) linkShare(r *app.Resource, p string) {
	if r.ShareType == app.ShareNone && !ce.e.loading {
		r.ShareModeClass, r.ShareModeType = "", ""
		show(ce.mode, "", false)
	}
	if r.ShareType == app.ShareNone {
		ce.mode.Disable()
	} else if ce.e.editable {
		ce.mode.Enable()
	}
	if ce.items != nil && ce.items.r == r {
		ce.items.shareChanged()
	}
	allowed := app.AllowedShareModeTypes(r.FormatClass, r.ShareModeClass)
	offer(ce, ce.modeTyp, allowed, &r.ShareModeType)
	if len(allowed) == 0 || !ce.e.editable {
		ce.modeTyp.Disable()
	} else {
		ce.modeTyp.Enable()
	}
}

// offer sets sel's options to choices and shows *code in it. A code not
// among choices is cleared, except while the editor loads a filing.
func offer[C ~string](ce *catalogueEditor, sel *widget.Select, choices []app.Choice, code *C) {
	opts := make([]string, len(choices))
	found := false
	for i, c := range choices {
		opts[i] = T(c.Label)
		found = found || C(c.Code) == *code
	}
	if !found && !ce.e.loading {
		*code = ""
	}
	sel.Options = opts
	show(sel, T(app.LabelOf(choices, string(*code))), *code != "")
}

// changed shows the resource code, the entries' problem counts and the
// problems of the entry shown and of the three lists, as the clerk types.
func (ce *catalogueEditor) changed(time.Time) {
	e := ce.e
	e.live = e.live[:0]
	prefix := fmt.Sprintf("entries[%d].", ce.cur)
	for _, p := range e.problems {
		if _, typed := e.parseErrs[p.Field]; typed {
			// explained by what was typed: a length of "abc" read 长度请填写整数，如 18；信息资源 第 3 行 · 信息项 第 2 行 · 长度“abc”无法识别
			continue
		}
		if ce.cur >= 0 && strings.HasPrefix(p.Field, prefix) ||
			strings.HasPrefix(p.Field, "demands[") || strings.HasPrefix(p.Field, "duties[") || strings.HasPrefix(p.Field, "negatives[") {
			e.live = append(e.live, p)
		}
	}
	if ce.cur >= 0 && ce.cur < len(ce.c.Entries) {
		r := &ce.c.Entries[ce.cur]
		code := r.Code()
		if code == "" {
			code = T("（填写分类码和顺序码后生成）")
		}
		ce.code.SetText(T("资源代码：") + code)
		ce.entries.RefreshItem(ce.cur)
		ce.items.showMessages()
	}
	ce.syncCodes()
	ce.updateSide()
}

func (ce *catalogueEditor) updateSide() {
	n := 0
	for _, r := range ce.c.Entries {
		n += len(r.Items)
	}
	ce.summary.SetText(fmt.Sprintf(T("资源 %d 条 · 信息项 %d 个\n需求清单 %d 行 · 责任清单 %d 行 · 负面清单 %d 行"),
		len(ce.c.Entries), n, len(ce.c.Demands), len(ce.c.Duties), len(ce.c.Negatives)))
	ce.problems.RemoveAll()
	if !ce.e.editable {
		ce.problems.Add(&paragraph{Text: T("本版本已提交，内容不能再修改。")})
		return
	}
	for i, p := range ce.e.problems {
		if i == 12 {
			ce.problems.Add(note(fmt.Sprintf(T("……还有 %d 处，点“检查并提交”查看全部"), len(ce.e.problems)-i)))
			break
		}
		field := p.Field
		ce.problems.Add(newTapLabel(fieldText(p), widget.DangerImportance, func() { ce.e.jump(field) }))
	}
	if len(ce.e.problems) == 0 {
		ce.problems.Add(&widget.Label{Text: T("没有发现问题，可以提交。"), Importance: widget.SuccessImportance})
	}
}

// reveal selects the entry, item row or list tab of path.
func (ce *catalogueEditor) reveal(path string) {
	idx := func(s string) (int, string, bool) {
		i := strings.IndexByte(s, ']')
		if i < 0 {
			return 0, "", false
		}
		n, err := strconv.Atoi(s[:i])
		return n, strings.TrimPrefix(s[i+1:], "."), err == nil
	}
	switch {
	case strings.HasPrefix(path, "entries["):
		i, rest, ok := idx(strings.TrimPrefix(path, "entries["))
		if !ok || i >= len(ce.c.Entries) {
			return
		}
		ce.entries.Select(i)
		if rest == "items" && ce.items != nil {
			// The table's own problem (本条资源至少要有一个信息项): its head
			// with 添加信息项 in view, and the button with the keyboard. The
			// list's top at 110 px cut the head off under the form's edge
			// (found in the real window).
			ce.detailForm.scrollTo(ce.items.obj, 40)
			if ce.e.editable && !ce.items.add.Disabled() {
				focusAtEnd(ce.e.u.win.Canvas(), ce.items.add)
			}
			return
		}
		if strings.HasPrefix(rest, "items[") && ce.items != nil {
			if j, field, ok := idx(strings.TrimPrefix(rest, "items[")); ok {
				ce.items.list.ScrollTo(j)
				ce.items.focus(j, field)
			}
			// The table from its head when it fits (the list shows the
			// row): the list's top at 110 px cut the head off once the
			// hint above it wrapped to two lines.
			if ce.items.obj.MinSize().Height+40 <= ce.detailForm.Size().Height {
				ce.detailForm.scrollTo(ce.items.obj, 40)
				return
			}
		}
		if target, ok := lookup(ce.e.targets, path); ok {
			ce.detailForm.scrollTo(target, 110)
		}
	case strings.HasPrefix(path, "demands"):
		ce.tabs.SelectIndex(0)
	case strings.HasPrefix(path, "duties"):
		ce.tabs.SelectIndex(1)
	case strings.HasPrefix(path, "negatives"):
		ce.tabs.SelectIndex(2)
	}
}

func (ce *catalogueEditor) attached() {}

func (ce *catalogueEditor) material() string     { return "" }
func (ce *catalogueEditor) confirmation() string { return "" }

// tabsOf returns the three lists' tabs for their section.
func (ce *catalogueEditor) tabsOf(i int) *container.AppTabs {
	if c := ce.e.sections[i].content; len(c.Objects) == 1 && c.Objects[0] == ce.tabs {
		return ce.tabs
	}
	return nil
}

// forms are the scrolling forms the focus is followed in: the resource's
// detail and the three lists.
func (ce *catalogueEditor) forms() []*formScroll {
	return append([]*formScroll{ce.detailForm}, ce.listForms...)
}

// codeList reads the 关联资源代码 typed as the filing keeps them: each code
// typed full-width or grouped written as codes are kept (app.NormalizeCode),
// codes separated by spaces alone taken apart, joined with “；”; false when
// nothing changes. What is not a code stays as typed.
func codeList(s string) (string, bool) {
	var codes []string
	for _, c := range splitList(s) {
		if n, ok := app.NormalizeCode(c); ok {
			codes = append(codes, n)
			continue
		}
		fields := strings.Fields(c)
		var apart []string
		for _, f := range fields {
			if n, ok := app.NormalizeCode(f); ok {
				apart = append(apart, n)
			}
		}
		if len(fields) > 1 && len(apart) == len(fields) {
			codes = append(codes, apart...)
		} else {
			codes = append(codes, c)
		}
	}
	out := strings.Join(codes, "；")
	return out, out != s
}

// splitList splits what was typed at "；", "、", "," or ";" into trimmed,
// non-empty parts.
func splitList(s string) []string {
	f := strings.FieldsFunc(s, func(r rune) bool { return r == '；' || r == ';' || r == '、' || r == ',' || r == '，' })
	var out []string
	for _, p := range f {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
