package protocol

import (
	"time"

	"egovdesk/app"
)

// Paths of restoring a unit's filings on a new machine (GET, unit accounts;
// see RestorePage). PathRevision answers GET with the revision's body as
// received, and PathFilingAttachment serves an attachment's bytes to the
// unit that uploaded it.
const (
	PathRestore          = Prefix + "/restore"
	PathRestoreFiling    = Prefix + "/restore/{id}"
	PathFilingAttachment = Prefix + "/filings/{id}/attachments/{sha256}"
)

// Bounds of GET /restore: a page holds at most RestoreMaxLimit filings
// (RestoreDefaultLimit when ParamLimit is absent), and carries revision
// bodies inline until RestorePageBytes of them are in it; the bodies past
// that are left out (Body empty) and fetched one by one with GET
// PathRevision. The first filing of a page always has its bodies, however
// large.
const (
	RestoreDefaultLimit = 100
	RestoreMaxLimit     = 500
	RestorePageBytes    = 4 << 20
)

// RestorePage is the answer of GET /restore: one page of every filing the
// bureau holds for the caller's unit, in a fixed order (by filing ID), each
// with all its revisions and its history. Next is the cursor of the next
// page, empty on the last. Total is how many filings the unit has, on the
// first page (no cursor) only: 0 on the others, so that a page costs the
// same however many filings the unit has.
// FeedCursor is the unit's change-feed cursor as the page was read: a
// client restoring into an empty store stores it (from the first page) as
// its change cursor, so that the decisions the restore brings back are not
// pulled again as news, while anything that happens later still is.
// Filings submitted after the restore started may fall before the cursor;
// the change feed brings them (ChangeRevision).
type RestorePage struct {
	Filings    []RestoreFiling `json:"filings"`
	Next       string          `json:"next,omitempty"`
	Total      int             `json:"total"`
	FeedCursor string          `json:"feed_cursor"`
}

// RestoreFiling is one filing as the bureau holds it, for a client to take
// over: workflow state, history (submissions and decisions with their
// comments) and every revision the bureau received, oldest first.
type RestoreFiling struct {
	ID        string            `json:"id"`
	Kind      app.Kind          `json:"kind"`
	Title     string            `json:"title"`
	UnitID    string            `json:"unit_id"`
	ProjectID string            `json:"project_id,omitempty"`
	Status    app.Status        `json:"status"`
	Created   time.Time         `json:"created"`
	Updated   time.Time         `json:"updated"`
	History   []app.Transition  `json:"history"`
	Revisions []RestoreRevision `json:"revisions"`
}

// RestoreRevision is one revision the bureau received. Body is the body
// exactly as received (base64 in JSON), whose SHA-256 is BodySHA256 — the
// hash the receipt holds; it is empty when the page left it out (see
// RestorePageBytes). Status is the receipt's: "received", or
// "awaiting_attachments" while the bureau still waits for attachments of
// the head revision. SubmittedAt is when the bureau took it as submitted
// (its submit transition), zero while it awaits attachments.
type RestoreRevision struct {
	ID          string    `json:"id"`
	Number      int       `json:"number"`
	BaseID      string    `json:"base_id,omitempty"`
	BodySHA256  string    `json:"body_sha256"`
	ReceivedAt  time.Time `json:"received_at"`
	SubmittedAt time.Time `json:"submitted_at,omitzero"`
	Status      string    `json:"status"`
	Body        []byte    `json:"body,omitempty"`
	// Receipt is the bureau's receipt of the revision as it now stands,
	// signed (SM2) as every receipt: a machine that restores keeps it as
	// the proof the machine that sent the revision kept.
	Receipt *Receipt `json:"receipt,omitempty"`
}

// ChangeRevision is the change-feed event of a revision the bureau received
// from any of the unit's machines (FilingID, RevisionID; Transition is the
// submission). A machine that does not hold that revision fetches the
// filing with GET PathRestoreFiling.
const ChangeRevision = "revision"
