package server

import (
	"context"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"egovdesk/app"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server/bureaustore"
)

// feeds wakes the long polls of a unit when a change for it is committed.
type feeds struct {
	mu     sync.Mutex
	wake   map[string]chan struct{} // closed and replaced on each change
	parked map[string]int           // long polls waiting, per unit (for the tests)
}

func newFeeds() *feeds {
	return &feeds{wake: make(map[string]chan struct{}), parked: make(map[string]int)}
}

// park counts a long poll of unit waiting for a change (by n = 1), or done
// waiting (n = -1).
func (f *feeds) park(unit string, n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.parked[unit] += n; f.parked[unit] <= 0 {
		delete(f.parked, unit)
	}
}

// waiting returns how many long polls of unit wait for a change.
func (f *feeds) waiting(unit string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.parked[unit]
}

// wait returns a channel closed at the unit's next change. Take it before
// reading the feed, so a change committed in between is not missed.
func (f *feeds) wait(unit string) <-chan struct{} {
	f.mu.Lock()
	defer f.mu.Unlock()
	ch := f.wake[unit]
	if ch == nil {
		ch = make(chan struct{})
		f.wake[unit] = ch
	}
	return ch
}

// notify wakes the long polls of units.
func (f *feeds) notify(units ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, u := range units {
		if ch := f.wake[u]; ch != nil {
			close(ch)
			delete(f.wake, u)
		}
	}
}

// cursor is the position in one unit's feed of one store. On the wire it is
// base64url("v1|<epoch>|<unit>|<seq>"), opaque to clients.
type cursor struct {
	epoch string
	unit  string
	seq   uint64
}

func (c cursor) String() string {
	return base64.RawURLEncoding.EncodeToString([]byte("v1|" + c.epoch + "|" + c.unit + "|" + strconv.FormatUint(c.seq, 10)))
}

// parseCursor decodes a cursor. ok is false for anything malformed.
func parseCursor(s string) (c cursor, ok bool) {
	if len(s) > 512 {
		return c, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return c, false
	}
	parts := strings.Split(string(raw), "|")
	if len(parts) != 4 || parts[0] != "v1" || parts[1] == "" || parts[2] == "" {
		return c, false
	}
	seq, err := strconv.ParseUint(parts[3], 10, 64)
	if err != nil || strconv.FormatUint(seq, 10) != parts[3] {
		return c, false
	}
	return cursor{epoch: parts[1], unit: parts[2], seq: seq}, true
}

// parseWait reads the wait parameter: a Go duration, capped at the long
// poll limit. It fails with EINVALID for a malformed or negative value.
func parseWait(v string, limit time.Duration) (time.Duration, error) {
	if v == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return 0, fieldErr(protocol.ParamWait, "wait 须为时长，如 30s")
	}
	return min(d, limit), nil
}

func parseLimit(v string) (int, error) {
	if v == "" {
		return 100, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, fieldErr(protocol.ParamLimit, "limit 须为正整数")
	}
	return min(n, protocol.MaxChanges), nil
}

// Changes returns up to limit changes of unit after the cursor. An empty
// cursor starts at the beginning of the retained feed; an unusable one
// (malformed, from another store or unit, ahead of the feed or behind its
// retention) answers Reset with a cursor at the head.
func (s *Server) Changes(ctx context.Context, unit, after string, limit int) (protocol.ChangesResponse, error) {
	resp := protocol.ChangesResponse{Changes: []protocol.Change{}}
	q := bureaustore.ChangesQuery{Unit: unit, Limit: limit}
	if after != "" {
		c, ok := parseCursor(after)
		q.HasCursor, q.Epoch, q.Seq = true, c.epoch, c.seq
		if !ok || c.unit != unit {
			q.Epoch = "" // no store's epoch: Reset
		}
	}
	p, err := s.store.Changes(ctx, q)
	if err != nil {
		return resp, err
	}
	if p.Changes != nil {
		resp.Changes = p.Changes
	}
	resp.More, resp.Reset = p.More, p.Reset
	resp.Cursor = cursor{p.Epoch, unit, p.Last}.String()
	return resp, nil
}

// handleChanges answers a pull, waiting up to wait for a first change.
func (s *Server) handleChanges(w http.ResponseWriter, r *http.Request, c *caller) error {
	q := r.URL.Query()
	wait, err := parseWait(q.Get(protocol.ParamWait), s.cfg.LongPoll)
	if err != nil {
		return err
	}
	limit, err := parseLimit(q.Get(protocol.ParamLimit))
	if err != nil {
		return err
	}
	after := q.Get(protocol.ParamCursor)
	var timeout <-chan time.Time
	if wait > 0 {
		t := time.NewTimer(wait)
		defer t.Stop()
		timeout = t.C
	}
	for parked := false; ; parked = true {
		woken := s.feeds.wait(c.UnitID)
		resp, err := s.Changes(r.Context(), c.UnitID, after, limit)
		if err != nil {
			return err
		}
		if len(resp.Changes) > 0 || resp.Reset || wait == 0 {
			if parked {
				// The token, its account and its unit as they are now:
				// found from outside, a poll parked before its token was
				// revoked, or its unit disabled, still delivered what came
				// after.
				if _, err := s.byTokenHash(c.tokenHash, c.issued); err != nil {
					return err
				}
			}
			s.writeJSON(w, http.StatusOK, resp)
			return nil
		}
		after = resp.Cursor
		s.feeds.park(c.UnitID, 1)
		select {
		case <-woken:
			s.feeds.park(c.UnitID, -1)
			continue
		case <-timeout:
		case <-s.stopping:
		case <-r.Context().Done():
			s.feeds.park(c.UnitID, -1)
			return nil
		}
		s.feeds.park(c.UnitID, -1)
		s.writeJSON(w, http.StatusOK, resp)
		return nil
	}
}

// MinPruneAge is how old a change must be before an admin may prune it:
// a notice lives only in the feed, so a client whose cursor is behind a
// pruned range resets and refetches its filings but never gets the
// notices it had not pulled (found from outside: a prune "before 2099"
// emptied every feed). Ninety days covers a laptop left off over a
// holiday or a long sick leave.
const MinPruneAge = 90 * 24 * time.Hour

// CheckPruneBefore refuses, with EINVALID in Chinese, a prune of changes
// younger than MinPruneAge at now: the API's and the CLI's.
func CheckPruneBefore(now, before time.Time) error {
	if before.After(now.Add(-MinPruneAge)) {
		return app.Errorf(app.EINVALID, "只能删除 %d 天以前的变更：更近的变更里可能有单位还没有收到的通知（通知只在变更流中），删除后这些单位再也收不到", int(MinPruneAge.Hours()/24))
	}
	return nil
}

// PruneChanges deletes the changes older than before from every unit's
// feed and returns how many it deleted. Cursors into the pruned range get
// Reset on their next pull.
func (s *Server) PruneChanges(ctx context.Context, before time.Time) (_ int, err error) {
	if err = s.auditReady(); err != nil {
		return
	}
	defer s.audited(ctx, "changes.prune", before.Format(time.RFC3339), &err)
	return s.store.PruneChanges(ctx, before)
}

// broadcast appends c to the feed of each unit (all units when units is
// nil) in one transaction; the store wakes their long polls.
func (s *Server) broadcast(ctx context.Context, units []string, c protocol.Change) (int, error) {
	woken, err := s.store.Broadcast(ctx, units, c)
	return len(woken), err
}

// ResetFeeds makes every client's change cursor unusable, so that each
// client's next pull answers Reset: run it after restoring an older backup.
// The clients then re-synchronise the workflow state from the filings and
// send again every revision they had delivered that the bureau no longer
// holds — which they notice by themselves only while their cursor is ahead
// of the restored feed. The feeds keep their changes; only their epoch,
// which every cursor carries, changes. It returns the new epoch. The
// reset is recorded in the security audit trail.
func (s *Server) ResetFeeds(ctx context.Context) (epoch string, err error) {
	if err = s.auditReady(); err != nil {
		return "", err
	}
	defer s.audited(ctx, "changes.reset", "", &err)
	return s.store.ResetEpoch(ctx)
}
