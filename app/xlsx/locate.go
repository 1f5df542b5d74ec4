package xlsx

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"egovdesk/app"
)

// Columns of the catalogue sheet by the field names of app.Resource and
// app.DataItem in Validate's paths.
var (
	resourceFieldCols = map[string]int{
		"category": cCategory, "sequence": cCode, "name": cName, "provider_name": cProvider,
		"provider_code": cProviderCode, "office": cOffice, "abstract": cAbstract,
		"format_class": cFormatClass, "format_type": cFormatType, "items": cItemName,
		"share_type": cShareType, "share_condition": cShareCondition, "share_basis": cShareBasis,
		"share_mode_class": cShareModeClass, "share_mode_type": cShareModeType, "open": cOpen,
		"open_condition": cOpenCondition, "update_cycle": cUpdateCycle, "publish_date": cPublishDate,
		"related_codes": cRelated,
	}
	itemFieldCols = map[string]int{
		"name": cItemName, "data_type": cDataType, "length": cLength, "share_type": cItemShareType,
		"share_condition": cItemShareCondition, "share_basis": cItemShareBasis,
	}
	demandFieldCols = map[string]int{
		"resource_name": dResourceName, "resource_code": dResourceCode, "items": dItems, "provider": dProvider,
		"usage": dUsage, "frequency": dFrequency, "basis": dBasis, "scenario": dScenario,
	}
	dutyFieldCols = map[string]int{
		"resource_code": uResourceCode, "items": uItems, "duty": uDuty, "update_cycle": uUpdateCycle,
		"share_type": uShareType, "share_mode_class": uShareModeClass, "share_mode_type": uShareModeType,
		"owner": uOwner, "due": uDue,
	}
	negativeFieldCols = map[string]int{
		"resource_code": nResourceCode, "items": nItems, "category": nCategory, "basis": nBasis,
		"review_date": nReviewDate, "alternative": nAlternative,
	}
	infoFieldRows = map[string]int{"title": iTitle, "project_name": iProject, "provider_name": iProvider, "provider_code": iProviderCode}
)

// infoOrder is the order of 目录信息 among the sheets of Export.
const infoOrder = 4

// segment is one step of a field path: "items[5]" is {"items", 5}.
type segment struct {
	name  string
	index int // -1 when the step has no index
}

func parsePath(path string) []segment {
	var segs []segment
	for _, p := range strings.Split(path, ".") {
		s := segment{name: p, index: -1}
		if i := strings.IndexByte(p, '['); i > 0 && strings.HasSuffix(p, "]") {
			if n, err := strconv.Atoi(p[i+1 : len(p)-1]); err == nil {
				s = segment{p[:i], n}
			}
		}
		segs = append(segs, s)
	}
	return segs
}

// listRow is the row of a list a message of app's starts with.
var listRow = regexp.MustCompile(`^(需求清单|责任清单|负面清单)第 \d+ 行的?`)

// locate records each problem of a Validate error at the cell the field
// was read from, unless that cell was already reported while reading or
// is in skip.
func (im *importer) locate(err error, skip map[string]bool) {
	var e *app.Error
	if !errors.As(err, &e) {
		return
	}
	for _, fe := range e.Fields {
		name, order, n, col, title := im.cell(parsePath(fe.Field))
		f := ref(name, n, col)
		if im.bad[f] || skip[f] {
			continue
		}
		msg := im.entryRowsIn(fe.Message)
		if n > 0 {
			// The list's own row number (负面清单第 1 行…) beside the sheet's
			// (负面清单第 2 行…) named two rows for one.
			msg = listRow.ReplaceAllString(msg, "")
		}
		if title != "" {
			title = "“" + title + "”"
		}
		switch {
		case n > 0 && order == infoOrder:
			msg = fmt.Sprintf("%s第 %d 行%s：%s", name, n, title, msg)
		case n > 0:
			msg = where(&sheet{name: name, order: order}, n) + title + "：" + msg
		case order == infoOrder && im.book.sheets[SheetInfo] == nil:
			msg += "（工作簿中没有“目录信息”工作表，请补上，A 列为“目录名称”等项目，B 列为内容）"
		}
		im.problems = append(im.problems, problem{order, n, col, app.FieldError{Field: f, Message: msg}})
	}
}

// cell returns the sheet, its order, the row and the physical column a
// Validate path refers to; row 0 stands for the whole sheet, column -1 for
// the whole row.
func (im *importer) cell(path []segment) (sheet string, order, row, col int, title string) {
	top := path[0]
	rowOf := func(rows []int) int {
		if top.index >= 0 && top.index < len(rows) {
			return rows[top.index]
		}
		return 0
	}
	field := fieldAt(path, 1)
	switch top.name {
	case "entries":
		s := im.book.sheets[SheetCatalogue]
		if top.index < 0 || top.index >= len(im.entries) {
			return s.name, s.order, 0, -1, ""
		}
		loc := im.entries[top.index]
		if field == "items" && path[1].index >= 0 && path[1].index < len(loc.items) {
			col, ok := itemFieldCols[fieldAt(path, 2)]
			if !ok {
				col = cItemName
			}
			return s.name, s.order, loc.items[path[1].index], s.colmap[col], catalogueCols[col].name
		}
		col, ok := resourceFieldCols[field]
		switch {
		case !ok:
			return s.name, s.order, loc.first, -1, ""
		case col == cFormatType && im.cat.Entries[top.index].FormatClass.FreeText() && s.colmap[cFormatOther] >= 0:
			col = cFormatOther
		case col == cCategory && s.colmap[cCategory] < 0 && s.colmap[cClass] >= 0:
			col = cClass // the template's split classification
		}
		return s.name, s.order, loc.first, s.colmap[col], catalogueImportCols[col].name
	case "demands":
		return im.listCell(SheetDemands, rowOf(im.demandRows), demandFieldCols, demandCols[:], field)
	case "duties":
		return im.listCell(SheetDuties, rowOf(im.dutyRows), dutyFieldCols, dutyCols[:], field)
	case "negatives":
		return im.listCell(SheetNegatives, rowOf(im.negRows), negativeFieldCols, negativeCols[:], field)
	}
	info := im.book.sheets[SheetInfo]
	if i, ok := infoFieldRows[top.name]; ok && im.infoRows[i] > 0 {
		return info.name, infoOrder, im.infoRows[i], 1, infoLabels[i] // column B
	}
	return SheetInfo, infoOrder, 0, -1, ""
}

func fieldAt(path []segment, i int) string {
	if i < len(path) {
		return path[i].name
	}
	return ""
}

func (im *importer) listCell(name string, n int, fields map[string]int, cols []column, field string) (string, int, int, int, string) {
	s := im.book.sheets[name]
	if s == nil || n == 0 {
		return name, 0, 0, -1, ""
	}
	col, ok := fields[field]
	if !ok {
		return name, s.order, n, -1, ""
	}
	return name, s.order, n, s.colmap[col], cols[col].name
}

var entryNo = regexp.MustCompile(`第 (\d+) 条资源`)

// entryRowsIn adds the row to Validate's "第 3 条资源", which counts entries.
func (im *importer) entryRowsIn(msg string) string {
	return entryNo.ReplaceAllStringFunc(msg, func(m string) string {
		i, err := strconv.Atoi(entryNo.FindStringSubmatch(m)[1])
		if err != nil || i < 1 || i > len(im.entries) {
			return m
		}
		return fmt.Sprintf("%s（第 %d 行）", m, im.entries[i-1].first)
	})
}
