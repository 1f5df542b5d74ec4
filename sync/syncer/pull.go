package syncer

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"egovdesk/app"
	"egovdesk/app/store"
	"egovdesk/sync/client"
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
		if note.Kind == "" {
			continue // nothing to tell (a revision: taken over by adoptRevisions)
		}
		if note.Kind == NotifyDecision {
			key := decisionKey(c.FilingID, note.Decision)
			if known[key] || s.resynced[key] || s.ownAct(ctx, c.FilingID, note.Decision) {
				continue
			}
		}
		notes = append(notes, note)
	}
	// Revisions from the unit's other machines, before the cursor moves on.
	if err := s.adoptRevisions(ctx, resp.Changes); err != nil {
		return 0, err
	}
	if !resp.Reset {
		if err := s.local.ApplyChanges(ctx, resp.Cursor, changes); err != nil {
			return 0, fmt.Errorf("apply %d changes: %w", len(changes), err)
		}
	} else {
		recovered, err := s.resync(ctx, oldCursor, resp.Cursor, changes)
		if err != nil {
			return 0, err
		}
		notes = append(notes, recovered...)
		now := s.opts.Now()
		s.setStatus(func(st *Status) { st.LastReset = now })
	}
	for _, n := range notes {
		if n.Kind == NotifyDecision {
			if f, err := s.local.Get(ctx, n.FilingID); err == nil {
				n.FilingTitle, n.FilingKind = f.Title(), f.Kind
			}
		}
		s.publish(n)
	}
	return len(resp.Changes), nil
}

// resync handles a reset: it applies the replayed changes of the page
// without moving the cursor, then re-synchronises the workflow state from the
// bureau's filings and stores cursor with it. It returns the notifications
// of the decisions recovered that way, and one NotifyProfile so that the
// rule profile is fetched again, and remembers the decisions: a decision taken
// between the reset answer and the listing also comes through the feed
// after cursor, and the store enters it once, so it is announced once too.
// When it fails the old cursor stays, so the next pull resets and resyncs
// again.
func (s *Syncer) resync(ctx context.Context, oldCursor, cursor string, replayed []store.Change) ([]Notification, error) {
	if len(replayed) > 0 {
		if err := s.local.ApplyChanges(ctx, oldCursor, replayed); err != nil {
			return nil, fmt.Errorf("apply %d replayed changes: %w", len(replayed), err)
		}
	}
	remote, heads, unknown, err := s.remoteFilings(ctx)
	if err != nil {
		return nil, err
	}
	// Filings this machine never had (another machine's, whose revisions
	// the pruned feed no longer tells of) are taken over as in a restore.
	if err := s.adoptFilings(ctx, unknown); err != nil {
		return nil, err
	}
	// A reset may mean the bureau went back in time (an older backup
	// restored): what it received since is gone, and the clients, which
	// dropped those revisions on their receipts, must send them again.
	// Before Resync stores the new cursor: should either fail, the next
	// pull resets again, and requeueing twice adds nothing.
	requeued, err := s.local.RequeueLost(ctx, heads)
	if err != nil {
		return nil, err
	}
	added, err := s.local.Resync(ctx, cursor, remote)
	if err != nil {
		return nil, fmt.Errorf("resync: %w", err)
	}
	s.log.Warn("bureau reset the change cursor; workflow state re-synchronised",
		"replayed", len(replayed), "differing", len(remote), "recovered", len(added), "requeued", len(requeued))
	notes := make([]Notification, 0, len(added)+len(requeued)+1)
	s.resynced = make(map[string]bool, len(added))
	for _, e := range added {
		s.resynced[decisionKey(e.FilingID, e.Decision)] = true
		notes = append(notes, Notification{Kind: NotifyDecision, ChangeID: e.ID, At: e.At,
			FilingID: e.FilingID, FilingTitle: e.FilingTitle, FilingKind: e.FilingKind, Decision: e.Decision})
	}
	for _, e := range requeued {
		notes = append(notes, Notification{Kind: NotifyNotice, ChangeID: e.ID, At: e.At, Title: e.Title, Text: e.Body})
	}
	if len(requeued) > 0 {
		s.Kick() // send them on the next pass, not after the next long poll
	}
	// A profile change may have been pruned as well: have the profile fetched
	// (conditionally, by version) as after a "profile" change.
	notes = append(notes, Notification{Kind: NotifyProfile, At: s.opts.Now()})
	return notes, nil
}

// remoteFilings returns the bureau's copy of each of the unit's filings
// whose status or head revision differs from the local one, with its
// history, the head revision number of every filing the bureau lists, and
// the IDs of the filings the store does not hold (left out of the first);
// one the bureau stops knowing between the list and its detail is left out
// too. It fails with the remote's error or a local store error.
func (s *Syncer) remoteFilings(ctx context.Context) ([]store.RemoteFiling, map[string]int, []string, error) {
	list, err := s.remote.Filings(ctx)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("list filings for resync: %w", err)
	}
	var unknown []string
	heads := make(map[string]int, len(list))
	var out []store.RemoteFiling
	for _, sum := range list {
		heads[sum.ID] = sum.Revision
		f, err := s.local.Get(ctx, sum.ID)
		if app.ErrorCode(err) == app.ENOTFOUND {
			unknown = append(unknown, sum.ID)
			continue
		} else if err != nil {
			return nil, nil, nil, fmt.Errorf("resync: %w", err)
		}
		if f.Status == sum.Status && f.Revision.ID == sum.RevisionID {
			continue
		}
		d, err := s.remote.Filing(ctx, sum.ID)
		if client.ProblemCode(err) == app.ENOTFOUND {
			continue
		} else if err != nil {
			return nil, nil, nil, fmt.Errorf("get filing %s for resync: %w", sum.ID, err)
		}
		out = append(out, store.RemoteFiling{ID: d.ID, Status: d.Status, RevisionID: d.RevisionID,
			Awaiting: d.PendingReceipt != "", History: d.History})
	}
	return out, heads, unknown, nil
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
		return &store.Change{ID: c.ID, Kind: app.MessageDecision, FilingID: c.FilingID, Transition: t, At: c.At}, n, true
	case protocol.ChangeNotice:
		n.Kind, n.Title, n.Text = NotifyNotice, c.NoticeTitle, c.Notice
		return &store.Change{ID: c.ID, Kind: app.MessageNotice, Title: c.NoticeTitle, Body: c.Notice, At: c.At}, n, true
	case protocol.ChangeProfile:
		n.Kind, n.ProfileVersion = NotifyProfile, c.ProfileVersion
		return nil, n, true
	case protocol.ChangeRevision:
		return nil, n, c.FilingID != ""
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
