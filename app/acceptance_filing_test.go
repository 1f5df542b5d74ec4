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

// A date that is typed but no day (2026-02-30) is said to be one, with what
// was typed; a blank one is asked for (a trial that began on 2026-02-30 was
// told 请填写试运行开始日期, as if it had none; found in a 天宁 walkthrough).
func TestTypedDateThatIsNoDaySaysSo(t *testing.T) {
	at := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	msg := func(err error, field string) string {
		for _, fe := range app.FieldErrors(err) {
			if fe.Field == field {
				return fe.Message
			}
		}
		return ""
	}
	tr := &app.TrialReport{TrialStart: "2026-02-30"}
	err := tr.Validate()
	if m := msg(err, "trial_start"); !strings.Contains(m, "“2026-02-30”不是实际存在的日期") {
		t.Errorf("trial_start of 2026-02-30: %q", m)
	}
	if m := msg(err, "trial_end"); m != "请填写试运行结束日期（如 2027-04-01）" {
		t.Errorf("a blank trial_end: %q", m)
	}
	g := &app.GoLive{GoLiveOn: "2027-13-01"}
	if m := msg(g.Validate(at), "go_live_on"); !strings.Contains(m, "“2027-13-01”不是实际存在的日期") {
		t.Errorf("go_live_on of 2027-13-01: %q", m)
	}
	af := &app.AcceptanceFiling{AcceptedOn: "2027-02-29", FiledOn: "明天"}
	err = af.Validate(nil, nil)
	if m := msg(err, "accepted_on"); !strings.Contains(m, "“2027-02-29”不是实际存在的日期") {
		t.Errorf("accepted_on of 2027-02-29: %q", m)
	}
	if m := msg(err, "filed_on"); !strings.Contains(m, "“明天”不是实际存在的日期") {
		t.Errorf("filed_on of 明天: %q", m)
	}
}
