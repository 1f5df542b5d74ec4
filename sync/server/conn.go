package server

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"egovdesk/app"
	"egovdesk/sync/protocol"
)

// connLimiter is a listener that holds at most max connections at a time,
// and at most perAddr from one peer address (the trusted proxies excepted:
// every client behind one comes from its address); the addresses of one
// IPv6 /64 count as one (limitKey). A connection over a
// limit is answered 503 with a problem body and closed at once, so that a
// client that opens connections and sends nothing, or sends slowly, cannot
// take every file descriptor of the process.
type connLimiter struct {
	net.Listener
	max, perAddr int
	// sendIdle and minSendRate bound how slowly an answer may be taken
	// (limitedConn.Write); sendIdle 0: no bound.
	sendIdle    time.Duration
	minSendRate int64
	exempt      func(netip.Addr) bool
	onRefuse    func(addr netip.Addr, total bool)

	mu     sync.Mutex
	total  int
	byAddr map[netip.Addr]int
	conns  map[*limitedConn]struct{} // the connections held
}

func newConnLimiter(ln net.Listener, max, perAddr int, exempt func(netip.Addr) bool, onRefuse func(netip.Addr, bool)) *connLimiter {
	return &connLimiter{Listener: ln, max: max, perAddr: perAddr, exempt: exempt, onRefuse: onRefuse,
		byAddr: make(map[netip.Addr]int), conns: make(map[*limitedConn]struct{})}
}

// Accept returns the next connection within the limits; the others are
// refused as they come.
func (l *connLimiter) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		addr := peerAddr(c.RemoteAddr())
		total, ok := l.admit(addr)
		if !ok {
			// Full: a connection doing nothing useful makes room (found
			// from outside: 9 addresses × 1,024 kept-alive connections,
			// each asking something every two minutes, held every place
			// and every other client got 503). At the limit of one
			// address, one of that address's: an office behind one NAT
			// address, one PC of which reopened half-sent requests, had
			// every colleague answered 503 (found from outside).
			of := netip.Addr{}
			if !total {
				of = limitKey(addr)
			}
			if idle := l.longestIdle(of); idle != nil {
				idle.Close()
				total, ok = l.admit(addr)
			}
		}
		if !ok {
			if l.onRefuse != nil {
				l.onRefuse(addr, total)
			}
			go refuseConn(c, total)
			continue
		}
		lc := &limitedConn{Conn: c, l: l, addr: addr}
		l.mu.Lock()
		l.conns[lc] = struct{}{}
		l.mu.Unlock()
		return lc, nil
	}
}

// connState follows the connections between requests (http.Server's
// ConnState): one waiting for its next request is idle.
func (l *connLimiter) connState(c net.Conn, st http.ConnState) {
	lc, ok := c.(*limitedConn)
	if !ok {
		return
	}
	switch st {
	case http.StateNew: // no request yet: reapable from its start
		lc.idleSince.CompareAndSwap(0, -time.Now().UnixNano())
	case http.StateIdle:
		lc.idleSince.Store(time.Now().UnixNano())
	default:
		lc.idleSince.Store(0)
	}
}

// longestIdle returns the connection to close to make room: one lingering
// after its answer (framing; one whose answer is still going out only if
// nothing else can), or else the one that has not sent a whole
// first request for longest, if one has been open a second without it; else the one whose request body has been coming for
// longest, if one has for a second; else the one that has waited longest
// for its next request; nil when there is none of these. A valid of
// limits the choice to the connections from that address (limitKey).
// Found from
// outside: connections that sent nothing (reconnecting at each header
// timeout) or trickled a body were never idle, so a client's kept-alive
// connection was closed for them and then every newcomer got 503.
func (l *connLimiter) longestIdle(of netip.Addr) *limitedConn {
	l.mu.Lock()
	defer l.mu.Unlock()
	var fresh, body, idle, answering *limitedConn
	var freshSince, bodySince, idleSince int64
	young := time.Now().Add(-time.Second).UnixNano()
	for c := range l.conns {
		if of.IsValid() && limitKey(c.addr) != of {
			continue
		}
		switch t, bt := c.idleSince.Load(), c.bodySince.Load(); {
		case c.answering.Load():
			answering = c
		case t < 0 && -t < young && (fresh == nil || -t < freshSince):
			fresh, freshSince = c, -t
		case bt > 0 && bt < young && (body == nil || bt < bodySince):
			body, bodySince = c, bt
		case t > 0 && (idle == nil || t < idleSince):
			idle, idleSince = c, t
		}
	}
	switch {
	case fresh != nil:
		return fresh
	case body != nil:
		return body
	case idle != nil:
		return idle
	}
	return answering
}

// admit counts a new connection from addr; it reports false, and whether
// it was the total limit, when a limit is reached.
func (l *connLimiter) admit(addr netip.Addr) (total, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.total >= l.max {
		return true, false
	}
	if l.perAddr > 0 && !l.exempt(addr) && l.byAddr[limitKey(addr)] >= l.perAddr {
		return false, false
	}
	l.total++
	l.byAddr[limitKey(addr)]++
	return false, true
}

// limitKey is the address the per-address limit counts addr under: addr,
// or for IPv6 its /64, from which a host may use any of 2⁶⁴ addresses.
func limitKey(addr netip.Addr) netip.Addr {
	if addr.Is6() {
		if p, err := addr.WithZone("").Prefix(64); err == nil {
			return p.Addr()
		}
	}
	return addr
}

func (l *connLimiter) release(addr netip.Addr) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.total--
	k := limitKey(addr)
	if l.byAddr[k]--; l.byAddr[k] <= 0 {
		delete(l.byAddr, k)
	}
}

// open returns the number of connections held.
func (l *connLimiter) open() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.total
}

func peerAddr(a net.Addr) netip.Addr {
	if ta, ok := a.(*net.TCPAddr); ok {
		ip, _ := netip.AddrFromSlice(ta.IP)
		return ip.Unmap()
	}
	ap, err := netip.ParseAddrPort(a.String())
	if err != nil {
		return netip.Addr{}
	}
	return ap.Addr().Unmap()
}

// limitedConn gives its place back when closed, and sends under a write
// deadline that moves with progress (see Write).
type limitedConn struct {
	net.Conn
	l    *connLimiter
	addr netip.Addr
	once sync.Once

	// idleSince is the Unix ns since which it waits for its next request,
	// or minus the time it was accepted while no request has come; 0
	// while a request is served.
	idleSince atomic.Int64
	// bodySince is the Unix ns since which it reads a request's body; 0
	// when it does not.
	bodySince atomic.Int64

	mu      sync.Mutex
	sent    int64         // bytes of the answer being sent, written so far
	blocked time.Duration // how long its writes waited for the client

	// answering is set while a lingering connection's answer goes out.
	answering atomic.Bool
}

// lingering marks the connection as only waiting to be closed (framing's
// lingering close): the first longestIdle gives up, as one that has sent
// no request for ever. It is marked before its answer goes out (a client
// that read the answer and came back at once found the place still
// taken); until answerSent, longestIdle takes it only when nothing else
// can make room (closed then, the client saw a reset instead of its 413).
func (c *limitedConn) lingering() {
	c.answering.Store(true)
	c.idleSince.Store(-1)
}

// answerSent says the lingering connection's answer went out, or could not.
func (c *limitedConn) answerSent() { c.answering.Store(false) }

// sendChunk is how much of a write goes under one deadline.
const sendChunk = 64 << 10

// Write sends p in chunks of sendChunk, each within the limiter's idle
// time, and the answer as a whole at its minimum rate: its writes may
// wait for the client the idle time plus the answer's length at that rate
// in all (the bytes since the connection last read count as one answer;
// the time the server takes to make them does not count). A client that
// asks and then never reads — or reads a few bytes a minute — would
// otherwise keep the answer in memory and the handler waiting for ever
// (found from outside: 300 connections never reading a 1 MiB draft held
// 4.45 GB for as long as they stayed open). A write past its deadline
// fails, the handler returns and the connection is closed.
func (c *limitedConn) Write(p []byte) (int, error) {
	if c.l.sendIdle <= 0 {
		return c.Conn.Write(p)
	}
	n := 0
	for n < len(p) {
		chunk := p[n:min(n+sendChunk, len(p))]
		c.mu.Lock()
		left := c.l.sendIdle + time.Duration(float64(c.sent+int64(len(chunk)))/float64(c.l.minSendRate)*float64(time.Second)) - c.blocked
		c.mu.Unlock()
		start := time.Now()
		_ = c.Conn.SetWriteDeadline(start.Add(min(left, c.l.sendIdle)))
		m, err := c.Conn.Write(chunk)
		n += m
		c.mu.Lock()
		c.sent += int64(m)
		c.blocked += time.Since(start)
		c.mu.Unlock()
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// Read marks the end of an answer: what is written next is the next one.
func (c *limitedConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.mu.Lock()
		c.sent, c.blocked = 0, 0
		c.mu.Unlock()
	}
	return n, err
}

func (c *limitedConn) Close() error {
	c.once.Do(func() {
		c.l.release(c.addr)
		c.l.mu.Lock()
		delete(c.l.conns, c)
		c.l.mu.Unlock()
	})
	return c.Conn.Close()
}

// refuseConn answers a connection over the limits with 503 and a problem,
// then closes it. It gives the peer a second to take the answer.
func refuseConn(c net.Conn, total bool) {
	defer c.Close()
	detail := "来自您所在地址的连接过多，请稍后再试"
	if total {
		detail = "服务器当前连接已满，请稍后再试"
	}
	p := protocol.NewProblem(app.EUNAVAILABLE, detail)
	p.Type, p.Title = protocol.TypeURI(p.Code), protocol.Title(p.Code)
	body := mustProblemJSON(p)
	_ = c.SetDeadline(time.Now().Add(time.Second))
	fmt.Fprintf(c, "HTTP/1.1 503 Service Unavailable\r\nContent-Type: %s\r\nRetry-After: 5\r\nConnection: close\r\nContent-Length: %d\r\n\r\n%s",
		protocol.MediaProblem, len(body), body)
	// Half-close and read what the peer sent, so that closing does not
	// reset the connection before the peer has read the answer.
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.CloseWrite()
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(c, 64<<10))
}

// deadlineBody is a request body under a read deadline that moves with
// progress: each read that brings bytes allows another idle of silence,
// never past end. Once the body is read to its end the deadline is lifted,
// so that the connection's watch for the client going away (a long poll's)
// does not time out. A body that stalls fails its read with
// os.ErrDeadlineExceeded and the connection is closed after the answer.
type deadlineBody struct {
	io.ReadCloser
	rc *http.ResponseController
	lc *limitedConn // the connection, when served by Serve; nil in tests

	mu      sync.Mutex
	idle    time.Duration
	end     time.Time
	stopped bool // abort was called: the deadline stays in the past
	// pace, when set, is the rate the body must keep all the way after
	// grace from start: received bytes behind it fail the next read.
	start    time.Time
	grace    time.Duration
	pace     int64
	received int64
}

// paceSlack is how far ahead of the pace a read may wait: a TCP segment
// or two.
const paceSlack = 16 << 10

// limitBody puts r's body, if it has one, under a deadline: idle between
// bytes, and after a grace (BodyIdle; publicGrace when max > 0) the pace of
// Config.MinBodyRate all the way (deadlineBody.Read), so at most the grace
// plus the announced length — at most max, when max > 0 — at that rate
// (MaxBodyTime when the length is not announced and max is 0).
func (s *Server) limitBody(w http.ResponseWriter, r *http.Request, max int64) {
	if r.Body == nil || r.Body == http.NoBody {
		return
	}
	grace, n := s.cfg.BodyIdle, r.ContentLength
	if max > 0 {
		// a body without login is short: a few seconds at most
		grace = min(grace, publicGrace)
		if n < 0 || n > max {
			n = max
		}
	}
	total := s.cfg.MaxBodyTime
	if n >= 0 {
		total = min(total, grace+time.Duration(float64(n)/float64(s.cfg.MinBodyRate)*float64(time.Second)))
	}
	now := time.Now()
	b := &deadlineBody{ReadCloser: r.Body, rc: http.NewResponseController(w),
		idle: s.cfg.BodyIdle, end: now.Add(total), start: now, grace: grace, pace: s.cfg.MinBodyRate}
	if lc, ok := r.Context().Value(connKey{}).(*limitedConn); ok {
		b.lc = lc
		lc.bodySince.Store(now.UnixNano())
	}
	_ = b.rc.SetReadDeadline(earlier(b.end, now.Add(b.idle)))
	r.Body = b
}

// publicGrace is how long a body without login may take before it must
// keep the minimum rate (found from outside: /login bodies of 16 KiB a
// byte a second, reconnected as they were cut, held every connection).
const publicGrace = 3 * time.Second

// connKey is the context key of the *limitedConn a request came on.
type connKey struct{}

// finished marks the request over: its connection no longer reads a body.
func (b *deadlineBody) finished() {
	if b.lc != nil {
		b.lc.bodySince.Store(0)
	}
}

// set gives the body idle between bytes and end in all, from now, with
// no pace (an upload chunk's own limits).
func (b *deadlineBody) set(idle time.Duration, end time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.idle, b.end, b.pace = idle, end, 0
	if !b.stopped {
		_ = b.rc.SetReadDeadline(earlier(end, time.Now().Add(idle)))
	}
}

// Read reads on under the deadline: idle between bytes, never past end,
// and, with a pace, never behind it after the grace (found from outside:
// a 4 MB body a space every 5 s was owed 8½ minutes).
func (b *deadlineBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.mu.Lock()
	defer b.mu.Unlock()
	b.received += int64(n)
	switch {
	case b.stopped:
	case err == io.EOF:
		if b.lc != nil {
			b.lc.bodySince.Store(0)
		}
		_ = b.rc.SetReadDeadline(time.Time{})
	case n > 0:
		d := earlier(b.end, time.Now().Add(b.idle))
		if b.pace > 0 {
			d = earlier(d, b.start.Add(b.grace+time.Duration(float64(b.received+paceSlack)/float64(b.pace)*float64(time.Second))))
		}
		_ = b.rc.SetReadDeadline(d)
	}
	return n, err
}

// abort makes a read blocked on the body return now, and keeps it so.
func (b *deadlineBody) abort() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.stopped = true
	_ = b.rc.SetReadDeadline(time.Now())
}

// timedOut reports whether err is a body read that ran past its deadline.
func timedOut(err error) bool {
	return errors.Is(err, os.ErrDeadlineExceeded)
}

// bodyTimeout is the problem for a body that stalled.
func bodyTimeout() error {
	return protocol.NewProblem(protocol.CodeRequestTimeout, "请求内容发送过慢或中断，服务器已停止等待，请检查网络后重试")
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
