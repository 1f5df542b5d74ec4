package server_test

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"egovdesk/app"
	"egovdesk/sync/bureautest"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server"
	"egovdesk/sync/server/badgerstore"
	"egovdesk/sync/server/bureaustore"
)

// failingSubmit is a store whose Submit fails on the call failAt says
// (1-based; 0: none), as a disk or a database that goes away between two
// commits of one request would.
type failingSubmit struct {
	bureaustore.Storage
	calls, failAt atomic.Int32
}

func (f *failingSubmit) Submit(ctx context.Context, by bureaustore.Actor, now time.Time, subs []*bureaustore.Submission) ([]bureaustore.SubmitResult, error) {
	if n := f.calls.Add(1); n == f.failAt.Load() {
		return nil, errors.New("the store went away")
	}
	return f.Storage.Submit(ctx, by, now, subs)
}

// A batch of declarations and a later filing is stored in two commits
// (declarations first). When the second fails, the first has kept its
// part: the unit's daily cap of new filings counts it (found from outside:
// a client that hung up between the two commits had its declarations kept
// and the cap given back, and went past the cap at will).
func TestMixedBatchCountsWhatItsFirstCommitKept(t *testing.T) {
	fs := &failingSubmit{}
	fx := MustBureau(t, func(cfg *server.Config) {
		if bureautest.Postgres() {
			fs.Storage = bureautest.PGStorage(t)
		} else {
			st, err := badgerstore.Open(context.Background(), t.TempDir(), badgerstore.Options{MemTable: 4 << 20})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			fs.Storage = st
		}
		cfg.Storage = fs
		cfg.UnitNewFilingsPerDay = 3
	})
	decl := newFiling(t, fx.unitA.ID)
	fx.submit(fx.clerkA, decl, http.StatusCreated) // 1 of 3
	d2, d3 := newFiling(t, fx.unitA.ID), newFiling(t, fx.unitA.ID)
	live := laterFiling(t, app.KindGoLive, decl)
	live.GoLive = &app.GoLive{ProjectName: decl.Declaration.ProjectName, UnitName: decl.Declaration.UnitName,
		GoLiveOn: "2027-02-20", Scope: "全镇 12 个社区上线受理、办件和统计功能", Contact: app.Contact{Person: "李梅", Phone: "0564-6012345"}}
	fs.failAt.Store(fs.calls.Load() + 2) // the batch's second commit
	r := fx.do("POST", protocol.PathSubmissions, fx.clerkA, protocol.BatchSubmitRequest{Submissions: []protocol.SubmitRequest{
		submitReq(t, d2), submitReq(t, d3), submitReq(t, live)}})
	if r.StatusCode < 500 {
		t.Fatalf("the batch whose second commit failed: %d %s", r.StatusCode, r.body)
	}
	for _, f := range []*app.Filing{d2, d3} {
		fx.mustJSON("GET", protocol.Path(protocol.PathFiling, f.ID), fx.clerkA, nil, http.StatusOK, nil) // the first commit kept it
	}
	// 3 of 3 new filings are taken: one more is refused.
	d4 := newFiling(t, fx.unitA.ID)
	if r := fx.do("POST", revPath(d4), fx.clerkA, submitReq(t, d4)); r.StatusCode != http.StatusTooManyRequests {
		t.Errorf("a fourth new filing with a cap of 3: %d, want 429", r.StatusCode)
	}
}
