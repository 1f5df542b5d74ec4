package store

import "egovdesk/app/badgerutil"

// SyncDir makes the entries of directory dir durable — files created,
// renamed into or removed from it — as File.Sync does for a file's bytes:
// after a power cut a renamed file may otherwise be back under its old
// name, or gone with a directory that was new. On Windows, where a
// directory cannot be opened for syncing and NTFS journals renames, it does
// nothing.
func SyncDir(dir string) error { return badgerutil.SyncDir(dir) }
