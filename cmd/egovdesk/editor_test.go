//go:build ci

package main

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"egovdesk/app"
	"egovdesk/app/apptest"
)

// The clerk types the total investment under 郁南县's rules and the panel
// follows: 120万 must be supervised (监理) and needs approval; 9.99万 is
// managed by the unit itself; what does not parse stays as typed with a
// Chinese message at the field, and every edit is stored without a save
// button.
func TestEditorFollowsTheProfileAsTheClerkTypes(t *testing.T) {
	d, _ := MustDesk(t)
	MustOffline(t, d, "yunan")
	d.ui.NewDeclaration()
	h := d.ui.Editor()
	if h == nil {
		t.Fatal("no editor after 新建申报书")
	}

	total := h.Entry("total_investment")
	test.Type(total, "120")
	panel := h.Panel()
	for _, want := range []string{"须实行监理", "报县政务和数据局立项审批"} {
		if !strings.Contains(panel, want) {
			t.Errorf("total 120: panel lacks %q:\n%s", want, panel)
		}
	}
	if h.Section() != "投资" {
		t.Errorf("typing the total shows section %q, want 投资", h.Section())
	}

	retype(total, "9.99")
	panel = h.Panel()
	if !strings.Contains(panel, "由建设单位自行管理") {
		t.Errorf("total 9.99: panel lacks the unit's own management:\n%s", panel)
	}
	if strings.Contains(panel, "须实行监理") {
		t.Errorf("total 9.99: panel still asks for supervision:\n%s", panel)
	}

	// A typo: kept as typed, explained at the field, the last good amount
	// (12, typed before the letter o) kept.
	retype(total, "12o")
	if total.Text != "12o" {
		t.Errorf("entry text = %q, want what was typed", total.Text)
	}
	if msg := h.Message("total_investment"); !strings.Contains(msg, "已保留您输入的内容") {
		t.Errorf("message at the total = %q", msg)
	}
	if !strings.Contains(h.Panel(), "报县政务和数据局备案") {
		t.Errorf("after 12o the route is not that of 12万:\n%s", h.Panel())
	}
	retype(total, "120")
	if msg := h.Message("total_investment"); msg != "" {
		t.Errorf("message after correcting = %q", msg)
	}

	// The budget: add a line, pick its category, type an amount; the running
	// total shows the difference against 总投资概算.
	test.Tap(h.AddBudgetLineButton())
	h.Select("budget[0].category").SetSelectedIndex(3) // 软件开发费
	test.Type(h.Entry("budget[0].name"), "平台软件开发")
	amount := h.Entry("budget[0].amount")
	test.Type(amount, "1OO")
	if msg := h.Message("budget[0].amount"); msg == "" {
		t.Error("no message under a budget amount that does not parse")
	}
	retype(amount, "100")
	if msg := h.Message("budget[0].amount"); msg != "" {
		t.Errorf("message under a good amount: %q", msg)
	}
	if !strings.Contains(h.Panel(), "第三方测试") {
		t.Errorf("software development of 100万 needs third-party testing:\n%s", h.Panel())
	}
	if !strings.Contains(h.Panel(), "预算中尚无“工程监理费”") {
		t.Errorf("the panel does not say the budget lacks supervision:\n%s", h.Panel())
	}

	// Autosave: no save button, the store has every edit within a second.
	d.eventually(t, "autosave", func() bool {
		f, err := d.store.Get(context.Background(), h.ID())
		return err == nil && f.Declaration.TotalInvestment == app.Wans(120) &&
			len(f.Declaration.Budget) == 1 && f.Declaration.Budget[0].Amount == app.Wans(100)
	})
	d.eventually(t, "已自动保存", func() bool { return strings.HasPrefix(h.Saved(), "已自动保存") })
}

// Submitting a declaration with problems lists them, each taking the clerk
// to its field; once they are fixed, 提交 puts the revision in the outbox.
func TestSubmitShowsProblemsThenQueues(t *testing.T) {
	d, w := MustDesk(t)
	MustOffline(t, d, "huoqiu")
	ctx := context.Background()

	// A draft filled in earlier, with two things left to do.
	f, err := app.NewFiling(app.KindDeclaration, "0b0c6a5e-8c4d-4a57-9d0e-2c1f3f1a0001", "0b0c6a5e-8c4d-4a57-9d0e-2c1f3f1a0002", "local", d.ui.Now())
	if err != nil {
		t.Fatal(err)
	}
	f.Declaration = apptest.Declaration()
	f.Declaration.Contact.Phone = ""
	f.Declaration.Budget[0].Amount = app.Wans(110) // the lines no longer sum to the total
	if err := d.store.Save(ctx, f); err != nil {
		t.Fatal(err)
	}
	d.ui.OpenFiling(f.ID)
	h := d.ui.Editor()

	test.Tap(h.SubmitButton())
	list := dialogText(w)
	if !strings.Contains(list, "处需要修改才能提交") {
		t.Fatalf("no problem list after 提交:\n%s", list)
	}
	for _, want := range []string{"【基本信息】请填写联系电话", "【投资】"} {
		if !strings.Contains(list, want) {
			t.Errorf("problem list lacks %q:\n%s", want, list)
		}
	}
	if n, _ := d.store.PendingCount(ctx); n != 0 {
		t.Fatalf("outbox has %d items after a refused submit", n)
	}
	if msg := h.Message("contact.phone"); !strings.Contains(msg, "联系电话") {
		t.Errorf("message at the phone = %q", msg)
	}
	tapDialogButton(t, w, "关闭")

	// Fix what the list says, as the clerk does.
	test.Type(h.Entry("contact.phone"), "0564-6012345")
	retype(h.Entry("budget[0].amount"), "120")
	for _, p := range h.Problems() {
		switch {
		case strings.HasPrefix(p.Field, "confirmations"):
			for _, id := range d.link.Profile().Checklist {
				if c := h.Check("confirmations." + id.ID); c != nil && !c.Checked {
					test.Tap(c)
				}
			}
		case p.Field == "attachments":
			for _, need := range d.link.Profile().Evaluate(apptest.Declaration(), d.ui.Now()).MissingMaterials(nil) {
				h.Attach(importPDF(t, d, need.Label+".pdf", need.Codes[0]))
			}
		}
	}
	if ps := h.Problems(); len(ps) != 0 {
		t.Fatalf("problems left: %+v", ps)
	}

	test.Tap(h.SubmitButton())
	if txt := dialogText(w); !strings.Contains(txt, "审批路径") {
		t.Fatalf("no confirmation with the route:\n%s", txt)
	}
	tapDialogButton(t, w, "Yes", "是")
	d.eventually(t, "the outbox item", func() bool {
		items, err := d.store.Outbox(ctx)
		return err == nil && len(items) == 1 && items[0].FilingID == f.ID
	})
	d.eventually(t, "the read-only editor", func() bool {
		e := d.ui.Editor()
		return e != nil && !e.Editable() && strings.Contains(e.SendState(), "待发送")
	})
}

// A problem with a table as a whole (no 投资明细 yet, 资金来源, 附件) takes the
// clerk to the table with the keyboard in it: its first input, or its add
// button while it is empty, so what is typed next goes somewhere.
func TestJumpToTableFocusesIt(t *testing.T) {
	d, w := MustDesk(t)
	MustOffline(t, d, "huoqiu")
	d.ui.NewDeclaration()
	h := d.ui.Editor()
	h.Target("attachments")
	if b, ok := w.Canvas().Focused().(*widget.Button); !ok || b.Text != "添加附件…" {
		t.Fatalf("after jumping to 附件 the focus is on %T %v, want the 添加附件… button", w.Canvas().Focused(), w.Canvas().Focused())
	}
	test.Tap(h.AddBudgetLineButton())
	h.Target("budget")
	if _, ok := w.Canvas().Focused().(*widget.Select); !ok {
		t.Fatalf("after jumping to 投资明细 with a row the focus is on %T, want the row's 费用类别", w.Canvas().Focused())
	}
}
