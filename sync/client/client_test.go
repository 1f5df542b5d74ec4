package client_test

import (
	"context"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"egovdesk/app"
	"egovdesk/sync/client"
	"egovdesk/sync/protocol"
)

// MustNew returns a client of srv with short timeouts.
func MustNew(tb testing.TB, srv *httptest.Server, opts ...func(*client.Options)) *client.Client {
	tb.Helper()
	o := client.Options{RequestTimeout: 5 * time.Second, ChunkTimeout: 5 * time.Second}
	for _, f := range opts {
		f(&o)
	}
	c, err := client.New(context.Background(), srv.URL, o)
	if err != nil {
		tb.Fatalf("new client: %v", err)
	}
	return c
}

// problem writes p as application/problem+json.
func problem(w http.ResponseWriter, p *protocol.Problem) {
	w.Header().Set("Content-Type", protocol.MediaProblem)
	w.WriteHeader(p.Status)
	json.NewEncoder(w).Encode(p)
}

func TestClassify(t *testing.T) {
	invalid := protocol.NewProblem(app.EINVALID, "有 1 处需要修改")
	invalid.Errors = []app.FieldError{{Field: "project_name", Message: "请填写项目名称"}}
	tests := []struct {
		name       string
		handler    http.HandlerFunc
		class      client.Class
		code       string
		message    string
		retryAfter time.Duration
	}{
		{"503 with Retry-After", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "7")
			problem(w, protocol.NewProblem(app.EUNAVAILABLE, "服务维护中"))
		}, client.ClassRetry, app.EUNAVAILABLE, "服务维护中", 7 * time.Second},
		{"429", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "3")
			problem(w, protocol.NewProblem(app.ETOOMANY, "请求过于频繁"))
		}, client.ClassRetry, app.ETOOMANY, "请求过于频繁", 3 * time.Second},
		{"502 from a proxy, no problem body", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusBadGateway)
			w.Write([]byte("<html>bad gateway</html>"))
		}, client.ClassRetry, app.EUNAVAILABLE, "数管局服务器暂时出现故障（HTTP 502）", 0},
		{"401", func(w http.ResponseWriter, r *http.Request) {
			problem(w, protocol.NewProblem(app.EUNAUTHORIZED, "登录已失效，请重新登录"))
		}, client.ClassReauth, app.EUNAUTHORIZED, "登录已失效，请重新登录", 0},
		{"422 with fields", func(w http.ResponseWriter, r *http.Request) {
			problem(w, invalid)
		}, client.ClassPermanent, app.EINVALID, "有 1 处需要修改；请填写项目名称", 0},
		{"409 stale base", func(w http.ResponseWriter, r *http.Request) {
			p := protocol.NewProblem(protocol.CodeStaleBase, "材料已有更新的版本")
			p.HeadRevisionID = "head"
			problem(w, p)
		}, client.ClassConflict, protocol.CodeStaleBase, "材料已有更新的版本", 0},
		{"411 (a proxy on the way sent the body in chunks)", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Connection", "close")
			problem(w, protocol.NewProblem(protocol.CodeLengthRequired, "请求内容须带 Content-Length 发送"))
		}, client.ClassRetry, protocol.CodeLengthRequired, "请求内容须带 Content-Length 发送", 0},
		{"200 with HTML (captive portal)", func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte("<html>login to wifi</html>"))
		}, client.ClassRetry, "", "数管局服务器返回了无法识别的内容（可能被网络代理拦截）", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				calls.Add(1)
				tt.handler(w, r)
			}))
			defer srv.Close()
			c := MustNew(t, srv)
			_, err := c.Submit(context.Background(), protocol.SubmitRequest{FilingID: "f", RevisionID: "r"})
			if got := client.Classify(err); got != tt.class {
				t.Fatalf("Classify = %v, want %v (err %v)", got, tt.class, err)
			}
			if tt.code != "" {
				if got := client.ProblemCode(err); got != tt.code {
					t.Errorf("code = %q, want %q", got, tt.code)
				}
			}
			if got := client.Message(err); got != tt.message {
				t.Errorf("Message = %q, want %q", got, tt.message)
			}
			if got := client.RetryAfter(err); got != tt.retryAfter {
				t.Errorf("RetryAfter = %v, want %v", got, tt.retryAfter)
			}
			if n := calls.Load(); n != 1 {
				t.Errorf("server saw %d requests, want exactly 1 (the client must not retry on its own)", n)
			}
		})
	}
}

func TestClassifyFieldErrorsSurvive(t *testing.T) {
	p := protocol.NewProblem(app.EINVALID, "有 1 处需要修改")
	p.Errors = []app.FieldError{{Field: "budget[0].amount", Message: "金额须为正数"}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { problem(w, p) }))
	defer srv.Close()
	_, err := MustNew(t, srv).Submit(context.Background(), protocol.SubmitRequest{FilingID: "f", RevisionID: "r"})
	if app.ErrorCode(err) != app.EINVALID {
		t.Fatalf("app.ErrorCode = %q", app.ErrorCode(err))
	}
	fields := app.FieldErrors(err)
	if len(fields) != 1 || fields[0].Field != "budget[0].amount" {
		t.Fatalf("field errors = %+v", fields)
	}
}

func TestTransportErrorIsRetry(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	c, err := client.New(context.Background(), "http://"+addr, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Me(context.Background())
	if got := client.Classify(err); got != client.ClassRetry {
		t.Fatalf("Classify = %v (%v)", got, err)
	}
	if got := client.Message(err); !strings.Contains(got, "无法连接数管局服务器") {
		t.Errorf("Message = %q", got)
	}
}

// A reply cut off after the bureau answered (over a raw socket: the
// status line and half a header, then the connection closed) is retried
// and said to be a broken connection, not "网络不通或服务器未启动", which
// sent the clerk to check a server that had answered (found in a clerk's
// walkthrough on a bad link).
func TestCutReplyIsABrokenConnection(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			buf := make([]byte, 4096)
			conn.Read(buf) // the request
			conn.Write([]byte("HTTP/1.1 200 OK\r\nContent-Type: application/js"))
			conn.Close()
		}
	}()
	c, err := client.New(context.Background(), "http://"+ln.Addr().String(), client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Me(context.Background())
	if got := client.Classify(err); got != client.ClassRetry {
		t.Fatalf("Classify = %v (%v)", got, err)
	}
	if got := client.Message(err); !strings.Contains(got, "连接中途断开") || strings.Contains(got, "服务器未启动") {
		t.Errorf("Message = %q (%v)", got, err)
	}
}

func TestTimeoutIsRetryAndUnwrapsDeadline(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	c := MustNew(t, srv, func(o *client.Options) { o.RequestTimeout = 100 * time.Millisecond })
	_, err := c.Me(context.Background())
	if client.Classify(err) != client.ClassRetry || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, class %v", err, client.Classify(err))
	}
	if got := client.Message(err); !strings.Contains(got, "超时") {
		t.Errorf("Message = %q", got)
	}
}

func TestLoginKeepsTokenAndSendsIt(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case protocol.PathLogin:
			var lr protocol.LoginRequest
			json.NewDecoder(r.Body).Decode(&lr)
			if lr.Password != "对的密码" {
				problem(w, protocol.NewProblem(app.EUNAUTHORIZED, "用户名或密码错误"))
				return
			}
			json.NewEncoder(w).Encode(protocol.LoginResponse{Token: "tok-1", Account: protocol.Account{Login: lr.Login}})
		case protocol.PathMe:
			if r.Header.Get("Authorization") != "Bearer tok-1" {
				problem(w, protocol.NewProblem(app.EUNAUTHORIZED, "未登录"))
				return
			}
			json.NewEncoder(w).Encode(protocol.Account{Login: "zhangsan", Role: app.RoleUnit})
		case protocol.PathLogout:
			w.WriteHeader(http.StatusNoContent)
		}
	}))
	defer srv.Close()
	tokens := &client.MemoryTokens{}
	c := MustNew(t, srv, func(o *client.Options) { o.Tokens = tokens })
	ctx := context.Background()
	if _, err := c.Login(ctx, "zhangsan", "错的"); client.Classify(err) != client.ClassReauth ||
		client.Message(err) != "用户名或密码错误" {
		t.Fatalf("wrong password: %v", err)
	}
	if _, err := c.Me(ctx); client.Classify(err) != client.ClassReauth {
		t.Fatalf("me before login: %v", err)
	}
	if _, err := c.Login(ctx, "zhangsan", "对的密码"); err != nil {
		t.Fatal(err)
	}
	if tok, _ := tokens.Load(ctx); tok != "tok-1" {
		t.Fatalf("token store holds %q", tok)
	}
	me, err := c.Me(ctx)
	if err != nil || me.Login != "zhangsan" {
		t.Fatalf("me = %+v, %v", me, err)
	}
	// A new client picks the token up from the store.
	c2 := MustNew(t, srv, func(o *client.Options) { o.Tokens = tokens })
	if _, err := c2.Me(ctx); err != nil {
		t.Fatalf("me with stored token: %v", err)
	}
	if err := c2.Logout(ctx); err != nil {
		t.Fatal(err)
	}
	if tok, _ := tokens.Load(ctx); tok != "" || c2.Token() != "" {
		t.Fatalf("token after logout: %q", tok)
	}
}

func TestProfileNotModified(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get(protocol.HeaderIfNoneMatch) == protocol.ETag("v1") {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set(protocol.HeaderETag, protocol.ETag("v1"))
		json.NewEncoder(w).Encode(protocol.ProfileDocument{ID: "demo", Version: "v1", Profile: json.RawMessage(`{}`)})
	}))
	defer srv.Close()
	c := MustNew(t, srv)
	doc, modified, err := c.Profile(context.Background(), "")
	if err != nil || !modified || doc.Version != "v1" {
		t.Fatalf("first fetch: %+v %v %v", doc, modified, err)
	}
	doc, modified, err = c.Profile(context.Background(), "v1")
	if err != nil || modified || doc.Version != "" {
		t.Fatalf("second fetch: %+v %v %v", doc, modified, err)
	}
}

func TestChangesSendsCursorAndWait(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get(protocol.ParamCursor) != "c-7" || q.Get(protocol.ParamWait) != "30s" {
			problem(w, protocol.NewProblem(app.EINVALID, "bad query "+r.URL.RawQuery))
			return
		}
		json.NewEncoder(w).Encode(protocol.ChangesResponse{Cursor: "c-8", More: true,
			Changes: []protocol.Change{{ID: "x", Seq: 8, Type: protocol.ChangeNotice, Notice: "通知"}}})
	}))
	defer srv.Close()
	// A wait above the protocol's maximum is clamped.
	cr, err := MustNew(t, srv).Changes(context.Background(), "c-7", time.Hour)
	if err != nil || cr.Cursor != "c-8" || !cr.More || len(cr.Changes) != 1 {
		t.Fatalf("changes = %+v, %v", cr, err)
	}
}

func TestRootCA(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(protocol.Health{Status: "ok"})
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake is expected
	srv.StartTLS()
	defer srv.Close()
	ctx := context.Background()
	// Without the private CA the certificate is refused…
	c, err := client.New(ctx, srv.URL, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Health(ctx); err == nil {
		t.Fatal("health over TLS without the CA succeeded")
	}
	// …and with it the call goes through.
	ca := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	c, err = client.New(ctx, srv.URL, client.Options{RootCAs: ca})
	if err != nil {
		t.Fatal(err)
	}
	if h, err := c.Health(ctx); err != nil || h.Status != "ok" {
		t.Fatalf("health = %+v, %v", h, err)
	}
	if _, err := client.New(ctx, srv.URL, client.Options{RootCAs: []byte("not pem")}); err == nil {
		t.Fatal("New accepted a RootCAs without certificates")
	}
}

func TestNewRejectsBadURL(t *testing.T) {
	if _, err := client.New(context.Background(), "sgj.example.gov.cn", client.Options{}); err == nil {
		t.Fatal("New accepted an address without scheme")
	}
}

// Filings follows the bureau's pages (FilingList.Next) to the last one.
func TestFilingsReadsEveryPage(t *testing.T) {
	pages := map[string]protocol.FilingList{
		"":   {Filings: []protocol.FilingSummary{{ID: "a"}, {ID: "b"}}, Next: "Yg"},
		"Yg": {Filings: []protocol.FilingSummary{{ID: "c"}}, Next: "Yw"},
		"Yw": {Filings: []protocol.FilingSummary{{ID: "d"}}},
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", protocol.MediaJSON)
		json.NewEncoder(w).Encode(pages[r.URL.Query().Get(protocol.ParamCursor)])
	}))
	defer srv.Close()
	got, err := MustNew(t, srv).Filings(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, f := range got {
		ids = append(ids, f.ID)
	}
	if strings.Join(ids, ",") != "a,b,c,d" {
		t.Fatalf("filings %v, want a,b,c,d", ids)
	}
}
