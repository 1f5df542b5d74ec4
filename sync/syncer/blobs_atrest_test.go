package syncer

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"testing"

	"egovdesk/app/atrest"
)

// An encrypted blob directory keeps no plaintext on disk, names files by the
// plaintext's SHA-256 and reads back the plaintext; plaintext files an older
// client left are encrypted on open, and its partial downloads removed.
func TestEncryptedBlobDir(t *testing.T) {
	dir := t.TempDir()
	key := bytes.Repeat([]byte{3}, 32)
	marker := []byte("%PDF-1.7 霍邱县低保监测平台可行性研究报告 第三章 建设方案")
	plain := append(bytes.Clone(marker), make([]byte, 300_000)...)
	rand.Read(plain[len(marker):])
	sum := sha256.Sum256(plain)
	sha := hex.EncodeToString(sum[:])

	// What an older client left: the file in plaintext and a partial download.
	old := append([]byte("old attachment "), marker...)
	oldSum := sha256.Sum256(old)
	oldSHA := hex.EncodeToString(oldSum[:])
	os.WriteFile(filepath.Join(dir, oldSHA), old, 0o640)
	os.WriteFile(filepath.Join(dir, sha+".download"), plain[:1000], 0o640)

	d, err := OpenEncryptedBlobDir(dir, key, atrest.AES256GCM)
	if err != nil {
		t.Fatal(err)
	}
	a, err := d.ImportReader(context.Background(), "报告.pdf", bytes.NewReader(plain))
	if err != nil {
		t.Fatal(err)
	}
	if a.SHA256 != sha || a.Size != int64(len(plain)) {
		t.Fatalf("attachment %+v, want the plaintext's hash and size", a)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 2 {
		t.Fatalf("files %v, want the two attachments only", ents)
	}
	for _, e := range ents {
		data, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		if bytes.Contains(data, marker) || bytes.Contains(data, plain[len(marker):len(marker)+64]) {
			t.Errorf("%s holds plaintext", e.Name())
		}
	}
	for _, c := range []struct {
		sha  string
		want []byte
	}{{sha, plain}, {oldSHA, old}} {
		b, err := d.Open(c.sha)
		if err != nil {
			t.Fatal(err)
		}
		if b.Size() != int64(len(c.want)) {
			t.Errorf("Size %d, want %d", b.Size(), len(c.want))
		}
		got, _ := io.ReadAll(io.NewSectionReader(b, 0, b.Size()))
		b.Close()
		if !bytes.Equal(got, c.want) {
			t.Errorf("%s: read back differs", c.sha[:12])
		}
	}
	// Another key does not open it.
	other, _ := OpenEncryptedBlobDir(dir, bytes.Repeat([]byte{4}, 32), atrest.AES256GCM)
	if _, err := other.Open(sha); err == nil {
		t.Error("opened with another key")
	}
}
