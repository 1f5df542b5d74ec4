// Package bureaustore is the storage seam of the bureau server: the
// interface the HTTP layer (egovdesk/sync/server) asks its store through,
// the records it speaks in and the errors it maps to status codes. The
// layer owns it, as the domain package does in Ben Johnson's wtf and
// litestream: implementations live in packages of their own
// (sync/server/badgerstore, the embedded default; a PostgreSQL one) and
// must pass the conformance suite of sync/server/storetest.
//
// It is a package of its own, not part of sync/server, only because
// server.Open opens the Badger store by default: server imports
// badgerstore, which imports this package.
//
// Every method is a business operation in one transaction of the backend
// (a submission, a decision, a page of the queue), never a get or put of a
// key. Writes that acknowledge something to a client (Submit, Decide,
// CompleteUpload) are durable when they return. The methods are safe for
// concurrent use.
package bureaustore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"egovdesk/app"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server/console"
)

// Sentinel errors. An implementation wraps them (with %w or by a type whose
// Unwrap returns one) so that errors.Is finds them; the HTTP layer maps
// them to status codes. Refusals that carry the bureau's own message (a
// *protocol.Problem or an *app.Error, see Refusal) are passed through as
// they are, and also match the sentinel of their kind.
var (
	// ErrNotFound: no such record, or one the caller's unit may not see
	// (a unit never learns that another unit's filing exists). → 404.
	ErrNotFound = errors.New("bureaustore: not found")
	// ErrConflict: the record moved on since the caller read it (a
	// decision on a stale view, a body resent under a revision ID that
	// holds another one, a filing not open for a new revision). → 409.
	ErrConflict = errors.New("bureaustore: conflict")
	// ErrDuplicate: a unique name is taken (a login, a credit code). → 409.
	ErrDuplicate = errors.New("bureaustore: duplicate")
	// ErrInvalid: the request breaks a rule of the records (a revision
	// number out of sequence, a kind changed). → 422.
	ErrInvalid = errors.New("bureaustore: invalid")
	// ErrUnavailable: the backend cannot take writes now (a full disk, a
	// database that is down or read-only); what it acknowledged before is
	// kept. The client is to retry later. → 503 / 507.
	ErrUnavailable = errors.New("bureaustore: unavailable")
	// ErrSessionIdle: a console session went unused for its idle limit
	// and was ended (TouchSession). It matches ErrNotFound as well.
	ErrSessionIdle = fmt.Errorf("%w: session idle", ErrNotFound)
)

// Refusal is a refusal of the bureau's rules with the message the client
// sees: Err is a *protocol.Problem or an *app.Error, Kind the sentinel it
// also matches (ErrNotFound, ErrConflict, ErrInvalid).
type Refusal struct {
	Kind error
	Err  error
}

func (r *Refusal) Error() string { return r.Err.Error() }

// Unwrap lets errors.Is and errors.As see both the message and the kind.
func (r *Refusal) Unwrap() []error { return []error{r.Err, r.Kind} }

// Refuse wraps err, a refusal with the bureau's message, as one of kind.
func Refuse(kind, err error) error { return &Refusal{Kind: kind, Err: err} }

// Storage is what the bureau server needs of its store.
type Storage interface {
	// Close releases the store. Nothing may be called after it.
	Close() error

	// Epoch returns the id of this store's change feeds: a cursor from
	// another epoch resets. ResetEpoch replaces it with a new random one
	// (after a restore) and returns it.
	Epoch(ctx context.Context) (string, error)
	ResetEpoch(ctx context.Context) (string, error)

	// OnChange registers fn, called after each commit that appended
	// changes, with the units whose feeds grew (also for commits of other
	// processes sharing the store, where the backend can tell). The server
	// wakes those units' long polls. Register before serving; fn must not
	// block.
	OnChange(fn func(units []string))

	// ---- Submissions ----

	// Submit stores the new revisions of subs, for the unit of by, exactly
	// once, in order, as one durable commit (or a few, when too big for
	// one), and returns one result per submission (a zero result where
	// subs holds nil). A revision already stored under the same ID with
	// the same body hash is answered with its receipt as it now stands
	// (Created false, no second change); with another hash it is refused
	// (ErrConflict, protocol.CodeRevisionConflict). Each refusal is in its
	// result's Err and leaves nothing stored; the error returned is a
	// failure of the store, and then nothing of the failing part is stored.
	// A revision whose attachments are not all complete is stored waiting
	// for them (protocol.ReceiptAwaitingAttachments); CompleteUpload
	// settles it. A complete one enters the review queue.
	Submit(ctx context.Context, by Actor, now time.Time, subs []*Submission) ([]SubmitResult, error)

	// ---- Filings ----

	// Filing returns filing id as seen by unit ("" for the bureau, which
	// sees all): ErrNotFound when it does not exist or is another unit's.
	Filing(ctx context.Context, unit, id string) (FilingView, error)
	// UnitFilings returns the filing records of unit, in no order.
	UnitFilings(ctx context.Context, unit string) ([]Filing, error)
	// ProjectFilings returns the records of unit's declaration project and
	// of unit's filings that name it as their project, in no order,
	// reading no other filing of the unit: a unit holds tens of
	// thousands, a project a few (found from outside: the project's page
	// read every filing of the unit, 1 s and 140 MB a call at 61,000).
	ProjectFilings(ctx context.Context, unit, project string) ([]Filing, error)
	// UnitFilingsPage returns up to limit filing records of unit whose IDs
	// come after after ("" from the first), in the order of their IDs,
	// and whether more follow.
	UnitFilingsPage(ctx context.Context, unit, after string, limit int) ([]Filing, bool, error)
	// Revision returns revision rev of filing fid — a revision ID or its
	// number in decimal — with its body as received: ErrNotFound when
	// there is no such filing or revision.
	Revision(ctx context.Context, fid, rev string) (RevisionView, error)
	// RevisionsByCode returns the stored revisions a printed verification
	// code names by its revision ID and number (app.CodeID(revisionID) ==
	// code.RevisionID, number code.Revision), with their filing and unit:
	// those whose body digest matches code's first, then at most limit of
	// the others (a paper copy of another text). Its work is bounded by
	// limit and the matches, not by the revisions a unit planted under
	// one code's ID (found from outside: 20,000 of them made one 核验 take
	// a second).
	RevisionsByCode(ctx context.Context, code app.PrintCode, limit int) ([]RevisionView, error)

	// ---- Review ----

	// Decide applies a bureau account's decision to a filing with
	// ApplyDecision (app.Filing.Review under d.Profile's review steps,
	// with the head revision's content), in one durable commit with the
	// review queue and a change in the unit's feed carrying the
	// transition whole (its step, 核定 amount and remarks). It fails with
	// ErrNotFound for an unknown filing, and with a *DecisionRefused
	// (matching ErrConflict when the filing is not as d.From or
	// d.Expected say) when it refuses.
	Decide(ctx context.Context, d Decision) (DecisionResult, error)
	// Queue returns one page of the filings awaiting review (status
	// submitted, preliminary or expert review) that q selects, oldest
	// arrival at their current step first, with their records. It reads at
	// most a bounded number of entries, answering Partial with a Next
	// cursor when the budget ran out. It fails with ErrInvalid for a
	// cursor (q.After) that is not one of its own. Entries carry the
	// departments that concurred at the joint step the filing waits at
	// (QueueEntry), and q.Waiting filters with QueueMatches, after the
	// route is filled in.
	Queue(ctx context.Context, q console.QueueQuery, rules QueueRules) (QueueResult, error)
	// QueueOverview counts the queue by status and by unit, with the
	// overdue ones, without reading every entry.
	QueueOverview(ctx context.Context, rules QueueRules) (console.Overview, error)
	// Similar returns the declarations most like declaration fid across
	// all units and years (避免重复建设), best first, at most
	// SimilarShown, each scoring at least SimilarFloor by
	// app.Similarity; nil for a filing that is not a declaration.
	Similar(ctx context.Context, fid string) ([]console.SimilarItem, error)

	// ---- Change feeds ----

	// Changes reads unit's feed after a cursor's position, up to q.Limit
	// changes, in one snapshot (see ChangesQuery).
	Changes(ctx context.Context, q ChangesQuery) (ChangesPage, error)
	// Broadcast appends c (each copy with an ID of its own) to the feed of
	// each of units, or of every unit when units is nil, in one commit,
	// and returns the units written to. ErrNotFound names an unknown unit;
	// then nothing is written.
	Broadcast(ctx context.Context, units []string, c protocol.Change) ([]string, error)
	// PruneChanges deletes the changes older than before from every feed,
	// raising its retention floor, and returns how many it deleted.
	PruneChanges(ctx context.Context, before time.Time) (int, error)

	// ---- Uploads (the bytes are files; the store keeps where they stand) ----

	// Upload returns unit's upload record of attachment sum: ErrNotFound
	// when there is none.
	Upload(ctx context.Context, unit, sum string) (Upload, error)
	// PutUpload records an unfinished upload's progress.
	PutUpload(ctx context.Context, unit, sum string, up Upload) error
	// DeleteUpload forgets an upload (a checksum mismatch); none is fine.
	DeleteUpload(ctx context.Context, unit, sum string) error
	// CompleteUpload records the upload complete (up with Complete set)
	// and settles every revision of the unit waiting for it, durably; it
	// returns the record stored. However many revisions wait (thousands
	// may name one attachment), it must not fail for their number: Badger
	// settles them in several commits, the record with the first, and its
	// Maintain settles what a stop part way left waiting.
	CompleteUpload(ctx context.Context, unit, sum string, up Upload, now time.Time) (Upload, error)
	// AbandonedUploads lists the unfinished uploads not updated since
	// cutoff and not marked referenced (a record started again after its
	// file went missing keeps its mark).
	AbandonedUploads(ctx context.Context, cutoff time.Time) ([]UploadRef, error)
	// DeleteAbandonedUpload deletes the record of an upload if it is
	// still unfinished and not updated since cutoff, and reports whether it did.
	DeleteAbandonedUpload(ctx context.Context, unit, sum string, cutoff time.Time) (bool, error)
	// Submit and CompleteUpload mark each complete upload a revision they
	// store names (Upload.Referenced), in the revision's commit.
	// UnreferencedUploads lists the complete uploads not so marked and
	// not updated since cutoff: those no revision stored since the mark
	// began names (a revision stored before it may name an Untracked one;
	// ReferencedAttachments says).
	UnreferencedUploads(ctx context.Context, cutoff time.Time) ([]UploadRef, error)
	// ReferencedAttachments returns the SHA-256 of every attachment a
	// stored revision of unit names, whatever its state.
	ReferencedAttachments(ctx context.Context, unit string) (map[string]bool, error)
	// MarkUploadReferenced marks unit's complete upload of sum referenced;
	// none, or an unfinished one, is left as it is.
	MarkUploadReferenced(ctx context.Context, unit, sum string) error
	// DeleteUnreferencedUpload deletes the record of a complete upload if
	// it is still unmarked and not updated since cutoff, and reports
	// whether it did. It is serialised with Submit and CompleteUpload: a
	// revision naming the upload is stored either before (and marks it:
	// nothing is deleted) or after (and finds it missing: it waits for
	// the attachment, which its client sends again).
	DeleteUnreferencedUpload(ctx context.Context, unit, sum string, cutoff time.Time) (bool, error)

	// ---- Units, accounts, tokens ----

	// AddUnit stores a new unit: ErrDuplicate when its code is registered.
	AddUnit(ctx context.Context, u protocol.Unit) error
	// Unit returns a unit by ID, UnitByCode by credit code: ErrNotFound.
	Unit(ctx context.Context, id string) (protocol.Unit, error)
	UnitByCode(ctx context.Context, code string) (protocol.Unit, error)
	// Units returns every unit, in no order.
	Units(ctx context.Context) ([]protocol.Unit, error)

	// AddAccount stores a new account and returns its wire form:
	// ErrDuplicate when the login is taken, ErrNotFound when its unit is
	// unknown.
	AddAccount(ctx context.Context, a Account) (protocol.Account, error)
	// AccountByLogin returns an account by its login (lower case):
	// ErrNotFound.
	AccountByLogin(ctx context.Context, login string) (Account, error)
	// IssueToken stores a token (by the SHA-256 of its text, hex) for
	// t.AccountID and returns the account's wire form.
	IssueToken(ctx context.Context, hash string, t Token) (protocol.Account, error)
	// TokenAccount returns the account holding the token stored under
	// hash: ErrNotFound when the token is unknown, revoked or expired at
	// now, or its account not live (AccountLive: disabled, or its unit).
	TokenAccount(ctx context.Context, hash string, now time.Time) (protocol.Account, error)
	// TouchSession is TokenAccount for a console session that ends after
	// idle without use: it returns the account as TokenAccount does and
	// records now as the token's LastUsed, in one commit. When the token
	// was last used (or, never used, issued) idle or more before now, it
	// revokes the token instead and fails with ErrSessionIdle (which
	// matches ErrNotFound too). idle ≤ 0 never ends a session.
	TouchSession(ctx context.Context, hash string, now time.Time, idle time.Duration) (protocol.Account, error)
	// RevokeToken marks a token revoked: ErrNotFound when unknown.
	RevokeToken(ctx context.Context, hash string) error
	// RevokeTokens deletes every token of the account with that login and
	// returns how many were live at now: ErrNotFound for an unknown login.
	RevokeTokens(ctx context.Context, login string, now time.Time) (int, error)
	// PruneTokens deletes the tokens expired at now or revoked and
	// returns how many.
	PruneTokens(ctx context.Context, now time.Time) (int, error)

	// ---- Profile ----

	// Profile returns the bureau's rule profile: ErrNotFound when none is set.
	Profile(ctx context.Context) (Profile, error)
	// SetProfile stores the rule profile and appends c (ChangeProfile) to
	// every unit's feed in the same commit.
	SetProfile(ctx context.Context, p Profile, c protocol.Change) error

	// ---- Operations ----

	// Backup writes a consistent snapshot of the store to w in the
	// backend's own format (Badger's backup stream) while it serves. The
	// attachment files are the server's to copy, after it.
	Backup(ctx context.Context, w io.Writer) error
	// LockFiles takes the lock that keeps a backup copying the attachment
	// files apart from their deletion, across every bureau process that
	// shares the store: shared for a backup (it waits for the lock),
	// exclusive for a deletion (it does not wait: ok is false while the
	// lock is held). release gives it back. Each server also keeps the two
	// apart among its own requests; a backend only one process opens at a
	// time (Badger) has nothing to do.
	LockFiles(ctx context.Context, exclusive bool) (release func(), ok bool, err error)
	// Schema is the layout version of the store, written in backups.
	Schema() string
	// Maintain does the backend's periodic housekeeping (Badger's value
	// log GC); the server calls it every few minutes. stop closes when the
	// server stops.
	Maintain(ctx context.Context, stop <-chan struct{}) error

	// ---- Administration (console admin pages) ----
	//
	// The rules every backend applies alike are the pure functions of
	// admin.go (AccountLive, DisableAccount, the refusals). Queue fills
	// QueueResult.Page.Counts in the page's snapshot (NewQueueCounts).

	// UpdateUnit sets the name and credit code of unit id (checked by the
	// HTTP layer) and returns the unit as stored: ErrNotFound (UnitNotFound)
	// for an unknown unit, ErrDuplicate (CodeTaken) when another unit holds
	// the code. The review queue's entries show the new name from then on.
	UpdateUnit(ctx context.Context, id, name, code string) (protocol.Unit, error)
	// SetUnitDisabled disables unit id, or enables it again, and returns
	// it: ErrNotFound for an unknown unit. The accounts of a disabled unit
	// are not live (AccountLive): TokenAccount refuses their tokens. Its
	// filings stay.
	SetUnitDisabled(ctx context.Context, id string, disabled bool) (protocol.Unit, error)
	// Accounts returns every account with its unit's name and code, in no
	// order.
	Accounts(ctx context.Context) ([]protocol.AdminAccount, error)
	// SetAccountPassword sets login's password as set says (SetPassword:
	// the old hash joins the history) and revokes every token of the
	// account, in one commit: ErrNotFound (AccountNotFound) for an
	// unknown login.
	SetAccountPassword(ctx context.Context, login string, set PasswordSet) error
	// SetAccountDisabled disables login, or enables it again, under
	// DisableAccount's rule with the enabled admins counted in the same
	// transaction (so two admins disabling each other at once cannot both
	// succeed): ErrInvalid for the last enabled admin, ErrNotFound for an
	// unknown login. TokenAccount refuses a disabled account's tokens.
	SetAccountDisabled(ctx context.Context, login string, disabled bool) error
	// AccountTokens lists the tokens of login not yet pruned (revoked and
	// expired ones too), in no order, each with ID the hash it is stored
	// under: ErrNotFound for an unknown login.
	AccountTokens(ctx context.Context, login string) ([]protocol.AdminToken, error)
	// RevokeAccountToken marks the token of login stored under hash
	// revoked: ErrNotFound (TokenNotFound) for an unknown login, or a hash
	// that is not one of login's tokens.
	RevokeAccountToken(ctx context.Context, login, hash string) error
	// ReplaceRegister replaces the register of existing systems with
	// systems and meta. Each system gets an ID of the store's own starting
	// with RegisteredPrefix (the IDs given are ignored) and joins the
	// similar-projects index: Similar ranks it beside the declarations, as
	// a console.SimilarItem with Registered set, Title its name, UnitName
	// its owner and Year its year. A backend that cannot replace the
	// register in one transaction may let a Similar meanwhile see part of
	// the new one.
	ReplaceRegister(ctx context.Context, systems []app.ExistingSystem, meta RegisterMeta) error
	// Register returns the register as last replaced (the zero Register
	// before the first), its systems in no order.
	Register(ctx context.Context) (console.Register, error)

	// ---- Restore (a unit's filings on a new machine) ----
	//
	// Submit and CompleteUpload append RevisionChange to the unit's feed
	// for every revision received, in the commit that receives it, and
	// call OnChange after it; a resend appends none. The unit's other
	// machines learn from it of a revision sent from one of them.

	// RestorePage reads one page of unit's filings in one snapshot: at
	// most limit of them (limit ≥ 1) whose IDs come after after in byte
	// order ("" for the first page; a PostgreSQL store orders with
	// COLLATE "C"), each with its record and every revision, oldest
	// first. The bodies go inline as Inline decides, from a budget of
	// inlineBudget bytes; the others are left nil. Total is the unit's
	// number of filings on the first page only; Epoch and FeedSeq are the
	// unit's feed in the same snapshot. after need not be an existing
	// filing's ID. Another unit's filings are never read.
	RestorePage(ctx context.Context, unit, after string, limit int, inlineBudget int64) (RestorePage, error)
	// RestoreFiling reads filing id of unit with every revision and all
	// their bodies: ErrNotFound when there is no such filing or it is
	// another unit's.
	RestoreFiling(ctx context.Context, unit, id string) (RestoreFiling, error)

	// ---- Drafts kept for units (private to the unit) ----
	//
	// A unit's clerks may keep copies of their unsent drafts at the
	// bureau, so that a dead laptop loses none (drafts.go). The draft area
	// is the unit's alone: nothing of it enters the review queue, the
	// similar-projects index, the console or any change feed, and only
	// the unit's own accounts reach it.

	// PutDraft stores d (its ID, Body and SHA256 set) for unit when the
	// stored copy is at version expected (0: there is none yet), and
	// returns the record stored, at version expected+1. A stale expected
	// fails with ErrConflict (the *DraftConflict carries the stored
	// version); a body over MaxDraftBytes, or a new draft beyond
	// MaxDraftsPerUnit, with ErrInvalid.
	PutDraft(ctx context.Context, unit string, d Draft, expected int64) (Draft, error)
	// Drafts reads one page of unit's drafts in one snapshot: at most
	// limit (≥ 1) whose IDs come after after in byte order, without their
	// bodies (Body nil); Next is the last ID when more follow, Total the
	// unit's count on the first page. Another unit's drafts are never read.
	Drafts(ctx context.Context, unit, after string, limit int) (DraftPage, error)
	// Draft returns unit's draft id with its body: ErrNotFound when unit
	// keeps none under that ID.
	Draft(ctx context.Context, unit, id string) (Draft, error)
	// DeleteDraft deletes unit's draft id when it is at version expected
	// (0: whatever its version): ErrNotFound when unit has no such draft,
	// ErrConflict when it moved on.
	DeleteDraft(ctx context.Context, unit, id string, expected int64) error

	// ---- Security audit (安全审计) ----
	//
	// The trail is append-only: no method changes or removes a record
	// but PruneAudit, which removes only records older than
	// AuditRetention. The chain rule is audit.go's (ChainAudit).

	// AppendAudit appends e as the record after the chain's head, chained
	// by ChainAudit in the same transaction that reads the head (appends
	// are serialized), durable when it returns, and returns it as stored.
	AppendAudit(ctx context.Context, e AuditEvent) (AuditEvent, error)
	// AuditEvents reads a page of the records q matches, in Seq order.
	AuditEvents(ctx context.Context, q AuditQuery) (AuditPage, error)
	// AuditHead returns the chain's head.
	AuditHead(ctx context.Context) (AuditHead, error)
	// AddAuditCheckpoint keeps c (a signed head); AuditCheckpoints returns
	// them all in Seq order.
	AddAuditCheckpoint(ctx context.Context, c AuditCheckpoint) error
	AuditCheckpoints(ctx context.Context) ([]AuditCheckpoint, error)
	// PruneAudit removes the records older than before whose Seq is at
	// most through (the signed anchor the rest is verified from: see
	// server.PruneAudit) and returns how many: ErrInvalid unless
	// CanPruneAudit(before, now).
	PruneAudit(ctx context.Context, before, now time.Time, through uint64) (int, error)
}

// Actor is who submits: the unit and the name in the history.
type Actor struct {
	UnitID string
	Name   string
}

// Submission is one revision that passed the HTTP layer's checks.
type Submission struct {
	Request protocol.SubmitRequest // Body is the bytes received, BodySHA256 their hash
	Body    app.Body               // Request.Body decoded
	// Invalid is the content rules' verdict: it refuses a revision the
	// store has not seen, and is ignored for a resend of a stored one.
	Invalid error
	// Print is a declaration's fingerprint for the similar-projects
	// index, worked out as the request is checked (NewSubmission), not in
	// the store's commit, which every writer waits for; nil: the store
	// works it out (DeclarationPrint).
	Print *app.Fingerprint
	// ProjectYear is the plan year of the declaration of the project the
	// filing belongs to, as the bureau holds it (0: none, or a
	// declaration): the queue lists the filing under that year.
	ProjectYear int
	// ProjectRule, when set, is a rule on the filings of the submission's
	// project that two submissions racing each other must not both pass
	// (one acceptance application of a project at a time). The store runs
	// it on a new revision with Invalid nil, in the transaction that would
	// store it, after every submission of the project before it (of the
	// same call, another call, another process) is stored or refused: it
	// gets the project's filings of the unit as they then stand (the
	// declaration and those naming it, the submission's own filing
	// included when it has one). An error it returns refuses the
	// submission as Invalid does. Checked before, outside that transaction,
	// two applications sent at once were both received (found in review).
	// It is not run again when a revision stored waiting for attachments
	// is received later (CompleteUpload): its receipt is given; a filing
	// waiting so is a draft, which rules on what stands at the bureau pass.
	ProjectRule func(project []*app.Filing) error
}

// NewSubmission returns the submission of body (req's, decoded) with the
// content rules' verdict invalid, and a declaration's fingerprint.
func NewSubmission(req protocol.SubmitRequest, body app.Body, invalid error) *Submission {
	s := &Submission{Request: req, Body: body, Invalid: invalid}
	if d := body.Declaration; d != nil && invalid == nil {
		fp := app.DeclarationFingerprint(d)
		s.Print = &fp
	}
	return s
}

// DeclarationPrint returns the fingerprint of the submission's
// declaration: Print, or worked out now.
func (s *Submission) DeclarationPrint() app.Fingerprint {
	if s.Print != nil {
		return *s.Print
	}
	return app.DeclarationFingerprint(s.Body.Declaration)
}

// SubmitResult is what became of one submission: a receipt, or a refusal
// in Err.
type SubmitResult struct {
	Receipt protocol.Receipt
	Created bool // the revision is new (201), not a resend (200)
	Err     error
}

// Filing is a filing as the bureau keeps it: workflow state, history, the
// head revision's ID, attachments and title, but not its content, which is
// the head revision's body. The head revision is pending (awaiting
// attachments) while Filing.Revision is not submitted. The JSON form is
// the Badger store's record; do not change it.
type Filing struct {
	Filing     app.Filing `json:"filing"` // Declaration, Catalogue, TrialReport and Acceptance are nil
	Title      string     `json:"title,omitempty"`
	BodySHA256 string     `json:"body_sha256"`
}

// Revision is one stored revision, immutable but for its receipt.
type Revision struct {
	UnitID  string           `json:"unit_id"`
	Actor   string           `json:"actor"` // who submitted, for the transition once complete
	Receipt protocol.Receipt `json:"receipt"`
}

// FilingView is a filing with what the detail view shows of it, read in
// one snapshot.
type FilingView struct {
	Filing
	Unit    protocol.Unit
	Body    []byte                   // the head revision's body as received
	Missing []protocol.AttachmentRef // attachments of the head revision not complete
}

// RevisionView is one revision with its filing, body and unit.
type RevisionView struct {
	Filing     Filing
	RevisionID string
	Revision   Revision
	Body       []byte // as received; nil from RevisionsByCode
	Unit       protocol.Unit
}

// Decision is a bureau account's decision as the store applies it, or a
// unit's withdrawal of its submission (Action app.ActionWithdraw, Role
// app.RoleUnit, Unit and RevisionID set).
type Decision struct {
	FilingID string
	Actor    string
	Role     app.Role
	Action   app.Action
	Comment  string
	// Unit, for a withdrawal, is the unit withdrawing: another unit's
	// filing is not found. RevisionID is the revision withdrawn, or
	// decided on: a filing whose head is another is refused (ErrConflict).
	// A decision with neither Expected nor RevisionID on a filing the unit
	// withdrew and sent again since the bureau's last act is refused: From
	// alone cannot tell the revisions apart.
	Unit       string
	RevisionID string
	// From, when not empty, is the status the reviewer saw: a filing in
	// another status is refused.
	From app.Status
	// Expected, when not nil, is the view the reviewer decided on: a
	// filing whose head revision differs, or that has transitions since
	// other than departments' concurrences at a joint step (see
	// OnlyConcurredSince), is refused.
	Expected *Expected
	Now      time.Time

	// Approved is the approved (核定) amount, 0 for none; Remarks are
	// remarks on single fields by field path (see app.Decision). Review
	// checks both and the transition carries them.
	Approved app.Money
	Remarks  map[string]string
	// Profile is the bureau's rule profile the decision is taken under:
	// its review steps say which role takes which step, and its rules
	// bound the approved amount. nil is the single-reviewer flow.
	Profile *app.Profile
	// Project is the declaration of the project a later filing names, as
	// the bureau holds it (nil when none: app.Body.Project), which decides
	// how an adjustment's review ends (app.Profile.LaterOutcome).
	Project *app.Declaration
}

// Expected is the state of a filing a reviewer saw (the decision ETag).
type Expected struct {
	RevisionID  string
	Transitions int
}

// DecisionResult is an applied decision.
type DecisionResult struct {
	Transition app.Transition
	Filing     Filing
	UnitName   string
}

// DecisionRefused is a decision the store did not apply. Current is the
// filing as it stands; Reason is ErrConflict when it is not as
// Decision.From or Decision.Expected say, or the error of
// app.Filing.Review. The HTTP layer words the answer ("已由他人处理").
type DecisionRefused struct {
	Current app.Filing
	Reason  error
}

func (e *DecisionRefused) Error() string { return "decision refused: " + e.Reason.Error() }

// Unwrap returns Reason.
func (e *DecisionRefused) Unwrap() error { return e.Reason }

// QueueRules are the bureau's rules the queue is read under.
type QueueRules struct {
	Now time.Time // in the bureau's zone: working days count there
	// Due is the review time limit of a filing that reached its step at
	// since: the instant it runs out (midnight after its last day).
	Due func(since time.Time) time.Time
	// Route is the route of a declaration's total under the profile; nil
	// without a profile.
	Route func(total app.Money) app.Route
}

// QueueResult is a page of the queue and the records of its items, in order.
type QueueResult struct {
	Page    console.QueuePage
	Filings []Filing
}

// ChangesQuery reads a unit's feed. HasCursor false starts at the
// retention floor; otherwise a cursor of another epoch, or whose Seq is
// ahead of the feed's head or behind its floor, answers Reset.
type ChangesQuery struct {
	Unit      string
	HasCursor bool
	Epoch     string
	Seq       uint64
	Limit     int
}

// ChangesPage is what Changes read. Last is the sequence number of the
// last change returned (the cursor's when none), or the head on Reset.
type ChangesPage struct {
	Epoch   string
	Changes []protocol.Change
	Last    uint64
	More    bool
	Reset   bool
}

// Upload is where the upload of one attachment by one unit stands. Hash is
// the hash state over the first HashedTo bytes of the part file (the
// server's: SHA-256 and SM3 together). SM3 is the SM3 of the complete
// attachment, lowercase hex, computed by the bureau as the bytes arrived
// (empty for one completed before the bureau computed SM3).
type Upload struct {
	Size     int64     `json:"size"`
	Offset   int64     `json:"offset"`
	Complete bool      `json:"complete"`
	SM3      string    `json:"sm3,omitempty"`
	Hash     []byte    `json:"hash,omitempty"`
	HashedTo int64     `json:"hashed_to,omitempty"`
	Created  time.Time `json:"created"`
	Updated  time.Time `json:"updated"`
	// Referenced: a stored revision names the attachment (set by the
	// store when it stores one; see UnreferencedUploads).
	Referenced bool `json:"referenced,omitempty"`
	// Tracked: the record was created by a bureau whose stores mark
	// Referenced, so unmarked it is named by no revision; one from before
	// (false) is checked against the unit's revision bodies.
	Tracked bool `json:"tracked,omitempty"`
}

// UploadRef names an upload. Untracked: its record is from before the
// marks (Upload.Tracked false).
type UploadRef struct {
	Unit, SHA256 string
	Untracked    bool
}

// Account is an account as stored; Password is an argon2id PHC string.
type Account struct {
	ID       string    `json:"id"`
	Login    string    `json:"login"`
	Name     string    `json:"name"`
	Role     app.Role  `json:"role"`
	UnitID   string    `json:"unit_id,omitempty"`
	Password string    `json:"password"`
	Created  time.Time `json:"created"`
	Disabled bool      `json:"disabled,omitempty"`
	// The password policy's state (身份鉴别, see password.go): when the
	// password was last set (zero: at Created), whether an admin set it
	// (an initial or reset password the holder must change at the next
	// login), and the hashes of the passwords before it, newest first,
	// for the reuse rule. Records written before these fields decode
	// with none of them.
	PasswordChanged time.Time `json:"password_changed,omitzero"`
	MustChange      bool      `json:"must_change,omitempty"`
	PasswordHistory []string  `json:"password_history,omitempty"`
}

// Token is a bearer token as stored (by its hash).
type Token struct {
	AccountID string    `json:"account_id"`
	Label     string    `json:"label,omitempty"`
	Created   time.Time `json:"created"`
	Expires   time.Time `json:"expires"`
	Revoked   bool      `json:"revoked,omitempty"`
	// LastUsed is when a console session was last used (TouchSession);
	// zero for an API token and a session not yet used.
	LastUsed time.Time `json:"last_used,omitzero"`
}

// Profile is the bureau's rule profile file as it was set.
type Profile struct {
	ID      string          `json:"id"`
	Version string          `json:"version"`
	Updated time.Time       `json:"updated"`
	Data    json.RawMessage `json:"data"`
}

// How many similar projects Similar lists, and the least score listed.
const (
	SimilarShown = 8
	SimilarFloor = 0.3
)
