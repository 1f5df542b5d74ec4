//go:build ci

package main

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"egovdesk/app"
	"egovdesk/app/apptest"
	"egovdesk/ui"
)

// hasHan reports whether s holds a Chinese character.
func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// chineseOn returns every Chinese text under o (the window's content and
// its dialogs and menus): the text drawn (labels, buttons, entries, rich
// text, hyperlinks, cards, tabs, the list rows and table cells on screen,
// check boxes), the placeholders of entries and the options of drop-downs
// and radio and check groups, which are drawn only when opened.
func chineseOn(o fyne.CanvasObject) []string {
	var bad []string
	add := func(what, s string) {
		if hasHan(s) {
			bad = append(bad, what+" "+s)
		}
	}
	walkAll(o, func(c fyne.CanvasObject) {
		switch v := c.(type) {
		case *canvas.Text:
			add("text", v.Text)
		case *widget.Entry:
			add("placeholder", v.PlaceHolder)
		case *widget.Select:
			add("select", v.PlaceHolder)
			if slices.Contains(v.Options, "English") {
				break // the languages, each in its own
			}
			for _, op := range v.Options {
				add("option", op)
			}
		case *widget.RadioGroup:
			for _, op := range v.Options {
				add("radio", op)
			}
		case *widget.CheckGroup:
			for _, op := range v.Options {
				add("check", op)
			}
		}
	})
	return bad
}

// english is the state of an English-walking test: the client, its window
// and what was found in Chinese, by screen.
type english struct {
	tb    testing.TB
	d     *harness
	w     fyne.Window
	found map[string]bool
}

// look records the Chinese text on the window now, as screen.
func (en *english) look(screen string) {
	en.tb.Helper()
	en.d.pump()
	objs := []fyne.CanvasObject{en.w.Content()}
	objs = append(objs, en.w.Canvas().Overlays().List()...)
	for _, o := range objs {
		for _, s := range chineseOn(o) {
			if !en.found[s] {
				en.found[s] = true
				en.tb.Errorf("%s shows Chinese in English: %s", screen, s)
			}
		}
	}
	if hasHan(en.w.Title()) {
		en.tb.Errorf("window title %q", en.w.Title())
	}
}

// closeDialogs hides every dialog and menu.
func (en *english) closeDialogs() {
	for _, o := range en.w.Canvas().Overlays().List() {
		o.Hide()
		en.w.Canvas().Overlays().Remove(o)
	}
}

// button returns the visible button labelled text.
func (en *english) button(text string) *widget.Button {
	en.tb.Helper()
	return find(en.tb, en.w.Content(), text, func(b *widget.Button) bool { return b.Text == text && b.Visible() })
}

// openSelects pops up the drop-downs under o, one after the other, so
// the menus they draw are looked at too.
func (en *english) openSelects(screen string, o fyne.CanvasObject) {
	var sels []*widget.Select
	walkAll(o, func(c fyne.CanvasObject) {
		if s, ok := c.(*widget.Select); ok && s.Visible() && !s.Disabled() {
			sels = append(sels, s)
		}
	})
	for _, s := range sels[:min(len(sels), 3)] {
		test.Tap(s)
		en.look(screen + " (drop-down)")
		en.closeDialogs()
	}
}

// asciiOnly replaces the Chinese strings in the struct v points to with
// ASCII, so a fixture shows no Chinese as user data.
func asciiOnly(v any) {
	var walk func(r reflect.Value)
	walk = func(r reflect.Value) {
		switch r.Kind() {
		case reflect.Pointer:
			if !r.IsNil() {
				walk(r.Elem())
			}
		case reflect.Struct:
			for i := 0; i < r.NumField(); i++ {
				if r.Type().Field(i).IsExported() {
					walk(r.Field(i))
				}
			}
		case reflect.Slice:
			for i := 0; i < r.Len(); i++ {
				walk(r.Index(i))
			}
		case reflect.String:
			if hasHan(r.String()) && r.CanSet() {
				r.SetString("Sample text " + strings.Repeat("x", len([]rune(r.String()))%7))
			}
		}
	}
	walk(reflect.ValueOf(v))
}

// mustASCIIBureau starts the real bureau with 霍邱县's profile and a unit,
// clerk and reviewer whose names are ASCII.
func mustASCIIBureau(tb testing.TB) string {
	tb.Helper()
	return mustBureauNamed(tb, "huoqiu", bureauNames{unit: "Chengguan Town Government", clerk: "Li Mei", reviewer: "Wang Shen"})
}

// Every screen in English shows no Chinese outside user data (all ASCII
// here): the first run with a refused login, the list and its filters, the
// new-filing menu, every section of a new declaration and its problem list,
// the catalogue editor with a resource, an item and the 三清单 tabs, a trial
// report too short, an acceptance application, a submitted declaration
// returned by the real bureau with the inbox and the timeline, and the
// settings.
func TestEveryScreenInEnglish(t *testing.T) {
	if err := ui.SetupLanguage(ui.LangEnglish); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ui.SetupLanguage(ui.LangChinese) })
	addr := mustASCIIBureau(t)
	files := &pickedFiles{}
	notes := &notices{}
	d, w := mustDeskWith(t, t.TempDir(), func(o *deskOptions) { o.files, o.notifier = files, notes })
	c := clerkOf(t, d)
	en := &english{tb: t, d: d, w: w, found: map[string]bool{}}
	ctx := context.Background()
	d.ui.Start()
	en.look("first run")

	// A refused login says why in English.
	content := w.Content()
	entry := func(placeholder string) *widget.Entry {
		return find(t, content, placeholder, func(e *widget.Entry) bool { return e.PlaceHolder == placeholder })
	}
	test.Type(entry("https://sgj.example.gov.cn:8443"), addr)
	test.Type(find(t, content, "login", func(e *widget.Entry) bool { return !e.Password && e.PlaceHolder != "" && e.Text == "" }), "clerk")
	pw := find(t, content, "password", func(e *widget.Entry) bool { return e.Password })
	test.Type(pw, "wrong password")
	connect := en.button("Connect to the bureau")
	test.Tap(connect)
	d.eventually(t, "the refusal", func() bool { return !connect.Disabled() })
	en.look("first run, login refused")
	retype(pw, password)
	test.Tap(connect)
	d.eventually(t, "the login", func() bool { return d.link.Session().Configured && c.homeShown() })
	d.eventually(t, "the list", func() bool {
		return strings.Contains(c.text(), ui.T("还没有材料。点“新建材料”选择要填写的材料，填写内容会自动保存。"))
	})
	en.look("home")
	en.openSelects("home", w.Content())
	test.Tap(en.button("New filing"))
	en.look("new filing menu")
	en.closeDialogs()

	// A new declaration, every section, then its problem list.
	d.ui.NewDeclaration()
	var secs *widget.List
	walkAll(w.Content(), func(o fyne.CanvasObject) {
		if l := embeddedList(o); l != nil && secs == nil {
			secs = l
		}
	})
	for i := 0; i < secs.Length(); i++ {
		secs.Select(i)
		en.look(fmt.Sprintf("declaration section %d", i+1))
		en.openSelects(fmt.Sprintf("declaration section %d", i+1), w.Content())
	}
	c.section(ui.T("投资"))
	c.tap(ui.T("添加一行"))
	test.Type(c.entry(ui.T("总投资概算（万元）")), "8o")
	en.look("declaration with a bad amount")
	c.tap(ui.T("检查并提交"))
	en.look("declaration problem list")
	en.closeDialogs()

	// The catalogue, a resource with an item, the three lists.
	d.ui.NewFiling(app.KindCatalogue)
	c.section(ui.T("信息资源"))
	c.tap(ui.T("添加资源"))
	c.tap(ui.T("添加信息项"))
	en.look("catalogue resource")
	en.openSelects("catalogue resource", w.Content())
	for i, list := range []string{"需求清单", "责任清单", "负面清单"} {
		c.section(ui.T("三清单"))
		c.tapText("the tab "+list, func(s string) bool { return s == ui.T(list) })
		c.tap(ui.T([]string{"添加需求", "添加责任", "添加负面清单"}[i]))
		en.look("catalogue list " + []string{"demands", "duties", "negatives"}[i])
	}
	c.tap(ui.T("检查并提交"))
	en.look("catalogue problem list")
	en.closeDialogs()

	// A trial report too short, and an acceptance application.
	d.ui.NewFiling(app.KindTrialReport)
	c.section(ui.T("试运行期"))
	test.Type(c.entry(ui.T("试运行开始日期")), "2027-03-01")
	test.Type(c.entry(ui.T("试运行结束日期")), "2027-03-20")
	en.look("trial report")
	c.tap(ui.T("检查并提交"))
	en.look("trial report problem list")
	en.closeDialogs()
	d.ui.NewFiling(app.KindAcceptance)
	en.look("acceptance")
	c.tap(ui.T("检查并提交"))
	en.look("acceptance problem list")
	en.closeDialogs()

	// A declaration submitted, delivered, returned: inbox and timeline.
	f, err := app.NewFiling(app.KindDeclaration, "7e6f4c1a-1d2b-4c3d-8e9f-a0b1c2d3e4f5", "7e6f4c1a-1d2b-4c3d-8e9f-a0b1c2d3e4f6", d.link.Session().UnitID, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	f.Declaration = apptest.Declaration()
	asciiOnly(f.Declaration)
	f.Declaration.ProjectName = "Chengguan Smart Community Platform"
	f.Declaration.UnitName = d.link.Session().UnitName // its own unit's (app.CheckOwnUnit)
	if err := d.store.Save(ctx, f); err != nil {
		t.Fatal(err)
	}
	d.ui.OpenFiling(f.ID)
	c.section(ui.T("确认事项"))
	c.tickAll()
	dir := t.TempDir()
	c.section(ui.T("附件"))
	for _, need := range d.link.Profile().Evaluate(f.Declaration, time.Now()).MissingMaterials(nil) {
		c.attach(files, pdf(t, dir, need.Codes[0]+".pdf"), c.button(ui.T("添加附件…")))
	}
	en.look("complete declaration")
	if ps := c.submit(); ps != "" {
		t.Fatalf("problems left:\n%s", ps)
	}
	en.look("submit confirmation")
	tapDialogButton(t, w, "Yes")
	d.eventually(t, "the outbox item", func() bool { n, _ := d.store.PendingCount(ctx); return n == 1 })
	en.look("declaration queued")
	if err := d.link.SyncOnce(ctx); err != nil {
		t.Fatalf("sync: %v", err)
	}
	d.pump()
	en.look("declaration delivered")
	decide(t, mustReviewer(t, addr), f.ID, "Please add the interface list.", app.ActionReturn)
	if err := d.link.SyncOnce(ctx); err != nil {
		t.Fatalf("sync: %v", err)
	}
	d.eventually(t, "the notification", func() bool { return len(notes.all()) == 1 })
	d.ui.ShowHome()
	d.eventually(t, "the returned filing in the list", func() bool { return strings.Contains(c.text(), f.Declaration.ProjectName) })
	en.look("home with a returned filing")
	inbox, err := d.store.Inbox(ctx)
	if err != nil || len(inbox) != 1 {
		t.Fatalf("inbox %+v, %v", inbox, err)
	}
	d.ui.ShowInbox()
	en.look("inbox")
	openInboxEntry(c, inbox[0])
	en.look("inbox entry")
	d.ui.OpenTimeline(f.ID)
	en.look("timeline")
	d.ui.OpenFiling(f.ID)
	en.look("returned declaration")

	test.Tap(en.button("Settings"))
	en.look("settings")
	if len(en.found) > 0 {
		var all []string
		for s := range en.found {
			all = append(all, s)
		}
		sort.Strings(all)
		t.Logf("%d Chinese texts:\n%s", len(all), strings.Join(all, "\n"))
	}
}

// Choosing English in the settings turns the whole window English at once,
// on the settings screen still; choosing 简体中文 turns it back.
func TestLanguageSwitchWithoutRestart(t *testing.T) {
	t.Cleanup(func() { _ = ui.SetupLanguage(ui.LangChinese) })
	d, w := MustDesk(t)
	if err := d.link.WorkOffline("huoqiu", "Chengguan Town Government", "Li Mei"); err != nil {
		t.Fatal(err)
	}
	d.ui.Start()
	d.pump()
	test.Tap(find(t, w.Content(), "设置", func(b *widget.Button) bool { return b.Text == "设置" }))
	lang := find(t, w.Content(), "the language", func(s *widget.Select) bool { return s.Selected == "简体中文" })
	before := w.Content()
	lang.SetSelected("English")
	d.pump()
	if w.Content() == before {
		t.Fatal("choosing English did not rebuild the window's content in the same window")
	}
	if bad := chineseOn(w.Content()); len(bad) > 0 {
		t.Errorf("after choosing English:\n%s", strings.Join(bad, "\n"))
	}
	find(t, w.Content(), "the settings in English", func(s *widget.Select) bool { return s.Selected == "English" })
	if a := fyne.CurrentApp().Preferences().String(ui.PrefLanguage); a != ui.LangEnglish {
		t.Errorf("preference %q", a)
	}
	test.Tap(find(t, w.Content(), "All filings", func(b *widget.Button) bool { return b.Text == "All filings" }))
	if !clerkOf(t, d).homeShown() {
		t.Error("the list does not open after the switch")
	}
	test.Tap(find(t, w.Content(), "Settings", func(b *widget.Button) bool { return b.Text == "Settings" }))
	find(t, w.Content(), "the language", func(s *widget.Select) bool { return s.Selected == "English" }).SetSelected("简体中文")
	d.pump()
	find(t, w.Content(), "全部材料", func(b *widget.Button) bool { return b.Text == "全部材料" })
}

// Every editor of a project's later filings (投入运行, 项目调整, 验收后备案,
// 运维备案, 绩效评价) in English shows no Chinese outside user data: each
// section's field labels, hints, choices and headings, the profile's rule
// for the kind and, for an adjustment, the old-vs-new table and the route.
// Started from a project (为此项目新建…) under 武汉 (which has adjustments
// and performance reports) and 霍邱县 (which has O&M filings), so the
// pre-filled lines show too. A label added without its English fails here.
func TestLaterFilingEditorsInEnglish(t *testing.T) {
	if err := ui.SetupLanguage(ui.LangEnglish); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ui.SetupLanguage(ui.LangChinese) })
	for _, c := range []struct {
		profile string
		kinds   []app.Kind
	}{
		{"wuhan", []app.Kind{app.KindGoLive, app.KindAdjustment, app.KindAcceptanceFiling, app.KindPerformance}},
		{"huoqiu", []app.Kind{app.KindOMFiling}},
	} {
		t.Run(c.profile, func(t *testing.T) {
			d, w := MustDesk(t)
			if err := d.link.WorkOffline(c.profile, "Chengguan Town Government", "Li Mei"); err != nil {
				t.Fatal(err)
			}
			en := &english{tb: t, d: d, w: w, found: map[string]bool{}}
			d.ui.Start()
			d.pump()
			decl, err := app.NewFiling(app.KindDeclaration, "7e6f4c1a-1d2b-4c3d-8e9f-a0b1c2d3e4f5", "7e6f4c1a-1d2b-4c3d-8e9f-a0b1c2d3e4f6", d.link.Session().UnitID, time.Now().AddDate(-1, 0, 0))
			if err != nil {
				t.Fatal(err)
			}
			decl.Declaration = apptest.Declaration()
			asciiOnly(decl.Declaration)
			decl.Declaration.ProjectName = "Chengguan Smart Community Platform"
			if err := d.store.Save(context.Background(), decl); err != nil {
				t.Fatal(err)
			}
			for _, k := range c.kinds {
				clerkOf(t, d).newFiling(func() { d.ui.NewForProject(decl.ID, k) })
				var secs *widget.List
				walkAll(w.Content(), func(o fyne.CanvasObject) {
					if l := embeddedList(o); l != nil && secs == nil {
						secs = l
					}
				})
				for i := 0; i < secs.Length(); i++ {
					secs.Select(i)
					screen := fmt.Sprintf("%s section %d", k, i+1)
					en.look(screen)
					en.openSelects(screen, w.Content())
				}
				if k == app.KindAdjustment {
					// Once a type is chosen: the route, the conditions of
					// 第十九条 and the listed situations.
					secs.Select(0)
					find(t, w.Content(), "the adjustment's type", func(s *widget.Select) bool {
						return slices.Contains(s.Options, ui.T("项目调整"))
					}).SetSelected(ui.T("项目调整"))
					en.look("adjustment with its type")
					en.openSelects("adjustment with its type", w.Content())
				}
			}
			if len(en.found) > 0 {
				var all []string
				for s := range en.found {
					all = append(all, s)
				}
				sort.Strings(all)
				t.Logf("%d Chinese texts:\n%s", len(all), strings.Join(all, "\n"))
			}
		})
	}
}
