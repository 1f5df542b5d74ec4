package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/dgraph-io/badger/v4"

	"egovdesk/app"
)

// Restoring from the bureau. A client on a new machine (or whose store was
// deleted) takes over every filing the bureau holds for its unit, a page at
// a time (AdoptPage), and a filing another machine of the unit submitted
// when the change feed tells of it (Adopt). What is taken over looks as it
// did on the machine that filed it: the working copy is the bureau's head
// revision, every received revision is a snapshot with the body as received
// (its SHA-256 the receipt's), the history holds the submissions and the
// decisions with their comments, and each decision is in the inbox, read.
// A filing with local work the bureau has not received — a draft revision,
// a revision in the outbox — keeps its content; only the decisions it lacks
// are added. A revision the bureau refused because another machine revised
// the filing first is kept as a new draft revision (Reconcile).
//
//	meta/restore   RestoreProgress, JSON: where a restore stands
const keyRestore = "meta/restore"

// BureauFiling is one filing as the bureau holds it. Revisions are oldest
// first, each with its body as received, checked by the caller against
// BodyHash.
type BureauFiling struct {
	ID        string
	Kind      app.Kind
	UnitID    string
	ProjectID string
	Status    app.Status
	Created   time.Time
	Updated   time.Time
	History   []app.Transition
	Revisions []BureauRevision
}

// BureauRevision is one revision the bureau received. Awaiting is true while
// the bureau still waits for attachments of it (then it is the head, and
// the filing's status is the one of the revision before).
type BureauRevision struct {
	Revision   app.Revision // SubmittedAt: when the bureau took it as submitted, else ReceivedAt
	Body       []byte
	BodyHash   string
	ReceivedAt time.Time
	Awaiting   bool
}

// RestoreProgress is where a restore from the bureau stands: the bureau's
// cursor of the next page, how many filings it has (Total, as of the last
// page) and how many were taken over so far. Done is set once the last
// page is in.
type RestoreProgress struct {
	Cursor   string `json:"cursor,omitempty"`
	Total    int    `json:"total"`
	Restored int    `json:"restored"`
	Done     bool   `json:"done"`
}

// RestoreState returns where the restore stands and whether one was ever
// started (false for a store that never restored). It fails with a
// wrapped storage error.
func (s *Store) RestoreState(ctx context.Context) (RestoreProgress, bool, error) {
	var p RestoreProgress
	found := false
	err := s.view(ctx, func(txn *badger.Txn) error {
		err := getJSON(txn, keyRestore, &p)
		if errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		}
		found = err == nil
		return err
	})
	if err != nil {
		return p, false, fmt.Errorf("read restore state: %w", err)
	}
	return p, found, nil
}

// StartRestore asks for a restore from the first page, as 文件→从数管局恢复
// does: what the store holds stays, and filings it lacks are added. It
// fails with a wrapped storage error.
func (s *Store) StartRestore(ctx context.Context) error {
	err := s.update(ctx, true, func(txn *badger.Txn) error {
		return putJSON(txn, keyRestore, &RestoreProgress{})
	})
	if err != nil {
		return fmt.Errorf("start restore: %w", err)
	}
	return nil
}

// Empty reports whether the store holds no filing at all (deleted drafts
// count as none). It fails with a wrapped storage error.
func (s *Store) Empty(ctx context.Context) (bool, error) {
	empty := true
	err := s.view(ctx, func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte("s/")})
		defer it.Close()
		it.Rewind()
		empty = !it.Valid()
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("look for filings: %w", err)
	}
	return empty, nil
}

// AdoptPage takes over one page of the bureau's filings and stores p (the
// progress after this page) with them, synced before it returns; when
// feedCursor is not empty and the store has no change cursor yet, it becomes
// the change cursor, so that the decisions the page brings are not pulled
// again as news. A page too large for one Badger transaction is written in
// parts, p and the cursor with the last: a crash in between leaves the old
// progress, and the page is taken over again, which adds nothing twice. It
// returns how many filings it wrote and fails with a wrapped storage error.
//
// With the last page (p.Done), the filings taken over before the
// declaration of their project (a catalogue in an earlier page) get its
// plan year, as Save gives it, so that they are listed under it.
func (s *Store) AdoptPage(ctx context.Context, page []BureauFiling, p RestoreProgress, feedCursor string) (int, error) {
	n, err := s.adoptPage(ctx, page, &p, feedCursor)
	if err == nil && p.Done {
		err = s.fillProjectYears(ctx)
	}
	if err != nil {
		return n, fmt.Errorf("restore %d filings: %w", len(page), err)
	}
	return n, nil
}

// fillProjectYears gives every filing that belongs to a declaration the
// store holds, and lacks its plan year, that year. It reads the summaries,
// and the documents of the filings that are not declarations.
func (s *Store) fillProjectYears(ctx context.Context) error {
	var ids []string
	err := s.view(ctx, func(txn *badger.Txn) error {
		return iterate(txn, "s/", func(k, v []byte) error {
			if app.Kind(peekKind(v)) != app.KindDeclaration {
				ids = append(ids, string(k))
			}
			return nil
		})
	})
	for err == nil && len(ids) > 0 {
		batch := ids[:min(len(ids), fillBatch)]
		ids = ids[len(batch):]
		err = s.updateEach(ctx, true, len(batch), func(txn *badger.Txn, i int) error {
			f, err := readFiling(txn, batch[i])
			if err != nil || f.Declaration != nil || f.ProjectID == "" || f.ProjectYear != 0 {
				return err
			}
			p, err := readSummary(txn, f.ProjectID)
			if err != nil || p == nil || p.Kind != app.KindDeclaration {
				return err
			}
			old, err := readSummary(txn, f.ID)
			if err != nil || old == nil {
				return err
			}
			f.ProjectYear = p.PlanYear
			sum := summaryOf(f, old)
			sum.Listed = old.Listed
			return writeFiling(txn, f, old, &sum)
		})
	}
	if err != nil {
		return fmt.Errorf("fill in project years: %w", err)
	}
	return nil
}

func (s *Store) adoptPage(ctx context.Context, page []BureauFiling, p *RestoreProgress, feedCursor string) (int, error) {
	now := s.now()
	var n int
	err := s.update(ctx, true, func(txn *badger.Txn) error {
		n = 0
		for i := range page {
			wrote, err := adoptFiling(txn, &page[i], now)
			if err != nil {
				return fmt.Errorf("filing %s: %w", page[i].ID, err)
			}
			if wrote {
				n++
			}
		}
		if p == nil {
			return nil
		}
		if feedCursor != "" {
			if _, err := txn.Get([]byte(keyCursor)); errors.Is(err, badger.ErrKeyNotFound) {
				if err := txn.Set([]byte(keyCursor), []byte(feedCursor)); err != nil {
					return err
				}
			} else if err != nil {
				return err
			}
		}
		return putJSON(txn, keyRestore, p)
	})
	if errors.Is(err, badger.ErrTxnTooBig) && len(page) > 1 {
		half := len(page) / 2
		a, err := s.adoptPage(ctx, page[:half], nil, "")
		if err != nil {
			return a, err
		}
		b, err := s.adoptPage(ctx, page[half:], p, feedCursor)
		return a + b, err
	}
	return n, err
}

// Adopt takes over one filing the bureau holds, as AdoptPage does, without
// touching the restore's progress: the path of a filing another machine of
// the unit submitted. It reports whether it wrote the filing's content (false
// when the store has local work on it, or has it already) and fails with a
// wrapped storage error.
func (s *Store) Adopt(ctx context.Context, f BureauFiling) (bool, error) {
	var wrote bool
	err := s.update(ctx, true, func(txn *badger.Txn) error {
		var err error
		wrote, err = adoptFiling(txn, &f, s.now())
		return err
	})
	if err != nil {
		return false, fmt.Errorf("adopt filing %s: %w", f.ID, err)
	}
	return wrote, nil
}

// adoptFiling takes bf over in txn and reports whether it wrote its
// content. A filing the store lacks is written whole. One whose current
// revision is submitted and delivered, and older than the bureau's head,
// takes the bureau's content, revisions and history. Otherwise (the same
// head, a newer local revision, a draft revision, a revision in the outbox)
// the local content stays and the bureau's state and decisions are merged
// as after a reset (resyncFiling).
func adoptFiling(txn *badger.Txn, bf *BureauFiling, now time.Time) (bool, error) {
	if len(bf.Revisions) == 0 {
		return false, nil // nothing received: nothing to show
	}
	head := bf.Revisions[len(bf.Revisions)-1]
	f, err := readFiling(txn, bf.ID)
	if app.ErrorCode(err) == app.ENOTFOUND {
		return true, writeAdopted(txn, bf, nil, nil, now)
	} else if err != nil {
		return false, err
	}
	old, err := readSummary(txn, bf.ID)
	if err != nil || old == nil {
		return false, err
	}
	if f.Revision.Submitted() && !mayHaveReceipt(old) && f.Revision.Number < head.Revision.Number {
		return true, writeAdopted(txn, bf, f, old, now)
	}
	if f.Revision.ID == head.Revision.ID {
		// The same head: add the snapshots of revisions the store lacks.
		for i := range bf.Revisions {
			if err := putSnapshot(txn, bf.ID, &bf.Revisions[i], false); err != nil {
				return false, err
			}
		}
	}
	var added []app.Message
	r := RemoteFiling{ID: bf.ID, Status: bf.Status, RevisionID: head.Revision.ID, Awaiting: head.Awaiting, History: bf.History}
	return false, resyncFiling(txn, &r, now, &added)
}

// putSnapshot writes the snapshot of revision r of filing id, or, unless
// replace, leaves a snapshot the store has under its number.
func putSnapshot(txn *badger.Txn, id string, r *BureauRevision, replace bool) error {
	k := revisionKey(id, r.Revision.Number)
	if !replace {
		if _, err := txn.Get([]byte(k)); err == nil {
			return nil
		} else if !errors.Is(err, badger.ErrKeyNotFound) {
			return err
		}
	}
	return putJSON(txn, k, &RevisionSnapshot{FilingID: id, Revision: r.Revision, Body: r.Body, BodyHash: r.BodyHash})
}

// writeAdopted writes bf as the filing: the snapshots of its revisions, the
// head's body as the working copy, the bureau's status and history, the
// summary marked delivered (unless the head awaits attachments), and each
// decision in the inbox, read. f and old are what the store held (nil for
// a new filing).
func writeAdopted(txn *badger.Txn, bf *BureauFiling, f *app.Filing, old *Summary, now time.Time) error {
	for i := range bf.Revisions {
		if err := putSnapshot(txn, bf.ID, &bf.Revisions[i], true); err != nil {
			return err
		}
	}
	head := bf.Revisions[len(bf.Revisions)-1]
	nf, err := adoptedFiling(bf, head)
	if err != nil {
		return err
	}
	if f != nil && f.Unparsed != nil && f.Revision.ID == nf.Revision.ID {
		nf.Unparsed = f.Unparsed
	}
	if nf.Declaration == nil && nf.ProjectID != "" {
		p, err := readSummary(txn, nf.ProjectID)
		if err != nil {
			return err
		}
		if p != nil && p.Kind == app.KindDeclaration {
			nf.ProjectYear = p.PlanYear
		}
	}
	sum := summaryOf(nf, old)
	if !head.Awaiting {
		sum.Send, sum.ReceiptID, sum.ReceiptAt = app.Send{State: app.SendSent}, head.Revision.ID+"/"+head.BodyHash, head.ReceivedAt
	}
	for _, t := range nf.History {
		if t.Action == app.ActionSubmit {
			continue
		}
		e := decisionEntry(nf, t)
		if e.At.IsZero() {
			e.At = now
		}
		if seen, err := entered(txn, e.ID); err != nil {
			return err
		} else if seen {
			continue
		}
		e.Read = true
		k := "i/" + desc(e.At) + "/" + e.ID
		if err := putJSON(txn, k, &e); err != nil {
			return err
		}
		if err := txn.Set([]byte("ii/"+e.ID), []byte(k)); err != nil {
			return err
		}
	}
	return writeFiling(txn, nf, old, &sum)
}

// adoptedFiling returns the filing bf is, its working copy the body of
// head. It fails with an EINVALID *app.Error for a body that does not
// decode.
func adoptedFiling(bf *BureauFiling, head BureauRevision) (*app.Filing, error) {
	b, err := app.DecodeBody(head.Body)
	if err != nil {
		return nil, err
	}
	if b.ID != bf.ID || b.RevisionID != head.Revision.ID {
		return nil, app.Errorf(app.EINVALID, "数管局返回的第 %d 版内容与材料编号不符", head.Revision.Number)
	}
	f := &app.Filing{ID: bf.ID, Kind: b.Kind, UnitID: bf.UnitID, ProjectID: b.ProjectID, Status: bf.Status,
		Revision: head.Revision, Created: bf.Created, Updated: bf.Updated, Attachments: b.Attachments,
		History: append([]app.Transition(nil), bf.History...)}
	f.SetContent(&b)
	return f, nil
}

// Reconcile settles a revision the bureau refused because the filing moved
// on meanwhile (another machine of the unit submitted a revision of it
// first: stale_base, or the same revision ID with another body): it drops
// outbox item seq, takes the bureau's revisions, status and history over,
// and keeps the refused text as a new draft revision newRevisionID that
// builds on the bureau's head, so that nothing typed is lost and the clerk
// can reconcile the two. An unread inbox entry says what happened. All in
// one synced transaction. It returns that entry, and fails with an
// ENOTFOUND *app.Error when the item is gone, and a wrapped storage error.
func (s *Store) Reconcile(ctx context.Context, seq uint64, bf BureauFiling, newRevisionID string) (app.Message, error) {
	var msg app.Message
	now := s.now()
	err := s.update(ctx, true, func(txn *badger.Txn) error {
		var item OutboxItem
		if err := getJSON(txn, outboxKey(seq), &item); errors.Is(err, badger.ErrKeyNotFound) {
			return notQueued(seq)
		} else if err != nil {
			return err
		}
		if item.FilingID != bf.ID || len(bf.Revisions) == 0 {
			return app.Errorf(app.EINVALID, "待发送的第 %d 项不是这份材料", seq)
		}
		mine, err := readFiling(txn, bf.ID)
		if err != nil {
			return err
		}
		old, err := readSummary(txn, bf.ID)
		if err != nil {
			return err
		}
		for _, k := range []string{outboxKey(seq), outboxBodyKey(seq), "of/" + outboxKey(seq)[2:]} {
			if err := txn.Delete([]byte(k)); err != nil {
				return err
			}
		}
		head := bf.Revisions[len(bf.Revisions)-1]
		if item.RevisionNumber > head.Revision.Number {
			// The refused revision's snapshot: it was never received.
			if err := txn.Delete([]byte(revisionKey(bf.ID, item.RevisionNumber))); err != nil {
				return err
			}
		}
		if err := writeAdopted(txn, &bf, nil, old, now); err != nil {
			return err
		}
		theirs, err := readFiling(txn, bf.ID)
		if err != nil {
			return err
		}
		draft := *mine
		draft.Status, draft.History, draft.Created = theirs.Status, theirs.History, theirs.Created
		draft.Revision = app.Revision{ID: newRevisionID, Number: head.Revision.Number + 1, BaseID: head.Revision.ID}
		draft.Updated = now
		ns := summaryOf(&draft, nil)
		ns.Unread = 1
		if cur, err := readSummary(txn, bf.ID); err != nil {
			return err
		} else if cur != nil {
			ns.Unread += cur.Unread
		}
		title := draft.Title()
		if title == "" {
			title = "材料"
		} else {
			title = "《" + title + "》"
		}
		msg = app.Message{ID: fmt.Sprintf("reconcile-%s-%s", bf.ID, item.RevisionID), Kind: app.MessageNotice,
			FilingID: bf.ID, FilingTitle: draft.Title(), At: now,
			Title: fmt.Sprintf("%s已在另一台电脑上提交了第 %d 版", title, head.Revision.Number),
			Body: fmt.Sprintf("本机的第 %d 版未被数管局接收：这份材料已在本单位的另一台电脑上修改并提交（数管局现为第 %d 版，%s）。"+
				"本机修改的内容没有丢失，已保存为第 %d 版草稿；请对照数管局的第 %d 版核对合并，材料退回修改后即可提交。",
				item.RevisionNumber, head.Revision.Number, theirs.Status.Label(), draft.Revision.Number, head.Revision.Number)}
		if err := putEntry(txn, &msg); err != nil {
			return err
		}
		cur, err := readSummary(txn, bf.ID)
		if err != nil {
			return err
		}
		if err := markWaitingDraft(txn, &draft); err != nil { // draftrevision.go
			return err
		}
		return writeFiling(txn, &draft, cur, &ns)
	})
	if err != nil {
		return app.Message{}, fmt.Errorf("reconcile filing %s: %w", bf.ID, err)
	}
	return msg, nil
}

// movesStatus reports whether decision t sets f's status: a decision about
// f's current revision, or one about the revision a draft revision builds
// on while that revision is under review — a draft Reconcile kept, on top
// of another machine's revision, which the bureau has yet to return. A
// draft revising a returned revision keeps its status: a late decision
// about the returned one does not overwrite unsent edits.
func movesStatus(f *app.Filing, t app.Transition) bool {
	if !t.To.Valid() {
		return false
	}
	if t.RevisionID == f.Revision.ID {
		return true
	}
	return !f.Revision.Submitted() && f.Revision.BaseID != "" && t.RevisionID == f.Revision.BaseID && !f.Status.Editable()
}
