package e2e

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"egovdesk/app"
	"egovdesk/app/apptest"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server"
	"egovdesk/sync/syncer"
)

// TestRestoredBureauGetsLostFilingsAgain: the bureau is restored from a
// backup taken before a filing arrived. The client had its receipt and had
// dropped it from its outbox; on its next pull the bureau answers "reset"
// (the client's cursor is ahead of the restored feed), and the client sends
// the revision again, as it was, and tells the clerk. Afterwards the bureau
// holds every filing exactly once and the client shows the truth.
func TestRestoredBureauGetsLostFilingsAgain(t *testing.T) {
	restoreScenario(t, nil)
}

// TestRestoredBureauWithResetFeeds: the same, but the restored bureau wrote
// a notice to the unit before the client pulled, so the client's cursor is
// no longer ahead of the feed and it would not notice by itself; `bureau
// changes reset` (ResetFeeds), as docs/bureau.md says to run after a
// restore, makes it re-synchronise all the same.
func TestRestoredBureauWithResetFeeds(t *testing.T) {
	restoreScenario(t, func(srv *server.Server, unit string) {
		if _, err := srv.Notify(context.Background(), protocol.NoticeRequest{UnitID: unit,
			Title: "系统维护通知", Text: "数管局服务器已恢复运行。"}); err != nil {
			t.Fatal(err)
		}
		if _, err := srv.ResetFeeds(context.Background()); err != nil {
			t.Fatal(err)
		}
	})
}

// restoreScenario runs the restore of TestRestoredBureauGetsLostFilingsAgain,
// calling afterRestore (when not nil) on the restored bureau before the
// client pulls from it.
func restoreScenario(t *testing.T, afterRestore func(srv *server.Server, unit string)) {
	ctx := context.Background()
	data := filepath.Join(t.TempDir(), "bureau")
	backup := filepath.Join(t.TempDir(), "backup")
	addr := freeAddr(t)
	url := "http://" + addr

	// open serves a bureau over data on addr until the function it returns
	// is called.
	open := func() (*server.Server, func()) {
		t.Helper()
		srv, err := server.Open(ctx, bureauConfig(data))
		if err != nil {
			t.Fatal(err)
		}
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		sctx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- srv.Serve(sctx, ln) }()
		var once bool
		stop := func() {
			if once {
				return
			}
			once = true
			cancel()
			if err := <-done; err != nil {
				t.Errorf("serve: %v", err)
			}
			if err := srv.Close(); err != nil {
				t.Errorf("close bureau: %v", err)
			}
		}
		t.Cleanup(stop)
		return srv, stop
	}

	srv, stop := open()
	acc := initBureau(t, srv)
	st, blobs := clerkMachine(t)
	sy := syncer.New(st, mustClient(t, url, acc.Clerk), blobs, syncer.Options{})
	submit := func(title string) (id, rev string) {
		t.Helper()
		f, err := app.NewFiling(app.KindDeclaration, uuid.NewString(), uuid.NewString(), acc.Unit.ID, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		f.Declaration = apptest.Declaration()
		f.Declaration.ProjectName = title
		if err := st.Save(ctx, f); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Submit(ctx, f.ID, "李梅", time.Now()); err != nil {
			t.Fatal(err)
		}
		if err := sy.SyncOnce(ctx); err != nil {
			t.Fatal(err)
		}
		if sum, err := st.Summary(ctx, f.ID); err != nil || sum.Send.State != app.SendSent {
			t.Fatalf("%s after sync: %+v, %v", title, sum, err)
		}
		return f.ID, f.Revision.ID
	}
	first, _ := submit("霍邱县城关镇网格化管理平台")

	// The bureau's nightly backup, taken while it is stopped.
	stop()
	if err := os.CopyFS(backup, os.DirFS(data)); err != nil {
		t.Fatal(err)
	}
	_, stop = open()
	lost, lostRev := submit("霍邱县智慧社区管理平台")
	// A decision after the backup moves the client's cursor past it.
	rc := mustClient(t, url, acc.Reviewer)
	if _, err := decide(ctx, rc, first, protocol.DecisionRequest{Action: app.ActionAccept}); err != nil {
		t.Fatal(err)
	}
	if err := sy.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}

	// The disk fails; the bureau comes back from the backup.
	stop()
	if err := os.RemoveAll(data); err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(data, os.DirFS(backup)); err != nil {
		t.Fatal(err)
	}
	srv, stop = open()
	defer stop()
	if afterRestore != nil {
		afterRestore(srv, acc.Unit.ID)
	}
	cl := mustClient(t, url, acc.Clerk)
	if list, err := cl.Filings(ctx); err != nil || len(list) != 1 {
		t.Fatalf("restored bureau lists %d filings (%v), want the one before the backup", len(list), err)
	}
	for range 2 { // the pull that sees the reset, then the push it asked for
		if err := sy.SyncOnce(ctx); err != nil {
			t.Fatal(err)
		}
	}

	list, err := cl.Filings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, f := range list {
		seen[f.ID]++
		if f.ID == lost && (f.RevisionID != lostRev || f.Revision != 1) {
			t.Fatalf("the lost filing came back as %+v, want revision %s", f, lostRev)
		}
	}
	if len(list) != 2 || seen[first] != 1 || seen[lost] != 1 {
		t.Fatalf("bureau holds %+v, want both filings once", list)
	}
	if n, _ := st.PendingCount(ctx); n != 0 {
		t.Fatalf("%d items left in the outbox", n)
	}
	if sum, err := st.Summary(ctx, lost); err != nil || sum.Send.State != app.SendSent {
		t.Fatalf("the lost filing after the second delivery: %+v, %v", sum, err)
	}
	// The bureau lost the acceptance too: the client follows it.
	if f, err := st.Get(ctx, first); err != nil || f.Status != app.StatusSubmitted {
		t.Fatalf("first filing after the restore: %v, %v", f.Status, err)
	}
	inbox, err := st.Inbox(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var told bool
	for _, e := range inbox {
		if e.FilingID == lost && e.Kind == app.MessageNotice && strings.Contains(e.Title, "已重新发送") {
			told = true
		}
	}
	if !told {
		t.Fatalf("inbox %+v: nothing tells the clerk the filing was sent again", inbox)
	}
}
