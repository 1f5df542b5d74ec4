package console

import (
	"html/template"
	"testing"
)

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
