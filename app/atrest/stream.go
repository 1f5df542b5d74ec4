package atrest

import (
	"errors"
	"fmt"
	"io"
)

// StreamReader decrypts an encrypted file read front to back, when only a
// reader and the file's size are at hand (a zip entry in a backup).
type StreamReader struct {
	r      io.Reader
	dec    *Reader // chunk geometry and the AEAD
	left   int64   // ciphertext bytes not yet read
	i      int64
	plain  []byte
	buf    []byte
	header bool
	key    []byte
	size   int64
}

// NewStreamReader decrypts the encrypted file of size bytes (on disk)
// read from r with the data key.
func NewStreamReader(r io.Reader, size int64, dataKey []byte) *StreamReader {
	return &StreamReader{r: r, size: size, key: dataKey}
}

func (s *StreamReader) start() error {
	h := make([]byte, headerSize)
	if _, err := io.ReadFull(s.r, h); err != nil {
		return ErrNotEncrypted
	}
	if !IsEncrypted(h) {
		return ErrNotEncrypted
	}
	// The geometry from a Reader over the header alone; the last chunk
	// is checked when it arrives.
	if h[9] < 10 || h[9] > 24 {
		return fmt.Errorf("atrest: unsupported chunk size 2^%d", h[9])
	}
	aead, err := fileAEAD(Cipher(h[8]), s.key, h[12:])
	if err != nil {
		return err
	}
	chunk := int64(1) << h[9]
	body := s.size - headerSize
	full := chunk + tagSize
	n := (body + full - 1) / full
	if body < tagSize || body-(n-1)*full < tagSize {
		return ErrAuth
	}
	s.dec = &Reader{aead: aead, header: h, chunk: chunk, n: n, size: body - n*tagSize}
	s.left, s.header = body, true
	return nil
}

// Read implements io.Reader on the plaintext.
func (s *StreamReader) Read(p []byte) (int, error) {
	if !s.header {
		if err := s.start(); err != nil {
			return 0, err
		}
	}
	for len(s.plain) == 0 {
		if s.i == s.dec.n {
			return 0, io.EOF
		}
		ln := min(s.left, s.dec.chunk+tagSize)
		if int64(cap(s.buf)) < ln {
			s.buf = make([]byte, s.dec.chunk+tagSize)
		}
		ct := s.buf[:ln]
		if _, err := io.ReadFull(s.r, ct); err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
				return 0, ErrAuth
			}
			return 0, err
		}
		pl, err := s.dec.aead.Open(ct[:0], nonce(uint64(s.i), s.i == s.dec.n-1), ct, s.dec.header)
		if err != nil {
			return 0, ErrAuth
		}
		s.plain, s.left = pl, s.left-ln
		s.i++
	}
	n := copy(p, s.plain)
	s.plain = s.plain[n:]
	return n, nil
}
