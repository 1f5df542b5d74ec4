package server_test

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/emmansun/gmsm/sm3"

	"egovdesk/sync/protocol"
	"egovdesk/sync/server"
)

func sm3hex(data []byte) string {
	s := sm3.Sum(data)
	return hex.EncodeToString(s[:])
}

// unsigned returns a copy of rc without its signature, after checking that
// the signature verifies with the bureau's key (nil for nil): two answers
// of the same receipt differ only in their signatures, SM2 being randomised.
func (fx *fixture) unsigned(rc *protocol.Receipt) *protocol.Receipt {
	fx.tb.Helper()
	if rc == nil {
		return nil
	}
	pub, err := protocol.ParseReceiptPublicKey([]byte(fx.receiptKey().PEM))
	if err != nil {
		fx.tb.Fatal(err)
	}
	if err := protocol.VerifyReceipt(pub, *rc); err != nil {
		fx.tb.Fatalf("receipt %+v does not verify: %v", rc, err)
	}
	c := *rc
	c.Signature = ""
	return &c
}

// receiptKey reads the bureau's receipt key as a client does.
func (fx *fixture) receiptKey() protocol.ReceiptKey {
	fx.tb.Helper()
	var k protocol.ReceiptKey
	fx.mustJSON("GET", protocol.PathReceiptKey, "", nil, http.StatusOK, &k)
	return k
}

// TestReceiptCarriesSM3AndVerifies: a receipt carries the SM3 of the body
// as received beside its SHA-256, names the unit, and verifies with the
// key GET /receipt-key serves — from the single and the batch endpoint,
// awaiting attachments and received; a flipped digest does not verify;
// a completed attachment's status carries its SM3.
func TestReceiptCarriesSM3AndVerifies(t *testing.T) {
	fx := MustBureau(t)
	k := fx.receiptKey()
	pub, err := protocol.ParseReceiptPublicKey([]byte(k.PEM))
	if err != nil {
		t.Fatal(err)
	}
	if id, _ := protocol.ReceiptKeyID(pub); k.Algorithm != "SM2" || k.KeyID != id || k.UserID != "1234567812345678" {
		t.Fatalf("receipt key = %+v (id of its PEM %s)", k, id)
	}
	data := bytes.Repeat([]byte("可行性研究报告 SM3 "), 40000) // several chunks, hashed in parallel
	f := newFiling(t, fx.unitA.ID, data)
	req := submitReq(t, f)
	check := func(what string, rc protocol.Receipt, status string) {
		t.Helper()
		if rc.BodySM3 != sm3hex(req.Body) || rc.BodySHA256 != req.BodySHA256 || rc.UnitID != fx.unitA.ID || rc.Status != status {
			t.Fatalf("%s: receipt %+v; want body_sm3 %s, unit %s, status %s", what, rc, sm3hex(req.Body), fx.unitA.ID, status)
		}
		if err := protocol.VerifyReceipt(pub, rc); err != nil {
			t.Fatalf("%s: receipt does not verify: %v", what, err)
		}
		bad := rc
		bad.BodySM3 = sm3hex([]byte("别的内容"))
		if err := protocol.VerifyReceipt(pub, bad); !errors.Is(err, protocol.ErrReceiptBadSig) {
			t.Fatalf("%s: a receipt with another SM3 verifies: %v", what, err)
		}
	}
	check("new revision", fx.submit(fx.clerkA, f, http.StatusCreated), protocol.ReceiptAwaitingAttachments)

	st := fx.upload(fx.clerkA, data, 200000)
	if !st.Complete || st.SM3 != sm3hex(data) {
		t.Fatalf("upload status = %+v, want sm3 %s", st, sm3hex(data))
	}
	// HEAD/GET of a complete attachment tell its SM3 too.
	var got protocol.UploadStatus
	fx.mustJSON("GET", protocol.Path(protocol.PathAttachment, sha(data)), fx.clerkA, nil, http.StatusOK, &got)
	if got.SM3 != sm3hex(data) {
		t.Fatalf("GET upload status = %+v", got)
	}
	check("resend", fx.submit(fx.clerkA, f, http.StatusOK), protocol.ReceiptReceived)

	var resp protocol.BatchSubmitResponse
	fx.mustJSON("POST", protocol.PathSubmissions, fx.clerkA, protocol.BatchSubmitRequest{Submissions: []protocol.SubmitRequest{req}}, http.StatusOK, &resp)
	if len(resp.Results) != 1 || resp.Results[0].Receipt == nil {
		t.Fatalf("batch = %+v", resp)
	}
	check("batch", *resp.Results[0].Receipt, protocol.ReceiptReceived)
}

// TestUploadSM3ResumesFromOldState: an upload whose record holds a
// SHA-256 state alone (a bureau before SM3) or none still ends with the
// right SM3: the part file is hashed again.
func TestUploadSM3ResumesFromOldState(t *testing.T) {
	fx := MustBureau(t)
	data := bytes.Repeat([]byte("resumable 国密 "), 3000)
	path := protocol.Path(protocol.PathAttachment, sha(data))
	length := strconv.Itoa(len(data))
	do := func(from, to int) protocol.UploadStatus {
		t.Helper()
		r := fx.do("PATCH", path, fx.clerkA, data[from:to], protocol.HeaderUploadOffset, strconv.Itoa(from), protocol.HeaderUploadLength, length)
		if r.StatusCode != http.StatusOK {
			t.Fatalf("PATCH %d-%d: %d %s", from, to, r.StatusCode, r.body)
		}
		var st protocol.UploadStatus
		if err := json.Unmarshal(r.body, &st); err != nil {
			t.Fatal(err)
		}
		return st
	}
	do(0, 7000)
	server.SetSHA256OnlyUploadHash(t, fx.srv, fx.unitA.ID, sha(data), data[:7000])
	do(7000, 20000)
	server.ForgetUploadHash(t, fx.srv, fx.unitA.ID, sha(data))
	st := do(20000, len(data))
	if !st.Complete || st.SM3 != sm3hex(data) {
		t.Fatalf("status = %+v, want sm3 %s", st, sm3hex(data))
	}
}

// TestReceiptKeyFile: the key is made once, 0600, and read back the same;
// a damaged file is refused with a message naming it.
func TestReceiptKeyFile(t *testing.T) {
	dir := t.TempDir()
	if _, err := server.LoadReceiptKey(dir, false); err == nil {
		t.Fatal("no key file, no create: no error")
	}
	k1, err := server.LoadReceiptKey(dir, true)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, server.ReceiptKeyFile)
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file %v, %v; want mode 0600", fi, err)
	}
	k2, err := server.LoadReceiptKey(dir, true)
	if err != nil || !k1.Equal(k2) {
		t.Fatalf("read back a different key (%v)", err)
	}
	if err := os.WriteFile(path, []byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := server.LoadReceiptKey(dir, true); err == nil || !bytes.Contains([]byte(err.Error()), []byte(server.ReceiptKeyFile)) {
		t.Fatalf("damaged key: %v", err)
	}
}
