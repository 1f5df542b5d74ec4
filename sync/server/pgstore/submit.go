package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"egovdesk/app"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server/bureaustore"
)

// Submit stores the new revisions of subs exactly once, in order, in one
// durable commit. The idempotency key of a revision is the primary key of
// revisions, (filing_id, revision_id), written in the transaction that
// holds its receipt. The filings of the batch are read and locked in one
// query, and the writes of all its new revisions go to the server in one
// pipelined batch at the end.
//
// Concurrent calls of fewer than soloSubmit submissions share one
// transaction and its statements (group commit, submitGroup): many clerks
// each sending one filing pay for one transaction, one statement a table
// and one WAL flush between them, instead of one each.
func (s *Store) Submit(ctx context.Context, by bureaustore.Actor, now time.Time, subs []*bureaustore.Submission) ([]bureaustore.SubmitResult, error) {
	c := &submitCall{ctx: ctx, by: by, now: now, subs: subs}
	if len(subs) >= soloSubmit {
		s.submitGroup([]*submitCall{c}) // already a batch: alone, beside the others
	} else {
		s.submits.Do(c, s.submitGroup)
	}
	if c.err != nil {
		return nil, fmt.Errorf("submit %d: %w", len(subs), c.err)
	}
	if c.grew {
		s.changed([]string{by.UnitID})
	}
	return c.out, nil
}

// submitCall is one call of Submit in its group.
type submitCall struct {
	ctx  context.Context
	by   bureaustore.Actor
	now  time.Time
	subs []*bureaustore.Submission

	out  []bureaustore.SubmitResult
	grew bool // the unit's feed grew
	err  error
}

const (
	// maxSubmitGroup bounds the calls one transaction takes: a push's
	// batch is up to 200 filings, so a group stays a few thousand rows.
	maxSubmitGroup = 32
	// soloSubmit is the size from which a call runs in a transaction of
	// its own: a push's batches already share their transaction's cost,
	// and two of them in flight run on two backends at once (grouped, they
	// would run one after the other: a tenth slower on 2 cores).
	soloSubmit = 16
	// submitGroupTimeout bounds a group's transaction. It runs for every
	// caller in it, so no one caller's leaving cancels it.
	submitGroupTimeout = time.Minute
)

// submitGroup runs the calls of group in one transaction, as one batch:
// their uploads locked in one order, their filings read and locked in one
// query, their writes sent in one pipelined round trip, one statement a
// table (a filing two calls write is read back between them, as within
// one call). A call sees the writes of the calls before it, as if each
// ran alone. A call that fails for a fault of its own is left out and the
// others run again without it; when a step they share fails, each runs
// again alone; when the database is unavailable, they all fail.
func (s *Store) submitGroup(group []*submitCall) {
	live := make([]*submitCall, 0, len(group))
	for _, c := range group {
		if err := c.ctx.Err(); err != nil {
			c.err = err // gone before its group ran: nothing of it is stored
			continue
		}
		live = append(live, c)
	}
	for len(live) > 0 {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(live[0].ctx), submitGroupTimeout)
		failed := -1
		var grew map[string]bool
		err := s.write(ctx, func(tx pgx.Tx) error {
			failed, grew = -1, nil // fn may run again; only its last run counts
			st, err := s.submitIn(ctx, tx, live, &failed)
			if err != nil {
				return err
			}
			grew = st.grew
			return st.flush(ctx)
		})
		cancel()
		if err != nil && !errors.Is(err, bureaustore.ErrUnavailable) && len(live) > 1 {
			if failed >= 0 {
				live[failed].err = err
				live = slices.Delete(live, failed, failed+1)
				continue
			}
			// A step they share failed (a filing read for them all, the
			// batch of writes): each runs alone, so only its own fails.
			for _, c := range live {
				s.submitGroup([]*submitCall{c})
			}
			return
		}
		for _, c := range live {
			c.err, c.grew = err, err == nil && grew[c.by.UnitID]
		}
		return
	}
}

// submitIn decides the submissions of calls in tx and queues their
// writes, setting *failed to the index of a call that failed for a fault
// of its own.
func (s *Store) submitIn(ctx context.Context, tx pgx.Tx, calls []*submitCall, failed *int) (*submitState, error) {
	// Attachments first, in one order for every transaction: a revision
	// and the upload that completes it never miss each other.
	var all []*bureaustore.Submission
	var locks []string
	for _, c := range calls {
		for _, sum := range attachmentSums(c.subs) {
			locks = append(locks, uploadLock(c.by.UnitID, sum))
		}
		for _, sub := range c.subs {
			if sub != nil && sub.ProjectRule != nil && sub.Body.ProjectID != "" {
				locks = append(locks, projectLock(c.by.UnitID, sub.Body.ProjectID))
			}
		}
		all = append(all, c.subs...)
	}
	slices.Sort(locks)
	if err := lockUploads(ctx, tx, slices.Compact(locks)); err != nil {
		return nil, err
	}
	st, err := prefetch(ctx, tx, all)
	if err != nil {
		return nil, err
	}
	// Every refusal is decided before a submission writes anything (apply
	// reads, decides, then queues its writes), so a refused one leaves
	// nothing behind without a savepoint; a failed write fails the whole
	// transaction.
	for ci, c := range calls {
		c.out = make([]bureaustore.SubmitResult, len(c.subs))
		for i, sub := range c.subs {
			if sub == nil {
				continue
			}
			res, err := s.apply(ctx, st, c.by, sub, c.now)
			if err != nil {
				var inv invalid
				var earlier earlierWrites
				switch {
				case errors.As(err, &inv):
					err = inv.err
				case errors.As(err, &earlier):
					return nil, err // not this call's fault: submitGroup runs each alone
				case !isRefusal(err):
					*failed = ci
					return nil, err
				}
				c.out[i] = bureaustore.SubmitResult{Err: err}
				continue
			}
			c.out[i] = res
		}
	}
	return st, nil
}

// invalid carries the content rules' verdict on a new revision out of
// apply: a refusal whatever its type.
type invalid struct{ err error }

func (e invalid) Error() string { return e.err.Error() }

// isRefusal reports whether err is the bureau's answer about a submission
// rather than a fault of the store.
func isRefusal(err error) bool {
	var r *bureaustore.Refusal
	var p *protocol.Problem
	return !errors.Is(err, errRetry) && (errors.As(err, &r) || errors.As(err, &p) || app.ErrorCode(err) != app.EINTERNAL)
}

func attachmentSums(subs []*bureaustore.Submission) []string {
	var sums []string
	for _, sub := range subs {
		if sub == nil {
			continue
		}
		for _, a := range sub.Body.Attachments {
			sums = append(sums, a.SHA256)
		}
	}
	slices.Sort(sums)
	return slices.Compact(sums)
}

// uploadLock names the lock of unit's upload sum.
func uploadLock(unit, sum string) string { return unit + "/" + sum }

// projectLock names the lock a submission with a ProjectRule takes on
// unit's project: the rule then reads the project's filings after every
// other transaction holding it committed (read committed: each statement
// sees what committed before it began), in this process or another.
func projectLock(unit, project string) string { return "project/" + unit + "/" + project }

// lockUploads takes, to the end of tx, the locks (uploadLock, projectLock)
// of uploads, which must be sorted: one order for every transaction.
func lockUploads(ctx context.Context, tx pgx.Tx, locks []string) error {
	for _, l := range locks {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", l); err != nil {
			return err
		}
	}
	return nil
}

// submitState is what Submit's submissions share in its transaction: the
// filings and revisions read up front, and the writes not yet sent.
type submitState struct {
	tx      pgx.Tx
	rows    submitRows                     // the writes not yet sent
	filings map[string]*bureaustore.Filing // locked; nil: no such filing (when read)
	revs    map[[2]string]revisionRow
	touched map[string]bool // filings written in this transaction: read them again, after a flush
	grew    map[string]bool // units whose feed has a change of a revision received
}

type revisionRow struct {
	unit string
	rec  bureaustore.Revision
}

// prefetch reads and locks, in the order of their IDs, the filings subs
// name, and reads their revisions.
func prefetch(ctx context.Context, tx pgx.Tx, subs []*bureaustore.Submission) (*submitState, error) {
	st := &submitState{tx: tx, filings: map[string]*bureaustore.Filing{},
		revs: map[[2]string]revisionRow{}, touched: map[string]bool{}, grew: map[string]bool{}}
	var ids []string
	for _, sub := range subs {
		if sub != nil {
			ids = append(ids, sub.Body.ID)
		}
	}
	rows, err := tx.Query(ctx, "SELECT id, record FROM filings WHERE id = ANY($1) ORDER BY id FOR UPDATE", ids)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id string
		var data []byte
		if err := rows.Scan(&id, &data); err != nil {
			rows.Close()
			return nil, err
		}
		var fr bureaustore.Filing
		if err := json.Unmarshal(data, &fr); err != nil {
			rows.Close()
			return nil, fmt.Errorf("decode filing %s: %w", id, err)
		}
		st.filings[id] = &fr
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(st.filings) == 0 {
		return st, nil
	}
	rows, err = tx.Query(ctx, "SELECT filing_id, revision_id, unit_id, record FROM revisions WHERE filing_id = ANY($1)", ids)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var fid, rid string
		var r revisionRow
		var data []byte
		if err := rows.Scan(&fid, &rid, &r.unit, &data); err != nil {
			rows.Close()
			return nil, err
		}
		if err := json.Unmarshal(data, &r.rec); err != nil {
			rows.Close()
			return nil, fmt.Errorf("decode revision: %w", err)
		}
		st.revs[[2]string{fid, rid}] = r
	}
	rows.Close()
	return st, rows.Err()
}

// earlierWrites is the failure of a flush, within a submission, of writes
// queued before it, of this call or of others in the group: no one call's
// fault, so submitIn does not leave out the call whose submission sent
// them (it blamed an acceptance application for another call's failed
// write; found in review).
type earlierWrites struct{ err error }

func (e earlierWrites) Error() string { return e.err.Error() }
func (e earlierWrites) Unwrap() error { return e.err }

// flushEarlier is flush, its failure an earlierWrites.
func (st *submitState) flushEarlier(ctx context.Context) error {
	if err := st.flush(ctx); err != nil {
		return earlierWrites{err}
	}
	return nil
}

// flush sends the writes queued so far, in one round trip: a statement a
// table (submitRows).
func (st *submitState) flush(ctx context.Context) error {
	if st.rows.empty() {
		return nil
	}
	b := &pgx.Batch{}
	st.rows.queue(b)
	st.rows = submitRows{}
	err := st.tx.SendBatch(ctx, b).Close()
	if err != nil && (errors.Is(err, errRetry) || isUnique(err)) {
		return errRetry
	}
	return err
}

// apply stores one submission, or answers its resend.
func (s *Store) apply(ctx context.Context, st *submitState, by bureaustore.Actor, sub *bureaustore.Submission, now time.Time) (bureaustore.SubmitResult, error) {
	tx := st.tx
	req, body := sub.Request, sub.Body
	var cur *bureaustore.Filing
	var rev *revisionRow
	if st.touched[body.ID] {
		// Written earlier in this transaction: read it back as it now stands.
		if err := st.flushEarlier(ctx); err != nil {
			return bureaustore.SubmitResult{}, err
		}
		var err error
		if cur, err = lockFiling(ctx, tx, body.ID); err != nil {
			return bureaustore.SubmitResult{}, err
		}
		var r revisionRow
		var data []byte
		err = tx.QueryRow(ctx, "SELECT unit_id, record FROM revisions WHERE filing_id = $1 AND revision_id = $2",
			body.ID, body.RevisionID).Scan(&r.unit, &data)
		switch {
		case err == nil:
			if err := json.Unmarshal(data, &r.rec); err != nil {
				return bureaustore.SubmitResult{}, fmt.Errorf("decode revision: %w", err)
			}
			rev = &r
		case !errors.Is(err, pgx.ErrNoRows):
			return bureaustore.SubmitResult{}, err
		}
	} else {
		cur = st.filings[body.ID]
		if r, ok := st.revs[[2]string{body.ID, body.RevisionID}]; ok {
			rev = &r
		}
	}
	if cur != nil && rev != nil {
		r := rev.rec
		if r.UnitID != by.UnitID {
			return bureaustore.SubmitResult{}, bureaustore.NotFound()
		}
		if r.Receipt.BodySHA256 != req.BodySHA256 {
			return bureaustore.SubmitResult{}, bureaustore.RevisionConflict(r)
		}
		if r.Receipt.Status == protocol.ReceiptAwaitingAttachments {
			if err := st.flushEarlier(ctx); err != nil {
				return bureaustore.SubmitResult{}, err
			}
			var err error
			var received bool
			if r, received, err = refresh(ctx, tx, cur, body.RevisionID, r, now); err != nil {
				return bureaustore.SubmitResult{}, err
			}
			if received {
				st.grew[by.UnitID] = true
			}
			st.touched[body.ID] = true
		}
		return bureaustore.SubmitResult{Receipt: r.Receipt}, nil
	}
	if sub.Invalid != nil {
		return bureaustore.SubmitResult{}, invalid{sub.Invalid}
	}
	if err := projectRule(ctx, st, by.UnitID, sub); err != nil {
		return bureaustore.SubmitResult{}, err
	}
	fr, err := bureaustore.Advance(cur, by, req, body, now)
	if err != nil {
		return bureaustore.SubmitResult{}, err
	}
	fr, newRev := bureaustore.NewRevision(fr, by, req, body, sub.ProjectYear, now)
	missing, err := missingMarking(ctx, tx, by.UnitID, fr.Filing.Attachments, true)
	if err != nil {
		return bureaustore.SubmitResult{}, err
	}
	queued, err := bureaustore.Settle(&fr, &newRev, missing, now)
	if err != nil {
		return bureaustore.SubmitResult{}, err
	}
	// Decided: the writes are queued, to go with the others'.
	r := &st.rows
	st.touched[body.ID] = true
	f := fr.Filing
	// A new filing: another transaction may be creating it too (the
	// insert then fails the transaction with errRetry).
	r.filing(fr, cur == nil)
	r.revision(by.UnitID, req, &body, newRev)
	if queued {
		year, total := bureaustore.QueueFacts(f, &body)
		r.queueEntry(fr, year, int64(total)) // the unit's name: read by the statement
		// received: the revision's change, in the commit of its receipt
		r.change(by.UnitID, bureaustore.RevisionChange(fr))
		st.grew[by.UnitID] = true
	} else {
		r.qDrop = append(r.qDrop, f.ID)
		sums := make([]string, len(missing))
		for i, m := range missing {
			sums[i] = m.SHA256
		}
		r.waits(by.UnitID, f.ID, body.RevisionID, sums)
	}
	if body.Declaration != nil {
		r.similar(body.ID, body.Declaration, sub.DeclarationPrint())
	}
	return bureaustore.SubmitResult{Receipt: newRev.Receipt, Created: true}, nil
}

// projectRule runs sub's ProjectRule, if any, on its project's filings as
// st's transaction sees them, holding the project's lock (submitIn): with
// the writes queued before it in this transaction sent first. It returns
// the rule's refusal (as invalid) or a storage error.
func projectRule(ctx context.Context, st *submitState, unit string, sub *bureaustore.Submission) error {
	if sub.ProjectRule == nil || sub.Body.ProjectID == "" {
		return nil
	}
	if err := st.flushEarlier(ctx); err != nil {
		return err
	}
	frs, err := projectFilings(ctx, st.tx, unit, sub.Body.ProjectID)
	if err != nil {
		return fmt.Errorf("filings of project %s: %w", sub.Body.ProjectID, err)
	}
	fs := make([]*app.Filing, len(frs))
	for i := range frs {
		fs[i] = &frs[i].Filing
	}
	if err := sub.ProjectRule(fs); err != nil {
		return invalid{err}
	}
	return nil
}

// lockFiling reads filing id's record, locked to the end of tx; nil when
// there is none.
func lockFiling(ctx context.Context, tx pgx.Tx, id string) (*bureaustore.Filing, error) {
	var data []byte
	err := tx.QueryRow(ctx, "SELECT record FROM filings WHERE id = $1 FOR UPDATE", id).Scan(&data)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var fr bureaustore.Filing
	if err := json.Unmarshal(data, &fr); err != nil {
		return nil, fmt.Errorf("decode filing %s: %w", id, err)
	}
	return &fr, nil
}

// settle stores rev and its filing fr (the head, already in filings):
// received and queued, with the revision's change in the unit's feed
// (bureaustore.RevisionChange), when every attachment is complete, else
// waiting for the missing ones; it reports whether it received the
// revision. body is the revision's content when the caller has it
// decoded (read from the store when nil); unitName is the unit's name
// ("" to look it up).
func settle(ctx context.Context, tx pgx.Tx, fr *bureaustore.Filing, rev *bureaustore.Revision, now time.Time, body *app.Body, unitName string) (bool, error) {
	missing, err := missingMarking(ctx, tx, rev.UnitID, fr.Filing.Attachments, false)
	if err != nil {
		return false, err
	}
	queued, err := bureaustore.Settle(fr, rev, missing, now)
	if err != nil {
		return false, err
	}
	fid, rid := fr.Filing.ID, fr.Filing.Revision.ID
	if queued {
		if _, err := AppendChange(ctx, tx, rev.UnitID, bureaustore.RevisionChange(*fr)); err != nil {
			return false, err
		}
		if err := indexQueue(ctx, tx, *fr, unitName, body); err != nil {
			return false, err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM upload_waits WHERE filing_id = $1 AND revision_id = $2", fid, rid); err != nil {
			return false, err
		}
	} else {
		for _, a := range missing {
			if _, err := tx.Exec(ctx, `INSERT INTO upload_waits (unit_id, sha256, filing_id, revision_id)
				VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, rev.UnitID, a.SHA256, fid, rid); err != nil {
				return false, err
			}
		}
	}
	if _, err := tx.Exec(ctx, "UPDATE filings SET updated = $2, record = $3 WHERE id = $1",
		fid, fr.Filing.Updated, mustJSON(fr)); err != nil {
		return false, err
	}
	_, err = tx.Exec(ctx, "UPDATE revisions SET record = $3 WHERE filing_id = $1 AND revision_id = $2", fid, rid, mustJSON(rev))
	return queued, err
}

// refresh settles revision rid of fr (locked) when it waits for
// attachments and is still the head, and returns its record and whether
// it received it.
func refresh(ctx context.Context, tx pgx.Tx, fr *bureaustore.Filing, rid string, rev bureaustore.Revision, now time.Time) (bureaustore.Revision, bool, error) {
	if rev.Receipt.Status != protocol.ReceiptAwaitingAttachments {
		return rev, false, nil
	}
	if fr.Filing.Revision.ID != rid || fr.Filing.Revision.Submitted() {
		return rev, false, nil
	}
	f := *fr
	f.Filing.History = slices.Clone(fr.Filing.History)
	received, err := settle(ctx, tx, &f, &rev, now, nil, "")
	return rev, received, err
}

// missingOf returns the attachments of atts that unit has not completed.
func missingOf(ctx context.Context, q Querier, unit string, atts []app.Attachment) ([]protocol.AttachmentRef, error) {
	return missingIn(ctx, q, unit, atts, `SELECT sha256, (record->>'size')::bigint FROM uploads WHERE unit_id = $1 AND sha256 = ANY($2)
		AND (record->>'complete')::boolean`, false)
}

// missingMarking is missingOf for a revision being stored: in the same
// statement it marks the complete uploads it names referenced
// (bureaustore.Upload.Referenced), so that they are never pruned. Submit
// holds the locks of them all (lockUploads), as DeleteUnreferencedUpload
// does; CompleteUpload holds the one it completes, and the others of a
// revision waiting for it were complete, and so marked, before. The mark
// is the one write before a submission's refusals are all decided; only
// bureaustore.Settle comes after, which does not refuse a revision
// Advance took, and a mark left would only keep an attachment.
func missingMarking(ctx context.Context, q Querier, unit string, atts []app.Attachment, strict bool) ([]protocol.AttachmentRef, error) {
	return missingIn(ctx, q, unit, atts, `WITH mark AS (
			UPDATE uploads SET record = record || '{"referenced": true}'
			WHERE unit_id = $1 AND sha256 = ANY($2) AND (record->>'complete')::boolean
				AND NOT coalesce((record->>'referenced')::boolean, false))
		SELECT sha256, (record->>'size')::bigint FROM uploads WHERE unit_id = $1 AND sha256 = ANY($2)
		AND (record->>'complete')::boolean`, strict)
}

// missingIn runs query, which selects the SHA-256 and size of unit's ($1)
// complete uploads among sums ($2), and returns the attachments of atts
// not among them (bureaustore.Missing, strict for a new revision).
func missingIn(ctx context.Context, q Querier, unit string, atts []app.Attachment, query string, strict bool) ([]protocol.AttachmentRef, error) {
	if len(atts) == 0 {
		return nil, nil
	}
	sums := make([]string, len(atts))
	for i, a := range atts {
		sums[i] = a.SHA256
	}
	rows, err := q.Query(ctx, query, unit, sums)
	if err != nil {
		return nil, err
	}
	type upload struct {
		sum  string
		size int64
	}
	done, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (upload, error) {
		var u upload
		return u, r.Scan(&u.sum, &u.size)
	})
	if err != nil {
		return nil, err
	}
	return bureaustore.Missing(atts, func(sum string) (int64, bool, error) {
		for _, u := range done {
			if u.sum == sum {
				return u.size, true, nil
			}
		}
		return 0, false, nil
	}, strict)
}
