package server_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"egovdesk/app"
	"egovdesk/app/apptest"
	"egovdesk/sync/bureautest"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server"
)

// clock is a test clock that only moves when told to.
type clock = bureautest.Clock

// cheap argon2id parameters keep the tests fast.
var cheapPasswords = bureautest.CheapPasswords

// fixture is a bureau on a loopback port with two units (A and B), a clerk
// in each, a reviewer and an admin, all logged in.
type fixture struct {
	tb     testing.TB
	bureau *bureautest.Bureau
	srv    *server.Server
	http   *httptest.Server // nil for MustServedBureau
	url    string           // of the API's root
	addr   string           // host:port of the listener
	client *http.Client
	clock  *clock
	dir    string

	unitA, unitB                    server.Unit
	clerkA, clerkB, reviewer, admin string // tokens
}

const password = bureautest.Password

// MustBureau returns a running fixture, closed when the test ends.
func MustBureau(tb testing.TB, configure ...func(*server.Config)) *fixture {
	tb.Helper()
	return newFixture(tb, false, configure...)
}

// MustServedBureau is MustBureau served by Server.Serve on a loopback port,
// as `bureau serve` runs it: with its connection limits and timeouts,
// which httptest's server does not have.
func MustServedBureau(tb testing.TB, configure ...func(*server.Config)) *fixture {
	tb.Helper()
	return newFixture(tb, true, configure...)
}

func newFixture(tb testing.TB, served bool, configure ...func(*server.Config)) *fixture {
	tb.Helper()
	return newFixtureAt(tb, time.Date(2027, 3, 1, 9, 0, 0, 0, time.FixedZone("CST", 8*3600)), served, configure...)
}

// newFixtureAt is newFixture with its clock at start, in start's zone: the
// bureau's own zone, which need not be Beijing's.
func newFixtureAt(tb testing.TB, start time.Time, served bool, configure ...func(*server.Config)) *fixture {
	tb.Helper()
	clk := bureautest.NewClock(start)
	b := bureautest.Start(tb, bureautest.Options{Clock: clk, Served: served, Config: func(cfg *server.Config) {
		for _, f := range configure {
			f(cfg)
		}
	}})
	srv := b.Server
	fx := &fixture{tb: tb, bureau: b, srv: srv, http: b.HTTP, addr: b.Addr, clock: clk, dir: b.Dir,
		client: &http.Client{Timeout: 20 * time.Second, Transport: b.Transport(nil)}}
	var err error
	fx.url = "http://" + fx.addr
	ctx := context.Background()
	if fx.unitA, err = srv.AddUnit(ctx, "霍邱县城关镇人民政府", "11341522003064951U"); err != nil {
		tb.Fatal(err)
	}
	if fx.unitB, err = srv.AddUnit(ctx, "霍邱县新店镇人民政府", "11341522MB1234567F"); err != nil {
		tb.Fatal(err)
	}
	unitCodes.Store(fx.unitA.ID, fx.unitA)
	unitCodes.Store(fx.unitB.ID, fx.unitB)
	accounts := []server.NewAccount{
		{Login: "clerk-a", Name: "李梅", Role: app.RoleUnit, UnitID: fx.unitA.ID, Password: password},
		{Login: "clerk-b", Name: "张强", Role: app.RoleUnit, UnitID: fx.unitB.ID, Password: password},
		{Login: "reviewer", Name: "王审核", Role: app.RoleReviewer, Password: password},
		{Login: "admin", Name: "系统管理员", Role: app.RoleAdmin, Password: password},
	}
	for _, a := range accounts {
		if _, err := srv.AddAccount(ctx, a); err != nil {
			tb.Fatal(err)
		}
	}
	fx.clerkA = fx.login("clerk-a").Token
	fx.clerkB = fx.login("clerk-b").Token
	fx.reviewer = fx.login("reviewer").Token
	fx.admin = fx.login("admin").Token
	return fx
}

func (fx *fixture) login(login string) protocol.LoginResponse {
	fx.tb.Helper()
	var resp protocol.LoginResponse
	fx.mustJSON("POST", protocol.PathLogin, "", protocol.LoginRequest{Login: login, Password: password}, http.StatusOK, &resp)
	return resp
}

// changeFirst checks that login cannot log in with old, an initial or
// reset password, before changing it (403 password_change_required),
// changes it to new with POST /password, whose token it returns.
func (fx *fixture) changeFirst(login, old, new string) protocol.LoginResponse {
	fx.tb.Helper()
	fx.expectProblem("POST", protocol.PathLogin, "", protocol.LoginRequest{Login: login, Password: old}, http.StatusForbidden, protocol.CodePasswordChange)
	var resp protocol.LoginResponse
	fx.mustJSON("POST", protocol.PathPassword, "", protocol.PasswordChangeRequest{Login: login, Password: old, NewPassword: new}, http.StatusOK, &resp)
	return resp
}

// response is an answer read in full.
type response struct {
	*http.Response
	body []byte
}

func (r response) problem(tb testing.TB) protocol.Problem {
	tb.Helper()
	if ct := r.Header.Get("Content-Type"); ct != protocol.MediaProblem {
		tb.Fatalf("%s: Content-Type %q, want problem+json; body %s", r.Request.URL.Path, ct, r.body)
	}
	var p protocol.Problem
	if err := json.Unmarshal(r.body, &p); err != nil {
		tb.Fatalf("decode problem: %v: %s", err, r.body)
	}
	if p.Status != r.StatusCode || p.Code == "" || p.Detail == "" {
		tb.Fatalf("malformed problem for %d: %s", r.StatusCode, r.body)
	}
	return p
}

// do sends a request; body is JSON unless it is []byte.
func (fx *fixture) do(method, path, token string, body any, header ...string) response {
	fx.tb.Helper()
	var rd io.Reader
	ct := ""
	switch b := body.(type) {
	case nil:
	case []byte:
		rd, ct = bytes.NewReader(b), protocol.MediaChunk
	default:
		data, err := json.Marshal(b)
		if err != nil {
			fx.tb.Fatal(err)
		}
		rd, ct = bytes.NewReader(data), protocol.MediaJSON
	}
	req, err := http.NewRequest(method, fx.url+path, rd)
	if err != nil {
		fx.tb.Fatal(err)
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if token != "" {
		req.Header.Set(protocol.HeaderAuthorization, "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := fx.client.Do(req)
	if err != nil {
		fx.tb.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		fx.tb.Fatalf("%s %s: read: %v", method, path, err)
	}
	checkAnswer(fx.tb, method, path, resp.StatusCode, resp.Header, data)
	return response{resp, data}
}

// mustJSON sends a request, expects status and decodes the answer into out.
func (fx *fixture) mustJSON(method, path, token string, body any, status int, out any, header ...string) response {
	fx.tb.Helper()
	r := fx.do(method, path, token, body, header...)
	if r.StatusCode != status {
		fx.tb.Fatalf("%s %s: status %d, want %d: %s", method, path, r.StatusCode, status, r.body)
	}
	if out != nil {
		if err := json.Unmarshal(r.body, out); err != nil {
			fx.tb.Fatalf("%s %s: decode: %v: %s", method, path, err, r.body)
		}
	}
	return r
}

// expectProblem sends a request and expects a problem with status and code.
func (fx *fixture) expectProblem(method, path, token string, body any, status int, code string, header ...string) protocol.Problem {
	fx.tb.Helper()
	r := fx.do(method, path, token, body, header...)
	if r.StatusCode != status {
		fx.tb.Fatalf("%s %s: status %d, want %d: %s", method, path, r.StatusCode, status, r.body)
	}
	p := r.problem(fx.tb)
	if code != "" && p.Code != code {
		fx.tb.Fatalf("%s %s: code %s, want %s: %s", method, path, p.Code, code, r.body)
	}
	return p
}

// unitCodes holds each unit the fixtures add (a server.Unit), by ID: a
// filing is made in its unit's name (app.CheckOwnUnit), so the test
// filings of a unit carry its name and code (ownUnit).
var unitCodes sync.Map

// ownUnit puts the name and credit code of f's unit, when a fixture added
// it, into f's unit fields.
func ownUnit(f *app.Filing) {
	v, ok := unitCodes.Load(f.UnitID)
	if !ok {
		return
	}
	u, own := v.(server.Unit), f.Body().OwnUnit()
	if own.Name != nil {
		*own.Name = u.Name
	}
	if own.Code != nil && app.ValidCreditCode(*own.Code) {
		*own.Code = u.Code
	}
}

// newFiling returns a draft declaration of unit with the given attachments.
func newFiling(tb testing.TB, unit string, files ...[]byte) *app.Filing {
	tb.Helper()
	f, err := app.NewFiling(app.KindDeclaration, uuid.NewString(), uuid.NewString(), unit, time.Now())
	if err != nil {
		tb.Fatal(err)
	}
	f.Declaration = apptest.Declaration()
	ownUnit(f)
	for i, data := range files {
		f.Attachments = append(f.Attachments, app.Attachment{Material: "proposal", Name: "附件" + strconv.Itoa(i+1) + ".pdf",
			SHA256: sha(data), Size: int64(len(data)), MediaType: "application/pdf"})
	}
	return f
}

func sha(data []byte) string {
	h := sha256.Sum256(data)
	return hex.EncodeToString(h[:])
}

func submitReq(tb testing.TB, f *app.Filing) protocol.SubmitRequest {
	tb.Helper()
	ownUnit(f)
	req, err := protocol.NewSubmitRequest(f.Body())
	if err != nil {
		tb.Fatal(err)
	}
	return req
}

func revPath(f *app.Filing) string {
	return protocol.Path(protocol.PathRevision, f.ID, f.Revision.ID)
}

// submit sends f's current revision as token and expects status.
func (fx *fixture) submit(token string, f *app.Filing, status int) protocol.Receipt {
	fx.tb.Helper()
	var rc protocol.Receipt
	fx.mustJSON("POST", revPath(f), token, submitReq(fx.tb, f), status, &rc)
	return rc
}

// upload sends data whole in chunks of n bytes as token.
func (fx *fixture) upload(token string, data []byte, n int) protocol.UploadStatus {
	fx.tb.Helper()
	path := protocol.Path(protocol.PathAttachment, sha(data))
	var st protocol.UploadStatus
	for off := 0; ; off += n {
		end := min(off+n, len(data))
		r := fx.do("PATCH", path, token, data[off:end], protocol.HeaderUploadOffset, strconv.Itoa(off),
			protocol.HeaderUploadLength, strconv.Itoa(len(data)))
		if r.StatusCode != http.StatusOK {
			fx.tb.Fatalf("PATCH at %d: %d %s", off, r.StatusCode, r.body)
		}
		if err := json.Unmarshal(r.body, &st); err != nil {
			fx.tb.Fatal(err)
		}
		if end == len(data) {
			return st
		}
	}
}

// decide takes a decision as token, on what token sees of the filing now
// (seen), and expects status.
func (fx *fixture) decide(token, filingID string, action app.Action, comment string, status int) protocol.DecisionResponse {
	fx.tb.Helper()
	var resp protocol.DecisionResponse
	fx.mustJSON("POST", protocol.Path(protocol.PathDecisions, filingID), token,
		protocol.DecisionRequest{Action: action, Comment: comment}, status, &resp, fx.seen(token, filingID)...)
	return resp
}

// seen returns the If-Match header of a decision on what token sees of
// filing id now — the review detail's ETag, as a script reads it before
// deciding — or nothing when token may not read it.
func (fx *fixture) seen(token, id string) []string {
	fx.tb.Helper()
	r := fx.do("GET", protocol.Path(protocol.PathReviewFiling, id), token, nil)
	if tag := r.Header.Get("ETag"); r.StatusCode == http.StatusOK && tag != "" {
		return []string{protocol.HeaderIfMatch, tag}
	}
	return nil
}

// reopen closes the fixture's server and opens its Badger directory again
// with the same clock, closed when the test ends.
func (fx *fixture) reopen() *server.Server {
	fx.tb.Helper()
	fx.http.Close()
	if err := fx.srv.Close(); err != nil {
		fx.tb.Fatal(err)
	}
	srv, err := server.Open(context.Background(), server.Config{DataDir: fx.dir, Now: fx.clock.Now, Password: cheapPasswords})
	if err != nil {
		fx.tb.Fatal(err)
	}
	fx.tb.Cleanup(func() { srv.Close() })
	return srv
}

// with returns the fixture reporting to tb, for use inside fuzz targets.
func (fx *fixture) with(tb testing.TB) *fixture {
	c := *fx
	c.tb = tb
	c.bureau.ReportTo(tb)
	return &c
}

// statutoryDays lists the days off every year's notice has (元旦, 劳动节,
// 国庆节), which a profile's calendar must list, for each of years: a
// made-up notice, a test's own.
func statutoryDays(years ...int) []any {
	var out []any
	for _, y := range years {
		for _, md := range []string{"01-01", "05-01", "10-01", "10-02", "10-03"} {
			out = append(out, fmt.Sprintf("%d-%s", y, md))
		}
	}
	return out
}
