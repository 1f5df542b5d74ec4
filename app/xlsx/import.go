package xlsx

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"egovdesk/app"
)

// maxReported caps the problems listed in one import error.
const maxReported = 500

// Import reads a workbook written by Export or kept by a unit in the 2017
// template: the header row of each sheet is found by its column names, in
// any order and among other columns; enumerations may be labels or numeric
// codes, dates text or Excel serials. Consecutive rows with the same 信息资源
// 代码 (or, when it is blank, the same name, or no name at all) form one
// resource. The sheets 需求清单, 责任清单, 负面清单 and 目录信息 are optional.
//
// A clerk's spreadsheet is read as the clerk sees it: of several sheets
// named like 信息资源目录 the visible one is taken (several visible ones
// are refused, naming them); a range merged down one column is that value
// on each of its rows. The widely circulated template's headers are
// accepted: 资源提供方代码, 提供方内部部门 (内设科室), one column
// 共享条件/不予共享依据 (the basis for a resource not shared, else the
// condition), and 类, 项, 目, 细目 in place of 信息资源分类. A code a
// spreadsheet has turned into a number (scientific notation, or a number
// cell that loses leading zeros and digits after the 15th) is refused, as
// is an 18-character 提供方代码 that is not a well-formed 统一社会信用代码
// (app.CreditCodeProblem), and a range merged across columns.
//
// Import is all-or-nothing. When any cell is bad, or the imported catalogue
// fails (*app.Catalogue).Validate, it returns nil and an app.EINVALID
// *app.Error whose Fields name each bad cell ("信息资源目录!H12") with a
// Chinese message saying what to type. A file that is not an .xlsx workbook
// or lacks the 信息资源目录 sheet or its header gives EINVALID; one over
// MaxFileSize bytes or MaxRows rows gives app.ETOOLARGE.
func Import(r io.Reader) (*app.Catalogue, error) { return importBook(r, false) }

// ImportDraft is Import for a draft: a workbook whose every cell reads, but
// whose catalogue has problems a draft may have (a 共享条件 not yet written,
// a 负面清单 line missing), is returned with an EINVALID *app.Error listing
// those problems by cell ("已读取，有 3 处需要修改"). The clerk finishes it in
// the editor, or in Excel and imports again; refused, they had to finish it
// in Excel before seeing any of it. A cell that does not read (a code turned
// into a number, a date that is not one), a missing header or sheet, or a
// file too large, or past a filing's limits (app.CheckText), is still
// refused whole: nil and the error.
func ImportDraft(r io.Reader) (*app.Catalogue, error) { return importBook(r, true) }

// importBook reads a workbook; draft says whether a catalogue that reads
// but fails Validate is returned with its problems (ImportDraft) or refused
// (Import).
func importBook(r io.Reader, draft bool) (*app.Catalogue, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("import catalogue: read: %w", err)
	}
	if len(data) > MaxFileSize {
		return nil, app.Errorf(app.ETOOLARGE, "文件超过 %d MB，请拆分后分批导入", MaxFileSize>>20)
	}
	book, err := readBook(data)
	if err != nil {
		return nil, err
	}
	im := &importer{book: book, cat: &app.Catalogue{}}
	im.readInfo()
	im.readCatalogue()
	im.readDemands()
	im.readDuties()
	im.readNegatives()
	app.FoldLines(im.cat)      // a name broken with Alt+Enter in its cell is still one line
	unread := len(im.problems) // cells that did not read
	consistency := 0           // Validate's problems: a draft may have them
	pastLimits := false        // a filing's limits (app.CheckText): no draft may be past them
	if !im.headerBroken {
		// with a column missing, Validate would report it again on every row
		im.locate(im.cat.Validate(), nil)
		consistency = len(im.problems) - unread
		// The limits every filing is held to (lengths, at most
		// app.MaxListItems rows a list), told here at the cell rather than
		// at submission.
		// A cell Validate reported already keeps its message alone (found
		// in review: a 摘要 of 20,001 characters was told both "不能超过
		// 1000 个字" and "不能超过 20000 个字").
		located := map[string]bool{}
		for _, p := range im.problems {
			located[p.fe.Field] = true
		}
		limits := app.CheckText(app.Body{Kind: app.KindCatalogue, Catalogue: im.cat}).Err()
		pastLimits = limits != nil // also where a cell keeps Validate's message alone
		im.locate(limits, located)
	}
	if !draft || im.headerBroken || im.tooLarge != nil || pastLimits || len(im.problems) > consistency {
		if err := im.err("未导入任何内容"); err != nil {
			return nil, err
		}
	}
	if err := im.err("已读取，导入后请逐项修改"); err != nil {
		return im.cat, err
	}
	return im.cat, nil
}

// book holds the sheets of a workbook read into memory.
type book struct {
	sheets   map[string]*sheet
	date1904 bool
}

// sheet is one sheet: where its header is, which physical column holds
// each logical column (-1 when absent), and its non-blank data rows.
type sheet struct {
	name   string // as in the workbook
	order  int    // for sorting problems: the order of the sheets in Export, 0 for the catalogue
	head   int    // row number of the header row, 0 when not found
	colmap []int
	// headCells are the cells of the header row
	headCells []string
	rows      []row

	numeric map[pos]bool // cells holding a number, not text
	merged  []area
	filled  map[pos]bool // cells given the value of the merged range they are in
	// combined marks 共享条件 (or 信息项共享条件) read from one column
	// 共享条件/不予共享依据: a condition or, for 不予共享, the legal basis.
	combined map[int]bool
}

type row struct {
	n     int // row number, from 1
	cells []string
}

var errNotWorkbook = app.Errorf(app.EINVALID, "无法读取该文件：它不是 Excel 工作簿（.xlsx），或已损坏、加密。请用 Excel 或 WPS 打开后另存为 .xlsx 再导入")

// readBook opens the workbook and reads every sheet Import knows. excelize
// may panic on a malformed package; that is reported as a bad file.
func readBook(data []byte) (b *book, err error) {
	defer func() {
		if recover() != nil {
			b, err = nil, errNotWorkbook
		}
	}()
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{RawCellValue: true, UnzipSizeLimit: 256 << 20})
	if err != nil {
		return nil, errNotWorkbook
	}
	defer f.Close()
	facts := scanBook(data, func(n string) bool {
		n = cleanText(halfWidth(n))
		return strings.Contains(n, "资源目录") || slices.Contains([]string{SheetDemands, SheetDuties, SheetNegatives, SheetInfo}, n)
	})
	b = &book{sheets: make(map[string]*sheet)}
	if p, err := f.GetWorkbookProps(); err == nil && p.Date1904 != nil {
		b.date1904 = *p.Date1904
	}
	read := func(actual string, order int) (*sheet, error) {
		s, err := readSheet(f, actual, order)
		if err != nil {
			return nil, err
		}
		s.name = actual // problems name the sheet as the workbook does
		if sf := facts[actual]; sf != nil {
			s.numeric, s.merged = sf.numeric, sf.merged
		}
		return s, nil
	}
	names := make(map[string]string) // trimmed → actual sheet name
	for _, n := range f.GetSheetList() {
		names[cleanText(halfWidth(n))] = n
	}
	for i, n := range []string{SheetDemands, SheetDuties, SheetNegatives, SheetInfo} {
		actual, ok := names[n]
		if !ok {
			continue
		}
		if b.sheets[n], err = read(actual, i+1); err != nil {
			return nil, err
		}
	}
	b.sheets[SheetCatalogue], err = catalogueSheet(f, facts, read)
	return b, err
}

// catalogueSheet finds the catalogue among the sheets named 信息资源目录 or
// like it (政务信息资源目录, 信息资源目录 (2)). A hidden sheet is passed
// over when a visible one is there: a clerk who copies the sheet, edits the
// copy and hides the original means the copy. Among several visible ones
// the one with a catalogue header is taken; when that leaves more than one,
// or none, Import refuses and names them.
func catalogueSheet(f *excelize.File, facts map[string]*sheetFacts, read func(string, int) (*sheet, error)) (*sheet, error) {
	var visible, hidden []string
	for _, n := range f.GetSheetList() {
		if t := cleanText(halfWidth(n)); t != SheetCatalogue && !strings.Contains(t, "资源目录") {
			continue
		}
		if sf := facts[n]; sf != nil && sf.hidden {
			hidden = append(hidden, n)
		} else {
			visible = append(visible, n)
		}
	}
	switch {
	case len(visible) == 0 && len(hidden) == 0:
		return nil, app.Errorf(app.EINVALID, "工作簿中没有“%s”工作表（也没有名称含“资源目录”的工作表）；请使用导出的模板，或将目录所在的工作表改名为“%s”", SheetCatalogue, SheetCatalogue)
	case len(visible) == 0:
		return nil, app.Errorf(app.EINVALID, "目录所在的工作表%s是隐藏的。请在 Excel 或 WPS 中取消隐藏（右键工作表标签→取消隐藏），核对无误后再导入", sheetNames(hidden))
	case len(visible) == 1:
		return read(visible[0], 0)
	}
	var withHeader []*sheet
	for _, n := range visible {
		s, err := read(n, 0)
		if err != nil {
			return nil, err
		}
		if _, _, ok := matchHeader(s, catalogueImportCols); ok {
			withHeader = append(withHeader, s)
		}
	}
	if len(withHeader) == 1 {
		return withHeader[0], nil
	}
	msg := fmt.Sprintf("工作簿中有 %d 个可见的目录工作表：%s，无法确定导入哪一个。请只保留要导入的一个（删除其余的，或把它们改名为不含“资源目录”的名称）后再导入", len(visible), sheetNames(visible))
	if len(hidden) > 0 {
		msg += fmt.Sprintf("；另有隐藏的%s不会导入", sheetNames(hidden))
	}
	return nil, app.Errorf(app.EINVALID, "%s", msg)
}

// sheetNames quotes sheet names for a message: “信息资源目录”、“信息资源目录 (2)”.
func sheetNames(ns []string) string {
	q := make([]string, len(ns))
	for i, n := range ns {
		q[i] = "“" + n + "”"
	}
	return strings.Join(q, "、")
}

// readSheet reads the non-blank rows of a sheet, up to MaxRows after the
// first maxHeadScan rows.
func readSheet(f *excelize.File, name string, order int) (*sheet, error) {
	s := &sheet{order: order}
	err := eachRow(f, name, func(n int, cells []string) error {
		if cells == nil {
			return nil
		}
		if len(s.rows) >= MaxRows+maxHeadScan {
			return app.Errorf(app.ETOOLARGE, "“%s”工作表超过 %d 行，请拆分后分批导入", name, MaxRows)
		}
		s.rows = append(s.rows, row{n, cells})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// eachRow calls row with the number and the cells (rowCells: nil for a
// blank row) of each row of a sheet in turn, as excelize streams them,
// and stops at the first error row returns. A sheet of more than
// maxSheetRows rows is refused.
func eachRow(f *excelize.File, name string, row func(n int, cells []string) error) error {
	rows, err := f.Rows(name)
	if err != nil {
		return errNotWorkbook
	}
	defer rows.Close()
	kept := 0
	for n := 1; rows.Next(); n++ {
		if n > maxSheetRows {
			return errSheetRows(name)
		}
		cells, err := rows.Columns()
		if err != nil {
			return errNotWorkbook
		}
		// What lies past the columns read would be dropped without a
		// word: say so instead (and a row of one cell in column XFD,
		// found from outside, is refused at once rather than read
		// 100,000 times).
		if len(cells) > maxColumns && slices.ContainsFunc(cells[maxColumns:], func(c string) bool { return strings.TrimSpace(c) != "" }) {
			last, _ := excelize.ColumnNumberToName(maxColumns)
			return app.Errorf(app.EINVALID, "“%s”工作表第 %d 行在 %s 列之后还有内容；导入只读前 %d 列，请删去这些内容或移到前面的列后再导入", name, n, last, maxColumns)
		}
		cells = rowCells(cells)
		// Found from outside: one shared string of 1 MB named by 800
		// cells of a 10 KB workbook took 2 GB once each cell's text was
		// cleaned and kept.
		for _, c := range cells {
			if kept += len(c); kept > maxSheetBytes {
				return app.Errorf(app.ETOOLARGE, "“%s”工作表的文字超过 %d MB，请拆分后分批导入", name, maxSheetBytes>>20)
			}
		}
		if err := row(n, cells); err != nil {
			return err
		}
	}
	if err := rows.Error(); err != nil {
		return errNotWorkbook
	}
	return nil
}

// maxColumns is how many columns of a row are read: the templates have at
// most 30, and a cell past them is in no column a header names.
// maxSheetRows bounds the rows of a sheet read, blank ones included.
// maxSheetBytes bounds the text of a sheet read, counted per cell.
const (
	maxColumns    = 64
	maxSheetRows  = 5 * MaxRows
	maxSheetBytes = 64 << 20
)

// errSheetRows refuses a sheet of more than maxSheetRows rows.
func errSheetRows(sheet string) error {
	return app.Errorf(app.ETOOLARGE, "“%s”工作表（含空行）超过 %d 行：请删除数据下方的空行，或拆分后分批导入", sheet, maxSheetRows)
}

// rowCells is the first maxColumns cells of a row read, in an array of
// their own; nil for a blank row. Found from outside: excelize pads a row
// to its last cell, so a row of one cell in the last column (XFD) is
// 16,384 strings, and a 27 KB workbook of 4,000 such rows took 2 GB of the
// bureau's memory.
func rowCells(cells []string) []string {
	cells = cells[:min(len(cells), maxColumns)]
	if blank(cells) {
		return nil
	}
	return slices.Clone(cells)
}

func blank(cells []string) bool {
	for _, c := range cells {
		if cleanText(c) != "" {
			return false
		}
	}
	return true
}

// headerKey normalises a header cell: half-width, no spaces, no required
// marks (*) and no trailing note in parentheses ("数据长度（必填项）").
func headerKey(s string) string {
	s = normCode(s)
	s = strings.Trim(s, "*")
	if i := strings.IndexByte(s, '('); i > 0 && strings.HasSuffix(s, ")") {
		s = s[:i]
	}
	return strings.Trim(s, "*")
}

// combinedShare returns the logical column of a header naming both the
// share condition and the legal basis for not sharing
// (“共享条件/不予共享依据”, “信息项共享条件（不予共享依据）”).
func combinedShare(cell string) (int, bool) {
	k := normCode(cell)
	if !strings.Contains(k, "共享条件") || !strings.Contains(k, "依据") {
		return 0, false
	}
	if strings.Contains(k, "信息项") {
		return cItemShareCondition, true
	}
	return cShareCondition, true
}

// matchHeader finds the header row of s among its first rows: the first
// row naming at least half of the required columns. It returns the row's
// index in s.rows and the physical column of each logical column.
func matchHeader(s *sheet, cols []column) (int, []int, bool) {
	want := make(map[string]int)
	required := 0
	for i, c := range cols {
		for _, n := range append([]string{c.name}, c.aliases...) {
			if _, dup := want[headerKey(n)]; !dup {
				want[headerKey(n)] = i
			}
		}
		if c.required {
			required++
		}
	}
	catalogue := &cols[0] == &catalogueImportCols[0]
	for k, r := range s.rows {
		if r.n > maxHeadScan {
			break
		}
		colmap := slices.Repeat([]int{-1}, len(cols))
		for j, cell := range r.cells {
			i, ok := want[headerKey(cell)]
			if c, comb := combinedShare(cell); catalogue && comb {
				i, ok = c, true
			}
			if ok && colmap[i] < 0 {
				colmap[i] = j
			}
		}
		found := 0
		for i, c := range cols {
			if c.required && present(colmap, i, cols) {
				found++
			}
		}
		if found*2 < required || found == 0 {
			continue
		}
		return k, colmap, true
	}
	return 0, nil, false
}

// present reports whether logical column i is in colmap, or stood in for
// by its anyOf columns.
func present(colmap []int, i int, cols []column) bool {
	if colmap[i] >= 0 {
		return true
	}
	for _, j := range cols[i].anyOf {
		if colmap[j] < 0 {
			return false
		}
	}
	return cols[i].anyOf != nil
}

// findHeader locates the header row of s among its first rows (see
// matchHeader). It keeps only the rows below the header and reports each
// required column that is missing.
func (im *importer) findHeader(s *sheet, cols []column) bool {
	k, colmap, ok := matchHeader(s, cols)
	if !ok {
		names := make([]string, 0, 3)
		for _, c := range cols {
			if c.required && len(names) < 3 {
				names = append(names, "“"+c.name+"”")
			}
		}
		im.headerBroken = true
		im.addAt(s, 0, -1, "“%s”工作表中找不到表头：前 %d 行中应有一行列名，包括%s等", s.name, maxHeadScan, strings.Join(names, ""))
		s.rows = nil
		return false
	}
	r := s.rows[k]
	s.head, s.headCells, s.colmap, s.rows = r.n, r.cells, colmap, s.rows[k+1:]
	if len(s.rows) > MaxRows {
		im.tooLarge = app.Errorf(app.ETOOLARGE, "“%s”工作表超过 %d 行，请拆分后分批导入", s.name, MaxRows)
	}
	for i, c := range cols {
		if c.required && !present(colmap, i, cols) {
			im.headerBroken = true
			im.addAt(s, r.n, -1, "“%s”工作表第 %d 行的表头缺少“%s”列，请补上该列", s.name, r.n, c.name)
		}
	}
	return true
}

// importer collects the catalogue and its problems while a book is read.
type importer struct {
	book     *book
	cat      *app.Catalogue
	problems []problem
	bad      map[string]bool // cells already reported
	tooLarge error
	// headerBroken is set when a sheet lacks its header or a required column
	headerBroken bool

	// where each part of cat came from, to report Validate's problems by cell
	entries    []entryRows
	infoRows   [numInfoRows]int
	demandRows []int
	dutyRows   []int
	negRows    []int
}

// entryRows says where an entry came from: the row its resource-level
// cells were read from and the row of each of its items.
type entryRows struct {
	first int
	items []int
}

type problem struct {
	order, row, col int
	fe              app.FieldError
}

// ref returns the cell reference of a problem: "信息资源目录!H12", a row
// ("信息资源目录!12:12") when col < 0, or the sheet when row is 0.
func ref(sheet string, row, col int) string {
	switch {
	case row <= 0:
		return sheet
	case col < 0:
		return fmt.Sprintf("%s!%d:%d", sheet, row, row)
	}
	name, _ := excelize.ColumnNumberToName(col + 1)
	return sheet + "!" + name + strconv.Itoa(row)
}

// addAt records a problem at physical column col of row n of s.
func (im *importer) addAt(s *sheet, n, col int, format string, args ...any) {
	f := ref(s.name, n, col)
	if im.bad == nil {
		im.bad = make(map[string]bool)
	}
	im.bad[f] = true
	im.problems = append(im.problems, problem{s.order, n, col, app.FieldError{Field: f, Message: fmt.Sprintf(format, args...)}})
}

// where prefixes a message with the row, and the sheet when it is not the catalogue.
func where(s *sheet, n int) string {
	if s.order == 0 { // the catalogue sheet
		return fmt.Sprintf("第 %d 行", n)
	}
	return fmt.Sprintf("%s第 %d 行", s.name, n)
}

// err returns the problems found as one EINVALID *app.Error, or nil.
func (im *importer) err(outcome string) error {
	if im.tooLarge != nil {
		return im.tooLarge
	}
	if len(im.problems) == 0 {
		return nil
	}
	slices.SortStableFunc(im.problems, func(a, b problem) int {
		return cmp.Or(cmp.Compare(a.order, b.order), cmp.Compare(a.row, b.row), cmp.Compare(a.col, b.col))
	})
	n := len(im.problems)
	msg := fmt.Sprintf("工作簿中有 %d 处需要修改，%s", n, outcome)
	fs := make([]app.FieldError, 0, min(n, maxReported))
	for _, p := range im.problems[:min(n, maxReported)] {
		fs = append(fs, p.fe)
	}
	if n > maxReported {
		msg += fmt.Sprintf("（以下列出前 %d 处）", maxReported)
	}
	return &app.Error{Code: app.EINVALID, Message: msg, Fields: fs}
}
