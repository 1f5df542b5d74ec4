package server

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"egovdesk/app"
	"egovdesk/app/badgerutil"
	"egovdesk/sync/server/badgerstore"
)

// A backup is a zip file:
//
//	backup.json                 backupManifest
//	badger.backup               the store, as Badger's own backup stream writes it (one snapshot)
//	attachments/<unit>/<sha256> every complete attachment
//	keys/<name>                 the receipt (SM2) and audit (ed25519) signing keys
//
// The store is streamed from one read snapshot, so it is consistent in
// itself while the bureau goes on serving; the attachments are copied after
// it. A complete attachment is never changed, and not removed while a
// backup runs (filesMu, and the store's LockFiles across bureau processes;
// only one no revision names is ever removed), so
// every one the snapshot counts complete is in the backup; one completed after the
// snapshot may be in it too, which the restored bureau notices on the next
// request about it (recoverUpload) — no harm either way.
//
// The signing keys go with the store: a bureau restored without them would
// sign receipts with a new key, which every client that pinned the old one
// refuses, and its audit checkpoints would no longer verify against the
// public key the auditor holds. So the backup holds private keys, like the
// data directory: keep it as secret (docs/bureau.md).
const (
	backupManifestName = "backup.json"
	backupStoreName    = "badger.backup"
	backupFormat       = "egovdesk-bureau-backup/1"
)

type backupManifest struct {
	Format      string    `json:"format"`
	Created     time.Time `json:"created"`
	StoreSchema string    `json:"store_schema"`
	Attachments int       `json:"attachments"`
	Keys        []string  `json:"keys,omitempty"`
}

// backupKeys are the files of the data directory a backup carries besides
// the store and the attachments.
var backupKeys = []string{ReceiptKeyFile, AuditKeyFile}

// Backup writes a consistent backup of the running bureau to w (see the
// format above) and returns how many attachments it holds. It reads while
// the bureau serves; writes go on meanwhile. It fails with the error of w
// or of the store, and with ctx's when cancelled.
func (s *Server) Backup(ctx context.Context, w io.Writer) (_ int, err error) {
	if err = s.auditReady(); err != nil {
		return
	}
	defer s.audited(ctx, "export.backup", "", &err)
	// No attachment the snapshot counts is pruned before it is copied, by
	// this process or another on the same store (tryLockFiles).
	s.filesMu.RLock()
	defer s.filesMu.RUnlock()
	unlock, _, err := s.store.LockFiles(ctx, false)
	if err != nil {
		return 0, fmt.Errorf("backup: %w", err)
	}
	defer unlock()
	zw := zip.NewWriter(w)
	started := s.Now()
	// The store first: its snapshot decides which attachments it counts.
	sw, err := zw.CreateHeader(&zip.FileHeader{Name: backupStoreName, Method: zip.Deflate, Modified: started})
	if err != nil {
		return 0, fmt.Errorf("backup: %w", err)
	}
	if err := s.store.Backup(ctx, ctxWriter{ctx, sw}); err != nil {
		return 0, fmt.Errorf("backup store: %w", err)
	}
	n := 0
	err = filepath.WalkDir(s.files, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.IsDir() || strings.HasSuffix(d.Name(), ".part") || !app.ValidSHA256(d.Name()) {
			return nil
		}
		rel, err := filepath.Rel(s.files, p)
		if err != nil {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		aw, err := zw.CreateHeader(&zip.FileHeader{Name: path.Join("attachments", filepath.ToSlash(rel)), Method: zip.Store, Modified: started})
		if err != nil {
			return err
		}
		if _, err := io.Copy(ctxWriter{ctx, aw}, f); err != nil {
			return err
		}
		n++
		return nil
	})
	if err != nil {
		return n, fmt.Errorf("backup attachments: %w", err)
	}
	var keys []string
	for _, name := range backupKeys {
		data, err := os.ReadFile(filepath.Join(s.cfg.DataDir, name))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return n, fmt.Errorf("backup keys: %w", err)
		}
		kw, err := zw.CreateHeader(&zip.FileHeader{Name: "keys/" + name, Method: zip.Deflate, Modified: started})
		if err == nil {
			_, err = kw.Write(data)
		}
		if err != nil {
			return n, fmt.Errorf("backup keys: %w", err)
		}
		keys = append(keys, name)
	}
	mw, err := zw.CreateHeader(&zip.FileHeader{Name: backupManifestName, Method: zip.Deflate, Modified: started})
	if err != nil {
		return n, fmt.Errorf("backup: %w", err)
	}
	if err := json.NewEncoder(mw).Encode(backupManifest{Format: backupFormat, Created: started,
		StoreSchema: s.store.Schema(), Attachments: n, Keys: keys}); err != nil {
		return n, fmt.Errorf("backup: %w", err)
	}
	if err := zw.Close(); err != nil {
		return n, fmt.Errorf("backup: %w", err)
	}
	s.log.Info("backup written", "attachments", n, "took", s.Now().Sub(started).String())
	return n, nil
}

// ctxWriter stops a copy when ctx is done.
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c ctxWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}

// Restore makes dir, which must not exist or be empty, the data directory
// of the bureau backed up in the zip file at from (written by Backup). It
// checks every attachment against its SHA-256 name and syncs what it
// wrote. Run `bureau changes reset` on dir before serving it when the
// backup is older than what clients hold. It returns how many attachments
// it restored. With key the restored store is encrypted at rest
// (badgerstore.Options.EncryptionKey): how an existing bureau is encrypted.
func Restore(ctx context.Context, from, dir string, key []byte) (int, error) {
	zr, err := zipOpen(from)
	if err != nil {
		return 0, fmt.Errorf("restore: %w", err)
	}
	defer zr.Close()
	var man backupManifest
	var storeFile *zip.File
	for _, f := range zr.File {
		switch f.Name {
		case backupManifestName:
			if err := readZipJSON(f, &man); err != nil {
				return 0, fmt.Errorf("restore: %w", err)
			}
		case backupStoreName:
			storeFile = f
		}
	}
	if man.Format != backupFormat || storeFile == nil {
		return 0, fmt.Errorf("restore: %s is not a bureau backup (%q)", from, man.Format)
	}
	if man.StoreSchema != badgerstore.Schema && !badgerstore.Upgradable(man.StoreSchema) {
		return 0, fmt.Errorf("restore: the backup has store layout %s, this bureau reads layout %s", man.StoreSchema, badgerstore.Schema)
	}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return 0, fmt.Errorf("restore: %s is not empty; restore into a new directory", dir)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return 0, fmt.Errorf("restore: %w", err)
	}
	files := filepath.Join(dir, "attachments")
	if err := os.MkdirAll(files, 0o750); err != nil {
		return 0, fmt.Errorf("restore: %w", err)
	}
	rc, err := storeFile.Open()
	if err == nil {
		err = badgerstore.Load(filepath.Join(dir, "badger"), rc, key)
		rc.Close()
	}
	if err != nil {
		return 0, fmt.Errorf("restore store: %w", err)
	}
	n := 0
	dirs := map[string]bool{}
	keys := 0
	for _, f := range zr.File {
		if name, ok := strings.CutPrefix(f.Name, "keys/"); ok {
			if !slices.Contains(backupKeys, name) {
				return n, fmt.Errorf("restore: unexpected entry %q", f.Name)
			}
			if err := restoreKey(f, filepath.Join(dir, name)); err != nil {
				return n, fmt.Errorf("restore %s: %w", f.Name, err)
			}
			keys++
			continue
		}
		rel, ok := strings.CutPrefix(f.Name, "attachments/")
		if !ok {
			continue
		}
		unit, sum, ok := strings.Cut(rel, "/")
		if !ok || !validID(unit) || !app.ValidSHA256(sum) {
			return n, fmt.Errorf("restore: unexpected entry %q", f.Name)
		}
		if err := ctx.Err(); err != nil {
			return n, err
		}
		ud := filepath.Join(files, unit)
		if !dirs[ud] {
			if err := os.MkdirAll(ud, 0o750); err != nil {
				return n, fmt.Errorf("restore: %w", err)
			}
			dirs[ud] = true
		}
		if err := restoreFile(f, filepath.Join(ud, sum), sum); err != nil {
			return n, fmt.Errorf("restore %s: %w", f.Name, err)
		}
		n++
	}
	for d := range dirs {
		if err := badgerutil.SyncDir(d); err != nil {
			return n, fmt.Errorf("restore: %w", err)
		}
	}
	if err := badgerutil.SyncDir(files); err != nil {
		return n, fmt.Errorf("restore: %w", err)
	}
	if man.Attachments != n {
		return n, fmt.Errorf("restore: the backup lists %d attachments, %d found", man.Attachments, n)
	}
	if len(man.Keys) != keys {
		return n, fmt.Errorf("restore: the backup lists %d signing keys, %d found", len(man.Keys), keys)
	}
	if err := badgerutil.SyncDir(dir); err != nil {
		return n, fmt.Errorf("restore: %w", err)
	}
	return n, nil
}

// restoreKey writes a signing key of the backup to path, readable by the
// bureau's user only, as the bureau made it.
func restoreKey(f *zip.File, path string) error {
	if f.UncompressedSize64 > 64<<10 {
		return errors.New("too large for a key")
	}
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, 64<<10))
	if err != nil {
		return err
	}
	out, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = out.Write(data)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}

func zipOpen(path string) (*zip.ReadCloser, error) {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return nil, fmt.Errorf("backup %s is not a whole bureau backup: %w", path, err)
	}
	return zr, nil
}

func readZipJSON(f *zip.File, v any) error {
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	return json.NewDecoder(io.LimitReader(rc, 1<<20)).Decode(v)
}

// restoreFile writes the zip entry f to path, checking that its bytes hash
// to sum, and syncs it.
func restoreFile(f *zip.File, path, sum string) error {
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	out, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return err
	}
	h := sha256.New()
	_, err = io.Copy(io.MultiWriter(out, h), rc)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err == nil && hex.EncodeToString(h.Sum(nil)) != sum {
		err = errors.New("its bytes do not hash to its name: the backup is damaged")
	}
	if err != nil {
		os.Remove(path)
	}
	return err
}
