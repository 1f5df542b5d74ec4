package ui

import (
	"fmt"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"egovdesk/app"
)

// assessmentPanel shows what the rule profile makes of the declaration as it
// is typed: the route and who approves, the obligations, the materials still
// missing, the statements to confirm, the deadlines and what blocks
// submission. Every item that concerns a field takes the clerk there.
type assessmentPanel struct {
	e   *editorScreen
	box *fyne.Container
}

func newAssessmentPanel(e *editorScreen) *assessmentPanel {
	return &assessmentPanel{e: e, box: container.NewVBox()}
}

// update rebuilds the panel from a fresh assessment. It runs on the Fyne
// thread after every edit; Evaluate is pure and takes microseconds.
func (p *assessmentPanel) update(now time.Time) {
	e := p.e
	p.box.RemoveAll()
	if e.prof == nil {
		p.box.Add(heading(T("规则")))
		p.box.Add(note(T("尚未选择本地区的规则：在“设置”中连接数管局或选择所在地区后，这里会显示审批路径、义务和期限。")))
		return
	}
	d := e.decl()
	a := e.prof.EvaluateSent(d, now, app.FirstSubmitted(e.f))
	p.box.Add(note(Tf("依据 %s", e.prof.Regulation))) // the regulation names its jurisdiction: "Under Huoqiu County Huoqiu County Measures…"

	// What blocks submission comes first: it is what the clerk must act on.
	blockers := len(a.Blockers)
	missing := a.MissingMaterials(e.f.Attachments)
	var unfilled []app.Section
	for _, s := range a.Sections {
		if !s.Filled {
			unfilled = append(unfilled, s)
		}
	}
	if blockers+len(missing)+len(unfilled) == 0 && e.editable {
		p.box.Add(&paragraph{Text: T("✓ 本地区规则没有阻止提交的事项"), Importance: widget.SuccessImportance})
	}
	if blockers > 0 {
		head := T("按办法不能提交的原因（%d）")
		if slices.ContainsFunc(a.Blockers, func(b app.Blocker) bool { return b.Addition }) {
			head = T("不能提交的原因（%d）") // not all the regulation's: each of the bureau's is marked
		}
		p.box.Add(heading(fmt.Sprintf(head, blockers)))
		for _, b := range a.Blockers {
			p.item("× "+own(T(b.Label), b.Addition)+T("：")+T(b.Fix), widget.DangerImportance, b.Field)
		}
	}
	// The refusals the law cited lifts: said, so the clerk knows they are
	// the bureau's to check, not gone.
	if len(a.Excepted) > 0 {
		p.box.Add(heading(Tf("按所写明的法律法规依据不作阻止（%d）", len(a.Excepted))))
		p.box.Add(note(Tf("以下情形因“法律法规另有规定的依据”不按“不予审核”处理，%s审核时将核实所援引的规定是否适用：", e.prof.BureauShort())))
		for _, b := range a.Excepted {
			p.item("• "+T(b.Label), widget.MediumImportance, "legal_exception")
		}
	}
	// The materials missing, said here too: once they were all that was
	// left, the top of the panel said neither ✓ nor what was missing, far
	// down under 须附的材料 (found in a clerk's walkthrough).
	if len(missing) > 0 && e.editable {
		p.item(Tf("缺少 %d 项须附的材料（见下方“须附的材料”），点此转到附件。", len(missing)), widget.WarningImportance, "attachments")
	}
	// The rest of what 检查并提交 lists (blanks, formats), counted here so
	// that its total ("还有 19 处") adds up with the reasons above.
	if other := len(e.problems) - blockers - len(missing); other > 0 && e.editable {
		p.box.Add(&paragraph{Text: Tf("另有 %d 处未填或格式不对，点“检查并提交”逐条查看。", other), Importance: widget.WarningImportance})
	}

	p.box.Add(heading(T("审批路径")))
	if a.Route.Code == "" {
		p.box.Add(note(T("填写总投资概算后显示审批路径。")))
	} else {
		field := "total_investment"
		if a.Route.Basis == "unit_type" {
			field = "unit_type" // 学校、医疗机构: by the unit's type, whatever the amount
		}
		p.item(T(a.Route.Label), widget.HighImportance, field)
		p.box.Add(&paragraph{Text: T("审批单位：") + T(a.Route.Approver)})
		if format, args := a.Route.NoteTemplate(); format != "" {
			p.box.Add(note(Tf(format, args...))) // which amount, or the unit's type, decided it
		}
		if a.Route.Detail != "" {
			p.box.Add(note(T(a.Route.Detail)))
		}
	}

	if len(a.Obligations) > 0 {
		p.box.Add(heading(fmt.Sprintf(T("须履行的义务（%d）"), len(a.Obligations))))
		for _, o := range a.Obligations {
			text := "• " + own(T(o.Label), o.Addition)
			imp := widget.MediumImportance
			field := ""
			if o.Budget != "" && !o.Budgeted {
				text += Tf("（预算中尚无“%s”）", app.LabelOf(app.BudgetChoices, o.Budget))
				imp, field = widget.WarningImportance, "budget"
			}
			p.item(text, imp, field)
		}
	}

	if len(unfilled) > 0 {
		p.box.Add(heading(fmt.Sprintf(T("本地区要求填写（%d 项未填）"), len(unfilled))))
		for _, s := range unfilled {
			p.item("○ "+own(T(s.Label), s.Addition), widget.WarningImportance, s.Field)
		}
	}

	needs := a.Materials
	if len(needs) > 0 {
		head := T("须附的材料（已齐全）")
		if len(missing) > 0 {
			head = fmt.Sprintf(T("须附的材料（缺 %d 项）"), len(missing))
		}
		p.box.Add(heading(head))
		for _, m := range needs {
			if m.Satisfied(e.f.Attachments) {
				p.item("✓ "+own(T(m.Label), m.Addition), widget.SuccessImportance, "attachments")
			} else {
				p.item("○ "+own(T(m.Label), m.Addition)+T("（尚未上传）"), widget.WarningImportance, "attachments")
			}
		}
	}

	if len(a.Checklist) > 0 {
		p.box.Add(heading(T("须确认的事项")))
		for _, c := range a.Checklist {
			mark, imp := "□ ", widget.WarningImportance
			if c.Confirmed {
				mark, imp = "✓ ", widget.SuccessImportance
			}
			p.item(mark+own(T(c.Label), c.Addition), imp, "confirmations."+c.ID)
		}
	}

	if len(a.Deadlines) > 0 {
		p.box.Add(heading(T("时间要求")))
		for _, dl := range a.Deadlines {
			p.box.Add(deadlineView(e.prof.BureauShort(), dl, now))
		}
	}
}

// item adds one line; with a field it takes the clerk there when tapped.
func (p *assessmentPanel) item(text string, imp widget.Importance, field string) {
	var tap func()
	if field != "" {
		tap = func() { p.e.jump(field) }
	}
	p.box.Add(newTapLabel(text, imp, tap))
}

// showProblemList lists what must change before the declaration can be
// submitted, each line taking the clerk to its field.
func (e *editorScreen) showProblemList() {
	const width, most = 640, 380 // the list scrolls past most
	list := container.NewVBox()
	var dlg dialog.Dialog
	height := float32(0)
	for i, p := range e.problems {
		field := p.Field
		where := T(e.sections[e.sectionOf(field)].title)
		l := newTapLabel(fmt.Sprintf(T("【%s】%s"), where, fieldText(p)), widget.DangerImportance, func() {
			dlg.Hide()
			e.jump(field)
		})
		list.Add(l)
		if i > 0 {
			height += theme.Padding()
		}
		height += l.heightFor(width)
	}
	intro := note(T("点任一条即可转到要修改的地方。改好后再点“检查并提交”。"))
	scroll := container.NewVScroll(list)
	scroll.SetMinSize(fyne.NewSize(width, min(height, most))) // two problems, two lines' height
	dlg = newCloseDialog(fmt.Sprintf(T("还有 %d 处需要修改才能提交"), len(e.problems)), T("关闭"),
		container.NewBorder(intro, nil, nil, nil, scroll), e.u.win)
	dlg.Show()
}

// own marks a requirement no clause of the regulation states: the bureau's
// own addition (app.AdditionNote). The panel gave them as the regulation's
// (按办法不能提交的原因: 缺少等级保护级别 under 六安, whose 办法 asks no level
// at declaration; found in a clerk's walkthrough).
func own(label string, addition bool) string {
	if addition {
		return label + Tf("（%s）", app.AdditionNote)
	}
	return label
}
