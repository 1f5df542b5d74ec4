package syncer

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"egovdesk/app"
	"egovdesk/app/store"
	"egovdesk/sync/protocol"
)

// pull fetches changes after the stored cursor and applies each page with its
// cursor in one store transaction, until the bureau has no more (or MaxPages).
// The first request waits up to wait for a change; a Kick ends that wait. It
// fails with the remote's error or a local store error; what was applied
// before stays applied.
func (s *Syncer) pull(ctx context.Context, wait time.Duration) (res passResult, err error) {
	start := s.opts.Now()
	defer func() { res.elapsed = s.opts.Now().Sub(start) }()
	cursor, err := s.local.Cursor(ctx)
	if err != nil {
		return res, fmt.Errorf("read cursor: %w", err)
	}
	for range s.opts.MaxPages {
		pctx, cancel := context.WithCancel(ctx)
		s.mu.Lock()
		if s.kicked {
			wait, res.kicked = 0, true
		}
		s.cancelPull = cancel
		s.mu.Unlock()
		resp, err := s.remote.Changes(pctx, cursor, wait)
		s.mu.Lock()
		s.cancelPull = nil
		s.mu.Unlock()
		kicked := pctx.Err() != nil && ctx.Err() == nil
		cancel()
		if err != nil {
			if kicked && errors.Is(err, context.Canceled) {
				res.kicked = true
				return res, nil
			}
			return res, fmt.Errorf("pull changes: %w", err)
		}
		n, err := s.apply(ctx, cursor, resp)
		if err != nil {
			return res, err
		}
		res.changes += n
		cursor = resp.Cursor
		if !resp.More {
			break
		}
		wait = 0
	}
	return res, nil
}

// apply writes one page of changes with its cursor and then publishes the
// notifications. On a reset the page replays earlier changes: the store
// ignores those it holds, and so do the notifications.
func (s *Syncer) apply(ctx context.Context, oldCursor string, resp protocol.ChangesResponse) (int, error) {
	if len(resp.Changes) == 0 && resp.Cursor == oldCursor && !resp.Reset {
		return 0, nil // a long-poll that ended without news: nothing to write
	}
	var known map[string]bool
	if resp.Reset {
		var err error
		if known, err = s.knownDecisions(ctx); err != nil {
			return 0, err
		}
	}
	changes := make([]store.Change, 0, len(resp.Changes))
	var notes []Notification
	for _, c := range resp.Changes {
		sc, note, ok := convert(c)
		if !ok {
			s.log.Warn("ignoring malformed change", "id", c.ID, "type", c.Type)
			continue
		}
		if sc != nil {
			changes = append(changes, *sc)
		}
		if note.Kind == NotifyDecision && known[decisionKey(c.FilingID, note.Decision)] {
			continue
		}
		notes = append(notes, note)
	}
	if err := s.local.ApplyChanges(ctx, resp.Cursor, changes); err != nil {
		return 0, fmt.Errorf("apply %d changes: %w", len(changes), err)
	}
	if resp.Reset {
		s.log.Warn("bureau reset the change cursor; replayed changes applied", "changes", len(changes))
		now := s.opts.Now()
		s.setStatus(func(st *Status) { st.LastReset = now })
	}
	for _, n := range notes {
		if n.Kind == NotifyDecision {
			if f, err := s.local.Get(ctx, n.FilingID); err == nil {
				n.FilingTitle = f.Title()
			}
		}
		s.publish(n)
	}
	return len(resp.Changes), nil
}

// publish hands n to the UI without ever blocking the loop.
func (s *Syncer) publish(n Notification) {
	select {
	case s.notes <- n:
	default:
		s.log.Warn("notification dropped: the UI is not reading them", "change", n.ChangeID)
	}
}

// convert returns the store's form of a pulled change (nil for kinds the store
// does not keep) and its notification; ok is false for a malformed change.
func convert(c protocol.Change) (sc *store.Change, n Notification, ok bool) {
	n = Notification{ChangeID: c.ID, At: c.At}
	switch c.Type {
	case protocol.ChangeDecision:
		if c.Transition == nil || c.FilingID == "" {
			return nil, n, false
		}
		t := *c.Transition
		n.Kind, n.FilingID, n.Decision = NotifyDecision, c.FilingID, &t
		return &store.Change{ID: c.ID, Kind: store.ChangeDecision, FilingID: c.FilingID, Transition: t, At: c.At}, n, true
	case protocol.ChangeNotice:
		n.Kind, n.Title, n.Text = NotifyNotice, c.NoticeTitle, c.Notice
		return &store.Change{ID: c.ID, Kind: store.ChangeNotice, Title: c.NoticeTitle, Body: c.Notice, At: c.At}, n, true
	case protocol.ChangeProfile:
		n.Kind, n.ProfileVersion = NotifyProfile, c.ProfileVersion
		return nil, n, true
	}
	return nil, n, false
}

// knownDecisions returns the keys of the decisions already in the inbox.
func (s *Syncer) knownDecisions(ctx context.Context) (map[string]bool, error) {
	entries, err := s.local.Inbox(ctx)
	if err != nil {
		return nil, fmt.Errorf("read inbox: %w", err)
	}
	known := make(map[string]bool, len(entries))
	for _, e := range entries {
		if e.Decision != nil {
			known[decisionKey(e.FilingID, e.Decision)] = true
		}
	}
	return known, nil
}

func decisionKey(filingID string, t *app.Transition) string {
	if t == nil {
		return ""
	}
	return filingID + "\x00" + t.RevisionID + "\x00" + string(t.Action) + "\x00" + strconv.FormatInt(t.At.UnixNano(), 10)
}
