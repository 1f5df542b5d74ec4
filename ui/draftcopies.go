package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// draftCopiesPanel is the settings' 草稿副本: whether a private copy of
// each unsent draft is kept at the bureau, that its reviewers cannot read
// it, and why it is not kept when the bureau keeps none.
type draftCopiesPanel struct {
	u     *UI
	dk    DraftKeeper
	obj   *fyne.Container
	check *widget.Check
	state *widget.Label
}

// draftCopiesNote is the sentence under the switch.
const draftCopiesNote = "开启后，未提交的草稿在您停止输入几秒后会自动在数管局保存一份副本，电脑损坏或换电脑时不会丢失；" +
	"在新电脑上登录本单位的账号即可取回。草稿副本只有本单位的账号能看到，数管局的审核人员看不到，也不会进入审核。" +
	"在本机删除草稿后，数管局的副本也会删除。"

func newDraftCopiesPanel(u *UI, dk DraftKeeper) *draftCopiesPanel {
	p := &draftCopiesPanel{u: u, dk: dk, state: &widget.Label{Wrapping: wrapping()}}
	p.check = widget.NewCheck(T("在数管局保留草稿副本"), nil)
	p.check.SetChecked(!u.link.Session().DraftsLocalOnly)
	p.check.OnChanged = p.onChanged
	p.obj = container.NewVBox(heading(T("草稿副本")), p.check, note(T(draftCopiesNote)), p.state)
	p.show()
	return p
}

// show says whether the copies are kept, and why not.
func (p *draftCopiesPanel) show() {
	st := p.u.link.Status()
	switch {
	case !p.check.Checked:
		p.state.Importance = widget.MediumImportance
		p.state.SetText(T("草稿只保存在本机。请记得备份（见下方“自动备份”）。"))
	case st.DraftsOff != "":
		p.state.Importance = widget.WarningImportance
		p.state.SetText(T(st.DraftsOff))
	case st.DraftsProblem != "":
		p.state.Importance = widget.WarningImportance
		p.state.SetText(T(st.DraftsProblem))
	default:
		p.state.Importance = widget.SuccessImportance
		p.state.SetText(T("草稿副本已开启。"))
	}
}

// onChanged remembers the switch off the Fyne thread.
func (p *draftCopiesPanel) onChanged(on bool) {
	p.u.goWait(func(context.Context) {
		err := p.dk.SetKeepDrafts(on)
		p.u.do(func() {
			if err != nil {
				p.u.showError(err)
				p.check.OnChanged = nil
				p.check.SetChecked(!on)
				p.check.OnChanged = p.onChanged
			}
			p.show()
		})
	})
}
