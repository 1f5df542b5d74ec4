package client

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"egovdesk/sync/protocol"
)

// Submit sends one immutable revision. Sending the same revision again
// returns the original receipt, so a submission whose answer was lost can
// simply be repeated. A receipt with Status protocol.ReceiptAwaitingAttachments
// lists the attachments still to upload in Missing. It fails with an *Error:
// ClassPermanent with the bureau's reason and field problems when the content
// is refused (422), ClassConflict for protocol.CodeStaleBase and
// protocol.CodeRevisionConflict (409). A submission may be as large as
// Limits.MaxBodyBytes, so it runs under ChunkTimeout rather than RequestTimeout.
func (c *Client) Submit(ctx context.Context, req protocol.SubmitRequest) (protocol.Receipt, error) {
	var rc protocol.Receipt
	err := c.callWithin(ctx, c.opts.ChunkTimeout, "submit revision", http.MethodPost,
		protocol.Path(protocol.PathRevision, req.FilingID, req.RevisionID), req, &rc)
	return rc, err
}

// Filings returns the caller's unit's filings as the bureau holds them. It
// fails with an *Error.
func (c *Client) Filings(ctx context.Context) ([]protocol.FilingSummary, error) {
	var all []protocol.FilingSummary
	path := protocol.PathFilings
	for {
		var l protocol.FilingList
		if err := c.call(ctx, "list filings", http.MethodGet, path, nil, &l); err != nil {
			return nil, err
		}
		all = append(all, l.Filings...)
		if l.Next == "" {
			return all, nil
		}
		path = protocol.PathFilings + "?" + url.Values{protocol.ParamCursor: {l.Next}}.Encode()
	}
}

// Filing returns one of the unit's filings with its body, history and
// attachments. It fails with an *Error (ClassPermanent, code app.ENOTFOUND,
// for a filing the bureau does not hold or the unit may not see).
func (c *Client) Filing(ctx context.Context, id string) (protocol.FilingDetail, error) {
	var d protocol.FilingDetail
	err := c.call(ctx, "get filing", http.MethodGet, protocol.Path(protocol.PathFiling, id), nil, &d)
	return d, err
}

// Withdraw asks the bureau to take back the unit's submission of revision
// req.RevisionID of filing id, which the bureau holds and has not begun on.
// It returns the withdrawal (the transition the unit's feed carries too);
// asking again for a revision withdrawn already returns the same one, so a
// withdrawal whose answer was lost may be asked again. It fails with an
// *Error: code app.ECONFLICT, in Chinese, when the bureau has begun (受理)
// or holds a later revision, ENOTFOUND for a filing it does not hold.
func (c *Client) Withdraw(ctx context.Context, id string, req protocol.WithdrawRequest) (protocol.DecisionResponse, error) {
	var d protocol.DecisionResponse
	err := c.call(ctx, "withdraw", http.MethodPost, protocol.Path(protocol.PathWithdrawal, id), req, &d)
	return d, err
}

// SubmitBatch sends up to protocol.MaxBatch revisions in one request; the
// bureau stores the ones it accepts with one commit. It returns one result
// per request, in order; turn each into the error Submit would have
// returned with ResultError. Resending a batch is as safe as resending a
// single revision. It fails with an *Error when the request as a whole
// fails (ClassRetry for network and server faults and for an answer that
// does not match reqs, ClassReauth for 401, ClassPermanent for a bureau
// without the batch route: 404 or 405), or with a plain error, before
// sending, for more than protocol.MaxBatch requests.
func (c *Client) SubmitBatch(ctx context.Context, reqs []protocol.SubmitRequest) ([]protocol.BatchResult, error) {
	const op = "submit revisions"
	if len(reqs) > protocol.MaxBatch {
		return nil, fmt.Errorf("%s: %d revisions, at most %d per request", op, len(reqs), protocol.MaxBatch)
	}
	if len(reqs) == 0 {
		return nil, nil
	}
	body, err := encodeBatch(reqs)
	if err != nil {
		return nil, &Error{Op: op, Err: err}
	}
	var resp protocol.BatchSubmitResponse
	err = c.callWithin(ctx, c.opts.ChunkTimeout, op, http.MethodPost, protocol.PathSubmissions, body, &resp)
	if err != nil {
		return nil, err
	}
	if err := matchResults(reqs, resp.Results); err != nil {
		return nil, &Error{Op: op, Status: http.StatusOK, Err: err}
	}
	return resp.Results, nil
}

// matchResults checks that results answer reqs one by one.
func matchResults(reqs []protocol.SubmitRequest, results []protocol.BatchResult) error {
	if len(results) != len(reqs) {
		return fmt.Errorf("%d results for %d revisions", len(results), len(reqs))
	}
	for i, r := range results {
		switch {
		case (r.Receipt == nil) == (r.Problem == nil):
			return fmt.Errorf("result %d: want exactly one of receipt and problem", i)
		case r.Receipt != nil && (r.Receipt.FilingID != reqs[i].FilingID || r.Receipt.RevisionID != reqs[i].RevisionID):
			return fmt.Errorf("result %d: receipt of %s/%s for %s/%s", i,
				r.Receipt.FilingID, r.Receipt.RevisionID, reqs[i].FilingID, reqs[i].RevisionID)
		}
	}
	return nil
}

// ResultError returns nil for a result that carries a receipt, and
// otherwise the *Error that Submit would have returned for the same
// revision, so that its Class, Code and Message are the same.
func ResultError(r protocol.BatchResult) error {
	const op = "submit revision"
	switch {
	case r.Problem != nil:
		p := *r.Problem
		if p.Status == 0 {
			p.Status = r.Status
		}
		return &Error{Op: op, Status: p.Status, Problem: &p}
	case r.Receipt == nil:
		return &Error{Op: op, Status: http.StatusOK, Err: errors.New("result without receipt or problem")}
	}
	return nil
}

// submissionHead is protocol.SubmitRequest without its body: the fields
// encodeBatch encodes with encoding/json (a test keeps the two in step).
type submissionHead struct {
	FilingID       string                   `json:"filing_id"`
	RevisionID     string                   `json:"revision_id"`
	BaseRevisionID string                   `json:"base_revision_id,omitempty"`
	Revision       int                      `json:"revision"`
	BodySHA256     string                   `json:"body_sha256"`
	Attachments    []protocol.AttachmentRef `json:"attachments,omitempty"`
}

// canonical reports whether r's body hashes to its BodySHA256.
func canonical(r protocol.SubmitRequest) bool {
	sum := sha256.Sum256(r.Body)
	return hex.EncodeToString(sum[:]) == r.BodySHA256
}

// encodeBatch returns the JSON of protocol.BatchSubmitRequest{reqs}, with
// each body copied in as it is. encoding/json would re-validate and compact
// every body (a json.RawMessage), which costs more than everything else the
// client does to send a submission; a body whose bytes hash to its
// BodySHA256 is the canonical JSON app.Body.Encode wrote, so only a body
// that does not is checked, and one that is not JSON fails the batch before
// anything is sent.
func encodeBatch(reqs []protocol.SubmitRequest) ([]byte, error) {
	n := 32
	for _, r := range reqs {
		n += len(r.Body) + 400
	}
	b := make([]byte, 0, n)
	b = append(b, `{"submissions":[`...)
	for i, r := range reqs {
		if len(r.Body) > 0 && !canonical(r) && !json.Valid(r.Body) {
			return nil, fmt.Errorf("submission %d (%s/%s): the body is not JSON", i, r.FilingID, r.RevisionID)
		}
		head, err := json.Marshal(submissionHead{FilingID: r.FilingID, RevisionID: r.RevisionID,
			BaseRevisionID: r.BaseRevisionID, Revision: r.Revision, BodySHA256: r.BodySHA256, Attachments: r.Attachments})
		if err != nil {
			return nil, fmt.Errorf("submission %d: %w", i, err)
		}
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, head[:len(head)-1]...) // without the closing brace
		b = append(b, `,"body":`...)
		if len(r.Body) == 0 {
			b = append(b, "null"...)
		} else {
			b = append(b, r.Body...)
		}
		b = append(b, '}')
	}
	return append(b, "]}"...), nil
}
