package server

import (
	"sync"
	"time"
)

// ThrottleConfig slows down password guessing. After Free failures for a
// login (or IPFree from one address) every further failure locks it for
// Base, doubling up to Max. Failures are forgotten after Forget without one.
type ThrottleConfig struct {
	Free   int
	IPFree int
	Base   time.Duration
	Max    time.Duration
	Forget time.Duration
}

// DefaultThrottle returns 5 free failures per login, 20 per address, then
// 2 s doubling to 15 min, forgotten after an hour.
func DefaultThrottle() ThrottleConfig {
	return ThrottleConfig{Free: 5, IPFree: 20, Base: 2 * time.Second, Max: 15 * time.Minute, Forget: time.Hour}
}

// throttle counts failed logins per key ("l:<login>", "i:<address>") in
// memory. A restart forgets the counts, which only gives an attacker a few
// more guesses.
type throttle struct {
	cfg ThrottleConfig

	mu      sync.Mutex
	strikes map[string]*strike
}

type strike struct {
	fails int
	last  time.Time
	until time.Time
}

func newThrottle(cfg ThrottleConfig) *throttle {
	return &throttle{cfg: cfg, strikes: make(map[string]*strike)}
}

// wait returns how long the keys are still locked at now; 0 when free.
func (t *throttle) wait(now time.Time, keys ...string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	var d time.Duration
	for _, k := range keys {
		if s := t.strikes[k]; s != nil && s.until.After(now) {
			d = max(d, s.until.Sub(now))
		}
	}
	return d
}

// fail records a failure of key, which is free for free failures.
func (t *throttle) fail(now time.Time, key string, free int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := t.strikes[key]
	if s == nil || now.Sub(s.last) > t.cfg.Forget {
		if len(t.strikes) > 100_000 {
			t.prune(now)
		}
		s = &strike{}
		t.strikes[key] = s
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
}

// succeed forgets the failures of key.
func (t *throttle) succeed(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.strikes, key)
}

func (t *throttle) prune(now time.Time) {
	for k, s := range t.strikes {
		if now.Sub(s.last) > t.cfg.Forget && !s.until.After(now) {
			delete(t.strikes, k)
		}
	}
}
