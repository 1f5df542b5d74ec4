package client

import (
	"context"
	"net/http"

	"egovdesk/sync/protocol"
)

// ReviewQueue returns the filings waiting for the bureau's review, from every
// unit (reviewers and admins only). It fails with an *Error (ClassPermanent,
// code app.EFORBIDDEN, for a unit's token).
func (c *Client) ReviewQueue(ctx context.Context) ([]protocol.FilingSummary, error) {
	var l protocol.FilingList
	err := c.call(ctx, "review queue", http.MethodGet, protocol.PathReviewQueue, nil, &l)
	return l.Filings, err
}

// ReviewFiling returns a filing for review, with the decisions the caller may
// take now in Allowed. It fails with an *Error.
func (c *Client) ReviewFiling(ctx context.Context, id string) (protocol.FilingDetail, error) {
	var d protocol.FilingDetail
	err := c.call(ctx, "review filing", http.MethodGet, protocol.Path(protocol.PathReviewFiling, id), nil, &d)
	return d, err
}

// Decide records a reviewer's decision on filing id; return and reject need a
// comment. It fails with an *Error (ClassPermanent with the reason when the
// decision is not allowed in the filing's state or the comment is missing).
func (c *Client) Decide(ctx context.Context, id string, req protocol.DecisionRequest) (protocol.DecisionResponse, error) {
	var d protocol.DecisionResponse
	err := c.call(ctx, "decide", http.MethodPost, protocol.Path(protocol.PathDecisions, id), req, &d)
	return d, err
}

// Notice sends a notice to one unit's feed, or to every unit when
// req.UnitID is empty (admins only). It fails with an *Error.
func (c *Client) Notice(ctx context.Context, req protocol.NoticeRequest) (protocol.NoticeResponse, error) {
	var n protocol.NoticeResponse
	err := c.call(ctx, "send notice", http.MethodPost, protocol.PathNotices, req, &n)
	return n, err
}
