package syncer_test

import (
	"context"
	"testing"
	"time"

	"egovdesk/sync/syncer"
)

// TestBackOnlineSaysSoAtOnce: after failed passes, the first pass that
// reaches the bureau again pulls without waiting, so the status stops
// saying the bureau is unreachable at once, not when a long poll ends.
func TestBackOnlineSaysSoAtOnce(t *testing.T) {
	// SyncOnce long-polls as the loop does.
	e := MustEnv(t, func(o *syncer.Options) { o.OnceWait = 3 * time.Second })
	ctx := context.Background()
	e.bureau.down.Store(true)
	if err := e.syncer.SyncOnce(ctx); err == nil {
		t.Fatal("a pass against a bureau that is down succeeded")
	}
	if st := e.syncer.Status(); st.LastError == "" {
		t.Fatal("no error in the status after a failed pass")
	}
	e.bureau.waits = make(chan string, 16)
	e.bureau.down.Store(false)
	if err := e.syncer.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	select {
	case w := <-e.bureau.waits:
		if d, err := time.ParseDuration(w); err != nil || d != 0 {
			t.Errorf("the first pull after the outage waited %q, want 0s", w)
		}
	default:
		t.Fatal("no pull after the outage")
	}
	if st := e.syncer.Status(); st.LastError != "" || !st.Online {
		t.Errorf("after the bureau came back: online %v, %q", st.Online, st.LastError)
	}
	// Healthy: the next pass long-polls again.
	if err := e.syncer.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if w := <-e.bureau.waits; w == "0s" {
		t.Error("a healthy pass did not long-poll")
	}
}
