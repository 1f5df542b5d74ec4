package protocol

import (
	"encoding/json"
	"time"
)

// Paths of the drafts a unit keeps at the bureau (unit accounts only): a
// private copy of each unsent draft, so that a clerk's dead laptop loses
// none. A draft's ID is the client's: the filing's ID for a new filing's
// draft, "<filing ID>@<base revision ID>" for the new revision of a
// returned filing; the bureau keeps any ID as it is. The bureau's reviewers cannot read them: they are in no queue,
// console page or change feed. GET PathDrafts pages through the unit's
// drafts without their bodies (ParamCursor, ParamLimit); GET PathDraft
// answers one with its body; PUT PathDraft stores one over the
// version the client last saw (DraftPut); DELETE PathDraft?version=N
// deletes it (N 0 or absent: whatever its version). A bureau whose profile
// switches drafts off (app.Profile.KeepsDrafts) answers every one 403.
const (
	PathDrafts = Prefix + "/drafts"
	PathDraft  = Prefix + "/drafts/{id}"

	ParamVersion = "version"
)

// Bounds of the draft area: a page lists at most DraftsMaxLimit drafts
// (DraftsDefaultLimit without ParamLimit). The size of one draft and the
// number a unit may keep are bureaustore.MaxDraftBytes (1 MiB) and
// bureaustore.MaxDraftsPerUnit (2000), as the OpenAPI document states.
const (
	DraftsDefaultLimit = 100
	DraftsMaxLimit     = 500
)

// DraftPut is the body of PUT PathDraft: the draft's document (JSON, opaque
// to the bureau), its SHA-256 in lowercase hex, and the version of the
// bureau's copy it replaces (0: there is none yet). A stale BaseVersion
// answers 409.
type DraftPut struct {
	BaseVersion int64           `json:"base_version"`
	SHA256      string          `json:"sha256"`
	Body        json.RawMessage `json:"body"`
}

// Draft is one draft kept at the bureau, as GET PathDraft answers it (with
// Body), and PUT answers and GET PathDrafts lists it (without).
type Draft struct {
	ID      string          `json:"id"`
	Version int64           `json:"version"`
	SHA256  string          `json:"sha256"`
	Updated time.Time       `json:"updated"`
	Body    json.RawMessage `json:"body,omitempty"`
}

// DraftPage is the answer of GET PathDrafts: one page of the unit's
// drafts by ID, without their bodies; Next is the cursor of the next page, empty on the last;
// Total is how many the unit keeps, on the first page only.
type DraftPage struct {
	Drafts []Draft `json:"drafts"`
	Next   string  `json:"next,omitempty"`
	Total  int     `json:"total,omitempty"`
}
