package app_test

import (
	"strings"
	"testing"

	"egovdesk/app"
	"egovdesk/app/apptest"
)

// A later filing dates no event of its project before the project's plan
// year (a reviewer found a go-live in 2025 of a 2026 project received
// without a word): not its trial, completion, go-live, acceptance, new
// due date or termination; the day a paper was sent is not an event.
func TestLaterFilingsDatesAreNotBeforeThePlanYear(t *testing.T) {
	decl := apptest.Declaration()
	decl.PlanYear, decl.PeriodStart = 2026, "2026-03"
	for _, c := range []struct {
		name  string
		body  app.Body
		field string // "" when it passes
		says  string
	}{
		{"a go-live the year before", app.Body{Kind: app.KindGoLive, GoLive: &app.GoLive{GoLiveOn: "2025-06-01"}}, "go_live_on", "投入运行日期 2025-06-01 早于项目的计划年度（2026 年）"},
		{"a go-live on the plan year's first day", app.Body{Kind: app.KindGoLive, GoLive: &app.GoLive{GoLiveOn: "2026-01-01"}}, "", ""},
		{"a go-live on the last day before it", app.Body{Kind: app.KindGoLive, GoLive: &app.GoLive{GoLiveOn: "2025-12-31"}}, "go_live_on", ""},
		{"a trial", app.Body{Kind: app.KindTrialReport, TrialReport: &app.TrialReport{TrialStart: "2025-10-08", TrialEnd: "2026-02-09"}}, "trial_start", "试运行开始日期"},
		{"a completion", app.Body{Kind: app.KindAcceptance, Acceptance: &app.Acceptance{CompletedOn: "2025-09-30", AppliedOn: "2026-02-20"}}, "completed_on", "建设完成日期"},
		{"an acceptance", app.Body{Kind: app.KindAcceptanceFiling, AcceptanceFiling: &app.AcceptanceFiling{AcceptedOn: "2025-12-20"}}, "accepted_on", "验收通过日期"},
		{"a new due date", app.Body{Kind: app.KindAdjustment, Adjustment: &app.Adjustment{Type: app.AdjustOverdue, NewDueOn: "2025-01-31"}}, "new_due_on", "预计交付日期"},
		{"a termination", app.Body{Kind: app.KindAdjustment, Adjustment: &app.Adjustment{Type: app.AdjustTerminate, TerminatedOn: "2025-01-31"}}, "terminated_on", "合同终止日期"},
		{"a paper sent the year before", app.Body{Kind: app.KindAdjustment, Adjustment: &app.Adjustment{Type: app.AdjustContent, AppliedOn: "2025-12-01"}}, "", ""},
		{"a date not yet a date", app.Body{Kind: app.KindGoLive, GoLive: &app.GoLive{GoLiveOn: "2025-6"}}, "", ""},
	} {
		p := app.CheckProjectDates(c.body, decl)
		switch {
		case c.field == "" && len(p) > 0:
			t.Errorf("%s: refused: %v", c.name, p)
		case c.field != "" && (len(p) != 1 || p[0].Field != c.field):
			t.Errorf("%s: %v, want one problem on %s", c.name, p, c.field)
		case c.field != "" && !strings.Contains(p[0].Message, c.says):
			t.Errorf("%s: %q does not say %q", c.name, p[0].Message, c.says)
		}
	}
	// a project whose construction began the year before its plan year
	// (续建, or approved ahead of it) dates its events from that month
	decl.PeriodStart = "2025-10"
	golive := func(on string) app.Body { return app.Body{Kind: app.KindGoLive, GoLive: &app.GoLive{GoLiveOn: on}} }
	if p := app.CheckProjectDates(golive("2025-10-01"), decl); p != nil {
		t.Errorf("a go-live in the declared period, before the plan year: %v", p)
	}
	if p := app.CheckProjectDates(golive("2025-09-30"), decl); len(p) != 1 || !strings.Contains(p[0].Message, "早于项目建设周期的开始（2025-10）") {
		t.Errorf("a go-live before the declared period: %v", p)
	}
	if p := app.CheckProjectDates(app.Body{Kind: app.KindGoLive, GoLive: &app.GoLive{GoLiveOn: "2025-06-01"}}, nil); p != nil {
		t.Errorf("a project the bureau does not hold: %v", p)
	}
}
