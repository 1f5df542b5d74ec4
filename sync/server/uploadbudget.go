package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"egovdesk/app"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server/bureaustore"
)

// uploadBudget bounds what each unit sends in a sliding day: the bytes it
// uploads (Server.uploaded), and, counted the same way, the new filings it
// submits (Server.newFilings). The bytes —
// attachments, drafts, new revisions' bodies (Config.UnitUploadPerDay): a unit's token — a township clerk's
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

// take counts n bytes about to be uploaded by unit at now, when the unit
// is below the limit; else it counts nothing and returns how long the unit
// must wait (until enough of its day has passed), reached being true the
// first time in an hour the unit is found at the limit. Counting before
// the bytes are read keeps concurrent uploads from all passing the check
// (found from outside: 40 at once overshot a 50 MiB limit by 190 MiB);
// the caller corrects the count by what it then received (add).
func (b *uploadBudget) take(unit string, now time.Time, n int64) (d time.Duration, reached bool) {
	if b.perDay < 0 {
		return 0, false
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	u, hour := b.unit(unit), now.Unix()/3600
	used := u.used(hour)
	if used < b.perDay {
		u.count(hour, n)
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

// add counts n more bytes (fewer, when negative: the correction of a
// take) of unit at now.
func (b *uploadBudget) add(unit string, now time.Time, n int64) {
	if b.perDay < 0 || n == 0 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.unit(unit).count(now.Unix()/3600, n)
}

// unit returns the counts of unit, new when it has none. Callers hold mu.
func (b *uploadBudget) unit(unit string) *unitUploads {
	u := b.units[unit]
	if u == nil {
		u = &unitUploads{}
		b.units[unit] = u
	}
	return u
}

// count adds n to hour's bucket (never below 0).
func (u *unitUploads) count(hour, n int64) {
	i := hour % 24
	if u.starts[i] != hour {
		u.starts[i], u.hours[i] = hour, 0
	}
	u.hours[i] = max(u.hours[i]+n, 0)
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

// takeSubmissions counts the bodies of reqs against the caller's unit's
// daily bytes and their new filings (no base revision) against its daily
// number before they are stored, or answers 429 when the unit is past
// either — unless every one of reqs is a resend of a revision the bureau
// holds, which is answered with its receipt as always (found from outside:
// at the limit, a client that lost a receipt could not learn for a day
// that its filing had arrived). It returns the function that gives back,
// once the store has answered, what was not created (created[i] for
// reqs[i]; nil when the request failed as a whole).
func (s *Server) takeSubmissions(ctx context.Context, w http.ResponseWriter, c *caller, reqs []protocol.SubmitRequest) (func(created []bool), error) {
	var n, first int64
	for _, req := range reqs {
		n += int64(len(req.Body))
		if req.BaseRevisionID == "" {
			first++
		}
	}
	err := s.takeNewFilings(w, c, first)
	if err == nil {
		if err = s.takeBudget(w, c, n); err != nil {
			s.newFilings.add(c.UnitID, s.Now(), -first)
		}
	}
	if err != nil {
		if held, herr := s.allHeld(ctx, c, reqs); herr != nil || !held {
			return nil, err
		}
		w.Header().Del(protocol.HeaderRetryAfter)
		return func([]bool) {}, nil
	}
	return func(created []bool) {
		for i, req := range reqs {
			if created != nil && created[i] {
				n -= int64(len(req.Body))
				if req.BaseRevisionID == "" {
					first--
				}
			}
		}
		s.uploaded.add(c.UnitID, s.Now(), -n)
		s.newFilings.add(c.UnitID, s.Now(), -first)
	}, nil
}

// allHeld reports whether the bureau holds each of reqs as the head
// revision of a filing of the caller's unit: a resend.
func (s *Server) allHeld(ctx context.Context, c *caller, reqs []protocol.SubmitRequest) (bool, error) {
	for _, req := range reqs {
		v, err := s.store.Filing(ctx, c.UnitID, req.FilingID)
		if errors.Is(err, bureaustore.ErrNotFound) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		if v.Filing.Filing.Revision.ID != req.RevisionID {
			return false, nil
		}
	}
	return true, nil
}

// takeBudget counts n bytes the caller's unit is about to have stored
// against its daily budget, or answers 429 (overBudget) when it is past it.
// Revision bodies count as uploads do (found from outside: 20 declarations
// of 3.8 MiB in 11 s, kept for good); the caller gives back (add) what was
// not kept.
func (s *Server) takeBudget(w http.ResponseWriter, c *caller, n int64) error {
	if d, reached := s.uploaded.take(c.UnitID, s.Now(), n); d > 0 {
		return s.overBudget(w, c, d, reached)
	}
	return nil
}

// takeNewFilings counts n new filings the caller's unit is about to
// submit against its daily number, or answers 429 when it is past it:
// found from outside, one clerk's token submitted 30,000 new declarations
// in 16.5 s, every one in the reviewers' queue, and the unit's list grew to
// 12 MB an answer. A township files tens a year and a county department
// hundreds; a restore that sends a unit's filings again is one each. The
// caller gives back (add) the ones not created.
func (s *Server) takeNewFilings(w http.ResponseWriter, c *caller, n int64) error {
	if n == 0 {
		return nil
	}
	d, reached := s.newFilings.take(c.UnitID, s.Now(), n)
	if d == 0 {
		return nil
	}
	if reached {
		s.log.Warn("submit: a unit reached its daily number of new filings; its new filings wait", "unit", c.UnitID,
			"limit", s.cfg.UnitNewFilingsPerDay, "retry_after", d.Round(time.Second))
	}
	w.Header().Set(protocol.HeaderRetryAfter, protocol.RetryAfter(int(d.Seconds()+0.999)))
	return app.Errorf(app.ETOOMANY, "本单位 24 小时内新建的材料已达数管局设定的上限（%d 份），%s后客户端会自动继续提交，未提交的材料不会丢失；已提交材料的修改不受此限；如确需更多，请联系数管局",
		s.cfg.UnitNewFilingsPerDay, waitWords(d))
}

// overBudget answers a unit past its daily budget: 429 with Retry-After d,
// logged once an hour (reached).
func (s *Server) overBudget(w http.ResponseWriter, c *caller, d time.Duration, reached bool) error {
	if reached {
		s.log.Warn("upload: a unit reached its daily upload limit; its submissions, uploads and drafts wait", "unit", c.UnitID,
			"limit_mb", s.cfg.UnitUploadPerDay>>20, "retry_after", d.Round(time.Second))
	}
	w.Header().Set(protocol.HeaderRetryAfter, protocol.RetryAfter(int(d.Seconds()+0.999)))
	return app.Errorf(app.ETOOMANY, "本单位 24 小时内提交的材料、附件和草稿已达数管局设定的上限（%s），%s后客户端会自动继续，已提交和已上传的部分不会丢失；如确需更多，请联系数管局",
		app.SizeLabel(s.cfg.UnitUploadPerDay), waitWords(d))
}
