package main

import (
	"bytes"
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"egovdesk/app"
	"egovdesk/sync/syncer"
	"egovdesk/ui"
)

// harness is a client in Fyne's headless test app. Fyne's test driver runs
// fyne.Do at once on the calling goroutine; the real driver queues it for
// the one UI goroutine. The harness does the same: the UI's updates from
// goroutines wait in a queue that the test goroutine runs (pump), so widgets
// are only ever touched by one goroutine.
type harness struct {
	*desk
	w     fyne.Window
	queue chan func()
}

func (h *harness) do(f func()) { h.queue <- f }

// pump runs the queued UI updates.
func (h *harness) pump() {
	for {
		select {
		case f := <-h.queue:
			f()
		default:
			return
		}
	}
}

// pumpNext waits for the next queued UI update, runs it and those queued
// after it: what a load's result does once it is back.
func (h *harness) pumpNext() {
	(<-h.queue)()
	h.pump()
}

// eventually pumps UI updates until cond holds, for up to five seconds.
func (h *harness) eventually(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for h.pump(); !cond(); h.pump() {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// MustDesk opens a client on a fresh data directory in Fyne's headless test
// app, closed when the test ends. Its sync loop does not run: tests call
// SyncOnce.
func MustDesk(tb testing.TB) (*harness, fyne.Window) {
	return mustDeskIn(tb, tb.TempDir())
}

func mustDeskIn(tb testing.TB, dir string) (*harness, fyne.Window) {
	tb.Helper()
	return mustDeskWith(tb, dir, nil)
}

// mustDeskWith is mustDeskIn with set changing the desk's options first.
func mustDeskWith(tb testing.TB, dir string, set func(*deskOptions)) (*harness, fyne.Window) {
	tb.Helper()
	a := test.NewTempApp(tb)
	a.Settings().SetTheme(ui.NewTheme())
	w := a.NewWindow("egovdesk")
	w.Resize(fyne.NewSize(1360, 860))
	h := &harness{w: w, queue: make(chan func(), 1<<16)}
	o := deskOptions{saveDelay: 20 * time.Millisecond, do: h.do, keys: testKeys(tb, dir),
		syncOpts: syncer.Options{BackoffBase: 10 * time.Millisecond, BackoffMax: 50 * time.Millisecond}}
	if set != nil {
		set(&o)
	}
	d, err := openDesk(a, w, dir, o)
	if err != nil {
		tb.Fatalf("open desk: %v", err)
	}
	h.desk = d
	tb.Cleanup(func() {
		if err := d.Close(); err != nil {
			tb.Errorf("close desk: %v", err)
		}
	})
	return h, w
}

// MustOffline configures d to work offline under profile id and starts the UI.
func MustOffline(tb testing.TB, d *harness, id string) {
	tb.Helper()
	if err := d.link.WorkOffline(id, "郁南县都城镇人民政府", "陈晓"); err != nil {
		tb.Fatal(err)
	}
	d.ui.Start()
	d.pump()
}

// retype replaces the text of an entry as a clerk does: select all, type.
func retype(e *widget.Entry, text string) {
	e.SetText("")
	test.Type(e, text)
}

// tapDialogButton taps the button labelled one of texts in the window's
// topmost dialog.
func tapDialogButton(tb testing.TB, w fyne.Window, texts ...string) {
	tb.Helper()
	top := w.Canvas().Overlays().Top()
	if top == nil {
		tb.Fatal("no dialog shown")
	}
	var found *widget.Button
	walkAll(top, func(o fyne.CanvasObject) {
		if b, ok := as[*widget.Button](o); ok && found == nil {
			for _, t := range texts {
				if b.Text == t {
					found = b
				}
			}
		}
	})
	if found == nil {
		tb.Fatalf("no button %q in the dialog", texts)
	}
	test.Tap(found)
}

// dialogText returns the text of every label in the topmost dialog.
func dialogText(w fyne.Window) string {
	top := w.Canvas().Overlays().Top()
	if top == nil {
		return ""
	}
	var b strings.Builder
	walkAll(top, func(o fyne.CanvasObject) {
		if s, ok := shownString(o); ok {
			b.WriteString(s + "\n")
		}
	})
	return b.String()
}

// shownString is the text o shows when it is text: the rich text inside
// every label, button and entry, or the client's paragraphs (the widgets
// that are text to a screen reader and are not labels: their lines are
// canvas texts).
func shownString(o fyne.CanvasObject) (string, bool) {
	switch w := o.(type) {
	case *widget.RichText:
		return w.String(), true
	case *widget.Label:
		return "", false // its rich text says it
	case fyne.Accessible:
		if w.AccessibilityRole() == fyne.AccessibleRoleText {
			return w.AccessibilityLabel(), true
		}
	}
	return "", false
}

// pressEnter sends Enter to f as the window's driver does: down, typed,
// up (a ui.Button presses on up).
func pressEnter(f fyne.Focusable) {
	ev := &fyne.KeyEvent{Name: fyne.KeyReturn}
	if d, ok := f.(desktop.Keyable); ok {
		d.KeyDown(ev)
	}
	f.TypedKey(ev)
	if d, ok := f.(desktop.Keyable); ok {
		d.KeyUp(ev)
	}
}

// asButton returns o's button: o itself, or the one a ui.Button embeds;
// nil for other objects.
func asButton(o fyne.CanvasObject) *widget.Button {
	switch b := o.(type) {
	case *widget.Button:
		return b
	case *ui.Button:
		return &b.Button
	}
	return nil
}

// walkAll calls fn for o and everything under it, widgets' renderers included.
func walkAll(o fyne.CanvasObject, fn func(fyne.CanvasObject)) {
	fn(o)
	switch v := o.(type) {
	case *fyne.Container:
		for _, c := range v.Objects {
			walkAll(c, fn)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(v).Objects() {
			walkAll(c, fn)
		}
	}
}

// importPDF puts a small file into the client's attachment store, as the
// file dialog does, and returns it as material.
func importPDF(tb testing.TB, d *harness, name, material string) app.Attachment {
	tb.Helper()
	a, err := d.blobs.ImportReader(context.Background(), name, bytes.NewReader([]byte("%PDF-1.4 "+name)))
	if err != nil {
		tb.Fatal(err)
	}
	a.Material = material
	return a
}

// as returns o as T, or the T that o embeds: ui's dialog buttons embed a
// widget.Button, its text boxes a widget.Entry.
func as[T fyne.CanvasObject](o fyne.CanvasObject) (T, bool) {
	if t, ok := o.(T); ok {
		return t, true
	}
	var zero T
	tt, v := reflect.TypeFor[T](), reflect.ValueOf(o)
	if tt.Kind() != reflect.Pointer || v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return zero, false
	}
	f, ok := v.Elem().Type().FieldByName(tt.Elem().Name())
	if !ok || !f.Anonymous || f.Type != tt.Elem() {
		return zero, false
	}
	return v.Elem().FieldByIndex(f.Index).Addr().Interface().(T), true
}
