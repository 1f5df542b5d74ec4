package syncer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"egovdesk/app"
	"egovdesk/app/store"
)

// Blobs gives the syncer the bytes of attachments by content hash. The
// desktop app keeps attachment files in a BlobDir; tests may use anything.
type Blobs interface {
	// Open returns attachment sha for reading. It fails with an ENOTFOUND
	// *app.Error when the file is not there.
	Open(sha string) (Blob, error)
}

// Blob is an open attachment file.
type Blob interface {
	io.ReaderAt
	io.Closer
	Size() int64
}

// BlobDir keeps attachment files content-addressed: <dir>/<sha256>. A file
// is written under a temporary name and renamed into place once its hash is
// known and it is synced, so a file under a hash name is always complete.
type BlobDir struct {
	dir string
}

// OpenBlobDir returns the blob directory dir, creating it if needed. It fails
// when the directory cannot be created.
func OpenBlobDir(dir string) (*BlobDir, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("open attachment directory: %w", err)
	}
	return &BlobDir{dir: dir}, nil
}

// Path returns where attachment sha is kept, or "" when sha is not a
// lowercase hex SHA-256.
func (d *BlobDir) Path(sha string) string {
	if !app.ValidSHA256(sha) {
		return ""
	}
	return filepath.Join(d.dir, sha)
}

// Open returns attachment sha for reading. It fails with an ENOTFOUND
// *app.Error when there is no such file (or sha is not a hash) and a wrapped
// error otherwise.
func (d *BlobDir) Open(sha string) (Blob, error) {
	p := d.Path(sha)
	if p == "" {
		return nil, app.Errorf(app.ENOTFOUND, "附件校验值“%s”无效", sha)
	}
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, app.Errorf(app.ENOTFOUND, "附件的本地文件不见了（%s…）", sha[:12])
	}
	if err != nil {
		return nil, fmt.Errorf("open attachment %s: %w", sha, err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("stat attachment %s: %w", sha, err)
	}
	return &blobFile{File: f, size: fi.Size()}, nil
}

type blobFile struct {
	*os.File
	size int64
}

func (b *blobFile) Size() int64 { return b.size }

// Import copies the file at path (one the user picked) into the directory
// while hashing it and returns it as an attachment named after the file, with
// its media type from the extension (app.AttachmentMediaType); the caller sets Material. It
// fails when the file cannot be read or the copy cannot be written, or with
// ctx's error when cancelled.
func (d *BlobDir) Import(ctx context.Context, path string) (app.Attachment, error) {
	f, err := os.Open(path)
	if err != nil {
		return app.Attachment{}, fmt.Errorf("import attachment: %w", err)
	}
	defer f.Close()
	a, err := d.ImportReader(ctx, filepath.Base(path), f)
	if err != nil {
		return app.Attachment{}, fmt.Errorf("import %s: %w", path, err)
	}
	return a, nil
}

// ImportReader is Import for bytes from r, named name. It fails when r fails
// or the copy cannot be written, or with ctx's error when cancelled.
func (d *BlobDir) ImportReader(ctx context.Context, name string, r io.Reader) (app.Attachment, error) {
	tmp, err := os.CreateTemp(d.dir, ".import-*")
	if err != nil {
		return app.Attachment{}, fmt.Errorf("create attachment file: %w", err)
	}
	defer os.Remove(tmp.Name()) // a no-op after the rename
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), ctxReader{ctx, r})
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return app.Attachment{}, fmt.Errorf("copy attachment: %w", err)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	if err := os.Rename(tmp.Name(), filepath.Join(d.dir, sum)); err != nil {
		return app.Attachment{}, fmt.Errorf("store attachment: %w", err)
	}
	// The filing will name the file: its name must survive a power cut.
	if err := syncDir(d.dir); err != nil {
		return app.Attachment{}, fmt.Errorf("store attachment: %w", err)
	}
	// The media type from the bureau's allow-list (not the system's table,
	// which may name a type the bureau refuses); "" for other files.
	return app.Attachment{Name: name, SHA256: sum, Size: n, MediaType: app.AttachmentMediaType(name)}, nil
}

// syncDir is store.SyncDir; tests watch it.
var syncDir = store.SyncDir

// ctxReader stops a copy when ctx is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
