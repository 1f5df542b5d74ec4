package protocol

import (
	"time"

	"egovdesk/app"
)

// Paths of printing and of checking a printed filing (reviewers).
const (
	// PathVerify checks a verification code printed in a filing's footer
	// (app.PrintCode): GET answers a Verification.
	PathVerify = Prefix + "/review/verify/{code}"
	// PathReviewPDF is the PDF of one revision of a filing, {rev} its
	// revision ID or number, printed with its verification code.
	PathReviewPDF = Prefix + "/review/filings/{id}/revisions/{rev}/pdf"
)

// MediaPDF is the media type of printed filings.
const MediaPDF = "application/pdf"

// HeaderUnprintable lists, percent-encoded, the characters of a printed
// filing that no font on the bureau could print: the first
// MaxUnprintableListed, then "…" when there are more.
const HeaderUnprintable = "X-Egovdesk-Unprintable"

// MaxUnprintableListed bounds HeaderUnprintable's list (found from
// outside: a filing of 62 KB of characters the font lacks made a header of
// 120 KB, which proxies refuse).
const MaxUnprintableListed = 64

// Verification is the answer to a printed verification code: the revision
// it belongs to and whether it is still the filing's current one.
type Verification struct {
	Code       string    `json:"code"`
	FilingID   string    `json:"filing_id"`
	Kind       app.Kind  `json:"kind"`
	Title      string    `json:"title"`
	UnitID     string    `json:"unit_id"`
	UnitName   string    `json:"unit_name"`
	Revision   int       `json:"revision"`
	RevisionID string    `json:"revision_id"`
	BodySHA256 string    `json:"body_sha256"`
	ReceivedAt time.Time `json:"received_at"`
	Current    bool      `json:"current"` // the code's revision is the filing's current revision
	// Awaiting is set while the code's revision waits for attachments: it
	// is stored, but not received until they are all uploaded.
	Awaiting          bool       `json:"awaiting_attachments,omitempty"`
	CurrentRevision   int        `json:"current_revision"`
	CurrentRevisionID string     `json:"current_revision_id"`
	Status            app.Status `json:"status"` // the filing's status now
}
