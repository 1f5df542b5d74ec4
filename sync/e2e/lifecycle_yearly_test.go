package e2e

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"egovdesk/app"
	"egovdesk/app/apptest"
	"egovdesk/app/store"
	"egovdesk/assets"
	"egovdesk/sync/client"
	"egovdesk/sync/protocol"
	"egovdesk/sync/syncer"
)

// yearly is a clerk's real store and syncer and a reviewer, both talking
// to a real bureau over a loopback port, under one profile.
type yearly struct {
	t    *testing.T
	ctx  context.Context
	st   *store.Store
	sy   *syncer.Syncer
	rc   *client.Client
	acc  accounts
	prof *app.Profile
	// setProfile gives the bureau the profile. A declaration goes in
	// before (this test's declaration has not the materials every
	// profile asks for), the later filings after, checked by it.
	setProfile func()
}

// newYearly starts the bureau and the clerk's side for profile.
func newYearly(t *testing.T, profile string) *yearly {
	ctx := context.Background()
	srv, url, acc, st, blobs := clerkAndBureau(t, bureauConfig(t.TempDir()))
	data, err := assets.Profiles.ReadFile("profiles/" + profile + ".json")
	if err != nil {
		t.Fatal(err)
	}
	profs, err := app.LoadProfiles(assets.Profiles, "profiles")
	if err != nil {
		t.Fatal(err)
	}
	return &yearly{t: t, ctx: ctx, st: st, sy: syncer.New(st, mustClient(t, url, acc.Clerk), blobs, syncer.Options{}),
		rc: mustClient(t, url, acc.Reviewer), acc: acc, prof: profs[profile], setProfile: func() {
			if _, err := srv.SetProfile(ctx, profile+".json", data); err != nil {
				t.Fatal(err)
			}
		}}
}

func (y *yearly) sync() {
	y.t.Helper()
	if err := y.sy.SyncOnce(y.ctx); err != nil {
		y.t.Fatal(err)
	}
}

// send saves f, checks it as the client does before submitting, submits it
// and syncs: the bureau must have received it.
func (y *yearly) send(f *app.Filing, decl *app.Declaration) {
	y.t.Helper()
	if f.Kind != app.KindDeclaration {
		if err := app.CheckProjectBody(f.Body(), y.prof, decl, time.Now()); err != nil {
			y.t.Fatalf("%s offline: %v", f.Kind, err)
		}
	}
	if err := y.st.Save(y.ctx, f); err != nil {
		y.t.Fatal(err)
	}
	if _, err := y.st.Submit(y.ctx, f.ID, "李梅", time.Now()); err != nil {
		y.t.Fatal(err)
	}
	y.sync()
	if row, _ := y.st.Summary(y.ctx, f.ID); row.ReceiptID == "" {
		y.t.Fatalf("%s not received by the bureau: %+v", f.Kind, row)
	}
}

// decide makes the reviewer take actions on filing id with comment, then
// brings the decisions to the clerk.
func (y *yearly) decide(id, comment string, actions ...app.Action) {
	y.t.Helper()
	for _, a := range actions {
		if _, err := decide(y.ctx, y.rc, id, protocol.DecisionRequest{Action: a, Comment: comment}); err != nil {
			y.t.Fatalf("%s %s: %v", a, id, err)
		}
	}
	y.sync()
}

// approved sends a declaration (apptest's, changed by fill) and has the
// bureau approve it; the bureau then takes the profile.
func (y *yearly) approved(fill func(d *app.Declaration)) *app.Filing {
	y.t.Helper()
	d, err := app.NewFiling(app.KindDeclaration, uuid.NewString(), uuid.NewString(), y.acc.Unit.ID, time.Now())
	if err != nil {
		y.t.Fatal(err)
	}
	d.Declaration = apptest.Declaration()
	if fill != nil {
		fill(d.Declaration)
	}
	y.send(d, nil)
	y.decide(d.ID, "同意", app.ActionAccept, app.ActionApprove)
	y.setProfile()
	got, err := y.st.Get(y.ctx, d.ID)
	if err != nil {
		y.t.Fatal(err)
	}
	return got
}

// later starts a filing of kind k from the project's dossier, as
// 为此项目新建… does.
func (y *yearly) later(project string, k app.Kind, ids ...string) *app.Filing {
	y.t.Helper()
	fs := y.filings(append([]string{project}, ids...)...)
	ds := y.prof.Dossier(project, fs, time.Now())
	f, err := ds.Prefill(fs, time.Local).NewFiling(k, uuid.NewString(), uuid.NewString(), y.acc.Unit.ID, time.Now())
	if err != nil {
		y.t.Fatal(err)
	}
	return f
}

func (y *yearly) filings(ids ...string) []*app.Filing {
	y.t.Helper()
	var fs []*app.Filing
	for _, id := range ids {
		f, err := y.st.Get(y.ctx, id)
		if err != nil {
			y.t.Fatal(err)
		}
		fs = append(fs, f)
	}
	return fs
}

// home returns the home screen's deadlines of the projects, from the
// store's anchors as the client counts them, as "id YYYY-MM-DD".
func (y *yearly) home() []string {
	y.t.Helper()
	anchors, err := y.st.Anchors(y.ctx)
	if err != nil {
		y.t.Fatal(err)
	}
	var out []string
	for _, dl := range y.prof.ProjectDeadlines(anchors, time.Now()) {
		out = append(out, dl.ID+" "+dl.Due.Format("2006-01-02"))
	}
	return out
}

// inboxOf returns the decisions on filing id in the clerk's inbox, oldest
// first, as "action: comment".
func (y *yearly) inboxOf(id string) []string {
	y.t.Helper()
	msgs, err := y.st.Inbox(y.ctx)
	if err != nil {
		y.t.Fatal(err)
	}
	var out []string
	for _, m := range msgs {
		if m.FilingID == id && m.Decision != nil {
			out = append(out, string(m.Decision.Action)+": "+m.Decision.Comment)
		}
	}
	slices.Reverse(out) // the inbox is newest first
	return out
}

// dossierOf returns the project's dossier entry of filing id, failing the
// test when the dossier lacks it.
func (y *yearly) dossierOf(project, id string, ids ...string) app.DossierEntry {
	y.t.Helper()
	ds := y.prof.Dossier(project, y.filings(append([]string{project, id}, ids...)...), time.Now())
	for _, e := range ds.Entries {
		if e.FilingID == id {
			return e
		}
	}
	y.t.Fatalf("the dossier lacks %s: %+v", id, ds.Entries)
	return app.DossierEntry{}
}

// decisions returns what the entry shows of the bureau's decisions, as
// "action: comment".
func decisions(e app.DossierEntry) []string {
	var out []string
	for _, t := range e.Decisions {
		out = append(out, string(t.Action)+": "+t.Comment)
	}
	return out
}

// 霍邱县 运维备案 (政策解读 六、第四部分: "项目运维情况按年度报县数管局备案")
// through the real bureau: once the go-live is filed, the home screen owes
// this year's O&M filing by 31 December; the clerk drafts it from the
// dossier and submits it; the reviewer returns it with a comment, which
// reaches the clerk's inbox; the clerk revises and resubmits; the reviewer
// files it (予以备案); the inbox and the dossier show both decisions, and
// the home screen owes next year's instead.
func TestOMFilingThroughTheBureau(t *testing.T) {
	y := newYearly(t, "huoqiu")
	now := time.Now()
	// a project of this year's plan: it went live on the year's first day
	d := y.approved(func(d *app.Declaration) { d.PlanYear = now.Year() })
	live := y.later(d.ID, app.KindGoLive)
	// Live since the first of this year: this year's O&M filing is the
	// first owed (an earlier go-live year would owe that year's too).
	golive := time.Date(now.Year(), 1, 1, 0, 0, 0, 0, now.Location())
	live.GoLive.GoLiveOn, live.GoLive.Scope = golive.Format("2006-01-02"), "全镇 12 个社区上线受理、办件和统计功能"
	live.GoLive.Contact.Phone = "0564-6012345"
	y.send(live, d.Declaration)
	y.decide(live.ID, "已备案", app.ActionFile)
	thisYear, nextYear := fmt.Sprintf("om_filing %d-12-31", now.Year()), fmt.Sprintf("om_filing %d-12-31", now.Year()+1)
	if got := y.home(); !slices.Contains(got, thisYear) {
		t.Fatalf("after the go-live the home screen owes %s: %v", thisYear, got)
	}

	om := y.later(d.ID, app.KindOMFiling, live.ID)
	o := om.OMFiling
	if o.ProjectName != d.Declaration.ProjectName || o.GoLiveOn != live.GoLive.GoLiveOn {
		t.Fatalf("pre-filled O&M filing %+v", o)
	}
	o.Year, o.Provider, o.Amount = now.Year(), "霍邱县信息技术服务有限公司", app.Wans(12)
	o.Situation, o.Plan = "全年运行稳定，无安全事件", "继续按合同运维"
	o.Contact.Phone = "0564-6012345"
	y.send(om, d.Declaration)
	if got := y.home(); slices.Contains(got, thisYear) {
		t.Errorf("the sent O&M filing is still owed: %v", got)
	}
	y.decide(om.ID, "请补充故障处理记录", app.ActionReturn)
	if got, _ := y.st.Get(y.ctx, om.ID); got.Status != app.StatusReturned {
		t.Fatalf("returned O&M filing in the client: %s", got.Status)
	}
	if got := y.inboxOf(om.ID); !slices.Equal(got, []string{"return: 请补充故障处理记录"}) {
		t.Errorf("inbox after the return: %v", got)
	}

	f, _ := y.st.Get(y.ctx, om.ID)
	if err := f.Revise(uuid.NewString(), time.Now()); err != nil {
		t.Fatal(err)
	}
	f.OMFiling.Situation += "；3 月 12 日数据库故障，2 小时内恢复"
	y.send(f, d.Declaration)
	y.decide(om.ID, "予以备案", app.ActionFile)
	if got, _ := y.st.Get(y.ctx, om.ID); got.Status != app.StatusFiled || got.Revision.Number != 2 {
		t.Errorf("O&M filing in the client: %s, revision %d", got.Status, got.Revision.Number)
	}
	if got := y.inboxOf(om.ID); !slices.Equal(got, []string{"return: 请补充故障处理记录", "file: 予以备案"}) {
		t.Errorf("inbox: %v", got)
	}
	e := y.dossierOf(d.ID, om.ID, live.ID)
	if e.Status != app.StatusFiled || e.Revision != 2 || !slices.Equal(decisions(e), []string{"return: 请补充故障处理记录", "file: 予以备案"}) {
		t.Errorf("dossier entry: %s, revision %d, %v", e.Status, e.Revision, decisions(e))
	}
	if got := y.home(); slices.Contains(got, thisYear) || !slices.Contains(got, nextYear) {
		t.Errorf("with this year's filed the home screen owes %s: %v", nextYear, got)
	}
}

// 武汉 第二十条 绩效评价报告 through the real bureau: a project whose
// construction period runs from January this year to December next year
// owes this year's report by 31 December on the home screen (the store's
// anchors carry the period, schema 5); the clerk drafts it from the
// dossier, the reviewer files it, the decision reaches the inbox and the
// dossier, and next year's report is owed instead; after the period no
// new year, but next year's, never sent, stays owed.
func TestAnnualPerformanceReportThroughTheBureau(t *testing.T) {
	y := newYearly(t, "wuhan")
	now := time.Now()
	d := y.approved(func(d *app.Declaration) {
		d.PeriodStart, d.PeriodEnd = fmt.Sprintf("%d-01", now.Year()), fmt.Sprintf("%d-12", now.Year()+1)
	})
	thisYear, nextYear := fmt.Sprintf("performance_report %d-12-31", now.Year()), fmt.Sprintf("performance_report %d-12-31", now.Year()+1)
	if got := y.home(); !slices.Contains(got, thisYear) {
		t.Fatalf("第二十条: the home screen owes %s: %v", thisYear, got)
	}

	rep := y.later(d.ID, app.KindPerformance)
	p := rep.Performance
	if p.PeriodStart != d.Declaration.PeriodStart || p.PeriodEnd != d.Declaration.PeriodEnd {
		t.Fatalf("pre-filled report %+v", p)
	}
	p.Type, p.Year = app.PerformanceAnnual, now.Year()
	p.Goals, p.Progress, p.Investment = "年度目标按计划完成", "完成平台主体开发，进度 60%", "已支付 108 万元，占批复 60%"
	p.Opinions, p.Conclusion = "使用单位、监理单位无异议", "进度正常，无需整改"
	p.FiledOn = now.Format("2006-01-02")
	p.Contact.Phone = "027-85551234"
	y.send(rep, d.Declaration)
	if got := y.home(); slices.Contains(got, thisYear) {
		t.Errorf("the sent report is still owed: %v", got)
	}
	y.decide(rep.ID, "报告收悉，予以备案", app.ActionFile)
	if got, _ := y.st.Get(y.ctx, rep.ID); got.Status != app.StatusFiled {
		t.Errorf("report in the client: %s", got.Status)
	}
	if got := y.inboxOf(rep.ID); !slices.Equal(got, []string{"file: 报告收悉，予以备案"}) {
		t.Errorf("inbox: %v", got)
	}
	e := y.dossierOf(d.ID, rep.ID)
	if e.Status != app.StatusFiled || !slices.Equal(decisions(e), []string{"file: 报告收悉，予以备案"}) {
		t.Errorf("dossier entry: %s, %v", e.Status, decisions(e))
	}
	if got := y.home(); !slices.Contains(got, nextYear) {
		t.Errorf("with this year's filed, next year's is owed: %v", got)
	}
	anchors, err := y.st.Anchors(y.ctx)
	if err != nil {
		t.Fatal(err)
	}
	// After the period no new year is owed, but next year's report, never
	// sent, still is (overdue), not dropped because the calendar passed it.
	after := time.Date(now.Year()+2, 1, 1, 9, 0, 0, 0, time.Local)
	var owed []string
	for _, dl := range y.prof.ProjectDeadlines(anchors, after) {
		if strings.HasPrefix(dl.ID, "performance_report") {
			owed = append(owed, dl.ID+" "+dl.Due.Format("2006-01-02"))
		}
	}
	if !slices.Equal(owed, []string{nextYear}) {
		t.Errorf("after the construction period the home screen owes %v, want only the unsent %s", owed, nextYear)
	}
}
