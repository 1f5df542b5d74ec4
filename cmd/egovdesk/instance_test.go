package main

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseLink(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"egovdesk://notice/0b6f3c1e-8d2a-4c55-9a1e-3f0a5c7d9e21", "notice:0b6f3c1e-8d2a-4c55-9a1e-3f0a5c7d9e21"},
		{"EGOVDESK://Notice/abc/", "notice:abc"},
		{"egovdesk://notice", "notice:"},
		{"egovdesk://inbox", "notice:"},
	} {
		got, err := parseLink(c.in)
		if err != nil || got != c.want {
			t.Errorf("parseLink(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{"", "http://notice/abc", "egovdesk://filing/abc", "egovdesk://notice/a%2Fb",
		"egovdesk://notice/" + strings.Repeat("a", 65), "egovdesk://notice/a b", "C:\\Users\\x\\report.pdf"} {
		if got, err := parseLink(bad); err == nil {
			t.Errorf("parseLink(%q) = %q, want an error", bad, got)
		} else if !strings.Contains(err.Error(), "链接") {
			t.Errorf("parseLink(%q): %v, want a message that names the link", bad, err)
		}
	}
	for _, id := range []string{"", "0b6f3c1e-8d2a-4c55-9a1e-3f0a5c7d9e21"} {
		got, err := parseLink(noticeLink(id))
		if err != nil || got != "notice:"+id {
			t.Errorf("noticeLink(%q) parses to %q, %v", id, got, err)
		}
	}
}

// A second start on the same data directory reaches the running client
// over loopback with the token from the data directory; the target arrives
// as sent. Without the token, or with a target the UI does not know, the
// request is refused and nothing is activated.
func TestHandOver(t *testing.T) {
	dir := t.TempDir()
	if err := handOver(dir, ""); !errors.Is(err, errNoInstance) {
		t.Fatalf("hand-over with no client running: %v, want errNoInstance", err)
	}
	got := make(chan string, 4)
	s, err := serveInstance(dir, func(target string) { got <- target }, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(dir, instanceFile))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("%s is %v, want readable by the clerk only", instanceFile, fi.Mode().Perm())
	}

	for _, target := range []string{"", "notice:abc-123", "notice:"} {
		if err := handOver(dir, target); err != nil {
			t.Fatalf("hand-over %q: %v", target, err)
		}
		select {
		case g := <-got:
			if g != target {
				t.Fatalf("activated %q, want %q", g, target)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("hand-over %q: nothing activated", target)
		}
	}
	if err := handOver(dir, "filing:abc"); err == nil || errors.Is(err, errNoInstance) {
		t.Fatalf("a target the UI does not know: %v, want refused", err)
	}

	// Another local program that does not hold the token.
	b, _ := os.ReadFile(filepath.Join(dir, instanceFile))
	var info instanceInfo
	if err := json.Unmarshal(b, &info); err != nil {
		t.Fatal(err)
	}
	for _, req := range []string{
		`{"token":"guess","target":""}` + "\n",
		"not json\n",
		strings.Repeat("x", 4<<10), // no newline within the limit
	} {
		conn, err := net.Dial("tcp", info.Addr)
		if err != nil {
			t.Fatal(err)
		}
		conn.SetDeadline(time.Now().Add(5 * time.Second))
		io.WriteString(conn, req)
		reply, _ := io.ReadAll(conn)
		conn.Close()
		if strings.HasPrefix(string(reply), "ok") {
			t.Fatalf("request %.40q was accepted", req)
		}
	}
	// A connection that sends nothing is cut off and does not block the next start.
	idle, err := net.Dial("tcp", info.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	if err := handOver(dir, "notice:after-idle"); err != nil {
		t.Fatalf("hand-over behind an idle connection: %v", err)
	}
	if g := <-got; g != "notice:after-idle" {
		t.Fatalf("activated %q", g)
	}
	select {
	case g := <-got:
		t.Fatalf("a refused request activated %q", g)
	default:
	}

	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, instanceFile)); !os.IsNotExist(err) {
		t.Fatalf("%s left behind after Close: %v", instanceFile, err)
	}
	if err := handOver(dir, ""); !errors.Is(err, errNoInstance) {
		t.Fatalf("hand-over after the client quit: %v, want errNoInstance", err)
	}
}

// A client that was killed leaves its instance file behind: the next
// start finds nobody listening there and starts normally.
func TestHandOverStaleFile(t *testing.T) {
	dir := t.TempDir()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	b, _ := json.Marshal(instanceInfo{Addr: addr, Token: "t", PID: 1})
	os.WriteFile(filepath.Join(dir, instanceFile), b, 0o600)
	if err := handOver(dir, ""); !errors.Is(err, errNoInstance) {
		t.Fatalf("stale instance file: %v, want errNoInstance", err)
	}
	// Not a loopback address: never dialled.
	b, _ = json.Marshal(instanceInfo{Addr: "192.0.2.1:80", Token: "t"})
	os.WriteFile(filepath.Join(dir, instanceFile), b, 0o600)
	if err := handOver(dir, ""); !errors.Is(err, errNoInstance) || !strings.Contains(err.Error(), "loopback") {
		t.Fatalf("non-loopback instance file: %v", err)
	}
}
