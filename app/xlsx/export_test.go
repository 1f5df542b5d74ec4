package xlsx_test

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"egovdesk/app"
	"egovdesk/app/xlsx"
)

// sampleCatalogue returns the catalogue of a township project with
// resources of the county public security bureau, the town and the civil
// affairs bureau: each share type, six format classes, items of ten data
// types, and consistent 三清单. It passes Validate.
func sampleCatalogue() *app.Catalogue {
	return &app.Catalogue{
		Title:        "城关镇智慧社区综合服务平台政务数据共享资源目录",
		ProjectName:  "城关镇智慧社区综合服务平台",
		ProviderName: "霍邱县城关镇人民政府",
		ProviderCode: "113415220030123450",
		Entries: []app.Resource{{
			Category: "101001", Sequence: "000001", Name: "城关镇户籍人口信息",
			ProviderName: "霍邱县公安局", ProviderCode: "11341522003612345F", Office: "户政管理大队",
			Abstract:    "城关镇辖区户籍人口的姓名、身份号码、出生日期和户籍地址，用于社区居民服务事项办理。",
			FormatClass: app.FormatDatabase, FormatType: "301",
			Items: []app.DataItem{
				{Name: "姓名", DataType: app.DataChar, Length: 50},
				{Name: "公民身份号码", DataType: app.DataChar, Length: 18},
				{Name: "出生日期", DataType: app.DataDate},
				{Name: "户籍地址", DataType: app.DataChar, Length: 200},
				{Name: "联系电话", DataType: app.DataChar, Length: 20, ShareType: app.ShareNone, ShareBasis: "《中华人民共和国个人信息保护法》第十三条"},
			},
			ShareType: app.ShareConditional, ShareCondition: "仅限本县政务部门办理社区服务事项使用，须经县公安局审核",
			ShareModeClass: app.ShareViaPlatform, ShareModeType: app.ShareModeAPI,
			UpdateCycle: app.UpdateDaily, PublishDate: "2027-03-01", RelatedCodes: []string{"203001/000003", "101001/000004"},
		}, {
			Category: "307001", Sequence: "000002", Name: "城关镇社区网格事件信息",
			ProviderName: "霍邱县城关镇人民政府", ProviderCode: "113415220030123450", Office: "社会事务办公室",
			Abstract:    "网格员上报的社区事件及其办理情况。",
			FormatClass: app.FormatSpreadsheet, FormatType: "203",
			Items: []app.DataItem{
				{Name: "事件编号", DataType: app.DataChar, Length: 32},
				{Name: "事件类型", DataType: app.DataChar, Length: 20},
				{Name: "上报时间", DataType: app.DataDateTime},
				{Name: "处理时长", DataType: app.DataNumber, Length: 8},
				{Name: "是否办结", DataType: app.DataLogical},
			},
			ShareType: app.ShareUnconditional, ShareModeClass: app.ShareViaPlatform, ShareModeType: app.ShareModeFile,
			Open: true, OpenCondition: "按月公开汇总统计数据，不含个人信息", UpdateCycle: app.UpdateMonthly,
		}, {
			Category: "203001", Sequence: "000003", Name: "城关镇低保对象家庭经济状况核对信息",
			ProviderName: "霍邱县民政局", ProviderCode: "11341522003039876L",
			Abstract:    "低保申请家庭的收入、财产核对结果。",
			FormatClass: app.FormatDatabase, FormatType: "302",
			Items: []app.DataItem{
				{Name: "户主姓名", DataType: app.DataChar, Length: 50},
				{Name: "家庭人口数", DataType: app.DataInteger},
				{Name: "月人均收入", DataType: app.DataCurrency},
			},
			ShareType: app.ShareNone, ShareBasis: "《社会救助家庭经济状况核对办法》第二十条", UpdateCycle: app.UpdateMonthly,
		}, {
			Category: "101001", Sequence: "000004", Name: "霍邱县机动车驾驶人信息",
			ProviderName: "霍邱县公安局", ProviderCode: "11341522003612345F", Office: "交通警察大队",
			Abstract:    "本县机动车驾驶人的驾驶证、准驾车型和记分情况。",
			FormatClass: app.FormatDocument, FormatType: "108",
			Items: []app.DataItem{
				{Name: "驾驶证号", DataType: app.DataChar, Length: 18},
				{Name: "准驾车型", DataType: app.DataChar, Length: 10},
				{Name: "有效期至", DataType: app.DataDate},
				{Name: "累积记分", DataType: app.DataInteger},
				{Name: "照片", DataType: app.DataGeneral, ShareType: app.ShareNone, ShareBasis: "《机动车驾驶证申领和使用规定》第九十三条"},
			},
			ShareType: app.ShareConditional, ShareCondition: "经县公安局交警大队审批，仅用于交通违法处理",
			ShareModeClass: app.ShareViaPlatform, ShareModeType: app.ShareModeFile,
			UpdateCycle: app.UpdateWeekly, PublishDate: "2026-12-15",
		}, {
			Category: "212", Sequence: "5", Name: "城关镇应急物资储备信息",
			ProviderName: "霍邱县城关镇人民政府", ProviderCode: "113415220030123450",
			Abstract:    "镇级应急物资仓库的物资种类、数量和价格。",
			FormatClass: app.FormatOther, FormatType: "MySQL 8.0",
			Items: []app.DataItem{
				{Name: "物资名称", DataType: app.DataChar, Length: 100},
				{Name: "库存数量", DataType: app.DataFloat},
				{Name: "单价", DataType: app.DataDouble},
				{Name: "备注", DataType: app.DataMemo},
			},
			ShareType: app.ShareUnconditional, ShareModeClass: app.ShareViaMail,
			Open: true, OpenCondition: "公开物资种类和数量", UpdateCycle: app.UpdateIrregular,
		}, {
			Category: "30700103", Sequence: "000006", Name: "城关镇公共视频监控点位信息",
			ProviderName: "霍邱县公安局", ProviderCode: "11341522003612345F",
			Abstract:    "城关镇公共区域视频监控点位编号和位置。",
			FormatClass: app.FormatSelfDesc, FormatType: "GeoJSON",
			Items: []app.DataItem{
				{Name: "点位编号", DataType: app.DataChar, Length: 20},
				{Name: "点位坐标", DataType: app.DataChar, Length: 64},
			},
			ShareType: app.ShareConditional, ShareCondition: "仅限公安、应急部门使用", ShareModeClass: app.ShareViaMedia,
			UpdateCycle: app.UpdateHalfYearly, PublishDate: "2027-01-01",
		}},
		Demands: []app.Demand{
			{ResourceName: "企业登记信息", ResourceCode: "102001/000123", Items: []string{"统一社会信用代码", "企业名称"},
				Provider: "霍邱县市场监督管理局", Usage: app.UsageAPI, Frequency: app.UpdateDaily,
				Basis: "《优化营商环境条例》第三十七条", Scenario: "社区个体工商户帮办代办"},
			{ResourceName: "不动产登记信息", Provider: "霍邱县自然资源和规划局", Usage: app.UsageFile,
				Basis: "《不动产登记暂行条例》第二十七条", Scenario: "低保家庭财产核对"},
		},
		Duties: []app.Duty{
			{ResourceCode: "101001/000001", Items: []string{"姓名", "公民身份号码"}, Duty: "社区居民服务事项户籍核验",
				UpdateCycle: app.UpdateDaily, ShareType: app.ShareConditional, ShareModeClass: app.ShareViaPlatform, ShareModeType: app.ShareModeAPI,
				Owner: "张伟", Due: "2027-06-30"},
			{ResourceCode: "307001/000002", Duty: "网格事件数据汇聚", UpdateCycle: app.UpdateMonthly, ShareType: app.ShareUnconditional,
				ShareModeClass: app.ShareViaPlatform, ShareModeType: app.ShareModeFile, Owner: "王芳", Due: "2027-06-30"},
			{ResourceCode: "212/5", Duty: "应急物资台账报送", UpdateCycle: app.UpdateQuarterly, ShareType: app.ShareUnconditional,
				Owner: "李强", Due: "2027-12-31"},
		},
		Negatives: []app.Negative{
			{ResourceCode: "203001/000003", Category: app.NegativeNoShare, Basis: "《社会救助家庭经济状况核对办法》第二十条",
				ReviewDate: "2028-01-01", Alternative: "提供低保资格核验接口"},
			{ResourceCode: "101001/000001", Items: []string{"联系电话"}, Category: app.NegativeNoShare,
				Basis: "《中华人民共和国个人信息保护法》第十三条", Alternative: "提供手机号一致性核验接口"},
			{ResourceCode: "101001/000004", Items: []string{"照片"}, Category: app.NegativeNoShare,
				Basis: "《机动车驾驶证申领和使用规定》第九十三条"},
			{ResourceCode: "101001/000001", Category: app.NegativeNoOpen, Basis: "含个人信息，依《中华人民共和国个人信息保护法》不向社会开放"},
		},
	}
}

// mustExport returns c exported as workbook bytes.
func mustExport(tb testing.TB, c *app.Catalogue) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := xlsx.Export(&buf, c); err != nil {
		tb.Fatalf("Export: %v", err)
	}
	return buf.Bytes()
}

func TestSampleIsValid(t *testing.T) {
	if err := sampleCatalogue().Validate(); err != nil {
		t.Fatalf("sample catalogue does not validate: %v", err)
	}
}

func TestRoundTrip(t *testing.T) {
	want := sampleCatalogue()
	got, err := xlsx.Import(bytes.NewReader(mustExport(t, want)))
	if err != nil {
		t.Fatalf("Import: %v\n%v", err, app.FieldErrors(err))
	}
	if !reflect.DeepEqual(got, want) {
		for i := range min(len(got.Entries), len(want.Entries)) {
			if !reflect.DeepEqual(got.Entries[i], want.Entries[i]) {
				t.Errorf("entries[%d]:\n got %+v\nwant %+v", i, got.Entries[i], want.Entries[i])
			}
		}
		t.Fatalf("round trip differs:\n got %+v\nwant %+v", got, want)
	}
}

func TestExportLayout(t *testing.T) {
	f, err := excelize.OpenReader(bytes.NewReader(mustExport(t, sampleCatalogue())))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got, want := f.GetSheetList(), []string{"信息资源目录", "需求清单", "责任清单", "负面清单", "目录信息"}; !reflect.DeepEqual(got, want) {
		t.Errorf("sheets = %v, want %v", got, want)
	}
	if i := f.GetActiveSheetIndex(); i != 0 {
		t.Errorf("active sheet %d, want 信息资源目录", i)
	}
	cells := map[string]string{
		"A1": "信息资源", "K1": "信息项", "R1": "共享属性", "A2": "信息资源\n分类", "C2": "信息资源代码",
		"M2": "数据类型", "R2": "共享类型",
		// first resource, first item; the resource columns repeat on its fifth item (row 7)
		"C3": "101001/000001", "H3": "数据库", "I3": "达梦（DM）", "L3": "姓名", "M3": "字符型C", "N3": "50",
		"R3": "有条件共享", "U3": "共享平台方式", "V3": "接口", "W3": "否", "Y3": "每日", "Z3": "2027-03-01",
		"AA3": "203001/000003；101001/000004", "C7": "101001/000001", "O7": "不予共享",
		"H8": "电子表格", "I8": "xlsx", "W8": "是",
		"J21": "MySQL 8.0", "I21": "", "U21": "邮件方式", "V21": "", "Y21": "不定期",
	}
	for cell, want := range cells {
		if got, _ := f.GetCellValue("信息资源目录", cell); got != want {
			t.Errorf("信息资源目录!%s = %q, want %q", cell, got, want)
		}
	}
	panes, err := f.GetPanes("信息资源目录")
	if err != nil || !panes.Freeze || panes.YSplit != 2 {
		t.Errorf("panes = %+v, %v; want the two header rows frozen", panes, err)
	}
	dvs, err := f.GetDataValidations("信息资源目录")
	if err != nil {
		t.Fatal(err)
	}
	lists := make(map[string]string)
	for _, dv := range dvs {
		lists[dv.Sqref] = dv.Formula1
	}
	if got := lists["M3:M20002"]; got != `"字符型C,数值型N,货币型Y,日期型D,日期时间型T,逻辑型L,备注型M,通用型G,双精度型B,整型I,浮点型F"` {
		t.Errorf("数据类型 drop-down = %s", got)
	}
	if got := lists["R3:R20002"]; got != `"无条件共享,有条件共享,不予共享"` {
		t.Errorf("共享类型 drop-down = %s", got)
	}
	if len(dvs) != 9 {
		t.Errorf("%d drop-downs on the catalogue sheet, want 9", len(dvs))
	}
	if got, _ := f.GetCellValue("负面清单", "C3"); got != "城关镇户籍人口信息" {
		t.Errorf("负面清单!C3 = %q, want the resource name for the reader", got)
	}
	if got, _ := f.GetCellValue("目录信息", "B1"); got != "城关镇智慧社区综合服务平台政务数据共享资源目录" {
		t.Errorf("目录信息!B1 = %q", got)
	}
}

func TestExportResourceWithoutItems(t *testing.T) {
	c := sampleCatalogue()
	c.Entries[1].Items = nil
	f, err := excelize.OpenReader(bytes.NewReader(mustExport(t, c)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.GetRows("信息资源目录")
	if got, want := len(rows), 2+5+1+3+5+4+2; got != want {
		t.Errorf("%d rows, want %d: one row for the resource without items", got, want)
	}
	_, err = xlsx.Import(bytes.NewReader(mustExport(t, c)))
	if fs := app.FieldErrors(err); len(fs) != 1 || fs[0].Field != "信息资源目录!L8" {
		t.Errorf("Import = %v, want one problem at 信息资源目录!L8 (no items)", fs)
	}
}

// TestExportCellFormats checks what issue 17 found missing: code columns
// in the text format, on the cells written and on the rows a clerk adds
// below them (on the catalogue, 目录信息 and the lists); dates as date
// cells; borders and wrapping on data cells; the print setup.
func TestExportCellFormats(t *testing.T) {
	f, err := excelize.OpenReader(bytes.NewReader(mustExport(t, sampleCatalogue())), excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	style := func(sheet, cell string) *excelize.Style {
		t.Helper()
		id, err := f.GetCellStyle(sheet, cell)
		if err != nil {
			t.Fatal(err)
		}
		s, err := f.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	// A 信息资源分类, C 信息资源代码, E 提供方代码, AA 关联资源代码; row 3 written, row 500 blank
	for _, c := range []struct{ sheet, cell string }{
		{"信息资源目录", "A3"}, {"信息资源目录", "C3"}, {"信息资源目录", "E3"}, {"信息资源目录", "AA3"},
		{"信息资源目录", "A500"}, {"信息资源目录", "C500"}, {"信息资源目录", "E500"}, {"信息资源目录", "AA500"},
		{"目录信息", "B4"}, {"需求清单", "C2"}, {"需求清单", "C50"}, {"责任清单", "B50"}, {"负面清单", "B2"}, {"负面清单", "B50"},
	} {
		if s := style(c.sheet, c.cell); s.NumFmt != 49 {
			t.Errorf("%s!%s has number format %d, want 49 (text)", c.sheet, c.cell, s.NumFmt)
		}
	}
	for _, c := range []struct{ sheet, cell, serial string }{
		{"信息资源目录", "Z3", "46447"}, {"责任清单", "K2", "46568"}, {"负面清单", "G2", "46753"},
	} {
		if typ, _ := f.GetCellType(c.sheet, c.cell); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
			t.Errorf("%s!%s is a string cell, want a date", c.sheet, c.cell)
		}
		if v, _ := f.GetCellValue(c.sheet, c.cell); v != c.serial {
			t.Errorf("%s!%s = %q, want the date serial %s", c.sheet, c.cell, v, c.serial)
		}
		if s := style(c.sheet, c.cell); s.CustomNumFmt == nil || *s.CustomNumFmt != "yyyy-mm-dd" {
			t.Errorf("%s!%s has no yyyy-mm-dd format: %+v", c.sheet, c.cell, s)
		}
	}
	if s := style("信息资源目录", "Z500"); s.CustomNumFmt == nil || *s.CustomNumFmt != "yyyy-mm-dd" {
		t.Errorf("a blank 发布日期 cell below the data has no date format")
	}
	for _, cell := range []string{"G3", "S3", "O3", "A26"} { // 摘要, 共享条件, a blank cell in a data row, the last row
		s := style("信息资源目录", cell)
		if len(s.Border) != 4 || s.Alignment == nil || !s.Alignment.WrapText {
			t.Errorf("信息资源目录!%s: borders %v, alignment %+v; want four borders and wrapping", cell, s.Border, s.Alignment)
		}
	}
	if h, _ := f.GetRowHeight("信息资源目录", 3); h < 3*13 {
		t.Errorf("row 3 is %.1f pt high; its 共享条件 wraps to three lines", h)
	}
	for sheet, paper := range map[string]int{"信息资源目录": 8, "需求清单": 9, "责任清单": 9, "负面清单": 9} {
		l, err := f.GetPageLayout(sheet)
		if err != nil || l.Orientation == nil || *l.Orientation != "landscape" || l.Size == nil || *l.Size != paper ||
			l.FitToWidth == nil || *l.FitToWidth != 1 || l.FitToHeight == nil || *l.FitToHeight != 0 {
			t.Errorf("%s page layout %+v, %v; want landscape, paper %d, one page wide", sheet, l, err, paper)
		}
		p, _ := f.GetSheetProps(sheet)
		if p.FitToPage == nil || !*p.FitToPage {
			t.Errorf("%s: fit to page is off, so the fit width is ignored", sheet)
		}
	}
	titles := make(map[string]string)
	for _, d := range f.GetDefinedName() {
		if d.Name == "_xlnm.Print_Titles" {
			titles[d.Scope] = d.RefersTo
		}
	}
	if titles["信息资源目录"] != "'信息资源目录'!$1:$2" || titles["负面清单"] != "'负面清单'!$1:$1" {
		t.Errorf("print titles %v, want the header rows repeated", titles)
	}
	hf, err := f.GetHeaderFooter("信息资源目录")
	if err != nil || !strings.Contains(hf.OddHeader, "城关镇智慧社区综合服务平台政务数据共享资源目录") || !strings.Contains(hf.OddFooter, "第 &P 页，共 &N 页") {
		t.Errorf("header and footer %+v, %v; want the title and page numbers", hf, err)
	}
}

// TestExportLongCells: a 摘要 of 1,000 characters — the most Validate
// allows — made Export fail with excelize's "the height of the row must
// be less than or equal to 409 points", so a valid catalogue could not be
// exported. The row is as tall as a spreadsheet allows and the text is
// whole in its cell.
func TestExportLongCells(t *testing.T) {
	want := sampleCatalogue()
	want.Entries[0].Abstract = strings.Repeat("户", 1000)
	want.Negatives[0].Basis = strings.Repeat("依据《中华人民共和国个人信息保护法》第十三条。", 200)
	if err := want.Validate(); err != nil {
		t.Fatalf("the catalogue must be valid: %v", err)
	}
	got, err := xlsx.Import(bytes.NewReader(mustExport(t, want)))
	if err != nil {
		t.Fatalf("Import: %v\n%v", err, app.FieldErrors(err))
	}
	if got.Entries[0].Abstract != want.Entries[0].Abstract || got.Negatives[0].Basis != want.Negatives[0].Basis {
		t.Fatal("the long cells did not come back whole")
	}
}
