package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"fyne.io/fyne/v2"

	"egovdesk/app"
	"egovdesk/app/atrest"
	"egovdesk/app/store"
	"egovdesk/assets"
	"egovdesk/sync/syncer"
	"egovdesk/ui"
)

// desk is the client wired together: the store, the attachment files, the
// link to the bureau and the UI.
type desk struct {
	store   *store.Store
	blobs   *syncer.BlobDir
	link    *link
	ui      *ui.UI
	backups *autoBackup
	keys    *atrest.Keys       // the data directory's encryption; nil: none
	stop    context.CancelFunc // the automatic backups' loop
	loops   sync.WaitGroup
}

type deskOptions struct {
	log       *slog.Logger
	loop      bool                        // run the sync loop
	tray      bool                        // a tray host shows the tray icon at start
	trayText  func(title, tooltip string) // nil: Fyne's tray title
	notifier  ui.Notifier                 // nil: Fyne's notifications
	syncOpts  syncer.Options
	saveDelay time.Duration
	now       func() time.Time
	do        func(func())            // [fyne.Do]
	files     ui.Files                // the desktop's file dialogs; nil: Fyne's
	focusTick func()                  // runs at the UI's focus poll (the IME's spot); nil: none
	restore   func(path string) error // 文件 → 从备份恢复…; nil: the menu says how
	// restoreRecovery is restore for another computer's encrypted backup,
	// with its recovery key.
	restoreRecovery func(path, recoveryKey string) error
	// keys encrypt the store and the attachment files (keys.go); nil
	// leaves them in plaintext (benchmarks, tools), which main never does.
	keys *atrest.Keys
}

// openDesk opens the data directory dir and builds the UI in w. It fails
// with the store's ELOCKED *app.Error when another window holds dir.
func openDesk(a fyne.App, w fyne.Window, dir string, o deskOptions) (*desk, error) {
	if o.log == nil {
		o.log = slog.New(slog.DiscardHandler)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	profiles, err := app.LoadProfiles(assets.Profiles, "profiles")
	if err != nil {
		return nil, err
	}
	sopts := []store.Option{store.WithLogger(o.log)}
	if o.keys != nil {
		sopts = append(sopts, store.WithEncryptionKey(o.keys.Data))
	}
	st, err := store.Open(filepath.Join(dir, "store"), sopts...)
	if err != nil {
		return nil, err
	}
	if o.keys != nil {
		clearViewCopies() // a previous run's
	}
	blobs, err := openBlobs(dir, o.keys)
	if err != nil {
		return nil, errors.Join(err, st.Close())
	}
	o.syncOpts.Logger = o.log
	l, err := openLink(dir, st, blobs, profiles, o.log, o.syncOpts, o.loop)
	if err != nil {
		return nil, errors.Join(err, st.Close())
	}
	backups, err := openAutoBackup(dir, st, o.now)
	if backups != nil {
		backups.keys = o.keys
	}
	if err != nil {
		l.Close()
		return nil, errors.Join(err, st.Close())
	}
	u := ui.New(a, w, ui.Options{Store: &local{st: st, blobs: blobs, dir: dir, keys: o.keys}, Link: l, Excel: workbooks{}, Files: o.files, Backups: backups, Restore: o.restore, RestoreRecovery: o.restoreRecovery, FocusTick: o.focusTick, Profiles: profiles,
		Tray: o.tray, TrayText: o.trayText, Notifier: o.notifier, SaveDelay: o.saveDelay, Now: o.now, Do: o.do, Rescued: st.Rescued(), RescueWaiting: st.WaitingRescues(), RescueSetAside: st.SetAsideRescues()})
	d := &desk{store: st, blobs: blobs, link: l, ui: u, backups: backups, keys: o.keys, stop: func() {}}
	if o.loop {
		ctx, cancel := context.WithCancel(context.Background())
		d.stop = cancel
		d.loops.Add(1)
		go func() {
			defer d.loops.Done()
			backups.run(ctx, time.Hour)
		}()
	}
	return d, nil
}

// openBlobs opens the data directory's attachment files, encrypted with
// keys (attachmentCipher) when there are keys.
func openBlobs(dir string, keys *atrest.Keys) (*syncer.BlobDir, error) {
	p := filepath.Join(dir, "attachments")
	if keys == nil {
		return syncer.OpenBlobDir(p)
	}
	return syncer.OpenEncryptedBlobDir(p, keys.Data, attachmentCipher(dir))
}

// Close stops the UI (storing the last edit), the sync loop and the store.
func (d *desk) Close() error {
	d.stop()
	d.loops.Wait()
	d.ui.Stop()
	d.link.Close()
	if d.keys != nil {
		clearViewCopies()
	}
	return d.store.Close()
}
