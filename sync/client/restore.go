package client

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"

	"egovdesk/sync/protocol"
)

// RestorePage returns one page of every filing the bureau holds for the
// caller's unit, after cursor ("" for the first page), at most limit
// filings (0: the bureau's default). It fails with an *Error.
func (c *Client) RestorePage(ctx context.Context, cursor string, limit int) (protocol.RestorePage, error) {
	q := url.Values{}
	if cursor != "" {
		q.Set(protocol.ParamCursor, cursor)
	}
	if limit > 0 {
		q.Set(protocol.ParamLimit, strconv.Itoa(limit))
	}
	path := protocol.PathRestore
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	var p protocol.RestorePage
	err := c.callWithin(ctx, c.opts.ChunkTimeout, "restore filings", http.MethodGet, path, nil, &p)
	return p, err
}

// RestoreFiling returns one of the unit's filings with every revision and
// its body. It fails with an *Error (ClassPermanent, code app.ENOTFOUND, for
// a filing the bureau does not hold for the unit).
func (c *Client) RestoreFiling(ctx context.Context, id string) (protocol.RestoreFiling, error) {
	var f protocol.RestoreFiling
	err := c.callWithin(ctx, c.opts.ChunkTimeout, "restore filing", http.MethodGet,
		protocol.Path(protocol.PathRestoreFiling, id), nil, &f)
	return f, err
}

// RevisionBody returns the body of a revision as the bureau received it,
// checked against sum, its SHA-256 from the restore page. It fails with an
// *Error; ClassRetry when the bytes do not hash to sum (damaged on the way).
func (c *Client) RevisionBody(ctx context.Context, filingID, revisionID, sum string) ([]byte, error) {
	const op = "get revision body"
	ctx, cancel := context.WithTimeout(ctx, c.opts.ChunkTimeout)
	defer cancel()
	resp, err := c.send(c.request(ctx), op, http.MethodGet, protocol.Path(protocol.PathRevision, filingID, revisionID), nil)
	if err != nil {
		return nil, err
	}
	body := resp.Body()
	if h := sha256.Sum256(body); hex.EncodeToString(h[:]) != sum {
		return nil, &Error{Op: op, Status: http.StatusBadGateway, Err: fmt.Errorf("body of %s/%s does not hash to %s", filingID, revisionID, sum)}
	}
	return body, nil
}

// Download writes attachment sha of one of the unit's filings to w, from
// byte offset on (a download that stopped resumes where the file on disk
// ends), and returns how many bytes it wrote. The caller checks the whole
// file's SHA-256. It fails with an *Error: ClassPermanent with code
// app.ENOTFOUND when the bureau does not hold it for the unit.
func (c *Client) Download(ctx context.Context, filingID, sha string, offset int64, w io.Writer) (int64, error) {
	const op = "download attachment"
	ctx, cancel := context.WithTimeout(ctx, c.opts.ChunkTimeout)
	defer cancel()
	r := c.request(ctx).SetDoNotParseResponse(true)
	if offset > 0 {
		r.SetHeader("Range", "bytes="+strconv.FormatInt(offset, 10)+"-")
	}
	resp, err := r.Execute(http.MethodGet, protocol.Path(protocol.PathFilingAttachment, filingID, sha))
	if err != nil {
		return 0, &Error{Op: op, Err: err}
	}
	raw := resp.RawBody()
	defer raw.Close()
	switch st := resp.StatusCode(); {
	case st == http.StatusOK && offset > 0:
		return 0, &Error{Op: op, Status: st, Err: fmt.Errorf("bureau ignored the range: start again")}
	case st == http.StatusOK, st == http.StatusPartialContent:
	case st == http.StatusRequestedRangeNotSatisfiable:
		return 0, nil // the file on disk is whole already
	default:
		// Read the problem as send would.
		body, _ := io.ReadAll(io.LimitReader(raw, 64<<10))
		return 0, problemError(op, st, body)
	}
	n, err := io.Copy(w, raw)
	if err != nil {
		return n, &Error{Op: op, Err: fmt.Errorf("receive %s: %w", sha, err)}
	}
	return n, nil
}

// problemError is the *Error of a refused request whose body was read by
// the caller (a streamed answer), as send builds it.
func problemError(op string, status int, body []byte) *Error {
	e := &Error{Op: op, Status: status}
	var p protocol.Problem
	if len(body) > 0 && json.Unmarshal(body, &p) == nil && (p.Code != "" || p.Detail != "") {
		if p.Status == 0 {
			p.Status = status
		}
		e.Problem = &p
	}
	return e
}
