package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"

	"egovdesk/app"
	"egovdesk/sync/protocol"
)

// filingRecord is a filing as the bureau holds it: workflow state, history,
// the head revision's ID, attachments and title, but not its content, which
// is stored once, as received, at rb/<filing>/<revision> (see db.go). The
// head revision is pending (awaiting attachments) while Filing.Revision is
// not submitted.
type filingRecord struct {
	Filing     app.Filing `json:"filing"` // Declaration, Catalogue, TrialReport and Acceptance are nil
	Title      string     `json:"title,omitempty"`
	BodySHA256 string     `json:"body_sha256"`
}

// revisionRecord is one submitted revision, immutable but for its receipt.
// Its body is at rb/<filing>/<revision>.
type revisionRecord struct {
	UnitID  string           `json:"unit_id"`
	Actor   string           `json:"actor"` // who submitted, for the transition once complete
	Receipt protocol.Receipt `json:"receipt"`
}

func notFound() error { return app.Errorf(app.ENOTFOUND, "材料不存在") }

// handleSubmit receives one revision, exactly once.
func (s *Server) handleSubmit(w http.ResponseWriter, r *http.Request, c *caller) error {
	fid, rid := r.PathValue("id"), r.PathValue("rev")
	var req protocol.SubmitRequest
	if err := decode(w, r, s.cfg.MaxBodyBytes, &req); err != nil {
		return err
	}
	body, err := s.checkRequest(fid, rid, req, nil)
	if err != nil {
		return err
	}
	receipt, created, err := s.submit(r.Context(), c, req, body)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
		s.log.Debug("revision received", "filing", fid, "revision", rid, "unit", c.UnitID, "status", receipt.Status)
	}
	s.writeJSON(w, status, receipt)
	return nil
}

// submit stores a new revision or answers a resent one, through the same
// applyBatch as a batch of one. It returns the receipt and whether the
// revision is new; it fails with the problem the client is to see, or a
// wrapped storage error.
func (s *Server) submit(ctx context.Context, c *caller, req protocol.SubmitRequest, body app.Body) (protocol.Receipt, bool, error) {
	now := s.Now()
	// The content rules run before the write is queued.
	sub := &submission{req: req, body: body, invalid: app.CheckBody(body, s.profile.Load(), now)}
	var out [1]protocol.BatchResult
	err := s.applyBatch(ctx, c, []*submission{sub}, out[:], now)
	if err != nil {
		return protocol.Receipt{}, false, fmt.Errorf("submit %s/%s: %w", body.ID, body.RevisionID, err)
	}
	res := out[0]
	if res.Problem != nil {
		return protocol.Receipt{}, false, res.Problem
	}
	return *res.Receipt, res.Status == http.StatusCreated, nil
}

// submission is a revision that passed checkRequest, with the verdict of
// the content rules on it.
type submission struct {
	req  protocol.SubmitRequest
	body app.Body
	// invalid is the content rules' verdict; it only counts for a revision
	// the bureau has not seen (a resend of a revision received under older
	// rules still gets its receipt).
	invalid error
}

// apply stores a new revision or answers a resent one, reading from txn and
// writing through w, the stage of applyBatch that keeps the writes until it
// knows the submission went through. Every refusal is decided
// before the first write. It returns the receipt and whether the revision is
// new, or the problem or *app.Error the client is to see, or a storage error.
func (s *Server) apply(txn *badger.Txn, w writer, c *caller, sub submission, now time.Time) (protocol.Receipt, bool, error) {
	req, body := sub.req, sub.body
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
	var rev revisionRecord
	err = badger.ErrKeyNotFound
	if fitem != nil {
		err = getJSON(txn, key("r", body.ID, body.RevisionID), &rev)
	}
	switch {
	case err == nil:
		if rev.UnitID != c.UnitID {
			return protocol.Receipt{}, false, notFound()
		}
		if rev.Receipt.BodySHA256 != req.BodySHA256 {
			return protocol.Receipt{}, false, protocol.NewProblem(protocol.CodeRevisionConflict,
				fmt.Sprintf("第 %d 版（%s）已用不同的内容提交过；请将修改保存为新版本", rev.Receipt.Revision, body.RevisionID))
		}
		if rev, err = s.refresh(txn, w, body.ID, body.RevisionID, now); err != nil {
			return protocol.Receipt{}, false, err
		}
		return rev.Receipt, false, nil
	case !errors.Is(err, badger.ErrKeyNotFound):
		return protocol.Receipt{}, false, err
	}
	if sub.invalid != nil {
		return protocol.Receipt{}, false, sub.invalid
	}
	fr, err := s.advance(c, req, body, now, fitem)
	if err != nil {
		return protocol.Receipt{}, false, err
	}
	setBody(&fr, body, now)
	fr.BodySHA256 = req.BodySHA256
	rev = revisionRecord{UnitID: c.UnitID, Actor: c.Name, Receipt: protocol.Receipt{
		FilingID: body.ID, RevisionID: body.RevisionID, Revision: body.Revision, BodySHA256: req.BodySHA256,
		ReceivedAt: now, Status: protocol.ReceiptAwaitingAttachments, FilingStatus: fr.Filing.Status}}
	if err := s.settle(txn, w, &fr, &rev, now, &body); err != nil {
		return protocol.Receipt{}, false, err
	}
	if body.Declaration != nil {
		if err := s.indexSimilar(txn, w, body.ID, body.Declaration); err != nil {
			return protocol.Receipt{}, false, err
		}
	}
	// The body as received (its hash checked): never decoded again to be stored.
	if err := w.Set(key("rb", body.ID, body.RevisionID), req.Body); err != nil {
		return protocol.Receipt{}, false, err
	}
	if err := w.Set(key("fu", c.UnitID, body.ID), nil); err != nil {
		return protocol.Receipt{}, false, err
	}
	return rev.Receipt, true, nil
}

// advance returns the filing record a new revision applies to: a fresh
// filing for revision 1 when fitem, the filing's record in the store, is
// nil, or the returned filing revised. It fails with stale_base when the
// revision does not build on the head, and with ECONFLICT when the filing
// is not open for a new revision.
func (s *Server) advance(c *caller, req protocol.SubmitRequest, body app.Body, now time.Time, fitem *badger.Item) (filingRecord, error) {
	var fr filingRecord
	err := badger.ErrKeyNotFound
	if fitem != nil {
		err = decodeItem(fitem, &fr)
	}
	if errors.Is(err, badger.ErrKeyNotFound) {
		if req.BaseRevisionID != "" {
			return fr, staleBase("")
		}
		if body.Revision != 1 {
			return fr, fieldErr("revision", "新材料的版本号须为 1")
		}
		f, err := app.NewFiling(body.Kind, body.ID, body.RevisionID, c.UnitID, now)
		if err != nil {
			return fr, err
		}
		return filingRecord{Filing: *f}, nil
	}
	if err != nil {
		return fr, err
	}
	f := &fr.Filing
	switch {
	case f.UnitID != c.UnitID:
		return fr, notFound()
	case req.BaseRevisionID != f.Revision.ID:
		return fr, staleBase(f.Revision.ID)
	case !f.Revision.Submitted():
		return fr, app.Errorf(app.ECONFLICT, "第 %d 版的附件尚未上传完整，请先完成上传", f.Revision.Number)
	case f.Status != app.StatusReturned:
		return fr, app.Errorf(app.ECONFLICT, "材料当前为“%s”，不能提交新版本", f.Status.Label())
	case f.Kind != body.Kind:
		return fr, fieldErr("kind", fmt.Sprintf("材料类型不能从“%s”改为“%s”", f.Kind.Label(), body.Kind.Label()))
	}
	if err := f.Revise(body.RevisionID, now); err != nil {
		return fr, err
	}
	if body.Revision != f.Revision.Number {
		return fr, fieldErr("revision", fmt.Sprintf("版本号应为 %d", f.Revision.Number))
	}
	return fr, nil
}

func staleBase(head string) error {
	p := protocol.NewProblem(protocol.CodeStaleBase, "数管局的材料已有更新的版本，请先同步后再修改提交")
	p.HeadRevisionID = head
	return p
}

// setBody puts what the bureau keeps of body in fr: the project, the
// attachments and the title. The content itself stays in the body, stored
// as received.
func setBody(fr *filingRecord, b app.Body, now time.Time) {
	f := &fr.Filing
	f.ProjectID = b.ProjectID
	f.Attachments = b.Attachments
	content := app.Filing{Declaration: b.Declaration, Catalogue: b.Catalogue, TrialReport: b.TrialReport, Acceptance: b.Acceptance}
	fr.Title = strings.TrimSpace(content.Title())
	f.Declaration, f.Catalogue, f.TrialReport, f.Acceptance = nil, nil, nil, nil
	f.Updated = now
}

// settle stores rev and its filing through w: received and queued for
// review when every attachment is complete, else waiting for the missing
// ones. It reads from txn and decides everything that can fail before it
// writes. body is the revision's content when the caller has it decoded
// (for the queue index; read from the store when nil).
func (s *Server) settle(txn *badger.Txn, w writer, fr *filingRecord, rev *revisionRecord, now time.Time, body *app.Body) error {
	missing, err := s.missing(txn, rev.UnitID, fr.Filing.Attachments)
	if err != nil {
		return err
	}
	fid, rid := fr.Filing.ID, fr.Filing.Revision.ID
	rev.Receipt.Missing = missing
	if len(missing) == 0 {
		if _, err := fr.Filing.Submit(now, rev.Actor); err != nil {
			return err
		}
		rev.Receipt.Status = protocol.ReceiptReceived
		if err := w.Set(key("q", fid), nil); err != nil {
			return err
		}
		if err := s.indexQueue(txn, w, *fr, "", body); err != nil {
			return err
		}
	}
	for _, a := range fr.Filing.Attachments {
		k := key("w", rev.UnitID, a.SHA256, fid, rid)
		var err error
		if len(missing) == 0 {
			err = w.Delete(k)
		} else {
			err = w.Set(k, nil)
		}
		if err != nil {
			return err
		}
	}
	rev.Receipt.FilingStatus = fr.Filing.Status
	if err := setJSON(w, key("f", fid), fr); err != nil {
		return err
	}
	return setJSON(w, key("r", fid, rid), rev)
}

// refresh settles a revision that was waiting for attachments, if it is
// still the head, writing through w, and returns its record.
func (s *Server) refresh(txn *badger.Txn, w writer, fid, rid string, now time.Time) (revisionRecord, error) {
	var rev revisionRecord
	if err := getJSON(txn, key("r", fid, rid), &rev); err != nil {
		return rev, err
	}
	if rev.Receipt.Status != protocol.ReceiptAwaitingAttachments {
		return rev, nil
	}
	var fr filingRecord
	if err := getJSON(txn, key("f", fid), &fr); err != nil {
		return rev, err
	}
	if fr.Filing.Revision.ID != rid || fr.Filing.Revision.Submitted() {
		return rev, nil
	}
	return rev, s.settle(txn, w, &fr, &rev, now, nil)
}

// missing returns the attachments of atts the unit has not completed.
func (s *Server) missing(txn *badger.Txn, unit string, atts []app.Attachment) ([]protocol.AttachmentRef, error) {
	var out []protocol.AttachmentRef
	seen := map[string]bool{}
	for _, a := range atts {
		if seen[a.SHA256] {
			continue
		}
		seen[a.SHA256] = true
		var up uploadRecord
		err := getJSON(txn, key("up", unit, a.SHA256), &up)
		if err != nil && !errors.Is(err, badger.ErrKeyNotFound) {
			return nil, err
		}
		if err != nil || !up.Complete {
			out = append(out, protocol.AttachmentRef{SHA256: a.SHA256, Size: a.Size, Name: a.Name})
		}
	}
	return out, nil
}

// handleFilings lists the caller's unit's filings, most recently updated first.
func (s *Server) handleFilings(w http.ResponseWriter, r *http.Request, c *caller) error {
	list := protocol.FilingList{Filings: []protocol.FilingSummary{}}
	err := s.db.View(func(txn *badger.Txn) error {
		for _, id := range keysWithPrefix(txn, key("fu", c.UnitID, "")) {
			var fr filingRecord
			if err := getJSON(txn, key("f", id), &fr); err != nil {
				return err
			}
			list.Filings = append(list.Filings, summary(fr, c.UnitName))
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("list filings of %s: %w", c.UnitID, err)
	}
	sort.SliceStable(list.Filings, func(i, j int) bool { return list.Filings[i].Updated.After(list.Filings[j].Updated) })
	s.writeJSON(w, http.StatusOK, list)
	return nil
}

// handleFiling returns a filing as detail scopes it: for a unit one of its
// own, for a reviewer any filing with the decisions open to them. It serves
// both GET /filings/{id} and GET /review/filings/{id}.
func (s *Server) handleFiling(w http.ResponseWriter, r *http.Request, c *caller) error {
	d, err := s.detail(r.PathValue("id"), c)
	if err != nil {
		return err
	}
	if c.Role != app.RoleUnit {
		w.Header().Set(protocol.HeaderETag, protocol.DecisionETag(d.RevisionID, len(d.History)))
	}
	s.writeJSON(w, http.StatusOK, d)
	return nil
}

// detail returns a filing for c: a unit sees only its own filings, the
// bureau sees every filing and the decisions it may take.
func (s *Server) detail(id string, c *caller) (protocol.FilingDetail, error) {
	var d protocol.FilingDetail
	err := s.db.View(func(txn *badger.Txn) error {
		var fr filingRecord
		if err := getJSON(txn, key("f", id), &fr); errors.Is(err, badger.ErrKeyNotFound) {
			return notFound()
		} else if err != nil {
			return err
		}
		f := fr.Filing
		if c.Role == app.RoleUnit && f.UnitID != c.UnitID {
			return notFound()
		}
		u, err := s.unit(txn, f.UnitID)
		if err != nil {
			return err
		}
		item, err := txn.Get(key("rb", f.ID, f.Revision.ID))
		if err != nil {
			return err
		}
		body, err := item.ValueCopy(nil)
		if err != nil {
			return err
		}
		d = protocol.FilingDetail{FilingSummary: summary(fr, u.Name), Body: body, BodySHA256: fr.BodySHA256,
			History: f.History, Attachments: []protocol.AttachmentInfo{}}
		if d.History == nil {
			d.History = []app.Transition{}
		}
		missing, err := s.missing(txn, f.UnitID, f.Attachments)
		if err != nil {
			return err
		}
		for _, a := range f.Attachments {
			complete := !slices.ContainsFunc(missing, func(m protocol.AttachmentRef) bool { return m.SHA256 == a.SHA256 })
			d.Attachments = append(d.Attachments, protocol.AttachmentInfo{Material: a.Material, Name: a.Name,
				SHA256: a.SHA256, Size: a.Size, MediaType: a.MediaType, Complete: complete})
		}
		if c.Role != app.RoleUnit {
			if d.Allowed, err = s.allowed(&f, body, c.Role); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return d, fmt.Errorf("filing %s: %w", id, err)
	}
	return d, nil
}

func summary(fr filingRecord, unitName string) protocol.FilingSummary {
	f := fr.Filing
	sum := protocol.FilingSummary{ID: f.ID, Kind: f.Kind, Title: fr.Title, UnitID: f.UnitID, UnitName: unitName,
		Status: f.Status, RevisionID: f.Revision.ID, Revision: f.Revision.Number, Created: f.Created, Updated: f.Updated}
	if !f.Revision.Submitted() {
		sum.PendingReceipt = protocol.ReceiptAwaitingAttachments
	}
	return sum
}
