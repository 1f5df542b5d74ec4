package ui

import (
	"strings"
	"testing"
	"unicode"
)

// cells measures text as a terminal would: a Chinese character or full-width
// mark is two cells, anything else one.
func cells(s string) float32 {
	n := 0
	for _, r := range s {
		if wide(r) {
			n += 2
		} else {
			n++
		}
	}
	return float32(n)
}

func TestBreakLinesFollowsChineseTypesetting(t *testing.T) {
	for _, c := range []struct {
		name  string
		text  string
		width float32
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
		{"a word longer than a line is cut where it stops fitting",
			"指纹：3A1F009CD247B865102EFFA3", 12,
			[]string{"指纹：", "3A1F009CD247", "B865102EFFA3"}},
		{"line feeds break, and a paragraph keeps its indent",
			"第一行\n    缩进的第二行很长很长", 14,
			[]string{"第一行", "    缩进的第二", "行很长很长"}},
		{"no width: line feeds only",
			"一二三四五六七八九十\n二", 0,
			[]string{"一二三四五六七八九十", "二"}},
		{"a text that fits is one line", "已提交", 40, []string{"已提交"}},
		{"empty", "", 40, []string{""}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := breakLines(c.text, c.width, cells)
			if strings.Join(got, "|") != strings.Join(c.want, "|") {
				t.Errorf("breakLines(%q, %v):\n got %q\nwant %q", c.text, c.width, got, c.want)
			}
		})
	}
}

// Whatever the width, every line fits unless it is one character, no line
// starts with a mark that may not start one where another break was
// possible, and the lines put together are the text less the spaces at the
// breaks.
func TestBreakLinesKeepsTheTextAndTheWidth(t *testing.T) {
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
	for w := float32(1); w <= 80; w++ {
		lines := breakLines(text, w, cells)
		if got := squash(strings.Join(lines, "")); got != squash(text) {
			t.Fatalf("width %v: text changed:\n%s", w, got)
		}
		for i, l := range lines {
			if cells(l) > w && len([]rune(l)) > 1 {
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
