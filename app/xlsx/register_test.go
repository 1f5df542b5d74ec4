package xlsx_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"egovdesk/app"
	"egovdesk/app/xlsx"
)

// book writes sheets of rows, the first sheet hidden when hideFirst.
func book(t *testing.T, hideFirst bool, sheets map[string][][]string, order ...string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, name := range order {
		if i == 0 {
			f.SetSheetName("Sheet1", name)
		} else if _, err := f.NewSheet(name); err != nil {
			t.Fatal(err)
		}
		for r, row := range sheets[name] {
			cells := make([]any, len(row))
			for j, c := range row {
				cells[j] = c
			}
			cell, _ := excelize.CoordinatesToCellName(1, r+1)
			if err := f.SetSheetRow(name, cell, &cells); err != nil {
				t.Fatal(err)
			}
		}
	}
	if hideFirst {
		f.SetActiveSheet(1)
		if err := f.SetSheetVisible(order[0], false); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestReadRegister: the header found by name (aliases, other columns,
// title rows above), blank rows skipped, years as registers write them.
func TestReadRegister(t *testing.T) {
	data := book(t, false, map[string][][]string{"登记": {
		{"霍邱县已建信息系统登记表"},
		{},
		{"序号", "信息系统名称", "主管单位", "主要功能", "建成时间", "备注", "数据资源"},
		{"1", " 智慧城管平台 ", "城管局", "案件受理、派遣", "2019年", "", "案件数据"},
		{},
		{"2", "社保卡系统", "人社局", "社保卡申领", "2020-06", "停用"},
		{"3", "不动产登记", "自然资源局", "登记发证", "", ""},
		{"4", "一网通办", "数据局", "网上申报", "２０２１", ""},
	}}, "登记")
	got, err := xlsx.ReadRegister(bytes.NewReader(data), 2026)
	if err != nil {
		t.Fatal(err)
	}
	want := []app.ExistingSystem{
		{Name: "智慧城管平台", Owner: "城管局", Content: "案件受理、派遣", Data: "案件数据", Year: 2019},
		{Name: "社保卡系统", Owner: "人社局", Content: "社保卡申领", Year: 2020},
		{Name: "不动产登记", Owner: "自然资源局", Content: "登记发证"},
		{Name: "一网通办", Owner: "数据局", Content: "网上申报", Year: 2021},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d systems: %+v", len(got), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("system %d: %+v, want %+v", i, got[i], want[i])
		}
	}
}

// TestReadRegisterRefuses: every bad row named with what to fix, nothing
// returned; no header, a hidden sheet passed over, not a workbook.
func TestReadRegisterRefuses(t *testing.T) {
	data := book(t, false, map[string][][]string{"Sheet": {
		{"系统名称", "建设单位", "建设内容/功能", "建成年份"},
		{"甲系统", "", "功能", "2019"},
		{"乙系统", "某局", "功能", "1900"},
		{"丙系统", "某局", "功能", "2030"},
		{"丁系统", "某局", "", "19年"},
		{"戊系统", "某局", strings.Repeat("长", app.MaxSystemContent+1), ""},
		{"己系统", "某局", "功能", ""},
	}}, "Sheet")
	_, err := xlsx.ReadRegister(bytes.NewReader(data), 2026)
	if app.ErrorCode(err) != app.EINVALID {
		t.Fatalf("err = %v", err)
	}
	fields := app.FieldErrors(err)
	wants := [][2]string{
		{"第 2 行（甲系统）", "请填写建设单位"},
		{"第 3 行（乙系统）", "不在 1980 至 2026 之间"},
		{"第 4 行（丙系统）", "不在 1980 至 2026 之间"},
		{"第 5 行（丁系统）", "建成年份“19年”应为四位数字年份"},
		{"第 6 行（戊系统）", "建设内容/功能不能超过 5000 个字"},
	}
	if len(fields) != len(wants) || !strings.Contains(app.ErrorMessage(err), "有 5 行不合格") {
		t.Fatalf("problems: %v %+v", app.ErrorMessage(err), fields)
	}
	for i, w := range wants {
		if fields[i].Field != w[0] || !strings.Contains(fields[i].Message, w[1]) {
			t.Errorf("problem %d: %+v, want %s %s", i, fields[i], w[0], w[1])
		}
	}
	if strings.Contains(fields[3].Message, "请填写建设内容") == false {
		t.Errorf("丁系统 lacks its content problem: %s", fields[3].Message)
	}

	noHeader := book(t, false, map[string][][]string{"S": {{"名称", "单位"}, {"甲", "乙"}}}, "S")
	if _, err := xlsx.ReadRegister(bytes.NewReader(noHeader), 2026); app.ErrorCode(err) != app.EINVALID || !strings.Contains(app.ErrorMessage(err), "找不到含“系统名称”") {
		t.Errorf("no header: %v", err)
	}
	hidden := book(t, true, map[string][][]string{
		"旧表": {{"系统名称", "建设单位", "建设内容"}, {"旧系统", "某局", "旧功能"}},
		"新表": {{"系统名称", "建设单位", "建设内容"}, {"新系统", "某局", "新功能"}},
	}, "旧表", "新表")
	if got, err := xlsx.ReadRegister(bytes.NewReader(hidden), 2026); err != nil || len(got) != 1 || got[0].Name != "新系统" {
		t.Errorf("hidden sheet: %+v %v", got, err)
	}
	if _, err := xlsx.ReadRegister(strings.NewReader("PK not really"), 2026); app.ErrorCode(err) != app.EINVALID {
		t.Errorf("not a workbook: %v", err)
	}
	empty := book(t, false, map[string][][]string{"S": {{"系统名称", "建设单位", "建设内容"}}}, "S")
	if _, err := xlsx.ReadRegister(bytes.NewReader(empty), 2026); app.ErrorCode(err) != app.EINVALID || !strings.Contains(app.ErrorMessage(err), "没有系统") {
		t.Errorf("header only: %v", err)
	}
}

// TestRegisterTemplateReadsBack: the template's example row is a valid register.
func TestRegisterTemplateReadsBack(t *testing.T) {
	var buf bytes.Buffer
	if err := xlsx.RegisterTemplate(&buf); err != nil {
		t.Fatal(err)
	}
	got, err := xlsx.ReadRegister(&buf, 2026)
	if err != nil || len(got) != 1 || got[0].Year != 2022 || got[0].Name == "" {
		t.Fatalf("template: %+v %v", got, err)
	}
}
