package protocol

import (
	"crypto/ecdsa"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/sm3"
	"github.com/emmansun/gmsm/smx509"
)

// The bureau signs every receipt it sends with its SM2 key (GB/T 32918,
// SM3 as the hash, the standard's default user ID ReceiptUserID), so that a
// unit can later prove what the bureau acknowledged: which bytes (both
// digests), of which filing and revision, from which unit, and when. The
// signature covers ReceiptSignedBytes, a canonical text serialisation of
// the receipt's fields that do not change once the revision is stored, plus
// its status; it does not cover FilingStatus or Missing, which only tell the
// client what to do next. docs/security.md (国密) describes the format.

// ReceiptUserID is the SM2 signer's user ID (Z_A) of receipt signatures:
// the default ID of GM/T 0009-2012 / GB/T 35276-2017.
const ReceiptUserID = "1234567812345678"

// ReceiptSignatureVersion is the first line of ReceiptSignedBytes.
const ReceiptSignatureVersion = "egovdesk-receipt/1"

// Errors of VerifyReceipt.
var (
	ErrReceiptUnsigned = errors.New("回执没有数管局的签名")
	ErrReceiptKeyID    = errors.New("回执由另一把密钥签名")
	ErrReceiptBadSig   = errors.New("回执的签名验证失败：回执内容与数管局签署的不一致")
)

// ReceiptSignedBytes returns the canonical serialisation that a receipt's
// signature covers: UTF-8 lines "name:value" ending in LF, in this order,
// after the version line:
//
//	egovdesk-receipt/1
//	filing_id:<filing ID>
//	revision_id:<revision ID>
//	revision:<revision number, decimal>
//	unit_id:<unit ID>
//	body_sha256:<lowercase hex, 64>
//	body_sm3:<lowercase hex, 64; empty for a revision received before SM3>
//	received_at:<RFC 3339 in UTC, with the stored fraction of a second>
//	status:<received | awaiting_attachments>
//	key_id:<the signing key's ReceiptKeyID>
//
// It fails when a value holds a line break (no such receipt can be signed).
func ReceiptSignedBytes(r Receipt) ([]byte, error) {
	fields := [][2]string{
		{"filing_id", r.FilingID},
		{"revision_id", r.RevisionID},
		{"revision", strconv.Itoa(r.Revision)},
		{"unit_id", r.UnitID},
		{"body_sha256", r.BodySHA256},
		{"body_sm3", r.BodySM3},
		{"received_at", r.ReceivedAt.UTC().Format(time.RFC3339Nano)},
		{"status", r.Status},
		{"key_id", r.KeyID},
	}
	var b strings.Builder
	b.WriteString(ReceiptSignatureVersion + "\n")
	for _, f := range fields {
		if strings.ContainsAny(f[1], "\r\n") {
			return nil, fmt.Errorf("receipt field %s holds a line break", f[0])
		}
		b.WriteString(f[0] + ":" + f[1] + "\n")
	}
	return []byte(b.String()), nil
}

// ReceiptKeyID names an SM2 public key: the first 16 bytes of the SM3 of its
// DER SubjectPublicKeyInfo, lowercase hex (32 characters).
func ReceiptKeyID(pub *ecdsa.PublicKey) (string, error) {
	der, err := smx509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return "", fmt.Errorf("receipt key id: %w", err)
	}
	sum := sm3.Sum(der)
	return hex.EncodeToString(sum[:16]), nil
}

// keyIDs remembers the IDs of the keys named: a bureau signs with one key
// and a client verifies with one, and ReceiptKeyID encodes and hashes the
// key each time (5–10 µs, on every receipt signed and verified). An entry
// keeps its key alive, so a key at the same address is the same key; past
// maxKeyIDs keys (never, in use) the IDs are worked out each time.
var (
	keyIDs     sync.Map // *ecdsa.PublicKey → string
	keyIDCount atomic.Int32
)

const maxKeyIDs = 16

// keyID is ReceiptKeyID through keyIDs.
func keyID(pub *ecdsa.PublicKey) (string, error) {
	if id, ok := keyIDs.Load(pub); ok {
		return id.(string), nil
	}
	id, err := ReceiptKeyID(pub)
	if err == nil && keyIDCount.Add(1) <= maxKeyIDs {
		keyIDs.Store(pub, id)
	}
	return id, err
}

// SignReceipt returns r with KeyID set to key's ID and
// Signature to its SM2 signature (ASN.1 DER, base64) over
// ReceiptSignedBytes.
func SignReceipt(key *sm2.PrivateKey, r Receipt) (Receipt, error) {
	id, err := keyID(&key.PublicKey)
	if err != nil {
		return r, err
	}
	r.KeyID, r.Signature = id, ""
	msg, err := ReceiptSignedBytes(r)
	if err != nil {
		return r, err
	}
	sig, err := key.SignWithSM2(rand.Reader, []byte(ReceiptUserID), msg)
	if err != nil {
		return r, fmt.Errorf("sign receipt: %w", err)
	}
	r.Signature = base64.StdEncoding.EncodeToString(sig)
	return r, nil
}

// VerifyReceipt checks r's signature with pub: ErrReceiptUnsigned without
// one, ErrReceiptKeyID when r names another key, ErrReceiptBadSig when
// the signature does not match the fields.
func VerifyReceipt(pub *ecdsa.PublicKey, r Receipt) error {
	if r.Signature == "" {
		return ErrReceiptUnsigned
	}
	id, err := keyID(pub)
	if err != nil {
		return err
	}
	if r.KeyID != id {
		return fmt.Errorf("%w（回执的密钥标识 %q，应为 %s）", ErrReceiptKeyID, r.KeyID, id)
	}
	sig, err := base64.StdEncoding.DecodeString(r.Signature)
	if err != nil {
		return fmt.Errorf("%w（签名不是 base64）", ErrReceiptBadSig)
	}
	msg, err := ReceiptSignedBytes(r)
	if err != nil {
		return fmt.Errorf("%w（%v）", ErrReceiptBadSig, err)
	}
	if !sm2.VerifyASN1WithSM2(pub, []byte(ReceiptUserID), msg, sig) {
		return ErrReceiptBadSig
	}
	return nil
}

// ReceiptKey is the answer of GET PathReceiptKey: the bureau's SM2 public
// key that signs receipts.
type ReceiptKey struct {
	Algorithm string `json:"algorithm"` // "SM2"
	KeyID     string `json:"key_id"`    // ReceiptKeyID
	UserID    string `json:"user_id"`   // ReceiptUserID
	PEM       string `json:"pem"`       // "PUBLIC KEY" PEM of the DER SubjectPublicKeyInfo
}

// NewReceiptKey describes pub for GET PathReceiptKey.
func NewReceiptKey(pub *ecdsa.PublicKey) (ReceiptKey, error) {
	p, err := MarshalReceiptPublicKey(pub)
	if err != nil {
		return ReceiptKey{}, err
	}
	id, err := ReceiptKeyID(pub)
	if err != nil {
		return ReceiptKey{}, err
	}
	return ReceiptKey{Algorithm: "SM2", KeyID: id, UserID: ReceiptUserID, PEM: string(p)}, nil
}

// MarshalReceiptPublicKey returns pub as a "PUBLIC KEY" PEM block.
func MarshalReceiptPublicKey(pub *ecdsa.PublicKey) ([]byte, error) {
	der, err := smx509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, fmt.Errorf("marshal receipt key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), nil
}

// ParseReceiptPublicKey reads a "PUBLIC KEY" PEM block holding an SM2
// public key.
func ParseReceiptPublicKey(data []byte) (*ecdsa.PublicKey, error) {
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "PUBLIC KEY" {
		return nil, errors.New("不是 PEM 格式的公钥（应以 -----BEGIN PUBLIC KEY----- 开头）")
	}
	k, err := smx509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("公钥无法解析：%w", err)
	}
	pub, ok := k.(*ecdsa.PublicKey)
	if !ok || !sm2.IsSM2PublicKey(pub) {
		return nil, errors.New("公钥不是 SM2 公钥")
	}
	return pub, nil
}
