package bureaustore

import (
	"egovdesk/app"
	"egovdesk/sync/protocol"
)

// Restoring a unit's filings on a new machine (GET /restore and
// /restore/{id}): the records a store reads for it, and the change every
// received revision adds to its unit's feed.

// RestorePage is one page of a unit's filings, read in one snapshot.
type RestorePage struct {
	// Filings are the unit's filings after the page's cursor, in byte
	// order of their IDs, each with every revision.
	Filings []RestoreFiling
	// Next is the ID of the page's last filing when more follow (the
	// cursor of the next page), "" on the last page.
	Next string
	// Total is how many filings the unit has, on the first page (no
	// cursor) only; 0 on the others.
	Total int
	// Epoch and FeedSeq are the unit's change feed as the page was read:
	// the store's epoch and the sequence number of the feed's last change
	// (0 for an empty feed).
	Epoch   string
	FeedSeq uint64
}

// RestoreFiling is one filing with every revision the bureau received
// for it.
type RestoreFiling struct {
	Filing    Filing            // the record, history in Filing.Filing.History
	Revisions []RestoreRevision // oldest (revision 1) first
}

// RestoreRevision is one stored revision. Body is its body as received,
// the bytes whose SHA-256 is Revision.Receipt.BodySHA256, or nil when the
// page's inline budget left it out.
type RestoreRevision struct {
	ID       string
	Revision Revision
	Body     []byte
}

// Inline reports whether a body of size bytes goes into a restore page
// whose inline budget has *left bytes left, and counts it against the
// budget when it does. The bodies of a page's first filing always go in
// (first), and count. Every store decides with it, in the order of the
// page (filings by ID, revisions oldest first), so that all stores leave
// out the same bodies.
func Inline(size int64, left *int64, first bool) bool {
	if !first && size > *left {
		return false
	}
	*left -= size
	return true
}

// RevisionChange returns the change a unit's feed gets when the head
// revision of fr is received (Settle put it in the review queue): a
// ChangeRevision carrying the submission's transition, the last of the
// filing's history. A store appends it in the same commit as the
// revision's receipt, so that it is there exactly once for each revision
// received, whether the revision came complete or its last attachment
// completed it; a resend adds none.
func RevisionChange(fr Filing) protocol.Change {
	var t app.Transition
	if h := fr.Filing.History; len(h) > 0 {
		t = h[len(h)-1]
	}
	return protocol.Change{Type: protocol.ChangeRevision, At: t.At, FilingID: fr.Filing.ID,
		RevisionID: t.RevisionID, Transition: &t}
}
