package ui

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"egovdesk/app"
)

// acceptanceEditor is the completion acceptance application editor (竣工验收
// 申请): the application's fields, the trial report it rests on (its period
// copied with CopyTrial) and the materials checklist of the jurisdiction,
// one row per material with its state and a button that attaches the file.
// A required material that is missing blocks the submission.
type acceptanceEditor struct {
	e *editorScreen
	a *app.Acceptance

	period    *paragraph
	checklist *fyne.Container
	summary   *fyne.Container
	attachBtn map[string]*Button  // material code → its 上传 button
	items     []app.ChecklistItem // the materials, as rebuildChecklist last laid them out
	// trialUnsent is set while the trial report chosen has a revision not
	// submitted (a draft, or a revision after a return): the bureau
	// refuses an application naming a report it does not hold, or whose
	// period is not the one it holds.
	trialUnsent bool
	// declOf is the project whose declaration decl is (nil when it is not
	// on this computer), read for the rules that depend on it.
	declOf string
	decl   *app.Declaration
}

func newAcceptanceEditor(e *editorScreen) *acceptanceEditor {
	ae := &acceptanceEditor{e: e, a: e.f.Acceptance, period: &paragraph{},
		checklist: container.NewVBox(), summary: container.NewVBox(), attachBtn: map[string]*Button{}}
	a := ae.a
	project := e.filingSelect(app.KindDeclaration, e.f.ProjectID, func(id string) { e.f.ProjectID = id })
	e.targets["project_id"] = project
	e.addSection("基本信息", []string{"project_id", "project_name", "unit_name", "approval_ref", "contract_amount", "completed_on", "summary", "applied_on", "contact"},
		e.field("project_id", "所属项目", "选择本单位的项目申报书", project),
		e.text("project_name", "项目名称", "", &a.ProjectName, false),
		e.text("unit_name", "建设单位", "", &a.UnitName, false),
		e.text("approval_ref", "立项批复（备案）文号", "立项批复文件上的文号，如 ××数管〔2026〕12号；备案的项目填写备案文号或备案回执编号", &a.ApprovalRef, false),
		e.money("contract_amount", "合同金额（万元）", "", &a.ContractAmount),
		e.date("completed_on", "建设完成日期", "如 2027-02-28", &a.CompletedOn),
		e.text("summary", "建设内容完成情况", "对照批复和合同逐项说明", &a.Summary, true),
		e.date("applied_on", "申请日期", "如 2027-05-10", &a.AppliedOn),
		sideBySide(2,
			e.text("contact.person", "联系人", "", &a.Contact.Person, false),
			e.phone("contact.phone", "联系电话", "手机号或带区号的座机号", &a.Contact.Phone)),
	)
	if a.TrialReportID != "" {
		if f, err := e.u.store.Get(e.u.ctx, a.TrialReportID); err == nil {
			ae.trialUnsent = neverSent(f)
			// The report's period as it is now: a report mended (its trial
			// extended to the month) after the application copied it left
			// the application saying 不足 1 个月 until the report was chosen
			// again (found by a newcomer trying the demo).
			if t := f.TrialReport; t != nil && e.editable && (a.TrialStart != t.TrialStart || a.TrialEnd != t.TrialEnd) {
				a.TrialStart, a.TrialEnd = t.TrialStart, t.TrialEnd
				e.saver.put(e.f)
			}
		}
	}
	trial := e.filingSelect(app.KindTrialReport, a.TrialReportID, ae.onTrial)
	e.targets["trial_report_id"] = trial
	e.addSection("试运行", []string{"trial_report_id", "trial_start", "trial_end"},
		e.field("trial_report_id", "试运行报告", "选择本项目的试运行报告，试运行期随之带入", trial),
		ae.period,
		e.rowMessage("trial_start", trial),
		e.rowMessage("trial_end", trial),
	)
	e.addSection("验收材料", []string{"materials", "attachments"},
		note(T("按本地区规则须提交的验收材料。每项点“附加文件…”选择文件（PDF 为宜），缺少必需材料时不能提交；“试运行”中所选的试运行报告即是试运行报告材料，无需另附。")),
		ae.checklist)
	ae.rebuildChecklist()
	return ae
}

func (ae *acceptanceEditor) side() fyne.CanvasObject {
	return container.NewVBox(heading(T("验收材料")), ae.summary)
}

// onTrial copies the chosen trial report's period into the application.
func (ae *acceptanceEditor) onTrial(id string) {
	f, err := ae.e.u.store.Get(ae.e.u.ctx, id)
	if err != nil || f.TrialReport == nil {
		ae.e.u.showError(app.Errorf(app.ENOTFOUND, "找不到这份试运行报告"))
		return
	}
	ae.a.CopyTrial(id, f.TrialReport)
	ae.trialUnsent = neverSent(f)
	if ae.e.f.ProjectID == "" {
		ae.e.f.ProjectID = f.ProjectID
	}
	for path, v := range map[string]string{"project_name": ae.a.ProjectName, "unit_name": ae.a.UnitName} {
		if in := entryOf(ae.e.targets[path]); in != nil && in.Text != v {
			in.SetText(v)
		}
	}
	ae.rebuildChecklist() // the report is the 试运行报告 material
}

func (ae *acceptanceEditor) required() []string {
	if ae.e.prof == nil {
		return nil
	}
	return ae.e.prof.AcceptanceMaterials
}

// rebuildChecklist lays out one row per material: what it is, whether it is
// required, 已附加 with the file names or 缺少, and the 附加 button. A file
// is attached here and goes to the bureau with the submission: "已上传"
// on a draft said it had gone.
func (ae *acceptanceEditor) rebuildChecklist() {
	e := ae.e
	ae.checklist.RemoveAll()
	ae.attachBtn = map[string]*Button{}
	items := ae.a.Checklist(ae.required(), e.f.Attachments)
	var additions []string // the bureau's own, marked as such
	if e.prof != nil {
		additions = e.prof.AcceptanceAdditions
	}
	for _, it := range items {
		code := it.Material
		label := T(it.Label)
		if it.Required {
			label = own(label+T("（必需）"), slices.Contains(additions, code))
		}
		name := &paragraph{Text: label, TextStyle: fyne.TextStyle{Bold: true}}
		var state *paragraph
		if it.Linked != "" && ae.trialUnsent {
			state = &paragraph{Text: "⚠ " + T("所选的试运行报告还有未提交的内容：请先提交试运行报告"), Importance: widget.WarningImportance}
		} else if it.Linked != "" && len(it.Attachments) == 0 {
			state = &paragraph{Text: "✓ " + T("所选的试运行报告（随系统报送，无需另附文件）"), Importance: widget.SuccessImportance}
		} else if it.Present {
			state = &paragraph{Text: "✓ " + T("已附加：") + strings.Join(it.Attachments, "、"), Importance: widget.SuccessImportance}
		} else if it.Required {
			state = &paragraph{Text: "× " + T("缺少"), Importance: widget.DangerImportance}
		} else {
			state = &paragraph{Text: T("未附加"), Importance: widget.LowImportance}
		}
		btn := newButton(&Button{Button: widget.Button{Text: T("附加文件…"), Icon: theme.FileIcon(), OnTapped: func() { ae.e.pickAttachment(code) }}})
		if !e.editable {
			btn.Disable()
		}
		ae.attachBtn[code] = btn
		msg := e.rowMessage("materials."+code, btn)
		row := container.NewBorder(nil, nil, nil, container.NewVBox(btn),
			container.NewGridWithColumns(2, name, state))
		ae.checklist.Add(container.NewVBox(row, msg, widget.NewSeparator()))
	}
	if len(items) == 0 {
		ae.checklist.Add(note(T("本地区规则没有列出验收材料。")))
	}
	ae.checklist.Refresh()
	ae.items = items
	ae.updateSummary()
}

// updateSummary shows the materials beside the form and, under them, what
// else stops the application: the panel said ✓ 试运行报告 and ✓ 合同
// while 检查并提交 found the trial report not submitted and the trial
// period too short (found in the real window).
func (ae *acceptanceEditor) updateSummary() {
	ae.summary.RemoveAll()
	if id := ae.e.f.ProjectID; id != ae.declOf {
		ae.declOf, ae.decl = id, nil
		if id != "" {
			if d, err := ae.e.u.store.Get(ae.e.u.ctx, id); err == nil && d.Declaration != nil {
				ae.decl = d.Declaration
			}
		}
	}
	if not := ae.e.prof.KindNotFor(ae.e.f.Kind, ae.decl); not != "" {
		// the regulation has this project do something else (郁南: a
		// public or 备案 project needs no 验收前置审核; it was offered and
		// taken without a word; found in a walkthrough)
		ae.summary.Add(&paragraph{Text: "⚠ " + T(not), Importance: widget.WarningImportance})
	} else if prof := ae.e.prof; prof != nil && !prof.UnitAccepts(ae.decl) {
		// what the bureau's 验收通过 will mean (app.Profile.AcceptanceNote,
		// the reviewer's): a 霍邱 clerk read 已通过验收 the minute the
		// bureau took the application (a walkthrough)
		text := Tf("提交后，%s受理本申请；竣工验收结束后，%s作出“%s”或“%s”的结论（受理后至验收结束为“%s”）。", ae.e.u.bureau(), ae.e.u.bureau(),
			prof.ActionLabel(app.ActionApprove, app.KindAcceptance), prof.ActionLabel(app.ActionReject, app.KindAcceptance),
			prof.StatusLabel(app.StatusPreliminary, app.KindAcceptance))
		if o := prof.AcceptanceWitness(); o != nil {
			text += Tf("本地区规定：%s（%s）。", o.Label, o.Source)
		}
		ae.summary.Add(note(text))
	}
	missing := 0
	var additions []string // the bureau's own, marked as in the form
	if ae.e.prof != nil {
		additions = ae.e.prof.AcceptanceAdditions
	}
	for _, it := range ae.items {
		imp := widget.SuccessImportance
		text := checklistText(it, slices.Contains(additions, it.Material))
		if !it.Present && it.Required {
			imp = widget.DangerImportance
			missing++
		} else if !it.Present {
			imp = widget.LowImportance
		} else if it.Linked != "" && ae.trialUnsent {
			imp = widget.WarningImportance
			text = "⚠ " + sentence(T(it.Label)) + T("（未提交）")
		}
		ae.summary.Add(newTapLabel(text, imp, func() { ae.e.jump("materials." + it.Material) }))
	}
	if missing > 0 {
		ae.summary.Add(&paragraph{Text: fmt.Sprintf(T("还缺 %d 项必需材料，补齐后才能提交。"), missing), Importance: widget.DangerImportance})
	}
	if !ae.e.editable {
		return
	}
	var other []app.FieldError
	for _, p := range append(slices.Clip(ae.e.problems), ae.e.live...) {
		// the trial period's is both a check's and a live one
		same := func(q app.FieldError) bool { return q.Field == p.Field && q.Message == p.Message }
		if !strings.HasPrefix(p.Field, "materials.") && !slices.ContainsFunc(other, same) {
			other = append(other, p)
		}
	}
	if len(other) == 0 {
		return
	}
	ae.summary.Add(heading(T("需要修改")))
	for i, p := range other {
		if i == 8 {
			ae.summary.Add(note(fmt.Sprintf(T("……还有 %d 处，点“检查并提交”查看全部"), len(other)-i)))
			break
		}
		field := p.Field
		ae.summary.Add(newTapLabel(fieldText(p), widget.DangerImportance, func() { ae.e.jump(field) }))
	}
}

// neverSent reports whether f's current revision has not been submitted.
func neverSent(f *app.Filing) bool { return !f.Revision.Submitted() }

// changed shows the trial period and its length against the profile's
// minimum.
func (ae *acceptanceEditor) changed(time.Time) {
	a := ae.a
	defer ae.updateSummary() // with what this found
	minMonths := ae.e.trialMinMonths()
	if ae.trialUnsent && a.TrialReportID != "" {
		var p app.Problems
		p.Add("trial_report_id", "所选的试运行报告有尚未提交的内容：请先提交试运行报告，再提交本申请")
		ae.e.problems = append(ae.e.problems, p...)
	}
	ae.e.live = ae.e.live[:0]
	if a.TrialReportID == "" {
		ae.period.SetText(T("尚未选择试运行报告。"))
		return
	}
	t := app.TrialReport{TrialStart: a.TrialStart, TrialEnd: a.TrialEnd}
	text := fmt.Sprintf(T("试运行期：%s 至 %s"), a.TrialStart, a.TrialEnd)
	if m, ok := t.TrialMonths(); ok {
		text += fmt.Sprintf(T("，已满 %d 个月"), m)
	}
	if minMonths > 0 {
		text += fmt.Sprintf(T("（本地区要求至少 %d 个月）"), minMonths)
	}
	ae.period.SetText(text)
	ae.e.live = append(ae.e.live, t.CheckDuration(minMonths)...)
}

func (ae *acceptanceEditor) reveal(string) {}

// attached updates the checklist after a file was attached.
func (ae *acceptanceEditor) attached() { ae.rebuildChecklist() }

func (ae *acceptanceEditor) material() string     { return "" }
func (ae *acceptanceEditor) confirmation() string { return "" }
