package console

import (
	"maps"
	"net/http"
	"slices"
	"strings"

	"egovdesk/app"
)

// remarkPrefix starts the form name of a remark box beside a field of the
// document: "remark:" and the field's path as the client's checks name it
// ("goals", "contact.phone").
const remarkPrefix = "remark:"

// docCtx is what the document's templates need besides the content: the
// fields changed since the revision before, and whether and with what
// text a remark box stands beside each field.
type docCtx struct {
	Kind    app.Kind
	Changed map[string]bool
	// Remarks: the reviewer may return the filing, so each field has a
	// remark box (part of the decision form).
	Remarks bool
	// Values are the remarks typed before a refused decision, by path;
	// Refused the paths whose remark the decision was refused for (too
	// long…), so that the box says so where it is, far below the message
	// in the decision card beside a long field (a walkthrough).
	Values  map[string]string
	Refused map[string]string
	// Earlier are the field remarks of the last return, when this revision
	// answers it: shown at their fields, so that a remark the unit left
	// unanswered is seen without reading the history.
	Earlier map[string]string
	// Returned: Earlier are the remarks of this revision's own return (it
	// waits for the unit's new version), not of one it answers.
	Returned bool
	// Confirms are the declaration's confirmations as the bureau's profile
	// words them (they are stored as the checklist items' IDs).
	Confirms []string
	// ConfirmText is Confirms as one cell, each on a line of its own
	// ("未确认任何事项" for none); Asks: the profile in force has a
	// checklist, so the block shows, with its remark box, even when
	// nothing was confirmed (a reviewer could not ask for one).
	ConfirmText string
	Asks        bool
}

// earlierView is a remark of the last return, and whether the revision
// under review changed its field.
type earlierView struct {
	Path, Label, Text string
	Changed           bool
	Removed           bool // its row was taken out (Changed too)
}

// stepView is the review step a filing waits at under the bureau's
// profile, with who takes it and which departments have concurred.
type stepView struct {
	Label     string
	Roles     string
	Joint     bool
	Concurred []app.Role
	Pending   string
}

// remarkView is one remark of a decision, for the filing's history.
type remarkView struct {
	Path, Label, Text string
}

func init() {
	// remarkPath is the client's path of a document field written as the
	// console's rows name it: "declaration.contact.phone" → "contact.phone".
	funcs["remarkPath"] = remarkPath
	funcs["remarkValue"] = func(c *docCtx, path string) string { return c.Values[remarkPath(path)] }
	funcs["remarkRefused"] = func(c *docCtx, path string) string { return c.Refused[remarkPath(path)] }
	funcs["earlier"] = func(c *docCtx, path string) string { return c.Earlier[remarkPath(path)] }
	funcs["remarks"] = func(k app.Kind, m map[string]string) []remarkView {
		var out []remarkView
		for p, t := range m {
			out = append(out, remarkView{Path: p, Label: app.RemarkLabel(k, p), Text: t})
		}
		slices.SortFunc(out, func(a, b remarkView) int { return app.CompareRemarkPaths(k, a.Path, b.Path) })
		return out
	}
	// money writes an amount in 万元 as the forms do, and in 元 beside it
	// when 万元 takes more than two decimals: a 核定 amount of 8.500037 万元
	// was exact but hard to read (a walkthrough).
	funcs["money"] = func(m app.Money) string {
		if m%(app.Wan/100) != 0 { // finer than 0.01 万元
			return m.String() + "（" + m.YuanString() + " 元）"
		}
		return m.String()
	}
}

func remarkPath(p string) string {
	_, rest, ok := strings.Cut(p, ".")
	if !ok {
		return p
	}
	return rest
}

// stepOf returns the step v's filing waits at, nil in the single-reviewer
// flow.
func stepOf(prof *app.Profile, v *filingView) *stepView {
	f := &app.Filing{Status: v.D.Status, History: v.D.History}
	s := prof.StepNow(f, &v.Body)
	if s == nil {
		return nil
	}
	sv := &stepView{Label: s.Label, Roles: s.RoleLabels(), Joint: s.Joint}
	if s.Joint {
		sv.Concurred = app.Concurred(v.D.History, v.D.Status)
		var pending []string
		for _, r := range s.Roles {
			if !slices.Contains(sv.Concurred, r) {
				pending = append(pending, r.JointLabel())
			}
		}
		sv.Pending = strings.Join(pending, "、")
	}
	return sv
}

// decisionForm reads the 核定 amount (in 万元, blank for none) and the
// remarks typed beside the fields from a decision's form. It fails with
// app's EINVALID for an amount that is not one; the remarks are read even
// then, to be given back.
func decisionForm(r *http.Request) (app.Money, string, map[string]string, error) {
	var remarks map[string]string
	for k, vs := range r.PostForm {
		p, ok := strings.CutPrefix(k, remarkPrefix)
		if !ok || len(vs) == 0 || strings.TrimSpace(vs[0]) == "" {
			continue
		}
		if remarks == nil {
			remarks = map[string]string{}
		}
		remarks[p] = strings.TrimSpace(vs[0])
	}
	typed := strings.TrimSpace(r.PostFormValue("approved"))
	if typed == "" {
		return 0, typed, remarks, nil
	}
	approved, err := app.ParseWan(typed)
	if err == nil && approved == 0 {
		// 0 is no amount to the decision: it went through without one,
		// saying nothing.
		err = &app.Error{Code: app.EINVALID, Message: "核定金额须大于 0；不核定金额时请把这一栏留空",
			Fields: []app.FieldError{{Field: "approved", Message: "核定金额须大于 0；不核定金额时请把这一栏留空"}}}
	}
	return approved, typed, remarks, err
}

// echo makes what a reviewer typed safe to show again in a page served as
// UTF-8: bytes that are not UTF-8 become U+FFFD (a raw socket sent them;
// the decision itself is refused for them).
func echo(s string) string { return strings.ToValidUTF8(s, "\uFFFD") }

// echoRemarks is echo for remarks by field path.
func echoRemarks(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[echo(k)] = echo(v)
	}
	return out
}

// keptLines lists a comment and remarks on a filing of kind k ("" when
// not known) that no form can take back, for
// the reviewer to copy: "审核意见：…", then "建设目标：…" by field.
func keptLines(k app.Kind, comment string, remarks map[string]string) []string {
	var out []string
	if comment != "" {
		out = append(out, "审核意见："+echo(comment))
	}
	for _, p := range slices.Sorted(maps.Keys(remarks)) {
		out = append(out, app.RemarkLabel(k, echo(p))+"："+echo(remarks[p]))
	}
	return out
}
