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
	"egovdesk/sync/protocol"
)

// TestConsoleBrowserSteps drives the console in a headless Chromium
// through 霍邱's review steps: each account's queue holds only the filings
// waiting at its steps; a department concurs at the joint review; the
// reviewer returns a filing with a remark beside one field; the
// development-and-reform department, its 联审 over, approves (报县发改委审批)
// with a 核定 amount, first above the declared total (refused), then
// within it. The clerk's feed carries the remark and the amount. With
// CONSOLE_SCREENSHOTS set it saves the approving filing page and the
// remark boxes there.
func TestConsoleBrowserSteps(t *testing.T) {
	// Skip before the set-up when there is no browser.
	chromium(t)
	fx := MustBureau(t)

	joint := newFiling(t, fx.unitA.ID) // will wait at the joint review
	joint.Declaration.ProjectName = "霍邱县城关镇智慧社区管理平台"
	fx.submit(fx.clerkA, joint, http.StatusCreated)
	fx.clock.Advance(time.Hour)
	intake := newFiling(t, fx.unitA.ID) // waits at 受理
	intake.Declaration.ProjectName = "霍邱县城关镇便民服务终端采购"
	fx.submit(fx.clerkA, intake, http.StatusCreated)
	tok := stepAccounts(t, fx) // 霍邱's profile and the step roles' accounts
	fx.decide(fx.reviewer, joint.ID, app.ActionAccept, "", http.StatusOK)
	fx.decide(fx.reviewer, joint.ID, app.ActionPass, "", http.StatusOK)
	var before protocol.ChangesResponse
	fx.mustJSON("GET", protocol.PathChanges, fx.clerkA, nil, http.StatusOK, &before)

	br := newChromeTab(t, 90*time.Second)
	ctx, step, text, shot := br.ctx, br.step, br.text, br.shot
	logIn := func(login string) {
		t.Helper()
		step("log in as "+login,
			chromedp.EmulateViewport(1366, 768),
			chromedp.Navigate(fx.http.URL+"/console/login"),
			chromedp.WaitVisible(chromedp.CSS(`input[name=login]`)),
			chromedp.SendKeys(chromedp.CSS(`input[name=login]`), login),
			chromedp.SendKeys(chromedp.CSS(`input[name=password]`), password),
			chromedp.Click(chromedp.CSS(`button[type=submit]`)),
			chromedp.WaitVisible(chromedp.CSS(`table.list`)))
	}
	logOut := func() {
		t.Helper()
		step("log out", chromedp.Click(chromedp.CSS(`form[action="/console/logout"] button`)),
			chromedp.WaitVisible(chromedp.CSS(`input[name=login]`)))
	}
	queue := func() string { t.Helper(); return text(`table.list tbody`) }

	// The finance department sees only the filing at the joint review, and concurs.
	logIn("finance")
	if q := queue(); !strings.Contains(q, joint.Declaration.ProjectName) || strings.Contains(q, intake.Declaration.ProjectName) {
		t.Fatalf("finance's queue:\n%s", q)
	}
	if s := text(`p.mine`); !strings.Contains(s, "只列出等待您（财政部门·联审）办理") {
		t.Errorf("the queue does not say whose it is: %q", s)
	}
	step("open the joint review", chromedp.Click(chromedp.CSS(`a[href="/console/filings/`+joint.ID+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`section.decide`)))
	if s := text(`p.step`); !strings.Contains(s, "专家论证/联审") || !strings.Contains(s, "待：财政部门·联审、发展改革部门·联审、密码管理部门·联审") {
		t.Errorf("step: %q", s)
	}
	step("concur", chromedp.Click(chromedp.CSS(`input[name=action][value=concur]`)),
		chromedp.SendKeys(chromedp.CSS(`textarea[name=comment]`), "资金来源已落实"),
		chromedp.Click(chromedp.CSS(`section.decide button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`p.ok`)))
	if s := text(`p.step`); !strings.Contains(s, "已同意：财政部门·联审") {
		t.Errorf("step after concurring: %q", s)
	}
	step("back to the queue", chromedp.Navigate(fx.http.URL+"/console/queue"), chromedp.WaitVisible(chromedp.CSS(`table.list`)))
	if q := queue(); strings.Contains(q, joint.Declaration.ProjectName) {
		t.Errorf("finance's queue after concurring still holds the filing:\n%s", q)
	}
	logOut()

	// The reviewer's queue is the intake; a return with a remark beside 建设目标.
	logIn("reviewer")
	if q := queue(); !strings.Contains(q, intake.Declaration.ProjectName) || strings.Contains(q, joint.Declaration.ProjectName) {
		t.Fatalf("reviewer's queue:\n%s", q)
	}
	step("open the intake", chromedp.Click(chromedp.CSS(`a[href="/console/filings/`+intake.ID+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`textarea[name="remark:goals"]`)),
		chromedp.SendKeys(chromedp.CSS(`textarea[name="remark:goals"]`), "建设目标请量化到可考核的指标"),
		chromedp.ScrollIntoView(chromedp.CSS(`textarea[name="remark:goals"]`)))
	shot("console-remarks.png")
	step("return it", chromedp.Click(chromedp.CSS(`input[name=action][value=return]`)),
		chromedp.SendKeys(chromedp.CSS(`textarea[name=comment]`), "请按逐项意见修改"),
		chromedp.Click(chromedp.CSS(`section.decide button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`p.ok`)))
	if h := text(`ol.history`); !strings.Contains(h, "建设目标：建设目标请量化到可考核的指标") || !strings.Contains(h, "受理") {
		t.Errorf("history after the return: %s", h)
	}
	logOut()

	// The other departments concur through the API; then the
	// development-and-reform department approves.
	for _, r := range []app.Role{app.RoleNDRC, app.RoleCrypto} {
		fx.decideReq(tok[r], joint.ID, protocol.DecisionRequest{Action: app.ActionConcur}, http.StatusOK)
	}
	logIn(string(app.RoleNDRC))
	if q := queue(); !strings.Contains(q, joint.Declaration.ProjectName) {
		t.Fatalf("the development-and-reform department's queue at 批复立项:\n%s", q)
	}
	step("open the approval", chromedp.Click(chromedp.CSS(`a[href="/console/filings/`+joint.ID+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`input[name=approved]`)),
		chromedp.Click(chromedp.CSS(`input[name=action][value=approve]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=approved]`), "200"),
		chromedp.Click(chromedp.CSS(`section.decide button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`p.alert`)))
	if s := text(`p.alert`); !strings.Contains(s, "核定金额 200 万元 超过了申报的总投资概算 180 万元") {
		t.Errorf("approved above declared: %q", s)
	}
	step("approve within it",
		chromedp.SetValue(chromedp.CSS(`input[name=approved]`), "150.5"),
		chromedp.Click(chromedp.CSS(`section.decide button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`p.ok`)))
	if h := text(`ol.history`); !strings.Contains(h, "批复立项") || !strings.Contains(h, "核定金额 150.5 万元") || !strings.Contains(h, "发展改革部门张（发展改革部门）") {
		t.Errorf("history after approving: %s", h)
	}
	if br.shots != "" { // the decision panel whole, with the history at its foot
		png, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.CSS(`aside`)))
		if err != nil {
			t.Fatalf("screenshot of the panel: %v", err)
		}
		if err := os.WriteFile(filepath.Join(br.shots, "console-steps.png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	var after protocol.ChangesResponse
	fx.mustJSON("GET", protocol.PathChanges+"?cursor="+before.Cursor, fx.clerkA, nil, http.StatusOK, &after)
	var remark string
	var approved app.Money
	for _, c := range after.Changes {
		if tr := c.Transition; tr != nil {
			remark = max(remark, tr.Remarks["goals"])
			approved = max(approved, tr.Approved)
		}
	}
	if remark != "建设目标请量化到可考核的指标" || approved != app.Wans(150)+app.Wan/2 {
		t.Errorf("the clerk's feed: remark %q, approved %v: %+v", remark, approved, after.Changes)
	}
}
