package client

import (
	"context"
	"net/http"

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
	var l protocol.FilingList
	err := c.call(ctx, "list filings", http.MethodGet, protocol.PathFilings, nil, &l)
	return l.Filings, err
}

// Filing returns one of the unit's filings with its body, history and
// attachments. It fails with an *Error (ClassPermanent, code app.ENOTFOUND,
// for a filing the bureau does not hold or the unit may not see).
func (c *Client) Filing(ctx context.Context, id string) (protocol.FilingDetail, error) {
	var d protocol.FilingDetail
	err := c.call(ctx, "get filing", http.MethodGet, protocol.Path(protocol.PathFiling, id), nil, &d)
	return d, err
}
