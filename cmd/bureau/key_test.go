package main

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// The bureau's key: from a file only when nobody else can read it, as raw
// bytes, hex or base64, or from EGOV_BUREAU_KEY; anything else is refused
// with what to do.
func TestBureauKey(t *testing.T) {
	key := bytes.Repeat([]byte{0xa5}, 32)
	dir := t.TempDir()
	write := func(name string, data []byte, mode os.FileMode) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, data, mode)
		os.Chmod(p, mode)
		return p
	}
	for name, p := range map[string]string{
		"raw": write("raw", key, 0o600),
		"hex": write("hex", []byte(hex.EncodeToString(key)+"\n"), 0o600),
		"b64": write("b64", []byte(base64.StdEncoding.EncodeToString(key)), 0o400),
	} {
		got, err := readBureauKey(p, "")
		if err != nil || !bytes.Equal(got, key) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if runtime.GOOS != "windows" {
		open := write("open", key, 0o644)
		if _, err := readBureauKey(open, ""); err == nil || !strings.Contains(err.Error(), "chmod 600") {
			t.Errorf("a key file others can read: %v", err)
		}
	}
	if got, err := readBureauKey("", base64.StdEncoding.EncodeToString(key)); err != nil || !bytes.Equal(got, key) {
		t.Errorf("from the environment: %v", err)
	}
	if got, err := readBureauKey("", ""); err != nil || got != nil {
		t.Errorf("no key: %v %v", got, err)
	}
	if _, err := readBureauKey("", "0123"); err == nil {
		t.Error("a short key accepted")
	}
}
