package server

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strconv"

	"github.com/dgraph-io/badger/v4"
	"github.com/google/uuid"

	"egovdesk/app"
	"egovdesk/sync/protocol"
)

// Restoring a unit's filings on a new machine: the unit's clerk pages
// through every filing the bureau holds for the unit (GET /restore), with
// all revisions, bodies as received and history, fetches a body left out of
// a page (GET /filings/{id}/revisions/{rev}) and an attachment when the
// clerk opens it (GET /filings/{id}/attachments/{sha256}). A unit sees only
// its own: every read checks the filing's unit against the caller's, and a
// filing of another unit is "not found", as everywhere else.

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
	limit := protocol.RestoreDefaultLimit
	if v := q.Get(protocol.ParamLimit); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return fieldErr(protocol.ParamLimit, "limit 须为正整数")
		}
		limit = min(n, protocol.RestoreMaxLimit)
	}
	after := ""
	if v := q.Get(protocol.ParamCursor); v != "" {
		raw, err := base64.RawURLEncoding.DecodeString(v)
		if err != nil || len(raw) == 0 || len(raw) > 256 {
			return fieldErr(protocol.ParamCursor, "cursor 无效，请从第一页重新开始")
		}
		after = string(raw)
	}
	page, err := s.restorePage(c.UnitID, after, limit)
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, page)
	return nil
}

// restorePage reads up to limit filings of unit after the filing ID after,
// with their bodies inline up to protocol.RestorePageBytes.
func (s *Server) restorePage(unit, after string, limit int) (protocol.RestorePage, error) {
	page := protocol.RestorePage{Filings: []protocol.RestoreFiling{}}
	epoch := *s.epoch.Load()
	err := s.db.View(func(txn *badger.Txn) error {
		head, err := getUint(txn, key("cs", unit))
		if err != nil {
			return err
		}
		page.FeedCursor = cursor{epoch, unit, head}.String()
		prefix := key("fu", unit, "")
		if after == "" {
			page.Total = len(keysWithPrefix(txn, prefix))
		}
		// The unit's filings from the one after the cursor, keys only.
		opts := badger.DefaultIteratorOptions
		opts.PrefetchValues = false
		opts.Prefix = prefix
		it := txn.NewIterator(opts)
		defer it.Close()
		it.Seek(append(append([]byte{}, prefix...), after...))
		if it.Valid() && string(it.Item().Key()[len(prefix):]) == after {
			it.Next()
		}
		budget := int64(protocol.RestorePageBytes)
		for ; it.Valid() && len(page.Filings) < limit; it.Next() {
			id := string(it.Item().Key()[len(prefix):])
			f, err := s.restoreFiling(txn, unit, id, &budget, len(page.Filings) == 0)
			if err != nil {
				return err
			}
			page.Filings = append(page.Filings, f)
		}
		if it.Valid() && len(page.Filings) > 0 {
			page.Next = base64.RawURLEncoding.EncodeToString([]byte(page.Filings[len(page.Filings)-1].ID))
		}
		return nil
	})
	if err != nil {
		return page, fmt.Errorf("restore page of %s: %w", unit, err)
	}
	return page, nil
}

// handleRestoreFiling answers one filing as a page holds it, all its
// bodies inline.
func (s *Server) handleRestoreFiling(w http.ResponseWriter, r *http.Request, c *caller) error {
	var f protocol.RestoreFiling
	err := s.db.View(func(txn *badger.Txn) error {
		var err error
		budget := int64(protocol.RestorePageBytes)
		f, err = s.restoreFiling(txn, c.UnitID, r.PathValue("id"), &budget, true)
		return err
	})
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, f)
	return nil
}

// restoreFiling reads filing id of unit with its revisions, oldest first,
// and their bodies while budget lasts (always, when all is set). It fails
// with ENOTFOUND for a filing of another unit or none.
func (s *Server) restoreFiling(txn *badger.Txn, unit, id string, budget *int64, all bool) (protocol.RestoreFiling, error) {
	var fr filingRecord
	if err := getJSON(txn, key("f", id), &fr); errors.Is(err, badger.ErrKeyNotFound) {
		return protocol.RestoreFiling{}, notFound()
	} else if err != nil {
		return protocol.RestoreFiling{}, err
	}
	f := fr.Filing
	if f.UnitID != unit {
		return protocol.RestoreFiling{}, notFound()
	}
	out := protocol.RestoreFiling{ID: f.ID, Kind: f.Kind, Title: fr.Title, UnitID: f.UnitID, ProjectID: f.ProjectID, Status: f.Status,
		Created: f.Created, Updated: f.Updated, History: f.History, Revisions: []protocol.RestoreRevision{}}
	if out.History == nil {
		out.History = []app.Transition{}
	}
	submitted := map[string]app.Transition{}
	for _, t := range f.History {
		if t.Action == app.ActionSubmit {
			submitted[t.RevisionID] = t
		}
	}
	opts := badger.DefaultIteratorOptions
	opts.Prefix = key("r", id, "")
	it := txn.NewIterator(opts)
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		var rev revisionRecord
		if err := decodeItem(it.Item(), &rev); err != nil {
			return out, err
		}
		rc := rev.Receipt
		rr := protocol.RestoreRevision{ID: rc.RevisionID, Number: rc.Revision, BodySHA256: rc.BodySHA256,
			ReceivedAt: rc.ReceivedAt, Status: rc.Status}
		if t, ok := submitted[rc.RevisionID]; ok {
			rr.SubmittedAt = t.At
		}
		out.Revisions = append(out.Revisions, rr)
	}
	slices.SortFunc(out.Revisions, func(a, b protocol.RestoreRevision) int { return a.Number - b.Number })
	for i := range out.Revisions {
		rr := &out.Revisions[i]
		if i > 0 {
			rr.BaseID = out.Revisions[i-1].ID
		}
		item, err := txn.Get(key("rb", id, rr.ID))
		if err != nil {
			return out, fmt.Errorf("body of %s/%s: %w", id, rr.ID, err)
		}
		if size := item.ValueSize(); all || size <= *budget {
			if rr.Body, err = item.ValueCopy(nil); err != nil {
				return out, err
			}
			*budget -= int64(size)
		}
	}
	return out, nil
}

// handleRevisionBody answers GET /filings/{id}/revisions/{rev}: the body as
// received, the bytes whose SHA-256 the receipt holds.
func (s *Server) handleRevisionBody(w http.ResponseWriter, r *http.Request, c *caller) error {
	id, rid := r.PathValue("id"), r.PathValue("rev")
	var body []byte
	var sum string
	err := s.db.View(func(txn *badger.Txn) error {
		var rev revisionRecord
		if err := getJSON(txn, key("r", id, rid), &rev); errors.Is(err, badger.ErrKeyNotFound) {
			return notFound()
		} else if err != nil {
			return err
		}
		if rev.UnitID != c.UnitID {
			return notFound()
		}
		sum = rev.Receipt.BodySHA256
		item, err := txn.Get(key("rb", id, rid))
		if err != nil {
			return err
		}
		body, err = item.ValueCopy(nil)
		return err
	})
	if err != nil {
		return fmt.Errorf("revision body %s/%s: %w", id, rid, err)
	}
	h := w.Header()
	h.Set("Content-Type", protocol.MediaJSON)
	h.Set(protocol.HeaderETag, `"`+sum+`"`)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(body)
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
	var fr filingRecord
	err = s.db.View(func(txn *badger.Txn) error { return getJSON(txn, key("f", id), &fr) })
	if errors.Is(err, badger.ErrKeyNotFound) || err == nil && fr.Filing.UnitID != c.UnitID {
		return notFound()
	}
	if err != nil {
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
	http.ServeContent(w, r, "", st.ModTime(), f)
	return nil
}

// appendRevisionChange adds a ChangeRevision for the submission t of
// filing fid to unit's feed, reading the feed's head from txn and writing
// through w (a submission's stage), so that the unit's other machines
// learn of a revision sent from one of them. Callers hold writeMu (the
// group commit) and notify the unit's feed after the commit.
func appendRevisionChange(txn *badger.Txn, w writer, unit string, t app.Transition, fid string) error {
	seq, err := getUint(txn, key("cs", unit))
	if err != nil {
		return err
	}
	seq++
	c := protocol.Change{ID: uuid.NewString(), Seq: seq, Type: protocol.ChangeRevision, At: t.At,
		FilingID: fid, RevisionID: t.RevisionID, Transition: &t}
	if err := setJSON(w, seqKey(unit, seq), c); err != nil {
		return err
	}
	return w.Set(key("cs", unit), binary.BigEndian.AppendUint64(nil, seq))
}
