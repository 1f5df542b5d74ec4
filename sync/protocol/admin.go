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

// The admin operations the console's admin pages also use (units edited
// and disabled, accounts listed, reset and disabled, an account's tokens).
// GET PathAdminAccounts lists the accounts ([]AdminAccount).
const (
	PathAdminUnit        = Prefix + "/admin/units/{id}"                // PUT AdminUnitRequest: edit name and code
	PathAdminUnitDisable = Prefix + "/admin/units/{id}/disable"        // POST AdminDisableRequest
	PathAdminPassword    = Prefix + "/admin/accounts/{login}/password" // POST AdminPasswordRequest
	PathAdminAcctDisable = Prefix + "/admin/accounts/{login}/disable"  // POST AdminDisableRequest
	PathAdminAcctTokens  = Prefix + "/admin/accounts/{login}/tokens"   // GET: []AdminToken
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

// AdminRevokeRequest revokes one token, or every token of a login, or
// with Login and ID the token of that login an AdminToken names.
type AdminRevokeRequest struct {
	Token string `json:"token,omitempty"`
	Login string `json:"login,omitempty"`
	ID    string `json:"id,omitempty"`
}

// AdminDisableRequest disables a unit or an account, or enables it again.
type AdminDisableRequest struct {
	Disabled bool `json:"disabled"`
}

// AdminPasswordRequest sets a new password for an account; every token of
// the account is revoked.
type AdminPasswordRequest struct {
	Password string `json:"password"`
}

// AdminAccount is an account as the admin lists it.
type AdminAccount struct {
	Account
	Created  time.Time `json:"created"`
	Disabled bool      `json:"disabled,omitempty"`
}

// AdminToken is a token of an account: ID names it for AdminRevokeRequest
// (the hash it is stored under, not the token, which was shown once).
type AdminToken struct {
	ID      string    `json:"id"`
	Label   string    `json:"label,omitempty"`
	Created time.Time `json:"created"`
	Expires time.Time `json:"expires"`
	Revoked bool      `json:"revoked,omitempty"`
}

// AdminPruneRequest deletes the changes older than Before from every feed.
type AdminPruneRequest struct {
	Before time.Time `json:"before"`
}

// AdminCount is how many things an admin operation touched.
type AdminCount struct {
	N int `json:"n"`
}
