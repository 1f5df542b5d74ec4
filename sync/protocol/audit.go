package protocol

import "time"

// PathAudit is GET: a page of the security audit trail (安全审计), for
// admins and auditors only, oldest first; nobody may change it (no other
// method is served). Query: from and to (RFC 3339 or 2006-01-02; from ≤
// time < to), actor, action, outcome, after (the previous page's Next)
// and limit (1–1000, default 100).
const PathAudit = Prefix + "/audit"

// AuditRecord is one record of the trail, with the digests that chain it
// (`bureau audit verify` checks them).
type AuditRecord struct {
	Seq     uint64    `json:"seq"`
	Time    time.Time `json:"time"`
	Actor   string    `json:"actor"`
	Role    string    `json:"role,omitempty"`
	Address string    `json:"address,omitempty"`
	Action  string    `json:"action"`
	Target  string    `json:"target,omitempty"`
	Outcome string    `json:"outcome"`
	Detail  string    `json:"detail,omitempty"`
	Prev    string    `json:"prev"`
	Digest  string    `json:"digest"`
}

// AuditPage is the answer of GET /audit. Next, set when More, is the after
// of the next page.
type AuditPage struct {
	Records []AuditRecord `json:"records"`
	More    bool          `json:"more"`
	Next    uint64        `json:"next,omitempty"`
}
