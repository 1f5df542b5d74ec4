package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"egovdesk/app"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server"
)

func TestAttachmentsGateTheReceipt(t *testing.T) {
	fx := MustBureau(t)
	one := bytes.Repeat([]byte("可行性研究报告"), 5000)
	two := []byte("%PDF-1.7 申请报告")
	f := newFiling(t, fx.unitA.ID, one, two)

	rc := fx.submit(fx.clerkA, f, http.StatusCreated)
	if rc.Status != protocol.ReceiptAwaitingAttachments || len(rc.Missing) != 2 || rc.FilingStatus != app.StatusDraft {
		t.Fatalf("receipt before uploads = %+v", rc)
	}
	var q protocol.FilingList
	fx.mustJSON("GET", protocol.PathReviewQueue, fx.reviewer, nil, http.StatusOK, &q)
	if len(q.Filings) != 0 {
		t.Fatalf("an incomplete revision entered the queue: %+v", q.Filings)
	}

	fx.upload(fx.clerkA, one, 7000)
	rc = fx.submit(fx.clerkA, f, http.StatusOK)
	if rc.Status != protocol.ReceiptAwaitingAttachments || len(rc.Missing) != 1 || rc.Missing[0].SHA256 != sha(two) {
		t.Fatalf("receipt after one upload = %+v", rc)
	}

	// Completing the last attachment settles the revision without a resend.
	st := fx.upload(fx.clerkA, two, 1024)
	if !st.Complete || st.Offset != int64(len(two)) {
		t.Fatalf("status = %+v", st)
	}
	fx.mustJSON("GET", protocol.PathReviewQueue, fx.reviewer, nil, http.StatusOK, &q)
	if len(q.Filings) != 1 {
		t.Fatalf("queue after uploads = %+v", q.Filings)
	}
	rc = fx.submit(fx.clerkA, f, http.StatusOK)
	if rc.Status != protocol.ReceiptReceived || len(rc.Missing) != 0 || rc.FilingStatus != app.StatusSubmitted {
		t.Fatalf("final receipt = %+v", rc)
	}

	// The reviewer downloads exactly the bytes; another unit's copy is separate.
	r := fx.do("GET", protocol.Path(protocol.PathReviewAttachment, f.ID, sha(one)), fx.reviewer, nil)
	if r.StatusCode != http.StatusOK || !bytes.Equal(r.body, one) {
		t.Fatalf("download: %d, %d bytes", r.StatusCode, len(r.body))
	}
	if r.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.HasPrefix(r.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("download headers = %v", r.Header)
	}
	var other protocol.UploadStatus
	fx.mustJSON("GET", protocol.Path(protocol.PathAttachment, sha(one)), fx.clerkB, nil, http.StatusOK, &other)
	if other.Offset != 0 || other.Complete {
		t.Errorf("unit B sees unit A's upload: %+v", other)
	}
	if _, err := os.Stat(filepath.Join(fx.dir, "attachments", fx.unitA.ID, sha(one))); err != nil {
		t.Errorf("attachment not kept as a file: %v", err)
	}
}

func TestUploadResumesFromServerOffset(t *testing.T) {
	fx := MustBureau(t)
	data := bytes.Repeat([]byte{1, 2, 3, 4, 5, 6, 7}, 3000)
	path := protocol.Path(protocol.PathAttachment, sha(data))
	length := strconv.Itoa(len(data))

	r := fx.do("PATCH", path, fx.clerkA, data[:5000], protocol.HeaderUploadOffset, "0", protocol.HeaderUploadLength, length)
	if r.StatusCode != http.StatusOK || r.Header.Get(protocol.HeaderUploadOffset) != "5000" {
		t.Fatalf("first chunk: %d %s", r.StatusCode, r.body)
	}
	// The client thinks it sent more than it did: 409 with the real offset.
	r = fx.do("PATCH", path, fx.clerkA, data[8000:9000], protocol.HeaderUploadOffset, "8000", protocol.HeaderUploadLength, length)
	p := r.problem(t)
	if r.StatusCode != http.StatusConflict || p.Code != protocol.CodeOffsetMismatch || p.Offset == nil || *p.Offset != 5000 ||
		r.Header.Get(protocol.HeaderUploadOffset) != "5000" {
		t.Fatalf("offset mismatch: %d %s", r.StatusCode, r.body)
	}
	// HEAD tells where to resume.
	h := fx.do("HEAD", path, fx.clerkA, nil)
	if h.Header.Get(protocol.HeaderUploadOffset) != "5000" || h.Header.Get(protocol.HeaderUploadComplete) != "?0" {
		t.Fatalf("HEAD headers = %v", h.Header)
	}
	r = fx.do("PATCH", path, fx.clerkA, data[5000:], protocol.HeaderUploadOffset, "5000", protocol.HeaderUploadLength, length)
	var st protocol.UploadStatus
	if err := json.Unmarshal(r.body, &st); err != nil || !st.Complete || r.Header.Get(protocol.HeaderUploadComplete) != "?1" {
		t.Fatalf("last chunk: %d %s", r.StatusCode, r.body)
	}
	// A repeated last chunk after completion is harmless.
	r = fx.do("PATCH", path, fx.clerkA, data[5000:], protocol.HeaderUploadOffset, "5000", protocol.HeaderUploadLength, length)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("PATCH after completion: %d %s", r.StatusCode, r.body)
	}
}

// The bureau hashes chunks as they arrive and keeps the state in the upload
// record; without it (an older record) it hashes the part file once and
// still verifies the whole attachment.
func TestUploadHashResumesWithoutState(t *testing.T) {
	fx := MustBureau(t)
	data := bytes.Repeat([]byte("resumable "), 3000)
	path := protocol.Path(protocol.PathAttachment, sha(data))
	length := strconv.Itoa(len(data))
	chunk := func(from, to int) response {
		return fx.do("PATCH", path, fx.clerkA, data[from:to], protocol.HeaderUploadOffset, strconv.Itoa(from), protocol.HeaderUploadLength, length)
	}
	if r := chunk(0, 7000); r.StatusCode != http.StatusOK {
		t.Fatalf("first chunk: %d %s", r.StatusCode, r.body)
	}
	server.ForgetUploadHash(t, fx.srv, fx.unitA.ID, sha(data))
	if r := chunk(7000, 20000); r.StatusCode != http.StatusOK {
		t.Fatalf("second chunk: %d %s", r.StatusCode, r.body)
	}
	r := chunk(20000, len(data))
	var st protocol.UploadStatus
	if err := json.Unmarshal(r.body, &st); err != nil || r.StatusCode != http.StatusOK || !st.Complete {
		t.Fatalf("last chunk: %d %s", r.StatusCode, r.body)
	}

	// A wrong byte in an early chunk is still caught at the end.
	bad := bytes.Clone(data)
	bad[10] ^= 1
	r = fx.do("PATCH", path, fx.clerkB, bad[:7000], protocol.HeaderUploadOffset, "0", protocol.HeaderUploadLength, length)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("first chunk of B: %d %s", r.StatusCode, r.body)
	}
	server.ForgetUploadHash(t, fx.srv, fx.unitB.ID, sha(data))
	r = fx.do("PATCH", path, fx.clerkB, bad[7000:], protocol.HeaderUploadOffset, "7000", protocol.HeaderUploadLength, length)
	if p := r.problem(t); r.StatusCode != http.StatusUnprocessableEntity || p.Code != protocol.CodeChecksumMismatch {
		t.Fatalf("mismatch: %d %s", r.StatusCode, r.body)
	}
}

// When the part file lost the bytes its record counts, the bureau starts
// the upload over instead of vouching for bytes it does not have.
func TestUploadRestartsWhenPartFileIsGone(t *testing.T) {
	fx := MustBureau(t)
	data := bytes.Repeat([]byte("lost part "), 2000)
	path := protocol.Path(protocol.PathAttachment, sha(data))
	length := strconv.Itoa(len(data))
	r := fx.do("PATCH", path, fx.clerkA, data[:5000], protocol.HeaderUploadOffset, "0", protocol.HeaderUploadLength, length)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("first chunk: %d %s", r.StatusCode, r.body)
	}
	if err := os.Remove(filepath.Join(fx.dir, "attachments", fx.unitA.ID, sha(data)+".part")); err != nil {
		t.Fatal(err)
	}
	r = fx.do("PATCH", path, fx.clerkA, data[5000:], protocol.HeaderUploadOffset, "5000", protocol.HeaderUploadLength, length)
	if p := r.problem(t); r.StatusCode != http.StatusConflict || p.Code != protocol.CodeOffsetMismatch || p.Offset == nil || *p.Offset != 0 {
		t.Fatalf("chunk after the part file went: %d %s", r.StatusCode, r.body)
	}
	if st := fx.upload(fx.clerkA, data, 6000); !st.Complete {
		t.Fatalf("upload from 0 = %+v", st)
	}
}

func TestUploadChecksumMismatchDiscards(t *testing.T) {
	fx := MustBureau(t)
	want := []byte("the real file")
	path := protocol.Path(protocol.PathAttachment, sha(want))
	r := fx.do("PATCH", path, fx.clerkA, []byte("a fake file!!"), protocol.HeaderUploadOffset, "0",
		protocol.HeaderUploadLength, strconv.Itoa(len(want)))
	if p := r.problem(t); r.StatusCode != http.StatusUnprocessableEntity || p.Code != protocol.CodeChecksumMismatch {
		t.Fatalf("mismatch: %d %s", r.StatusCode, r.body)
	}
	var st protocol.UploadStatus
	fx.mustJSON("GET", path, fx.clerkA, nil, http.StatusOK, &st)
	if st.Offset != 0 || st.Complete {
		t.Fatalf("status after mismatch = %+v", st)
	}
	if st := fx.upload(fx.clerkA, want, 4); !st.Complete {
		t.Fatalf("re-upload = %+v", st)
	}
}

// An upload started with a wrong length (a client's bug) does not block the
// file: started again from byte 0 with its real length once its part is
// idle, it completes. Part way, while it moves, or once complete, another
// length is still refused.
func TestUploadStartedWithAWrongLengthStartsOver(t *testing.T) {
	fx := MustBureau(t)
	data := bytes.Repeat([]byte("竣工验收报告"), 500)
	path := protocol.Path(protocol.PathAttachment, sha(data))
	wrong, real := strconv.Itoa(len(data)+4096), strconv.Itoa(len(data))

	r := fx.do("PATCH", path, fx.clerkA, data[:1000], protocol.HeaderUploadOffset, "0", protocol.HeaderUploadLength, wrong)
	if r.StatusCode != http.StatusOK || r.Header.Get(protocol.HeaderUploadOffset) != "1000" {
		t.Fatalf("first chunk, wrong length: %d %s", r.StatusCode, r.body)
	}
	r = fx.do("PATCH", path, fx.clerkA, data[1000:], protocol.HeaderUploadOffset, "1000", protocol.HeaderUploadLength, real)
	if p := r.problem(t); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(p.Detail, "不一致") {
		t.Fatalf("resumed with another length: %d %s", r.StatusCode, r.body)
	}
	// While the upload moves, it belongs to the client sending it.
	// The refusal says when it may start over (it read as for good; found
	// from outside).
	r = fx.do("PATCH", path, fx.clerkA, data, protocol.HeaderUploadOffset, "0", protocol.HeaderUploadLength, real)
	if p := r.problem(t); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(p.Detail, "后，可从第 0 字节按新的大小重新上传") {
		t.Fatalf("restarted while it moves: %d %s", r.StatusCode, r.body)
	}
	fx.clock.Advance(10 * time.Minute) // idle past UploadIdle
	r = fx.do("PATCH", path, fx.clerkA, data, protocol.HeaderUploadOffset, "0", protocol.HeaderUploadLength, real)
	var st protocol.UploadStatus
	if err := json.Unmarshal(r.body, &st); err != nil || r.StatusCode != http.StatusOK || !st.Complete || st.Size != int64(len(data)) {
		t.Fatalf("started over with the real length: %d %s", r.StatusCode, r.body)
	}
	got, err := os.ReadFile(filepath.Join(fx.dir, "attachments", fx.unitA.ID, sha(data)))
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("kept file: %d bytes, %v", len(got), err)
	}
	r = fx.do("PATCH", path, fx.clerkA, data, protocol.HeaderUploadOffset, "0", protocol.HeaderUploadLength, wrong)
	if r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("a complete upload with another length: %d %s", r.StatusCode, r.body)
	}
}

func TestUploadLimits(t *testing.T) {
	fx := MustBureau(t, func(c *server.Config) { c.MaxAttachmentBytes = 1000; c.ChunkBytes = 100 })
	var lim protocol.Limits
	fx.mustJSON("GET", protocol.PathLimits, "", nil, http.StatusOK, &lim)
	if lim.MaxAttachmentBytes != 1000 || lim.ChunkBytes != 100 {
		t.Fatalf("limits = %+v", lim)
	}
	big := bytes.Repeat([]byte("x"), 1001)
	path := protocol.Path(protocol.PathAttachment, sha(big))
	r := fx.do("PATCH", path, fx.clerkA, big[:10], protocol.HeaderUploadOffset, "0", protocol.HeaderUploadLength, "1001")
	if p := r.problem(t); p.Code != app.ETOOLARGE || r.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("too large: %d %s", r.StatusCode, r.body)
	}
	ok := bytes.Repeat([]byte("y"), 500)
	path = protocol.Path(protocol.PathAttachment, sha(ok))
	r = fx.do("PATCH", path, fx.clerkA, ok[:200], protocol.HeaderUploadOffset, "0", protocol.HeaderUploadLength, "500")
	if p := r.problem(t); p.Code != app.ETOOLARGE {
		t.Fatalf("oversized chunk: %d %s", r.StatusCode, r.body)
	}
	// What fit in one chunk was kept; resume from there.
	var st protocol.UploadStatus
	fx.mustJSON("GET", path, fx.clerkA, nil, http.StatusOK, &st)
	if st.Offset != 100 || st.MaxSize != 1000 {
		t.Fatalf("status after oversized chunk = %+v", st)
	}
	// A submission naming an attachment over the limit is refused up front.
	f := newFiling(t, fx.unitA.ID, big)
	fx.expectProblem("POST", revPath(f), fx.clerkA, submitReq(t, f), http.StatusRequestEntityTooLarge, app.ETOOLARGE)
}

func TestFilingDetailSaysWhichAttachmentsAreComplete(t *testing.T) {
	fx := MustBureau(t)
	one, two := []byte("可行性研究报告"), []byte("%PDF-1.7 申请报告")
	f := newFiling(t, fx.unitA.ID, one, two)
	fx.submit(fx.clerkA, f, http.StatusCreated)
	fx.upload(fx.clerkA, one, 1024)

	var d protocol.FilingDetail
	fx.mustJSON("GET", protocol.Path(protocol.PathFiling, f.ID), fx.clerkA, nil, http.StatusOK, &d)
	got := map[string]bool{}
	for _, a := range d.Attachments {
		got[a.SHA256] = a.Complete
	}
	if len(d.Attachments) != 2 || !got[sha(one)] || got[sha(two)] {
		t.Fatalf("attachments = %+v", d.Attachments)
	}
}

// A chunk whose connection is cut keeps every byte that arrived, across the
// buffers the bureau reads a chunk into and up to the last partial one, with
// a hash state for exactly those bytes: the rest of the upload then
// completes, verified, from the bureau's offset.
func TestUploadKeepsBytesOfCutChunk(t *testing.T) {
	fx := MustBureau(t)
	data := make([]byte, 3<<20+777)
	for i := range data {
		data[i] = byte(i*31 + i>>11)
	}
	sum := sha(data)
	path := protocol.Path(protocol.PathAttachment, sum)
	cut := 2<<20 + 300<<10 + 5

	conn, err := net.Dial("tcp", fx.http.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	head := fmt.Sprintf("PATCH %s HTTP/1.1\r\nHost: bureau\r\n%s: Bearer %s\r\nContent-Type: %s\r\n%s: 0\r\n%s: %d\r\nContent-Length: %d\r\n\r\n",
		path, protocol.HeaderAuthorization, fx.clerkA, protocol.MediaChunk,
		protocol.HeaderUploadOffset, protocol.HeaderUploadLength, len(data), len(data))
	if _, err := conn.Write(append([]byte(head), data[:cut]...)); err != nil {
		t.Fatal(err)
	}
	conn.Close()

	var off string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if off = fx.do("HEAD", path, fx.clerkA, nil).Header.Get(protocol.HeaderUploadOffset); off == strconv.Itoa(cut) {
			break
		}
	}
	if off != strconv.Itoa(cut) {
		t.Fatalf("offset after a chunk cut at %d = %s", cut, off)
	}
	r := fx.do("PATCH", path, fx.clerkA, data[cut:], protocol.HeaderUploadOffset, off, protocol.HeaderUploadLength, strconv.Itoa(len(data)))
	var st protocol.UploadStatus
	if err := json.Unmarshal(r.body, &st); err != nil || r.StatusCode != http.StatusOK || !st.Complete {
		t.Fatalf("rest of the upload: %d %s", r.StatusCode, r.body)
	}
	got, err := os.ReadFile(filepath.Join(fx.dir, "attachments", fx.unitA.ID, sum))
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("attachment kept: %d bytes, %v", len(got), err)
	}
}

// TestUploadSyncsTheDirectoryAfterTheRename: a verified attachment is
// renamed into place and the rename made durable (its directory synced,
// and the directory above, which holds a unit's new directory) before the
// upload is recorded complete: otherwise a power cut could leave a
// "complete" record and no file.
func TestUploadSyncsTheDirectoryAfterTheRename(t *testing.T) {
	fx := MustBureau(t)
	data := bytes.Repeat([]byte("可行性研究报告"), 3000)
	sum := sha(data)
	final := filepath.Join(fx.dir, "attachments", fx.unitA.ID, sum)
	var synced []string
	server.WatchSyncDir(fx.srv, func(dir string) {
		if _, err := os.Stat(final); err != nil {
			t.Errorf("directory %s synced before the attachment was in place: %v", dir, err)
		}
		synced = append(synced, dir)
	})
	r := fx.do("PATCH", protocol.Path(protocol.PathAttachment, sum), fx.clerkA, data,
		protocol.HeaderUploadOffset, "0", protocol.HeaderUploadLength, strconv.Itoa(len(data)))
	if r.StatusCode != http.StatusOK || r.Header.Get(protocol.HeaderUploadComplete) != "?1" {
		t.Fatalf("upload: %d %s", r.StatusCode, r.body)
	}
	want := []string{filepath.Dir(final), filepath.Join(fx.dir, "attachments")}
	if !slices.Equal(synced, want) {
		t.Fatalf("directories synced %v, want %v", synced, want)
	}
}

// TestPruneUploadsDiscardsOnlyAbandonedOnes: an upload left unfinished for
// longer than PartRetention loses its record and part file, and the client
// that comes back starts it again from 0 and completes it; a complete
// attachment and an unfinished upload that moved recently stay.
func TestPruneUploadsDiscardsOnlyAbandonedOnes(t *testing.T) {
	fx := MustBureau(t, func(c *server.Config) { c.PartRetention = 7 * 24 * time.Hour })
	chunk := func(data []byte, from, to int) response {
		t.Helper()
		return fx.do("PATCH", protocol.Path(protocol.PathAttachment, sha(data)), fx.clerkA, data[from:to],
			protocol.HeaderUploadOffset, strconv.Itoa(from), protocol.HeaderUploadLength, strconv.Itoa(len(data)))
	}
	offset := func(data []byte) string {
		t.Helper()
		return fx.do("HEAD", protocol.Path(protocol.PathAttachment, sha(data)), fx.clerkA, nil).Header.Get(protocol.HeaderUploadOffset)
	}
	abandoned := bytes.Repeat([]byte("可行性研究报告"), 4000)
	complete := bytes.Repeat([]byte("初步设计方案"), 3000)
	recent := bytes.Repeat([]byte("项目申请报告"), 3000)
	if r := chunk(abandoned, 0, 10000); r.StatusCode != http.StatusOK {
		t.Fatalf("first chunk: %d %s", r.StatusCode, r.body)
	}
	if r := chunk(complete, 0, len(complete)); r.StatusCode != http.StatusOK {
		t.Fatalf("complete upload: %d %s", r.StatusCode, r.body)
	}
	fx.clock.Advance(6 * 24 * time.Hour)
	if r := chunk(recent, 0, 5000); r.StatusCode != http.StatusOK {
		t.Fatalf("recent chunk: %d %s", r.StatusCode, r.body)
	}
	if n, err := fx.srv.PruneUploads(context.Background()); err != nil || n != 0 {
		t.Fatalf("prune after 6 days: %d, %v; want nothing", n, err)
	}
	fx.clock.Advance(2 * 24 * time.Hour) // the first upload is now 8 days old, the recent one 2
	if n, err := fx.srv.PruneUploads(context.Background()); err != nil || n != 1 {
		t.Fatalf("prune after 8 days: %d, %v; want 1", n, err)
	}
	part := filepath.Join(fx.dir, "attachments", fx.unitA.ID, sha(abandoned)+".part")
	if _, err := os.Stat(part); !os.IsNotExist(err) {
		t.Fatalf("part file of the abandoned upload: %v", err)
	}
	if got := offset(abandoned); got != "0" {
		t.Fatalf("abandoned upload resumes at %s, want 0", got)
	}
	if got := offset(recent); got != "5000" {
		t.Fatalf("recent upload at %s, want 5000", got)
	}
	if h := fx.do("HEAD", protocol.Path(protocol.PathAttachment, sha(complete)), fx.clerkA, nil); h.Header.Get(protocol.HeaderUploadComplete) != "?1" {
		t.Fatalf("complete attachment after pruning: %v", h.Header)
	}
	// The clerk's client comes back and sends the whole file again.
	if r := chunk(abandoned, 0, len(abandoned)); r.StatusCode != http.StatusOK || r.Header.Get(protocol.HeaderUploadComplete) != "?1" {
		t.Fatalf("upload again: %d %s", r.StatusCode, r.body)
	}
}

// TestUploadKeepsNothingOfAChunkTheDiskFailed: when the disk fails to
// sync a chunk, the bureau answers with a server error, keeps none of the
// chunk (the part file and the offset stay where they were, and the hash
// state does not cover the lost bytes), and the same chunk sent again
// completes an upload that verifies.
func TestUploadKeepsNothingOfAChunkTheDiskFailed(t *testing.T) {
	fx := MustBureau(t)
	data := bytes.Repeat([]byte("初步设计方案及投资概算"), 3000)
	path := protocol.Path(protocol.PathAttachment, sha(data))
	length := strconv.Itoa(len(data))
	part := filepath.Join(fx.dir, "attachments", fx.unitA.ID, sha(data)+".part")
	chunk := func(from, to int) response {
		t.Helper()
		return fx.do("PATCH", path, fx.clerkA, data[from:to],
			protocol.HeaderUploadOffset, strconv.Itoa(from), protocol.HeaderUploadLength, length)
	}
	if r := chunk(0, 20000); r.StatusCode != http.StatusOK {
		t.Fatalf("first chunk: %d %s", r.StatusCode, r.body)
	}
	server.FailPartSyncs(fx.srv, 1, errors.New("input/output error"))
	r := chunk(20000, 45000)
	if r.StatusCode < 500 {
		t.Fatalf("chunk the disk failed: %d %s, want a server error", r.StatusCode, r.body)
	}
	if got := fx.do("HEAD", path, fx.clerkA, nil).Header.Get(protocol.HeaderUploadOffset); got != "20000" {
		t.Fatalf("offset after the failed chunk: %s, want 20000", got)
	}
	if fi, err := os.Stat(part); err != nil || fi.Size() != 20000 {
		t.Fatalf("part file after the failed chunk: %v, %v; want 20000 bytes", fi, err)
	}
	r = chunk(20000, len(data))
	if r.StatusCode != http.StatusOK || r.Header.Get(protocol.HeaderUploadComplete) != "?1" {
		t.Fatalf("the chunk again: %d %s", r.StatusCode, r.body)
	}
}

// TestUnreferencedAttachmentsArePruned (found from outside): complete
// attachments no filing named were kept for ever, so a clerk's token could
// add a day's upload budget (4 GiB) to the disk every day until the bureau
// refused everyone's writes. One no stored revision of its unit names is
// deleted once PartRetention has passed since it completed; one a
// revision names stays, also when the revision came before the bureau
// marked them; a backup running holds them all; and a filing that names a
// deleted one later waits for it until its client sends it again.
func TestUnreferencedAttachmentsArePruned(t *testing.T) {
	fx := MustBureau(t, func(c *server.Config) { c.PartRetention = 7 * 24 * time.Hour })
	orphan := bytes.Repeat([]byte("从未提交的附件"), 2000)
	named := bytes.Repeat([]byte("项目建议书正文"), 2000)
	before := bytes.Repeat([]byte("标记之前的附件"), 2000)
	for _, data := range [][]byte{orphan, named, before} {
		fx.upload(fx.clerkA, data, 1<<20)
	}
	if rc := fx.submit(fx.clerkA, newFiling(t, fx.unitA.ID, named, before), http.StatusCreated); rc.Status != protocol.ReceiptReceived {
		t.Fatalf("filing with its attachments: %+v", rc)
	}
	server.ForgetUploadMark(t, fx.srv, fx.unitA.ID, sha(before)) // as stored by an older bureau
	// Unit B sent the same bytes as A's orphan, for a filing of its own.
	fx.upload(fx.clerkB, orphan, 1<<20)
	fx.submit(fx.clerkB, newFiling(t, fx.unitB.ID, orphan), http.StatusCreated)

	prune := func(want int) {
		t.Helper()
		if n, err := fx.srv.PruneUnreferencedUploads(context.Background()); err != nil || n != want {
			t.Fatalf("prune: %d, %v; want %d", n, err, want)
		}
	}
	complete := func(token string, data []byte) bool {
		t.Helper()
		return fx.do("HEAD", protocol.Path(protocol.PathAttachment, sha(data)), token, nil).Header.Get(protocol.HeaderUploadComplete) == "?1"
	}
	file := func(unit string, data []byte) string { return filepath.Join(fx.dir, "attachments", unit, sha(data)) }

	fx.clock.Advance(6 * 24 * time.Hour)
	prune(0) // completed 6 days ago: the client may still submit it
	fx.clock.Advance(2 * 24 * time.Hour)
	// A backup copying the attachments holds them.
	bw := &blockedWriter{header: http.Header{}, started: make(chan struct{}), release: make(chan struct{})}
	backedUp := make(chan error, 1)
	go func() { _, err := fx.srv.Backup(context.Background(), bw); backedUp <- err }()
	<-bw.started
	prune(0)
	close(bw.release)
	if err := <-backedUp; err != nil {
		t.Fatal(err)
	}
	prune(1)
	if _, err := os.Stat(file(fx.unitA.ID, orphan)); !os.IsNotExist(err) {
		t.Fatalf("file of the attachment no filing names: %v", err)
	}
	if complete(fx.clerkA, orphan) {
		t.Fatal("the pruned attachment is still complete")
	}
	for _, c := range []struct {
		token, unit string
		data        []byte
	}{{fx.clerkA, fx.unitA.ID, named}, {fx.clerkA, fx.unitA.ID, before}, {fx.clerkB, fx.unitB.ID, orphan}} {
		if _, err := os.Stat(file(c.unit, c.data)); err != nil || !complete(c.token, c.data) {
			t.Fatalf("an attachment a filing names: %v, complete %v", err, complete(c.token, c.data))
		}
	}
	prune(0) // the one named before the mark is marked now

	// The clerk submits, after all, a filing naming the deleted one: it
	// waits for it, and is received once the client has sent it again.
	late := newFiling(t, fx.unitA.ID, orphan)
	if rc := fx.submit(fx.clerkA, late, http.StatusCreated); rc.Status != protocol.ReceiptAwaitingAttachments ||
		len(rc.Missing) != 1 || rc.Missing[0].SHA256 != sha(orphan) {
		t.Fatalf("a filing naming the deleted attachment: %+v", rc)
	}
	fx.upload(fx.clerkA, orphan, 1<<20)
	if rc := fx.submit(fx.clerkA, late, http.StatusOK); rc.Status != protocol.ReceiptReceived {
		t.Fatalf("after sending it again: %+v", rc)
	}
	fx.clock.Advance(30 * 24 * time.Hour)
	prune(0)
}

// TestMissingFileOfACompleteAttachmentIsAskedAgain: a complete record
// whose file is gone (a backup whose snapshot counted an attachment that
// another bureau process deleted before its files were copied; a file
// removed by hand) is forgotten when the client asks about it, so the
// client sends the attachment again and the filing naming it is received
// with its file, rather than without it.
func TestMissingFileOfACompleteAttachmentIsAskedAgain(t *testing.T) {
	fx := MustBureau(t)
	data := bytes.Repeat([]byte("试运行报告附件"), 3000)
	fx.upload(fx.clerkA, data, 1<<20)
	file := filepath.Join(fx.dir, "attachments", fx.unitA.ID, sha(data))
	if err := os.Remove(file); err != nil {
		t.Fatal(err)
	}
	path := protocol.Path(protocol.PathAttachment, sha(data))
	if h := fx.do("HEAD", path, fx.clerkA, nil).Header; h.Get(protocol.HeaderUploadComplete) != "?0" || h.Get(protocol.HeaderUploadOffset) != "0" {
		t.Fatalf("status of a complete attachment without its file: %v", h)
	}
	fx.upload(fx.clerkA, data, 1<<20)
	if _, err := os.Stat(file); err != nil {
		t.Fatalf("the file sent again: %v", err)
	}
	f := newFiling(t, fx.unitA.ID, data)
	if rc := fx.submit(fx.clerkA, f, http.StatusCreated); rc.Status != protocol.ReceiptReceived {
		t.Fatalf("the filing naming it: %+v", rc)
	}
	// Found in the next round: the received filing names it, so neither a
	// retention later, nor when its file goes again and the upload started
	// again is left unfinished, is it pruned.
	for round := range 2 {
		if err := os.Remove(file); err != nil {
			t.Fatal(err)
		}
		if h := fx.do("HEAD", path, fx.clerkA, nil).Header; h.Get(protocol.HeaderUploadComplete) != "?0" {
			t.Fatalf("round %d: status without the file: %v", round, h)
		}
		if round == 0 {
			fx.upload(fx.clerkA, data, 1<<20)
		} else { // started again, then left
			r := fx.do("PATCH", path, fx.clerkA, data[:1000], protocol.HeaderUploadOffset, "0", protocol.HeaderUploadLength, strconv.Itoa(len(data)))
			if r.StatusCode != http.StatusOK {
				t.Fatalf("a first chunk: %d %s", r.StatusCode, r.body)
			}
		}
		fx.clock.Advance(31 * 24 * time.Hour)
		fx.clerkA = fx.login("clerk-a").Token // the session ran out meanwhile
		if n, err := fx.srv.PruneUnreferencedUploads(context.Background()); err != nil || n != 0 {
			t.Fatalf("round %d: pruned %d attachments a filing names, %v", round, n, err)
		}
		if n, err := fx.srv.PruneUploads(context.Background()); err != nil || n != 0 {
			t.Fatalf("round %d: discarded %d uploads a filing names, %v", round, n, err)
		}
	}
	// The upload left resumes where it stood.
	if r := fx.do("PATCH", path, fx.clerkA, data[1000:], protocol.HeaderUploadOffset, "1000", protocol.HeaderUploadLength, strconv.Itoa(len(data))); r.StatusCode != http.StatusOK {
		t.Fatalf("the rest: %d %s", r.StatusCode, r.body)
	}
	var got []byte
	r := fx.do("GET", protocol.Path(protocol.PathFilingAttachment, f.ID, sha(data)), fx.clerkA, nil)
	if got = r.body; r.StatusCode != http.StatusOK || !bytes.Equal(got, data) {
		t.Fatalf("the attachment after all: %d, %d bytes", r.StatusCode, len(got))
	}
}

// TestOrphanFilesArePruned: a bureau killed during an upload's first chunk
// keeps its part file and no record; one killed between a pruned record
// and its file keeps the file. Nothing named them, so nothing deleted
// them. PruneOrphanFiles deletes such files once they are older than the
// retention, and leaves every file a record names, however old, a recent
// orphan (its client may come back) and files that are not attachments.
func TestOrphanFilesArePruned(t *testing.T) {
	fx := MustBureau(t, func(c *server.Config) { c.PartRetention = 24 * time.Hour })
	dir := filepath.Join(fx.dir, "attachments", fx.unitA.ID)
	done := bytes.Repeat([]byte("已收到的附件"), 1000)
	fx.upload(fx.clerkA, done, 1<<20)
	half := bytes.Repeat([]byte("上传了一半的附件"), 1000)
	halfPath := protocol.Path(protocol.PathAttachment, sha(half))
	if r := fx.do("PATCH", halfPath, fx.clerkA, half[:1000], protocol.HeaderUploadOffset, "0",
		protocol.HeaderUploadLength, strconv.Itoa(len(half))); r.StatusCode != http.StatusOK {
		t.Fatalf("a first chunk: %d %s", r.StatusCode, r.body)
	}
	partOrphan := sha([]byte("killed during the first chunk")) + ".part"
	fileOrphan := sha([]byte("killed after its record was pruned"))
	recent := sha([]byte("killed a minute ago")) + ".part"
	for _, name := range []string{partOrphan, fileOrphan, recent, "说明.txt"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("bytes"), 0o640); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-48 * time.Hour)
	for _, name := range []string{sha(done), sha(half) + ".part", partOrphan, fileOrphan, "说明.txt"} {
		if err := os.Chtimes(filepath.Join(dir, name), old, old); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := fx.srv.PruneOrphanFiles(context.Background()); err != nil || n != 2 {
		t.Fatalf("pruned %d orphan files, want 2: %v", n, err)
	}
	for name, want := range map[string]bool{sha(done): true, sha(half) + ".part": true, recent: true, "说明.txt": true,
		partOrphan: false, fileOrphan: false} {
		if _, err := os.Stat(filepath.Join(dir, name)); (err == nil) != want {
			t.Errorf("%s: kept %v, want %v", name, err == nil, want)
		}
	}
	if n, err := fx.srv.PruneOrphanFiles(context.Background()); err != nil || n != 0 {
		t.Fatalf("second round: pruned %d, %v", n, err)
	}
	// What the records name is whole: the complete attachment is there,
	// the half resumes where it stood.
	if h := fx.do("HEAD", protocol.Path(protocol.PathAttachment, sha(done)), fx.clerkA, nil).Header; h.Get(protocol.HeaderUploadComplete) != "?1" {
		t.Fatalf("the complete attachment: %v", h)
	}
	if r := fx.do("PATCH", halfPath, fx.clerkA, half[1000:], protocol.HeaderUploadOffset, "1000",
		protocol.HeaderUploadLength, strconv.Itoa(len(half))); r.StatusCode != http.StatusOK {
		t.Fatalf("the rest: %d %s", r.StatusCode, r.body)
	}
}
