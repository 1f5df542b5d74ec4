package linebreak

import (
	"strings"
	"testing"
	"unicode"
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
		got := Wrap(c.text, c.width, fixed)
		if strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("Wrap(%q, %v) = %q, want %q", c.text, c.width, got, c.want)
		}
	}
}

// TestWrapNeverBreaksRules wraps a long text with punctuation everywhere at
// every width and checks each line against the rules and the width.
func TestWrapNeverBreaksRules(t *testing.T) {
	text := strings.Repeat("建设目标：建成覆盖全镇 12 个社区的网格化管理平台，“事件处置时限”缩短 30%。（见附件）《方案》、SM2/SM3！", 4)
	for width := 3.0; width <= 40; width++ {
		lines := Wrap(text, width, fixed)
		if strings.ReplaceAll(strings.Join(lines, ""), " ", "") != strings.ReplaceAll(text, " ", "") {
			t.Fatalf("width %v: text changed: %q", width, lines)
		}
		for i, l := range lines {
			r, _ := utf8.DecodeRuneInString(l)
			last, _ := utf8.DecodeLastRuneInString(l)
			if i > 0 && Closing(r) {
				t.Errorf("width %v: line %d starts with %q: %q", width, i, r, l)
			}
			if i < len(lines)-1 && Opening(last) {
				t.Errorf("width %v: line %d ends with %q: %q", width, i, last, l)
			}
			if fixed(l) > width+2 { // 推出 may leave a line short, never much longer
				t.Errorf("width %v: line %d too wide: %q", width, i, l)
			}
		}
	}
}

// cells measures text as a terminal would: a Chinese character or full-width
// mark is two cells, anything else one.
func cells(s string) float64 {
	n := 0
	for _, r := range s {
		if r >= 0x2E80 {
			n += 2
		} else {
			n++
		}
	}
	return float64(n)
}

func TestWrapFollowsChineseTypesetting(t *testing.T) {
	for _, c := range []struct {
		name  string
		text  string
		width float64
		want  []string
	}{
		{"a comma does not start a line: the character before it goes down with it",
			"项目建设单位每年一月底前，报送运维情况", 24,
			[]string{"项目建设单位每年一月底", "前，报送运维情况"}},
		{"a full stop does not start a line",
			"请在截止日期前完成报送。谢谢", 22,
			[]string{"请在截止日期前完成报", "送。谢谢"}},
		{"a date is not cut in two",
			"年度运维情况备案截止2026-12-31（还有26天）", 28,
			[]string{"年度运维情况备案截止", "2026-12-31（还有26天）"}},
		{"an amount stays whole",
			"核定金额为1,234,567.89元", 16,
			[]string{"核定金额为", "1,234,567.89元"}},
		{"an opening title mark does not end a line",
			"依据《管理办法》", 6,
			[]string{"依据", "《管理", "办法》"}},
		{"a closing title mark does not start a line",
			"依据《政务信息化项目建设管理办法》第十条", 16,
			[]string{"依据《政务信息化", "项目建设管理办", "法》第十条"}},
		{"an ellipsis is not split and does not start a line",
			"材料尚未齐全……请补充", 13,
			[]string{"材料尚未齐", "全……请补充"}},
		{"English breaks at spaces and drops them",
			"The filing was received by the bureau", 12,
			[]string{"The filing", "was received", "by the", "bureau"}},
		{"a word longer than a line is cut by characters",
			"指纹：3A1F009CD247B865102EFFA3", 12,
			[]string{"指纹：3A1F00", "9CD247B86510", "2EFFA3"}},
		{"line feeds break, and a paragraph keeps its indent",
			"第一行\n    缩进的第二行很长很长", 14,
			[]string{"第一行", "    缩进的第二", "行很长很长"}},
		{"an indent of ideographic spaces is kept and counted",
			"\u3000\u3000一二三四五六", 12,
			[]string{"\u3000\u3000一二三四", "五六"}},
		{"no width: line feeds only",
			"一二三四五六七八九十\n二", 0,
			[]string{"一二三四五六七八九十", "二"}},
		{"a text that fits is one line", "已提交", 40, []string{"已提交"}},
		{"empty", "", 40, []string{""}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := Wrap(c.text, c.width, cells)
			if strings.Join(got, "|") != strings.Join(c.want, "|") {
				t.Errorf("Wrap(%q, %v):\n got %q\nwant %q", c.text, c.width, got, c.want)
			}
		})
	}
}

// Whatever the width, every line fits unless it is one character or ends
// with a closing mark hung past the end (悬挂, after a word as wide as the
// line), no line starts with a closing mark where another break was
// possible, and the lines put together are the text less the spaces at the
// breaks.
func TestWrapKeepsTheTextAndTheWidth(t *testing.T) {
	text := "根据《政务信息化项目管理办法》（2024年修订）第三十二条，项目建设单位应当于每年1月31日前报送上一年度运维情况；" +
		"逾期未报送的，数管局将予以通报。Contact the bureau at sgj@example.gov.cn if the receipt—a signed PDF—does not arrive……"
	squash := func(s string) string {
		return strings.Map(func(r rune) rune {
			if unicode.IsSpace(r) {
				return -1
			}
			return r
		}, s)
	}
	for w := 1.0; w <= 80; w++ {
		lines := Wrap(text, w, cells)
		if got := squash(strings.Join(lines, "")); got != squash(text) {
			t.Fatalf("width %v: text changed:\n%s", w, got)
		}
		for i, l := range lines {
			rs := []rune(l)
			body := l
			if last := rs[len(rs)-1]; Closing(last) {
				body = string(rs[:len(rs)-1])
			}
			if cells(body) > w && len([]rune(body)) > 1 {
				t.Errorf("width %v: line %d %q is %v wide", w, i, l, cells(l))
			}
			if l != strings.TrimSpace(l) {
				t.Errorf("width %v: line %d %q has spaces at an end", w, i, l)
			}
			if i > 0 && w >= 8 && strings.ContainsRune("，。、；：）》", []rune(l)[0]) {
				t.Errorf("width %v: line %d %q starts with a closing mark", w, i, l)
			}
		}
	}
}

// A character's marks stay with it: the variation selector that picks a
// rare character's glyph in a name, combining accents, an emoji's joiner.
// A lone carriage return ends a line as a line feed does.
func TestWrapKeepsMarksWithTheirCharacter(t *testing.T) {
	for _, c := range []struct {
		text  string
		width float64
		want  []string
	}{
		{"李\U0000845B\U000E0100明同志", 2, []string{"李", "\U0000845B\U000E0100", "明同", "志"}},
		{"e\u0301e\u0301e\u0301e\u0301", 4, []string{"e\u0301e\u0301", "e\u0301e\u0301"}},
		{"好👩\u200d💻好", 2, []string{"好", "👩\u200d💻", "好"}},
		{"甲\r乙", 4, []string{"甲", "乙"}},
	} {
		if got := Wrap(c.text, c.width, fixed); strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("Wrap(%+q, %v) = %+q, want %+q", c.text, c.width, got, c.want)
		}
	}
}
