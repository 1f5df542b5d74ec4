//go:build ci

package main

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"egovdesk/app"
	"egovdesk/ui"
)

// clerk drives the client's window as a clerk does: by what it shows. It
// finds a button by its label, a field by the label above it, a row of a
// list by its text, and reads the text on screen; it taps and types with
// Fyne's test driver. It knows nothing of the ui package's insides.
type clerk struct {
	tb testing.TB
	d  *harness
	w  fyne.Window
}

func clerkOf(tb testing.TB, d *harness) *clerk { return &clerk{tb: tb, d: d, w: d.w} }

// layers returns what is on screen, the topmost dialog or menu first.
func (c *clerk) layers() []fyne.CanvasObject {
	over := c.w.Canvas().Overlays().List()
	var out []fyne.CanvasObject
	for i := len(over) - 1; i >= 0; i-- {
		out = append(out, over[i])
	}
	return append(out, c.w.Content())
}

// walkShown calls fn for o and everything shown under it (hidden objects
// and what is under them are skipped), widgets' renderers included; fn
// returns false to skip what is under o.
func walkShown(o fyne.CanvasObject, fn func(fyne.CanvasObject) bool) {
	if o == nil || !o.Visible() || !fn(o) {
		return
	}
	switch v := o.(type) {
	case *fyne.Container:
		for _, ch := range v.Objects {
			walkShown(ch, fn)
		}
	case fyne.Widget:
		for _, ch := range test.WidgetRenderer(v).Objects() {
			walkShown(ch, fn)
		}
	}
}

// textOf returns the text shown under o, one label a line.
func textOf(o fyne.CanvasObject) string {
	var b strings.Builder
	walkShown(o, func(o fyne.CanvasObject) bool {
		if s, ok := shownString(o); ok {
			b.WriteString(s + "\n")
			return false
		}
		return true
	})
	return b.String()
}

// text returns all the text on screen, dialogs first.
func (c *clerk) text() string {
	c.d.pump()
	var b strings.Builder
	for _, l := range c.layers() {
		b.WriteString(textOf(l))
	}
	return b.String()
}

// first returns the first object shown (topmost layer first) that match
// accepts, or the zero T.
func first[T fyne.CanvasObject](c *clerk, match func(T) bool) T {
	var found T
	var ok bool
	for _, l := range c.layers() {
		walkShown(l, func(o fyne.CanvasObject) bool {
			if ok {
				return false
			}
			if t, is := as[T](o); is && match(t) {
				found, ok = t, true
			}
			return !ok
		})
		if ok {
			break
		}
	}
	return found
}

// hasButton reports whether a button labelled label is shown.
func (c *clerk) hasButton(label string) bool {
	c.d.pump()
	return first(c, func(b *widget.Button) bool { return b.Text == label }) != nil
}

// button returns the button labelled label, in the topmost dialog first.
func (c *clerk) button(label string) *widget.Button {
	c.tb.Helper()
	var b *widget.Button
	// A screen reads the store off the Fyne thread: wait for it, as a
	// clerk waits for the screen to fill.
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(2 * time.Millisecond) {
		c.d.pump()
		if b = first(c, func(b *widget.Button) bool { return b.Text == label }); b != nil {
			return b
		}
		if time.Now().After(deadline) {
			c.tb.Fatalf("no button %q on screen:\n%s", label, c.text())
		}
	}
}

// tap taps the button labelled label and runs what it queued.
func (c *clerk) tap(label string) {
	c.tb.Helper()
	test.Tap(c.button(label))
	c.d.pump()
}

// tapText taps the innermost tappable thing (a list row, a menu item, a
// line of the problem list) whose text match accepts.
func (c *clerk) tapText(what string, match func(string) bool) {
	c.tb.Helper()
	c.d.pump()
	var hit fyne.Tappable
	var visit func(o fyne.CanvasObject, tap fyne.Tappable)
	visit = func(o fyne.CanvasObject, tap fyne.Tappable) {
		if hit != nil || o == nil || !o.Visible() {
			return
		}
		if t, ok := o.(fyne.Tappable); ok {
			tap = t
		}
		if s, ok := shownString(o); ok {
			if tap != nil && match(s) {
				hit = tap
			}
			return
		}
		if t, ok := o.(*canvas.Text); ok { // tabs and menu items draw their text
			if tap != nil && match(t.Text) {
				hit = tap
			}
			return
		}
		switch v := o.(type) {
		case *fyne.Container:
			for _, ch := range v.Objects {
				visit(ch, tap)
			}
		case fyne.Widget:
			for _, ch := range test.WidgetRenderer(v).Objects() {
				visit(ch, tap)
			}
		}
	}
	for deadline := time.Now().Add(5 * time.Second); hit == nil; time.Sleep(2 * time.Millisecond) {
		c.d.pump()
		for _, l := range c.layers() {
			if visit(l, nil); hit != nil {
				break
			}
		}
		if hit == nil && time.Now().After(deadline) {
			c.tb.Fatalf("nothing to tap showing %s:\n%s", what, c.text())
		}
	}
	hit.Tapped(&fyne.PointEvent{})
	c.d.pump()
}

// section shows the editor's section titled title, as clicking it in the
// list of sections does (its line may carry a count of problems).
func (c *clerk) section(title string) {
	c.tb.Helper()
	c.tapText("the section "+title, func(s string) bool { return s == title || strings.HasPrefix(s, title+"  ⚠") })
}

// field returns the box of the field labelled label: its head (the label
// and its hint) over its body (the input, the message line under it and a
// remark), or, for other boxes, the label, its hint, the input and the
// message line.
func (c *clerk) field(label string) *fyne.Container {
	c.tb.Helper()
	c.d.pump()
	labelled := func(o fyne.CanvasObject) bool {
		l, ok := o.(*widget.Label)
		return ok && l.Text == label && l.TextStyle.Bold
	}
	box := first(c, func(b *fyne.Container) bool {
		if head, body := fieldParts(b); head != nil && body != nil {
			return labelled(head.Objects[0])
		}
		return len(b.Objects) >= 3 && labelled(b.Objects[0])
	})
	if box == nil {
		c.tb.Fatalf("no field %q on screen:\n%s", label, c.text())
	}
	return box
}

// input returns the first input of type T in the field labelled label.
func input[T fyne.CanvasObject](c *clerk, label string) T {
	c.tb.Helper()
	var found T
	var ok bool
	walkShown(c.field(label), func(o fyne.CanvasObject) bool {
		if t, is := o.(T); is && !ok {
			found, ok = t, true
		}
		return !ok
	})
	if !ok {
		c.tb.Fatalf("the field %q has no %T", label, found)
	}
	return found
}

// inputsIn returns the inputs of type T in the field labelled label that
// match accepts, in the order shown (the amounts of a table's rows).
func inputsIn[T fyne.CanvasObject](c *clerk, label string, match func(T) bool) []T {
	c.tb.Helper()
	var out []T
	walkShown(c.field(label), func(o fyne.CanvasObject) bool {
		if t, is := o.(T); is && match(t) {
			out = append(out, t)
		}
		return true
	})
	return out
}

// entry returns the entry of the field labelled label: a widget.Entry, or
// the Entry a multi-line text box embeds (ui's textArea, which leaves Tab
// to the focus).
func (c *clerk) entry(label string) *widget.Entry {
	c.tb.Helper()
	var found *widget.Entry
	walkShown(c.field(label), func(o fyne.CanvasObject) bool {
		if found == nil {
			found = embeddedEntry(o)
		}
		return found == nil
	})
	if found == nil {
		c.tb.Fatalf("the field %q has no entry", label)
	}
	return found
}

// embeddedEntry returns o as an entry, or the widget.Entry o embeds; nil
// for other widgets.
func embeddedEntry(o fyne.CanvasObject) *widget.Entry { return embedded[widget.Entry](o) }

// embeddedList is embeddedEntry for lists (ui's enterList takes Enter).
func embeddedList(o fyne.CanvasObject) *widget.List { return embedded[widget.List](o) }

// embedded returns o as a *W, or the W that o, a struct, embeds; nil else.
func embedded[W any](o fyne.CanvasObject) *W {
	if w, ok := any(o).(*W); ok {
		return w
	}
	v := reflect.ValueOf(o)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return nil
	}
	t := reflect.TypeFor[W]()
	f, ok := v.Elem().Type().FieldByName(t.Name())
	if !ok || !f.Anonymous || f.Type != t {
		return nil
	}
	return v.Elem().FieldByIndex(f.Index).Addr().Interface().(*W)
}

// sel returns the drop-down of the field labelled label.
func (c *clerk) sel(label string) *widget.Select { return input[*widget.Select](c, label) }

// fieldParts returns the head and the body of a field's box (ui's
// fieldShown), or nils for another box.
func fieldParts(b *fyne.Container) (head, body *fyne.Container) {
	if len(b.Objects) != 2 {
		return nil, nil
	}
	head, _ = b.Objects[0].(*fyne.Container)
	body, _ = b.Objects[1].(*fyne.Container)
	if head == nil || body == nil || len(head.Objects) == 0 || len(body.Objects) < 2 {
		return nil, nil
	}
	return head, body
}

// message returns the message under the field labelled label.
func (c *clerk) message(label string) string {
	c.tb.Helper()
	box := c.field(label)
	msg := box.Objects[len(box.Objects)-1]
	if _, body := fieldParts(box); body != nil {
		msg = body.Objects[1] // the input, the message, a remark
	}
	if msg.Visible() {
		if s, ok := shownString(msg); ok {
			return s
		}
	}
	return ""
}

// placeholder returns the entry shown with placeholder ph.
func (c *clerk) placeholder(ph string) *widget.Entry {
	c.tb.Helper()
	c.d.pump()
	e := first(c, func(e *widget.Entry) bool { return e.PlaceHolder == ph })
	if e == nil {
		c.tb.Fatalf("no entry %q on screen", ph)
	}
	return e
}

// tickAll ticks every box shown that is not ticked (the 确认事项 section)
// and returns how many it ticked.
func (c *clerk) tickAll() int {
	c.d.pump()
	var boxes []*widget.Check
	for _, l := range c.layers()[len(c.layers())-1:] {
		walkShown(l, func(o fyne.CanvasObject) bool {
			if b, ok := o.(*widget.Check); ok && !b.Checked && !b.Disabled() {
				boxes = append(boxes, b)
			}
			return true
		})
	}
	for _, b := range boxes {
		test.Tap(b)
	}
	c.d.pump()
	return len(boxes)
}

// pane returns the text of the innermost scrolling pane that shows a label
// containing s ("" when none): the detail of an inbox entry, the timeline.
func (c *clerk) pane(s string) string {
	c.d.pump()
	var found string
	var visit func(o fyne.CanvasObject, scroll fyne.CanvasObject)
	visit = func(o fyne.CanvasObject, scroll fyne.CanvasObject) {
		if found != "" || o == nil || !o.Visible() {
			return
		}
		if sc, ok := o.(*container.Scroll); ok {
			scroll = sc
		}
		if t, ok := shownString(o); ok {
			if scroll != nil && strings.Contains(t, s) {
				found = textOf(scroll)
			}
			return
		}
		switch v := o.(type) {
		case *fyne.Container:
			for _, ch := range v.Objects {
				visit(ch, scroll)
			}
		case fyne.Widget:
			for _, ch := range test.WidgetRenderer(v).Objects() {
				visit(ch, scroll)
			}
		}
	}
	visit(c.w.Content(), nil)
	return found
}

// below returns the text shown after the heading head in the box that
// holds it (the deadlines under 时间要求).
func (c *clerk) below(head string) string {
	c.d.pump()
	box := first(c, func(b *fyne.Container) bool {
		return slices.ContainsFunc(b.Objects, func(o fyne.CanvasObject) bool {
			_, isBox := o.(*fyne.Container)
			return !isBox && strings.TrimSpace(textOf(o)) == head
		})
	})
	if box == nil {
		return ""
	}
	var b strings.Builder
	after := false
	for _, o := range box.Objects {
		if after {
			b.WriteString(textOf(o))
		}
		if _, isBox := o.(*fyne.Container); !isBox && strings.TrimSpace(textOf(o)) == head {
			after = true
		}
	}
	return b.String()
}

// list returns the list shown that match accepts (the filing list, the
// sections), nil when none.
func (c *clerk) list(match func(*widget.List) bool) *widget.List {
	c.d.pump()
	var found *widget.List
	for _, l := range c.layers() {
		walkShown(l, func(o fyne.CanvasObject) bool {
			if w := embeddedList(o); found == nil && w != nil && match(w) {
				found = w
			}
			return found == nil
		})
		if found != nil {
			break
		}
	}
	return found
}

// homeShown reports whether the filing list is the screen shown: its
// search box is on screen.
func (c *clerk) homeShown() bool {
	c.d.pump()
	ph := ui.T("搜索项目名称，如“智慧社区”")
	return first(c, func(e *widget.Entry) bool { return e.PlaceHolder == ph }) != nil
}

// editable reports whether the filing open in the editor can be edited:
// 检查并提交 is offered only then.
func (c *clerk) editable() bool { return c.hasButton(ui.T("检查并提交")) }

// newFiling runs open (a tap on 新建…) and returns the ID of the filing it
// created, once the draft is in the store.
func (c *clerk) newFiling(open func()) string {
	c.tb.Helper()
	ctx := context.Background()
	rows, err := c.d.store.List(ctx, app.Query{})
	if err != nil {
		c.tb.Fatal(err)
	}
	before := map[string]bool{}
	for _, r := range rows {
		before[r.ID] = true
	}
	open()
	var id string
	c.d.eventually(c.tb, "the new draft in the store", func() bool {
		rows, err := c.d.store.List(ctx, app.Query{})
		if err != nil {
			return false
		}
		for _, r := range rows {
			if !before[r.ID] {
				id = r.ID
				return true
			}
		}
		return false
	})
	return id
}

// submit taps 检查并提交 and returns the problem list it shows, "" when
// there is none and it asks to confirm instead (that dialog stays open).
func (c *clerk) submit() string {
	c.tb.Helper()
	c.tap(ui.T("检查并提交"))
	if first(c, func(b *widget.Button) bool { return b.Text == "Yes" || b.Text == "是" }) != nil {
		return ""
	}
	txt := dialogText(c.w)
	if txt == "" {
		c.tb.Fatalf("检查并提交 showed nothing:\n%s", c.text())
	}
	return txt
}

// attach attaches the file at path (the desktop's dialog answers with it:
// files) by tapping button (添加附件…, or a material's 附加文件…) and 附加 in the
// question that shows the file and what it counts as.
func (c *clerk) attach(files *pickedFiles, path string, button *widget.Button) {
	c.tb.Helper()
	files.paths = append(files.paths, path)
	test.Tap(button)
	c.d.eventually(c.tb, "the question before attaching "+filepath.Base(path), func() bool {
		return strings.Contains(c.text(), filepath.Base(path))
	})
	tapDialogButton(c.tb, c.w, ui.T("附加"))
	c.d.eventually(c.tb, filepath.Base(path)+" attached", func() bool {
		return !strings.Contains(c.text(), ui.T("正在复制附件…")) && strings.Contains(c.text(), filepath.Base(path))
	})
}

// near returns the button labelled label in the smallest box on screen that
// also shows a text match accepts (a material's 附加文件… in its row).
func (c *clerk) near(what string, match func(string) bool, label string) *widget.Button {
	c.tb.Helper()
	c.d.pump()
	var best *widget.Button
	var visit func(o fyne.CanvasObject) (hasText bool, btn *widget.Button)
	visit = func(o fyne.CanvasObject) (bool, *widget.Button) {
		if best != nil || o == nil || !o.Visible() {
			return false, nil
		}
		if b := asButton(o); b != nil {
			if b.Text == label {
				return false, b
			}
			return false, nil
		}
		if s, ok := shownString(o); ok {
			return match(s), nil
		}
		var kids []fyne.CanvasObject
		switch v := o.(type) {
		case *fyne.Container:
			kids = v.Objects
		case fyne.Widget:
			kids = test.WidgetRenderer(v).Objects()
		}
		has, btn := false, (*widget.Button)(nil)
		for _, k := range kids {
			h, b := visit(k)
			if best != nil {
				return false, nil
			}
			has = has || h
			if btn == nil {
				btn = b
			}
		}
		if has && btn != nil {
			best = btn
		}
		return has, btn
	}
	visit(c.w.Content())
	if best == nil {
		c.tb.Fatalf("no %q beside %s on screen:\n%s", label, what, c.text())
	}
	return best
}

// pdf writes a small PDF named name into dir and returns its path.
func pdf(tb testing.TB, dir, name string) string {
	tb.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte("%PDF-1.4 "+name), 0o600); err != nil {
		tb.Fatal(err)
	}
	return p
}

// pickedFiles is the desktop's file dialog at the seam: it answers with the
// next path, or fails as a desktop without a dialog program does.
type pickedFiles struct {
	paths  []string
	err    error
	filter ui.FileFilter
}

func (p *pickedFiles) Open(_ context.Context, _, _ string, f ui.FileFilter) (string, error) {
	p.filter = f
	if p.err != nil || len(p.paths) == 0 {
		return "", p.err
	}
	path := p.paths[0]
	p.paths = p.paths[1:]
	return path, nil
}

func (p *pickedFiles) Folder(context.Context, string, string) (string, error) { return "", nil }

func (p *pickedFiles) Save(context.Context, string, string, string, ui.FileFilter) (string, error) {
	return "", p.err
}

// openInboxEntry opens the inbox with its button in the header and taps the
// line of entry m, as a clerk does.
func openInboxEntry(c *clerk, m app.Message) {
	c.tb.Helper()
	inbox := ui.T("收件箱")
	c.tapText("the inbox button", func(s string) bool { return strings.HasPrefix(s, inbox) })
	want := m.Title
	if m.FilingTitle != "" {
		want = m.FilingTitle
	}
	c.tapText("the inbox line of "+want, func(s string) bool { return strings.HasPrefix(s, want) })
}

// itemRow returns the name, data type and length inputs of item i (from 0)
// of the catalogue's items table shown: the row numbered i+1.
func itemRow(c *clerk, i int) (name *widget.Entry, typ *widget.Select, length *widget.Entry) {
	c.tb.Helper()
	c.d.pump()
	no := strconv.Itoa(i + 1)
	namePH, lengthPH := ui.T("信息项名称"), ui.T("长度")
	// The innermost box with the row's number and its inputs: a box is
	// visited before the boxes in it, so the last match is the row.
	walkShown(c.w.Content(), func(o fyne.CanvasObject) bool {
		row, ok := o.(*fyne.Container)
		if !ok {
			return true
		}
		var numbered bool
		var n, l *widget.Entry
		var s *widget.Select
		for _, ch := range row.Objects {
			walkShown(ch, func(x fyne.CanvasObject) bool {
				switch v := x.(type) {
				case *widget.Label:
					numbered = numbered || v.Text == no
				case *widget.Entry:
					if v.PlaceHolder == namePH {
						n = v
					} else if v.PlaceHolder == lengthPH {
						l = v
					}
				case *widget.Select:
					s = v
				}
				return true
			})
		}
		if numbered && n != nil && l != nil && s != nil {
			name, typ, length = n, s, l
		}
		return true
	})
	if name == nil {
		c.tb.Fatalf("no row %s in the items table on screen", no)
	}
	return name, typ, length
}

// homeList returns the list of filings on the home screen.
func (c *clerk) homeList() *widget.List {
	c.tb.Helper()
	l := c.list(func(*widget.List) bool { return true })
	if l == nil || !c.homeShown() {
		c.tb.Fatalf("the filing list is not on screen:\n%s", c.text())
	}
	return l
}

// topRow returns the text of the topmost row l shows.
func topRow(l *widget.List) string {
	var top fyne.CanvasObject
	walkShown(l, func(o fyne.CanvasObject) bool {
		if o == fyne.CanvasObject(l) {
			return true
		}
		if _, ok := o.(fyne.Tappable); ok { // a row
			if top == nil || o.Position().Y < top.Position().Y {
				top = o
			}
			return false
		}
		return true
	})
	if top == nil {
		return ""
	}
	return textOf(top)
}

// notices is the desktop's notification service at the seam: it records
// what the client shows.
type notices struct {
	mu  sync.Mutex
	got []ui.Notice
}

func (n *notices) Notify(x ui.Notice) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.got = append(n.got, x)
	return nil
}

// all returns the notifications shown so far.
func (n *notices) all() []ui.Notice {
	n.mu.Lock()
	defer n.mu.Unlock()
	return slices.Clone(n.got)
}
