package syncer

import (
	"fmt"
	"time"

	"egovdesk/app"
	"egovdesk/app/store"
)

// Status is what the UI shows about synchronisation. It is a snapshot: the
// slices are the caller's to keep.
type Status struct {
	Running     bool      // Start was called and Stop was not
	Syncing     bool      // a pass is under way
	Online      bool      // the last request reached the bureau and it answered
	Unavailable bool      // the bureau answered 503 with its own problem (its database away, its connections full) or 507 (its disk full); Online too
	NeedsLogin  bool      // the bureau refused the token: log in, then Kick
	NeedsAction bool      // the last failure is retried but will not mend by itself (client.NeedsAction)
	Waiting     int       // items in the outbox (sending, failed and quarantined included)
	LastSuccess time.Time // end of the last pass that pushed and pulled without error
	LastError   string    // why the last pass stopped, in plain Chinese, and when it is retried; "" after a success
	Cause       string    // LastError without when it is retried, for a screen that shows NextRetry itself
	NextRetry   time.Time // when the loop tries again after a failure; zero when not waiting on one
	LastReset   time.Time // when the bureau last answered "reset" to our cursor
	Failures    []Failure // outbox items that failed (to be retried) or are quarantined
	Upload      *Progress // the attachment being uploaded, nil when none
	// Restore is the restore from the bureau under way, nil when none.
	Restore *RestoreStatus
	// Conflict says that a revision of ours was refused because another
	// machine of the unit revised the filing first, and that our text was
	// kept as a new draft revision (the inbox says which); NeedsAction is
	// set with it. Cleared by the next Kick.
	Conflict string
	// DraftsOff says, in Chinese, why the drafts are not kept at the
	// bureau (the clerk's setting, or the bureau's profile); "" while they are.
	DraftsOff string
	// DraftsProblem is why the last copies of the drafts did not reach the
	// bureau, in Chinese; "" after they did. The filings are not held up by it.
	DraftsProblem string
	// DraftsCopied is when the copies of the drafts were last brought up
	// to date at the bureau (every one due went up); zero before.
	DraftsCopied time.Time
	// KeyChange is set when receipts came signed with a key the bureau
	// serves now instead of the pinned one (receipts.go): the revisions
	// stay in the outbox until the clerk checks the new key with the
	// bureau and trusts it (TrustReceiptKey). Nil otherwise.
	KeyChange *KeyChange
}

// Failure is an outbox item whose last attempt failed.
type Failure struct {
	Seq         uint64
	FilingID    string
	Revision    int
	Quarantined bool   // not retried until the user acts (validation, conflict, missing file)
	Reason      string // in Chinese, with the bureau's field problems
}

// Progress is an attachment upload under way.
type Progress struct {
	FilingID string
	Name     string
	Sent     int64
	Total    int64
}

// NotificationKind says what a Notification is about.
type NotificationKind string

// The kinds of notifications.
const (
	NotifyDecision NotificationKind = "decision" // a reviewer decided on one of the unit's filings
	NotifyNotice   NotificationKind = "notice"   // the bureau sent a notice
	NotifyProfile  NotificationKind = "profile"  // the bureau's rule profile changed: fetch it
)

// Notification is one newly applied change, for an OS notification. The
// inbox entry was written by the store in the same transaction as the cursor;
// a notification is only the hint that raises it.
type Notification struct {
	Kind     NotificationKind
	ChangeID string
	At       time.Time

	// decision
	FilingID    string
	FilingTitle string          // "" when the store does not hold the filing
	FilingKind  app.Kind        // its kind, "" when the store does not hold it
	Decision    *app.Transition // what was decided, with the reviewer's comment

	// notice
	Title string
	Text  string
	// Refused is the revision the bureau refused or that could not be sent
	// (FilingID's), 0 for other notices: set aside until the clerk acts.
	// RefusedCount is how many revisions one push set aside, when more
	// than one (FilingID and Refused are then unset).
	Refused, RefusedCount int

	// profile
	ProfileVersion string
}

// Headline returns a one-line Chinese title for an OS notification.
func (n Notification) Headline() string {
	switch n.Kind {
	case NotifyDecision:
		name := "材料"
		if n.FilingTitle != "" {
			name = "《" + n.FilingTitle + "》"
		}
		if n.Decision == nil {
			return name + "有新的审核结果"
		}
		return fmt.Sprintf("%s第 %d 版：%s", name, n.Decision.RevisionNumber, n.Decision.Action.LabelFor(n.FilingKind))
	case NotifyNotice:
		if n.RefusedCount > 1 {
			return fmt.Sprintf("%d 份材料未能发送", n.RefusedCount)
		}
		if n.Refused > 0 {
			name := "材料"
			if n.FilingTitle != "" {
				name = "“" + n.FilingTitle + "”"
			}
			return fmt.Sprintf("%s第 %d 版未能发送", name, n.Refused)
		}
		if n.Title != "" {
			return "数管局通知：" + n.Title
		}
		return "数管局通知"
	case NotifyProfile:
		return "数管局更新了填报规则"
	}
	return "数管局消息"
}

// failuresOf returns the failed and quarantined items of an outbox.
func failuresOf(items []store.OutboxItem) []Failure {
	var out []Failure
	for _, it := range items {
		if it.State != app.SendFailed && it.State != app.SendQuarantined {
			continue
		}
		out = append(out, Failure{Seq: it.Seq, FilingID: it.FilingID, Revision: it.RevisionNumber,
			Quarantined: it.State == app.SendQuarantined, Reason: it.LastError})
	}
	return out
}

// inChinese formats a wait for a message: "30 秒", "2 分钟", "1 分 30 秒".
func inChinese(d time.Duration) string {
	s := int((d + time.Second - 1) / time.Second)
	switch {
	case s < 60:
		return fmt.Sprintf("%d 秒", max(s, 1))
	case s%60 == 0:
		return fmt.Sprintf("%d 分钟", s/60)
	}
	return fmt.Sprintf("%d 分 %d 秒", s/60, s%60)
}
