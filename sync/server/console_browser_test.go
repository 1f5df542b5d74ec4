//go:build browser

package server_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/google/uuid"

	"egovdesk/app"
	"egovdesk/app/apptest"
	"egovdesk/assets"
	"egovdesk/sync/protocol"
)

// TestConsoleBrowser drives the console in a real headless Chromium, as a
// reviewer would: log in, the queue, a filing with its PDF, return it with
// a comment (the clerk's feed carries it), and a stale decision refused.
// With CONSOLE_SCREENSHOTS set to a directory it saves the queue and a
// filing at 1366×768 there.
func TestConsoleBrowser(t *testing.T) {
	// Skip before the set-up when there is no browser.
	chromium(t)
	fx := MustBureau(t)

	// A queue with some variety, one filing with a PDF, one revised after a return.
	pdf, err := os.ReadFile(filepath.Join("testdata", "console-sample.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	main := newFiling(t, fx.unitA.ID)
	main.Attachments = []app.Attachment{{Material: "feasibility", Name: "可行性研究报告.pdf", SHA256: sha(pdf),
		Size: int64(len(pdf)), MediaType: "application/pdf"}}
	fx.upload(fx.clerkA, pdf, 1<<20)
	fx.submit(fx.clerkA, main, http.StatusCreated)
	for i := range 14 {
		tok, unit := fx.clerkA, fx.unitA.ID
		if i%3 == 1 {
			tok, unit = fx.clerkB, fx.unitB.ID
		}
		f := newFiling(t, unit)
		f.Declaration = apptest.ShortDeclaration(i)
		f.Declaration.ProjectName = apptest.ProjectName(i * 11)
		f.Declaration.TotalInvestment = app.Wans(int64(40 + i*37))
		f.Declaration.YearAmount = f.Declaration.TotalInvestment
		f.Declaration.Budget = []app.BudgetItem{{Category: app.BudgetSoftwareDev, Name: "软件开发", Amount: f.Declaration.TotalInvestment}}
		f.Declaration.Funding = []app.Funding{{Kind: app.FundLocal, Amount: f.Declaration.TotalInvestment}}
		fx.clock.Advance(7 * time.Hour)
		fx.submit(tok, f, http.StatusCreated)
		if i%5 == 2 {
			fx.decide(fx.reviewer, f.ID, app.ActionAccept, "", http.StatusOK)
		}
	}
	revised := newFiling(t, fx.unitB.ID)
	revised.Declaration.ProjectName = "霍邱县新店镇数字乡村综合服务平台"
	fx.submit(fx.clerkB, revised, http.StatusCreated)
	fx.decide(fx.reviewer, revised.ID, app.ActionReturn, "硬件购置数量偏多，请压减并补充测算依据", http.StatusOK)
	fx.clock.Advance(26 * time.Hour)
	next := *revised
	decl := *revised.Declaration
	decl.Budget = append([]app.BudgetItem(nil), decl.Budget...)
	decl.Budget[1].Quantity, decl.Budget[1].Amount, decl.Budget[1].Basis = 40, app.Wans(20), "按 40 名网格员每人一台"
	decl.Budget[0].Amount = app.Wans(130)
	decl.Goals = "建成覆盖全镇 18 个行政村的数字乡村服务平台，村级事项网上办理率达到 80%"
	next.Declaration = &decl
	next.Revision = app.Revision{ID: uuid.NewString(), Number: 2, BaseID: revised.Revision.ID}
	fx.submit(fx.clerkB, &next, http.StatusCreated)
	// Last year 城关镇 filed much the same platform: a duplicate to flag.
	twin := newFiling(t, fx.unitA.ID)
	twinDecl := decl
	twinDecl.ProjectName, twinDecl.PlanYear = "霍邱县城关镇数字乡村综合服务平台", decl.PlanYear-1
	twinDecl.Goals = "建成覆盖全镇 12 个社区和行政村的数字乡村服务平台，村级事项网上办理率达到 80%"
	twin.Declaration = &twinDecl
	fx.submit(fx.clerkA, twin, http.StatusCreated)
	// The bureau's profile, so the page shows its verdict.
	prof, err := assets.Profiles.ReadFile("profiles/huoqiu.json")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fx.srv.SetProfile(context.Background(), "huoqiu", prof); err != nil {
		t.Fatal(err)
	}
	fx.clock.Advance(10 * 24 * time.Hour) // some are overdue now (past the last day of their limit)
	fx.reviewer = fx.login("reviewer").Token
	fx.admin = fx.login("admin").Token
	fx.clerkA = fx.login("clerk-a").Token
	var before protocol.ChangesResponse
	fx.mustJSON("GET", protocol.PathChanges, fx.clerkB, nil, http.StatusOK, &before)

	br := newChromeTab(t, 90*time.Second)
	ctx, step, text, shot := br.ctx, br.step, br.text, br.shot

	step("log in",
		chromedp.EmulateViewport(1366, 768),
		chromedp.Navigate(fx.http.URL+"/console/"),
		chromedp.WaitVisible(chromedp.CSS(`input[name=login]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=login]`), "reviewer"),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), password),
		chromedp.Click(chromedp.CSS(`button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`table.list`)))
	if q := text(`table.list tbody`); !strings.Contains(q, main.Declaration.ProjectName) || !strings.Contains(q, "超期") {
		t.Fatalf("queue:\n%s", q)
	}
	shot("console-queue.png")
	// At 800 px (or 1366 at 200 %) the queue fits the window and its
	// names keep a readable width: the page scrolled sideways, names four
	// characters a line (found in a walkthrough).
	step("a narrow window", chromedp.EmulateViewport(800, 600))
	fits, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= window.innerWidth`))
	if err != nil {
		t.Fatalf("measure: %v", err)
	}
	nameW, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`document.querySelector("table.queue tbody td").getBoundingClientRect().width`))
	if err != nil {
		t.Fatalf("measure: %v", err)
	}
	if !fits || nameW < 130 {
		t.Errorf("at 800 px: fits the window %v, names %.0f px wide", fits, nameW)
	}
	step("a wide window again", chromedp.EmulateViewport(1366, 768))
	step("the overview", chromedp.Click(chromedp.CSS(`nav a[href="/console/overview"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.tiles`)))
	if o := text(`.tiles`); !strings.Contains(o, "超期") {
		t.Errorf("overview: %s", o)
	}
	shot("console-overview.png")
	step("back to the queue", chromedp.Click(chromedp.CSS(`nav a[href="/console/queue"]`)),
		chromedp.WaitVisible(chromedp.CSS(`table.list`)))

	step("open the revised filing",
		chromedp.Click(chromedp.CSS(`a[href="/console/filings/`+revised.ID+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`section.decide`)))
	if c := text(`section.changes`); !strings.Contains(c, "与第 1 版相比的修改") {
		t.Errorf("changes: %s", c)
	}
	if v := text(`section.verdict`); !strings.Contains(v, "审批路径") {
		t.Errorf("verdict: %s", v)
	}
	shot("console-filing.png")
	step("scroll to the budget", chromedp.ScrollIntoView(chromedp.CSS(`#invest`)))
	if inv := text(`#invest`); !strings.Contains(inv, "合计") || !strings.Contains(inv, "与总投资相符") {
		t.Errorf("budget section: %s", inv)
	}
	shot("console-budget.png")
	step("scroll to the similar projects", chromedp.ScrollIntoView(chromedp.CSS(`section.similar`)))
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector("section.similar").scrollIntoView({block: "start"}), true`)); err != nil {
		t.Fatalf("scroll: %v", err)
	}
	if sim := text(`ol.similar li`); !strings.Contains(sim, twinDecl.ProjectName) || !strings.Contains(sim, fx.unitA.Name) {
		t.Errorf("similar projects, first: %s", sim)
	}
	shot("console-similar.png")

	step("return it with a comment",
		chromedp.Click(chromedp.CSS(`input[name=action][value=return]`)),
		chromedp.SendKeys(chromedp.CSS(`textarea[name=comment]`), "请补充移动终端的分配清单"),
		chromedp.Click(chromedp.CSS(`section.decide button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`p.ok`)))
	if s := text(`p.ok`); !strings.Contains(s, "已退回修改") {
		t.Errorf("after returning: %q", s)
	}
	var after protocol.ChangesResponse
	fx.mustJSON("GET", protocol.PathChanges+"?cursor="+before.Cursor, fx.clerkB, nil, http.StatusOK, &after)
	if len(after.Changes) != 1 || after.Changes[0].Transition == nil || after.Changes[0].Transition.Comment != "请补充移动终端的分配清单" {
		t.Fatalf("the clerk's feed after the console's return: %+v", after.Changes)
	}

	step("open the filing with the PDF",
		chromedp.Navigate(fx.http.URL+"/console/filings/"+main.ID),
		chromedp.WaitVisible(chromedp.CSS(`section.decide`)))
	if a := text(`ul.files`); !strings.Contains(a, "可行性研究报告.pdf") {
		t.Errorf("attachments: %s", a)
	}
	resp, err := chromedp.RunResponse(ctx, chromedp.Navigate(fx.http.URL+"/console/filings/"+main.ID+"/attachments/"+sha(pdf)))
	if err != nil || resp.Status != 200 || resp.MimeType != "application/pdf" {
		t.Errorf("PDF in the browser: %v %+v", err, resp)
	}

	step("a stale view", chromedp.Navigate(fx.http.URL+"/console/filings/"+main.ID),
		chromedp.WaitVisible(chromedp.CSS(`section.decide`)),
		chromedp.Click(chromedp.CSS(`input[name=action][value=accept]`)))
	fx.decide(fx.admin, main.ID, app.ActionAccept, "", http.StatusOK)
	step("decide on it", chromedp.Click(chromedp.CSS(`section.decide button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`div.alert`)))
	if s := text(`div.alert`); !strings.Contains(s, "已由他人处理") || !strings.Contains(s, "系统管理员") {
		t.Errorf("stale decision: %q", s)
	}
}
