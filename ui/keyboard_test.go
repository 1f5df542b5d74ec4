package ui

import (
	"testing"

	"fyne.io/fyne/v2"

	"egovdesk/app"
)

// Tab moves the focus out of every field, multi-line text boxes included:
// Fyne's multi-line entry takes Tab as a character, which kept a clerk
// using the keyboard in the first text box and put tab characters into
// the filing. No input of any kind's editor may capture Tab.
func TestNoFieldCapturesTab(t *testing.T) {
	x := newScreens(t, "wuhan", nil)
	d := declared(t, x)
	for _, k := range app.AllKinds() {
		if k == app.KindDeclaration {
			x.u.OpenFiling(d.ID)
		} else {
			x.u.NewForProject(d.ID, k)
		}
		x.eventually(t, k.Label()+" editor", func() bool { return x.u.editor != nil && x.u.editor.f.Kind == k })
		areas := 0
		for _, sec := range x.u.editor.sections {
			walkRendered(sec.content, func(o fyne.CanvasObject) {
				if _, ok := o.(*textArea); ok {
					areas++
				}
				if tb, ok := o.(fyne.Tabbable); ok && tb.AcceptsTab() {
					t.Errorf("%s: a %T takes Tab as a character", k.Label(), o)
				}
			})
		}
		if k == app.KindDeclaration && areas == 0 {
			t.Errorf("the declaration editor has no multi-line text box: the test looks in the wrong place")
		}
		x.u.ShowHome()
		x.pump()
	}
}
