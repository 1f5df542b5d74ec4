package e2e

import (
	"bytes"
	"context"
	"net/http"
	"sync/atomic"
	"testing"
)

// TestUploadStreamsChunks: the client documents that a chunk is streamed
// from the file with its exact Content-Length, "never buffered whole", and
// the progress callback reports "the bytes the bureau holds or is
// receiving". Here one 48 MiB chunk goes to the real bureau, which notes the
// progress the client had reported when the request reached its handler
// (headers read, body not yet): a streaming client can be ahead by what
// the loopback socket buffers hold (a few MiB), never by the whole chunk.
//
// Until 5d2318a it failed: resty v2's createHTTPRequest calls getBodyCopy,
// which io.ReadAll's any io.Reader body without GetBody to make it
// replayable, so every chunk (8 MiB by default) was read into memory before
// a byte was sent, and the progress bar jumped to the end of the chunk at
// once — on a township's slow uplink it then sat there for minutes.
func TestUploadStreamsChunks(t *testing.T) {
	const size = 48 << 20
	cfg := bureauConfig(t.TempDir())
	cfg.ChunkBytes = size
	srv := mustOpenBureau(t, cfg)
	acc := initBureau(t, srv)
	var progress, atHandler atomic.Int64
	atHandler.Store(-1)
	h := srv.Handler()
	url := mustServe(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPatch {
			atHandler.CompareAndSwap(-1, progress.Load())
		}
		h.ServeHTTP(w, r)
	}))
	cl := mustClient(t, url, acc.Clerk)
	f := newFile("航拍影像.zip", 5, 5, size)
	st, err := cl.Upload(context.Background(), f.sha, size, bytes.NewReader(f.data), func(sent, _ int64) { progress.Store(sent) })
	if err != nil || !st.Complete {
		t.Fatalf("upload: %+v, %v", st, err)
	}
	if at := atHandler.Load(); at > size/2 {
		t.Errorf("the client reported %d of %d bytes sent before the bureau began to read the chunk: the chunk was buffered, not streamed", at, size)
	}
}
