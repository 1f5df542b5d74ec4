package xlsx

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"egovdesk/app"
)

// Export writes c to w as an .xlsx workbook in the layout of the 2017
// guide's template: the sheet 信息资源目录 with a group header row, a column
// header row and one row per information item (a resource without items
// gets one row), the sheets 需求清单, 责任清单 and 负面清单, and 目录信息 with
// the catalogue's title and provider. Codes are written as the labels a
// person types, with drop-downs on the enumerated columns. Code columns
// are text cells and the columns keep the text format for rows added below,
// dates are date cells; the sheets print landscape, one page wide, with
// their header rows repeated (see printSetup). Export does not
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
			err = writeSheet(f, st, s.name, s.cols, s.grouped, s.rows, c)
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

// styles are the cell styles of Export: the group and header rows, and
// for data cells of each kind (text, code, whole number, date) one style
// with borders for the cells written and one without for the column, so
// that the rows a clerk adds below keep the kind: a code typed there stays
// text, a date is a date.
type styles struct {
	group, header                 int
	text, code, number, date      int
	colText, colCode, colDate     int
	infoLabel, infoText, infoCode int
}

// fontFamily is the font of every cell: 宋体 is what bureau forms are set
// in, and where it is missing (LibreOffice on Linux) the CJK fallback is used.
const fontFamily = "宋体"

// textFormat and dateFormat are the number formats of code and date cells.
const (
	textFormat = 49 // "@"
	dateFormat = "yyyy-mm-dd"
)

func newStyles(f *excelize.File) (styles, error) {
	var st styles
	border := []excelize.Border{{Type: "left", Color: "000000", Style: 1}, {Type: "right", Color: "000000", Style: 1},
		{Type: "top", Color: "000000", Style: 1}, {Type: "bottom", Color: "000000", Style: 1}}
	font := &excelize.Font{Family: fontFamily, Size: 10}
	bold := &excelize.Font{Family: fontFamily, Size: 10, Bold: true}
	center := &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}
	top := &excelize.Alignment{Vertical: "top", WrapText: true}
	topCenter := &excelize.Alignment{Horizontal: "center", Vertical: "top", WrapText: true}
	date := dateFormat
	for _, s := range []struct {
		id    *int
		style excelize.Style
	}{
		{&st.group, excelize.Style{Font: &excelize.Font{Family: fontFamily, Size: 11, Bold: true}, Alignment: center, Border: border,
			Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9D9D9"}}}},
		{&st.header, excelize.Style{Font: bold, Alignment: center, Border: border,
			Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"F2F2F2"}}}},
		{&st.text, excelize.Style{Font: font, Alignment: top, Border: border}},
		{&st.code, excelize.Style{Font: font, Alignment: top, Border: border, NumFmt: textFormat}},
		{&st.number, excelize.Style{Font: font, Alignment: topCenter, Border: border}},
		{&st.date, excelize.Style{Font: font, Alignment: topCenter, Border: border, CustomNumFmt: &date}},
		{&st.colText, excelize.Style{Font: font, Alignment: top}},
		{&st.colCode, excelize.Style{Font: font, Alignment: top, NumFmt: textFormat}},
		{&st.colDate, excelize.Style{Font: font, Alignment: topCenter, CustomNumFmt: &date}},
		{&st.infoLabel, excelize.Style{Font: bold, Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}, Border: border,
			Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"F2F2F2"}}}},
		{&st.infoText, excelize.Style{Font: font, Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}, Border: border}},
		{&st.infoCode, excelize.Style{Font: font, Alignment: &excelize.Alignment{Vertical: "center"}, Border: border, NumFmt: textFormat}},
	} {
		id, err := f.NewStyle(&s.style)
		if err != nil {
			return styles{}, err
		}
		*s.id = id
	}
	return st, nil
}

// cellStyle returns the style of a data cell of c, and colStyle that of
// the column for the rows below the data.
func (st styles) cellStyle(c column) int {
	switch {
	case c.code:
		return st.code
	case c.date:
		return st.date
	case c.number:
		return st.number
	}
	return st.text
}

func (st styles) colStyle(c column) int {
	switch {
	case c.code:
		return st.colCode
	case c.date:
		return st.colDate
	}
	return st.colText
}

// printSetup is the page setup of a sheet: paper (A3 landscape for the
// catalogue's 27 columns, A4 landscape for the lists, A4 portrait for
// 目录信息) with every column on one page width and as many pages down as
// needed, the first headRows rows repeated on each page, and the
// catalogue's title and the page number in the margins. For a streamed
// sheet it must be set before the stream writer is made, which writes it.
func printSetup(f *excelize.File, sheet string, paper int, orientation string, headRows int, c *app.Catalogue) error {
	zero, one, fit := 0, 1, true
	if err := f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	if err := f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Size: &paper, Orientation: &orientation,
		FitToWidth: &one, FitToHeight: &zero}); err != nil {
		return err
	}
	m := func(v float64) *float64 { return &v }
	horizontal := true
	if err := f.SetPageMargins(sheet, &excelize.PageLayoutMarginsOptions{Left: m(0.4), Right: m(0.4), Top: m(0.75),
		Bottom: m(0.6), Header: m(0.3), Footer: m(0.3), Horizontally: &horizontal}); err != nil {
		return err
	}
	title := strings.TrimSpace(c.Title)
	if title == "" {
		title = "政务数据共享资源目录"
	}
	if sheet != SheetCatalogue {
		title += "—" + sheet
	}
	font := "&\"" + fontFamily + ",Regular\"&9"
	if err := f.SetHeaderFooter(sheet, &excelize.HeaderFooterOptions{
		OddHeader: "&C&\"" + fontFamily + ",Bold\"&14" + hfEscape(title),
		OddFooter: "&L" + font + "填报单位（盖章）：" + hfEscape(c.ProviderName) + "&C" + font + "第 &P 页，共 &N 页&R" + font + "填报日期：　　年　　月　　日",
	}); err != nil {
		return err
	}
	if headRows == 0 {
		return nil
	}
	return f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", Scope: sheet,
		RefersTo: fmt.Sprintf("'%s'!$1:$%d", sheet, headRows)})
}

// hfEscape makes s literal text in a page header: & starts a code there.
// A header holds 255 characters in all; a long text is shortened.
func hfEscape(s string) string {
	if r := []rune(strings.TrimSpace(s)); len(r) > 60 {
		s = string(r[:60]) + "…"
	}
	return strings.ReplaceAll(s, "&", "&&")
}

// Paper sizes of printSetup (the spreadsheet's codes).
const (
	paperA4 = 9
	paperA3 = 8
)

// writeSheet streams one sheet: page setup, widths and column styles,
// frozen header, the group row when grouped, the header row, rows, and a
// drop-down on each listed column.
func writeSheet(f *excelize.File, st styles, sheet string, cols []column, grouped bool, rows [][]any, c *app.Catalogue) error {
	head := 1
	paper := paperA4
	if grouped {
		head, paper = 2, paperA3
	}
	if err := printSetup(f, sheet, paper, "landscape", head, c); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	for i, c := range cols {
		if err := sw.SetColWidth(i+1, i+1, c.width); err != nil {
			return err
		}
		if err := sw.SetColStyle(i+1, i+1, st.colStyle(c)); err != nil {
			return err
		}
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
	lines := 1
	for i, c := range cols {
		hdr[i] = excelize.Cell{StyleID: st.header, Value: c.header()}
		lines = max(lines, strings.Count(c.header(), "\n")+1)
	}
	if err := sw.SetRow("A"+strconv.Itoa(head), hdr, excelize.RowOpts{Height: 8 + 14*float64(lines)}); err != nil {
		return err
	}
	cells := make([]any, len(cols))
	for i, r := range rows {
		for j, c := range cols {
			cells[j] = excelize.Cell{StyleID: st.cellStyle(c), Value: cellValue(c, r[j])}
		}
		if err := sw.SetRow("A"+strconv.Itoa(head+1+i), cells, excelize.RowOpts{Height: rowHeight(cols, r)}); err != nil {
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

// Text metrics of the data cells (10 pt), in units of column width and
// points of row height, measured on LibreOffice's and Excel's rendering of
// 宋体 and its fallbacks, with a little room to spare.
const (
	wideRune   = 1.8  // a Chinese character or full-width form
	narrowRune = 1.0  // a letter, digit or half-width punctuation
	cellMargin = 0.8  // the cell's left and right padding
	lineHeight = 13.5 // one line of 10 pt text
	// maxRowHeight is the tallest row a spreadsheet holds (Excel's limit,
	// which excelize enforces): a longer cell, such as a 摘要 of 1,000
	// characters, shows its first lines and the rest in the formula bar.
	maxRowHeight = 409
)

// rowHeight returns the height of a data row that shows every wrapped
// cell whole. Spreadsheets do not grow rows to wrapped text written by a
// program (LibreOffice leaves a row of 摘要 cut off at one line), so
// Export sets it.
func rowHeight(cols []column, r []any) float64 {
	lines := 1
	for j, c := range cols {
		s, ok := r[j].(string)
		if !ok || s == "" {
			continue
		}
		n := 0
		for _, l := range strings.Split(s, "\n") {
			n += textLines(l, c.width-cellMargin)
		}
		lines = max(lines, n)
	}
	return min(float64(lines)*lineHeight+3, maxRowHeight)
}

// textLines returns the lines text s wraps to in a column width wide.
func textLines(s string, width float64) int {
	lines, used := 1, 0.0
	for _, r := range s {
		w := narrowRune
		if r >= 0x2E80 {
			w = wideRune
		}
		if used+w > width && used > 0 {
			lines, used = lines+1, 0
		}
		used += w
	}
	return lines
}

// cellValue returns what Export writes in a cell of c for v: a date as a
// date (a valid YYYY-MM-DD; anything else as the text it is), nil for a
// blank cell so that it takes its style only.
func cellValue(c column, v any) any {
	s, ok := v.(string)
	switch {
	case !ok:
		return v
	case s == "":
		return nil
	case c.date:
		if t, err := time.Parse(time.DateOnly, s); err == nil {
			return t
		}
	}
	return s
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
		n := strconv.Itoa(i + 1)
		if err := f.SetCellStyle(SheetInfo, "B"+n, "B"+n, st.infoText); err != nil {
			return err
		}
		if i == iProviderCode {
			if err := f.SetCellStyle(SheetInfo, "B"+n, "B"+n, st.infoCode); err != nil {
				return err
			}
		}
		// a string, so that a code of digits is written as text
		if err := f.SetCellStr(SheetInfo, "B"+n, values[i]); err != nil {
			return err
		}
		if err := f.SetCellStr(SheetInfo, "A"+n, l); err != nil {
			return err
		}
		if err := f.SetRowHeight(SheetInfo, i+1, 22); err != nil {
			return err
		}
	}
	if err := f.SetCellStyle(SheetInfo, "A1", "A"+strconv.Itoa(numInfoRows), st.infoLabel); err != nil {
		return err
	}
	if err := f.SetColWidth(SheetInfo, "A", "A", 20); err != nil {
		return err
	}
	if err := f.SetColWidth(SheetInfo, "B", "B", 60); err != nil {
		return err
	}
	return printSetup(f, SheetInfo, paperA4, "portrait", 0, c)
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
