package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"math"
	"sync"
)

// navPadding is the space above and below the text of a navigation list's
// row (a label has theme.InnerPadding, 8 px). A declaration's thirteen
// sections took 520 px in Fyne's rows of 40, and at 1366×768 the editor
// leaves its list 500: 确认事项, whose unticked items block the submission,
// was cut off under 附件, and a click on its sliver picked the row above.
// Rows of 36 fit.
const navPadding = 6

// newNavRow returns a row for a navigation list: a truncated label, closer
// to its neighbours than a plain label's row. navRowLabel returns its label.
func newNavRow() fyne.CanvasObject {
	return container.New(navRowLayout{}, &widget.Label{Truncation: fyne.TextTruncateEllipsis})
}

// navRowHeight is a navigation row's natural height, measured once a
// theme size.
func navRowHeight() float32 {
	navRowMu.Lock()
	defer navRowMu.Unlock()
	if pad := theme.InnerPadding(); navRowFor != pad {
		navRowFor, navRowH = pad, newNavRow().MinSize().Height
	}
	return navRowH
}

var (
	navRowMu  sync.Mutex
	navRowFor float32 // the inner padding navRowH was measured at
	navRowH   float32
)

// navRowLabel returns the label of a row newNavRow made.
func navRowLabel(o fyne.CanvasObject) *widget.Label {
	return o.(*fyne.Container).Objects[0].(*widget.Label)
}

// navRowLayout is as tall as its label less what navPadding takes off each
// side, and centres the label in it: the label's own padding is then drawn
// over the row's edges, which are empty.
type navRowLayout struct{}

func (navRowLayout) trim() float32 { return 2 * (theme.InnerPadding() - navPadding) }

func (l navRowLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	m := objs[0].MinSize()
	return fyne.NewSize(m.Width, max(m.Height-l.trim(), 0))
}

func (navRowLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	h := objs[0].MinSize().Height
	objs[0].Resize(fyne.NewSize(size.Width, h))
	objs[0].Move(fyne.NewPos(0, (size.Height-h)/2))
}

// navMinRow is the shortest a navigation row gets to fit its list (navFit):
// the text with 3 px above and below.
const navMinRow = 26

// navFit lays out a navigation list (with what stacks under it) so that all
// its n() rows show: they shorten, down to navMinRow, when the height given
// holds fewer. A returned filing's banner of two or three lines left the
// declaration's list room for eleven, and 确认事项, which the clerk must
// tick on that very screen, was below the fold (found in a walkthrough).
type navFit struct {
	list *widget.List
	n    func() int
	set  *float32 // the row height set last, so unchanged rows are not set again
}

func (f navFit) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return s
}

func (f navFit) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	if n := f.n(); n > 0 {
		pad := theme.Padding() // the list's separator
		row := navRowHeight()
		if fit := (size.Height+pad)/float32(n) - pad; fit < row {
			// whole pixels: a fraction over showed the list's scroll
			// shadow, a hint of rows below that are not there (review)
			row = max(navMinRow, float32(math.Floor(float64(fit))))
		}
		if *f.set != row {
			*f.set = row
			for i := range n {
				f.list.SetItemHeight(i, row)
			}
		}
	}
	for _, o := range objs {
		o.Move(fyne.Position{})
		o.Resize(size)
	}
}
