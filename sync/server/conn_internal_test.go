package server

import (
	"io"
	"net"
	"net/netip"
	"testing"
	"time"
)

// TestConnLimitPerIPv6Network: the per-address limit counts the addresses
// of one IPv6 /64 as one (a host picks any of them at will), IPv4
// addresses one each; the total limit and the exempt proxies as before.
func TestConnLimitPerIPv6Network(t *testing.T) {
	proxy := netip.MustParseAddr("2001:db8:ffff::1")
	l := newConnLimiter(nil, 10, 2, func(a netip.Addr) bool { return a == proxy }, nil)
	admit := func(a string) bool {
		_, ok := l.admit(netip.MustParseAddr(a))
		return ok
	}
	if !admit("2001:db8:1:2::1") || !admit("2001:db8:1:2::ffff") {
		t.Fatal("two connections of one /64 refused")
	}
	if admit("2001:db8:1:2:abcd::9") {
		t.Error("a third address of the same /64 admitted past the limit of 2")
	}
	if !admit("2001:db8:1:3::1") || !admit("192.0.2.1") || !admit("192.0.2.2") {
		t.Error("another /64 or IPv4 addresses refused")
	}
	l.release(netip.MustParseAddr("2001:db8:1:2::ffff"))
	if !admit("2001:db8:1:2::77") {
		t.Error("the /64 is still full after one of its connections closed")
	}
	for range 3 {
		if !admit(proxy.String()) {
			t.Error("the exempt proxy refused")
		}
	}
	if l.open() != 8 {
		t.Errorf("%d open, want 8", l.open())
	}
}

// A lingering connection closed to make room is closed only once its
// answer has gone out: it is marked lingering before the answer is sent,
// and closed at once the client saw a reset instead of its 413 (review).
func TestLingeringConnectionClosesAfterItsAnswer(t *testing.T) {
	server, client := net.Pipe()
	defer client.Close()
	l := newConnLimiter(nil, 10, 0, nil, nil)
	addr := netip.MustParseAddr("192.0.2.7")
	l.admit(addr)
	lc := &limitedConn{Conn: server, l: l, addr: addr}
	l.conns[lc] = struct{}{}

	lc.lingering()
	if l.longestIdle() != lc {
		t.Fatal("a lingering connection is not the first to make room")
	}
	closed := make(chan struct{})
	go func() {
		lc.closeAnswered()
		close(closed)
	}()
	select {
	case <-closed:
		t.Fatal("closed before its answer went out")
	case <-time.After(answerWait / 5):
	}
	answer := "HTTP/1.1 413 Request Entity Too Large\r\nContent-Length: 0\r\n\r\n"
	got := make(chan string)
	go func() {
		b, _ := io.ReadAll(client)
		got <- string(b)
	}()
	if _, err := lc.Write([]byte(answer)); err != nil {
		t.Fatal(err)
	}
	lc.answerSent()
	<-closed
	if s := <-got; s != answer {
		t.Errorf("the client read %q, want the whole answer", s)
	}
	if l.open() != 0 {
		t.Errorf("%d places still taken", l.open())
	}
}
