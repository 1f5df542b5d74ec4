//go:build linux

package server_test

import (
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"

	"egovdesk/app"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server"
)

// tmpfs mounts a tmpfs of size bytes for the test, unmounted when it
// ends. It skips the test, saying why, where mounting is impossible (not
// root, no CAP_SYS_ADMIN).
func tmpfs(t *testing.T, size string) string {
	t.Helper()
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("SKIPPED, NOT TESTED: cannot mount a tmpfs to fill (needs root or CAP_SYS_ADMIN): %v: %s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dir, err, out)
		}
	})
	return dir
}

func freeOn(t *testing.T, dir string) int64 {
	t.Helper()
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		t.Fatal(err)
	}
	return int64(st.Bavail) * int64(st.Bsize)
}

// TestDiskFull fills the bureau's disk (a small tmpfs): writes answer 507
// with a problem, every acknowledged filing stays readable, and the bureau
// accepts writes again once space is freed.
func TestDiskFull(t *testing.T) {
	mnt := tmpfs(t, "128m")
	const reserve = 24 << 20
	fx := MustServedBureau(t, func(c *server.Config) {
		c.DataDir = filepath.Join(mnt, "bureau")
		c.MinFreeBytes = reserve
		server.SetMemTableSize(c, 4<<20)
	})
	var acked []*app.Filing
	for range 20 {
		f := newFiling(t, fx.unitA.ID)
		fx.submit(fx.clerkA, f, http.StatusCreated)
		acked = append(acked, f)
	}

	// Fill the disk to half the reserve.
	filler := filepath.Join(mnt, "filler")
	fh, err := os.Create(filler)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.CopyN(fh, zeros{}, freeOn(t, mnt)-reserve/2); err != nil {
		t.Fatalf("fill: %v", err)
	}
	fh.Close()
	t.Logf("free after filling: %d bytes (reserve %d)", freeOn(t, mnt), reserve)

	full := func(r response, what string) {
		t.Helper()
		if p := r.problem(t); r.StatusCode != http.StatusInsufficientStorage || p.Code != protocol.CodeInsufficientStorage ||
			r.Header.Get(protocol.HeaderRetryAfter) == "" {
			t.Errorf("%s on a full disk: %d %s", what, r.StatusCode, r.body)
		}
	}
	late := newFiling(t, fx.unitA.ID)
	full(fx.do("POST", revPath(late), fx.clerkA, submitReq(t, late)), "submit")
	full(fx.do("POST", protocol.PathSubmissions, fx.clerkA, protocol.BatchSubmitRequest{Submissions: []protocol.SubmitRequest{submitReq(t, late)}}), "batch")
	data := []byte("attachment bytes")
	full(fx.do("PATCH", protocol.Path(protocol.PathAttachment, sha(data)), fx.clerkA, data,
		protocol.HeaderUploadOffset, "0", protocol.HeaderUploadLength, "16"), "upload")
	full(fx.do("POST", protocol.Path(protocol.PathDecisions, acked[0].ID), fx.reviewer, protocol.DecisionRequest{Action: app.ActionAccept}), "decision")
	full(fx.do("POST", protocol.PathLogin, "", protocol.LoginRequest{Login: "clerk-b", Password: password}), "login")
	// A stranger is told nothing of the disk (found from outside: a
	// made-up token's batch was answered 507 and logged the disk full).
	if r := fx.do("POST", protocol.PathSubmissions, "made-up", protocol.BatchSubmitRequest{Submissions: []protocol.SubmitRequest{submitReq(t, late)}}); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("a batch with a made-up token on a full disk: %d, want 401", r.StatusCode)
	}

	// Everything acknowledged is there, and readable.
	var list protocol.FilingList
	fx.mustJSON("GET", protocol.PathFilings, fx.clerkA, nil, http.StatusOK, &list)
	if len(list.Filings) != len(acked) {
		t.Fatalf("%d filings listed on a full disk, %d acknowledged", len(list.Filings), len(acked))
	}
	for _, f := range acked {
		fx.mustJSON("GET", protocol.Path(protocol.PathFiling, f.ID), fx.clerkA, nil, http.StatusOK, nil)
	}
	fx.expectProblem("GET", protocol.Path(protocol.PathFiling, late.ID), fx.clerkA, nil, http.StatusNotFound, app.ENOTFOUND)

	// Space returns: so do writes.
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	fx.submit(fx.clerkA, late, http.StatusCreated)
	fx.upload(fx.clerkA, data, 8)
	fx.decide(fx.reviewer, acked[0].ID, app.ActionAccept, "", http.StatusOK)
	fx.mustJSON("GET", protocol.PathFilings, fx.clerkA, nil, http.StatusOK, &list)
	if len(list.Filings) != len(acked)+1 {
		t.Fatalf("%d filings after recovery, want %d", len(list.Filings), len(acked)+1)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
