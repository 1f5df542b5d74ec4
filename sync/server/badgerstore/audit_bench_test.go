package badgerstore

import (
	"context"
	"encoding/binary"
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
	fillAudit(b, s, n, now, func(i int) string {
		if i%10 == 0 {
			return "login"
		}
		return "attachment.download"
	})
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

// BenchmarkAuditRareAction reads the latest 20 records of an operation
// that is one in AUDIT_BENCH_N (10⁶ by default, over 180 days), newest
// first, as the console's list of notices sent does: ms/page.
func BenchmarkAuditRareAction(b *testing.B) {
	n := envN(b, "AUDIT_BENCH_N", 1_000_000)
	s := benchStore(b)
	now := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	fillAudit(b, s, n, now, func(i int) string {
		if i == n/2 {
			return "notice.send"
		}
		return "attachment.download"
	})
	b.ResetTimer()
	for b.Loop() {
		p, err := s.AuditEvents(context.Background(), bureaustore.AuditQuery{Action: "notice.send", Outcome: bureaustore.AuditOK,
			From: now.AddDate(0, 0, -180), Newest: true, Limit: 20})
		if err != nil || len(p.Events) != 1 {
			b.Fatalf("%d notices, %v", len(p.Events), err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/page")
}

// fillAudit writes n records spread over the 180 days before now, record
// i of operation action(i), with the keys AppendAudit writes.
func fillAudit(b *testing.B, s *Store, n int, now time.Time, action func(int) string) {
	start := now.Add(-180 * 24 * time.Hour)
	step := 180 * 24 * time.Hour / time.Duration(n)
	wb := s.db.NewWriteBatch()
	head := bureaustore.AuditHead{}
	for i := range n {
		e := bureaustore.AuditEvent{Time: start.Add(time.Duration(i) * step), Actor: fmt.Sprintf("clerk%d", i%3000),
			Role: "unit", Address: fmt.Sprintf("10.%d.%d.%d", i%200, i%250, i%7), Action: action(i),
			Target: "f/0f8fad5b-d9cb-469f-a165-70867728950e", Outcome: bureaustore.AuditOK}
		e = bureaustore.ChainAudit(head, e)
		head = bureaustore.AuditHead{Seq: e.Seq, Digest: e.Digest}
		rec, err := json.Marshal(e)
		if err != nil {
			b.Fatal(err)
		}
		if err := wb.Set(auditKey("au", e.Seq), rec); err != nil {
			b.Fatal(err)
		}
		if err := wb.Set(auditActionKey(e.Action, e.Seq), nil); err != nil {
			b.Fatal(err)
		}
	}
	rec, _ := json.Marshal(head)
	if err := wb.SetEntry(badger.NewEntry([]byte(keyAuditHead), rec)); err != nil {
		b.Fatal(err)
	}
	if err := wb.Set([]byte(keyAuditByAction), binary.BigEndian.AppendUint64(nil, head.Seq)); err != nil {
		b.Fatal(err) // the index is whole, as AppendAudit keeps it
	}
	if err := wb.Flush(); err != nil {
		b.Fatal(err)
	}
}
