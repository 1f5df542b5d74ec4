package app

import (
	"strings"
	"testing"
)

func TestCreditCodeProblem(t *testing.T) {
	// Real codes, as printed on the companies' business licences.
	for _, c := range []string{
		"91440300708461136T", // 华为技术有限公司
		"9144030071526726XG", // 深圳市腾讯计算机系统有限公司
		"914403001922038216", // 比亚迪股份有限公司
		"91110000802100433B", // 北京百度网讯科技有限公司
		"91110108551385082Q", // 北京小米科技有限责任公司
		"91330100799655058B",
		"11341522003064951U", // the demo unit's code
	} {
		if why := CreditCodeProblem(c); why != "" || !ValidCreditCode(c) {
			t.Errorf("CreditCodeProblem(%s) = %q, want valid", c, why)
		}
	}
	for _, tt := range []struct{ code, why string }{
		{"91440300708461163T", "校验位不符"},         // two digits swapped
		{"9144030071526762XG", "校验位不符"},         // two digits swapped
		{"914403001922038000", "校验位不符"},         // the last digits lost to a number cell (15 significant digits)
		{"91440300708461136A", "校验位不符"},         // wrong check character
		{"9144030070846113", "应为 18 位，现为 16 位"}, // truncated
		{"1.14403001922038E+17", "应为 18 位，现为 20 位"},
		{"", "应为 18 位，现为 0 位"},
		{"91440300708461136t", "第 18 位校验位不符"},
		{"9144030070846113IT", "第 17 位“I”不是统一社会信用代码使用的字符"},
		{"9144030O708461136T", "第 8 位“O”不是"},
		{"91440a00708461136T", "第 6 位“a”应为大写字母"},
		{"91A40300708461136T", "第 3 至 8 位应为登记管理机关的行政区划代码"},
		{"９1440300708461136T", "第 1 位“９”不是"},
	} {
		why := CreditCodeProblem(tt.code)
		if !strings.Contains(why, tt.why) || ValidCreditCode(tt.code) {
			t.Errorf("CreditCodeProblem(%q) = %q, want %q", tt.code, why, tt.why)
		}
	}
}

// A code typed through an input method in full-width mode, in small
// letters or in groups is read as the code it is; a name typed into the
// field is left as it was.
func TestNormalizeCode(t *testing.T) {
	for in, want := range map[string]string{
		"９１４４０３００７０８４６１１３６Ｔ": "91440300708461136T",
		"９1440300708461136t":       "91440300708461136T",
		" 9144 0300 7084 6113 6T ": "91440300708461136T",
		"９１４４０３　００７０８４６１１３６Ｔ":      "91440300708461136T",
		"３４１５２２":                   "341522",
		"JG-001":                   "JG-001",
		"１０１００１／０００１００":            "101001/000100",
	} {
		got, ok := NormalizeCode(in)
		if !ok || got != want {
			t.Errorf("NormalizeCode(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "   ", "霍邱县城关镇人民政府", "101001/000001 101001/000002", "１０１００１／０００００１　１０１００１／０００００２", "9144O3００7０８4611３6T号", "91.44"} {
		if got, ok := NormalizeCode(in); ok || got != in {
			t.Errorf("NormalizeCode(%q) = %q, %v; want it left as it was", in, got, ok)
		}
	}
}

// A phone number typed full-width keeps its groups; two numbers, or a
// number with words, are left as typed, never glued together.
func TestNormalizePhone(t *testing.T) {
	for in, want := range map[string]string{
		"１３９ １２３４ ５６７８":    "139 1234 5678",
		"０５６４－６０２１２３４":     "0564-6021234",
		"0564-6021234-801": "0564-6021234-801",
		" 0564 6021234 ":   "0564 6021234",
	} {
		if got, ok := NormalizePhone(in); !ok || got != want {
			t.Errorf("NormalizePhone(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"0564-6021234 13912345678", "13912345678 13812345678", "0564-6021234 ext 801", "0564-6021234转801", "（0564）6021234", ""} {
		if got, ok := NormalizePhone(in); ok || got != in {
			t.Errorf("NormalizePhone(%q) = %q, %v; want it left as typed", in, got, ok)
		}
	}
}
