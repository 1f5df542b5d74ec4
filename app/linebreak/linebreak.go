// Package linebreak breaks Chinese text into lines the way it is typeset,
// for the printed filings (app/pdf) and the client's paragraphs (ui): the
// 禁则 of GB/T 15834-2011 《标点符号用法》 and common practice. A line may
// break between any two Chinese characters and at spaces; 句号、问号、叹号、
// 逗号、顿号、分号、冒号, the closing halves of quotation marks, brackets and
// title marks, 省略号、破折号 and 间隔号 do not start a line (so "……" and
// "——" are not split); the opening halves do not end one; a run of Latin
// letters and digits with the punctuation inside it (a date 2026-12-31, an
// amount 1,234.56, a code SM4-GCM) is not cut unless it alone is wider than
// a line.
package linebreak

import (
	"strings"
	"unicode"
)

// Marks that may not start a line, and marks that may not end one.
const (
	noLineStart = "，。、；：？！）］｝》」』】〕〗〙〛〉’”…—·・～％‰℃°" + ",.;:?!)]}>%"
	noLineEnd   = "（［｛《「『【〔〖〘〚〈‘“￥" + "([{<$¥"
)

// Closing reports whether r may not start a line.
func Closing(r rune) bool { return strings.ContainsRune(noLineStart, r) }

// Opening reports whether r may not end a line.
func Opening(r rune) bool { return strings.ContainsRune(noLineEnd, r) }

// unit is a piece of text a line may not break inside: one CJK character,
// or a run of Latin letters and digits with the punctuation inside it
// ("SM4-GCM", "0564-6012345", "99.95%"), up to and including a slash.
type unit struct {
	s     string
	first rune
	last  rune
	space bool // a run of spaces: a break opportunity that vanishes at a line end
}

func wordRune(r rune) bool {
	return r < 0x2E80 && !unicode.IsSpace(r) && r != '(' && r != ')' && !(r >= 0x2000 && r <= 0x206F) &&
		!strings.ContainsRune("（），。、；：？！", r)
}

// units splits one paragraph (no newlines) into units.
func units(s string) []unit {
	var out []unit
	rs := []rune(s)
	for i := 0; i < len(rs); {
		r := rs[i]
		j := i + 1
		switch {
		case unicode.IsSpace(r):
			// Kept as typed: an indent of two ideographic spaces is as wide
			// as two characters.
			for j < len(rs) && unicode.IsSpace(rs[j]) {
				j++
			}
			out = append(out, unit{s: string(rs[i:j]), first: r, last: rs[j-1], space: true})
			i = j
			continue
		case wordRune(r):
			// A slash ends a unit: codes and paths ("101001/000001")
			// may break after it.
			for j < len(rs) && wordRune(rs[j]) && rs[j-1] != '/' {
				j++
			}
		}
		base := rs[j-1]
		j = withMarks(rs, j)
		out = append(out, unit{s: string(rs[i:j]), first: r, last: base})
		i = j
	}
	return out
}

// withMarks returns j moved past the runes that belong to the character
// before it: combining marks, variation selectors (an ideographic
// variation sequence picks the glyph of a rare character in a name) and a
// zero-width joiner with the character it joins. No line breaks inside
// such a character.
func withMarks(rs []rune, j int) int {
	for j < len(rs) {
		switch r := rs[j]; {
		case r == '\u200d' && j+1 < len(rs):
			j += 2
		case unicode.Is(unicode.Mn, r), unicode.Is(unicode.Me, r), unicode.Is(unicode.Variation_Selector, r):
			j++
		default:
			return j
		}
	}
	return j
}

// characters splits s into its characters, each with its marks (withMarks).
func characters(s string) []unit {
	rs := []rune(s)
	var out []unit
	for i := 0; i < len(rs); {
		j := withMarks(rs, i+1)
		out = append(out, unit{s: string(rs[i:j]), first: rs[i], last: rs[i]})
		i = j
	}
	return out
}

// Wrap breaks text into lines no wider than width by measure, keeping the
// 禁则: a line that would start with a closing mark takes the last unit
// of the line before with it (推出), and an opening mark at a line's end
// moves to the next line. A word wider than a whole line is cut by
// characters; a closing mark after such a word hangs past the line's end.
// Newlines in text end lines; an empty text gives one empty line. The
// spaces at a break vanish; those that start a paragraph (an indent) stay.
// A width of 0 or less breaks at newlines only.
func Wrap(text string, width float64, measure func(string) float64) []string {
	var lines []string
	for _, para := range strings.Split(strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(text), "\n") {
		if width <= 0 {
			lines = append(lines, para)
			continue
		}
		lines = append(lines, wrapPara(para, width, measure)...)
	}
	return lines
}

func wrapPara(para string, width float64, measure func(string) float64) []string {
	us := units(para)
	// Cut words wider than a line into characters.
	for i := 0; i < len(us); i++ {
		if cut := characters(us[i].s); !us[i].space && len(cut) > 1 && measure(us[i].s) > width {
			us = append(us[:i], append(cut, us[i+1:]...)...)
		}
	}
	var lines [][]unit
	var cur []unit
	w := 0.0
	for i := 0; i < len(us); i++ {
		u := us[i]
		uw := measure(u.s)
		if len(cur) > 0 && w+uw > width && !u.space {
			if Closing(u.first) && len(trimSpace(cur)) <= 1 {
				// Nothing to take down with it (a word as wide as the
				// line): the mark hangs past the end instead (悬挂).
				cur = append(trimSpace(cur), u)
				w += uw
				continue
			}
			next := []unit{}
			// 推出: pull units down while the new line would start with a
			// closing mark or the old one would end with an opening mark.
			for len(cur) > 1 {
				last := cur[len(cur)-1]
				startsBad := Closing(u.first) && len(next) == 0 || len(next) > 0 && Closing(next[0].first)
				endsBad := Opening(last.last)
				if last.space {
					cur = cur[:len(cur)-1]
					continue
				}
				if !startsBad && !endsBad {
					break
				}
				next = append([]unit{last}, next...)
				cur = cur[:len(cur)-1]
				if !Closing(next[0].first) && !Opening(cur[len(cur)-1].last) {
					break
				}
			}
			lines = append(lines, trimSpace(cur))
			cur = append(next, u)
			w = 0
			for _, c := range cur {
				w += measure(c.s)
			}
			continue
		}
		if u.space && len(cur) == 0 && len(lines) > 0 {
			continue // no space at the start of a wrapped line
		}
		cur = append(cur, u)
		w += uw
	}
	lines = append(lines, trimSpace(cur))
	out := make([]string, len(lines))
	for i, l := range lines {
		var b strings.Builder
		for _, u := range l {
			b.WriteString(u.s)
		}
		out[i] = b.String()
	}
	return out
}

func trimSpace(us []unit) []unit {
	for len(us) > 0 && us[len(us)-1].space {
		us = us[:len(us)-1]
	}
	return us
}
