package protocol_test

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/sm3"
	"github.com/emmansun/gmsm/sm4"

	"egovdesk/sync/protocol"
)

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

// TestSM3Vectors: the two examples of GB/T 32905-2016 (Appendix A).
func TestSM3Vectors(t *testing.T) {
	for _, v := range []struct{ in, want string }{
		{"abc", "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"},
		{strings.Repeat("abcd", 16), "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"},
	} {
		sum := sm3.Sum([]byte(v.in))
		if got := hex.EncodeToString(sum[:]); got != v.want {
			t.Errorf("SM3(%q) = %s, want %s", v.in, got, v.want)
		}
		// The streaming hash (as the bureau feeds attachments), one byte at a time.
		h := sm3.New()
		for i := range len(v.in) {
			h.Write([]byte{v.in[i]})
		}
		if got := hex.EncodeToString(h.Sum(nil)); got != v.want {
			t.Errorf("streamed SM3(%q) = %s, want %s", v.in, got, v.want)
		}
	}
}

// TestSM4Vectors: the example of GB/T 32907-2016 (Appendix A): one
// encryption, and 1,000,000 encryptions of the result under the same key.
func TestSM4Vectors(t *testing.T) {
	key := unhex(t, "0123456789abcdeffedcba9876543210")
	c, err := sm4.NewCipher(key)
	if err != nil {
		t.Fatal(err)
	}
	buf := bytes.Clone(key) // the plaintext is the key
	c.Encrypt(buf, buf)
	if want := unhex(t, "681edf34d206965e86b3e94f536e4246"); !bytes.Equal(buf, want) {
		t.Fatalf("SM4 once = %x, want %x", buf, want)
	}
	dec := make([]byte, 16)
	c.Decrypt(dec, buf)
	if !bytes.Equal(dec, key) {
		t.Fatalf("SM4 decrypt = %x, want %x", dec, key)
	}
	if testing.Short() {
		t.Skip("the 1,000,000-iteration example is skipped with -short")
	}
	start := time.Now()
	buf = bytes.Clone(key)
	for range 1_000_000 {
		c.Encrypt(buf, buf)
	}
	if want := unhex(t, "595298c7c6fd271f0402f804c33d3f66"); !bytes.Equal(buf, want) {
		t.Fatalf("SM4 1,000,000 times = %x, want %x", buf, want)
	}
	t.Logf("1,000,000 SM4 block encryptions in %v", time.Since(start))
}

// The example of GM/T 0003.5-2012 / GB/T 32918.5 (Appendix A) on the
// recommended curve: key, ZA for the default user ID, e, and the signature
// of "message digest".
const (
	sm2D  = "3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8"
	sm2X  = "09f9df311e5421a150dd7d161e4bc5c672179fad1833fc076bb08ff356f35020"
	sm2Y  = "ccea490ce26775a52dc6ea718cc1aa600aed05fbf35e084a6632f6072da9ad13"
	sm2ZA = "b2e14c5c79c6df5b85f4fe7ed8db7a262b9da7e07ccb0ea9f4747b8ccda8a4f3"
	sm2E  = "f0b43e94ba45accaace692ed534382eb17e6ab5a19ce7b31f4486fdfc0d28640"
	sm2R  = "f5a03b0648d2c4630eeac513e1bb81a15944da3827d5b74143ac7eaceee720b3"
	sm2S  = "b1b6aa29df212fd8763182bc0d421ca1bb9038fd1f7f42d4840b69c485bbc1aa"
)

// derSig encodes (r, s) as the ASN.1 SEQUENCE of two INTEGERs.
func derSig(r, s []byte) []byte {
	integer := func(b []byte) []byte {
		b = bytes.TrimLeft(b, "\x00")
		if len(b) == 0 || b[0]&0x80 != 0 {
			b = append([]byte{0}, b...)
		}
		return append([]byte{0x02, byte(len(b))}, b...)
	}
	body := append(integer(r), integer(s)...)
	return append([]byte{0x30, byte(len(body))}, body...)
}

// TestSM2Vectors: the standard's key pair, ZA and e; its signature
// verifies and a changed message, user ID or signature does not; a
// sign/verify round trip with a fresh key.
func TestSM2Vectors(t *testing.T) {
	priv, err := sm2.NewPrivateKey(unhex(t, sm2D))
	if err != nil {
		t.Fatal(err)
	}
	if x, y := hex.EncodeToString(priv.X.FillBytes(make([]byte, 32))), hex.EncodeToString(priv.Y.FillBytes(make([]byte, 32))); x != sm2X || y != sm2Y {
		t.Fatalf("d·G = (%s, %s), want (%s, %s)", x, y, sm2X, sm2Y)
	}
	pub, err := sm2.NewPublicKey(unhex(t, "04"+sm2X+sm2Y))
	if err != nil {
		t.Fatal(err)
	}
	uid := []byte(protocol.ReceiptUserID)
	za, err := sm2.CalculateZA(pub, uid)
	if err != nil || hex.EncodeToString(za) != sm2ZA {
		t.Fatalf("ZA = %x (%v), want %s", za, err, sm2ZA)
	}
	msg := []byte("message digest")
	e, err := sm2.CalculateSM2Hash(pub, msg, uid)
	if err != nil || hex.EncodeToString(e) != sm2E {
		t.Fatalf("e = %x (%v), want %s", e, err, sm2E)
	}
	sig := derSig(unhex(t, sm2R), unhex(t, sm2S))
	if !sm2.VerifyASN1WithSM2(pub, uid, msg, sig) {
		t.Fatal("the standard's signature does not verify")
	}
	if sm2.VerifyASN1WithSM2(pub, uid, []byte("message digesT"), sig) {
		t.Error("the signature verifies for another message")
	}
	if sm2.VerifyASN1WithSM2(pub, []byte("1234567812345679"), msg, sig) {
		t.Error("the signature verifies for another user ID")
	}
	s2 := new(big.Int).Add(new(big.Int).SetBytes(unhex(t, sm2S)), big.NewInt(1))
	if sm2.VerifyASN1WithSM2(pub, uid, msg, derSig(unhex(t, sm2R), s2.Bytes())) {
		t.Error("a changed s verifies")
	}
	// Round trip with a fresh key; the other key does not verify it.
	k2, err := sm2.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	sig2, err := k2.SignWithSM2(rand.Reader, uid, msg)
	if err != nil {
		t.Fatal(err)
	}
	if !sm2.VerifyASN1WithSM2(&k2.PublicKey, uid, msg, sig2) {
		t.Error("round trip does not verify")
	}
	if sm2.VerifyASN1WithSM2(pub, uid, msg, sig2) {
		t.Error("another key's signature verifies")
	}
}

func testReceipt() protocol.Receipt {
	return protocol.Receipt{FilingID: "f-0001", RevisionID: "r-0002", Revision: 2, UnitID: "u-chengguan",
		BodySHA256: strings.Repeat("ab", 32), BodySM3: strings.Repeat("cd", 32),
		ReceivedAt: time.Date(2026, 12, 3, 18, 4, 5, 123456789, time.FixedZone("CST", 8*3600)),
		Status:     protocol.ReceiptReceived, FilingStatus: "submitted"}
}

// TestReceiptSignature: a signed receipt verifies with the signer's public
// key and not with another; flipping any signed field fails; the fields
// outside the signature (filing status, missing) may change.
func TestReceiptSignature(t *testing.T) {
	key, err := sm2.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	r, err := protocol.SignReceipt(key, testReceipt())
	if err != nil {
		t.Fatal(err)
	}
	if err := protocol.VerifyReceipt(&key.PublicKey, r); err != nil {
		t.Fatalf("signed receipt does not verify: %v", err)
	}
	msg, _ := protocol.ReceiptSignedBytes(r)
	wantMsg := "egovdesk-receipt/1\nfiling_id:f-0001\nrevision_id:r-0002\nrevision:2\nunit_id:u-chengguan\n" +
		"body_sha256:" + strings.Repeat("ab", 32) + "\nbody_sm3:" + strings.Repeat("cd", 32) +
		"\nreceived_at:2026-12-03T10:04:05.123456789Z\nstatus:received\nkey_id:" + r.KeyID + "\n"
	if string(msg) != wantMsg {
		t.Errorf("signed bytes\n%q\nwant\n%q", msg, wantMsg)
	}
	flip := func(s string) string { // one byte changed
		b := []byte(s)
		b[len(b)-1] ^= 1
		return string(b)
	}
	for name, change := range map[string]func(*protocol.Receipt){
		"filing_id":   func(r *protocol.Receipt) { r.FilingID = flip(r.FilingID) },
		"revision_id": func(r *protocol.Receipt) { r.RevisionID = flip(r.RevisionID) },
		"revision":    func(r *protocol.Receipt) { r.Revision ^= 1 },
		"unit_id":     func(r *protocol.Receipt) { r.UnitID = flip(r.UnitID) },
		"body_sha256": func(r *protocol.Receipt) { r.BodySHA256 = flip(r.BodySHA256) },
		"body_sm3":    func(r *protocol.Receipt) { r.BodySM3 = flip(r.BodySM3) },
		"received_at": func(r *protocol.Receipt) { r.ReceivedAt = r.ReceivedAt.Add(time.Nanosecond) },
		"status":      func(r *protocol.Receipt) { r.Status = protocol.ReceiptAwaitingAttachments },
		"signature": func(r *protocol.Receipt) {
			b := []byte(r.Signature)
			b[10] ^= 1 // still base64 mostly; either way it must fail
			r.Signature = string(b)
		},
	} {
		bad := r
		change(&bad)
		if err := protocol.VerifyReceipt(&key.PublicKey, bad); !errors.Is(err, protocol.ErrReceiptBadSig) {
			t.Errorf("%s changed: VerifyReceipt = %v, want ErrReceiptBadSig", name, err)
		}
	}
	bad := r
	bad.KeyID = flip(bad.KeyID)
	if err := protocol.VerifyReceipt(&key.PublicKey, bad); !errors.Is(err, protocol.ErrReceiptKeyID) {
		t.Errorf("key_id changed: %v, want ErrReceiptKeyID", err)
	}
	ok := r
	ok.FilingStatus, ok.Missing = "returned", []protocol.AttachmentRef{{SHA256: "x"}}
	if err := protocol.VerifyReceipt(&key.PublicKey, ok); err != nil {
		t.Errorf("unsigned fields changed: %v", err)
	}
	other, _ := sm2.GenerateKey(rand.Reader)
	if err := protocol.VerifyReceipt(&other.PublicKey, r); err == nil {
		t.Error("verifies with another key")
	}
	forged := r // the other key, claiming its own key ID, signed a copy: still not the bureau's
	forged, _ = protocol.SignReceipt(other, forged)
	if err := protocol.VerifyReceipt(&key.PublicKey, forged); !errors.Is(err, protocol.ErrReceiptKeyID) {
		t.Errorf("another key's signature: %v", err)
	}
	forged.KeyID = r.KeyID
	if err := protocol.VerifyReceipt(&key.PublicKey, forged); !errors.Is(err, protocol.ErrReceiptBadSig) {
		t.Errorf("another key's signature under the bureau's key ID: %v", err)
	}
	// A revision received before the bureau computed SM3: signed with an
	// empty body_sm3 line; it verifies, and claiming an SM3 later does not.
	old := testReceipt()
	old.BodySM3 = ""
	old, err = protocol.SignReceipt(key, old)
	if err != nil {
		t.Fatal(err)
	}
	if msg, _ := protocol.ReceiptSignedBytes(old); !strings.Contains(string(msg), "\nbody_sm3:\nreceived_at:") {
		t.Errorf("old receipt's signed bytes: %q", msg)
	}
	if err := protocol.VerifyReceipt(&key.PublicKey, old); err != nil {
		t.Errorf("receipt without SM3: %v", err)
	}
	old.BodySM3 = strings.Repeat("cd", 32)
	if err := protocol.VerifyReceipt(&key.PublicKey, old); !errors.Is(err, protocol.ErrReceiptBadSig) {
		t.Errorf("SM3 added to a receipt signed without: %v", err)
	}
	unsigned := testReceipt()
	if err := protocol.VerifyReceipt(&key.PublicKey, unsigned); !errors.Is(err, protocol.ErrReceiptUnsigned) {
		t.Errorf("unsigned: %v", err)
	}
	// The PEM form of the public key round-trips and keeps the key ID.
	p, err := protocol.MarshalReceiptPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	back, err := protocol.ParseReceiptPublicKey(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := protocol.VerifyReceipt(back, r); err != nil {
		t.Errorf("with the key read back from PEM: %v", err)
	}
	if _, err := protocol.ParseReceiptPublicKey([]byte("not a key")); err == nil {
		t.Error("garbage parsed as a key")
	}
}
