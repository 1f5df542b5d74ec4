//go:build browser

package server_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestConsoleBrowserLongRunsBreak: a clerk's text with nowhere to break (a
// project name of 80 W's, a goal that is one long URL) stretched the queue
// past a 1366 px window, pushing its dates off screen behind a scrollbar,
// and the filing's page to 50,000 px, its labels squeezed to a character a
// line (found from outside). Such runs break; the page fits the window.
func TestConsoleBrowserLongRunsBreak(t *testing.T) {
	chromium(t)
	fx := MustBureau(t)
	f := newFiling(t, fx.unitA.ID)
	f.Declaration.ProjectName = "超长无空格字段测试" + strings.Repeat("W", 80)
	f.Declaration.Goals = "见 https://example.gov.cn/" + strings.Repeat("a", 600)
	fx.submit(fx.clerkA, f, http.StatusCreated)

	br := newChromeTab(t, 60*time.Second)
	step, shot := br.step, br.shot
	step("log in",
		chromedp.EmulateViewport(1366, 768),
		chromedp.Navigate(fx.http.URL+"/console/"),
		chromedp.WaitVisible(chromedp.CSS(`input[name=login]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=login]`), "reviewer"),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), password),
		chromedp.Click(chromedp.CSS(`button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`table.list`)))
	width := func(page string) {
		t.Helper()
		w, err := chromedp.Run(br.ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
		if err != nil {
			t.Fatal(err)
		}
		if w > 1366 {
			t.Errorf("%s is %d px wide in a 1366 px window", page, w)
		}
	}
	width("the queue")
	shot("console-long-queue.png")
	step("the filing",
		chromedp.Navigate(fx.http.URL+"/console/filings/"+f.ID),
		chromedp.WaitVisible(chromedp.CSS(`h1`)))
	width("the filing's page")
	label, err := chromedp.Run(br.ctx, chromedp.Evaluate[int](`document.querySelector("table.kv th").getBoundingClientRect().width`))
	if err != nil {
		t.Fatal(err)
	}
	if label < 100 {
		t.Errorf("the labels are %d px wide", label)
	}
	shot("console-long-filing.png")
}
