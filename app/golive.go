package app

import (
	"strings"
	"time"
)

// GoLive records the day a project's system went into operation (投入运行).
// The unit files it once; it anchors the deadlines counted from go-live,
// such as 武汉's self-evaluation 12 to 24 months after it (第二十二条) and
// the years of yearly O&M filings (霍邱县、六安市 运行维护管理).
type GoLive struct {
	ProjectName string  `json:"project_name"`
	UnitName    string  `json:"unit_name"`
	ApprovalRef string  `json:"approval_ref,omitempty"` // 立项批复文号
	GoLiveOn    string  `json:"go_live_on"`             // 投入运行日期 YYYY-MM-DD
	Scope       string  `json:"scope"`                  // 运行范围：使用单位、用户、上线的功能
	Contact     Contact `json:"contact"`
}

// Validate checks the record's own rules at time now (a go-live date
// cannot lie in the future) and returns every problem at once as an
// EINVALID *Error, or nil.
func (g *GoLive) Validate(now time.Time) error {
	var p Problems
	projectHead(&p, g.ProjectName, g.UnitName)
	switch d, ok := parseCalDate(g.GoLiveOn); {
	case !ok:
		dateProblem(&p, "go_live_on", g.GoLiveOn, "请填写投入运行日期（如 2027-06-01）", "投入运行日期“%s”不是实际存在的日期，请按 年-月-日 改正（如 2027-06-01）")
	case today(now).before(d):
		p.Add("go_live_on", "投入运行日期 %s 晚于今天（%s）：请在系统实际投入运行后再报送", d, today(now))
	}
	if isBlank(g.Scope) {
		p.Add("scope", "请填写运行范围（哪些单位、多少用户在使用，上线了哪些功能）")
	}
	contactProblems(&p, g.Contact)
	return p.Err()
}

// projectHead checks the project and unit names every life-cycle filing
// starts with.
func projectHead(p *Problems, project, unit string) {
	switch n := runeLen(strings.TrimSpace(project)); {
	case n == 0:
		p.Add("project_name", "请填写项目名称（与立项批复一致）")
	case n > 100:
		p.Add("project_name", "项目名称不能超过 100 个字（现有 %d 个字）", n)
	}
	if isBlank(unit) {
		p.Add("unit_name", "请填写项目建设单位")
	}
}

// contactProblems checks the person the bureau calls.
func contactProblems(p *Problems, c Contact) {
	if isBlank(c.Person) {
		p.Add("contact.person", "请填写联系人")
	}
	if isBlank(c.Phone) {
		p.Add("contact.phone", "请填写联系电话")
	} else if !validPhone(c.Phone) {
		p.Add("contact.phone", "联系电话“%s”格式不正确：请填写手机号或带区号的座机号", c.Phone)
	}
}

// today returns the calendar day of now in now's location.
func today(now time.Time) calDate {
	y, m, d := now.Date()
	return calDate{y, int(m), d}
}

// time returns midnight of the day in loc.
func (c calDate) time(loc *time.Location) time.Time {
	return time.Date(c.y, time.Month(c.m), c.d, 0, 0, 0, 0, loc)
}
