package app_test

import (
	"testing"

	"egovdesk/app"
)

// A remark's field is named as the clerk and the reviewer know it, never by
// its JSON path.
func TestRemarkLabel(t *testing.T) {
	for path, want := range map[string]string{
		"goals":            "建设目标",
		"crypto.summary":   "密码应用 · 摘要",
		"budget[2].amount": "投资概算明细 第 3 行 · 金额",
		"contact.phone":    "联系人信息 · 联系电话",
	} {
		if got := app.RemarkLabel(path); got != want {
			t.Errorf("RemarkLabel(%q) = %q, want %q", path, got, want)
		}
	}
}
