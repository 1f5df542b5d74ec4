// Package serve sends the bureau's files (a unit's attachments, printed
// copies) to the API and the review console alike.
package serve

import (
	"io"
	"net/http"
	"strings"
	"time"

	"egovdesk/sync/protocol"
)

// CacheControl is the Cache-Control of filed documents: the browsers of
// shared office PCs are not to keep them on disk.
const CacheControl = "private, no-store"

// Content sends content as http.ServeContent does (ranges, conditional
// requests), with CacheControl and at most protocol.MaxRanges ranges. The caller
// sets Content-Type and Content-Disposition.
func Content(w http.ResponseWriter, r *http.Request, mod time.Time, content io.ReadSeeker) {
	w.Header().Set("Cache-Control", CacheControl)
	if rg := r.Header.Get("Range"); rg != "" && strings.Count(rg, ",") >= protocol.MaxRanges {
		r.Header.Del("Range")
	}
	http.ServeContent(w, r, "", mod, content)
}
