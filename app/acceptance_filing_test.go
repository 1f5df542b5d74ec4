package app_test

import (
	"strings"
	"testing"
	"time"

	"egovdesk/app"
)

// A 验收后备案's 验收通过日期 is not before the bureau approved the
// acceptance application it names (a 天宁 clerk entered a date five weeks
// before it; found in a walkthrough).
func TestAcceptedOnNotBeforeTheApplicationsApproval(t *testing.T) {
	at := time.Date(2026, 12, 7, 2, 0, 0, 0, time.UTC) // 10:00 in Beijing
	acc, err := app.NewFiling(app.KindAcceptance, "acc", "acc-r1", "u1", at.AddDate(0, 0, -3))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := acc.Submit(at.AddDate(0, 0, -2), "李娟"); err != nil {
		t.Fatal(err)
	}
	filing := func(on string) app.Body {
		f, err := app.NewFiling(app.KindAcceptanceFiling, "af", "af-r1", "u1", at)
		if err != nil {
			t.Fatal(err)
		}
		f.AcceptanceFiling.AcceptanceID, f.AcceptanceFiling.AcceptedOn = "acc", on
		return f.Body()
	}
	if p := app.CheckAcceptedOn(filing("2026-11-02"), acc); p != nil {
		t.Errorf("before any decision: %v", p)
	}
	for _, a := range []app.Action{app.ActionAccept, app.ActionApprove} {
		if _, err := acc.Decide(at, "王审核", app.RoleReviewer, a, "同意"); err != nil {
			t.Fatal(err)
		}
	}
	for on, bad := range map[string]bool{"2026-11-02": true, "2026-12-06": true, "2026-12-07": false, "2026-12-20": false} {
		p := app.CheckAcceptedOn(filing(on), acc)
		if got := len(p) == 1 && p[0].Field == "accepted_on" && strings.Contains(p[0].Message, "2026-12-07"); got != bad || !bad && p != nil {
			t.Errorf("验收通过日期 %s: %v, want refused %v", on, p, bad)
		}
	}
	other := filing("2026-11-02")
	other.AcceptanceFiling.AcceptanceID = "another"
	if p := app.CheckAcceptedOn(other, acc); p != nil {
		t.Errorf("held to an application it does not name: %v", p)
	}
}
