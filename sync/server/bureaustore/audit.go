package bureaustore

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"time"
)

// The security audit trail (安全审计): who did what, when, from where, and
// how it ended, one record per event, each chained to the one before it by
// a SHA-256 digest so that a record changed or removed after the fact
// breaks the chain at that record. The rules are the pure functions here,
// so that every backend chains alike and `bureau audit verify` checks any
// of them.

// Outcomes of an audited event.
const (
	AuditOK     = "ok"     // done
	AuditDenied = "denied" // refused: bad password, no permission
	AuditFailed = "failed" // tried and failed (a store error)
)

// AuditRetention is how long the trail is kept at least: six months
// (网络安全法 第二十一条), counted as the longest six calendar months run
// (184 days). PruneAudit refuses to remove anything younger.
const AuditRetention = 184 * 24 * time.Hour

// AuditGenesis is the previous digest of the first record ever appended:
// 32 zero bytes, hex.
var AuditGenesis = hex.EncodeToString(make([]byte, sha256.Size))

// AuditEvent is one record of the trail. AppendAudit sets Seq, Prev and
// Digest; the caller fills the rest. Time is kept to the microsecond (what
// PostgreSQL keeps), in UTC.
type AuditEvent struct {
	Seq     uint64    `json:"seq"`
	Time    time.Time `json:"time"`
	Actor   string    `json:"actor"`             // the login ("" when unknown); for a failed login the login tried
	Role    string    `json:"role,omitempty"`    // the actor's role when known
	Address string    `json:"address,omitempty"` // the client's address
	Action  string    `json:"action"`            // what: login, decide, account.create…
	Target  string    `json:"target,omitempty"`  // on what: a filing and revision, a login, a unit
	Outcome string    `json:"outcome"`           // AuditOK, AuditDenied, AuditFailed
	Detail  string    `json:"detail,omitempty"`  // more, never a password or a token
	Prev    string    `json:"prev"`              // hex digest of the record before
	Digest  string    `json:"digest"`            // hex AuditDigest(Prev, this)
}

// AuditQuery searches the trail. Zero fields do not filter. After is the
// Seq the previous page ended at (0 for the first page); Limit caps the
// page (1…1000; 0 takes 100). Newest reads the trail the other way, the
// latest record first, as a reviewer of the trail looks for what just
// happened; Before is then the Seq the previous page ended at (0 for the
// first page), and After is not used.
type AuditQuery struct {
	From, To time.Time // From ≤ Time < To
	Actor    string
	Action   string
	Outcome  string
	After    uint64
	Limit    int
	Newest   bool
	Before   uint64
}

// PageLimit is q.Limit bounded as AuditQuery says.
func (q AuditQuery) PageLimit() int {
	switch {
	case q.Limit <= 0:
		return 100
	case q.Limit > 1000:
		return 1000
	}
	return q.Limit
}

// Match reports whether e passes q's filters (not its paging).
func (q AuditQuery) Match(e AuditEvent) bool {
	return (q.From.IsZero() || !e.Time.Before(q.From)) && (q.To.IsZero() || e.Time.Before(q.To)) &&
		(q.Actor == "" || e.Actor == q.Actor) && (q.Action == "" || e.Action == q.Action) &&
		(q.Outcome == "" || e.Outcome == q.Outcome)
}

// AuditPage is a page of the trail in Seq order (the reverse with
// Newest). More says a next page has matches; its query takes After (or
// Before) = the last event's Seq.
type AuditPage struct {
	Events []AuditEvent `json:"events"`
	More   bool         `json:"more"`
}

// AuditHead is the end of the chain: the last Seq (0 when empty) and its
// digest (AuditGenesis when empty).
type AuditHead struct {
	Seq    uint64 `json:"seq"`
	Digest string `json:"digest"`
}

// AuditCheckpoint is a signed statement of the chain's head at a time:
// Signature is ed25519 over CheckpointBytes.
type AuditCheckpoint struct {
	Seq       uint64    `json:"seq"`
	Digest    string    `json:"digest"`
	Time      time.Time `json:"time"`
	Signature []byte    `json:"signature"`
	// Anchor marks the checkpoint a prune signed at the last record it
	// removed: the records before it are gone on purpose, and the chain
	// is verified from it. Its signature covers the mark (CheckpointBytes),
	// so an ordinary checkpoint cannot pass for one.
	Anchor bool `json:"anchor,omitempty"`
}

// AuditTime is t as the trail keeps it.
func AuditTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// AuditCanonical is the bytes of e that its digest covers: every field but
// Prev and Digest, each length-prefixed (8 bytes big-endian) so that no
// two different records share them.
func AuditCanonical(e AuditEvent) []byte {
	var b []byte
	b = binary.BigEndian.AppendUint64(b, e.Seq)
	b = binary.BigEndian.AppendUint64(b, uint64(AuditTime(e.Time).UnixMicro()))
	for _, s := range []string{e.Actor, e.Role, e.Address, e.Action, e.Target, e.Outcome, e.Detail} {
		b = binary.BigEndian.AppendUint64(b, uint64(len(s)))
		b = append(b, s...)
	}
	return b
}

// AuditDigest is the hex SHA-256 over the previous record's digest (its
// 32 bytes) and e's canonical bytes.
func AuditDigest(prev string, e AuditEvent) string {
	h := sha256.New()
	p, _ := hex.DecodeString(prev)
	h.Write(p)
	h.Write(AuditCanonical(e))
	return hex.EncodeToString(h.Sum(nil))
}

// ChainAudit makes e the record after head: it sets Seq, Time (as kept),
// Prev and Digest.
func ChainAudit(head AuditHead, e AuditEvent) AuditEvent {
	if head.Digest == "" {
		head.Digest = AuditGenesis
	}
	e.Seq = head.Seq + 1
	e.Time = AuditTime(e.Time)
	e.Prev = head.Digest
	e.Digest = AuditDigest(e.Prev, e)
	return e
}

// AuditBreak is the first broken link found by an AuditVerifier.
type AuditBreak struct {
	Seq    uint64
	Time   time.Time
	Reason string
}

func (b *AuditBreak) Error() string {
	return fmt.Sprintf("安全审计记录第 %d 条（%s）被改动或缺失：%s", b.Seq, b.Time.Local().Format("2006-01-02 15:04:05"), b.Reason)
}

// AuditVerifier checks a chain fed to it in Seq order, page by page. The
// first record fed anchors the chain (after a prune the records before it
// are gone; a trail that was never pruned starts at Seq 1 from
// AuditGenesis, which Start checks).
type AuditVerifier struct {
	// Floor, when not 0, is the Seq the chain must start at (1 for a
	// trail never pruned): records missing before the first one fed are
	// a break.
	Floor   uint64
	head    AuditHead
	started bool
	// Count is how many records were checked.
	Count int
}

// Next checks e against the records before it, returning the break.
func (v *AuditVerifier) Next(e AuditEvent) *AuditBreak {
	if !v.started {
		v.started = true
		if v.Floor > 0 && e.Seq != v.Floor {
			return &AuditBreak{v.Floor, e.Time, fmt.Sprintf("第 %d 至 %d 条记录缺失", v.Floor, e.Seq-1)}
		}
		if e.Seq == 1 && e.Prev != AuditGenesis {
			return &AuditBreak{e.Seq, e.Time, "第一条记录的前序摘要不是初始值"}
		}
	} else {
		if e.Seq != v.head.Seq+1 {
			return &AuditBreak{v.head.Seq + 1, e.Time, fmt.Sprintf("序号不连续：第 %d 条之后是第 %d 条", v.head.Seq, e.Seq)}
		}
		if e.Prev != v.head.Digest {
			return &AuditBreak{e.Seq, e.Time, "前序摘要与上一条记录不符"}
		}
	}
	if AuditDigest(e.Prev, e) != e.Digest {
		return &AuditBreak{e.Seq, e.Time, "记录内容与其摘要不符"}
	}
	v.head = AuditHead{Seq: e.Seq, Digest: e.Digest}
	v.Count++
	return nil
}

// Head is the last record checked.
func (v *AuditVerifier) Head() AuditHead { return v.head }

// CheckpointBytes is what a checkpoint's signature covers.
func CheckpointBytes(c AuditCheckpoint) []byte {
	b := []byte("egovdesk-audit-checkpoint-v1\n")
	if c.Anchor {
		b = []byte("egovdesk-audit-prune-anchor-v1\n")
	}
	b = binary.BigEndian.AppendUint64(b, c.Seq)
	b = append(b, c.Digest...)
	return binary.BigEndian.AppendUint64(b, uint64(AuditTime(c.Time).UnixMicro()))
}

// SignCheckpoint signs the head at now with key.
func SignCheckpoint(key ed25519.PrivateKey, head AuditHead, now time.Time) AuditCheckpoint {
	c := AuditCheckpoint{Seq: head.Seq, Digest: head.Digest, Time: AuditTime(now)}
	c.Signature = ed25519.Sign(key, CheckpointBytes(c))
	return c
}

// SignAnchor signs head, the last record a prune removes, as the anchor
// the rest is verified from.
func SignAnchor(key ed25519.PrivateKey, head AuditHead, now time.Time) AuditCheckpoint {
	c := AuditCheckpoint{Seq: head.Seq, Digest: head.Digest, Time: AuditTime(now), Anchor: true}
	c.Signature = ed25519.Sign(key, CheckpointBytes(c))
	return c
}

// VerifyCheckpoint reports whether c's signature is pub's.
func VerifyCheckpoint(pub ed25519.PublicKey, c AuditCheckpoint) bool {
	return len(pub) == ed25519.PublicKeySize && ed25519.Verify(pub, CheckpointBytes(c), c.Signature)
}

// CanPruneAudit reports whether records older than before may go at now:
// only when before is at least AuditRetention back.
func CanPruneAudit(before, now time.Time) bool { return !before.After(now.Add(-AuditRetention)) }
