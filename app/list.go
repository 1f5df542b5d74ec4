package app

import (
	"strings"
	"time"
	"unicode"
)

// SendState is where a filing's current revision stands on its way to the
// bureau. The local store keeps these values in its summaries, indexes and
// outbox records: they must never change.
type SendState string

// The send states.
const (
	SendNone        SendState = ""            // never submitted (未提交)
	SendQueued      SendState = "queued"      // waiting in the outbox (待发送)
	SendSending     SendState = "sending"     // being sent now (发送中)
	SendSent        SendState = "sent"        // the bureau received it (已送达)
	SendFailed      SendState = "failed"      // the last attempt failed; it is retried by itself
	SendQuarantined SendState = "quarantined" // set aside, not retried until the clerk deals with the reason
)

// Send is a send state with the reason of the last failure.
type Send struct {
	State  SendState
	Reason string // in Chinese; set for SendFailed and SendQuarantined
}

// Query selects filings for a list. Empty fields match everything; Text
// matches titles containing every white-space separated term (case-folded,
// substring, so "平台" finds "霍邱县智慧社区管理平台"). Results are ordered by
// last change, newest first; Limit ≤ 0 means no limit.
type Query struct {
	Kind     Kind
	Status   Status
	PlanYear int
	Text     string
	Limit    int
	Offset   int
}

// FilingRow is what a list row shows about a filing. The local store keeps
// it with its index entries, so listing never decodes a document.
type FilingRow struct {
	ID             string
	Kind           Kind
	Status         Status
	Title          string
	PlanYear       int
	Created        time.Time
	Updated        time.Time // last change, exact
	Listed         time.Time // the time lists order by: lags Updated by up to a minute while a draft is edited
	RevisionID     string
	RevisionNumber int
	SubmittedAt    time.Time // of the current revision; zero while it is drafted

	Send      Send      // of the current revision
	ReceiptID string    // the bureau's receipt once delivered
	ReceiptAt time.Time // when the bureau received it
	Unread    int       // unread inbox entries about this filing
}

// Counts are the numbers the navigation and the header show.
type Counts struct {
	Total    int
	ByKind   map[Kind]int
	ByStatus map[Status]int
	Drafts   int // filings in the draft state
	Returned int // returned for revision: waiting for the unit
	Outbox   int // submissions waiting to be delivered
	Failed   int // of which the last attempt failed
	Unread   int // unread inbox entries
	// UnreadDecisions are the unread entries that are bureau decisions on
	// filings (批复), not notices.
	UnreadDecisions int
}

// MessageKind says what an inbox entry is.
type MessageKind string

// The kinds of inbox entries.
const (
	MessageDecision MessageKind = "decision" // a bureau decision on a filing
	MessageNotice   MessageKind = "notice"   // a notice from the bureau to the unit, or from the client about a filing
)

// DraftDeletedPrefix begins the ID of the inbox notice about a draft
// that another machine of the unit deleted and that went to this
// machine's trash with it (its FilingID is the draft, which the store's
// RestoreDraft takes back).
const DraftDeletedPrefix = "draft-deleted-"

// Message is one entry of the in-app inbox: a bureau decision on a filing,
// or a notice. The local store keeps it as this JSON.
type Message struct {
	ID          string      `json:"id"`
	Kind        MessageKind `json:"kind"`
	FilingID    string      `json:"filing_id,omitempty"` // "" for a notice to the unit
	FilingTitle string      `json:"filing_title,omitempty"`
	FilingKind  Kind        `json:"filing_kind,omitempty"` // a decision's filing's; "" in entries made before it was kept
	Decision    *Transition `json:"decision,omitempty"`    // nil for a notice
	Stale       bool        `json:"stale,omitempty"`       // about an older revision than the filing's current one
	Title       string      `json:"title"`
	Body        string      `json:"body,omitempty"`
	At          time.Time   `json:"at"`
	Read        bool        `json:"read"`
}

// RevisionInfo is one submitted revision of a filing: its metadata and the
// SHA-256 of the body that was sent.
type RevisionInfo struct {
	Revision Revision `json:"revision"`
	BodyHash string   `json:"body_hash"` // lowercase hex
	// Receipt is the bureau's receipt kept for the revision (its SM3 and
	// whether its signature verified), nil when none was kept (a revision
	// sent before the client kept them, or restored from a bureau before
	// restores carried receipts).
	Receipt *ReceiptProof `json:"-"`
}

// SearchFold returns s as searches compare it, on the client and at the
// bureau alike: lower-cased, full-width ASCII turned half-width (an input
// method left in 全角 types ＧＩＳ, ＡＰＰ), the ideographic space a space,
// control characters dropped. A reviewer's GIS found nothing of a
// project named ＬＵＡＮ…ＧＩＳ (a walkthrough of the console).
func SearchFold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			r -= 0xFEE0
		case r == 0x3000:
			r = ' '
		case unicode.IsControl(r):
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// WordsOfTwo splits each term of four or more Han characters into pieces of
// two (an odd last one joins the piece before it: 智慧社区管理平台的 → …,
// 平台的), Chinese words being mostly two characters; nil when no term is
// such. A search typed in Chinese without spaces (社区平台) is read so when
// nothing holds it as typed (the client's list) or always (the review
// queue), to find 智慧社区管理平台.
func WordsOfTwo(terms []string) []string {
	var out []string
	split := false
	for _, t := range terms {
		rs := []rune(t)
		han := len(rs) >= 4
		for _, r := range rs {
			han = han && unicode.Is(unicode.Han, r)
		}
		if !han {
			out = append(out, t)
			continue
		}
		split = true
		for i := 0; i < len(rs); i += 2 {
			if len(rs)-i == 3 {
				out = append(out, string(rs[i:]))
				break
			}
			out = append(out, string(rs[i:i+2]))
		}
	}
	if !split {
		return nil
	}
	return out
}
