package client_test

import (
	"errors"
	"io"
	"net"
	"testing"

	"egovdesk/sync/client"
)

// TestNeverConnected: only an error that says no connection was made
// counts; a connection cut after the request went, or an error it cannot
// tell, does not (the syncer lets a clerk withdraw only on the first).
func TestNeverConnected(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	_, refused := net.Dial("tcp", addr)
	for _, c := range []struct {
		name string
		err  error
		want bool
	}{
		{"connection refused", refused, true},
		{"a name not resolved", &net.DNSError{Err: "no such host", Name: "bureau.invalid", IsNotFound: true}, true},
		{"cut after the request", &net.OpError{Op: "read", Net: "tcp", Err: io.EOF}, false},
		{"EOF", io.EOF, false},
		{"unknown", errors.New("something else"), false},
	} {
		if got := client.NeverConnected(c.err); got != c.want {
			t.Errorf("%s (%v): %v, want %v", c.name, c.err, got, c.want)
		}
	}
}
