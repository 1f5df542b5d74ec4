package console

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
)

// stalledBody gives a few bytes of a form, then the error of a read past
// the server's deadline, as a body that stopped coming does.
type stalledBody struct{ sent bool }

func (b *stalledBody) Read(p []byte) (int, error) {
	if !b.sent {
		b.sent = true
		return copy(p, "comment=%E8%A1%A5"), nil
	}
	return 0, os.ErrDeadlineExceeded
}

// A form whose body stopped coming is said to have been cut short (408),
// not over its limit, and not "缺少校验码" as its empty form read (found
// in review); one over its limit is 413.
func TestFormProblemTellsAStalledBody(t *testing.T) {
	r := httptest.NewRequest(http.MethodPost, "/console/filings/x/decision", io.NopCloser(&stalledBody{}))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if got := formProblem(r); got != http.StatusRequestTimeout {
		t.Errorf("a stalled body: %d, want 408", got)
	}
	w := httptest.NewRecorder()
	r = httptest.NewRequest(http.MethodPost, "/console/filings/x/decision", strings.NewReader("comment="+strings.Repeat("x", 100)))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Body = http.MaxBytesReader(w, r.Body, 50)
	if got := formProblem(r); got != http.StatusRequestEntityTooLarge {
		t.Errorf("a body over its limit: %d, want 413", got)
	}
	r = httptest.NewRequest(http.MethodPost, "/console/filings/x/decision", strings.NewReader("comment=ok"))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if got := formProblem(r); got != 0 || r.PostFormValue("comment") != "ok" {
		t.Errorf("a form read: %d %q", got, r.PostFormValue("comment"))
	}
}
