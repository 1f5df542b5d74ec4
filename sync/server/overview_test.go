package server_test

import (
	"bytes"
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"egovdesk/app"
	"egovdesk/assets"
	"egovdesk/sync/server"
)

// overviewCounts reads the tiles and the per-unit rows of the overview.
func overviewCounts(tb testing.TB, br *browser) string {
	tb.Helper()
	if r := br.get("/console/overview"); r.StatusCode != http.StatusOK {
		tb.Fatalf("overview: %d", r.StatusCode)
	}
	page := regexp.MustCompile(`\s+`).ReplaceAllString(br.last, " ")
	var out []string
	for _, m := range regexp.MustCompile(`<strong>(\d+)</strong>([^<]+)</a>`).FindAllStringSubmatch(page, -1) {
		out = append(out, m[2]+" "+m[1])
	}
	for _, m := range regexp.MustCompile(`">([^<]+)</a></td> <td class="num">(\d+)</td> <td class="num">(?:<a[^>]*>)?(\d+)`).FindAllStringSubmatch(page, -1) {
		out = append(out, m[1]+" "+m[2]+"/"+m[3])
	}
	return strings.Join(out, ", ")
}

// TestConsoleOverviewCountsFollowTheQueue checks the overview's counts,
// kept with the queue index, through submit, decisions that keep a filing
// in the queue and that take it out, a resubmission, the review limit
// running out, and the rebuild of an index written before the counters.
func TestConsoleOverviewCountsFollowTheQueue(t *testing.T) {
	fx := MustBureau(t)
	br := fx.browser()
	br.login("reviewer", http.StatusSeeOther)
	a, b := fx.unitA.Name, fx.unitB.Name
	step := func(what, want string) {
		t.Helper()
		if got := overviewCounts(t, br); got != want {
			t.Errorf("%s:\n got %s\nwant %s", what, got, want)
		}
	}
	step("empty", "待审核 0, 已提交 0, 初审中/审核中 0, 专家论证中 0, 超期 0")
	f1, f2, f3 := newFiling(t, fx.unitA.ID), newFiling(t, fx.unitA.ID), newFiling(t, fx.unitB.ID)
	fx.submit(fx.clerkA, f1, http.StatusCreated)
	fx.submit(fx.clerkA, f2, http.StatusCreated)
	fx.submit(fx.clerkB, f3, http.StatusCreated)
	step("submitted", "待审核 3, 已提交 3, 初审中/审核中 0, 专家论证中 0, 超期 0, "+a+" 2/0, "+b+" 1/0")

	fx.clock.Advance(24 * time.Hour)
	br.login("reviewer", http.StatusSeeOther)
	fx.decide(fx.reviewer, f1.ID, app.ActionAccept, "", http.StatusOK)
	step("accepted", "待审核 3, 已提交 2, 初审中/审核中 1, 专家论证中 0, 超期 0, "+a+" 2/0, "+b+" 1/0")

	fx.decide(fx.reviewer, f2.ID, app.ActionReturn, "请补充资金来源", http.StatusOK)
	fx.decide(fx.reviewer, f3.ID, app.ActionReject, "与已建系统重复", http.StatusOK)
	step("returned and rejected", "待审核 1, 已提交 0, 初审中/审核中 1, 专家论证中 0, 超期 0, "+a+" 1/0")

	fx.clock.Advance(24 * time.Hour)
	br.login("reviewer", http.StatusSeeOther)
	next := *f2
	next.Revision = app.Revision{ID: uuid.NewString(), Number: 2, BaseID: f2.Revision.ID}
	fx.submit(fx.clerkA, &next, http.StatusCreated)
	step("resubmitted", "待审核 2, 已提交 1, 初审中/审核中 1, 专家论证中 0, 超期 0, "+a+" 2/0")

	// The day after the tenth working day after f1 was accepted (Tuesday
	// 2 March; the tenth is 16 March) it is overdue; the resubmission, a
	// day later, is not yet.
	fx.clock.Advance(14*24*time.Hour + 3*time.Hour)
	fx.reviewer = fx.login("reviewer").Token
	br.login("reviewer", http.StatusSeeOther)
	step("a limit ran out", "待审核 2, 已提交 1, 初审中/审核中 1, 专家论证中 0, 超期 1, "+a+" 2/1")
	fx.clock.Advance(24 * time.Hour)
	br.login("reviewer", http.StatusSeeOther)
	step("both limits ran out", "待审核 2, 已提交 1, 初审中/审核中 1, 专家论证中 0, 超期 2, "+a+" 2/2")

	// A store whose index predates the counters is indexed again.
	server.MarkQueueIndexVersion1(t, fx.srv)
	step("rebuilt", "待审核 2, 已提交 1, 初审中/审核中 1, 专家论证中 0, 超期 2, "+a+" 2/2")
}

// TestConsoleReviewLimitFromProfile: the overdue marks follow the review
// time limit of the bureau's profile, and app's default without one.
func TestConsoleReviewLimitFromProfile(t *testing.T) {
	fx := MustBureau(t)
	data, err := assets.Profiles.ReadFile("profiles/huoqiu.json")
	if err != nil {
		t.Fatal(err)
	}
	f := newFiling(t, fx.unitA.ID)
	fx.submit(fx.clerkA, f, http.StatusCreated)    // Monday 1 March 2027, 09:00
	fx.clock.Advance(4*24*time.Hour + 3*time.Hour) // Friday 5 March: 3 working days ended on the 4th
	br := fx.browser()
	br.login("reviewer", http.StatusSeeOther)
	for _, c := range []struct {
		profile      []byte
		overdue, why string
	}{
		{data, "超期 0", "10 个工作日（所用办法未规定审核时限，按系统默认）"},
		{bytes.Replace(data, []byte(`{`), []byte(`{"review": {"working_days": 3, "source": "第九条"},`), 1),
			"超期 1", "3 个工作日（《霍邱县"},
	} {
		if _, err := fx.srv.SetProfile(context.Background(), "huoqiu.json", c.profile); err != nil {
			t.Fatal(err)
		}
		if got := overviewCounts(t, br); !strings.Contains(got, c.overdue) || !strings.Contains(br.last, c.why) {
			t.Errorf("overview: %s; want %s and %q in:\n%s", got, c.overdue, c.why, br.last)
		}
		br.get("/console/queue")
		if marked := strings.Contains(br.last, `class="late"`); marked != (c.overdue == "超期 1") {
			t.Errorf("queue marks overdue %v, want %s", marked, c.overdue)
		}
	}
}
