package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"egovdesk/app"
	"egovdesk/app/atrest"
	"egovdesk/app/store"
	"egovdesk/ui"
)

const (
	autoBackupFile  = "autobackup.json"
	autoBackupEvery = 24 * time.Hour
	autoBackupKeep  = 7
	autoBackupName  = "egovdesk-自动备份-"
)

// autoBackup writes a backup of the data directory into a folder the clerk
// chose, once a day while the client runs, and keeps the newest
// autoBackupKeep there. Its settings are autobackup.json in the data
// directory.
type autoBackup struct {
	dir  string
	st   *store.Store
	now  func() time.Time
	keys *atrest.Keys // the backups' encryption (backup.go); nil: plaintext

	mu  sync.Mutex // guards cfg and serialises backups
	cfg autoBackupConfig
}

type autoBackupConfig struct {
	Folder  string    `json:"folder,omitempty"`
	Last    time.Time `json:"last,omitzero"`
	Problem string    `json:"problem,omitempty"`
}

var _ ui.Backups = (*autoBackup)(nil)

func openAutoBackup(dir string, st *store.Store, now func() time.Time) (*autoBackup, error) {
	if now == nil {
		now = time.Now
	}
	b := &autoBackup{dir: dir, st: st, now: now}
	if err := readJSON(filepath.Join(dir, autoBackupFile), &b.cfg); err != nil {
		return nil, err
	}
	return b, nil
}

// Auto implements ui.Backups.
func (b *autoBackup) Auto() (string, time.Time, string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.cfg.Folder, b.cfg.Last, b.cfg.Problem
}

// SetAuto implements ui.Backups: on, it writes the first backup at once.
func (b *autoBackup) SetAuto(folder string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if folder != "" {
		if st, err := os.Stat(folder); err != nil || !st.IsDir() {
			return app.Errorf(app.EINVALID, "备份文件夹 %s 不存在或不是文件夹，请重新选择", folder)
		}
	}
	b.cfg = autoBackupConfig{Folder: folder}
	if folder == "" {
		return b.save()
	}
	return b.backupLocked()
}

// due writes a backup when one is on and the last is autoBackupEvery old.
func (b *autoBackup) due() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.cfg.Folder == "" || b.now().Sub(b.cfg.Last) < autoBackupEvery {
		return nil
	}
	return b.backupLocked()
}

// backupLocked writes one backup into the folder and prunes old ones; the
// outcome (time or problem) is saved either way.
func (b *autoBackup) backupLocked() error {
	now := b.now()
	path := filepath.Join(b.cfg.Folder, autoBackupName+now.Format("20060102-150405")+".egovbak")
	err := writeBackup(path, b.dir, b.st, b.keys)
	if err == nil {
		err = pruneBackups(b.cfg.Folder, autoBackupKeep)
	}
	if err != nil {
		var ae *app.Error
		if errors.As(err, &ae) {
			b.cfg.Problem = ae.Message
		} else {
			b.cfg.Problem = fmt.Sprintf("无法写入备份文件夹（%v）：请检查 U 盘或共享文件夹是否已连接", err)
		}
	} else {
		b.cfg.Last, b.cfg.Problem = now, ""
	}
	if serr := b.save(); err == nil {
		err = serr
	}
	return err
}

func (b *autoBackup) save() error {
	data, _ := json.MarshalIndent(b.cfg, "", "  ")
	return writeFile(filepath.Join(b.dir, autoBackupFile), data)
}

// run checks hourly (and once at start) whether a backup is due, until ctx
// ends. A failure is kept for the settings screen and retried next hour.
func (b *autoBackup) run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		_ = b.due()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// pruneBackups deletes all but the newest keep automatic backups in folder
// (by name, which holds the time); the clerk's own backups stay.
func pruneBackups(folder string, keep int) error {
	ents, err := os.ReadDir(folder)
	if err != nil {
		return err
	}
	var names []string
	for _, e := range ents {
		if n := e.Name(); strings.HasPrefix(n, autoBackupName) && strings.HasSuffix(n, ".egovbak") && e.Type().IsRegular() {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	for len(names) > keep {
		if err := os.Remove(filepath.Join(folder, names[0])); err != nil {
			return err
		}
		names = names[1:]
	}
	return nil
}

var _ ui.RecoveryKeys = (*autoBackup)(nil)

// RecoveryKey implements ui.RecoveryKeys.
func (b *autoBackup) RecoveryKey() string {
	if b.keys == nil {
		return ""
	}
	return b.keys.Recovery
}

// Protection implements ui.RecoveryKeys.
func (b *autoBackup) Protection() string {
	if b.keys == nil {
		return ""
	}
	return protectionText(b.keys.Method)
}
