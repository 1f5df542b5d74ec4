package bureaustore

import (
	"fmt"
	"time"

	"egovdesk/app"
)

// Drafts kept for units: copies of a unit's unsent drafts that its
// clerks' machines keep at the bureau, private to the unit (the Storage
// block "Drafts kept for units").

// Limits of the draft area: the size of one draft's body, and how many
// drafts one unit may keep. They are stated in the OpenAPI document.
const (
	MaxDraftBytes    = 1 << 20
	MaxDraftsPerUnit = 2000
)

// Draft is one draft kept for a unit. Body is opaque to the bureau (the
// client's document of the draft, JSON); SHA256 is its hash, lowercase
// hex, as the client computed it. Version counts the copies stored, from
// 1; Updated is when the last was.
type Draft struct {
	ID      string    `json:"id"`
	Version int64     `json:"version"`
	SHA256  string    `json:"sha256"`
	Updated time.Time `json:"updated"`
	Body    []byte    `json:"body"`
}

// DraftPage is one page of a unit's drafts, in byte order of their IDs,
// without their bodies.
type DraftPage struct {
	Drafts []Draft
	Next   string // the last ID when more follow, "" on the last page
	Total  int    // how many drafts the unit keeps, on the first page (no cursor) only
}

// DraftConflict is the refusal of a draft written or deleted over a
// version other than the stored one (Current; 0 when there is none).
type DraftConflict struct{ Current int64 }

func (e *DraftConflict) Error() string {
	return fmt.Sprintf("数管局保存的草稿副本已是第 %d 版（可能在另一台电脑上改过），请先同步", e.Current)
}

// Unwrap makes the conflict match ErrConflict.
func (e *DraftConflict) Unwrap() error { return ErrConflict }

// CheckDraft is the rule every store applies to a draft it is to put
// for a unit holding count drafts (exists: this one among them): the
// refusal of one too big, or one too many.
func CheckDraft(d Draft, count int, exists bool) error {
	if d.ID == "" || len(d.ID) > 200 {
		return fieldErr("id", "草稿编号须为 1 到 200 个字符")
	}
	if len(d.Body) > MaxDraftBytes {
		return Refuse(ErrInvalid, app.Errorf(app.EINVALID, "草稿过大（%d 字节，上限 %d 字节），无法在数管局保留副本", len(d.Body), MaxDraftBytes))
	}
	if !exists && count >= MaxDraftsPerUnit {
		return Refuse(ErrInvalid, app.Errorf(app.EINVALID, "本单位在数管局保留的草稿已达上限 %d 份，请先删除不用的草稿", MaxDraftsPerUnit))
	}
	return nil
}

// DraftNotFound is the message for a draft the unit does not keep at the
// bureau.
func DraftNotFound() error {
	return app.Errorf(app.ENOTFOUND, "数管局没有保留这份草稿的副本")
}
