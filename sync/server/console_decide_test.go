package server_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"github.com/google/uuid"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"egovdesk/app"
	"egovdesk/app/apptest"
	"egovdesk/app/paper"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server"
)

// The approver (霍邱: the development-and-reform department, once its 联审
// is over) sees, beside the decision form, the decisions already taken
// on the revision: the 初审 with its 核定 amount, each department's
// concurrence with its comment; the amount box says what was approved
// before. The approver decided 700 万元 on a 初审 of 180 without seeing
// it: it was only at the foot of 办理记录 (found by a reviewer's
// walkthrough).
func TestConsoleShowsTheDecisionsBeforeTheApprovers(t *testing.T) {
	fx := MustBureau(t)
	f, _, first := throughJointReview(t, fx, func(r app.Role) string { return r.Label() + "意见：资金来源为本级财政" })
	b := fx.browser()
	b.login(string(app.RoleNDRC), http.StatusSeeOther)
	b.get("/console/filings/" + f.ID)
	decide := decideCard(b.last)
	for _, want := range []string{"本版本已有的决定", "核定金额 <strong class=\"approved\">" + first.String(), "核减运维费",
		app.RoleFinance.Label() + "意见：资金来源为本级财政", app.RoleCrypto.Label() + "意见", "此前核定 " + first.WanString() + " 万元",
		"（发展改革部门·联审）联审同意"} { // a concurrence in the role it was given in
		if !strings.Contains(decide, want) {
			t.Errorf("the approver's decision card lacks %q:\n%s", want, decide)
		}
	}
}

// throughJointReview takes a declaration of unit A under 霍邱's steps
// through 受理, a 初审通过 with a 核定 amount (first: 10 万元 below its total)
// and each department's 联审同意, saying comment(role); it returns the
// filing, the accounts' tokens and first.
func throughJointReview(t *testing.T, fx *fixture, comment func(app.Role) string) (*app.Filing, map[app.Role]string, app.Money) {
	t.Helper()
	f := newFiling(t, fx.unitA.ID)
	fx.submit(fx.clerkA, f, http.StatusCreated)
	tok := stepAccounts(t, fx)
	first := f.Declaration.TotalInvestment - app.Wans(10)
	fx.decideReq(tok[app.RoleReviewer], f.ID, protocol.DecisionRequest{Action: app.ActionAccept}, http.StatusOK)
	fx.decideReq(tok[app.RoleReviewer], f.ID, protocol.DecisionRequest{Action: app.ActionPass, Approved: first, Comment: "核减运维费"}, http.StatusOK)
	for _, r := range []app.Role{app.RoleFinance, app.RoleNDRC, app.RoleCrypto} {
		fx.decideReq(tok[r], f.ID, protocol.DecisionRequest{Action: app.ActionConcur, Comment: comment(r)}, http.StatusOK)
	}
	return f, tok, first
}

// 核定金额 0 is refused with what to do: it went through as no amount,
// saying nothing.
func TestConsoleRefusesAZeroApprovedAmount(t *testing.T) {
	fx := MustBureau(t)
	f := newFiling(t, fx.unitA.ID)
	fx.submit(fx.clerkA, f, http.StatusCreated)
	tok := stepAccounts(t, fx)
	fx.decideReq(tok[app.RoleReviewer], f.ID, protocol.DecisionRequest{Action: app.ActionAccept}, http.StatusOK)
	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	page := "/console/filings/" + f.ID
	for _, zero := range []string{"0", "0.00", "0 万元"} {
		b.get(page)
		r := b.post(page+"/decision", url.Values{"csrf": {b.csrf()}, "revision": {f.Revision.ID}, "transitions": {"2"},
			"action": {"pass"}, "approved": {zero}, "comment": {"同意"}})
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b.last, "核定金额须大于 0") || !strings.Contains(b.last, `value="`+zero+`"`) {
			t.Errorf("approved %q: %d", zero, r.StatusCode)
		}
	}
	if h := fx.decisionsOf(fx.clerkA, f.ID); len(h) != 1 {
		t.Errorf("decisions taken: %+v", h)
	}
}

// An approved declaration's page states its approved investment in its
// head, also when it was set at 初审 and not again at 批复立项: it read
// only in the history (郁南's flow, found in a walkthrough).
func TestConsoleStatesTheApprovedInvestment(t *testing.T) {
	fx := MustBureau(t)
	f := newFiling(t, fx.unitA.ID)
	fx.submit(fx.clerkA, f, http.StatusCreated)
	approved := f.Declaration.TotalInvestment - app.Wans(10)
	fx.decideReq(fx.reviewer, f.ID, protocol.DecisionRequest{Action: app.ActionAccept}, http.StatusOK)
	fx.decideReq(fx.reviewer, f.ID, protocol.DecisionRequest{Action: app.ActionPass, Approved: approved, Comment: "同意"}, http.StatusOK)
	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	b.get("/console/filings/" + f.ID)
	if strings.Contains(b.last, "核定投资 <strong") {
		t.Error("a declaration under review states an approved investment in its head")
	}
	fx.decideReq(fx.reviewer, f.ID, protocol.DecisionRequest{Action: app.ActionApprove, Comment: "同意立项"}, http.StatusOK)
	b.get("/console/filings/" + f.ID)
	if want := `核定投资 <strong class="approved">` + approved.String() + `</strong>`; !strings.Contains(b.last, want) {
		t.Errorf("the approved page lacks %q", want)
	}
}

// Back after a decision and the stale form sent again: the page says the
// reviewer decided already, not "已由他人处理" above their own decision.
func TestConsoleStaleFormAfterOwnDecision(t *testing.T) {
	fx := MustBureau(t)
	f, b, page := fx.reviewerOpens(t)
	form := url.Values{"csrf": {b.csrf()}, "revision": {f.Revision.ID}, "transitions": {"1"}, "action": {"accept"}}
	if r := b.post(page+"/decision", form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("accept: %d", r.StatusCode)
	}
	form.Set("action", "return")
	form.Set("comment", "请补充依据")
	if r := b.post(page+"/decision", form); r.StatusCode != http.StatusConflict || !strings.Contains(b.last, "您已处理过这份材料") || strings.Contains(b.last, "已由他人处理") {
		t.Errorf("the stale form: %d", r.StatusCode)
	}
	fx.decide(fx.admin, f.ID, app.ActionReturn, "管理员退回", http.StatusOK)
	b.get(page)
	form.Set("csrf", b.csrf())
	form.Set("transitions", "2")
	if r := b.post(page+"/decision", form); r.StatusCode != http.StatusConflict || !strings.Contains(b.last, "已由他人处理") {
		t.Errorf("after another's decision: %d", r.StatusCode)
	}
}

// A decision sent after the session idled out gives back the decision
// chosen and the amount typed too, above the comment; and the comment's
// lines are kept as lines (the page's style keeps a comment's line breaks).
func TestConsoleIdleFormGivesBackTheDecision(t *testing.T) {
	fx := MustBureau(t, func(c *server.Config) { c.SessionIdle = 15 * time.Minute })
	f := newFiling(t, fx.unitA.ID)
	fx.submit(fx.clerkA, f, http.StatusCreated)
	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	if r := decideAfterIdle(fx, b, f, nil); r.StatusCode != http.StatusUnauthorized {
		t.Fatalf("after the session ended: %d", r.StatusCode)
	}
	for _, want := range []string{"<li>决定：退回修改</li>", "<li>审核意见：一、补充依据\n二、核减预算</li>"} {
		if !strings.Contains(b.last, want) {
			t.Errorf("the page lacks %q:\n%s", want, b.last)
		}
	}
	b.get("/console/static/console.css")
	if !strings.Contains(b.last, "ul.kept li") || !strings.Contains(b.last, "pre-line") {
		t.Errorf("the style sheet does not keep a comment's lines")
	}
}

// The idle page names a filed project's refusal 不予备案 as the filing's page
// did: the form carries the declaration's route, since the filing is not
// read once the session is gone (it said 决定：不予立项).
func TestConsoleIdleFormNamesAFiledProjectsRefusal(t *testing.T) {
	fx := MustBureau(t, func(c *server.Config) { c.SessionIdle = 15 * time.Minute })
	f := filedUnderWuhan(t, fx)
	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	page := "/console/filings/" + f.ID
	b.get(page)
	form := hiddenFields(b.last)
	form.Set("action", "reject")
	form.Set("comment", "不属于本办法适用范围")
	fx.clock.Advance(16 * time.Minute)
	if r := b.post(page+"/decision", form); r.StatusCode != http.StatusUnauthorized {
		t.Fatalf("after the session ended: %d", r.StatusCode)
	}
	if !strings.Contains(b.last, "<li>决定：不予备案</li>") || strings.Contains(b.last, "不予立项") {
		t.Errorf("the idle page names the refusal otherwise:\n%s", b.last)
	}
}

// Under review steps the queue lists what waits for the account; 全部在办
// (scope=all) lists every filing under review, which 概况's counts lead
// to: a reviewer looking up a filing at the joint review found nothing,
// and the 专家论证中 tile led to an empty list (found in a walkthrough).
func TestConsoleQueueAllUnderReview(t *testing.T) {
	fx := MustBureau(t)
	atJoint := newFiling(t, fx.unitA.ID)
	atJoint.Declaration.ProjectName = "电子档案管理系统升级"
	fx.submit(fx.clerkA, atJoint, http.StatusCreated)
	waiting := newFiling(t, fx.unitA.ID)
	fx.submit(fx.clerkA, waiting, http.StatusCreated)
	tok := stepAccounts(t, fx)
	fx.decideReq(tok[app.RoleReviewer], atJoint.ID, protocol.DecisionRequest{Action: app.ActionAccept}, http.StatusOK)
	fx.decideReq(tok[app.RoleReviewer], atJoint.ID, protocol.DecisionRequest{Action: app.ActionPass}, http.StatusOK)
	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	b.get("/console/queue?q=" + url.QueryEscape("电子档案"))
	if strings.Contains(b.last, atJoint.ID) || !strings.Contains(b.last, "全部在办") {
		t.Errorf("the reviewer's own queue lists the filing at the joint review, or offers no wider scope")
	}
	b.get("/console/queue?scope=all&q=" + url.QueryEscape("电子档案"))
	if !strings.Contains(b.last, atJoint.ID) || strings.Contains(b.last, waiting.ID) {
		t.Errorf("全部在办 does not find the filing at the joint review by name")
	}
	b.get("/console/overview")
	tile := `href="/console/queue?status=` + string(app.StatusExpert) + `&amp;scope=all"`
	if !strings.Contains(b.last, tile) {
		t.Fatalf("the overview's %s tile does not lead to every such filing", app.StatusExpert.Label())
	}
	b.get("/console/queue?status=" + string(app.StatusExpert) + "&scope=all")
	if !strings.Contains(b.last, atJoint.ID) {
		t.Errorf("the %s tile's list lacks the filing", app.StatusExpert.Label())
	}
}

// A filing returned and not yet revised shows its return's remarks at
// their fields, as a revised one shows the remarks it answers: they were
// only in 办理记录 (found in a reviewer's walkthrough).
func TestConsoleShowsAReturnsRemarksAtTheirFields(t *testing.T) {
	fx := MustBureau(t)
	f := newFiling(t, fx.unitA.ID)
	fx.submit(fx.clerkA, f, http.StatusCreated)
	fx.decideReq(fx.reviewer, f.ID, protocol.DecisionRequest{Action: app.ActionReturn, Comment: "请按逐项意见修改",
		Remarks: map[string]string{"goals": "请把建设目标量化到指标"}}, http.StatusOK)
	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	b.get("/console/filings/" + f.ID)
	for _, want := range []string{"本版（第 1 版）退回修改的逐项意见", `<div class="earlier">退回意见：请把建设目标量化到指标</div>`} {
		if !strings.Contains(b.last, want) {
			t.Errorf("the returned filing's page lacks %q", want)
		}
	}
}

// 查找材料 finds filings in every status, those no longer under review
// too, by name, unit, kind and status, newest first, 50 a page: a
// reviewer asked about a filing returned last month found it nowhere but
// by its URL (found in a reviewer's walkthrough).
func TestConsoleFindsFilingsInEveryStatus(t *testing.T) {
	fx := MustBureau(t)
	returned := newFiling(t, fx.unitA.ID)
	returned.Declaration.ProjectName = "电子档案管理系统升级"
	fx.submit(fx.clerkA, returned, http.StatusCreated)
	fx.decideReq(fx.reviewer, returned.ID, protocol.DecisionRequest{Action: app.ActionReturn, Comment: "请补充预算明细"}, http.StatusOK)
	other := newFiling(t, fx.unitB.ID)
	other.Declaration.ProjectName = "新店镇电子档案室改造"
	fx.submit(fx.clerkB, other, http.StatusCreated)
	waiting := newFiling(t, fx.unitA.ID)
	fx.submit(fx.clerkA, waiting, http.StatusCreated)

	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	// Opened, it lists nothing yet, and says how to list everything (a
	// reviewer read the empty page as a failure); 查找 with nothing chosen
	// lists all.
	b.get("/console/find")
	if strings.Contains(b.last, returned.ID) || !strings.Contains(b.last, "不选条件直接点“查找”，列出收到的全部材料") {
		t.Errorf("查找材料 opened:\n%s", b.last)
	}
	b.get("/console/find?q=&unit=&kind=&status=")
	if !strings.Contains(b.last, returned.ID) || !strings.Contains(b.last, other.ID) || !strings.Contains(b.last, waiting.ID) ||
		strings.Contains(b.last, "不选条件直接点") {
		t.Errorf("查找 with nothing chosen does not list every filing:\n%s", b.last)
	}
	b.get("/console/queue?q=" + url.QueryEscape("电子档案") + "&unit=" + fx.unitA.ID)
	if strings.Contains(b.last, returned.ID) || !strings.Contains(b.last, `href="/console/find?q=`) {
		t.Errorf("the queue lists the returned filing, or its empty list does not lead to 查找材料:\n%s", b.last)
	}
	if r := b.get("/console/find?q=" + url.QueryEscape("电子档案")); r.StatusCode != http.StatusOK ||
		!strings.Contains(b.last, returned.ID) || !strings.Contains(b.last, other.ID) || strings.Contains(b.last, waiting.ID) ||
		!strings.Contains(b.last, "退回修改") || !strings.Contains(b.last, "找到 2 件") {
		t.Errorf("查找材料 by name (%d) does not list both units' filings of that name, and only them:\n%s", r.StatusCode, b.last)
	}
	b.get("/console/find?q=" + url.QueryEscape("电子档案") + "&unit=" + fx.unitA.ID)
	if !strings.Contains(b.last, returned.ID) || strings.Contains(b.last, other.ID) {
		t.Errorf("查找材料 by name and unit lists another unit's filing")
	}
	b.get("/console/find?status=" + string(app.StatusReturned))
	if !strings.Contains(b.last, returned.ID) || strings.Contains(b.last, other.ID) || strings.Contains(b.last, waiting.ID) {
		t.Errorf("查找材料 by status lists filings in another status")
	}
	b.get("/console/find?q=" + returned.ID[:8])
	if !strings.Contains(b.last, returned.ID) || strings.Contains(b.last, waiting.ID) {
		t.Errorf("查找材料 does not find a filing by the start of its number")
	}
	// As the queue's 名称, a unit's name finds its filings; the queue's
	// 已批复 filter leads here with the status (found in a reviewer's
	// walkthrough: both were lost on the way).
	b.get("/console/find?q=" + url.QueryEscape(fx.unitB.Name))
	if !strings.Contains(b.last, other.ID) || strings.Contains(b.last, returned.ID) {
		t.Errorf("查找材料 by the unit's name does not list its filings")
	}
	b.get("/console/queue?status=" + string(app.StatusReturned))
	if !strings.Contains(b.last, `href="/console/find?status=returned"`) {
		t.Errorf("the queue's 退回修改 filter does not lead to 查找材料 with the status")
	}
	// A page past the last says so and leads back, and a refused search
	// shows no empty table under its message.
	b.get("/console/find?q=" + url.QueryEscape("电子档案") + "&offset=500")
	if !strings.Contains(b.last, "这一页之后没有材料了") || !strings.Contains(b.last, `rel="prev"`) {
		t.Errorf("a page past the last:\n%s", b.last)
	}
	b.get("/console/find?status=nonsense")
	if strings.Contains(b.last, "没有符合条件的材料") || strings.Contains(b.last, "草稿") {
		t.Errorf("a refused search shows an empty table or the draft note")
	}
	// The filing's page leads to its unit's filings.
	b.get("/console/filings/" + returned.ID)
	if !strings.Contains(b.last, `href="/console/find?unit=`+fx.unitA.ID+`"`) {
		t.Errorf("the filing's page does not link its unit to 查找材料")
	}
	for q, want := range map[string]string{
		"status=draft":                  "没有草稿",
		"unit=no-such-unit":             "没有这个建设单位",
		"kind=nonsense":                 "未知的材料类型",
		"offset=-3":                     "页码不对",
		"q=" + strings.Repeat("档", 101): "不能超过 100 个字",
	} {
		if r := b.get("/console/find?" + q); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b.last, want) {
			t.Errorf("查找材料 ?%.40s: %d, want 422 saying %q", q, r.StatusCode, want)
		}
	}
	// the queue says it as 查找 does: it showed an empty queue
	if r := b.get("/console/queue?unit=no-such-unit"); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b.last, "没有这个建设单位") {
		t.Errorf("待审核 of an unknown unit: %d", r.StatusCode)
	}

	// Newest first, 50 a page.
	var ids []string
	for i := range 51 {
		f := newFiling(t, fx.unitB.ID)
		f.Declaration.ProjectName = fmt.Sprintf("新店镇批量项目%02d", i)
		fx.submit(fx.clerkB, f, http.StatusCreated)
		ids = append(ids, f.ID)
		fx.clock.Advance(10 * time.Second) // within the session's idle limit
	}
	b.get("/console/find?q=" + url.QueryEscape("批量项目"))
	if !strings.Contains(b.last, "找到 51 件") || !strings.Contains(b.last, ids[50]) || strings.Contains(b.last, ids[0]) ||
		!strings.Contains(b.last, "下一页") {
		t.Fatalf("the first page of 51 is not the newest 50 with a next page:\n%s", b.last)
	}
	if i, j := strings.Index(b.last, ids[50]), strings.Index(b.last, ids[49]); i > j {
		t.Errorf("the newest filing is not listed first")
	}
	b.get("/console/find?q=" + url.QueryEscape("批量项目") + "&offset=50")
	if !strings.Contains(b.last, ids[0]) || strings.Contains(b.last, ids[50]) || !strings.Contains(b.last, "上一页") {
		t.Errorf("the second page does not hold the oldest filing alone")
	}
	// The kinds offered are the profile's: 天宁 takes no 投入运行 (its
	// list offered one; a walkthrough), but a link may name it.
	setProfile(t, fx, "tianning")
	b.get("/console/find")
	if option := `<option value="` + string(app.KindGoLive) + `"`; strings.Contains(b.last, option) || !strings.Contains(b.last, `<option value="`+string(app.KindAcceptanceFiling)+`"`) {
		t.Errorf("查找材料 under 天宁 offers 投入运行, or not 验收后备案")
	}
	b.get("/console/find?kind=" + string(app.KindGoLive))
	if !strings.Contains(b.last, `<option value="`+string(app.KindGoLive)+`" selected`) {
		t.Errorf("a link naming 投入运行 loses it from the form")
	}
}

// A row of a table (a budget line, a funding source, a catalogue's
// resource, a line of the three lists, a trial's issue) takes a remark of
// its own, as the client shows it under the banner with a link to the
// row: the console offered boxes beside single fields only, while its
// hint invited remarks on every item (found in a reviewer's walkthrough).
func TestConsoleRemarksOnTableRows(t *testing.T) {
	fx := MustBureau(t)
	f := newFiling(t, fx.unitA.ID)
	if len(f.Declaration.Budget) < 2 {
		t.Fatalf("the fixture has %d budget lines", len(f.Declaration.Budget))
	}
	fx.submit(fx.clerkA, f, http.StatusCreated)
	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	page := "/console/filings/" + f.ID
	b.get(page)
	for _, want := range []string{`name="remark:budget[1]"`, `name="remark:funding[0]"`, `aria-label="对“投资概算明细 第 2 行”的审核意见"`, `<th class="remark">审核意见</th>`} {
		if !strings.Contains(b.last, want) {
			t.Errorf("the filing's page lacks %s", want)
		}
	}
	n := regexp.MustCompile(`name="transitions" value="(\d+)"`).FindStringSubmatch(b.last)
	if n == nil {
		t.Fatal("no transitions field")
	}
	// A remark over its limit (pasted: the box no longer cuts it at 500
	// without a word) is refused at its box, kept whole, and the row's
	// box says why, as well as the decision card.
	long := strings.Repeat("单价", 251)
	form := url.Values{"csrf": {b.csrf()}, "revision": {f.Revision.ID}, "transitions": {n[1]}, "action": {"return"},
		"comment": {"请按逐项意见修改"}, "remark:budget[1]": {long}}
	if r := b.post(page+"/decision", form); r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("a remark of 502 characters: %d", r.StatusCode)
	}
	box := regexp.MustCompile(`<textarea form="decide" name="remark:budget\[1\]"[^>]*>([^<]*)</textarea>(<p class="bad small" role="alert">[^<]*</p>)?`).FindStringSubmatch(b.last)
	if box == nil || !strings.Contains(box[0], `class="invalid" aria-invalid="true"`) || box[1] != long ||
		!strings.Contains(box[2], "不能超过 500 个字（现有 502 个字）") || strings.Contains(b.last, `maxlength="500"`) {
		t.Errorf("the refused remark's box: %q", box)
	}
	b.get(page)
	form.Set("csrf", b.csrf())
	form.Set("remark:budget[1]", "硬件单价偏高，请附三家询价")
	if r := b.post(page+"/decision", form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("the return with a row's remark: %d\n%s", r.StatusCode, b.last)
	}
	var d protocol.FilingDetail
	fx.mustJSON("GET", protocol.Path(protocol.PathReviewFiling, f.ID), fx.reviewer, nil, http.StatusOK, &d)
	last := d.History[len(d.History)-1]
	if last.Action != app.ActionReturn || last.Remarks["budget[1]"] != "硬件单价偏高，请附三家询价" {
		t.Fatalf("the return's remarks: %+v", last)
	}
	b.get(page)
	if !strings.Contains(b.last, "硬件单价偏高，请附三家询价") {
		t.Errorf("the returned filing's page does not show the row's remark")
	}

	// The unit changes that row and sends the filing again: the remark
	// reads 已修改, and every bureau account sees it beside the row, those
	// who cannot return the filing too (both were wrong; found in a
	// reviewer's walkthrough).
	f.Revision.SubmittedAt = time.Now()
	f.Status = app.StatusReturned
	if err := f.Revise(uuid.NewString(), time.Now()); err != nil {
		t.Fatal(err)
	}
	f.Declaration.Budget[1].Name = "移动终端（三家询价后）"
	fx.submit(fx.clerkA, f, http.StatusCreated)
	b.get(page)
	_, table, _ := strings.Cut(b.last, "退回时的逐项意见")
	table, _, _ = strings.Cut(table, "</table>")
	if !strings.Contains(table, "投资概算明细 第 2 行") || !strings.Contains(table, "已修改") || strings.Contains(table, "未修改") {
		t.Errorf("the changed row's remark is not 已修改:\n%s", table)
	}
	// The return's own comment above its remarks, not only far below in
	// 办理记录 (a reviewer missed an unanswered request; a walkthrough).
	if !strings.Contains(table, `<p class="return-comment"><span class="muted">退回意见：</span><q>请按逐项意见修改</q></p>`) {
		t.Errorf("the return's comment is not above its remarks:\n%s", table)
	}
	stepAccounts(t, fx) // 霍邱's steps: the finance department decides nothing at 受理
	ad := fx.browser()
	ad.login(string(app.RoleFinance), http.StatusSeeOther)
	ad.get(page)
	_, budget, _ := strings.Cut(ad.last, "投资概算明细</h3>")
	budget, _, _ = strings.Cut(budget, "</table>")
	if strings.Contains(ad.last, `name="remark:budget[1]"`) {
		t.Fatal("the finance department may return it: not the page without boxes")
	}
	if !strings.Contains(budget, "上次退回意见：硬件单价偏高，请附三家询价") {
		t.Errorf("the budget table does not show the row's earlier remark:\n%s", budget)
	}
}

// A row's remark follows its row when the unit takes a row out above it,
// and a remark on a row taken out says so: by number they sat beside
// another row (found in review).
func TestConsoleRowRemarksFollowTheirRows(t *testing.T) {
	fx := MustBureau(t)
	f := newFiling(t, fx.unitA.ID)
	fx.submit(fx.clerkA, f, http.StatusCreated)
	fx.decideReq(fx.reviewer, f.ID, protocol.DecisionRequest{Action: app.ActionReturn, Comment: "请按逐项意见修改",
		Remarks: map[string]string{"budget[0]": "开发费用偏高，请删去", "budget[3]": "等保测评请附报价",
			"budget[1].amount": "数量与单价不符"}}, http.StatusOK)
	f.Revision.SubmittedAt = time.Now()
	f.Status = app.StatusReturned
	if err := f.Revise(uuid.NewString(), time.Now()); err != nil {
		t.Fatal(err)
	}
	moved := f.Declaration.Budget[3].Name // 等保测评, row 3, now row 2
	f.Declaration.TotalInvestment -= f.Declaration.Budget[0].Amount
	f.Declaration.YearAmount = f.Declaration.TotalInvestment
	f.Declaration.Funding = []app.Funding{{Kind: app.FundLocal, Amount: f.Declaration.TotalInvestment}}
	f.Declaration.Budget = f.Declaration.Budget[1:]
	fx.submit(fx.clerkA, f, http.StatusCreated)
	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	b.get("/console/filings/" + f.ID)
	_, budget, _ := strings.Cut(b.last, "投资概算明细</h3>")
	budget, _, _ = strings.Cut(budget, "</table>")
	var row string
	for _, tr := range strings.Split(budget, "<tr") {
		if strings.Contains(tr, "等保测评请附报价") {
			row = tr
		}
	}
	if !strings.Contains(row, moved) || !strings.Contains(row, `name="remark:budget[2]"`) {
		t.Errorf("the remark on 等保测评 is not beside its row, now row 2:\n%s", row)
	}
	_, list, _ := strings.Cut(b.last, "退回时的逐项意见")
	list, _, _ = strings.Cut(list, "</table>")
	for _, tr := range strings.Split(list, "<tr") {
		switch {
		case strings.Contains(tr, "开发费用偏高"):
			if !strings.Contains(tr, "投资概算明细 第 1 行（退回时的这一行已删除）") || !strings.Contains(tr, "已删除该行") {
				t.Errorf("the removed row's remark: %s", tr)
			}
		case strings.Contains(tr, "等保测评请附报价"):
			// named by the row it sits beside, and as it was written
			if !strings.Contains(tr, "未修改") || !strings.Contains(tr, "投资概算明细 第 3 行（退回时为第 4 行）") {
				t.Errorf("the moved, unchanged row's remark: %s", tr)
			}
		}
	}
	if strings.Count(budget, "开发费用偏高") != 0 {
		t.Errorf("the removed row's remark sits beside another row")
	}
	// A remark on a row's field (as the API takes it) sits beside its row
	// too, naming the field: it was listed above only.
	row = ""
	for _, tr := range strings.Split(budget, "<tr") {
		if strings.Contains(tr, "数量与单价不符") {
			row = tr
		}
	}
	if !strings.Contains(row, "移动终端") || !strings.Contains(row, "上次退回意见（金额）：数量与单价不符") {
		t.Errorf("the remark on a row's field is not beside its row:\n%s", row)
	}
}

// An account with no decision to take on a filing under review is told
// why: a department that has concurred, what it waits for; another, whose
// step it is. Both read "材料当前为“专家论证中”，没有可作的决定" (found in a
// reviewers' walkthrough).
func TestConsoleSaysWhyThereIsNoDecision(t *testing.T) {
	fx := MustBureau(t)
	tok, fs := atJointReview(t, fx, 1)
	f := fs[0]
	fx.decideReq(tok[app.RoleFinance], f.ID, protocol.DecisionRequest{Action: app.ActionConcur}, http.StatusOK)
	for role, want := range map[app.Role]string{
		app.RoleFinance:  "您已联审同意；等待发展改革部门·联审、密码管理部门·联审。",
		app.RoleReviewer: "由财政部门·联审、发展改革部门·联审、密码管理部门·联审办理，您的账号没有可作的决定。",
	} {
		b := fx.browser()
		b.login(string(role), http.StatusSeeOther)
		b.get("/console/filings/" + f.ID)
		if decide := decideCard(b.last); !strings.Contains(decide, want) || strings.Contains(decide, "材料当前为") {
			t.Errorf("%s reads:\n%s", role, decide)
		}
	}
}

// The queue says which step each filing waits at: at 专家论证中 the
// development-and-reform department could not tell a filing waiting for
// its 联审同意 from one waiting for its 批复立项 (found in a reviewers'
// walkthrough).
func TestConsoleQueueNamesTheStep(t *testing.T) {
	fx := MustBureau(t)
	tok, fs := atJointReview(t, fx, 2)
	joint, approval := fs[0], fs[1]
	for _, r := range []app.Role{app.RoleFinance, app.RoleNDRC, app.RoleCrypto} {
		fx.decideReq(tok[r], approval.ID, protocol.DecisionRequest{Action: app.ActionConcur}, http.StatusOK)
	}
	b := fx.browser()
	b.login(string(app.RoleNDRC), http.StatusSeeOther)
	b.get("/console/queue")
	for id, want := range map[string]string{joint.ID: "待专家论证/联审", approval.ID: "待批复立项"} {
		i := strings.Index(b.last, `href="/console/filings/`+id+`"`)
		if i < 0 {
			t.Fatalf("the queue lacks %s", id)
		}
		row := b.last[i:]
		row = row[:strings.Index(row, "</tr>")]
		if !strings.Contains(row, want) {
			t.Errorf("the row of %s does not say %q:\n%s", id, want, row)
		}
	}
	// The export says it too, in a column of its own after the status
	// (it had no step: the two rows read alike).
	b.get("/console/queue.csv")
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(b.last, "\ufeff"))).ReadAll()
	if err != nil || len(rows) != 3 {
		t.Fatalf("export: %d rows, %v", len(rows), err)
	}
	col := slices.Index(rows[0], "审核步骤")
	if col != slices.Index(rows[0], "状态")+1 {
		t.Fatalf("export heading: %v", rows[0])
	}
	for _, row := range rows[1:] {
		id := row[len(row)-1]
		if want := map[string]string{joint.ID: "待专家论证/联审", approval.ID: "待批复立项"}[id]; row[col] != want {
			t.Errorf("export row of %s: step %q, want %q", id, row[col], want)
		}
	}
}

// atJointReview submits n filings of unit A, sets 霍邱's steps and takes
// each through 受理 and 初审: they wait at the joint review.
func atJointReview(t *testing.T, fx *fixture, n int) (map[app.Role]string, []*app.Filing) {
	t.Helper()
	fs := make([]*app.Filing, n)
	for i := range fs {
		fs[i] = newFiling(t, fx.unitA.ID)
		fx.submit(fx.clerkA, fs[i], http.StatusCreated)
	}
	tok := stepAccounts(t, fx) // after the submissions: the profile asks for attachments
	for _, f := range fs {
		fx.decideReq(tok[app.RoleReviewer], f.ID, protocol.DecisionRequest{Action: app.ActionAccept}, http.StatusOK)
		fx.decideReq(tok[app.RoleReviewer], f.ID, protocol.DecisionRequest{Action: app.ActionPass}, http.StatusOK)
	}
	return tok, fs
}

// decideCard returns the decision card of a filing page.
func decideCard(page string) string {
	card := page[strings.Index(page, `class="card decide"`):]
	return card[:strings.Index(card, "</section>")]
}

// A remark on an item of a resource that moved names the item as it is
// now and as it was written, the resource's old number with it (the item
// keeps its own): "信息项 第 1 行（退回时为第 2 行）" named the resource's old
// number as the item's (found in review).
func TestConsoleNestedRowRemarkNamesItsOldPlace(t *testing.T) {
	fx := MustBureau(t)
	f, err := app.NewFiling(app.KindCatalogue, uuid.NewString(), uuid.NewString(), fx.unitB.ID, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	f.Catalogue = apptest.Catalogue()
	second := f.Catalogue.Entries[0]
	second.Items = slices.Clone(second.Items)
	second.Sequence, second.Name = "000009", second.Name+"（二）"
	f.Catalogue.Entries = append(f.Catalogue.Entries, second)
	f.Catalogue.Negatives = nil
	fx.submit(fx.clerkB, f, http.StatusCreated)
	const p = "entries[1].items[0].name"
	fx.decideReq(fx.reviewer, f.ID, protocol.DecisionRequest{Action: app.ActionReturn, Comment: "请按逐项意见修改",
		Remarks: map[string]string{p: "信息项名称请写全"}}, http.StatusOK)
	f.Revision.SubmittedAt, f.Status = time.Now(), app.StatusReturned
	if err := f.Revise(uuid.NewString(), time.Now()); err != nil {
		t.Fatal(err)
	}
	f.Catalogue.Entries = f.Catalogue.Entries[1:] // the first resource taken out
	fx.submit(fx.clerkB, f, http.StatusCreated)
	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	b.get("/console/filings/" + f.ID)
	want := app.RemarkLabel(app.KindCatalogue, "entries[0].items[0].name") + "（退回时为" + app.RemarkLabel(app.KindCatalogue, p) + "）"
	if !strings.Contains(b.last, want) {
		_, list, _ := strings.Cut(b.last, "退回时的逐项意见")
		list, _, _ = strings.Cut(list, "</table>")
		t.Errorf("the remark list lacks %q:\n%s", want, list)
	}
}

// The page of a decision sent after the session idled out logs the
// reviewer in again and puts what they typed back in the filing's decision
// form (a reviewer had to copy a long 退回修改 reason and its remarks, log
// in, find the filing and paste them back one by one). A login refused
// keeps it all; a filing that moved on in the meantime says so, with the
// texts still in the form.
func TestConsoleIdleFormLogsInAndRefills(t *testing.T) {
	fx := MustBureau(t, func(c *server.Config) { c.SessionIdle = 15 * time.Minute })
	f := newFiling(t, fx.unitA.ID)
	fx.submit(fx.clerkA, f, http.StatusCreated)
	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	page := "/console/filings/" + f.ID
	idle := func() {
		t.Helper()
		r := decideAfterIdle(fx, b, f, url.Values{"remark:goals": {"目标须量化"}, "remark:budget[0]": {"单价偏高"}})
		if r.StatusCode != http.StatusUnauthorized || !strings.Contains(b.last, `action="/console/login/resume"`) {
			t.Fatalf("after the session ended: %d, no login that carries the decision:\n%s", r.StatusCode, b.last)
		}
	}
	var sent url.Values // the last idle-page login sent
	resumeAs := func(login, pw string) *http.Response {
		t.Helper()
		sent = hiddenFields(b.last)
		sent.Set("password", pw)
		sent.Set("login", login)
		return b.post("/console/login/resume", sent)
	}
	resume := func(pw string) *http.Response { t.Helper(); return resumeAs("reviewer", pw) }
	idle()
	if r := resume("wrong"); r.StatusCode != http.StatusUnauthorized || !strings.Contains(b.last, "一、补充依据\n二、核减预算") ||
		!strings.Contains(b.last, `name="remark:goals" value="目标须量化"`) || !strings.Contains(b.last, `action="/console/login/resume"`) {
		t.Fatalf("a wrong password: %d, or the decision typed is gone:\n%s", r.StatusCode, b.last)
	}
	if r := resume(password); r.StatusCode != http.StatusOK || !strings.Contains(b.last, "已重新登录") || !strings.Contains(b.last, "2 个“审核意见”框") {
		t.Fatalf("logged in again: %d:\n%s", r.StatusCode, b.last)
	}
	for _, want := range []string{">一、补充依据\n二、核减预算</textarea>", ">目标须量化</textarea>", ">单价偏高</textarea>", `value="return" required checked`} {
		if !strings.Contains(b.last, want) {
			t.Errorf("the form lacks %q", want)
		}
	}
	if strings.Contains(b.last, "已由他人处理") {
		t.Error("a filing nobody touched is said to have moved on")
	}
	// The browser's reload sends the login again: the session it began
	// refills without it (it gave a page saying the form had expired,
	// with nothing of what was typed).
	if r := b.post("/console/login/resume", sent); r.StatusCode != http.StatusOK || !strings.Contains(b.last, ">一、补充依据\n二、核减预算</textarea>") {
		t.Errorf("reloaded after the login: %d:\n%s", r.StatusCode, b.last)
	}
	// Not into another account's session (another person's tab): that
	// goes through a login, which this form's expired token refuses,
	// giving the texts back.
	other := url.Values{}
	for k, vs := range sent {
		other[k] = vs
	}
	other.Set("login", "admin")
	if r := b.post("/console/login/resume", other); r.StatusCode == http.StatusOK || !strings.Contains(b.last, "一、补充依据") {
		t.Errorf("the form of another login, in this session: %d:\n%s", r.StatusCode, b.last)
	}
	// The form as given back goes through, on the new session.
	b.get(page)
	form := url.Values{"csrf": {b.csrf()}, "revision": {f.Revision.ID}, "transitions": {"1"}, "kind": {string(app.KindDeclaration)},
		"action": {"return"}, "comment": {"一、补充依据\n二、核减预算"}, "remark:goals": {"目标须量化"}}
	if r := b.post(page+"/decision", form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("the decision given back: %d:\n%s", r.StatusCode, b.last)
	}

	// Logged in again as an account with no decision at the step (the
	// login box is empty): the page named the texts put back, which it
	// had nowhere to show. They are listed to copy.
	f = newFiling(t, fx.unitA.ID)
	fx.submit(fx.clerkA, f, http.StatusCreated)
	if _, err := fx.srv.AddAccount(context.Background(), server.NewAccount{Login: "finance", Name: "钱财政", Role: app.RoleFinance, Password: password}); err != nil {
		t.Fatal(err)
	}
	b = fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	idle()
	if r := resumeAs("finance", password); r.StatusCode != http.StatusOK || strings.Contains(b.last, "已填回右侧") ||
		!strings.Contains(b.last, "未能填回的内容如下") || !strings.Contains(b.last, "<li>审核意见：一、补充依据\n二、核减预算</li>") ||
		!strings.Contains(b.last, "目标须量化") {
		t.Errorf("logged in again as an account with no decision here: %d:\n%s", r.StatusCode, b.last)
	}
	// A filing that cannot be opened once logged in (gone, another
	// unit's): the texts to copy, not an error page without them.
	b = fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	idle()
	form = hiddenFields(b.last)
	form.Set("password", password)
	form.Set("login", "reviewer")
	form.Set("next", "/console/filings/"+uuid.NewString())
	if r := b.post("/console/login/resume", form); r.StatusCode != http.StatusOK || !strings.Contains(b.last, "无法打开这份材料") ||
		!strings.Contains(b.last, "<li>审核意见：一、补充依据\n二、核减预算</li>") {
		t.Errorf("logged in again to a filing that cannot be opened: %d:\n%s", r.StatusCode, b.last)
	}

	// Another filing, decided by someone else while the reviewer was away.
	f = newFiling(t, fx.unitA.ID)
	fx.submit(fx.clerkA, f, http.StatusCreated)
	idle()
	fx.decide(fx.admin, f.ID, app.ActionAccept, "", http.StatusOK)
	if r := resume(password); r.StatusCode != http.StatusOK || !strings.Contains(b.last, "已由他人处理") ||
		!strings.Contains(b.last, ">一、补充依据\n二、核减预算</textarea>") || strings.Contains(b.last, "已重新登录。") {
		t.Errorf("a filing decided meanwhile: %d:\n%s", r.StatusCode, b.last)
	}
}

// The idle page's login reads a decision's worth of form without a
// session: only from a browser that has the login page's cookie, and
// never past its limit, announced or sent.
func TestConsoleResumeReadsOnlyWhatItMay(t *testing.T) {
	fx := MustBureau(t)
	b := fx.browser()
	form := url.Values{"next": {"/console/filings/x"}, "login": {"reviewer"}, "password": {password}, "comment": {"依据"}}
	if r := b.post("/console/login/resume", form); r.StatusCode != http.StatusBadRequest {
		t.Errorf("without the login page's cookie: %d", r.StatusCode)
	}
	b.get("/console/login")
	form.Set("csrf", b.csrf())
	form.Set("comment", strings.Repeat("长", 300<<10))
	if r := b.post("/console/login/resume", form); r.StatusCode != http.StatusBadRequest {
		t.Errorf("a form of %d KB: %d", len(form.Encode())>>10, r.StatusCode)
	}
	form.Set("comment", "依据")
	form.Set("next", "https://evil.example/console/filings/x")
	if r := b.post("/console/login/resume", form); r.StatusCode != http.StatusBadRequest {
		t.Errorf("a next that is not a filing of this console: %d", r.StatusCode)
	}
}

// decideAfterIdle opens f's page in b, lets the session idle out and sends
// a 退回修改 with a two-line comment and the fields in extra (remarks):
// the page that answers is the idle page.
func decideAfterIdle(fx *fixture, b *browser, f *app.Filing, extra url.Values) *http.Response {
	b.tb.Helper()
	page := "/console/filings/" + f.ID
	b.get(page)
	fx.clock.Advance(16 * time.Minute)
	form := url.Values{"csrf": {b.csrf()}, "revision": {f.Revision.ID}, "transitions": {"1"},
		"kind": {string(app.KindDeclaration)}, "action": {"return"}, "comment": {"一、补充依据\n二、核减预算"}}
	for k, vs := range extra {
		form[k] = vs
	}
	return b.post(page+"/decision", form)
}

// hiddenFields returns the hidden inputs of page, as a browser sends them.
func hiddenFields(page string) url.Values {
	form := url.Values{}
	for _, m := range hiddenInput.FindAllStringSubmatch(page, -1) {
		form.Add(m[1], html.UnescapeString(m[2]))
	}
	return form
}

// reviewerOpens submits a new declaration of unit A and opens its page in
// the console as the reviewer: the page, its browser and the filing.
func (fx *fixture) reviewerOpens(t *testing.T) (*app.Filing, *browser, string) {
	t.Helper()
	f := newFiling(t, fx.unitA.ID)
	fx.submit(fx.clerkA, f, http.StatusCreated)
	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	page := "/console/filings/" + f.ID
	b.get(page)
	return f, b, page
}

var hiddenInput = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)

// TestConsoleDecisionOnAWithdrawnFiling: a reviewer whose page was opened
// before the unit withdrew the filing is told that the unit withdrew it,
// with its reason, not "已由他人处理"; the filing page then says it has no
// decision to take, and 查找材料 finds it under 已撤回.
func TestConsoleDecisionOnAWithdrawnFiling(t *testing.T) {
	fx := MustBureau(t)
	f, b, page := fx.reviewerOpens(t)
	form := url.Values{"csrf": {b.csrf()}, "revision": {f.Revision.ID}, "transitions": {"1"}, "action": {"accept"}}
	fx.mustJSON("POST", protocol.Path(protocol.PathWithdrawal, f.ID), fx.clerkA,
		protocol.WithdrawRequest{RevisionID: f.Revision.ID, Comment: "附件传错了"}, http.StatusOK, nil)
	if r := b.post(page+"/decision", form); r.StatusCode != http.StatusConflict || !strings.Contains(b.last, "建设单位已撤回这一版") ||
		!strings.Contains(b.last, "撤回原因：<q>附件传错了") || strings.Contains(b.last, "已由他人处理") {
		t.Errorf("受理 of a withdrawn filing: %d\n%s", r.StatusCode, b.last)
	}
	b.get(page)
	if !strings.Contains(b.last, "已撤回") || !strings.Contains(b.last, "没有可作的决定") || strings.Contains(b.last, `value="accept"`) {
		t.Errorf("the withdrawn filing's page:\n%s", b.last)
	}
	b.get("/console/find?status=" + string(app.StatusWithdrawn))
	if !strings.Contains(b.last, f.ID) {
		t.Errorf("查找材料 by 已撤回 does not list it")
	}
	b.get("/console/queue")
	if strings.Contains(b.last, f.ID) {
		t.Errorf("the queue lists a withdrawn filing")
	}
}

// TestConsoleComparesWithWhatTheBureauHad (found in a walkthrough): the
// unit answers a return's remark in revision 2, withdraws it, and sends
// revision 3 unchanged. Revision 3 is compared with revision 1, which the
// bureau returned — not with the withdrawn revision 2 it never reviewed —
// so the remark reads 已修改, not 未修改.
func TestConsoleComparesWithWhatTheBureauHad(t *testing.T) {
	fx := MustBureau(t)
	f := newFiling(t, fx.unitA.ID)
	fx.submit(fx.clerkA, f, http.StatusCreated)
	fx.decideReq(fx.reviewer, f.ID, protocol.DecisionRequest{Action: app.ActionReturn, Comment: "请按逐项意见修改",
		Remarks: map[string]string{"goals": "请把建设目标量化到指标"}}, http.StatusOK)
	f.Revision.SubmittedAt, f.Status = time.Now(), app.StatusReturned
	if err := f.Revise("rev-2-answered", time.Now()); err != nil {
		t.Fatal(err)
	}
	f.Declaration.Goals += "，事件处置时限缩短 30%"
	fx.submit(fx.clerkA, f, http.StatusCreated)
	fx.mustJSON("POST", protocol.Path(protocol.PathWithdrawal, f.ID), fx.clerkA, protocol.WithdrawRequest{RevisionID: f.Revision.ID}, http.StatusOK, nil)
	f.Revision.SubmittedAt, f.Status = time.Now(), app.StatusWithdrawn
	if err := f.Revise("rev-3-as-2", time.Now()); err != nil {
		t.Fatal(err)
	}
	fx.submit(fx.clerkA, f, http.StatusCreated)

	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	b.get("/console/filings/" + f.ID)
	if !strings.Contains(b.last, "与第 1 版相比的修改") || !strings.Contains(b.last, "已修改") || strings.Contains(b.last, "未修改") {
		t.Errorf("revision 3 after a withdrawn revision 2:\n%s", b.last)
	}
}

// A browser sends a text box's line breaks as CR LF, and the box's
// maxlength counts each as one: a 退回修改 reason of 4,000 characters with
// 60 line breaks, which the box took, was refused as over 4,000, and the
// reasons taken were kept with CRs (found from outside). Line breaks are
// LF once the form is read, in the comment and the remarks alike.
func TestConsoleCountsABrowsersLineBreaksOnce(t *testing.T) {
	fx := MustBureau(t)
	f, b, page := fx.reviewerOpens(t)
	n := regexp.MustCompile(`name="transitions" value="(\d+)"`).FindStringSubmatch(b.last)
	if n == nil {
		t.Fatal("no transitions field")
	}
	// 4,000 characters as the box counts them, 61 of them line breaks, and
	// a remark of 401 (the box's limit 500), 200 of them breaks.
	lf := string([]rune(strings.Repeat(strings.Repeat("请", 65)+"\n", 62))[:4000])
	remark := strings.Repeat("补\n", 200) + "写"
	crlf := func(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }
	form := url.Values{"csrf": {b.csrf()}, "revision": {f.Revision.ID}, "transitions": {n[1]}, "action": {"return"},
		"comment": {crlf(lf)}, "remark:goals": {crlf(remark)}}
	if r := b.post(page+"/decision", form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("a return of 4,000 characters as the box counts them: %d\n%.600s", r.StatusCode, b.last)
	}
	var d protocol.FilingDetail
	fx.mustJSON("GET", protocol.Path(protocol.PathReviewFiling, f.ID), fx.reviewer, nil, http.StatusOK, &d)
	last := d.History[len(d.History)-1]
	if last.Comment != strings.TrimSpace(lf) || last.Remarks["goals"] != remark {
		t.Errorf("the return was kept with CRs or changed: %q…", last.Comment[:min(len(last.Comment), 80)])
	}
}

// A decision sent from a page of an earlier login of this browser is not
// taken, and what was typed is not lost: to the same account, logged in
// again in another tab, the filing's page comes back with it in the form;
// after 退出 (no session), the page gives it back with a login that
// carries it; to another account it is shown to copy. A cross-site form
// gets none of this. A 天宁 reviewer who had logged out and in again in
// another tab lost a 退回修改 reason to 表单已过期 (a walkthrough).
func TestConsoleDecisionFromAnEarlierLoginIsGivenBack(t *testing.T) {
	fx := MustBureau(t)
	f, b, page := fx.reviewerOpens(t)
	form := hiddenFields(b.last)
	form.Set("action", "return")
	form.Set("comment", "一、补充依据\n二、核减预算")
	form.Set("remark:goals", "目标须量化")
	same := []string{"Sec-Fetch-Site", "same-origin"} // as a browser sends a form of the page's own origin
	relogin := func(as string) {
		t.Helper()
		b.get("/console/queue")
		if r := b.post("/console/logout", url.Values{"csrf": {b.csrf()}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("logout: %d", r.StatusCode)
		}
		if as != "" {
			b.login(as, http.StatusSeeOther)
		}
	}
	undecided := func() {
		t.Helper()
		var d protocol.FilingDetail
		fx.mustJSON("GET", protocol.Path(protocol.PathReviewFiling, f.ID), fx.reviewer, nil, http.StatusOK, &d)
		if d.Status != app.StatusSubmitted || len(d.History) != 1 {
			t.Fatalf("the stale form took a decision: %s, %d decisions", d.Status, len(d.History))
		}
	}

	relogin("reviewer")
	if r := b.post(page+"/decision", form, same...); r.StatusCode != http.StatusOK || !strings.Contains(b.last, "决定没有提交：您提交的页面是此前登录时打开的") {
		t.Fatalf("the same account logged in again: %d\n%s", r.StatusCode, b.last)
	}
	for _, want := range []string{">一、补充依据\n二、核减预算</textarea>", ">目标须量化</textarea>", `value="return" required checked`} {
		if !strings.Contains(b.last, want) {
			t.Errorf("the form given back lacks %q", want)
		}
	}
	undecided()

	// From another site, the form gets the cross-origin refusal, and what
	// it carries is not shown on the console's page; nor when nothing says
	// where it came from (no Sec-Fetch-Site, no Origin), or another origin.
	for _, h := range [][]string{{"Sec-Fetch-Site", "cross-site"}, nil, {"Origin", "https://evil.example"}} {
		if r := b.post(page+"/decision", form, h...); r.StatusCode != http.StatusForbidden || strings.Contains(b.last, "补充依据") {
			t.Errorf("a form with %q: %d\n%s", h, r.StatusCode, b.last)
		}
	}
	if r := b.post(page+"/decision", form, "Origin", fx.http.URL); r.StatusCode != http.StatusOK || !strings.Contains(b.last, ">一、补充依据\n二、核减预算</textarea>") {
		t.Errorf("a form with this origin's Origin (a browser without Sec-Fetch-Site): %d", r.StatusCode)
	}

	relogin("")
	if r := b.post(page+"/decision", form); r.StatusCode != http.StatusUnauthorized || strings.Contains(b.last, "补充依据") {
		t.Errorf("after 退出, a form that does not say it is the console's: %d\n%s", r.StatusCode, b.last)
	}
	if r := b.post(page+"/decision", form, same...); r.StatusCode != http.StatusUnauthorized || !strings.Contains(b.last, "登录已失效，决定没有提交") ||
		!strings.Contains(b.last, `action="/console/login/resume"`) || !strings.Contains(b.last, "一、补充依据\n二、核减预算") {
		t.Fatalf("after 退出: %d\n%s", r.StatusCode, b.last)
	}
	sent := hiddenFields(b.last)
	sent.Set("login", "reviewer")
	sent.Set("password", password)
	if r := b.post("/console/login/resume", sent); r.StatusCode != http.StatusOK || !strings.Contains(b.last, ">一、补充依据\n二、核减预算</textarea>") {
		t.Errorf("logged in from the page given back: %d\n%s", r.StatusCode, b.last)
	}
	undecided()

	relogin("admin")
	if r := b.post(page+"/decision", form, same...); r.StatusCode != http.StatusConflict || !strings.Contains(b.last, "用另一个账号登录时打开的") ||
		!strings.Contains(b.last, "一、补充依据\n二、核减预算") || strings.Contains(b.last, "</textarea>") || !strings.Contains(b.last, "以现在的账号打开这份材料") {
		t.Errorf("another account's session: %d\n%s", r.StatusCode, b.last)
	}
	undecided()
}

// A revision sent again after a return with a comment alone (no field
// remarks) shows that comment at the top of the page: nothing said what
// the return had asked for but 办理记录, at the bottom (a walkthrough).
func TestConsoleShowsTheReturnsCommentOnTheNextRevision(t *testing.T) {
	fx := MustBureau(t)
	f := newFiling(t, fx.unitA.ID)
	fx.submit(fx.clerkA, f, http.StatusCreated)
	fx.decide(fx.reviewer, f.ID, app.ActionReturn, "请补充与县级平台对接的接口清单", http.StatusOK)
	f.Revision.SubmittedAt, f.Status = time.Now(), app.StatusReturned
	if err := f.Revise(uuid.NewString(), time.Now()); err != nil {
		t.Fatal(err)
	}
	fx.submit(fx.clerkA, f, http.StatusCreated)
	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	b.get("/console/filings/" + f.ID)
	_, top, _ := strings.Cut(b.last, `<article class="doc">`)
	if !strings.HasPrefix(strings.TrimSpace(top), `<section class="card earlier-remarks">`) ||
		!strings.Contains(top, "<h2>第 1 版退回时的意见</h2>") || !strings.Contains(top, "<q>请补充与县级平台对接的接口清单</q>") {
		t.Errorf("the page does not begin with the return's comment:\n%.600s", top)
	}
}

// TestConsolePrintsADecisionAsAnOpinion: each decision in 办理记录 opens as
// the bureau's written opinion (审核意见), made for printing: the bureau's
// name, the unit, the filing and the revision decided on with its printed
// copy's verification code (of that revision, after a later one came), the
// decision in the kind's terms, the comment, the remarks field by field, who
// and when. A reviewer had no paper of a decision to hand a unit or file (a
// 六安 walkthrough). The unit's own submission is no decision.
func TestConsolePrintsADecisionAsAnOpinion(t *testing.T) {
	fx := MustBureau(t)
	f := newFiling(t, fx.unitA.ID)
	rc1 := fx.submit(fx.clerkA, f, http.StatusCreated)
	fx.decideReq(fx.reviewer, f.ID, protocol.DecisionRequest{Action: app.ActionReturn, From: app.StatusSubmitted,
		Comment: "请补充绩效指标\n并核实预算", Remarks: map[string]string{"budget[1]": "硬件单价偏高，请附三家询价"}}, http.StatusOK)
	f.Revision.SubmittedAt = time.Now()
	f.Status = app.StatusReturned
	if err := f.Revise(uuid.NewString(), time.Now()); err != nil {
		t.Fatal(err)
	}
	oldName := f.Declaration.ProjectName
	f.Declaration.Indicators = "事件按时办结率不低于 95%"
	f.Declaration.ProjectName = oldName + "（二期）"
	fx.submit(fx.clerkA, f, http.StatusCreated)
	var detail protocol.FilingDetail
	fx.mustJSON("GET", protocol.Path(protocol.PathReviewFiling, f.ID), fx.reviewer, nil, http.StatusOK, &detail)

	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	page := "/console/filings/" + f.ID
	b.get(page)
	if !strings.Contains(b.last, `href="`+page+`/decisions/2"`) || strings.Contains(b.last, `href="`+page+`/decisions/1"`) {
		t.Errorf("办理记录 does not link the return (2nd) alone to its opinion:\n%s", b.last[strings.Index(b.last, "办理记录"):])
	}
	if r := b.get(page + "/decisions/2"); r.StatusCode != http.StatusOK {
		t.Fatalf("the opinion: %d", r.StatusCode)
	}
	code := app.PrintCode{RevisionID: rc1.RevisionID, Revision: 1, BodySHA256: rc1.BodySHA256}.String()
	text := html.UnescapeString(b.last)
	// The revision decided on is named as it was (its title since changed),
	// and the decision's day in Chinese.
	for _, want := range []string{"政务信息化项目审核意见", fx.unitA.Name, oldName + "（项目申报书，第 1 版）", code,
		"退回修改", "请补充绩效指标\n并核实预算", "投资概算明细 第 2 行", "硬件单价偏高，请附三家询价", "审核人：",
		paper.ChineseDate(detail.History[1].At), "/console/static/print.js"} {
		if !strings.Contains(text, want) {
			t.Errorf("the opinion lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "（二期）") {
		t.Error("the opinion of revision 1 names the project as revision 2 does")
	}
	// Each printed page is headed with the filing, from the opinion's own
	// style sheet (the console allows no inline style).
	if r := b.get(page + "/decisions/2/page.css"); r.StatusCode != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/css") ||
		!strings.Contains(b.last, "@top-center") || !strings.Contains(b.last, oldName+" · 第 1 版 · 核验码 "+code) {
		t.Errorf("the opinion's page.css: %d %s\n%s", r.StatusCode, r.Header.Get("Content-Type"), b.last)
	}
	if !strings.Contains(text, `href="`+page+`/decisions/2/page.css"`) {
		t.Error("the opinion does not link its page.css")
	}
	for _, n := range []string{"1", "4", "0", "x", "99999999999999999999"} {
		if r := b.get(page + "/decisions/" + n); r.StatusCode != http.StatusNotFound {
			t.Errorf("decisions/%s: %d, want 404", n, r.StatusCode)
		}
	}
	if r := b.get("/console/filings/" + uuid.NewString() + "/decisions/2"); r.StatusCode != http.StatusNotFound {
		t.Errorf("an unknown filing's opinion: %d", r.StatusCode)
	}
	// An auditor reads no filing, nor its opinions.
	if _, err := fx.srv.AddAccount(context.Background(), server.NewAccount{Login: "auditor", Name: "审计员甲", Role: app.RoleAuditor, Password: password}); err != nil {
		t.Fatal(err)
	}
	au := fx.browser()
	au.login("auditor", http.StatusSeeOther)
	for _, p := range []string{page, page + "/decisions/2", page + "/decisions/2/page.css"} {
		if r := au.get(p); r.StatusCode != http.StatusForbidden {
			t.Errorf("an auditor's %s: %d", p, r.StatusCode)
		}
	}
}

// Under 霍邱's steps an opinion is headed and signed by whoever decided: a
// department's 联审 by the department, 发改委's 批复立项 by the route's
// approver (县发改委), not in the data bureau's name; and it states the
// declared total and the 核定 amount in force, whose it is, where the
// decision names none (a 批复立项 without an amount keeps the 初审's; a
// walkthrough printed a 批复 without its amount).
func TestConsoleOpinionNamesWhoDecidedAndTheAmount(t *testing.T) {
	fx := MustBureau(t)
	f, tok, first := throughJointReview(t, fx, func(app.Role) string { return "同意" })
	fx.decideReq(tok[app.RoleNDRC], f.ID, protocol.DecisionRequest{Action: app.ActionApprove, Comment: "同意立项"}, http.StatusOK)
	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	opinion := func(n int) string {
		t.Helper()
		if r := b.get(fmt.Sprintf("/console/filings/%s/decisions/%d", f.ID, n)); r.StatusCode != http.StatusOK {
			t.Fatalf("opinion %d: %d", n, r.StatusCode)
		}
		return html.UnescapeString(b.last)
	}
	bureau := "霍邱县数据资源管理局（县数管局）"
	declared := "<th>申报总投资</th><td>" + f.Declaration.TotalInvestment.String()
	for n, want := range map[int][]string{
		3: {`<p class="sheet-bureau">` + bureau + `</p>`, "<th>核定金额</th><td>" + first.String() + "</td>", declared},
		4: {`<p class="sheet-bureau">财政部门</p>`, "<th>核定金额</th><td>" + first.String() + "（初审核定）", declared},
		7: {`<p class="sheet-bureau">县发改委</p>`, `<p class="seal">县发改委<br>`, "<th>核定金额</th><td>" + first.String() + "（沿用初审核定）", declared},
	} {
		got := opinion(n)
		for _, w := range want {
			if !strings.Contains(got, w) {
				t.Errorf("opinion %d lacks %q:\n%s", n, w, got[strings.Index(got, `<article`):])
			}
		}
	}
}
