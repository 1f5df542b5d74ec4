package badgerstore

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"egovdesk/sync/protocol"
	"egovdesk/sync/server/bureaustore"
	"egovdesk/sync/server/storetest"
)

// TestValueLogSyncFailureStopsWrites: once Badger reports, through its
// logger, that it could not sync the value log, no write of the store is
// acknowledged any more — neither a group-committed submission nor an
// update of its own — while what was stored can still be read.
func TestValueLogSyncFailureStopsWrites(t *testing.T) {
	s := openTestServer(t, 0)
	ctx := context.Background()
	now := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	if got := s.db.Opts().ValueThreshold; got != valueThreshold {
		t.Fatalf("value threshold %d, want %d: revision bodies would fill the memtables", got, valueThreshold)
	}
	if err := s.AddUnit(ctx, protocol.Unit{ID: "u1", Name: "城关镇", Code: "C1", Created: now}); err != nil {
		t.Fatal(err)
	}
	by := bureaustore.Actor{UnitID: "u1", Name: "填报人"}
	first := storetest.Submission(t, "f1", "r1", "", 1, "智慧城关一期")
	if _, err := s.Submit(ctx, by, now, []*bureaustore.Submission{first}); err != nil {
		t.Fatal(err)
	}

	// As valueLog.write reports it, from Badger's write goroutine.
	s.db.Opts().Logger.Errorf("Error while curlf sync: %v\n", syscall.EIO)

	second := storetest.Submission(t, "f2", "r2", "", 1, "智慧城关二期")
	_, err := s.Submit(ctx, by, now, []*bureaustore.Submission{second})
	if !errors.Is(err, bureaustore.ErrUnavailable) || !strings.Contains(err.Error(), "重启") {
		t.Fatalf("submission after a failed value log sync: %v, want ErrUnavailable telling to restart", err)
	}
	if err := s.AddUnit(ctx, protocol.Unit{ID: "u2", Name: "东城街道", Code: "C2", Created: now}); !errors.Is(err, bureaustore.ErrUnavailable) {
		t.Fatalf("AddUnit after a failed value log sync: %v, want ErrUnavailable", err)
	}
	if _, err := s.Filing(ctx, "u1", "f1"); err != nil {
		t.Fatalf("reading what was stored before: %v", err)
	}
}

// TestBadgerLogsValueLogSyncFailure pins what the store relies on in the
// Badger it is built with: valueLog.write logs a failed sync of the value
// log with vlogSyncFailed and does not return it. A Badger that words it
// otherwise would leave the store acknowledging writes it could not sync;
// a Badger that returns the error makes the catch unneeded. Either way,
// look again at openBadger's comment and syncFault.
func TestBadgerLogsValueLogSyncFailure(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/dgraph-io/badger/v4").Output()
	if err != nil {
		t.Fatalf("go list badger: %v", err)
	}
	src, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(out)), "value.go"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(src), `vlog.opt.Errorf("`+vlogSyncFailed+`: %v\n", err)`) {
		t.Fatalf("Badger's value.go no longer logs %q: see syncFault", vlogSyncFailed)
	}
}
