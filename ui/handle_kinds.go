//go:build ci

package ui

import (
	"fyne.io/fyne/v2/widget"

	"egovdesk/app"
)

// CatalogueHandle gives tests and the screenshot script the parts of the
// catalogue editor that are not fields of one path: the entry list, the
// rows of the items table and the three lists.
type CatalogueHandle struct{ ce *catalogueEditor }

// Catalogue returns the catalogue editor's handle, nil when the open editor
// is not a catalogue's.
func (h *EditorHandle) Catalogue() *CatalogueHandle {
	ce, ok := h.e.kind.(*catalogueEditor)
	if !ok {
		return nil
	}
	return &CatalogueHandle{ce: ce}
}

// AddResourceButton returns 添加资源 (it shows the 信息资源 section).
func (h *CatalogueHandle) AddResourceButton() *widget.Button {
	h.ce.e.jump("entries")
	return h.ce.addEntry
}

// Selected returns the index of the entry shown, -1 when none.
func (h *CatalogueHandle) Selected() int { return h.ce.cur }

// AddItemButton returns 添加信息项 of the entry shown, nil when none.
func (h *CatalogueHandle) AddItemButton() *widget.Button {
	if h.ce.items == nil {
		return nil
	}
	return h.ce.items.add
}

// ItemRow returns the widgets of item j of the entry shown (scrolled into
// view): name, data type and length, and the row's message; nils when the
// row is not on screen.
func (h *CatalogueHandle) ItemRow(j int) (name *widget.Entry, typ *widget.Select, length *widget.Entry, msg string) {
	t := h.ce.items
	if t == nil {
		return nil, nil, nil, ""
	}
	t.list.ScrollTo(j)
	if r := t.rows[j]; r != nil && r.idx == j {
		return r.name, r.typ, r.length, r.message.Text
	}
	return nil, nil, nil, ""
}

// ItemCount returns how many items the entry shown has.
func (h *CatalogueHandle) ItemCount() int {
	if h.ce.items == nil {
		return 0
	}
	return len(h.ce.items.r.Items)
}

// ResourceCode returns the resource code line of the entry shown.
func (h *CatalogueHandle) ResourceCode() string { return h.ce.code.Text }

// ShareModeTypes returns the options of the share mode type drop-down.
func (h *CatalogueHandle) ShareModeTypes() []string { return h.ce.modeTyp.Options }

// FormatTypes returns the options of the format type drop-down.
func (h *CatalogueHandle) FormatTypes() []string { return h.ce.fmtType.Options }

// ShowList shows one of the three lists: 0 需求清单, 1 责任清单, 2 负面清单.
func (h *CatalogueHandle) ShowList(i int) {
	h.ce.e.jump([]string{"demands", "duties", "negatives"}[i])
	h.ce.tabs.SelectIndex(i)
}

// AddListLineButton returns the 添加 button of list i (as ShowList).
func (h *CatalogueHandle) AddListLineButton(i int) *widget.Button {
	h.ShowList(i)
	return h.ce.listAdd[i]
}

// ImportExcel imports a workbook as 导入Excel does after the file dialog.
func (h *CatalogueHandle) ImportExcel(data []byte) { h.ce.excel.importData(data) }

// AcceptanceHandle gives tests the materials checklist of the acceptance
// application editor.
type AcceptanceHandle struct{ ae *acceptanceEditor }

// Acceptance returns the acceptance editor's handle, nil when the open
// editor is not an acceptance application's.
func (h *EditorHandle) Acceptance() *AcceptanceHandle {
	ae, ok := h.e.kind.(*acceptanceEditor)
	if !ok {
		return nil
	}
	return &AcceptanceHandle{ae: ae}
}

// Checklist returns the checklist as shown.
func (h *AcceptanceHandle) Checklist() []app.ChecklistItem {
	return h.ae.a.Checklist(h.ae.required(), h.ae.e.f.Attachments)
}

// Text returns the checklist's text, one label a line.
func (h *AcceptanceHandle) Text() string { return textOf(h.ae.checklist) }

// AttachButton returns the 上传 button of material code, nil when none.
func (h *AcceptanceHandle) AttachButton(code string) *widget.Button {
	h.ae.e.jump("materials." + code)
	return h.ae.attachBtn[code]
}

// Attach attaches an imported file as material code, as the 上传 button
// does after its file dialog.
func (h *AcceptanceHandle) Attach(code string, a app.Attachment) {
	a.Material = code
	h.ae.e.attach(a)
}

// Entries returns the catalogue's entries as edited.
func (h *CatalogueHandle) Entries() []app.Resource { return h.ce.c.Entries }

// ItemButtons returns the move-up, move-down and remove buttons of item j
// of the entry shown (scrolled into view); nils when it is not on screen.
func (h *CatalogueHandle) ItemButtons(j int) (up, down, remove *widget.Button) {
	t := h.ce.items
	if t == nil {
		return nil, nil, nil
	}
	t.list.ScrollTo(j)
	if r := t.rows[j]; r != nil && r.idx == j {
		return r.up, r.down, r.del
	}
	return nil, nil, nil
}

// ShareModeEnabled reports whether the share mode drop-down can be used.
func (h *CatalogueHandle) ShareModeEnabled() bool { return !h.ce.mode.Disabled() }
