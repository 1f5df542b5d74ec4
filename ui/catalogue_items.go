package ui

import (
	"fmt"
	"image/color"
	"slices"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"egovdesk/app"
)

// itemsTable edits the information items (信息项) of one resource in a
// virtualised list: only the rows on screen exist as widgets, so a resource
// with hundreds of items stays quick. Each row has the item's name, data
// type, length and share type, buttons that move or remove it, and its
// problems. The share type sits on the row's second line, beside the item's
// own condition or legal basis when it is shared more strictly than its
// resource (one line would leave the name no room in the detail pane).
type itemsTable struct {
	ce     *catalogueEditor
	r      *app.Resource
	prefix string // "entries[3]."

	list  *widget.List
	count *widget.Label
	msg   *paragraph       // problems of the items as a whole ("至少要有一个信息项")
	rows  map[int]*itemRow // item index → the row widget showing it (the list pools and drops rows)
	add   *Button
	frame *canvas.Rectangle // keeps the table as high as its rows, up to ten
	// pending is the keyboard focus a problem asked for on a row not yet
	// bound (focus), nil when none.
	pending *pendingFocus
	rowH    float32
	headH   float32
	obj     fyne.CanvasObject

	// removed is the item 删除 took out last, offered back by 撤销 (undo)
	// until the table changes otherwise: the bin is one click, with no
	// question, next to the arrows.
	removed    *removedItem
	undo       *fyne.Container
	undoText   *paragraph
	undoButton *Button
}

// removedItem is an item taken out of the table, with the texts typed into
// it that were not accepted (Unparsed), by the path after "items[i]".
type removedItem struct {
	at   int
	item app.DataItem
	kept map[string]string
}

func newItemsTable(ce *catalogueEditor, r *app.Resource, prefix string) *itemsTable {
	t := &itemsTable{ce: ce, r: r, prefix: prefix,
		count: &widget.Label{TextStyle: fyne.TextStyle{Bold: true}}, rows: map[int]*itemRow{}}
	t.list = &widget.List{
		Length:     func() int { return len(t.r.Items) },
		CreateItem: func() fyne.CanvasObject { return newItemRow(t) },
		UpdateItem: func(i widget.ListItemID, o fyne.CanvasObject) { o.(*itemRow).bind(i) },
	}
	t.list.ExtendBaseWidget(t.list)
	t.msg = &paragraph{Importance: widget.DangerImportance}
	ce.e.targets[prefix+"items"] = t.list
	add := ce.e.addButton("添加信息项", t.onAdd)
	add.Icon = theme.ContentAddIcon()
	t.add = add
	if !ce.e.editable {
		add.Disable()
	}
	// The header's columns line up with the rows': its last column is as
	// wide as a row's buttons.
	probe := newItemRow(t)
	buttonsW := probe.buttons.MinSize().Width
	if !ce.e.editable {
		buttonsW = 0 // the rows show none
	}
	header := itemLayout(&widget.Label{Text: "#"}, note(T("信息项名称")), note(T("数据类型")), note(T("长度")), spacer(buttonsW))
	t.rowH = probe.MinSize().Height + theme.Padding()
	t.headH = header.MinSize().Height
	t.frame = canvas.NewRectangle(color.Transparent)
	frame := container.NewStack(t.frame, container.NewBorder(header, nil, nil, nil, t.list))
	t.undoText = &paragraph{}
	t.undoButton = newButton(&Button{Button: widget.Button{Text: T("撤销"), Icon: theme.ContentUndoIcon(), OnTapped: t.restore}})
	t.undo = container.NewBorder(nil, nil, nil, t.undoButton, t.undoText)
	t.undo.Hide()
	hint := T("字符型C须填写长度。共享类型默认同资源；比资源更严格时填写该项的共享条件或不予共享依据。行末按钮可上移、下移或删除该项。")
	if !ce.e.editable {
		// a submitted revision's rows have no buttons
		hint = T("字符型C须填写长度。共享类型默认同资源；比资源更严格时填写该项的共享条件或不予共享依据。")
	}
	t.obj = container.NewVBox(container.NewBorder(nil, nil, nil, add, t.count), note(hint), t.undo, frame, t.msg)
	t.updateCount()
	return t
}

// hasExtra reports whether item i needs its own share condition or legal
// basis: it is shared more strictly than its resource.
func (t *itemsTable) hasExtra(i int) bool {
	it := t.r.Items[i]
	return (it.ShareType == app.ShareConditional || it.ShareType == app.ShareNone) && it.ShareType != t.r.ShareType
}

// shareChanged follows a change of the resource's share type: an item's own
// condition or basis shows only while it is stricter than the resource.
func (t *itemsTable) shareChanged() {
	for i, row := range t.rows {
		if row.idx == i {
			row.bind(i)
		}
	}
}

func (t *itemsTable) object() fyne.CanvasObject { return t.obj }

func (t *itemsTable) updateCount() {
	n := len(t.r.Items)
	t.count.SetText(fmt.Sprintf(T("信息项（%d 项）"), n))
	rows := float32(min(max(n, 2), 6))
	if h := t.headH + rows*t.rowH; t.frame.MinSize().Height != h {
		t.frame.SetMinSize(fyne.NewSize(0, h))
		t.obj.Refresh()
	}
}

func (t *itemsTable) onAdd() {
	t.forgetRemoved()
	t.r.Items = append(t.r.Items, app.DataItem{})
	t.changedRows()
	last := len(t.r.Items) - 1
	t.list.ScrollTo(last)
	// The table into the detail's view: the focus is followed through
	// containers only, and the first item added, at the foot of the form,
	// took the keyboard out of sight (found in a clerk's walkthrough).
	t.ce.detailForm.Scroll.Content.Refresh() // laid out at the table's new height first
	t.ce.detailForm.reveal(t.frame)
	if row := t.rows[last]; row != nil && row.idx == last {
		if c := fyne.CurrentApp().Driver().CanvasForObject(t.list); c != nil {
			c.Focus(row.name)
		}
	}
}

// focus gives the keyboard to item i's input for field ("name",
// "data_type", "length"; the name for any other), once the list shows its
// row: a problem of an item takes the clerk there (editorScreen.jump finds
// only the list, which the keyboard cannot enter).
func (t *itemsTable) focus(i int, field string) {
	if !t.ce.e.editable {
		return
	}
	try := func() bool {
		row := t.rows[i]
		if row == nil || row.idx != i {
			return false
		}
		var f fyne.Focusable = row.name
		switch field {
		case "data_type":
			f = row.typ
		case "length":
			f = row.length
		case "share_type":
			f = row.share
		case "share_condition", "share_basis":
			if row.extra.Visible() {
				f = row.extra
			} else {
				f = row.share
			}
		}
		focusAtEnd(t.ce.e.u.win.Canvas(), f)
		return true
	}
	t.pending = nil
	if !try() {
		// The list binds its rows when it is next laid out (a resource
		// just selected has a new table): the row takes the keyboard when
		// it is bound to item i (itemRow.bind).
		t.pending = &pendingFocus{i: i, try: try, until: time.Now().Add(time.Second)}
	}
}

// pendingFocus is a focus for an item row the list has not bound yet. It
// lapses after a second: a row bound later (the clerk scrolling) must not
// take the keyboard from wherever the clerk went since.
type pendingFocus struct {
	i     int
	try   func() bool
	until time.Time
}

// move swaps items i and j.
func (t *itemsTable) move(i, j int) {
	if i < 0 || j < 0 || i >= len(t.r.Items) || j >= len(t.r.Items) {
		return
	}
	t.forgetRemoved()
	t.r.Items[i], t.r.Items[j] = t.r.Items[j], t.r.Items[i]
	t.ce.e.swapRows(t.prefix+"items", i, j)
	t.changedRows()
}

func (t *itemsTable) removeAt(i int) {
	if i < 0 || i >= len(t.r.Items) {
		return
	}
	rm := &removedItem{at: i, item: t.r.Items[i], kept: map[string]string{}}
	row := fmt.Sprintf("%sitems[%d]", t.prefix, i)
	for p, raw := range t.ce.e.f.Unparsed {
		if rest, ok := strings.CutPrefix(p, row); ok && (rest == "" || rest[0] == '.') {
			rm.kept[rest] = raw
		}
	}
	t.r.Items = slices.Delete(t.r.Items, i, i+1)
	t.ce.e.dropRow(t.prefix+"items", i)
	t.removed = rm
	name := rm.item.Name
	if strings.TrimSpace(name) == "" {
		name = T("（未命名）")
	}
	t.undoText.SetText(Tf("已删除第 %d 项“%s”。", i+1, name))
	t.undo.Show()
	t.changedRows()
	// The bin had the keyboard and is gone with its row: 撤销 takes it, so
	// the next Tab does not wander towards 删除资源.
	if c := fyne.CurrentApp().Driver().CanvasForObject(t.list); c != nil {
		c.Focus(t.undoButton)
	}
}

// restore puts the item removed last back where it was, with what was
// typed into it.
func (t *itemsTable) restore() {
	rm := t.removed
	if rm == nil {
		return
	}
	at := min(rm.at, len(t.r.Items))
	t.r.Items = slices.Insert(t.r.Items, at, rm.item)
	e := t.ce.e
	e.remapRows(t.prefix+"items", func(n int) (int, bool) {
		if n >= at {
			return n + 1, true
		}
		return n, true
	})
	for rest, raw := range rm.kept {
		if e.f.Unparsed == nil {
			e.f.Unparsed = map[string]string{}
		}
		e.f.Unparsed[fmt.Sprintf("%sitems[%d]%s", t.prefix, at, rest)] = raw
	}
	t.forgetRemoved()
	t.changedRows()
	t.list.ScrollTo(at)
	t.focus(at, "name")
}

// forgetRemoved stops offering 撤销: the table changed otherwise.
func (t *itemsTable) forgetRemoved() {
	t.removed = nil
	if t.undo != nil {
		t.undo.Hide()
	}
}

// changedRows redraws the rows after items were added, moved or removed.
func (t *itemsTable) changedRows() {
	t.updateCount()
	t.list.Refresh()
	t.ce.e.edited()
}

// showMessages puts each visible row's problems under it.
func (t *itemsTable) showMessages() {
	for i, row := range t.rows {
		if row.idx != i {
			delete(t.rows, i) // the row shows another item now
			continue
		}
		row.showMessage()
	}
	t.updateCount()
	var whole []string
	for _, f := range t.ce.e.live {
		if f.Field == t.prefix+"items" {
			whole = append(whole, fieldText(f))
		}
	}
	t.msg.SetText(strings.Join(whole, "\n"))
	if len(whole) == 0 {
		t.msg.Hide()
	} else {
		t.msg.Show()
	}
}

// problemsOf returns the messages of item i: what was typed and not accepted,
// and the check's problems.
func (t *itemsTable) problemsOf(i int) string {
	p := fmt.Sprintf("%sitems[%d]", t.prefix, i)
	var out []string
	if m, ok := t.ce.e.parseErrs[p+".length"]; ok {
		out = append(out, m)
	}
	for _, f := range t.ce.e.live {
		if f.Field == p || strings.HasPrefix(f.Field, p+".") {
			out = append(out, fieldText(f))
		}
	}
	return strings.Join(out, "；")
}

// itemLayout lays a row out: number, name (wide), type, length, buttons.
func itemLayout(no, name, typ, length, buttons fyne.CanvasObject) *fyne.Container {
	h := name.MinSize().Height
	right := container.NewHBox(container.NewGridWrap(fyne.NewSize(124, h), typ),
		container.NewGridWrap(fyne.NewSize(64, h), length), buttons)
	return container.NewBorder(nil, nil, container.NewGridWrap(fyne.NewSize(36, no.MinSize().Height), no), right, name)
}

// itemRow is one row of the items table, bound to item idx by the list.
type itemRow struct {
	widget.BaseWidget
	t       *itemsTable
	idx     int
	binding bool // setting the widgets from the item: ignore their callbacks

	no      *widget.Label
	name    *widget.Entry
	typ     *widget.Select
	length  *widget.Entry
	buttons *fyne.Container
	share   *widget.Select // 同资源 or a share type of the item's own
	extra   *widget.Entry  // the item's share condition or legal basis
	up      *Button
	down    *Button
	del     *Button
	message *widget.Label
	box     *fyne.Container
}

func newItemRow(t *itemsTable) *itemRow {
	r := &itemRow{t: t, idx: -1,
		no:      &widget.Label{},
		name:    &widget.Entry{PlaceHolder: T("信息项名称")},
		length:  &widget.Entry{PlaceHolder: T("长度")},
		message: &widget.Label{Importance: widget.DangerImportance, Truncation: fyne.TextTruncateEllipsis, SizeName: theme.SizeNameCaptionText},
	}
	opts := make([]string, len(app.DataTypeChoices))
	for i, c := range app.DataTypeChoices {
		opts[i] = T(c.Label)
	}
	r.typ = &widget.Select{Options: opts, PlaceHolder: T("请选择"), OnChanged: r.onType}
	shares := []string{T(sameAsResource)}
	for _, c := range app.ShareTypeChoices {
		shares = append(shares, T(c.Label))
	}
	r.share = &widget.Select{Options: shares, OnChanged: r.onShare}
	r.extra = &widget.Entry{OnChanged: r.onExtra}
	r.extra.Hide()
	r.name.OnChanged = r.onName
	r.length.OnChanged = r.onLength
	r.up = newButton(&Button{Button: widget.Button{Icon: theme.MoveUpIcon(), Importance: widget.LowImportance, OnTapped: func() { t.move(r.idx, r.idx-1) }}})
	r.down = newButton(&Button{Button: widget.Button{Icon: theme.MoveDownIcon(), Importance: widget.LowImportance, OnTapped: func() { t.move(r.idx, r.idx+1) }}})
	r.del = newButton(&Button{Button: widget.Button{Icon: theme.DeleteIcon(), Importance: widget.LowImportance, OnTapped: func() { t.removeAt(r.idx) }}})
	r.buttons = container.NewHBox(r.up, r.down, r.del)
	share := container.NewHBox(spacer(36-theme.Padding()), &widget.Label{Text: T("共享类型"), Importance: widget.LowImportance},
		container.NewGridWrap(fyne.NewSize(132, r.name.MinSize().Height), r.share))
	r.box = container.NewVBox(itemLayout(r.no, r.name, r.typ, r.length, r.buttons),
		container.NewBorder(nil, nil, share, nil, r.extra), r.message)
	if !t.ce.e.editable {
		r.buttons.Hide() // moving and removing are edits
		for _, d := range []fyne.Disableable{r.name, r.typ, r.length, r.share, r.extra, r.up, r.down, r.del} {
			d.Disable()
		}
	}
	r.ExtendBaseWidget(r)
	return r
}

// leaveFocus takes the keyboard from the row's input before the row shows
// another item. The list reuses its rows as it scrolls: the clerk clicked
// into item 3 (性别), scrolled, typed ABC, and item 11 became 登记ABC日期,
// saved; a pinyin word being composed went there too (found typing through
// fcitx in the real window). The text typed next goes nowhere instead.
func (r *itemRow) leaveFocus() {
	c := fyne.CurrentApp().Driver().CanvasForObject(r)
	if c == nil || c.Focused() == nil {
		return
	}
	for _, in := range []fyne.Focusable{r.name, r.length, r.typ, r.share, r.extra, r.up, r.down, r.del} {
		if c.Focused() == in {
			c.Unfocus()
			return
		}
	}
}

// CreateRenderer lays the row out.
func (r *itemRow) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(r.box) }

// bind shows item i in the row.
func (r *itemRow) bind(i int) {
	items := r.t.r.Items
	if i >= len(items) {
		return
	}
	if r.idx != i {
		r.leaveFocus()
	}
	r.binding = true
	defer func() { r.binding = false }()
	if r.t.rows[r.idx] == r {
		delete(r.t.rows, r.idx)
	}
	r.idx = i
	r.t.rows[i] = r
	if r.t.ce.e.editable {
		// The first row has nowhere to go up, the last down: their arrows
		// did nothing, and Tab stopped on them.
		enable(r.up, i > 0)
		enable(r.down, i < len(items)-1)
	}
	it := items[i]
	r.no.SetText(strconv.Itoa(i + 1))
	if r.name.Text != it.Name {
		r.name.SetText(it.Name)
	}
	show(r.typ, T(app.LabelOf(app.DataTypeChoices, string(it.DataType))), it.DataType != "")
	ln := ""
	if it.Length != 0 {
		ln = strconv.Itoa(it.Length)
	}
	if raw, bad := r.t.ce.e.f.Unparsed[r.path("length")]; bad {
		ln = raw // keep what was typed, also after a restart
		r.t.ce.e.parseErrs[r.path("length")] = T(lengthWhy)
	}
	if r.length.Text != ln {
		r.length.SetText(ln)
	}
	if it.ShareType == "" {
		show(r.share, T(sameAsResource), true)
	} else {
		show(r.share, T(app.LabelOf(app.ShareTypeChoices, string(it.ShareType))), true)
	}
	r.showExtra(it)
	if f := r.t.pending; f != nil && (time.Now().After(f.until) || f.i == i && f.try()) {
		r.t.pending = nil
	}
	r.showMessage()
}

// show puts label in sel without running its OnChanged (the editor's
// own changes of a drop-down, a reused row's binding); nothing when set is
// false. A stored code the drop-down does not offer is shown as it is:
// Select.SetSelected would ignore it and leave the previous choice on
// screen.
func show(sel *widget.Select, label string, set bool) {
	if !set {
		label = ""
	}
	if sel.Selected != label {
		sel.Selected = label
		sel.Refresh()
	}
}

// spacer is an empty box w wide.
func spacer(w float32) fyne.CanvasObject {
	r := canvas.NewRectangle(color.Transparent)
	r.SetMinSize(fyne.NewSize(w, 1))
	return r
}

// sameAsResource is the share choice of an item shared as its resource is.
const sameAsResource = "同资源"

// showExtra shows the line for the item's own condition or basis when it is
// shared more strictly than its resource, bound to the right field.
func (r *itemRow) showExtra(it app.DataItem) {
	if !r.t.hasExtra(r.idx) {
		r.extra.Hide()
		return
	}
	text, hint := it.ShareCondition, T("本项的共享条件、申请方式")
	if it.ShareType == app.ShareNone {
		text, hint = it.ShareBasis, T("不予共享的依据（法规条款）")
	}
	r.extra.PlaceHolder = hint
	if r.extra.Text != text {
		r.extra.SetText(text)
	}
	r.extra.Show()
	r.extra.Refresh()
}

// lengthWhy says what to type into a length that is not a whole number.
const lengthWhy = "长度请填写整数，如 18"

func (r *itemRow) path(field string) string {
	return fmt.Sprintf("%sitems[%d].%s", r.t.prefix, r.idx, field)
}

func (r *itemRow) showMessage() {
	if r.idx < 0 || r.idx >= len(r.t.r.Items) {
		return
	}
	r.message.SetText(r.t.problemsOf(r.idx))
}

func (r *itemRow) item() *app.DataItem {
	if r.binding || r.idx < 0 || r.idx >= len(r.t.r.Items) {
		return nil
	}
	return &r.t.r.Items[r.idx]
}

func (r *itemRow) onName(s string) {
	if it := r.item(); it != nil {
		it.Name = s
		r.t.ce.e.edited()
	}
}

func (r *itemRow) onType(string) {
	if it := r.item(); it != nil {
		if i := r.typ.SelectedIndex(); i >= 0 {
			it.DataType = app.DataType(app.DataTypeChoices[i].Code)
			r.t.ce.e.edited()
		}
	}
}

func (r *itemRow) onShare(string) {
	it := r.item()
	if it == nil {
		return
	}
	i := r.share.SelectedIndex()
	if i < 0 {
		return
	}
	t := app.ShareType("")
	if i > 0 {
		t = app.ShareType(app.ShareTypeChoices[i-1].Code)
	}
	if t == it.ShareType {
		return
	}
	it.ShareType = t
	r.binding = true
	r.showExtra(*it)
	r.binding = false
	r.t.ce.e.edited()
}

// onExtra keeps the item's condition or basis, whichever its share type
// asks for; the other is left as it was, so switching back loses nothing.
func (r *itemRow) onExtra(s string) {
	it := r.item()
	if it == nil {
		return
	}
	if it.ShareType == app.ShareNone {
		it.ShareBasis = s
	} else {
		it.ShareCondition = s
	}
	r.t.ce.e.edited()
}

func (r *itemRow) onLength(s string) {
	it := r.item()
	if it == nil {
		return
	}
	s = strings.TrimSpace(s)
	n, err := strconv.Atoi(app.AsTyped(s)) // ６４ as an input method types it
	switch {
	case s == "":
		it.Length = 0
		r.t.ce.e.goodInput(r.path("length"))
	case err != nil:
		r.t.ce.e.badInput(r.path("length"), s, T(lengthWhy))
	default:
		it.Length = n
		r.t.ce.e.goodInput(r.path("length"))
	}
	r.t.ce.e.edited()
}

// enable enables or disables d.
func enable(d fyne.Disableable, on bool) {
	if on {
		d.Enable()
	} else {
		d.Disable()
	}
}
