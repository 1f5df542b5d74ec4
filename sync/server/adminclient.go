package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"egovdesk/app"
	"egovdesk/sync/protocol"
)

// AdminClient calls the admin API of the bureau running on a data
// directory, through its AdminSocket. Its methods are those of *Server of
// the same names and fail with the same *app.Error (the Chinese message
// the server gave), so an admin command works the same against a running
// bureau and a stopped one.
type AdminClient struct {
	hc *http.Client
}

// DialAdmin returns a client of the bureau serving dataDir. It fails when
// no bureau answers on the directory's socket.
func DialAdmin(ctx context.Context, dataDir string) (*AdminClient, error) {
	sock := filepath.Join(dataDir, AdminSocket)
	if _, err := os.Stat(sock); err != nil {
		return nil, fmt.Errorf("no running bureau answers on %s: %w", sock, err)
	}
	d := net.Dialer{Timeout: 5 * time.Second}
	c := &AdminClient{hc: &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) { return d.DialContext(ctx, "unix", sock) },
	}}}
	if _, err := c.Units(ctx); err != nil {
		return nil, fmt.Errorf("no running bureau answers on %s: %w", sock, err)
	}
	return c, nil
}

// Close releases the client's connections.
func (c *AdminClient) Close() error {
	c.hc.CloseIdleConnections()
	return nil
}

// call sends in as JSON (when not nil) and decodes the answer into out. A
// problem comes back as its *app.Error.
func (c *AdminClient) call(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		if data, ok := in.([]byte); ok {
			body = bytes.NewReader(data)
		} else {
			data, err := json.Marshal(in)
			if err != nil {
				return err
			}
			body = bytes.NewReader(data)
		}
	}
	req, err := http.NewRequestWithContext(ctx, method, "http://bureau"+path, body)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", protocol.MediaJSON)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return fmt.Errorf("admin %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return fmt.Errorf("admin %s %s: %w", method, path, err)
	}
	if resp.StatusCode >= 300 {
		var p protocol.Problem
		if json.Unmarshal(data, &p) == nil && p.Code != "" {
			return p.AppError()
		}
		return fmt.Errorf("admin %s %s: HTTP %d", method, path, resp.StatusCode)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("admin %s %s: decode answer: %w", method, path, err)
		}
	}
	return nil
}

// AddUnit is Server.AddUnit on the running bureau.
func (c *AdminClient) AddUnit(ctx context.Context, name, code string) (Unit, error) {
	var u Unit
	err := c.call(ctx, http.MethodPost, "/admin/units", protocol.AdminUnitRequest{Name: name, Code: code}, &u)
	return u, err
}

// Units is Server.Units on the running bureau.
func (c *AdminClient) Units(ctx context.Context) ([]Unit, error) {
	var units []Unit
	err := c.call(ctx, http.MethodGet, "/admin/units", nil, &units)
	return units, err
}

// FindUnit is Server.FindUnit on the running bureau.
func (c *AdminClient) FindUnit(ctx context.Context, ref string) (Unit, error) {
	var units []Unit
	if err := c.call(ctx, http.MethodGet, "/admin/units?ref="+url.QueryEscape(ref), nil, &units); err != nil {
		return Unit{}, err
	}
	if len(units) != 1 {
		return Unit{}, app.Errorf(app.ENOTFOUND, "没有找到单位“%s”", ref)
	}
	return units[0], nil
}

// AddAccount is Server.AddAccount on the running bureau.
func (c *AdminClient) AddAccount(ctx context.Context, n NewAccount) (protocol.Account, error) {
	var a protocol.Account
	err := c.call(ctx, http.MethodPost, "/admin/accounts", protocol.AdminAccountRequest{Login: n.Login, Name: n.Name,
		Role: string(n.Role), UnitID: n.UnitID, Password: n.Password}, &a)
	return a, err
}

// CreateToken is Server.CreateToken on the running bureau.
func (c *AdminClient) CreateToken(ctx context.Context, login string, ttl time.Duration, label string) (string, time.Time, error) {
	var r protocol.AdminTokenResponse
	err := c.call(ctx, http.MethodPost, "/admin/tokens", protocol.AdminTokenRequest{Login: login,
		TTLSeconds: int64(ttl / time.Second), Label: label}, &r)
	return r.Token, r.Expires, err
}

// RevokeToken is Server.RevokeToken on the running bureau.
func (c *AdminClient) RevokeToken(ctx context.Context, token string) error {
	return c.call(ctx, http.MethodPost, "/admin/tokens/revoke", protocol.AdminRevokeRequest{Token: token}, nil)
}

// RevokeTokens is Server.RevokeTokens on the running bureau.
func (c *AdminClient) RevokeTokens(ctx context.Context, login string) (int, error) {
	var n protocol.AdminCount
	err := c.call(ctx, http.MethodPost, "/admin/tokens/revoke", protocol.AdminRevokeRequest{Login: login}, &n)
	return n.N, err
}

// SetProfile is Server.SetProfile on the running bureau.
func (c *AdminClient) SetProfile(ctx context.Context, name string, data []byte) (protocol.ProfileDocument, error) {
	var doc protocol.ProfileDocument
	err := c.call(ctx, http.MethodPut, "/admin/profile?name="+url.QueryEscape(name), data, &doc)
	return doc, err
}

// PruneChanges is Server.PruneChanges on the running bureau.
func (c *AdminClient) PruneChanges(ctx context.Context, before time.Time) (int, error) {
	var n protocol.AdminCount
	err := c.call(ctx, http.MethodPost, "/admin/changes/prune", protocol.AdminPruneRequest{Before: before}, &n)
	return n.N, err
}

// Backup is Server.Backup on the running bureau: it writes the backup the
// bureau streams to w and returns how many attachments it holds, which the
// bureau sends in a trailer once the backup is complete.
func (c *AdminClient) Backup(ctx context.Context, w io.Writer) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://bureau/admin/backup", nil)
	if err != nil {
		return 0, err
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return 0, fmt.Errorf("backup: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		var p protocol.Problem
		if json.Unmarshal(data, &p) == nil && p.Code != "" {
			return 0, p.AppError()
		}
		return 0, fmt.Errorf("backup: HTTP %d", resp.StatusCode)
	}
	if _, err := io.Copy(w, resp.Body); err != nil {
		return 0, fmt.Errorf("backup: the bureau's stream broke off: %w", err)
	}
	n, err := strconv.Atoi(resp.Trailer.Get(protocol.HeaderBackupAttachments))
	if err != nil {
		return 0, errors.New("backup: the bureau's stream ended without saying it was complete; see its log")
	}
	return n, nil
}

// CheckBackup opens the backup file at path and returns how many
// attachments its manifest lists; it fails when the file is not a whole
// bureau backup (a stream cut short has no manifest or no zip directory).
func CheckBackup(path string) (int, error) {
	zr, err := zipOpen(path)
	if err != nil {
		return 0, err
	}
	defer zr.Close()
	for _, f := range zr.File {
		if f.Name == backupManifestName {
			var man backupManifest
			if err := readZipJSON(f, &man); err != nil {
				return 0, fmt.Errorf("backup %s: %w", path, err)
			}
			if man.Format != backupFormat {
				return 0, fmt.Errorf("backup %s: unknown format %q", path, man.Format)
			}
			return man.Attachments, nil
		}
	}
	return 0, fmt.Errorf("backup %s: no manifest: incomplete", path)
}
