package console

import (
	"net/http"
	"strings"

	"egovdesk/app"
	"egovdesk/sync/protocol"
)

type verifyView struct {
	Code  string
	V     *protocol.Verification
	Error string
}

// verify checks a verification code read off a printed filing's footer (or
// its QR code): which filing and revision it belongs to, and whether that
// is still the current revision, so paper and the electronic filing cannot
// silently differ.
func (c *Console) verify(w http.ResponseWriter, r *http.Request, s *session) {
	code := strings.TrimSpace(r.URL.Query().Get("code"))
	v := verifyView{Code: code}
	status := http.StatusOK
	if code != "" {
		res, err := c.b.Verify(r.Context(), s.token, code)
		switch app.ErrorCode(err) {
		case "":
			v.V = &res
		case app.EINVALID, app.ENOTFOUND:
			v.Error = app.ErrorMessage(err)
		default:
			c.fail(w, r, err)
			return
		}
	}
	c.render(w, r, status, "verify", page{Title: "核验纸质件", Session: s, Data: v})
}
