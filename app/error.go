package app

import (
	"errors"
	"fmt"
	"strings"
)

// Error codes are stable, machine-readable identifiers of what went wrong.
// They travel over the wire unchanged; clients branch on them, never on text.
const (
	ECONFLICT     = "conflict"     // the request conflicts with what is stored
	EINTERNAL     = "internal"     // a fault on our side; details are logged, not shown
	EINVALID      = "invalid"      // the input breaks a rule; Fields says which
	ENOTFOUND     = "not_found"    // no such thing (or not visible to the caller)
	EUNAUTHORIZED = "unauthorized" // not logged in, or the token is no longer valid
	EFORBIDDEN    = "forbidden"    // logged in, but not allowed to do this
	ETOOLARGE     = "too_large"    // a body or attachment exceeds the advertised limit
	ETOOMANY      = "too_many"     // rate limited; retry later
	EUNAVAILABLE  = "unavailable"  // a dependency is temporarily unavailable
	ELOCKED       = "locked"       // a resource is held by another process
)

// Error is an error a person or an API client can act on: a stable Code,
// a plain Chinese Message and, for validation, the problems per field.
type Error struct {
	Code    string
	Message string
	Fields  []FieldError

	format string // Message's format and arguments, for a client to translate
	args   []any
}

// FieldError is one problem with one field of a filing. Field is a path
// such as "budget[2].amount"; Message says in Chinese what to fix.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`

	format string // Message's format and arguments, for a client to translate
	args   []any
}

// Template returns the format and arguments Message was made of, "" when
// unknown (a message decoded from the wire). The client translates
// messages by their format; the wire and the server keep the Chinese text.
func (f FieldError) Template() (format string, args []any) { return f.format, f.args }

// Template returns the format and arguments Message was made of, "" when
// unknown (a message decoded from the wire).
func (e *Error) Template() (format string, args []any) { return e.format, e.args }

// Error returns the message, followed by the field problems if any.
func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return e.Message
	}
	var b strings.Builder
	b.WriteString(e.Message)
	for _, f := range e.Fields {
		b.WriteString("；")
		b.WriteString(f.Message)
	}
	return b.String()
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), format: format, args: args}
}

// ErrDiskFull is in the chain of the error a store returns when it
// refuses to write for want of disk space (an EUNAVAILABLE *Error, see
// DiskFull): the client says so briefly where it says what failed, beside
// its fuller disk warning.
var ErrDiskFull = errors.New("disk full")

// DiskFull returns e with ErrDiskFull in its chain.
func DiskFull(e *Error) error { return diskFull{e} }

type diskFull struct{ e *Error }

func (d diskFull) Error() string   { return d.e.Error() }
func (d diskFull) Unwrap() []error { return []error{d.e, ErrDiskFull} }

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other non-nil error and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	default:
		return EINTERNAL
	}
}

// ErrorMessage returns the message of the first *Error in err's chain, or a
// generic Chinese message for any other error, so internal detail is never shown.
func ErrorMessage(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Message
	default:
		return "系统内部错误，请稍后重试；如持续出现请联系管理员。"
	}
}

// Problems collects field problems while a filing is checked, so that every
// problem is reported at once rather than the first only.
type Problems []FieldError

// Add records a problem with field.
func (p *Problems) Add(field, format string, args ...any) {
	*p = append(*p, FieldError{Field: field, Message: fmt.Sprintf(format, args...), format: format, args: args})
}

// AddUnparsed adds the problem of what was typed into the field at path
// of a filing of kind k (the body's path, "budget[2].amount") and could not be read, naming the
// field: the list of problems said "【投资】“12o”无法识别" without saying
// which of the section's amounts.
func (p *Problems) AddUnparsed(k Kind, path, raw string) {
	p.Add(path, "%s“%s”无法识别，请改正后再提交", RemarkLabel(k, path), clipText(raw, 40))
}

// MaxProblemsShown bounds the field problems an error carries: the count
// in its message is of all of them.
const MaxProblemsShown = 200

// Err returns nil when there are no problems, or an EINVALID *Error holding
// them (the first MaxProblemsShown).
func (p Problems) Err() error {
	if len(p) == 0 {
		return nil
	}
	if len(p) > MaxProblemsShown {
		return Errorf(EINVALID, "有 %d 处需要修改（列出前 %d 处）", len(p), MaxProblemsShown).withFields(p[:MaxProblemsShown])
	}
	return Errorf(EINVALID, "有 %d 处需要修改", len(p)).withFields(p)
}

// FieldErrors returns the field problems carried by err, or nil.
func FieldErrors(err error) []FieldError {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// withFields sets e's field problems and returns e.
func (e *Error) withFields(f []FieldError) *Error {
	e.Fields = f
	return e
}
