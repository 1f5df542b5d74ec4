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
