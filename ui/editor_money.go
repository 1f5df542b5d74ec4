package ui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"egovdesk/app"
)

// investment returns the 投资 section: the total, this year's amount, the
// itemised budget with its running total against the total, and the
// funding sources.
func (e *editorScreen) investment() []fyne.CanvasObject {
	d := e.decl()
	e.budgetBox = container.NewVBox()
	e.fundingBox = container.NewVBox()
	e.budgetSum = &paragraph{TextStyle: fyne.TextStyle{Bold: true}}
	e.fundingSum = &paragraph{TextStyle: fyne.TextStyle{Bold: true}}
	// A line's second row holds what the form's 投资概算明细 asks beside
	// the amount (规格/参数, 数量, 计算依据, 国产/信创): the client had no box
	// for them, though reviewers ask for them of hardware (a walkthrough).
	e.budgetHead = container.NewVBox(
		container.NewBorder(nil, nil, nil, minWidth(60), container.NewGridWithColumns(3,
			&widget.Label{Text: T("费用类别"), Importance: widget.LowImportance},
			&widget.Label{Text: T("名称"), Importance: widget.LowImportance},
			&widget.Label{Text: T("金额（万元）"), Importance: widget.LowImportance})),
		container.NewBorder(nil, nil, nil, minWidth(widget.NewCheck(T("国产/信创"), nil).MinSize().Width), container.NewGridWithColumns(3,
			&widget.Label{Text: T("规格/参数（选填）"), Importance: widget.LowImportance},
			&widget.Label{Text: T("数量（选填）"), Importance: widget.LowImportance},
			&widget.Label{Text: T("计算依据（选填）"), Importance: widget.LowImportance})))
	// The funding rows are headed as the budget's: a row read "请选择"
	// beside a box, without saying what either was (found in the real
	// window).
	e.fundingHead = container.NewBorder(nil, nil, nil, minWidth(60), container.NewGridWithColumns(2,
		&widget.Label{Text: T("资金类别"), Importance: widget.LowImportance},
		&widget.Label{Text: T("金额（万元）"), Importance: widget.LowImportance}))
	return []fyne.CanvasObject{
		e.money("total_investment", "总投资概算（万元）", "决定审批路径；监理、测评、安全评估等费用计入总投资", &d.TotalInvestment),
		e.money("year_amount", "本年度申请资金（万元）", "", &d.YearAmount),
		e.field("budget", "投资概算明细", "各分项之和须等于总投资概算",
			container.NewVBox(e.budgetHead, e.budgetBox, container.NewHBox(e.addButtonFor(e.budgetBox, "添加一行", e.addBudgetLine)), e.budgetSum)),
		e.field("funding", "资金来源", "各来源之和须等于总投资概算",
			container.NewVBox(e.fundingHead, e.fundingBox, container.NewHBox(e.addButtonFor(e.fundingBox, "添加资金来源", e.addFunding)), e.fundingSum)),
	}
}

func (e *editorScreen) addBudgetLine() {
	e.decl().Budget = append(e.decl().Budget, app.BudgetItem{})
	e.added(fmt.Sprintf("budget[%d]", len(e.decl().Budget)-1))
	e.rebuildBudget()
	e.edited()
	e.focusTarget(fmt.Sprintf("budget[%d].category", len(e.decl().Budget)-1))
}

// focusTarget gives the keyboard to the input of path, when it has one
// that takes it: a row just added, so that Tab goes on from it rather
// than from the top of the form (found in a clerk's walkthrough: after
// 添加资金来源, Tab went back to 总投资概算).
func (e *editorScreen) focusTarget(path string) {
	if f, ok := e.targets[path].(fyne.Focusable); ok && e.u.win.Canvas() != nil {
		e.u.win.Canvas().Focus(f)
	}
}

// rebuildBudget builds one row per budget line: category, name, amount.
func (e *editorScreen) rebuildBudget() {
	d := e.decl()
	e.forgetRows("budget")
	e.budgetBox.RemoveAll()
	for i := range d.Budget {
		item := &d.Budget[i]
		path := fmt.Sprintf("budget[%d]", i)
		cat := e.choiceSelect(app.BudgetChoices, func() string { return string(item.Category) },
			func(c string) { item.Category = app.BudgetCategory(c) })
		name := &widget.Entry{Text: item.Name, PlaceHolder: T("如 平台软件开发")}
		name.OnChanged = func(s string) { item.Name = s; e.edited() }
		amount := e.moneyEntry(path+".amount", &item.Amount)
		spec := &widget.Entry{Text: item.Spec, PlaceHolder: T("如 2 路 16 核，64G 内存")}
		spec.OnChanged = func(s string) { item.Spec = s; e.edited() }
		qty := parsedEntry(e, path+".quantity", T("如 4"), &item.Quantity,
			func(n int64) string { return strconv.FormatInt(n, 10) },
			func(s string) (int64, error) { return strconv.ParseInt(app.AsTyped(s), 10, 64) },
			func(error) string {
				return T("数量请填写整数，如 4（已保留您输入的内容，请改正）")
			})
		basis := &widget.Entry{Text: item.Basis, PlaceHolder: T("如 单价 3 万元×4 台")}
		basis.OnChanged = func(s string) { item.Basis = s; e.edited() }
		domestic := &widget.Check{Text: T("国产/信创"), Checked: item.Domestic}
		domestic.OnChanged = func(b bool) { item.Domestic = b; e.edited() }
		e.inputs = append(e.inputs, cat, name, amount, spec, qty, basis, domestic)
		msg := e.rowMessage(path, cat) // a row's problem (an empty row) starts at its first cell
		for field, in := range map[string]fyne.CanvasObject{"amount": amount, "category": cat, "name": name,
			"spec": spec, "quantity": qty, "basis": basis, "domestic": domestic} {
			e.msgs[path+"."+field] = msg
			e.targets[path+"."+field] = in
		}
		del := e.removeButton("预算明细", e.budgetBox, i, func() {
			d.Budget = append(d.Budget[:i], d.Budget[i+1:]...)
			e.dropRow("budget", i)
			e.rebuildBudget()
			e.edited()
		})
		e.budgetBox.Add(container.NewVBox(container.NewBorder(nil, nil, nil, del, container.NewGridWithColumns(3, cat, name, amount)),
			container.NewBorder(nil, nil, nil, domestic, container.NewGridWithColumns(3, spec, qty, basis)), msg))
	}
	showIf(e.budgetHead, len(d.Budget) > 0) // no heads over no lines
	e.budgetBox.Refresh()
}

func (e *editorScreen) addFunding() {
	e.decl().Funding = append(e.decl().Funding, app.Funding{})
	e.added(fmt.Sprintf("funding[%d]", len(e.decl().Funding)-1))
	e.rebuildFunding()
	e.edited()
	e.focusTarget(fmt.Sprintf("funding[%d]", len(e.decl().Funding)-1))
}

func (e *editorScreen) rebuildFunding() {
	d := e.decl()
	e.forgetRows("funding")
	e.fundingBox.RemoveAll()
	for i := range d.Funding {
		fu := &d.Funding[i]
		path := fmt.Sprintf("funding[%d]", i)
		kind := e.choiceSelect(app.FundingChoices, func() string { return string(fu.Kind) },
			func(c string) { fu.Kind = app.FundingKind(c) })
		amount := e.moneyEntry(path+".amount", &fu.Amount)
		e.inputs = append(e.inputs, kind, amount)
		msg := e.rowMessage(path, kind)
		e.msgs[path+".amount"] = msg
		e.targets[path+".amount"] = amount
		del := e.removeButton("资金来源", e.fundingBox, i, func() {
			d.Funding = append(d.Funding[:i], d.Funding[i+1:]...)
			e.dropRow("funding", i)
			e.rebuildFunding()
			e.edited()
		})
		e.fundingBox.Add(container.NewVBox(container.NewBorder(nil, nil, nil, del, container.NewGridWithColumns(2, kind, amount)), msg))
	}
	showIf(e.fundingHead, len(d.Funding) > 0)
	e.fundingBox.Refresh()
}

// updateTotals shows the running totals against the total investment.
func (e *editorScreen) updateTotals() {
	if e.budgetSum == nil {
		return
	}
	d := e.decl()
	// An amount typed wrongly ("8o") counts as none underneath; a total
	// made without it would be wrong, so none is shown until it is fixed.
	if e.unreadable("total_investment") || e.unreadable("budget[") {
		e.budgetSum.Importance = widget.DangerImportance
		e.budgetSum.SetText(T("有金额不是有效数字（见红字），改正后再计算分项合计"))
	} else {
		e.showBudgetSum(d)
	}
	if e.unreadable("total_investment") || e.unreadable("funding[") {
		e.fundingSum.Importance = widget.DangerImportance
		e.fundingSum.SetText(T("有金额不是有效数字（见红字），改正后再计算资金来源合计"))
	} else {
		e.showFundingSum(d)
	}
}

// unreadable reports whether text that is not a number was typed at a path
// starting with prefix, a quantity aside: no total counts it (a budget
// line's 数量 of “4x” stopped its 分项合计).
func (e *editorScreen) unreadable(prefix string) bool {
	for p := range e.parseErrs {
		if strings.HasPrefix(p, prefix) && !strings.HasSuffix(p, ".quantity") {
			return true
		}
	}
	return false
}

// showBudgetSum shows the budget lines' total against the total investment.
func (e *editorScreen) showBudgetSum(d *app.Declaration) {
	sum := d.BudgetSum()
	diff := d.TotalInvestment - sum
	text := fmt.Sprintf(T("分项合计 %s 万元 · 总投资概算 %s 万元"), sum.WanString(), d.TotalInvestment.WanString())
	switch {
	case diff == 0 && sum > 0:
		text += T(" · 一致")
		e.budgetSum.Importance = widget.SuccessImportance
	case diff > 0:
		text += fmt.Sprintf(T(" · 尚有 %s 万元未列入明细"), diff.WanString())
		e.budgetSum.Importance = widget.WarningImportance
	case diff < 0:
		text += fmt.Sprintf(T(" · 明细超出 %s 万元"), (-diff).WanString())
		e.budgetSum.Importance = widget.DangerImportance
	default:
		e.budgetSum.Importance = widget.MediumImportance
	}
	e.budgetSum.SetText(text)
}

// showFundingSum shows the funding sources' total against the total
// investment.
func (e *editorScreen) showFundingSum(d *app.Declaration) {
	fs := d.FundingSum()
	ftext := fmt.Sprintf(T("资金来源合计 %s 万元"), fs.WanString())
	// Which way it is off, as the budget's sum says: 相差 -5.123 万元 left the
	// clerk to work out the sign (found in a 天宁 walkthrough).
	switch fd := d.TotalInvestment - fs; {
	case len(d.Funding) == 0 || fd == 0:
		e.fundingSum.Importance = widget.MediumImportance
	case fd > 0:
		ftext += fmt.Sprintf(T(" · 比总投资概算少 %s 万元"), fd.WanString())
		e.fundingSum.Importance = widget.WarningImportance
	default:
		ftext += fmt.Sprintf(T(" · 比总投资概算多 %s 万元"), (-fd).WanString())
		e.fundingSum.Importance = widget.WarningImportance
	}
	e.fundingSum.SetText(ftext)
}

// attachments returns the 附件 section: the attached files with what each
// is, and the button that picks one from disk.
func (e *editorScreen) attachments() fyne.CanvasObject {
	add := e.addButtonFor(e.attachBox, "添加附件…", e.onAddAttachment)
	add.Icon = theme.FileIcon()
	// A missing material takes the clerk to 添加附件…, not to the files
	// already attached.
	return e.fieldShown("attachments", "附件", Tf("PDF 为宜。附件复制到本机的附件库，提交后随材料发送给%s。", e.prof.BureauShort()),
		add, container.NewVBox(e.attachBox, container.NewHBox(add)))
}

func (e *editorScreen) rebuildAttachments() {
	e.forgetRows("attachments")
	e.attachBox.RemoveAll()
	materials := materialChoices()
	for i := range e.f.Attachments {
		a := &e.f.Attachments[i]
		kind := e.choiceSelect(materials, func() string { return a.Material }, func(c string) { a.Material = c })
		e.inputs = append(e.inputs, kind)
		del := e.removeButton("附件", e.attachBox, i, func() {
			e.f.Attachments = append(e.f.Attachments[:i], e.f.Attachments[i+1:]...)
			e.rebuildAttachments()
			e.edited()
		})
		name := &widget.Label{Text: fmt.Sprintf("%s（%s）", a.Name, sizeText(a.Size)), Truncation: fyne.TextTruncateEllipsis}
		e.targets[fmt.Sprintf("attachments[%d]", i)] = kind
		var right fyne.CanvasObject = del
		if open := e.u.openAttachmentButton(e.f.ID, *a); open != nil {
			right = container.NewHBox(open, del)
		}
		e.attachBox.Add(container.NewBorder(nil, nil, nil, right, container.NewGridWithColumns(2, name, kind)))
	}
	if len(e.f.Attachments) == 0 {
		e.attachBox.Add(note(T("还没有附件。")))
	}
	e.attachBox.Refresh()
}

// onAddAttachment picks a file and copies it into the attachment store; the
// new attachment is first marked as the first material still missing.
func (e *editorScreen) onAddAttachment() { e.pickAttachment("") }

// pickAttachment lets the clerk pick a file, shows what will be attached
// and as what, and on 附加 copies it into the attachment store off the Fyne
// thread and attaches it as material (or, when material is "", as the
// material the clerk chose in the question, first the first one missing).
func (e *editorScreen) pickAttachment(material string) {
	fixed := material != "" // a material's own 上传 button: it is that material
	e.u.openFile("选择要附加的材料", filterMaterials, func(path string) { e.confirmAttachment(path, material, fixed) })
}

// confirmAttachment asks before the file at path is attached, naming the
// file, its size and folder, and the material it will count as.
func (e *editorScreen) confirmAttachment(path, material string, fixed bool) {
	st, err := os.Stat(path)
	if err != nil || !st.Mode().IsRegular() {
		e.u.showError(app.Errorf(app.EINVALID, "无法读取“%s”：请确认文件存在、不是文件夹且没有被其他程序占用", filepath.Base(path)))
		return
	}
	if material == "" {
		material = e.kind.material()
	}
	as := selectOf(materialChoices(), func() string { return material }, func(code string) { material = code })
	if fixed {
		as.Disable()
	}
	content := container.NewVBox(
		&paragraph{Text: fmt.Sprintf(T("文件：%s（%s）"), filepath.Base(path), sizeText(st.Size()))},
		note(fmt.Sprintf(T("位置：%s"), filepath.Dir(path))),
		&widget.Label{Text: T("作为：")}, as,
	)
	d := newCustomConfirm(T("附加这个文件？"), T("附加"), T("取消"), content, func(ok bool) {
		if ok {
			e.importAttachment(path, material)
		}
	}, e.u.win)
	d.d.Resize(fyne.NewSize(560, 0))
	d.Show()
}

// importAttachment copies the file at path into the attachment store off the
// Fyne thread and attaches it as material.
func (e *editorScreen) importAttachment(path, material string) {
	e.saved.SetText(T("正在复制附件…"))
	e.u.goWait(func(ctx context.Context) {
		att, err := e.u.store.Import(ctx, path)
		e.u.do(func() {
			if err != nil {
				e.u.showError(err)
				return
			}
			att.Material = material
			e.attach(att)
		})
	})
}

// materialChoices returns the materials a file can be attached as.
func materialChoices() []app.Choice {
	choices := make([]app.Choice, len(app.Materials))
	for i, m := range app.Materials {
		choices[i] = app.Choice(m)
	}
	return choices
}

// attach adds an imported file to the filing.
func (e *editorScreen) attach(att app.Attachment) {
	if att.Material == "" {
		att.Material = e.kind.material()
	}
	e.f.Attachments = append(e.f.Attachments, att)
	e.kind.attached()
	e.edited()
}

// sizeText is app.SizeLabel in the UI's language: "800 字节" is "800 bytes"
// in English.
func sizeText(n int64) string {
	if n < 1<<10 {
		return Tf("%d 字节", n)
	}
	return app.SizeLabel(n)
}

// showIf shows o when show holds, else hides it.
func showIf(o fyne.CanvasObject, show bool) {
	if show {
		o.Show()
	} else {
		o.Hide()
	}
}
