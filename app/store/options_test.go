package store

import "testing"

// TestValueLogOnlyWhereItIsSafe: bodies and documents of 1 KiB and more go
// to the value log only in an on-disk store without SyncWrites. An
// in-memory Badger refuses values above the threshold, and with SyncWrites
// on Badger only logs a failed value-log sync.
func TestValueLogOnlyWhereItIsSafe(t *testing.T) {
	for _, tc := range []struct {
		name string
		c    config
		want int64
	}{
		{"on disk", config{}, 1 << 10},
		{"in memory", config{inMemory: true}, 1 << 20},
		{"sync writes", config{syncWrites: true}, 1 << 20},
	} {
		if got := badgerOptions(t.TempDir(), &tc.c).ValueThreshold; got != tc.want {
			t.Errorf("%s: value threshold %d, want %d", tc.name, got, tc.want)
		}
	}
}

// The caches Badger keeps in the Go heap stay within the client's memory
// budget (docs/benchmarks.md): a 4 MB block cache, no index cache (it only
// serves encrypted tables), whatever the store holds.
func TestCachesFitTheDesktopBudget(t *testing.T) {
	opts := badgerOptions(t.TempDir(), &config{})
	if opts.BlockCacheSize > 4<<20 {
		t.Errorf("block cache %d MB, want at most 4 MB", opts.BlockCacheSize>>20)
	}
	if opts.IndexCacheSize != 0 {
		t.Errorf("index cache %d MB, want none: the client's tables are not encrypted", opts.IndexCacheSize>>20)
	}
	if len(opts.EncryptionKey) != 0 {
		t.Error("an encryption key without WithEncryptionKey")
	}
}

// An encrypted store gets Badger's master key, the rotation of its data
// keys, and the index cache Badger needs for encrypted tables (kept small).
func TestEncryptedOptions(t *testing.T) {
	key := make([]byte, 32)
	opts := badgerOptions(t.TempDir(), &config{key: key})
	if len(opts.EncryptionKey) != 32 {
		t.Fatal("WithEncryptionKey did not reach Badger")
	}
	if opts.IndexCacheSize <= 0 || opts.IndexCacheSize > 4<<20 {
		t.Errorf("index cache %d, want above zero and at most 4 MB", opts.IndexCacheSize)
	}
	if opts.EncryptionKeyRotationDuration != EncryptionRotation {
		t.Errorf("rotation %v, want %v", opts.EncryptionKeyRotationDuration, EncryptionRotation)
	}
}
