package server_test

import (
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"egovdesk/app"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server"
)

var codeInText = regexp.MustCompile(`核验码 ([0-9a-z]{1,8}-[0-9]+-[0-9a-f]{12})`)

// printedCode downloads the PDF of revision rev of filing id as a reviewer
// and reads the verification code back from its text, as from paper.
func (fx *fixture) printedCode(t *testing.T, id, rev string) string {
	t.Helper()
	r := fx.do("GET", protocol.Path(protocol.PathReviewPDF, id, rev), fx.reviewer, nil)
	if r.StatusCode != http.StatusOK || r.Header.Get("Content-Type") != protocol.MediaPDF {
		t.Fatalf("PDF of %s/%s: %d %s: %.300s", id, rev, r.StatusCode, r.Header.Get("Content-Type"), r.body)
	}
	path := filepath.Join(t.TempDir(), "filing.pdf")
	if err := os.WriteFile(path, r.body, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-f", "3", "-l", "3", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	m := codeInText.FindStringSubmatch(string(out))
	if m == nil {
		t.Fatalf("no verification code in page 3's text:\n%s", out)
	}
	return m[1]
}

// TestPrintVerifyRoundTrip prints a received revision, reads its code from
// the PDF's text, and checks it at the bureau: it names the right revision
// while current, still names it after a new revision (no longer current),
// the new revision prints a different code, and a code whose digest was
// altered is not found.
func TestPrintVerifyRoundTrip(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (poppler-utils) is not installed")
	}
	fx := MustBureau(t)
	f := newFiling(t, fx.unitA.ID)
	rc1 := fx.submit(fx.clerkA, f, http.StatusCreated)
	code1 := fx.printedCode(t, f.ID, "1")
	if want := (app.PrintCode{RevisionID: f.Revision.ID, Revision: 1, BodySHA256: rc1.BodySHA256}).String(); code1 != want {
		t.Fatalf("printed code %s, want %s", code1, want)
	}
	var v protocol.Verification
	fx.mustJSON("GET", protocol.Path(protocol.PathVerify, code1), fx.reviewer, nil, http.StatusOK, &v)
	if v.FilingID != f.ID || v.Revision != 1 || v.RevisionID != f.Revision.ID || !v.Current || v.BodySHA256 != rc1.BodySHA256 ||
		v.UnitName != fx.unitA.Name || v.Title != f.Declaration.ProjectName {
		t.Fatalf("verify %s = %+v", code1, v)
	}

	// Returned and revised: the first paper still verifies, as not current.
	fx.decide(fx.reviewer, f.ID, app.ActionReturn, "请补充绩效指标", http.StatusOK)
	f.Revision.SubmittedAt = time.Now()
	f.Status = app.StatusReturned
	if err := f.Revise(uuid.NewString(), time.Now()); err != nil {
		t.Fatal(err)
	}
	f.Declaration.Indicators = "事件按时办结率不低于 95%"
	fx.submit(fx.clerkA, f, http.StatusCreated)
	code2 := fx.printedCode(t, f.ID, f.Revision.ID)
	if code2 == code1 {
		t.Fatalf("a changed body printed the same code %s", code2)
	}
	fx.mustJSON("GET", protocol.Path(protocol.PathVerify, code1), fx.reviewer, nil, http.StatusOK, &v)
	if v.Revision != 1 || v.Current || v.CurrentRevision != 2 || v.CurrentRevisionID != f.Revision.ID {
		t.Fatalf("old code after revision 2: %+v", v)
	}
	fx.mustJSON("GET", protocol.Path(protocol.PathVerify, code2), fx.reviewer, nil, http.StatusOK, &v)
	if v.Revision != 2 || !v.Current {
		t.Fatalf("new code: %+v", v)
	}

	// Paper that differs from the electronic copy: same revision, other digest.
	parsed, _ := app.ParsePrintCode(code2)
	parsed.BodySHA256 = "000000000000"
	p := fx.expectProblem("GET", protocol.Path(protocol.PathVerify, parsed.String()), fx.reviewer, nil, http.StatusNotFound, "")
	if !regexp.MustCompile(`正文摘要不符`).MatchString(p.Detail) {
		t.Errorf("altered digest: %s", p.Detail)
	}
	fx.expectProblem("GET", protocol.Path(protocol.PathVerify, "nonsense"), fx.reviewer, nil, http.StatusUnprocessableEntity, "")
	fx.expectProblem("GET", protocol.Path(protocol.PathReviewPDF, f.ID, "9"), fx.reviewer, nil, http.StatusNotFound, "")
	fx.expectProblem("GET", protocol.Path(protocol.PathReviewPDF, f.ID, strconv.Itoa(2)), fx.clerkA, nil, http.StatusForbidden, "")
}

// TestPrintingCharactersPastTheBMP (found from outside): 𠮷 (U+20BB7, in
// real names) made every printed copy of a filing a 500 with a panic in
// the log, and 62 KB of characters no font has made a header of 120 KB.
// They print as □, and the header lists the first 64 and "…".
func TestPrintingCharactersPastTheBMP(t *testing.T) {
	fx := MustBureau(t)
	f := newFiling(t, fx.unitA.ID)
	f.Declaration.Contact.Leader = "吉𠮷"
	var rare []rune
	for r := rune(0x20000); r < 0x20000+200; r++ {
		rare = append(rare, r)
	}
	f.Declaration.Goals = string(rare)
	fx.submit(fx.clerkA, f, http.StatusCreated)
	r := fx.do("GET", protocol.Path(protocol.PathReviewPDF, f.ID, "1"), fx.reviewer, nil)
	if r.StatusCode != http.StatusOK || r.Header.Get("Content-Type") != protocol.MediaPDF {
		t.Fatalf("PDF: %d %s: %.300s", r.StatusCode, r.Header.Get("Content-Type"), r.body)
	}
	listed, err := url.QueryUnescape(r.Header.Get(protocol.HeaderUnprintable))
	if err != nil {
		t.Fatal(err)
	}
	if want := string(rare[:protocol.MaxUnprintableListed]) + "…"; listed != want {
		t.Fatalf("%s: %q (%d characters), want the first %d and …", protocol.HeaderUnprintable, listed,
			utf8.RuneCountInString(listed), protocol.MaxUnprintableListed)
	}
}

// TestPrintsAreBounded (found from outside): prints had no bound, and the
// console no per-session bound on requests in progress: 16 prints of one
// large filing at once from one reviewer's session took 4.3 GB, and forty
// kept another reviewer's copy waiting 90 s. At most two copies are
// printed at once (the others wait), an account has at most two waiting
// or printing, and a console session has at most AccountRequests requests
// in progress, as an account has on the API.
func TestPrintsAreBounded(t *testing.T) {
	fx := MustBureau(t, func(c *server.Config) { c.AccountRequests = 2 })
	f := newFiling(t, fx.unitA.ID)
	fx.submit(fx.clerkA, f, http.StatusCreated)
	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	release := sync.OnceFunc(server.HoldPrinters(fx.srv))
	t.Cleanup(release)
	results := make(chan *http.Response, 2)
	for range 2 {
		go func() {
			resp, err := b.c.Get(fx.http.URL + "/console/filings/" + f.ID + "/revisions/1/pdf")
			if err != nil {
				t.Error(err)
				resp = &http.Response{}
			} else {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			results <- resp
		}()
	}
	// Both prints counted in the session and in the account's print queue:
	// a request in progress may not have reached the queue yet (on
	// PostgreSQL, CI saw the third print below take its place).
	for deadline := time.Now().Add(10 * time.Second); server.RequestsInProgress(fx.srv) != 2 || server.PrintsQueued(fx.srv) != 2; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d requests in progress, %d prints queued, want the 2 prints waiting for a printer",
				server.RequestsInProgress(fx.srv), server.PrintsQueued(fx.srv))
		}
	}
	if resp := b.get("/console/"); resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(b.last, "同时进行的请求过多") {
		t.Fatalf("a third request of the session: %d %s", resp.StatusCode, b.last)
	}
	// A third print of the same account, through the API: refused, not
	// queued behind the printers for everyone else.
	pdf := protocol.Path(protocol.PathReviewPDF, f.ID, "1")
	if r := fx.do("GET", pdf, fx.reviewer, nil); r.StatusCode != http.StatusTooManyRequests || !strings.Contains(string(r.body), "正在打印") {
		t.Fatalf("a third print of one account: %d %s", r.StatusCode, r.body)
	}
	other := fx.browser()
	other.login("reviewer", http.StatusSeeOther) // another session is not held up
	select {
	case resp := <-results:
		t.Fatalf("a print went past the printers held: %d", resp.StatusCode)
	case <-time.After(100 * time.Millisecond):
	}
	release()
	for range 2 {
		if resp := <-results; resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != protocol.MediaPDF {
			t.Fatalf("a print once a printer was free: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
	}
}
