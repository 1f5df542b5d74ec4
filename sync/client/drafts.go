package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"egovdesk/sync/protocol"
)

// Drafts returns one page of the drafts the unit keeps at the bureau,
// after cursor ("" for the first page), at most limit (0: the bureau's
// default), with their bodies. It fails with an *Error; 403 (ClassPermanent,
// app.EFORBIDDEN) when the bureau keeps no drafts.
func (c *Client) Drafts(ctx context.Context, cursor string, limit int) (protocol.DraftPage, error) {
	q := url.Values{}
	if cursor != "" {
		q.Set(protocol.ParamCursor, cursor)
	}
	if limit > 0 {
		q.Set(protocol.ParamLimit, strconv.Itoa(limit))
	}
	path := protocol.PathDrafts
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	var p protocol.DraftPage
	err := c.callWithin(ctx, c.opts.ChunkTimeout, "list drafts", http.MethodGet, path, nil, &p)
	return p, err
}

// PutDraft stores the unit's draft id at the bureau over the version put
// names, and returns the copy stored (without its body). It fails with an
// *Error: 409 when the bureau's copy moved on (another machine).
func (c *Client) PutDraft(ctx context.Context, id string, put protocol.DraftPut) (protocol.Draft, error) {
	var d protocol.Draft
	err := c.callWithin(ctx, c.opts.ChunkTimeout, "keep draft", http.MethodPut, protocol.Path(protocol.PathDraft, id), put, &d)
	return d, err
}

// DeleteDraft deletes the unit's draft id at the bureau when its copy is
// at version (0: whatever it is). It fails with an *Error: 404 when the
// bureau holds none, 409 when it moved on.
func (c *Client) DeleteDraft(ctx context.Context, id string, version int64) error {
	path := protocol.Path(protocol.PathDraft, id)
	if version > 0 {
		path += "?" + protocol.ParamVersion + "=" + strconv.FormatInt(version, 10)
	}
	return c.call(ctx, "delete draft", http.MethodDelete, path, nil, nil)
}
