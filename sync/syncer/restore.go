package syncer

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/google/uuid"

	"egovdesk/app"
	"egovdesk/app/store"
	"egovdesk/sync/client"
	"egovdesk/sync/protocol"
)

// Restoring from the bureau, and several machines of one unit.
//
// A pass first restores, when due: a store that never restored and holds
// no filing (a new machine, a deleted data folder), or one asked to by
// StartRestore (文件→从数管局恢复), takes over every filing the bureau holds
// for the unit, a page at a time, each page stored with the bureau's cursor
// of the next one, so a restore that is killed or cut off goes on from the
// page after the last one stored, and a page taken over twice adds nothing.
// Status.Restore shows how far it got.
//
// A revision another machine of the unit submitted comes through the change
// feed (protocol.ChangeRevision): when the store does not hold it, the
// filing is fetched and taken over the same way (store.Adopt), before the
// cursor moves past the change. A revision of ours the bureau refuses with
// a conflict (the other machine revised the filing first) is reconciled:
// the bureau's revisions are taken over and our text kept as a new draft
// revision (store.Reconcile); the clerk is told in the inbox, by a
// notification, and in the status (Status.Conflict, NeedsAction).

// RestoreRemote is a Remote that can restore a unit's filings
// (*client.Client). Without one, nothing is restored.
type RestoreRemote interface {
	RestorePage(ctx context.Context, cursor string, limit int) (protocol.RestorePage, error)
	RestoreFiling(ctx context.Context, id string) (protocol.RestoreFiling, error)
	RevisionBody(ctx context.Context, filingID, revisionID, sum string) ([]byte, error)
	Download(ctx context.Context, filingID, sha string, offset int64, w io.Writer) (int64, error)
}

// restoreLocal is what restoring needs of the Local (*store.Store).
type restoreLocal interface {
	RestoreState(ctx context.Context) (store.RestoreProgress, bool, error)
	Empty(ctx context.Context) (bool, error)
	AdoptPage(ctx context.Context, page []store.BureauFiling, p store.RestoreProgress, feedCursor string) (int, error)
	Adopt(ctx context.Context, f store.BureauFiling) (bool, error)
	Reconcile(ctx context.Context, seq uint64, f store.BureauFiling, newRevisionID string) (app.Message, error)
	Revisions(ctx context.Context, id string) ([]app.RevisionInfo, error)
	Summary(ctx context.Context, id string) (app.FilingRow, error)
}

// The client's store restores; a method missing here would turn restoring
// and adopting off without a word.
var _ restoreLocal = (*store.Store)(nil)

// RestoreStatus is a restore under way: filings taken over and how many the
// bureau holds.
type RestoreStatus struct {
	Restored, Total int
}

// restorer returns the remote and local of restoring, or false when either
// cannot.
func (s *Syncer) restorer() (RestoreRemote, restoreLocal, bool) {
	rr, ok1 := s.remote.(RestoreRemote)
	rl, ok2 := s.local.(restoreLocal)
	return rr, rl, ok1 && ok2
}

// restoreIfDue runs or resumes a restore when one is due (see above). It
// fails with the remote's error or a local store error; what was stored
// stays, and the next pass goes on from there.
func (s *Syncer) restoreIfDue(ctx context.Context) error {
	rr, rl, ok := s.restorer()
	if !ok || s.restoreChecked.Load() {
		return nil
	}
	p, started, err := rl.RestoreState(ctx)
	if err != nil {
		return err
	}
	if started && p.Done {
		s.restoreChecked.Store(true)
		return nil
	}
	if !started {
		empty, err := rl.Empty(ctx)
		if err != nil {
			return err
		}
		if !empty {
			s.restoreChecked.Store(true) // a machine in use: restore only when asked
			return nil
		}
	}
	s.setStatus(func(st *Status) { st.Restore = &RestoreStatus{Restored: p.Restored, Total: p.Total} })
	defer s.setStatus(func(st *Status) { st.Restore = nil })
	for !p.Done {
		page, err := rr.RestorePage(ctx, p.Cursor, cmp.Or(s.opts.RestorePage, 200))
		var ce *client.Error
		if errors.As(err, &ce) && (ce.Status == 404 || ce.Status == 405) {
			// A bureau older than restoring: work on without it (this
			// syncer asks no more; a new one, after the next start or
			// login, asks again).
			s.log.Warn("the bureau cannot restore filings (an older version); nothing restored")
			s.restoreChecked.Store(true)
			return nil
		}
		if err != nil {
			return fmt.Errorf("restore from the bureau: %w", err)
		}
		if err := s.keepRestoredReceipts(ctx, page.Filings...); err != nil {
			return err
		}
		fs := make([]store.BureauFiling, 0, len(page.Filings))
		for _, f := range page.Filings {
			bf, err := s.bureauFiling(ctx, rr, f)
			if err != nil {
				return err
			}
			fs = append(fs, bf)
		}
		if page.Total > 0 { // the first page's
			p.Total = page.Total
		}
		p.Cursor, p.Restored, p.Done = page.Next, p.Restored+len(page.Filings), page.Next == ""
		if p.Done {
			p.Total = p.Restored
		}
		if _, err := rl.AdoptPage(ctx, fs, p, page.FeedCursor); err != nil {
			return err
		}
		s.setStatus(func(st *Status) {
			st.Online = true // the bureau answers: the bar says connected, not "connecting", while it restores
			st.Restore = &RestoreStatus{Restored: p.Restored, Total: max(p.Total, p.Restored)}
		})
	}
	s.restoreChecked.Store(true)
	s.log.Info("restored from the bureau", "filings", p.Restored)
	return nil
}

// bureauFiling returns the store's form of f, its revision bodies checked
// against their SHA-256 and fetched one by one where the page left them
// out. It fails with the remote's error, or a ClassRetry *client.Error for a
// body that does not match its hash.
func (s *Syncer) bureauFiling(ctx context.Context, rr RestoreRemote, f protocol.RestoreFiling) (store.BureauFiling, error) {
	bf := store.BureauFiling{ID: f.ID, Kind: f.Kind, UnitID: f.UnitID, ProjectID: f.ProjectID, Status: f.Status,
		Created: f.Created, Updated: f.Updated, History: f.History}
	for _, r := range f.Revisions {
		body := r.Body
		if len(body) == 0 {
			var err error
			if body, err = rr.RevisionBody(ctx, f.ID, r.ID, r.BodySHA256); err != nil {
				return bf, fmt.Errorf("restore revision %d of %s: %w", r.Number, f.ID, err)
			}
		} else if h := sha256.Sum256(body); hex.EncodeToString(h[:]) != r.BodySHA256 {
			return bf, &client.Error{Op: "restore filings", Status: 502,
				Err: fmt.Errorf("revision %d of %s does not hash to %s", r.Number, f.ID, r.BodySHA256)}
		}
		at := r.SubmittedAt
		if at.IsZero() {
			at = r.ReceivedAt
		}
		bf.Revisions = append(bf.Revisions, store.BureauRevision{
			Revision: app.Revision{ID: r.ID, Number: r.Number, BaseID: r.BaseID, SubmittedAt: at},
			Body:     body, BodyHash: r.BodySHA256, ReceivedAt: r.ReceivedAt,
			Awaiting: r.Status == protocol.ReceiptAwaitingAttachments})
	}
	return bf, nil
}

// adoptRevisions takes over the filings of the revision changes in changes
// that the store does not hold: revisions another machine of the unit
// submitted. It runs before the page's cursor is stored, so a failure
// leaves the changes to be pulled again. It fails with the remote's error or
// a local store error.
func (s *Syncer) adoptRevisions(ctx context.Context, changes []protocol.Change) error {
	rr, rl, ok := s.restorer()
	if !ok {
		return nil
	}
	done := map[string]bool{}
	for _, c := range changes {
		if c.Type != protocol.ChangeRevision || c.FilingID == "" || done[c.FilingID] {
			continue
		}
		known, err := s.holdsRevision(ctx, rl, c.FilingID, c.RevisionID)
		if err != nil || known {
			if err != nil {
				return err
			}
			continue
		}
		done[c.FilingID] = true
		f, err := rr.RestoreFiling(ctx, c.FilingID)
		if client.ProblemCode(err) == app.ENOTFOUND {
			continue
		} else if err != nil {
			return fmt.Errorf("fetch filing %s from another machine: %w", c.FilingID, err)
		}
		bf, err := s.bureauFiling(ctx, rr, f)
		if err != nil {
			return err
		}
		if err := s.keepRestoredReceipts(ctx, f); err != nil {
			return err
		}
		wrote, err := rl.Adopt(ctx, bf)
		if err != nil {
			return err
		}
		s.log.Info("filing from another machine of the unit", "filing", c.FilingID, "revision", c.RevisionID, "taken over", wrote)
	}
	return nil
}

// adoptFilings takes over the filings ids the store does not hold, fetched
// one by one from the bureau. It fails with the remote's error or a local
// store error; one the bureau no longer has is skipped.
func (s *Syncer) adoptFilings(ctx context.Context, ids []string) error {
	rr, rl, ok := s.restorer()
	if !ok {
		return nil
	}
	for _, id := range ids {
		f, err := rr.RestoreFiling(ctx, id)
		if client.ProblemCode(err) == app.ENOTFOUND {
			continue
		} else if err != nil {
			return fmt.Errorf("fetch filing %s: %w", id, err)
		}
		bf, err := s.bureauFiling(ctx, rr, f)
		if err != nil {
			return err
		}
		if err := s.keepRestoredReceipts(ctx, f); err != nil {
			return err
		}
		if _, err := rl.Adopt(ctx, bf); err != nil {
			return err
		}
	}
	if len(ids) > 0 {
		s.log.Info("filings of the unit's other machines taken over after a reset", "filings", len(ids))
	}
	return nil
}

// holdsRevision reports whether the store holds revision rid of filing id:
// as its current revision or a submitted one. It reads the filing's list
// row, not the filing: after a push every revision change of the pull that
// follows is one the store has just sent, and decoding each whole filing to
// learn so was an eighth of a push's CPU.
func (s *Syncer) holdsRevision(ctx context.Context, rl restoreLocal, id, rid string) (bool, error) {
	sum, err := rl.Summary(ctx, id)
	if app.ErrorCode(err) == app.ENOTFOUND {
		return false, nil
	} else if err != nil {
		return false, err
	}
	if sum.RevisionID == rid {
		return true, nil
	}
	revs, err := rl.Revisions(ctx, id)
	if err != nil {
		return false, err
	}
	for _, r := range revs {
		if r.Revision.ID == rid {
			return true, nil
		}
	}
	return false, nil
}

// reconcile settles an item the bureau refused with a conflict that another
// machine's revision explains (stale_base, revision_conflict): see
// store.Reconcile. It reports whether it did; when it could not (another
// kind of refusal, the bureau unreachable, the store failing) the item is
// handled as any refusal.
func (s *Syncer) reconcile(ctx context.Context, it store.OutboxItem, cause error) bool {
	code := client.ProblemCode(cause)
	if code != protocol.CodeStaleBase && code != protocol.CodeRevisionConflict {
		return false
	}
	rr, rl, ok := s.restorer()
	if !ok {
		return false
	}
	f, err := rr.RestoreFiling(ctx, it.FilingID)
	if err != nil {
		s.log.Info("conflict not reconciled: the bureau's copy could not be fetched", "filing", it.FilingID, "err", err)
		return false
	}
	bf, err := s.bureauFiling(ctx, rr, f)
	if err != nil || len(bf.Revisions) == 0 {
		return false
	}
	msg, err := rl.Reconcile(ctx, it.Seq, bf, uuid.NewString())
	if err != nil {
		s.log.Warn("conflict not reconciled", "filing", it.FilingID, "err", err)
		return false
	}
	s.log.Info("revision conflict reconciled: the local text is kept as a new draft revision",
		"filing", it.FilingID, "refused", it.RevisionNumber, "bureau head", bf.Revisions[len(bf.Revisions)-1].Revision.Number)
	s.setStatus(func(st *Status) { st.Conflict, st.NeedsAction = msg.Title, true })
	s.publish(Notification{Kind: NotifyNotice, ChangeID: msg.ID, At: msg.At, Title: msg.Title, Text: msg.Body})
	return true
}

// FetchAttachment makes sure attachment a of filing id is in dir's blob
// directory (encrypted when the directory is: the partial download is the
// only plaintext, removed once the file is in), downloading it from the bureau when it is not (an attachment
// of a restored filing, fetched when the clerk opens it): resumed from a
// partial download, and kept only when its SHA-256 is a.SHA256. It returns
// the file's path and fails with the remote's error, an EINVALID *app.Error
// for bytes that do not match (the partial file is discarded), or a local
// file error.
func (s *Syncer) FetchAttachment(ctx context.Context, blobs *BlobDir, filingID string, a app.Attachment) (string, error) {
	path := blobs.Path(a.SHA256)
	if path == "" {
		return "", app.Errorf(app.EINVALID, "附件“%s”的校验值无效", a.Name)
	}
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	rr, ok := s.remote.(RestoreRemote)
	if !ok {
		return "", app.Errorf(app.ENOTFOUND, "附件“%s”不在本机，且无法从数管局下载", a.Name)
	}
	part := path + ".download"
	f, err := os.OpenFile(part, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o640)
	if err != nil {
		return "", fmt.Errorf("open %s: %w", part, err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return "", fmt.Errorf("stat %s: %w", part, err)
	}
	_, err = rr.Download(ctx, filingID, a.SHA256, st.Size(), f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", fmt.Errorf("download %q: %w", a.Name, err)
	}
	if err := verifyFile(part, a.SHA256); err != nil {
		os.Remove(part)
		return "", app.Errorf(app.EINVALID, "从数管局下载的附件“%s”校验不符，已丢弃，请重试", a.Name)
	}
	if blobs.Encrypted() {
		// The download is plaintext until here: encrypted into the
		// directory, then removed.
		err := importFile(ctx, blobs, part)
		os.Remove(part)
		if err != nil {
			return "", err
		}
		return path, nil
	}
	if err := os.Rename(part, path); err != nil {
		return "", fmt.Errorf("keep %s: %w", path, err)
	}
	return path, nil
}

// importFile imports the file at p into blobs.
func importFile(ctx context.Context, blobs *BlobDir, p string) error {
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = blobs.ImportReader(ctx, filepath.Base(p), f)
	return err
}

// verifyFile checks that the file at path hashes to sum.
func verifyFile(path, sum string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return err
	}
	if hex.EncodeToString(h.Sum(nil)) != sum {
		return errors.New("hash mismatch")
	}
	return nil
}

// RestoreNow asks for a restore from the bureau (文件→从数管局恢复): every
// filing of the unit the store lacks is taken over on the next pass, which
// it starts. What the store holds is kept. It fails when the store cannot
// record the request, or with an ENOTFOUND *app.Error when this syncer
// cannot restore.
func (s *Syncer) RestoreNow(ctx context.Context) error {
	_, _, ok := s.restorer()
	l, ok2 := s.local.(interface{ StartRestore(context.Context) error })
	if !ok || !ok2 {
		return app.Errorf(app.ENOTFOUND, "无法从数管局恢复：未连接数管局")
	}
	if err := l.StartRestore(ctx); err != nil {
		return err
	}
	s.restoreChecked.Store(false)
	s.mu.Lock()
	s.drafts.lastList = time.Time{} // and the drafts kept at the bureau (drafts.go), in the same pass
	s.mu.Unlock()
	s.Kick()
	return nil
}

// heldByBureau reports whether the bureau holds attachment sha of the unit
// complete and verified: an attachment of a restored filing, which this
// machine downloads only when it is opened, need not be sent again when a
// revision of the filing is. False when it cannot tell.
func (s *Syncer) heldByBureau(ctx context.Context, sha string) bool {
	r, ok := s.remote.(interface {
		UploadStatus(ctx context.Context, sha string) (protocol.UploadStatus, error)
	})
	if !ok {
		return false
	}
	st, err := r.UploadStatus(ctx, sha)
	return err == nil && st.Complete
}

// keepRestoredReceipts checks the signed receipts of the revisions of fs
// (a machine that restores, or takes over another machine's filing) with
// the pinned key and keeps those that verify, as the machine that sent
// them did: the unit can prove what the bureau acknowledged from any of
// its machines. One that does not verify is left out (and logged, and a
// changed key reported as on a submission); restoring goes on.
func (s *Syncer) keepRestoredReceipts(ctx context.Context, fs ...protocol.RestoreFiling) error {
	var rcs []*protocol.Receipt
	for i := range fs {
		for j := range fs[i].Revisions {
			if rc := fs[i].Revisions[j].Receipt; rc != nil {
				rcs = append(rcs, rc)
			}
		}
	}
	if len(rcs) == 0 {
		return nil
	}
	_, err := s.checkReceipts(ctx, rcs)
	return err
}
