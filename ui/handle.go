//go:build ci

// The handles in this file and handle_kinds.go let the end-to-end tests in
// cmd/egovdesk reach the widgets of a screen by field path. They are built
// only with the ci tag the tests use, so the client does not ship them.

package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"egovdesk/app"
)

// EditorHandle gives tests and the screenshot script the widgets of the open
// declaration editor by field path, so they can type and tap as a clerk
// would. Only in test builds (the ci tag).
type EditorHandle struct{ e *editorScreen }

// ID returns the ID of the filing being edited.
func (h *EditorHandle) ID() string { return h.e.f.ID }

// Target returns the widget that edits field path ("total_investment",
// "budget[0].amount", "confirmations.not_excluded"), nil when none. It
// shows the field's section first, as jumping to it does.
func (h *EditorHandle) Target(path string) fyne.CanvasObject {
	h.e.jump(path)
	t, _ := lookup(h.e.targets, path)
	return t
}

// Entry returns the entry of field path, nil when it is not an entry.
func (h *EditorHandle) Entry(path string) *widget.Entry {
	e, _ := h.Target(path).(*widget.Entry)
	return e
}

// Select returns the drop-down of field path, nil when it is not one.
func (h *EditorHandle) Select(path string) *widget.Select {
	s, _ := h.Target(path).(*widget.Select)
	return s
}

// Check returns the check box of field path, nil when it is not one.
func (h *EditorHandle) Check(path string) *widget.Check {
	c, _ := h.Target(path).(*widget.Check)
	return c
}

// Panel returns the side panel's text, one item a line: the assessment of
// a declaration, the trial length of a trial report, the checklist of an
// acceptance application.
func (h *EditorHandle) Panel() string { return textOf(h.e.side) }

// Message returns the message shown under field path, "" when none.
func (h *EditorHandle) Message(path string) string {
	l, ok := lookup(h.e.msgs, path)
	if !ok || !l.Visible() {
		return ""
	}
	return l.Text
}

// Saved returns the autosave line ("已自动保存 15:04:05").
func (h *EditorHandle) Saved() string { return h.e.saved.Text }

// SendState returns the send state line of the header.
func (h *EditorHandle) SendState() string { return h.e.send.Text }

// SubmitButton returns the 检查并提交 button.
func (h *EditorHandle) SubmitButton() *widget.Button { return h.e.submit }

// RetryButton returns the 重新发送 button of a submission set aside.
func (h *EditorHandle) RetryButton() *widget.Button { return h.e.retry }

// AddBudgetLineButton returns the button that adds a budget line.
func (h *EditorHandle) AddBudgetLineButton() *widget.Button {
	h.e.jump("budget")
	return findButton(h.e.sections[h.e.current].content, "添加一行")
}

// Problems returns the problems of the last check.
func (h *EditorHandle) Problems() []app.FieldError { return h.e.problems }

// Section returns the title of the section shown.
func (h *EditorHandle) Section() string { return h.e.sections[h.e.current].title }

// Flush stores the last edit now. Call it off the Fyne thread (or from a
// test).
func (h *EditorHandle) Flush() error { return h.e.saver.flush() }

// Attach adds an attachment already imported into the store, as the file
// dialog does (tests cannot drive the OS file dialog).
func (h *EditorHandle) Attach(a app.Attachment) { h.e.attach(a) }

// Editable reports whether the open revision can be edited.
func (h *EditorHandle) Editable() bool { return h.e.editable }

// HomeHandle gives tests the filing list.
type HomeHandle struct{ h *homeScreen }

// Home returns the filing list's handle.
func (u *UI) Home() *HomeHandle { return &HomeHandle{h: u.home} }

// Shown reports whether the list is the screen shown.
func (h *HomeHandle) Shown() bool { return h.h.shown }

// Search returns the search box.
func (h *HomeHandle) Search() *widget.Entry { return h.h.search }

// Wait waits until the list loads under way are shown. Call it off the Fyne
// thread.
func (h *HomeHandle) Wait() { h.h.loading.Wait() }

// Rows returns the rows shown.
func (h *HomeHandle) Rows() []app.FilingRow { return h.h.rows }

// Deadlines returns the text of the deadlines beside the list.
func (h *HomeHandle) Deadlines() string { return textOf(h.h.deadlines) }

// Counts returns the counts line.
func (h *HomeHandle) Counts() string { return h.h.counts.Text }

// OpenInboxEntry shows inbox entry id, as tapping it does.
func (u *UI) OpenInboxEntry(id string) {
	if !u.inbox.shown {
		u.ShowInbox()
	}
	u.inbox.open(id)
}

// InboxText returns the inbox detail's text.
func (u *UI) InboxText() string { return textOf(u.inbox.detail) }

// TimelineText returns the timeline's text.
func (u *UI) TimelineText() string { return textOf(u.timeline.events) }

// textOf returns the text of the labels under o, one a line.
func textOf(o fyne.CanvasObject) string {
	var b strings.Builder
	walk(o, func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *tapLabel:
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
		if b, ok := o.(*widget.Button); ok && found == nil && b.Text == T(text) {
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

// Editor returns the open editor (of any kind), nil when none.
func (u *UI) Editor() *EditorHandle {
	if u.editor == nil {
		return nil
	}
	return &EditorHandle{e: u.editor}
}
