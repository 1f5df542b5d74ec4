// Package serve sends the bureau's files (a unit's attachments, printed
// copies) to the API and the review console alike.
package serve

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"egovdesk/sync/protocol"
)

// CacheControl is the Cache-Control of filed documents: the browsers of
// shared office PCs are not to keep them on disk.
const CacheControl = "private, no-store"

// Content sends content as http.ServeContent does (ranges, conditional
// requests), with CacheControl and at most protocol.MaxRanges ranges. The caller
// sets Content-Type and Content-Disposition. A Range outside the content
// is answered by refused, when it is not nil, with the 416 status and the
// Content-Range Go set (the API's problem+json), instead of Go's plain
// text. A Range that does not read as one (a unit other than bytes, ranges
// that do not parse) is ignored, as RFC 9110 (14.2) has a server do, and
// the whole file sent: Go refused it as outside the file, which it is not.
func Content(w http.ResponseWriter, r *http.Request, mod time.Time, content io.ReadSeeker, refused func(w http.ResponseWriter)) {
	w.Header().Set("Cache-Control", CacheControl)
	if rg := r.Header.Get("Range"); rg != "" {
		if clean, ok := readRange(rg); ok && strings.Count(clean, ",") < protocol.MaxRanges {
			r.Header.Set("Range", clean)
		} else {
			r.Header.Del("Range")
		}
	}
	if refused != nil {
		w = &rangeRefusal{ResponseWriter: w, refused: refused}
	}
	if zeroSuffix(r.Header.Get("Range")) {
		// The last 0 bytes: Go answers 206 with nothing and "bytes
		// 91-90/91"; RFC 9110 (14.1.1) calls a suffix of 0 unsatisfiable
		// (found over a raw socket).
		if size, err := content.Seek(0, io.SeekEnd); err == nil {
			w.Header().Set("Content-Range", "bytes */"+strconv.FormatInt(size, 10))
		}
		if refused == nil {
			w.Header().Del("Content-Disposition")
			http.Error(w, "416 requested range not satisfiable", http.StatusRequestedRangeNotSatisfiable)
			return
		}
		w.WriteHeader(http.StatusRequestedRangeNotSatisfiable)
		return
	}
	http.ServeContent(w, r, "", mod, content)
}

// readRange reads a Range header's value as RFC 9110 (14.1.2) writes one
// in bytes: the unit (in any case) and ranges "first-last", "first-" or
// "-suffix" separated by commas. It returns the value as Go's ServeContent
// reads it ("bytes=" in lower case, without the spaces) and whether it
// read; a last before its first does not.
func readRange(rg string) (string, bool) {
	unit, spec, ok := strings.Cut(strings.TrimSpace(rg), "=")
	if !ok || !strings.EqualFold(strings.TrimSpace(unit), "bytes") {
		return "", false
	}
	digits := func(s string) bool {
		return s != "" && strings.Trim(s, "0123456789") == "" && len(s) <= 18 // fits an int64
	}
	var parts []string
	for _, part := range strings.Split(spec, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue // RFC 9110 5.6.1: empty list elements are ignored
		}
		first, last, ok := strings.Cut(part, "-")
		first, last = strings.TrimSpace(first), strings.TrimSpace(last)
		switch {
		case !ok:
			return "", false
		case first == "":
			if !digits(last) {
				return "", false
			}
		case !digits(first) || last != "" && !digits(last):
			return "", false
		case last != "":
			a, _ := strconv.ParseInt(first, 10, 64)
			b, _ := strconv.ParseInt(last, 10, 64)
			if b < a {
				return "", false
			}
		}
		parts = append(parts, first+"-"+last)
	}
	if len(parts) == 0 {
		return "", false
	}
	return "bytes=" + strings.Join(parts, ","), true
}

// zeroSuffix reports whether rg asks only for the last 0 bytes.
func zeroSuffix(rg string) bool {
	spec, ok := strings.CutPrefix(strings.TrimSpace(rg), "bytes=")
	if !ok {
		return false
	}
	for _, part := range strings.Split(spec, ",") {
		if n, ok := strings.CutPrefix(strings.TrimSpace(part), "-"); !ok || strings.TrimLeft(n, "0") != "" || n == "" {
			return false
		}
	}
	return true
}

// rangeRefusal hands a 416 to its refused and drops what Go writes after.
type rangeRefusal struct {
	http.ResponseWriter
	refused func(w http.ResponseWriter)
	done    bool
}

func (w *rangeRefusal) WriteHeader(code int) {
	if code != http.StatusRequestedRangeNotSatisfiable || w.done {
		w.ResponseWriter.WriteHeader(code)
		return
	}
	w.done = true
	h := w.Header()
	for _, k := range []string{"Content-Length", "Content-Disposition", "X-Content-Type-Options"} {
		h.Del(k)
	}
	w.refused(w.ResponseWriter)
}

func (w *rangeRefusal) Write(b []byte) (int, error) {
	if w.done {
		return len(b), nil // Go's text after the 416
	}
	return w.ResponseWriter.Write(b)
}
