package server

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"time"

	"egovdesk/app"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server/bureaustore"
	"egovdesk/sync/server/internal/serve"
)

// Restoring a unit's filings on a new machine: the unit's clerk pages
// through every filing the bureau holds for the unit (GET /restore), with
// all revisions, bodies as received and history, fetches a body left out of
// a page (GET /filings/{id}/revisions/{rev}) and an attachment when the
// clerk opens it (GET /filings/{id}/attachments/{sha256}). The store reads
// the records (bureaustore.Storage's Restore block: RestorePage,
// RestoreFiling) and this layer words them for the wire. A unit sees only
// its own: every read is scoped to the caller's unit, and a filing of
// another unit is "not found", as everywhere else.

// restoreRoutes are the routes of restoring, added to the route table.
func (s *Server) restoreRoutes() []route {
	r := func(method, path string, h handlerFunc) route {
		return route{Route{method + " " + path, AccessUnit}, h}
	}
	return []route{
		r("GET", protocol.PathRestore, s.handleRestore),
		r("GET", protocol.PathRestoreFiling, s.handleRestoreFiling),
		r("GET", protocol.PathRevision, s.handleRevisionBody),
		r("GET", protocol.PathFilingAttachment, s.handleFilingAttachment),
	}
}

// handleRestore answers one page of the unit's filings.
func (s *Server) handleRestore(w http.ResponseWriter, r *http.Request, c *caller) error {
	q := r.URL.Query()
	limit, after, err := pageParams(q, protocol.RestoreDefaultLimit, protocol.RestoreMaxLimit)
	if err != nil {
		return err
	}
	p, err := s.store.RestorePage(r.Context(), c.UnitID, after, limit, protocol.RestorePageBytes)
	s.auditRead(r.Context(), "restore.page", c.UnitID, err, fmt.Sprintf("恢复：读取本单位材料 %d 件，起点 %q", len(p.Filings), clip(after, 64)))
	if err != nil {
		return err
	}
	page := protocol.RestorePage{Filings: make([]protocol.RestoreFiling, 0, len(p.Filings)), Total: p.Total,
		FeedCursor: cursor{p.Epoch, c.UnitID, p.FeedSeq}.String()}
	for _, f := range p.Filings {
		page.Filings = append(page.Filings, restoreFiling(f))
	}
	s.signRestored(page.Filings)
	if p.Next != "" {
		page.Next = base64.RawURLEncoding.EncodeToString([]byte(p.Next))
	}
	s.writeJSON(w, http.StatusOK, page)
	return nil
}

// handleRestoreFiling answers one filing as a page holds it, all its
// bodies inline.
func (s *Server) handleRestoreFiling(w http.ResponseWriter, r *http.Request, c *caller) error {
	f, err := s.store.RestoreFiling(r.Context(), c.UnitID, r.PathValue("id"))
	s.auditRead(r.Context(), "restore.filing", clip(r.PathValue("id"), 64), err, "")
	if err != nil {
		return err
	}
	out := []protocol.RestoreFiling{restoreFiling(f)}
	s.signRestored(out)
	s.writeJSON(w, http.StatusOK, out[0])
	return nil
}

// signRestored signs the receipt of each revision of fs, as every receipt
// the bureau sends; one that cannot be signed goes without (and is logged).
func (s *Server) signRestored(fs []protocol.RestoreFiling) {
	for i := range fs {
		for j := range fs[i].Revisions {
			rr := &fs[i].Revisions[j]
			if rr.Receipt == nil {
				continue
			}
			signed, err := protocol.SignReceipt(s.receiptKey, *rr.Receipt)
			if err != nil {
				s.log.Error("restored receipt not signed", "filing", fs[i].ID, "revision", rr.ID, "err", err)
				rr.Receipt = nil
				continue
			}
			rr.Receipt = &signed
		}
	}
}

// restoreFiling is the wire form of a filing the store read for a
// restore: each revision's base is the one before it, and its submission
// time that of its submit transition.
func restoreFiling(rf bureaustore.RestoreFiling) protocol.RestoreFiling {
	f := rf.Filing.Filing
	out := protocol.RestoreFiling{ID: f.ID, Kind: f.Kind, Title: rf.Filing.Title, UnitID: f.UnitID, ProjectID: f.ProjectID,
		Status: f.Status, Created: f.Created, Updated: f.Updated, History: f.History,
		Revisions: make([]protocol.RestoreRevision, 0, len(rf.Revisions))}
	if out.History == nil {
		out.History = []app.Transition{}
	}
	submitted := map[string]time.Time{}
	for _, t := range f.History {
		if t.Action == app.ActionSubmit {
			submitted[t.RevisionID] = t.At
		}
	}
	for i, r := range rf.Revisions {
		rc := r.Revision.Receipt
		rr := protocol.RestoreRevision{ID: r.ID, Number: rc.Revision, BodySHA256: rc.BodySHA256,
			ReceivedAt: rc.ReceivedAt, SubmittedAt: submitted[r.ID], Status: rc.Status, Body: r.Body}
		rc.UnitID = f.UnitID // stored receipts before SM3 have none
		rr.Receipt = &rc
		if i > 0 {
			rr.BaseID = rf.Revisions[i-1].ID
		}
		out.Revisions = append(out.Revisions, rr)
	}
	return out
}

// handleRevisionBody answers GET /filings/{id}/revisions/{rev}: the body as
// received, the bytes whose SHA-256 the receipt holds. {rev} is the
// revision's ID only.
func (s *Server) handleRevisionBody(w http.ResponseWriter, r *http.Request, c *caller) error {
	id, rid := r.PathValue("id"), r.PathValue("rev")
	v, err := s.store.Revision(r.Context(), id, rid)
	if err != nil {
		return err
	}
	if v.RevisionID != rid || v.Filing.Filing.UnitID != c.UnitID || v.Revision.UnitID != c.UnitID {
		return notFound()
	}
	h := w.Header()
	h.Set("Content-Type", protocol.MediaJSON)
	h.Set(protocol.HeaderETag, `"`+v.Revision.Receipt.BodySHA256+`"`)
	h.Set("Content-Length", strconv.Itoa(len(v.Body)))
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(v.Body)
	return err
}

// handleFilingAttachment serves an attachment of one of the unit's
// filings: the bytes its own upload left, complete and verified, with
// ranges (a download resumes). The filing must be the unit's, and the file
// is looked up among the caller's unit's uploads only: another unit's
// attachment with the same hash is never served.
func (s *Server) handleFilingAttachment(w http.ResponseWriter, r *http.Request, c *caller) error {
	id := r.PathValue("id")
	sum, err := pathSHA256(r)
	if err != nil {
		return err
	}
	if _, err := s.store.Filing(r.Context(), c.UnitID, id); err != nil {
		return fmt.Errorf("attachment of %s: %w", id, err)
	}
	f, err := os.Open(s.attachmentPath(c.UnitID, sum, true))
	if errors.Is(err, os.ErrNotExist) {
		return app.Errorf(app.ENOTFOUND, "数管局没有这个附件（或尚未上传完整）")
	}
	if err != nil {
		return fmt.Errorf("open attachment %s: %w", sum, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("stat attachment %s: %w", sum, err)
	}
	w.Header().Set(protocol.HeaderETag, `"`+sum+`"`)
	w.Header().Set("Content-Type", "application/octet-stream")
	serve.Content(w, r, st.ModTime(), f, s.rangeRefused(r, st.Size()))
	return nil
}
