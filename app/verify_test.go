package app

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestPrintCode(t *testing.T) {
	sum := "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
	c := PrintCode{RevisionID: "3F2A9C1E-77aa-4b1e-9a77-0c6d2b8e1f00", Revision: 2, BodySHA256: sum}
	if got, want := c.String(), "3f2a9c1e-2-9f86d081884c"; got != want {
		t.Fatalf("String() = %q, want %q", got, want)
	}
	if !strings.Contains(c.Label(), "回执 3F2A9C1E-77aa-4b1e-9a77-0c6d2b8e1f00") || !strings.Contains(c.Label(), "第 2 版") {
		t.Errorf("Label() = %q", c.Label())
	}
	p, err := ParsePrintCode(" 3F2A 9C1E-2-9F86D081884C ")
	if err != nil {
		t.Fatal(err)
	}
	if !p.Matches(c.RevisionID, 2, sum) {
		t.Errorf("parsed %+v does not match its receipt", p)
	}
	if p.Matches(c.RevisionID, 3, sum) || p.Matches("3f2a9c1f", 2, sum) || p.Matches(c.RevisionID, 2, "a"+sum[1:]) {
		t.Errorf("parsed %+v matches another revision, ID or body", p)
	}
	// Short revision IDs (tests, other clients) print whole.
	if got := (PrintCode{RevisionID: "r1", Revision: 1, BodySHA256: sum}).String(); got != "r1-1-9f86d081884c" {
		t.Errorf("short ID: %q", got)
	}
	for _, bad := range []string{"", "abc", "3f2a9c1e-x-9f86d081884c", "3f2a9c1e-0-9f86d081884c",
		"3f2a9c1e-2-9f86d08188", "3f2a9c1e-2-9f86d081884g", "-2-9f86d081884c", "3f2a9c1e00-2-9f86d081884c"} {
		if _, err := ParsePrintCode(bad); ErrorCode(err) != EINVALID {
			t.Errorf("ParsePrintCode(%q) = %v, want EINVALID", bad, err)
		}
	}
}

// A code comes as a reviewer has it: with the footer's 核验码 before it,
// the whole footer line copied from the PDF, the address a QR code reader
// shows, or typed in an input method's full-width mode. Each is read as
// the code it carries; a 核验码 pasted with its label was refused (a
// walkthrough).
func TestPrintCodeAsAReviewerHasIt(t *testing.T) {
	c := PrintCode{RevisionID: "3F2A9C1E-77aa-4b1e-9a77-0c6d2b8e1f00", Revision: 2,
		BodySHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}
	tricky := PrintCode{RevisionID: "3f2a9c1e-0001-4b1e-9777-0c6d2b8e1f00", Revision: 3, BodySHA256: c.BodySHA256}
	for _, in := range []string{
		"核验码 3f2a9c1e-2-9f86d081884c",
		"核验码：3F2A9C1E-2-9F86D081884C。",
		c.Label(),
		"https://bureau.example.gov.cn/console/verify?code=3f2a9c1e-2-9f86d081884c",
		"３ｆ２ａ９ｃ１ｅ－２－９ｆ８６ｄ０８１８８４ｃ",
		"3f2a9c1e—2—9f86d081884c",
	} {
		p, err := ParsePrintCode(in)
		if err != nil || p.String() != c.String() {
			t.Errorf("ParsePrintCode(%q) = %v, %v; want %s", in, p, err, c)
		}
	}
	// The receipt in the label, whose UUID has a group of digits and ends
	// in 12 hex digits, is not read before the code.
	if p, err := ParsePrintCode(tricky.Label()); err != nil || p.String() != tricky.String() {
		t.Errorf("the label %q read as %v, %v", tricky.Label(), p, err)
	}
}

// TestPrintCodeErrorQuotesSafely: a refused code is quoted as valid UTF-8
// and cut short, whatever bytes or length were typed or scanned.
func TestPrintCodeErrorQuotesSafely(t *testing.T) {
	for _, in := range []string{"\xff\xfe", strings.Repeat("a", 5000)} {
		_, err := ParsePrintCode(in)
		msg := ErrorMessage(err)
		if ErrorCode(err) != EINVALID || !utf8.ValidString(msg) || utf8.RuneCountInString(msg) > 120 {
			t.Errorf("ParsePrintCode(%.20q): %q", in, msg)
		}
	}
}
