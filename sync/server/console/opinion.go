package console

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"slices"
	"strconv"

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
	Bureau     string // the bureau's full name, as its profile gives it
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
	id := r.PathValue("id")
	d, err := c.b.Filing(r.Context(), s.token, id)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 1 || n > len(d.History) || !slices.Contains(app.Decisions, d.History[n-1].Action) {
		c.errorPage(w, r, http.StatusNotFound, "没有找到", "这份材料没有这一项审核决定。请从材料页面的“办理记录”打开要打印的意见。")
		return
	}
	t := d.History[n-1]
	prof := c.b.Profile()
	v := opinionView{Bureau: prof.BureauShort(), Unit: d.UnitName, Title: prof.ShownTitle(d.Kind, d.Title), Kind: d.Kind,
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
			c.fail(w, r, err)
			return
		}
		h := sha256.Sum256(body)
		sum = hex.EncodeToString(h[:])
	}
	if t.RevisionID != "" && sum != "" {
		v.Code = app.PrintCode{RevisionID: t.RevisionID, Revision: t.RevisionNumber, BodySHA256: sum}.String()
	}
	if d.Kind == app.KindDeclaration {
		if b, err := app.DecodeBody(body); err == nil && b.Declaration != nil {
			v.Route = prof.DeclarationRoute(b.Declaration)
		}
	}
	c.render(w, r, http.StatusOK, "opinion", page{Title: "审核意见 · " + v.Title, Session: s, Data: v})
}
