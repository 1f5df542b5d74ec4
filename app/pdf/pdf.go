// Package pdf prints a filing as an A4 PDF, as such documents are bound in
// Chinese government offices: a cover with a 盖章 box, a table of contents,
// numbered chapters, tables with totals and 大写 amounts, a running header
// with the project name and a footer with "第 X 页 共 Y 页" and the
// verification code (app.PrintCode) with its QR code, or a 草稿 watermark
// on a filing the bureau has not received. Fonts are embedded as subsets.
// It uses no GUI package, so the bureau server prints with it too.
package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font/sfnt"
	"rsc.io/qr"

	"egovdesk/app"
	"egovdesk/app/linebreak"
	"egovdesk/app/paper"
)

// Fonts are the TrueType faces a document is set in: Regular for body
// text, Bold for headings and totals, and an optional Fallback with a wider
// repertoire for characters the first two lack (rare characters of
// names). Make them once with NewFonts and share them: they are safe for
// concurrent use.
type Fonts struct {
	regular, bold, fallback []byte
	cover, fbCover          *sfnt.Font

	mu    sync.Mutex
	known map[rune]int8 // 1: regular face, 2: fallback, -1: neither
}

// NewFonts checks the faces (TrueType outlines; fallback may be nil) and
// returns them ready for Render.
func NewFonts(regular, bold, fallback []byte) (*Fonts, error) {
	f := &Fonts{regular: regular, bold: bold, fallback: fallback, known: map[rune]int8{}}
	var err error
	if f.cover, err = sfnt.Parse(regular); err != nil {
		return nil, fmt.Errorf("pdf: regular font: %w", err)
	}
	if _, err = sfnt.Parse(bold); err != nil {
		return nil, fmt.Errorf("pdf: bold font: %w", err)
	}
	if fallback != nil {
		if !trueType(fallback) {
			return nil, errors.New("pdf: the fallback font has no TrueType outlines")
		}
		if f.fbCover, err = sfnt.Parse(fallback); err != nil {
			return nil, fmt.Errorf("pdf: fallback font: %w", err)
		}
	}
	return f, nil
}

// SystemFallbackPaths are fonts with TrueType outlines and a wide CJK
// repertoire (GBK and beyond, for rare characters of names) that
// SystemFallback looks for, in order; of a collection (.ttc) the first
// face is used. Faces with CFF outlines (Noto CJK's .ttc) cannot be
// embedded by the renderer and are skipped.
var SystemFallbackPaths = []string{
	`C:\Windows\Fonts\simsun.ttc`, `C:\Windows\Fonts\msyh.ttc`, `C:\Windows\Fonts\simhei.ttf`,
	"/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
	"/usr/share/fonts/truetype/arphic/uming.ttc",
	"/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
}

// SystemFallback returns the first of SystemFallbackPaths installed here as
// a standalone TrueType font, or nil when there is none.
func SystemFallback() []byte {
	for _, p := range SystemFallbackPaths {
		if b, err := readFallback(p); err == nil {
			return b
		}
	}
	return nil
}

// readFallback reads the font at path as a fallback face: the first face of
// a collection, TrueType outlines only.
func readFallback(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if b, err = collectionFace(b, 0); err != nil {
		return nil, err
	}
	if !trueType(b) {
		return nil, fmt.Errorf("pdf: %s has no TrueType outlines", path)
	}
	if _, err := sfnt.Parse(b); err != nil {
		return nil, fmt.Errorf("pdf: %s: %w", path, err)
	}
	return b, nil
}

// face says which face prints r: 1 regular, 2 fallback, -1 none.
func (f *Fonts) face(r rune) int8 {
	if r < 0x80 || r == ' ' {
		return 1
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if v, ok := f.known[r]; ok {
		return v
	}
	var buf sfnt.Buffer
	v := int8(-1)
	if gi, err := f.cover.GlyphIndex(&buf, r); err == nil && gi != 0 {
		v = 1
	} else if f.fbCover != nil {
		if gi, err := f.fbCover.GlyphIndex(&buf, r); err == nil && gi != 0 {
			v = 2
		}
	}
	f.known[r] = v
	return v
}

// Options say how a filing is printed.
type Options struct {
	paper.Options
	// Code is the verification code of the revision as the bureau
	// received it; nil prints a draft, watermarked 草稿 — 未提交.
	Code *app.PrintCode
}

// Result is a printed filing.
type Result struct {
	PDF   []byte
	Pages int
	// Missing lists the characters no font could print; they show as
	// empty boxes. The caller tells the person printing.
	Missing []rune
}

// Page geometry in millimetres: A4, with the wider margin on the left for binding.
const (
	pageW, pageH           = 210.0, 297.0
	marginL, marginR       = 28.0, 26.0
	marginT, marginB       = 30.0, 30.0
	contentW               = pageW - marginL - marginR
	bodySize               = 12.0 // 小四
	lineH                  = 7.2  // 1.5 lines of 小四
	cellPad                = 1.6
	tableSize              = 10.5 // 五号
	tableLineH             = 5.4
	tocPerPage             = 24
	fontRegular, fontBold  = "aa+noto", "ab+noto"
	fontFallback           = "ac+fallback"
	subsetRegular          = "/utf8aa+noto"
	subsetBold             = "/utf8ab+noto"
	subsetFallback         = "/utf8ac+fallback"
	subsetTagRegular       = "/EGVDAA+noto"
	subsetTagBold          = "/EGVDAB+noto"
	subsetTagFallback      = "/EGVDAC+fallback"
	watermark              = paper.DraftMark
	mm2pt                  = 72 / 25.4
	qrSide                 = 16.0
	headingKeep            = 30.0 // a heading needs this much room below it
	chapterTitleH          = 15.0 // a chapter's title, with the room above and below it
	chapterSize, titleSize = 16.0, 22.0
)

type writer struct {
	f       *fpdf.Fpdf
	fonts   *Fonts
	y       float64
	missing map[rune]bool
	font    string
	size    float64
	widths  map[string]map[rune]float64
	// hasFallback is set once the fallback face was added to the document.
	hasFallback bool
	rowFn       func(cells []string, font string, fill bool) // the table being printed, to repeat its head on a new page
}

// Render prints body b.
func Render(b app.Body, fonts *Fonts, o Options) (Result, error) {
	doc, err := paper.Build(b, o.Options)
	if err != nil {
		return Result{}, err
	}
	return RenderDocument(doc, fonts, o.Code)
}

// RenderDocument prints a laid-out document; code is nil for a draft.
func RenderDocument(doc *paper.Document, fonts *Fonts, code *app.PrintCode) (Result, error) {
	f := fpdf.New("P", "mm", "A4", "")
	f.SetAutoPageBreak(false, 0)
	f.SetMargins(marginL, marginT, marginR)
	// The document's own date, not the clock: the same revision prints to
	// the same bytes. A viewer's 属性 said 1970-01-01 when it was not set.
	at := time.Unix(0, 0).UTC()
	if !doc.At.IsZero() {
		at = doc.At.In(app.Beijing)
	}
	f.SetCreationDate(at)
	f.SetModificationDate(at)
	f.SetCatalogSort(true)
	f.SetTitle(doc.Project+" "+doc.Name, true)
	f.SetCreator("egovdesk", true)
	f.AddUTF8FontFromBytes(fontRegular, "", fonts.regular)
	f.AddUTF8FontFromBytes(fontBold, "", fonts.bold)
	w := &writer{f: f, fonts: fonts, missing: map[rune]bool{}, widths: map[string]map[rune]float64{}}
	w.cover(doc)
	tocPages := (len(doc.Chapters) + tocPerPage - 1) / tocPerPage
	tocStart := f.PageCount() + 1
	links := make([]int, len(doc.Chapters))
	for i := 0; i < tocPages; i++ {
		f.AddPage()
	}
	starts := make([]int, len(doc.Chapters))
	w.newPage()
	for i, c := range doc.Chapters {
		// Room for the title and its first block's heading and lines: with
		// room for the title only, the first block went over the page and
		// left 三、建设目标与内容 alone at its foot (found in a clerk's
		// walkthrough).
		keep := headingKeep
		if len(c.Blocks) > 0 {
			keep = w.blockStart(c.Blocks[0])
		}
		if w.y > marginT && w.y+chapterTitleH+keep > pageH-marginB {
			w.newPage()
		}
		starts[i] = f.PageNo()
		links[i] = f.AddLink()
		f.SetLink(links[i], w.y, -1)
		title := paper.Numeral(i+1) + "、" + c.Title
		w.setFont(fontBold, chapterSize)
		f.Bookmark(title, 0, w.y)
		w.y += 3
		w.line(marginL, w.y+chapterSize*0.3528, title, fontBold, chapterSize)
		w.y += chapterTitleH - 3
		sub := 0
		for j, bl := range c.Blocks {
			switch {
			case bl.Heading != "":
				sub++
				// with the start of the block after it: 投资概算明细 stood
				// at a page's foot, its table on the next page
				keep := headingKeep
				if j+1 < len(c.Blocks) {
					keep = w.blockStart(c.Blocks[j+1]) + 14*0.3528 + 6
				}
				w.need(keep)
				w.heading("（"+paper.Numeral(sub)+"）"+bl.Heading, 14)
			case bl.Text != nil:
				w.text(bl.Text.Label, bl.Text.Value)
			case bl.Table != nil:
				w.table(bl.Table)
			default:
				w.fields(bl.Fields)
			}
		}
		w.y += 4
	}
	w.toc(doc, tocStart, starts, links)
	total := f.PageCount()
	for p := 1; p <= total; p++ {
		f.SetPage(p)
		w.pageFrame(doc, p, total, code)
	}
	if err := f.Error(); err != nil {
		return Result{}, fmt.Errorf("pdf: %w", err)
	}
	var out bytes.Buffer
	if err := f.Output(&out); err != nil {
		return Result{}, fmt.Errorf("pdf: %w", err)
	}
	res := Result{PDF: tagSubsets(out.Bytes()), Pages: total}
	for r := range w.missing {
		res.Missing = append(res.Missing, r)
	}
	slices.Sort(res.Missing)
	return res, nil
}

// tagSubsets names the embedded fonts as the subsets they are: fpdf embeds
// only the glyphs used but names the fonts without the six-letter tag PDF
// requires of a subset (ISO 32000-1, 9.6.4), so viewers and pdffonts would
// take them for whole fonts. The tags replace names of the same length, so
// no offset in the file moves.
func tagSubsets(b []byte) []byte {
	b = bytes.ReplaceAll(b, []byte(subsetRegular), []byte(subsetTagRegular))
	b = bytes.ReplaceAll(b, []byte(subsetBold), []byte(subsetTagBold))
	return bytes.ReplaceAll(b, []byte(subsetFallback), []byte(subsetTagFallback))
}

func (w *writer) setFont(name string, size float64) {
	w.font, w.size = name, size
	w.f.SetFont(name, "", size)
}

// addFallback adds the fallback face to the document the first time a
// character needs it: parsing a large system font costs more than the
// rest of a document, and most documents never need it.
func (w *writer) addFallback() {
	if !w.hasFallback {
		w.hasFallback = true
		w.f.AddUTF8FontFromBytes(fontFallback, "", w.fonts.fallback)
	}
}

// forceFont sets the font even if fpdf believes it is set: after SetPage to
// an earlier page, that page's content may have ended with another font.
func (w *writer) forceFont(name string, size float64) {
	w.f.SetFont(name, "", size+0.01)
	w.setFont(name, size)
}

// runs splits s by the face that prints each character.
func (w *writer) runs(s string, main string) [][2]string {
	var out [][2]string
	cur, curFont := strings.Builder{}, ""
	for _, r := range s {
		r = w.printable(r)
		font := main
		switch w.fonts.face(r) {
		case 2:
			font = fontFallback
			w.addFallback()
		case -1:
			w.missing[r] = true
		}
		if font != curFont && cur.Len() > 0 {
			out = append(out, [2]string{curFont, cur.String()})
			cur.Reset()
		}
		curFont = font
		cur.WriteRune(r)
	}
	if cur.Len() > 0 {
		out = append(out, [2]string{curFont, cur.String()})
	}
	return out
}

// unprintable stands in the copy for a character fpdf cannot print.
const unprintable = '□'

// printable is r, or unprintable (r then reported missing) when r is past
// the Basic Multilingual Plane: fpdf maps glyphs by 16-bit code and
// panicked on the page's output (found from outside: 𠮷, U+20BB7, a
// character of real names, or 😀 in any field made the filing
// unprintable, a 500 each time).
func (w *writer) printable(r rune) rune {
	if r > 0xFFFF {
		w.missing[r] = true
		return unprintable
	}
	return r
}

func (w *writer) width(s, font string, size float64) float64 {
	total := 0.0
	for _, r := range s {
		r = w.printable(r)
		f := font
		if w.fonts.face(r) == 2 {
			f = fontFallback
			w.addFallback()
		}
		total += w.runeWidth(f, r)
	}
	return total * size
}

// runeWidth is the advance of r in font at size 1, measured by fpdf once
// per document (wrapping measures every character many times).
func (w *writer) runeWidth(font string, r rune) float64 {
	m := w.widths[font]
	if m == nil {
		m = map[rune]float64{}
		w.widths[font] = m
	}
	if v, ok := m[r]; ok {
		return v
	}
	w.f.SetFont(font, "", 1000)
	v := w.f.GetStringWidth(string(r)) / 1000
	if w.font != "" {
		w.f.SetFont(w.font, "", w.size)
	}
	m[r] = v
	return v
}

// line prints s with its baseline at y, switching to the fallback face
// where the main one lacks a character.
func (w *writer) line(x, y float64, s, font string, size float64) {
	for _, r := range w.runs(s, font) {
		w.f.SetFont(r[0], "", size)
		w.f.Text(x, y, r[1])
		x += w.width(r[1], r[0], size)
	}
	w.setFont(font, size)
}

func (w *writer) wrap(s, font string, size, width float64) []string {
	return linebreak.Wrap(s, width, func(t string) float64 { return w.width(t, font, size) })
}

func (w *writer) newPage() {
	w.f.AddPage()
	w.y = marginT
}

func (w *writer) need(h float64) {
	if w.y+h > pageH-marginB {
		w.newPage()
	}
}

func (w *writer) heading(s string, size float64) {
	w.need(headingKeep)
	w.y += 2
	w.line(marginL, w.y+size*0.3528, s, fontBold, size)
	w.y += size*0.3528 + 4
}

// text prints a labelled paragraph: the label bold on its own line, the
// text indented by two characters on the first line, as Chinese prose is.
func (w *writer) text(label, value string) {
	w.heading(label, bodySize)
	indent := strings.Repeat("\u3000", 2)
	for _, para := range strings.Split(value, "\n") {
		lines := w.wrap(indent+strings.TrimSpace(para), fontRegular, bodySize, contentW)
		for i, l := range lines {
			w.need(lineH)
			x := marginL
			if i == 0 {
				l = strings.TrimPrefix(l, indent)
				x += 2 * bodySize * 0.3528
			}
			w.line(x, w.y+bodySize*0.3528+1.2, l, fontRegular, bodySize)
			w.y += lineH
		}
	}
	w.y += 2
}

func (w *writer) fields(fs []paper.Field) {
	t := &paper.Table{Widths: []float64{4, 8}}
	for _, f := range fs {
		t.Rows = append(t.Rows, []string{f.Label, f.Value})
	}
	w.grid(t, true)
}

func (w *writer) table(t *paper.Table) { w.grid(t, false) }

// wrapHead wraps a column's head: one with its unit in brackets that does
// not fit on a line breaks before the bracket (金额 / （万元）), not inside
// it (金额（万 / 元）).
func (w *writer) wrapHead(s string, width float64) []string {
	if unit := unitOf(s); unit != "" && w.width(s, fontBold, tableSize) > width {
		name := strings.TrimSuffix(s, unit)
		if w.width(name, fontBold, tableSize) <= width && w.width(unit, fontBold, tableSize) <= width {
			return []string{name, unit}
		}
	}
	return w.wrap(s, fontBold, tableSize, width)
}

// unitOf is the bracketed unit a column's head ends with (（万元）), which
// wrapHead keeps on a line: "" when it has none.
func unitOf(head string) string {
	if i := strings.Index(head, "（"); i > 0 && strings.HasSuffix(head, "）") {
		return head[i:]
	}
	return ""
}

// fitColumns widens the columns of t (widths cols, in mm) that cannot hold
// what must not break, taking the room from columns that have some to
// spare: a code or a date (a run of Latin letters, digits and signs, as
// 307001/000001 or 2028-01-01), a value of up to five characters (有条件共享)
// and a header of up to four (责任人, 更新周期). The stamped copy broke 307001/ from 000001 and wrote
// 责任 above 人. A column never takes more than a third of the table, and
// none is cut below two characters of Chinese (or its own width).
func (w *writer) fitColumns(t *paper.Table, cols []float64) {
	const maxWholeRun = 24 // 307001/000001, 2028-01-01, 11341522003064951U
	need := make([]float64, len(cols))
	for i := range cols {
		if i < len(t.Head) && utf8.RuneCountInString(t.Head[i]) <= 4 {
			need[i] = w.width(t.Head[i], fontBold, tableSize)
		}
		if i < len(t.Head) && utf8.RuneCountInString(unitOf(t.Head[i])) <= 6 {
			need[i] = max(need[i], w.width(unitOf(t.Head[i]), fontBold, tableSize))
		}
		// The foot too, in its bold: 合计's 3580.432199 万元 broke before its
		// last digit where the rows' amounts, in regular type, fitted
		// (found by a reviewer printing a 六安 declaration).
		for k, r := range slices.Concat(t.Rows, t.Foot) {
			if i >= len(r) {
				continue
			}
			font := fontRegular
			if k >= len(t.Rows) {
				font = fontBold
			}
			if utf8.RuneCountInString(r[i]) <= 5 { // a label: 有条件共享, 不予共享
				need[i] = max(need[i], w.width(r[i], font, tableSize))
			}
			for _, tok := range strings.FieldsFunc(r[i], func(c rune) bool { return c >= utf8.RuneSelf || c == ' ' }) {
				// A code or a date; a longer run (a web address, a model
				// number) breaks anyway and must not take the table.
				if len(tok) <= maxWholeRun {
					need[i] = max(need[i], w.width(tok, font, tableSize))
				}
			}
		}
		// Every column keeps room for two characters of Chinese: one cut
		// to its codes' width wrapped its prose a character a line.
		floor := min(cols[i], 2*w.width("中", fontRegular, tableSize))
		need[i] = max(min(need[i], contentW/3), floor) + 2*cellPad + 0.2
	}
	deficit, slack := 0.0, 0.0
	for i := range cols {
		if d := need[i] - cols[i]; d > 0 {
			deficit += d
		} else {
			slack -= d
		}
	}
	if deficit == 0 || slack == 0 {
		return
	}
	give := min(deficit, slack)
	for i := range cols {
		switch d := need[i] - cols[i]; {
		case d > 0:
			cols[i] += d * give / deficit
		case d < 0:
			cols[i] += d * give / slack // d is the spare room, negative
		}
	}
}

// columns returns the widths of t's columns, in mm.
func (w *writer) columns(t *paper.Table) []float64 {
	sum := 0.0
	for _, x := range t.Widths {
		sum += x
	}
	cols := make([]float64, len(t.Widths))
	for i, x := range t.Widths {
		cols[i] = contentW * x / sum
	}
	w.fitColumns(t, cols)
	return cols
}

// rowLines wraps a row's cells in columns cols; n is its height in lines.
func (w *writer) rowLines(t *paper.Table, cols []float64, cells []string, font string) (lines [][]string, n int) {
	lines = make([][]string, len(cols))
	n = 1
	for i := range cols {
		s := ""
		if i < len(cells) {
			s = cells[i]
		}
		if font == fontBold && i < len(t.Head) && s == t.Head[i] {
			lines[i] = w.wrapHead(s, cols[i]-2*cellPad)
		} else {
			lines[i] = w.wrap(s, font, tableSize, cols[i]-2*cellPad)
		}
		n = max(n, len(lines[i]))
	}
	return lines, n
}

// tableStart is the room a table needs on the page it starts on: its
// head and the first lines of its first row (a row moves to the next page
// when not even two of its lines fit).
func (w *writer) tableStart(t *paper.Table) float64 {
	cols := w.columns(t)
	var first []string
	switch {
	case len(t.Rows) > 0:
		first = t.Rows[0]
	case len(t.Foot) > 0:
		first = t.Foot[0]
	}
	_, fn := w.rowLines(t, cols, first, fontRegular)
	if len(t.Head) == 0 {
		return float64(min(fn, 2))*tableLineH + 2*cellPad
	}
	_, hn := w.rowLines(t, cols, t.Head, fontBold)
	return float64(hn+min(fn, 2))*tableLineH + 4*cellPad
}

// blockStart is the room block bl needs to start on a page, for the
// heading or title before it to keep with it: a table's start, or
// headingKeep.
func (w *writer) blockStart(bl paper.Block) float64 {
	if bl.Table != nil {
		return max(headingKeep, w.tableStart(bl.Table)+4)
	}
	return headingKeep
}

// grid prints a table; labels shades the first column (a field table).
func (w *writer) grid(t *paper.Table, labels bool) {
	f := w.f
	cols := w.columns(t)
	f.SetLineWidth(0.2)
	f.SetDrawColor(0, 0, 0)
	wrapRow := func(cells []string, font string) ([][]string, int) { return w.rowLines(t, cols, cells, font) }
	row := func(cells []string, font string, fill bool) {
		lines, n := wrapRow(cells, font)
		for {
			fit := int((pageH - marginB - w.y - 2*cellPad) / tableLineH)
			if fit < min(n, 2) && w.y > marginT+tableLineH*3 {
				// Not even two lines fit: the row starts on the next page,
				// under the table's head again.
				w.newPage()
				if len(t.Head) > 0 && font != fontBold {
					w.headRow(t, cols)
				}
				continue
			}
			k := min(n, max(fit, 1))
			w.cells(t, cols, lines, k, font, fill, labels)
			if k == n {
				return
			}
			// A row taller than what is left of the page goes on over the
			// page break, its cells cut between lines.
			for i := range lines {
				lines[i] = lines[i][min(k, len(lines[i])):]
			}
			n -= k
			w.newPage()
			if len(t.Head) > 0 && font != fontBold {
				w.headRow(t, cols)
			}
		}
	}
	w.rowFn = row
	if len(t.Head) > 0 {
		// The head and the first lines of the first row on one page: the
		// head of 投资概算明细, two lines high, stood alone at a page's
		// foot, its rows on the next page under a head of their own.
		w.need(w.tableStart(t))
		row(t.Head, fontBold, true)
	}
	for i, r := range t.Rows {
		if i == len(t.Rows)-1 {
			w.keepWithFoot(t, cols, r)
		}
		row(r, fontRegular, false)
	}
	if len(t.Rows) == 0 && len(t.Head) > 0 {
		empty := make([]string, len(cols))
		empty[min(1, len(cols)-1)] = "（无）"
		row(empty, fontRegular, false)
	}
	for _, r := range t.Foot {
		row(r, fontBold, false)
	}
	w.rowFn = nil
	w.y += 2
	if t.Note != "" {
		for _, l := range w.wrap(t.Note, fontRegular, tableSize, contentW) {
			w.need(tableLineH)
			w.line(marginL, w.y+tableSize*0.3528+0.6, l, fontRegular, tableSize)
			w.y += tableLineH
		}
		w.y += 2
	}
	w.y += 2
}

// keepWithFoot starts t's last row, last, on the next page, under the
// table's head again, when it, t's foot and its note (合计（大写）) do not
// all fit on this one: the
// 合计 row of 投资概算明细 stood alone at the top of a page, without the
// head that names its columns (found by a reviewer printing a 六安
// declaration). A last row and foot taller than half a page are left to
// break as any row does.
func (w *writer) keepWithFoot(t *paper.Table, cols []float64, last []string) {
	if len(t.Foot) == 0 {
		return
	}
	_, n := w.rowLines(t, cols, last, fontRegular)
	h := float64(n)*tableLineH + 2*cellPad
	for _, r := range t.Foot {
		_, fn := w.rowLines(t, cols, r, fontBold)
		h += float64(fn)*tableLineH + 2*cellPad
	}
	if t.Note != "" { // 合计（大写）, under it (grid)
		h += 2 + float64(len(w.wrap(t.Note, fontRegular, tableSize, contentW)))*tableLineH
	}
	if w.y+h <= pageH-marginB || h > (pageH-marginB-marginT)/2 {
		return
	}
	w.newPage()
	if len(t.Head) > 0 {
		w.headRow(t, cols)
	}
}

// cells prints the first k lines of each cell of a row as one band of
// boxes at w.y and moves below it.
func (w *writer) cells(t *paper.Table, cols []float64, lines [][]string, k int, font string, fill, labels bool) {
	f := w.f
	h := float64(k)*tableLineH + 2*cellPad
	x := marginL
	for i, c := range cols {
		style := "D"
		if fill || labels && i == 0 {
			f.SetFillColor(235, 238, 242)
			style = "FD"
		}
		f.Rect(x, w.y, c, h, style)
		for j, l := range lines[i][:min(k, len(lines[i]))] {
			lx := x + cellPad
			if t.Right != nil && i < len(t.Right) && t.Right[i] {
				lx = x + c - cellPad - w.width(l, font, tableSize)
			}
			w.line(lx, w.y+cellPad+float64(j)*tableLineH+tableSize*0.3528+0.6, l, font, tableSize)
		}
		x += c
	}
	w.y += h
}

func (w *writer) headRow(t *paper.Table, _ []float64) {
	if w.rowFn != nil {
		w.rowFn(t.Head, fontBold, true)
	}
}

// sealBox is the side of the cover's 盖章 box, in mm: an office's round
// seal is 42 mm across (国务院关于国家行政机关和企业事业单位社会团体印章的规定),
// and the 28 mm box it had left the seal over the text around it.
const sealBox = 42.0

func (w *writer) cover(doc *paper.Document) {
	f := w.f
	f.AddPage()
	w.setFont(fontBold, titleSize)
	title := doc.Name
	tw := w.width(title, fontBold, titleSize)
	w.line((pageW-tw)/2, 80, title, fontBold, titleSize)
	rows := []struct{ Label, Value string }{{"项目名称", doc.Project}, {"项目建设单位", doc.Unit}, {"主管部门", orDash(doc.Dept)}, {"编制日期", orDash(doc.Date)}}
	y := 130.0
	labelW := 40.0
	x := marginL + 12
	valueW := contentW - 24 - labelW
	for i, r := range rows {
		w.line(x, y, r.Label+"：", fontBold, 14)
		room := valueW
		lines := w.wrap(r.Value, fontRegular, 14, room)
		for k, l := range lines {
			w.line(x+labelW, y+float64(k)*8, l, fontRegular, 14)
		}
		last := y + float64(len(lines)-1)*8
		f.SetLineWidth(0.3)
		f.Line(x+labelW, last+1.8, x+labelW+room, last+1.8)
		if i == 1 { // the 盖章 box: where the unit's seal goes
			f.SetLineWidth(0.3)
			f.SetDashPattern([]float64{1.2, 1}, 0)
			bx, by := x+labelW+valueW-sealBox, last+4 // under the end of the unit's name
			f.Rect(bx, by, sealBox, sealBox, "D")
			f.SetDashPattern(nil, 0)
			sw := w.width("盖章", fontRegular, 11)
			w.line(bx+(sealBox-sw)/2, by+sealBox/2+1.5, "盖章", fontRegular, 11)
			last = by + sealBox - 6
		}
		y = last + 16
	}
}

// truncate shortens s with an ellipsis to fit width.
func (w *writer) truncate(s, font string, size, width float64) string {
	if w.width(s, font, size) <= width {
		return s
	}
	rs := []rune(s)
	for len(rs) > 0 && w.width(string(rs)+"…", font, size) > width {
		rs = rs[:len(rs)-1]
	}
	return string(rs) + "…"
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}

func (w *writer) toc(doc *paper.Document, first int, starts, links []int) {
	f := w.f
	for i, c := range doc.Chapters {
		page := first + i/tocPerPage
		f.SetPage(page)
		if i%tocPerPage == 0 {
			w.forceFont(fontBold, chapterSize)
			t := "目　　录"
			w.line((pageW-w.width(t, fontBold, chapterSize))/2, marginT+8, t, fontBold, chapterSize)
		}
		w.forceFont(fontRegular, bodySize)
		y := marginT + 24 + float64(i%tocPerPage)*9
		title := paper.Numeral(i+1) + "、" + c.Title
		num := fmt.Sprint(starts[i])
		w.line(marginL, y, title, fontRegular, bodySize)
		tw, nw := w.width(title, fontRegular, bodySize), w.width(num, fontRegular, bodySize)
		dots := ""
		dw := w.width(".", fontRegular, bodySize)
		if n := int((contentW - tw - nw - 4) / dw); n > 0 {
			dots = strings.Repeat(".", n)
		}
		w.line(marginL+tw+2, y, dots, fontRegular, bodySize)
		w.line(marginL+contentW-nw, y, num, fontRegular, bodySize)
		f.Link(marginL, y-5, contentW, 7, links[i])
	}
}

// pageFrame prints the header, footer, verification code and QR code, or
// the draft watermark, on page p of total.
func (w *writer) pageFrame(doc *paper.Document, p, total int, code *app.PrintCode) {
	f := w.f
	f.SetDrawColor(0, 0, 0)
	// Text is painted with the fill colour: the page may have ended with a
	// table's shading, so set it here, where fpdf emits it into this page.
	f.SetFillColor(0, 0, 0)
	f.SetTextColor(0, 0, 0)
	if p > 1 {
		w.forceFont(fontRegular, 9)
		h := doc.Project + " " + doc.Name
		if w.width(h, fontRegular, 9) > contentW {
			h = w.truncate(doc.Project, fontRegular, 9, contentW)
		}
		w.line((pageW-w.width(h, fontRegular, 9))/2, 20, h, fontRegular, 9)
		f.SetLineWidth(0.3)
		f.Line(marginL, 22.5, pageW-marginR, 22.5)
	}
	f.SetLineWidth(0.2)
	f.Line(marginL, pageH-24, pageW-marginR, pageH-24)
	w.forceFont(fontRegular, 7)
	label := doc.DraftNote()
	if code != nil {
		label = code.Label()
	}
	textW := contentW
	if code != nil {
		textW -= qrSide + 3
	}
	for i, l := range w.wrap(label, fontRegular, 7, textW) {
		w.line(marginL, pageH-20+float64(i)*3.2, l, fontRegular, 7)
	}
	num := fmt.Sprintf("第 %d 页 共 %d 页", p, total)
	w.forceFont(fontRegular, 9)
	w.line((pageW-w.width(num, fontRegular, 9))/2, pageH-11, num, fontRegular, 9)
	if code != nil {
		w.qr(code.String(), pageW-marginR-qrSide, pageH-23, qrSide)
	} else {
		w.watermark()
	}
}

func (w *writer) qr(text string, x, y, side float64) {
	c, err := qr.Encode(text, qr.M)
	if err != nil {
		return // a code of 30 ASCII characters always encodes
	}
	f := w.f
	m := side / float64(c.Size)
	f.SetFillColor(0, 0, 0)
	for j := 0; j < c.Size; j++ {
		for i := 0; i < c.Size; {
			if !c.Black(i, j) {
				i++
				continue
			}
			k := i
			for k < c.Size && c.Black(k, j) {
				k++
			}
			f.Rect(x+float64(i)*m, y+float64(j)*m, float64(k-i)*m+0.01, m+0.01, "F")
			i = k
		}
	}
}

func (w *writer) watermark() {
	f := w.f
	f.TransformBegin()
	f.SetAlpha(0.18, "Normal")
	f.SetTextColor(160, 0, 0)
	f.TransformRotate(45, pageW/2, pageH/2)
	w.forceFont(fontBold, 56)
	tw := w.width(watermark, fontBold, 56)
	w.line((pageW-tw)/2, pageH/2+7, watermark, fontBold, 56)
	f.SetAlpha(1, "Normal")
	f.TransformEnd()
	f.SetTextColor(0, 0, 0)
}
