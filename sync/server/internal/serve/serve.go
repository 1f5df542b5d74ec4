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
// text.
func Content(w http.ResponseWriter, r *http.Request, mod time.Time, content io.ReadSeeker, refused func(w http.ResponseWriter)) {
	w.Header().Set("Cache-Control", CacheControl)
	if rg := r.Header.Get("Range"); rg != "" && strings.Count(rg, ",") >= protocol.MaxRanges {
		r.Header.Del("Range")
	}
	if refused != nil {
		w = &rangeRefusal{ResponseWriter: w, refused: refused}
		if zeroSuffix(r.Header.Get("Range")) {
			// The last 0 bytes: Go answers 206 with nothing and
			// "bytes 91-90/91"; RFC 9110 (14.1.1) calls a suffix of 0
			// unsatisfiable (found over a raw socket).
			if size, err := content.Seek(0, io.SeekEnd); err == nil {
				w.Header().Set("Content-Range", "bytes */"+strconv.FormatInt(size, 10))
			}
			w.WriteHeader(http.StatusRequestedRangeNotSatisfiable)
			return
		}
	}
	http.ServeContent(w, r, "", mod, content)
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
