package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/google/uuid"

	"egovdesk/app"
	"egovdesk/app/atrest"
)

// A rescue is the last edit of a filing that the store could not take when
// the client was closing: below the disk reserve (guardDisk) Save refuses,
// and the edit lived only in the window. Closing the window, 退出 and a
// SIGTERM (logging out, shutting down) lost it (found in a clerk's
// walkthrough on a full disk). The reserve is what makes a rescue possible:
// one filing's JSON is kilobytes, written by plain file writes that fail
// with ENOSPC where Badger's memory-mapped log would die of SIGBUS.
//
// A rescue is a file of its own, rescue/<filing ID>.json in the store's
// directory, encrypted like the store when it is; the next Open saves it
// into the store as the filing's working copy and removes it.
const rescueDir = "rescue"

// maxRescue bounds a rescue file read back: the largest filing a client
// keeps, with room.
const maxRescue = 64 << 20

// Rescue writes f, an edit Save refused, beside the store for the next Open
// to adopt. It fails when even that cannot be written; the edit is then
// lost with the window, and the caller should say so.
func (s *Store) Rescue(f *app.Filing) error {
	if f == nil || len(f.ID) != 36 || uuid.Validate(f.ID) != nil { // it names a file
		return app.Errorf(app.EINVALID, "材料缺少编号，无法另存")
	}
	if s.dir == "" {
		return app.Errorf(app.EUNAVAILABLE, "本机存储在内存中，无法另存")
	}
	data, err := json.Marshal(rescue{At: s.now(), Filing: f})
	if err != nil {
		return fmt.Errorf("rescue %s: %w", f.ID, err)
	}
	dir := filepath.Join(s.dir, rescueDir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("rescue %s: %w", f.ID, err)
	}
	tmp, err := os.CreateTemp(dir, f.ID+".*.tmp")
	if err != nil {
		return fmt.Errorf("rescue %s: %w", f.ID, err)
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	var w io.Writer = tmp
	var enc *atrest.Writer
	if s.key != nil {
		if enc, err = atrest.NewWriter(tmp, s.key, atrest.AES256GCM); err != nil {
			return fmt.Errorf("rescue %s: %w", f.ID, err)
		}
		w = enc
	}
	if _, err := w.Write(data); err != nil {
		return fmt.Errorf("rescue %s: %w", f.ID, err)
	}
	if enc != nil {
		if err := enc.Close(); err != nil {
			return fmt.Errorf("rescue %s: %w", f.ID, err)
		}
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("rescue %s: %w", f.ID, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("rescue %s: %w", f.ID, err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, f.ID+".json")); err != nil {
		return fmt.Errorf("rescue %s: %w", f.ID, err)
	}
	done = true
	return SyncDir(dir)
}

// rescue is a rescue file's content: the edit and when it was kept aside.
type rescue struct {
	At     time.Time   `json:"at"`
	Filing *app.Filing `json:"filing"`
}

// Rescued returns the IDs of the filings whose rescued edits this Open
// adopted, for the client to tell the clerk.
func (s *Store) Rescued() []string { return slices.Clone(s.rescued) }

// adoptRescued saves every rescue into the store, as the working copy of
// its filing, and removes it. A rescue the store still cannot take (the
// disk still full) stays for the next Open; one it refuses (the revision
// was submitted meanwhile from a restored backup, say) is kept aside as
// rescue/<id>.json.refused, never deleted, and logged.
func (s *Store) adoptRescued(ctx context.Context) {
	dir := filepath.Join(s.dir, rescueDir)
	entries, err := os.ReadDir(dir)
	if err != nil {
		if !errors.Is(err, os.ErrNotExist) {
			s.log.Warn("rescued edits not read", "dir", dir, "err", err)
		}
		return
	}
	for _, e := range entries {
		name := e.Name()
		if strings.HasSuffix(name, ".tmp") {
			os.Remove(filepath.Join(dir, name)) // a rescue cut short
			continue
		}
		if !strings.HasSuffix(name, ".json") {
			continue
		}
		path := filepath.Join(dir, name)
		f, at, err := s.readRescue(path)
		if err == nil {
			if aside := s.rescueOutdated(ctx, f, at); aside != "" {
				// Never over what the clerk saved after it, nor bringing
				// back a draft deleted since (found in a clerk's
				// walkthrough on a full disk).
				os.Rename(path, path+"."+aside)
				s.setAside = append(s.setAside, f.ID)
				s.log.Warn("a rescued edit was not saved; kept aside", "file", path+"."+aside, "why", aside)
				continue
			}
			err = s.Save(ctx, f)
		}
		switch {
		case err == nil:
			s.rescued = append(s.rescued, f.ID)
			os.Remove(path)
			s.log.Info("a rescued edit was saved", "filing", f.ID)
		case app.ErrorCode(err) == app.EUNAVAILABLE:
			s.waiting = append(s.waiting, f.ID)
			s.log.Warn("a rescued edit waits for disk space", "file", path, "err", err)
		default:
			os.Rename(path, path+".refused")
			s.setAside = append(s.setAside, f.ID)
			s.log.Error("a rescued edit could not be saved; kept aside", "file", path+".refused", "err", err)
		}
	}
}

// rescueOutdated says why the rescue f, kept aside at at, must not be
// saved: "deleted" when its draft is in the trash, "stale" when the
// store's copy was saved after it; "" when it may.
func (s *Store) rescueOutdated(ctx context.Context, f *app.Filing, at time.Time) string {
	if s.inTrash(f.ID) {
		return "deleted"
	}
	if sum, err := s.Summary(ctx, f.ID); err == nil && sum.Updated.After(at) {
		return "stale"
	}
	return ""
}

// inTrash reports whether draft id was deleted (trash.go).
func (s *Store) inTrash(id string) bool {
	found := false
	_ = s.db.View(func(txn *badger.Txn) error {
		_, err := txn.Get([]byte("t/" + id))
		found = err == nil
		return nil
	})
	return found
}

// SetAsideRescues returns the IDs of the filings whose rescued edits this
// Open kept aside unsaved (outdated, or refused): the clerk is told.
func (s *Store) SetAsideRescues() []string { return slices.Clone(s.setAside) }

// WaitingRescues returns the IDs of the filings whose rescued edits this
// Open could not save for want of disk space (they stay for the next
// Open, and PendingRescue gives them to the editor meanwhile).
func (s *Store) WaitingRescues() []string { return slices.Clone(s.waiting) }

// PendingRescue returns the rescued edit of filing id that waits to be
// saved, nil if there is none: the editor goes on from it, and
// DropRescue removes it once the editor's save of it went through.
func (s *Store) PendingRescue(id string) *app.Filing {
	if s.dir == "" || len(id) != 36 || uuid.Validate(id) != nil {
		return nil
	}
	f, at, err := s.readRescue(filepath.Join(s.dir, rescueDir, id+".json"))
	if err != nil || s.rescueOutdated(context.Background(), f, at) != "" {
		return nil
	}
	return f
}

// DropRescue removes the rescued edit of filing id, once saved.
func (s *Store) DropRescue(id string) {
	if s.dir == "" || len(id) != 36 || uuid.Validate(id) != nil {
		return
	}
	os.Remove(filepath.Join(s.dir, rescueDir, id+".json"))
}

func (s *Store) readRescue(path string) (*app.Filing, time.Time, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, time.Time{}, err
	}
	if len(data) > maxRescue {
		return nil, time.Time{}, fmt.Errorf("rescue %s: %d bytes", path, len(data))
	}
	if s.key != nil {
		r, err := atrest.NewReader(bytes.NewReader(data), int64(len(data)), s.key)
		if err != nil {
			return nil, time.Time{}, fmt.Errorf("rescue %s: %w", path, err)
		}
		plain := make([]byte, r.Size())
		if _, err := r.ReadAt(plain, 0); err != nil && !errors.Is(err, io.EOF) {
			return nil, time.Time{}, fmt.Errorf("rescue %s: %w", path, err)
		}
		data = plain
	}
	var rc rescue
	if err := json.Unmarshal(data, &rc); err != nil || rc.Filing == nil {
		return nil, time.Time{}, fmt.Errorf("rescue %s: not a rescue (%v)", path, err)
	}
	if strings.TrimSuffix(filepath.Base(path), ".json") != rc.Filing.ID {
		return nil, time.Time{}, fmt.Errorf("rescue %s holds filing %s", path, rc.Filing.ID)
	}
	return rc.Filing, rc.At, nil
}
