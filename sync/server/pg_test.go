package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"egovdesk/app"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server"
	"egovdesk/sync/server/pgstore"
	"egovdesk/sync/server/pgtest"
)

// TestMain starts a throwaway PostgreSQL server for the tests that use one
// (on first use only; EGOVDESK_PG=off skips them).
func TestMain(m *testing.M) { pgtest.Main(m) }

// openPG opens a store on url, closed by the server that takes it.
func openPG(t *testing.T, url string) *pgstore.Store {
	t.Helper()
	st, err := pgstore.Open(context.Background(), url, pgstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// Two bureau processes on one PostgreSQL database, as a province scales
// out behind one address: a decision taken through one wakes a clerk's
// long poll parked on the other (LISTEN/NOTIFY), and a token issued by one
// is good on the other.
func TestTwoBureausOnePostgres(t *testing.T) {
	url := pgtest.DB(t)
	fx := MustBureau(t, func(c *server.Config) { c.Storage = openPG(t, url) })
	// The second process: its own store (its own connections), the same
	// database and attachment directory.
	other, err := server.Open(context.Background(), server.Config{DataDir: fx.dir, Storage: openPG(t, url),
		Now: fx.clock.Now, Password: cheapPasswords, LongPoll: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(other.Handler())
	t.Cleanup(func() {
		hs.Close()
		other.Close()
	})
	get := func(path, token string, out any) {
		t.Helper()
		req, _ := http.NewRequest("GET", hs.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := fx.client.Do(req)
		if err != nil {
			t.Error(err)
			return
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s on the second bureau: %s", path, resp.Status)
			return
		}
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			t.Error(err)
		}
	}

	f := newFiling(t, fx.unitA.ID)
	fx.submit(fx.clerkA, f, http.StatusCreated)
	var start protocol.ChangesResponse
	get(changesPath("", ""), fx.clerkA, &start) // the first bureau's token, on the second
	// the submission's own change (every revision received has one)
	if start.Cursor == "" || len(start.Changes) != 1 || start.Changes[0].Type != protocol.ChangeRevision {
		t.Fatalf("first pull on the second bureau: %+v", start)
	}
	got := make(chan protocol.ChangesResponse, 1)
	go func() {
		var resp protocol.ChangesResponse
		get(changesPath(start.Cursor, "30s"), fx.clerkA, &resp)
		got <- resp
	}()
	for parked := time.Now(); server.ParkedPolls(other, fx.unitA.ID) == 0; time.Sleep(time.Millisecond) {
		if time.Since(parked) > 10*time.Second {
			t.Fatal("the long poll on the second bureau never waited")
		}
	}
	if server.ParkedPolls(fx.srv, fx.unitA.ID) != 0 {
		t.Fatal("the poll parked on the first bureau")
	}
	began := time.Now()
	fx.decide(fx.reviewer, f.ID, app.ActionReturn, "请补充建设依据", http.StatusOK) // through the first
	var resp protocol.ChangesResponse
	select {
	case resp = <-got:
	case <-time.After(10 * time.Second):
		t.Fatal("the second bureau's long poll did not wake on the first bureau's decision")
	}
	if waited := time.Since(began); waited > 3*time.Second {
		t.Errorf("long poll answered after %v", waited)
	}
	if len(resp.Changes) != 1 || resp.Changes[0].Type != protocol.ChangeDecision || resp.Changes[0].FilingID != f.ID {
		t.Fatalf("changes on the second bureau = %+v", resp.Changes)
	}
}

// TestBackupHoldsOffTheOtherBureausDeletions: with two bureau processes on
// one PostgreSQL, a backup running in one used to hold off only its own
// process's deletions (filesMu): the other could delete an attachment the
// backup's snapshot counted before its file was copied. The store's lock
// (LockFiles) now holds off every process's.
func TestBackupHoldsOffTheOtherBureausDeletions(t *testing.T) {
	url := pgtest.DB(t)
	retention := func(c *server.Config) { c.PartRetention = 24 * time.Hour }
	fx := MustBureau(t, retention, func(c *server.Config) { c.Storage = openPG(t, url) })
	other, err := server.Open(context.Background(), server.Config{DataDir: fx.dir, Storage: openPG(t, url),
		Now: fx.clock.Now, Password: cheapPasswords, PartRetention: 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	orphan := bytes.Repeat([]byte("草稿删除后留下的附件"), 1000)
	fx.upload(fx.clerkA, orphan, 1<<20)
	fx.clock.Advance(48 * time.Hour)

	// A backup on the first bureau, stopped at its first write.
	writing, goOn := make(chan struct{}), make(chan struct{})
	release := sync.OnceFunc(func() { close(goOn) })
	t.Cleanup(release) // before the bureaus close, should the test fail
	backup := make(chan error, 1)
	go func() {
		_, err := fx.srv.Backup(context.Background(), writerFunc(func(p []byte) (int, error) {
			select {
			case <-writing:
			default:
				close(writing)
				<-goOn
			}
			return len(p), nil
		}))
		backup <- err
	}()
	select {
	case <-writing:
	case err := <-backup:
		t.Fatalf("backup ended before writing: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("backup never wrote")
	}
	if n, err := other.PruneUnreferencedUploads(context.Background()); err != nil || n != 0 {
		t.Fatalf("the other bureau pruned %d attachments during the backup: %v", n, err)
	}
	release()
	if err := <-backup; err != nil {
		t.Fatal(err)
	}
	if n, err := other.PruneUnreferencedUploads(context.Background()); err != nil || n != 1 {
		t.Fatalf("after the backup the other bureau pruned %d, want 1: %v", n, err)
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
