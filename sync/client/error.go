package client

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"

	"egovdesk/app"
	"egovdesk/sync/protocol"
)

// Class says what the caller should do about a failed request.
type Class int

// The classes of failure (DESIGN.md invariant 6).
const (
	// ClassNone is the class of a nil error.
	ClassNone Class = iota
	// ClassRetry: the bureau could not be reached or had a temporary fault
	// (network error, timeout, 5xx, 408, 429), or refused this client as
	// older than its minimum version (protocol.CodeClientOutdated: nothing is
	// wrong with the request, it goes through once the new version is
	// installed). Retry later with backoff, waiting at least Error.RetryAfter.
	ClassRetry
	// ClassReauth: the token is missing, expired or revoked (401). Log in
	// again; retrying with the same token cannot succeed.
	ClassReauth
	// ClassPermanent: the bureau refused the request as it stands (400, 403,
	// 404, 413, 422 …). Show the reason to the user; do not retry unchanged.
	ClassPermanent
	// ClassConflict: the request conflicts with what the bureau holds (409):
	// a stale base revision or a revision ID reused with a different body.
	ClassConflict
)

// String returns the class name, for logs.
func (c Class) String() string {
	switch c {
	case ClassNone:
		return "none"
	case ClassRetry:
		return "retry"
	case ClassReauth:
		return "reauth"
	case ClassPermanent:
		return "permanent"
	case ClassConflict:
		return "conflict"
	}
	return "class(" + strconv.Itoa(int(c)) + ")"
}

// Error is a failed request to the bureau: either a transport failure
// (Status 0, Err set) or an answer outside 2xx (Status set, Problem decoded
// from the application/problem+json body when there was one). It unwraps to
// the transport error and to the problem's *app.Error, so app.ErrorCode and
// app.ErrorMessage work on it and errors.Is(err, context.Canceled) too.
type Error struct {
	Op         string            // what was attempted, e.g. "submit revision"
	Status     int               // HTTP status; 0 when no answer arrived
	Problem    *protocol.Problem // the decoded problem; nil for transport errors or bodies that are not problems
	RetryAfter time.Duration     // from the Retry-After header; 0 when absent
	Err        error             // transport or decoding error; nil for a decoded answer
}

// Error returns the operation, the status and the problem or transport error.
func (e *Error) Error() string {
	switch {
	case e.Problem != nil:
		return fmt.Sprintf("%s: %s", e.Op, e.Problem.Error())
	case e.Status != 0 && e.Err != nil:
		return fmt.Sprintf("%s: HTTP %d: %v", e.Op, e.Status, e.Err)
	case e.Status != 0:
		return fmt.Sprintf("%s: HTTP %d", e.Op, e.Status)
	}
	return fmt.Sprintf("%s: %v", e.Op, e.Err)
}

// Unwrap returns the transport error and the problem as an *app.Error.
func (e *Error) Unwrap() []error {
	var errs []error
	if e.Err != nil {
		errs = append(errs, e.Err)
	}
	if e.Problem != nil {
		errs = append(errs, e.Problem.AppError())
	} else if e.Status != 0 {
		code := protocol.CodeOf(e.Status)
		errs = append(errs, &app.Error{Code: code, Message: protocol.Title(code)})
	}
	return errs
}

// Code returns the problem's stable code (protocol.Code* or an app code), or
// the app code that best describes the status, or "" for a transport error.
func (e *Error) Code() string {
	switch {
	case e.Problem != nil && e.Problem.Code != "":
		return e.Problem.Code
	case e.Status != 0:
		return protocol.CodeOf(e.Status)
	}
	return ""
}

// Class classifies the failure.
func (e *Error) Class() Class {
	switch s := e.Status; {
	case s == 0:
		return ClassRetry
	case s == http.StatusUnauthorized:
		return ClassReauth
	case s == http.StatusConflict:
		return ClassConflict
	case s >= 500, s == http.StatusTooManyRequests, s == http.StatusRequestTimeout:
		return ClassRetry
	case s == http.StatusLengthRequired:
		// The client sends every body with its length: a 411 is about a
		// proxy on the way, not the request, which goes once it is fixed.
		return ClassRetry
	case s >= 200 && s < 300:
		return ClassRetry // a 2xx we could not decode: a proxy or captive portal in the way
	case e.Code() == protocol.CodeClientOutdated:
		// Not the request's fault: it goes through once the clerk has
		// installed the version the message names, so keep it queued.
		return ClassRetry
	}
	return ClassPermanent
}

// Message returns what to tell the user, in Chinese: the bureau's own reason
// with its field problems for a refused request, what is wrong with the
// bureau's TLS certificate (see CertError), or a plain description of the
// network or server fault. It never contains internal detail.
func (e *Error) Message() string {
	if e.Problem != nil {
		return e.Problem.AppError().Error()
	}
	var ce *CertError
	switch {
	case errors.As(e.Err, &ce):
		return ce.Message()
	case e.Status == 0 && errors.Is(e.Err, context.DeadlineExceeded):
		return "连接数管局服务器超时（网络缓慢或服务器无响应）"
	case e.Status == 0 && !dialFailed(e.Err):
		// Connected, then cut (a reply broken off, a reset): "网络不通或
		// 服务器未启动" sent the clerk to check a server that had answered
		// (found in a clerk's walkthrough on a bad link).
		return "与数管局服务器的连接中途断开（网络不稳定），将自动重试；已送达的材料不会重复提交"
	case e.Status == 0:
		return "无法连接数管局服务器（网络不通或服务器未启动）"
	case e.Status >= 200 && e.Status < 300:
		return "数管局服务器返回了无法识别的内容（可能被网络代理拦截）"
	case e.Status == http.StatusTooManyRequests:
		return "数管局服务器繁忙"
	case e.Status >= 500:
		return fmt.Sprintf("数管局服务器暂时出现故障（HTTP %d）", e.Status)
	}
	return protocol.Title(protocol.CodeOf(e.Status))
}

// NeedsAction reports whether err, though retried, will not mend by itself:
// the bureau's TLS certificate is not trusted (expired, another name, an
// unknown issuer: the clerk must import or confirm it, or the bureau's IT
// must renew it) or the bureau requires a newer client (the clerk must
// install it). The UI shows these in red, as what the clerk has to act on.
func NeedsAction(err error) bool {
	var ce *CertError
	if errors.As(err, &ce) {
		return true
	}
	var e *Error
	return errors.As(err, &e) && e.Code() == protocol.CodeClientOutdated
}

// Classify returns the class of err: ClassNone for nil, the class of the
// *Error in its chain, ClassRetry for a context deadline (a timeout), and
// ClassPermanent for anything else — a local fault that retrying will not
// mend. A cancelled context is ClassRetry too; the caller that cancelled
// knows why.
func Classify(err error) Class {
	var e *Error
	switch {
	case err == nil:
		return ClassNone
	case errors.As(err, &e):
		return e.Class()
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return ClassRetry
	}
	return ClassPermanent
}

// RetryAfter returns how long the bureau asked the caller to wait before
// retrying err, or 0 when it did not say.
func RetryAfter(err error) time.Duration {
	var e *Error
	if errors.As(err, &e) {
		return e.RetryAfter
	}
	return 0
}

// Message returns what to tell the user about err in Chinese: the *Error's
// Message, the *app.Error's message, or a generic message that reveals no
// internal detail.
func Message(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message()
	}
	var ae *app.Error
	if errors.As(err, &ae) {
		return ae.Error()
	}
	return app.ErrorMessage(err)
}

// ProblemCode returns the problem code of the *Error in err's chain
// (protocol.CodeStaleBase, app.EINVALID …), or "".
func ProblemCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code()
	}
	return ""
}

// parseRetryAfter reads a Retry-After header: delay-seconds or an HTTP date.
// It returns 0 when the header is absent or unreadable.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil {
		if n < 0 {
			return 0
		}
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// PasswordChangeRequired reports whether err is a login refused until the
// password is changed (protocol.CodePasswordChange: an initial or reset
// password an admin set, or an expired one). Change it with
// Client.ChangePassword.
func PasswordChangeRequired(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Code() == protocol.CodePasswordChange
}

// NeverConnected reports whether err, a request's transport error, says
// no connection to the server was made — a name not resolved, a
// connection refused or not answered, the server's certificate refused —
// so that nothing of the request was sent. An error it cannot tell is not
// one: the syncer lets a clerk withdraw a submission only when this holds.
func NeverConnected(err error) bool {
	var op *net.OpError
	var dns *net.DNSError
	var cert *tls.CertificateVerificationError
	return errors.As(err, &op) && op.Op == "dial" || errors.As(err, &dns) || errors.As(err, &cert)
}

// dialFailed reports whether err is a failure to reach the server at all
// (NeverConnected), not one of a connection made and then cut. Unlike
// NeverConnected, an error it cannot tell counts as one: it only chooses
// the clerk's message.
func dialFailed(err error) bool {
	if NeverConnected(err) {
		return true
	}
	var op *net.OpError
	if errors.As(err, &op) {
		return false
	}
	return !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) && !errors.Is(err, syscall.ECONNRESET) && !errors.Is(err, syscall.EPIPE)
}
