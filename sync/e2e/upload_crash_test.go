package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"egovdesk/app"
	"egovdesk/app/store"
	"egovdesk/sync/client"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server"
	"egovdesk/sync/syncer"
)

// TestUploadFinishedAtKillResumes puts the bureau's data directory in the
// state a SIGKILL leaves when it lands inside the bureau's handling of an
// attachment's last chunk, after the part file was verified and renamed into
// place (finishUpload: os.Rename) and before the upload record was
// committed as complete: the record still says "offset 128 KiB, incomplete",
// the .part file is gone and the complete file is there. TestServerCrash
// reached this state by itself in about one run in three.
//
// Resuming must then finish the upload. Until dc65971 it did not: the next
// chunk, sent at the recorded offset, landed in a fresh part file that
// appendChunk extended to the offset with zeros (os.File.Truncate grows a
// file), the hash failed and the bureau discarded everything
// (checksum_mismatch), so the whole file had to be sent again.
func TestUploadFinishedAtKillResumes(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	srv, err := server.Open(ctx, bureauConfig(dir))
	if err != nil {
		t.Fatal(err)
	}
	acc := initBureau(t, srv)
	hs := mustServe(t, srv.Handler())
	data := newFile("可研报告.pdf", 7, 7, 150<<10)
	for off := 0; off < 128<<10; off += 64 << 10 {
		if err := patchChunk(ctx, hs, acc.Clerk, data.sha, data.data, off, 64<<10); err != nil {
			t.Fatal(err)
		}
	}
	// The last 22 KiB arrived, hashed right and were renamed into place; then
	// the process died before the record said so.
	final := filepath.Join(dir, "attachments", acc.Unit.ID, data.sha)
	if err := os.WriteFile(final+".part", data.data, 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(final+".part", final); err != nil {
		t.Fatal(err)
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}

	// The bureau comes back over the same directory; the client resumes.
	srv = mustOpenBureau(t, bureauConfig(dir))
	url := mustServe(t, srv.Handler())
	cl := mustClient(t, url, acc.Clerk)
	before, err := cl.UploadStatus(ctx, data.sha)
	if err != nil {
		t.Fatal(err)
	}
	st, err := cl.Upload(ctx, data.sha, int64(len(data.data)), bytes.NewReader(data.data), nil)
	if err != nil || !st.Complete {
		t.Fatalf("resuming at the recorded offset %d: status %+v, %v", before.Offset, st, err)
	}
}

// patchChunk sends bytes [off, off+n) of data as one raw PATCH.
func patchChunk(ctx context.Context, base, token, sha string, data []byte, off, n int) error {
	end := min(off+n, len(data))
	req, err := http.NewRequestWithContext(ctx, http.MethodPatch, base+protocol.Path(protocol.PathAttachment, sha), bytes.NewReader(data[off:end]))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", protocol.MediaChunk)
	req.Header.Set(protocol.HeaderAuthorization, "Bearer "+token)
	req.Header.Set(protocol.HeaderUploadOffset, strconv.Itoa(off))
	req.Header.Set(protocol.HeaderUploadLength, strconv.Itoa(len(data)))
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("PATCH at %d: %s %s", off, resp.Status, b)
	}
	return nil
}

// flakyRemote is the real client behind a seam that fails the first uploads
// with a network error (the bureau unreachable) and then damages one byte of
// the next upload on its way, once — a transmission fault the bureau detects
// by the hash.
type flakyRemote struct {
	syncer.Remote
	mu          sync.Mutex
	unreachable int  // uploads still to fail before reaching the bureau
	corrupt     bool // damage the next upload that gets through
}

func (f *flakyRemote) Upload(ctx context.Context, sha string, size int64, src io.ReaderAt, progress func(sent, total int64)) (protocol.UploadStatus, error) {
	f.mu.Lock()
	unreachable, corrupt := f.unreachable > 0, f.corrupt && f.unreachable == 0
	if unreachable {
		f.unreachable--
	}
	if corrupt {
		f.corrupt = false
	}
	f.mu.Unlock()
	if unreachable {
		return protocol.UploadStatus{}, &client.Error{Op: "upload attachment", Err: errors.New("dial tcp 127.0.0.1:8440: connect: connection refused")}
	}
	if corrupt {
		src = &flipByte{ReaderAt: src, at: size / 2}
	}
	return f.Remote.Upload(ctx, sha, size, src, progress)
}

// flipByte reads like ReaderAt with the byte at offset at inverted.
type flipByte struct {
	io.ReaderAt
	at int64
}

func (r *flipByte) ReadAt(p []byte, off int64) (int, error) {
	n, err := r.ReaderAt.ReadAt(p, off)
	if i := r.at - off; i >= 0 && i < int64(n) {
		p[i] ^= 0xff
	}
	return n, err
}

// TestChecksumMismatchAfterNetworkFaultsIsRetried: an item whose first
// three attempts found the bureau unreachable, and whose fourth upload was
// damaged once on the way, must still be delivered by the next pass. The
// syncer quarantines an item only when a checksum mismatch is the local
// file's fault. Until 83d30bf it compared the item's Attempts — every
// attempt, whatever ended it — with maxChecksumFailures, so after three
// network failures the first mismatch quarantined the filing for good;
// TestServerCrash ran into that after a kill inside the last chunk
// (TestUploadFinishedAtKillResumes).
func TestChecksumMismatchAfterNetworkFaultsIsRetried(t *testing.T) {
	ctx := context.Background()
	srv := mustOpenBureau(t, bureauConfig(t.TempDir()))
	acc := initBureau(t, srv)
	url := mustServe(t, srv.Handler())
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
	remote := &flakyRemote{Remote: mustClient(t, url, acc.Clerk), unreachable: 3, corrupt: true}
	sy := syncer.New(st, remote, blobs, syncOptions())
	p := plan{seed: 3, n: 1}
	pf := p.filing(0)
	for len(pf.files) == 0 {
		p.seed++
		pf = p.filing(0)
	}
	if err := ensureSubmitted(ctx, st, blobs, acc.Unit.ID, pf); err != nil {
		t.Fatal(err)
	}
	for pass := range 6 {
		err := sy.SyncOnce(ctx)
		items, _ := st.Outbox(ctx)
		if len(items) == 0 {
			t.Logf("delivered after %d passes", pass+1)
			verifyExactlyOnce(t, st, url, acc, p, "")
			return
		}
		t.Logf("pass %d: %v; item: %s", pass+1, err, brief(items[0]))
		if items[0].State == app.SendQuarantined {
			t.Fatalf("one damaged transfer after %d network failures quarantined the filing: %q", items[0].Attempts-1, items[0].LastError)
		}
	}
	t.Fatalf("not delivered after 6 passes")
}
