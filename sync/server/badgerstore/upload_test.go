package badgerstore_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"testing"
	"time"

	"egovdesk/app"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server/badgerstore"
	"egovdesk/sync/server/bureaustore"
	"egovdesk/sync/server/storetest"
)

// A CompleteUpload stopped part way (a crash, a commit that failed between
// its commits) leaves the record complete and revisions waiting: Maintain,
// which the bureau runs every ten minutes, settles them.
func TestMaintainSettlesRevisionsLeftWaiting(t *testing.T) {
	ctx := context.Background()
	st, err := badgerstore.Open(ctx, t.TempDir(), badgerstore.Options{MemTable: 4 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	t0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	if err := st.AddUnit(ctx, protocol.Unit{ID: "u1", Name: "城关镇", Code: "CODE-u1", Created: t0}); err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256([]byte("pdf"))
	a := app.Attachment{Material: "可研报告", Name: "可研.pdf", SHA256: hex.EncodeToString(h[:]), Size: 3, MediaType: "application/pdf"}
	var batch []*bureaustore.Submission
	for i := range 300 {
		batch = append(batch, storetest.Submission(t, fmt.Sprintf("f%d", i), fmt.Sprintf("r%d", i), "", 1, fmt.Sprintf("项目%d", i), a))
	}
	for len(batch) > 0 {
		n := min(len(batch), protocol.MaxBatch)
		if _, err := st.Submit(ctx, bureaustore.Actor{UnitID: "u1", Name: "填报人"}, t0, batch[:n]); err != nil {
			t.Fatal(err)
		}
		batch = batch[n:]
	}
	// The record says complete, the revisions still wait: what a stop
	// after CompleteUpload's first commit leaves.
	if err := st.PutUpload(ctx, "u1", a.SHA256, bureaustore.Upload{Size: 3, Offset: 3, Complete: true, Created: t0, Updated: t0}); err != nil {
		t.Fatal(err)
	}
	if v, err := st.Filing(ctx, "u1", "f299"); err != nil || v.Filing.Filing.Revision.Submitted() {
		t.Fatalf("before Maintain the revision should still wait: %v, %v", v.Filing.Filing.Status, err)
	}
	if err := st.Maintain(ctx, make(chan struct{})); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"f0", "f150", "f299"} {
		v, err := st.Filing(ctx, "u1", id)
		if err != nil || len(v.Missing) != 0 || !v.Filing.Filing.Revision.Submitted() {
			t.Errorf("%s after Maintain: missing %v, submitted %v, %v", id, v.Missing, v.Filing.Filing.Revision.Submitted(), err)
		}
	}
}
