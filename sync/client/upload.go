package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync/atomic"

	"egovdesk/app"
	"egovdesk/sync/protocol"
)

// defaultChunk is the chunk size when neither the bureau nor Options say.
const defaultChunk = 4 << 20

// maxStalls bounds the chunks in a row that make no progress (offset
// mismatches, a server that does not advance) before Upload gives up.
const maxStalls = 4

// UploadStatus returns how much of attachment sha the bureau holds and
// whether it is complete and verified. An attachment never seen has Offset 0.
// It fails with an *Error.
func (c *Client) UploadStatus(ctx context.Context, sha string) (protocol.UploadStatus, error) {
	var st protocol.UploadStatus
	err := c.call(ctx, "upload status", http.MethodGet, protocol.Path(protocol.PathAttachment, sha), nil, &st)
	return st, err
}

// Upload sends attachment sha of size bytes, read from src, to the bureau. It
// asks where the bureau's copy stands and sends the rest in chunks of at most
// Limits.ChunkBytes, each streamed from src with its exact length. When the
// bureau reports another offset (offset_mismatch: a chunk that arrived though
// its answer was lost, say) it resumes from there. It returns the final
// status, Complete once the bureau has verified the hash. progress, when not
// nil, is called with the bytes the bureau holds or is receiving; it may be
// called from the HTTP transport's goroutine.
//
// It fails with an *Error: ClassPermanent with code
// protocol.CodeChecksumMismatch when the bytes do not hash to sha (the bureau
// discarded them; the local file is not what it was named after, or was
// corrupted on the way), app.ETOOLARGE when size exceeds the bureau's limit,
// ClassRetry for network and server faults (call Upload again to resume).
func (c *Client) Upload(ctx context.Context, sha string, size int64, src io.ReaderAt, progress func(sent, total int64)) (protocol.UploadStatus, error) {
	const op = "upload attachment"
	if progress == nil {
		progress = func(int64, int64) {}
	}
	lim, err := c.Limits(ctx)
	if err != nil {
		return protocol.UploadStatus{}, err
	}
	if lim.MaxAttachmentBytes > 0 && size > lim.MaxAttachmentBytes {
		return protocol.UploadStatus{}, &Error{Op: op, Status: http.StatusRequestEntityTooLarge,
			Problem: protocol.NewProblem(app.ETOOLARGE, fmt.Sprintf("附件大小 %s 超过数管局允许的上限 %s",
				app.SizeLabel(size), app.SizeLabel(lim.MaxAttachmentBytes)))}
	}
	chunk := c.chunkOf(lim)
	relearnt := false // the limits were fetched again after a chunk was refused

	st, err := c.UploadStatus(ctx, sha)
	if err != nil {
		return st, err
	}
	for stalls := 0; ; {
		if st.Complete {
			progress(size, size)
			return st, nil
		}
		off := st.Offset
		if st.Size != 0 && st.Size != size {
			// The bureau holds part of this file under another length,
			// stated wrongly by whoever started it (one file has one size;
			// a hand-made curl upload): start over from byte 0, which the
			// bureau takes as a new upload. An older bureau refuses.
			off = 0
		}
		if off < 0 || off > size {
			return st, &Error{Op: op, Status: http.StatusConflict, Problem: protocol.NewProblem(app.ECONFLICT,
				fmt.Sprintf("数管局已持有的附件片段（%d/%d 字节）与本地文件（%d 字节）不一致", off, st.Size, size))}
		}
		if stalls >= maxStalls {
			return st, &Error{Op: op, Err: fmt.Errorf("upload of %s stalled at offset %d of %d", sha, off, size)}
		}
		progress(off, size)
		var next protocol.UploadStatus
		if off == size && size > 0 {
			// Every byte is there but the bureau did not say complete: ask once more.
			next, err = c.UploadStatus(ctx, sha)
		} else {
			next, err = c.patch(ctx, sha, size, off, min(chunk, size-off), src, progress)
		}
		var e *Error
		switch {
		case err == nil:
		case errors.As(err, &e) && e.Status == http.StatusRequestEntityTooLarge && !relearnt:
			// The bureau takes smaller chunks than it said when this
			// client asked (restarted with another --chunk-mb): learn its
			// limits again and go on from what it kept. A filing was
			// set aside for good by a chunk size read once per run.
			relearnt = true
			c.forgetLimits()
			if lim, err = c.Limits(ctx); err != nil {
				return st, err
			}
			if lim.MaxAttachmentBytes > 0 && size > lim.MaxAttachmentBytes {
				return st, e
			}
			chunk = c.chunkOf(lim)
			if next, err = c.UploadStatus(ctx, sha); err != nil {
				return next, err
			}
		case errors.As(err, &e) && e.Code() == protocol.CodeOffsetMismatch:
			if e.Problem.Offset != nil {
				next = protocol.UploadStatus{SHA256: sha, Size: size, Offset: *e.Problem.Offset}
			} else if next, err = c.UploadStatus(ctx, sha); err != nil {
				return next, err
			}
		default:
			return st, err
		}
		if next.Offset > off || next.Complete {
			stalls = 0
		} else {
			stalls++
		}
		st = next
	}
}

// patch sends bytes [off, off+n) of src as one chunk and returns the bureau's
// status after it. It fails with an *Error.
func (c *Client) patch(ctx context.Context, sha string, size, off, n int64, src io.ReaderAt, progress func(sent, total int64)) (protocol.UploadStatus, error) {
	ctx, cancel := context.WithTimeout(ctx, c.opts.ChunkTimeout)
	defer cancel()
	body := &progressReader{r: io.NewSectionReader(src, off, n), sent: off, total: size, fn: progress}
	defer body.stop()
	ctx = context.WithValue(ctx, chunkKey{}, chunkBody{r: body, n: n})
	r := c.request(ctx).
		SetHeader("Content-Type", protocol.MediaChunk).
		SetHeader(protocol.HeaderUploadOffset, strconv.FormatInt(off, 10)).
		SetHeader(protocol.HeaderUploadLength, strconv.FormatInt(size, 10))
	var st protocol.UploadStatus
	_, err := c.send(r, "upload chunk", http.MethodPatch, protocol.Path(protocol.PathAttachment, sha), &st)
	return st, err
}

// progressReader reports the bytes read through it. After stop it neither
// reports nor reads: the transport may still hold the body of a failed
// request while the next chunk is sent.
type progressReader struct {
	r           io.Reader
	sent, total int64
	fn          func(sent, total int64)
	stopped     atomic.Bool
}

func (p *progressReader) Read(b []byte) (int, error) {
	if p.stopped.Load() {
		return 0, errors.New("upload chunk abandoned")
	}
	n, err := p.r.Read(b)
	if n > 0 {
		p.sent += int64(n)
		if !p.stopped.Load() {
			p.fn(p.sent, p.total)
		}
	}
	return n, err
}

func (p *progressReader) stop() { p.stopped.Store(true) }

// chunkOf is the chunk size to send under lim: the bureau's, or the
// client's own option when smaller.
func (c *Client) chunkOf(lim protocol.Limits) int64 {
	chunk := lim.ChunkBytes
	if c.opts.ChunkBytes > 0 && (chunk <= 0 || c.opts.ChunkBytes < chunk) {
		chunk = c.opts.ChunkBytes
	}
	if chunk <= 0 {
		chunk = defaultChunk
	}
	return chunk
}
