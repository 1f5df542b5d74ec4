package app

import (
	"encoding/json"
	"time"
)

// ReceiptProof is the bureau's receipt of one revision as the client keeps
// it: the receipt exactly as received (the JSON of the sync protocol's
// Receipt, with the bureau's SM2 signature), both digests of the body, and
// whether the signature verified with the bureau's key the client pinned
// at its first sync. With it a unit can prove, to the bureau or a third
// party, what the bureau acknowledged (`bureau receipt verify`).
type ReceiptProof struct {
	FilingID   string          `json:"filing_id"`
	RevisionID string          `json:"revision_id"`
	Revision   int             `json:"revision"`
	BodySHA256 string          `json:"body_sha256"`
	BodySM3    string          `json:"body_sm3,omitempty"` // empty from a bureau before SM3
	KeyID      string          `json:"key_id,omitempty"`
	Verified   bool            `json:"verified"`          // the SM2 signature verified with the pinned key
	Problem    string          `json:"problem,omitempty"` // why not, in Chinese, when not Verified
	Receipt    json.RawMessage `json:"receipt"`           // as received
	Checked    time.Time       `json:"checked"`           // when the client checked it
}

// ReceiptKeyChange is one replacement of the receipt key a client pinned for
// a bureau, after the clerk checked the new key's ID with the bureau (the
// bureau lost its key and made a new one). The client keeps every change,
// so that the timeline and the settings can tell when the key changed and
// which receipts were checked with which key.
type ReceiptKeyChange struct {
	Bureau   string    `json:"bureau"`     // the bureau's URL
	OldKeyID string    `json:"old_key_id"` // the key pinned before
	NewKeyID string    `json:"new_key_id"` // the key trusted since
	At       time.Time `json:"at"`         // when the clerk trusted the new key
}
