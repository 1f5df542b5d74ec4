package console

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"egovdesk/app"
)

// Each row of the filing's page is named as a remark on it is named
// (app.RemarkLabel: the remarks tables, 办理记录, the clerk's banner): the
// remarks read 密码应用 · 方案摘要, 摘要 and 金额 beside rows called 密码应用方案摘要,
// 建设内容完成情况 and 本年度运维经费 (a 天宁 reviewer's walkthrough). A row
// may add its unit, and a row of two fields is named for both.
func TestDocumentNamesRowsAsTheirRemarks(t *testing.T) {
	data, err := os.ReadFile("templates/doc.html")
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]app.Kind{}
	for _, k := range app.AllKinds() {
		kinds[string(k)] = k
	}
	twoFields := map[string]bool{"trial_report.figures.users": true, "trial_report.figures.faults": true,
		"trial_report.performance.avg_response_ms": true, "trial_report.training.sessions": true,
		"declaration.confirmations": true} // 建设单位已确认: the items, not the field
	rows := regexp.MustCompile(`\(row \$c "([a-z_]+)\.([a-z_.]+)" "([^"]+)"`).FindAllStringSubmatch(string(data), -1)
	if len(rows) < 100 {
		t.Fatalf("%d rows found: the pattern no longer reads the template", len(rows))
	}
	for _, m := range rows {
		k, ok := kinds[m[1]]
		if !ok {
			t.Errorf("row %s.%s: unknown kind", m[1], m[2])
			continue
		}
		shown, remark := strings.TrimSuffix(strings.TrimSuffix(m[3], "（万元）"), "（毫秒）"), app.RemarkLabel(k, m[2])
		if shown != remark && !strings.HasSuffix(remark, " · "+shown) && !twoFields[m[1]+"."+m[2]] {
			t.Errorf("row %s.%s reads %q on the page, %q in a remark", m[1], m[2], m[3], remark)
		}
	}
}

// An attachment's material code this release does not know (a client of
// another release sent it) is said to be one, not shown bare.
func TestUnknownMaterialIsSaidToBeOne(t *testing.T) {
	label := funcs["materialLabel"].(func(string) string)
	if got := label("data_sharing"); got != "本系统未列明的材料（代码 data_sharing）" {
		t.Errorf("an unknown code: %q", got)
	}
	if got := label("contract"); got != app.MaterialLabel("contract") {
		t.Errorf("a known code: %q", got)
	}
}
