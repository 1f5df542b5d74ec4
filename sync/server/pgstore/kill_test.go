package pgstore

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"egovdesk/app"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server/bureaustore"
	"egovdesk/sync/server/pgtest"
)

// PostgreSQL killed (immediate shutdown: no checkpoint, recovery from the
// WAL) in the middle of a push and started again: every revision whose
// receipt a client got is there, none is stored twice, the failures while
// it was down were ErrUnavailable (503, the client retries), and the
// store carries on by itself once the server is back.
func TestKillPostgresDuringPush(t *testing.T) {
	if pgtest.Off() {
		t.Skip("PostgreSQL tests skipped: EGOVDESK_PG=off")
	}
	c, err := pgtest.Start("") // a cluster of its own: the others' tests go on
	if err != nil {
		t.Fatalf("PostgreSQL for the tests: %v", err)
	}
	defer c.Stop()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, c.URL)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE bureau"); err != nil {
		t.Fatal(err)
	}
	conn.Close(ctx)
	url := fmt.Sprintf("postgres://postgres@127.0.0.1:%d/bureau?sslmode=disable", c.Port)
	s, err := Open(ctx, url, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.AddUnit(ctx, protocol.Unit{ID: "u1", Name: "单位", Code: "C1"}); err != nil {
		t.Fatal(err)
	}

	const workers, each = 8, 60
	var acked, created, unavailable atomic.Int64
	var mu sync.Mutex
	receipts := map[string]protocol.Receipt{} // first acknowledged receipt of each filing
	var other []error
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				fid := fmt.Sprintf("f%d-%d", w, i)
				b := app.Body{ID: fid, Kind: app.KindDeclaration, Revision: 1, RevisionID: "r" + fid,
					Declaration: &app.Declaration{PlanYear: 2027, ProjectName: "项目" + fid, TotalInvestment: 100}}
				data, sum, err := b.Encode()
				if err != nil {
					t.Error(err)
					return
				}
				sub := &bureaustore.Submission{Body: b, Request: protocol.SubmitRequest{FilingID: fid,
					RevisionID: b.RevisionID, Revision: 1, Body: data, BodySHA256: sum}}
				for deadline := time.Now().Add(time.Minute); ; { // a client resends until it has a receipt
					res, err := s.Submit(ctx, bureaustore.Actor{UnitID: "u1", Name: "填报人"}, time.Now(), []*bureaustore.Submission{sub})
					if err == nil && res[0].Err == nil {
						acked.Add(1)
						if res[0].Created {
							created.Add(1)
						}
						mu.Lock()
						if first, ok := receipts[fid]; ok && !first.ReceivedAt.Equal(res[0].Receipt.ReceivedAt) {
							other = append(other, fmt.Errorf("%s: receipt changed from %v to %v", fid, first.ReceivedAt, res[0].Receipt.ReceivedAt))
						} else if !ok {
							receipts[fid] = res[0].Receipt
						}
						mu.Unlock()
						break
					}
					if err == nil {
						err = res[0].Err
					}
					if errors.Is(err, bureaustore.ErrUnavailable) {
						unavailable.Add(1)
					} else {
						mu.Lock()
						other = append(other, err)
						mu.Unlock()
					}
					if time.Now().After(deadline) {
						t.Errorf("%s: no receipt within a minute: %v", fid, err)
						return
					}
					time.Sleep(20 * time.Millisecond)
				}
			}
		})
	}
	for acked.Load() < workers*each/4 {
		time.Sleep(time.Millisecond)
	}
	if err := c.Kill(); err != nil {
		t.Fatal(err)
	}
	killedAt := acked.Load()
	time.Sleep(500 * time.Millisecond)
	if err := c.Restart(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	t.Logf("killed after %d receipts; %d receipts in all, %d revisions created, %d answers unavailable", killedAt, acked.Load(), created.Load(), unavailable.Load())
	for _, err := range other {
		t.Errorf("not an ErrUnavailable: %v", err)
	}
	if unavailable.Load() == 0 {
		t.Error("no submission failed while PostgreSQL was down: the kill did not land during the push")
	}
	if killedAt >= workers*each {
		t.Error("the push was over before the kill")
	}
	var filings, revisions int
	if err := s.pool.QueryRow(ctx, "SELECT (SELECT count(*) FROM filings), (SELECT count(*) FROM revisions)").Scan(&filings, &revisions); err != nil {
		t.Fatal(err)
	}
	if filings != workers*each || revisions != workers*each || int(created.Load()) > workers*each || len(receipts) != workers*each {
		t.Fatalf("%d filings and %d revisions stored, %d created answers, %d receipts; want %d of each",
			filings, revisions, created.Load(), len(receipts), workers*each)
	}
	for fid, r := range receipts {
		v, err := s.Filing(ctx, "u1", fid)
		if err != nil || v.BodySHA256 != r.BodySHA256 {
			t.Fatalf("acknowledged %s: %+v, %v", fid, v.Filing, err)
		}
	}
}
