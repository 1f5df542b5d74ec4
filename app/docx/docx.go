// Package docx writes a filing as a Word document (OOXML, .docx) that
// units can adapt to a local template or extend with a cover letter: A4,
// styles for the title and two heading levels, 宋体 body and 黑体 headings
// as the East Asian fonts, real tables, the project as running header and
// 第 X 页 共 Y 页 in the footer. It is written with archive/zip
// from the same layout as the PDF (app/paper).
package docx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"strings"

	"egovdesk/app"
	"egovdesk/app/paper"
)

// Render writes body b as a .docx document.
func Render(b app.Body, o paper.Options) ([]byte, error) {
	doc, err := paper.Build(b, o)
	if err != nil {
		return nil, err
	}
	return Write(doc)
}

// Write writes a laid-out document as a .docx document.
func Write(doc *paper.Document) ([]byte, error) {
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	files := []struct{ name, body string }{
		{"[Content_Types].xml", contentTypes},
		{"_rels/.rels", rootRels},
		{"word/_rels/document.xml.rels", documentRels},
		{"word/styles.xml", styles},
		{"docProps/core.xml", fmt.Sprintf(core, esc(doc.Project+" "+doc.Name))},
		{"word/document.xml", document(doc)},
		{"word/header1.xml", header(doc)},
		{"word/footer1.xml", footer(doc)},
	}
	for _, f := range files {
		w, err := z.Create(f.name)
		if err != nil {
			return nil, fmt.Errorf("docx: %w", err)
		}
		if _, err := w.Write([]byte(f.body)); err != nil {
			return nil, fmt.Errorf("docx: %w", err)
		}
	}
	if err := z.Close(); err != nil {
		return nil, fmt.Errorf("docx: %w", err)
	}
	return buf.Bytes(), nil
}

func esc(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// Page geometry in twentieths of a point: A4 with 2.8 cm left and 2.6 cm right margins.
const (
	pageW, pageH = 11906, 16838
	textW        = pageW - 1588 - 1474
)

func para(style, text string, extra ...string) string {
	ppr := ""
	if style != "" || len(extra) > 0 {
		ppr = "<w:pPr>"
		if style != "" {
			ppr += `<w:pStyle w:val="` + style + `"/>`
		}
		ppr += strings.Join(extra, "") + "</w:pPr>"
	}
	var runs strings.Builder
	for i, line := range strings.Split(text, "\n") {
		if i > 0 {
			runs.WriteString("<w:r><w:br/></w:r>")
		}
		runs.WriteString(`<w:r><w:t xml:space="preserve">` + esc(line) + `</w:t></w:r>`)
	}
	return "<w:p>" + ppr + runs.String() + "</w:p>"
}

func table(t *paper.Table, labels bool) string {
	sum := 0.0
	for _, x := range t.Widths {
		sum += x
	}
	var b strings.Builder
	b.WriteString(`<w:tbl><w:tblPr><w:tblStyle w:val="Grid"/><w:tblW w:w="` + fmt.Sprint(textW) + `" w:type="dxa"/><w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>`)
	widths := make([]int, len(t.Widths))
	for i, x := range t.Widths {
		widths[i] = int(float64(textW) * x / sum)
		fmt.Fprintf(&b, `<w:gridCol w:w="%d"/>`, widths[i])
	}
	b.WriteString("</w:tblGrid>")
	row := func(cells []string, head, bold bool) {
		b.WriteString("<w:tr>")
		if head {
			b.WriteString(`<w:trPr><w:tblHeader/></w:trPr>`)
		}
		for i, w := range widths {
			c := ""
			if i < len(cells) {
				c = cells[i]
			}
			shade := head || labels && i == 0
			fmt.Fprintf(&b, `<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/>`, w)
			if shade {
				b.WriteString(`<w:shd w:val="clear" w:color="auto" w:fill="EBEEF2"/>`)
			}
			b.WriteString("</w:tcPr>")
			style := "TableText"
			if bold {
				style = "TableHead"
			}
			extra := []string{}
			if t.Right != nil && i < len(t.Right) && t.Right[i] {
				extra = append(extra, `<w:jc w:val="right"/>`)
			}
			b.WriteString(para(style, c, extra...))
			b.WriteString("</w:tc>")
		}
		b.WriteString("</w:tr>")
	}
	if len(t.Head) > 0 {
		row(t.Head, true, true)
	}
	for _, r := range t.Rows {
		row(r, false, false)
	}
	for _, r := range t.Foot {
		row(r, false, true)
	}
	b.WriteString("</w:tbl>")
	if t.Note != "" {
		b.WriteString(para("TableText", t.Note))
	}
	return b.String()
}

func document(doc *paper.Document) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>`)
	// Cover.
	b.WriteString(para("Title", doc.Name, `<w:spacing w:before="3600" w:after="1800"/>`))
	for _, f := range [][2]string{{"项目名称", doc.Project}, {"项目建设单位（盖章）", doc.Unit}, {"主管部门", doc.Dept}, {"编制日期", doc.Date}} {
		v := f[1]
		if strings.TrimSpace(v) == "" {
			v = "—"
		}
		b.WriteString(`<w:p><w:pPr><w:pStyle w:val="Cover"/></w:pPr><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">` + esc(f[0]) + `：</w:t></w:r>` +
			`<w:r><w:rPr><w:u w:val="single"/></w:rPr><w:t xml:space="preserve">` + esc(v) + `</w:t></w:r></w:p>`)
	}
	b.WriteString(`<w:p><w:r><w:br w:type="page"/></w:r></w:p>`)
	// Table of contents: a field Word and WPS fill in (F9), with the
	// chapters listed for readers that do not update fields.
	b.WriteString(para("TOCHeading", "目录"))
	b.WriteString(`<w:p><w:r><w:fldChar w:fldCharType="begin" w:dirty="true"/></w:r><w:r><w:instrText xml:space="preserve"> TOC \o "1-2" \h \z \u </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r></w:p>`)
	for i, c := range doc.Chapters {
		b.WriteString(para("TOC1", paper.Numeral(i+1)+"、"+c.Title))
	}
	b.WriteString(`<w:p><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>`)
	b.WriteString(`<w:p><w:r><w:br w:type="page"/></w:r></w:p>`)
	for i, c := range doc.Chapters {
		b.WriteString(para("Heading1", paper.Numeral(i+1)+"、"+c.Title))
		sub := 0
		for _, bl := range c.Blocks {
			switch {
			case bl.Heading != "":
				sub++
				b.WriteString(para("Heading2", "（"+paper.Numeral(sub)+"）"+bl.Heading))
			case bl.Text != nil:
				b.WriteString(para("Label", bl.Text.Label))
				for _, p := range strings.Split(bl.Text.Value, "\n") {
					b.WriteString(para("BodyText", strings.TrimSpace(p)))
				}
			case bl.Table != nil:
				b.WriteString(table(bl.Table, false))
				b.WriteString(para("", ""))
			default:
				t := &paper.Table{Widths: []float64{4, 8}}
				for _, f := range bl.Fields {
					t.Rows = append(t.Rows, []string{f.Label, f.Value})
				}
				b.WriteString(table(t, true))
				b.WriteString(para("", ""))
			}
		}
	}
	fmt.Fprintf(&b, `<w:sectPr><w:headerReference w:type="default" r:id="rId2"/><w:footerReference w:type="default" r:id="rId3"/><w:pgSz w:w="%d" w:h="%d"/><w:pgMar w:top="1701" w:right="1474" w:bottom="1701" w:left="1588" w:header="851" w:footer="992" w:gutter="0"/></w:sectPr>`, pageW, pageH)
	b.WriteString(`</w:body></w:document>`)
	return b.String()
}

// header is the running header: the project and the document's name, a
// draft's marked as one.
func header(doc *paper.Document) string {
	text := doc.Project + " " + doc.Name
	if doc.Draft {
		text = paper.DraftMark + " · " + text
	}
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<w:hdr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">` +
		para("Header", text) + `</w:hdr>`
}

// footer numbers the pages 第 X 页 共 Y 页 with PAGE and NUMPAGES fields,
// under a draft's note that the bureau has not received it: the PDF of a
// draft said so and its Word copy looked formal (found in a walkthrough).
func footer(doc *paper.Document) string {
	if !doc.Draft {
		return footerXML
	}
	note := para("Footer", doc.DraftNote())
	return strings.Replace(footerXML, `<w:p><w:pPr><w:pStyle w:val="Footer"/></w:pPr>`, note+`<w:p><w:pPr><w:pStyle w:val="Footer"/></w:pPr>`, 1)
}

const footerXML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
	`<w:ftr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:p><w:pPr><w:pStyle w:val="Footer"/></w:pPr>` +
	`<w:r><w:t xml:space="preserve">第 </w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>` +
	`<w:r><w:t xml:space="preserve"> 页 共 </w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> NUMPAGES </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>` +
	`<w:r><w:t xml:space="preserve"> 页</w:t></w:r></w:p></w:ftr>`

const contentTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/><Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>`

const rootRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>`

const documentRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/></Relationships>`

const core = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>%s</dc:title><dc:creator>egovdesk</dc:creator></cp:coreProperties>`

// styles: body 宋体 小四 (12 pt = 24 half-points), headings 黑体, table text 五号 (10.5 pt).
const styles = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="宋体" w:cs="Times New Roman"/><w:sz w:val="24"/><w:szCs w:val="24"/><w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:line="360" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:pPr><w:jc w:val="center"/></w:pPr><w:rPr><w:rFonts w:eastAsia="黑体"/><w:b/><w:sz w:val="44"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Cover"><w:name w:val="Cover"/><w:basedOn w:val="Normal"/><w:pPr><w:spacing w:before="240" w:after="240"/><w:ind w:left="840"/></w:pPr><w:rPr><w:sz w:val="28"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="TOCHeading"><w:name w:val="TOC Heading"/><w:basedOn w:val="Normal"/><w:pPr><w:jc w:val="center"/><w:spacing w:after="240"/></w:pPr><w:rPr><w:rFonts w:eastAsia="黑体"/><w:b/><w:sz w:val="32"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="TOC1"><w:name w:val="toc 1"/><w:basedOn w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:pPr><w:keepNext/><w:spacing w:before="360" w:after="120"/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:rFonts w:eastAsia="黑体"/><w:b/><w:sz w:val="32"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:pPr><w:keepNext/><w:spacing w:before="240" w:after="60"/><w:outlineLvl w:val="1"/></w:pPr><w:rPr><w:rFonts w:eastAsia="楷体"/><w:b/><w:sz w:val="28"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Label"><w:name w:val="Label"/><w:basedOn w:val="Normal"/><w:pPr><w:keepNext/><w:spacing w:before="120"/></w:pPr><w:rPr><w:rFonts w:eastAsia="黑体"/><w:b/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="BodyText"><w:name w:val="Body Text"/><w:basedOn w:val="Normal"/><w:pPr><w:ind w:firstLineChars="200" w:firstLine="480"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="TableText"><w:name w:val="Table Text"/><w:basedOn w:val="Normal"/><w:pPr><w:spacing w:line="240" w:lineRule="auto"/></w:pPr><w:rPr><w:sz w:val="21"/><w:szCs w:val="21"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="TableHead"><w:name w:val="Table Head"/><w:basedOn w:val="TableText"/><w:rPr><w:rFonts w:eastAsia="黑体"/><w:b/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Header"><w:name w:val="header"/><w:basedOn w:val="Normal"/><w:pPr><w:pBdr><w:bottom w:val="single" w:sz="6" w:space="1" w:color="000000"/></w:pBdr><w:jc w:val="center"/><w:spacing w:line="240" w:lineRule="auto"/></w:pPr><w:rPr><w:sz w:val="18"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Footer"><w:name w:val="footer"/><w:basedOn w:val="Normal"/><w:pPr><w:jc w:val="center"/><w:spacing w:line="240" w:lineRule="auto"/></w:pPr><w:rPr><w:sz w:val="18"/></w:rPr></w:style>
<w:style w:type="table" w:styleId="Grid"><w:name w:val="Table Grid"/><w:tblPr><w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:left w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:bottom w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:right w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:insideH w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:insideV w:val="single" w:sz="4" w:space="0" w:color="000000"/></w:tblBorders><w:tblCellMar><w:left w:w="85" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>
</w:styles>`
