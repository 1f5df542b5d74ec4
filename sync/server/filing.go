package server

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"egovdesk/app"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server/bureaustore"
)

// filingRecord is a filing as the store keeps it (see bureaustore.Filing).
type filingRecord = bureaustore.Filing

func notFound() error { return bureaustore.NotFound() }

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
	giveBack, err := s.takeSubmissions(r.Context(), w, c, []protocol.SubmitRequest{req})
	if err != nil {
		return err
	}
	receipt, created, err := s.submit(r.Context(), c, req, body)
	giveBack([]bool{created})
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
	prof := s.profile.Load()
	invalid, year, err := s.contentRules(ctx, c, body, prof, now)
	if err != nil {
		return protocol.Receipt{}, false, fmt.Errorf("submit %s/%s: %w", body.ID, body.RevisionID, err)
	}
	sub := newSubmission(req, body, invalid, year, prof)
	var out [1]protocol.BatchResult
	err = s.applyBatch(ctx, c, []*bureaustore.Submission{sub}, out[:], now)
	if err != nil {
		return protocol.Receipt{}, false, fmt.Errorf("submit %s/%s: %w", body.ID, body.RevisionID, err)
	}
	res := out[0]
	if res.Problem != nil {
		return protocol.Receipt{}, false, res.Problem
	}
	return *res.Receipt, res.Status == http.StatusCreated, nil
}

// pageParams reads a page's ParamLimit (def when absent, at most max) and
// ParamCursor (base64url of the key the previous page ended at; "" for the
// first), or fails with the EINVALID problem naming the bad one.
func pageParams(q url.Values, def, max int) (limit int, after string, err error) {
	limit = def
	if v := q.Get(protocol.ParamLimit); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return 0, "", fieldErr(protocol.ParamLimit, "limit 须为正整数")
		}
		limit = min(n, max)
	}
	if v := q.Get(protocol.ParamCursor); v != "" {
		raw, err := base64.RawURLEncoding.DecodeString(v)
		if err != nil || len(raw) == 0 || len(raw) > 256 {
			return 0, "", fieldErr(protocol.ParamCursor, "cursor 无效，请从第一页重新开始")
		}
		after = string(raw)
	}
	return limit, after, nil
}

// handleFilings lists a page of the caller's unit's filings in the order
// of their IDs (ParamLimit, ParamCursor): a unit's list was one answer,
// 12 MB for the 30,000 filings one clerk's token made (found from
// outside), built whole for each call.
func (s *Server) handleFilings(w http.ResponseWriter, r *http.Request, c *caller) error {
	q := r.URL.Query()
	limit, after, err := pageParams(q, protocol.FilingsDefaultLimit, protocol.FilingsMaxLimit)
	if err != nil {
		return err
	}
	frs, more, err := s.store.UnitFilingsPage(r.Context(), c.UnitID, after, limit)
	if err != nil {
		return err
	}
	list := protocol.FilingList{Filings: make([]protocol.FilingSummary, 0, len(frs))}
	for _, fr := range frs {
		list.Filings = append(list.Filings, summary(fr, c.UnitName))
	}
	if more {
		list.Next = base64.RawURLEncoding.EncodeToString([]byte(frs[len(frs)-1].Filing.ID))
	}
	s.writeJSON(w, http.StatusOK, list)
	return nil
}

// handleFiling returns a filing as detail scopes it: for a unit one of its
// own, for a reviewer any filing with the decisions open to them. It serves
// both GET /filings/{id} and GET /review/filings/{id}.
func (s *Server) handleFiling(w http.ResponseWriter, r *http.Request, c *caller) error {
	d, err := s.detail(r.Context(), r.PathValue("id"), c)
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
func (s *Server) detail(ctx context.Context, id string, c *caller) (protocol.FilingDetail, error) {
	scope := ""
	if c.Role == app.RoleUnit {
		scope = c.UnitID
	}
	v, err := s.store.Filing(ctx, scope, id)
	if err != nil {
		return protocol.FilingDetail{}, err
	}
	f := v.Filing.Filing
	d := protocol.FilingDetail{FilingSummary: summary(v.Filing, v.Unit.Name), Body: v.Body, BodySHA256: v.BodySHA256,
		History: f.History, Attachments: []protocol.AttachmentInfo{}}
	if d.History == nil {
		d.History = []app.Transition{}
	}
	for _, a := range f.Attachments {
		complete := !slices.ContainsFunc(v.Missing, func(m protocol.AttachmentRef) bool { return m.SHA256 == a.SHA256 })
		d.Attachments = append(d.Attachments, protocol.AttachmentInfo{Material: a.Material, Name: a.Name,
			SHA256: a.SHA256, Size: a.Size, MediaType: a.MediaType, Complete: complete})
	}
	if c.Role != app.RoleUnit {
		if d.Allowed, err = s.allowed(ctx, &f, v.Body, c.Role); err != nil {
			return protocol.FilingDetail{}, err
		}
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
