//go:build browser

package server_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"egovdesk/app"
	"egovdesk/sync/server"
)

// TestConsoleBrowserPasswordAndIdle drives the password and session
// policy's pages in a real headless Chromium: a reviewer an admin just
// created logs in with the initial password, lands on 修改密码, is refused
// a new password with the login in it, changes it and reaches the queue;
// left alone past the idle time, the page reloads itself onto the login
// page saying the session ended for inactivity. With CONSOLE_SCREENSHOTS
// set it saves both pages there.
func TestConsoleBrowserPasswordAndIdle(t *testing.T) {
	// Skip before the set-up when there is no browser.
	chromium(t)
	fx := MustBureau(t, func(c *server.Config) { c.SessionIdle = 3 * time.Second }) // the reload comes 5 s after it
	if _, err := fx.srv.AddAccount(context.Background(), server.NewAccount{Login: "zhaoliu", Name: "赵六", Role: app.RoleReviewer,
		Password: "Initial-2027", MustChange: true}); err != nil {
		t.Fatal(err)
	}
	br := newChromeTab(t, 90*time.Second)
	step, text, shot := br.step, br.text, br.shot
	step("log in with the initial password",
		chromedp.Navigate(fx.http.URL+"/console/login"),
		chromedp.WaitVisible(chromedp.CSS(`input[name=login]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=login]`), "zhaoliu"),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), "Initial-2027"),
		chromedp.Click(chromedp.CSS(`form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`input[name=new_password]`)))
	if h := text("h1"); h != "修改密码" {
		t.Fatalf("after the login: %q", h)
	}
	if a := text("p.alert"); !strings.Contains(a, "首次登录时修改") {
		t.Errorf("reason: %q", a)
	}
	step("a new password with the login in it",
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), "Initial-2027"),
		chromedp.SendKeys(chromedp.CSS(`input[name=new_password]`), "zhaoliu-2027-X"),
		chromedp.SendKeys(chromedp.CSS(`input[name=confirm]`), "zhaoliu-2027-X"),
		chromedp.Click(chromedp.CSS(`form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`div.alert`)))
	if a := text("div.alert"); !strings.Contains(a, "密码不能包含登录名") {
		t.Errorf("refusal: %q", a)
	}
	shot("console-password.png")
	step("a good one",
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), "Initial-2027"),
		chromedp.SendKeys(chromedp.CSS(`input[name=new_password]`), "Mine-2027-z"),
		chromedp.SendKeys(chromedp.CSS(`input[name=confirm]`), "Mine-2027-z"),
		chromedp.Click(chromedp.CSS(`form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`table.list`)))
	if h := text("h1"); !strings.Contains(h, "待审核") {
		t.Errorf("after the change: %q", h)
	}
	// Left alone: the page reloads after the idle time and the server has
	// ended the session (the test clock moves; the browser's does too).
	fx.clock.Advance(10 * time.Second)
	step("the idle logout", chromedp.WaitVisible(chromedp.CSS(`p[role=status]`)))
	if a := text("p[role=status]"); !strings.Contains(a, "没有操作") || !strings.Contains(a, "自动退出登录") {
		t.Errorf("idle notice: %q", a)
	}
	shot("console-idle-logout.png")
}
