package e2e

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"

	"egovdesk/sync/server/bureaustore"
	"egovdesk/sync/server/pgstore"
	"egovdesk/sync/server/pgtest"
)

// envStore set to "postgres" runs every bureau of these tests on
// PostgreSQL (make bureau-pg-e2e): the kills, cuts and faults then land on
// the PostgreSQL-backed bureau, and the exactly-once checks hold there.
const envStore = "EGOV_E2E_STORE"

// storageFor returns the store of the bureau over data directory dir: nil
// (Badger in dir) by default; with EGOV_E2E_STORE=postgres a database of
// the tests' PostgreSQL server named after dir, so a bureau reopened over
// the same directory, in this process or a child, finds the same records.
// It panics when PostgreSQL cannot be had: the run is meant to use it.
func storageFor(dir string) bureaustore.Storage {
	if os.Getenv(envStore) != "postgres" {
		return nil
	}
	admin, err := pgtest.ServerURL()
	if err != nil {
		panic(fmt.Sprintf("%s=postgres: %v", envStore, err))
	}
	// Children (bureau processes) inherit the server rather than start their own.
	os.Setenv(pgtest.EnvURL, admin)
	abs, _ := filepath.Abs(dir)
	h := sha256.Sum256([]byte(abs))
	url, err := pgtest.Database(admin, "e2e_"+hex.EncodeToString(h[:8]))
	if err != nil {
		panic(err)
	}
	st, err := pgstore.Open(context.Background(), url, pgstore.Options{})
	if err != nil {
		panic(fmt.Sprintf("%s=postgres: %v", envStore, err))
	}
	return st
}
