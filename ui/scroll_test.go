package ui

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// mustForm shows a long form of single- and multi-line entries in a window
// of 600×400 and returns it with its entries.
func mustForm(t *testing.T) (fyne.Window, *formScroll, []*widget.Entry) {
	t.Helper()
	a := test.NewTempApp(t)
	a.Settings().SetTheme(NewTheme())
	w := a.NewWindow("form")
	t.Cleanup(w.Close)
	box := container.NewVBox()
	var entries []*widget.Entry
	for i := range 30 {
		e := &widget.Entry{PlaceHolder: fmt.Sprintf("第 %d 项", i+1), MultiLine: i%3 == 0}
		e.ExtendBaseWidget(e)
		entries = append(entries, e)
		box.Add(widget.NewLabel(fmt.Sprintf("字段 %d", i+1)))
		box.Add(e)
	}
	f := newFormScroll(box)
	w.SetContent(f)
	w.Resize(fyne.NewSize(600, 400))
	return w, f, entries
}

// The wheel moves the form by about three lines a notch wherever the
// pointer is, over a one-line or a multi-line field too.
func TestWheelMovesFormOverFields(t *testing.T) {
	w, f, entries := mustForm(t)
	d := fyne.CurrentApp().Driver()
	for _, e := range []*widget.Entry{entries[1], entries[0]} { // one-line, multi-line
		f.Scroll.ScrollToTop()
		at := d.AbsolutePositionForObject(e).Add(fyne.NewPos(10, 10))
		test.Scroll(w.Canvas(), at, 0, -25) // one notch down, as Fyne's driver reports it
		if got := f.Scroll.Offset.Y; got != 25*wheelStep {
			t.Errorf("multi-line %v: one notch over the field moved the form to %v, want %v", e.MultiLine, got, 25*wheelStep)
		}
	}
}

// The wheel layer takes nothing but the wheel: a click still reaches the
// button under it.
func TestClickPassesThroughWheelLayer(t *testing.T) {
	a := test.NewTempApp(t)
	w := a.NewWindow("form")
	t.Cleanup(w.Close)
	tapped := false
	b := &widget.Button{Text: "添加", OnTapped: func() { tapped = true }}
	w.SetContent(newFormScroll(container.NewVBox(widget.NewLabel("字段"), b)))
	w.Resize(fyne.NewSize(300, 200))
	at := fyne.CurrentApp().Driver().AbsolutePositionForObject(b).Add(fyne.NewPos(5, 5))
	test.TapCanvas(w.Canvas(), at)
	if !tapped {
		t.Fatal("a click on a button under the wheel layer did not reach it")
	}
}

// reveal brings a field below the fold into view, and one above it back.
func TestRevealScrollsFieldIntoView(t *testing.T) {
	_, f, entries := mustForm(t)
	last := entries[len(entries)-1]
	f.reveal(last)
	visible := func(e *widget.Entry) bool {
		top := e.Position().Y
		return top >= f.Scroll.Offset.Y && top+e.Size().Height <= f.Scroll.Offset.Y+f.Scroll.Size().Height
	}
	if !visible(last) {
		t.Fatalf("after reveal the last field (y %v) is not in view (offset %v, height %v)", last.Position().Y, f.Scroll.Offset.Y, f.Scroll.Size().Height)
	}
	f.reveal(entries[0])
	if f.Scroll.Offset.Y != 0 || !visible(entries[0]) {
		t.Fatalf("after reveal of the first field the offset is %v, want 0", f.Scroll.Offset.Y)
	}
	f.reveal(widget.NewLabel("elsewhere")) // not in the form: nothing moves
	if f.Scroll.Offset.Y != 0 {
		t.Fatalf("reveal of an object outside the form moved it to %v", f.Scroll.Offset.Y)
	}
}

// The one focus poll also moves what follows the text cursor (the input
// method's candidates, Options.FocusTick), and looks at nothing while the
// window is hidden to the tray.
func TestFocusPollRunsTickUnlessHidden(t *testing.T) {
	x := newNotifyFixture(t, nil, true)
	ticks := 0
	x.u.focusTick = func() { ticks++ }
	x.u.wg.Add(1)
	go x.u.followFocus()
	pumpFor := func(d time.Duration) {
		for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
			x.pump()
		}
	}
	pumpFor(350 * time.Millisecond)
	if ticks == 0 {
		t.Fatal("the focus poll never ran the tick")
	}
	x.u.tray.hide()
	ticks = 0
	pumpFor(350 * time.Millisecond)
	if ticks != 0 {
		t.Fatalf("the tick ran %d times while the window was hidden to the tray", ticks)
	}
}

// A box of a check group below the fold is brought into view when Tab
// lands on it: the group's boxes are inside its renderer, where the search
// for the scrolls above the focus did not look (a 天宁 walkthrough tabbed
// onto 网络环境's 电子政务外网 unseen and ticked it with Space).
func TestRevealFindsACheckGroupsBox(t *testing.T) {
	a := test.NewTempApp(t)
	a.Settings().SetTheme(NewTheme())
	w := a.NewWindow("form")
	t.Cleanup(w.Close)
	form := container.NewVBox()
	for i := range 30 {
		form.Add(widget.NewLabel(fmt.Sprintf("字段 %d", i+1)))
	}
	group := widget.NewCheckGroup([]string{"电子政务外网", "互联网", "业务专网"}, nil)
	form.Add(group)
	f := newFormScroll(form)
	w.SetContent(f)
	w.Resize(fyne.NewSize(600, 400))
	var box fyne.CanvasObject
	for _, o := range test.WidgetRenderer(group).Objects() {
		if c, ok := o.(*widget.Check); ok && c.Text == "互联网" {
			box = c
		}
	}
	if box == nil {
		t.Fatal("no box 互联网 in the group")
	}
	var path []fyne.CanvasObject
	if !pathTo(f, box, &path) || !slices.Contains(path, fyne.CanvasObject(f)) {
		t.Fatalf("the box is not found under the form (path %d long)", len(path))
	}
	f.reveal(box)
	d := fyne.CurrentApp().Driver()
	y := d.AbsolutePositionForObject(box).Y - d.AbsolutePositionForObject(f).Y
	if f.Scroll.Offset.Y == 0 || y < 0 || y+box.Size().Height > f.Size().Height {
		t.Errorf("the box is at %v of a view %v high (offset %v)", y, f.Size().Height, f.Scroll.Offset.Y)
	}
}
