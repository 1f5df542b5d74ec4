package e2e

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"egovdesk/app"
	"egovdesk/app/store"
	"egovdesk/sync/protocol"
)

// verifyExactlyOnce checks the end state after a run of plan p:
//
//   - the client: the outbox is empty, store.Check passes, every planned
//     filing has exactly one frozen revision (the planned revision ID) and is
//     marked delivered;
//   - the bureau (at url): it holds exactly the planned filings, each with
//     one revision — the client's revision ID and body hash, the body bytes
//     hashing to it, one submission in the history, nothing pending — and
//     every attachment complete, and downloaded it hashes to its name;
//   - the bureau's data directory (when dataDir is not ""): one file per
//     distinct attachment, no partial upload left behind.
func verifyExactlyOnce(t *testing.T, st *store.Store, url string, acc accounts, p plan, dataDir string) {
	t.Helper()
	ctx := context.Background()
	items, err := st.Outbox(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 0 {
		t.Errorf("client outbox holds %d items; first: %+v", len(items), brief(items[0]))
	}
	if err := st.Check(ctx); err != nil {
		t.Errorf("store.Check: %v", err)
	}
	sums, err := st.List(ctx, app.Query{})
	if err != nil {
		t.Fatal(err)
	}
	send := map[string]app.SendState{}
	for _, s := range sums {
		send[s.ID] = s.Send.State
	}
	if len(sums) != p.n {
		t.Errorf("client holds %d filings, planned %d", len(sums), p.n)
	}

	clerk := mustClient(t, url, acc.Clerk)
	list, err := clerk.Filings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	onServer := map[string]protocol.FilingSummary{}
	for _, s := range list {
		if _, dup := onServer[s.ID]; dup {
			t.Errorf("bureau lists filing %s twice", s.ID)
		}
		onServer[s.ID] = s
	}
	if len(list) != p.n {
		t.Errorf("bureau holds %d filings, planned %d", len(list), p.n)
	}
	downloaded := map[string]bool{}
	bad := 0
	for i := range p.n {
		if bad > 5 {
			t.Fatalf("too many problems; stopping")
		}
		pf := p.filing(i)
		errorf := func(format string, a ...any) {
			bad++
			t.Errorf("filing %d (%s): %s", i, pf.id, fmt.Sprintf(format, a...))
		}
		revs, err := st.Revisions(ctx, pf.id)
		if err != nil {
			errorf("client revisions: %v", err)
			continue
		}
		if len(revs) != 1 || revs[0].Revision.ID != pf.revID {
			errorf("client froze %d revisions, want 1 with ID %s", len(revs), pf.revID)
			continue
		}
		snap := revs[0]
		if send[pf.id] != app.SendSent {
			errorf("client send state %q, want sent", send[pf.id])
		}
		if _, ok := onServer[pf.id]; !ok {
			errorf("not at the bureau")
			continue
		}
		d, err := clerk.Filing(ctx, pf.id)
		if err != nil {
			errorf("bureau detail: %v", err)
			continue
		}
		switch {
		case d.Revision != 1 || d.RevisionID != pf.revID:
			errorf("bureau holds revision %d %s, want 1 %s", d.Revision, d.RevisionID, pf.revID)
		case d.BodySHA256 != snap.BodyHash:
			errorf("bureau body hash %s, client snapshot %s", d.BodySHA256, snap.BodyHash)
		case sha256Hex(d.Body) != snap.BodyHash:
			errorf("bureau body bytes hash to %s, not %s", sha256Hex(d.Body), snap.BodyHash)
		case d.PendingReceipt != "" || d.Status != app.StatusSubmitted:
			errorf("bureau status %s, pending %q", d.Status, d.PendingReceipt)
		case countSubmits(d.History) != 1:
			errorf("bureau history has %d submissions", countSubmits(d.History))
		case len(d.Attachments) != len(pf.files):
			errorf("bureau lists %d attachments, planned %d", len(d.Attachments), len(pf.files))
		}
		for j, a := range d.Attachments {
			if j >= len(pf.files) {
				break
			}
			want := pf.files[j]
			if a.SHA256 != want.sha || a.Size != int64(len(want.data)) || !a.Complete {
				errorf("attachment %d: %s %d complete=%v, want %s %d", j, a.SHA256, a.Size, a.Complete, want.sha, len(want.data))
				continue
			}
			if downloaded[a.SHA256] {
				continue
			}
			downloaded[a.SHA256] = true
			if err := download(ctx, url, acc.Reviewer, pf.id, want.sha, int64(len(want.data))); err != nil {
				errorf("attachment %d: %v", j, err)
			}
		}
	}
	if dataDir != "" {
		verifyFiles(t, dataDir, acc.Unit.ID, p.shas())
	}
}

// download fetches an attachment as a reviewer and checks its size and hash.
func download(ctx context.Context, base, token, filingID, sha string, size int64) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+protocol.Path(protocol.PathReviewAttachment, filingID, sha), nil)
	if err != nil {
		return err
	}
	req.Header.Set(protocol.HeaderAuthorization, "Bearer "+token)
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return fmt.Errorf("download: %s %s", resp.Status, b)
	}
	h := sha256.New()
	n, err := io.Copy(h, resp.Body)
	if err != nil {
		return fmt.Errorf("download: %w", err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); n != size || got != sha {
		return fmt.Errorf("downloaded %d bytes hashing to %s, want %d bytes %s", n, got, size, sha)
	}
	return nil
}

// verifyFiles checks the bureau's attachment directory of the unit: exactly
// the expected files, complete, and no partial upload.
func verifyFiles(t *testing.T, dataDir, unit string, want map[string]int64) {
	t.Helper()
	seen := map[string]bool{}
	root := filepath.Join(dataDir, "attachments")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		name := filepath.Base(path)
		size, ok := want[name]
		switch {
		case strings.HasSuffix(name, ".part"):
			t.Errorf("bureau left a partial upload %s", rel)
		case !ok || filepath.Dir(rel) != unit:
			t.Errorf("bureau holds an unexpected file %s", rel)
		default:
			info, err := d.Info()
			if err != nil {
				return err
			}
			if info.Size() != size {
				t.Errorf("bureau file %s has %d bytes, want %d", rel, info.Size(), size)
			}
			seen[name] = true
		}
		return nil
	})
	if err != nil {
		t.Fatalf("walk %s: %v", root, err)
	}
	if len(seen) != len(want) {
		t.Errorf("bureau holds %d of %d attachment files", len(seen), len(want))
	}
}

func countSubmits(h []app.Transition) int {
	n := 0
	for _, t := range h {
		if t.Action == app.ActionSubmit {
			n++
		}
	}
	return n
}

// brief formats an outbox item without its body.
func brief(it store.OutboxItem) string {
	return fmt.Sprintf("seq %d filing %s rev %d state %s attempts %d: %s", it.Seq, it.FilingID, it.RevisionNumber, it.State, it.Attempts, it.LastError)
}
