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
// take now in Allowed and its ETag, for DecideOn. It fails with an *Error.
func (c *Client) ReviewFiling(ctx context.Context, id string) (protocol.FilingDetail, error) {
	var d protocol.FilingDetail
	h, err := c.exchange(ctx, c.opts.RequestTimeout, "review filing", http.MethodGet, protocol.Path(protocol.PathReviewFiling, id), nil, &d)
	if err == nil {
		d.ETag = h.Get(protocol.HeaderETag)
	}
	return d, err
}

// DecideOn records a reviewer's decision on the filing as read in d (by
// ReviewFiling): when another decision or a new revision has overtaken it,
// the decision is refused with ECONFLICT (已由他人处理) and nothing changes.
// Return and reject need a comment. It fails with an *Error
// (ClassPermanent with the reason when the decision is not allowed or the
// comment is missing).
//
// A proxy that dropped the detail's ETag leaves the status it showed: the
// decision then goes with that status in From.
func (c *Client) DecideOn(ctx context.Context, d protocol.FilingDetail, req protocol.DecisionRequest) (protocol.DecisionResponse, error) {
	var header []string
	if d.ETag != "" {
		header = []string{protocol.HeaderIfMatch, d.ETag}
	} else if req.From == "" {
		req.From = d.Status
	}
	var resp protocol.DecisionResponse
	_, err := c.exchange(ctx, c.opts.RequestTimeout, "decide", http.MethodPost, protocol.Path(protocol.PathDecisions, d.ID), req, &resp, header...)
	return resp, err
}

// Decide records a reviewer's decision on filing id in the status
// req.From, which it needs (or the bureau answers 428
// precondition_required); DecideOn, on a filing as read, is the stricter.
// It fails as DecideOn does.
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
