package bureaustore

import (
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/emmansun/gmsm/sm3"

	"egovdesk/app"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server/console"
)

// The bureau's rules that every implementation applies inside its
// transactions, so that all backends answer alike: pure functions of the
// records read, with the messages the client sees.

// NotFound is the refusal for a filing that does not exist, or is
// another unit's.
func NotFound() error {
	return Refuse(ErrNotFound, app.Errorf(app.ENOTFOUND, "材料不存在"))
}

// RevisionConflict is the refusal of a body resent under a revision ID
// that holds another body (rev is the stored revision).
func RevisionConflict(rev Revision) error {
	return Refuse(ErrConflict, protocol.NewProblem(protocol.CodeRevisionConflict,
		fmt.Sprintf("第 %d 版（%s）已用不同的内容提交过；请将修改保存为新版本", rev.Receipt.Revision, rev.Receipt.RevisionID)))
}

// StaleBase is the refusal of a revision that does not build on the head
// revision head ("" when the bureau has no such filing).
func StaleBase(head string) error {
	p := protocol.NewProblem(protocol.CodeStaleBase, "数管局的材料已有更新的版本，请先同步后再修改提交")
	p.HeadRevisionID = head
	return Refuse(ErrConflict, p)
}

func fieldErr(field, msg string) error {
	return Refuse(ErrInvalid, &app.Error{Code: app.EINVALID, Message: msg, Fields: []app.FieldError{{Field: field, Message: msg}}})
}

// Advance returns the filing record a new revision applies to: a fresh
// filing for revision 1 when cur, the stored record, is nil, or *cur
// revised. It refuses with StaleBase when the revision does not build on
// the head, ErrConflict when the filing is not open for a new revision,
// ErrInvalid for a revision number out of sequence or a changed kind, and
// NotFound for another unit's filing.
func Advance(cur *Filing, by Actor, req protocol.SubmitRequest, body app.Body, now time.Time) (Filing, error) {
	if cur == nil {
		if req.BaseRevisionID != "" {
			return Filing{}, StaleBase("")
		}
		if body.Revision != 1 {
			return Filing{}, fieldErr("revision", "新材料的版本号须为 1")
		}
		f, err := app.NewFiling(body.Kind, body.ID, body.RevisionID, by.UnitID, now)
		if err != nil {
			return Filing{}, Refuse(ErrInvalid, err)
		}
		return Filing{Filing: *f}, nil
	}
	fr := *cur
	fr.Filing.History = append([]app.Transition(nil), cur.Filing.History...)
	f := &fr.Filing
	switch {
	case f.UnitID != by.UnitID:
		return fr, NotFound()
	case req.BaseRevisionID != f.Revision.ID:
		return fr, StaleBase(f.Revision.ID)
	case !f.Revision.Submitted():
		return fr, Refuse(ErrConflict, app.Errorf(app.ECONFLICT, "第 %d 版的附件尚未上传完整，请先完成上传", f.Revision.Number))
	case !f.Status.Reopened():
		return fr, Refuse(ErrConflict, app.Errorf(app.ECONFLICT, "材料当前为“%s”，不能提交新版本", f.Status.Label()))
	case f.Kind != body.Kind:
		return fr, fieldErr("kind", fmt.Sprintf("材料类型不能从“%s”改为“%s”", f.Kind.Label(), body.Kind.Label()))
	}
	if err := f.Revise(body.RevisionID, now); err != nil {
		return fr, Refuse(ErrConflict, err)
	}
	if body.Revision != f.Revision.Number {
		return fr, fieldErr("revision", fmt.Sprintf("版本号应为 %d", f.Revision.Number))
	}
	return fr, nil
}

// NewRevision returns fr with what the bureau keeps of body (project,
// attachments, title; the content stays in the body) and the revision
// record of body, awaiting attachments until Settle says otherwise.
func NewRevision(fr Filing, by Actor, req protocol.SubmitRequest, body app.Body, projectYear int, now time.Time) (Filing, Revision) {
	f := &fr.Filing
	f.ProjectID = body.ProjectID
	f.ProjectYear = projectYear
	f.Attachments = body.Attachments
	var content app.Filing
	content.SetContent(&body)
	fr.Title = strings.TrimSpace(content.Title())
	f.Declaration, f.Catalogue, f.TrialReport, f.Acceptance = nil, nil, nil, nil
	f.GoLive, f.Adjustment, f.AcceptanceFiling, f.OMFiling, f.Performance = nil, nil, nil, nil, nil
	f.Updated = now
	fr.BodySHA256 = req.BodySHA256
	// SM3 beside SHA-256, over the bytes as received (GB/T 32905): the
	// bureau's own digest, not one the client claims.
	sm3sum := sm3.Sum(req.Body)
	rev := Revision{UnitID: by.UnitID, Actor: by.Name, Receipt: protocol.Receipt{
		FilingID: body.ID, RevisionID: body.RevisionID, Revision: body.Revision, UnitID: by.UnitID,
		BodySHA256: req.BodySHA256, BodySM3: hex.EncodeToString(sm3sum[:]),
		ReceivedAt: now, Status: protocol.ReceiptAwaitingAttachments, FilingStatus: f.Status}}
	return fr, rev
}

// Settle updates a revision and its filing (the head) for missing, the
// attachments of the revision not yet complete: none missing, the filing
// is submitted and the receipt says received; else both wait. It reports
// whether the filing is now in the review queue.
func Settle(fr *Filing, rev *Revision, missing []protocol.AttachmentRef, now time.Time) (queued bool, err error) {
	rev.Receipt.Missing = missing
	if len(missing) == 0 {
		if _, err := fr.Filing.Submit(now, rev.Actor); err != nil {
			return false, err
		}
		rev.Receipt.Status = protocol.ReceiptReceived
	}
	rev.Receipt.FilingStatus = fr.Filing.Status
	return len(missing) == 0, nil
}

// Missing returns the attachments of atts that are not complete:
// complete returns the size of a complete upload of sum and true, or
// false. An attachment complete with another size than the revision
// states is missing too — the revision is never received on another file
// than it describes — and, when strict (a new revision, not one already
// waiting), refused: found from outside, a body naming a 45-byte upload as
// 4,096 bytes was received, its signed receipt and the reviewer's page
// saying 4,096.
func Missing(atts []app.Attachment, complete func(sum string) (int64, bool, error), strict bool) ([]protocol.AttachmentRef, error) {
	// Each file once, as first named; one named twice must be stated the
	// same size twice (found from outside: the second naming of a file
	// with another size was received unchecked).
	first := map[string]app.Attachment{}
	var files []app.Attachment
	twoSizes := map[string]bool{}
	for _, a := range atts {
		b, seen := first[a.SHA256]
		switch {
		case !seen:
			first[a.SHA256] = a
			files = append(files, a)
		case b.Size != a.Size && strict:
			return nil, fieldErr("attachments", fmt.Sprintf("附件“%s”和“%s”是同一个文件，标明的大小却不同（%d 和 %d 字节）：请重新选择附件后再提交",
				b.Name, a.Name, b.Size, a.Size))
		case b.Size != a.Size:
			twoSizes[a.SHA256] = true // never received: it waits
		}
	}
	var out []protocol.AttachmentRef
	for _, a := range files {
		size, ok := int64(0), false
		if !twoSizes[a.SHA256] {
			var err error
			if size, ok, err = complete(a.SHA256); err != nil {
				return nil, err
			}
		}
		if ok && size != a.Size && strict {
			return nil, fieldErr("attachments", fmt.Sprintf("附件“%s”标明的大小（%d 字节）与数管局已收到的同一文件（%d 字节）不符：请重新选择该附件后再提交",
				a.Name, a.Size, size))
		}
		if !ok || size != a.Size {
			out = append(out, protocol.AttachmentRef{SHA256: a.SHA256, Size: a.Size, Name: a.Name})
		}
	}
	return out, nil
}

// ApplyDecision applies d to f (the stored filing, changed in place),
// whose head revision's content is body, with app.Filing.Review under
// d.Profile, and returns the transition, or a *DecisionRefused. A view
// (d.Expected) that only departments' concurrences have overtaken is not
// stale (OnlyConcurredSince).
func ApplyDecision(f *app.Filing, body *app.Body, d Decision) (app.Transition, error) {
	if d.Action == app.ActionWithdraw {
		return applyWithdrawal(f, d)
	}
	if d.From != "" && d.From != f.Status {
		return app.Transition{}, &DecisionRefused{Current: *f, Reason: ErrConflict}
	}
	if d.RevisionID != "" && d.RevisionID != f.Revision.ID {
		return app.Transition{}, &DecisionRefused{Current: *f, Reason: ErrConflict}
	}
	if d.Expected == nil && d.RevisionID == "" && resubmittedByTheUnit(f.History) {
		// The unit withdrew and sent another revision since the bureau's
		// last act: "from" alone cannot tell which one the reviewer read
		// (found in review: 备案 landed on a revision never seen).
		return app.Transition{}, &DecisionRefused{Current: *f, Reason: app.Errorf(app.ECONFLICT,
			"建设单位撤回后重新提交了第 %d 版：只凭状态（from）不能确定您看的是哪一版。请重新查看，在 If-Match 中给出审核详情的 ETag（或在 revision_id 中写明版本）后再作决定", f.Revision.Number)}
	}
	if d.Expected != nil && (f.Revision.ID != d.Expected.RevisionID || len(f.History) != d.Expected.Transitions) &&
		!OnlyConcurredSince(*f, *d.Expected) {
		return app.Transition{}, &DecisionRefused{Current: *f, Reason: ErrConflict}
	}
	before := *f
	before.History = append([]app.Transition(nil), f.History...)
	body.Project = d.Project
	t, err := f.Review(d.Profile, body, d.Now, d.Actor, d.Role,
		app.Decision{Action: d.Action, Comment: d.Comment, Approved: d.Approved, Remarks: d.Remarks})
	if err != nil {
		*f = before
		return app.Transition{}, &DecisionRefused{Current: before, Reason: err}
	}
	return t, nil
}

// resubmittedByTheUnit reports whether the unit withdrew a revision since
// the bureau last acted on the filing (its next revision may be in).
func resubmittedByTheUnit(h []app.Transition) bool {
	return slices.ContainsFunc(h[app.LastBureauAct(h)+1:], func(t app.Transition) bool { return t.Action == app.ActionWithdraw })
}

// applyWithdrawal applies a unit's withdrawal d to f: another unit's
// filing is not found, one whose head is not d.RevisionID is refused with
// ErrConflict, and Filing.Withdraw's refusal (the bureau has begun) is the
// reason of a *DecisionRefused.
func applyWithdrawal(f *app.Filing, d Decision) (app.Transition, error) {
	if d.Unit == "" || d.Role != app.RoleUnit || f.UnitID != d.Unit {
		return app.Transition{}, NotFound()
	}
	if f.Revision.ID != d.RevisionID {
		return app.Transition{}, &DecisionRefused{Current: *f, Reason: ErrConflict}
	}
	before := *f
	before.History = append([]app.Transition(nil), f.History...)
	t, err := f.Withdraw(d.Now, d.Actor, d.Comment)
	if err != nil {
		*f = before
		return app.Transition{}, &DecisionRefused{Current: before, Reason: err}
	}
	return t, nil
}

// InQueue reports whether a filing in status st awaits review.
func InQueue(st app.Status) bool { return st.UnderReview() }

// QueueFacts returns what the queue filters on from a revision's content:
// the plan year, and for a declaration its total (whose route is worked
// out when the queue is read, under the profile of the day).
func QueueFacts(f app.Filing, b *app.Body) (year int, total app.Money) {
	content := app.Filing{Created: f.Created, ProjectYear: f.ProjectYear}
	content.SetContent(b)
	year = content.PlanYear()
	if b.Declaration != nil {
		total = b.Declaration.TotalInvestment
	}
	return year, total
}

// QueueMatches reports whether the queue entry e (with its route filled
// in) matches q, q.Waiting included; text is q.Text trimmed and folded
// (app.SearchFold: ＧＩＳ finds GIS, gis finds ＧＩＳ), words its QueueWords (worked out once a query: this runs for every
// entry a page reads).
func QueueMatches(q console.QueueQuery, text string, words []string, e console.QueueItem) bool {
	switch {
	case q.Kind != "" && e.Kind != q.Kind,
		q.UnitID != "" && e.UnitID != q.UnitID,
		q.Year != 0 && e.Year != q.Year,
		q.Route != "" && e.Route != q.Route,
		q.Status != "" && e.Status != q.Status,
		q.Waiting != nil && !q.Waiting(e):
		return false
	}
	if text == "" {
		return true
	}
	title, unit := app.SearchFold(e.Title), app.SearchFold(e.UnitName)
	if strings.Contains(title, text) || strings.Contains(unit, text) {
		return true
	}
	if len(words) < 2 {
		return false
	}
	for _, w := range words {
		if !strings.Contains(title, w) && !strings.Contains(unit, w) {
			return false
		}
	}
	return true
}

// QueueWords returns the words a queue search (trimmed, in lower case)
// finds an entry by when it does not hold the text as typed: its terms as
// spaces separate them, each of four Han characters or more as its words
// of two (app.WordsOfTwo), each word in the title or the unit's name. A
// reviewer types Chinese without spaces as a clerk does, and 社区平台 found
// nothing of 智慧社区管理平台 (the client's list had found it since stop
// 38). Every word is in any entry that holds the text as typed.
func QueueWords(text string) []string {
	terms := strings.Fields(text)
	if loose := app.WordsOfTwo(terms); loose != nil {
		return loose
	}
	return terms
}
