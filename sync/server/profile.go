package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"

	"egovdesk/app"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server/bureaustore"
)

// profileRecord is the bureau's rule profile file as it was set.
type profileRecord = bureaustore.Profile

// SetProfile makes the profile file data (read from name, e.g.
// "huoqiu.json") the bureau's rule profile, checked by app.LoadProfile, and
// tells every unit with a profile change. The profile is kept and served in
// compact JSON, so its Version is the SHA-256 of that form. Setting the same
// profile again is a no-op. It fails with the EINVALID *app.Error of app.LoadProfile.
func (s *Server) SetProfile(ctx context.Context, name string, data []byte) (_ protocol.ProfileDocument, err error) {
	if err = s.auditReady(); err != nil {
		return
	}
	defer s.audited(ctx, "profile.set", name, &err)
	// The file travels inside a JSON document, which compacts it; load the
	// compact form so the version the client computes is the one served.
	canon, err := json.Marshal(json.RawMessage(data))
	if err != nil {
		return protocol.ProfileDocument{}, app.Errorf(app.EINVALID, "规则文件“%s”不是有效的 JSON", name)
	}
	if err := checkProfileText(name, canon); err != nil {
		return protocol.ProfileDocument{}, err
	}
	// Every key once, spelled as the profile's fields are: encoding/json
	// takes the last of two "id"s, and a stricter reader the first (found
	// from outside: a second "id" switched the bureau's profile while the
	// file it served still began with the first).
	if err := checkJSON(canon, reflect.TypeFor[app.Profile]()); err != nil {
		return protocol.ProfileDocument{}, app.Errorf(app.EINVALID, "规则文件“%s”：%s", name, app.ErrorMessage(err))
	}
	prof, err := app.LoadProfile(name, canon)
	if err == nil {
		err = prof.CheckNew()
	}
	if err != nil {
		return protocol.ProfileDocument{}, err
	}
	if cur := s.profile.Load(); cur != nil && cur.Version == prof.Version {
		return s.profileDocument(ctx)
	}
	rec := profileRecord{ID: prof.ID, Version: prof.Version, Updated: s.Now(), Data: canon}
	err = s.store.SetProfile(ctx, rec, protocol.Change{Type: protocol.ChangeProfile, At: rec.Updated,
		ProfileID: prof.ID, ProfileVersion: prof.Version})
	if err != nil {
		return protocol.ProfileDocument{}, fmt.Errorf("set profile %s: %w", name, err)
	}
	s.profile.Store(prof)
	return document(rec), nil
}

// loadProfile reads the stored profile into memory at Open. A stored file
// the current rules no longer accept is logged and ignored.
func (s *Server) loadProfile(ctx context.Context) error {
	rec, err := s.store.Profile(ctx)
	if errors.Is(err, bureaustore.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("load profile: %w", err)
	}
	prof, err := app.LoadProfile(rec.ID+".json", rec.Data)
	if err != nil {
		s.log.Error("stored rule profile no longer loads; set it again", "profile", rec.ID, "err", err)
		return nil
	}
	if err := prof.CheckNew(); err != nil {
		s.log.Warn("stored rule profile would be refused if set today; correct it and set it again", "profile", rec.ID, "err", err)
	}
	s.profile.Store(prof)
	return nil
}

// profileDocument returns the bureau's profile document. It fails with ENOTFOUND
// when none has been set.
func (s *Server) profileDocument(ctx context.Context) (protocol.ProfileDocument, error) {
	rec, err := s.store.Profile(ctx)
	if errors.Is(err, bureaustore.ErrNotFound) {
		return protocol.ProfileDocument{}, app.Errorf(app.ENOTFOUND, "数管局尚未设置规则配置，请联系数管局管理员")
	}
	if err != nil {
		return protocol.ProfileDocument{}, fmt.Errorf("profile: %w", err)
	}
	return document(rec), nil
}

func document(rec profileRecord) protocol.ProfileDocument {
	return protocol.ProfileDocument{ID: rec.ID, Version: rec.Version, Updated: rec.Updated, Profile: rec.Data}
}

// handleProfile serves the profile with its version as ETag.
func (s *Server) handleProfile(w http.ResponseWriter, r *http.Request, _ *caller) error {
	doc, err := s.profileDocument(r.Context())
	if err != nil {
		return err
	}
	etag := protocol.ETag(doc.Version)
	w.Header().Set(protocol.HeaderETag, etag)
	for _, t := range strings.Split(r.Header.Get(protocol.HeaderIfNoneMatch), ",") {
		if strings.TrimSpace(t) == etag {
			w.WriteHeader(http.StatusNotModified)
			return nil
		}
	}
	s.writeJSON(w, http.StatusOK, doc)
	return nil
}

// checkProfileText refuses a profile file any of whose texts — keys and
// values — holds a control character or a direction override (found from
// outside: a bureau name with U+202E, a bell and an escape was taken and
// served to every client, which shows it on screens and printed copies).
func checkProfileText(name string, data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return app.Errorf(app.EINVALID, "规则文件“%s”不是有效的 JSON", name)
		}
		if str, ok := tok.(string); ok {
			if msg := app.CheckString(str, 1<<20, false); msg != "" {
				shown := strings.Map(func(r rune) rune {
					if app.CheckString(string(r), 1, true) != "" {
						return '\uFFFD'
					}
					return r
				}, clip(str, 60))
				return app.Errorf(app.EINVALID, "规则文件“%s”中的“%s”%s", name, shown, msg)
			}
		}
	}
}
