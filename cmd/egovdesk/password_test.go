package main

import (
	"context"
	"os"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"egovdesk/app"
	"egovdesk/sync/bureautest"
	"egovdesk/sync/server"
)

// TestForcedPasswordChangeOnConnect: a clerk whose account an admin just
// created connects with the initial password; the bureau refuses it until
// it is changed, the client shows the change-password dialog, refuses a
// mismatch itself and the bureau's rules through it, and connects once
// the new password is accepted.
func TestForcedPasswordChangeOnConnect(t *testing.T) {
	ctx := context.Background()
	b := bureautest.Start(t, bureautest.Options{BadgerOnly: true})
	data, err := os.ReadFile("../../assets/profiles/huoqiu.json")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Server.SetProfile(ctx, "huoqiu.json", data); err != nil {
		t.Fatal(err)
	}
	unit := b.AddUnit("霍邱县城关镇人民政府", "11341522003064951U")
	if _, err := b.Server.AddAccount(ctx, server.NewAccount{Login: "limei", Name: "李梅", Role: app.RoleUnit, UnitID: unit.ID,
		Password: "Initial-2027", MustChange: true}); err != nil {
		t.Fatal(err)
	}
	d, w := mustDeskWith(t, t.TempDir(), nil)
	d.ui.Start()
	d.pump()
	content := w.Content()
	entry := func(placeholder string) *widget.Entry {
		return find(t, content, placeholder, func(e *widget.Entry) bool { return e.PlaceHolder == placeholder })
	}
	test.Type(entry("https://sgj.example.gov.cn:8443"), b.URL)
	test.Type(entry("数管局分配的账号"), "limei")
	test.Type(entry("密码"), "Initial-2027")
	connect := find(t, content, "连接数管局", func(b *widget.Button) bool { return b.Text == "连接数管局" })
	var submit *widget.Button
	opened := func() bool {
		top := w.Canvas().Overlays().Top()
		if top == nil {
			return false
		}
		found := false
		walkAll(top, func(o fyne.CanvasObject) {
			if bt, ok := as[*widget.Button](o); ok && bt.Text == "修改密码并连接" {
				submit, found = bt, true
			}
		})
		return found
	}
	// Escape in the dialog (its field has the keyboard) leaves it, and the
	// setup screen says how to come back to it.
	test.Tap(connect)
	d.eventually(t, "the change-password dialog", opened)
	w.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	d.pump()
	says := false
	walkAll(content, func(o fyne.CanvasObject) {
		if s, ok := shownString(o); ok && o.Visible() && strings.Contains(s, "请再次点击“连接数管局”") {
			says = true
		}
	})
	if w.Canvas().Overlays().Top() != nil || !says {
		t.Fatalf("Escape: dialog open %v; the screen says how to come back to it: %v", w.Canvas().Overlays().Top() != nil, says)
	}
	test.Tap(connect)
	d.eventually(t, "the change-password dialog again", opened)
	dlg := w.Canvas().Overlays().Top()
	var entries []*widget.Entry
	var fields []fyne.Focusable // the widgets that take the keyboard: ui's dialog fields
	walkAll(dlg, func(o fyne.CanvasObject) {
		if e := embeddedEntry(o); e != nil {
			entries = append(entries, e)
			fields = append(fields, o.(fyne.Focusable))
		}
	})
	if len(entries) != 2 || d.link.Session().Configured {
		t.Fatalf("dialog has %d entries; session %+v", len(entries), d.link.Session())
	}
	if f := w.Canvas().Focused(); f != fields[0] {
		t.Errorf("the dialog opens with %T focused, not the new password's field", f)
	}
	label := func(text string) bool {
		found := false
		walkAll(dlg, func(o fyne.CanvasObject) {
			if s, ok := shownString(o); ok && o.Visible() && strings.Contains(s, text) {
				found = true
			}
		})
		return found
	}
	if !label("首次登录时修改") {
		t.Error("the dialog does not say why")
	}
	test.Type(entries[0], "Mine-2027-a")
	test.Type(entries[1], "Mine-2027-b")
	test.Tap(submit)
	if !label("两次输入的新密码不一致") {
		t.Error("mismatch not refused")
	}
	entries[0].SetText("limei-Mine-2027")
	entries[1].SetText("limei-Mine-2027")
	test.Tap(submit)
	d.eventually(t, "the bureau's rule", func() bool { return label("不能包含登录名") })
	entries[0].SetText("Mine-2027-a")
	entries[1].SetText("Mine-2027-a")
	// Enter in the second field sends the form, as 修改密码并连接 does.
	w.Canvas().Focus(fields[1])
	pressEnter(w.Canvas().Focused())
	d.eventually(t, "the connection", func() bool { return d.link.Session().Configured })
	if s := d.link.Session(); s.Login != "limei" || s.Actor != "李梅" {
		t.Errorf("session %+v", s)
	}
}
