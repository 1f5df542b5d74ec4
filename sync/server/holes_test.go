package server_test

// The holes an outside test of the running bureau found (issue 12, section
// 1), each sent as the hostile or careless client sent it: over a real
// socket to the server as Server.Serve runs it.

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"mime"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"egovdesk/app"
	"egovdesk/app/apptest"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server"
	"egovdesk/sync/server/badgerstore"
	"egovdesk/sync/server/bureaustore"
)

// dialFrom connects to the fixture's server from source address ip (any
// 127.x.y.z reaches a loopback listener on Linux).
// trickle connects from ip, sends head and then the byte b once a second
// (for two minutes) until the server cuts the connection.
func (fx *fixture) trickle(t *testing.T, ip, head string, b byte) net.Conn {
	t.Helper()
	c, err := fx.dialFrom(ip)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if _, err := io.WriteString(c, head); err != nil {
		t.Fatal(err)
	}
	go func() {
		for range 120 {
			time.Sleep(time.Second)
			if _, err := c.Write([]byte{b}); err != nil {
				return
			}
		}
	}()
	return c
}

func (fx *fixture) dialFrom(ip string) (net.Conn, error) {
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 5 * time.Second}
	return d.Dial("tcp", fx.addr)
}

// clientFrom returns an HTTP client whose connections come from ip.
func (fx *fixture) clientFrom(ip string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 5 * time.Second}
	return &http.Client{Timeout: 20 * time.Second, Transport: &http.Transport{DialContext: d.DialContext, DisableKeepAlives: true}}
}

// raw sends req, the bytes of a whole HTTP request, on a new connection
// and reads the answer.
func (fx *fixture) raw(req string) response {
	fx.tb.Helper()
	c, err := net.Dial("tcp", fx.addr)
	if err != nil {
		fx.tb.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(20 * time.Second))
	if _, err := io.WriteString(c, req); err != nil {
		fx.tb.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		fx.tb.Fatalf("read answer: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		fx.tb.Fatal(err)
	}
	resp.Request, _ = http.NewRequest("GET", fx.url, nil)
	if f := strings.Fields(req); len(f) >= 2 {
		checkAnswer(fx.tb, f[0], f[1], resp.StatusCode, resp.Header, body)
	}
	return response{resp, body}
}

// rawJSON is the request line, headers and body of a JSON request.
func rawJSON(method, path, token, contentType string, body []byte) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: bureau\r\nConnection: close\r\n", method, path)
	if token != "" {
		fmt.Fprintf(&b, "Authorization: Bearer %s\r\n", token)
	}
	if contentType != "" {
		fmt.Fprintf(&b, "Content-Type: %s\r\n", contentType)
	}
	fmt.Fprintf(&b, "Content-Length: %d\r\n\r\n", len(body))
	b.Write(body)
	return b.String()
}

// TestAnswersNotTakenAreDropped (found from outside): a client that asks
// for a large answer and then never reads it — or reads it slower than
// the stated minimum — had the server hold the answer in memory and the
// handler blocked for as long as the connection stayed open (300 such
// connections held 4.45 GB). The answer is now written under a deadline
// that moves with progress, and the connection is closed when it passes;
// a client that reads goes on getting the whole answer.
func TestAnswersNotTakenAreDropped(t *testing.T) {
	fx := MustServedBureau(t, func(c *server.Config) { c.BodyIdle = time.Second })
	data := bytes.Repeat([]byte("不读不取"), 32<<20/12) // ≈ 32 MiB: more than the sockets' buffers hold
	f := newFiling(t, fx.unitA.ID, data)
	fx.submit(fx.clerkA, f, http.StatusCreated)
	fx.upload(fx.clerkA, data, 8<<20)
	path := protocol.Path(protocol.PathFilingAttachment, f.ID, sha(data))
	get := fmt.Sprintf("GET %s HTTP/1.1\r\nHost: bureau\r\nAuthorization: Bearer %s\r\n\r\n", path, fx.clerkA)

	c, err := net.Dial("tcp", fx.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := io.WriteString(c, get); err != nil {
		t.Fatal(err)
	}
	time.Sleep(4 * time.Second) // never reading, past the idle time
	c.SetReadDeadline(time.Now().Add(30 * time.Second))
	var head bytes.Buffer
	n, err := io.Copy(io.Discard, io.TeeReader(c, &limitedWriter{&head, 400}))
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatalf("the server still holds the answer after %d bytes were read: %v\n%s", n, err, head.Bytes())
	}
	if n >= int64(len(data)) {
		t.Fatalf("the whole answer came (%d bytes) though nobody read it in time", n)
	}

	// A client that reads takes the whole answer under the same limits.
	r := fx.do("GET", path, fx.clerkA, nil)
	if r.StatusCode != http.StatusOK || !bytes.Equal(r.body, data) {
		t.Fatalf("a reading client: %d, %d bytes of %d", r.StatusCode, len(r.body), len(data))
	}
}

// TestAnswersKeepBodiesAsStored (found from outside): a draft of
// "<"s was served six times its size, each escaped as \u003c; and a body
// served other than as stored no longer hashes to its sha256.
func TestAnswersKeepBodiesAsStored(t *testing.T) {
	fx := MustBureau(t)
	body := []byte(`{"text":"` + strings.Repeat("<a&b>", 20000) + `"}`)
	put := []byte(`{"base_version":0,"sha256":"` + sha(body) + `","body":` + string(body) + `}`) // as sent, not re-encoded
	if r := fx.do("PUT", protocol.Path(protocol.PathDraft, "d1"), fx.clerkA, put, "Content-Type", protocol.MediaJSON); r.StatusCode != http.StatusCreated {
		t.Fatalf("PUT draft: %d %s", r.StatusCode, r.body)
	}
	var d protocol.Draft
	r := fx.mustJSON("GET", protocol.Path(protocol.PathDraft, "d1"), fx.clerkA, nil, http.StatusOK, &d)
	if !bytes.Equal(d.Body, body) || d.SHA256 != sha(d.Body) {
		t.Errorf("the draft came back as %.80s…, not as stored", d.Body)
	}
	if len(r.body) > len(body)+1000 {
		t.Errorf("a draft of %d bytes answered in %d", len(body), len(r.body))
	}
}

// limitedWriter keeps the first n bytes written to it.
type limitedWriter struct {
	w *bytes.Buffer
	n int
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	if room := l.n - l.w.Len(); room > 0 {
		l.w.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}

// TestStalledConnectionsAreClosed holds 1,000 connections that stall (no
// bytes, half a header, a header and part of a body, a header and no body)
// from eight addresses, shows the server still answers others at once and
// closes every stalled one at its deadline, giving back the descriptors.
func TestStalledConnectionsAreClosed(t *testing.T) {
	fx := MustServedBureau(t, func(c *server.Config) {
		c.HeaderTimeout = 4 * time.Second
		c.BodyIdle = 4 * time.Second
		c.MaxConnsPerAddr = 200
		c.MaxConns = 1500
	})
	fds := func() int {
		ents, err := os.ReadDir("/proc/self/fd")
		if err != nil {
			t.Skipf("no /proc/self/fd: %v", err)
		}
		return len(ents)
	}
	before := fds()
	const n = 1000
	login := "POST /api/v1/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
	stalls := []string{"", "POST /api/v1/login HTTP/1.1\r\nHost: x\r\n", login + `{"login":`, login}
	conns := make([]net.Conn, n)
	for i := range conns {
		c, err := fx.dialFrom(fmt.Sprintf("127.0.0.%d", 2+i%8))
		if err != nil {
			t.Fatalf("connection %d: %v", i, err)
		}
		defer c.Close()
		if _, err := io.WriteString(c, stalls[i%len(stalls)]); err != nil {
			t.Fatal(err)
		}
		conns[i] = c
	}
	opened := time.Now()
	for fx.srv.OpenConns() < n {
		if time.Since(opened) > 3*time.Second {
			t.Fatalf("server holds %d connections, want %d", fx.srv.OpenConns(), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
	// Both ends of every connection hold a descriptor; a few others of
	// the process (an earlier test's connections, Badger's files) may
	// close meanwhile.
	if got := fds() - before; got < 2*n-16 {
		t.Fatalf("%d descriptors more than before, want the %d of both ends", got, 2*n)
	}

	// The server answers others while it holds them.
	start := time.Now()
	var h protocol.Health
	fx.mustJSON("GET", protocol.PathHealth, "", nil, http.StatusOK, &h)
	fx.login("reviewer")
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("answering took %v while 1,000 connections stalled", d)
	}
	if held := fx.srv.OpenConns(); held < n {
		t.Fatalf("the stalled connections were closed before the others were answered (%d held)", held)
	}

	// Every stalled connection is closed at its deadline; those that sent
	// a whole header are answered 408 first.
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i, c := range conns {
		wg.Go(func() {
			c.SetReadDeadline(time.Now().Add(15 * time.Second))
			got, err := io.ReadAll(c)
			if err != nil && !strings.Contains(err.Error(), "reset") {
				errs <- fmt.Errorf("connection %d (%q…) still open: %v", i, stalls[i%len(stalls)], err)
				return
			}
			if i%len(stalls) >= 2 && !bytes.HasPrefix(got, []byte("HTTP/1.1 408 ")) {
				errs <- fmt.Errorf("connection %d with a stalled body: answer %.60q, want 408", i, got)
			}
		})
	}
	wg.Wait()
	close(errs)
	bad := 0
	for err := range errs {
		if bad++; bad <= 5 {
			t.Error(err)
		}
	}
	if bad > 0 {
		t.Fatalf("%d of %d stalled connections not closed as they should be", bad, n)
	}
	if d := time.Since(opened); d > 12*time.Second {
		t.Errorf("closing the stalled connections took %v", d)
	}
	for _, c := range conns {
		c.Close()
	}
	fx.client.CloseIdleConnections()
	deadline := time.Now().Add(5 * time.Second)
	for fx.srv.OpenConns() > 0 || fds()-before > 20 {
		if time.Now().After(deadline) {
			t.Fatalf("after closing: %d connections held, %d descriptors more than before", fx.srv.OpenConns(), fds()-before)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestTricklingBodyIsCut: a body that keeps coming a byte at a time, never
// silent for long, is still cut once it has had BodyIdle plus its length at
// MinBodyRate.
func TestTricklingBodyIsCut(t *testing.T) {
	fx := MustServedBureau(t, func(c *server.Config) {
		c.BodyIdle = time.Second
		c.MinBodyRate = 100 // a 100-byte body gets 2 s in all
	})
	c, err := net.Dial("tcp", fx.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "POST /api/v1/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n")
	start := time.Now()
	cut := make(chan []byte)
	go func() {
		c.SetReadDeadline(time.Now().Add(20 * time.Second))
		got, _ := io.ReadAll(c)
		cut <- got
	}()
	tick := time.NewTicker(300 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case got := <-cut:
			if d := time.Since(start); d < 1900*time.Millisecond || d > 6*time.Second {
				t.Errorf("cut after %v, want about 2 s", d)
			}
			if !bytes.HasPrefix(got, []byte("HTTP/1.1 408 ")) || !bytes.Contains(got, []byte(protocol.CodeRequestTimeout)) {
				t.Errorf("answer %.200q, want 408 request_timeout", got)
			}
			return
		case <-tick.C:
			c.Write([]byte(" ")) // JSON whitespace, one byte
		}
	}
}

// TestConnectionLimits: past MaxConnsPerAddr from one address, or MaxConns
// in all, a connection is answered 503 with a problem and closed; others
// are served.
func TestConnectionLimits(t *testing.T) {
	fx := MustServedBureau(t, func(c *server.Config) {
		c.MaxConnsPerAddr = 5
		c.MaxConns = 8
	})
	refused := func(from string) bool {
		t.Helper()
		c, err := fx.dialFrom(from)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		io.WriteString(c, "GET "+protocol.PathHealth+" HTTP/1.1\r\nHost: x\r\n\r\n")
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatalf("from %s: %v", from, err)
		}
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode == http.StatusServiceUnavailable {
			var p protocol.Problem
			if err := json.Unmarshal(body, &p); err != nil || p.Code != app.EUNAVAILABLE || p.Detail == "" ||
				resp.Header.Get("Content-Type") != protocol.MediaProblem {
				t.Errorf("503 answer: %s %s", resp.Header.Get("Content-Type"), body)
			}
			return true
		}
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("from %s: %d %s", from, resp.StatusCode, body)
		}
		return false
	}
	var held []net.Conn
	hold := func(from string) {
		c, err := fx.dialFrom(from)
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
	}
	defer func() {
		for _, c := range held {
			c.Close()
		}
	}()
	fx.client.CloseIdleConnections() // the fixture's logins' connection
	waitConns(t, fx, 0)
	for range 5 {
		hold("127.0.0.2")
	}
	waitConns(t, fx, 5)
	if !refused("127.0.0.2") {
		t.Error("a sixth connection from one address was served")
	}
	if refused("127.0.0.3") {
		t.Error("another address was refused")
	}
	// The server must have let go of that connection before three more are
	// held, or the third would be the ninth and refused.
	waitConns(t, fx, 5)
	for range 3 {
		hold("127.0.0.4")
	}
	waitConns(t, fx, 8)
	if !refused("127.0.0.5") {
		t.Error("a connection past MaxConns was served")
	}
	held[0].Close()
	waitConns(t, fx, 7)
	if refused("127.0.0.5") {
		t.Error("still refused after a connection closed")
	}
}

func waitConns(t *testing.T, fx *fixture, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for fx.srv.OpenConns() != n {
		if time.Now().After(deadline) {
			t.Fatalf("server holds %d connections, want %d", fx.srv.OpenConns(), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// submitRaw submits body (the bytes of a revision's body, hashed as they
// are) for filing f as clerk A, on a new connection, with contentType.
func (fx *fixture) submitRaw(f *app.Filing, body []byte, contentType string) response {
	fx.tb.Helper()
	h := sha256.Sum256(body)
	req := fmt.Sprintf(`{"filing_id":%q,"revision_id":%q,"revision":1,"body":%s,"body_sha256":%q}`,
		f.ID, f.Revision.ID, body, hex.EncodeToString(h[:]))
	return fx.raw(rawJSON("POST", revPath(f), fx.clerkA, contentType, []byte(req)))
}

// bodyWith returns f's body as JSON with the string value of the key
// "project_name" replaced by raw (bytes between the quotes, as sent).
func bodyWith(t *testing.T, f *app.Filing, key, raw string) []byte {
	t.Helper()
	data, _, err := f.Body().Encode()
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	json.Unmarshal(data, &m)
	old, _ := json.Marshal(m["declaration"].(map[string]any)[key])
	out := bytes.Replace(data, append([]byte(`"`+key+`":`), old...), []byte(`"`+key+`":"`+raw+`"`), 1)
	if bytes.Equal(out, data) {
		t.Fatalf("no %s in %s", key, data)
	}
	return out
}

// TestTextIsCheckedAsSent: invalid UTF-8, an escaped U+0000 or a lone
// surrogate in a field is refused with 422 naming the field, and nothing is
// stored; the hash was right, so it is the text that is refused.
func TestTextIsCheckedAsSent(t *testing.T) {
	fx := MustServedBureau(t)
	for _, tc := range []struct{ name, raw, want string }{
		{"invalid UTF-8", "项目\xff\xfe", "UTF-8"},
		{"escaped NUL", `项目\u0000名称`, "空字符"},
		{"lone surrogate", `项目\ud800名称`, "代理项"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFiling(t, fx.unitA.ID)
			r := fx.submitRaw(f, bodyWith(t, f, "project_name", tc.raw), protocol.MediaJSON)
			p := r.problem(t)
			if r.StatusCode != http.StatusUnprocessableEntity || p.Code != app.EINVALID || len(p.Errors) != 1 ||
				p.Errors[0].Field != "body.declaration.project_name" || !strings.Contains(p.Detail, tc.want) {
				t.Fatalf("%d %s", r.StatusCode, r.body)
			}
			if !json.Valid(r.body) {
				t.Errorf("the problem is not valid JSON: %q", r.body)
			}
			fx.expectProblem("GET", protocol.Path(protocol.PathFiling, f.ID), fx.clerkA, nil, http.StatusNotFound, app.ENOTFOUND)
		})
	}
	// The same in a batch, and in a login.
	f := newFiling(t, fx.unitA.ID)
	body := bodyWith(t, f, "project_name", "\xff")
	h := sha256.Sum256(body)
	batch := fmt.Sprintf(`{"submissions":[{"filing_id":%q,"revision_id":%q,"revision":1,"body":%s,"body_sha256":%q}]}`,
		f.ID, f.Revision.ID, body, hex.EncodeToString(h[:]))
	r := fx.raw(rawJSON("POST", protocol.PathSubmissions, fx.clerkA, protocol.MediaJSON, []byte(batch)))
	var br protocol.BatchSubmitResponse
	if err := json.Unmarshal(r.body, &br); err != nil || r.StatusCode != 200 || len(br.Results) != 1 || br.Results[0].Status != 422 ||
		br.Results[0].Problem.Errors[0].Field != "body.declaration.project_name" {
		t.Errorf("batch: %d %s", r.StatusCode, r.body)
	}
	r = fx.raw(rawJSON("POST", protocol.PathLogin, "", protocol.MediaJSON, []byte(`{"login":"clerk-a\u0000","password":"x"}`)))
	if p := r.problem(t); r.StatusCode != 422 || p.Errors[0].Field != "login" {
		t.Errorf("login: %d %s", r.StatusCode, r.body)
	}
}

// TestBodyIsDecodedStrictly: an unknown field or deep nesting inside the
// hashed body is refused, not stored and served to reviewers; so is deep
// nesting anywhere in a request.
func TestBodyIsDecodedStrictly(t *testing.T) {
	fx := MustServedBureau(t)
	f := newFiling(t, fx.unitA.ID)
	data, _, err := f.Body().Encode()
	if err != nil {
		t.Fatal(err)
	}
	unknown := append([]byte(`{"x_script":"<script>",`), data[1:]...)
	r := fx.submitRaw(f, unknown, protocol.MediaJSON)
	if p := r.problem(t); r.StatusCode != 422 || !strings.Contains(p.Detail, "x_script") {
		t.Errorf("unknown field: %d %s", r.StatusCode, r.body)
	}
	inner := bytes.Replace(data, []byte(`"declaration":{`), []byte(`"declaration":{"extra":{"a":1},`), 1)
	r = fx.submitRaw(f, inner, protocol.MediaJSON)
	if p := r.problem(t); r.StatusCode != 422 || !strings.Contains(p.Detail, "extra") {
		t.Errorf("unknown nested field: %d %s", r.StatusCode, r.body)
	}
	deep := append(append([]byte(`{"attachments":`), bytes.Repeat([]byte("["), 9000)...), bytes.Repeat([]byte("]"), 9000)...)
	deep = append(append(deep, ','), data[1:]...)
	r = fx.submitRaw(f, deep, protocol.MediaJSON)
	if p := r.problem(t); r.StatusCode != 422 || !strings.Contains(p.Detail, "嵌套") || !strings.HasPrefix(p.Errors[0].Field, "body.attachments[0][0]") {
		t.Errorf("deep nesting: %d %s", r.StatusCode, r.body)
	}
	// In a batch (the slow path: the fast one refuses unknown fields too).
	h := sha256.Sum256(inner)
	batch := fmt.Sprintf(`{"submissions":[{"filing_id":%q,"revision_id":%q,"revision":1,"body":%s,"body_sha25\u0036":%q}]}`,
		f.ID, f.Revision.ID, inner, hex.EncodeToString(h[:]))
	var resp protocol.BatchSubmitResponse
	r = fx.raw(rawJSON("POST", protocol.PathSubmissions, fx.clerkA, protocol.MediaJSON, []byte(batch)))
	if err := json.Unmarshal(r.body, &resp); err != nil || r.StatusCode != 200 || len(resp.Results) != 1 ||
		resp.Results[0].Status != 422 || !strings.Contains(resp.Results[0].Problem.Detail, "extra") {
		t.Errorf("batch with an unknown field in a body: %d %s", r.StatusCode, r.body)
	}
	// A key in another case, or twice: encoding/json would take them, the
	// stored bytes would say something else to a stricter reader.
	for name, body := range map[string][]byte{
		"other case": bytes.Replace(data, []byte(`"project_name":`), []byte(`"Project_Name":`), 1),
		"twice":      bytes.Replace(data, []byte(`"declaration":{`), []byte(`"declaration":{"project_name":"别的项目",`), 1),
	} {
		r := fx.submitRaw(f, body, protocol.MediaJSON)
		if p := r.problem(t); r.StatusCode != 422 || len(p.Errors) != 1 || !strings.HasPrefix(p.Errors[0].Field, "body.declaration.") {
			t.Errorf("%s: %d %s", name, r.StatusCode, r.body)
		}
	}
	fx.expectProblem("GET", protocol.Path(protocol.PathFiling, f.ID), fx.clerkA, nil, http.StatusNotFound, app.ENOTFOUND)
	// The same filing, well formed, goes through.
	if r := fx.submitRaw(f, data, protocol.MediaJSON); r.StatusCode != http.StatusCreated {
		t.Fatalf("well formed: %d %s", r.StatusCode, r.body)
	}
}

// TestFieldsAreBounded: every text field has its limit (app.TextLimit);
// attachment names are bounded and the media type comes from the
// allow-list; ids are short and plain.
func TestFieldsAreBounded(t *testing.T) {
	fx := MustServedBureau(t)
	fields := func(r response) []string {
		t.Helper()
		p := r.problem(t)
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("%d %s", r.StatusCode, r.body)
		}
		var out []string
		for _, e := range p.Errors {
			out = append(out, e.Field)
		}
		return out
	}
	f := newFiling(t, fx.unitA.ID, []byte("pdf"))
	f.Declaration.Goals = strings.Repeat("a", 1_200_000)
	f.Declaration.Contact.Person = strings.Repeat("李", app.MaxShortText+1)
	f.Attachments[0].Name = strings.Repeat("名", 200_000) + ".pdf"
	req := submitReq(t, f)
	data, _ := json.Marshal(req)
	got := fields(fx.raw(rawJSON("POST", revPath(f), fx.clerkA, protocol.MediaJSON, data)))
	for _, want := range []string{"goals", "contact.person", "attachments[0].name"} {
		if !strings.Contains(strings.Join(got, " "), want) {
			t.Errorf("fields %v, want %s among them", got, want)
		}
	}

	f = newFiling(t, fx.unitA.ID, []byte("pdf"))
	f.Attachments[0].MediaType = "text/html\r\nSet-Cookie: session=stolen"
	data, _ = json.Marshal(submitReq(t, f))
	if got := fields(fx.raw(rawJSON("POST", revPath(f), fx.clerkA, protocol.MediaJSON, data))); len(got) != 1 || got[0] != "attachments[0].media_type" {
		t.Errorf("media type: fields %v", got)
	}
	f.Attachments[0].MediaType = "text/html"
	data, _ = json.Marshal(submitReq(t, f))
	if got := fields(fx.raw(rawJSON("POST", revPath(f), fx.clerkA, protocol.MediaJSON, data))); len(got) != 1 || got[0] != "attachments[0].media_type" {
		t.Errorf("text/html: fields %v", got)
	}
	f.Attachments[0].MediaType = "APPLICATION/PDF"
	data, _ = json.Marshal(submitReq(t, f))
	if r := fx.raw(rawJSON("POST", revPath(f), fx.clerkA, protocol.MediaJSON, data)); r.StatusCode != http.StatusCreated {
		t.Errorf("application/pdf in upper case: %d %s", r.StatusCode, r.body)
	}

	f = newFiling(t, fx.unitA.ID)
	f.ID = strings.Repeat("a", 100)
	data, _ = json.Marshal(submitReq(t, f))
	if got := fields(fx.raw(rawJSON("POST", revPath(f), fx.clerkA, protocol.MediaJSON, data))); !strings.Contains(strings.Join(got, " "), "filing_id") {
		t.Errorf("long id: fields %v", got)
	}
}

// TestAttachmentDisposition: the name comes back in a Content-Disposition
// as RFC 6266 builds it (filename* percent-encoded UTF-8, an ASCII
// filename), whatever it holds.
func TestAttachmentDisposition(t *testing.T) {
	fx := MustServedBureau(t)
	pdf := []byte("%PDF-1.7 test")
	f := newFiling(t, fx.unitA.ID, pdf)
	f.Attachments[0].Name = `可研报告 "终稿";100%.pdf`
	fx.submit(fx.clerkA, f, http.StatusCreated)
	fx.upload(fx.clerkA, pdf, 1024)
	r := fx.do("GET", protocol.Path(protocol.PathReviewAttachment, f.ID, sha(pdf)), fx.reviewer, nil)
	if r.StatusCode != http.StatusOK || !bytes.Equal(r.body, pdf) {
		t.Fatalf("%d %q", r.StatusCode, r.body)
	}
	want := `attachment; filename="____ ____;100_.pdf"; filename*=UTF-8''%E5%8F%AF%E7%A0%94%E6%8A%A5%E5%91%8A%20_%E7%BB%88%E7%A8%BF_%3B100%25.pdf`
	if got := r.Header.Get("Content-Disposition"); got != want {
		t.Errorf("Content-Disposition\n got %s\nwant %s", got, want)
	}
	if got := r.Header.Get("Content-Type"); got != "application/pdf" {
		t.Errorf("Content-Type %q", got)
	}
}

// TestMediaTypeAndAuthorizationAsTheRFCsSay: Content-Type is parsed
// (case-insensitive, exact type, parameters apart; none at all is 415), a
// content coding other than identity is 415, and
// the Bearer scheme is case-insensitive.
func TestMediaTypeAndAuthorizationAsTheRFCsSay(t *testing.T) {
	fx := MustServedBureau(t)
	login := []byte(`{"login":"clerk-a","password":"` + password + `"}`)
	for _, tc := range []struct {
		ct   string
		want int
	}{
		{"application/json", 200},
		{"APPLICATION/JSON", 200},
		{"Application/Json; charset=UTF-8", 200},
		{"application/json;charset=gbk", 415},
		{"application/jsonx", 415},
		{"text/plain", 415},
		{"application/json garbage", 415},
		{"", 415},
		// a content coding the bureau does not decode (found from outside:
		// a gzipped body was refused as "not valid JSON")
		{"application/json\r\nContent-Encoding: gzip", 415},
		{"application/json\r\nContent-Encoding: identity, br", 415},
		{"application/json\r\nContent-Encoding: identity", 200},
	} {
		r := fx.raw(rawJSON("POST", protocol.PathLogin, "", tc.ct, login))
		if r.StatusCode != tc.want {
			t.Errorf("Content-Type %q: %d %s", tc.ct, r.StatusCode, r.body)
		}
		if tc.want == 415 && r.problem(t).Code != protocol.CodeUnsupportedMedia {
			t.Errorf("Content-Type %q: %s", tc.ct, r.body)
		}
	}
	for _, tc := range []struct {
		auth string
		want int
	}{
		{"Bearer " + fx.clerkA, 200},
		{"bearer " + fx.clerkA, 200},
		{"BEARER   " + fx.clerkA, 200},
		{"Basic " + fx.clerkA, 401},
		{"Bearer", 401},
		{"Bearer " + fx.clerkA + " extra", 401},
		{fx.clerkA, 401},
		// two headers: refused whichever holds the token (a proxy may read the other)
		{"Bearer " + fx.clerkA + "\r\nAuthorization: Bearer " + fx.clerkB, 401},
		{"Bearer nobody\r\nAuthorization: Bearer " + fx.clerkA, 401},
	} {
		r := fx.raw("GET " + protocol.PathMe + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: " + tc.auth + "\r\n\r\n")
		if r.StatusCode != tc.want {
			t.Errorf("Authorization %.12q…: %d %s", tc.auth, r.StatusCode, r.body)
		}
	}
	// An upload chunk of another type is 415 too.
	sum := sha([]byte("x"))
	r := fx.raw("PATCH " + protocol.Path(protocol.PathAttachment, sum) + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer " + fx.clerkA +
		"\r\nContent-Type: application/json\r\nUpload-Offset: 0\r\nUpload-Length: 1\r\nContent-Length: 1\r\n\r\nx")
	if r.StatusCode != http.StatusUnsupportedMediaType {
		t.Errorf("chunk as JSON: %d %s", r.StatusCode, r.body)
	}
}

// TestRefusedLoginsAreAuditedOnceAMinute (found from outside): every
// login attempt was a record of the audit trail, those refused at once
// while locked too, so anyone could write 3,000 records a second without
// a login — 40 GB a day of a trail kept 180 days. Refusals are recorded
// once a minute per address, counting those left out.
func TestRefusedLoginsAreAuditedOnceAMinute(t *testing.T) {
	fx := MustServedBureau(t, func(c *server.Config) {
		c.Throttle = server.ThrottleConfig{Free: 1, IPFree: 30, Base: time.Hour, Max: time.Hour, Forget: 2 * time.Hour}
	})
	client := fx.clientFrom("127.0.0.66")
	try := func(pw string) int {
		t.Helper()
		data, _ := json.Marshal(protocol.LoginRequest{Login: "reviewer", Password: pw})
		resp, err := client.Post(fx.url+protocol.PathLogin, protocol.MediaJSON, bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		io.Copy(io.Discard, resp.Body)
		return resp.StatusCode
	}
	refusedRecords := func() []string {
		var out []string
		for _, e := range server.AuditTrail(t, fx.srv) {
			if e.Action == "login" && e.Address == "127.0.0.66" && strings.Contains(e.Detail, "失败次数过多") {
				out = append(out, e.Detail)
			}
		}
		return out
	}
	for i := range 2 {
		if st := try(fmt.Sprint("guess ", i)); st != http.StatusUnauthorized {
			t.Fatalf("guess %d: %d", i, st)
		}
	}
	for range 50 {
		if st := try("guess"); st != http.StatusTooManyRequests {
			t.Fatalf("while locked: %d", st)
		}
	}
	if got := refusedRecords(); len(got) != 1 {
		t.Fatalf("50 refusals in a minute made %d records: %q", len(got), got)
	}
	fx.clock.Advance(61 * time.Second)
	try("guess")
	got := refusedRecords()
	if len(got) != 2 || !strings.Contains(got[1], "此前 49 次") || !strings.Contains(got[1], "共 50 次") {
		t.Fatalf("the next minute's record: %q", got)
	}
	// A burst no later refusal follows is recorded by the background loop.
	for range 7 {
		try("guess")
	}
	server.AuditUnrecordedRefusals(fx.srv)
	if got := refusedRecords(); len(got) != 2 {
		t.Fatalf("recorded before a minute passed: %q", got)
	}
	fx.clock.Advance(61 * time.Second)
	server.AuditUnrecordedRefusals(fx.srv)
	if got = refusedRecords(); len(got) != 3 || !strings.Contains(got[2], "此前 7 次") {
		t.Fatalf("the burst's record: %q", got)
	}
}

// TestRefusedPasswordChangesAreAuditedOnceAMinute (found from outside):
// a password change refused by the login limits was a record each, as a
// login was: 44,730 records in 15 s from one address, no login needed.
func TestRefusedPasswordChangesAreAuditedOnceAMinute(t *testing.T) {
	fx := MustServedBureau(t, func(c *server.Config) {
		c.Throttle = server.ThrottleConfig{Free: 1, IPFree: 30, Base: time.Hour, Max: time.Hour, Forget: 2 * time.Hour}
	})
	client := fx.clientFrom("127.0.0.66")
	for i := range 40 {
		data, _ := json.Marshal(protocol.PasswordChangeRequest{Login: "reviewer", Password: fmt.Sprint("guess ", i), NewPassword: "Another horse battery 10"})
		resp, err := client.Post(fx.url+protocol.PathPassword, protocol.MediaJSON, bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if want := map[bool]int{true: http.StatusUnauthorized, false: http.StatusTooManyRequests}[i < 2]; resp.StatusCode != want {
			t.Fatalf("change %d: %d, want %d", i, resp.StatusCode, want)
		}
	}
	n := 0
	for _, e := range server.AuditTrail(t, fx.srv) {
		if e.Action == "password.change" && e.Address == "127.0.0.66" {
			n++
		}
	}
	if n != 3 { // two failures, one refusal
		t.Fatalf("40 refused password changes made %d records, want 3", n)
	}
}

// TestGuessesSentAtOnceAreCounted (found from outside): the limits were
// checked before the password and the failure counted after it, so 300
// guesses sent at once for one login were all checked (299 refused, the
// right one, sent last, let in) where the limit is 5. An attempt being
// checked now counts as a failure until it is decided: here, against the
// address's limit.
func TestGuessesSentAtOnceAreCounted(t *testing.T) {
	fx := MustServedBureau(t, func(c *server.Config) {
		c.Throttle = server.ThrottleConfig{Free: 5, IPFree: 10, Base: 2 * time.Second, Max: time.Minute, Forget: time.Hour}
	})
	const stranger = "127.0.0.66"
	client := fx.clientFrom(stranger)
	try := func(login, pw string) int {
		data, _ := json.Marshal(protocol.LoginRequest{Login: login, Password: pw})
		resp, err := client.Post(fx.url+protocol.PathLogin, protocol.MediaJSON, bytes.NewReader(data))
		if err != nil {
			t.Error(err)
			return 0
		}
		defer resp.Body.Close()
		io.Copy(io.Discard, resp.Body)
		return resp.StatusCode
	}
	// Sixty logins guessed at once from one address (one each: a login's
	// own checks are two at a time anyway): the address forgives 10.
	const n = 60
	var mu sync.Mutex
	got := map[int]int{}
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			st := try(fmt.Sprint("nobody-", i), "guess")
			mu.Lock()
			got[st]++
			mu.Unlock()
		})
	}
	wg.Wait()
	if got[http.StatusUnauthorized] < 1 || got[http.StatusUnauthorized] > 11 || got[http.StatusUnauthorized]+got[http.StatusTooManyRequests] != n {
		t.Fatalf("%d guesses at once: %v, want at most 11 checked (401) and the rest 429", n, got)
	}
	if st := try("reviewer", password); st != http.StatusTooManyRequests {
		t.Fatalf("a login never seen at the address, after them: %d, want 429", st)
	}
}

// TestLoginLimitsStrangerCannotLockOut: a stranger guessing a user's
// password is slowed down, from the stranger's address; the user logs in
// from elsewhere, and from the stranger's own office NAT once the user has
// logged in from there before.
func TestLoginLimitsStrangerCannotLockOut(t *testing.T) {
	fx := MustServedBureau(t, func(c *server.Config) {
		c.Throttle = server.ThrottleConfig{Free: 3, IPFree: 10, Base: 2 * time.Second, Max: time.Minute, Forget: time.Hour}
	})
	try := func(from, login, pw string) (int, string) {
		t.Helper()
		data, _ := json.Marshal(protocol.LoginRequest{Login: login, Password: pw})
		resp, err := fx.clientFrom(from).Post(fx.url+protocol.PathLogin, protocol.MediaJSON, bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		io.Copy(io.Discard, resp.Body)
		return resp.StatusCode, resp.Header.Get(protocol.HeaderRetryAfter)
	}
	const stranger, office = "127.0.0.66", "127.0.0.77"

	// Guessing is slowed: after 3 failures the stranger waits, even with
	// the right password, and the wait doubles with each further failure.
	for i := range 3 {
		if st, _ := try(stranger, "reviewer", fmt.Sprint("guess", i)); st != 401 {
			t.Fatalf("guess %d: %d", i, st)
		}
	}
	st, _ := try(stranger, "reviewer", "guess3")
	if st != 401 {
		t.Fatalf("4th guess: %d", st)
	}
	if st, after := try(stranger, "reviewer", password); st != 429 || after != "2" {
		t.Fatalf("right password from the guessing address while locked: %d Retry-After %s, want 429 after 2", st, after)
	}
	fx.clock.Advance(2 * time.Second)
	try(stranger, "reviewer", "guess4")
	if st, after := try(stranger, "reviewer", password); st != 429 || after != "4" {
		t.Fatalf("after the 5th guess: %d Retry-After %s, want 429 after 4", st, after)
	}

	// The reviewer is not locked out: from another address at once.
	if st, _ := try("127.0.0.1", "reviewer", password); st != 200 {
		t.Fatalf("reviewer from their own address while the stranger is locked: %d", st)
	}

	// Behind one NAT: the reviewer has logged in from the office before; a
	// stranger in the office fails against many logins until the office
	// address is limited…
	if st, _ := try(office, "reviewer", password); st != 200 {
		t.Fatal(st)
	}
	for i := range 11 { // the 11th locks the address
		if st, _ := try(office, fmt.Sprintf("nobody-%d", i), "x"); st != 401 {
			t.Fatalf("office failure %d: %d", i, st)
		}
	}
	if st, _ := try(office, "nobody-x", "x"); st != 429 {
		t.Fatalf("office address past its limit: %d, want 429", st)
	}
	if st, _ := try(office, "clerk-b", password); st != 429 {
		t.Fatalf("a login never seen at the office, past the office's limit: %d, want 429", st)
	}
	// …and the reviewer still logs in there: a successful login does not
	// count, and the office is known for them.
	for range 3 {
		if st, _ := try(office, "reviewer", password); st != 200 {
			t.Fatalf("reviewer from the office after a stranger's failures there: %d, want 200", st)
		}
	}
}

// TestLoginLimitsSpreadGuessing: guessing one login's password from many
// addresses (found from outside: 400 guesses from random addresses of one
// IPv6 /64, 27 a second, none refused) is limited: the addresses of one
// /64 count as one, and a login's failures from addresses it is not known
// at lock it from every such address, while the user's own address still
// logs in.
func TestLoginLimitsSpreadGuessing(t *testing.T) {
	fx := MustServedBureau(t, func(c *server.Config) {
		c.Throttle = server.ThrottleConfig{Free: 3, IPFree: 10, AccountFree: 8, Base: 2 * time.Second, Max: time.Minute, Forget: time.Hour}
		c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	})
	server.WaitLoginLimits(t, fx.srv)
	try := func(from, pw string) int {
		t.Helper()
		r := fx.do("POST", protocol.PathLogin, "", protocol.LoginRequest{Login: "reviewer", Password: pw}, "X-Forwarded-For", from)
		return r.StatusCode
	}
	const home = "203.0.113.5"
	if st := try(home, password); st != 200 {
		t.Fatalf("reviewer from their own address: %d", st)
	}
	// One /64: each guess from another of its addresses, as one address.
	for i := range 4 { // 3 free, the 4th locks
		if st := try(fmt.Sprintf("2001:db8:1:2::%x", i+1), "guess"); st != 401 {
			t.Fatalf("guess %d from the /64: %d", i, st)
		}
	}
	if st := try("2001:db8:1:2:ffff:ffff:ffff:ffff", password); st != 429 {
		t.Fatalf("the right password from another address of the guessing /64: %d, want 429", st)
	}
	// Spread over addresses: 4 failures so far; the 9th locks the login
	// from every address it has not logged in from.
	for i := range 5 {
		if st := try(fmt.Sprintf("198.51.100.%d", i+1), "guess"); st != 401 {
			t.Fatalf("spread guess %d: %d", i, st)
		}
	}
	for _, from := range []string{"198.51.100.99", "2001:db8:77::1", "::ffff:192.0.2.1"} {
		if st := try(from, password); st != 429 {
			t.Errorf("the right password from a new address after spread guessing: %d, want 429", st)
		}
	}
	if st := try(home, password); st != 200 {
		t.Errorf("reviewer from their own address after spread guessing: %d, want 200", st)
	}
	// Another login is not touched.
	r := fx.do("POST", protocol.PathLogin, "", protocol.LoginRequest{Login: "clerk-b", Password: password}, "X-Forwarded-For", "198.51.100.200")
	if r.StatusCode != 200 {
		t.Errorf("another login from a new address: %d", r.StatusCode)
	}
}

// TestLoginLimitsSurviveARestart (found from outside: the addresses users
// had logged in from were in memory only, so after a restart 50 failures
// spread over addresses locked a reviewer out of their own office): the
// addresses are read back from the audit trail at start.
func TestLoginLimitsSurviveARestart(t *testing.T) {
	dir := t.TempDir()
	limits := server.ThrottleConfig{Free: 3, IPFree: 10, AccountFree: 5, Base: 2 * time.Second, Max: time.Minute, Forget: time.Hour}
	proxies := []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	open := func() *badgerstore.Store {
		st, err := badgerstore.Open(context.Background(), filepath.Join(dir, "badger"), badgerstore.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	fx := MustBureau(t, func(c *server.Config) {
		c.Throttle, c.TrustedProxies, c.DataDir, c.Storage = limits, proxies, dir, open()
	})
	const home = "203.0.113.5"
	login := func(url, from string) int {
		t.Helper()
		data, _ := json.Marshal(protocol.LoginRequest{Login: "reviewer", Password: password})
		req, _ := http.NewRequest("POST", url+protocol.PathLogin, bytes.NewReader(data))
		req.Header.Set("Content-Type", protocol.MediaJSON)
		req.Header.Set("X-Forwarded-For", from)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if st := login(fx.url, home); st != 200 {
		t.Fatalf("reviewer from home: %d", st)
	}
	fx.http.Close()
	if err := fx.srv.Close(); err != nil {
		t.Fatal(err)
	}

	srv, err := server.Open(context.Background(), server.Config{DataDir: dir, Storage: open(), Now: fx.clock.Now,
		Password: cheapPasswords, Throttle: limits, TrustedProxies: proxies})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()
	server.WaitLoginLimits(t, srv)
	for i := range 6 { // spread guessing: the 6th locks the login from addresses it is not known at
		data, _ := json.Marshal(protocol.LoginRequest{Login: "reviewer", Password: "guess"})
		req, _ := http.NewRequest("POST", hs.URL+protocol.PathLogin, bytes.NewReader(data))
		req.Header.Set("Content-Type", protocol.MediaJSON)
		req.Header.Set("X-Forwarded-For", fmt.Sprintf("198.51.100.%d", i+1))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 401 {
			t.Fatalf("guess %d: %d", i, resp.StatusCode)
		}
	}
	if st := login(hs.URL, "198.51.100.99"); st != 429 {
		t.Errorf("a new address after spread guessing: %d, want 429", st)
	}
	if st := login(hs.URL, home); st != 200 {
		t.Errorf("reviewer from home after a restart and spread guessing: %d, want 200", st)
	}
}

// TestDecisionsSayWhatTheReviewerSaw (found from outside): a decision sent
// over the API without If-Match or from landed on whatever the filing had
// become: a 退回修改 applied to a filing another reviewer had accepted a
// moment before (8 of 20 races). It is refused with 428, nothing changed;
// with either it is taken.
func TestDecisionsSayWhatTheReviewerSaw(t *testing.T) {
	fx := MustServedBureau(t)
	f := newFiling(t, fx.unitA.ID)
	fx.submit(fx.clerkA, f, http.StatusCreated)
	path := protocol.Path(protocol.PathDecisions, f.ID)
	fx.decide(fx.reviewer, f.ID, app.ActionAccept, "", http.StatusOK) // another reviewer, a moment before
	p := fx.expectProblem("POST", path, fx.admin, protocol.DecisionRequest{Action: app.ActionReturn, Comment: "请补充"},
		http.StatusPreconditionRequired, protocol.CodePreconditionRequired)
	if !strings.Contains(p.Detail, "If-Match") || !strings.Contains(p.Detail, "from") {
		t.Errorf("the refusal does not say what to send: %q", p.Detail)
	}
	var d protocol.FilingDetail
	fx.mustJSON("GET", protocol.Path(protocol.PathReviewFiling, f.ID), fx.admin, nil, http.StatusOK, &d)
	if d.Status != app.StatusPreliminary || len(d.History) != 2 {
		t.Fatalf("after the refusal: %s, %d transitions", d.Status, len(d.History))
	}
	// A status it never was in is named as what was sent, beside what it is.
	p = fx.expectProblem("POST", path, fx.admin, protocol.DecisionRequest{Action: app.ActionReturn, Comment: "请补充", From: app.StatusApproved},
		http.StatusConflict, app.ECONFLICT)
	if want := "材料现为“" + app.StatusPreliminary.Label() + "”状态，不是请求中的“" + app.StatusApproved.Label() + "”"; !strings.Contains(p.Detail, want) {
		t.Errorf("a from it never was in: %q", p.Detail)
	}
	fx.mustJSON("POST", path, fx.admin, protocol.DecisionRequest{Action: app.ActionReturn, Comment: "请补充", From: app.StatusPreliminary},
		http.StatusOK, nil)
	next := *f
	next.Revision = app.Revision{ID: uuid.NewString(), Number: 2, BaseID: f.Revision.ID}
	fx.submit(fx.clerkA, &next, http.StatusCreated)
	fx.mustJSON("POST", path, fx.reviewer, protocol.DecisionRequest{Action: app.ActionAccept}, http.StatusOK, nil, fx.seen(fx.reviewer, f.ID)...)
}

// TestDecisionRaceIsAConflict: of two reviewers deciding one filing, the
// second gets 409 "已由他人处理", not 422.
func TestDecisionRaceIsAConflict(t *testing.T) {
	fx := MustServedBureau(t)
	f := newFiling(t, fx.unitA.ID)
	fx.submit(fx.clerkA, f, http.StatusCreated)
	fx.decide(fx.reviewer, f.ID, app.ActionAccept, "", http.StatusOK)
	p := fx.expectProblem("POST", protocol.Path(protocol.PathDecisions, f.ID), fx.admin,
		protocol.DecisionRequest{Action: app.ActionAccept, From: app.StatusSubmitted}, http.StatusConflict, app.ECONFLICT)
	if !strings.Contains(p.Detail, "已由他人处理") || !strings.Contains(p.Detail, "王审核") {
		t.Errorf("detail %q", p.Detail)
	}
	// With the status the reviewer saw, any action on a filing that has
	// moved on is the conflict, even one the new status allows.
	p = fx.expectProblem("POST", protocol.Path(protocol.PathDecisions, f.ID), fx.admin,
		protocol.DecisionRequest{Action: app.ActionFile, From: app.StatusSubmitted}, http.StatusConflict, app.ECONFLICT)
	if !strings.Contains(p.Detail, "已由他人处理") {
		t.Errorf("detail %q", p.Detail)
	}
	fx.decide(fx.admin, f.ID, app.ActionPass, "", http.StatusOK) // from the status it is in: applied
	// An action the status never allowed after a unit's step stays 422.
	g := newFiling(t, fx.unitA.ID)
	fx.submit(fx.clerkA, g, http.StatusCreated)
	fx.expectProblem("POST", protocol.Path(protocol.PathDecisions, g.ID), fx.admin,
		protocol.DecisionRequest{Action: app.ActionPass}, http.StatusUnprocessableEntity, app.EINVALID, fx.seen(fx.admin, g.ID)...)
}

// TestUploadDeadlineFollowsProgress: an upload chunk has its own deadline,
// which moves with progress: one that pauses longer than a JSON body may
// but keeps coming is received whole; one that stops is cut after
// UploadIdle and answered with the offset the bureau kept, to resume from.
func TestUploadDeadlineFollowsProgress(t *testing.T) {
	fx := MustServedBureau(t, func(c *server.Config) {
		c.BodyIdle = 500 * time.Millisecond
		c.MinBodyRate = 1 << 30
		c.UploadIdle = 2 * time.Second
	})
	data := bytes.Repeat([]byte("试运行报告"), 2000) // 30,000 bytes
	sum := sha(data)
	stall := func(parts [][]byte) (*http.Response, []byte) {
		t.Helper()
		c, err := net.Dial("tcp", fx.addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		fmt.Fprintf(c, "PATCH %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: %s\r\nUpload-Offset: 0\r\nUpload-Length: %d\r\nContent-Length: %d\r\n\r\n",
			protocol.Path(protocol.PathAttachment, sum), fx.clerkA, protocol.MediaChunk, len(data), len(data))
		for _, p := range parts {
			c.Write(p)
		}
		time.Sleep(3 * time.Second) // past UploadIdle, the rest never comes
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatalf("answer: %v", err)
		}
		body, _ := io.ReadAll(resp.Body)
		return resp, body
	}
	// Stops after 10,000 bytes: cut, with the offset kept.
	resp, body := stall([][]byte{data[:10000]})
	var p protocol.Problem
	json.Unmarshal(body, &p)
	if resp.StatusCode != http.StatusConflict || p.Code != protocol.CodeOffsetMismatch || p.Offset == nil || *p.Offset != 10000 {
		t.Fatalf("stalled chunk: %d %s", resp.StatusCode, body)
	}
	// Pauses of 1 s (twice BodyIdle) while it comes: received whole.
	var parts [][]byte
	for off := 10000; off < len(data); off += 5000 {
		parts = append(parts, data[off:min(off+5000, len(data))])
	}
	c, err := net.Dial("tcp", fx.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	rest := len(data) - 10000
	fmt.Fprintf(c, "PATCH %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: %s\r\nUpload-Offset: 10000\r\nUpload-Length: %d\r\nContent-Length: %d\r\n\r\n",
		protocol.Path(protocol.PathAttachment, sum), fx.clerkA, protocol.MediaChunk, len(data), rest)
	for i, part := range parts {
		if i > 0 {
			time.Sleep(time.Second)
		}
		c.Write(part)
	}
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err = http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	var st protocol.UploadStatus
	if err := json.Unmarshal(body, &st); err != nil || resp.StatusCode != http.StatusOK || !st.Complete {
		t.Fatalf("slow but steady chunk: %d %s", resp.StatusCode, body)
	}
}

// TestFiledDocumentsNotCachedAndRangesBounded: a unit's attachments and
// the printed copies are sent with Cache-Control no-store, on the API and
// in the console (found from outside: no Cache-Control on the API, "private,
// no-cache" in the console, which lets a shared office PC keep them on
// disk); a Range request of more than protocol.MaxRanges ranges gets the
// whole file (found: 15,000 one-byte ranges came back as 2 MB).
func TestFiledDocumentsNotCachedAndRangesBounded(t *testing.T) {
	fx := MustBureau(t)
	pdf := []byte("%PDF-1.4 " + strings.Repeat("附件正文", 500))
	f := newFiling(t, fx.unitA.ID, pdf)
	fx.upload(fx.clerkA, pdf, 1<<20)
	fx.submit(fx.clerkA, f, http.StatusCreated)
	noStore := func(what string, h http.Header) {
		t.Helper()
		if cc := h.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
			t.Errorf("%s: Cache-Control %q, want no-store", what, cc)
		}
	}
	review := protocol.Path(protocol.PathReviewAttachment, f.ID, sha(pdf))
	for what, r := range map[string]response{
		"review attachment": fx.do("GET", review, fx.reviewer, nil),
		"unit attachment":   fx.do("GET", protocol.Path(protocol.PathFilingAttachment, f.ID, sha(pdf)), fx.clerkA, nil),
		"review PDF":        fx.do("GET", protocol.Path(protocol.PathReviewPDF, f.ID, "1"), fx.reviewer, nil),
	} {
		if r.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", what, r.StatusCode)
		}
		noStore(what, r.Header)
	}
	b := fx.browser()
	b.login("reviewer", http.StatusSeeOther)
	for _, path := range []string{"/console/filings/" + f.ID + "/attachments/" + sha(pdf), "/console/filings/" + f.ID + "/revisions/1/pdf"} {
		r := b.get(path)
		if r.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", path, r.StatusCode)
		}
		noStore(path, r.Header)
	}

	ranges := func(n int) string { return "bytes=" + strings.TrimSuffix(strings.Repeat("0-0,", n), ",") }
	if r := fx.do("GET", review, fx.reviewer, nil, "Range", ranges(2)); r.StatusCode != http.StatusPartialContent ||
		!strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/byteranges") {
		t.Errorf("two ranges: %d %s", r.StatusCode, r.Header.Get("Content-Type"))
	}
	if r := fx.do("GET", review, fx.reviewer, nil, "Range", ranges(protocol.MaxRanges)); r.StatusCode != http.StatusPartialContent {
		t.Errorf("%d ranges: %d, want 206", protocol.MaxRanges, r.StatusCode)
	}
	r := fx.do("GET", review, fx.reviewer, nil, "Range", ranges(protocol.MaxRanges+1))
	if r.StatusCode != http.StatusOK || !bytes.Equal(r.body, pdf) {
		t.Errorf("%d ranges: %d, %d bytes; want the whole file", protocol.MaxRanges+1, r.StatusCode, len(r.body))
	}
	r = fx.do("GET", review, fx.reviewer, nil, "Range", ranges(5000))
	if r.StatusCode != http.StatusOK || len(r.body) != len(pdf) {
		t.Errorf("5,000 ranges: %d, %d bytes; want the whole file", r.StatusCode, len(r.body))
	}
	// A range past the end is refused as every other request is, with a
	// problem (Go's text/plain before), saying the file's length.
	for what, path := range map[string]string{"review": review, "unit": protocol.Path(protocol.PathFilingAttachment, f.ID, sha(pdf))} {
		tok := fx.reviewer
		if what == "unit" {
			tok = fx.clerkA
		}
		r = fx.do("GET", path, tok, nil, "Range", fmt.Sprintf("bytes=%d-", len(pdf)+10))
		p := r.problem(t)
		// and the last 0 bytes (Go's 206 of nothing, "bytes 91-90/91")
		if r0 := fx.do("GET", path, tok, nil, "Range", "bytes=-0"); r0.StatusCode != http.StatusRequestedRangeNotSatisfiable ||
			r0.problem(t).Code != protocol.CodeRangeNotSatisfiable || r0.Header.Get("Content-Range") != fmt.Sprintf("bytes */%d", len(pdf)) {
			t.Errorf("%s: bytes=-0: %d, Content-Range %q", what, r0.StatusCode, r0.Header.Get("Content-Range"))
		}
		if r.StatusCode != http.StatusRequestedRangeNotSatisfiable || p.Code != protocol.CodeRangeNotSatisfiable ||
			!strings.Contains(p.Detail, strconv.Itoa(len(pdf))) || r.Header.Get("Content-Range") != fmt.Sprintf("bytes */%d", len(pdf)) ||
			r.Header.Get("Content-Disposition") != "" {
			t.Errorf("%s: a range past the end: %d %+v, headers %v", what, r.StatusCode, p, r.Header)
		}
	}
}

// TestUnitUploadPerDay: a unit's token cannot fill the bureau's disk with
// attachments (found from outside: 40 × 4 MiB nothing refers to, in 1.7 s,
// all kept): past Config.UnitUploadPerDay in 24 hours, its uploads wait
// (429, Retry-After, a message saying when and that nothing is lost), the
// other units' do not, and a day later it uploads again, resuming.
func TestUnitUploadPerDay(t *testing.T) {
	// An upload started counts at least 1 MiB: the first counts 1 MiB, the
	// second starts below the limit and ends past it.
	fx := MustBureau(t, func(c *server.Config) { c.UnitUploadPerDay = 1536 << 10 })
	blob := func(i int) []byte { return bytes.Repeat([]byte{byte(i)}, 600<<10) }
	fx.upload(fx.clerkA, blob(1), 1<<20)
	fx.upload(fx.clerkA, blob(2), 1<<20) // starts below the limit, ends past it
	third := blob(3)
	patch := func(tok string, data []byte, off int) response {
		return fx.do("PATCH", protocol.Path(protocol.PathAttachment, sha(data)), tok, data[off:min(off+(300<<10), len(data))],
			protocol.HeaderUploadOffset, strconv.Itoa(off), protocol.HeaderUploadLength, strconv.Itoa(len(data)))
	}
	r := patch(fx.clerkA, third, 0)
	p := r.problem(t)
	wait, _ := strconv.Atoi(r.Header.Get(protocol.HeaderRetryAfter))
	if r.StatusCode != http.StatusTooManyRequests || wait <= 0 || wait > 24*3600 ||
		!strings.Contains(p.Detail, "24 小时内提交的材料、附件和草稿已达") || !strings.Contains(p.Detail, "不会丢失") {
		t.Fatalf("past the limit: %d Retry-After %q %q", r.StatusCode, r.Header.Get(protocol.HeaderRetryAfter), p.Detail)
	}
	fx.upload(fx.clerkB, third, 1<<20) // another unit is not limited by A's uploads
	fx.clock.Advance(time.Duration(wait) * time.Second)
	if r := patch(fx.clerkA, third, 0); r.StatusCode != http.StatusOK {
		t.Fatalf("after Retry-After: %d %s", r.StatusCode, r.body)
	}
	if r := patch(fx.clerkA, third, 300<<10); r.StatusCode != http.StatusOK || !strings.Contains(string(r.body), `"complete":true`) {
		t.Fatalf("the rest after Retry-After: %d %s", r.StatusCode, r.body)
	}
}

// TestSubmissionsInTheUploadBudget (found from outside): revision bodies
// count against a unit's daily budget as attachments and drafts do — 20
// declarations of 3.8 MiB were kept in 11 s — single and batched; a
// resend of a revision already held and a refused one count nothing.
func TestSubmissionsInTheUploadBudget(t *testing.T) {
	fx := MustBureau(t, func(c *server.Config) { c.UnitUploadPerDay = 24 << 10 })
	first := newFiling(t, fx.unitA.ID)
	size := len(submitReq(t, first).Body)
	if size < 1<<10 || size > 4<<10 {
		t.Fatalf("a declaration's body is %d bytes; the test expects 1–4 KiB", size)
	}
	fx.submit(fx.clerkA, first, http.StatusCreated)
	for range 40 { // resends: far more than the budget if they counted
		fx.submit(fx.clerkA, first, http.StatusOK)
	}
	bad := newFiling(t, fx.unitA.ID)
	bad.Declaration.ProjectName = ""
	for range 40 { // refused by the rules: nothing kept
		if r := fx.do("POST", revPath(bad), fx.clerkA, submitReq(t, bad)); r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("invalid declaration: %d %s", r.StatusCode, r.body)
		}
	}
	sent := 1
	var r response
	for ; sent < 100; sent++ {
		f := newFiling(t, fx.unitA.ID)
		if r = fx.do("POST", revPath(f), fx.clerkA, submitReq(t, f)); r.StatusCode != http.StatusCreated {
			break
		}
	}
	if want := (24<<10)/size + 1; sent < want-1 || sent > want+1 {
		t.Errorf("%d declarations of %d bytes kept under a 24 KiB budget, want about %d", sent, size, want)
	}
	p := r.problem(t)
	wait, _ := strconv.Atoi(r.Header.Get(protocol.HeaderRetryAfter))
	if r.StatusCode != http.StatusTooManyRequests || wait <= 0 || !strings.Contains(p.Detail, "提交的材料、附件和草稿已达") ||
		!strings.Contains(p.Detail, "不会丢失") {
		t.Fatalf("past the budget: %d Retry-After %q %s", r.StatusCode, r.Header.Get(protocol.HeaderRetryAfter), r.body)
	}
	fx.submit(fx.clerkA, first, http.StatusOK) // a resend past the budget is answered with its receipt
	batch := []protocol.SubmitRequest{submitReq(t, newFiling(t, fx.unitA.ID)), submitReq(t, newFiling(t, fx.unitA.ID))}
	if r := fx.do("POST", protocol.PathSubmissions, fx.clerkA, protocol.BatchSubmitRequest{Submissions: batch}); r.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("a batch past the budget: %d %s", r.StatusCode, r.body)
	}
	fx.submit(fx.clerkB, newFiling(t, fx.unitB.ID), http.StatusCreated) // another unit is not limited by A's
	fx.clock.Advance(time.Duration(wait) * time.Second)
	var resp protocol.BatchSubmitResponse
	fx.mustJSON("POST", protocol.PathSubmissions, fx.clerkA, protocol.BatchSubmitRequest{Submissions: batch}, http.StatusOK, &resp)
	for i, res := range resp.Results {
		if res.Status != http.StatusCreated {
			t.Errorf("batch after Retry-After, item %d: %d %+v", i, res.Status, res.Problem)
		}
	}
}

// TestBureauTextsRefuseControls (found from outside): the bureau's own
// texts that clerks read — a decision's comment and remarks, a notice —
// refuse control characters and direction overrides as a filing's text
// does (app.CheckString); a notice's title is one line.
func TestBureauTextsRefuseControls(t *testing.T) {
	fx := MustBureau(t)
	f := newFiling(t, fx.unitA.ID)
	fx.submit(fx.clerkA, f, http.StatusCreated)
	fx.decide(fx.reviewer, f.ID, app.ActionAccept, "", http.StatusOK)
	for _, req := range []protocol.DecisionRequest{
		{Action: app.ActionReturn, Comment: "请改\u202e正"},
		{Action: app.ActionReturn, Comment: "请修改\x1b[2J"},
		{Action: app.ActionReturn, Comment: "请补充", Remarks: map[string]string{"goals": "改\u2067这里"}},
		{Action: app.ActionReturn, Comment: "请补充", Remarks: map[string]string{"goals": "改\x07"}},
	} {
		r := fx.do("POST", protocol.Path(protocol.PathDecisions, f.ID), fx.reviewer, req, fx.seen(fx.reviewer, f.ID)...)
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("decision %q %v: %d %s", req.Comment, req.Remarks, r.StatusCode, r.body)
		}
	}
	fx.decide(fx.reviewer, f.ID, app.ActionReturn, "一、请补充建设目标；\r\n二、请核对预算。", http.StatusOK) // lines are fine
	for _, n := range []protocol.NoticeRequest{
		{Title: "通知\u202e", Text: "请按时申报"},
		{Title: "关于\n申报的通知", Text: "请按时申报"},
		{Title: "通知", Text: "x\u2066y\x07"},
		{Title: "通\u200b知\u034f", Text: "请按时申报"}, // invisible characters in a title sent to every unit
	} {
		if r := fx.do("POST", protocol.PathNotices, fx.admin, n); r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("notice %q %q: %d %s", n.Title, n.Text, r.StatusCode, r.body)
		}
	}
	fx.mustJSON("POST", protocol.PathNotices, fx.admin, protocol.NoticeRequest{Title: "通知", Text: "各单位：\n请按时申报。"}, http.StatusOK, nil)

	// The profile file's texts are shown to every client (found from
	// outside: a bureau name with U+202E, a bell and an escape was taken).
	profile, err := os.ReadFile("../../assets/profiles/huoqiu.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"霍邱县\u202e局管数", "霍邱县\u0007数管局", "霍邱县\u001b[2J数管局"} {
		data := bytes.Replace(profile, []byte(`"霍邱县数据资源管理局（县数管局）"`), []byte(`"`+bad+`"`), 1)
		r := fx.do("PUT", protocol.PathAdminProfile+"?name=huoqiu.json", fx.admin, data, "Content-Type", "application/json")
		if r.StatusCode != http.StatusUnprocessableEntity || strings.ContainsAny(string(r.body), "\u202e\u0007\u001b") {
			t.Errorf("profile with %q: %d %s", bad, r.StatusCode, r.body)
		}
	}
	if r := fx.do("PUT", protocol.PathAdminProfile+"?name=huoqiu.json", fx.admin, profile, "Content-Type", "application/json"); r.StatusCode != http.StatusOK {
		t.Errorf("the profile as shipped: %d %s", r.StatusCode, r.body)
	}
}

// TestIssuedTokensOnlyRead (found from outside): a token an admin issued
// for a clerk submitted a declaration in the unit's name and deleted its
// drafts; one issued for the admin reset passwords, issued more tokens and
// took the backup with the bureau's private keys — acting in another's
// name, as decisions already refused. Issued tokens read and export, and
// log themselves out; nothing else.
func TestIssuedTokensOnlyRead(t *testing.T) {
	fx := MustBureau(t)
	issue := func(login string) string {
		var r protocol.AdminTokenResponse
		fx.mustJSON("POST", protocol.PathAdminTokens, fx.admin, protocol.AdminTokenRequest{Login: login, TTLSeconds: 600, Label: "对接脚本"},
			http.StatusCreated, &r)
		return r.Token
	}
	clerk, admin := issue("clerk-a"), issue("admin")
	f := newFiling(t, fx.unitA.ID)
	refused := func(method, path, token string, body any, header ...string) {
		t.Helper()
		r := fx.do(method, path, token, body, header...)
		if p := r.problem(t); r.StatusCode != http.StatusForbidden || !strings.Contains(p.Detail, "管理员签发") {
			t.Errorf("%s %s with an issued token: %d %s", method, path, r.StatusCode, r.body)
		}
	}
	refused("POST", revPath(f), clerk, submitReq(t, f))
	refused("POST", protocol.PathSubmissions, clerk, protocol.BatchSubmitRequest{Submissions: []protocol.SubmitRequest{submitReq(t, f)}})
	refused("PUT", protocol.Path(protocol.PathDraft, f.ID), clerk, protocol.DraftPut{})
	refused("DELETE", protocol.Path(protocol.PathDraft, f.ID)+"?version=1", clerk, nil)
	refused("PATCH", protocol.Path(protocol.PathAttachment, sha([]byte("x"))), clerk, []byte("x"),
		protocol.HeaderUploadOffset, "0", protocol.HeaderUploadLength, "1")
	refused("POST", protocol.PathAdminAccounts, admin, protocol.AdminAccountRequest{Login: "mole", Role: string(app.RoleAdmin), Password: "Mole-password-2027"})
	refused("POST", protocol.PathAdminTokens, admin, protocol.AdminTokenRequest{Login: "reviewer", TTLSeconds: 600, Label: "再签发"})
	refused("POST", protocol.PathNotices, admin, protocol.NoticeRequest{Title: "通知", Text: "内容"})
	refused("GET", protocol.PathAdminBackup, admin, nil)
	// A unit's drafts are its own: not an admin's through a clerk's
	// issued token (round 11).
	refused("GET", protocol.PathDrafts, clerk, nil)
	refused("GET", protocol.Path(protocol.PathDraft, f.ID), clerk, nil)
	fx.mustJSON("GET", protocol.PathFilings, clerk, nil, http.StatusOK, nil) // they read
	fx.mustJSON("GET", protocol.PathRestore, clerk, nil, http.StatusOK, nil)
	fx.mustJSON("GET", protocol.PathAdminUnits, admin, nil, http.StatusOK, nil)
	// What they read is in the trail as the issued token's, not as the
	// clerk's own (round 11: a restore read through it was "chengguan
	// restore.page", a draft read nothing at all).
	uses := map[string]bool{}
	issuedAt := uint64(0)
	for _, e := range server.AuditTrail(t, fx.srv) {
		if e.Action == "token.issue" {
			issuedAt = e.Seq
		}
		if e.Seq > issuedAt && issuedAt > 0 && e.Actor == "clerk-a" && !strings.HasPrefix(e.Detail, "经管理员签发的令牌") {
			t.Errorf("a record of the issued token's request does not say so: %+v", e)
		}
		if e.Action == "token.use" && strings.HasPrefix(e.Detail, "经管理员签发的令牌") {
			uses[e.Actor+" "+e.Target] = true
		}
	}
	for _, want := range []string{"clerk-a GET " + protocol.PathFilings, "clerk-a GET " + protocol.PathRestore, "admin GET " + protocol.PathAdminUnits} {
		if !uses[want] {
			t.Errorf("no token.use record %q in %v", want, uses)
		}
	}
	// Each kind of refusal is in the trail, an account's repeats within a
	// minute counted in its next record.
	var denied []string
	for _, e := range server.AuditTrail(t, fx.srv) {
		if e.Action == "token.refused" && e.Outcome == bureaustore.AuditDenied {
			denied = append(denied, e.Actor+" "+e.Target)
		}
	}
	if len(denied) != 2 || !strings.HasPrefix(denied[0], "clerk-a POST") || !strings.HasPrefix(denied[1], "admin POST") {
		t.Errorf("refusals of issued tokens in the trail: %q", denied)
	}
	fx.mustJSON("POST", protocol.PathLogout, clerk, nil, http.StatusNoContent, nil) // and end themselves
	fx.expectProblem("GET", protocol.PathFilings, clerk, nil, http.StatusUnauthorized, app.EUNAUTHORIZED)
	fx.submit(fx.clerkA, f, http.StatusCreated) // the clerk's own login submits
}

// TestIssuedTokensTakeNoDecisions (found from outside): an admin issued
// tokens for the reviewer, the three departments and the approver and took
// a declaration from submitted to approved alone, each step recorded in
// another account's name. A token an admin issues now reads and exports
// but takes no decision; the reviewer's own login does. Its lifetime is
// bounded (ttl_seconds of 9,223,372,036 gave a token until 2319, one more
// second overflowed to the default) and its label is one clean line.
func TestIssuedTokensTakeNoDecisions(t *testing.T) {
	fx := MustBureau(t)
	var issued protocol.AdminTokenResponse
	fx.mustJSON("POST", protocol.PathAdminTokens, fx.admin, protocol.AdminTokenRequest{Login: "reviewer", TTLSeconds: 600, Label: "夜间导出"},
		http.StatusCreated, &issued)
	f := newFiling(t, fx.unitA.ID)
	fx.submit(fx.clerkA, f, http.StatusCreated)
	r := fx.do("POST", protocol.Path(protocol.PathDecisions, f.ID), issued.Token, protocol.DecisionRequest{Action: app.ActionAccept})
	if p := r.problem(t); r.StatusCode != http.StatusForbidden || !strings.Contains(p.Detail, "管理员签发") {
		t.Fatalf("a decision with an issued token: %d %s", r.StatusCode, r.body)
	}
	fx.mustJSON("GET", protocol.PathReviewQueue, issued.Token, nil, http.StatusOK, nil) // it still reads
	fx.decide(fx.reviewer, f.ID, app.ActionAccept, "", http.StatusOK)                   // the reviewer's own login decides

	for _, ttl := range []int64{-1, 9_223_372_036, 9_223_372_037, 1 << 62, int64(server.MaxTokenTTL/time.Second) + 1} {
		if r := fx.do("POST", protocol.PathAdminTokens, fx.admin, protocol.AdminTokenRequest{Login: "reviewer", TTLSeconds: ttl}); r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("ttl_seconds %d: %d %s", ttl, r.StatusCode, r.body)
		}
	}
	var longest protocol.AdminTokenResponse
	fx.mustJSON("POST", protocol.PathAdminTokens, fx.admin, protocol.AdminTokenRequest{Login: "reviewer", TTLSeconds: int64(server.MaxTokenTTL / time.Second)},
		http.StatusCreated, &longest)
	if want := fx.clock.Now().Add(server.MaxTokenTTL); !longest.Expires.Equal(want) {
		t.Errorf("the longest token expires %v, want %v", longest.Expires, want)
	}
	for _, label := range []string{strings.Repeat("导", 101), "导出\u202e", "导出\x1b[2J", "导出\n第二行"} {
		if r := fx.do("POST", protocol.PathAdminTokens, fx.admin, protocol.AdminTokenRequest{Login: "reviewer", Label: label}); r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("label %q: %d %s", label, r.StatusCode, r.body)
		}
	}
}

// TestAdminNamesAreClean (found from outside): unit names with a bell, a
// line break, U+202E, a zero-width space, a BOM or a private-use character,
// a unit named as another one, and account names of 20,000 characters
// with escape sequences were all taken; they show on screens, printed
// copies and the command line's lists.
func TestAdminNamesAreClean(t *testing.T) {
	fx := MustBureau(t)
	code := 900
	unit := func(name string, want int) protocol.Unit {
		t.Helper()
		code++
		var u protocol.Unit
		r := fx.do("POST", protocol.PathAdminUnits, fx.admin, protocol.AdminUnitRequest{Name: name, Code: creditCode(code)})
		if r.StatusCode != want {
			t.Errorf("unit %q: %d %s, want %d", name, r.StatusCode, r.body, want)
		} else if want == http.StatusCreated {
			json.Unmarshal(r.body, &u)
		}
		return u
	}
	for _, name := range []string{"单位\x01\x07名", "城关\n镇", "城关\u202e镇", "城关\u200b镇", "\ufeff城关镇", "城关\ue000镇", "城关\U000E0041镇", "城关\uffff镇",
		// second round: fillers, blanks, selectors, radicals, no letter at all
		"城关镇\u3164", "城关镇\u115f", "城关镇\u2800", "城关\ufe00镇", "霍邱县城关镇人\u2ea0政府", "——",
		// third round: the combining grapheme joiner, Khmer vowels, unassigned, a mark on a Han
		"霍邱县城关镇人民政府\u034f", "城关\u17b5镇", "城关\u2065镇", "城关\ufff0镇", "城关\U000E0000镇", "城关\u0301镇", "\u0301城关镇",
		// fourth round: a CJK stroke, a description character, the replacement character
		"霍邱县城关镇人民政府\u31d0", "城关\u2ff0镇", "城关镇\ufffd"} {
		unit(name, http.StatusUnprocessableEntity)
	}
	unit(fx.unitA.Name, http.StatusUnprocessableEntity)         // the name of another unit
	unit(" "+fx.unitA.Name+" ", http.StatusUnprocessableEntity) // the same, trimmed
	unit("霍邱县 Data Center", http.StatusCreated)
	unit("霍邱县 ＤＡＴＡ center", http.StatusUnprocessableEntity)    // full width and case: the same to a reader
	unit("霍邱县  Data   Center", http.StatusUnprocessableEntity) // runs of spaces
	u := unit("霍邱县数据资源中心", http.StatusCreated)
	if r := fx.do("PUT", protocol.Path(protocol.PathAdminUnit, u.ID), fx.admin, protocol.AdminUnitRequest{Name: fx.unitB.Name, Code: u.Code}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("renamed as another unit: %d %s", r.StatusCode, r.body)
	}
	fx.mustJSON("PUT", protocol.Path(protocol.PathAdminUnit, u.ID), fx.admin, protocol.AdminUnitRequest{Name: u.Name, Code: u.Code}, http.StatusOK, nil) // its own name
	for _, name := range []string{strings.Repeat("张", 51), "张三\x1b[2J", "张三\r\n李四", "张\u202e三"} {
		req := protocol.AdminAccountRequest{Login: "zhang" + strconv.Itoa(len(name)), Name: name, Role: string(app.RoleReviewer), Password: "Correct horse 9 battery"}
		if r := fx.do("POST", protocol.PathAdminAccounts, fx.admin, req); r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("account name %q: %d %s", name, r.StatusCode, r.body)
		}
	}
	fx.mustJSON("POST", protocol.PathAdminAccounts, fx.admin, protocol.AdminAccountRequest{Login: "zhangsan", Name: "张三（审核）",
		Role: string(app.RoleReviewer), Password: "Correct horse 9 battery"}, http.StatusCreated, nil)
	// Two bureau accounts of one name read as one person in a filing's
	// history; clerks of different units may share one.
	for _, name := range []string{"王审核", "王 审核", "张三\u3164", "\u2800", "王审核\u034f"} {
		req := protocol.AdminAccountRequest{Login: "wang2", Name: name, Role: string(app.RoleFinance), Password: "Correct horse 9 battery"}
		if r := fx.do("POST", protocol.PathAdminAccounts, fx.admin, req); r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("account name %q: %d %s", name, r.StatusCode, r.body)
		}
	}
	fx.mustJSON("POST", protocol.PathAdminAccounts, fx.admin, protocol.AdminAccountRequest{Login: "li-b", Name: "李梅",
		Role: string(app.RoleUnit), UnitID: fx.unitB.ID, Password: "Correct horse 9 battery"}, http.StatusCreated, nil)
}

// TestFilingsInTheUnitsOwnName (found from outside): a clerk filed a
// declaration in another unit's name and credit code, a catalogue with
// another provider, a trial report with another 建设单位; each was
// received, printed and receipted as that unit's. A filing's own unit
// fields must be the caller's unit's, alone or in a batch; the refusal
// names what to write.
func TestFilingsInTheUnitsOwnName(t *testing.T) {
	fx := MustBureau(t)
	asA := func(f *app.Filing) protocol.SubmitRequest { // B's filing in A's name, as sent
		t.Helper()
		req, err := protocol.NewSubmitRequest(f.Body())
		if err != nil {
			t.Fatal(err)
		}
		return req
	}
	decl := newFiling(t, fx.unitB.ID)
	decl.Declaration.UnitName, decl.Declaration.UnitCreditCode = fx.unitA.Name, fx.unitA.Code
	p := fx.expectProblem("POST", revPath(decl), fx.clerkB, asA(decl), http.StatusUnprocessableEntity, app.EINVALID)
	if len(p.Errors) != 2 || p.Errors[0].Field != "unit_name" || !strings.Contains(p.Errors[0].Message, "请改为“"+fx.unitB.Name+"”") ||
		p.Errors[1].Field != "unit_credit_code" || !strings.Contains(p.Errors[1].Message, "请改为 "+fx.unitB.Code) {
		t.Fatalf("a declaration in A's name from B: %+v", p)
	}
	decl.Declaration.UnitName = fx.unitB.Name // B's name, A's code
	p = fx.expectProblem("POST", revPath(decl), fx.clerkB, asA(decl), http.StatusUnprocessableEntity, app.EINVALID)
	if len(p.Errors) != 1 || p.Errors[0].Field != "unit_credit_code" {
		t.Fatalf("A's code alone: %+v", p)
	}

	cat, err := app.NewFiling(app.KindCatalogue, uuid.NewString(), uuid.NewString(), fx.unitB.ID, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	cat.Catalogue = apptest.Catalogue()
	cat.Catalogue.ProviderName, cat.Catalogue.ProviderCode = fx.unitA.Name, fx.unitA.Code
	trial, err := app.NewFiling(app.KindTrialReport, uuid.NewString(), uuid.NewString(), fx.unitB.ID, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	trial.TrialReport = apptest.TrialReport()
	trial.TrialReport.TrialStart, trial.TrialReport.TrialEnd = "2027-01-08", "2027-02-09" // ended by the fixture's day
	trial.TrialReport.UnitName = fx.unitA.Name
	var resp protocol.BatchSubmitResponse
	fx.mustJSON("POST", protocol.PathSubmissions, fx.clerkB, protocol.BatchSubmitRequest{Submissions: []protocol.SubmitRequest{asA(cat), asA(trial)}},
		http.StatusOK, &resp)
	for i, want := range [][]string{{"provider_name", "provider_code"}, {"unit_name"}} {
		r := resp.Results[i]
		if r.Status != http.StatusUnprocessableEntity || r.Problem == nil || len(r.Problem.Errors) != len(want) {
			t.Fatalf("batch item %d in A's name: %+v", i, r)
		}
		for j, f := range want {
			if r.Problem.Errors[j].Field != f {
				t.Errorf("batch item %d: problem %d on %s, want %s", i, j, r.Problem.Errors[j].Field, f)
			}
		}
	}
	// In B's own name each goes.
	decl.Declaration.UnitCreditCode = fx.unitB.Code
	fx.mustJSON("POST", revPath(decl), fx.clerkB, asA(decl), http.StatusCreated, nil)
	fx.submit(fx.clerkB, cat, http.StatusCreated)
	fx.submit(fx.clerkB, trial, http.StatusCreated)
}

// TestNewFilingsPerDay (found from outside): one clerk's token submitted
// 30,000 new declarations in 16.5 s, each in the reviewers' queue. A unit
// may create Config.UnitNewFilingsPerDay filings in 24 hours, alone or in
// batches; revisions of its filings, resends and refusals do not count;
// past it 429 with Retry-After and the syncer waits.
func TestNewFilingsPerDay(t *testing.T) {
	fx := MustBureau(t, func(c *server.Config) { c.UnitNewFilingsPerDay = 3 })
	first := newFiling(t, fx.unitA.ID)
	fx.submit(fx.clerkA, first, http.StatusCreated)
	for range 5 {
		fx.submit(fx.clerkA, first, http.StatusOK) // resends
	}
	bad := newFiling(t, fx.unitA.ID)
	bad.Declaration.ProjectName = ""
	for range 5 {
		fx.do("POST", revPath(bad), fx.clerkA, submitReq(t, bad)) // refused: 422
	}
	var resp protocol.BatchSubmitResponse
	two := []protocol.SubmitRequest{submitReq(t, newFiling(t, fx.unitA.ID)), submitReq(t, newFiling(t, fx.unitA.ID))}
	fx.mustJSON("POST", protocol.PathSubmissions, fx.clerkA, protocol.BatchSubmitRequest{Submissions: two}, http.StatusOK, &resp)
	for i, r := range resp.Results {
		if r.Status != http.StatusCreated {
			t.Fatalf("batch item %d: %+v", i, r)
		}
	}
	fourth := newFiling(t, fx.unitA.ID)
	r := fx.do("POST", revPath(fourth), fx.clerkA, submitReq(t, fourth))
	wait, _ := strconv.Atoi(r.Header.Get(protocol.HeaderRetryAfter))
	if p := r.problem(t); r.StatusCode != http.StatusTooManyRequests || wait <= 0 || !strings.Contains(p.Detail, "新建的材料已达数管局设定的上限（3 份）") {
		t.Fatalf("the fourth new filing: %d Retry-After %d %s", r.StatusCode, wait, r.body)
	}
	if r := fx.do("POST", protocol.PathSubmissions, fx.clerkA, protocol.BatchSubmitRequest{Submissions: []protocol.SubmitRequest{submitReq(t, fourth)}}); r.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("the fourth in a batch: %d %s", r.StatusCode, r.body)
	}
	// A resend at the limit is answered with its receipt (found from
	// outside: it was 429 for a day), alone or in a batch.
	fx.submit(fx.clerkA, first, http.StatusOK)
	var again protocol.BatchSubmitResponse
	fx.mustJSON("POST", protocol.PathSubmissions, fx.clerkA, protocol.BatchSubmitRequest{Submissions: two}, http.StatusOK, &again)
	for i, r := range again.Results {
		if r.Status != http.StatusOK || r.Receipt == nil {
			t.Fatalf("a resent batch at the limit, item %d: %+v", i, r)
		}
	}
	// A revision of a filing it has is not a new filing.
	fx.decide(fx.reviewer, first.ID, app.ActionReturn, "请补充建设目标", http.StatusOK)
	next := *first
	next.Revision = app.Revision{ID: uuid.NewString(), Number: 2, BaseID: first.Revision.ID}
	fx.submit(fx.clerkA, &next, http.StatusCreated)
	fx.submit(fx.clerkB, newFiling(t, fx.unitB.ID), http.StatusCreated) // another unit's count is its own
	fx.clock.Advance(time.Duration(wait) * time.Second)
	fx.submit(fx.clerkA, fourth, http.StatusCreated)
}

// noConnections closes the fixture's own idle connections and waits until
// the bureau holds none: for tests that count every place.
func (fx *fixture) noConnections(t *testing.T) {
	t.Helper()
	fx.client.CloseIdleConnections()
	for start := time.Now(); fx.srv.OpenConns() > 0; time.Sleep(5 * time.Millisecond) {
		if time.Since(start) > 5*time.Second {
			t.Fatalf("%d connections still open before the test", fx.srv.OpenConns())
		}
	}
}

// TestIdleConnectionsMakeRoom (found from outside): 9 addresses × 1,024
// kept-alive connections, each asking something every two minutes, held
// every place and every other client got 503. When the server is full, a
// connection that has sent no whole request for a second is closed to
// make room, else the one idle longest; connections that sent nothing are
// closed before a client's kept-alive one (found from outside in the next
// round: they were never "idle", so the client's was closed for them).
func TestIdleConnectionsMakeRoom(t *testing.T) {
	fx := MustServedBureau(t, func(c *server.Config) { c.MaxConns, c.MaxConnsPerAddr = 20, 1000 })
	fx.noConnections(t)
	var kept, silent []net.Conn
	for i := range 10 {
		c, err := fx.dialFrom(fmt.Sprintf("127.0.0.%d", 2+i%4))
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(10 * time.Second))
		if _, err := io.WriteString(c, "GET "+protocol.PathHealth+" HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
			t.Fatal(err)
		}
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatalf("connection %d: %v", i, err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		kept = append(kept, c) // kept alive, idle
	}
	for i := range 10 {
		c, err := fx.dialFrom(fmt.Sprintf("127.0.0.%d", 6+i%4))
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		silent = append(silent, c) // sends nothing
	}
	for fx.srv.OpenConns() < 20 {
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(2 * time.Second) // the silent ones are more than a second old
	for i := range 5 {          // newcomers get in
		r, err := fx.clientFrom("127.0.0.1").Get(fx.url + protocol.PathHealth)
		if err != nil {
			t.Fatalf("newcomer %d: %v", i, err)
		}
		r.Body.Close()
		if r.StatusCode != http.StatusOK {
			t.Fatalf("newcomer %d: %d, want 200 with every place held", i, r.StatusCode)
		}
	}
	if n := fx.srv.OpenConns(); n > 20 {
		t.Errorf("%d connections held, the limit is 20", n)
	}
	closed := func(cs []net.Conn) (n int) {
		for _, c := range cs {
			c.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
			if _, err := c.Read(make([]byte, 1)); err == io.EOF {
				n++
			}
		}
		return n
	}
	if n := closed(silent); n == 0 {
		t.Error("no silent connection was closed")
	}
	if n := closed(kept); n != 0 {
		t.Errorf("%d kept-alive connections were closed while silent ones were open", n)
	}
	// With only kept-alive connections left to close, the one idle longest goes.
	for _, c := range silent {
		c.Close()
	}
	for range 10 {
		c, err := fx.dialFrom("127.0.0.9")
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(10 * time.Second))
		io.WriteString(c, "GET "+protocol.PathHealth+" HTTP/1.1\r\nHost: x\r\n\r\n")
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	r, err := fx.clientFrom("127.0.0.1").Get(fx.url + protocol.PathHealth)
	if err != nil || r.StatusCode != http.StatusOK {
		t.Fatalf("a newcomer with only kept-alive connections held: %v %v", r, err)
	}
	r.Body.Close()
	if closed(kept) == 0 {
		t.Error("no kept-alive connection was closed")
	}
}

// TestPublicBodiesAreSmall (found from outside): Content-Length 4 MB on
// /login, a space every 5 s, held a connection for 8½ minutes. A route
// without login takes at most 16 KiB, refused at once when announced
// larger.
func TestPublicBodiesAreSmall(t *testing.T) {
	fx := MustServedBureau(t)
	start := time.Now()
	r := fx.raw("POST " + protocol.PathLogin + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: 4000000\r\n\r\n{")
	if r.StatusCode != http.StatusRequestEntityTooLarge || time.Since(start) > 5*time.Second {
		t.Fatalf("a 4 MB login: %d after %v: %s", r.StatusCode, time.Since(start), r.body)
	}
	// One limit, the one the refusal names, announced or sent (a body of
	// 5 KB was over 4096 bytes, one announced of 17 KB over 16384).
	for _, path := range []string{protocol.PathLogin, protocol.PathPassword} {
		for _, n := range []int{5000, 17000} {
			r := fx.raw(fmt.Sprintf("POST %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n{\"login\":\"%s\"}",
				path, n, strings.Repeat("x", n-12)))
			if r.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(r.body), "4096 字节") {
				t.Errorf("%s of %d bytes: %d %s", path, n, r.StatusCode, r.body)
			}
		}
	}
}

// TestRequestsInProgressPerAccount (found from outside): 1,000 connections
// of one clerk, each asking for three 1 MB restore pages and reading
// nothing, had the server build all of those answers at once (1.3 GB).
// One account has at most Config.AccountRequests requests in progress;
// more answer 429 with Retry-After; other accounts are not held up, and a
// place comes back when its request ends.
func TestRequestsInProgressPerAccount(t *testing.T) {
	fx := MustServedBureau(t, func(c *server.Config) { c.AccountRequests, c.BodyIdle = 3, time.Minute })
	polls := make([]net.Conn, 3)
	for i := range polls { // three requests whose bodies are still coming hold the account's places
		c, err := net.Dial("tcp", fx.addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if _, err := io.WriteString(c, "POST "+protocol.PathSubmissions+" HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "+fx.clerkA+
			"\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"); err != nil {
			t.Fatal(err)
		}
		polls[i] = c
	}
	// Wait for the three to be counted before asking a fourth time: a
	// probe of the same account would take a place itself, and on a
	// busy PostgreSQL the third held request, authenticated last, then
	// met the probe and was the one refused (found by -count=25).
	for deadline := time.Now().Add(30 * time.Second); server.RequestsInProgress(fx.srv) < len(polls); {
		if time.Now().After(deadline) {
			var got []string // what became of the three
			for i, c := range polls {
				c.SetReadDeadline(time.Now().Add(time.Second))
				b, err := io.ReadAll(io.LimitReader(c, 2048))
				got = append(got, fmt.Sprintf("request %d: %q (%v)", i+1, b, err))
			}
			t.Fatalf("%d of the 3 requests in progress after 30 s\n%s", server.RequestsInProgress(fx.srv), strings.Join(got, "\n"))
		}
		time.Sleep(10 * time.Millisecond)
	}
	r := fx.do("GET", protocol.PathFilings, fx.clerkA, nil)
	if p := r.problem(t); r.StatusCode != http.StatusTooManyRequests || r.Header.Get(protocol.HeaderRetryAfter) != "1" || !strings.Contains(p.Detail, "同时进行的请求过多") {
		t.Fatalf("a fourth request of the account: %d %s", r.StatusCode, r.body)
	}
	fx.mustJSON("GET", protocol.PathFilings, fx.clerkB, nil, http.StatusOK, nil) // another account
	polls[0].Close()                                                             // the server notices, the request ends
	deadline := time.Now().Add(5 * time.Second)
	for r = fx.do("GET", protocol.PathFilings, fx.clerkA, nil); r.StatusCode != http.StatusOK; r = fx.do("GET", protocol.PathFilings, fx.clerkA, nil) {
		if time.Now().After(deadline) {
			t.Fatalf("after a request ended: %d %s", r.StatusCode, r.body)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestFilingsInPages (found from outside): a unit's list was one answer,
// 12 MB for the 30,000 filings one clerk's token made, built whole for
// each call. It comes in pages now, each filing once; the client reads
// them all.
func TestFilingsInPages(t *testing.T) {
	fx := MustBureau(t)
	want := map[string]bool{}
	for range 7 {
		f := newFiling(t, fx.unitA.ID)
		fx.submit(fx.clerkA, f, http.StatusCreated)
		want[f.ID] = true
	}
	fx.submit(fx.clerkB, newFiling(t, fx.unitB.ID), http.StatusCreated)
	got := map[string]bool{}
	path := protocol.PathFilings + "?limit=3"
	for pages := 1; ; pages++ {
		var l protocol.FilingList
		fx.mustJSON("GET", path, fx.clerkA, nil, http.StatusOK, &l)
		if len(l.Filings) > 3 || pages > 3 {
			t.Fatalf("page %d: %d filings", pages, len(l.Filings))
		}
		for _, f := range l.Filings {
			if got[f.ID] || !want[f.ID] {
				t.Fatalf("page %d: %s twice or not A's", pages, f.ID)
			}
			got[f.ID] = true
		}
		if l.Next == "" {
			break
		}
		path = protocol.PathFilings + "?limit=3&cursor=" + l.Next
	}
	if len(got) != len(want) {
		t.Fatalf("%d filings in the pages, want %d", len(got), len(want))
	}
	fx.expectProblem("GET", protocol.PathFilings+"?cursor=!!", fx.clerkA, nil, http.StatusUnprocessableEntity, app.EINVALID)
	fx.expectProblem("GET", protocol.PathFilings+"?limit=0", fx.clerkA, nil, http.StatusUnprocessableEntity, app.EINVALID)
}

// TestAuditTextIsPlain (found from outside): a failed login's name, which
// anyone may send, put an escape sequence, U+202E and a line break
// ("seq 99 admin ok") into the records the auditor reads. The trail keeps
// such characters written as \uXXXX.
func TestAuditTextIsPlain(t *testing.T) {
	fx := MustBureau(t)
	fx.do("POST", protocol.PathLogin, "", protocol.LoginRequest{Login: "evil\x1b[2J\u202e\nseq 99 admin ok", Password: "x"})
	trail := server.AuditTrail(t, fx.srv)
	e := trail[len(trail)-1]
	if e.Action != "login" || strings.ContainsAny(e.Actor+e.Target+e.Detail, "\x1b\u202e\n") ||
		!strings.Contains(e.Actor, `\u001b[2j\u202e\u000aseq 99 admin ok`) {
		t.Fatalf("the failed login's record: %+v", e)
	}
	// A backslash typed is not an escape (found in the next round): it is
	// doubled, and a character beyond U+FFFF is written whole.
	fx.do("POST", protocol.PathLogin, "", protocol.LoginRequest{Login: `bad\u202e` + "\U000E0041", Password: "x"})
	trail = server.AuditTrail(t, fx.srv)
	if e := trail[len(trail)-1]; e.Actor != `bad\\u202e\U000e0041` {
		t.Fatalf("a typed backslash and a tag character: %q", e.Actor)
	}
}

// blockedWriter is an answer whose writes wait until release is closed,
// as a client that reads slowly; started is closed at its first write.
type blockedWriter struct {
	header           http.Header
	started, release chan struct{}
	once             sync.Once
}

func (b *blockedWriter) Header() http.Header { return b.header }
func (b *blockedWriter) WriteHeader(int)     {}
func (b *blockedWriter) Write(p []byte) (int, error) {
	b.once.Do(func() { close(b.started) })
	<-b.release
	return len(p), nil
}

// TestOneBackupAtATime (found from outside): 60 online backups at once took
// 2.9 GB (each holds a store snapshot and tens of MB). A second backup
// while one runs answers 429; once it ends the next may run.
func TestOneBackupAtATime(t *testing.T) {
	fx := MustBureau(t)
	h := fx.srv.Handler()
	backup := func() *http.Request {
		r := httptest.NewRequest("GET", protocol.PathAdminBackup, nil)
		r.Header.Set(protocol.HeaderAuthorization, "Bearer "+fx.admin)
		return r
	}
	first := &blockedWriter{header: http.Header{}, started: make(chan struct{}), release: make(chan struct{})}
	done := make(chan struct{})
	go func() { defer close(done); h.ServeHTTP(first, backup()) }()
	<-first.started
	second := httptest.NewRecorder()
	h.ServeHTTP(second, backup())
	if second.Code != http.StatusTooManyRequests || !strings.Contains(second.Body.String(), "另一个备份正在进行") {
		t.Fatalf("a second backup while one runs: %d %s", second.Code, second.Body)
	}
	close(first.release)
	<-done
	third := httptest.NewRecorder()
	h.ServeHTTP(third, backup())
	if third.Code != http.StatusOK {
		t.Fatalf("a backup after the first ended: %d %s", third.Code, third.Body)
	}
}

// TestSlowBodiesKeepPaceOrGo (found from outside, fourth round): with a
// clerk's token, 4 MB bodies a space every 5 s were owed 8½ minutes each
// and held every place; /login bodies of 16 KiB a byte a second,
// reconnected as they were cut, did the same without any account; and a
// refusal before the body was read came only after the body's deadline.
// A JSON body must keep the minimum rate after its grace (3 s without
// login), a full server closes a connection whose body has been coming
// for a second before a kept-alive one, and an early refusal is at once.
func TestSlowBodiesKeepPaceOrGo(t *testing.T) {
	fx := MustServedBureau(t, func(c *server.Config) {
		c.MaxConns, c.MaxConnsPerAddr, c.BodyIdle = 10, 1000, 2*time.Second
	})
	fx.client.CloseIdleConnections() // the fixture's own: the test counts every place
	trickle := func(from, head string) net.Conn { t.Helper(); return fx.trickle(t, from, head, ' ') }
	cutWithin := func(c net.Conn, d time.Duration, what string) {
		t.Helper()
		start := time.Now()
		c.SetReadDeadline(start.Add(d + 5*time.Second))
		io.Copy(io.Discard, c)
		if took := time.Since(start); took > d {
			t.Errorf("%s: cut after %v, want within %v", what, took.Round(100*time.Millisecond), d)
		}
	}
	// A refusal before the body is read: at once.
	c := trickle("127.0.0.2", "POST "+protocol.PathSubmissions+" HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 4000000\r\n\r\n{")
	cutWithin(c, time.Second, "no token, 4 MB announced")
	// An authenticated slow body: cut once it falls behind 8 KiB/s after the grace.
	c = trickle("127.0.0.2", "POST "+protocol.PathSubmissions+" HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "+fx.clerkA+
		"\r\nContent-Type: application/json\r\nContent-Length: 4000000\r\n\r\n{")
	cutWithin(c, 6*time.Second, "a clerk's 4 MB body a byte a second")
	// Without login: a short grace.
	c = trickle("127.0.0.2", "POST "+protocol.PathLogin+" HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 16000\r\n\r\n{")
	cutWithin(c, 7*time.Second, "a 16 KB login a byte a second")

	// Slow bodies on every place: a newcomer still gets in.
	for i := range 10 {
		trickle(fmt.Sprintf("127.0.0.%d", 3+i%3), "POST "+protocol.PathSubmissions+" HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "+fx.clerkB+
			"\r\nContent-Type: application/json\r\nContent-Length: 4000000\r\n\r\n{")
	}
	for fx.srv.OpenConns() < 10 {
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(1500 * time.Millisecond)
	r, err := fx.clientFrom("127.0.0.1").Get(fx.url + protocol.PathHealth)
	if err != nil || r.StatusCode != http.StatusOK {
		t.Fatalf("a newcomer with every place held by slow bodies: %v %v", r, err)
	}
	r.Body.Close()
}

// TestChunkedBodiesAreRefused (found from outside): a request with both
// Content-Length and Transfer-Encoding: chunked was read by its chunks and
// the connection kept, so that what a proxy reading the length took for
// the body's end the bureau read as a second request (request
// smuggling; RFC 9112 §6.1 says to close). A body in chunks is answered
// 411 and the connection closed; one with its length is served as before,
// kept alive.
func TestChunkedBodiesAreRefused(t *testing.T) {
	fx := MustServedBureau(t, func(c *server.Config) {
		// the client-version check and the downloads answer on their own
		c.Release = server.Release{MinClientVersion: "0.1.0", DownloadDir: t.TempDir()}
	})
	exchange := func(raw string) string {
		t.Helper()
		c, err := net.Dial("tcp", fx.addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(10 * time.Second))
		if _, err := io.WriteString(c, raw); err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(c) // to the server's close
		if err != nil {
			t.Fatalf("reading until the server closes: %v (read %q)", err, got)
		}
		return string(got)
	}
	smuggled := "GET " + protocol.PathHealth + " HTTP/1.1\r\nHost: x\r\n\r\n"
	for name, raw := range map[string]string{
		"length and chunks": "POST " + protocol.PathLogin + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
			"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled,
		"chunks": "POST " + protocol.PathSubmissions + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + fx.clerkA +
			"\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n" + smuggled,
		// found in the next round: answered before the check
		"OPTIONS *": "OPTIONS * HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled,
		"an outdated client": "POST " + protocol.PathLogin + " HTTP/1.1\r\nHost: x\r\n" + protocol.HeaderClientVersion + ": 0.0.1\r\n" +
			"Content-Type: application/json\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled,
		"downloads": "GET " + protocol.PathDownloads + " HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled,
	} {
		got := exchange(raw)
		if !strings.HasPrefix(got, "HTTP/1.1 411 ") || !strings.Contains(got, `"code":"length_required"`) ||
			!strings.Contains(got, "Content-Length 发送") || strings.Count(got, "HTTP/1.") != 1 {
			t.Fatalf("%s: %q", name, got)
		}
	}
	// HTTP/1.0: Go frames the body by its length and hides the
	// Transfer-Encoding a proxy may have read; the connection is closed
	// after one answer, kept alive or not.
	got := exchange("POST " + protocol.PathLogin + " HTTP/1.0\r\nHost: x\r\nConnection: keep-alive\r\nContent-Type: application/json\r\n" +
		"Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n" + smuggled)
	if strings.Count(got, "HTTP/1.") != 1 {
		t.Fatalf("HTTP/1.0 with a Transfer-Encoding: %q", got)
	}
	// With its length, the next request on the connection is served.
	got = exchange("POST " + protocol.PathLogin + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}" +
		"GET " + protocol.PathHealth + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	if strings.Count(got, "HTTP/1.1 ") != 2 || !strings.Contains(got, "HTTP/1.1 200 ") {
		t.Fatalf("a body with its length, then another request: %q", got)
	}
}

// TestSlowChunkHoldsOnlyItsUpload (found from outside): a chunk holds its
// upload's lock while its body arrives (up to 10 minutes), and the locks
// were 64, shared by every unit through a hash of unit and attachment. One
// clerk's slow chunk on a made-up attachment falling on another unit's
// lock held that unit's upload (29 s, as long as the chunks went on), and
// the pruning waited on it, holding off a backup for 530 s. Each upload
// has its own lock now, and the pruning waits for none.
func TestSlowChunkHoldsOnlyItsUpload(t *testing.T) {
	fx := MustServedBureau(t, func(c *server.Config) { c.PartRetention = 24 * time.Hour })
	orphan := bytes.Repeat([]byte("无人引用的附件"), 1000)
	fx.upload(fx.clerkA, orphan, 1<<20)
	fx.clock.Advance(48 * time.Hour)
	// Unit B's made-up attachment on the lock A's orphan had.
	stripe := func(unit, sum string) uint32 {
		h := fnv.New32a()
		h.Write([]byte(unit + "/" + sum))
		return h.Sum32() % 64
	}
	var slow string
	for i := 0; ; i++ {
		if slow = sha([]byte(fmt.Sprint("made up ", i))); stripe(fx.unitB.ID, slow) == stripe(fx.unitA.ID, sha(orphan)) {
			break
		}
	}
	c, err := net.Dial("tcp", fx.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := io.WriteString(c, "PATCH "+protocol.Path(protocol.PathAttachment, slow)+" HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "+fx.clerkB+
		"\r\nContent-Type: "+protocol.MediaChunk+"\r\n"+protocol.HeaderUploadOffset+": 0\r\n"+protocol.HeaderUploadLength+": 100\r\n"+
		"Content-Length: 100\r\n\r\nfirst bytes"); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); !server.UploadBusy(fx.srv, fx.unitB.ID, slow); {
		if time.Now().After(deadline) {
			t.Fatal("the slow chunk never took its upload's lock")
		}
		time.Sleep(10 * time.Millisecond)
	}
	done := make(chan error, 1)
	go func() {
		n, err := fx.srv.PruneUnreferencedUploads(context.Background())
		if err == nil && n != 1 {
			err = fmt.Errorf("pruned %d, want 1", n)
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the pruning waited on another unit's slow chunk")
	}
	if h := fx.do("HEAD", protocol.Path(protocol.PathAttachment, sha(orphan)), fx.clerkA, nil).Header; h.Get(protocol.HeaderUploadComplete) != "?0" {
		t.Fatalf("A's orphan after the pruning: %v", h)
	}
}

// TestUploadBuffersAreBounded (found from outside): each chunk took four
// 1 MiB buffers before its first byte and, at a byte a minute, kept them
// for MaxChunkTime: an account's 64 requests held 256 MiB, and a few
// accounts the server's memory. A chunk now holds one buffer until its
// bytes come faster than they are written, an account sends at most
// AccountUploads chunks at once (429), and all chunks together hold at
// most UploadBuffers (429, with what was received kept).
func TestUploadBuffersAreBounded(t *testing.T) {
	fx := MustServedBureau(t, func(c *server.Config) { c.UploadBuffers, c.AccountUploads = 3<<20, 2 })
	if _, err := fx.srv.AddAccount(context.Background(), server.NewAccount{Login: "clerk-a2", Name: "赵敏", Role: app.RoleUnit,
		UnitID: fx.unitA.ID, Password: password}); err != nil {
		t.Fatal(err)
	}
	clerkA2 := fx.login("clerk-a2").Token
	slow := func(token string, i int) net.Conn {
		t.Helper()
		c, err := net.Dial("tcp", fx.addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		sum := sha([]byte(fmt.Sprint("slow ", token, i)))
		if _, err := io.WriteString(c, "PATCH "+protocol.Path(protocol.PathAttachment, sum)+" HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "+token+
			"\r\nContent-Type: "+protocol.MediaChunk+"\r\n"+protocol.HeaderUploadOffset+": 0\r\n"+protocol.HeaderUploadLength+": 3000000\r\n"+
			"Content-Length: 3000000\r\n\r\nfirst bytes"); err != nil {
			t.Fatal(err)
		}
		return c
	}
	waitHeld := func(want int) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); server.ChunkBuffersHeld(fx.srv) != want; {
			if time.Now().After(deadline) {
				t.Fatalf("chunks hold %d buffers, want %d", server.ChunkBuffersHeld(fx.srv), want)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	slow(fx.clerkA, 1)
	slow(fx.clerkA, 2)
	b := slow(fx.clerkB, 1)
	waitHeld(3) // one each: three trickling chunks fit in 3 MiB

	data := bytes.Repeat([]byte("第二个账号的附件"), 1000)
	path := protocol.Path(protocol.PathAttachment, sha(data))
	headers := []string{protocol.HeaderUploadOffset, "0", protocol.HeaderUploadLength, strconv.Itoa(len(data))}
	r := fx.do("PATCH", path, fx.clerkA, data, headers...)
	if p := r.problem(t); r.StatusCode != http.StatusTooManyRequests || p.Code != app.ETOOMANY || r.Header.Get(protocol.HeaderRetryAfter) == "" {
		t.Fatalf("a third chunk of one account: %d %s %v", r.StatusCode, r.body, r.Header)
	}
	r = fx.do("PATCH", path, clerkA2, data, headers...)
	if p := r.problem(t); r.StatusCode != http.StatusTooManyRequests || !strings.Contains(p.Detail, "正在接收的附件过多") || r.Header.Get(protocol.HeaderRetryAfter) == "" {
		t.Fatalf("a chunk with every buffer taken: %d %s %v", r.StatusCode, r.body, r.Header)
	}
	if st := fx.do("HEAD", path, clerkA2, nil); st.Header.Get(protocol.HeaderUploadOffset) != "0" {
		t.Fatalf("the refused chunk left offset %q", st.Header.Get(protocol.HeaderUploadOffset))
	}
	b.Close()
	waitHeld(2)
	if st := fx.upload(clerkA2, data, len(data)); !st.Complete {
		t.Fatalf("after a buffer came free: %+v", st)
	}
	waitHeld(2)
}

// TestBatchCountIsCheckedBeforeDecoding (found from outside): a 4 MiB
// batch of 1.4 million empty submissions ("{}") was decoded whole before
// its count was checked: 670 MB a request, 7.5 GB for 16 of one clerk.
// The count is checked as the text is, before anything is decoded.
func TestBatchCountIsCheckedBeforeDecoding(t *testing.T) {
	fx := MustBureau(t)
	body := append([]byte(`{"submissions":[{}`), bytes.Repeat([]byte(",{}"), (4<<20-40)/3)...)
	body = append(body, "]}"...)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	r := raw(fx, "POST", protocol.PathSubmissions, fx.clerkA, protocol.MediaJSON, body)
	runtime.ReadMemStats(&after)
	if p := r.problem(t); r.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(p.Detail, "一次最多提交 200 份材料") {
		t.Fatalf("%d: %s", r.StatusCode, r.body)
	}
	// the body read (4 MiB, its buffer grown once or twice) and the answer
	if got := after.TotalAlloc - before.TotalAlloc; got > 64<<20 {
		t.Fatalf("refusing %d empty submissions allocated %d MiB", len(body)/3, got>>20)
	}
}

// TestRefusalOfALargeBodyReachesTheClient: a request refused before its
// body is read (a login announcing 20 MB) is answered at once and its
// connection closed. Closing a socket with bytes unread makes the kernel
// send a reset, and a client still sending its body — a browser uploading
// a register file over the limit — lost the answer to it and saw
// "connection reset" instead (TestConsoleRegisterImport failed so one run
// in twenty). The bureau now takes in, for a second, what the client goes
// on sending after the answer (lingering close, RFC 9112 §9.6).
func TestRefusalOfALargeBodyReachesTheClient(t *testing.T) {
	fx := MustServedBureau(t)
	c, err := net.Dial("tcp", fx.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(20 * time.Second))
	if _, err := io.WriteString(c, "POST "+protocol.PathLogin+" HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 20000000\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	// The client goes on sending, as a browser does, and reads the answer
	// once it is done or cut off: the bureau must not cut it off (reset)
	// within a second of the answer. Without the lingering it did after
	// half a second (Go's own wait before closing).
	start := time.Now()
	chunk := bytes.Repeat([]byte("x"), 64<<10)
	for range 300 {
		if _, err := c.Write(chunk); err != nil {
			if d := time.Since(start); d < 900*time.Millisecond {
				t.Fatalf("cut off %v after the request was refused: %v", d, err)
			}
			break
		}
	}
	got, err := io.ReadAll(bufio.NewReader(c))
	if !strings.HasPrefix(string(got), "HTTP/1.1 413 ") {
		t.Fatalf("the answer to a body too large: %v (read %q)", err, got)
	}
}

// TestBodyListsAreCheckedBeforeDecoding (found in review): a body whose
// "attachments" held 1.4 million empty objects was decoded whole before
// its lists were checked — 3 GiB — and answered 138 MB of problems. Every
// list of a body is counted as the text is checked.
func TestBodyListsAreCheckedBeforeDecoding(t *testing.T) {
	fx := MustServedBureau(t) // served: no OpenAPI check in the handler, whose validator decodes every byte of a request it accepts
	f := newFiling(t, fx.unitA.ID)
	req := submitReq(t, f)
	list := append([]byte(`{"kind":"declaration","attachments":[{}`), bytes.Repeat([]byte(",{}"), (4<<20-8000)/3)...)
	req.Body = append(list, "]}"...)
	req.BodySHA256 = sha(req.Body)
	data, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	r := raw(fx, "POST", revPath(f), fx.clerkA, protocol.MediaJSON, data)
	runtime.ReadMemStats(&after)
	if p := r.problem(t); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(p.Detail, "最多 1000 项") || len(r.body) > 64<<10 ||
		len(p.Errors) != 1 || p.Errors[0].Field != "body.attachments" {
		t.Fatalf("%d, %d bytes: %.500s", r.StatusCode, len(r.body), r.body)
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > 64<<20 {
		t.Fatalf("refusing %d empty attachments allocated %d MiB", len(list)/3, got>>20)
	}
	// The same body in a batch, whose bodies are decoded with the request:
	// refused before it is decoded, and, as every body in a batch, on its
	// own (the good one beside it is received).
	good := submitReq(t, newFiling(t, fx.unitA.ID))
	batch, err := json.Marshal(protocol.BatchSubmitRequest{Submissions: []protocol.SubmitRequest{good, req}})
	if err != nil {
		t.Fatal(err)
	}
	hreq, err := http.NewRequest("POST", fx.url+protocol.PathSubmissions, bytes.NewReader(batch))
	if err != nil {
		t.Fatal(err)
	}
	hreq.Header.Set("Content-Type", protocol.MediaJSON)
	hreq.Header.Set(protocol.HeaderAuthorization, "Bearer "+fx.clerkA)
	runtime.GC()
	runtime.ReadMemStats(&before)
	resp, err := (&http.Client{Timeout: 20 * time.Second}).Do(hreq) // plain: the fixture's checks the answer against the document
	if err != nil {
		t.Fatal(err)
	}
	r = response{resp, nil}
	r.body, err = io.ReadAll(resp.Body)
	resp.Body.Close()
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	var br protocol.BatchSubmitResponse
	if r.StatusCode != http.StatusOK || json.Unmarshal(r.body, &br) != nil || len(br.Results) != 2 ||
		br.Results[0].Status != http.StatusCreated || br.Results[1].Problem == nil ||
		br.Results[1].Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.body), "最多 1000 项") {
		t.Fatalf("in a batch: %d, %d bytes: %.500s", r.StatusCode, len(r.body), r.body)
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > 64<<20 {
		t.Fatalf("refusing them in a batch allocated %d MiB", got>>20)
	}
}

// TestLingeringConnectionsMakeRoom (found from outside): a connection
// lingering after the answer to a body left unread (framing) was never
// closed to make room, so a client answered and sending on held its place
// a second longer. It is now the first to go.
func TestLingeringConnectionsMakeRoom(t *testing.T) {
	fx := MustServedBureau(t, func(c *server.Config) { c.MaxConns, c.MaxConnsPerAddr = 1, 1000 })
	fx.noConnections(t)
	c, err := fx.dialFrom("127.0.0.2")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, "POST "+protocol.PathLogin+" HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 20000000\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	go func() { // sends on, as a browser does: the bureau lingers a second
		chunk := bytes.Repeat([]byte("x"), 16<<10)
		for range 2000 {
			if _, err := c.Write(chunk); err != nil {
				return
			}
			time.Sleep(time.Millisecond)
		}
	}()
	line, err := bufio.NewReader(c).ReadString('\n')
	if !strings.HasPrefix(line, "HTTP/1.1 413 ") {
		t.Fatalf("the answer: %q %v", line, err)
	}
	r, err := fx.clientFrom("127.0.0.1").Get(fx.url + protocol.PathHealth)
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusOK {
		t.Fatalf("a newcomer while the only place lingers: %d, want 200", r.StatusCode)
	}
}

// TestUnreadBodiesCloseTheConnection (found from outside): before it
// writes an answer, Go's server reads up to 256 KiB of a body the handler
// left unread, with no deadline where the handler set none. A request
// announcing 100,000 bytes and sending none to GET /healthz, a console
// page, a path that does not exist, or POST /login (refused as too big
// before its body is read) had no answer and held its connection for
// good; 9 addresses × 1,000 such connections shut everyone else out. Each
// is answered at once and its connection closed.
func TestUnreadBodiesCloseTheConnection(t *testing.T) {
	fx := MustServedBureau(t)
	for _, req := range []string{
		"GET " + protocol.PathHealth,
		"GET /console/login",
		"GET /no/such/page",
		"POST " + protocol.PathLogin,
	} {
		c, err := net.Dial("tcp", fx.addr)
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(10 * time.Second))
		start := time.Now()
		if _, err := io.WriteString(c, req+" HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n"); err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(c) // the answer, then the server's close
		c.Close()
		if err != nil || !strings.HasPrefix(string(got), "HTTP/1.1 ") || time.Since(start) > 5*time.Second {
			t.Fatalf("%s announcing a body never sent: %v after %v (read %q)", req, err, time.Since(start), got)
		}
	}
}

// TestStartedUploadsCountAtLeastAMiB (found from outside): empty first
// chunks of made-up attachments made 3,000 upload records and part files
// a second — 61,600 inodes in 26 s — on 0 bytes of the unit's budget. An
// upload started counts at least 1 MiB, so a day's budget starts a
// bounded number of them.
func TestStartedUploadsCountAtLeastAMiB(t *testing.T) {
	fx := MustBureau(t, func(c *server.Config) { c.UnitUploadPerDay = 4 << 20 })
	for i := range 5 {
		path := protocol.Path(protocol.PathAttachment, sha([]byte(fmt.Sprint("made up ", i))))
		r := fx.do("PATCH", path, fx.clerkA, []byte{}, protocol.HeaderUploadOffset, "0", protocol.HeaderUploadLength, "1000")
		if want := map[bool]int{true: http.StatusOK, false: http.StatusTooManyRequests}[i < 4]; r.StatusCode != want {
			t.Fatalf("empty first chunk %d: %d %s, want %d", i+1, r.StatusCode, r.body, want)
		}
	}
}

// TestAnnouncedBodyOverTheLimitIsRefusedFirst (found from outside): a
// client that announced 400 MB and asked first (Expect: 100-continue) was
// told 100 Continue by every JSON route that needs a login, and only
// answered 413 once the route's limit had been read. The 413 now comes
// before any byte of the body.
func TestAnnouncedBodyOverTheLimitIsRefusedFirst(t *testing.T) {
	fx := MustServedBureau(t)
	for _, route := range []struct{ method, path string }{
		{"POST", protocol.PathSubmissions},
		{"POST", protocol.Path(protocol.PathDecisions, uuid.NewString())},
		{"PUT", protocol.Path(protocol.PathDraft, uuid.NewString())},
	} {
		token := fx.clerkA
		if strings.Contains(route.path, "review") {
			token = fx.reviewer
		}
		r := fx.raw(fmt.Sprintf("%s %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: %s\r\nContent-Length: 400000000\r\nExpect: 100-continue\r\n\r\n",
			route.method, route.path, token, protocol.MediaJSON))
		if r.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("%s %s announcing 400 MB: %d, want 413 before the body", route.method, route.path, r.StatusCode)
		}
	}
	// More than the disk holds is still too large, not a full disk: 507
	// would tell a stranger the disk is full (round 11: 100 GB without a
	// login was answered 507 and logged the disk full at ERROR).
	for _, token := range []string{fx.clerkA, "made-up"} {
		r := fx.raw(fmt.Sprintf("POST %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: %s\r\nContent-Length: %d\r\nExpect: 100-continue\r\n\r\n",
			protocol.PathSubmissions, token, protocol.MediaJSON, int64(1)<<60))
		if r.StatusCode == http.StatusInsufficientStorage || r.StatusCode != http.StatusRequestEntityTooLarge && r.StatusCode != http.StatusUnauthorized {
			t.Errorf("announcing 1 EiB with token %q: %d, want 413 (or 401 without a login)", token, r.StatusCode)
		}
	}
}

// TestHeadersReadOnceAreSentOnce (found from outside): a request with two
// Content-Types (json, then text) was taken, and of two Upload-Offsets the
// first was used; a proxy in front could act on the other. Such a request
// is refused.
func TestHeadersReadOnceAreSentOnce(t *testing.T) {
	fx := MustServedBureau(t)
	data := []byte("attachment bytes")
	for _, req := range []string{
		fmt.Sprintf("POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\n{}", protocol.PathLogin),
		fmt.Sprintf("PATCH %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: %s\r\nUpload-Offset: 0\r\nUpload-Offset: 8\r\nUpload-Length: %d\r\nContent-Length: %d\r\n\r\n%s",
			protocol.Path(protocol.PathAttachment, sha(data)), fx.clerkA, protocol.MediaChunk, len(data), len(data), data),
		fmt.Sprintf("PATCH %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: %s\r\nUpload-Offset: 0\r\nUpload-Length: %d\r\nUpload-Length: 99\r\nContent-Length: %d\r\n\r\n%s",
			protocol.Path(protocol.PathAttachment, sha(data)), fx.clerkA, protocol.MediaChunk, len(data), len(data), data),
		fmt.Sprintf("POST %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nIf-Match: %s\r\nIf-Match: %s\r\nContent-Length: 19\r\n\r\n{\"action\":\"accept\"}",
			protocol.Path(protocol.PathDecisions, uuid.NewString()), fx.reviewer, protocol.DecisionETag("a", 1), protocol.DecisionETag("b", 2)),
	} {
		if r := fx.raw(req); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(r.body), "只能有一个") {
			t.Errorf("%.40q: %d %s", req, r.StatusCode, r.body)
		}
	}
}

// TestConsoleRefusesAnAnnouncedLargeBodyFirst (found in review): as the
// API did (TestAnnouncedBodyOverTheLimitIsRefusedFirst), the console told
// a browser that asked first (Expect: 100-continue) to send a form larger
// than its limit, and refused it only once the limit had been read. Its
// forms with two Content-Types are refused too (round 10).
func TestConsoleRefusesAnAnnouncedLargeBodyFirst(t *testing.T) {
	fx := MustBureau(t) // the console under its test server
	b := fx.browser()
	b.login("admin", http.StatusSeeOther)
	u, _ := url.Parse(fx.http.URL + "/console/")
	var cookie string
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == "egovdesk_console" {
			cookie = c.Value
		}
	}
	if cookie == "" {
		t.Fatal("no console session")
	}
	c, err := net.Dial("tcp", strings.TrimPrefix(fx.http.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	fmt.Fprintf(c, "POST /console/admin/register HTTP/1.1\r\nHost: %s\r\nCookie: egovdesk_console=%s\r\nOrigin: %s\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: 400000000\r\nExpect: 100-continue\r\n\r\n",
		u.Host, cookie, fx.http.URL)
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("a 400 MB form announced: %d, want 413 before the body", resp.StatusCode)
	}
	// A doubled Content-Type, as on the API (TestHeadersReadOnceAreSentOnce).
	dc, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer dc.Close()
	dc.SetDeadline(time.Now().Add(10 * time.Second))
	fmt.Fprintf(dc, "POST /console/admin/register HTTP/1.1\r\nHost: %s\r\nCookie: egovdesk_console=%s\r\nOrigin: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: 2\r\n\r\nx=",
		u.Host, cookie, fx.http.URL)
	if resp, err := http.ReadResponse(bufio.NewReader(dc), nil); err != nil || resp.StatusCode != http.StatusBadRequest {
		t.Errorf("a console form with two Content-Types: %v, %v", resp, err)
	}
	for _, form := range []string{"/console/login", "/console/password"} { // no session needed (round 10)
		c, err := net.Dial("tcp", u.Host)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(10 * time.Second))
		fmt.Fprintf(c, "POST %s HTTP/1.1\r\nHost: %s\r\nOrigin: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000000000\r\nExpect: 100-continue\r\n\r\n",
			form, u.Host, fx.http.URL)
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("%s announcing 1 GB: %d, want 413 before the body", form, resp.StatusCode)
		}
	}
}

// A print's file name is RFC 8187's in filename*: url.PathEscape left = : @
// in it (a project named "=HYPERLINK(…)"), which a strict reader drops
// (found from outside).
func TestPrintNameIsEncodedAsRFC8187Says(t *testing.T) {
	fx := MustBureau(t)
	f := newFiling(t, fx.unitA.ID)
	f.Declaration.ProjectName = `=HYPERLINK("http://x@y:1/a")智慧社区`
	fx.submit(fx.clerkA, f, http.StatusCreated)
	r := fx.do("GET", protocol.Path(protocol.PathReviewPDF, f.ID, "1"), fx.reviewer, nil)
	cd := r.Header.Get("Content-Disposition")
	_, ext, ok := strings.Cut(cd, "filename*=UTF-8''")
	if r.StatusCode != http.StatusOK || !ok || strings.ContainsAny(ext, `=:@"(`) {
		t.Fatalf("%d: Content-Disposition %q", r.StatusCode, cd)
	}
	if _, params, err := mime.ParseMediaType(cd); err != nil || !strings.Contains(params["filename"], "HYPERLINK") {
		t.Errorf("Content-Disposition %q: %v %v", cd, params, err)
	}
}

// The console's forms keep the pace the API's bodies keep: the idle page's
// login, which reads a decision's worth of form without a session, held
// one of its places (and its connection) for as long as a sender trickled
// it, so 32 stalled senders shut it for every reviewer (found in review).
// One address sends two at once; the third is refused before it is read.
func TestConsoleFormsKeepPace(t *testing.T) {
	fx := MustServedBureau(t, func(c *server.Config) {
		// A logged-in reviewer's allowance past the login's grace (3 s),
		// so that a made-up cookie earning it would show.
		c.MaxConns, c.MaxConnsPerAddr, c.BodyIdle = 50, 1000, 15*time.Second
	})
	trickle := func(from, head string) net.Conn { t.Helper(); return fx.trickle(t, from, head, 'x') }
	resume := "POST /console/login/resume HTTP/1.1\r\nHost: x\r\nCookie: egovdesk_console_login=made-up\r\n" +
		"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 700000\r\n\r\ncomment="
	var wg sync.WaitGroup
	for _, c := range []struct{ what, head string }{
		{"the idle page's login, 700 KB a byte a second", resume},
		{"a login a byte a second", "POST /console/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 8000\r\n\r\nlogin="},
		{"a login with a made-up session cookie", "POST /console/login HTTP/1.1\r\nHost: x\r\nCookie: egovdesk_console=made-up\r\n" +
			"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 8000\r\n\r\nlogin="},
		{"the idle page's login with a made-up session cookie", strings.Replace(resume, "Cookie: ", "Cookie: egovdesk_console=made-up; ", 1)},
	} {
		// all at once: each takes its few seconds
		conn := trickle("127.0.0.2", c.head)
		wg.Go(func() {
			start := time.Now()
			conn.SetReadDeadline(start.Add(20 * time.Second))
			io.Copy(io.Discard, conn)
			if took := time.Since(start); took > 8*time.Second {
				t.Errorf("%s: cut after %v, want within 8s", c.what, took.Round(100*time.Millisecond))
			}
		})
	}
	wg.Wait()

	trickle("127.0.0.3", resume)
	trickle("127.0.0.3", resume)
	time.Sleep(300 * time.Millisecond) // both in their handlers
	third := trickle("127.0.0.3", resume)
	third.SetReadDeadline(time.Now().Add(5 * time.Second))
	line, _ := bufio.NewReader(third).ReadString('\n')
	if !strings.Contains(line, " 429 ") {
		t.Errorf("a third idle-page login from one address: %q, want 429", line)
	}
	// Another address is served meanwhile.
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, Timeout: 20 * time.Second}
	r, err := hc.Get(fx.url + "/console/login")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(r.Body)
	r.Body.Close()
	m := csrfPattern.FindStringSubmatch(string(page))
	if m == nil {
		t.Fatalf("no login form:\n%s", page)
	}
	r, err = hc.PostForm(fx.url+"/console/login/resume", url.Values{"csrf": {m[1]}, "next": {"/console/filings/x"},
		"login": {"reviewer"}, "password": {"wrong"}, "comment": {"依据"}})
	if err != nil || r.StatusCode != http.StatusUnauthorized {
		t.Errorf("another address's idle-page login: %v %v", r, err)
	}
	if r != nil {
		r.Body.Close()
	}
}

// TestConsoleStalledLoginIsSaidSo (found from outside): a login or
// password form whose body stopped coming was read empty and answered
// 403 表单已过期, as a form without its token; the decision form said 发送中断
// as docs/bureau.md does for every console form. Now they do too.
func TestConsoleStalledLoginIsSaidSo(t *testing.T) {
	fx := MustServedBureau(t, func(c *server.Config) { c.BodyIdle = time.Second })
	resp, err := fx.client.Get("http://" + fx.addr + "/console/login")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindSubmatch(page)
	var pre string
	for _, c := range resp.Cookies() {
		if c.Name == "egovdesk_console_login" {
			pre = c.Value
		}
	}
	if m == nil || pre == "" {
		t.Fatalf("no login form: %s", page)
	}
	for _, path := range []string{"/console/login", "/console/password"} {
		c, err := net.Dial("tcp", fx.addr)
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(15 * time.Second))
		fmt.Fprintf(c, "POST %s HTTP/1.1\r\nHost: x\r\nCookie: egovdesk_console_login=%s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 200\r\n\r\ncsrf=%s&login=shenhe&password=shen",
			path, pre, m[1])
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		body, _ := io.ReadAll(resp.Body)
		c.Close()
		if resp.StatusCode != http.StatusRequestTimeout || !strings.Contains(string(body), "发送中断") {
			t.Errorf("%s, its body stalled: %d, want 408 发送中断\n%.300s", path, resp.StatusCode, body)
		}
	}
}

// TestOneAddressMakesRoomForItself (found from outside): at the limit of
// one address — an office behind one NAT address — connections of that
// address that sent no whole request for a second were kept, and every
// colleague was answered 503: one PC reopening half-sent requests shut the
// office out. As at the total limit, such a connection makes room.
func TestOneAddressMakesRoomForItself(t *testing.T) {
	fx := MustServedBureau(t, func(c *server.Config) { c.MaxConns, c.MaxConnsPerAddr = 1000, 5 })
	fx.noConnections(t)
	var silent []net.Conn
	for range 5 {
		c, err := fx.dialFrom("127.0.0.3")
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		io.WriteString(c, "GET "+protocol.PathHealth+" HTTP/1.1\r\nHo") // half a header, and no more
		silent = append(silent, c)
	}
	for fx.srv.OpenConns() < 5 {
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(1500 * time.Millisecond) // more than a second without a whole request
	for i := range 3 {
		r, err := fx.clientFrom("127.0.0.3").Get(fx.url + protocol.PathHealth)
		if err != nil {
			t.Fatalf("colleague %d: %v", i, err)
		}
		r.Body.Close()
		if r.StatusCode != http.StatusOK {
			t.Fatalf("colleague %d from the same address: %d, want 200", i, r.StatusCode)
		}
	}
	// The room was made by the silent ones.
	closed := 0
	for _, c := range silent {
		c.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
		if _, err := c.Read(make([]byte, 1)); err == io.EOF {
			closed++
		}
	}
	if closed == 0 { // one, for the colleagues' one kept-alive connection
		t.Errorf("none of the silent connections closed")
	}
	// Another address's connections are not closed for it.
	other, err := fx.dialFrom("127.0.0.4")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	time.Sleep(1200 * time.Millisecond)
	if r, err := fx.clientFrom("127.0.0.3").Get(fx.url + protocol.PathHealth); err != nil || r.StatusCode != http.StatusOK {
		t.Fatalf("one more from the same address: %v %v", r, err)
	}
	other.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	if _, err := other.Read(make([]byte, 1)); err == io.EOF {
		t.Errorf("another address's connection was closed to make room for this one")
	}
}

// A login form refused (too large) leads back to the login page, not to
// 回到待审核, which a visitor without a session cannot open (found from
// outside); a logged-in reviewer's refused form leads to the queue.
func TestConsoleRefusalLeadsWhereTheVisitorCanGo(t *testing.T) {
	fx := MustBureau(t)
	b := fx.browser()
	b.get("/console/login")
	r := b.post("/console/login", url.Values{"csrf": {b.csrf()}, "login": {"reviewer"}, "password": {strings.Repeat("x", 9000)}})
	if r.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(b.last, `href="/console/login"`) || strings.Contains(b.last, "回到待审核") || !strings.Contains(b.last, "8 KB") {
		t.Errorf("a login form too large: %d\n%.600s", r.StatusCode, b.last)
	}
}
