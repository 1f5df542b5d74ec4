package xlsx_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"egovdesk/app"
	"egovdesk/app/xlsx"
)

// The workbooks below are an export as a clerk edits it in Excel, WPS or
// LibreOffice (issue 17), built with excelize.

// openExport opens an export of the sample catalogue for editing.
func openExport(t *testing.T) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(mustExport(t, sampleCatalogue())))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func saveBook(t *testing.T, f *excelize.File) []byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// refused imports data and returns its problems, failing the test unless
// Import refused the workbook with EINVALID and imported nothing.
func refused(t *testing.T, data []byte) []app.FieldError {
	t.Helper()
	c, err := xlsx.Import(bytes.NewReader(data))
	var e *app.Error
	if c != nil || !errors.As(err, &e) || e.Code != app.EINVALID {
		t.Fatalf("Import = %v, %v; want nothing imported and an EINVALID error", c, err)
	}
	if len(e.Fields) > 0 && !strings.Contains(e.Message, "未导入任何内容") {
		t.Errorf("message %q should say nothing was imported", e.Message)
	}
	for _, fe := range e.Fields {
		t.Logf("%s: %s", fe.Field, fe.Message)
	}
	return e.Fields
}

// wantProblems checks problems against fields and substrings of messages, in order.
func wantProblems(t *testing.T, got []app.FieldError, want ...[2]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%d problems, want %d: %v", len(got), len(want), got)
	}
	for i := range min(len(got), len(want)) {
		if got[i].Field != want[i][0] || !strings.Contains(got[i].Message, want[i][1]) {
			t.Errorf("problem %d = %s %q, want %s containing %q", i, got[i].Field, got[i].Message, want[i][0], want[i][1])
		}
	}
}

// rewritePart replaces old by new in one part of an .xlsx package, as
// another program would have written it.
func rewritePart(t *testing.T, data []byte, part, old, new string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	must(t, err)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	found := false
	for _, zf := range zr.File {
		rc, err := zf.Open()
		must(t, err)
		body, err := io.ReadAll(rc)
		rc.Close()
		must(t, err)
		if zf.Name == part {
			if !bytes.Contains(body, []byte(old)) {
				t.Fatalf("%s has no %q", part, old)
			}
			body, found = bytes.Replace(body, []byte(old), []byte(new), 1), true
		}
		w, err := zw.Create(zf.Name)
		must(t, err)
		_, err = w.Write(body)
		must(t, err)
	}
	must(t, zw.Close())
	if !found {
		t.Fatalf("no part %s", part)
	}
	return buf.Bytes()
}

// A clerk retypes codes into cells of the General format: the spreadsheet
// keeps a number, and the code's digits are lost.
func TestImportRetypedNumericCodes(t *testing.T) {
	f := openExport(t)
	must(t, f.SetCellStyle("信息资源目录", "E3", "E3", 0))
	must(t, f.SetCellInt("信息资源目录", "E3", 113415220036123456)) // written as a number, as LibreOffice keeps it
	must(t, f.SetCellStyle("目录信息", "B4", "B4", 0))
	must(t, f.SetCellInt("目录信息", "B4", 3415220)) // 003415220 typed into a General cell
	must(t, f.SetCellStr("需求清单", "C2", "1.02001E+11"))
	data := saveBook(t, f)
	// LibreOffice 7.4 stores the retyped 18 digits as a double in scientific
	// notation (see TestImportLibreOfficeNumbers)
	data = rewritePart(t, data, "xl/worksheets/sheet1.xml", "<v>113415220036123456</v>", "<v>1.13415220036123E+017</v>")
	wantProblems(t, refused(t, data),
		[2]string{"信息资源目录!E3", "第 3 行“信息资源提供方代码”为科学计数法“1.13415220036123E+017”：代码被表格软件当成了数字，只剩前 15 位。请选中该列，右键“设置单元格格式”设为“文本”，再重新输入完整的代码"},
		[2]string{"需求清单!C2", "需求清单第 2 行“所需信息资源代码”为科学计数法“1.02001E+11”"},
		[2]string{"目录信息!B4", "目录信息第 4 行“信息资源提供方代码”是数字单元格“3415220”：代码被表格软件当成了数字，开头的 0 会被去掉"},
	)
}

// Retyping one cell of a resource's first row is reported at that cell,
// not at the later rows that still hold the right code.
func TestImportOneRetypedCell(t *testing.T) {
	for _, cell := range []string{"E3", "E5"} {
		t.Run(cell, func(t *testing.T) {
			f := openExport(t)
			must(t, f.SetCellInt("信息资源目录", cell, 113415220036123456))
			wantProblems(t, refused(t, saveBook(t, f)),
				[2]string{"信息资源目录!" + cell, "“信息资源提供方代码”是数字单元格“113415220036123456”"})
		})
	}
	t.Run("wrong check character", func(t *testing.T) {
		f := openExport(t)
		must(t, f.SetCellStr("信息资源目录", "E3", "11341522003612345X"))
		// a resource with the wrong code on each row: reported on its first row
		for n := 8; n <= 12; n++ {
			must(t, f.SetCellStr("信息资源目录", "E"+strconv.Itoa(n), "113415220030123451"))
		}
		must(t, f.SetCellStr("目录信息", "B4", "9144030070846113"))
		wantProblems(t, refused(t, saveBook(t, f)),
			[2]string{"信息资源目录!E3", "第 3 行“信息资源提供方代码”为“11341522003612345X”，不是有效的统一社会信用代码：第 18 位校验位不符"},
			[2]string{"信息资源目录!E8", "第 8 行“信息资源提供方代码”为“113415220030123451”，不是有效的统一社会信用代码：第 18 位校验位不符"},
			[2]string{"目录信息!B4", "“9144030070846113”，不是有效的统一社会信用代码：应为 18 位，现为 16 位"})
	})
	t.Run("a province's own code", func(t *testing.T) {
		f := openExport(t)
		for n := 3; n <= 7; n++ {
			must(t, f.SetCellStr("信息资源目录", "E"+strconv.Itoa(n), "003415220"))
		}
		c, err := xlsx.Import(bytes.NewReader(saveBook(t, f)))
		if err != nil || c.Entries[0].ProviderCode != "003415220" {
			t.Errorf("Import = %v; want the 9-character code kept as typed", app.FieldErrors(err))
		}
	})
}

// The clerk copies the catalogue sheet, edits the copy and hides the
// original: what is imported is the copy the clerk sees.
func TestImportHiddenOriginal(t *testing.T) {
	copyCatalogue := func(t *testing.T, f *excelize.File, name string) {
		t.Helper()
		i, err := f.NewSheet(name)
		must(t, err)
		must(t, f.CopySheet(0, i))
		for n := 3; n <= 7; n++ {
			must(t, f.SetCellStr(name, "B"+strconv.Itoa(n), "城关镇户籍人口信息（2027 年核对）"))
		}
		f.SetActiveSheet(i)
	}
	t.Run("hidden original", func(t *testing.T) {
		f := openExport(t)
		copyCatalogue(t, f, "信息资源目录 (2)")
		must(t, f.SetSheetVisible("信息资源目录", false))
		c, err := xlsx.Import(bytes.NewReader(saveBook(t, f)))
		if err != nil {
			t.Fatalf("Import: %v", app.FieldErrors(err))
		}
		if got := c.Entries[0].Name; got != "城关镇户籍人口信息（2027 年核对）" {
			t.Errorf("entries[0].Name = %q: the hidden original was imported, not the visible copy", got)
		}
	})
	t.Run("two visible", func(t *testing.T) {
		f := openExport(t)
		copyCatalogue(t, f, "信息资源目录_2")
		c, err := xlsx.Import(bytes.NewReader(saveBook(t, f)))
		if c != nil || !strings.Contains(app.ErrorMessage(err), "工作簿中有 2 个可见的目录工作表：“信息资源目录”、“信息资源目录_2”，无法确定导入哪一个") {
			t.Errorf("Import = %v, %v; want a refusal naming both sheets", c, err)
		}
	})
	t.Run("only hidden", func(t *testing.T) {
		f := openExport(t)
		f.SetActiveSheet(1)
		must(t, f.SetSheetVisible("信息资源目录", false))
		c, err := xlsx.Import(bytes.NewReader(saveBook(t, f)))
		if c != nil || !strings.Contains(app.ErrorMessage(err), "目录所在的工作表“信息资源目录”是隐藏的") {
			t.Errorf("Import = %v, %v; want a refusal saying the sheet is hidden", c, err)
		}
	})
}

// Merged cells: one value merged down a column is each row's value, as the
// clerk sees it; a range across columns is refused with its range.
func TestImportMergedCells(t *testing.T) {
	t.Run("down a column", func(t *testing.T) {
		f := openExport(t)
		// 数据类型 of 姓名 and 公民身份号码 (both 字符型C); the resource's name down its five rows
		must(t, f.SetCellStr("信息资源目录", "M4", ""))
		must(t, f.MergeCell("信息资源目录", "M3", "M4"))
		for n := 4; n <= 7; n++ {
			must(t, f.SetCellStr("信息资源目录", "B"+strconv.Itoa(n), ""))
		}
		must(t, f.MergeCell("信息资源目录", "B3", "B7"))
		got, err := xlsx.Import(bytes.NewReader(saveBook(t, f)))
		if err != nil {
			t.Fatalf("Import: %v", app.FieldErrors(err))
		}
		if want := sampleCatalogue(); !reflect.DeepEqual(got, want) {
			t.Errorf("entries[0]:\n got %+v\nwant %+v", got.Entries[0], want.Entries[0])
		}
	})
	t.Run("across columns", func(t *testing.T) {
		f := openExport(t)
		must(t, f.SetCellStr("信息资源目录", "M5", ""))
		must(t, f.MergeCell("信息资源目录", "L5", "M6"))
		wantProblems(t, refused(t, saveBook(t, f)),
			[2]string{"信息资源目录!L5", "信息资源目录的 L5:M6 是合并单元格（第 5 至 6 行），跨“信息项名称”“数据类型”等列，无法确定其中的内容属于哪个单元格。请选中它，点“合并后居中”取消合并，再在每个单元格分别填写"})
	})
}

// templateHeader is the header of the widely circulated template: the
// classification split into 类, 项, 目, 细目; 资源提供方代码; 提供方内部部门;
// one column for the condition or the legal basis.
var templateHeader = []string{"类", "项", "目", "细目", "信息资源名称", "信息资源代码", "信息资源提供方", "资源提供方代码",
	"提供方内部部门", "信息资源摘要", "信息资源格式分类", "信息资源格式类型", "信息项名称", "数据类型", "数据长度",
	"共享类型", "共享条件/不予共享依据", "共享方式分类", "共享方式类型", "是否向社会开放", "更新周期"}

func templateRow(kv ...any) map[string]any {
	return with(map[string]any{
		"类": "1", "项": "01", "目": "001", "信息资源名称": "城关镇户籍人口信息", "信息资源代码": "101001/000001",
		"信息资源提供方": "霍邱县公安局", "资源提供方代码": "11341522003612345F", "提供方内部部门": "户政管理大队",
		"信息资源摘要": "城关镇户籍人口信息。", "信息资源格式分类": "数据库", "信息资源格式类型": "Dm", "信息项名称": "姓名",
		"数据类型": "字符型C", "数据长度": 50, "共享类型": "有条件共享", "共享条件/不予共享依据": "仅限政务部门使用",
		"共享方式分类": "共享平台方式", "共享方式类型": "接口", "是否向社会开放": "否", "更新周期": "每日",
	}, kv...)
}

// negativeSheet is a 负面清单 with a line for the resource of code.
func negativeSheet(code string) sheetSpec {
	cols := []string{"序号", "信息资源代码", "类别", "法律法规或政策依据"}
	return sheetSpec{"负面清单", cols, []any{toAny(cols), []any{1, code, "不予共享", "《社会救助家庭经济状况核对办法》第二十条"}}}
}

func TestImportCirculatedTemplate(t *testing.T) {
	data := mustBook(t, sheetSpec{"信息资源目录", templateHeader, []any{
		[]any{"信息资源分类", nil, nil, nil, "信息资源"},
		toAny(templateHeader),
		templateRow(),
		templateRow("信息项名称", "公民身份号码", "数据长度", 18),
		templateRow("类", "3", "项", "307", "目", "307001", "细目", "03", "信息资源名称", "城关镇低保对象核对信息",
			"信息资源代码", "30700103/000002", "提供方内部部门", nil, "信息资源摘要", "低保核对结果。", "共享类型", "不予共享",
			"共享条件/不予共享依据", "《社会救助家庭经济状况核对办法》第二十条", "共享方式分类", nil, "共享方式类型", nil,
			"信息项名称", "户主姓名", "更新周期", "每月"),
	}}, negativeSheet("30700103/000002"), infoSheet)
	got, err := xlsx.Import(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("Import: %v", app.FieldErrors(err))
	}
	want := []app.Resource{{
		Category: "101001", Sequence: "000001", Name: "城关镇户籍人口信息", ProviderName: "霍邱县公安局",
		ProviderCode: "11341522003612345F", Office: "户政管理大队", Abstract: "城关镇户籍人口信息。",
		FormatClass: app.FormatDatabase, FormatType: "301",
		Items:     []app.DataItem{{Name: "姓名", DataType: app.DataChar, Length: 50}, {Name: "公民身份号码", DataType: app.DataChar, Length: 18}},
		ShareType: app.ShareConditional, ShareCondition: "仅限政务部门使用", ShareModeClass: app.ShareViaPlatform,
		ShareModeType: app.ShareModeAPI, UpdateCycle: app.UpdateDaily,
	}, {
		Category: "30700103", Sequence: "000002", Name: "城关镇低保对象核对信息", ProviderName: "霍邱县公安局",
		ProviderCode: "11341522003612345F", Abstract: "低保核对结果。", FormatClass: app.FormatDatabase, FormatType: "301",
		Items:     []app.DataItem{{Name: "户主姓名", DataType: app.DataChar, Length: 50}},
		ShareType: app.ShareNone, ShareBasis: "《社会救助家庭经济状况核对办法》第二十条", UpdateCycle: app.UpdateMonthly,
	}}
	if !reflect.DeepEqual(got.Entries, want) {
		t.Errorf("entries:\n got %+v\nwant %+v", got.Entries, want)
	}
}

func TestImportCirculatedTemplateErrors(t *testing.T) {
	data := mustBook(t, sheetSpec{"信息资源目录", templateHeader, []any{
		toAny(templateHeader),
		templateRow("项", 1), // 01 typed into a General cell
		templateRow("信息资源代码", "101001/000002", "信息资源名称", "城关镇居住证信息", "目", "01", "共享条件/不予共享依据", nil),
		templateRow("信息资源代码", "101001/000003", "信息资源名称", "城关镇流动人口信息", "共享类型", "不予共享", "共享条件/不予共享依据", nil,
			"共享方式分类", nil, "共享方式类型", nil, "资源提供方代码", "１１３４１５２２００３６１２３４５Ｆ"),
	}}, negativeSheet("101001/000003"), infoSheet)
	wantProblems(t, refused(t, data),
		[2]string{"信息资源目录!B2", "第 2 行“项”是数字单元格“1”，项应为 2 位（如 01）：开头的 0 已被表格软件去掉"},
		[2]string{"信息资源目录!C3", "第 3 行“目”为“01”，目应为 3 位数字（如 001），或到该级为止的完整分类码"},
		[2]string{"信息资源目录!Q3", "第 3 行“共享条件”：资源“城关镇居住证信息”为有条件共享，请填写共享条件"},
		[2]string{"信息资源目录!Q4", "第 4 行“不予共享依据”：资源“城关镇流动人口信息”为不予共享，请填写法律法规或政策依据"},
	)
}

// testdata/libreoffice-csv-numbers.xlsx was written by LibreOffice 7.4
// (soffice --headless --convert-to xlsx 信息资源目录.csv): a catalogue row
// whose codes and date it read as numbers, as it does for a clerk typing
// them into General cells. 信息资源分类 101001 is a number cell and fine;
// 提供方代码 113415220036123456 was kept as 1.13415220036123E+017.
func TestImportLibreOfficeNumbers(t *testing.T) {
	data, err := os.ReadFile("testdata/libreoffice-csv-numbers.xlsx")
	must(t, err)
	fs := refused(t, data)
	if len(fs) == 0 || fs[0].Field != "信息资源目录!E2" ||
		!strings.Contains(fs[0].Message, "“信息资源提供方代码”为科学计数法“1.13415220036123E+017”") {
		t.Errorf("problems %v, want the 提供方代码 in E2 first", fs)
	}
	for _, fe := range fs[1:] {
		if fe.Field != "目录信息" { // the file has no 目录信息 sheet; nothing else is wrong
			t.Errorf("unexpected problem %s: %s", fe.Field, fe.Message)
		}
	}
}

// TestImportHoldsTheFilingLimits: Import took in what the filing's own
// limits refuse later — 1,200 resources, a cell of 25,000 characters —
// and the clerk learned it only at 提交, with no cell to look at. Import
// now refuses it and says where.
func TestImportHoldsTheFilingLimits(t *testing.T) {
	got := refused(t, mustExport(t, largeCatalogue(app.MaxListItems+1, 1)))
	wantProblems(t, got, [2]string{xlsx.SheetCatalogue, fmt.Sprintf("最多 %d 项（现有 %d 项）", app.MaxListItems, app.MaxListItems+1)})

	c := sampleCatalogue()
	c.Negatives[0].Basis = strings.Repeat("依", app.MaxLongText+1)
	got = refused(t, mustExport(t, c))
	wantProblems(t, got, [2]string{"负面清单!F2", fmt.Sprintf("不能超过 %d 个字", app.MaxLongText)})
}

// TestImportOneMessageACell (found in review): a 摘要 of 20,001
// characters was told both Validate's "不能超过 1000 个字" and the filing
// limit's "不能超过 20000 个字" at one cell. The cell keeps Validate's.
func TestImportOneMessageACell(t *testing.T) {
	c := sampleCatalogue()
	c.Entries[0].Abstract = strings.Repeat("户", app.MaxLongText+1)
	got := refused(t, mustExport(t, c))
	if len(got) != 1 || !strings.Contains(got[0].Message, "不能超过 1000 个字") {
		t.Fatalf("problems: %v", got)
	}
}

// TestSheetTextIsBounded (found from outside): a 10 KB workbook whose one
// shared string of 1 MB is named by two cells in each of 400 rows took
// 2 GB of the bureau's memory. The text a sheet keeps is bounded.
func TestSheetTextIsBounded(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	must(t, f.SetSheetName("Sheet1", xlsx.SheetRegister))
	for i, h := range []string{"系统名称", "建设单位", "建设内容/功能"} {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		must(t, f.SetCellValue(xlsx.SheetRegister, cell, h))
	}
	for r := 2; r < 2+40; r++ {
		must(t, f.SetCellValue(xlsx.SheetRegister, fmt.Sprintf("A%d", r), "PLACEHOLDER"))
		must(t, f.SetCellValue(xlsx.SheetRegister, fmt.Sprintf("C%d", r), "PLACEHOLDER"))
	}
	data := rewritePart(t, saveBook(t, f), "xl/sharedStrings.xml", "PLACEHOLDER", strings.Repeat("系", 1<<20/3))
	if _, err := xlsx.ReadRegister(bytes.NewReader(data), 2027); app.ErrorCode(err) != app.ETOOLARGE || !strings.Contains(err.Error(), "文字超过") {
		t.Fatalf("80 cells of one 1 MB shared string (%d bytes): %v", len(data), err)
	}
}
