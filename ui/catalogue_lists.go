package ui

import (
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"egovdesk/app"
)

// The three lists (三清单) of the catalogue: 需求清单, 责任清单 and 负面清单,
// one tab each. A line of the 责任清单 or 负面清单 names an entry of the
// catalogue, chosen from the entries by code.

// codeSelect picks an entry of the catalogue by its code; its options follow
// the entries as they are typed.
type codeSelect struct {
	sel   *widget.Select
	codes []string
	ptr   *string
}

// newCodeSelect returns a drop-down of the catalogue's entries bound to *ptr.
func (ce *catalogueEditor) newCodeSelect(ptr *string, list *[]*codeSelect, picked func(*app.Resource)) *widget.Select {
	cs := &codeSelect{sel: &widget.Select{PlaceHolder: T("选择本目录中的资源")}, ptr: ptr}
	cs.sel.ExtendBaseWidget(cs.sel)
	cs.sel.OnChanged = func(string) {
		if i := cs.sel.SelectedIndex(); i >= 0 && i < len(cs.codes) && !ce.e.loading {
			*cs.ptr = cs.codes[i]
			if picked != nil {
				for j := range ce.c.Entries {
					if ce.c.Entries[j].Code() == cs.codes[i] {
						picked(&ce.c.Entries[j])
						break
					}
				}
			}
			ce.e.edited()
		}
	}
	*list = append(*list, cs)
	ce.fillCodes(cs)
	ce.e.inputs = append(ce.e.inputs, cs.sel)
	return cs.sel
}

// fillCodes sets the options of cs to the entries that have a code.
func (ce *catalogueEditor) fillCodes(cs *codeSelect) {
	cs.codes = cs.codes[:0]
	var opts []string
	selected := *cs.ptr
	for _, r := range ce.c.Entries {
		code := r.Code()
		if code == "" {
			continue
		}
		label := code + " " + strings.TrimSpace(r.Name)
		cs.codes = append(cs.codes, code)
		opts = append(opts, label)
		if code == *cs.ptr {
			selected = label
		}
	}
	loading := ce.e.loading
	ce.e.loading = true
	cs.sel.Options = opts
	cs.sel.Selected = selected
	cs.sel.Refresh()
	ce.e.loading = loading
}

// syncCodes refreshes the code drop-downs when the entries' codes or names changed.
func (ce *catalogueEditor) syncCodes() {
	var b strings.Builder
	for _, r := range ce.c.Entries {
		b.WriteString(r.Code() + " " + r.Name + "\n")
	}
	if b.String() == ce.codesSig {
		return
	}
	ce.codesSig = b.String()
	for _, cs := range append(ce.dutyCodes, ce.negCodes...) {
		ce.fillCodes(cs)
	}
}

// names edits a list of item names typed with "、" between them.
func (e *editorScreen) names(path, label string, ptr *[]string) fyne.CanvasObject {
	in := &widget.Entry{Text: strings.Join(*ptr, "、"), PlaceHolder: T("多个用“、”分隔；留空为整个资源")}
	in.ExtendBaseWidget(in)
	in.OnChanged = func(s string) {
		*ptr = splitList(s)
		e.edited()
	}
	return e.field(path, label, "", in)
}

// listRow lays out one line of a list: its number, its fields in two
// columns and the button that removes it.
func (ce *catalogueEditor) listRow(rows *fyne.Container, n int, what string, remove func(), fields ...fyne.CanvasObject) fyne.CanvasObject {
	del := ce.e.removeButton(what, rows, n, remove)
	title := &widget.Label{Text: fmt.Sprintf(T("第 %d 行"), n+1), TextStyle: fyne.TextStyle{Bold: true}}
	return container.NewVBox(container.NewBorder(nil, nil, nil, del, title), sideBySide(2, fields...), widget.NewSeparator())
}

func (ce *catalogueEditor) onAddDemand() {
	ce.c.Demands = append(ce.c.Demands, app.Demand{})
	ce.rebuildDemands()
	ce.e.edited()
}

func (ce *catalogueEditor) rebuildDemands() {
	e := ce.e
	e.forgetRows("demands")
	ce.demandBox.RemoveAll()
	for i := range ce.c.Demands {
		d := &ce.c.Demands[i]
		p := fmt.Sprintf("demands[%d].", i)
		ce.demandBox.Add(ce.listRow(ce.demandBox, i, "需求", func() {
			ce.c.Demands = append(ce.c.Demands[:i], ce.c.Demands[i+1:]...)
			ce.rebuildDemands()
			e.edited()
		},
			// Each field beside one with a hint has one too, so that the
			// two inputs sit level (所需资源代码's stood a line lower).
			e.text(p+"resource_name", "所需信息资源名称", "提供部门目录中的资源名称", &d.ResourceName, false),
			e.code(p+"resource_code", "所需资源代码", "已知时填写，如 101001/000001", &d.ResourceCode),
			e.names(p+"items", "所需信息项", &d.Items),
			e.text(p+"provider", "提供部门", "", &d.Provider, false),
			e.choice(p+"usage", "使用方式", "", app.DemandUsageChoices, func() string { return string(d.Usage) }, func(c string) { d.Usage = app.DemandUsage(c) }),
			e.choice(p+"frequency", "频度", "", app.UpdateCycleChoices, func() string { return string(d.Frequency) }, func(c string) { d.Frequency = app.UpdateCycle(c) }),
			e.text(p+"basis", "法律或职能依据", "如《××条例》第×条，或本单位的法定职能", &d.Basis, false),
			e.text(p+"scenario", "应用场景", "用于哪项业务或事项", &d.Scenario, false),
		))
	}
	if len(ce.c.Demands) == 0 {
		ce.demandBox.Add(note(T("还没有需求。")))
	}
	ce.demandBox.Refresh()
}

func (ce *catalogueEditor) onAddDuty() {
	ce.c.Duties = append(ce.c.Duties, app.Duty{})
	ce.rebuildDuties()
	ce.e.edited()
}

func (ce *catalogueEditor) rebuildDuties() {
	e := ce.e
	e.forgetRows("duties")
	ce.dutyCodes = nil
	ce.dutyBox.RemoveAll()
	for i := range ce.c.Duties {
		d := &ce.c.Duties[i]
		p := fmt.Sprintf("duties[%d].", i)
		cycle := e.choiceSelect(app.UpdateCycleChoices, func() string { return string(d.UpdateCycle) }, func(c string) { d.UpdateCycle = app.UpdateCycle(c) })
		share := e.choiceSelect(app.ShareTypeChoices, func() string { return string(d.ShareType) }, func(c string) { d.ShareType = app.ShareType(c) })
		mode := e.choiceSelect(app.ShareModeClassChoices, func() string { return string(d.ShareModeClass) }, func(c string) { d.ShareModeClass = app.ShareModeClass(c) })
		modeTypes := app.ShareModeTypeChoices(app.ShareViaPlatform)
		modeType := e.choiceSelect(modeTypes, func() string { return string(d.ShareModeType) }, func(c string) { d.ShareModeType = app.ShareModeType(c) })
		// A resource picked fills what the line left blank from the
		// catalogue's entry: the 责任清单 repeats the entry's 更新周期 and
		// 共享类型/方式, and the clerk retyped them (a choice made is kept).
		// filled is what the last pick put in, by field: another resource
		// picked replaces it (it kept the first one's), not what the clerk
		// chose.
		filled := map[*string]string{}
		picked := func(r *app.Resource) {
			fill := func(sel *widget.Select, choices []app.Choice, dst *string, src string) {
				if *dst != "" && *dst != filled[dst] {
					return // the clerk's choice
				}
				if src == "" || !slices.ContainsFunc(choices, func(c app.Choice) bool { return c.Code == src }) {
					*dst = ""
					show(sel, "", false)
				} else {
					*dst = src
					show(sel, T(app.LabelOf(choices, src)), true)
				}
				filled[dst] = *dst
			}
			fill(cycle, app.UpdateCycleChoices, (*string)(&d.UpdateCycle), string(r.UpdateCycle))
			fill(share, app.ShareTypeChoices, (*string)(&d.ShareType), string(r.ShareType))
			if r.ShareType != app.ShareNone {
				fill(mode, app.ShareModeClassChoices, (*string)(&d.ShareModeClass), string(r.ShareModeClass))
				if r.ShareModeClass == app.ShareViaPlatform && d.ShareModeClass == app.ShareViaPlatform {
					fill(modeType, modeTypes, (*string)(&d.ShareModeType), string(r.ShareModeType))
				}
			}
		}
		ce.dutyBox.Add(ce.listRow(ce.dutyBox, i, "责任", func() {
			ce.c.Duties = append(ce.c.Duties[:i], ce.c.Duties[i+1:]...)
			ce.rebuildDuties()
			e.edited()
		},
			e.field(p+"resource_code", "资源", "选择后自动带出目录中的更新周期、共享类型和方式", ce.newCodeSelect(&d.ResourceCode, &ce.dutyCodes, picked)),
			e.names(p+"items", "信息项", &d.Items),
			e.text(p+"duty", "对应职责或事项", "", &d.Duty, false),
			e.field(p+"update_cycle", "更新周期", "", cycle),
			e.field(p+"share_type", "共享类型", "不能比目录中的更宽松", share),
			e.field(p+"share_mode_class", "共享方式", "", mode),
			e.field(p+"share_mode_type", "共享方式类型", "共享平台方式时选择", modeType),
			e.text(p+"owner", "责任人", "", &d.Owner, false),
			e.date(p+"due", "完成时限", "如 2027-06-30", &d.Due),
		))
	}
	if len(ce.c.Duties) == 0 {
		ce.dutyBox.Add(note(T("还没有责任数据。")))
	}
	ce.dutyBox.Refresh()
}

func (ce *catalogueEditor) onAddNegative() {
	ce.c.Negatives = append(ce.c.Negatives, app.Negative{Category: app.NegativeNoShare})
	ce.rebuildNegatives()
	ce.e.edited()
}

func (ce *catalogueEditor) rebuildNegatives() {
	e := ce.e
	e.forgetRows("negatives")
	ce.negCodes = nil
	ce.negBox.RemoveAll()
	for i := range ce.c.Negatives {
		n := &ce.c.Negatives[i]
		p := fmt.Sprintf("negatives[%d].", i)
		ce.negBox.Add(ce.listRow(ce.negBox, i, "负面清单", func() {
			ce.c.Negatives = append(ce.c.Negatives[:i], ce.c.Negatives[i+1:]...)
			ce.rebuildNegatives()
			e.edited()
		},
			e.field(p+"resource_code", "资源", "", ce.newCodeSelect(&n.ResourceCode, &ce.negCodes, nil)),
			e.names(p+"items", "信息项", &n.Items),
			e.choice(p+"category", "类别", "", app.NegativeCategoryChoices, func() string { return string(n.Category) }, func(c string) { n.Category = app.NegativeCategory(c) }),
			e.text(p+"basis", "法律法规或政策依据", "写明具体条款", &n.Basis, false),
			e.date(p+"review_date", "复核日期", "如 2028-01-01", &n.ReviewDate),
			e.text(p+"alternative", "替代方式", "如 提供核验接口", &n.Alternative, false),
		))
	}
	if len(ce.c.Negatives) == 0 {
		ce.negBox.Add(note(T("还没有负面清单。")))
	}
	ce.negBox.Refresh()
}
