package server

import (
	"fmt"
	"sync"
	"time"
)

// uploadBudget bounds the attachment bytes each unit uploads in a sliding
// day (Config.UnitUploadPerDay): a unit's token — a township clerk's
// laptop, the weakest account there is — could otherwise fill the
// bureau's disk with attachments no filing refers to (found from
// outside: 160 MiB in 1.7 s), and from MinFreeBytes on every unit and
// every reviewer gets 507. The counts are in memory, per process, in
// hourly buckets: a restart forgets them.
type uploadBudget struct {
	perDay int64 // < 0: no limit

	mu    sync.Mutex
	units map[string]*unitUploads
}

// unitUploads are the bytes a unit uploaded in each hour of the last day.
type unitUploads struct {
	hours  [24]int64
	starts [24]int64 // the hour (Unix hours) each of hours counts
	warned int64     // the hour the unit last reached the limit, logged once
}

func newUploadBudget(perDay int64) *uploadBudget {
	return &uploadBudget{perDay: perDay, units: map[string]*unitUploads{}}
}

// wait returns how long unit must wait at now before it may upload again:
// 0 while it is below the limit, else until enough of its day has passed.
// reached is true the first time in an hour the unit is found at the limit.
func (b *uploadBudget) wait(unit string, now time.Time) (d time.Duration, reached bool) {
	if b.perDay < 0 {
		return 0, false
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	u := b.units[unit]
	if u == nil {
		return 0, false
	}
	hour := now.Unix() / 3600
	used := u.used(hour)
	if used < b.perDay {
		return 0, false
	}
	// The oldest hours leave the window first.
	for h := hour - 23; h <= hour; h++ {
		used -= u.at(h)
		if used < b.perDay {
			d = time.Unix((h+24)*3600, 0).Sub(now)
			break
		}
	}
	reached = u.warned != hour
	u.warned = hour
	return max(d, time.Second), reached
}

// add counts n bytes uploaded by unit at now.
func (b *uploadBudget) add(unit string, now time.Time, n int64) {
	if b.perDay < 0 || n <= 0 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	u := b.units[unit]
	if u == nil {
		u = &unitUploads{}
		b.units[unit] = u
	}
	hour := now.Unix() / 3600
	i := hour % 24
	if u.starts[i] != hour {
		u.starts[i], u.hours[i] = hour, 0
	}
	u.hours[i] += n
}

// at returns the bytes counted in hour h, 0 when its bucket holds another.
func (u *unitUploads) at(h int64) int64 {
	if i := h % 24; u.starts[i] == h {
		return u.hours[i]
	}
	return 0
}

// used returns the bytes of the 24 hours up to hour.
func (u *unitUploads) used(hour int64) int64 {
	var n int64
	for h := hour - 23; h <= hour; h++ {
		n += u.at(h)
	}
	return n
}

// waitWords writes a wait of d for a clerk: "约 3 小时", "约 20 分钟".
func waitWords(d time.Duration) string {
	if d >= time.Hour {
		return fmt.Sprintf("约 %d 小时", (d+time.Hour-1)/time.Hour)
	}
	return fmt.Sprintf("约 %d 分钟", max((d+time.Minute-1)/time.Minute, 1))
}
