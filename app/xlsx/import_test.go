package xlsx_test

import (
	"bytes"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"egovdesk/app"
	"egovdesk/app/xlsx"
)

// header is the catalogue sheet's header in Export's order, so that the
// cell references below read as in an exported workbook (M = 数据类型).
var header = []string{"信息资源分类", "信息资源名称", "信息资源代码", "信息资源提供方", "信息资源提供方代码", "内设科室",
	"信息资源摘要", "信息资源格式分类", "信息资源格式类型", "其他格式描述", "序号", "信息项名称", "数据类型", "数据长度",
	"信息项共享类型", "信息项共享条件", "信息项不予共享依据", "共享类型", "共享条件", "不予共享依据", "共享方式分类",
	"共享方式类型", "是否向社会开放", "开放条件", "更新周期", "发布日期", "关联资源代码"}

// sheetSpec is a sheet of a workbook built by a test: rows from row 1,
// each row either a []any or a map from a name of cols to a value.
type sheetSpec struct {
	name string
	cols []string
	rows []any
}

// mustBook builds a workbook from specs with excelize, as a unit's own
// spreadsheet would be, and returns its bytes.
func mustBook(tb testing.TB, specs ...sheetSpec) []byte {
	tb.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, s := range specs {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", s.name); err != nil {
				tb.Fatal(err)
			}
		} else if _, err := f.NewSheet(s.name); err != nil {
			tb.Fatal(err)
		}
		for n, r := range s.rows {
			cells, ok := r.([]any)
			if m, isMap := r.(map[string]any); isMap {
				cells = make([]any, len(s.cols))
				for j, c := range s.cols {
					cells[j] = m[c]
				}
				for c := range m {
					if !strings.Contains(strings.Join(s.cols, "|"), c) {
						tb.Fatalf("row %d: no column %q", n+1, c)
					}
				}
			} else if !ok {
				tb.Fatalf("row %d: %T", n+1, r)
			}
			if err := f.SetSheetRow(s.name, "A"+strconv.Itoa(n+1), &cells); err != nil {
				tb.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// resourceRow returns a valid first row of a database resource.
func resourceRow(code, name string) map[string]any {
	cat, _, _ := strings.Cut(code, "/")
	return map[string]any{
		"信息资源分类": cat, "信息资源名称": name, "信息资源代码": code, "信息资源提供方": "霍邱县公安局",
		"信息资源提供方代码": "11341522003612345F", "信息资源摘要": name + "，用于社区服务。",
		"信息资源格式分类": "数据库", "信息资源格式类型": "Dm", "信息项名称": "姓名", "数据类型": "字符型C", "数据长度": 50,
		"共享类型": "无条件共享", "共享方式分类": "共享平台方式", "共享方式类型": "接口", "是否向社会开放": "否", "更新周期": "每日",
	}
}

func with(m map[string]any, kv ...any) map[string]any {
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	return m
}

var infoSheet = sheetSpec{name: "目录信息", rows: []any{
	[]any{"目录名称", "城关镇智慧社区项目政务数据共享资源目录"},
	[]any{"信息资源提供方", "霍邱县城关镇人民政府"},
	[]any{"信息资源提供方代码", "113415220030123450"},
}}

func TestImportReportsEveryBadCell(t *testing.T) {
	data := mustBook(t,
		sheetSpec{"信息资源目录", header, []any{
			[]any{"城关镇资源目录（内部试填）"},
			toAny(header),
			resourceRow("101001/000001", "城关镇户籍人口信息"),
			with(resourceRow("101001/000001", "城关镇户籍人口信息"), "信息项名称", "性别", "数据类型", "文本", "数据长度", 2),
			with(resourceRow("101001/000002", "城关镇企业法人信息"), "共享类型", "有条件共享"),
			with(resourceRow("307001/000003", "城关镇社区网格事件信息"), "信息资源格式分类", "电子表格", "信息资源格式类型", "doc",
				"共享方式类型", "文件", "发布日期", "2027-02-30"),
			with(resourceRow("101001/000001", "城关镇户籍人口信息（副本）")),
		}},
		sheetSpec{"负面清单", []string{"序号", "信息资源代码", "类别", "法律法规或政策依据"}, []any{
			[]any{"序号", "信息资源代码", "类别", "法律法规或政策依据"},
			[]any{1, "101001/999999", "不予开放", "《中华人民共和国个人信息保护法》第十三条"},
		}},
		infoSheet,
	)
	c, err := xlsx.Import(bytes.NewReader(data))
	if c != nil {
		t.Errorf("Import returned a catalogue with %d entries; want nothing imported", len(c.Entries))
	}
	var e *app.Error
	if !errors.As(err, &e) || e.Code != app.EINVALID {
		t.Fatalf("Import error = %v, want an EINVALID *app.Error", err)
	}
	want := []struct{ field, msg string }{
		{"信息资源目录!M4", "第 4 行“数据类型”为“文本”，应为字符型C、数值型N、"},
		{"信息资源目录!S5", "第 5 行“共享条件”：资源“城关镇企业法人信息”为有条件共享，请填写共享条件"},
		{"信息资源目录!I6", "第 6 行“信息资源格式类型”为“doc”，不属于电子表格，应为et、xls、xlsx之一"},
		{"信息资源目录!Z6", "第 6 行“发布日期”为“2027-02-30”，不是有效的日期"},
		{"信息资源目录!C7", "第 7 行“信息资源代码”：资源代码“101001/000001”与第 1 条资源（第 3 行）重复"},
		{"负面清单!B2", "负面清单第 2 行“信息资源代码”：资源代码“101001/999999”不在本目录中"},
	}
	if len(e.Fields) != len(want) {
		t.Errorf("%d problems, want %d:", len(e.Fields), len(want))
	}
	for i, fe := range e.Fields {
		t.Logf("%s: %s", fe.Field, fe.Message)
		if i < len(want) && (fe.Field != want[i].field || !strings.Contains(fe.Message, want[i].msg)) {
			t.Errorf("problem %d = %s %q, want %s containing %q", i, fe.Field, fe.Message, want[i].field, want[i].msg)
		}
	}
	if !strings.Contains(e.Message, "未导入任何内容") {
		t.Errorf("message %q should say nothing was imported", e.Message)
	}
}

func TestImportTolerance(t *testing.T) {
	shuffled := []string{" 信息项名称 ", "数据类型", "信息资源名称", "信息资源代码", "备注（内部）", "信息资源分类",
		"信息资源提供方", "信息资源提供方代码", "信息资源摘要", "格式分类", "格式类型", "数据长度（必填项）", "*共享类型",
		"共享条件", "共享方式分类", "共享方式类型", "是否向社会开放", "更新周期", "发布日期", "开放条件"}
	data := mustBook(t,
		sheetSpec{"信息资源目录", shuffled, []any{
			[]any{"霍邱县城关镇政务信息资源目录"},
			[]any{},
			toAny(shuffled),
			// a name broken with Alt+Enter is one line; an abstract keeps its lines
			[]any{"姓名", "C", "城关镇户籍人口信息", " １０１００１／０００００１ ", "核对过", "101001", "霍邱县\r\n公安局",
				"11341522003612345F", "城关镇户籍人口信息。\n按月更新。", "3", "301", 50, "2", "仅限政务部门使用", "1", "3", "否", "2", 46082},
			// a merged-cell style continuation: resource cells left blank
			[]any{"公民身份号码", "字符型", "", "", "", "", "", "", "", "", "", "18.0"},
			[]any{"出生日期", "d"},
			[]any{"事件数量", "数值型N", "城关镇社区网格事件信息", "307001/000002", "", "", "霍邱县城关镇人民政府",
				"113415220030123450", "网格事件统计。", "电子表格", "XLSX", "", " 无条件共享 ", "", "共享平台", "文件", "是",
				"每月", "2027/3/1", "公开月度汇总"},
		}},
		infoSheet,
	)
	got, err := xlsx.Import(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("Import: %v\n%v", err, app.FieldErrors(err))
	}
	want := []app.Resource{{
		Category: "101001", Sequence: "000001", Name: "城关镇户籍人口信息", ProviderName: "霍邱县 公安局",
		ProviderCode: "11341522003612345F", Abstract: "城关镇户籍人口信息。\n按月更新。", FormatClass: app.FormatDatabase, FormatType: "301",
		Items: []app.DataItem{{Name: "姓名", DataType: app.DataChar, Length: 50}, {Name: "公民身份号码", DataType: app.DataChar, Length: 18},
			{Name: "出生日期", DataType: app.DataDate}},
		ShareType: app.ShareConditional, ShareCondition: "仅限政务部门使用", ShareModeClass: app.ShareViaPlatform,
		ShareModeType: app.ShareModeAPI, UpdateCycle: app.UpdateDaily, PublishDate: "2026-03-01",
	}, {
		Category: "307001", Sequence: "000002", Name: "城关镇社区网格事件信息", ProviderName: "霍邱县城关镇人民政府",
		ProviderCode: "113415220030123450", Abstract: "网格事件统计。", FormatClass: app.FormatSpreadsheet, FormatType: "203",
		Items:     []app.DataItem{{Name: "事件数量", DataType: app.DataNumber}},
		ShareType: app.ShareUnconditional, ShareModeClass: app.ShareViaPlatform, ShareModeType: app.ShareModeFile,
		Open: true, OpenCondition: "公开月度汇总", UpdateCycle: app.UpdateMonthly, PublishDate: "2027-03-01",
	}}
	if !reflect.DeepEqual(got.Entries, want) {
		t.Errorf("entries:\n got %+v\nwant %+v", got.Entries, want)
	}
	if got.Title != "城关镇智慧社区项目政务数据共享资源目录" || got.Demands != nil || got.Duties != nil || got.Negatives != nil {
		t.Errorf("catalogue = %+v", got)
	}
}

func TestImportLaterRowDiffers(t *testing.T) {
	data := mustBook(t,
		sheetSpec{"信息资源目录", header, []any{
			toAny(header),
			resourceRow("101001/000001", "城关镇户籍人口信息"),
			with(resourceRow("101001/000001", "城关镇户籍人口信息"), "信息项名称", "住址", "共享类型", "有条件共享", "共享条件", "经审批"),
		}},
		infoSheet,
	)
	_, err := xlsx.Import(bytes.NewReader(data))
	fs := app.FieldErrors(err)
	if len(fs) != 2 || fs[0].Field != "信息资源目录!R3" || fs[1].Field != "信息资源目录!S3" ||
		!strings.Contains(fs[0].Message, "与本资源第 2 行的“无条件共享”不一致") {
		t.Errorf("Import = %v, want 共享类型 and 共享条件 of row 3 reported", fs)
	}
}

func TestImportBadFiles(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		code string
		msg  string
	}{
		{"not a workbook", []byte("姓名,公民身份号码\n张三,3415"), app.EINVALID, "不是 Excel 工作簿"},
		{"empty", nil, app.EINVALID, "不是 Excel 工作簿"},
		{"no catalogue sheet", mustBook(t, sheetSpec{name: "Sheet1", rows: []any{[]any{"a"}}}), app.EINVALID, "没有“信息资源目录”工作表"},
		{"catalogue sheet of another name without header", mustBook(t, sheetSpec{name: "政务信息资源目录", rows: []any{[]any{"a"}}}), app.EINVALID, "“政务信息资源目录”工作表中找不到表头"},
		{"no header", mustBook(t, sheetSpec{name: "信息资源目录", rows: []any{[]any{"名称", "备注"}, []any{"x", "y"}}}), app.EINVALID, "找不到表头"},
		{"header lacks a column", mustBook(t, sheetSpec{name: "信息资源目录", rows: []any{toAny(header[:12]),
			[]any{"101001", "户籍人口", "101001/000001"}}}, infoSheet), app.EINVALID, "有 3 处需要修改，未导入任何内容；“信息资源目录”工作表第 1 行的表头缺少“数据类型”列"},
		{"too large", bytes.Repeat([]byte{'x'}, xlsx.MaxFileSize+1), app.ETOOLARGE, "超过 20 MB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := xlsx.Import(bytes.NewReader(tt.data))
			var e *app.Error
			if c != nil || !errors.As(err, &e) || e.Code != tt.code || !strings.Contains(e.Error(), tt.msg) {
				t.Errorf("Import = %v, %v; want %s containing %q", c, err, tt.code, tt.msg)
			}
		})
	}
}

func TestImportTooManyRows(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	if err := sw.SetRow("A1", toAny(header)); err != nil {
		t.Fatal(err)
	}
	for n := 2; n <= xlsx.MaxRows+2; n++ {
		if err := sw.SetRow("A"+strconv.Itoa(n), []any{"101001", "户籍人口", "101001/000001"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.SetSheetName("Sheet1", "信息资源目录"); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	_, err = xlsx.Import(&buf)
	if app.ErrorCode(err) != app.ETOOLARGE || !strings.Contains(app.ErrorMessage(err), "20000 行") {
		t.Errorf("Import = %v, want ETOOLARGE naming the limit", err)
	}
}

func TestImportCatalogueFieldsByCell(t *testing.T) {
	rows := []any{toAny(header), resourceRow("101001/000001", "城关镇户籍人口信息")}
	_, err := xlsx.Import(bytes.NewReader(mustBook(t, sheetSpec{"信息资源目录", header, rows})))
	fs := app.FieldErrors(err)
	if len(fs) != 3 || fs[0].Field != "目录信息" || !strings.Contains(fs[0].Message, "没有“目录信息”工作表") {
		t.Errorf("without 目录信息: %v, want title, provider and code reported on the missing sheet", fs)
	}
	info := sheetSpec{name: "目录信息", rows: []any{[]any{"目录名称", " "}, []any{"信息资源提供方", "霍邱县城关镇人民政府"},
		[]any{"信息资源提供方代码", "113415220030123450"}}}
	_, err = xlsx.Import(bytes.NewReader(mustBook(t, sheetSpec{"信息资源目录", header, rows}, info)))
	fs = app.FieldErrors(err)
	if len(fs) != 1 || fs[0].Field != "目录信息!B1" || !strings.HasPrefix(fs[0].Message, "目录信息第 1 行“目录名称”：请填写目录名称") {
		t.Errorf("blank title: %v, want 目录信息!B1", fs)
	}
}

// ImportDraft takes a workbook whose cells all read but whose catalogue is
// unfinished, listing what it needs by cell; one with a cell that does not
// read it refuses whole, as Import refuses both.
func TestImportDraftTakesAnUnfinishedWorkbook(t *testing.T) {
	unfinished := mustBook(t, sheetSpec{"信息资源目录", header, []any{toAny(header),
		with(resourceRow("101001/000002", "城关镇企业法人信息"), "共享类型", "有条件共享")}}, infoSheet)
	c, err := xlsx.ImportDraft(bytes.NewReader(unfinished))
	var e *app.Error
	if c == nil || len(c.Entries) != 1 || !errors.As(err, &e) || e.Code != app.EINVALID || !strings.Contains(e.Message, "已读取") ||
		len(e.Fields) != 1 || e.Fields[0].Field != "信息资源目录!S2" {
		t.Fatalf("ImportDraft of an unfinished workbook: %v, %+v", c, err)
	}
	if c, err := xlsx.Import(bytes.NewReader(unfinished)); c != nil || err == nil {
		t.Errorf("Import took an unfinished workbook")
	}
	unread := mustBook(t, sheetSpec{"信息资源目录", header, []any{toAny(header),
		with(resourceRow("101001/000002", "城关镇企业法人信息"), "共享类型", "有条件共享", "数据类型", "文本")}}, infoSheet)
	if c, err := xlsx.ImportDraft(bytes.NewReader(unread)); c != nil || err == nil || !strings.Contains(err.Error(), "未导入任何内容") {
		t.Errorf("ImportDraft of a workbook with a cell that does not read: %v, %v", c, err)
	}
}

// A cell past a filing's limit refuses a draft too, also when the cell keeps
// Validate's shorter message alone (found in review: a 摘要 of 25,000
// characters was imported as a draft, told only "不能超过 1000 个字").
func TestImportDraftRefusesACellPastTheLimits(t *testing.T) {
	long := mustBook(t, sheetSpec{"信息资源目录", header, []any{toAny(header),
		with(resourceRow("101001/000002", "城关镇企业法人信息"), "信息资源摘要", strings.Repeat("摘", app.MaxLongText+5000))}}, infoSheet)
	if c, err := xlsx.ImportDraft(bytes.NewReader(long)); c != nil || err == nil || !strings.Contains(err.Error(), "未导入任何内容") {
		t.Errorf("ImportDraft of a cell past the limits: %v, %v", c != nil, err)
	}
}
