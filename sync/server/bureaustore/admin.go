package bureaustore

import (
	"time"

	"egovdesk/app"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server/console"
)

// The rules of the console's admin pages that every implementation applies
// inside its transactions (see the Administration methods of Storage).

// RegisteredPrefix starts the ID of a system of the register of existing
// systems: '~' and ':' are never in a filing's ID (the HTTP layer refuses
// them), so a registered system and a filing never share an ID in the
// similar-projects index.
const RegisteredPrefix = "~r:"

// RegisterMeta is when, by whom and from which workbook the register of
// existing systems was replaced.
type RegisterMeta struct {
	Imported time.Time `json:"imported"`
	By       string    `json:"by"`
	File     string    `json:"file"`
}

// AccountLive reports whether account a may log in and use its tokens: it
// is not disabled, nor is its unit (unit is a's unit, nil for the
// bureau's accounts, which have none).
func AccountLive(a Account, unit *protocol.Unit) bool {
	return !a.Disabled && (unit == nil || !unit.Disabled)
}

// DisableAccount sets a's Disabled to disabled, unless that would disable
// the last enabled admin account (enabledAdmins counts them, a included),
// leaving nobody to enable the others online: then it refuses with
// ErrInvalid and leaves a as it was.
func DisableAccount(a *Account, disabled bool, enabledAdmins int) error {
	if disabled && !a.Disabled && a.Role == app.RoleAdmin && enabledAdmins <= 1 {
		return Refuse(ErrInvalid, app.Errorf(app.EINVALID, "“%s”是唯一启用的管理员账号，不能停用；请先添加或启用另一个管理员", a.Login))
	}
	a.Disabled = disabled
	return nil
}

// UnitNotFound is the refusal for an unknown unit ID.
func UnitNotFound(id string) error {
	return Refuse(ErrNotFound, app.Errorf(app.ENOTFOUND, "没有找到单位 %s", id))
}

// CodeTaken is the refusal of a credit code another unit holds.
func CodeTaken(code string) error {
	return Refuse(ErrDuplicate, app.Errorf(app.ECONFLICT, "统一社会信用代码 %s 已登记给另一个单位", code))
}

// AccountNotFound is the refusal for an unknown login.
func AccountNotFound(login string) error {
	return Refuse(ErrNotFound, app.Errorf(app.ENOTFOUND, "没有账号“%s”", login))
}

// TokenNotFound is the refusal of a token ID that is not one of login's.
func TokenNotFound(login string) error {
	return Refuse(ErrNotFound, app.Errorf(app.ENOTFOUND, "账号“%s”没有这个令牌", login))
}

// NewQueueCounts returns empty counts of the whole queue for a page read
// under q: Matching is known only when q filters by nothing but kind and
// status, which counters by kind and status can tell.
func NewQueueCounts(q console.QueueQuery) console.QueueCounts {
	return console.QueueCounts{ByStatus: map[app.Status]int{}, ByKind: map[app.Kind]int{}, ByKindStatus: map[app.Kind]map[app.Status]int{},
		MatchingKnown: q.UnitID == "" && q.Year == 0 && q.Route == "" && q.From.IsZero() && q.To.IsZero() && !q.Overdue && q.Text == "" &&
			q.Waiting == nil}
}

// AddQueueCount counts n filings of kind in status st into c, read under q.
func AddQueueCount(c *console.QueueCounts, q console.QueueQuery, kind app.Kind, st app.Status, n int) {
	if n == 0 {
		return
	}
	c.Total += n
	c.ByKind[kind] += n
	c.ByStatus[st] += n
	if c.ByKindStatus[kind] == nil {
		c.ByKindStatus[kind] = map[app.Status]int{}
	}
	c.ByKindStatus[kind][st] += n
	if c.MatchingKnown && (q.Kind == "" || q.Kind == kind) && (q.Status == "" || q.Status == st) {
		c.Matching += n
	}
}
