package e2e

import (
	"context"
	"maps"
	"testing"
	"time"

	"github.com/google/uuid"

	"egovdesk/app"
	"egovdesk/app/apptest"
	"egovdesk/sync/protocol"
	"egovdesk/sync/syncer"
)

// TestClientReceivesApprovedAndRemarks: the clerk's real store and syncer
// receive a 初审通过's 核定 amount and a 退回修改's remarks on fields as
// the bureau recorded them, and the returned filing reads its remarks back
// for the editor.
func TestClientReceivesApprovedAndRemarks(t *testing.T) {
	ctx := context.Background()
	_, url, acc, st, blobs := clerkAndBureau(t, bureauConfig(t.TempDir()))
	sy := syncer.New(st, mustClient(t, url, acc.Clerk), blobs, syncer.Options{})
	submit := func() string {
		t.Helper()
		f, err := app.NewFiling(app.KindDeclaration, uuid.NewString(), uuid.NewString(), acc.Unit.ID, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		f.Declaration = apptest.Declaration()
		if err := st.Save(ctx, f); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Submit(ctx, f.ID, "李梅", time.Now()); err != nil {
			t.Fatal(err)
		}
		return f.ID
	}
	passed, returned := submit(), submit()
	if err := sy.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	rc := mustClient(t, url, acc.Reviewer)
	remarks := map[string]string{"goals": "建设目标请量化", "budget[0].amount": "请附询价单"}
	for _, d := range []struct {
		id string
		protocol.DecisionRequest
	}{
		{passed, protocol.DecisionRequest{Action: app.ActionAccept}},
		{passed, protocol.DecisionRequest{Action: app.ActionPass, Approved: app.Wans(150)}},
		{returned, protocol.DecisionRequest{Action: app.ActionReturn, Comment: "请按逐项意见修改", Remarks: remarks}},
	} {
		if _, err := decide(ctx, rc, d.id, d.DecisionRequest); err != nil {
			t.Fatal(err)
		}
	}
	if err := sy.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	f, err := st.Get(ctx, passed)
	if err != nil {
		t.Fatal(err)
	}
	if last := f.History[len(f.History)-1]; last.Action != app.ActionPass || last.Approved != app.Wans(150) {
		t.Errorf("the client's last transition of the passed filing: %+v", last)
	}
	g, err := st.Get(ctx, returned)
	if err != nil {
		t.Fatal(err)
	}
	if g.Status != app.StatusReturned || !maps.Equal(g.LastRemarks(), remarks) {
		t.Errorf("the returned filing in the client: %s, remarks %v", g.Status, g.LastRemarks())
	}
}
