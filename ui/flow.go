package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"time"
)

// Layouts for a window narrower than a screen's width: a clerk who keeps
// the regulation's PDF beside the client has half a screen, 683 px of a
// 1366 px laptop, and the editor's buttons alone wanted 976.

// flowLayout puts its objects on one line, right-aligned, and wraps them
// onto more lines, each right-aligned, when the width laid out is narrower
// than that line. Its minimum width is the widest object's, its minimum
// height that of the lines the last width laid out needed (one before
// any): a window can shrink until the widest button is all a line holds.
type flowLayout struct {
	width float32 // the width last laid out; 0 before
	left  bool    // lines start at the left
}

// newFlow returns a container of objs laid out by a flowLayout.
func newFlow(objs ...fyne.CanvasObject) *fyne.Container {
	return &fyne.Container{Layout: &flowLayout{}, Objects: objs}
}

// newLeftFlow is newFlow with the lines starting at the left.
func newLeftFlow(objs ...fyne.CanvasObject) *fyne.Container {
	return &fyne.Container{Layout: &flowLayout{left: true}, Objects: objs}
}

// natural is the width of objs on one line.
func (l *flowLayout) natural(objs []fyne.CanvasObject) float32 {
	var w float32
	n := 0
	for _, o := range objs {
		if o.Visible() {
			w += o.MinSize().Width
			n++
		}
	}
	if n > 1 {
		w += float32(n-1) * theme.Padding()
	}
	return w
}

// lines returns objs split into the lines that width holds (at least one
// object a line), and the height of a line.
func (l *flowLayout) lines(objs []fyne.CanvasObject, width float32) (lines [][]fyne.CanvasObject, height float32) {
	pad := theme.Padding()
	var line []fyne.CanvasObject
	var used float32
	for _, o := range objs {
		if !o.Visible() {
			continue
		}
		s := o.MinSize()
		height = max(height, s.Height)
		if len(line) > 0 && width > 0 && used+pad+s.Width > width {
			lines = append(lines, line)
			line, used = nil, 0
		}
		if len(line) > 0 {
			used += pad
		}
		line = append(line, o)
		used += s.Width
	}
	if len(line) > 0 {
		lines = append(lines, line)
	}
	return lines, height
}

// heightFor is the height of objs' lines at width (0: on one line).
func (l *flowLayout) heightFor(objs []fyne.CanvasObject, width float32) float32 {
	lines, h := l.lines(objs, width)
	n := float32(len(lines))
	if n == 0 {
		return 0
	}
	return n*h + (n-1)*theme.Padding()
}

func (l *flowLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var widest float32
	for _, o := range objs {
		if o.Visible() {
			widest = max(widest, o.MinSize().Width)
		}
	}
	return fyne.NewSize(widest, l.heightFor(objs, l.width))
}

func (l *flowLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	l.width = size.Width
	pad := theme.Padding()
	lines, h := l.lines(objs, size.Width)
	for i, line := range lines {
		x := size.Width - l.natural(line)
		if l.left {
			x = 0
		}
		y := float32(i) * (h + pad)
		for _, o := range line {
			s := o.MinSize()
			o.Move(fyne.NewPos(max(x, 0), y+(h-s.Height)/2))
			o.Resize(s)
			x += s.Width + pad
		}
	}
	noteMoves(objs)
}

// barLayout is a header or a status bar: objs[0] on the left and the last
// object on the right, and between them, when there are three, objs[1]
// filling the rest, all on one line while the left keeps leftMin and the
// middle middleMin; else each on lines of its own, the left's and the
// right's (flows) wrapping as they must.
type barLayout struct {
	width     float32 // the width last laid out; 0 before
	leftMin   float32
	middleMin float32
}

// noteMoves marks the Buttons in objs, laid out by a flow, whose place on
// the screen changed since the flow last laid them out: they take no
// pointer's tap for settleTime (Button.Tapped). A bar wrapping to two lines
// when a header's text grew (已导出 …pdf) put another button under the
// pointer (found in review). Compared on the screen, not in the flow: a
// button growing in a right-aligned flow moves the flow left and the
// buttons after it right by as much, and those stay where they were (收件
// 箱（3 条未读） held 新建材料 and 设置, found in review). A button not yet
// on a canvas, or placed the first time, has not moved.
func noteMoves(objs []fyne.CanvasObject) {
	a := fyne.CurrentApp()
	if a == nil {
		return
	}
	d := a.Driver()
	now := time.Now()
	for _, o := range objs {
		eachButton(o, func(b *Button) {
			if !b.Visible() || d.CanvasForObject(b) == nil {
				return
			}
			// Moved in its flow and on the screen: a place on the screen
			// taken before the window moved the flow's ancestors (its
			// padding, a line wrapping above) is not a move of the flow's.
			// A screen just shown settles over its first layouts (the
			// status saved, the bar wrapping): its buttons are where
			// the clerk first sees them (检查并提交 tapped as a new
			// filing opened was held).
			abs, rel := d.AbsolutePositionForObject(b), b.Position()
			if !b.placed {
				b.placedAt = now
			} else if abs != b.abs && rel != b.rel && now.Sub(b.placedAt) >= settleTime {
				b.movedAt = now
			}
			b.abs, b.rel, b.placed = abs, rel, true
		})
	}
}

// eachButton calls fn for every Button o is or holds.
func eachButton(o fyne.CanvasObject, fn func(*Button)) {
	switch o := o.(type) {
	case *Button:
		fn(o)
	case *fyne.Container:
		for _, c := range o.Objects {
			eachButton(c, fn)
		}
	}
}

// newBar returns a container of objs laid out by a barLayout.
func newBar(leftMin, middleMin float32, objs ...fyne.CanvasObject) *fyne.Container {
	return &fyne.Container{Layout: &barLayout{leftMin: leftMin, middleMin: middleMin}, Objects: objs}
}

// asFlow returns o's flowLayout and objects when o is a flow.
func asFlow(o fyne.CanvasObject) (*flowLayout, []fyne.CanvasObject) {
	if c, ok := o.(*fyne.Container); ok {
		if f, ok := c.Layout.(*flowLayout); ok {
			return f, c.Objects
		}
	}
	return nil, nil
}

// natural is the width o wants on one line.
func natural(o fyne.CanvasObject) float32 {
	if f, objs := asFlow(o); f != nil {
		return f.natural(objs)
	}
	return o.MinSize().Width
}

// heightAt is o's height at width (0: on one line).
func heightAt(o fyne.CanvasObject, width float32) float32 {
	if f, objs := asFlow(o); f != nil {
		return f.heightFor(objs, width)
	}
	return o.MinSize().Height
}

func (l *barLayout) parts(objs []fyne.CanvasObject) (left, middle, right fyne.CanvasObject) {
	left, right = objs[0], objs[len(objs)-1]
	if len(objs) == 3 && objs[1].Visible() {
		middle = objs[1]
	}
	return left, middle, right
}

func (l *barLayout) oneLine(objs []fyne.CanvasObject, width float32) bool {
	left, middle, right := l.parts(objs)
	want := max(l.leftMin, natural(left)) + theme.Padding() + natural(right)
	if middle != nil {
		want += max(l.middleMin, middle.MinSize().Width) + theme.Padding()
	}
	return width == 0 || width >= want
}

func (l *barLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	left, middle, right := l.parts(objs)
	w := max(left.MinSize().Width, right.MinSize().Width)
	if middle != nil {
		w = max(w, middle.MinSize().Width)
	}
	if l.oneLine(objs, l.width) {
		h := max(heightAt(left, 0), heightAt(right, 0))
		if middle != nil {
			h = max(h, middle.MinSize().Height)
		}
		return fyne.NewSize(w, h)
	}
	h := heightAt(left, l.width) + theme.Padding() + heightAt(right, l.width)
	if middle != nil {
		h += middle.MinSize().Height + theme.Padding()
	}
	return fyne.NewSize(w, h)
}

func (l *barLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	l.width = size.Width
	pad := theme.Padding()
	left, middle, right := l.parts(objs)
	if len(objs) == 3 && middle == nil {
		objs[1].Resize(fyne.NewSize(0, 0))
	}
	if l.oneLine(objs, size.Width) {
		rw, rh, lh := natural(right), heightAt(right, 0), heightAt(left, 0)
		h := max(lh, rh)
		lw := size.Width - pad - rw
		if middle != nil {
			lw = natural(left)
			mh := middle.MinSize().Height
			h = max(h, mh)
			middle.Move(fyne.NewPos(lw+pad, (h-mh)/2))
			middle.Resize(fyne.NewSize(size.Width-rw-lw-2*pad, mh))
		}
		left.Move(fyne.NewPos(0, (h-lh)/2))
		left.Resize(fyne.NewSize(lw, lh))
		right.Move(fyne.NewPos(size.Width-rw, (h-rh)/2))
		right.Resize(fyne.NewSize(rw, rh))
		return
	}
	y := float32(0)
	place := func(o fyne.CanvasObject, h float32) {
		o.Move(fyne.NewPos(0, y))
		o.Resize(fyne.NewSize(size.Width, h))
		y += h + pad
	}
	place(left, heightAt(left, size.Width))
	if middle != nil {
		place(middle, middle.MinSize().Height)
	}
	place(right, heightAt(right, size.Width))
}

// sideLayout is a screen's body: objs[0] in the middle and objs[1], a
// panel, on its right, sideMax wide while the middle keeps sideMiddleWant,
// narrowing to sideMin (or the panel's own minimum) in a narrower window.
type sideLayout struct{}

const (
	sideMax        = 380
	sideMin        = 250
	sideMiddleWant = 600
)

func (sideLayout) panelMin(panel fyne.CanvasObject) float32 {
	return max(sideMin, panel.MinSize().Width)
}

func (l sideLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	m, p := objs[0].MinSize(), objs[1].MinSize()
	return fyne.NewSize(m.Width+theme.Padding()+l.panelMin(objs[1]), max(m.Height, p.Height))
}

func (l sideLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding()
	w := min(max(size.Width-pad-sideMiddleWant, l.panelMin(objs[1])), max(sideMax, l.panelMin(objs[1])))
	objs[0].Move(fyne.NewPos(0, 0))
	objs[0].Resize(fyne.NewSize(size.Width-pad-w, size.Height))
	objs[1].Move(fyne.NewPos(size.Width-w, 0))
	objs[1].Resize(fyne.NewSize(w, size.Height))
}

// headerTitleMin is the narrowest a screen's title gets beside its buttons.
const headerTitleMin = 260

// rowLayout is a list row: objs[0] on the left and objs[1] on the right,
// rightMax wide or, in a narrow list, rightPart of the row, so that the
// left keeps the rest (the title) rather than shrinking to "…".
type rowLayout struct {
	rightMax, rightPart float32
	height              float32 // the row's least height
}

func (l rowLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	a, b := objs[0].MinSize(), objs[1].MinSize()
	return fyne.NewSize(a.Width+theme.Padding()+b.Width, max(a.Height, b.Height, l.height))
}

func (l rowLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	w := max(min(l.rightMax, size.Width*l.rightPart), objs[1].MinSize().Width)
	objs[0].Move(fyne.NewPos(0, 0))
	objs[0].Resize(fyne.NewSize(size.Width-w-theme.Padding(), size.Height))
	objs[1].Move(fyne.NewPos(size.Width-w, 0))
	objs[1].Resize(fyne.NewSize(w, size.Height))
}
