package app

import (
	"reflect"
	"strconv"
	"strings"
	"time"
)

// CompareRemarkPaths orders two remarks' field paths (goals,
// budget[2].amount) of a filing of kind k as the document reads: fields
// in the order the form has them, rows by number (budget[10] after
// budget[9]). Remarks were listed by their paths' letters: 投资概算 before
// 建设目标, 问题 before 功能模块 (found in a reviewer's walkthrough).
func CompareRemarkPaths(k Kind, a, b string) int {
	t := contentType(k)
	as, bs := splitRemarkPath(a), splitRemarkPath(b)
	for i := range min(len(as), len(bs)) {
		x, y := as[i], bs[i]
		if x == y {
			t = stepType(t, x)
			continue
		}
		xn, xerr := strconv.Atoi(x)
		yn, yerr := strconv.Atoi(y)
		if xerr == nil && yerr == nil {
			return xn - yn
		}
		if xi, yi := fieldIndex(t, x), fieldIndex(t, y); xi >= 0 && yi >= 0 {
			return xi - yi
		}
		return strings.Compare(x, y)
	}
	return len(as) - len(bs)
}

// CompareBodyPaths orders two paths of a body's JSON (as a revision's
// changes name them: "declaration.budget.2.amount") as the form reads,
// like CompareRemarkPaths: fields in the form's order, rows by number, a
// row taken out ("declaration.budget.~2", AlignRows) before the row now in
// its place. Changes were listed by their paths' letters: 代码 before 名称,
// 投资概算 before 建设目标.
func CompareBodyPaths(a, b string) int {
	t := reflect.TypeFor[Body]()
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := range min(len(as), len(bs)) {
		x, y := as[i], bs[i]
		if x == y {
			t = stepType(t, strings.TrimPrefix(x, "~"))
			continue
		}
		xn, xerr := strconv.Atoi(strings.TrimPrefix(x, "~"))
		yn, yerr := strconv.Atoi(strings.TrimPrefix(y, "~"))
		switch {
		case xerr == nil && yerr == nil && xn != yn:
			return xn - yn
		case xerr == nil && yerr == nil && strings.HasPrefix(x, "~") != strings.HasPrefix(y, "~"): // the same row, one taken out
			if strings.HasPrefix(x, "~") {
				return -1
			}
			return 1
		case xerr == nil && yerr == nil:
			return strings.Compare(x, y) // "1" and "01": not from a body
		}
		if i == 0 && (x == "attachments" || y == "attachments") {
			if x == "attachments" { // the form's last section, after the content
				return 1
			}
			return -1
		}
		// Fields the form has, in its order, then any others (of an
		// older or newer body) by their letters: an order, whatever the
		// mix (unknown fields compared by letters among known ones made
		// a cycle; found in review).
		xi, yi := fieldIndex(t, x), fieldIndex(t, y)
		switch {
		case xi >= 0 && yi >= 0:
			return xi - yi
		case xi >= 0:
			return -1
		case yi >= 0:
			return 1
		}
		return strings.Compare(x, y)
	}
	return len(as) - len(bs)
}

// splitRemarkPath splits budget[2].amount into budget, 2, amount.
func splitRemarkPath(p string) []string {
	return strings.FieldsFunc(p, func(r rune) bool { return r == '.' || r == '[' || r == ']' })
}

// contentType is the struct type of kind k's content, nil for none.
func contentType(k Kind) reflect.Type {
	f, err := NewFiling(k, "x", "x", "x", time.Time{})
	if err != nil {
		return nil
	}
	b := f.Body()
	_, c := b.content()
	if c == nil {
		return nil
	}
	return deref(reflect.TypeOf(c))
}

// stepType is the type below field or row seg of t (nil when unknown).
func stepType(t reflect.Type, seg string) reflect.Type {
	if t == nil {
		return nil
	}
	if t.Kind() == reflect.Slice {
		if _, err := strconv.Atoi(seg); err == nil {
			return deref(t.Elem())
		}
		return nil
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	if i := fieldIndex(t, seg); i >= 0 {
		return deref(t.Field(i).Type)
	}
	return nil
}

// fieldIndex is the index of the field of struct t that JSON names name,
// -1 when there is none.
func fieldIndex(t reflect.Type, name string) int {
	if t == nil || t.Kind() != reflect.Struct {
		return -1
	}
	for i := range t.NumField() {
		sf := t.Field(i)
		tag, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if tag == "" {
			tag = sf.Name
		}
		if sf.IsExported() && tag == name {
			return i
		}
	}
	return -1
}

func deref(t reflect.Type) reflect.Type {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}
