package console

import (
	"context"
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

// unitsByName returns the bureau's units in the order of their names'
// pinyin, as the pages' unit filters offer them.
func (c *Console) unitsByName(ctx context.Context) ([]Unit, error) {
	units, err := c.b.Units(ctx)
	if err != nil {
		return nil, err
	}
	byPinyin(units, func(u Unit) string { return u.Name })
	return units, nil
}
