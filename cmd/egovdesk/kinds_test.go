//go:build ci

package main

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"egovdesk/app"
)

// fillAcceptance fills the open acceptance application as a clerk does and
// picks the first trial report.
func fillAcceptance(c *clerk) {
	c.tb.Helper()
	c.section("试运行")
	c.sel("试运行报告").SetSelectedIndex(0)
	c.section("基本信息")
	for label, v := range map[string]string{
		"立项批复（备案）文号": "霍数管〔2027〕12号", "合同金额（万元）": "165", "建设完成日期": "2027-09-30",
		"建设内容完成情况": "按批复和合同完成网格事件上报、分拨、督办等全部建设内容", "申请日期": "2027-11-20",
		"联系电话": "0564-6012345",
	} {
		retype(c.entry(label), v)
	}
	if c.entry("联系人").Text == "" {
		test.Type(c.entry("联系人"), "李梅")
	}
}

// attachMaterials attaches a PDF as each material of the open acceptance
// application, with the 附加文件… button in the material's row.
func attachMaterials(c *clerk, files *pickedFiles, codes ...string) {
	c.tb.Helper()
	dir := c.tb.TempDir()
	c.section("验收材料")
	for _, code := range codes {
		label := app.MaterialLabel(code)
		up := c.near(label, func(s string) bool { return s == label || strings.HasPrefix(s, label+"（必需）") }, "附加文件…")
		c.attach(files, pdf(c.tb, dir, label+".pdf"), up)
	}
}

// 新建材料 offers the four kinds; choosing one opens its editor.
func TestNewFilingMenuOffersEveryKind(t *testing.T) {
	d, w := MustDesk(t)
	MustOffline(t, d, "huoqiu")
	c := clerkOf(t, d)
	newBtn := find(t, w.Content(), "新建材料", func(b *widget.Button) bool { return b.Text == "新建材料" })
	for _, k := range app.Kinds {
		label := "新建" + k.Label()
		id := c.newFiling(func() {
			test.Tap(newBtn)
			top := w.Canvas().Overlays().Top()
			if top == nil {
				t.Fatal("no menu after 新建材料")
			}
			var item fyne.Tappable // the innermost tappable showing label: the menu item
			walkAll(top, func(o fyne.CanvasObject) {
				tp, ok := o.(fyne.Tappable)
				if !ok {
					return
				}
				if w, ok := o.(fyne.Widget); ok {
					walkAll(w, func(c fyne.CanvasObject) {
						if tx, ok := c.(*canvas.Text); ok && tx.Text == label {
							item = tp
						}
					})
				}
			})
			if item == nil {
				t.Fatalf("no %s in the menu", label)
			}
			item.Tapped(&fyne.PointEvent{})
			d.pump()
			if !c.editable() {
				t.Fatalf("%s opened no editor", label)
			}
		})
		f, err := d.store.Get(context.Background(), id)
		if err != nil || f.Kind != k {
			t.Fatalf("%s stored %+v, %v", label, f, err)
		}
	}
}
