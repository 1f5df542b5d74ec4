package ui

import (
	"strings"
	"unicode"
)

// Line breaking for the paragraphs of the client (see paragraph), after
// GB/T 15834-2011 《标点符号用法》 and the usual 禁则 of Chinese typesetting:
//
//   - a line may break between any two Chinese characters;
//   - 句号、问号、叹号、逗号、顿号、分号、冒号, the closing halves of quotation
//     marks, brackets and title marks, and 省略号、破折号、连接号、间隔号 do not
//     start a line (so "……" and "——" are never split either);
//   - the opening halves of quotation marks, brackets and title marks, and a
//     currency sign, do not end a line;
//   - a run of letters, digits and the ASCII punctuation between them (a date
//     2026-12-31, an amount 1,234.56, a project code, an English word) is kept
//     on one line unless it alone is longer than a line;
//   - a space is a break, and is dropped at the start of a wrapped line.
//
// Fyne's own wrapping either breaks anywhere (TextWrapBreak: "，" and "。"
// start lines, dates are cut in two) or only at spaces (TextWrapWord, which
// Chinese text has few of).

// noLineStart holds the characters that may not begin a line.
const noLineStart = "，。、；：！？）］｝〕〉》」』】〗〙〛”’…—～·・‐–％‰℃°" +
	",.;:!?)]}%"

// noLineEnd holds the characters that may not end a line.
const noLineEnd = "（［｛〔〈《「『【〖〘〚“‘￥" + "([{$¥"

// wide reports whether r is set as a whole character of Chinese text (a Han
// character, kana, hangul, CJK or full-width punctuation): a line may break on
// either side of it.
func wide(r rune) bool {
	switch {
	case unicode.Is(unicode.Han, r), unicode.Is(unicode.Hiragana, r),
		unicode.Is(unicode.Katakana, r), unicode.Is(unicode.Hangul, r):
		return true
	case r >= 0x2E80 && r <= 0x303F, // radicals, ideographic description, CJK symbols and punctuation
		r >= 0x3200 && r <= 0x33FF, // enclosed CJK, CJK compatibility
		r >= 0xFE30 && r <= 0xFE4F, // CJK compatibility forms
		r >= 0xFF00 && r <= 0xFFEF: // half- and full-width forms
		return true
	}
	return false
}

// canBreak reports whether a line may end after text[i-1] and the next begin
// with text[i] (0 < i < len(text)).
func canBreak(text []rune, i int) bool {
	prev, next := text[i-1], text[i]
	switch {
	case unicode.IsSpace(next), unicode.IsSpace(prev):
		return true
	case strings.ContainsRune(noLineStart, next), strings.ContainsRune(noLineEnd, prev):
		return false
	case !wide(prev) && !wide(next):
		return false // inside a word, number or code
	}
	return true
}

// breakLines splits text into the lines it is shown in when a line is at most
// width wide, as measured by width(s). Line feeds in text always break; a
// break inside a paragraph drops the spaces around it. A width of 0 or less
// breaks at line feeds only.
func breakLines(text string, max float32, width func(string) float32) []string {
	var lines []string
	for _, para := range strings.Split(text, "\n") {
		if max <= 0 {
			lines = append(lines, para)
			continue
		}
		lines = append(lines, wrapParagraph([]rune(para), max, width)...)
	}
	return lines
}

// wrapParagraph breaks one paragraph (no line feeds) into lines.
func wrapParagraph(text []rune, max float32, width func(string) float32) []string {
	if len(text) == 0 || width(string(text)) <= max {
		return []string{string(text)}
	}
	var lines []string
	for low := 0; low < len(text); {
		rest := text[low:]
		fit := runesThatFit(rest, max, width)
		if fit == len(rest) {
			lines = append(lines, string(rest))
			break
		}
		end := fit
		for end > 0 && !canBreak(rest, end) {
			end--
		}
		if end == 0 { // one word longer than a line: cut it where it stops fitting
			end = max1(fit)
		}
		line := strings.TrimRightFunc(string(rest[:end]), unicode.IsSpace)
		lines = append(lines, line)
		low += end
		for low < len(text) && unicode.IsSpace(text[low]) {
			low++
		}
	}
	return lines
}

// runesThatFit returns how many of text's first runes fit in max: a binary
// search, since width is not additive (kerning, shaping).
func runesThatFit(text []rune, max float32, width func(string) float32) int {
	lo, hi := 0, len(text) // text[:lo] fits, text[:hi+1] does not (or hi == len)
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if width(string(text[:mid])) <= max {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

// max1 is n, but at least 1: a line holds at least one character, even one
// wider than the line.
func max1(n int) int {
	if n < 1 {
		return 1
	}
	return n
}
