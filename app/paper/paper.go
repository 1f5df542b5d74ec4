// Package paper lays a filing out as the bound document a Chinese
// government office files: a cover, numbered chapters following the
// filing's sections, field tables, itemised tables with totals and 大写
// amounts, and the materials list. It decides what is printed and in which
// order; app/pdf and app/docx decide how. It imports only app, so the
// client and the bureau server (without Fyne) share it.
package paper

import (
	"slices"
	"strings"
	"time"

	"egovdesk/app"
)

// Document is a filing as printed.
type Document struct {
	Kind     app.Kind
	Name     string    // what the document is: 项目申报书, 试运行报告…
	Project  string    // 项目名称, also the running header
	Unit     string    // 项目建设单位
	Dept     string    // 主管部门
	Date     string    // 编制日期, "2027年3月15日"
	At       time.Time // when it was drawn up (Options.Date): the PDF's creation date
	Draft    bool      // Options.Draft
	Bureau   string    // Options.Bureau
	Chapters []Chapter
}

// DraftMark marks a copy the bureau has not received, on every page.
const DraftMark = "草稿 — 未提交"

// DraftNote is the footer of a copy the bureau has not received, the
// bureau named as its rules name it (本件未经天宁区数据局接收): a 天宁 clerk's
// printed draft named a 数管局 their rules do not have.
func (d *Document) DraftNote() string {
	bureau := d.Bureau
	if bureau == "" {
		bureau = "数管局"
	}
	return DraftMark + "：本件未经" + bureau + "接收，不能作为正式材料"
}

// Chapter is a numbered chapter (一、基本信息) of blocks.
type Chapter struct {
	Title  string
	Blocks []Block
}

// Block is one element of a chapter: exactly one of its fields is set.
type Block struct {
	Heading string  // a numbered sub-heading (（一）功能模块)
	Fields  []Field // a two-column table of labels and values
	Text    *Field  // a labelled paragraph of prose: the label as a run-in heading
	Table   *Table
}

// Field is a label and its value as printed.
type Field struct {
	Label, Value string
}

// Table is an itemised table. Foot rows (totals) are printed in bold under
// the body; Widths are relative column widths.
type Table struct {
	Head   []string
	Widths []float64
	Right  []bool // columns aligned right (amounts, counts)
	Rows   [][]string
	Foot   [][]string
	Note   string // a line under the table (大写 amounts, units)
}

// dropEmpty removes those of the columns cols (indices into Head) that no
// row or foot has anything in.
func (t *Table) dropEmpty(cols ...int) {
	keep := make([]bool, len(t.Head))
	for i := range keep {
		keep[i] = !slices.Contains(cols, i)
		for _, r := range slices.Concat(t.Rows, t.Foot) {
			keep[i] = keep[i] || i < len(r) && strings.TrimSpace(r[i]) != ""
		}
	}
	pick := func(n int, get func(i int)) {
		for i := range n {
			if i < len(keep) && keep[i] {
				get(i)
			}
		}
	}
	var head []string
	var widths []float64
	var right []bool
	pick(len(t.Head), func(i int) { head = append(head, t.Head[i]) })
	pick(len(t.Widths), func(i int) { widths = append(widths, t.Widths[i]) })
	pick(len(t.Right), func(i int) { right = append(right, t.Right[i]) })
	rows := func(rs [][]string) [][]string {
		out := make([][]string, len(rs))
		for j, r := range rs {
			pick(len(r), func(i int) { out[j] = append(out[j], r[i]) })
		}
		return out
	}
	t.Head, t.Widths, t.Right, t.Rows, t.Foot = head, widths, right, rows(t.Rows), rows(t.Foot)
}

// Text returns the document's text in reading order, one field per line,
// as a PDF of it reads when extracted: the tests compare the two.
func (d *Document) Text() []string {
	out := []string{d.Name, d.Project, d.Unit, d.Dept, d.Date}
	for _, c := range d.Chapters {
		out = append(out, c.Title)
		for _, b := range c.Blocks {
			switch {
			case b.Heading != "":
				out = append(out, b.Heading)
			case b.Text != nil:
				out = append(out, b.Text.Label, b.Text.Value)
			case b.Table != nil:
				out = append(out, b.Table.Head...)
				for _, r := range append(append([][]string{}, b.Table.Rows...), b.Table.Foot...) {
					out = append(out, r...)
				}
				if b.Table.Note != "" {
					out = append(out, b.Table.Note)
				}
			default:
				for _, f := range b.Fields {
					out = append(out, f.Label, f.Value)
				}
			}
		}
	}
	return out
}

// Options are what a body alone does not say.
type Options struct {
	// Date is the 编制日期: when the revision was submitted, or today for a draft.
	Date time.Time
	// Dept is the 主管部门 for kinds whose body does not name one.
	Dept string
	// Required lists the material codes the jurisdiction requires (the
	// profile's acceptance materials) for the acceptance checklist.
	Required []string
	// ConfirmLabel words a declaration's confirmation (the profile's
	// checklist item by ID: Profile.ConfirmationLabel); nil prints the ID.
	ConfirmLabel func(id string) string
	// Draft: the bureau has not received this revision; every page says
	// so (DraftNote). The PDF says it by its missing verification code.
	Draft bool
	// Bureau is what the jurisdiction calls the bureau in a sentence
	// (Profile.BureauShort), named in a draft's note; "" says 数管局.
	Bureau string
	// KindName is what the jurisdiction's regulation calls this kind of
	// filing (Profile.KindName): printed in the document's name in place
	// of the kind's own (郁南's 验收前置审核申请 for 竣工验收申请).
	KindName string
	// AdjustAs is what an adjustment of a type (its label) is, as the
	// jurisdiction routes it (Profile.AdjustmentAs): 备案, 申请 or nothing,
	// printed in the form's name (政务信息化重大变更申请表); nil prints 备案.
	AdjustAs func(typ string) string
}

// Numeral returns the Chinese chapter numeral of n ≥ 1 (一, 十二, 二十).
func Numeral(n int) string {
	d := []string{"", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	switch {
	case n < 10:
		return d[n]
	case n < 20:
		return "十" + d[n%10]
	case n < 100:
		return d[n/10] + "十" + d[n%10]
	}
	return app.Money(n).WanString()
}

// ChineseDate writes t as 2027年3月15日, the day it is in Beijing, so that
// the client and the bureau date a revision alike.
func ChineseDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(app.Beijing).Format("2006年1月2日")
}
