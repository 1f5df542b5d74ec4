package ui

import (
	"time"

	"fyne.io/fyne/v2"

	"egovdesk/app"
)

// declarationEditor is the kind body of a project declaration (项目申报书):
// the sections of the declaration's chapters, and the profile's assessment
// (route, obligations, blockers) as the side panel.
type declarationEditor struct {
	e     *editorScreen
	panel *assessmentPanel
}

func newDeclarationEditor(e *editorScreen) *declarationEditor {
	e.buildSections()
	return &declarationEditor{e: e, panel: newAssessmentPanel(e)}
}

func (de *declarationEditor) side() fyne.CanvasObject { return de.panel.box }

// changed updates the running totals, the profile's checklist and the
// assessment.
func (de *declarationEditor) changed(now time.Time) {
	de.e.updateTotals()
	de.e.syncChecklist()
	de.panel.update(now)
}

func (de *declarationEditor) reveal(string) {}

func (de *declarationEditor) attached() { de.e.rebuildAttachments() }

// material proposes the first material the profile asks for that no
// attachment is yet.
func (de *declarationEditor) material() string {
	e := de.e
	if e.prof == nil {
		return ""
	}
	if missing := e.prof.EvaluateSent(e.decl(), e.u.now(), app.FirstSubmitted(e.f)).MissingMaterials(e.f.Attachments); len(missing) > 0 && len(missing[0].Codes) > 0 {
		return missing[0].Codes[0]
	}
	return ""
}

// confirmation names the approval route and approver the profile gives.
func (de *declarationEditor) confirmation() string {
	e := de.e
	if e.prof == nil {
		return ""
	}
	a := e.prof.EvaluateSent(e.decl(), e.u.now(), app.FirstSubmitted(e.f))
	return Tf("审批路径：%s\n审批单位：%s\n\n", a.Route.Label, a.Route.Approver)
}
