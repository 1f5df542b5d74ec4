package ui

import (
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"egovdesk/app"
	"egovdesk/app/apptest"
)

// halfLaptop is half a 1366 px screen, what a clerk keeping the
// regulation's PDF beside the client gives the window.
const halfLaptop = 680

// Every screen fits half a laptop's screen: its buttons wrap onto more
// lines, inside the window, none over another. The editor's buttons
// alone wanted 976 px and the home screen's filters 819.
func TestScreensFitHalfALaptopScreen(t *testing.T) {
	x := newScreens(t, "huoqiu", nil)
	d := declared(t, x)
	x.store.put(d)
	later := map[app.Kind]*app.Filing{}
	for _, k := range []app.Kind{app.KindCatalogue, app.KindTrialReport, app.KindAcceptance} {
		f, err := app.NewFiling(k, newID(), newID(), "local", x.u.Now())
		if err != nil {
			t.Fatal(err)
		}
		f.ProjectID = d.ID
		x.store.put(f)
		later[k] = f
	}
	x.w.Resize(fyne.NewSize(halfLaptop, 740))
	screens := []string{"home", "inbox", "settings", "timeline:" + d.ID, "dossier:" + d.ID, "filing:" + d.ID}
	for _, f := range later {
		screens = append(screens, "filing:"+f.ID)
	}
	for _, s := range screens {
		x.u.Show(s)
		x.pump()
		x.w.Content().Refresh()
		x.pump()
		if m := x.w.Content().MinSize(); m.Width > halfLaptop {
			t.Errorf("%s needs %v px", s, m.Width)
		}
		var boxes []fyne.Position
		var sizes []fyne.Size
		var names []string
		walkButtons(x.w.Content(), func(drawn fyne.CanvasObject, b *widget.Button) {
			pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(drawn)
			if pos.X < 0 || pos.X+b.Size().Width > halfLaptop+0.5 {
				t.Errorf("%s: button %q at x %v..%v, outside the window", s, b.Text, pos.X, pos.X+b.Size().Width)
			}
			for i := range boxes {
				if pos.X < boxes[i].X+sizes[i].Width && boxes[i].X < pos.X+b.Size().Width &&
					pos.Y < boxes[i].Y+sizes[i].Height && boxes[i].Y < pos.Y+b.Size().Height {
					t.Errorf("%s: button %q over %q", s, b.Text, names[i])
				}
			}
			// A button is as tall as it needs: a border stretched the
			// timeline's to the two lines beside them (80 px).
			if h, min := b.Size().Height, b.MinSize().Height; h > min+1 {
				t.Errorf("%s: button %q %v px tall, needs %v", s, b.Text, h, min)
			}
			boxes, sizes, names = append(boxes, pos), append(sizes, b.Size()), append(names, b.Text)
		})
		if len(boxes) == 0 {
			t.Errorf("%s: no buttons found", s)
		}
	}
}

// A long reason a submission waits or was set aside for wraps on a line of
// its own: on the state line it made the window wider than the screen
// (1545 px on a 1366 px one) and pushed 重新发送 off it.
func TestLongSendReasonWraps(t *testing.T) {
	x := newScreens(t, "huoqiu", nil)
	d := declared(t, x)
	x.store.put(d)
	reason := "数管局未接收第 1 版：每段上传不能超过 1.0 MB；已保存前 1048576 字节，请从 1048576 继续。" +
		"请检查网络后再次发送，或联系数管局确认上传限制是否已经调整，调整后点“重新发送”。"
	x.store.mu.Lock()
	x.store.send[d.ID] = app.Send{State: app.SendQuarantined, Reason: reason}
	x.store.mu.Unlock()
	x.u.Show("filing:" + d.ID)
	// A store change reopens a read-only filing's editor: look at the one shown.
	x.eventually(t, "the state read", func() bool { return x.u.editor.sendWhy.Visible() })
	e := x.u.editor
	if m := x.w.Content().MinSize(); m.Width > halfLaptop {
		t.Errorf("with the reason shown the window needs %v px", m.Width)
	}
	if !strings.Contains(e.sendWhy.Text, reason) || strings.Contains(e.send.Text, reason) || !e.retry.Visible() {
		t.Errorf("state %q, reason %q (shown %v), 重新发送 shown %v", e.send.Text, e.sendWhy.Text, e.sendWhy.Visible(), e.retry.Visible())
	}
	// showState runs on the UI thread; nothing else runs until the next pump.
	e.showState(nil, app.Send{State: app.SendSent}, withdrawal{}, nil)
	// (approved: the state line says no more, TestDecidedRevisionDoesNotSayDelivered)
	if e.sendWhy.Visible() || e.retry.Visible() || e.send.Text != "" {
		t.Errorf("sent: state %q, the reason still shown %v", e.send.Text, e.sendWhy.Visible())
	}
}

// 新建 offers only what the profile takes: 霍邱 has no rule for 项目调整,
// 验收后备案 or 绩效评价, and its clerk learned so only after choosing one.
func TestNewMenusOfferWhatTheProfileTakes(t *testing.T) {
	for _, tc := range []struct {
		profile string
		absent  []app.Kind
		present []app.Kind
	}{
		{"huoqiu", []app.Kind{app.KindAdjustment, app.KindAcceptanceFiling, app.KindPerformance}, []app.Kind{app.KindGoLive, app.KindOMFiling, app.KindTrialReport}},
		{"yunan", nil, []app.Kind{app.KindAdjustment, app.KindAcceptanceFiling, app.KindPerformance}},
	} {
		x := newScreens(t, tc.profile, nil)
		d := declared(t, x)
		x.store.put(d)
		for name, m := range map[string]*fyne.Menu{"新建材料": x.u.newFilingMenu(), "为此项目新建": x.u.projectMenu(d.ID, "", nil), "文件": x.u.mainMenu().Items[0]} {
			labels := map[string]bool{}
			for _, it := range m.Items {
				labels[it.Label] = true
			}
			for _, k := range tc.absent {
				if labels[T("新建")+T(k.Label())] {
					t.Errorf("%s: %s offers %s", tc.profile, name, k.Label())
				}
			}
			for _, k := range tc.present {
				if !labels[T("新建")+T(k.Label())] {
					t.Errorf("%s: %s does not offer %s", tc.profile, name, k.Label())
				}
			}
		}
	}
}

// A submitted filing still waiting to go (offline) does not say the bureau
// is handling it: the banner is true either way, and the send state says
// which.
func TestSubmittedBannerClaimsNoHandling(t *testing.T) {
	x := newScreens(t, "huoqiu", nil)
	f, err := app.NewFiling(app.KindDeclaration, newID(), newID(), "local", x.u.Now())
	if err != nil {
		t.Fatal(err)
	}
	f.Declaration = apptest.Declaration()
	if _, err := f.Submit(x.u.Now(), "陈晓"); err != nil {
		t.Fatal(err)
	}
	x.store.put(f)
	x.u.Show("filing:" + f.ID)
	x.pump()
	txt := textOf(x.u.editor.banner)
	if !strings.Contains(txt, "提交后不能再修改") || strings.Contains(txt, "处理期间") {
		t.Errorf("banner: %q", txt)
	}
}

// Every input's example (its placeholder) fits the input, on a laptop's
// screen and in half of it: the 关联资源代码 box, half the detail's width,
// showed "如 101001/000001；多个" and cut the rest (found in a clerk's
// walkthrough). Every section of an editor of each kind, filled as a clerk
// would, is drawn and measured.
func TestPlaceholdersFitTheirInputs(t *testing.T) {
	for _, width := range []float32{1366, halfLaptop} {
		t.Run(fmt.Sprint(width), func(t *testing.T) { placeholdersFit(t, width) })
	}
}

func placeholdersFit(t *testing.T, width float32) {
	x := newScreens(t, "huoqiu", nil)
	x.w.Resize(fyne.NewSize(width, 740))
	d := declared(t, x)
	x.store.put(d)
	var ids []string
	for _, k := range []app.Kind{app.KindCatalogue, app.KindTrialReport, app.KindAcceptance} {
		f, err := app.NewFiling(k, newID(), newID(), "local", x.u.Now())
		if err != nil {
			t.Fatal(err)
		}
		f.ProjectID = d.ID
		switch k {
		case app.KindCatalogue:
			f.Catalogue = apptest.Catalogue()
		case app.KindTrialReport:
			f.TrialReport = apptest.TrialReport()
		}
		x.store.put(f)
		ids = append(ids, f.ID)
	}
	blank := x.newEditor(t, app.KindDeclaration) // a new declaration: every placeholder shown
	ids = append(ids, blank.e.f.ID)
	measured := 0
	for _, id := range ids {
		x.u.OpenFiling(id)
		x.pump()
		e := x.editor(t).e
		for i := range e.sections {
			e.showSection(i)
			x.pump()
			x.w.Content().Refresh()
			x.pump()
			walkRendered(x.w.Content(), func(o fyne.CanvasObject) {
				sideBySideLevel(t, o, e.f.Kind.Label()+", "+e.sections[i].title)
				in, ok := o.(*widget.Entry)
				if !ok || in.PlaceHolder == "" || in.Text != "" || in.MultiLine || !in.Visible() || in.Size().Width == 0 {
					return
				}
				measured++
				pad := theme.InnerPadding() + theme.InputBorderSize()
				if w := fyne.MeasureText(in.PlaceHolder, theme.TextSize(), fyne.TextStyle{}).Width + 2*pad; w > in.Size().Width+0.5 {
					t.Errorf("%s, %s: the example %q needs %.0f px, its input is %.0f", e.f.Kind.Label(), e.sections[i].title, in.PlaceHolder, w, in.Size().Width)
				}
			})
		}
	}
	if measured < 8 { // 9 when written: most examples are notes above the input
		t.Errorf("only %d empty inputs with an example were measured", measured)
	}
}

// sideBySideLevel checks that the inputs of two fields side by side (a
// grid's cells) start at the same height: 关联资源代码, without a hint,
// sat a line above 发布日期 beside it, which has one.
func sideBySideLevel(t *testing.T, o fyne.CanvasObject, where string) {
	t.Helper()
	c, ok := o.(*fyne.Container)
	if !ok || c.Layout == nil || fmt.Sprintf("%T", c.Layout) != "*layout.gridLayout" || len(c.Objects) < 2 {
		return
	}
	rows := map[float32][]fyne.CanvasObject{} // cells by the row they start on
	for _, cell := range c.Objects {
		if cell.Visible() {
			rows[cell.Position().Y] = append(rows[cell.Position().Y], cell)
		}
	}
	for _, cells := range rows {
		var ys []float32
		var names []string
		for _, cell := range cells {
			var in fyne.CanvasObject
			walkRendered(cell, func(o fyne.CanvasObject) {
				switch o.(type) {
				case *widget.Entry, *widget.Select:
					if in == nil && o.Visible() {
						in = o
					}
				}
			})
			if in == nil {
				return // not fields side by side
			}
			ys = append(ys, fyne.CurrentApp().Driver().AbsolutePositionForObject(in).Y)
			names = append(names, strings.TrimSpace(textOf(cell)))
		}
		for i := 1; i < len(ys); i++ {
			if d := ys[i] - ys[0]; d > 1 || d < -1 {
				t.Errorf("%s: the input of %q starts %.0f px below that of %q beside it", where, names[i], d, names[0])
			}
		}
	}
}

// 设置's forms share one column of labels: with Fyne's forms, each as wide
// in labels as its own longest, 所在地区's input started 14 px left of
// 服务器地址's and 语言's further left.
func TestSettingsFormsStartTheirInputsLevel(t *testing.T) {
	x := newScreens(t, "huoqiu", nil)
	x.w.Resize(fyne.NewSize(1366, 740))
	s := newSetupScreen(x.u, false)
	x.u.show(s.object())
	x.pump()
	xOf := func(o fyne.CanvasObject) float32 { return fyne.CurrentApp().Driver().AbsolutePositionForObject(o).X }
	want := xOf(s.addr)
	for name, in := range map[string]fyne.CanvasObject{"账号": s.login, "所在地区": s.profile, "您的姓名": s.actor, "语言": s.language} {
		if got := xOf(in); got != want {
			t.Errorf("%s's input starts at x %v, 服务器地址's at %v", name, got, want)
		}
	}
	// and its label is beside it, not under it
	var label *widget.Label
	walkRendered(x.w.Content(), func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok && l.Text == "服务器地址" {
			label = l
		}
	})
	if label == nil {
		t.Fatal("no label 服务器地址")
	}
	if lx, ly, iy := xOf(label)+label.Size().Width, fyne.CurrentApp().Driver().AbsolutePositionForObject(label).Y, fyne.CurrentApp().Driver().AbsolutePositionForObject(s.addr).Y; lx > want || ly != iy {
		t.Errorf("the label 服务器地址 ends at x %v (its input starts at %v), at y %v (its input at %v)", lx, want, ly, iy)
	}
}

// A declaration's sections all show in the editor's list at 1366×768 (a
// window of 700 px inside the title bar and taskbar): the last, 确认事项,
// whose unticked items block the submission, was cut off under 附件, and a
// click on its sliver picked the row above (found in the real window).
func TestEverySectionShowsAtALaptopsHeight(t *testing.T) {
	x := newScreens(t, "tianning", nil)
	x.w.Resize(fyne.NewSize(1366, 700))
	h := x.newEditor(t, app.KindDeclaration)
	x.pump()
	list := h.e.secList
	d := fyne.CurrentApp().Driver()
	bottom := d.AbsolutePositionForObject(list).Y + list.Size().Height
	last := h.e.sectionLabel(len(h.e.sections) - 1)
	var row *widget.Label
	walkRendered(list, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok && l.Text == last && l.Visible() {
			row = l
		}
	})
	if row == nil {
		t.Fatalf("the section list (%v high) has no row %q", list.Size().Height, last)
	}
	if end := d.AbsolutePositionForObject(row).Y + row.Size().Height; end > bottom {
		t.Errorf("the last section %q ends %v px below the list's bottom (rows %v high)", last, end-bottom, row.Size().Height)
	}
}

// With a returned filing's banner above it, the section list shortens its
// rows so that all still show at 1366×768: 确认事项, to be ticked on that
// very screen, was below the fold (found in a walkthrough). A click on a
// row still picks that row.
func TestEverySectionShowsUnderABanner(t *testing.T) {
	x := newScreens(t, "huoqiu", nil)
	x.w.Resize(fyne.NewSize(1366, 700))
	f := returnedWithRemarks(t)
	x.store.put(f)
	x.u.OpenFiling(f.ID)
	x.pump()
	h := x.editor(t)
	test.Tap(h.e.revise)
	x.eventually(t, "the revision", func() bool { return x.u.editor != nil && x.u.editor != h.e && x.u.editor.editable })
	x.pump()
	e := x.u.editor
	if textOf(e.banner) == "" {
		t.Fatal("no banner")
	}
	list := e.secList
	d := fyne.CurrentApp().Driver()
	bottom := d.AbsolutePositionForObject(list).Y + list.Size().Height
	last := e.sectionLabel(len(e.sections) - 1)
	var row fyne.CanvasObject
	walkRendered(list, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok && l.Text == last && l.Visible() {
			row = o
		}
	})
	if row == nil {
		t.Fatalf("the section list (%v high) has no row %q", list.Size().Height, last)
	}
	// the row's text, centred in its label
	text := d.AbsolutePositionForObject(row).Y + row.Size().Height/2 + 10
	if text > bottom {
		t.Errorf("the last section's text ends %v px below the list's bottom", text-bottom)
	}
}
