//go:build browser

package server_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"egovdesk/app"
)

// TestConsoleBrowserAdjustment: a reviewer sees an adjustment's approved
// and adjusted lines and, in the rule panel, its route, the listed
// situation the unit chose and the moved share (武汉 第十九条), is offered
// to refuse it as 不予同意调整 (not 不予立项), then files it. With CONSOLE_SCREENSHOTS set to a
// directory it saves the page at 1366×768 there (console-adjustment.png).
func TestConsoleBrowserAdjustment(t *testing.T) {
	// Skip before the set-up when there is no browser.
	chromium(t)
	fx := MustBureau(t)

	decl := newFiling(t, fx.unitA.ID)
	fx.decided(t, decl)
	setProfile(t, fx, "wuhan")
	adj := laterFiling(t, app.KindAdjustment, decl)
	adj.Adjustment = adjustmentOf(app.AdjustContent, 27)
	fx.submit(fx.clerkA, adj, http.StatusCreated)

	br := newChromeTab(t, 60*time.Second)
	ctx, step, text := br.ctx, br.step, br.text
	step("log in",
		chromedp.EmulateViewport(1366, 768),
		chromedp.Navigate(fx.http.URL+"/console/"),
		chromedp.WaitVisible(chromedp.CSS(`input[name=login]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=login]`), "reviewer"),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), password),
		chromedp.Click(chromedp.CSS(`button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`table.list`)))
	step("open the adjustment",
		chromedp.Navigate(fx.http.URL+"/console/filings/"+adj.ID),
		chromedp.WaitVisible(chromedp.CSS(`section.verdict`)))
	if v := text(`section.verdict`); !strings.Contains(v, "可自行调整") || !strings.Contains(v, "占批复概算 15%") ||
		!strings.Contains(v, "所属情形") || !strings.Contains(v, "根据上级部门要求或者市委、市人民政府工作部署，确需改变建设内容的 第十九条第（一）项") {
		t.Errorf("verdict: %s", v)
	}
	// A later filing is refused in its own terms, not as a declaration.
	if d := text(`section.decide`); !strings.Contains(d, "不予同意调整") || strings.Contains(d, "不予立项") {
		t.Errorf("decision panel: %s", d)
	}
	if doc := text(`article.doc`); !strings.Contains(doc, "概算明细调整") || !strings.Contains(doc, "调整数额 27") {
		t.Errorf("document: %s", doc)
	}
	if br.shots != "" {
		png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(br.shots, "console-adjustment.png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
		// The rule panel, below the fold at 1366×768.
		step("scroll to the rule panel", chromedp.ScrollIntoView(chromedp.CSS(`section.verdict`)))
		if png, err = chromedp.Run(ctx, chromedp.CaptureScreenshot()); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(br.shots, "console-adjustment-verdict.png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	step("file it",
		chromedp.Click(chromedp.CSS(`input[name=action][value=file]`)),
		chromedp.Click(chromedp.CSS(`section.decide button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`p.ok`)))
	if s := text(`p.ok`); !strings.Contains(s, "予以备案") {
		t.Errorf("after filing: %q", s)
	}
}
