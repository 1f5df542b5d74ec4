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

// Submitting a declaration with problems lists them, each taking the clerk
// to its field; once they are fixed, 提交 puts the revision in the outbox.
func TestSubmitShowsProblemsThenQueues(t *testing.T) {
	files := &pickedFiles{}
	d, w := mustDeskWith(t, t.TempDir(), func(o *deskOptions) { o.files = files })
	MustOffline(t, d, "huoqiu")
	c := clerkOf(t, d)
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

	c.tap("检查并提交")
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
	c.section("基本信息")
	if msg := c.message("联系电话"); !strings.Contains(msg, "联系电话") {
		t.Errorf("message at the phone = %q", msg)
	}
	tapDialogButton(t, w, "关闭")

	// Fix what the list says, as the clerk does.
	test.Type(c.entry("联系电话"), "0564-6012345")
	fixBudget(c, "120")
	tickConfirmations(c)
	attachMissing(c, files, f.ID)
	if ps := c.submit(); ps != "" {
		t.Fatalf("problems left:\n%s", ps)
	}
	if txt := dialogText(w); !strings.Contains(txt, "审批路径") {
		t.Fatalf("no confirmation with the route:\n%s", txt)
	}
	tapDialogButton(t, w, "Yes", "是")
	d.eventually(t, "the outbox item", func() bool {
		items, err := d.store.Outbox(ctx)
		return err == nil && len(items) == 1 && items[0].FilingID == f.ID
	})
	d.eventually(t, "the read-only editor", func() bool {
		return !c.editable() && strings.Contains(c.text(), "待发送")
	})
}

// fixBudget types amount into the first line of 投资概算明细.
func fixBudget(c *clerk, amount string) {
	c.tb.Helper()
	c.section("投资")
	amounts := inputsIn(c, "投资概算明细", func(e *widget.Entry) bool { return e.PlaceHolder == "万元，如 120 或 9.99" })
	if len(amounts) == 0 {
		c.tb.Fatal("no amount in 投资概算明细")
	}
	retype(amounts[0], amount)
}

// tickConfirmations ticks every box of 确认事项 not yet ticked.
func tickConfirmations(c *clerk) {
	c.tb.Helper()
	c.section("确认事项")
	c.tickAll()
}

// attachMissing attaches a PDF for every material filing id lacks, with
// 添加附件…: the question proposes the first material still missing.
func attachMissing(c *clerk, files *pickedFiles, id string) {
	c.tb.Helper()
	f, err := c.d.store.Get(context.Background(), id)
	if err != nil {
		c.tb.Fatal(err)
	}
	dir := c.tb.TempDir()
	c.section("附件")
	for _, need := range c.d.link.Profile().Evaluate(f.Declaration, c.d.ui.Now()).MissingMaterials(f.Attachments) {
		c.attach(files, pdf(c.tb, dir, need.Codes[0]+".pdf"), c.button("添加附件…"))
	}
}
