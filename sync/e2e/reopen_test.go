package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"egovdesk/app/store"
	"egovdesk/sync/server"
)

// emptyMemtable leaves in the Badger directory dir what a SIGKILL leaves when
// it lands while Badger rotates its memtable: the next NNNNN.mem file
// created, still empty (newMemTable creates it, then truncates it to size).
// It returns the file's name.
func emptyMemtable(t *testing.T, dir string) string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	next := 1
	for _, e := range ents {
		var fid int
		if _, err := fmt.Sscanf(e.Name(), "%05d.mem", &fid); err == nil && strings.HasSuffix(e.Name(), ".mem") {
			next = max(next, fid+1)
		}
	}
	name := filepath.Join(dir, fmt.Sprintf("%05d.mem", next))
	if err := os.WriteFile(name, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	return name
}

// TestStoreOpensAfterKillAtMemtableRotation: TestClientCrash once failed to
// restart the client with
//
//	open store …/store: while opening memtables err: while opening fid: 18 err: Create a new file
//
// A kill between Badger creating the next memtable file and sizing it leaves
// an empty .mem file, and badger.Open then fails with the z.NewFile sentinel
// (dgraph-io/badger#2207, still open, fix proposed in PR #2331; a second
// Open succeeds because the first one sized the file). For the clerk that
// is an app that does not start after a crash. The store must open.
func TestStoreOpensAfterKillAtMemtableRotation(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	emptyMemtable(t, dir)
	st, err = store.Open(dir)
	if err != nil {
		t.Fatalf("the store does not open after a kill during memtable rotation: %v", err)
	}
	if err := st.Check(context.Background()); err != nil {
		t.Error(err)
	}
	st.Close()
}

// TestBureauOpensAfterKillAtMemtableRotation is the same for the bureau's
// data directory: a bureau killed at that moment must come back.
func TestBureauOpensAfterKillAtMemtableRotation(t *testing.T) {
	dir := t.TempDir()
	mustInitDataDir(t, dir)
	emptyMemtable(t, filepath.Join(dir, "badger"))
	srv, err := server.Open(context.Background(), bureauConfig(dir))
	if err != nil {
		t.Fatalf("the bureau does not open after a kill during memtable rotation: %v", err)
	}
	srv.Close()
}
