package badgerstore

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"egovdesk/sync/server/bureaustore"
)

// BenchmarkAuditRecent reads the successful logins of the last 30 days,
// as a bureau does at every start to learn where its users log in from
// (server.learnKnownLogins), out of AUDIT_BENCH_N records (10⁶ by
// default) spread evenly over 180 days — the 等保 retention — of which one
// in ten is a login: ms/scan is how long the per-login limit waits after
// a start.
func BenchmarkAuditRecent(b *testing.B) {
	n := envN(b, "AUDIT_BENCH_N", 1_000_000)
	s := benchStore(b)
	now := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	start := now.Add(-180 * 24 * time.Hour)
	step := 180 * 24 * time.Hour / time.Duration(n)
	wb := s.db.NewWriteBatch()
	head := bureaustore.AuditHead{}
	for i := range n {
		e := bureaustore.AuditEvent{Time: start.Add(time.Duration(i) * step), Actor: fmt.Sprintf("clerk%d", i%3000),
			Role: "unit", Address: fmt.Sprintf("10.%d.%d.%d", i%200, i%250, i%7), Action: "attachment.download",
			Target: "f/0f8fad5b-d9cb-469f-a165-70867728950e", Outcome: bureaustore.AuditOK}
		if i%10 == 0 {
			e.Action = "login"
		}
		e = bureaustore.ChainAudit(head, e)
		head = bureaustore.AuditHead{Seq: e.Seq, Digest: e.Digest}
		rec, err := json.Marshal(e)
		if err != nil {
			b.Fatal(err)
		}
		if err := wb.Set(auditKey("au", e.Seq), rec); err != nil {
			b.Fatal(err)
		}
	}
	rec, _ := json.Marshal(head)
	if err := wb.SetEntry(badger.NewEntry([]byte(keyAuditHead), rec)); err != nil {
		b.Fatal(err)
	}
	if err := wb.Flush(); err != nil {
		b.Fatal(err)
	}
	from := now.Add(-30 * 24 * time.Hour)
	b.ResetTimer()
	for b.Loop() {
		q := bureaustore.AuditQuery{From: from, Action: "login", Outcome: bureaustore.AuditOK, Limit: 1000}
		got := 0
		for {
			page, err := s.AuditEvents(context.Background(), q)
			if err != nil {
				b.Fatal(err)
			}
			for _, e := range page.Events {
				q.After = e.Seq
				got++
			}
			if !page.More {
				break
			}
		}
		if want := n / 10 / 6; got < want*9/10 || got > want*11/10 {
			b.Fatalf("%d logins in the last 30 days, want about %d", got, want)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/scan")
}
