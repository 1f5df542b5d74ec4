package atrest

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// fakeOS is a Protector whose system key can be lost.
type fakeOS struct{ kek []byte }

func (f *fakeOS) Method() string                   { return MethodDPAPI }
func (f *fakeOS) Protect(s []byte) ([]byte, error) { return sealKey(f.kek, s) }
func (f *fakeOS) Unprotect(w []byte) ([]byte, error) {
	p, err := openKey(f.kek, w)
	if err != nil {
		return nil, ErrKeyGone
	}
	return p, nil
}

func TestKeysWithSystemKey(t *testing.T) {
	dir := t.TempDir()
	p := &fakeOS{kek: bytes.Repeat([]byte{7}, 32)}
	k, err := Create(dir, p, "")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(filepath.Join(dir, KeysFile))
	if bytes.Contains(raw, k.Data) || bytes.Contains(raw, []byte(k.Recovery)) {
		t.Fatal("keys.json holds the data key or the recovery key in the clear")
	}
	if _, err := Create(dir, p, ""); err == nil {
		t.Fatal("Create replaced existing keys")
	}
	got, err := Load(dir, p)
	if err != nil || !bytes.Equal(got.Data, k.Data) || got.Recovery != k.Recovery {
		t.Fatalf("Load: %v", err)
	}
	// Another computer (another system key): gone, but the recovery key opens.
	other := &fakeOS{kek: bytes.Repeat([]byte{8}, 32)}
	if _, err := Load(dir, other); !errors.Is(err, ErrKeyGone) {
		t.Fatalf("Load with another system key: %v, want ErrKeyGone", err)
	}
	lower := []byte(k.Recovery)
	for i, c := range lower {
		if c >= 'A' && c <= 'Z' {
			lower[i] = c + 'a' - 'A'
		}
	}
	got, err = LoadPassphrase(dir, string(bytes.ReplaceAll(lower, []byte("-"), nil)))
	if err != nil || !bytes.Equal(got.Data, k.Data) {
		t.Fatalf("recovery key typed in lower case without dashes: %v", err)
	}
	if _, err := LoadPassphrase(dir, "AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA"); !errors.Is(err, ErrWrongPassphrase) {
		t.Fatalf("wrong recovery key: %v", err)
	}
	if _, err := Load(dir, nil); !errors.Is(err, ErrKeyGone) {
		t.Fatalf("no system key at all: %v", err)
	}
}

// A wrong passphrase says so and changes nothing; the right one opens.
func TestKeysWithPassphrase(t *testing.T) {
	dir := t.TempDir()
	if exists, needs, err := NeedsPassphrase(dir, nil); err != nil || exists || !needs {
		t.Fatalf("fresh dir without system key: exists %v needs %v %v", exists, needs, err)
	}
	k, err := Create(dir, nil, "县数管局 2026 申报")
	if err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(filepath.Join(dir, KeysFile))
	if exists, needs, _ := NeedsPassphrase(dir, &fakeOS{}); !exists || !needs {
		t.Fatal("a passphrase-protected dir does not ask for its passphrase")
	}
	if _, err := LoadPassphrase(dir, "县数管局 2025 申报"); !errors.Is(err, ErrWrongPassphrase) {
		t.Fatalf("wrong passphrase: %v", err)
	}
	after, _ := os.ReadFile(filepath.Join(dir, KeysFile))
	if !bytes.Equal(before, after) {
		t.Fatal("a wrong passphrase changed keys.json")
	}
	got, err := LoadPassphrase(dir, "县数管局 2026 申报")
	if err != nil || !bytes.Equal(got.Data, k.Data) {
		t.Fatalf("right passphrase: %v", err)
	}
	if got, err = LoadPassphrase(dir, k.Recovery); err != nil || !bytes.Equal(got.Data, k.Data) {
		t.Fatalf("recovery key in place of the passphrase: %v", err)
	}
}
