package badgerstore_test

import (
	"context"
	"testing"

	"egovdesk/sync/server/badgerstore"
	"egovdesk/sync/server/bureaustore"
	"egovdesk/sync/server/storetest"
)

// TestConformance runs the storage seam's conformance suite on Badger.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) bureaustore.Storage {
		st, err := badgerstore.Open(context.Background(), t.TempDir(), badgerstore.Options{MemTable: 4 << 20})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	})
}
