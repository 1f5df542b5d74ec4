package xlsx

import "testing"

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"2027-03-01", "2027-03-01", true},
		{" 2027/3/1 ", "2027-03-01", true},
		{"2027.3.1", "2027-03-01", true},
		{"2027年3月1日", "2027-03-01", true},
		{"２０２７－０３－０１", "2027-03-01", true},
		{"20270301", "2027-03-01", true},
		{"46082", "2026-03-01", true},
		{"46082.5", "2026-03-01", true},
		{"2027-02-29", "", false},
		{"2028-02-29", "2028-02-29", true},
		{"2027-13-01", "", false},
		{"0", "", false},
		{"NaN", "", false},
		{"1e9", "", false},
		{"明年", "", false},
		{"2027-03", "", false},
	}
	for _, tt := range tests {
		got, ok := parseDate(tt.in, false)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseDate(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
	if got, _ := parseDate("44620", true); got != "2026-03-01" {
		t.Errorf("1904 serial 44620 = %s, want 2026-03-01", got)
	}
}

func TestLookups(t *testing.T) {
	tests := []struct {
		l    lookup
		in   string
		want string
	}{
		{dataTypes, "字符型C", "C"}, {dataTypes, "字符型", "C"}, {dataTypes, "c", "C"}, {dataTypes, " 整型 I ", "I"},
		{shareTypes, "2", "2"}, {shareTypes, "有条件共享", "2"}, {shareTypes, "２", "2"}, {shareTypes, "不予共享 ", "3"},
		{formatClasses, "数据库", "3"}, {formatClasses, "3", "3"}, {formatClasses, "其他", "0"},
		{formatTypes["3"], "SQL Server", "308"}, {formatTypes["3"], "oracle", "307"}, {formatTypes["2"], "XLSX", "203"},
		{formatTypes["2"], "203", "203"}, {updateCycles, "每季度", "5"}, {shareModeClass, "共享平台", "1"},
		{demandUsages, "接口", "api"}, {negativeClasses, "不予开放", "not_open"},
	}
	for _, tt := range tests {
		if got, ok := tt.l.code(tt.in); !ok || got != tt.want {
			t.Errorf("code(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
		}
	}
	for _, bad := range []string{"文本", "", "字符", "4"} {
		if got, ok := shareTypes.code(bad); ok {
			t.Errorf("shareTypes.code(%q) = %q, want not found", bad, got)
		}
	}
	if _, ok := formatTypes["2"].code("doc"); ok {
		t.Error("doc is not a spreadsheet type")
	}
}

func TestHeaderKey(t *testing.T) {
	for in, want := range map[string]string{" 数据长度（必填项） ": "数据长度", "*共享类型": "共享类型", "信息资源名称*": "信息资源名称",
		"(备注)": "(备注)", "对应职责/事项": "对应职责/事项"} {
		if got := headerKey(in); got != want {
			t.Errorf("headerKey(%q) = %q, want %q", in, got, want)
		}
	}
}
