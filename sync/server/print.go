package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"sync"

	"egovdesk/app"
	"egovdesk/app/paper"
	"egovdesk/app/pdf"
	"egovdesk/assets"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server/internal/serve"
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
	revs, err := s.store.RevisionsByCode(context.Background(), code, 1)
	if err != nil {
		return protocol.Verification{}, fmt.Errorf("verify %s: %w", code, err)
	}
	digestDiffers := 0
	for _, r := range revs {
		rec, rid, fr, u := r.Revision, r.RevisionID, r.Filing, r.Unit
		if rec.Receipt.Revision != code.Revision {
			continue
		}
		if !code.Matches(rid, rec.Receipt.Revision, rec.Receipt.BodySHA256) {
			digestDiffers = rec.Receipt.Revision
			continue
		}
		v = protocol.Verification{Code: code.String(), FilingID: fr.Filing.ID, Kind: fr.Filing.Kind, Title: fr.Title,
			UnitID: u.ID, UnitName: u.Name, Revision: rec.Receipt.Revision, RevisionID: rid,
			BodySHA256: rec.Receipt.BodySHA256, ReceivedAt: rec.Receipt.ReceivedAt,
			Current: fr.Filing.Revision.ID == rid, CurrentRevision: fr.Filing.Revision.Number,
			CurrentRevisionID: fr.Filing.Revision.ID, Status: fr.Filing.Status,
			Awaiting: rec.Receipt.Status == protocol.ReceiptAwaitingAttachments}
		return v, nil
	}
	if digestDiffers > 0 {
		return v, app.Errorf(app.ENOTFOUND, "核验码 %s 与数管局收到的第 %d 版正文摘要不符：纸质件与电子件不一致，请以电子件为准并核查纸质件", code, digestDiffers)
	}
	return v, app.Errorf(app.ENOTFOUND, "核验码 %s 不对应数管局收到的任何材料：请核对核验码，或该纸质件不是报送的版本", code)
}

// handleReviewPDF prints one received revision of a filing, with its
// verification code, for a reviewer.
func (s *Server) handleReviewPDF(w http.ResponseWriter, r *http.Request, c *caller) error {
	p, err := s.printRevision(r.Context(), c, r.PathValue("id"), r.PathValue("rev"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", protocol.MediaPDF)
	w.Header().Set("Content-Disposition", contentDisposition(p.Name)) // RFC 8187: url.PathEscape left = : @ in filename*
	if m := p.Missing; len(m) > 0 {
		if len(m) > protocol.MaxUnprintableListed {
			m = append(m[:protocol.MaxUnprintableListed:protocol.MaxUnprintableListed], '…')
		}
		w.Header().Set(protocol.HeaderUnprintable, url.QueryEscape(string(m)))
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(p.PDF)))
	w.Header().Set("Cache-Control", serve.CacheControl)
	w.WriteHeader(http.StatusOK)
	w.Write(p.PDF)
	return nil
}

// printers is how many copies the bureau prints at once.
const printers = 2

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
//
// At most printers copies are made at once, each taking up to a few
// hundred MB (found from outside: 16 prints of one large filing at once
// took 4.3 GB); the others wait their turn, as long as their request does.
//
// An account has at most printers copies waiting or printing: one
// reviewer's forty prints at once kept another's one-page copy waiting
// 90 s (found from outside).
func (s *Server) printRevision(ctx context.Context, c *caller, fid, rev string) (printed, error) {
	done, ok := s.printQueue.acquire(c.ID, printers)
	if !ok {
		return printed{}, app.Errorf(app.ETOOMANY, "您已有 %d 份材料正在打印，请待其打印完再试", printers)
	}
	defer done()
	v, err := s.store.Revision(ctx, fid, rev)
	if err != nil {
		return printed{}, fmt.Errorf("print %s/%s: %w", fid, rev, err)
	}
	rec, fr, rid, data := v.Revision, v.Filing, v.RevisionID, v.Body
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
		o.ConfirmLabel = p.ConfirmationLabel
		o.KindName = p.KindName(body.Kind)
		o.AdjustAs = p.AdjustmentAs
	}
	select { // a printer, once the copy is known to be there
	case s.printing <- struct{}{}:
	case <-ctx.Done():
		return printed{}, ctx.Err()
	}
	res, err := pdf.Render(body, fonts, o)
	<-s.printing
	if err != nil {
		return printed{}, fmt.Errorf("print %s/%s: %w", fid, rid, err)
	}
	named := app.Filing{Kind: body.Kind, Revision: app.Revision{Number: rec.Receipt.Revision}}
	named.SetContent(&body)
	name := s.profile.Load().PrintName(&named) + ".pdf"
	return printed{PDF: res.PDF, Name: name, Missing: res.Missing}, nil
}
