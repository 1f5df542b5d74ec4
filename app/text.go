package app

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// isBlank reports whether s shows nothing: spaces, and the invisible
// format characters (a zero-width space, U+200B, passed 须写明意见 as a
// comment; found from outside).
func isBlank(s string) bool {
	return strings.TrimFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) }) == ""
}

func runeLen(s string) int { return utf8.RuneCountInString(s) }

// SizeLabel formats a byte count for a Chinese message: "12.5 MB", "800 字节".
func SizeLabel(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d 字节", n)
}
