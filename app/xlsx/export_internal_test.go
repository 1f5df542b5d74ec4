package xlsx

import (
	"strings"
	"testing"
)

// Each line of a header fits its column: a narrow header breaks where its
// head text says (信息资源 / 提供方代码), not in the middle of a word.
func TestHeadersFitTheirColumns(t *testing.T) {
	for _, cols := range [][]column{catalogueCols[:], demandCols[:], dutyCols[:], negativeCols[:]} {
		for _, c := range cols {
			if headerKey(c.header()) != headerKey(c.name) {
				t.Errorf("header %q does not read back as %q", c.header(), c.name)
			}
			for _, l := range strings.Split(c.header(), "\n") {
				if n := textLines(l, (c.width-cellMargin)/boldFactor); n != 1 {
					t.Errorf("header line %q of “%s” wraps to %d lines in width %.1f", l, c.name, n, c.width)
				}
			}
		}
	}
}

// boldFactor is how much wider bold header text is than the data cells'.
const boldFactor = 1.05

func TestTextLines(t *testing.T) {
	for _, tt := range []struct {
		s     string
		width float64
		want  int
	}{
		{"", 10, 1}, {"信息资源", 8, 1}, {"信息资源提供方代码", 8, 3}, {"11341522003612345F", 18, 1}, {"11341522003612345F", 10, 2},
	} {
		if got := textLines(tt.s, tt.width); got != tt.want {
			t.Errorf("textLines(%q, %.0f) = %d, want %d", tt.s, tt.width, got, tt.want)
		}
	}
}
