package syncer

import "time"

// Backoff computes the waits between failed passes: exponential from Base,
// capped at Max, with full jitter (a uniform wait in [0, ceiling]), never
// shorter than Base/2 nor than the server's Retry-After. The zero value is not usable; fill
// Base, Max and Jitter.
type Backoff struct {
	Base   time.Duration
	Max    time.Duration
	Jitter func(ceiling time.Duration) time.Duration // a wait in [0, ceiling]

	failures int
}

// Next returns the wait after one more failure; retryAfter is the server's
// Retry-After (0 when it gave none) and is honoured even above Max.
func (b *Backoff) Next(retryAfter time.Duration) time.Duration {
	ceiling := b.Base
	for i := 0; i < b.failures && ceiling < b.Max; i++ {
		ceiling *= 2
	}
	ceiling = min(ceiling, b.Max)
	b.failures++
	d := b.Jitter(ceiling)
	// Never retry at once: a wait of zero would hammer a dead server.
	d = max(d, b.Base/2)
	return max(d, retryAfter)
}

// Reset forgets the failures: the next wait starts from Base again.
func (b *Backoff) Reset() { b.failures = 0 }
