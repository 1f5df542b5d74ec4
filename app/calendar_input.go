package app

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// maxDateProblems bounds the messages of ParseDateList: 64 KB of "x,"
// made 32,000 of them.
const maxDateProblems = 20

// maxDateRange is the longest run of days one range of ParseDateList may
// stand for: the longest holiday (春节, 国庆) is 8 or 9 days.
const maxDateRange = 31

// dateToken reads a date as people type one from a notice: 2027-01-01,
// 2027/1/1, 2027.1.1 or 2027年1月1日, the year left out or not.
var dateToken = regexp.MustCompile(`^(?:(\d{4})(?:-|/|\.|年))?(\d{1,2})(?:-|/|\.|月)(\d{1,2})日?$`)

// ParseDateList reads the dates a bureau's admin types from a 国务院办公厅
// notice for year: separated by spaces, new lines, commas or 、；, each
// written as 2027-01-01, 2027/1/1, 2027.1.1 or 2027年1月1日 — or without
// the year (1月1日, 10-01), which is then year — and a run of days as two
// dates joined by 至 or ~ (10月1日至10月8日). It returns them as
// 2006-01-02, in order, each once; and, for what it cannot read, a Chinese
// message per item saying which one and how to write it.
func ParseDateList(s string, year int) ([]string, []string) {
	var out, problems []string
	seen := map[string]bool{}
	s = strings.NewReplacer("～", " 至 ", "~", " 至 ", "到", " 至 ", "至", " 至 ").Replace(s)
	items := strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(",，、;；\n\r\t", r) })
	var words []string // a date, or two joined by 至
	for _, it := range items {
		toks := strings.Fields(it)
		for i := 0; i < len(toks); i++ {
			if toks[i] == "至" && len(words) > 0 && i+1 < len(toks) && !strings.Contains(words[len(words)-1], "至") {
				words[len(words)-1] += "至" + toks[i+1]
				i++
				continue
			}
			words = append(words, toks[i])
		}
	}
	for _, w := range words {
		if len(problems) == maxDateProblems {
			problems = append(problems, "还有更多无法识别的日期，请先改正以上各项")
			break
		}
		from, to, isRange := strings.Cut(w, "至")
		a, okA := readDate(from, year)
		if !isRange {
			switch d := a.Format(dateLayout); {
			case !okA:
				problems = append(problems, fmt.Sprintf("“%s”不是日期：请写成 %d-01-01 或 1月1日", clipText(w, 40), year))
			case !inNotice(a, year):
				problems = append(problems, outsideNotice(w, year))
			case !seen[d]:
				seen[d] = true
				out = append(out, d)
			}
			continue
		}
		b, okB := readDate(to, year)
		switch {
		case !okA || !okB:
			problems = append(problems, fmt.Sprintf("“%s”不是日期范围：请写成 10月1日至10月8日", clipText(w, 40)))
		case b.Before(a):
			problems = append(problems, fmt.Sprintf("“%s”的结束日期早于开始日期", clipText(w, 40)))
		case !inNotice(a, year) || !inNotice(b, year):
			problems = append(problems, outsideNotice(w, year))
		case b.Sub(a) >= maxDateRange*24*time.Hour:
			problems = append(problems, fmt.Sprintf("“%s”超过 %d 天：请逐段写出放假日期", clipText(w, 40), maxDateRange))
		default:
			for t := a; !t.After(b); t = t.AddDate(0, 0, 1) {
				if d := t.Format(dateLayout); !seen[d] {
					seen[d] = true
					out = append(out, d)
				}
			}
		}
	}
	slices.Sort(out)
	return out, problems
}

// outsideNotice says that w lists a day the notice of year cannot, as
// Calendar's check would refuse it, but naming what was typed.
func outsideNotice(w string, year int) string {
	return fmt.Sprintf("“%s”不在 %d 年的安排之内：只能是该年的日期，或前一年 12 月 25–31 日、后一年 1 月 1–7 日", clipText(w, 40), year)
}

// readDate reads one date of ParseDateList, in year when it names none.
func readDate(s string, year int) (time.Time, bool) {
	m := dateToken.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return time.Time{}, false
	}
	y := year
	if m[1] != "" {
		y, _ = strconv.Atoi(m[1])
	}
	mo, _ := strconv.Atoi(m[2])
	d, _ := strconv.Atoi(m[3])
	t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
	if t.Year() != y || int(t.Month()) != mo || t.Day() != d { // 2027-02-30
		return time.Time{}, false
	}
	return t, true
}

// WithCalendarYear returns the profile document doc with y as its notice
// of y.Year: it replaces the notice of that year the calendar has (in
// either form), other years and every other field left as they are and in
// their order. The result is to be loaded as any profile file is, which
// checks the notice; year is the notice's index in calendar.years, where
// that check names it.
func WithCalendarYear(doc []byte, y CalendarYear) (_ []byte, year int, err error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, -1, Errorf(EINVALID, "规则文件不是 JSON 对象")
	}
	type member struct {
		key string
		val json.RawMessage
	}
	var members []member
	at := -1
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, -1, Errorf(EINVALID, "规则文件无法读取：%v", err)
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, -1, Errorf(EINVALID, "规则文件无法读取：%v", err)
		}
		k, _ := t.(string)
		if k == "calendar" {
			at = len(members)
		}
		members = append(members, member{k, v})
	}
	var c Calendar
	if at >= 0 {
		if err := json.Unmarshal(members[at].val, &c); err != nil {
			return nil, -1, Errorf(EINVALID, "规则文件的 calendar 无法读取：%v", err)
		}
	}
	other := func(d string) bool { return !strings.HasPrefix(d, strconv.Itoa(y.Year)+"-") }
	c.Holidays = slices.DeleteFunc(c.Holidays, func(d string) bool { return !other(d) })
	c.Workdays = slices.DeleteFunc(c.Workdays, func(d string) bool { return !other(d) })
	if len(c.Holidays)+len(c.Workdays) == 0 {
		c.Holidays, c.Workdays, c.Source = nil, nil, ""
	}
	c.Notices = slices.DeleteFunc(c.Notices, func(n CalendarYear) bool { return n.Year == y.Year })
	c.Notices = append(c.Notices, y)
	slices.SortFunc(c.Notices, func(a, b CalendarYear) int { return a.Year - b.Year })
	year = slices.IndexFunc(c.Notices, func(n CalendarYear) bool { return n.Year == y.Year })
	cal, err := json.Marshal(c)
	if err != nil {
		return nil, -1, err
	}
	if at < 0 {
		members = append(members, member{"calendar", cal})
	} else {
		members[at].val = cal
	}
	var out bytes.Buffer
	out.WriteByte('{')
	for i, m := range members {
		if i > 0 {
			out.WriteByte(',')
		}
		k, _ := json.Marshal(m.key)
		out.Write(k)
		out.WriteByte(':')
		out.Write(m.val)
	}
	out.WriteByte('}')
	return out.Bytes(), year, nil
}

// dateProblem adds the problem of a date that could not be read: blank,
// what to fill in; typed, that what was typed (in bad's %s) is no day — a
// trial that began on 2026-02-30 was told to fill in its start, as if it
// had none (found in a 天宁 walkthrough).
func dateProblem(p *Problems, field, value, blank, bad string) {
	if isBlank(value) {
		*p = append(*p, FieldError{Field: field, Message: blank, format: blank})
		return
	}
	typed := clipText(strings.TrimSpace(value), 20)
	*p = append(*p, FieldError{Field: field, Message: fmt.Sprintf(bad, typed), format: bad, args: []any{typed}})
}
