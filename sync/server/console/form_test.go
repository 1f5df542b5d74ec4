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

// A form's line breaks are LF once read (a browser sends a text box's as
// CR LF), except in a password, which is every byte as typed.
func TestFormLineBreaksAreLF(t *testing.T) {
	r := httptest.NewRequest(http.MethodPost, "/console/filings/x/decision",
		strings.NewReader("comment=a%0D%0Ab%0Dc&remark%3Agoals=x%0D%0Ay&password=p%0D%0Aw&new_password=n%0Dw"))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if got := formProblem(r); got != 0 {
		t.Fatalf("read: %d", got)
	}
	for k, want := range map[string]string{"comment": "a\nb\nc", "remark:goals": "x\ny", "password": "p\r\nw", "new_password": "n\rw"} {
		if got := r.PostFormValue(k); got != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
}
