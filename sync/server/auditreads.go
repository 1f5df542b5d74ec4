package server

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// readsEvery is how often the security audit trail records one account's
// repeats of one read.
const readsEvery = time.Minute

// auditReads coalesces the records of reads an account repeats (found
// from outside: a clerk's token asking GET /restore/<random id> wrote
// 2,900 failed restore.filing records a second — 85 GB a day of a trail
// that is kept six months — and each byte range a reviewer's browser
// fetched of an attachment was an attachment.download of its own). A read
// of a target is recorded once a readsEvery per account, and a refused or
// failed read once a readsEvery per account whatever its target; the next
// record, or the background loop after a quiet minute, counts those left
// out. What an account read, and that it tried, stays in the trail.
type auditReads struct {
	mu   sync.Mutex
	runs map[auditReadKey]*auditReadRun
}

// auditReadKey is what repeats: the account, its address as the login
// limits count it (an IPv6 /64: found in review, a token rotating over
// the addresses of its /64 escaped a key of the full address), the action,
// and the target of a read that succeeded ("" for any failed one).
type auditReadKey struct {
	who            auditWho
	action, target string
}

// maxReadRuns bounds the runs kept: past it, with none whose minute is
// over, reads are recorded one by one as audit would.
const maxReadRuns = 100_000

// auditReadRun is a key's last record and what came after it unrecorded.
type auditReadRun struct {
	recorded time.Time
	n        int      // reads left out since recorded
	who      auditWho // the last one's, with its own address
	target   string
	err      error
	detail   string
	// targets are the distinct targets of those left out, the first
	// maxRunTargets: found from outside, a reset of another account's
	// password by an issued token, or a read of another unit's filing,
	// sent between refusals of other targets was only counted, never named.
	// An operation without a target (a login) adds none.
	targets []string
}

// maxRunTargets is how many distinct targets a coalesced record names.
const maxRunTargets = 10

// auditRead records a read by ctx's actor as audit would, unless the same
// read (any failed read of action) was recorded less than readsEvery ago.
func (s *Server) auditRead(ctx context.Context, action, target string, opErr error, detail string) {
	s.auditRepeat(ctx, whoOf(ctx), action, target, opErr == nil, opErr, detail)
}

// auditRepeat is auditRead by w for anything an account may repeat at
// will: its own logins and logouts (found from outside: a password sent in
// a loop wrote a record or two a login), refused decisions and password
// changes, exports (whose target, the query, the caller chooses). Runs are
// kept per account, address and action, and per target when byTarget —
// only for targets the caller cannot make up (an attachment, a unit).
func (s *Server) auditRepeat(ctx context.Context, w auditWho, action, target string, byTarget bool, opErr error, detail string) {
	k := auditReadKey{who: w, action: action}
	k.who.Addr = throttleAddr(w.Addr)
	if byTarget {
		k.target = target
	}
	now := s.Now()
	s.reads.mu.Lock()
	if s.reads.runs == nil {
		s.reads.runs = map[auditReadKey]*auditReadRun{}
	}
	r := s.reads.runs[k]
	if r == nil {
		if len(s.reads.runs) >= maxReadRuns {
			s.reads.forget(now)
		}
		if len(s.reads.runs) >= maxReadRuns {
			s.reads.mu.Unlock()
			s.auditAs(ctx, w, action, target, opErr, detail)
			return
		}
		r = &auditReadRun{}
		s.reads.runs[k] = r
	}
	// While the trail fails, each one tries: the first that lands brings
	// the admin actions back (auditReady).
	if now.Sub(r.recorded) < readsEvery && !s.trail.down.Load() {
		r.n, r.who, r.target, r.err, r.detail = r.n+1, w, target, opErr, detail
		if target != "" && len(r.targets) < maxRunTargets && !slices.Contains(r.targets, target) {
			r.targets = append(r.targets, target)
		}
		s.reads.mu.Unlock()
		return
	}
	left, targets := r.n, r.targets
	r.recorded, r.n, r.targets = now, 0, nil
	s.reads.mu.Unlock()
	if s.auditAs(ctx, w, action, target, opErr, leftOut(detail, opErr, left, targets)) != nil {
		// Not written (the trail's storage failed): the next one tries
		// again, counting these, and its success brings the trail back.
		s.reads.mu.Lock()
		r.recorded, r.n, r.targets = time.Time{}, r.n+left+1, append(r.targets, targets...)
		s.reads.mu.Unlock()
	}
}

// forget drops the runs with nothing left unrecorded whose minute is
// over. Its caller holds mu.
func (a *auditReads) forget(now time.Time) {
	for k, r := range a.runs {
		if r.n == 0 && now.Sub(r.recorded) >= readsEvery {
			delete(a.runs, k)
		}
	}
}

// auditUnrecordedReads records, for each run whose minute is over at now,
// the reads no later record counted: one record for them, the last one's.
// The background loop calls it with the time; Close with a minute later,
// so that nothing counted is lost at a stop.
func (s *Server) auditUnrecordedReads(ctx context.Context, now time.Time) {
	type pending struct {
		k auditReadKey
		r auditReadRun
	}
	var out []pending
	s.reads.mu.Lock()
	for k, r := range s.reads.runs {
		if r.n > 0 && now.Sub(r.recorded) >= readsEvery {
			out = append(out, pending{k, *r})
			r.recorded, r.n, r.targets = now, 0, nil
		}
	}
	s.reads.forget(now)
	s.reads.mu.Unlock()
	for _, p := range out {
		s.auditAs(ctx, p.r.who, p.k.action, p.r.target, p.r.err, leftOut(p.r.detail, p.r.err, p.r.n-1, p.r.targets))
	}
}

// leftOut is detail (or the error's message) saying that n operations
// like it, on targets, were left out of the trail before it.
func leftOut(detail string, opErr error, n int, targets []string) string {
	if n <= 0 {
		return detail
	}
	if detail == "" && opErr != nil {
		detail = clip(opErr.Error(), 200)
	}
	on := ""
	if len(targets) > 0 {
		clipped := make([]string, len(targets))
		for i, t := range targets {
			clipped[i] = clip(t, 80)
		}
		on = "，对象：" + strings.Join(clipped, "、")
		if len(targets) == maxRunTargets {
			on += "等"
		}
	}
	return fmt.Sprintf("%s（此前 %d 次相同的操作在 %d 分钟内重复，未逐条记录，本条一并计入%s）", detail, n, int(readsEvery/time.Minute), on)
}
