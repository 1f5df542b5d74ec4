package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"egovdesk/app"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server"
)

// TestOnlineBackupUnderLoad backs up a running bureau through its admin
// socket while clerks push filings, restores it into an empty directory and
// finds there every filing acknowledged before the backup began, each with
// its body as received, and the attachments.
func TestOnlineBackupUnderLoad(t *testing.T) {
	fx := MustServedBureau(t)
	ctx := context.Background()
	pdf := []byte("%PDF-1.7 backed up")
	withFile := newFiling(t, fx.unitA.ID, pdf)
	fx.submit(fx.clerkA, withFile, http.StatusCreated)
	fx.upload(fx.clerkA, pdf, 7)

	var mu sync.Mutex
	acked := map[string]string{withFile.ID: ""} // filing → body_sha256
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				f := newFiling(t, fx.unitA.ID)
				req := submitReq(t, f)
				r := fx.do("POST", revPath(f), fx.clerkA, req)
				if r.StatusCode != http.StatusCreated {
					t.Errorf("submit under load: %d %s", r.StatusCode, r.body)
					return
				}
				mu.Lock()
				acked[f.ID] = req.BodySHA256
				mu.Unlock()
			}
		})
	}
	time.Sleep(200 * time.Millisecond) // some load before the backup starts
	mu.Lock()
	before := make(map[string]string, len(acked))
	for k, v := range acked {
		before[k] = v
	}
	mu.Unlock()

	if err := fx.srv.AuditCheckpoint(ctx); err != nil { // makes the audit key
		t.Fatal(err)
	}
	adm, err := server.DialAdmin(ctx, fx.dir)
	if err != nil {
		t.Fatal(err)
	}
	defer adm.Close()
	path := filepath.Join(t.TempDir(), "bureau.zip")
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	n, err := adm.Backup(ctx, out)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	close(stop)
	wg.Wait()
	if n != 1 {
		t.Errorf("backup holds %d attachments, want 1", n)
	}
	if m, err := server.CheckBackup(path); err != nil || m != n {
		t.Fatalf("CheckBackup = %d, %v", m, err)
	}
	t.Logf("%d filings acknowledged before the backup, %d in all", len(before), len(acked))

	dir := filepath.Join(t.TempDir(), "restored")
	if got, err := server.Restore(ctx, path, dir, nil); err != nil || got != 1 {
		t.Fatalf("Restore = %d, %v", got, err)
	}
	if _, err := server.Restore(ctx, path, dir, nil); err == nil {
		t.Error("restored into a directory that is not empty")
	}
	// The signing keys come back, readable by the bureau's user only: the
	// restored bureau signs receipts with the key the clients pinned, and
	// its audit checkpoints verify with the key the auditor holds.
	for _, name := range []string{server.ReceiptKeyFile, server.AuditKeyFile} {
		want, err := os.ReadFile(filepath.Join(fx.dir, name))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("restored %s: %v, same as the bureau's: %t", name, err, bytes.Equal(got, want))
			continue
		}
		if fi, err := os.Stat(filepath.Join(dir, name)); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("restored %s: mode %v, %v; want 0600", name, fi.Mode().Perm(), err)
		}
	}
	srv, err := server.Open(ctx, server.Config{DataDir: dir, Now: fx.clock.Now, Password: cheapPasswords})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if _, err := srv.ResetFeeds(ctx); err != nil { // as docs/bureau.md says to after a restore
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()
	get := func(token, path string, out any) int {
		t.Helper()
		req, _ := http.NewRequest("GET", hs.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if out != nil && resp.StatusCode == http.StatusOK {
			if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
				t.Fatal(err)
			}
		}
		return resp.StatusCode
	}
	var list protocol.FilingList
	if st := get(fx.clerkA, protocol.PathFilings, &list); st != http.StatusOK { // the tokens came back too
		t.Fatalf("list: %d", st)
	}
	if len(list.Filings) < len(before) || len(list.Filings) > len(acked) {
		t.Errorf("restored %d filings; %d were acknowledged before the backup, %d in all", len(list.Filings), len(before), len(acked))
	}
	for id, sum := range before {
		var d protocol.FilingDetail
		if st := get(fx.clerkA, protocol.Path(protocol.PathFiling, id), &d); st != http.StatusOK {
			t.Errorf("filing %s acknowledged before the backup: %d after restoring", id, st)
			continue
		}
		if sum != "" && d.BodySHA256 != sum {
			t.Errorf("filing %s: body %s, acknowledged %s", id, d.BodySHA256, sum)
		}
	}
	if st := get(fx.reviewer, protocol.Path(protocol.PathReviewAttachment, withFile.ID, sha(pdf)), nil); st != http.StatusOK {
		t.Errorf("restored attachment: %d", st)
	}
}

// TestAdminSocket: while the bureau serves (and holds the store), the admin
// operations reach it through the data directory's socket, with the same
// answers and Chinese errors as the methods.
func TestAdminSocket(t *testing.T) {
	fx := MustServedBureau(t)
	ctx := context.Background()
	adm, err := server.DialAdmin(ctx, fx.dir)
	if err != nil {
		t.Fatal(err)
	}
	defer adm.Close()
	if fi, err := os.Stat(filepath.Join(fx.dir, server.AdminSocket)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("socket: %v %v", fi.Mode(), err)
	}
	u, err := adm.AddUnit(ctx, "霍邱县石店镇人民政府", "91330100799655058B")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := adm.AddUnit(ctx, "重复", u.Code); app.ErrorCode(err) != app.ECONFLICT {
		t.Errorf("duplicate code: %v", err)
	}
	found, err := adm.FindUnit(ctx, u.Code)
	if err != nil || found.ID != u.ID {
		t.Fatalf("FindUnit = %+v, %v", found, err)
	}
	a, err := adm.AddAccount(ctx, server.NewAccount{Login: "clerk-s", Name: "钱七", Role: app.RoleUnit, UnitID: u.ID, Password: password})
	if err != nil || a.UnitName != u.Name {
		t.Fatalf("AddAccount = %+v, %v", a, err)
	}
	fx.changeFirst("clerk-s", password, "Qian-Qi-2027") // the running server sees it at once; its initial password is changed first
	tok, _, err := adm.CreateToken(ctx, "clerk-s", time.Hour, "test")
	if err != nil {
		t.Fatal(err)
	}
	fx.mustJSON("GET", protocol.PathMe, tok, nil, http.StatusOK, nil)
	if n, err := adm.RevokeTokens(ctx, "clerk-s"); err != nil || n != 2 { // the change's and the admin's
		t.Errorf("RevokeTokens = %d, %v", n, err)
	}
	fx.expectProblem("GET", protocol.PathMe, tok, nil, http.StatusUnauthorized, app.EUNAUTHORIZED)
	if _, err := adm.PruneChanges(ctx, fx.clock.Now().Add(-server.MinPruneAge)); err != nil {
		t.Error(err)
	}
	if _, err := adm.SetProfile(ctx, "x.json", []byte(`{"id":"x","routes":"nope"}`)); app.ErrorCode(err) != app.EINVALID {
		t.Errorf("bad profile: %v", err)
	}
	units, err := adm.Units(ctx)
	if err != nil || len(units) != 3 {
		t.Errorf("Units = %d, %v", len(units), err)
	}
}

// TestAdminAPIOverTheNetwork: the same operations with an admin's token on
// the API, the backup with its completion trailer.
func TestAdminAPIOverTheNetwork(t *testing.T) {
	fx := MustServedBureau(t)
	var units []protocol.Unit
	fx.mustJSON("GET", protocol.PathAdminUnits, fx.admin, nil, http.StatusOK, &units)
	if len(units) != 2 {
		t.Fatalf("units = %+v", units)
	}
	var u protocol.Unit
	fx.mustJSON("POST", protocol.PathAdminUnits, fx.admin, protocol.AdminUnitRequest{Name: "霍邱县石店镇人民政府", Code: "91330100799655058B"}, http.StatusCreated, &u)
	var a protocol.Account
	fx.mustJSON("POST", protocol.PathAdminAccounts, fx.admin, protocol.AdminAccountRequest{Login: "clerk-s", Role: "unit", UnitID: u.ID, Password: password}, http.StatusCreated, &a)
	var tok protocol.AdminTokenResponse
	fx.mustJSON("POST", protocol.PathAdminTokens, fx.admin, protocol.AdminTokenRequest{Login: "clerk-s", TTLSeconds: 3600, Label: "script"}, http.StatusCreated, &tok)
	fx.mustJSON("GET", protocol.PathMe, tok.Token, nil, http.StatusOK, nil)
	var n protocol.AdminCount
	fx.mustJSON("POST", protocol.PathAdminTokensRevoke, fx.admin, protocol.AdminRevokeRequest{Token: tok.Token}, http.StatusOK, &n)
	fx.expectProblem("GET", protocol.PathMe, tok.Token, nil, http.StatusUnauthorized, app.EUNAUTHORIZED)
	fx.expectProblem("POST", protocol.PathAdminUnits, fx.admin, protocol.AdminUnitRequest{Name: "x", Code: "bad"}, http.StatusUnprocessableEntity, app.EINVALID)

	resp, err := fx.client.Do(func() *http.Request {
		req, _ := http.NewRequest("GET", fx.url+protocol.PathAdminBackup, nil)
		req.Header.Set("Authorization", "Bearer "+fx.admin)
		return req
	}())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	path := filepath.Join(t.TempDir(), "b.zip")
	out, _ := os.Create(path)
	if _, err := out.ReadFrom(resp.Body); err != nil {
		t.Fatal(err)
	}
	out.Close()
	if resp.StatusCode != http.StatusOK || resp.Trailer.Get(protocol.HeaderBackupAttachments) != "0" {
		t.Fatalf("backup: %d, trailer %v", resp.StatusCode, resp.Trailer)
	}
	if _, err := server.CheckBackup(path); err != nil {
		t.Fatal(err)
	}
	// A HEAD answers the headers and takes no backup (round 11: it took
	// a whole one, thrown away, recorded as a backup).
	backups := func() (n int) {
		for _, e := range server.AuditTrail(t, fx.srv) {
			if e.Action == "export.backup" {
				n++
			}
		}
		return n
	}
	before := backups()
	head, _ := http.NewRequest("HEAD", fx.url+protocol.PathAdminBackup, nil)
	head.Header.Set("Authorization", "Bearer "+fx.admin)
	hr, err := fx.client.Do(head)
	if err != nil {
		t.Fatal(err)
	}
	hr.Body.Close()
	if hr.StatusCode != http.StatusOK || hr.Header.Get("Content-Type") != "application/zip" {
		t.Errorf("HEAD of the backup: %d %v", hr.StatusCode, hr.Header)
	}
	if n := backups(); n != before {
		t.Errorf("a HEAD took a backup: %d records of it, were %d", n, before)
	}
}
