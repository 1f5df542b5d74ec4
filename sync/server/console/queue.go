package console

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"egovdesk/app"
)

// queueView is the queue page: the filters as typed, the page and the
// choices of the filter form.
type queueView struct {
	Form     url.Values
	Kinds    []app.Kind
	Statuses []app.Status
	Units    []Unit
	Routes   []app.Choice
	Page     QueuePage
	Now      time.Time
	NextURL  string
	PrevURL  string // "" on the first page
	FirstURL string
	PageNo   int // the page's number, from 1
	CSVURL   string
	FindURL  string // 查找材料 with the name and unit filtered on
	Error    string
	Stepped  bool // the profile has review steps: the queue is the account's own
	// CalendarNote says which years' holidays the time limits lack, "" when none.
	CalendarNote string
	// CalendarLine is the same for a reviewer, in a line.
	CalendarLine string
	// The chips' links keep the other filters (名称, 单位…): a chip dropped
	// the search typed (a walkthrough). Narrowed says other filters are
	// set, which the chips' counts (the whole queue's) do not follow.
	ChipAll    string
	ChipStatus map[app.Status]string
	ChipKind   map[app.Kind]string
	Narrowed   bool
}

// chips sets the chips' links from the filters of form.
func (v *queueView) chips(form url.Values) {
	base := url.Values{}
	for _, k := range []string{"scope", "q", "unit", "year", "route", "from", "to", "overdue"} {
		if x := form.Get(k); x != "" && (k != "overdue" || x == "1") {
			base.Set(k, x)
			v.Narrowed = v.Narrowed || k != "scope"
		}
	}
	link := func(k, x string) string {
		u := cloneValues(base)
		if k != "" {
			u.Set(k, x)
		}
		if len(u) == 0 {
			return "/console/queue"
		}
		return "/console/queue?" + u.Encode()
	}
	v.ChipAll = link("", "")
	v.ChipStatus, v.ChipKind = map[app.Status]string{}, map[app.Kind]string{}
	for _, st := range v.Statuses {
		v.ChipStatus[st] = link("status", string(st))
	}
	for _, k := range v.Kinds {
		v.ChipKind[k] = link("kind", string(k))
	}
}

// queueStatuses are the states a filing waits for the bureau in.
var queueStatuses = []app.Status{app.StatusSubmitted, app.StatusPreliminary, app.StatusExpert}

const dateLayout = "2006-01-02"

// next opens the first filing waiting in the reviewer's queue other than
// the one just decided (from), or the queue when none is left: after a
// decision the page offered no way on but the menu, which dropped filters.
func (c *Console) next(w http.ResponseWriter, r *http.Request, s *session) {
	from := r.URL.Query().Get("from")
	page, err := c.b.Queue(r.Context(), s.token, QueueQuery{Limit: 2})
	if err != nil {
		c.fail(w, r, err)
		return
	}
	for _, it := range page.Items {
		if it.ID != from {
			http.Redirect(w, r, "/console/filings/"+url.PathEscape(it.ID), http.StatusSeeOther)
			return
		}
	}
	http.Redirect(w, r, "/console/queue", http.StatusSeeOther)
}

func (c *Console) queue(w http.ResponseWriter, r *http.Request, s *session) {
	if s.Role == app.RoleAuditor {
		// The queue is the console's first page, where a login and every
		// "回到待审核" lead: an auditor landed on a 403 there (found in a
		// walkthrough). Theirs is 安全审计.
		http.Redirect(w, r, homeOf(s.Role), http.StatusSeeOther)
		return
	}
	form := r.URL.Query()
	v := queueView{Form: form, Kinds: app.AllKinds(), Statuses: queueStatuses, Now: c.b.Now()}
	q, problem := parseQueueQuery(form)
	if problem != "" {
		// A value no filter takes (kind=<20 KB>) is not echoed into the
		// page, its links and its export twice over: a value a reviewer
		// typed too long (a search of 150 字) is, to be shortened.
		for _, vs := range form {
			for i, x := range vs {
				if len(x) > maxEchoText {
					vs[i] = ""
				}
			}
		}
	}
	units, err := c.unitsByName(r.Context())
	if err != nil {
		c.fail(w, r, err)
		return
	}
	v.Units = units
	if problem == "" && q.UnitID != "" && !slices.ContainsFunc(units, func(u Unit) bool { return u.ID == q.UnitID }) {
		// as 查找 and 逾期事项 say it: an unknown unit showed an empty
		// queue without a word (a walkthrough)
		problem = "没有这个建设单位，请从列表中选择"
	}
	if s.Role == app.RoleAdmin {
		v.CalendarNote = calendarNote(c.b.Profile(), v.Now)
	} else {
		v.CalendarLine = calendarLine(c.b.Profile(), v.Now)
	}
	if prof := c.b.Profile(); prof != nil {
		v.Stepped = len(prof.Flows) > 0
		for _, rt := range prof.Routes {
			v.Routes = append(v.Routes, app.Choice{Code: rt.Code, Label: rt.Label})
		}
		// A route only an override gives (武汉's 行业主管部门审批): its
		// filings could not be picked out (found in a walkthrough).
		for _, o := range prof.RouteOverrides {
			if !o.Off && !slices.ContainsFunc(v.Routes, func(c app.Choice) bool { return c.Code == o.Code }) {
				v.Routes = append(v.Routes, app.Choice{Code: o.Code, Label: o.Label})
			}
		}
	}
	status := http.StatusOK
	if problem == "" {
		if v.Page, err = c.b.Queue(r.Context(), s.token, q); err != nil {
			if app.ErrorCode(err) != app.EINVALID {
				c.fail(w, r, err)
				return
			}
			problem = app.ErrorMessage(err) // a cursor that is not one
		}
	}
	c.nameSteps(v.Page.Items)
	if problem != "" {
		v.Error, status = problem, http.StatusUnprocessableEntity
		// The counts stay (年度=abc showed every count as 0): they are the
		// queue's, read without the filter or cursor that cannot be read.
		if all, err := c.b.Queue(r.Context(), s.token, QueueQuery{Limit: 1}); err == nil {
			v.Page = QueuePage{Counts: all.Counts}
		}
	}
	v.Kinds = shownKinds(c.b.Profile(), v.Page.Counts.ByKind, form.Get("kind"))
	if problem == "" {
		v.chips(form)
	} else {
		v.chips(url.Values{}) // a filter that cannot be read is not carried into every chip (found in review)
	}
	v.pager(form)
	export := cloneValues(form)
	for _, k := range pagingParams {
		export.Del(k)
	}
	if problem == "" {
		v.CSVURL = "/console/queue.csv?" + export.Encode() // an export of a filter that cannot be read is refused
	}
	find := url.Values{}
	for _, k := range []string{"q", "unit", "kind"} {
		if x := form.Get(k); x != "" {
			find.Set(k, x)
		}
	}
	if st := app.Status(form.Get("status")); st.Valid() && st != app.StatusDraft {
		find.Set("status", string(st)) // 已批复 asked of the queue: found there
	}
	v.FindURL = "/console/find?" + find.Encode()
	c.render(w, r, status, "queue", page{Title: "待审核", Session: s, Data: v})
}

// pagingParams are the queue's paging parameters: the cursor of the page
// (after), those of the pages before it (back, oldest first, "-" for the
// first page, joined by "."; the store's cursors are base64url, without
// dots) and its number (n).
var pagingParams = []string{"after", "back", "n"}

// maxBack is how many pages back 上一页 can go; past them it goes to the
// first page (第一页 always can). maxCursor is the longest cursor the
// review queue takes (the API's limit).
const (
	maxBack   = 40
	maxCursor = 300
)

// pager sets the links to the first, previous and next pages and the
// page's number. The queue's cursors go forward only: each page's link
// carries the cursors of the pages before it (a reviewer asked for 上一页
// and where in the queue they were).
func (v *queueView) pager(form url.Values) {
	after := form.Get("after")
	var back []string
	for c := range strings.SplitSeq(form.Get("back"), ".") {
		if len(c) > maxCursor {
			back = nil // not the pages' cursors: 上一页 goes to the first page
			break
		}
		if c != "" {
			back = append(back, c)
		}
	}
	if len(back) > maxBack {
		back = back[len(back)-maxBack:]
	}
	n, err := strconv.Atoi(form.Get("n"))
	if after == "" {
		back, n = nil, 1
	} else if err != nil || n < 2 || n > 1_000_000 || len(back) > maxBack {
		n = 0 // a page whose number is not known
	}
	v.PageNo = n
	if v.Error != "" {
		// A page that could not be read has no next or previous; it can
		// go back to the first.
		if after != "" {
			v.FirstURL = "/console/queue"
		}
		v.PageNo = 0
		return
	}
	link := func(after string, back []string, n int) string {
		u := cloneValues(form)
		for _, k := range pagingParams {
			u.Del(k)
		}
		if after != "" && after != "-" {
			u.Set("after", after)
			if len(back) > 0 {
				u.Set("back", strings.Join(back, "."))
			}
			if n > 1 {
				u.Set("n", strconv.Itoa(n))
			}
		}
		return "/console/queue?" + u.Encode()
	}
	if v.Page.Next != "" {
		cur := after
		if cur == "" {
			cur = "-"
		}
		next := append(slices.Clone(back), cur)
		if len(next) > maxBack {
			next = next[len(next)-maxBack:]
		}
		nn := 0
		if n > 0 {
			nn = n + 1
		}
		v.NextURL = link(v.Page.Next, next, nn)
	}
	if after != "" {
		v.FirstURL = link("", nil, 1)
		v.PrevURL = v.FirstURL
		if len(back) > 0 {
			nn := 0
			if n > 0 {
				nn = n - 1
			}
			v.PrevURL = link(back[len(back)-1], back[:len(back)-1], nn)
		}
	}
}

// calendarNote is app.Calendar.MissingNote for the bureau's profile, or for
// the national schedule alone when there is none.
func calendarNote(prof *app.Profile, now time.Time) string {
	cal := &app.Calendar{}
	if prof != nil {
		cal = &prof.Calendar
	}
	return cal.MissingNote(now)
}

// calendarLine is calendarNote for a reviewer, who cannot enter the
// holidays: one quiet line (the admin's whole warning sat on every queue
// page from December on, found in a reviewer's walkthrough).
func calendarLine(prof *app.Profile, now time.Time) string {
	cal := &app.Calendar{}
	if prof != nil {
		cal = &prof.Calendar
	}
	years := cal.Missing(now)
	if len(years) == 0 {
		return ""
	}
	names := make([]string, len(years))
	for i, y := range years {
		names[i] = strconv.Itoa(y)
	}
	return fmt.Sprintf("%s 年的法定节假日安排尚未载入，这些年份的办理期限暂按周一至周五计算。", strings.Join(names, "、"))
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		if len(vs) > 0 && vs[0] != "" {
			out.Set(k, vs[0])
		}
	}
	return out
}

// nameSteps sets the review step each item waits at (Step) under the
// profile's flows, and reports whether the profile has any: under none a
// filing waits at no step but the reviewer's.
func (c *Console) nameSteps(items []QueueItem) bool {
	prof := c.b.Profile()
	if prof == nil || len(prof.Flows) == 0 {
		return false
	}
	for i := range items {
		it := &items[i]
		if fl := prof.Flow(it.Kind, it.Route); fl != nil {
			if st := fl.StepAt(it.Status, it.Concurred); st != nil {
				it.Step = st.Label
			}
		}
	}
	return true
}

// waitingAt says which step a filing waits at, by the step's name without
// its note: 待专家论证/联审 for 专家论证/联审（会同…）.
func waitingAt(step string) string {
	name, _, _ := strings.Cut(step, "（")
	return "待" + name
}

// parseQueueQuery reads the filter form. It returns a Chinese message
// for a value it cannot read. Dates are Beijing dates, as the queue shows
// them.
func parseQueueQuery(f url.Values) (QueueQuery, string) {
	q := QueueQuery{Kind: app.Kind(f.Get("kind")), UnitID: f.Get("unit"), Route: f.Get("route"),
		Status: app.Status(f.Get("status")), Overdue: f.Get("overdue") == "1", Text: f.Get("q"), After: f.Get("after"),
		All: f.Get("scope") == "all"}
	if problem := checkFormText(f); problem != "" {
		return q, problem
	}
	if len(q.UnitID) > 100 || len(q.Route) > 100 {
		return q, "单位或审批路径的筛选值过长"
	}
	// Every problem at once: a year and a date both wrong were told one
	// at a time (a walkthrough).
	var problems []string
	if q.Kind != "" && !q.Kind.Valid() {
		problems = append(problems, "未知的材料类型")
	}
	if q.Status != "" && !q.Status.Valid() {
		problems = append(problems, "未知的状态")
	} else if q.Status != "" && !slices.Contains(queueStatuses, q.Status) {
		// 已批复, 草稿…: never in the queue, which listed none of them
		// without a word (found from outside); the API answers 422 too.
		var in []string
		for _, st := range queueStatuses {
			in = append(in, st.Label())
		}
		problems = append(problems, fmt.Sprintf("待审核中没有“%s”的材料：待审核只含%s的材料；已办结的材料请在“查找材料”中查找", q.Status.Label(), strings.Join(in, "、")))
	}
	if len([]rune(q.Text)) > 100 {
		problems = append(problems, "搜索内容不能超过 100 个字")
	}
	// a year or date typed with an input method's full-width digits
	// (２０２７) is read, as amounts are (app.AsTyped)
	if y := app.AsTyped(f.Get("year")); y != "" {
		// 1999 is four digits: it was told to be a 四位年份 (a walkthrough)
		switch n, err := strconv.Atoi(y); {
		case err != nil:
			problems = append(problems, "计划年度应为四位年份，如 2027")
		case n < 2000 || n > 2100:
			problems = append(problems, fmt.Sprintf("计划年度 %d 不在 2000 至 2100 年之间", n))
		default:
			q.Year = n
		}
	}
	for _, d := range []struct {
		name, label string
		to          *time.Time
		add         int
	}{{"from", "到达自", &q.From, 0}, {"to", "至", &q.To, 1}} {
		s := strings.TrimSpace(f.Get(d.name))
		if s == "" {
			continue
		}
		t, ok := parseDay(s)
		if !ok {
			problems = append(problems, fmt.Sprintf("“%s”的日期应写作 2027-03-01（2000 至 2100 年）", d.label))
			continue
		}
		*d.to = t.AddDate(0, 0, d.add) // "to" includes its day
	}
	if !q.From.IsZero() && !q.To.IsZero() && !q.From.Before(q.To) {
		problems = append(problems, "“到达自”的日期晚于“至”的日期，请改正")
	}
	if len(problems) > 0 {
		return q, strings.Join(problems, "；")
	}
	return q, ""
}

// parseDay reads a filter's date, 2027-03-01, as a Beijing date from
// 2000 to 2100: the stores key times in nanoseconds since 1970, which do
// not reach past 2262, and a year 9999 turned a filter inside out. One
// typed with an input method's full-width digits (２０２７－０３－０１) is
// read (app.AsTyped).
func parseDay(s string) (time.Time, bool) {
	t, err := time.ParseInLocation(dateLayout, app.AsTyped(s), app.Beijing)
	if err != nil || t.Year() < 2000 || t.Year() > 2100 {
		return time.Time{}, false
	}
	return t, true
}

// checkFormText refuses a filter form any of whose values is not one-line
// text by app.CheckString (invalid UTF-8, control characters, direction
// overrides), as the API refuses them, and empties those values in f: the
// page echoes the form as typed.
func checkFormText(f url.Values) string {
	problem := ""
	for _, vs := range f {
		for i, v := range vs {
			if app.CheckString(v, maxFilterText, true) != "" {
				vs[i] = ""
				problem = "筛选条件中有无法识别的字符，请重新输入"
			}
		}
	}
	return problem
}

// maxEchoText is the longest filter value a page with a problem shows
// back: past any the filters take (搜索 100 字, at most 400 bytes).
const maxEchoText = 1 << 10

// maxFilterText is past any filter value a request line can carry: the
// values' own limits (搜索 100 字, unit and route 100 bytes) are checked
// where they are read.
const maxFilterText = 1 << 16

// shownKinds are the kinds the queue's chips and filter offer: those the
// profile takes (武汉 takes no 运维备案, whose chip said 0 beside its own
// kinds; found in a regulation review), and any other the queue holds or
// the filter names (received under an earlier profile).
func shownKinds(prof *app.Profile, held map[app.Kind]int, chosen string) []app.Kind {
	var out []app.Kind
	for _, k := range app.AllKinds() {
		if prof == nil || prof.Accepts(k) || held[k] > 0 || string(k) == chosen {
			out = append(out, k)
		}
	}
	return out
}
