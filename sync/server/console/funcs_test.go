package console

import (
	"html/template"
	"testing"

	"egovdesk/app"
)

// An amount in 万元 with more than two decimals says it in 元 as well.
func TestMoneyInYuanWhenFine(t *testing.T) {
	money := funcs["money"].(func(app.Money) string)
	for m, want := range map[app.Money]string{
		8500037:           "8.500037 万元（85000.37 元）",
		8510000:           "8.51 万元",
		app.Wans(120):     "120 万元",
		app.Wans(120) + 1: "120.000001 万元（1200000.01 元）",
	} {
		if got := money(m); got != want {
			t.Errorf("money(%d) = %q, want %q", m, got, want)
		}
	}
}

// A resource code breaks after its slash only (307001/000001 broke as
// 307001/00 | 0001 at 800 px); what is not a code is written escaped.
func TestCodeBreaksAfterItsSlashOnly(t *testing.T) {
	code := funcs["code"].(func(string) template.HTML)
	for in, want := range map[string]template.HTML{
		"307001/000001": `<span class="rescode">307001/<wbr>000001</span>`,
		"<b>/x&y":       `<span class="rescode">&lt;b&gt;/<wbr>x&amp;y</span>`,
		"307001":        `307001`,
		"<i>":           `&lt;i&gt;`,
	} {
		if got := code(in); got != want {
			t.Errorf("code(%q) = %q, want %q", in, got, want)
		}
	}
}

// A title quoted into the printed opinion's style sheet cannot end its
// string or its rule.
func TestCSSStringEscapes(t *testing.T) {
	for in, want := range map[string]string{
		`城关镇"平台`:     `"城关镇\22 平台"`,
		`a\b`:        `"a\5c b"`,
		"x\n} body{": `"x\a } body{"`,
		"</style>":   `"\3c /style\3e "`,
	} {
		if got := cssString(in); got != want {
			t.Errorf("cssString(%q) = %s, want %s", in, got, want)
		}
	}
}
