package app

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"golang.org/x/text/width"
)

// PrintCode is what a printed filing carries so that a paper copy can be
// checked against what the bureau received: the bureau's receipt (the
// revision ID the receipt acknowledges), the revision number and the body's
// SHA-256. Its String form is the code printed in every page's footer and
// in the QR code, short enough to be typed from paper:
//
//	3f2a9c1e-2-9f86d081884c
//
// the first 8 characters of the revision ID without dashes, the revision
// number, and the first 12 hex digits (48 bits) of the body's SHA-256.
type PrintCode struct {
	RevisionID string // the full ID when made from a receipt; the 8-character prefix when parsed
	Revision   int
	BodySHA256 string // the full hash when made from a receipt; the 12-digit prefix when parsed
}

// Lengths of the parts of a printed verification code.
const (
	printCodeIDLen     = 8
	printCodeDigestLen = 12
)

// CodeID returns the revision part of a printed code for revision ID id:
// its first 8 characters without dashes, in lower case.
func CodeID(id string) string {
	s := strings.ToLower(strings.ReplaceAll(id, "-", ""))
	if len(s) > printCodeIDLen {
		s = s[:printCodeIDLen]
	}
	return s
}

// String returns the code as printed.
func (c PrintCode) String() string {
	d := strings.ToLower(c.BodySHA256)
	if len(d) > printCodeDigestLen {
		d = d[:printCodeDigestLen]
	}
	return CodeID(c.RevisionID) + "-" + strconv.Itoa(c.Revision) + "-" + d
}

// Digest returns the short digest of the body as printed.
func (c PrintCode) Digest() string {
	d := strings.ToLower(c.BodySHA256)
	if len(d) > printCodeDigestLen {
		d = d[:printCodeDigestLen]
	}
	return d
}

// Matches reports whether the code c, as parsed from paper, names the
// revision id with number rev and body hash sum.
func (c PrintCode) Matches(id string, rev int, sum string) bool {
	return c.Revision == rev && CodeID(id) == c.RevisionID &&
		strings.HasPrefix(strings.ToLower(sum), c.BodySHA256)
}

// ParsePrintCode reads a code typed or scanned from paper: spaces are
// ignored and letters may be in either case. The code may come with what
// surrounds it on the page (核验码：…, the whole footer line copied from a
// PDF, the address a QR code reader shows) and typed through an input
// method's full-width mode (３ｆ２ａ…－２－…): a reviewer who pasted
// 核验码 3f2a9c1e-2-… was told the code was malformed (a walkthrough). The
// first code in the text is read. It fails with an EINVALID *Error in
// Chinese that says what the code should look like.
func ParsePrintCode(s string) (PrintCode, error) {
	t := strings.ToLower(strings.Join(strings.Fields(width.Fold.String(s)), ""))
	t = dashes.Replace(t)
	m := printCodePattern.FindStringSubmatch(t)
	if m == nil {
		return PrintCode{}, Errorf(EINVALID, "核验码“%s”格式不正确：应为页脚“核验码”后的三段，如 3f2a9c1e-2-9f86d081884c", echoCode(s))
	}
	n, err := strconv.Atoi(m[2])
	if err != nil || n < 1 {
		return PrintCode{}, Errorf(EINVALID, "核验码“%s”的第二段（版本号）应为从 1 起的数字，如 3f2a9c1e-2-9f86d081884c", echoCode(s))
	}
	return PrintCode{RevisionID: m[1], Revision: n, BodySHA256: m[3]}, nil
}

// printCodePattern finds a printed code in text folded to lower case
// without spaces: the revision part (1 to 8 letters or digits), the
// revision number and the 12 hex digits of the digest, each part whole
// (not the tail of a longer run of letters and digits).
var printCodePattern = regexp.MustCompile(`(?:^|[^0-9a-z])([0-9a-z]{1,8})-([0-9]{1,9})-([0-9a-f]{12})(?:$|[^0-9a-z])`)

// dashes are the dashes an input method or a PDF copy may give for '-'.
var dashes = strings.NewReplacer("‐", "-", "‑", "-", "‒", "-", "–", "-", "—", "-", "―", "-", "−", "-",
	string(rune(0x30FC)), "-") // the long-vowel mark a Japanese IME gives for a dash; no text of ours shows it

// Label returns the line a page footer carries: the code, and the receipt,
// revision and digest it is made of, for a reader without a scanner.
func (c PrintCode) Label() string {
	return fmt.Sprintf("核验码 %s（回执 %s，第 %d 版，正文摘要 %s）", c, c.RevisionID, c.Revision, c.Digest())
}

// echoCode is what a refused code is quoted as: valid UTF-8, at most 40
// characters, as typed or scanned text may be neither.
func echoCode(s string) string {
	s = strings.ToValidUTF8(s, "?")
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}
