package pdf

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"egovdesk/app"
	"egovdesk/app/apptest"
	"egovdesk/app/paper"
)

func needPoppler(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"pdftotext", "pdffonts", "pdfinfo", "pdftoppm"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s (poppler-utils) is not installed", tool)
		}
	}
}

func writePDF(t *testing.T, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "filing.pdf")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	return string(out)
}

func squeeze(s string) string { return strings.Join(strings.Fields(s), "") }

// TestRenderEveryKind prints each kind with a verification code and reads
// the PDF back with poppler: every field's text in the order of the
// document, the page count, A4, embedded subset fonts, and on every page
// the header, "第 X 页 共 Y 页" and the code.
func TestRenderEveryKind(t *testing.T) {
	needPoppler(t)
	for _, b := range []app.Body{declarationBody(), catalogueBody(), trialBody(), acceptanceBody()} {
		t.Run(string(b.Kind), func(t *testing.T) {
			o := testOptions(true)
			o.Required = []string{"trial_report", "test_report"}
			res, err := Render(b, fonts(t), o)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Missing) > 0 {
				t.Errorf("characters not printed: %q", string(res.Missing))
			}
			path := writePDF(t, res.PDF)
			info := run(t, "pdfinfo", path)
			if !strings.Contains(info, fmt.Sprintf("Pages:           %d\n", res.Pages)) || !strings.Contains(info, "(A4)") {
				t.Errorf("pdfinfo, want %d A4 pages:\n%s", res.Pages, info)
			}
			fontsOut := run(t, "pdffonts", path)
			lines := strings.Split(strings.TrimSpace(fontsOut), "\n")[2:]
			if len(lines) != 2 {
				t.Errorf("want the regular and the bold face:\n%s", fontsOut)
			}
			for _, l := range lines {
				f := strings.Fields(l)
				// name type… encoding emb sub uni
				if n := len(f); !strings.HasPrefix(f[0], "EGVDA") || f[n-5] != "yes" || f[n-4] != "yes" || f[n-3] != "yes" {
					t.Errorf("font not an embedded subset with Unicode: %s", l)
				}
			}
			doc, err := paper.Build(b, o.Options)
			if err != nil {
				t.Fatal(err)
			}
			// The body area only (no header, footer), in content order.
			body := squeeze(run(t, "pdftotext", "-raw", "-x", "0", "-y", "71", "-W", "595", "-H", "700", path, "-"))
			at := 0
			for _, want := range doc.Text() {
				w := squeeze(want)
				i := strings.Index(body[at:], w)
				if i < 0 {
					t.Fatalf("%q not found after offset %d (in order); text there: %.200s", want, at, body[at:])
				}
				at += i + len(w)
			}
			code := o.Code.String()
			for p := 1; p <= res.Pages; p++ {
				page := run(t, "pdftotext", "-f", fmt.Sprint(p), "-l", fmt.Sprint(p), path, "-")
				for _, want := range []string{fmt.Sprintf("第 %d 页 共 %d 页", p, res.Pages), "核验码 " + code,
					"回执 " + o.Code.RevisionID, "第 2 版"} {
					if !strings.Contains(squeeze(page), squeeze(want)) {
						t.Errorf("page %d lacks %q", p, want)
					}
				}
				if p > 1 && !strings.Contains(page, doc.Project) {
					t.Errorf("page %d lacks the header %q", p, doc.Project)
				}
				if strings.Contains(page, "草稿") {
					t.Errorf("page %d of a received filing is marked as a draft", p)
				}
			}
		})
	}
}

// TestDraftWatermark: a filing the bureau has not received is marked on
// every page, naming the bureau as the rules do, and carries no
// verification code.
func TestDraftWatermark(t *testing.T) {
	needPoppler(t)
	o := testOptions(false)
	o.Bureau = "天宁区数据局"
	res, err := Render(declarationBody(), fonts(t), o)
	if err != nil {
		t.Fatal(err)
	}
	path := writePDF(t, res.PDF)
	for p := 1; p <= res.Pages; p++ {
		page := run(t, "pdftotext", "-f", fmt.Sprint(p), "-l", fmt.Sprint(p), path, "-")
		if !strings.Contains(page, watermark) || !strings.Contains(page, "本件未经天宁区数据局接收") {
			t.Errorf("draft page %d lacks the watermark or the draft footer", p)
		}
		if strings.Contains(page, "核验码") {
			t.Errorf("draft page %d carries a verification code", p)
		}
	}
}

// TestMissingCharacters: a character no font has is reported, not dropped
// silently; with a fallback face that has it, it is printed from that face.
func TestMissingCharacters(t *testing.T) {
	needPoppler(t)
	b := declarationBody()
	b.Declaration.Contact.Leader = "王㛃♞" // ext. A and a symbol: not in the GB 2312 cut
	res, err := Render(b, fonts(t), testOptions(true))
	if err != nil {
		t.Fatal(err)
	}
	if string(res.Missing) != "♞㛃" {
		t.Errorf("Missing = %q, want ♞㛃", string(res.Missing))
	}
	dejavu, err := os.ReadFile("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
	if err != nil {
		t.Skip("no DejaVu Sans to fall back on (fonts-dejavu-core)")
	}
	// As SystemFallback finds it on Windows or with WenQuanYi: a face of a collection.
	face, err := collectionFace(collect(dejavu), 0)
	if err != nil {
		t.Fatal(err)
	}
	fb, err := NewFonts(fonts(t).regular, fonts(t).bold, face)
	if err != nil {
		t.Fatal(err)
	}
	res, err = Render(b, fb, testOptions(true))
	if err != nil {
		t.Fatal(err)
	}
	if string(res.Missing) != "㛃" {
		t.Errorf("with DejaVu, Missing = %q, want only 㛃", string(res.Missing))
	}
	path := writePDF(t, res.PDF)
	if out := run(t, "pdffonts", path); !strings.Contains(out, "EGVDAC+fallback") {
		t.Errorf("fallback face not embedded:\n%s", out)
	}
	if out := run(t, "pdftotext", "-f", "3", "-l", "3", path, "-"); !strings.Contains(out, "王") || !strings.Contains(out, "♞") {
		t.Errorf("the leader's name lost its fallback character:\n%s", out)
	}
}

// TestCharactersPastTheBMP (found from outside): fpdf addresses glyphs by
// a 16-bit code and panicked on 𠮷 (U+20BB7, in real names) or 😀 in any
// field. They print as □ and are reported missing.
func TestCharactersPastTheBMP(t *testing.T) {
	needPoppler(t)
	b := declarationBody()
	b.Declaration.Contact.Leader = "吉𠮷"
	b.Declaration.ProjectName += "😀"
	res, err := Render(b, fonts(t), testOptions(true))
	if err != nil {
		t.Fatal(err)
	}
	if string(res.Missing) != "😀𠮷" {
		t.Errorf("Missing = %q, want 😀𠮷", string(res.Missing))
	}
	if out := run(t, "pdftotext", "-f", "3", "-l", "3", writePDF(t, res.PDF), "-"); !strings.Contains(out, "吉□") {
		t.Errorf("the leader's name is not printed as 吉□:\n%s", out)
	}
}

// TestCoverMatchesReference renders the cover of the fixture declaration
// and compares it with testdata/cover.png, reviewed by eye, pixel by pixel
// with a tolerance for anti-aliasing differences between poppler versions.
// UPDATE_REFERENCE=1 writes a new reference (look at it before committing).
func TestCoverMatchesReference(t *testing.T) {
	needPoppler(t)
	res, err := Render(declarationBody(), fonts(t), testOptions(true))
	if err != nil {
		t.Fatal(err)
	}
	path := writePDF(t, res.PDF)
	prefix := filepath.Join(t.TempDir(), "cover")
	run(t, "pdftoppm", "-r", "50", "-png", "-gray", "-singlefile", "-f", "1", "-l", "1", path, prefix)
	if os.Getenv("UPDATE_REFERENCE") != "" {
		data, _ := os.ReadFile(prefix + ".png")
		if err := os.WriteFile("testdata/cover.png", data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, want := readPNG(t, prefix+".png"), readPNG(t, "testdata/cover.png")
	if got.Bounds() != want.Bounds() {
		t.Fatalf("cover is %v, reference %v", got.Bounds(), want.Bounds())
	}
	differ, total := 0, 0
	for y := got.Bounds().Min.Y; y < got.Bounds().Max.Y; y++ {
		for x := got.Bounds().Min.X; x < got.Bounds().Max.X; x++ {
			a, _, _, _ := got.At(x, y).RGBA()
			b, _, _, _ := want.At(x, y).RGBA()
			if d := int(a>>8) - int(b>>8); d > 64 || d < -64 {
				differ++
			}
			total++
		}
	}
	if differ > total/200 { // 0.5% of the pixels
		t.Errorf("cover differs from testdata/cover.png in %d of %d pixels", differ, total)
	}
}

func readPNG(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// TestLongCellsBreakAcrossPages: a table cell longer than a page goes on
// over the page break instead of running into the footer, the page's band
// just above the footer rule stays empty, and no text is lost.
func TestLongCellsBreakAcrossPages(t *testing.T) {
	needPoppler(t)
	b := declarationBody()
	long := strings.Repeat("依据《霍邱县政务信息化项目建设管理办法》及市场询价，按三家报价的中间价计取。", 60)
	b.Declaration.Budget[0].Basis = long
	b.Declaration.ProjectName = strings.Repeat("霍邱县城关镇智慧社区", 9) // a header too long for one line
	res, err := Render(b, fonts(t), testOptions(true))
	if err != nil {
		t.Fatal(err)
	}
	path := writePDF(t, res.PDF)
	for p := 1; p <= res.Pages; p++ {
		// From the bottom margin (267 mm) to the footer rule (273 mm), in points.
		band := run(t, "pdftotext", "-f", fmt.Sprint(p), "-l", fmt.Sprint(p), "-x", "0", "-y", "757", "-W", "595", "-H", "15", path, "-")
		if strings.TrimSpace(strings.ReplaceAll(band, "\f", "")) != "" {
			t.Errorf("page %d: text below the body: %q", p, band)
		}
		header := run(t, "pdftotext", "-f", fmt.Sprint(p), "-l", fmt.Sprint(p), "-x", "0", "-y", "40", "-W", "595", "-H", "20", path, "-")
		if p > 1 && !strings.Contains(header, "…") {
			t.Errorf("page %d: the long header is not shortened: %q", p, header)
		}
	}
	body := squeeze(run(t, "pdftotext", "-raw", "-x", "0", "-y", "71", "-W", "595", "-H", "700", path, "-"))
	// The table's head is printed again on the next page, inside the cut row.
	body = strings.ReplaceAll(body, "序号费用类别名称数量金额（万元）计算依据", "") // no line has a 规格: the column is left out
	if !strings.Contains(body, squeeze(long)) {
		t.Errorf("the long cell's text is not all there, in order: %s", body)
	}
}

// A paragraph's first line is indented by two characters, and its text
// stays inside the right margin: the indent is measured as the two
// ideographic spaces it is (a collapsed indent measured as one space let the
// first line run 7 mm past the margin).
func TestIndentedParagraphsStayInsideTheMargin(t *testing.T) {
	needPoppler(t)
	b := declarationBody()
	b.Declaration.Goals = strings.Repeat("建设覆盖全镇十二个社区的网格化社会治理平台，实现事件统一受理、分拨、处置和考核", 3) + "。"
	res, err := Render(b, fonts(t), testOptions(true))
	if err != nil {
		t.Fatal(err)
	}
	path := writePDF(t, res.PDF)
	right := (pageW - marginR) / 25.4 * 72 // pt
	found := false
	for p := 1; p <= res.Pages; p++ {
		html := run(t, "pdftotext", "-bbox", "-f", fmt.Sprint(p), "-l", fmt.Sprint(p), path, "-")
		for _, line := range strings.Split(html, "\n") {
			if !strings.Contains(line, "<word") {
				continue
			}
			var xMin, yMin, xMax, yMax float64
			var word string
			if _, err := fmt.Sscanf(strings.TrimSpace(line), `<word xMin="%f" yMin="%f" xMax="%f" yMax="%f">%s`, &xMin, &yMin, &xMax, &yMax, &word); err != nil {
				continue
			}
			if strings.HasPrefix(word, "建设覆盖全镇") {
				found = true
			}
			if xMax > right+1 {
				t.Errorf("page %d: %q ends at %.1f pt, past the right margin at %.1f", p, strings.TrimSuffix(word, "</word>"), xMax, right)
			}
		}
	}
	if !found {
		t.Fatal("the goals paragraph is not in the PDF")
	}
}

// The PDF's creation date is the document's date (when the revision was
// submitted, or the draft printed), in Beijing time: a viewer's properties
// said 1970-01-01. The same revision still prints to the same bytes.
func TestCreationDateIsTheDocumentsDate(t *testing.T) {
	o := testOptions(true)
	o.Date = time.Date(2027, 3, 15, 1, 30, 0, 0, time.UTC)
	res, err := Render(declarationBody(), fonts(t), o)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(res.PDF, []byte("/CreationDate (D:20270315093000")) {
		i := bytes.Index(res.PDF, []byte("/CreationDate"))
		t.Fatalf("creation date: %q", res.PDF[i:min(i+40, len(res.PDF))])
	}
	again, err := Render(declarationBody(), fonts(t), o)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(res.PDF, again.PDF) {
		t.Errorf("the same revision printed to different bytes")
	}
}

// A code or a date is not broken across lines in a table, nor a short label
// or header: the stamped 责任清单 read "307001/" above "000001", 复核日期
// "2028-01-0" above "1", and 责任 above 人.
func TestTablesKeepCodesAndDatesWhole(t *testing.T) {
	needPoppler(t)
	c := apptest.Catalogue()
	code := c.Entries[0].Code()
	c.Duties = []app.Duty{{ResourceCode: code, Duty: "社区网格化管理", UpdateCycle: app.UpdateDaily, ShareType: app.ShareConditional, Owner: "李梅", Due: "2027-06-30"}}
	// A web address in a cell (found in review) wraps where it must and
	// takes no column's room.
	c.Negatives = []app.Negative{{ResourceCode: code, Items: []string{"身份证号"}, Category: app.NegativeNoShare,
		Basis: "《中华人民共和国个人信息保护法》第十三条", ReviewDate: "2028-01-01",
		Alternative: "核验接口 https://data.example.gov.cn/api/v1/identity/verify?fields=name,id"}}
	res, err := Render(app.Body{Kind: app.KindCatalogue, Catalogue: c}, fonts(t), testOptions(true))
	if err != nil {
		t.Fatal(err)
	}
	text := run(t, "pdftotext", "-layout", writePDF(t, res.PDF), "-")
	i := strings.LastIndex(text, "四、责任清单") // past the contents page
	if i < 0 {
		t.Fatalf("no 责任清单:\n%s", text)
	}
	lists := text[i:]
	for _, whole := range []string{code, "2027-06-30", "2028-01-01", "责任人", "有条件共享", "不予共享"} {
		if strings.Count(lists, whole) < 1 {
			t.Errorf("%q is broken in the lists:\n%s", whole, lists)
		}
	}
	if !strings.Contains(lists, "《中华人民共") { // at least five characters a line
		t.Errorf("the basis is broken a character a line:\n%s", lists)
	}
	if strings.Count(lists, code) != 2 {
		t.Errorf("the resource code appears %d times whole, want 2:\n%s", strings.Count(lists, code), lists)
	}
}

// TestNoChapterTitleEndsAPage: however long what goes before it, a
// chapter's title is on the page of its first lines: 三、建设目标与内容 was
// left alone at the foot of a page (found in a clerk's walkthrough). The
// text before it grows a line at a time, so the title meets the foot of
// the page at every height.
func TestNoChapterTitleEndsAPage(t *testing.T) {
	needPoppler(t)
	for n := 0; n < 20; n++ {
		b := declarationBody()
		b.Declaration.CurrentState = strings.Repeat("现有系统将整合进本平台，原系统下线。\n", n)
		res, err := Render(b, fonts(t), testOptions(true))
		if err != nil {
			t.Fatal(err)
		}
		doc, err := paper.Build(b, testOptions(true).Options)
		if err != nil {
			t.Fatal(err)
		}
		path := writePDF(t, res.PDF)
		for p := 1; p <= res.Pages; p++ {
			// The body area of the page, its last line.
			lines := strings.Split(strings.TrimSpace(run(t, "pdftotext", "-raw", "-f", fmt.Sprint(p), "-l", fmt.Sprint(p),
				"-x", "0", "-y", "71", "-W", "595", "-H", "700", path, "-")), "\n")
			last := squeeze(lines[len(lines)-1])
			for i, c := range doc.Chapters {
				if last == squeeze(paper.Numeral(i+1)+"、"+c.Title) && p < res.Pages {
					t.Errorf("%d lines of 现有系统: page %d ends with the title %q", n, p, last)
				}
			}
		}
	}
}

// No page ends with a table's head, or with a heading whose table is on the
// next page: with the content above it growing a line at a time, the head
// of 投资概算明细 (two lines high: 金额 / （万元）) stood alone at a page's
// foot and its rows went on under a head of their own; then its heading
// did. A head broken over two lines breaks before its unit, not inside it.
func TestNoTableHeadEndsAPage(t *testing.T) {
	needPoppler(t)
	for n := 0; n < 24; n++ {
		b := declarationBody()
		b.Declaration.CurrentState = strings.Repeat("现有系统将整合进本平台，原系统下线。\n", n)
		res, err := Render(b, fonts(t), testOptions(true))
		if err != nil {
			t.Fatal(err)
		}
		path := writePDF(t, res.PDF)
		for p := 1; p < res.Pages; p++ {
			lines := strings.Split(strings.TrimSpace(run(t, "pdftotext", "-raw", "-f", fmt.Sprint(p), "-l", fmt.Sprint(p),
				"-x", "0", "-y", "71", "-W", "595", "-H", "700", path, "-")), "\n")
			last := squeeze(lines[len(lines)-1])
			before := ""
			if len(lines) > 1 {
				before = squeeze(lines[len(lines)-2])
			}
			if strings.HasPrefix(last, "序号") || strings.HasPrefix(before, "序号") && strings.HasPrefix(last, "（") ||
				strings.HasPrefix(last, "（一）") || strings.HasPrefix(last, "（二）") {
				t.Errorf("%d lines of 现有系统: page %d ends with %q / %q", n, p, before, last)
			}
		}
		for _, l := range strings.Split(run(t, "pdftotext", "-raw", path, "-"), "\n") {
			if strings.Contains(l, "（万") && !strings.Contains(l, "（万元）") {
				t.Errorf("%d lines: a head is broken inside its unit: %q", n, l)
			}
		}
	}
}

// A budget's 合计 is printed whole in its bold (3580.432199 broke before
// its last 9 where the rows' amounts fitted) and with the last line above
// it: with the content before the table growing a line at a time (over a
// page's height), it stood alone at the top of a page, under no head (both
// found by a reviewer printing a 六安 declaration).
func TestBudgetTotalStaysWholeAndWithItsRows(t *testing.T) {
	needPoppler(t)
	// Rows of one and two lines, as a declaration's are.
	lines := []struct {
		c            app.BudgetCategory
		name, amount string
	}{
		{app.BudgetSoftwareDev, "平台软件开发", "2327.280929"}, {app.BudgetHardware, "终端设备", "716.086443"},
		{app.BudgetSupervision, "工程监理", "358.043219"}, {app.BudgetTesting, "第三方软件测试", "107.412965"},
		{app.BudgetSecurityEval, "等保测评及安全评估", "71.608643"},
	}
	for n := 0; n < 48; n++ {
		b := declarationBody()
		d := b.Declaration
		d.Budget = nil
		for _, l := range lines {
			m, err := app.ParseWan(l.amount)
			if err != nil {
				t.Fatal(err)
			}
			d.Budget = append(d.Budget, app.BudgetItem{Category: l.c, Name: l.name, Amount: m})
		}
		d.CurrentState = strings.Repeat("现有系统将整合进本平台，原系统下线。\n", n)
		res, err := Render(b, fonts(t), testOptions(true))
		if err != nil {
			t.Fatal(err)
		}
		text := run(t, "pdftotext", "-raw", writePDF(t, res.PDF), "-")
		if total := d.BudgetSum().WanString(); !strings.Contains(text, "合计 "+total) {
			i := strings.Index(text, "合计")
			t.Fatalf("%d lines: the budget's total %s is not printed whole on its line:\n%s", n, total, text[max(0, i-200):min(len(text), i+200)])
		}
		for p, page := range strings.Split(text, "\f")[1:] {
			lines := strings.Split(strings.TrimSpace(page), "\n")
			if len(lines) > 1 && strings.Contains(lines[0], "政务信息化项目申报书") { // the running head
				lines = lines[1:]
			}
			if first := squeeze(lines[0]); strings.HasPrefix(first, "合计") {
				t.Errorf("%d lines of 现有系统: page %d begins with the total %q", n, p+2, first)
			}
		}
	}
}
