package main

import (
	"bufio"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"
)

// A second start of the client on the same data directory hands over to
// the one already running instead of failing on the store's lock: the
// clerk who double-clicks the icon while the window is hidden in the tray
// gets the window back, and a click on a Windows toast, which starts the
// program with the toast's link (egovdesk://notice/<filing>), opens that
// filing in the running client.
//
// The running client listens on a loopback port and writes the port and a
// random token into instanceFile in the data directory, which only the
// clerk's account can read; a request without the token is refused, so
// another user of the same machine cannot drive the window.

// instanceFile is the name, in the data directory, of the file that tells
// a second start where the running client listens.
const instanceFile = "instance.json"

// Limits of the hand-over: a request is one short JSON line, answered at
// once; anything larger or slower is cut off.
const (
	handoffMaxBytes = 1 << 10
	handoffTimeout  = 2 * time.Second
	handoffConns    = 4 // answered at once; more are closed
)

// linkScheme is the URL scheme of the links that open the client
// (registered on Windows for the toasts' protocol activation).
const linkScheme = "egovdesk"

type instanceInfo struct {
	Addr  string `json:"addr"`
	Token string `json:"token"`
	PID   int    `json:"pid"`
}

type handoffRequest struct {
	Token  string `json:"token"`
	Target string `json:"target"` // "" (raise the window) or a ui.UI.Activate target
}

var noticeID = regexp.MustCompile(`^[0-9A-Za-z_-]{1,64}$`)

// validTarget reports whether target is one the UI can be asked to show:
// "" (just raise the window), "notice:" (the inbox) or "notice:<filing ID>".
func validTarget(target string) bool {
	if target == "" || target == "notice:" {
		return true
	}
	id, ok := strings.CutPrefix(target, "notice:")
	return ok && noticeID.MatchString(id)
}

// parseLink returns the UI target of a link the program was started with:
// egovdesk://notice/<filing ID> opens what a notification about that filing
// is about, egovdesk://notice (or egovdesk://inbox) the inbox.
func parseLink(arg string) (string, error) {
	u, err := url.Parse(arg)
	if err != nil || !strings.EqualFold(u.Scheme, linkScheme) {
		return "", fmt.Errorf("无法识别的链接 %q：应为 %s://notice/<项目编号>", arg, linkScheme)
	}
	path := strings.Trim(u.Path, "/")
	var target string
	switch strings.ToLower(u.Host) {
	case "inbox":
		target = "notice:"
	case "notice":
		target = "notice:" + path
	default:
		return "", fmt.Errorf("无法识别的链接 %q：应为 %s://notice/<项目编号>", arg, linkScheme)
	}
	if !validTarget(target) {
		return "", fmt.Errorf("链接 %q 中的项目编号无效", arg)
	}
	return target, nil
}

// noticeLink returns the link that opens what a notification about filing
// id is about ("" for a notice to the unit: the inbox).
func noticeLink(filingID string) string {
	if filingID == "" {
		return linkScheme + "://inbox"
	}
	return linkScheme + "://notice/" + filingID
}

// errNoInstance: no client is running on the data directory (or it does not
// answer).
var errNoInstance = errors.New("no running client on this data directory")

// handOver asks the client running on dir to show target and raise its
// window. It returns nil when that client accepted; errNoInstance (wrapped)
// when there is none or it did not answer, so this start goes on.
func handOver(dir, target string) error {
	b, err := os.ReadFile(filepath.Join(dir, instanceFile))
	if err != nil {
		return fmt.Errorf("%w: %v", errNoInstance, err)
	}
	var info instanceInfo
	if err := json.Unmarshal(b, &info); err != nil || info.Addr == "" {
		return fmt.Errorf("%w: unreadable %s", errNoInstance, instanceFile)
	}
	host, _, err := net.SplitHostPort(info.Addr)
	if err != nil || !net.ParseIP(host).IsLoopback() {
		return fmt.Errorf("%w: %s is not a loopback address", errNoInstance, info.Addr)
	}
	conn, err := net.DialTimeout("tcp", info.Addr, handoffTimeout)
	if err != nil {
		return fmt.Errorf("%w: %v", errNoInstance, err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(handoffTimeout))
	req, _ := json.Marshal(handoffRequest{Token: info.Token, Target: target})
	if _, err := conn.Write(append(req, '\n')); err != nil {
		return fmt.Errorf("%w: %v", errNoInstance, err)
	}
	reply, err := bufio.NewReader(io.LimitReader(conn, 64)).ReadString('\n')
	if err != nil {
		return fmt.Errorf("%w: %v", errNoInstance, err)
	}
	if strings.TrimSpace(reply) != "ok" {
		return fmt.Errorf("the running client refused: %s", strings.TrimSpace(reply))
	}
	return nil
}

// instanceServer answers second starts for the running client.
type instanceServer struct {
	ln       net.Listener
	path     string
	token    string
	activate func(target string)
	log      *slog.Logger
	slots    chan struct{} // connections being answered
	wg       sync.WaitGroup
}

// serveInstance listens for second starts on dir and calls activate with
// each accepted target, from its own goroutine.
func serveInstance(dir string, activate func(target string), log *slog.Logger) (*instanceServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen for second starts: %w", err)
	}
	tok := make([]byte, 32)
	rand.Read(tok)
	s := &instanceServer{ln: ln, path: filepath.Join(dir, instanceFile), token: hex.EncodeToString(tok),
		activate: activate, log: log, slots: make(chan struct{}, handoffConns)}
	b, _ := json.Marshal(instanceInfo{Addr: ln.Addr().String(), Token: s.token, PID: os.Getpid()})
	if err := writeFile(s.path, b); err != nil {
		ln.Close()
		return nil, err
	}
	s.wg.Add(1)
	go s.serve()
	return s, nil
}

func (s *instanceServer) serve() {
	defer s.wg.Done()
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			if !errors.Is(err, net.ErrClosed) {
				s.log.Warn("second starts are no longer answered", "err", err)
			}
			return
		}
		// A few at a time: a second start is a person clicking; one idle
		// connection must not hold it up, and a flood of connections must
		// not become a flood of goroutines.
		select {
		case s.slots <- struct{}{}:
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				s.handle(conn)
				<-s.slots
			}()
		default:
			conn.Close()
		}
	}
}

func (s *instanceServer) handle(conn net.Conn) {
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(handoffTimeout))
	line, err := bufio.NewReaderSize(io.LimitReader(conn, handoffMaxBytes), handoffMaxBytes).ReadSlice('\n')
	if err != nil {
		return
	}
	var req handoffRequest
	if err := json.Unmarshal(line, &req); err != nil {
		io.WriteString(conn, "bad request\n")
		return
	}
	if subtle.ConstantTimeCompare([]byte(req.Token), []byte(s.token)) != 1 {
		s.log.Warn("a second start without this client's token was refused", "from", conn.RemoteAddr())
		io.WriteString(conn, "forbidden\n")
		return
	}
	if !validTarget(req.Target) {
		io.WriteString(conn, "bad target\n")
		return
	}
	io.WriteString(conn, "ok\n")
	s.activate(req.Target)
}

// Close stops answering and removes the instance file, unless a later
// client has already replaced it.
func (s *instanceServer) Close() error {
	err := s.ln.Close()
	s.wg.Wait()
	if b, rerr := os.ReadFile(s.path); rerr == nil {
		var info instanceInfo
		if json.Unmarshal(b, &info) == nil && info.Token == s.token {
			os.Remove(s.path)
		}
	}
	return err
}
