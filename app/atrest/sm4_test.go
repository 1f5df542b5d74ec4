package atrest

import (
	"bytes"
	"encoding/hex"
	"io"
	"testing"

	"github.com/emmansun/gmsm/sm4"
)

// SM4 against GB/T 32907-2016 appendix A, example 1 (one block).
func TestSM4StandardVector(t *testing.T) {
	k, _ := hex.DecodeString("0123456789abcdeffedcba9876543210")
	want, _ := hex.DecodeString("681edf34d206965e86b3e94f536e4246")
	b, err := sm4.NewCipher(k)
	if err != nil {
		t.Fatal(err)
	}
	got := make([]byte, 16)
	b.Encrypt(got, k) // the example's plaintext is the key
	if !bytes.Equal(got, want) {
		t.Fatalf("SM4(%x) = %x, want %x", k, got, want)
	}
}

// An SM4-GCM file round-trips, says it is SM4, holds no plaintext, and a
// flipped byte does not open.
func TestSM4GCMFile(t *testing.T) {
	k := key(t)
	plain := bytes.Repeat([]byte("政务信息化项目申报材料 SM4 "), 10_000)
	var b bytes.Buffer
	w, err := NewWriter(&b, k, SM4GCM)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(plain)
	w.Close()
	ct := b.Bytes()
	if bytes.Contains(ct, []byte("政务信息化")) {
		t.Fatal("plaintext in an SM4 file")
	}
	r, err := NewReader(bytes.NewReader(ct), int64(len(ct)), k)
	if err != nil || r.Cipher() != SM4GCM {
		t.Fatalf("open: %v, cipher %v", err, r.Cipher())
	}
	got, _ := io.ReadAll(io.NewSectionReader(r, 0, r.Size()))
	if !bytes.Equal(got, plain) {
		t.Fatal("SM4 round trip differs")
	}
	ct[len(ct)-100] ^= 1
	if _, err := io.ReadAll(NewStreamReader(bytes.NewReader(ct), int64(len(ct)), k)); err != ErrAuth {
		t.Fatalf("flipped byte: %v", err)
	}
}
