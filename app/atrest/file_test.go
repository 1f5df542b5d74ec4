package atrest

import (
	"bytes"
	"crypto/rand"
	"errors"
	"io"
	mrand "math/rand/v2"
	"testing"
)

func key(t *testing.T) []byte {
	k := make([]byte, 32)
	rand.Read(k)
	return k
}

func seal(t *testing.T, k, plain []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	w, err := NewWriter(&b, k, AES256GCM)
	if err != nil {
		t.Fatal(err)
	}
	// Odd-sized writes cross chunk boundaries.
	for p := plain; len(p) > 0; {
		n := min(len(p), 1+mrand.IntN(100_000))
		if _, err := w.Write(p[:n]); err != nil {
			t.Fatal(err)
		}
		p = p[n:]
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// Every size round-trips, random reads see the plaintext, and the file on
// disk neither holds the plaintext nor has a size other than EncryptedSize.
func TestFileRoundTrip(t *testing.T) {
	k := key(t)
	c := 1 << chunkLog
	for _, n := range []int{0, 1, 100, c - 1, c, c + 1, 3*c + 5, 4 * c} {
		plain := make([]byte, n)
		rand.Read(plain)
		ct := seal(t, k, plain)
		if int64(len(ct)) != EncryptedSize(int64(n)) {
			t.Errorf("%d bytes: %d on disk, EncryptedSize says %d", n, len(ct), EncryptedSize(int64(n)))
		}
		if n >= 16 && bytes.Contains(ct, plain[:16]) {
			t.Errorf("%d bytes: plaintext on disk", n)
		}
		r, err := NewReader(bytes.NewReader(ct), int64(len(ct)), k)
		if err != nil {
			t.Fatalf("%d bytes: %v", n, err)
		}
		if r.Size() != int64(n) {
			t.Fatalf("%d bytes: Size %d", n, r.Size())
		}
		got, err := io.ReadAll(io.NewSectionReader(r, 0, r.Size()))
		if err != nil || !bytes.Equal(got, plain) {
			t.Fatalf("%d bytes: read back differs (%v)", n, err)
		}
		for range 20 {
			if n == 0 {
				break
			}
			off := mrand.IntN(n)
			ln := min(n-off, 1+mrand.IntN(2*c))
			p := make([]byte, ln)
			if _, err := r.ReadAt(p, int64(off)); err != nil && !errors.Is(err, io.EOF) {
				t.Fatal(err)
			}
			if !bytes.Equal(p, plain[off:off+ln]) {
				t.Fatalf("%d bytes: ReadAt(%d, %d) differs", n, off, ln)
			}
		}
	}
}

// A flipped byte, a cut file, a dropped chunk or the wrong key do not open.
func TestFileTamper(t *testing.T) {
	k := key(t)
	plain := make([]byte, 3<<chunkLog+10)
	ct := seal(t, k, plain)
	read := func(b []byte, k []byte) error {
		r, err := NewReader(bytes.NewReader(b), int64(len(b)), k)
		if err != nil {
			return err
		}
		_, err = io.ReadAll(io.NewSectionReader(r, 0, r.Size()))
		return err
	}
	if err := read(ct, k); err != nil {
		t.Fatal(err)
	}
	flipped := bytes.Clone(ct)
	flipped[headerSize+5] ^= 1
	cut := ct[:headerSize+2*(1<<chunkLog+tagSize)] // whole chunks, the last one missing
	dropped := append(bytes.Clone(ct[:headerSize]), ct[headerSize+(1<<chunkLog+tagSize):]...)
	hdr := bytes.Clone(ct)
	hdr[20] ^= 1 // the salt: another file key
	for name, b := range map[string][]byte{"flipped": flipped, "cut": cut, "dropped": dropped, "header": hdr} {
		if err := read(b, k); !errors.Is(err, ErrAuth) {
			t.Errorf("%s: %v, want ErrAuth", name, err)
		}
	}
	if err := read(ct, key(t)); !errors.Is(err, ErrAuth) {
		t.Errorf("wrong key: %v, want ErrAuth", err)
	}
	if err := read([]byte("%PDF-1.7 plain file"), k); !errors.Is(err, ErrNotEncrypted) {
		t.Errorf("plain file: %v, want ErrNotEncrypted", err)
	}
}

// A 100 MB file is written and read through with a few chunks of memory.
func TestFileStreamsInChunks(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	k := key(t)
	const n = 100 << 20
	var sink countWriter
	w, err := NewWriter(&sink, k, AES256GCM)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 1<<20)
	var before, after runtimeMem
	before.read()
	for i := 0; i < n/len(buf); i++ {
		w.Write(buf)
	}
	w.Close()
	after.read()
	if sink.n != EncryptedSize(n) {
		t.Fatalf("wrote %d, want %d", sink.n, EncryptedSize(n))
	}
	if grew := after.total - before.total; grew > 8<<20 {
		t.Errorf("encrypting 100 MB allocated %d MB", grew>>20)
	}
}

type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// The stream reader reads what the writer wrote, and refuses a cut file.
func TestStreamReader(t *testing.T) {
	k := key(t)
	for _, n := range []int{0, 7, 1 << chunkLog, 2<<chunkLog + 3} {
		plain := make([]byte, n)
		rand.Read(plain)
		ct := seal(t, k, plain)
		got, err := io.ReadAll(NewStreamReader(bytes.NewReader(ct), int64(len(ct)), k))
		if err != nil || !bytes.Equal(got, plain) {
			t.Fatalf("%d bytes: %v", n, err)
		}
		cut := ct[:len(ct)-1]
		if _, err := io.ReadAll(NewStreamReader(bytes.NewReader(cut), int64(len(cut)), k)); !errors.Is(err, ErrAuth) {
			t.Fatalf("%d bytes cut: %v, want ErrAuth", n, err)
		}
	}
}
