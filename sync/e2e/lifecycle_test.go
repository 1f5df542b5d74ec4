package e2e

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
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

// TestLifecycleFilingsThroughTheBureau: a go-live and an adjustment of an
// approved 武汉 project, made from the project's dossier in the clerk's real
// store, go through the syncer to the real bureau, are filed (予以备案) by
// the reviewer, and come back filed; the go-live then counts the
// 第二十二条 self-evaluation on the home screen's deadlines: 24 months
// after the go-live date, counted by hand. The self-evaluation, 13 months
// after the go-live, is filed too and is no longer owed.
func TestLifecycleFilingsThroughTheBureau(t *testing.T) {
	ctx := context.Background()
	srv, url, acc, st, blobs := clerkAndBureau(t, bureauConfig(t.TempDir()))
	sy := syncer.New(st, mustClient(t, url, acc.Clerk), blobs, syncer.Options{})
	rc := mustClient(t, url, acc.Reviewer)
	sync := func() {
		t.Helper()
		if err := sy.SyncOnce(ctx); err != nil {
			t.Fatal(err)
		}
	}
	decide := func(id string, actions ...app.Action) {
		t.Helper()
		for _, a := range actions {
			if _, err := decide(ctx, rc, id, protocol.DecisionRequest{Action: a, Comment: "同意"}); err != nil {
				t.Fatalf("%s %s: %v", a, id, err)
			}
		}
	}

	d, err := app.NewFiling(app.KindDeclaration, uuid.NewString(), uuid.NewString(), acc.Unit.ID, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	d.Declaration = apptest.Declaration()
	// a project of the plan of the year it went live, 13 months ago (below)
	d.Declaration.PlanYear = time.Now().AddDate(-1, -1, 0).Year()
	if err := st.Save(ctx, d); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Submit(ctx, d.ID, "李梅", time.Now()); err != nil {
		t.Fatal(err)
	}
	sync()
	decide(d.ID, app.ActionAccept, app.ActionApprove)
	sync()
	data, err := assets.Profiles.ReadFile("profiles/wuhan.json")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.SetProfile(ctx, "wuhan.json", data); err != nil {
		t.Fatal(err)
	}
	profs, err := app.LoadProfiles(assets.Profiles, "profiles")
	if err != nil {
		t.Fatal(err)
	}
	prof := profs["wuhan"]

	// Both later filings start from the project's dossier.
	now := time.Now()
	decl, err := st.Get(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	ds := prof.Dossier(d.ID, []*app.Filing{decl}, now)
	pre := ds.Prefill([]*app.Filing{decl}, now.Location())
	live, err := pre.NewFiling(app.KindGoLive, uuid.NewString(), uuid.NewString(), acc.Unit.ID, now)
	if err != nil {
		t.Fatal(err)
	}
	golive := now.AddDate(-1, -1, 0) // 13 months ago: the self-evaluation's window (12–24 months) is open
	live.GoLive.GoLiveOn, live.GoLive.Scope = golive.Format("2006-01-02"), "全镇 12 个社区上线受理、办件和统计功能"
	live.GoLive.Contact.Phone = "0564-6012345"
	adj, err := pre.NewFiling(app.KindAdjustment, uuid.NewString(), uuid.NewString(), acc.Unit.ID, now)
	if err != nil {
		t.Fatal(err)
	}
	a := adj.Adjustment
	if a.ApprovedTotal != app.Wans(180) || len(a.Before) != 6 {
		t.Fatalf("pre-filled adjustment %+v", a)
	}
	a.Type, a.Reason, a.GoalUnchanged, a.Situation = app.AdjustContent, "根据市政府工作部署增加养老补贴对接功能", true, "superior_request"
	a.Contact.Phone = "0564-6012345"
	a.After[0].Amount += app.Wans(27) // 平台软件开发 +27, 移动终端 −27: 15 % of 180 万元
	a.After[1].Amount -= app.Wans(27)
	for _, f := range []*app.Filing{live, adj} {
		if err := app.CheckProjectBody(f.Body(), prof, decl.Declaration, now); err != nil {
			t.Fatalf("%s offline: %v", f.Kind, err)
		}
		if err := st.Save(ctx, f); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Submit(ctx, f.ID, "李梅", now); err != nil {
			t.Fatal(err)
		}
	}
	sync()
	for _, f := range []*app.Filing{live, adj} {
		got, err := st.Get(ctx, f.ID)
		if err != nil {
			t.Fatal(err)
		}
		if row, _ := st.Summary(ctx, f.ID); got.Status != app.StatusSubmitted || row.ReceiptID == "" {
			t.Fatalf("%s after sending: %s, %+v", f.Kind, got.Status, row)
		}
		decide(f.ID, app.ActionFile)
	}
	sync()
	for _, f := range []*app.Filing{live, adj} {
		if got, _ := st.Get(ctx, f.ID); got.Status != app.StatusFiled {
			t.Errorf("%s in the client: %s, want filed", f.Kind, got.Status)
		}
	}

	anchors, err := st.Anchors(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := time.Date(golive.Year()+2, golive.Month(), golive.Day(), 0, 0, 0, 0, now.Location()).Format("2006-01-02")
	dls := prof.ProjectDeadlines(anchors, now)
	if !slices.ContainsFunc(dls, func(dl app.ProjectDeadline) bool {
		return dl.Project == d.ID && dl.ID == "self_evaluation" && dl.Due.Format("2006-01-02") == want
	}) {
		t.Errorf("home deadlines lack the self-evaluation due %s: %+v", want, dls)
	}

	// The self-evaluation, pre-filled with the go-live date from the
	// dossier, is filed and meets the deadline.
	var fs []*app.Filing
	for _, id := range []string{d.ID, live.ID, adj.ID} {
		f, err := st.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		fs = append(fs, f)
	}
	ds = prof.Dossier(d.ID, fs, now)
	self, err := ds.Prefill(fs, now.Location()).NewFiling(app.KindPerformance, uuid.NewString(), uuid.NewString(), acc.Unit.ID, now)
	if err != nil {
		t.Fatal(err)
	}
	r := self.Performance
	if r.GoLiveOn != live.GoLive.GoLiveOn {
		t.Fatalf("pre-filled go-live %q, want %q", r.GoLiveOn, live.GoLive.GoLiveOn)
	}
	r.Type, r.Goals, r.Effect, r.Conclusion = app.PerformanceSelf, "绩效目标全部完成", "全镇 12 个社区使用，办件量 3.2 万件", "达到预期，无需整改"
	r.Contact.Phone = "0564-6012345"
	if err := st.Save(ctx, self); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Submit(ctx, self.ID, "李梅", now); err != nil {
		t.Fatal(err)
	}
	sync()
	decide(self.ID, app.ActionFile)
	sync()
	if got, _ := st.Get(ctx, self.ID); got.Status != app.StatusFiled {
		t.Errorf("self-evaluation in the client: %s", got.Status)
	}
	if anchors, err = st.Anchors(ctx); err != nil {
		t.Fatal(err)
	}
	if slices.ContainsFunc(prof.ProjectDeadlines(anchors, now), func(dl app.ProjectDeadline) bool { return dl.ID == "self_evaluation" }) {
		t.Errorf("the filed self-evaluation is still owed on the home screen")
	}
}

// TestTianningProjectToItsAcceptanceFiling: a 天宁 project from declaration
// to its post-acceptance 备案 through the real bureau, its clock on the
// days of the walk. The home screen's deadline of the 备案 is 10 working
// days of the 2026 calendar after the bureau's acceptance (解读 三、（二）),
// counted by hand: accepted Thu 2026-09-24; 09-25..27 and 10-01..07 are
// holidays, Sat 10-10 a working day: 09-28, 29, 30, 10-08, 09, 10, 12, 13,
// 14, 15. Once the 备案 is sent it is no longer owed. (The bureau takes
// its profile, here asking for no materials, which this walk does not
// upload, once the declaration and the acceptance are in.)
func TestTianningProjectToItsAcceptanceFiling(t *testing.T) {
	ctx := context.Background()
	cst := time.FixedZone("CST", 8*3600)
	var clock time.Time
	at := func(y, m, d int) time.Time {
		clock = time.Date(y, time.Month(m), d, 10, 0, 0, 0, cst)
		return clock
	}
	at(2026, 1, 10)
	cfg := bureauConfig(t.TempDir())
	cfg.Now = func() time.Time { return clock }
	cfg.PasswordPolicy.MaxAge = -1 // the walk spans a year of logins
	srv, url, acc, st, blobs := clerkAndBureau(t, cfg)
	// The walk's unit files in its own name (app.CheckOwnUnit).
	if _, err := srv.UpdateUnit(ctx, acc.Unit.ID, "天宁区城市管理局", acc.Unit.Code); err != nil {
		t.Fatal(err)
	}
	var sy *syncer.Syncer
	var rc *client.Client
	// Tokens last an hour of the bureau's clock: new ones on each day of the walk.
	at = func(y, m, d int) time.Time {
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
	at(2026, 1, 10)
	profs, err := app.LoadProfiles(assets.Profiles, "profiles")
	if err != nil {
		t.Fatal(err)
	}
	prof := profs["tianning"]
	prof.AcceptanceMaterials, prof.AcceptanceAdditions, prof.AcceptanceFilingMaterials = nil, nil, nil
	data, err := json.Marshal(prof)
	if err != nil {
		t.Fatal(err)
	}
	send := func(f *app.Filing) {
		t.Helper()
		if err := st.Save(ctx, f); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Submit(ctx, f.ID, "李梅", clock); err != nil {
			t.Fatal(err)
		}
		if err := sy.SyncOnce(ctx); err != nil {
			t.Fatal(err)
		}
		if row, _ := st.Summary(ctx, f.ID); row.ReceiptID == "" {
			t.Fatalf("%s not received: %+v", f.Kind, row)
		}
	}
	decide := func(id string, actions ...app.Action) {
		t.Helper()
		for _, a := range actions {
			if _, err := decide(ctx, rc, id, protocol.DecisionRequest{Action: a, Comment: "同意"}); err != nil {
				t.Fatalf("%s %s: %v", a, id, err)
			}
		}
		if err := sy.SyncOnce(ctx); err != nil {
			t.Fatal(err)
		}
	}
	home := func(now time.Time) []string {
		t.Helper()
		anchors, err := st.Anchors(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, dl := range prof.ProjectDeadlines(anchors, now) {
			out = append(out, dl.ID+" "+dl.Due.Format("2006-01-02"))
		}
		return out
	}

	d, _ := app.NewFiling(app.KindDeclaration, uuid.NewString(), uuid.NewString(), acc.Unit.ID, clock)
	d.Declaration = apptest.Declaration()
	d.Declaration.ProjectName, d.Declaration.UnitName = "天宁区智慧城管综合指挥平台", "天宁区城市管理局"
	d.Declaration.Deployment.Mode = app.DeployEgovCloud // 解读 3.(3): on the e-gov cloud
	d.Declaration.PlanYear = 2026                       // built, completed and accepted in 2026
	send(d)
	decide(d.ID, app.ActionAccept, app.ActionApprove)
	if got := home(clock); !slices.Equal(got, []string{"self_evaluation 2026-11-30"}) {
		t.Errorf("approved, only the yearly self-evaluation (解读 三、（二）（六）, by the end of November) is owed: %v", got)
	}

	at(2026, 9, 1)
	a, _ := app.NewFiling(app.KindAcceptance, uuid.NewString(), uuid.NewString(), acc.Unit.ID, clock)
	a.ProjectID = d.ID
	a.Acceptance.ProjectName, a.Acceptance.UnitName, a.Acceptance.ApprovalRef = d.Declaration.ProjectName, d.Declaration.UnitName, "天数审〔2026〕3号"
	a.Acceptance.ContractAmount, a.Acceptance.CompletedOn, a.Acceptance.AppliedOn = app.Wans(170), "2026-08-20", "2026-09-01"
	a.Acceptance.Summary = "按批复和合同完成全部建设内容"
	a.Acceptance.Contact = app.Contact{Person: "李梅", Phone: "0519-85551234"}
	send(a)
	at(2026, 9, 24)
	decide(a.ID, app.ActionAccept, app.ActionApprove)
	if got := home(time.Date(2026, 9, 25, 9, 0, 0, 0, cst)); !slices.Contains(got, "acceptance_filing 2026-10-15") {
		t.Fatalf("home deadlines after acceptance: %v, want the 备案 by 2026-10-15", got)
	}

	// The bureau checks the 备案 by its profile (the declaration and the
	// acceptance went in before it had one).
	if _, err := srv.SetProfile(ctx, "tianning.json", data); err != nil {
		t.Fatal(err)
	}
	at(2026, 10, 9)
	decl, _ := st.Get(ctx, d.ID)
	accepted, _ := st.Get(ctx, a.ID)
	fs := []*app.Filing{decl, accepted}
	ds := prof.Dossier(d.ID, fs, clock)
	af, err := ds.Prefill(fs, cst).NewFiling(app.KindAcceptanceFiling, uuid.NewString(), uuid.NewString(), acc.Unit.ID, clock)
	if err != nil {
		t.Fatal(err)
	}
	if af.AcceptanceFiling.AcceptedOn != "2026-09-24" || af.AcceptanceFiling.AcceptanceID != a.ID {
		t.Fatalf("pre-filled 备案 %+v", af.AcceptanceFiling)
	}
	af.AcceptanceFiling.Conclusion = "验收组同意通过验收"
	af.AcceptanceFiling.Contact.Phone = "0519-85551234"
	send(af)
	if got := home(clock); slices.ContainsFunc(got, func(s string) bool { return strings.HasPrefix(s, "acceptance_filing") }) {
		t.Errorf("the sent 备案 is still owed: %v", got)
	}
	decide(af.ID, app.ActionFile)
	if f, _ := st.Get(ctx, af.ID); f.Status != app.StatusFiled {
		t.Errorf("备案 in the client: %s", f.Status)
	}
}
