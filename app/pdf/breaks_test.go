package pdf

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// fixed measures every rune as 1 wide, a CJK typesetter's grid.
func fixed(s string) float64 { return float64(utf8.RuneCountInString(s)) }

func TestWrapKinsoku(t *testing.T) {
	for _, c := range []struct {
		text  string
		width float64
		want  []string
	}{
		// 。 would start line 2: 会 comes down with it.
		{"我们开会。明天见", 4, []string{"我们开", "会。明天", "见"}},
		// two closing marks in a row: both stay with the character before.
		{"一二三四”。五六", 4, []string{"一二三", "四”。五", "六"}},
		// 《 would end line 1: it moves down.
		{"一二三《四五》六", 4, []string{"一二三", "《四五》", "六"}},
		// a Latin word is not cut; spaces vanish at a line end.
		{"采用 SM4-GCM 算法", 8, []string{"采用", "SM4-GCM", "算法"}},
		// a code may break after its slash.
		{"代码 101001/000001", 9, []string{"代码", "101001/", "000001"}},
		// a word wider than the line is cut by characters.
		{"0123456789", 4, []string{"0123", "4567", "89"}},
		{"", 4, []string{""}},
		{"甲\n乙", 4, []string{"甲", "乙"}},
	} {
		got := wrap(c.text, c.width, fixed)
		if strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("wrap(%q, %v) = %q, want %q", c.text, c.width, got, c.want)
		}
	}
}

// TestWrapNeverBreaksRules wraps a long text with punctuation everywhere at
// every width and checks each line against the rules and the width.
func TestWrapNeverBreaksRules(t *testing.T) {
	text := strings.Repeat("建设目标：建成覆盖全镇 12 个社区的网格化管理平台，“事件处置时限”缩短 30%。（见附件）《方案》、SM2/SM3！", 4)
	for width := 3.0; width <= 40; width++ {
		lines := wrap(text, width, fixed)
		if strings.ReplaceAll(strings.Join(lines, ""), " ", "") != strings.ReplaceAll(text, " ", "") {
			t.Fatalf("width %v: text changed: %q", width, lines)
		}
		for i, l := range lines {
			r, _ := utf8.DecodeRuneInString(l)
			last, _ := utf8.DecodeLastRuneInString(l)
			if i > 0 && closing(r) {
				t.Errorf("width %v: line %d starts with %q: %q", width, i, r, l)
			}
			if i < len(lines)-1 && opening(last) {
				t.Errorf("width %v: line %d ends with %q: %q", width, i, last, l)
			}
			if fixed(l) > width+2 { // 推出 may leave a line short, never much longer
				t.Errorf("width %v: line %d too wide: %q", width, i, l)
			}
		}
	}
}
