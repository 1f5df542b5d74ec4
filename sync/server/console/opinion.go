package console

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"egovdesk/app"
	"egovdesk/app/paper"
)

// A decision can be printed as the bureau's written opinion (审核意见): the
// unit, the filing and its revision with the verification code of its
// printed copy, the decision in the kind's terms, the comment, the remarks
// field by field, the amount approved, who decided and when. A reviewer had
// no paper to hand a unit or to file with the project's records: the
// console showed the decision on screen only (a 六安 walkthrough).

type opinionView struct {
	Bureau string // the bureau's full name, as its profile gives it
	// Issuer heads and signs the opinion: the bureau for its own roles, a
	// department for its 联审 or 批复 (县发改委, the route's approver, for
	// 批复立项): a 发改委 approval was headed and signed in the 数管局's name
	// (a 霍邱 walkthrough).
	Issuer string
	// Declared is a declaration's 申报总投资; Approved the 核定 amount in
	// force at the decision when the decision states none (a 批复立项
	// without an amount keeps the 初审's), with InForce saying whose.
	Declared   app.Money
	Approved   app.Money
	InForce    string
	Unit       string
	Title      string
	Kind       app.Kind
	Route      string
	T          app.Transition
	N          int    // the decision's place in the filing's history, from 1
	Sent       string // when the unit sent the revision decided on
	Code       string // the verification code of that revision's printed copy
	Date       string // the decision's day in Chinese (2026年12月7日)
	FilingID   string
	Superseded bool // a later decision or revision followed this one
}

// opinion shows decision n (1-based, in the filing's history) of filing id
// as a page made for printing.
func (c *Console) opinion(w http.ResponseWriter, r *http.Request, s *session) {
	v, err := c.opinionOf(r, s)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	c.render(w, r, http.StatusOK, "opinion", page{Title: "审核意见 · " + v.Title, Session: s, Data: v})
}

// opinionPageCSS is the printed opinion's own style sheet: every page's
// head names the filing, its revision and verification code, which CSS
// can only say as a string of its own (the console's policy allows no
// inline style), and a page of a long opinion said nothing of what it was
// about (a walkthrough).
func (c *Console) opinionPageCSS(w http.ResponseWriter, r *http.Request, s *session) {
	v, err := c.opinionOf(r, s)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	head := fmt.Sprintf("%s · 第 %d 版", cmp.Or(v.Title, "（未命名）"), v.T.RevisionNumber)
	if v.Code != "" {
		head += " · 核验码 " + v.Code
	}
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	fmt.Fprintf(w, "@page { @top-center { content: %s; font-size: 8.5pt; color: #333; } }\n", cssString(head))
}

// cssString quotes s as a CSS string: quotes, backslashes and what is not
// printable are escaped as code points, so no title ends the string or the
// rule.
func cssString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		if r == '"' || r == '\\' || r == '<' || r == '>' || !unicode.IsPrint(r) {
			fmt.Fprintf(&b, "\\%x ", r)
			continue
		}
		b.WriteRune(r)
	}
	b.WriteByte('"')
	return b.String()
}

// opinionOf reads decision n (the path's) of filing id (the path's) as the
// opinion shows it; ENOTFOUND when there is no such decision.
func (c *Console) opinionOf(r *http.Request, s *session) (*opinionView, error) {
	id := r.PathValue("id")
	d, err := c.b.Filing(r.Context(), s.token, id)
	if err != nil {
		return nil, err
	}
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 1 || n > len(d.History) || !slices.Contains(app.Decisions, d.History[n-1].Action) {
		return nil, app.Errorf(app.ENOTFOUND, "这份材料没有这一项审核决定。请从材料页面的“办理记录”打开要打印的意见。")
	}
	t := d.History[n-1]
	prof := c.b.Profile()
	v := &opinionView{Bureau: prof.BureauShort(), Unit: d.UnitName, Title: prof.ShownTitle(d.Kind, d.Title), Kind: d.Kind,
		T: t, N: n, Date: paper.ChineseDate(t.At), FilingID: d.ID, Superseded: n < len(d.History)}
	if prof != nil && prof.Bureau != "" {
		v.Bureau = prof.Bureau
	}
	for _, e := range d.History[:n] {
		if e.Action == app.ActionSubmit && e.RevisionID == t.RevisionID {
			v.Sent = fmtTime(e.At)
		}
	}
	sum := d.BodySHA256
	body := d.Body
	if t.RevisionID != d.RevisionID {
		if body, err = c.b.RevisionBody(r.Context(), s.token, id, t.RevisionID); err != nil {
			return nil, err
		}
		h := sha256.Sum256(body)
		sum = hex.EncodeToString(h[:])
	}
	if t.RevisionID != "" && sum != "" {
		v.Code = app.PrintCode{RevisionID: t.RevisionID, Revision: t.RevisionNumber, BodySHA256: sum}.String()
	}
	b, berr := app.DecodeBody(body)
	if berr == nil && t.RevisionID != d.RevisionID {
		// The title the decided revision had: an old decision's opinion
		// printed today's beside that revision's code (found in review).
		var f app.Filing
		f.SetContent(&b)
		if title := f.Title(); title != "" {
			v.Title = prof.ShownTitle(d.Kind, title)
		}
	}
	if d.Kind == app.KindDeclaration {
		if berr == nil && b.Declaration != nil {
			v.Route = prof.DeclarationRoute(b.Declaration)
			v.Declared = b.Declaration.TotalInvestment
		}
		if t.Approved == 0 {
			v.Approved, v.InForce = approvedBefore(d.History[:n-1], t.Action)
		}
	}
	v.Issuer = issuer(prof, v.Bureau, t, b.Declaration, d.History[:n])
	return v, nil
}

// issuer names who heads and signs the opinion of decision t, taken after
// history: the bureau for its own roles; a department for its 联审; for
// 发改委's 批复立项 (or its refusal) the approver of the declaration d's route
// (县发改委), as far as the rules name one.
func issuer(prof *app.Profile, bureau string, t app.Transition, d *app.Declaration, history []app.Transition) string {
	switch t.Role {
	case app.RoleFinance, app.RoleNDRC, app.RoleCrypto:
	default:
		return bureau
	}
	if prof != nil && d != nil && t.Role == app.RoleNDRC && (t.Action == app.ActionApprove || t.Action == app.ActionReject) {
		if a := prof.RouteFor(d, app.ApprovedInvestment(history)).Approver; a != "" {
			return a
		}
	}
	return t.Role.Department()
}

// approvedBefore is the 核定 amount in force after decisions, and whose it
// is: the last amount a 批复立项 or 初审通过 stated. A 批复立项 that states
// none keeps it (app.ApprovedInvestment).
func approvedBefore(decisions []app.Transition, a app.Action) (app.Money, string) {
	for i := len(decisions) - 1; i >= 0; i-- {
		switch t := decisions[i]; {
		case t.Approved > 0 && t.Action == app.ActionPass:
			if a == app.ActionApprove {
				return t.Approved, "沿用初审核定"
			}
			return t.Approved, "初审核定"
		case t.Approved > 0:
			return t.Approved, "此前核定"
		}
	}
	return 0, ""
}
