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
	"egovdesk/app/atrest"
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
// The name is the SHA-256 of the plaintext; an encrypted BlobDir
// (OpenEncryptedBlobDir) keeps each file in atrest's chunked AEAD format.
type BlobDir struct {
	dir    string
	key    []byte        // the data key; nil: files are kept as they are
	cipher atrest.Cipher // of new files
}

// OpenEncryptedBlobDir returns the blob directory dir whose files are
// encrypted with the 32-byte data key, new ones with cipher c. Files an
// older client left in plaintext are encrypted first, each through a
// temporary file renamed over it (a crash leaves each file either plain or
// encrypted, and the next open finishes the rest); partial downloads and
// imports it left are removed.
func OpenEncryptedBlobDir(dir string, key []byte, c atrest.Cipher) (*BlobDir, error) {
	d, err := OpenBlobDir(dir)
	if err != nil {
		return nil, err
	}
	d.key, d.cipher = key, c
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("open attachment directory: %w", err)
	}
	n := 0
	for _, e := range ents {
		p := filepath.Join(dir, e.Name())
		switch {
		case !e.Type().IsRegular():
		case app.ValidSHA256(e.Name()):
			enc, err := isEncryptedFile(p)
			if err != nil {
				return nil, err
			}
			if !enc {
				if err := d.encryptInPlace(e.Name()); err != nil {
					return nil, err
				}
				n++
			}
		default: // .import-*, *.download: plaintext an older client left
			os.Remove(p)
		}
	}
	if n > 0 {
		if err := syncDir(dir); err != nil {
			return nil, err
		}
	}
	return d, nil
}

func isEncryptedFile(p string) (bool, error) {
	f, err := os.Open(p)
	if err != nil {
		return false, err
	}
	defer f.Close()
	h := make([]byte, len(atrest.Magic))
	if _, err := io.ReadFull(f, h); err != nil {
		return false, nil // shorter than the magic: plaintext
	}
	return atrest.IsEncrypted(h), nil
}

// encryptInPlace encrypts the plaintext file sha, checking its hash.
func (d *BlobDir) encryptInPlace(sha string) error {
	f, err := os.Open(filepath.Join(d.dir, sha))
	if err != nil {
		return err
	}
	defer f.Close()
	tmp, sum, _, err := d.write(context.Background(), f)
	if err != nil {
		return fmt.Errorf("encrypt attachment %s: %w", sha[:12], err)
	}
	if sum != sha {
		os.Remove(tmp)
		return fmt.Errorf("encrypt attachment %s: its content does not match its name (damaged on disk)", sha[:12])
	}
	return os.Rename(tmp, filepath.Join(d.dir, sha))
}

// Encrypted reports whether the directory's files are encrypted.
func (d *BlobDir) Encrypted() bool { return d.key != nil }

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
	if d.key != nil {
		r, err := atrest.NewReader(f, fi.Size(), d.key)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("open attachment %s: %w", sha[:12], err)
		}
		return &sealedBlob{Reader: r, f: f}, nil
	}
	return &blobFile{File: f, size: fi.Size()}, nil
}

// OpenReader returns the plaintext of attachment sha from its start.
func (d *BlobDir) OpenReader(sha string) (io.ReadCloser, error) {
	b, err := d.Open(sha)
	if err != nil {
		return nil, err
	}
	return struct {
		io.Reader
		io.Closer
	}{io.NewSectionReader(b, 0, b.Size()), b}, nil
}

// sealedBlob is an encrypted attachment file open for reading.
type sealedBlob struct {
	*atrest.Reader
	f *os.File
}

func (b *sealedBlob) Close() error { return b.f.Close() }

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
	tmp, sum, n, err := d.write(ctx, r)
	if err != nil {
		return app.Attachment{}, err
	}
	defer os.Remove(tmp) // a no-op after the rename
	if err := os.Rename(tmp, filepath.Join(d.dir, sum)); err != nil {
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

// write copies r into a synced temporary file in the directory (encrypted
// when the directory is) while hashing the plaintext, and returns the
// file's path, the hash and the plaintext size.
func (d *BlobDir) write(ctx context.Context, r io.Reader) (string, string, int64, error) {
	tmp, err := os.CreateTemp(d.dir, ".import-*")
	if err != nil {
		return "", "", 0, fmt.Errorf("create attachment file: %w", err)
	}
	h := sha256.New()
	var w io.Writer = tmp
	var enc *atrest.Writer
	if d.key != nil {
		if enc, err = atrest.NewWriter(tmp, d.key, d.cipher); err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
			return "", "", 0, fmt.Errorf("create attachment file: %w", err)
		}
		w = enc
	}
	n, err := io.Copy(io.MultiWriter(w, h), ctxReader{ctx, r})
	if err == nil && enc != nil {
		err = enc.Close()
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp.Name())
		return "", "", 0, fmt.Errorf("copy attachment: %w", err)
	}
	return tmp.Name(), hex.EncodeToString(h.Sum(nil)), n, nil
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
