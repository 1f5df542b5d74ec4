package console

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"egovdesk/app"
)

// findView is 查找材料: the filters as typed, the choices of the form and
// the page found.
type findView struct {
	Form     url.Values
	Kinds    []app.Kind
	Statuses []app.Status
	Units    []Unit
	Page     FindPage
	Offset   int
	PageNo   int  // from 1
	Searched bool // the form was sent: an empty result is "none found"
	Beyond   bool // the page asked for is past the last one
	NextURL  string
	PrevURL  string
	Error    string
}

// findStatuses are the states a filing can be found in: every one the
// bureau has seen (a draft never reaches it).
var findStatuses = app.Statuses[1:]

// find is 查找材料: a filing in any status, found by its unit, name, kind
// or status. The queue lists only filings under review; a reviewer asked
// about a filing returned last month, or approved last year, found it
// nowhere but by its URL (found in a reviewer's walkthrough).
func (c *Console) find(w http.ResponseWriter, r *http.Request, s *session) {
	if s.Role == app.RoleAuditor {
		http.Redirect(w, r, homeOf(s.Role), http.StatusSeeOther)
		return
	}
	form := r.URL.Query()
	// The kinds the profile takes (天宁's list offered 投入运行, which it
	// does not; a walkthrough), and the one a link names; a filing of
	// another kind, received under an earlier profile, is found under 全部.
	v := findView{Form: form, Kinds: shownKinds(c.b.Profile(), nil, form.Get("kind")), Statuses: findStatuses}
	units, err := c.unitsByName(r.Context())
	if err != nil {
		c.fail(w, r, err)
		return
	}
	v.Units = units
	q, problem := parseFindQuery(form)
	v.Offset, v.PageNo = q.Offset, q.Offset/findPage+1
	v.Searched = len(form) > 0
	status := http.StatusOK
	if problem == "" && v.Searched {
		if v.Page, err = c.b.Find(r.Context(), s.token, q); err != nil {
			if app.ErrorCode(err) != app.EINVALID {
				c.fail(w, r, err)
				return
			}
			problem = app.ErrorMessage(err)
		}
	}
	if problem != "" {
		v.Error, status = problem, http.StatusUnprocessableEntity
	} else {
		link := func(offset int) string {
			u := cloneValues(form)
			u.Del("offset")
			if offset > 0 {
				u.Set("offset", strconv.Itoa(offset))
			}
			return "/console/find?" + u.Encode()
		}
		if q.Offset > 0 && len(v.Page.Items) == 0 && v.Page.Matching > 0 {
			// Past the last page (a link kept, or typed): the way back
			// is to the last page there is.
			v.Beyond, v.PrevURL = true, link((v.Page.Matching-1)/findPage*findPage)
		} else if q.Offset > 0 {
			v.PrevURL = link(max(q.Offset-findPage, 0))
		}
		if q.Offset+len(v.Page.Items) < v.Page.Matching && q.Offset+findPage <= maxFindOffset {
			v.NextURL = link(q.Offset + findPage)
		}
	}
	c.render(w, r, status, "find", page{Title: "查找材料", Session: s, Data: v})
}

// findPage is 查找材料's page size; maxFindOffset how deep its pages go
// (the bureau's limit, past which a narrower search is asked for).
const (
	findPage      = 50
	maxFindOffset = 10_000
)

// parseFindQuery reads 查找材料's form; it returns the problem to show
// when a value cannot be one.
func parseFindQuery(f url.Values) (FindQuery, string) {
	q := FindQuery{UnitID: f.Get("unit"), Kind: app.Kind(f.Get("kind")), Status: app.Status(f.Get("status")),
		Text: strings.TrimSpace(f.Get("q")), Limit: findPage}
	if problem := checkFormText(f); problem != "" {
		return q, problem
	}
	switch {
	case len(q.UnitID) > 100:
		return q, "单位的筛选值过长"
	case q.Kind != "" && !q.Kind.Valid():
		return q, "未知的材料类型"
	case q.Status != "" && !q.Status.Valid():
		return q, "未知的状态"
	case q.Status == app.StatusDraft:
		return q, "本局收到的材料没有草稿：草稿只在建设单位的电脑上"
	case len([]rune(q.Text)) > 100:
		return q, "搜索内容不能超过 100 个字"
	}
	if o := f.Get("offset"); o != "" {
		n, err := strconv.Atoi(o)
		if err != nil || n < 0 || n > maxFindOffset {
			return q, "页码不对，请从第一页查看"
		}
		q.Offset = n
	}
	return q, ""
}
