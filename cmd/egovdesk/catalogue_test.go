//go:build ci

package main

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"egovdesk/app"
)

// The clerk builds a catalogue: a resource typed field by field shows its
// code, the linked drop-downs follow the format class and the share mode,
// a consistency error (有条件共享 without a condition, 字符型C without a
// length) appears as it is made and clears when fixed; items are added to
// a virtualised table; a 负面清单 line picks the entry by its code.
func TestCatalogueEditorChecksAsTheClerkTypes(t *testing.T) {
	d, w := MustDesk(t)
	MustOffline(t, d, "yunan")
	d.ui.NewFiling(app.KindCatalogue)
	h := d.ui.Editor()
	c := h.Catalogue()
	if c == nil {
		t.Fatal("新建共享资源目录 did not open the catalogue editor")
	}
	test.Type(h.Entry("title"), "都城镇智慧社区项目政务数据共享资源目录")
	test.Type(h.Entry("provider_code"), "11445322007083123X")

	test.Tap(c.AddResourceButton())
	if c.Selected() != 0 {
		t.Fatalf("the new resource is not shown (selected %d)", c.Selected())
	}
	test.Type(h.Entry("entries[0].category"), "307001")
	test.Type(h.Entry("entries[0].sequence"), "000001")
	if got := c.ResourceCode(); !strings.Contains(got, "307001/000001") {
		t.Errorf("resource code line %q", got)
	}
	test.Type(h.Entry("entries[0].name"), "社区网格事件信息")
	test.Type(h.Entry("entries[0].abstract"), "网格员上报的社区事件及其处置情况")

	// Linked choices: 数据库 offers database types, and under 共享平台方式
	// only 数据库 or 接口.
	h.Select("entries[0].format_class").SetSelected("数据库")
	if got := strings.Join(c.FormatTypes(), ","); !strings.Contains(got, "KingbaseES") || strings.Contains(got, "pdf") {
		t.Errorf("format types under 数据库: %s", got)
	}
	h.Select("entries[0].format_type").SetSelected("KingbaseES")
	h.Select("entries[0].share_mode_class").SetSelected("共享平台方式")
	if got := strings.Join(c.ShareModeTypes(), ","); got != "数据库,接口" {
		t.Errorf("share mode types of a database = %s, want 数据库,接口", got)
	}
	h.Select("entries[0].share_mode_type").SetSelected("接口")
	h.Select("entries[0].format_class").SetSelected("电子表格")
	if got := strings.Join(c.ShareModeTypes(), ","); got != "文件" {
		t.Errorf("share mode types of a spreadsheet = %s, want 文件", got)
	}
	if f := h.Select("entries[0].share_mode_type"); f.Selected != "" {
		t.Errorf("接口 is still chosen for a spreadsheet: %q", f.Selected)
	}
	h.Select("entries[0].format_type").SetSelected("xlsx")
	h.Select("entries[0].share_mode_type").SetSelected("文件")
	h.Select("entries[0].update_cycle").SetSelected("每日")

	// 有条件共享 without a condition: the message appears at once, and goes.
	h.Select("entries[0].share_type").SetSelected("有条件共享")
	if msg := h.Message("entries[0].share_condition"); !strings.Contains(msg, "请填写共享条件") {
		t.Errorf("有条件共享 without a condition: message %q", msg)
	}
	test.Type(h.Entry("entries[0].share_condition"), "仅限社区治理用途，经审批后使用")
	if msg := h.Message("entries[0].share_condition"); msg != "" {
		t.Errorf("message after the condition: %q", msg)
	}

	// Items: a character item without a length, then with one.
	test.Tap(c.AddItemButton())
	name, typ, length, _ := c.ItemRow(0)
	if name == nil {
		t.Fatal("no row for item 1")
	}
	test.Type(name, "事件编号")
	typ.SetSelected("字符型C")
	if _, _, _, msg := c.ItemRow(0); !strings.Contains(msg, "请填写数据长度") {
		t.Errorf("字符型C without a length: row message %q", msg)
	}
	test.Type(length, "32")
	if _, _, _, msg := c.ItemRow(0); msg != "" {
		t.Errorf("row message after the length: %q", msg)
	}
	for i := 1; i < 300; i++ {
		test.Tap(c.AddItemButton())
		name, typ, _, _ := c.ItemRow(i)
		if name == nil {
			t.Fatalf("no row for item %d", i+1)
		}
		test.Type(name, fmt.Sprintf("字段%d", i))
		typ.SetSelected("整型I")
	}
	if n := c.ItemCount(); n != 300 {
		t.Errorf("%d items, want 300", n)
	}
	rows := 0
	walkAll(w.Content(), func(o fyne.CanvasObject) {
		if e, ok := o.(*widget.Entry); ok && e.PlaceHolder == "信息项名称" {
			rows++
		}
	})
	if rows == 0 || rows > 40 {
		t.Errorf("%d item rows on screen for 300 items: the table is not virtualised", rows)
	}
	if n, typ, _, _ := c.ItemRow(0); n == nil || n.Text != "事件编号" || typ.Selected != "字符型C" {
		t.Errorf("item 1 after scrolling back: %v", n)
	}

	// Reorder and remove rows.
	up, _, _ := c.ItemButtons(1)
	test.Tap(up)
	if n, _, _, _ := c.ItemRow(0); n == nil || n.Text != "字段1" {
		t.Errorf("after moving item 2 up, item 1 is %v", n)
	}
	_, down, _ := c.ItemButtons(0)
	test.Tap(down)
	_, _, del := c.ItemButtons(299)
	test.Tap(del)
	if n := c.ItemCount(); n != 299 {
		t.Errorf("%d items after removing one, want 299", n)
	}
	test.Tap(c.AddItemButton())
	name, typ, _, _ = c.ItemRow(299)
	test.Type(name, "字段299")
	typ.SetSelected("整型I")

	// 不予共享 has no share mode, needs a legal basis and cannot be open.
	h.Select("entries[0].share_type").SetSelected("不予共享")
	if c.ShareModeEnabled() || h.Select("entries[0].share_mode_class").Selected != "" {
		t.Error("不予共享 still offers a share mode")
	}
	if msg := h.Message("entries[0].share_basis"); !strings.Contains(msg, "法律法规或政策依据") {
		t.Errorf("不予共享 without a basis: message %q", msg)
	}
	test.Tap(h.Check("entries[0].open"))
	if msg := h.Message("entries[0].open"); !strings.Contains(msg, "不能向社会开放") {
		t.Errorf("不予共享 and open: message %q", msg)
	}
	test.Tap(h.Check("entries[0].open"))
	if msg := h.Message("entries[0].open"); msg != "" {
		t.Errorf("message after unticking 向社会开放: %q", msg)
	}
	h.Select("entries[0].share_type").SetSelected("有条件共享")
	h.Select("entries[0].share_mode_class").SetSelected("共享平台方式")
	h.Select("entries[0].share_mode_type").SetSelected("文件")

	// A 负面清单 line naming the entry by its code.
	test.Tap(c.AddListLineButton(2))
	code := h.Select("negatives[0].resource_code")
	if code == nil || len(code.Options) != 1 || !strings.HasPrefix(code.Options[0], "307001/000001") {
		t.Fatalf("code drop-down of the 负面清单: %v", code)
	}
	code.SetSelectedIndex(0)
	test.Type(h.Entry("negatives[0].items"), "事件编号")
	if msg := h.Message("negatives[0].basis"); !strings.Contains(msg, "法律法规") {
		t.Errorf("负面清单 line without basis: message %q", msg)
	}
	test.Type(h.Entry("negatives[0].basis"), "《个人信息保护法》第二十八条")

	d.eventually(t, "autosave", func() bool {
		f, err := d.store.Get(context.Background(), h.ID())
		return err == nil && len(f.Catalogue.Entries) == 1 && len(f.Catalogue.Entries[0].Items) == 300 &&
			f.Catalogue.Entries[0].Items[0].Name == "事件编号" && f.Catalogue.Entries[0].Items[299].Name == "字段299" &&
			len(f.Catalogue.Negatives) == 1 && f.Catalogue.Negatives[0].ResourceCode == "307001/000001"
	})
	t.Logf("problems left: %v", h.Problems())
}
