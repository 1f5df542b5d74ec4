package client_test

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"egovdesk/app"
	"egovdesk/sync/bureautest"
	"egovdesk/sync/client"
	"egovdesk/sync/protocol"
)

// TestDecideOnBehindAProxy (found in review): a proxy that compresses the
// review detail marks its ETag weak (W/"…"), which the bureau refused as
// malformed (422), and one that drops it left DecideOn an empty If-Match
// (428). A weak tag is the same view; without one the decision goes with
// the status the detail showed — and both still catch a decision taken
// meanwhile by someone else.
func TestDecideOnBehindAProxy(t *testing.T) {
	ctx := context.Background()
	var mode atomic.Int32 // 0: as the bureau answers, 1: ETag weakened, 2: ETag dropped
	b := bureautest.Start(t, bureautest.Options{BadgerOnly: true, Wrap: func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h.ServeHTTP(proxied{w, int(mode.Load())}, r)
		})
	}})
	unit := b.AddUnit("霍邱县城关镇人民政府", "11341522003064951U")
	b.AddAccount("clerk", "李梅", app.RoleUnit, unit.ID)
	b.AddAccount("reviewer", "王审核", app.RoleReviewer, "")
	b.AddAccount("other", "张审核", app.RoleReviewer, "")
	login := func(who string) *client.Client {
		// A login hashes the password: under -race on a loaded machine it
		// took more than MustNew's 5 s once (nothing here waits for a
		// timeout).
		c := MustNew(t, b.HTTP, func(o *client.Options) { o.RequestTimeout = 30 * time.Second })
		if _, err := c.Login(ctx, who, bureautest.Password); err != nil {
			t.Fatal(err)
		}
		return c
	}
	clerk, rc, other := login("clerk"), login("reviewer"), login("other")
	for _, m := range []int32{1, 2} {
		req := request(t, unit.ID, nil)
		if _, err := clerk.Submit(ctx, req); err != nil {
			t.Fatal(err)
		}
		mode.Store(m)
		d, err := rc.ReviewFiling(ctx, req.FilingID)
		if err != nil {
			t.Fatal(err)
		}
		mode.Store(0)
		if _, err := rc.DecideOn(ctx, d, protocol.DecisionRequest{Action: app.ActionAccept}); err != nil {
			t.Fatalf("mode %d (ETag %q): %v", m, d.ETag, err)
		}
		// The other reviewer's view is now stale: refused, not applied.
		mode.Store(m)
		if _, err := other.DecideOn(ctx, d, protocol.DecisionRequest{Action: app.ActionReturn, Comment: "请补充"}); client.ProblemCode(err) != app.ECONFLICT {
			t.Fatalf("mode %d: a decision on a stale view: %v", m, err)
		}
		mode.Store(0)
	}
}

// proxied is the ResponseWriter of a proxy that weakens (mode 1) or drops
// (mode 2) the ETag of what it passes on.
type proxied struct {
	http.ResponseWriter
	mode int
}

func (p proxied) WriteHeader(code int) {
	h := p.Header()
	if tag := h.Get(protocol.HeaderETag); tag != "" {
		switch p.mode {
		case 1:
			h.Set(protocol.HeaderETag, "W/"+tag)
		case 2:
			h.Del(protocol.HeaderETag)
		}
	}
	p.ResponseWriter.WriteHeader(code)
}

func (p proxied) Write(b []byte) (int, error) {
	return p.ResponseWriter.Write(b)
}
