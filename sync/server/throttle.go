package server

import (
	"net/netip"
	"sync"
	"sync/atomic"
	"time"
)

// ThrottleConfig slows down password guessing without letting a stranger
// lock anyone out (see docs/bureau.md, "Login limits"):
//
//   - Free failures of one login from one address, then every further
//     failure of that login from that address locks it, from that address
//     only, for Base, doubling up to Max;
//   - IPFree failures from one address, whatever the logins, then the same
//     for every login from that address — except a login that has
//     succeeded from that address within KnownFor: a colleague behind the
//     same office NAT is not locked out by someone else's failures there;
//   - AccountFree failures of one login from addresses it is not known at,
//     whatever those addresses, then the same for that login from every
//     address it is not known at: guessing spread over many addresses (a
//     botnet, the addresses of an IPv6 network) is slowed too, and the
//     user's own addresses are not locked.
//
// An address is an IPv4 address or an IPv6 /64 network (one host's or
// one site's: a host may use any address of its /64). Successful logins
// never count. Failures are forgotten after Forget without one; a success
// clears its login's failures from that address.
type ThrottleConfig struct {
	Free        int
	IPFree      int
	AccountFree int // 0: DefaultThrottle's
	Base        time.Duration
	Max         time.Duration
	Forget      time.Duration
	KnownFor    time.Duration // 0: DefaultThrottle's
}

// DefaultThrottle returns 5 free failures per login and address, 30 per
// address, 50 per login from addresses it is not known at, then 2 s
// doubling to 15 min, forgotten after an hour; an address a login
// succeeded from stays known for 30 days.
func DefaultThrottle() ThrottleConfig {
	return ThrottleConfig{Free: 5, IPFree: 30, AccountFree: 50, Base: 2 * time.Second, Max: 15 * time.Minute,
		Forget: time.Hour, KnownFor: 30 * 24 * time.Hour}
}

// throttle counts failed logins per key ("l:<login>|<address>",
// "i:<address>", "a:<login>") and remembers the addresses logins succeeded
// from, in memory. A restart forgets the counts, which gives an attacker a
// few more guesses; the addresses are read back from the audit trail
// (Server.learnKnownLogins).
type throttle struct {
	cfg ThrottleConfig
	// ready is set once the known addresses are learnt from the audit
	// trail (Server.learnKnownLogins); until then the per-login lock
	// ("a:") is not applied, so that a restart does not make every user
	// a stranger where they work.
	ready atomic.Bool

	mu      sync.Mutex
	strikes map[string]*strike
	known   map[string]time.Time // "<login>|<address>" → last success
	refused map[string]*refusals // address → attempts refused while locked
}

// refusals are the attempts from one address refused while locked, since
// the last one the audit trail recorded.
type refusals struct {
	recorded time.Time
	n        int
	login    string // the last login tried
}

// unrecorded is a count of refusals the audit trail has not recorded.
type unrecorded struct {
	addr, login string
	n           int
}

// refusalEvery is how often the audit trail records a refusal while
// locked, per address: each such attempt a record made anyone able to
// write 3,000 records a second without a login (found from outside:
// 40 GB a day of trail that is kept 180 days).
const refusalEvery = time.Minute

type strike struct {
	fails   int
	pending int // attempts admitted (begin) and not yet decided (end)
	last    time.Time
	until   time.Time
}

func newThrottle(cfg ThrottleConfig) *throttle {
	if cfg.KnownFor <= 0 {
		cfg.KnownFor = DefaultThrottle().KnownFor
	}
	if cfg.AccountFree <= 0 {
		cfg.AccountFree = DefaultThrottle().AccountFree
	}
	return &throttle{cfg: cfg, strikes: make(map[string]*strike), known: make(map[string]time.Time), refused: make(map[string]*refusals)}
}

// loginKeys returns the keys a login attempt of login from ip counts
// under, and whether the address is known for the login.
func (t *throttle) loginKeys(now time.Time, login, ip string) (keys []string, known bool) {
	ip = throttleAddr(ip)
	t.mu.Lock()
	at, ok := t.known[login+"|"+ip]
	t.mu.Unlock()
	known = ok && now.Sub(at) < t.cfg.KnownFor
	keys = []string{"l:" + login + "|" + ip}
	if !known {
		keys = append(keys, "i:"+ip)
		if t.ready.Load() {
			keys = append(keys, "a:"+login)
		}
	}
	return keys, known
}

// remember marks ip known for login from at, as a success then did, unless
// it is known from later already.
func (t *throttle) remember(login, ip string, at time.Time) {
	ip = throttleAddr(ip)
	t.mu.Lock()
	defer t.mu.Unlock()
	if k := login + "|" + ip; t.known[k].Before(at) {
		t.known[k] = at
	}
}

// throttleAddr is the address the limits count ip under: an IPv4 address
// (also when written as IPv4-mapped IPv6), or the /64 of an IPv6 one — a
// host chooses any address of its /64 at will, and one attacker's /64
// would otherwise be 2⁶⁴ addresses.
func throttleAddr(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	a = a.Unmap()
	if a.Is6() {
		p, _ := a.WithZone("").Prefix(64)
		return p.String()
	}
	return a.String()
}

// free is how many failures key forgives.
func (t *throttle) free(key string) int {
	switch key[0] {
	case 'i':
		return t.cfg.IPFree
	case 'a':
		return t.cfg.AccountFree
	}
	return t.cfg.Free
}

// begin admits an attempt under keys (from loginKeys) to have its password
// checked, or returns how long to wait. An attempt admitted and not yet
// decided counts as a failure until end says otherwise: guesses sent all
// at once would otherwise each be checked before the first failure was
// counted (found from outside: 300 guesses at once for one login, 299
// checked and refused, the right one last let in, where the limit is 5).
// So while a key's failures and undecided attempts are within what it
// forgives, attempts are admitted; past it, one at a time (the one whose
// failure locks it, or, once a lock ends, the next), the others waiting
// Base (crowded: refused for attempts being checked, not for failures).
// Every admitted attempt must be ended.
func (t *throttle) begin(now time.Time, keys []string) (wait time.Duration, crowded bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	var locked, busy time.Duration
	for _, k := range keys {
		s := t.strikes[k]
		if s == nil {
			continue
		}
		if s.until.After(now) {
			locked = max(locked, s.until.Sub(now))
		}
		fails := s.fails
		if now.Sub(s.last) > t.cfg.Forget {
			fails = 0
		}
		if fails+s.pending > t.free(k) && s.pending > 0 {
			busy = t.cfg.Base
		}
	}
	if locked > 0 {
		return locked, false
	}
	if busy > 0 {
		return busy, true
	}
	for _, k := range keys {
		s := t.strikes[k]
		if s == nil {
			if len(t.strikes) > 100_000 {
				t.prune(now)
			}
			s = &strike{last: now}
			t.strikes[k] = s
		}
		s.pending++
	}
	return 0, false
}

// end decides an attempt begin admitted under keys: a failure counts
// (failed), a success does not. It reports whether this failure locked
// the login from the addresses it is not known at (spread guessing: worth
// a warning in the log).
func (t *throttle) end(now time.Time, keys []string, failed bool) (accountLocked bool) {
	// One critical section: an attempt decided must not look, between its
	// two steps, like neither a failure nor undecided to a begin (found
	// in review: 7 checked where 6 is the most).
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, k := range keys {
		if s := t.strikes[k]; s != nil && s.pending > 0 {
			s.pending--
		}
		if failed && t.fail(now, k, t.free(k)) == t.free(k)+1 && k[0] == 'a' {
			accountLocked = true
		}
	}
	return accountLocked
}

// fail records a failure of key, which is free for free failures, and
// returns the key's failures so far. The caller holds t.mu.
func (t *throttle) fail(now time.Time, key string, free int) int {
	s := t.strikes[key]
	if s == nil {
		if len(t.strikes) > 100_000 {
			t.prune(now)
		}
		s = &strike{}
		t.strikes[key] = s
	} else if now.Sub(s.last) > t.cfg.Forget {
		s.fails, s.until = 0, time.Time{} // forgotten; attempts still undecided stay
	}
	s.fails++
	s.last = now
	if over := s.fails - free; over > 0 {
		d := t.cfg.Base
		for i := 1; i < over && d < t.cfg.Max; i++ {
			d *= 2
		}
		s.until = now.Add(min(d, t.cfg.Max))
	}
	return s.fails
}

// succeeded forgets the failures of login from ip and remembers ip as
// known for login. The address's own count stays.
func (t *throttle) succeeded(now time.Time, login, ip string) {
	ip = throttleAddr(ip)
	t.mu.Lock()
	defer t.mu.Unlock()
	if s := t.strikes["l:"+login+"|"+ip]; s != nil && s.pending > 0 {
		s.fails, s.until = 0, time.Time{} // others are being checked
	} else {
		delete(t.strikes, "l:"+login+"|"+ip)
	}
	if len(t.known) > 100_000 {
		for k, at := range t.known {
			if now.Sub(at) >= t.cfg.KnownFor {
				delete(t.known, k)
			}
		}
	}
	t.known[login+"|"+ip] = now
}

func (t *throttle) prune(now time.Time) {
	for k, s := range t.strikes {
		if now.Sub(s.last) > t.cfg.Forget && !s.until.After(now) && s.pending == 0 {
			delete(t.strikes, k)
		}
	}
}

// refusal counts an attempt from ip refused while locked and says whether
// the audit trail records it — the first from the address in refusalEvery
// — with how many refusals it stands for (itself and those not recorded
// since the address's last record).
func (t *throttle) refusal(now time.Time, ip, login string) (record bool, n int) {
	ip = throttleAddr(ip)
	t.mu.Lock()
	defer t.mu.Unlock()
	r := t.refused[ip]
	if r == nil {
		if len(t.refused) > 100_000 {
			for k, r := range t.refused {
				if now.Sub(r.recorded) >= refusalEvery {
					delete(t.refused, k)
				}
			}
		}
		r = &refusals{}
		t.refused[ip] = r
	}
	r.n++
	r.login = login
	if now.Sub(r.recorded) < refusalEvery {
		return false, 0
	}
	n, r.n, r.recorded = r.n, 0, now
	return true, n
}

// unrecordedRefusals returns, and counts as recorded, the refusals left
// unrecorded for refusalEvery or longer: those of a burst no later refusal
// followed, which the background loop records (found in review: 59
// seconds of refusals, then silence, left one record).
func (t *throttle) unrecordedRefusals(now time.Time) []unrecorded {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []unrecorded
	for addr, r := range t.refused {
		if r.n > 0 && now.Sub(r.recorded) >= refusalEvery {
			out = append(out, unrecorded{addr: addr, login: r.login, n: r.n})
			r.n, r.recorded = 0, now
		}
	}
	return out
}
