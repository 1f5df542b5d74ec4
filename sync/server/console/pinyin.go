package console

import (
	"slices"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// byPinyin orders xs by their names as a Chinese reader looks a name up:
// in pinyin order (安乐乡 before 白沙镇 before 城关镇), not in the order
// the units were added over the years nor by code point. The collator is
// made per call: it is not safe for concurrent use, and lists are short.
func byPinyin[T any](xs []T, name func(T) string) {
	c := collate.New(language.Chinese)
	slices.SortStableFunc(xs, func(a, b T) int { return c.CompareString(name(a), name(b)) })
}
