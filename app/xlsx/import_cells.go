package xlsx

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"egovdesk/app"
)

// sciNotation matches a number in scientific notation, as a spreadsheet
// shows or stores a long code typed into a number cell: 1.13415220036123E+17.
var sciNotation = regexp.MustCompile(`^[+-]?\d+(\.\d+)?[eE][+-]?\d+$`)

// providerCodeProblem is app.ProviderCodeProblem with what the clerk does
// next, to follow the cell's value.
func providerCodeProblem(v string) string {
	if why := app.ProviderCodeProblem(v); why != "" {
		return why + "。请按营业执照或事业单位法人证书核对后重新输入"
	}
	return ""
}

// classLevels are the split classification columns of the widely
// circulated template, with the digits each level adds to 信息资源分类
// (细目: any number, as the province defines it).
var classLevels = []struct {
	col    int
	digits int
	eg     string
}{{cClass, 1, "1"}, {cClassItem, 2, "01"}, {cClassSub, 3, "001"}, {cClassDetail, 0, "03"}}

// category returns the 信息资源分类 of the row: the 信息资源分类 cell, or
// the 类, 项, 目 and 细目 cells put together. A level may be its own digits
// (项 “01”) or the code so far (项 “101”), and may be followed by its name
// (“01 人口”). A level of too few digits is reported: in a number cell its
// leading zeros were lost.
func (x cursor) category() string {
	if x.s.colmap[cCategory] >= 0 {
		v, _ := x.codeText(cCategory, false)
		return v
	}
	if x.s.colmap[cClass] < 0 {
		return ""
	}
	code := ""
	for i, l := range classLevels {
		if x.s.colmap[l.col] < 0 {
			continue
		}
		v := x.text(l.col)
		if v == "" {
			if l.digits == 0 || x.text(cClass) == "" {
				continue // 细目 is optional; a continuation row leaves all blank
			}
			x.bad(l.col, "为空：信息资源分类由类、项、目（、细目）组成，请填写%d 位的%s代码（如 %s）", l.digits, catalogueImportCols[l.col].name, l.eg)
			return ""
		}
		d := leadingDigits(halfWidth(v))
		if d == "" {
			x.bad(l.col, "为%s，应以%s的代码开头（如 %s）", quoted(v), catalogueImportCols[l.col].name, l.eg)
			return ""
		}
		switch {
		case i > 0 && len(d) > len(code) && strings.HasPrefix(d, code) && (l.digits == 0 || len(d) == len(code)+l.digits):
			code = d // the code so far: 项 “101”, 目 “101001”
		case l.digits == 0 || len(d) == l.digits:
			code += d
		case len(d) < l.digits && x.s.numeric[x.at(l.col)]:
			x.bad(l.col, "是数字单元格“%s”，%s应为 %d 位（如 %s）：开头的 0 已被表格软件去掉。请选中该列，右键“设置单元格格式”设为“文本”，再重新输入", v, catalogueImportCols[l.col].name, l.digits, l.eg)
			return ""
		default:
			x.bad(l.col, "为%s，%s应为 %d 位数字（如 %s），或到该级为止的完整分类码", quoted(v), catalogueImportCols[l.col].name, l.digits, l.eg)
			return ""
		}
	}
	return code
}

func leadingDigits(s string) string {
	s = strings.TrimSpace(s)
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return s[:i]
}

// combineShare sets up a 共享条件/不予共享依据 column (see sheet.combined):
// when the sheet has no column of its own for the basis, the combined
// column is read for both, and problems with the basis point at it.
func (s *sheet) combineShare() {
	s.combined = make(map[int]bool)
	for _, p := range [][2]int{{cShareCondition, cShareBasis}, {cItemShareCondition, cItemShareBasis}} {
		j := s.colmap[p[0]]
		if j < 0 || j >= len(s.headCells) || s.colmap[p[1]] >= 0 {
			continue
		}
		if _, ok := combinedShare(s.headCells[j]); ok {
			s.combined[p[0]] = true
			s.colmap[p[1]] = j
		}
	}
}

// fillMerged gives each cell of a merged range below the header the value
// the clerk sees in it, that of the range's top-left cell, when the range
// lies within one of the columns Import reads: a 数据类型 merged down three
// items is 字符型C for each. That is what Export writes row by row, so it
// is unambiguous. A range across two or more such columns, or across the
// header and the data, is reported: which of the columns holds the value
// is not known.
func (im *importer) fillMerged(s *sheet) {
	// rowsIn returns the indexes in s.rows of the rows from..to, which are
	// in order; a range may span a million rows a crafted file leaves empty.
	rowsIn := func(from, to int) []int {
		i, _ := slices.BinarySearchFunc(s.rows, from, func(r row, n int) int { return cmp.Compare(r.n, n) })
		var is []int
		for ; i < len(s.rows) && s.rows[i].n <= to; i++ {
			is = append(is, i)
		}
		return is
	}
	for _, a := range s.merged {
		if a.to.row <= s.head {
			continue // the title and the header may be merged as the clerk likes
		}
		var cols []int // logical columns, one per physical column
		seen := make(map[int]bool)
		for c, j := range s.colmap {
			if j >= a.from.col && j <= a.to.col && !seen[j] {
				seen[j] = true
				cols = append(cols, c)
			}
		}
		if len(cols) == 0 {
			continue
		}
		rows := fmt.Sprintf("第 %d 至 %d 行", a.from.row, a.to.row)
		if a.from.row == a.to.row {
			rows = fmt.Sprintf("第 %d 行", a.from.row)
		}
		if a.from.row <= s.head || len(cols) > 1 {
			names := make([]string, len(cols))
			for i, c := range cols {
				names[i] = "“" + catalogueImportCols[c].name + "”"
			}
			from := max(a.from.row, s.head+1)
			what := "跨" + strings.Join(names, "") + "等列"
			if a.from.row <= s.head {
				what = "跨表头和数据行"
			}
			im.addAt(s, from, s.colmap[cols[0]], "%s的 %s 是合并单元格（%s），%s，无法确定其中的内容属于哪个单元格。请选中它，点“合并后居中”取消合并，再在每个单元格分别填写", s.name, a.ref, rows, what)
			for _, i := range rowsIn(from, a.to.row) {
				for _, c := range cols {
					// the range is the problem, not each of its cells
					im.bad[ref(s.name, s.rows[i].n, s.colmap[c])] = true
				}
			}
			continue
		}
		is := rowsIn(a.from.row, a.to.row)
		if len(is) == 0 || s.rows[is[0]].n != a.from.row {
			continue // the range's value is blank
		}
		v := cellAt(s.rows[is[0]].cells, a.from.col)
		j := s.colmap[cols[0]]
		s.rows[is[0]].cells = setCell(s.rows[is[0]].cells, j, v)
		for _, i := range is[1:] {
			s.rows[i].cells = setCell(s.rows[i].cells, j, v)
			if s.filled == nil {
				s.filled = make(map[pos]bool)
			}
			s.filled[pos{s.rows[i].n, j}] = true
		}
	}
}

func cellAt(cells []string, j int) string {
	if j < len(cells) {
		return cells[j]
	}
	return ""
}

func setCell(cells []string, j int, v string) []string {
	for len(cells) <= j {
		cells = append(cells, "")
	}
	cells[j] = v
	return cells
}
