package e2e

import (
	"bytes"
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"egovdesk/app"
	"egovdesk/app/apptest"
	"egovdesk/assets"
	"egovdesk/sync/client"
	"egovdesk/sync/protocol"
	"egovdesk/sync/syncer"
)

// TestWuhanProjectDeclarationToSelfEvaluation walks one 武汉 project
// (《武汉市政务信息化项目建设管理办法》, assets/profiles/wuhan.json) from its
// declaration to its 第二十二条 self-evaluation through the real bureau,
// which serves the 武汉 profile from the start and checks every filing by
// it, with the clerk's real store and syncer and a reviewer deciding, on a
// clock moved through the days of the walk (the bureau's and the one the
// client counts with). At every stage the home screen's deadlines of the
// project (ProjectDeadlines on the store's anchors) must be exactly those
// counted by hand below: each ID, due date and, for the self-evaluation's
// window, opening date. A deadline missing, extra or on another day fails.
//
// The project: declared 2026-12-01 for plan year 2027, 180 万元, a
// construction period 2027-01..2029-03 (two year-ends inside it:
// 2027-12-31 and 2028-12-31), approved 2026-12-15 at 170 万元 (核定).
// 武汉 needs neither a data catalogue nor a trial report before the
// acceptance (trial_min_months 0; no clause asks for them), so the walk
// goes from the yearly reports to the acceptance application.
func TestWuhanProjectDeclarationToSelfEvaluation(t *testing.T) {
	ctx := context.Background()
	cst := time.FixedZone("CST", 8*3600)
	clock := time.Date(2026, 12, 1, 10, 0, 0, 0, cst)
	cfg := bureauConfig(t.TempDir())
	cfg.Now = func() time.Time { return clock }
	cfg.PasswordPolicy.MaxAge = -1 // the walk spans a year of logins
	srv, url, acc, st, blobs := clerkAndBureau(t, cfg)
	// The walk's unit files in its own name (app.CheckOwnUnit).
	if _, err := srv.UpdateUnit(ctx, acc.Unit.ID, "武汉市民政局", acc.Unit.Code); err != nil {
		t.Fatal(err)
	}
	data, err := assets.Profiles.ReadFile("profiles/wuhan.json")
	if err != nil {
		t.Fatal(err)
	}
	// The bureau checks every filing of the walk, the declaration first,
	// by the 武汉 profile.
	if _, err := srv.SetProfile(ctx, "wuhan.json", data); err != nil {
		t.Fatal(err)
	}
	profs, err := app.LoadProfiles(assets.Profiles, "profiles")
	if err != nil {
		t.Fatal(err)
	}
	prof := profs["wuhan"]
	var sy *syncer.Syncer
	var rc *client.Client
	// at moves the clock to 10:00 CST of a day; tokens last an hour of the
	// bureau's clock, so the clerk and the reviewer log in anew each day.
	at := func(y, m, d int) time.Time {
		clock = time.Date(y, time.Month(m), d, 10, 0, 0, 0, cst)
		clerk, _, err := srv.Login(ctx, "clerk", password, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		reviewer, _, err := srv.Login(ctx, "reviewer", password, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		sy, rc = syncer.New(st, mustClient(t, url, clerk), blobs, syncer.Options{}), mustClient(t, url, reviewer)
		return clock
	}
	date := func(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, cst) }
	attach := func(f *app.Filing, materials ...string) {
		t.Helper()
		for _, m := range materials {
			a, err := blobs.ImportReader(ctx, m+".pdf", bytes.NewReader([]byte("%PDF-1.4 "+m+" "+f.ID)))
			if err != nil {
				t.Fatal(err)
			}
			a.Material = m
			f.Attachments = append(f.Attachments, a)
		}
	}
	var decl *app.Declaration
	// project is the declaration's ID, filings the project's filings
	// saved so far (the declaration first).
	var project string
	var filings []string
	save := func(f *app.Filing) {
		t.Helper()
		if err := st.Save(ctx, f); err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(filings, f.ID) {
			filings = append(filings, f.ID)
		}
	}
	// send checks f as the client does before submitting (a later filing
	// against the project's declaration), saves, submits and syncs it: the
	// bureau must have received it.
	send := func(f *app.Filing) {
		t.Helper()
		if f.Kind != app.KindDeclaration {
			if err := app.CheckProjectBody(f.Body(), prof, decl, clock); err != nil {
				t.Fatalf("%s offline: %v", f.Kind, err)
			}
		}
		save(f)
		if _, err := st.Submit(ctx, f.ID, "李梅", clock); err != nil {
			t.Fatal(err)
		}
		if err := sy.SyncOnce(ctx); err != nil {
			t.Fatal(err)
		}
		if row, _ := st.Summary(ctx, f.ID); row.ReceiptID == "" {
			t.Fatalf("%s not received by the bureau: %+v", f.Kind, row)
		}
	}
	// decide has the reviewer take actions on filing id, then brings the
	// decisions to the clerk's store, where the filing must be in state want.
	decide := func(id string, want app.Status, req ...protocol.DecisionRequest) {
		t.Helper()
		for _, r := range req {
			if r.Comment == "" {
				r.Comment = "同意"
			}
			if _, err := decide(ctx, rc, id, r); err != nil {
				t.Fatalf("%s %s: %v", r.Action, id, err)
			}
		}
		if err := sy.SyncOnce(ctx); err != nil {
			t.Fatal(err)
		}
		if f, err := st.Get(ctx, id); err != nil || f.Status != want {
			t.Fatalf("filing %s in the client: %v, %v; want %s", id, f.Status, err, want)
		}
	}
	// dossier returns the project's dossier at now from the clerk's store.
	dossier := func(now time.Time) app.Dossier {
		t.Helper()
		var fs []*app.Filing
		for _, id := range filings {
			f, err := st.Get(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			fs = append(fs, f)
		}
		return prof.Dossier(project, fs, now)
	}
	act := func(a app.Action) protocol.DecisionRequest { return protocol.DecisionRequest{Action: a} }
	// dl is one deadline the home screen must show: due, and opens for a window.
	type dl = homeDeadline
	// home compares the home screen's deadlines of the project at now with
	// want, in the home screen's order (by due date).
	approved := false
	home := func(now time.Time, stage string, want ...dl) {
		t.Helper()
		anchors, err := st.Anchors(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var got []dl
		for _, d := range prof.ProjectDeadlines(anchors, now) {
			if d.Project != project {
				t.Errorf("%s: a deadline of another project %q: %+v", stage, d.Project, d)
				continue
			}
			got = append(got, dl{d.ID, d.Due, d.Opens})
		}
		eq := len(got) == len(want)
		for i := 0; eq && i < len(got); i++ {
			eq = got[i].id == want[i].id && got[i].due.Equal(want[i].due) && got[i].opens.Equal(want[i].opens)
		}
		if !eq {
			t.Errorf("%s (%s): home deadlines\n got  %v\n want %v", stage, now.Format("2006-01-02"), got, want)
		}
		// The project's dossier owes the same dated deadlines (the home
		// list's header shows its next one) once the project is approved;
		// before, the dossier already shows the reports its construction
		// period will owe, where the home screen counts nothing for a
		// project without an event.
		if !approved {
			return
		}
		var owed []dl
		for _, d := range dossier(now).Deadlines {
			if d.Known() && !d.Met {
				owed = append(owed, dl{d.ID, d.Due, d.Opens})
			}
		}
		if !slices.EqualFunc(owed, want, func(a, b dl) bool { return a.id == b.id && a.due.Equal(b.due) && a.opens.Equal(b.opens) }) {
			t.Errorf("%s (%s): the dossier owes %v, want %v", stage, now.Format("2006-01-02"), owed, want)
		}
	}
	// later starts a filing of kind k from the project's dossier, as
	// 为此项目新建… does.
	later := func(k app.Kind) *app.Filing {
		t.Helper()
		var fs []*app.Filing
		for _, id := range filings {
			f, err := st.Get(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			fs = append(fs, f)
		}
		ds := prof.Dossier(project, fs, clock)
		f, err := ds.Prefill(fs, cst).NewFiling(k, uuid.NewString(), uuid.NewString(), acc.Unit.ID, clock)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}

	// 1. The declaration, 2026-12-01.
	at(2026, 12, 1)
	d, err := app.NewFiling(app.KindDeclaration, uuid.NewString(), uuid.NewString(), acc.Unit.ID, clock)
	if err != nil {
		t.Fatal(err)
	}
	project = d.ID
	d.Declaration = apptest.Declaration()
	d.Declaration.ProjectName, d.Declaration.UnitName = "武汉市民政服务一体化平台", "武汉市民政局"
	d.Declaration.PlanYear, d.Declaration.PeriodStart, d.Declaration.PeriodEnd = 2027, "2027-01", "2029-03"
	d.Declaration.SharingAnalysis = "共享民政、人社、卫健等部门数据 12 类，开放 6 类"                   // 第十三条
	d.Declaration.Confirmations = []string{"not_excluded", "no_new_infrastructure"} // 第三条第二款、第十二条
	decl = d.Declaration
	attach(d, "implementation_plan", "crypto_plan") // 第十条、第十一条、第十三条
	send(d)
	// Nothing is counted before the approval: no event of the project is known.
	home(clock, "declared")

	at(2026, 12, 15)
	decide(d.ID, app.StatusApproved, act(app.ActionAccept),
		protocol.DecisionRequest{Action: app.ActionApprove, Approved: app.Wans(170),
			Comment: "同意立项。信息资源共享分析充分，密码应用方案可行。"}) // 第十三条
	approved = true
	if ds := dossier(clock); ds.Approved != app.Wans(170) || ds.Route.Code != "approval" {
		t.Fatalf("approved project: 核定 %v, route %q; want 170 万元 on the 审批 route (第八条)", ds.Approved, ds.Route.Code)
	}
	// 第二十条: a report before each year-end inside the construction period
	// 2027-01..2029-03, that is 2027-12-31 and 2028-12-31; the next one on
	// or after today is 2027-12-31 (2026-12-31 is before the period).
	// 第二十一条's 组织项目验收 counts from 建成, not known yet: until it is,
	// from the period's declared end (2029-03-31 + 6 months), so the unit
	// is warned ahead; 第二十二条's self-evaluation counts from 投入运行.
	planned := dl{"acceptance", date(2029, 9, 30), time.Time{}}
	home(clock, "approved", dl{"performance_report", date(2027, 12, 31), time.Time{}}, planned)

	// 2. The yearly reports of 第二十条, each drafted from the dossier,
	// sent and filed (予以备案).
	report := func(year int) *app.Filing {
		t.Helper()
		rep := later(app.KindPerformance)
		p := rep.Performance
		if p.PeriodStart != "2027-01" || p.PeriodEnd != "2029-03" {
			t.Fatalf("pre-filled report %+v", p)
		}
		p.Type, p.Year = app.PerformanceAnnual, year
		p.Goals, p.Progress, p.Investment = "年度目标按计划完成", "完成平台主体开发", "已按计划支付"
		p.Opinions, p.Conclusion = "使用单位、监理单位无异议", "进度正常，无需整改"
		p.FiledOn = clock.Format("2006-01-02")
		p.Contact.Phone = "027-85551234"
		send(rep)
		return rep
	}
	at(2027, 12, 20)
	home(clock, "before the 2027 report", dl{"performance_report", date(2027, 12, 31), time.Time{}}, planned)
	rep27 := report(2027)
	// Sent, 2027's is met: the next year-end in the period, 2028-12-31, is owed.
	home(clock, "2027 report sent", dl{"performance_report", date(2028, 12, 31), time.Time{}}, planned)
	decide(rep27.ID, app.StatusFiled, act(app.ActionFile))
	home(clock, "2027 report filed", dl{"performance_report", date(2028, 12, 31), time.Time{}}, planned)
	// Past 2027's year-end, met: still 2028's.
	home(time.Date(2028, 1, 2, 9, 0, 0, 0, cst), "new year 2028", dl{"performance_report", date(2028, 12, 31), time.Time{}}, planned)

	at(2028, 12, 10)
	rep28 := report(2028)
	// 第二十条: 2029-12-31 is after the period's end (2029-03): no report
	// is owed; the acceptance is still counted from the period's end.
	home(clock, "2028 report sent", planned)
	decide(rep28.ID, app.StatusFiled, act(app.ActionFile))
	home(clock, "2028 report filed", planned)

	// 3. The acceptance application: 建成 2029-02-28, with the materials
	// 武汉 asks for before 验收 (第二十一条: 信息安全风险评估、密码应用安全性
	// 评估、决算审计).
	at(2029, 3, 5)
	a := later(app.KindAcceptance)
	if a.ProjectID != project || a.Acceptance.ProjectName != "武汉市民政服务一体化平台" {
		t.Fatalf("pre-filled acceptance %+v of %s", a.Acceptance, a.ProjectID)
	}
	a.Acceptance.ApprovalRef, a.Acceptance.ContractAmount = "武数审〔2026〕12号", app.Wans(168)
	a.Acceptance.CompletedOn, a.Acceptance.AppliedOn = "2029-02-28", "2029-03-05"
	a.Acceptance.Summary = "按批复和合同完成全部建设内容"
	a.Acceptance.Contact = app.Contact{Person: "李梅", Phone: "027-85551234"}
	attach(a, "security_assessment", "crypto_assessment", "audit_report")
	save(a)
	// Drafted, the completion date is known: 第二十一条 建成后半年内组织验收,
	// 2029-02-28 + 6 months = 2029-08-28.
	home(clock, "acceptance drafted", dl{"acceptance", date(2029, 8, 28), time.Time{}})
	send(a)
	// Sent, still owed: the project has not passed acceptance yet (the
	// dossier agreed only since d8035ea; it took the sent application).
	home(clock, "acceptance sent", dl{"acceptance", date(2029, 8, 28), time.Time{}})
	at(2029, 3, 20)
	decide(a.ID, app.StatusApproved, act(app.ActionAccept), act(app.ActionApprove))
	// The bureau confirms (确认可组织验收, 2029-03-20) that the unit may
	// organise the acceptance: 组织项目验收 is still owed (第二十一条), and
	// the 验收后备案 that records it is owed "及时", without a date: the
	// dossier shows it owed, the home screen (dated deadlines only) not.
	home(clock, "confirmed", dl{"acceptance", date(2029, 8, 28), time.Time{}})
	owed := func(ds app.Dossier, id string) (app.DossierDeadline, bool) {
		for _, d := range ds.Deadlines {
			if d.ID == id {
				return d, true
			}
		}
		return app.DossierDeadline{}, false
	}
	if af, ok := owed(dossier(clock), "acceptance_filing"); !ok || af.Met || af.Known() {
		t.Errorf("confirmed: the dossier's 验收后备案 %+v (listed %v), want owed without a date", af, ok)
	}

	// 4. The unit organises the acceptance (passed 2029-03-25) and files
	// it: the 验收后备案, drafted from the dossier, which cannot know the
	// day the unit's acceptance passed.
	at(2029, 3, 27)
	af := later(app.KindAcceptanceFiling)
	if af.AcceptanceFiling.AcceptedOn != "" || af.AcceptanceFiling.AcceptanceID != a.ID {
		t.Fatalf("pre-filled 验收后备案 %+v", af.AcceptanceFiling)
	}
	af.AcceptanceFiling.AcceptedOn = "2029-03-25"
	af.AcceptanceFiling.Conclusion = "验收组同意通过验收"
	af.AcceptanceFiling.Contact.Phone = "027-85551234"
	attach(af, "acceptance_report")
	send(af)
	decide(af.ID, app.StatusFiled, act(app.ActionFile))
	if d, ok := owed(dossier(clock), "acceptance_filing"); !ok || !d.Met || d.MetBy != af.ID {
		t.Errorf("filed: the dossier's 验收后备案 %+v (listed %v), want met by %s", d, ok, af.ID)
	}
	home(clock, "验收后备案 filed")

	// 5. The go-live (投入运行 2029-04-01), filed.
	at(2029, 4, 2)
	live := later(app.KindGoLive)
	live.GoLive.GoLiveOn, live.GoLive.Scope = "2029-04-01", "全市 13 个区民政部门上线受理、办件和统计功能"
	live.GoLive.Contact.Phone = "027-85551234"
	send(live)
	decide(live.ID, app.StatusFiled, act(app.ActionFile))
	// 第二十二条: self-evaluation 12 to 24 months after 投入运行
	// 2029-04-01: opens 2030-04-01, due 2031-04-01.
	selfEval := dl{"self_evaluation", date(2031, 4, 1), date(2030, 4, 1)}
	home(clock, "gone live", selfEval)
	// The same deadline, not yet open the day before the 12 months are up
	// (2030-03-31), open on 2030-04-01.
	for _, c := range []struct {
		now  time.Time
		open bool
	}{{time.Date(2030, 3, 31, 23, 0, 0, 0, cst), false}, {time.Date(2030, 4, 1, 9, 0, 0, 0, cst), true}} {
		home(c.now, "self-evaluation window", selfEval)
		if open := !selfEval.opens.After(c.now); open != c.open {
			t.Errorf("on %s the window is open: %v, want %v", c.now.Format("2006-01-02"), open, c.open)
		}
	}

	// Before the window opens the client refuses a self-evaluation
	// (第二十二条 投入运行后12至24个月内); on its first day it takes it.
	for _, c := range []struct {
		y, m, d int
		ok      bool
	}{{2030, 3, 31, false}, {2030, 4, 1, true}} {
		clock = date(c.y, c.m, c.d).Add(10 * time.Hour)
		early := later(app.KindPerformance)
		r := early.Performance
		r.Type, r.Goals, r.Effect, r.Conclusion = app.PerformanceSelf, "绩效目标全部完成", "全市使用", "达到预期"
		r.FiledOn, r.Contact.Phone = clock.Format("2006-01-02"), "027-85551234"
		err := app.CheckProjectBody(early.Body(), prof, decl, clock)
		if (err == nil) != c.ok || err != nil && !slices.ContainsFunc(app.FieldErrors(err), func(e app.FieldError) bool { return e.Field == "go_live_on" }) {
			t.Errorf("a self-evaluation on %s: %v, want accepted %v", clock.Format("2006-01-02"), err, c.ok)
		}
	}

	// 6. The self-evaluation, 13 months after the go-live, drafted from
	// the dossier (its go-live date pre-filled), sent and filed.
	at(2030, 5, 10)
	self := later(app.KindPerformance)
	r := self.Performance
	if r.GoLiveOn != "2029-04-01" {
		t.Fatalf("pre-filled go-live %q", r.GoLiveOn)
	}
	r.Type, r.Goals, r.Effect, r.Conclusion = app.PerformanceSelf, "绩效目标全部完成", "全市 13 个区使用，办件量 12 万件", "达到预期，无需整改"
	r.FiledOn = clock.Format("2006-01-02")
	r.Contact.Phone = "027-85551234"
	send(self)
	// Sent, 第二十二条's self-evaluation is met: nothing is owed.
	home(clock, "self-evaluation sent")
	decide(self.ID, app.StatusFiled, act(app.ActionFile))
	home(clock, "self-evaluation filed")
	// Nor after the window (not overdue: it was met).
	home(time.Date(2031, 4, 2, 9, 0, 0, 0, cst), "after the window")
}

// homeDeadline is one deadline of the home screen: its ID, due date and,
// for a window, the date it opens.
type homeDeadline struct {
	id         string
	due, opens time.Time
}

func (d homeDeadline) String() string {
	s := d.id + " " + d.due.Format("2006-01-02")
	if !d.opens.IsZero() {
		s += " (opens " + d.opens.Format("2006-01-02") + ")"
	}
	return s
}
