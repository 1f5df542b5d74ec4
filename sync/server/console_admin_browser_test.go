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

	"egovdesk/app"
	"egovdesk/app/apptest"
	"egovdesk/assets"
)

// TestConsoleBrowserAdmin drives the admin pages in a real headless
// Chromium: a unit refused for its credit code keeps what was typed, then
// added; an account added with a role; a token revoked; the profile
// switched and a bad profile file refused; a register of existing systems
// imported, whose system a reviewer then sees first among a duplicate
// declaration's similar projects; and a reviewer refused the admin pages.
// With CONSOLE_SCREENSHOTS set to a directory it saves the login, notices,
// verify and decide pages and every admin page there at 1366×768.
func TestConsoleBrowserAdmin(t *testing.T) {
	// Skip before the set-up when there is no browser.
	chromium(t)
	fx := MustBureau(t)
	prof, err := assets.Profiles.ReadFile("profiles/huoqiu.json")
	if err != nil {
		t.Fatal(err)
	}
	for i := range 9 {
		f := newFiling(t, fx.unitA.ID)
		f.Declaration = apptest.ShortDeclaration(i)
		f.Declaration.ProjectName = apptest.ProjectName(i * 13)
		fx.clock.Advance(5 * time.Hour)
		fx.submit(fx.clerkA, f, http.StatusCreated)
	}
	dup := newFiling(t, fx.unitB.ID)
	dup.Declaration.ProjectName = "霍邱县智慧城管综合指挥平台（二期）"
	dup.Declaration.Goals = "完善数字城管，实现城市管理问题发现、处置、考核闭环"
	dup.Declaration.Content = "数字城管案件受理、派遣、处置、核查、结案全流程管理；视频监控接入；环卫车辆定位与考核；新增渣土车监管"
	dup.Declaration.DataResources = "城管案件、部件普查数据"
	rc := fx.submit(fx.clerkB, dup, http.StatusCreated)
	code := app.PrintCode{RevisionID: dup.Revision.ID, Revision: 1, BodySHA256: rc.BodySHA256}.String()
	// The profile after the filings, which it would ask attachments of.
	if _, err := fx.srv.SetProfile(context.Background(), "huoqiu", prof); err != nil {
		t.Fatal(err)
	}
	book := filepath.Join(t.TempDir(), "已建系统登记表.xlsx")
	if err := os.WriteFile(book, registerBook(t, [][]string{
		{"1", "霍邱县智慧城管综合指挥平台", "霍邱县城市管理局", "数字城管案件受理、派遣、处置、核查、结案全流程管理；视频监控接入；环卫车辆定位与考核", "城管案件、部件普查数据", "2019"},
		{"2", "霍邱县社会保障卡服务系统", "霍邱县人力资源和社会保障局", "社保卡申领、挂失、补换，待遇资格认证", "参保人员信息", "2018"},
		{"3", "霍邱县不动产登记信息管理平台", "霍邱县自然资源和规划局", "不动产登记受理、审核、登簿、发证，与税务、住建数据共享", "不动产权属数据", "2020"},
		{"4", "霍邱县政务服务“一网通办”平台", "霍邱县数据资源管理局", "政务服务事项网上申报、预约、评价，电子证照调用", "政务服务事项、办件数据", "2021"},
	}), 0o644); err != nil {
		t.Fatal(err)
	}
	badProfile := filepath.Join(t.TempDir(), "mycounty.json")
	if err := os.WriteFile(badProfile, []byte(`{"id": "mycounty", "jurisdiction": "某县", "routes": []}`), 0o644); err != nil {
		t.Fatal(err)
	}

	br := newChromeTab(t, 120*time.Second)
	ctx, step, text, value, shot := br.ctx, br.step, br.text, br.value, br.shot
	top := func() {
		t.Helper()
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.scrollTo(0, 0), true`)); err != nil {
			t.Fatal(err)
		}
	}
	login := func(who string) {
		t.Helper()
		step("log in as "+who,
			chromedp.Navigate(fx.http.URL+"/console/login"),
			chromedp.WaitVisible(chromedp.CSS(`input[name=login]`)),
			chromedp.SendKeys(chromedp.CSS(`input[name=login]`), who),
			chromedp.SendKeys(chromedp.CSS(`input[name=password]`), password),
			chromedp.Click(chromedp.CSS(`form button[type=submit]`)),
			chromedp.WaitVisible(chromedp.CSS(`table.list`)))
	}

	step("the login page", chromedp.EmulateViewport(1366, 768), chromedp.Navigate(fx.http.URL+"/console/"),
		chromedp.WaitVisible(chromedp.CSS(`input[name=login]`)))
	shot("console-login.png")
	login("admin")

	// Units: a bad credit code is refused in Chinese, the form keeps both fields.
	step("the units page", chromedp.Click(chromedp.CSS(`header nav a[href="/console/admin/units"]`)),
		chromedp.WaitVisible(chromedp.CSS(`table.units`)))
	step("add a unit with a bad code",
		chromedp.SendKeys(chromedp.CSS(`#add input[name=name]`), "霍邱县冯井镇人民政府"),
		chromedp.SendKeys(chromedp.CSS(`#add input[name=code]`), "12341522MB0000011M"),
		chromedp.Click(chromedp.CSS(`#add button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#add p.alert`)))
	if a := text(`#add p.alert`); !strings.Contains(a, "统一社会信用代码“12341522MB0000011M”无效") {
		t.Errorf("bad code: %q", a)
	}
	if n, c := value(`#add input[name=name]`), value(`#add input[name=code]`); n != "霍邱县冯井镇人民政府" || c != "12341522MB0000011M" {
		t.Errorf("the form lost what was typed: %q %q", n, c)
	}
	step("scroll to the form", chromedp.ScrollIntoView(chromedp.CSS(`#add`)))
	shot("console-admin-units-error.png")
	step("correct the code",
		chromedp.SetValue(chromedp.CSS(`#add input[name=code]`), "12341522MB0000010M"),
		chromedp.Click(chromedp.CSS(`#add button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`p.ok`)))
	if l := text(`table.units`); !strings.Contains(l, "霍邱县冯井镇人民政府") || !strings.Contains(l, "12341522MB0000010M") {
		t.Errorf("units: %s", l)
	}
	top()
	shot("console-admin-units.png")

	// Accounts: a short password is refused, the login kept; then added.
	step("the accounts page", chromedp.Click(chromedp.CSS(`nav.subnav a[href="/console/admin/accounts"]`)),
		chromedp.WaitVisible(chromedp.CSS(`table.accounts`)))
	step("add an account with a short password",
		chromedp.SendKeys(chromedp.CSS(`#add input[name=login]`), "fengjing"),
		chromedp.SendKeys(chromedp.CSS(`#add input[name=name]`), "陈静"),
		chromedp.SetValue(chromedp.CSS(`#add select[name=role]`), "unit"),
		chromedp.SendKeys(chromedp.CSS(`#add select[name=unit]`), "霍邱县冯井镇人民政府"),
		chromedp.SendKeys(chromedp.CSS(`#add input[name=password]`), "123"),
		chromedp.Click(chromedp.CSS(`#add button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#add p.alert`)))
	if a := text(`#add p.alert`); !strings.Contains(a, "密码至少 8 个字符") {
		t.Errorf("short password: %q", a)
	}
	if l := value(`#add input[name=login]`); l != "fengjing" {
		t.Errorf("the form lost the login: %q", l)
	}
	step("a longer password",
		chromedp.SendKeys(chromedp.CSS(`#add input[name=password]`), "Fj-2027-init"),
		chromedp.Click(chromedp.CSS(`#add button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`p.ok`)))
	if l := text(`table.accounts`); !strings.Contains(l, "fengjing") || !strings.Contains(l, "霍邱县冯井镇人民政府") {
		t.Errorf("accounts: %s", l)
	}
	shot("console-admin-accounts.png")
	// The clerk logs in from the client: a token to revoke.
	fx.changeFirst("fengjing", "Fj-2027-init", "Fj-2027-mine") // an initial password: changed first
	step("the new account's page", chromedp.Navigate(fx.http.URL+"/console/admin/accounts/fengjing"),
		chromedp.WaitVisible(chromedp.CSS(`table.tokens`)))
	shot("console-admin-account.png")
	step("revoke its token", chromedp.Click(chromedp.CSS(`table.tokens button.danger`)),
		chromedp.WaitVisible(chromedp.CSS(`p.ok`)))
	if tk := text(`table.tokens`); !strings.Contains(tk, "已吊销") {
		t.Errorf("tokens after revoking: %s", tk)
	}

	// Profile: switch to 六安, refuse a bad file.
	step("the profile page", chromedp.Click(chromedp.CSS(`nav.subnav a[href="/console/admin/profile"]`)),
		chromedp.WaitVisible(chromedp.CSS(`section.active-profile`)))
	if p := text(`section.active-profile`); !strings.Contains(p, "霍邱县") {
		t.Errorf("active profile: %s", p)
	}
	shot("console-admin-profile.png")
	step("switch to 六安", chromedp.SetValue(chromedp.CSS(`select[name=builtin]`), "luan"),
		chromedp.Click(chromedp.CSS(`input[name=confirm]`)), // another jurisdiction: ticked
		chromedp.Click(chromedp.CSS(`form[action="/console/admin/profile"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`p.ok`)))
	if p := text(`section.active-profile`); !strings.Contains(p, "六安") {
		t.Errorf("after the switch: %s", p)
	}
	step("upload a bad profile", chromedp.SetUploadFiles(chromedp.CSS(`input[name=file]`), []string{badProfile}),
		chromedp.Click(chromedp.CSS(`form[action="/console/admin/profile/upload"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`div.alert`)))
	if a := text(`div.alert`); !strings.Contains(a, "规则文件“mycounty.json”") {
		t.Errorf("bad profile: %q", a)
	}

	// The register of existing systems.
	step("the register page", chromedp.Click(chromedp.CSS(`nav.subnav a[href="/console/admin/register"]`)),
		chromedp.WaitVisible(chromedp.CSS(`table.register`)))
	step("import the register", chromedp.SetUploadFiles(chromedp.CSS(`input[name=file]`), []string{book}),
		chromedp.Click(chromedp.CSS(`form[action="/console/admin/register"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`p.ok`)))
	if r := text(`table.register`); !strings.Contains(r, "霍邱县社会保障卡服务系统") {
		t.Errorf("register: %s", r)
	}
	shot("console-admin-register.png")

	step("the notice form", chromedp.Click(chromedp.CSS(`nav.subnav a[href="/console/notices"]`)),
		chromedp.WaitVisible(chromedp.CSS(`textarea[name=text]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=title]`), "关于报送 2028 年度电子政务项目需求计划的通知"),
		chromedp.SendKeys(chromedp.CSS(`textarea[name=text]`), "各建设单位：请于 3 月 31 日前通过客户端报送 2028 年度项目申报书及数据共享资源目录。逾期未报送的，不列入年度计划。"))
	shot("console-notices.png")

	// A reviewer: no admin pages; the duplicate's similar list leads with the registered system.
	step("log out", chromedp.Click(chromedp.CSS(`header button.link`)), chromedp.WaitVisible(chromedp.CSS(`input[name=login]`)))
	login("reviewer")
	step("a reviewer on the admin pages", chromedp.Navigate(fx.http.URL+"/console/admin/units"),
		chromedp.WaitVisible(chromedp.CSS(`section.narrow`)))
	if h := text(`section.narrow h1`); h != "无权访问" {
		t.Errorf("reviewer on the admin pages: %q", h)
	}
	step("open the duplicate", chromedp.Navigate(fx.http.URL+"/console/filings/"+dup.ID),
		chromedp.WaitVisible(chromedp.CSS(`section.similar`)))
	// The similar list is at the foot of the sticky side column: the end of the page shows it.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.scrollTo(0, document.body.scrollHeight), true`)); err != nil {
		t.Fatal(err)
	}
	if first := text(`ol.similar li`); !strings.Contains(first, "已建系统") || !strings.Contains(first, "霍邱县智慧城管综合指挥平台") {
		t.Errorf("first similar project: %q", first)
	}
	shot("console-similar-register.png")
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector("section.decide").scrollIntoView({block: "start"}), true`)); err != nil {
		t.Fatal(err)
	}
	step("choose to return it", chromedp.Click(chromedp.CSS(`input[name=action][value=return]`)),
		chromedp.SendKeys(chromedp.CSS(`textarea[name=comment]`), "与县城管局已建的智慧城管综合指挥平台重复，请说明二期与一期的区别，或改为在原平台上扩展"))
	shot("console-decide.png")

	step("verify a printed code", chromedp.Navigate(fx.http.URL+"/console/verify"),
		chromedp.WaitVisible(chromedp.CSS(`input[name=code]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=code]`), code),
		chromedp.Click(chromedp.CSS(`main button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`p.ok`)))
	if v := text(`p.ok`); !strings.Contains(v, "核验通过") {
		t.Errorf("verify: %q", v)
	}
	shot("console-verify.png")
}
