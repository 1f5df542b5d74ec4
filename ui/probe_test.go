package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// probe reaches the widgets of the open editor by field path, as the
// problem list's jumps do, so that the screen tests type and tap as a clerk
// would.
type probe struct{ e *editorScreen }

// id returns the ID of the filing being edited.
func (p *probe) id() string { return p.e.f.ID }

// target returns the widget that edits field path ("total_investment",
// "budget[0].amount", "confirmations.not_excluded"), nil when none. It
// shows the field's section first, as jumping to it does.
func (p *probe) target(path string) fyne.CanvasObject {
	p.e.jump(path)
	t, _ := lookup(p.e.targets, path)
	return t
}

// entry returns the entry of field path, nil when it is not an entry.
func (p *probe) entry(path string) *widget.Entry {
	return entryOf(p.target(path))
}

// sel returns the drop-down of field path, nil when it is not one.
func (p *probe) sel(path string) *widget.Select {
	s, _ := p.target(path).(*widget.Select)
	return s
}

// check returns the check box of field path, nil when it is not one.
func (p *probe) check(path string) *widget.Check {
	c, _ := p.target(path).(*widget.Check)
	return c
}

// panel returns the side panel's text, one label a line.
func (p *probe) panel() string { return textOf(p.e.side) }

// message returns the message shown under field path, "" when none.
func (p *probe) message(path string) string {
	l, ok := lookup(p.e.msgs, path)
	if !ok || !l.Visible() {
		return ""
	}
	return l.Text
}

// addBudgetLine returns the button that adds a budget line.
func (p *probe) addBudgetLine() *widget.Button {
	p.e.jump("budget")
	return findButton(p.e.sections[p.e.current].content, "添加一行")
}

// section returns the title of the section shown.
func (p *probe) section() string { return p.e.sections[p.e.current].title }

// catalogue returns the catalogue editor, nil when the editor is another
// kind's.
func (p *probe) catalogue() *catalogueEditor {
	ce, _ := p.e.kind.(*catalogueEditor)
	return ce
}

// acceptance returns the acceptance application editor, nil when the
// editor is another kind's.
func (p *probe) acceptance() *acceptanceEditor {
	ae, _ := p.e.kind.(*acceptanceEditor)
	return ae
}

// shownItem returns the widgets of item j of the catalogue entry shown
// (scrolled into view): name, data type and length, and the row's message;
// nils when the row is not on screen.
func shownItem(ce *catalogueEditor, j int) (name *widget.Entry, typ *widget.Select, length *widget.Entry, msg string) {
	t := ce.items
	if t == nil {
		return nil, nil, nil, ""
	}
	t.list.ScrollTo(j)
	if r := t.rows[j]; r != nil && r.idx == j {
		return r.name, r.typ, r.length, r.message.Text
	}
	return nil, nil, nil, ""
}

// itemButtons returns the move-up, move-down and remove buttons of item j
// of the entry shown (scrolled into view); nils when it is not on screen.
func itemButtons(ce *catalogueEditor, j int) (up, down, remove *Button) {
	t := ce.items
	if t == nil {
		return nil, nil, nil
	}
	t.list.ScrollTo(j)
	if r := t.rows[j]; r != nil && r.idx == j {
		return r.up, r.down, r.del
	}
	return nil, nil, nil
}

// itemCount returns how many items the catalogue entry shown has.
func itemCount(ce *catalogueEditor) int {
	if ce.items == nil {
		return 0
	}
	return len(ce.items.r.Items)
}

// showList shows one of the three lists: 0 需求清单, 1 责任清单, 2 负面清单,
// and returns its 添加 button.
func showList(ce *catalogueEditor, i int) *Button {
	ce.e.jump([]string{"demands", "duties", "negatives"}[i])
	ce.tabs.SelectIndex(i)
	return ce.listAdd[i]
}

// textOf returns the text of the labels under o, one a line.
func textOf(o fyne.CanvasObject) string {
	var b strings.Builder
	walk(o, func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *tapLabel:
			b.WriteString(w.Text + "\n")
		case *paragraph:
			b.WriteString(w.Text + "\n")
		case *widget.Label:
			b.WriteString(w.Text + "\n")
		}
	})
	return b.String()
}

// findButton returns the first button under o with text, nil when none.
func findButton(o fyne.CanvasObject, text string) *widget.Button {
	var found *widget.Button
	walk(o, func(o fyne.CanvasObject) {
		if b := buttonOf(o); b != nil && found == nil && b.Text == T(text) {
			found = b
		}
	})
	return found
}

// walk calls fn for o and every object in the containers under it.
func walk(o fyne.CanvasObject, fn func(fyne.CanvasObject)) {
	fn(o)
	if c, ok := o.(*fyne.Container); ok {
		for _, ch := range c.Objects {
			walk(ch, fn)
		}
	}
}

// shownItemShare returns the share select and the condition or basis entry
// of item j of the entry shown (scrolled into view); nils when it is not on
// screen.
func shownItemShare(ce *catalogueEditor, j int) (*widget.Select, *widget.Entry) {
	t := ce.items
	if t == nil {
		return nil, nil
	}
	t.list.ScrollTo(j)
	if r := t.rows[j]; r != nil && r.idx == j {
		return r.share, r.extra
	}
	return nil, nil
}
