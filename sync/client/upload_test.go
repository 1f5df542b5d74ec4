package client_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"egovdesk/app"
	"egovdesk/sync/bureautest"
	"egovdesk/sync/client"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server"
)

// uploads is a small stand-in for the bureau's attachment endpoints that
// follows the protocol: offsets, Upload-Length, hash check on completion.
type uploads struct {
	chunk int64

	mu       sync.Mutex
	held     map[string][]byte
	complete map[string]bool
	patches  int
	received int64 // body bytes received over all PATCHes
	// cutAt, when positive, makes the next PATCH keep only this many bytes
	// of its body and then drop the connection.
	cutAt int64
	// lieOnce makes the next status answer report offset 0.
	lieOnce bool
	// limitCalls counts the GETs of the limits.
	limitCalls int
}

func newUploads(chunk int64) *uploads {
	return &uploads{chunk: chunk, held: map[string][]byte{}, complete: map[string]bool{}}
}

func (u *uploads) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == protocol.PathLimits {
		u.mu.Lock()
		u.limitCalls++
		lim := protocol.Limits{ChunkBytes: u.chunk, MaxAttachmentBytes: 1 << 20}
		u.mu.Unlock()
		json.NewEncoder(w).Encode(lim)
		return
	}
	sha := r.PathValue("sha256")
	u.mu.Lock()
	defer u.mu.Unlock()
	status := func() protocol.UploadStatus {
		return protocol.UploadStatus{SHA256: sha, Offset: int64(len(u.held[sha])), Complete: u.complete[sha]}
	}
	switch r.Method {
	case http.MethodGet:
		st := status()
		if u.lieOnce {
			u.lieOnce = false
			st.Offset = 0
		}
		json.NewEncoder(w).Encode(st)
	case http.MethodPatch:
		u.patches++
		off, _ := strconv.ParseInt(r.Header.Get(protocol.HeaderUploadOffset), 10, 64)
		size, _ := strconv.ParseInt(r.Header.Get(protocol.HeaderUploadLength), 10, 64)
		if r.ContentLength < 0 || len(r.TransferEncoding) > 0 {
			problem(w, protocol.NewProblem(app.EINVALID, "chunk without Content-Length"))
			return
		}
		if r.ContentLength > u.chunk { // u.mu is held
			problem(w, protocol.NewProblem(app.ETOOLARGE, "chunk too large"))
			return
		}
		if have := int64(len(u.held[sha])); off != have {
			p := protocol.NewProblem(protocol.CodeOffsetMismatch, "offset")
			p.Offset = &have
			problem(w, p)
			return
		}
		if u.cutAt > 0 {
			part := make([]byte, u.cutAt)
			n, _ := io.ReadFull(r.Body, part)
			u.held[sha] = append(u.held[sha], part[:n]...)
			u.received += int64(n)
			u.cutAt = 0
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
			return
		}
		b, _ := io.ReadAll(r.Body)
		u.received += int64(len(b))
		u.held[sha] = append(u.held[sha], b...)
		if int64(len(u.held[sha])) == size {
			sum := sha256.Sum256(u.held[sha])
			if hex.EncodeToString(sum[:]) != sha {
				delete(u.held, sha)
				problem(w, protocol.NewProblem(protocol.CodeChecksumMismatch, "附件校验失败"))
				return
			}
			u.complete[sha] = true
		}
		json.NewEncoder(w).Encode(status())
	}
}

// snapshot returns the bytes held of sha, the PATCH count and the body bytes received.
func (u *uploads) snapshot(sha string) (held []byte, patches int, received int64) {
	u.mu.Lock()
	defer u.mu.Unlock()
	return append([]byte(nil), u.held[sha]...), u.patches, u.received
}

func (u *uploads) server(tb testing.TB) *httptest.Server {
	mux := http.NewServeMux()
	mux.Handle("GET "+protocol.PathLimits, u)
	mux.Handle(protocol.PathAttachment, u)
	srv := httptest.NewServer(mux)
	tb.Cleanup(srv.Close)
	return srv
}

func blob(n int) ([]byte, string) {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i/251)
	}
	sum := sha256.Sum256(b)
	return b, hex.EncodeToString(sum[:])
}

func TestUploadInChunksWithContentLength(t *testing.T) {
	u := newUploads(1000)
	c := MustNew(t, u.server(t))
	data, sha := blob(5500)
	var last int64
	st, err := c.Upload(context.Background(), sha, int64(len(data)), bytes.NewReader(data), func(sent, total int64) {
		if sent < last || total != 5500 {
			t.Errorf("progress went from %d to %d of %d", last, sent, total)
		}
		last = sent
	})
	if err != nil || !st.Complete {
		t.Fatalf("upload: %+v, %v", st, err)
	}
	if _, patches, received := u.snapshot(sha); patches != 6 || received != 5500 || last != 5500 {
		t.Fatalf("patches %d, received %d, progress %d", patches, received, last)
	}
	// Uploading a complete attachment again sends nothing.
	_, err = c.Upload(context.Background(), sha, 5500, bytes.NewReader(data), nil)
	if _, patches, _ := u.snapshot(sha); err != nil || patches != 6 {
		t.Fatalf("second upload: %v, patches %d", err, patches)
	}
}

func TestUploadResumesAfterCutConnection(t *testing.T) {
	u := newUploads(1000)
	c := MustNew(t, u.server(t))
	data, sha := blob(4200)
	ctx := context.Background()

	u.mu.Lock()
	u.held[sha] = append([]byte(nil), data[:2000]...) // two chunks went through earlier
	u.cutAt = 400                                     // the third is cut after 400 bytes
	u.mu.Unlock()
	_, err := c.Upload(ctx, sha, int64(len(data)), bytes.NewReader(data), nil)
	if client.Classify(err) != client.ClassRetry {
		t.Fatalf("cut upload: class %v, err %v", client.Classify(err), err)
	}
	if held, _, _ := u.snapshot(sha); len(held) != 2400 {
		t.Fatalf("server holds %d bytes after the cut, want 2400", len(held))
	}
	st, err := c.Upload(ctx, sha, int64(len(data)), bytes.NewReader(data), nil)
	if err != nil || !st.Complete {
		t.Fatalf("resumed upload: %+v, %v", st, err)
	}
	held, _, received := u.snapshot(sha)
	if !bytes.Equal(held, data) {
		t.Fatal("server's copy differs from the file")
	}
	// 400 bytes of the cut chunk + the remaining 1800: nothing was sent twice.
	if received != 2200 {
		t.Fatalf("server received %d body bytes, want 2200", received)
	}
}

func TestUploadFollowsOffsetMismatch(t *testing.T) {
	u := newUploads(1000)
	c := MustNew(t, u.server(t))
	data, sha := blob(3000)
	u.held[sha] = append([]byte(nil), data[:2000]...)
	u.lieOnce = true // the status answer says 0, the PATCH at 0 gets offset_mismatch(2000)
	st, err := c.Upload(context.Background(), sha, int64(len(data)), bytes.NewReader(data), nil)
	held, patches, _ := u.snapshot(sha)
	if err != nil || !st.Complete || !bytes.Equal(held, data) {
		t.Fatalf("upload: %+v, %v", st, err)
	}
	if patches != 2 {
		t.Fatalf("patches = %d, want 2 (one mismatch, one chunk)", patches)
	}
}

func TestUploadChecksumMismatch(t *testing.T) {
	u := newUploads(1000)
	c := MustNew(t, u.server(t))
	data, _ := blob(1500)
	_, wrong := blob(10)
	_, err := c.Upload(context.Background(), wrong, int64(len(data)), bytes.NewReader(data), nil)
	if client.Classify(err) != client.ClassPermanent || client.ProblemCode(err) != protocol.CodeChecksumMismatch {
		t.Fatalf("class %v code %q err %v", client.Classify(err), client.ProblemCode(err), err)
	}
}

func TestUploadCancelThenResume(t *testing.T) {
	u := newUploads(1000)
	c := MustNew(t, u.server(t))
	data, sha := blob(5000)
	ctx, cancel := context.WithCancel(context.Background())
	_, err := c.Upload(ctx, sha, int64(len(data)), bytes.NewReader(data), func(sent, total int64) {
		if sent >= 2000 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled upload: %v", err)
	}
	partial, _, _ := u.snapshot(sha)
	held := len(partial)
	if held == 0 || held >= 5000 {
		t.Fatalf("server holds %d bytes after cancel", held)
	}
	st, err := c.Upload(context.Background(), sha, int64(len(data)), bytes.NewReader(data), nil)
	if full, _, _ := u.snapshot(sha); err != nil || !st.Complete || !bytes.Equal(full, data) {
		t.Fatalf("resumed: %+v, %v", st, err)
	}
}

func TestUploadEmptyAndTooLarge(t *testing.T) {
	u := newUploads(1000)
	c := MustNew(t, u.server(t))
	data, sha := blob(0)
	if st, err := c.Upload(context.Background(), sha, 0, bytes.NewReader(data), nil); err != nil || !st.Complete {
		t.Fatalf("empty upload: %+v, %v", st, err)
	}
	_, err := c.Upload(context.Background(), sha, 2<<20, bytes.NewReader(nil), nil)
	if client.Classify(err) != client.ClassPermanent || app.ErrorCode(err) != app.ETOOLARGE {
		t.Fatalf("too large: %v", err)
	}
}

// A file whose upload was started with a wrong length (by hand, with curl)
// is sent all the same: the client starts over from byte 0 with the real
// length, and the real bureau takes it.
func TestUploadStartsOverAfterAWrongLength(t *testing.T) {
	b := bureautest.Start(t, bureautest.Options{BadgerOnly: true, Config: func(c *server.Config) { c.UploadIdle = time.Millisecond }})
	unit := b.AddUnit("霍邱县城关镇人民政府", "11341522003064951U")
	b.AddAccount("clerk", "李梅", app.RoleUnit, unit.ID)
	c := MustNew(t, b.HTTP)
	if _, err := c.Login(context.Background(), "clerk", bureautest.Password); err != nil {
		t.Fatal(err)
	}
	data, sha := blob(5000)
	req, err := http.NewRequest(http.MethodPatch, c.BaseURL()+protocol.Path(protocol.PathAttachment, sha), bytes.NewReader(data[:1000]))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+c.Token())
	req.Header.Set("Content-Type", protocol.MediaChunk)
	req.Header.Set(protocol.HeaderUploadOffset, "0")
	req.Header.Set(protocol.HeaderUploadLength, "6000")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("the wrong start: %d", resp.StatusCode)
	}
	time.Sleep(20 * time.Millisecond) // the wrong upload idles past UploadIdle
	st, err := c.Upload(context.Background(), sha, int64(len(data)), bytes.NewReader(data), nil)
	if err != nil || !st.Complete || st.Size != int64(len(data)) {
		t.Fatalf("upload after a wrong start: %+v, %v", st, err)
	}
}

// A bureau restarted with smaller chunks refuses the next chunk as too
// large: the client learns the limits again and goes on, where it used to
// set the filing aside for good (the limits were read once per run).
func TestUploadLearnsASmallerChunkSize(t *testing.T) {
	u := newUploads(1000)
	c := MustNew(t, u.server(t))
	first, sha1 := blob(1500)
	if st, err := c.Upload(context.Background(), sha1, 1500, bytes.NewReader(first), nil); err != nil || !st.Complete {
		t.Fatalf("first upload: %+v, %v", st, err)
	}
	u.mu.Lock()
	u.chunk = 400
	u.mu.Unlock()
	data, sha := blob(2000)
	st, err := c.Upload(context.Background(), sha, 2000, bytes.NewReader(data), nil)
	if err != nil || !st.Complete {
		t.Fatalf("upload after the chunk size fell: %+v, %v", st, err)
	}
	held, _, _ := u.snapshot(sha)
	u.mu.Lock()
	calls := u.limitCalls
	u.mu.Unlock()
	if !bytes.Equal(held, data) || calls != 2 {
		t.Errorf("held %d bytes, limits asked %d times", len(held), calls)
	}
	// A chunk refused again with the limits just learnt is an error, not a loop.
	more, sha3 := blob(900)
	u.mu.Lock()
	u.chunk = 0 // says "no chunk size" and refuses every chunk
	u.mu.Unlock()
	if _, err := c.Upload(context.Background(), sha3, 900, bytes.NewReader(more), nil); err == nil {
		t.Error("an upload every chunk of which is refused succeeded")
	}
}
