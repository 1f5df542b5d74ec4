package main

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// TestInputSpotFollowsTheCursor: the spot handed to the input method is the
// bottom-left of the focused entry's text cursor, in pixels, sent once per
// change, and nothing is sent when no entry has the focus.
func TestInputSpotFollowsTheCursor(t *testing.T) {
	a := test.NewTempApp(t)
	one := widget.NewEntry()
	multi := widget.NewMultiLineEntry()
	check := widget.NewCheck("确认", nil)
	w := test.NewWindow(container.NewVBox(widget.NewLabel("项目名称"), one, multi, check))
	defer w.Close()
	w.Resize(fyne.NewSize(600, 400))

	type spot struct{ x, y int }
	var sent []spot
	resets := 0
	tr := &spotTracker{canvas: w.Canvas(), abs: a.Driver().AbsolutePositionForObject,
		apply: func(x, y int) { sent = append(sent, spot{x, y}) }, reset: func() { resets++ }}
	last := func() spot { return sent[len(sent)-1] }

	tr.update()
	if len(sent) != 0 {
		t.Fatalf("sent %v with nothing focused", sent)
	}

	w.Canvas().Focus(one)
	tr.update()
	if len(sent) != 1 {
		t.Fatalf("focusing an entry sent %v, want one spot", sent)
	}
	pos, scale := a.Driver().AbsolutePositionForObject(one), w.Canvas().Scale()
	empty := last()
	if empty.x < int(pos.X*scale) || empty.x > int((pos.X+one.Size().Width/4)*scale) {
		t.Errorf("spot x %d for an empty entry at x %v: not at its start", empty.x, pos.X)
	}
	if empty.y <= int(pos.Y*scale) || empty.y > int((pos.Y+one.Size().Height)*scale) {
		t.Errorf("spot y %d for an entry from y %v to %v: not inside it, below the text top", empty.y, pos.Y, pos.Y+one.Size().Height)
	}

	tr.update()
	if len(sent) != 1 {
		t.Errorf("an unchanged cursor was sent again: %v", sent)
	}

	test.Type(one, "测试测试")
	tr.update()
	if len(sent) != 2 || last().x <= empty.x || last().y != empty.y {
		t.Errorf("after typing, spots %v: want one more, further right on the same line", sent)
	}

	if resets != 0 {
		t.Errorf("%d resets of the input method while the focus stayed in one field", resets)
	}
	w.Canvas().Focus(multi)
	test.Type(multi, "第一行\n")
	tr.update()
	// The focus moved: what was being composed is dropped, not committed
	// into the field the clerk clicked.
	if resets != 1 {
		t.Errorf("the focus moved to another field: %d resets of the input method, want 1", resets)
	}
	if mp := a.Driver().AbsolutePositionForObject(multi); last().y <= int(mp.Y*scale)+empty.y-int(pos.Y*scale) {
		t.Errorf("on the second line of a multi-line entry the spot y %d is not below the first line's", last().y)
	}

	n := len(sent)
	w.Canvas().Focus(check)
	tr.update()
	if len(sent) != n {
		t.Errorf("a focused check box (no text cursor) sent a spot: %v", sent[n:])
	}
}
