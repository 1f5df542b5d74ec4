package e2e

import (
	"context"
	"fmt"
	"testing"

	"egovdesk/app/store"
	"egovdesk/sync/protocol"
	"egovdesk/sync/syncer"
)

// BenchmarkRestore measures a fresh machine restoring 10,000 filings
// without attachments from the bureau: one SyncOnce of the real syncer,
// through the real client, from the real bureau on loopback, into a new
// store in a temporary directory (the bureau is filled once, before the
// timed part). The target is 30 seconds (issue 16); docs/benchmarks.md has
// the numbers.
func BenchmarkRestore(b *testing.B) {
	const n = 10000
	_, acc, url := benchBureau(b)
	cl := mustClient(b, url, acc.Clerk)
	ctx := context.Background()
	for i := 0; i < n; i += protocol.MaxBatch {
		reqs := make([]protocol.SubmitRequest, 0, protocol.MaxBatch)
		for j := i; j < min(n, i+protocol.MaxBatch); j++ {
			reqs = append(reqs, benchRequest(b, acc.Unit.ID, j))
		}
		res, err := cl.SubmitBatch(ctx, reqs)
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range res {
			if r.Receipt == nil || r.Receipt.Status != protocol.ReceiptReceived {
				b.Fatalf("seeding the bureau: %+v", r)
			}
		}
	}
	for b.Loop() {
		b.StopTimer()
		dir := b.TempDir()
		storeDir, blobDir := clientDirs(dir)
		st, err := store.Open(storeDir)
		if err != nil {
			b.Fatal(err)
		}
		blobs, err := syncer.OpenBlobDir(blobDir)
		if err != nil {
			b.Fatal(err)
		}
		sy := syncer.New(st, mustClient(b, url, acc.Clerk), blobs, syncOptions())
		b.StartTimer()
		if err := sy.SyncOnce(ctx); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		c, err := st.Counts(ctx)
		if err != nil || c.Total != n {
			b.Fatalf("restored %d filings (%v), want %d", c.Total, err, n)
		}
		if err := st.Close(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "filings/s")
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), fmt.Sprintf("s/%d-filings", n))
}
