package app

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// creditAlphabet is the character set of GB 32100-2015 with the value of each
// character as its index (I, O, S, V and Z are not used).
const creditAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

var creditWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// ValidCreditCode reports whether s is a unified social credit code
// (统一社会信用代码) of the form GB 32100-2015 sets; see CreditCodeProblem.
func ValidCreditCode(s string) bool { return CreditCodeProblem(s) == "" }

// CreditCodeProblem checks the form of a unified social credit code
// (统一社会信用代码, GB 32100-2015): 18 characters of the code's alphabet
// (digits and capital letters without I, O, S, V, Z), an administrative
// division code (6 digits) in places 3 to 8, and the check character in
// place 18. It returns "" when s has that form, else a Chinese phrase saying
// what is wrong, to follow “统一社会信用代码“…”无效：”. It is the one check of
// such codes: the declaration's 建设单位, the bureau's units and the
// catalogue workbook's 提供方代码 use it.
func CreditCodeProblem(s string) string {
	rs := []rune(s)
	if len(rs) != 18 {
		return fmt.Sprintf("应为 18 位，现为 %d 位", len(rs))
	}
	sum := 0
	for i, r := range rs[:17] {
		v := strings.IndexRune(creditAlphabet, r)
		switch {
		case v < 0 && r >= 'a' && r <= 'z':
			return fmt.Sprintf("第 %d 位“%c”应为大写字母", i+1, r)
		case v < 0:
			return fmt.Sprintf("第 %d 位“%c”不是统一社会信用代码使用的字符（只用半角数字和除 I、O、S、V、Z 以外的大写字母）", i+1, r)
		case i >= 2 && i <= 7 && v > 9:
			return "第 3 至 8 位应为登记管理机关的行政区划代码（6 位数字）"
		}
		sum += v * creditWeights[i]
	}
	if want := rune(creditAlphabet[(31-sum%31)%31]); rs[17] != want {
		return "第 18 位校验位不符，代码中可能有字符输错，请逐位核对"
	}
	return ""
}

// NormalizeCode reads a code as a clerk may type it — a credit code, a
// provider code, a region code, a resource code (101001/000001) — through
// an input method left in full-width mode (９１３２０１…), in small letters,
// or grouped with spaces, and returns it as codes are kept: half-width,
// capital letters, no spaces. It returns false, and s as it was, when what
// is left is not made of ASCII letters, digits, hyphens and slashes only
// (a name typed into the wrong field stays for the clerk to see). Such codes were refused with
// “只用半角数字…” though nothing was wrong but the width.
func NormalizeCode(s string) (string, bool) {
	if resourceCodes(s) > 1 {
		// 101001/000001 101001/000002: two codes with a space between,
		// not one to glue together.
		return s, false
	}
	t := strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, width.Narrow.String(s))
	t = strings.ToUpper(t)
	if t == "" {
		return s, false
	}
	for i := 0; i < len(t); i++ {
		if c := t[i]; !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c == '-' || c == '/') {
			return s, false
		}
	}
	return t, true
}

// resourceCodes counts the parts of s between spaces that hold a slash, as
// a resource code does (101001/000001).
func resourceCodes(s string) int {
	n := 0
	for _, f := range strings.Fields(width.Narrow.String(s)) {
		if strings.Contains(f, "/") {
			n++
		}
	}
	return n
}

// ProviderCodeProblem checks a 信息资源提供方代码: a code of 18 characters,
// or one of 15 to 20 letters and digits, is taken for a 统一社会信用代码 and
// must have its form (CreditCodeProblem); other codes are the province's
// own institution codes (省定机构代码), whose form is not known here. It
// returns "" or what is wrong.
func ProviderCodeProblem(v string) string {
	v = strings.TrimSpace(v)
	n := utf8.RuneCountInString(v)
	if n != 18 && (n < 15 || n > 20 || !alnum(v)) {
		return ""
	}
	if why := CreditCodeProblem(v); why != "" {
		return "不是有效的统一社会信用代码：" + why
	}
	return ""
}

func alnum(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z') {
			return false
		}
	}
	return true
}
