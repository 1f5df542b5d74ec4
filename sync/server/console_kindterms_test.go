package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"egovdesk/app"
	"egovdesk/sync/protocol"
)

// The console names a reviewer's decisions in the terms of the filing's
// kind: a declaration is refused as 不予立项, a later filing is not a
// project to approve (a go-live 不予备案, an adjustment 不予同意调整), in the
// radio buttons, the comment's hint, the history and the message after the
// decision. For an adjustment the verdict shows the listed situation the
// unit chose with its clause (武汉 第十九条第（一）项), or that it chose
// none, beside the moved share and the old-vs-new lines.
func TestConsoleNamesDecisionsInTheKindsTerms(t *testing.T) {
	fx := MustBureau(t)
	decl := newFiling(t, fx.unitA.ID)
	fx.decided(t, decl)
	pending := newFiling(t, fx.unitA.ID) // a project's decisions on offer
	fx.submit(fx.clerkA, pending, http.StatusCreated)
	setProfile(t, fx, "wuhan")
	live := laterFiling(t, app.KindGoLive, decl)
	live.GoLive = &app.GoLive{ProjectName: decl.Declaration.ProjectName, UnitName: decl.Declaration.UnitName,
		GoLiveOn: "2027-02-20", Scope: "全镇 12 个社区上线受理、办件和统计功能", Contact: app.Contact{Person: "李梅", Phone: "0564-6012345"}}
	fx.submit(fx.clerkA, live, http.StatusCreated)
	adj := laterFiling(t, app.KindAdjustment, decl)
	adj.Adjustment = adjustmentOf(app.AdjustContent, 27)
	fx.submit(fx.clerkA, adj, http.StatusCreated)
	none := laterFiling(t, app.KindAdjustment, decl)
	none.Adjustment = adjustmentOf(app.AdjustContent, 27)
	none.Adjustment.Situation = ""
	fx.submit(fx.clerkA, none, http.StatusCreated)

	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	page := func(id string, want []string, unwanted ...string) {
		t.Helper()
		b.get("/console/filings/" + id)
		for _, w := range want {
			if !strings.Contains(b.last, w) {
				t.Errorf("the page of %s lacks %q", id, w)
			}
		}
		for _, u := range unwanted {
			if strings.Contains(b.last, u) {
				t.Errorf("the page of %s says %q", id, u)
			}
		}
	}
	page(pending.ID, []string{"> 不予立项", "退回修改、不予立项须写明意见：退回修改写明需要怎样修改，其他写明理由"})
	page(live.ID, []string{"> 不予备案", "退回修改、不予备案须写明意见", "> 予以备案"}, "不予立项", "批复立项")
	page(adj.ID, []string{"> 不予同意调整", "所属情形", "根据上级部门要求或者市委、市人民政府工作部署，确需改变建设内容的",
		"第十九条第（一）项", "占批复概算 15%", "概算明细调整（原批复 → 调整后）", "调整数额 27"}, "不予立项", "未选择所列情形")
	page(none.ID, []string{"所属情形", "未选择所列情形（不能自行调整，须重新报批）", "✗ 符合所列情形之一"}, "不予立项")

	fx.decide(fx.reviewer, live.ID, app.ActionReject, "投入运行日期早于验收日期，请核对", http.StatusOK)
	b.get("/console/filings/" + live.ID + "?done=reject")
	if strings.Contains(b.last, "不予立项") {
		t.Error("a refused go-live is named 不予立项")
	}
	for _, w := range []string{"已不予备案。", "王审核（审核人员）不予备案，第 1 版：已提交 → 不予备案"} {
		if !strings.Contains(b.last, w) {
			t.Errorf("after refusing the go-live the page lacks %q", w)
		}
	}
}

// 郁南 第二十条: a 专业类 project's 重大变更 is filed (及时备案): the console
// offers 予以备案, not 批准调整 nor 初审通过, and the bureau refuses 批准调整
// over the API, reading the project's declaration (found in a review).
func TestConsoleFilesAnAdjustmentTheProfileFiles(t *testing.T) {
	fx := MustBureau(t)
	decl := yunanProfessional(t, fx)
	adj := laterFiling(t, app.KindAdjustment, decl)
	adj.Adjustment = adjustmentOf(app.AdjustMajorChange, 10)
	fx.submit(fx.clerkA, adj, http.StatusCreated)
	fx.decide(fx.reviewer, adj.ID, app.ActionAccept, "", http.StatusOK)
	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	b.get("/console/filings/" + adj.ID)
	if !strings.Contains(b.last, `value="file"`) || strings.Contains(b.last, `value="approve"`) || strings.Contains(b.last, `value="pass"`) {
		t.Errorf("the decisions offered on a 郁南 重大变更备案:\n%s", b.last)
	}
	p := fx.expectProblem("POST", protocol.Path(protocol.PathDecisions, adj.ID), fx.reviewer,
		protocol.DecisionRequest{Action: app.ActionApprove, From: app.StatusPreliminary, Comment: "同意"}, http.StatusUnprocessableEntity, app.EINVALID)
	if !strings.Contains(p.Detail, "予以备案") {
		t.Errorf("批准调整 of a 重大变更备案: %+v", p)
	}
}

// A title the console shows in the profile's words is found by them: 天宁's
// 重大设计变更 须经批准 and reads …重大变更申请, stored …重大变更备案; a reviewer
// who pasted it into the queue's search or 查找 found nothing (found in
// review).
func TestConsoleFindsATitleByItsShownWords(t *testing.T) {
	fx := MustBureau(t)
	decl := newFiling(t, fx.unitA.ID)
	fx.decided(t, decl)
	setProfile(t, fx, "tianning")
	adj := laterFiling(t, app.KindAdjustment, decl)
	adj.Adjustment = adjustmentOf(app.AdjustMajorChange, 10)
	fx.submit(fx.clerkA, adj, http.StatusCreated)
	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	shown := adj.Adjustment.ProjectName + "重大变更申请"
	b.get("/console/filings/" + adj.ID)
	if !strings.Contains(b.last, shown) {
		t.Fatalf("the page does not show the title %q", shown)
	}
	for _, page := range []string{"/console/queue?q=", "/console/find?q="} {
		b.get(page + url.QueryEscape(shown))
		if !strings.Contains(b.last, "/console/filings/"+adj.ID) {
			t.Errorf("%s%s does not find the adjustment", page, shown)
		}
		if !strings.Contains(b.last, `value="`+shown+`"`) {
			t.Errorf("%s: the search box does not keep what was typed", page)
		}
	}
}

// Letters typed in 全角 (an input method left so) or in another case find
// a title that has them either way, in the queue's search and 查找材料: a
// reviewer's GIS found nothing of 民政ＧＩＳ一张图 (a walkthrough).
func TestConsoleSearchFoldsWidthAndCase(t *testing.T) {
	fx := MustBureau(t)
	wide := newFiling(t, fx.unitA.ID)
	wide.Declaration.ProjectName = "民政ＧＩＳ一张图"
	fx.submit(fx.clerkA, wide, http.StatusCreated)
	narrow := newFiling(t, fx.unitA.ID)
	narrow.Declaration.ProjectName = "智慧民政APP及小程序"
	fx.submit(fx.clerkA, narrow, http.StatusCreated)
	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	for _, c := range []struct{ q, id string }{{"GIS", wide.ID}, {"gis一张图", wide.ID}, {"ＡＰＰ", narrow.ID}, {"ａｐｐ及", narrow.ID}} {
		for _, page := range []string{"/console/queue?q=", "/console/find?q="} {
			b.get(page + url.QueryEscape(c.q))
			if !strings.Contains(b.last, "/console/filings/"+c.id) {
				t.Errorf("%s%s does not find its filing", page, c.q)
			}
		}
	}
}
