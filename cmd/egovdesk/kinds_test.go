//go:build ci

package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"egovdesk/app"
	"egovdesk/app/xlsx"
)

// catalogueFixture returns a complete catalogue of one resource shared on
// conditions, of a township in 霍邱县.
func catalogueFixture() *app.Catalogue {
	return &app.Catalogue{
		Title:        "城关镇智慧社区项目政务数据共享资源目录",
		ProjectName:  "霍邱县城关镇智慧社区管理平台",
		ProviderName: "霍邱县城关镇人民政府",
		ProviderCode: "11341522003064951U",
		Entries: []app.Resource{{
			Category: "307001", Sequence: "000001", Name: "城关镇社区网格事件信息",
			ProviderName: "霍邱县城关镇人民政府", ProviderCode: "11341522003064951U",
			Abstract:    "网格员上报的社区事件及其处置情况",
			FormatClass: app.FormatDatabase, FormatType: "302",
			Items: []app.DataItem{{Name: "事件编号", DataType: app.DataChar, Length: 32},
				{Name: "上报时间", DataType: app.DataDateTime}, {Name: "事件类别", DataType: app.DataChar, Length: 20}},
			ShareType: app.ShareConditional, ShareCondition: "仅限社区治理用途，经审批后使用",
			ShareModeClass: app.ShareViaPlatform, ShareModeType: app.ShareModeAPI,
			UpdateCycle: app.UpdateDaily,
		}},
	}
}

// trialFixture returns a complete trial report of a month and a day.
func trialFixture() *app.TrialReport {
	return &app.TrialReport{
		ProjectName: "霍邱县城关镇智慧社区管理平台", UnitName: "霍邱县城关镇人民政府", Contractor: "安徽某信息技术有限公司",
		TrialStart: "2027-10-08", TrialEnd: "2027-11-09", Scope: "城关镇 12 个社区，网格员 86 人",
		Environment: app.TrialEnvironment{OS: "麒麟 V10", Database: "达梦 DM8", Networks: []app.Network{app.NetworkExtranet}},
		Modules:     []app.ModuleCheck{{Function: "事件上报", Requirement: "网格员移动端上报", Status: app.ImplDone}},
		Figures:     app.TrialFigures{Users: 120, ActiveUsers: 86, Availability: 9990, DowntimeMinutes: 40},
		Security:    app.TrialSecurity{Dengbao: app.DengbaoPassed, Crypto: app.CryptoPassed},
		Conclusion:  app.TrialConclusion{Ready: true, Text: "运行稳定，达到合同要求，具备竣工验收条件"},
	}
}

// A trial that is too short says so at once, beside the dates and in the
// panel, and blocks the submission; a long enough one clears it.
func TestTrialReportTooShortBlocks(t *testing.T) {
	d, w := MustDesk(t)
	MustOffline(t, d, "huoqiu")
	d.ui.NewFiling(app.KindTrialReport)
	h := d.ui.Editor()
	test.Type(h.Entry("trial_start"), "2027-03-01")
	test.Type(h.Entry("trial_end"), "2027-03-20")
	if p := h.Panel(); !strings.Contains(p, "试运行期不足 1 个月，不能申请竣工验收") {
		t.Errorf("panel of a 19-day trial:\n%s", p)
	}
	if msg := h.Message("trial_end"); !strings.Contains(msg, "不足 1 个月") {
		t.Errorf("message at the end date: %q", msg)
	}
	test.Tap(h.SubmitButton())
	if txt := dialogText(w); !strings.Contains(txt, "不足 1 个月，不能申请竣工验收") {
		t.Errorf("the problem list does not block the short trial:\n%s", txt)
	}
	w.Canvas().Overlays().Top().Hide()

	retype(h.Entry("trial_end"), "2027-04-01")
	if p := h.Panel(); strings.Contains(p, "不足") || !strings.Contains(p, "已试运行满 1 个月") {
		t.Errorf("panel of a month's trial:\n%s", p)
	}
	if msg := h.Message("trial_end"); strings.Contains(msg, "不足") {
		t.Errorf("message at the end date after the fix: %q", msg)
	}
}

// The acceptance application takes its trial period from the chosen trial
// report; a missing required material blocks 提交 and the problem list says
// which; attaching it (as the 上传 button does) marks it 已上传 and the
// application is queued.
func TestAcceptanceMissingMaterialBlocks(t *testing.T) {
	d, w := MustDesk(t)
	MustOffline(t, d, "huoqiu")
	ctx := context.Background()
	tr, err := app.NewFiling(app.KindTrialReport, "3c2b1a09-8f7e-4d6c-9b5a-000000000001", "3c2b1a09-8f7e-4d6c-9b5a-000000000002", "local", d.ui.Now())
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
	if txt := ac.Text(); !strings.Contains(txt, "合同（必需）") || !strings.Contains(txt, "缺少") {
		t.Errorf("checklist:\n%s", txt)
	}
	test.Tap(h.SubmitButton())
	txt := dialogText(w)
	if !strings.Contains(txt, "缺少验收材料“合同”") || !strings.Contains(txt, "缺少验收材料“试运行报告”") {
		t.Errorf("problem list does not name the missing materials:\n%s", txt)
	}
	w.Canvas().Overlays().Top().Hide()

	if b := ac.AttachButton("contract"); b == nil || b.Disabled() {
		t.Fatal("no 上传 button for 合同")
	}
	ac.Attach("contract", importPDF(t, d, "合同.pdf", ""))
	ac.Attach("trial_report", importPDF(t, d, "试运行报告.pdf", ""))
	if txt := ac.Text(); strings.Contains(txt, "缺少") || !strings.Contains(txt, "已上传：合同.pdf") {
		t.Errorf("checklist after attaching:\n%s", txt)
	}
	if len(h.Problems()) != 0 {
		t.Fatalf("problems left: %v", h.Problems())
	}
	test.Tap(h.SubmitButton())
	tapDialogButton(t, w, "Yes", "是")
	d.eventually(t, "the outbox item", func() bool { n, _ := d.store.PendingCount(ctx); return n == 1 })
}

// fillAcceptance fills an open acceptance application as a clerk does and
// picks the first trial report.
func fillAcceptance(tb testing.TB, h interface {
	Entry(string) *widget.Entry
	Select(string) *widget.Select
}) {
	tb.Helper()
	h.Select("trial_report_id").SetSelectedIndex(0)
	for path, v := range map[string]string{
		"approval_ref": "霍数管〔2027〕12号", "contract_amount": "165", "completed_on": "2027-09-30",
		"summary": "按批复和合同完成网格事件上报、分拨、督办等全部建设内容", "applied_on": "2027-11-20",
		"contact.phone": "0564-6012345",
	} {
		retype(h.Entry(path), v)
	}
	if h.Entry("contact.person").Text == "" {
		test.Type(h.Entry("contact.person"), "李梅")
	}
}

// 导入Excel: a workbook with bad cells lists every one by sheet, row and
// column and changes nothing; a good one replaces the entries.
func TestCatalogueExcelImport(t *testing.T) {
	d, w := MustDesk(t)
	MustOffline(t, d, "huoqiu")
	d.ui.NewFiling(app.KindCatalogue)
	h := d.ui.Editor()
	test.Type(h.Entry("title"), "草稿目录")

	bad := catalogueFixture()
	bad.Entries[0].ShareCondition = ""
	bad.Entries[0].Items[0].Length = 0
	var buf bytes.Buffer
	if err := xlsx.Export(&buf, bad); err != nil {
		t.Fatal(err)
	}
	h.Catalogue().ImportExcel(buf.Bytes())
	d.eventually(t, "the error list", func() bool { return strings.Contains(dialogText(w), "Excel 中有") })
	txt := dialogText(w)
	for _, want := range []string{"信息资源目录!", "共享条件", "数据长度", "目录保持不变"} {
		if !strings.Contains(txt, want) {
			t.Errorf("error list lacks %q:\n%s", want, txt)
		}
	}
	w.Canvas().Overlays().Top().Hide()
	if h := d.ui.Editor(); len(h.Catalogue().Entries()) != 0 || h.Entry("title").Text != "草稿目录" {
		t.Errorf("a refused workbook changed the catalogue")
	}

	buf.Reset()
	if err := xlsx.Export(&buf, catalogueFixture()); err != nil {
		t.Fatal(err)
	}
	h.Catalogue().ImportExcel(buf.Bytes())
	d.eventually(t, "the import", func() bool {
		e := d.ui.Editor()
		return e != nil && len(e.Catalogue().Entries()) == 1
	})
	h = d.ui.Editor()
	if got := h.Entry("entries[0].name").Text; got != "城关镇社区网格事件信息" {
		t.Errorf("imported entry name %q", got)
	}
	d.eventually(t, "saved", func() bool {
		f, err := d.store.Get(context.Background(), h.ID())
		return err == nil && len(f.Catalogue.Entries) == 1
	})
}

// 新建材料 offers the four kinds; choosing one opens its editor.
func TestNewFilingMenuOffersEveryKind(t *testing.T) {
	d, w := MustDesk(t)
	MustOffline(t, d, "huoqiu")
	newBtn := find(t, w.Content(), "新建材料", func(b *widget.Button) bool { return b.Text == "新建材料" })
	for _, k := range app.Kinds {
		test.Tap(newBtn)
		top := w.Canvas().Overlays().Top()
		if top == nil {
			t.Fatal("no menu after 新建材料")
		}
		label := "新建" + k.Label()
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
		h := d.ui.Editor()
		if h == nil {
			t.Fatalf("%s opened no editor", label)
		}
		f, err := d.store.Get(context.Background(), h.ID())
		if err != nil || f.Kind != k {
			d.eventually(t, "the draft of "+label, func() bool {
				f, err = d.store.Get(context.Background(), h.ID())
				return err == nil && f.Kind == k
			})
		}
	}
}
