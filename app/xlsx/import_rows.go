package xlsx

import (
	"fmt"
	"strings"

	"egovdesk/app"
)

// cursor reads the cells of one data row by logical column.
type cursor struct {
	im   *importer
	s    *sheet
	cols []column
	r    row
	// later is set on a later row of a catalogue resource, whose resource
	// cells are compared with the first row's rather than checked again
	later bool
}

// raw returns the cell of logical column c, "" when the column is absent.
func (x cursor) raw(c int) string {
	j := x.s.colmap[c]
	if j < 0 || j >= len(x.r.cells) {
		return ""
	}
	return x.r.cells[j]
}

func (x cursor) text(c int) string   { return cleanText(x.raw(c)) }
func (x cursor) code(c int) string   { return normCode(x.raw(c)) }
func (x cursor) list(c int) []string { return splitList(x.raw(c)) }

// at returns the position of the cell of logical column c.
func (x cursor) at(c int) pos { return pos{x.r.n, x.s.colmap[c]} }

// codeText returns the code in the cell of column c, "" when blank, and
// reports a code a spreadsheet program has turned into a number: written
// in scientific notation, or held in a number cell, which drops leading
// zeros and every digit after the 15th. A number cell is accepted where
// the code cannot start with 0 (zeros false: 信息资源分类, whose 类 is 1–3).
// It returns false when it reported the cell.
func (x cursor) codeText(c int, zeros bool) (string, bool) {
	v := x.code(c)
	if v == "" || x.s.filled[x.at(c)] {
		return v, true
	}
	switch {
	case sciNotation.MatchString(v):
		x.bad(c, "为科学计数法“%s”：代码被表格软件当成了数字，只剩前 15 位。请选中该列，右键“设置单元格格式”设为“文本”，再重新输入完整的代码", v)
	case x.s.numeric[x.at(c)] && (zeros || len(v) > 15):
		x.bad(c, "是数字单元格“%s”：代码被表格软件当成了数字，开头的 0 会被去掉、第 15 位以后的数字会变成 0，这个代码可能已不是原来的。请选中该列，右键“设置单元格格式”设为“文本”，再重新输入完整的代码", v)
	default:
		return v, true
	}
	return v, false
}

// providerCode returns the 信息资源提供方代码 in the cell of column c and
// reports a mangled one (see codeText) or an 18-character one that is not
// a well-formed 统一社会信用代码, the latter on a resource's first row only:
// the later rows repeat it.
func (x cursor) providerCode(c int) string {
	v, ok := x.codeText(c, true)
	if ok && v != "" && !x.later && !x.s.filled[x.at(c)] {
		if why := providerCodeProblem(v); why != "" {
			x.bad(c, "为%s，%s", quoted(v), why)
		}
	}
	return v
}

// bad records a problem with the cell of logical column c.
func (x cursor) bad(c int, format string, args ...any) {
	x.im.addAt(x.s, x.r.n, x.s.colmap[c], "%s“%s”%s", where(x.s, x.r.n), x.cols[c].name, fmt.Sprintf(format, args...))
}

// enum returns the code of the cell of column c in l, "" when blank, and
// reports a value not in l.
func (x cursor) enum(c int, l lookup) string {
	v := x.text(c)
	if v == "" {
		return ""
	}
	code, ok := l.code(v)
	if !ok {
		x.bad(c, "为%s，应为%s之一", quoted(v), l.want)
	}
	return code
}

// date returns the date in the cell of column c as YYYY-MM-DD, "" when blank.
func (x cursor) date(c int) string {
	v := x.text(c)
	if v == "" {
		return ""
	}
	d, ok := parseDate(v, x.im.book.date1904)
	if !ok {
		x.bad(c, "为%s，不是有效的日期，应填写 2027-03-15 这样的日期", quoted(v))
	}
	return d
}

// readInfo reads the title and provider from the 目录信息 sheet: a label in
// column A and its value in column B.
func (im *importer) readInfo() {
	s := im.book.sheets[SheetInfo]
	if s == nil {
		return
	}
	for _, r := range s.rows {
		if len(r.cells) < 2 {
			continue
		}
		label := headerKey(r.cells[0])
		for i, l := range infoLabels {
			if label == l && im.infoRows[i] == 0 {
				im.infoRows[i] = r.n
				v := cleanText(r.cells[1])
				switch i {
				case iTitle:
					im.cat.Title = v
				case iProject:
					im.cat.ProjectName = v
				case iProvider:
					im.cat.ProviderName = v
				case iProviderCode:
					im.cat.ProviderCode = normCode(v)
					im.checkInfoCode(s, r.n, im.cat.ProviderCode)
				}
			}
		}
	}
}

// checkInfoCode reports a mangled or malformed 信息资源提供方代码 in
// column B of row n of the 目录信息 sheet.
func (im *importer) checkInfoCode(s *sheet, n int, v string) {
	msg := ""
	switch {
	case v == "":
		return
	case sciNotation.MatchString(v):
		msg = fmt.Sprintf("为科学计数法“%s”：代码被表格软件当成了数字，只剩前 15 位。请把 B%d 单元格设为文本格式（右键“设置单元格格式”→“文本”），再重新输入完整的代码", v, n)
	case s.numeric[pos{n, 1}]:
		msg = fmt.Sprintf("是数字单元格“%s”：代码被表格软件当成了数字，开头的 0 会被去掉、第 15 位以后的数字会变成 0。请把 B%d 单元格设为文本格式（右键“设置单元格格式”→“文本”），再重新输入完整的代码", v, n)
	default:
		if why := providerCodeProblem(v); why != "" {
			msg = fmt.Sprintf("为%s，%s", quoted(v), why)
		}
	}
	if msg != "" {
		im.addAt(s, n, 1, "%s第 %d 行“%s”%s", s.name, n, infoLabels[iProviderCode], msg)
	}
}

// readCatalogue groups the rows of the catalogue sheet into resources.
func (im *importer) readCatalogue() {
	s := im.book.sheets[SheetCatalogue]
	if !im.findHeader(s, catalogueImportCols) {
		return
	}
	s.combineShare()
	im.fillMerged(s)
	var cur *app.Resource
	var curCode, curName string
	var curCells []any // resourceCells(cur), for comparing later rows
	for _, r := range s.rows {
		x := cursor{im: im, s: s, cols: catalogueImportCols, r: r}
		code, name := x.code(cCode), x.text(cName)
		same := cur != nil && (code != "" && code == curCode || code == "" && (name == "" || name == curName))
		x.later = same
		res := x.resource()
		if same {
			x.compare(cur, curCells, &res)
		} else {
			im.cat.Entries = append(im.cat.Entries, res)
			cur = &im.cat.Entries[len(im.cat.Entries)-1]
			curCode, curName, curCells = code, name, resourceCells(cur)
			im.entries = append(im.entries, entryRows{first: r.n})
		}
		if !x.hasItem() {
			continue
		}
		e := &im.entries[len(im.entries)-1]
		e.items = append(e.items, r.n)
		cur.Items = append(cur.Items, x.item())
	}
}

// resource reads the resource-level cells of a row.
func (x cursor) resource() app.Resource {
	r := app.Resource{
		Category:       x.category(),
		Name:           x.text(cName),
		ProviderName:   x.text(cProvider),
		ProviderCode:   x.providerCode(cProviderCode),
		Office:         x.text(cOffice),
		Abstract:       x.text(cAbstract),
		FormatClass:    app.FormatClass(x.enum(cFormatClass, formatClasses)),
		ShareType:      app.ShareType(x.enum(cShareType, shareTypes)),
		ShareCondition: x.text(cShareCondition),
		ShareBasis:     x.text(cShareBasis),
		ShareModeClass: app.ShareModeClass(x.enum(cShareModeClass, shareModeClass)),
		ShareModeType:  app.ShareModeType(x.enum(cShareModeType, shareModeTypes)),
		OpenCondition:  x.text(cOpenCondition),
		UpdateCycle:    app.UpdateCycle(x.enum(cUpdateCycle, updateCycles)),
		PublishDate:    x.date(cPublishDate),
	}
	if code, ok := x.codeText(cCode, true); code != "" && ok {
		cat, seq, ok := strings.Cut(code, "/")
		switch {
		case !ok:
			x.bad(cCode, "为%s，应为“分类码/顺序码”，如 101001/000001", quoted(code))
		case r.Category == "":
			r.Category, r.Sequence = cat, seq
		case cat != r.Category:
			x.bad(cCode, "为%s，其分类码“%s”与“信息资源分类”“%s”不一致，请改成一致", quoted(code), cat, r.Category)
		default:
			r.Sequence = seq
		}
	}
	if x.s.combined[cShareCondition] {
		r.ShareCondition, r.ShareBasis = splitCombined(r.ShareType, r.ShareCondition)
	}
	x.format(&r)
	if v := x.text(cOpen); v != "" {
		open, ok := openValues[key(v)]
		if !ok {
			x.bad(cOpen, "为%s，应为“是”或“否”", quoted(v))
		}
		r.Open = open
	}
	if _, ok := x.codeText(cRelated, true); ok {
		for _, c := range x.list(cRelated) {
			r.RelatedCodes = append(r.RelatedCodes, normCode(c))
		}
	}
	return r
}

// splitCombined divides the cell of a 共享条件/不予共享依据 column: the
// legal basis of a resource or item not shared, else the condition.
func splitCombined(t app.ShareType, v string) (condition, basis string) {
	if t == app.ShareNone {
		return "", v
	}
	return v, ""
}

// format reads the format type: from 其他格式描述 (or 格式类型) for the
// free-text classes, else a type of the class by label or code.
func (x cursor) format(r *app.Resource) {
	t, other := x.text(cFormatType), x.text(cFormatOther)
	l, listed := formatTypes[r.FormatClass]
	switch {
	case r.FormatClass.FreeText() && other != "":
		r.FormatType = other
	case !listed || t == "":
		r.FormatType = t
	default:
		code, ok := l.code(t)
		if !ok {
			x.bad(cFormatType, "为%s，不属于%s，应为%s之一", quoted(t), app.LabelOf(app.FormatClassChoices, string(r.FormatClass)), l.want)
		}
		r.FormatType = code
	}
}

// compare reports each non-blank resource-level cell of a later row of a
// resource that differs from the resource's first row.
func (x cursor) compare(first *app.Resource, a []any, later *app.Resource) {
	var b []any
	for c := range numCatalogueCols {
		if catalogueCols[c].group == gItem || x.text(c) == "" || c == cFormatType && first.FormatClass.FreeText() {
			continue
		}
		if b == nil {
			b = resourceCells(later)
		}
		firstRow := x.im.entries[len(x.im.entries)-1].first
		if x.im.bad[ref(x.s.name, firstRow, x.s.colmap[c])] || x.im.bad[ref(x.s.name, x.r.n, x.s.colmap[c])] {
			continue // the first row's cell is wrong: the later rows are not what to change
		}
		if x.s.combined[cShareCondition] && (c == cShareCondition || c == cShareBasis) {
			if want := first.ShareCondition + first.ShareBasis; c == cShareCondition && x.text(c) != want {
				x.bad(c, "为%s，与本资源第 %d 行的%s不一致；同一资源各行的资源信息须相同（可留空）", quoted(x.text(c)), firstRow, quoted(want))
			}
			continue
		}
		if a[c] != b[c] {
			x.bad(c, "为%s，与本资源第 %d 行的%s不一致；同一资源各行的资源信息须相同（可留空），信息项自己的共享类型请填在“信息项共享类型”列",
				quoted(x.text(c)), x.im.entries[len(x.im.entries)-1].first, quoted(fmt.Sprint(a[c])))
		}
	}
}

func (x cursor) hasItem() bool {
	for c := range numCatalogueCols {
		if catalogueCols[c].group == gItem && c != cItemNo && x.text(c) != "" {
			return true
		}
	}
	return false
}

// item reads the information item of a row.
func (x cursor) item() app.DataItem {
	it := app.DataItem{
		Name:           x.text(cItemName),
		DataType:       app.DataType(x.enum(cDataType, dataTypes)),
		ShareType:      app.ShareType(x.enum(cItemShareType, shareTypes)),
		ShareCondition: x.text(cItemShareCondition),
		ShareBasis:     x.text(cItemShareBasis),
	}
	if x.s.combined[cItemShareCondition] {
		it.ShareCondition, it.ShareBasis = splitCombined(it.ShareType, it.ShareCondition)
	}
	if v := x.text(cLength); v != "" {
		n, ok := parseLength(v)
		if !ok {
			x.bad(cLength, "为%s，应为正整数（字符个数，如 18）", quoted(v))
		}
		it.Length = n
	}
	return it
}

// listSheet returns the rows of a list sheet below its header, or nil when
// the workbook has no such sheet.
func (im *importer) listSheet(name string, cols []column) (*sheet, []row) {
	s := im.book.sheets[name]
	if s == nil || !im.findHeader(s, cols) {
		return s, nil
	}
	return s, s.rows
}

func (im *importer) readDemands() {
	s, rows := im.listSheet(SheetDemands, demandCols[:])
	for _, r := range rows {
		x := cursor{im: im, s: s, cols: demandCols[:], r: r}
		im.cat.Demands = append(im.cat.Demands, app.Demand{
			ResourceName: x.text(dResourceName),
			ResourceCode: x.listCode(dResourceCode),
			Items:        x.list(dItems),
			Provider:     x.text(dProvider),
			Usage:        app.DemandUsage(x.enum(dUsage, demandUsages)),
			Frequency:    app.UpdateCycle(x.enum(dFrequency, updateCycles)),
			Basis:        x.text(dBasis),
			Scenario:     x.text(dScenario),
		})
		im.demandRows = append(im.demandRows, r.n)
	}
}

func (im *importer) readDuties() {
	s, rows := im.listSheet(SheetDuties, dutyCols[:])
	for _, r := range rows {
		x := cursor{im: im, s: s, cols: dutyCols[:], r: r}
		im.cat.Duties = append(im.cat.Duties, app.Duty{
			ResourceCode:   x.listCode(uResourceCode),
			Items:          x.list(uItems),
			Duty:           x.text(uDuty),
			UpdateCycle:    app.UpdateCycle(x.enum(uUpdateCycle, updateCycles)),
			ShareType:      app.ShareType(x.enum(uShareType, shareTypes)),
			ShareModeClass: app.ShareModeClass(x.enum(uShareModeClass, shareModeClass)),
			ShareModeType:  app.ShareModeType(x.enum(uShareModeType, shareModeTypes)),
			Owner:          x.text(uOwner),
			Due:            x.date(uDue),
		})
		im.dutyRows = append(im.dutyRows, r.n)
	}
}

func (im *importer) readNegatives() {
	s, rows := im.listSheet(SheetNegatives, negativeCols[:])
	for _, r := range rows {
		x := cursor{im: im, s: s, cols: negativeCols[:], r: r}
		im.cat.Negatives = append(im.cat.Negatives, app.Negative{
			ResourceCode: x.listCode(nResourceCode),
			Items:        x.list(nItems),
			Category:     app.NegativeCategory(x.enum(nCategory, negativeClasses)),
			Basis:        x.text(nBasis),
			ReviewDate:   x.date(nReviewDate),
			Alternative:  x.text(nAlternative),
		})
		im.negRows = append(im.negRows, r.n)
	}
}

// listCode returns the resource code in the cell of column c of a list
// sheet, reporting one a spreadsheet program has mangled.
func (x cursor) listCode(c int) string {
	v, _ := x.codeText(c, true)
	return v
}
