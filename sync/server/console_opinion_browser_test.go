//go:build browser

package server_test

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"egovdesk/app"
	"egovdesk/sync/protocol"
)

// TestConsoleBrowserPrintsAnOpinion prints a return as the bureau's written
// opinion in a real headless Chromium: the page's 打印 button reaches the
// browser's print (its script is allowed by the console's CSP), and the
// printed page (PDF, A4) holds the opinion and none of the console's header
// or links. With CONSOLE_SCREENSHOTS set it saves the page and the PDF there.
func TestConsoleBrowserPrintsAnOpinion(t *testing.T) {
	chromium(t)
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (poppler-utils) is not installed")
	}
	fx := MustBureau(t)
	f := newFiling(t, fx.unitA.ID)
	fx.submit(fx.clerkA, f, http.StatusCreated)
	// A return long enough for several pages: each says which filing it
	// is about and its number (a ten-page return's last page held the
	// signature alone; a walkthrough).
	remarks := map[string]string{"budget[1]": "硬件单价偏高，请附三家询价"}
	for _, field := range []string{"goals", "content", "data_resources", "sharing_analysis", "om_plan", "security.plan",
		"crypto.summary", "deployment.resources", "current_state", "indicators", "plan_basis", "contact.person"} {
		remarks[field] = strings.Repeat("请对照管理办法逐条说明本项内容的依据、范围和预期成效，补充量化指标和佐证材料。", 5)
	}
	fx.decideReq(fx.reviewer, f.ID, protocol.DecisionRequest{Action: app.ActionReturn, From: app.StatusSubmitted,
		Comment: "请补充项目绩效指标，并核实硬件设备的数量与单价。", Remarks: remarks}, http.StatusOK)

	br := newChromeTab(t, 60*time.Second)
	br.step("log in as the reviewer",
		chromedp.Navigate(fx.http.URL+"/console/login"),
		chromedp.WaitVisible(chromedp.CSS(`input[name=login]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=login]`), "reviewer"),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), password),
		chromedp.Click(chromedp.CSS(`form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`header.top nav`)))
	br.step("办理记录 links the return to its opinion",
		chromedp.Navigate(fx.http.URL+"/console/filings/"+f.ID),
		chromedp.ScrollIntoView(chromedp.CSS(`ol.history a[href$="/decisions/2"]`)))
	br.shot("opinion-link")
	br.step("open the opinion",
		chromedp.Navigate(fx.http.URL+"/console/filings/"+f.ID+"/decisions/2"),
		chromedp.WaitVisible(chromedp.CSS(`article.sheet`)))
	br.shot("opinion")
	if _, err := chromedp.Run(br.ctx, chromedp.Evaluate[bool](`window.print = () => { window.__printed = true }; false`)); err != nil {
		t.Fatal(err)
	}
	br.step("打印", chromedp.Click(chromedp.CSS(`button[data-print]`)))
	printed, err := chromedp.Run(br.ctx, chromedp.Evaluate[bool](`window.__printed === true`))
	if err != nil || !printed {
		t.Errorf("打印 did not reach the browser's print (%v): is print.js loaded under the CSP?", err)
	}
	pdf, err := chromedp.Run(br.ctx, chromedp.PrintToPDF(func(p *page.PrintToPDFParams) { css := true; p.PreferCSSPageSize = &css }))
	if err != nil {
		t.Fatalf("print to PDF: %v", err)
	}
	dir := br.shots
	if dir == "" {
		dir = t.TempDir()
	}
	path := filepath.Join(dir, "opinion.pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(string(out)), "")
	for _, want := range []string{"政务信息化项目审核意见", fx.unitA.Name, f.Declaration.ProjectName, "退回修改",
		"请补充项目绩效指标，并核实硬件设备的数量与单价。", "硬件单价偏高，请附三家询价", "审核人："} {
		if !strings.Contains(text, strings.Join(strings.Fields(want), "")) {
			t.Errorf("the printed opinion lacks %q:\n%s", want, out)
		}
	}
	pages := strings.Count(string(out), "\f")
	if pages < 2 || !strings.Contains(text, fmt.Sprintf("第1页，共%d页", pages)) || !strings.Contains(text, fmt.Sprintf("第%d页，共%d页", pages, pages)) ||
		strings.Count(text, f.Declaration.ProjectName+"·第1版·核验码") < pages {
		t.Errorf("%d pages, not each numbered and headed with the filing:\n%s", pages, out)
	}
	for _, chrome := range []string{"待审核", "返回材料", "退出", "Ctrl+P"} {
		if strings.Contains(text, chrome) {
			t.Errorf("the printed opinion carries the console's %q:\n%s", chrome, out)
		}
	}
}
