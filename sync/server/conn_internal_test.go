package server

import (
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

// A lingering connection makes room first, but not while its answer is
// still going out: it is marked lingering before the answer is sent, and
// closed then the client saw a reset instead of its 413 (review). Only
// when nothing else can make room is it taken all the same; the accept
// loop never waits for it.
func TestLingeringConnectionMakesRoomOnceAnswered(t *testing.T) {
	l := newConnLimiter(nil, 10, 0, nil, nil)
	conn := func(idle int64) *limitedConn {
		c := &limitedConn{l: l, addr: netip.MustParseAddr("192.0.2.7")}
		c.idleSince.Store(idle)
		l.conns[c] = struct{}{}
		return c
	}
	lingering := conn(0)
	lingering.lingering()
	if l.longestIdle(netip.Addr{}) != lingering {
		t.Fatal("a lingering connection, alone, does not make room")
	}
	kept := conn(time.Now().Add(-time.Minute).UnixNano()) // waiting for its next request
	if got := l.longestIdle(netip.Addr{}); got != kept {
		t.Errorf("while the 413 goes out, room is made from %p, want the idle connection %p", got, kept)
	}
	lingering.answerSent()
	if got := l.longestIdle(netip.Addr{}); got != lingering {
		t.Errorf("once answered, room is made from %p, want the lingering connection %p", got, lingering)
	}
}
