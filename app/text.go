package app

import (
	"errors"
	"strings"
	"unicode/utf8"
)

func isBlank(s string) bool { return strings.TrimSpace(s) == "" }

func runeLen(s string) int { return utf8.RuneCountInString(s) }

func asErr[T error](err error, target *T) bool { return errors.As(err, target) }
