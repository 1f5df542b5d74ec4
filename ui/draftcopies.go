package ui

import (
	"context"
	"time"

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
	state *paragraph
}

// draftCopiesNote is the sentence under the switch.
const draftCopiesNote = "开启后，未提交的草稿在您停止输入几秒后会自动在数管局保存一份副本，电脑损坏或换电脑时不会丢失；" +
	"在新电脑上登录本单位的账号即可取回。草稿副本只有本单位的账号能看到，数管局的审核人员看不到，也不会进入审核。" +
	"在本机删除草稿后，数管局的副本也会删除。"

func newDraftCopiesPanel(u *UI, dk DraftKeeper) *draftCopiesPanel {
	p := &draftCopiesPanel{u: u, dk: dk, state: &paragraph{}}
	p.check = widget.NewCheck(u.named(T("在数管局保留草稿副本")), nil)
	p.check.SetChecked(!u.link.Session().DraftsLocalOnly)
	p.check.OnChanged = p.onChanged
	p.obj = container.NewVBox(heading(T("草稿副本")), p.check, note(u.named(T(draftCopiesNote))), p.state)
	p.show()
	u.drafts = p // kept up to date by UI.showCounts while 设置 is shown
	return p
}

// show says whether the copies are kept, and why not.
func (p *draftCopiesPanel) show() { p.showStatus(p.u.link.Status()) }

// showStatus says what st says of the copies: kept (and when they were
// last brought up to date), or why not. It runs on the Fyne thread.
func (p *draftCopiesPanel) showStatus(st SyncStatus) {
	switch {
	case !p.check.Checked:
		p.state.Importance = widget.MediumImportance
		p.state.SetText(T("草稿只保存在本机。请记得备份（见下方“自动备份”）。"))
	case st.DraftsOff != "":
		p.state.Importance = widget.WarningImportance
		p.state.SetText(p.u.named(T(st.DraftsOff)))
	case st.DraftsProblem != "":
		p.state.Importance = widget.WarningImportance
		p.state.SetText(p.u.named(T(st.DraftsProblem)))
	case !st.DraftsCopied.IsZero():
		p.state.Importance = widget.SuccessImportance
		p.state.SetText(p.u.named(Tf("草稿副本已开启，最近一次在数管局保存：%s。", copiedAt(st.DraftsCopied, p.u.now()))))
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

// copiedAt returns when t was, as the settings say it: the time of day
// when it was today, else the date and time.
func copiedAt(t, now time.Time) string {
	t, now = t.Local(), now.Local()
	if y, m, d := t.Date(); now.Year() == y && now.Month() == m && now.Day() == d {
		return t.Format("15:04:05")
	}
	return t.Format("2006-01-02 15:04")
}
