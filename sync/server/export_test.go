package server

// SetMemTableSize makes the bureau opened with cfg use Badger memtables of
// n bytes, so that a transaction holds at most 15% of n (tests of batches
// that outgrow one transaction).
func SetMemTableSize(cfg *Config, n int64) { cfg.memTable = n }
