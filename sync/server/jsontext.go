package server

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"egovdesk/sync/protocol"
)

// maxJSONDepth is how deep a request's JSON may nest. The deepest request
// the API defines, a batch of bodies, is 9 deep (TestJSONDepthFitsTheAPI).
const maxJSONDepth = protocol.MaxJSONDepth

// checkJSONText checks the text of a JSON request before it is decoded:
// that it nests at most maxJSONDepth deep and that every string (keys
// included) is valid UTF-8 with neither an escaped U+0000 nor an escaped
// lone surrogate — text that encoding/json would quietly turn into U+FFFD
// while the bytes as received, which a submission's hash covers and the
// bureau stores and serves, would stay what no strict JSON parser accepts.
// It fails with an EINVALID *app.Error naming the field (its path, as
// "body.declaration.goals"). Syntax errors are left to the decoder: on
// malformed JSON it stops early and passes.
func checkJSONText(data []byte) error {
	type frame struct {
		array   bool
		index   int
		key     []byte
		wantKey bool
	}
	var stack []frame
	path := func(inKey bool) string {
		var b strings.Builder
		for _, f := range stack {
			switch {
			case f.array:
				b.WriteString("[" + strconv.Itoa(f.index) + "]")
			case f.key != nil:
				if b.Len() > 0 {
					b.WriteByte('.')
				}
				b.WriteString(clip(string(f.key), 64))
			}
		}
		if inKey {
			b.WriteString("（字段名）")
		}
		if b.Len() == 0 {
			return "（请求内容）"
		}
		return b.String()
	}
	for i := 0; i < len(data); i++ {
		switch data[i] {
		case '{', '[':
			if len(stack) >= maxJSONDepth {
				return fieldErr(path(false), fmt.Sprintf("请求内容嵌套超过 %d 层（在“%s”处）", maxJSONDepth, path(false)))
			}
			stack = append(stack, frame{array: data[i] == '[', wantKey: data[i] == '{'})
		case '}', ']':
			if len(stack) == 0 {
				return nil
			}
			stack = stack[:len(stack)-1]
		case ',':
			if len(stack) > 0 {
				if top := &stack[len(stack)-1]; top.array {
					top.index++
				} else {
					top.wantKey = true
				}
			}
		case ':':
			if len(stack) > 0 {
				stack[len(stack)-1].wantKey = false
			}
		case '"':
			end, problem := scanString(data, i+1)
			if end < 0 {
				return nil // unterminated: the decoder says so
			}
			inKey := len(stack) > 0 && !stack[len(stack)-1].array && stack[len(stack)-1].wantKey
			if inKey {
				stack[len(stack)-1].key = data[i+1 : end]
			}
			if problem != "" {
				p := path(inKey)
				return fieldErr(p, fmt.Sprintf("“%s”%s", p, problem))
			}
			i = end
		}
	}
	return nil
}

// scanString scans the JSON string whose text starts at data[i] (after the
// opening quote). It returns the index of the closing quote (-1 when there
// is none) and, when the string is not acceptable text, why, in Chinese.
func scanString(data []byte, i int) (end int, problem string) {
	for i < len(data) {
		c := data[i]
		switch {
		case c == '"':
			return i, problem
		case c == '\\':
			if i+1 >= len(data) {
				return -1, ""
			}
			if data[i+1] != 'u' {
				i += 2
				continue
			}
			r, ok := hex4(data, i+2)
			if !ok {
				return -1, "" // malformed escape: the decoder says so
			}
			i += 6
			switch {
			case r == 0:
				if problem == "" {
					problem = "含有空字符（\\u0000），请删除后重新提交"
				}
			case r >= 0xD800 && r < 0xDC00:
				if lo, ok := hex4(data, i+2); ok && i+1 < len(data) && data[i] == '\\' && data[i+1] == 'u' && lo >= 0xDC00 && lo <= 0xDFFF {
					i += 6
				} else if problem == "" {
					problem = "含有不成对的 UTF-16 代理项转义，不是有效的文字，请改正后重新提交"
				}
			case r >= 0xDC00 && r <= 0xDFFF:
				if problem == "" {
					problem = "含有不成对的 UTF-16 代理项转义，不是有效的文字，请改正后重新提交"
				}
			}
		case c < utf8.RuneSelf:
			i++
		default:
			r, size := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && size <= 1 && problem == "" {
				problem = "含有无效的 UTF-8 字节，请以 UTF-8 编码重新提交"
			}
			i += max(size, 1)
		}
	}
	return -1, ""
}

// hex4 reads the four hex digits at data[i:].
func hex4(data []byte, i int) (rune, bool) {
	if i+4 > len(data) {
		return 0, false
	}
	var r rune
	for _, c := range data[i : i+4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}
