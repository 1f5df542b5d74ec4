package ui

import (
	"context"
	"image/color"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"egovdesk/app"
)

// remarkTint is the background of a reviewer's remark under a field: the
// primary blue, lighter than the banners', so that it reads as advice
// beside the field and not as an error (those are red).
var remarkTint = color.NRGBA{R: 0xee, G: 0xf4, B: 0xfc, A: 0xff}

// remarkLine returns the strip shown under the field at path with the
// bureau's remark on it (审核意见) from the return the filing is being
// revised after, or nil when the bureau remarked nothing on the field.
func (e *editorScreen) remarkLine(path string) fyne.CanvasObject {
	text, ok := e.f.LastRemarks()[path]
	if !ok || strings.Contains(path, "[") {
		// A row's field (a catalogue's 需求清单): its remark is in the
		// banner's list, which follows the row; under the field it sat
		// under whichever row had the number (found in review).
		return nil
	}
	if e.remarked == nil {
		e.remarked = map[string]*paragraph{}
	}
	l := &paragraph{Text: T("审核意见：") + text, Importance: widget.HighImportance}
	e.remarked[path] = l
	bg := canvas.NewRectangle(remarkTint)
	bg.CornerRadius = theme.InputRadiusSize()
	icon := widget.NewIcon(theme.NewPrimaryThemedResource(theme.InfoIcon()))
	return container.NewStack(bg, container.NewBorder(nil, nil, container.NewCenter(icon), nil, l))
}

// remarksElsewhere returns, under the banner, the remarks of the last
// return on fields that have no line of their own in the editor (a row of
// a table, for one), each a link to its field; nil when there are none.
// In the banner's text they led nowhere. A remark on a row follows the
// row (followRemark): it is refilled as the clerk takes rows out, puts
// them in or moves them.
func (e *editorScreen) remarksElsewhere() fyne.CanvasObject {
	e.remarkBox = nil
	box := container.NewVBox()
	if e.fillRemarks(box) == 0 {
		return nil
	}
	e.remarkBox = box
	return box
}

// fillRemarks puts into box the lines remarksElsewhere shows, and returns
// how many.
func (e *editorScreen) fillRemarks(box *fyne.Container) int {
	r := e.f.LastRemarks()
	var paths []string
	for p := range r {
		if _, shown := e.remarked[p]; !shown {
			paths = append(paths, p)
		}
	}
	// As the form reads now: by where each row is (rows swapped listed
	// 第 2 行 before 第 1 行), a row taken out by its old place.
	slices.SortFunc(paths, func(a, b string) int {
		a2, _ := e.followRemark(a)
		b2, _ := e.followRemark(b)
		if c := app.CompareRemarkPaths(e.f.Kind, a2, b2); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	box.RemoveAll()
	for _, p := range paths {
		now, removed := e.followRemark(p)
		switch {
		case removed:
			// Taken out, as the reviewer may have asked: nowhere to go.
			box.Add(&paragraph{Text: Tf("审核意见（%s，退回时的这一行已删除）：%s", remarkField(e.f.Kind, p), r[p]), Importance: widget.HighImportance})
		case now != p:
			label := remarkField(e.f.Kind, now)
			if n := app.RowMovedFrom(p, now); n > 0 {
				label += Tf("，退回时为第 %d 行", n)
			} else {
				label += Tf("，退回时为%s", remarkField(e.f.Kind, p)) // a row above it moved
			}
			box.Add(newTapLabel(Tf("审核意见（%s）：%s", label, r[p])+T("（点此转到）"), widget.HighImportance, func() { e.jump(now) }))
		default:
			box.Add(newTapLabel(Tf("审核意见（%s）：%s", remarkField(e.f.Kind, p), r[p])+T("（点此转到）"), widget.HighImportance, func() { e.jump(p) }))
		}
	}
	box.Refresh()
	return len(paths)
}

// loadRemarkBase reads, in a revision being made after a return with
// remarks on rows, the body of the revision returned: the remarks were
// written on its rows, and follow them as the clerk changes the tables
// (app.RowMoves, as the console places them beside the rows). Without it
// a remark on 第 3 行 led to whatever row was third once a row above was
// taken out (found in review). When the body cannot be read the remarks
// stay by number, as before.
func (e *editorScreen) loadRemarkBase() {
	if !e.editable || e.f.Revision.BaseID == "" {
		return
	}
	onRow := false
	for p := range e.f.LastRemarks() {
		onRow = onRow || strings.Contains(p, "[")
	}
	if !onRow {
		return
	}
	body, err := e.u.store.RevisionBody(e.u.ctx, e.f.ID, e.f.Revision.BaseID)
	if err != nil {
		slog.Warn("remarks stay by row number: the returned revision's body", "filing", e.f.ID, "err", err)
		return
	}
	e.remarkBase = body
	e.readMoves()
}

// readMoves reads where the returned revision's rows are in the working
// copy now, off the Fyne thread (a catalogue of thousands of items takes
// a second), and refills the remarks' lines when a row moved. Only the
// last reading started is kept.
func (e *editorScreen) readMoves() {
	now, _, err := e.f.Body().Encode()
	if err != nil {
		return
	}
	e.movesSeq++
	seq, base := e.movesSeq, e.remarkBase
	e.u.goWait(func(ctx context.Context) {
		m, err := app.RowMoves(base, now)
		if err != nil || ctx.Err() != nil {
			return
		}
		e.u.do(func() {
			if e.u.editor != e || seq != e.movesSeq || maps.Equal(m, e.rowMoves) {
				return
			}
			e.rowMoves = m
			if e.remarkBox != nil {
				e.fillRemarks(e.remarkBox)
			}
		})
	})
}

// rowsEdited notes an edit of a revision whose remarks follow their rows:
// the rows' places are read again once the clerk pauses (moves of
// thousands of catalogue items are not read at every keystroke), and the
// remarks' lines refilled when a row moved.
func (e *editorScreen) rowsEdited() {
	if e.remarkBase == nil {
		return
	}
	if e.movesTimer != nil {
		e.movesTimer.Reset(remarkFollowDelay)
		return
	}
	e.movesTimer = time.AfterFunc(remarkFollowDelay, func() {
		if e.u.ctx.Err() != nil {
			return // the window closed
		}
		e.u.do(func() {
			if e.u.editor == e {
				e.readMoves()
			}
		})
	})
}

// remarkFollowDelay is how long after the last edit the remarks' rows are
// read again.
const remarkFollowDelay = 300 * time.Millisecond

// jumpRemark takes the clerk to the field of remark path p of a
// decision on revision revID (the timeline's and the inbox's links): to
// where its row is in the working copy now, which may be a later revision
// with rows taken out or put in. A row taken out since is said so, and the
// keyboard goes to no other row: the link led to the row that took its
// number (found in a clerk's walkthrough).
func (e *editorScreen) jumpRemark(revID, p string) {
	now, removed := e.followFrom(revID, p)
	if !removed {
		e.jump(now)
		return
	}
	e.jump(rootOf(p))
	e.u.win.Canvas().Unfocus()
	showMessage(T("该行已删除"), Tf("这条审核意见所在的行（%s）此后已删除。", remarkField(e.f.Kind, p)), e.u.win)
}

// followFrom returns where the field or row of remark path p, written on
// revision revID, is in the working copy, and whether its row was taken
// out since. A path is kept as it is when revID's body is not kept here.
func (e *editorScreen) followFrom(revID, p string) (string, bool) {
	switch {
	case !strings.Contains(p, "[") || revID == "" || revID == e.f.Revision.ID:
		return p, false
	case revID == e.f.Revision.BaseID && e.rowMoves != nil:
		return e.followRemark(p)
	}
	body, err := e.u.store.RevisionBody(e.u.ctx, e.f.ID, revID)
	if err != nil {
		return p, false
	}
	now, _, err := e.f.Body().Encode()
	if err != nil {
		return p, false
	}
	moved, err := app.RowMoves(body, now)
	if err != nil {
		return p, false
	}
	return app.FollowRows(e.f.Kind, p, moved)
}

// followRemark returns where the field or row of remark path p of the
// last return is in the working copy, and whether its row was taken out.
func (e *editorScreen) followRemark(p string) (string, bool) {
	if e.rowMoves == nil {
		return p, false
	}
	return app.FollowRows(e.f.Kind, p, e.rowMoves)
}

// decisionLines returns what a decision carries besides its comment, for
// the timeline and the inbox: the step it was taken at, the approved (核定)
// amount and the remarks on fields, one a line. A remark's line is a link
// to its field when open is not nil: open is called with the field's path
// (the clerk read 审核意见（建设目标）and then looked for 建设目标 section by
// section); the other lines are plain text, which leads nowhere.
func decisionLines(k app.Kind, h app.Transition, open func(path string)) []fyne.CanvasObject {
	var out []fyne.CanvasObject
	if h.Step != "" {
		out = append(out, &paragraph{Text: Tf("审核步骤：%s", h.Step)})
	}
	if h.Approved != 0 {
		out = append(out, &paragraph{Text: Tf("核定金额：%s", h.Approved.String())})
	}
	paths := make([]string, 0, len(h.Remarks))
	for p := range h.Remarks {
		paths = append(paths, p)
	}
	slices.SortFunc(paths, func(a, b string) int { return app.CompareRemarkPaths(k, a, b) }) // as the form reads
	for _, p := range paths {
		text := Tf("审核意见（%s）：%s", remarkField(k, p), h.Remarks[p])
		if open == nil {
			out = append(out, &paragraph{Text: text})
			continue
		}
		path := p
		out = append(out, newTapLabel(text+T("（点此转到）"), widget.HighImportance, func() { open(path) }))
	}
	return out
}

// remarkField names the field a remark on a filing of kind k is on as the clerk knows it
// (app.RemarkLabel: "密码应用方案摘要", not "crypto.summary"), each name in
// the UI's language.
func remarkField(k app.Kind, path string) string {
	parts := strings.Split(app.RemarkLabel(k, path), " · ")
	for i, p := range parts {
		parts[i] = T(p)
	}
	return strings.Join(parts, " · ")
}
