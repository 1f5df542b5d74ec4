// Package atrest encrypts what egovdesk keeps on disk: files (attachments,
// backup entries) in a chunked AEAD format, and the data key that encrypts
// them and the Badger store, wrapped by a key the operating system holds
// (Windows DPAPI, the Secret Service on Linux desktops) or by a passphrase.
//
// File format (version 1):
//
//	magic   8 bytes  "EGVENC1\x00"
//	cipher  1 byte   1 = AES-256-GCM, 2 = SM4-GCM
//	chunk   1 byte   log2 of the plaintext chunk size (16: 64 KiB)
//	        2 bytes  reserved, zero
//	salt   32 bytes  random per file
//	chunks           each chunk's ciphertext and 16-byte tag
//
// Each file has its own key, HKDF-SHA256(data key, salt, "egovdesk file v1"),
// so the nonce can be the chunk's index (8 bytes, big-endian) and a 4-byte
// flag that is 1 on the last chunk only: reordered, dropped or appended
// chunks fail to open, and so does a file cut at a chunk boundary. The
// header is the additional data of every chunk. A file of n plaintext bytes
// has at least one chunk (an empty file: one empty final chunk). Reading
// needs one chunk in memory, whatever the file's size.
package atrest

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sync"
)

// Magic starts every encrypted file.
const Magic = "EGVENC1\x00"

const (
	headerSize = 8 + 1 + 1 + 2 + 32
	tagSize    = 16
	chunkLog   = 16 // 64 KiB
)

// Cipher names the AEAD of a file.
type Cipher byte

const (
	// AES256GCM is AES-256 in GCM mode, the default.
	AES256GCM Cipher = 1
	// SM4GCM is SM4 (GB/T 32907-2016) in GCM mode, for deployments that
	// require 商用密码.
	SM4GCM Cipher = 2
)

// String returns the cipher's name as the settings write it.
func (c Cipher) String() string {
	switch c {
	case AES256GCM:
		return "AES-256-GCM"
	case SM4GCM:
		return "SM4-GCM"
	}
	return fmt.Sprintf("cipher(%d)", byte(c))
}

// ErrNotEncrypted is returned when a file does not start with Magic.
var ErrNotEncrypted = errors.New("atrest: not an encrypted file")

// ErrAuth is returned when a chunk does not open: the wrong key, or a
// file changed or cut on disk.
var ErrAuth = errors.New("atrest: the file does not open with this key (wrong key, or the file was changed or cut)")

// newBlock is the block cipher of c; SM4 is registered by sm4.go.
var newBlock = map[Cipher]func(key []byte) (cipher.Block, error){
	AES256GCM: aes.NewCipher,
}

func fileAEAD(c Cipher, dataKey, salt []byte) (cipher.AEAD, error) {
	nb := newBlock[c]
	if nb == nil {
		return nil, fmt.Errorf("atrest: %v is not available in this build", c)
	}
	if len(dataKey) != 32 {
		return nil, fmt.Errorf("atrest: data key of %d bytes, want 32", len(dataKey))
	}
	n := 32
	if c == SM4GCM {
		n = 16
	}
	k, err := hkdf.Key(sha256.New, dataKey, salt, "egovdesk file v1", n)
	if err != nil {
		return nil, err
	}
	b, err := nb(k)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(b)
}

func nonce(i uint64, last bool) []byte {
	var n [12]byte
	binary.BigEndian.PutUint64(n[:8], i)
	if last {
		n[11] = 1
	}
	return n[:]
}

// IsEncrypted reports whether head (a file's first bytes) starts with Magic.
func IsEncrypted(head []byte) bool {
	return len(head) >= len(Magic) && string(head[:len(Magic)]) == Magic
}

// Writer encrypts what is written to it into an underlying writer. Close
// writes the final chunk and must be called; it does not close the
// underlying writer.
type Writer struct {
	w      io.Writer
	aead   cipher.AEAD
	header []byte
	buf    []byte // plaintext of the chunk being filled
	out    []byte
	i      uint64
	err    error
}

// NewWriter starts an encrypted file in w with the 32-byte data key and
// cipher c, writing its header.
func NewWriter(w io.Writer, dataKey []byte, c Cipher) (*Writer, error) {
	h := make([]byte, headerSize)
	copy(h, Magic)
	h[8], h[9] = byte(c), chunkLog
	if _, err := rand.Read(h[12:]); err != nil {
		return nil, err
	}
	aead, err := fileAEAD(c, dataKey, h[12:])
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(h); err != nil {
		return nil, err
	}
	return &Writer{w: w, aead: aead, header: h, buf: make([]byte, 0, 1<<chunkLog), out: make([]byte, 0, 1<<chunkLog+tagSize)}, nil
}

// Write encrypts p. A full chunk is written only once more bytes follow it,
// so that Close can mark the last one.
func (w *Writer) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	n := 0
	for len(p) > 0 {
		if len(w.buf) == cap(w.buf) {
			if w.err = w.flush(false); w.err != nil {
				return n, w.err
			}
		}
		k := copy(w.buf[len(w.buf):cap(w.buf)], p)
		w.buf = w.buf[:len(w.buf)+k]
		p, n = p[k:], n+k
	}
	return n, nil
}

func (w *Writer) flush(last bool) error {
	w.out = w.aead.Seal(w.out[:0], nonce(w.i, last), w.buf, w.header)
	w.i++
	w.buf = w.buf[:0]
	_, err := w.w.Write(w.out)
	return err
}

// Close writes the last chunk.
func (w *Writer) Close() error {
	if w.err != nil {
		return w.err
	}
	w.err = w.flush(true)
	if w.err == nil {
		w.err = errors.New("atrest: writer closed")
		return nil
	}
	return w.err
}

// Reader decrypts an encrypted file with random access. It is safe for
// concurrent use.
type Reader struct {
	r      io.ReaderAt
	aead   cipher.AEAD
	header []byte
	chunk  int64 // plaintext chunk size
	n      int64 // chunks
	size   int64 // plaintext size

	mu    sync.Mutex
	cur   int64 // chunk held in plain, -1 none
	plain []byte
	ct    []byte
}

// NewReader opens the encrypted file r of size bytes (its size on disk)
// with the data key. It fails with ErrNotEncrypted when r does not start
// with Magic, and checks the last chunk, so a file cut short fails here
// with ErrAuth.
func NewReader(r io.ReaderAt, size int64, dataKey []byte) (*Reader, error) {
	h := make([]byte, headerSize)
	if _, err := r.ReadAt(h, 0); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, ErrNotEncrypted
		}
		return nil, err
	}
	if !IsEncrypted(h) {
		return nil, ErrNotEncrypted
	}
	if h[9] < 10 || h[9] > 24 {
		return nil, fmt.Errorf("atrest: unsupported chunk size 2^%d", h[9])
	}
	aead, err := fileAEAD(Cipher(h[8]), dataKey, h[12:])
	if err != nil {
		return nil, err
	}
	chunk := int64(1) << h[9]
	body := size - headerSize
	full := chunk + tagSize
	n := (body + full - 1) / full
	if body < tagSize || body-(n-1)*full < tagSize {
		return nil, ErrAuth
	}
	rd := &Reader{r: r, aead: aead, header: h, chunk: chunk, n: n, cur: -1,
		size: body - n*tagSize}
	if _, err := rd.load(n - 1); err != nil { // the last chunk must say it is the last
		return nil, err
	}
	return rd, nil
}

// Size returns the plaintext size.
func (r *Reader) Size() int64 { return r.size }

// Cipher returns the file's cipher.
func (r *Reader) Cipher() Cipher { return Cipher(r.header[8]) }

// load decrypts chunk i into r.plain; r.mu is held.
func (r *Reader) load(i int64) ([]byte, error) {
	if r.cur == i {
		return r.plain, nil
	}
	off := headerSize + i*(r.chunk+tagSize)
	ln := r.chunk + tagSize
	if i == r.n-1 {
		ln = r.size - i*r.chunk + tagSize
	}
	if int64(cap(r.ct)) < ln {
		r.ct = make([]byte, r.chunk+tagSize)
	}
	ct := r.ct[:ln]
	if _, err := r.r.ReadAt(ct, off); err != nil && !(errors.Is(err, io.EOF) && i == r.n-1) {
		return nil, err
	}
	p, err := r.aead.Open(r.plain[:0], nonce(uint64(i), i == r.n-1), ct, r.header)
	if err != nil {
		r.cur = -1
		return nil, ErrAuth
	}
	r.plain, r.cur = p, i
	return p, nil
}

// ReadAt implements io.ReaderAt on the plaintext.
func (r *Reader) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("atrest: negative offset")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for len(p) > 0 {
		if off >= r.size {
			return n, io.EOF
		}
		plain, err := r.load(off / r.chunk)
		if err != nil {
			return n, err
		}
		k := copy(p, plain[off%r.chunk:])
		p, n, off = p[k:], n+k, off+int64(k)
	}
	return n, nil
}

// EncryptedSize returns the size on disk of an encrypted file of n
// plaintext bytes.
func EncryptedSize(n int64) int64 {
	chunk := int64(1) << chunkLog
	chunks := n/chunk + 1
	if n > 0 && n%chunk == 0 {
		chunks = n / chunk
	}
	return headerSize + n + chunks*tagSize
}

// Available reports whether cipher c can be used in this build.
func Available(c Cipher) bool { return newBlock[c] != nil }
