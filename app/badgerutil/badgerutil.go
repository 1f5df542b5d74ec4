// Package badgerutil holds what the client's store (app/store) and the
// bureau's (sync/server/badgerstore) both need of Badger and the file
// system: opening a database past a known crash, telling a held
// directory, and syncing a directory.
package badgerutil

import (
	"fmt"
	"os"
	"runtime"
	"strings"

	"github.com/dgraph-io/badger/v4"
)

// Open opens a Badger database like badger.Open, and survives a crash
// Badger itself does not: a process killed while Badger rotates its memtable
// leaves the next .mem file created but still empty, and badger.Open then
// fails with "Create a new file" (dgraph-io/badger#2207, open in v4.9.6). That
// failed Open sizes the file, so opening once more succeeds; the file holds no
// entries, so nothing is lost. The directory lock is taken before memtables
// are read, so this error means no other process holds the directory.
func Open(opts badger.Options) (*badger.DB, error) {
	db, err := badger.Open(opts)
	if err != nil && strings.Contains(err.Error(), "Create a new file") {
		if opts.Logger != nil {
			opts.Logger.Warningf("reopening %s after an interrupted memtable rotation (badger#2207)", opts.Dir)
		}
		db, err = badger.Open(opts)
	}
	return db, err
}

// DirLocked reports whether err, from Open or badger.Open, says another
// process holds the database directory. Badger flattens the OS error into
// text (y.Wrapf without debug mode), so errors.Is cannot see EWOULDBLOCK;
// both the Unix (flock) and the Windows (exclusive LOCK file) paths say
// "Another process is using this Badger database".
func DirLocked(err error) bool {
	return err != nil && strings.Contains(err.Error(), "Another process is using this Badger database")
}

// SyncDir makes the entries of directory dir durable — files created,
// renamed into or removed from it — as File.Sync does for a file's bytes:
// after a power cut a renamed file may otherwise be back under its old
// name, or gone with a directory that was new. On Windows, where a
// directory cannot be opened for syncing and NTFS journals renames, it does
// nothing.
func SyncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync directory: %w", err)
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("sync directory %s: %w", dir, err)
	}
	return nil
}
