package syncer

// WatchSyncDir calls seen with each directory the syncer syncs, before
// syncing it, until the test ends.
func WatchSyncDir(tb interface{ Cleanup(func()) }, seen func(dir string)) {
	old := syncDir
	syncDir = func(dir string) error {
		seen(dir)
		return old(dir)
	}
	tb.Cleanup(func() { syncDir = old })
}
