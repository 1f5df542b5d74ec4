package ui

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"egovdesk/app"
	"egovdesk/app/apptest"
	"egovdesk/app/xlsx"
	"egovdesk/assets"
)

// The clerk types the total investment under 郁南县's rules and the panel
// follows: 120万 must be supervised (监理) and needs approval; 9.99万 is
// managed by the unit itself; what does not parse stays as typed with a
// Chinese message at the field, and every edit is stored without a save
// button.
func TestEditorFollowsTheProfileAsTheClerkTypes(t *testing.T) {
	x := newScreens(t, "yunan", nil)
	x.u.NewDeclaration()
	h := x.editor(t)

	total := h.entry("total_investment")
	test.Type(total, "120")
	panel := h.panel()
	for _, want := range []string{"须实行监理", "报县政务和数据局立项审批"} {
		if !strings.Contains(panel, want) {
			t.Errorf("total 120: panel lacks %q:\n%s", want, panel)
		}
	}
	if h.section() != "投资" {
		t.Errorf("typing the total shows section %q, want 投资", h.section())
	}

	retype(total, "9.99")
	panel = h.panel()
	if !strings.Contains(panel, "由建设单位自行管理") {
		t.Errorf("total 9.99: panel lacks the unit's own management:\n%s", panel)
	}
	if strings.Contains(panel, "须实行监理") {
		t.Errorf("total 9.99: panel still asks for supervision:\n%s", panel)
	}

	// A typo: kept as typed, explained at the field, and the amount
	// unknown: the last good one (12, typed before the letter o) went on
	// into the route and the checks, which a clerk read as 12 万元.
	retype(total, "12o")
	if total.Text != "12o" {
		t.Errorf("entry text = %q, want what was typed", total.Text)
	}
	if msg := h.message("total_investment"); !strings.Contains(msg, "已保留您输入的内容") {
		t.Errorf("message at the total = %q", msg)
	}
	if p := h.panel(); !strings.Contains(p, "填写总投资概算后显示审批路径") || strings.Contains(p, "12 万元") {
		t.Errorf("after 12o the route is still that of an amount:\n%s", p)
	}
	// The list of problems says why, as the field does: it said only
	// 无法识别 of “12.3456789” (小数位过多; a 霍邱 walkthrough).
	retype(total, "12.3456789")
	said := ""
	for _, p := range h.e.problems {
		if p.Field == "total_investment" {
			said = p.Message
		}
	}
	if !strings.Contains(said, "总投资概算") || !strings.Contains(said, "小数位过多") {
		t.Errorf("the problem list says of 12.3456789: %q", said)
	}
	retype(total, "120")
	if msg := h.message("total_investment"); msg != "" {
		t.Errorf("message after correcting = %q", msg)
	}

	// The budget: add a line, pick its category, type an amount; the running
	// total shows the difference against 总投资概算. Its column heads show
	// once it has a line (they stood over nothing).
	if h.e.budgetHead.Visible() || h.e.fundingHead.Visible() {
		t.Error("the budget's or funding's column heads show over no lines")
	}
	test.Tap(h.addBudgetLine())
	if !h.e.budgetHead.Visible() {
		t.Error("the budget's column heads hidden over a line")
	}
	h.sel("budget[0].category").SetSelectedIndex(3) // 软件开发费
	test.Type(h.entry("budget[0].name"), "平台软件开发")
	amount := h.entry("budget[0].amount")
	test.Type(amount, "1OO")
	if msg := h.message("budget[0].amount"); msg == "" {
		t.Error("no message under a budget amount that does not parse")
	}
	retype(amount, "100")
	if msg := h.message("budget[0].amount"); msg != "" {
		t.Errorf("message under a good amount: %q", msg)
	}
	// What the form asks beside the amount has boxes of its own (规格/参数,
	// 数量, 计算依据, 国产/信创): the client had none.
	test.Type(h.entry("budget[0].spec"), "微服务架构，8 个模块")
	test.Type(h.entry("budget[0].quantity"), "四")
	if msg := h.message("budget[0].quantity"); !strings.Contains(msg, "数量请填写整数") {
		t.Errorf("message under a quantity of 四: %q", msg)
	}
	if sum := h.e.budgetSum.Text; !strings.Contains(sum, "分项合计 100 万元") {
		t.Errorf("a quantity that is no number stopped the 分项合计: %q", sum)
	}
	retype(h.entry("budget[0].quantity"), "１２") // full-width, as an input method types it
	if msg := h.message("budget[0].quantity"); msg != "" {
		t.Errorf("message under a quantity of １２: %q", msg)
	}
	test.Type(h.entry("budget[0].basis"), "12 人月×8.33 万元")
	test.Tap(h.check("budget[0].domestic"))
	if !strings.Contains(h.panel(), "第三方测试") {
		t.Errorf("software development of 100万 needs third-party testing:\n%s", h.panel())
	}
	if !strings.Contains(h.panel(), "预算中尚无“工程监理费”") {
		t.Errorf("the panel does not say the budget lacks supervision:\n%s", h.panel())
	}

	// Autosave: no save button, the store has every edit within a second.
	x.saved(t, "autosave", func(f *app.Filing) bool {
		return f.Declaration.TotalInvestment == app.Wans(120) &&
			len(f.Declaration.Budget) == 1 && f.Declaration.Budget[0] == app.BudgetItem{Category: f.Declaration.Budget[0].Category,
			Name: "平台软件开发", Spec: "微服务架构，8 个模块", Quantity: 12, Amount: app.Wans(100), Basis: "12 人月×8.33 万元", Domestic: true}
	})
	x.eventually(t, "已自动保存", func() bool { return strings.HasPrefix(h.e.saved.Text, "已自动保存") })
}

// A problem with a table as a whole (no 投资明细 yet, 资金来源, 附件) takes the
// clerk to the table with the keyboard in it: its first input, or its add
// button while it is empty, so what is typed next goes somewhere.
func TestJumpToTableFocusesIt(t *testing.T) {
	x := newScreens(t, "huoqiu", nil)
	x.u.NewDeclaration()
	h := x.editor(t)
	w := x.w
	h.target("attachments")
	if b := buttonOf(w.Canvas().Focused()); b == nil || b.Text != "添加附件…" {
		t.Fatalf("after jumping to 附件 the focus is on %T %v, want the 添加附件… button", w.Canvas().Focused(), w.Canvas().Focused())
	}
	test.Tap(h.addBudgetLine())
	h.target("budget")
	if _, ok := w.Canvas().Focused().(*widget.Select); !ok {
		t.Fatalf("after jumping to 投资明细 with a row the focus is on %T, want the row's 费用类别", w.Canvas().Focused())
	}
}

// A problem of a catalogue item takes the keyboard to that item's input,
// across resources: the jump finds only the virtualised list, which the
// keyboard cannot enter (found in the real window).
func TestJumpToAnItemFocusesItsInput(t *testing.T) {
	x := newScreens(t, "yunan", nil)
	h := x.newEditor(t, app.KindCatalogue)
	c := h.catalogue()
	h.e.jump("entries")
	for e := range 2 {
		test.Tap(c.addEntry)
		for i := range 3 {
			test.Tap(c.items.add)
			name, typ, _, _ := shownItem(c, i)
			test.Type(name, fmt.Sprintf("字段%d-%d", e, i))
			typ.SetSelected("字符型C")
		}
	}
	x.w.Canvas().Focus(h.entry("title"))
	for _, c := range []struct{ path, field string }{
		{"entries[0].items[2].length", "length"},
		{"entries[1].items[1].name", "name"},
		{"entries[0].items[0].data_type", "data_type"},
	} {
		h.e.jump(c.path)
		x.eventually(t, "the focus on "+c.path, func() bool {
			name, typ, length, _ := shownItem(h.catalogue(), map[string]int{"entries[0].items[2].length": 2, "entries[1].items[1].name": 1, "entries[0].items[0].data_type": 0}[c.path])
			want := map[string]fyne.Focusable{"length": length, "name": name, "data_type": typ}[c.field]
			return want != nil && x.w.Canvas().Focused() == want
		})
	}
}

// The clerk builds a catalogue: a resource typed field by field shows its
// code, the linked drop-downs follow the format class and the share mode,
// a consistency error (有条件共享 without a condition, 字符型C without a
// length) appears as it is made and clears when fixed; items are added to
// a virtualised table; a 负面清单 line picks the entry by its code.
func TestCatalogueEditorChecksAsTheClerkTypes(t *testing.T) {
	x := newScreens(t, "yunan", nil)
	h := x.newEditor(t, app.KindCatalogue)
	c := h.catalogue()
	if c == nil {
		t.Fatal("新建共享资源目录 did not open the catalogue editor")
	}
	test.Type(h.entry("title"), "都城镇智慧社区项目政务数据共享资源目录")
	test.Type(h.entry("provider_code"), "11445322007083123G")

	h.e.jump("entries")
	test.Tap(c.addEntry)
	if c.cur != 0 {
		t.Fatalf("the new resource is not shown (selected %d)", c.cur)
	}
	test.Type(h.entry("entries[0].category"), "307001")
	test.Type(h.entry("entries[0].sequence"), "000001")
	if got := c.code.Text; !strings.Contains(got, "307001/000001") {
		t.Errorf("resource code line %q", got)
	}
	test.Type(h.entry("entries[0].name"), "社区网格事件信息")
	test.Type(h.entry("entries[0].abstract"), "网格员上报的社区事件及其处置情况")

	// Linked choices: 数据库 offers database types, and under 共享平台方式
	// only 数据库 or 接口.
	h.sel("entries[0].format_class").SetSelected("数据库")
	if got := strings.Join(c.fmtType.Options, ","); !strings.Contains(got, "KingbaseES") || strings.Contains(got, "pdf") {
		t.Errorf("format types under 数据库: %s", got)
	}
	h.sel("entries[0].format_type").SetSelected("KingbaseES")
	h.sel("entries[0].share_mode_class").SetSelected("共享平台方式")
	if got := strings.Join(c.modeTyp.Options, ","); got != "数据库,接口" {
		t.Errorf("share mode types of a database = %s, want 数据库,接口", got)
	}
	h.sel("entries[0].share_mode_type").SetSelected("接口")
	h.sel("entries[0].format_class").SetSelected("电子表格")
	if got := strings.Join(c.modeTyp.Options, ","); got != "文件" {
		t.Errorf("share mode types of a spreadsheet = %s, want 文件", got)
	}
	if f := h.sel("entries[0].share_mode_type"); f.Selected != "" {
		t.Errorf("接口 is still chosen for a spreadsheet: %q", f.Selected)
	}
	h.sel("entries[0].format_type").SetSelected("xlsx")
	h.sel("entries[0].share_mode_type").SetSelected("文件")
	h.sel("entries[0].update_cycle").SetSelected("每日")

	// 有条件共享 without a condition: the message appears at once, and goes.
	h.sel("entries[0].share_type").SetSelected("有条件共享")
	if msg := h.message("entries[0].share_condition"); !strings.Contains(msg, "请填写共享条件") {
		t.Errorf("有条件共享 without a condition: message %q", msg)
	}
	test.Type(h.entry("entries[0].share_condition"), "仅限社区治理用途，经审批后使用")
	if msg := h.message("entries[0].share_condition"); msg != "" {
		t.Errorf("message after the condition: %q", msg)
	}

	// Items: a character item without a length, then with one.
	test.Tap(c.items.add)
	name, typ, length, _ := shownItem(c, 0)
	if name == nil {
		t.Fatal("no row for item 1")
	}
	test.Type(name, "事件编号")
	typ.SetSelected("字符型C")
	if _, _, _, msg := shownItem(c, 0); !strings.Contains(msg, "请填写数据长度") {
		t.Errorf("字符型C without a length: row message %q", msg)
	}
	// A length that is no number is said once, not again with the
	// check's 信息资源 第 1 行 · 信息项 第 1 行 · 长度“abc”无法识别.
	test.Type(length, "abc")
	if _, _, _, msg := shownItem(c, 0); msg != "长度请填写整数，如 18" {
		t.Errorf("a length of abc: row message %q", msg)
	}
	length.SetText("")
	test.Type(length, "32")
	if _, _, _, msg := shownItem(c, 0); msg != "" {
		t.Errorf("row message after the length: %q", msg)
	}
	for i := 1; i < 300; i++ {
		test.Tap(c.items.add)
		name, typ, _, _ := shownItem(c, i)
		if name == nil {
			t.Fatalf("no row for item %d", i+1)
		}
		test.Type(name, fmt.Sprintf("字段%d", i))
		typ.SetSelected("整型I")
	}
	if n := itemCount(c); n != 300 {
		t.Errorf("%d items, want 300", n)
	}
	rows := 0
	walkRendered(x.w.Content(), func(o fyne.CanvasObject) {
		if e, ok := o.(*widget.Entry); ok && e.PlaceHolder == "信息项名称" {
			rows++
		}
	})
	if rows == 0 || rows > 40 {
		t.Errorf("%d item rows on screen for 300 items: the table is not virtualised", rows)
	}
	if n, typ, _, _ := shownItem(c, 0); n == nil || n.Text != "事件编号" || typ.Selected != "字符型C" {
		t.Errorf("item 1 after scrolling back: %v", n)
	}

	// Reorder and remove rows.
	up, _, _ := itemButtons(c, 1)
	test.Tap(up)
	if n, _, _, _ := shownItem(c, 0); n == nil || n.Text != "字段1" {
		t.Errorf("after moving item 2 up, item 1 is %v", n)
	}
	_, down, _ := itemButtons(c, 0)
	test.Tap(down)
	_, _, del := itemButtons(c, 299)
	test.Tap(del)
	if n := itemCount(c); n != 299 {
		t.Errorf("%d items after removing one, want 299", n)
	}
	test.Tap(c.items.add)
	name, typ, _, _ = shownItem(c, 299)
	test.Type(name, "字段299")
	typ.SetSelected("整型I")

	// 不予共享 has no share mode, needs a legal basis and cannot be open.
	h.sel("entries[0].share_type").SetSelected("不予共享")
	if !c.mode.Disabled() || h.sel("entries[0].share_mode_class").Selected != "" {
		t.Error("不予共享 still offers a share mode")
	}
	if msg := h.message("entries[0].share_basis"); !strings.Contains(msg, "法律法规或政策依据") {
		t.Errorf("不予共享 without a basis: message %q", msg)
	}
	test.Tap(h.check("entries[0].open"))
	if msg := h.message("entries[0].open"); !strings.Contains(msg, "不能向社会开放") {
		t.Errorf("不予共享 and open: message %q", msg)
	}
	test.Tap(h.check("entries[0].open"))
	if msg := h.message("entries[0].open"); msg != "" {
		t.Errorf("message after unticking 向社会开放: %q", msg)
	}
	h.sel("entries[0].share_type").SetSelected("有条件共享")
	h.sel("entries[0].share_mode_class").SetSelected("共享平台方式")
	h.sel("entries[0].share_mode_type").SetSelected("文件")

	// A 负面清单 line naming the entry by its code.
	test.Tap(showList(c, 2))
	code := h.sel("negatives[0].resource_code")
	if code == nil || len(code.Options) != 1 || !strings.HasPrefix(code.Options[0], "307001/000001") {
		t.Fatalf("code drop-down of the 负面清单: %v", code)
	}
	code.SetSelectedIndex(0)
	test.Type(h.entry("negatives[0].items"), "事件编号")
	if msg := h.message("negatives[0].basis"); !strings.Contains(msg, "法律法规") {
		t.Errorf("负面清单 line without basis: message %q", msg)
	}
	test.Type(h.entry("negatives[0].basis"), "《个人信息保护法》第二十八条")

	x.saved(t, "autosave", func(f *app.Filing) bool {
		return len(f.Catalogue.Entries) == 1 && len(f.Catalogue.Entries[0].Items) == 300 &&
			f.Catalogue.Entries[0].Items[0].Name == "事件编号" && f.Catalogue.Entries[0].Items[299].Name == "字段299" &&
			len(f.Catalogue.Negatives) == 1 && f.Catalogue.Negatives[0].ResourceCode == "307001/000001"
	})
	t.Logf("problems left: %v", h.e.problems)
}

// A trial that is too short says so at once, beside the dates and in the
// panel, and blocks the submission; a long enough one clears it.
func TestTrialReportTooShortBlocks(t *testing.T) {
	x := newScreens(t, "huoqiu", nil)
	h := x.newEditor(t, app.KindTrialReport)
	test.Type(h.entry("trial_start"), "2026-03-01") // a trial that has ended
	test.Type(h.entry("trial_end"), "2026-03-20")
	if p := h.panel(); !strings.Contains(p, "试运行期不足 1 个月，不能申请竣工验收") || strings.Contains(p, "还不满") {
		// 还不满 read as if the ended trial were still running (a walkthrough)
		t.Errorf("panel of a 19-day trial:\n%s", p)
	}
	if msg := h.message("trial_end"); !strings.Contains(msg, "不足 1 个月") {
		t.Errorf("message at the end date: %q", msg)
	}
	test.Tap(h.e.submit)
	if txt := x.dialogText(); !strings.Contains(txt, "不足 1 个月，不能申请竣工验收") {
		t.Errorf("the problem list does not block the short trial:\n%s", txt)
	}
	x.w.Canvas().Overlays().Top().Hide()

	retype(h.entry("trial_end"), "2026-04-01")
	if p := h.panel(); strings.Contains(p, "不足") || !strings.Contains(p, "已试运行满 1 个月") {
		t.Errorf("panel of a month's trial:\n%s", p)
	}
	if msg := h.message("trial_end"); strings.Contains(msg, "不足") {
		t.Errorf("message at the end date after the fix: %q", msg)
	}
	// A trial that ends after today is not shown as done.
	end := x.u.Now().AddDate(0, 1, 0).Format(time.DateOnly)
	retype(h.entry("trial_end"), end)
	if p := h.panel(); strings.Contains(p, "已试运行满") || !strings.Contains(p, "试运行到 "+end+" 才结束") {
		t.Errorf("panel of a trial ending next month:\n%s", p)
	}
}

// The acceptance application takes its trial period from the chosen trial
// report, which is its 试运行报告 material; a missing required material
// blocks 提交 and the problem list says which; attaching it with its 上传
// button marks it 已上传 and the application is queued.
func TestAcceptanceMissingMaterialBlocks(t *testing.T) {
	dir := t.TempDir()
	var paths []string
	for _, name := range []string{"合同.pdf", "试运行报告.pdf"} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("%PDF-1.4 "+name), 0o600); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	x := newScreens(t, "huoqiu", &pickedFiles{paths: paths})
	tr, err := app.NewFiling(app.KindTrialReport, "3c2b1a09-8f7e-4d6c-9b5a-000000000001", "3c2b1a09-8f7e-4d6c-9b5a-000000000002", "local", x.u.Now())
	if err != nil {
		t.Fatal(err)
	}
	tr.TrialReport = apptest.TrialReport()
	if _, err := tr.Submit(x.u.Now(), "陈晓"); err != nil {
		t.Fatal(err)
	}
	x.store.put(tr)

	h := x.newEditor(t, app.KindAcceptance)
	h.sel("trial_report_id").SetSelectedIndex(0)
	for path, v := range map[string]string{
		"approval_ref": "霍数管〔2027〕12号", "contract_amount": "165", "completed_on": "2027-09-30",
		"summary": "按批复和合同完成网格事件上报、分拨、督办等全部建设内容", "applied_on": "2027-11-20",
		"contact.phone": "0564-6012345",
	} {
		retype(h.entry(path), v)
	}
	if h.entry("contact.person").Text == "" {
		test.Type(h.entry("contact.person"), "李梅")
	}
	ac := h.acceptance()
	if txt := textOf(ac.checklist); !strings.Contains(txt, "合同（必需）") || !strings.Contains(txt, "缺少") ||
		!strings.Contains(txt, "所选的试运行报告（随系统报送，无需另附文件）") {
		t.Errorf("checklist:\n%s", txt)
	}
	test.Tap(h.e.submit)
	txt := x.dialogText()
	if !strings.Contains(txt, "缺少验收材料“合同”") || strings.Contains(txt, "缺少验收材料“试运行报告”") {
		t.Errorf("problem list does not name the missing material alone:\n%s", txt)
	}
	x.w.Canvas().Overlays().Top().Hide()

	for _, code := range []string{"contract", "trial_report"} {
		h.e.jump("materials." + code)
		b := ac.attachBtn[code]
		if b == nil || b.Disabled() {
			t.Fatalf("no 上传 button for %s", code)
		}
		test.Tap(b)
		x.eventually(t, "the question for "+code, func() bool { return strings.Contains(x.dialogText(), "附加这个文件？") })
		x.tapDialogButton(t, "附加")
		x.eventually(t, code+" attached", func() bool {
			return slices.ContainsFunc(h.e.f.Attachments, func(a app.Attachment) bool { return a.Material == code })
		})
	}
	if txt := textOf(ac.checklist); strings.Contains(txt, "缺少") || !strings.Contains(txt, "已附加：合同.pdf") {
		t.Errorf("checklist after attaching:\n%s", txt)
	}
	if len(h.e.problems) != 0 {
		t.Fatalf("problems left: %v", h.e.problems)
	}
	test.Tap(h.e.submit)
	x.tapDialogButton(t, "Yes", "是")
	x.eventually(t, "the submission", func() bool { return slices.Equal(x.store.queued(), []string{h.id()}) })
}

// 导入Excel: a file that does not read changes nothing and says why; a
// workbook that reads but is unfinished (a 共享条件 not written, a length
// missing) is imported, and what it still needs is listed by sheet, row and
// column (refused, the clerk had to finish it in Excel first); a good one
// replaces the entries.
func TestCatalogueExcelImport(t *testing.T) {
	dir := t.TempDir()
	bad := apptest.Catalogue()
	bad.Entries[0].ShareCondition = ""
	bad.Entries[0].Items[0].Length = 0
	garbage := filepath.Join(dir, "目录坏.xlsx")
	if err := os.WriteFile(garbage, []byte("not a workbook"), 0o600); err != nil {
		t.Fatal(err)
	}
	paths := []string{garbage}
	for i, c := range []*app.Catalogue{bad, apptest.Catalogue()} {
		var buf bytes.Buffer
		if err := xlsx.Export(&buf, c); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, fmt.Sprintf("目录%d.xlsx", i))
		if err := os.WriteFile(p, buf.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	x := newScreens(t, "huoqiu", &pickedFiles{paths: paths})
	h := x.newEditor(t, app.KindCatalogue)
	test.Type(h.entry("title"), "草稿目录")

	tapButton(t, x.w.Content(), "导入Excel…")
	x.eventually(t, "the error", func() bool { return strings.Contains(x.dialogText(), "目录保持不变") })
	x.w.Canvas().Overlays().Top().Hide()
	if h := x.editor(t); len(h.catalogue().c.Entries) != 0 || h.entry("title").Text != "草稿目录" {
		t.Errorf("a refused file changed the catalogue")
	}

	tapButton(t, x.w.Content(), "导入Excel…")
	x.eventually(t, "the list of what the import still needs", func() bool { return strings.Contains(x.dialogText(), "已导入，另有") })
	txt := x.dialogText()
	for _, want := range []string{"信息资源目录!", "共享条件", "数据长度", "可以在编辑器中直接修改"} {
		if !strings.Contains(txt, want) {
			t.Errorf("the list lacks %q:\n%s", want, txt)
		}
	}
	x.w.Canvas().Overlays().Top().Hide()
	if h := x.editor(t); len(h.catalogue().c.Entries) != 1 || h.catalogue().c.Entries[0].ShareCondition != "" {
		t.Fatalf("the unfinished workbook was not imported as it is")
	}

	x.editor(t).e.secList.Select(0) // 目录信息, where the Excel buttons are
	x.pump()
	tapButton(t, x.w.Content(), "导入Excel…")
	x.eventually(t, "the question", func() bool { return strings.Contains(x.dialogText(), "替换后不能撤销") })
	x.tapDialogButton(t, "替换")
	x.eventually(t, "the import", func() bool {
		return x.u.editor != nil && len(x.editor(t).catalogue().c.Entries) == 1 && x.editor(t).catalogue().c.Entries[0].ShareCondition != ""
	})
	h = x.editor(t)
	if got := h.entry("entries[0].name").Text; got != "城关镇社区网格事件信息" {
		t.Errorf("imported entry name %q", got)
	}
	x.saved(t, "saved", func(f *app.Filing) bool { return len(f.Catalogue.Entries) == 1 })

	// Importing over a catalogue that holds something asks first: 取消
	// keeps it, 替换 replaces it.
	h.catalogue().c.Entries[0].Name = "本机改过的资源"
	for _, answer := range []string{"取消", "替换"} {
		files := x.u.files.(*pickedFiles)
		files.paths = append(files.paths, paths[1])
		x.editor(t).e.secList.Select(0) // 目录信息, where the Excel buttons are
		x.pump()
		tapButton(t, x.w.Content(), "导入Excel…")
		x.eventually(t, "the question", func() bool { return strings.Contains(x.dialogText(), "替换后不能撤销") })
		x.tapDialogButton(t, answer)
		x.pump()
		name := x.editor(t).catalogue().c.Entries[0].Name
		if answer == "取消" && name != "本机改过的资源" || answer == "替换" && name != "城关镇社区网格事件信息" {
			t.Errorf("after %s: the first resource is %q", answer, name)
		}
	}
}

// 添加附件… asks the desktop's own dialog for materials only, refuses a file
// of another type (a log picked by a slip of the mouse) with a message, and
// attaches nothing before the clerk has seen the file and what it counts as.
func TestAttachmentIsShownBeforeItIsAttached(t *testing.T) {
	dir := t.TempDir()
	logFile := filepath.Join(dir, "sync.log")
	scan := filepath.Join(dir, "申请报告扫描件.PDF")
	for _, p := range []string{logFile, scan} {
		if err := os.WriteFile(p, []byte("%PDF-1.4 x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	files := &pickedFiles{paths: []string{logFile, scan, scan}}
	x := newScreens(t, "huoqiu", files)
	x.u.NewDeclaration()
	h := x.editor(t)
	add := h.target("attachments")
	stored := func() []app.Attachment {
		x.pump()
		if err := h.e.saver.flush(); err != nil {
			t.Fatal(err)
		}
		f := x.store.stored(h.id())
		if f == nil {
			t.Fatal("the new declaration was never stored")
		}
		return f.Attachments
	}

	tapButton(t, add, "添加附件…")
	x.eventually(t, "the type refusal", func() bool { return strings.Contains(x.dialogText(), "不是可选的文件类型") })
	if !strings.Contains(strings.Join(files.filter.Exts, " "), ".pdf") || !strings.Contains(strings.Join(files.filter.Exts, " "), ".ofd") {
		t.Errorf("the dialog offered %v, want PDF and OFD among them", files.filter.Exts)
	}
	x.tapDialogButton(t, "OK", "确定")

	tapButton(t, add, "添加附件…")
	x.eventually(t, "the question", func() bool { return strings.Contains(x.dialogText(), "申请报告扫描件.PDF") })
	if txt := x.dialogText(); !strings.Contains(txt, "作为") || !strings.Contains(txt, dir) {
		t.Errorf("the question does not say where the file is and what it counts as:\n%s", txt)
	}
	x.tapDialogButton(t, "取消", "Cancel")
	if n := len(stored()); n != 0 {
		t.Fatalf("%d attachments after 取消", n)
	}

	tapButton(t, add, "添加附件…")
	x.eventually(t, "the question again", func() bool { return strings.Contains(x.dialogText(), "申请报告扫描件.PDF") })
	x.tapDialogButton(t, "附加")
	x.eventually(t, "the attachment", func() bool { return len(stored()) == 1 })
	if a := stored()[0]; a.Name != "申请报告扫描件.PDF" || a.Material == "" {
		t.Fatalf("attached %+v, want the scan as a material", a)
	}
	// Each dialog after the first opens where the clerk last chose a file
	// (a clerk attaching five scans from one folder went to it from the
	// home folder each time; a 霍邱 walkthrough).
	if want := []string{"", dir, dir}; !slices.Equal(files.dirs, want) {
		t.Errorf("the dialogs started in %q, want %q", files.dirs, want)
	}
}

// Without a desktop dialog program the client falls back to Fyne's own file
// dialog, opened large over most of the window.
func TestFileDialogFallsBackToFyne(t *testing.T) {
	x := newScreens(t, "huoqiu", &pickedFiles{err: os.ErrNotExist})
	x.u.NewDeclaration()
	tapButton(t, x.editor(t).target("attachments"), "添加附件…")
	x.eventually(t, "Fyne's file dialog", func() bool { return x.w.Canvas().Overlays().Top() != nil })
	top := x.w.Canvas().Overlays().Top()
	if got, win := top.Size(), x.w.Canvas().Size(); got.Width < win.Width*0.8 || got.Height < win.Height*0.8 {
		t.Fatalf("Fyne's file dialog is %v in a window of %v, want most of it", got, win)
	}
}

// A declaration is made in the unit's own name: the editor says so at the
// credit code the clerk changed to another unit's, before the bureau
// would refuse it, and 提交 lists it.
func TestDeclarationInTheUnitsOwnName(t *testing.T) {
	const own, other = "44532200MB2C12345U", "11341522003064951U"
	if !app.ValidCreditCode(own) {
		t.Fatalf("%s is no valid credit code", own)
	}
	x := newScreensOf(t, "yunan", nil, own)
	x.u.NewDeclaration()
	h := x.editor(t)
	if got := h.entry("unit_credit_code").Text; got != own {
		t.Fatalf("the credit code starts as %q, want the unit's %s", got, own)
	}
	// and the region code as the credit code has it (its 3rd to 8th
	// characters; a 霍邱 clerk typed 341522 into every declaration)
	if got := h.entry("region_code").Text; got != own[2:8] {
		t.Errorf("the region code starts as %q, want %s, the credit code's", got, own[2:8])
	}
	retype(h.entry("unit_credit_code"), other)
	test.Tap(h.e.submit)
	if txt := x.dialogText(); !strings.Contains(txt, "不是本账号所属单位") || !strings.Contains(txt, "请改为 "+own) {
		t.Errorf("the problem list lacks the unit's own code:\n%s", txt)
	}
	x.w.Canvas().Overlays().Top().Hide()
	if msg := h.message("unit_credit_code"); !strings.Contains(msg, "不是本账号所属单位") {
		t.Errorf("message at the credit code: %q", msg)
	}
	retype(h.entry("unit_credit_code"), own)
	if msg := h.message("unit_credit_code"); strings.Contains(msg, "不是本账号所属单位") {
		t.Errorf("message after the fix: %q", msg)
	}
}

// The problem list is as tall as its problems, up to 380: two problems do
// not stand in a box made for a dozen; many scroll.
func TestProblemListFitsItsProblems(t *testing.T) {
	x := newScreens(t, "huoqiu", nil)
	x.u.NewDeclaration()
	h := x.editor(t)
	scrollOf := func() *container.Scroll {
		var sc *container.Scroll
		walkRendered(x.w.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
			if s, ok := o.(*container.Scroll); ok && sc == nil {
				sc = s
			}
		})
		return sc
	}
	test.Tap(h.e.submit)
	many := scrollOf()
	if many == nil || len(h.e.problems) < 10 || many.MinSize().Height != 380 {
		t.Fatalf("%d problems of an empty declaration: list %v", len(h.e.problems), many)
	}
	x.w.Canvas().Overlays().Top().Hide()
	h.e.problems = h.e.problems[:2]
	h.e.showProblemList()
	two := scrollOf()
	var want float32 = theme.Padding()
	for _, p := range two.Content.(*fyne.Container).Objects {
		want += p.(*tapLabel).heightFor(640)
	}
	if got := two.MinSize().Height; got != want || got >= 380 {
		t.Errorf("two problems in a list %v tall, want %v", got, want)
	}
}

// An item shared more strictly than its resource (身份证号 of a resource
// shared without condition) is set in its row: the check told the clerk to
// change the item's share type while only Excel could set it. Its own legal
// basis takes a second line, which a problem's jump reaches, and the line
// goes when the resource becomes as strict.
func TestItemShareTypeIsEditedInItsRow(t *testing.T) {
	x := newScreens(t, "yunan", nil)
	h := x.newEditor(t, app.KindCatalogue)
	c := h.catalogue()
	h.e.jump("entries")
	test.Tap(c.addEntry)
	h.sel("entries[0].share_type").SetSelected("无条件共享")
	for i, n := range []string{"姓名", "身份证号"} {
		test.Tap(c.items.add)
		name, typ, length, _ := shownItem(c, i)
		test.Type(name, n)
		typ.SetSelected("字符型C")
		test.Type(length, "18")
	}
	share, extra := shownItemShare(c, 1)
	if share == nil || share.Selected != "同资源" || extra.Visible() {
		t.Fatalf("a new item's share: %v, extra line shown", share)
	}
	share.SetSelected("不予共享")
	x.eventually(t, "the basis line", func() bool {
		_, extra := shownItemShare(c, 1)
		return extra.Visible() && strings.Contains(extra.PlaceHolder, "依据")
	})
	x.eventually(t, "the missing basis named", func() bool {
		_, _, _, msg := shownItem(c, 1)
		return strings.Contains(msg, "信息项“身份证号”为不予共享，请填写法律法规或政策依据")
	})
	x.w.Canvas().Focus(h.entry("title"))
	h.e.jump("entries[0].items[1].share_basis")
	x.eventually(t, "the keyboard on the basis", func() bool {
		_, extra := shownItemShare(c, 1)
		return x.w.Canvas().Focused() == fyne.Focusable(extra)
	})
	_, extra = shownItemShare(c, 1)
	test.Type(extra, "《居民身份证法》第十九条")
	x.eventually(t, "the basis problem gone, the 负面清单 one named", func() bool {
		_, _, _, msg := shownItem(c, 1)
		return !strings.Contains(msg, "请填写法律法规或政策依据") && strings.Contains(msg, "须列入负面清单")
	})
	if _, e := shownItemShare(c, 0); e.Visible() {
		t.Errorf("the other item shows a basis line")
	}
	x.saved(t, "the item's share type and basis", func(f *app.Filing) bool {
		if f.Catalogue == nil || len(f.Catalogue.Entries) != 1 || len(f.Catalogue.Entries[0].Items) != 2 {
			return false // an autosave from before the second item
		}
		it := f.Catalogue.Entries[0].Items[1]
		return it.ShareType == app.ShareNone && it.ShareBasis == "《居民身份证法》第十九条" && f.Catalogue.Entries[0].Items[0].ShareType == ""
	})
	h.sel("entries[0].share_type").SetSelected("不予共享")
	if _, e := shownItemShare(c, 1); e.Visible() {
		t.Errorf("the basis line stays when the resource is as strict as the item")
	}
}

// A 责任清单 line's resource, once picked, brings the catalogue entry's 更新
// 周期, 共享类型 and 共享方式 into what the line left blank: the clerk typed
// them twice, and a line left differing went unnoticed. A choice already
// made is kept.
func TestDutyTakesItsResourcesSettings(t *testing.T) {
	x := newScreens(t, "yunan", nil)
	h := x.newEditor(t, app.KindCatalogue)
	c := h.catalogue()
	h.e.jump("entries")
	for _, code := range []string{"307001", "307002"} {
		test.Tap(c.addEntry)
		n := c.cur
		p := fmt.Sprintf("entries[%d].", n)
		test.Type(h.entry(p+"category"), code)
		test.Type(h.entry(p+"sequence"), "000001")
		test.Type(h.entry(p+"name"), "社区网格事件信息"+code)
		h.sel(p + "format_class").SetSelected("数据库")
		h.sel(p + "share_type").SetSelected("有条件共享")
		h.sel(p + "share_mode_class").SetSelected("共享平台方式")
		h.sel(p + "share_mode_type").SetSelected("接口")
		h.sel(p + "update_cycle").SetSelected("每月")
	}
	add := showList(c, 1)
	test.Tap(add)
	test.Tap(add)
	h.sel("duties[1].share_type").SetSelected("不予共享") // chosen before the resource
	for i := range 2 {
		code := h.sel(fmt.Sprintf("duties[%d].resource_code", i))
		if code == nil || len(code.Options) != 2 {
			t.Fatalf("duty %d's resource drop-down: %v", i, code)
		}
		code.SetSelectedIndex(i)
	}
	d := c.c.Duties
	if d[0].UpdateCycle != app.UpdateCycle(c.c.Entries[0].UpdateCycle) || d[0].ShareType != app.ShareConditional ||
		d[0].ShareModeClass != app.ShareViaPlatform || d[0].ShareModeType != c.c.Entries[0].ShareModeType || d[0].ShareModeType == "" {
		t.Errorf("duty 1 after picking its resource: %+v", d[0])
	}
	if got := h.sel("duties[0].update_cycle").Selected; got != "每月" {
		t.Errorf("duty 1 shows 更新周期 %q", got)
	}
	if got := h.sel("duties[0].share_mode_type").Selected; got != "接口" {
		t.Errorf("duty 1 shows 共享方式类型 %q", got)
	}
	if d[1].ShareType != app.ShareNone || h.sel("duties[1].share_type").Selected != "不予共享" {
		t.Errorf("duty 2's own share type was replaced: %+v", d[1])
	}
	// Another resource picked replaces what the first one filled in (found
	// in review), and still not what the clerk chose.
	c.c.Entries[1].UpdateCycle = app.UpdateCycle(app.UpdateCycleChoices[0].Code)
	h.sel("duties[0].resource_code").SetSelectedIndex(1)
	if got := h.sel("duties[0].update_cycle").Selected; d[0].UpdateCycle != c.c.Entries[1].UpdateCycle || got != app.UpdateCycleChoices[0].Label {
		t.Errorf("duty 1 after picking another resource: %+v, shows %q", d[0], got)
	}
	h.sel("duties[1].resource_code").SetSelectedIndex(0)
	if d[1].ShareType != app.ShareNone {
		t.Errorf("duty 2's own share type was replaced on a second pick: %+v", d[1])
	}
}

// A submitted filing shows no buttons that add or remove (添加资源, 删除资源,
// 添加信息项, a list line's 删除, 添加附件…): greyed, they did nothing. The
// catalogue's side panel no longer heads its note 需要修改.
func TestReadOnlyFilingShowsNoEditButtons(t *testing.T) {
	x := newScreens(t, "yunan", nil)
	f, err := app.NewFiling(app.KindCatalogue, "5d2b1a09-8f7e-4d6c-9b5a-0000000000c1", "5d2b1a09-8f7e-4d6c-9b5a-0000000000c2", "local", x.u.Now().AddDate(0, -1, 0))
	if err != nil {
		t.Fatal(err)
	}
	f.Catalogue = apptest.Catalogue()
	if _, err := f.Submit(x.u.Now().AddDate(0, 0, -3), "陈晓"); err != nil {
		t.Fatal(err)
	}
	x.store.put(f)
	x.u.OpenFiling(f.ID)
	x.eventually(t, "the catalogue open", func() bool { return x.u.editor != nil && x.u.editor.f.ID == f.ID })
	h := x.editor(t)
	c := h.catalogue()
	if h.e.editable {
		t.Fatal("a submitted catalogue is editable")
	}
	var shown []string
	var text strings.Builder
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if !o.Visible() {
			return
		}
		if b := buttonOf(o); b != nil {
			for _, s := range []string{"添加", "删除", "导入Excel"} {
				if strings.Contains(b.Text, s) {
					shown = append(shown, b.Text)
				}
			}
			return
		}
		if s, ok := shownString(o); ok {
			text.WriteString(s + "\n")
		}
		switch v := o.(type) {
		case *fyne.Container:
			for _, c := range v.Objects {
				walk(c)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(v).Objects() {
				walk(c)
			}
		}
	}
	for _, path := range []string{"entries", "demands", "duties", "negatives", "attachments"} {
		h.e.jump(path)
		walk(x.w.Content())
	}
	for _, b := range []*Button{c.addEntry, c.remove, c.items.add} {
		if b.Visible() {
			shown = append(shown, b.Text)
		}
	}
	if _, _, del := itemButtons(c, 0); del != nil && del.Visible() && c.items.rows[0].buttons.Visible() {
		shown = append(shown, "信息项的删除")
	}
	if len(shown) > 0 {
		t.Errorf("a read-only catalogue shows %v", shown)
	}
	if strings.Contains(text.String(), "需要修改") {
		t.Errorf("the side panel of a read-only catalogue says 需要修改")
	}
}

// An application naming a trial report that is still a draft says so and
// is not submitted: the bureau refuses one naming a report it does not
// hold, and the clerk learnt it only from the refusal.
func TestAcceptanceNamingADraftTrialReportWaits(t *testing.T) {
	for _, revised := range []bool{false, true} { // a first draft; a revision after a return
		x := newScreens(t, "huoqiu", nil)
		tr, err := app.NewFiling(app.KindTrialReport, "3c2b1a09-8f7e-4d6c-9b5a-000000000011", "3c2b1a09-8f7e-4d6c-9b5a-000000000012", "local", x.u.Now())
		if err != nil {
			t.Fatal(err)
		}
		tr.TrialReport = apptest.TrialReport()
		tr.TrialReport.TrialEnd = tr.TrialReport.TrialStart // too short: a problem of the check's and a live one
		if revised {
			if _, err := tr.Submit(x.u.Now(), "陈晓"); err != nil {
				t.Fatal(err)
			}
			if _, err := tr.Decide(x.u.Now(), "王审核", app.RoleReviewer, app.ActionReturn, "请补充"); err != nil {
				t.Fatal(err)
			}
			if err := tr.Revise("3c2b1a09-8f7e-4d6c-9b5a-000000000013", x.u.Now()); err != nil {
				t.Fatal(err)
			}
		}
		x.store.put(tr)
		x.u.NewFiling(app.KindAcceptance)
		h := x.editor(t)
		h.sel("trial_report_id").SetSelectedIndex(0)
		if !slices.ContainsFunc(h.e.problems, func(p app.FieldError) bool {
			return p.Field == "trial_report_id" && strings.Contains(p.Message, "尚未提交")
		}) {
			t.Fatalf("revised %v: problems: %v", revised, h.e.problems)
		}
		// The panel beside the form says so too, not ✓ 试运行报告 (found
		// in the real window), and lists it with what else is to mend.
		x.pump()
		panel := textOf(h.acceptance().summary)
		if strings.Contains(panel, "✓ 试运行报告") || !strings.Contains(panel, "⚠ 试运行报告（未提交）") ||
			!strings.Contains(panel, "需要修改") || strings.Count(panel, "尚未提交") != 1 {
			t.Errorf("revised %v: the panel reads:\n%s", revised, panel)
		}
		seen := map[string]bool{}
		for _, l := range strings.Split(panel, "\n") {
			if l = strings.TrimSpace(l); l != "" && seen[l] {
				t.Errorf("revised %v: the panel says twice %q", revised, l)
			}
			seen[l] = true
		}
		if state := textOf(h.acceptance().checklist); !strings.Contains(state, "请先提交试运行报告") || strings.Contains(state, "✓ 所选的试运行报告") {
			t.Errorf("revised %v: the checklist reads:\n%s", revised, state)
		}
	}
}

// An application opened after its trial report was mended copies the
// report's period as it is now, and stores it.
func TestAcceptanceFollowsItsMendedTrialReport(t *testing.T) {
	x := newScreens(t, "huoqiu", nil)
	tr, err := app.NewFiling(app.KindTrialReport, "3c2b1a09-8f7e-4d6c-9b5a-000000000021", "3c2b1a09-8f7e-4d6c-9b5a-000000000022", "local", x.u.Now())
	if err != nil {
		t.Fatal(err)
	}
	tr.TrialReport = apptest.TrialReport()
	tr.TrialReport.TrialStart, tr.TrialReport.TrialEnd = "2026-09-22", "2026-10-13" // three weeks
	x.store.put(tr)
	x.u.NewFiling(app.KindAcceptance)
	h := x.editor(t)
	h.sel("trial_report_id").SetSelectedIndex(0)
	id := h.id()
	x.eventually(t, "the application stored", func() bool {
		f := x.store.stored(id)
		return f != nil && f.Acceptance.TrialEnd == "2026-10-13"
	})
	x.u.ShowHome()
	x.pump()

	tr.TrialReport.TrialEnd = "2026-11-05" // the clerk extends the trial to the month
	x.store.put(tr)
	f := x.store.stored(id)
	x.u.openEditor(f, false)
	x.pump()
	h = x.editor(t)
	if a := h.e.f.Acceptance; a.TrialStart != "2026-09-22" || a.TrialEnd != "2026-11-05" {
		t.Errorf("the application opened with the period %s–%s", a.TrialStart, a.TrialEnd)
	}
	if slices.ContainsFunc(h.e.problems, func(p app.FieldError) bool { return strings.Contains(p.Message, "不足 1 个月") }) {
		t.Errorf("the application still says the trial is short: %v", h.e.problems)
	}
	x.eventually(t, "the new period stored", func() bool { return x.store.stored(id).Acceptance.TrialEnd == "2026-11-05" })
}

// A row of the items list is reused for another item as the list scrolls.
// Bound to an item whose stored code the drop-downs do not offer (a filing
// written by another tool), it shows that code, not the choices of the item
// it showed before.
func TestReusedItemRowShowsAnUnknownStoredCode(t *testing.T) {
	x := newScreens(t, "yunan", nil)
	h := x.newEditor(t, app.KindCatalogue)
	c := h.catalogue()
	h.e.jump("entries")
	test.Tap(c.addEntry)
	for i := range 2 {
		test.Tap(c.items.add)
		_, typ, _, _ := shownItem(c, i)
		typ.SetSelected("字符型C")
	}
	share, _ := shownItemShare(c, 0)
	share.SetSelected("不予共享")
	items := h.e.f.Catalogue.Entries[0].Items
	items[1].DataType, items[1].ShareType = "X9", "Q7"
	r := c.items.rows[0]
	r.bind(1)
	if r.typ.Selected != "X9" || r.share.Selected != "Q7" {
		t.Errorf("row bound to an item with unknown codes shows %q and %q, want X9 and Q7", r.typ.Selected, r.share.Selected)
	}
	if items[0].DataType != app.DataChar || items[0].ShareType != app.ShareNone {
		t.Errorf("rebinding the row changed the item it showed: %+v", items[0])
	}
	r.bind(0)
	if r.typ.Selected != "字符型C" || r.share.Selected != "不予共享" {
		t.Errorf("row bound back shows %q and %q", r.typ.Selected, r.share.Selected)
	}
}

// 武汉 第九条: a school's or a hospital's own project on city funds is
// approved by its sector, whatever it costs. The route follows the unit's
// type and its funds, which the editor did not ask for, so a school was
// told the amount's route; then any school was told its sector's, on its
// own money too.
func TestUnitTypeDecidesTheRoute(t *testing.T) {
	x := newScreens(t, "wuhan", nil)
	x.u.NewDeclaration()
	h := x.editor(t)
	test.Type(h.entry("total_investment"), "5000")
	if p := h.panel(); !strings.Contains(p, "市人民政府") || strings.Contains(p, "行业主管部门") {
		t.Fatalf("5000 万 of a government office:\n%s", p)
	}
	h.sel("unit_type").SetSelected("学校")
	h.e.jump("funding")
	test.Tap(findButton(h.e.sections[h.e.current].content, "添加资金来源"))
	x.pump()
	h.sel("funding[0].kind").SetSelected("单位自筹")
	x.saved(t, "the unit's type and its funds", func(f *app.Filing) bool {
		return f.Declaration.UnitType == app.UnitSchool && len(f.Declaration.Funding) == 1 && f.Declaration.Funding[0].Kind == app.FundSelf
	})
	if p := h.panel(); !strings.Contains(p, "市人民政府") || strings.Contains(p, "由行业主管部门负责审批") {
		t.Fatalf("a school's 5000 万 of its own money:\n%s", p)
	}
	h.sel("funding[0].kind").SetSelected("本级财政资金")
	x.eventually(t, "the sector's route", func() bool {
		p := h.panel()
		return strings.Contains(p, "由行业主管部门负责审批") && strings.Contains(p, "按建设单位类型和资金来源确定")
	})
}

// A remark on a trial report's row (功能模块 第 2 行, 问题 第 1 行) leads to
// that row's first field: it led to the table, and 功能 1's 删除 (found in
// a reviewer-and-clerk walkthrough).
func TestTrialRowRemarkLeadsToItsRow(t *testing.T) {
	x := newScreens(t, "huoqiu", nil)
	tr, err := app.NewFiling(app.KindTrialReport, "3c2b1a09-8f7e-4d6c-9b5a-000000000031", "3c2b1a09-8f7e-4d6c-9b5a-000000000032", "local", x.u.Now())
	if err != nil {
		t.Fatal(err)
	}
	tr.TrialReport = apptest.TrialReport()
	for len(tr.TrialReport.Modules) < 2 {
		tr.TrialReport.Modules = append(tr.TrialReport.Modules, app.ModuleCheck{Function: "预约叫号", Requirement: "对接叫号系统", Status: app.ImplDone})
	}
	if len(tr.TrialReport.Issues) == 0 {
		tr.TrialReport.Issues = []app.TrialIssue{{No: "1", Description: "高峰期打印排队"}}
	}
	x.store.put(tr)
	x.u.openEditor(x.store.stored(tr.ID), false)
	x.pump()
	h := x.editor(t)
	for path, want := range map[string]string{"modules[1]": "modules[1].function", "issues[0]": "issues[0].no"} {
		h.e.jump(path)
		x.pump()
		if f := x.w.Canvas().Focused(); f != h.entry(want) {
			t.Errorf("the remark on %s took the keyboard to %T %v, not %s", path, f, buttonOf(f) != nil, want)
		}
	}
}

// 天宁's five 不予审核 hold 除法律法规明确规定外: the clerk of a project a
// law provides otherwise for writes which, and the 不予审核 are lifted
// with its text asked for among the attachments (the project could not be
// submitted at all). Only a profile with such a rule asks for it.
func TestLegalExceptionLiftsTianningsRefusals(t *testing.T) {
	x := newScreens(t, "huoqiu", nil)
	h := x.newEditor(t, app.KindDeclaration)
	if h.target("legal_exception") != nil {
		t.Fatal("霍邱's declaration asks for an exception no rule of its has")
	}
	x = newScreens(t, "tianning", nil)
	h = x.newEditor(t, app.KindDeclaration)
	if !strings.Contains(h.panel(), "不予审核") {
		t.Fatalf("an empty 天宁 declaration is not refused:\n%s", h.panel())
	}
	// The panel, scrolled to its foot, is not left showing blank once
	// it gets shorter (found in the real window).
	side := h.e.sideScroll
	side.ScrollToOffset(fyne.NewPos(0, side.Content.MinSize().Height))
	x.pump()
	if side.Offset.Y == 0 {
		t.Fatal("the panel does not scroll: nothing is tested")
	}
	test.Type(h.entry("legal_exception"), "《中华人民共和国保守国家秘密法》第二十四条")
	x.eventually(t, "the refusals lifted", func() bool {
		p := h.panel()
		return !strings.Contains(p, "× 不予审核") && strings.Contains(p, "法律法规另有明确规定的依据") &&
			strings.Contains(p, "按所写明的法律法规依据不作阻止")
	})
	if end := side.Content.MinSize().Height - side.Size().Height; side.Offset.Y > max(0, end) {
		t.Errorf("the panel is scrolled to %v, past its content's end at %v", side.Offset.Y, end)
	}
	x.saved(t, "the exception", func(f *app.Filing) bool {
		return strings.Contains(f.Declaration.LegalException, "保守国家秘密法")
	})
}

// switchLink is offlineLink whose profile the bureau changes (prof).
type switchLink struct {
	offlineLink
	prof *atomic.Pointer[app.Profile]
}

func (l switchLink) Profile() *app.Profile { return l.prof.Load() }

// A filing open when the bureau changes its profile is checked under the
// new one at the next sync: it kept the one it opened with (found in the
// real window: 依据《霍邱县…》 and 霍邱's route under 天宁's rules).
func TestOpenEditorTakesTheNewProfile(t *testing.T) {
	profs, err := app.LoadProfiles(assets.Profiles, "profiles")
	if err != nil {
		t.Fatal(err)
	}
	var current atomic.Pointer[app.Profile]
	current.Store(profs["huoqiu"])
	x := newScreensLinked(t, "huoqiu", func(*app.Profile) Link { return switchLink{offlineLink{prof: profs["huoqiu"]}, &current} })
	h := x.newEditor(t, app.KindDeclaration)
	test.Type(h.entry("total_investment"), "260")
	x.pump()
	if p := h.panel(); !strings.Contains(p, "霍邱") {
		t.Fatalf("under 霍邱:\n%s", p)
	}
	current.Store(profs["tianning"])
	x.u.refresh()
	x.eventually(t, "天宁's rules", func() bool {
		p := h.panel()
		return strings.Contains(p, "天宁") && !strings.Contains(p, "霍邱") && strings.Contains(p, "不予审核")
	})
}

// 武汉 第九条: a project planned and built with a fixed-asset investment
// project is managed as one (基本建设). Its clerk is asked, in 性质与类别,
// and the panel says what follows; 霍邱's clerk is not asked.
func TestCapitalProjectAskedWhereARuleReadsIt(t *testing.T) {
	x := newScreens(t, "huoqiu", nil)
	h := x.newEditor(t, app.KindDeclaration)
	if h.target("capital_project") != nil {
		t.Fatal("霍邱's declaration asks whether it is built with a fixed-asset project")
	}
	x = newScreens(t, "wuhan", nil)
	h = x.newEditor(t, app.KindDeclaration)
	box, ok := h.target("capital_project").(*widget.Check)
	if !ok {
		t.Fatalf("武汉's declaration does not ask: %T", h.target("capital_project"))
	}
	if h.e.sectionOf("capital_project") != h.e.sectionOf("nature") {
		t.Error("the question is not in 性质与类别")
	}
	if strings.Contains(h.panel(), "纳入基本建设项目管理") {
		t.Fatal("told 第九条 before saying so")
	}
	box.SetChecked(true)
	x.eventually(t, "第九条 in the panel", func() bool { return strings.Contains(h.panel(), "纳入基本建设项目管理") })
	x.saved(t, "the answer", func(f *app.Filing) bool { return f.Declaration != nil && f.Declaration.CapitalProject })
}

// An acceptance application of a project offers the trial reports of that
// project only: under 选择本项目的试运行报告 it offered another project's
// (found in a 天宁 walkthrough; the bureau refuses it once sent). A report
// that names no project is still offered.
func TestAcceptanceOffersItsProjectsTrialReports(t *testing.T) {
	x := newScreens(t, "huoqiu", nil)
	for i, c := range []struct{ project, name string }{{"p1", "本项目"}, {"p2", "另一项目"}, {"", "未关联项目"}} {
		tr, err := app.NewFiling(app.KindTrialReport, fmt.Sprintf("3c2b1a09-8f7e-4d6c-9b5a-0000000001%02d", i), fmt.Sprintf("3c2b1a09-8f7e-4d6c-9b5a-0000000002%02d", i), "local", x.u.Now())
		if err != nil {
			t.Fatal(err)
		}
		tr.ProjectID = c.project
		tr.TrialReport = apptest.TrialReport()
		tr.TrialReport.ProjectName = c.name
		x.store.put(tr)
	}
	acc, err := app.NewFiling(app.KindAcceptance, "3c2b1a09-8f7e-4d6c-9b5a-000000000301", "3c2b1a09-8f7e-4d6c-9b5a-000000000302", "local", x.u.Now())
	if err != nil {
		t.Fatal(err)
	}
	acc.ProjectID = "p1"
	x.store.put(acc)
	x.u.OpenFiling(acc.ID)
	x.pump()
	opts := strings.Join(x.editor(t).sel("trial_report_id").Options, "\n")
	if !strings.Contains(opts, "本项目") || strings.Contains(opts, "另一项目") || !strings.Contains(opts, "未关联项目") {
		t.Errorf("the trial reports offered:\n%s", opts)
	}
}

// The funding sources' total says which way it is off the total
// estimate: 与总投资概算相差 -5.123 万元 left the clerk to work out the sign
// (found in a 天宁 walkthrough).
func TestFundingSumSaysWhichWayItIsOff(t *testing.T) {
	test.NewTempApp(t)
	e := &editorScreen{fundingSum: &paragraph{}}
	d := &app.Declaration{TotalInvestment: app.Wans(100), Funding: []app.Funding{{Kind: app.FundLocal, Amount: app.Wans(105)}}}
	for _, c := range []struct {
		funded app.Money
		want   string
	}{{app.Wans(105), "比总投资概算多 5 万元"}, {app.Wans(95), "比总投资概算少 5 万元"}, {app.Wans(100), ""}} {
		d.Funding[0].Amount = c.funded
		e.showFundingSum(d)
		if got := e.fundingSum.Text; c.want == "" && strings.Contains(got, "总投资概算") || c.want != "" && !strings.Contains(got, c.want) || strings.Contains(got, "-") {
			t.Errorf("funded %s of 100 万元: %q, want %q", c.funded, got, c.want)
		}
	}
}

// laterOfProject stores a declaration made at (submitted then when
// submitted) and a filing of kind k of its project, opens the filing's
// editor and returns the declaration.
func laterOfProject(t *testing.T, x *screenFixture, at time.Time, k app.Kind, submitted bool) *app.Filing {
	t.Helper()
	d, err := app.NewFiling(app.KindDeclaration, "3c2b1a09-8f7e-4d6c-9b5a-0000000000d1", "3c2b1a09-8f7e-4d6c-9b5a-0000000000d2", "local", at)
	if err != nil {
		t.Fatal(err)
	}
	d.Declaration = apptest.Declaration()
	if submitted {
		if _, err := d.Submit(at, "陈晓"); err != nil {
			t.Fatal(err)
		}
	}
	x.store.put(d)
	f, err := app.NewFiling(k, "3c2b1a09-8f7e-4d6c-9b5a-0000000000e1", "3c2b1a09-8f7e-4d6c-9b5a-0000000000e2", "local", x.u.Now())
	if err != nil {
		t.Fatal(err)
	}
	f.ProjectID = d.ID
	if f.TrialReport != nil {
		f.TrialReport = apptest.TrialReport()
	}
	x.store.put(f)
	x.u.OpenFiling(f.ID)
	x.eventually(t, "the editor", func() bool { return x.u.editor != nil && x.u.editor.f.ID == f.ID })
	return d
}

// approvedLaterOfProject is laterOfProject of a project the bureau then
// accepted and approved (approve), its decisions pulled with the editor open.
func approvedLaterOfProject(t *testing.T, x *screenFixture, at time.Time, k app.Kind) *app.Filing {
	t.Helper()
	d := laterOfProject(t, x, at, k, true)
	approve(t, d, at)
	x.store.put(d)
	return d
}

// A trial report of a project whose declaration is not sent yet says so
// before it is sent (the bureau refuses it: app.CheckProjectDecided), and
// stops saying it once the bureau's approval of the project is pulled, with
// the editor open. While the project is under review it is not held back:
// the bureau may have approved it since, and checks on receipt.
func TestTrialReportWaitsForItsProjectsApproval(t *testing.T) {
	x := newScreens(t, "huoqiu", nil)
	at := x.u.Now().AddDate(0, -2, 0)
	d := laterOfProject(t, x, at, app.KindTrialReport, false)
	onProject := func(says string) bool {
		for _, p := range x.u.editor.problems {
			if p.Field == "project_id" && strings.Contains(p.Message, says) {
				return true
			}
		}
		return false
	}
	x.eventually(t, "the project not sent said", func() bool { return onProject("所属项目的申报书尚未提交") })
	if x.u.editor.problems[0].Field != "project_id" {
		t.Errorf("the project's problem is not listed first: %v", x.u.editor.problems[0])
	}
	if _, err := d.Submit(at, "陈晓"); err != nil {
		t.Fatal(err)
	}
	x.store.put(d)
	x.eventually(t, "the project under review not held against it", func() bool { return !onProject("") })
	if _, err := d.Decide(at.AddDate(0, 0, 1), "王审核", app.RoleReviewer, app.ActionReject, "不属于本办法适用范围"); err != nil {
		t.Fatal(err)
	}
	x.store.put(d)
	x.eventually(t, "the refusal pulled and said", func() bool { return onProject("所属项目已被县数管局决定不予立项") })
}

// An adjustment's editor takes the project's decisions pulled while it is
// open: its rules (the 原批复概算 check, the route) read the project as the
// editor holds it, not the copy read when it opened.
func TestAdjustmentTakesTheProjectsDecisionPulled(t *testing.T) {
	x := newScreens(t, "wuhan", nil)
	at := x.u.Now().AddDate(0, -2, 0)
	d := laterOfProject(t, x, at, app.KindAdjustment, true)
	le, ok := x.u.editor.kind.(*lifecycleEditor)
	if !ok {
		t.Fatalf("the adjustment's editor is a %T", x.u.editor.kind)
	}
	for i, a := range []app.Action{app.ActionAccept, app.ActionReturn} {
		if _, err := d.Decide(at.AddDate(0, 0, i+1), "王审核", app.RoleReviewer, a, "请修改"); err != nil {
			t.Fatal(err)
		}
	}
	x.store.put(d)
	x.eventually(t, "the return pulled into the rules", func() bool {
		return len(le.declHistory) == 3 && slices.ContainsFunc(x.u.editor.problems, func(p app.FieldError) bool {
			return p.Field == "project_id" && strings.Contains(p.Message, "已退回修改或撤回")
		})
	})
}

// A later filing that dates its project's event before the project's plan
// year says so as the clerk types, as the bureau will on receipt
// (app.CheckProjectDates), and stops saying it once the year is put right.
func TestGoLiveBeforeThePlanYearIsSaid(t *testing.T) {
	x := newScreens(t, "wuhan", nil)
	at := x.u.Now().AddDate(0, -2, 0)
	d := approvedLaterOfProject(t, x, at, app.KindGoLive)
	h := x.editor(t)
	before := fmt.Sprintf("%d-06-01", d.Declaration.PlanYear-1)
	says := fmt.Sprintf("投入运行日期 %s 早于项目的计划年度（%d 年）", before, d.Declaration.PlanYear)
	x.eventually(t, "the approval pulled", func() bool { return h.e.project != nil && len(h.e.project.History) == 3 })
	retype(h.entry("go_live_on"), before)
	if len(h.e.problems) == 0 || h.e.problems[0].Field != "go_live_on" || !strings.Contains(h.e.problems[0].Message, says) {
		t.Errorf("the problems are %v, want the first to say %q", h.e.problems, says)
	}
	retype(h.entry("go_live_on"), fmt.Sprintf("%d-01-01", d.Declaration.PlanYear))
	for _, p := range h.e.problems {
		if strings.Contains(p.Message, "早于项目的计划年度") {
			t.Errorf("a go-live on the plan year's first day: %v", p)
		}
	}
}

// A second acceptance application of a project says so before it is sent,
// as the bureau will refuse it (app.CheckOneAcceptance), and stops saying
// it once the first is refused (验收不通过), with the editor open; a clerk
// learned of it only from the refusal (found in review).
func TestSecondAcceptanceApplicationIsSaid(t *testing.T) {
	x := newScreens(t, "huoqiu", nil)
	at := x.u.Now().AddDate(0, -2, 0)
	d := approvedLaterOfProject(t, x, at, app.KindAcceptance)
	first, err := app.NewFiling(app.KindAcceptance, "3c2b1a09-8f7e-4d6c-9b5a-0000000000f1", "3c2b1a09-8f7e-4d6c-9b5a-0000000000f2", "local", at)
	if err != nil {
		t.Fatal(err)
	}
	first.ProjectID = d.ID
	sent := at.AddDate(0, 0, 20)
	if _, err := first.Submit(sent, "陈晓"); err != nil {
		t.Fatal(err)
	}
	x.store.put(first)
	says := func(what string) bool {
		return slices.ContainsFunc(x.u.editor.problems, func(p app.FieldError) bool {
			return p.Field == "project_id" && strings.Contains(p.Message, what)
		})
	}
	x.eventually(t, "the first application said", func() bool {
		return says(fmt.Sprintf("本项目已有一份竣工验收申请待县数管局受理（%s 报送）", sent.In(app.Beijing).Format(time.DateOnly)))
	})
	for i, a := range []app.Action{app.ActionAccept, app.ActionReject} {
		if _, err := first.Decide(sent.AddDate(0, 0, i+1), "王审核", app.RoleReviewer, a, "验收不通过：功能未达合同要求"); err != nil {
			t.Fatal(err)
		}
	}
	x.store.put(first)
	x.eventually(t, "the refused application no longer said", func() bool { return !says("本项目") })
}

// The hints follow the rules in force. 部署方式's says what the jurisdiction
// does with 其他: under 霍邱's rules a written reason does not get a project
// through (不按要求部署的，不予审批), under 天宁's it does; the hint said
// "说明理由" under both (a 霍邱 walkthrough).
func TestHintsFollowTheRules(t *testing.T) {
	// 项目类别's says whether the two classes go different ways: only under
	// 郁南's rules.
	for _, c := range []struct{ prof, field, want string }{
		{"huoqiu", "deployment.mode", "写明理由也不能提交"}, {"wuhan", "deployment.mode", "写明理由也不能提交"},
		{"tianning", "deployment.mode", "在下方说明理由"},
		{"yunan", "class", "两类的审批流程不同"}, {"huoqiu", "class", "本辖区审批不按类别区分"}, {"wuhan", "class", "本辖区审批不按类别区分"},
	} {
		prof, want := c.prof, c.want
		x := newScreens(t, prof, nil)
		x.u.NewDeclaration()
		h := x.editor(t)
		h.e.jump(c.field)
		var got strings.Builder
		walkRendered(x.w.Content(), func(o fyne.CanvasObject) {
			if p, ok := o.(*paragraph); ok {
				got.WriteString(p.Text + "\n")
			}
		})
		if !strings.Contains(got.String(), want) {
			t.Errorf("%s: the section shown does not say %q:\n%s", prof, want, got.String())
		}
	}
}
