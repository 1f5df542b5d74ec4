package console

import (
	"context"
	"io"
	"net/http"
	"time"

	"egovdesk/app"
	"egovdesk/sync/protocol"
)

// Backend is what the console needs of the bureau server: the same login
// checks and limits, the same filings and the same decision path as the
// API. *server.Server implements it; the console never opens the store
// itself, so it cannot have a second copy of a rule or a transaction.
//
// Every call that acts for a reviewer takes the session token the console
// keeps in its cookie; the server resolves it as it resolves a bearer token
// and refuses an expired, revoked or non-bureau one with EUNAUTHORIZED or
// EFORBIDDEN.
type Backend interface {
	AdminBackend    // the admin pages (admin.go)
	RegisterBackend // the register of existing systems (register.go)
	PasswordBackend // the password and session policy's pages (password.go)
	// Login checks login and password from r's client under the server's
	// login limits and opens a console session for a bureau account
	// (reviewer or admin). wait > 0 comes with ETOOMANY while the login or
	// the address is locked; a unit account is refused with EFORBIDDEN.
	Login(ctx context.Context, r *http.Request, login, password string) (token string, acct protocol.Account, wait time.Duration, err error)
	// Session returns the account of a live console session.
	Session(ctx context.Context, token string) (protocol.Account, error)
	// Logout ends the session.
	Logout(ctx context.Context, token string) error
	// Queue returns one page of the review queue.
	Queue(ctx context.Context, token string, q QueueQuery) (QueuePage, error)
	// Overview counts the queue by status and by unit, with the overdue.
	Overview(ctx context.Context, token string) (Overview, error)
	// Filing returns a filing with the decisions the session's account may take.
	Filing(ctx context.Context, token, id string) (protocol.FilingDetail, error)
	// Similar returns the declarations most like declaration id across
	// all units and years (避免重复建设), best first; none for a filing
	// that is not a declaration.
	Similar(ctx context.Context, token, id string) ([]SimilarItem, error)
	// Project returns the dossier of the project whose declaration is id,
	// as the bureau holds it: the declaration and the filings of its unit
	// that name it, with their deadlines under the profile at the bureau's
	// clock; ENOTFOUND when id is no declaration.
	Project(ctx context.Context, token, id string) (app.Dossier, error)
	// RevisionBody returns the body of an earlier revision of a filing, as received.
	RevisionBody(ctx context.Context, token, id, revisionID string) ([]byte, error)
	// Decide takes a decision through the server's one decision path. The
	// filing must still be at revisionID with transitions history entries,
	// as the reviewer saw it, or it fails with ECONFLICT.
	Decide(ctx context.Context, token, id string, req protocol.DecisionRequest, revisionID string, transitions int) (protocol.DecisionResponse, error)
	// Attachment opens an attachment of a filing's current revision.
	Attachment(ctx context.Context, token, id, sha256 string, n int) (app.Attachment, io.ReadSeekCloser, time.Time, error)
	// Verify finds the received revision a printed verification code
	// belongs to, and whether it is still the filing's current one.
	Verify(ctx context.Context, token, code string) (protocol.Verification, error)
	// PDF prints revision rev of a filing (its number, "2") as received,
	// with its verification code: the file, a name for it and the
	// characters no font could print.
	PDF(ctx context.Context, token, id, rev string) (pdf []byte, name string, missing []rune, err error)
	// Notify sends a notice to one unit or, with an empty UnitID, to all,
	// as POST /notices does; only an admin session may.
	Notify(ctx context.Context, token string, req protocol.NoticeRequest) (protocol.NoticeResponse, error)
	// Units lists the units that file with the bureau, by name.
	Units(ctx context.Context) ([]Unit, error)
	// Find looks up filings in every status, those no longer under review
	// (returned, approved, filed, rejected) too, the most recently changed
	// first (查找材料).
	Find(ctx context.Context, token string, q FindQuery) (FindPage, error)
	// Late returns the approved projects (of one unit, or of all) with a
	// deadline of the unit's that has passed unmet (逾期事项): their
	// dossiers under the profile at the bureau's clock.
	Late(ctx context.Context, token string, q LateQuery) (LatePage, error)
	// Profile returns the bureau's rule profile, nil when none is set.
	Profile() *app.Profile
	// Now is the server's clock.
	Now() time.Time
	// SecureRequest reports whether r reached the bureau over TLS, directly
	// or through a trusted proxy that says so.
	SecureRequest(r *http.Request) bool
}

// QueueQuery selects one page of the review queue. Zero fields match
// everything.
type QueueQuery struct {
	Kind    app.Kind
	UnitID  string
	Year    int
	Route   string // a route code of the profile
	Status  app.Status
	From    time.Time // waiting since, inclusive
	To      time.Time // waiting since, exclusive
	Overdue bool      // only filings past their review time limit
	Text    string    // part of the title or the unit's name
	After   string    // the Next of the page before
	Limit   int       // page size; 50 when 0
	// Waiting, when set, keeps only the filings waiting at a review step
	// of the account asking (the server sets it from the session, unless
	// All).
	Waiting func(QueueItem) bool
	// All asks for every filing under review, not only those waiting at
	// the account's steps (全部在办): a reviewer looking up a filing at
	// the joint review found nothing, and 概况's counts led to empty lists.
	All bool
}

// FindQuery selects filings for 查找材料. Zero fields match everything.
type FindQuery struct {
	UnitID string
	Kind   app.Kind
	Status app.Status
	Text   string // part of the title, or the start of the filing's ID
	Offset int    // matches skipped (the pages before)
	Limit  int    // page size; 50 when 0
}

// FindPage is a page of FindQuery's matches, the most recently changed
// first. Matching counts every match among the filings read; Partial says
// the search stopped after reading Scanned filings (the bureau's limit),
// so older filings may match too.
type FindPage struct {
	Items    []FindItem
	Matching int
	Scanned  int
	Partial  bool
}

// LateQuery selects the projects of 逾期事项: of one unit ("" all).
type LateQuery struct {
	UnitID string
}

// LatePage is the projects LateQuery found with a unit's deadline passed
// unmet, the most overdue first. Checked counts the approved projects whose
// dossiers were read; Partial says the bureau stopped after reading Scanned
// filing records or its limit of projects, so other projects may be late
// too.
type LatePage struct {
	Projects []LateProject
	Checked  int
	Scanned  int
	Partial  bool
}

// LateProject is one project with an unmet deadline past due.
type LateProject struct {
	UnitID   string
	UnitName string
	Dossier  app.Dossier
}

// FindItem is one filing found.
type FindItem struct {
	ID       string
	Kind     app.Kind
	Title    string
	UnitID   string
	UnitName string
	Status   app.Status
	Revision int
	Updated  time.Time
	// Route is a refused declaration's route, which names its refusal
	// (app.Profile.StatusOn); "" otherwise.
	Route string
}

// QueueItem is one line of the review queue.
type QueueItem struct {
	ID         string     `json:"id"`
	Kind       app.Kind   `json:"kind"`
	Title      string     `json:"title"`
	UnitID     string     `json:"unit_id"`
	UnitName   string     `json:"unit_name"`
	Year       int        `json:"year"`
	Route      string     `json:"route,omitempty"`
	RouteLabel string     `json:"route_label,omitempty"`
	Total      app.Money  `json:"total,omitempty"`
	Status     app.Status `json:"status"`
	Revision   int        `json:"revision"`
	Since      time.Time  `json:"since"` // when it reached its current step
	Due        time.Time  `json:"-"`     // when the review time limit runs out (midnight after its last day, LastDay), filled in by the query

	// Concurred are the departments that concurred at the joint review
	// step the filing waits at (app.Concurred).
	Concurred []app.Role `json:"concurred,omitempty"`
	// Step is the review step it waits at under the profile's flows, for
	// the queue page ("" in the single-reviewer flow): at 专家论证中 a
	// department could not tell its 联审 from its 批复立项.
	Step string `json:"-"`
}

// QueuePage is a page of the queue. Next continues after it ("" at the
// end); Partial says the page stopped at the scan budget before it was full
// (a rare filter over a long queue), and Next continues the search.
type QueuePage struct {
	Items   []QueueItem
	Next    string
	Partial bool
	Scanned int
	Counts  QueueCounts
}

// QueueCounts counts the whole queue, from the counters of its index
// (never by reading the filings): by status and by kind, and Matching, the
// filings the query selects, when the counters can tell (MatchingKnown: a
// query by kind and status only).
type QueueCounts struct {
	Total    int
	ByStatus map[app.Status]int
	ByKind   map[app.Kind]int
	// ByKindStatus counts by kind and status together (the overview's
	// counts by review step come from it).
	ByKindStatus  map[app.Kind]map[app.Status]int
	Matching      int
	MatchingKnown bool
}

// Wire is c as GET /review/queue answers it.
func (c QueueCounts) Wire() *protocol.QueueCounts {
	w := &protocol.QueueCounts{Total: c.Total, ByStatus: map[app.Status]int{}, ByKind: map[app.Kind]int{}}
	for k, n := range c.ByStatus {
		w.ByStatus[k] = n
	}
	for k, n := range c.ByKind {
		w.ByKind[k] = n
	}
	if c.MatchingKnown {
		w.Matching = &c.Matching
	}
	return w
}

// SimilarItem is a declaration like the one on the page: how alike their
// names and what they build are, from 0 to 1, and Score, which ranks them.
type SimilarItem struct {
	ID       string
	Title    string
	UnitID   string
	UnitName string
	Year     int
	Total    app.Money
	Status   app.Status
	Name     float64
	Content  float64
	Score    float64
	// Registered marks a system of the bureau's register of existing
	// systems (已建系统), not a filing: UnitName is then its 建设单位 as
	// the register writes it, and ID no filing's.
	Registered bool
}

// Unit is a unit as the queue's filter offers it.
type Unit struct {
	ID   string
	Name string
}

// Overview is the queue in numbers: by status, and by unit with how many
// are overdue and since when the oldest waits.
type Overview struct {
	Total    int
	Overdue  int
	ByStatus map[app.Status]int
	Units    []UnitLoad // most overdue first
	// Steps counts the filings waiting at the profile's review steps, in
	// the flows' order; empty under a profile without steps.
	Steps []StepLoad
}

// StepLoad is how many filings wait at the review steps of one status of
// a flow: the steps that share a status (a joint review and the approval
// after it) are counted together, as the counters by kind and status
// cannot tell them apart.
type StepLoad struct {
	Flow    int        // which of the profile's flows
	Kinds   []app.Kind // the kinds of filing the flow takes; none: every kind no other flow takes
	Steps   []string   // the steps' labels, in order
	Roles   []string   // who takes them, in Chinese
	Status  app.Status
	Waiting int // -1: not known (a flow limited to some routes)
}

// UnitLoad is one unit's filings in the queue.
type UnitLoad struct {
	UnitID   string
	UnitName string
	Waiting  int
	Overdue  int
	Oldest   time.Time
}

// LastDay is the last day of the item's review time limit, the date the
// console shows: the day before Due's midnight.
func (it QueueItem) LastDay() time.Time {
	if it.Due.IsZero() {
		return time.Time{}
	}
	return it.Due.In(app.Beijing).AddDate(0, 0, -1)
}
