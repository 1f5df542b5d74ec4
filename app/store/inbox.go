package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"

	"egovdesk/app"
)

// Change is one change pulled from the bureau.
type Change struct {
	// ID is the bureau's ID of the change, if it has one. When empty, an ID is
	// derived from the content, so applying the same change twice is harmless.
	ID   string
	Kind app.MessageKind

	// decision
	FilingID   string
	Transition app.Transition

	// notice
	Title string
	Body  string
	At    time.Time

	// own marks the unit's act recorded from the bureau's answer on this
	// computer (RecordOwn): entered read, and not again from the feed.
	own bool
}

// entryID returns the deterministic inbox entry ID of c.
func (c *Change) entryID() string {
	h := sha256.New()
	if c.ID != "" {
		h.Write([]byte("id\x00" + c.ID))
	} else {
		t := c.Transition
		fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00%s\x00%d\x00%s\x00%s\x00%s\x00%s\x00%d",
			c.Kind, c.FilingID, t.RevisionID, t.Action, t.Actor, t.At.UnixNano(), t.Comment,
			c.Title, c.Body, t.To, c.At.UnixNano())
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// ApplyChanges applies changes pulled from the bureau together with the new
// cursor in one transaction, synced to disk before it returns. A decision
// about the filing's current revision sets its status and is added to its
// history; a decision about an older revision is only added to the history,
// so it never overwrites unsent edits of a newer revision. Every change adds
// an inbox entry whose ID is derived from the change, so replaying changes
// adds no duplicate entries and no duplicate history. A decision about a
// filing this store does not hold still lands in the inbox. A decision that
// Resync has already entered (by content) is not entered again. It fails with a
// wrapped storage error (badger.ErrTxnTooBig only when a single change is too
// large for a transaction).
//
// A page too large for one Badger transaction (many decisions on large
// filings) is applied in parts: the earlier parts without the cursor, the
// last part with it. The cursor therefore never runs ahead of what is
// applied, and a crash between parts only means the page is pulled and
// replayed again, which is harmless because applying is idempotent.
func (s *Store) ApplyChanges(ctx context.Context, cursor string, changes []Change) error {
	if err := s.applyChanges(ctx, cursor, changes, true); err != nil {
		return fmt.Errorf("apply %d changes: %w", len(changes), err)
	}
	return nil
}

func (s *Store) applyChanges(ctx context.Context, cursor string, changes []Change, last bool) error {
	now := s.now()
	err := s.update(ctx, true, func(txn *badger.Txn) error {
		for i := range changes {
			if err := applyChange(txn, &changes[i], now); err != nil {
				return err
			}
		}
		if !last {
			return nil
		}
		return txn.Set([]byte(keyCursor), []byte(cursor))
	})
	if errors.Is(err, badger.ErrTxnTooBig) && len(changes) > 1 {
		half := len(changes) / 2
		if err := s.applyChanges(ctx, cursor, changes[:half], false); err != nil {
			return err
		}
		return s.applyChanges(ctx, cursor, changes[half:], last)
	}
	return err
}

func applyChange(txn *badger.Txn, c *Change, now time.Time) error {
	e := app.Message{ID: c.entryID(), Kind: c.Kind, Title: c.Title, Body: c.Body, At: c.At}
	if seen, err := entered(txn, e.ID); err != nil || seen {
		return err // applied before when seen
	}
	if c.Kind == app.MessageDecision && c.ID != "" {
		// A resync may have entered the decision by content already.
		if seen, err := entered(txn, decisionEntryID(c.FilingID, c.Transition)); err != nil || seen {
			return err
		}
	}
	if c.Kind == app.MessageDecision {
		t := c.Transition
		e.FilingID, e.Decision = c.FilingID, &t
		if e.At.IsZero() {
			e.At = t.At
		}
		if e.Body == "" {
			e.Body = t.Comment
		}
		// What the clerk did here is entered read: nobody needs telling.
		// The unit's act done elsewhere (another computer, or here with
		// the answer lost) comes from the feed as news.
		e.Read = c.own
		f, err := readFiling(txn, c.FilingID)
		switch {
		case app.ErrorCode(err) == app.ENOTFOUND:
		case err != nil:
			return err
		default:
			e.FilingTitle, e.FilingKind = f.Title(), f.Kind
			e.Stale = t.RevisionID != f.Revision.ID
			if c.own && hasTransition(f.History, t) {
				// Pulled from the feed before the bureau's answer came:
				// the entry is there, news to nobody now.
				return markOwnRead(txn, f.ID, t)
			}
			if err := applyDecision(txn, f, t, now, !e.Read); err != nil {
				return err
			}
		}
		if e.Title == "" {
			e.Title = decisionTitle(e.FilingTitle, &t)
		}
	}
	if e.At.IsZero() {
		e.At = now
	}
	return putEntry(txn, &e)
}

// applyDecision records t in f's history (once) and, when it is about the
// current revision, moves f to t.To. The filing's unread count goes up
// when unread.
func applyDecision(txn *badger.Txn, f *app.Filing, t app.Transition, now time.Time, unread bool) error {
	old, err := readSummary(txn, f.ID)
	if err != nil {
		return err
	}
	if !hasTransition(f.History, t) {
		f.History = append(f.History, t)
		if movesStatus(f, t) {
			f.Status = t.To
			f.Updated = now
		}
	}
	ns := summaryOf(f, old)
	if unread {
		ns.Unread++
	}
	return writeFiling(txn, f, old, &ns)
}

// RecordOwn records a transition the unit made at the bureau from this
// computer (a withdrawal), as the bureau answered it, before the change
// feed brings it: the filing moves as the feed's copy would move it, and
// the inbox keeps it, read; the feed's copy is not entered again. When the
// feed brought it first, its entry is marked read. It fails with a wrapped
// storage error.
func (s *Store) RecordOwn(ctx context.Context, filingID string, t app.Transition) error {
	c := Change{Kind: app.MessageDecision, FilingID: filingID, Transition: t, At: t.At, own: true}
	if err := s.applyChanges(ctx, "", []Change{c}, false); err != nil {
		return fmt.Errorf("record %s of %s: %w", t.Action, filingID, err)
	}
	return nil
}

func decisionTitle(filing string, t *app.Transition) string {
	if filing == "" {
		filing = "材料"
	} else {
		filing = "《" + filing + "》"
	}
	return fmt.Sprintf("%s第 %d 版：%s", filing, t.RevisionNumber, t.Action.Label())
}

// Inbox returns the inbox entries, newest first. It fails with a wrapped
// storage error.
func (s *Store) Inbox(ctx context.Context) ([]app.Message, error) {
	var out []app.Message
	err := s.view(ctx, func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte("i/"), PrefetchValues: true})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			var e app.Message
			if err := it.Item().Value(func(v []byte) error { return json.Unmarshal(v, &e) }); err != nil {
				return fmt.Errorf("inbox entry %s: %w", it.Item().Key(), err)
			}
			out = append(out, e)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read inbox: %w", err)
	}
	return out, nil
}

// markOwnRead marks read the inbox entries of filing fid's transition t
// (the feed's copy of what RecordOwn records), found by their time.
func markOwnRead(txn *badger.Txn, fid string, t app.Transition) error {
	prefix := []byte("i/" + desc(t.At) + "/")
	it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix, PrefetchValues: true})
	var ids []string
	for it.Rewind(); it.Valid(); it.Next() {
		var e app.Message
		if err := it.Item().Value(func(v []byte) error { return json.Unmarshal(v, &e) }); err != nil {
			it.Close()
			return err
		}
		if e.FilingID == fid && e.Decision != nil && !e.Read && e.Decision.RevisionID == t.RevisionID &&
			e.Decision.Action == t.Action && e.Decision.At.Equal(t.At) {
			ids = append(ids, e.ID)
		}
	}
	it.Close()
	for _, id := range ids {
		if err := markRead(txn, id); err != nil {
			return err
		}
	}
	return nil
}

// MarkRead marks inbox entry id as read and lowers its filing's unread count.
// Marking a read entry again does nothing. It fails with an ENOTFOUND
// *app.Error for an unknown entry and a wrapped error otherwise.
func (s *Store) MarkRead(ctx context.Context, id string) error {
	err := s.update(ctx, false, func(txn *badger.Txn) error { return markRead(txn, id) })
	if err != nil {
		return fmt.Errorf("mark inbox entry %s read: %w", id, err)
	}
	return nil
}

// MarkAllRead marks read every unread inbox entry, or only the decisions
// on filing filingID when it is not "" (what its 进度与批复 shows; a note
// about it, as 材料已重新发送, stays unread), and returns how many it marked. A clerk
// whose project went through 受理, 初审, three departments' 联审 and 批复
// had six unread entries of it, and 21 in all, to open one by one (a 霍邱
// walkthrough). It fails with a wrapped storage error; entries marked
// before the failure stay marked.
func (s *Store) MarkAllRead(ctx context.Context, filingID string) (int, error) {
	var ids []string
	err := s.view(ctx, func(txn *badger.Txn) error {
		ids = ids[:0]
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte("iu/"), PrefetchValues: filingID != ""})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			id := strings.TrimPrefix(string(it.Item().Key()), "iu/")
			if filingID != "" {
				v, err := it.Item().ValueCopy(nil)
				if err != nil {
					return err
				}
				if string(v) != filingID {
					continue
				}
				key, err := getValue(txn, "ii/"+id)
				if err != nil {
					return err
				}
				var e app.Message
				if err := getJSON(txn, string(key), &e); err != nil {
					return err
				}
				if e.Decision == nil {
					continue
				}
			}
			ids = append(ids, id)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("list unread: %w", err)
	}
	const batch = 200 // entries a transaction: each rewrites its filing's summary
	for i := 0; i < len(ids); i += batch {
		part := ids[i:min(i+batch, len(ids))]
		err := s.update(ctx, false, func(txn *badger.Txn) error {
			for _, id := range part {
				if err := markRead(txn, id); err != nil && app.ErrorCode(err) != app.ENOTFOUND {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return i, fmt.Errorf("mark inbox read: %w", err)
		}
	}
	return len(ids), nil
}

// markRead is MarkRead in txn.
func markRead(txn *badger.Txn, id string) error {
	key, err := getValue(txn, "ii/"+id)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return app.Errorf(app.ENOTFOUND, "找不到这条消息")
	} else if err != nil {
		return err
	}
	filingID, err := getValue(txn, "iu/"+id)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	var e app.Message
	if err := getJSON(txn, string(key), &e); err != nil {
		return err
	}
	e.Read = true
	if err := putJSON(txn, string(key), &e); err != nil {
		return err
	}
	if err := txn.Delete([]byte("iu/" + id)); err != nil {
		return err
	}
	if len(filingID) == 0 {
		return nil
	}
	old, err := readSummary(txn, string(filingID))
	if err != nil || old == nil || old.Unread == 0 {
		return err
	}
	ns := *old
	ns.Unread--
	return writeSummary(txn, old, &ns)
}

// UnreadCount returns the number of unread inbox entries, counting keys only.
// It fails with a wrapped storage error.
func (s *Store) UnreadCount(ctx context.Context) (int, error) {
	var n int
	err := s.view(ctx, func(txn *badger.Txn) error {
		n = countKeys(txn, "iu/")
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("count unread: %w", err)
	}
	return n, nil
}

// Cursor returns the sync cursor stored by the last ApplyChanges, "" before
// the first pull. It fails with a wrapped storage error.
func (s *Store) Cursor(ctx context.Context) (string, error) {
	var c string
	err := s.view(ctx, func(txn *badger.Txn) error {
		b, err := getValue(txn, keyCursor)
		if errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		}
		c = string(b)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("read cursor: %w", err)
	}
	return c, nil
}

// LastSync returns when the syncer last pushed and pulled without error, as
// SetLastSync recorded it: the status bar's 上次同步 after a restart, before
// the first pass of the new run. It is the zero time before the first.
func (s *Store) LastSync(ctx context.Context) (time.Time, error) {
	var t time.Time
	err := s.view(ctx, func(txn *badger.Txn) error {
		b, err := getValue(txn, keyLastSync)
		if errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		return t.UnmarshalText(b)
	})
	if err != nil {
		return time.Time{}, fmt.Errorf("read last sync: %w", err)
	}
	return t, nil
}

// SetLastSync records t as the end of the last successful pass. The write is
// not synced on its own (a lost one shows an older time), and it does not
// wake the store's subscribers: nothing they show has changed.
func (s *Store) SetLastSync(ctx context.Context, t time.Time) error {
	if err := s.enter(); err != nil {
		return err
	}
	defer s.mu.RUnlock()
	if err := s.guardDisk(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	b, err := t.UTC().MarshalText()
	if err != nil {
		return err
	}
	if err := s.db.Update(func(txn *badger.Txn) error { return txn.Set([]byte(keyLastSync), b) }); err != nil {
		return fmt.Errorf("record last sync: %w", err)
	}
	s.dirty.Store(true)
	return nil
}
