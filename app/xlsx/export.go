package xlsx

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"egovdesk/app"
)

// Export writes c to w as an .xlsx workbook in the layout of the 2017
// guide's template: the sheet 信息资源目录 with a group header row, a column
// header row and one row per information item (a resource without items
// gets one row), the sheets 需求清单, 责任清单 and 负面清单, and 目录信息 with
// the catalogue's title and provider. Codes are written as the labels a
// person types, with drop-downs on the enumerated columns. Export does not
// validate c; it returns an error only when building or writing the
// workbook fails, wrapping the cause.
func Export(w io.Writer, c *app.Catalogue) error {
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return fmt.Errorf("export catalogue: %w", err)
	}
	sheets := []struct {
		name    string
		cols    []column
		grouped bool
		rows    [][]any
	}{
		{SheetCatalogue, catalogueCols[:], true, catalogueRows(c)},
		{SheetDemands, demandCols[:], false, demandRows(c)},
		{SheetDuties, dutyCols[:], false, dutyRows(c)},
		{SheetNegatives, negativeCols[:], false, negativeRows(c)},
	}
	for i, s := range sheets {
		if i == 0 {
			err = f.SetSheetName("Sheet1", s.name)
		} else {
			_, err = f.NewSheet(s.name)
		}
		if err == nil {
			err = writeSheet(f, st, s.name, s.cols, s.grouped, s.rows)
		}
		if err != nil {
			return fmt.Errorf("export catalogue: sheet %s: %w", s.name, err)
		}
	}
	if err := writeInfo(f, st, c); err != nil {
		return fmt.Errorf("export catalogue: sheet %s: %w", SheetInfo, err)
	}
	// The first sheet is active as in a new file. SetActiveSheet would parse
	// every streamed sheet back into memory, tripling the time of Export.
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("export catalogue: write: %w", err)
	}
	return nil
}

type styles struct{ group, header int }

func newStyles(f *excelize.File) (styles, error) {
	border := []excelize.Border{{Type: "left", Color: "8EA9DB", Style: 1}, {Type: "right", Color: "8EA9DB", Style: 1},
		{Type: "top", Color: "8EA9DB", Style: 1}, {Type: "bottom", Color: "8EA9DB", Style: 1}}
	center := &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}
	group, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 12}, Alignment: center, Border: border,
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"B4C6E7"}}})
	if err != nil {
		return styles{}, err
	}
	header, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: center, Border: border,
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9E1F2"}}})
	return styles{group, header}, err
}

// writeSheet streams one sheet: widths, frozen header, the group row when
// grouped, the header row, rows, and a drop-down on each listed column.
func writeSheet(f *excelize.File, st styles, sheet string, cols []column, grouped bool, rows [][]any) error {
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	for i, c := range cols {
		if err := sw.SetColWidth(i+1, i+1, c.width); err != nil {
			return err
		}
	}
	head := 1
	if grouped {
		head = 2
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: head, TopLeftCell: "A" + strconv.Itoa(head+1), ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A" + strconv.Itoa(head+1), ActiveCell: "A" + strconv.Itoa(head+1), Pane: "bottomLeft"}}}); err != nil {
		return err
	}
	if grouped {
		if err := writeGroupRow(sw, st, cols); err != nil {
			return err
		}
	}
	hdr := make([]any, len(cols))
	for i, c := range cols {
		hdr[i] = excelize.Cell{StyleID: st.header, Value: c.name}
	}
	if err := sw.SetRow("A"+strconv.Itoa(head), hdr, excelize.RowOpts{Height: 30}); err != nil {
		return err
	}
	for i, r := range rows {
		if err := sw.SetRow("A"+strconv.Itoa(head+1+i), r); err != nil {
			return err
		}
	}
	for i, c := range cols {
		if c.list == nil {
			continue
		}
		if err := addDropDown(f, sheet, i+1, head+1, c); err != nil {
			return err
		}
	}
	return sw.Flush()
}

func writeGroupRow(sw *excelize.StreamWriter, st styles, cols []column) error {
	row := make([]any, len(cols))
	start := 0
	for i := range cols {
		row[i] = excelize.Cell{StyleID: st.group}
		if i > 0 && cols[i].group == cols[start].group {
			continue
		}
		row[i] = excelize.Cell{StyleID: st.group, Value: cols[i].group}
		if i > 0 && i-1 > start {
			if err := mergeCols(sw, start, i-1); err != nil {
				return err
			}
		}
		start = i
	}
	if len(cols)-1 > start {
		if err := mergeCols(sw, start, len(cols)-1); err != nil {
			return err
		}
	}
	return sw.SetRow("A1", row, excelize.RowOpts{Height: 22})
}

func mergeCols(sw *excelize.StreamWriter, from, to int) error {
	a, _ := excelize.CoordinatesToCellName(from+1, 1)
	b, _ := excelize.CoordinatesToCellName(to+1, 1)
	return sw.MergeCell(a, b)
}

// addDropDown adds a list validation to column col from row first for
// MaxRows rows, so rows a person adds get the drop-down too. It must be
// called before the sheet's stream writer is flushed.
func addDropDown(f *excelize.File, sheet string, col, first int, c column) error {
	name, err := excelize.ColumnNumberToName(col)
	if err != nil {
		return err
	}
	dv := excelize.NewDataValidation(true)
	dv.SetSqref(fmt.Sprintf("%s%d:%s%d", name, first, name, first+MaxRows-1))
	if err := dv.SetDropList(c.list); err != nil {
		return err
	}
	style := excelize.DataValidationErrorStyleStop
	if c.loose {
		style = excelize.DataValidationErrorStyleWarning
	}
	dv.SetError(style, "请从下拉列表中选择", fmt.Sprintf("“%s”应为%s之一", c.name, strings.Join(c.list, "、")))
	return f.AddDataValidation(sheet, dv)
}

func writeInfo(f *excelize.File, st styles, c *app.Catalogue) error {
	if _, err := f.NewSheet(SheetInfo); err != nil {
		return err
	}
	values := [numInfoRows]string{c.Title, c.ProjectName, c.ProviderName, c.ProviderCode}
	for i, l := range infoLabels {
		if err := f.SetSheetRow(SheetInfo, "A"+strconv.Itoa(i+1), &[]any{l, values[i]}); err != nil {
			return err
		}
	}
	if err := f.SetCellStyle(SheetInfo, "A1", "A"+strconv.Itoa(numInfoRows), st.header); err != nil {
		return err
	}
	if err := f.SetColWidth(SheetInfo, "A", "A", 20); err != nil {
		return err
	}
	return f.SetColWidth(SheetInfo, "B", "B", 60)
}

func catalogueRows(c *app.Catalogue) [][]any {
	var rows [][]any
	for i := range c.Entries {
		r := &c.Entries[i]
		n := max(len(r.Items), 1)
		for j := range n {
			row := resourceCells(r)
			if j < len(r.Items) {
				it := r.Items[j]
				row[cItemNo] = j + 1
				row[cItemName] = it.Name
				row[cDataType] = app.LabelOf(app.DataTypeChoices, string(it.DataType))
				if it.Length != 0 {
					row[cLength] = it.Length
				}
				row[cItemShareType] = app.LabelOf(app.ShareTypeChoices, string(it.ShareType))
				row[cItemShareCondition] = it.ShareCondition
				row[cItemShareBasis] = it.ShareBasis
			}
			rows = append(rows, row)
		}
	}
	return rows
}

// resourceCells returns a catalogue row with the resource-level cells of r.
func resourceCells(r *app.Resource) []any {
	row := make([]any, numCatalogueCols)
	row[cCategory] = r.Category
	row[cName] = r.Name
	if r.Sequence != "" {
		row[cCode] = strings.TrimSpace(r.Category) + "/" + strings.TrimSpace(r.Sequence)
	}
	row[cProvider] = r.ProviderName
	row[cProviderCode] = r.ProviderCode
	row[cOffice] = r.Office
	row[cAbstract] = r.Abstract
	row[cFormatClass] = app.LabelOf(app.FormatClassChoices, string(r.FormatClass))
	if r.FormatClass.FreeText() {
		row[cFormatOther] = r.FormatType
	} else {
		row[cFormatType] = app.LabelOf(app.FormatTypeChoices(r.FormatClass), r.FormatType)
	}
	row[cShareType] = app.LabelOf(app.ShareTypeChoices, string(r.ShareType))
	row[cShareCondition] = r.ShareCondition
	row[cShareBasis] = r.ShareBasis
	row[cShareModeClass] = app.LabelOf(app.ShareModeClassChoices, string(r.ShareModeClass))
	row[cShareModeType] = app.LabelOf(app.ShareModeTypeChoices(app.ShareViaPlatform), string(r.ShareModeType))
	row[cOpen] = "否"
	if r.Open {
		row[cOpen] = "是"
	}
	row[cOpenCondition] = r.OpenCondition
	row[cUpdateCycle] = app.LabelOf(app.UpdateCycleChoices, string(r.UpdateCycle))
	row[cPublishDate] = r.PublishDate
	row[cRelated] = strings.Join(r.RelatedCodes, "；")
	return row
}

func demandRows(c *app.Catalogue) [][]any {
	rows := make([][]any, len(c.Demands))
	for i, d := range c.Demands {
		rows[i] = []any{i + 1, d.ResourceName, d.ResourceCode, strings.Join(d.Items, "、"), d.Provider,
			app.LabelOf(app.DemandUsageChoices, string(d.Usage)), app.LabelOf(app.UpdateCycleChoices, string(d.Frequency)),
			d.Basis, d.Scenario}
	}
	return rows
}

func dutyRows(c *app.Catalogue) [][]any {
	rows := make([][]any, len(c.Duties))
	for i, d := range c.Duties {
		rows[i] = []any{i + 1, d.ResourceCode, resourceName(c, d.ResourceCode), strings.Join(d.Items, "、"), d.Duty,
			app.LabelOf(app.UpdateCycleChoices, string(d.UpdateCycle)), app.LabelOf(app.ShareTypeChoices, string(d.ShareType)),
			app.LabelOf(app.ShareModeClassChoices, string(d.ShareModeClass)),
			app.LabelOf(app.ShareModeTypeChoices(app.ShareViaPlatform), string(d.ShareModeType)), d.Owner, d.Due}
	}
	return rows
}

func negativeRows(c *app.Catalogue) [][]any {
	rows := make([][]any, len(c.Negatives))
	for i, n := range c.Negatives {
		rows[i] = []any{i + 1, n.ResourceCode, resourceName(c, n.ResourceCode), strings.Join(n.Items, "、"),
			app.LabelOf(app.NegativeCategoryChoices, string(n.Category)), n.Basis, n.ReviewDate, n.Alternative}
	}
	return rows
}

func resourceName(c *app.Catalogue, code string) string {
	code = strings.TrimSpace(code)
	for i := range c.Entries {
		if code != "" && c.Entries[i].Code() == code {
			return c.Entries[i].Name
		}
	}
	return ""
}
