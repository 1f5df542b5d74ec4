package client

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"egovdesk/sync/protocol"
)

// Drafts returns one page of the drafts the unit keeps at the bureau,
// after cursor ("" for the first page), at most limit (0: the bureau's
// default), without their bodies (see Draft). It fails with an *Error; 403 (ClassPermanent,
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

// Draft returns the unit's draft id at the bureau with its body, checked
// against its SHA-256. It fails with an *Error: 404 when the bureau holds
// none; ClassRetry when the body does not hash to its sum.
func (c *Client) Draft(ctx context.Context, id string) (protocol.Draft, error) {
	const op = "get draft"
	var d protocol.Draft
	if err := c.callWithin(ctx, c.opts.ChunkTimeout, op, http.MethodGet, protocol.Path(protocol.PathDraft, id), nil, &d); err != nil {
		return d, err
	}
	if h := sha256.Sum256(d.Body); hex.EncodeToString(h[:]) != d.SHA256 {
		return d, &Error{Op: op, Status: http.StatusBadGateway, Err: fmt.Errorf("draft %s does not hash to %s", id, d.SHA256)}
	}
	return d, nil
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
