package console

import (
	"net/http"
	"net/url"

	"egovdesk/app"
)

// overdueView is 逾期事项: the approved projects whose unit let a deadline
// pass unmet, one row per such deadline, the most overdue project first.
type overdueView struct {
	Form    url.Values
	Units   []Unit
	Rows    []overdueRow
	Page    LatePage
	Error   string
	Queried bool
}

// overdueRow is one deadline passed unmet.
type overdueRow struct {
	UnitID, UnitName   string
	ProjectID, Project string
	Label, Due, Source string
	What               string // the filing that meets it, "" for an act (组织验收)
	Days               int
	First              bool // the first row of its project
}

// late is 逾期事项. The filing pages showed each project's own deadlines,
// but nothing showed the bureau which projects were behind: a trial report
// or an acceptance not sent, a yearly O&M filing missed (the last notes'
// "no overdue-projects view").
func (c *Console) late(w http.ResponseWriter, r *http.Request, s *session) {
	if s.Role == app.RoleAuditor {
		http.Redirect(w, r, homeOf(s.Role), http.StatusSeeOther)
		return
	}
	form := r.URL.Query()
	v := overdueView{Form: form}
	units, err := c.b.Units(r.Context())
	if err != nil {
		c.fail(w, r, err)
		return
	}
	byPinyin(units, func(u Unit) string { return u.Name })
	v.Units = units
	q := LateQuery{UnitID: form.Get("unit")}
	status := http.StatusOK
	switch problem := checkFormText(form); {
	case problem != "":
		v.Error = problem
	case len(q.UnitID) > 100:
		v.Error = "单位的筛选值过长"
	}
	if v.Error == "" {
		if v.Page, err = c.b.Late(r.Context(), s.token, q); err != nil {
			if app.ErrorCode(err) != app.EINVALID {
				c.fail(w, r, err)
				return
			}
			v.Error = app.ErrorMessage(err)
		}
	}
	if v.Error != "" {
		status = http.StatusUnprocessableEntity
	}
	v.Queried = v.Error == ""
	prof, now := c.b.Profile(), c.b.Now()
	for _, p := range v.Page.Projects {
		ds := p.Dossier
		first := true
		for _, dl := range ds.Deadlines {
			if !dl.Overdue || dl.Bureau {
				continue
			}
			row := overdueRow{UnitID: p.UnitID, UnitName: p.UnitName, ProjectID: ds.Project, Project: ds.Name,
				Label: dl.Label, Due: dueText(dl.Deadline), Source: dl.Source, Days: dl.OverdueDays(now), First: first}
			if dl.Kind != "" {
				row.What = prof.KindName(dl.Kind)
			}
			v.Rows = append(v.Rows, row)
			first = false
		}
	}
	c.render(w, r, status, "overdue", page{Title: "逾期事项", Session: s, Data: v})
}
