// Package ui is egovdesk's desktop client: the Fyne screens a township
// clerk works in all day — the list of the unit's filings, the declaration
// editor with the rule profile's consequences beside it, submission, the
// timeline of a filing, the inbox of bureau decisions and the connection bar.
//
// It imports only app, assets and Fyne. What it needs of the local store and
// of the bureau connection it declares here as small interfaces (Store, Link)
// over app's types — the list rows, send states and inbox entries are the
// store's own — and a few view types of the connection; cmd/egovdesk
// implements them over app/store, sync/client and sync/syncer. Every widget is touched on the Fyne thread:
// goroutines (saving, submitting, the sync link) hand their results back with
// fyne.Do.
package ui

import (
	"context"
	"io"
	"time"

	"egovdesk/app"
)

// Store is what the screens need of the local store. Implementations are
// safe for concurrent use; the UI calls the writing methods off the UI thread.
type Store interface {
	// List returns the rows q selects, newest first.
	List(ctx context.Context, q app.Query) ([]app.FilingRow, error)
	// Counts returns the numbers the header shows.
	Counts(ctx context.Context) (app.Counts, error)
	// Anchors returns what each declaration and acceptance application
	// tells about its project's deadlines, newest first, without decoding
	// documents (app.Profile.ProjectDeadlines counts from them).
	Anchors(ctx context.Context) ([]app.FilingAnchors, error)
	// Get returns a filing with its history; ENOTFOUND when there is none.
	Get(ctx context.Context, id string) (*app.Filing, error)
	// Save stores the working copy of a filing (the autosave).
	Save(ctx context.Context, f *app.Filing) error
	// Rescue keeps an edit Save refused (a disk below its reserve) beside
	// the store, for the next start to save, when the window closes.
	Rescue(f *app.Filing) error
	// PendingRescue returns an edit kept aside that the store could not
	// take at start yet (a disk still full), nil if none: the editor goes
	// on from it; DropRescue removes it once the editor stored it.
	PendingRescue(id string) *app.Filing
	DropRescue(id string)
	// Submit freezes the filing's current revision and queues it for the bureau.
	Submit(ctx context.Context, id, actor string, now time.Time) error
	// Send returns where the filing's latest revision stands on its way to
	// the bureau.
	Send(ctx context.Context, id string) (app.Send, error)
	// Retry puts the filing's submission that the bureau or the syncer set
	// aside (app.SendQuarantined) back in the queue, after the clerk dealt with
	// the reason.
	Retry(ctx context.Context, id string) error
	// Withdraw takes back the filing's submission while it waits to be
	// sent: the filing is a draft (or returned) again, as before Submit.
	// It fails with an EINVALID *app.Error in Chinese saying why when the
	// bureau has, or may have, the revision.
	Withdraw(ctx context.Context, id string, now time.Time) error
	// CanWithdraw returns nil when Withdraw would succeed now, else the
	// error it would fail with. Withdrawable is the same without asking
	// whether a filing queued after it needs it: quick enough to ask on
	// every change of the store.
	CanWithdraw(ctx context.Context, id string) error
	Withdrawable(ctx context.Context, id string) error
	// Backup writes a backup of everything this computer holds (filings,
	// attachments, the bureau's address and certificates) to path.
	Backup(ctx context.Context, path string) error
	// DeleteDraft moves a draft that was never submitted to the trash
	// (EINVALID for any other filing); RestoreDraft takes it back.
	DeleteDraft(ctx context.Context, id string) error
	RestoreDraft(ctx context.Context, id string) error
	// Revisions returns the filing's submitted revisions, oldest first.
	Revisions(ctx context.Context, id string) ([]app.RevisionInfo, error)
	// RevisionBody returns the body of a submitted revision as it was
	// sent (ENOTFOUND when this computer does not keep it).
	RevisionBody(ctx context.Context, id, revID string) ([]byte, error)
	// Inbox returns the decisions and notices, newest first.
	Inbox(ctx context.Context) ([]app.Message, error)
	// MarkRead marks an inbox entry as read.
	MarkRead(ctx context.Context, id string) error
	// MarkAllRead marks read every unread inbox entry, or the decisions
	// on filing filingID when not "", and returns how many it marked.
	MarkAllRead(ctx context.Context, filingID string) (int, error)
	// Subscribe calls fn (on a goroutine of the store) after writes, until
	// ctx is done.
	Subscribe(ctx context.Context, fn func())
	// Import copies the file at path into the attachment store and returns
	// it as an attachment (Material not set).
	Import(ctx context.Context, path string) (app.Attachment, error)
}

// Link is the connection to the bureau: the session, the rule profile in
// force and the sync loop. Implementations are safe for concurrent use.
type Link interface {
	// Session returns who is working and with which bureau; Configured is
	// false before the first run's choice.
	Session() Session
	// Profile returns the rule profile in force (the bureau's cached
	// profile or the one chosen offline), nil before the first run.
	Profile() *app.Profile
	// Connect logs in to the bureau at addr, caches its rule profile and
	// starts syncing. It returns an error whose app.ErrorMessage is Chinese.
	Connect(ctx context.Context, addr, login, password string) error
	// WorkOffline chooses one of the embedded profiles and works without a
	// bureau until Connect.
	WorkOffline(profileID, unitName, actor string) error
	// Status returns the sync status.
	Status() SyncStatus
	// Kick asks the sync loop for a pass now; it never blocks.
	Kick()
	// Updates receives a value after the status, the session or the
	// profile changed (coalesced).
	Updates() <-chan struct{}
	// Decisions receives every newly arrived decision or notice, for an OS
	// notification. The inbox (Store.Inbox) holds them too.
	Decisions() <-chan Decision

	// Trusted returns what the clerk trusts for bureaus besides the
	// system's certificate roots.
	Trusted() []Trust
	// TrustCA trusts the CA certificates in data (a .crt/.cer/.pem/.der
	// file, PEM or DER) for the bureau at addr, for every later connection,
	// instead of what was trusted for it before. It fails with a Chinese
	// message when data holds no certificate or cannot be stored.
	TrustCA(addr string, data []byte) (Trust, error)
	// Pin trusts exactly the certificate c for the bureau at addr, after the
	// clerk confirmed its fingerprint with the bureau, instead of what was
	// trusted for it before. Any other certificate is then refused.
	Pin(addr string, c Certificate) (Trust, error)
	// Untrust forgets what is trusted for the bureau at addr.
	Untrust(addr string) error
}

// Session is who works in the client and with which bureau.
type Session struct {
	Configured bool
	Bureau     string // the bureau's address; "" when working offline
	Login      string
	Actor      string // the clerk's display name, recorded with submissions
	UnitID     string
	UnitName   string
	UnitCode   string // 统一社会信用代码; "" when working offline
	ProfileID  string
	// DraftsLocalOnly is the clerk's 设置→在数管局保留草稿副本 switched
	// off: the drafts stay on this machine only. Off by default (the
	// copies are kept).
	DraftsLocalOnly bool `json:",omitempty"`
}

// creditCode returns the unit's 统一社会信用代码 as the bureau knows it, ""
// when unknown (working offline, or a session from before the bureau said).
func (s Session) creditCode() string {
	if app.ValidCreditCode(s.UnitCode) {
		return s.UnitCode
	}
	return ""
}

// Decision is a newly arrived decision or notice, for an OS notification.
type Decision struct {
	FilingID    string
	FilingTitle string     // "" when the store does not hold the filing
	FilingKind  app.Kind   // its kind, "" when the store does not hold it
	Revision    int        // the revision decided on
	Action      app.Action // what the bureau decided; "" for a notice
	Title       string     // a notice's title
	Refused     int        // the revision the bureau refused or that could not be sent, 0 for others
	// RefusedCount is how many revisions one push set aside, when more than one.
	RefusedCount int
	Text         string // the reviewer's comment or the notice
	// Route is a refused declaration's (app.Profile.RouteOf), which names
	// the refusal: 不予备案 for a 备案 project.
	Route string
}

// headline returns d as one line in the UI's language, the title of its
// OS notification: "《…平台》第 2 版：退回修改", "数管局通知：…", the filing
// and the decision named as prof's regulation names them (郁南's
// 验收前置审核申请 and 前置审核通过; the notification said 竣工验收申请 and
// 批复立项: found in review).
func (d Decision) headline(prof *app.Profile) string {
	title := shownTitle(prof, d.FilingKind, d.FilingTitle)
	switch {
	case d.FilingID != "" && d.Action != "":
		name := T("材料")
		if title != "" {
			name = Tf("《%s》", title)
		}
		return Tf("%s第 %d 版：%s", name, d.Revision, T(prof.ActionOn(d.Action, d.FilingKind, d.Route)))
	case d.RefusedCount > 1:
		return Tf("%d 份材料未能发送，请查看收件箱", d.RefusedCount)
	case d.Refused > 0:
		name := T("材料")
		if title != "" {
			name = Tf("“%s”", title)
		}
		return Tf("%s第 %d 版未能发送", name, d.Refused)
	case d.FilingID != "" && title != "":
		return Tf("《%s》有新的审核结果", title)
	case d.FilingID != "":
		return T("材料有新的审核结果")
	case d.Title != "":
		return Tf("%s通知：%s", prof.BureauShort(), d.Title)
	}
	return Tf("%s通知", prof.BureauShort())
}

// SyncStatus is what the connection bar shows.
type SyncStatus struct {
	Connected   bool // a bureau is configured
	Online      bool
	Unavailable bool // the bureau answered that it cannot take anything now (Online too); LastError says why
	Syncing     bool
	NeedsLogin  bool
	NeedsAction bool   // retried, but the clerk (or the bureau's IT) must act: a certificate, a new version
	DiskWarning string // the disk is nearly full (plain Chinese), "" when it is not
	Waiting     int
	LastSuccess time.Time
	LastError   string // plain Chinese, "" after a success; NextRetry says when it is retried
	NextRetry   time.Time
	Upload      *Upload
	Restore     *RestoreProgress // a restore from the bureau under way, nil when none
	// Conflict says that another machine of the unit revised a filing
	// first and this machine's text was kept as a new draft revision
	// (NeedsAction is set; the inbox says which filing).
	Conflict string
	// DraftsOff says why the drafts are not kept at the bureau (the
	// clerk's setting, the bureau's profile), "" while they are.
	DraftsOff string
	// DraftsProblem is why the drafts' copies did not reach the bureau
	// last time (plain Chinese, retried by itself), "" when they did.
	DraftsProblem string
	// DraftsCopied is when the drafts' copies were last brought up to
	// date at the bureau; zero before.
	DraftsCopied time.Time
	// KeyChange is set when the bureau's receipts came signed with a key
	// other than the one this computer recorded at the first sync, which
	// the bureau serves now: the outbox is not acknowledged until the clerk
	// checks the new key with the bureau and trusts it
	// (ReceiptKeyTruster). Nil otherwise.
	KeyChange *ReceiptKeyChange
}

// ReceiptKeyChange is the bureau's receipt signing key changing: the key
// ID this computer checks receipts with and the one the bureau serves now
// (32 hex digits each).
type ReceiptKeyChange struct {
	PinnedKeyID string
	ServedKeyID string
	Seen        time.Time // when a receipt signed with the new key was last refused
}

// ReceiptKeyTruster is a Link that can trust the bureau's new receipt key.
// The warning of a key change offers 核对并信任新密钥… when the Link is one.
type ReceiptKeyTruster interface {
	// TrustReceiptKey trusts the receipt key the bureau serves now, after
	// the clerk checked it with the bureau, when its ID is keyID; it
	// fails (with a Chinese app.ErrorMessage) when the bureau serves
	// another key or cannot be reached, and trusts nothing then.
	TrustReceiptKey(ctx context.Context, keyID string) error
	// ReceiptKeyChanges returns the bureau's receipt keys the clerk
	// trusted in place of the one before, oldest first.
	ReceiptKeyChanges() []ReceiptKeyReplaced
}

// ReceiptKeyReplaced is one new receipt key the clerk trusted.
type ReceiptKeyReplaced struct {
	OldKeyID string
	NewKeyID string
	At       time.Time
}

// DraftKeeper is a Link that can keep a private copy of the unit's
// drafts at the bureau (设置→在数管局保留草稿副本). The settings show the
// switch when the Link is one and a bureau is configured.
type DraftKeeper interface {
	// SetKeepDrafts switches the copies on or off and remembers it. It
	// returns an error whose app.ErrorMessage is Chinese.
	SetKeepDrafts(on bool) error
}

// Withdrawer is a Link that can ask the bureau to take back a submission
// it holds and has not begun on (已提交, not yet 受理): 撤回提交 of a
// delivered filing. The editor offers it when the Link is one and a bureau
// is configured.
type Withdrawer interface {
	// Withdraw asks the bureau and records its answer: the filing is then
	// 已撤回 in the store, the unit's to change and send again. reason
	// (may be empty) is shown to the reviewers. It fails with an
	// *app.Error in Chinese saying what to do: EUNAVAILABLE when the
	// bureau did not answer (asking again is safe), ECONFLICT when it has
	// begun (受理).
	Withdraw(ctx context.Context, id, reason string) error
}

// Upload is an attachment upload under way.
type Upload struct {
	FilingID string
	Name     string
	Sent     int64
	Total    int64
}

// Excel reads and writes a catalogue as an Excel workbook in the layout of
// the 2017 national guide's template. cmd/egovdesk implements it over
// app/xlsx; the UI hides the Excel buttons when it is nil.
type Excel interface {
	// Import reads a whole workbook. A cell that does not read refuses it:
	// nil and an EINVALID *app.Error listing every bad cell. A workbook that
	// reads but has problems a draft may have gives the catalogue and an
	// EINVALID *app.Error listing them by cell.
	Import(r io.Reader) (*app.Catalogue, error)
	// Export writes c as a workbook.
	Export(w io.Writer, c *app.Catalogue) error
}

// ErrRecoveryKeyNeeded is returned by Options.Restore for an encrypted
// backup written with another computer's data key: it opens only with
// that computer's recovery key (Options.RestoreRecovery).
var ErrRecoveryKeyNeeded = app.Errorf(app.EINVALID, "此备份来自另一台电脑（或重装系统之前），需要备份所在电脑的恢复密钥才能打开")

// RecoveryKeys is implemented by Backups when the data is encrypted at
// rest: settings show how it is protected and, on request, the recovery
// key a restore on another computer needs.
type RecoveryKeys interface {
	// Protection says in the clerk's words what protects the data key on
	// this computer.
	Protection() string
	// RecoveryKey returns the recovery key (8 groups of 4); "" when the
	// data is not encrypted.
	RecoveryKey() string
}

// Backups are the automatic backups: once a day, into a folder the clerk
// chose (a U disk, the unit's shared folder), the newest seven kept.
type Backups interface {
	// Auto returns the folder ("" when off), when the last automatic
	// backup was written and why the last one failed ("" when it did not).
	Auto() (folder string, last time.Time, problem string)
	// SetAuto turns automatic backups on into folder, writing one at once,
	// or off with "". It is called off the Fyne thread.
	SetAuto(folder string) error
}
