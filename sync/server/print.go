package server

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/dgraph-io/badger/v4"

	"egovdesk/app"
	"egovdesk/app/paper"
	"egovdesk/app/pdf"
	"egovdesk/assets"
	"egovdesk/sync/protocol"
)

// printFonts are the faces the bureau prints with, parsed once: the bundled
// Noto Sans CJK SC and, for rare characters, a system face when installed.
var printFonts = sync.OnceValues(func() (*pdf.Fonts, error) {
	return pdf.NewFonts(assets.FontRegular, assets.FontBold, pdf.SystemFallback())
})

// handleVerify answers a verification code printed on paper with the
// revision it belongs to and whether that is still the current one. A code
// that matches no received revision, or whose digest differs from the
// revision's body, is not found: the paper is not what the bureau received.
func (s *Server) handleVerify(w http.ResponseWriter, r *http.Request, c *caller) error {
	v, err := s.verify(r.PathValue("code"))
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, v)
	return nil
}

// verify finds the received revision a printed verification code belongs
// to; the API and the review console both ask it.
func (s *Server) verify(text string) (protocol.Verification, error) {
	code, err := app.ParsePrintCode(text)
	if err != nil {
		return protocol.Verification{}, err
	}
	var v protocol.Verification
	err = s.db.View(func(txn *badger.Txn) error {
		digestDiffers := 0
		for _, k := range keysWithPrefix(txn, key("r", "")) {
			i := strings.LastIndexByte(k, '/')
			if i < 0 || app.CodeID(k[i+1:]) != code.RevisionID {
				continue
			}
			fid, rid := k[:i], k[i+1:]
			var rec revisionRecord
			if err := getJSON(txn, key("r", fid, rid), &rec); err != nil {
				return err
			}
			if rec.Receipt.Revision != code.Revision {
				continue
			}
			if !code.Matches(rid, rec.Receipt.Revision, rec.Receipt.BodySHA256) {
				digestDiffers = rec.Receipt.Revision
				continue
			}
			var fr filingRecord
			if err := getJSON(txn, key("f", fid), &fr); err != nil {
				return err
			}
			u, err := s.unit(txn, fr.Filing.UnitID)
			if err != nil {
				return err
			}
			v = protocol.Verification{Code: code.String(), FilingID: fid, Kind: fr.Filing.Kind, Title: fr.Title,
				UnitID: u.ID, UnitName: u.Name, Revision: rec.Receipt.Revision, RevisionID: rid,
				BodySHA256: rec.Receipt.BodySHA256, ReceivedAt: rec.Receipt.ReceivedAt,
				Current: fr.Filing.Revision.ID == rid, CurrentRevision: fr.Filing.Revision.Number,
				CurrentRevisionID: fr.Filing.Revision.ID, Status: fr.Filing.Status}
			return nil
		}
		if digestDiffers > 0 {
			return app.Errorf(app.ENOTFOUND, "核验码 %s 与数管局收到的第 %d 版正文摘要不符：纸质件与电子件不一致，请以电子件为准并核查纸质件", code, digestDiffers)
		}
		return app.Errorf(app.ENOTFOUND, "核验码 %s 不对应数管局收到的任何材料：请核对核验码，或该纸质件不是报送的版本", code)
	})
	if err != nil {
		return protocol.Verification{}, fmt.Errorf("verify %s: %w", code, err)
	}
	return v, nil
}

// handleReviewPDF prints one received revision of a filing, with its
// verification code, for a reviewer.
func (s *Server) handleReviewPDF(w http.ResponseWriter, r *http.Request, c *caller) error {
	p, err := s.printRevision(r.PathValue("id"), r.PathValue("rev"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", protocol.MediaPDF)
	w.Header().Set("Content-Disposition", "attachment; filename=\"filing.pdf\"; filename*=UTF-8''"+url.PathEscape(p.Name))
	if len(p.Missing) > 0 {
		w.Header().Set(protocol.HeaderUnprintable, url.QueryEscape(string(p.Missing)))
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(p.PDF)))
	w.WriteHeader(http.StatusOK)
	w.Write(p.PDF)
	return nil
}

// printed is one revision printed: the PDF, a file name for it
// ("项目申报书-第2版.pdf") and the characters no font could print.
type printed struct {
	PDF     []byte
	Name    string
	Missing []rune
}

// printRevision prints revision rev of filing fid — a revision ID or its
// number — as received, with its verification code. The API and the
// review console both serve it.
func (s *Server) printRevision(fid, rev string) (printed, error) {
	var (
		rec  revisionRecord
		fr   filingRecord
		rid  string
		data []byte
	)
	err := s.db.View(func(txn *badger.Txn) error {
		if err := getJSON(txn, key("f", fid), &fr); errors.Is(err, badger.ErrKeyNotFound) {
			return notFound()
		} else if err != nil {
			return err
		}
		err := getJSON(txn, key("r", fid, rev), &rec)
		switch {
		case err == nil:
			rid = rev
		case !errors.Is(err, badger.ErrKeyNotFound):
			return err
		default:
			n, convErr := strconv.Atoi(rev)
			if convErr != nil {
				return app.Errorf(app.ENOTFOUND, "材料没有版本 %s", rev)
			}
			for _, id := range keysWithPrefix(txn, key("r", fid, "")) {
				var cand revisionRecord
				if err := getJSON(txn, key("r", fid, id), &cand); err != nil {
					return err
				}
				if cand.Receipt.Revision == n {
					rec, rid = cand, id
					break
				}
			}
			if rid == "" {
				return app.Errorf(app.ENOTFOUND, "材料没有第 %d 版", n)
			}
		}
		item, err := txn.Get(key("rb", fid, rid))
		if err != nil {
			return err
		}
		data, err = item.ValueCopy(nil)
		return err
	})
	if err != nil {
		return printed{}, fmt.Errorf("print %s/%s: %w", fid, rev, err)
	}
	body, err := app.DecodeBody(data)
	if err != nil {
		return printed{}, fmt.Errorf("print %s/%s: %w", fid, rid, err)
	}
	fonts, err := printFonts()
	if err != nil {
		return printed{}, err
	}
	// 编制日期 is when the unit submitted the revision, as the client prints
	// it; the time of receipt when the history does not say.
	date := rec.Receipt.ReceivedAt
	for _, tr := range fr.Filing.History {
		if tr.Action == app.ActionSubmit && tr.RevisionID == rid {
			date = tr.At
		}
	}
	o := pdf.Options{Options: paper.Options{Date: date},
		Code: &app.PrintCode{RevisionID: rid, Revision: rec.Receipt.Revision, BodySHA256: rec.Receipt.BodySHA256}}
	if p := s.profile.Load(); p != nil {
		o.Required = p.AcceptanceMaterials
	}
	res, err := pdf.Render(body, fonts, o)
	if err != nil {
		return printed{}, fmt.Errorf("print %s/%s: %w", fid, rid, err)
	}
	name := fmt.Sprintf("%s-第%d版.pdf", body.Kind.Label(), rec.Receipt.Revision)
	return printed{PDF: res.PDF, Name: name, Missing: res.Missing}, nil
}
