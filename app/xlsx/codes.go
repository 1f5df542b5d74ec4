package xlsx

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/xuri/excelize/v2"

	"egovdesk/app"
)

// halfWidth maps full-width ASCII forms (Ａ, １, ／, （, ；) and the
// ideographic space to their half-width forms.
func halfWidth(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			return r - 0xFEE0
		case r == 0x3000:
			return ' '
		}
		return r
	}, s)
}

// normCode normalises a code cell ("１０１００１／０００００１ ") to its
// half-width form without any space.
func normCode(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, halfWidth(s))
}

// key normalises a label for lookup: half-width, no spaces, lower case.
func key(s string) string { return strings.ToLower(normCode(s)) }

// cleanText trims a free-text cell, full-width spaces included.
func cleanText(s string) string { return strings.TrimFunc(s, unicode.IsSpace) }

// lookup is a label→code table of one code set, accepting the label, the
// code and any aliases.
type lookup struct {
	byKey map[string]string
	want  string // the labels, for messages: "字符型C、数值型N…"
}

func newLookup(cs []app.Choice, aliases map[string]string) lookup {
	l := lookup{byKey: make(map[string]string), want: strings.Join(labels(cs), "、")}
	for _, c := range cs {
		l.byKey[key(c.Code)] = c.Code
		l.byKey[key(c.Label)] = c.Code
	}
	for a, code := range aliases {
		l.byKey[key(a)] = code
	}
	return l
}

// code returns the code of cell s, or false when s is not in the set.
func (l lookup) code(s string) (string, bool) {
	c, ok := l.byKey[key(s)]
	return c, ok
}

var (
	formatClasses   = newLookup(app.FormatClassChoices, map[string]string{"7": "0", "服务接口": "0"})
	shareTypes      = newLookup(app.ShareTypeChoices, map[string]string{"无条件": "1", "有条件": "2", "不予": "3", "不共享": "3"})
	shareModeClass  = newLookup(app.ShareModeClassChoices, map[string]string{"共享平台": "1", "邮件": "2", "介质": "3"})
	shareModeTypes  = newLookup(app.ShareModeTypeChoices(app.ShareViaPlatform), nil)
	updateCycles    = newLookup(app.UpdateCycleChoices, map[string]string{"其他": "8"})
	demandUsages    = newLookup(app.DemandUsageChoices, map[string]string{"接口调用": "api", "库表交换": "table", "1": "api", "2": "table", "3": "file"})
	negativeClasses = newLookup(app.NegativeCategoryChoices, map[string]string{"1": "not_share", "2": "not_open", "不共享": "not_share", "不开放": "not_open"})
	dataTypes       = dataTypeLookup()
	formatTypes     = formatTypeLookups()
	openValues      = map[string]bool{"是": true, "开放": true, "y": true, "yes": true, "true": true, "1": true,
		"否": false, "不开放": false, "n": false, "no": false, "false": false, "0": false}
)

// dataTypeLookup accepts "字符型C", "字符型", "C" and "c".
func dataTypeLookup() lookup {
	aliases := make(map[string]string)
	for _, c := range app.DataTypeChoices {
		aliases[strings.TrimSuffix(c.Label, c.Code)] = c.Code
	}
	return newLookup(app.DataTypeChoices, aliases)
}

// formatTypeLookups returns a lookup per format class with a type list; the
// numeric codes (203) and labels (xlsx, XLSX, "sql server") are accepted,
// and the names clerks write for the two domestic databases (the guide's
// "Dm", 达梦, 金仓).
func formatTypeLookups() map[app.FormatClass]lookup {
	aliases := map[app.FormatClass]map[string]string{
		app.FormatDatabase: {"Dm": "301", "达梦": "301", "DM8": "301", "金仓": "302", "人大金仓": "302"},
	}
	m := make(map[app.FormatClass]lookup)
	for _, c := range app.FormatClassChoices {
		if cs := app.FormatTypeChoices(app.FormatClass(c.Code)); cs != nil {
			m[app.FormatClass(c.Code)] = newLookup(cs, aliases[app.FormatClass(c.Code)])
		}
	}
	return m
}

// parseDate reads a date cell: text such as 2027-03-01, 2027/3/1, 2027.3.1,
// 2027年3月1日 or 20270301, or an Excel date serial (46082). It returns the
// date as YYYY-MM-DD, or false.
func parseDate(s string, date1904 bool) (string, bool) {
	s = normCode(s)
	if len(s) == 8 && digitsOnly(s) {
		return app.NormalizeDate(s)
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		if math.IsNaN(f) || f < 1 || f > 109574 { // 109574 is 2199-12-31
			return "", false
		}
		t, err := excelize.ExcelDateToTime(f, date1904)
		if err != nil {
			return "", false
		}
		return t.Format(time.DateOnly), true
	}
	return app.NormalizeDate(s) // the forms people write, as the editor reads them
}

func digitsOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// parseLength reads a data length: a whole number such as 18 or 18.0.
func parseLength(s string) (int, bool) {
	s = normCode(s)
	if n, err := strconv.Atoi(s); err == nil {
		return n, n >= 0
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != math.Trunc(f) || f < 0 || f > 1<<30 {
		return 0, false
	}
	return int(f), true
}

// splitList splits a cell of several codes or item names on ；;，,、 and
// line breaks, dropping blanks.
func splitList(s string) []string {
	fs := strings.FieldsFunc(halfWidth(s), func(r rune) bool { return strings.ContainsRune(";,、\n\r", r) })
	var out []string
	for _, f := range fs {
		if f = cleanText(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// quoted shows a cell value in a message, shortened when long.
func quoted(s string) string {
	if r := []rune(s); len(r) > 30 {
		s = string(r[:30]) + "…"
	}
	return fmt.Sprintf("“%s”", s)
}
