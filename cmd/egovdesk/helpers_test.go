package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"egovdesk/app"
	"egovdesk/sync/syncer"
	"egovdesk/ui"
)

// harness is a client in Fyne's headless test app. Fyne's test driver runs
// fyne.Do at once on the calling goroutine; the real driver queues it for
// the one UI goroutine. The harness does the same: the UI's updates from
// goroutines wait in a queue that the test goroutine runs (pump), so widgets
// are only ever touched by one goroutine.
type harness struct {
	*desk
	w     fyne.Window
	queue chan func()
}

func (h *harness) do(f func()) { h.queue <- f }

// pump runs the queued UI updates.
func (h *harness) pump() {
	for {
		select {
		case f := <-h.queue:
			f()
		default:
			return
		}
	}
}

// eventually pumps UI updates until cond holds, for up to five seconds.
func (h *harness) eventually(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for h.pump(); !cond(); h.pump() {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// MustDesk opens a client on a fresh data directory in Fyne's headless test
// app, closed when the test ends. Its sync loop does not run: tests call
// SyncOnce.
func MustDesk(tb testing.TB) (*harness, fyne.Window) {
	return mustDeskIn(tb, tb.TempDir())
}

func mustDeskIn(tb testing.TB, dir string) (*harness, fyne.Window) {
	tb.Helper()
	a := test.NewTempApp(tb)
	a.Settings().SetTheme(ui.NewTheme())
	w := a.NewWindow("egovdesk")
	w.Resize(fyne.NewSize(1360, 860))
	h := &harness{w: w, queue: make(chan func(), 1<<16)}
	d, err := openDesk(a, w, dir, deskOptions{saveDelay: 20 * time.Millisecond, do: h.do,
		syncOpts: syncer.Options{BackoffBase: 10 * time.Millisecond, BackoffMax: 50 * time.Millisecond}})
	if err != nil {
		tb.Fatalf("open desk: %v", err)
	}
	h.desk = d
	tb.Cleanup(func() {
		if err := d.Close(); err != nil {
			tb.Errorf("close desk: %v", err)
		}
	})
	return h, w
}

// MustOffline configures d to work offline under profile id and starts the UI.
func MustOffline(tb testing.TB, d *harness, id string) {
	tb.Helper()
	if err := d.link.WorkOffline(id, "郁南县都城镇人民政府", "陈晓"); err != nil {
		tb.Fatal(err)
	}
	d.ui.Start()
	d.pump()
}

// retype replaces the text of an entry as a clerk does: select all, type.
func retype(e *widget.Entry, text string) {
	e.SetText("")
	test.Type(e, text)
}

// tapDialogButton taps the button labelled one of texts in the window's
// topmost dialog.
func tapDialogButton(tb testing.TB, w fyne.Window, texts ...string) {
	tb.Helper()
	top := w.Canvas().Overlays().Top()
	if top == nil {
		tb.Fatal("no dialog shown")
	}
	var found *widget.Button
	walkAll(top, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && found == nil {
			for _, t := range texts {
				if b.Text == t {
					found = b
				}
			}
		}
	})
	if found == nil {
		tb.Fatalf("no button %q in the dialog", texts)
	}
	test.Tap(found)
}

// dialogText returns the text of every label in the topmost dialog.
func dialogText(w fyne.Window) string {
	top := w.Canvas().Overlays().Top()
	if top == nil {
		return ""
	}
	var b strings.Builder
	walkAll(top, func(o fyne.CanvasObject) {
		if r, ok := o.(*widget.RichText); ok { // inside every label
			b.WriteString(r.String() + "\n")
		}
	})
	return b.String()
}

// walkAll calls fn for o and everything under it, widgets' renderers included.
func walkAll(o fyne.CanvasObject, fn func(fyne.CanvasObject)) {
	fn(o)
	switch v := o.(type) {
	case *fyne.Container:
		for _, c := range v.Objects {
			walkAll(c, fn)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(v).Objects() {
			walkAll(c, fn)
		}
	}
}

// importPDF puts a small file into the client's attachment store, as the
// file dialog does, and returns it as material.
func importPDF(tb testing.TB, d *harness, name, material string) app.Attachment {
	tb.Helper()
	a, err := d.blobs.ImportReader(context.Background(), name, bytes.NewReader([]byte("%PDF-1.4 "+name)))
	if err != nil {
		tb.Fatal(err)
	}
	a.Material = material
	return a
}

// fixture returns a complete declaration of a township in 霍邱县 (as the
// bureau's and the syncer's tests use).
func fixture() *app.Declaration {
	return &app.Declaration{
		PlanYear:        2027,
		ProjectName:     "霍邱县城关镇智慧社区管理平台",
		UnitName:        "霍邱县城关镇人民政府",
		UnitCreditCode:  "11341522003064951U",
		RegionCode:      "341522",
		Contact:         app.Contact{Leader: "王建国", Person: "李梅", Phone: "0564-6012345"},
		Nature:          app.NatureNew,
		ServiceTypes:    []app.ServiceType{app.ServiceSoftware, app.ServiceThirdParty},
		Class:           app.ClassPublic,
		Plan:            app.PlanListed,
		PeriodStart:     "2027-03",
		PeriodEnd:       "2027-12",
		Goals:           "建成覆盖全镇 12 个社区的网格化管理平台，事件处置时限缩短 30%",
		Content:         "网格事件上报、分拨、督办；社区人口与房屋基础信息管理；与县级平台对接",
		Modules:         []app.Module{{Name: "事件上报", Description: "网格员移动端上报"}, {Name: "督办考核"}},
		Integrated:      true,
		DataResources:   "产生社区人口、房屋、事件数据，共享至县数据共享交换平台",
		SharingAnalysis: "向县数据共享交换平台提供人口、房屋数据",
		SharesData:      true,
		Security:        app.Security{Level: 2, Plan: "按等保二级建设，三同步", Assess: true},
		Crypto:          app.CryptoPlan{Level: 2, Summary: "采用 SM2/SM3/SM4，身份鉴别使用数字证书", Review: true},
		Deployment:      app.Deployment{Mode: app.DeployEgovCloud, Resources: "8 核 32G，存储 2T"},
		Xinchuang:       app.Xinchuang{Supported: true, Notes: "麒麟 V10、达梦 8"},
		OMPlan:          "质保期一年，之后纳入县统一运维",
		Schedule:        []app.Milestone{{Name: "招标采购", Due: "2027-04"}, {Name: "上线试运行", Due: "2027-10"}, {Name: "竣工验收", Due: "2027-12"}},
		TotalInvestment: app.Wans(180),
		YearAmount:      app.Wans(180),
		Budget: []app.BudgetItem{
			{Category: app.BudgetSoftwareDev, Name: "平台软件开发", Amount: app.Wans(120)},
			{Category: app.BudgetHardware, Name: "移动终端", Quantity: 60, Amount: app.Wans(30)},
			{Category: app.BudgetSupervision, Name: "工程监理", Amount: app.Wans(10)},
			{Category: app.BudgetSecurityEval, Name: "等保测评", Amount: app.Wans(8)},
			{Category: app.BudgetCryptoEval, Name: "密评", Amount: app.Wans(7)},
			{Category: app.BudgetTesting, Name: "第三方软件测试", Amount: app.Wans(5)},
		},
		Funding: []app.Funding{{Kind: app.FundLocal, Amount: app.Wans(150)}, {Kind: app.FundTransfer, Amount: app.Wans(30)}},
	}
}
