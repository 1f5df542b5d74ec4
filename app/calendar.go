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
// working-day deadlines: statutory holidays (Holidays, "YYYY-MM-DD", the
// weekend days inside a holiday included) and the weekend days that are
// working days by 调休 (Workdays).
//
// The State Council publishes them every November for the next year. The
// national schedule ships with egovdesk (assets/calendar/cn.json); a
// profile's calendar adds years to it, or replaces a year of it, so that a
// bureau can enter a schedule published after its release. A year belongs
// to the calendar that lists a holiday in it, and such a year must be listed
// whole. A year in neither counts weekdays only, which makes a deadline fall
// earlier, never later, than the true one; Deadline.Estimated says so.
type Calendar struct {
	Holidays []string `json:"holidays,omitempty"`
	Workdays []string `json:"workdays,omitempty"`
	Source   string   `json:"source,omitempty"`

	holidays, workdays map[string]bool // set by validate
	years              map[int]bool    // the years Holidays covers, set by validate
}

const dateLayout = "2006-01-02"

func (c *Calendar) validate(p *Problems) {
	c.holidays, c.workdays, c.years = map[string]bool{}, map[string]bool{}, map[int]bool{}
	for i, s := range c.Holidays {
		f := fmt.Sprintf("calendar.holidays[%d]", i)
		t, err := time.Parse(dateLayout, s)
		if err != nil {
			p.Add(f, "%s：“%s”不是有效日期（格式 2026-10-01）", f, s)
			continue
		}
		c.holidays[s] = true
		c.years[t.Year()] = true
	}
	for i, s := range c.Workdays {
		f := fmt.Sprintf("calendar.workdays[%d]", i)
		t, err := time.Parse(dateLayout, s)
		switch {
		case err != nil:
			p.Add(f, "%s：“%s”不是有效日期（格式 2026-10-10）", f, s)
		case t.Weekday() != time.Saturday && t.Weekday() != time.Sunday:
			p.Add(f, "%s：%s 是工作日，调休上班日只能是周六或周日", f, s)
		case c.holidays[s]:
			p.Add(f, "%s：%s 同时列为节假日和调休上班日", f, s)
		case !c.years[t.Year()]:
			p.Add(f, "%s：%d 年没有列出任何放假日期；请按国务院办公厅的通知列出该年全部放假日期，调休上班日才会生效", f, t.Year())
		default:
			c.workdays[s] = true
		}
	}
	if len(c.Holidays)+len(c.Workdays) > 0 && isBlank(c.Source) {
		p.Add("calendar.source", "calendar.source：请注明节假日安排的出处（国务院办公厅通知）")
	}
}

// forYear returns the calendar that holds year y: c when it lists a holiday
// in y, else the national schedule when it has y, else nil.
func (c *Calendar) forYear(y int) *Calendar {
	if c != nil && c.years[y] {
		return c
	}
	if n := nationalCalendar(); n.years[y] {
		return n
	}
	return nil
}

// Covers reports whether the holidays of year y are known, from the
// calendar itself or from the national schedule.
func (c *Calendar) Covers(y int) bool { return c.forYear(y) != nil }

// workday reports whether the day of t is a working day.
func (c *Calendar) workday(t time.Time) bool {
	if k := c.forYear(t.Year()); k != nil {
		s := t.Format(dateLayout)
		if k.workdays[s] {
			return true
		}
		if k.holidays[s] {
			return false
		}
	}
	return t.Weekday() != time.Saturday && t.Weekday() != time.Sunday
}

// AddWorkingDays returns the n-th working day after the day of t (n ≥ 1), at
// midnight in t's location, skipping weekends and the calendar's holidays and
// counting its 调休 working weekend days. For n < 1 it returns the day of t.
func (c *Calendar) AddWorkingDays(t time.Time, n int) time.Time {
	d := day(t)
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
func (c *Calendar) Estimated(from, to time.Time) bool {
	for y := day(from).AddDate(0, 0, 1).Year(); y <= to.Year(); y++ {
		if !c.Covers(y) {
			return true
		}
	}
	return false
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
	return fmt.Sprintf("尚未载入 %s 年的法定节假日安排：这些年份的工作日期限只按周一至周五计算，可能早于实际期限。"+
		"国务院办公厅的通知发布后，请管理员在规则配置中补充（规则文件的 calendar）。", strings.Join(names, "、"))
}

// Years returns the years the calendar itself enters (not the national
// schedule's), in order.
func (c *Calendar) Years() []int {
	out := make([]int, 0, len(c.years))
	for y := range c.years {
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

// parseNationalCalendar reads the national schedule's file: a year per
// entry, each with its holidays, its 调休 working days and its source, every
// date inside its own year and every year listed once.
func parseNationalCalendar(data []byte) (*Calendar, error) {
	var doc struct {
		About string `json:"about"`
		Years []struct {
			Year     int      `json:"year"`
			Source   string   `json:"source"`
			Holidays []string `json:"holidays"`
			Workdays []string `json:"workdays"`
		} `json:"years"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("national calendar: %w", err)
	}
	var p Problems
	c := &Calendar{Source: "国务院办公厅关于部分节假日安排的通知"}
	seen := map[int]bool{}
	for i, y := range doc.Years {
		f := fmt.Sprintf("years[%d]", i)
		if seen[y.Year] {
			p.Add(f, "%s：%d 年重复", f, y.Year)
		}
		seen[y.Year] = true
		if isBlank(y.Source) || len(y.Holidays) == 0 {
			p.Add(f, "%s：%d 年缺少出处或放假日期", f, y.Year)
		}
		for _, s := range append(append([]string(nil), y.Holidays...), y.Workdays...) {
			if !strings.HasPrefix(s, strconv.Itoa(y.Year)+"-") {
				p.Add(f, "%s：%s 不在 %d 年", f, s, y.Year)
			}
		}
		c.Holidays = append(c.Holidays, y.Holidays...)
		c.Workdays = append(c.Workdays, y.Workdays...)
	}
	c.validate(&p)
	if len(p) > 0 {
		return nil, fmt.Errorf("national calendar: %w", p.Err())
	}
	return c, nil
}
