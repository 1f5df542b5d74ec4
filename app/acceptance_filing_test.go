package app_test

import (
	"strings"
	"testing"
	"time"

	"egovdesk/app"
)

// A 验收后备案's 验收通过日期 is held to the acceptance application it names
// (a 天宁 clerk entered a date five weeks before it; found in a
// walkthrough): where the bureau's approval is the acceptance (天宁), not
// before the application was sent — the 验收 meeting may be days before the
// reviewer records the approval (found in review); where the unit accepts
// after the bureau's review (武汉's 验收前确认), not before the review passed.
func TestAcceptedOnHeldToTheApplication(t *testing.T) {
	at := time.Date(2026, 12, 7, 2, 0, 0, 0, time.UTC) // 10:00 in Beijing
	acc, err := app.NewFiling(app.KindAcceptance, "acc", "acc-r1", "u1", at.AddDate(0, 0, -10))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := acc.Submit(at.AddDate(0, 0, -7), "李娟"); err != nil { // sent 2026-11-30
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
	tianning, wuhan := loadProfile(t, "tianning"), loadProfile(t, "wuhan")
	decl := declaration(t, "项目", "单位", "180")
	if p := app.CheckAcceptedOn(filing("2026-11-02"), acc, wuhan, decl); p != nil {
		t.Errorf("武汉, before any decision: %v", p)
	}
	for _, a := range []app.Action{app.ActionAccept, app.ActionApprove} { // approved 2026-12-07
		if _, err := acc.Decide(at, "王审核", app.RoleReviewer, a, "同意"); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		prof *app.Profile
		on   string
		bad  string // the date named, "" accepted
	}{
		{tianning, "2026-11-02", "2026-11-30"}, {tianning, "2026-11-29", "2026-11-30"},
		{tianning, "2026-12-04", ""}, {tianning, "2026-11-30", ""},
		{wuhan, "2026-12-04", "2026-12-07"}, {wuhan, "2026-12-06", "2026-12-07"},
		{wuhan, "2026-12-07", ""}, {wuhan, "2026-12-20", ""},
	} {
		p := app.CheckAcceptedOn(filing(c.on), acc, c.prof, decl)
		switch {
		case c.bad == "" && p != nil:
			t.Errorf("%s 验收通过日期 %s: %v", c.prof.ID, c.on, p)
		case c.bad != "" && (len(p) != 1 || p[0].Field != "accepted_on" || !strings.Contains(p[0].Message, c.bad)):
			t.Errorf("%s 验收通过日期 %s: %v, want refused naming %s", c.prof.ID, c.on, p, c.bad)
		}
	}
	other := filing("2026-11-02")
	other.AcceptanceFiling.AcceptanceID = "another"
	if p := app.CheckAcceptedOn(other, acc, tianning, decl); p != nil {
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

// Where the unit organises its acceptance after the bureau's review (郁南
// 第二十一条's 验收前置审核 of a 专业类 立项 project; 武汉 第二十一条's 验收前确认),
// a 验收后备案 names the application the bureau passed: one naming none was
// received and counted as the project's acceptance (a review of 郁南).
// Elsewhere (天宁), and for a 郁南 备案 project, it need not.
func TestAcceptanceFilingNamesTheReviewedApplication(t *testing.T) {
	at := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	acc, err := app.NewFiling(app.KindAcceptance, "acc", "acc-r1", "u1", at)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := acc.Submit(at, "李娟"); err != nil {
		t.Fatal(err)
	}
	filing := func(id string) app.Body {
		f, err := app.NewFiling(app.KindAcceptanceFiling, "af", "af-r1", "u1", at)
		if err != nil {
			t.Fatal(err)
		}
		f.AcceptanceFiling.AcceptanceID = id
		return f.Body()
	}
	yunan, wuhan, tianning := loadProfile(t, "yunan"), loadProfile(t, "wuhan"), loadProfile(t, "tianning")
	professional := declaration(t, "项目", "单位", "180")
	professional.Class = app.ClassProfessional
	filed := declaration(t, "项目", "单位", "30")
	filed.Class = app.ClassProfessional
	want := func(name string, p app.Problems, says string) {
		t.Helper()
		switch {
		case says == "" && p != nil:
			t.Errorf("%s: refused: %v", name, p)
		case says != "" && (len(p) != 1 || p[0].Field != "acceptance_id" || !strings.Contains(p[0].Message, says)):
			t.Errorf("%s: %v, want one problem on acceptance_id saying %q", name, p, says)
		}
	}
	want("郁南 专业类, none named", app.CheckAcceptanceReviewed(filing(""), nil, yunan, professional), "请选择本项目已通过前置审核的验收前置审核申请")
	want("武汉, none named", app.CheckAcceptanceReviewed(filing(""), nil, wuhan, professional), "请选择本项目已确认可组织验收的验收前确认申请")
	want("郁南, one the bureau does not hold", app.CheckAcceptanceReviewed(filing("acc"), nil, yunan, professional), "县政务和数据局没有收到所选的验收前置审核申请")
	want("郁南, one under review", app.CheckAcceptanceReviewed(filing("acc"), acc, yunan, professional), "所选的验收前置审核申请还没有经县政务和数据局审核（确认）通过")
	want("天宁, none named", app.CheckAcceptanceReviewed(filing(""), nil, tianning, professional), "")
	want("郁南 备案 project, none named", app.CheckAcceptanceReviewed(filing(""), nil, yunan, filed), "")
	want("a project the store does not hold", app.CheckAcceptanceReviewed(filing(""), nil, yunan, nil), "")
	for _, a := range []app.Action{app.ActionAccept, app.ActionApprove} {
		if _, err := acc.Decide(at.Add(time.Hour), "王审核", app.RoleReviewer, a, "同意"); err != nil {
			t.Fatal(err)
		}
	}
	want("郁南, one passed", app.CheckAcceptanceReviewed(filing("acc"), acc, yunan, professional), "")
	// Passed, but another project's: the bureau reads it in the unit.
	acc.ProjectID = "another"
	other := filing("acc")
	other.ProjectID = "this"
	want("郁南, another project's", app.CheckAcceptanceReviewed(other, acc, yunan, professional), "属于另一个项目")
}

// A project has one acceptance application at a time, and none after one
// passed (a 郁南 unit sent a second 验收前置审核申请 after the first had
// passed, and it was received); after one refused, or beside one returned,
// a new one may be sent. The messages use the profile's words.
func TestOneAcceptanceApplicationAtATime(t *testing.T) {
	prof := loadProfile(t, "yunan")
	at := time.Date(2027, 3, 1, 17, 0, 0, 0, time.UTC) // 2027-03-02 in Beijing
	other := func(to ...app.Status) *app.Filing {
		f := &app.Filing{ID: "a1", Kind: app.KindAcceptance, ProjectID: "p", Status: app.StatusSubmitted}
		f.History = []app.Transition{{At: at.Add(-24 * time.Hour), Action: app.ActionSubmit, To: app.StatusSubmitted}}
		for _, s := range to {
			f.History = append(f.History, app.Transition{At: at, Action: app.ActionAccept, To: s})
			f.Status = s
		}
		return f
	}
	body := app.Body{ID: "a2", Kind: app.KindAcceptance, ProjectID: "p"}
	for _, c := range []struct {
		name  string
		other *app.Filing
		says  string // "" when it may be sent
	}{
		{"one passed", other(app.StatusPreliminary, app.StatusApproved), "本项目的验收前置审核申请已办结（2027-03-02 已通过前置审核）：不需再次申请"},
		{"one sent", other(), "本项目已有一份验收前置审核申请待县政务和数据局受理（2027-03-01 报送）：请勿重复报送；如需改正，请撤回那一份"},
		{"one under review", other(app.StatusPreliminary), "在县政务和数据局审核中（2027-03-01 报送）：请等审核决定，不要重复报送；如需改正，请与县政务和数据局联系"},
		{"one refused", other(app.StatusPreliminary, app.StatusRejected), ""},
		{"one returned", other(app.StatusReturned), ""},
		{"one withdrawn", other(app.StatusWithdrawn), ""},
		{"one of another project", func() *app.Filing { f := other(app.StatusApproved); f.ProjectID = "q"; return f }(), ""},
		{"the same application, sent again", func() *app.Filing { f := other(app.StatusApproved); f.ID = "a2"; return f }(), ""},
	} {
		p := app.CheckOneAcceptance(body, prof, []*app.Filing{c.other})
		switch {
		case c.says == "" && len(p) > 0:
			t.Errorf("%s: refused: %v", c.name, p)
		case c.says != "" && (len(p) != 1 || p[0].Field != "project_id" || !strings.Contains(p[0].Message, c.says)):
			t.Errorf("%s: %v, want one problem on project_id saying %q", c.name, p, c.says)
		}
	}
}
