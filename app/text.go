package app

import (
	"strings"
	"unicode/utf8"
)

func isBlank(s string) bool { return strings.TrimSpace(s) == "" }

func runeLen(s string) int { return utf8.RuneCountInString(s) }
