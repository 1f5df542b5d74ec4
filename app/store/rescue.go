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
	data, err := json.Marshal(f)
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
		f, err := s.readRescue(path)
		if err == nil {
			err = s.Save(ctx, f)
		}
		switch {
		case err == nil:
			s.rescued = append(s.rescued, f.ID)
			os.Remove(path)
			s.log.Info("a rescued edit was saved", "filing", f.ID)
		case app.ErrorCode(err) == app.EUNAVAILABLE:
			s.log.Warn("a rescued edit waits for disk space", "file", path, "err", err)
		default:
			os.Rename(path, path+".refused")
			s.log.Error("a rescued edit could not be saved; kept aside", "file", path+".refused", "err", err)
		}
	}
}

func (s *Store) readRescue(path string) (*app.Filing, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(data) > maxRescue {
		return nil, fmt.Errorf("rescue %s: %d bytes", path, len(data))
	}
	if s.key != nil {
		r, err := atrest.NewReader(bytes.NewReader(data), int64(len(data)), s.key)
		if err != nil {
			return nil, fmt.Errorf("rescue %s: %w", path, err)
		}
		plain := make([]byte, r.Size())
		if _, err := r.ReadAt(plain, 0); err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("rescue %s: %w", path, err)
		}
		data = plain
	}
	var f app.Filing
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("rescue %s: %w", path, err)
	}
	if strings.TrimSuffix(filepath.Base(path), ".json") != f.ID {
		return nil, fmt.Errorf("rescue %s holds filing %s", path, f.ID)
	}
	return &f, nil
}
