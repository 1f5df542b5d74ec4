package app

import (
	"fmt"
	"mime"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Text limits, in characters. Every text field of a filing's content has
// one: MaxShortText for the one-line fields named in shortTextFields
// (names, codes, dates, people, telephone numbers), MaxLongText for every
// other, narrative, field. The client checks them before a submission is
// queued (CheckBody), the bureau again on receipt, and the OpenAPI document
// states them (x-egovdesk-text-limits), so all three say the same thing.
// Some fields have a stricter rule of their own (a project name is at most
// 100 characters).
const (
	MaxShortText      = 200
	MaxLongText       = 20000
	MaxAttachmentName = 255 // characters of an attachment's file name
	// MaxListItems bounds every list of a filing's content (modules,
	// budget lines, milestones, a catalogue's resources and each one's
	// data items…): far above any real filing (a county's catalogue lists
	// tens of resources), and it keeps what one filing costs to check,
	// show and print bounded (found from outside: a declaration of 60,000
	// modules, 2.7 MB, took 270 MB and 2.4 s to print).
	MaxListItems = 1000
)

// Limits of the remarks on single fields a 退回修改 decision may carry
// (Decision.Remarks): how many, how long each, and the shape and length of
// the field path each is keyed by. The OpenAPI document states them on
// DecisionRequest.remarks.
const (
	MaxRemarks      = 100 // fields one decision may remark on
	MaxRemarkText   = 500 // characters of one remark
	MaxRemarkField  = 200 // characters of a remark's field path
	RemarkFieldExpr = `^[a-z][a-z0-9_]*(\[[0-9]{1,5}\])?(\.[a-z][a-z0-9_]*(\[[0-9]{1,5}\])?)*$`
)

// MaxWithdrawReason is the length in characters of the reason a unit may
// give when it withdraws a submission (Filing.Withdraw); the OpenAPI
// document states it on WithdrawRequest.comment.
const MaxWithdrawReason = 500

// shortTextFields are the JSON names of the one-line text fields of the
// content; a name means the same kind of field wherever it appears.
var shortTextFields = map[string]bool{
	// people, units, names
	"project_name": true, "unit_name": true, "unit_credit_code": true, "supervising_dept": true,
	"region_code": true, "leader": true, "person": true, "phone": true, "name": true, "title": true,
	"provider_name": true, "provider_code": true, "provider": true, "owner": true, "contractor": true,
	"supervisor": true, "office": true, "resource_name": true, "resource_code": true, "related_codes": true,
	"items": true, "spec": true, "label": true, "no": true, "approval_ref": true, "trial_report_id": true,
	"function": true, "os": true, "database": true, "middleware": true, "versions": true, "volume_unit": true,
	"category": true, "sequence": true, "format_type": true, "confirmations": true, "material": true,
	// dates YYYY-MM(-DD)
	"period_start": true, "period_end": true, "due": true, "publish_date": true, "review_date": true,
	"found": true, "handled": true, "trial_start": true, "trial_end": true, "completed_on": true,
	"applied_on": true,
	// the life-cycle filings (go-live, adjustments, filings after acceptance)
	"go_live_on": true, "accepted_on": true, "filed_on": true, "acceptance_id": true, "type": true,
	"situation": true, "new_due_on": true, "terminated_on": true, "period_from": true, "period_to": true,
	"declaration_id": true, "unit_type": true,
}

// Limits of the life-cycle filings.
const (
	// MaxAdjustLines bounds the budget lines of each side of an adjustment
	// (调整前、调整后), as a declaration's budget is bounded by the body size.
	MaxAdjustLines = 500
	// MaxAmount is the largest amount any one money field or budget line
	// may hold: 1000 亿元, far above any county or city project, so that
	// sums of MaxAdjustLines lines stay exact in int64.
	MaxAmount Money = 10_000_000 * Wan
)

// TextLimit returns the longest text, in characters, the content field
// with JSON name field may hold.
func TextLimit(field string) int {
	if shortTextFields[field] {
		return MaxShortText
	}
	return MaxLongText
}

// ShortTextFields returns the JSON names of the fields limited to
// MaxShortText, for the OpenAPI document's test.
func ShortTextFields() []string {
	out := make([]string, 0, len(shortTextFields))
	for f := range shortTextFields {
		out = append(out, f)
	}
	return out
}

// CheckText checks every text of b's content and attachments against the
// limits: length (TextLimit), valid UTF-8 without U+0000, every list at
// most MaxListItems long, and for the
// attachments a file name of at most MaxAttachmentName characters without
// control characters or path separators and a media type from MediaTypes.
// It returns the problems with the field paths of Validate.
func CheckText(b Body) Problems {
	var p Problems
	if _, content := b.content(); content != nil {
		walkText(reflect.ValueOf(content), "", "", &p)
	}
	if msg := checkString(b.ProjectID, 64, true); msg != "" {
		p.Add("project_id", "所属项目编号%s", msg)
	}
	for i, a := range b.Attachments {
		f := fmt.Sprintf("attachments[%d]", i)
		if msg := checkString(a.Name, MaxAttachmentName, true); msg != "" {
			p.Add(f+".name", "附件文件名%s", msg)
		} else if strings.TrimSpace(a.Name) == "" {
			p.Add(f+".name", "附件缺少文件名")
		} else if strings.ContainsFunc(a.Name, func(r rune) bool { return unicode.IsControl(r) || r == '/' || r == '\\' }) {
			p.Add(f+".name", "附件文件名“%s”含有控制字符或路径分隔符（/ \\），请重命名文件后重新添加", strings.Map(printable, a.Name))
		}
		if msg := checkString(a.Material, MaxShortText, true); msg != "" {
			p.Add(f+".material", "附件材料类别%s", msg)
		}
		if strings.ContainsFunc(a.MediaType, func(r rune) bool { return r < 0x20 || r > 0x7e }) {
			p.Add(f+".media_type", "附件“%s”的类型含有控制字符或非 ASCII 字符", clipText(a.Name, 60))
		} else if a.MediaType != "" && !AllowedMediaType(a.MediaType) {
			p.Add(f+".media_type", "附件“%s”的类型“%s”不在数管局接受的范围内（PDF、OFD、Word、Excel、PowerPoint、WPS、图片、文本、压缩包）", clipText(a.Name, 60), clipText(strings.Map(printable, a.MediaType), 60))
		}
	}
	return p
}

// walkText checks the strings of v, the value at path (JSON field name
// name), recursively.
func walkText(v reflect.Value, path, name string, p *Problems) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			walkText(v.Elem(), path, name, p)
		}
	case reflect.String:
		if msg := checkString(v.String(), TextLimit(name), shortTextFields[name]); msg != "" {
			p.Add(path, "%s", msg)
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return
		}
		if v.Len() > MaxListItems {
			p.Add(path, "最多 %d 项（现有 %d 项），请精简或分成几份材料提交", MaxListItems, v.Len())
			return
		}
		for i := range v.Len() {
			walkText(v.Index(i), fmt.Sprintf("%s[%d]", path, i), name, p)
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			ks := fmt.Sprint(k.Interface())
			if msg := checkString(ks, MaxShortText, true); msg != "" {
				p.Add(path, "%s", msg)
			}
			walkText(v.MapIndex(k), path+"."+ks, name, p)
		}
	case reflect.Struct:
		eachJSONField(v, func(f reflect.Value, tag string) {
			fp := tag
			if path != "" {
				fp = path + "." + tag
			}
			walkText(f, fp, tag, p)
		})
	}
}

// eachJSONField calls fn with each exported field of struct v that JSON
// encodes, and its JSON name.
func eachJSONField(v reflect.Value, fn func(f reflect.Value, name string)) {
	t := v.Type()
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		tag, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if tag == "-" {
			continue
		}
		if tag == "" {
			tag = sf.Name
		}
		fn(v.Field(i), tag)
	}
}

// checkString returns why s breaks the text rules with limit characters,
// or "": a one-line field (short) also holds no line break or tab.
func checkString(s string, limit int, short bool) string {
	switch {
	case !utf8.ValidString(s):
		return "含有无效的 UTF-8 字节"
	case strings.IndexByte(s, 0) >= 0:
		return "含有空字符（U+0000），请删除"
	case len(s) > limit && runeLen(s) > limit: // len first: most text is far below
		return fmt.Sprintf("不能超过 %d 个字（现有 %d 个字）", limit, runeLen(s))
	}
	for i, r := range s {
		switch {
		case lineBreak(r) && short:
			return "是单行内容，不能含有换行或制表符，请删除"
		case bidiControl(r):
			return fmt.Sprintf("含有改变文字显示方向的控制字符（U+%04X，不可见，多从网页或文档粘贴带入，%s），会让文字显示得与实际不同，请删除后重新输入这一处", r, whereIn(s, i))
		case unicode.IsControl(r) && !lineBreak(r):
			return fmt.Sprintf("含有不可见的控制字符（U+%04X，%s），请删除", r, whereIn(s, i))
		}
	}
	return ""
}

// whereIn says where in s the character at byte i is, for one who cannot
// see it: its place in characters and the few visible ones before it. A
// reviewer told of a U+202E somewhere in a 3,000-字 comment could not find
// it (a walkthrough).
func whereIn(s string, i int) string {
	n := utf8.RuneCountInString(s[:i]) + 1
	var before []rune
	for _, r := range s[:i] {
		if unicode.IsControl(r) || bidiControl(r) || unicode.Is(unicode.Cf, r) {
			continue
		}
		before = append(before, r)
	}
	if len(before) == 0 {
		return fmt.Sprintf("在第 %d 个字处，即开头", n)
	}
	const context = 8
	lead := ""
	if len(before) > context {
		before, lead = before[len(before)-context:], "…"
	}
	return fmt.Sprintf("在第 %d 个字处，“%s%s”之后", n, lead, strings.TrimSpace(string(before)))
}

// CheckString returns why s, a text of at most limit characters, cannot
// be kept, or "": invalid UTF-8, U+0000, control characters other than tab
// and line breaks, the bidirectional overrides and isolates, and for a
// one-line text (oneLine) tabs and line breaks. The rules of a filing's
// text (CheckText), for the bureau's own texts too: comments, remarks,
// notices.
func CheckString(s string, limit int, oneLine bool) string { return checkString(s, limit, oneLine) }

// lineBreak reports the characters a narrative field may hold and a
// one-line field may not: tab and line breaks.
func lineBreak(r rune) bool {
	return r == '\t' || r == '\n' || r == '\r' || r == 0x2028 || r == 0x2029 // line and paragraph separators
}

// bidiControl reports the bidirectional embeddings, overrides and isolates
// (U+202A–U+202E, U+2066–U+2069): text holding them can read, in the
// queue, a spreadsheet or a printed copy, as something else ("Trojan
// source"). Right-to-left scripts (维吾尔文) need none of them.
func bidiControl(r rune) bool {
	return r >= 0x202A && r <= 0x202E || r >= 0x2066 && r <= 0x2069
}

// FoldLines replaces, in the one-line text fields of the content v points
// to, each run of white space holding a tab or a line break with one
// space: a cell of a spreadsheet broken with Alt+Enter, pasted into a
// name, is still the name. Narrative fields keep their lines.
func FoldLines(v any) { foldLines(reflect.ValueOf(v), "") }

func foldLines(v reflect.Value, name string) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			foldLines(v.Elem(), name)
		}
	case reflect.String:
		if shortTextFields[name] && v.CanSet() && strings.ContainsFunc(v.String(), lineBreak) {
			v.SetString(foldSpace(v.String()))
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return
		}
		for i := range v.Len() {
			foldLines(v.Index(i), name)
		}
	case reflect.Struct:
		eachJSONField(v, foldLines)
	}
}

// foldSpace replaces each run of white space holding a line break or a
// tab with one space, and trims s.
func foldSpace(s string) string {
	var b strings.Builder
	start, broken := -1, false // the run of white space before i
	for i, r := range s {
		if unicode.IsSpace(r) {
			if start < 0 {
				start, broken = i, false
			}
			broken = broken || lineBreak(r)
			continue
		}
		if start >= 0 {
			if broken {
				b.WriteByte(' ')
			} else {
				b.WriteString(s[start:i])
			}
			start = -1
		}
		b.WriteRune(r)
	}
	return strings.TrimSpace(b.String())
}

func printable(r rune) rune {
	if unicode.IsControl(r) {
		return '?'
	}
	return r
}

func clipText(s string, n int) string {
	if runeLen(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// MediaTypes are the media types the bureau accepts for an attachment (a
// charset parameter aside), by the file extensions the client gives them.
var MediaTypes = map[string]string{
	".pdf":  "application/pdf",
	".ofd":  "application/ofd",
	".doc":  "application/msword",
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".xls":  "application/vnd.ms-excel",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".ppt":  "application/vnd.ms-powerpoint",
	".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
	".wps":  "application/vnd.ms-works",
	".et":   "application/vnd.ms-excel",
	".dps":  "application/vnd.ms-powerpoint",
	".odt":  "application/vnd.oasis.opendocument.text",
	".ods":  "application/vnd.oasis.opendocument.spreadsheet",
	".odp":  "application/vnd.oasis.opendocument.presentation",
	".rtf":  "application/rtf",
	".txt":  "text/plain",
	".csv":  "text/csv",
	".xml":  "application/xml",
	".json": "application/json",
	".jpg":  "image/jpeg",
	".jpeg": "image/jpeg",
	".png":  "image/png",
	".gif":  "image/gif",
	".bmp":  "image/bmp",
	".tif":  "image/tiff",
	".tiff": "image/tiff",
	".webp": "image/webp",
	".zip":  "application/zip",
	".rar":  "application/vnd.rar",
	".7z":   "application/x-7z-compressed",
	".gz":   "application/gzip",
	".tar":  "application/x-tar",
	".dwg":  "image/vnd.dwg",
	".bin":  "application/octet-stream",
}

var allowedMedia = func() map[string]bool {
	m := map[string]bool{
		// what other tools name the same formats
		"application/x-zip-compressed": true, "application/x-rar-compressed": true, "text/xml": true,
		"application/kswps": true, "application/wps-office.docx": true, "application/wps-office.xlsx": true,
	}
	for _, t := range MediaTypes {
		m[t] = true
	}
	return m
}()

// AllowedMediaTypes returns every media type AllowedMediaType accepts
// (without parameters), sorted.
func AllowedMediaTypes() []string {
	out := make([]string, 0, len(allowedMedia))
	for t := range allowedMedia {
		out = append(out, t)
	}
	slices.Sort(out)
	return out
}

// AllowedMediaType reports whether t is a media type the bureau accepts for
// an attachment: one of MediaTypes (or a common alias), in any case, with
// at most a charset parameter.
func AllowedMediaType(t string) bool {
	if len(t) > 200 {
		return false
	}
	mt, params, err := mime.ParseMediaType(t)
	if err != nil || !allowedMedia[mt] {
		return false
	}
	for k, v := range params {
		if k != "charset" || len(v) > 40 || strings.ContainsFunc(v, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.')
		}) {
			return false
		}
	}
	return true
}

// AttachmentMediaType returns the media type the client gives a file named
// name: the one MediaTypes lists for its extension, or "" (sent as
// application/octet-stream) for any other.
func AttachmentMediaType(name string) string {
	return MediaTypes[strings.ToLower(filepath.Ext(name))]
}

// SameName is the form two names of a unit or a person are compared in:
// names a reader could not tell apart — full-width and half-width forms,
// case, spaces, invisible characters — are one. Lookalikes of other
// scripts (a Cyrillic е for a Latin e) and 縣 for 县 are not.
func SameName(name string) string {
	name = strings.Map(func(r rune) rune {
		if Invisible(r) {
			return -1
		}
		return r
	}, norm.NFKC.String(name))
	return strings.Join(strings.Fields(strings.ToLower(name)), "")
}

// Invisible reports the characters that show as nothing or as a blank
// beyond the format characters (found from outside: a Hangul filler, a
// braille blank, variation selectors and the combining grapheme joiner
// made lookalike and empty-looking names): Unicode's
// Default_Ignorable_Code_Point characters and U+2800. Names refuse them;
// the similar-projects fingerprint reads text as if they were not there.
func Invisible(r rune) bool {
	switch {
	case r == 0x00AD, r == 0x034F, r == 0x061C, r == 0x115F, r == 0x1160, r == 0x17B4, r == 0x17B5,
		r == 0x3164, r == 0xFEFF, r == 0xFFA0, r == 0x2800:
		return true
	case r >= 0x180B && r <= 0x180F, r >= 0x200B && r <= 0x200F, r >= 0x202A && r <= 0x202E,
		r >= 0x2060 && r <= 0x206F, r >= 0xFE00 && r <= 0xFE0F, r >= 0xFFF0 && r <= 0xFFF8,
		r >= 0x1BCA0 && r <= 0x1BCA3, r >= 0x1D173 && r <= 0x1D17A, r >= 0xE0000 && r <= 0xE0FFF:
		return true
	}
	return false
}
