package syncer_test

import (
	"context"
	"net/http/httputil"
	"net/url"
	"testing"
	"time"

	"egovdesk/sync/client"
	"egovdesk/sync/client/certtest"
	"egovdesk/sync/syncer"
)

// TestCertificateFailureNeedsAction: a bureau whose certificate the client
// does not trust fails every pass until the clerk (or the bureau's IT) acts;
// the status says so, so the UI shows it in red rather than as a wait, and
// says it no more when the next failure is one that mends by itself.
func TestCertificateFailureNeedsAction(t *testing.T) {
	e := MustEnv(t)
	backend, err := url.Parse(e.bureau.http.URL)
	if err != nil {
		t.Fatal(err)
	}
	tls := certtest.Serve(t, httputil.NewSingleHostReverseProxy(backend), certtest.SelfSigned(t, certtest.Leaf{}))
	ctx := context.Background()
	c, err := client.New(ctx, tls.URL, client.Options{RequestTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	sy := syncer.New(e.store, c, e.blobs, syncer.Options{LongPoll: time.Second})
	t.Cleanup(sy.Stop)
	if err := sy.SyncOnce(ctx); err == nil {
		t.Fatal("a pass against an untrusted certificate succeeded")
	}
	if st := sy.Status(); !st.NeedsAction || st.NeedsLogin {
		t.Fatalf("after a certificate failure: NeedsAction %v, NeedsLogin %v (%s)", st.NeedsAction, st.NeedsLogin, st.LastError)
	}

	// An offline bureau is a wait, not something to act on.
	tls.Close()
	if err := sy.SyncOnce(ctx); err == nil {
		t.Fatal("a pass against a closed port succeeded")
	}
	if st := sy.Status(); st.NeedsAction {
		t.Errorf("an unreachable bureau needs action: %s", st.LastError)
	}

}
