package e2e

import (
	"context"
	"io"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"egovdesk/app/store"
	"egovdesk/sync/protocol"
	"egovdesk/sync/syncer"
)

// TestFaultProxy pushes 120 filings with attachments of up to 600 KB (in
// 64 KiB chunks) through a proxy that drops, delays and cuts connections in
// both directions by a seeded schedule. Every filing arrives exactly once,
// and the bureau's log of attachment chunks shows every upload resuming
// where the bureau stood: each chunk is sent at the offset the bureau had
// reached — including the bytes of chunks that broke off — so no attachment
// is ever sent from zero again and the bureau reads each byte once.
func TestFaultProxy(t *testing.T) {
	if testing.Short() {
		t.Skip("pushes 120 filings through a faulty proxy; skipped with -short")
	}
	seed := testSeed(t)
	p := plan{seed: seed, n: 120, maxFile: 600 << 10}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	dir := t.TempDir()
	srv := mustOpenBureau(t, bureauConfig(dir))
	acc := initBureau(t, srv)
	chunks := &chunkLog{bySHA: map[string][]chunkRec{}, locks: map[string]*sync.Mutex{}}
	direct := mustServe(t, chunks.wrap(srv.Handler()))
	proxy := startProxy(t, strings.TrimPrefix(direct, "http://"), seed)

	storeDir, blobDir := clientDirs(t.TempDir())
	st, err := store.Open(storeDir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	blobs, err := syncer.OpenBlobDir(blobDir)
	if err != nil {
		t.Fatal(err)
	}
	for i := range p.n {
		if err := ensureSubmitted(ctx, st, blobs, acc.Unit.ID, p.filing(i)); err != nil {
			t.Fatal(err)
		}
	}
	sy := syncer.New(st, mustClient(t, proxy.URL(), acc.Clerk), blobs, syncOptions())
	start := time.Now()
	sy.Start(ctx)
	t.Cleanup(sy.Stop)
	for {
		n, err := st.PendingCount(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		if time.Since(start) > 90*time.Second {
			t.Fatalf("outbox still holds %d items after 90 s; faults:%s; status %+v", n, describe(proxy.tally()), sy.Status())
		}
		time.Sleep(20 * time.Millisecond)
	}
	sy.Stop()
	t.Logf("drained in %v; connections:%s", time.Since(start).Round(time.Millisecond), describe(proxy.tally()))
	if s := sy.Status(); len(s.Failures) != 0 {
		t.Errorf("failures left: %+v", s.Failures)
	}
	verifyExactlyOnce(t, st, direct, acc, p, dir)

	// Resumption, from the bureau's side.
	sizes := p.shas()
	resumed, cut, mismatched := 0, 0, 0
	for sha, recs := range chunks.bySHA {
		var at int64 // where the bureau stands: every byte it read was kept
		for i, r := range recs {
			switch {
			case r.cut: // the bureau keeps what it read of a chunk that broke off
				if r.offset != at {
					t.Errorf("%s: cut chunk %d was sent at offset %d, but the bureau had %d bytes: log %v", sha[:12], i, r.offset, at, recs)
				}
			case r.status == http.StatusConflict:
				mismatched++ // sent at a stale offset (its answer was lost); nothing stored
				continue
			case r.status != http.StatusOK && !r.cut:
				t.Errorf("%s: chunk %d at %d answered %d", sha[:12], i, r.offset, r.status)
				continue
			case r.offset != at:
				t.Errorf("%s: chunk %d accepted at offset %d, but the bureau had %d bytes: log %v", sha[:12], i, r.offset, at, recs)
			}
			if i > 0 && recs[i-1].cut && r.offset > 0 {
				resumed++
			}
			if r.cut {
				cut++
			}
			at = r.offset + r.read
		}
		if at != sizes[sha] {
			t.Errorf("%s: the bureau read %d bytes of a %d-byte attachment", sha[:12], at, sizes[sha])
		}
	}
	t.Logf("%d attachments; %d chunks broke off inside their body, %d uploads resumed right after one at a non-zero offset, %d chunks sent at a stale offset",
		len(chunks.bySHA), cut, resumed, mismatched)
	if len(chunks.bySHA) != len(sizes) {
		t.Errorf("the bureau received chunks of %d attachments, planned %d", len(chunks.bySHA), len(sizes))
	}
	if resumed == 0 {
		t.Errorf("no upload was cut and resumed: the schedule did not exercise resumption")
	}
}

// chunkRec is one PATCH as the bureau handled it.
type chunkRec struct {
	offset int64 // Upload-Offset sent
	read   int64 // body bytes the bureau read
	cut    bool  // the body broke off
	status int   // the answer's status
}

func (r chunkRec) String() string {
	s := strconv.FormatInt(r.offset, 10) + "+" + strconv.FormatInt(r.read, 10) + ":" + strconv.Itoa(r.status)
	if r.cut {
		s += "(cut)"
	}
	return s
}

// chunkLog wraps the bureau's handler and records every PATCH per
// attachment, in the order the bureau handled them (chunks of one
// attachment are serialised, as the bureau does itself).
type chunkLog struct {
	mu    sync.Mutex
	bySHA map[string][]chunkRec
	locks map[string]*sync.Mutex
}

func (l *chunkLog) lock(sha string) *sync.Mutex {
	l.mu.Lock()
	defer l.mu.Unlock()
	m := l.locks[sha]
	if m == nil {
		m = &sync.Mutex{}
		l.locks[sha] = m
	}
	return m
}

func (l *chunkLog) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPatch || !strings.HasPrefix(r.URL.Path, protocol.Prefix+"/attachments/") {
			h.ServeHTTP(w, r)
			return
		}
		sha := path.Base(r.URL.Path)
		off, _ := strconv.ParseInt(r.Header.Get(protocol.HeaderUploadOffset), 10, 64)
		m := l.lock(sha)
		m.Lock()
		defer m.Unlock()
		body := &countingReader{ReadCloser: r.Body}
		r.Body = body
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(sw, r)
		l.mu.Lock()
		l.bySHA[sha] = append(l.bySHA[sha], chunkRec{offset: off, read: body.n, cut: body.err != nil, status: sw.status})
		l.mu.Unlock()
	})
}

// countingReader counts the bytes read and keeps the first error other
// than EOF.
type countingReader struct {
	io.ReadCloser
	n   int64
	err error
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.ReadCloser.Read(p)
	c.n += int64(n)
	if err != nil && err != io.EOF && c.err == nil {
		c.err = err
	}
	return n, err
}

// statusWriter remembers the status written.
type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (s *statusWriter) WriteHeader(code int) {
	if !s.wrote {
		s.status, s.wrote = code, true
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	s.wrote = true
	return s.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection (the bureau sets
// read deadlines on uploads).
func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }
