package server

import (
	"net/netip"
	"testing"
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
