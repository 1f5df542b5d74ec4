package xlsx

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"egovdesk/app"
)

// SheetRegister is the sheet of the register of existing systems that
// RegisterTemplate writes; ReadRegister reads the first visible sheet with
// its header whatever its name.
const SheetRegister = "已建系统"

// registerCols are the register's columns: the header as written, then
// the other headers accepted for it.
var registerCols = []struct {
	name     string
	aliases  []string
	required bool
	width    float64
}{
	{"系统名称", []string{"信息系统名称", "项目名称", "名称"}, true, 32},
	{"建设单位", []string{"单位", "使用单位", "建设（使用）单位", "主管单位"}, true, 28},
	{"建设内容/功能", []string{"建设内容", "主要功能", "功能", "建设内容及功能", "系统功能"}, true, 60},
	{"数据资源", []string{"数据", "主要数据资源", "数据资源目录"}, false, 40},
	{"建成年份", []string{"建成时间", "年份", "建成年度", "上线年份"}, false, 10},
}

const (
	regName = iota
	regOwner
	regContent
	regData
	regYear
)

// MaxRegisterRows bounds the systems of one register.
const MaxRegisterRows = 20000

// ReadRegister reads a register of existing systems from an .xlsx
// workbook: the first visible sheet with a header row naming 系统名称,
// 建设单位 and 建设内容/功能 (in any order, among other columns, in the
// first 20 rows). Blank rows are skipped. It is all-or-nothing: any bad
// row gives an EINVALID *app.Error whose Fields name each row ("第 5 行")
// and say what to fix; so does a file that is not a workbook or has no
// such header. thisYear bounds 建成年份.
func ReadRegister(r io.Reader, thisYear int) (out []app.ExistingSystem, err error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read register: %w", err)
	}
	if len(data) > MaxFileSize {
		return nil, app.Errorf(app.ETOOLARGE, "文件超过 %d MB，请拆分后分批导入", MaxFileSize>>20)
	}
	defer func() {
		if recover() != nil {
			out, err = nil, errNotWorkbook
		}
	}()
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: 256 << 20})
	if err != nil {
		return nil, errNotWorkbook
	}
	defer f.Close()
	for _, name := range f.GetSheetList() {
		if v, err := f.GetSheetVisible(name); err == nil && !v {
			continue
		}
		rows, err := sheetGrid(f, name)
		if err != nil {
			return nil, err
		}
		head, cols := registerHeader(rows)
		if head < 0 {
			continue
		}
		return readRegisterRows(name, rows, head, cols, thisYear)
	}
	var want []string
	for _, c := range registerCols {
		if c.required {
			want = append(want, "“"+c.name+"”")
		}
	}
	return nil, app.Errorf(app.EINVALID, "工作簿中没有登记表：前 %d 行里找不到含%s的表头行。请下载登记表模板，按模板的列填写", maxHeadScan, strings.Join(want, "、"))
}

// sheetGrid reads the rows of a sheet, rows[i] being row i+1, as
// excelize's GetRows would, but row by row and each row cut to maxColumns
// (rowCells): GetRows holds every row padded to its last cell. A sheet of
// more than maxSheetRows rows is refused.
func sheetGrid(f *excelize.File, name string) ([][]string, error) {
	var grid [][]string
	filled := 0
	err := eachRow(f, name, func(_ int, cells []string) error {
		if cells != nil {
			if filled++; filled > MaxRegisterRows+maxHeadScan {
				return app.Errorf(app.ETOOLARGE, "登记表超过 %d 个系统，请拆分后分批导入", MaxRegisterRows)
			}
		}
		grid = append(grid, cells)
		return nil
	})
	if err != nil {
		return nil, err
	}
	for len(grid) > 0 && grid[len(grid)-1] == nil { // as GetRows: no trailing blank rows
		grid = grid[:len(grid)-1]
	}
	return grid, nil
}

// registerHeader finds the header row among the first rows: the index of
// the row and the column of each of registerCols (-1 when absent), or -1
// when no row names every required column.
func registerHeader(rows [][]string) (int, []int) {
	for i := 0; i < len(rows) && i < maxHeadScan; i++ {
		cols := make([]int, len(registerCols))
		for j := range cols {
			cols[j] = -1
		}
		for j, cell := range rows[i] {
			h := strings.ReplaceAll(cleanText(halfWidth(cell)), " ", "")
			h = strings.NewReplacer("\n", "", "／", "/", "、", "/").Replace(h)
			for k, c := range registerCols {
				if cols[k] >= 0 {
					continue
				}
				if h == c.name || h == strings.ReplaceAll(c.name, "/", "") || contains(c.aliases, h) {
					cols[k] = j
					break
				}
			}
		}
		ok := true
		for k, c := range registerCols {
			if c.required && cols[k] < 0 {
				ok = false
			}
		}
		if ok {
			return i, cols
		}
	}
	return -1, nil
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func readRegisterRows(sheet string, rows [][]string, head int, cols []int, thisYear int) ([]app.ExistingSystem, error) {
	var out []app.ExistingSystem
	var problems []app.FieldError
	cell := func(row []string, k int) string {
		if cols[k] < 0 || cols[k] >= len(row) {
			return ""
		}
		return cleanText(row[cols[k]])
	}
	for i := head + 1; i < len(rows); i++ {
		row := rows[i]
		blank := true
		for k := range registerCols {
			if cell(row, k) != "" {
				blank = false
			}
		}
		if blank {
			continue
		}
		if len(out) >= MaxRegisterRows {
			return nil, app.Errorf(app.ETOOLARGE, "登记表超过 %d 个系统，请拆分后分批导入", MaxRegisterRows)
		}
		where := fmt.Sprintf("第 %d 行", i+1)
		s := app.ExistingSystem{Name: cell(row, regName), Owner: cell(row, regOwner), Content: cell(row, regContent), Data: cell(row, regData)}
		var msgs []string
		if y := cell(row, regYear); y != "" {
			n, ok := registerYear(y)
			if !ok {
				msgs = append(msgs, fmt.Sprintf("建成年份“%s”应为四位数字年份，如 2019", clip(y, 20)))
			}
			s.Year = n
		}
		p := s.Problems(thisYear)
		for _, c := range registerCols {
			if m, ok := p[c.name]; ok {
				msgs = append(msgs, m)
			}
		}
		if len(msgs) > 0 {
			name := s.Name
			if name != "" {
				where += "（" + clip(name, 30) + "）"
			}
			problems = append(problems, app.FieldError{Field: where, Message: strings.Join(msgs, "；")})
			if len(problems) >= maxReported {
				break
			}
			continue
		}
		out = append(out, s)
	}
	if len(problems) > 0 {
		return nil, &app.Error{Code: app.EINVALID, Fields: problems,
			Message: fmt.Sprintf("登记表“%s”工作表有 %d 行不合格，整表未导入；请按下列提示改正后重新导入", sheet, len(problems))}
	}
	if len(out) == 0 {
		return nil, app.Errorf(app.EINVALID, "登记表“%s”工作表的表头下没有系统；请在表头下逐行填写", sheet)
	}
	return out, nil
}

// registerYear reads a year as a register writes it: 2019, 2019年, or a
// date such as 2019-06 or 2019.6.
func registerYear(s string) (int, bool) {
	s = strings.TrimSuffix(halfWidth(s), "年")
	if len(s) > 4 && strings.ContainsAny(s[4:5], "-./年") {
		s = s[:4]
	}
	if len(s) != 4 || !digitsOnly(s) {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// RegisterTemplate writes the register's workbook to fill in: the header
// and one example row.
func RegisterTemplate(w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", SheetRegister); err != nil {
		return fmt.Errorf("register template: %w", err)
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Color: []string{"DDE6F0"}, Pattern: 1},
		Alignment: &excelize.Alignment{Vertical: "center"}})
	if err != nil {
		return fmt.Errorf("register template: %w", err)
	}
	wrap, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return fmt.Errorf("register template: %w", err)
	}
	example := []string{"霍邱县城关镇数字乡村综合服务平台", "霍邱县城关镇人民政府",
		"村级事项网上办理、网格化管理、村务公开、便民服务，覆盖全镇社区和行政村", "户籍人口、网格事件、村务公开信息", "2022"}
	for i, c := range registerCols {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetCellStr(SheetRegister, col+"1", c.name); err != nil {
			return fmt.Errorf("register template: %w", err)
		}
		if err := f.SetCellStr(SheetRegister, col+"2", example[i]); err != nil {
			return fmt.Errorf("register template: %w", err)
		}
		if err := f.SetColWidth(SheetRegister, col, col, c.width); err != nil {
			return fmt.Errorf("register template: %w", err)
		}
	}
	last, _ := excelize.ColumnNumberToName(len(registerCols))
	if err := f.SetCellStyle(SheetRegister, "A1", last+"1", bold); err != nil {
		return fmt.Errorf("register template: %w", err)
	}
	if err := f.SetColStyle(SheetRegister, "A:"+last, wrap); err != nil {
		return fmt.Errorf("register template: %w", err)
	}
	if err := f.SetCellStyle(SheetRegister, "A1", last+"1", bold); err != nil {
		return fmt.Errorf("register template: %w", err)
	}
	if err := f.SetPanes(SheetRegister, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return fmt.Errorf("register template: %w", err)
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("register template: %w", err)
	}
	return nil
}
