//go:build browser

package server_test

import (
	"context"
	"net/http"
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

// TestConsoleBrowserIdleResume drives the idle page's login in a real
// headless Chromium: a reviewer writes a 退回修改 reason and a remark on
// 建设目标, leaves the page past the idle time (a page with a decision to
// write does not reload itself), sends it, is told the session ended, logs
// in again on that page and finds the reason, the remark and the decision
// back in the form, and sends it: taken.
func TestConsoleBrowserIdleResume(t *testing.T) {
	chromium(t)
	fx := MustBureau(t, func(c *server.Config) { c.SessionIdle = 15 * time.Minute })
	f := newFiling(t, fx.unitA.ID)
	fx.submit(fx.clerkA, f, http.StatusCreated)
	br := newChromeTab(t, 90*time.Second)
	step, text, value, shot := br.step, br.text, br.value, br.shot
	const reason, remark = "一、补充与县级平台对接的接口清单；二、核减硬件购置费", "目标须量化到可考核的指标"
	step("write a return",
		chromedp.Navigate(fx.http.URL+"/console/login"),
		chromedp.WaitVisible(chromedp.CSS(`input[name=login]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=login]`), "reviewer"),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), password),
		chromedp.Click(chromedp.CSS(`form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`table.list`)),
		chromedp.Navigate(fx.http.URL+"/console/filings/"+f.ID),
		chromedp.WaitVisible(chromedp.CSS(`form#decide`)),
		chromedp.Click(chromedp.CSS(`input[name=action][value=return]`)),
		chromedp.SendKeys(chromedp.CSS(`textarea[name=comment]`), reason),
		chromedp.SendKeys(chromedp.CSS(`textarea[name="remark:goals"]`), remark))
	fx.clock.Advance(16 * time.Minute)
	step("send it after the session ended",
		chromedp.Click(chromedp.CSS(`form#decide button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/console/login/resume"]`)))
	if h := text("h1"); !strings.Contains(h, "登录已超时") {
		t.Errorf("after the session ended: %q", h)
	}
	shot("console-idle-resume.png")
	if got := value(`form[action="/console/login/resume"] input[name=login]`); got != "reviewer" {
		t.Errorf("the login name is not filled in: %q", got)
	}
	step("log in again on that page",
		chromedp.SendKeys(chromedp.CSS(`form[action="/console/login/resume"] input[name=password]`), password),
		chromedp.Click(chromedp.CSS(`form[action="/console/login/resume"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`form#decide`)))
	if got := value(`textarea[name=comment]`); got != reason {
		t.Errorf("the reason given back: %q", got)
	}
	if got := value(`textarea[name="remark:goals"]`); got != remark {
		t.Errorf("the remark given back: %q", got)
	}
	checked, err := chromedp.Run(br.ctx, chromedp.Evaluate[bool](`document.querySelector('input[name=action][value=return]').checked`))
	if err != nil {
		t.Fatal(err)
	}
	if !checked {
		t.Error("退回修改 is not chosen again")
	}
	if s := text("p[role=status]"); !strings.Contains(s, "已填回") {
		t.Errorf("notice: %q", s)
	}
	// The refilled page shows a p.ok notice of its own: wait for the answer's.
	step("send it", chromedp.Click(chromedp.CSS(`form#decide button[type=submit]`)))
	br.waitText("p.ok", "已退回修改")
}
