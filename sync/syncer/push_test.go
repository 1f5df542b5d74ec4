package syncer_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"egovdesk/app"
	"egovdesk/app/apptest"
	"egovdesk/app/store"
	"egovdesk/sync/client"
	"egovdesk/sync/protocol"
	"egovdesk/sync/syncer"
)

// withAttachment saves and submits a filing of st with one attachment kept
// in blobs, and returns the attachment.
func withAttachment(t *testing.T, st *store.Store, blobs *syncer.BlobDir) app.Attachment {
	t.Helper()
	ctx := context.Background()
	a, err := blobs.ImportReader(ctx, "立项批复.pdf", bytes.NewReader(content(5000, 1)))
	if err != nil {
		t.Fatal(err)
	}
	f, err := app.NewFiling(app.KindDeclaration, uuid.NewString(), uuid.NewString(), "unit-1", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	f.Declaration = apptest.Declaration()
	a.Material = "proposal"
	f.Attachments = []app.Attachment{a}
	if err := st.Save(ctx, f); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Submit(ctx, f.ID, "李梅", time.Now()); err != nil {
		t.Fatal(err)
	}
	return a
}

// TestAwaitingAttachmentsUploadsMissing: when the bureau's receipt says an
// attachment is still missing (it lost an upload, say), the syncer uploads
// it and submits again within the same pass.
func TestAwaitingAttachmentsUploadsMissing(t *testing.T) {
	ctx := context.Background()
	st := MustMemStore(t)
	blobs, err := syncer.OpenBlobDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	a := withAttachment(t, st, blobs)
	var uploads, submits int
	remote := &fakeRemote{
		upload: func(_ context.Context, sha string, size int64) (protocol.UploadStatus, error) {
			uploads++
			return protocol.UploadStatus{SHA256: sha, Size: size, Offset: size, Complete: true}, nil
		},
		submit: func(_ context.Context, req protocol.SubmitRequest) (protocol.Receipt, error) {
			submits++
			rc := protocol.Receipt{FilingID: req.FilingID, RevisionID: req.RevisionID, Status: protocol.ReceiptReceived}
			if submits == 1 {
				rc.Status = protocol.ReceiptAwaitingAttachments
				rc.Missing = []protocol.AttachmentRef{{SHA256: a.SHA256, Size: a.Size, Name: a.Name}}
			}
			return rc, nil
		},
	}
	sy := syncer.New(st, remote, blobs, syncer.Options{})
	if err := sy.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if uploads != 2 || submits != 2 {
		t.Fatalf("uploads %d, submits %d; want 2 and 2", uploads, submits)
	}
	if items, _ := st.Outbox(ctx); len(items) != 0 {
		t.Fatalf("outbox %+v", items)
	}
}

// TestChecksumMismatchRetriesWhileFileIsIntact: a checksum mismatch with an
// intact local file is a transmission fault and is retried however often it
// happens; once the local file itself no longer matches its hash, the item is
// set aside at once with a message naming the file.
func TestChecksumMismatchRetriesWhileFileIsIntact(t *testing.T) {
	ctx := context.Background()
	st := MustMemStore(t)
	blobs, err := syncer.OpenBlobDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	a := withAttachment(t, st, blobs)
	remote := &fakeRemote{upload: func(context.Context, string, int64) (protocol.UploadStatus, error) {
		return protocol.UploadStatus{}, &client.Error{Op: "upload chunk", Status: 422,
			Problem: protocol.NewProblem(protocol.CodeChecksumMismatch, "附件内容与校验值不符，已丢弃")}
	}}
	sy := syncer.New(st, remote, blobs, syncer.Options{})
	for i := range 5 {
		if err := sy.SyncOnce(ctx); client.ProblemCode(err) != protocol.CodeChecksumMismatch {
			t.Fatalf("pass %d: %v", i, err)
		}
		items, _ := st.Outbox(ctx)
		if items[0].State != app.SendFailed || !strings.Contains(items[0].LastError, "将重新上传") {
			t.Fatalf("pass %d: %+v", i, items[0])
		}
	}

	// The local copy is damaged (disk error, edited in place).
	if err := os.WriteFile(blobs.Path(a.SHA256), content(5000, 2), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := sy.SyncOnce(ctx); err != nil {
		t.Fatalf("pass with a damaged file: %v", err)
	}
	items, _ := st.Outbox(ctx)
	if items[0].State != app.SendQuarantined || !strings.Contains(items[0].LastError, "立项批复.pdf") ||
		!strings.Contains(items[0].LastError, "已损坏") {
		t.Fatalf("after the local file was damaged: %+v", items[0])
	}
}

func TestBlobDir(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir() + "/blobs"
	d, err := syncer.OpenBlobDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	data := content(70000, 3)
	// The imported file's name must survive a power cut before a filing names it.
	var synced []string
	syncer.WatchSyncDir(t, func(got string) {
		if _, err := os.Stat(filepath.Join(got, sha256Hex(data))); err != nil {
			t.Errorf("directory %s synced before the file was in place: %v", got, err)
		}
		synced = append(synced, got)
	})
	a, err := d.ImportReader(ctx, "预算明细.XLSX", bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(synced, []string{dir}) {
		t.Fatalf("directories synced %v, want %v", synced, []string{dir})
	}
	if a.Size != int64(len(data)) || a.SHA256 != sha256Hex(data) || a.Name != "预算明细.XLSX" || a.MediaType == "" {
		t.Fatalf("attachment %+v", a)
	}
	// Importing the same bytes again yields the same file.
	if b, err := d.ImportReader(ctx, "副本.xlsx", bytes.NewReader(data)); err != nil || b.SHA256 != a.SHA256 {
		t.Fatalf("second import %+v %v", b, err)
	}
	b, err := d.Open(a.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	got, err := io.ReadAll(io.NewSectionReader(b, 0, b.Size()))
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("read back %d bytes, %v", len(got), err)
	}
	if _, err := d.Open(sha256Hex([]byte("absent"))); app.ErrorCode(err) != app.ENOTFOUND {
		t.Fatalf("missing blob: %v", err)
	}
	if _, err := d.Open("../../etc/passwd"); app.ErrorCode(err) != app.ENOTFOUND {
		t.Fatalf("a path is not a hash: %v", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := d.ImportReader(cancelled, "x", bytes.NewReader(data)); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled import: %v", err)
	}
}
