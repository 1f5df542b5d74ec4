package console

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"egovdesk/app"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server/internal/serve"
)

// filingView is a filing as a document, with the rule verdict, the
// difference from the revision it revises and the decision form.
type filingView struct {
	D    protocol.FilingDetail
	Body app.Body
	// Route is the code of the declaration's route, which names its
	// refusal (app.Profile.ActionOn); "" for the other kinds.
	Route string
	// ApprovedTotal is an approved declaration's approved (核定) investment,
	// 0 when no decision gave one: set at 初审 and not again at 批复立项,
	// the approved page stated it nowhere but in the history (郁南's flow,
	// found in a walkthrough).
	ApprovedTotal app.Money
	Verdict       *verdict
	// Changes are the fields that differ from the revision this one
	// revises (nil for a first revision); Changed holds their paths.
	Changes []change
	Changed map[string]bool
	BaseNo  int
	// Prints are the numbers of the revisions the unit submitted before
	// the one shown, each printable as received.
	Prints  []int
	Actions []actionView
	Comment string
	// CommentRefused: the decision was refused for its comment (too long,
	// a control character): the box is marked beside the alert.
	CommentRefused bool
	Action         app.Action
	Error          string // the decision was refused
	Lost           bool   // someone else decided first
	Own            bool   // with Lost: the decisions since the page were all the reviewer's own
	// Withdrawn, with Lost: the unit took the filing back meanwhile.
	Withdrawn bool
	// Since are the decisions taken after the page the reviewer decided
	// on (Lost); Kept is what they typed that the page cannot show again
	// in its form (no decision is left to them).
	Since []app.Transition
	Kept  []string
	// Earlier are the field remarks of the return this revision answers
	// (ReturnedRev is the revision returned), each with whether its field
	// changed since.
	Earlier     []earlierView
	ReturnedRev int
	// ReturnComment is that return's comment, said above its remarks: a
	// reviewer reading 第 2 版 saw the two field remarks there and the
	// return's own request (接口清单, unanswered) only far below, in 办理记录
	// (a walkthrough).
	ReturnComment string
	// CommentHint is the comment box's placeholder: which of the decisions
	// offered need a comment (finance, offered no 不予立项, was told it).
	CommentHint string
	// DecisionNote is said above the decisions: what a 竣工验收申请's
	// 验收通过 means here (app.Profile.AcceptanceNote).
	DecisionNote string
	Done         string // the decision just taken
	// Resumed: the form holds what the reviewer typed before their
	// session idled out, given back after they logged in again (refill):
	// 1 and the number of field remarks given back.
	Resumed int
	// Stale: what Resumed gives back came from a page of an earlier login
	// of this browser (staleForm), not from before an idle logout.
	Stale     bool
	Checklist []app.ChecklistItem
	// Project is the declaration of the project a later filing, catalogue,
	// trial report or acceptance application belongs to, when the bureau
	// holds it as the unit's: the page links to it.
	Project *projectLink
	// Doc is the document's context: changes and remark boxes.
	Doc *docCtx
	// Step is the review step the filing waits at (nil in the
	// single-reviewer flow).
	Step *stepView
	// Prior are the decisions taken on the revision shown since it was
	// submitted (初审, each department's concurrence), beside the decision
	// form: the approver decided without them, the 初审's 核定 amount
	// only at the foot of 办理记录. PriorApproved is the last amount they
	// carry (0: none).
	Prior         []app.Transition
	PriorApproved app.Money
	// Approve: a decision offered may carry the 核定 amount (a
	// declaration's 批复立项 or 初审通过); Approved is what was typed.
	Approve  bool
	Approved string
	// Similar are the most similar declarations (declarations only);
	// SimilarFailed says the index could not answer.
	Similar       []SimilarItem
	SimilarFailed bool
	// Dossier is the project's dossier as the bureau holds it (the
	// declaration's own, a later filing's project's): its filings and
	// deadlines; DossierFailed says it could not be read. Late is the
	// deadline the filing shown met late (nil: on time, or none).
	Dossier       *dossierView
	DossierFailed bool
	Late          *lateView
	// LastDay is the last day of the bureau's review time limit of a
	// filing waiting for it, as the queue counts it from its arrival at the
	// current step; Overdue says it has passed. The page did not say
	// either: only the queue did (a walkthrough).
	LastDay time.Time
	Overdue bool
	CSRF    string
}

// verdict is the server's own rule verdict under the bureau's profile:
// app's evaluation and check, as the server runs them on receipt.
type verdict struct {
	Profile    string
	Assessment *app.Assessment
	Missing    []app.MaterialNeed
	Problems   []app.FieldError
	Adjust     *app.AdjustVerdict // an adjustment's route and the money it moves
	// NotFor is what the regulation has this filing's project do instead
	// (app.Profile.KindNotFor: 郁南's 验收前置审核 of a public project).
	NotFor string
}

// actionView is a decision the reviewer may take now.
type actionView struct {
	Action          app.Action
	Label           string
	CommentRequired bool
}

// change is one changed field: its JSON path, its name for people and
// the two values as the reviewer reads them.
type change struct {
	Path     string
	Label    string
	Old, New string
}

func (c *Console) filing(w http.ResponseWriter, r *http.Request, s *session) {
	v, err := c.filingView(r, s, r.PathValue("id"))
	if err != nil {
		c.fail(w, r, err)
		return
	}
	// 已…: said of the decision this reviewer just took, which the page
	// shows last; a link of anyone's making (?done=any words) put its text
	// in the banner (found from outside).
	if a := app.Action(r.URL.Query().Get("done")); a != "" && len(v.D.History) > 0 {
		if last := v.D.History[len(v.D.History)-1]; a.Valid() && last.Action == a && last.Actor == s.Name && last.Role == s.Role {
			v.Done = c.b.Profile().ActionOn(a, v.D.Kind, v.Route)
		}
	}
	if len(v.Actions) > 0 {
		// A page with a decision to write does not reload itself when the
		// session idles out: the reload threw away the reason being typed
		// (typing is not a request). The decision sent late gets it back
		// (idleForm).
		s.Refresh = 0
	}
	c.render(w, r, http.StatusOK, "filing", page{Title: c.b.Profile().ShownTitle(v.D.Kind, v.D.Title), Session: s, Data: v})
}

func (c *Console) filingView(r *http.Request, s *session, id string) (*filingView, error) {
	d, err := c.b.Filing(r.Context(), s.token, id)
	if err != nil {
		return nil, err
	}
	v := &filingView{D: d, CSRF: s.CSRF}
	if err := json.Unmarshal(d.Body, &v.Body); err != nil {
		return nil, fmt.Errorf("decode body of %s: %w", id, err)
	}
	if d.Kind == app.KindDeclaration {
		v.Route = c.b.Profile().DeclarationRoute(v.Body.Declaration)
		if d.Status == app.StatusApproved {
			v.ApprovedTotal = app.ApprovedInvestment(d.History)
		}
	}
	for _, a := range d.Allowed {
		_, err := app.Next(d.Status, s.Role, a, "") // the workflow says whether a comment is required
		required := false
		for _, fe := range app.FieldErrors(err) {
			required = required || fe.Field == "comment"
		}
		v.Actions = append(v.Actions, actionView{Action: a, Label: c.b.Profile().ActionOn(a, d.Kind, v.Route), CommentRequired: required})
	}
	v.CommentHint = commentHint(v.Actions)
	// 武汉 第十三条: the 批复's opinion on 信息资源共享 and 密码应用, said
	// before the reviewer writes, not only when refused.
	if o := c.b.Profile().OpinionFor(v.Body.Declaration, 0); o != nil && slices.Contains(d.Allowed, app.ActionApprove) {
		for i := range v.Actions {
			if v.Actions[i].Action == app.ActionApprove {
				v.Actions[i].CommentRequired = true
			}
		}
		v.CommentHint += fmt.Sprintf("；%s的意见须包含对%s情况的意见（%s）", c.b.Profile().ActionLabel(app.ActionApprove, d.Kind), o.Labels(), o.Source)
	}
	v.Prior, v.PriorApproved = priorDecisions(d.History, d.RevisionID)
	var decl *app.Declaration    // of the project the filing belongs to
	var history []app.Transition // its decisions
	if d.Kind != app.KindDeclaration && v.Body.ProjectID != "" {
		if decl, history, err = c.projectDeclaration(r, s, d.UnitID, v.Body.ProjectID); err != nil {
			return nil, err
		}
		if decl != nil {
			v.Project = &projectLink{ID: v.Body.ProjectID, Name: decl.ProjectName}
		}
	}
	prof := c.b.Profile()
	if d.Kind == app.KindAcceptance && len(d.Allowed) > 0 {
		v.DecisionNote = prof.AcceptanceNote(decl)
	}
	if prof != nil {
		vd := &verdict{Profile: prof.Bureau + " · " + prof.Regulation}
		// The plan year is judged as of the first submission, as the bureau
		// judged it on receipt (app.FactPlanYearAhead).
		v.Body.FirstSent = app.FirstSubmission(d.History)
		if v.Body.Declaration != nil {
			a := prof.EvaluateSent(v.Body.Declaration, c.b.Now(), v.Body.FirstSent)
			vd.Assessment = &a
			vd.Missing = a.MissingMaterials(v.Body.Attachments)
		}
		if v.Body.Kind.Offered() {
			vd.Problems = app.FieldErrors(app.CheckBody(v.Body, prof, c.b.Now()))
		} else {
			// A later filing of a project is checked, as the bureau
			// checked it on receipt, against the project's declaration.
			vd.Problems = app.FieldErrors(app.CheckProjectBody(v.Body, prof, decl, c.b.Now()))
			if v.Body.Adjustment != nil {
				vd.Problems = append(vd.Problems, app.CheckApprovedTotal(v.Body, decl, history)...)
				if av, err := prof.AdjustmentRoute(v.Body.Adjustment, decl); err == nil {
					vd.Adjust = &av
				}
			}
		}
		// as the bureau checks now on receipt: a filing received before it
		// did reads so (a review of 六安 and 郁南)
		vd.Problems = append(vd.Problems, app.CheckProject(v.Body, prof, decl, history)...)
		if af := v.Body.AcceptanceFiling; af != nil {
			acc, err := c.unitsFiling(r, s, d.UnitID, strings.TrimSpace(af.AcceptanceID))
			if err != nil {
				return nil, err
			}
			vd.Problems = append(vd.Problems, app.CheckAcceptanceReviewed(v.Body, acc, prof, decl)...)
		}
		vd.NotFor = prof.KindNotFor(v.Body.Kind, decl)
		v.Verdict = vd
		if v.Body.Acceptance != nil {
			v.Checklist = v.Body.Acceptance.Checklist(prof.AcceptanceMaterials, v.Body.Attachments)
		}
	} else if v.Body.Acceptance != nil {
		v.Checklist = v.Body.Acceptance.Checklist(nil, v.Body.Attachments)
	}
	if a := v.Body.Acceptance; a != nil && a.TrialReportID != "" && len(v.Checklist) > 0 {
		// The named report is the 试运行报告 material only if the bureau
		// holds it as the unit's: an application received before the
		// bureau checked the link may name one it never got.
		tr, err := c.unitsFiling(r, s, d.UnitID, a.TrialReportID)
		if err != nil {
			return nil, err
		}
		held := tr != nil && tr.Kind == app.KindTrialReport
		// A report the bureau has not passed is no 试运行报告 to accept on
		// yet: an application whose report was returned still read
		// 已上传 and 按现行规则校验通过 (found in a reviewer's walkthrough).
		if held && v.Verdict != nil {
			state := c.b.Profile().StatusLabel(tr.Status, app.KindTrialReport)
			switch tr.Status {
			case app.StatusApproved, app.StatusFiled:
			case app.StatusRejected:
				v.Verdict.Problems = append(v.Verdict.Problems, app.FieldError{Field: "trial_report_id",
					Message: fmt.Sprintf("所选的试运行报告已“%s”：本申请宜退回，由单位重新试运行并报送试运行报告", state)})
			default:
				v.Verdict.Problems = append(v.Verdict.Problems, app.FieldError{Field: "trial_report_id",
					Message: fmt.Sprintf("所选的试运行报告现为“%s”，尚未审核通过：宜待试运行报告审核通过后再审核本申请", state)})
			}
		}
		if !held {
			for i := range v.Checklist {
				if it := &v.Checklist[i]; it.Linked != "" {
					it.Linked, it.Present = "", len(it.Attachments) > 0
				}
			}
			if v.Verdict != nil {
				v.Verdict.Problems = append(v.Verdict.Problems, app.FieldError{Field: "trial_report_id",
					Message: "所选的试运行报告本局没有收到（本申请在本局核对这一关联之前报送）"})
			}
		}
	}
	if d.Kind == app.KindDeclaration {
		// The panel is advice: when the index cannot answer, the page
		// says so and the filing can still be read and decided.
		if v.Similar, err = c.b.Similar(r.Context(), s.token, id); err != nil {
			if r.Context().Err() != nil {
				return nil, err
			}
			c.log.Error("console: similar projects", "filing", id, "err", err)
			v.Similar, v.SimilarFailed = nil, true
		}
	}
	project := v.Body.ProjectID // the declaration the dossier is of
	if d.Kind == app.KindDeclaration {
		project = d.ID
	}
	if d.Kind == app.KindDeclaration || v.Project != nil {
		// Beside the filing, as advice: when it cannot be read the page
		// says so and the filing can still be read and decided.
		ds, err := c.b.Project(r.Context(), s.token, project)
		if err != nil {
			if r.Context().Err() != nil {
				return nil, err
			}
			c.log.Error("console: project dossier", "filing", id, "project", project, "err", err)
			v.DossierFailed = true
		} else {
			v.Dossier, v.Late = dossierOf(prof, ds, id, c.b.Now())
			if v.Verdict != nil && d.Kind == app.KindAcceptanceFiling && !slices.ContainsFunc(v.Verdict.Problems, func(p app.FieldError) bool { return p.Field == "acceptance_id" }) {
				// The acceptance it files is the bureau's to pass while
				// the project's application is with it: a 天宁 验收后备案
				// read 校验通过 beside an application still 已提交 (a
				// walkthrough). Said once: CheckAcceptanceReviewed says it
				// where the application is named.
				if e, ok := acceptanceUnderReview(ds); ok {
					v.Verdict.Problems = append(v.Verdict.Problems, app.FieldError{Field: "acceptance_id",
						Message: fmt.Sprintf("本项目的%s（%s 报送）现为“%s”，尚未%s：请核实本备案所报的验收结果",
							prof.KindName(app.KindAcceptance), day(e.FirstSent), prof.StatusLabel(e.Status, app.KindAcceptance),
							prof.ActionLabel(app.ActionApprove, app.KindAcceptance))})
				}
			}
			if v.Verdict != nil && d.Kind == app.KindAcceptance {
				for _, e := range ds.AcceptancesBefore(id) {
					// received before the bureau refused a second one (app.CheckOneAcceptance)
					v.Verdict.Problems = append(v.Verdict.Problems, app.FieldError{Field: "project_id",
						Message: fmt.Sprintf("本项目在此之前已报送%s（%s 报送，现为%s）：请核对本申请是否重复报送",
							prof.KindName(app.KindAcceptance), day(e.FirstSent), prof.StatusLabel(e.Status, app.KindAcceptance))})
				}
			}
		}
	}
	var moved map[string]string // where the base revision's rows went (diffRows)
	if v.Body.BaseID != "" {
		baseID, baseNo := reviewedBase(d.History, v.Body.BaseID, d.Revision-1)
		old, err := c.b.RevisionBody(r.Context(), s.token, id, baseID)
		if err != nil {
			return nil, err
		}
		v.BaseNo = baseNo
		v.Changes, v.Changed, moved = diffRows(old, d.Body)
		if v.Body.Declaration != nil { // only a declaration has confirmations: a catalogue's body is not read again
			v.Changes = confirmChanges(prof, v.Changes, v.Changed, old, d.Body)
		}
	}
	for _, t := range d.History {
		if t.Action == app.ActionSubmit && t.RevisionNumber < d.Revision && !slices.Contains(v.Prints, t.RevisionNumber) {
			v.Prints = append(v.Prints, t.RevisionNumber)
		}
	}
	slices.Sort(v.Prints)
	v.Doc = &docCtx{Kind: d.Kind, Changed: v.Changed, Remarks: slices.Contains(d.Allowed, app.ActionReturn)}
	if dd := v.Body.Declaration; dd != nil {
		// A reviewer read not_excluded、sharing_compliant: the checklist
		// items' IDs, not what the unit confirmed.
		for _, id := range dd.Confirmations {
			v.Doc.Confirms = append(v.Doc.Confirms, prof.ConfirmationLabel(id))
		}
		// Asked of this project (郁南 asks nothing of a self-managed one):
		// 未确认任何事项 read as a failure to confirm.
		v.Doc.Asks = v.Verdict != nil && v.Verdict.Assessment != nil && len(v.Verdict.Assessment.Checklist) > 0
		v.Doc.ConfirmText = strings.Join(v.Doc.Confirms, "\n")
		if len(v.Doc.Confirms) == 0 {
			v.Doc.ConfirmText = "未确认任何事项"
		}
	}
	v.ReturnedRev, v.Doc.Earlier = lastReturnRemarks(d.History, d.Revision)
	if n, comment := lastReturnComment(d.History, d.Revision); comment != "" {
		v.ReturnedRev, v.ReturnComment = n, comment
	}
	if d.Status == app.StatusReturned && v.Doc.Earlier == nil {
		// Returned and not yet revised: its remarks at their fields too,
		// not only in 办理记录 (a reviewer taking the unit's call scrolled
		// a sidebar of 27,000 px; found in a walkthrough).
		if rs := thisReturnRemarks(d.History, d.Revision); rs != nil {
			v.ReturnedRev, v.Doc.Earlier, v.Doc.Returned = d.Revision, rs, true
		}
	}
	// The remarks were written on the returned revision's rows: when the
	// diff is against it, each follows its row to where the unit moved it
	// (a row inserted above, one taken out), and a row taken out is said
	// so; by number they sat beside another row (found in review).
	placed := v.Doc.Earlier
	if moved != nil && v.ReturnedRev == v.BaseNo && !v.Doc.Returned {
		placed = map[string]string{}
	}
	for _, p := range slices.SortedFunc(maps.Keys(v.Doc.Earlier), func(a, b string) int { return app.CompareRemarkPaths(d.Kind, a, b) }) {
		now, removed := p, false
		if moved != nil && v.ReturnedRev == v.BaseNo && !v.Doc.Returned {
			now, removed = app.FollowRows(d.Kind, p, moved)
			if !removed {
				placed[now] = v.Doc.Earlier[p]
			}
		}
		// A row's remark (budget[1]) is answered by any change in the row
		// (declaration.budget.1.name): it read 未修改 beside a row the
		// unit had changed (found in a reviewer's walkthrough).
		dotted, end := app.DottedPath(now), app.RangeEnd(now)
		changed := removed
		for k := range v.Changed {
			k = remarkPath(k)
			changed = changed || k == dotted || strings.HasPrefix(k, dotted+".") || end != "" && k == end
		}
		label := app.RemarkLabel(d.Kind, p)
		if n := app.RowMovedFrom(p, now); removed {
			label += "（退回时的这一行已删除）" // its number is the returned revision's, not this one's
		} else if n > 0 {
			// Named as the unit's revision numbers it, beside which it
			// is shown, and as it was when written (the client's words).
			label = app.RemarkLabel(d.Kind, now) + fmt.Sprintf("（退回时为第 %d 行）", n)
		} else if now != p { // a row above it moved
			label = app.RemarkLabel(d.Kind, now) + "（退回时为" + label + "）"
		}
		v.Earlier = append(v.Earlier, earlierView{Path: p, Label: label, Text: v.Doc.Earlier[p], Changed: changed, Removed: removed})
	}
	v.Doc.Earlier = placed
	if slices.Contains(queueStatuses, d.Status) {
		since := app.EnteredStep(d.History, d.Updated) // as the queue counts it
		cal := &app.Calendar{}                         // as the queue's, without a profile too (server.reviewDue)
		if prof != nil {
			cal = &prof.Calendar
		}
		v.LastDay = cal.AddWorkingDays(since, prof.ReviewDays())
		v.Overdue = !c.b.Now().Before(v.LastDay.AddDate(0, 0, 1))
	}
	v.Approve = d.Kind == app.KindDeclaration && (slices.Contains(d.Allowed, app.ActionApprove) || slices.Contains(d.Allowed, app.ActionPass))
	if prof != nil {
		v.Step = stepOf(prof, v)
	}
	return v, nil
}

// decide takes the reviewer's decision through the server's decision path,
// on the revision and history the page showed.
func (c *Console) decide(w http.ResponseWriter, r *http.Request, s *session) {
	id := r.PathValue("id")
	action := app.Action(r.PostFormValue("action"))
	comment := strings.TrimSpace(r.PostFormValue("comment"))
	transitions, err := strconv.Atoi(r.PostFormValue("transitions"))
	if err != nil || transitions < 0 {
		c.errorPage(w, r, http.StatusBadRequest, "无法完成", "表单不完整，请刷新页面后重试。")
		return
	}
	approved, typed, remarks, err := decisionForm(r)
	if err == nil {
		_, err = c.b.Decide(r.Context(), s.token, id, protocol.DecisionRequest{Action: action, Comment: comment,
			Approved: approved, Remarks: remarks}, r.PostFormValue("revision"), transitions)
	}
	if err == nil {
		http.Redirect(w, r, "/console/filings/"+id+"?done="+string(action), http.StatusSeeOther)
		return
	}
	code := app.ErrorCode(err)
	if code != app.EINVALID && code != app.ECONFLICT {
		c.fail(w, r, err)
		return
	}
	v, verr := c.filingView(r, s, id)
	if verr != nil {
		c.fail(w, r, verr)
		return
	}
	if code == app.ECONFLICT && transitions < len(v.D.History) && sameDecision(v.D.History[transitions:], s, app.Transition{Action: action, Comment: comment,
		RevisionID: r.PostFormValue("revision"), Approved: approved, Remarks: remarks}) {
		// The form sent twice (a double click; the console has no script
		// to stop it): the first was taken, and this is no loss.
		http.Redirect(w, r, "/console/filings/"+id+"?done="+string(action), http.StatusSeeOther)
		return
	}
	status := http.StatusUnprocessableEntity
	if code == app.ECONFLICT {
		status = http.StatusConflict
		v.giveBack(s, true, transitions, action, comment, typed, remarks)
	} else {
		v.Error, v.Action, v.Comment = echo(app.ErrorMessage(err)), action, echo(comment)
		for _, fe := range app.FieldErrors(err) {
			v.Error = echo(fe.Message) // it may quote what was typed
		}
		v.Approved, v.Doc.Values = echo(typed), echoRemarks(remarks)
		for _, fe := range app.FieldErrors(err) {
			v.CommentRefused = v.CommentRefused || fe.Field == "comment"
			if path, ok := strings.CutPrefix(fe.Field, "remarks."); ok {
				if v.Doc.Refused == nil {
					v.Doc.Refused = map[string]string{}
				}
				v.Doc.Refused[path] = echo(fe.Message)
			}
		}
	}
	c.render(w, r, status, "filing", page{Title: c.b.Profile().ShownTitle(v.D.Kind, v.D.Title), Session: s, Data: v})
}

// giveBack puts what the reviewer typed back in v's form when a decision
// is still theirs to take, else on the page to copy. When lost, their
// decision did not count: the decisions they had not seen since the page
// (transitions taken when it was shown) say who came first.
func (v *filingView) giveBack(s *session, lost bool, transitions int, action app.Action, comment, typed string, remarks map[string]string) {
	v.Comment, v.Approved, v.Doc.Values = echo(comment), echo(typed), echoRemarks(remarks)
	if slices.ContainsFunc(v.Actions, func(a actionView) bool { return a.Action == action }) {
		v.Action = action
	}
	if !lost {
		return
	}
	v.Lost = true
	v.Withdrawn = v.D.Status == app.StatusWithdrawn
	if transitions < len(v.D.History) {
		v.Since = v.D.History[transitions:]
		// The page was the reviewer's own, from before their decision
		// (Back after it): not "已由他人处理" with their own decision
		// listed under it.
		v.Own = !slices.ContainsFunc(v.Since, func(t app.Transition) bool { return t.Actor != s.Name || t.Role != s.Role })
	}
	v.Kept = v.untaken(comment, remarks)
}

// untaken lists, to copy, what of a comment and field remarks v's form
// cannot take back: the comment when no decision is left to the account,
// the remarks when it has no remark boxes (no 退回修改).
func (v *filingView) untaken(comment string, remarks map[string]string) []string {
	var keptComment string
	var keptRemarks map[string]string
	if len(v.D.Allowed) == 0 {
		keptComment = comment
	}
	if !v.Doc.Remarks {
		keptRemarks = remarks
	}
	return keptLines(v.D.Kind, keptComment, keptRemarks)
}

// refill shows filing id to the reviewer who has just logged in again from
// an idle page (resume) with the decision form they sent after their
// session ended, in r, back in its form. When the filing moved on in the
// meantime (another decision, a new revision), the page says so, as it
// does when another reviewer decided first.
func (c *Console) refill(w http.ResponseWriter, r *http.Request, s *session, id string) {
	c.refillWith(w, r, s, id, false)
}

// refillWith is refill; stale says the form came from a page of an
// earlier login of this browser (staleForm), not an idled one.
func (c *Console) refillWith(w http.ResponseWriter, r *http.Request, s *session, id string, stale bool) {
	v, err := c.filingView(r, s, id)
	if err != nil {
		if app.ErrorCode(err) == app.EINTERNAL {
			c.log.Error("console", "method", r.Method, "path", r.URL.Path, "err", err)
		}
		// Logged in, but the filing cannot be shown (another account's
		// unit, gone): what was typed is given back to copy, not lost.
		why := echo(app.ErrorMessage(err))
		if app.ErrorCode(err) == app.EINTERNAL {
			why = "审核台内部错误，已记录日志。"
		}
		c.render(w, r, http.StatusOK, "error", page{Title: "无法打开材料", Session: s, Data: errorView{
			Heading: "已重新登录，但无法打开这份材料",
			Text:    why + " 您填写的内容如下，请复制保存。",
			Kept:    c.typedLines(r),
		}})
		return
	}
	_, typed, remarks, _ := decisionForm(r)
	action, comment := app.Action(r.PostFormValue("action")), strings.TrimSpace(r.PostFormValue("comment"))
	transitions, err := strconv.Atoi(r.PostFormValue("transitions"))
	moved := err != nil || transitions < 0 || transitions < len(v.D.History) || r.PostFormValue("revision") != v.D.RevisionID
	if err != nil || transitions < 0 || transitions > len(v.D.History) {
		transitions = len(v.D.History) // not the page's: moved, without a list of what came since
	}
	v.giveBack(s, moved, transitions, action, comment, typed, remarks)
	v.Stale = stale
	if moved {
		c.render(w, r, http.StatusOK, "filing", page{Title: c.b.Profile().ShownTitle(v.D.Kind, v.D.Title), Session: s, Data: v})
		return
	}
	// What the form cannot take back is listed to copy: the account
	// logged in may have no decision at this step (another account), or
	// not the one chosen, or no remark boxes (no 退回修改).
	v.Kept = v.untaken(comment, remarks)
	if action.Valid() && action != app.ActionSubmit && v.Action != action {
		v.Kept = append([]string{"决定：" + c.b.Profile().ActionOn(action, v.D.Kind, v.Route)}, v.Kept...)
	}
	if len(v.D.Allowed) > 0 {
		v.Resumed = 1
		if v.Doc.Remarks {
			v.Resumed += len(remarks)
		}
	}
	c.render(w, r, http.StatusOK, "filing", page{Title: c.b.Profile().ShownTitle(v.D.Kind, v.D.Title), Session: s, Data: v})
}

// sameDecision reports whether since, the decisions taken after the page
// the reviewer decided on, is that decision d only: this account's action
// with this comment, amount and remarks on this revision. One sent again
// with its remarks changed is not the same, and is told it lost.
func sameDecision(since []app.Transition, s *session, d app.Transition) bool {
	if len(since) != 1 {
		return false
	}
	t := since[0]
	return t.Actor == s.Name && t.Role == s.Role && t.Action == d.Action && t.Comment == d.Comment &&
		t.RevisionID == d.RevisionID && t.Approved == d.Approved && maps.Equal(t.Remarks, d.Remarks)
}

// attachment sends an attachment: a PDF inline, to be read in the
// browser's viewer; anything else as a download. The media type is the
// unit's word, so a file is shown inline only when it is a PDF by its
// first bytes, never sniffed, and never rendered as a page of the console.
func (c *Console) attachment(w http.ResponseWriter, r *http.Request, s *session) {
	// n is which of the filing's attachments the link was: the same file
	// attached as two materials downloaded under the first one's name
	// (found from outside).
	which, err := strconv.Atoi(r.URL.Query().Get("n"))
	if err != nil {
		which = -1
	}
	a, f, mod, err := c.b.Attachment(r.Context(), s.token, r.PathValue("id"), r.PathValue("sha256"), which)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	defer f.Close()
	head := make([]byte, 5)
	n, _ := io.ReadFull(f, head)
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		c.fail(w, r, err)
		return
	}
	h := w.Header()
	h.Del("Content-Security-Policy")
	if bytes.Equal(head[:n], []byte("%PDF-")) {
		h.Set("Content-Type", "application/pdf")
		h.Set("Content-Disposition", mime.FormatMediaType("inline", map[string]string{"filename": a.Name}))
	} else {
		h.Set("Content-Type", "application/octet-stream")
		h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": a.Name}))
		h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	}
	h.Set("X-Content-Type-Options", "nosniff")
	serve.Content(w, r, mod, f, nil) // a browser's 416 is Go's
}

// pdf sends the printed copy of one revision, with its verification code,
// inline for the browser's PDF viewer. The file is the bureau's own
// rendering, never the unit's bytes, so it is served as a PDF without a
// sandbox.
func (c *Console) pdf(w http.ResponseWriter, r *http.Request, s *session) {
	data, name, _, err := c.b.PDF(r.Context(), s.token, r.PathValue("id"), r.PathValue("rev"))
	if err != nil {
		c.fail(w, r, err)
		return
	}
	h := w.Header()
	h.Del("Content-Security-Policy")
	h.Set("Content-Type", "application/pdf")
	h.Set("Content-Disposition", mime.FormatMediaType("inline", map[string]string{"filename": name}))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", serve.CacheControl)
	h.Set("Content-Length", strconv.Itoa(len(data)))
	w.Write(data)
}

// fmtTime writes a time as the reviewer reads it: in Beijing time, as
// working days are counted (app.Calendar), whatever the server's zone —
// a bureau in a container on UTC showed arrivals eight hours off.
func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(app.Beijing).Format("2006-01-02 15:04")
}

// projectDeclaration returns the current declaration of project for a
// later filing of unit's rules, or nil when there is none to be read: as
// the bureau read it on receipt, only unit's own (found from outside: a
// project_id naming another unit's declaration was checked here against
// that one).
func (c *Console) projectDeclaration(r *http.Request, s *session, unit, project string) (*app.Declaration, []app.Transition, error) {
	if project == "" {
		return nil, nil, nil
	}
	d, err := c.b.Filing(r.Context(), s.token, project)
	if app.ErrorCode(err) == app.ENOTFOUND {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	if d.UnitID != unit || d.Kind != app.KindDeclaration {
		return nil, nil, nil
	}
	var b app.Body
	if err := json.Unmarshal(d.Body, &b); err != nil {
		return nil, nil, fmt.Errorf("decode body of %s: %w", project, err)
	}
	return b.Declaration, d.History, nil
}

// unitsFiling returns filing id as the bureau holds it, its kind, project
// and decisions, when it is unit's; nil when there is none or it is
// another unit's (a filing names one of its own unit only).
func (c *Console) unitsFiling(r *http.Request, s *session, unit, id string) (*app.Filing, error) {
	if id == "" {
		return nil, nil
	}
	d, err := c.b.Filing(r.Context(), s.token, id)
	switch {
	case app.ErrorCode(err) == app.ENOTFOUND:
		return nil, nil
	case err != nil:
		return nil, err
	case d.UnitID != unit:
		return nil, nil
	}
	var b app.Body
	if err := json.Unmarshal(d.Body, &b); err != nil {
		return nil, fmt.Errorf("decode body of %s: %w", id, err)
	}
	return &app.Filing{ID: d.ID, Kind: d.Kind, UnitID: d.UnitID, ProjectID: b.ProjectID, Status: d.Status, History: d.History}, nil
}

// projectLink names the project a filing belongs to.
type projectLink struct {
	ID, Name string
}

// lastReturnRemarks returns the field remarks of the last return in h and
// the revision it returned, when revision (the one shown) came after it;
// nothing otherwise.
func lastReturnRemarks(h []app.Transition, revision int) (int, map[string]string) {
	for i := len(h) - 1; i >= 0; i-- {
		t := h[i]
		if t.To != app.StatusReturned {
			continue
		}
		if len(t.Remarks) == 0 || t.RevisionNumber >= revision {
			return 0, nil
		}
		return t.RevisionNumber, t.Remarks
	}
	return 0, nil
}

// reviewedBase returns the revision the changes of a revision are shown
// against: its base (baseID, number baseNo), or, when the unit withdrew
// that one, the last revision before it the unit did not withdraw — the
// one the bureau last had before it. Found in a walkthrough: against the
// withdrawn revision, which held the unit's answer to a return, the
// return's remarks read 未修改 though they were answered.
func reviewedBase(h []app.Transition, baseID string, baseNo int) (string, int) {
	withdrawn := func(n int) bool {
		return slices.ContainsFunc(h, func(t app.Transition) bool { return t.Action == app.ActionWithdraw && t.RevisionNumber == n })
	}
	for baseNo > 1 && withdrawn(baseNo) {
		i := slices.IndexFunc(h, func(t app.Transition) bool { return t.Action == app.ActionSubmit && t.RevisionNumber == baseNo-1 })
		if i < 0 {
			break
		}
		baseID, baseNo = h[i].RevisionID, baseNo-1
	}
	return baseID, baseNo
}

// lastReturnComment returns the revision and comment of the last return in
// h when it is of a revision before revision (the one this revision
// answers), else 0 and "".
func lastReturnComment(h []app.Transition, revision int) (int, string) {
	for i := len(h) - 1; i >= 0; i-- {
		if t := h[i]; t.To == app.StatusReturned {
			if t.RevisionNumber < revision {
				return t.RevisionNumber, strings.TrimSpace(t.Comment)
			}
			return 0, ""
		}
	}
	return 0, ""
}

// thisReturnRemarks returns the field remarks of the return of revision
// itself, nil when its last return had none.
func thisReturnRemarks(h []app.Transition, revision int) map[string]string {
	for i := len(h) - 1; i >= 0; i-- {
		if t := h[i]; t.To == app.StatusReturned {
			if t.RevisionNumber == revision && len(t.Remarks) > 0 {
				return t.Remarks
			}
			return nil
		}
	}
	return nil
}

// commentHint says which of actions need a comment, as the comment box's
// placeholder.
func commentHint(actions []actionView) string {
	var need []string
	ret := false
	for _, a := range actions {
		if a.CommentRequired {
			need = append(need, a.Label)
			ret = ret || a.Action == app.ActionReturn
		}
	}
	switch {
	case len(need) == 0:
		return "可填写意见（选填）"
	case ret && len(need) > 1:
		// "需要怎样修改" is for 退回修改 only: a filing 不予立项 is not
		// revised (found in a walkthrough).
		return strings.Join(need, "、") + "须写明意见：退回修改写明需要怎样修改，其他写明理由"
	case ret:
		return strings.Join(need, "、") + "须写明意见，告诉建设单位需要怎样修改"
	}
	return strings.Join(need, "、") + "须写明意见"
}

// priorDecisions returns the decisions taken on revision rev since it was
// last submitted, and the last approved (核定) amount among them.
func priorDecisions(history []app.Transition, rev string) ([]app.Transition, app.Money) {
	start := 0
	for i, t := range history {
		if t.Action == app.ActionSubmit {
			start = i + 1
		}
	}
	var out []app.Transition
	var approved app.Money
	for _, t := range history[start:] {
		if t.RevisionID != rev {
			continue
		}
		out = append(out, t)
		if t.Approved > 0 {
			approved = t.Approved
		}
	}
	return out, approved
}

// confirmChanges replaces the row-by-row changes of a declaration's
// confirmations (确认事项 第 1 行：sharing_compliant → 空) with one change an
// item confirmed or no longer confirmed, in prof's words, and drops them
// when only their order changed (a box ticked again). changed loses their
// marks then.
func confirmChanges(prof *app.Profile, cs []change, changed map[string]bool, oldBody, newBody []byte) []change {
	var was, is struct {
		Declaration *struct {
			Confirmations []string `json:"confirmations"`
		} `json:"declaration"`
	}
	if json.Unmarshal(oldBody, &was) != nil || json.Unmarshal(newBody, &is) != nil || was.Declaration == nil || is.Declaration == nil {
		return cs
	}
	const prefix = "declaration.confirmations"
	out := slices.DeleteFunc(cs, func(c change) bool { return strings.HasPrefix(unmark(c.Path), prefix) })
	n := len(out)
	before, after := was.Declaration.Confirmations, is.Declaration.Confirmations
	for _, id := range before {
		if !slices.Contains(after, id) {
			out = append(out, change{Path: prefix, Label: "确认事项：" + prof.ConfirmationLabel(id), Old: "已确认", New: "未确认"})
		}
	}
	for _, id := range after {
		if !slices.Contains(before, id) {
			out = append(out, change{Path: prefix, Label: "确认事项：" + prof.ConfirmationLabel(id), Old: "未确认", New: "已确认"})
		}
	}
	if len(out) == n {
		for p := range changed {
			if strings.HasPrefix(unmark(p), prefix) {
				delete(changed, p)
			}
		}
	}
	return out
}
