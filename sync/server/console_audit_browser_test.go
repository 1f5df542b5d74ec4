//go:build browser

package server_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"egovdesk/app"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server"
)

// TestConsoleBrowserAudit drives 安全审计 in a real headless Chromium: an
// auditor logs in, lands on the page, is offered nothing else, searches
// the failed logins and sees the one from the loopback address. With
// CONSOLE_SCREENSHOTS set it saves the page there.
func TestConsoleBrowserAudit(t *testing.T) {
	// Skip before the set-up when there is no browser.
	chromium(t)
	fx := MustBureau(t)
	if _, err := fx.srv.AddAccount(context.Background(), server.NewAccount{Login: "auditor", Name: "审计员甲", Role: app.RoleAuditor, Password: password}); err != nil {
		t.Fatal(err)
	}
	fx.do("POST", protocol.PathLogin, "", protocol.LoginRequest{Login: "reviewer", Password: "wrong-password-123"})

	br := newChromeTab(t, 60*time.Second)
	ctx, step, text := br.ctx, br.step, br.text
	step("log in as the auditor",
		chromedp.Navigate(fx.http.URL+"/console/login"),
		chromedp.WaitVisible(chromedp.CSS(`input[name=login]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=login]`), "auditor"),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), password),
		chromedp.Click(chromedp.CSS(`form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`table.audit`)))
	if nav := text("nav"); strings.TrimSpace(nav) != "安全审计" {
		t.Errorf("an auditor is offered %q", nav)
	}
	step("search the failed logins",
		chromedp.SetValue(chromedp.CSS(`select[name=outcome]`), "denied"),
		chromedp.SetValue(chromedp.CSS(`select[name=action]`), "login"), // 登录, in the list of operations
		chromedp.Click(chromedp.CSS(`form.search button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`table.audit`)))
	// The unfiltered table stays visible until the search's page replaces
	// it: read until the page is the search's (or 10 s have passed).
	var rows string
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
		if s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("table.audit tbody"))); err == nil {
			if rows = s; !strings.Contains(rows, "成功") {
				break
			}
		}
	}
	if !strings.Contains(rows, "reviewer") || !strings.Contains(rows, "127.0.0.1") || !strings.Contains(rows, "拒绝") || !strings.Contains(rows, "登录") ||
		strings.Contains(rows, "成功") || !strings.Contains(rows, "2027-03-01 09:00") { // the bureau's time, not UTC
		t.Errorf("failed logins:\n%s", rows)
	}
	if dir := os.Getenv("CONSOLE_SCREENSHOTS"); dir != "" {
		png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "console-audit.png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
