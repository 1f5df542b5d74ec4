package app_test

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"egovdesk/app"
	"egovdesk/app/apptest"
	"egovdesk/assets"
)

func loadProfile(t *testing.T, id string) *app.Profile {
	t.Helper()
	data, err := assets.Profiles.ReadFile("profiles/" + id + ".json")
	if err != nil {
		t.Fatal(err)
	}
	prof, err := app.LoadProfile(id+".json", data)
	if err != nil {
		t.Fatal(err)
	}
	return prof
}

func submittedDeclaration(total app.Money) (*app.Filing, *app.Body) {
	f := &app.Filing{ID: "f1", Kind: app.KindDeclaration, Status: app.StatusSubmitted,
		Revision: app.Revision{ID: "r1", Number: 1, SubmittedAt: time.Unix(1, 0)}}
	b := &app.Body{ID: "f1", Kind: app.KindDeclaration, Revision: 1, RevisionID: "r1",
		Declaration: &app.Declaration{ProjectName: "城关镇智慧社区", TotalInvestment: total,
			Budget: []app.BudgetItem{{Category: app.BudgetHardware, Name: "服务器", Amount: total}}}}
	return f, b
}

// TestReviewStepsTakenByTheirRoles walks a 霍邱 declaration through the
// profile's steps: each step only by its role, the joint review by each
// department once, the approval only after all of them, with the step's
// label recorded.
func TestReviewStepsTakenByTheirRoles(t *testing.T) {
	prof := loadProfile(t, "huoqiu")
	f, b := submittedDeclaration(app.Wans(600))
	at := time.Date(2026, 7, 1, 9, 0, 0, 0, time.UTC)
	decide := func(role app.Role, d app.Decision) (app.Transition, error) {
		at = at.Add(time.Hour)
		return f.Review(prof, b, at, string(role)+"-person", role, d)
	}
	mustCode := func(err error, code string, what string) {
		t.Helper()
		if app.ErrorCode(err) != code {
			t.Fatalf("%s: err %v, want %s", what, err, code)
		}
	}
	_, err := decide(app.RoleFinance, app.Decision{Action: app.ActionAccept})
	mustCode(err, app.EFORBIDDEN, "finance accepting")
	if !strings.Contains(app.ErrorMessage(err), "“受理”须由审核人员办理") {
		t.Errorf("message %q does not name the step and its role", app.ErrorMessage(err))
	}
	_, err = decide(app.RoleReviewer, app.Decision{Action: app.ActionFile})
	mustCode(err, app.EINVALID, "filing at intake, which the step does not allow")
	tr, err := decide(app.RoleReviewer, app.Decision{Action: app.ActionAccept})
	if err != nil || tr.Step != "受理" || f.Status != app.StatusPreliminary {
		t.Fatalf("accept: %v %+v", err, tr)
	}
	_, err = decide(app.RoleReviewer, app.Decision{Action: app.ActionApprove})
	mustCode(err, app.EINVALID, "approving at 初审")
	if _, err = decide(app.RoleReviewer, app.Decision{Action: app.ActionPass}); err != nil {
		t.Fatal(err)
	}
	if got := prof.AllowedFor(f, b, app.RoleReviewer); len(got) != 0 {
		t.Errorf("reviewer at the joint review may take %v", got)
	}
	if !prof.Waiting(f.Kind, app.RouteApproval, f.Status, nil, app.RoleFinance) || prof.Waiting(f.Kind, app.RouteApproval, f.Status, nil, app.RoleApprover) {
		t.Error("at the joint review the filing waits for finance, not the approver")
	}
	// 批复立项 is the development-and-reform department's (报县发改委审批),
	// once the joint review it takes part in is over.
	_, err = decide(app.RoleNDRC, app.Decision{Action: app.ActionApprove})
	mustCode(err, app.EINVALID, "approving before the joint review is over")
	tr, err = decide(app.RoleFinance, app.Decision{Action: app.ActionConcur, Comment: "资金来源可行"})
	if err != nil || tr.To != app.StatusExpert || !strings.HasPrefix(tr.Step, "专家论证/联审") {
		t.Fatalf("finance concurs: %v %+v", err, tr)
	}
	_, err = decide(app.RoleFinance, app.Decision{Action: app.ActionConcur})
	mustCode(err, app.ECONFLICT, "finance concurring twice")
	if prof.Waiting(f.Kind, app.RouteApproval, f.Status, app.Concurred(f.History, f.Status), app.RoleFinance) {
		t.Error("the filing still waits for finance after it concurred")
	}
	for _, r := range []app.Role{app.RoleNDRC, app.RoleCrypto} {
		if _, err := decide(r, app.Decision{Action: app.ActionConcur}); err != nil {
			t.Fatalf("%s concurs: %v", r, err)
		}
	}
	if got := app.Concurred(f.History, f.Status); !slices.Equal(got, []app.Role{app.RoleFinance, app.RoleNDRC, app.RoleCrypto}) {
		t.Errorf("concurred %v: not in the order given", got)
	}
	_, err = decide(app.RoleFinance, app.Decision{Action: app.ActionReturn, Comment: "补充"})
	mustCode(err, app.EFORBIDDEN, "a department after the joint review")
	if got := fmt.Sprint(prof.AllowedFor(f, b, app.RoleNDRC)); got != "[approve return reject]" {
		t.Errorf("the development-and-reform department may %s", got)
	}
	if got := prof.AllowedFor(f, b, app.RoleApprover); len(got) != 0 {
		t.Errorf("the bureau's approver may %v: 霍邱's text has 县发改委 approve", got)
	}
	if s := prof.StepNow(f, b); s == nil || s.RoleLabels() != "发展改革部门" {
		t.Errorf("批复立项 is named as taken by %q", s.RoleLabels())
	}
	_, err = decide(app.RoleApprover, app.Decision{Action: app.ActionApprove})
	mustCode(err, app.EFORBIDDEN, "the bureau's approver at 批复立项")
	tr, err = decide(app.RoleNDRC, app.Decision{Action: app.ActionApprove, Approved: app.Wans(550)})
	if err != nil || tr.Step != "批复立项" || tr.Approved != app.Wans(550) || f.Status != app.StatusApproved || tr.Role != app.RoleNDRC {
		t.Fatalf("approve: %v %+v", err, tr)
	}
	if len(f.History) != 6 { // accept, pass, three concurrences, approve
		t.Errorf("history has %d transitions, want 6", len(f.History))
	}
}

// TestSingleReviewerFlow: a profile without steps (天宁) and no profile at
// all keep the reviewer taking every decision; the step roles take none.
func TestSingleReviewerFlow(t *testing.T) {
	for _, prof := range []*app.Profile{loadProfile(t, "tianning"), nil} {
		f, b := submittedDeclaration(app.Wans(80))
		if _, err := f.Review(prof, b, time.Now(), "财政", app.RoleFinance, app.Decision{Action: app.ActionAccept}); app.ErrorCode(err) != app.EFORBIDDEN {
			t.Errorf("finance in the single-reviewer flow: %v", err)
		}
		if got := prof.AllowedFor(f, b, app.RoleApprover); got != nil {
			t.Errorf("approver may %v", got)
		}
		if _, err := f.Review(prof, b, time.Now(), "审核", app.RoleReviewer, app.Decision{Action: app.ActionConcur}); app.ErrorCode(err) != app.EINVALID {
			t.Errorf("concur without a joint step: %v", err)
		}
		for _, a := range []app.Action{app.ActionAccept, app.ActionPass} {
			tr, err := f.Review(prof, b, time.Now(), "审核", app.RoleReviewer, app.Decision{Action: a})
			if err != nil || tr.Step != "" {
				t.Fatalf("%s: %v %+v", a, err, tr)
			}
		}
		tr, err := f.Decide(time.Now(), "管理员", app.RoleAdmin, app.ActionApprove, "")
		if err != nil || tr.To != app.StatusApproved {
			t.Fatalf("admin approves: %v", err)
		}
	}
}

// TestApprovedAmount: 核定 goes with 批复立项 or 初审通过 of a declaration,
// positive, at most the declared total unless the profile allows more.
func TestApprovedAmount(t *testing.T) {
	prof := loadProfile(t, "tianning")
	for _, c := range []struct {
		name     string
		action   app.Action
		approved app.Money
		kind     app.Kind
		field    string
		msg      string
	}{
		{"more than declared", app.ActionPass, app.Wans(81), app.KindDeclaration, "approved", "核定金额 81 万元 超过了申报的总投资概算 80 万元"},
		{"with a return", app.ActionReturn, app.Wans(10), app.KindDeclaration, "approved", "核定金额只能随“批复立项”或“初审通过”填写"},
		{"negative", app.ActionPass, -app.Yuan, app.KindDeclaration, "approved", "不能为负数"},
		{"of a catalogue", app.ActionApprove, app.Wans(1), app.KindCatalogue, "approved", "只有项目申报书可以核定金额"},
		{"less", app.ActionPass, app.Wans(79) + 1, app.KindDeclaration, "", ""},
		{"all of it", app.ActionPass, app.Wans(80), app.KindDeclaration, "", ""},
	} {
		f, b := submittedDeclaration(app.Wans(80))
		f.Status = app.StatusPreliminary
		if c.kind == app.KindCatalogue {
			f.Kind, b.Kind, b.Declaration, b.Catalogue = c.kind, c.kind, nil, &app.Catalogue{}
		}
		tr, err := f.Review(prof, b, time.Now(), "审核", app.RoleReviewer, app.Decision{Action: c.action, Comment: "意见", Approved: c.approved})
		if c.field == "" {
			if err != nil || tr.Approved != c.approved {
				t.Errorf("%s: %v, approved %v", c.name, err, tr.Approved)
			}
			continue
		}
		fe := app.FieldErrors(err)
		if len(fe) != 1 || fe[0].Field != c.field || !strings.Contains(fe[0].Message, c.msg) || f.Status != app.StatusPreliminary {
			t.Errorf("%s: %v (%+v), want %s: %s", c.name, err, fe, c.field, c.msg)
		}
	}
	data, _ := assets.Profiles.ReadFile("profiles/tianning.json")
	more, err := app.LoadProfile("tianning.json", bytes.Replace(data, []byte("{"), []byte(`{"approved_above_declared": true,`), 1))
	if err != nil {
		t.Fatal(err)
	}
	f, b := submittedDeclaration(app.Wans(80))
	f.Status = app.StatusPreliminary
	if _, err := f.Review(more, b, time.Now(), "审核", app.RoleReviewer, app.Decision{Action: app.ActionApprove, Approved: app.Wans(90)}); err != nil {
		t.Errorf("a profile that allows more: %v", err)
	}
	// …but never past MaxAmount (found from outside: 2⁶³−1 分 was taken).
	f, b = submittedDeclaration(app.Wans(80))
	f.Status = app.StatusPreliminary
	_, err = f.Review(more, b, time.Now(), "审核", app.RoleReviewer, app.Decision{Action: app.ActionApprove, Approved: app.MaxAmount + 1})
	if fe := app.FieldErrors(err); len(fe) != 1 || fe[0].Field != "approved" || !strings.Contains(fe[0].Message, "不能超过") {
		t.Errorf("an approved amount past MaxAmount: %v", err)
	}
}

// TestRemarks: remarks on fields go with 退回修改 only, keyed by field
// paths, within the limits, and are read back while the filing is returned.
func TestRemarks(t *testing.T) {
	long := strings.Repeat("改", app.MaxRemarkText+1)
	many := map[string]string{}
	for i := range app.MaxRemarks + 1 {
		many[fmt.Sprintf("budget[%d].amount", i)] = "核实"
	}
	for _, c := range []struct {
		name    string
		action  app.Action
		remarks map[string]string
		field   string
	}{
		{"with approve", app.ActionApprove, map[string]string{"goals": "好"}, "remarks"},
		{"not a path", app.ActionReturn, map[string]string{"Goals; drop": "x"}, "remarks"},
		{"blank", app.ActionReturn, map[string]string{"goals": "  "}, "remarks.goals"},
		{"too long", app.ActionReturn, map[string]string{"goals": long}, "remarks.goals"},
		{"too many", app.ActionReturn, many, "remarks"},
		// A field the filing has not got, or a row it has not, reached the
		// clerk with nowhere to show it.
		{"no such field", app.ActionReturn, map[string]string{"nonexistent.field": "x"}, "remarks.nonexistent.field"},
		{"a field of another kind", app.ActionReturn, map[string]string{"entries[0].name": "x"}, "remarks.entries[0].name"},
		{"no such row", app.ActionReturn, map[string]string{"budget[5].amount": "x"}, "remarks.budget[5].amount"},
		{"no such field of a row", app.ActionReturn, map[string]string{"budget[0].colour": "x"}, "remarks.budget[0].colour"},
		{"a row of what is no table", app.ActionReturn, map[string]string{"goals[0]": "x"}, "remarks.goals[0]"},
	} {
		f, b := submittedDeclaration(app.Wans(80))
		f.Status = app.StatusPreliminary
		_, err := f.Review(nil, b, time.Now(), "审核", app.RoleReviewer, app.Decision{Action: c.action, Comment: "意见", Remarks: c.remarks})
		if fe := app.FieldErrors(err); len(fe) == 0 || fe[0].Field != c.field {
			t.Errorf("%s: %v, want a problem at %s", c.name, err, c.field)
		}
	}
	// A remark's problem names its field as the page does, not by its path
	// ("对“goals”的意见不能超过…", found in a walkthrough).
	f, b := submittedDeclaration(app.Wans(80))
	f.Status = app.StatusPreliminary
	_, err := f.Review(nil, b, time.Now(), "审核", app.RoleReviewer, app.Decision{Action: app.ActionReturn, Comment: "意见", Remarks: map[string]string{"goals": long}})
	if fe := app.FieldErrors(err); len(fe) != 1 || !strings.HasPrefix(fe[0].Message, "对“"+app.RemarkLabel(app.KindDeclaration, "goals")+"”的意见不能超过") || strings.Contains(fe[0].Message, "goals") {
		t.Errorf("a remark too long: %v", err)
	}
	f, b = submittedDeclaration(app.Wans(80))
	want := map[string]string{"goals": "建设目标请量化", "budget[0].amount": "单价偏高，请附询价单", "contact.phone": "请留手机号", "budget": "请按类别列全"}
	tr, err := f.Review(nil, b, time.Now(), "审核", app.RoleReviewer, app.Decision{Action: app.ActionReturn, Comment: "请按意见修改", Remarks: want})
	if err != nil || fmt.Sprint(tr.Remarks) != fmt.Sprint(want) {
		t.Fatalf("return with remarks: %v %v", err, tr.Remarks)
	}
	// The remarks are the 意见 a return must give: with them and no word
	// besides it is taken, the comment saying to follow them (it was
	// refused 须写明意见; a walkthrough). Without either it is refused.
	g, gb := submittedDeclaration(app.Wans(80))
	if tr, err := g.Review(nil, gb, time.Now(), "审核", app.RoleReviewer, app.Decision{Action: app.ActionReturn, Remarks: map[string]string{"goals": "建设目标请量化"}}); err != nil || tr.Comment != "请按各项审核意见修改（共 1 项）。" {
		t.Errorf("a return with a remark and no comment: %v, comment %q", err, tr.Comment)
	}
	g, gb = submittedDeclaration(app.Wans(80))
	if _, err := g.Review(nil, gb, time.Now(), "审核", app.RoleReviewer, app.Decision{Action: app.ActionReturn}); err == nil {
		t.Error("a return with neither comment nor remarks is taken")
	}
	if got := f.LastRemarks(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("LastRemarks %v", got)
	}
	f.Status = app.StatusSubmitted
	if f.LastRemarks() != nil {
		t.Error("remarks of a filing resubmitted")
	}
}

// TestReviewFlowsChecked: the profile's flows are checked when it loads.
func TestReviewFlowsChecked(t *testing.T) {
	data, _ := assets.Profiles.ReadFile("profiles/tianning.json")
	for _, c := range []struct{ flows, bad string }{
		{`[{"steps": [{"id": "a", "label": "受理", "status": "submitted", "roles": ["clerk"]}], "source": "x"}]`, "review_flows[0].steps[0].roles[0]"},
		{`[{"steps": [{"id": "a", "label": "受理", "status": "approved", "roles": ["reviewer"]}], "source": "x"}]`, "review_flows[0].steps[0].status"},
		{`[{"routes": ["nowhere"], "steps": [{"id": "a", "label": "受理", "status": "submitted", "roles": ["reviewer"], "actions": ["return"]}], "source": "x"}]`, "review_flows[0].routes[0]"},
		{`[{"steps": [{"id": "a", "label": "受理", "status": "submitted", "roles": ["reviewer"], "actions": ["accept"]}], "source": "x"}]`, "review_flows[0].steps[0].actions"},
		{`[{"steps": [{"id": "a", "label": "受理", "status": "submitted", "roles": ["reviewer"], "actions": ["approve"]}], "source": "x"}]`, "review_flows[0].steps[0].actions[0]"},
		{`[{"steps": [{"id": "a", "label": "联审", "status": "submitted", "roles": ["finance", "ndrc"], "joint": true}], "source": "x"}]`, "review_flows[0].steps[0].joint"},
		{`[{"steps": [{"id": "a", "label": "受理", "status": "submitted", "roles": ["reviewer"], "actions": ["return"]}]}]`, "review_flows[0].source"},
	} {
		_, err := app.LoadProfile("tianning.json", bytes.Replace(data, []byte("{"), []byte(`{"review_flows": `+c.flows+`,`), 1))
		found := false
		for _, fe := range app.FieldErrors(err) {
			found = found || fe.Field == c.bad
		}
		if !found {
			t.Errorf("%s: %v, want a problem at %s", c.flows, err, c.bad)
		}
	}
	for _, id := range []string{"huoqiu", "luan"} {
		if p := loadProfile(t, id); len(p.Flows) != 1 || len(p.Flows[0].Steps) != 4 {
			t.Errorf("%s: flows %+v", id, p.Flows)
		}
	}
	// A flow ends as its routes' declarations do (routeForbids): 天宁's 评审
	// with 批复立项, 武汉's 备案 with 予以备案; a flow may be for a route only an
	// override gives (武汉 第九条's 行业主管部门审批).
	wuhan, _ := assets.Profiles.ReadFile("profiles/wuhan.json")
	for _, c := range []struct {
		file  string
		data  []byte
		flows string
		bad   string // "" loads
	}{
		{"tianning.json", data, `[{"kinds": ["declaration"], "steps": [{"id": "a", "label": "受理", "status": "submitted", "roles": ["reviewer"], "actions": ["return", "reject"]}], "source": "x"}]`, "批复立项"},
		{"wuhan.json", wuhan, `[{"routes": ["filing"], "steps": [{"id": "a", "label": "受理", "status": "submitted", "roles": ["reviewer"], "actions": ["accept", "return"]}, {"id": "b", "label": "审核", "status": "preliminary_review", "roles": ["reviewer"], "actions": ["approve", "return"]}], "source": "x"}]`, "予以备案"},
		{"wuhan.json", wuhan, `[{"routes": ["sector_approval"], "steps": [{"id": "a", "label": "备案", "status": "submitted", "roles": ["reviewer"], "actions": ["file", "return", "reject"]}], "source": "第九条"}]`, ""},
	} {
		_, err := app.LoadProfile(c.file, bytes.Replace(c.data, []byte("{"), []byte(`{"review_flows": `+c.flows+`,`), 1))
		switch {
		case c.bad == "" && err != nil:
			t.Errorf("%s: %v", c.flows, err)
		case c.bad != "" && !slices.ContainsFunc(app.FieldErrors(err), func(fe app.FieldError) bool {
			return fe.Field == "review_flows[0].steps" && strings.Contains(fe.Message, c.bad)
		}):
			t.Errorf("%s: %v, want a flow that cannot end in %s refused", c.flows, err, c.bad)
		}
	}
}

// A decision that needs a comment asks for what it is to tell the unit:
// how to revise after 退回修改, why after 不予立项 (which said "需要怎样修改"
// of a filing that cannot be revised; found in a walkthrough).
func TestCommentNeededSaysWhatFor(t *testing.T) {
	for action, want := range map[app.Action]string{app.ActionReturn: "需要怎样修改", app.ActionReject: "为什么"} {
		_, err := app.Next(app.StatusSubmitted, app.RoleReviewer, action, "")
		fe := app.FieldErrors(err)
		if len(fe) != 1 || fe[0].Field != "comment" || !strings.Contains(fe[0].Message, want) {
			t.Errorf("%s without a comment: %v", action, err)
		}
	}
}

// The comment a refusal needs is asked for by the action's name on the
// filing's kind under the profile: a trial report's 不予通过 asked for
// "不予立项的理由" (found in a walkthrough of the console).
func TestCommentNeededNamesTheKindsAction(t *testing.T) {
	at := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		profile string
		kind    app.Kind
		action  app.Action
		want    string
		wan     int64 // a declaration's total investment
	}{
		{"tianning", app.KindTrialReport, app.ActionReject, "请填写不予通过的理由", 0},
		{"tianning", app.KindCatalogue, app.ActionReject, "请填写不予通过的理由", 0},
		{"huoqiu", app.KindAcceptance, app.ActionReject, "请填写验收不予通过的理由", 0},
		{"yunan", app.KindAcceptance, app.ActionReject, "请填写前置审核不予通过的理由", 0},
		{"wuhan", app.KindGoLive, app.ActionReject, "请填写不予备案的理由", 0},
		{"wuhan", app.KindDeclaration, app.ActionReject, "请填写不予立项的理由", 380},
		// 武汉 第八条 files a project under 50 万元: its console offers
		// 不予备案, and the reason was asked for as 不予立项's (found in review)
		{"wuhan", app.KindDeclaration, app.ActionReject, "请填写不予备案的理由", 38},
		{"wuhan", app.KindTrialReport, app.ActionReturn, "请填写退回修改的意见", 0},
	} {
		f, err := app.NewFiling(c.kind, "f1", "f1-r1", "unit-1", at)
		if err != nil {
			t.Fatal(err)
		}
		if c.kind == app.KindDeclaration {
			f.Declaration = apptest.Declaration()
			f.Declaration.TotalInvestment = app.Wans(c.wan)
		}
		if _, err := f.Submit(at, "李娟"); err != nil {
			t.Fatal(err)
		}
		body := f.Body()
		_, err = f.Review(loadProfile(t, c.profile), &body, at, "王审核", app.RoleReviewer, app.Decision{Action: c.action})
		if got := problemOn(err, "comment"); !strings.HasPrefix(got, c.want) {
			t.Errorf("%s %s %s without a comment: %q, want %q…", c.profile, c.kind, c.action, got, c.want)
		}
	}
}

// A declaration's route decides how the review ends: a project the
// regulation has filed (备案: 武汉 第八条 under 50 万元, 郁南 第十条 10 to 50
// 万元) is 予以备案, never 批复立项 (the 武汉 reviewer's walkthrough approved a
// 38 万元 project with a 核定 amount); one that is approved is never filed.
// The console offers only what the route allows, and the bureau refuses
// the rest saying which decision the route ends with.
func TestDeclarationRouteDecidesItsOutcome(t *testing.T) {
	at := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		profile, wan     string
		allowed, refused app.Action
		source           string
		through          []app.Action // the review steps before the last (郁南 第十二条's 初审)
	}{
		{"wuhan", "38", app.ActionFile, app.ActionApprove, "第八条", nil},
		{"wuhan", "500", app.ActionApprove, app.ActionFile, "第八条", nil},
		{"yunan", "30", app.ActionFile, app.ActionApprove, "第十条", nil},
		{"yunan", "120", app.ActionApprove, app.ActionFile, "专家论证和造价审核", []app.Action{app.ActionPass}},
		{"tianning", "30", app.ActionApprove, app.ActionFile, "政策解读", nil},
	} {
		prof := loadProfile(t, c.profile)
		f, err := app.NewFiling(app.KindDeclaration, "d1", "d1-r1", "unit-1", at)
		if err != nil {
			t.Fatal(err)
		}
		f.Declaration = declaration(t, "项目", "单位", c.wan)
		if _, err := f.Submit(at, "李娟"); err != nil {
			t.Fatal(err)
		}
		body := f.Body()
		for _, a := range append([]app.Action{app.ActionAccept}, c.through...) {
			if _, err := f.Review(prof, &body, at, "王审核", app.RoleReviewer, app.Decision{Action: a}); err != nil {
				t.Fatal(err)
			}
		}
		acts := prof.AllowedFor(f, &body, app.RoleReviewer)
		if !slices.Contains(acts, c.allowed) || slices.Contains(acts, c.refused) {
			t.Errorf("%s %s 万元: the console offers %v, want %s and not %s", c.profile, c.wan, acts, c.allowed, c.refused)
		}
		g := *f
		g.History = slices.Clone(f.History)
		_, err = g.Review(prof, &body, at, "王审核", app.RoleReviewer, app.Decision{Action: c.refused})
		if msg := app.ErrorMessage(err); app.ErrorCode(err) != app.EINVALID || !strings.Contains(msg, c.allowed.Label()) || !strings.Contains(msg, c.source) {
			t.Errorf("%s %s 万元: %s refused with %q, want one naming %s and %s", c.profile, c.wan, c.refused, msg, c.allowed.Label(), c.source)
		}
		// A filed project's refusal is 不予备案, an approved one's 不予立项,
		// as the state it leaves.
		route := prof.RouteOf(f)
		want := map[app.Action]string{app.ActionFile: "不予备案", app.ActionApprove: "不予立项"}[c.allowed]
		if got := prof.ActionOn(app.ActionReject, app.KindDeclaration, route); got != want {
			t.Errorf("%s %s 万元: the refusal is named %q, want %q", c.profile, c.wan, got, want)
		}
		if got := prof.StatusOn(app.StatusRejected, app.KindDeclaration, route); got != want {
			t.Errorf("%s %s 万元: the refused state is named %q, want %q", c.profile, c.wan, got, want)
		}
		if _, err := f.Review(prof, &body, at, "王审核", app.RoleReviewer, app.Decision{Action: c.allowed, Comment: "同意。信息资源共享分析和密码应用方案可行。"}); err != nil {
			t.Errorf("%s %s 万元: %s: %v", c.profile, c.wan, c.allowed, err)
		}
	}
}

// 武汉 第十三条: the approving department's 批复 includes its opinion on the
// project's 信息资源共享 and 密码应用. 批复立项 without a word on either is
// refused, saying which it lacks; a 备案 (no 批复文件) and other profiles
// are not held to it.
func TestApprovalSpeaksToSharingAndCryptography(t *testing.T) {
	at := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	review := func(profile, wan string, d app.Decision) error {
		f, err := app.NewFiling(app.KindDeclaration, "d1", "d1-r1", "unit-1", at)
		if err != nil {
			t.Fatal(err)
		}
		f.Declaration = declaration(t, "项目", "单位", wan)
		if _, err := f.Submit(at, "李娟"); err != nil {
			t.Fatal(err)
		}
		prof, body := loadProfile(t, profile), f.Body()
		steps := []app.Action{app.ActionAccept}
		if prof.FlowOf(&body) != nil {
			steps = append(steps, app.ActionPass) // 郁南 第十二条's 初审
		}
		for _, a := range steps {
			if _, err := f.Review(prof, &body, at, "王审核", app.RoleReviewer, app.Decision{Action: a}); err != nil {
				t.Fatal(err)
			}
		}
		_, err = f.Review(prof, &body, at, "王审核", app.RoleReviewer, d)
		return err
	}
	for _, c := range []struct {
		comment string
		lacks   string // "" accepted
	}{
		{"", "信息资源共享、密码应用"},
		{"同意立项。", "信息资源共享、密码应用"},
		{"同意立项。数据共享清单完整。", "密码应用"},
		{"同意立项。共享分析充分；密码应用方案须经密码管理部门审核。", ""},
	} {
		err := review("wuhan", "500", app.Decision{Action: app.ActionApprove, Comment: c.comment})
		fe := app.FieldErrors(err)
		switch {
		case c.lacks == "" && err != nil:
			t.Errorf("%q refused: %v", c.comment, err)
		case c.lacks != "" && (len(fe) != 1 || fe[0].Field != "comment" || !strings.Contains(fe[0].Message, "请补充"+c.lacks+"方面的意见") || !strings.Contains(fe[0].Message, "第十三条")):
			t.Errorf("%q: %v, want a problem of the comment naming %s", c.comment, err, c.lacks)
		}
	}
	if err := review("wuhan", "3100", app.Decision{Action: app.ActionApprove, Comment: "同意"}); err == nil {
		t.Error("报市人民政府批准的项目 approved without the opinion")
	}
	if err := review("wuhan", "30", app.Decision{Action: app.ActionFile}); err != nil {
		t.Errorf("a 备案 held to the approval's opinion: %v", err)
	}
	if err := review("yunan", "120", app.Decision{Action: app.ActionApprove}); err != nil {
		t.Errorf("郁南 held to 武汉's 第十三条: %v", err)
	}
}

// A later filing's review ends as its kind and the profile say: a 备案
// (投入运行, 郁南 第二十条's 重大变更备案) is 予以备案, never 批准 nor sent to
// 专家论证; a review (a trial report, a 竣工验收申请, 天宁's 重大设计变更) is
// never 予以备案. Two reviews found 予以备案 offered on a 竣工验收申请, which
// then read 已备案, and 批准调整 on a 郁南 重大变更备案.
func TestLaterFilingsReviewEndsAsItsKindSays(t *testing.T) {
	at := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	project := apptest.Declaration()
	project.Class = app.ClassProfessional
	change := &app.Adjustment{Type: app.AdjustMajorChange}
	for _, c := range []struct {
		profile string
		kind    app.Kind
		fill    func(b *app.Body)
		allowed []app.Action // after 受理
		refused app.Action
	}{
		{"tianning", app.KindTrialReport, nil, []app.Action{app.ActionApprove, app.ActionReturn, app.ActionReject}, app.ActionFile},
		{"huoqiu", app.KindAcceptance, nil, []app.Action{app.ActionApprove, app.ActionReturn, app.ActionReject}, app.ActionFile},
		{"wuhan", app.KindGoLive, nil, []app.Action{app.ActionFile, app.ActionReturn, app.ActionReject}, app.ActionApprove},
		{"yunan", app.KindAdjustment, func(b *app.Body) { b.Adjustment, b.Project = change, project }, []app.Action{app.ActionFile, app.ActionReturn, app.ActionReject}, app.ActionApprove},
		{"tianning", app.KindAdjustment, func(b *app.Body) { b.Adjustment, b.Project = change, project }, []app.Action{app.ActionPass, app.ActionApprove, app.ActionReturn, app.ActionReject}, app.ActionFile},
		// A 备案 declaration is not sent on to 专家论证 in the single
		// reviewer's flow (郁南 第十条 has no such step).
		{"yunan", app.KindDeclaration, func(b *app.Body) { b.Declaration = declaration(t, "项目", "单位", "30") }, []app.Action{app.ActionFile, app.ActionReturn, app.ActionReject}, app.ActionPass},
	} {
		prof := loadProfile(t, c.profile)
		f, err := app.NewFiling(c.kind, "f1", "f1-r1", "unit-1", at)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Submit(at, "李娟"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.Decide(at, "王审核", app.RoleReviewer, app.ActionAccept, ""); err != nil {
			t.Fatal(err)
		}
		body := f.Body()
		if c.fill != nil {
			c.fill(&body)
		}
		if got := prof.AllowedFor(f, &body, app.RoleReviewer); !slices.Equal(got, c.allowed) {
			t.Errorf("%s %s: offered %v, want %v", c.profile, c.kind, got, c.allowed)
		}
		_, err = f.Review(prof, &body, at, "王审核", app.RoleReviewer, app.Decision{Action: c.refused, Comment: "同意"})
		if app.ErrorCode(err) != app.EINVALID || !strings.Contains(app.ErrorMessage(err), "应“") {
			t.Errorf("%s %s: %s: %v, want it refused", c.profile, c.kind, c.refused, err)
		}
	}
}

// 郁南 第十二条第（二）项: a project of 50 万元 and more is 初审ed, then argued
// by experts with its cost reviewed (专家论证和造价审核) before the 立项审批
// 意见; its plan comes argued (第（一）项: 方案经组织论证后申请立项). The
// reviewer could approve it at 受理 with neither step (a review of 郁南). A
// 备案 project (10 to 50 万元) has no such steps.
func TestYunanApprovalGoesThroughTheExperts(t *testing.T) {
	at := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	prof := loadProfile(t, "yunan")
	f, err := app.NewFiling(app.KindDeclaration, "d1", "d1-r1", "unit-1", at)
	if err != nil {
		t.Fatal(err)
	}
	f.Declaration = declaration(t, "郁南县智慧农业监管平台", "郁南县农业农村局", "120")
	f.Declaration.Class = app.ClassProfessional
	if codes := materialCodes(prof.Evaluate(f.Declaration, at)); !slices.Contains(codes, "plan_review_opinion") {
		t.Errorf("a 专业类 project is not asked for its plan's 论证意见: %v", codes)
	}
	if _, err := f.Submit(at, "李娟"); err != nil {
		t.Fatal(err)
	}
	body := f.Body()
	for _, step := range []struct {
		action   app.Action
		offered  []app.Action
		status   app.Status
		stepName string
	}{
		{app.ActionAccept, []app.Action{app.ActionAccept, app.ActionReturn, app.ActionReject}, app.StatusPreliminary, "受理"},
		{app.ActionPass, []app.Action{app.ActionPass, app.ActionReturn, app.ActionReject}, app.StatusExpert, "初审"},
		{app.ActionApprove, []app.Action{app.ActionApprove, app.ActionReturn, app.ActionReject}, app.StatusApproved, "专家论证和造价审核（第三方机构）"},
	} {
		if got := prof.AllowedFor(f, &body, app.RoleReviewer); !slices.Equal(got, step.offered) {
			t.Errorf("at %s the reviewer is offered %v, want %v", step.stepName, got, step.offered)
		}
		if st := prof.StepNow(f, &body); st == nil || st.Label != step.stepName {
			t.Errorf("the filing waits at %+v, want %s", st, step.stepName)
		}
		if _, err := f.Review(prof, &body, at, "王审核", app.RoleReviewer, app.Decision{Action: step.action, Comment: "同意"}); err != nil || f.Status != step.status {
			t.Fatalf("%s: %v, now %s", step.action, err, f.Status)
		}
	}

	small, _ := app.NewFiling(app.KindDeclaration, "d2", "d2-r1", "unit-1", at)
	small.Declaration = declaration(t, "郁南县档案数字化", "郁南县档案馆", "30")
	small.Declaration.Class = app.ClassProfessional
	if _, err := small.Submit(at, "李娟"); err != nil {
		t.Fatal(err)
	}
	sb := small.Body()
	for _, a := range []app.Action{app.ActionAccept, app.ActionFile} {
		if _, err := small.Review(prof, &sb, at, "王审核", app.RoleReviewer, app.Decision{Action: a}); err != nil {
			t.Fatalf("a 30 万元 备案: %s: %v", a, err)
		}
	}
	if codes := materialCodes(prof.Evaluate(small.Declaration, at)); slices.Contains(codes, "plan_review_opinion") {
		t.Errorf("a 备案 project is asked for a 论证意见: %v", codes)
	}
	// A 公共类 project's plan is the bureau's own (第十一条): the unit is not
	// asked for its 论证意见.
	public := declaration(t, "郁南县政务云扩容", "郁南县政务服务和数据管理局", "120")
	public.Class = app.ClassPublic
	if codes := materialCodes(prof.Evaluate(public, at)); slices.Contains(codes, "plan_review_opinion") {
		t.Errorf("a 公共类 project is asked for a 论证意见: %v", codes)
	}
}

// 郁南 第二十一条: the bureau's 验收前置审核 of a 专业类 立项 project has no
// 专家论证 to pass it on to; 初审通过 sent one to 专家论证中 (a walkthrough).
// Nor has any other acceptance application, trial report or catalogue in
// the single reviewer's flow: a 六安 trial report went to 专家论证中, where
// the queue counted it (a walkthrough of the console).
func TestPreAcceptanceReviewHasNoExpertStep(t *testing.T) {
	at := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	prof := loadProfile(t, "yunan")
	decl := declaration(t, "郁南县智慧农业监管平台", "郁南县农业农村局", "120")
	decl.Class = app.ClassProfessional
	acceptance := func(project *app.Declaration) (*app.Filing, app.Body) {
		f, err := app.NewFiling(app.KindAcceptance, "a1", "a1-r1", "unit-1", at)
		if err != nil {
			t.Fatal(err)
		}
		f.ProjectID = "d1"
		if _, err := f.Submit(at, "李娟"); err != nil {
			t.Fatal(err)
		}
		body := f.Body()
		body.Project = project
		if _, err := f.Review(prof, &body, at, "王审核", app.RoleReviewer, app.Decision{Action: app.ActionAccept}); err != nil {
			t.Fatal(err)
		}
		return f, body
	}
	f, body := acceptance(decl)
	if acts := prof.AllowedFor(f, &body, app.RoleReviewer); slices.Contains(acts, app.ActionPass) || !slices.Contains(acts, app.ActionApprove) {
		t.Errorf("the 前置审核 of a 专业类 project offers %v", acts)
	}
	if _, err := f.Review(prof, &body, at, "王审核", app.RoleReviewer, app.Decision{Action: app.ActionPass}); app.ErrorCode(err) != app.EINVALID || !strings.Contains(app.ErrorMessage(err), "没有专家论证环节") {
		t.Errorf("初审通过 of a 前置审核: %v", err)
	}
	public := declaration(t, "郁南县政务云扩容", "郁南县政务服务和数据管理局", "120")
	public.Class = app.ClassPublic
	if f, body := acceptance(public); slices.Contains(prof.AllowedFor(f, &body, app.RoleReviewer), app.ActionPass) {
		t.Errorf("a 公共类 project's acceptance, which the bureau accepts, offers 初审通过")
	}
	for _, name := range []string{"luan", "huoqiu", "tianning", "wuhan"} {
		prof := loadProfile(t, name)
		for _, k := range []app.Kind{app.KindTrialReport, app.KindCatalogue, app.KindAcceptance} {
			f, err := app.NewFiling(k, "x1", "x1-r1", "unit-1", at)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.Submit(at, "李娟"); err != nil {
				t.Fatal(err)
			}
			body := f.Body()
			if _, err := f.Review(prof, &body, at, "王审核", app.RoleReviewer, app.Decision{Action: app.ActionAccept}); err != nil {
				t.Fatal(err)
			}
			if acts := prof.AllowedFor(f, &body, app.RoleReviewer); slices.Contains(acts, app.ActionPass) || !slices.Contains(acts, app.ActionApprove) {
				t.Errorf("%s: a %s after 受理 offers %v", name, k.Label(), acts)
			}
			if _, err := f.Review(prof, &body, at, "王审核", app.RoleReviewer, app.Decision{Action: app.ActionPass}); app.ErrorCode(err) != app.EINVALID {
				t.Errorf("%s: 初审通过 of a %s: %v", name, k.Label(), err)
			}
		}
	}
}
