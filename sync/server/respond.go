package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strings"
	"unicode/utf8"

	"egovdesk/app"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server/bureaustore"
)

// writeJSON sends v with status.
func (s *Server) writeJSON(w http.ResponseWriter, status int, v any) {
	data, err := marshalAnswer(v)
	if err != nil {
		s.log.Error("encode response", "err", err)
		status, data = http.StatusInternalServerError, mustProblemJSON(protocol.ProblemOf(err))
		w.Header().Set("Content-Type", protocol.MediaProblem)
	} else {
		w.Header().Set("Content-Type", protocol.MediaJSON)
	}
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(data)
}

// fail sends err as a problem. An error that is not an *app.Error is an
// internal fault: it is logged here, once, and the client sees a generic
// message.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var p *protocol.Problem
	var mb *http.MaxBytesError
	switch {
	case errors.As(err, &p):
	case errors.As(err, &mb):
		p = protocol.NewProblem(app.ETOOLARGE, fmt.Sprintf("请求内容超过上限（%d 字节）", mb.Limit))
	case app.ErrorCode(err) == app.EINTERNAL && noSpace(err):
		s.log.Error("disk full", "method", r.Method, "path", r.URL.Path, "err", err)
		errors.As(diskFull(), &p)
	case app.ErrorCode(err) == app.EINTERNAL && storeProblem(err) != nil:
		p = storeProblem(err)
		if p.Status >= 500 {
			s.log.Error("store unavailable", "method", r.Method, "path", r.URL.Path, "err", err)
		}
	case errors.Is(err, context.Canceled) && r.Context().Err() != nil:
		// The client went away (it gave up on a slow upload's chunk and
		// resumes it later): nothing for the administrator to look at. It
		// was logged as an ERROR with status 500 (found on a bad link).
		s.log.Info("request abandoned by the client", "method", r.Method, "path", r.URL.Path)
		p = protocol.ProblemOf(app.Errorf(app.EUNAVAILABLE, "请求已被客户端中止"))
	default:
		if app.ErrorCode(err) == app.EINTERNAL {
			s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		}
		p = protocol.ProblemOf(err)
	}
	s.writeProblem(w, r, p)
}

func (s *Server) writeProblem(w http.ResponseWriter, r *http.Request, p *protocol.Problem) {
	p.Instance = r.URL.Path
	if p.Type == "" {
		p.Type = protocol.TypeURI(p.Code)
	}
	if p.Title == "" {
		p.Title = protocol.Title(p.Code)
	}
	w.Header().Set("Content-Type", protocol.MediaProblem)
	w.Header().Set("Cache-Control", "no-store")
	if p.Code == protocol.CodeInsufficientStorage && w.Header().Get(protocol.HeaderRetryAfter) == "" {
		w.Header().Set(protocol.HeaderRetryAfter, "60") // space comes back when an admin frees it
	}
	w.WriteHeader(p.Status)
	w.Write(mustProblemJSON(p))
}

// rangeRefused answers a download whose Range is not within the file's
// size bytes as every other refusal: a problem, not Go's text/plain.
func (s *Server) rangeRefused(r *http.Request, size int64) func(http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		s.writeProblem(w, r, protocol.NewProblem(protocol.CodeRangeNotSatisfiable,
			fmt.Sprintf("请求的字节范围不在文件之内：文件共 %d 字节。请不带 Range 重新下载", size)))
	}
}

func mustProblemJSON(p *protocol.Problem) []byte {
	data, err := json.Marshal(p)
	if err != nil {
		return []byte(`{"type":"urn:egovdesk:problem:internal","title":"系统内部错误","status":500,"detail":"系统内部错误","code":"internal"}`)
	}
	return data
}

// decode reads a JSON request body of at most limit bytes into v. It fails
// with an ETOOLARGE or EINVALID *app.Error in Chinese.
func decode(w http.ResponseWriter, r *http.Request, limit int64, v any) error {
	data, err := readBody(w, r, limit, reflect.TypeOf(v))
	if err != nil {
		return err
	}
	return decodeBytes(data, v)
}

// readBody reads a JSON request body of at most limit bytes, which is to
// decode into a t (nil: any JSON). It fails with an ETOOLARGE or EINVALID
// *app.Error in Chinese.
//
// The body must be declared application/json (in any case, with
// parameters; charset, if given, utf-8), else it fails with 415. Its text
// is checked before it is decoded (see checkJSON): valid UTF-8, no U+0000,
// no lone surrogate escape, nested at most maxJSONDepth deep, and each key
// one of t's field names, exactly and once.
func readBody(w http.ResponseWriter, r *http.Request, limit int64, t reflect.Type) ([]byte, error) {
	if err := checkContentType(r.Header, protocol.MediaJSON); err != nil {
		return nil, err
	}
	if r.ContentLength > limit {
		// Refused before a byte is read, so that a client that asked
		// (Expect: 100-continue) is not told to send a body that will be
		// refused (found from outside).
		return nil, app.Errorf(app.ETOOLARGE, "请求内容超过上限（%d 字节）", limit)
	}
	body := http.MaxBytesReader(w, r.Body, limit)
	data, err := readAll(body, min(r.ContentLength, limit))
	if err != nil {
		var mb *http.MaxBytesError
		switch {
		case errors.As(err, &mb):
			return nil, app.Errorf(app.ETOOLARGE, "请求内容超过上限（%d 字节）", mb.Limit)
		case timedOut(err):
			return nil, bodyTimeout()
		}
		return nil, app.Errorf(app.EINVALID, "请求内容读取失败，请重试")
	}
	if err := checkJSON(data, t); err != nil {
		return nil, err
	}
	return data, nil
}

// checkContentType checks that the request declares its body as want: the
// media type compared as RFC 9110 says (case-insensitive, parameters
// apart), the charset, if any, utf-8, and no content coding but identity
// (the bureau decodes none: a gzipped body would otherwise be refused as
// "not valid JSON", which names the wrong cause). It fails with 415.
func checkContentType(h http.Header, want string) error {
	for _, v := range h.Values("Content-Encoding") {
		for coding := range strings.SplitSeq(v, ",") {
			if c := strings.TrimSpace(coding); c != "" && !strings.EqualFold(c, "identity") {
				return protocol.NewProblem(protocol.CodeUnsupportedMedia, fmt.Sprintf("服务器不接受压缩的请求内容（Content-Encoding: %s），请直接发送", clip(c, 40)))
			}
		}
	}
	ct := h.Get("Content-Type")
	if ct == "" {
		return protocol.NewProblem(protocol.CodeUnsupportedMedia, fmt.Sprintf("请求缺少 Content-Type，应为 %s", want))
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil || mt != want {
		return protocol.NewProblem(protocol.CodeUnsupportedMedia, fmt.Sprintf("请求内容的类型须为 %s（收到的是“%s”）", want, clip(ct, 100)))
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return protocol.NewProblem(protocol.CodeUnsupportedMedia, fmt.Sprintf("请求内容须为 UTF-8 编码（收到的是 charset=%s）", clip(cs, 40)))
	}
	return nil
}

// clip shortens s, which a client sent, to at most n bytes of valid UTF-8
// for a message.
func clip(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// readAll is io.ReadAll into a buffer of size bytes to start with, so that
// a body of the announced length (a batch is a few hundred KiB) is read
// without growing and copying the buffer as it comes in.
func readAll(r io.Reader, size int64) ([]byte, error) {
	var b bytes.Buffer
	if size > 0 {
		b.Grow(int(size) + bytes.MinRead) // MinRead: room for the read that returns io.EOF
	}
	_, err := b.ReadFrom(r)
	return b.Bytes(), err
}

// decodeBytes decodes one JSON value, rejecting unknown fields and trailing data.
func decodeBytes(data []byte, v any) error {
	switch err := decodeJSON(data, v); {
	case err == errTrailing:
		return app.Errorf(app.EINVALID, "请求内容在 JSON 之后还有多余内容")
	case err != nil:
		return app.Errorf(app.EINVALID, "请求内容不是有效的 JSON：%s", jsonWhere(err))
	}
	return nil
}

var errTrailing = errors.New("data after the JSON value")

// decodeJSON is decodeBytes failing with encoding/json's error, or
// errTrailing.
func decodeJSON(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errTrailing
	}
	return nil
}

func jsonWhere(err error) string {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te) && te.Field != "":
		return fmt.Sprintf("字段“%s”的类型不正确", te.Field)
	case errors.As(err, &se):
		return fmt.Sprintf("第 %d 个字节处语法错误", se.Offset)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return fmt.Sprintf("未知字段 %s", strings.TrimPrefix(err.Error(), "json: unknown field "))
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return "内容不完整"
	}
	return "格式错误"
}

// storeProblem maps a bare sentinel error of the store (one without the
// bureau's own message) to its problem, or returns nil for any other error.
func storeProblem(err error) *protocol.Problem {
	switch {
	case errors.Is(err, bureaustore.ErrUnavailable):
		return protocol.NewProblem(app.EUNAVAILABLE, "数管局服务器的存储暂时不可用；已收到的材料不受影响，请稍后重试")
	case errors.Is(err, bureaustore.ErrNotFound):
		return protocol.NewProblem(app.ENOTFOUND, "没有找到")
	case errors.Is(err, bureaustore.ErrConflict), errors.Is(err, bureaustore.ErrDuplicate):
		return protocol.NewProblem(app.ECONFLICT, "已由他人更改，请刷新后再试")
	case errors.Is(err, bureaustore.ErrInvalid):
		return protocol.NewProblem(app.EINVALID, "请求无效")
	}
	return nil
}

// marshalAnswer is json.Marshal without its HTML escaping: an answer is
// application/json, never HTML, and escaping grew a stored body of "<"s —
// a draft, a revision, passed through as json.RawMessage — six times over
// in every answer that carries it (found from outside: a 1 MiB draft
// served as 6 MB).
func marshalAnswer(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
