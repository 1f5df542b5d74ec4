package server

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"egovdesk/app"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server/bureaustore"
)

// Drafts kept for units: a unit's clerks keep a copy of each unsent draft
// at the bureau (GET /drafts, PUT and DELETE /drafts/{id}), so that a dead
// laptop loses none. The area is the unit's alone: the routes are for unit
// accounts only, every read and write is scoped to the caller's unit, and
// nothing of it reaches the review queue, the similar-projects index, the
// console or a change feed. A bureau switches it off in its rule profile
// (app.Profile.KeepsDrafts); then every route answers 403.

// draftRoutes are the routes of the draft area, added to the route table.
func (s *Server) draftRoutes() []route {
	r := func(method, path string, h handlerFunc) route {
		return route{Route{method + " " + path, AccessUnit}, h}
	}
	return []route{
		r("GET", protocol.PathDrafts, s.draftsOn(s.handleDrafts)),
		r("GET", protocol.PathDraft, s.draftsOn(s.handleDraft)),
		r("PUT", protocol.PathDraft, s.draftsOn(s.handlePutDraft)),
		r("DELETE", protocol.PathDraft, s.draftsOn(s.handleDeleteDraft)),
	}
}

// draftsOn refuses h's requests while the bureau's profile keeps no drafts.
func (s *Server) draftsOn(h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, c *caller) error {
		if !s.profile.Load().KeepsDrafts() {
			return app.Errorf(app.EFORBIDDEN, "本数管局不保留草稿副本（规则配置已关闭此功能），草稿只保存在您的电脑上，请注意备份")
		}
		return h(w, r, c)
	}
}

// handleDrafts answers one page of the unit's drafts, without their bodies.
func (s *Server) handleDrafts(w http.ResponseWriter, r *http.Request, c *caller) error {
	q := r.URL.Query()
	limit, after, err := pageParams(q, protocol.DraftsDefaultLimit, protocol.DraftsMaxLimit)
	if err != nil {
		return err
	}
	p, err := s.store.Drafts(r.Context(), c.UnitID, after, limit)
	if err != nil {
		return err
	}
	page := protocol.DraftPage{Drafts: make([]protocol.Draft, 0, len(p.Drafts)), Total: p.Total}
	for _, d := range p.Drafts {
		page.Drafts = append(page.Drafts, protocol.Draft{ID: d.ID, Version: d.Version, SHA256: d.SHA256, Updated: d.Updated})
	}
	if p.Next != "" {
		page.Next = base64.RawURLEncoding.EncodeToString([]byte(p.Next))
	}
	s.writeJSON(w, http.StatusOK, page)
	return nil
}

// handleDraft answers one of the unit's drafts with its body.
func (s *Server) handleDraft(w http.ResponseWriter, r *http.Request, c *caller) error {
	d, err := s.store.Draft(r.Context(), c.UnitID, r.PathValue("id"))
	if err != nil {
		return draftProblem(err)
	}
	s.writeJSON(w, http.StatusOK, protocol.Draft{ID: d.ID, Version: d.Version, SHA256: d.SHA256, Updated: d.Updated, Body: d.Body})
	return nil
}

// handlePutDraft stores the unit's draft over the version the client saw.
func (s *Server) handlePutDraft(w http.ResponseWriter, r *http.Request, c *caller) error {
	var in protocol.DraftPut
	if err := decode(w, r, bureaustore.MaxDraftBytes+4096, &in); err != nil {
		return err
	}
	if !validDraftID(r.PathValue("id")) {
		// Each part's limit, as validDraftID reads them: "1–129" of the whole
		// let a 65-character ID without @ seem allowed (found from outside).
		return app.Errorf(app.EINVALID, "草稿编号须为材料编号，或“材料编号@版本编号”：每个编号 1–%d 个字母、数字或 - _ .", protocol.MaxID)
	}
	if in.BaseVersion < 0 {
		return fieldErr("base_version", "base_version 不能为负数")
	}
	if len(in.Body) == 0 {
		return fieldErr("body", "草稿内容不能为空")
	}
	// The body is kept and served back as received, inside a JSON answer:
	// invalid UTF-8, an escaped U+0000 or a nesting no parser takes would
	// make the unit's own restore fail on it. The same check as a
	// submission's body (checkJSON skips the RawMessage).
	if err := checkJSONText(in.Body); err != nil {
		return err
	}
	sum := sha256.Sum256(in.Body)
	if hex.EncodeToString(sum[:]) != in.SHA256 {
		return fieldErr("sha256", "草稿内容与 sha256 不符，请重新上传")
	}
	// A draft rewritten over and over writes as much as uploads do (found
	// from outside: 1,500 rewrites of 1 MiB grew the store by 1.1 GB in 36
	// s, until Badger's next garbage collection): the same daily budget.
	if err := s.takeBudget(w, c, int64(len(in.Body))); err != nil {
		return err
	}
	d, err := s.store.PutDraft(r.Context(), c.UnitID, bureaustore.Draft{ID: r.PathValue("id"), SHA256: in.SHA256,
		Updated: s.Now(), Body: in.Body}, in.BaseVersion)
	if err != nil {
		return draftProblem(err)
	}
	status := http.StatusOK
	if d.Version == 1 {
		status = http.StatusCreated
	}
	s.writeJSON(w, status, protocol.Draft{ID: d.ID, Version: d.Version, SHA256: d.SHA256, Updated: d.Updated})
	return nil
}

// handleDeleteDraft deletes the unit's draft at the version given (none:
// whatever it is).
func (s *Server) handleDeleteDraft(w http.ResponseWriter, r *http.Request, c *caller) error {
	var version int64
	if v := r.URL.Query().Get(protocol.ParamVersion); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return fieldErr(protocol.ParamVersion, "version 须为非负整数")
		}
		version = n
	}
	if err := s.store.DeleteDraft(r.Context(), c.UnitID, r.PathValue("id"), version); err != nil {
		return draftProblem(err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// draftProblem words the store's refusals of a draft for the client.
func draftProblem(err error) error {
	var dc *bureaustore.DraftConflict
	var ae *app.Error
	switch {
	case errors.As(err, &dc):
		return app.Errorf(app.ECONFLICT, "%s", dc.Error())
	case errors.As(err, &ae):
		return ae
	}
	return err
}

// validDraftID reports whether id is a draft ID as clients make them: a
// filing ID, or "<filing ID>@<revision ID>".
func validDraftID(id string) bool {
	f, rev, two := strings.Cut(id, "@")
	return validID(f) && (!two || validID(rev))
}
