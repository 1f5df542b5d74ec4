package server

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"

	"egovdesk/app"
	"egovdesk/sync/protocol"
)

// checkRequest checks what can be checked of a submission without the
// store: the body hash and that the request, the path and the body agree.
// It returns the decoded body, or an EINVALID *app.Error with field problems.
//
// decoded, when not nil, is the body decoded already together with the
// request, its keys checked (see decodeBatch); its shape is still checked
// here, as app.DecodeBody checks it.
func (s *Server) checkRequest(filingID, revisionID string, req protocol.SubmitRequest, decoded *app.Body) (app.Body, error) {
	if err := checkHash(req); err != nil {
		return app.Body{}, err
	}
	if err := checkIDs(filingID, revisionID, req.BaseRevisionID); err != nil {
		return app.Body{}, err
	}
	var body app.Body
	var err error
	if decoded != nil { // its keys checked before it was decoded (decodeBatch)
		body, err = *decoded, decoded.CheckShape()
	} else if err = checkBodyKeys(req.Body); err == nil {
		body, err = decodeBody(req.Body)
	}
	if err != nil {
		return app.Body{}, err
	}
	if err := s.checkAgreement(filingID, revisionID, req, &body); err != nil {
		return app.Body{}, err
	}
	return body, nil
}

// decodeBody decodes a submitted body strictly: the body is stored and
// served to reviewers as received, so a field the bureau does not know (or
// anything after the object) is refused, not left in it unread. The fast
// batch path (decodeBatch) is as strict. It fails with an EINVALID
// *app.Error naming the field.
func decodeBody(data []byte) (app.Body, error) {
	var b app.Body
	if err := decodeJSON(data, &b); err != nil {
		if err == errTrailing {
			return app.Body{}, fieldErr("body", "材料内容在 JSON 之后还有多余内容")
		}
		return app.Body{}, fieldErr("body", "材料内容有误："+jsonWhere(err))
	}
	return b, b.CheckShape()
}

// maxID is the longest filing or revision id; the client mints UUIDs (36).
const maxID = protocol.MaxID

// checkIDs checks the ids a submission names: each at most maxID
// characters of letters, digits, '-', '_' and '.', as they become parts of
// the store's keys.
func checkIDs(filingID, revisionID, baseID string) error {
	var p app.Problems
	for _, f := range [...]struct{ name, id string }{{"filing_id", filingID}, {"revision_id", revisionID}, {"base_revision_id", baseID}} {
		if f.id == "" && f.name == "base_revision_id" {
			continue
		}
		if !validID(f.id) {
			p.Add(f.name, "编号须为 1–%d 个字母、数字或 - _ .（客户端生成的 UUID）", maxID)
		}
	}
	return p.Err()
}

func validID(id string) bool {
	if id == "" || len(id) > maxID {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// checkHash checks that the body of req hashes to its body_sha256.
func checkHash(req protocol.SubmitRequest) error {
	if !app.ValidSHA256(req.BodySHA256) {
		return fieldErr("body_sha256", "内容校验值须为 64 位小写十六进制的 SHA-256")
	}
	var want [sha256.Size]byte
	if _, err := hex.Decode(want[:], []byte(req.BodySHA256)); err != nil || sha256.Sum256(req.Body) != want {
		return fieldErr("body_sha256", "内容与校验值不符：传输中可能损坏，请重新提交")
	}
	return nil
}

// checkAgreement checks that the request, the path and the decoded body
// agree, and the attachments' number and sizes.
func (s *Server) checkAgreement(filingID, revisionID string, req protocol.SubmitRequest, body *app.Body) error {
	var p app.Problems
	if req.FilingID != filingID || body.ID != filingID {
		p.Add("filing_id", "材料编号与请求地址不一致")
	}
	if req.RevisionID != revisionID || body.RevisionID != revisionID {
		p.Add("revision_id", "版本编号与请求地址不一致")
	}
	if req.BaseRevisionID != body.BaseID {
		p.Add("base_revision_id", "上一版本编号与材料内容不一致")
	}
	if req.Revision != body.Revision {
		p.Add("revision", "版本号与材料内容不一致")
	}
	if len(body.Attachments) > s.cfg.MaxAttachments {
		p.Add("attachments", "附件不能超过 %d 个（现有 %d 个）", s.cfg.MaxAttachments, len(body.Attachments))
	}
	if !sameAttachments(req.Attachments, body.Attachments) {
		p.Add("attachments", "附件清单与材料内容不一致")
	}
	if err := p.Err(); err != nil {
		return err
	}
	var big app.Problems
	for i, a := range body.Attachments {
		if a.Size > s.cfg.MaxAttachmentBytes {
			big.Add(fmt.Sprintf("attachments[%d].size", i), "附件“%s”有 %s，超过数管局允许的 %s", a.Name, app.SizeLabel(a.Size), app.SizeLabel(s.cfg.MaxAttachmentBytes))
		}
	}
	if len(big) > 0 {
		return &app.Error{Code: app.ETOOLARGE, Message: "附件超出大小限制", Fields: big}
	}
	return nil
}

func sameAttachments(refs []protocol.AttachmentRef, atts []app.Attachment) bool {
	if len(refs) != len(atts) {
		return false
	}
	if len(refs) == 0 {
		return true
	}
	a := make([]string, 0, len(refs))
	for _, r := range refs {
		a = append(a, fmt.Sprintf("%s/%d", r.SHA256, r.Size))
	}
	b := make([]string, 0, len(atts))
	for _, x := range atts {
		b = append(b, fmt.Sprintf("%s/%d", x.SHA256, x.Size))
	}
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func fieldErr(field, msg string) error {
	return &app.Error{Code: app.EINVALID, Message: msg, Fields: []app.FieldError{{Field: field, Message: msg}}}
}
