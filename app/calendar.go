package app

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"egovdesk/assets"
)

// Calendar lists the exceptions to "Monday to Friday are working days" for
// working-day deadlines, as the State Council's yearly notices set them
// (国务院办公厅关于部分节假日安排的通知): the days off (the weekend days inside
// a holiday included) and the weekend days that are working days by 调休.
// Holiday dates are Beijing dates.
//
// The national schedule ships with egovdesk (assets/calendar/cn.json); a
// profile's calendar adds notices to it, or replaces the notice of a year,
// so that a bureau can enter a notice published after its release. A notice
// must list its year whole, and may list days of the last week of the
// December before or the first week of the January after, as far as 元旦
// reaches (the 2019 notice made 2018-12-29 a working day and 2018-12-30 a
// day off). A year no notice covers counts Monday to Friday,
// which may differ from the true count either way (a 调休 working Saturday
// is not counted, a holiday is); Deadline.Estimated says so.
type Calendar struct {
	// Notices are the years' notices, one a year.
	Notices []CalendarYear `json:"years,omitempty"`
	// Holidays, Workdays and Source are the older flat form of Notices:
	// each date belongs to the notice of its own year.
	Holidays []string `json:"holidays,omitempty"`
	Workdays []string `json:"workdays,omitempty"`
	Source   string   `json:"source,omitempty"`

	notices map[int]*notice // by year, set by validate
	fields  map[int]string  // where each year's days off are listed, set by validate
	partial map[int]bool    // the years whose notice is not a whole year's (checkWhole), set by validate
}

// CalendarYear is one year's notice.
type CalendarYear struct {
	Year     int      `json:"year"`
	Source   string   `json:"source"`
	Holidays []string `json:"holidays"`
	Workdays []string `json:"workdays,omitempty"`
}

// notice is a CalendarYear's dates: off are days off, on 调休 working days.
type notice struct{ off, on map[string]bool }

const dateLayout = "2006-01-02"

func (c *Calendar) validate(p *Problems) {
	c.notices = map[int]*notice{}
	// The flat form: a notice per year of the dates listed.
	flat := map[int]*notice{}
	for i, s := range c.Holidays {
		f := fmt.Sprintf("calendar.holidays[%d]", i)
		t, err := time.Parse(dateLayout, s)
		if err != nil {
			p.Add(f, "%s：“%s”不是有效日期（格式 2026-10-01）", f, s)
			continue
		}
		n := flat[t.Year()]
		if n == nil {
			n = &notice{off: map[string]bool{}, on: map[string]bool{}}
			flat[t.Year()] = n
		}
		n.off[s] = true
	}
	for i, s := range c.Workdays {
		f := fmt.Sprintf("calendar.workdays[%d]", i)
		t, ok := workdayDate(p, f, s)
		if !ok {
			continue
		}
		switch n := flat[t.Year()]; {
		case n == nil:
			p.Add(f, "%s：%d 年没有列出任何放假日期；请按国务院办公厅的通知列出该年全部放假日期，调休上班日才会生效", f, t.Year())
		case n.off[s]:
			p.Add(f, "%s：%s 同时列为节假日和调休上班日", f, s)
		default:
			n.on[s] = true
		}
	}
	if len(c.Holidays)+len(c.Workdays) > 0 && isBlank(c.Source) {
		p.Add("calendar.source", "calendar.source：请注明节假日安排的出处（国务院办公厅通知）")
	}
	c.fields = map[int]string{}
	for y, n := range flat {
		c.notices[y] = n
		c.fields[y] = "calendar.holidays"
	}
	for i, y := range c.Notices {
		f := fmt.Sprintf("calendar.years[%d]", i)
		switch {
		case y.Year < 2000 || y.Year > 2100:
			p.Add(f+".year", "%s.year：%d 不是有效年份", f, y.Year)
			continue
		case c.notices[y.Year] != nil:
			p.Add(f+".year", "%s.year：%d 年的安排重复列出", f, y.Year)
			continue
		}
		if isBlank(y.Source) {
			p.Add(f+".source", "%s.source：请注明 %d 年节假日安排的出处（国务院办公厅通知）", f, y.Year)
		}
		if len(y.Holidays) == 0 {
			p.Add(f+".holidays", "%s.holidays：请列出 %d 年的全部放假日期", f, y.Year)
		}
		n := &notice{off: map[string]bool{}, on: map[string]bool{}}
		c.notices[y.Year] = n
		if len(y.Holidays) > 0 {
			c.fields[y.Year] = f + ".holidays"
		}
		for j, s := range y.Holidays {
			g := fmt.Sprintf("%s.holidays[%d]", f, j)
			t, err := time.Parse(dateLayout, s)
			if err != nil {
				p.Add(g, "%s：“%s”不是有效日期（格式 2026-10-01）", g, s)
				continue
			}
			if inNotice(t, y.Year) {
				n.off[s] = true
			} else {
				p.Add(g, "%s：%s 不在 %d 年的安排之内（该年及前一年 12 月 25–31 日、后一年 1 月 1–7 日）", g, s, y.Year)
			}
		}
		for j, s := range y.Workdays {
			g := fmt.Sprintf("%s.workdays[%d]", f, j)
			t, ok := workdayDate(p, g, s)
			switch {
			case !ok:
			case !inNotice(t, y.Year):
				p.Add(g, "%s：%s 不在 %d 年的安排之内（该年及前一年 12 月 25–31 日、后一年 1 月 1–7 日）", g, s, y.Year)
			case n.off[s]:
				p.Add(g, "%s：%s 同时列为节假日和调休上班日", g, s)
			default:
				n.on[s] = true
			}
		}
	}
	// A notice stored before checkWhole existed still loads, but one that
	// is not a whole year's neither replaces the national year nor counts
	// as covering it (found from outside: one December date hid the
	// missing-year note).
	c.partial = map[int]bool{}
	for y, n := range c.notices {
		var q Problems
		checkWhole(&q, "", y, n)
		c.partial[y] = len(q) > 0
	}
}

// checkWhole adds a problem for each notice that is not a whole year's
// (see statutoryDays, maxDaysOff) or whose year lies outside 2000–2100.
// Profile.CheckNew runs it on a profile being set; a profile stored or
// cached before these checks existed still loads.
func (c *Calendar) checkWhole(p *Problems) {
	years := make([]int, 0, len(c.fields))
	for y := range c.fields {
		years = append(years, y)
	}
	sort.Ints(years)
	for _, y := range years {
		f := c.fields[y]
		if y < 2000 || y > 2100 {
			p.Add(f, "%s：%d 年不在 2000 至 2100 年之内", f, y)
			continue
		}
		checkWhole(p, f, y, c.notices[y])
	}
}

// statutoryDays are the days off 《全国年节及纪念日放假办法》 fixes by date
// (元旦, 劳动节, 国庆节): every year's notice lists them, so a notice
// without them is not a whole year's (a year entered as one December date
// would otherwise take that year's place and count it Monday to Friday).
var statutoryDays = [...]string{"01-01", "05-01", "10-01", "10-02", "10-03"}

// maxDaysOff bounds the days off a notice lists, those of the weeks around
// its year included: the State Council's have 28–33 (13 statutory days and
// the weekends around them).
const maxDaysOff = 60

// checkWhole refuses the notice n of year y, listed at field f, when it
// lacks a statutory day off or lists more than maxDaysOff.
func checkWhole(p *Problems, f string, y int, n *notice) {
	var missing []string
	for _, md := range statutoryDays {
		if d := strconv.Itoa(y) + "-" + md; !n.off[d] {
			missing = append(missing, d)
		}
	}
	if len(missing) > 0 {
		p.Add(f, "%s：%d 年的安排缺少法定节假日 %s（元旦、劳动节、国庆节）；请按国务院办公厅的通知列出该年全部放假日期", f, y, strings.Join(missing, "、"))
	}
	if off := len(n.off); off > maxDaysOff {
		p.Add(f, "%s：%d 年的安排列出放假 %d 天，超过 %d 天；请核对是否误列了工作日", f, y, off, maxDaysOff)
	}
}

// workdayDate parses a 调休 working day, which must be a Saturday or Sunday.
func workdayDate(p *Problems, f, s string) (time.Time, bool) {
	t, err := time.Parse(dateLayout, s)
	switch {
	case err != nil:
		p.Add(f, "%s：“%s”不是有效日期（格式 2026-10-10）", f, s)
	case t.Weekday() != time.Saturday && t.Weekday() != time.Sunday:
		p.Add(f, "%s：%s 是工作日，调休上班日只能是周六或周日", f, s)
	default:
		return t, true
	}
	return t, false
}

// inNotice reports whether day t may be listed by the notice of year y: a
// day of y, or of the week around 元旦 on either side (25 to 31 December
// before, 1 to 7 January after). Wider, a notice could move days far from
// its year (found from outside: one listing all of the December before
// moved that month's review deadlines by four weeks).
func inNotice(t time.Time, y int) bool {
	switch {
	case t.Year() == y:
		return true
	case t.Year() == y-1:
		return t.Month() == time.December && t.Day() >= 25
	case t.Year() == y+1:
		return t.Month() == time.January && t.Day() <= 7
	}
	return false
}

// noticeFor returns the notice of year y: c's when it has a whole one,
// else the national schedule's, else c's partial one, else nil.
func (c *Calendar) noticeFor(y int) *notice {
	if c != nil && c.notices[y] != nil && !c.partial[y] {
		return c.notices[y]
	}
	if n := nationalCalendar().notices[y]; n != nil {
		return n
	}
	if c != nil {
		return c.notices[y]
	}
	return nil
}

// Covers reports whether a whole notice of year y is known, from the
// calendar itself or from the national schedule.
func (c *Calendar) Covers(y int) bool {
	if c != nil && c.notices[y] != nil && !c.partial[y] {
		return true
	}
	return nationalCalendar().notices[y] != nil
}

// workday reports whether day d (a Beijing midnight) is a working day: as
// the notices of its year and of the years around it list it, else Monday
// to Friday.
func (c *Calendar) workday(d time.Time) bool {
	s, y := d.Format(dateLayout), d.Year()
	for _, ny := range [...]int{y, y + 1, y - 1} {
		if n := c.noticeFor(ny); n != nil {
			if n.on[s] {
				return true
			}
			if n.off[s] {
				return false
			}
		}
	}
	return d.Weekday() != time.Saturday && d.Weekday() != time.Sunday
}

// AddWorkingDays returns the n-th working day after the day of t in
// Beijing (n ≥ 1), at midnight in Beijing, skipping weekends and the
// holidays and counting the 调休 working weekend days. For n < 1 it
// returns the day of t. The holidays are Beijing's dates, so the answer
// does not depend on the zone t carries.
func (c *Calendar) AddWorkingDays(t time.Time, n int) time.Time {
	d := day(t.In(Beijing))
	for n > 0 {
		d = d.AddDate(0, 0, 1)
		if c.workday(d) {
			n--
		}
	}
	return d
}

// Estimated reports whether a count of working days from the day after
// from to the day of to ran through a year whose holidays are not known, so
// that the day it gave may be earlier than the true one.
func (c *Calendar) Estimated(from, to time.Time) bool { return len(c.Unknown(from, to)) > 0 }

// Unknown returns the years whose holidays a count of working days from
// the day after from to to needs and the calendar lacks, in order: those
// it runs through, and the next year's for a count into December. The
// client named them "该年" while the year of the count was known and the
// next one's was missing (found in a 天宁 walkthrough).
func (c *Calendar) Unknown(from, to time.Time) []int {
	end := to.In(Beijing)
	var out []int
	for y := day(from.In(Beijing)).AddDate(0, 0, 1).Year(); y <= end.Year(); y++ {
		if !c.Covers(y) {
			out = append(out, y)
		}
	}
	// A notice may move days of the December before its year (the 2019
	// notice did): a count into December waits for the next year's too.
	if end.Month() == time.December && !c.Covers(end.Year()+1) {
		out = append(out, end.Year()+1)
	}
	return out
}

// Missing returns the years whose holidays the bureau should enter by now:
// the current year (in Beijing) when it is not covered, and from December
// on, the next year when it is not (the State Council publishes it in
// November). Empty when nothing is missing.
func (c *Calendar) Missing(now time.Time) []int {
	now = now.In(Beijing)
	var out []int
	if y := now.Year(); !c.Covers(y) {
		out = append(out, y)
	}
	if y := now.Year() + 1; now.Month() == time.December && !c.Covers(y) {
		out = append(out, y)
	}
	return out
}

// MissingNote is the sentence that tells a reviewer or an admin which
// years' holidays are missing and what that does, "" when none are.
func (c *Calendar) MissingNote(now time.Time) string {
	years := c.Missing(now)
	if len(years) == 0 {
		return ""
	}
	names := make([]string, len(years))
	for i, y := range years {
		names[i] = strconv.Itoa(y)
	}
	return fmt.Sprintf("尚未载入 %s 年的法定节假日安排：这些年份的工作日期限暂按周一至周五计算（不计节假日和调休），与实际期限可能不同。"+
		"国务院办公厅的通知发布后，请管理员在审核台“系统管理 → 规则配置 → 补充节假日安排”中填写。", strings.Join(names, "、"))
}

// Years returns the years whose notices the calendar itself holds (not
// the national schedule's), in order.
func (c *Calendar) Years() []int {
	if c == nil {
		return nil
	}
	out := make([]int, 0, len(c.notices))
	for y := range c.notices {
		out = append(out, y)
	}
	sort.Ints(out)
	return out
}

// NationalYears returns the years of the national schedule egovdesk ships
// with, in order.
func NationalYears() []int {
	return nationalCalendar().Years()
}

// nationalCalendar is assets/calendar/cn.json as one Calendar. It panics when
// the file is broken: it is part of the build, and TestNationalCalendar
// checks it.
var nationalCalendar = sync.OnceValue(func() *Calendar {
	c, err := parseNationalCalendar(assets.NationalCalendar)
	if err != nil {
		panic(err)
	}
	return c
})

// parseNationalCalendar reads the national schedule's file: an "about"
// and the notices as a profile's calendar.years holds them.
func parseNationalCalendar(data []byte) (*Calendar, error) {
	var doc struct {
		About string         `json:"about"`
		Years []CalendarYear `json:"years"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("national calendar: %w", err)
	}
	c := &Calendar{Notices: doc.Years}
	var p Problems
	c.validate(&p)
	if len(p) > 0 {
		return nil, fmt.Errorf("national calendar: %w", p.Err())
	}
	return c, nil
}
