package server_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/google/uuid"

	"egovdesk/app"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server"
)

// TestRestorePagesEveryFilingWithItsRevisions: a unit's clerk pages
// through all its filings by cursor, each with every revision in order,
// the body as received (its SHA-256 the receipt's), and the history with
// the reviewer's comment; the bodies past a page's budget come from GET
// revision; attachments download with the bytes uploaded; unit B, on the
// same bureau over a real socket, sees none of it.
func TestRestorePagesEveryFilingWithItsRevisions(t *testing.T) {
	fx := MustBureau(t)
	att := []byte("%PDF-1.4 unit A's feasibility study")
	fx.upload(fx.clerkA, att, 1<<20)
	var ids []string
	receipts := map[string]protocol.Receipt{}
	for i := range 7 {
		var f *app.Filing
		if i == 0 {
			f = newFiling(t, fx.unitA.ID, att)
		} else {
			f = newFiling(t, fx.unitA.ID)
		}
		f.Declaration.ProjectName += string(rune('A' + i))
		rc := fx.submit(fx.clerkA, f, http.StatusCreated)
		receipts[f.Revision.ID] = rc
		ids = append(ids, f.ID)
		if i == 1 { // returned and resubmitted
			fx.decide(fx.reviewer, f.ID, app.ActionAccept, "", http.StatusOK)
			fx.decide(fx.reviewer, f.ID, app.ActionReturn, "请补充建设内容", http.StatusOK)
			f.Revision = app.Revision{ID: uuid.NewString(), Number: 2, BaseID: f.Revision.ID}
			f.Declaration.ProjectName += "（补充后）"
			receipts[f.Revision.ID] = fx.submit(fx.clerkA, f, http.StatusCreated)
		}
	}
	var got []protocol.RestoreFiling
	cursor, pages := "", 0
	for {
		var pg protocol.RestorePage
		fx.mustJSON("GET", protocol.PathRestore+"?limit=3&cursor="+url.QueryEscape(cursor), fx.clerkA, nil, http.StatusOK, &pg)
		pages++
		if want := map[bool]int{true: 7, false: 0}[cursor == ""]; pg.Total != want || pg.FeedCursor == "" {
			t.Fatalf("page %d: total %d, feed cursor %q", pages, pg.Total, pg.FeedCursor)
		}
		got = append(got, pg.Filings...)
		if pg.Next == "" {
			break
		}
		cursor = pg.Next
	}
	if pages != 3 || len(got) != 7 {
		t.Fatalf("%d pages, %d filings; want 3, 7", pages, len(got))
	}
	seen := map[string]bool{}
	for _, f := range got {
		if seen[f.ID] {
			t.Errorf("filing %s twice", f.ID)
		}
		seen[f.ID] = true
		for i, r := range f.Revisions {
			rc := receipts[r.ID]
			h := sha256.Sum256(r.Body)
			if hex.EncodeToString(h[:]) != rc.BodySHA256 || r.BodySHA256 != rc.BodySHA256 || r.Number != i+1 {
				t.Errorf("%s revision %d: hash %s, receipt %s", f.ID, r.Number, hex.EncodeToString(h[:]), rc.BodySHA256)
			}
			body := fx.do("GET", protocol.Path(protocol.PathRevision, f.ID, r.ID), fx.clerkA, nil)
			if body.StatusCode != http.StatusOK || !bytes.Equal(body.body, r.Body) {
				t.Errorf("GET revision %s: %d, %d bytes", r.ID, body.StatusCode, len(body.body))
			}
		}
		if f.ID == ids[1] {
			if len(f.Revisions) != 2 || f.Revisions[1].BaseID != f.Revisions[0].ID || f.Status != app.StatusSubmitted {
				t.Errorf("returned filing: %+v", f)
			}
			var comment string
			for _, tr := range f.History {
				if tr.Action == app.ActionReturn {
					comment = tr.Comment
				}
			}
			if comment != "请补充建设内容" || len(f.History) != 4 {
				t.Errorf("history of the returned filing: %+v", f.History)
			}
		}
	}
	for _, id := range ids {
		if !seen[id] {
			t.Errorf("filing %s not restored", id)
		}
	}

	r := fx.do("GET", protocol.Path(protocol.PathFilingAttachment, ids[0], sha(att)), fx.clerkA, nil)
	if r.StatusCode != http.StatusOK || !bytes.Equal(r.body, att) {
		t.Errorf("attachment download: %d %q", r.StatusCode, r.body)
	}
	r = fx.do("GET", protocol.Path(protocol.PathFilingAttachment, ids[0], sha(att)), fx.clerkA, nil, "Range", "bytes=5-")
	if r.StatusCode != http.StatusPartialContent || !bytes.Equal(r.body, att[5:]) {
		t.Errorf("attachment resumed: %d %q", r.StatusCode, r.body)
	}

	// Unit B: the same requests over the same socket find nothing of A's.
	var pb protocol.RestorePage
	fx.mustJSON("GET", protocol.PathRestore, fx.clerkB, nil, http.StatusOK, &pb)
	if len(pb.Filings) != 0 || pb.Total != 0 {
		t.Errorf("B's restore lists A's filings: %+v", pb)
	}
	fx.expectProblem("GET", protocol.Path(protocol.PathRestoreFiling, ids[0]), fx.clerkB, nil, http.StatusNotFound, app.ENOTFOUND)
	fx.expectProblem("GET", protocol.Path(protocol.PathRevision, ids[0], got[0].Revisions[0].ID), fx.clerkB, nil, http.StatusNotFound, app.ENOTFOUND)
	fx.upload(fx.clerkB, att, 1<<20) // B holds the same bytes: still not through A's filing
	fx.expectProblem("GET", protocol.Path(protocol.PathFilingAttachment, ids[0], sha(att)), fx.clerkB, nil, http.StatusNotFound, app.ENOTFOUND)
	fx.expectProblem("GET", protocol.PathRestore+"?cursor=**not-base64**", fx.clerkA, nil, http.StatusUnprocessableEntity, app.EINVALID)
}

// TestRevisionChangeReachesTheUnitsFeed: a revision received from one
// machine is in the unit's change feed for its other machines, once, and
// only in that unit's feed.
func TestRevisionChangeReachesTheUnitsFeed(t *testing.T) {
	fx := MustBureau(t)
	f := newFiling(t, fx.unitA.ID)
	fx.submit(fx.clerkA, f, http.StatusCreated)
	fx.submit(fx.clerkA, f, http.StatusOK) // a resend adds nothing
	ch := fx.changes(fx.clerkA, "", "")
	if len(ch.Changes) != 1 || ch.Changes[0].Type != protocol.ChangeRevision || ch.Changes[0].FilingID != f.ID ||
		ch.Changes[0].RevisionID != f.Revision.ID || ch.Changes[0].Transition == nil ||
		ch.Changes[0].Transition.Action != app.ActionSubmit {
		t.Fatalf("A's feed after a submission: %+v", ch.Changes)
	}
	if b := fx.changes(fx.clerkB, "", ""); len(b.Changes) != 0 {
		t.Errorf("B's feed: %+v", b.Changes)
	}
}

// TestLongPollWakesOnRevision: a machine of the unit waiting in a long
// poll is woken, through the store's OnChange, by a revision sent from
// another machine, and by the upload that completes a revision waiting
// for its attachment, each bringing that revision's change.
func TestLongPollWakesOnRevision(t *testing.T) {
	fx := MustBureau(t)
	start := fx.changes(fx.clerkA, "", "")
	poll := func(cursor string, act func()) protocol.ChangesResponse {
		t.Helper()
		got := make(chan protocol.ChangesResponse, 1)
		go func() {
			var resp protocol.ChangesResponse
			fx.mustJSON("GET", changesPath(cursor, "30s"), fx.clerkA, nil, http.StatusOK, &resp)
			got <- resp
		}()
		for parked := time.Now(); server.ParkedPolls(fx.srv, fx.unitA.ID) == 0; time.Sleep(time.Millisecond) {
			if time.Since(parked) > 10*time.Second {
				t.Fatal("the long poll never waited")
			}
		}
		began := time.Now()
		act()
		select {
		case resp := <-got:
			if waited := time.Since(began); waited > 3*time.Second {
				t.Errorf("long poll answered after %v", waited)
			}
			return resp
		case <-time.After(10 * time.Second):
			t.Fatal("long poll did not wake")
		}
		return protocol.ChangesResponse{}
	}
	f := newFiling(t, fx.unitA.ID)
	resp := poll(start.Cursor, func() { fx.submit(fx.clerkA, f, http.StatusCreated) })
	if len(resp.Changes) != 1 || resp.Changes[0].Type != protocol.ChangeRevision || resp.Changes[0].RevisionID != f.Revision.ID {
		t.Fatalf("woken by a submission: %+v", resp.Changes)
	}
	att := []byte("%PDF-1.4 the study, uploaded after its revision")
	g := newFiling(t, fx.unitA.ID, att)
	if rc := fx.submit(fx.clerkA, g, http.StatusCreated); rc.Status != protocol.ReceiptAwaitingAttachments {
		t.Fatalf("receipt before the upload: %+v", rc)
	}
	resp = poll(resp.Cursor, func() { fx.upload(fx.clerkA, att, 1<<20) })
	if len(resp.Changes) != 1 || resp.Changes[0].Type != protocol.ChangeRevision || resp.Changes[0].FilingID != g.ID {
		t.Fatalf("woken by the upload: %+v", resp.Changes)
	}
}
