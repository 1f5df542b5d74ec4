package app_test

import (
	"strings"
	"testing"
	"time"

	"egovdesk/app"
)

// The shipped schedule is the State Council's: since 2025 (《全国年节及纪念日
// 放假办法》 as revised in November 2024) every year has 13 statutory days
// off, and what the 调休 moves around nets out, so the weekdays a year
// lists as holidays less its working weekend days are 13. A mistyped date
// breaks the sum.
func TestNationalCalendar(t *testing.T) {
	years := app.NationalYears()
	if len(years) == 0 || years[0] > 2025 {
		t.Fatalf("years %v: the schedule must reach back to 2025", years)
	}
	var c app.Calendar
	for _, y := range years {
		off := 0
		for d := time.Date(y, 1, 1, 0, 0, 0, 0, cst); d.Year() == y; d = d.AddDate(0, 0, 1) {
			weekend := d.Weekday() == time.Saturday || d.Weekday() == time.Sunday
			working := c.AddWorkingDays(d.AddDate(0, 0, -1), 1).Equal(d)
			switch {
			case !weekend && !working:
				off++
			case weekend && working:
				off--
			}
		}
		if off != 13 {
			t.Errorf("%d: %d weekdays off net of 调休, want 13", y, off)
		}
	}
}

// Holidays are Beijing's dates: a bureau whose clock runs in UTC counts
// the same days as a clerk in Beijing.
func TestWorkingDaysCountBeijingDates(t *testing.T) {
	var c app.Calendar
	// 06:00 on Saturday 2026-02-14 in Beijing (a 调休 working day) is 22:00
	// on Friday the 13th in UTC. 02-15..23 off: 02-24, 25, 26.
	at := time.Date(2026, 2, 14, 6, 0, 0, 0, cst)
	want := time.Date(2026, 2, 26, 0, 0, 0, 0, cst)
	for _, loc := range []*time.Location{cst, time.UTC, time.FixedZone("PST", -8*3600)} {
		got := c.AddWorkingDays(at.In(loc), 3)
		if !got.Equal(want) || got.Format("2006-01-02") != "2026-02-26" {
			t.Errorf("3 working days after %v = %v, want %v", at.In(loc), got, want)
		}
	}
}

// A notice may list days of the December before its year (the 2019 notice
// did: 2018-12-29 a working day, 12-30 and 31 off). Entered in a profile's
// calendar.years, they count, and the notice does not take over the year
// before: that stays the national one.
func TestCalendarNoticeReachesIntoTheYearBefore(t *testing.T) {
	years := app.NationalYears()
	last, next := years[len(years)-1], years[len(years)-1]+1
	// Made-up dates: this test's own, not the State Council's.
	prof := loadWithCalendar(t, map[string]any{"years": []any{map[string]any{
		"year": next, "source": "测试用", "holidays": wholeYear(next, ymdOf(last, 12, 31))}}})
	c := &prof.Calendar
	var none app.Calendar
	dec30 := time.Date(last, 12, 30, 0, 0, 0, 0, cst)
	if got := c.AddWorkingDays(dec30, 1); !got.After(time.Date(next, 1, 1, 0, 0, 0, 0, cst)) {
		t.Errorf("1 working day after %v = %v: 12-31 and 01-01 are off", dec30, got)
	}
	sep30 := time.Date(last, 9, 30, 0, 0, 0, 0, cst)
	if got, want := c.AddWorkingDays(sep30, 1), none.AddWorkingDays(sep30, 1); !got.Equal(want) {
		t.Errorf("%d is the national year still: 1 working day after %v = %v, want %v", last, sep30, got, want)
	}
	if !c.Covers(next) || c.Covers(next+1) {
		t.Errorf("covers %d: %v, %d: %v", next, c.Covers(next), next+1, c.Covers(next+1))
	}
}

func TestCalendarNoticesRefused(t *testing.T) {
	for _, tc := range []struct {
		name  string
		cal   map[string]any
		field string
		want  string
	}{
		{"出了该年", map[string]any{"years": []any{map[string]any{"year": 2031, "source": "国办通知", "holidays": []any{"2030-06-01"}}}},
			"calendar.years[0].holidays[0]", "不在 2031 年的安排之内"},
		{"重复的年份", map[string]any{"source": "国办通知", "holidays": []any{"2031-01-01"},
			"years": []any{map[string]any{"year": 2031, "source": "国办通知", "holidays": []any{"2031-01-02"}}}},
			"calendar.years[0].year", "2031 年的安排重复列出"},
		{"没有出处", map[string]any{"years": []any{map[string]any{"year": 2031, "holidays": []any{"2031-01-01"}}}},
			"calendar.years[0].source", "出处"},
		{"没有放假日期", map[string]any{"years": []any{map[string]any{"year": 2031, "source": "国办通知", "holidays": []any{}}}},
			"calendar.years[0].holidays", "全部放假日期"},
		{"调休不是周末", map[string]any{"years": []any{map[string]any{"year": 2031, "source": "国办通知", "holidays": []any{"2031-01-01"}, "workdays": []any{"2031-01-02"}}}},
			"calendar.years[0].workdays[0]", "只能是周六或周日"},
		{"缺少法定节假日", map[string]any{"years": []any{map[string]any{"year": 2031, "source": "国办通知", "holidays": []any{"2030-12-31"}}}},
			"calendar.years[0].holidays", "缺少法定节假日 2031-01-01、2031-05-01、2031-10-01"},
		{"旧格式只列一天", map[string]any{"source": "国办通知", "holidays": []any{"2026-12-31", "2027-01-01"}},
			"calendar.holidays", "2026 年的安排缺少法定节假日 2026-01-01"},
		{"全年放假", map[string]any{"years": []any{map[string]any{"year": 2031, "source": "国办通知", "holidays": everyDay(2031)}}},
			"calendar.years[0].holidays", "超过 60 天"},
		{"前一年 12 月上旬", map[string]any{"years": []any{map[string]any{"year": 2031, "source": "国办通知", "holidays": wholeYear(2031, "2030-12-01")}}},
			"calendar.years[0].holidays[5]", "不在 2031 年的安排之内"},
		{"连同前后两周超过 60 天", map[string]any{"years": []any{map[string]any{"year": 2031, "source": "国办通知", "holidays": append(wholeYear(2031,
			"2030-12-25", "2030-12-26", "2030-12-27", "2030-12-28", "2030-12-29", "2030-12-30", "2030-12-31",
			"2032-01-01", "2032-01-02", "2032-01-03", "2032-01-04", "2032-01-05", "2032-01-06", "2032-01-07"), everyDay(2031)[40:82]...)}}},
			"calendar.years[0].holidays", "超过 60 天"},
		{"旧格式的年份", map[string]any{"source": "国办通知", "holidays": []any{"1999-01-01"}},
			"calendar.holidays", "1999 年不在 2000 至 2100 年之内"},
		{"未知字段", map[string]any{"years": []any{map[string]any{"year": 2031, "source": "国办通知", "holidays": []any{"2031-01-01"}, "days": []any{}}}},
			"calendar.years[0].days", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			prof, err := app.LoadProfile("sample.json", mutate(t, func(p map[string]any) { p["calendar"] = tc.cal }))
			if err == nil {
				err = prof.CheckNew()
			}
			if err == nil {
				t.Fatal("accepted")
			}
			found := false
			for _, fe := range app.FieldErrors(err) {
				if fe.Field == tc.field && strings.Contains(fe.Message, tc.want) {
					found = true
				}
			}
			if !found {
				t.Errorf("want %s: %q; got %v", tc.field, tc.want, app.FieldErrors(err))
			}
		})
	}
}

// A notice that is not a whole year's is refused when a profile is set
// (CheckNew), but a profile stored or cached before that check still loads:
// a bureau must not lose its rules on an upgrade.
func TestPartialNoticeLoadsButIsNotSet(t *testing.T) {
	prof := loadWithCalendar(t, map[string]any{"source": "国办通知", "holidays": []any{"2031-01-01", "2026-12-31"}})
	c := &prof.Calendar
	// Such a year does not count as entered (the missing-year note stays),
	// its days count where nothing better is known, and it does not
	// replace a national year.
	if c.Covers(2031) {
		t.Errorf("a one-date 2031 covers the year")
	}
	if got := c.AddWorkingDays(time.Date(2030, 12, 31, 12, 0, 0, 0, cst), 1); got.Day() != 2 {
		t.Errorf("1 working day after 2030-12-31 = %v: the stored 2031-01-01 is not used", got)
	}
	var none app.Calendar
	sep30 := time.Date(2026, 9, 30, 12, 0, 0, 0, cst)
	if got, want := c.AddWorkingDays(sep30, 1), none.AddWorkingDays(sep30, 1); !got.Equal(want) {
		t.Errorf("a one-date 2026 replaced the national year: 1 working day after %v = %v, want %v", sep30, got, want)
	}
	err := prof.CheckNew()
	if err == nil || !strings.Contains(err.Error(), "2031 年的安排缺少法定节假日 2031-05-01") {
		t.Errorf("CheckNew: %v", err)
	}
	for id, p := range MustProfiles(t) {
		if err := p.CheckNew(); err != nil {
			t.Errorf("%s: %v", id, err)
		}
	}
}

// Every profile counts working days with the national schedule, also the
// four that list no calendar of their own: a review limit that runs
// through the Spring Festival does not count its nine days off.
func TestWorkingDaysSkipNationalHolidays(t *testing.T) {
	var none app.Calendar
	// Fri 2026-02-13; Sat 02-14 is a working day; 02-15..23 off; 02-24 on.
	got := none.AddWorkingDays(time.Date(2026, 2, 13, 17, 0, 0, 0, cst), 3)
	if want := time.Date(2026, 2, 25, 0, 0, 0, 0, cst); !got.Equal(want) {
		t.Errorf("3 working days after 2026-02-13 = %v, want %v", got, want)
	}
	// Thu 2026-09-24 + 10: 09-28, 29, 30, 10-08, 09, 10 (Sat, 调休), 12..15.
	got = none.AddWorkingDays(time.Date(2026, 9, 24, 15, 0, 0, 0, cst), 10)
	if want := time.Date(2026, 10, 15, 0, 0, 0, 0, cst); !got.Equal(want) {
		t.Errorf("10 working days after 2026-09-24 = %v, want %v", got, want)
	}
	for id, p := range MustProfiles(t) {
		if got := p.Calendar.AddWorkingDays(time.Date(2026, 2, 13, 17, 0, 0, 0, cst), 3); got.Day() != 25 {
			t.Errorf("%s: 3 working days after 2026-02-13 = %v", id, got)
		}
	}
}

// A year nobody has entered counts Monday to Friday, and says so; a
// profile's calendar can enter it, and replaces the national year it lists.
func TestCalendarYearsNotLoaded(t *testing.T) {
	var none app.Calendar
	next := app.NationalYears()[len(app.NationalYears())-1] + 1
	from := time.Date(next, 3, 4, 0, 0, 0, 0, cst)
	var due time.Time
	from = from.AddDate(0, 0, int(time.Thursday-from.Weekday()+7)%7) // a Thursday
	if due = none.AddWorkingDays(from, 10); !from.AddDate(0, 0, 14).Equal(due) {
		t.Errorf("10 weekdays after %v = %v", from, due)
	}
	if !none.Estimated(from, due) {
		t.Errorf("a count through %d is not marked estimated", next)
	}
	dec31 := time.Date(next-1, 12, 28, 0, 0, 0, 0, cst)
	if !none.Estimated(dec31, none.AddWorkingDays(dec31, 10)) {
		t.Errorf("a count from December into %d is not marked estimated", next)
	}
	// A count that ends in that December too: the next year's notice may
	// move its days (the 2019 notice did).
	if !none.Estimated(dec31, dec31.AddDate(0, 0, 3)) {
		t.Errorf("a count into the December before %d is not marked estimated", next)
	}
	if nov := time.Date(next-1, 11, 10, 0, 0, 0, 0, cst); none.Estimated(nov, nov.AddDate(0, 0, 10)) {
		t.Errorf("a count inside %d's November is marked estimated", next-1)
	}

	// A bureau enters the next year (made-up dates: this test's own) and
	// changes a day of the last shipped one.
	last := next - 1
	prof := loadWithCalendar(t, map[string]any{
		"source": "测试用：国务院办公厅通知",
		"holidays": append(wholeYear(next, ymdOf(from.Year(), int(from.Month()), from.Day()+1), ymdOf(from.Year(), int(from.Month()), from.Day()+4)),
			wholeYear(last, ymdOf(last, 3, 4))...),
	})
	c := &prof.Calendar
	if !c.Covers(next) || c.Estimated(from, c.AddWorkingDays(from, 10)) {
		t.Errorf("the profile's %d is not used", next)
	}
	// Its two holidays in that year are skipped.
	if got, want := c.AddWorkingDays(from, 10), none.AddWorkingDays(from, 12); !got.Equal(want) {
		t.Errorf("10 working days after %v = %v, want %v", from, got, want)
	}
	// In the year the profile lists, only its days are holidays: the
	// national 春节 is not.
	spring := time.Time{}
	for d := time.Date(last, 1, 15, 0, 0, 0, 0, cst); d.Month() < time.March; d = d.AddDate(0, 0, 1) {
		if d.Weekday() != time.Saturday && d.Weekday() != time.Sunday && !none.AddWorkingDays(d.AddDate(0, 0, -1), 1).Equal(d) {
			spring = d
			break
		}
	}
	if spring.IsZero() {
		t.Fatalf("no weekday off in %d's January or February nationally", last)
	}
	if got := c.AddWorkingDays(spring.AddDate(0, 0, -1), 1); !got.Equal(spring) {
		t.Errorf("the profile's %d does not replace the national one: %v is off", last, spring)
	}
}

func TestCalendarMissingYears(t *testing.T) {
	var none app.Calendar
	last := app.NationalYears()[len(app.NationalYears())-1]
	for _, tc := range []struct {
		now  time.Time
		want string
	}{
		{time.Date(last, 11, 30, 12, 0, 0, 0, cst), ""},
		{time.Date(last, 12, 1, 0, 0, 0, 0, cst), itoa(last + 1)},
		{time.Date(last, 11, 30, 16, 30, 0, 0, time.UTC), itoa(last + 1)}, // 00:30 on 1 December in Beijing
		{time.Date(last+1, 3, 1, 0, 0, 0, 0, cst), itoa(last + 1)},
		{time.Date(last+1, 12, 1, 0, 0, 0, 0, cst), itoa(last+1) + "、" + itoa(last+2)},
	} {
		note := none.MissingNote(tc.now)
		if tc.want == "" {
			if note != "" {
				t.Errorf("%v: %q", tc.now, note)
			}
			continue
		}
		if !strings.Contains(note, "尚未载入 "+tc.want+" 年的法定节假日安排") || !strings.Contains(note, "规则配置") {
			t.Errorf("%v: %q, want the years %s", tc.now, note, tc.want)
		}
	}
	prof := loadWithCalendar(t, map[string]any{"source": "测试用", "holidays": wholeYear(last + 1)})
	if got := prof.Calendar.Missing(time.Date(last, 12, 10, 0, 0, 0, 0, cst)); len(got) != 0 {
		t.Errorf("the profile enters %d: missing %v", last+1, got)
	}
}

// A 调休 working day in a year whose holidays are not listed would count
// nothing: the profile is refused with a message that says what to add.
func TestCalendarWorkdayNeedsItsYear(t *testing.T) {
	data := mutate(t, func(p map[string]any) {
		p["calendar"] = map[string]any{"source": "国办通知", "workdays": []any{"2031-02-08"}}
	})
	_, err := app.LoadProfile("sample.json", data)
	if err == nil || !strings.Contains(err.Error(), "2031 年没有列出任何放假日期") {
		t.Fatalf("err %v", err)
	}
}

// A 天宁 acceptance filing due in a year nobody has entered is marked as an
// estimate; one inside a known year is not.
func TestDeadlineMarkedEstimated(t *testing.T) {
	p := MustProfiles(t)["tianning"]
	last := app.NationalYears()[len(app.NationalYears())-1]
	d := declaration(t, "天宁区智慧城管综合指挥平台", "天宁区城市管理局", "260")
	for _, tc := range []struct {
		accepted  time.Time
		estimated bool
	}{
		{time.Date(last, 9, 24, 0, 0, 0, 0, cst), false},
		{time.Date(last, 12, 28, 0, 0, 0, 0, cst), true},
		{time.Date(last+1, 3, 1, 0, 0, 0, 0, cst), true},
	} {
		events := map[string]time.Time{app.AnchorAcceptance: tc.accepted}
		found := false
		for _, dl := range p.DeadlinesFor(d, events, tc.accepted) {
			if dl.ID == "acceptance_filing" {
				found = true
				if dl.Estimated() != tc.estimated {
					t.Errorf("accepted %v: due %v estimated %v", tc.accepted, dl.Due, dl.Estimated())
				}
			}
		}
		if !found {
			t.Fatalf("no acceptance_filing deadline")
		}
	}
}

func ymdOf(y, m, d int) string {
	return time.Date(y, time.Month(m), d, 0, 0, 0, 0, cst).Format("2006-01-02")
}

// wholeYear lists the days off a notice of year y must have (元旦, 劳动节,
// 国庆节) and extra: made-up notices, this test's own.
func wholeYear(y int, extra ...string) []any {
	var out []any
	for _, md := range []string{"01-01", "05-01", "10-01", "10-02", "10-03"} {
		out = append(out, itoa(y)+"-"+md)
	}
	for _, d := range extra {
		out = append(out, d)
	}
	return out
}

// everyDay lists every day of year y.
func everyDay(y int) []any {
	var out []any
	for d := time.Date(y, 1, 1, 0, 0, 0, 0, cst); d.Year() == y; d = d.AddDate(0, 0, 1) {
		out = append(out, d.Format("2006-01-02"))
	}
	return out
}

func itoa(n int) string { return time.Date(n, 1, 1, 0, 0, 0, 0, cst).Format("2006") }

// loadWithCalendar loads minimalProfile with cal as its calendar.
func loadWithCalendar(t *testing.T, cal map[string]any) *app.Profile {
	t.Helper()
	prof, err := app.LoadProfile("sample.json", mutate(t, func(p map[string]any) { p["calendar"] = cal }))
	if err != nil {
		t.Fatal(err)
	}
	return prof
}
