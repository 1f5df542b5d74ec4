package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"egovdesk/app"
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
func checkJSONText(data []byte) error { return checkJSON(data, nil) }

// checkJSON is checkJSONText that also checks the object keys against t,
// the Go type the request decodes into, when t is not nil: every key of a
// struct's object must be one of its JSON field names exactly, and at most
// once. encoding/json would match "Project_Name" to project_name and take
// the last of two "project_name"s, while the bytes, stored and served as
// received, would say something else to a stricter reader. A
// json.RawMessage inside the request (a submission's body) is skipped:
// checkBodyKeys checks each body, text and keys, on its own, so that a batch
// refuses only that submission.
func checkJSON(data []byte, t reflect.Type) error {
	type frame struct {
		array   bool
		index   int
		key     []byte
		wantKey bool
		fields  *jsonFields  // the struct of this object, or nil: keys unchecked
		elem    reflect.Type // the type of this array's elements or map's values
		next    reflect.Type // the type of the value after the current key
		seen    [2]uint64    // fields seen, by index (a struct has at most 128)
		limit   arrayLimit   // of this array (arrayLimitOf)
	}
	stack := make([]frame, 0, maxJSONDepth)
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
	// valueType is the type of the value that starts now.
	t = jsonShape(t)
	valueType := func() reflect.Type {
		if len(stack) == 0 {
			return t
		}
		top := &stack[len(stack)-1]
		if top.array || top.fields == nil {
			return top.elem
		}
		return top.next
	}
	for i := 0; i < len(data); i++ {
		switch data[i] {
		case '{', '[':
			if len(stack) >= maxJSONDepth {
				return fieldErr(path(false), fmt.Sprintf("请求内容嵌套超过 %d 层（在“%s”处）", maxJSONDepth, path(false)))
			}
			vt := valueType() // shaped already (jsonShape)
			if vt == rawMessage && len(stack) > 0 {
				// A submission's body: checkBodyKeys checks it on its own.
				i = skipValue(data, i) - 1
				continue
			}
			f := frame{array: data[i] == '[', wantKey: data[i] == '{'}
			if vt != nil && vt != rawMessage {
				switch {
				case f.array && (vt.Kind() == reflect.Slice || vt.Kind() == reflect.Array):
					f.elem = jsonShape(vt.Elem())
					f.limit = arrayLimitOf(vt)
				case !f.array && vt.Kind() == reflect.Struct:
					f.fields = fieldsOf(vt)
				case !f.array && vt.Kind() == reflect.Map:
					f.elem = jsonShape(vt.Elem())
				}
			}
			stack = append(stack, f)
		case '}', ']':
			if len(stack) == 0 {
				return nil
			}
			stack = stack[:len(stack)-1]
		case ',':
			if len(stack) > 0 {
				if top := &stack[len(stack)-1]; top.array {
					if top.index++; top.limit.max > 0 && top.index >= top.limit.max {
						if top.limit.msg == "" {
							p := strings.TrimSuffix(path(false), "["+strconv.Itoa(top.index)+"]") // the list, not its item
							return fieldErr(p, fmt.Sprintf("“%s”最多 %d 项，请精简或分成几份材料提交", p, top.limit.max))
						}
						return app.Errorf(app.ETOOLARGE, top.limit.msg, top.limit.max)
					}
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
				top := &stack[len(stack)-1]
				top.key = data[i+1 : end]
				if problem == "" && top.fields != nil {
					if msg := top.fields.check(top.key, &top.seen, &top.next); msg != "" {
						p := path(false)
						return fieldErr(p, fmt.Sprintf("“%s”%s", p, msg))
					}
				}
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

// arrayLimit bounds the elements of an array of a request: more are
// refused (413, msg with the bound) as checkJSON meets them, before
// anything is decoded.
type arrayLimit struct {
	max int
	msg string
}

// arrayLimitOf is the bound of an array of Go type t. Elements cost much
// more decoded than received (found from outside: a 4 MiB batch of 1.4
// million empty submissions, "{}", took 670 MB to decode before its count
// was checked; 16 such requests of one clerk, 7.5 GB; 1.4 million empty
// attachments in one body took 3 GiB and answered 138 MB of problems), so
// a batch holds at most protocol.MaxBatch submissions (413) and every
// other array of a known type — a filing body's lists included
// (checkBodyKeys) — at most app.MaxListItems (422, naming it).
func arrayLimitOf(t reflect.Type) arrayLimit {
	if t == submissionsType {
		return arrayLimit{protocol.MaxBatch, "一次最多提交 %d 份材料，请分批提交"}
	}
	return arrayLimit{max: app.MaxListItems}
}

var submissionsType = reflect.TypeFor[[]protocol.SubmitRequest]()

// bodyType is what a submission's body decodes into.
var bodyType = reflect.TypeFor[app.Body]()

// checkBodyKeys checks the keys of a submission's body (see checkJSON),
// naming the field as "body.<path>".
func checkBodyKeys(body []byte) error {
	err := checkJSON(body, bodyType)
	if err == nil {
		return nil
	}
	fe := app.FieldErrors(err)
	for i := range fe {
		fe[i].Field = "body." + fe[i].Field
		fe[i].Message = strings.Replace(fe[i].Message, "“", "“body.", 1)
	}
	if len(fe) == 1 {
		return fieldErr(fe[0].Field, fe[0].Message)
	}
	return err
}

// jsonShape returns t without pointers, or nil when its JSON is not its
// Go shape (it decodes itself, or is an interface); json.RawMessage stays
// itself: checkJSON skips it.
func jsonShape(t reflect.Type) reflect.Type {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == rawMessage {
		return t
	}
	if t == nil || t.Kind() == reflect.Interface || t.Implements(unmarshaler) || reflect.PointerTo(t).Implements(unmarshaler) {
		return nil
	}
	return t
}

var (
	rawMessage  = reflect.TypeFor[json.RawMessage]()
	unmarshaler = reflect.TypeFor[json.Unmarshaler]()
)

// jsonFields are the JSON field names of a struct type.
type jsonFields struct {
	index map[string]int // exact name → index
	names []string
	types []reflect.Type // shaped (jsonShape)
}

// check checks key, raw as in the request, against the fields: it marks
// the field seen and sets next to its type, or returns why it is refused.
func (f *jsonFields) check(key []byte, seen *[2]uint64, next *reflect.Type) string {
	i, ok := f.index[string(key)] // no allocation: the compiler sees the lookup
	if !ok {
		name := string(key)
		if bytes.IndexByte(key, '\\') >= 0 {
			if err := json.Unmarshal([]byte(`"`+name+`"`), &name); err != nil {
				return "" // the decoder says so
			}
			i, ok = f.index[name]
		}
		if !ok {
			for _, n := range f.names {
				if strings.EqualFold(n, name) {
					return fmt.Sprintf("的字段名须为“%s”（大小写不同）", n)
				}
			}
			return "不是已定义的字段，请删除"
		}
	}
	if i >= 128 {
		*next = f.types[i]
		return ""
	}
	if seen[i/64]&(1<<(i%64)) != 0 {
		return "出现了不止一次"
	}
	seen[i/64] |= 1 << (i % 64)
	*next = f.types[i]
	return ""
}

var jsonFieldsCache sync.Map // reflect.Type → *jsonFields

func fieldsOf(t reflect.Type) *jsonFields {
	if f, ok := jsonFieldsCache.Load(t); ok {
		return f.(*jsonFields)
	}
	f := &jsonFields{index: map[string]int{}}
	var add func(t reflect.Type)
	add = func(st reflect.Type) {
		for i := range st.NumField() {
			sf := st.Field(i)
			tag := sf.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, _, _ := strings.Cut(tag, ",")
			if sf.Anonymous && name == "" {
				if et := jsonShape(sf.Type); et != nil && et.Kind() == reflect.Struct {
					add(et)
					continue
				}
			}
			if !sf.IsExported() {
				continue
			}
			if name == "" {
				name = sf.Name
			}
			ft := jsonShape(sf.Type)
			if _, dup := f.index[name]; dup {
				continue
			}
			f.index[name] = len(f.names)
			f.names = append(f.names, name)
			f.types = append(f.types, ft)
		}
	}
	add(t)
	jsonFieldsCache.Store(t, f)
	return f
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
