package server

import (
	"net/http"

	"egovdesk/app"
	"egovdesk/sync/protocol"
)

// moreAdminOps are the admin API's operations on units, accounts and
// tokens that the console's admin pages also take: the same Server
// methods (adminstore.go), served with an admin's token and on AdminSocket.
func (s *Server) moreAdminOps() []adminOp {
	return []adminOp{
		{"PUT", adminPath(protocol.PathAdminUnit), func(w http.ResponseWriter, r *http.Request) error {
			var req protocol.AdminUnitRequest
			if err := decode(w, r, 64<<10, &req); err != nil {
				return err
			}
			u, err := s.UpdateUnit(r.Context(), r.PathValue("id"), req.Name, req.Code)
			if err != nil {
				return err
			}
			s.log.Info("unit updated", "unit", u.ID, "code", u.Code)
			s.writeJSON(w, http.StatusOK, u)
			return nil
		}},
		{"POST", adminPath(protocol.PathAdminUnitDisable), func(w http.ResponseWriter, r *http.Request) error {
			var req protocol.AdminDisableRequest
			if err := decode(w, r, 64<<10, &req); err != nil {
				return err
			}
			u, err := s.SetUnitDisabled(r.Context(), r.PathValue("id"), req.Disabled)
			if err != nil {
				return err
			}
			s.log.Info("unit disabled", "unit", u.ID, "disabled", u.Disabled)
			s.writeJSON(w, http.StatusOK, u)
			return nil
		}},
		{"GET", adminPath(protocol.PathAdminAccounts), func(w http.ResponseWriter, r *http.Request) error {
			as, err := s.Accounts(r.Context())
			if err != nil {
				return err
			}
			if as == nil {
				as = []protocol.AdminAccount{}
			}
			s.writeJSON(w, http.StatusOK, as)
			return nil
		}},
		{"POST", adminPath(protocol.PathAdminPassword), func(w http.ResponseWriter, r *http.Request) error {
			var req protocol.AdminPasswordRequest
			if err := decode(w, r, 64<<10, &req); err != nil {
				return err
			}
			if err := s.SetPassword(r.Context(), r.PathValue("login"), req.Password); err != nil {
				return err
			}
			s.log.Info("password reset", "login", clip(r.PathValue("login"), 64))
			w.WriteHeader(http.StatusNoContent)
			return nil
		}},
		{"POST", adminPath(protocol.PathAdminAcctDisable), func(w http.ResponseWriter, r *http.Request) error {
			var req protocol.AdminDisableRequest
			if err := decode(w, r, 64<<10, &req); err != nil {
				return err
			}
			if err := s.SetAccountDisabled(r.Context(), r.PathValue("login"), req.Disabled); err != nil {
				return err
			}
			s.log.Info("account disabled", "login", clip(r.PathValue("login"), 64), "disabled", req.Disabled)
			w.WriteHeader(http.StatusNoContent)
			return nil
		}},
		{"GET", adminPath(protocol.PathAdminAcctTokens), func(w http.ResponseWriter, r *http.Request) error {
			ts, err := s.Tokens(r.Context(), r.PathValue("login"))
			if err != nil {
				return err
			}
			if ts == nil {
				ts = []protocol.AdminToken{}
			}
			s.writeJSON(w, http.StatusOK, ts)
			return nil
		}},
	}
}

// revokeByID revokes the token of req.Login that req.ID names, for
// POST /admin/tokens/revoke with both.
func (s *Server) revokeByID(r *http.Request, req protocol.AdminRevokeRequest) (int, error) {
	if req.Token != "" {
		return 0, app.Errorf(app.EINVALID, "id 与 token 只能指定其一")
	}
	return 1, s.RevokeAccountToken(r.Context(), req.Login, req.ID)
}
