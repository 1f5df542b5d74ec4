package badgerstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"egovdesk/app"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server/bureaustore"
)

// goneAfter is a request's context whose client goes away once its
// first commit has run: Err reports it cancelled from the n+1th call on
// (runGroup asks once a commit).
type goneAfter struct {
	context.Context
	calls atomic.Int32
	n     int32
}

func (c *goneAfter) Err() error {
	if c.calls.Add(1) > c.n {
		return context.Canceled
	}
	return nil
}

// An upload's completion whose client hangs up after the record is
// committed complete still settles every revision waiting for it (found
// from outside: half of 3,000 stayed waiting, the client's retry finding
// the upload complete and doing nothing).
func TestCompletionOutlivesItsClient(t *testing.T) {
	defer func(n int) { settleChunk = n }(settleChunk)
	settleChunk = 4
	s := openTestServer(t, 4<<20)
	ctx := context.Background()
	t0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	if err := s.AddUnit(ctx, protocol.Unit{ID: "u1", Name: "城关镇", Code: "CODE-u1", Created: t0}); err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256([]byte("pdf"))
	a := app.Attachment{Material: "可研报告", Name: "可研.pdf", SHA256: hex.EncodeToString(h[:]), Size: 3, MediaType: "application/pdf"}
	var subs []*bureaustore.Submission
	for i := range 20 {
		b := app.Body{ID: fmt.Sprintf("f%02d", i), Kind: app.KindDeclaration, Revision: 1, RevisionID: fmt.Sprintf("r%02d", i),
			Attachments: []app.Attachment{a}, Declaration: &app.Declaration{PlanYear: 2027, ProjectName: fmt.Sprintf("项目%02d", i)}}
		data, sum, err := b.Encode()
		if err != nil {
			t.Fatal(err)
		}
		subs = append(subs, &bureaustore.Submission{Body: b, Request: protocol.SubmitRequest{FilingID: b.ID, RevisionID: b.RevisionID, Revision: 1, Body: data, BodySHA256: sum}})
	}
	if _, err := s.Submit(ctx, bureaustore.Actor{UnitID: "u1", Name: "填报人"}, t0, subs); err != nil {
		t.Fatal(err)
	}
	gone := &goneAfter{Context: ctx, n: 1}
	if _, err := s.CompleteUpload(gone, "u1", a.SHA256, bureaustore.Upload{Size: 3, Offset: 3, Complete: true, Created: t0, Updated: t0}, t0); err != nil {
		t.Fatalf("complete: %v", err)
	}
	if gone.calls.Load() < 1 {
		t.Fatal("the context was never asked")
	}
	for i := range 20 {
		v, err := s.Filing(ctx, "u1", fmt.Sprintf("f%02d", i))
		if err != nil || !v.Filing.Filing.Revision.Submitted() {
			t.Errorf("f%02d still waits after its upload completed: %v", i, err)
		}
	}
}

// A revision waits under the attachments it misses only: a w/ key under a
// complete one would make Maintain settle it again every round (review).
func TestRevisionWaitsUnderWhatItMisses(t *testing.T) {
	s := openTestServer(t, 4<<20)
	ctx := context.Background()
	t0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	if err := s.AddUnit(ctx, protocol.Unit{ID: "u1", Name: "城关镇", Code: "CODE-u1", Created: t0}); err != nil {
		t.Fatal(err)
	}
	att := func(text string) app.Attachment {
		h := sha256.Sum256([]byte(text))
		return app.Attachment{Material: "可研报告", Name: text + ".pdf", SHA256: hex.EncodeToString(h[:]), Size: 3, MediaType: "application/pdf"}
	}
	have, miss := att("have"), att("miss")
	if _, err := s.CompleteUpload(ctx, "u1", have.SHA256, bureaustore.Upload{Size: 3, Offset: 3, Complete: true, Created: t0, Updated: t0}, t0); err != nil {
		t.Fatal(err)
	}
	b := app.Body{ID: "f1", Kind: app.KindDeclaration, Revision: 1, RevisionID: "r1", Attachments: []app.Attachment{have, miss},
		Declaration: &app.Declaration{PlanYear: 2027, ProjectName: "项目"}}
	data, sum, err := b.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Submit(ctx, bureaustore.Actor{UnitID: "u1", Name: "填报人"}, t0, []*bureaustore.Submission{{Body: b,
		Request: protocol.SubmitRequest{FilingID: "f1", RevisionID: "r1", Revision: 1, Body: data, BodySHA256: sum}}}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		a    app.Attachment
		want int
	}{{have, 0}, {miss, 1}} {
		if keys, _ := s.KeysWithPrefix("w/u1/" + c.a.SHA256 + "/"); len(keys) != c.want {
			t.Errorf("w/ keys under %s: %v, want %d", c.a.Name, keys, c.want)
		}
	}
}
