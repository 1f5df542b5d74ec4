// Package protocol holds what the egovdesk client and the bureau server say to
// each other: the wire types, the stable error codes, the route paths and the
// OpenAPI 3.1 document that describes them. Both sides import it, so they
// cannot drift; the server's tests check its route table against the document.
//
// The package imports only the standard library and egovdesk/app.
package protocol

import (
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Version is the API version; every API path starts with Prefix.
const (
	Version = "v1"
	Prefix  = "/api/" + Version
)

// Paths of the API as Go 1.22 ServeMux patterns without the method. Fill the
// {wildcards} with Path.
const (
	PathHealth           = "/healthz"
	PathOpenAPI          = Prefix + "/openapi.json"
	PathLogin            = Prefix + "/login"
	PathLogout           = Prefix + "/logout"
	PathPassword         = Prefix + "/password"
	PathMe               = Prefix + "/me"
	PathLimits           = Prefix + "/limits"
	PathReceiptKey       = Prefix + "/receipt-key" // GET: the SM2 public key that signs receipts (ReceiptKey)
	PathProfile          = Prefix + "/profile"
	PathFilings          = Prefix + "/filings"
	PathFiling           = Prefix + "/filings/{id}"
	PathRevision         = Prefix + "/filings/{id}/revisions/{rev}"
	PathWithdrawal       = Prefix + "/filings/{id}/withdrawal" // POST: the unit takes back a submission not yet accepted (WithdrawRequest)
	PathSubmissions      = Prefix + "/submissions"             // POST: many revisions in one request (BatchSubmitRequest)
	PathAttachment       = Prefix + "/attachments/{sha256}"
	PathChanges          = Prefix + "/changes"
	PathReviewQueue      = Prefix + "/review/queue"
	PathReviewFiling     = Prefix + "/review/filings/{id}"
	PathReviewAttachment = Prefix + "/review/filings/{id}/attachments/{sha256}"
	PathDecisions        = Prefix + "/review/filings/{id}/decisions"
	PathReviewProject    = Prefix + "/review/projects/{id}" // GET: a project's filings (FilingList), in the order of its life
	PathNotices          = Prefix + "/notices"
)

// Path fills the {wildcards} of pattern, in order, with args escaped as path
// segments: Path(PathRevision, filingID, revisionID). It panics when the
// number of args does not match, which is a programming error.
func Path(pattern string, args ...string) string {
	var b strings.Builder
	rest := pattern
	for _, a := range args {
		i := strings.IndexByte(rest, '{')
		j := strings.IndexByte(rest, '}')
		if i < 0 || j < i {
			panic(fmt.Sprintf("protocol.Path: too many arguments for %s", pattern))
		}
		b.WriteString(rest[:i])
		b.WriteString(url.PathEscape(a))
		rest = rest[j+1:]
	}
	if strings.IndexByte(rest, '{') >= 0 {
		panic(fmt.Sprintf("protocol.Path: too few arguments for %s", pattern))
	}
	b.WriteString(rest)
	return b.String()
}

// HTTP headers and media types of the protocol.
const (
	HeaderAuthorization  = "Authorization"   // "Bearer <token>"
	HeaderUploadOffset   = "Upload-Offset"   // bytes the server holds of an attachment; on PATCH, where the chunk starts
	HeaderUploadLength   = "Upload-Length"   // the attachment's total size in bytes, sent with every PATCH
	HeaderUploadComplete = "Upload-Complete" // "?1" once the attachment is complete and verified, else "?0"
	HeaderRetryAfter     = "Retry-After"     // seconds to wait before retrying (429, 503)
	HeaderETag           = "ETag"
	HeaderIfNoneMatch    = "If-None-Match"
	HeaderIfMatch        = "If-Match" // on a decision: the ETag of the review detail it was taken on

	MediaJSON    = "application/json"
	MediaProblem = "application/problem+json"
	MediaChunk   = "application/offset+octet-stream" // the body of an attachment PATCH
)

// Limits are what the bureau accepts, known before the user submits.
type Limits struct {
	MaxAttachmentBytes int64 `json:"max_attachment_bytes"` // largest single attachment
	ChunkBytes         int64 `json:"chunk_bytes"`          // largest PATCH body; send chunks of at most this size
	MaxBodyBytes       int64 `json:"max_body_bytes"`       // largest JSON request body (a submission)
	MaxAttachments     int   `json:"max_attachments"`      // most attachments one revision may name
}

// Health is the answer of GET /healthz.
type Health struct {
	Status string    `json:"status"` // "ok"
	Time   time.Time `json:"time"`
}
