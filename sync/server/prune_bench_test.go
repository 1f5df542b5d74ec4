package server_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"egovdesk/sync/bureautest"
	"egovdesk/sync/server"
	"egovdesk/sync/server/bureaustore"
)

// BenchmarkPruneRound runs each of the background loop's upload prunings
// once over PRUNE_BENCH_N upload records (10⁵ by default) of one unit, in
// the steady state: every upload complete, named by a filing and older
// than the retention, each with its file (so that nothing is deleted and
// every round is all cost): PruneUploads and PruneUnreferencedUploads (every
// ten minutes) list the records; PruneOrphanFiles (once a day) reads the
// directory and looks up the record of every file. ms-per-round is the
// wall time of one round. EGOVDESK_TEST_STORE=postgres runs it on
// PostgreSQL.
func BenchmarkPruneRound(b *testing.B) {
	n := benchN(b, "PRUNE_BENCH_N", 100_000)
	fx := MustBureau(b, func(c *server.Config) {
		c.PartRetention = 24 * time.Hour
		if bureautest.Postgres() {
			c.Storage = bureautest.PGStorage(b)
		}
	})
	old := fx.clock.Now().Add(-48 * time.Hour)
	start := time.Now()
	for i := range n {
		server.PutUploadRecord(b, fx.srv, fx.unitA.ID, sha([]byte(fmt.Sprint("attachment ", i))),
			bureaustore.Upload{Size: 1, Offset: 1, Complete: true, Created: old, Updated: old, Referenced: true, Tracked: true})
	}
	dir := filepath.Join(fx.dir, "attachments", fx.unitA.ID)
	entries, err := os.ReadDir(dir)
	if err != nil {
		b.Fatal(err)
	}
	wall := time.Now().Add(-48 * time.Hour)
	for _, e := range entries {
		if err := os.Chtimes(filepath.Join(dir, e.Name()), wall, wall); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("seeded %d upload records and files in %v", n, time.Since(start).Round(time.Millisecond))
	ctx := context.Background()
	for _, round := range []struct {
		name  string
		prune func(context.Context) (int, error)
	}{
		{"abandoned", fx.srv.PruneUploads},
		{"unreferenced", fx.srv.PruneUnreferencedUploads},
		{"orphan-files", fx.srv.PruneOrphanFiles},
	} {
		b.Run(round.name, func(b *testing.B) {
			for b.Loop() {
				if deleted, err := round.prune(ctx); err != nil || deleted != 0 {
					b.Fatalf("deleted %d, %v", deleted, err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/round")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/record")
		})
	}
}

// benchN is the size a benchmark runs at: the environment variable name
// when set, else def.
func benchN(b *testing.B, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		b.Fatalf("%s: %v", name, err)
	}
	return n
}
