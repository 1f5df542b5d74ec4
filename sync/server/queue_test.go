package server_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"egovdesk/app"
	"egovdesk/sync/protocol"
)

func queuePath(params ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(params); i += 2 {
		v.Set(params[i], params[i+1])
	}
	if len(v) == 0 {
		return protocol.PathReviewQueue
	}
	return protocol.PathReviewQueue + "?" + v.Encode()
}

// GET /review/queue answers pages, oldest first, with a cursor to the next;
// filters select on the queue index; a request without parameters gets the
// first page in the FilingList shape old clients read.
func TestReviewQueuePages(t *testing.T) {
	fx := MustBureau(t)
	var ids []string
	for i := range 7 {
		tok, unit := fx.clerkA, fx.unitA.ID
		if i%3 == 2 {
			tok, unit = fx.clerkB, fx.unitB.ID
		}
		f := newFiling(t, unit)
		fx.submit(tok, f, http.StatusCreated)
		ids = append(ids, f.ID)
		fx.clock.Advance(time.Minute)
	}
	// ids[0] is accepted: it moves to preliminary review, and to the end
	// of the queue (it reached its current step last).
	fx.decide(fx.reviewer, ids[0], app.ActionAccept, "", http.StatusOK)
	order := append(append([]string{}, ids[1:]...), ids[0])

	var got []string
	cursor, pages := "", 0
	for {
		var page protocol.QueuePage
		fx.mustJSON("GET", queuePath(protocol.ParamLimit, "3", protocol.ParamCursor, cursor), fx.reviewer, nil, http.StatusOK, &page)
		pages++
		if len(page.Filings) > 3 || page.Partial {
			t.Fatalf("page %d: %d filings, partial %v", pages, len(page.Filings), page.Partial)
		}
		for _, f := range page.Filings {
			got = append(got, f.ID)
			if f.RevisionID == "" || f.Created.IsZero() || f.UnitName == "" {
				t.Errorf("summary lacks revision, created or unit name: %+v", f)
			}
		}
		if page.Next == "" {
			break
		}
		cursor = page.Next
	}
	if pages != 3 || !equal(got, order) {
		t.Errorf("%d pages of %v, want 3 pages of %v", pages, got, order)
	}

	var all protocol.FilingList
	fx.mustJSON("GET", protocol.PathReviewQueue, fx.reviewer, nil, http.StatusOK, &all)
	if len(all.Filings) != 7 {
		t.Errorf("first page without parameters: %d filings, want all 7", len(all.Filings))
	}

	var page protocol.QueuePage
	fx.mustJSON("GET", queuePath(protocol.ParamUnit, fx.unitB.ID), fx.reviewer, nil, http.StatusOK, &page)
	if want := []string{ids[2], ids[5]}; !equal(summaryIDs(page.Filings), want) {
		t.Errorf("unit B: %v, want %v", summaryIDs(page.Filings), want)
	}
	fx.mustJSON("GET", queuePath(protocol.ParamStatus, string(app.StatusPreliminary)), fx.reviewer, nil, http.StatusOK, &page)
	if want := []string{ids[0]}; !equal(summaryIDs(page.Filings), want) || page.Filings[0].Status != app.StatusPreliminary {
		t.Errorf("preliminary: %+v, want %v", page.Filings, want)
	}
	fx.mustJSON("GET", queuePath(protocol.ParamOverdue, "true"), fx.reviewer, nil, http.StatusOK, &page)
	if len(page.Filings) != 0 {
		t.Errorf("overdue on the day they came in: %v", summaryIDs(page.Filings))
	}
	fx.clock.Advance(40 * 24 * time.Hour)
	fx.reviewer = fx.login("reviewer").Token // the old token has expired
	fx.mustJSON("GET", queuePath(protocol.ParamOverdue, "true", protocol.ParamKind, string(app.KindDeclaration)), fx.reviewer, nil, http.StatusOK, &page)
	if len(page.Filings) != 7 {
		t.Errorf("overdue declarations 40 days on: %d, want 7", len(page.Filings))
	}
	fx.mustJSON("GET", queuePath(protocol.ParamKind, string(app.KindCatalogue)), fx.reviewer, nil, http.StatusOK, &page)
	if len(page.Filings) != 0 {
		t.Errorf("catalogues: %v", summaryIDs(page.Filings))
	}
}

// A malformed parameter or cursor is refused with 422 naming it.
func TestReviewQueueRefusesBadParameters(t *testing.T) {
	fx := MustBureau(t)
	for _, c := range []struct{ param, value string }{
		{protocol.ParamLimit, "0"},
		{protocol.ParamLimit, "501"},
		{protocol.ParamLimit, "x"},
		{protocol.ParamKind, "poem"},
		{protocol.ParamStatus, string(app.StatusApproved)},
		{protocol.ParamYear, "20x6"},
		{protocol.ParamOverdue, "yes"},
		{protocol.ParamText, string(make([]rune, protocol.MaxQueueText+1))},
	} {
		p := fx.expectProblem("GET", queuePath(c.param, c.value), fx.reviewer, nil, http.StatusUnprocessableEntity, app.EINVALID)
		if len(p.Errors) != 1 || p.Errors[0].Field != c.param {
			t.Errorf("%s=%q: fields %+v, want %s", c.param, c.value, p.Errors, c.param)
		}
	}
	fx.expectProblem("GET", queuePath(protocol.ParamCursor, "bm90LWEta2V5"), fx.reviewer, nil, http.StatusUnprocessableEntity, app.EINVALID)
}

func summaryIDs(fs []protocol.FilingSummary) []string {
	out := []string{}
	for _, f := range fs {
		out = append(out, f.ID)
	}
	return out
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
