package protocol

import (
	"encoding/json"
	"time"

	"egovdesk/app"
)

// Change types.
const (
	ChangeDecision = "decision" // a reviewer moved one of the unit's filings; Transition says how
	ChangeNotice   = "notice"   // the bureau sent a notice; Notice holds the text
	ChangeProfile  = "profile"  // the rule profile changed; fetch GET /profile
)

// Change is one event in a unit's feed. Seq increases by one per event of the unit.
type Change struct {
	ID             string          `json:"id"`
	Seq            uint64          `json:"seq"`
	Type           string          `json:"type"`
	At             time.Time       `json:"at"`
	FilingID       string          `json:"filing_id,omitempty"`
	RevisionID     string          `json:"revision_id,omitempty"`
	Transition     *app.Transition `json:"transition,omitempty"`
	NoticeTitle    string          `json:"notice_title,omitempty"`
	Notice         string          `json:"notice,omitempty"`
	ProfileID      string          `json:"profile_id,omitempty"`
	ProfileVersion string          `json:"profile_version,omitempty"` // app.Profile.Version
}

// ChangesResponse is the answer of GET /changes. Store Cursor with the applied
// changes in one transaction and send it next time. When Reset is true the
// cursor sent was unusable: drop what was derived from earlier changes,
// refetch GET /filings and GET /profile, then continue from Cursor. More says
// that further changes are ready now.
type ChangesResponse struct {
	Changes []Change `json:"changes"`
	Cursor  string   `json:"cursor"`
	Reset   bool     `json:"reset"`
	More    bool     `json:"more"`
}

// Query parameters of GET /changes.
const (
	ParamCursor = "cursor" // opaque; empty for the first pull
	ParamWait   = "wait"   // Go duration, e.g. "30s"; at most MaxWait
	ParamLimit  = "limit"  // at most MaxChanges
)

// Bounds of GET /changes.
const (
	MaxWait    = 30 * time.Second
	MaxChanges = 500
)

// NoticeRequest is the body of POST /notices (admins only). An empty UnitID
// sends the notice to every unit.
type NoticeRequest struct {
	UnitID string `json:"unit_id,omitempty"`
	Title  string `json:"title"`
	Text   string `json:"text"`
}

// NoticeResponse says how many unit feeds a notice was written to.
type NoticeResponse struct {
	ID    string `json:"id"`
	Units int    `json:"units"`
}

// ProfileDocument is the answer of GET /profile: the bureau's rule profile
// file, kept and served in compact JSON, exactly as app.LoadProfile(ID+".json",
// Profile) reads it. Version is app.Profile.Version of those bytes (their
// SHA-256), so it differs from the version of a pretty-printed copy of the
// same file. The ETag header is ETag(Version); send it back as If-None-Match
// to get 304.
type ProfileDocument struct {
	ID      string          `json:"id"`
	Version string          `json:"version"`
	Updated time.Time       `json:"updated"`
	Profile json.RawMessage `json:"profile"`
}

// ETag returns the entity tag of a profile version, quoted as HTTP wants it.
func ETag(version string) string { return `"` + version + `"` }
