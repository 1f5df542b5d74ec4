package console

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

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
	CSVURL  string
	// Counted are the labels of the profile's deadlines a project can
	// be late on here: those of its later life, not the plan year's
	// (met by the declaration, or the bureau's own).
	Counted []string
	Admin   bool // may send the units a reminder (发布通知)
}

// overdueRow is one deadline passed unmet.
type overdueRow struct {
	UnitID, UnitName   string
	ProjectID, Project string
	Label, Due, Source string
	What               string // the filing that meets it, "" for an act (组织验收)
	Waiting            string // the project's acceptance application the bureau is still deciding, when the act waits on it
	Days               int
	First              bool // the first row of its project
}

// late is 逾期事项. The filing pages showed each project's own deadlines,
// but nothing showed the bureau which projects were behind: a yearly O&M
// filing missed, an acceptance not organised (the last notes' "no
// overdue-projects view").
func (c *Console) late(w http.ResponseWriter, r *http.Request, s *session) {
	if s.Role == app.RoleAuditor {
		http.Redirect(w, r, homeOf(s.Role), http.StatusSeeOther)
		return
	}
	form := r.URL.Query()
	v := overdueView{Form: form, Admin: s.Role == app.RoleAdmin}
	units, err := c.unitsByName(r.Context())
	if err != nil {
		c.fail(w, r, err)
		return
	}
	v.Units = units
	q, problem := parseLateQuery(form)
	status := http.StatusOK
	v.Error = problem
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
	prof := c.b.Profile()
	v.Rows = overdueRows(prof, c.b.Now(), v.Page)
	if prof != nil {
		for _, d := range prof.Deadlines {
			if d.Anchor != app.AnchorPlanYear && !d.Off {
				v.Counted = append(v.Counted, d.Label)
			}
		}
	}
	if v.Queried {
		export := url.Values{}
		if q.UnitID != "" {
			export.Set("unit", q.UnitID)
		}
		v.CSVURL = "/console/late.csv?" + export.Encode()
	}
	c.render(w, r, status, "overdue", page{Title: "逾期事项", Session: s, Data: v})
}

// parseLateQuery reads 逾期事项's form; it returns the problem to show
// when a value cannot be one.
func parseLateQuery(f url.Values) (LateQuery, string) {
	q := LateQuery{UnitID: f.Get("unit")}
	if problem := checkFormText(f); problem != "" {
		return q, problem
	}
	if len(q.UnitID) > 100 {
		return q, "单位的筛选值过长"
	}
	return q, ""
}

// overdueRows are the deadlines passed unmet of page's projects, one row
// each, a project's rows together in the page's order.
func overdueRows(prof *app.Profile, now time.Time, page LatePage) []overdueRow {
	var rows []overdueRow
	for _, p := range page.Projects {
		ds := p.Dossier
		first := true
		for _, dl := range ds.Deadlines {
			if !dl.UnitOverdue() {
				continue
			}
			row := overdueRow{UnitID: p.UnitID, UnitName: p.UnitName, ProjectID: ds.Project, Project: ds.Name,
				Label: dl.Label, Due: dueText(dl.Deadline), Source: dl.Source, Days: dl.OverdueDays(now), First: first}
			if dl.Kind != "" {
				row.What = prof.KindName(dl.Kind)
			} else if e, ok := acceptanceUnderReview(ds); ok {
				// 武汉's 组织项目验收 waits on the bureau's 确认 (第二十一条): a
				// row that blamed the unit alone (found in review)
				row.Waiting = fmt.Sprintf("本项目的%s在本局办理中（%s 报送）", prof.KindName(app.KindAcceptance), day(e.FirstSent))
			}
			rows = append(rows, row)
			first = false
		}
	}
	return rows
}

// lateCSV sends 逾期事项 (of the unit the form names, or all) as CSV for
// Excel, as queueCSV does: a bureau reports its overdue projects upwards
// and to the units in a spreadsheet.
func (c *Console) lateCSV(w http.ResponseWriter, r *http.Request, s *session) {
	if s.Role == app.RoleAuditor {
		http.Redirect(w, r, homeOf(s.Role), http.StatusSeeOther)
		return
	}
	q, problem := parseLateQuery(r.URL.Query())
	if problem != "" {
		c.errorPage(w, r, http.StatusUnprocessableEntity, "无法导出", problem)
		return
	}
	page, err := c.b.Late(r.Context(), s.token, q)
	if err != nil {
		if app.ErrorCode(err) == app.EINVALID {
			c.errorPage(w, r, http.StatusUnprocessableEntity, "无法导出", app.ErrorMessage(err))
			return
		}
		c.fail(w, r, err)
		return
	}
	now := c.b.Now()
	var rows [][]string
	for _, row := range overdueRows(c.b.Profile(), now, page) {
		rows = append(rows, []string{row.UnitName, row.Project, row.Label, row.What, row.Due, strconv.Itoa(row.Days), row.Source, row.ProjectID})
	}
	if page.Partial {
		rows = append(rows, []string{fmt.Sprintf("（项目较多，只查了 %d 个已批复项目，其余项目中可能还有逾期的：请按建设单位分别导出）", page.Checked)})
	}
	c.writeCSV(w, "late", now, []string{"建设单位", "项目", "逾期事项", "应报送", "期限", "逾期天数", "依据", "项目申报书编号"}, rows)
}

// acceptanceUnderReview returns the project's acceptance application the
// bureau holds and has not decided (submitted or under review), if any.
func acceptanceUnderReview(ds app.Dossier) (app.DossierEntry, bool) {
	for _, e := range ds.Entries {
		if e.Kind == app.KindAcceptance && e.Status.UnderReview() {
			return e, true
		}
	}
	return app.DossierEntry{}, false
}

// maxReminderItems is how many overdue deadlines a reminder lists; the
// rest are counted.
const maxReminderItems = 30

// reminder drafts the notice that reminds a unit of its overdue deadlines
// (rows, one unit's, at now), for the admin to read, change and send:
// 逾期事项 showed the bureau who was late, and telling the unit meant typing
// it all again into 发布通知. A deadline that waits on the bureau itself (an
// acceptance application it holds) is left out: the unit cannot hurry it.
// partial says the list stopped early. Empty when nothing is the unit's.
func reminder(prof *app.Profile, now time.Time, rows []overdueRow, partial bool) (title, text string) {
	rows = slices.DeleteFunc(slices.Clone(rows), func(r overdueRow) bool { return r.Waiting != "" })
	if len(rows) == 0 {
		return "", ""
	}
	rules := "规定"
	if prof != nil && prof.Regulation != "" {
		rules = prof.Regulation + "规定"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "经核查，截至 %s，贵单位下列项目有事项已超过%s的期限：\n", day(now), rules)
	for i, r := range rows {
		if i == maxReminderItems {
			fmt.Fprintf(&b, "……另有 %d 项未列出，请在 egovdesk 客户端各项目的项目档案中查看。\n", len(rows)-i)
			break
		}
		fmt.Fprintf(&b, "%d. 《%s》%s：期限 %s，已逾期 %d 天", i+1, cmp.Or(r.Project, "未命名项目"), r.Label, r.Due, r.Days)
		if r.Source != "" {
			fmt.Fprintf(&b, "（%s）", r.Source)
		}
		b.WriteString("。\n")
	}
	if partial {
		b.WriteString("（项目较多，以上未必是全部。）\n")
	}
	b.WriteString("请尽快办理；已经办理的，请忽略本通知。如有疑问，请与我局联系。")
	return "逾期事项提醒", b.String()
}
