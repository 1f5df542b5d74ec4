package pgstore

import (
	"testing"

	"egovdesk/sync/server/bureaustore"
	"egovdesk/sync/server/pgtest"
	"egovdesk/sync/server/storetest"
)

var _ bureaustore.Storage = (*Store)(nil)

// The storage seam's conformance suite, on a real PostgreSQL server.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) bureaustore.Storage { return open(t, pgtest.DB(t)) })
}
