package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/dgraph-io/badger/v4"

	"egovdesk/app"
)

// RemoteFiling is one filing as the bureau holds it (GET /filings/{id}): the
// workflow state the store re-synchronises from after the bureau reset the
// change cursor.
type RemoteFiling struct {
	ID         string
	Status     app.Status
	RevisionID string // the bureau's head revision
	// Awaiting is true while the bureau still waits for attachments of its
	// head revision: it has not received that revision yet, so its status is
	// the one of the revision before.
	Awaiting bool
	History  []app.Transition
}

// Resync re-synchronises the workflow state from the bureau after it
// answered "reset" (the change feed no longer reaches back to the stored
// cursor), and stores cursor last. For each filing in remote that the store
// holds:
//
//   - when the bureau's head revision is the local current revision and the
//     store submitted it (so there are no unsent edits of a newer revision),
//     the filing takes the bureau's status and history;
//   - otherwise only the decisions the local history lacks are added to it,
//     and one about the local current revision sets the status, exactly as
//     ApplyChanges does for a pulled decision.
//
// Every decision the local history lacked gets an inbox entry whose ID is
// derived from the decision as ApplyChanges derives it, so a replay adds
// nothing, and the same decision arriving later through the feed is not
// entered twice. Filings the store does not hold are skipped; filings not
// in remote (drafts, revisions still in the outbox) are untouched. It
// returns the inbox entries added, oldest decision first per filing.
//
// Like ApplyChanges it runs in one synced transaction, or, when that is too
// large for Badger, in parts with the cursor in the last; a crash between
// parts leaves the old cursor, and the next pull resets and resyncs again,
// which adds nothing twice. It fails with a wrapped storage error.
func (s *Store) Resync(ctx context.Context, cursor string, remote []RemoteFiling) ([]app.Message, error) {
	var added []app.Message
	if err := s.resync(ctx, cursor, remote, true, &added); err != nil {
		return added, fmt.Errorf("resync %d filings: %w", len(remote), err)
	}
	return added, nil
}

func (s *Store) resync(ctx context.Context, cursor string, remote []RemoteFiling, last bool, added *[]app.Message) error {
	now := s.now()
	var part []app.Message
	err := s.update(ctx, true, func(txn *badger.Txn) error {
		part = part[:0]
		for i := range remote {
			if err := resyncFiling(txn, &remote[i], now, &part); err != nil {
				return fmt.Errorf("filing %s: %w", remote[i].ID, err)
			}
		}
		if !last {
			return nil
		}
		return txn.Set([]byte(keyCursor), []byte(cursor))
	})
	if errors.Is(err, badger.ErrTxnTooBig) && len(remote) > 1 {
		half := len(remote) / 2
		if err := s.resync(ctx, cursor, remote[:half], false, added); err != nil {
			return err
		}
		return s.resync(ctx, cursor, remote[half:], last, added)
	}
	if err == nil {
		*added = append(*added, part...)
	}
	return err
}

// resyncFiling applies r to the stored filing in txn; see Resync.
func resyncFiling(txn *badger.Txn, r *RemoteFiling, now time.Time, added *[]app.Message) error {
	f, err := readFiling(txn, r.ID)
	if app.ErrorCode(err) == app.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	old, err := readSummary(txn, r.ID)
	if err != nil {
		return err
	}
	var missed []app.Transition
	for _, t := range r.History {
		if t.Action != app.ActionSubmit && !hasTransition(f.History, t) {
			missed = append(missed, t)
		}
	}
	// A bureau that received the revision has at least its submission in
	// the history; an answer without one never wipes the local history.
	authoritative := !r.Awaiting && r.RevisionID == f.Revision.ID && f.Revision.Submitted() &&
		r.Status.Valid() && len(r.History) > 0
	switch {
	case authoritative:
		if f.Status == r.Status && sameHistory(f.History, r.History) {
			return nil
		}
		f.History = append([]app.Transition(nil), r.History...)
		if f.Status != r.Status {
			f.Status = r.Status
			f.Updated = now
		}
	case len(missed) == 0:
		return nil
	default:
		for _, t := range missed {
			f.History = append(f.History, t)
			if movesStatus(f, t) {
				f.Status = t.To
				f.Updated = now
			}
		}
	}
	ns := summaryOf(f, old)
	for _, t := range missed {
		e := decisionEntry(f, t)
		if e.At.IsZero() {
			e.At = now
		}
		if seen, err := entered(txn, e.ID); err != nil {
			return err
		} else if seen {
			continue
		}
		if err := putEntry(txn, &e); err != nil {
			return err
		}
		ns.Unread++
		*added = append(*added, e)
	}
	return writeFiling(txn, f, old, &ns)
}

// decisionEntry returns the inbox entry of decision t on f that Resync
// writes. Its ID is the one ApplyChanges derives for the decision as a
// change without bureau ID (see decisionEntryID).
func decisionEntry(f *app.Filing, t app.Transition) app.Message {
	e := app.Message{ID: decisionEntryID(f.ID, t), Kind: app.MessageDecision, FilingID: f.ID, FilingTitle: f.Title(), FilingKind: f.Kind,
		Decision: &t, Stale: t.RevisionID != f.Revision.ID, Body: t.Comment, At: t.At}
	e.Title = decisionTitle(e.FilingTitle, &t)
	return e
}

// decisionEntryID returns the inbox entry ID of decision t on filing
// filingID when it is known by content only, as after a resync.
func decisionEntryID(filingID string, t app.Transition) string {
	c := Change{Kind: app.MessageDecision, FilingID: filingID, Transition: t, At: t.At}
	return c.entryID()
}

// entered reports whether the inbox holds an entry with ID id.
func entered(txn *badger.Txn, id string) (bool, error) {
	_, err := txn.Get([]byte("ii/" + id))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return false, nil
	}
	return err == nil, err
}

// putEntry writes inbox entry e, unread unless e.Read, with its lookup keys.
func putEntry(txn *badger.Txn, e *app.Message) error {
	key := "i/" + desc(e.At) + "/" + e.ID
	if err := putJSON(txn, key, e); err != nil {
		return err
	}
	if err := txn.Set([]byte("ii/"+e.ID), []byte(key)); err != nil {
		return err
	}
	if e.Read {
		return nil
	}
	return txn.Set([]byte("iu/"+e.ID), []byte(e.FilingID))
}

// hasTransition reports whether h records t: the same revision, action and
// time. ApplyChanges and Resync both decide by it.
func hasTransition(h []app.Transition, t app.Transition) bool {
	for _, x := range h {
		if x.RevisionID == t.RevisionID && x.Action == t.Action && x.At.Equal(t.At) {
			return true
		}
	}
	return false
}

// sameHistory reports whether a and b record the same transitions in order.
func sameHistory(a, b []app.Transition) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].RevisionID != b[i].RevisionID || a[i].Action != b[i].Action || !a[i].At.Equal(b[i].At) ||
			a[i].Comment != b[i].Comment || a[i].To != b[i].To {
			return false
		}
	}
	return true
}
