package app

import (
	"slices"
	"strings"
	"testing"
)

// The dates of a holiday notice, typed as an admin types them from the
// notice's text.
func TestParseDateList(t *testing.T) {
	for _, c := range []struct {
		in       string
		want     []string
		problems []string
	}{
		{"2027-01-01", []string{"2027-01-01"}, nil},
		{"2027/1/1, 2027.1.2、2027年1月3日", []string{"2027-01-01", "2027-01-02", "2027-01-03"}, nil},
		{"10月1日至10月3日\n5月1日", []string{"2027-05-01", "2027-10-01", "2027-10-02", "2027-10-03"}, nil},
		{"2027-10-01 至 2027-10-03；2027-10-02", []string{"2027-10-01", "2027-10-02", "2027-10-03"}, nil},
		{"2026-12-31~2027-01-01", []string{"2026-12-31", "2027-01-01"}, nil},
		{"10月1日～10月2日", []string{"2027-10-01", "2027-10-02"}, nil},
		{"2027-02-30", nil, []string{"“2027-02-30”不是日期"}},
		{"十月一日", nil, []string{"“十月一日”不是日期：请写成 2027-01-01 或 1月1日"}},
		{"10-08 至 10-01", nil, []string{"结束日期早于开始日期"}},
		{"2027-01-01 至 2027-03-01", nil, []string{"超过 31 天"}},
		{"1月1日 至", []string{"2027-01-01"}, []string{"“至”不是日期"}},
		// A day the year's notice cannot list is named as typed, not by the
		// profile's path once written (2028 typed for 2027).
		{"2028-10-01；2026-12-25；2028/1/7", []string{"2026-12-25", "2028-01-07"}, []string{"“2028-10-01”不在 2027 年的安排之内"}},
		{"2028年10月1日至2028年10月3日", nil, []string{"“2028年10月1日至2028年10月3日”不在 2027 年的安排之内"}},
	} {
		got, problems := ParseDateList(c.in, 2027)
		if !slices.Equal(got, c.want) || len(problems) != len(c.problems) {
			t.Errorf("%q: %v %q, want %v %q", c.in, got, problems, c.want, c.problems)
			continue
		}
		for i, p := range c.problems {
			if !strings.Contains(problems[i], p) {
				t.Errorf("%q: problem %q, want %q", c.in, problems[i], p)
			}
		}
	}
}

// A year's notice added to a profile file replaces that year's notice in
// either form and leaves the rest, in its order.
func TestWithCalendarYear(t *testing.T) {
	doc := []byte(`{"id":"yunan","calendar":{"holidays":["2026-01-01","2027-01-01"],"workdays":["2027-01-02"],"source":"旧通知"},"routes":[]}`)
	out, i, err := WithCalendarYear(doc, CalendarYear{Year: 2027, Source: "国办发明电〔2026〕1号", Holidays: []string{"2027-01-01"}})
	if i != 0 {
		t.Errorf("2027's notice at %d, want 0", i)
	}
	if err != nil {
		t.Fatal(err)
	}
	want := `{"id":"yunan","calendar":{"years":[{"year":2027,"source":"国办发明电〔2026〕1号","holidays":["2027-01-01"]}],"holidays":["2026-01-01"],"source":"旧通知"},"routes":[]}`
	if string(out) != want {
		t.Errorf("got  %s\nwant %s", out, want)
	}
	out, i, _ = WithCalendarYear(out, CalendarYear{Year: 2026, Source: "新", Holidays: []string{"2026-01-01"}})
	if i != 0 {
		t.Errorf("2026's notice at %d, want 0 (before 2027's)", i)
	}
	if want := `{"id":"yunan","calendar":{"years":[{"year":2026,"source":"新","holidays":["2026-01-01"]},{"year":2027,"source":"国办发明电〔2026〕1号","holidays":["2027-01-01"]}]},"routes":[]}`; string(out) != want {
		t.Errorf("got  %s\nwant %s", out, want)
	}
	out, _, _ = WithCalendarYear([]byte(`{"id":"x"}`), CalendarYear{Year: 2028, Source: "s", Holidays: []string{"2028-01-01"}})
	if want := `{"id":"x","calendar":{"years":[{"year":2028,"source":"s","holidays":["2028-01-01"]}]}}`; string(out) != want {
		t.Errorf("got  %s\nwant %s", out, want)
	}
	if _, _, err := WithCalendarYear([]byte(`[1]`), CalendarYear{Year: 2028}); ErrorCode(err) != EINVALID {
		t.Errorf("not an object: %v", err)
	}
}

// What cannot be read is told in at most 21 messages however much is sent.
func TestParseDateListBoundsItsMessages(t *testing.T) {
	_, problems := ParseDateList(strings.Repeat("x,", 32000), 2027)
	if len(problems) != maxDateProblems+1 || !strings.Contains(problems[maxDateProblems], "还有更多") {
		t.Errorf("%d messages", len(problems))
	}
}
