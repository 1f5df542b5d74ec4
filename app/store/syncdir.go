package store

import (
	"fmt"
	"os"
	"runtime"
)

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
