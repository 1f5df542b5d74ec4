package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"egovdesk/sync/bureautest"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server"
	"egovdesk/sync/server/pgstore"
)

// envBenchBig set to 1 adds the 10⁶ sizes to the benchmarks of this
// package that seed in bulk (BenchmarkPullTen).
const envBenchBig = "EGOVDESK_BENCH_BIG"

// BenchmarkPullTen pulls 10 changes from the middle of a unit's feed of
// 10^3 and 10^5 events, and 10^6 with EGOVDESK_BENCH_BIG=1. The feed is
// read by seeking to the cursor's sequence key, so the cost does not grow
// with the number of stored events. The events are notices sent through
// Server.Notify, one transaction each; on PostgreSQL
// (EGOVDESK_TEST_STORE=postgres) only the first 1,000, the rest being
// copies of the last written straight into the feed with COPY
// (seedFeedCopies), so 10^6 takes a minute instead of an hour. sync/e2e's
// BenchmarkPullTen does the same over HTTP.
func BenchmarkPullTen(b *testing.B) {
	sizes := []int{1_000, 100_000}
	if os.Getenv(envBenchBig) == "1" {
		sizes = append(sizes, 1_000_000)
	}
	for _, n := range sizes {
		b.Run(fmt.Sprintf("events=%d", n), func(b *testing.B) {
			var pg *pgstore.Store
			fx := MustBureau(b, func(c *server.Config) {
				if bureautest.Postgres() {
					pg = bureautest.PGStorage(b)
					c.Storage = pg
				}
			})
			ctx := context.Background()
			notified := n
			if pg != nil {
				notified = min(n, 1000)
			}
			start := time.Now()
			for i := 0; i < notified; i++ {
				if _, err := fx.srv.Notify(ctx, protocol.NoticeRequest{UnitID: fx.unitA.ID, Title: "通知", Text: "内容"}); err != nil {
					b.Fatal(err)
				}
			}
			if n > notified {
				seedFeedCopies(b, pg, fx.unitA.ID, n)
			}
			b.Logf("seeded %d events in %v", n, time.Since(start).Round(time.Millisecond))
			mid, err := fx.srv.Changes(ctx, fx.unitA.ID, "", n/2)
			if err != nil || len(mid.Changes) != n/2 {
				b.Fatalf("%d changes to the middle, %v", len(mid.Changes), err)
			}
			b.ResetTimer()
			for b.Loop() {
				resp, err := fx.srv.Changes(ctx, fx.unitA.ID, mid.Cursor, 10)
				if err != nil || len(resp.Changes) != 10 {
					b.Fatalf("%d changes, %v", len(resp.Changes), err)
				}
			}
		})
	}
}

// seedFeedCopies fills unit's feed on PostgreSQL up to n changes with
// copies of its last one (each with its own ID and seq), written with COPY
// in chunks, and moves the feed's head to n.
func seedFeedCopies(b *testing.B, st *pgstore.Store, unit string, n int) {
	b.Helper()
	ctx := context.Background()
	var head int64
	var last []byte
	if err := st.Pool().QueryRow(ctx, `SELECT f.head, c.change::text::bytea FROM feeds f JOIN changes c
		ON c.unit_id = f.unit_id AND c.seq = f.head WHERE f.unit_id = $1`, unit).Scan(&head, &last); err != nil {
		b.Fatal(err)
	}
	var tmpl protocol.Change
	if err := json.Unmarshal(last, &tmpl); err != nil {
		b.Fatal(err)
	}
	const chunk = 50_000
	for lo := head + 1; lo <= int64(n); lo += chunk {
		hi := min(lo+chunk-1, int64(n))
		rows := make([][]any, 0, hi-lo+1)
		for seq := lo; seq <= hi; seq++ {
			c := tmpl
			c.ID, c.Seq = uuid.NewString(), uint64(seq)
			data, err := json.Marshal(c)
			if err != nil {
				b.Fatal(err)
			}
			rows = append(rows, []any{unit, seq, c.At, json.RawMessage(data)})
		}
		err := pgx.BeginFunc(ctx, st.Pool(), func(tx pgx.Tx) error {
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{"changes"}, []string{"unit_id", "seq", "at", "change"}, pgx.CopyFromRows(rows)); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, "UPDATE feeds SET head = $2 WHERE unit_id = $1", unit, hi)
			return err
		})
		if err != nil {
			b.Fatalf("copy changes %d–%d: %v", lo, hi, err)
		}
	}
	if _, err := st.Pool().Exec(ctx, "ANALYZE changes"); err != nil {
		b.Fatal(err)
	}
}
