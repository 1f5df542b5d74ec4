package app

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"golang.org/x/text/width"
)

// Money is an exact amount in fen (分, 1/100 yuan). Amounts are never floats.
// Users see and type 万元 (10,000 yuan); 1 万元 = 1,000,000 分.
//
// In JSON it is an integer number of fen, encoded and decoded as the int64
// it is: encoding/json then rejects fractions, exponents, strings and
// numbers out of range with an *json.UnmarshalTypeError naming the field
// (see jsonProblem), and writes the same digits strconv.AppendInt does, so
// canonical bodies and their hashes are as they were with the MarshalJSON
// and UnmarshalJSON it used to have (which cost the bureau a second JSON
// decode per amount).
type Money int64

// Money units.
const (
	Fen  Money = 1
	Yuan Money = 100
	Wan  Money = 1_000_000 // 万元
)

// Wans returns n 万元 as Money.
func Wans(n int64) Money { return Money(n) * Wan }

// ParseWan parses an amount in 万元 as typed by a user: "120", "99.5",
// "1,200.123456", also in full-width forms ("１２０", "１，２００．５") and
// with the Chinese full stop for the point ("12。5"), as an input method
// types them: "５００" was refused as not a number (found in the console). At
// most six decimals are allowed, which is exactly one fen. It fails with an
// EINVALID *Error in Chinese.
func ParseWan(s string) (Money, error) { return parseDecimal(s, 6, "万元") }

// ParseYuan parses an amount in 元 with at most two decimals. It fails with
// an EINVALID *Error in Chinese.
func ParseYuan(s string) (Money, error) { return parseDecimal(s, 2, "元") }

// AsTyped returns the number s as an input method may type it in ASCII:
// full-width digits, point, comma and sign (１２，３４５．５％) narrowed, and
// the Chinese full stop read as the point (12。5). The console refused ５００
// as a 核定金额, and a trial report's ９９．９５ as a percentage.
func AsTyped(s string) string {
	return width.Narrow.String(strings.ReplaceAll(strings.TrimSpace(s), "。", "."))
}

func parseDecimal(s string, scale int, unit string) (Money, error) {
	t := AsTyped(s)
	t = strings.TrimSuffix(t, unit)
	t = strings.TrimSpace(t)
	if t == "" {
		return 0, Errorf(EINVALID, "请填写金额（单位：%s）", unit)
	}
	neg := false
	if t[0] == '-' {
		neg, t = true, t[1:]
	}
	whole, frac, hasDot := strings.Cut(t, ".")
	// A comma is a thousands separator, where one goes (1,000.5): "1,2"
	// or "1,23" was read as 12 or 123, ten or a hundred times what was
	// meant, without a word (found in a clerk's walkthrough).
	if strings.Contains(whole, ",") {
		if !thousands(whole) {
			return 0, Errorf(EINVALID, "“%s”中的逗号位置不对：千位分隔符每三位一个（如 1,000.5），也可以不写逗号", s)
		}
		whole = strings.ReplaceAll(whole, ",", "")
	}
	if whole == "" && !hasDot || whole == "" && frac == "" || !digits(whole) || !digits(frac) {
		return 0, Errorf(EINVALID, "“%s”不是有效金额：只能填写数字和小数点（单位：%s）", s, unit)
	}
	if len(frac) > scale {
		return 0, Errorf(EINVALID, "“%s”小数位过多：以%s为单位时最多 %d 位小数", s, unit, scale)
	}
	frac += strings.Repeat("0", scale-len(frac))
	if len(whole)+scale > 17 {
		return 0, Errorf(EINVALID, "“%s”金额过大", s)
	}
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil {
		return 0, Errorf(EINVALID, "“%s”不是有效金额", s)
	}
	// scale 6 is 万元 → fen already; scale 2 is 元 → fen already.
	m := Money(n)
	if neg {
		m = -m
	}
	return m, nil
}

// ParseCount reads a whole number as people write one (users, minutes,
// calls): digits, with commas between groups of three (12,345) or none;
// "" is 0. A comma elsewhere is refused: "1,2" was read as 12.
func ParseCount(s string) (int64, error) {
	t := AsTyped(s)
	if t == "" {
		return 0, nil
	}
	if strings.Contains(t, ",") {
		if !thousands(t) {
			return 0, Errorf(EINVALID, "“%s”中的逗号位置不对：千位分隔符每三位一个（如 12,345），也可以不写逗号", s)
		}
		t = strings.ReplaceAll(t, ",", "")
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil {
		return 0, Errorf(EINVALID, "“%s”不是整数", s)
	}
	return n, nil
}

// thousands reports whether s is digits grouped by commas in threes, the
// first group of one to three: 1,000 or 12,345,678.
func thousands(s string) bool {
	groups := strings.Split(s, ",")
	for i, g := range groups {
		if !digits(g) || g == "" || len(g) > 3 || i > 0 && len(g) != 3 {
			return false
		}
	}
	return true
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// WanString formats m in 万元 without the unit, with no trailing zeros
// ("120", "99.5", "0.000001").
func (m Money) WanString() string { return formatDecimal(int64(m), 6) }

// YuanString formats m in 元 with two decimals ("1200000.00").
func (m Money) YuanString() string {
	s := formatDecimal(int64(m), 2)
	whole, frac, _ := strings.Cut(s, ".")
	return whole + "." + (frac + "00")[:2]
}

// String formats m for people as the screens write amounts, with a space
// before the unit: "120 万元".
func (m Money) String() string { return m.WanString() + " 万元" }

func formatDecimal(n int64, scale int) string {
	neg := n < 0
	u := uint64(n)
	if neg {
		u = uint64(-n)
	}
	p := uint64(1)
	for i := 0; i < scale; i++ {
		p *= 10
	}
	whole, frac := u/p, u%p
	s := strconv.FormatUint(whole, 10)
	if frac != 0 {
		f := fmt.Sprintf("%0*d", scale, frac)
		s += "." + strings.TrimRight(f, "0")
	}
	if neg {
		s = "-" + s
	}
	return s
}

// addMoney returns a+b, saturated at the bounds of int64: a sum of lines
// that no validation has bounded yet (each line is at most MaxAmount once
// valid) must not wrap round to a plausible total.
func addMoney(a, b Money) Money {
	s := a + b
	switch {
	case a > 0 && b > 0 && s < 0:
		return math.MaxInt64
	case a < 0 && b < 0 && s >= 0:
		return math.MinInt64
	}
	return s
}
