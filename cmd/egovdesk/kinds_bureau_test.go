//go:build ci

package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"egovdesk/app"
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
		if _, err := rc.Decide(context.Background(), id, protocol.DecisionRequest{Action: a, Comment: comment}); err != nil {
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

	d.ui.NewFiling(app.KindCatalogue)
	h := d.ui.Editor()
	c := catalogueFixture()
	retype(h.Entry("title"), c.Title)
	retype(h.Entry("project_name"), c.ProjectName)
	retype(h.Entry("provider_name"), c.ProviderName)
	retype(h.Entry("provider_code"), c.ProviderCode)
	test.Tap(h.Catalogue().AddResourceButton())
	r := c.Entries[0]
	for path, v := range map[string]string{"category": r.Category, "sequence": r.Sequence, "name": r.Name, "abstract": r.Abstract,
		"share_condition": r.ShareCondition} {
		retype(h.Entry("entries[0]."+path), v)
	}
	h.Select("entries[0].format_class").SetSelected("数据库")
	h.Select("entries[0].format_type").SetSelected("KingbaseES")
	h.Select("entries[0].share_type").SetSelected("有条件共享")
	h.Select("entries[0].share_mode_class").SetSelected("共享平台方式")
	h.Select("entries[0].share_mode_type").SetSelected("接口")
	h.Select("entries[0].update_cycle").SetSelected("每日")
	cat := h.Catalogue()
	for i, it := range r.Items {
		test.Tap(cat.AddItemButton())
		name, typ, length, _ := cat.ItemRow(i)
		test.Type(name, it.Name)
		typ.SetSelected(app.LabelOf(app.DataTypeChoices, string(it.DataType)))
		if it.Length > 0 {
			test.Type(length, "32")
		}
	}
	if p := h.Problems(); len(p) != 0 {
		t.Fatalf("problems left: %v", p)
	}
	test.Tap(h.SubmitButton())
	tapDialogButton(t, w, "Yes", "是")
	d.eventually(t, "the outbox item", func() bool { n, _ := d.store.PendingCount(ctx); return n == 1 })
	if err := d.link.SyncOnce(ctx); err != nil {
		t.Fatalf("sync: %v (%+v)", err, d.link.Status())
	}
	d.eventually(t, "已送达", func() bool {
		e := d.ui.Editor()
		return e != nil && strings.Contains(e.SendState(), "已送达")
	})
	if ro := d.ui.Editor(); ro.Editable() || !ro.Entry("entries[0].name").Disabled() {
		t.Error("the submitted catalogue can still be edited")
	} else if name, _, _, _ := ro.Catalogue().ItemRow(0); name == nil || !name.Disabled() {
		t.Error("the submitted catalogue's items can still be edited")
	}

	const comment = "目录已审核，请按责任清单按时提供数据。"
	decide(t, mustReviewer(t, addr), h.ID(), comment, app.ActionAccept, app.ActionApprove)
	if err := d.link.SyncOnce(ctx); err != nil {
		t.Fatalf("sync: %v", err)
	}
	d.eventually(t, "the inbox entry", func() bool { n, _ := d.store.UnreadCount(ctx); return n >= 1 })
	inbox, err := d.store.Inbox(ctx)
	if err != nil || len(inbox) == 0 {
		t.Fatalf("inbox %+v, %v", inbox, err)
	}
	d.ui.OpenInboxEntry(inbox[0].ID)
	if txt := d.ui.InboxText(); !strings.Contains(txt, comment) || !strings.Contains(txt, c.Title) {
		t.Errorf("inbox entry shows:\n%s", txt)
	}
	f, err := d.store.Get(ctx, h.ID())
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
	d, w := MustDesk(t)
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
	tr.TrialReport = trialFixture()
	if err := d.store.Save(ctx, tr); err != nil {
		t.Fatal(err)
	}

	d.ui.NewFiling(app.KindAcceptance)
	h := d.ui.Editor()
	fillAcceptance(t, h)
	ac := h.Acceptance()
	test.Tap(h.SubmitButton())
	if txt := dialogText(w); !strings.Contains(txt, "缺少验收材料") {
		t.Fatalf("no missing materials in the problem list:\n%s", txt)
	}
	w.Canvas().Overlays().Top().Hide()
	for _, code := range d.link.Profile().AcceptanceMaterials {
		ac.Attach(code, importPDF(t, d, app.MaterialLabel(code)+".pdf", ""))
	}
	if p := h.Problems(); len(p) != 0 {
		t.Fatalf("problems left: %v", p)
	}
	test.Tap(h.SubmitButton())
	tapDialogButton(t, w, "Yes", "是")
	d.eventually(t, "the outbox item", func() bool { n, _ := d.store.PendingCount(ctx); return n == 1 })
	if err := d.link.SyncOnce(ctx); err != nil {
		t.Fatalf("sync: %v (%+v)", err, d.link.Status())
	}

	const comment = "验收通过。请于 10 个工作日内报送备案材料。"
	decide(t, mustReviewer(t, addr), h.ID(), comment, app.ActionAccept, app.ActionApprove)
	if err := d.link.SyncOnce(ctx); err != nil {
		t.Fatalf("sync: %v", err)
	}
	d.eventually(t, "the inbox entry", func() bool { n, _ := d.store.UnreadCount(ctx); return n >= 1 })
	inbox, err := d.store.Inbox(ctx)
	if err != nil || len(inbox) == 0 {
		t.Fatalf("inbox %+v, %v", inbox, err)
	}
	d.ui.OpenInboxEntry(inbox[0].ID)
	if txt := d.ui.InboxText(); !strings.Contains(txt, comment) {
		t.Errorf("inbox entry shows:\n%s", txt)
	}

	d.ui.ShowHome()
	d.eventually(t, "the acceptance deadline", func() bool {
		d.ui.Home().Wait()
		return strings.Contains(d.ui.Home().Deadlines(), "验收后向区数据局备案")
	})
	if txt := d.ui.Home().Deadlines(); !strings.Contains(txt, "截止") {
		t.Errorf("the acceptance deadline has no date:\n%s", txt)
	}
}
