package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// BenchmarkParagraphLines breaks a long paragraph (an inbox message of
// 3,000 characters) at a new width, as a layout after a resize does.
func BenchmarkParagraphLines(b *testing.B) {
	test.NewTempApp(b)
	p := newParagraph(strings.Repeat("建设内容与县级网格化平台存在重复，请补充与县级平台对接的接口清单（见附件 3，2026-12-05）。", 60), widget.MediumImportance)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		p.lines(float32(500 + i%7))
	}
	b.ReportMetric(float64(len([]rune(p.Text))), "runes")
}
