// Package client is the typed HTTP client of the bureau API
// (egovdesk/sync/protocol), built on resty v2.
//
// Every call takes a context and runs under its own deadline; the transport
// has dial, TLS-handshake and response-header timeouts and never uses
// http.DefaultClient. Every answer outside 2xx is decoded as a
// protocol.Problem and returned as an *Error whose Class says what to do:
// retry later, log in again, show the reason to the user, or resolve a
// conflict. The client itself never retries (resty's retries are off): the
// syncer's loop retries with backoff, and submissions are safe to repeat
// because the bureau deduplicates them by revision ID and body hash.
//
// Attachments are uploaded in chunks of Limits.ChunkBytes, streamed from an
// io.ReaderAt with an exact Content-Length (never buffered whole), resuming
// from the offset the bureau reports.
package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/go-resty/resty/v2"

	"egovdesk/sync/protocol"
)

// TokenStore keeps the bearer token across restarts of the desktop app. Load
// returns "" when no token is stored; Save("") forgets the token.
type TokenStore interface {
	Load(ctx context.Context) (string, error)
	Save(ctx context.Context, token string) error
}

// MemoryTokens is a TokenStore that keeps the token in memory only.
type MemoryTokens struct {
	mu    sync.Mutex
	token string
}

// Load returns the stored token; it never fails.
func (m *MemoryTokens) Load(context.Context) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.token, nil
}

// Save stores token; it never fails.
func (m *MemoryTokens) Save(_ context.Context, token string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.token = token
	return nil
}

// Options configures New. Zero fields take the defaults in brackets.
type Options struct {
	// RootCAs is PEM of extra root certificates trusted besides the system's,
	// for bureaus on an intranet with a private CA. The bureau's certificate
	// is verified as usual against them: chain, validity and name.
	RootCAs []byte
	// Pins are SHA-256 fingerprints (hex, colons optional; see Fingerprint)
	// of bureau certificates trusted as they are, for a self-signed
	// certificate the clerk confirmed with the bureau. When set, the
	// bureau's own certificate must be one of them and within its validity;
	// its chain and names are not checked. Any other certificate is refused
	// with a *CertError of reason CertPinMismatch, even one the system or
	// RootCAs would trust: a pin never silently gives way.
	Pins []string
	// Tokens persists the bearer token [MemoryTokens].
	Tokens TokenStore
	// Logger receives one line per failed request [discard].
	Logger *slog.Logger
	// UserAgent is sent with every request ["egovdesk/" + Version].
	UserAgent string
	// Version is the client's release number, sent with every request as
	// protocol.HeaderClientVersion so that the bureau can refuse an outdated
	// client plainly; not sent when empty.
	Version string

	DialTimeout           time.Duration // TCP connect [10s]
	TLSHandshakeTimeout   time.Duration // [10s]
	ResponseHeaderTimeout time.Duration // after the request is written, longer than the long-poll [60s]
	RequestTimeout        time.Duration // one ordinary request, end to end [30s]
	ChunkTimeout          time.Duration // one attachment chunk, end to end [5m]
	// ChunkBytes overrides the bureau's Limits.ChunkBytes when positive and smaller.
	ChunkBytes int64

	// Transport replaces the HTTP transport (tests); the timeouts, RootCAs
	// and Pins above are then the caller's business.
	Transport http.RoundTripper
}

func (o *Options) fill() {
	if o.Tokens == nil {
		o.Tokens = &MemoryTokens{}
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.UserAgent == "" {
		o.UserAgent = strings.TrimSuffix("egovdesk/"+o.Version, "/")
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&o.DialTimeout, 10*time.Second)
	def(&o.TLSHandshakeTimeout, 10*time.Second)
	def(&o.ResponseHeaderTimeout, protocol.MaxWait+30*time.Second)
	def(&o.RequestTimeout, 30*time.Second)
	def(&o.ChunkTimeout, 5*time.Minute)
}

// Client talks to one bureau server. It is safe for concurrent use.
type Client struct {
	// dependencies
	rc     *resty.Client
	tokens TokenStore
	log    *slog.Logger

	// config
	base string
	host string // base's host name or IP address, without the port
	opts Options

	// state
	mu     sync.Mutex
	token  string           // guarded by mu
	limits *protocol.Limits // guarded by mu; fetched once, again after a chunk is refused as too large
}

// New returns a client of the bureau at baseURL (scheme, host and port, e.g.
// "https://sgj.example.gov.cn:8443"), with the token loaded from
// opts.Tokens. It fails when baseURL is not an http(s) URL, when RootCAs
// holds no certificate, when a pin is not a SHA-256 fingerprint, or when the
// token cannot be loaded.
func New(ctx context.Context, baseURL string, opts Options) (*Client, error) {
	opts.fill()
	base := strings.TrimRight(baseURL, "/")
	if !strings.HasPrefix(base, "http://") && !strings.HasPrefix(base, "https://") {
		return nil, fmt.Errorf("bureau address %q: must start with http:// or https://", baseURL)
	}
	rt := opts.Transport
	if rt == nil {
		t, err := newTransport(&opts)
		if err != nil {
			return nil, err
		}
		rt = t
	}
	token, err := opts.Tokens.Load(ctx)
	if err != nil {
		return nil, fmt.Errorf("load token: %w", err)
	}
	rc := resty.NewWithClient(&http.Client{Transport: rt}).
		SetBaseURL(base).
		SetRetryCount(0). // the syncer retries; see the package comment
		SetHeader("User-Agent", opts.UserAgent).
		SetHeader("Accept", protocol.MediaJSON+", "+protocol.MediaProblem).
		SetResponseBodyLimit(64 << 20).
		SetPreRequestHook(attachChunk).
		SetLogger(restyLogger{opts.Logger})
	if opts.Version != "" {
		rc.SetHeader(protocol.HeaderClientVersion, opts.Version)
	}
	c := &Client{rc: rc, tokens: opts.Tokens, log: opts.Logger, base: base, opts: opts, token: token}
	if u, err := url.Parse(base); err == nil {
		c.host = u.Hostname()
	}
	return c, nil
}

// newTransport returns a transport with the timeouts of opts and, when set,
// the extra root certificates or the pinned certificates.
func newTransport(o *Options) (*http.Transport, error) {
	tlsConf, err := tlsConfig(o)
	if err != nil {
		return nil, err
	}
	d := &net.Dialer{Timeout: o.DialTimeout, KeepAlive: 30 * time.Second}
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           d.DialContext,
		TLSClientConfig:       tlsConf,
		TLSHandshakeTimeout:   o.TLSHandshakeTimeout,
		ResponseHeaderTimeout: o.ResponseHeaderTimeout,
		ExpectContinueTimeout: time.Second,
		IdleConnTimeout:       90 * time.Second,
		MaxIdleConnsPerHost:   4,
		ForceAttemptHTTP2:     true,
	}, nil
}

// BaseURL returns the bureau address the client talks to.
func (c *Client) BaseURL() string { return c.base }

// Token returns the current bearer token, "" when logged out.
func (c *Client) Token() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.token
}

// SetToken replaces the bearer token and saves it in the TokenStore. It fails
// only when the store cannot save it; the token is used either way.
func (c *Client) SetToken(ctx context.Context, token string) error {
	c.mu.Lock()
	c.token = token
	c.mu.Unlock()
	if err := c.tokens.Save(ctx, token); err != nil {
		return fmt.Errorf("save token: %w", err)
	}
	return nil
}

// chunkKey carries the body of an attachment chunk, with its exact length,
// past resty to attachChunk. resty v2 copies any io.Reader body into memory
// to make it replayable (createHTTPRequest → getBodyCopy), and
// SetContentLength reads it whole too, so a chunk handed to SetBody would be
// buffered, not streamed, and the progress bar would jump to its end at once.
type chunkKey struct{}

type chunkBody struct {
	r io.Reader
	n int64
}

// attachChunk is resty's pre-request hook, run on the finished
// *http.Request just before it is sent: it streams the chunk carried in the
// context as the body, with its Content-Length.
func attachChunk(_ *resty.Client, r *http.Request) error {
	if b, ok := r.Context().Value(chunkKey{}).(chunkBody); ok {
		r.ContentLength = b.n
		r.Body = io.NopCloser(b.r)
		r.GetBody = nil // not replayable; the upload resumes from the bureau's offset instead
		if b.n == 0 {
			r.Body = http.NoBody
		}
	}
	return nil
}

// request returns a resty request bound to ctx and carrying the token.
func (c *Client) request(ctx context.Context) *resty.Request {
	r := c.rc.R().SetContext(ctx)
	if t := c.Token(); t != "" {
		r.SetHeader(protocol.HeaderAuthorization, "Bearer "+t)
	}
	return r
}

// send executes r and decodes a 2xx JSON answer into out (when out is not
// nil). It returns the response and nil for 2xx (and for 304); otherwise an
// *Error with the decoded problem, or with the transport error.
func (c *Client) send(r *resty.Request, op, method, path string, out any) (*resty.Response, error) {
	resp, err := r.Execute(method, path)
	if err != nil {
		// ctx errors come back wrapped in *url.Error; keep them reachable.
		e := &Error{Op: op, Err: err}
		if ce := certError(err, c.host, time.Now()); ce != nil {
			e.Err = ce
		}
		if ctxErr := r.Context().Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
			e.Err = fmt.Errorf("%w: %w", ctxErr, e.Err)
		}
		c.log.Debug("bureau request failed", "op", op, "err", err)
		return resp, e
	}
	status := resp.StatusCode()
	if status == http.StatusNotModified {
		return resp, nil
	}
	if status < 200 || status > 299 {
		e := &Error{Op: op, Status: status,
			RetryAfter: parseRetryAfter(resp.Header().Get(protocol.HeaderRetryAfter), time.Now())}
		var p protocol.Problem
		if body := resp.Body(); len(body) > 0 && json.Unmarshal(body, &p) == nil && (p.Code != "" || p.Detail != "") {
			if p.Status == 0 {
				p.Status = status
			}
			e.Problem = &p
		}
		c.log.Debug("bureau refused request", "op", op, "status", status, "code", e.Code())
		return resp, e
	}
	if out != nil && status != http.StatusNoContent {
		if err := json.Unmarshal(resp.Body(), out); err != nil {
			return resp, &Error{Op: op, Status: status, Err: fmt.Errorf("decode answer: %w", err)}
		}
	}
	return resp, nil
}

// call runs one ordinary JSON request under RequestTimeout: body (if not nil)
// is sent as JSON and the answer decoded into out (if not nil). It fails with
// an *Error.
func (c *Client) call(ctx context.Context, op, method, path string, body, out any) error {
	return c.callWithin(ctx, c.opts.RequestTimeout, op, method, path, body, out)
}

// callWithin is call with its own end-to-end timeout.
func (c *Client) callWithin(ctx context.Context, timeout time.Duration, op, method, path string, body, out any) error {
	_, err := c.exchange(ctx, timeout, op, method, path, body, out)
	return err
}

// exchange is callWithin with request headers (name, value, …); it also
// returns the answer's headers.
func (c *Client) exchange(ctx context.Context, timeout time.Duration, op, method, path string, body, out any, header ...string) (http.Header, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	r := c.request(ctx)
	if body != nil {
		r.SetHeader("Content-Type", protocol.MediaJSON).SetBody(body)
	}
	for i := 0; i+1 < len(header); i += 2 {
		r.SetHeader(header[i], header[i+1])
	}
	resp, err := c.send(r, op, method, path, out)
	if resp == nil {
		return nil, err
	}
	return resp.Header(), err
}

// Health returns the bureau's health answer. It fails with an *Error; it
// needs no login, so it tells "unreachable" from "not logged in".
func (c *Client) Health(ctx context.Context) (protocol.Health, error) {
	var h protocol.Health
	err := c.call(ctx, "health", http.MethodGet, protocol.PathHealth, nil, &h)
	return h, err
}

// Login logs in with a login name and password and keeps the token (saving it
// in the TokenStore). It fails with an *Error (401 with the bureau's Chinese
// reason for a wrong password, 429 when throttled), or when the token cannot
// be saved.
func (c *Client) Login(ctx context.Context, login, password string) (protocol.LoginResponse, error) {
	var lr protocol.LoginResponse
	err := c.call(ctx, "login", http.MethodPost, protocol.PathLogin,
		protocol.LoginRequest{Login: login, Password: password}, &lr)
	if err != nil {
		return protocol.LoginResponse{}, err
	}
	return lr, c.SetToken(ctx, lr.Token)
}

// ChangePassword changes login's password from old to new (POST
// /password: no token needed, which is what the holder of an initial or
// expired password has) and keeps the token it answers, as Login does. It
// fails with an *Error (422 with the bureau's rules broken, 401 for a wrong
// old password).
func (c *Client) ChangePassword(ctx context.Context, login, old, new string) (protocol.LoginResponse, error) {
	var lr protocol.LoginResponse
	err := c.call(ctx, "change password", http.MethodPost, protocol.PathPassword,
		protocol.PasswordChangeRequest{Login: login, Password: old, NewPassword: new}, &lr)
	if err != nil {
		return protocol.LoginResponse{}, err
	}
	return lr, c.SetToken(ctx, lr.Token)
}

// Logout revokes the token at the bureau and forgets it locally, even when
// the bureau cannot be reached. It returns the bureau's error (an *Error) or
// the TokenStore's.
func (c *Client) Logout(ctx context.Context) error {
	err := c.call(ctx, "logout", http.MethodPost, protocol.PathLogout, nil, nil)
	if serr := c.SetToken(ctx, ""); err == nil {
		err = serr
	}
	return err
}

// Me returns the account the token belongs to. It fails with an *Error
// (ClassReauth when the token is no longer valid).
func (c *Client) Me(ctx context.Context) (protocol.Account, error) {
	var a protocol.Account
	err := c.call(ctx, "me", http.MethodGet, protocol.PathMe, nil, &a)
	return a, err
}

// Limits returns what the bureau accepts (sizes, chunk size). The answer is
// fetched once and then served from memory. It fails with an *Error.
func (c *Client) Limits(ctx context.Context) (protocol.Limits, error) {
	c.mu.Lock()
	if l := c.limits; l != nil {
		c.mu.Unlock()
		return *l, nil
	}
	c.mu.Unlock()
	var l protocol.Limits
	if err := c.call(ctx, "limits", http.MethodGet, protocol.PathLimits, nil, &l); err != nil {
		return protocol.Limits{}, err
	}
	c.mu.Lock()
	c.limits = &l
	c.mu.Unlock()
	return l, nil
}

// forgetLimits makes the next Limits ask the bureau again.
func (c *Client) forgetLimits() {
	c.mu.Lock()
	c.limits = nil
	c.mu.Unlock()
}

// Profile returns the bureau's rule profile. With version set to the
// version the caller holds, it sends If-None-Match and returns modified
// false (and a zero document) when that version is still current. It fails
// with an *Error.
func (c *Client) Profile(ctx context.Context, version string) (doc protocol.ProfileDocument, modified bool, err error) {
	ctx, cancel := context.WithTimeout(ctx, c.opts.RequestTimeout)
	defer cancel()
	r := c.request(ctx)
	if version != "" {
		r.SetHeader(protocol.HeaderIfNoneMatch, protocol.ETag(version))
	}
	resp, err := c.send(r, "get profile", http.MethodGet, protocol.PathProfile, &doc)
	if err != nil {
		return protocol.ProfileDocument{}, false, err
	}
	if resp.StatusCode() == http.StatusNotModified {
		return protocol.ProfileDocument{}, false, nil
	}
	return doc, true, nil
}

// Changes returns the unit's changes after cursor ("" for the first pull),
// waiting up to wait (at most protocol.MaxWait) for one to arrive. It fails
// with an *Error.
func (c *Client) Changes(ctx context.Context, cursor string, wait time.Duration) (protocol.ChangesResponse, error) {
	wait = min(max(wait, 0), protocol.MaxWait)
	ctx, cancel := context.WithTimeout(ctx, wait+c.opts.RequestTimeout)
	defer cancel()
	r := c.request(ctx).SetQueryParam(protocol.ParamWait, wait.String())
	if cursor != "" {
		r.SetQueryParam(protocol.ParamCursor, cursor)
	}
	var cr protocol.ChangesResponse
	_, err := c.send(r, "pull changes", http.MethodGet, protocol.PathChanges, &cr)
	return cr, err
}

// restyLogger sends resty's own messages to the client's logger.
type restyLogger struct{ l *slog.Logger }

func (r restyLogger) Errorf(f string, v ...any) {
	r.l.Warn("resty: " + strings.TrimSpace(fmt.Sprintf(f, v...)))
}
func (r restyLogger) Warnf(f string, v ...any) {
	r.l.Warn("resty: " + strings.TrimSpace(fmt.Sprintf(f, v...)))
}
func (r restyLogger) Debugf(f string, v ...any) {
	r.l.Debug("resty: " + strings.TrimSpace(fmt.Sprintf(f, v...)))
}

// ReceiptKey returns the SM2 public key the bureau signs receipts with (GET
// /receipt-key). A bureau before signed receipts answers 404.
func (c *Client) ReceiptKey(ctx context.Context) (protocol.ReceiptKey, error) {
	var k protocol.ReceiptKey
	if err := c.call(ctx, "receipt key", http.MethodGet, protocol.PathReceiptKey, nil, &k); err != nil {
		return protocol.ReceiptKey{}, err
	}
	return k, nil
}
