package serve

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// Ranges over a real loopback server, as a download client or a hostile
// one sends them: what reads as bytes is served (206, or 416 when outside
// the file, also the last 0 bytes); what does not read as a Range at all
// (another unit, ranges that do not parse) is ignored and the whole file
// sent, as RFC 9110 (14.2) has it. Go refused those with 416 "not
// satisfiable", and the API's problem then said the range was outside the
// file (found over a raw socket).
func TestContentRanges(t *testing.T) {
	file := bytes.Repeat([]byte("0123456789"), 10) // 100 bytes
	for _, refusing := range []bool{true, false} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/pdf")
			var refused func(http.ResponseWriter)
			if refusing {
				refused = func(w http.ResponseWriter) {
					w.Header().Set("Content-Type", "application/problem+json")
					w.WriteHeader(http.StatusRequestedRangeNotSatisfiable)
					io.WriteString(w, `{"code":"range_not_satisfiable"}`)
				}
			}
			Content(w, r, time.Unix(1e9, 0), bytes.NewReader(file), refused)
		}))
		for _, c := range []struct {
			rg     string
			status int
			body   string // "" for the whole file
		}{
			{"bytes=0-4", 206, "01234"},
			{"Bytes = 0-4", 206, "01234"}, // the unit in any case, spaces around
			{"bytes=-3", 206, "789"},
			{"bytes=95-", 206, "56789"},
			{"bytes=, 0-1,", 206, "01"}, // empty elements are ignored
			{"bytes=200-", 416, ""},
			{"bytes=-0", 416, ""},
			{"items=0-1", 200, ""},
			{"bytes=abc", 200, ""},
			{"bytes=5-3", 200, ""},
			{"bytes=0-1-2", 200, ""},
			{"bytes=--1", 200, ""},
			{"bytes=", 200, ""},
			{"bytes=99999999999999999999-", 200, ""},
			{"0-4", 200, ""},
		} {
			req, _ := http.NewRequest("GET", srv.URL, nil)
			req.Header.Set("Range", c.rg)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			what := fmt.Sprintf("refused %v, Range %q", refusing, c.rg)
			if resp.StatusCode != c.status {
				t.Errorf("%s: %d, want %d", what, resp.StatusCode, c.status)
				continue
			}
			switch c.status {
			case 206:
				if string(got) != c.body {
					t.Errorf("%s: %q, want %q", what, got, c.body)
				}
			case 200:
				if !bytes.Equal(got, file) {
					t.Errorf("%s: %d bytes, want the whole file", what, len(got))
				}
			case 416:
				if cr := resp.Header.Get("Content-Range"); cr != "bytes */100" {
					t.Errorf("%s: Content-Range %q", what, cr)
				}
				if refusing != bytes.Contains(got, []byte("range_not_satisfiable")) {
					t.Errorf("%s: %s", what, got)
				}
			}
		}
		srv.Close()
	}
}
