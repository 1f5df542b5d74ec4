package server_test

import (
	"context"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"egovdesk/app"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server"
	"egovdesk/sync/server/badgerstore"
	"egovdesk/sync/server/bureaustore"
)

// flakyStore is the Badger store whose submissions fail with
// ErrUnavailable while down is set, as a database that went away would.
type flakyStore struct {
	*badgerstore.Store
	down   atomic.Bool
	closed atomic.Bool
}

func (f *flakyStore) Submit(ctx context.Context, by bureaustore.Actor, now time.Time, subs []*bureaustore.Submission) ([]bureaustore.SubmitResult, error) {
	if f.down.Load() {
		return nil, fmt.Errorf("connection refused: %w", bureaustore.ErrUnavailable)
	}
	return f.Store.Submit(ctx, by, now, subs)
}

func (f *flakyStore) Close() error {
	f.closed.Store(true)
	return f.Store.Close()
}

// A store given in Config.Storage is the one the server uses (and closes),
// and a store that is unavailable answers 503 with a problem, not 500;
// once it is back, the same submission goes through.
func TestConfigStorageUnavailable(t *testing.T) {
	var st *flakyStore
	fx := MustBureau(t, func(cfg *server.Config) {
		bs, err := badgerstore.Open(context.Background(), t.TempDir(), badgerstore.Options{})
		if err != nil {
			t.Fatal(err)
		}
		st = &flakyStore{Store: bs}
		cfg.Storage = st
	})
	f := newFiling(t, fx.unitA.ID)
	st.down.Store(true)
	p := fx.expectProblem(http.MethodPost, revPath(f), fx.clerkA, submitReq(t, f), http.StatusServiceUnavailable, app.EUNAVAILABLE)
	if p.Detail == "" {
		t.Fatalf("problem without a message: %+v", p)
	}
	// Reads go on.
	var list protocol.FilingList
	fx.mustJSON(http.MethodGet, protocol.PathFilings, fx.clerkA, nil, http.StatusOK, &list)
	st.down.Store(false)
	fx.submit(fx.clerkA, f, http.StatusCreated)
	if err := fx.srv.Close(); err != nil {
		t.Fatal(err)
	}
	if !st.closed.Load() {
		t.Fatal("Server.Close did not close the store of Config.Storage")
	}
}
