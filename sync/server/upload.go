package server

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"egovdesk/app"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server/bureaustore"
)

// uploadRecord is where the upload of one attachment by one unit stands
// (bureaustore.Upload). The bytes are in <data>/attachments/<unit>/<sha256>.part
// until complete and verified, then in <data>/attachments/<unit>/<sha256>.
//
// Hash is the SHA-256 and SM3 state (digests.MarshalBinary) over the first
// HashedTo bytes of the part file. The bureau hashes the bytes as they
// arrive and keeps the state in the record with the offset, so neither the
// last chunk nor a restart makes it read the file again; when HashedTo is
// not Offset (a record written without a state) it hashes the part file once.
type uploadRecord = bureaustore.Upload

func (s *Server) attachmentPath(unit, sum string, complete bool) string {
	p := filepath.Join(s.files, unit, sum)
	if !complete {
		p += ".part"
	}
	return p
}

// newUploadCharge is what starting an upload counts against the unit's
// daily budget at least (Config.UnitUploadPerDay): 4,096 uploads started a
// day in the default 4 GiB, where a township sends tens of attachments.
const newUploadCharge = 1 << 20

// uploadLock takes the lock that serialises the requests on one upload
// (one unit's attachment) and returns its release.
func (s *Server) uploadLock(unit, sum string) func() { return s.uploads.lock(uploadKey(unit, sum)) }

// tryUploadLock takes the upload's lock if it is free.
func (s *Server) tryUploadLock(unit, sum string) (release func(), ok bool) {
	return s.uploads.tryLock(uploadKey(unit, sum))
}

func uploadKey(unit, sum string) string { return unit + "/" + sum }

// uploadLocks are the locks of the uploads in use, one an upload, made
// when first wanted and dropped when no one holds or waits for it. A chunk
// holds its upload's lock while its body arrives (up to MaxChunkTime): with
// 64 locks shared by all units through a hash, one clerk's slow chunks on
// made-up attachments chosen to fall on every lock froze every unit's
// uploads, and with them the pruning and a backup (found from outside).
type uploadLocks struct {
	mu sync.Mutex
	m  map[string]*uploadLockEntry
}

type uploadLockEntry struct {
	mu   sync.Mutex
	refs int // holders and waiters
}

func (l *uploadLocks) entry(key string) *uploadLockEntry {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.m == nil {
		l.m = map[string]*uploadLockEntry{}
	}
	e := l.m[key]
	if e == nil {
		e = &uploadLockEntry{}
		l.m[key] = e
	}
	e.refs++
	return e
}

func (l *uploadLocks) done(key string, e *uploadLockEntry) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if e.refs--; e.refs == 0 {
		delete(l.m, key)
	}
}

// lock waits for key's lock and returns its release.
func (l *uploadLocks) lock(key string) func() {
	e := l.entry(key)
	e.mu.Lock()
	return func() { e.mu.Unlock(); l.done(key, e) }
}

// tryLock takes key's lock if it is free.
func (l *uploadLocks) tryLock(key string) (release func(), ok bool) {
	e := l.entry(key)
	if !e.mu.TryLock() {
		l.done(key, e)
		return nil, false
	}
	return func() { e.mu.Unlock(); l.done(key, e) }, true
}

func (s *Server) uploadStatus(sum string, up uploadRecord) protocol.UploadStatus {
	st := protocol.UploadStatus{SHA256: sum, Size: up.Size, Offset: up.Offset, Complete: up.Complete, MaxSize: s.cfg.MaxAttachmentBytes}
	if up.Complete {
		st.SM3 = up.SM3
	}
	return st
}

func writeUploadHeaders(w http.ResponseWriter, st protocol.UploadStatus) {
	h := w.Header()
	h.Set(protocol.HeaderUploadOffset, strconv.FormatInt(st.Offset, 10))
	if st.Size > 0 || st.Complete {
		h.Set(protocol.HeaderUploadLength, strconv.FormatInt(st.Size, 10))
	}
	if st.Complete {
		h.Set(protocol.HeaderUploadComplete, "?1")
	} else {
		h.Set(protocol.HeaderUploadComplete, "?0")
	}
}

func pathSHA256(r *http.Request) (string, error) {
	sum := r.PathValue("sha256")
	if !app.ValidSHA256(sum) {
		return "", app.Errorf(app.EINVALID, "附件校验值须为 64 位小写十六进制的 SHA-256")
	}
	return sum, nil
}

// handleUploadStatus answers GET and HEAD: how much of the attachment the
// bureau holds for the caller's unit.
func (s *Server) handleUploadStatus(w http.ResponseWriter, r *http.Request, c *caller) error {
	sum, err := pathSHA256(r)
	if err != nil {
		return err
	}
	unlock := s.uploadLock(c.UnitID, sum)
	defer unlock()
	up, err := s.store.Upload(r.Context(), c.UnitID, sum)
	if err != nil && !errors.Is(err, bureaustore.ErrNotFound) {
		return fmt.Errorf("upload status %s: %w", sum, err)
	}
	if up, err = s.recoverUpload(r.Context(), c.UnitID, sum, up); err != nil {
		return err
	}
	st := s.uploadStatus(sum, up)
	writeUploadHeaders(w, st)
	s.writeJSON(w, http.StatusOK, st)
	return nil
}

// parseUploadHeaders reads Upload-Offset and Upload-Length of a PATCH. It
// fails with an EINVALID *app.Error naming the header.
func parseUploadHeaders(h http.Header) (offset, length int64, err error) {
	num := func(name string) (int64, error) {
		v := strings.TrimSpace(h.Get(name))
		if v == "" {
			return 0, fieldErr(name, fmt.Sprintf("缺少请求头 %s", name))
		}
		for i := 0; i < len(v); i++ {
			if v[i] < '0' || v[i] > '9' {
				return 0, fieldErr(name, fmt.Sprintf("请求头 %s 须为非负整数", name))
			}
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return 0, fieldErr(name, fmt.Sprintf("请求头 %s 超出范围", name))
		}
		return n, nil
	}
	if offset, err = num(protocol.HeaderUploadOffset); err != nil {
		return 0, 0, err
	}
	if length, err = num(protocol.HeaderUploadLength); err != nil {
		return 0, 0, err
	}
	if offset > length {
		return 0, 0, fieldErr(protocol.HeaderUploadOffset, "上传位置超出了附件大小")
	}
	return offset, length, nil
}

// handleUpload appends one chunk at the server's offset. When the last byte
// arrives it verifies the SHA-256 and settles the revisions waiting for it.
func (s *Server) handleUpload(w http.ResponseWriter, r *http.Request, c *caller) error {
	sum, err := pathSHA256(r)
	if err != nil {
		return err
	}
	if err := checkContentType(r.Header, protocol.MediaChunk); err != nil {
		return err
	}
	offset, length, err := parseUploadHeaders(r.Header)
	if err != nil {
		return err
	}
	if length > s.cfg.MaxAttachmentBytes {
		return app.Errorf(app.ETOOLARGE, "附件有 %s，超过数管局允许的 %s", app.SizeLabel(length), app.SizeLabel(s.cfg.MaxAttachmentBytes))
	}
	done, ok := s.uploading.acquire(c.ID, s.cfg.AccountUploads)
	if !ok {
		w.Header().Set(protocol.HeaderRetryAfter, "5")
		return app.Errorf(app.ETOOMANY, "本账号同时上传的附件过多（最多 %d 个），请等其他附件传完再试", s.cfg.AccountUploads)
	}
	defer done()
	unlock := s.uploadLock(c.UnitID, sum)
	defer unlock()

	up, err := s.store.Upload(r.Context(), c.UnitID, sum)
	started := false // this chunk starts the upload: a record and a part file
	switch {
	case errors.Is(err, bureaustore.ErrNotFound):
		up, started = uploadRecord{Size: length, Created: s.Now(), Tracked: true}, true
	case err != nil:
		return fmt.Errorf("upload %s: %w", sum, err)
	}
	if up, err = s.recoverUpload(r.Context(), c.UnitID, sum, up); err != nil {
		return err
	}
	if up.Size != length {
		// One file has one size: an upload not yet complete, started again
		// from its first byte with another length, was started with a
		// wrong one (a client's bug, a hand-made upload). Once its part has
		// been idle UploadIdle, it starts over, charged as a new upload;
		// refused, the unit could not send that file until PartRetention
		// discarded the part (found from outside). A complete upload's
		// size was verified; a referenced one's is a stored revision's; a
		// record from before the marks keeps its mark (recoverUpload); an
		// upload still moving belongs to a client that is sending it.
		idle := !s.Now().Before(up.Updated.Add(s.cfg.UploadIdle))
		if offset != 0 || up.Complete || up.Referenced || !up.Tracked || !idle {
			msg := fmt.Sprintf("附件大小（%d 字节）与此前声明的 %d 字节不一致", length, up.Size)
			if offset == 0 && !up.Complete && !up.Referenced && up.Tracked {
				// say how to get out (found from outside: it read as for good)
				wait := max(up.Updated.Add(s.cfg.UploadIdle).Sub(s.Now()), time.Second).Round(time.Second)
				msg += fmt.Sprintf("：未传完的上一次上传停止 %s 后，可从第 0 字节按新的大小重新上传", wait)
			}
			return fieldErr(protocol.HeaderUploadLength, msg)
		}
		s.log.Warn("upload started again with another length", "unit", c.UnitID, "sha256", sum, "was", up.Size, "now", length)
		up, started = uploadRecord{Size: length, Created: s.Now(), Tracked: true}, true
	}
	if up.Complete {
		return s.answerUpload(w, sum, up)
	}
	if up, err = s.checkPart(c.UnitID, sum, up); err != nil {
		return err
	}
	if offset != up.Offset {
		w.Header().Set(protocol.HeaderUploadOffset, strconv.FormatInt(up.Offset, 10))
		p := protocol.NewProblem(protocol.CodeOffsetMismatch, fmt.Sprintf("服务器已收到 %d 字节，请从该位置继续上传", up.Offset))
		p.Offset = &up.Offset
		return p
	}

	h, err := s.resumeHash(c.UnitID, sum, up)
	if err != nil {
		return err
	}
	taken := min(length-up.Offset, s.cfg.ChunkBytes) // what this chunk may bring
	if r.ContentLength >= 0 {
		taken = min(taken, r.ContentLength)
	}
	// An upload started counts at least newUploadCharge, whatever its
	// first chunk brings (found from outside: empty first chunks made
	// 3,000 records and part files a second, 61,600 inodes in 26 s, on
	// 0 bytes of the budget).
	floor := int64(0)
	if started {
		floor = newUploadCharge
	}
	charge := max(taken, floor)
	if !s.chunkMem.reserve() {
		// 429, not 503: the desktop client takes a 503 for "bureau not
		// reached" and would show the clerk offline (found in review).
		w.Header().Set(protocol.HeaderRetryAfter, "10")
		return app.Errorf(app.ETOOMANY, "数管局服务器正在接收的附件过多，请稍后重试；已上传的 %d 字节不会丢失", up.Offset)
	}
	defer s.chunkMem.release(1)
	if err := s.takeBudget(w, c, charge); err != nil {
		return err
	}
	// A chunk may take its time as long as it keeps coming: UploadIdle of
	// silence at most, MaxChunkTime in all.
	if b, ok := r.Body.(*deadlineBody); ok {
		b.set(s.cfg.UploadIdle, time.Now().Add(s.cfg.MaxChunkTime))
	} else {
		_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(s.cfg.MaxChunkTime))
	}
	n, hashed, copyErr := s.appendChunk(w, r, c.UnitID, sum, up.Offset, length, h)
	s.uploaded.add(c.UnitID, s.Now(), max(n, floor)-charge) // what it brought, or the floor
	up.Offset += n
	up.Updated = s.Now()
	up.Hash, up.HashedTo = nil, 0
	if hashed == n { // the state covers exactly the bytes kept
		if up.Hash, err = h.MarshalBinary(); err != nil {
			return fmt.Errorf("upload %s: save hash: %w", sum, err)
		}
		up.HashedTo = up.Offset
	}
	if up.Offset == length && copyErr == nil {
		got, gotSM3 := "", ""
		if hashed == n {
			got, gotSM3 = h.sums()
		}
		return s.finishUpload(w, r, c, sum, up, got, gotSM3)
	}
	if err := s.store.PutUpload(r.Context(), c.UnitID, sum, up); err != nil {
		return err
	}
	if copyErr != nil {
		return copyErr
	}
	return s.answerUpload(w, sum, up)
}

// checkPart returns up with its offset back at 0 when the part file no
// longer holds the bytes the record counts (a crash between discarding a
// part file and its record): the hash state kept in the record must never
// vouch for bytes that are not on disk. Call it with the upload's lock held.
func (s *Server) checkPart(unit, sum string, up uploadRecord) (uploadRecord, error) {
	if up.Offset == 0 {
		return up, nil
	}
	path := s.attachmentPath(unit, sum, false)
	fi, err := os.Stat(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return up, fmt.Errorf("stat part: %w", err)
	}
	if err == nil && fi.Size() >= up.Offset {
		return up, nil
	}
	s.log.Warn("upload part file shorter than its record; starting over", "unit", unit, "sha256", sum, "offset", up.Offset)
	up.Offset, up.Hash, up.HashedTo = 0, nil, 0
	return up, nil
}

// resumeHash returns the SHA-256 and SM3 states over the first up.Offset
// bytes of the upload: restored from the record when it holds them for
// that offset, else computed from the part file (also for a record that
// holds a SHA-256 state alone, as a bureau before SM3 wrote). Call it with
// the upload's lock held.
func (s *Server) resumeHash(unit, sum string, up uploadRecord) (*digests, error) {
	h := newDigests()
	if up.Offset == 0 {
		return h, nil
	}
	if up.HashedTo == up.Offset && len(up.Hash) > 0 {
		if err := h.UnmarshalBinary(up.Hash); err == nil {
			return h, nil
		}
		h.Reset()
	}
	path := s.attachmentPath(unit, sum, false)
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("hash %s: %w", path, err)
	}
	defer f.Close()
	if n, err := io.Copy(h, io.LimitReader(f, up.Offset)); err != nil {
		return nil, fmt.Errorf("hash %s: %w", path, err)
	} else if n != up.Offset {
		return nil, fmt.Errorf("hash %s: %d bytes, want %d", path, n, up.Offset)
	}
	s.log.Info("upload hash state rebuilt from part file", "unit", unit, "sha256", sum, "offset", up.Offset)
	return h, nil
}

// chunkBufSize and chunkBufs size the pipeline a chunk goes through in
// receiveChunk: at most chunkBufs buffers of chunkBufSize per upload are
// being read into, hashed or written at a time.
const (
	chunkBufSize = 1 << 20
	chunkBufs    = 4
)

var chunkBufPool = sync.Pool{New: func() any { return new([chunkBufSize]byte) }}

// chunkPool bounds the buffers of all the chunks being received at once
// (Config.UploadBuffers). A chunk reserves its first buffer before it
// reads (answering 429 when none is free) and takes up to chunkBufs-1 more
// only while they are free and its body arrives faster than it is
// written, keeping at most one spare: a chunk that trickles in holds one
// or two buffers, not four (found from outside: each of an account's 64
// requests took 4 MiB before its first byte, and at one byte a minute held
// it for MaxChunkTime).
type chunkPool struct{ tokens chan struct{} }

func newChunkPool(bytes int64) *chunkPool {
	return &chunkPool{tokens: make(chan struct{}, max(1, bytes/chunkBufSize))}
}

// reserve takes a buffer's place when one is free.
func (p *chunkPool) reserve() bool {
	select {
	case p.tokens <- struct{}{}:
		return true
	default:
		return false
	}
}

// release gives back n places.
func (p *chunkPool) release(n int) {
	for range n {
		<-p.tokens
	}
}

// held is the number of places taken.
func (p *chunkPool) held() int { return len(p.tokens) }

// piece is a filled part of a pipeline buffer, handed to both the hasher
// and the writer; the last of the two to finish with it frees the buffer.
type piece struct {
	b    *[chunkBufSize]byte
	n    int
	refs *atomic.Int32
}

// fill reads from r into b until b is full or r fails; unlike io.ReadFull
// it returns r's error as it is (io.EOF included), so that a body cut short
// (io.ErrUnexpectedEOF from net/http) is not mistaken for its end.
func fill(r io.Reader, b []byte) (int, error) {
	n := 0
	for n < len(b) {
		k, err := r.Read(b[n:])
		n += k
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// receiveChunk copies src to f, which is positioned at offset, hashes the
// bytes into h and syncs f. One goroutine reads the socket into buffers;
// another hashes them while the caller's writes them to the file and starts
// their writeback at once, then syncs the file while the hash catches up:
// hashing (SHA-256 and SM3 side by side) is the slowest stage, and neither the socket nor the disk waits
// for it. Once synced, the chunk's pages leave the page cache. It returns the bytes written to f, the bytes
// hashed (not fewer than written; more when a write failed), src's error
// (nil at io.EOF) and the write's or sync's. abort is called once when a
// write fails, to make a read blocked on src return.
//
// The caller has reserved one place of pool; receiveChunk reserves more as
// it needs and can get them, and gives those back.
func receiveChunk(f *os.File, h hash.Hash, src io.Reader, offset int64, syncPart func(*os.File) error, abort func(), pool *chunkPool) (written, hashed int64, readErr, writeErr error) {
	free := make(chan *[chunkBufSize]byte, chunkBufs)
	free <- chunkBufPool.Get().(*[chunkBufSize]byte)
	var held atomic.Int32 // buffers taken: the reader's, in flight and free
	held.Store(1)
	defer func() {
		n := int(held.Load())
		for range n {
			chunkBufPool.Put(<-free)
		}
		pool.release(n - 1)
	}()
	// next is the reader's next buffer: a free one, else a new one while
	// the pool has room, else the first to be freed.
	next := func() *[chunkBufSize]byte {
		select {
		case b := <-free:
			return b
		default:
		}
		if held.Load() < chunkBufs && pool.reserve() {
			held.Add(1)
			return chunkBufPool.Get().(*[chunkBufSize]byte)
		}
		return <-free
	}
	// release frees a buffer hashed and written. One spare waits for the
	// reader; a second is idle — the socket, not the disk, sets the pace —
	// and goes back to the pool (found from outside: a chunk sent fast,
	// then a byte every ten seconds, kept four buffers for MaxChunkTime).
	release := func(p piece) {
		if p.refs.Add(-1) != 0 {
			return
		}
		if len(free) > 0 && held.Load() > 1 {
			held.Add(-1)
			chunkBufPool.Put(p.b)
			pool.release(1)
			return
		}
		free <- p.b
	}
	toHash := make(chan piece, chunkBufs)
	toWrite := make(chan piece, chunkBufs)
	var stopped atomic.Bool
	go func() { // reader; sets readErr before closing the channels
		defer close(toWrite)
		defer close(toHash)
		for {
			b := next()
			if stopped.Load() {
				free <- b
				return
			}
			n, err := fill(src, b[:])
			if n > 0 {
				p := piece{b: b, n: n, refs: new(atomic.Int32)}
				p.refs.Store(2)
				toHash <- p
				toWrite <- p
			} else {
				free <- b
			}
			if err != nil {
				if err != io.EOF {
					readErr = err
				}
				return
			}
		}
	}()
	hashDone := make(chan struct{})
	go func() { // hasher
		defer close(hashDone)
		for p := range toHash {
			h.Write(p.b[:p.n])
			hashed += int64(p.n)
			release(p)
		}
	}()
	for p := range toWrite {
		if writeErr == nil {
			k, err := f.Write(p.b[:p.n])
			startWriteback(f, offset+written, int64(k))
			written += int64(k)
			if err != nil {
				writeErr = fmt.Errorf("write part: %w", err)
				stopped.Store(true)
				abort()
			}
		}
		release(p)
	}
	// The reader is done; the hasher may not be.
	if err := syncPart(f); err != nil && writeErr == nil {
		writeErr = fmt.Errorf("sync part: %w", err)
	} else if err == nil {
		dropCache(f, offset, written)
	}
	<-hashDone
	return written, hashed, readErr, writeErr
}

// appendChunk writes the request body at offset of the part file, hashing
// it into h, at most one chunk and never past length, and syncs it. It
// returns the bytes kept and the bytes hashed (h is only a state for the
// kept bytes when the two are equal) and, when the body was too long or
// broke off or the disk failed, why.
func (s *Server) appendChunk(w http.ResponseWriter, r *http.Request, unit, sum string, offset, length int64, h hash.Hash) (int64, int64, error) {
	path := s.attachmentPath(unit, sum, false)
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return 0, 0, fmt.Errorf("upload dir: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o640)
	if err != nil {
		return 0, 0, fmt.Errorf("open part: %w", err)
	}
	defer f.Close()
	// Bytes past the recorded offset were never acknowledged: drop them.
	if err := f.Truncate(offset); err != nil {
		return 0, 0, fmt.Errorf("truncate part: %w", err)
	}
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		return 0, 0, fmt.Errorf("seek part: %w", err)
	}
	abort := func() { _ = http.NewResponseController(w).SetReadDeadline(time.Now()) }
	if b, ok := r.Body.(*deadlineBody); ok {
		abort = b.abort
	}
	body := http.MaxBytesReader(w, r.Body, s.cfg.ChunkBytes)
	n, hashed, err, werr := receiveChunk(f, h, io.LimitReader(body, length-offset), offset, s.syncs.Load().part, abort, s.chunkMem)
	if werr != nil {
		// What was written may not be on disk: keep none of it. The hash
		// state, which covers more than is kept, is then not saved.
		if err := f.Truncate(offset); err != nil {
			return 0, hashed, fmt.Errorf("%w; truncate part: %w", werr, err)
		}
		return 0, hashed, werr
	}
	var mb *http.MaxBytesError
	switch {
	case errors.As(err, &mb):
		return n, hashed, app.Errorf(app.ETOOLARGE, "每段上传不能超过 %s；已保存前 %d 字节，请从 %d 继续", app.SizeLabel(s.cfg.ChunkBytes), n, offset+n)
	case err != nil:
		// The body broke off (a cut connection): not the client's fault, so
		// answer like an offset mismatch, which the client resumes from.
		at := offset + n
		p := protocol.NewProblem(protocol.CodeOffsetMismatch, fmt.Sprintf("上传中断，服务器已保存 %d 字节，请从该位置继续上传", at))
		p.Offset = &at
		return n, hashed, p
	}
	if n == length-offset {
		var one [1]byte
		if k, _ := body.Read(one[:]); k > 0 {
			if err := f.Truncate(offset); err != nil {
				return 0, hashed, fmt.Errorf("truncate part: %w", err)
			}
			return 0, hashed, app.Errorf(app.EINVALID, "上传的内容超过了声明的附件大小（%d 字节）", length)
		}
	}
	return n, hashed, nil
}

// finishUpload verifies a fully received attachment whose SHA-256 and SM3,
// hashed as the bytes arrived, are got and gotSM3 ("" when unknown: the
// part file is hashed): on a match it becomes complete, with its SM3
// recorded, and the revisions waiting for it are settled; on a mismatch
// the bytes are discarded.
func (s *Server) finishUpload(w http.ResponseWriter, r *http.Request, c *caller, sum string, up uploadRecord, got, gotSM3 string) error {
	part := s.attachmentPath(c.UnitID, sum, false)
	if got == "" || gotSM3 == "" {
		var err error
		if got, gotSM3, err = fileDigests(part); err != nil {
			return err
		}
	}
	if got != sum {
		os.Remove(part)
		if up.Referenced { // a record that must keep its mark (recoverUpload): started again
			err := s.store.PutUpload(r.Context(), c.UnitID, sum, uploadRecord{Size: up.Size, Created: s.Now(), Updated: s.Now(),
				Tracked: up.Tracked, Referenced: true})
			if err != nil {
				return err
			}
		} else if err := s.store.DeleteUpload(r.Context(), c.UnitID, sum); err != nil {
			return err
		}
		s.log.Warn("attachment checksum mismatch", "unit", c.UnitID, "sha256", sum, "got", got)
		return protocol.NewProblem(protocol.CodeChecksumMismatch, "附件上传后校验不一致，服务器已丢弃收到的内容，请重新上传")
	}
	final := s.attachmentPath(c.UnitID, sum, true)
	if err := os.Rename(part, final); err != nil {
		return fmt.Errorf("keep attachment: %w", err)
	}
	// The record is about to say complete: the rename, and the unit's
	// directory if this upload made it, must survive a power cut first.
	syncDir := s.syncs.Load().dir
	if err := syncDir(filepath.Dir(final)); err != nil {
		return fmt.Errorf("keep attachment: %w", err)
	}
	if err := syncDir(s.files); err != nil {
		return fmt.Errorf("keep attachment: %w", err)
	}
	// A kill here leaves the file in place and the record incomplete;
	// recoverUpload finishes the job on the next request.
	up.Hash, up.HashedTo, up.SM3 = nil, 0, gotSM3
	var err error
	if up, err = s.completeUpload(r.Context(), c.UnitID, sum, up); err != nil {
		return err
	}
	return s.answerUpload(w, sum, up)
}

// recoverUpload finishes an upload that a crash interrupted after its file
// was verified and renamed into place but before its record said complete:
// the file is hashed again and, if it matches, the upload is completed; if
// not, the file is removed and the record's offset stands. Call it with the
// upload's lock held. It returns the record as it now stands.
//
// A complete record whose file is gone — a backup whose snapshot counted
// an attachment that another bureau process on the same database deleted
// before the files were copied (PruneUnreferencedUploads), or a file
// removed by hand — is forgotten, so that the client sends the
// attachment again rather than be told the bureau has it.
func (s *Server) recoverUpload(ctx context.Context, unit, sum string, up uploadRecord) (uploadRecord, error) {
	if up.Complete {
		if _, err := os.Stat(s.attachmentPath(unit, sum, true)); !errors.Is(err, fs.ErrNotExist) {
			return up, nil
		}
		// The record starts again at 0 and keeps its mark: a received
		// revision may name the attachment, and nothing else would mark
		// it again (found from outside: the re-sent file was pruned a
		// retention later). A record from before the marks stays one, so
		// that the pruning reads the bodies for it.
		s.log.Warn("a complete attachment's file is missing: the client is asked for it again", "unit", unit, "sha256", sum)
		fresh := uploadRecord{Size: up.Size, Created: s.Now(), Updated: s.Now(), Tracked: up.Tracked, Referenced: up.Referenced}
		if err := s.store.PutUpload(ctx, unit, sum, fresh); err != nil {
			return up, err
		}
		return fresh, nil
	}
	if up.Size == 0 {
		return up, nil
	}
	final := s.attachmentPath(unit, sum, true)
	if _, err := os.Stat(final); err != nil {
		return up, nil
	}
	got, gotSM3, err := fileDigests(final)
	if err != nil {
		return up, err
	}
	if got != sum {
		os.Remove(final)
		return up, nil
	}
	s.log.Info("attachment completed after restart", "unit", unit, "sha256", sum)
	up.Offset, up.SM3 = up.Size, gotSM3
	return s.completeUpload(ctx, unit, sum, up)
}

// completeUpload records a verified attachment as complete and settles the
// revisions waiting for it, in one transaction.
func (s *Server) completeUpload(ctx context.Context, unit, sum string, up uploadRecord) (uploadRecord, error) {
	now := s.Now()
	up.Complete, up.Updated = true, now
	up, err := s.store.CompleteUpload(ctx, unit, sum, up, now)
	if err != nil {
		return up, err
	}
	s.log.Debug("attachment complete", "unit", unit, "sha256", sum, "size", up.Size)
	return up, nil
}

func (s *Server) answerUpload(w http.ResponseWriter, sum string, up uploadRecord) error {
	st := s.uploadStatus(sum, up)
	writeUploadHeaders(w, st)
	s.writeJSON(w, http.StatusOK, st)
	return nil
}

// PruneUploads discards the uploads left unfinished for longer than
// Config.PartRetention: their records and their part files. A client that
// comes back later starts that attachment again from offset 0; complete
// attachments are not touched (PruneUnreferencedUploads). It returns how many it discarded. The
// background loop runs it every ten minutes.
func (s *Server) PruneUploads(ctx context.Context) (int, error) {
	cutoff := s.Now().Add(-s.cfg.PartRetention)
	stale, err := s.store.AbandonedUploads(ctx, cutoff)
	if err != nil {
		return 0, fmt.Errorf("prune uploads: %w", err)
	}
	n := 0
	for _, u := range stale {
		done, err := s.pruneUpload(ctx, u.Unit, u.SHA256, cutoff)
		if err != nil {
			return n, fmt.Errorf("prune uploads: %w", err)
		}
		if done {
			n++
		}
	}
	if n > 0 { // one line a round, not one an upload (found from outside: 60,000 a round)
		s.log.Info("discarded abandoned uploads", "count", n, "untouched_since", cutoff)
	}
	return n, nil
}

// pruneUpload discards unit's upload of sum if it is still unfinished and
// untouched since cutoff (discardUpload).
func (s *Server) pruneUpload(ctx context.Context, unit, sum string, cutoff time.Time) (bool, error) {
	return s.discardUpload(ctx, unit, sum, false, func() (bool, error) { return s.store.DeleteAbandonedUpload(ctx, unit, sum, cutoff) })
}

// discardUpload deletes unit's upload of sum — its record, when del (the
// store's conditional delete) does, then its file, the complete one or the
// part — holding the upload's lock: a crash in between leaves only a file,
// which the next upload of the same bytes takes over (recoverUpload) or
// truncates. It waits for nothing: an upload a request is busy with is
// left for the next round. A complete one is deleted only under
// tryLockFiles, which the caller holds.
func (s *Server) discardUpload(ctx context.Context, unit, sum string, complete bool, del func() (bool, error)) (bool, error) {
	unlock, ok := s.tryUploadLock(unit, sum)
	if !ok {
		return false, nil
	}
	defer unlock()
	deleted, err := del()
	if err != nil || !deleted {
		return false, err
	}
	if err := os.Remove(s.attachmentPath(unit, sum, complete)); err != nil && !errors.Is(err, os.ErrNotExist) {
		s.log.Warn("remove an upload's file", "unit", unit, "sha256", sum, "complete", complete, "err", err)
	}
	return true, nil
}

// PruneUnreferencedUploads deletes the complete attachments no stored
// revision of their unit names, completed more than Config.PartRetention
// ago: their records and their files. Such an attachment comes from a
// client that uploaded it and never submitted the filing (the clerk
// deleted the draft, or took the file out of it), or from a token used to
// fill the disk a day's upload budget at a time (found from outside); a
// client submitting it later finds it missing and sends it again (the
// receipt lists it). An attachment of an older revision, or of one that
// never reached the queue, is named and stays. It returns how many it
// deleted; the background loop runs it every ten minutes. An attachment
// is left for the next round while a backup copies the attachments
// (tryLockFiles, per unit) or a request is busy with it, and a unit whose attachments cannot be read or
// deleted is logged and left for the next round: the others go on.
func (s *Server) PruneUnreferencedUploads(ctx context.Context) (int, error) {
	cutoff := s.Now().Add(-s.cfg.PartRetention)
	cands, err := s.store.UnreferencedUploads(ctx, cutoff)
	if err != nil {
		return 0, fmt.Errorf("prune attachments: %w", err)
	}
	n := 0
	var failed error
	for len(cands) > 0 {
		i := 0
		for i < len(cands) && cands[i].Unit == cands[0].Unit {
			i++
		}
		done, err := s.pruneUnitUploads(ctx, cands[0].Unit, cands[:i], cutoff)
		n += done
		if err != nil {
			if ctx.Err() != nil {
				return n, ctx.Err()
			}
			s.log.Error("prune attachments no filing names", "unit", cands[0].Unit, "err", err)
			failed = cmp.Or(failed, err)
		}
		cands = cands[i:]
	}
	if n > 0 {
		s.log.Info("deleted attachments no filing names", "count", n, "completed_before", cutoff)
	}
	if failed != nil {
		return n, fmt.Errorf("prune attachments: %w", failed)
	}
	return n, nil
}

// pruneUnitUploads deletes the attachments of unit among cands (its
// UnreferencedUploads) that no revision names. A record from before the
// marks (Untracked) may be named by a revision stored before them: the
// unit's revision bodies are read once for those, and what they name is
// marked, so that they are read once in all; a revision stored from now
// on marks what it names, which stops the deletion.
func (s *Server) pruneUnitUploads(ctx context.Context, unit string, cands []bureaustore.UploadRef, cutoff time.Time) (int, error) {
	var refs map[string]bool
	if slices.ContainsFunc(cands, func(c bureaustore.UploadRef) bool { return c.Untracked }) {
		var err error
		if refs, err = s.store.ReferencedAttachments(ctx, unit); err != nil {
			return 0, err
		}
	}
	release, ok, err := s.tryLockFiles(ctx)
	if err != nil || !ok {
		return 0, err
	}
	defer release()
	n := 0
	for _, c := range cands {
		if refs[c.SHA256] {
			if err := s.store.MarkUploadReferenced(ctx, unit, c.SHA256); err != nil {
				return n, err
			}
			continue
		}
		done, err := s.pruneUnreferenced(ctx, unit, c.SHA256, cutoff)
		if err != nil {
			return n, err
		}
		if done {
			n++
		}
	}
	return n, nil
}

// pruneUnreferenced deletes unit's complete attachment sum if still no
// revision names it (discardUpload).
func (s *Server) pruneUnreferenced(ctx context.Context, unit, sum string, cutoff time.Time) (bool, error) {
	return s.discardUpload(ctx, unit, sum, true, func() (bool, error) { return s.store.DeleteUnreferencedUpload(ctx, unit, sum, cutoff) })
}

// PruneOrphanFiles deletes the files of the attachment directory that no
// upload record names, untouched for longer than Config.PartRetention (by
// the file's own modification time). A crash leaves them: killed during
// an upload's first chunk, the bureau has its part file and no record yet;
// killed between a pruned record and its file, the file alone. A client
// that comes back within the retention takes such a file over (its first
// chunk truncates the part; recoverUpload adopts a complete file); after
// it, nothing would. Files whose names are not an attachment's are left.
// It waits for nothing: an upload a request is busy with is skipped, and
// a unit's files while a backup copies them (tryLockFiles). It returns how many
// it deleted; the background loop runs it once a day, since it looks up
// the record of every file older than the retention.
func (s *Server) PruneOrphanFiles(ctx context.Context) (int, error) {
	units, err := os.ReadDir(s.files)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	} else if err != nil {
		return 0, fmt.Errorf("prune orphan files: %w", err)
	}
	n := 0
	var failed error
	for _, u := range units {
		if !u.IsDir() {
			continue
		}
		done, err := s.pruneOrphansOf(ctx, u.Name())
		n += done
		if err != nil { // logged, and the other units go on (found in review)
			if ctx.Err() != nil {
				return n, ctx.Err()
			}
			s.log.Error("prune attachment files no record names", "unit", u.Name(), "err", err)
			failed = cmp.Or(failed, fmt.Errorf("unit %s: %w", u.Name(), err))
		}
	}
	if n > 0 {
		s.log.Info("deleted attachment files no upload record names", "count", n, "untouched_for", s.cfg.PartRetention)
	}
	if failed != nil {
		return n, fmt.Errorf("prune orphan files: %w", failed)
	}
	return n, nil
}

// pruneOrphansOf is PruneOrphanFiles for one unit's directory, read a
// thousand names at a time.
func (s *Server) pruneOrphansOf(ctx context.Context, unit string) (int, error) {
	release, ok, err := s.tryLockFiles(ctx)
	if err != nil || !ok {
		return 0, err
	}
	defer release()
	dir, err := os.Open(filepath.Join(s.files, unit))
	if err != nil {
		return 0, err
	}
	defer dir.Close()
	n := 0
	for {
		entries, err := dir.ReadDir(1000)
		for _, e := range entries {
			if ctx.Err() != nil {
				return n, ctx.Err()
			}
			sum, part := strings.CutSuffix(e.Name(), ".part")
			if !e.Type().IsRegular() || !app.ValidSHA256(sum) {
				continue
			}
			done, err := s.pruneOrphan(ctx, unit, sum, !part)
			if err != nil {
				return n, err
			}
			if done {
				n++
			}
		}
		if errors.Is(err, io.EOF) {
			return n, nil
		} else if err != nil {
			return n, err
		}
	}
}

// pruneOrphan deletes unit's file of sum (complete or the part) if it is
// older than the retention and, under the upload's lock, no record names
// the upload. The age is the file's, on the wall clock that stamped it.
func (s *Server) pruneOrphan(ctx context.Context, unit, sum string, complete bool) (bool, error) {
	path := s.attachmentPath(unit, sum, complete)
	old := func() bool {
		fi, err := os.Stat(path)
		return err == nil && time.Since(fi.ModTime()) > s.cfg.PartRetention
	}
	if !old() {
		return false, nil
	}
	unlock, ok := s.tryUploadLock(unit, sum)
	if !ok {
		return false, nil
	}
	defer unlock()
	switch _, err := s.store.Upload(ctx, unit, sum); {
	case err == nil:
		return false, nil
	case !errors.Is(err, bureaustore.ErrNotFound):
		return false, err
	}
	if !old() { // written to since the first look
		return false, nil
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return false, err
	}
	return true, nil
}

// tryLockFiles keeps backups from copying the attachment files while the
// caller deletes some: this process's (filesMu) and, through the store's
// lock, those of every bureau process sharing the store. It waits for
// neither: ok is false, and nothing held, while a backup runs.
func (s *Server) tryLockFiles(ctx context.Context) (release func(), ok bool, err error) {
	if !s.filesMu.TryLock() {
		return nil, false, nil
	}
	unlock, ok, err := s.store.LockFiles(ctx, true)
	if err != nil || !ok {
		s.filesMu.Unlock()
		return nil, false, err
	}
	return func() {
		unlock()
		s.filesMu.Unlock()
	}, true, nil
}
