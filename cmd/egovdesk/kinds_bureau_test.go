//go:build ci

package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"egovdesk/app"
	"egovdesk/app/apptest"
	"egovdesk/sync/client"
	"egovdesk/sync/protocol"
)

// mustReviewer logs a reviewer in to the bureau at addr.
func mustReviewer(tb testing.TB, addr string) *client.Client {
	tb.Helper()
	ctx := context.Background()
	rc, err := client.New(ctx, addr, client.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := rc.Login(ctx, "reviewer", password); err != nil {
		tb.Fatal(err)
	}
	return rc
}

// decide makes the reviewer take actions on filing id, in order.
func decide(tb testing.TB, rc *client.Client, id string, comment string, actions ...app.Action) {
	tb.Helper()
	for _, a := range actions {
		if _, err := decideOn(context.Background(), rc, id, protocol.DecisionRequest{Action: a, Comment: comment}); err != nil {
			tb.Fatalf("%s %s: %v", a, id, err)
		}
	}
}

// A catalogue goes the way of a declaration: submitted from its editor, sent
// by the syncer to the real bureau, decided by a reviewer, and the decision
// comes back to the inbox with its comment.
func TestCatalogueRoundTripWithARealBureau(t *testing.T) {
	addr := MustBureau(t)
	d, w := MustDesk(t)
	ctx := context.Background()
	if err := d.link.Connect(ctx, addr, "clerk", password); err != nil {
		t.Fatal(err)
	}
	d.ui.Start()
	d.pump()

	k := clerkOf(t, d)
	id := k.newFiling(func() { d.ui.NewFiling(app.KindCatalogue) })
	c := apptest.Catalogue()
	retype(k.entry("目录名称"), c.Title)
	retype(k.entry("项目名称"), c.ProjectName)
	retype(k.entry("信息资源提供方"), c.ProviderName)
	retype(k.entry("提供方代码"), c.ProviderCode)
	k.section("信息资源")
	k.tap("添加资源")
	r := c.Entries[0]
	for label, v := range map[string]string{"分类码": r.Category, "顺序码": r.Sequence, "信息资源名称": r.Name, "摘要": r.Abstract,
		"共享条件": r.ShareCondition} {
		retype(k.entry(label), v)
	}
	k.sel("格式分类").SetSelected("数据库")
	k.sel("格式类型").SetSelected("KingbaseES")
	k.sel("共享类型").SetSelected("有条件共享")
	k.sel("共享方式").SetSelected("共享平台方式")
	k.sel("共享方式类型").SetSelected("接口")
	k.sel("更新周期").SetSelected("每日")
	for i, it := range r.Items {
		k.tap("添加信息项")
		name, typ, length := itemRow(k, i)
		test.Type(name, it.Name)
		typ.SetSelected(app.LabelOf(app.DataTypeChoices, string(it.DataType)))
		if it.Length > 0 {
			test.Type(length, "32")
		}
	}
	if ps := k.submit(); ps != "" {
		t.Fatalf("problems left:\n%s", ps)
	}
	tapDialogButton(t, w, "Yes", "是")
	d.eventually(t, "the outbox item", func() bool { n, _ := d.store.PendingCount(ctx); return n == 1 })
	if err := d.link.SyncOnce(ctx); err != nil {
		t.Fatalf("sync: %v (%+v)", err, d.link.Status())
	}
	d.eventually(t, "已送达", func() bool { return strings.Contains(k.text(), "已送达") })
	k.section("信息资源")
	k.tapText("the resource", func(s string) bool { return s == r.Name })
	if k.editable() || !k.entry("信息资源名称").Disabled() {
		t.Error("the submitted catalogue can still be edited")
	} else if name, _, _ := itemRow(k, 0); name == nil || !name.Disabled() {
		t.Error("the submitted catalogue's items can still be edited")
	}

	const comment = "目录已审核，请按责任清单按时提供数据。"
	decide(t, mustReviewer(t, addr), id, comment, app.ActionAccept, app.ActionApprove)
	if err := d.link.SyncOnce(ctx); err != nil {
		t.Fatalf("sync: %v", err)
	}
	d.eventually(t, "the inbox entry", func() bool { n, _ := d.store.UnreadCount(ctx); return n >= 1 })
	inbox, err := d.store.Inbox(ctx)
	if err != nil || len(inbox) == 0 {
		t.Fatalf("inbox %+v, %v", inbox, err)
	}
	openInboxEntry(k, inbox[0])
	if txt := k.pane(comment); !strings.Contains(txt, comment) || !strings.Contains(txt, c.Title) {
		t.Errorf("inbox entry shows:\n%s", txt)
	}
	f, err := d.store.Get(ctx, id)
	if err != nil || f.Status != app.StatusApproved {
		t.Errorf("catalogue status %v, %v", f.Status, err)
	}
}

// An acceptance application under 天宁区's rules: the clerk picks the trial
// report, attaches the four materials, submits; the bureau approves; the
// decision reaches the inbox and the home screen then shows the filing
// deadline counted from the acceptance (10 working days).
func TestAcceptanceRoundTripWithARealBureau(t *testing.T) {
	addr := mustBureauWith(t, "tianning")
	files := &pickedFiles{}
	d, w := mustDeskWith(t, t.TempDir(), func(o *deskOptions) { o.files = files })
	c := clerkOf(t, d)
	ctx := context.Background()
	if err := d.link.Connect(ctx, addr, "clerk", password); err != nil {
		t.Fatal(err)
	}
	d.ui.Start()
	d.pump()
	tr, err := app.NewFiling(app.KindTrialReport, "4d3c2b1a-0f9e-4d8c-8b7a-000000000001", "4d3c2b1a-0f9e-4d8c-8b7a-000000000002", d.link.Session().UnitID, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	tr.TrialReport = apptest.TrialReport()
	tr.TrialReport.TrialStart, tr.TrialReport.TrialEnd = "2026-06-01", "2026-09-30" // a trial that has ended
	if err := d.store.Save(ctx, tr); err != nil {
		t.Fatal(err)
	}
	// Submitted, not yet sent: it goes in the application's batch, which
	// the bureau checks after storing the report the application names.
	if _, err := d.store.Submit(ctx, tr.ID, "李梅", time.Now()); err != nil {
		t.Fatal(err)
	}

	id := c.newFiling(func() { d.ui.NewFiling(app.KindAcceptance) })
	fillAcceptance(c)
	if txt := c.submit(); !strings.Contains(txt, "缺少验收材料") {
		t.Fatalf("no missing materials in the problem list:\n%s", txt)
	}
	w.Canvas().Overlays().Top().Hide()
	attachMaterials(c, files, d.link.Profile().AcceptanceMaterials...)
	if ps := c.submit(); ps != "" {
		t.Fatalf("problems left:\n%s", ps)
	}
	tapDialogButton(t, w, "Yes", "是")
	d.eventually(t, "the outbox items", func() bool { n, _ := d.store.PendingCount(ctx); return n == 2 })
	if err := d.link.SyncOnce(ctx); err != nil {
		t.Fatalf("sync: %v (%+v)", err, d.link.Status())
	}

	const comment = "验收通过。请于 10 个工作日内报送备案材料。"
	decide(t, mustReviewer(t, addr), id, comment, app.ActionAccept, app.ActionApprove)
	if err := d.link.SyncOnce(ctx); err != nil {
		t.Fatalf("sync: %v", err)
	}
	d.eventually(t, "the inbox entry", func() bool { n, _ := d.store.UnreadCount(ctx); return n >= 1 })
	inbox, err := d.store.Inbox(ctx)
	if err != nil || len(inbox) == 0 {
		t.Fatalf("inbox %+v, %v", inbox, err)
	}
	openInboxEntry(c, inbox[0])
	if txt := c.pane(comment); !strings.Contains(txt, comment) {
		t.Errorf("inbox entry shows:\n%s", txt)
	}

	c.tap("全部材料")
	d.eventually(t, "the acceptance deadline", func() bool {
		return strings.Contains(c.below("时间要求"), "验收后向区数据局备案")
	})
	if txt := c.below("时间要求"); !strings.Contains(txt, "截止") {
		t.Errorf("the acceptance deadline has no date:\n%s", txt)
	}
}
