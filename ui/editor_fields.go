package ui

import (
	"fmt"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"image/color"
	"maps"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"egovdesk/app"
)

// field lays out one labelled input with the message line under it and
// registers it as the target of path.
func (e *editorScreen) field(path, label, hint string, input fyne.CanvasObject) fyne.CanvasObject {
	return e.fieldShown(path, label, hint, input, input)
}

// fieldShown is field for an input shown inside shown (a frame that keeps
// it at a size).
func (e *editorScreen) fieldShown(path, label, hint string, input, shown fyne.CanvasObject) fyne.CanvasObject {
	msg := newMessage()
	e.msgs[path] = msg
	e.targets[path] = input
	if d, ok := input.(fyne.Disableable); ok {
		e.inputs = append(e.inputs, d)
	}
	head := container.NewVBox(&widget.Label{Text: T(label), TextStyle: fyne.TextStyle{Bold: true}})
	if hint != "" {
		head.Add(note(T(hint)))
	}
	body := container.NewVBox(shown, msg)
	if r := e.remarkLine(path); r != nil {
		body.Add(r)
	}
	return container.New(&fieldLayout{}, head, body)
}

// fieldLayout lays out a field: its head (the label and the hint) over its
// body (the input, the message line, the remark), a padding apart as in a
// VBox. Beside other fields (sideBySide) the head is as tall as the tallest
// head of its row, so that the inputs of a row start level: 关联资源代码,
// without a hint, sat a line above 发布日期, which has one, and a hint
// wrapped on two lines in half a window put its input below its
// neighbour's.
type fieldLayout struct {
	headH float32 // the row's head height, set by sideBySide; 0 alone
}

func (l *fieldLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	head, body := objs[0].MinSize(), objs[1].MinSize()
	return fyne.NewSize(max(head.Width, body.Width), head.Height+theme.Padding()+body.Height)
}

func (l *fieldLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	hh := max(objs[0].MinSize().Height, l.headH)
	objs[0].Move(fyne.Position{})
	objs[0].Resize(fyne.NewSize(size.Width, hh))
	objs[1].Move(fyne.NewPos(0, hh+theme.Padding()))
	objs[1].Resize(fyne.NewSize(size.Width, size.Height-hh-theme.Padding()))
}

// fieldOf returns the layout and the head and body of o when o is a field
// (fieldShown), or nil.
func fieldOf(o fyne.CanvasObject) (*fieldLayout, *fyne.Container) {
	if c, ok := o.(*fyne.Container); ok {
		if l, ok := c.Layout.(*fieldLayout); ok {
			return l, c
		}
	}
	return nil, nil
}

// sideBySide lays objs out as a grid of cols columns whose fields start
// their inputs level, row by row. Each row is as tall as its tallest cell,
// not as the tallest cell of the grid as Fyne's grid makes every row.
func sideBySide(cols int, objs ...fyne.CanvasObject) *fyne.Container {
	return container.New(&sideBySideLayout{cols: cols}, objs...)
}

type sideBySideLayout struct{ cols int }

// rows returns the visible objects in rows of cols.
func (l *sideBySideLayout) rows(objs []fyne.CanvasObject) [][]fyne.CanvasObject {
	var out [][]fyne.CanvasObject
	for _, o := range objs {
		if !o.Visible() {
			continue
		}
		if len(out) == 0 || len(out[len(out)-1]) == l.cols {
			out = append(out, nil)
		}
		out[len(out)-1] = append(out[len(out)-1], o)
	}
	return out
}

// rowHeights returns the height of the row's heads (the tallest field's
// head) and of the row.
func rowHeights(row []fyne.CanvasObject) (head, height float32) {
	for _, o := range row {
		if _, c := fieldOf(o); c != nil {
			head = max(head, c.Objects[0].MinSize().Height)
		}
	}
	for _, o := range row {
		if _, c := fieldOf(o); c != nil {
			height = max(height, head+theme.Padding()+c.Objects[1].MinSize().Height)
		} else {
			height = max(height, o.MinSize().Height)
		}
	}
	return head, height
}

func (l *sideBySideLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var w, h float32
	rows := l.rows(objs)
	for i, row := range rows {
		for _, o := range row {
			w = max(w, o.MinSize().Width)
		}
		_, rh := rowHeights(row)
		h += rh
		if i > 0 {
			h += theme.Padding()
		}
	}
	return fyne.NewSize(w*float32(l.cols)+theme.Padding()*float32(l.cols-1), h)
}

func (l *sideBySideLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding()
	cellW := (size.Width - pad*float32(l.cols-1)) / float32(l.cols)
	var y float32
	for _, row := range l.rows(objs) {
		// The heads' paragraphs wrap at the cell's width: give it to them
		// before their heights are read.
		for _, o := range row {
			if _, c := fieldOf(o); c != nil && c.Objects[0].Size().Width != cellW {
				c.Objects[0].Resize(fyne.NewSize(cellW, c.Objects[0].MinSize().Height))
			}
		}
		head, height := rowHeights(row)
		for i, o := range row {
			o.Move(fyne.NewPos(float32(i)*(cellW+pad), y))
			cell := fyne.NewSize(cellW, height)
			if fl, c := fieldOf(o); c != nil {
				fl.headH = head
				if c.Size() == cell { // Resize would not lay it out again
					fl.Layout(c.Objects, cell)
				}
			}
			o.Resize(cell)
		}
		y += height + pad
	}
}

// newMessage returns the line under a field that says what is wrong with
// it. The line keeps its room when empty, so that a message appearing or
// going as the clerk types does not move the fields below under the mouse.
func newMessage() *paragraph {
	return &paragraph{Importance: widget.DangerImportance, SizeName: theme.SizeNameCaptionText}
}

// growing returns a multi-line entry that grows with its text instead of
// scrolling inside itself, at least rows lines high: the form around it
// scrolls, with the wheel too, and the whole text stays readable.
func growing(in *textArea, rows int) fyne.CanvasObject {
	probe := &widget.Entry{MultiLine: true}
	probe.SetMinRowsVisible(rows)
	in.Scroll = container.ScrollNone
	floor := canvas.NewRectangle(color.Transparent)
	floor.SetMinSize(fyne.NewSize(0, probe.MinSize().Height))
	return container.NewStack(floor, in)
}

// text edits *ptr with an entry; multi-line entries wrap.
func (e *editorScreen) text(path, label, hint string, ptr *string, multi bool) fyne.CanvasObject {
	changed := func(s string) {
		*ptr = s
		e.edited()
	}
	if multi {
		in := newTextArea(*ptr)
		in.Wrapping = wrapping()
		in.OnChanged = changed
		return e.fieldShown(path, label, hint, in, growing(in, 4))
	}
	in := &widget.Entry{Text: *ptr}
	in.ExtendBaseWidget(in)
	in.OnChanged = changed
	return e.field(path, label, hint, in)
}

// code is text for a code (统一社会信用代码, 提供方代码, 行政区划代码): typed
// full-width through an input method, in small letters or in groups, it is
// written as codes are kept on leaving the field (app.NormalizeCode).
func (e *editorScreen) code(path, label, hint string, ptr *string) fyne.CanvasObject {
	return e.dateLike(path, label, hint, ptr, app.NormalizeCode)
}

// phone is text for a telephone number: typed full-width (１３９ １２３４…),
// it is written half-width on leaving the field (app.NormalizePhone); it
// was refused as 格式不正确.
func (e *editorScreen) phone(path, label, hint string, ptr *string) fyne.CanvasObject {
	return e.dateLike(path, label, hint, ptr, app.NormalizePhone)
}

// date is text for a date: what the clerk types in another common form
// (2027/6/30, 2027年6月30日) is written YYYY-MM-DD on leaving the field.
func (e *editorScreen) date(path, label, hint string, ptr *string) fyne.CanvasObject {
	return e.dateLike(path, label, hint, ptr, app.NormalizeDate)
}

// month is date for a year and month (建设周期): 2027年3月 becomes 2027-03.
func (e *editorScreen) month(path, label, hint string, ptr *string) fyne.CanvasObject {
	return e.dateLike(path, label, hint, ptr, app.NormalizeYearMonth)
}

func (e *editorScreen) dateLike(path, label, hint string, ptr *string, read func(string) (string, bool)) fyne.CanvasObject {
	in := &widget.Entry{Text: *ptr}
	in.ExtendBaseWidget(in)
	in.OnChanged = func(s string) {
		*ptr = s
		e.edited()
	}
	e.readAs(in, read)
	return e.field(path, label, hint, in)
}

// readAs puts the text of in the way the filing keeps it with read when
// the clerk leaves it or submits (normalize).
func (e *editorScreen) readAs(in *widget.Entry, read func(string) (string, bool)) {
	if e.dates == nil {
		e.dates = map[*widget.Entry]func(string) (string, bool){}
	}
	e.dates[in] = read
}

// textArea is a multi-line entry that leaves Tab to move the focus, as in
// every other field: Fyne's takes Tab as a character, so a clerk moving
// through the form with the keyboard was stuck in the first text box and
// put tab characters into the filing instead. A line break is Enter.
type textArea struct{ widget.Entry }

func newTextArea(text string) *textArea {
	t := &textArea{}
	t.Text, t.MultiLine = text, true
	t.ExtendBaseWidget(t)
	return t
}

// AcceptsTab is false: Tab and Shift+Tab move the focus.
func (t *textArea) AcceptsTab() bool { return false }

// TypedShortcut adds Ctrl+Home and Ctrl+End, the start and the end of the
// text, to the entry's: Fyne's multi-line entry did nothing with them,
// and a clerk adding to a long 建设内容 used them first (found in the real
// window). They move as PageUp and PageDown do.
func (t *textArea) TypedShortcut(s fyne.Shortcut) {
	if c, ok := s.(*desktop.CustomShortcut); ok && c.Modifier == fyne.KeyModifierShortcutDefault {
		switch c.KeyName {
		case fyne.KeyHome:
			t.TypedKey(&fyne.KeyEvent{Name: fyne.KeyPageUp})
			return
		case fyne.KeyEnd:
			t.TypedKey(&fyne.KeyEvent{Name: fyne.KeyPageDown})
			return
		}
	}
	t.Entry.TypedShortcut(s)
}

// entryOf returns the entry of a field's input: the widget itself, or a
// textArea's entry; nil for other inputs.
func entryOf(o fyne.CanvasObject) *widget.Entry {
	switch in := o.(type) {
	case *widget.Entry:
		return in
	case *textArea:
		return &in.Entry
	}
	return nil
}

// number edits an integer; what is not a number is kept as typed and
// explained under the field.
func (e *editorScreen) number(path, label, hint string, ptr *int) fyne.CanvasObject {
	why := func(error) string { return T("请填写数字，如 2027") }
	in := parsedEntry(e, path, "", ptr, strconv.Itoa, func(s string) (int, error) {
		return strconv.Atoi(app.AsTyped(s)) // ２０２７ as an input method types it
	}, why)
	return e.field(path, label, hint, in)
}

// parsedEntry returns an entry bound to *ptr through parse and format. Blank
// text sets the zero value; text that does not parse stays in the entry as
// typed and in the filing's Unparsed under path, with why(err) under the
// field, and *ptr keeps its last good value.
func parsedEntry[V comparable](e *editorScreen, path, placeholder string, ptr *V,
	format func(V) string, parse func(string) (V, error), why func(error) string) *widget.Entry {
	var zero V
	in := &widget.Entry{PlaceHolder: placeholder}
	if raw, ok := e.f.Unparsed[path]; ok {
		in.Text = raw
		if _, err := parse(raw); err != nil {
			e.parseErrs[path] = why(err)
		}
	} else if *ptr != zero {
		in.Text = format(*ptr)
	}
	in.ExtendBaseWidget(in)
	in.OnChanged = func(s string) {
		if strings.TrimSpace(s) == "" {
			*ptr = zero
			e.goodInput(path)
		} else if v, err := parse(s); err != nil {
			// What cannot be read is unknown, not the last value that
			// could: "12o" after "12" went on as 12 into the route and
			// the checks ("不能超过总投资概算（12 万元）").
			*ptr = zero
			e.badInput(path, s, why(err))
		} else {
			*ptr = v
			e.goodInput(path)
		}
		e.edited()
	}
	return in
}

// badInput notes that the text s typed at path cannot be read, and why. The
// text is kept in the filing (Unparsed), so it is saved like any edit and
// survives a crash until the clerk corrects it.
func (e *editorScreen) badInput(path, s, why string) {
	e.parseErrs[path] = why
	if e.f.Unparsed == nil {
		e.f.Unparsed = map[string]string{}
	}
	e.f.Unparsed[path] = s
}

// goodInput forgets that the text at path could not be read.
func (e *editorScreen) goodInput(path string) {
	delete(e.parseErrs, path)
	delete(e.f.Unparsed, path)
}

// dropRow forgets the kept texts of row i of the table at root ("budget")
// and moves those of the later rows up by one, as the rows themselves move.
func (e *editorScreen) dropRow(root string, i int) {
	e.remapRows(root, func(n int) (int, bool) {
		switch {
		case n < i:
			return n, true
		case n > i:
			return n - 1, true
		}
		return 0, false
	})
}

// swapRows exchanges the kept texts of rows i and j of the table at root.
func (e *editorScreen) swapRows(root string, i, j int) {
	e.remapRows(root, func(n int) (int, bool) {
		switch n {
		case i:
			return j, true
		case j:
			return i, true
		}
		return n, true
	})
}

// remapRows renumbers the kept texts (Unparsed) and their messages of the
// rows of the table at root: to(n) gives row n's new index, or false to drop it.
func (e *editorScreen) remapRows(root string, to func(n int) (int, bool)) {
	for row := range e.fresh { // the rows moved: none is taken for another
		if strings.HasPrefix(row, root+"[") {
			delete(e.fresh, row)
		}
	}
	moved := map[string]string{}
	for p, raw := range e.f.Unparsed {
		if q, row, keep := renumber(root, to, p); row {
			delete(e.f.Unparsed, p)
			delete(e.parseErrs, p)
			if keep {
				moved[q] = raw
			}
		}
	}
	maps.Copy(e.f.Unparsed, moved)
	// The fields left filled in move with their rows too: a row added
	// after one was taken out above took the "left" of the row that had
	// its number and showed its blanks red at once (found in the real
	// window).
	left := map[string]bool{}
	for p := range e.left {
		if q, row, keep := renumber(root, to, p); row {
			delete(e.left, p)
			if keep {
				left[q] = true
			}
		}
	}
	maps.Copy(e.left, left)
}

// renumber returns path p of a row of the table at root with the row's
// new number by to, whether p is of such a row at all, and whether the
// row is kept.
func renumber(root string, to func(n int) (int, bool), p string) (string, bool, bool) {
	if !strings.HasPrefix(p, root+"[") {
		return p, false, false
	}
	var n int
	if _, err := fmt.Sscanf(p[len(root)+1:], "%d", &n); err != nil {
		return p, false, false
	}
	m, ok := to(n)
	return fmt.Sprintf("%s[%d]%s", root, m, p[strings.IndexByte(p[len(root):], ']')+len(root)+1:]), true, ok
}

// moneyEntry returns an entry of an amount in 万元 bound to *ptr. What does
// not parse stays in the entry as typed, with the reason under the field
// (under msgPath), and the amount is none until it is mended.
func (e *editorScreen) moneyEntry(msgPath string, ptr *app.Money) *widget.Entry {
	why := func(err error) string {
		return errorText(err) + T("（已保留您输入的内容，请改正）")
	}
	return parsedEntry(e, msgPath, T("万元，如 120 或 9.99"), ptr, app.Money.WanString, app.ParseWan, why)
}

// money edits an amount in 万元.
func (e *editorScreen) money(path, label, hint string, ptr *app.Money) fyne.CanvasObject {
	return e.field(path, label, hint, e.moneyEntry(path, ptr))
}

// choice edits a code from choices with a drop-down.
func (e *editorScreen) choice(path, label, hint string, choices []app.Choice, get func() string, set func(string)) fyne.CanvasObject {
	return e.field(path, label, hint, e.choiceSelect(choices, get, set))
}

func (e *editorScreen) choiceSelect(choices []app.Choice, get func() string, set func(string)) *widget.Select {
	return selectOf(choices, get, func(code string) {
		set(code)
		e.edited()
	})
}

// selectOf returns a drop-down of choices in the UI's language showing get()
// and passing the chosen code to set.
func selectOf(choices []app.Choice, get func() string, set func(string)) *widget.Select {
	opts := make([]string, len(choices))
	for i, c := range choices {
		opts[i] = T(c.Label)
	}
	sel := &widget.Select{Options: opts, PlaceHolder: T("请选择")}
	if cur := get(); cur != "" {
		sel.Selected = T(app.LabelOf(choices, cur))
	}
	sel.ExtendBaseWidget(sel)
	sel.OnChanged = func(string) {
		if i := sel.SelectedIndex(); i >= 0 {
			set(choices[i].Code)
		}
	}
	return sel
}

// level edits a level 1–4 (等保, 密码应用等级).
func (e *editorScreen) level(path, label, hint string, ptr *int) fyne.CanvasObject {
	return e.choice(path, label, hint, app.SecurityLevelChoices,
		func() string {
			if *ptr == 0 {
				return ""
			}
			return strconv.Itoa(*ptr)
		},
		func(code string) { *ptr, _ = strconv.Atoi(code) })
}

// check edits a yes/no statement; the statement wraps beside the box.
func (e *editorScreen) check(path, statement string, ptr *bool) fyne.CanvasObject {
	c := &widget.Check{Checked: *ptr}
	c.ExtendBaseWidget(c)
	c.OnChanged = func(b bool) {
		*ptr = b
		e.edited()
	}
	msg := newMessage()
	e.msgs[path] = msg
	e.targets[path] = c
	e.inputs = append(e.inputs, c)
	box := container.NewVBox(container.NewBorder(nil, nil, c, nil, &paragraph{Text: T(statement)}), msg)
	// A reviewer's remark under the box, as under a text field: it was
	// only a link in the banner, which led to the box without it (found
	// in a walkthrough).
	if r := e.remarkLine(path); r != nil {
		box.Add(r)
	}
	return box
}

// rowMessage returns the message line of a table row, registered for path.
func (e *editorScreen) rowMessage(path string, target fyne.CanvasObject) *paragraph {
	msg := newMessage()
	msg.Hide() // rows stay compact: a row's message shows only when there is one
	e.rowMsgs[msg] = true
	e.msgs[path] = msg
	e.targets[path] = target
	return msg
}

// removeButton returns the button that removes row i of rows. The row
// that takes its place (or the one before it, or the table's add button
// when none is left) then has the keyboard: after 删除 → 是 nothing had it
// and the next word typed was dropped (found typing in the real window).
func (e *editorScreen) removeButton(what string, rows *fyne.Container, i int, remove func()) *Button {
	b := newButton(&Button{Button: widget.Button{Text: T("删除"), Importance: widget.LowImportance}})
	b.OnTapped = func() {
		showConfirm(T("删除"), fmt.Sprintf(T("删除这一%s？"), T(what)), func(ok bool) {
			if ok {
				remove()
				e.focusAfterRemoval(rows, i)
			}
		}, e.u.win)
	}
	e.inputs = append(e.inputs, b)
	e.editOnly(b)
	return b
}

// focusAfterRemoval gives the keyboard to the row now at i in rows, or to
// the last row when i was the last, or to the table's add button.
func (e *editorScreen) focusAfterRemoval(rows *fyne.Container, i int) {
	if n := len(rows.Objects); n > 0 {
		if f := firstInput(rows.Objects[min(i, n-1)]); f != nil {
			focusAtEnd(e.u.win.Canvas(), f)
			return
		}
	}
	if add := e.addFor[rows]; add != nil && add.Visible() && !add.Disabled() {
		e.u.win.Canvas().Focus(add)
	}
}

// addRowButton is addButton for a table whose rows are rows: the row added
// (the last) takes the keyboard. After 添加问题 nothing had it, and the
// word typed next through the input method was dropped (found typing in
// the real window); the declaration's own tables focus theirs already.
func (e *editorScreen) addRowButton(text string, rows *fyne.Container, add func()) *Button {
	return e.addButtonFor(rows, text, func() {
		add()
		if n := len(rows.Objects); n > 0 {
			e.focusFirst(rows.Objects[n-1])
		}
	})
}

// addButtonFor is addButton for the table whose rows are rows: the button
// takes the keyboard when the table's last row is removed.
func (e *editorScreen) addButtonFor(rows *fyne.Container, text string, add func()) *Button {
	b := e.addButton(text, add)
	if e.addFor == nil {
		e.addFor = map[*fyne.Container]*Button{}
	}
	e.addFor[rows] = b
	return b
}

// addButton returns a button that adds a row to a table.
func (e *editorScreen) addButton(text string, add func()) *Button {
	b := newButton(&Button{Button: widget.Button{Text: T(text), OnTapped: add}})
	e.inputs = append(e.inputs, b)
	e.editOnly(b)
	return b
}

// editOnly hides o when the filing cannot be edited: a read-only filing
// showed 添加资源, 删除 and 添加附件…, greyed, doing nothing. e.editable is
// set before the screen is built and does not change while it is shown
// (修改 opens a new editor on the new revision).
func (e *editorScreen) editOnly(o fyne.CanvasObject) {
	if !e.editable {
		o.Hide()
	}
}

// forgetRows drops the targets, messages and parse errors of a rebuilt table.
func (e *editorScreen) forgetRows(root string) {
	prefix := root + "["
	for p := range e.targets {
		if strings.HasPrefix(p, prefix) {
			delete(e.targets, p)
		}
	}
	for p, l := range e.msgs {
		if strings.HasPrefix(p, prefix) {
			delete(e.rowMsgs, l)
			delete(e.msgs, p)
		}
	}
	for p := range e.parseErrs {
		if strings.HasPrefix(p, prefix) {
			delete(e.parseErrs, p)
		}
	}
}

// checkGroup returns one box for each of choices, ticked for the codes in
// *codes. Ticking or clearing a box sets *codes to the chosen codes in the
// order of choices (nil when none) and calls edited.
func checkGroup[C ~string](choices []app.Choice, codes *[]C, edited func()) *widget.CheckGroup {
	opts := make([]string, len(choices))
	var sel []string
	for i, c := range choices {
		opts[i] = T(c.Label)
		if slices.Contains(*codes, C(c.Code)) {
			sel = append(sel, T(c.Label))
		}
	}
	g := &widget.CheckGroup{Options: opts, Selected: sel, Horizontal: true}
	g.ExtendBaseWidget(g)
	g.OnChanged = func(selected []string) {
		var out []C
		for _, c := range choices {
			if slices.Contains(selected, T(c.Label)) {
				out = append(out, C(c.Code))
			}
		}
		*codes = out
		edited()
	}
	return g
}
