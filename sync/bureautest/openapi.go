package bureautest

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	verrors "github.com/pb33f/libopenapi-validator/errors"
	"github.com/pb33f/libopenapi-validator/helpers"

	"egovdesk/sync/protocol"
)

// maxChecked is the largest answer body the check keeps; a longer one
// (a large attachment download) has its status and headers checked only.
const maxChecked = 4 << 20

var newValidator = sync.OnceValues(func() (validator.Validator, error) {
	doc, err := libopenapi.NewDocument(protocol.OpenAPI)
	if err != nil {
		return nil, fmt.Errorf("parse openapi.json: %w", err)
	}
	v, errs := validator.NewValidator(doc)
	if len(errs) > 0 {
		return nil, fmt.Errorf("openapi.json: %v", errs)
	}
	if ok, verrs := v.ValidateDocument(); !ok {
		return nil, fmt.Errorf("openapi.json is not a valid OpenAPI 3.1 document: %s", describe(verrs))
	}
	return v, nil
})

// mu serialises the validator, which keeps caches that are not all safe
// for concurrent use.
var mu sync.Mutex

func describe(errs []*verrors.ValidationError) string {
	var b strings.Builder
	for _, e := range errs {
		fmt.Fprintf(&b, "\n\t%s: %s", e.Message, e.Reason)
		for _, s := range e.SchemaValidationErrors {
			fmt.Fprintf(&b, "\n\t\t%s: %s", s.FieldPath, s.Reason)
		}
	}
	return b.String()
}

// unknownPath reports whether errs say the document has no such path or
// method: the answer to such a request (404, 405) is not the document's.
func unknownPath(errs []*verrors.ValidationError) bool {
	for _, e := range errs {
		if e.ValidationType == helpers.PathValidation &&
			(e.ValidationSubType == helpers.ValidationMissing || e.ValidationSubType == helpers.ValidationMissingOperation) {
			return true
		}
	}
	return false
}

func isJSON(ct string) bool {
	mt, _, _ := mime.ParseMediaType(ct)
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

// Check checks a request and the bureau's answer to it against
// openapi.json with an OpenAPI 3.1 validator (libopenapi-validator) and
// returns what does not match, or "" when all does. reqBody is the
// request's JSON body (nil for none or for a body that is not JSON, which
// is then not checked). A request the bureau refused (4xx) may break the
// document, since tests send such requests on purpose; its answer may not.
func Check(req *http.Request, reqBody []byte, status int, header http.Header, body []byte) string {
	v, err := newValidator()
	if err != nil {
		return err.Error()
	}
	r := req.Clone(req.Context())
	r.Body = io.NopCloser(bytes.NewReader(reqBody))
	r.ContentLength = int64(len(reqBody))
	if status >= 400 && status < 500 && len(reqBody) > 1<<20 {
		// A refused request's body is not held to the document (below);
		// a hostile body of megabytes (a test's) took the validator tens
		// of seconds, so only its path is looked up.
		reqBody = nil
	}
	if reqBody == nil {
		r.Header.Del("Content-Type")
		r.Body, r.ContentLength = http.NoBody, 0
	}
	mu.Lock()
	defer mu.Unlock()
	var problems []*verrors.ValidationError
	if ok, errs := v.ValidateHttpRequest(r); !ok {
		if unknownPath(errs) {
			return ""
		}
		if status < 400 || status >= 500 {
			if reqBody == nil || req.URL.Path == protocol.PathSubmissions {
				// A batch answers 200 with a problem for each submission
				// it refuses: such a submission may break the document.
				errs = withoutBody(errs)
			}
			problems = append(problems, errs...)
		}
	}
	resp := &http.Response{StatusCode: status, Header: header, Request: r}
	if body != nil {
		resp.Body = io.NopCloser(bytes.NewReader(body))
		if !isJSON(header.Get("Content-Type")) {
			resp.Body = http.NoBody // a file, a chunk or a page: its media type is checked, not its bytes
		}
		if ok, errs := v.ValidateHttpResponse(r, resp); !ok {
			problems = append(problems, errs...)
		}
	}
	if len(problems) == 0 {
		return ""
	}
	return fmt.Sprintf("%s %s → %d does not match openapi.json:%s", req.Method, req.URL.Path, status, describe(problems))
}

// withoutBody drops the errors about a request body the check did not keep.
func withoutBody(errs []*verrors.ValidationError) []*verrors.ValidationError {
	var out []*verrors.ValidationError
	for _, e := range errs {
		if e.ValidationType != helpers.RequestBodyValidation {
			out = append(out, e)
		}
	}
	return out
}

// Validated returns h checking every request it serves and every answer
// against openapi.json; a mismatch fails tb's test with the operation,
// the status and the validator's message.
func Validated(tb testing.TB, h http.Handler) http.Handler {
	rep := &reporter{}
	rep.set(tb)
	return validated(rep, h)
}

// reporter is the test a mismatch fails: a fuzz target's *testing.T
// rather than the *testing.F that started the bureau.
type reporter struct{ tb atomic.Pointer[testing.TB] }

func (r *reporter) set(tb testing.TB) { r.tb.Store(&tb) }

func (r *reporter) Error(args ...any) { (*r.tb.Load()).Error(args...) }

func validated(tb *reporter, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var reqBody []byte
		if isJSON(r.Header.Get("Content-Type")) && r.Body != nil {
			data, err := io.ReadAll(io.LimitReader(r.Body, maxChecked+1))
			r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(data), r.Body))
			if err == nil && len(data) <= maxChecked {
				reqBody = data
			}
		}
		rec := &recorder{ResponseWriter: w}
		h.ServeHTTP(rec, r)
		if rec.status == 0 && r.Context().Err() != nil {
			return // no answer: the client went away (a long poll it gave up)
		}
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		body := rec.body.Bytes()
		if rec.over {
			body = nil
		} else if r.Method == http.MethodHead {
			body = []byte{} // net/http drops what a handler writes to a HEAD
		} else if body == nil {
			body = []byte{}
		}
		if msg := Check(r, reqBody, rec.status, w.Header(), body); msg != "" {
			tb.Error(msg)
		}
	})
}

// recorder passes an answer on and keeps a copy of it.
type recorder struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
	over   bool
}

func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *recorder) Write(p []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	if !r.over {
		if r.body.Len()+len(p) > maxChecked {
			r.over = true
			r.body.Reset()
		} else {
			r.body.Write(p)
		}
	}
	return r.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the connection (flushes,
// deadlines, hijacks).
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// Flush passes a flush on.
func (r *recorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

type checkingTransport struct {
	tb *reporter
	rt http.RoundTripper
}

// CloseIdleConnections closes the idle connections of the transport it
// wraps, so that http.Client.CloseIdleConnections still reaches them.
func (t checkingTransport) CloseIdleConnections() {
	if c, ok := t.rt.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

func (t checkingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var reqBody []byte
	if isJSON(req.Header.Get("Content-Type")) && req.GetBody != nil {
		if rc, err := req.GetBody(); err == nil {
			reqBody, _ = io.ReadAll(rc)
			rc.Close()
		}
	}
	resp, err := t.rt.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxChecked+1))
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(body), resp.Body), resp.Body}
	if err != nil || len(body) > maxChecked {
		return resp, nil
	}
	if msg := Check(req, reqBody, resp.StatusCode, resp.Header, body); msg != "" {
		t.tb.Error(msg)
	}
	return resp, nil
}
