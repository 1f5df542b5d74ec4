package badgerstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/dgraph-io/badger/v4"

	"egovdesk/app"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server/bureaustore"
)

// Submit applies subs in order in one transaction through the group
// commit: the transaction may also hold other requests' writes, and Submit
// returns once it is synced. A submission refused leaves no write behind:
// each one's writes are staged and reach the transaction only once it has
// gone through. When the transaction grows too big for Badger, the batch
// is split in halves, each committed on its own. It fails only with a
// storage error; then nothing of the failing part is stored. Every
// revision received adds its ChangeRevision to the unit's feed in the same
// commit (settle), and Submit wakes the unit's feed when one did.
func (s *Store) Submit(ctx context.Context, by bureaustore.Actor, now time.Time, subs []*bureaustore.Submission) ([]bureaustore.SubmitResult, error) {
	out := make([]bureaustore.SubmitResult, len(subs))
	grew, err := s.applyBatch(ctx, by, subs, out, now)
	if grew {
		s.notify(by.UnitID) // a failing half may follow a committed one
	}
	if err != nil {
		return nil, fmt.Errorf("submit %d: %w", len(subs), err)
	}
	return out, nil
}

// applyBatch commits subs and reports whether the unit's feed grew in
// what it committed.
func (s *Store) applyBatch(ctx context.Context, by bureaustore.Actor, subs []*bureaustore.Submission, out []bureaustore.SubmitResult, now time.Time) (grew bool, err error) {
	err = s.commit(ctx, func(txn *badger.Txn) error {
		grew = false // fn may run again; only its last run counts
		head, err := getUint(txn, key("cs", by.UnitID))
		if err != nil {
			return err
		}
		var st stage
		for i, sub := range subs {
			if sub == nil {
				continue
			}
			st.reset()
			rc, created, err := s.apply(txn, &st, by, *sub, now)
			if err != nil {
				if !isRefusal(err) {
					return err
				}
				out[i] = bureaustore.SubmitResult{Err: err}
				continue
			}
			if err := st.flush(txn, s.txnIndex(txn)); err != nil {
				return err
			}
			out[i] = bureaustore.SubmitResult{Receipt: rc, Created: created}
		}
		after, err := getUint(txn, key("cs", by.UnitID))
		grew = after != head
		return err
	})
	if err != nil {
		grew = false
	}
	if errors.Is(err, badger.ErrTxnTooBig) && len(subs) > 1 {
		mid := len(subs) / 2
		g1, err := s.applyBatch(ctx, by, subs[:mid], out[:mid], now)
		if err != nil {
			return g1, err
		}
		g2, err := s.applyBatch(ctx, by, subs[mid:], out[mid:], now)
		return g1 || g2, err
	}
	return grew, err
}

// isRefusal reports whether err is the bureau's answer about a submission
// (a problem or an *app.Error with a code the client sees) rather than a
// fault of the store.
func isRefusal(err error) bool {
	var p *protocol.Problem
	return errors.As(err, &p) || app.ErrorCode(err) != app.EINTERNAL
}

// apply stores a new revision or answers a resent one, reading from txn and
// writing through w, the stage of applyBatch that keeps the writes until it
// knows the submission went through. Every refusal is decided before the
// first write. It returns the receipt and whether the revision is new, or
// the refusal, or a storage error.
func (s *Store) apply(txn *badger.Txn, w writer, by bureaustore.Actor, sub bureaustore.Submission, now time.Time) (protocol.Receipt, bool, error) {
	req, body := sub.Request, sub.Body
	// A revision record is only ever written with its filing's record, and
	// filing records are never deleted: when there is no filing record,
	// this is a new filing and the revision is not looked up (one read of
	// the store less for each new filing).
	fitem, err := txn.Get(key("f", body.ID))
	if errors.Is(err, badger.ErrKeyNotFound) {
		fitem, err = nil, nil
	}
	if err != nil {
		return protocol.Receipt{}, false, err
	}
	var rev bureaustore.Revision
	err = badger.ErrKeyNotFound
	if fitem != nil {
		err = getJSON(txn, key("r", body.ID, body.RevisionID), &rev)
	}
	switch {
	case err == nil:
		if rev.UnitID != by.UnitID {
			return protocol.Receipt{}, false, bureaustore.NotFound()
		}
		if rev.Receipt.BodySHA256 != req.BodySHA256 {
			return protocol.Receipt{}, false, bureaustore.RevisionConflict(rev)
		}
		if rev, err = s.refresh(txn, w, body.ID, body.RevisionID, now); err != nil {
			return protocol.Receipt{}, false, err
		}
		return rev.Receipt, false, nil
	case !errors.Is(err, badger.ErrKeyNotFound):
		return protocol.Receipt{}, false, err
	}
	if sub.Invalid != nil {
		return protocol.Receipt{}, false, sub.Invalid
	}
	if err := projectRule(txn, by.UnitID, sub); err != nil {
		return protocol.Receipt{}, false, err
	}
	var cur *bureaustore.Filing
	if fitem != nil {
		cur = new(bureaustore.Filing)
		if err := decodeItem(fitem, cur); err != nil {
			return protocol.Receipt{}, false, err
		}
	}
	fr, err := bureaustore.Advance(cur, by, req, body, now)
	if err != nil {
		return protocol.Receipt{}, false, err
	}
	oldProject := ""
	if cur != nil {
		oldProject = cur.Filing.ProjectID
	}
	fr, rev = bureaustore.NewRevision(fr, by, req, body, sub.ProjectYear, now)
	if err := s.settle(txn, w, &fr, &rev, now, &body, true); err != nil {
		return protocol.Receipt{}, false, err
	}
	named := func(p string) string { // a project other than the filing itself
		if p == body.ID {
			return ""
		}
		return p
	}
	if err := indexProject(w, by.UnitID, body.ID, named(oldProject), named(fr.Filing.ProjectID)); err != nil {
		return protocol.Receipt{}, false, err
	}
	if body.Declaration != nil {
		if err := s.indexSimilar(txn, w, body.ID, body.Declaration, sub.DeclarationPrint()); err != nil {
			return protocol.Receipt{}, false, err
		}
	}
	// The body as received (its hash checked): never decoded again to be stored.
	if err := w.Set(key("rb", body.ID, body.RevisionID), req.Body); err != nil {
		return protocol.Receipt{}, false, err
	}
	if err := w.Set(codeKey(body.ID, body.RevisionID, body.Revision, req.BodySHA256), nil); err != nil {
		return protocol.Receipt{}, false, err
	}
	if fitem == nil { // the unit's list of filings: written with the first revision, never changed
		if err := w.Set(key("fu", by.UnitID, body.ID), nil); err != nil {
			return protocol.Receipt{}, false, err
		}
	}
	return rev.Receipt, true, nil
}

// settle stores rev and its filing through w: received and queued for
// review when every attachment is complete, with the revision's change in
// the unit's feed (bureaustore.RevisionChange), else waiting for the
// missing ones. It reads from txn and decides everything that can fail
// before it writes. body is the revision's content when the caller has it decoded
// (for the queue index; read from the store when nil).
func (s *Store) settle(txn *badger.Txn, w writer, fr *bureaustore.Filing, rev *bureaustore.Revision, now time.Time, body *app.Body, fresh bool) error {
	missing, unmarked, err := s.attachmentsOf(txn, rev.UnitID, fr.Filing.Attachments, fresh)
	if err != nil {
		return err
	}
	queued, err := bureaustore.Settle(fr, rev, missing, now)
	if err != nil {
		return err
	}
	for sum, up := range unmarked { // a revision names them: never pruned (UnreferencedUploads)
		up.Referenced = true
		if err := setJSON(w, key("up", rev.UnitID, sum), up); err != nil {
			return err
		}
	}
	fid, rid := fr.Filing.ID, fr.Filing.Revision.ID
	if queued {
		if err := appendChange(txn, w, rev.UnitID, bureaustore.RevisionChange(*fr)); err != nil {
			return err
		}
		if err := s.indexQueue(txn, w, *fr, "", body); err != nil {
			return err
		}
	}
	// A revision waits under the attachments it misses only, as
	// PostgreSQL's upload_waits: a key under a complete one would be
	// taken by Maintain for one a stopped completion left (review).
	waits := map[string]bool{}
	for _, a := range missing {
		waits[a.SHA256] = true
	}
	for _, a := range fr.Filing.Attachments {
		k := key("w", rev.UnitID, a.SHA256, fid, rid)
		var err error
		if waits[a.SHA256] {
			err = w.Set(k, nil)
		} else {
			err = w.Delete(k)
		}
		if err != nil {
			return err
		}
	}
	if err := setJSON(w, key("f", fid), fr); err != nil {
		return err
	}
	return setJSON(w, key("r", fid, rid), rev)
}

// refresh settles a revision that was waiting for attachments, if it is
// still the head, writing through w, and returns its record.
func (s *Store) refresh(txn *badger.Txn, w writer, fid, rid string, now time.Time) (bureaustore.Revision, error) {
	var rev bureaustore.Revision
	if err := getJSON(txn, key("r", fid, rid), &rev); err != nil {
		return rev, err
	}
	if rev.Receipt.Status != protocol.ReceiptAwaitingAttachments {
		return rev, nil
	}
	var fr bureaustore.Filing
	if err := getJSON(txn, key("f", fid), &fr); err != nil {
		return rev, err
	}
	if fr.Filing.Revision.ID != rid || fr.Filing.Revision.Submitted() {
		return rev, nil
	}
	return rev, s.settle(txn, w, &fr, &rev, now, nil, false)
}

// missing returns the attachments of atts the unit has not completed.
func (s *Store) missing(txn *badger.Txn, unit string, atts []app.Attachment) ([]protocol.AttachmentRef, error) {
	missing, _, err := s.attachmentsOf(txn, unit, atts, false)
	return missing, err
}

// attachmentsOf returns the attachments of atts the unit has not
// completed, and the records of the complete ones not yet marked
// referenced, by SHA-256.
func (s *Store) attachmentsOf(txn *badger.Txn, unit string, atts []app.Attachment, strict bool) ([]protocol.AttachmentRef, map[string]bureaustore.Upload, error) {
	var unmarked map[string]bureaustore.Upload
	missing, err := bureaustore.Missing(atts, func(sum string) (int64, bool, error) {
		var up bureaustore.Upload
		err := getJSON(txn, key("up", unit, sum), &up)
		if errors.Is(err, badger.ErrKeyNotFound) {
			return 0, false, nil
		}
		if err == nil && up.Complete && !up.Referenced {
			if unmarked == nil {
				unmarked = map[string]bureaustore.Upload{}
			}
			unmarked[sum] = up
		}
		return up.Size, err == nil && up.Complete, err
	}, strict)
	return missing, unmarked, err
}

// projectRule runs sub's ProjectRule, if any, on its project's filings as
// txn holds them: after those of every submission before it, which the
// one writer committed or staged in txn (runGroup). It returns the rule's
// refusal or a storage error.
func projectRule(txn *badger.Txn, unit string, sub bureaustore.Submission) error {
	if sub.ProjectRule == nil || sub.Body.ProjectID == "" {
		return nil
	}
	frs, err := projectFilings(txn, unit, sub.Body.ProjectID)
	if err != nil {
		return err
	}
	fs := make([]*app.Filing, len(frs))
	for i := range frs {
		fs[i] = &frs[i].Filing
	}
	return sub.ProjectRule(fs)
}
