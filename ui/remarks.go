package ui

import (
	"image/color"
	"slices"
	"strings"

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
	if !ok {
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
// In the banner's text they led nowhere.
func (e *editorScreen) remarksElsewhere() fyne.CanvasObject {
	r := e.f.LastRemarks()
	var paths []string
	for p := range r {
		if _, shown := e.remarked[p]; !shown {
			paths = append(paths, p)
		}
	}
	if len(paths) == 0 {
		return nil
	}
	slices.SortFunc(paths, func(a, b string) int { return app.CompareRemarkPaths(e.f.Kind, a, b) }) // as the form reads
	box := container.NewVBox()
	for _, p := range paths {
		path := p
		box.Add(newTapLabel(Tf("审核意见（%s）：%s", remarkField(e.f.Kind, p), r[p])+T("（点此转到）"), widget.HighImportance, func() { e.jump(path) }))
	}
	return box
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
// (app.RemarkLabel: "密码应用 · 摘要", not "crypto.summary"), each name in
// the UI's language.
func remarkField(k app.Kind, path string) string {
	parts := strings.Split(app.RemarkLabel(k, path), " · ")
	for i, p := range parts {
		parts[i] = T(p)
	}
	return strings.Join(parts, " · ")
}
