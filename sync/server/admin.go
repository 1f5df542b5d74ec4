package server

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"egovdesk/app"
	"egovdesk/sync/protocol"
)

// AdminSocket is the name of the admin API's Unix socket in the data
// directory. While Serve runs, the bureau's admin commands (units,
// accounts, tokens, the rule profile, pruning changes, backups) reach the
// running server through it, as Badger lets only one process open the
// store. Whoever may open the socket may open the data directory, which
// holds everything anyway: it is the bureau's own user's (mode 0600 in a
// 0750 directory), and the admin API asks for no token.
const AdminSocket = "admin.sock"

// adminOp is one operation of the admin API; path is relative to
// protocol.Prefix.
type adminOp struct {
	method, path string
	handle       func(w http.ResponseWriter, r *http.Request) error
}

func adminPath(p string) string { return strings.TrimPrefix(p, protocol.Prefix) }

// adminOps returns the operations of the admin API, served with an admin's
// token in the route table and without one on AdminSocket.
func (s *Server) adminOps() []adminOp {
	return append([]adminOp{
		{"GET", adminPath(protocol.PathAdminUnits), func(w http.ResponseWriter, r *http.Request) error {
			if ref := r.URL.Query().Get("ref"); ref != "" {
				u, err := s.FindUnit(r.Context(), ref)
				if err != nil {
					return err
				}
				s.writeJSON(w, http.StatusOK, []Unit{u})
				return nil
			}
			units, err := s.Units(r.Context())
			if err != nil {
				return err
			}
			if units == nil {
				units = []Unit{}
			}
			s.writeJSON(w, http.StatusOK, units)
			return nil
		}},
		{"POST", adminPath(protocol.PathAdminUnits), func(w http.ResponseWriter, r *http.Request) error {
			var req protocol.AdminUnitRequest
			if err := decode(w, r, 64<<10, &req); err != nil {
				return err
			}
			u, err := s.AddUnit(r.Context(), req.Name, req.Code)
			if err != nil {
				return err
			}
			s.log.Info("unit added", "unit", u.ID, "code", u.Code)
			s.writeJSON(w, http.StatusCreated, u)
			return nil
		}},
		{"POST", adminPath(protocol.PathAdminAccounts), func(w http.ResponseWriter, r *http.Request) error {
			var req protocol.AdminAccountRequest
			if err := decode(w, r, 64<<10, &req); err != nil {
				return err
			}
			a, err := s.AddAccount(r.Context(), NewAccount{Login: req.Login, Name: req.Name, Role: app.Role(req.Role),
				UnitID: req.UnitID, Password: req.Password, MustChange: true}) // an initial password: changed at the first login
			if err != nil {
				return err
			}
			s.log.Info("account added", "login", a.Login, "role", a.Role)
			s.writeJSON(w, http.StatusCreated, a)
			return nil
		}},
		{"POST", adminPath(protocol.PathAdminTokens), func(w http.ResponseWriter, r *http.Request) error {
			var req protocol.AdminTokenRequest
			if err := decode(w, r, 64<<10, &req); err != nil {
				return err
			}
			if req.TTLSeconds < 0 || req.TTLSeconds > int64(MaxTokenTTL/time.Second) {
				return fieldErr("ttl_seconds", fmt.Sprintf("有效期须在 0 到 %d 秒（%d 天）之间，0 为登录令牌的有效期", int64(MaxTokenTTL/time.Second), MaxTokenTTL/(24*time.Hour)))
			}
			tok, exp, err := s.CreateToken(r.Context(), req.Login, time.Duration(req.TTLSeconds)*time.Second, req.Label)
			if err != nil {
				return err
			}
			s.log.Info("token created", "login", req.Login, "label", clip(req.Label, 64))
			s.writeJSON(w, http.StatusCreated, protocol.AdminTokenResponse{Token: tok, Expires: exp})
			return nil
		}},
		{"POST", adminPath(protocol.PathAdminTokensRevoke), func(w http.ResponseWriter, r *http.Request) error {
			var req protocol.AdminRevokeRequest
			if err := decode(w, r, 64<<10, &req); err != nil {
				return err
			}
			n := 1
			var err error
			switch {
			case req.ID != "" && req.Login != "":
				n, err = s.revokeByID(r, req)
			case req.Login != "" && req.Token == "":
				n, err = s.RevokeTokens(r.Context(), req.Login)
			case req.Token != "" && req.Login == "":
				err = s.RevokeToken(r.Context(), req.Token)
			default:
				return fieldErr("token", "请指定 token 或 login 之一")
			}
			if err != nil {
				return err
			}
			s.log.Info("tokens revoked", "login", req.Login, "count", n)
			s.writeJSON(w, http.StatusOK, protocol.AdminCount{N: n})
			return nil
		}},
		{"PUT", adminPath(protocol.PathAdminProfile), func(w http.ResponseWriter, r *http.Request) error {
			data, err := readBody(w, r, 4<<20, nil) // app.LoadProfile checks it
			if err != nil {
				return err
			}
			doc, err := s.SetProfile(r.Context(), r.URL.Query().Get("name"), data)
			if err != nil {
				return err
			}
			s.log.Info("profile set", "id", doc.ID, "version", doc.Version)
			s.writeJSON(w, http.StatusOK, doc)
			return nil
		}},
		{"POST", adminPath(protocol.PathAdminPrune), func(w http.ResponseWriter, r *http.Request) error {
			var req protocol.AdminPruneRequest
			if err := decode(w, r, 64<<10, &req); err != nil {
				return err
			}
			if err := CheckPruneBefore(s.Now(), req.Before); err != nil {
				s.audit(r.Context(), "changes.prune", req.Before.Format(time.RFC3339), err, "") // refused too
				return err
			}
			n, err := s.PruneChanges(r.Context(), req.Before)
			if err != nil {
				return err
			}
			s.writeJSON(w, http.StatusOK, protocol.AdminCount{N: n})
			return nil
		}},
		// A backup only reads: the disk guard does not apply (GET).
		{"GET", adminPath(protocol.PathAdminBackup), func(w http.ResponseWriter, r *http.Request) error {
			if r.Method == http.MethodHead {
				// The answer's headers, without taking a backup whose
				// bytes would be thrown away (found from outside: a HEAD
				// took a whole backup and held the one place for it).
				w.Header().Set("Content-Type", "application/zip")
				w.Header().Set("Cache-Control", "no-store")
				w.WriteHeader(http.StatusOK)
				return nil
			}
			// One at a time: each holds a store snapshot and tens of MB
			// (found from outside: 60 at once took 2.9 GB).
			if !s.backingUp.CompareAndSwap(false, true) {
				w.Header().Set(protocol.HeaderRetryAfter, "60")
				return app.Errorf(app.ETOOMANY, "另一个备份正在进行，请等它完成后再试")
			}
			defer s.backingUp.Store(false)
			w.Header().Set("Content-Type", "application/zip")
			w.Header().Set("Cache-Control", "no-store")
			w.Header().Set("Trailer", protocol.HeaderBackupAttachments)
			w.WriteHeader(http.StatusOK)
			n, err := s.Backup(r.Context(), w)
			if err != nil {
				// The answer has started: cut it, so that the client gets
				// no trailer and its zip does not read as complete.
				s.log.Error("backup failed", "err", err)
				panic(http.ErrAbortHandler)
			}
			w.Header().Set(protocol.HeaderBackupAttachments, strconv.Itoa(n))
			return nil
		}},
	}, s.moreAdminOps()...)
}

// AdminHandler returns the handler of the admin API as the bureau serves
// it on AdminSocket: no token. Its errors are problems, as the API's.
func (s *Server) AdminHandler() http.Handler {
	mux := http.NewServeMux()
	for _, op := range s.adminOps() {
		mux.HandleFunc(op.method+" "+op.path, func(w http.ResponseWriter, r *http.Request) {
			s.limitBody(w, r, 0)
			if err := s.checkDisk(r); err != nil {
				s.fail(w, r, err)
				return
			}
			if err := op.handle(w, r); err != nil {
				s.fail(w, r, err)
			}
		})
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.writeProblem(w, r, protocol.NewProblem(app.ENOTFOUND, fmt.Sprintf("没有这个管理接口：%s %s", r.Method, r.URL.Path)))
	})
	return mux
}

// serveAdmin serves the admin API on the data directory's AdminSocket
// until ctx is done, then removes the socket. It logs and gives up when the
// socket cannot be made (admin commands then need the server stopped).
func (s *Server) serveAdmin(ctx context.Context) (stop func()) {
	sock := filepath.Join(s.cfg.DataDir, AdminSocket)
	// A socket left by a killed bureau: this process holds the store's
	// lock, so no other bureau serves this directory.
	if err := os.Remove(sock); err != nil && !errors.Is(err, fs.ErrNotExist) {
		s.log.Warn("admin socket unavailable: admin commands need the server stopped", "err", err)
		return func() {}
	}
	ln, err := net.Listen("unix", sock)
	if err != nil {
		s.log.Warn("admin socket unavailable: admin commands need the server stopped", "err", err)
		return func() {}
	}
	if err := os.Chmod(sock, 0o600); err != nil {
		ln.Close()
		s.log.Warn("admin socket unavailable: admin commands need the server stopped", "err", err)
		return func() {}
	}
	hs := &http.Server{Handler: s.AdminHandler(), ReadHeaderTimeout: s.cfg.HeaderTimeout,
		BaseContext: func(net.Listener) context.Context { return context.WithoutCancel(ctx) }}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = hs.Serve(ln)
	}()
	return func() {
		sctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
		defer cancel()
		_ = hs.Shutdown(sctx)
		<-done
		os.Remove(sock)
	}
}
