package e2e

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"egovdesk/app"
	"egovdesk/app/apptest"
	"egovdesk/app/store"
	"egovdesk/assets"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server"
	"egovdesk/sync/syncer"
)

// TestLifecycleFilingsThroughTheBureau: a go-live and an adjustment of an
// approved 武汉 project, made from the project's dossier in the clerk's real
// store, go through the syncer to the real bureau, are filed (予以备案) by
// the reviewer, and come back filed; the go-live then counts the
// 第二十二条 self-evaluation on the home screen's deadlines: 24 months
// after the go-live date, counted by hand.
func TestLifecycleFilingsThroughTheBureau(t *testing.T) {
	ctx := context.Background()
	srv, err := server.Open(ctx, bureauConfig(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	url := mustServe(t, srv.Handler())
	acc := initBureau(t, srv)
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	blobs, err := syncer.OpenBlobDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
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
			if _, err := rc.Decide(ctx, id, protocol.DecisionRequest{Action: a, Comment: "同意"}); err != nil {
				t.Fatalf("%s %s: %v", a, id, err)
			}
		}
	}

	d, err := app.NewFiling(app.KindDeclaration, uuid.NewString(), uuid.NewString(), acc.Unit.ID, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	d.Declaration = apptest.Declaration()
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
	golive := now.AddDate(0, -2, 0)
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
}
