package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emmansun/gmsm/sm3"

	"egovdesk/sync/protocol"
	"egovdesk/sync/server"
)

// TestReceiptKeyAndVerify: `receipt key` prints the data directory's public
// key; `receipt verify` says OK for a receipt the key signed (with the key
// from -key or from --data, and with its body), and FAILED with exit
// status 1 for a changed field, another key, or another body.
func TestReceiptKeyAndVerify(t *testing.T) {
	dir := t.TempDir()
	data := "--data=" + dir
	out, err := bureau(t, "", "receipt", "key", data)
	if err != nil || !strings.Contains(out, "-----BEGIN PUBLIC KEY-----") {
		t.Fatalf("receipt key: %q, %v", out, err)
	}
	if fi, err := os.Stat(filepath.Join(dir, server.ReceiptKeyFile)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("receipt key file: %v, %v", fi, err)
	}
	pubFile := filepath.Join(t.TempDir(), "pub.pem")
	if err := os.WriteFile(pubFile, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	key, err := server.LoadReceiptKey(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	body := []byte(`{"id":"f1","kind":"declaration","revision":1}`)
	sh, sm := sha256.Sum256(body), sm3.Sum(body)
	rc, err := protocol.SignReceipt(key, protocol.Receipt{FilingID: "f1", RevisionID: "r1", Revision: 1, UnitID: "u1",
		BodySHA256: hex.EncodeToString(sh[:]), BodySM3: hex.EncodeToString(sm[:]),
		ReceivedAt: time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC), Status: protocol.ReceiptReceived, FilingStatus: "submitted"})
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	write := func(name string, v any) string {
		p := filepath.Join(tmp, name)
		b, _ := json.Marshal(v)
		if s, ok := v.([]byte); ok {
			b = s
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("receipt.json", rc)
	bodyFile := write("body.json", body)
	for _, args := range [][]string{
		{"receipt", "verify", "-key", pubFile, good},
		{"receipt", "verify", data, good},
		{"receipt", "verify", "-key", pubFile, "-body", bodyFile, good},
	} {
		if out, err := bureau(t, "", args...); err != nil || !strings.HasPrefix(out, "OK: 第 1 版") {
			t.Errorf("%v: %q, %v", args, out, err)
		}
	}
	changed := rc
	changed.BodySM3 = strings.Repeat("0", 64)
	if out, err := bureau(t, "", "receipt", "verify", "-key", pubFile, write("changed.json", changed)); !errors.Is(err, errReceiptBad) || !strings.HasPrefix(out, "FAILED: ") {
		t.Errorf("changed SM3: %q, %v", out, err)
	}
	other := t.TempDir()
	if _, err := bureau(t, "", "receipt", "key", "--data="+other); err != nil {
		t.Fatal(err)
	}
	if out, err := bureau(t, "", "receipt", "verify", "--data="+other, good); !errors.Is(err, errReceiptBad) || !strings.Contains(out, "另一把密钥") {
		t.Errorf("another key: %q, %v", out, err)
	}
	if out, err := bureau(t, "", "receipt", "verify", "-key", pubFile, "-body", write("other-body.json", []byte(`{}`)), good); !errors.Is(err, errReceiptBad) || !strings.Contains(out, "SHA-256") {
		t.Errorf("another body: %q, %v", out, err)
	}
	if _, err := bureau(t, "", "receipt", "verify", "-key", pubFile); err == nil {
		t.Error("no receipt file: no error")
	}
}
