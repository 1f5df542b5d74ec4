package protocol

import "time"

// The admin API (AccessAdmin): units, accounts, tokens, the rule profile,
// pruning the change feeds and an online backup, for a running bureau. The
// bureau serves the same operations without a token on the Unix socket in
// its data directory, under the same paths without Prefix, for the
// `bureau` admin commands on the server itself.
const (
	PathAdminUnits        = Prefix + "/admin/units"         // GET (?ref= finds one), POST AdminUnitRequest
	PathAdminAccounts     = Prefix + "/admin/accounts"      // POST AdminAccountRequest
	PathAdminTokens       = Prefix + "/admin/tokens"        // POST AdminTokenRequest
	PathAdminTokensRevoke = Prefix + "/admin/tokens/revoke" // POST AdminRevokeRequest
	PathAdminProfile      = Prefix + "/admin/profile"       // PUT ?name=FILE.json, the profile file as the body
	PathAdminPrune        = Prefix + "/admin/changes/prune" // POST AdminPruneRequest
	PathAdminBackup       = Prefix + "/admin/backup"        // GET: a zip, HeaderBackupAttachments as its trailer

	// HeaderBackupAttachments is the trailer of a backup: how many
	// attachments it holds, sent only once the backup is complete.
	HeaderBackupAttachments = "Egov-Backup-Attachments"
)

// AdminUnitRequest registers a unit (建设单位) by name and unified social
// credit code.
type AdminUnitRequest struct {
	Name string `json:"name"`
	Code string `json:"code"`
}

// Unit is a registered unit.
type Unit struct {
	ID      string    `json:"id"`
	Name    string    `json:"name"`
	Code    string    `json:"code"`
	Created time.Time `json:"created"`
	// Disabled: the unit's accounts cannot log in and their tokens are refused.
	Disabled bool `json:"disabled,omitempty"`
}

// AdminAccountRequest creates an account; UnitID is required for the unit
// role and must be empty for reviewer and admin.
type AdminAccountRequest struct {
	Login    string `json:"login"`
	Name     string `json:"name,omitempty"`
	Role     string `json:"role"`
	UnitID   string `json:"unit_id,omitempty"`
	Password string `json:"password"`
}

// AdminTokenRequest issues a bearer token for an account; TTLSeconds 0 is
// the login token lifetime.
type AdminTokenRequest struct {
	Login      string `json:"login"`
	TTLSeconds int64  `json:"ttl_seconds,omitempty"`
	Label      string `json:"label,omitempty"`
}

// AdminTokenResponse is the token, shown once (the bureau keeps its hash).
type AdminTokenResponse struct {
	Token   string    `json:"token"`
	Expires time.Time `json:"expires"`
}

// AdminRevokeRequest revokes one token, or every token of a login.
type AdminRevokeRequest struct {
	Token string `json:"token,omitempty"`
	Login string `json:"login,omitempty"`
}

// AdminPruneRequest deletes the changes older than Before from every feed.
type AdminPruneRequest struct {
	Before time.Time `json:"before"`
}

// AdminCount is how many things an admin operation touched.
type AdminCount struct {
	N int `json:"n"`
}
