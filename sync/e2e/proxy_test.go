package e2e

import (
	"fmt"
	"math"
	"math/rand/v2"
	"net"
	"sync"
	"testing"
	"time"
)

// fault is what the proxy does to one connection.
type fault int

const (
	faultNone    fault = iota // forward faithfully (for a while: see next)
	faultDrop                 // close the connection at once
	faultDelay                // hold every forwarded read back for a while
	faultCutUp                // close both sides after N bytes from the client
	faultCutDown              // close both sides after N bytes from the server: a truncated response
	numFaults
)

// The HTTP client keeps one connection alive for as long as it works, so a
// fault drawn per connection would never change. Every connection therefore
// ends: faithful and delayed ones after a few MB (as a NAT or a flaky
// mobile link ends them), cut ones at their cut point. Each new connection
// draws a new fault.
const lifetime = 4 << 20

func (f fault) String() string {
	return [...]string{"none", "drop", "delay", "cut-up", "cut-down"}[f]
}

// faultPlan is the fault of one connection and its parameter.
type faultPlan struct {
	fault fault
	n     int64         // cut after n bytes (in the fault's direction; both for none and delay)
	delay time.Duration // per read
}

// faultProxy is a TCP proxy on loopback in front of a server. Each
// connection it accepts gets the next fault of a schedule drawn from a
// seeded generator, so a seed names one sequence of faults (which requests
// they hit still depends on timing).
type faultProxy struct {
	ln     net.Listener
	target string

	mu     sync.Mutex
	rng    *rand.Rand
	off    bool // forward faithfully from now on
	counts [numFaults]int
	conns  map[net.Conn]bool
	wg     sync.WaitGroup
}

// startProxy starts a proxy to target, closed when the test ends.
func startProxy(tb testing.TB, target string, seed uint64) *faultProxy {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	p := &faultProxy{ln: ln, target: target, rng: rand.New(rand.NewPCG(seed, 3)), conns: map[net.Conn]bool{}}
	p.wg.Add(1)
	go p.serve()
	tb.Cleanup(p.close)
	return p
}

// URL returns the proxy's address as a base URL.
func (p *faultProxy) URL() string { return "http://" + p.ln.Addr().String() }

// counts returns how many connections got each fault.
func (p *faultProxy) tally() [numFaults]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.counts
}

// next draws the fault of the next connection: 30 % none, 10 % dropped,
// 20 % delayed (1–10 ms per read), 20 % cut on the way up, 20 % cut on the
// way down. Cut points are log-uniform, up to 512 KiB upwards (inside
// attachment chunks) and up to 64 KiB downwards (inside answers); faithful
// and delayed connections end after up to lifetime bytes.
func (p *faultProxy) next() faultPlan {
	p.mu.Lock()
	defer p.mu.Unlock()
	logUniform := func(hi float64) int64 { return int64(math.Exp(p.rng.Float64() * math.Log(hi))) }
	var fp faultPlan
	switch r := p.rng.IntN(100); {
	case p.off:
		fp.n = -1
	case r < 30:
		fp.n = logUniform(lifetime)
	case r < 40:
		fp.fault = faultDrop
	case r < 60:
		fp.fault, fp.n, fp.delay = faultDelay, logUniform(lifetime), time.Duration(1+p.rng.IntN(10))*time.Millisecond
	case r < 80:
		fp.fault, fp.n = faultCutUp, logUniform(512<<10)
	default:
		fp.fault, fp.n = faultCutDown, logUniform(64<<10)
	}
	p.counts[fp.fault]++
	return fp
}

func (p *faultProxy) serve() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		fp := p.next()
		if fp.fault == faultDrop {
			c.Close()
			continue
		}
		p.wg.Add(1)
		go p.forward(c, fp)
	}
}

// track registers c to be closed by close; it reports false when the proxy
// is closing.
func (p *faultProxy) track(c net.Conn, on bool) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !on {
		delete(p.conns, c)
		return true
	}
	if p.conns == nil {
		return false
	}
	p.conns[c] = true
	return true
}

func (p *faultProxy) forward(down net.Conn, fp faultPlan) {
	defer p.wg.Done()
	up, err := net.DialTimeout("tcp", p.target, 2*time.Second)
	if err != nil {
		down.Close()
		return
	}
	if !p.track(down, true) || !p.track(up, true) {
		down.Close()
		up.Close()
		return
	}
	var once sync.Once
	cut := func() {
		once.Do(func() {
			down.Close()
			up.Close()
			p.track(down, false)
			p.track(up, false)
		})
	}
	upLimit, downLimit := fp.n, fp.n
	switch fp.fault {
	case faultCutUp:
		downLimit = -1
	case faultCutDown:
		upLimit = -1
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); pipe(up, down, upLimit, fp.delay); cut() }()
	go func() { defer wg.Done(); pipe(down, up, downLimit, fp.delay); cut() }()
	wg.Wait()
}

// pipe copies from src to dst until either fails or limit bytes (when not
// negative) went through, sleeping delay before forwarding each read.
func pipe(dst, src net.Conn, limit int64, delay time.Duration) {
	buf := make([]byte, 32<<10)
	for limit != 0 {
		b := buf
		if limit > 0 && int64(len(b)) > limit {
			b = b[:limit]
		}
		n, err := src.Read(b)
		if n > 0 {
			if delay > 0 {
				time.Sleep(delay)
			}
			if _, werr := dst.Write(b[:n]); werr != nil {
				return
			}
			if limit > 0 {
				limit -= int64(n)
			}
		}
		if err != nil {
			return
		}
	}
}

// close stops accepting, cuts every connection and waits for the proxy's
// goroutines.
func (p *faultProxy) close() {
	p.ln.Close()
	p.mu.Lock()
	conns := p.conns
	p.conns = nil
	p.mu.Unlock()
	for c := range conns {
		c.Close()
	}
	p.wg.Wait()
}

// describe formats the tally for a log line.
func describe(t [numFaults]int) string {
	s := ""
	for f := range numFaults {
		s += fmt.Sprintf(" %s=%d", f, t[f])
	}
	return s
}
