package protocol

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"egovdesk/app"
)

// SubmitRequest is the body of POST /filings/{id}/revisions/{rev}: one
// immutable revision. Body is the canonical JSON of app.Body (see
// app.Body.Encode) and BodySHA256 its SHA-256 in lowercase hex; the server
// verifies the hash over the exact bytes of Body.
type SubmitRequest struct {
	FilingID       string          `json:"filing_id"`
	RevisionID     string          `json:"revision_id"`
	BaseRevisionID string          `json:"base_revision_id,omitempty"`
	Revision       int             `json:"revision"`
	Body           json.RawMessage `json:"body"`
	BodySHA256     string          `json:"body_sha256"`
	Attachments    []AttachmentRef `json:"attachments,omitempty"`
}

// AttachmentRef names an attachment by content.
type AttachmentRef struct {
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
	Name   string `json:"name"`
}

// NewSubmitRequest returns the request that submits body, with the body
// encoded canonically and hashed. It fails only when the body cannot be encoded.
func NewSubmitRequest(body app.Body) (SubmitRequest, error) {
	data, sum, err := body.Encode()
	if err != nil {
		return SubmitRequest{}, err
	}
	r := SubmitRequest{FilingID: body.ID, RevisionID: body.RevisionID, BaseRevisionID: body.BaseID,
		Revision: body.Revision, Body: data, BodySHA256: sum}
	for _, a := range body.Attachments {
		r.Attachments = append(r.Attachments, AttachmentRef{SHA256: a.SHA256, Size: a.Size, Name: a.Name})
	}
	return r, nil
}

// Receipt statuses.
const (
	ReceiptReceived            = "received"             // complete; the revision is with the bureau
	ReceiptAwaitingAttachments = "awaiting_attachments" // stored, but Missing must be uploaded first
)

// Receipt is the bureau's acknowledgement of a revision. Resending the same
// revision returns the same receipt (with Status updated once the missing
// attachments have arrived). Only a receipt with Status "received" lets the
// client drop the revision from its outbox.
//
// BodySM3 is the SM3 (GB/T 32905) of the body as the bureau received it,
// lowercase hex, beside BodySHA256; empty for a revision the bureau stored
// before it computed SM3. UnitID is the submitting unit. KeyID and
// Signature are the bureau's SM2 signature (see SignReceipt and
// ReceiptSignedBytes); the bureau signs each receipt as it sends it.
type Receipt struct {
	FilingID     string          `json:"filing_id"`
	RevisionID   string          `json:"revision_id"`
	Revision     int             `json:"revision"`
	UnitID       string          `json:"unit_id,omitempty"`
	BodySHA256   string          `json:"body_sha256"`
	BodySM3      string          `json:"body_sm3,omitempty"`
	ReceivedAt   time.Time       `json:"received_at"`
	Status       string          `json:"status"`
	FilingStatus app.Status      `json:"filing_status"`
	Missing      []AttachmentRef `json:"missing,omitempty"`
	KeyID        string          `json:"key_id,omitempty"`
	Signature    string          `json:"signature,omitempty"`
}

// FilingSummary is one line of a filing list.
type FilingSummary struct {
	ID             string     `json:"id"`
	Kind           app.Kind   `json:"kind"`
	Title          string     `json:"title"`
	UnitID         string     `json:"unit_id"`
	UnitName       string     `json:"unit_name"`
	Status         app.Status `json:"status"`
	RevisionID     string     `json:"revision_id"`
	Revision       int        `json:"revision"`
	PendingReceipt string     `json:"pending_receipt,omitempty"` // "awaiting_attachments" while the head revision lacks attachments
	Created        time.Time  `json:"created"`
	Updated        time.Time  `json:"updated"`
}

// FilingList is the answer of GET /filings: a page of the unit's
// filings in the order of their IDs, at most FilingsMaxLimit
// (FilingsDefaultLimit without ParamLimit); Next, when set, is the
// ParamCursor of the next page.
type FilingList struct {
	Filings []FilingSummary `json:"filings"`
	Next    string          `json:"next,omitempty"`
}

// Bounds of a page of GET /filings.
const (
	FilingsDefaultLimit = 1000
	FilingsMaxLimit     = 1000
)

// Query parameters of GET /review/queue, besides ParamCursor and
// ParamLimit (a page of QueueDefaultLimit filings when absent, at most
// QueueMaxLimit).
const (
	ParamKind    = "kind"
	ParamStatus  = "status"
	ParamUnit    = "unit_id"
	ParamYear    = "year"
	ParamRoute   = "route"
	ParamOverdue = "overdue" // "true": only filings past their review time limit
	ParamText    = "q"       // part of the title or of the unit's name

	QueueDefaultLimit = 50
	QueueMaxLimit     = 500
	MaxQueueText      = 100 // characters of ParamText
)

// QueuePage is the answer of GET /review/queue: one page of the filings
// awaiting review, oldest first (by when they reached their current step).
// Its Filings field makes it a FilingList, so a client that reads only that
// gets the first page. Next is the cursor of the next page, empty on the
// last one. Partial says the bureau stopped reading the queue before the
// page was full (a rare filter over a long queue): Next continues the
// search.
type QueuePage struct {
	Filings []FilingSummary `json:"filings"`
	Next    string          `json:"next,omitempty"`
	Partial bool            `json:"partial,omitempty"`
	Counts  *QueueCounts    `json:"counts,omitempty"`
}

// QueueCounts counts the whole review queue, whatever the page's filters:
// by status and by kind (statuses and kinds with none are left out), and
// Matching, how many filings the filters select, when the bureau can tell
// without reading them (filters by kind and status only; absent otherwise).
type QueueCounts struct {
	Total    int                `json:"total"`
	ByStatus map[app.Status]int `json:"by_status"`
	ByKind   map[app.Kind]int   `json:"by_kind"`
	Matching *int               `json:"matching,omitempty"`
}

// FilingDetail is one filing with its current body, its history and its
// attachments. Allowed lists the decisions the caller may take now (empty for units).
type FilingDetail struct {
	FilingSummary
	Body        json.RawMessage  `json:"body"`
	BodySHA256  string           `json:"body_sha256"`
	History     []app.Transition `json:"history"`
	Attachments []AttachmentInfo `json:"attachments"`
	Allowed     []app.Action     `json:"allowed,omitempty"`
	// ETag is the review detail's ETag (HTTP header, not in the body),
	// which the client fills in: the If-Match of a decision on what was
	// read (client.DecideOn).
	ETag string `json:"-"`
}

// AttachmentInfo is an attachment named by a filing's current body and whether
// the bureau holds it complete and verified.
type AttachmentInfo struct {
	Material  string `json:"material"`
	Name      string `json:"name"`
	SHA256    string `json:"sha256"`
	Size      int64  `json:"size"`
	MediaType string `json:"media_type,omitempty"`
	Complete  bool   `json:"complete"`
}

// WithdrawRequest is the body of POST /filings/{id}/withdrawal: the unit
// takes back its submission of revision RevisionID while the bureau has
// not begun on it (the filing is 已提交, not yet 受理). The answer is a
// DecisionResponse whose transition (action withdraw) is also in the
// unit's change feed. Asking again for a revision already withdrawn
// answers the same withdrawal (a client whose answer was lost asks
// again); once the bureau has begun it is refused with 409 conflict, and
// a revision that is not the filing's head with 409 too.
type WithdrawRequest struct {
	RevisionID string `json:"revision_id"`
	// Comment is the unit's reason, optional, shown to the reviewers: at
	// most app.MaxWithdrawReason characters.
	Comment string `json:"comment,omitempty"`
}

// DecisionRequest is the body of POST /review/filings/{id}/decisions. Return
// and reject need a comment.
type DecisionRequest struct {
	Action  app.Action `json:"action"`
	Comment string     `json:"comment,omitempty"`
	// From is the status the reviewer saw the filing in: when the filing
	// has moved on since, the decision is refused with 409 "已由他人处理"
	// instead of being applied to a state the reviewer did not see. A
	// decision needs From or, better, If-Match (the review detail's ETag,
	// which also catches a new revision in the same status); with neither
	// it is refused with 428 (CodePreconditionRequired).
	From app.Status `json:"from,omitempty"`
	// RevisionID, optional, is the revision the reviewer read: a filing
	// whose head is another is refused with 409. A decision with From
	// alone on a filing the unit withdrew and sent again since the
	// bureau's last decision is refused (409): it needs If-Match or this.
	RevisionID string `json:"revision_id,omitempty"`
	// Approved is the approved (核定) amount in fen with 批复立项 or
	// 初审通过 of a declaration, optional: at most the declared total
	// investment unless the profile allows more.
	Approved app.Money `json:"approved,omitempty"`
	// Remarks are remarks on single fields of the content with 退回修改,
	// optional, by the field path the client's checks use ("goals",
	// "budget[2].amount"): at most app.MaxRemarks of app.MaxRemarkText
	// characters each, paths of app.MaxRemarkField characters that match
	// app.RemarkFieldExpr. The clerk sees each next to its field.
	Remarks map[string]string `json:"remarks,omitempty"`
}

// DecisionETag is the ETag of a filing's review detail: its revision and
// the number of transitions in its history. A decision sent with it in
// If-Match is refused (409 conflict) if the filing moved on meanwhile.
func DecisionETag(revisionID string, transitions int) string {
	return `"` + revisionID + "." + strconv.Itoa(transitions) + `"`
}

// ParseDecisionETag reads a DecisionETag, also as a proxy that compressed
// the detail marked it weak (W/"…"). ok is false for anything else.
func ParseDecisionETag(tag string) (revisionID string, transitions int, ok bool) {
	tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
	if len(tag) < 4 || tag[0] != '"' || tag[len(tag)-1] != '"' {
		return "", 0, false
	}
	tag = tag[1 : len(tag)-1]
	i := strings.LastIndexByte(tag, '.')
	if i <= 0 {
		return "", 0, false
	}
	n, err := strconv.Atoi(tag[i+1:])
	if err != nil || n < 0 || strconv.Itoa(n) != tag[i+1:] {
		return "", 0, false
	}
	return tag[:i], n, true
}

// DecisionResponse is the answer to a decision: the recorded transition and
// the filing as it now stands.
type DecisionResponse struct {
	Transition app.Transition `json:"transition"`
	Filing     FilingSummary  `json:"filing"`
}
