package protocol

import (
	"fmt"
	"net/http"
	"strconv"

	"egovdesk/app"
)

// Codes that refine the app error codes for situations the client handles on
// its own. Every other problem carries one of the app codes (app.EINVALID,
// app.ECONFLICT, app.ENOTFOUND, app.EUNAUTHORIZED, app.EFORBIDDEN,
// app.ETOOLARGE, app.ETOOMANY, app.EUNAVAILABLE, app.EINTERNAL).
const (
	CodeOffsetMismatch   = "offset_mismatch"    // 409: resume the upload from Problem.Offset
	CodeChecksumMismatch = "checksum_mismatch"  // 422: the uploaded bytes do not hash to the name; the server discarded them, upload again
	CodeStaleBase        = "stale_base"         // 409: the revision's base is not the filing's head (Problem.HeadRevisionID)
	CodeRevisionConflict = "revision_conflict"  // 409: this revision id was already submitted with a different body
	CodeMethodNotAllowed = "method_not_allowed" // 405: the path exists, the method does not (the Allow header lists those that do)
	// CodeUnsupportedMedia (415): the body is not of the media type the
	// endpoint reads (application/json, or the chunk type for uploads), or
	// has none.
	CodeUnsupportedMedia = "unsupported_media_type"
	// CodeRequestTimeout (408): the body came too slowly or stopped; the
	// server stopped waiting and closed the connection. Retry.
	CodeRequestTimeout = "request_timeout"
	// CodeLengthRequired (411): a body sent in chunks (Transfer-Encoding:
	// chunked) rather than with a Content-Length; the server closed the
	// connection. Send the body with its length.
	CodeLengthRequired = "length_required"
	// CodeInsufficientStorage (507): the bureau's disk is (nearly) full; it
	// refuses writes, keeps what it acknowledged, and accepts them again
	// once space is freed. Retry later.
	CodeInsufficientStorage = "insufficient_storage"
	// CodePasswordChange (403): the login and password are right, but the
	// password must be changed before the account may work: an initial
	// or reset password an admin set, or one past the bureau's expiry.
	// Change it with POST /password (PasswordChangeRequest), which
	// answers the login's token.
	CodePasswordChange = "password_change_required"
	// CodePreconditionRequired (428): a decision that says neither what
	// the reviewer saw (If-Match: the review detail's ETag) nor the status
	// they decided on (from). Without one a decision lands on whatever
	// the filing has become meanwhile: another reviewer's decision or the
	// unit's new revision. Read the detail and send its ETag.
	CodePreconditionRequired = "precondition_required"
	// CodeRangeNotSatisfiable (416): a download's Range is not within the
	// file (Content-Range says its length); ask again without it.
	CodeRangeNotSatisfiable = "range_not_satisfiable"
)

// Problem is an RFC 9457 problem details object, sent as
// application/problem+json with every error. Code is stable and machine
// readable; Detail is Chinese a person can act on; Errors lists field problems.
type Problem struct {
	Type     string           `json:"type"`
	Title    string           `json:"title"`
	Status   int              `json:"status"`
	Detail   string           `json:"detail"`
	Code     string           `json:"code"`
	Instance string           `json:"instance,omitempty"`
	Errors   []app.FieldError `json:"errors,omitempty"`

	// Extensions for the client's automatic handling.
	Offset         *int64 `json:"offset,omitempty"`           // offset_mismatch: the server's offset
	HeadRevisionID string `json:"head_revision_id,omitempty"` // stale_base: the filing's head revision
}

// Error returns the code and the detail.
func (p *Problem) Error() string { return fmt.Sprintf("%d %s: %s", p.Status, p.Code, p.Detail) }

// AppError returns the problem as an *app.Error, mapping the refined codes
// back to their app codes, so the client shows and classifies it like any
// other domain error.
func (p *Problem) AppError() *app.Error {
	code := p.Code
	switch code {
	case CodeOffsetMismatch, CodeStaleBase, CodeRevisionConflict:
		code = app.ECONFLICT
	case CodeChecksumMismatch:
		code = app.EINVALID
	case CodeMethodNotAllowed:
		code = app.ENOTFOUND
	case CodeUnsupportedMedia, CodeLengthRequired:
		code = app.EINVALID
	case CodeRequestTimeout, CodeInsufficientStorage:
		code = app.EUNAVAILABLE
	case CodePasswordChange:
		code = app.EFORBIDDEN
	case "":
		code = CodeOf(p.Status)
	}
	msg := p.Detail
	if msg == "" {
		msg = p.Title
	}
	return &app.Error{Code: code, Message: msg, Fields: p.Errors}
}

// Retryable reports whether the client should retry the request later with
// backoff (server faults, rate limits, temporary unavailability). 401 is not
// retryable: re-authenticate first.
func (p *Problem) Retryable() bool {
	return p.Status >= 500 || p.Status == http.StatusTooManyRequests || p.Status == http.StatusRequestTimeout
}

// TypeURI returns the problem type URI of a code.
func TypeURI(code string) string { return "urn:egovdesk:problem:" + code }

// StatusOf returns the HTTP status that carries code; 500 for unknown codes.
func StatusOf(code string) int {
	switch code {
	case app.EINVALID, CodeChecksumMismatch:
		return http.StatusUnprocessableEntity
	case app.ECONFLICT, CodeOffsetMismatch, CodeStaleBase, CodeRevisionConflict:
		return http.StatusConflict
	case app.ENOTFOUND:
		return http.StatusNotFound
	case app.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case app.EFORBIDDEN, CodePasswordChange:
		return http.StatusForbidden
	case app.ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	case app.ETOOMANY:
		return http.StatusTooManyRequests
	case app.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	case app.ELOCKED:
		return http.StatusLocked
	case CodeMethodNotAllowed:
		return http.StatusMethodNotAllowed
	case CodeUnsupportedMedia:
		return http.StatusUnsupportedMediaType
	case CodeRequestTimeout:
		return http.StatusRequestTimeout
	case CodeLengthRequired:
		return http.StatusLengthRequired
	case CodeInsufficientStorage:
		return http.StatusInsufficientStorage
	case CodePreconditionRequired:
		return http.StatusPreconditionRequired
	case CodeRangeNotSatisfiable:
		return http.StatusRequestedRangeNotSatisfiable
	}
	return http.StatusInternalServerError
}

// CodeOf returns the app code that best describes an HTTP status, for
// answers that carry no problem body (a proxy's 502, say).
func CodeOf(status int) string {
	switch {
	case status == http.StatusUnprocessableEntity || status == http.StatusBadRequest || status == http.StatusPreconditionRequired:
		return app.EINVALID
	case status == http.StatusConflict:
		return app.ECONFLICT
	case status == http.StatusNotFound || status == http.StatusGone:
		return app.ENOTFOUND
	case status == http.StatusUnauthorized:
		return app.EUNAUTHORIZED
	case status == http.StatusForbidden:
		return app.EFORBIDDEN
	case status == http.StatusRequestEntityTooLarge:
		return app.ETOOLARGE
	case status == http.StatusTooManyRequests:
		return app.ETOOMANY
	case status == http.StatusLocked:
		return app.ELOCKED
	case status == http.StatusUnsupportedMediaType:
		return app.EINVALID
	case status == http.StatusServiceUnavailable || status == http.StatusBadGateway || status == http.StatusGatewayTimeout ||
		status == http.StatusInsufficientStorage || status == http.StatusRequestTimeout:
		return app.EUNAVAILABLE
	}
	return app.EINTERNAL
}

// Title returns the short Chinese title of a code.
func Title(code string) string {
	switch code {
	case app.EINVALID:
		return "内容需要修改"
	case app.ECONFLICT:
		return "与已有内容冲突"
	case app.ENOTFOUND:
		return "未找到"
	case app.EUNAUTHORIZED:
		return "未登录或登录已失效"
	case app.EFORBIDDEN:
		return "无权操作"
	case app.ETOOLARGE:
		return "内容超出大小限制"
	case app.ETOOMANY:
		return "请求过于频繁"
	case app.EUNAVAILABLE:
		return "服务暂不可用"
	case app.ELOCKED:
		return "资源被占用"
	case CodeOffsetMismatch:
		return "上传位置不一致"
	case CodeChecksumMismatch:
		return "附件校验失败"
	case CodeStaleBase:
		return "材料已有更新的版本"
	case CodeRevisionConflict:
		return "版本编号已被使用"
	case CodeMethodNotAllowed:
		return "不支持的请求方法"
	case CodeUnsupportedMedia:
		return "不支持的内容类型"
	case CodeRequestTimeout:
		return "请求超时"
	case CodeLengthRequired:
		return "缺少内容长度"
	case CodeInsufficientStorage:
		return "服务器存储空间不足"
	case CodePasswordChange:
		return "须先修改密码"
	case CodePreconditionRequired:
		return "须说明依据的材料状态"
	case CodeRangeNotSatisfiable:
		return "请求的范围不在文件之内"
	}
	return "系统内部错误"
}

// NewProblem returns the problem for code with a Chinese detail.
func NewProblem(code, detail string) *Problem {
	return &Problem{Type: TypeURI(code), Title: Title(code), Status: StatusOf(code), Detail: detail, Code: code}
}

// ProblemOf returns the problem that tells an API client about err: the code,
// message and field problems of an *app.Error, or a generic internal problem
// that reveals nothing for any other error.
func ProblemOf(err error) *Problem {
	p := NewProblem(app.ErrorCode(err), app.ErrorMessage(err))
	p.Errors = app.FieldErrors(err)
	return p
}

// RetryAfter formats seconds for the Retry-After header, at least 1.
func RetryAfter(seconds int) string {
	if seconds < 1 {
		seconds = 1
	}
	return strconv.Itoa(seconds)
}
